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
    LOCATION_RELATION, MAX_SAY_BYTES, MAX_STEPS, MAX_SUBJECT_WORDS, MAX_VALUE_WORDS,
    MAX_WORD_BYTES, SAY_PUNCTUATION,
};

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
        let mut state = self.start;
        for &byte in text.as_bytes() {
            match self.next(&state, byte) {
                Some(next) => state = next,
                None => return false,
            }
        }
        self.is_accepting(&state)
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

fn alternatives<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(escape).collect();
    format!("(?:{})", names.join("|"))
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
    let word = format!("{class}{{1,{MAX_WORD_BYTES}}}");
    format!("{word}(?: {word}){{0,{}}}", max_words - 1)
}

/// The whole output language (see [`crate::prompt`]).
pub fn pattern() -> String {
    let places = alternatives(PlaceId::ALL.iter().map(|p| p.name()));
    let objects = alternatives(ObjectId::ALL.iter().map(|o| o.name()));
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
    let distance = r"-?(?:0\.[0-9]?[1-9]|[1-9](?:\.[0-9]?[1-9])?|10)";
    // Non-zero integer, |a| <= 360 (MAX_TURN_DEG).
    let angle = r"-?(?:[1-9][0-9]?|[12][0-9][0-9]|3[0-5][0-9]|360)";
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
         |remember {fact}|forget {subject}(?::{relation})?)"
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
