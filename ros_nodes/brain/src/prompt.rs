//! The model's input and output texts.
//!
//! **Input** (one per turn; the conversation lives in the model's recurrent state, so a turn
//! carries only the new grounding and utterance):
//!
//! ```text
//! room living room|bat 80|see cup@kitchen,keys@hallway|mem keys@bedroom,user:name:anna|u bring me a cup
//! ```
//!
//! `room` is the robot's room, `bat` its battery in percent, `see` the perceived objects
//! (`label@room`), `mem` the memory facts retrieved for this utterance (`object@place` for where
//! an object is, `subject:relation:value` otherwise) and `u` the utterance, always last. `see`
//! and `mem` are left out when empty.
//!
//! **Output**: the say text, then up to [`MAX_STEPS`] steps, each after a `|`:
//!
//! ```text
//! Sure, bringing you the cup.|bring cup to user
//! Got it, your keys are in the bedroom.|remember keys@bedroom
//! ```
//!
//! Steps: `nav PLACE`, `move METRES`, `turn DEGREES`, `stop`, `find OBJECT`,
//! `bring OBJECT to PLACE|user`, `describe`, `status` (the [`Action`]s), and the memory
//! operations `remember FACT` and `forget SUBJECT[:RELATION]`, which the brain executes
//! against its memory and which never reach the planner.

use std::fmt::{self, Write as _};

use embodied_world::{ObjectId, PlaceId};

use crate::actions::{Action, Destination, Understanding};
use crate::error::Error;

/// Longest say text, in bytes.
pub const MAX_SAY_BYTES: usize = 160;
/// Most steps (actions and memory operations) in one output.
pub const MAX_STEPS: usize = 6;
/// Largest |distance| of a MOVE step, metres.
pub const MAX_MOVE_M: f64 = 10.0;
/// Largest |angle| of a TURN step, degrees.
pub const MAX_TURN_DEG: i32 = 360;
/// Longest utterance accepted into a prompt, in characters.
pub const MAX_UTTERANCE_CHARS: usize = 300;
/// Relation of a location fact (`keys@bedroom` is `keys:in:bedroom`).
pub const LOCATION_RELATION: &str = "in";
/// Most words of a fact's subject or a perceived label.
pub const MAX_SUBJECT_WORDS: usize = 3;
/// Most words of a fact's value.
pub const MAX_VALUE_WORDS: usize = 4;
/// Longest word in a fact field, bytes.
pub const MAX_WORD_BYTES: usize = 12;

/// Punctuation allowed in say text besides letters, digits and space.
pub const SAY_PUNCTUATION: &str = ",.'?!%-";

/// An object the robot currently perceives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Perceived {
    /// Detector label (lowercase words).
    pub label: String,
    /// Room it is in.
    pub room: PlaceId,
}

/// A remembered fact: `subject relation value`, e.g. `user name anna` or `keys in bedroom`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fact {
    /// What the fact is about (`user`, `keys`, `sister`).
    pub subject: String,
    /// The relation (`name`, `likes`, or [`LOCATION_RELATION`]).
    pub relation: String,
    /// The value (`anna`, `green tea`, `bedroom`).
    pub value: String,
}

impl Fact {
    /// Where an object is.
    pub fn location(object: ObjectId, place: PlaceId) -> Self {
        Self {
            subject: object.name().to_owned(),
            relation: LOCATION_RELATION.to_owned(),
            value: place.name().to_owned(),
        }
    }

    /// A general fact; fields are checked by [`Fact::validate`].
    pub fn new(subject: &str, relation: &str, value: &str) -> Result<Self, Error> {
        let fact = Self {
            subject: subject.to_owned(),
            relation: relation.to_owned(),
            value: value.to_owned(),
        };
        fact.validate()?;
        Ok(fact)
    }

    /// The object and place of a location fact.
    pub fn as_location(&self) -> Option<(ObjectId, PlaceId)> {
        if self.relation != LOCATION_RELATION {
            return None;
        }
        Some((
            ObjectId::from_name(&self.subject)?,
            PlaceId::from_name(&self.value)?,
        ))
    }

    /// Checks the field syntax: lowercase words, bounded; a location fact names a canonical
    /// object and place.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        if self.relation == LOCATION_RELATION {
            if self.as_location().is_none() {
                return Err(invalid(
                    "fact",
                    &self.to_string(),
                    "a location fact needs a known object and place",
                ));
            }
            return Ok(());
        }
        check_words(
            "fact subject",
            &self.subject,
            MAX_SUBJECT_WORDS,
            is_subject_byte,
        )?;
        check_relation(&self.relation)?;
        check_words("fact value", &self.value, MAX_VALUE_WORDS, is_value_byte)
    }
}

impl fmt::Display for Fact {
    /// `object@place` for a location, `subject:relation:value` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&mut Verbatim))
    }
}

impl Fact {
    /// The [`Display`](fmt::Display) form with names written by `names`.
    pub fn render(&self, names: &mut impl PromptNames) -> String {
        match self.as_location() {
            Some((object, place)) => {
                let (label, place) = names.located(object.name(), place);
                format!("{label}@{place}")
            }
            None => format!(
                "{}:{}:{}",
                names.words(&self.subject),
                self.relation,
                names.words(&self.value)
            ),
        }
    }
}

/// How [`Prompt::render`] writes the names in a prompt. The defaults write them as they are.
pub trait PromptNames {
    /// The utterance.
    fn utterance(&mut self, utterance: &str) -> String {
        utterance.to_owned()
    }
    /// The robot's room.
    fn room(&mut self, room: PlaceId) -> String {
        room.name().to_owned()
    }
    /// A perceived label or a located object, and its room.
    fn located(&mut self, label: &str, place: PlaceId) -> (String, String) {
        (label.to_owned(), place.name().to_owned())
    }
    /// The subject or value of a general fact.
    fn words(&mut self, words: &str) -> String {
        words.to_owned()
    }
}

/// Writes every name as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verbatim;

impl PromptNames for Verbatim {}

impl Fact {
    /// Parses the [`Display`](fmt::Display) form.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the text is not a valid fact.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let fact = if let Some((object, place)) = text.split_once('@') {
            let object = ObjectId::from_name(object)
                .ok_or_else(|| invalid("fact object", object, "not a known object"))?;
            let place = PlaceId::from_name(place)
                .ok_or_else(|| invalid("fact place", place, "not a known place"))?;
            Fact::location(object, place)
        } else {
            let mut fields = text.splitn(3, ':');
            match (fields.next(), fields.next(), fields.next()) {
                (Some(subject), Some(relation), Some(value)) => Self {
                    subject: subject.to_owned(),
                    relation: relation.to_owned(),
                    value: value.to_owned(),
                },
                _ => {
                    return Err(invalid(
                        "fact",
                        text,
                        "expected object@place or subject:relation:value",
                    ));
                }
            }
        };
        if fact.relation == LOCATION_RELATION && !text.contains('@') {
            return Err(invalid("fact", text, "a location is written object@place"));
        }
        fact.validate()?;
        Ok(fact)
    }
}

/// What the robot knows at the moment of an utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Grounding {
    /// The robot's room.
    pub room: PlaceId,
    /// Battery charge, percent in [0, 100].
    pub battery_pct: u8,
    /// Objects perceived now.
    pub perceived: Vec<Perceived>,
    /// Memory facts retrieved for the utterance.
    pub facts: Vec<Fact>,
}

impl Default for Grounding {
    /// The default state of `embodied understand`: living room, 80 %, nothing perceived or known.
    fn default() -> Self {
        Self {
            room: PlaceId::LivingRoom,
            battery_pct: 80,
            perceived: Vec::new(),
            facts: Vec::new(),
        }
    }
}

/// One model input: grounding plus the utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// The grounding.
    pub grounding: Grounding,
    /// The utterance, normalised by [`normalize_utterance`].
    pub utterance: String,
}

/// Collapses whitespace and control characters to single spaces and trims.
pub fn normalize_utterance(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Prompt {
    /// A prompt for `utterance` (normalised).
    ///
    /// # Errors
    /// [`Error::Invalid`] when the utterance is empty or longer than [`MAX_UTTERANCE_CHARS`],
    /// the battery is over 100, or a perceived label or fact is malformed.
    pub fn new(grounding: Grounding, utterance: &str) -> Result<Self, Error> {
        let utterance = normalize_utterance(utterance);
        if utterance.is_empty() {
            return Err(invalid("utterance", "", "empty"));
        }
        let chars = utterance.chars().count();
        if chars > MAX_UTTERANCE_CHARS {
            return Err(invalid(
                "utterance",
                &chars.to_string(),
                &format!("longer than {MAX_UTTERANCE_CHARS} characters"),
            ));
        }
        if grounding.battery_pct > 100 {
            return Err(invalid(
                "battery_pct",
                &grounding.battery_pct.to_string(),
                "over 100",
            ));
        }
        for seen in &grounding.perceived {
            check_words(
                "perceived label",
                &seen.label,
                MAX_SUBJECT_WORDS,
                is_subject_byte,
            )?;
        }
        for fact in &grounding.facts {
            fact.validate()?;
        }
        Ok(Self {
            grounding,
            utterance,
        })
    }

    /// The model's input text (see the module docs).
    pub fn to_text(&self) -> String {
        self.render(&mut Verbatim)
    }

    /// The input text with every name written by `names` (the slot abstraction writes
    /// placeholders, [`Prompt::to_text`] the names themselves). The utterance is named first,
    /// though written last, so that `names` can number what it mentions before the grounding.
    pub fn render(&self, names: &mut impl PromptNames) -> String {
        let utterance = names.utterance(&self.utterance);
        let g = &self.grounding;
        let mut text = format!("room {}|bat {}", names.room(g.room), g.battery_pct);
        if !g.perceived.is_empty() {
            text.push_str("|see ");
            for (i, seen) in g.perceived.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                let (label, room) = names.located(&seen.label, seen.room);
                let _ = write!(text, "{label}@{room}");
            }
        }
        if !g.facts.is_empty() {
            text.push_str("|mem ");
            for (i, fact) in g.facts.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&fact.render(names));
            }
        }
        text.push_str("|u ");
        text.push_str(&utterance);
        text
    }

    /// Parses [`Prompt::to_text`]'s output.
    ///
    /// # Errors
    /// [`Error::ParsePrompt`] naming the malformed section.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let (head, utterance) = text
            .split_once("|u ")
            .ok_or_else(|| bad_prompt(text, "no `|u ` utterance section"))?;
        let mut sections = head.split('|');
        let room = sections
            .next()
            .and_then(|s| s.strip_prefix("room "))
            .ok_or_else(|| bad_prompt(head, "must start with `room `"))?;
        let room = PlaceId::from_name(room).ok_or_else(|| bad_prompt(room, "unknown room"))?;
        let battery = sections
            .next()
            .and_then(|s| s.strip_prefix("bat "))
            .ok_or_else(|| bad_prompt(head, "`bat ` must follow `room`"))?;
        let battery_pct = battery
            .parse::<u8>()
            .map_err(|_| bad_prompt(battery, "battery is not an integer 0..=100"))?;
        let mut grounding = Grounding {
            room,
            battery_pct,
            perceived: Vec::new(),
            facts: Vec::new(),
        };
        for section in sections {
            if let Some(list) = section.strip_prefix("see ") {
                if !grounding.perceived.is_empty() || !grounding.facts.is_empty() {
                    return Err(bad_prompt(section, "`see` repeated or after `mem`"));
                }
                for item in list.split(',') {
                    let (label, room) = item
                        .split_once('@')
                        .ok_or_else(|| bad_prompt(item, "expected label@room"))?;
                    let room =
                        PlaceId::from_name(room).ok_or_else(|| bad_prompt(room, "unknown room"))?;
                    grounding.perceived.push(Perceived {
                        label: label.to_owned(),
                        room,
                    });
                }
            } else if let Some(list) = section.strip_prefix("mem ") {
                if !grounding.facts.is_empty() {
                    return Err(bad_prompt(section, "`mem` repeated"));
                }
                for item in list.split(',') {
                    grounding
                        .facts
                        .push(Fact::parse(item).map_err(|e| bad_prompt(item, &e.to_string()))?);
                }
            } else {
                return Err(bad_prompt(section, "unknown section"));
            }
        }
        let prompt = Self::new(grounding, utterance)?;
        if prompt.utterance != utterance {
            return Err(bad_prompt(utterance, "utterance is not normalised"));
        }
        Ok(prompt)
    }
}

/// An operation on the brain's memory, asked for by the model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MemoryOp {
    /// Store a fact, replacing any fact with the same subject and relation (corrections).
    Remember(Fact),
    /// Drop facts about `subject` (only the one `relation` when given).
    Forget {
        /// The subject.
        subject: String,
        /// The relation, or all of the subject's facts.
        relation: Option<String>,
    },
}

/// One step of the output: an action for the planner or a memory operation.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputStep {
    /// An action.
    Action(Action),
    /// A memory operation.
    Memory(MemoryOp),
}

/// What joins the say texts of the steps of a request ("Going to the kitchen. Then bringing you
/// the cup.").
pub const THEN: &str = " Then ";

/// The model's output, parsed: say text and steps in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelOutput {
    /// What the robot says.
    pub say: String,
    /// Actions and memory operations, in order.
    pub steps: Vec<OutputStep>,
}

impl ModelOutput {
    /// The answer to a request of two parts, this one first: "Going to the kitchen. Then
    /// bringing you the cup." `None` when the joined answer would not fit the output bounds
    /// ([`MAX_SAY_BYTES`], [`MAX_STEPS`]).
    pub fn then(self, next: ModelOutput) -> Option<ModelOutput> {
        let mut rest = next.say.chars();
        let lowered: String = rest
            .next()
            .map(|c| c.to_lowercase().chain(rest).collect())
            .unwrap_or_default();
        // "I'll ..." stays capitalised.
        let lowered = if lowered.starts_with("i'") || lowered.starts_with("i ") {
            next.say.clone()
        } else {
            lowered
        };
        let say = format!("{}{THEN}{lowered}", self.say);
        let mut steps = self.steps;
        steps.extend(next.steps);
        (say.len() <= MAX_SAY_BYTES && steps.len() <= MAX_STEPS)
            .then_some(ModelOutput { say, steps })
    }

    /// Joins an understanding and memory operations ([`ModelOutput::into_parts`]), the memory
    /// operations first.
    pub fn from_parts(understanding: Understanding, memory: Vec<MemoryOp>) -> ModelOutput {
        let steps = memory
            .into_iter()
            .map(OutputStep::Memory)
            .chain(understanding.actions.into_iter().map(OutputStep::Action))
            .collect();
        ModelOutput {
            say: understanding.say,
            steps,
        }
    }

    /// Splits into the understanding (say + actions) and the memory operations.
    pub fn into_parts(self) -> (Understanding, Vec<MemoryOp>) {
        let mut actions = Vec::new();
        let mut memory = Vec::new();
        for step in self.steps {
            match step {
                OutputStep::Action(action) => actions.push(action),
                OutputStep::Memory(op) => memory.push(op),
            }
        }
        (
            Understanding {
                say: self.say,
                actions,
            },
            memory,
        )
    }

    /// The output text (see the module docs).
    pub fn to_text(&self) -> String {
        let mut text = self.say.clone();
        for step in &self.steps {
            text.push('|');
            match step {
                OutputStep::Action(action) => write_action(&mut text, action),
                OutputStep::Memory(MemoryOp::Remember(fact)) => {
                    let _ = write!(text, "remember {fact}");
                }
                OutputStep::Memory(MemoryOp::Forget { subject, relation }) => {
                    let _ = write!(text, "forget {subject}");
                    if let Some(relation) = relation {
                        let _ = write!(text, ":{relation}");
                    }
                }
            }
        }
        text
    }

    /// Parses an output text. Accepts exactly the texts [`crate::OutputGrammar`] accepts.
    ///
    /// # Errors
    /// [`Error::ParseOutput`] naming the offending part.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut parts = text.split('|');
        let say = parts.next().unwrap_or_default();
        check_say(say)?;
        let steps = parts.map(parse_step).collect::<Result<Vec<_>, _>>()?;
        if steps.len() > MAX_STEPS {
            return Err(bad_output(
                text,
                &format!("{} steps, at most {MAX_STEPS}", steps.len()),
            ));
        }
        Ok(Self {
            say: say.to_owned(),
            steps,
        })
    }
}

fn write_action(text: &mut String, action: &Action) {
    let _ = match *action {
        Action::Navigate { target } => write!(text, "nav {target}"),
        Action::Move { distance_m } => write!(text, "move {}", format_decimal(distance_m)),
        Action::Turn { angle_deg } => write!(text, "turn {}", angle_deg.round() as i64),
        Action::Stop => write!(text, "stop"),
        Action::Find { object } => write!(text, "find {object}"),
        Action::Bring { object, to } => write!(text, "bring {object} to {}", to.name()),
        Action::Describe => write!(text, "describe"),
        Action::Status => write!(text, "status"),
    };
}

/// `value` rounded to hundredths with trailing zeros dropped: `1.5`, `-0.25`, `2`.
pub fn format_decimal(value: f64) -> String {
    let hundredths = (value * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

fn parse_step(text: &str) -> Result<OutputStep, Error> {
    let (keyword, argument) = match text.split_once(' ') {
        Some((keyword, argument)) => (keyword, Some(argument)),
        None => (text, None),
    };
    let action = match (keyword, argument) {
        ("stop", None) => Action::Stop,
        ("describe", None) => Action::Describe,
        ("status", None) => Action::Status,
        ("nav", Some(place)) => Action::Navigate {
            target: parse_place(place)?,
        },
        ("find", Some(object)) => Action::Find {
            object: parse_object(object)?,
        },
        ("bring", Some(argument)) => {
            let (object, to) = argument
                .split_once(" to ")
                .ok_or_else(|| bad_output(text, "expected `bring OBJECT to PLACE|user`"))?;
            Action::Bring {
                object: parse_object(object)?,
                to: Destination::from_name(to)
                    .ok_or_else(|| bad_output(to, "not a known place or `user`"))?,
            }
        }
        ("move", Some(number)) => Action::Move {
            distance_m: parse_distance(number)?,
        },
        ("turn", Some(number)) => Action::Turn {
            angle_deg: f64::from(parse_angle(number)?),
        },
        ("remember", Some(fact)) => {
            let fact = Fact::parse(fact).map_err(|e| bad_output(fact, &e.to_string()))?;
            return Ok(OutputStep::Memory(MemoryOp::Remember(fact)));
        }
        ("forget", Some(argument)) => {
            let (subject, relation) = match argument.split_once(':') {
                Some((subject, relation)) => (subject, Some(relation)),
                None => (argument, None),
            };
            check_words(
                "forget subject",
                subject,
                MAX_SUBJECT_WORDS,
                is_subject_byte,
            )
            .map_err(|e| bad_output(argument, &e.to_string()))?;
            if let Some(relation) = relation {
                check_relation(relation).map_err(|e| bad_output(argument, &e.to_string()))?;
            }
            return Ok(OutputStep::Memory(MemoryOp::Forget {
                subject: subject.to_owned(),
                relation: relation.map(str::to_owned),
            }));
        }
        _ => return Err(bad_output(text, "unknown step or wrong arguments")),
    };
    Ok(OutputStep::Action(action))
}

fn parse_place(name: &str) -> Result<PlaceId, Error> {
    PlaceId::from_name(name).ok_or_else(|| bad_output(name, "not a known place"))
}

fn parse_object(name: &str) -> Result<ObjectId, Error> {
    ObjectId::from_name(name).ok_or_else(|| bad_output(name, "not a known object"))
}

fn parse_distance(text: &str) -> Result<f64, Error> {
    let value: f64 = text
        .parse()
        .map_err(|_| bad_output(text, "distance is not a number"))?;
    if format_decimal(value) != text {
        return Err(bad_output(
            text,
            "distance not in canonical form (at most 2 decimals, no trailing zeros)",
        ));
    }
    if value == 0.0 || value.abs() > MAX_MOVE_M {
        return Err(bad_output(
            text,
            &format!("distance must be non-zero and within ±{MAX_MOVE_M} m"),
        ));
    }
    Ok(value)
}

fn parse_angle(text: &str) -> Result<i32, Error> {
    let value: i32 = text
        .parse()
        .map_err(|_| bad_output(text, "angle is not an integer"))?;
    if value.to_string() != text || value == 0 || value.abs() > MAX_TURN_DEG {
        return Err(bad_output(
            text,
            &format!("angle must be a canonical non-zero integer within ±{MAX_TURN_DEG}"),
        ));
    }
    Ok(value)
}

/// Whether `byte` may appear in say text.
pub fn is_say_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b' ' || SAY_PUNCTUATION.as_bytes().contains(&byte)
}

fn check_say(say: &str) -> Result<(), Error> {
    if say.is_empty() {
        return Err(bad_output(say, "empty say text"));
    }
    if say.len() > MAX_SAY_BYTES {
        return Err(bad_output(
            say,
            &format!("say text over {MAX_SAY_BYTES} bytes"),
        ));
    }
    if !say.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(bad_output(
            say,
            "say text must start with a letter or digit",
        ));
    }
    if let Some(c) = say.bytes().find(|&b| !is_say_byte(b)) {
        return Err(bad_output(
            say,
            &format!("character {:?} not allowed in say text", c as char),
        ));
    }
    Ok(())
}

fn is_subject_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte == b'\''
}

fn is_value_byte(byte: u8) -> bool {
    is_subject_byte(byte) || byte.is_ascii_digit()
}

/// Lowercase words separated by single spaces, each 1..=[`MAX_WORD_BYTES`] bytes.
fn check_words(
    what: &'static str,
    text: &str,
    max_words: usize,
    allowed: fn(u8) -> bool,
) -> Result<(), Error> {
    let words: Vec<&str> = text.split(' ').collect();
    if words.len() > max_words {
        return Err(invalid(what, text, &format!("more than {max_words} words")));
    }
    for word in words {
        if word.is_empty() || word.len() > MAX_WORD_BYTES || !word.bytes().all(allowed) {
            return Err(invalid(
                what,
                text,
                &format!(
                    "words must be 1..={MAX_WORD_BYTES} lowercase letters (') or digits, single spaces"
                ),
            ));
        }
    }
    Ok(())
}

/// One or two lowercase words joined by `_`, not [`LOCATION_RELATION`].
fn check_relation(relation: &str) -> Result<(), Error> {
    let parts: Vec<&str> = relation.split('_').collect();
    let well_formed = parts.len() <= 2
        && parts.iter().all(|p| {
            !p.is_empty() && p.len() <= MAX_WORD_BYTES && p.bytes().all(|b| b.is_ascii_lowercase())
        });
    if !well_formed {
        return Err(invalid(
            "fact relation",
            relation,
            "one or two lowercase words joined by `_`",
        ));
    }
    if relation == LOCATION_RELATION {
        return Err(invalid(
            "fact relation",
            relation,
            "locations are written object@place",
        ));
    }
    Ok(())
}

fn invalid(what: &'static str, value: &str, reason: &str) -> Error {
    Error::Invalid {
        what,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

fn bad_output(text: &str, reason: &str) -> Error {
    Error::ParseOutput {
        text: text.to_owned(),
        reason: reason.to_owned(),
    }
}

fn bad_prompt(text: &str, reason: &str) -> Error {
    Error::ParsePrompt {
        text: text.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_output() -> ModelOutput {
        ModelOutput {
            say: "Okay, first the kitchen, then I'll look for your keys.".into(),
            steps: vec![
                OutputStep::Action(Action::Navigate {
                    target: PlaceId::Kitchen,
                }),
                OutputStep::Action(Action::Move { distance_m: -0.61 }),
                OutputStep::Action(Action::Turn { angle_deg: 180.0 }),
                OutputStep::Action(Action::Bring {
                    object: ObjectId::RemoteControl,
                    to: Destination::Place(PlaceId::LivingRoom),
                }),
                OutputStep::Memory(MemoryOp::Remember(Fact::location(
                    ObjectId::Keys,
                    PlaceId::Bedroom,
                ))),
                OutputStep::Memory(MemoryOp::Forget {
                    subject: "user".into(),
                    relation: Some("favorite_drink".into()),
                }),
            ],
        }
    }

    #[test]
    fn output_round_trips() {
        let out = sample_output();
        let text = out.to_text();
        assert_eq!(
            text,
            "Okay, first the kitchen, then I'll look for your keys.|nav kitchen|move -0.61|turn 180\
             |bring remote control to living room|remember keys@bedroom|forget user:favorite_drink"
        );
        assert_eq!(ModelOutput::parse(&text).unwrap(), out);
        let (understanding, memory) = out.into_parts();
        assert_eq!(understanding.actions.len(), 4);
        assert_eq!(memory.len(), 2);
    }

    #[test]
    fn malformed_outputs_are_typed_errors() {
        for bad in [
            "",
            " leading space",
            "Hi|nav garage",
            "Hi|find laptop",
            "Hi|bring cup to attic",
            "Hi|bring cup",
            "Hi|move 1.50",
            "Hi|move 0",
            "Hi|move 11",
            "Hi|turn 90.5",
            "Hi|turn 400",
            "Hi|stop now",
            "Hi|fly",
            "Hi|remember keys:in:bedroom",
            "Hi|remember keys@garage",
            "Hi|remember User:name:anna",
            "Hi|forget ",
            "Hi|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen",
            "Hi <b>",
        ] {
            let err = ModelOutput::parse(bad).unwrap_err();
            assert!(matches!(err, Error::ParseOutput { .. }), "{bad}: {err:?}");
        }
    }

    #[test]
    fn decimals_are_canonical() {
        assert_eq!(format_decimal(1.5), "1.5");
        assert_eq!(format_decimal(2.0), "2");
        assert_eq!(format_decimal(-0.6096), "-0.61");
        assert_eq!(format_decimal(0.05), "0.05");
        assert_eq!(format_decimal(0.1), "0.1");
    }

    #[test]
    fn prompt_round_trips() {
        let grounding = Grounding {
            room: PlaceId::Kitchen,
            battery_pct: 42,
            perceived: vec![
                Perceived {
                    label: "cup".into(),
                    room: PlaceId::Kitchen,
                },
                Perceived {
                    label: "remote control".into(),
                    room: PlaceId::Kitchen,
                },
            ],
            facts: vec![
                Fact::location(ObjectId::Keys, PlaceId::Bedroom),
                Fact::new("user", "name", "anna").unwrap(),
            ],
        };
        let prompt = Prompt::new(grounding, "  bring me the   cup | please ").unwrap();
        let text = prompt.to_text();
        assert_eq!(
            text,
            "room kitchen|bat 42|see cup@kitchen,remote control@kitchen\
             |mem keys@bedroom,user:name:anna|u bring me the cup | please"
        );
        assert_eq!(Prompt::parse(&text).unwrap(), prompt);
        let empty = Prompt::new(Grounding::default(), "hi").unwrap();
        assert_eq!(empty.to_text(), "room living room|bat 80|u hi");
        assert_eq!(Prompt::parse(&empty.to_text()).unwrap(), empty);
    }

    #[test]
    fn bad_prompts_are_rejected() {
        assert!(Prompt::new(Grounding::default(), "   ").is_err());
        assert!(Prompt::new(Grounding::default(), &"a".repeat(301)).is_err());
        for bad in [
            "room garage|bat 80|u hi",
            "room kitchen|bat 101|u hi",
            "room kitchen|u hi",
            "room kitchen|bat 80|see cup|u hi",
            "room kitchen|bat 80|mem keys@attic|u hi",
            "room kitchen|bat 80|foo bar|u hi",
            "room kitchen|bat 80",
        ] {
            assert!(Prompt::parse(bad).is_err(), "{bad}");
        }
    }
}
