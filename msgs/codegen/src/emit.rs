//! Rust code generation from parsed interface files.
//!
//! Layout of the output (paths relative to the including crate):
//! - types of the root package: `msg::Name`, `srv::{NameRequest, NameResponse, Name}`,
//!   `action::{NameGoal, NameResult, NameFeedback, Name}`;
//! - every other package: `<package>::msg::Name` (and `srv`/`action` likewise);
//! - `visit_all_types`, calling `MessageVisitor::visit::<T>()` for every generated message type,
//!   and `ALL_TYPE_NAMES`.
//!
//! The including crate must provide the traits `RosMessage` (with an associated
//! `CONSTANTS: &[RosConstant]`), `RosService`, `RosAction` and `MessageVisitor`, and the types
//! `RosConstant { name, value }` and `ConstantValue::{Bool, Int, UInt, Float, String}` at its root and depend on `serde`, `serde_bytes` and `serde-big-array`.

use std::collections::{BTreeMap, HashMap};

use crate::error::Error;
use crate::model::{
    ArrayKind, BaseType, Field, FieldType, InterfaceFile, InterfaceKind, Literal, MessageSpec,
    Primitive, TypeRef,
};

/// Largest fixed array serde derives (de)serialization and `Default` for.
const SERDE_MAX_ARRAY: usize = 32;

/// Name of the member ROS 2 adds to messages without fields (C structs cannot be empty).
pub const EMPTY_MESSAGE_MEMBER: &str = "structure_needs_at_least_one_member";

/// Options for [`generate`].
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// The package whose types go to the top-level `msg`/`srv`/`action` modules.
    pub root_package: String,
    /// Path of the including crate in generated code (`crate`, or `::my_crate`).
    pub crate_path: String,
}

impl GenerateOptions {
    /// Options for a crate that `include!`s the output at its root, with `root_package` on top.
    pub fn new(root_package: impl Into<String>) -> Self {
        Self {
            root_package: root_package.into(),
            crate_path: "crate".to_string(),
        }
    }
}

/// Checks that every referenced type exists, that no type is defined twice and that no type
/// contains itself, then emits Rust source for all `files`.
///
/// # Errors
/// [`Error::UnknownType`], [`Error::DuplicateType`] or [`Error::RecursiveType`].
pub fn generate(files: &[InterfaceFile], options: &GenerateOptions) -> Result<String, Error> {
    let specs = index_types(files)?;
    check_references(&specs)?;
    check_cycles(&specs)?;
    let emitter = Emitter {
        options,
        specs: &specs,
    };
    Ok(emitter.emit(files))
}

/// All message specs by `(package, kind, name)`, in a stable order.
type SpecIndex<'a> = BTreeMap<(String, InterfaceKind, String), &'a MessageSpec>;

fn index_types(files: &[InterfaceFile]) -> Result<SpecIndex<'_>, Error> {
    let mut specs: SpecIndex<'_> = BTreeMap::new();
    for file in files {
        for spec in &file.messages {
            let key = (spec.package.clone(), spec.kind, spec.name.clone());
            if let Some(first) = specs.insert(key, spec) {
                return Err(Error::DuplicateType {
                    type_name: spec.type_name(),
                    first: first.file.clone(),
                    second: spec.file.clone(),
                });
            }
        }
    }
    Ok(specs)
}

fn msg_key(r: &TypeRef) -> (String, InterfaceKind, String) {
    (r.package.clone(), InterfaceKind::Msg, r.name.clone())
}

fn check_references(specs: &SpecIndex<'_>) -> Result<(), Error> {
    for spec in specs.values() {
        for field in &spec.fields {
            if let BaseType::Named(r) = &field.ty.base
                && !specs.contains_key(&msg_key(r))
            {
                return Err(Error::UnknownType {
                    file: spec.file.clone(),
                    line: field.line,
                    field: field.name.clone(),
                    type_name: r.to_string(),
                });
            }
        }
    }
    Ok(())
}

fn check_cycles(specs: &SpecIndex<'_>) -> Result<(), Error> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit(
        key: &(String, InterfaceKind, String),
        specs: &SpecIndex<'_>,
        marks: &mut HashMap<(String, InterfaceKind, String), Mark>,
        path: &mut Vec<String>,
    ) -> Result<(), Error> {
        match marks.get(key) {
            Some(Mark::Done) => return Ok(()),
            Some(Mark::Visiting) => {
                let name = format!("{}/{}/{}", key.0, key.1, key.2);
                let start = path.iter().position(|p| *p == name).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(name);
                return Err(Error::RecursiveType { cycle });
            }
            None => {}
        }
        let Some(spec) = specs.get(key) else {
            return Ok(());
        };
        marks.insert(key.clone(), Mark::Visiting);
        path.push(spec.type_name());
        for field in &spec.fields {
            if let BaseType::Named(r) = &field.ty.base {
                visit(&msg_key(r), specs, marks, path)?;
            }
        }
        path.pop();
        marks.insert(key.clone(), Mark::Done);
        Ok(())
    }
    let mut marks = HashMap::new();
    for key in specs.keys() {
        visit(key, specs, &mut marks, &mut Vec::new())?;
    }
    Ok(())
}

/// Rust keywords (2024 edition, strict and reserved) that need a raw identifier.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];
/// Keywords that cannot be raw identifiers; such fields get a `_` suffix and a serde rename.
const RUST_PATH_KEYWORDS: &[&str] = &["crate", "self", "super"];

/// The Rust identifier of a field and, if it differs from the ROS name, the serde rename.
pub fn rust_field_name(name: &str) -> (String, Option<&str>) {
    if RUST_PATH_KEYWORDS.contains(&name) {
        (format!("{name}_"), Some(name))
    } else if RUST_KEYWORDS.contains(&name) {
        (format!("r#{name}"), None)
    } else {
        (name.to_string(), None)
    }
}

struct Emitter<'a> {
    options: &'a GenerateOptions,
    specs: &'a SpecIndex<'a>,
}

/// Accumulates generated code with indentation.
struct Code {
    text: String,
    indent: usize,
}

impl Code {
    fn line(&mut self, line: &str) {
        if line.is_empty() {
            self.text.push('\n');
            return;
        }
        for _ in 0..self.indent {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn doc(&mut self, lines: &[String]) {
        for l in lines {
            if l.is_empty() {
                self.line("#[doc = \"\"]");
            } else {
                self.line(&format!("#[doc = {:?}]", format!(" {l}")));
            }
        }
    }

    fn open(&mut self, line: &str) {
        self.line(line);
        self.indent += 1;
    }

    fn close(&mut self, line: &str) {
        self.indent = self.indent.saturating_sub(1);
        self.line(line);
    }
}

impl Emitter<'_> {
    fn emit(&self, files: &[InterfaceFile]) -> String {
        let mut code = Code {
            text: String::new(),
            indent: 0,
        };
        code.line(&format!(
            "// @generated by embodied_msgs_codegen from {} interface files. Do not edit.",
            files.len()
        ));
        code.line("");

        // package -> kind -> files, sorted for stable output.
        let mut packages: BTreeMap<&str, BTreeMap<InterfaceKind, Vec<&InterfaceFile>>> =
            BTreeMap::new();
        for file in files {
            packages
                .entry(file.package.as_str())
                .or_default()
                .entry(file.kind)
                .or_default()
                .push(file);
        }

        for (package, kinds) in &packages {
            let is_root = *package == self.options.root_package;
            if !is_root {
                code.doc(&[format!("Types of the ROS 2 package `{package}`.")]);
                code.open(&format!("pub mod {package} {{"));
            }
            for (kind, kind_files) in kinds {
                let mut kind_files = kind_files.clone();
                kind_files.sort_by(|a, b| a.name.cmp(&b.name));
                code.doc(&[format!(
                    "`{package}/{kind}/*`: {}.",
                    match kind {
                        InterfaceKind::Msg => "messages",
                        InterfaceKind::Srv => "service requests and responses",
                        InterfaceKind::Action => "action goals, results and feedback",
                    }
                )]);
                code.open(&format!("pub mod {kind} {{"));
                for file in kind_files {
                    for spec in &file.messages {
                        self.emit_struct(&mut code, spec);
                    }
                    match kind {
                        InterfaceKind::Msg => {}
                        InterfaceKind::Srv => self.emit_service(&mut code, file),
                        InterfaceKind::Action => self.emit_action(&mut code, file),
                    }
                }
                code.close("}");
                code.line("");
            }
            if !is_root {
                code.close("}");
                code.line("");
            }
        }

        self.emit_registry(&mut code);
        code.text
    }

    /// Path of a generated type from the crate root.
    fn type_path(&self, package: &str, kind: InterfaceKind, rust_name: &str) -> String {
        let krate = &self.options.crate_path;
        if package == self.options.root_package {
            format!("{krate}::{kind}::{rust_name}")
        } else {
            format!("{krate}::{package}::{kind}::{rust_name}")
        }
    }

    fn element_type(&self, base: &BaseType) -> String {
        match base {
            BaseType::Primitive(p) => p.rust_type().to_string(),
            BaseType::String { .. } => "::std::string::String".to_string(),
            BaseType::Named(r) => {
                let rust_name = self
                    .specs
                    .get(&msg_key(r))
                    .map_or_else(|| r.name.replace('_', ""), |s| s.rust_name());
                self.type_path(&r.package, InterfaceKind::Msg, &rust_name)
            }
        }
    }

    fn rust_type(&self, ty: &FieldType) -> String {
        let element = self.element_type(&ty.base);
        match ty.array {
            ArrayKind::Single => element,
            ArrayKind::Fixed(n) => format!("[{element}; {n}]"),
            ArrayKind::Unbounded | ArrayKind::Bounded(_) => {
                format!("::std::vec::Vec<{element}>")
            }
        }
    }

    /// True when `#[derive(Default)]` gives the ROS default of every field.
    fn derives_default(spec: &MessageSpec) -> bool {
        spec.fields.iter().all(|f| {
            f.default.is_none() && !matches!(f.ty.array, ArrayKind::Fixed(n) if n > SERDE_MAX_ARRAY)
        })
    }

    fn emit_struct(&self, code: &mut Code, spec: &MessageSpec) {
        let rust_name = spec.rust_name();
        let mut doc = if spec.doc.is_empty() {
            vec![format!("`{}`.", spec.type_name())]
        } else {
            let mut d = spec.doc.clone();
            d.push(String::new());
            d.push(format!("ROS 2 type `{}`.", spec.type_name()));
            d
        };
        if spec.fields.is_empty() {
            doc.push(String::new());
            doc.push(format!(
                "Has no fields in the interface file; `{EMPTY_MESSAGE_MEMBER}` is the byte ROS 2 puts on the wire instead."
            ));
        }
        code.doc(&doc);
        let derive_default = Self::derives_default(spec);
        code.line(&format!(
            "#[derive(Debug, Clone, {}PartialEq, ::serde::Serialize, ::serde::Deserialize)]",
            if derive_default { "Default, " } else { "" }
        ));
        code.open(&format!("pub struct {rust_name} {{"));
        if spec.fields.is_empty() {
            code.doc(&["Always 0; present because ROS 2 messages cannot be empty.".to_string()]);
            code.line(&format!("pub {EMPTY_MESSAGE_MEMBER}: u8,"));
        }
        for field in &spec.fields {
            self.emit_field(code, field);
        }
        code.close("}");
        code.line("");

        if !spec.constants.is_empty() {
            code.open(&format!("impl {rust_name} {{"));
            for constant in &spec.constants {
                let mut doc = constant.doc.clone();
                if doc.is_empty() {
                    doc.push(format!("`{}` constant.", constant.name));
                }
                code.doc(&doc);
                let (ty, value) = match (&constant.ty, &constant.value) {
                    (BaseType::String { .. }, Literal::String(s)) => {
                        ("&'static str".to_string(), format!("{s:?}"))
                    }
                    (BaseType::Primitive(p), value) => {
                        (p.rust_type().to_string(), literal_expr(*p, value))
                    }
                    (ty, value) => (self.element_type(ty), format!("{value:?}")),
                };
                code.line(&format!("pub const {}: {ty} = {value};", constant.name));
            }
            code.close("}");
            code.line("");
        }

        if !derive_default {
            code.open(&format!("impl ::std::default::Default for {rust_name} {{"));
            code.open("fn default() -> Self {");
            code.open("Self {");
            for field in &spec.fields {
                let (ident, _) = rust_field_name(&field.name);
                code.line(&format!("{ident}: {},", self.default_expr(field)));
            }
            code.close("}");
            code.close("}");
            code.close("}");
            code.line("");
        }

        let krate = &self.options.crate_path;
        code.open(&format!("impl {krate}::RosMessage for {rust_name} {{"));
        code.line(&format!(
            "const PACKAGE: &'static str = {:?};",
            spec.package
        ));
        code.line(&format!(
            "const INTERFACE: &'static str = {:?};",
            spec.kind.as_str()
        ));
        code.line(&format!("const NAME: &'static str = {:?};", spec.name));
        if !spec.constants.is_empty() {
            code.open(&format!(
                "const CONSTANTS: &'static [{krate}::RosConstant] = &["
            ));
            for constant in &spec.constants {
                code.line(&format!(
                    "{krate}::RosConstant {{ name: {:?}, value: {krate}::ConstantValue::{} }},",
                    constant.name,
                    constant_value_expr(&constant.ty, &constant.value)
                ));
            }
            code.close("];");
        }
        code.close("}");
        code.line("");
    }

    fn emit_field(&self, code: &mut Code, field: &Field) {
        let mut doc = field.doc.clone();
        if !doc.is_empty() {
            doc.push(String::new());
        }
        match &field.default {
            Some(value) => doc.push(format!("ROS type `{}`, default `{value}`.", field.ty)),
            None => doc.push(format!("ROS type `{}`.", field.ty)),
        }
        code.doc(&doc);
        let (ident, rename) = rust_field_name(&field.name);
        if let Some(ros_name) = rename {
            code.line(&format!("#[serde(rename = {ros_name:?})]"));
        }
        let is_octet_sequence = matches!(field.ty.base, BaseType::Primitive(p) if p.is_octet())
            && matches!(field.ty.array, ArrayKind::Unbounded | ArrayKind::Bounded(_));
        if is_octet_sequence {
            // One memcpy instead of per-element serde; same CDR bytes as a sequence of u8.
            code.line("#[serde(with = \"::serde_bytes\")]");
        } else if matches!(field.ty.array, ArrayKind::Fixed(n) if n > SERDE_MAX_ARRAY) {
            code.line("#[serde(with = \"::serde_big_array::BigArray\")]");
        }
        code.line(&format!("pub {ident}: {},", self.rust_type(&field.ty)));
    }

    fn default_expr(&self, field: &Field) -> String {
        let ty = &field.ty;
        match (&field.default, ty.array) {
            (Some(value), ArrayKind::Single) => self.scalar_expr(&ty.base, value),
            (Some(Literal::Array(items)), array) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|v| self.scalar_expr(&ty.base, v))
                    .collect();
                if matches!(array, ArrayKind::Fixed(_)) {
                    format!("[{}]", items.join(", "))
                } else {
                    format!("::std::vec![{}]", items.join(", "))
                }
            }
            (_, ArrayKind::Fixed(n)) if n > SERDE_MAX_ARRAY => {
                "::std::array::from_fn(|_| ::std::default::Default::default())".to_string()
            }
            _ => "::std::default::Default::default()".to_string(),
        }
    }

    fn scalar_expr(&self, base: &BaseType, value: &Literal) -> String {
        match (base, value) {
            (BaseType::Primitive(p), value) => literal_expr(*p, value),
            (BaseType::String { .. }, Literal::String(s)) => {
                format!("::std::string::String::from({s:?})")
            }
            // The parser only produces the combinations above; keep the type's default otherwise.
            _ => "::std::default::Default::default()".to_string(),
        }
    }

    fn emit_service(&self, code: &mut Code, file: &InterfaceFile) {
        let [request, response] = file.messages.as_slice() else {
            return;
        };
        let krate = &self.options.crate_path;
        code.doc(&[format!(
            "The service `{}/srv/{}`: request [`{}`], response [`{}`].",
            file.package,
            file.name,
            request.rust_name(),
            response.rust_name()
        )]);
        code.line("#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]");
        code.line(&format!("pub struct {};", file.name));
        code.line("");
        code.open(&format!("impl {krate}::RosService for {} {{", file.name));
        code.line(&format!("type Request = {};", request.rust_name()));
        code.line(&format!("type Response = {};", response.rust_name()));
        code.line(&format!(
            "const PACKAGE: &'static str = {:?};",
            file.package
        ));
        code.line(&format!("const NAME: &'static str = {:?};", file.name));
        code.close("}");
        code.line("");
    }

    fn emit_action(&self, code: &mut Code, file: &InterfaceFile) {
        let [goal, result, feedback] = file.messages.as_slice() else {
            return;
        };
        let krate = &self.options.crate_path;
        code.doc(&[format!(
            "The action `{}/action/{}`: goal [`{}`], result [`{}`], feedback [`{}`].",
            file.package,
            file.name,
            goal.rust_name(),
            result.rust_name(),
            feedback.rust_name()
        )]);
        code.line("#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]");
        code.line(&format!("pub struct {};", file.name));
        code.line("");
        code.open(&format!("impl {krate}::RosAction for {} {{", file.name));
        code.line(&format!("type Goal = {};", goal.rust_name()));
        code.line(&format!("type Result = {};", result.rust_name()));
        code.line(&format!("type Feedback = {};", feedback.rust_name()));
        code.line(&format!(
            "const PACKAGE: &'static str = {:?};",
            file.package
        ));
        code.line(&format!("const NAME: &'static str = {:?};", file.name));
        code.close("}");
        code.line("");
    }

    fn emit_registry(&self, code: &mut Code) {
        let krate = &self.options.crate_path;
        let mut paths: Vec<(String, String)> = self
            .specs
            .values()
            .map(|s| {
                (
                    s.type_name(),
                    self.type_path(&s.package, s.kind, &s.rust_name()),
                )
            })
            .collect();
        paths.sort();
        code.doc(&[
            "Calls `visitor.visit::<T>()` once for every generated message type (including the"
                .to_string(),
            "request/response and goal/result/feedback types), sorted by ROS type name."
                .to_string(),
        ]);
        code.open(&format!(
            "pub fn visit_all_types(visitor: &mut impl {krate}::MessageVisitor) {{"
        ));
        for (_, path) in &paths {
            code.line(&format!("visitor.visit::<{path}>();"));
        }
        code.close("}");
        code.line("");
        code.doc(&["ROS 2 names (`pkg/kind/Name`) of every generated type, sorted.".to_string()]);
        code.open("pub const ALL_TYPE_NAMES: &[&str] = &[");
        for (name, _) in &paths {
            code.line(&format!("{name:?},"));
        }
        code.close("];");
    }
}

/// The `ConstantValue` variant for a constant (`UInt(1)`, `String("x")`, ...).
fn constant_value_expr(ty: &BaseType, value: &Literal) -> String {
    match (ty, value) {
        (_, Literal::Bool(b)) => format!("Bool({b})"),
        (BaseType::Primitive(p), Literal::Int(i)) if p.is_float() => {
            format!("Float({})", float_expr(Primitive::Float64, *i as f64))
        }
        (BaseType::Primitive(p), Literal::Float(f)) => {
            // A float32 constant is the f32 value, widened exactly.
            let value = if *p == Primitive::Float32 {
                f64::from(*f as f32)
            } else {
                *f
            };
            format!("Float({})", float_expr(Primitive::Float64, value))
        }
        (BaseType::Primitive(p), Literal::Int(i))
            if p.integer_range().is_some_and(|(min, _)| min < 0) =>
        {
            format!("Int({i})")
        }
        (_, Literal::Int(i)) => format!("UInt({i})"),
        (_, Literal::Float(f)) => format!("Float({})", float_expr(Primitive::Float64, *f)),
        (_, Literal::String(s)) => format!("String({s:?})"),
        // Constants are never arrays (the parser rejects them).
        (_, Literal::Array(_)) => "String(\"\")".to_string(),
    }
}

/// A Rust expression for a primitive literal, typed by context.
fn literal_expr(p: Primitive, value: &Literal) -> String {
    match value {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) if p.is_float() => float_expr(p, *i as f64),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => float_expr(p, *f),
        Literal::String(s) => format!("{s:?}"),
        Literal::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| literal_expr(p, v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn float_expr(p: Primitive, value: f64) -> String {
    let ty = p.rust_type();
    if value.is_nan() {
        format!("{ty}::NAN")
    } else if value.is_infinite() {
        if value > 0.0 {
            format!("{ty}::INFINITY")
        } else {
            format!("{ty}::NEG_INFINITY")
        }
    } else if p == Primitive::Float32 {
        format!("{:?}_f32", value as f32)
    } else {
        format!("{value:?}_f64")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::parse_interface;

    fn file(package: &str, kind: InterfaceKind, name: &str, text: &str) -> InterfaceFile {
        let path = format!("{package}/{kind}/{name}.{kind}");
        parse_interface(package, kind, name, text, Path::new(&path)).unwrap()
    }

    fn base_files() -> Vec<InterfaceFile> {
        vec![
            file(
                "builtin_interfaces",
                InterfaceKind::Msg,
                "Time",
                "int32 sec\nuint32 nanosec\n",
            ),
            file(
                "std_msgs",
                InterfaceKind::Msg,
                "Header",
                "builtin_interfaces/Time stamp\nstring frame_id\n",
            ),
        ]
    }

    fn generate_with(extra: Vec<InterfaceFile>) -> Result<String, Error> {
        let mut files = base_files();
        files.extend(extra);
        generate(&files, &GenerateOptions::new("demo_msgs"))
    }

    #[test]
    fn emits_struct_with_serde_attributes_and_constants() {
        let code = generate_with(vec![file(
            "demo_msgs",
            InterfaceKind::Msg,
            "Chunk",
            "# A chunk.\n\nuint8 ENC_PCM=1 # pcm\nstring NAME=\"x\"\nfloat32 GAIN=0.5\nHeader header\nuint8[] data # bytes\nfloat64[36] cov\nfloat32[3] xyz\nstring type\nuint8 self\n",
        )])
        .unwrap();
        assert!(code.contains("pub mod msg {"), "{code}");
        assert!(code.contains("pub struct Chunk {"));
        assert!(code.contains("pub header: crate::std_msgs::msg::Header,"));
        assert!(code.contains(
            "#[serde(with = \"::serde_bytes\")]\n        pub data: ::std::vec::Vec<u8>,"
        ));
        assert!(code.contains(
            "#[serde(with = \"::serde_big_array::BigArray\")]\n        pub cov: [f64; 36],"
        ));
        assert!(code.contains("pub xyz: [f32; 3],"));
        assert!(code.contains("pub r#type: ::std::string::String,"));
        assert!(code.contains("#[serde(rename = \"self\")]\n        pub self_: u8,"));
        assert!(code.contains("pub const ENC_PCM: u8 = 1;"));
        assert!(code.contains("pub const NAME: &'static str = \"x\";"));
        assert!(code.contains("pub const GAIN: f32 = 0.5_f32;"));
        // Big array: Default cannot be derived, so it is written out.
        assert!(code.contains("impl ::std::default::Default for Chunk {"));
        assert!(
            code.contains("cov: ::std::array::from_fn(|_| ::std::default::Default::default()),")
        );
        assert!(code.contains("const NAME: &'static str = \"Chunk\";"));
        assert!(code.contains(
            "crate::RosConstant { name: \"ENC_PCM\", value: crate::ConstantValue::UInt(1) },"
        ));
        assert!(code.contains(
            "crate::RosConstant { name: \"GAIN\", value: crate::ConstantValue::Float(0.5_f64) },"
        ));
        assert!(code.contains(
            "crate::RosConstant { name: \"NAME\", value: crate::ConstantValue::String(\"x\") },"
        ));
        assert!(code.contains("visitor.visit::<crate::msg::Chunk>();"));
        assert!(code.contains("visitor.visit::<crate::std_msgs::msg::Header>();"));
        assert!(code.contains("\"demo_msgs/msg/Chunk\","));
    }

    #[test]
    fn fixed_octet_arrays_are_not_bytes() {
        // serde_bytes would add a length prefix, but `T[N]` has none on the wire.
        let code = generate_with(vec![file(
            "demo_msgs",
            InterfaceKind::Msg,
            "Gid",
            "uint8[16] data\nbyte[<=4] small\n",
        )])
        .unwrap();
        assert!(code.contains("pub data: [u8; 16],"));
        assert!(!code.contains("serde_bytes\")]\n        pub data"));
        assert!(code.contains(
            "#[serde(with = \"::serde_bytes\")]\n        pub small: ::std::vec::Vec<u8>,"
        ));
        assert!(code.contains("#[derive(Debug, Clone, Default, PartialEq,"));
    }

    #[test]
    fn defaults_are_written_out() {
        let code = generate_with(vec![file(
            "demo_msgs",
            InterfaceKind::Msg,
            "Defaults",
            "int32 x -5\nstring s \"hi\"\nfloat64[2] v [1, 2.5]\nint8[] seq [1, -2]\nbool on true\nfloat32 f\n",
        )])
        .unwrap();
        for expected in [
            "x: -5,",
            "s: ::std::string::String::from(\"hi\"),",
            "v: [1.0_f64, 2.5_f64],",
            "seq: ::std::vec![1, -2],",
            "on: true,",
            "f: ::std::default::Default::default(),",
            "#[doc = \" ROS type `float64[2]`, default `[1, 2.5]`.\"]",
            "#[doc = \" ROS type `string`, default `\\\"hi\\\"`.\"]",
        ] {
            assert!(code.contains(expected), "missing {expected}\n{code}");
        }
    }

    #[test]
    fn empty_message_gets_placeholder_member() {
        let code = generate_with(vec![file(
            "demo_msgs",
            InterfaceKind::Msg,
            "Empty",
            "# Nothing.\n",
        )])
        .unwrap();
        assert!(code.contains("pub struct Empty {"));
        assert!(code.contains("pub structure_needs_at_least_one_member: u8,"));
    }

    #[test]
    fn services_and_actions_get_section_types_and_markers() {
        let code = generate_with(vec![
            file("demo_msgs", InterfaceKind::Msg, "Item", "string name\n"),
            file(
                "demo_msgs",
                InterfaceKind::Srv,
                "Find",
                "string query\n---\nItem[] items\n",
            ),
            file(
                "demo_msgs",
                InterfaceKind::Action,
                "Fetch",
                "Item item\n---\nbool ok\n---\nfloat32 progress\n",
            ),
        ])
        .unwrap();
        assert!(code.contains("pub mod srv {"));
        assert!(code.contains("pub struct FindRequest {"));
        assert!(code.contains("pub items: ::std::vec::Vec<crate::msg::Item>,"));
        assert!(code.contains("const NAME: &'static str = \"Find_Response\";"));
        assert!(code.contains("const INTERFACE: &'static str = \"srv\";"));
        assert!(code.contains("impl crate::RosService for Find {"));
        assert!(code.contains("type Response = FindResponse;"));
        assert!(code.contains("pub struct FetchFeedback {"));
        assert!(code.contains("impl crate::RosAction for Fetch {"));
        assert!(code.contains("visitor.visit::<crate::action::FetchGoal>();"));
    }

    #[test]
    fn other_packages_get_their_own_module() {
        let code = generate(&base_files(), &GenerateOptions::new("demo_msgs")).unwrap();
        assert!(code.contains("pub mod std_msgs {"));
        assert!(code.contains("pub mod builtin_interfaces {"));
        assert!(code.contains("pub stamp: crate::builtin_interfaces::msg::Time,"));
    }

    #[test]
    fn unknown_type_names_field_file_and_line() {
        let err = generate_with(vec![file(
            "demo_msgs",
            InterfaceKind::Msg,
            "Bad",
            "uint8 ok\ngeometry_msgs/Pose pose\n",
        )])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "demo_msgs/msg/Bad.msg:2: field `pose` refers to unknown message type `geometry_msgs/Pose`"
        );
    }

    #[test]
    fn duplicate_and_recursive_types_are_rejected() {
        let err = generate_with(vec![
            file("demo_msgs", InterfaceKind::Msg, "A", "uint8 x\n"),
            file("demo_msgs", InterfaceKind::Msg, "A", "uint8 y\n"),
        ])
        .unwrap_err();
        assert!(matches!(err, Error::DuplicateType { .. }), "{err}");

        let err = generate_with(vec![
            file("demo_msgs", InterfaceKind::Msg, "A", "B[] b\n"),
            file("demo_msgs", InterfaceKind::Msg, "B", "A a\n"),
        ])
        .unwrap_err();
        match err {
            Error::RecursiveType { cycle } => assert_eq!(
                cycle,
                vec!["demo_msgs/msg/A", "demo_msgs/msg/B", "demo_msgs/msg/A"]
            ),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn keyword_field_names_map_to_valid_identifiers() {
        assert_eq!(rust_field_name("type"), ("r#type".to_string(), None));
        assert_eq!(rust_field_name("gen"), ("r#gen".to_string(), None));
        assert_eq!(
            rust_field_name("super"),
            ("super_".to_string(), Some("super"))
        );
        assert_eq!(rust_field_name("data"), ("data".to_string(), None));
    }

    #[test]
    fn float_literals_are_valid_rust() {
        assert_eq!(float_expr(Primitive::Float64, 1.0), "1.0_f64");
        assert_eq!(float_expr(Primitive::Float64, 1e-300), "1e-300_f64");
        assert_eq!(float_expr(Primitive::Float32, 0.1), "0.1_f32");
        assert_eq!(
            float_expr(Primitive::Float32, f64::NEG_INFINITY),
            "f32::NEG_INFINITY"
        );
        assert_eq!(
            literal_expr(Primitive::Float64, &Literal::Int(3)),
            "3.0_f64"
        );
    }
}
