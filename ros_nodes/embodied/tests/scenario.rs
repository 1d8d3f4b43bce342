//! `embodied scenario`'s refusals of bad input (the runs themselves: `tests/e2e.rs`).
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn embodied(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_embodied"))
        .arg("scenario")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_the_config_exit_code() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let missing = out.path().join("missing.wav");
    let cases: [(Vec<&str>, &str); 8] = [
        (vec!["--out", out_dir], "no command"),
        (
            vec![
                "--say",
                "go to the kitchen",
                "--start",
                "the moon",
                "--out",
                out_dir,
            ],
            "unknown place \"the moon\"",
        ),
        (
            vec!["--wav", missing.to_str().unwrap(), "--out", out_dir],
            "missing.wav",
        ),
        (
            vec!["--say", "hello", "--speed", "0", "--out", out_dir],
            "--speed 0",
        ),
        (
            vec!["--after-task-s", "2", "--say", "stop", "--out", out_dir],
            "needs one before",
        ),
        (
            vec![
                "--say",
                "go",
                "--after-reply-audio-s",
                "1",
                "--out",
                out_dir,
            ],
            "must come before",
        ),
        (
            vec![
                "--say",
                "hi",
                "--place",
                "unicorn@1,8,0.5",
                "--out",
                out_dir,
            ],
            "unknown object \"unicorn\"",
        ),
        (
            vec!["--say", "hi", "--place", "keys@1,8", "--out", out_dir],
            "three coordinates",
        ),
    ];
    for (args, message) in cases {
        let output = embodied(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
