//! Errors of parsing and generation. Every error names the file and, where there is one, the line.

use std::path::PathBuf;

/// A malformed line in an interface file.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {kind}", file.display())]
pub struct ParseError {
    /// File being parsed.
    pub file: PathBuf,
    /// 1-based line number (0 when the problem concerns the whole file).
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a line of an interface file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseErrorKind {
    /// A definition line with a type but no name.
    #[error("expected `TYPE NAME`, found `{text}`")]
    MissingName {
        /// The line without its comment.
        text: String,
    },
    /// A field or constant line that does not start in column 0.
    #[error("definitions must not be indented: `{text}`")]
    IndentedDefinition {
        /// The definition text.
        text: String,
    },
    /// A field name that ROS 2 does not allow.
    #[error(
        "invalid field name `{name}`: must match [a-z][a-z0-9_]*, without `__` or a trailing `_`"
    )]
    InvalidFieldName {
        /// The offending name.
        name: String,
    },
    /// A constant name that ROS 2 does not allow.
    #[error(
        "invalid constant name `{name}`: must match [A-Z][A-Z0-9_]*, without `__` or a trailing `_`"
    )]
    InvalidConstantName {
        /// The offending name.
        name: String,
    },
    /// A type that is neither builtin nor a valid `pkg/Type` / `Type`.
    #[error("invalid type `{name}`: expected a builtin type, `Type` or `package/Type`")]
    InvalidTypeName {
        /// The offending type text.
        name: String,
    },
    /// A syntactically valid type this generator does not handle.
    #[error("unsupported type `{name}`: {reason}")]
    UnsupportedType {
        /// The type text.
        name: String,
        /// Why it is not supported.
        reason: &'static str,
    },
    /// A malformed array or string bound.
    #[error("invalid size in `{text}`: expected a positive integer")]
    InvalidSize {
        /// The type text.
        text: String,
    },
    /// A constant of an array or message type.
    #[error(
        "constant `{name}` has type `{ty}`; constants must be a builtin type or an unbounded string"
    )]
    ConstantType {
        /// Constant name.
        name: String,
        /// Its type text.
        ty: String,
    },
    /// A constant without a value.
    #[error("constant `{name}` has no value after `=`")]
    MissingConstantValue {
        /// Constant name.
        name: String,
    },
    /// A value that does not parse as its type.
    #[error("invalid {ty} value `{text}`: {reason}")]
    InvalidLiteral {
        /// The type the value should have.
        ty: String,
        /// The value text.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An array default with the wrong number of elements.
    #[error("default of `{ty}` has {found} elements, {expected}")]
    ArrayDefaultLength {
        /// The array type.
        ty: String,
        /// What the type allows.
        expected: String,
        /// Elements given.
        found: usize,
    },
    /// Two fields or constants with the same name.
    #[error("`{name}` is already defined on line {first_line}")]
    DuplicateName {
        /// The repeated name.
        name: String,
        /// Line of the first definition.
        first_line: usize,
    },
    /// Wrong number of `---` separators for the file kind.
    #[error("a .{kind} file needs {expected} sections separated by `---`, found {found}")]
    SectionCount {
        /// File kind (`srv`, `action`, `msg`).
        kind: &'static str,
        /// Sections required.
        expected: usize,
        /// Sections found.
        found: usize,
    },
    /// An unterminated quoted string.
    #[error("unterminated string literal `{text}`")]
    UnterminatedString {
        /// The text from the opening quote.
        text: String,
    },
}

/// Any failure of the generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A file or directory could not be read.
    #[error("failed to read {}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file name that is not a valid interface name (`UpperCamelCase.msg`).
    #[error("{}: file name must be `UpperCamelCase.{kind}`", path.display())]
    InvalidFileName {
        /// The file.
        path: PathBuf,
        /// Expected extension.
        kind: &'static str,
    },
    /// A package name that ROS 2 does not allow.
    #[error("invalid package name `{package}`: must match [a-z][a-z0-9_]*")]
    InvalidPackageName {
        /// The offending name.
        package: String,
    },
    /// A field refers to a message that no input file defines.
    #[error("{}:{line}: field `{field}` refers to unknown message type `{type_name}`", file.display())]
    UnknownType {
        /// File of the field.
        file: PathBuf,
        /// Line of the field.
        line: usize,
        /// Field name.
        field: String,
        /// The missing `pkg/Type`.
        type_name: String,
    },
    /// Two files define the same type.
    #[error("type `{type_name}` is defined twice: {} and {}", first.display(), second.display())]
    DuplicateType {
        /// `pkg/kind/Name`.
        type_name: String,
        /// First definition.
        first: PathBuf,
        /// Second definition.
        second: PathBuf,
    },
    /// A message that contains itself (ROS 2 does not allow recursive types).
    #[error("recursive message types: {}", cycle.join(" -> "))]
    RecursiveType {
        /// The type names along the cycle.
        cycle: Vec<String>,
    },
}
