//! Constrained decoding: a finite-state mask over the vocabulary, so a caller (the brain) can
//! force the model's output into a set of valid strings.
//!
//! A constraint is a byte-level automaton; [`AutomatonConstraint`] lifts it to tokens by walking
//! each token's bytes from the current state: a token is allowed when the walk stays alive, and
//! the end tokens (`</s>`, `<eot>`) are allowed when the state accepts. Two automata are given:
//! [`StringSet`], a trie of allowed strings, and [`Template`], a sequence of slots each filled
//! by one of its own alternatives (`go_to(` + room + `)`), which stays small where the full set
//! of strings would multiply out.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::tokenizer::{Special, Tokenizer};

/// What generation needs from a constraint: which tokens may come next, and advancing by one.
pub trait TokenConstraint: Send {
    /// Sets `allowed[id]` to whether token `id` may come next (`allowed.len()` is the vocabulary
    /// size; entries start out false).
    fn allowed(&self, tokenizer: &Tokenizer, allowed: &mut [bool]);
    /// Consumes a token chosen from the allowed ones.
    ///
    /// # Errors
    /// [`Error::Input`] when `token` was not allowed.
    fn advance(&mut self, tokenizer: &Tokenizer, token: u32) -> Result<()>;
    /// Whether the output so far is complete (an end token may follow).
    fn is_accepting(&self) -> bool;
}

/// A deterministic automaton over bytes.
pub trait ByteAutomaton: Send + Sync {
    /// Automaton state.
    type State: Clone + Send;
    /// The start state.
    fn start(&self) -> Self::State;
    /// The state after `byte`, or `None` when no allowed string continues that way.
    fn next(&self, state: &Self::State, byte: u8) -> Option<Self::State>;
    /// Whether a complete allowed string ends here.
    fn is_accepting(&self, state: &Self::State) -> bool;

    /// Whether `text` is a complete allowed string.
    fn accepts(&self, text: &str) -> bool {
        let mut state = self.start();
        for &byte in text.as_bytes() {
            match self.next(&state, byte) {
                Some(next) => state = next,
                None => return false,
            }
        }
        self.is_accepting(&state)
    }
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    children: BTreeMap<u8, usize>,
    terminal: bool,
}

/// A finite set of allowed strings, stored as a byte trie.
#[derive(Debug, Clone)]
pub struct StringSet {
    nodes: Vec<TrieNode>,
}

impl StringSet {
    /// A trie of `strings`.
    ///
    /// # Errors
    /// [`Error::Input`] when the set is empty or contains the empty string.
    pub fn new<S: AsRef<str>>(strings: impl IntoIterator<Item = S>) -> Result<Self> {
        let mut nodes = vec![TrieNode::default()];
        let mut count = 0;
        for s in strings {
            let s = s.as_ref();
            if s.is_empty() {
                return Err(Error::Input {
                    what: "StringSet::new",
                    reason: "the empty string cannot be forced".into(),
                });
            }
            let mut node = 0;
            for &b in s.as_bytes() {
                node = match nodes[node].children.get(&b) {
                    Some(&child) => child,
                    None => {
                        nodes.push(TrieNode::default());
                        let child = nodes.len() - 1;
                        nodes[node].children.insert(b, child);
                        child
                    }
                };
            }
            nodes[node].terminal = true;
            count += 1;
        }
        if count == 0 {
            return Err(Error::Input {
                what: "StringSet::new",
                reason: "no strings given".into(),
            });
        }
        Ok(Self { nodes })
    }
}

impl ByteAutomaton for StringSet {
    type State = usize;
    fn start(&self) -> usize {
        0
    }
    fn next(&self, state: &usize, byte: u8) -> Option<usize> {
        self.nodes.get(*state)?.children.get(&byte).copied()
    }
    fn is_accepting(&self, state: &usize) -> bool {
        self.nodes.get(*state).is_some_and(|n| n.terminal)
    }
}

/// A sequence of slots, each matching one string of its own [`StringSet`]; literals are
/// one-string slots. The language is the concatenation of the slots.
#[derive(Debug, Clone)]
pub struct Template {
    slots: Vec<StringSet>,
}

/// State of a [`Template`]: which slots' trie positions are live (more than one when a string
/// of one slot is a prefix of another and the next slot could already start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateState {
    live: Vec<(usize, usize)>,
}

impl Template {
    /// A template from slots of alternatives.
    ///
    /// # Errors
    /// [`Error::Input`] when there is no slot or a slot is invalid for [`StringSet::new`].
    pub fn new<S: AsRef<str>>(slots: Vec<Vec<S>>) -> Result<Self> {
        if slots.is_empty() {
            return Err(Error::Input {
                what: "Template::new",
                reason: "no slots".into(),
            });
        }
        let slots = slots
            .into_iter()
            .map(StringSet::new)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { slots })
    }

    /// Adds, for each (slot, node) that completes its slot, the start of the following slot.
    fn close(&self, mut live: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        let mut i = 0;
        while i < live.len() {
            let (slot, node) = live[i];
            if self.slots[slot].is_accepting(&node) && slot + 1 < self.slots.len() {
                let start = (slot + 1, 0);
                if !live.contains(&start) {
                    live.push(start);
                }
            }
            i += 1;
        }
        live.sort_unstable();
        live
    }
}

impl ByteAutomaton for Template {
    type State = TemplateState;
    fn start(&self) -> TemplateState {
        TemplateState {
            live: self.close(vec![(0, 0)]),
        }
    }
    fn next(&self, state: &TemplateState, byte: u8) -> Option<TemplateState> {
        let live: Vec<(usize, usize)> = state
            .live
            .iter()
            .filter_map(|&(slot, node)| self.slots[slot].next(&node, byte).map(|n| (slot, n)))
            .collect();
        if live.is_empty() {
            None
        } else {
            Some(TemplateState {
                live: self.close(live),
            })
        }
    }
    fn is_accepting(&self, state: &TemplateState) -> bool {
        let last = self.slots.len() - 1;
        state
            .live
            .iter()
            .any(|&(slot, node)| slot == last && self.slots[last].is_accepting(&node))
    }
}

/// Lifts a [`ByteAutomaton`] to a token mask.
#[derive(Debug, Clone)]
pub struct AutomatonConstraint<A: ByteAutomaton> {
    automaton: A,
    state: A::State,
}

impl<A: ByteAutomaton> AutomatonConstraint<A> {
    /// A constraint at the automaton's start state.
    pub fn new(automaton: A) -> Self {
        let state = automaton.start();
        Self { automaton, state }
    }

    fn walk(&self, bytes: &[u8]) -> Option<A::State> {
        let mut state = self.state.clone();
        for &b in bytes {
            state = self.automaton.next(&state, b)?;
        }
        Some(state)
    }
}

fn is_end_token(tokenizer: &Tokenizer, id: u32) -> bool {
    id == tokenizer.special_id(Special::Eos) || id == tokenizer.special_id(Special::EndOfTurn)
}

impl<A: ByteAutomaton> TokenConstraint for AutomatonConstraint<A>
where
    A::State: std::fmt::Debug,
{
    fn allowed(&self, tokenizer: &Tokenizer, allowed: &mut [bool]) {
        let accepting = self.automaton.is_accepting(&self.state);
        for (id, slot) in allowed.iter_mut().enumerate() {
            let id = id as u32;
            *slot = if tokenizer.is_special(id) {
                accepting && is_end_token(tokenizer, id)
            } else {
                let bytes = tokenizer.token_bytes(id);
                !bytes.is_empty() && self.walk(bytes).is_some()
            };
        }
    }

    fn advance(&mut self, tokenizer: &Tokenizer, token: u32) -> Result<()> {
        if tokenizer.is_special(token) {
            if is_end_token(tokenizer, token) && self.automaton.is_accepting(&self.state) {
                return Ok(());
            }
        } else if let Some(next) = self.walk(tokenizer.token_bytes(token)) {
            self.state = next;
            return Ok(());
        }
        Err(Error::Input {
            what: "TokenConstraint::advance",
            reason: format!("token {token} is not allowed in state {:?}", self.state),
        })
    }

    fn is_accepting(&self) -> bool {
        self.automaton.is_accepting(&self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_set_accepts_exactly_its_strings() {
        let set = StringSet::new(["go", "go_to", "stop"]).unwrap();
        for s in ["go", "go_to", "stop"] {
            assert!(set.accepts(s));
        }
        for s in ["g", "go_", "stops", "", "x"] {
            assert!(!set.accepts(s), "{s}");
        }
        assert!(StringSet::new(Vec::<String>::new()).is_err());
        assert!(StringSet::new([""]).is_err());
    }

    #[test]
    fn template_is_the_concatenation_of_slots() {
        let t = Template::new(vec![
            vec!["go_to("],
            vec!["kitchen", "kitchen_table", "office"],
            vec![")"],
        ])
        .unwrap();
        for s in ["go_to(kitchen)", "go_to(kitchen_table)", "go_to(office)"] {
            assert!(t.accepts(s), "{s}");
        }
        for s in [
            "go_to(kitchen",
            "go_to(garage)",
            "go_to(office))",
            "go_to()",
        ] {
            assert!(!t.accepts(s), "{s}");
        }
        // Optional slot via an alternative that is a prefix of another.
        let t = Template::new(vec![vec!["a"], vec!["b", "bb"], vec!["b"]]).unwrap();
        assert!(t.accepts("abb"));
        assert!(t.accepts("abbb"));
        assert!(!t.accepts("ab"));
    }
}
