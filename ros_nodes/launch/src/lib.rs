//! Runs ROS 2 XML launch files without ROS.
//!
//! The same `launch/*.launch.xml` drives `ros2 launch` and this launcher: [`plan`] reads the
//! file (arg, let, group, push_ros_namespace, include, node, executable, set_env, unset_env,
//! `if`/`unless`; substitutions var, env, find-pkg-share, find-pkg-prefix, dirname, filename)
//! and builds each process's argv exactly as `launch_ros` does, including the temporary
//! `--params-file` YAML for inline `<param>`s. [`run`] starts the processes, prefixes their
//! output with `[name]` and forwards Ctrl-C. Anything it does not implement (e.g. `$(eval)`)
//! is an error naming file, line and column, never silently ignored.
//!
//! ```no_run
//! use embodied_launch::{AmentResolver, LaunchRequest, TempParamsFiles};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let request = LaunchRequest {
//!     file: "launch/assistant.launch.xml".into(),
//!     arguments: vec![("robot_ns".into(), "robot1".into())],
//!     environment: std::env::vars().collect(),
//!     working_dir: std::env::current_dir()?,
//! };
//! let resolver = AmentResolver::from_prefix_path(&std::env::var("AMENT_PREFIX_PATH")?);
//! let plan = embodied_launch::plan(&request, &resolver, &mut TempParamsFiles::default())?;
//! for process in &plan.processes {
//!     println!("{}: {:?}", process.name, process.cmd);
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod cmdline;
mod description;
mod error;
mod namespace;
mod params;
mod plan;
mod planner;
mod resolver;
mod runner;
mod substitution;
mod yaml;

pub use error::{Error, Location, Result};
pub use plan::{
    DeclaredArgument, LaunchPlan, LaunchRequest, OutputMode, ParamsFileWriter, ProcessPlan,
    Respawn, TempParamsFiles,
};
pub use planner::{declared_arguments, plan};
pub use resolver::{AmentResolver, PackageResolver, WorkspacePackage, find_workspace_root};
pub use runner::{
    ExitOutcome, OutputSinks, ProcessExit, RunReport, interrupt_or_terminate, never, run,
};
pub use yaml::ParamValue;

/// Parses `name:=value` launch arguments (as `ros2 launch` takes them).
///
/// # Errors
/// The offending word, when it lacks `:=` or has an empty name.
pub fn parse_launch_argument(word: &str) -> std::result::Result<(String, String), String> {
    match word.split_once(":=") {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("launch arguments are name:=value, got {word:?}")),
    }
}
