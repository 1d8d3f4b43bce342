//! `sim_node`: the headless simulator of the home world (odometry, lidar, clock, ground
//! truth, battery, perception, gripper services). With no arguments it loads the home world
//! from the installed share or the workspace and publishes at once.
//! `ros2 run embodied_assistant sim_node` or a `<node exec="sim_node">` in a launch file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::exit_code;

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("sim", exit_code_of, async |io, shutdown| {
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
            let map =
                (!params.semantic_map.is_empty()).then(|| PathBuf::from(&params.semantic_map));
            sim::world_files_for(PathBuf::from(&params.world_sdf), map)
        };
        let world = sim::load_world(&files)?;
        Ok(sim::run(io, params, world, shutdown).await?)
    })
    .await
}

/// The simulator's own errors: transport and service failures; anything else is a
/// configuration problem (the world files, parameters).
fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    match error.downcast_ref::<sim::Error>()? {
        sim::Error::Transport(runtime) => Some(runtime.exit_code()),
        sim::Error::Service(_) => Some(exit_code::TRANSPORT),
        _ => None,
    }
}
