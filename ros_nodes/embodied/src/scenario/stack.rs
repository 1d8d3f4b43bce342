//! The assistant's nodes in this process, on one in-memory bus, started as
//! `launch/sim.launch.xml` starts them: the same node mains, parameter files and overrides
//! (as `--ros-args` command lines), each in its own tokio task.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, Shutdown, ShutdownTrigger};
use tokio::sync::oneshot;
use tracing::Instrument as _;

use super::Error;
use crate::nodes;

/// The ament package whose share holds `config/` and `models/` once installed.
const PACKAGE: &str = "embodied_assistant";
/// How long a node may take to stop before it is abandoned.
const STOP_WAIT: Duration = Duration::from_secs(10);

/// The files the launch file takes from the package share (or a workspace checkout).
#[derive(Debug, Clone)]
pub(crate) struct Share {
    root: PathBuf,
}

impl Share {
    /// The first of `$AMENT_PREFIX_PATH/share/embodied_assistant`, the current directory and
    /// its ancestors, and this crate's workspace that holds `config/sim.yaml` and the home
    /// world.
    ///
    /// # Errors
    /// [`Error::ShareNotFound`] naming where it looked.
    pub(crate) fn find() -> Result<Self, Error> {
        let starts: Vec<PathBuf> = std::env::current_dir()
            .into_iter()
            .chain([PathBuf::from(env!("CARGO_MANIFEST_DIR"))])
            .collect();
        let candidates = embodied_world::share_roots(&starts);
        for root in candidates {
            let share = Self { root };
            if share.config("sim.yaml").is_file() && share.world_sdf().is_file() {
                return Ok(share);
            }
        }
        Err(Error::ShareNotFound {
            searched: std::iter::once(PathBuf::from(format!("$AMENT_PREFIX_PATH/share/{PACKAGE}")))
                .chain(starts.iter().map(|s| s.join("(and ancestors)")))
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// `config/NAME`.
    pub(crate) fn config(&self, name: &str) -> PathBuf {
        self.root.join("config").join(name)
    }

    /// The home world's SDF.
    pub(crate) fn world_sdf(&self) -> PathBuf {
        self.root.join("models/gazebo/worlds/home.sdf")
    }

    /// The home world's semantic map.
    pub(crate) fn semantic_map(&self) -> PathBuf {
        self.config("world/home.yaml")
    }

    /// The root, where the memory node looks for the semantic map.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }
}

/// A `-p` value as a YAML string: single-quoted, so paths and text stay strings.
pub(crate) fn yaml_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The command line of node `name`: its parameter file, then `name:=value` overrides.
///
/// # Errors
/// [`Error::NodeArgs`] if the runtime refuses them.
pub(crate) fn node_args(
    name: &str,
    params_file: &Path,
    overrides: &[(&str, String)],
) -> Result<RosArgs, Error> {
    let mut argv = vec![
        format!("embodied-scenario-{name}"),
        "--ros-args".to_owned(),
        "--params-file".to_owned(),
        params_file.display().to_string(),
    ];
    for (key, value) in overrides {
        argv.push("-p".to_owned());
        argv.push(format!("{key}:={value}"));
    }
    RosArgs::parse(argv).map_err(|source| Error::NodeArgs {
        node: name.to_owned(),
        source: Box::new(source.into()),
    })
}

/// Starts node `name` on `bus` with `args`.
///
/// # Errors
/// [`Error::NodeArgs`] when its parameters cannot be loaded.
pub(crate) fn start_io(bus: &InMemoryBus, name: &str, args: RosArgs) -> Result<NodeIo, Error> {
    NodeIo::start_in_memory(&NodeConfig::new(name, args), bus).map_err(|source| Error::NodeArgs {
        node: name.to_owned(),
        source: Box::new(source),
    })
}

/// How a node's own errors map to exit codes.
pub(crate) type ExitCodeOf = fn(&anyhow::Error) -> Option<u8>;

/// How many worker threads each node's runtime has: as many as the node binaries'
/// `#[tokio::main]`.
const NODE_WORKER_THREADS: usize = 2;

/// A node running on its own thread and tokio runtime, as its binary would in its own
/// process (node futures need not be `Send`: the planner's are not).
#[derive(Debug)]
pub(crate) struct RunningNode {
    pub name: &'static str,
    exit_code_of: ExitCodeOf,
    result: Option<oneshot::Receiver<anyhow::Result<()>>>,
}

impl RunningNode {
    /// Starts node `name` on the bus with its command line and runs `main` on it (within a
    /// `node{name}` span) on a thread of its own, so its clock follower and timers run on its
    /// own runtime; the transport is shut down when `main` returns.
    pub(crate) fn spawn<F, Fut>(
        name: &'static str,
        start: (&InMemoryBus, RosArgs),
        shutdown: Shutdown,
        exit_code_of: ExitCodeOf,
        main: F,
    ) -> Self
    where
        F: FnOnce(NodeIo, Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = (NodeIo, anyhow::Result<()>)> + 'static,
    {
        let (sender, receiver) = oneshot::channel();
        let (bus, args) = (start.0.clone(), start.1);
        let thread = std::thread::Builder::new()
            .name(format!("node-{name}"))
            .spawn(move || {
                let span = tracing::info_span!("node", name);
                let result = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(NODE_WORKER_THREADS)
                    .thread_name(format!("node-{name}"))
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(
                        async move {
                            let io = start_io(&bus, name, args)?;
                            let (io, result) = main(io, shutdown).await;
                            io.shutdown().await;
                            result
                        }
                        .instrument(span),
                    ),
                    Err(error) => Err(anyhow::Error::new(error).context("starting its runtime")),
                };
                // The scenario may have stopped waiting; nothing to tell then.
                let _ = sender.send(result);
            });
        let result = match thread {
            Ok(_detached) => receiver,
            Err(error) => {
                let (sender, receiver) = oneshot::channel();
                let _ = sender.send(Err(anyhow::Error::new(error).context("starting its thread")));
                receiver
            }
        };
        Self {
            name,
            exit_code_of,
            result: Some(result),
        }
    }

    /// The node's failure if it has stopped (a node stops only when told to; stopping on its
    /// own is a failure even without an error).
    pub(crate) fn failure(&mut self) -> Option<Error> {
        let receiver = self.result.as_mut()?;
        let ended = match receiver.try_recv() {
            Err(oneshot::error::TryRecvError::Empty) => return None,
            Ok(result) => Some(result),
            Err(oneshot::error::TryRecvError::Closed) => None,
        };
        self.result = None;
        Some(self.error_of(ended))
    }

    /// `None`: the thread ended without a result (it panicked).
    fn error_of(&self, ended: Option<anyhow::Result<()>>) -> Error {
        let source = match ended {
            Some(Ok(())) => anyhow::anyhow!("stopped unexpectedly"),
            Some(Err(error)) => error,
            None => anyhow::anyhow!("panicked"),
        };
        let code = (self.exit_code_of)(&source)
            .or_else(|| {
                source
                    .downcast_ref::<embodied_runtime::RuntimeError>()
                    .map(embodied_runtime::RuntimeError::exit_code)
            })
            .unwrap_or(crate::exit_codes::SCENARIO);
        Error::Node {
            node: self.name,
            code,
            source,
        }
    }

    /// Waits for the node to stop (after its shutdown fired), at most [`STOP_WAIT`]; a failure
    /// while stopping is logged, a node that does not stop is left behind.
    pub(crate) async fn join(mut self) {
        let Some(receiver) = self.result.take() else {
            return;
        };
        match tokio::time::timeout(STOP_WAIT, receiver).await {
            Ok(Ok(Ok(()))) => {}
            Ok(ended) => {
                let error = self.error_of(ended.ok());
                tracing::warn!(node = self.name, error = %error, "node failed while stopping");
            }
            Err(_) => tracing::warn!(node = self.name, "node did not stop in time; left behind"),
        }
    }
}

/// The nodes of the stack and their shared shutdown.
#[derive(Debug)]
pub(crate) struct Stack {
    pub nodes: Vec<RunningNode>,
    pub trigger: ShutdownTrigger,
}

impl Stack {
    /// The first node that failed, if any.
    pub(crate) fn failure(&mut self) -> Option<Error> {
        self.nodes.iter_mut().find_map(RunningNode::failure)
    }

    /// Stops every node and waits for them.
    pub(crate) async fn stop(self) {
        self.trigger.trigger();
        for node in self.nodes {
            node.join().await;
        }
    }
}

/// What the stack is started with.
#[derive(Debug, Clone)]
pub(crate) struct StackConfig {
    pub share: Share,
    /// Simulated seconds per wall-clock second.
    pub speed: f64,
    /// The simulator's seed.
    pub seed: u64,
    /// The robot's start pose; `None`: the semantic map's.
    pub spawn: Option<sim::Pose2D>,
    /// Objects moved before the simulation starts.
    pub moves: Vec<nodes::sim_node::ObjectMove>,
    /// The memory's SQLite file (memory and brain).
    pub memory_database: PathBuf,
    /// speech_out's WAV sink directory.
    pub speech_dir: PathBuf,
}

/// Starts sim, asr, memory, brain, planner and speech_out (audio_capture is started per
/// command, see [`start_audio_capture`]).
///
/// # Errors
/// [`Error::NodeArgs`] when a node's command line is refused.
pub(crate) fn start(bus: &InMemoryBus, config: &StackConfig) -> Result<Stack, Error> {
    let share = &config.share;
    let world = yaml_string(&share.world_sdf().display().to_string());
    let database = yaml_string(&config.memory_database.display().to_string());
    let speech_dir = yaml_string(&config.speech_dir.display().to_string());
    let sim_time = |value: bool| ("use_sim_time", value.to_string());
    let trigger = ShutdownTrigger::new();
    let mut nodes = Vec::new();

    let args = node_args(
        "sim",
        &share.config("sim.yaml"),
        &[
            ("real_time_factor", format!("{:?}", config.speed)),
            ("world_sdf", world.clone()),
            ("seed", config.seed.to_string()),
        ],
    )?;
    let (spawn, moves) = (config.spawn, config.moves.clone());
    nodes.push(RunningNode::spawn(
        "sim",
        (bus, args),
        trigger.subscribe(),
        nodes::sim_node::exit_code_of,
        move |mut io, stop| async move {
            let result = nodes::sim_node::body(&mut io, stop, spawn, &moves).await;
            (io, result)
        },
    ));

    nodes.push(RunningNode::spawn(
        "asr",
        (bus, asr_args(share)?),
        trigger.subscribe(),
        nodes::asr_node::exit_code_of,
        |mut io, stop| async move {
            let result = nodes::asr_node::body(&mut io, stop).await;
            (io, result)
        },
    ));

    let args = node_args(
        "memory",
        &share.config("memory.yaml"),
        &[sim_time(true), ("database_path", database.clone())],
    )?;
    let root = share.root().to_path_buf();
    nodes.push(RunningNode::spawn(
        "memory",
        (bus, args),
        trigger.subscribe(),
        |_| None,
        move |mut io, stop| async move {
            let result = nodes::memory_node::body(&mut io, stop, &root).await;
            (io, result)
        },
    ));

    let args = node_args(
        brain::node::NODE_NAME,
        &share.config("brain.yaml"),
        &[sim_time(true), ("memory_database_path", database)],
    )?;
    nodes.push(RunningNode::spawn(
        brain::node::NODE_NAME,
        (bus, args),
        trigger.subscribe(),
        nodes::brain_node::exit_code_of,
        |mut io, stop| async move {
            let result = nodes::brain_node::body(&mut io, stop).await;
            (io, result)
        },
    ));

    let args = node_args(
        "planner",
        &share.config("planner.yaml"),
        &[sim_time(true), ("world_sdf", world)],
    )?;
    nodes.push(RunningNode::spawn(
        "planner",
        (bus, args),
        trigger.subscribe(),
        nodes::planner_node::exit_code_of,
        |mut io, stop| async move {
            let result = nodes::planner_node::body(&mut io, stop).await;
            (io, result)
        },
    ));

    let args = node_args(
        "speech_out",
        &share.config("speech_out.yaml"),
        &[
            sim_time(false),
            ("sink", "wav".to_owned()),
            ("wav_dir", speech_dir),
        ],
    )?;
    nodes.push(RunningNode::spawn(
        "speech_out",
        (bus, args),
        trigger.subscribe(),
        nodes::speech_out_node::exit_code_of,
        |mut io, stop| async move {
            let result = nodes::speech_out_node::body(&mut io, stop).await;
            (io, result)
        },
    ));
    Ok(Stack { nodes, trigger })
}

/// The recogniser's command line.
///
/// # Errors
/// [`Error::NodeArgs`].
pub(crate) fn asr_args(share: &Share) -> Result<RosArgs, Error> {
    node_args(
        "asr",
        &share.config("asr.yaml"),
        &[("use_sim_time", "false".to_owned())],
    )
}

/// An audio_capture node that plays `feed` once, in real time, then idles until `stop`.
///
/// # Errors
/// [`Error::NodeArgs`].
pub(crate) fn start_audio_capture(
    bus: &InMemoryBus,
    share: &Share,
    feed: &Path,
    stop: Shutdown,
) -> Result<RunningNode, Error> {
    let args = node_args(
        "audio_capture",
        &share.config("audio_capture.yaml"),
        &[
            ("use_sim_time", "false".to_owned()),
            ("source", "wav".to_owned()),
            (
                "wav_files",
                format!("[{}]", yaml_string(&feed.display().to_string())),
            ),
            ("gap_s", "0.0".to_owned()),
            ("realtime", "true".to_owned()),
            ("loop", "false".to_owned()),
            ("start_delay_s", "0.0".to_owned()),
        ],
    )?;
    Ok(RunningNode::spawn(
        "audio_capture",
        (bus, args),
        stop,
        nodes::audio_capture_node::exit_code_of,
        |mut io, stop| async move {
            let result = nodes::audio_capture_node::body(&mut io, stop).await;
            (io, result)
        },
    ))
}
