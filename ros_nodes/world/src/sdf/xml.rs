//! Small typed accessors over roxmltree nodes that turn every failure into a [`WorldError`]
//! naming the file, the element and its line.

use std::path::Path;
use std::str::FromStr;

use roxmltree::Node;

use crate::WorldError;

/// A roxmltree document plus the file it came from, for error messages.
pub(crate) struct XmlFile<'a> {
    pub(crate) path: &'a Path,
    pub(crate) doc: &'a roxmltree::Document<'a>,
}

impl<'a> XmlFile<'a> {
    /// 1-based line of a node.
    pub(crate) fn line(&self, node: Node<'_, '_>) -> u32 {
        self.doc.text_pos_at(node.range().start).row
    }

    pub(crate) fn missing(&self, node: Node<'_, '_>, missing: impl Into<String>) -> WorldError {
        WorldError::Missing {
            file: self.path.to_path_buf(),
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            missing: missing.into(),
        }
    }

    pub(crate) fn invalid(
        &self,
        node: Node<'_, '_>,
        value: &str,
        reason: impl Into<String>,
    ) -> WorldError {
        WorldError::InvalidValue {
            file: self.path.to_path_buf(),
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(&self, node: Node<'_, '_>, what: impl Into<String>) -> WorldError {
        WorldError::Unsupported {
            file: self.path.to_path_buf(),
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            what: what.into(),
        }
    }

    /// The value of a required attribute.
    pub(crate) fn attribute<'n>(
        &self,
        node: Node<'n, '_>,
        name: &str,
    ) -> Result<&'n str, WorldError> {
        node.attribute(name)
            .ok_or_else(|| self.missing(node, format!("attribute \"{name}\"")))
    }

    /// A required child element.
    pub(crate) fn required<'n, 'input>(
        &self,
        parent: Node<'n, 'input>,
        name: &str,
    ) -> Result<Node<'n, 'input>, WorldError> {
        child(parent, name).ok_or_else(|| self.missing(parent, format!("<{name}>")))
    }

    /// The text of an element, trimmed (empty when it has none).
    pub(crate) fn text<'n>(&self, node: Node<'n, '_>) -> &'n str {
        node.text().map(str::trim).unwrap_or("")
    }

    /// Parses an element's whole text.
    pub(crate) fn parse<T: FromStr>(
        &self,
        node: Node<'_, '_>,
        what: &str,
    ) -> Result<T, WorldError> {
        let text = self.text(node);
        text.parse()
            .map_err(|_| self.invalid(node, text, format!("expected {what}")))
    }

    /// Parses a finite number and checks it against `accept` (a description for the error).
    pub(crate) fn number(
        &self,
        node: Node<'_, '_>,
        accept: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Result<f64, WorldError> {
        let value: f64 = self.parse(node, "a number")?;
        if value.is_finite() && accept(value) {
            Ok(value)
        } else {
            Err(self.invalid(node, self.text(node), format!("expected {expected}")))
        }
    }

    /// Parses whitespace-separated numbers, exactly `count` of them.
    pub(crate) fn numbers(&self, node: Node<'_, '_>, count: usize) -> Result<Vec<f64>, WorldError> {
        let text = self.text(node);
        let values: Result<Vec<f64>, _> = text.split_whitespace().map(str::parse::<f64>).collect();
        match values {
            Ok(values) if values.len() == count && values.iter().all(|v| v.is_finite()) => {
                Ok(values)
            }
            _ => Err(self.invalid(node, text, format!("expected {count} numbers"))),
        }
    }

    /// Parses an SDF boolean (`true`/`false`/`1`/`0`).
    pub(crate) fn boolean(&self, node: Node<'_, '_>) -> Result<bool, WorldError> {
        match self.text(node) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(self.invalid(node, other, "expected true, false, 1 or 0")),
        }
    }
}

/// The first child element with the given tag name.
pub(crate) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// All child elements with the given tag name.
pub(crate) fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}
