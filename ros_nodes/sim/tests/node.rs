//! The simulator node on the in-memory bus: /cmd_vel moves the robot on /odom and
//! /sim/ground_truth, the scan and clock are published, the gripper services answer.
#![cfg(feature = "ros")]
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use anyhow::Context as _;
use common::furnished_room;
use embodied_msgs::geometry_msgs::msg::{Twist, Vector3};
use embodied_msgs::nav_msgs::msg::Odometry;
use embodied_msgs::srv::{GraspRequest, ReleaseRequest};
use embodied_msgs::topics::{self, Qos};
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger};
use futures::StreamExt;
use sim::{Params, Pose2D};

const WAIT: Duration = Duration::from_secs(20);

fn node(bus: &InMemoryBus, name: &str) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(["test"])?;
    Ok(NodeIo::start_in_memory(&NodeConfig::new(name, args), bus)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cmd_vel_moves_the_robot_on_odom_and_the_gripper_answers() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut sim_io = node(&bus, "sim")?;
    let mut tester = node(&bus, "tester")?;
    let mut odom = tester.subscription(&topics::ODOM)?;
    let mut truth =
        tester.subscription_on::<Odometry>(sim::GROUND_TRUTH_TOPIC, &Qos::reliable(10))?;
    let mut scans = tester.subscription(&topics::SCAN)?;
    let mut clock = tester.subscription(&topics::CLOCK)?;
    let cmd_vel = tester.publisher(&topics::CMD_VEL)?;
    let grasp = tester.service_client(&topics::GRIPPER_GRASP)?;
    let release = tester.service_client(&topics::GRIPPER_RELEASE)?;

    let params = Params {
        real_time_factor: 20.0,
        command_timeout_s: 0.0,
        lidar_noise: false,
        ..Params::default()
    }
    .validate()?;
    let stop = ShutdownTrigger::new();
    let world = furnished_room(Pose2D::new(0.0, -2.0, 0.0));
    let simulation = sim::run(&mut sim_io, params, world, stop.subscribe());

    let test = async {
        let first = tokio::time::timeout(WAIT, odom.next())
            .await?
            .context("odom ended")?;
        assert_eq!(first.header.frame_id, "odom");
        assert_eq!(first.child_frame_id, "base_link");
        let start_x = first.pose.pose.position.x;
        assert!((start_x - 0.0).abs() < 1e-9);
        let scan = tokio::time::timeout(WAIT, scans.next())
            .await?
            .context("scan ended")?;
        assert_eq!(scan.ranges.len(), 360);
        // Straight ahead (+x) from (0, -2) the east wall is 4 m away.
        assert!(
            (scan.ranges[180] - 4.0).abs() < 1e-4,
            "{}",
            scan.ranges[180]
        );
        tokio::time::timeout(WAIT, clock.next())
            .await?
            .context("clock ended")?;

        cmd_vel
            .publish(Twist {
                linear: Vector3 {
                    x: 0.4,
                    ..Vector3::default()
                },
                ..Twist::default()
            })
            .await?;
        let moved = tokio::time::timeout(WAIT, async {
            while let Some(message) = odom.next().await {
                if message.pose.pose.position.x > start_x + 0.5 {
                    return Some(message);
                }
            }
            None
        })
        .await?
        .context("odom ended")?;
        assert!(moved.twist.twist.linear.x > 0.3, "{:?}", moved.twist);
        // Ground truth agrees (no drift configured); earlier samples are still queued.
        let ground_truth = tokio::time::timeout(WAIT, async {
            while let Some(message) = truth.next().await {
                if message.pose.pose.position.x > 0.5 {
                    return Some(message);
                }
            }
            None
        })
        .await?
        .context("ground truth ended")?;
        assert_eq!(ground_truth.header.frame_id, "map");

        grasp.wait_for_service(&tester, WAIT).await?;
        let far = grasp
            .call(
                GraspRequest {
                    object: "cup".into(),
                    ..GraspRequest::default()
                },
                WAIT,
            )
            .await?;
        assert!(!far.success);
        assert!(far.message.starts_with("cup is "), "{}", far.message);
        let nothing = release.call(ReleaseRequest::default(), WAIT).await?;
        assert!(!nothing.success);
        assert_eq!(nothing.message, "holding nothing");
        anyhow::Ok(())
    };
    let result = tokio::select! {
        outcome = simulation => Err(anyhow::anyhow!("simulator stopped early: {outcome:?}")),
        outcome = test => outcome,
    };
    stop.trigger();
    result
}
