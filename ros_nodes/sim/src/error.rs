//! The crate's error type.

use std::path::PathBuf;

/// Why the simulator could not start, load, record or plot.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is out of its range.
    #[error("parameter {name} = {value}: {expected}")]
    ParamOutOfRange {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// The world files could not be read or disagree.
    #[error("loading the world")]
    World(#[from] embodied_world::WorldError),
    /// The world lacks something the simulator needs, or has a value it cannot use.
    #[error("{file}: {element}: {reason}")]
    InvalidWorld {
        /// World file.
        file: String,
        /// SDF element or map key at fault.
        element: String,
        /// What is wrong.
        reason: String,
    },
    /// No home world was found.
    #[error("no home world found; looked for {}", searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    WorldNotFound {
        /// Paths tried.
        searched: Vec<PathBuf>,
    },
    /// The robot would start (or be placed) inside an obstacle.
    #[error("{world}: robot at {pose} overlaps obstacle {obstacle}")]
    RobotInCollision {
        /// World file (or "run time").
        world: String,
        /// The pose.
        pose: String,
        /// The obstacle it overlaps.
        obstacle: String,
    },
    /// A run file could not be written or read.
    #[error("run file {}", path.display())]
    RunFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A run file has a line that is not a run entry.
    #[error("run file {}:{line}: {reason}", path.display())]
    RunFormat {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A topic or service could not be created or used.
    #[cfg(feature = "ros")]
    #[error("transport")]
    Transport(#[from] embodied_runtime::RuntimeError),
    /// A service response could not be sent.
    #[cfg(feature = "ros")]
    #[error("service")]
    Service(#[from] embodied_runtime::ServiceError),
    /// Drawing a plot failed.
    #[error("plot {}: {reason}", path.display())]
    Plot {
        /// The PNG being drawn.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}
