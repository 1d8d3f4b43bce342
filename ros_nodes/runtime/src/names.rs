//! ROS 2 names: validation, expansion of relative, private (`~`) and substituted
//! (`{node}`, `{ns}`) names, and a node's identity after remapping.

use crate::ros_args::{RosArgs, RosArgsError};

fn invalid_name(kind: &'static str, name: &str, reason: &str) -> RosArgsError {
    RosArgsError::InvalidName {
        kind,
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Checks a node base name: non-empty, `[A-Za-z0-9_]`, not starting with a digit.
///
/// # Errors
/// [`RosArgsError::InvalidName`] naming the rule broken.
pub fn validate_node_name(name: &str) -> Result<(), RosArgsError> {
    const KIND: &str = "node name";
    if name.is_empty() {
        return Err(invalid_name(KIND, name, "must not be empty"));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid_name(KIND, name, "must not start with a digit"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid_name(
            KIND,
            name,
            "may contain only letters, digits and `_`",
        ));
    }
    Ok(())
}

/// Checks an absolute namespace such as `/` or `/robot1/arm`.
///
/// # Errors
/// [`RosArgsError::InvalidName`] naming the rule broken.
pub fn validate_namespace(namespace: &str) -> Result<(), RosArgsError> {
    const KIND: &str = "namespace";
    if !namespace.starts_with('/') {
        return Err(invalid_name(KIND, namespace, "must be absolute"));
    }
    if namespace == "/" {
        return Ok(());
    }
    if namespace.ends_with('/') {
        return Err(invalid_name(KIND, namespace, "must not end with `/`"));
    }
    check_tokens(KIND, namespace, &namespace[1..])
}

/// Checks a topic name as written (absolute, relative or `~/private`, `{node}`/`{ns}`
/// substitutions allowed).
///
/// # Errors
/// [`RosArgsError::InvalidName`] naming the rule broken.
pub fn validate_topic_name(name: &str) -> Result<(), RosArgsError> {
    const KIND: &str = "topic name";
    if name.is_empty() {
        return Err(invalid_name(KIND, name, "must not be empty"));
    }
    if name.ends_with('/') {
        return Err(invalid_name(KIND, name, "must not end with `/`"));
    }
    let body = if name == "~" {
        ""
    } else if let Some(rest) = name.strip_prefix("~/") {
        rest
    } else if name.starts_with('~') {
        return Err(invalid_name(KIND, name, "`~` must be followed by `/`"));
    } else {
        name.strip_prefix('/').unwrap_or(name)
    };
    if body.is_empty() {
        return if name == "~" {
            Ok(())
        } else {
            Err(invalid_name(KIND, name, "must name a topic, not just `/`"))
        };
    }
    check_tokens(KIND, name, body)
}

/// Checks `/`-separated tokens: non-empty, `[A-Za-z0-9_]` or one whole `{substitution}`,
/// not starting with a digit, no `__`.
fn check_tokens(kind: &'static str, name: &str, body: &str) -> Result<(), RosArgsError> {
    for token in body.split('/') {
        if token.is_empty() {
            return Err(invalid_name(kind, name, "must not contain `//`"));
        }
        if let Some(inner) = token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if matches!(inner, "node" | "ns" | "namespace") {
                continue;
            }
            return Err(invalid_name(
                kind,
                name,
                "only {node}, {ns} and {namespace} substitutions exist",
            ));
        }
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(invalid_name(
                kind,
                name,
                "a token must not start with a digit",
            ));
        }
        if !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(invalid_name(
                kind,
                name,
                "may contain only letters, digits, `_` and `/`",
            ));
        }
        if token.contains("__") {
            return Err(invalid_name(kind, name, "must not contain `__`"));
        }
    }
    Ok(())
}

/// Expands a topic name to its fully qualified form for a node `node_name` in `namespace`
/// (absolute): `{node}`/`{ns}` substitutions, `~` to the node's private namespace,
/// relative names under the namespace.
///
/// # Errors
/// [`RosArgsError::InvalidName`] when the name or the result breaks the naming rules.
pub fn expand_topic_name(
    name: &str,
    node_name: &str,
    namespace: &str,
) -> Result<String, RosArgsError> {
    validate_topic_name(name)?;
    let ns_prefix = if namespace == "/" { "" } else { namespace };
    let substituted = name
        .replace("{node}", node_name)
        .replace("{namespace}", ns_prefix)
        .replace("{ns}", ns_prefix);
    let expanded = if substituted == "~" {
        format!("{ns_prefix}/{node_name}")
    } else if let Some(rest) = substituted.strip_prefix("~/") {
        format!("{ns_prefix}/{node_name}/{rest}")
    } else if substituted.starts_with('/') {
        substituted
    } else {
        format!("{ns_prefix}/{substituted}")
    };
    // Substitutions may have produced `//` or a leading digit: re-check the result.
    validate_topic_name(&expanded)?;
    Ok(expanded)
}

/// A node's identity after `__node`/`__ns` remaps, with the topic remaps that apply to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeNaming {
    /// Node name as written in code (node-targeted rules match this).
    pub code_name: String,
    /// Node base name after remapping.
    pub name: String,
    /// Absolute namespace after remapping.
    pub namespace: String,
    /// Topic remaps as (expanded from, expanded to), in rule order.
    remaps: Vec<(String, String)>,
}

impl NodeNaming {
    /// Applies the command line to a node called `code_name` in `code_namespace`.
    ///
    /// # Errors
    /// [`RosArgsError::InvalidName`] for an invalid name, namespace or remap rule.
    pub fn new(
        args: &RosArgs,
        code_name: &str,
        code_namespace: &str,
    ) -> Result<Self, RosArgsError> {
        validate_node_name(code_name)?;
        let name = args.resolve_node_name(code_name)?;
        let namespace = args.resolve_namespace(code_name, code_namespace)?;
        let remaps = args
            .topic_remaps(code_name)
            .map(|rule| {
                Ok((
                    expand_topic_name(&rule.from, &name, &namespace)?,
                    expand_topic_name(&rule.to, &name, &namespace)?,
                ))
            })
            .collect::<Result<Vec<_>, RosArgsError>>()?;
        Ok(Self {
            code_name: code_name.to_owned(),
            name,
            namespace,
            remaps,
        })
    }

    /// Fully qualified node name, e.g. `/robot1/voice`.
    pub fn fully_qualified_name(&self) -> String {
        if self.namespace == "/" {
            format!("/{}", self.name)
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// Resolves a topic name as a node would: expand it, then apply the first matching
    /// remap rule (whose target is expanded too).
    ///
    /// # Errors
    /// [`RosArgsError::InvalidName`] when the name breaks the naming rules.
    pub fn resolve_topic(&self, name: &str) -> Result<String, RosArgsError> {
        let expanded = expand_topic_name(name, &self.name, &self.namespace)?;
        Ok(self
            .remaps
            .iter()
            .find(|(from, _)| *from == expanded)
            .map_or(expanded, |(_, to)| to.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        assert!(validate_topic_name("~foo").is_err());
        assert!(validate_topic_name("a/__b").is_err());
        assert!(validate_topic_name("{bogus}/x").is_err());
        assert!(validate_topic_name("a-b").is_err());
        assert!(validate_topic_name("/").is_err());
        assert!(validate_topic_name("~").is_ok());
        assert!(validate_namespace("/a/").is_err());
        assert!(validate_node_name("").is_err());
        assert!(validate_node_name("a.b").is_err());
        assert_eq!(expand_topic_name("~", "n", "/").unwrap(), "/n");
        assert_eq!(expand_topic_name("x", "n", "/").unwrap(), "/x");
    }
}
