//! ASR-realistic noise: what a small whisper model makes of a clean sentence. Lowercase, no
//! punctuation, fillers ("um", "uh"), a repeated word, a dropped article, and near-miss word
//! substitutions from the `== confusion` list. A pass over real whisper transcripts of
//! synthesised speech comes later; this is the cheap, always-available part.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::templates::TemplateSet;

/// Probability that a filler is inserted.
const FILLER_P: f64 = 0.35;
/// Probability that one word is said twice.
const REPEAT_P: f64 = 0.12;
/// Probability that one "the"/"a" is dropped.
const DROP_ARTICLE_P: f64 = 0.15;
/// Probability that a word with a known near miss is replaced by it.
const CONFUSION_P: f64 = 0.3;

/// Whisper-style clean text: first letter capitalised, a final `.` or `?`.
pub fn clean_transcript(text: &str) -> String {
    const QUESTION: [&str; 16] = [
        "what", "where", "how", "who", "can", "could", "would", "will", "do", "does", "is", "are",
        "did", "have", "why", "when",
    ];
    let first = text.split(' ').next().unwrap_or_default();
    let mark = if QUESTION.contains(&first) { '?' } else { '.' };
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    // The pronoun "i" as whisper writes it.
    out = out
        .split(' ')
        .map(|w| {
            if w == "i" || w.starts_with("i'") {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    out.push(mark);
    out
}

/// `text` as plain words: lowercase, no punctuation but apostrophes and decimal points
/// ("Go 1.5 meters, please." → "go 1.5 meters please").
pub fn plain_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        // Keep decimal points ("1.5"), drop sentence dots.
        .map(|w| w.trim_end_matches('.').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A noisy transcript of `text` (see the module docs).
pub fn asr_noise(text: &str, set: &TemplateSet, rng: &mut StdRng) -> String {
    let mut words = plain_words(text);
    if words.is_empty() {
        return text.to_lowercase();
    }
    for word in &mut words {
        if let Some(alternatives) = set.confusions.get(word.as_str())
            && rng.random_bool(CONFUSION_P)
            && let Some(alt) = alternatives.choose(rng)
        {
            *word = alt.clone();
        }
    }
    if rng.random_bool(DROP_ARTICLE_P)
        && let Some(at) = words.iter().position(|w| w == "the" || w == "a")
        && words.len() > 2
    {
        words.remove(at);
    }
    if rng.random_bool(REPEAT_P) {
        let at = rng.random_range(0..words.len());
        let word = words[at].clone();
        words.insert(at, word);
    }
    if rng.random_bool(FILLER_P)
        && let Some(filler) = set.disfluencies.choose(rng)
    {
        let at = if rng.random_bool(0.6) {
            0
        } else {
            rng.random_range(0..=words.len())
        };
        words.insert(at, filler.clone());
    }
    words.join(" ")
}
