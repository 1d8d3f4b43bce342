//! The command line of the model tools (train, generate, bench), shared by the `mcsd` binary and
//! the `embodied` command (`embodied train`, `embodied bench mcsd`). Glue only, over the library;
//! like every CLI layer of the project it reports errors with `anyhow`.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use anyhow::Context;
use candle_core::Device;
use clap::{Args, Subcommand};

use crate::checkpoint::{self, ModelKind};
use crate::error::Error;
use crate::generate::{GenerateOptions, Generation, Generator, SamplingParams};
use crate::model::Model;
use crate::train::{GLIBC_TUNABLES, RunConfig, RunOptions};
use crate::transformer::Transformer;

// The project's exit codes (the same table as `embodied_runtime::exit_code`; this crate needs
// candle only, so it does not depend on the runtime).
/// Bad configuration.
pub const EXIT_CONFIG: u8 = 2;
/// A model could not be loaded, trained or run.
pub const EXIT_MODEL: u8 = 3;
/// A benchmark failed.
pub const EXIT_BENCH: u8 = 6;

/// Set by the re-executed child so it never re-executes again.
const REEXEC_MARKER: &str = "MCSD_REEXECUTED";

/// The subcommands, shared by the `mcsd` binary and the `embodied` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model (MCSD or the Transformer baseline) on the generated corpus.
    Train(TrainArgs),
    /// Generate text from a checkpoint, streaming it to stdout.
    Generate(GenerateArgs),
    /// Run the benchmark against the Transformer baseline.
    Bench(BenchArgs),
}

/// Arguments of `train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Run config (JSON: model, train, corpus, vocab_size).
    #[arg(long)]
    pub config: PathBuf,
    /// Checkpoint directory (written every `checkpoint_every` steps and at the end).
    #[arg(long)]
    pub out: PathBuf,
    /// Continue from the checkpoint in --out.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Checkpoint directory.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// User text; the dialogue format is added around it.
    #[arg(long)]
    pub prompt: String,
    /// Most tokens to generate.
    #[arg(long, default_value_t = 128)]
    pub max_tokens: usize,
    /// Sampling temperature (0: greedy).
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f64,
    /// Top-k (0: off).
    #[arg(long, default_value_t = 0)]
    pub top_k: usize,
    /// Top-p (1: off).
    #[arg(long, default_value_t = 1.0)]
    pub top_p: f64,
    /// Repeat penalty (1: off).
    #[arg(long, default_value_t = 1.0)]
    pub repeat_penalty: f32,
    /// Sampling seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Stop sequence (repeatable).
    #[arg(long)]
    pub stop: Vec<String>,
}

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Tiny models, about a minute (for CI).
    #[arg(long)]
    pub quick: bool,
    /// Print the report as one JSON object on the last line.
    #[arg(long)]
    pub json: bool,
    /// Directory for the PNG plots.
    #[arg(long, default_value = "target/mcsd-bench")]
    pub out: PathBuf,
    /// Seed of weights, corpus and data order.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Re-executes the running binary once with the glibc malloc tunables (they only take effect when set
/// before the process starts). Returns only when no re-exec happened.
pub fn reexec_with_malloc_tunables() {
    if std::env::var_os("GLIBC_TUNABLES").is_some() || std::env::var_os(REEXEC_MARKER).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt;
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", GLIBC_TUNABLES)
        .env(REEXEC_MARKER, "1")
        .exec();
    // exec only returns on failure: carry on without the tunables.
    tracing::warn!(error = %err, "could not re-exec with GLIBC_TUNABLES");
}

/// The exit code for an error of a subcommand whose failures default to `default`.
pub fn exit_code_for(err: &anyhow::Error, default: u8) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Config { .. } | Error::Invalid { .. } | Error::Json { .. }) => EXIT_CONFIG,
        Some(_) => default,
        None => default,
    }
}

/// Runs one subcommand; on failure, the error with its exit code.
///
/// # Errors
/// The subcommand's error and the exit code it maps to.
pub fn run(command: Command) -> Result<(), (anyhow::Error, u8)> {
    let (result, default_code) = match command {
        Command::Train(args) => (
            train(&args.config, &args.out, args.resume, !args.quiet),
            EXIT_MODEL,
        ),
        Command::Generate(args) => {
            let opts = GenerateOptions {
                sampling: SamplingParams {
                    temperature: args.temperature,
                    top_k: args.top_k,
                    top_p: args.top_p,
                    repeat_penalty: args.repeat_penalty,
                    seed: args.seed,
                    ..SamplingParams::default()
                },
                max_new_tokens: args.max_tokens,
                stop_sequences: args.stop,
                stop_at_end_token: true,
            };
            (generate(&args.checkpoint, &args.prompt, &opts), EXIT_MODEL)
        }
        Command::Bench(args) => (
            bench(args.quick, args.json, args.out, args.seed),
            EXIT_BENCH,
        ),
    };
    result.map_err(|err| {
        let code = exit_code_for(&err, default_code);
        (err, code)
    })
}

fn train(config: &Path, out: &Path, resume: bool, progress: bool) -> anyhow::Result<()> {
    let cfg = RunConfig::load(config)?;
    let summary = crate::train::run_training(&cfg, out, RunOptions { resume, progress })?;
    println!(
        "{} model, {} parameters: {} steps, train loss {:.4}, validation loss {:.4}, {:.0} tokens/s",
        summary.model_kind,
        summary.parameters,
        summary.steps,
        summary.final_train_loss,
        summary.final_val_loss,
        summary.tokens_per_s
    );
    println!(
        "checkpoint: {}  loss curve: {}",
        summary.out_dir.display(),
        summary.loss_plot.display()
    );
    Ok(())
}

fn generate(dir: &Path, prompt: &str, opts: &GenerateOptions) -> anyhow::Result<()> {
    let device = Device::Cpu;
    let generation = match checkpoint::detect_kind(dir)? {
        ModelKind::Mcsd => {
            let loaded = checkpoint::load_model::<Model>(dir, &device)?;
            stream(&loaded.model, &loaded.tokenizer, prompt, opts, &device)?
        }
        ModelKind::Transformer => {
            let loaded = checkpoint::load_model::<Transformer>(dir, &device)?;
            stream(&loaded.model, &loaded.tokenizer, prompt, opts, &device)?
        }
    };
    println!();
    eprintln!(
        "[{} tokens, stop: {:?}]",
        generation.tokens.len(),
        generation.stop_reason
    );
    Ok(())
}

fn stream<M: crate::decoder::Decoder>(
    model: &M,
    tokenizer: &crate::tokenizer::Tokenizer,
    prompt: &str,
    opts: &GenerateOptions,
    device: &Device,
) -> anyhow::Result<Generation> {
    let generator = Generator::new(model, tokenizer, device.clone())?;
    let mut state = model.new_state(1)?;
    let ids = tokenizer.encode_prompt(prompt)?;
    let mut stdout = std::io::stdout().lock();
    let generation = generator.generate(&mut state, &ids, opts, None, |piece| {
        // A closed stdout (e.g. `| head`) stops generation.
        match stdout
            .write_all(piece.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    })?;
    Ok(generation)
}

fn bench(quick: bool, json: bool, out: PathBuf, seed: u64) -> anyhow::Result<()> {
    let report = crate::bench::run_bench(&crate::bench::BenchOptions {
        quick,
        out_dir: out,
        seed,
    })?;
    print!("{}", report.to_table());
    if json {
        let line = serde_json::to_string(&report).context("serialising the report")?;
        println!("{line}");
    }
    Ok(())
}
