//! `cargo run -p brain --release --example train_assistant -- [ARGS]`: the `embodied
//! train-assistant` pipeline without the `embodied` binary (see `brain::train`).
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: brain::train::TrainAssistantArgs,
}

fn main() -> anyhow::Result<()> {
    brain::train::run(&Cli::parse().args)
}
