//! `asr_node`: voice activity detection, endpointing and whisper transcription of `/audio/chunk`
//! into `/speech/activity` and `/speech/transcript`.
//! `ros2 run embodied_assistant asr_node` or a `<node exec="asr_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("asr", exit_code_of, async |io, shutdown| {
        body(io, shutdown).await
    })
    .await
}

/// The node's start-up and run on `io` (also used by `embodied scenario`).
pub(crate) async fn body(io: &mut NodeIo, shutdown: Shutdown) -> anyhow::Result<()> {
    let params = io
        .load_params::<asr::Params>()?
        .validate()
        .map_err(asr::Error::from)
        .context("invalid parameters")?;
    let lexicon = asr::Lexicon::default();
    let model = asr::cli::model_path(Some(&params.whisper_model));
    let options = asr::recognise::whisper_options(&params, &lexicon);
    // Loading takes a while and blocks: off the executor.
    let transcriber = tokio::task::spawn_blocking(move || {
        asr::transcriber::WhisperTranscriber::load(&model, options)
    })
    .await
    .context("loading the whisper model")?
    .map_err(asr::Error::from)?;
    Ok(asr::run(io, params, lexicon, transcriber, shutdown).await?)
}

/// The exit code of the node's own errors.
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    error
        .downcast_ref::<asr::Error>()
        .map(asr::Error::exit_code)
}
