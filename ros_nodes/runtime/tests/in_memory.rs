//! The node runtime on the in-memory bus: the same node-facing behaviour as over DDS
//! (names, remaps, parameters, clock, CDR, malformed samples), without a network.
// Tests may unwrap: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use anyhow::Context as _;
use common::{RECEIVE_TIMEOUT, capture_warnings, round_trip_every_type};
use embodied_msgs::std_msgs::msg::String as RosString;
use embodied_msgs::topics::{self, Qos};
use embodied_runtime::dispatch::relay;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger};
use futures::StreamExt;

const SHORT: Duration = Duration::from_secs(2);

fn start_node(bus: &InMemoryBus, name: &str, ros_args: &[&str]) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(std::iter::once("test").chain(ros_args.iter().copied()))?;
    NodeIo::start_in_memory(&NodeConfig::new(name, args), bus)
        .with_context(|| format!("starting node {name}"))
}

#[tokio::test]
async fn every_message_type_round_trips_through_cdr() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut sender = start_node(&bus, "sender", &[])?;
    let mut receiver = start_node(&bus, "receiver", &[])?;
    let checked = round_trip_every_type(&mut sender, &mut receiver).await?;
    assert!(checked > 30);
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn malformed_samples_are_logged_and_dropped() -> anyhow::Result<()> {
    let (capture, _guard) = capture_warnings();
    let bus = InMemoryBus::new();
    let mut listener = start_node(&bus, "listener", &[])?;
    let mut strings = listener.subscription_on::<RosString>("/garbage", &Qos::DEFAULT)?;
    // A header only; a length past the end; bytes that are not UTF-8; an XCDR2 header.
    bus.inject_raw("/garbage", &[0, 1]);
    bus.inject_raw("/garbage", &[0, 1, 0, 0, 0xff, 0, 0, 0]);
    bus.inject_raw("/garbage", &[0, 1, 0, 0, 3, 0, 0, 0, 0xff, 0xfe, 0]);
    bus.inject_raw("/garbage", &[0, 9, 0, 0, 1, 0, 0, 0, 0]);
    let good = RosString {
        data: "still listening".into(),
    };
    let mut speaker = start_node(&bus, "speaker", &[])?;
    speaker
        .publisher_on::<RosString>("/garbage", &Qos::DEFAULT)?
        .publish(good.clone())
        .await?;
    let received = tokio::time::timeout(RECEIVE_TIMEOUT, strings.next())
        .await?
        .context("stream ended")?;
    assert_eq!(received, good);
    assert_eq!(strings.dropped(), 4);
    let logs = capture.text();
    assert_eq!(
        logs.matches("dropped malformed sample").count(),
        4,
        "{logs}"
    );
    assert!(logs.contains("topic=/garbage"), "{logs}");
    assert!(
        logs.contains("std_msgs/msg/String"),
        "the type is named: {logs}"
    );
    Ok(())
}

#[tokio::test]
async fn remaps_rename_node_and_topics() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut node = start_node(
        &bus,
        "original",
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
    let mut observer = start_node(&bus, "observer", &[])?;
    observer.wait_for_node("/robot7", "renamed", SHORT).await?;
    assert!(
        observer
            .wait_for_node("/", "original", Duration::from_millis(50))
            .await
            .is_err()
    );

    let publisher = node.publisher_on::<RosString>("chatter", &Qos::DEFAULT)?;
    assert_eq!(publisher.topic(), "/remapped/chatter");
    let mut heard = observer.subscription_on::<RosString>("/remapped/chatter", &Qos::DEFAULT)?;
    publisher.wait_for_subscription(&node, SHORT).await?;
    heard.wait_for_publisher(&observer, SHORT).await?;
    publisher.publish(RosString { data: "hi".into() }).await?;
    let received = tokio::time::timeout(RECEIVE_TIMEOUT, heard.next()).await?;
    assert_eq!(received, Some(RosString { data: "hi".into() }));

    drop(publisher);
    assert_eq!(heard.publisher_count(&observer), 0);
    node.shutdown().await;
    assert!(!bus.node_names().contains(&"/robot7/renamed".to_owned()));
    Ok(())
}

#[tokio::test]
async fn a_topic_carries_one_type() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut node = start_node(&bus, "n", &[])?;
    node.publisher_on::<RosString>("/x", &Qos::DEFAULT)?;
    let error = node
        .subscription_on::<embodied_msgs::geometry_msgs::msg::Twist>("/x", &Qos::DEFAULT)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot create subscription on `/x`: the topic already carries std_msgs/msg/String, not geometry_msgs/msg/Twist"
    );
    Ok(())
}

#[tokio::test]
async fn latched_topics_reach_late_subscribers() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut early = start_node(&bus, "early", &[])?;
    let statics = early.publisher(&topics::TF_STATIC)?;
    let transforms = embodied_msgs::tf2_msgs::msg::TFMessage::default();
    statics.publish(transforms.clone()).await?;
    let mut late = start_node(&bus, "late", &[])?;
    let mut received = late.subscription(&topics::TF_STATIC)?;
    let first = tokio::time::timeout(SHORT, received.next()).await?;
    assert_eq!(first, Some(transforms));
    Ok(())
}

#[tokio::test]
async fn use_sim_time_follows_clock() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let node = start_node(&bus, "user", &["--ros-args", "-p", "use_sim_time:=true"])?;
    assert_eq!(node.clock().now_nanos(), 0);
    let mut sim = start_node(&bus, "sim", &[])?;
    let clock = sim.publisher(&topics::CLOCK)?;
    clock.wait_for_subscription(&sim, SHORT).await?;
    let stamp = embodied_msgs::builtin_interfaces::msg::Time { sec: 7, nanosec: 9 };
    clock
        .publish(embodied_msgs::rosgraph_msgs::msg::Clock {
            clock: stamp.clone(),
        })
        .await?;
    tokio::time::timeout(SHORT, async {
        while node.now() != stamp {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .context("clock not followed")?;
    Ok(())
}

#[tokio::test]
async fn parameters_reach_the_node_with_errors_naming_file_and_key() -> anyhow::Result<()> {
    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Params {
        rate_hz: f64,
        name: String,
    }
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("node.yaml");
    std::fs::write(
        &file,
        "/ns/worker:\n  ros__parameters:\n    rate_hz: 2.5\n    name: w\n",
    )?;
    let file_arg = file.display().to_string();
    let bus = InMemoryBus::new();
    let node = start_node(
        &bus,
        "worker",
        &[
            "--ros-args",
            "-r",
            "__ns:=/ns",
            "--params-file",
            &file_arg,
            "-p",
            "name:=cli",
        ],
    )?;
    let params: Params = node.load_params()?;
    assert_eq!(params.rate_hz, 2.5);
    assert_eq!(params.name, "cli");

    std::fs::write(
        &file,
        "/ns/worker:\n  ros__parameters:\n    rate_hz: fast\n",
    )?;
    let node = start_node(
        &bus,
        "worker",
        &["--ros-args", "-r", "__ns:=/ns", "--params-file", &file_arg],
    )?;
    let error = node.load_params::<Params>().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "parameter `rate_hz` in {}:3 (under `/ns/worker`): invalid type: string \"fast\", expected f64",
            file.display()
        )
    );
    Ok(())
}

#[tokio::test]
async fn relay_forwards_until_shutdown() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut relay_node = start_node(&bus, "relay", &[])?;
    let mut ends = start_node(&bus, "ends", &[])?;
    let input = ends.publisher_on::<RosString>("/in", &Qos::DEFAULT)?;
    let mut output = ends.subscription_on::<RosString>("/out", &Qos::DEFAULT)?;
    let stop = ShutdownTrigger::new();
    let shutdown = stop.subscribe();
    let relay_task = tokio::spawn(async move {
        relay::<RosString>(&mut relay_node, "/in", "/out", &Qos::DEFAULT, shutdown).await
    });
    input.wait_for_subscription(&ends, SHORT).await?;
    output.wait_for_publisher(&ends, SHORT).await?;
    for text in ["a", "b"] {
        input.publish(RosString { data: text.into() }).await?;
        let got = tokio::time::timeout(SHORT, output.next()).await?;
        assert_eq!(got.map(|m| m.data), Some(text.to_owned()));
    }
    stop.trigger();
    let forwarded = tokio::time::timeout(SHORT, relay_task).await???;
    assert_eq!(forwarded, 2);
    Ok(())
}
