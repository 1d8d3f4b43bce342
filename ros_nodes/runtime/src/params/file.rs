//! Parameter YAML files in rcl's format.

use std::path::{Path, PathBuf};

use super::error::{ParamSource, ParamsError};
use super::value::ParamValue;
use super::yaml::{Node, parse_documents};

/// One parameter as written in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileParam {
    /// Flattened name (`vad.threshold`).
    pub name: String,
    /// The value.
    pub value: ParamValue,
    /// 1-based line of the parameter's name.
    pub line: usize,
}

/// One `node_key: ros__parameters:` section of a parameters file.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSection {
    /// Normalized node key: absolute, `/`-joined (`/robot1/voice`, `/**`).
    pub node_key: String,
    /// Flattened parameters in file order.
    pub params: Vec<FileParam>,
}

/// A parsed parameters file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamFile {
    /// The file it came from.
    pub path: PathBuf,
    /// Its node sections in file order.
    pub sections: Vec<NodeSection>,
}

const ROS_PARAMETERS: &str = "ros__parameters";

impl ParamFile {
    /// Reads and parses a parameters file.
    ///
    /// # Errors
    /// [`ParamsError::ReadFile`], [`ParamsError::Yaml`], [`ParamsError::Structure`] or
    /// [`ParamsError::InvalidValue`].
    pub fn load(path: &Path) -> Result<Self, ParamsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ParamsError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses parameters-file text; `path` is only used in errors.
    ///
    /// # Errors
    /// As [`ParamFile::load`], without the read error.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ParamsError> {
        let docs = parse_documents(text).map_err(|e| ParamsError::Yaml {
            path: path.to_owned(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let mut file = ParamFile {
            path: path.to_owned(),
            sections: Vec::new(),
        };
        for doc in &docs {
            match doc {
                Node::Map { .. } => file.collect_node_keys(doc, "")?,
                // A document holding only `~` or nothing has no parameters.
                Node::Scalar {
                    text,
                    quoted: false,
                    ..
                } if text.is_empty() || text == "~" => {}
                _ => {
                    return Err(file.structure_error(
                        doc.line(),
                        "",
                        "the top level must be a map of node names",
                    ));
                }
            }
        }
        Ok(file)
    }

    fn structure_error(&self, line: usize, key: &str, reason: &str) -> ParamsError {
        ParamsError::Structure {
            path: self.path.clone(),
            line,
            key: key.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// Walks namespace/node keys until `ros__parameters`.
    fn collect_node_keys(&mut self, map: &Node, prefix: &str) -> Result<(), ParamsError> {
        let Node::Map { entries, .. } = map else {
            return Err(self.structure_error(
                map.line(),
                prefix,
                "expected a map of node names or `ros__parameters`",
            ));
        };
        for (key, value) in entries {
            let Node::Scalar { text: key_text, .. } = key else {
                return Err(self.structure_error(
                    key.line(),
                    prefix,
                    "node and namespace keys must be plain names",
                ));
            };
            if key_text == ROS_PARAMETERS {
                if prefix.is_empty() {
                    return Err(self.structure_error(
                        key.line(),
                        ROS_PARAMETERS,
                        "`ros__parameters` needs a node name above it (use `/**` for every node)",
                    ));
                }
                let mut params = Vec::new();
                self.flatten(value, prefix, "", key.line(), &mut params)?;
                self.sections.push(NodeSection {
                    node_key: prefix.to_owned(),
                    params,
                });
                continue;
            }
            let node_key = join_node_key(prefix, key_text);
            if !matches!(value, Node::Map { .. }) {
                return Err(self.structure_error(
                    value.line(),
                    &node_key,
                    "expected a map containing `ros__parameters` under a node name",
                ));
            }
            self.collect_node_keys(value, &node_key)?;
        }
        Ok(())
    }

    /// Flattens the map under `ros__parameters` with `.`.
    fn flatten(
        &self,
        value: &Node,
        node_key: &str,
        name: &str,
        key_line: usize,
        out: &mut Vec<FileParam>,
    ) -> Result<(), ParamsError> {
        if let Node::Map { entries, .. } = value {
            for (key, child) in entries {
                let Node::Scalar { text: part, .. } = key else {
                    return Err(self.structure_error(
                        key.line(),
                        &format!("{node_key}: {name}"),
                        "parameter names must be plain names",
                    ));
                };
                let child_name = if name.is_empty() {
                    part.clone()
                } else {
                    format!("{name}.{part}")
                };
                self.flatten(child, node_key, &child_name, key.line(), out)?;
            }
            return Ok(());
        }
        if name.is_empty() {
            return Err(self.structure_error(
                value.line(),
                &format!("{node_key}/{ROS_PARAMETERS}"),
                "`ros__parameters` must be a map of parameter names",
            ));
        }
        // The line of the parameter's name: an empty value has no position of its own.
        let line = key_line;
        let parsed = ParamValue::from_node(value).map_err(|reason| ParamsError::InvalidValue {
            key: name.to_owned(),
            source_desc: ParamSource::File {
                path: self.path.clone(),
                node_key: node_key.to_owned(),
                line,
            },
            reason,
        })?;
        out.push(FileParam {
            name: name.to_owned(),
            value: parsed,
            line,
        });
        Ok(())
    }
}

/// Joins nested node keys with `/` and makes the result absolute, as rcl does.
pub(crate) fn join_node_key(prefix: &str, key: &str) -> String {
    let key = key.trim_matches('/');
    if prefix.is_empty() {
        format!("/{key}")
    } else {
        format!("{prefix}/{key}")
    }
}

/// Whether a node key (`/robot1/voice`, `/**`, `/*/voice`, `/**/voice`) matches a fully
/// qualified node name. Follows rclcpp: `/*` is one name token, `/**` any number of tokens.
pub fn node_key_matches(node_key: &str, fully_qualified_name: &str) -> bool {
    let pattern: Vec<&str> = split_tokens(node_key);
    let name: Vec<&str> = split_tokens(fully_qualified_name);
    glob_tokens(&pattern, &name)
}

fn split_tokens(text: &str) -> Vec<&str> {
    text.split('/').filter(|t| !t.is_empty()).collect()
}

fn glob_tokens(pattern: &[&str], name: &[&str]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((&"**", rest)) => (0..=name.len()).any(|skip| glob_tokens(rest, &name[skip..])),
        Some((&"*", rest)) => !name.is_empty() && glob_tokens(rest, &name[1..]),
        Some((token, rest)) => name.first() == Some(token) && glob_tokens(rest, &name[1..]),
    }
}
