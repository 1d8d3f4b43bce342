//! `cargo run -p whisper_models --example models -- fetch --model tiny.en`: the `models`
//! subcommands without the `embodied` binary (for trying this crate alone).

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: whisper_models::cli::Command,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match whisper_models::cli::run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err((err, code)) => {
            eprintln!("error: {err:#}");
            ExitCode::from(code)
        }
    }
}
