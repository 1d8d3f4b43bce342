//! Figures from a subscriber's raw report: latency percentiles (exact, from the sorted
//! samples) and throughput.

use serde::Serialize;

use super::protocol::SubscriberReport;

/// Latency figures of one run, in µs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Arithmetic mean.
    pub mean_us: f64,
    /// Fastest sample.
    pub min_us: f64,
    /// Slowest sample.
    pub max_us: f64,
    /// Samples the figures are computed from (after the warm-up).
    pub samples: usize,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of ascending `sorted` samples; `None` when
/// empty. Nearest rank always returns a measured value, never an interpolation.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(p > 0.0 && p <= 100.0) {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Summarises `latencies_us` after dropping the first `warmup` (arrival order); `None` when
/// nothing is left.
pub fn summarize_latency(latencies_us: &[f64], warmup: usize) -> Option<LatencySummary> {
    let mut sorted: Vec<f64> = latencies_us
        .iter()
        .skip(warmup)
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let (&min_us, &max_us) = (sorted.first()?, sorted.last()?);
    let mean_us = sorted.iter().sum::<f64>() / sorted.len() as f64;
    Some(LatencySummary {
        p50_us: percentile(&sorted, 50.0)?,
        p99_us: percentile(&sorted, 99.0)?,
        mean_us,
        min_us,
        max_us,
        samples: sorted.len(),
    })
}

/// Throughput of a burst.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throughput {
    /// Samples per second between the first and the last arrival.
    pub messages_per_s: f64,
    /// Audio payload (the `data` bytes) per second, in MB (10^6 bytes).
    pub megabytes_per_s: f64,
}

/// Throughput of `received` samples of `payload_bytes` whose arrivals span `seconds`: n − 1
/// intervals between n arrivals. `None` with fewer than two samples or no measurable span.
pub fn throughput(received: u64, seconds: f64, payload_bytes: usize) -> Option<Throughput> {
    if received < 2 || !seconds.is_finite() || seconds <= 0.0 {
        return None;
    }
    let messages_per_s = (received - 1) as f64 / seconds;
    let megabytes_per_s = messages_per_s * payload_bytes as f64 / 1e6;
    Some(Throughput {
        messages_per_s,
        megabytes_per_s,
    })
}

/// Everything measured in one run of one implementation at one size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunFigures {
    /// Latency figures; `None` if no latency sample arrived.
    pub latency: Option<LatencySummary>,
    /// Throughput; `None` if the burst was not measurable.
    pub throughput: Option<Throughput>,
    /// Latency-phase samples sent and received.
    pub latency_sent: u64,
    /// Latency-phase samples received.
    pub latency_received: u64,
    /// Throughput-phase samples sent.
    pub burst_sent: u64,
    /// Throughput-phase samples received.
    pub burst_received: u64,
    /// Samples sent but not received, both phases.
    pub lost: u64,
}

/// The figures of a subscriber's report for a publisher that sent `count` + `burst` samples of
/// `payload_bytes`, dropping `warmup` latency samples.
pub fn figures(
    report: &SubscriberReport,
    count: u64,
    burst: u64,
    warmup: usize,
    payload_bytes: usize,
) -> RunFigures {
    let latency_received = u64::try_from(report.latencies_us.len()).unwrap_or(u64::MAX);
    let lost = count.saturating_sub(latency_received) + burst.saturating_sub(report.burst_received);
    RunFigures {
        latency: summarize_latency(&report.latencies_us, warmup),
        throughput: throughput(report.burst_received, report.burst_seconds, payload_bytes),
        latency_sent: count,
        latency_received,
        burst_sent: burst,
        burst_received: report.burst_received,
        lost,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(50.0));
        assert_eq!(percentile(&sorted, 99.0), Some(99.0));
        assert_eq!(percentile(&sorted, 100.0), Some(100.0));
        assert_eq!(percentile(&sorted, 0.1), Some(1.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&sorted, 0.0), None);
        assert_eq!(percentile(&sorted, 101.0), None);
        assert_eq!(percentile(&sorted, f64::NAN), None);
    }

    #[test]
    fn latency_summary_drops_warmup_and_sorts() {
        // Two slow warm-up samples, then 1..=10 shuffled.
        let samples = [
            900.0, 800.0, 5.0, 3.0, 9.0, 1.0, 10.0, 2.0, 8.0, 4.0, 7.0, 6.0,
        ];
        let summary = summarize_latency(&samples, 2).unwrap();
        assert_eq!(summary.samples, 10);
        assert_eq!(summary.p50_us, 5.0);
        assert_eq!(summary.p99_us, 10.0);
        assert_eq!(summary.min_us, 1.0);
        assert_eq!(summary.max_us, 10.0);
        assert!((summary.mean_us - 5.5).abs() < 1e-12);
        assert!(summarize_latency(&samples, 12).is_none());
        let with_warmup = summarize_latency(&samples, 0).unwrap();
        assert_eq!(with_warmup.max_us, 900.0);
    }

    #[test]
    fn throughput_counts_intervals_between_arrivals() {
        let t = throughput(1001, 0.5, 65_536).unwrap();
        assert!((t.messages_per_s - 2000.0).abs() < 1e-9);
        assert!((t.megabytes_per_s - 131.072).abs() < 1e-9);
        assert!(throughput(1, 0.5, 1024).is_none());
        assert!(throughput(10, 0.0, 1024).is_none());
        assert!(throughput(10, f64::NAN, 1024).is_none());
    }

    #[test]
    fn figures_count_losses_in_both_phases() {
        let report = SubscriberReport {
            latencies_us: vec![10.0; 98],
            burst_received: 1999,
            burst_seconds: 1.0,
            implementation: None,
        };
        let run = figures(&report, 100, 2000, 10, 1024);
        assert_eq!(run.lost, 3);
        assert_eq!(run.latency.unwrap().samples, 88);
        assert_eq!(run.latency_received, 98);
        assert!((run.throughput.unwrap().messages_per_s - 1998.0).abs() < 1e-9);
    }
}
