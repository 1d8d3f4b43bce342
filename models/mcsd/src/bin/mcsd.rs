//! `mcsd`: train, sample from and benchmark MCSD models. Thin glue over [`mcsd::cli`], which the
//! `embodied` command exposes too (`embodied train`, `embodied bench mcsd`).
//!
//! Exit codes (shared by the project's binaries): 0 ok, 2 config, 3 model, 6 bench.

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "mcsd",
    about = "Train, sample from and benchmark MCSD language models"
)]
struct Cli {
    #[command(subcommand)]
    command: mcsd::cli::Command,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    mcsd::cli::reexec_with_malloc_tunables();
    match mcsd::cli::run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err((err, code)) => {
            eprintln!("error: {err:#}");
            ExitCode::from(code)
        }
    }
}
