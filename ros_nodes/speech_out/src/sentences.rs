//! Splitting a reply into sentences, the unit of synthesis: the first one is heard while the
//! rest are still being synthesised.

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations whose full stop does not end a sentence ("Dr. Smith" stays one piece, so it
/// keeps its intonation).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "prof", "sr", "jr", "vs", "etc", "e.g", "i.e", "no", "approx",
];

/// The sentences of `text` (UAX #29 boundaries), trimmed, empty ones left out, a piece
/// ending in a known abbreviation joined to the next.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut sentences: Vec<String> = Vec::new();
    let mut carry = String::new();
    for piece in text.split_sentence_bounds() {
        carry.push_str(piece);
        let trimmed = carry.trim();
        if trimmed.is_empty() {
            carry.clear();
            continue;
        }
        if ends_with_abbreviation(trimmed) {
            continue;
        }
        sentences.push(trimmed.to_owned());
        carry.clear();
    }
    let rest = carry.trim();
    if !rest.is_empty() {
        sentences.push(rest.to_owned());
    }
    sentences
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(stem) = sentence.strip_suffix('.') else {
        return false;
    };
    let last_word = stem
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or_default()
        .to_lowercase();
    ABBREVIATIONS.contains(&last_word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_sentence_ends_and_trims() {
        assert_eq!(
            split_sentences("  Going to the kitchen.  It is 3.5 meters away! Ready? "),
            vec!["Going to the kitchen.", "It is 3.5 meters away!", "Ready?"]
        );
    }

    #[test]
    fn keeps_abbreviations_and_unterminated_text() {
        assert_eq!(
            split_sentences("Dr. Smith is in the office. Then we go"),
            vec!["Dr. Smith is in the office.", "Then we go"]
        );
        assert!(split_sentences(" \n ").is_empty());
        assert_eq!(split_sentences("Stopping"), vec!["Stopping"]);
    }
}
