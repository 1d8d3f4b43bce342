//! `embodied bench TARGET`: benchmarks that print a comparison measured in one run (ours vs a
//! baseline, as a ratio). Every target takes `--json` and then ends its output with one JSON
//! object holding its figures.

use super::Failure;
use super::bench_transport;

/// Arguments of `embodied bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    target: BenchTarget,
}

#[derive(Debug, clap::Subcommand)]
enum BenchTarget {
    /// Publish→receive latency and throughput of AudioChunk samples between two processes,
    /// ours (ros2-client + RustDDS) vs Cyclone DDS.
    Transport(bench_transport::TransportArgs),
    /// MCSD vs a same-size Transformer: decode latency and state bytes against context,
    /// training throughput of the chunked and literal forms, quality on the same tokens.
    Mcsd(mcsd::cli::BenchArgs),
}

/// Runs the chosen benchmark.
pub fn run(args: BenchArgs) -> Result<u8, Failure> {
    match args.target {
        BenchTarget::Transport(args) => bench_transport::run(args),
        BenchTarget::Mcsd(args) => super::model_tool(mcsd::cli::Command::Bench(args)),
    }
}
