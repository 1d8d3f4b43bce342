//! The recogniser's subcommands without the `embodied` binary (for trying this crate alone):
//! `cargo run --release -p asr --no-default-features --example asr_cli -- transcribe FILE.wav`
//! and `... -- bench --json`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// `embodied transcribe`.
    Transcribe(asr::cli::TranscribeArgs),
    /// `embodied bench asr`.
    Bench(asr::cli::BenchArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Transcribe(args) => asr::cli::transcribe(&args),
        Command::Bench(args) => asr::cli::bench(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(asr::cli::exit_code(&error))
        }
    }
}
