//! The memory's errors.

use std::path::PathBuf;

/// Why a memory operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database directory could not be created.
    #[error("cannot create the memory directory {path}: {source}")]
    CreateDir {
        /// Directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file could not be opened or read.
    #[error("cannot open the memory database {path}: {source}")]
    Open {
        /// Database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file exists but is not an SQLite database; it was left untouched.
    #[error(
        "{path} is not a memory database ({detail}); it was left untouched: move it away or pass another path"
    )]
    NotADatabase {
        /// Database file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// SQLite's consistency check failed; the file was left untouched.
    #[error(
        "the memory database {path} is damaged ({detail}); it was left untouched: restore a backup or move it away"
    )]
    Corrupt {
        /// Database file.
        path: PathBuf,
        /// The first problems `PRAGMA quick_check` reported.
        detail: String,
    },
    /// The file was written by a newer version of this program.
    #[error(
        "the memory database {path} has schema version {found}, newer than the {supported} this program knows; use a newer build (the file was left untouched)"
    )]
    NewerSchema {
        /// Database file.
        path: PathBuf,
        /// `PRAGMA user_version` of the file.
        found: u32,
        /// The newest version this build can read.
        supported: u32,
    },
    /// Upgrading the schema failed; the file keeps its old version.
    #[error("cannot upgrade the memory database {path} to schema version {version}: {source}")]
    Migration {
        /// Database file.
        path: PathBuf,
        /// The version being applied.
        version: u32,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A query or write failed.
    #[error("memory {operation} failed: {source}")]
    Sql {
        /// What was being done, e.g. "remember".
        operation: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A fact, query or example given to the memory is invalid.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field, e.g. "fact.subject".
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// A closure mapping a SQLite error to [`Error::Sql`] for `operation`.
    pub(crate) fn sql(operation: &'static str) -> impl Fn(rusqlite::Error) -> Self {
        move |source| Self::Sql { operation, source }
    }
}
