//! The `mcsd` binary end to end on a tiny run: train, resume refusal on a changed config,
//! generate from the checkpoint, and `bench --quick --json` ending with one JSON line.
#![allow(clippy::unwrap_used)] // tests may panic on unexpected errors

use std::path::Path;
use std::process::Command;

fn mcsd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mcsd"))
        .args(args)
        .output()
        .unwrap()
}

fn write_config(path: &Path, steps: usize) {
    let cfg = serde_json::json!({
        "model": {"mcsd": {"d_model": 32, "n_channels": 4, "n_layers": 2, "mlp_hidden": 64,
                           "vocab_size": 0, "chunk_size": 8}},
        "vocab_size": 400,
        "train": {"seed": 1, "steps": steps, "batch_size": 2, "seq_len": 32,
                  "learning_rate": 0.01, "warmup_steps": 1, "eval_every": 2,
                  "eval_windows": 4, "checkpoint_every": 2},
        "corpus": {"seed": 2, "train_examples": 120, "validation_examples": 10}
    });
    std::fs::write(path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
}

#[test]
fn train_resume_generate_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("run.json");
    let out = dir.path().join("ckpt");
    write_config(&cfg, 4);
    let (cfg_s, out_s) = (cfg.to_str().unwrap(), out.to_str().unwrap());
    let trained = mcsd(&["train", "--config", cfg_s, "--out", out_s, "--quiet"]);
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    for file in [
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "trainer_state.json",
        "optimizer.safetensors",
        "loss.png",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let stdout = String::from_utf8_lossy(&trained.stdout);
    assert!(stdout.contains("4 steps"), "{stdout}");

    // Resuming with a different schedule is refused with the model exit code.
    write_config(&cfg, 6);
    let refused = mcsd(&[
        "train", "--config", cfg_s, "--out", out_s, "--resume", "--quiet",
    ]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("checkpoint"));

    let generated = mcsd(&[
        "generate",
        "--checkpoint",
        out_s,
        "--prompt",
        "Where is the red cup?",
        "--max-tokens",
        "8",
    ]);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    assert!(String::from_utf8_lossy(&generated.stderr).contains("tokens, stop"));

    // A bad config file is a config error (exit 2).
    std::fs::write(&cfg, "{\"model\": 3}").unwrap();
    let bad = mcsd(&["train", "--config", cfg_s, "--out", out_s]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn bench_quick_json_is_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = mcsd(&[
        "bench",
        "--quick",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let report: serde_json::Value = serde_json::from_str(last).unwrap();
    for key in ["decode", "train", "quality"] {
        assert!(report.get(key).is_some(), "{key}");
    }
    assert!(stdout.contains("speedup"));
}
