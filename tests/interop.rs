//! Wire interop with a foreign DDS implementation: a Python Cyclone DDS peer
//! (`tests/interop/peer.py`, types built from our `.msg` files) receives every message type
//! from our runtime, checks it against the golden sample, and sends it back; we check the echo.
//! The peer also reads `ros_discovery_info` (what `ros2 node list` reads) and must see our node
//! under the name and namespace given by `-r __node:=` / `-r __ns:=`.
//!
//! Run inside the private network namespace: `scripts/netns.sh cargo test -p embodied_tests
//! --test interop -- --ignored`.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use embodied_msgs::golden::golden_sample;
use embodied_msgs::topics::Qos;
use embodied_msgs::{MessageVisitor, RosMessage, visit_all_types};
use embodied_runtime::{NodeConfig, NodeIo, RosArgs};
use embodied_tests::{repo_root, require_private_netns, venv_python};
use futures::StreamExt;
use tokio::task::JoinSet;

const DOMAIN_ID: u16 = 71;
const NODE_NAME: &str = "interop_probe";
const NAMESPACE: &str = "/robot1";
const RESEND_EVERY: Duration = Duration::from_millis(300);
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(60);

/// Starts one task per type: publish the golden sample on `.../ping` until the peer's echo on
/// `.../pong` arrives, then compare.
struct Spawner<'a> {
    io: &'a mut NodeIo,
    tasks: JoinSet<anyhow::Result<String>>,
    error: Option<anyhow::Error>,
}

impl Spawner<'_> {
    fn spawn<M: RosMessage>(&mut self) -> anyhow::Result<()> {
        let base = format!("/interop/{}/{}", M::PACKAGE, M::NAME);
        let qos = Qos::reliable(10);
        let publisher = self.io.publisher_on::<M>(&format!("{base}/ping"), &qos)?;
        let mut echoes = self
            .io
            .subscription_on::<M>(&format!("{base}/pong"), &qos)?;
        let sample: M = golden_sample()?;
        self.tasks.spawn(async move {
            let deadline = tokio::time::Instant::now() + ROUND_TRIP_TIMEOUT;
            loop {
                ensure!(
                    tokio::time::Instant::now() < deadline,
                    "{}: no echo from the peer within {ROUND_TRIP_TIMEOUT:?}",
                    M::type_name()
                );
                publisher.publish(sample.clone()).await?;
                if let Ok(echo) = tokio::time::timeout(RESEND_EVERY, echoes.next()).await {
                    let echo = echo.context("echo stream ended")?;
                    ensure!(
                        echo == sample,
                        "{}: echo differs\n sent: {sample:?}\n back: {echo:?}",
                        M::type_name()
                    );
                    return Ok(M::type_name());
                }
            }
        });
        Ok(())
    }
}

impl MessageVisitor for Spawner<'_> {
    fn visit<M: RosMessage>(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.spawn::<M>()
        {
            self.error = Some(e.context(format!("setting up {}", M::type_name())));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn every_type_round_trips_through_cyclone_dds() -> anyhow::Result<()> {
    require_private_netns()?;
    let python = venv_python()?;
    let root = repo_root();

    let peer = tokio::process::Command::new(python)
        .arg(root.join("tests/interop/peer.py"))
        .args(["--domain", &DOMAIN_ID.to_string()])
        .args(["--expect-node", NODE_NAME, "--expect-namespace", NAMESPACE])
        .args(["--timeout", "90"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the Cyclone DDS peer")?;

    let args = RosArgs::parse([
        "interop",
        "--ros-args",
        "-r",
        &format!("__node:={NODE_NAME}"),
        "-r",
        &format!("__ns:={NAMESPACE}"),
    ])?;
    let mut io = NodeIo::start(&NodeConfig::new("code_name", args).with_domain_id(DOMAIN_ID))?;
    let mut spawner = Spawner {
        io: &mut io,
        tasks: JoinSet::new(),
        error: None,
    };
    visit_all_types(&mut spawner);
    if let Some(error) = spawner.error {
        return Err(error);
    }
    let mut tasks = spawner.tasks;
    let mut round_tripped = Vec::new();
    while let Some(result) = tasks.join_next().await {
        round_tripped.push(result??);
    }

    let output = tokio::time::timeout(Duration::from_secs(60), peer.wait_with_output())
        .await
        .context("the peer did not finish")??;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    io.shutdown().await;
    if !output.status.success() {
        bail!("the Cyclone DDS peer failed ({}):\n{report}", output.status);
    }
    ensure!(
        report.contains("\"ok\": true"),
        "peer report lacks success:\n{report}"
    );
    println!(
        "{} types round-tripped through Cyclone DDS",
        round_tripped.len()
    );
    Ok(())
}
