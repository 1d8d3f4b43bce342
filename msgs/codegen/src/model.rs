//! The parsed form of ROS 2 interface files: what a `.msg`, `.srv` or `.action` file declares.

use std::fmt;
use std::path::PathBuf;

/// Which kind of interface file a definition came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InterfaceKind {
    /// A topic message (`msg/*.msg`).
    Msg,
    /// A service (`srv/*.srv`): request and response.
    Srv,
    /// An action (`action/*.action`): goal, result and feedback.
    Action,
}

impl InterfaceKind {
    /// The ROS name of the kind and of its directory: `msg`, `srv` or `action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Msg => "msg",
            Self::Srv => "srv",
            Self::Action => "action",
        }
    }

    /// The file extension (without the dot) of this kind.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    /// The section names of one file of this kind, in file order
    /// (`_Request`/`_Response`, `_Goal`/`_Result`/`_Feedback`); a `.msg` has one unnamed section.
    pub fn section_suffixes(self) -> &'static [&'static str] {
        match self {
            Self::Msg => &[""],
            Self::Srv => &["_Request", "_Response"],
            Self::Action => &["_Goal", "_Result", "_Feedback"],
        }
    }
}

impl fmt::Display for InterfaceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Primitive (builtin) ROS 2 types, as written in `.msg` files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `bool`
    Bool,
    /// `byte` (an opaque octet)
    Byte,
    /// `char` (an 8-bit character, `uint8` on the wire in ROS 2)
    Char,
    /// `float32`
    Float32,
    /// `float64`
    Float64,
    /// `int8`
    Int8,
    /// `uint8`
    UInt8,
    /// `int16`
    Int16,
    /// `uint16`
    UInt16,
    /// `int32`
    Int32,
    /// `uint32`
    UInt32,
    /// `int64`
    Int64,
    /// `uint64`
    UInt64,
}

impl Primitive {
    /// Every primitive, for lookups and tests.
    pub const ALL: [Primitive; 13] = [
        Self::Bool,
        Self::Byte,
        Self::Char,
        Self::Float32,
        Self::Float64,
        Self::Int8,
        Self::UInt8,
        Self::Int16,
        Self::UInt16,
        Self::Int32,
        Self::UInt32,
        Self::Int64,
        Self::UInt64,
    ];

    /// The `.msg` spelling (`uint8`, `float64`, ...).
    pub fn ros_name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Byte => "byte",
            Self::Char => "char",
            Self::Float32 => "float32",
            Self::Float64 => "float64",
            Self::Int8 => "int8",
            Self::UInt8 => "uint8",
            Self::Int16 => "int16",
            Self::UInt16 => "uint16",
            Self::Int32 => "int32",
            Self::UInt32 => "uint32",
            Self::Int64 => "int64",
            Self::UInt64 => "uint64",
        }
    }

    /// Parses a `.msg` primitive type name.
    pub fn from_ros_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.ros_name() == name)
    }

    /// The Rust type with the same CDR layout.
    pub fn rust_type(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Byte | Self::Char | Self::UInt8 => "u8",
            Self::Float32 => "f32",
            Self::Float64 => "f64",
            Self::Int8 => "i8",
            Self::Int16 => "i16",
            Self::UInt16 => "u16",
            Self::Int32 => "i32",
            Self::UInt32 => "u32",
            Self::Int64 => "i64",
            Self::UInt64 => "u64",
        }
    }

    /// True for the octet types that travel as raw bytes (`uint8`, `byte`, `char`).
    pub fn is_octet(self) -> bool {
        matches!(self, Self::Byte | Self::Char | Self::UInt8)
    }

    /// True for `float32`/`float64`.
    pub fn is_float(self) -> bool {
        matches!(self, Self::Float32 | Self::Float64)
    }

    /// Inclusive value range of an integer primitive; `None` for bool and floats.
    pub fn integer_range(self) -> Option<(i128, i128)> {
        let range = match self {
            Self::Byte | Self::Char | Self::UInt8 => (0, u8::MAX as i128),
            Self::Int8 => (i8::MIN as i128, i8::MAX as i128),
            Self::Int16 => (i16::MIN as i128, i16::MAX as i128),
            Self::UInt16 => (0, u16::MAX as i128),
            Self::Int32 => (i32::MIN as i128, i32::MAX as i128),
            Self::UInt32 => (0, u32::MAX as i128),
            Self::Int64 => (i64::MIN as i128, i64::MAX as i128),
            Self::UInt64 => (0, u64::MAX as i128),
            Self::Bool | Self::Float32 | Self::Float64 => return None,
        };
        Some(range)
    }
}

/// The element type of a field, before any array suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// A builtin number, bool or octet.
    Primitive(Primitive),
    /// `string` or `string<=N` (UTF-8).
    String {
        /// Maximum length in bytes for `string<=N`.
        max_len: Option<usize>,
    },
    /// A message type: `pkg/Type`, or `Type` of the same package (`Header` means `std_msgs/Header`).
    Named(TypeRef),
}

impl fmt::Display for BaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Primitive(p) => f.write_str(p.ros_name()),
            Self::String { max_len: None } => f.write_str("string"),
            Self::String { max_len: Some(n) } => write!(f, "string<={n}"),
            Self::Named(r) => write!(f, "{r}"),
        }
    }
}

/// A reference to a message type, already resolved to its package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    /// Package of the referenced message.
    pub package: String,
    /// Name of the referenced message (always a `msg`).
    pub name: String,
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.package, self.name)
    }
}

/// How many elements a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrayKind {
    /// A single value.
    Single,
    /// `T[N]`: exactly N values, no length on the wire.
    Fixed(usize),
    /// `T[]`: any number of values, `u32` count on the wire.
    Unbounded,
    /// `T[<=N]`: at most N values, same wire form as `T[]`.
    Bounded(usize),
}

/// The full type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// Element type.
    pub base: BaseType,
    /// Array suffix.
    pub array: ArrayKind,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.base)?;
        match self.array {
            ArrayKind::Single => Ok(()),
            ArrayKind::Fixed(n) => write!(f, "[{n}]"),
            ArrayKind::Unbounded => f.write_str("[]"),
            ArrayKind::Bounded(n) => write!(f, "[<={n}]"),
        }
    }
}

/// A literal value of a constant or a field default.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `true`/`false`.
    Bool(bool),
    /// An integer, range-checked against its type.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string (quotes removed, escapes resolved).
    String(String),
    /// `[a, b, ...]` for array defaults.
    Array(Vec<Literal>),
}

impl fmt::Display for Literal {
    /// The value as it would be written in a `.msg` file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::String(s) => write!(f, "{s:?}"),
            Self::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A field of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name as written in the file (lower snake case).
    pub name: String,
    /// Type of the field.
    pub ty: FieldType,
    /// Default value, if the file gives one.
    pub default: Option<Literal>,
    /// Comment lines attached to the field (above it and trailing).
    pub doc: Vec<String>,
    /// 1-based line number in the source file.
    pub line: usize,
}

/// A constant declared in a message (`uint8 NAME=1`).
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    /// Name as written (upper snake case).
    pub name: String,
    /// Type: a primitive, or a (possibly bounded) string.
    pub ty: BaseType,
    /// The value.
    pub value: Literal,
    /// Comment lines attached to the constant.
    pub doc: Vec<String>,
    /// 1-based line number in the source file.
    pub line: usize,
}

/// One message structure: a whole `.msg`, or one section of a `.srv`/`.action`.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageSpec {
    /// Package that owns the message.
    pub package: String,
    /// The file kind it came from.
    pub kind: InterfaceKind,
    /// ROS name, with the section suffix (`String`, `Remember_Request`, `ExecuteTask_Goal`).
    pub name: String,
    /// Fields in file order (CDR order).
    pub fields: Vec<Field>,
    /// Constants in file order.
    pub constants: Vec<Constant>,
    /// Leading comment of the file or section.
    pub doc: Vec<String>,
    /// File the definition came from.
    pub file: PathBuf,
}

impl MessageSpec {
    /// The Rust struct name: the ROS name without underscores (`Remember_Request` → `RememberRequest`).
    pub fn rust_name(&self) -> String {
        self.name.replace('_', "")
    }

    /// `pkg/kind/Name`, the ROS 2 type name.
    pub fn type_name(&self) -> String {
        format!("{}/{}/{}", self.package, self.kind, self.name)
    }
}

/// One parsed interface file.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceFile {
    /// Package that owns the file.
    pub package: String,
    /// File kind.
    pub kind: InterfaceKind,
    /// Base name of the file (`AudioChunk`, `Remember`, `ExecuteTask`).
    pub name: String,
    /// The sections: one for `.msg`, two for `.srv`, three for `.action`.
    pub messages: Vec<MessageSpec>,
    /// Path of the file.
    pub file: PathBuf,
}
