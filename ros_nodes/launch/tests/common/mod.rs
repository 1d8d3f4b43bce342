//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use embodied_launch::{AmentResolver, LaunchPlan, LaunchRequest, ParamsFileWriter};

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Keeps parameter files in memory and names them `<params:N>` (as the golden files do).
#[derive(Default)]
pub struct MemoryParams {
    pub files: Vec<String>,
}

impl ParamsFileWriter for MemoryParams {
    fn write(&mut self, contents: &str) -> std::io::Result<PathBuf> {
        self.files.push(contents.to_owned());
        Ok(PathBuf::from(format!("<params:{}>", self.files.len() - 1)))
    }
}

/// A fixed launcher environment.
pub fn base_env() -> BTreeMap<String, String> {
    [("PATH", "/usr/bin:/bin"), ("HOME", "/home/robot")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Resolves packages from the fixture install prefix only.
pub fn resolver() -> AmentResolver {
    AmentResolver::new(vec![fixtures().join("install")])
}

/// Plans a fixture launch file.
pub fn plan_fixture(
    file: &str,
    arguments: &[(&str, &str)],
) -> (Result<LaunchPlan, embodied_launch::Error>, MemoryParams) {
    let mut params = MemoryParams::default();
    let request = LaunchRequest {
        file: PathBuf::from(file),
        arguments: arguments
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        environment: base_env(),
        working_dir: fixtures(),
    };
    let plan = embodied_launch::plan(&request, &resolver(), &mut params);
    (plan, params)
}

/// Replaces the fixtures' absolute path by `<fixtures>`.
pub fn masked(text: &str) -> String {
    text.replace(&fixtures().display().to_string(), "<fixtures>")
}
