//! `embodied launch [PACKAGE] FILE [name:=value ...] [--dry-run] [--show-args]`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use embodied_launch::{
    AmentResolver, ExitOutcome, LaunchPlan, LaunchRequest, OutputSinks, PackageResolver,
    TempParamsFiles, WorkspacePackage,
};

use super::{Failure, WithExitCode as _};
use crate::exit_codes;

/// Our own ament package, found in the cargo workspace when it is not installed.
const WORKSPACE_PACKAGE: &str = "embodied_assistant";

/// Arguments of `embodied launch`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  embodied launch launch/assistant.launch.xml robot_ns:=robot1\n  \
                  embodied launch embodied_assistant assistant.launch.xml --dry-run"
)]
pub struct LaunchArgs {
    /// A launch file, or a package name followed by a launch file in its share directory,
    /// then `name:=value` launch arguments.
    #[arg(required = true, num_args = 1.., value_name = "[PACKAGE] FILE [name:=value]")]
    words: Vec<String>,
    /// Print the command line of every process (shell-quoted, with environment changes) and exit.
    #[arg(long)]
    dry_run: bool,
    /// List the launch file's arguments with defaults and descriptions, then exit.
    #[arg(short = 's', long)]
    show_args: bool,
}

/// Runs the subcommand.
pub fn run(args: LaunchArgs) -> Result<u8, Failure> {
    let working_dir = std::env::current_dir().exit_code(exit_codes::CONFIG)?;
    let environment: BTreeMap<String, String> = std::env::vars().collect();
    let (file, arguments) = split_words(&args.words, &working_dir, &environment)?;
    let resolver = resolver(&file, &working_dir, &environment);

    if args.show_args {
        let declared = embodied_launch::declared_arguments(&file, &working_dir)
            .exit_code(exit_codes::CONFIG)?;
        print_arguments(&declared).exit_code(exit_codes::FAILURE)?;
        return Ok(exit_codes::OK);
    }

    let request = LaunchRequest {
        file,
        arguments,
        environment,
        working_dir,
    };
    let plan = embodied_launch::plan(&request, &resolver, &mut TempParamsFiles::default())
        .exit_code(exit_codes::CONFIG)?;
    if args.dry_run {
        print_dry_run(&plan).exit_code(exit_codes::FAILURE)?;
        return Ok(exit_codes::OK);
    }
    launch(&plan, &request.environment)
}

/// `[PACKAGE] FILE name:=value ...` → the launch file and the arguments.
fn split_words(
    words: &[String],
    working_dir: &Path,
    environment: &BTreeMap<String, String>,
) -> Result<(PathBuf, Vec<(String, String)>), Failure> {
    let (first, rest) = words
        .split_first()
        .ok_or_else(|| config(anyhow!("missing launch file")))?;
    let package_form = !working_dir.join(first).is_file()
        && rest.first().is_some_and(|second| !second.contains(":="));
    let (file, rest) = if package_form {
        let file_name = &rest[0];
        let resolver = resolver(Path::new(first), working_dir, environment);
        let share = resolver.share(first).map_err(|e| config(anyhow!(e)))?;
        let found = find_file(&share, file_name).ok_or_else(|| {
            config(anyhow!(
                "launch file '{file_name}' not found in package '{first}' ({})",
                share.display()
            ))
        })?;
        (found, &rest[1..])
    } else {
        (PathBuf::from(first), rest)
    };
    let arguments = rest
        .iter()
        .map(|word| embodied_launch::parse_launch_argument(word).map_err(|e| config(anyhow!(e))))
        .collect::<Result<_, _>>()?;
    Ok((file, arguments))
}

fn config(error: anyhow::Error) -> Failure {
    Failure {
        code: exit_codes::CONFIG,
        error,
    }
}

/// `ros2 launch PACKAGE FILE` searches the package's share directory for the file name.
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let direct = [dir.join(name), dir.join("launch").join(name)];
    if let Some(found) = direct.into_iter().find(|p| p.is_file()) {
        return Some(found);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir()
                && path
                    .file_name()
                    .is_some_and(|n| n != "target" && n != ".git")
            {
                pending.push(path);
            } else if path.file_name().is_some_and(|n| n == name) {
                return Some(path);
            }
        }
    }
    None
}

/// AMENT_PREFIX_PATH first, then this repository as `embodied_assistant`.
fn resolver(
    file: &Path,
    working_dir: &Path,
    environment: &BTreeMap<String, String>,
) -> AmentResolver {
    let mut resolver = AmentResolver::from_prefix_path(
        environment
            .get("AMENT_PREFIX_PATH")
            .map(String::as_str)
            .unwrap_or_default(),
    );
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let starts = [
        Some(working_dir.join(file)),
        exe_dir.clone(),
        Some(working_dir.to_path_buf()),
    ];
    let root = starts
        .iter()
        .flatten()
        .find_map(|start| embodied_launch::find_workspace_root(start));
    if let Some(root) = root {
        let mut bin_dirs: Vec<PathBuf> = exe_dir.into_iter().collect();
        if let Some(target) = environment.get("CARGO_TARGET_DIR") {
            let target = root.join(target);
            bin_dirs.extend([target.join("release"), target.join("debug")]);
        }
        bin_dirs.extend([root.join("target/release"), root.join("target/debug")]);
        resolver = resolver.with_workspace_package(WorkspacePackage {
            name: WORKSPACE_PACKAGE.into(),
            share_dir: root,
            bin_dirs,
        });
    }
    resolver
}

fn print_arguments(declared: &[embodied_launch::DeclaredArgument]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if declared.is_empty() {
        return writeln!(out, "No arguments.");
    }
    writeln!(out, "Arguments (pass arguments as '<name>:=<value>'):")?;
    for arg in declared {
        writeln!(out, "\n    '{}':", arg.name)?;
        writeln!(out, "        {}", arg.description)?;
        match &arg.default {
            Some(default) => writeln!(out, "        (default: '{default}')")?,
            None if arg.conditional => {
                writeln!(out, "        (required when its condition holds)")?
            }
            None => writeln!(out, "        (required)")?,
        }
    }
    Ok(())
}

/// Python's `shlex.quote`.
fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\"'\"'"))
    }
}

fn print_dry_run(plan: &LaunchPlan) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for process in &plan.processes {
        let mut line = Vec::new();
        if let Some(cwd) = &process.cwd {
            line.push(format!("cd {} &&", shell_quote(&cwd.display().to_string())));
        }
        let (set, unset) = plan.env_changes(process);
        if !unset.is_empty() {
            line.push("env".into());
            line.extend(unset.iter().map(|name| format!("-u {}", shell_quote(name))));
        }
        line.extend(set.iter().map(|(k, v)| format!("{k}={}", shell_quote(v))));
        line.extend(process.cmd.iter().map(|w| shell_quote(w)));
        writeln!(out, "{}", line.join(" "))?;
    }
    Ok(())
}

/// `$ROS_LOG_DIR`, else `$ROS_HOME/log`, else `~/.ros/log` (as ROS 2), one directory per run.
fn log_file(environment: &BTreeMap<String, String>) -> Option<PathBuf> {
    let base = environment
        .get("ROS_LOG_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            environment
                .get("ROS_HOME")
                .map(|h| Path::new(h).join("log"))
        })
        .or_else(|| {
            environment
                .get("HOME")
                .map(|h| Path::new(h).join(".ros/log"))
        })?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Some(
        base.join(format!("embodied-launch-{stamp}-{}", std::process::id()))
            .join("launch.log"),
    )
}

fn launch(plan: &LaunchPlan, environment: &BTreeMap<String, String>) -> Result<u8, Failure> {
    if plan.processes.is_empty() {
        tracing::warn!("the launch file starts no process");
        return Ok(exit_codes::OK);
    }
    let log = log_file(environment);
    if let Some(log) = &log {
        tracing::info!(log = %log.display(), "process output with output=\"log\" goes to this file");
    }
    let sinks = OutputSinks::terminal(log).exit_code(exit_codes::CONFIG)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .exit_code(exit_codes::FAILURE)?;
    let report = runtime
        .block_on(async {
            let shutdown = embodied_launch::interrupt_or_terminate()?;
            embodied_launch::run(plan, sinks, shutdown).await
        })
        .exit_code(exit_codes::FAILURE)?;
    Ok(match report.first_failure().map(|exit| &exit.outcome) {
        None => exit_codes::OK,
        Some(ExitOutcome::Code(code)) => u8::try_from(*code)
            .ok()
            .filter(|c| *c != 0)
            .unwrap_or(exit_codes::FAILURE),
        Some(ExitOutcome::Signal(signal)) => {
            u8::try_from(128 + signal).unwrap_or(exit_codes::FAILURE)
        }
        Some(ExitOutcome::Killed) => 128 + 9,
        Some(ExitOutcome::SpawnFailed(_)) => exit_codes::CONFIG,
        Some(ExitOutcome::Stopped) => exit_codes::OK,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_python_shlex() {
        assert_eq!(shell_quote("--ros-args"), "--ros-args");
        assert_eq!(shell_quote("__node:=voice"), "__node:=voice");
        assert_eq!(shell_quote("two words"), "'two words'");
        assert_eq!(shell_quote("it's"), "'it'\"'\"'s'");
        assert_eq!(shell_quote(""), "''");
    }
}
