//! The simulator seen from a foreign DDS implementation: a Python Cyclone DDS peer
//! (`tests/interop/sim_peer.py`) reads `/odom` and `/scan` from the simulator node (the code of
//! `sim_node`, run in this process over DDS) on the home world, checks the scan at rest against
//! ranges computed here from the same world, then drives the robot with `/cmd_vel` and checks
//! the odometry: what a ROS 2 node behind Gazebo's bridge would receive.
//!
//! Run inside the private network namespace: `scripts/netns.sh cargo test -p embodied_tests
//! --test sim_interop -- --ignored`.
#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use embodied_runtime::{NodeConfig, NodeIo, RosArgs, ShutdownTrigger};
use embodied_tests::{repo_root, require_private_netns, venv_python};

const DOMAIN_ID: u16 = 72;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn cyclone_dds_peer_reads_odom_and_scan_from_the_simulator() -> anyhow::Result<()> {
    require_private_netns()?;
    let python = venv_python()?;
    let files = sim::find_home_world()?;
    let params = sim::Params {
        real_time_factor: 1.0,
        lidar_noise: false,
        ..sim::Params::default()
    }
    .validate()?;

    // The expected scan at rest, from the same world and parameters.
    let mut reference = sim::Simulator::new(sim::load_world(&files)?, &params)?;
    let lidar = reference.robot().lidar.clone();
    let spawn = reference.pose();
    let ranges: Vec<Option<f32>> = reference
        .scan()
        .into_iter()
        .map(|r| r.is_finite().then_some(r))
        .collect();
    let expected = serde_json::json!({
        "spawn": [spawn.x, spawn.y, spawn.yaw],
        "scan": {
            "frame_id": lidar.frame_id,
            "angle_min": lidar.min_angle,
            "angle_max": lidar.max_angle,
            "angle_increment": lidar.angle_increment(),
            "range_min": lidar.range_min,
            "range_max": lidar.range_max,
            "ranges": ranges,
        },
    });
    let dir = tempfile::tempdir()?;
    let expected_path = dir.path().join("expected.json");
    std::fs::write(&expected_path, serde_json::to_vec(&expected)?)?;

    let peer = tokio::process::Command::new(python)
        .arg(repo_root().join("tests/interop/sim_peer.py"))
        .args(["--domain", &DOMAIN_ID.to_string()])
        .arg("--expected")
        .arg(&expected_path)
        .args(["--timeout", "90"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the Cyclone DDS peer")?;

    let args = RosArgs::parse(["sim_node"])?;
    let mut io = NodeIo::start(&NodeConfig::new("sim", args).with_domain_id(DOMAIN_ID))?;
    let stop = ShutdownTrigger::new();
    let world = sim::load_world(&files)?;
    let output = {
        let simulation = sim::run(&mut io, params, world, stop.subscribe());
        tokio::pin!(simulation);
        let peer_done = tokio::time::timeout(Duration::from_secs(120), peer.wait_with_output());
        let output = tokio::select! {
            outcome = &mut simulation => bail!("the simulator stopped: {outcome:?}"),
            output = peer_done => output,
        };
        stop.trigger();
        simulation.await?;
        output.context("the peer did not finish")??
    };
    io.shutdown().await;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    ensure!(
        output.status.success() && report.contains("\"ok\": true"),
        "the Cyclone DDS peer failed ({}):\n{report}",
        output.status
    );
    Ok(())
}
