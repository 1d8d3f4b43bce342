//! The `models` command line (`embodied models fetch|path`): glue over [`crate::fetch`]; like every
//! CLI layer of the project it reports errors with `anyhow`.

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::{CacheDir, Progress, Quantisation, WhisperModel};

/// Exit code when `models path` finds no provisioned file.
pub const EXIT_ABSENT: u8 = 1;
/// Exit code when a model cannot be provisioned (the project's "model" code).
pub const EXIT_MODEL: u8 = 3;

/// The subcommands of `models`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Download and convert a whisper model into the cache; print its path.
    Fetch(FetchArgs),
    /// Print where a model is provisioned; exit 1 if it is not there yet.
    Path(PathArgs),
}

/// Arguments of `models fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Which model.
    #[arg(long, value_enum, default_value_t = WhisperModel::TinyEn)]
    pub model: WhisperModel,
    /// Storage of the weight matrices: q8_0 (default; half the size, faster, same transcripts)
    /// or f16 as published, or the smaller q5_1/q5_0.
    #[arg(long, value_enum, default_value_t = Quantisation::default())]
    pub quant: Quantisation,
    /// Print one JSON object {"model","quant","path","sha256","bytes"} instead of the bare path.
    #[arg(long)]
    pub json: bool,
    /// No progress bars.
    #[arg(long)]
    pub quiet: bool,
}

/// Arguments of `models path`.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Which model.
    #[arg(long, value_enum, default_value_t = WhisperModel::TinyEn)]
    pub model: WhisperModel,
    /// Storage of the weight matrices.
    #[arg(long, value_enum, default_value_t = Quantisation::default())]
    pub quant: Quantisation,
}

/// Runs one subcommand, printing its result on stdout.
///
/// # Errors
/// The failure and the exit code it maps to ([`EXIT_ABSENT`], [`EXIT_MODEL`]).
pub fn run(command: Command) -> Result<(), (anyhow::Error, u8)> {
    match command {
        Command::Fetch(args) => fetch(&args).map_err(|err| (err, EXIT_MODEL)),
        Command::Path(args) => path(&args),
    }
}

fn fetch(args: &FetchArgs) -> anyhow::Result<()> {
    let cache = CacheDir::from_env()?;
    let progress = if args.quiet {
        Progress::Hidden
    } else {
        Progress::Bar
    };
    let path = crate::fetch(args.model, args.quant, &cache, progress)
        .with_context(|| format!("provisioning whisper model {} ({})", args.model, args.quant))?;
    if args.json {
        let bytes = std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        let line = serde_json::json!({
            "model": args.model.name(),
            "quant": args.quant.name(),
            "path": path,
            "sha256": args.model.sha256(args.quant),
            "bytes": bytes,
        });
        println!("{line}");
    } else {
        println!("{}", path.display());
    }
    Ok(())
}

fn path(args: &PathArgs) -> Result<(), (anyhow::Error, u8)> {
    let cache = CacheDir::from_env().map_err(|err| (err.into(), EXIT_MODEL))?;
    let path = cache.model_path(args.model, args.quant);
    println!("{}", path.display());
    if path.is_file() {
        Ok(())
    } else {
        Err((
            anyhow::anyhow!(
                "whisper model {} ({}) is not provisioned: run `embodied models fetch --model {} --quant {}`",
                args.model,
                args.quant,
                args.model,
                args.quant
            ),
            EXIT_ABSENT,
        ))
    }
}
