//! The crate's error type: every variant names what failed and where (file, line, column).

use std::fmt;
use std::path::PathBuf;

/// A position in a launch file, as `file:line:column` (1-based, as roxmltree reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The launch file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Everything that can go wrong while reading, planning or running a launch file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The launch file (or an included one) could not be read.
    #[error("cannot read launch file {path}: {source}")]
    ReadLaunchFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The launch file is not well-formed XML.
    #[error("{path}: malformed XML: {message}")]
    MalformedXml {
        /// The file.
        path: PathBuf,
        /// roxmltree's message, with its position.
        message: String,
    },
    /// A tag that this launcher does not know or deliberately rejects.
    #[error("{at}: unsupported tag <{tag}>{hint}")]
    UnsupportedTag {
        /// Where the tag starts.
        at: Location,
        /// The tag name.
        tag: String,
        /// Extra advice (may be empty).
        hint: String,
    },
    /// An attribute that the tag does not accept here.
    #[error("{at}: unsupported attribute `{attribute}` on <{tag}> (accepted: {accepted})")]
    UnsupportedAttribute {
        /// Where the tag starts.
        at: Location,
        /// The tag name.
        tag: String,
        /// The attribute name.
        attribute: String,
        /// The attributes the tag accepts.
        accepted: String,
    },
    /// A required attribute is missing.
    #[error("{at}: <{tag}> needs the attribute `{attribute}`")]
    MissingAttribute {
        /// Where the tag starts.
        at: Location,
        /// The tag name.
        tag: String,
        /// The missing attribute.
        attribute: String,
    },
    /// An attribute or tag combination that launch rejects (e.g. `if` and `unless` together).
    #[error("{at}: {message}")]
    InvalidLaunchFile {
        /// Where the problem is.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// A `$(...)` expression that does not parse.
    #[error("{at}: malformed substitution in {text:?}: {message}")]
    MalformedSubstitution {
        /// The attribute's position (its tag).
        at: Location,
        /// The attribute text.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// A substitution this launcher does not implement (e.g. `eval`, `command`).
    #[error("{at}: unsupported substitution $({name} ...){hint}")]
    UnsupportedSubstitution {
        /// The attribute's position (its tag).
        at: Location,
        /// The substitution name.
        name: String,
        /// Extra advice (may be empty).
        hint: String,
    },
    /// A substitution failed while being performed (unset variable, unknown package, ...).
    #[error("{at}: {message}")]
    SubstitutionFailed {
        /// The attribute's position (its tag).
        at: Location,
        /// What failed.
        message: String,
    },
    /// Launch arguments without default that nobody provided.
    #[error("{at}: missing required launch argument(s): {}", describe_missing(.missing))]
    MissingArguments {
        /// The launch file (or the include that lacks them).
        at: Location,
        /// `(name, description)` of each missing argument.
        missing: Vec<(String, String)>,
    },
    /// A launch argument's value is not one of its declared choices.
    #[error("{at}: argument `{name}` has value {value:?}, which is not one of {choices:?}")]
    InvalidChoice {
        /// The `<arg>` tag.
        at: Location,
        /// The argument.
        name: String,
        /// The value given.
        value: String,
        /// The allowed values.
        choices: Vec<String>,
    },
    /// An `if`/`unless` expression that is not true/false/1/0.
    #[error(
        "{at}: condition {expression:?} evaluated to {value:?}; valid values are true, 1, false, 0 (case-insensitive)"
    )]
    InvalidCondition {
        /// The tag carrying the condition.
        at: Location,
        /// The condition as written.
        expression: String,
        /// What it evaluated to.
        value: String,
    },
    /// A parameter value or type that ROS 2 cannot hold.
    #[error("{at}: parameter `{name}`: {message}")]
    InvalidParameter {
        /// The `<param>` tag.
        at: Location,
        /// The parameter name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter file named by `<param from=...>` is missing or unreadable.
    #[error("{at}: parameter file {path}: {message}")]
    ParameterFile {
        /// The `<param>` tag.
        at: Location,
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A node name or namespace that ROS 2 rejects.
    #[error("{at}: invalid {what} {value:?}: {message}")]
    InvalidName {
        /// The `<node>` or `<push_ros_namespace>` tag.
        at: Location,
        /// "node name" or "namespace".
        what: &'static str,
        /// The offending value.
        value: String,
        /// Why it is invalid.
        message: String,
    },
    /// A package or one of its executables cannot be found.
    #[error("{at}: {message}")]
    PackageNotFound {
        /// The tag or substitution that needed it.
        at: Location,
        /// What was searched and where.
        message: String,
    },
    /// The temporary parameters file could not be written.
    #[error("{at}: cannot write temporary parameters file: {source}")]
    WriteParamsFile {
        /// The `<node>` tag.
        at: Location,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The launch log file could not be created or written.
    #[error("cannot write launch log {path}: {source}")]
    LogFile {
        /// The log file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Waiting for signals or children failed.
    #[error("process supervision failed: {source}")]
    Supervise {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn describe_missing(missing: &[(String, String)]) -> String {
    missing
        .iter()
        .map(|(name, description)| format!("`{name}` ({description})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
