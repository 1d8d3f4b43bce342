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

/// Drives towards goals with x >= 0 (feedback: distance left 2, 1, 0 m) and gives up on the
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
        .run_to_end(goal, |done, left| progress.push((done, left)))
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
        .run_to_end(goal, |_, _| {})
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(code, TaskStatus::ERROR_TIMEOUT);
    assert!(
        reason.contains("TIMEOUT") && reason.contains("no progress"),
        "{reason}"
    );
}
