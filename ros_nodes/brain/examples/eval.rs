//! `cargo run -p brain --example eval -- [ARGS]`: `embodied eval` before the lead wires it.
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: brain::eval::EvalArgs,
}

fn main() -> anyhow::Result<()> {
    brain::eval::run(&Cli::parse().args)
}
