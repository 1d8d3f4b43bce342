//! The planner's command line, for the `embodied` command: `embodied bench planner [--json]`.
//! Glue only, over [`crate::bench`]; errors with `anyhow` and the project's exit codes.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::Params;
use crate::bench::{BenchOptions, run_bench};

/// Bad configuration or input (the project's exit code table).
pub const EXIT_CONFIG: u8 = 2;
/// A benchmark failed.
pub const EXIT_BENCH: u8 = 6;

/// Arguments of `bench planner`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print one JSON object (last line) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Drive between every ordered pair of places (the dock too), not only the rooms.
    #[arg(long)]
    pub all_places: bool,
    /// Plans per ordered pair for the timing.
    #[arg(long, default_value_t = 5)]
    pub plan_repeats: u32,
    /// Simulator physics rate, Hz.
    #[arg(long, default_value_t = 100.0)]
    pub physics_rate: f64,
    /// Simulator seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Planner parameters (a ROS 2 parameter YAML's `planner` section is not read here; use
    /// the defaults of config/planner.yaml). World SDF override.
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Draw the trajectories of all drives over the map into this PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// Runs `bench planner`; on failure, the error with its exit code.
///
/// # Errors
/// Loading the world, starting the simulator, drawing the plot; a bench with failed drives or
/// collisions prints its figures and ends with [`EXIT_BENCH`].
pub fn bench(args: BenchArgs) -> Result<(), (anyhow::Error, u8)> {
    let params = Params {
        world_sdf: args
            .world
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        ..Params::default()
    }
    .validate()
    .map_err(|e| (anyhow::Error::new(e), EXIT_CONFIG))?;
    let options = BenchOptions {
        all_places: args.all_places,
        plan_repeats: args.plan_repeats.max(1),
        physics_rate_hz: args.physics_rate,
        seed: args.seed,
        record: args.plot.is_some(),
        ..BenchOptions::default()
    };
    let (report, entries) = run_bench(&params, &options)
        .context("running the planner benchmark")
        .map_err(|e| (e, EXIT_BENCH))?;
    if args.json {
        let line =
            serde_json::to_string(&report).map_err(|e| (anyhow::Error::new(e), EXIT_BENCH))?;
        println!("{line}");
    } else {
        println!(
            "planner: plan {:.2} ms p50, {:.2} ms p99, {:.2} ms max ({} plans, {} m grid); path {:.3}x the grid optimum (mean, worst {:.3}x)",
            report.plan_ms_p50,
            report.plan_ms_p99,
            report.plan_ms_max,
            report.plans,
            report.grid_resolution_m,
            report.path_length_ratio_mean,
            report.path_length_ratio_max,
        );
        println!(
            "planner: {}/{} drives reached the goal, {} collisions; time to goal {:.1} s p50, {:.1} s max; {:.2} m/s mean at {:.2} m/s top; {:.0} s simulated in {:.1} s",
            report.succeeded,
            report.pairs,
            report.collisions,
            report.time_to_goal_s_p50,
            report.time_to_goal_s_max,
            report.mean_speed_mps,
            report.max_speed_mps,
            report.sim_seconds,
            report.wall_seconds,
        );
        for failure in &report.failures {
            println!(
                "  failed: {} -> {}: {}",
                failure.from, failure.to, failure.reason
            );
        }
    }
    if let Some(png) = &args.plot {
        let files =
            crate::world_files(&params).map_err(|e| (anyhow::Error::new(e), EXIT_CONFIG))?;
        let world = sim::load_world(&files).map_err(|e| (anyhow::Error::new(e), EXIT_CONFIG))?;
        sim::plot::plot_run(&world, &entries, png)
            .context("drawing the trajectories")
            .map_err(|e| (e, EXIT_BENCH))?;
        eprintln!("trajectories: {}", png.display());
    }
    if report.succeeded < report.pairs || report.collisions > 0 {
        return Err((
            anyhow::anyhow!(
                "{} of {} drives failed, {} collisions",
                report.pairs - report.succeeded,
                report.pairs,
                report.collisions
            ),
            EXIT_BENCH,
        ));
    }
    Ok(())
}
