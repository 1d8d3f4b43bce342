//! `embodied_world`: the robot's world, read from the files Gazebo loads.
//!
//! - [`sdf`]: a reader for the parts of SDFormat that our simulator and planner need: static
//!   models' collision geometry as 2-D [`Footprint`]s (with nested model/link/collision pose
//!   composition as SDF defines it), object models' poses, and the robot's DiffDrive, lidar and
//!   logical-camera parameters.
//! - [`SemanticMap`] (`config/world/home.yaml`): canonical place and object names
//!   ([`PlaceId`], [`ObjectId`]), aliases, room polygons, approach poses, start locations,
//!   the dock and the robot's start pose; [`SemanticMap::resolve_place`],
//!   [`SemanticMap::resolve_object`] and [`SemanticMap::room_at`].
//! - [`OccupancyGrid`]: obstacles rasterised at a resolution and inflated by a radius; the
//!   planner plans on it and the simulator's tests check free space with it.
//! - [`World`]: all of the above loaded together and cross-checked (every place and object
//!   names an SDF model and vice versa, approach poses and the robot's start are not inside
//!   obstacles). Errors name the file, the element and the line.
//!
//! Pure logic: no ROS, no I/O beyond reading the files named.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
mod error;
mod footprint;
mod grid;
mod names;
pub mod sdf;
mod semantic;
mod world;

pub use error::{SdfSite, WorldError};
pub use footprint::{Footprint, HeightBand, Shape};
pub use grid::{Cell, CellIndex, GridParams, OccupancyGrid};
pub use names::{ObjectId, PlaceId, normalize_phrase};
pub use semantic::{MapObject, Named, Place, PlaceKind, SemanticMap, StartPose};
pub use world::{World, WorldFiles, share_roots};

/// Result type of this crate.
pub type Result<T, E = WorldError> = std::result::Result<T, E>;
