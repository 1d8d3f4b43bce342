//! The simulator's CLI on its own, until the `embodied` command wires it
//! (`embodied sim plot RUN`, `embodied bench sim`):
//! `cargo run --release -p sim --example sim_cli -- bench --json` or `-- plot RUN`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// `embodied bench sim`.
    Bench(sim::cli::BenchArgs),
    /// `embodied sim ...`.
    #[command(flatten)]
    Sim(sim::cli::Command),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let result = match Cli::parse().command {
        Command::Bench(args) => sim::cli::bench(args),
        Command::Sim(command) => sim::cli::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((error, code)) => {
            eprintln!("error: {error:#}");
            ExitCode::from(code)
        }
    }
}
