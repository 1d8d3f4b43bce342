//! The Nav2 NavigateToPose client against our own NavigateToPose action server on the
//! in-memory bus (a stand-in for Nav2's bt_navigator speaking the same action).
#![cfg(feature = "ros")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use embodied_msgs::msg::TaskStatus;
use embodied_msgs::nav2_msgs::action::{
    NavigateToPose, NavigateToPoseFeedback, NavigateToPoseResult,
};
use embodied_runtime::{
    ActionRequest, ActionServer, GoalOutcome, InMemoryBus, NodeConfig, NodeIo, RosArgs,
};
use nalgebra::{Isometry2, Vector2};
use planner::nav2::{NAVIGATE_TO_POSE, Nav2Navigator};

fn node(bus: &InMemoryBus, name: &str) -> NodeIo {
    NodeIo::start_in_memory(&NodeConfig::new(name, RosArgs::default()), bus).unwrap()
}

/// Drives towards goals with x >= 0 (feedback: distance left 2, 1, 0 m, 0.3 s apart) and gives up on the
/// others with Nav2's TIMEOUT; rejects goals outside the map frame.
async fn navigator(mut server: ActionServer<NavigateToPose>) {
    while let Some(request) = server.next_request().await {
        let ActionRequest::Goal(request) = request else {
            continue;
        };
        if request.goal.pose.header.frame_id != "map" {
            server.reject(request).await.unwrap();
            continue;
        }
        let reachable = request.goal.pose.pose.position.x >= 0.0;
        let active = server.accept(request).await.unwrap();
        if reachable {
            for left in [2.0, 1.0, 0.0] {
                let feedback = NavigateToPoseFeedback {
                    distance_remaining: left,
                    ..Default::default()
                };
                server.feedback(&active, feedback).await.unwrap();
                // Paced like a drive, so the planner reports progress in between.
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            server
                .finish(
                    active,
                    GoalOutcome::Succeeded,
                    NavigateToPoseResult::default(),
                )
                .await
                .unwrap();
        } else {
            let result = NavigateToPoseResult {
                error_code: NavigateToPoseResult::TIMEOUT,
                error_msg: "no progress".into(),
            };
            server
                .finish(active, GoalOutcome::Aborted, result)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn navigate_to_pose_goals_report_progress_and_nav2_errors() {
    let bus = InMemoryBus::new();
    let mut nav2_io = node(&bus, "bt_navigator");
    let mut planner_io = node(&bus, "planner");
    let server = nav2_io.action_server(&NAVIGATE_TO_POSE).unwrap();
    assert_eq!(server.action(), "/navigate_to_pose");
    tokio::spawn(navigator(server));
    let client = planner_io.action_client(&NAVIGATE_TO_POSE).unwrap();
    client
        .wait_for_server(&planner_io, Duration::from_secs(2))
        .await
        .unwrap();
    let navigator = Nav2Navigator::new(client, Duration::from_secs(2));

    let target = Isometry2::new(Vector2::new(2.0, 1.0), 0.3);
    let goal = navigator.start(&target, planner_io.now()).await.unwrap();
    let mut progress = Vec::new();
    let outcome = navigator
        .run_to_end(
            goal,
            |done, left| progress.push((done, left)),
            std::future::pending(),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Ok(()));
    assert_eq!(progress, [(0.0, 2.0), (0.5, 1.0), (1.0, 0.0)]);

    let unreachable = Isometry2::new(Vector2::new(-2.0, 1.0), 0.0);
    let goal = navigator
        .start(&unreachable, planner_io.now())
        .await
        .unwrap();
    let (code, reason) = navigator
        .run_to_end(goal, |_, _| {}, std::future::pending())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(code, TaskStatus::ERROR_TIMEOUT);
    assert!(
        reason.contains("TIMEOUT") && reason.contains("no progress"),
        "{reason}"
    );
}

/// The planner node with `navigation: nav2` next to the simulator (odometry, scans) and the
/// stand-in Nav2: NAVIGATE goes to Nav2 as one goal, Nav2's feedback shows as progress, the
/// task succeeds when Nav2 does, and the planner publishes no /cmd_vel while Nav2 drives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_planner_node_hands_navigate_to_nav2_and_sends_no_velocity() -> anyhow::Result<()> {
    use embodied_msgs::msg::{Task, TaskStep};
    use embodied_msgs::topics;
    use embodied_runtime::ShutdownTrigger;
    use futures::StreamExt;

    let bus = InMemoryBus::new();
    let mut nav2_io = node(&bus, "bt_navigator");
    let mut sim_io = node(&bus, "sim");
    let mut planner_io = node(&bus, "planner");
    let mut tester = node(&bus, "tester");
    tokio::spawn(navigator(nav2_io.action_server(&NAVIGATE_TO_POSE)?));
    let mut statuses = tester.subscription(&topics::PLANNER_STATUS)?;
    let mut commands = tester.subscription(&topics::CMD_VEL)?;
    let tasks = tester.publisher(&topics::ASSISTANT_TASK)?;

    let stop = ShutdownTrigger::new();
    let sim_params = sim::Params::default().validate()?;
    let world = sim::load_world(&sim::find_home_world()?)?;
    let simulation = sim::run(&mut sim_io, sim_params, world, stop.subscribe());
    let params = planner::Params {
        navigation: planner::Navigation::Nav2,
        ..planner::Params::default()
    }
    .validate()?;
    let planning = planner::run(&mut planner_io, params, stop.subscribe());

    let test = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let step = TaskStep {
            kind: TaskStep::NAVIGATE,
            place: "kitchen".into(),
            ..TaskStep::default()
        };
        let task = Task {
            task_id: "to-kitchen".into(),
            steps: vec![step],
            ..Task::default()
        };
        tasks.publish(task).await?;
        let mut seen = Vec::new();
        let finished = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(status) = statuses.next().await {
                seen.push((status.state, status.message.clone(), status.step_progress));
                if status.state >= TaskStatus::STATE_SUCCEEDED {
                    return Some(status);
                }
            }
            None
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("status stream ended"))?;
        assert_eq!(finished.state, TaskStatus::STATE_SUCCEEDED, "{seen:?}");
        assert_eq!(finished.message, "arrived at kitchen");
        // Nav2's feedback (2, 1, 0 m left) is the step's progress while it drives.
        assert!(
            seen.iter().any(
                |(state, message, progress)| *state == TaskStatus::STATE_EXECUTING
                    && message.contains("(Nav2)")
                    && *progress > 0.0
            ),
            "{seen:?}"
        );
        // Every command so far and after is the zero the planner sends once the task ended.
        let mut received = Vec::new();
        while let Ok(Some(command)) =
            tokio::time::timeout(Duration::from_secs(1), commands.next()).await
        {
            received.push((command.linear.x, command.angular.z));
        }
        assert!(
            !received.is_empty(),
            "the planner leaves the robot standing"
        );
        assert!(received.iter().all(|&v| v == (0.0, 0.0)), "{received:?}");
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

/// A Nav2 stand-in that never arrives: it accepts goals and ends them only when asked to
/// cancel, reporting each cancel on `canceled`.
async fn endless_navigator(
    mut server: ActionServer<NavigateToPose>,
    canceled: tokio::sync::mpsc::UnboundedSender<()>,
) {
    let mut active = Vec::new();
    while let Some(request) = server.next_request().await {
        match request {
            ActionRequest::Goal(request) => active.push(server.accept(request).await.unwrap()),
            ActionRequest::Cancel(request) => {
                let ids = request.goals.clone();
                server.answer_cancel(request, ids.clone()).await.unwrap();
                let (stopping, running): (Vec<_>, Vec<_>) = active
                    .into_iter()
                    .partition(|goal| ids.contains(goal.goal_id()));
                active = running;
                for goal in stopping {
                    server
                        .finish(goal, GoalOutcome::Canceled, NavigateToPoseResult::default())
                        .await
                        .unwrap();
                    let _ = canceled.send(());
                }
            }
        }
    }
}

/// STOP while Nav2 drives cancels Nav2's goal (Nav2 halts the robot) and the planner sends
/// its own zero command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_cancels_the_nav2_goal() -> anyhow::Result<()> {
    use embodied_msgs::msg::{Task, TaskStep};
    use embodied_msgs::topics;
    use embodied_runtime::ShutdownTrigger;
    use futures::StreamExt;

    let bus = InMemoryBus::new();
    let mut nav2_io = node(&bus, "bt_navigator");
    let mut sim_io = node(&bus, "sim");
    let mut planner_io = node(&bus, "planner");
    let mut tester = node(&bus, "tester");
    let (canceled_tx, mut canceled) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(endless_navigator(
        nav2_io.action_server(&NAVIGATE_TO_POSE)?,
        canceled_tx,
    ));
    let mut statuses = tester.subscription(&topics::PLANNER_STATUS)?;
    let mut commands = tester.subscription(&topics::CMD_VEL)?;
    let tasks = tester.publisher(&topics::ASSISTANT_TASK)?;

    let stop = ShutdownTrigger::new();
    let world = sim::load_world(&sim::find_home_world()?)?;
    let simulation = sim::run(
        &mut sim_io,
        sim::Params::default().validate()?,
        world,
        stop.subscribe(),
    );
    let params = planner::Params {
        navigation: planner::Navigation::Nav2,
        ..planner::Params::default()
    }
    .validate()?;
    let planning = planner::run(&mut planner_io, params, stop.subscribe());

    let task = |id: &str, step: TaskStep| Task {
        task_id: id.into(),
        steps: vec![step],
        ..Task::default()
    };
    let test = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let go = TaskStep {
            kind: TaskStep::NAVIGATE,
            place: "bedroom".into(),
            ..TaskStep::default()
        };
        tasks.publish(task("far", go)).await?;
        // Under way: an EXECUTING status of the trip.
        tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(status) = statuses.next().await {
                if status.task_id == "far" && status.state == TaskStatus::STATE_EXECUTING {
                    break;
                }
            }
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let halt = TaskStep {
            kind: TaskStep::STOP,
            ..TaskStep::default()
        };
        tasks.publish(task("halt", halt)).await?;
        tokio::time::timeout(Duration::from_secs(5), canceled.recv())
            .await?
            .ok_or_else(|| anyhow::anyhow!("Nav2 stand-in ended"))?;
        let ended = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(status) = statuses.next().await {
                if status.task_id == "far" && status.state >= TaskStatus::STATE_SUCCEEDED {
                    return Some(status);
                }
            }
            None
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("status stream ended"))?;
        assert_eq!(ended.state, TaskStatus::STATE_CANCELED, "{ended:?}");
        let command = tokio::time::timeout(Duration::from_secs(5), commands.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("no command after STOP"))?;
        assert_eq!((command.linear.x, command.angular.z), (0.0, 0.0));
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
