//! `bench sim`: how many times faster than real time the simulator runs the node's full work
//! (physics, a 360-sample lidar at 10 Hz, odometry, perception, battery, and the CDR encoding
//! of every message) while a 50 Hz wander controller drives the robot around the home world.

use std::time::Instant;

use embodied_msgs::geometry_msgs::msg::{Twist, Vector3};
use embodied_msgs::to_cdr;

use crate::logic::{Input, Logic, Output};
use crate::record::{Entry, Recorder};
use crate::world::WorldModel;
use crate::{Error, Params, Simulator};

/// What the benchmark runs.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// Simulated seconds.
    pub sim_seconds: f64,
    /// Lidar rays per scan (the SDF's value is replaced).
    pub lidar_samples: usize,
    /// Scans per simulated second.
    pub lidar_rate_hz: f64,
    /// Control commands per simulated second.
    pub control_rate_hz: f64,
    /// The simulator's parameters (physics rate, seed, noise).
    pub params: Params,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            sim_seconds: 120.0,
            lidar_samples: 360,
            lidar_rate_hz: 10.0,
            control_rate_hz: 50.0,
            params: Params::default(),
        }
    }
}

/// The benchmark's figures (`--json` prints this object).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchReport {
    /// Version of this object's layout.
    pub schema: u32,
    /// World file.
    pub world: String,
    /// Simulated seconds.
    pub sim_seconds: f64,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
    /// Physics steps taken.
    pub steps: u64,
    /// Physics steps per wall-clock second.
    pub steps_per_second: f64,
    /// Simulated seconds per wall-clock second.
    pub real_time_factor: f64,
    /// Physics rate, Hz.
    pub physics_rate_hz: f64,
    /// Rays per scan.
    pub lidar_samples: usize,
    /// Scans per simulated second.
    pub lidar_rate_hz: f64,
    /// Commands per simulated second.
    pub control_rate_hz: f64,
    /// Scans produced.
    pub scans: u64,
    /// Messages produced (all topics).
    pub messages: u64,
    /// CDR bytes of those messages.
    pub cdr_bytes: u64,
    /// Distance driven, m.
    pub distance_m: f64,
    /// Times the robot ran into something.
    pub contacts: u64,
}

/// Nearest range within ±`half_width` rad of straight ahead, and the free space either side.
fn look(ranges: &[f32], min_angle: f32, increment: f32, half_width: f32) -> (f32, f32, f32) {
    let (mut ahead, mut left, mut right) = (f32::INFINITY, 0.0_f32, 0.0_f32);
    for (i, &range) in ranges.iter().enumerate() {
        let angle = min_angle + increment * i as f32;
        let range = if range.is_finite() { range } else { 10.0 };
        if angle.abs() <= half_width {
            ahead = ahead.min(range);
        } else if angle > 0.0 && angle < 1.6 {
            left += range;
        } else if angle < 0.0 && angle > -1.6 {
            right += range;
        }
    }
    (ahead, left, right)
}

/// Runs the benchmark on `world`, writing the run to `record` if given.
///
/// # Errors
/// The simulator's start-up errors; [`Error::RunFile`] when the run file cannot be written.
pub fn run_bench(
    mut world: WorldModel,
    options: &BenchOptions,
    record: Option<&std::path::Path>,
) -> Result<BenchReport, Error> {
    let params = options.params.clone().validate()?;
    world.robot.lidar.samples = options.lidar_samples;
    world.robot.lidar.update_rate_hz = options.lidar_rate_hz;
    let source = world.source.clone();
    let semantic_map = world.semantic_map.clone();
    let max_speed = world.robot.drive.linear_velocity.1.min(0.5);
    let max_turn = world.robot.drive.angular_velocity.1.min(1.0);
    let mut logic = Logic::new(Simulator::new(world, &params)?, &params);
    let mut recorder = record.map(Recorder::create).transpose()?;
    if let Some(recorder) = &mut recorder {
        recorder.write(&Entry::Start {
            world_sdf: source.clone(),
            semantic_map,
            seed: params.seed,
        })?;
    }
    let steps = (options.sim_seconds * params.physics_rate_hz).round() as u64;
    let control_every = ((params.physics_rate_hz / options.control_rate_hz).round() as u64).max(1);
    let (mut scans, mut messages, mut cdr_bytes, mut distance_m) = (0_u64, 0_u64, 0_u64, 0.0);
    let mut latest_scan: Option<(Vec<f32>, f32, f32)> = None;
    let mut previous = logic.simulator().pose();
    let started = Instant::now();
    for step in 0..steps {
        if step.is_multiple_of(control_every) {
            let (linear, angular) = match &latest_scan {
                Some((ranges, min_angle, increment)) => {
                    let (ahead, left, right) = look(ranges, *min_angle, *increment, 0.45);
                    if ahead > 0.9 {
                        (max_speed, 0.0)
                    } else if left >= right {
                        (0.0, max_turn)
                    } else {
                        (0.0, -max_turn)
                    }
                }
                None => (0.0, 0.0),
            };
            logic.handle(Input::Command(Twist {
                linear: Vector3 {
                    x: linear,
                    ..Vector3::default()
                },
                angular: Vector3 {
                    z: angular,
                    ..Vector3::default()
                },
            }));
        }
        for output in logic.tick() {
            messages += 1;
            let bytes = match &output {
                Output::Clock(m) => to_cdr(m),
                Output::Odom(m) | Output::GroundTruth(m) => to_cdr(m),
                Output::Tf(m) => to_cdr(m),
                Output::Scan(m) => to_cdr(m),
                Output::Battery(m) => to_cdr(m),
                Output::Objects(m) => to_cdr(m),
                Output::Record(entry) => {
                    if let Some(recorder) = &mut recorder {
                        recorder.write(entry)?;
                    }
                    continue;
                }
            };
            cdr_bytes += bytes.map_or(0, |b| b.len() as u64);
            if let Output::Scan(scan) = output {
                scans += 1;
                latest_scan = Some((scan.ranges, scan.angle_min, scan.angle_increment));
            }
        }
        let pose = logic.simulator().pose();
        distance_m += previous.distance_to(pose.x, pose.y);
        previous = pose;
    }
    let wall_seconds = started.elapsed().as_secs_f64().max(1e-9);
    if let Some(recorder) = &mut recorder {
        recorder.flush()?;
    }
    let sim_seconds = logic.simulator().time().as_secs_f64();
    Ok(BenchReport {
        schema: 1,
        world: source,
        sim_seconds,
        wall_seconds,
        steps,
        steps_per_second: steps as f64 / wall_seconds,
        real_time_factor: sim_seconds / wall_seconds,
        physics_rate_hz: params.physics_rate_hz,
        lidar_samples: options.lidar_samples,
        lidar_rate_hz: options.lidar_rate_hz,
        control_rate_hz: options.control_rate_hz,
        scans,
        messages,
        cdr_bytes,
        distance_m,
        contacts: logic.simulator().contact_events(),
    })
}
