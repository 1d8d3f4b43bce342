//! The Nav2 backend's client: NAVIGATE as a `nav2_msgs/action/NavigateToPose` goal to a real
//! robot's Nav2 stack (action `/navigate_to_pose`, frame `map`), its feedback as progress and
//! its result as a TaskStatus outcome.

use std::time::Duration;

use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::msg::TaskStatus;
use embodied_msgs::nav2_msgs::action::{
    NavigateToPose, NavigateToPoseFeedback, NavigateToPoseGoal, NavigateToPoseResult,
};
use embodied_msgs::topics::ActionSpec;
use embodied_runtime::{ActionClient, ActionError, ClientGoal, GoalEvent, GoalOutcome, NodeIo};
use nalgebra::Isometry2;

use crate::frames::pose_msg_from_isometry;

/// Nav2's navigator (`bt_navigator`) serves this action.
pub const NAVIGATE_TO_POSE: ActionSpec<NavigateToPose> = ActionSpec::new("/navigate_to_pose");

/// The goal for `target` (map frame, REP-105) stamped `stamp`; Nav2's default behaviour tree.
pub fn goal_for(target: &Isometry2<f64>, stamp: Time) -> NavigateToPoseGoal {
    let mut goal = NavigateToPoseGoal::default();
    goal.pose.header.frame_id = "map".into();
    goal.pose.header.stamp = stamp;
    goal.pose.pose = pose_msg_from_isometry(target);
    goal
}

/// Progress in [0, 1] from Nav2's feedback, given the distance when the goal started.
pub fn progress(feedback: &NavigateToPoseFeedback, initial_distance_m: f64) -> f32 {
    if initial_distance_m <= 0.0 {
        return 0.0;
    }
    let remaining = f64::from(feedback.distance_remaining).clamp(0.0, initial_distance_m);
    // Narrowing for the status message's float32 field.
    #[allow(clippy::cast_possible_truncation)]
    let done = (1.0 - remaining / initial_distance_m) as f32;
    done
}

/// How a NavigateToPose goal ended, as a NAVIGATE step reports it: `Ok` on success, else the
/// TaskStatus error code and a reason naming Nav2's error.
pub fn step_outcome(
    outcome: GoalOutcome,
    result: &NavigateToPoseResult,
) -> Result<(), (u8, String)> {
    match outcome {
        GoalOutcome::Succeeded => Ok(()),
        GoalOutcome::Canceled => Err((TaskStatus::ERROR_NONE, "navigation canceled".into())),
        GoalOutcome::Aborted => {
            let code = if result.error_code == NavigateToPoseResult::TIMEOUT {
                TaskStatus::ERROR_TIMEOUT
            } else {
                TaskStatus::ERROR_NO_PATH
            };
            let name = <NavigateToPoseResult as embodied_msgs::RosMessage>::constant_name(
                "",
                u64::from(result.error_code),
            )
            .unwrap_or("UNKNOWN");
            Err((
                code,
                format!(
                    "Nav2 aborted: {name} ({}) {}",
                    result.error_code, result.error_msg
                )
                .trim_end()
                .to_owned(),
            ))
        }
    }
}

/// Sends NAVIGATE goals to Nav2.
#[derive(Debug)]
pub struct Nav2Navigator {
    client: ActionClient<NavigateToPose>,
    answer_timeout: Duration,
}

impl Nav2Navigator {
    /// A navigator over `client`; `answer_timeout` bounds the wait for accept/cancel answers.
    pub fn new(client: ActionClient<NavigateToPose>, answer_timeout: Duration) -> Self {
        Self {
            client,
            answer_timeout,
        }
    }

    /// Waits until Nav2's action server is discovered (DDS drops goals sent before).
    ///
    /// # Errors
    /// [`ActionError`] when it is not found within `timeout`.
    pub async fn wait_for_server(&self, io: &NodeIo, timeout: Duration) -> Result<(), ActionError> {
        self.client.wait_for_server(io, timeout).await
    }

    /// Sends the goal `target` (map frame).
    ///
    /// # Errors
    /// [`ActionError`] when Nav2 is absent, rejects the goal or does not answer.
    pub async fn start(
        &self,
        target: &Isometry2<f64>,
        stamp: Time,
    ) -> Result<ClientGoal<NavigateToPose>, ActionError> {
        self.client
            .send_goal(goal_for(target, stamp), self.answer_timeout)
            .await
    }

    /// Drives one goal to its end, calling `on_progress` with each feedback's progress and
    /// distance left; when `cancel` completes first, asks Nav2 to cancel the goal and ends
    /// with a "canceled" error.
    ///
    /// # Errors
    /// [`ActionError`] when the goal is lost; Nav2's own failures are `Ok(Err(..))`.
    pub async fn run_to_end(
        &self,
        mut goal: ClientGoal<NavigateToPose>,
        mut on_progress: impl FnMut(f32, f64),
        cancel: impl Future<Output = ()>,
    ) -> Result<Result<(), (u8, String)>, ActionError> {
        let mut cancel = std::pin::pin!(cancel);
        let mut initial = None;
        loop {
            let event = tokio::select! {
                event = goal.next_event() => Some(event?),
                () = &mut cancel => None,
            };
            match event {
                Some(GoalEvent::Feedback(feedback)) => {
                    let remaining = f64::from(feedback.distance_remaining);
                    let start = *initial.get_or_insert(remaining);
                    on_progress(progress(&feedback, start), remaining);
                }
                Some(GoalEvent::Finished(outcome, result)) => {
                    return Ok(step_outcome(outcome, &result));
                }
                None => {
                    // Nav2 stops the robot when it accepts the cancel; a lost answer is
                    // logged, and the planner's zero command follows either way.
                    if let Err(error) = goal.cancel(self.answer_timeout).await {
                        tracing::warn!(%error, "Nav2 did not answer the cancel request");
                    }
                    return Ok(step_outcome(
                        GoalOutcome::Canceled,
                        &NavigateToPoseResult::default(),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_is_in_the_map_frame_and_keeps_the_heading() {
        let target = Isometry2::new(nalgebra::Vector2::new(1.5, -2.0), 0.5);
        let goal = goal_for(&target, Time { sec: 3, nanosec: 4 });
        assert_eq!(goal.pose.header.frame_id, "map");
        assert_eq!(goal.pose.header.stamp.sec, 3);
        assert!((goal.pose.pose.position.x - 1.5).abs() < 1e-12);
        let q = &goal.pose.pose.orientation;
        let yaw = (2.0 * (q.w * q.z + q.x * q.y)).atan2(1.0 - 2.0 * (q.y * q.y + q.z * q.z));
        assert!((yaw - 0.5).abs() < 1e-9);
    }

    #[test]
    fn progress_follows_the_remaining_distance() {
        let feedback = NavigateToPoseFeedback {
            distance_remaining: 1.0,
            ..Default::default()
        };
        assert!((progress(&feedback, 4.0) - 0.75).abs() < 1e-6);
        assert_eq!(progress(&feedback, 0.0), 0.0);
    }

    #[test]
    fn nav2_failures_become_step_errors_with_the_reason() {
        let result = NavigateToPoseResult {
            error_code: NavigateToPoseResult::TIMEOUT,
            error_msg: "took too long".into(),
        };
        let (code, reason) = step_outcome(GoalOutcome::Aborted, &result).unwrap_err();
        assert_eq!(code, TaskStatus::ERROR_TIMEOUT);
        assert_eq!(reason, "Nav2 aborted: TIMEOUT (9003) took too long");
        assert!(step_outcome(GoalOutcome::Succeeded, &result).is_ok());
        let unknown = NavigateToPoseResult {
            error_code: NavigateToPoseResult::UNKNOWN,
            ..Default::default()
        };
        assert_eq!(
            step_outcome(GoalOutcome::Aborted, &unknown).unwrap_err().0,
            TaskStatus::ERROR_NO_PATH
        );
    }
}
