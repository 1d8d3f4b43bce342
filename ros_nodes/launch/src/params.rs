//! Typing of `<param name=... value=... [type=...] [value-sep=...]>` exactly as launch_xml and
//! launch_ros do it: the attribute is first coerced leniently (`get_attr(..., can_be_str=True)`),
//! substitutions are found in the resulting strings, and after substitution the text is coerced
//! strictly (`perform_typed_substitution`).

use crate::substitution::{self, Subst, SubstParseError};
use crate::yaml::{self, Loaded, ParamValue};

/// A scalar type named by `type=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarType {
    Str,
    Bool,
    Int,
    Float,
}

impl ScalarType {
    fn name(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Bool => "bool",
            Self::Int => "int",
            Self::Float => "float",
        }
    }

    fn matches(self, value: &ParamValue) -> bool {
        matches!(
            (self, value),
            (Self::Str, ParamValue::Str(_))
                | (Self::Bool, ParamValue::Bool(_))
                | (Self::Int, ParamValue::Int(_))
                | (Self::Float, ParamValue::Float(_))
        )
    }
}

/// `type=` of a `<param>`: `None` scalar means YAML rules (`type="yaml"` or no attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct DataType {
    pub(crate) scalar: Option<ScalarType>,
    pub(crate) list: bool,
}

impl DataType {
    /// launch's `get_data_type_from_identifier`.
    pub(crate) fn from_identifier(identifier: &str) -> Result<Self, String> {
        let (scalar, list) = match identifier {
            "str" => (Some(ScalarType::Str), false),
            "bool" => (Some(ScalarType::Bool), false),
            "float" => (Some(ScalarType::Float), false),
            "int" => (Some(ScalarType::Int), false),
            "list_of_str" => (Some(ScalarType::Str), true),
            "list_of_bool" => (Some(ScalarType::Bool), true),
            "list_of_float" => (Some(ScalarType::Float), true),
            "list_of_int" => (Some(ScalarType::Int), true),
            "yaml" => (None, false),
            other => {
                return Err(format!(
                    "invalid type identifier '{other}' (valid: str, bool, int, float, list_of_str, \
                     list_of_bool, list_of_int, list_of_float, yaml)"
                ));
            }
        };
        Ok(Self { scalar, list })
    }

    fn describe(self) -> String {
        match (self.scalar, self.list) {
            (None, _) => "yaml".into(),
            (Some(t), false) => t.name().into(),
            (Some(t), true) => format!("list_of_{}", t.name()),
        }
    }
}

/// One item of a value: known now, or a substitution to perform at launch time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Value(ParamValue),
    Subst(Subst),
}

/// A `<param>` value after parsing, before substitutions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    Scalar(Item),
    List(Vec<Item>),
}

/// Why a value was rejected while parsing.
#[derive(Debug)]
pub(crate) enum ValueParseError {
    Invalid(String),
    Substitution(SubstParseError),
}

impl From<String> for ValueParseError {
    fn from(message: String) -> Self {
        Self::Invalid(message)
    }
}

/// Lenient coercion result: a value, a list, or a string kept because it did not convert.
enum Coerced {
    Value(ParamValue),
    List(Vec<ParamValue>),
}

/// `coerce_to_type(text, data_type, can_be_str=True)` for a single attribute.
fn coerce_lenient(text: &str, scalar: Option<ScalarType>, list: bool) -> Result<Coerced, String> {
    let keep = || Ok(Coerced::Value(ParamValue::Str(text.to_owned())));
    if list || scalar.is_none() {
        if text.is_empty() {
            return keep();
        }
        let loaded = match yaml::safe_load(text) {
            Ok(loaded) => loaded,
            Err(_) => {
                if list {
                    return Err(format!("cannot convert value '{text}' to a list"));
                }
                return keep();
            }
        };
        return match loaded {
            Loaded::Scalar(value) if !list => Ok(Coerced::Value(value)),
            Loaded::List(items) => {
                let scalar_ok = |item: &ParamValue| {
                    matches!(item, ParamValue::Str(_)) || scalar.is_none_or(|t| t.matches(item))
                };
                if list && !items.iter().all(scalar_ok) {
                    return Err(format!(
                        "cannot convert value '{text}' to a list of '{}'",
                        scalar.map_or("yaml", ScalarType::name)
                    ));
                }
                check_lenient_uniform(&items, text)?;
                Ok(Coerced::List(items))
            }
            Loaded::Scalar(_) => Err(format!("cannot convert value '{text}' to a list")),
            Loaded::Unsupported(kind) => Err(format!(
                "'{text}' is a YAML {kind}, which a parameter cannot hold"
            )),
        };
    }
    match scalar {
        Some(ScalarType::Str) | None => keep(),
        Some(ScalarType::Int) => match yaml::python_int(text) {
            Some(i) => Ok(Coerced::Value(ParamValue::Int(i))),
            None => keep(),
        },
        Some(ScalarType::Float) => match yaml::python_float(text) {
            Some(f) => Ok(Coerced::Value(ParamValue::Float(f))),
            None => keep(),
        },
        Some(ScalarType::Bool) => {
            let text = match text {
                "1" => "true",
                "0" => "false",
                other => other,
            };
            match yaml::safe_load(text) {
                Ok(Loaded::Scalar(value @ (ParamValue::Bool(_) | ParamValue::Str(_)))) => {
                    Ok(Coerced::Value(value))
                }
                Err(_) => keep(),
                Ok(_) => Err(format!("cannot convert value '{text}' to bool")),
            }
        }
    }
}

/// `is_instance_of_valid_type(output, can_be_str=True)`: non-string items share one type.
fn check_lenient_uniform(items: &[ParamValue], text: &str) -> Result<(), String> {
    let mut kind: Option<&'static str> = None;
    for item in items {
        if matches!(item, ParamValue::Str(_)) {
            continue;
        }
        let name = item.type_name();
        if kind.is_some_and(|k| k != name) {
            return Err(format!("'{text}' is a list with items of different types"));
        }
        kind = Some(name);
    }
    Ok(())
}

/// Finds substitutions in a string (`parse_if_substitutions`).
fn to_item(value: ParamValue) -> Result<Item, ValueParseError> {
    match value {
        ParamValue::Str(text) => {
            let parsed = substitution::parse(&text).map_err(ValueParseError::Substitution)?;
            Ok(match parsed.as_literal() {
                Some(literal) => Item::Value(ParamValue::Str(literal)),
                None => Item::Subst(parsed),
            })
        }
        other => Ok(Item::Value(other)),
    }
}

/// Parses the `value` attribute (with `value-sep` and `type` if given).
pub(crate) fn parse_value(
    text: &str,
    separator: Option<&str>,
    data_type: DataType,
) -> Result<RawValue, ValueParseError> {
    let raw = match separator {
        Some("") => {
            return Err(ValueParseError::Invalid(
                "value-sep must not be empty".into(),
            ));
        }
        Some(sep) => {
            if data_type.scalar.is_some() && !data_type.list {
                return Err(ValueParseError::Invalid(format!(
                    "value-sep makes a list, but type is {}",
                    data_type.describe()
                )));
            }
            let mut items = Vec::new();
            for part in text.split(sep) {
                match coerce_lenient(part, data_type.scalar, false)? {
                    Coerced::Value(value) => items.push(value),
                    Coerced::List(_) => {
                        return Err(ValueParseError::Invalid(format!(
                            "item '{part}' of the list is itself a list"
                        )));
                    }
                }
            }
            check_lenient_uniform(&items, text)?;
            Coerced::List(items)
        }
        None => coerce_lenient(text, data_type.scalar, data_type.list)?,
    };
    let value = match raw {
        Coerced::Value(value) => RawValue::Scalar(to_item(value)?),
        Coerced::List(values) => {
            let items = values
                .into_iter()
                .map(to_item)
                .collect::<Result<Vec<_>, _>>()?;
            // parse_if_substitutions: literal items must all have one type.
            let mut kind = None;
            for item in &items {
                if let Item::Value(value) = item {
                    if kind.is_some_and(|k| k != value.type_name()) {
                        return Err(ValueParseError::Invalid("the list is not uniform".into()));
                    }
                    kind = Some(value.type_name());
                }
            }
            RawValue::List(items)
        }
    };
    normalize(value, data_type).map_err(ValueParseError::Invalid)
}

/// `normalize_typed_substitution`: checks literal values against the type, promotes int lists
/// with floats to float lists.
fn normalize(value: RawValue, data_type: DataType) -> Result<RawValue, String> {
    match value {
        RawValue::Scalar(Item::Value(value)) => {
            if data_type.list {
                return Err(format!(
                    "value {} is not a list, but type is {}",
                    yaml::describe(&value),
                    data_type.describe()
                ));
            }
            if let Some(scalar) = data_type.scalar
                && !scalar.matches(&value)
            {
                return Err(format!(
                    "value {} is not an instance of {}",
                    yaml::describe(&value),
                    scalar.name()
                ));
            }
            Ok(RawValue::Scalar(Item::Value(value)))
        }
        scalar @ RawValue::Scalar(Item::Subst(_)) => Ok(scalar),
        RawValue::List(items) => {
            if data_type.scalar.is_some() && !data_type.list {
                return Err(format!(
                    "the value is a list, but type is {}",
                    data_type.describe()
                ));
            }
            let kinds: Vec<&'static str> = items
                .iter()
                .filter_map(|i| match i {
                    Item::Value(v) => Some(v.type_name()),
                    Item::Subst(_) => None,
                })
                .collect();
            let all = |k: &[&str]| kinds.iter().all(|kind| k.contains(kind));
            let expect = |t: ScalarType| {
                if data_type.scalar.is_some_and(|s| s != t) {
                    Err(format!(
                        "got a list of '{}', expected {}",
                        t.name(),
                        data_type.describe()
                    ))
                } else {
                    Ok(())
                }
            };
            if kinds.is_empty() {
                return Ok(RawValue::List(items));
            }
            if all(&["str"]) {
                expect(ScalarType::Str)?;
            } else if all(&["bool"]) {
                expect(ScalarType::Bool)?;
            } else if all(&["int"]) {
                expect(ScalarType::Int)?;
            } else if all(&["int", "float"]) {
                expect(ScalarType::Float)?;
                let promoted = items
                    .into_iter()
                    .map(|item| match item {
                        Item::Value(ParamValue::Int(i)) => Item::Value(ParamValue::Float(i as f64)),
                        other => other,
                    })
                    .collect();
                return Ok(RawValue::List(promoted));
            } else {
                return Err("the list mixes value types".into());
            }
            Ok(RawValue::List(items))
        }
    }
}

/// `coerce_to_type(text, data_type)` (strict) for the text a substitution produced.
fn coerce_strict(text: &str, scalar: Option<ScalarType>, list: bool) -> Result<ParamValue, String> {
    if list || scalar.is_none() {
        if text.is_empty() && !list {
            return Ok(ParamValue::Str(String::new()));
        }
        let loaded = yaml::safe_load(text).map_err(|e| {
            format!("'{text}' is not valid YAML ({e}); to pass it as a string, add type=\"str\"")
        })?;
        return match loaded {
            Loaded::Scalar(value) if !list => Ok(value),
            Loaded::List(items) => {
                if let Some(t) = scalar
                    && !items.iter().all(|i| t.matches(i))
                {
                    return Err(format!("'{text}' is not a list of {}", t.name()));
                }
                check_strict_uniform(&items)?;
                Ok(ParamValue::List(items))
            }
            Loaded::Scalar(_) => Err(format!("'{text}' is not a list")),
            Loaded::Unsupported(kind) => Err(format!(
                "'{text}' is a YAML {kind}, which a parameter cannot hold"
            )),
        };
    }
    match scalar {
        Some(ScalarType::Str) | None => Ok(ParamValue::Str(text.to_owned())),
        Some(ScalarType::Int) => yaml::python_int(text)
            .map(ParamValue::Int)
            .ok_or_else(|| format!("'{text}' is not an int")),
        Some(ScalarType::Float) => yaml::python_float(text)
            .map(ParamValue::Float)
            .ok_or_else(|| format!("'{text}' is not a float")),
        Some(ScalarType::Bool) => {
            let mapped = match text {
                "1" => "true",
                "0" => "false",
                other => other,
            };
            match yaml::safe_load(mapped) {
                Ok(Loaded::Scalar(value @ ParamValue::Bool(_))) => Ok(value),
                _ => Err(format!("'{text}' is not a bool")),
            }
        }
    }
}

/// `is_instance_of_valid_type(output, can_be_str=False)`: every item has the first item's type.
fn check_strict_uniform(items: &[ParamValue]) -> Result<(), String> {
    match items.first() {
        Some(first) if items.iter().any(|i| i.type_name() != first.type_name()) => {
            Err("the list is not uniform".into())
        }
        _ => Ok(()),
    }
}

/// Performs the substitutions of a parsed value (`perform_typed_substitution`).
pub(crate) fn evaluate<E>(
    value: &RawValue,
    data_type: DataType,
    mut perform: impl FnMut(&Subst) -> Result<String, E>,
) -> Result<Result<ParamValue, String>, E> {
    match value {
        RawValue::Scalar(Item::Value(value)) => Ok(Ok(value.clone())),
        RawValue::Scalar(Item::Subst(subst)) => {
            let text = perform(subst)?;
            Ok(coerce_strict(&text, data_type.scalar, data_type.list))
        }
        RawValue::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Item::Value(value) => out.push(value.clone()),
                    Item::Subst(subst) => {
                        let text = perform(subst)?;
                        match coerce_strict(&text, data_type.scalar, false) {
                            Ok(ParamValue::List(_)) => {
                                return Ok(Err(format!("list item '{text}' is itself a list")));
                            }
                            Ok(value) => out.push(value),
                            Err(message) => return Ok(Err(message)),
                        }
                    }
                }
            }
            if let Some(t) = data_type.scalar
                && !out.iter().all(|i| t.matches(i))
            {
                return Ok(Err(format!("the list is not a list of {}", t.name())));
            }
            if let Err(message) = check_strict_uniform(&out) {
                return Ok(Err(message));
            }
            Ok(Ok(ParamValue::List(out)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn typed(text: &str, sep: Option<&str>, ty: Option<&str>) -> Result<ParamValue, String> {
        let data_type = ty.map_or(Ok(DataType::default()), DataType::from_identifier)?;
        let raw = parse_value(text, sep, data_type).map_err(|e| format!("{e:?}"))?;
        let result: Result<_, Infallible> = evaluate(&raw, data_type, |_| Ok("7".to_owned()));
        result.unwrap()
    }

    #[test]
    fn yaml_inference() {
        use ParamValue::*;
        assert_eq!(typed("16000", None, None), Ok(Int(16000)));
        assert_eq!(typed("1.0", None, None), Ok(Float(1.0)));
        assert_eq!(typed("asd", None, None), Ok(Str("asd".into())));
        assert_eq!(typed("'1'", None, None), Ok(Str("1".into())));
        assert_eq!(typed("true", None, None), Ok(Bool(true)));
        assert_eq!(typed("", None, None), Ok(Str(String::new())));
        assert_eq!(
            typed("[1.0, 2.5]", None, None),
            Ok(List(vec![Float(1.0), Float(2.5)]))
        );
        // launch_xml rejects [1, 2.5] (items must share the first item's type).
        assert!(typed("[1, 2.5]", None, None).is_err());
        assert_eq!(typed("a: [", None, None), Ok(Str("a: [".into())));
        assert!(typed("null", None, None).is_err());
        assert!(typed("{a: 1}", None, None).is_err());
    }

    #[test]
    fn separators_and_types() {
        use ParamValue::*;
        assert_eq!(
            typed("1,2,3", Some(","), None),
            Ok(List(vec![Int(1), Int(2), Int(3)]))
        );
        assert_eq!(
            typed("a, b", Some(", "), None),
            Ok(List(vec![Str("a".into()), Str("b".into())]))
        );
        assert_eq!(
            typed("1,2", Some(","), Some("list_of_float")),
            Ok(List(vec![Float(1.0), Float(2.0)]))
        );
        assert!(typed("1,a", Some(","), None).is_err());
        assert_eq!(typed("1", None, Some("str")), Ok(Str("1".into())));
        assert_eq!(typed("5", None, Some("float")), Ok(Float(5.0)));
        assert_eq!(typed("1", None, Some("bool")), Ok(Bool(true)));
        assert!(typed("abc", None, Some("int")).is_err());
        assert!(typed("[1, 2]", None, Some("list_of_float")).is_err());
    }

    #[test]
    fn substituted_values_are_typed_after_substitution() {
        use ParamValue::*;
        assert_eq!(typed("$(var x)", None, None), Ok(Int(7)));
        assert_eq!(typed("'$(var x)'", None, None), Ok(Int(7)));
        assert_eq!(typed("$(var x)", None, Some("str")), Ok(Str("7".into())));
        assert_eq!(
            typed("$(var x),1", Some(","), None),
            Ok(List(vec![Int(7), Int(1)]))
        );
    }
}
