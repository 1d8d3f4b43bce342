//! `memory_node`: the robot's long-term memory, served as `/memory/remember` and
//! `/memory/recall`. `ros2 run embodied_assistant memory_node` or a
//! `<node exec="memory_node" name="memory">` in a launch file.

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
    let config = NodeConfig::from_process("memory")?;
    init_logging(&config.args, &config.code_name, LogFormat::Text)?;
    let mut io = NodeIo::start(&config)?;
    let params = io
        .load_params::<embodied_memory::Params>()?
        .validate()
        .context("invalid parameters")?;
    let path = params
        .database_file()
        .context("no database_path given and no HOME to put the memory in")?;
    let memory = embodied_memory::Memory::open(&path, params.durability)?
        .with_result_limits(params.default_max_results, params.max_results_limit);
    let mut aliases = params.alias_table()?;
    let cwd = std::env::current_dir().context("current directory")?;
    match embodied_world::WorldFiles::find_home(&cwd) {
        Some(files) => {
            let map = embodied_world::SemanticMap::load(&files.semantic_map)?;
            aliases.extend(&embodied_memory::Aliases::from_semantic_map(&map));
        }
        None => tracing::warn!(
            "no semantic map found (installed share or workspace): only the `aliases` parameter \
             names places and objects"
        ),
    }
    let trigger = ShutdownTrigger::default();
    trigger.on_signals().context("installing signal handlers")?;
    let result = embodied_memory::run(&mut io, memory, aliases, trigger.subscribe()).await;
    io.shutdown().await;
    Ok(result?)
}
