//! Where parameter values come from, and the errors that name them.

use std::fmt;
use std::path::PathBuf;

use super::value::ParamType;

/// Where a parameter value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamSource {
    /// The node's code default.
    Default,
    /// A parameters file, under a node key.
    File {
        /// The file.
        path: PathBuf,
        /// The node key it was under, normalized (`/robot1/voice`, `/**`).
        node_key: String,
        /// 1-based line of the parameter's name.
        line: usize,
    },
    /// A `-p` rule.
    CommandLine {
        /// The node target of the rule, if any (`-p voice:rate:=1`).
        node_key: Option<String>,
    },
}

impl ParamSource {
    /// Whether the value was addressed to every node (`/**`-like key or wildcard), so a node
    /// that has no such parameter ignores it, as ROS does.
    pub fn is_wildcard(&self) -> bool {
        match self {
            Self::File { node_key, .. } => node_key.contains('*'),
            Self::CommandLine { node_key } => node_key.as_deref().is_some_and(|k| k.contains('*')),
            Self::Default => false,
        }
    }
}

impl fmt::Display for ParamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("the code default"),
            Self::File {
                path,
                node_key,
                line,
            } => write!(f, "{}:{line} (under `{node_key}`)", path.display()),
            Self::CommandLine { node_key: None } => f.write_str("the command line (-p)"),
            Self::CommandLine {
                node_key: Some(key),
            } => write!(f, "the command line (-p {key}:...)"),
        }
    }
}

/// Errors from loading, declaring or deserializing parameters. Each names the file (or
/// command line), the key and what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    /// A parameters file could not be read.
    #[error("cannot read parameters file {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A parameters file is not valid YAML.
    #[error("{}:{line}:{column}: invalid YAML: {message}", path.display())]
    Yaml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A parameters file's structure is not rcl's (`node: ros__parameters: ...`).
    #[error("{}:{line}: at `{key}`: {reason}", path.display())]
    Structure {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Where in the file (node key and parameter path so far).
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A value that is not a parameter value (null, mixed array, nested array).
    #[error("parameter `{key}` in {source_desc}: {reason}")]
    InvalidValue {
        /// Parameter name.
        key: String,
        /// Where it was set.
        source_desc: ParamSource,
        /// What is wrong.
        reason: String,
    },
    /// A value whose type differs from the declared one.
    #[error("parameter `{key}` in {source_desc}: expected {expected}, found {found}")]
    WrongType {
        /// Parameter name.
        key: String,
        /// Where it was set.
        source_desc: ParamSource,
        /// The declared type.
        expected: ParamType,
        /// The type given.
        found: ParamType,
    },
    /// A parameter given for this node that it does not declare.
    #[error("parameter `{key}` in {source_desc} is not a parameter of this node")]
    Undeclared {
        /// Parameter name.
        key: String,
        /// Where it was set.
        source_desc: ParamSource,
    },
    /// A parameter without default that nothing set.
    #[error("parameter `{key}` is required: set it in a parameters file or with -p {key}:=VALUE")]
    Missing {
        /// Parameter name.
        key: String,
    },
    /// Two parameters that cannot both exist in the serde tree (`a` and `a.b`).
    #[error(
        "parameter `{key}` in {source_desc} conflicts with `{other}`: one is nested under the other"
    )]
    Conflict {
        /// Parameter name.
        key: String,
        /// Where it was set.
        source_desc: ParamSource,
        /// The parameter it collides with.
        other: String,
    },
    /// The serde route rejected a value (wrong type, bad enum, missing field).
    #[error("parameter `{key}` in {source_desc}: {message}")]
    Deserialize {
        /// Parameter name (dotted path; empty for the whole set).
        key: String,
        /// Where it was set (the code default when the key was not given).
        source_desc: ParamSource,
        /// serde's message.
        message: String,
    },
}
