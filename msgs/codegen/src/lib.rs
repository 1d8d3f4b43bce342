//! Parser and Rust code generator for ROS 2 interface files (`.msg`, `.srv`, `.action`).
//!
//! `embodied_msgs`' build script runs it over the package's interface files and the standard
//! ROS 2 definitions we mirror, and `include!`s the result, so the `.msg` files stay the single
//! source of truth for the Rust types.
//!
//! ```
//! use embodied_msgs_codegen::{generate, parse_interface, GenerateOptions, InterfaceKind};
//! # fn main() -> Result<(), embodied_msgs_codegen::Error> {
//! let point = parse_interface("geo_msgs", InterfaceKind::Msg, "Point",
//!     "float64 x\nfloat64 y\n", std::path::Path::new("msg/Point.msg"))?;
//! let code = generate(&[point], &GenerateOptions::new("geo_msgs"))?;
//! assert!(code.contains("pub struct Point {"));
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod discover;
mod emit;
mod error;
mod model;
mod parse;

pub use discover::{list_package_files, parse_file, parse_package_dir};
pub use emit::{EMPTY_MESSAGE_MEMBER, GenerateOptions, generate, rust_field_name};
pub use error::{Error, ParseError, ParseErrorKind};
pub use model::{
    ArrayKind, BaseType, Constant, Field, FieldType, InterfaceFile, InterfaceKind, Literal,
    MessageSpec, Primitive, TypeRef,
};
pub use parse::{is_package_name, is_type_name, parse_interface};
