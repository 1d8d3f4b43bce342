//! Parameter values and types, and their YAML reading rules.

use std::fmt;

use yaml_rust2::{Yaml, YamlLoader};

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

    /// Parses the text of a `-p name:=value` rule with YAML rules, as rcl does
    /// (`1` integer, `1.0` double, `'1'` string, `[1, 2]` integer array).
    ///
    /// # Errors
    /// A description of why the text is not a parameter value.
    pub fn from_yaml_text(text: &str) -> Result<Self, String> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
        match docs.as_slice() {
            [] => Err("the value is empty".to_owned()),
            [doc] => Self::from_yaml(doc),
            _ => Err("several YAML documents in one value".to_owned()),
        }
    }

    /// Converts one YAML node into a parameter value.
    ///
    /// # Errors
    /// A description of why the node is not a parameter value (null, map, mixed array).
    pub fn from_yaml(yaml: &Yaml) -> Result<Self, String> {
        match yaml {
            Yaml::Array(items) => Self::array_from_yaml(items),
            scalar => Scalar::from_yaml(scalar).map(Scalar::into_value),
        }
    }

    fn array_from_yaml(items: &[Yaml]) -> Result<Self, String> {
        let scalars = items
            .iter()
            .map(Scalar::from_yaml)
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
        let mut iter = scalars.into_iter();
        Ok(match first_kind {
            ParamType::Bool => Self::BoolArray(
                iter.by_ref()
                    .filter_map(|s| if let Scalar::Bool(b) = s { Some(b) } else { None })
                    .collect(),
            ),
            ParamType::Integer => Self::IntegerArray(
                iter.filter_map(|s| if let Scalar::Integer(i) = s { Some(i) } else { None })
                    .collect(),
            ),
            ParamType::Double => Self::DoubleArray(
                iter.filter_map(|s| if let Scalar::Double(d) = s { Some(d) } else { None })
                    .collect(),
            ),
            _ => Self::StringArray(
                iter.filter_map(|s| if let Scalar::String(t) = s { Some(t) } else { None })
                    .collect(),
            ),
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
        if let Self::Bool(b) = self { Some(*b) } else { None }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        if let Self::Integer(i) = self { Some(*i) } else { None }
    }

    /// The double, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        if let Self::Double(d) = self { Some(*d) } else { None }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        if let Self::String(s) = self { Some(s) } else { None }
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
    fn from_yaml(yaml: &Yaml) -> Result<Self, String> {
        match yaml {
            Yaml::Boolean(b) => Ok(Self::Bool(*b)),
            Yaml::Integer(i) => Ok(Self::Integer(*i)),
            Yaml::Real(text) => yaml
                .as_f64()
                .map(Self::Double)
                .ok_or_else(|| format!("`{text}` is not a valid double")),
            Yaml::String(s) => Ok(Self::String(s.clone())),
            Yaml::Null => Err("null is not a parameter value".to_owned()),
            Yaml::Hash(_) => Err("a map is not a parameter value".to_owned()),
            Yaml::Array(_) => Err("nested arrays are not parameter values".to_owned()),
            Yaml::Alias(_) => Err("YAML aliases are not supported".to_owned()),
            Yaml::BadValue => Err("unreadable value".to_owned()),
        }
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
