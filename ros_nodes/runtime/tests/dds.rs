//! DDS tests: real ros2-client nodes talking over loopback multicast.
//!
//! They must run inside a private network namespace (the workplace forbids DDS traffic to
//! other addresses): `ros_nodes/runtime/tests/run_dds_tests.sh`. Each test has its own domain
//! id and bounds every wait with a timeout.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use embodied_msgs::topics::Qos;
use embodied_msgs::{MessageVisitor, RosMessage, visit_all_types};
use embodied_runtime::{NodeConfig, NodeIo, Publisher, RosArgs, Subscriber};
use futures::StreamExt;

const MATCH_TIMEOUT: Duration = Duration::from_secs(15);
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(10);

fn start_node(name: &str, domain_id: u16, ros_args: &[&str]) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(std::iter::once("test").chain(ros_args.iter().copied()))?;
    let config = NodeConfig::new(name, args).with_domain_id(domain_id);
    NodeIo::start(&config).with_context(|| format!("starting node {name}"))
}

fn golden_value<M: RosMessage>() -> anyhow::Result<M> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../msgs/tests/golden")
        .join(M::PACKAGE)
        .join(format!("{}.json", M::NAME));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("golden value for {} at {}", M::type_name(), path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// One type's round trip, type-erased so every type can run in one loop.
trait RoundTrip {
    fn type_name(&self) -> String;
    fn run<'a>(
        &'a mut self,
        sender: &'a NodeIo,
        receiver: &'a NodeIo,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}

struct TypedRoundTrip<M: RosMessage> {
    publisher: Publisher<M>,
    subscriber: Subscriber<M>,
    sample: M,
}

impl<M: RosMessage> RoundTrip for TypedRoundTrip<M> {
    fn type_name(&self) -> String {
        M::type_name()
    }

    fn run<'a>(
        &'a mut self,
        sender: &'a NodeIo,
        receiver: &'a NodeIo,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.publisher
                .wait_for_subscription(sender, MATCH_TIMEOUT)
                .await?;
            self.subscriber
                .wait_for_publisher(receiver, MATCH_TIMEOUT)
                .await?;
            self.publisher.publish(self.sample.clone()).await?;
            let received = tokio::time::timeout(RECEIVE_TIMEOUT, self.subscriber.next())
                .await
                .with_context(|| format!("nothing received on {}", self.subscriber.topic()))?
                .context("subscription stream ended")?;
            ensure!(
                received == self.sample,
                "{}: received {received:?}, sent {:?}",
                M::type_name(),
                self.sample
            );
            Ok(())
        })
    }
}

struct RoundTripBuilder<'a> {
    sender: &'a mut NodeIo,
    receiver: &'a mut NodeIo,
    trips: Vec<Box<dyn RoundTrip>>,
    errors: Vec<String>,
}

impl MessageVisitor for RoundTripBuilder<'_> {
    fn visit<M: RosMessage>(&mut self) {
        let built = (|| -> anyhow::Result<Box<dyn RoundTrip>> {
            let topic = format!("/every_type/{}/{}_{}", M::PACKAGE, M::INTERFACE, M::NAME);
            let qos = Qos::reliable(10);
            Ok(Box::new(TypedRoundTrip::<M> {
                subscriber: self.receiver.subscription_on::<M>(&topic, &qos)?,
                publisher: self.sender.publisher_on::<M>(&topic, &qos)?,
                sample: golden_value::<M>()?,
            }))
        })();
        match built {
            Ok(trip) => self.trips.push(trip),
            Err(e) => self.errors.push(format!("{}: {e:#}", M::type_name())),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn every_message_type_round_trips() -> anyhow::Result<()> {
    let mut sender = start_node("type_sender", 61, &[])?;
    let mut receiver = start_node("type_receiver", 61, &[])?;
    let mut builder = RoundTripBuilder {
        sender: &mut sender,
        receiver: &mut receiver,
        trips: Vec::new(),
        errors: Vec::new(),
    };
    visit_all_types(&mut builder);
    let RoundTripBuilder {
        mut trips, errors, ..
    } = builder;
    ensure!(errors.is_empty(), "setup failed:\n{}", errors.join("\n"));
    ensure!(trips.len() > 30, "only {} types visited", trips.len());
    let mut failures = Vec::new();
    for trip in &mut trips {
        if let Err(e) = trip.run(&sender, &receiver).await {
            failures.push(format!("{}: {e:#}", trip.type_name()));
        }
    }
    ensure!(
        failures.is_empty(),
        "{} of {} types failed:\n{}",
        failures.len(),
        trips.len(),
        failures.join("\n")
    );
    drop(trips);
    sender.shutdown().await;
    receiver.shutdown().await;
    Ok(())
}

/// A "std_msgs/msg/String" whose bytes are not a valid string: a length prefix and four
/// raw bytes, published under the real type name so DDS matches it with real readers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct ForgedString {
    length: u32,
    bytes: [u8; 4],
}

impl RosMessage for ForgedString {
    const PACKAGE: &'static str = "std_msgs";
    const INTERFACE: &'static str = "msg";
    const NAME: &'static str = "String";
}

/// Collects formatted log lines for assertions.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log capture poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

// Current-thread runtime: the subscription is polled on this thread, so the thread-local
// log capture sees its warnings.
#[tokio::test(flavor = "current_thread")]
#[ignore = "needs netns"]
async fn malformed_samples_are_logged_and_dropped() -> anyhow::Result<()> {
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _log_guard = tracing::subscriber::set_default(subscriber);

    let mut listener = start_node("listener", 62, &[])?;
    let mut forger = start_node("forger", 62, &[])?;
    let qos = Qos::reliable(10);
    let mut strings =
        listener.subscription_on::<embodied_msgs::std_msgs::msg::String>("/garbage", &qos)?;
    let forged = forger.publisher_on::<ForgedString>("/garbage", &qos)?;
    let honest = forger.publisher_on::<embodied_msgs::std_msgs::msg::String>("/garbage", &qos)?;
    forged.wait_for_subscription(&forger, MATCH_TIMEOUT).await?;
    honest.wait_for_subscription(&forger, MATCH_TIMEOUT).await?;
    strings.wait_for_publisher(&listener, MATCH_TIMEOUT).await?;

    // Length far past the end of the sample, then bytes that are not UTF-8.
    forged
        .publish(ForgedString {
            length: 1_000_000,
            bytes: *b"abcd",
        })
        .await?;
    forged
        .publish(ForgedString {
            length: 3,
            bytes: [0xff, 0xfe, 0, 0],
        })
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let good = embodied_msgs::std_msgs::msg::String {
        data: "still listening".into(),
    };
    honest.publish(good.clone()).await?;

    let received = tokio::time::timeout(RECEIVE_TIMEOUT, strings.next())
        .await
        .context("the good sample after the garbage never arrived")?
        .context("stream ended")?;
    assert_eq!(received, good);
    let logs = capture.text();
    let drops = logs.matches("dropped malformed sample").count();
    if drops != 2 {
        bail!("expected 2 logged drops, got {drops}; logs:\n{logs}");
    }
    assert!(logs.contains("/garbage"), "the topic is named: {logs}");

    listener.shutdown().await;
    forger.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn node_and_topic_remaps_are_visible_to_peers() -> anyhow::Result<()> {
    let mut remapped = start_node(
        "original",
        63,
        &[
            "--ros-args",
            "-r",
            "__node:=renamed",
            "-r",
            "__ns:=/robot7",
            "-r",
            "chatter:=/remapped/chatter",
        ],
    )?;
    assert_eq!(remapped.fully_qualified_name(), "/robot7/renamed");
    let mut observer = start_node("observer", 63, &[])?;

    // ros_discovery_info (what `ros2 node list` reads) carries the remapped identity.
    observer
        .wait_for_node("/robot7", "renamed", MATCH_TIMEOUT)
        .await?;

    let qos = Qos::reliable(10);
    let publisher =
        remapped.publisher_on::<embodied_msgs::std_msgs::msg::String>("chatter", &qos)?;
    assert_eq!(publisher.topic(), "/remapped/chatter");
    let mut heard =
        observer.subscription_on::<embodied_msgs::std_msgs::msg::String>("/remapped/chatter", &qos)?;
    publisher
        .wait_for_subscription(&remapped, MATCH_TIMEOUT)
        .await?;
    heard.wait_for_publisher(&observer, MATCH_TIMEOUT).await?;
    let message = embodied_msgs::std_msgs::msg::String {
        data: "remapped".into(),
    };
    publisher.publish(message.clone()).await?;
    let received = tokio::time::timeout(RECEIVE_TIMEOUT, heard.next())
        .await?
        .context("stream ended")?;
    assert_eq!(received, message);

    // A clean shutdown announces leaving: the observer loses the publisher at once instead
    // of after the participant lease (tens of seconds).
    drop(publisher);
    remapped.shutdown().await;
    let left = tokio::time::timeout(Duration::from_secs(5), async {
        while heard.publisher_count(&observer) > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    left.context("the observer still sees the publisher 5 s after shutdown")?;
    observer.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn use_sim_time_follows_clock() -> anyhow::Result<()> {
    let sim_node = start_node("sim_user", 64, &["--ros-args", "-p", "use_sim_time:=true"])?;
    assert!(sim_node.clock().is_simulated());
    assert_eq!(sim_node.clock().now_nanos(), 0, "zero before the first /clock");
    let mut simulator = start_node("simulator", 64, &[])?;
    let clock = simulator.publisher(&embodied_msgs::topics::CLOCK)?;
    clock.wait_for_subscription(&simulator, MATCH_TIMEOUT).await?;
    let stamp = embodied_msgs::builtin_interfaces::msg::Time {
        sec: 42,
        nanosec: 500,
    };
    // Best effort: resend until the node's clock shows it.
    let followed = tokio::time::timeout(RECEIVE_TIMEOUT, async {
        loop {
            clock
                .publish(embodied_msgs::rosgraph_msgs::msg::Clock {
                    clock: stamp.clone(),
                })
                .await?;
            if sim_node.now() == stamp {
                return anyhow::Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    followed.context("the node clock never showed the /clock time")??;
    sim_node.shutdown().await;
    simulator.shutdown().await;
    Ok(())
}
