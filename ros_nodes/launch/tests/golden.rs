//! The command lines, environments and parameter files of the fixture launch files, compared
//! with what the real launch/launch_ros (3.7.1 / 0.28.0) built for them
//! (`tests/fixtures/golden/*.json`, written by `generate_with_launch_ros.py`).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn check_golden(case: &str) {
    let path = common::fixtures().join(format!("golden/{case}.json"));
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let launch_file = golden["launch_file"].as_str().unwrap();
    let arguments: Vec<(String, String)> = golden["arguments"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let arguments: Vec<(&str, &str)> = arguments
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (plan, params) = common::plan_fixture(launch_file, &arguments);
    let plan = plan.unwrap_or_else(|e| panic!("{case}: {e}"));

    let expected = golden["processes"].as_array().unwrap();
    assert_eq!(
        plan.processes.len(),
        expected.len(),
        "{case}: number of processes"
    );
    for (process, expected) in plan.processes.iter().zip(expected) {
        let label = &process.name;
        assert_eq!(
            process.name,
            expected["name"].as_str().unwrap(),
            "{case}: name"
        );
        let cmd: Vec<String> = process.cmd.iter().map(|w| common::masked(w)).collect();
        assert_eq!(cmd, strings(&expected["cmd"]), "{case}: argv of {label}");
        let cwd = process.cwd.as_ref().map(|c| c.display().to_string());
        assert_eq!(
            cwd.as_deref(),
            expected["cwd"].as_str(),
            "{case}: cwd of {label}"
        );
        let (set, unset) = plan.env_changes(process);
        let set: BTreeMap<String, String> = set
            .into_iter()
            .map(|(k, v)| (k.to_owned(), common::masked(v)))
            .collect();
        let expected_set: BTreeMap<String, String> = expected["env_set"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(set, expected_set, "{case}: environment of {label}");
        let unset: Vec<String> = unset.into_iter().map(str::to_owned).collect();
        assert_eq!(
            unset,
            strings(&expected["env_unset"]),
            "{case}: unset variables of {label}"
        );
    }
    let expected_params = strings(&golden["params_files"]);
    let files: Vec<String> = params.files.iter().map(|f| common::masked(f)).collect();
    assert_eq!(files, expected_params, "{case}: parameter files");
}

#[test]
fn nodes_match_launch_ros() {
    check_golden("nodes");
}

#[test]
fn nodes_with_arguments_match_launch_ros() {
    check_golden("nodes_args");
}

#[test]
fn scoping_matches_launch() {
    check_golden("scoping");
}

#[test]
fn conditions_match_launch() {
    check_golden("conditions");
}

#[test]
fn conditions_with_arguments_match_launch() {
    check_golden("conditions_args");
}

#[test]
fn global_parameters_and_remaps_match_launch_ros() {
    check_golden("globals");
}

#[test]
fn command_line_splitting_and_prefixes_match_launch() {
    check_golden("cmdline");
}
