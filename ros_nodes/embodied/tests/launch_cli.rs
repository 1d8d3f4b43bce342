//! `embodied launch` end to end: dry run, exit codes, output prefixes, Ctrl-C forwarding.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn embodied(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_embodied"));
    command
        .args(args)
        .current_dir(fixtures())
        .env_remove("AMENT_PREFIX_PATH")
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn dry_run_prints_shell_quoted_command_lines() {
    let output = embodied(&[
        "launch",
        "processes.launch.xml",
        "greeting:=hi there",
        "--dry-run",
    ])
    .output()
    .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "EMBODIED_TEST=on GREETING='hi there' sh -c 'echo $GREETING $EMBODIED_TEST'",
            "EMBODIED_TEST=on sh -c 'exit \"$0\"' 0",
            "EMBODIED_TEST=on sh -c 'echo $0 $@' --ros-args -r __node:=voice -r __ns:=/robot1 -r audio:=mic/audio",
        ]
    );
}

#[test]
fn run_prefixes_output_and_returns_the_failing_exit_code() {
    let output = embodied(&["launch", "processes.launch.xml", "code:=3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("[greeter-1] hello on\n"), "{stdout}");
    assert!(
        // A node's label is its executable's name unless exec_name is given (as in ros2 launch).
        stdout
            .contains("[sh-3] --ros-args -r __node:=voice -r __ns:=/robot1 -r audio:=mic/audio\n"),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn ctrl_c_is_forwarded_to_children() {
    use std::io::BufRead as _;
    let mut child = embodied(&["launch", "waits.launch.xml"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    // The child prints "ready" once its trap is installed (the launcher's handler comes first).
    while !seen.contains("[waiter-1] ready\n") {
        assert!(
            stdout.read_line(&mut seen).unwrap() > 0,
            "launcher ended early: {seen}"
        );
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::io::Read::read_to_string(&mut stdout, &mut seen).unwrap();
    assert!(seen.contains("[waiter-1] got-sigint\n"), "{seen}");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn unsupported_substitution_is_a_config_error_with_position() {
    let output = embodied(&["launch", "eval.launch.xml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("eval.launch.xml:2:17: unsupported substitution $(eval ...)"),
        "{stderr}"
    );
}

#[test]
fn bad_argument_syntax_is_a_config_error() {
    let output = embodied(&["launch", "processes.launch.xml", "code=3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn show_args_lists_declared_arguments() {
    let output = embodied(&["launch", "--show-args", "processes.launch.xml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "Arguments (pass arguments as '<name>:=<value>'):\n\n    'code':\n        Exit code of the second \
         process\n        (default: '0')\n\n    'greeting':\n        no description given\n        \
         (default: 'hello')\n"
    );
}

/// A repository layout (Cargo.toml, launch/, config/, target/debug/<node>) stands in for the
/// uninstalled `embodied_assistant` package.
fn fake_workspace() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::create_dir_all(root.join("launch")).unwrap();
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::create_dir_all(root.join("target/debug")).unwrap();
    std::fs::write(
        root.join("config/node.yaml"),
        "/**:\n  ros__parameters:\n    a: 1\n",
    )
    .unwrap();
    std::fs::write(
        root.join("launch/ws.launch.xml"),
        "<launch>\n  <node pkg=\"embodied_assistant\" exec=\"fake_node\" name=\"n\">\n    \
         <param from=\"$(find-pkg-share embodied_assistant)/config/node.yaml\"/>\n  </node>\n</launch>\n",
    )
    .unwrap();
    let node = root.join("target/debug/fake_node");
    std::fs::write(&node, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&node, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn uninstalled_package_resolves_to_the_workspace() {
    let workspace = fake_workspace();
    let root = workspace.path().display().to_string();
    let expected = format!(
        "{root}/target/debug/fake_node --ros-args -r __node:=n --params-file {root}/config/node.yaml\n"
    );
    for args in [
        &["launch", "launch/ws.launch.xml", "--dry-run"][..],
        &["launch", "embodied_assistant", "ws.launch.xml", "--dry-run"][..],
    ] {
        let output = embodied(args)
            .current_dir(workspace.path())
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            expected,
            "{args:?}"
        );
    }
}
