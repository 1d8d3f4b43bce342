//! `cargo run -p brain --example corpus -- --out DIR --seed N --examples N --stats`: the
//! `embodied corpus` subcommand before the lead wires it into the `embodied` CLI.

use clap::Parser;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    args: brain::cli::CorpusArgs,
}

fn main() -> anyhow::Result<()> {
    brain::cli::run(&Cli::parse().args)
}
