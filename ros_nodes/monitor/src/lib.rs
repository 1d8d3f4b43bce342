//! `monitor`: watches the assistant's topics and logs one line per event (speech start and
//! end, transcript, reply, task, task status, speaking state) with the latency figures that
//! each message carries, and counts audio chunks lost between capture and recognition (gaps
//! in `AudioChunk.sequence`). What `ros2 topic echo` would show, readable at a glance, on a
//! machine with no ROS installed.
//!
//! Topics in (all from [`embodied_msgs::topics`]): `/audio/chunk`, `/speech/activity`,
//! `/speech/transcript`, `/assistant/reply`, `/assistant/task`, `/planner/status`,
//! `/speech/speaking`.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod logic;
mod params;
#[cfg(feature = "ros")]
mod shell;

pub use logic::{Input, Level, Logic, Output};
pub use params::{Error, Params};
#[cfg(feature = "ros")]
pub use shell::run;
