//! DDS tests: real ros2-client nodes talking over loopback multicast.
//!
//! They must run inside a private network namespace (the workplace forbids DDS traffic to
//! other addresses): `ros_nodes/runtime/tests/run_dds_tests.sh`. Each test has its own domain
//! id and bounds every wait with a timeout.

mod common;

use std::time::Duration;

use anyhow::{Context as _, bail};
use common::{MATCH_TIMEOUT, RECEIVE_TIMEOUT, capture_warnings, round_trip_every_type};
use embodied_msgs::RosMessage;
use embodied_msgs::std_msgs::msg::String as RosString;
use embodied_msgs::topics::Qos;
use embodied_runtime::{NodeConfig, NodeIo, RosArgs};
use futures::StreamExt;

fn start_node(name: &str, domain_id: u16, ros_args: &[&str]) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(std::iter::once("test").chain(ros_args.iter().copied()))?;
    let config = NodeConfig::new(name, args).with_domain_id(domain_id);
    NodeIo::start(&config).with_context(|| format!("starting node {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn every_message_type_round_trips() -> anyhow::Result<()> {
    let mut sender = start_node("type_sender", 61, &[])?;
    let mut receiver = start_node("type_receiver", 61, &[])?;
    round_trip_every_type(&mut sender, &mut receiver).await?;
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

// Current-thread runtime: the subscription is polled on this thread, so the thread-local
// log capture sees its warnings.
#[tokio::test(flavor = "current_thread")]
#[ignore = "needs netns"]
async fn malformed_samples_are_logged_and_dropped() -> anyhow::Result<()> {
    let (capture, _log_guard) = capture_warnings();

    let mut listener = start_node("listener", 62, &[])?;
    let mut forger = start_node("forger", 62, &[])?;
    let qos = Qos::reliable(10);
    let mut strings = listener.subscription_on::<RosString>("/garbage", &qos)?;
    let forged = forger.publisher_on::<ForgedString>("/garbage", &qos)?;
    let honest = forger.publisher_on::<RosString>("/garbage", &qos)?;
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
    let good = RosString {
        data: "still listening".into(),
    };
    honest.publish(good.clone()).await?;

    let received = tokio::time::timeout(RECEIVE_TIMEOUT, strings.next())
        .await
        .context("the good sample after the garbage never arrived")?
        .context("stream ended")?;
    assert_eq!(received, good);
    // Samples of different writers may arrive in any order: poll on, so garbage that came
    // after the good sample is read (and dropped) too, and check nothing else comes out.
    let extra = tokio::time::timeout(Duration::from_millis(500), strings.next()).await;
    assert!(
        extra.is_err(),
        "unexpected message after the good one: {extra:?}"
    );
    assert_eq!(strings.dropped(), 2);
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
    let original = observer
        .wait_for_node("/", "original", Duration::from_secs(1))
        .await;
    assert!(original.is_err(), "the code name must not be announced");

    let qos = Qos::reliable(10);
    let publisher = remapped.publisher_on::<RosString>("chatter", &qos)?;
    assert_eq!(publisher.topic(), "/remapped/chatter");
    let mut heard = observer.subscription_on::<RosString>("/remapped/chatter", &qos)?;
    publisher
        .wait_for_subscription(&remapped, MATCH_TIMEOUT)
        .await?;
    heard.wait_for_publisher(&observer, MATCH_TIMEOUT).await?;
    let message = RosString {
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
    assert_eq!(
        sim_node.clock().now_nanos(),
        0,
        "zero before the first /clock"
    );
    let mut simulator = start_node("simulator", 64, &[])?;
    let clock = simulator.publisher(&embodied_msgs::topics::CLOCK)?;
    clock
        .wait_for_subscription(&simulator, MATCH_TIMEOUT)
        .await?;
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
