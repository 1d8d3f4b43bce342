//! The planner node and the simulator node on the in-memory bus: a task on /assistant/task
//! turns the robot (/cmd_vel, /odom, /scan) and ends SUCCEEDED on /planner/status.
#![cfg(feature = "ros")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use embodied_msgs::msg::{Task, TaskStatus, TaskStep};
use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger};
use futures::StreamExt;

fn node(bus: &InMemoryBus, name: &str) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(["test"])?;
    Ok(NodeIo::start_in_memory(&NodeConfig::new(name, args), bus)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_on_the_topic_turns_the_simulated_robot_and_succeeds() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut sim_io = node(&bus, "sim")?;
    let mut planner_io = node(&bus, "planner")?;
    let mut tester = node(&bus, "tester")?;
    let mut statuses = tester.subscription(&topics::PLANNER_STATUS)?;
    let mut commands = tester.subscription(&topics::CMD_VEL)?;
    let tasks = tester.publisher(&topics::ASSISTANT_TASK)?;

    let stop = ShutdownTrigger::new();
    let sim_params = sim::Params {
        lidar_noise: false,
        ..sim::Params::default()
    }
    .validate()?;
    let world = sim::load_world(&sim::find_home_world()?)?;
    let simulation = sim::run(&mut sim_io, sim_params, world, stop.subscribe());
    let planning = planner::run(
        &mut planner_io,
        planner::Params::default().validate()?,
        stop.subscribe(),
    );

    let test = async {
        // Odometry and scans flow before the task arrives.
        tokio::time::sleep(Duration::from_millis(500)).await;
        tasks
            .publish(Task {
                task_id: "turn".into(),
                steps: vec![TaskStep {
                    kind: TaskStep::TURN,
                    angle_deg: 30.0,
                    ..TaskStep::default()
                }],
                ..Task::default()
            })
            .await?;
        let mut states = Vec::new();
        let finished = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(status) = statuses.next().await {
                states.push(status.state);
                if status.state >= TaskStatus::STATE_SUCCEEDED {
                    return Some(status);
                }
            }
            None
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("status stream ended"))?;
        assert_eq!(finished.state, TaskStatus::STATE_SUCCEEDED, "{finished:?}");
        assert_eq!(finished.task_id, "turn");
        assert!(states.contains(&TaskStatus::STATE_EXECUTING));
        assert!(!finished.header.frame_id.is_empty());
        let command = tokio::time::timeout(Duration::from_secs(5), commands.next()).await?;
        assert!(command.is_some());
        anyhow::Ok(())
    };
    let outcome = tokio::select! {
        result = test => result,
        result = simulation => Err(anyhow::anyhow!("simulator ended early: {result:?}")),
        result = planning => Err(anyhow::anyhow!("planner ended early: {result:?}")),
    };
    stop.trigger();
    outcome
}

/// The shipped `config/planner.yaml` loads into `Params`, validates, and documents exactly the
/// code's defaults (one source of truth for the README table and launch files).
#[tokio::test]
async fn shipped_parameters_load_validate_and_equal_the_defaults() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/planner.yaml");
    let file = file.to_str().unwrap();
    let args = RosArgs::parse(["planner_node", "--ros-args", "--params-file", file]).unwrap();
    let io =
        NodeIo::start_in_memory(&NodeConfig::new("planner", args), &InMemoryBus::new()).unwrap();
    let params = io
        .load_params::<planner::Params>()
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(params, planner::Params::default());
}
