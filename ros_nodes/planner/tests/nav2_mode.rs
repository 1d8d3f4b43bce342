//! `navigation: nav2` in the planner's logic: NAVIGATE becomes one Navigate call with the
//! place's pose, the planner sends no velocity while Nav2 drives, Nav2's feedback is the step's
//! progress, its end is the step's end, and STOP or a cancel cancels Nav2's goal.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use embodied_msgs::msg::{Task, TaskStatus, TaskStep};
use nalgebra::Isometry2;
use planner::{Call, Input, Logic, Navigation, Odom, Output, Params, Reply};

const PERIOD: Duration = Duration::from_millis(50);

fn nav2_logic() -> Logic {
    let params = Params {
        navigation: Navigation::Nav2,
        ..Params::default()
    }
    .validate()
    .unwrap();
    let world = Arc::new(planner::load_world(&params).unwrap());
    let mut logic = Logic::new(params, world).unwrap();
    logic.handle(
        Duration::ZERO,
        Input::Odometry(Odom {
            pose: Isometry2::identity(),
            linear: 0.0,
            angular: 0.0,
        }),
    );
    logic
}

fn task(id: &str, step: TaskStep) -> Task {
    Task {
        task_id: id.into(),
        steps: vec![step],
        ..Task::default()
    }
}

fn navigate(place: &str) -> TaskStep {
    TaskStep {
        kind: TaskStep::NAVIGATE,
        place: place.into(),
        ..TaskStep::default()
    }
}

/// Ticks from `from` for `periods` periods, collecting every output.
fn run(logic: &mut Logic, from: &mut Duration, periods: u32) -> Vec<Output> {
    let mut out = Vec::new();
    for _ in 0..periods {
        *from += PERIOD;
        out.extend(logic.tick(*from));
    }
    out
}

fn navigate_calls(out: &[Output]) -> Vec<(u64, Isometry2<f64>)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Call {
                call_id,
                call: Call::Navigate { target },
            } => Some((*call_id, *target)),
            _ => None,
        })
        .collect()
}

fn statuses(out: &[Output]) -> Vec<TaskStatus> {
    out.iter()
        .filter_map(|o| match o {
            Output::Status(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn has_command(out: &[Output]) -> bool {
    out.iter().any(|o| matches!(o, Output::Command(_)))
}

#[test]
fn navigate_is_one_nav2_trip_to_the_place_and_the_planner_sends_no_velocity() {
    let mut logic = nav2_logic();
    let mut now = Duration::ZERO;
    logic.handle(now, Input::Task(task("go", navigate("kitchen"))));
    let out = run(&mut logic, &mut now, 20);
    let calls = navigate_calls(&out);
    assert_eq!(calls.len(), 1, "one trip: {out:?}");
    let (call_id, target) = calls[0];
    let world = planner::load_world(logic.params()).unwrap();
    let kitchen = world.map().resolve_place("kitchen").unwrap();
    let approach = world.map().place(kitchen).approach;
    assert!((target.translation.vector - approach.translation.vector).norm() < 1e-9);
    assert!((target.rotation.angle() - approach.rotation.angle()).abs() < 1e-9);
    assert!(!has_command(&out), "no /cmd_vel while Nav2 drives");

    // Nav2's feedback is the step's progress.
    for remaining_m in [4.0, 1.0] {
        let reply = Reply::NavigateProgress { remaining_m };
        logic.handle(now, Input::Reply { call_id, reply });
    }
    let out = run(&mut logic, &mut now, 12);
    let last = statuses(&out).pop().unwrap();
    assert_eq!(last.state, TaskStatus::STATE_EXECUTING);
    assert!((last.step_progress - 0.75).abs() < 1e-6, "{last:?}");
    assert!((last.distance_remaining_m - 1.0).abs() < 1e-9);
    assert!(last.message.contains("Nav2"), "{}", last.message);

    // A reply to some other call changes nothing.
    let stray = Reply::Navigate(Ok(()));
    logic.handle(
        now,
        Input::Reply {
            call_id: call_id + 100,
            reply: stray,
        },
    );
    let out = run(&mut logic, &mut now, 2);
    assert!(
        statuses(&out)
            .iter()
            .all(|s| s.state == TaskStatus::STATE_EXECUTING)
    );

    logic.handle(
        now,
        Input::Reply {
            call_id,
            reply: Reply::Navigate(Ok(())),
        },
    );
    let out = run(&mut logic, &mut now, 2);
    let end = statuses(&out).pop().unwrap();
    assert_eq!(end.state, TaskStatus::STATE_SUCCEEDED, "{end:?}");
    assert_eq!(end.message, "arrived at kitchen");
    assert!(!out.iter().any(|o| matches!(o, Output::CancelNavigation)));
}

#[test]
fn nav2_failures_fail_the_task_with_nav2s_reason() {
    let mut logic = nav2_logic();
    let mut now = Duration::ZERO;
    logic.handle(now, Input::Task(task("go", navigate("bedroom"))));
    let (call_id, _) = navigate_calls(&run(&mut logic, &mut now, 2))[0];
    let reply = Reply::Navigate(Err((
        TaskStatus::ERROR_TIMEOUT,
        "Nav2 aborted: TIMEOUT (9003) no progress".into(),
    )));
    logic.handle(now, Input::Reply { call_id, reply });
    let end = statuses(&run(&mut logic, &mut now, 2)).pop().unwrap();
    assert_eq!(end.state, TaskStatus::STATE_FAILED);
    assert_eq!(end.error_code, TaskStatus::ERROR_TIMEOUT);
    assert_eq!(
        end.message,
        "to bedroom: Nav2 aborted: TIMEOUT (9003) no progress"
    );
}

#[test]
fn stop_and_cancel_cancel_nav2s_goal() {
    let mut logic = nav2_logic();
    let mut now = Duration::ZERO;
    logic.handle(now, Input::Task(task("go", navigate("kitchen"))));
    run(&mut logic, &mut now, 2);
    let stop = TaskStep {
        kind: TaskStep::STOP,
        ..TaskStep::default()
    };
    let out = logic.handle(now, Input::Task(task("stop", stop)));
    assert!(
        out.iter().any(|o| matches!(o, Output::CancelNavigation)),
        "{out:?}"
    );
    let canceled = statuses(&out);
    assert!(
        canceled
            .iter()
            .any(|s| s.task_id == "go" && s.state == TaskStatus::STATE_CANCELED)
    );
    // STOP itself is the planner's own: a zero command, no trip.
    let out = run(&mut logic, &mut now, 4);
    assert!(navigate_calls(&out).is_empty());
    assert!(has_command(&out));

    logic.handle(now, Input::Task(task("again", navigate("office"))));
    run(&mut logic, &mut now, 2);
    let out = logic.handle(
        now,
        Input::Cancel {
            task_id: "again".into(),
        },
    );
    assert!(
        out.iter().any(|o| matches!(o, Output::CancelNavigation)),
        "{out:?}"
    );
}
