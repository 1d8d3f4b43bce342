//! `planner_node`: executes `/assistant/task` steps on the robot (navigation on the world's
//! occupancy grid, relative moves and turns, find and bring) under safety limits no request can
//! override; publishes `/cmd_vel` and `/planner/status`.
//! `ros2 run embodied_assistant planner_node` or a `<node exec="planner_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("planner", exit_code_of, async |io, shutdown| {
        body(io, shutdown).await
    })
    .await
}

/// The node's start-up and run on `io` (also used by `embodied scenario`).
pub(crate) async fn body(io: &mut NodeIo, shutdown: Shutdown) -> anyhow::Result<()> {
    let params = io
        .load_params::<planner::Params>()?
        .validate()
        .context("invalid parameters")?;
    Ok(planner::run(io, params, shutdown).await?)
}

/// The exit code of the node's own errors.
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    error
        .downcast_ref::<planner::Error>()
        .map(planner::Error::exit_code)
}
