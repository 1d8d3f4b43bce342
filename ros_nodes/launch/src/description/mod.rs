//! Reading a launch file into actions (launch's frontend `parse` step): every tag, attribute
//! and substitution is checked here, before anything runs, so a typo fails with its position.

mod process;

use std::path::{Path, PathBuf};

use crate::cmdline;
use crate::error::{Error, Location, Result};
use crate::params::{DataType, RawValue};
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
    Let {
        name: Subst,
        value: Subst,
    },
    Group {
        scoped: bool,
        forwarding: bool,
        keeps: Vec<(Subst, Subst)>,
        actions: Vec<Entry>,
    },
    PushRosNamespace {
        namespace: Subst,
    },
    Include {
        file: Subst,
        args: Vec<(Subst, Subst)>,
    },
    SetEnv {
        name: Subst,
        value: Subst,
    },
    UnsetEnv {
        name: Subst,
    },
    /// `<log message=...>`: a line in the launcher's log.
    Log {
        message: Subst,
    },
    /// `<set_parameter>`: `-p name:=value` for every later node in scope.
    SetParameter {
        name: Subst,
        value: Subst,
    },
    /// `<set_remap>`: `-r from:=to` for every later node in scope.
    SetRemap {
        from: Subst,
        to: Subst,
    },
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
    File {
        path: Subst,
        allow_substs: Option<Subst>,
        at: Location,
    },
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
    Value {
        value: RawValue,
        data_type: DataType,
    },
    Nested(Vec<InlineParam>),
}

const CONDITION_ATTRS: [&str; 2] = ["if", "unless"];
const SUPPORTED_TAGS: &str = "arg, let, group, push_ros_namespace, include, node, executable, \
                              set_env, unset_env, set_parameter, set_remap, log";

/// Reads and parses a launch file.
pub(crate) fn load(path: &Path) -> Result<LaunchDescription> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadLaunchFile {
        path: path.to_path_buf(),
        source,
    })?;
    parse_str(&text, path)
}

/// Parses launch XML; `path` is used for positions and `$(filename)`.
pub(crate) fn parse_str(text: &str, path: &Path) -> Result<LaunchDescription> {
    let document = roxmltree::Document::parse(text).map_err(|e| Error::MalformedXml {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let reader = Reader {
        document: &document,
        path,
    };
    let root = document.root_element();
    if root.tag_name().name() != "launch" {
        return Err(Error::InvalidLaunchFile {
            at: reader.location(root.range().start),
            message: format!(
                "expected <launch> as root tag, found <{}>",
                root.tag_name().name()
            ),
        });
    }
    reader.check_attrs(root, &["deprecated"])?;
    if let Some(reason) = root.attribute("deprecated") {
        tracing::warn!(file = %path.display(), reason, "launch file is deprecated");
    }
    let actions = reader.actions(root)?;
    Ok(LaunchDescription {
        path: path.to_path_buf(),
        actions,
    })
}

pub(super) struct Reader<'a, 'input> {
    document: &'a roxmltree::Document<'input>,
    path: &'a Path,
}

pub(super) type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

pub(super) fn elements<'a, 'input>(
    node: Node<'a, 'input>,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

impl Reader<'_, '_> {
    pub(super) fn location(&self, byte: usize) -> Location {
        let pos = self.document.text_pos_at(byte);
        Location {
            file: self.path.to_path_buf(),
            line: pos.row,
            column: pos.col,
        }
    }

    pub(super) fn at(&self, node: Node) -> Location {
        self.location(node.range().start)
    }

    pub(super) fn attr_at(&self, node: Node, name: &str) -> Location {
        node.attributes()
            .find(|a| a.name() == name)
            .map_or_else(|| self.at(node), |a| self.location(a.range().start))
    }

    pub(super) fn check_attrs(&self, node: Node, accepted: &[&str]) -> Result<()> {
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

    pub(super) fn check_children(&self, node: Node, accepted: &[&str]) -> Result<()> {
        for child in elements(node) {
            if !accepted.contains(&child.tag_name().name()) {
                let hint = if accepted.is_empty() {
                    format!(
                        " inside <{}> (it takes no child tags)",
                        node.tag_name().name()
                    )
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

    pub(super) fn required<'n>(&self, node: Node<'n, '_>, name: &str) -> Result<&'n str> {
        node.attribute(name).ok_or_else(|| Error::MissingAttribute {
            at: self.at(node),
            tag: node.tag_name().name().to_owned(),
            attribute: name.to_owned(),
        })
    }

    pub(super) fn subst_error(&self, at: Location, text: &str, error: SubstParseError) -> Error {
        match error {
            SubstParseError::Malformed(message) => Error::MalformedSubstitution {
                at,
                text: text.to_owned(),
                message,
            },
            SubstParseError::Unsupported { name, hint } => {
                Error::UnsupportedSubstitution { at, name, hint }
            }
        }
    }

    pub(super) fn subst(&self, node: Node, name: &str, text: &str) -> Result<Subst> {
        substitution::parse(text).map_err(|e| self.subst_error(self.attr_at(node, name), text, e))
    }

    pub(super) fn required_subst(&self, node: Node, name: &str) -> Result<Subst> {
        let text = self.required(node, name)?;
        self.subst(node, name, text)
    }

    pub(super) fn optional_subst(&self, node: Node, name: &str) -> Result<Option<Subst>> {
        node.attribute(name)
            .map(|text| self.subst(node, name, text))
            .transpose()
    }

    pub(super) fn cmdline(&self, node: Node, name: &str) -> Result<Option<Vec<Subst>>> {
        let Some(subst) = self.optional_subst(node, name)? else {
            return Ok(None);
        };
        cmdline::split_cmdline(&subst)
            .map(Some)
            .map_err(|message| Error::InvalidLaunchFile {
                at: self.attr_at(node, name),
                message: format!("cannot split `{name}` into arguments: {message}"),
            })
    }

    /// A literal boolean attribute (`get_attr(data_type=bool)`).
    pub(super) fn bool_attr(&self, node: Node, name: &str) -> Result<Option<bool>> {
        let Some(text) = node.attribute(name) else {
            return Ok(None);
        };
        match literal_bool(text) {
            Some(value) => Ok(Some(value)),
            None => Err(Error::InvalidLaunchFile {
                at: self.attr_at(node, name),
                message: format!("`{name}` must be true or false, got {text:?}"),
            }),
        }
    }

    pub(super) fn float_attr(&self, node: Node, name: &str) -> Result<Option<f64>> {
        let Some(text) = node.attribute(name) else {
            return Ok(None);
        };
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
                // Choices are checked against the value when the argument is declared at
                // launch time (launch never checks a default from XML earlier).
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
                Action::PushRosNamespace {
                    namespace: self.required_subst(node, "namespace")?,
                }
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
                Action::Include {
                    file: self.required_subst(node, "file")?,
                    args,
                }
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
                Action::UnsetEnv {
                    name: self.required_subst(node, "name")?,
                }
            }
            "log" => {
                self.check_attrs(node, &with_conditions(&["message"]))?;
                self.check_children(node, &[])?;
                Action::Log {
                    message: self.required_subst(node, "message")?,
                }
            }
            "set_parameter" => {
                self.check_attrs(node, &with_conditions(&["name", "value"]))?;
                self.check_children(node, &[])?;
                Action::SetParameter {
                    name: self.required_subst(node, "name")?,
                    value: self.required_subst(node, "value")?,
                }
            }
            "set_remap" => {
                self.check_attrs(node, &with_conditions(&["from", "to"]))?;
                self.check_children(node, &[])?;
                Action::SetRemap {
                    from: self.required_subst(node, "from")?,
                    to: self.required_subst(node, "to")?,
                }
            }
            "node" => Action::Process(Box::new(self.node(node)?)),
            "executable" => Action::Process(Box::new(self.executable(node)?)),
            other => {
                let hint = match other {
                    "set_parameters_from_file"
                    | "set_use_sim_time"
                    | "node_container"
                    | "load_composable_node"
                    | "composable_node"
                    | "timer"
                    | "ros_timer"
                    | "shutdown"
                    | "append_env"
                    | "reset_env"
                    | "reset"
                    | "set_ros_log_dir"
                    | "lifecycle_node" => {
                        format!(
                            ": not implemented by embodied launch (supported: {SUPPORTED_TAGS})"
                        )
                    }
                    _ => format!(": unknown launch action (supported: {SUPPORTED_TAGS})"),
                };
                return Err(Error::UnsupportedTag {
                    at: self.at(node),
                    tag: other.to_owned(),
                    hint,
                });
            }
        };
        Ok(Entry {
            action,
            condition: self.condition(node)?,
            at: self.at(node),
        })
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
