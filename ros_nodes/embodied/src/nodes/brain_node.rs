//! `brain_node`: understands `/speech/transcript` with the MCSD assistant model, grounded in
//! perception, robot state and long-term memory; publishes `/assistant/reply` and
//! `/assistant/task`, and reports how tasks end.
//! `ros2 run embodied_assistant brain_node` or a `<node exec="brain_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node(
        brain::node::NODE_NAME,
        exit_code_of,
        async |io, shutdown| body(io, shutdown).await,
    )
    .await
}

/// The node's start-up and run on `io` (also used by `embodied scenario`).
pub(crate) async fn body(io: &mut NodeIo, shutdown: Shutdown) -> anyhow::Result<()> {
    let params = io
        .load_params::<brain::node::Params>()?
        .validate()
        .context("invalid parameters")?;
    Ok(brain::node::run(io, params, shutdown).await?)
}

/// The exit code of the node's own errors.
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    error
        .downcast_ref::<brain::node::NodeError>()
        .map(brain::node::NodeError::exit_code)
}
