//! `cargo run -p brain --release --example train_assistant -- [ARGS]`: the `embodied
//! train-assistant` pipeline without the `embodied` binary (see `brain::train`), on generated
//! text only: hearing the corpus through our ASR needs the `embodied` binary.
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: brain::train::TrainAssistantArgs,
}

fn main() -> anyhow::Result<()> {
    mcsd::cli::reexec_with_malloc_tunables();
    let args = Cli::parse().args;
    if args.plan()?.corpus.heard_examples > 0 {
        tracing::warn!(
            "this example does not hear the corpus through ASR; `embodied train-assistant` does"
        );
    }
    brain::train::run(&args, Vec::new())
}
