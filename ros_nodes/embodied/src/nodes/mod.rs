//! The node executables' mains, one module per node. The files in `src/bin/` call these, and so
//! does the ament package `ros/embodied_assistant`, which builds the same programs for colcon.
//! Each main is [`run_node`] around the node's own start-up: what differs between nodes is only
//! how they load their parameters and models, and which errors they map to which exit code.

pub mod asr_node;
pub mod audio_capture_node;
pub mod brain_node;
pub mod memory_node;
pub mod monitor;
pub mod planner_node;
pub mod sim_node;
pub mod speech_out_node;

use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::logging::{LogFormat, init_logging};
use embodied_runtime::{NodeConfig, NodeIo, RuntimeError, Shutdown, ShutdownTrigger, exit_code};

/// Runs a node: ROS arguments and logging for `name`, the node's transport, SIGINT/SIGTERM
/// handling, then `body` until it returns; the transport is shut down cleanly either way. A
/// failure is logged and becomes the exit code `node_exit_code` gives for it (a node's own
/// error types), else the runtime's code for transport errors, else CONFIG.
pub(crate) async fn run_node(
    name: &str,
    node_exit_code: impl Fn(&anyhow::Error) -> Option<u8>,
    body: impl AsyncFnOnce(&mut NodeIo, Shutdown) -> anyhow::Result<()>,
) -> ExitCode {
    // Before logging is set up, failures can only go to stderr.
    let config = match NodeConfig::from_process(name) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(error.exit_code());
        }
    };
    if let Err(error) = init_logging(&config.args, &config.code_name, LogFormat::Text) {
        eprintln!("error: {error:#}");
        return ExitCode::from(exit_code::CONFIG);
    }
    let result = async {
        let mut io = NodeIo::start(&config)?;
        let trigger = ShutdownTrigger::default();
        trigger.on_signals().context("installing signal handlers")?;
        let result = body(&mut io, trigger.subscribe()).await;
        io.shutdown().await;
        result
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            let code = node_exit_code(&error).unwrap_or_else(|| {
                error
                    .downcast_ref::<RuntimeError>()
                    .map_or(exit_code::CONFIG, RuntimeError::exit_code)
            });
            ExitCode::from(code)
        }
    }
}
