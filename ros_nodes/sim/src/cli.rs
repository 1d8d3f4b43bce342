//! The simulator's command line, for the `embodied` command: `embodied sim plot RUN` and
//! `embodied bench sim [--json]`. Glue only, over the library; like every CLI layer of the
//! project it reports errors with `anyhow`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Subcommand};

use crate::bench::{BenchOptions, run_bench};
use crate::loader::{WorldFiles, find_home_world, load_world, world_files_for};
use crate::plot::{TextMode, plot_run};
use crate::record::{Entry, read_run};
use crate::{Error, Params};

/// Bad configuration or input (the project's exit code table).
pub const EXIT_CONFIG: u8 = 2;
/// A benchmark failed.
pub const EXIT_BENCH: u8 = 6;

/// `embodied sim ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Draw a run file (JSON lines written by sim_node's `record_path` or `bench sim --record`)
    /// over its world as a PNG.
    Plot(PlotArgs),
}

/// Arguments of `sim plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The run file.
    pub run: PathBuf,
    /// PNG to write; default: the run file with the extension `.png`.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// World SDF; default: the one the run file names, else the home world.
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Semantic map YAML; default: the one the run file names, else beside the world.
    #[arg(long)]
    pub semantic_map: Option<PathBuf>,
}

/// Arguments of `bench sim`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Simulated seconds to run.
    #[arg(long, default_value_t = 120.0)]
    pub seconds: f64,
    /// Physics steps per simulated second.
    #[arg(long, default_value_t = 100.0)]
    pub physics_rate: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// World SDF; default: the home world.
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Semantic map YAML; default: beside the world.
    #[arg(long)]
    pub semantic_map: Option<PathBuf>,
    /// Also write the run file here (for `sim plot`).
    #[arg(long)]
    pub record: Option<PathBuf>,
}

fn world_files(sdf: Option<PathBuf>, semantic_map: Option<PathBuf>) -> Result<WorldFiles, Error> {
    match sdf {
        Some(sdf) => Ok(world_files_for(sdf, semantic_map)),
        None => {
            let mut files = find_home_world()?;
            if let Some(map) = semantic_map {
                files.semantic_map = map;
            }
            Ok(files)
        }
    }
}

/// Runs one `sim` subcommand; on failure, the error with its exit code.
///
/// # Errors
/// The subcommand's error and the exit code it maps to.
pub fn run(command: Command) -> Result<(), (anyhow::Error, u8)> {
    match command {
        Command::Plot(args) => plot(args).map_err(|e| (e, EXIT_CONFIG)),
    }
}

fn plot(args: PlotArgs) -> anyhow::Result<()> {
    let entries = read_run(&args.run)?;
    let (run_sdf, run_map) = entries
        .iter()
        .find_map(|entry| match entry {
            Entry::Start {
                world_sdf,
                semantic_map,
                ..
            } => Some((world_sdf.clone(), semantic_map.clone())),
            _ => None,
        })
        .unwrap_or_default();
    let non_empty = |s: String| (!s.is_empty()).then(|| PathBuf::from(s));
    let files = world_files(
        args.world.or_else(|| non_empty(run_sdf)),
        args.semantic_map.or_else(|| non_empty(run_map)),
    )?;
    let world = load_world(&files)?;
    let output = args
        .output
        .unwrap_or_else(|| args.run.with_extension("png"));
    let mode = plot_run(&world, &entries, &output)?;
    let note = match mode {
        TextMode::WithText => "",
        TextMode::NoText => " (no font found: drawn without text)",
    };
    println!("{}{note}", output.display());
    Ok(())
}

/// Runs `bench sim`; on failure, the error with its exit code.
///
/// # Errors
/// Loading the world, starting the simulator or writing the run file.
pub fn bench(args: BenchArgs) -> Result<(), (anyhow::Error, u8)> {
    bench_inner(&args).map_err(|e| (e, EXIT_BENCH))
}

fn bench_inner(args: &BenchArgs) -> anyhow::Result<()> {
    let files = world_files(args.world.clone(), args.semantic_map.clone())?;
    let world = load_world(&files)?;
    let options = BenchOptions {
        sim_seconds: args.seconds,
        params: Params {
            physics_rate_hz: args.physics_rate,
            seed: args.seed,
            ..Params::default()
        },
        ..BenchOptions::default()
    };
    let report = run_bench(world, &options, args.record.as_deref())
        .with_context(|| format!("simulating {}", files.world_sdf.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "sim: {:.0} s simulated in {:.2} s: {:.0} steps/s, {:.1}x real time \
             ({} Hz physics, {}-ray lidar at {} Hz, {} Hz control; {} scans, {:.1} m driven, {} contacts)",
            report.sim_seconds,
            report.wall_seconds,
            report.steps_per_second,
            report.real_time_factor,
            report.physics_rate_hz,
            report.lidar_samples,
            report.lidar_rate_hz,
            report.control_rate_hz,
            report.scans,
            report.distance_m,
            report.contacts,
        );
    }
    if let Some(record) = &args.record {
        eprintln!("run file: {}", display(record));
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
