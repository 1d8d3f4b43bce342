//! Executing the parsed actions without starting anything: launch configurations with group
//! scoping, includes, namespaces, environment, and the exact command line launch_ros builds for
//! each `<node>` (node.py `__init__` + `_perform_substitutions` + `execute`).

mod process;

use process::global_param_value;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use crate::description::{self, Action, ArgDecl, Condition, Entry, LaunchDescription};
use crate::error::{Error, Location, Result};
use crate::namespace;
use crate::plan::{DeclaredArgument, LaunchPlan, LaunchRequest, ParamsFileWriter, ProcessPlan};
use crate::resolver::PackageResolver;
use crate::substitution::{Fragment, Subst, SubstKind};

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
    let root_at = Location {
        file: path.clone(),
        line: 1,
        column: 1,
    };
    let given: Vec<String> = request
        .arguments
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
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
        current_file: path.clone(),
        global_params: None,
        global_remaps: None,
        node_names: BTreeMap::new(),
    };
    let declared: Vec<String> = {
        let mut names = Vec::new();
        collect_args(&launch.actions, false, &mut |arg, _| {
            names.push(arg.name.clone())
        });
        names
    };
    for (name, value) in &request.arguments {
        if !declared.contains(name) {
            tracing::warn!(argument = %name, "argument is not declared by the launch file");
        }
        planner.configs.insert(name.clone(), value.clone());
    }
    planner.run_description(&launch)?;
    Ok(LaunchPlan {
        processes: planner.processes,
        base_env: request.environment.clone(),
    })
}

/// Args that must be given explicitly: unconditional, without default (launch checks this for
/// every include, and `ros2 launch` includes the root file the same way).
fn check_required_args(launch: &LaunchDescription, given: &[String], at: &Location) -> Result<()> {
    let mut missing = Vec::new();
    collect_args(&launch.actions, false, &mut |arg, conditional| {
        if !conditional
            && arg.default.is_none()
            && !given.contains(&arg.name)
            && !missing
                .iter()
                .any(|(name, _): &(String, String)| name == &arg.name)
        {
            missing.push((arg.name.clone(), describe_arg(arg)));
        }
    });
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::MissingArguments {
            at: at.clone(),
            missing,
        })
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
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
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
    let parts: Vec<&str> = text
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
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
    /// The launch file `$(dirname)`/`$(filename)` refer to. As in launch, an include switches
    /// it for the rest of the run, not just for the included actions (launch keeps it in the
    /// event's locals, which are only restored when the whole launch description is done).
    current_file: PathBuf,
    /// `<set_parameter>` rules (`name`, Python `str()` of the value) and `<set_remap>` rules.
    /// Shared lists, like launch's `global_params`/`ros_remaps` configurations: a scoped group
    /// copies the configurations shallowly, so it appends to the outer list when one exists
    /// (and those rules stay after the group) but starts its own list otherwise.
    global_params: Option<SharedRules>,
    global_remaps: Option<SharedRules>,
    /// Fully known node names planned so far, to warn about duplicates.
    node_names: BTreeMap<String, usize>,
}

type SharedRules = Rc<RefCell<Vec<(String, String)>>>;

fn append_rule(rules: &mut Option<SharedRules>, rule: (String, String)) {
    rules
        .get_or_insert_with(SharedRules::default)
        .borrow_mut()
        .push(rule);
}

impl Planner<'_> {
    fn run_description(&mut self, launch: &LaunchDescription) -> Result<()> {
        self.run_entries(&launch.actions)
    }

    fn run_entries(&mut self, entries: &[Entry]) -> Result<()> {
        for entry in entries {
            if let Some(condition) = &entry.condition
                && !self.condition_holds(condition, &entry.at)?
            {
                continue;
            }
            self.run_action(entry)?;
        }
        Ok(())
    }

    fn condition_holds(&self, condition: &Condition, at: &Location) -> Result<bool> {
        let value = self.perform(&condition.expression, at)?;
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

    fn run_action(&mut self, entry: &Entry) -> Result<()> {
        let at = &entry.at;
        match &entry.action {
            Action::Arg(arg) => self.declare_arg(arg, at),
            Action::Let { name, value } => {
                let name = self.perform(name, at)?;
                let value = self.perform(value, at)?;
                self.configs.insert(name, value);
                Ok(())
            }
            Action::Group {
                scoped,
                forwarding,
                keeps,
                actions,
            } => self.run_group(*scoped, *forwarding, keeps, actions, at),
            Action::PushRosNamespace { namespace } => {
                let pushed = self.perform(namespace, at)?;
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
            Action::Include { file: target, args } => self.include(target, args, at),
            Action::SetEnv { name, value } => {
                let name = self.perform(name, at)?;
                let value = self.perform(value, at)?;
                self.env.insert(name, value);
                Ok(())
            }
            Action::UnsetEnv { name } => {
                let name = self.perform(name, at)?;
                self.env.remove(&name);
                Ok(())
            }
            Action::SetParameter { name, value } => {
                let name = self.perform(name, at)?;
                let value = self.perform(value, at)?;
                let value = global_param_value(&name, &value).map_err(|message| {
                    Error::InvalidParameter {
                        at: at.clone(),
                        name: name.clone(),
                        message,
                    }
                })?;
                append_rule(&mut self.global_params, (name, value));
                Ok(())
            }
            Action::Log { message } => {
                let message = self.perform(message, at)?;
                tracing::info!(target: "launch.user", "{message}");
                Ok(())
            }
            Action::SetRemap { from, to } => {
                let from = self.perform(from, at)?;
                let to = self.perform(to, at)?;
                append_rule(&mut self.global_remaps, (from, to));
                Ok(())
            }
            Action::Process(process) => {
                let plan = self.process(process, at)?;
                self.processes.push(plan);
                Ok(())
            }
        }
    }

    fn declare_arg(&mut self, arg: &ArgDecl, at: &Location) -> Result<()> {
        if !self.configs.contains_key(&arg.name) {
            match &arg.default {
                Some(default) => {
                    let value = self.perform(default, at)?;
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
    ) -> Result<()> {
        if !scoped {
            for (name, value) in keeps {
                let name = self.perform(name, at)?;
                let value = self.perform(value, at)?;
                self.configs.insert(name, value);
            }
            return self.run_entries(actions);
        }
        let saved_configs = self.configs.clone();
        let saved_env = self.env.clone();
        let saved_rules = (self.global_params.clone(), self.global_remaps.clone());
        let result = (|| {
            // Keeps are evaluated in the outer scope, then set in the new one.
            let mut kept = Vec::new();
            for (name, value) in keeps {
                kept.push((self.perform(name, at)?, self.perform(value, at)?));
            }
            if !forwarding {
                self.configs.clear();
                self.env = self.base_env.clone();
                self.global_params = None;
                self.global_remaps = None;
            }
            self.configs.extend(kept);
            self.run_entries(actions)
        })();
        self.configs = saved_configs;
        self.env = saved_env;
        (self.global_params, self.global_remaps) = saved_rules;
        result
    }

    fn include(&mut self, target: &Subst, args: &[(Subst, Subst)], at: &Location) -> Result<()> {
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(Error::InvalidLaunchFile {
                at: at.clone(),
                message: format!("includes nest deeper than {MAX_INCLUDE_DEPTH} levels (a cycle?)"),
            });
        }
        let target = self.perform(target, at)?;
        let path = absolute(Path::new(&target), &self.working_dir);
        let included = description::load(&path).map_err(|error| match error {
            Error::ReadLaunchFile { source, .. } => Error::InvalidLaunchFile {
                at: at.clone(),
                message: format!("cannot include {}: {source}", path.display()),
            },
            other => other,
        })?;
        self.current_file = included.path.clone();
        let mut names = Vec::new();
        for (name, _) in args {
            names.push(self.perform(name, at)?);
        }
        check_required_args(&included, &names, at)?;
        for (name, value) in args {
            let name = self.perform(name, at)?;
            let value = self.perform(value, at)?;
            self.configs.insert(name, value);
        }
        self.depth += 1;
        let result = self.run_description(&included);
        self.depth -= 1;
        result
    }

    /// Performs a substitution expression in the current context.
    fn perform(&self, subst: &Subst, at: &Location) -> Result<String> {
        let mut out = String::new();
        for fragment in &subst.0 {
            match fragment {
                Fragment::Text(text) => out.push_str(text),
                Fragment::Call { kind, args } => {
                    let args: Vec<String> = args
                        .iter()
                        .map(|a| self.perform(a, at))
                        .collect::<Result<_>>()?;
                    out.push_str(&self.call(*kind, &args, at)?);
                }
            }
        }
        Ok(out)
    }

    fn call(&self, kind: SubstKind, args: &[String], at: &Location) -> Result<String> {
        let failed = |message: String| Error::SubstitutionFailed {
            at: at.clone(),
            message,
        };
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
                .map_err(|message| Error::PackageNotFound {
                    at: at.clone(),
                    message,
                }),
            SubstKind::FindPkgPrefix => self
                .resolver
                .prefix(first)
                .map(|p| p.display().to_string())
                .map_err(|message| Error::PackageNotFound {
                    at: at.clone(),
                    message,
                }),
            SubstKind::Dirname => {
                let dir = self.current_file.parent().unwrap_or(Path::new("/"));
                Ok(dir.display().to_string())
            }
            SubstKind::Filename => Ok(self.current_file.display().to_string()),
        }
    }

    fn perform_words(&self, words: &[Subst], at: &Location) -> Result<Vec<String>> {
        words.iter().map(|w| self.perform(w, at)).collect()
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
        assert_eq!(
            absolute(Path::new("../b/./c"), Path::new("/w/a")),
            PathBuf::from("/w/b/c")
        );
    }
}
