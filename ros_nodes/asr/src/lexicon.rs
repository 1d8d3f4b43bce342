//! The world's vocabulary as the recogniser uses it: an initial prompt that biases whisper
//! towards the place and object names, and a correction of near-miss words to those names.

use embodied_world::{ObjectId, PlaceId};

/// Place and object names of the world (canonical names; the semantic map supplies them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexicon {
    /// Place names, e.g. "living room".
    pub places: Vec<String>,
    /// Object names, e.g. "remote control".
    pub objects: Vec<String>,
}

impl Default for Lexicon {
    /// The canonical place and object names of the world (`embodied_world`, the one list).
    fn default() -> Self {
        Self {
            places: PlaceId::ALL.iter().map(|p| p.name().to_string()).collect(),
            objects: ObjectId::ALL.iter().map(|o| o.name().to_string()).collect(),
        }
    }
}

/// One near-miss word (or words) replaced by a vocabulary name.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    /// What whisper wrote (lowercase, without punctuation).
    pub heard: String,
    /// The vocabulary name put in its place.
    pub name: String,
    /// Letter similarity in [0, 1] (normalised Levenshtein distance).
    pub similarity: f64,
}

/// Names shorter than this (letters) are never corrected to: too many English words are one
/// letter away from "cup", "book" or "keys".
const MIN_CORRECTED_LETTERS: usize = 5;
/// Least letter similarity for a correction.
const MIN_SIMILARITY: f64 = 0.75;
/// Common words close to a name; a single one of them is never "corrected".
const PROTECTED_WORDS: &[&str] = &[
    "apply", "offices", "phones", "apples", "books", "kitchens", "bedrooms", "rooms", "looking",
    "cooking", "officer", "living", "water", "remote",
];

/// Words that never belong to a misheard name: a window holding one is left alone.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "to", "in", "on", "at", "of", "my", "me", "your", "and", "is", "it", "for",
    "go", "from", "with", "this", "that", "please", "i", "you", "where", "what",
];

fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphabetic()).collect()
}

impl Lexicon {
    /// All names, places first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.places
            .iter()
            .chain(self.objects.iter())
            .map(String::as_str)
    }

    /// whisper's initial prompt: a sentence in the style of the expected speech that names
    /// every place and object, so their spelling wins close calls.
    pub fn prompt(&self) -> String {
        format!(
            "Robot, go to the {}. Find the {}.",
            self.places.join(", the "),
            self.objects.join(", the ")
        )
    }

    /// Replaces words (or runs of up to one word more than the name has) that are within a
    /// small letter distance of a place or object name. Keeps the rest of the text as is.
    pub fn correct(&self, text: &str) -> (String, Vec<Correction>) {
        let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        let mut corrections = Vec::new();
        let names: Vec<(&str, usize)> = self
            .names()
            .filter(|n| letters(n).len() >= MIN_CORRECTED_LETTERS)
            .map(|n| (n, n.split_whitespace().count()))
            .collect();
        let mut i = 0;
        while i < words.len() {
            let heard_at = |span: usize| -> Option<Vec<String>> {
                words
                    .get(i..i + span)
                    .map(|w| w.iter().map(|w| letters(&w.to_lowercase())).collect())
            };
            // A name already spelled right is kept, and its words are not re-examined.
            if let Some(name_words) = names.iter().find_map(|&(name, count)| {
                heard_at(count)
                    .is_some_and(|h| h.join(" ") == name)
                    .then_some(count)
            }) {
                i += name_words;
                continue;
            }
            let mut best: Option<(f64, usize, &str)> = None;
            for &(name, name_words) in &names {
                for span in [name_words, name_words + 1] {
                    let Some(heard) = heard_at(span) else {
                        continue;
                    };
                    let protected = span == 1 && PROTECTED_WORDS.contains(&heard[0].as_str());
                    let function_word = heard
                        .iter()
                        .any(|w| w.is_empty() || FUNCTION_WORDS.contains(&w.as_str()));
                    if protected || function_word {
                        continue;
                    }
                    let similarity =
                        strsim::normalized_levenshtein(&heard.concat(), &letters(name));
                    if similarity >= MIN_SIMILARITY && best.is_none_or(|(s, _, _)| similarity > s) {
                        best = Some((similarity, span, name));
                    }
                }
            }
            let Some((similarity, span, name)) = best else {
                i += 1;
                continue;
            };
            let heard = words[i..i + span].join(" ").to_lowercase();
            // Keep the punctuation that followed the last replaced word.
            let last = &words[i + span - 1];
            let kept = last.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
            let trailing = last[kept..].to_string();
            words.splice(i..i + span, [format!("{name}{trailing}")]);
            corrections.push(Correction {
                heard: letters_and_spaces(&heard),
                name: name.to_string(),
                similarity,
            });
            i += 1;
        }
        (words.join(" "), corrections)
    }
}

fn letters_and_spaces(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic() || *c == ' ')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_names_every_place_and_object() {
        let lexicon = Lexicon::default();
        let prompt = lexicon.prompt();
        assert!(lexicon.names().all(|n| prompt.contains(n)), "{prompt}");
    }

    #[test]
    fn near_misses_become_names_and_other_words_stay() {
        let lexicon = Lexicon::default();
        let (text, corrections) = lexicon.correct("Go to the kitchin.");
        assert_eq!(text, "Go to the kitchen.");
        assert_eq!(corrections.len(), 1);
        assert_eq!(corrections[0].heard, "kitchin");
        let (text, _) = lexicon.correct("go to the bath room");
        assert_eq!(text, "go to the bathroom");
        let (text, _) = lexicon.correct("bring me the water bottel please");
        assert_eq!(text, "bring me the water bottle please");
        let (text, _) = lexicon.correct("go to the living rooms");
        assert_eq!(text, "go to the living room");
        for unchanged in [
            "look at the book",
            "apply the brakes",
            "what is in the kitchen",
            "go to the living room",
            "hello there",
        ] {
            let (text, corrections) = lexicon.correct(unchanged);
            assert_eq!(text, unchanged);
            assert!(corrections.is_empty(), "{corrections:?}");
        }
    }
}
