//! Finding and reading the interface files of a package directory.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::{InterfaceFile, InterfaceKind};
use crate::parse::{is_package_name, is_type_name, parse_interface};

/// Reads and parses one interface file; its kind comes from the extension and its name from
/// the file stem.
///
/// # Errors
/// [`Error::Io`] if it cannot be read, [`Error::InvalidFileName`] for a bad name or extension,
/// [`Error::Parse`] for malformed content.
pub fn parse_file(package: &str, path: &Path) -> Result<InterfaceFile, Error> {
    if !is_package_name(package) {
        return Err(Error::InvalidPackageName {
            package: package.to_string(),
        });
    }
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some("msg") => InterfaceKind::Msg,
        Some("srv") => InterfaceKind::Srv,
        Some("action") => InterfaceKind::Action,
        _ => {
            return Err(Error::InvalidFileName {
                path: path.to_path_buf(),
                kind: "msg|srv|action",
            });
        }
    };
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| is_type_name(s))
        .ok_or_else(|| Error::InvalidFileName {
            path: path.to_path_buf(),
            kind: kind.as_str(),
        })?;
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parse_interface(package, kind, name, &text, path)?)
}

/// Lists the interface files of a package directory: `msg/*.msg`, `srv/*.srv` and
/// `action/*.action`, sorted. Missing subdirectories are fine.
///
/// # Errors
/// [`Error::Io`] if a directory exists but cannot be read.
pub fn list_package_files(package_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for kind in [
        InterfaceKind::Msg,
        InterfaceKind::Srv,
        InterfaceKind::Action,
    ] {
        let dir = package_dir.join(kind.as_str());
        if !dir.is_dir() {
            continue;
        }
        let io_err = |source| Error::Io {
            path: dir.clone(),
            source,
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(io_err)? {
            let path = entry.map_err(io_err)?.path();
            if path.extension().and_then(|e| e.to_str()) == Some(kind.extension()) {
                found.push(path);
            }
        }
        found.sort();
        paths.extend(found);
    }
    Ok(paths)
}

/// Parses every interface file of a package directory (see [`list_package_files`]).
///
/// # Errors
/// The first [`Error`] met.
pub fn parse_package_dir(package: &str, package_dir: &Path) -> Result<Vec<InterfaceFile>, Error> {
    list_package_files(package_dir)?
        .iter()
        .map(|path| parse_file(package, path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("embodied_codegen_{name}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_package_directory() {
        let dir = temp_dir("pkg");
        std::fs::create_dir_all(dir.join("msg")).unwrap();
        std::fs::create_dir_all(dir.join("srv")).unwrap();
        std::fs::write(dir.join("msg/B.msg"), "uint8 x\n").unwrap();
        std::fs::write(dir.join("msg/A.msg"), "B b\n").unwrap();
        std::fs::write(dir.join("msg/notes.txt"), "ignored").unwrap();
        std::fs::write(dir.join("srv/Do.srv"), "A a\n---\nbool ok\n").unwrap();
        let files = parse_package_dir("demo_msgs", &dir).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["A", "B", "Do"]);
        assert_eq!(files[2].kind, InterfaceKind::Srv);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_file_name_and_missing_file_are_errors() {
        let dir = temp_dir("bad");
        std::fs::write(dir.join("lower.msg"), "uint8 x\n").unwrap();
        let err = parse_file("demo_msgs", &dir.join("lower.msg")).unwrap_err();
        assert!(matches!(err, Error::InvalidFileName { .. }), "{err}");
        let err = parse_file("demo_msgs", &dir.join("Missing.msg")).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        let err = parse_file("Demo", &dir.join("lower.msg")).unwrap_err();
        assert!(matches!(err, Error::InvalidPackageName { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parse_errors_carry_the_real_path() {
        let dir = temp_dir("parse");
        std::fs::write(dir.join("Broken.msg"), "uint8 ok\nnot_a_type! x\n").unwrap();
        let err = parse_file("demo_msgs", &dir.join("Broken.msg")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Broken.msg:2:"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
