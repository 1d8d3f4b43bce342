//! End to end: `embodied bench transport` measures our runtime and the Cyclone DDS baseline
//! between real processes and ends with its JSON object. Needs the Python venv
//! (`scripts/install-deps.sh`) and the private network namespace:
//! `scripts/netns.sh cargo test -p embodied_app --test bench_transport -- --ignored`.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use anyhow::{Context as _, ensure};

#[test]
#[ignore = "needs netns"]
fn bench_transport_prints_ours_next_to_cyclone() -> anyhow::Result<()> {
    ensure!(
        std::env::var("EMBODIED_IN_NETNS").is_ok_and(|v| v == "1"),
        "DDS tests run in a private network namespace: \
         scripts/netns.sh cargo test -p embodied_app --test bench_transport -- --ignored"
    );
    // A burst shorter than the keep-last depth (50): no history can overflow, so reliable
    // delivery must bring every sample.
    let output = Command::new(env!("CARGO_BIN_EXE_embodied"))
        .args(["bench", "transport", "--json", "--sizes", "512,4096"])
        .args([
            "--count", "60", "--rate", "500", "--burst", "40", "--warmup", "10",
        ])
        .args(["--domain", "80", "--timeout", "30"])
        .output()
        .context("running embodied bench transport")?;
    let stdout = String::from_utf8(output.stdout)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "{}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let last = stdout.lines().last().context("no output")?;
    let report: serde_json::Value = serde_json::from_str(last).context("last line is JSON")?;
    assert_eq!(report["schema_version"], 1);
    assert_eq!(
        report["setup"]["network"],
        "private network namespace (loopback only)"
    );
    let results = report["results"].as_array().context("results")?;
    assert_eq!(results.len(), 2);
    for (result, size) in results.iter().zip([512, 4096]) {
        assert_eq!(result["size_bytes"], size);
        for side in ["ours", "baseline"] {
            let figures = &result[side];
            assert_eq!(figures["lost"], 0, "{side}: {figures}");
            assert_eq!(figures["latency"]["samples"], 50, "{side}: {figures}");
            let p50 = figures["latency"]["p50_us"].as_f64().context("p50")?;
            let p99 = figures["latency"]["p99_us"].as_f64().context("p99")?;
            assert!(0.0 < p50 && p50 <= p99, "{side}: {figures}");
            assert!(
                figures["throughput"]["messages_per_s"]
                    .as_f64()
                    .context("msgs/s")?
                    > 0.0
            );
        }
        assert!(
            result["baseline"]["implementation"]
                .as_str()
                .is_some_and(|s| s.contains("cyclonedds-python"))
        );
        assert!(result["ratios"]["latency_p50"].as_f64().is_some());
        assert!(result["ratios"]["throughput"].as_f64().is_some());
    }
    assert!(stdout.contains("ratio"), "{stdout}");
    Ok(())
}
