//! Our side of the benchmark: a publisher and a subscriber over `embodied_runtime`
//! (ros2-client + RustDDS), each run by this command in its own process (hidden `--role`).
//! They follow [`protocol`] exactly as `tests/interop/bench_peer.py` does.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use embodied_msgs::msg::AudioChunk;
use embodied_runtime::clock::{nanos_from_time, time_from_nanos};
use embodied_runtime::{NodeConfig, NodeIo, Publisher, RosArgs};
use futures::StreamExt as _;

use super::protocol::{self, Phase, SubscriberTally};

/// Which peer this process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// Receives and measures; prints progress lines and one report line.
    Sub,
    /// Sends the paced samples, then the flow-controlled burst.
    Pub,
}

/// What a peer needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerOptions {
    /// `data` bytes per sample.
    pub size: usize,
    /// Paced latency-phase samples.
    pub count: u64,
    /// Their rate, in Hz (> 0).
    pub rate_hz: f64,
    /// Flow-controlled throughput-phase samples.
    pub burst: u64,
    /// DDS domain.
    pub domain_id: u16,
    /// The subscriber gives up after this long.
    pub timeout: Duration,
}

/// Our implementation, in words, for the report.
pub const IMPLEMENTATION: &str = "ros2-client + RustDDS through embodied_runtime (Rust)";

/// How long a burst sample may be retried while the reliable send window stays full.
const BURST_RETRY_LIMIT: Duration = Duration::from_secs(10);

/// Runs `role` to completion on its own tokio runtime.
///
/// # Errors
/// DDS start-up, matching or publishing failures.
pub fn run(role: Role, options: &PeerOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(async {
        match role {
            Role::Sub => subscribe(options).await,
            Role::Pub => publish(options).await,
        }
    })
}

/// Nanoseconds since the Unix epoch: the clock both sides stamp with.
fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

fn node(name: &str, options: &PeerOptions) -> anyhow::Result<NodeIo> {
    let config = NodeConfig::new(name, RosArgs::default()).with_domain_id(options.domain_id);
    NodeIo::start(&config).with_context(|| format!("cannot start node `{name}`"))
}

/// Receives until the burst is complete (or idle, or the deadline), then prints the report.
async fn subscribe(options: &PeerOptions) -> anyhow::Result<()> {
    let mut io = node("bench_transport_sub", options)?;
    let mut samples = io.subscription_on::<AudioChunk>(protocol::TOPIC, &protocol::QOS)?;
    let acks = io.publisher_on::<AudioChunk>(protocol::ACK_TOPIC, &protocol::QOS)?;
    let mut tally = SubscriberTally::new(options.count, options.burst);
    let deadline = Instant::now() + options.timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let wait = if tally.burst_started() {
            left.min(protocol::IDLE_AFTER_BURST)
        } else {
            left
        };
        match tokio::time::timeout(wait, samples.next()).await {
            Ok(Some(sample)) => {
                let arrival = now_ns();
                let sent = nanos_from_time(&sample.header.stamp);
                let due = tally.record(&sample.header.frame_id, sent, arrival);
                if let Some(taken) = due.ack {
                    let mut ack = AudioChunk::default();
                    ack.header.frame_id = protocol::ack_frame_id(taken);
                    acks.publish(ack).await?;
                }
                if let Some(received) = due.progress {
                    println!(
                        "{}",
                        serde_json::to_string(&protocol::ProgressLine { received })?
                    );
                }
                if tally.is_complete() {
                    break;
                }
            }
            Ok(None) => bail!("the subscription on {} ended", protocol::TOPIC),
            // Idle after the burst started, or the overall deadline: report what arrived.
            Err(_) => break,
        }
    }
    // Report first: the coordinator is waiting for it, not for the participant to leave.
    println!(
        "{}",
        serde_json::to_string(&tally.into_report(IMPLEMENTATION))?
    );
    io.shutdown().await;
    Ok(())
}

async fn publish(options: &PeerOptions) -> anyhow::Result<()> {
    let mut io = node("bench_transport_pub", options)?;
    let publisher = io.publisher_on::<AudioChunk>(protocol::TOPIC, &protocol::QOS)?;
    let mut acks = io.subscription_on::<AudioChunk>(protocol::ACK_TOPIC, &protocol::QOS)?;
    publisher
        .wait_for_subscription(&io, protocol::MATCH_TIMEOUT)
        .await?;
    acks.wait_for_publisher(&io, protocol::MATCH_TIMEOUT)
        .await?;
    tokio::time::sleep(protocol::SETTLE).await;
    let template = AudioChunk {
        sample_rate: 16_000,
        channels: 1,
        encoding: AudioChunk::ENCODING_PCM_S16LE,
        data: protocol::payload(options.size),
        ..AudioChunk::default()
    };
    // Like the Python peer: send, then sleep until the next slot (a late slot is sent at once).
    let mut pace = tokio::time::interval(Duration::from_secs_f64(1.0 / options.rate_hz));
    for seq in 0..options.count {
        pace.tick().await;
        publisher
            .publish(stamped(&template, Phase::Latency, seq))
            .await?;
    }
    let mut acknowledged = 0;
    for seq in 0..options.burst {
        while seq >= acknowledged + protocol::WINDOW {
            let ack = tokio::time::timeout(protocol::ACK_TIMEOUT, acks.next())
                .await
                .with_context(|| {
                    format!(
                        "no acknowledgement on {} within {:?} (window full at sample {seq})",
                        protocol::ACK_TOPIC,
                        protocol::ACK_TIMEOUT
                    )
                })?
                .with_context(|| format!("the subscription on {} ended", protocol::ACK_TOPIC))?;
            if let Some(taken) = protocol::parse_ack(&ack.header.frame_id) {
                acknowledged = acknowledged.max(taken);
            }
        }
        publish_reliably(&publisher, &template, seq).await?;
    }
    tokio::time::sleep(protocol::DRAIN).await;
    io.shutdown().await;
    Ok(())
}

/// A copy of `template` stamped now. The copy is made before the stamp, so it is not timed.
fn stamped(template: &AudioChunk, phase: Phase, seq: u64) -> AudioChunk {
    let mut sample = template.clone();
    sample.header.frame_id = protocol::frame_id(phase, seq);
    sample.header.stamp = time_from_nanos(now_ns());
    sample
}

/// Publishes a burst sample, retrying while the reliable send window is full (the runtime's
/// publish waits a bounded time, then fails): back-pressure, never loss.
async fn publish_reliably(
    publisher: &Publisher<AudioChunk>,
    template: &AudioChunk,
    seq: u64,
) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        match publisher
            .publish(stamped(template, Phase::Throughput, seq))
            .await
        {
            Ok(()) => return Ok(()),
            Err(error) if started.elapsed() < BURST_RETRY_LIMIT => {
                tracing::debug!(seq, error = %error, "send window full; retrying");
            }
            Err(error) => {
                return Err(error).with_context(|| {
                    format!("burst sample {seq} not accepted within {BURST_RETRY_LIMIT:?}")
                });
            }
        }
    }
}
