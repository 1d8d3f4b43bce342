//! Executing the parsed actions without starting anything: launch configurations with group
//! scoping, includes, namespaces, environment, and the exact command line launch_ros builds for
//! each `<node>` (node.py `__init__` + `_perform_substitutions` + `execute`).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::cmdline;
use crate::description::{
    self, Action, ArgDecl, Condition, Entry, InlineParam, LaunchDescription, NodeDecl, ParamBody,
    ParamEntry, ProcessDecl, ProcessKind,
};
use crate::error::{Error, Location, Result};
use crate::namespace;
use crate::params;
use crate::resolver::PackageResolver;
use crate::substitution::{Fragment, Subst, SubstKind};
use crate::yaml::{self, ParamValue};

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
    fn parse(text: &str) -> Option<Self> {
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

/// Lists the arguments a launch file declares (its own, not those of included files).
///
/// # Errors
/// Unreadable or invalid launch file.
pub fn declared_arguments(file: &Path, working_dir: &Path) -> Result<Vec<DeclaredArgument>> {
    let path = absolute(file, working_dir);
    let launch = description::load(&path)?;
    let mut out = Vec::new();
    collect_args(&launch.actions, false, &mut |arg, conditional| {
        out.push(DeclaredArgument {
            name: arg.name.clone(),
            default: arg.default.as_ref().map(render_subst),
            description: describe_arg(arg),
            choices: arg.choices.clone(),
            conditional,
        });
    });
    Ok(out)
}

/// Plans every process of a launch file.
///
/// # Errors
/// Any launch-file, substitution, parameter or package error, naming file and position.
pub fn plan(
    request: &LaunchRequest,
    resolver: &dyn PackageResolver,
    writer: &mut dyn ParamsFileWriter,
) -> Result<LaunchPlan> {
    let path = absolute(&request.file, &request.working_dir);
    let launch = description::load(&path)?;
    let root_at = Location { file: path.clone(), line: 1, column: 1 };
    let given: Vec<String> = request.arguments.iter().map(|(name, _)| name.clone()).collect();
    check_required_args(&launch, &given, &root_at)?;
    let mut planner = Planner {
        resolver,
        writer,
        base_env: request.environment.clone(),
        configs: BTreeMap::new(),
        env: request.environment.clone(),
        working_dir: request.working_dir.clone(),
        processes: Vec::new(),
        depth: 0,
    };
    let declared: Vec<String> = {
        let mut names = Vec::new();
        collect_args(&launch.actions, false, &mut |arg, _| names.push(arg.name.clone()));
        names
    };
    for (name, value) in &request.arguments {
        if !declared.contains(name) {
            tracing::warn!(argument = %name, "argument is not declared by the launch file");
        }
        planner.configs.insert(name.clone(), value.clone());
    }
    planner.run_description(&launch)?;
    Ok(LaunchPlan { processes: planner.processes, base_env: request.environment.clone() })
}

/// Args that must be given explicitly: unconditional, without default (launch checks this for
/// every include, and `ros2 launch` includes the root file the same way).
fn check_required_args(launch: &LaunchDescription, given: &[String], at: &Location) -> Result<()> {
    let mut missing = Vec::new();
    collect_args(&launch.actions, false, &mut |arg, conditional| {
        if !conditional
            && arg.default.is_none()
            && !given.contains(&arg.name)
            && !missing.iter().any(|(name, _): &(String, String)| name == &arg.name)
        {
            missing.push((arg.name.clone(), describe_arg(arg)));
        }
    });
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::MissingArguments { at: at.clone(), missing })
    }
}

fn collect_args(entries: &[Entry], conditional: bool, visit: &mut dyn FnMut(&ArgDecl, bool)) {
    for entry in entries {
        let conditional = conditional || entry.condition.is_some();
        match &entry.action {
            Action::Arg(arg) => visit(arg, conditional),
            Action::Group { actions, .. } => collect_args(actions, conditional, visit),
            _ => {}
        }
    }
}

/// launch's `DeclareLaunchArgument.description` (choices appended).
fn describe_arg(arg: &ArgDecl) -> String {
    let choices = arg.choices.as_ref().map(|c| python_list(c));
    match (&arg.description, choices) {
        (None, None) => "no description given".into(),
        (None, Some(choices)) => format!("One of: {choices}"),
        (Some(description), None) => description.clone(),
        (Some(description), Some(choices)) => {
            let sep = if description.ends_with('.') { "" } else { "." };
            format!("{description}{sep} Valid choices are: {choices}")
        }
    }
}

fn python_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The text of an expression as it would be written.
fn render_subst(subst: &Subst) -> String {
    let mut out = String::new();
    for fragment in &subst.0 {
        match fragment {
            Fragment::Text(text) => out.push_str(text),
            Fragment::Call { kind, args } => {
                out.push_str("$(");
                out.push_str(kind.name());
                for arg in args {
                    out.push(' ');
                    out.push_str(&render_subst(arg));
                }
                out.push(')');
            }
        }
    }
    out
}

/// `os.path.abspath`: joined to `base` and normalised lexically.
fn absolute(path: &Path, base: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `str(pathlib.Path(text))`: repeated and trailing `/` and `.` components dropped.
fn python_path(text: &str) -> String {
    if text.is_empty() {
        return ".".into();
    }
    let absolute = text.starts_with('/');
    let parts: Vec<&str> = text.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Limit for nested includes (launch has none and recurses until Python's stack ends).
const MAX_INCLUDE_DEPTH: usize = 32;

struct Planner<'a> {
    resolver: &'a dyn PackageResolver,
    writer: &'a mut dyn ParamsFileWriter,
    base_env: BTreeMap<String, String>,
    configs: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    working_dir: PathBuf,
    processes: Vec<ProcessPlan>,
    depth: usize,
}

/// The file whose text is being evaluated (for `$(dirname)`, `$(filename)`).
struct FileScope<'f> {
    path: &'f Path,
}

impl Planner<'_> {
    fn run_description(&mut self, launch: &LaunchDescription) -> Result<()> {
        let scope = FileScope { path: &launch.path };
        self.run_entries(&launch.actions, &scope)
    }

    fn run_entries(&mut self, entries: &[Entry], file: &FileScope) -> Result<()> {
        for entry in entries {
            if let Some(condition) = &entry.condition
                && !self.condition_holds(condition, &entry.at, file)?
            {
                continue;
            }
            self.run_action(entry, file)?;
        }
        Ok(())
    }

    fn condition_holds(&self, condition: &Condition, at: &Location, file: &FileScope) -> Result<bool> {
        let value = self.perform(&condition.expression, at, file)?;
        let holds = match value.trim().to_lowercase().as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => {
                return Err(Error::InvalidCondition {
                    at: at.clone(),
                    expression: condition.text.clone(),
                    value,
                });
            }
        };
        Ok(holds != condition.negate)
    }

    fn run_action(&mut self, entry: &Entry, file: &FileScope) -> Result<()> {
        let at = &entry.at;
        match &entry.action {
            Action::Arg(arg) => self.declare_arg(arg, at, file),
            Action::Let { name, value } => {
                let name = self.perform(name, at, file)?;
                let value = self.perform(value, at, file)?;
                self.configs.insert(name, value);
                Ok(())
            }
            Action::Group { scoped, forwarding, keeps, actions } => {
                self.run_group(*scoped, *forwarding, keeps, actions, at, file)
            }
            Action::PushRosNamespace { namespace } => {
                let pushed = self.perform(namespace, at, file)?;
                let previous = self.configs.get("ros_namespace").cloned();
                let combined = namespace::make_absolute(namespace::prefix_namespace(
                    previous.as_deref(),
                    Some(&pushed),
                ))
                .unwrap_or_else(|| "/".into());
                namespace::validate_namespace(&combined).map_err(|message| Error::InvalidName {
                    at: at.clone(),
                    what: "namespace",
                    value: combined.clone(),
                    message: format!(
                        "{message} [previous_namespace={previous:?}, pushed_namespace={pushed:?}]"
                    ),
                })?;
                self.configs.insert("ros_namespace".into(), combined);
                Ok(())
            }
            Action::Include { file: target, args } => self.include(target, args, at, file),
            Action::SetEnv { name, value } => {
                let name = self.perform(name, at, file)?;
                let value = self.perform(value, at, file)?;
                self.env.insert(name, value);
                Ok(())
            }
            Action::UnsetEnv { name } => {
                let name = self.perform(name, at, file)?;
                self.env.remove(&name);
                Ok(())
            }
            Action::Process(process) => {
                let plan = self.process(process, at, file)?;
                self.processes.push(plan);
                Ok(())
            }
        }
    }

    fn declare_arg(&mut self, arg: &ArgDecl, at: &Location, file: &FileScope) -> Result<()> {
        if !self.configs.contains_key(&arg.name) {
            match &arg.default {
                Some(default) => {
                    let value = self.perform(default, at, file)?;
                    self.configs.insert(arg.name.clone(), value);
                }
                None => {
                    return Err(Error::MissingArguments {
                        at: at.clone(),
                        missing: vec![(arg.name.clone(), describe_arg(arg))],
                    });
                }
            }
        }
        if let Some(choices) = &arg.choices {
            let value = self.configs.get(&arg.name).cloned().unwrap_or_default();
            if !choices.contains(&value) {
                return Err(Error::InvalidChoice {
                    at: at.clone(),
                    name: arg.name.clone(),
                    value,
                    choices: choices.clone(),
                });
            }
        }
        Ok(())
    }

    fn run_group(
        &mut self,
        scoped: bool,
        forwarding: bool,
        keeps: &[(Subst, Subst)],
        actions: &[Entry],
        at: &Location,
        file: &FileScope,
    ) -> Result<()> {
        if !scoped {
            for (name, value) in keeps {
                let name = self.perform(name, at, file)?;
                let value = self.perform(value, at, file)?;
                self.configs.insert(name, value);
            }
            return self.run_entries(actions, file);
        }
        let saved_configs = self.configs.clone();
        let saved_env = self.env.clone();
        let result = (|| {
            // Keeps are evaluated in the outer scope, then set in the new one.
            let mut kept = Vec::new();
            for (name, value) in keeps {
                kept.push((self.perform(name, at, file)?, self.perform(value, at, file)?));
            }
            if !forwarding {
                self.configs.clear();
                self.env = self.base_env.clone();
            }
            self.configs.extend(kept);
            self.run_entries(actions, file)
        })();
        self.configs = saved_configs;
        self.env = saved_env;
        result
    }

    fn include(
        &mut self,
        target: &Subst,
        args: &[(Subst, Subst)],
        at: &Location,
        file: &FileScope,
    ) -> Result<()> {
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(Error::InvalidLaunchFile {
                at: at.clone(),
                message: format!("includes nest deeper than {MAX_INCLUDE_DEPTH} levels (a cycle?)"),
            });
        }
        let target = self.perform(target, at, file)?;
        let path = absolute(Path::new(&target), &self.working_dir);
        let included = description::load(&path).map_err(|error| match error {
            Error::ReadLaunchFile { source, .. } => Error::InvalidLaunchFile {
                at: at.clone(),
                message: format!("cannot include {}: {source}", path.display()),
            },
            other => other,
        })?;
        let mut names = Vec::new();
        for (name, _) in args {
            names.push(self.perform(name, at, file)?);
        }
        check_required_args(&included, &names, at)?;
        for (name, value) in args {
            let name = self.perform(name, at, file)?;
            let value = self.perform(value, at, file)?;
            self.configs.insert(name, value);
        }
        self.depth += 1;
        let result = self.run_description(&included);
        self.depth -= 1;
        result
    }

    /// Performs a substitution expression in the current context.
    fn perform(&self, subst: &Subst, at: &Location, file: &FileScope) -> Result<String> {
        let mut out = String::new();
        for fragment in &subst.0 {
            match fragment {
                Fragment::Text(text) => out.push_str(text),
                Fragment::Call { kind, args } => {
                    let args: Vec<String> =
                        args.iter().map(|a| self.perform(a, at, file)).collect::<Result<_>>()?;
                    out.push_str(&self.call(*kind, &args, at, file)?);
                }
            }
        }
        Ok(out)
    }

    fn call(&self, kind: SubstKind, args: &[String], at: &Location, file: &FileScope) -> Result<String> {
        let failed = |message: String| Error::SubstitutionFailed { at: at.clone(), message };
        let first = args.first().map(String::as_str).unwrap_or_default();
        match kind {
            SubstKind::Var => match self.configs.get(first) {
                Some(value) => Ok(value.clone()),
                None => args.get(1).cloned().ok_or_else(|| {
                    failed(format!("launch configuration '{first}' does not exist"))
                }),
            },
            SubstKind::Env => match self.env.get(first) {
                Some(value) => Ok(value.clone()),
                None => args.get(1).cloned().ok_or_else(|| {
                    failed(format!("environment variable '{first}' does not exist"))
                }),
            },
            SubstKind::FindPkgShare => self
                .resolver
                .share(first)
                .map(|p| p.display().to_string())
                .map_err(|message| Error::PackageNotFound { at: at.clone(), message }),
            SubstKind::FindPkgPrefix => self
                .resolver
                .prefix(first)
                .map(|p| p.display().to_string())
                .map_err(|message| Error::PackageNotFound { at: at.clone(), message }),
            SubstKind::Dirname => {
                let dir = file.path.parent().unwrap_or(Path::new("/"));
                Ok(dir.display().to_string())
            }
            SubstKind::Filename => Ok(file.path.display().to_string()),
        }
    }

    fn perform_words(&self, words: &[Subst], at: &Location, file: &FileScope) -> Result<Vec<String>> {
        words.iter().map(|w| self.perform(w, at, file)).collect()
    }

    fn process(&mut self, decl: &ProcessDecl, at: &Location, file: &FileScope) -> Result<ProcessPlan> {
        let mut cmd = match &decl.kind {
            ProcessKind::Node(node) => self.node_cmd(node, at, file)?,
            ProcessKind::Executable { cmd } => self.perform_words(cmd, at, file)?,
        };
        if cmd.is_empty() {
            return Err(Error::InvalidLaunchFile { at: at.clone(), message: "empty command".into() });
        }
        // launch-prefix: the attribute, else the `launch-prefix` launch configuration.
        let prefix = match &decl.prefix {
            Some(prefix) => Some(self.perform(prefix, at, file)?),
            None => {
                if self.configs.get("launch-prefix-filter").is_some_and(|f| !f.is_empty()) {
                    return Err(Error::InvalidLaunchFile {
                        at: at.clone(),
                        message: "the launch-prefix-filter launch configuration is not supported"
                            .into(),
                    });
                }
                self.configs.get("launch-prefix").cloned()
            }
        };
        if let Some(prefix) = prefix {
            let mut words = cmdline::shlex_split(&prefix).map_err(|message| {
                Error::InvalidLaunchFile {
                    at: at.clone(),
                    message: format!("cannot split launch-prefix {prefix:?}: {message}"),
                }
            })?;
            words.append(&mut cmd);
            cmd = words;
        }
        let label = match &decl.label {
            Some(label) => self.perform(label, at, file)?,
            None => Path::new(&cmd[0])
                .file_name()
                .map_or_else(|| cmd[0].clone(), |n| n.to_string_lossy().into_owned()),
        };
        let name = format!("{label}-{}", self.processes.len() + 1);
        let cwd = decl.cwd.as_ref().map(|c| self.perform(c, at, file)).transpose()?.map(PathBuf::from);
        let mut env = self.env.clone();
        for (key, value) in &decl.env {
            env.insert(self.perform(key, at, file)?, self.perform(value, at, file)?);
        }
        let output_text = match &decl.output {
            Some(output) => self.perform(output, at, file)?,
            None => self.env.get("OVERRIDE_LAUNCH_PROCESS_OUTPUT").cloned().unwrap_or_else(|| "log".into()),
        };
        let output = OutputMode::parse(&output_text).ok_or_else(|| Error::InvalidLaunchFile {
            at: at.clone(),
            message: format!(
                "output must be one of screen, log, both, own_log, full; got {output_text:?}"
            ),
        })?;
        let respawn = match &decl.respawn {
            None => None,
            Some(respawn) => {
                let text = self.perform(respawn, at, file)?;
                let on = description::literal_bool(&text).ok_or_else(|| Error::InvalidLaunchFile {
                    at: at.clone(),
                    message: format!("respawn must be true or false, got {text:?}"),
                })?;
                on.then(|| Respawn {
                    delay: Duration::from_secs_f64(decl.respawn_delay.unwrap_or(0.0)),
                    max_retries: decl
                        .respawn_max_retries
                        .and_then(|n| u32::try_from(n).ok()),
                })
            }
        };
        let timeout = |own: Option<f64>, config: &str| -> Result<Duration> {
            let seconds = match own {
                Some(seconds) => seconds,
                None => match self.configs.get(config) {
                    None => 5.0,
                    Some(text) => yaml::python_float(text).filter(|s| *s >= 0.0).ok_or_else(|| {
                        Error::InvalidLaunchFile {
                            at: at.clone(),
                            message: format!("launch configuration {config} must be a number, got {text:?}"),
                        }
                    })?,
                },
            };
            Ok(Duration::from_secs_f64(seconds))
        };
        Ok(ProcessPlan {
            name,
            cmd,
            env,
            cwd,
            output,
            respawn,
            shutdown_on_exit: decl.on_exit_shutdown,
            sigterm_timeout: timeout(decl.sigterm_timeout, "sigterm_timeout")?,
            sigkill_timeout: timeout(decl.sigkill_timeout, "sigkill_timeout")?,
        })
    }

    /// node.py: `[exe] + args + [--ros-args ros_args] + --ros-args [-r __node:=] [-r __ns:=]
    /// [--params-file ...] [-r from:=to ...]`.
    fn node_cmd(&mut self, node: &NodeDecl, at: &Location, file: &FileScope) -> Result<Vec<String>> {
        let executable = self.perform(&node.executable, at, file)?;
        let program = match &node.package {
            Some(package) => {
                let package = self.perform(package, at, file)?;
                self.resolver
                    .executable(&package, &executable)
                    .map_err(|message| Error::PackageNotFound { at: at.clone(), message })?
                    .display()
                    .to_string()
            }
            None => executable,
        };
        let mut cmd = vec![program];
        if let Some(args) = &node.args {
            cmd.extend(self.perform_words(args, at, file)?);
        }
        if let Some(ros_args) = &node.ros_args {
            cmd.push("--ros-args".into());
            cmd.extend(self.perform_words(ros_args, at, file)?);
        }
        cmd.push("--ros-args".into());

        let name = node.name.as_ref().map(|n| self.perform(n, at, file)).transpose()?;
        if let Some(name) = &name {
            namespace::validate_node_name(name).map_err(|message| Error::InvalidName {
                at: at.clone(),
                what: "node name",
                value: name.clone(),
                message,
            })?;
            cmd.extend(["-r".into(), format!("__node:={name}")]);
        }
        let own_ns = node.namespace.as_ref().map(|n| self.perform(n, at, file)).transpose()?;
        let base_ns = self.configs.get("ros_namespace").cloned();
        let ns = namespace::make_absolute(namespace::prefix_namespace(base_ns.as_deref(), own_ns.as_deref()));
        if let Some(ns) = &ns {
            namespace::validate_namespace(ns).map_err(|message| Error::InvalidName {
                at: at.clone(),
                what: "namespace",
                value: ns.clone(),
                message,
            })?;
            cmd.extend(["-r".into(), format!("__ns:={ns}")]);
        }
        // Inline params go under the node's full name only when both parts are known.
        let params_key = match (&ns, &name) {
            (Some(ns), Some(name)) => namespace::prefix_namespace(Some(ns), Some(name)).unwrap_or_default(),
            _ => "/**".to_owned(),
        };

        for entry in &node.params {
            let path = match entry {
                ParamEntry::File { path, allow_substs, at } => {
                    self.param_file(path, allow_substs.as_ref(), at, file)?
                }
                ParamEntry::Inline(param) => {
                    let mut values = BTreeMap::new();
                    self.flatten_param(param, None, &mut values, file)?;
                    let contents = yaml::dump_params_file(&params_key, &values);
                    self.writer
                        .write(&contents)
                        .map_err(|source| Error::WriteParamsFile { at: param.at.clone(), source })?
                        .display()
                        .to_string()
                }
            };
            cmd.extend(["--params-file".into(), path]);
        }
        for (from, to) in &node.remaps {
            let from = self.perform(from, at, file)?;
            let to = self.perform(to, at, file)?;
            cmd.extend(["-r".into(), format!("{from}:={to}")]);
        }
        Ok(cmd)
    }

    /// `<param from=...>`: the path as given (launch does not make it absolute); with
    /// `allow_substs`, a substituted copy in a temp file.
    fn param_file(
        &mut self,
        path: &Subst,
        allow_substs: Option<&Subst>,
        at: &Location,
        file: &FileScope,
    ) -> Result<String> {
        let text = python_path(&self.perform(path, at, file)?);
        let on_disk = absolute(Path::new(&text), &self.working_dir);
        let file_error = |message: String| Error::ParameterFile {
            at: at.clone(),
            path: on_disk.clone(),
            message,
        };
        if !on_disk.is_file() {
            return Err(file_error("no such file".into()));
        }
        let allow = match allow_substs {
            None => false,
            Some(subst) => {
                let value = self.perform(subst, at, file)?;
                description::literal_bool(&value)
                    .ok_or_else(|| file_error(format!("allow_substs must be true or false, got {value:?}")))?
            }
        };
        if !allow {
            return Ok(text);
        }
        let contents = std::fs::read_to_string(&on_disk).map_err(|e| file_error(e.to_string()))?;
        let parsed = crate::substitution::parse(&contents)
            .map_err(|e| file_error(format!("substitution in the file: {e:?}")))?;
        let substituted = self.perform(&parsed, at, file)?;
        yaml_rust2::YamlLoader::load_from_str(&substituted).map_err(|e| {
            file_error(format!("the substituted parameter file is not a valid yaml file: {e}"))
        })?;
        self.writer
            .write(&substituted)
            .map(|p| p.display().to_string())
            .map_err(|source| Error::WriteParamsFile { at: at.clone(), source })
    }

    /// Nested `<param>`s become dotted names (`normalize_parameter_dict`).
    fn flatten_param(
        &self,
        param: &InlineParam,
        prefix: Option<&str>,
        out: &mut BTreeMap<String, ParamValue>,
        file: &FileScope,
    ) -> Result<()> {
        let own = self.perform(&param.name, &param.at, file)?;
        let name = match prefix {
            Some(prefix) => format!("{prefix}.{own}"),
            None => own,
        };
        match &param.body {
            ParamBody::Nested(children) => {
                for child in children {
                    self.flatten_param(child, Some(&name), out, file)?;
                }
            }
            ParamBody::Value { value, data_type } => {
                let evaluated = params::evaluate(value, *data_type, |s| self.perform(s, &param.at, file))?;
                let value = evaluated.map_err(|message| Error::InvalidParameter {
                    at: param.at.clone(),
                    name: param.name_text.clone(),
                    message,
                })?;
                out.insert(name, value);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_paths() {
        assert_eq!(python_path("a//b/./c/"), "a/b/c");
        assert_eq!(python_path("/x/../y"), "/x/../y");
        assert_eq!(python_path("./a"), "a");
        assert_eq!(absolute(Path::new("../b/./c"), Path::new("/w/a")), PathBuf::from("/w/b/c"));
    }
}
