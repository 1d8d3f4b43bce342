//! Reading a launch file into actions (launch's frontend `parse` step): every tag, attribute
//! and substitution is checked here, before anything runs, so a typo fails with its position.

use std::path::{Path, PathBuf};

use crate::cmdline;
use crate::error::{Error, Location, Result};
use crate::params::{self, DataType, RawValue, ValueParseError};
use crate::substitution::{self, Subst, SubstParseError};

/// A parsed launch file.
#[derive(Debug, Clone)]
pub(crate) struct LaunchDescription {
    /// Absolute path of the file (`$(filename)`).
    pub(crate) path: PathBuf,
    pub(crate) actions: Vec<Entry>,
}

/// An action with its condition and position.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) action: Action,
    pub(crate) condition: Option<Condition>,
    pub(crate) at: Location,
}

/// `if=` / `unless=`.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub(crate) expression: Subst,
    pub(crate) text: String,
    pub(crate) negate: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Arg(ArgDecl),
    Let { name: Subst, value: Subst },
    Group { scoped: bool, forwarding: bool, keeps: Vec<(Subst, Subst)>, actions: Vec<Entry> },
    PushRosNamespace { namespace: Subst },
    Include { file: Subst, args: Vec<(Subst, Subst)> },
    SetEnv { name: Subst, value: Subst },
    UnsetEnv { name: Subst },
    Process(Box<ProcessDecl>),
}

/// `<arg>`.
#[derive(Debug, Clone)]
pub(crate) struct ArgDecl {
    pub(crate) name: String,
    pub(crate) default: Option<Subst>,
    pub(crate) description: Option<String>,
    pub(crate) choices: Option<Vec<String>>,
}

/// `<node>` or `<executable>`.
#[derive(Debug, Clone)]
pub(crate) struct ProcessDecl {
    pub(crate) kind: ProcessKind,
    /// `exec_name` of a node, `name` of an executable: the output label.
    pub(crate) label: Option<Subst>,
    pub(crate) cwd: Option<Subst>,
    pub(crate) prefix: Option<Subst>,
    pub(crate) output: Option<Subst>,
    pub(crate) respawn: Option<Subst>,
    pub(crate) respawn_delay: Option<f64>,
    pub(crate) respawn_max_retries: Option<i64>,
    pub(crate) on_exit_shutdown: bool,
    pub(crate) sigterm_timeout: Option<f64>,
    pub(crate) sigkill_timeout: Option<f64>,
    pub(crate) env: Vec<(Subst, Subst)>,
}

#[derive(Debug, Clone)]
pub(crate) enum ProcessKind {
    Node(NodeDecl),
    Executable { cmd: Vec<Subst> },
}

/// The ROS part of `<node>`.
#[derive(Debug, Clone)]
pub(crate) struct NodeDecl {
    pub(crate) package: Option<Subst>,
    pub(crate) executable: Subst,
    pub(crate) name: Option<Subst>,
    pub(crate) namespace: Option<Subst>,
    pub(crate) args: Option<Vec<Subst>>,
    pub(crate) ros_args: Option<Vec<Subst>>,
    pub(crate) params: Vec<ParamEntry>,
    pub(crate) remaps: Vec<(Subst, Subst)>,
}

/// One top-level `<param>` of a node: a file, or an inline tree (one temp file each).
#[derive(Debug, Clone)]
pub(crate) enum ParamEntry {
    File { path: Subst, allow_substs: Option<Subst>, at: Location },
    Inline(InlineParam),
}

#[derive(Debug, Clone)]
pub(crate) struct InlineParam {
    pub(crate) name: Subst,
    pub(crate) name_text: String,
    pub(crate) body: ParamBody,
    pub(crate) at: Location,
}

#[derive(Debug, Clone)]
pub(crate) enum ParamBody {
    Value { value: RawValue, data_type: DataType },
    Nested(Vec<InlineParam>),
}

const CONDITION_ATTRS: [&str; 2] = ["if", "unless"];
const SUPPORTED_TAGS: &str = "arg, let, group, push_ros_namespace, include, node, executable, \
                              set_env, unset_env";

/// Reads and parses a launch file.
pub(crate) fn load(path: &Path) -> Result<LaunchDescription> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::ReadLaunchFile { path: path.to_path_buf(), source })?;
    parse_str(&text, path)
}

/// Parses launch XML; `path` is used for positions and `$(filename)`.
pub(crate) fn parse_str(text: &str, path: &Path) -> Result<LaunchDescription> {
    let document = roxmltree::Document::parse(text)
        .map_err(|e| Error::MalformedXml { path: path.to_path_buf(), message: e.to_string() })?;
    let reader = Reader { document: &document, path };
    let root = document.root_element();
    if root.tag_name().name() != "launch" {
        return Err(Error::InvalidLaunchFile {
            at: reader.location(root.range().start),
            message: format!("expected <launch> as root tag, found <{}>", root.tag_name().name()),
        });
    }
    reader.check_attrs(root, &["deprecated"])?;
    if let Some(reason) = root.attribute("deprecated") {
        tracing::warn!(file = %path.display(), reason, "launch file is deprecated");
    }
    let actions = reader.actions(root)?;
    Ok(LaunchDescription { path: path.to_path_buf(), actions })
}

struct Reader<'a, 'input> {
    document: &'a roxmltree::Document<'input>,
    path: &'a Path,
}

type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

impl Reader<'_, '_> {
    fn location(&self, byte: usize) -> Location {
        let pos = self.document.text_pos_at(byte);
        Location { file: self.path.to_path_buf(), line: pos.row, column: pos.col }
    }

    fn at(&self, node: Node) -> Location {
        self.location(node.range().start)
    }

    fn attr_at(&self, node: Node, name: &str) -> Location {
        node.attributes()
            .find(|a| a.name() == name)
            .map_or_else(|| self.at(node), |a| self.location(a.range().start))
    }

    fn check_attrs(&self, node: Node, accepted: &[&str]) -> Result<()> {
        for attribute in node.attributes() {
            if !accepted.contains(&attribute.name()) {
                return Err(Error::UnsupportedAttribute {
                    at: self.location(attribute.range().start),
                    tag: node.tag_name().name().to_owned(),
                    attribute: attribute.name().to_owned(),
                    accepted: accepted.join(", "),
                });
            }
        }
        Ok(())
    }

    fn check_children(&self, node: Node, accepted: &[&str]) -> Result<()> {
        for child in elements(node) {
            if !accepted.contains(&child.tag_name().name()) {
                let hint = if accepted.is_empty() {
                    format!(" inside <{}> (it takes no child tags)", node.tag_name().name())
                } else {
                    format!(
                        " inside <{}> (accepted here: {})",
                        node.tag_name().name(),
                        accepted.join(", ")
                    )
                };
                return Err(Error::UnsupportedTag {
                    at: self.at(child),
                    tag: child.tag_name().name().to_owned(),
                    hint,
                });
            }
        }
        Ok(())
    }

    fn required<'n>(&self, node: Node<'n, '_>, name: &str) -> Result<&'n str> {
        node.attribute(name).ok_or_else(|| Error::MissingAttribute {
            at: self.at(node),
            tag: node.tag_name().name().to_owned(),
            attribute: name.to_owned(),
        })
    }

    fn subst_error(&self, at: Location, text: &str, error: SubstParseError) -> Error {
        match error {
            SubstParseError::Malformed(message) => {
                Error::MalformedSubstitution { at, text: text.to_owned(), message }
            }
            SubstParseError::Unsupported { name, hint } => {
                Error::UnsupportedSubstitution { at, name, hint }
            }
        }
    }

    fn subst(&self, node: Node, name: &str, text: &str) -> Result<Subst> {
        substitution::parse(text).map_err(|e| self.subst_error(self.attr_at(node, name), text, e))
    }

    fn required_subst(&self, node: Node, name: &str) -> Result<Subst> {
        let text = self.required(node, name)?;
        self.subst(node, name, text)
    }

    fn optional_subst(&self, node: Node, name: &str) -> Result<Option<Subst>> {
        node.attribute(name).map(|text| self.subst(node, name, text)).transpose()
    }

    fn cmdline(&self, node: Node, name: &str) -> Result<Option<Vec<Subst>>> {
        let Some(subst) = self.optional_subst(node, name)? else {
            return Ok(None);
        };
        cmdline::split_cmdline(&subst).map(Some).map_err(|message| Error::InvalidLaunchFile {
            at: self.attr_at(node, name),
            message: format!("cannot split `{name}` into arguments: {message}"),
        })
    }

    /// A literal boolean attribute (`get_attr(data_type=bool)`).
    fn bool_attr(&self, node: Node, name: &str) -> Result<Option<bool>> {
        let Some(text) = node.attribute(name) else { return Ok(None) };
        match literal_bool(text) {
            Some(value) => Ok(Some(value)),
            None => Err(Error::InvalidLaunchFile {
                at: self.attr_at(node, name),
                message: format!("`{name}` must be true or false, got {text:?}"),
            }),
        }
    }

    fn float_attr(&self, node: Node, name: &str) -> Result<Option<f64>> {
        let Some(text) = node.attribute(name) else { return Ok(None) };
        match crate::yaml::python_float(text) {
            Some(value) if value >= 0.0 => Ok(Some(value)),
            _ => Err(Error::InvalidLaunchFile {
                at: self.attr_at(node, name),
                message: format!("`{name}` must be a non-negative number, got {text:?}"),
            }),
        }
    }

    fn condition(&self, node: Node) -> Result<Option<Condition>> {
        match (node.attribute("if"), node.attribute("unless")) {
            (Some(_), Some(_)) => Err(Error::InvalidLaunchFile {
                at: self.at(node),
                message: "if and unless conditions can't be used simultaneously".into(),
            }),
            (Some(text), None) => Ok(Some(Condition {
                expression: self.subst(node, "if", text)?,
                text: text.to_owned(),
                negate: false,
            })),
            (None, Some(text)) => Ok(Some(Condition {
                expression: self.subst(node, "unless", text)?,
                text: text.to_owned(),
                negate: true,
            })),
            (None, None) => Ok(None),
        }
    }

    fn actions(&self, parent: Node) -> Result<Vec<Entry>> {
        elements(parent).map(|child| self.action(child)).collect()
    }

    fn action(&self, node: Node) -> Result<Entry> {
        let tag = node.tag_name().name();
        let with_conditions = |extra: &[&'static str]| -> Vec<&'static str> {
            extra.iter().copied().chain(CONDITION_ATTRS).collect()
        };
        let action = match tag {
            "arg" => {
                self.check_attrs(node, &with_conditions(&["name", "default", "description"]))?;
                self.check_children(node, &["choice"])?;
                let choices: Vec<String> = elements(node)
                    .map(|choice| {
                        self.check_attrs(choice, &["value"])?;
                        Ok(substitution::unescape(self.required(choice, "value")?))
                    })
                    .collect::<Result<_>>()?;
                if node.attribute("default").is_some() && elements(node).count() > 0 {
                    // launch checks a literal default against the choices at construction.
                    if let Some(default) = node.attribute("default")
                        && !default.contains("$(")
                        && !choices.iter().any(|c| c == &substitution::unescape(default))
                    {
                        return Err(Error::InvalidLaunchFile {
                            at: self.attr_at(node, "default"),
                            message: format!(
                                "default value {default:?} is not one of the choices {choices:?}"
                            ),
                        });
                    }
                }
                Action::Arg(ArgDecl {
                    name: substitution::unescape(self.required(node, "name")?),
                    default: self.optional_subst(node, "default")?,
                    description: node.attribute("description").map(substitution::unescape),
                    choices: (!choices.is_empty()).then_some(choices),
                })
            }
            "let" => {
                self.check_attrs(node, &with_conditions(&["name", "value"]))?;
                self.check_children(node, &[])?;
                Action::Let {
                    name: self.required_subst(node, "name")?,
                    value: self.required_subst(node, "value")?,
                }
            }
            "group" => {
                self.check_attrs(node, &with_conditions(&["scoped", "forwarding"]))?;
                let mut keeps = Vec::new();
                let mut actions = Vec::new();
                for child in elements(node) {
                    if child.tag_name().name() == "keep" {
                        self.check_attrs(child, &["name", "value"])?;
                        keeps.push((
                            self.required_subst(child, "name")?,
                            self.required_subst(child, "value")?,
                        ));
                    } else {
                        actions.push(self.action(child)?);
                    }
                }
                Action::Group {
                    scoped: self.bool_attr(node, "scoped")?.unwrap_or(true),
                    forwarding: self.bool_attr(node, "forwarding")?.unwrap_or(true),
                    keeps,
                    actions,
                }
            }
            "push_ros_namespace" | "push-ros-namespace" => {
                self.check_attrs(node, &with_conditions(&["namespace"]))?;
                self.check_children(node, &[])?;
                Action::PushRosNamespace { namespace: self.required_subst(node, "namespace")? }
            }
            "include" => {
                self.check_attrs(node, &with_conditions(&["file"]))?;
                let mut args = Vec::new();
                for child in elements(node) {
                    match child.tag_name().name() {
                        "arg" => {
                            self.check_attrs(child, &["name", "value"])?;
                            args.push((
                                self.required_subst(child, "name")?,
                                self.required_subst(child, "value")?,
                            ));
                        }
                        "let" => {
                            return Err(Error::UnsupportedTag {
                                at: self.at(child),
                                tag: "let".into(),
                                hint: " inside <include>: pass arguments with <arg name=\"...\" \
                                       value=\"...\"/> (ros2 launch silently ignores <let> here)"
                                    .into(),
                            });
                        }
                        other => {
                            return Err(Error::UnsupportedTag {
                                at: self.at(child),
                                tag: other.to_owned(),
                                hint: " inside <include> (accepted here: arg)".into(),
                            });
                        }
                    }
                }
                Action::Include { file: self.required_subst(node, "file")?, args }
            }
            "set_env" => {
                self.check_attrs(node, &with_conditions(&["name", "value"]))?;
                self.check_children(node, &[])?;
                Action::SetEnv {
                    name: self.required_subst(node, "name")?,
                    value: self.required_subst(node, "value")?,
                }
            }
            "unset_env" => {
                self.check_attrs(node, &with_conditions(&["name"]))?;
                self.check_children(node, &[])?;
                Action::UnsetEnv { name: self.required_subst(node, "name")? }
            }
            "node" => Action::Process(Box::new(self.node(node)?)),
            "executable" => Action::Process(Box::new(self.executable(node)?)),
            other => {
                let hint = match other {
                    "eval" => " (Python is not available)".to_owned(),
                    "set_parameter" | "set_remap" | "set_parameters_from_file"
                    | "set_use_sim_time" | "node_container" | "load_composable_node"
                    | "composable_node" | "timer" | "ros_timer" | "log" | "shutdown"
                    | "append_env" | "reset_env" | "reset" | "set_ros_log_dir"
                    | "lifecycle_node" => {
                        format!(": not implemented by embodied launch (supported: {SUPPORTED_TAGS})")
                    }
                    _ => format!(": unknown launch action (supported: {SUPPORTED_TAGS})"),
                };
                return Err(Error::UnsupportedTag { at: self.at(node), tag: other.to_owned(), hint });
            }
        };
        Ok(Entry { action, condition: self.condition(node)?, at: self.at(node) })
    }

    /// The ExecuteProcess attributes shared by `<node>` and `<executable>`.
    fn process_common(&self, node: Node, kind: ProcessKind, label: Option<Subst>) -> Result<ProcessDecl> {
        let on_exit_shutdown = match node.attribute("on_exit") {
            None => false,
            Some("shutdown") => true,
            Some(other) => {
                return Err(Error::InvalidLaunchFile {
                    at: self.attr_at(node, "on_exit"),
                    message: format!("on_exit must be \"shutdown\", got {other:?}"),
                });
            }
        };
        let respawn_max_retries = match node.attribute("respawn_max_retries") {
            None => None,
            Some(text) => Some(crate::yaml::python_int(text).ok_or_else(|| {
                Error::InvalidLaunchFile {
                    at: self.attr_at(node, "respawn_max_retries"),
                    message: format!("respawn_max_retries must be an integer, got {text:?}"),
                }
            })?),
        };
        let mut env = Vec::new();
        for child in elements(node).filter(|c| c.tag_name().name() == "env") {
            self.check_attrs(child, &["name", "value"])?;
            self.check_children(child, &[])?;
            env.push((self.required_subst(child, "name")?, self.required_subst(child, "value")?));
        }
        Ok(ProcessDecl {
            kind,
            label,
            cwd: self.optional_subst(node, "cwd")?,
            prefix: self.optional_subst(node, "launch-prefix")?,
            output: self.optional_subst(node, "output")?,
            respawn: self.optional_subst(node, "respawn")?,
            respawn_delay: self.float_attr(node, "respawn_delay")?,
            respawn_max_retries,
            on_exit_shutdown,
            sigterm_timeout: self.float_attr(node, "sigterm_timeout")?,
            sigkill_timeout: self.float_attr(node, "sigkill_timeout")?,
            env,
        })
    }

    fn node(&self, node: Node) -> Result<ProcessDecl> {
        const PROCESS_ATTRS: [&str; 11] = [
            "cwd", "launch-prefix", "output", "respawn", "respawn_delay", "respawn_max_retries",
            "on_exit", "sigterm_timeout", "sigkill_timeout", "if", "unless",
        ];
        let mut accepted =
            vec!["pkg", "exec", "name", "namespace", "args", "ros_args", "exec_name"];
        accepted.extend(PROCESS_ATTRS);
        self.check_attrs(node, &accepted)?;
        self.check_children(node, &["param", "remap", "env"])?;
        let mut remaps = Vec::new();
        let mut params = Vec::new();
        for child in elements(node) {
            match child.tag_name().name() {
                "remap" => {
                    self.check_attrs(child, &["from", "to"])?;
                    self.check_children(child, &[])?;
                    remaps.push((self.required_subst(child, "from")?, self.required_subst(child, "to")?));
                }
                "param" => params.push(self.param_entry(child)?),
                _ => {}
            }
        }
        let decl = NodeDecl {
            package: self.optional_subst(node, "pkg")?,
            executable: self.required_subst(node, "exec")?,
            name: self.optional_subst(node, "name")?,
            namespace: self.optional_subst(node, "namespace")?,
            args: self.cmdline(node, "args")?,
            ros_args: self.cmdline(node, "ros_args")?,
            params,
            remaps,
        };
        let label = self.optional_subst(node, "exec_name")?;
        self.process_common(node, ProcessKind::Node(decl), label)
    }

    fn executable(&self, node: Node) -> Result<ProcessDecl> {
        self.check_attrs(
            node,
            &[
                "cmd", "cwd", "name", "launch-prefix", "output", "respawn", "respawn_delay",
                "respawn_max_retries", "on_exit", "sigterm_timeout", "sigkill_timeout", "if",
                "unless",
            ],
        )?;
        self.check_children(node, &["env"])?;
        self.required(node, "cmd")?;
        let cmd = self.cmdline(node, "cmd")?.unwrap_or_default();
        let label = self.optional_subst(node, "name")?;
        self.process_common(node, ProcessKind::Executable { cmd }, label)
    }

    fn param_entry(&self, node: Node) -> Result<ParamEntry> {
        let at = self.at(node);
        match (node.attribute("name"), node.attribute("from")) {
            (Some(_), Some(_)) => Err(Error::InvalidLaunchFile {
                at,
                message: "<param>: name and from attributes are mutually exclusive".into(),
            }),
            (None, Some(from)) => {
                self.check_attrs(node, &["from", "allow_substs"])?;
                self.check_children(node, &[])?;
                let allow_substs = match node.attribute("allow_substs") {
                    None => None,
                    Some(text) => Some(match literal_bool(text) {
                        Some(value) => Subst::text(value.to_string()),
                        None => self.subst(node, "allow_substs", text)?,
                    }),
                };
                Ok(ParamEntry::File { path: self.subst(node, "from", from)?, allow_substs, at })
            }
            (Some(_), None) => {
                if node.attribute("allow_substs").is_some() {
                    return Err(Error::InvalidLaunchFile {
                        at,
                        message: "<param>: allow_substs can only be used together with from".into(),
                    });
                }
                Ok(ParamEntry::Inline(self.inline_param(node)?))
            }
            (None, None) => Err(Error::InvalidLaunchFile {
                at,
                message: "<param> needs a name or a from attribute".into(),
            }),
        }
    }

    fn inline_param(&self, node: Node) -> Result<InlineParam> {
        self.check_attrs(node, &["name", "value", "type", "value-sep"])?;
        self.check_children(node, &["param"])?;
        let at = self.at(node);
        let name_text = self.required(node, "name")?;
        let name = self.subst(node, "name", name_text)?;
        let nested: Vec<Node> = elements(node).collect();
        let invalid = |message: String| Error::InvalidParameter {
            at: at.clone(),
            name: name_text.to_owned(),
            message,
        };
        let data_type = match node.attribute("type") {
            None => DataType::default(),
            Some(identifier) => DataType::from_identifier(identifier).map_err(invalid)?,
        };
        let body = match node.attribute("value") {
            Some(_) if !nested.is_empty() => {
                return Err(invalid("nested parameters and value attributes are mutually exclusive".into()));
            }
            Some(text) => {
                let value = params::parse_value(text, node.attribute("value-sep"), data_type)
                    .map_err(|e| match e {
                        ValueParseError::Invalid(message) => invalid(message),
                        ValueParseError::Substitution(e) => {
                            self.subst_error(self.attr_at(node, "value"), text, e)
                        }
                    })?;
                ParamBody::Value { value, data_type }
            }
            None if !nested.is_empty() => {
                if node.attribute("type").is_some() {
                    return Err(invalid("nested parameters and type attributes are mutually exclusive".into()));
                }
                ParamBody::Nested(nested.into_iter().map(|n| self.inline_param(n)).collect::<Result<_>>()?)
            }
            None => return Err(invalid("either a value attribute or nested params are needed".into())),
        };
        Ok(InlineParam { name, name_text: name_text.to_owned(), body, at })
    }
}

/// launch's bool coercion of a literal attribute: `1`/`0` and YAML 1.1 booleans.
pub(crate) fn literal_bool(text: &str) -> Option<bool> {
    match text {
        "1" => Some(true),
        "0" => Some(false),
        other => match crate::yaml::resolve_plain(other) {
            Ok(crate::yaml::ParamValue::Bool(value)) => Some(value),
            _ => None,
        },
    }
}
