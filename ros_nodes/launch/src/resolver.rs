//! Finding packages: the ament index under `AMENT_PREFIX_PATH` (as `ament_index_python`), and a
//! workspace fallback so `embodied_assistant` runs from a cargo build without being installed.

use std::path::{Path, PathBuf};

/// Where packages, their share directories and their executables are.
///
/// Injected into the planner so tests need no installation.
pub trait PackageResolver {
    /// `$(find-pkg-prefix pkg)`.
    ///
    /// # Errors
    /// A message saying where the package was looked for.
    fn prefix(&self, package: &str) -> Result<PathBuf, String>;

    /// `$(find-pkg-share pkg)`.
    ///
    /// # Errors
    /// A message saying where the package was looked for.
    fn share(&self, package: &str) -> Result<PathBuf, String>;

    /// The program of `<node pkg=... exec=...>`.
    ///
    /// # Errors
    /// A message saying where the executable was looked for.
    fn executable(&self, package: &str, executable: &str) -> Result<PathBuf, String>;
}

/// A package built in this cargo workspace but not installed with colcon.
#[derive(Debug, Clone)]
pub struct WorkspacePackage {
    /// The package name (`embodied_assistant`).
    pub name: String,
    /// Its share directory: the repository root, which holds `launch/` and `config/`.
    pub share_dir: PathBuf,
    /// Directories holding the built binaries (`target/release`, `target/debug`, ...).
    pub bin_dirs: Vec<PathBuf>,
}

/// Resolution through `AMENT_PREFIX_PATH` first, then the workspace packages.
#[derive(Debug, Clone, Default)]
pub struct AmentResolver {
    prefixes: Vec<PathBuf>,
    workspace: Vec<WorkspacePackage>,
}

impl AmentResolver {
    /// Resolver over these install prefixes (the entries of `AMENT_PREFIX_PATH`, in order).
    pub fn new(prefixes: Vec<PathBuf>) -> Self {
        Self {
            prefixes,
            workspace: Vec::new(),
        }
    }

    /// Splits an `AMENT_PREFIX_PATH` value (`:`-separated, empty entries ignored).
    pub fn from_prefix_path(value: &str) -> Self {
        Self::new(
            value
                .split(':')
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect(),
        )
    }

    /// Adds a package found in the workspace when the ament index lacks it.
    #[must_use]
    pub fn with_workspace_package(mut self, package: WorkspacePackage) -> Self {
        self.workspace.push(package);
        self
    }

    fn installed_prefix(&self, package: &str) -> Option<&Path> {
        self.prefixes
            .iter()
            .find(|prefix| {
                prefix
                    .join("share/ament_index/resource_index/packages")
                    .join(package)
                    .is_file()
            })
            .map(PathBuf::as_path)
    }

    fn workspace_package(&self, package: &str) -> Option<&WorkspacePackage> {
        self.workspace.iter().find(|p| p.name == package)
    }

    fn not_found(&self, package: &str) -> String {
        let searched: Vec<String> = self
            .prefixes
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "package '{package}' not found (AMENT_PREFIX_PATH: [{}]; workspace packages: [{}])",
            searched.join(", "),
            self.workspace
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl PackageResolver for AmentResolver {
    fn prefix(&self, package: &str) -> Result<PathBuf, String> {
        if let Some(prefix) = self.installed_prefix(package) {
            return Ok(prefix.to_path_buf());
        }
        // Not installed: the workspace root stands in for the prefix.
        self.workspace_package(package)
            .map(|p| p.share_dir.clone())
            .ok_or_else(|| self.not_found(package))
    }

    fn share(&self, package: &str) -> Result<PathBuf, String> {
        if let Some(prefix) = self.installed_prefix(package) {
            return Ok(prefix.join("share").join(package));
        }
        self.workspace_package(package)
            .map(|p| p.share_dir.clone())
            .ok_or_else(|| self.not_found(package))
    }

    fn executable(&self, package: &str, executable: &str) -> Result<PathBuf, String> {
        if let Some(prefix) = self.installed_prefix(package) {
            let libexec = prefix.join("lib").join(package);
            if !libexec.is_dir() {
                return Err(format!(
                    "package '{package}' found at '{}', but libexec directory '{}' does not exist",
                    prefix.display(),
                    libexec.display()
                ));
            }
            let candidate = libexec.join(executable);
            return if is_executable(&candidate) {
                Ok(candidate)
            } else {
                Err(format!(
                    "executable '{executable}' not found on the libexec directory '{}'",
                    libexec.display()
                ))
            };
        }
        let Some(workspace) = self.workspace_package(package) else {
            return Err(self.not_found(package));
        };
        // Prefer the most recently built binary (release or debug).
        workspace
            .bin_dirs
            .iter()
            .map(|dir| dir.join(executable))
            .filter(|path| is_executable(path))
            .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
            .ok_or_else(|| {
                let dirs: Vec<String> =
                    workspace.bin_dirs.iter().map(|d| d.display().to_string()).collect();
                format!(
                    "executable '{executable}' of package '{package}' is neither installed nor built \
                     (looked in AMENT_PREFIX_PATH and in [{}]); run `cargo build --release`",
                    dirs.join(", ")
                )
            })
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Finds the repository root above `start`: a directory with `Cargo.toml`, `launch/` and
/// `config/` (the layout `embodied_assistant` installs into its share directory).
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            dir.join("Cargo.toml").is_file()
                && dir.join("launch").is_dir()
                && dir.join("config").is_dir()
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    fn touch_exec(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn ament_index_then_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("install");
        fs::create_dir_all(prefix.join("share/ament_index/resource_index/packages")).unwrap();
        fs::write(
            prefix.join("share/ament_index/resource_index/packages/demo"),
            "",
        )
        .unwrap();
        touch_exec(&prefix.join("lib/demo/talker"));
        let ws = dir.path().join("ws");
        touch_exec(&ws.join("target/debug/brain"));
        let resolver =
            AmentResolver::from_prefix_path(&format!("{}::/nonexistent", prefix.display()))
                .with_workspace_package(WorkspacePackage {
                    name: "embodied_assistant".into(),
                    share_dir: ws.clone(),
                    bin_dirs: vec![ws.join("target/release"), ws.join("target/debug")],
                });
        assert_eq!(resolver.share("demo").unwrap(), prefix.join("share/demo"));
        assert_eq!(resolver.prefix("demo").unwrap(), prefix);
        assert_eq!(
            resolver.executable("demo", "talker").unwrap(),
            prefix.join("lib/demo/talker")
        );
        assert!(
            resolver
                .executable("demo", "missing")
                .unwrap_err()
                .contains("libexec")
        );
        assert_eq!(resolver.share("embodied_assistant").unwrap(), ws);
        assert_eq!(
            resolver.executable("embodied_assistant", "brain").unwrap(),
            ws.join("target/debug/brain")
        );
        assert!(
            resolver
                .share("nope")
                .unwrap_err()
                .contains("'nope' not found")
        );
    }
}
