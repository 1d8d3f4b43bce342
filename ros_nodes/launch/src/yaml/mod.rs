//! YAML as launch_ros sees it: values are typed with PyYAML's `safe_load` (YAML 1.1 rules:
//! `yes`/`on` are booleans, `010` is octal, `1e3` is a string) and the parameter file is written
//! with PyYAML's `dump(default_flow_style=False)` (sorted keys, block style, PyYAML quoting).
//!
//! yaml-rust2 supplies the syntax (events with scalar styles); the YAML 1.1 resolution and the
//! emitter's style choices are reimplemented here so the written file matches PyYAML's.

mod emit;
mod load;

use std::fmt::Write as _;

pub(crate) use emit::{dump_params_file, python_str, represent_float};
pub(crate) use load::{Loaded, python_float, python_int, resolve_plain, safe_load};

/// A ROS 2 parameter value (scalars and homogeneous arrays).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// `bool`.
    Bool(bool),
    /// `int64`.
    Int(i64),
    /// `double`.
    Float(f64),
    /// `string`.
    Str(String),
    /// An array; launch_ros requires all items to have the same type.
    List(Vec<ParamValue>),
}

impl ParamValue {
    /// The launch/Python name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "str",
            Self::List(_) => "list",
        }
    }
}

/// Renders a value as `key:=value` text for messages (not used for files).
pub(crate) fn describe(value: &ParamValue) -> String {
    let mut out = String::new();
    match value {
        ParamValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&describe(item));
            }
            out.push(']');
        }
        ParamValue::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        ParamValue::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        ParamValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        ParamValue::Float(f) => out.push_str(&represent_float(*f)),
    }
    out
}
