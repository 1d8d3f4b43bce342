//! What planning produces (one [`ProcessPlan`] per process) and what it needs injected.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Where a process's output goes (`output=` of `<node>`/`<executable>`, launch's aliases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// `screen`: stdout and stderr to the terminal.
    Screen,
    /// `log` (the default): stdout to the launch log file, stderr to the log and the terminal.
    Log,
    /// `both`, `full`: both streams to the terminal and the log file.
    Both,
    /// `own_log`: both streams only to the log file.
    OwnLog,
}

impl OutputMode {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "screen" => Self::Screen,
            "log" => Self::Log,
            "both" | "full" => Self::Both,
            "own_log" => Self::OwnLog,
            _ => return None,
        })
    }
}

/// `respawn="true"`: restart the process when it exits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Respawn {
    /// Wait before restarting (`respawn_delay`).
    pub delay: Duration,
    /// Restarts allowed (`respawn_max_retries`); `None` is unlimited.
    pub max_retries: Option<u32>,
}

/// One process to start, with everything launch would pass to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessPlan {
    /// Output label as ros2 launch prints it: `<exec_name or basename of argv[0]>-<n>`.
    pub name: String,
    /// The argv, program first.
    pub cmd: Vec<String>,
    /// The complete environment of the process.
    pub env: BTreeMap<String, String>,
    /// Working directory (`cwd=`), if any.
    pub cwd: Option<PathBuf>,
    /// Where stdout and stderr go.
    pub output: OutputMode,
    /// Restart policy, if any.
    pub respawn: Option<Respawn>,
    /// `on_exit="shutdown"`: when this process ends, the whole launch shuts down.
    pub shutdown_on_exit: bool,
    /// After SIGINT, wait this long before SIGTERM.
    pub sigterm_timeout: Duration,
    /// After SIGTERM, wait this long before SIGKILL.
    pub sigkill_timeout: Duration,
}

/// The result of planning a launch file.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchPlan {
    /// Processes in the order launch would start them.
    pub processes: Vec<ProcessPlan>,
    /// The environment the plan started from (to show what each process changes).
    pub base_env: BTreeMap<String, String>,
}

impl LaunchPlan {
    /// Variables a process sets differently from the base environment, and those it removes.
    pub fn env_changes<'a>(
        &'a self,
        process: &'a ProcessPlan,
    ) -> (Vec<(&'a str, &'a str)>, Vec<&'a str>) {
        let set = process
            .env
            .iter()
            .filter(|(k, v)| self.base_env.get(*k) != Some(*v))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let unset = self
            .base_env
            .keys()
            .filter(|k| !process.env.contains_key(*k))
            .map(String::as_str)
            .collect();
        (set, unset)
    }
}

/// Writes the temporary parameter files launch_ros creates (`launch_params_XXXXXXXX`).
pub trait ParamsFileWriter {
    /// Stores `contents` and returns the path to pass to `--params-file`.
    ///
    /// # Errors
    /// The I/O error.
    fn write(&mut self, contents: &str) -> std::io::Result<PathBuf>;
}

/// Real temporary files in the system temp dir, kept after the launcher exits (as launch does).
#[derive(Debug, Clone, Default)]
pub struct TempParamsFiles {
    dir: Option<PathBuf>,
}

impl TempParamsFiles {
    /// Files in `dir` instead of the system temp dir.
    pub fn in_dir(dir: PathBuf) -> Self {
        Self { dir: Some(dir) }
    }
}

impl ParamsFileWriter for TempParamsFiles {
    fn write(&mut self, contents: &str) -> std::io::Result<PathBuf> {
        use std::io::Write as _;
        let dir = self.dir.clone().unwrap_or_else(std::env::temp_dir);
        let mut file = tempfile::Builder::new()
            .prefix("launch_params_")
            .rand_bytes(8)
            .tempfile_in(dir)?;
        file.write_all(contents.as_bytes())?;
        let (_, path) = file.keep().map_err(|e| e.error)?;
        Ok(path)
    }
}

/// What to launch and from where.
#[derive(Debug, Clone)]
pub struct LaunchRequest {
    /// The launch file.
    pub file: PathBuf,
    /// `name:=value` arguments from the command line, in order.
    pub arguments: Vec<(String, String)>,
    /// The launcher's environment (the base of every process's environment).
    pub environment: BTreeMap<String, String>,
    /// Directory relative paths are resolved against (the launcher's cwd).
    pub working_dir: PathBuf,
}

/// An argument declared by a launch file, for `--show-args`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredArgument {
    /// The name.
    pub name: String,
    /// The default as written (substitutions unexpanded), if any.
    pub default: Option<String>,
    /// The description launch shows (with the choices appended, as launch does).
    pub description: String,
    /// The allowed values, if restricted.
    pub choices: Option<Vec<String>>,
    /// Declared under an `if`/`unless`.
    pub conditional: bool,
}
