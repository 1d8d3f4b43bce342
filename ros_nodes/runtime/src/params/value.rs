//! Parameter values and types, and their YAML reading rules.

use std::fmt;

use super::yaml::{Node, parse_documents};

/// The type of a parameter value, named as ROS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `bool`
    Bool,
    /// `integer` (int64)
    Integer,
    /// `double`
    Double,
    /// `string`
    String,
    /// `byte array`
    ByteArray,
    /// `bool array`
    BoolArray,
    /// `integer array`
    IntegerArray,
    /// `double array`
    DoubleArray,
    /// `string array`
    StringArray,
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bool => "bool",
            Self::Integer => "integer",
            Self::Double => "double",
            Self::String => "string",
            Self::ByteArray => "byte array",
            Self::BoolArray => "bool array",
            Self::IntegerArray => "integer array",
            Self::DoubleArray => "double array",
            Self::StringArray => "string array",
        })
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// `true`/`false`
    Bool(bool),
    /// A 64-bit integer.
    Integer(i64),
    /// A double (YAML needs a `.` or exponent: `1.0`, `1e3`, `.inf`).
    Double(f64),
    /// A string (quote numbers to keep them strings: `'1'`).
    String(String),
    /// Bytes (declared in code; YAML integer arrays in 0..=255 convert).
    ByteArray(Vec<u8>),
    /// `[true, false]`
    BoolArray(Vec<bool>),
    /// `[1, 2]`
    IntegerArray(Vec<i64>),
    /// `[1.0, 2.5]`
    DoubleArray(Vec<f64>),
    /// `[a, b]`
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The value's type.
    pub fn kind(&self) -> ParamType {
        match self {
            Self::Bool(_) => ParamType::Bool,
            Self::Integer(_) => ParamType::Integer,
            Self::Double(_) => ParamType::Double,
            Self::String(_) => ParamType::String,
            Self::ByteArray(_) => ParamType::ByteArray,
            Self::BoolArray(_) => ParamType::BoolArray,
            Self::IntegerArray(_) => ParamType::IntegerArray,
            Self::DoubleArray(_) => ParamType::DoubleArray,
            Self::StringArray(_) => ParamType::StringArray,
        }
    }

    /// Parses the text of a `-p name:=value` rule as rcl does: YAML, with rcl's typing of
    /// unquoted scalars (`1` integer, `1.0` double, `yes`/`on`/`true` bool, `'1'` string,
    /// `[1, 2]` integer array).
    ///
    /// # Errors
    /// A description of why the text is not a parameter value.
    pub fn from_yaml_text(text: &str) -> Result<Self, String> {
        let docs = parse_documents(text).map_err(|e| format!("not YAML: {}", e.message))?;
        match docs.as_slice() {
            [] => Err("the value is empty".to_owned()),
            [doc] => Self::from_node(doc),
            _ => Err("several YAML documents in one value".to_owned()),
        }
    }

    /// Converts one YAML node into a parameter value.
    pub(crate) fn from_node(node: &Node) -> Result<Self, String> {
        match node {
            Node::Scalar { text, quoted, .. } => {
                Scalar::parse(text, *quoted).map(Scalar::into_value)
            }
            Node::Seq { items, .. } => Self::array_from_nodes(items),
            Node::Map { .. } => Err("a map is not a parameter value".to_owned()),
        }
    }

    fn array_from_nodes(items: &[Node]) -> Result<Self, String> {
        let scalars = items
            .iter()
            .map(|item| match item {
                Node::Scalar { text, quoted, .. } => Scalar::parse(text, *quoted),
                Node::Seq { .. } => Err("nested arrays are not parameter values".to_owned()),
                Node::Map { .. } => {
                    Err("a map inside an array is not a parameter value".to_owned())
                }
            })
            .collect::<Result<Vec<_>, String>>()?;
        let Some(first) = scalars.first() else {
            // rcl cannot type an empty array either; it stays a string array and converts to
            // whichever array type the node declares.
            return Ok(Self::StringArray(Vec::new()));
        };
        let first_kind = first.kind();
        if let Some(other) = scalars.iter().find(|s| s.kind() != first_kind) {
            return Err(format!(
                "mixed types in an array ({first_kind}, then {}); arrays must be homogeneous",
                other.kind()
            ));
        }
        let mut bools = Vec::new();
        let mut integers = Vec::new();
        let mut doubles = Vec::new();
        let mut strings = Vec::new();
        for scalar in scalars {
            match scalar {
                Scalar::Bool(b) => bools.push(b),
                Scalar::Integer(i) => integers.push(i),
                Scalar::Double(d) => doubles.push(d),
                Scalar::String(s) => strings.push(s),
            }
        }
        Ok(match first_kind {
            ParamType::Bool => Self::BoolArray(bools),
            ParamType::Integer => Self::IntegerArray(integers),
            ParamType::Double => Self::DoubleArray(doubles),
            _ => Self::StringArray(strings),
        })
    }

    /// Converts this value to `declared` where ROS would accept it: the same type, an integer
    /// array into a byte array (every element in 0..=255), or an empty array into any array.
    /// Returns `None` when the types do not fit; integers are not silently made doubles.
    pub fn coerce_to(&self, declared: ParamType) -> Option<Self> {
        if self.kind() == declared {
            return Some(self.clone());
        }
        let is_empty_array = match self {
            Self::StringArray(v) => v.is_empty(),
            Self::IntegerArray(v) => v.is_empty(),
            Self::BoolArray(v) => v.is_empty(),
            Self::DoubleArray(v) => v.is_empty(),
            Self::ByteArray(v) => v.is_empty(),
            _ => false,
        };
        match (self, declared) {
            (Self::IntegerArray(ints), ParamType::ByteArray) => ints
                .iter()
                .map(|&i| u8::try_from(i).ok())
                .collect::<Option<Vec<u8>>>()
                .map(Self::ByteArray),
            (_, ParamType::ByteArray) if is_empty_array => Some(Self::ByteArray(Vec::new())),
            (_, ParamType::BoolArray) if is_empty_array => Some(Self::BoolArray(Vec::new())),
            (_, ParamType::IntegerArray) if is_empty_array => Some(Self::IntegerArray(Vec::new())),
            (_, ParamType::DoubleArray) if is_empty_array => Some(Self::DoubleArray(Vec::new())),
            (_, ParamType::StringArray) if is_empty_array => Some(Self::StringArray(Vec::new())),
            _ => None,
        }
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        if let Self::Bool(b) = self {
            Some(*b)
        } else {
            None
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        if let Self::Integer(i) = self {
            Some(*i)
        } else {
            None
        }
    }

    /// The double, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        if let Self::Double(d) = self {
            Some(*d)
        } else {
            None
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        if let Self::String(s) = self {
            Some(s)
        } else {
            None
        }
    }

    /// The same value as ros2-client's type, for its parameter services.
    pub fn to_ros2_client(&self) -> ros2_client::parameters::ParameterValue {
        use ros2_client::parameters::ParameterValue as P;
        match self.clone() {
            Self::Bool(v) => P::Boolean(v),
            Self::Integer(v) => P::Integer(v),
            Self::Double(v) => P::Double(v),
            Self::String(v) => P::String(v),
            Self::ByteArray(v) => P::ByteArray(v),
            Self::BoolArray(v) => P::BooleanArray(v),
            Self::IntegerArray(v) => P::IntegerArray(v),
            Self::DoubleArray(v) => P::DoubleArray(v),
            Self::StringArray(v) => P::StringArray(v),
        }
    }

    /// The value as JSON, for the serde route; `None` for a non-finite double, which JSON
    /// cannot carry.
    pub(crate) fn to_json(&self) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        let double = |d: f64| serde_json::Number::from_f64(d).map(J::Number);
        Some(match self {
            Self::Bool(b) => J::Bool(*b),
            Self::Integer(i) => J::from(*i),
            Self::Double(d) => double(*d)?,
            Self::String(s) => J::String(s.clone()),
            Self::ByteArray(v) => J::Array(v.iter().map(|&b| J::from(b)).collect()),
            Self::BoolArray(v) => J::Array(v.iter().map(|&b| J::Bool(b)).collect()),
            Self::IntegerArray(v) => J::Array(v.iter().map(|&i| J::from(i)).collect()),
            Self::DoubleArray(v) => J::Array(v.iter().map(|&d| double(d)).collect::<Option<_>>()?),
            Self::StringArray(v) => J::Array(v.iter().map(|s| J::String(s.clone())).collect()),
        })
    }
}

/// One scalar of a YAML parameter value.
enum Scalar {
    Bool(bool),
    Integer(i64),
    Double(f64),
    String(String),
}

impl Scalar {
    /// rcl's `get_value`: quoted scalars are strings; unquoted ones are tried as bool (YAML
    /// 1.1 words), then integer (C `strtol`, base prefixes `0x`/`0`), then double (C
    /// `strtod`, `.inf`/`.nan`; out of range is not a double), else string. An empty
    /// unquoted scalar has no value.
    fn parse(text: &str, quoted: bool) -> Result<Self, String> {
        if quoted {
            return Ok(Self::String(text.to_owned()));
        }
        if text.is_empty() {
            return Err("no value (write '' for an empty string)".to_owned());
        }
        if let Some(b) = parse_rcl_bool(text) {
            return Ok(Self::Bool(b));
        }
        if let Some(i) = parse_c_integer(text) {
            return Ok(Self::Integer(i));
        }
        if let Some(d) = parse_c_double(text) {
            return Ok(Self::Double(d));
        }
        Ok(Self::String(text.to_owned()))
    }

    fn kind(&self) -> ParamType {
        match self {
            Self::Bool(_) => ParamType::Bool,
            Self::Integer(_) => ParamType::Integer,
            Self::Double(_) => ParamType::Double,
            Self::String(_) => ParamType::String,
        }
    }

    fn into_value(self) -> ParamValue {
        match self {
            Self::Bool(b) => ParamValue::Bool(b),
            Self::Integer(i) => ParamValue::Integer(i),
            Self::Double(d) => ParamValue::Double(d),
            Self::String(s) => ParamValue::String(s),
        }
    }
}

/// The words rcl reads as booleans in unquoted scalars.
fn parse_rcl_bool(text: &str) -> Option<bool> {
    match text {
        "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "N" | "n" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// C `strtol(text, _, 0)` over the whole text: optional sign, then `0x` hex, `0` octal or
/// decimal digits; `None` when anything is left over or the value does not fit an i64.
fn parse_c_integer(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        (16, hex)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Parse with the sign attached so that i64::MIN fits.
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_owned()
    };
    i64::from_str_radix(&signed, radix).ok()
}

/// C `strtod` over the whole text, for the forms YAML files use: decimal with optional
/// exponent, `inf`/`infinity`/`nan` in any case, YAML's `.inf`/`.nan`. A finite-looking
/// number that overflows to infinity is `None`, as strtod's ERANGE makes rcl read a string.
fn parse_c_double(text: &str) -> Option<f64> {
    let (sign, unsigned) = match text.as_bytes().first()? {
        b'-' => (-1.0, &text[1..]),
        b'+' => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let value: f64 = unsigned.parse().ok()?;
    let spelled_infinite = unsigned.to_ascii_lowercase().starts_with("inf");
    if value.is_infinite() && !spelled_infinite {
        return None;
    }
    Some(sign * value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> ParamValue {
        ParamValue::from_yaml_text(text).unwrap()
    }

    #[test]
    fn unquoted_scalars_are_typed_like_rcl() {
        assert_eq!(value("yes"), ParamValue::Bool(true));
        assert_eq!(value("Off"), ParamValue::Bool(false));
        assert_eq!(value("'yes'"), ParamValue::String("yes".into()));
        assert_eq!(value("42"), ParamValue::Integer(42));
        assert_eq!(value("-0x10"), ParamValue::Integer(-16));
        assert_eq!(value("010"), ParamValue::Integer(8));
        assert_eq!(value("+5"), ParamValue::Integer(5));
        assert_eq!(value("-9223372036854775808"), ParamValue::Integer(i64::MIN));
        assert_eq!(value("99999999999999999999"), ParamValue::Double(1e20));
        assert_eq!(value("1.5e3"), ParamValue::Double(1500.0));
        assert_eq!(value(".5"), ParamValue::Double(0.5));
        assert_eq!(value("-.inf"), ParamValue::Double(f64::NEG_INFINITY));
        assert_eq!(value("1e400"), ParamValue::String("1e400".into()));
        assert_eq!(value("1_000"), ParamValue::String("1_000".into()));
        assert_eq!(value("null"), ParamValue::String("null".into()));
        assert_eq!(value("\"1\""), ParamValue::String("1".into()));
        assert_eq!(
            value("!!str 5"),
            ParamValue::Integer(5),
            "tags are ignored, as in rcl"
        );
        assert!(matches!(value(".nan"), ParamValue::Double(d) if d.is_nan()));
    }

    #[test]
    fn arrays_must_be_homogeneous_scalars() {
        assert_eq!(value("[on, off]"), ParamValue::BoolArray(vec![true, false]));
        assert_eq!(value("[]"), ParamValue::StringArray(vec![]));
        let error = |text: &str| ParamValue::from_yaml_text(text).unwrap_err();
        assert_eq!(
            error("[1, 'a']"),
            "mixed types in an array (integer, then string); arrays must be homogeneous"
        );
        assert_eq!(error("[[1]]"), "nested arrays are not parameter values");
        assert_eq!(
            error("[{a: 1}]"),
            "a map inside an array is not a parameter value"
        );
        assert_eq!(error("{a: 1}"), "a map is not a parameter value");
        assert_eq!(error(""), "the value is empty");
        assert_eq!(
            error("[1,"),
            "not YAML: while parsing a node, did not find expected node content"
        );
    }
}
