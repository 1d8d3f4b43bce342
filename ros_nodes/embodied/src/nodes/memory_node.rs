//! `memory_node`: the robot's long-term memory, served as `/memory/remember` and
//! `/memory/recall`. `ros2 run embodied_assistant memory_node` or a
//! `<node exec="memory_node" name="memory">` in a launch file.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node(
        "memory",
        |_| None,
        async |io, shutdown| {
            let cwd = std::env::current_dir().context("current directory")?;
            body(io, shutdown, &cwd).await
        },
    )
    .await
}

/// The node's start-up and run on `io`; the semantic map (for aliases) is looked for in the
/// installed share, then from `search_from` upwards (also used by `embodied scenario`).
pub(crate) async fn body(
    io: &mut NodeIo,
    shutdown: Shutdown,
    search_from: &Path,
) -> anyhow::Result<()> {
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
    match embodied_world::WorldFiles::find_home(search_from) {
        Some(files) => {
            let map = embodied_world::SemanticMap::load(&files.semantic_map)?;
            aliases.extend(&embodied_memory::Aliases::from_semantic_map(&map));
        }
        None => tracing::warn!(
            "no semantic map found (installed share or workspace): only the `aliases` parameter \
             names places and objects"
        ),
    }
    Ok(embodied_memory::run(io, memory, aliases, shutdown).await?)
}
