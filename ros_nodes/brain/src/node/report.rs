//! What the brain says unprompted about the tasks it gave the planner ("I'm in the kitchen
//! now", "I couldn't find the keys in the office", what it sees on arriving where it was asked
//! to look), and the kind of each reply.

use std::collections::VecDeque;

use embodied_msgs::msg::{AssistantReply, TaskStatus};
use embodied_world::PlaceId;

use crate::actions::{Action, Destination, Understanding};
use crate::dialogue::RobotState;
use crate::dialogue::state;

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

/// A task being followed, with the status and describe steps still to answer.
#[derive(Debug)]
struct Tracked {
    task: IssuedTask,
    /// [`state::deferred_steps`] not answered yet, in order.
    deferred: VecDeque<usize>,
}

/// Follows the brain's tasks through `/planner/status` and words how each ended, once, and
/// the status and describe steps it promised to answer on the way ("go to the kitchen and
/// tell me what you see"), as the planner passes them.
#[derive(Debug, Default)]
pub struct Outcomes {
    tracked: VecDeque<Tracked>,
}

impl Outcomes {
    /// Starts following `task`.
    pub fn issued(&mut self, task: IssuedTask) {
        if self.tracked.len() == TRACKED_TASKS {
            self.tracked.pop_front();
        }
        let deferred = state::deferred_steps(&task.actions).into();
        self.tracked.push_back(Tracked { task, deferred });
    }

    /// The report for `status`, when it ends one of the brain's tasks in a way worth saying or
    /// passes a status or describe step the reply promised; `here` is the robot's live state
    /// (its room where it searched or arrived, what it sees there). A task ends once: later
    /// statuses for it are ignored. Cancelled tasks are not reported (the user stopped them or
    /// asked for something else, and the brain already answered).
    pub fn on_status(&mut self, status: &TaskStatus, here: &RobotState) -> Option<OutcomeReport> {
        let at = self
            .tracked
            .iter()
            .position(|tracked| tracked.task.task_id == status.task_id)?;
        let step_index = usize::try_from(status.step_index).unwrap_or(usize::MAX);
        // Steps before this one are done.
        let done_before = match status.state {
            TaskStatus::STATE_EXECUTING | TaskStatus::STATE_FAILED => step_index,
            TaskStatus::STATE_SUCCEEDED => usize::MAX,
            TaskStatus::STATE_CANCELED | TaskStatus::STATE_REJECTED => {
                let tracked = self.tracked.remove(at)?;
                return (status.state == TaskStatus::STATE_REJECTED).then(|| OutcomeReport {
                    task_id: tracked.task.task_id,
                    utterance_id: tracked.task.utterance_id,
                    text: "Sorry, I couldn't start that.".to_owned(),
                    kind: AssistantReply::KIND_ERROR,
                });
            }
            _ => return None,
        };
        let tracked = self.tracked.get_mut(at)?;
        let utterance_id = tracked.task.utterance_id.clone();
        let mut sentences = Vec::new();
        while let Some(&step) = tracked.deferred.front().filter(|&&step| step < done_before) {
            tracked.deferred.pop_front();
            sentences.extend(
                tracked
                    .task
                    .actions
                    .get(step)
                    .and_then(|action| state::state_sentence(action, here)),
            );
        }
        let mut kind = AssistantReply::KIND_REPORT;
        if status.state != TaskStatus::STATE_EXECUTING {
            let tracked = self.tracked.remove(at)?;
            let actions = &tracked.task.actions;
            if status.state == TaskStatus::STATE_SUCCEEDED {
                sentences.extend(
                    actions
                        .last()
                        .and_then(|last| success_text(last, here.room)),
                );
            } else {
                let (text, failure_kind) = failure_text(
                    status.error_code,
                    actions.get(step_index).or(actions.last()),
                    here.room,
                );
                sentences.push(text);
                kind = failure_kind;
            }
        }
        if sentences.is_empty() {
            return None;
        }
        Some(OutcomeReport {
            task_id: status.task_id.clone(),
            utterance_id,
            text: sentences.join(" "),
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
fn success_text(last: &Action, robot_room: PlaceId) -> Option<String> {
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
        Action::Find { object } => format!("I found the {object} {}.", place_phrase(robot_room)),
        Action::Move { .. } | Action::Turn { .. } => "Done.".to_owned(),
        Action::Stop | Action::Describe | Action::Status => return None,
    })
}

/// What to say when the step `failed` failed with the planner's `error_code`.
fn failure_text(error_code: u8, failed: Option<&Action>, robot_room: PlaceId) -> (String, u8) {
    let report = AssistantReply::KIND_REPORT;
    let text = match error_code {
        TaskStatus::ERROR_OBJECT_NOT_FOUND => {
            let object = match failed {
                Some(Action::Find { object } | Action::Bring { object, .. }) => {
                    format!("the {object}")
                }
                _ => "it".to_owned(),
            };
            format!("I couldn't find {object} {}.", place_phrase(robot_room))
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

    fn in_room(room: PlaceId) -> RobotState {
        RobotState {
            room,
            ..RobotState::default()
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
            outcomes.on_status(
                &status("t1", TaskStatus::STATE_EXECUTING, 0, 0),
                &RobotState::default()
            ),
            None
        );
        let report = outcomes
            .on_status(
                &status("t1", TaskStatus::STATE_SUCCEEDED, 0, 0),
                &in_room(PlaceId::Kitchen),
            )
            .unwrap();
        assert_eq!(report.text, "I'm in the kitchen now.");
        assert_eq!(report.utterance_id, "u-t1");
        assert_eq!(report.kind, AssistantReply::KIND_REPORT);
        assert_eq!(
            outcomes.on_status(
                &status("t1", TaskStatus::STATE_SUCCEEDED, 0, 0),
                &RobotState::default()
            ),
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
                &in_room(PlaceId::Office),
            )
            .unwrap();
        assert_eq!(report.text, "I couldn't find the keys in the office.");
    }

    #[test]
    fn promised_status_and_describe_are_answered_where_the_planner_reaches_them() {
        use crate::prompt::Perceived;
        let mut outcomes = Outcomes::default();
        issue(
            &mut outcomes,
            "t1",
            vec![
                Action::Navigate {
                    target: PlaceId::Kitchen,
                },
                Action::Describe,
                Action::Navigate {
                    target: PlaceId::Office,
                },
                Action::Status,
            ],
        );
        let mut kitchen = in_room(PlaceId::Kitchen);
        kitchen.battery_pct = 64;
        kitchen.perceived.push(Perceived {
            label: "apple".into(),
            room: PlaceId::Kitchen,
        });
        // Still driving to the kitchen: nothing to say yet.
        let driving = status("t1", TaskStatus::STATE_EXECUTING, 0, 0);
        assert_eq!(
            outcomes.on_status(&driving, &in_room(PlaceId::Hallway)),
            None
        );
        // The describe step is done: what the kitchen holds, once.
        let described = status("t1", TaskStatus::STATE_EXECUTING, 0, 2);
        let report = outcomes.on_status(&described, &kitchen).unwrap();
        assert_eq!(report.text, "Here in the kitchen I can see the apple.");
        assert_eq!(report.kind, AssistantReply::KIND_REPORT);
        assert_eq!(outcomes.on_status(&described, &kitchen), None);
        // At the end, the status from the office; the last step already said it all.
        let mut office = in_room(PlaceId::Office);
        office.battery_pct = 61;
        let done = status("t1", TaskStatus::STATE_SUCCEEDED, 0, 3);
        let report = outcomes.on_status(&done, &office).unwrap();
        assert_eq!(
            report.text,
            "I'm in the office and my battery is at 61 percent."
        );
        assert_eq!(outcomes.on_status(&done, &office), None);

        // A task failing before the promised step says why, not the state.
        issue(
            &mut outcomes,
            "t2",
            vec![
                Action::Navigate {
                    target: PlaceId::Bedroom,
                },
                Action::Describe,
            ],
        );
        let blocked = status("t2", TaskStatus::STATE_FAILED, TaskStatus::ERROR_BLOCKED, 0);
        let report = outcomes.on_status(&blocked, &kitchen).unwrap();
        assert_eq!(report.text, "Something is blocking my way, so I stopped.");
    }

    #[test]
    fn other_tasks_cancellations_and_answered_steps_stay_silent() {
        let mut outcomes = Outcomes::default();
        assert_eq!(
            outcomes.on_status(
                &status("foreign", TaskStatus::STATE_SUCCEEDED, 0, 0),
                &RobotState::default()
            ),
            None
        );
        issue(&mut outcomes, "t1", vec![Action::Turn { angle_deg: 90.0 }]);
        assert_eq!(
            outcomes.on_status(
                &status("t1", TaskStatus::STATE_CANCELED, 0, 0),
                &RobotState::default()
            ),
            None
        );
        issue(&mut outcomes, "t2", vec![Action::Status]);
        assert_eq!(
            outcomes.on_status(
                &status("t2", TaskStatus::STATE_SUCCEEDED, 0, 0),
                &RobotState::default()
            ),
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
                .on_status(
                    &status(&id, TaskStatus::STATE_FAILED, code, 0),
                    &RobotState::default(),
                )
                .unwrap();
            assert_eq!(report.text, text);
        }
        issue(&mut outcomes, "x", vec![Action::Stop]);
        let report = outcomes
            .on_status(
                &status("x", TaskStatus::STATE_FAILED, TaskStatus::ERROR_INTERNAL, 0),
                &RobotState::default(),
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
