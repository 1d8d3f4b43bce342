//! The robot's live state as the dialogue sees it (room, battery, what it perceives), its
//! `--state` JSON form, the check that status and describe answers agree with it, and the
//! status and describe steps that can only be answered once the robot has moved.

use std::collections::BTreeSet;

use embodied_memory::Aliases;
use embodied_world::{ObjectId, PlaceId};
use serde::Deserialize;

use super::DialogueError;
use super::recall::{NAME_RELATION, USER};
use crate::actions::{Action, Understanding};
use crate::prompt::{MAX_SUBJECT_WORDS, MAX_WORD_BYTES, Perceived, THEN};

/// Most perceived objects put in one prompt (the model was trained on a handful; canonical
/// objects go first).
pub const MAX_PERCEIVED_IN_PROMPT: usize = 6;

/// What the robot knows about itself right now.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotState {
    /// The room it is in.
    pub room: PlaceId,
    /// Battery charge, percent in [0, 100].
    pub battery_pct: u8,
    /// What it perceives now (label and room).
    pub perceived: Vec<Perceived>,
}

impl Default for RobotState {
    /// The default of `embodied understand`: living room, 80 %, nothing perceived yet.
    fn default() -> Self {
        Self {
            room: PlaceId::LivingRoom,
            battery_pct: 80,
            perceived: Vec::new(),
        }
    }
}

/// `--state` JSON: every field optional, missing ones keep the default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateJson {
    room: Option<String>,
    battery: Option<f64>,
    perceived: Option<Vec<PerceivedJson>>,
}

/// A perceived object: `"cup"` (in the robot's room) or `{"label": "cup", "room": "kitchen"}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PerceivedJson {
    Label(String),
    Placed { label: String, room: Option<String> },
}

impl RobotState {
    /// Parses the `--state` JSON, e.g.
    /// `{"room": "kitchen", "battery": 55, "perceived": ["cup", {"label": "keys", "room": "kitchen"}]}`:
    /// `room` a place name or alias, `battery` percent in [0, 100], `perceived` labels (in the
    /// robot's room unless a room is given). Missing fields keep [`RobotState::default`].
    ///
    /// # Errors
    /// [`DialogueError::State`] naming the bad field.
    pub fn from_json(text: &str, aliases: &Aliases) -> Result<Self, DialogueError> {
        let bad = |reason: String| DialogueError::State {
            text: text.to_owned(),
            reason,
        };
        let json: StateJson = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut state = Self::default();
        if let Some(room) = &json.room {
            state.room = resolve_place(aliases, room)
                .ok_or_else(|| bad(format!("room {room:?} is not a known place")))?;
        }
        if let Some(battery) = json.battery {
            if !(battery.is_finite() && (0.0..=100.0).contains(&battery)) {
                return Err(bad(format!(
                    "battery {battery} is not a percentage in [0, 100]"
                )));
            }
            state.battery_pct = battery.round() as u8;
        }
        for item in json.perceived.unwrap_or_default() {
            let (label, room) = match item {
                PerceivedJson::Label(label) => (label, None),
                PerceivedJson::Placed { label, room } => (label, room),
            };
            let clean = clean_label(&label, aliases)
                .ok_or_else(|| bad(format!("perceived label {label:?} is not 1-3 short words")))?;
            let room = match room {
                Some(room) => resolve_place(aliases, &room).ok_or_else(|| {
                    bad(format!("room {room:?} of {label:?} is not a known place"))
                })?,
                None => state.room,
            };
            state.perceived.push(Perceived { label: clean, room });
        }
        Ok(state)
    }

    /// Sets the battery from a ROS `BatteryState.percentage` (a fraction in [0, 1]); NaN
    /// (unknown) and out-of-range values leave it as it was.
    pub fn set_battery_fraction(&mut self, fraction: f32) {
        if fraction.is_finite() && (0.0..=1.0).contains(&fraction) {
            self.battery_pct = (fraction * 100.0).round() as u8;
        }
    }

    /// The perceived objects for a prompt: canonical objects first, then scenery, at most
    /// [`MAX_PERCEIVED_IN_PROMPT`], without repeats.
    pub fn perceived_for_prompt(&self) -> Vec<Perceived> {
        let mut seen = BTreeSet::new();
        let (objects, scenery): (Vec<&Perceived>, Vec<&Perceived>) = self
            .perceived
            .iter()
            .partition(|p| ObjectId::from_name(&p.label).is_some());
        objects
            .into_iter()
            .chain(scenery)
            .filter(|p| seen.insert((p.label.clone(), p.room)))
            .take(MAX_PERCEIVED_IN_PROMPT)
            .cloned()
            .collect()
    }

    /// Whether the robot perceives `object` now.
    pub fn perceives(&self, object: ObjectId) -> bool {
        self.perceived.iter().any(|p| p.label == object.name())
    }
}

/// The canonical place of a name or alias.
pub fn resolve_place(aliases: &Aliases, name: &str) -> Option<PlaceId> {
    let lowered = name.trim().to_lowercase();
    PlaceId::from_name(&lowered)
        .or_else(|| aliases.canonical(&lowered).and_then(PlaceId::from_name))
}

/// The canonical object of a name or alias.
pub fn resolve_object(aliases: &Aliases, name: &str) -> Option<ObjectId> {
    let lowered = name.trim().to_lowercase();
    ObjectId::from_name(&lowered)
        .or_else(|| aliases.canonical(&lowered).and_then(ObjectId::from_name))
}

/// A detector label in the prompt's form: the canonical object name when it names one
/// (directly or by alias, `remote_control` too), else lowercase words of letters; `None` when
/// nothing usable is left (digits, too many or too long words).
pub fn clean_label(raw: &str, aliases: &Aliases) -> Option<String> {
    let spaced = raw.replace(['_', '-'], " ");
    if let Some(object) = resolve_object(aliases, &spaced) {
        return Some(object.name().to_owned());
    }
    let words: Vec<String> = spaced
        .split_whitespace()
        .map(|word| word.to_lowercase())
        .collect();
    let valid = !words.is_empty()
        && words.len() <= MAX_SUBJECT_WORDS
        && words.iter().all(|word| {
            word.len() <= MAX_WORD_BYTES
                && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'')
        });
    valid.then(|| words.join(" "))
}

/// What the robot says for a status request, from the live state (the corpus's phrasing).
pub fn status_sentence(state: &RobotState) -> String {
    format!(
        "I'm in the {} and my battery is at {} percent.",
        state.room, state.battery_pct
    )
}

/// What the robot says for a describe request, from the live state (the corpus's phrasing).
pub fn describe_sentence(state: &RobotState) -> String {
    let seen: Vec<String> = state
        .perceived_for_prompt()
        .iter()
        .map(|p| format!("the {}", p.label))
        .collect();
    match seen.as_slice() {
        [] => format!(
            "I don't see anything in particular here in the {}.",
            state.room
        ),
        [one] => format!("Here in the {} I can see {one}.", state.room),
        [init @ .., last] => format!(
            "Here in the {} I can see {} and {last}.",
            state.room,
            init.join(", ")
        ),
    }
}

/// Checks that the say text of a status-only or describe-only answer agrees with the live
/// state, and replaces it with the state's own sentence when it does not (a room other than
/// the robot's, a battery figure other than its charge, an object it does not perceive or one
/// it perceives left out, or a status answer naming neither room nor battery); a claim to be
/// in another room is made to agree with its room too ([`enforce_whereabouts_of_robot`]).
/// Returns the text replaced, if any.
pub fn enforce_grounding(understanding: &mut Understanding, state: &RobotState) -> Option<String> {
    let say = understanding.say.to_lowercase();
    let rooms_named: Vec<PlaceId> = PlaceId::ALL
        .iter()
        .copied()
        .filter(|place| contains_phrase(&say, place.name()))
        .collect();
    let wrong_room = rooms_named.iter().any(|place| *place != state.room);
    if let Some(replaced) = enforce_whereabouts_of_robot(understanding, &say, &rooms_named, state) {
        return Some(replaced);
    }
    let replacement = match understanding.actions.as_slice() {
        [Action::Status] => {
            let percents = percent_figures(&say);
            let wrong_battery = percents
                .iter()
                .any(|pct| *pct != u32::from(state.battery_pct));
            let says_nothing = rooms_named.is_empty() && percents.is_empty();
            (wrong_room || wrong_battery || says_nothing).then(|| status_sentence(state))
        }
        [Action::Describe] => {
            let unseen_object = ObjectId::ALL
                .iter()
                .any(|object| contains_phrase(&say, object.name()) && !state.perceives(*object));
            let left_out = state
                .perceived_for_prompt()
                .iter()
                .any(|p| !contains_phrase(&say, &p.label));
            (wrong_room || unseen_object || left_out).then(|| describe_sentence(state))
        }
        _ => None,
    }?;
    Some(std::mem::replace(&mut understanding.say, replacement))
}

/// A claim to be already in another room ("Could you kindly rush to the office?" answered "I'm
/// already in the office." in the kitchen) becomes the drive there it stands for. (A drive to
/// the robot's own room is left a drive: the corpus answers it "I'm already in ...", but a
/// taught phrase's meaning, "movie time" for "go to the living room", must stay a drive
/// wherever it was taught.) Returns the text replaced, if any.
fn enforce_whereabouts_of_robot(
    understanding: &mut Understanding,
    lowered_say: &str,
    rooms_named: &[PlaceId],
    state: &RobotState,
) -> Option<String> {
    use crate::corpus::generate::{already_there_sentence, going_sentence};
    let ([], [claimed]) = (understanding.actions.as_slice(), rooms_named) else {
        return None;
    };
    if *claimed == state.room || lowered_say != already_there_sentence(*claimed).to_lowercase() {
        return None;
    }
    understanding.actions = vec![Action::Navigate { target: *claimed }];
    Some(std::mem::replace(
        &mut understanding.say,
        going_sentence(*claimed),
    ))
}

/// Checks that an answer's say text says what its steps do, a sentence per step as the corpus
/// says them (the model, shown a phrasing unlike any it learned, said "Turning left 90
/// degrees." over a move of 0.25 m, or "Turning right Ndescribe degrees."), and otherwise
/// says the steps' own sentences: the robot tells what it is about to do. Answers with a
/// status or describe step, whose sentences [`enforce_grounding`] checks, are left alone.
/// Returns the text replaced, if any.
pub fn enforce_said_steps(understanding: &mut Understanding) -> Option<String> {
    use crate::corpus::generate::{capitalize, step_sentence};
    use crate::prompt::ModelOutput;
    if understanding.actions.is_empty() {
        return None;
    }
    let sentences = understanding
        .actions
        .iter()
        .map(|action| Some((step_sentence(action, true)?, step_sentence(action, false)?)))
        .collect::<Option<Vec<_>>>()?;
    let clauses: Vec<String> = understanding.say.split(THEN).map(capitalize).collect();
    let agrees = clauses.len() == sentences.len()
        && clauses
            .iter()
            .zip(&sentences)
            .all(|(clause, (named, plain))| clause == named || clause == plain);
    if agrees {
        return None;
    }
    let said = |say: String| ModelOutput {
        say,
        steps: Vec::new(),
    };
    let say = sentences
        .into_iter()
        .map(|(_, plain)| Some(said(plain)))
        .reduce(|joined, next| joined?.then(next?))??
        .say;
    Some(std::mem::replace(&mut understanding.say, say))
}

/// Where `facts` put `object`.
fn remembered_place(facts: &[crate::prompt::Fact], object: ObjectId) -> Option<PlaceId> {
    facts.iter().find_map(|fact| {
        fact.as_location()
            .filter(|(located, _)| *located == object)
            .map(|(_, place)| place)
    })
}

/// A question where an object is (`utterance`, [`super::unasked::asks_where`]) answered by
/// going to look for it is answered from what the robot knows when it sees the object or
/// `facts` say where it is, as the corpus answers it ("where can I find my cellphone?" with the
/// phone remembered in the bathroom: "As far as I know, the phone is in the bathroom."); only
/// an object whose whereabouts are unknown is looked for. Returns the text replaced, if any.
pub fn answer_where_from_what_is_known(
    understanding: &mut Understanding,
    utterance: &str,
    state: &RobotState,
    facts: &[crate::prompt::Fact],
) -> Option<String> {
    use crate::corpus::generate::{remembered_sentence, seen_sentence};
    let [Action::Find { object }] = understanding.actions.as_slice() else {
        return None;
    };
    let object = *object;
    if !super::unasked::asks_where(utterance) {
        return None;
    }
    let say = if state.perceives(object) {
        seen_sentence(object, state.room)
    } else {
        remembered_sentence(object, remembered_place(facts, object)?)
    };
    understanding.actions.clear();
    Some(std::mem::replace(&mut understanding.say, say))
}

/// An answer that says a name or a liking from memory ("Your name is Dave.", "Your wife's name
/// is Sarah.", "You told me you like jazz.") says what `facts` hold: the model, with several
/// names in its prompt, once answered "who is my wife?" with the person's own name. A value the
/// facts do not hold is replaced with the one they do, or with not knowing it when they hold
/// none. Answers with steps are left alone. Returns the text replaced, if any.
pub fn answer_recall_from_facts(
    understanding: &mut Understanding,
    facts: &[crate::prompt::Fact],
) -> Option<String> {
    use crate::corpus::generate::{
        LIKES_UNKNOWN, NAME_UNKNOWN, likes_sentence, relative_name_sentence, relative_name_unknown,
        your_name_sentence,
    };
    if !understanding.actions.is_empty() {
        return None;
    }
    let said = understanding.say.strip_suffix('.')?.to_owned();
    let values = |subject: &str, relation: &str| -> Vec<String> {
        facts
            .iter()
            .filter(|f| f.subject == subject && f.relation == relation)
            .map(|f| f.value.clone())
            .collect()
    };
    if let Some(name) = said.strip_prefix("Your name is ") {
        let known = values(USER, NAME_RELATION);
        return recall_replacement(
            understanding,
            name,
            &known,
            your_name_sentence,
            NAME_UNKNOWN,
        );
    }
    if let Some(thing) = said.strip_prefix("You told me you like ") {
        let known = values(USER, "likes");
        return recall_replacement(understanding, thing, &known, likes_sentence, LIKES_UNKNOWN);
    }
    let (relative, name) = said.strip_prefix("Your ")?.split_once("'s name is ")?;
    let known = values(relative, NAME_RELATION);
    recall_replacement(
        understanding,
        name,
        &known,
        |value| relative_name_sentence(relative, value),
        &relative_name_unknown(relative),
    )
}

/// [`answer_recall_from_facts`] once the sentence is read: `said` against the `known` values.
fn recall_replacement(
    understanding: &mut Understanding,
    said: &str,
    known: &[String],
    sentence: impl Fn(&str) -> String,
    unknown: &str,
) -> Option<String> {
    if known.iter().any(|v| v.eq_ignore_ascii_case(said)) {
        return None;
    }
    let say = match known {
        [] => unknown.to_owned(),
        [value, ..] => sentence(value),
    };
    Some(std::mem::replace(&mut understanding.say, say))
}

/// Checks that an answer claiming to see an object right here ("I can see the book right here
/// in the office.") has it perceived in the robot's room, and otherwise replaces it with what
/// the state and `facts` hold: where it is seen, where memory puts it, or that the robot does
/// not know. Answers with steps are left alone. Returns the text replaced, if any.
pub fn enforce_whereabouts(
    say: &mut String,
    has_steps: bool,
    state: &RobotState,
    facts: &[crate::prompt::Fact],
) -> Option<String> {
    let lowered = say.to_lowercase();
    if has_steps || !(lowered.contains("i can see") && lowered.contains("right here")) {
        return None;
    }
    let mut named = ObjectId::ALL
        .iter()
        .copied()
        .filter(|object| contains_phrase(&lowered, object.name()));
    let Some(unseen) = named.clone().find(|object| !state.perceives(*object)) else {
        // Seen, but "right here" must be the robot's room.
        let elsewhere = PlaceId::ALL
            .iter()
            .any(|place| *place != state.room && contains_phrase(&lowered, place.name()));
        let seen = named.next().filter(|_| elsewhere)?;
        let replacement = crate::corpus::generate::seen_sentence(seen, state.room);
        return Some(std::mem::replace(say, replacement));
    };
    let replacement = match remembered_place(facts, unseen) {
        Some(place) => crate::corpus::generate::remembered_sentence(unseen, place),
        None => format!("{}.", crate::corpus::generate::unknown_clause(unseen)),
    };
    Some(std::mem::replace(say, replacement))
}

/// The status and describe steps of `actions` that come after a step moving the robot
/// ("go to the kitchen and tell me what you see"): what they report depends on where the
/// robot will be, so the node answers them when the planner reaches them, not from the state
/// at the time of asking.
pub fn deferred_steps(actions: &[Action]) -> Vec<usize> {
    let reports = |action: &Action| matches!(action, Action::Describe | Action::Status);
    let Some(first_motion) = actions
        .iter()
        .position(|action| !reports(action) && !matches!(action, Action::Stop))
    else {
        return Vec::new();
    };
    (first_motion + 1..actions.len())
        .filter(|&i| reports(&actions[i]))
        .collect()
}

/// What the robot says on reaching a status or describe step, from the live state; `None` for
/// other steps.
pub fn state_sentence(action: &Action, state: &RobotState) -> Option<String> {
    match action {
        Action::Status => Some(status_sentence(state)),
        Action::Describe => Some(describe_sentence(state)),
        _ => None,
    }
}

/// In the say text of a request of several steps ("Going to the kitchen. Then here in the
/// living room I can see the cup."), replaces what a [`deferred_steps`] step says about the
/// present state with a promise to answer there ("Then I'll tell you what I see."). Needs one
/// sentence per step, as the model words steps; returns whether the text changed.
pub fn defer_state_answers(understanding: &mut Understanding) -> bool {
    let deferred = deferred_steps(&understanding.actions);
    if deferred.is_empty() {
        return false;
    }
    let mut sentences: Vec<&str> = understanding.say.split(THEN).collect();
    if sentences.len() != understanding.actions.len() {
        tracing::debug!(say = %understanding.say, "say text not one sentence per step; not deferred");
        return false;
    }
    for &i in &deferred {
        sentences[i] = match understanding.actions[i] {
            Action::Describe => "I'll tell you what I see.",
            _ => "I'll report my status.",
        };
    }
    understanding.say = sentences.join(THEN);
    true
}

/// Whether `phrase` occurs in lowercase `text` as whole words.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let padded: String = format!(
        " {} ",
        text.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    padded.contains(&format!(" {phrase} "))
}

/// Numbers followed by `percent` or `%` in lowercase `text`.
fn percent_figures(text: &str) -> Vec<u32> {
    let spaced = text.replace('%', " percent ");
    let words: Vec<&str> = spaced
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|pair| pair[1] == "percent")
        .filter_map(|pair| pair[0].parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_to_see_an_object_not_in_view_says_what_memory_holds() {
        use crate::prompt::Fact;
        let grounding = |perceived: &[ObjectId], facts: Vec<Fact>| {
            let state = RobotState {
                room: PlaceId::LivingRoom,
                battery_pct: 70,
                perceived: perceived
                    .iter()
                    .map(|o| Perceived {
                        label: o.name().into(),
                        room: PlaceId::LivingRoom,
                    })
                    .collect(),
            };
            (state, facts)
        };
        let claim = "I can see the book right here in the office.";
        let cases = [
            (
                grounding(&[], vec![Fact::location(ObjectId::Book, PlaceId::Office)]),
                Some("As far as I know, the book is in the office."),
            ),
            (
                grounding(&[ObjectId::Cup], vec![]),
                Some("I don't know where the book is."),
            ),
            (
                grounding(&[ObjectId::Book], vec![]),
                Some("I can see the book right here in the living room."),
            ),
        ];
        for ((state, facts), expected) in cases {
            let mut say = claim.to_owned();
            let replaced = enforce_whereabouts(&mut say, false, &state, &facts);
            assert_eq!(
                replaced.is_some(),
                expected.is_some(),
                "{state:?} {facts:?}"
            );
            assert_eq!(say, expected.unwrap_or(claim), "{state:?} {facts:?}");
        }
        let mut say = "I can see the book right here in the living room.".to_owned();
        let (state, facts) = grounding(&[ObjectId::Book], vec![]);
        assert_eq!(enforce_whereabouts(&mut say, false, &state, &facts), None);
        let mut say = "I can see the keys right here in the living room.".to_owned();
        let (state, facts) = grounding(&[], vec![Fact::location(ObjectId::Keys, PlaceId::Bedroom)]);
        enforce_whereabouts(&mut say, false, &state, &facts);
        assert_eq!(say, "As far as I know, the keys are in the bedroom.");
        // Other answers, and answers with steps, are not where-claims.
        for (text, has_steps) in [
            ("Bringing you the book.", false),
            ("I can see the book right here in the office.", true),
        ] {
            let mut say = text.to_owned();
            let (state, facts) = grounding(&[], vec![]);
            assert_eq!(
                enforce_whereabouts(&mut say, has_steps, &state, &facts),
                None
            );
        }
    }

    fn aliases() -> Aliases {
        let mut aliases = Aliases::new();
        aliases.add("office", ["study"]);
        aliases.add("remote control", ["clicker"]);
        aliases
    }

    #[test]
    fn state_json_overrides_defaults_and_resolves_aliases() {
        let state = RobotState::from_json(
            r#"{"room": "study", "battery": 42.4, "perceived": ["clicker", {"label": "Sofa"}, {"label": "cup", "room": "kitchen"}]}"#,
            &aliases(),
        )
        .unwrap();
        assert_eq!(state.room, PlaceId::Office);
        assert_eq!(state.battery_pct, 42);
        let labels: Vec<(&str, PlaceId)> = state
            .perceived
            .iter()
            .map(|p| (p.label.as_str(), p.room))
            .collect();
        assert_eq!(
            labels,
            [
                ("remote control", PlaceId::Office),
                ("sofa", PlaceId::Office),
                ("cup", PlaceId::Kitchen)
            ]
        );
        assert_eq!(
            RobotState::from_json("{}", &aliases()).unwrap(),
            RobotState::default()
        );
    }

    #[test]
    fn bad_state_json_names_the_field() {
        for (json, needle) in [
            (r#"{"room": "garage"}"#, "garage"),
            (r#"{"battery": 120}"#, "battery"),
            (r#"{"perceived": ["x1"]}"#, "x1"),
            (r#"{"speed": 1}"#, "speed"),
            ("not json", "expected"),
        ] {
            let error = RobotState::from_json(json, &aliases()).unwrap_err();
            assert!(error.to_string().contains(needle), "{json}: {error}");
        }
    }

    #[test]
    fn labels_are_cleaned_to_prompt_words() {
        let aliases = aliases();
        assert_eq!(
            clean_label("remote_control", &aliases).unwrap(),
            "remote control"
        );
        assert_eq!(
            clean_label("Water Bottle", &aliases).unwrap(),
            "water bottle"
        );
        assert_eq!(
            clean_label("coffee table", &aliases).unwrap(),
            "coffee table"
        );
        assert_eq!(clean_label("chair_2", &aliases), None);
        assert_eq!(clean_label("a b c d", &aliases), None);
        assert_eq!(clean_label("", &aliases), None);
    }

    #[test]
    fn battery_fraction_follows_ros_convention() {
        let mut state = RobotState::default();
        state.set_battery_fraction(0.456);
        assert_eq!(state.battery_pct, 46);
        state.set_battery_fraction(f32::NAN);
        state.set_battery_fraction(1.5);
        assert_eq!(state.battery_pct, 46);
    }

    #[test]
    fn prompt_lists_objects_first_without_repeats() {
        let mut state = RobotState::default();
        for label in ["sofa", "cup", "lamp", "cup", "keys"] {
            state.perceived.push(Perceived {
                label: label.into(),
                room: PlaceId::LivingRoom,
            });
        }
        let labels: Vec<String> = state
            .perceived_for_prompt()
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(labels, ["cup", "keys", "sofa", "lamp"]);
    }

    fn answer(say: &str, action: Action) -> Understanding {
        Understanding {
            say: say.into(),
            actions: vec![action],
        }
    }

    #[test]
    fn status_and_describe_after_a_motion_are_promised_not_answered() {
        let go_and_look = vec![
            Action::Navigate {
                target: PlaceId::Kitchen,
            },
            Action::Describe,
        ];
        assert_eq!(deferred_steps(&go_and_look), [1]);
        let mut understanding = Understanding {
            say: "Going to the kitchen. Then here in the living room I can see the cup.".into(),
            actions: go_and_look,
        };
        assert!(defer_state_answers(&mut understanding));
        assert_eq!(
            understanding.say,
            "Going to the kitchen. Then I'll tell you what I see."
        );
        // Asked before moving (or after stopping), the answer is the present state.
        let look_then_go = [
            Action::Status,
            Action::Stop,
            Action::Describe,
            Action::Turn { angle_deg: 90.0 },
            Action::Status,
        ];
        assert_eq!(deferred_steps(&look_then_go), [4]);
        assert!(deferred_steps(&[Action::Describe]).is_empty());
        // A say text that is not one sentence per step is left as it is.
        let mut whole = Understanding {
            say: "Going to the kitchen to have a look.".into(),
            actions: vec![
                Action::Navigate {
                    target: PlaceId::Kitchen,
                },
                Action::Status,
            ],
        };
        assert!(!defer_state_answers(&mut whole));
        assert_eq!(whole.say, "Going to the kitchen to have a look.");
    }

    #[test]
    fn status_answers_must_match_the_state() {
        let state = RobotState {
            room: PlaceId::Kitchen,
            battery_pct: 55,
            perceived: vec![],
        };
        let mut right = answer(
            "I'm in the kitchen and my battery is at 55 percent.",
            Action::Status,
        );
        assert_eq!(enforce_grounding(&mut right, &state), None);
        let mut battery_only = answer("My battery is at 55%.", Action::Status);
        assert_eq!(enforce_grounding(&mut battery_only, &state), None);
        for wrong in [
            "I'm in the office.",
            "My battery is at 80 percent.",
            "Sure thing.",
        ] {
            let mut reply = answer(wrong, Action::Status);
            assert_eq!(
                enforce_grounding(&mut reply, &state).as_deref(),
                Some(wrong)
            );
            assert_eq!(
                reply.say,
                "I'm in the kitchen and my battery is at 55 percent."
            );
        }
    }

    #[test]
    fn a_claim_to_be_in_another_room_is_the_drive_there() {
        let state = RobotState {
            room: PlaceId::Office,
            ..RobotState::default()
        };
        let mut claimed = Understanding {
            say: "I'm already in the kitchen.".into(),
            actions: vec![],
        };
        assert!(enforce_grounding(&mut claimed, &state).is_some());
        assert_eq!(claimed.say, "Going to the kitchen.");
        assert_eq!(
            claimed.actions,
            [Action::Navigate {
                target: PlaceId::Kitchen
            }]
        );
        // A true claim is left alone, and so is a drive to the robot's own room.
        let mut true_claim = Understanding {
            say: "I'm already in the office.".into(),
            actions: vec![],
        };
        assert_eq!(enforce_grounding(&mut true_claim, &state), None);
        let office = Action::Navigate {
            target: PlaceId::Office,
        };
        let mut here = answer("Going to the office.", office);
        assert_eq!(enforce_grounding(&mut here, &state), None);
    }

    #[test]
    fn a_where_question_about_a_known_object_is_answered_not_searched() {
        let state = RobotState {
            room: PlaceId::Bedroom,
            battery_pct: 80,
            perceived: vec![Perceived {
                label: "book".into(),
                room: PlaceId::Bedroom,
            }],
        };
        let facts = [crate::prompt::Fact::location(
            ObjectId::Phone,
            PlaceId::Bathroom,
        )];
        let find = |object| answer("I'll look for it.", Action::Find { object });
        for (utterance, object, said) in [
            (
                "Where can I find my cellphone?",
                ObjectId::Phone,
                "As far as I know, the phone is in the bathroom.",
            ),
            (
                "where's my paperback at",
                ObjectId::Book,
                "I can see the book right here in the bedroom.",
            ),
        ] {
            let mut reply = find(object);
            assert!(
                answer_where_from_what_is_known(&mut reply, utterance, &state, &facts).is_some()
            );
            assert_eq!(reply.say, said);
            assert_eq!(reply.actions, []);
        }
        // Unknown whereabouts are looked for, and a request to find is a request.
        let mut keys = find(ObjectId::Keys);
        assert_eq!(
            answer_where_from_what_is_known(&mut keys, "where are my keys", &state, &facts),
            None
        );
        let mut phone = find(ObjectId::Phone);
        assert_eq!(
            answer_where_from_what_is_known(&mut phone, "find my phone", &state, &facts),
            None
        );
        assert_eq!(phone.actions.len(), 1);
    }

    #[test]
    fn an_answer_says_what_its_steps_do() {
        let left = Action::Turn { angle_deg: 90.0 };
        let nudge = Action::Move { distance_m: 0.25 };
        for said in ["Turning left.", "Turning left 90 degrees."] {
            assert_eq!(enforce_said_steps(&mut answer(said, left)), None);
        }
        let mut two = Understanding {
            say: "Moving forward a little. Then turning left 90 degrees.".into(),
            actions: vec![nudge, left],
        };
        assert_eq!(enforce_said_steps(&mut two), None);
        for wrong in [
            "Turning left 90 degrees.",
            "Moving forward 1 meter.",
            "Turning left Nice to meet youMoving forward 1 meter.",
        ] {
            let mut reply = answer(wrong, nudge);
            assert_eq!(enforce_said_steps(&mut reply).as_deref(), Some(wrong));
            assert_eq!(reply.say, "Moving forward a little.");
        }
        let mut short = Understanding {
            say: "Turning around.".into(),
            actions: vec![
                Action::Turn { angle_deg: 180.0 },
                Action::Bring {
                    object: ObjectId::Keys,
                    to: crate::actions::Destination::User,
                },
            ],
        };
        assert!(enforce_said_steps(&mut short).is_some());
        assert_eq!(short.say, "Turning around. Then I'll bring you the keys.");
        // Status and describe sentences are the state's, checked by enforce_grounding.
        let mut status = answer("Sure.", Action::Status);
        assert_eq!(enforce_said_steps(&mut status), None);
    }

    #[test]
    fn describe_answers_name_only_what_is_perceived() {
        let state = RobotState {
            room: PlaceId::Bedroom,
            battery_pct: 80,
            perceived: vec![
                Perceived {
                    label: "book".into(),
                    room: PlaceId::Bedroom,
                },
                Perceived {
                    label: "lamp".into(),
                    room: PlaceId::Bedroom,
                },
            ],
        };
        let mut right = answer(
            "Here in the bedroom I can see the book and the lamp.",
            Action::Describe,
        );
        assert_eq!(enforce_grounding(&mut right, &state), None);
        let mut wrong = answer("Here in the bedroom I can see the cup.", Action::Describe);
        assert!(enforce_grounding(&mut wrong, &state).is_some());
        assert_eq!(
            wrong.say,
            "Here in the bedroom I can see the book and the lamp."
        );
        let mut partial = answer("Here in the bedroom I can see the book.", Action::Describe);
        assert!(enforce_grounding(&mut partial, &state).is_some());
        assert_eq!(
            partial.say,
            "Here in the bedroom I can see the book and the lamp."
        );
        // Multi-step answers and other actions are left alone.
        let mut trip = Understanding {
            say: "Going to the kitchen. Then I'm in the kitchen.".into(),
            actions: vec![
                Action::Navigate {
                    target: PlaceId::Kitchen,
                },
                Action::Status,
            ],
        };
        assert_eq!(enforce_grounding(&mut trip, &state), None);
        assert_eq!(
            describe_sentence(&RobotState::default()),
            "I don't see anything in particular here in the living room."
        );
    }

    #[test]
    fn a_name_or_liking_said_from_memory_is_what_the_facts_hold() {
        use crate::prompt::Fact;
        let fact = |subject: &str, relation: &str, value: &str| Fact {
            subject: subject.into(),
            relation: relation.into(),
            value: value.into(),
        };
        let facts = vec![
            fact("user", "name", "dave"),
            fact("wife", "name", "sarah"),
            fact("user", "likes", "jazz"),
            fact("user", "likes", "green tea"),
        ];
        let cases = [
            ("Your name is Sarah.", Some("Your name is Dave.")),
            ("Your name is Dave.", None),
            (
                "Your wife's name is Dave.",
                Some("Your wife's name is Sarah."),
            ),
            ("Your wife's name is Sarah.", None),
            (
                "Your son's name is Dave.",
                Some("I don't know your son's name yet."),
            ),
            (
                "You told me you like Dave.",
                Some("You told me you like jazz."),
            ),
            ("You told me you like green tea.", None),
            ("Got it, your wife's name is Dave.", None),
        ];
        for (say, expected) in cases {
            let mut understanding = Understanding {
                say: say.into(),
                actions: Vec::new(),
            };
            let replaced = answer_recall_from_facts(&mut understanding, &facts);
            assert_eq!(replaced.is_some(), expected.is_some(), "{say}");
            assert_eq!(understanding.say, expected.unwrap_or(say), "{say}");
        }
        let mut understanding = Understanding {
            say: "Your name is Dave.".into(),
            actions: Vec::new(),
        };
        answer_recall_from_facts(&mut understanding, &[]);
        assert_eq!(understanding.say, crate::corpus::generate::NAME_UNKNOWN);
    }

    /// Every answer of the corpus (training and held-out) keeps its say text given its facts.
    #[test]
    fn every_recall_of_the_corpus_keeps_its_answer() {
        let corpus = crate::corpus::sample_for_tests();
        let mut recalls = 0;
        for example in corpus.train.iter().chain(&corpus.heldout) {
            let prompt = crate::prompt::Prompt::parse(&example.prompt).unwrap();
            let output = crate::prompt::ModelOutput::parse(&example.answer).unwrap();
            let (mut understanding, _) = output.into_parts();
            let said = understanding.say.clone();
            recalls += usize::from(said.starts_with("Your ") || said.starts_with("You told"));
            let replaced = answer_recall_from_facts(&mut understanding, &prompt.grounding.facts);
            assert_eq!(replaced, None, "{}: {said}", example.prompt);
        }
        assert!(recalls > 500, "{recalls} recall answers");
    }
}
