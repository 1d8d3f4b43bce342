//! Typed errors of the MCSD crate.

use std::path::PathBuf;

/// Everything that can go wrong while building, loading, running or training a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tensor operation failed.
    #[error("tensor operation failed: {0}")]
    Candle(#[from] candle_core::Error),
    /// A configuration value is out of range or inconsistent with another one.
    #[error("invalid config field `{field}`: {reason}")]
    Config {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A checkpoint (weights, config or state file) is corrupt or does not match the model.
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The file that was refused.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("i/o on {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON document (config.json) could not be parsed or written.
    #[error("json in {path}: {source}")]
    Json {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// An input tensor has the wrong shape or type for the call.
    #[error("bad input to {what}: {reason}")]
    Input {
        /// The function that refused the input.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A checkpoint directory does not match the model or is corrupt (typed reason).
    #[error("checkpoint {path}: {problem}")]
    CheckpointMismatch {
        /// The file or directory that was refused.
        path: PathBuf,
        /// What is wrong with it.
        problem: crate::checkpoint::CheckpointProblem,
    },
    /// An argument is out of range (corpus sizes, tokenizer settings, ...).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was invalid.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The tokenizer library failed.
    #[error("tokenizer {what}: {reason}")]
    Tokenizer {
        /// The tokenizer operation.
        what: &'static str,
        /// The underlying error.
        reason: String,
    },
    /// Drawing or writing a plot failed.
    #[error("plot {path}: {reason}")]
    Plot {
        /// The PNG being written.
        path: PathBuf,
        /// The underlying error.
        reason: String,
    },
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
