//! `--ros-args` command-line parsing and ROS 2 name resolution.
//!
//! ros2-client parses none of the ROS command line, so this module follows
//! `ros2_documentation` "Node-arguments" and rcl's `arguments.c`/`remap.c`:
//!
//! * everything between `--ros-args` and `--` (or the end) belongs to ROS; there may be several
//!   such blocks, the rest are user arguments;
//! * `-r/--remap [node:]from:=to` with the special `__node` and `__ns` rules;
//! * `-p/--param [node:]name:=yaml_value`, `--params-file FILE`;
//! * `--log-level [logger:=]LEVEL`;
//! * `-e/--enclave NAME` and the rosout/stdout logging flags are accepted and ignored.
//!
//! Node-targeted rules (`talker:chatter:=/x`) match the node's name as given in code, as in rcl.
//! Node name and namespace remaps are applied before topic remaps, and topic remaps are
//! expanded against the remapped node name and namespace.

use std::path::PathBuf;

use tracing::debug;

use crate::names::{validate_namespace, validate_node_name, validate_topic_name};
use crate::params::ParamValue;

/// Errors from parsing the ROS command line or resolving a name.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RosArgsError {
    /// A flag that needs a value was the last argument of its `--ros-args` block.
    #[error("ROS argument `{flag}` needs a value after it")]
    MissingValue {
        /// The flag, e.g. `-r`.
        flag: String,
    },
    /// A remap rule without `:=` or with an empty side.
    #[error("invalid remap rule `{rule}` (argument {index}): {reason}")]
    InvalidRemap {
        /// The rule as written.
        rule: String,
        /// Position in argv (0 is the program).
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A `-p` rule without `:=`, or a value that is not a parameter value.
    #[error("invalid parameter rule `{rule}` (argument {index}): {reason}")]
    InvalidParam {
        /// The rule as written.
        rule: String,
        /// Position in argv.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A `--log-level` value that is not a ROS log level.
    #[error(
        "invalid log level `{value}` (argument {index}): expected debug, info, warn, error or fatal"
    )]
    InvalidLogLevel {
        /// The value as written.
        value: String,
        /// Position in argv.
        index: usize,
    },
    /// An argument inside `--ros-args` that ROS does not define.
    #[error("unknown ROS argument `{arg}` (argument {index})")]
    UnknownArgument {
        /// The argument as written.
        arg: String,
        /// Position in argv.
        index: usize,
    },
    /// A node name, namespace or topic name breaking the ROS 2 naming rules.
    #[error("invalid {kind} `{name}`: {reason}")]
    InvalidName {
        /// "node name", "namespace" or "topic name".
        kind: &'static str,
        /// The offending name.
        name: String,
        /// Which rule it breaks.
        reason: String,
    },
}

/// A `-r from:=to` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    /// Only applies to the node with this (code-given) name, when set.
    pub node: Option<String>,
    /// Name to match, possibly relative (expanded against the node before matching).
    pub from: String,
    /// Replacement, possibly relative.
    pub to: String,
}

/// A `-p name:=value` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamOverride {
    /// Only applies to the node with this name, when set (`-p node:name:=value`).
    pub node: Option<String>,
    /// Parameter name (dotted for nested parameters).
    pub name: String,
    /// The value, parsed with YAML rules.
    pub value: ParamValue,
}

/// ROS log severity, as accepted by `--log-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RosLogLevel {
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `warn`
    Warn,
    /// `error`
    Error,
    /// `fatal` (tracing has no fatal level; it maps to error).
    Fatal,
}

impl RosLogLevel {
    /// Parses a ROS level name, case-insensitively (`DEBUG`, `info`, `Warn`, ...).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "debug" => Some(Self::Debug),
            "info" => Some(Self::Info),
            "warn" | "warning" => Some(Self::Warn),
            "error" => Some(Self::Error),
            "fatal" => Some(Self::Fatal),
            _ => None,
        }
    }

    /// The matching `tracing` filter directive word.
    pub fn as_tracing_directive(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error | Self::Fatal => "error",
        }
    }
}

/// A `--log-level` setting, for every logger or for one named logger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLevelArg {
    /// Logger name (`--log-level talker:=debug`); `None` sets the default level.
    pub logger: Option<String>,
    /// The level.
    pub level: RosLogLevel,
}

/// The parsed command line of a node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RosArgs {
    /// Program name (`argv[0]`), if there was one.
    pub program: Option<String>,
    /// Arguments outside every `--ros-args` block, without the program name.
    pub user_args: Vec<String>,
    /// All remap rules in command-line order, including `__node` and `__ns` rules.
    pub remaps: Vec<Remap>,
    /// `--params-file` files, in command-line order.
    pub params_files: Vec<PathBuf>,
    /// `-p` rules, in command-line order.
    pub param_overrides: Vec<ParamOverride>,
    /// `--log-level` settings, in command-line order.
    pub log_levels: Vec<LogLevelArg>,
    /// `-e/--enclave` value (security enclaves are not supported; kept for diagnostics).
    pub enclave: Option<String>,
}

/// Flags rcl accepts without a value that only configure rcl's own log sinks.
const IGNORED_FLAGS: &[&str] = &[
    "--enable-rosout-logs",
    "--disable-rosout-logs",
    "--enable-stdout-logs",
    "--disable-stdout-logs",
    "--enable-external-lib-logs",
    "--disable-external-lib-logs",
];

/// Flags rcl accepts with one value that configure rcl's own log files.
const IGNORED_VALUE_FLAGS: &[&str] = &["--log-config-file", "--log-file-name"];

impl RosArgs {
    /// Parses a full argv (program name first), e.g. `std::env::args()`.
    ///
    /// # Errors
    /// [`RosArgsError`] naming the offending argument and its position.
    pub fn parse<I, S>(argv: I) -> Result<Self, RosArgsError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let argv: Vec<String> = argv.into_iter().map(Into::into).collect();
        let mut parsed = RosArgs {
            program: argv.first().cloned(),
            ..RosArgs::default()
        };
        let mut index = 1;
        let mut in_ros_block = false;
        while index < argv.len() {
            let arg = argv[index].as_str();
            if !in_ros_block {
                if arg == "--ros-args" {
                    in_ros_block = true;
                } else {
                    parsed.user_args.push(arg.to_owned());
                }
                index += 1;
                continue;
            }
            // Inside a --ros-args block.
            match arg {
                "--" => in_ros_block = false,
                "--ros-args" => {}
                "-r" | "--remap" => {
                    let rule = value_after(&argv, index)?;
                    parsed.remaps.push(parse_remap(rule, index + 1)?);
                    index += 1;
                }
                "-p" | "--param" => {
                    let rule = value_after(&argv, index)?;
                    parsed.param_overrides.push(parse_param(rule, index + 1)?);
                    index += 1;
                }
                "--params-file" => {
                    let file = value_after(&argv, index)?;
                    parsed.params_files.push(PathBuf::from(file));
                    index += 1;
                }
                "--log-level" => {
                    let value = value_after(&argv, index)?;
                    parsed.log_levels.push(parse_log_level(value, index + 1)?);
                    index += 1;
                }
                "-e" | "--enclave" => {
                    let enclave = value_after(&argv, index)?;
                    debug!(
                        enclave,
                        "ROS security enclaves are not supported; ignoring --enclave"
                    );
                    parsed.enclave = Some(enclave.to_owned());
                    index += 1;
                }
                flag if IGNORED_FLAGS.contains(&flag) => {
                    debug!(flag, "ignoring rcl logging flag");
                }
                flag if IGNORED_VALUE_FLAGS.contains(&flag) => {
                    let value = value_after(&argv, index)?;
                    debug!(flag, value, "ignoring rcl logging flag");
                    index += 1;
                }
                other => {
                    return Err(RosArgsError::UnknownArgument {
                        arg: other.to_owned(),
                        index,
                    });
                }
            }
            index += 1;
        }
        Ok(parsed)
    }

    /// The node name after `__node` remaps that apply to a node called `code_name` in code.
    /// The last matching rule wins, as in rcl.
    ///
    /// # Errors
    /// [`RosArgsError::InvalidName`] when the result is not a valid node name.
    pub fn resolve_node_name(&self, code_name: &str) -> Result<String, RosArgsError> {
        let name = self
            .special_rule(code_name, "__node")
            .unwrap_or(code_name)
            .to_owned();
        validate_node_name(&name)?;
        Ok(name)
    }

    /// The node namespace after `__ns` remaps, made absolute (`robot1` becomes `/robot1`).
    ///
    /// # Errors
    /// [`RosArgsError::InvalidName`] when the result is not a valid namespace.
    pub fn resolve_namespace(
        &self,
        code_name: &str,
        code_namespace: &str,
    ) -> Result<String, RosArgsError> {
        let namespace = self
            .special_rule(code_name, "__ns")
            .unwrap_or(code_namespace);
        let namespace = if namespace.starts_with('/') {
            namespace.to_owned()
        } else {
            format!("/{namespace}")
        };
        validate_namespace(&namespace)?;
        Ok(namespace)
    }

    /// The `to` of the last `__node`/`__ns` rule that applies to `code_name`.
    fn special_rule(&self, code_name: &str, from: &str) -> Option<&str> {
        self.remaps
            .iter()
            .rev()
            .find(|rule| rule.from == from && rule.applies_to(code_name))
            .map(|rule| rule.to.as_str())
    }

    /// Topic remaps (everything but `__node`/`__ns`) that apply to `code_name`, in order.
    pub fn topic_remaps<'a>(&'a self, code_name: &'a str) -> impl Iterator<Item = &'a Remap> + 'a {
        self.remaps.iter().filter(move |rule| {
            rule.from != "__node" && rule.from != "__ns" && rule.applies_to(code_name)
        })
    }

    /// Default log level from `--log-level LEVEL` (the last one wins).
    pub fn default_log_level(&self) -> Option<RosLogLevel> {
        self.log_levels
            .iter()
            .rev()
            .find(|setting| setting.logger.is_none())
            .map(|setting| setting.level)
    }
}

impl Remap {
    fn applies_to(&self, code_name: &str) -> bool {
        self.node.as_deref().is_none_or(|node| node == code_name)
    }
}

fn value_after(argv: &[String], index: usize) -> Result<&str, RosArgsError> {
    match argv.get(index + 1) {
        Some(value) if value != "--" && value != "--ros-args" => Ok(value),
        _ => Err(RosArgsError::MissingValue {
            flag: argv[index].clone(),
        }),
    }
}

/// Splits `[node:]lhs:=rhs`. The node prefix is whatever precedes the first `:` of the
/// left-hand side; ROS names contain no `:` themselves.
fn split_rule(rule: &str) -> Option<(Option<&str>, &str, &str)> {
    let (lhs, rhs) = rule.split_once(":=")?;
    match lhs.split_once(':') {
        Some((node, name)) => Some((Some(node), name, rhs)),
        None => Some((None, lhs, rhs)),
    }
}

fn parse_remap(rule: &str, index: usize) -> Result<Remap, RosArgsError> {
    let invalid = |reason: &str| RosArgsError::InvalidRemap {
        rule: rule.to_owned(),
        index,
        reason: reason.to_owned(),
    };
    let (node, from, to) = split_rule(rule).ok_or_else(|| invalid("expected `from:=to`"))?;
    if from.is_empty() || to.is_empty() {
        return Err(invalid("both sides of `:=` must be non-empty"));
    }
    if let Some(node) = node {
        validate_node_name(node).map_err(|e| invalid(&e.to_string()))?;
    }
    match from {
        "__node" | "__name" => {
            validate_node_name(to).map_err(|e| invalid(&e.to_string()))?;
        }
        "__ns" => {
            let absolute = if to.starts_with('/') {
                to.to_owned()
            } else {
                format!("/{to}")
            };
            validate_namespace(&absolute).map_err(|e| invalid(&e.to_string()))?;
        }
        _ => {
            validate_topic_name(from).map_err(|e| invalid(&e.to_string()))?;
            validate_topic_name(to).map_err(|e| invalid(&e.to_string()))?;
        }
    }
    Ok(Remap {
        node: node.map(str::to_owned),
        // `__name` is the rcl spelling still accepted for `__node`.
        from: if from == "__name" { "__node" } else { from }.to_owned(),
        to: to.to_owned(),
    })
}

fn parse_param(rule: &str, index: usize) -> Result<ParamOverride, RosArgsError> {
    let invalid = |reason: String| RosArgsError::InvalidParam {
        rule: rule.to_owned(),
        index,
        reason,
    };
    let (node, name, value) =
        split_rule(rule).ok_or_else(|| invalid("expected `name:=value`".to_owned()))?;
    if name.is_empty() {
        return Err(invalid("the parameter name is empty".to_owned()));
    }
    let value = ParamValue::from_yaml_text(value).map_err(invalid)?;
    Ok(ParamOverride {
        node: node.map(str::to_owned),
        name: name.to_owned(),
        value,
    })
}

fn parse_log_level(value: &str, index: usize) -> Result<LogLevelArg, RosArgsError> {
    let (logger, level_text) = match value.split_once(":=") {
        Some((logger, level)) => (Some(logger.to_owned()), level),
        None => (None, value),
    };
    let level = RosLogLevel::parse(level_text).ok_or_else(|| RosArgsError::InvalidLogLevel {
        value: value.to_owned(),
        index,
    })?;
    Ok(LogLevelArg { logger, level })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::NodeNaming;

    fn parse(args: &[&str]) -> Result<RosArgs, RosArgsError> {
        RosArgs::parse(std::iter::once("prog").chain(args.iter().copied()))
    }

    #[test]
    fn splits_user_args_from_ros_blocks() {
        let args = parse(&[
            "--foo",
            "1",
            "--ros-args",
            "-r",
            "__node:=voice",
            "--",
            "bar",
            "--ros-args",
            "--log-level",
            "debug",
        ])
        .unwrap();
        assert_eq!(args.program.as_deref(), Some("prog"));
        assert_eq!(args.user_args, ["--foo", "1", "bar"]);
        assert_eq!(args.remaps.len(), 1);
        assert_eq!(args.default_log_level(), Some(RosLogLevel::Debug));
    }

    #[test]
    fn launch_ros_command_line_is_understood() {
        // The exact form launch_ros builds (ros2.md §4.2).
        let args = parse(&[
            "--ros-args",
            "-r",
            "__node:=voice",
            "-r",
            "__ns:=/robot1",
            "-p",
            "use_sim_time:=true",
            "--params-file",
            "/tmp/launch_params_x",
            "--params-file",
            "/a/voice.yaml",
            "-r",
            "audio:=mic/audio",
        ])
        .unwrap();
        assert!(args.user_args.is_empty());
        assert_eq!(
            args.params_files,
            [
                PathBuf::from("/tmp/launch_params_x"),
                PathBuf::from("/a/voice.yaml")
            ]
        );
        assert_eq!(args.param_overrides[0].value, ParamValue::Bool(true));
        let naming = NodeNaming::new(&args, "voice_node", "/").unwrap();
        assert_eq!(naming.fully_qualified_name(), "/robot1/voice");
        assert_eq!(naming.resolve_topic("audio").unwrap(), "/robot1/mic/audio");
        assert_eq!(naming.resolve_topic("/audio").unwrap(), "/audio");
        assert_eq!(
            naming.resolve_topic("~/state").unwrap(),
            "/robot1/voice/state"
        );
    }

    #[test]
    fn node_targeted_rules_match_the_code_name() {
        let args = parse(&[
            "--ros-args",
            "-r",
            "talker:__node:=speaker",
            "-r",
            "listener:__node:=ear",
            "-r",
            "talker:chatter:=/loud",
            "-r",
            "chatter:=/quiet",
        ])
        .unwrap();
        let talker = NodeNaming::new(&args, "talker", "/").unwrap();
        assert_eq!(talker.name, "speaker");
        assert_eq!(talker.resolve_topic("chatter").unwrap(), "/loud");
        let other = NodeNaming::new(&args, "other", "/").unwrap();
        assert_eq!(other.name, "other");
        assert_eq!(other.resolve_topic("chatter").unwrap(), "/quiet");
    }

    #[test]
    fn remaps_expand_against_the_remapped_namespace() {
        let args = parse(&[
            "--ros-args",
            "-r",
            "__ns:=robot2",
            "-r",
            "/robot2/cmd:=base/cmd_vel",
        ])
        .unwrap();
        let naming = NodeNaming::new(&args, "planner", "/ignored").unwrap();
        assert_eq!(naming.namespace, "/robot2");
        assert_eq!(naming.resolve_topic("cmd").unwrap(), "/robot2/base/cmd_vel");
        assert_eq!(
            naming.resolve_topic("{node}/goal").unwrap(),
            "/robot2/planner/goal"
        );
    }

    #[test]
    fn first_matching_topic_remap_wins_last_node_rule_wins() {
        let args = parse(&[
            "--ros-args",
            "-r",
            "a:=/first",
            "-r",
            "a:=/second",
            "-r",
            "__node:=x",
            "-r",
            "__node:=y",
        ])
        .unwrap();
        let naming = NodeNaming::new(&args, "n", "/").unwrap();
        assert_eq!(naming.resolve_topic("a").unwrap(), "/first");
        assert_eq!(naming.name, "y");
    }

    #[test]
    fn log_levels_parse_with_and_without_logger() {
        let args = parse(&[
            "--ros-args",
            "--log-level",
            "WARN",
            "--log-level",
            "voice:=debug",
            "--log-level",
            "fatal",
        ])
        .unwrap();
        assert_eq!(
            args.log_levels[1],
            LogLevelArg {
                logger: Some("voice".into()),
                level: RosLogLevel::Debug
            }
        );
        assert_eq!(args.default_log_level(), Some(RosLogLevel::Fatal));
        assert_eq!(RosLogLevel::Fatal.as_tracing_directive(), "error");
    }

    #[test]
    fn ignored_flags_are_accepted() {
        let args = parse(&[
            "--ros-args",
            "-e",
            "/enc",
            "--disable-rosout-logs",
            "--log-file-name",
            "x",
        ])
        .unwrap();
        assert_eq!(args.enclave.as_deref(), Some("/enc"));
    }

    #[test]
    fn bad_arguments_are_named() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["--ros-args", "-r"],
                "ROS argument `-r` needs a value after it",
            ),
            (
                &["--ros-args", "-p", "--"],
                "ROS argument `-p` needs a value after it",
            ),
            (
                &["--ros-args", "-r", "chatter"],
                "invalid remap rule `chatter` (argument 3): expected `from:=to`",
            ),
            (
                &["--ros-args", "-r", "a:="],
                "invalid remap rule `a:=` (argument 3): both sides of `:=` must be non-empty",
            ),
            (
                &["--ros-args", "-r", "__node:=9lives"],
                "invalid remap rule `__node:=9lives` (argument 3): invalid node name `9lives`: must not start with a digit",
            ),
            (
                &["--ros-args", "-r", "a//b:=c"],
                "invalid remap rule `a//b:=c` (argument 3): invalid topic name `a//b`: must not contain `//`",
            ),
            (
                &["--ros-args", "--log-level", "loud"],
                "invalid log level `loud` (argument 3): expected debug, info, warn, error or fatal",
            ),
            (
                &["--ros-args", "--frobnicate"],
                "unknown ROS argument `--frobnicate` (argument 2)",
            ),
            (
                &["--ros-args", "-p", "rate"],
                "invalid parameter rule `rate` (argument 3): expected `name:=value`",
            ),
            (
                &["--ros-args", "-p", "ids:=[1, 2.5]"],
                "invalid parameter rule `ids:=[1, 2.5]` (argument 3): mixed types in an array (integer, then double); arrays must be homogeneous",
            ),
        ];
        for (argv, expected) in cases {
            let error = parse(argv).unwrap_err();
            assert_eq!(error.to_string(), *expected, "argv {argv:?}");
        }
    }
}
