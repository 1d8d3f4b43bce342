//! The golden sample of every type (`msgs/tests/golden/<package>/<Name>.json`, written by
//! `tests/golden/generate.py` with rosbags), for tests of other crates that need one
//! non-trivial value of each type: DDS round trips, wire interop, benchmarks.
//! The files live in the source tree, so this is only useful where the tree is.

use std::path::{Path, PathBuf};

use crate::RosMessage;

/// Why a golden sample could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum GoldenError {
    /// The fixture file could not be read.
    #[error("golden sample of {type_name} at {path}: {source}")]
    Read {
        /// ROS type name.
        type_name: String,
        /// File that was read.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The fixture does not fit the Rust type.
    #[error("golden sample of {type_name} at {path} does not fit the type: {source}")]
    Parse {
        /// ROS type name.
        type_name: String,
        /// File that was read.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// `msgs/tests/golden` in the source tree.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden sample value of `M`.
///
/// # Errors
/// [`GoldenError`] if the file is missing or does not fit `M`.
pub fn golden_sample<M: RosMessage>() -> Result<M, GoldenError> {
    let path = golden_dir()
        .join(M::PACKAGE)
        .join(format!("{}.json", M::NAME));
    let text = std::fs::read_to_string(&path).map_err(|source| GoldenError::Read {
        type_name: M::type_name(),
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| GoldenError::Parse {
        type_name: M::type_name(),
        path,
        source,
    })
}
