//! `embodied speech ...` before the lead wires it into the CLI:
//! `cargo run -p speech_out --example speech -- say "Go to the kitchen." --out go.wav`.

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: speech_out::cli::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match speech_out::cli::run(&cli.command, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
