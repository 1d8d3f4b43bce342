//! The ExecuteTask action server of the planner node, driven against the simulator node on
//! the in-memory bus: a goal gets feedback and its result; a cancel request stops the task.
#![cfg(feature = "ros")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use embodied_msgs::action::ExecuteTaskGoal;
use embodied_msgs::msg::{Task, TaskStatus, TaskStep};
use embodied_msgs::topics;
use embodied_runtime::{
    GoalEvent, GoalOutcome, InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger,
};

fn node(bus: &InMemoryBus, name: &str) -> anyhow::Result<NodeIo> {
    let args = RosArgs::parse(["test"])?;
    Ok(NodeIo::start_in_memory(&NodeConfig::new(name, args), bus)?)
}

fn goal(task_id: &str, kind: u8, amount: f64) -> ExecuteTaskGoal {
    let mut step = TaskStep {
        kind,
        ..TaskStep::default()
    };
    if kind == TaskStep::TURN {
        step.angle_deg = amount;
    } else {
        step.distance_m = amount;
    }
    ExecuteTaskGoal {
        task: Task {
            task_id: task_id.into(),
            steps: vec![step],
            ..Task::default()
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goals_get_feedback_and_results_and_cancel_stops_the_task() -> anyhow::Result<()> {
    let bus = InMemoryBus::new();
    let mut sim_io = node(&bus, "sim")?;
    let mut planner_io = node(&bus, "planner")?;
    let mut tester = node(&bus, "tester")?;
    let client = tester.action_client(&topics::EXECUTE_TASK)?;

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
        client
            .wait_for_server(&tester, Duration::from_secs(5))
            .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;

        // A turn runs to the end: feedback while executing, then SUCCEEDED with its step.
        let mut turning = client
            .send_goal(goal("turn", TaskStep::TURN, 30.0), Duration::from_secs(5))
            .await?;
        let mut feedback_states = Vec::new();
        let (outcome, result) = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match turning.next_event().await? {
                    GoalEvent::Feedback(f) => {
                        assert_eq!(f.status.task_id, "turn");
                        feedback_states.push(f.status.state);
                    }
                    GoalEvent::Finished(outcome, result) => {
                        return anyhow::Ok((outcome, result));
                    }
                }
            }
        })
        .await??;
        assert_eq!(outcome, GoalOutcome::Succeeded, "{result:?}");
        assert_eq!(result.status.state, TaskStatus::STATE_SUCCEEDED);
        assert_eq!(result.steps_completed, 1);
        assert!(feedback_states.contains(&TaskStatus::STATE_EXECUTING));

        // An invalid task is accepted as a goal and ends ABORTED with the rejection's reason.
        let invalid = client
            .send_goal(goal("bad", 200, 0.0), Duration::from_secs(5))
            .await?;
        let (outcome, result) =
            tokio::time::timeout(Duration::from_secs(5), invalid.result()).await??;
        assert_eq!(outcome, GoalOutcome::Aborted);
        assert_eq!(result.status.state, TaskStatus::STATE_REJECTED);
        assert!(!result.status.message.is_empty());

        // A long move is cancelled: the goal ends CANCELED before the move is done.
        let mut moving = client
            .send_goal(goal("far", TaskStep::MOVE, 3.0), Duration::from_secs(5))
            .await?;
        // Wait until it is really executing.
        loop {
            if let GoalEvent::Feedback(f) =
                tokio::time::timeout(Duration::from_secs(5), moving.next_event()).await??
                && f.status.state == TaskStatus::STATE_EXECUTING
            {
                break;
            }
        }
        assert!(moving.cancel(Duration::from_secs(5)).await?);
        let (outcome, result) =
            tokio::time::timeout(Duration::from_secs(5), moving.result()).await??;
        assert_eq!(outcome, GoalOutcome::Canceled);
        assert_eq!(result.status.state, TaskStatus::STATE_CANCELED);
        assert_eq!(result.steps_completed, 0);
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
