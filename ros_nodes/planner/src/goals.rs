//! ExecuteTask action goals ↔ planner tasks: which status becomes feedback, which ends a goal
//! and how. Pure, so the mapping is tested without a transport; the shell owns the goals.

use embodied_msgs::action::{ExecuteTaskFeedback, ExecuteTaskResult};
use embodied_msgs::msg::TaskStatus;

/// How an ExecuteTask goal ends, as the action protocol sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalEnd {
    /// Every step done.
    Succeeded,
    /// Stopped after the client's cancel request.
    Canceled,
    /// Ended by the planner: failed, rejected, or preempted by STOP or a replacing task (the
    /// result's status says which).
    Aborted,
}

/// What one `/planner/status` means for the goal running that task.
#[derive(Debug, Clone, PartialEq)]
pub enum GoalUpdate {
    /// Progress: send as feedback.
    Feedback(ExecuteTaskFeedback),
    /// The task ended: finish the goal.
    Finished(GoalEnd, ExecuteTaskResult),
}

/// The goal update for `status`; `cancel_requested` tells a CANCELED task stopped at the
/// client's request (goal CANCELED) from one preempted by the planner (goal ABORTED).
pub fn goal_update(status: &TaskStatus, cancel_requested: bool) -> GoalUpdate {
    let end = match status.state {
        TaskStatus::STATE_SUCCEEDED => GoalEnd::Succeeded,
        TaskStatus::STATE_CANCELED if cancel_requested => GoalEnd::Canceled,
        TaskStatus::STATE_CANCELED | TaskStatus::STATE_FAILED | TaskStatus::STATE_REJECTED => {
            GoalEnd::Aborted
        }
        _ => {
            return GoalUpdate::Feedback(ExecuteTaskFeedback {
                status: status.clone(),
            });
        }
    };
    let steps_completed = if end == GoalEnd::Succeeded {
        status.step_count
    } else {
        // The current step is the first unfinished one.
        status.step_index.min(status.step_count)
    };
    GoalUpdate::Finished(
        end,
        ExecuteTaskResult {
            status: status.clone(),
            steps_completed,
        },
    )
}

/// The task id of a goal whose task has none: the goal id in hex, as `ros2 action` prints it.
pub fn task_id_for_goal(goal_id: &[u8; 16]) -> String {
    goal_id.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: u8, step_index: u32, step_count: u32) -> TaskStatus {
        TaskStatus {
            task_id: "t".into(),
            state,
            step_index,
            step_count,
            ..Default::default()
        }
    }

    #[test]
    fn progress_is_feedback_and_end_states_finish_the_goal() {
        for state in [
            TaskStatus::STATE_ACCEPTED,
            TaskStatus::STATE_EXECUTING,
            TaskStatus::STATE_UNKNOWN,
        ] {
            assert!(matches!(
                goal_update(&status(state, 1, 3), false),
                GoalUpdate::Feedback(f) if f.status.state == state
            ));
        }
        let GoalUpdate::Finished(end, result) =
            goal_update(&status(TaskStatus::STATE_SUCCEEDED, 2, 3), false)
        else {
            panic!("success must finish the goal");
        };
        assert_eq!((end, result.steps_completed), (GoalEnd::Succeeded, 3));
        let GoalUpdate::Finished(end, result) =
            goal_update(&status(TaskStatus::STATE_FAILED, 1, 3), false)
        else {
            panic!("failure must finish the goal");
        };
        assert_eq!((end, result.steps_completed), (GoalEnd::Aborted, 1));
        assert_eq!(result.status.state, TaskStatus::STATE_FAILED);
        assert!(matches!(
            goal_update(&status(TaskStatus::STATE_REJECTED, 0, 0), false),
            GoalUpdate::Finished(GoalEnd::Aborted, _)
        ));
    }

    #[test]
    fn only_a_client_cancel_ends_the_goal_canceled() {
        assert!(matches!(
            goal_update(&status(TaskStatus::STATE_CANCELED, 1, 2), true),
            GoalUpdate::Finished(GoalEnd::Canceled, r) if r.steps_completed == 1
        ));
        assert!(matches!(
            goal_update(&status(TaskStatus::STATE_CANCELED, 1, 2), false),
            GoalUpdate::Finished(GoalEnd::Aborted, _)
        ));
    }

    #[test]
    fn goal_ids_become_hex_task_ids() {
        let mut id = [0u8; 16];
        id[0] = 0xab;
        id[15] = 0x01;
        assert_eq!(task_id_for_goal(&id), "ab000000000000000000000000000001");
    }
}
