//! `run_bench` in quick mode produces a complete report with the JSON keys and writes
//! its plots.
#![allow(clippy::unwrap_used)] // tests may panic on unexpected errors

use mcsd::bench::{BenchOptions, run_bench};

#[test]
fn quick_bench_report_has_every_key() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_bench(&BenchOptions {
        quick: true,
        out_dir: dir.path().to_path_buf(),
        seed: 3,
    })
    .unwrap();
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    let decode = json["decode"].as_array().unwrap();
    for model in ["mcsd", "transformer"] {
        for dtype in ["f32", "int8"] {
            for context in [256, 1024] {
                let row = decode
                    .iter()
                    .find(|r| r["model"] == model && r["dtype"] == dtype && r["context"] == context)
                    .unwrap_or_else(|| panic!("no decode row {model} {dtype} {context}"));
                assert!(row["ms_per_token"].as_f64().unwrap() > 0.0);
                assert!(row["state_bytes"].as_u64().unwrap() > 0);
            }
        }
    }
    // MCSD's state does not grow; the KV cache does.
    let bytes = |model: &str, context: u64| {
        decode
            .iter()
            .find(|r| r["model"] == model && r["dtype"] == "f32" && r["context"] == context)
            .unwrap()["state_bytes"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(bytes("mcsd", 256), bytes("mcsd", 1024));
    assert!(bytes("transformer", 1024) > 3 * bytes("transformer", 256));
    let train = json["train"].as_array().unwrap();
    for form in ["chunked", "literal"] {
        assert!(
            train
                .iter()
                .any(|r| r["form"] == form && r["tokens_per_s"].as_f64().unwrap() > 0.0)
        );
    }
    let quality = &json["quality"];
    assert!(quality["tokens"].as_u64().unwrap() > 0);
    for key in [
        "mcsd_val_loss",
        "transformer_val_loss",
        "mcsd_int8_val_loss",
    ] {
        let loss = quality[key].as_f64().unwrap();
        assert!(loss.is_finite() && loss > 0.0, "{key} = {loss}");
    }
    assert!(report.latency_plot.is_file());
    assert!(report.quality_plot.is_file());
    assert!(report.to_table().contains("speedup"));
}
