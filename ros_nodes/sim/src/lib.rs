//! `sim`: a headless simulator of the home world that speaks the topics Gazebo's bridge would
//! (`/odom`, `/scan`, `/tf`, `/clock`) plus ground truth, battery, perception and a gripper,
//! so the assistant runs and is tested on machines without Gazebo.
//!
//! It reads the same SDF that Gazebo loads and the semantic map (through `embodied_world`):
//! walls and furniture become parry2d shapes, cut at the heights that matter (the robot's
//! body, the lidar's scan plane); the robot is a kinematic differential drive with the
//! DiffDrive plugin's velocity and acceleration limits, swept against the obstacles each step
//! so that it stops at contact and never passes a wall.
//!
//! - [`Simulator`]: the pure core, stepped with a fixed time step, deterministic with a seed.
//! - [`Logic`]: the node's logic: steps the simulator and says which messages are due.
//! - [`load_world`]: the world from the SDF and semantic map; [`find_home_world`].
//! - [`record`]: run files (JSON lines) and [`plot`]: their PNG; [`bench`]; [`cli`].
//! - `run` (feature `ros`): the node's shell.
//!
//! Topics out: `/clock`, `/odom`, `/tf` (odom → base_link), `/tf_static` (map → odom,
//! base_link → lidar), `/scan`, `/sim/ground_truth` (`nav_msgs/Odometry`, frame `map`, child
//! `base_link`), `/battery_state`, `/perception/objects`. In: `/cmd_vel`. Services:
//! `/gripper/grasp`, `/gripper/release`.
//!
//! ```no_run
//! use sim::{Params, Simulator, VelocityCommand};
//! # fn main() -> Result<(), sim::Error> {
//! let params = Params::default().validate()?;
//! let world = sim::load_world(&sim::find_home_world()?)?;
//! let mut simulator = Simulator::new(world, &params)?;
//! simulator.set_command(VelocityCommand { linear: 0.3, angular: 0.0 });
//! for _ in 0..100 {
//!     simulator.step();
//! }
//! let ranges = simulator.scan();
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod battery;
pub mod bench;
pub mod cli;
mod error;
mod geometry;
mod loader;
mod logic;
mod messages;
mod params;
pub mod plot;
pub mod record;
#[cfg(feature = "ros")]
mod shell;
mod simulator;
pub mod world;

pub use battery::{BatteryReading, ChargeState};
pub use error::Error;
pub use geometry::CONTACT_SKIN;
pub use loader::{DOCK_CAPTURE_RADIUS_M, WorldFiles, find_home_world, load_world, world_files_for};
pub use logic::{Input, Logic, Output, Schedule};
pub use params::Params;
#[cfg(feature = "ros")]
pub use shell::run;
pub use simulator::{
    GraspError, ObjectState, Odometry, Perceived, ReleaseError, Simulator, VelocityCommand,
};
pub use world::{Pose2D, WorldModel};

/// Topic of the ground truth: `nav_msgs/Odometry` in frame `map`, child frame `base_link`
/// (pose and twist of the robot as simulated, without odometry drift).
pub const GROUND_TRUTH_TOPIC: &str = "/sim/ground_truth";
