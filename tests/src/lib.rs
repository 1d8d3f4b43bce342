//! Support for the workspace integration tests: where the repository, the Python venv with
//! the foreign peers, and the private network namespace are.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

use anyhow::ensure;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The venv's Python with the test peers (`scripts/install-deps.sh` creates it).
///
/// # Errors
/// If the venv does not exist yet.
pub fn venv_python() -> anyhow::Result<PathBuf> {
    let python = repo_root().join(".venv/bin/python");
    ensure!(
        python.exists(),
        "{} is missing: run scripts/install-deps.sh first",
        python.display()
    );
    Ok(python)
}

/// Fails unless this process runs inside the private network namespace of `scripts/netns.sh`:
/// DDS traffic of tests must never reach a real network.
///
/// # Errors
/// Outside the namespace, with the command that runs the test inside it.
pub fn require_private_netns() -> anyhow::Result<()> {
    let inside = std::env::var("EMBODIED_IN_NETNS").is_ok_and(|v| v == "1");
    ensure!(
        inside,
        "DDS tests must run in a private network namespace: \
         scripts/netns.sh cargo test -p embodied_tests -- --ignored"
    );
    Ok(())
}
