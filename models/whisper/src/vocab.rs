//! Whisper's vocabulary: CTranslate2's `vocabulary.txt` holds one token per line in GPT-2's
//! byte-level BPE spelling (every byte drawn as a printable character, e.g. a space as `Ġ`);
//! whisper.cpp wants each token's raw bytes and adds the special tokens itself.

use std::collections::HashMap;

use crate::error::ProvisionError;

/// The printable character GPT-2 draws for each byte value.
fn byte_to_char_table() -> [char; 256] {
    let mut table = ['\0'; 256];
    // Printable Latin-1 bytes stand for themselves; the rest are shifted past 255 in byte order.
    let printable = |byte: u8| matches!(byte, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    let mut next_shifted = 256_u32;
    for byte in 0..=255_u8 {
        table[usize::from(byte)] = if printable(byte) {
            char::from(byte)
        } else {
            let shifted = char::from_u32(next_shifted).unwrap_or('\0');
            next_shifted += 1;
            shifted
        };
    }
    table
}

/// Decodes one token from GPT-2's byte-level spelling to its bytes, `None` if a character is not
/// one of the 256 byte characters.
pub fn decode_token(token: &str, char_to_byte: &HashMap<char, u8>) -> Option<Vec<u8>> {
    token
        .chars()
        .map(|c| char_to_byte.get(&c).copied())
        .collect()
}

/// The inverse of GPT-2's byte-to-character table.
pub fn char_to_byte_table() -> HashMap<char, u8> {
    byte_to_char_table()
        .iter()
        .zip(0..=255_u8)
        .map(|(&c, byte)| (c, byte))
        .collect()
}

/// Spells bytes in GPT-2's byte-level characters (the inverse of [`decode_token`]).
pub fn encode_token(bytes: &[u8]) -> String {
    let table = byte_to_char_table();
    bytes.iter().map(|&b| table[usize::from(b)]).collect()
}

/// Whether a vocabulary line is a special token such as `<|endoftext|>`.
fn is_special(token: &str) -> bool {
    token.starts_with("<|") && token.ends_with("|>")
}

/// The ordinary (BPE) tokens of `vocabulary.txt` as bytes, in id order: the lines before the first
/// special token (50256 for English-only models, 50257 for multilingual ones). whisper.cpp derives
/// the special tokens from the model's `n_vocab`.
///
/// # Errors
/// [`ProvisionError::BadVocabulary`] for a line that is not byte-level BPE, an ordinary token
/// after a special one, or a vocabulary without special tokens.
pub fn ordinary_tokens(vocabulary_txt: &str) -> Result<Vec<Vec<u8>>, ProvisionError> {
    let char_to_byte = char_to_byte_table();
    let mut tokens = Vec::new();
    let mut special_seen = 0_usize;
    for (index, line) in vocabulary_txt.lines().enumerate() {
        let line_number = index + 1;
        if is_special(line) {
            special_seen += 1;
            continue;
        }
        if special_seen > 0 {
            return Err(ProvisionError::BadVocabulary {
                line: line_number,
                reason: format!("ordinary token {line:?} after the special tokens"),
            });
        }
        let bytes =
            decode_token(line, &char_to_byte).ok_or_else(|| ProvisionError::BadVocabulary {
                line: line_number,
                reason: format!("{line:?} is not in byte-level BPE spelling"),
            })?;
        // Multilingual vocabularies have one empty token (id 50256); whisper.cpp accepts it.
        tokens.push(bytes);
    }
    if special_seen == 0 {
        return Err(ProvisionError::BadVocabulary {
            line: vocabulary_txt.lines().count(),
            reason: "no special tokens (<|endoftext|> ...): not a Whisper vocabulary".to_owned(),
        });
    }
    Ok(tokens)
}

/// Number of lines (tokens, special ones included) of `vocabulary.txt`.
pub fn line_count(vocabulary_txt: &str) -> usize {
    vocabulary_txt.lines().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_table_is_a_bijection() {
        let table = char_to_byte_table();
        assert_eq!(table.len(), 256);
        let all: Vec<u8> = (0..=255).collect();
        let spelled = encode_token(&all);
        assert_eq!(decode_token(&spelled, &table).unwrap(), all);
    }

    #[test]
    fn decodes_gpt2_spelling() {
        let table = char_to_byte_table();
        assert_eq!(decode_token("Ġthe", &table).unwrap(), b" the");
        assert_eq!(decode_token("Ċ", &table).unwrap(), b"\n");
        // "é" in UTF-8 is C3 A9, spelled as the two Latin-1 characters.
        assert_eq!(decode_token("Ã©", &table).unwrap(), "é".as_bytes());
        assert_eq!(decode_token("€", &table), None);
    }

    #[test]
    fn ordinary_tokens_stop_at_the_specials() {
        let text = "!\nĠa\n\n<|endoftext|>\n<|startoftranscript|>\n";
        let tokens = ordinary_tokens(text).unwrap();
        // The empty line is the empty token of multilingual vocabularies.
        assert_eq!(tokens, vec![b"!".to_vec(), b" a".to_vec(), Vec::new()]);
        assert_eq!(line_count(text), 5);
    }

    #[test]
    fn bad_vocabularies_name_the_line() {
        let err = ordinary_tokens("a\nb€\n<|endoftext|>\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = ordinary_tokens("a\n<|endoftext|>\nb\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("after the special"),
            "{err}"
        );
        let err = ordinary_tokens("a\nb\n").unwrap_err().to_string();
        assert!(err.contains("no special tokens"), "{err}");
    }
}
