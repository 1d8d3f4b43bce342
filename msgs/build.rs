//! Generates the Rust message types from the interface files at build time.
//!
//! Inputs: this package's `msg/`, `srv/`, `action/` (package `embodied_msgs`) and
//! `ros2_std/<package>/msg/*.msg` (the standard ROS 2 types we mirror). Output:
//! `$OUT_DIR/interfaces.rs`, included by `src/lib.rs`.
//!
//! It also generates `$OUT_DIR/codegen_samples.rs` from `tests/interfaces/codegen_test_msgs`, a
//! test-only package that exercises every generator feature; only `cfg(test)` code includes it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use embodied_msgs_codegen::{GenerateOptions, InterfaceFile, generate, parse_package_dir};

const PACKAGE: &str = "embodied_msgs";
const SAMPLES_PACKAGE: &str = "codegen_test_msgs";

fn main() -> anyhow::Result<()> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    // Directories, so adding or removing a file also triggers a rebuild.
    for dir in ["msg", "srv", "action", "ros2_std", "tests/interfaces"] {
        println!("cargo::rerun-if-changed={dir}");
    }
    println!("cargo::rerun-if-changed=build.rs");

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let std_files = parse_packages_under(&manifest_dir.join("ros2_std"))?;

    let mut files = parse_package_dir(PACKAGE, &manifest_dir)?;
    files.extend(std_files.iter().cloned());
    write(
        &out_dir.join("interfaces.rs"),
        &generate(&files, &GenerateOptions::new(PACKAGE))?,
    )?;

    let mut samples = parse_packages_under(&manifest_dir.join("tests/interfaces"))?;
    samples.extend(std_files);
    let options = GenerateOptions {
        root_package: SAMPLES_PACKAGE.to_string(),
        crate_path: "crate::codegen_samples".to_string(),
    };
    write(
        &out_dir.join("codegen_samples.rs"),
        &generate(&samples, &options)?,
    )?;
    Ok(())
}

/// Parses every `<dir>/<package>/{msg,srv,action}` package below `root`.
fn parse_packages_under(root: &Path) -> anyhow::Result<Vec<InterfaceFile>> {
    let mut files = Vec::new();
    for package_dir in sorted_subdirs(root)? {
        let package = package_dir
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("non UTF-8 directory name {}", package_dir.display()))?
            .to_string();
        files.extend(parse_package_dir(&package, &package_dir)?);
    }
    Ok(files)
}

fn write(path: &Path, code: &str) -> anyhow::Result<()> {
    std::fs::write(path, code).with_context(|| format!("writing {}", path.display()))
}

fn sorted_subdirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}
