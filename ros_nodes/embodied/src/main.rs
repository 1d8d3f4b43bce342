//! `embodied`: the project's command line (launch files without ROS; later models, training,
//! scenarios and benchmarks). Glue only: the work is done by the libraries.

mod cli;
mod exit_codes;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::init_tracing();
    match try_main(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}

fn try_main(cli: cli::Cli) -> Result<u8, cli::Failure> {
    cli::run(cli)
}
