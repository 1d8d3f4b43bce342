//! The command line of one `<node>` or `<executable>`, as node.py and ExecuteProcess build it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Planner, absolute, python_path};
use crate::cmdline;
use crate::description::{
    self, InlineParam, NodeDecl, ParamBody, ParamEntry, ProcessDecl, ProcessKind,
};
use crate::error::{Error, Location, Result};
use crate::namespace;
use crate::params;
use crate::plan::{OutputMode, ProcessPlan, Respawn};
use crate::substitution::Subst;
use crate::yaml::{self, ParamValue};

/// `<set_parameter>`'s value as launch_ros puts it on the command line: typed with YAML
/// (`evaluate_parameter_dict`), then Python `str()` of the result.
pub(super) fn global_param_value(name: &str, text: &str) -> std::result::Result<String, String> {
    let text = if text.is_empty() { "''" } else { text };
    let loaded = yaml::safe_load(text)
        .map_err(|e| format!("unable to parse the value of parameter {name} as yaml ({e})"))?;
    match loaded {
        yaml::Loaded::Scalar(value) => Ok(yaml::python_str(&value)),
        yaml::Loaded::List(items) => {
            let uniform = items.first().is_some_and(|first| {
                items
                    .iter()
                    .all(|item| item.type_name() == first.type_name())
            });
            if !uniform {
                return Err(format!(
                    "expected a non-empty sequence, with items of uniform type, for \"{name}\""
                ));
            }
            Ok(yaml::python_str(&ParamValue::List(items)))
        }
        yaml::Loaded::Unsupported(kind) => {
            Err(format!("a YAML {kind} is not an allowed parameter value"))
        }
    }
}

impl Planner<'_> {
    pub(super) fn process(&mut self, decl: &ProcessDecl, at: &Location) -> Result<ProcessPlan> {
        let mut cmd = match &decl.kind {
            ProcessKind::Node(node) => self.node_cmd(node, at)?,
            ProcessKind::Executable { cmd } => self.perform_words(cmd, at)?,
        };
        if cmd.is_empty() {
            return Err(Error::InvalidLaunchFile {
                at: at.clone(),
                message: "empty command".into(),
            });
        }
        // launch-prefix: the attribute, else the `launch-prefix` launch configuration.
        let prefix = match &decl.prefix {
            Some(prefix) => Some(self.perform(prefix, at)?),
            None => {
                if self
                    .configs
                    .get("launch-prefix-filter")
                    .is_some_and(|f| !f.is_empty())
                {
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
            let mut words =
                cmdline::shlex_split(&prefix).map_err(|message| Error::InvalidLaunchFile {
                    at: at.clone(),
                    message: format!("cannot split launch-prefix {prefix:?}: {message}"),
                })?;
            words.append(&mut cmd);
            cmd = words;
        }
        let label = match &decl.label {
            Some(label) => self.perform(label, at)?,
            None => Path::new(&cmd[0])
                .file_name()
                .map_or_else(|| cmd[0].clone(), |n| n.to_string_lossy().into_owned()),
        };
        let name = format!("{label}-{}", self.processes.len() + 1);
        let cwd = decl
            .cwd
            .as_ref()
            .map(|c| self.perform(c, at))
            .transpose()?
            .map(PathBuf::from);
        let mut env = self.env.clone();
        for (key, value) in &decl.env {
            env.insert(self.perform(key, at)?, self.perform(value, at)?);
        }
        let output_text = match &decl.output {
            Some(output) => self.perform(output, at)?,
            None => self
                .env
                .get("OVERRIDE_LAUNCH_PROCESS_OUTPUT")
                .cloned()
                .unwrap_or_else(|| "log".into()),
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
                let text = self.perform(respawn, at)?;
                let on =
                    description::literal_bool(&text).ok_or_else(|| Error::InvalidLaunchFile {
                        at: at.clone(),
                        message: format!("respawn must be true or false, got {text:?}"),
                    })?;
                on.then(|| Respawn {
                    delay: Duration::from_secs_f64(decl.respawn_delay.unwrap_or(0.0)),
                    max_retries: decl.respawn_max_retries.and_then(|n| u32::try_from(n).ok()),
                })
            }
        };
        let timeout = |own: Option<f64>, config: &str| -> Result<Duration> {
            let seconds =
                match own {
                    Some(seconds) => seconds,
                    None => match self.configs.get(config) {
                        None => 5.0,
                        Some(text) => yaml::python_float(text).filter(|s| *s >= 0.0).ok_or_else(
                            || Error::InvalidLaunchFile {
                                at: at.clone(),
                                message: format!(
                                    "launch configuration {config} must be a number, got {text:?}"
                                ),
                            },
                        )?,
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
    fn node_cmd(&mut self, node: &NodeDecl, at: &Location) -> Result<Vec<String>> {
        let executable = self.perform(&node.executable, at)?;
        let program = match &node.package {
            Some(package) => {
                let package = self.perform(package, at)?;
                self.resolver
                    .executable(&package, &executable)
                    .map_err(|message| Error::PackageNotFound {
                        at: at.clone(),
                        message,
                    })?
                    .display()
                    .to_string()
            }
            None => executable,
        };
        let mut cmd = vec![program];
        if let Some(args) = &node.args {
            cmd.extend(self.perform_words(args, at)?);
        }
        if let Some(ros_args) = &node.ros_args {
            cmd.push("--ros-args".into());
            cmd.extend(self.perform_words(ros_args, at)?);
        }
        cmd.push("--ros-args".into());

        let name = node
            .name
            .as_ref()
            .map(|n| self.perform(n, at))
            .transpose()?;
        if let Some(name) = &name {
            namespace::validate_node_name(name).map_err(|message| Error::InvalidName {
                at: at.clone(),
                what: "node name",
                value: name.clone(),
                message,
            })?;
            cmd.extend(["-r".into(), format!("__node:={name}")]);
        }
        let own_ns = node
            .namespace
            .as_ref()
            .map(|n| self.perform(n, at))
            .transpose()?;
        let base_ns = self.configs.get("ros_namespace").cloned();
        let ns = namespace::make_absolute(namespace::prefix_namespace(
            base_ns.as_deref(),
            own_ns.as_deref(),
        ));
        if let Some(ns) = &ns {
            namespace::validate_namespace(ns).map_err(|message| Error::InvalidName {
                at: at.clone(),
                what: "namespace",
                value: ns.clone(),
                message,
            })?;
            cmd.extend(["-r".into(), format!("__ns:={ns}")]);
        }
        if let Some(rules) = &self.global_params {
            for (name, value) in rules.borrow().iter() {
                cmd.extend(["-p".into(), format!("{name}:={value}")]);
            }
        }
        // Inline params go under the node's full name only when both parts are known.
        let params_key = match (&ns, &name) {
            (Some(ns), Some(name)) => {
                namespace::prefix_namespace(Some(ns), Some(name)).unwrap_or_default()
            }
            _ => "/**".to_owned(),
        };
        if params_key != "/**" {
            let count = self.node_names.entry(params_key.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                // launch warns too: two nodes with one name confuse parameters and services.
                tracing::warn!(
                    node = %params_key,
                    count = *count,
                    "several nodes with this name are created within this launch"
                );
            }
        }

        for entry in &node.params {
            let path = match entry {
                ParamEntry::File {
                    path,
                    allow_substs,
                    at,
                } => self.param_file(path, allow_substs.as_ref(), at)?,
                ParamEntry::Inline(param) => {
                    let mut values = BTreeMap::new();
                    self.flatten_param(param, None, &mut values)?;
                    let contents = yaml::dump_params_file(&params_key, &values);
                    self.writer
                        .write(&contents)
                        .map_err(|source| Error::WriteParamsFile {
                            at: param.at.clone(),
                            source,
                        })?
                        .display()
                        .to_string()
                }
            };
            cmd.extend(["--params-file".into(), path]);
        }
        if let Some(rules) = &self.global_remaps {
            for (from, to) in rules.borrow().iter() {
                cmd.extend(["-r".into(), format!("{from}:={to}")]);
            }
        }
        for (from, to) in &node.remaps {
            let from = self.perform(from, at)?;
            let to = self.perform(to, at)?;
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
    ) -> Result<String> {
        let text = python_path(&self.perform(path, at)?);
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
                let value = self.perform(subst, at)?;
                description::literal_bool(&value).ok_or_else(|| {
                    file_error(format!("allow_substs must be true or false, got {value:?}"))
                })?
            }
        };
        if !allow {
            return Ok(text);
        }
        let contents = std::fs::read_to_string(&on_disk).map_err(|e| file_error(e.to_string()))?;
        let parsed = crate::substitution::parse(&contents)
            .map_err(|e| file_error(format!("substitution in the file: {e:?}")))?;
        let substituted = self.perform(&parsed, at)?;
        yaml_rust2::YamlLoader::load_from_str(&substituted).map_err(|e| {
            file_error(format!(
                "the substituted parameter file is not a valid yaml file: {e}"
            ))
        })?;
        self.writer
            .write(&substituted)
            .map(|p| p.display().to_string())
            .map_err(|source| Error::WriteParamsFile {
                at: at.clone(),
                source,
            })
    }

    /// Nested `<param>`s become dotted names (`normalize_parameter_dict`).
    fn flatten_param(
        &self,
        param: &InlineParam,
        prefix: Option<&str>,
        out: &mut BTreeMap<String, ParamValue>,
    ) -> Result<()> {
        let own = self.perform(&param.name, &param.at)?;
        let name = match prefix {
            Some(prefix) => format!("{prefix}.{own}"),
            None => own,
        };
        match &param.body {
            ParamBody::Nested(children) => {
                for child in children {
                    self.flatten_param(child, Some(&name), out)?;
                }
            }
            ParamBody::Value { value, data_type } => {
                let evaluated =
                    params::evaluate(value, *data_type, |s| self.perform(s, &param.at))?;
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
