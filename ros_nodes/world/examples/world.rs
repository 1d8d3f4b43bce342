//! The `embodied world` subcommands as a standalone program, for trying them before the
//! `embodied` CLI wires them: `cargo run -p embodied_world --example world -- check`.

use clap::Parser;

/// Load, check and inspect the world files.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: embodied_world::cli::Command,
}

fn main() -> std::process::ExitCode {
    match embodied_world::cli::run(Cli::parse().command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err((error, code)) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::from(code)
        }
    }
}
