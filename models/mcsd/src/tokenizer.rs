//! Byte-level BPE tokenizer (trained with the `tokenizers` crate), the dialogue format built on
//! its special tokens, and a UTF-8-safe streaming detokenizer.
//!
//! Every token maps to an exact byte string, so decoding never depends on how tokens are grouped
//! and constrained decoding can reason about bytes. Special tokens decode to nothing.

use std::collections::HashMap;
use std::path::Path;

use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{BPE, BpeTrainerBuilder};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PostProcessorWrapper, PreTokenizerWrapper,
    TokenizerBuilder,
};

use crate::error::{Error, Result};

/// Smallest vocabulary accepted: 256 byte tokens, the special tokens and some merges.
pub const MIN_VOCAB_SIZE: usize = 300;

/// Special tokens of the dialogue format, in id order (they take ids 0..7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Special {
    /// Padding.
    Pad,
    /// Start of a sequence.
    Bos,
    /// End of a sequence.
    Eos,
    /// Starts a system/context turn.
    System,
    /// Starts a user turn.
    User,
    /// Starts a robot (model) turn.
    Robot,
    /// Ends a turn inside a multi-turn dialogue.
    EndOfTurn,
}

impl Special {
    /// All special tokens, in id order.
    pub const ALL: [Special; 7] = [
        Special::Pad,
        Special::Bos,
        Special::Eos,
        Special::System,
        Special::User,
        Special::Robot,
        Special::EndOfTurn,
    ];

    /// The token's text in tokenizer.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Special::Pad => "<pad>",
            Special::Bos => "<s>",
            Special::Eos => "</s>",
            Special::System => "<system>",
            Special::User => "<user>",
            Special::Robot => "<robot>",
            Special::EndOfTurn => "<eot>",
        }
    }
}

/// A trained byte-level BPE tokenizer plus the byte string of every token.
#[derive(Clone)]
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    /// Raw bytes of each token id; empty for special tokens.
    token_bytes: Vec<Vec<u8>>,
    special_ids: [u32; Special::ALL.len()],
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("vocab_size", &self.vocab_size())
            .finish()
    }
}

fn tokenizer_error(what: &'static str, err: impl std::fmt::Display) -> Error {
    Error::Tokenizer {
        what,
        reason: err.to_string(),
    }
}

/// The byte-level alphabet: byte b is written as one printable char (the GPT-2 convention
/// that tokenizers' ByteLevel pre-tokenizer uses in tokenizer.json).
fn byte_to_char_table() -> [char; 256] {
    let printable = |b: u8| (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
    let mut table = ['\0'; 256];
    let mut next_unprintable = 256u32;
    for b in 0..=255u8 {
        table[b as usize] = if printable(b) {
            char::from(b)
        } else {
            let c = char::from_u32(next_unprintable).unwrap_or('\0');
            next_unprintable += 1;
            c
        };
    }
    table
}

impl Tokenizer {
    /// Trains a byte-level BPE tokenizer with `vocab_size` entries (byte alphabet, special tokens
    /// and merges) on `texts`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a vocabulary below [`MIN_VOCAB_SIZE`], [`Error::Tokenizer`] when
    /// training fails.
    pub fn train<I, S>(texts: I, vocab_size: usize) -> Result<Self>
    where
        I: Iterator<Item = S> + Send,
        S: AsRef<str> + Send,
    {
        if vocab_size < MIN_VOCAB_SIZE {
            return Err(Error::Invalid {
                what: "tokenizer vocab_size",
                reason: format!("{vocab_size} is below the minimum {MIN_VOCAB_SIZE}"),
            });
        }
        let specials: Vec<AddedToken> = Special::ALL
            .iter()
            .map(|s| AddedToken::from(s.as_str(), true))
            .collect();
        // No prefix space: encode(decode(x)) must give x back byte for byte.
        let byte_level = ByteLevel::new(false, true, true);
        let mut builder = TokenizerBuilder::<
            BPE,
            NormalizerWrapper,
            PreTokenizerWrapper,
            PostProcessorWrapper,
            DecoderWrapper,
        >::default()
        .with_model(BPE::default())
        .with_pre_tokenizer(Some(PreTokenizerWrapper::ByteLevel(byte_level)))
        .with_decoder(Some(DecoderWrapper::ByteLevel(ByteLevelDecoder::default())))
        .build()
        .map_err(|e| tokenizer_error("build", e))?;
        let mut trainer = BpeTrainerBuilder::new()
            .vocab_size(vocab_size)
            .min_frequency(2)
            .show_progress(false)
            .special_tokens(specials.clone())
            .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
            .build();
        builder
            .train(&mut trainer, texts)
            .map_err(|e| tokenizer_error("train", e))?;
        let mut inner: tokenizers::Tokenizer = builder.into();
        inner.add_special_tokens(&specials);
        Self::from_inner(inner)
    }

    /// Loads a tokenizer.json written by [`Tokenizer::save`].
    ///
    /// # Errors
    /// [`Error::Tokenizer`] when the file cannot be read or lacks a special token.
    pub fn load(path: &Path) -> Result<Self> {
        let inner = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| tokenizer_error("load", format!("{}: {e}", path.display())))?;
        Self::from_inner(inner)
    }

    /// Writes tokenizer.json.
    ///
    /// # Errors
    /// [`Error::Tokenizer`] when writing fails.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.inner
            .save(path, false)
            .map_err(|e| tokenizer_error("save", format!("{}: {e}", path.display())))
    }

    fn from_inner(inner: tokenizers::Tokenizer) -> Result<Self> {
        let mut special_ids = [0u32; Special::ALL.len()];
        for (slot, special) in special_ids.iter_mut().zip(Special::ALL) {
            *slot = inner.token_to_id(special.as_str()).ok_or_else(|| {
                tokenizer_error(
                    "load",
                    format!("special token {} missing", special.as_str()),
                )
            })?;
        }
        let char_to_byte: HashMap<char, u8> = byte_to_char_table()
            .iter()
            .enumerate()
            .map(|(b, &c)| (c, b as u8))
            .collect();
        let vocab_size = inner.get_vocab_size(true);
        let mut token_bytes = Vec::with_capacity(vocab_size);
        for id in 0..vocab_size as u32 {
            if special_ids.contains(&id) {
                token_bytes.push(Vec::new());
                continue;
            }
            let token = inner
                .id_to_token(id)
                .ok_or_else(|| tokenizer_error("load", format!("token id {id} has no entry")))?;
            let bytes = token
                .chars()
                .map(|c| char_to_byte.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| {
                    tokenizer_error("load", format!("token {id} {token:?} is not byte-level"))
                })?;
            token_bytes.push(bytes);
        }
        Ok(Self {
            inner,
            token_bytes,
            special_ids,
        })
    }

    /// Number of token ids, special tokens included.
    pub fn vocab_size(&self) -> usize {
        self.token_bytes.len()
    }

    /// Id of a special token.
    pub fn special_id(&self, special: Special) -> u32 {
        self.special_ids[special as usize]
    }

    /// Whether `id` is a special token.
    pub fn is_special(&self, id: u32) -> bool {
        self.special_ids.contains(&id)
    }

    /// Raw bytes of token `id` (empty for special and unknown ids).
    pub fn token_bytes(&self, id: u32) -> &[u8] {
        self.token_bytes
            .get(id as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Encodes plain text (no BOS/EOS added). Special-token strings inside `text` are recognised
    /// as special tokens.
    ///
    /// # Errors
    /// [`Error::Tokenizer`] when the tokenizer fails.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode(text, false)
            .map_err(|e| tokenizer_error("encode", e))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Decodes ids to text, skipping special tokens; invalid UTF-8 becomes U+FFFD.
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .flat_map(|&id| self.token_bytes(id).iter().copied())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The prompt of a single-turn dialogue: `<s><user>{user_text}<robot>`; the model continues
    /// with the answer and ends it with `</s>`.
    ///
    /// # Errors
    /// [`Error::Tokenizer`] when encoding fails.
    pub fn encode_prompt(&self, user_text: &str) -> Result<Vec<u32>> {
        let mut ids = vec![
            self.special_id(Special::Bos),
            self.special_id(Special::User),
        ];
        ids.extend(self.encode(user_text)?);
        ids.push(self.special_id(Special::Robot));
        Ok(ids)
    }

    /// The underlying `tokenizers` tokenizer.
    pub fn as_inner(&self) -> &tokenizers::Tokenizer {
        &self.inner
    }
}

/// Turns token bytes into text as soon as it is valid UTF-8: a multi-byte character split
/// across tokens is held back until it is complete.
#[derive(Debug, Default, Clone)]
pub struct StreamDecoder {
    pending: Vec<u8>,
}

impl StreamDecoder {
    /// A decoder with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a token's bytes; returns the text that became complete (possibly empty).
    /// Bytes that can never become valid UTF-8 are emitted as U+FFFD.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    out.push_str(text);
                    self.pending.clear();
                    return out;
                }
                Err(err) => {
                    let valid = err.valid_up_to();
                    out.push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match err.error_len() {
                        // Incomplete character at the end: wait for more bytes.
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    /// Flushes what is left (an incomplete character becomes U+FFFD).
    pub fn finish(&mut self) -> String {
        let out = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_texts() -> Vec<String> {
        let mut texts = Vec::new();
        for i in 0..200 {
            texts.push(format!(
                "The robot moves the red cup number {i} from the kitchen table to the shelf. \
                 Où est la tasse? Die Küche ist groß. 机器人 {i}"
            ));
        }
        texts
    }

    #[test]
    fn byte_table_is_a_bijection_onto_the_tokenizers_alphabet() {
        let table = byte_to_char_table();
        let ours: std::collections::HashSet<char> = table.iter().copied().collect();
        let theirs: std::collections::HashSet<char> = ByteLevel::alphabet().into_iter().collect();
        assert_eq!(ours.len(), 256);
        assert_eq!(ours, theirs);
    }

    #[test]
    fn round_trip_and_save_load() {
        let tok = Tokenizer::train(sample_texts().iter(), 400).unwrap();
        assert!(tok.vocab_size() <= 400 && tok.vocab_size() > 300);
        for text in [
            "The robot moves the red cup.",
            "  leading spaces and émojis 🤖 and 机器人\n",
            "",
        ] {
            let ids = tok.encode(text).unwrap();
            assert_eq!(tok.decode(&ids), text);
            assert_eq!(tok.as_inner().decode(&ids, true).unwrap(), text);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        tok.save(&path).unwrap();
        let loaded = Tokenizer::load(&path).unwrap();
        let text = "The robot moves the red cup number 7.";
        assert_eq!(loaded.encode(text).unwrap(), tok.encode(text).unwrap());
        assert_eq!(loaded.vocab_size(), tok.vocab_size());
        for special in Special::ALL {
            assert_eq!(loaded.special_id(special), special as u32);
        }
    }

    #[test]
    fn prompt_format_uses_special_tokens() {
        let tok = Tokenizer::train(sample_texts().iter(), 350).unwrap();
        let ids = tok.encode_prompt("hi").unwrap();
        assert_eq!(ids[0], tok.special_id(Special::Bos));
        assert_eq!(ids[1], tok.special_id(Special::User));
        assert_eq!(*ids.last().unwrap(), tok.special_id(Special::Robot));
        assert_eq!(tok.decode(&ids), "hi");
    }

    #[test]
    fn too_small_vocabulary_is_refused() {
        assert!(matches!(
            Tokenizer::train(["a"].iter(), 100),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn stream_decoder_holds_back_split_characters() {
        let text = "a🤖é";
        let bytes = text.as_bytes();
        let mut stream = StreamDecoder::new();
        let mut out = String::new();
        let mut pieces = Vec::new();
        for b in bytes {
            let piece = stream.push(std::slice::from_ref(b));
            out.push_str(&piece);
            pieces.push(piece);
        }
        out.push_str(&stream.finish());
        assert_eq!(out, text);
        assert_eq!(pieces[0], "a");
        assert_eq!(pieces[1..4], ["", "", ""]);
        assert_eq!(pieces[4], "🤖");
        let mut bad = StreamDecoder::new();
        assert_eq!(bad.push(&[0xFF, b'x']), "\u{FFFD}x");
        assert_eq!(bad.push(&[0xE2, 0x82]), "");
        assert_eq!(bad.finish(), "\u{FFFD}");
    }
}
