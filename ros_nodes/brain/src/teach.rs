//! Teaching in conversation: what a user teaches, recognised before the model reads an
//! utterance, and the rewriting that makes it work at once.
//!
//! Three lessons ([`Lesson`]), found by the frames of `config/corpus/teaching.tpl`:
//! - a **phrase**: "when I say movie time, go to the living room": `movie time` stands for a
//!   request the robot already understands;
//! - an **alias**: "the study means the office": a new name for a place or object;
//! - a **correction**: "no, I meant the bedroom", right after a misunderstood request.
//!
//! Lessons take effect at once through [`Rewrites`]: a taught phrase or alias in an utterance is
//! replaced by what it stands for, and a corrected utterance by the corrected request, before
//! the model reads it (the model then grounds it as usual: memory, perception, the robot's
//! state). Consolidation (`crate::learn`) later puts them into the model's weights.
//!
//! Safety: STOP can never be taught away. A phrase or alias that contains any way of saying
//! stop (the `== stop` templates), or that the model alone already answers with STOP, is refused
//! ([`Teacher::refusal`]); so is a name of a place or object. Meanings are the model's own
//! answers under the output grammar, so the planner's limits hold for them as for any request.
//!
//! ```
//! use brain::teach::{Lesson, Teacher};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
//! let teacher = Teacher::load(&root)?;
//! assert_eq!(
//!     teacher.lesson("When I say movie time, go to the living room."),
//!     Some(Lesson::Phrase { phrase: "movie time".into(), meaning: "go to the living room".into() })
//! );
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use embodied_world::{Named, SemanticMap};

use crate::corpus::noise::plain_words;
use crate::corpus::templates::{TemplateSet, slots_of};
use crate::corpus::{Category, Intent};
use crate::error::Error;

/// Most words of a taught phrase.
pub const MAX_PHRASE_WORDS: usize = 6;
/// Command templates a word must open to count as the start of a request.
const MIN_OPENS: usize = 3;

/// What a user teaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lesson {
    /// `phrase` stands for the request `meaning`.
    Phrase {
        /// Plain words.
        phrase: String,
        /// The request, plain words.
        meaning: String,
    },
    /// `phrase` is another name for `named`.
    Alias {
        /// Plain words.
        phrase: String,
        /// The place or object.
        named: Named,
    },
    /// The last request meant `meaning` (a name, or a whole request).
    Correction {
        /// Plain words.
        meaning: String,
    },
}

/// One part of a teaching frame.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Word(String),
    Phrase,
    Meaning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Frame {
    correction: bool,
    parts: Vec<Part>,
}

impl Frame {
    fn literal_words(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| matches!(p, Part::Word(_)))
            .count()
    }
}

/// What was heard: plain words, and whether a pause (punctuation) followed each.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heard {
    words: Vec<String>,
    pause_after: Vec<bool>,
}

/// Plain words without quoting apostrophes ("'movie time'" → `movie`, `time`; "don't" stays).
pub fn words(text: &str) -> Vec<String> {
    plain_words(text)
        .into_iter()
        .map(|w| w.trim_matches('\'').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Heard {
    fn new(text: &str) -> Self {
        let mut words = Vec::new();
        let mut pause_after = Vec::new();
        for raw in text.split_whitespace() {
            let plain = self::words(raw);
            let pause = raw.ends_with([',', '.', ';', ':', '!', '?', '"', '\u{201d}', '\'']);
            let n = plain.len();
            for (i, word) in plain.into_iter().enumerate() {
                words.push(word);
                pause_after.push(pause && i + 1 == n);
            }
        }
        Self { words, pause_after }
    }
}

/// Recognises lessons and refuses unsafe ones.
#[derive(Debug, Clone)]
pub struct Teacher {
    frames: Vec<Frame>,
    /// Words that open command templates ("go", "bring", "turn"), with how many they open.
    openers: BTreeMap<String, usize>,
    /// Every way of saying stop (plain words).
    stop_phrases: Vec<Vec<String>>,
    /// Leading words people put before anything ("um", "okay", "hey robot").
    fillers: Vec<Vec<String>>,
    map: SemanticMap,
}

impl Teacher {
    /// The teacher of a template set and its map.
    pub fn new(set: &TemplateSet, map: &SemanticMap) -> Self {
        let mut frames: Vec<Frame> = set
            .teaching
            .iter()
            .map(|frame| Frame {
                correction: frame.correction,
                parts: frame
                    .text
                    .split_whitespace()
                    .map(|word| match word {
                        "{phrase}" => Part::Phrase,
                        "{meaning}" => Part::Meaning,
                        word => Part::Word(word.to_owned()),
                    })
                    .collect(),
            })
            .collect();
        // The most specific frame first: "when i say {phrase} i mean {meaning}" before
        // "when i say {phrase} {meaning}".
        frames.sort_by_key(|f| std::cmp::Reverse(f.literal_words()));
        let mut opens: BTreeMap<String, usize> = BTreeMap::new();
        let mut stop_phrases = Vec::new();
        for template in &set.templates {
            if template.intent == Intent::Stop {
                stop_phrases.push(words(&template.text));
            }
            if template.intent.category() == Category::Command
                && let Some(first) = template.text.split_whitespace().next()
                && slots_of(first).is_empty()
            {
                *opens.entry(first.to_owned()).or_default() += 1;
            }
        }
        for prefix in &set.prefixes {
            if let Some(first) = prefix.split_whitespace().next() {
                *opens.entry(first.to_owned()).or_default() += MIN_OPENS;
            }
        }
        opens.retain(|_, n| *n >= MIN_OPENS);
        let openers = opens;
        let fillers = set
            .disfluencies
            .iter()
            .chain(&set.prefixes)
            .map(|f| words(f))
            .filter(|f| !f.is_empty())
            .collect();
        Self {
            frames,
            openers,
            stop_phrases,
            fillers,
            map: map.clone(),
        }
    }

    /// The teacher of the templates and map under a workspace or share `root`.
    ///
    /// # Errors
    /// Template and map errors.
    pub fn load(root: &Path) -> Result<Self, Error> {
        let (map, set) = crate::corpus::load_from_root(root)?;
        Ok(Self::new(&set, &map))
    }

    /// The teacher of the installed share or the workspace ([`share_root`]).
    ///
    /// # Errors
    /// As [`share_root`]; template and map errors.
    pub fn find_default() -> Result<Self, Error> {
        Self::load(&share_root()?)
    }

    /// The semantic map names are resolved with.
    pub fn map(&self) -> &SemanticMap {
        &self.map
    }

    /// The lesson in `utterance`, if it is one. A phrase whose border with its meaning is not
    /// marked (no pause, no command word) is not a lesson.
    pub fn lesson(&self, utterance: &str) -> Option<Lesson> {
        let heard = Heard::new(utterance);
        for start in self.starts(&heard.words) {
            for frame in &self.frames {
                if let Some(lesson) = self.match_frame(frame, &heard, start) {
                    return Some(lesson);
                }
            }
        }
        None
    }

    /// Offsets where a frame may start: 0, and after leading fillers ("um", "okay robot").
    fn starts(&self, words: &[String]) -> Vec<usize> {
        let mut starts = vec![0];
        let mut at = 0;
        'skip: loop {
            for filler in &self.fillers {
                if words[at..].starts_with(filler) && at + filler.len() < words.len() {
                    at += filler.len();
                    starts.push(at);
                    continue 'skip;
                }
            }
            break;
        }
        starts
    }

    fn match_frame(&self, frame: &Frame, heard: &Heard, start: usize) -> Option<Lesson> {
        let words = &heard.words[start..];
        let pauses = &heard.pause_after[start..];
        // Find the spans of {phrase} and {meaning} (each at least one word).
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let candidates = self.assign(&frame.parts, words, pauses, 0, &mut spans)?;
        let mut phrase = None;
        let mut meaning = None;
        for (part, (from, to)) in frame
            .parts
            .iter()
            .filter(|p| !matches!(p, Part::Word(_)))
            .zip(candidates)
        {
            let text = words[from..to].join(" ");
            match part {
                Part::Phrase => phrase = Some(text),
                Part::Meaning => meaning = Some(text),
                Part::Word(_) => {}
            }
        }
        let meaning = meaning?;
        if frame.correction {
            return Some(Lesson::Correction { meaning });
        }
        let phrase = phrase?;
        if phrase.split(' ').count() > MAX_PHRASE_WORDS {
            return None;
        }
        Some(match self.map.resolve(&meaning) {
            Some(named) => Lesson::Alias { phrase, named },
            None => Lesson::Phrase { phrase, meaning },
        })
    }

    /// Matches `parts` against `words[at..]`, returning the word spans of the slots in order.
    fn assign(
        &self,
        parts: &[Part],
        words: &[String],
        pauses: &[bool],
        at: usize,
        spans: &mut Vec<(usize, usize)>,
    ) -> Option<Vec<(usize, usize)>> {
        let Some((first, rest)) = parts.split_first() else {
            return (at == words.len()).then(|| spans.clone());
        };
        match first {
            Part::Word(word) => {
                if words.get(at) == Some(word) {
                    self.assign(rest, words, pauses, at + 1, spans)
                } else {
                    None
                }
            }
            slot => {
                let ends: Vec<usize> = if rest.is_empty() {
                    vec![words.len()]
                } else {
                    self.slot_ends(slot, rest, words, pauses, at)
                };
                for end in ends {
                    if end <= at {
                        continue;
                    }
                    spans.push((at, end));
                    if let Some(found) = self.assign(rest, words, pauses, end, spans) {
                        return Some(found);
                    }
                    spans.pop();
                }
                None
            }
        }
    }

    /// Where a slot that is followed by `rest` may end, best first.
    fn slot_ends(
        &self,
        slot: &Part,
        rest: &[Part],
        words: &[String],
        pauses: &[bool],
        at: usize,
    ) -> Vec<usize> {
        let longest = words.len().min(at + MAX_PHRASE_WORDS.max(12));
        match &rest[0] {
            // A literal word next: the slot ends where that word is.
            Part::Word(next) => (at + 1..longest)
                .filter(|&end| &words[end] == next)
                .collect(),
            // Two slots touch: the border is a pause, else (before a meaning) the first word
            // that opens a request, else (before a phrase) where the meaning is a name.
            next => {
                let range = at + 1..longest.min(words.len());
                let mut ends: Vec<usize> = range.clone().filter(|&end| pauses[end - 1]).collect();
                if ends.is_empty() {
                    ends = match (slot, next) {
                        // The word that opens the most commands ("movie time go to ...":
                        // "go", not "time" of "time to charge").
                        (Part::Phrase, Part::Meaning) => range
                            .filter_map(|end| Some((end, *self.openers.get(&words[end])?)))
                            .max_by_key(|&(end, opens)| (opens, std::cmp::Reverse(end)))
                            .map(|(end, _)| end)
                            .into_iter()
                            .collect(),
                        (Part::Meaning, Part::Phrase) => range
                            .filter(|&end| self.map.resolve(&words[at..end].join(" ")).is_some())
                            .collect(),
                        _ => Vec::new(),
                    };
                }
                ends
            }
        }
    }

    /// Why `phrase` may not be taught, or `None` when it may: it says stop in some way, or it
    /// is already the name of a place or object. (The caller also refuses a phrase the model
    /// alone answers with STOP.)
    pub fn refusal(&self, phrase: &str) -> Option<String> {
        let words = words(phrase);
        if let Some(stop) = self
            .stop_phrases
            .iter()
            .find(|stop| !stop.is_empty() && words.windows(stop.len()).any(|w| w == &stop[..]))
        {
            return Some(format!(
                "\"{}\" tells me to stop, and stopping always means stopping.",
                stop.join(" ")
            ));
        }
        if let Some(named) = self.map.resolve(phrase) {
            return Some(format!(
                "\"{phrase}\" is already the name of the {}.",
                named_name(named)
            ));
        }
        if words.is_empty() {
            return Some("there were no words to learn.".into());
        }
        None
    }

    /// The places and objects named in `words` (plain words): `(from, to, named)` word spans,
    /// longest names first, not overlapping.
    pub fn names_in(&self, words: &[String]) -> Vec<(usize, usize, Named)> {
        let mut found: Vec<(usize, usize, Named)> = Vec::new();
        for len in (1..=4).rev() {
            for from in 0..words.len().saturating_sub(len - 1) {
                let to = from + len;
                if found.iter().any(|(f, t, _)| from < *t && *f < to) {
                    continue;
                }
                // Articles belong to the sentence, not the name.
                if matches!(words[from].as_str(), "the" | "a" | "an" | "my") {
                    continue;
                }
                if let Some(named) = self.map.resolve(&words[from..to].join(" ")) {
                    found.push((from, to, named));
                }
            }
        }
        found.sort_by_key(|(from, _, _)| *from);
        found
    }
}

/// The first installed share or workspace that has the templates (`config/corpus/teaching.tpl`)
/// and the map.
///
/// # Errors
/// [`Error::Invalid`] when none has them.
pub fn share_root() -> Result<PathBuf, Error> {
    let starts: Vec<PathBuf> = std::env::current_dir()
        .ok()
        .into_iter()
        .chain([PathBuf::from(env!("CARGO_MANIFEST_DIR"))])
        .collect();
    embodied_world::share_roots(&starts)
        .find(|root| root.join("config/corpus/teaching.tpl").is_file())
        .ok_or_else(|| Error::Invalid {
            what: "teaching frames",
            value: "config/corpus/teaching.tpl".into(),
            reason: "not found in the installed share or the workspace".into(),
        })
}

/// The canonical name of a place or object.
pub fn named_name(named: Named) -> &'static str {
    match named {
        Named::Place(place) => place.name(),
        Named::Object(object) => object.name(),
    }
}

/// Whole-word replacement of taught wordings, applied to an utterance before the model reads
/// it. Corrections replace a whole utterance; phrases and aliases replace words inside one,
/// longest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrites {
    /// Plain words of a corrected utterance → the request it meant.
    whole: BTreeMap<String, String>,
    /// Plain words of a phrase or alias → what replaces them.
    inside: BTreeMap<String, String>,
}

impl Rewrites {
    /// Adds a corrected utterance.
    pub fn correct(&mut self, utterance: &str, meaning: &str) {
        self.whole
            .insert(words(utterance).join(" "), meaning.to_owned());
    }

    /// Adds a phrase or alias.
    pub fn replace(&mut self, phrase: &str, with: &str) {
        self.inside.insert(words(phrase).join(" "), with.to_owned());
    }

    /// `utterance` with taught wordings replaced, or `None` when none applies.
    pub fn apply(&self, utterance: &str) -> Option<String> {
        let words = words(utterance);
        if let Some(meaning) = self.whole.get(&words.join(" ")) {
            return Some(meaning.clone());
        }
        if self.inside.is_empty() {
            return None;
        }
        let mut phrases: Vec<(&String, &String)> = self.inside.iter().collect();
        phrases.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.split(' ').count()));
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut changed = false;
        let mut at = 0;
        'words: while at < words.len() {
            for (phrase, with) in &phrases {
                let n = phrase.split(' ').count();
                if at + n <= words.len() && words[at..at + n].join(" ") == **phrase {
                    out.push((*with).clone());
                    at += n;
                    changed = true;
                    continue 'words;
                }
            }
            out.push(words[at].clone());
            at += 1;
        }
        changed.then(|| out.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teacher() -> Teacher {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Teacher::load(&root).unwrap()
    }

    fn phrase(p: &str, m: &str) -> Option<Lesson> {
        Some(Lesson::Phrase {
            phrase: p.into(),
            meaning: m.into(),
        })
    }

    #[test]
    fn phrases_are_found_with_or_without_a_pause() {
        let t = teacher();
        assert_eq!(
            t.lesson("When I say movie time, go to the living room."),
            phrase("movie time", "go to the living room")
        );
        assert_eq!(
            t.lesson("when i say movie time go to the living room"),
            phrase("movie time", "go to the living room")
        );
        assert_eq!(
            t.lesson("Um, whenever I say \"lights out\", I want you to go to the bedroom."),
            phrase("lights out", "go to the bedroom")
        );
        assert_eq!(
            t.lesson("'Tea time' means bring me a cup."),
            phrase("tea time", "bring me a cup")
        );
        // No border and no command word: not understood as a lesson.
        assert_eq!(t.lesson("when i say blue sky dancing"), None);
        assert_eq!(t.lesson("go to the kitchen"), None);
        assert_eq!(t.lesson("what do you see"), None);
    }

    #[test]
    fn a_name_as_meaning_is_an_alias() {
        let t = teacher();
        let office = t.map().resolve("office").unwrap();
        assert_eq!(
            t.lesson("'The study' means the office."),
            Some(Lesson::Alias {
                phrase: "the study".into(),
                named: office
            })
        );
        assert_eq!(
            t.lesson("when i say the study i mean the office"),
            Some(Lesson::Alias {
                phrase: "the study".into(),
                named: office
            })
        );
        assert_eq!(
            t.lesson("I call the office the study"),
            Some(Lesson::Alias {
                phrase: "the study".into(),
                named: office
            })
        );
    }

    #[test]
    fn corrections_carry_what_was_meant() {
        let t = teacher();
        assert_eq!(
            t.lesson("No, I meant the bedroom."),
            Some(Lesson::Correction {
                meaning: "the bedroom".into()
            })
        );
        assert_eq!(
            t.lesson("no i meant turn right"),
            Some(Lesson::Correction {
                meaning: "turn right".into()
            })
        );
    }

    #[test]
    fn stop_and_names_cannot_be_taught() {
        let t = teacher();
        assert!(t.refusal("stop").unwrap().contains("stop"));
        assert!(t.refusal("please stop now").is_some());
        assert!(t.refusal("freeze").is_some());
        assert!(t.refusal("the kitchen").unwrap().contains("kitchen"));
        assert_eq!(t.refusal("movie time"), None);
    }

    #[test]
    fn rewrites_replace_whole_words_longest_first() {
        let mut r = Rewrites::default();
        r.replace("movie time", "go to the living room");
        r.replace("the study", "the office");
        r.correct("Go to the den.", "go to the living room");
        assert_eq!(
            r.apply("Movie time, please!").as_deref(),
            Some("go to the living room please")
        );
        assert_eq!(
            r.apply("bring my keys to the study").as_deref(),
            Some("bring my keys to the office")
        );
        assert_eq!(
            r.apply("go to the den").as_deref(),
            Some("go to the living room")
        );
        assert_eq!(r.apply("the movie timer"), None);
        assert_eq!(r.apply("go to the kitchen"), None);
    }

    #[test]
    fn names_in_finds_places_and_objects() {
        let t = teacher();
        let words = words("bring the remote control to the living room");
        let names = t.names_in(&words);
        assert_eq!(names.len(), 2);
        assert_eq!((names[0].0, names[0].1), (2, 4));
        assert_eq!((names[1].0, names[1].1), (6, 8));
    }
}
