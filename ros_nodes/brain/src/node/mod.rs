//! `brain_node`: the dialogue on the ROS topics.
//!
//! In: `/speech/transcript` (final transcripts are answered), `/perception/objects` (what the
//! robot sees, and its room), `/odom` (its room, through the semantic map), `/battery_state`,
//! `/planner/status` (how the brain's tasks end). Out: `/assistant/reply` (answers, and
//! unprompted outcome reports) and `/assistant/task` (the actions, `MODE_REPLACE`), both
//! carrying the utterance id. The model runs on its own thread, off the executor.
//!
//! [`params`] and [`report`] are pure logic; [`shell`] (feature `ros`) binds them.

pub mod params;
pub mod report;
#[cfg(feature = "ros")]
pub mod shell;

pub use params::{Params, ParamsError};
#[cfg(feature = "ros")]
pub use shell::{NodeError, run};

/// The node's default name (`brain_node` executable, `<node exec="brain_node" name="brain">`).
pub const NODE_NAME: &str = "brain";
