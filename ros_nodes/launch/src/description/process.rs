//! Parsing of `<node>`, `<executable>` and their `<param>`, `<remap>`, `<env>` children.

use super::{
    InlineParam, Node, NodeDecl, ParamBody, ParamEntry, ProcessDecl, ProcessKind, Reader, elements,
    literal_bool,
};
use crate::error::{Error, Result};
use crate::params::{self, DataType, ValueParseError};
use crate::substitution::Subst;

impl Reader<'_, '_> {
    /// The ExecuteProcess attributes shared by `<node>` and `<executable>`.
    fn process_common(
        &self,
        node: Node,
        kind: ProcessKind,
        label: Option<Subst>,
    ) -> Result<ProcessDecl> {
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
            Some(text) => {
                Some(
                    crate::yaml::python_int(text).ok_or_else(|| Error::InvalidLaunchFile {
                        at: self.attr_at(node, "respawn_max_retries"),
                        message: format!("respawn_max_retries must be an integer, got {text:?}"),
                    })?,
                )
            }
        };
        let mut env = Vec::new();
        for child in elements(node).filter(|c| c.tag_name().name() == "env") {
            self.check_attrs(child, &["name", "value"])?;
            self.check_children(child, &[])?;
            env.push((
                self.required_subst(child, "name")?,
                self.required_subst(child, "value")?,
            ));
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

    pub(super) fn node(&self, node: Node) -> Result<ProcessDecl> {
        const PROCESS_ATTRS: [&str; 11] = [
            "cwd",
            "launch-prefix",
            "output",
            "respawn",
            "respawn_delay",
            "respawn_max_retries",
            "on_exit",
            "sigterm_timeout",
            "sigkill_timeout",
            "if",
            "unless",
        ];
        let mut accepted = vec![
            "pkg",
            "exec",
            "name",
            "namespace",
            "args",
            "ros_args",
            "exec_name",
        ];
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
                    remaps.push((
                        self.required_subst(child, "from")?,
                        self.required_subst(child, "to")?,
                    ));
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

    pub(super) fn executable(&self, node: Node) -> Result<ProcessDecl> {
        self.check_attrs(
            node,
            &[
                "cmd",
                "cwd",
                "name",
                "launch-prefix",
                "output",
                "respawn",
                "respawn_delay",
                "respawn_max_retries",
                "on_exit",
                "sigterm_timeout",
                "sigkill_timeout",
                "if",
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
                Ok(ParamEntry::File {
                    path: self.subst(node, "from", from)?,
                    allow_substs,
                    at,
                })
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
                return Err(invalid(
                    "nested parameters and value attributes are mutually exclusive".into(),
                ));
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
                    return Err(invalid(
                        "nested parameters and type attributes are mutually exclusive".into(),
                    ));
                }
                ParamBody::Nested(
                    nested
                        .into_iter()
                        .map(|n| self.inline_param(n))
                        .collect::<Result<_>>()?,
                )
            }
            None => {
                return Err(invalid(
                    "either a value attribute or nested params are needed".into(),
                ));
            }
        };
        Ok(InlineParam {
            name,
            name_text: name_text.to_owned(),
            body,
            at,
        })
    }
}
