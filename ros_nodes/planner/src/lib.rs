//! `planner`: executes the assistant's tasks safely. A [`Task`](embodied_msgs::msg::Task) is a
//! list of steps (NAVIGATE, MOVE, TURN, STOP, FIND, BRING, DESCRIBE, STATUS); the planner
//! turns them into `/cmd_vel` and reports progress on `/planner/status`.
//!
//! - [`map`]: the world's occupancy grid inflated by the robot's radius plus a margin,
//!   forbidden zones, lidar obstacles not on the map; A* with line-of-sight smoothing.
//! - [`controller`]: regulated pure pursuit and the braking-aware MOVE/TURN profiles.
//! - [`safety`]: the governor no request can override (speed, acceleration and jerk limits,
//!   stop distance from the lidar, forbidden zones, a watchdog on odometry and scan).
//! - [`Logic`]: tasks, steps, replanning, FIND and BRING; pure and deterministic.
//! - [`frames`]: REP-105 map/odom/base_link with nalgebra.
//! - [`sim_drive`]: the logic in a closed loop with the headless simulator, in process (tests,
//!   benchmark); [`bench`] and [`cli`]: `embodied bench planner`.
//! - `run` (feature `ros`): the node's shell.
//!
//! ```no_run
//! use std::sync::Arc;
//! use planner::{Logic, Params};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let world = Arc::new(planner::load_world(&Params::default())?);
//! let mut logic = Logic::new(Params::default().validate()?, world)?;
//! let outputs = logic.tick(std::time::Duration::ZERO);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bench;
pub mod cli;
pub mod controller;
mod error;
pub mod frames;
pub mod goals;
mod logic;
pub mod map;
#[cfg(feature = "ros")]
pub mod nav2;
mod params;
pub mod safety;
#[cfg(feature = "ros")]
mod shell;
pub mod sim_drive;
mod steps;

use std::path::{Path, PathBuf};

pub use controller::Velocity;
pub use error::Error;
pub use logic::{Call, Input, Logic, Odom, Output, PlanRecord, Reply, Scan, SeenObject, Stats};
pub use params::{Navigation, Params};
#[cfg(feature = "ros")]
pub use shell::run;

/// The world files named by `params` (empty names: the home world, searched from the current
/// directory upwards and in the installed share).
///
/// # Errors
/// [`Error::WorldNotFound`] when no home world is found.
pub fn world_files(params: &Params) -> Result<embodied_world::WorldFiles, Error> {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let home = embodied_world::WorldFiles::find_home(&start)
        .or_else(|| embodied_world::WorldFiles::find_home(Path::new(env!("CARGO_MANIFEST_DIR"))));
    let pick = |given: &str, default: Option<PathBuf>| -> Option<PathBuf> {
        if given.is_empty() {
            default
        } else {
            Some(PathBuf::from(given))
        }
    };
    let world_sdf = pick(
        &params.world_sdf,
        home.as_ref().map(|h| h.world_sdf.clone()),
    );
    let robot_sdf = pick(
        &params.robot_sdf,
        home.as_ref().map(|h| h.robot_sdf.clone()),
    );
    let semantic_map = pick(
        &params.semantic_map,
        home.as_ref().map(|h| h.semantic_map.clone()),
    );
    match (world_sdf, robot_sdf, semantic_map) {
        (Some(world_sdf), Some(robot_sdf), Some(semantic_map)) => Ok(embodied_world::WorldFiles {
            world_sdf,
            robot_sdf,
            semantic_map,
        }),
        _ => Err(Error::WorldNotFound {
            searched_from: start.display().to_string(),
        }),
    }
}

/// Loads the world `params` names.
///
/// # Errors
/// [`Error::WorldNotFound`], [`Error::World`].
pub fn load_world(params: &Params) -> Result<embodied_world::World, Error> {
    Ok(embodied_world::World::load(&world_files(params)?)?)
}
