//! Entry points of the assistant: the `embodied` command ([`embodied_main`]) and every node
//! executable ([`nodes`]). Glue only: the work is done by the libraries. The binaries are one
//! line each so that the ament package `ros/embodied_assistant` builds the very same programs.

mod cli;
mod exit_codes;
pub mod nodes;
pub mod scenario;

use std::process::ExitCode;

use clap::Parser as _;

/// The `embodied` command: parses the command line, runs the subcommand, maps failures to
/// exit codes (the message goes to stderr).
#[must_use]
pub fn embodied_main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::init_tracing();
    match cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}
