//! `speech_out_node`: speaks `/assistant/reply` with eSpeak NG on a sound card (or into WAV
//! files), publishes `/speech/speaking`, and stops at once when the user starts speaking.
//! `ros2 run embodied_assistant speech_out_node` or a `<node exec="speech_out_node">` in a
//! launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("speech_out", exit_code_of, async |io, shutdown| {
        body(io, shutdown).await
    })
    .await
}

/// The node's start-up and run on `io` (also used by `embodied scenario`).
pub(crate) async fn body(io: &mut NodeIo, shutdown: Shutdown) -> anyhow::Result<()> {
    let params = io
        .load_params::<speech_out::Params>()?
        .validate()
        .context("invalid parameters")?;
    Ok(speech_out::run(io, params, shutdown).await?)
}

/// The exit code of the node's own errors.
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    error
        .downcast_ref::<speech_out::Error>()
        .map(speech_out::Error::exit_code)
}
