//! `mcsd`: train, sample from and benchmark MCSD models. Thin glue over the `mcsd` library
//! (the `embodied` CLI exposes the same functions as `embodied train` / `embodied bench mcsd`).
//!
//! Exit codes (shared by the project's binaries): 0 ok, 2 config, 3 model, 6 bench.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use candle_core::Device;
use clap::{Parser, Subcommand};
use mcsd::checkpoint::{self, ModelKind};
use mcsd::error::Error;
use mcsd::generate::{GenerateOptions, Generation, Generator, SamplingParams};
use mcsd::model::Model;
use mcsd::train::{GLIBC_TUNABLES, RunConfig, RunOptions};
use mcsd::transformer::Transformer;

const EXIT_CONFIG: u8 = 2;
const EXIT_MODEL: u8 = 3;
const EXIT_BENCH: u8 = 6;

/// Set by the re-executed child so it never re-executes again.
const REEXEC_MARKER: &str = "MCSD_REEXECUTED";

#[derive(Parser)]
#[command(
    name = "mcsd",
    about = "Train, sample from and benchmark MCSD language models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model (MCSD or the Transformer baseline) on the generated corpus.
    Train {
        /// Run config (JSON: model, train, corpus, vocab_size).
        #[arg(long)]
        config: PathBuf,
        /// Checkpoint directory (written every `checkpoint_every` steps and at the end).
        #[arg(long)]
        out: PathBuf,
        /// Continue from the checkpoint in --out.
        #[arg(long)]
        resume: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Generate text from a checkpoint, streaming it to stdout.
    Generate {
        /// Checkpoint directory.
        #[arg(long)]
        checkpoint: PathBuf,
        /// User text; the dialogue format is added around it.
        #[arg(long)]
        prompt: String,
        /// Most tokens to generate.
        #[arg(long, default_value_t = 128)]
        max_tokens: usize,
        /// Sampling temperature (0: greedy).
        #[arg(long, default_value_t = 0.0)]
        temperature: f64,
        /// Top-k (0: off).
        #[arg(long, default_value_t = 0)]
        top_k: usize,
        /// Top-p (1: off).
        #[arg(long, default_value_t = 1.0)]
        top_p: f64,
        /// Repeat penalty (1: off).
        #[arg(long, default_value_t = 1.0)]
        repeat_penalty: f32,
        /// Sampling seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Stop sequence (repeatable).
        #[arg(long)]
        stop: Vec<String>,
    },
    /// Run the benchmark against the Transformer baseline.
    Bench {
        /// Tiny models, about a minute (for CI).
        #[arg(long)]
        quick: bool,
        /// Print the report as one JSON object on the last line.
        #[arg(long)]
        json: bool,
        /// Directory for the PNG plots.
        #[arg(long, default_value = "target/mcsd-bench")]
        out: PathBuf,
        /// Seed of weights, corpus and data order.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

/// Re-executes this binary once with the glibc malloc tunables (they only take effect when set
/// before the process starts). Returns only when no re-exec happened.
fn reexec_with_malloc_tunables() {
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

fn exit_code_for(err: &anyhow::Error, default: u8) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Config { .. } | Error::Invalid { .. } | Error::Json { .. }) => EXIT_CONFIG,
        Some(_) => default,
        None => default,
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    reexec_with_malloc_tunables();
    let cli = Cli::parse();
    let (result, default_code) = match cli.command {
        Command::Train {
            config,
            out,
            resume,
            quiet,
        } => (train(&config, &out, resume, !quiet), EXIT_MODEL),
        Command::Generate {
            checkpoint,
            prompt,
            max_tokens,
            temperature,
            top_k,
            top_p,
            repeat_penalty,
            seed,
            stop,
        } => {
            let opts = GenerateOptions {
                sampling: SamplingParams {
                    temperature,
                    top_k,
                    top_p,
                    repeat_penalty,
                    seed,
                    ..SamplingParams::default()
                },
                max_new_tokens: max_tokens,
                stop_sequences: stop,
                stop_at_end_token: true,
            };
            (generate(&checkpoint, &prompt, &opts), EXIT_MODEL)
        }
        Command::Bench {
            quick,
            json,
            out,
            seed,
        } => (bench(quick, json, out, seed), EXIT_BENCH),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code_for(&err, default_code))
        }
    }
}

fn train(config: &Path, out: &Path, resume: bool, progress: bool) -> anyhow::Result<()> {
    let cfg = RunConfig::load(config)?;
    let summary = mcsd::train::run_training(&cfg, out, RunOptions { resume, progress })?;
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

fn stream<M: mcsd::decoder::Decoder>(
    model: &M,
    tokenizer: &mcsd::tokenizer::Tokenizer,
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
    let report = mcsd::bench::run_bench(&mcsd::bench::BenchOptions {
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
