//! ASR-realistic noise: what a small whisper model makes of a clean sentence. Lowercase, no
//! punctuation, fillers ("um", "uh"), a repeated word, a dropped article, and near-miss word
//! substitutions from the `== confusion` list. A pass over real whisper transcripts of
//! synthesised speech comes later; this is the cheap, always-available part.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::templates::TemplateSet;
use crate::numbers;

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
/// ("Go 1.5 meters, please." → "go 1.5 meters please"). A number run together with its unit,
/// as whisper often writes it, is parted ("60cm" → "60 cm", "5M" → "5 m", "90°" → "90
/// degrees"), so it reads as the same number and unit as when spoken in words.
pub fn plain_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('°', " degrees ")
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
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .flat_map(part_number_and_unit)
        .collect()
}

/// Word stems whisper spells the British way as often as not ("neighbour", "favourite"), in
/// their American spelling less the "o" before "r".
const OUR_STEMS: &[&str] = &[
    "neighb", "col", "fav", "flav", "hum", "behavi", "hon", "lab", "harb", "rum", "parl", "arm",
    "od",
];

/// `text` with the British spellings of [`OUR_STEMS`] words made American ("forget my
/// neighbour" → "forget my neighbor", "favourite" → "favorite"), the rest as it was: one
/// person is one fact however whisper spelled them ("forget my neighbour" left "my neighbor
/// is called Tom" in memory).
pub fn american_spelling(text: &str) -> String {
    text.split(' ')
        .map(|token| {
            let lower = token.to_lowercase();
            let british = OUR_STEMS.iter().find_map(|stem| {
                let rest = lower.strip_prefix(stem)?.strip_prefix("our")?;
                let ending: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
                ["", "s", "ite", "ites", "ed", "ing", "ful"]
                    .contains(&ending.as_str())
                    .then_some(stem.len())
            });
            match british {
                // Drop the "u" of "our", keeping the token's case and punctuation.
                Some(at) => token
                    .char_indices()
                    .filter(|(i, _)| *i != at + 1)
                    .map(|(_, c)| c)
                    .collect(),
                None => token.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `["60", "cm"]` for "60cm" (a number, then a unit of length or "degrees"); other words
/// whole.
fn part_number_and_unit(word: &str) -> Vec<String> {
    let parted = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|&at| at > 0)
        .map(|at| word.split_at(at))
        .filter(|(number, unit)| {
            number.parse::<f64>().is_ok()
                && (numbers::LengthUnit::from_word(unit).is_some()
                    || matches!(*unit, "degree" | "degrees"))
        });
    match parted {
        Some((number, unit)) => vec![number.to_owned(), unit.to_owned()],
        None => vec![word.to_owned()],
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn british_spellings_become_american() {
        assert_eq!(
            american_spelling("Forget my Neighbour's name, it's my favourite colours."),
            "Forget my Neighbor's name, it's my favorite colors."
        );
        for kept in ["your hour pours", "four", "colorful", "armoury"] {
            assert_eq!(american_spelling(kept), kept);
        }
    }

    #[test]
    fn plain_words_part_numbers_whisper_ran_into_their_units() {
        let plain = |text: &str| plain_words(text).join(" ");
        assert_eq!(plain("Go 1.5 meters, please."), "go 1.5 meters please");
        assert_eq!(plain("Move back 60cm."), "move back 60 cm");
        assert_eq!(plain("Retreat 5M."), "retreat 5 m");
        assert_eq!(plain("Travel forward 4.5m?"), "travel forward 4.5 m");
        assert_eq!(plain("Back off about 5ft."), "back off about 5 ft");
        assert_eq!(plain("Rotate 60-degree left."), "rotate 60 degree left");
        assert_eq!(plain("Turn 90° right."), "turn 90 degrees right");
        // Not a unit: the word stays whole.
        assert_eq!(plain("Go to the 2nd room, 3pm."), "go to the 2nd room 3pm");
        assert_eq!(plain("i7 and mp3"), "i7 and mp3");
    }
}
