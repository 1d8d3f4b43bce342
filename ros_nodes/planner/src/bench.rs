//! `embodied bench planner`: planning time on the home map (every ordered pair of places,
//! repeated), smoothed path length against the 8-connected grid optimum, and the room pairs
//! driven in the headless simulator (success, collisions, time to goal).

use std::sync::Arc;
use std::time::{Duration, Instant};

use embodied_world::{PlaceId, World};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::map::{NavMap, StaticMap};
use crate::sim_drive::{SimDrive, navigate, task};
use crate::{Error, Params};

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// Drive between all places (the dock too), not only the rooms.
    pub all_places: bool,
    /// Plans per ordered pair for the timing.
    pub plan_repeats: u32,
    /// Simulator physics rate, Hz.
    pub physics_rate_hz: f64,
    /// Simulator seed (lidar noise).
    pub seed: u64,
    /// Longest simulated time per drive, s.
    pub drive_limit_s: f64,
    /// Keep the ground truth for a trajectory plot.
    pub record: bool,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            all_places: false,
            plan_repeats: 5,
            physics_rate_hz: 100.0,
            seed: 1,
            drive_limit_s: 180.0,
            record: false,
            progress: true,
        }
    }
}

/// One drive that did not succeed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DriveFailure {
    /// Start place.
    pub from: String,
    /// Goal place.
    pub to: String,
    /// Why (status message, or "time limit").
    pub reason: String,
}

/// The benchmark's figures (`--json` prints this object).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchReport {
    /// Format version of this object.
    pub schema: u32,
    /// Ordered pairs driven.
    pub pairs: usize,
    /// Drives that reached the goal.
    pub succeeded: usize,
    /// Contacts with obstacles over all drives (ground truth).
    pub collisions: u64,
    /// Plans timed.
    pub plans: usize,
    /// Planning time, median, ms.
    pub plan_ms_p50: f64,
    /// Planning time, 99th percentile, ms.
    pub plan_ms_p99: f64,
    /// Planning time, worst, ms.
    pub plan_ms_max: f64,
    /// Smoothed path length over the grid-optimal (8-connected A*) length, mean.
    pub path_length_ratio_mean: f64,
    /// Smoothed path length over the grid-optimal length, worst (largest).
    pub path_length_ratio_max: f64,
    /// Time to goal of the successful drives, median, s (simulated).
    pub time_to_goal_s_p50: f64,
    /// Time to goal, worst, s.
    pub time_to_goal_s_max: f64,
    /// Mean speed over the successful drives (path length / time), m/s.
    pub mean_speed_mps: f64,
    /// Simulated seconds driven.
    pub sim_seconds: f64,
    /// Wall-clock seconds of the whole benchmark.
    pub wall_seconds: f64,
    /// Drives that failed.
    pub failures: Vec<DriveFailure>,
    /// Grid cell size, m.
    pub grid_resolution_m: f64,
    /// Top speed of the planner, m/s.
    pub max_speed_mps: f64,
}

fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let index = ((values.len() - 1) as f64 * q).round() as usize;
    values[index.min(values.len() - 1)]
}

fn bar(options: &BenchOptions, length: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(length),
        if options.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar
}

/// A closed walk through the complete directed graph on `n` nodes that uses every edge
/// (ordered pair) exactly once (Hierholzer; every node has as many edges in as out).
pub fn euler_circuit(n: usize) -> Vec<usize> {
    if n < 2 {
        return Vec::new();
    }
    let mut unused: Vec<Vec<usize>> = (0..n)
        .map(|a| (0..n).filter(|b| *b != a).rev().collect())
        .collect();
    let mut stack = vec![0];
    let mut circuit = Vec::with_capacity(n * (n - 1) + 1);
    while let Some(&node) = stack.last() {
        match unused[node].pop() {
            Some(next) => stack.push(next),
            None => {
                stack.pop();
                circuit.push(node);
            }
        }
    }
    circuit.reverse();
    circuit
}

/// The places the drives use.
pub fn bench_places(world: &World, all_places: bool) -> Vec<PlaceId> {
    world
        .map()
        .places()
        .iter()
        .filter(|p| all_places || matches!(p.kind, embodied_world::PlaceKind::Room { .. }))
        .map(|p| p.id)
        .collect()
}

/// Runs the benchmark on the world `params` names; returns the report and, when recording,
/// the run-file entries of all drives.
///
/// # Errors
/// [`Error`] when the world or the simulator cannot be loaded.
pub fn run_bench(
    params: &Params,
    options: &BenchOptions,
) -> Result<(BenchReport, Vec<sim::record::Entry>), Error> {
    let started = Instant::now();
    let files = crate::world_files(params)?;
    let world = Arc::new(World::load(&files)?);
    let static_map = Arc::new(StaticMap::new(&world, params)?);
    let places = bench_places(&world, options.all_places);
    // Every ordered pair once, chained so each drive starts where the previous one ended.
    let pairs: Vec<(PlaceId, PlaceId)> = euler_circuit(places.len())
        .windows(2)
        .map(|w| (places[w[0]], places[w[1]]))
        .collect();

    // Planning time and path quality, on the static map.
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)
        .expect("constant bounds: 1 us to 60 s at 3 significant digits are valid");
    let mut ratios = Vec::new();
    let progress = bar(
        options,
        (pairs.len() as u64) * u64::from(options.plan_repeats),
        "planning",
    );
    for (from, to) in &pairs {
        let (a, b) = (
            world.map().place(*from).approach,
            world.map().place(*to).approach,
        );
        for _ in 0..options.plan_repeats {
            let mut map = NavMap::new(static_map.clone());
            let t = Instant::now();
            let path = map.plan(crate::frames::position(&a), crate::frames::position(&b));
            let micros = t.elapsed().as_micros().max(1);
            let _ = histogram.record(u64::try_from(micros).unwrap_or(u64::MAX));
            if let Ok(path) = path
                && path.grid_length_m > 0.0
            {
                ratios.push(path.length_m() / path.grid_length_m);
            }
            progress.inc(1);
        }
    }
    progress.finish_and_clear();

    // Drives in the simulator.
    let sim_params = sim::Params {
        physics_rate_hz: options.physics_rate_hz,
        seed: options.seed,
        real_time_factor: 0.0,
        ..sim::Params::default()
    }
    .validate()?;
    let mut drive = SimDrive::new(
        sim::load_world(&files)?,
        &sim_params,
        world.clone(),
        static_map,
        params.clone(),
    )?;
    if options.record {
        drive.start_recording();
    }
    let progress = bar(options, pairs.len() as u64, "driving");
    let (mut succeeded, mut collisions) = (0, 0);
    let mut times = Vec::new();
    let mut speed_sum = 0.0;
    let mut failures = Vec::new();
    let sim_start = drive.now();
    if let Some((first, _)) = pairs.first() {
        let start = world.map().place(*first).approach;
        let start_pose = sim::Pose2D::new(
            start.translation.x,
            start.translation.y,
            start.rotation.angle(),
        );
        drive.simulator.place_robot(start_pose)?;
    }
    for (i, (from, to)) in pairs.iter().enumerate() {
        let outcome = drive.run_task(
            task(&format!("bench-{i}"), navigate(to.name())),
            Duration::from_secs_f64(options.drive_limit_s),
            |_| {},
        );
        collisions += outcome.collisions;
        if outcome.succeeded() {
            succeeded += 1;
            let seconds = outcome.duration.as_secs_f64();
            times.push(seconds);
            if seconds > 0.0 {
                speed_sum += outcome.distance_m / seconds;
            }
        } else {
            failures.push(DriveFailure {
                from: from.name().to_owned(),
                to: to.name().to_owned(),
                reason: outcome.status.map_or("time limit".into(), |s| s.message),
            });
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    let sim_seconds = drive.now().saturating_sub(sim_start).as_secs_f64();
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    let report = BenchReport {
        schema: 1,
        pairs: pairs.len(),
        succeeded,
        collisions,
        plans: histogram.len() as usize,
        plan_ms_p50: ms(0.5),
        plan_ms_p99: ms(0.99),
        plan_ms_max: histogram.max() as f64 / 1000.0,
        path_length_ratio_mean: if ratios.is_empty() {
            0.0
        } else {
            ratios.iter().sum::<f64>() / ratios.len() as f64
        },
        path_length_ratio_max: ratios.iter().copied().fold(0.0, f64::max),
        time_to_goal_s_p50: percentile(&mut times.clone(), 0.5),
        time_to_goal_s_max: times.iter().copied().fold(0.0, f64::max),
        mean_speed_mps: if times.is_empty() {
            0.0
        } else {
            speed_sum / times.len() as f64
        },
        sim_seconds,
        wall_seconds: started.elapsed().as_secs_f64(),
        failures,
        grid_resolution_m: params.grid_resolution_m,
        max_speed_mps: params.max_linear_speed_mps,
    };
    let entries = if options.record {
        let mut entries = vec![sim::record::Entry::Start {
            world_sdf: files.world_sdf.display().to_string(),
            semantic_map: files.semantic_map.display().to_string(),
            seed: options.seed,
        }];
        entries.extend_from_slice(drive.recorded());
        entries
    } else {
        Vec::new()
    };
    Ok((report, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_circuit_uses_every_ordered_pair_once() {
        for n in [2, 3, 6, 7] {
            let circuit = euler_circuit(n);
            assert_eq!(circuit.len(), n * (n - 1) + 1);
            assert_eq!(circuit.first(), circuit.last());
            let mut pairs: Vec<(usize, usize)> = circuit.windows(2).map(|w| (w[0], w[1])).collect();
            pairs.sort_unstable();
            pairs.dedup();
            assert_eq!(pairs.len(), n * (n - 1));
            assert!(pairs.iter().all(|(a, b)| a != b));
        }
    }
}
