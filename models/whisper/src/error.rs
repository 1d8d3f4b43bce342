//! The crate's one error type: every variant names the file, URL or tensor it is about.

use std::path::PathBuf;

/// Why provisioning a whisper model failed.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// No cache directory: neither `EMBODIED_CACHE_DIR` nor `HOME` is set.
    #[error("no cache directory: set EMBODIED_CACHE_DIR or HOME")]
    NoCacheDir,
    /// A file or directory could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("create", "read", "write", "rename").
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// An HTTP request failed (DNS, TLS, connection, status code, interrupted body).
    #[error("download {url}: {source}")]
    Network {
        /// The URL requested.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: Box<ureq::Error>,
    },
    /// PyPI's answer did not describe the expected package release.
    #[error("PyPI metadata of {package} {version}: {reason}")]
    PackageMetadata {
        /// The PyPI project name.
        package: String,
        /// The release version.
        version: String,
        /// What was wrong.
        reason: String,
    },
    /// A file's SHA-256 is not the expected one.
    #[error("SHA-256 mismatch for {path}: expected {expected}, got {actual}")]
    HashMismatch {
        /// The file checked.
        path: PathBuf,
        /// The pinned or published digest (hex).
        expected: String,
        /// The digest of the file (hex).
        actual: String,
    },
    /// A wheel is not a readable zip archive or lacks a member the model needs.
    #[error("corrupt wheel {path}: {reason}")]
    CorruptWheel {
        /// The wheel file.
        path: PathBuf,
        /// What was wrong (missing member, bad zip structure).
        reason: String,
    },
    /// The CTranslate2 `model.bin` ended before `what` was complete.
    #[error(
        "truncated model.bin: {what} needs {needed} bytes at offset {offset}, {available} left"
    )]
    TruncatedModel {
        /// The field or variable being read.
        what: String,
        /// Where it starts in the file.
        offset: usize,
        /// Bytes needed.
        needed: usize,
        /// Bytes left in the file.
        available: usize,
    },
    /// The CTranslate2 `model.bin` is structurally wrong (version, names, sizes, dtypes).
    #[error("invalid model.bin: {reason}")]
    InvalidModel {
        /// What was wrong, naming the variable where there is one.
        reason: String,
    },
    /// A CTranslate2 variable has no whisper.cpp counterpart.
    #[error("unknown tensor {name} in model.bin: no whisper.cpp counterpart")]
    UnknownTensor {
        /// The CTranslate2 variable name.
        name: String,
    },
    /// A tensor whisper.cpp needs is missing or has the wrong shape.
    #[error("tensor {name}: {reason}")]
    BadTensor {
        /// The CTranslate2 variable name.
        name: String,
        /// What was wrong.
        reason: String,
    },
    /// `vocabulary.txt` is not a byte-level BPE vocabulary.
    #[error("vocabulary.txt line {line}: {reason}")]
    BadVocabulary {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        reason: String,
    },
}

impl ProvisionError {
    /// An [`ProvisionError::Io`] builder for `map_err`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
