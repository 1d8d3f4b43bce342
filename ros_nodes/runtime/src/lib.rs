//! ROS 2 node runtime over [ros2-client](https://crates.io/crates/ros2-client): everything a
//! node needs that ros2-client leaves out, so the same binary runs under `ros2 launch` and
//! `embodied launch`.
//!
//! - [`ros_args`]: `--ros-args` (`-r __node:=`, `__ns:=`, remaps, `-p`, `--params-file`,
//!   `--log-level`); [`names`]: ROS 2 name validation, expansion and remapping;
//! - [`params`]: parameter YAML files, precedence, typed declaration and a serde route;
//! - [`qos`]: the topic table's QoS as ros2-client profiles;
//! - [`node`]: [`NodeIo`], the running node (domain from `ROS_DOMAIN_ID`, spinner, clock,
//!   shutdown) and [`endpoint`]: its typed publishers and subscriptions;
//! - [`service`]: typed service servers and clients ([`ServiceServer`], [`ServiceClient`]);
//! - [`action`]: typed action servers and clients ([`ActionServer`], [`ActionClient`]);
//! - [`memory`]: [`InMemoryBus`], an in-process stand-in for DDS for tests of node code;
//! - [`clock`], [`shutdown`], [`logging`], [`dispatch`], [`exit_code`].
//!
//! ```no_run
//! use embodied_runtime::{NodeConfig, NodeIo, ShutdownTrigger, logging};
//! use futures::StreamExt;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = NodeConfig::from_process("echo")?;
//! logging::init_logging(&config.args, &config.code_name, logging::LogFormat::Text)?;
//! let stop = ShutdownTrigger::new();
//! stop.on_signals()?;
//! let mut io = NodeIo::start(&config)?;
//! let mut chatter = io.subscription(&embodied_msgs::topics::TRANSCRIPT)?;
//! let mut shutdown = stop.subscribe();
//! loop {
//!     tokio::select! {
//!         () = shutdown.recv() => break,
//!         Some(message) = chatter.next() => tracing::info!(?message, "heard"),
//!     }
//! }
//! io.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(all(feature = "jazzy", feature = "humble"))]
compile_error!(
    "features `jazzy` and `humble` are mutually exclusive (Gid wire format); for Humble build with `--no-default-features --features humble`"
);
#[cfg(not(any(feature = "jazzy", feature = "humble")))]
compile_error!("enable exactly one ROS distro feature: `jazzy` (default) or `humble`");

pub mod action;
pub mod clock;
pub mod dispatch;
pub mod endpoint;
pub mod exit_code;
pub mod logging;
pub mod memory;
pub mod names;
pub mod node;
pub mod params;
pub mod qos;
pub mod ros_args;
pub mod service;
pub mod shutdown;

pub use action::{
    ActionClient, ActionError, ActionRequest, ActionServer, ActiveGoal, CancelRequest, ClientGoal,
    GoalEvent, GoalOutcome, GoalRequest,
};
pub use clock::Clock;
pub use endpoint::{Publisher, Subscriber};
pub use memory::InMemoryBus;
pub use node::{NodeConfig, NodeIo, RuntimeError};
pub use params::{ParamDecl, ParamValue, ParameterSet, ParamsError};
pub use ros_args::RosArgs;
pub use service::{PendingResponse, ServiceClient, ServiceError, ServiceServer};
pub use shutdown::{Shutdown, ShutdownTrigger};
