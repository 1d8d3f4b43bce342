//! The measurement protocol shared by our peers and the Cyclone DDS peers of
//! `tests/interop/bench_peer.py`: topic, QoS, sample labelling, when a subscriber is done, and
//! the lines a subscriber prints.
//!
//! A publisher sends `count` samples at a fixed rate (the latency phase), then `burst` samples
//! as fast as flow control allows (the throughput phase). Every sample carries its send time in
//! `header.stamp` and `"{phase}:{seq}"` in `header.frame_id`. The subscriber stamps each arrival
//! with the same host clock, so latency is one-way: arrival − `header.stamp`.
//!
//! Flow control: a reliable keep-last-50 reader still drops its oldest samples when the
//! application takes them more slowly than they arrive (DDS keep-last semantics; RustDDS and
//! Cyclone DDS both do), so a blind flood measures losses, not throughput. The subscriber
//! therefore acknowledges every [`ACK_EVERY`] throughput samples on [`ACK_TOPIC`]
//! (`"ack:{taken}"`), and the publisher never runs more than [`WINDOW`] samples ahead of the
//! last acknowledgement. `WINDOW` < [`HISTORY_DEPTH`], so nothing can be dropped: throughput
//! is what both ends sustain with nothing lost.

use std::time::Duration;

use embodied_msgs::topics::Qos;
use serde::{Deserialize, Serialize};

/// The topic both implementations use (`rt/bench/audio` on the wire).
pub const TOPIC: &str = "/bench/audio";

/// History depth of writer and reader, as on the audio topic.
pub const HISTORY_DEPTH: u32 = 50;

/// Reliable, volatile, keep last [`HISTORY_DEPTH`]: nothing may be lost.
pub const QOS: Qos = Qos::reliable(HISTORY_DEPTH);

/// Where the subscriber acknowledges throughput samples (same type and QoS).
pub const ACK_TOPIC: &str = "/bench/ack";

/// The subscriber acknowledges after every this many throughput samples.
pub const ACK_EVERY: u64 = 10;

/// Throughput samples the publisher may send beyond the last acknowledged count.
pub const WINDOW: u64 = 40;

// The window must fit in the reader's history, or a slow subscriber loses samples to
// keep-last eviction; and acknowledgements must come before the window is used up.
const _: () = assert!(WINDOW + ACK_EVERY <= HISTORY_DEPTH as u64 && ACK_EVERY <= WINDOW);

/// How long a publisher with a full window waits for an acknowledgement.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a publisher waits for the subscriber to match.
pub const MATCH_TIMEOUT: Duration = Duration::from_secs(20);

/// Pause between matching and the first timed sample, so the reliable handshake settles.
pub const SETTLE: Duration = Duration::from_millis(500);

/// How long a publisher stays after its last sample, so the reader can drain (repairs).
pub const DRAIN: Duration = Duration::from_secs(2);

/// Once the throughput phase has started, a subscriber gives up after this long without a
/// sample (the last one was lost).
pub const IDLE_AFTER_BURST: Duration = Duration::from_secs(5);

/// A subscriber prints a progress line every this many samples.
pub const PROGRESS_EVERY: u64 = 100;

/// The phase a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Paced samples whose one-way latency is measured.
    Latency,
    /// Flow-controlled samples whose arrival rate is measured.
    Throughput,
}

impl Phase {
    fn code(self) -> u8 {
        match self {
            Self::Latency => 0,
            Self::Throughput => 1,
        }
    }
}

/// `header.frame_id` of sample `seq` of `phase`: `"0:17"`, `"1:1999"`.
pub fn frame_id(phase: Phase, seq: u64) -> String {
    format!("{}:{seq}", phase.code())
}

/// Reads a [`frame_id`] back; `None` for anything else.
pub fn parse_frame_id(text: &str) -> Option<(Phase, u64)> {
    let (phase, seq) = text.split_once(':')?;
    let phase = match phase {
        "0" => Phase::Latency,
        "1" => Phase::Throughput,
        _ => return None,
    };
    Some((phase, seq.parse().ok()?))
}

/// `header.frame_id` of an acknowledgement: `taken` throughput samples received so far.
pub fn ack_frame_id(taken: u64) -> String {
    format!("ack:{taken}")
}

/// Reads an [`ack_frame_id`] back.
pub fn parse_ack(text: &str) -> Option<u64> {
    text.strip_prefix("ack:")?.parse().ok()
}

/// The audio bytes of a sample of `size` bytes (the same pattern as the Python peer).
pub fn payload(size: usize) -> Vec<u8> {
    // 251 is prime, so the pattern does not line up with any power-of-two block size.
    (0..size)
        .map(|i| u8::try_from(i % 251).unwrap_or(0))
        .collect()
}

/// The last line a subscriber prints: everything it measured, raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriberReport {
    /// One-way latency of each latency-phase sample, in arrival order, in µs.
    pub latencies_us: Vec<f64>,
    /// Throughput-phase samples received.
    pub burst_received: u64,
    /// Time from the first to the last throughput-phase arrival, in seconds.
    pub burst_seconds: f64,
    /// The DDS implementation that measured this, e.g. "cyclonedds-python 11.0.1".
    #[serde(default)]
    pub implementation: Option<String>,
}

/// A progress line: samples received so far, both phases together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressLine {
    /// Samples received so far.
    pub received: u64,
}

/// One line of a subscriber's standard output.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriberLine {
    /// Progress while measuring.
    Progress(ProgressLine),
    /// The final report.
    Report(SubscriberReport),
}

/// Parses one line of a subscriber's output; `None` for lines that are neither (a library
/// printing something, for instance).
pub fn parse_subscriber_line(line: &str) -> Option<SubscriberLine> {
    let line = line.trim();
    if !line.starts_with('{') {
        return None;
    }
    if let Ok(report) = serde_json::from_str::<SubscriberReport>(line) {
        return Some(SubscriberLine::Report(report));
    }
    serde_json::from_str::<ProgressLine>(line)
        .ok()
        .map(SubscriberLine::Progress)
}

/// What a subscriber must do after a sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Due {
    /// Print a progress line with this many samples received.
    pub progress: Option<u64>,
    /// Acknowledge this many throughput samples taken.
    pub ack: Option<u64>,
}

/// What a subscriber has seen so far; decides when it is done. Pure: times come in as
/// arguments (nanoseconds since the Unix epoch, the clock the publisher stamps with).
#[derive(Debug, Clone)]
pub struct SubscriberTally {
    burst: u64,
    latencies_us: Vec<f64>,
    burst_received: u64,
    burst_first_ns: Option<i64>,
    burst_last_ns: Option<i64>,
    last_seen_burst_seq: bool,
    received: u64,
}

impl SubscriberTally {
    /// A tally for a publisher that sends `count` paced samples and `burst` back-to-back ones.
    pub fn new(count: u64, burst: u64) -> Self {
        Self {
            burst,
            latencies_us: Vec::with_capacity(usize::try_from(count).unwrap_or(0)),
            burst_received: 0,
            burst_first_ns: None,
            burst_last_ns: None,
            last_seen_burst_seq: false,
            received: 0,
        }
    }

    /// Records one sample and says what is due now. Samples with a foreign `frame_id` are
    /// ignored.
    pub fn record(&mut self, frame_id: &str, sent_ns: i64, arrival_ns: i64) -> Due {
        let Some((phase, seq)) = parse_frame_id(frame_id) else {
            return Due::default();
        };
        let mut due = Due::default();
        match phase {
            Phase::Latency => {
                // i64 nanoseconds to µs: exact enough in f64 for any latency below 100 days.
                let latency_us = (arrival_ns - sent_ns) as f64 / 1_000.0;
                self.latencies_us.push(latency_us);
            }
            Phase::Throughput => {
                self.burst_first_ns.get_or_insert(arrival_ns);
                self.burst_last_ns = Some(arrival_ns);
                self.burst_received += 1;
                if seq + 1 == self.burst {
                    self.last_seen_burst_seq = true;
                }
                due.ack = self
                    .burst_received
                    .is_multiple_of(ACK_EVERY)
                    .then_some(self.burst_received);
            }
        }
        self.received += 1;
        due.progress = self
            .received
            .is_multiple_of(PROGRESS_EVERY)
            .then_some(self.received);
        due
    }

    /// The last throughput sample has arrived (reliable, in order: nothing more will come).
    pub fn is_complete(&self) -> bool {
        self.last_seen_burst_seq
    }

    /// The throughput phase has started, so an idle gap means the end
    /// ([`IDLE_AFTER_BURST`]).
    pub fn burst_started(&self) -> bool {
        self.burst_first_ns.is_some()
    }

    /// The report to print.
    pub fn into_report(self, implementation: &str) -> SubscriberReport {
        let span_ns = match (self.burst_first_ns, self.burst_last_ns) {
            (Some(first), Some(last)) => last - first,
            _ => 0,
        };
        let burst_seconds = span_ns as f64 / 1e9;
        SubscriberReport {
            latencies_us: self.latencies_us,
            burst_received: self.burst_received,
            burst_seconds,
            implementation: Some(implementation.to_owned()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn frame_ids_round_trip() {
        assert_eq!(frame_id(Phase::Latency, 17), "0:17");
        assert_eq!(frame_id(Phase::Throughput, 1999), "1:1999");
        assert_eq!(parse_frame_id("0:17"), Some((Phase::Latency, 17)));
        assert_eq!(parse_frame_id("1:1999"), Some((Phase::Throughput, 1999)));
        for bad in ["", "0", "2:1", "0:x", "0:-1", "frame"] {
            assert_eq!(parse_frame_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn throughput_samples_are_acknowledged_in_steps() {
        let mut tally = SubscriberTally::new(5, 25);
        for seq in 0..5 {
            assert_eq!(tally.record(&frame_id(Phase::Latency, seq), 0, 1).ack, None);
        }
        let acks: Vec<u64> = (0..25)
            .filter_map(|seq| tally.record(&frame_id(Phase::Throughput, seq), 0, 1).ack)
            .collect();
        assert_eq!(acks, vec![10, 20]);
        assert_eq!(parse_ack(&ack_frame_id(20)), Some(20));
        assert_eq!(parse_ack("1:20"), None);
        assert_eq!(parse_ack("ack:x"), None);
    }

    #[test]
    fn the_python_peer_uses_the_same_constants() {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/interop/bench_peer.py");
        let text = std::fs::read_to_string(&script).unwrap();
        let expected = [
            ("TOPIC", format!("\"rt{TOPIC}\"")),
            ("ACK_TOPIC", format!("\"rt{ACK_TOPIC}\"")),
            ("ACK_EVERY", ACK_EVERY.to_string()),
            ("WINDOW", WINDOW.to_string()),
            ("PROGRESS_EVERY", PROGRESS_EVERY.to_string()),
            (
                "IDLE_AFTER_BURST",
                format!("{:.1}", IDLE_AFTER_BURST.as_secs_f64()),
            ),
            ("ACK_TIMEOUT", format!("{:.1}", ACK_TIMEOUT.as_secs_f64())),
            (
                "MATCH_TIMEOUT",
                format!("{:.1}", MATCH_TIMEOUT.as_secs_f64()),
            ),
        ];
        for (name, value) in expected {
            let line = format!("{name} = {value}");
            assert!(
                text.lines().any(|l| l.starts_with(&line)),
                "{} lacks `{line}`",
                script.display()
            );
        }
        assert!(text.contains(&format!(
            "p.add_argument(\"--depth\", type=int, default={HISTORY_DEPTH})"
        )));
    }

    #[test]
    fn payload_matches_the_python_pattern() {
        let bytes = payload(600);
        assert_eq!(bytes.len(), 600);
        assert_eq!(
            (bytes[0], bytes[250], bytes[251], bytes[599]),
            (0, 250, 0, 97)
        );
    }

    #[test]
    fn tally_measures_latency_and_burst_span() {
        let mut tally = SubscriberTally::new(2, 3);
        tally.record("0:0", 1_000_000, 1_150_000);
        tally.record("0:1", 2_000_000, 2_100_000);
        assert!(!tally.burst_started());
        tally.record("1:0", 0, 10_000_000_000);
        tally.record("1:1", 0, 10_250_000_000);
        assert!(tally.burst_started() && !tally.is_complete());
        tally.record("1:2", 0, 10_500_000_000);
        assert!(tally.is_complete());
        let report = tally.into_report("test");
        assert_eq!(report.latencies_us, vec![150.0, 100.0]);
        assert_eq!(report.burst_received, 3);
        assert!((report.burst_seconds - 0.5).abs() < 1e-12);
    }

    #[test]
    fn tally_ignores_foreign_samples_and_reports_progress() {
        let mut tally = SubscriberTally::new(200, 0);
        assert_eq!(tally.record("camera", 0, 1), Due::default());
        let progress: Vec<u64> = (0..200)
            .filter_map(|seq| {
                tally
                    .record(&frame_id(Phase::Latency, seq), 0, 1_000)
                    .progress
            })
            .collect();
        assert_eq!(progress, vec![100, 200]);
    }

    #[test]
    fn subscriber_lines_parse_as_the_python_peer_prints_them() {
        let report = r#"{"latencies_us": [12.5, 30.0], "burst_received": 2000, "burst_seconds": 0.25, "implementation": "cyclonedds-python 11.0.1"}"#;
        match parse_subscriber_line(report) {
            Some(SubscriberLine::Report(r)) => {
                assert_eq!(r.latencies_us, vec![12.5, 30.0]);
                assert_eq!(r.burst_received, 2000);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_subscriber_line(r#"{"received": 300}"#),
            Some(SubscriberLine::Progress(ProgressLine { received: 300 }))
        );
        assert_eq!(parse_subscriber_line("warning: something"), None);
        assert_eq!(parse_subscriber_line(r#"{"other": 1}"#), None);
    }
}
