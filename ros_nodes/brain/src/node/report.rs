//! What the brain says unprompted about the tasks it gave the planner ("I'm in the kitchen
//! now", "I couldn't find the keys in the office"), and the kind of each reply.

use std::collections::VecDeque;

use embodied_msgs::msg::{AssistantReply, TaskStatus};
use embodied_world::PlaceId;

use crate::actions::{Action, Destination, Understanding};

/// Tasks remembered for reporting; older ones are dropped (the planner replaces tasks, so only
/// the last few can still end).
const TRACKED_TASKS: usize = 16;

/// A task the brain published.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedTask {
    /// `Task.task_id`.
    pub task_id: String,
    /// The utterance that asked for it.
    pub utterance_id: String,
    /// Its steps.
    pub actions: Vec<Action>,
}

/// An outcome to say.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeReport {
    /// The task reported on.
    pub task_id: String,
    /// The utterance that asked for it.
    pub utterance_id: String,
    /// What to say.
    pub text: String,
    /// `AssistantReply` kind: `KIND_REPORT`, or `KIND_ERROR` for the planner's own failures.
    pub kind: u8,
}

/// Follows the brain's tasks through `/planner/status` and words how each ended, once.
#[derive(Debug, Default)]
pub struct Outcomes {
    tracked: VecDeque<IssuedTask>,
}

impl Outcomes {
    /// Starts following `task`.
    pub fn issued(&mut self, task: IssuedTask) {
        if self.tracked.len() == TRACKED_TASKS {
            self.tracked.pop_front();
        }
        self.tracked.push_back(task);
    }

    /// The report for `status`, when it ends one of the brain's tasks in a way worth saying;
    /// `robot_room` is the room the robot is in (where it searched, where it arrived). A
    /// task ends once: later statuses for it are ignored. Cancelled tasks are not reported
    /// (the user stopped them or asked for something else, and the brain already answered).
    pub fn on_status(
        &mut self,
        status: &TaskStatus,
        robot_room: Option<PlaceId>,
    ) -> Option<OutcomeReport> {
        let terminal = matches!(
            status.state,
            TaskStatus::STATE_SUCCEEDED
                | TaskStatus::STATE_FAILED
                | TaskStatus::STATE_CANCELED
                | TaskStatus::STATE_REJECTED
        );
        if !terminal {
            return None;
        }
        let at = self
            .tracked
            .iter()
            .position(|task| task.task_id == status.task_id)?;
        let task = self.tracked.remove(at)?;
        let step_index = usize::try_from(status.step_index).unwrap_or(usize::MAX);
        let (text, kind) = match status.state {
            TaskStatus::STATE_SUCCEEDED => (
                success_text(task.actions.last()?, robot_room)?,
                AssistantReply::KIND_REPORT,
            ),
            TaskStatus::STATE_FAILED => failure_text(
                status.error_code,
                task.actions.get(step_index).or(task.actions.last()),
                robot_room,
            ),
            TaskStatus::STATE_REJECTED => (
                "Sorry, I couldn't start that.".to_owned(),
                AssistantReply::KIND_ERROR,
            ),
            _ => return None,
        };
        Some(OutcomeReport {
            task_id: task.task_id,
            utterance_id: task.utterance_id,
            text,
            kind,
        })
    }
}

fn place_phrase(place: PlaceId) -> String {
    if place == PlaceId::ChargingDock {
        "at the charging dock".to_owned()
    } else {
        format!("in the {place}")
    }
}

/// What to say when a task whose last step is `last` succeeded; `None` when the reply
/// already said it all (stop, describe, status).
fn success_text(last: &Action, robot_room: Option<PlaceId>) -> Option<String> {
    Some(match *last {
        Action::Navigate { target } => format!("I'm {} now.", place_phrase(target)),
        Action::Bring {
            object,
            to: Destination::User,
        } => format!("Here is the {object}."),
        Action::Bring {
            object,
            to: Destination::Place(place),
        } => format!("I've taken the {object} to the {place}."),
        Action::Find { object } => match robot_room {
            Some(room) => format!("I found the {object} {}.", place_phrase(room)),
            None => format!("I found the {object}."),
        },
        Action::Move { .. } | Action::Turn { .. } => "Done.".to_owned(),
        Action::Stop | Action::Describe | Action::Status => return None,
    })
}

/// What to say when the step `failed` failed with the planner's `error_code`.
fn failure_text(
    error_code: u8,
    failed: Option<&Action>,
    robot_room: Option<PlaceId>,
) -> (String, u8) {
    let report = AssistantReply::KIND_REPORT;
    let text = match error_code {
        TaskStatus::ERROR_OBJECT_NOT_FOUND => {
            let object = match failed {
                Some(Action::Find { object } | Action::Bring { object, .. }) => {
                    format!("the {object}")
                }
                _ => "it".to_owned(),
            };
            match robot_room {
                Some(room) => format!("I couldn't find {object} {}.", place_phrase(room)),
                None => format!("I couldn't find {object}."),
            }
        }
        TaskStatus::ERROR_NO_PATH => match failed {
            Some(Action::Navigate { target }) => format!("I couldn't find a way to the {target}."),
            _ => "I couldn't find a way there.".to_owned(),
        },
        TaskStatus::ERROR_BLOCKED => "Something is blocking my way, so I stopped.".to_owned(),
        TaskStatus::ERROR_FORBIDDEN_ZONE => "I'm not allowed to go there.".to_owned(),
        TaskStatus::ERROR_TIMEOUT => "That took too long, so I stopped.".to_owned(),
        TaskStatus::ERROR_LOW_BATTERY => "My battery is too low to continue.".to_owned(),
        TaskStatus::ERROR_UNKNOWN_PLACE => "I don't know that place.".to_owned(),
        TaskStatus::ERROR_UNKNOWN_OBJECT => "I don't know that object.".to_owned(),
        _ => {
            return (
                "Sorry, something went wrong and I couldn't finish that.".to_owned(),
                AssistantReply::KIND_ERROR,
            );
        }
    };
    (text, report)
}

/// The `AssistantReply` kind of an answer: acknowledging a task when it has actions; else a
/// clarification (an apology that asks back: "Sorry, I don't know a place called the garage.
/// Which room do you mean?"), a refusal (an apology that does not), or an answer.
pub fn reply_kind(understanding: &Understanding) -> u8 {
    let say = understanding.say.trim_start();
    if !understanding.actions.is_empty() {
        AssistantReply::KIND_ACKNOWLEDGE
    } else if say.starts_with("Sorry") && say.contains('?') {
        AssistantReply::KIND_CLARIFY
    } else if say.starts_with("Sorry") {
        AssistantReply::KIND_REFUSE
    } else {
        AssistantReply::KIND_ANSWER
    }
}

#[cfg(test)]
mod tests {
    use embodied_world::ObjectId;

    use super::*;

    fn status(task_id: &str, state: u8, error_code: u8, step_index: u32) -> TaskStatus {
        TaskStatus {
            task_id: task_id.into(),
            state,
            error_code,
            step_index,
            ..TaskStatus::default()
        }
    }

    fn issue(outcomes: &mut Outcomes, task_id: &str, actions: Vec<Action>) {
        outcomes.issued(IssuedTask {
            task_id: task_id.into(),
            utterance_id: format!("u-{task_id}"),
            actions,
        });
    }

    #[test]
    fn arrival_and_search_outcomes_are_worded_once() {
        let mut outcomes = Outcomes::default();
        issue(
            &mut outcomes,
            "t1",
            vec![Action::Navigate {
                target: PlaceId::Kitchen,
            }],
        );
        assert_eq!(
            outcomes.on_status(&status("t1", TaskStatus::STATE_EXECUTING, 0, 0), None),
            None
        );
        let report = outcomes
            .on_status(
                &status("t1", TaskStatus::STATE_SUCCEEDED, 0, 0),
                Some(PlaceId::Kitchen),
            )
            .unwrap();
        assert_eq!(report.text, "I'm in the kitchen now.");
        assert_eq!(report.utterance_id, "u-t1");
        assert_eq!(report.kind, AssistantReply::KIND_REPORT);
        assert_eq!(
            outcomes.on_status(&status("t1", TaskStatus::STATE_SUCCEEDED, 0, 0), None),
            None
        );

        issue(
            &mut outcomes,
            "t2",
            vec![
                Action::Navigate {
                    target: PlaceId::Office,
                },
                Action::Find {
                    object: ObjectId::Keys,
                },
            ],
        );
        let report = outcomes
            .on_status(
                &status(
                    "t2",
                    TaskStatus::STATE_FAILED,
                    TaskStatus::ERROR_OBJECT_NOT_FOUND,
                    1,
                ),
                Some(PlaceId::Office),
            )
            .unwrap();
        assert_eq!(report.text, "I couldn't find the keys in the office.");
    }

    #[test]
    fn other_tasks_cancellations_and_answered_steps_stay_silent() {
        let mut outcomes = Outcomes::default();
        assert_eq!(
            outcomes.on_status(&status("foreign", TaskStatus::STATE_SUCCEEDED, 0, 0), None),
            None
        );
        issue(&mut outcomes, "t1", vec![Action::Turn { angle_deg: 90.0 }]);
        assert_eq!(
            outcomes.on_status(&status("t1", TaskStatus::STATE_CANCELED, 0, 0), None),
            None
        );
        issue(&mut outcomes, "t2", vec![Action::Status]);
        assert_eq!(
            outcomes.on_status(&status("t2", TaskStatus::STATE_SUCCEEDED, 0, 0), None),
            None
        );
        for i in 0..40 {
            issue(&mut outcomes, &format!("n{i}"), vec![Action::Stop]);
        }
        assert!(outcomes.tracked.len() <= TRACKED_TASKS);
    }

    #[test]
    fn failures_name_the_reason() {
        let mut outcomes = Outcomes::default();
        let cases = [
            (
                TaskStatus::ERROR_NO_PATH,
                "I couldn't find a way to the bedroom.",
            ),
            (
                TaskStatus::ERROR_LOW_BATTERY,
                "My battery is too low to continue.",
            ),
            (
                TaskStatus::ERROR_BLOCKED,
                "Something is blocking my way, so I stopped.",
            ),
        ];
        for (i, (code, text)) in cases.into_iter().enumerate() {
            let id = format!("t{i}");
            issue(
                &mut outcomes,
                &id,
                vec![Action::Navigate {
                    target: PlaceId::Bedroom,
                }],
            );
            let report = outcomes
                .on_status(&status(&id, TaskStatus::STATE_FAILED, code, 0), None)
                .unwrap();
            assert_eq!(report.text, text);
        }
        issue(&mut outcomes, "x", vec![Action::Stop]);
        let report = outcomes
            .on_status(
                &status("x", TaskStatus::STATE_FAILED, TaskStatus::ERROR_INTERNAL, 0),
                None,
            )
            .unwrap();
        assert_eq!(report.kind, AssistantReply::KIND_ERROR);
    }

    #[test]
    fn reply_kinds_follow_the_answer() {
        let kind = |say: &str, actions: Vec<Action>| {
            reply_kind(&Understanding {
                say: say.into(),
                actions,
            })
        };
        assert_eq!(
            kind("Going.", vec![Action::Stop]),
            AssistantReply::KIND_ACKNOWLEDGE
        );
        assert_eq!(
            kind(
                "Sorry, I don't know a place called the garage. Which room do you mean?",
                vec![]
            ),
            AssistantReply::KIND_CLARIFY
        );
        assert_eq!(
            kind("Sorry, I can't check that.", vec![]),
            AssistantReply::KIND_REFUSE
        );
        assert_eq!(
            kind("Hello! How can I help?", vec![]),
            AssistantReply::KIND_ANSWER
        );
    }
}
