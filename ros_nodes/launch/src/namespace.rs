//! ROS namespaces as launch_ros combines them (`prefix_namespace`, `make_namespace_absolute`)
//! and as rcl validates them.

/// `ns` under `base` unless `ns` is absolute; trailing `/` stripped (except for the root).
pub(crate) fn prefix_namespace(base: Option<&str>, ns: Option<&str>) -> Option<String> {
    let combined = match (base, ns) {
        (None, None) => return None,
        (base, None) => base.unwrap_or_default().to_owned(),
        (base, Some(ns)) => match base {
            Some(base) if !base.is_empty() && !ns.starts_with('/') => {
                let base = if base == "/" { "" } else { base };
                format!("{base}/{ns}")
            }
            _ => ns.to_owned(),
        },
    };
    if combined == "/" {
        Some(combined)
    } else {
        Some(combined.trim_end_matches('/').to_owned())
    }
}

/// Prepends `/` to a relative namespace.
pub(crate) fn make_absolute(ns: Option<String>) -> Option<String> {
    ns.map(|ns| {
        if ns.starts_with('/') {
            ns
        } else {
            format!("/{ns}")
        }
    })
}

/// rcl's node-name rules: non-empty, `[A-Za-z0-9_]`, not starting with a digit, at most 255.
pub(crate) fn validate_node_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("node name must not be empty".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "node name must not contain {bad:?} (only letters, digits and '_')"
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("node name must not start with a digit".into());
    }
    if name.len() > 255 {
        return Err("node name must not be longer than 255 characters".into());
    }
    Ok(())
}

/// rcl's namespace rules: absolute, tokens of `[A-Za-z0-9_]` not starting with a digit.
pub(crate) fn validate_namespace(ns: &str) -> Result<(), String> {
    if !ns.starts_with('/') {
        return Err("namespace must be absolute".into());
    }
    if ns == "/" {
        return Ok(());
    }
    if ns.ends_with('/') {
        return Err("namespace must not end with '/'".into());
    }
    if ns.contains("//") {
        return Err("namespace must not contain repeated '/'".into());
    }
    if let Some(bad) = ns
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '/'))
    {
        return Err(format!("namespace must not contain {bad:?}"));
    }
    if ns[1..]
        .split('/')
        .any(|token| token.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Err("namespace tokens must not start with a digit".into());
    }
    if ns.len() > 255 {
        return Err("namespace must not be longer than 255 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixing_matches_launch_ros() {
        assert_eq!(
            prefix_namespace(Some("my_ns"), Some("original_ns")).as_deref(),
            Some("my_ns/original_ns")
        );
        assert_eq!(
            prefix_namespace(Some("/my_ns"), Some("original_ns")).as_deref(),
            Some("/my_ns/original_ns")
        );
        assert_eq!(
            prefix_namespace(Some("my_ns"), Some("/original_ns")).as_deref(),
            Some("/original_ns")
        );
        assert_eq!(
            prefix_namespace(None, Some("original_ns")).as_deref(),
            Some("original_ns")
        );
        assert_eq!(
            prefix_namespace(Some("my_ns"), None).as_deref(),
            Some("my_ns")
        );
        assert_eq!(
            prefix_namespace(Some("/"), Some("a/")).as_deref(),
            Some("/a")
        );
        assert_eq!(prefix_namespace(None, Some("")).as_deref(), Some(""));
        assert_eq!(prefix_namespace(None, None), None);
        assert_eq!(make_absolute(Some(String::new())).as_deref(), Some("/"));
    }

    #[test]
    fn validation() {
        assert!(validate_node_name("voice_1").is_ok());
        assert!(validate_node_name("1voice").is_err());
        assert!(validate_node_name("a/b").is_err());
        assert!(validate_namespace("/robot1/arm").is_ok());
        assert!(validate_namespace("/").is_ok());
        assert!(validate_namespace("/a//b").is_err());
        assert!(validate_namespace("/a/1b").is_err());
    }
}
