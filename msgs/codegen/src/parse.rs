//! Parser for the ROS 2 interface definition format (`.msg`, `.srv`, `.action`).
//!
//! Grammar handled, line by line: `# comment`, blank lines, `TYPE NAME [DEFAULT]` fields,
//! `TYPE NAME=VALUE` constants and, in services and actions, `---` section separators.
//! `TYPE` is a builtin (`bool`, `byte`, `char`, `float32/64`, `[u]int8..64`, `string`,
//! `string<=N`), `Type` (same package, `Header` meaning `std_msgs/Header`) or `pkg/Type`, with an
//! optional suffix `[N]`, `[]` or `[<=N]`.
//!
//! The rules follow ROS 2's reference parser (`rosidl_adapter.parser`, Jazzy), so a file accepted
//! here also builds with `rosidl_generate_interfaces`: `#` starts a comment anywhere on a line
//! (even inside quotes), a line whose text after the type contains `=` is a constant, definitions
//! start in column 0, tabs count as spaces, constants have a builtin or unbounded string type,
//! integers may be written in decimal or with a `0x`/`0o`/`0b` prefix, and quoted strings only
//! unescape their own quote character.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{ParseError, ParseErrorKind};
use crate::model::{
    ArrayKind, BaseType, Constant, Field, FieldType, InterfaceFile, InterfaceKind, Literal,
    MessageSpec, Primitive, TypeRef,
};

/// Parses the text of one interface file.
///
/// `package` owns the file, `name` is its base name (`AudioChunk`), `file` is only used in
/// errors and in the returned model.
///
/// # Errors
/// A [`ParseError`] naming the file and line of the first malformed line.
pub fn parse_interface(
    package: &str,
    kind: InterfaceKind,
    name: &str,
    text: &str,
    file: &Path,
) -> Result<InterfaceFile, ParseError> {
    let err = |line: usize, kind: ParseErrorKind| ParseError {
        file: file.to_path_buf(),
        line,
        kind,
    };

    // Split into sections at `---` lines, keeping 1-based line numbers.
    let mut sections: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        // ROS 2 requires the separator alone on its line, unindented.
        if line == "---" {
            sections.push(Vec::new());
        } else if let Some(current) = sections.last_mut() {
            current.push((index + 1, line));
        }
    }
    let suffixes = kind.section_suffixes();
    if sections.len() != suffixes.len() {
        return Err(err(
            0,
            ParseErrorKind::SectionCount {
                kind: kind.as_str(),
                expected: suffixes.len(),
                found: sections.len(),
            },
        ));
    }

    let mut messages = Vec::with_capacity(sections.len());
    for (lines, suffix) in sections.iter().zip(suffixes) {
        let mut spec = MessageSpec {
            package: package.to_string(),
            kind,
            name: format!("{name}{suffix}"),
            fields: Vec::new(),
            constants: Vec::new(),
            doc: Vec::new(),
            file: file.to_path_buf(),
        };
        parse_section(&mut spec, lines).map_err(|(line, kind)| err(line, kind))?;
        messages.push(spec);
    }
    Ok(InterfaceFile {
        package: package.to_string(),
        kind,
        name: name.to_string(),
        messages,
        file: file.to_path_buf(),
    })
}

type LineError = (usize, ParseErrorKind);

fn parse_section(spec: &mut MessageSpec, lines: &[(usize, &str)]) -> Result<(), LineError> {
    let mut pending_doc: Vec<String> = Vec::new();
    // The opening comment block of a section documents the section when a blank line ends it.
    let mut at_section_start = true;
    let mut names: HashMap<String, usize> = HashMap::new();

    // Index of the last definition, for indented comment lines that continue its comment.
    let mut last: Option<Last> = None;

    for &(line_no, raw_line) in lines {
        let line = raw_line.replace('\t', " ");
        let (definition, comment) = split_comment(&line);
        let definition = definition.trim_end();
        if definition.is_empty() {
            match comment {
                // `   # more` continues the comment of the definition above it.
                Some(text) if line.starts_with(' ') && last.is_some() => {
                    if let Some(doc) = last.and_then(|l| l.doc_mut(spec)) {
                        doc.push(text);
                    }
                }
                Some(text) => pending_doc.push(text),
                None => {
                    if at_section_start && !pending_doc.is_empty() {
                        spec.doc.append(&mut pending_doc);
                    }
                    at_section_start = spec.doc.is_empty() && pending_doc.is_empty();
                }
            }
            continue;
        }
        if definition.starts_with(' ') {
            return Err((
                line_no,
                ParseErrorKind::IndentedDefinition {
                    text: definition.trim().to_string(),
                },
            ));
        }
        at_section_start = false;
        let mut doc = std::mem::take(&mut pending_doc);
        if let Some(trailing) = comment {
            // A blank line keeps the comment above and the trailing one separate paragraphs.
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(trailing);
        }

        let (type_text, rest) = definition.split_once(' ').unwrap_or((definition, ""));
        let rest = rest.trim_start();
        if rest.is_empty() {
            return Err((
                line_no,
                ParseErrorKind::MissingName {
                    text: definition.to_string(),
                },
            ));
        }

        if let Some((name, value_text)) = rest.split_once('=') {
            let name = name.trim_end();
            let value_text = value_text.trim_start();
            let constant = parse_constant(type_text, name, value_text, &spec.package)
                .map_err(|k| (line_no, k))?;
            check_unique(&mut names, name, line_no)?;
            spec.constants.push(Constant {
                doc,
                line: line_no,
                ..constant
            });
            last = Some(Last::Constant(spec.constants.len() - 1));
        } else {
            let (name, default_text) = rest.split_once(' ').unwrap_or((rest, ""));
            let default_text = default_text.trim_start();
            if !is_field_name(name) {
                return Err((
                    line_no,
                    ParseErrorKind::InvalidFieldName {
                        name: name.to_string(),
                    },
                ));
            }
            let ty = parse_field_type(type_text, &spec.package).map_err(|k| (line_no, k))?;
            let default = if default_text.is_empty() {
                None
            } else {
                Some(parse_default(&ty, default_text).map_err(|k| (line_no, k))?)
            };
            check_unique(&mut names, name, line_no)?;
            spec.fields.push(Field {
                name: name.to_string(),
                ty,
                default,
                doc,
                line: line_no,
            });
            last = Some(Last::Field(spec.fields.len() - 1));
        }
    }
    // A trailing comment block with no definition after it still documents the section
    // when the section has nothing else to say (e.g. an empty message explained by a comment).
    if spec.doc.is_empty() && spec.fields.is_empty() && spec.constants.is_empty() {
        spec.doc = pending_doc;
    }
    Ok(())
}

/// The definition most recently parsed in a section.
#[derive(Clone, Copy)]
enum Last {
    Field(usize),
    Constant(usize),
}

impl Last {
    fn doc_mut(self, spec: &mut MessageSpec) -> Option<&mut Vec<String>> {
        match self {
            Self::Field(i) => spec.fields.get_mut(i).map(|f| &mut f.doc),
            Self::Constant(i) => spec.constants.get_mut(i).map(|c| &mut c.doc),
        }
    }
}

fn check_unique(
    names: &mut HashMap<String, usize>,
    name: &str,
    line_no: usize,
) -> Result<(), LineError> {
    match names.insert(name.to_string(), line_no) {
        Some(first_line) => Err((
            line_no,
            ParseErrorKind::DuplicateName {
                name: name.to_string(),
                first_line,
            },
        )),
        None => Ok(()),
    }
}

/// A constant: `TYPE NAME=VALUE` with a builtin or unbounded string type. Doc and line are
/// filled in by the caller.
fn parse_constant(
    type_text: &str,
    name: &str,
    value_text: &str,
    package: &str,
) -> Result<Constant, ParseErrorKind> {
    if !is_constant_name(name) {
        return Err(ParseErrorKind::InvalidConstantName {
            name: name.to_string(),
        });
    }
    let ty = parse_field_type(type_text, package)?;
    let base = match (&ty.base, ty.array) {
        (BaseType::Primitive(_) | BaseType::String { max_len: None }, ArrayKind::Single) => {
            ty.base.clone()
        }
        _ => {
            return Err(ParseErrorKind::ConstantType {
                name: name.to_string(),
                ty: ty.to_string(),
            });
        }
    };
    // `string EMPTY=` is a valid empty string; other types need a value.
    if value_text.is_empty() && !matches!(base, BaseType::String { .. }) {
        return Err(ParseErrorKind::MissingConstantValue {
            name: name.to_string(),
        });
    }
    let value = parse_scalar_literal(&base, value_text)?;
    Ok(Constant {
        name: name.to_string(),
        ty: base,
        value,
        doc: Vec::new(),
        line: 0,
    })
}

/// Splits a line at its first `#` (ROS 2 has no quoting rule for comments). Returns the
/// definition part and the comment text (without `#` and one leading space).
fn split_comment(line: &str) -> (&str, Option<String>) {
    match line.split_once('#') {
        Some((definition, comment)) => {
            let text = comment.trim_start_matches('#');
            let text = text.strip_prefix(' ').unwrap_or(text).trim_end();
            (definition, Some(text.to_string()))
        }
        None => (line, None),
    }
}

fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

fn is_constant_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// True for a valid ROS package name (`[a-z][a-z0-9_]*`, no `__`, no trailing `_`).
pub fn is_package_name(name: &str) -> bool {
    // Same rule as field names in ROS 2.
    is_field_name(name)
}

/// True for a valid message type name (`[A-Z][A-Za-z0-9]*`).
pub fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn parse_size(text: &str, whole: &str) -> Result<usize, ParseErrorKind> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 && text.chars().all(|c| c.is_ascii_digit()) => Ok(n),
        _ => Err(ParseErrorKind::InvalidSize {
            text: whole.to_string(),
        }),
    }
}

/// Parses a type token such as `uint8[]`, `string<=10`, `geometry_msgs/Pose[3]`.
fn parse_field_type(text: &str, package: &str) -> Result<FieldType, ParseErrorKind> {
    let (base_text, array) = match text.strip_suffix(']') {
        Some(head) => {
            let open = head
                .rfind('[')
                .ok_or_else(|| ParseErrorKind::InvalidTypeName {
                    name: text.to_string(),
                })?;
            let inner = &head[open + 1..];
            let array = if inner.is_empty() {
                ArrayKind::Unbounded
            } else if let Some(bound) = inner.strip_prefix("<=") {
                ArrayKind::Bounded(parse_size(bound, text)?)
            } else {
                ArrayKind::Fixed(parse_size(inner, text)?)
            };
            (&head[..open], array)
        }
        None => (text, ArrayKind::Single),
    };
    if base_text.contains('[') || base_text.contains(']') {
        return Err(ParseErrorKind::InvalidTypeName {
            name: text.to_string(),
        });
    }
    let base = parse_base_type(base_text, package)?;
    Ok(FieldType { base, array })
}

fn parse_base_type(text: &str, package: &str) -> Result<BaseType, ParseErrorKind> {
    if let Some(primitive) = Primitive::from_ros_name(text) {
        return Ok(BaseType::Primitive(primitive));
    }
    if text == "string" {
        return Ok(BaseType::String { max_len: None });
    }
    if let Some(bound) = text.strip_prefix("string<=") {
        return Ok(BaseType::String {
            max_len: Some(parse_size(bound, text)?),
        });
    }
    if text == "time" || text == "duration" {
        return Err(ParseErrorKind::UnsupportedType {
            name: text.to_string(),
            reason: "ROS 1 builtin; use builtin_interfaces/Time or builtin_interfaces/Duration",
        });
    }
    if text == "wstring" || text.starts_with("wstring<=") {
        return Err(ParseErrorKind::UnsupportedType {
            name: text.to_string(),
            reason: "wstring (UTF-16) has no agreed CDR layout across ROS 2 middlewares; use string",
        });
    }
    let invalid = || ParseErrorKind::InvalidTypeName {
        name: text.to_string(),
    };
    let type_ref = match text.split('/').collect::<Vec<_>>().as_slice() {
        ["Header"] => TypeRef {
            package: "std_msgs".to_string(),
            name: "Header".to_string(),
        },
        [name] => TypeRef {
            package: package.to_string(),
            name: (*name).to_string(),
        },
        [pkg, name] | [pkg, "msg", name] => TypeRef {
            package: (*pkg).to_string(),
            name: (*name).to_string(),
        },
        _ => return Err(invalid()),
    };
    if !is_package_name(&type_ref.package) || !is_type_name(&type_ref.name) {
        return Err(invalid());
    }
    Ok(BaseType::Named(type_ref))
}

fn invalid_literal(ty: &BaseType, text: &str, reason: impl Into<String>) -> ParseErrorKind {
    ParseErrorKind::InvalidLiteral {
        ty: ty.to_string(),
        text: text.to_string(),
        reason: reason.into(),
    }
}

/// Parses a single (non-array) value of a primitive or string type.
fn parse_scalar_literal(ty: &BaseType, text: &str) -> Result<Literal, ParseErrorKind> {
    match ty {
        BaseType::Primitive(Primitive::Bool) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Literal::Bool(true)),
            "false" | "0" => Ok(Literal::Bool(false)),
            _ => Err(invalid_literal(ty, text, "expected true, false, 1 or 0")),
        },
        BaseType::Primitive(p) if p.is_float() => {
            let value: f64 = without_digit_separators(text)
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| invalid_literal(ty, text, "not a number"))?;
            if *p == Primitive::Float32 && value.is_finite() && (value as f32).is_infinite() {
                return Err(invalid_literal(ty, text, "out of range for float32"));
            }
            Ok(Literal::Float(value))
        }
        BaseType::Primitive(p) => {
            let (min, max) = p.integer_range().ok_or_else(|| {
                invalid_literal(ty, text, "internal: primitive without integer range")
            })?;
            let value = parse_integer(text).ok_or_else(|| {
                invalid_literal(ty, text, "expected an integer (decimal, 0x, 0o or 0b)")
            })?;
            if value < min || value > max {
                return Err(invalid_literal(
                    ty,
                    text,
                    format!("out of range [{min}, {max}]"),
                ));
            }
            Ok(Literal::Int(value))
        }
        BaseType::String { max_len } => {
            let value = parse_string_literal(text)?;
            let chars = value.chars().count();
            if let Some(max) = max_len
                && chars > *max
            {
                return Err(invalid_literal(
                    ty,
                    text,
                    format!("{chars} characters exceed the bound {max}"),
                ));
            }
            Ok(Literal::String(value))
        }
        BaseType::Named(_) => Err(invalid_literal(
            ty,
            text,
            "message-typed fields cannot have default values",
        )),
    }
}

/// A string value as ROS 2 reads it: when the text starts and ends with the same quote, the
/// quotes are removed and `\\<quote>` becomes `<quote>` (an unescaped inner quote is an error);
/// otherwise the text is taken as it is.
fn parse_string_literal(text: &str) -> Result<String, ParseErrorKind> {
    for quote in ['"', '\''] {
        let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) else {
            continue;
        };
        let mut previous = None;
        for c in inner.chars() {
            if c == quote && previous != Some('\\') {
                return Err(ParseErrorKind::InvalidLiteral {
                    ty: "string".to_string(),
                    text: text.to_string(),
                    reason: format!("inner {quote} must be escaped as \\{quote}"),
                });
            }
            previous = Some(c);
        }
        return Ok(inner.replace(&format!("\\{quote}"), &quote.to_string()));
    }
    Ok(text.to_string())
}

/// Parses an integer the way Python's `int(s)` then `int(s, 0)` do: optional sign, decimal
/// digits or a `0x`/`0o`/`0b` prefix, single `_` between digits.
fn parse_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.strip_prefix('_').unwrap_or(d))
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.strip_prefix('_').unwrap_or(d))
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.strip_prefix('_').unwrap_or(d))
    } else {
        (10, lower.as_str())
    };
    let digits = without_digit_separators(digits)?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Removes `_` digit separators, which are only allowed singly and between two characters.
fn without_digit_separators(text: &str) -> Option<String> {
    if text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return None;
    }
    Some(text.replace('_', ""))
}

/// Splits `[a, "b,c", d]` into its top-level elements.
fn split_array_literal(text: &str, ty: &FieldType) -> Result<Vec<String>, ParseErrorKind> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| ParseErrorKind::InvalidLiteral {
            ty: ty.to_string(),
            text: text.to_string(),
            reason: "array defaults are written `[a, b, ...]`".to_string(),
        })?;
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in inner.chars() {
        match quote {
            Some(q) => {
                current.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == ',' => items.push(std::mem::take(&mut current)),
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                current.push(c);
            }
        }
    }
    if quote.is_some() {
        return Err(ParseErrorKind::UnterminatedString {
            text: text.to_string(),
        });
    }
    if !current.trim().is_empty() || !items.is_empty() {
        items.push(current);
    }
    Ok(items.into_iter().map(|s| s.trim().to_string()).collect())
}

fn parse_default(ty: &FieldType, text: &str) -> Result<Literal, ParseErrorKind> {
    if matches!(ty.base, BaseType::Named(_)) {
        return Err(invalid_literal(
            &ty.base,
            text,
            "message-typed fields cannot have default values",
        ));
    }
    if ty.array == ArrayKind::Single {
        return parse_scalar_literal(&ty.base, text);
    }
    let items = split_array_literal(text, ty)?;
    let (ok, expected) = match ty.array {
        ArrayKind::Fixed(n) => (items.len() == n, format!("expected exactly {n}")),
        ArrayKind::Bounded(n) => (items.len() <= n, format!("expected at most {n}")),
        ArrayKind::Unbounded | ArrayKind::Single => (true, String::new()),
    };
    if !ok {
        return Err(ParseErrorKind::ArrayDefaultLength {
            ty: ty.to_string(),
            expected,
            found: items.len(),
        });
    }
    let values = items
        .iter()
        .map(|item| parse_scalar_literal(&ty.base, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Literal::Array(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_msg(text: &str) -> Result<MessageSpec, ParseError> {
        let file = parse_interface(
            "demo_msgs",
            InterfaceKind::Msg,
            "Demo",
            text,
            Path::new("msg/Demo.msg"),
        )?;
        Ok(file.messages.into_iter().next().unwrap())
    }

    fn parse_err(text: &str) -> ParseError {
        parse_msg(text).unwrap_err()
    }

    #[test]
    fn parses_builtin_fields_with_comments() {
        let spec = parse_msg(
            "# Demo message.\n\n# sample rate\nuint32 sample_rate # Hz\nfloat64 x\nbool flag\n",
        )
        .unwrap();
        assert_eq!(spec.doc, vec!["Demo message."]);
        assert_eq!(spec.fields.len(), 3);
        let f = &spec.fields[0];
        assert_eq!(f.name, "sample_rate");
        assert_eq!(f.ty.base, BaseType::Primitive(Primitive::UInt32));
        assert_eq!(f.ty.array, ArrayKind::Single);
        assert_eq!(f.doc, vec!["sample rate", "", "Hz"]);
        assert_eq!(f.line, 4);
        assert_eq!(
            spec.fields[1].ty.base,
            BaseType::Primitive(Primitive::Float64)
        );
    }

    #[test]
    fn parses_every_array_and_string_form() {
        let spec = parse_msg(
            "uint8[] data\nfloat64[36] cov\nint16[<=4] few\nstring<=10 short\nstring<=5[<=3] names\n",
        )
        .unwrap();
        let kinds: Vec<_> = spec.fields.iter().map(|f| f.ty.array).collect();
        assert_eq!(
            kinds,
            vec![
                ArrayKind::Unbounded,
                ArrayKind::Fixed(36),
                ArrayKind::Bounded(4),
                ArrayKind::Single,
                ArrayKind::Bounded(3)
            ]
        );
        assert_eq!(
            spec.fields[3].ty.base,
            BaseType::String { max_len: Some(10) }
        );
        assert_eq!(spec.fields[4].ty.to_string(), "string<=5[<=3]");
    }

    #[test]
    fn resolves_nested_type_names() {
        let spec = parse_msg(
            "Header header\ngeometry_msgs/Pose pose\nOther local\nnav_msgs/msg/Odometry odom\n",
        )
        .unwrap();
        let refs: Vec<String> = spec.fields.iter().map(|f| f.ty.base.to_string()).collect();
        assert_eq!(
            refs,
            vec![
                "std_msgs/Header",
                "geometry_msgs/Pose",
                "demo_msgs/Other",
                "nav_msgs/Odometry"
            ]
        );
    }

    #[test]
    fn parses_constants_of_every_kind() {
        let spec = parse_msg(
            "uint8 A=1\nint8 NEG = -128\nfloat32 F=0.5\nbool B=True\nstring S=\"say \\\"hi\\\"\" # comment\nstring BARE=hello world\nuint64 BIG=18446744073709551615\nuint8 HEX=0xFF\nint32 SEP=-1_000\nstring EMPTY=\nstring HASH=\"a#b\"\n",
        )
        .unwrap();
        let values: Vec<_> = spec.constants.iter().map(|c| c.value.clone()).collect();
        assert_eq!(
            values,
            vec![
                Literal::Int(1),
                Literal::Int(-128),
                Literal::Float(0.5),
                Literal::Bool(true),
                Literal::String("say \"hi\"".into()),
                Literal::String("hello world".into()),
                Literal::Int(u64::MAX as i128),
                Literal::Int(255),
                Literal::Int(-1000),
                Literal::String(String::new()),
                // `#` always starts a comment in ROS 2, even inside quotes.
                Literal::String("\"a".into()),
            ]
        );
        assert_eq!(spec.constants[4].doc, vec!["comment"]);
        assert_eq!(spec.constants[10].doc, vec!["b\""]);
        assert!(spec.fields.is_empty());
    }

    #[test]
    fn parses_defaults() {
        let spec = parse_msg("string s 'it's'\n");
        // An unescaped inner quote is an error, as in rosidl.
        assert!(spec.is_err());
        let spec = parse_msg(
            "int32 x 5\nstring s \"a \\\"q\\\"\"\nfloat64[3] v [1.0, 2, -3.5]\nstring[] names [\"a,b\", 'c']\nbool on false\nint8[] none []\n",
        )
        .unwrap();
        let defaults: Vec<_> = spec.fields.iter().map(|f| f.default.clone()).collect();
        assert_eq!(
            defaults,
            vec![
                Some(Literal::Int(5)),
                Some(Literal::String("a \"q\"".into())),
                Some(Literal::Array(vec![
                    Literal::Float(1.0),
                    Literal::Float(2.0),
                    Literal::Float(-3.5)
                ])),
                Some(Literal::Array(vec![
                    Literal::String("a,b".into()),
                    Literal::String("c".into())
                ])),
                Some(Literal::Bool(false)),
                Some(Literal::Array(vec![])),
            ]
        );
    }

    #[test]
    fn splits_services_and_actions() {
        let srv = parse_interface(
            "demo_msgs",
            InterfaceKind::Srv,
            "Add",
            "int64 a\nint64 b\n---\nint64 sum\n",
            Path::new("srv/Add.srv"),
        )
        .unwrap();
        let names: Vec<_> = srv.messages.iter().map(|m| m.name.clone()).collect();
        assert_eq!(names, vec!["Add_Request", "Add_Response"]);
        assert_eq!(srv.messages[1].fields[0].line, 4);
        assert_eq!(srv.messages[1].rust_name(), "AddResponse");

        let action = parse_interface(
            "demo_msgs",
            InterfaceKind::Action,
            "Go",
            "int32 goal\n---\n---\nfloat32 progress\n",
            Path::new("action/Go.action"),
        )
        .unwrap();
        assert_eq!(action.messages.len(), 3);
        assert!(action.messages[1].fields.is_empty());
        assert_eq!(
            action.messages[2].type_name(),
            "demo_msgs/action/Go_Feedback"
        );
    }

    #[test]
    fn wrong_section_count_is_an_error() {
        let err = parse_interface(
            "demo_msgs",
            InterfaceKind::Srv,
            "Add",
            "int64 a\n",
            Path::new("srv/Add.srv"),
        )
        .unwrap_err();
        assert_eq!(
            err.kind,
            ParseErrorKind::SectionCount {
                kind: "srv",
                expected: 2,
                found: 1
            }
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse_err("uint8 ok\n\nfloat65 bad\n");
        assert_eq!(err.line, 3);
        assert_eq!(
            err.to_string(),
            "msg/Demo.msg:3: invalid type `float65`: expected a builtin type, `Type` or `package/Type`"
        );
    }

    /// A malformed input and a check of the error kind it must give.
    type BadCase = (&'static str, fn(&ParseErrorKind) -> bool);

    #[test]
    fn rejects_malformed_lines() {
        let cases: Vec<BadCase> = vec![
            ("uint8\n", |k| {
                matches!(k, ParseErrorKind::MissingName { .. })
            }),
            ("uint8 Bad\n", |k| {
                matches!(k, ParseErrorKind::InvalidFieldName { .. })
            }),
            ("uint8 bad_\n", |k| {
                matches!(k, ParseErrorKind::InvalidFieldName { .. })
            }),
            ("uint8 a__b\n", |k| {
                matches!(k, ParseErrorKind::InvalidFieldName { .. })
            }),
            ("uint8 lower=1\n", |k| {
                matches!(k, ParseErrorKind::InvalidConstantName { .. })
            }),
            ("uint8 A=256\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("uint8 A=-1\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("uint8 A=0x100\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("uint8 A=1.0\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("string<=3 S=\"ab\"\n", |k| {
                matches!(k, ParseErrorKind::ConstantType { .. })
            }),
            ("  uint8 indented\n", |k| {
                matches!(k, ParseErrorKind::IndentedDefinition { .. })
            }),
            ("time stamp\n", |k| {
                matches!(k, ParseErrorKind::UnsupportedType { .. })
            }),
            ("string s \"a=b\"\n", |k| {
                matches!(k, ParseErrorKind::InvalidConstantName { .. })
            }),
            ("uint8 A=\n", |k| {
                matches!(k, ParseErrorKind::MissingConstantValue { .. })
            }),
            ("uint8[2] A=1\n", |k| {
                matches!(k, ParseErrorKind::ConstantType { .. })
            }),
            ("geometry_msgs/Point P=1\n", |k| {
                matches!(k, ParseErrorKind::ConstantType { .. })
            }),
            ("bool B=yes\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("float32 F=1e39\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("uint8[0] a\n", |k| {
                matches!(k, ParseErrorKind::InvalidSize { .. })
            }),
            ("uint8[<=x] a\n", |k| {
                matches!(k, ParseErrorKind::InvalidSize { .. })
            }),
            ("string<=0 a\n", |k| {
                matches!(k, ParseErrorKind::InvalidSize { .. })
            }),
            ("uint8[2 a\n", |k| {
                matches!(k, ParseErrorKind::InvalidTypeName { .. })
            }),
            ("uint8[2][3] a\n", |k| {
                matches!(k, ParseErrorKind::InvalidTypeName { .. })
            }),
            ("a/b/c/D x\n", |k| {
                matches!(k, ParseErrorKind::InvalidTypeName { .. })
            }),
            ("Geo/Point x\n", |k| {
                matches!(k, ParseErrorKind::InvalidTypeName { .. })
            }),
            ("wstring w\n", |k| {
                matches!(k, ParseErrorKind::UnsupportedType { .. })
            }),
            ("uint8 a\nint32 a\n", |k| {
                matches!(k, ParseErrorKind::DuplicateName { first_line: 1, .. })
            }),
            ("float64[2] v [1.0]\n", |k| {
                matches!(k, ParseErrorKind::ArrayDefaultLength { found: 1, .. })
            }),
            ("int8[<=1] v [1, 2]\n", |k| {
                matches!(k, ParseErrorKind::ArrayDefaultLength { found: 2, .. })
            }),
            ("float64[] v 1.0\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("string[] s [\"open]\n", |k| {
                matches!(k, ParseErrorKind::UnterminatedString { .. })
            }),
            ("string<=2 s \"abc\"\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("geometry_msgs/Point p 1\n", |k| {
                matches!(k, ParseErrorKind::InvalidLiteral { .. })
            }),
            ("uint8 a-b\n", |k| {
                matches!(k, ParseErrorKind::InvalidFieldName { .. })
            }),
        ];
        for (text, check) in cases {
            let err = parse_err(text);
            assert!(check(&err.kind), "{text:?} gave {:?}", err.kind);
            assert!(err.line >= 1, "{text:?}: line missing");
        }
    }

    #[test]
    fn empty_message_is_valid() {
        let spec = parse_msg("# Nothing here.\n").unwrap();
        assert!(spec.fields.is_empty());
        assert_eq!(spec.doc, vec!["Nothing here."]);
    }

    #[test]
    fn crlf_and_tabs_are_accepted() {
        let spec = parse_msg("uint8\tA=3\r\nint32\tcount\t# n\r\n").unwrap();
        assert_eq!(spec.constants[0].value, Literal::Int(3));
        assert_eq!(spec.fields[0].name, "count");
    }

    #[test]
    fn indented_comments_continue_the_previous_definition() {
        let spec = parse_msg("int32 a # first\n    # more about a\n# about b\nint32 b\n").unwrap();
        assert_eq!(spec.fields[0].doc, vec!["first", "more about a"]);
        assert_eq!(spec.fields[1].doc, vec!["about b"]);
    }

    #[test]
    fn integers_follow_python_int() {
        assert_eq!(parse_integer("42"), Some(42));
        assert_eq!(parse_integer("+7"), Some(7));
        assert_eq!(parse_integer("-0x1F"), Some(-31));
        assert_eq!(parse_integer("0b1010"), Some(10));
        assert_eq!(parse_integer("0o17"), Some(15));
        assert_eq!(parse_integer("007"), Some(7));
        assert_eq!(parse_integer("1_000_000"), Some(1_000_000));
        for bad in ["", "-", "1__0", "_1", "1_", "0x", "1.5", "12a", "0b102"] {
            assert_eq!(parse_integer(bad), None, "{bad:?}");
        }
    }
}
