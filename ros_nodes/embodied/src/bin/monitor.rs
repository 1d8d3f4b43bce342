//! `monitor` node: logs the assistant's speech, replies and tasks with their latencies.
//! `ros2 run embodied_assistant monitor` or a `<node exec="monitor">` in a launch file.

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
            let code = error
                .downcast_ref::<RuntimeError>()
                .map_or(exit_code::CONFIG, RuntimeError::exit_code);
            ExitCode::from(code)
        }
    }
}

async fn try_main() -> anyhow::Result<()> {
    let config = NodeConfig::from_process("monitor")?;
    init_logging(&config.args, &config.code_name, LogFormat::Text)?;
    let mut io = NodeIo::start(&config)?;
    let params = io
        .load_params::<monitor::Params>()?
        .validate()
        .context("invalid parameters")?;
    let trigger = ShutdownTrigger::default();
    trigger.on_signals().context("installing signal handlers")?;
    let result = monitor::run(&mut io, params, trigger.subscribe()).await;
    io.shutdown().await;
    Ok(result?)
}
