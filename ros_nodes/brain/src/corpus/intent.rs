//! What a template means: one intent per template section, with the slots it may use.

use embodied_world::ObjectId;

use crate::actions::ActionKind;

/// Broad class of an intent (statistics, split checks).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A command that becomes robot actions.
    Command,
    /// A need that implies an object ("I'm thirsty").
    Indirect,
    /// Conversation only (greetings, thanks, questions about the robot, small talk).
    Conversation,
    /// Memory statements, questions, corrections and forgetting.
    Memory,
    /// An unknown place or object: a clarification, no action.
    Clarification,
    /// Several commands in one utterance.
    MultiStep,
}

macro_rules! intents {
    ($($variant:ident => $name:literal, $category:ident, [$($slot:literal),*];)+) => {
        /// The meaning of a template section.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Intent {
            $(
                #[doc = concat!("`== ", $name, "`")]
                $variant,
            )+
            /// `== need OBJECT`: a need that implies bringing the object to the user.
            Need(ObjectId),
        }

        impl Intent {
            /// Every intent without an argument.
            pub const PLAIN: &'static [Intent] = &[$(Intent::$variant),+];

            /// The section name.
            pub fn name(self) -> String {
                match self {
                    $(Intent::$variant => $name.to_owned(),)+
                    Intent::Need(object) => format!("need {object}"),
                }
            }

            /// The broad category.
            pub fn category(self) -> Category {
                match self {
                    $(Intent::$variant => Category::$category,)+
                    Intent::Need(_) => Category::Indirect,
                }
            }

            /// Slots the intent's templates may (and, apart from `{object}`-free needs, must) use.
            pub fn slots(self) -> &'static [&'static str] {
                match self {
                    $(Intent::$variant => &[$($slot),*],)+
                    Intent::Need(_) => &[],
                }
            }

            /// The intent named by a section header (`need OBJECT` included).
            pub fn from_header(header: &str) -> Option<Self> {
                if let Some(object) = header.strip_prefix("need ") {
                    return ObjectId::from_name(object).map(Intent::Need);
                }
                match header {
                    $($name => Some(Intent::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

intents! {
    Navigate => "navigate", Command, ["place"];
    GoCharge => "go_charge", Command, [];
    MoveForward => "move_forward", Command, ["distance"];
    MoveBackward => "move_backward", Command, ["distance"];
    MoveForwardDefault => "move_forward_default", Command, [];
    MoveBackwardDefault => "move_backward_default", Command, [];
    NudgeForward => "nudge_forward", Command, [];
    NudgeBackward => "nudge_backward", Command, [];
    TurnLeft => "turn_left", Command, ["angle"];
    TurnRight => "turn_right", Command, ["angle"];
    TurnLeftDefault => "turn_left_default", Command, [];
    TurnRightDefault => "turn_right_default", Command, [];
    TurnAround => "turn_around", Command, [];
    NudgeLeft => "nudge_left", Command, [];
    NudgeRight => "nudge_right", Command, [];
    Spin => "spin", Command, [];
    Stop => "stop", Command, [];
    Find => "find", Command, ["object"];
    WhereIs => "where_is", Command, ["object"];
    BringToUser => "bring_to_user", Command, ["object"];
    BringToPlace => "bring_to_place", Command, ["object", "place"];
    Describe => "describe", Command, [];
    Status => "status", Command, [];
    Battery => "battery", Command, [];
    WhereAreYou => "where_are_you", Command, [];
    Greeting => "greeting", Conversation, [];
    Thanks => "thanks", Conversation, [];
    Farewell => "farewell", Conversation, [];
    HowAreYou => "how_are_you", Conversation, [];
    AboutSelf => "about_self", Conversation, [];
    Capabilities => "capabilities", Conversation, [];
    SmallTalk => "small_talk", Conversation, [];
    Joke => "joke", Conversation, [];
    Acknowledge => "acknowledge", Conversation, [];
    Offline => "offline", Conversation, [];
    RememberLocation => "remember_location", Memory, ["object", "place"];
    CorrectLocation => "correct_location", Memory, ["object", "place"];
    ForgetLocation => "forget_location", Memory, ["object"];
    RememberName => "remember_name", Memory, ["name"];
    CorrectName => "correct_name", Memory, ["name"];
    AskName => "ask_name", Memory, [];
    ForgetName => "forget_name", Memory, [];
    RememberLikes => "remember_likes", Memory, ["thing"];
    AskLikes => "ask_likes", Memory, [];
    RememberRelativeName => "remember_relative_name", Memory, ["relative", "name"];
    AskRelativeName => "ask_relative_name", Memory, ["relative"];
    ForgetRelative => "forget_relative", Memory, ["relative"];
    ClarifyPlace => "clarify_place", Clarification, ["unknown_place"];
    ClarifyObject => "clarify_object", Clarification, ["unknown_object"];
}

impl Intent {
    /// The action kinds the intent's answers carry (some answers carry none, e.g. "where is"
    /// when the location is known).
    pub fn action_kinds(self) -> &'static [ActionKind] {
        match self {
            Intent::Navigate | Intent::GoCharge => &[ActionKind::Navigate],
            Intent::MoveForward
            | Intent::MoveBackward
            | Intent::MoveForwardDefault
            | Intent::MoveBackwardDefault
            | Intent::NudgeForward
            | Intent::NudgeBackward => &[ActionKind::Move],
            Intent::TurnLeft
            | Intent::TurnRight
            | Intent::TurnLeftDefault
            | Intent::TurnRightDefault
            | Intent::TurnAround
            | Intent::NudgeLeft
            | Intent::NudgeRight
            | Intent::Spin => &[ActionKind::Turn],
            Intent::Stop => &[ActionKind::Stop],
            Intent::Find | Intent::WhereIs => &[ActionKind::Find],
            Intent::BringToUser | Intent::BringToPlace | Intent::Need(_) => &[ActionKind::Bring],
            Intent::Describe => &[ActionKind::Describe],
            Intent::Status | Intent::Battery | Intent::WhereAreYou => &[ActionKind::Status],
            _ => &[],
        }
    }

    /// Whether the intent can be one part of a multi-step request.
    pub fn chainable(self) -> bool {
        self.category() == Category::Command
            && !matches!(
                self,
                Intent::WhereIs | Intent::Battery | Intent::WhereAreYou | Intent::Stop
            )
    }

    /// Whether politeness prefixes ("could you", "please") fit its templates (imperatives).
    pub fn takes_wrappers(self) -> bool {
        self.category() == Category::Command
    }
}
