//! `monitor` node: logs the assistant's speech, replies and tasks with their latencies.
//! `ros2 run embodied_assistant monitor` or a `<node exec="monitor">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node(
        "monitor",
        |_| None,
        async |io, shutdown| {
            let params = io
                .load_params::<monitor::Params>()?
                .validate()
                .context("invalid parameters")?;
            Ok(monitor::run(io, params, shutdown).await?)
        },
    )
    .await
}
