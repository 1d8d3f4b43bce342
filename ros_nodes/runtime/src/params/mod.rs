//! ROS 2 parameters: YAML files, `-p` overrides, typed declaration and a serde route.
//!
//! The file format is rcl's (`rcl_yaml_param_parser`): node keys (a fully qualified name, or
//! nested namespace keys ending in the node name, with `*` matching one name token and `**`
//! any number of them, as rclcpp's `parameter_map_from` does), then `ros__parameters`, under
//! which nested maps flatten with `.`. Values are bool, int64, double, string or homogeneous
//! arrays of those, typed as rcl types unquoted scalars (`yes`/`on` are bools, `0x10` and
//! `010` integers, `'1'` a string); byte arrays can be declared in code and are filled from
//! integer arrays. Errors name the file and line, the node key and the parameter.
//!
//! Precedence: code default < files (in command-line order, later wins) < `-p` (in order).

mod error;
mod file;
mod value;
mod yaml;

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use tracing::debug;

pub use error::{ParamSource, ParamsError};
pub use file::{FileParam, NodeSection, ParamFile, node_key_matches};
pub use value::{ParamType, ParamValue};

use crate::ros_args::RosArgs;
use file::join_node_key;

/// Parameters the runtime itself reads; they never reach a node's own `Params`.
pub const RUNTIME_PARAMETERS: &[&str] = &[USE_SIM_TIME];

/// The ROS parameter that switches a node's clock to `/clock`.
pub const USE_SIM_TIME: &str = "use_sim_time";

/// One resolved parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedParam {
    /// The winning value.
    pub value: ParamValue,
    /// Where it came from.
    pub source: ParamSource,
}

/// The parameters given to one node by its files and `-p` rules, before declaration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParameterSet {
    params: BTreeMap<String, ResolvedParam>,
}

impl ParameterSet {
    /// Loads every `--params-file` and applies `-p` rules for the node with this fully
    /// qualified name (after remapping).
    ///
    /// # Errors
    /// Any [`ParamsError`] of [`ParamFile::load`].
    pub fn load(args: &RosArgs, fully_qualified_name: &str) -> Result<Self, ParamsError> {
        let files = args
            .params_files
            .iter()
            .map(|path| ParamFile::load(path))
            .collect::<Result<Vec<_>, _>>()?;
        let mut set = Self::default();
        for file in &files {
            set.apply_file(file, fully_qualified_name);
        }
        for rule in &args.param_overrides {
            // rcl stores `-p node:name:=v` under the node key `node`, made absolute.
            let node_key = rule.node.as_deref().map(|n| join_node_key("", n));
            if node_key
                .as_deref()
                .is_some_and(|key| !node_key_matches(key, fully_qualified_name))
            {
                continue;
            }
            set.params.insert(
                rule.name.clone(),
                ResolvedParam {
                    value: rule.value.clone(),
                    source: ParamSource::CommandLine { node_key },
                },
            );
        }
        Ok(set)
    }

    /// Applies the sections of `file` that match the node, in file order.
    pub fn apply_file(&mut self, file: &ParamFile, fully_qualified_name: &str) {
        for section in &file.sections {
            if !node_key_matches(&section.node_key, fully_qualified_name) {
                continue;
            }
            for param in &section.params {
                self.params.insert(
                    param.name.clone(),
                    ResolvedParam {
                        value: param.value.clone(),
                        source: ParamSource::File {
                            path: file.path.clone(),
                            node_key: section.node_key.clone(),
                            line: param.line,
                        },
                    },
                );
            }
        }
    }

    /// Sets one value, as a `-p` rule would (later calls win).
    pub fn set(&mut self, name: &str, value: ParamValue, source: ParamSource) {
        self.params
            .insert(name.to_owned(), ResolvedParam { value, source });
    }

    /// The resolved value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&ResolvedParam> {
        self.params.get(name)
    }

    /// Every resolved parameter, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ResolvedParam)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `use_sim_time`, `false` when not given.
    ///
    /// # Errors
    /// [`ParamsError::WrongType`] when it is not a bool.
    pub fn use_sim_time(&self) -> Result<bool, ParamsError> {
        match self.params.get(USE_SIM_TIME) {
            None => Ok(false),
            Some(ResolvedParam { value, source }) => {
                value.as_bool().ok_or_else(|| ParamsError::WrongType {
                    key: USE_SIM_TIME.to_owned(),
                    source_desc: source.clone(),
                    expected: ParamType::Bool,
                    found: value.kind(),
                })
            }
        }
    }

    /// Declares the node's parameters: each takes its given value (type-checked) or its
    /// default. A node-specific value for an undeclared name is an error (a typo must not pass
    /// silently); wildcard values the node does not declare are ignored, as in ROS.
    ///
    /// # Errors
    /// [`ParamsError::WrongType`] or [`ParamsError::Undeclared`].
    pub fn declare(&self, declarations: &[ParamDecl]) -> Result<DeclaredParams, ParamsError> {
        let mut declared = BTreeMap::new();
        for decl in declarations {
            let (value, source) =
                match self.params.get(&decl.name) {
                    None => (decl.default.clone(), ParamSource::Default),
                    Some(given) => {
                        let expected = decl.default.kind();
                        let value = given.value.coerce_to(expected).ok_or_else(|| {
                            ParamsError::WrongType {
                                key: decl.name.clone(),
                                source_desc: given.source.clone(),
                                expected,
                                found: given.value.kind(),
                            }
                        })?;
                        (value, given.source.clone())
                    }
                };
            declared.insert(
                decl.name.clone(),
                DeclaredParam {
                    value,
                    source,
                    description: decl.description.clone(),
                },
            );
        }
        for (name, given) in &self.params {
            if declared.contains_key(name) || RUNTIME_PARAMETERS.contains(&name.as_str()) {
                continue;
            }
            if given.source.is_wildcard() {
                debug!(parameter = %name, source = %given.source, "ignoring wildcard parameter this node does not declare");
                continue;
            }
            return Err(ParamsError::Undeclared {
                key: name.clone(),
                source_desc: given.source.clone(),
            });
        }
        Ok(DeclaredParams { params: declared })
    }

    /// Fills a node's serde `Params` struct (typically `#[serde(default, deny_unknown_fields)]`)
    /// from the node's parameters, dotted names becoming nested structs. Runtime parameters
    /// (`use_sim_time`) are left out; unknown wildcard parameters are ignored as in ROS.
    ///
    /// # Errors
    /// [`ParamsError::Deserialize`] naming the key and where it was set,
    /// [`ParamsError::Undeclared`] for an unknown node-specific key,
    /// [`ParamsError::Conflict`] or [`ParamsError::InvalidValue`] when no tree can be built.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, ParamsError> {
        let mut ignored: Vec<String> = Vec::new();
        // Each round drops one unknown wildcard parameter; bounded by the number of params.
        for _ in 0..=self.params.len() {
            let tree = self.json_tree(&ignored)?;
            match serde_path_to_error::deserialize::<_, T>(tree) {
                Ok(value) => return Ok(value),
                Err(error) => {
                    let path = error.path().to_string();
                    let path = if path == "." { String::new() } else { path };
                    let message = error.inner().to_string();
                    match SerdeFailure::classify(&path, &message) {
                        SerdeFailure::Unknown(key) => match self.params.get(&key) {
                            Some(given) if given.source.is_wildcard() => {
                                debug!(parameter = %key, source = %given.source, "ignoring wildcard parameter this node does not have");
                                ignored.push(key);
                            }
                            Some(given) => {
                                return Err(ParamsError::Undeclared {
                                    key,
                                    source_desc: given.source.clone(),
                                });
                            }
                            None => return Err(self.deserialize_error(key, message)),
                        },
                        SerdeFailure::Missing(key) => return Err(ParamsError::Missing { key }),
                        SerdeFailure::Other(key) => {
                            return Err(self.deserialize_error(key, message));
                        }
                    }
                }
            }
        }
        Err(ParamsError::Deserialize {
            key: String::new(),
            source_desc: ParamSource::Default,
            message: "too many unknown wildcard parameters".to_owned(),
        })
    }

    fn deserialize_error(&self, key: String, message: String) -> ParamsError {
        let source_desc = self.params.get(&key).map_or_else(
            || self.source_under(&key).unwrap_or(ParamSource::Default),
            |given| given.source.clone(),
        );
        ParamsError::Deserialize {
            key,
            source_desc,
            message,
        }
    }

    /// The source of some parameter nested under `prefix` (for errors about a whole struct).
    fn source_under(&self, prefix: &str) -> Option<ParamSource> {
        let nested = format!("{prefix}.");
        self.params
            .iter()
            .find(|(name, _)| prefix.is_empty() || name.starts_with(&nested))
            .map(|(_, p)| p.source.clone())
    }

    fn json_tree(&self, ignored: &[String]) -> Result<serde_json::Value, ParamsError> {
        let mut root = serde_json::Map::new();
        for (name, given) in &self.params {
            if RUNTIME_PARAMETERS.contains(&name.as_str()) || ignored.contains(name) {
                continue;
            }
            let value = given
                .value
                .to_json()
                .ok_or_else(|| ParamsError::InvalidValue {
                    key: name.clone(),
                    source_desc: given.source.clone(),
                    reason: "non-finite doubles (.inf, .nan) cannot fill a typed Params struct"
                        .to_owned(),
                })?;
            insert_dotted(&mut root, name, value).map_err(|other| ParamsError::Conflict {
                key: name.clone(),
                source_desc: given.source.clone(),
                other,
            })?;
        }
        Ok(serde_json::Value::Object(root))
    }
}

/// Why serde rejected the parameter tree, with the dotted key concerned.
enum SerdeFailure {
    /// A key the struct does not have (`deny_unknown_fields`).
    Unknown(String),
    /// A field without default that no file or `-p` gave.
    Missing(String),
    /// Anything else: wrong type, bad value.
    Other(String),
}

impl SerdeFailure {
    /// Reads serde's fixed wordings (`de::Error::unknown_field`, `missing_field`); the path
    /// may or may not already end with the field's name.
    fn classify(path: &str, message: &str) -> Self {
        let field_in = |prefix: &str| {
            message
                .strip_prefix(prefix)
                .and_then(|rest| rest.split_once('`'))
                .map(|(field, _)| {
                    if path == field || path.ends_with(&format!(".{field}")) {
                        path.to_owned()
                    } else {
                        join_path(path, field)
                    }
                })
        };
        if let Some(key) = field_in("unknown field `") {
            Self::Unknown(key)
        } else if let Some(key) = field_in("missing field `") {
            Self::Missing(key)
        } else {
            Self::Other(path.to_owned())
        }
    }
}

fn join_path(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Inserts `a.b.c = value` into nested maps; on a collision returns the other name.
fn insert_dotted(
    root: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    value: serde_json::Value,
) -> Result<(), String> {
    let mut parts: Vec<&str> = name.split('.').collect();
    let last = parts.pop().unwrap_or(name);
    let mut map = root;
    let mut walked = String::new();
    for part in parts {
        walked = join_path(&walked, part);
        let entry = map
            .entry(part.to_owned())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        match entry {
            serde_json::Value::Object(child) => map = child,
            _ => return Err(walked),
        }
    }
    if map.contains_key(last) {
        return Err(format!("{}.*", join_path(&walked, last)));
    }
    map.insert(last.to_owned(), value);
    Ok(())
}

/// A parameter a node declares: its name, default (which fixes its type) and description.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// Dotted name.
    pub name: String,
    /// Default value; its type is the parameter's type.
    pub default: ParamValue,
    /// One-line description (shown by `ros2 param describe` and the README table).
    pub description: String,
}

impl ParamDecl {
    /// A declaration.
    pub fn new(name: &str, default: ParamValue, description: &str) -> Self {
        Self {
            name: name.to_owned(),
            default,
            description: description.to_owned(),
        }
    }
}

/// A declared parameter's value, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredParam {
    /// The value in effect.
    pub value: ParamValue,
    /// Where it came from.
    pub source: ParamSource,
    /// The declaration's description.
    pub description: String,
}

/// The result of [`ParameterSet::declare`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredParams {
    params: BTreeMap<String, DeclaredParam>,
}

impl DeclaredParams {
    /// The declared parameter `name`.
    pub fn get(&self, name: &str) -> Option<&DeclaredParam> {
        self.params.get(name)
    }

    /// The value of `name`.
    pub fn value(&self, name: &str) -> Option<&ParamValue> {
        self.params.get(name).map(|p| &p.value)
    }

    /// Every declared parameter, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DeclaredParam)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ros_args::RosArgs;
    use std::path::Path;

    fn file(text: &str) -> ParamFile {
        ParamFile::parse(Path::new("voice.yaml"), text).unwrap()
    }

    fn file_error(text: &str) -> String {
        ParamFile::parse(Path::new("voice.yaml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn nested_namespaces_wildcards_and_flattening() {
        let f = file(
            "/robot1:\n  voice:\n    ros__parameters:\n      model_path: \"m.bin\"\n      sample_rate: 16000\n      vad:\n        threshold: 0.5\n      ids: [1, 2, 3]\n      quoted: '1'\n/**:\n  ros__parameters:\n    use_sim_time: true\n",
        );
        assert_eq!(f.sections.len(), 2);
        assert_eq!(f.sections[0].node_key, "/robot1/voice");
        let named: Vec<(&str, &ParamValue, usize)> = f.sections[0]
            .params
            .iter()
            .map(|p| (p.name.as_str(), &p.value, p.line))
            .collect();
        assert_eq!(
            named,
            vec![
                ("model_path", &ParamValue::String("m.bin".into()), 4),
                ("sample_rate", &ParamValue::Integer(16000), 5),
                ("vad.threshold", &ParamValue::Double(0.5), 7),
                ("ids", &ParamValue::IntegerArray(vec![1, 2, 3]), 8),
                ("quoted", &ParamValue::String("1".into()), 9),
            ]
        );
        assert_eq!(f.sections[1].node_key, "/**");
        let mut set = ParameterSet::default();
        set.apply_file(&f, "/robot1/voice");
        assert!(set.use_sim_time().unwrap());
        assert_eq!(
            set.get("vad.threshold").unwrap().value,
            ParamValue::Double(0.5)
        );
        let mut other = ParameterSet::default();
        other.apply_file(&f, "/robot2/voice");
        assert!(other.get("sample_rate").is_none());
        assert!(other.get("use_sim_time").is_some());
    }

    #[test]
    fn node_keys_match_like_rclcpp() {
        assert!(node_key_matches("/**", "/a/b/c"));
        assert!(node_key_matches("/**", "/c"));
        assert!(node_key_matches("/**/voice", "/voice"));
        assert!(node_key_matches("/**/voice", "/r/s/voice"));
        assert!(!node_key_matches("/**/voice", "/r/s/ear"));
        assert!(node_key_matches("/ns/*", "/ns/voice"));
        assert!(!node_key_matches("/ns/*", "/ns/sub/voice"));
        assert!(node_key_matches("/*/voice", "/r/voice"));
        assert!(!node_key_matches("/*/voice", "/voice"));
        assert!(node_key_matches("/voice", "/voice"));
        assert!(!node_key_matches("/voice", "/r/voice"));
    }

    #[test]
    fn arrays_of_each_type_and_rcl_scalars() {
        let f = file(
            "/n:\n  ros__parameters:\n    b: [true, no]\n    d: [1.0, 2.5e3, .inf]\n    s: [a, 'b']\n    e: []\n    i: 0x10\n    y: yes\n",
        );
        let p: Vec<&ParamValue> = f.sections[0].params.iter().map(|p| &p.value).collect();
        assert_eq!(*p[0], ParamValue::BoolArray(vec![true, false]));
        assert_eq!(
            *p[1],
            ParamValue::DoubleArray(vec![1.0, 2500.0, f64::INFINITY])
        );
        assert_eq!(*p[2], ParamValue::StringArray(vec!["a".into(), "b".into()]));
        assert_eq!(*p[3], ParamValue::StringArray(vec![]));
        assert_eq!(*p[4], ParamValue::Integer(16));
        assert_eq!(*p[5], ParamValue::Bool(true));
    }

    #[test]
    fn malformed_files_name_file_line_and_key() {
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    a: [1, 2\n"),
            "voice.yaml:4:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    a: &x 1\n    b: *x\n"),
            "voice.yaml:4:8: invalid YAML: YAML aliases (`*name`) are not supported in parameter files"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    a: [{x: 1}]\n"),
            "parameter `a` in voice.yaml:3 (under `/n`): a map inside an array is not a parameter value"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    ids: [1, \"two\"]\n"),
            "parameter `ids` in voice.yaml:3 (under `/n`): mixed types in an array (integer, then string); arrays must be homogeneous"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    a:\n"),
            "parameter `a` in voice.yaml:3 (under `/n`): no value (write '' for an empty string)"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters:\n    a: [[1], [2]]\n"),
            "parameter `a` in voice.yaml:3 (under `/n`): nested arrays are not parameter values"
        );
        assert_eq!(
            file_error("/n:\n  rate: 3\n"),
            "voice.yaml:2: at `/n/rate`: expected a map containing `ros__parameters` under a node name"
        );
        assert_eq!(
            file_error("ros__parameters:\n  a: 1\n"),
            "voice.yaml:1: at `ros__parameters`: `ros__parameters` needs a node name above it (use `/**` for every node)"
        );
        assert_eq!(
            file_error("- 1\n- 2\n"),
            "voice.yaml:1: at ``: the top level must be a map of node names"
        );
        assert_eq!(
            file_error("/n:\n  ros__parameters: 5\n"),
            "voice.yaml:2: at `/n/ros__parameters`: `ros__parameters` must be a map of parameter names"
        );
    }

    #[test]
    fn missing_file_is_named() {
        let error = ParamFile::load(Path::new("/nonexistent/p.yaml")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read parameters file /nonexistent/p.yaml: "),
            "{error}"
        );
    }

    #[test]
    fn precedence_is_default_then_files_in_order_then_p() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.yaml");
        let second = dir.path().join("second.yaml");
        std::fs::write(
            &first,
            "/**:\n  ros__parameters:\n    a: 1\n    b: 1\n    c: 1\n",
        )
        .unwrap();
        std::fs::write(&second, "/voice:\n  ros__parameters:\n    b: 2\n    c: 2\n").unwrap();
        let args = RosArgs::parse([
            "prog".to_owned(),
            "--ros-args".into(),
            "-p".into(),
            "c:=3".into(),
            "--params-file".into(),
            first.display().to_string(),
            "--params-file".into(),
            second.display().to_string(),
            "-p".into(),
            "ear:c:=99".into(),
        ])
        .unwrap();
        let set = ParameterSet::load(&args, "/voice").unwrap();
        let decl = [
            ParamDecl::new("a", ParamValue::Integer(0), "a"),
            ParamDecl::new("b", ParamValue::Integer(0), "b"),
            ParamDecl::new("c", ParamValue::Integer(0), "c"),
            ParamDecl::new("d", ParamValue::Integer(0), "d"),
        ];
        let declared = set.declare(&decl).unwrap();
        assert_eq!(declared.value("a"), Some(&ParamValue::Integer(1)));
        assert_eq!(declared.value("b"), Some(&ParamValue::Integer(2)));
        assert_eq!(declared.value("c"), Some(&ParamValue::Integer(3)));
        assert_eq!(declared.value("d"), Some(&ParamValue::Integer(0)));
        assert_eq!(declared.get("d").unwrap().source, ParamSource::Default);
        assert_eq!(
            declared.get("b").unwrap().source,
            ParamSource::File {
                path: second.clone(),
                node_key: "/voice".into(),
                line: 3,
            }
        );
    }

    fn set_from(text: &str, fqn: &str) -> ParameterSet {
        let mut set = ParameterSet::default();
        set.apply_file(&file(text), fqn);
        set
    }

    #[test]
    fn declaration_errors_name_file_key_and_types() {
        let set = set_from(
            "/voice:\n  ros__parameters:\n    rate: \"fast\"\n",
            "/voice",
        );
        let error = set
            .declare(&[ParamDecl::new("rate", ParamValue::Integer(1), "rate")])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `rate` in voice.yaml:3 (under `/voice`): expected integer, found string"
        );
        let set = set_from("/voice:\n  ros__parameters:\n    gain: 1\n", "/voice");
        let error = set
            .declare(&[ParamDecl::new("gain", ParamValue::Double(1.0), "gain")])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `gain` in voice.yaml:3 (under `/voice`): expected double, found integer"
        );
        let set = set_from("/voice:\n  ros__parameters:\n    gian: 1.0\n", "/voice");
        let error = set
            .declare(&[ParamDecl::new("gain", ParamValue::Double(1.0), "gain")])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `gian` in voice.yaml:3 (under `/voice`) is not a parameter of this node"
        );
        // Wildcard values a node does not declare are ignored, and runtime ones never reach it.
        let set = set_from(
            "/**:\n  ros__parameters:\n    other_nodes_param: 1\n    use_sim_time: false\n",
            "/voice",
        );
        assert!(set.declare(&[]).is_ok());
    }

    #[test]
    fn byte_arrays_and_empty_arrays_coerce() {
        let set = set_from(
            "/n:\n  ros__parameters:\n    key: [1, 255]\n    none: []\n",
            "/n",
        );
        let declared = set
            .declare(&[
                ParamDecl::new("key", ParamValue::ByteArray(vec![]), "bytes"),
                ParamDecl::new("none", ParamValue::DoubleArray(vec![1.0]), "list"),
            ])
            .unwrap();
        assert_eq!(
            declared.value("key"),
            Some(&ParamValue::ByteArray(vec![1, 255]))
        );
        assert_eq!(
            declared.value("none"),
            Some(&ParamValue::DoubleArray(vec![]))
        );
        let set = set_from("/n:\n  ros__parameters:\n    key: [1, 256]\n", "/n");
        let error = set
            .declare(&[ParamDecl::new(
                "key",
                ParamValue::ByteArray(vec![]),
                "bytes",
            )])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `key` in voice.yaml:3 (under `/n`): expected byte array, found integer array"
        );
    }

    #[test]
    fn use_sim_time_must_be_bool() {
        let set = set_from("/**:\n  ros__parameters:\n    use_sim_time: 1\n", "/n");
        assert_eq!(
            set.use_sim_time().unwrap_err().to_string(),
            "parameter `use_sim_time` in voice.yaml:3 (under `/**`): expected bool, found integer"
        );
        assert!(!ParameterSet::default().use_sim_time().unwrap());
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Vad {
        threshold: f64,
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct VoiceParams {
        sample_rate: u32,
        model_path: String,
        vad: Vad,
        ids: Vec<i64>,
    }

    #[test]
    fn serde_route_fills_nested_params() {
        let set = set_from(
            "/**:\n  ros__parameters:\n    use_sim_time: true\n    someone_elses: 3\n/voice:\n  ros__parameters:\n    sample_rate: 16000\n    vad:\n      threshold: 0.25\n    ids: [4, 5]\n",
            "/voice",
        );
        let params: VoiceParams = set.deserialize().unwrap();
        assert_eq!(
            params,
            VoiceParams {
                sample_rate: 16000,
                model_path: String::new(),
                vad: Vad { threshold: 0.25 },
                ids: vec![4, 5],
            }
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Required {
        #[allow(dead_code)] // read only through Debug in the assertion below
        model_path: String,
    }

    #[test]
    fn serde_route_names_missing_required_parameters() {
        let error = ParameterSet::default()
            .deserialize::<Required>()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `model_path` is required: set it in a parameters file or with -p model_path:=VALUE"
        );
    }

    #[test]
    fn serde_route_errors_name_file_and_key() {
        let set = set_from(
            "/voice:\n  ros__parameters:\n    vad:\n      threshold: \"high\"\n",
            "/voice",
        );
        let error = set.deserialize::<VoiceParams>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `vad.threshold` in voice.yaml:4 (under `/voice`): invalid type: string \"high\", expected f64"
        );
        let set = set_from(
            "/voice:\n  ros__parameters:\n    vad:\n      treshold: 1.0\n",
            "/voice",
        );
        let error = set.deserialize::<VoiceParams>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `vad.treshold` in voice.yaml:4 (under `/voice`) is not a parameter of this node"
        );
        let set = set_from(
            "/voice:\n  ros__parameters:\n    sample_rate: -1\n",
            "/voice",
        );
        let error = set.deserialize::<VoiceParams>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `sample_rate` in voice.yaml:3 (under `/voice`): invalid value: integer `-1`, expected u32"
        );
        let set = set_from(
            "/voice:\n  ros__parameters:\n    vad: 1\n    vad.x: 2\n",
            "/voice",
        );
        let error = set.deserialize::<VoiceParams>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `vad.x` in voice.yaml:4 (under `/voice`) conflicts with `vad`: one is nested under the other"
        );
    }
}
