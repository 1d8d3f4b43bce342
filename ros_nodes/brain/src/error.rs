//! The crate's error type.

use std::path::PathBuf;

/// Errors of the brain library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model's output text does not follow the output format.
    #[error("model output {text:?}: {reason}")]
    ParseOutput {
        /// The offending part of the output.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A prompt (grounding + utterance) does not follow the input format.
    #[error("prompt {text:?}: {reason}")]
    ParsePrompt {
        /// The offending part of the prompt.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value is outside its allowed range or set.
    #[error("{what} = {value}: {reason}")]
    Invalid {
        /// Which value.
        what: &'static str,
        /// The value, as text.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// The output grammar could not be compiled.
    #[error("compiling the output grammar: {reason}")]
    Grammar {
        /// The compiler's message.
        reason: String,
    },
    /// A corpus template file is malformed.
    #[error("{}:{line}: {reason}", file.display())]
    Template {
        /// The template file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The semantic map could not be loaded.
    #[error(transparent)]
    World(#[from] embodied_world::WorldError),
    /// No trained assistant checkpoint where one was looked for.
    #[error("no assistant checkpoint at {}: {reason}", path.display())]
    NoCheckpoint {
        /// Directory (or directories, joined) searched.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// The language model failed (loading, a forward pass, tokenising, training).
    #[error("{what}: {source}")]
    Model {
        /// What was being done.
        what: String,
        /// The model crate's error.
        #[source]
        source: mcsd::error::Error,
    },
}
