//! `embodied bench TARGET`: benchmarks that print a comparison measured in one run (ours vs a
//! baseline, as a ratio). Every target takes `--json` and then ends its output with one JSON
//! object holding its figures.

use super::Failure;
use super::{bench_e2e, bench_transport};

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
    /// The headless simulator: steps per second and real-time factor on the home world, with
    /// a 360-sample lidar at 10 Hz and 50 Hz control, against real time.
    Sim(sim::cli::BenchArgs),
    /// Speech recognition: processing time, real-time factor and end-of-speech → transcript
    /// latency of our pipeline, next to whisper.cpp's default settings.
    Asr(asr::cli::BenchArgs),
    /// The planner: planning time on the home map, path length against the grid optimum, and
    /// time to goal between rooms driven in the simulator.
    Planner(planner::cli::BenchArgs),
    /// The whole assistant on the headless simulator: end of speech → transcript, task,
    /// first /cmd_vel and first reply audio over 20 spoken commands (p50, p95, each stage's
    /// share of the budget, the targets), next to a 1 s endpoint-grace reference.
    E2e(bench_e2e::E2eArgs),
    /// Learning on the device: one consolidation after 10 and one after 100 taught phrases
    /// (time, peak memory, taught phrases from the weights and held-out accuracy before and
    /// after), against full fine-tuning's trained parameters and optimizer state.
    Learn(brain::bench_learn::BenchLearnArgs),
}

/// Runs the chosen benchmark.
pub fn run(args: BenchArgs) -> Result<u8, Failure> {
    match args.target {
        BenchTarget::Transport(args) => bench_transport::run(args),
        BenchTarget::E2e(args) => bench_e2e::run(args),
        BenchTarget::Learn(args) => brain::bench_learn::run(&args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|error| Failure {
                code: crate::exit_codes::BENCH,
                error,
            }),
        BenchTarget::Mcsd(args) => super::model_tool(mcsd::cli::Command::Bench(args)),
        BenchTarget::Asr(args) => asr::cli::bench(&args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|error| Failure {
                code: asr::cli::exit_code(&error),
                error,
            }),
        BenchTarget::Planner(args) => planner::cli::bench(args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
        BenchTarget::Sim(args) => sim::cli::bench(args)
            .map(|()| crate::exit_codes::OK)
            .map_err(|(error, code)| Failure { code, error }),
    }
}
