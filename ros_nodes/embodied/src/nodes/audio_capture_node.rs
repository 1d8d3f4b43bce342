//! `audio_capture_node`: publishes 16 kHz mono `/audio/chunk` from a microphone (cpal) or WAV
//! files. `ros2 run embodied_assistant audio_capture_node` or a
//! `<node exec="audio_capture_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    let exit_code = |error: &anyhow::Error| {
        error
            .downcast_ref::<audio_capture::Error>()
            .map(audio_capture::Error::exit_code)
    };
    super::run_node("audio_capture", exit_code, async |io, shutdown| {
        let params = io
            .load_params::<audio_capture::Params>()?
            .validate()
            .map_err(audio_capture::Error::from)
            .context("invalid parameters")?;
        Ok(audio_capture::run(io, params, shutdown).await?)
    })
    .await
}
