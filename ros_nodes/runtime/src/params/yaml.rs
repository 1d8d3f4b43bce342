//! A YAML tree keeping what rcl's parameter parser looks at: each scalar's raw text, whether
//! it was quoted (rcl types only unquoted scalars) and its line, for errors.
//!
//! yaml-rust2's own `Yaml` values resolve types by YAML 1.2 rules (`yes` is a string there,
//! a bool in rcl) and drop quoting and positions, so the tree is built from parser events.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A scalar as written.
    Scalar {
        /// The text, without quotes.
        text: String,
        /// Single- or double-quoted.
        quoted: bool,
        /// 1-based line.
        line: usize,
    },
    /// A sequence.
    Seq {
        /// Its items.
        items: Vec<Node>,
        /// 1-based line where it starts.
        line: usize,
    },
    /// A mapping, in document order.
    Map {
        /// Key and value pairs.
        entries: Vec<(Node, Node)>,
        /// 1-based line where it starts.
        line: usize,
    },
}

impl Node {
    /// 1-based line where the node starts.
    pub(crate) fn line(&self) -> usize {
        match self {
            Self::Scalar { line, .. } | Self::Seq { line, .. } | Self::Map { line, .. } => *line,
        }
    }
}

/// A syntax error or an unsupported construct, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses every document of `text`.
pub(crate) fn parse_documents(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let mut builder = TreeBuilder::default();
    Parser::new_from_str(text)
        .load(&mut builder, true)
        .map_err(|e| SyntaxError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
        })?;
    match builder.error {
        Some(error) => Err(error),
        None => Ok(builder.documents),
    }
}

enum Open {
    Seq(Vec<Node>, usize),
    Map(Vec<(Node, Node)>, Option<Node>, usize),
}

#[derive(Default)]
struct TreeBuilder {
    open: Vec<Open>,
    documents: Vec<Node>,
    error: Option<SyntaxError>,
}

impl TreeBuilder {
    fn add(&mut self, node: Node) {
        match self.open.last_mut() {
            None => self.documents.push(node),
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(entries, pending_key, _)) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(text, style, _anchor, _tag) => {
                // Tags are ignored, as rcl ignores them: the text decides the type.
                let quoted = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                self.add(Node::Scalar { text, quoted, line });
            }
            Event::SequenceStart(..) => self.open.push(Open::Seq(Vec::new(), line)),
            Event::MappingStart(..) => self.open.push(Open::Map(Vec::new(), None, line)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.open.pop() {
                    Some(Open::Seq(items, line)) => Node::Seq { items, line },
                    Some(Open::Map(entries, _, line)) => Node::Map { entries, line },
                    // The parser balances start and end events.
                    None => return,
                };
                self.add(node);
            }
            Event::Alias(_) => {
                if self.error.is_none() {
                    self.error = Some(SyntaxError {
                        line,
                        column: mark.col() + 1,
                        message: "YAML aliases (`*name`) are not supported in parameter files"
                            .to_owned(),
                    });
                }
                // Keep the tree shape consistent; the error is reported at the end.
                self.add(Node::Scalar {
                    text: String::new(),
                    quoted: true,
                    line,
                });
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_quoting_and_lines() {
        let docs = parse_documents("a: yes\nb: 'yes'\nc: [1, \"2\"]\n").unwrap();
        let [Node::Map { entries, line: 1 }] = docs.as_slice() else {
            panic!("{docs:?}")
        };
        assert_eq!(
            entries[1].1,
            Node::Scalar {
                text: "yes".into(),
                quoted: true,
                line: 2
            }
        );
        let Node::Seq { items, line: 3 } = &entries[2].1 else {
            panic!("{entries:?}")
        };
        assert_eq!(
            items[1],
            Node::Scalar {
                text: "2".into(),
                quoted: true,
                line: 3
            }
        );
    }

    #[test]
    fn aliases_and_syntax_errors_have_positions() {
        assert_eq!(
            parse_documents("a: &x 1\nb: *x\n").unwrap_err(),
            SyntaxError {
                line: 2,
                column: 4,
                message: "YAML aliases (`*name`) are not supported in parameter files".into()
            }
        );
        let error = parse_documents("a: [1, 2\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 1));
        assert!(parse_documents("").unwrap().is_empty());
    }
}
