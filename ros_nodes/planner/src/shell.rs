//! Binds the planner's logic to its topics and service clients.
//!
//! In: `/assistant/task`, `/odom`, `/scan`, `/perception/objects`. Out: `/cmd_vel`,
//! `/planner/status`. Clients: `/memory/recall`, `/gripper/grasp`, `/gripper/release`.
//! Action server: `/planner/execute_task` (ExecuteTask): a goal is a task (feedback on every
//! status of it, the result when it ends); a cancel request cancels the task. With
//! `navigation: nav2`, action client of Nav2's `/navigate_to_pose`: trips are its goals.
//! Service calls run concurrently with the control loop (in the same task, polled by the one
//! `select!`), so a slow service never delays a STOP or a safety stop.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use embodied_msgs::action::ExecuteTask;
use embodied_msgs::geometry_msgs::msg::Twist;
use embodied_msgs::msg::{MemoryFact, SceneObjects, TaskStatus};
use embodied_msgs::{nav_msgs, sensor_msgs, srv, topics};
use embodied_runtime::clock::nanos_from_time;
use embodied_runtime::{
    ActionRequest, ActionServer, ActiveGoal, GoalOutcome, NodeIo, ServiceClient, Shutdown,
};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use nalgebra::{Isometry2, Point2, Vector2};
use tracing::{info, warn};

use crate::frames::isometry_from_pose_msg;
use crate::goals::{GoalEnd, GoalUpdate, goal_update, task_id_for_goal};
use crate::nav2::{NAVIGATE_TO_POSE, Nav2Navigator};
use crate::{Call, Error, Input, Logic, Navigation, Odom, Output, Params, Reply, Scan, SeenObject};

type PendingCall<'a> = Pin<Box<dyn Future<Output = (u64, Reply)> + 'a>>;

/// How long a call first waits for its server to be discovered (DDS loses earlier requests).
const DISCOVERY_WAIT: Duration = Duration::from_secs(2);

struct Clients {
    recall: ServiceClient<srv::Recall>,
    grasp: ServiceClient<srv::Grasp>,
    release: ServiceClient<srv::Release>,
}

/// Ends the Nav2 trip in flight, if any.
fn cancel_trip(trip: &mut Option<tokio::sync::oneshot::Sender<()>>) {
    if let Some(cancel) = trip.take() {
        let _ = cancel.send(());
    }
}

/// A trip as a NavigateToPose goal to Nav2, its feedback sent to `progress`, canceled when
/// `cancel` fires or is dropped.
fn navigate_call<'a>(
    io: &'a NodeIo,
    navigator: &'a Nav2Navigator,
    call_id: u64,
    target: Isometry2<f64>,
    progress: tokio::sync::mpsc::UnboundedSender<(u64, f64)>,
    cancel: tokio::sync::oneshot::Receiver<()>,
) -> PendingCall<'a> {
    Box::pin(async move {
        let _ = navigator.wait_for_server(io, DISCOVERY_WAIT).await;
        let outcome = match navigator.start(&target, io.now()).await {
            Err(error) => Err((
                TaskStatus::ERROR_INTERNAL,
                format!("Nav2 did not take the goal: {error}"),
            )),
            Ok(goal) => {
                let on_progress = |_, remaining_m| {
                    let _ = progress.send((call_id, remaining_m));
                };
                let canceled = async {
                    let _ = cancel.await;
                };
                match navigator.run_to_end(goal, on_progress, canceled).await {
                    Ok(outcome) => outcome,
                    Err(error) => Err((
                        TaskStatus::ERROR_INTERNAL,
                        format!("lost Nav2's goal: {error}"),
                    )),
                }
            }
        };
        (call_id, Reply::Navigate(outcome))
    })
}

/// An ExecuteTask goal running a task.
struct RunningGoal {
    goal: ActiveGoal<ExecuteTask>,
    cancel_requested: bool,
}

/// The ExecuteTask goals by task id.
type Goals = HashMap<String, RunningGoal>;

/// Accepts a goal (or rejects one whose task id is already running) and hands its task to
/// the logic. Action errors are logged: a vanished client must not stop the planner.
async fn take_goal(
    server: &ActionServer<ExecuteTask>,
    goals: &mut Goals,
    logic: &mut Logic,
    now: Duration,
    request: embodied_runtime::GoalRequest<ExecuteTask>,
) -> Vec<Output> {
    let mut task = request.goal.task.clone();
    if task.task_id.is_empty() {
        task.task_id = task_id_for_goal(&request.goal_id.uuid);
    }
    if goals.contains_key(&task.task_id) {
        warn!(task = %task.task_id, "a goal already runs this task id; goal rejected");
        if let Err(error) = server.reject(request).await {
            warn!(%error, "goal rejection not sent");
        }
        return Vec::new();
    }
    match server.accept(request).await {
        Ok(goal) => {
            info!(task = %task.task_id, steps = task.steps.len(), "ExecuteTask goal accepted");
            goals.insert(
                task.task_id.clone(),
                RunningGoal {
                    goal,
                    cancel_requested: false,
                },
            );
            logic.handle(now, Input::Task(task))
        }
        Err(error) => {
            warn!(%error, "goal not accepted");
            Vec::new()
        }
    }
}

/// Answers a cancel request and cancels the tasks of the goals it names.
async fn cancel_goals(
    server: &ActionServer<ExecuteTask>,
    goals: &mut Goals,
    logic: &mut Logic,
    now: Duration,
    request: embodied_runtime::CancelRequest,
) -> Vec<Output> {
    let mut canceling = Vec::new();
    let mut task_ids = Vec::new();
    for (task_id, running) in goals.iter_mut() {
        if request.goals.contains(running.goal.goal_id()) {
            running.cancel_requested = true;
            canceling.push(running.goal.goal_id().clone());
            task_ids.push(task_id.clone());
        }
    }
    if let Err(error) = server.answer_cancel(request, canceling).await {
        warn!(%error, "cancel answer not sent");
    }
    let mut outputs = Vec::new();
    for task_id in task_ids {
        info!(task = %task_id, "ExecuteTask goal cancel requested");
        outputs.extend(logic.handle(now, Input::Cancel { task_id }));
    }
    outputs
}

/// Sends `status` to the goal running its task, as feedback or as the result.
async fn report_to_goal(
    server: &ActionServer<ExecuteTask>,
    goals: &mut Goals,
    status: &TaskStatus,
) {
    let Some(running) = goals.get(&status.task_id) else {
        return;
    };
    match goal_update(status, running.cancel_requested) {
        GoalUpdate::Feedback(feedback) => {
            if let Err(error) = server.feedback(&running.goal, feedback).await {
                warn!(%error, "feedback not sent");
            }
        }
        GoalUpdate::Finished(end, result) => {
            let Some(running) = goals.remove(&status.task_id) else {
                return;
            };
            let outcome = match end {
                GoalEnd::Succeeded => GoalOutcome::Succeeded,
                GoalEnd::Canceled => GoalOutcome::Canceled,
                GoalEnd::Aborted => GoalOutcome::Aborted,
            };
            if let Err(error) = server.finish(running.goal, outcome, result).await {
                warn!(%error, "result not sent");
            }
        }
    }
}

fn now_of(io: &NodeIo) -> Duration {
    Duration::from_nanos(u64::try_from(nanos_from_time(&io.now())).unwrap_or(0))
}

fn odom_from_msg(msg: &nav_msgs::msg::Odometry) -> Option<Odom> {
    let pose = isometry_from_pose_msg(&msg.pose.pose);
    let odom = Odom {
        pose,
        linear: msg.twist.twist.linear.x,
        angular: msg.twist.twist.angular.z,
    };
    let finite = pose.translation.vector.iter().all(|v| v.is_finite())
        && pose.rotation.angle().is_finite()
        && odom.linear.is_finite()
        && odom.angular.is_finite();
    finite.then_some(odom)
}

fn scan_from_msg(msg: sensor_msgs::msg::LaserScan, lidar_in_base: Isometry2<f64>) -> Scan {
    Scan {
        lidar_in_base,
        angle_min: f64::from(msg.angle_min),
        angle_increment: f64::from(msg.angle_increment),
        range_min: f64::from(msg.range_min),
        range_max: f64::from(msg.range_max),
        ranges: msg.ranges,
    }
}

/// map → odom from a `/tf` or `/tf_static` message (localisation), if it carries one.
fn map_from_odom(msg: &embodied_msgs::tf2_msgs::msg::TFMessage) -> Option<Isometry2<f64>> {
    let strip = |frame: &str| frame.trim_start_matches('/').to_owned();
    msg.transforms
        .iter()
        .rev()
        .find(|t| strip(&t.header.frame_id) == "map" && strip(&t.child_frame_id) == "odom")
        .map(|t| {
            let q = &t.transform.rotation;
            let yaw = (2.0 * (q.w * q.z + q.x * q.y)).atan2(1.0 - 2.0 * (q.y * q.y + q.z * q.z));
            Isometry2::new(
                Vector2::new(t.transform.translation.x, t.transform.translation.y),
                yaw,
            )
        })
        .filter(|iso| {
            iso.translation.vector.iter().all(|v| v.is_finite()) && iso.rotation.angle().is_finite()
        })
}

fn objects_from_msg(msg: &SceneObjects) -> Option<Vec<SeenObject>> {
    let frame = msg.header.frame_id.trim_start_matches('/');
    if !(frame.is_empty() || frame == "map") {
        warn!(frame, "perception in a frame other than map; dropped");
        return None;
    }
    Some(
        msg.objects
            .iter()
            .map(|o| SeenObject {
                label: o.label.clone(),
                position: Point2::new(o.pose.position.x, o.pose.position.y),
                place: o.place.clone(),
                carried: o.carried,
            })
            .collect(),
    )
}

fn pending_call<'a>(
    io: &'a NodeIo,
    clients: &'a Clients,
    call_id: u64,
    call: Call,
    timeout: Duration,
) -> PendingCall<'a> {
    Box::pin(async move {
        let reply = match call {
            Call::Recall { object } => {
                let request = srv::RecallRequest {
                    kind: MemoryFact::KIND_OBJECT_LOCATION,
                    subject: object,
                    relation: "location".into(),
                    max_results: 1,
                    ..Default::default()
                };
                let _ = clients.recall.wait_for_service(io, DISCOVERY_WAIT).await;
                Reply::Recall(match clients.recall.call(request, timeout).await {
                    Ok(response) if response.success => {
                        Ok(response.facts.into_iter().next().map(|fact| fact.value))
                    }
                    Ok(response) => Err(response.message),
                    Err(error) => Err(error.to_string()),
                })
            }
            Call::Grasp { object } => {
                let request = srv::GraspRequest {
                    object,
                    ..Default::default()
                };
                let _ = clients.grasp.wait_for_service(io, DISCOVERY_WAIT).await;
                Reply::Grasp(match clients.grasp.call(request, timeout).await {
                    Ok(response) if response.success => Ok(()),
                    Ok(response) => Err(response.message),
                    Err(error) => Err(error.to_string()),
                })
            }
            Call::Release { object } => {
                let request = srv::ReleaseRequest {
                    object,
                    ..Default::default()
                };
                let _ = clients.release.wait_for_service(io, DISCOVERY_WAIT).await;
                Reply::Release(match clients.release.call(request, timeout).await {
                    Ok(response) if response.success => Ok(()),
                    Ok(response) => Err(response.message),
                    Err(error) => Err(error.to_string()),
                })
            }
            // The logic asks for trips only with `navigation: nav2`, which `navigate_call` runs.
            Call::Navigate { .. } => Reply::Navigate(Err((
                TaskStatus::ERROR_INTERNAL,
                "navigation is builtin: there is no Nav2 client".into(),
            ))),
        };
        (call_id, reply)
    })
}

/// Runs the planner until `shutdown` fires; publishes a zero velocity on the way out.
///
/// # Errors
/// [`Error::WorldNotFound`], [`Error::World`] or a bad forbidden place at start;
/// [`Error::Transport`] when an endpoint cannot be created or a message cannot be sent.
pub async fn run(io: &mut NodeIo, params: Params, mut shutdown: Shutdown) -> Result<(), Error> {
    let world: Arc<embodied_world::World> = Arc::new(crate::load_world(&params)?);
    let lidar = world.robot().lidar.pose;
    let lidar_in_base = Isometry2::new(
        Vector2::new(lidar.translation.x, lidar.translation.y),
        lidar.rotation.euler_angles().2,
    );
    let service_timeout = Duration::from_secs_f64(params.service_timeout_s);
    let mut logic = Logic::new(params, world.clone())?;
    let commands = io.publisher(&topics::CMD_VEL)?;
    let statuses = io.publisher(&topics::PLANNER_STATUS)?;
    let mut tasks = io.subscription(&topics::ASSISTANT_TASK)?;
    let mut odometry = io.subscription(&topics::ODOM)?;
    let mut scans = io.subscription(&topics::SCAN)?;
    let mut objects = io.subscription(&topics::PERCEPTION_OBJECTS)?;
    // map → odom from localisation (REP-105); without it the identity (our simulator).
    let mut tf = io.subscription(&topics::TF)?;
    let mut tf_static = io.subscription(&topics::TF_STATIC)?;
    let clients = Clients {
        recall: io.service_client(&topics::MEMORY_RECALL)?,
        grasp: io.service_client(&topics::GRIPPER_GRASP)?,
        release: io.service_client(&topics::GRIPPER_RELEASE)?,
    };
    let mut execute_task = io.action_server(&topics::EXECUTE_TASK)?;
    let navigator = match logic.params().navigation {
        Navigation::Builtin => None,
        Navigation::Nav2 => Some(Nav2Navigator::new(
            io.action_client(&NAVIGATE_TO_POSE)?,
            service_timeout,
        )),
    };
    // (call id, distance left) from the Nav2 trip's feedback, into the control loop.
    let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
    // Ends the Nav2 trip in flight (sent or dropped).
    let mut trip: Option<tokio::sync::oneshot::Sender<()>> = None;
    let mut goals = Goals::new();
    // False once the action transport failed for good (DDS), so the loop does not spin on it.
    let mut action_open = true;
    let io: &NodeIo = io;
    let mut calls: FuturesUnordered<PendingCall<'_>> = FuturesUnordered::new();
    let mut tick = tokio::time::interval(logic.period());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    info!(
        node = %io.fully_qualified_name(),
        rate_hz = logic.params().control_rate_hz,
        max_speed_mps = logic.params().max_linear_speed_mps,
        "planner ready"
    );
    loop {
        let mut action_request = None;
        let mut outputs = tokio::select! {
            biased;
            () = shutdown.recv() => break,
            request = execute_task.next_request(), if action_open => {
                match request {
                    Some(request) => action_request = Some(request),
                    None => {
                        warn!("ExecuteTask action transport ended; goals are no longer served");
                        action_open = false;
                    }
                }
                Vec::new()
            }
            Some(task) = tasks.next() => {
                info!(task = %task.task_id, steps = task.steps.len(), "task received");
                // The first command goes out on the next loop turn, not up to a period later.
                tick.reset_immediately();
                logic.handle(now_of(io), Input::Task(task))
            }
            Some((call_id, reply)) = calls.next(), if !calls.is_empty() => {
                logic.handle(now_of(io), Input::Reply { call_id, reply })
            }
            Some((call_id, remaining_m)) = progress_rx.recv() => {
                let reply = Reply::NavigateProgress { remaining_m };
                logic.handle(now_of(io), Input::Reply { call_id, reply })
            }
            _ = tick.tick() => logic.tick(now_of(io)),
            Some(message) = odometry.next() => match odom_from_msg(&message) {
                Some(odom) => logic.handle(now_of(io), Input::Odometry(odom)),
                None => {
                    warn!("non-finite odometry dropped");
                    Vec::new()
                }
            },
            Some(message) = scans.next() => logic.handle(now_of(io), Input::Scan(scan_from_msg(message, lidar_in_base))),
            Some(message) = objects.next() => match objects_from_msg(&message) {
                Some(seen) => logic.handle(now_of(io), Input::Objects(seen)),
                None => Vec::new(),
            },
            Some(message) = tf.next() => match map_from_odom(&message) {
                Some(transform) => logic.handle(now_of(io), Input::MapFromOdom(transform)),
                None => Vec::new(),
            },
            Some(message) = tf_static.next() => match map_from_odom(&message) {
                Some(transform) => logic.handle(now_of(io), Input::MapFromOdom(transform)),
                None => Vec::new(),
            },
        };
        // Handled here, not in the select!, which still borrows the server for its branch.
        match action_request {
            Some(ActionRequest::Goal(request)) => {
                tick.reset_immediately();
                let now = now_of(io);
                outputs
                    .extend(take_goal(&execute_task, &mut goals, &mut logic, now, request).await);
            }
            Some(ActionRequest::Cancel(request)) => {
                let now = now_of(io);
                outputs.extend(
                    cancel_goals(&execute_task, &mut goals, &mut logic, now, request).await,
                );
            }
            None => {}
        }
        for output in outputs {
            match output {
                Output::Command(v) => {
                    let mut twist = Twist::default();
                    twist.linear.x = v.linear;
                    twist.angular.z = v.angular;
                    commands.publish(twist).await?;
                }
                Output::Status(mut status) => {
                    status.header.stamp = io.now();
                    status.header.frame_id = "map".into();
                    report_to_goal(&execute_task, &mut goals, &status).await;
                    statuses.publish(status).await?;
                }
                Output::Call {
                    call_id,
                    call: Call::Navigate { target },
                } if navigator.is_some() => {
                    if let Some(navigator) = navigator.as_ref() {
                        // One trip at a time: a new one supersedes (and cancels) the last.
                        cancel_trip(&mut trip);
                        let (cancel, canceled) = tokio::sync::oneshot::channel();
                        trip = Some(cancel);
                        let progress = progress_tx.clone();
                        calls.push(navigate_call(
                            io, navigator, call_id, target, progress, canceled,
                        ));
                    }
                }
                Output::Call { call_id, call } => {
                    calls.push(pending_call(io, &clients, call_id, call, service_timeout));
                }
                Output::CancelNavigation => cancel_trip(&mut trip),
            }
        }
    }
    // Leave the robot standing: Nav2's trip canceled (its answer awaited, bounded), zero
    // velocity.
    if trip.is_some() {
        cancel_trip(&mut trip);
        let _ = tokio::time::timeout(service_timeout, async {
            while calls.next().await.is_some() {}
        })
        .await;
    }
    commands.publish(Twist::default()).await?;
    drop(calls);
    info!("planner stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perception_outside_the_map_frame_is_dropped() {
        let mut msg = SceneObjects::default();
        msg.header.frame_id = "base_link".into();
        assert!(objects_from_msg(&msg).is_none());
        msg.header.frame_id = "map".into();
        assert_eq!(objects_from_msg(&msg), Some(Vec::new()));
    }

    #[test]
    fn map_to_odom_is_read_from_tf_and_other_transforms_are_ignored() {
        use embodied_msgs::geometry_msgs::msg::TransformStamped;
        let mut message = embodied_msgs::tf2_msgs::msg::TFMessage::default();
        let mut odom_base = TransformStamped::default();
        odom_base.header.frame_id = "odom".into();
        odom_base.child_frame_id = "base_link".into();
        message.transforms.push(odom_base);
        assert!(map_from_odom(&message).is_none());
        let mut map_odom = TransformStamped::default();
        map_odom.header.frame_id = "map".into();
        map_odom.child_frame_id = "odom".into();
        map_odom.transform.translation.x = 1.5;
        map_odom.transform.rotation.w = 1.0;
        message.transforms.push(map_odom);
        let transform = map_from_odom(&message).unwrap();
        assert!((transform.translation.x - 1.5).abs() < 1e-12);
    }

    #[test]
    fn non_finite_odometry_is_dropped() {
        let mut msg = nav_msgs::msg::Odometry::default();
        msg.pose.pose.orientation.w = 1.0;
        assert!(odom_from_msg(&msg).is_some());
        msg.twist.twist.linear.x = f64::NAN;
        assert!(odom_from_msg(&msg).is_none());
    }
}
