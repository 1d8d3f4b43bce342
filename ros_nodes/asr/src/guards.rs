//! Hallucination guards: whisper writes "you", "Thank you." or "(engine revving)" on silence and
//! noise, and can loop on one phrase. Each guard is a rule on the decoded text and its scores.

use crate::text::normalize;

/// What whisper returned for one utterance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawTranscript {
    /// Decoded text, as whisper wrote it.
    pub text: String,
    /// Probability of each text token (special tokens excluded).
    pub token_probabilities: Vec<f32>,
    /// whisper's no-speech probability for the segment.
    pub no_speech_probability: f32,
    /// Encoder positions (`audio_ctx`) of the decode that produced this.
    pub audio_ctx: u32,
    /// Whether a first decode on a tighter window looped and this is the retry.
    pub loop_retried: bool,
    /// Whether the decode said one phrase over and over from the start and this is the phrase.
    pub loop_trimmed: bool,
}

impl RawTranscript {
    /// Mean token probability in [0, 1] (0 without tokens).
    pub fn confidence(&self) -> f32 {
        if self.token_probabilities.is_empty() {
            return 0.0;
        }
        self.token_probabilities.iter().sum::<f32>() / self.token_probabilities.len() as f32
    }
}

/// Why a transcript was dropped.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// Nothing left after removing sound descriptions.
    Empty,
    /// whisper's no-speech probability was above the threshold.
    NoSpeech {
        /// The probability.
        probability: f32,
    },
    /// A phrase whisper writes on silence, without strong evidence of speech.
    Phantom {
        /// The phrase.
        text: String,
    },
    /// A phrase repeated in a loop.
    Repetition {
        /// The repeated words.
        phrase: String,
    },
    /// Mean token probability below the threshold.
    LowConfidence {
        /// The confidence.
        confidence: f32,
    },
}

impl Rejection {
    /// A short name for logs and the CLI.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NoSpeech { .. } => "no_speech",
            Self::Phantom { .. } => "phantom",
            Self::Repetition { .. } => "repetition",
            Self::LowConfidence { .. } => "low_confidence",
        }
    }
}

/// Phrases whisper produces on silence or noise (after normalisation).
pub const PHANTOM_PHRASES: &[&str] = &[
    "you",
    "thank you",
    "thank you very much",
    "thanks for watching",
    "thank you for watching",
    "thanks for listening",
    "please subscribe",
    "subscribe",
    "bye",
    "bye bye",
    "so",
    "oh",
    "uh",
    "um",
    "hmm",
    "blank audio",
    "silence",
    "music",
    "applause",
    "subtitles by the amara org community",
];

/// Speech (s) and confidence that make a phantom phrase believable ("Thank you." said clearly).
const PHANTOM_MIN_SPEECH_S: f64 = 0.6;
const PHANTOM_MIN_CONFIDENCE: f32 = 0.75;

/// Guard thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guards {
    /// Drop above this no-speech probability.
    pub no_speech_threshold: f32,
    /// Drop below this mean token probability.
    pub min_confidence: f32,
}

/// Removes `[...]`, `(...)`, `*...*` and music notes: whisper's descriptions of sounds.
pub fn strip_sound_descriptions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(end) if c == end => closing = None,
            Some(_) => {}
            None => match c {
                '[' => closing = Some(']'),
                '(' => closing = Some(')'),
                '*' => closing = Some('*'),
                '♪' | '♫' | '♬' => {}
                c => out.push(c),
            },
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of the first phrase of 1 to 4 words repeated at least `min_repeats` times in a
/// row, if any; or of a text made mostly of a few words.
fn repeated_phrase(words: &[&str], min_repeats: usize) -> Option<String> {
    for n in 1..=4 {
        for start in 0..words.len() {
            let Some(phrase) = words.get(start..start + n) else {
                break;
            };
            let mut repeats = 1;
            while words
                .get(start + repeats * n..start + (repeats + 1) * n)
                .is_some_and(|next| next == phrase)
            {
                repeats += 1;
            }
            if repeats >= min_repeats {
                return Some(phrase.join(" "));
            }
        }
    }
    let mut distinct: Vec<&str> = words.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    (words.len() >= 12 && distinct.len() * 4 < words.len()).then(|| distinct.join(" "))
}

/// The phrase `text` repeats in a loop, if any: three in a row of a phrase of 2 to 4 words, four
/// of a single word ("no no no" is speech), or a long text made mostly of a few words.
pub fn looped_phrase(text: &str) -> Option<String> {
    let normalized = normalize(text);
    let words: Vec<&str> = normalized.split_whitespace().collect();
    repeated_phrase(&words, 4).or_else(|| {
        repeated_phrase(&words, 3).filter(|phrase| phrase.split_whitespace().count() > 1)
    })
}

/// The phrase of `text` when `text` is nothing but that phrase said at least twice from the
/// start, the last time perhaps cut short ("Go to the kitchen, go to the kitchen, go to the"
/// gives "Go to the kitchen"): a decode that ran past the speech into the padded window.
/// Words are compared by their letters and digits, case aside; the phrase keeps its first
/// wording, without the trailing comma.
pub fn leading_repeat(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let keys: Vec<String> = words
        .iter()
        .map(|word| {
            word.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect();
    if keys.iter().any(String::is_empty) {
        return None;
    }
    let unit =
        (1..=keys.len() / 2).find(|&unit| (unit..keys.len()).all(|i| keys[i] == keys[i % unit]))?;
    let phrase = words[..unit].join(" ");
    Some(phrase.trim_end_matches([',', ';', ':', '-']).to_string())
}

/// The first phrase of at least `min_words` words said twice in a row, if any ("What your
/// country can do for you. What your country can do for you.": a tight encoder window made
/// tiny.en do that; people seldom repeat a whole phrase at once).
pub fn doubled_phrase(text: &str, min_words: usize) -> Option<String> {
    let normalized = normalize(text);
    let words: Vec<&str> = normalized.split_whitespace().collect();
    let min_words = min_words.max(1);
    (min_words..=words.len() / 2).find_map(|n| {
        (0..=words.len() - 2 * n)
            .find(|&start| words[start..start + n] == words[start + n..start + 2 * n])
            .map(|start| words[start..start + n].join(" "))
    })
}

impl Guards {
    /// Checks one transcript; returns the cleaned text (sound descriptions removed) or why it
    /// was rejected. `speech_seconds` is what the VAD heard.
    pub fn check(&self, raw: &RawTranscript, speech_seconds: f64) -> Result<String, Rejection> {
        let text = strip_sound_descriptions(&raw.text);
        let normalized = normalize(&text);
        if normalized.is_empty() {
            return Err(Rejection::Empty);
        }
        if raw.no_speech_probability > self.no_speech_threshold {
            return Err(Rejection::NoSpeech {
                probability: raw.no_speech_probability,
            });
        }
        let confidence = raw.confidence();
        if PHANTOM_PHRASES.contains(&normalized.as_str())
            && (speech_seconds < PHANTOM_MIN_SPEECH_S || confidence < PHANTOM_MIN_CONFIDENCE)
        {
            return Err(Rejection::Phantom { text });
        }
        if let Some(phrase) = looped_phrase(&text) {
            return Err(Rejection::Repetition { phrase });
        }
        if confidence < self.min_confidence {
            return Err(Rejection::LowConfidence { confidence });
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUARDS: Guards = Guards {
        no_speech_threshold: 0.6,
        min_confidence: 0.35,
    };

    fn raw(text: &str, probability: f32, no_speech: f32) -> RawTranscript {
        RawTranscript {
            text: text.to_string(),
            token_probabilities: vec![probability; 5],
            no_speech_probability: no_speech,
            ..RawTranscript::default()
        }
    }

    #[test]
    fn a_phrase_said_over_and_over_from_the_start_is_found_once() {
        assert_eq!(
            leading_repeat("go to the kitchen, go to the kitchen, go to the kitchen, go to")
                .as_deref(),
            Some("go to the kitchen")
        );
        assert_eq!(
            leading_repeat("What can you see? What can you see?").as_deref(),
            Some("What can you see?")
        );
        assert_eq!(
            leading_repeat("Stop. Stop. Stop.").as_deref(),
            Some("Stop.")
        );
        // A loop that starts later, or no loop, is not this.
        assert_eq!(
            leading_repeat("go to the kitchen and then the the the the"),
            None
        );
        assert_eq!(leading_repeat("go to the kitchen"), None);
        assert_eq!(leading_repeat("go to the kitchen, go to the"), None);
        assert_eq!(leading_repeat(""), None);
    }

    #[test]
    fn clean_speech_passes_with_sound_descriptions_removed() {
        let text = GUARDS
            .check(&raw(" Go to the kitchen. [MUSIC]", 0.9, 0.01), 1.5)
            .unwrap();
        assert_eq!(text, "Go to the kitchen.");
    }

    #[test]
    fn each_guard_rejects_its_case() {
        let check = |text, p, ns, s| GUARDS.check(&raw(text, p, ns), s).unwrap_err().as_str();
        assert_eq!(check("[BLANK_AUDIO]", 0.9, 0.0, 1.0), "empty");
        assert_eq!(check("(engine revving)", 0.9, 0.0, 1.0), "empty");
        assert_eq!(check("♪ ♪", 0.9, 0.0, 1.0), "empty");
        assert_eq!(check("Go to the kitchen.", 0.9, 0.8, 1.0), "no_speech");
        assert_eq!(check(" you", 0.9, 0.1, 0.3), "phantom");
        assert_eq!(check("Thank you.", 0.5, 0.1, 1.2), "phantom");
        assert_eq!(
            check("go to the go to the go to the kitchen", 0.9, 0.1, 2.0),
            "repetition"
        );
        assert_eq!(check("the the the the", 0.9, 0.1, 2.0), "repetition");
        assert_eq!(check("go to the kitchen", 0.2, 0.1, 2.0), "low_confidence");
    }

    #[test]
    fn doubled_phrases_of_three_words_or_more_are_found() {
        assert_eq!(
            doubled_phrase(
                "What your country can do for you. What your country can do for you.",
                3
            )
            .as_deref(),
            Some("what your country can do for you")
        );
        assert_eq!(
            doubled_phrase(
                "Where is the remote control? Where is the remote control?",
                3
            )
            .as_deref(),
            Some("where is the remote control")
        );
        assert_eq!(doubled_phrase("No, no, no.", 3), None);
        assert_eq!(doubled_phrase("go to the kitchen", 3), None);
        assert_eq!(doubled_phrase("", 3), None);
    }

    #[test]
    fn believable_thanks_and_short_repeats_pass() {
        assert!(GUARDS.check(&raw("Thank you.", 0.9, 0.05), 0.9).is_ok());
        assert!(GUARDS.check(&raw("No, no, no.", 0.9, 0.05), 0.9).is_ok());
        assert!(
            GUARDS
                .check(
                    &raw(
                        "ask not what your country can do for you ask what you can do for your country",
                        0.9,
                        0.05
                    ),
                    11.0
                )
                .is_ok()
        );
    }
}
