//! Process-wide `tracing` set-up from `--log-level` and `RUST_LOG`.
//!
//! Level resolution, most specific last:
//! 1. `info` for everything, `warn` for the chatty DDS stack (`rustdds`, `ros2_client`) and
//!    whisper.cpp's load-time lines (`whisper_rs`);
//! 2. `RUST_LOG`, when set, replaces 1 entirely;
//! 3. `--log-level LEVEL` sets the default level (and the node's own logger, given as
//!    `--log-level <node name>:=LEVEL`, does the same, since there is one node per process);
//!    `--log-level target:=LEVEL` sets the level of a `tracing` target (e.g. `rustdds`).
//!
//! ROS `fatal` maps to `error`, as `tracing` has no fatal level.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;

use crate::ros_args::{LogLevelArg, RosArgs};

/// Output format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines on stderr.
    #[default]
    Text,
    /// One JSON object per line on stderr.
    Json,
}

/// Errors from logging set-up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// `RUST_LOG` or a `--log-level` logger does not form a valid filter.
    #[error("invalid log filter `{directive}`: {message}")]
    InvalidFilter {
        /// The offending directive.
        directive: String,
        /// The parser's message.
        message: String,
    },
}

/// Default filter when `RUST_LOG` is unset: RustDDS and ros2-client log routine discovery
/// at info, which would drown the node's own lines; RustDDS's UDP sender also warns about
/// every RTPS message over 1500 bytes it sends (fragmented by IP, delivered as usual).
const QUIET_DEFAULT: &str =
    "info,rustdds=warn,rustdds::network::udp_sender=error,ros2_client=warn,whisper_rs=warn";

/// whisper.cpp's own log lines, through whisper-rs's hook. Whatever fails there is also
/// returned to the recogniser, which logs it with context; and a cancelled early recognition
/// makes whisper.cpp log "failed to encode" although nothing failed.
const WHISPER_LOG_HOOK_OFF: &str = "whisper_rs::whisper_logging_hook=off";

/// `filter` with whisper.cpp's own log lines off, unless `rust_log` (the user's `RUST_LOG`)
/// names `whisper_rs`.
pub fn without_whisper_log_lines(filter: EnvFilter, rust_log: &str) -> EnvFilter {
    match WHISPER_LOG_HOOK_OFF.parse::<Directive>() {
        Ok(off) if !rust_log.contains("whisper_rs") => filter.add_directive(off),
        _ => filter,
    }
}

/// Builds the filter from `RUST_LOG` (passed in, not read here) and the command line.
///
/// # Errors
/// [`LoggingError::InvalidFilter`] naming the bad directive.
pub fn build_filter(
    rust_log: Option<&str>,
    log_levels: &[LogLevelArg],
    node_name: &str,
) -> Result<EnvFilter, LoggingError> {
    let base = rust_log
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(QUIET_DEFAULT);
    let mut filter = EnvFilter::builder()
        .parse(base)
        .map_err(|e| LoggingError::InvalidFilter {
            directive: base.to_owned(),
            message: e.to_string(),
        })?;
    filter = without_whisper_log_lines(filter, rust_log.unwrap_or_default());
    for setting in log_levels {
        let level = setting.level.as_tracing_directive();
        let directive_text = match setting.logger.as_deref() {
            None => level.to_owned(),
            Some(logger) if is_node_logger(logger, node_name) => level.to_owned(),
            Some(logger) => format!("{logger}={level}"),
        };
        let directive: Directive =
            directive_text
                .parse()
                .map_err(|e: tracing_subscriber::filter::ParseError| {
                    LoggingError::InvalidFilter {
                        directive: directive_text.clone(),
                        message: e.to_string(),
                    }
                })?;
        filter = filter.add_directive(directive);
    }
    Ok(filter)
}

/// ROS names a node's logger by its name, with namespaces dotted (`robot1.voice`).
fn is_node_logger(logger: &str, node_name: &str) -> bool {
    logger == node_name || logger.rsplit('.').next() == Some(node_name)
}

/// Installs the global subscriber once. Returns `false` (and changes nothing) when a global
/// subscriber was already installed, e.g. by an earlier call or a test harness.
///
/// # Errors
/// [`LoggingError::InvalidFilter`] for a bad `RUST_LOG` or `--log-level`.
pub fn init_logging(
    args: &RosArgs,
    node_name: &str,
    format: LogFormat,
) -> Result<bool, LoggingError> {
    // The one environment read of the crate: logging is the only global we allow.
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = build_filter(rust_log.as_deref(), &args.log_levels, node_name)?;
    // Colours only on a terminal: under a launcher the lines go to a pipe and then a log.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.try_init().is_ok(),
        LogFormat::Json => builder.json().try_init().is_ok(),
    };
    Ok(installed)
}

/// The `node{name}` span to enter at the process root, so every line names its node.
pub fn node_span(fully_qualified_name: &str) -> tracing::Span {
    tracing::info_span!("node", name = %fully_qualified_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter_text(rust_log: Option<&str>, argv: &[&str]) -> String {
        let args = RosArgs::parse(std::iter::once("p").chain(argv.iter().copied())).unwrap();
        build_filter(rust_log, &args.log_levels, "voice")
            .unwrap()
            .to_string()
    }

    #[test]
    fn default_filter_quiets_dds() {
        let text = filter_text(None, &[]);
        assert!(text.contains("rustdds=warn"), "{text}");
        assert!(text.contains("info"), "{text}");
    }

    #[test]
    fn log_level_arguments_add_directives() {
        let text = filter_text(
            None,
            &[
                "--ros-args",
                "--log-level",
                "debug",
                "--log-level",
                "rustdds:=error",
            ],
        );
        assert!(text.contains("debug"), "{text}");
        assert!(text.contains("rustdds=error"), "{text}");
        let text = filter_text(None, &["--ros-args", "--log-level", "robot1.voice:=fatal"]);
        assert!(text.contains("error"), "{text}");
        assert!(!text.contains("robot1"), "{text}");
    }

    #[test]
    fn rust_log_replaces_the_default() {
        let text = filter_text(Some("trace"), &[]);
        assert!(text.contains("trace"), "{text}");
        assert!(!text.contains("rustdds"), "{text}");
    }

    #[test]
    fn whisper_cpp_lines_are_off_unless_rust_log_names_them() {
        let text = filter_text(Some("warn"), &[]);
        assert!(
            text.contains("whisper_rs::whisper_logging_hook=off"),
            "{text}"
        );
        let text = filter_text(None, &[]);
        assert!(
            text.contains("whisper_rs::whisper_logging_hook=off"),
            "{text}"
        );
        let text = filter_text(Some("warn,whisper_rs=debug"), &[]);
        assert!(!text.contains("=off"), "{text}");
    }

    #[test]
    fn bad_rust_log_is_named() {
        let error = build_filter(Some("foo=notalevel"), &[], "voice").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid log filter `foo=notalevel`"),
            "{error}"
        );
    }
}
