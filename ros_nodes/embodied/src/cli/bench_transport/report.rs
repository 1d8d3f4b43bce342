//! The benchmark's result: one JSON object (schema [`SCHEMA_VERSION`]) and the human table.

use std::fmt::Write as _;

use serde::Serialize;

use super::protocol;
use super::stats::RunFigures;

/// Version of the JSON object's layout; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// What was run, in words, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setup {
    /// Paced latency-phase samples per run.
    pub count: u64,
    /// Their rate, in Hz.
    pub rate_hz: f64,
    /// Flow-controlled throughput-phase samples per run.
    pub burst: u64,
    /// Latency samples dropped at the start of each run.
    pub warmup: usize,
    /// "private network namespace (loopback only)" or "host network".
    pub network: String,
    /// First DDS domain id (each run uses the next one).
    pub first_domain_id: u16,
}

/// One implementation: what it is and what it measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// The DDS stack, e.g. "ros2-client 0.12 + RustDDS (embodied_runtime)".
    pub implementation: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: RunFigures,
}

/// How ours compares with the baseline; above 1 means ours is better.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratios {
    /// Baseline p50 latency / ours.
    pub latency_p50: Option<f64>,
    /// Baseline p99 latency / ours.
    pub latency_p99: Option<f64>,
    /// Baseline mean latency / ours.
    pub latency_mean: Option<f64>,
    /// Our messages/s (and MB/s: same payload) / the baseline's.
    pub throughput: Option<f64>,
}

/// The figures for one payload size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeResult {
    /// `data` bytes per AudioChunk.
    pub size_bytes: usize,
    /// Our runtime.
    pub ours: Side,
    /// Cyclone DDS.
    pub baseline: Side,
    /// Ours vs baseline.
    pub ratios: Ratios,
}

/// The whole report, as printed with `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always "transport".
    pub benchmark: &'static str,
    /// The repository's commit, if git could tell.
    pub git_sha: Option<String>,
    /// "release" or "debug" (debug figures are not representative).
    pub build_profile: &'static str,
    /// Message type measured.
    pub message_type: String,
    /// Topic measured.
    pub topic: &'static str,
    /// QoS, in words.
    pub qos: &'static str,
    /// Run parameters.
    pub setup: Setup,
    /// One entry per size, in the order asked.
    pub results: Vec<SizeResult>,
}

/// QoS of both peers, in words.
pub const QOS_TEXT: &str = "reliable, volatile, keep last 50";

fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d > 0.0 && n.is_finite() && d.is_finite() => Some(n / d),
        _ => None,
    }
}

/// Ratios of ours to the baseline (latency: baseline / ours; throughput: ours / baseline).
pub fn ratios(ours: &RunFigures, baseline: &RunFigures) -> Ratios {
    let latency = |figures: &RunFigures, pick: fn(&super::stats::LatencySummary) -> f64| {
        figures.latency.as_ref().map(pick)
    };
    Ratios {
        latency_p50: ratio(latency(baseline, |l| l.p50_us), latency(ours, |l| l.p50_us)),
        latency_p99: ratio(latency(baseline, |l| l.p99_us), latency(ours, |l| l.p99_us)),
        latency_mean: ratio(
            latency(baseline, |l| l.mean_us),
            latency(ours, |l| l.mean_us),
        ),
        throughput: ratio(
            ours.throughput.map(|t| t.messages_per_s),
            baseline.throughput.map(|t| t.messages_per_s),
        ),
    }
}

impl Report {
    /// Samples lost anywhere (reliable QoS: must be 0).
    pub fn lost(&self) -> u64 {
        self.results
            .iter()
            .map(|r| r.ours.figures.lost + r.baseline.figures.lost)
            .sum()
    }

    /// The report as one line of JSON.
    ///
    /// # Errors
    /// Only if serialisation fails (it does not for these types).
    pub fn to_json_line(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    /// The human-readable table, several lines ending in a newline.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let setup = &self.setup;
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "Transport benchmark: {} on {}, {}; two processes per implementation, {}.",
            self.message_type, self.topic, self.qos, setup.network
        );
        let _ = writeln!(
            out,
            "Latency: {} samples at {} Hz (first {} dropped as warm-up), one-way = arrival - header.stamp, same host clock.",
            setup.count, setup.rate_hz, setup.warmup
        );
        let _ = writeln!(
            out,
            "Throughput: burst of {} samples, reliable, at most {} ahead of the subscriber's acknowledgements \
             (keep-last 50 cannot overflow: nothing lost); MB/s counts the data bytes (10^6 B).",
            setup.burst,
            protocol::WINDOW
        );
        if let Some(first) = self.results.first() {
            let _ = writeln!(out, "ours:     {}", first.ours.implementation);
            let _ = writeln!(out, "baseline: {}", first.baseline.implementation);
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:>8}  {:<9} {:>10} {:>10} {:>10} {:>11} {:>9} {:>11}",
            "size", "", "p50 µs", "p99 µs", "mean µs", "msgs/s", "MB/s", "lost"
        );
        for result in &self.results {
            let size = format_size(result.size_bytes);
            for (label, side) in [("ours", &result.ours), ("baseline", &result.baseline)] {
                let f = &side.figures;
                let lat = f.latency.as_ref();
                let _ = writeln!(
                    out,
                    "{:>8}  {:<9} {:>10} {:>10} {:>10} {:>11} {:>9} {:>11}",
                    if label == "ours" { size.as_str() } else { "" },
                    label,
                    cell(lat.map(|l| l.p50_us), 1),
                    cell(lat.map(|l| l.p99_us), 1),
                    cell(lat.map(|l| l.mean_us), 1),
                    cell(f.throughput.map(|t| t.messages_per_s), 0),
                    cell(f.throughput.map(|t| t.megabytes_per_s), 1),
                    format!("{}/{}", f.lost, f.latency_sent + f.burst_sent),
                );
            }
            let r = &result.ratios;
            let _ = writeln!(
                out,
                "{:>8}  {:<9} {:>10} {:>10} {:>10} {:>11} {:>9}",
                "",
                "ratio",
                ratio_cell(r.latency_p50),
                ratio_cell(r.latency_p99),
                ratio_cell(r.latency_mean),
                ratio_cell(r.throughput),
                ratio_cell(r.throughput),
            );
        }
        let _ = writeln!(
            out,
            "\nratio: latency = baseline / ours, throughput = ours / baseline; above 1.00x means ours is better."
        );
        if self.build_profile != "release" {
            let _ = writeln!(
                out,
                "note: {} build; build with --release for representative figures.",
                self.build_profile
            );
        }
        out
    }
}

fn format_size(bytes: usize) -> String {
    if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.decimals$}"))
}

fn ratio_cell(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}x"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::stats::{LatencySummary, Throughput};
    use super::*;

    fn figures(p50: f64, msgs: f64, lost: u64) -> RunFigures {
        RunFigures {
            latency: Some(LatencySummary {
                p50_us: p50,
                p99_us: p50 * 3.0,
                mean_us: p50 * 1.5,
                min_us: p50 / 2.0,
                max_us: p50 * 10.0,
                samples: 480,
            }),
            throughput: Some(Throughput {
                messages_per_s: msgs,
                megabytes_per_s: msgs * 1024.0 / 1e6,
            }),
            latency_sent: 500,
            latency_received: 500,
            burst_sent: 2000,
            burst_received: 2000 - lost,
            lost,
        }
    }

    fn report() -> Report {
        let ours = figures(100.0, 20_000.0, 0);
        let baseline = figures(200.0, 10_000.0, 0);
        Report {
            schema_version: SCHEMA_VERSION,
            benchmark: "transport",
            git_sha: Some("abc123".to_owned()),
            build_profile: "release",
            message_type: "embodied_msgs/msg/AudioChunk".to_owned(),
            topic: protocol::TOPIC,
            qos: QOS_TEXT,
            setup: Setup {
                count: 500,
                rate_hz: 200.0,
                burst: 2000,
                warmup: 20,
                network: "private network namespace (loopback only)".to_owned(),
                first_domain_id: 0,
            },
            results: vec![SizeResult {
                size_bytes: 1024,
                ratios: ratios(&ours, &baseline),
                ours: Side {
                    implementation: "ours".to_owned(),
                    figures: ours,
                },
                baseline: Side {
                    implementation: "cyclone".to_owned(),
                    figures: baseline,
                },
            }],
        }
    }

    #[test]
    fn ratios_say_above_one_when_ours_is_better() {
        let r = report().results[0].ratios;
        assert_eq!(r.latency_p50, Some(2.0));
        assert_eq!(r.latency_p99, Some(2.0));
        assert_eq!(r.throughput, Some(2.0));
        let mut no_latency = figures(1.0, 0.0, 0);
        no_latency.latency = None;
        no_latency.throughput = None;
        let r = ratios(&no_latency, &figures(1.0, 1.0, 0));
        assert_eq!((r.latency_p50, r.throughput), (None, None));
    }

    #[test]
    fn json_has_every_figure() {
        let line = report().to_json_line().unwrap();
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["schema_version"], SCHEMA_VERSION);
        assert_eq!(value["benchmark"], "transport");
        assert_eq!(value["git_sha"], "abc123");
        assert_eq!(value["setup"]["count"], 500);
        let result = &value["results"][0];
        assert_eq!(result["size_bytes"], 1024);
        for side in ["ours", "baseline"] {
            let s = &result[side];
            assert!(s["implementation"].is_string());
            for key in ["p50_us", "p99_us", "mean_us", "samples"] {
                assert!(s["latency"][key].is_number(), "{side}.latency.{key}");
            }
            for key in ["messages_per_s", "megabytes_per_s"] {
                assert!(s["throughput"][key].is_number(), "{side}.throughput.{key}");
            }
            for key in ["lost", "latency_received", "burst_received"] {
                assert!(s[key].is_number(), "{side}.{key}");
            }
        }
        assert_eq!(result["ratios"]["latency_p50"], 2.0);
        assert_eq!(result["ratios"]["throughput"], 2.0);
    }

    #[test]
    fn table_shows_both_sides_and_ratios() {
        let table = report().to_table();
        assert!(table.contains("1 KiB"), "{table}");
        assert!(table.contains("baseline: cyclone"), "{table}");
        let ratio_line = table
            .lines()
            .find(|l| l.trim_start().starts_with("ratio"))
            .unwrap();
        assert_eq!(ratio_line.matches("2.00x").count(), 5, "{ratio_line}");
        assert!(!table.contains("note:"));
    }

    #[test]
    fn losses_are_counted() {
        let mut report = report();
        assert_eq!(report.lost(), 0);
        report.results[0].baseline.figures.lost = 4;
        assert_eq!(report.lost(), 4);
    }
}
