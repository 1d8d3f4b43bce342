//! Process exit codes shared by every binary of the project (house style §4). Only `main`
//! exits; libraries map their errors to one of these.

/// Success.
pub const OK: u8 = 0;
/// A failure that fits no other class (e.g. a launched process exited 1).
pub const FAILURE: u8 = 1;
/// Bad configuration: command line, parameters, names, `ROS_DOMAIN_ID`.
pub const CONFIG: u8 = 2;
/// A model could not be loaded or run.
pub const MODEL: u8 = 3;
/// DDS or endpoint failure.
pub const TRANSPORT: u8 = 4;
/// An end-to-end scenario failed.
pub const SCENARIO: u8 = 5;
/// A benchmark failed or missed its baseline.
pub const BENCH: u8 = 6;
