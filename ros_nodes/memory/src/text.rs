//! Text normalisation shared by storage keys and retrieval.

/// Lowercase words of `text`: runs of letters and digits (an apostrophe inside a word is
/// dropped, so "Alice's" gives "alices" as it does for the FTS5 `unicode61` tokenizer's
/// neighbour "alice"); everything else separates words.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.replace('\'', "").to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

/// `text` as space-separated lowercase words: the key under which names and taught phrases
/// are compared ("The  Study!" and "the study" are the same).
pub(crate) fn normalize(text: &str) -> String {
    words(text).join(" ")
}

/// Words that say nothing about which fact is wanted (question words, pronouns, articles,
/// common verbs and fillers of spoken requests).
const STOP_WORDS: &[&str] = &[
    "a", "about", "actually", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "for", "from", "get", "go", "had", "has", "have",
    "he", "her", "hers", "him", "his", "how", "i", "im", "in", "into", "is", "it", "its", "just",
    "know", "let", "like", "me", "mine", "my", "no", "not", "now", "of", "oh", "ok", "okay", "on",
    "or", "our", "please", "remember", "she", "so", "some", "tell", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "to", "uh", "um", "up", "us", "was",
    "we", "were", "what", "whats", "when", "where", "wheres", "which", "who", "whos", "why",
    "will", "with", "would", "you", "your", "yours",
];

/// Whether `word` (lowercase) carries no meaning for retrieval.
pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// `text` as an FTS5 string literal: in double quotes, inner quotes doubled, so no word of
/// user input is read as query syntax (`OR`, `NEAR`, `*`, `:`).
pub(crate) fn fts_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_stop_word("where") && !is_stop_word("keys"));
    }

    #[test]
    fn normalisation_ignores_case_punctuation_and_spacing() {
        assert_eq!(normalize("  The Study! "), "the study");
        assert_eq!(
            words("Where're Alice's keys?"),
            ["wherere", "alices", "keys"]
        );
        assert_eq!(fts_literal("say \"hi\" OR"), "\"say \"\"hi\"\" OR\"");
    }
}
