//! The actions a reply may ask for, in the JSON of `embodied understand` (issue 5 item 7), and
//! their conversion to the planner's [`Task`].

use embodied_msgs::msg::{Task, TaskStep};
use embodied_world::{ObjectId, PlaceId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where BRING takes an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A place of the semantic map.
    Place(PlaceId),
    /// The person who asked (`"user"`).
    User,
}

impl Destination {
    /// The name used in JSON, in the output text and in [`TaskStep::destination`].
    pub fn name(self) -> &'static str {
        match self {
            Destination::Place(place) => place.name(),
            Destination::User => TaskStep::DESTINATION_USER,
        }
    }

    /// The destination named `name` (a canonical place name or `"user"`).
    pub fn from_name(name: &str) -> Option<Self> {
        if name == TaskStep::DESTINATION_USER {
            Some(Destination::User)
        } else {
            PlaceId::from_name(name).map(Destination::Place)
        }
    }
}

impl Serialize for Destination {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Destination::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown destination {name:?} (a place or \"user\")"
            ))
        })
    }
}

/// serde for the canonical-name enums of `embodied_world` (they derive `Deserialize` only).
mod canonical {
    use super::*;

    pub fn serialize_place<S: Serializer>(place: &PlaceId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(place.name())
    }

    pub fn serialize_object<S: Serializer>(object: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(object.name())
    }
}

/// One step the robot should carry out. Serialises to the JSON of issue 5 item 7, e.g.
/// `{"action":"navigate","target":"kitchen"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase", deny_unknown_fields)]
pub enum Action {
    /// Go to a place.
    Navigate {
        /// The place.
        #[serde(serialize_with = "canonical::serialize_place")]
        target: PlaceId,
    },
    /// Drive straight; negative is backwards.
    Move {
        /// Metres.
        distance_m: f64,
    },
    /// Rotate in place; positive is left (counter-clockwise, REP-103).
    Turn {
        /// Degrees.
        angle_deg: f64,
    },
    /// Stop now.
    Stop,
    /// Look for an object (memory first, then search).
    Find {
        /// The object.
        #[serde(serialize_with = "canonical::serialize_object")]
        object: ObjectId,
    },
    /// Fetch an object and take it somewhere.
    Bring {
        /// The object.
        #[serde(serialize_with = "canonical::serialize_object")]
        object: ObjectId,
        /// Where to take it.
        to: Destination,
    },
    /// Describe what the robot perceives.
    Describe,
    /// Report the robot's state.
    Status,
}

/// The kind of an [`Action`], without arguments (statistics, per-kind evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// [`Action::Navigate`].
    Navigate,
    /// [`Action::Move`].
    Move,
    /// [`Action::Turn`].
    Turn,
    /// [`Action::Stop`].
    Stop,
    /// [`Action::Find`].
    Find,
    /// [`Action::Bring`].
    Bring,
    /// [`Action::Describe`].
    Describe,
    /// [`Action::Status`].
    Status,
}

impl ActionKind {
    /// Every kind, in [`TaskStep`] kind order.
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Navigate,
        ActionKind::Move,
        ActionKind::Turn,
        ActionKind::Stop,
        ActionKind::Find,
        ActionKind::Bring,
        ActionKind::Describe,
        ActionKind::Status,
    ];

    /// The lowercase name, as in the JSON `"action"` field.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Navigate => "navigate",
            ActionKind::Move => "move",
            ActionKind::Turn => "turn",
            ActionKind::Stop => "stop",
            ActionKind::Find => "find",
            ActionKind::Bring => "bring",
            ActionKind::Describe => "describe",
            ActionKind::Status => "status",
        }
    }
}

impl Action {
    /// The action's kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Navigate { .. } => ActionKind::Navigate,
            Action::Move { .. } => ActionKind::Move,
            Action::Turn { .. } => ActionKind::Turn,
            Action::Stop => ActionKind::Stop,
            Action::Find { .. } => ActionKind::Find,
            Action::Bring { .. } => ActionKind::Bring,
            Action::Describe => ActionKind::Describe,
            Action::Status => ActionKind::Status,
        }
    }

    /// The planner's step for this action.
    pub fn to_task_step(&self) -> TaskStep {
        let mut step = TaskStep::default();
        match *self {
            Action::Navigate { target } => {
                step.kind = TaskStep::NAVIGATE;
                step.place = target.name().to_owned();
            }
            Action::Move { distance_m } => {
                step.kind = TaskStep::MOVE;
                step.distance_m = distance_m;
            }
            Action::Turn { angle_deg } => {
                step.kind = TaskStep::TURN;
                step.angle_deg = angle_deg;
            }
            Action::Stop => step.kind = TaskStep::STOP,
            Action::Find { object } => {
                step.kind = TaskStep::FIND;
                step.object = object.name().to_owned();
            }
            Action::Bring { object, to } => {
                step.kind = TaskStep::BRING;
                step.object = object.name().to_owned();
                step.destination = to.name().to_owned();
            }
            Action::Describe => step.kind = TaskStep::DESCRIBE,
            Action::Status => step.kind = TaskStep::STATUS,
        }
        step
    }
}

/// What the brain understood from one utterance: the words to say and the actions to take
/// (empty for conversation only). Serialises to `{"say": "...", "actions": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Understanding {
    /// What the robot says.
    pub say: String,
    /// What the robot does, in order.
    pub actions: Vec<Action>,
}

impl Understanding {
    /// The planner task for the actions, or `None` when there are none. A spoken command
    /// replaces whatever runs ([`Task::MODE_REPLACE`]): people expect the latest request to win.
    /// The header stamp is left for the publisher to set.
    pub fn to_task(&self, task_id: &str, utterance_id: &str) -> Option<Task> {
        if self.actions.is_empty() {
            return None;
        }
        Some(Task {
            task_id: task_id.to_owned(),
            utterance_id: utterance_id.to_owned(),
            mode: Task::MODE_REPLACE,
            steps: self.actions.iter().map(Action::to_task_step).collect(),
            ..Task::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(action: Action) -> String {
        serde_json::to_string(&action).unwrap()
    }

    #[test]
    fn json_is_exactly_the_issue_format() {
        let cases = [
            (
                Action::Navigate {
                    target: PlaceId::Kitchen,
                },
                r#"{"action":"navigate","target":"kitchen"}"#,
            ),
            (
                Action::Navigate {
                    target: PlaceId::LivingRoom,
                },
                r#"{"action":"navigate","target":"living room"}"#,
            ),
            (
                Action::Move { distance_m: -0.5 },
                r#"{"action":"move","distance_m":-0.5}"#,
            ),
            (
                Action::Turn { angle_deg: 90.0 },
                r#"{"action":"turn","angle_deg":90.0}"#,
            ),
            (Action::Stop, r#"{"action":"stop"}"#),
            (
                Action::Find {
                    object: ObjectId::RemoteControl,
                },
                r#"{"action":"find","object":"remote control"}"#,
            ),
            (
                Action::Bring {
                    object: ObjectId::WaterBottle,
                    to: Destination::User,
                },
                r#"{"action":"bring","object":"water bottle","to":"user"}"#,
            ),
            (
                Action::Bring {
                    object: ObjectId::Cup,
                    to: Destination::Place(PlaceId::ChargingDock),
                },
                r#"{"action":"bring","object":"cup","to":"charging dock"}"#,
            ),
            (Action::Describe, r#"{"action":"describe"}"#),
            (Action::Status, r#"{"action":"status"}"#),
        ];
        for (action, expected) in cases {
            assert_eq!(json(action), expected);
            let back: Action = serde_json::from_str(expected).unwrap();
            assert_eq!(back, action);
        }
        let understanding = Understanding {
            say: "Hello!".into(),
            actions: vec![],
        };
        assert_eq!(
            serde_json::to_string(&understanding).unwrap(),
            r#"{"say":"Hello!","actions":[]}"#
        );
    }

    #[test]
    fn unknown_names_are_rejected() {
        for bad in [
            r#"{"action":"navigate","target":"garage"}"#,
            r#"{"action":"find","object":"laptop"}"#,
            r#"{"action":"bring","object":"cup","to":"attic"}"#,
            r#"{"action":"fly"}"#,
            r#"{"action":"navigate","target":"kitchen","speed":1}"#,
        ] {
            assert!(serde_json::from_str::<Action>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn task_steps_carry_kind_and_arguments() {
        let understanding = Understanding {
            say: "Okay.".into(),
            actions: vec![
                Action::Navigate {
                    target: PlaceId::Office,
                },
                Action::Turn { angle_deg: -90.0 },
                Action::Bring {
                    object: ObjectId::Book,
                    to: Destination::User,
                },
            ],
        };
        let task = understanding.to_task("t1", "u1").unwrap();
        assert_eq!(task.mode, Task::MODE_REPLACE);
        assert_eq!(task.steps.len(), 3);
        assert_eq!(task.steps[0].kind, TaskStep::NAVIGATE);
        assert_eq!(task.steps[0].place, "office");
        assert_eq!(task.steps[1].kind, TaskStep::TURN);
        assert_eq!(task.steps[1].angle_deg, -90.0);
        assert_eq!(task.steps[2].kind, TaskStep::BRING);
        assert_eq!(task.steps[2].object, "book");
        assert_eq!(task.steps[2].destination, "user");
        let chat = Understanding {
            say: "Hi".into(),
            actions: vec![],
        };
        assert!(chat.to_task("t", "u").is_none());
    }
}
