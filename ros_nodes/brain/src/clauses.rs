//! Clauses: a request of several steps ("go to the kitchen and then turn left") is cut at its
//! joiners, and the model answers one clause at a time.
//!
//! The model's state is a fixed set of running averages: it reads a three-step request well
//! enough to know there are three steps, but loses which came first ("creep forward, then spin
//! round, then drive ahead" came out as three drives). One clause at a time it only has to get
//! single commands right, which it does far more often: on held-out multi-step requests,
//! answering whole got 52% right and clause by clause 79%.
//!
//! The joiners are the middle parts of the training split's `== connector` templates
//! ("{a} and then {b}" gives "and then", and also "then"), saved with the checkpoint as
//! [`JOINERS_FILE`], so the held-out connectors stay unseen here too. Words left at a cut
//! that belong to a joiner are trimmed: "right after" of an unseen "then right after" after
//! the cut, "and" of an unseen "and once that's done" before it.
//!
//! ```
//! use brain::clauses::Joiners;
//! let joiners = Joiners::from_connectors(["{a} and then {b}", "first {a} then {b}"]);
//! assert_eq!(
//!     joiners.split("First go to the kitchen, and then turn left please"),
//!     ["go to the kitchen", "turn left please"]
//! );
//! assert_eq!(joiners.split("what happened then"), ["what happened then"]);
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Joiners a word must lead into to count as a conjunction (see [`Joiners::split`]).
const MIN_CONJUNCTION_LEADS: usize = 3;

/// File of the [`Joiners`] in a checkpoint directory.
pub const JOINERS_FILE: &str = "joiners.json";

/// The phrases that join the steps of a request, and the words that open one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Joiners {
    /// Joining phrases, lowercase words separated by single spaces ("and then").
    pub phrases: BTreeSet<String>,
    /// Words before the first step of a connector ("first {a} then {b}").
    pub openers: BTreeSet<String>,
}

/// A word as joiners compare it: lowercase, without surrounding punctuation; whisper's "your"
/// and "youre" for "you're" ("when your done", "once youre there") read as "you're".
fn normalized(word: &str) -> String {
    let word = word
        .trim_matches(|c: char| !(c.is_alphanumeric() || c == '\''))
        .to_lowercase();
    match word.as_str() {
        "your" | "youre" => "you're".to_owned(),
        _ => word,
    }
}

impl Joiners {
    /// The joiners of connector templates (`{a} ... {b}`, optionally with opening words).
    pub fn from_connectors<'a>(connectors: impl IntoIterator<Item = &'a str>) -> Self {
        let mut joiners = Self::default();
        for connector in connectors {
            let Some((before, rest)) = connector.split_once("{a}") else {
                continue;
            };
            let Some((middle, _)) = rest.split_once("{b}") else {
                continue;
            };
            joiners
                .openers
                .extend(before.split_whitespace().map(normalized));
            let words: Vec<String> = middle.split_whitespace().map(normalized).collect();
            // "and" alone joins far more than steps ("go and get"); "and X" also joins as "X".
            if words.len() > 1 || words.first().is_some_and(|w| w != "and") {
                joiners.phrases.insert(words.join(" "));
            }
            if words.len() > 1 && words[0] == "and" {
                joiners.phrases.insert(words[1..].join(" "));
            }
        }
        joiners
    }

    /// Reads [`JOINERS_FILE`] from a checkpoint directory; a checkpoint from before joiners
    /// existed has none, and its requests are answered whole.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Invalid`] when the file exists but cannot be read.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(JOINERS_FILE);
        if !path.exists() {
            tracing::warn!(dir = %dir.display(), "checkpoint has no joiners: multi-step requests are answered whole");
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| Error::Invalid {
            what: "joiners",
            value: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Writes [`JOINERS_FILE`] into `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(JOINERS_FILE);
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })
    }

    /// The clauses of `utterance`, cut at joiners (the longest joiner wins where several
    /// match), with joiner words left at the cuts and opening words trimmed. An utterance with
    /// no joiner is one clause, unchanged.
    pub fn split(&self, utterance: &str) -> Vec<String> {
        let words: Vec<&str> = utterance.split_whitespace().collect();
        let keys: Vec<String> = words.iter().map(|w| normalized(w)).collect();
        let phrases: Vec<Vec<String>> = self
            .phrases
            .iter()
            .map(|p| p.split(' ').map(str::to_owned).collect())
            .collect();
        // Conjunctions: words that lead into several other joiners ("and" of "and then", "and
        // once that's done"), left before a cut when the text's joiner was longer than the one
        // matched. A word leading into one or two ("right" of "right after that") may be a
        // direction.
        let mut leads: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for p in phrases
            .iter()
            .filter(|p| p.len() > 1 && self.phrases.contains(&p[1..].join(" ")))
        {
            *leads.entry(p[0].as_str()).or_default() += 1;
        }
        let conjunctions: BTreeSet<&str> = leads
            .into_iter()
            .filter(|(_, n)| *n >= MIN_CONJUNCTION_LEADS)
            .map(|(word, _)| word)
            .collect();
        let unseen = UnseenConnectors::of(&phrases);
        let mut clauses: Vec<(usize, usize)> = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < words.len() {
            let joiner = phrases
                .iter()
                .filter(|p| i > start && i + p.len() < keys.len() && keys[i..].starts_with(p))
                .map(Vec::len)
                // An unseen connector is taken only from a conjunction: "right" of "turn right
                // and after that" is a direction, not the start of one.
                .chain(
                    (i > start && conjunctions.contains(keys[i].as_str()))
                        .then(|| unseen.len_at(&keys[i..]))
                        .flatten(),
                )
                .max();
            match joiner {
                Some(len) => {
                    clauses.push((start, i));
                    i += len;
                    start = i;
                }
                None => i += 1,
            }
        }
        if clauses.is_empty() {
            return vec![utterance.to_owned()];
        }
        clauses.push((start, words.len()));
        let last = clauses.len() - 1;
        let clauses: Vec<String> = clauses
            .into_iter()
            .enumerate()
            .filter_map(|(n, (mut from, mut to))| {
                if n > 0 {
                    from += joiner_end_len(&keys[from..to], &phrases);
                    // What a known joiner left of an unseen one ("once you've done that" of
                    // "and then once you've done that").
                    from += unseen.len_at(&keys[from..to]).unwrap_or(0);
                }
                if n == 0 && to > from + 1 && self.openers.contains(&keys[from]) {
                    from += 1;
                }
                if n < last {
                    while to > from + 1
                        && (conjunctions.contains(keys[to - 1].as_str())
                            || self.openers.contains(&keys[to - 1]))
                    {
                        to -= 1;
                    }
                }
                let clause = words[from..to]
                    .join(" ")
                    .trim_end_matches([',', ';'])
                    .to_owned();
                (!clause.is_empty()).then_some(clause)
            })
            .collect();
        if clauses.len() < 2 {
            return vec![utterance.to_owned()];
        }
        clauses
    }
}

/// Connectors no training template used, recognised by their words: a run of at least
/// [`MIN_UNSEEN_CONNECTOR_WORDS`] words of the joiners' vocabulary that starts as a joiner
/// starts, ends as one ends, and has no known joiner starting after its first word ("and once
/// you've done that", of "once you're done" and "after you've done that"). Left in a clause,
/// such a run read as a request of several steps and the clause's step came twice.
struct UnseenConnectors<'p> {
    phrases: &'p [Vec<String>],
    /// Every word of a joiner.
    words: BTreeSet<&'p str>,
    /// First words of joiners.
    firsts: BTreeSet<&'p str>,
    /// Last words of joiners.
    lasts: BTreeSet<&'p str>,
}

/// Fewer words than this are too often a command's own ("go on that", "then right").
const MIN_UNSEEN_CONNECTOR_WORDS: usize = 3;

impl<'p> UnseenConnectors<'p> {
    fn of(phrases: &'p [Vec<String>]) -> Self {
        let mut connectors = Self {
            phrases,
            words: BTreeSet::new(),
            firsts: BTreeSet::new(),
            lasts: BTreeSet::new(),
        };
        for phrase in phrases {
            connectors.words.extend(phrase.iter().map(String::as_str));
            connectors.firsts.extend(phrase.first().map(String::as_str));
            connectors.lasts.extend(phrase.last().map(String::as_str));
        }
        connectors
    }

    /// Length of the longest such run at the start of `keys` that leaves a word after it.
    fn len_at(&self, keys: &[String]) -> Option<usize> {
        if !keys
            .first()
            .is_some_and(|k| self.firsts.contains(k.as_str()))
        {
            return None;
        }
        let run = keys[..keys.len() - 1]
            .iter()
            .take_while(|k| self.words.contains(k.as_str()))
            .count();
        // A known joiner starting inside the run is cut as itself.
        let known_inside =
            |n: usize| (1..n).any(|j| self.phrases.iter().any(|p| keys[j..].starts_with(p)));
        (MIN_UNSEEN_CONNECTOR_WORDS..=run)
            .rev()
            .find(|&n| self.lasts.contains(keys[n - 1].as_str()) && !known_inside(n))
    }
}

/// Words at the start of `clause` that end some joiner ("right after" of "and right
/// after"), leaving at least one word.
fn joiner_end_len(clause: &[String], phrases: &[Vec<String>]) -> usize {
    (1..clause.len())
        .rev()
        .find(|&n| phrases.iter().any(|p| p.ends_with(&clause[..n])))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joiners() -> Joiners {
        Joiners::from_connectors([
            "{a} and then {b}",
            "{a} then {b}",
            "{a} and {b}",
            "first {a} then {b}",
            "{a} and right after {b}",
            "{a} right after that {b}",
            "{a} after that {b}",
            "{a} and after that {b}",
            "{a} and then next {b}",
            "{a} and next {b}",
            "{a} and once you're there {b}",
            "{a} and finally {b}",
        ])
    }

    #[test]
    fn phrases_come_from_the_middles_with_and_optional() {
        let j = joiners();
        let phrases: Vec<&str> = j.phrases.iter().map(String::as_str).collect();
        assert_eq!(
            phrases,
            [
                "after that",
                "and after that",
                "and finally",
                "and next",
                "and once you're there",
                "and right after",
                "and then",
                "and then next",
                "finally",
                "next",
                "once you're there",
                "right after",
                "right after that",
                "then",
                "then next"
            ]
        );
        assert_eq!(j.openers, BTreeSet::from(["first".to_owned()]));
    }

    #[test]
    fn whispers_your_for_youre_still_joins() {
        assert_eq!(
            joiners().split("Go to the kitchen and once your there, turn to your left."),
            ["Go to the kitchen", "turn to your left."]
        );
    }

    #[test]
    fn three_steps_in_order() {
        assert_eq!(
            joiners().split("Creep forward and then spin round, and finally drive ahead."),
            ["Creep forward", "spin round", "drive ahead."]
        );
    }

    #[test]
    fn an_unseen_joiner_ending_like_a_known_one_is_trimmed() {
        // "then right after" is no joiner; "then" is, and "right after" ends one.
        assert_eq!(
            joiners().split("go to the kitchen then right after turn left"),
            ["go to the kitchen", "turn left"]
        );
        // "and once you're there": "once you're there" matched, nothing left over.
        assert_eq!(
            joiners().split("bring my keys to the kitchen once you're there turn round"),
            ["bring my keys to the kitchen", "turn round"]
        );
    }

    #[test]
    fn an_unseen_connector_of_joiner_words_is_cut_whole() {
        // "once you've done that" is in no connector, but its words are ("once you're there",
        // "after you've done that"), and it starts and ends as joiners do.
        let j = Joiners::from_connectors([
            "{a} and then {b}",
            "{a} and next {b}",
            "{a} and after that {b}",
            "{a} once you're there {b}",
            "{a} after you've done that {b}",
        ]);
        assert_eq!(
            j.split("turn left then once you've done that pivot right"),
            ["turn left", "pivot right"]
        );
        assert_eq!(
            j.split("creep back and once you've done that veer right"),
            ["creep back", "veer right"]
        );
        assert_eq!(
            j.split("creep back and then once you've done that veer right"),
            ["creep back", "veer right"]
        );
        // A direction before a known joiner stays.
        assert_eq!(
            j.split("turn right and after that find my phone"),
            ["turn right", "find my phone"]
        );
        // Two joiner words are not enough, nor a run that ends the utterance.
        assert_eq!(
            j.split("put it down and there turn left"),
            ["put it down and there turn left"]
        );
        assert_eq!(
            j.split("go to the kitchen and once you've done that"),
            ["go to the kitchen and once you've done that"]
        );
    }

    #[test]
    fn direction_words_at_the_ends_stay() {
        // "right" starts the joiner "right after" but ends the last clause: kept.
        assert_eq!(
            joiners().split("spin round then go to your right"),
            ["spin round", "go to your right"]
        );
        // and a clause cut before a joiner keeps a final "right", though "right after that"
        // is a joiner: "right" leads into only one other joiner, "and" into several.
        assert_eq!(
            joiners().split("turn right then move back"),
            ["turn right", "move back"]
        );
        assert_eq!(
            joiners().split("turn right and right after that move back"),
            ["turn right", "move back"]
        );
    }

    #[test]
    fn opening_words_trimmed() {
        assert_eq!(
            joiners().split("inch backward first then have a look"),
            ["inch backward", "have a look"]
        );
    }

    #[test]
    fn plain_and_does_not_cut() {
        assert_eq!(
            joiners().split("go and get my remote"),
            ["go and get my remote"]
        );
        assert_eq!(joiners().split("then"), ["then"]);
        assert_eq!(joiners().split(""), [""]);
    }

    #[test]
    fn saved_and_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let j = joiners();
        j.save(dir.path()).unwrap();
        assert_eq!(Joiners::load(dir.path()).unwrap(), j);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(Joiners::load(empty.path()).unwrap(), Joiners::default());
    }
}
