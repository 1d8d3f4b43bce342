//! `audio_capture_node`: publishes 16 kHz mono `/audio/chunk` from a microphone (cpal) or WAV
//! files. `ros2 run embodied_assistant audio_capture_node` or a
//! `<node exec="audio_capture_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("audio_capture", exit_code_of, async |io, shutdown| {
        body(io, shutdown).await
    })
    .await
}

/// The node's start-up and run on `io` (also used by `embodied scenario`).
pub(crate) async fn body(io: &mut NodeIo, shutdown: Shutdown) -> anyhow::Result<()> {
    let params = io
        .load_params::<audio_capture::Params>()?
        .validate()
        .map_err(audio_capture::Error::from)
        .context("invalid parameters")?;
    Ok(audio_capture::run(io, params, shutdown).await?)
}

/// The exit code of the node's own errors.
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    error
        .downcast_ref::<audio_capture::Error>()
        .map(audio_capture::Error::exit_code)
}
