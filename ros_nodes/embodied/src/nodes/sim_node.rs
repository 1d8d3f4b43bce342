//! `sim_node`: the headless simulator of the home world (odometry, lidar, clock, ground
//! truth, battery, perception, gripper services). With no arguments it loads the home world
//! from the installed share or the workspace and publishes at once.
//! `ros2 run embodied_assistant sim_node` or a `<node exec="sim_node">` in a launch file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use embodied_runtime::{NodeIo, Shutdown, exit_code};

/// Runs the node until SIGINT/SIGTERM; the exit code tells why it stopped.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
pub async fn main() -> ExitCode {
    super::run_node("sim", exit_code_of, async |io, shutdown| {
        body(io, shutdown, None, &[]).await
    })
    .await
}

/// An object of the world put elsewhere before the simulation starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectMove {
    /// Its SDF model name.
    pub model: String,
    /// Its new centre, map frame, m.
    pub position: [f64; 3],
}

/// The node's start-up and run on `io`; `spawn` replaces the robot's start pose of the
/// semantic map (`embodied scenario --start PLACE`), `moves` the objects' start positions
/// (`embodied scenario --place`).
pub(crate) async fn body(
    io: &mut NodeIo,
    shutdown: Shutdown,
    spawn: Option<sim::Pose2D>,
    moves: &[ObjectMove],
) -> anyhow::Result<()> {
    let params = io
        .load_params::<sim::Params>()?
        .validate()
        .context("invalid parameters")?;
    let files = world_files(&params)?;
    let mut world = sim::load_world(&files)?;
    if let Some(spawn) = spawn {
        world.robot.spawn = spawn;
    }
    for moved in moves {
        let object = world
            .objects
            .iter_mut()
            .find(|o| o.id == moved.model)
            .with_context(|| format!("no object {:?} in the world to move", moved.model))?;
        object.position = moved.position;
    }
    Ok(sim::run(io, params, world, shutdown).await?)
}

/// The world files the parameters name (`world_sdf`, `semantic_map`), else the home world.
pub(crate) fn world_files(params: &sim::Params) -> anyhow::Result<sim::WorldFiles> {
    Ok(if params.world_sdf.is_empty() {
        let mut files = sim::find_home_world()?;
        if !params.semantic_map.is_empty() {
            files.semantic_map = PathBuf::from(&params.semantic_map);
        }
        files
    } else {
        let map = (!params.semantic_map.is_empty()).then(|| PathBuf::from(&params.semantic_map));
        sim::world_files_for(PathBuf::from(&params.world_sdf), map)
    })
}

/// The simulator's own errors: transport and service failures; anything else is a
/// configuration problem (the world files, parameters).
pub(crate) fn exit_code_of(error: &anyhow::Error) -> Option<u8> {
    match error.downcast_ref::<sim::Error>()? {
        sim::Error::Transport(runtime) => Some(runtime.exit_code()),
        sim::Error::Service(_) => Some(exit_code::TRANSPORT),
        _ => None,
    }
}
