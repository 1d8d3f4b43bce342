//! `sim_node`: the headless simulator of the home world (odometry, lidar, clock, ground
//! truth, battery, perception, gripper services). With no arguments it loads the home world
//! from the installed share or the workspace and publishes at once.
//! `ros2 run embodied_assistant sim_node` or a `<node exec="sim_node">` in a launch file.

use std::path::PathBuf;
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
            ExitCode::from(exit_code_of(&error))
        }
    }
}

fn exit_code_of(error: &anyhow::Error) -> u8 {
    if let Some(runtime) = error.downcast_ref::<RuntimeError>() {
        return runtime.exit_code();
    }
    match error.downcast_ref::<sim::Error>() {
        Some(sim::Error::Transport(runtime)) => runtime.exit_code(),
        Some(sim::Error::Service(_)) => exit_code::TRANSPORT,
        _ => exit_code::CONFIG,
    }
}

async fn try_main() -> anyhow::Result<()> {
    let config = NodeConfig::from_process("sim")?;
    init_logging(&config.args, &config.code_name, LogFormat::Text)?;
    let mut io = NodeIo::start(&config)?;
    let params = io
        .load_params::<sim::Params>()?
        .validate()
        .context("invalid parameters")?;
    let files = if params.world_sdf.is_empty() {
        let mut files = sim::find_home_world()?;
        if !params.semantic_map.is_empty() {
            files.semantic_map = PathBuf::from(&params.semantic_map);
        }
        files
    } else {
        let map = (!params.semantic_map.is_empty()).then(|| PathBuf::from(&params.semantic_map));
        sim::world_files_for(PathBuf::from(&params.world_sdf), map)
    };
    let world = sim::load_world(&files)?;
    let trigger = ShutdownTrigger::default();
    trigger.on_signals().context("installing signal handlers")?;
    let result = sim::run(&mut io, params, world, trigger.subscribe()).await;
    io.shutdown().await;
    Ok(result?)
}
