//! `embodied bench planner` without the `embodied` binary: `cargo run -p planner --example
//! bench_planner -- [--json] [--plot runs.png]`.

use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    args: planner::cli::BenchArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match planner::cli::bench(cli.args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((error, code)) => {
            eprintln!("error: {error:#}");
            ExitCode::from(code)
        }
    }
}
