//! The output grammar: a byte automaton accepting exactly the texts [`ModelOutput::parse`]
//! accepts, so decoding under it (via [`mcsd::constrain::AutomatonConstraint`]) always yields
//! a parsable reply whose steps name only canonical places and objects.
//!
//! The language is written as a regular expression built from the canonical names and compiled
//! once to a dense DFA (`regex-automata`, all-matches semantics so no alternative shadows
//! another); each decoded byte is one table lookup.
//!
//! [`ModelOutput::parse`]: crate::prompt::ModelOutput::parse

use embodied_world::{ObjectId, PlaceId};
use mcsd::constrain::ByteAutomaton;
use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};

use crate::error::Error;
use crate::prompt::{
    LOCATION_RELATION, MAX_MOVE_M, MAX_SAY_BYTES, MAX_STEPS, MAX_SUBJECT_WORDS, MAX_TURN_DEG,
    MAX_VALUE_WORDS, MAX_WORD_BYTES, SAY_PUNCTUATION,
};
use crate::slots::{MAX_PER_KIND, SlotKind, Slots};

/// The output grammar as a byte automaton.
#[derive(Debug, Clone)]
pub struct OutputGrammar {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
}

impl OutputGrammar {
    /// Compiles the grammar over the canonical places and objects.
    ///
    /// # Errors
    /// [`Error::Grammar`] when the expression does not compile (a bug, tested).
    pub fn new() -> Result<Self, Error> {
        let pattern = pattern();
        let dfa = dense::Builder::new()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .match_kind(MatchKind::All)
                    .minimize(false),
            )
            .build(&pattern)
            .map_err(|e| Error::Grammar {
                reason: e.to_string(),
            })?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|e| Error::Grammar {
                reason: e.to_string(),
            })?;
        tracing::debug!(bytes = dfa.memory_usage(), "output grammar compiled");
        Ok(Self { dfa, start })
    }

    /// Whether `text` is a complete valid output.
    pub fn accepts(&self, text: &str) -> bool {
        ByteAutomaton::accepts(self, text)
    }
}

impl ByteAutomaton for OutputGrammar {
    type State = StateID;

    fn start(&self) -> StateID {
        self.start
    }

    fn next(&self, state: &StateID, byte: u8) -> Option<StateID> {
        let next = self.dfa.next_state(*state, byte);
        (!self.dfa.is_dead_state(next) && !self.dfa.is_quit_state(next)).then_some(next)
    }

    fn is_accepting(&self, state: &StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(*state))
    }
}

/// The names, or a placeholder of `slot` ([`crate::slots`]).
/// The grammar for one prompt's [`Slots`]: a placeholder is accepted only when it is bound,
/// and a number only where its value fits (a MOVE within ±10 m, a TURN a whole angle within
/// ±360°), so every decoded answer can be restored and parsed.
#[derive(Debug, Clone)]
pub struct SlotGrammar {
    grammar: std::sync::Arc<OutputGrammar>,
    bound: [u8; 4],
    /// Bit i: number slot i + 1 is a valid MOVE distance.
    distances: u16,
    /// Bit i: number slot i + 1 is a valid TURN angle.
    angles: u16,
}

impl SlotGrammar {
    /// `grammar` restricted to the placeholders `slots` binds.
    pub fn new(grammar: std::sync::Arc<OutputGrammar>, slots: &Slots) -> Self {
        let mut bound = [0; 4];
        for kind in SlotKind::ALL {
            bound[kind.index()] = u8::try_from(slots.count(kind)).unwrap_or(u8::MAX);
        }
        let mask = |fits: fn(f64) -> bool| {
            slots
                .numbers()
                .iter()
                .enumerate()
                .filter(|(_, n)| n.parse::<f64>().is_ok_and(fits))
                .fold(0u16, |mask, (i, _)| mask | 1 << i)
        };
        Self {
            grammar,
            bound,
            distances: mask(|v| v != 0.0 && v.abs() <= MAX_MOVE_M && (v * 100.0).fract() == 0.0),
            angles: mask(|v| v != 0.0 && v.abs() <= f64::from(MAX_TURN_DEG) && v.fract() == 0.0),
        }
    }

    /// Whether `digit` may follow slot letter `kind` in `step`.
    fn digit_fits(&self, kind: SlotKind, step: Step, digit: u8) -> bool {
        if !(b'1'..=b'9').contains(&digit) || digit - b'0' > self.bound[kind.index()] {
            return false;
        }
        let bit = 1u16 << (digit - b'1');
        match (kind, step) {
            (SlotKind::Number, Step::Move) => self.distances & bit != 0,
            (SlotKind::Number, Step::Turn) => self.angles & bit != 0,
            _ => true,
        }
    }
}

/// Which step the decoder is in (numbers are checked against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The say text, or the first bytes of a step.
    Open,
    /// `move ...`
    Move,
    /// `turn ...`
    Turn,
    /// Any other step.
    Other,
}

/// A [`SlotGrammar`] state: the DFA state, the last two bytes (a placeholder is a slot
/// letter at the start of a word, then its digit) and the step being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotState {
    dfa: StateID,
    last: u8,
    before_last: u8,
    step: Step,
    /// Bytes of the current step so far (its keyword decides [`Step`]), saturating.
    step_bytes: u8,
    keyword: [u8; 4],
}

impl SlotState {
    fn after(&self, dfa: StateID, byte: u8) -> Self {
        let mut next = Self {
            dfa,
            last: byte,
            before_last: self.last,
            ..*self
        };
        if byte == b'|' {
            next.step = Step::Open;
            next.step_bytes = 0;
            next.keyword = [0; 4];
        } else if next.step_bytes < 4 && self.step_bytes < 4 && self.has_bar() {
            next.keyword[usize::from(next.step_bytes)] = byte;
            next.step_bytes += 1;
            if next.step_bytes == 4 {
                next.step = match &next.keyword {
                    b"move" => Step::Move,
                    b"turn" => Step::Turn,
                    _ => Step::Other,
                };
            }
        }
        next
    }

    /// Whether the last byte is a slot letter starting a word (a digit or letter must follow).
    fn at_slot_letter(&self) -> bool {
        SlotKind::from_letter(self.last).is_some() && !self.before_last.is_ascii_alphanumeric()
    }

    /// Whether a `|` has been written (the say text is over).
    fn has_bar(&self) -> bool {
        self.step != Step::Open || self.step_bytes > 0 || self.last == b'|'
    }
}

impl ByteAutomaton for SlotGrammar {
    type State = SlotState;

    fn start(&self) -> SlotState {
        SlotState {
            dfa: self.grammar.start(),
            last: b' ',
            before_last: b' ',
            step: Step::Open,
            step_bytes: 0,
            keyword: [0; 4],
        }
    }

    fn next(&self, state: &SlotState, byte: u8) -> Option<SlotState> {
        if state.at_slot_letter() {
            match SlotKind::from_letter(state.last) {
                Some(kind) if byte.is_ascii_digit() && !self.digit_fits(kind, state.step, byte) => {
                    return None;
                }
                // A slot letter alone ("in the P at 97 percent") is a placeholder the grammar
                // refused to bind, not a word.
                _ if !byte.is_ascii_alphanumeric() => return None,
                _ => {}
            }
        }
        let dfa = self.grammar.next(&state.dfa, byte)?;
        // A slot letter starting a word must lead on: to a placeholder digit that fits, or to
        // a letter (a say text word such as "Please"); else decoding could be cornered.
        if !state.last.is_ascii_alphanumeric()
            && let Some(kind) = SlotKind::from_letter(byte)
        {
            let leads_on = (0..=u8::MAX).any(|b| {
                let allowed = if b.is_ascii_digit() {
                    self.digit_fits(kind, state.step, b)
                } else {
                    b.is_ascii_alphabetic()
                };
                allowed && self.grammar.next(&dfa, b).is_some()
            });
            if !leads_on {
                return None;
            }
        }
        Some(state.after(dfa, byte))
    }

    fn is_accepting(&self, state: &SlotState) -> bool {
        self.grammar.is_accepting(&state.dfa) && !state.at_slot_letter()
    }
}

fn alternatives<'a>(names: impl Iterator<Item = &'a str>, slot: SlotKind) -> String {
    let mut names: Vec<String> = names.map(escape).collect();
    names.push(slot_pattern(slot));
    format!("(?:{})", names.join("|"))
}

fn slot_pattern(slot: SlotKind) -> String {
    format!("{}[1-{MAX_PER_KIND}]", char::from(slot.letter()))
}

/// Canonical names are lowercase words; escape anything else anyway.
fn escape(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == ' ' {
                c.to_string()
            } else {
                format!("\\x{:02x}", c as u32)
            }
        })
        .collect()
}

/// `1..=max_words` words of `class` bytes, 1..=MAX_WORD_BYTES each, single spaces.
fn words(class: &str, max_words: usize) -> String {
    let word = format!(
        "(?:{class}{{1,{MAX_WORD_BYTES}}}|{}|{})",
        slot_pattern(SlotKind::Word),
        slot_pattern(SlotKind::Number)
    );
    format!("{word}(?: {word}){{0,{}}}", max_words - 1)
}

/// The whole output language (see [`crate::prompt`]).
pub fn pattern() -> String {
    let places = alternatives(PlaceId::ALL.iter().map(|p| p.name()), SlotKind::Place);
    let objects = alternatives(ObjectId::ALL.iter().map(|o| o.name()), SlotKind::Object);
    let number = slot_pattern(SlotKind::Number);
    let destination = format!("(?:{places}|user)");
    let punctuation: String = SAY_PUNCTUATION
        .chars()
        .map(|c| format!("\\x{:02x}", c as u32))
        .collect();
    let say = format!(
        "[A-Za-z0-9][A-Za-z0-9 {punctuation}]{{0,{}}}",
        MAX_SAY_BYTES - 1
    );
    // Non-zero, at most 2 decimals without trailing zeros, |d| <= 10 (MAX_MOVE_M).
    let distance = format!(r"-?(?:0\.[0-9]?[1-9]|[1-9](?:\.[0-9]?[1-9])?|10|{number})");
    // Non-zero integer, |a| <= 360 (MAX_TURN_DEG).
    let angle = format!(r"-?(?:[1-9][0-9]?|[12][0-9][0-9]|3[0-5][0-9]|360|{number})");
    let subject = words("[a-z']", MAX_SUBJECT_WORDS);
    let value = words("[a-z0-9']", MAX_VALUE_WORDS);
    // One or two lowercase words joined by `_`, except the location relation "in".
    debug_assert_eq!(LOCATION_RELATION, "in");
    let w = format!("[a-z]{{1,{MAX_WORD_BYTES}}}");
    let rest = MAX_WORD_BYTES - 2;
    let first = format!(
        "(?:i|i[a-mo-z][a-z]{{0,{rest}}}|in[a-z]{{1,{rest}}}|[a-hj-z][a-z]{{0,{}}})",
        MAX_WORD_BYTES - 1
    );
    let relation = format!("(?:{first}(?:_{w})?|in_{w})");
    let fact = format!("(?:{objects}@{places}|{subject}:{relation}:{value})");
    let step = format!(
        "(?:nav {places}|move {distance}|turn {angle}|stop|find {objects}\
         |bring {objects} to {destination}|describe|status\
         |remember {fact}|forget (?:{objects}|{subject})(?::{relation})?)"
    );
    format!("(?:{say}(?:\\|{step}){{0,{MAX_STEPS}}})\\z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::ModelOutput;

    #[test]
    fn accepts_valid_and_rejects_invented_or_malformed() {
        let grammar = OutputGrammar::new().unwrap();
        for good in [
            "Hello!",
            "On my way.|nav living room",
            "Okay.|move -0.61|turn -90|turn 360|move 10|move 0.05",
            "Sure.|bring water bottle to user|bring cup to charging dock",
            "Stopping.|stop",
            "Let me look.|find remote control|describe|status",
            "Noted.|remember keys@bedroom|remember user:name:anna|forget user:favorite_drink",
            "Done.|forget keys|remember sister:likes:green tea|remember user:is:in_a_hurry x",
            "Ok.|remember user:ink:blue|remember user:i:x|remember user:in_room:x",
        ] {
            assert_eq!(
                grammar.accepts(good),
                ModelOutput::parse(good).is_ok(),
                "{good}"
            );
        }
        for good in [
            "Hello!",
            "On my way.|nav living room",
            "Okay.|move -0.61|turn -90|turn 360|move 10|move 0.05",
            "Sure.|bring water bottle to user|bring cup to charging dock",
            "Noted.|remember keys@bedroom|remember user:name:anna|forget user:favorite_drink",
            "Ok.|remember user:ink:blue|remember user:i:x|remember user:in_room:x",
        ] {
            assert!(grammar.accepts(good), "{good}");
        }
        for bad in [
            "",
            " Hi",
            "Hi|",
            "Hi|nav garage",
            "Hi|nav kitchen ",
            "Hi|find laptop",
            "Hi|bring umbrella to user",
            "Hi|bring cup to attic",
            "Hi|move 1.50",
            "Hi|move 0",
            "Hi|move 10.5",
            "Hi|turn 361",
            "Hi|turn 90.5",
            "Hi|remember keys:in:bedroom",
            "Hi|remember keys@garage",
            "Hi|remember user:name:",
            "Hi|forget  keys",
            "Hi<script>",
            "Hi|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen|nav kitchen",
        ] {
            assert!(!grammar.accepts(bad), "{bad}");
            assert!(ModelOutput::parse(bad).is_err(), "{bad}");
        }
        assert!(grammar.accepts(&format!("A{}", "b".repeat(MAX_SAY_BYTES - 1))));
        assert!(!grammar.accepts(&format!("A{}", "b".repeat(MAX_SAY_BYTES))));
    }

    #[test]
    fn placeholders_are_accepted_only_when_bound() {
        let grammar = std::sync::Arc::new(OutputGrammar::new().unwrap());
        for good in [
            "Going to the P1.|nav P1",
            "Ok W1.|bring O2 to P1|move -N1|turn N2|remember user:name:W1",
            "Noted.|remember O1@P2|remember W1:likes:W2 W3|forget W1",
        ] {
            assert!(grammar.accepts(good), "{good}");
        }
        for bad in [
            "Hi|nav P0",
            "Hi|nav P10",
            "Hi|find P1",
            "Hi|nav O1",
            "Hi|move N",
        ] {
            assert!(!grammar.accepts(bad), "{bad}");
        }
        let prompt = crate::Prompt::new(crate::Grounding::default(), "go to the kitchen").unwrap();
        let (_, slots) = crate::slots::SlotLexicon::for_tests().abstract_prompt(&prompt, |_| false);
        let bounded = SlotGrammar::new(grammar, &slots);
        let run = |text: &str| bounded.accepts(text);
        assert!(run("Going to the P1.|nav P1"));
        assert!(!run("Going to the P2.|nav P1"));
        assert!(!run("Ok.|nav P2"));
        assert!(!run("Ok.|find O1"));
        // "nav P" cannot go on when no place is bound, so "P" is refused at once.
        let mut state = bounded.start();
        for &byte in b"Ok.|find " {
            state = bounded.next(&state, byte).unwrap();
        }
        assert!(bounded.next(&state, b'O').is_none());
        assert!(bounded.next(&state, b'c').is_some());
        assert!(run("Ok, MP3.|nav kitchen"));
        // A slot letter alone is no word: "in the P" cannot go on with a space or end there.
        assert!(!run("It is in the P at home."));
        assert!(!run("It is in the P"));
        assert!(run("Okay, OK. No Worries.|nav P1"));
        // "spin 180 degrees and move 2 meters": N1 = 180 is an angle, N2 = 2 a distance.
        let prompt = crate::Prompt::new(
            crate::Grounding::default(),
            "turn left 180 degrees and move forward 2 meters",
        )
        .unwrap();
        let (_, slots) = crate::slots::SlotLexicon::for_tests().abstract_prompt(&prompt, |_| false);
        let bounded = SlotGrammar::new(std::sync::Arc::new(OutputGrammar::new().unwrap()), &slots);
        let run = |text: &str| bounded.accepts(text);
        assert!(run(
            "Turning N1 degrees, moving N2.|turn N1|move N2|move -N2"
        ));
        assert!(!run("Ok.|move N1"));
        assert!(run("Ok.|turn N2|remember user:age:N1"));
    }

    #[test]
    fn prefixes_of_valid_outputs_stay_alive() {
        let grammar = OutputGrammar::new().unwrap();
        let text = "Bringing it.|bring remote control to living room|turn -45";
        let mut state = grammar.start();
        for (i, &byte) in text.as_bytes().iter().enumerate() {
            state = grammar
                .next(&state, byte)
                .unwrap_or_else(|| panic!("dead after {:?}", &text[..=i]));
        }
        assert!(grammar.is_accepting(&state));
        // "bring remote control to living" is not complete.
        let mut state = grammar.start();
        for &byte in "Ok.|nav living".as_bytes() {
            state = grammar.next(&state, byte).unwrap();
        }
        assert!(!grammar.is_accepting(&state));
    }
}
