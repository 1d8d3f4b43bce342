//! `asr_node`: voice activity detection, endpointing and whisper transcription of `/audio/chunk`
//! into `/speech/activity` and `/speech/transcript`.
//! `ros2 run embodied_assistant asr_node` or a `<node exec="asr_node">` in a launch file.

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::logging::{LogFormat, init_logging};
use embodied_runtime::{NodeConfig, NodeIo, RuntimeError, ShutdownTrigger, exit_code};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    match try_main().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            let code = if let Some(error) = error.downcast_ref::<asr::Error>() {
                error.exit_code()
            } else {
                error
                    .downcast_ref::<RuntimeError>()
                    .map_or(exit_code::CONFIG, RuntimeError::exit_code)
            };
            ExitCode::from(code)
        }
    }
}

async fn try_main() -> anyhow::Result<()> {
    let config = NodeConfig::from_process("asr")?;
    init_logging(&config.args, &config.code_name, LogFormat::Text)?;
    let mut io = NodeIo::start(&config)?;
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
    let trigger = ShutdownTrigger::default();
    trigger.on_signals().context("installing signal handlers")?;
    let result = asr::run(&mut io, params, lexicon, transcriber, trigger.subscribe()).await;
    io.shutdown().await;
    Ok(result?)
}
