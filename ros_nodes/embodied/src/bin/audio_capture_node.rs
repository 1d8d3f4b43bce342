//! `audio_capture_node`: publishes 16 kHz mono `/audio/chunk` from a microphone (cpal) or WAV
//! files. `ros2 run embodied_assistant audio_capture_node` or a
//! `<node exec="audio_capture_node">` in a launch file.

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
            let code = if let Some(error) = error.downcast_ref::<audio_capture::Error>() {
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
    let config = NodeConfig::from_process("audio_capture")?;
    init_logging(&config.args, &config.code_name, LogFormat::Text)?;
    let mut io = NodeIo::start(&config)?;
    let params = io
        .load_params::<audio_capture::Params>()?
        .validate()
        .map_err(audio_capture::Error::from)
        .context("invalid parameters")?;
    let trigger = ShutdownTrigger::default();
    trigger.on_signals().context("installing signal handlers")?;
    let result = audio_capture::run(&mut io, params, trigger.subscribe()).await;
    io.shutdown().await;
    Ok(result?)
}
