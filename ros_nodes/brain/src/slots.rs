//! Slots: the names, quantities and unfamiliar words of a prompt become numbered placeholders
//! before the model reads it, and the placeholders in its answer are put back afterwards.
//!
//! A small model copies poorly: trained on whole names it answered "go to the kitchen" with the
//! office, and "my name is anna" with a name from its training data. With slots it learns the
//! structure only ("go to the P1" → `nav P1`), and the names come back exactly:
//!
//! | placeholder | stands for | found by |
//! |---|---|---|
//! | `P1`..`P9` | a place | the semantic map's names and aliases, and their ASR near misses |
//! | `O1`..`O9` | an object | the same |
//! | `N1`..`N9` | a number (a length in metres when it had a length unit) | [`crate::numbers`] |
//! | `W1`..`W9` | a word the model was not trained on (a name, a liking, an unknown place) | the [`SlotLexicon`]'s known words |
//!
//! Places and objects the utterance mentions are numbered first, then those the grounding ties
//! to them (where a mentioned object is seen or remembered), then the unfamiliar words of
//! remembered facts. Everything else stays as it is, so "i'm thirsty" can still become
//! `bring water bottle to user`.
//!
//! ```
//! use brain::slots::{SlotLexicon, Slots};
//! use brain::{Grounding, Prompt};
//! # fn main() -> Result<(), brain::Error> {
//! let lexicon = SlotLexicon::for_tests();
//! let prompt = Prompt::new(Grounding::default(), "My name is Anna, go to the kitchen")?;
//! let (text, slots) = lexicon.abstract_prompt(&prompt, |_| false);
//! assert_eq!(text, "room living room|bat 80|u My name is W1, go to the P1");
//! assert_eq!(
//!     slots.restore("Hi W1.|nav P1|remember user:name:W1")?,
//!     "Hi Anna.|nav kitchen|remember user:name:anna"
//! );
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use embodied_world::{Named, ObjectId, PlaceId, SemanticMap, normalize_phrase};
use serde::{Deserialize, Serialize};

use crate::dialogue::recall::USER;
use crate::error::Error;
use crate::numbers::{self, LengthUnit};
use crate::prompt::{Prompt, PromptNames, format_decimal};

/// File of the [`SlotLexicon`] in a checkpoint directory.
pub const SLOTS_FILE: &str = "slots.json";
/// Placeholders of one kind in one prompt (one digit each).
pub const MAX_PER_KIND: usize = 9;

/// The kinds of placeholder, by their letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlotKind {
    /// `P`: a place.
    Place,
    /// `O`: an object.
    Object,
    /// `N`: a number.
    Number,
    /// `W`: an unfamiliar word.
    Word,
}

impl SlotKind {
    /// All kinds.
    pub const ALL: [SlotKind; 4] = [
        SlotKind::Place,
        SlotKind::Object,
        SlotKind::Number,
        SlotKind::Word,
    ];

    /// The placeholder letter.
    pub fn letter(self) -> u8 {
        match self {
            SlotKind::Place => b'P',
            SlotKind::Object => b'O',
            SlotKind::Number => b'N',
            SlotKind::Word => b'W',
        }
    }

    /// The kind whose letter is `byte`.
    pub fn from_letter(byte: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.letter() == byte)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What the slot abstraction knows, saved with a checkpoint as [`SLOTS_FILE`]: the words the
/// model was trained on and the phrases that name places and objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotLexicon {
    /// Words of the training phrasings (lowercase). Any other word becomes a `W` slot.
    pub known_words: BTreeSet<String>,
    /// Normalised phrase → canonical place name.
    pub places: BTreeMap<String, String>,
    /// Normalised phrase → canonical object name.
    pub objects: BTreeMap<String, String>,
    #[serde(skip)]
    lookup: HashMap<String, Named>,
    #[serde(skip)]
    longest_phrase: usize,
}

impl SlotLexicon {
    /// The lexicon of a corpus: `known_words` are the words of the phrasings the model trains
    /// on; names are the map's names and aliases, each also with the ASR near misses of its
    /// words (`confusions`, word → alternatives: "kitten" for "kitchen").
    pub fn new(
        known_words: BTreeSet<String>,
        map: &SemanticMap,
        confusions: &BTreeMap<String, Vec<String>>,
    ) -> Self {
        let mut places = BTreeMap::new();
        let mut objects = BTreeMap::new();
        for (phrase, named) in map.vocabulary() {
            for variant in near_misses(phrase, confusions) {
                match named {
                    Named::Place(id) => {
                        places
                            .entry(variant)
                            .or_insert_with(|| id.name().to_owned());
                    }
                    Named::Object(id) => {
                        objects
                            .entry(variant)
                            .or_insert_with(|| id.name().to_owned());
                    }
                }
            }
        }
        // A near miss of one name that is another name's phrase stays the other name's.
        places.retain(|phrase, _| !matches!(map.resolve(phrase), Some(Named::Object(_))));
        objects.retain(|phrase, _| !matches!(map.resolve(phrase), Some(Named::Place(_))));
        Self::from_parts(known_words, places, objects)
    }

    fn from_parts(
        known_words: BTreeSet<String>,
        places: BTreeMap<String, String>,
        objects: BTreeMap<String, String>,
    ) -> Self {
        let mut lookup = HashMap::new();
        for (phrase, name) in &places {
            if let Some(id) = PlaceId::from_name(name) {
                lookup.insert(phrase.clone(), Named::Place(id));
            }
        }
        for (phrase, name) in &objects {
            if let Some(id) = ObjectId::from_name(name) {
                lookup.insert(phrase.clone(), Named::Object(id));
            }
        }
        let longest_phrase = lookup
            .keys()
            .map(|phrase| phrase.split(' ').count())
            .max()
            .unwrap_or(1);
        Self {
            known_words,
            places,
            objects,
            lookup,
            longest_phrase,
        }
    }

    /// This lexicon with more known words and names (what consolidation teaches: the words of
    /// taught phrases, and aliases of places and objects).
    pub fn extended(
        &self,
        words: impl IntoIterator<Item = String>,
        names: impl IntoIterator<Item = (String, Named)>,
    ) -> Self {
        let mut known_words = self.known_words.clone();
        known_words.extend(words);
        let (mut places, mut objects) = (self.places.clone(), self.objects.clone());
        for (phrase, named) in names {
            let phrase = normalize_phrase(&phrase);
            match named {
                Named::Place(id) => places.insert(phrase, id.name().to_owned()),
                Named::Object(id) => objects.insert(phrase, id.name().to_owned()),
            };
        }
        Self::from_parts(known_words, places, objects)
    }

    /// A small lexicon for examples and tests: the canonical names, no aliases, and the words
    /// of a few phrasings.
    pub fn for_tests() -> Self {
        let known_words = "my name is go to the where are what's please bring me a and then \
                           turn left right move forward back meters degrees you user one eighty"
            .split(' ')
            .map(str::to_owned)
            .collect();
        let places = PlaceId::ALL
            .iter()
            .map(|p| (p.name().to_owned(), p.name().to_owned()))
            .collect();
        let objects = ObjectId::ALL
            .iter()
            .map(|o| (o.name().to_owned(), o.name().to_owned()))
            .collect();
        Self::from_parts(known_words, places, objects)
    }

    /// Reads [`SLOTS_FILE`] from a checkpoint directory.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Invalid`] when the file is missing or malformed.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(SLOTS_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let raw: SlotLexicon = serde_json::from_str(&text).map_err(|e| Error::Invalid {
            what: "slot lexicon",
            value: path.display().to_string(),
            reason: e.to_string(),
        })?;
        for (phrase, name) in raw.places.iter().chain(&raw.objects) {
            if PlaceId::from_name(name).is_none() && ObjectId::from_name(name).is_none() {
                return Err(Error::Invalid {
                    what: "slot lexicon name",
                    value: format!("{phrase} -> {name}"),
                    reason: format!("not a canonical place or object in {}", path.display()),
                });
            }
        }
        Ok(Self::from_parts(raw.known_words, raw.places, raw.objects))
    }

    /// Writes [`SLOTS_FILE`] into `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(SLOTS_FILE);
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })
    }

    /// Whether `word` alone names a place or an object.
    pub fn names(&self, word: &str) -> bool {
        self.lookup.contains_key(word)
    }

    /// Whether the model was trained on `word` (lowercase, no surrounding punctuation).
    pub fn knows(&self, word: &str) -> bool {
        self.known_words.contains(word)
    }

    /// The model's input for `prompt`, and the slots it used. `unfamiliar` marks known words
    /// as unfamiliar anyway (training uses it to show the model unseen phrasing words).
    pub fn abstract_prompt(
        &self,
        prompt: &Prompt,
        unfamiliar: impl Fn(&str) -> bool,
    ) -> (String, Slots) {
        let mut namer = Namer {
            lexicon: self,
            unfamiliar: &unfamiliar,
            slots: Slots::default(),
        };
        let text = prompt.render(&mut namer);
        let mut slots = namer.slots;
        slots.names = name_words(&text);
        (text, slots)
    }

    /// The places `utterance` (plain words) names, by name, alias or near miss, in order.
    pub fn places_named(&self, utterance: &str) -> Vec<PlaceId> {
        let words: Vec<Word<'_>> = utterance.split(' ').map(split_word).collect();
        (0..words.len())
            .filter_map(|start| match self.name_at(&words[start..]) {
                Some((Named::Place(place), _)) => Some(place),
                _ => None,
            })
            .collect()
    }

    /// Where an object is to be fetched from, "the cup from the kitchen": the model's answers
    /// name only where an object goes, so "bring me the cup from the kitchen" was taken as
    /// taking the cup to the kitchen. The object, the place, and `utterance` (plain words)
    /// without "from [the] PLACE". The place must end the utterance or come before one of
    /// [`AFTER_SOURCE`] ("the cup from the kitchen table" is left alone).
    pub fn fetch_source(&self, utterance: &str) -> Option<FetchSource> {
        let tokens: Vec<&str> = utterance.split(' ').collect();
        let words: Vec<Word<'_>> = tokens.iter().map(|token| split_word(token)).collect();
        let core = |i: usize| words.get(i).map(|w| w.core.as_str());
        for start in 0..words.len() {
            let Some((Named::Object(object), object_len)) = self.name_at(&words[start..]) else {
                continue;
            };
            let from = start + object_len;
            if core(from) != Some("from") {
                continue;
            }
            let mut at = from + 1;
            if core(at).is_some_and(|w| SOURCE_DETERMINERS.contains(&w)) {
                at += 1;
            }
            let Some((Named::Place(place), place_len)) =
                self.name_at(&words[at.min(words.len())..])
            else {
                continue;
            };
            let end = at + place_len;
            if core(end).is_some_and(|w| !AFTER_SOURCE.contains(&w)) {
                continue;
            }
            let kept: Vec<&str> = tokens[..from]
                .iter()
                .chain(&tokens[end..])
                .copied()
                .collect();
            return Some(FetchSource {
                object,
                place,
                utterance: kept.join(" "),
            });
        }
        None
    }

    /// The longest name phrase at the start of `words`, with its length in words.
    fn name_at(&self, words: &[Word<'_>]) -> Option<(Named, usize)> {
        (1..=self.longest_phrase.min(words.len()))
            .rev()
            .find_map(|len| {
                let phrase = words[..len]
                    .iter()
                    .map(|w| w.core.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                self.lookup.get(&phrase).map(|named| (*named, len))
            })
    }
}

/// Words between "from" and the place of a [`FetchSource`].
const SOURCE_DETERMINERS: &[&str] = &["the", "my", "our", "your"];
/// Words that may follow the place of a [`FetchSource`]: the rest of the request.
pub const AFTER_SOURCE: &[&str] = &["to", "and", "then", "please", "for", "now"];

/// "The cup from the kitchen" in a request ([`SlotLexicon::fetch_source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSource {
    /// The object.
    pub object: ObjectId,
    /// Where it is to be fetched from.
    pub place: PlaceId,
    /// The utterance without "from [the] PLACE".
    pub utterance: String,
}

/// `phrase` and its variants with words replaced by their near misses (at most 64).
fn near_misses(phrase: &str, confusions: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    const MOST: usize = 64;
    let mut variants = vec![String::new()];
    for (i, word) in phrase.split(' ').enumerate() {
        let mut choices = vec![word.to_owned()];
        if let Some(alternatives) = confusions.get(word) {
            choices.extend(alternatives.iter().map(|a| normalize_phrase(a)));
        }
        variants = variants
            .iter()
            .flat_map(|head| {
                choices.iter().map(move |choice| {
                    if i == 0 {
                        choice.clone()
                    } else {
                        format!("{head} {choice}")
                    }
                })
            })
            .take(MOST)
            .collect();
    }
    variants
}

/// One word of an utterance: its core (lowercase, no surrounding punctuation) and the
/// punctuation around it.
#[derive(Debug, Clone)]
struct Word<'a> {
    lead: &'a str,
    core: String,
    surface: &'a str,
    trail: &'a str,
}

fn split_word(token: &str) -> Word<'_> {
    let is_core = |c: char| c.is_alphanumeric() || c == '\'';
    let start = token.find(is_core).unwrap_or(token.len());
    let end = token.rfind(is_core).map_or(start, |i| {
        i + token[i..].chars().next().map_or(1, char::len_utf8)
    });
    // A decimal point inside a number belongs to it ("1.5").
    let surface = &token[start..end.max(start)];
    Word {
        lead: &token[..start],
        core: surface.to_lowercase(),
        surface,
        trail: &token[end.max(start)..],
    }
}

/// The slots of one prompt: what each placeholder stands for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slots {
    places: Vec<PlaceId>,
    objects: Vec<ObjectId>,
    /// Numbers as the output format writes them.
    numbers: Vec<String>,
    /// Words as they were heard (case kept for the say text).
    words: Vec<String>,
    /// `W` placeholders (1-based) that stand for a person's name in the prompt's facts.
    names: BTreeSet<usize>,
}

/// The `W` placeholders of names (`...:name:W1`) in `text`.
fn name_words(text: &str) -> BTreeSet<usize> {
    text.match_indices(":name:W")
        .filter_map(|(at, marker)| {
            let digit = *text.as_bytes().get(at + marker.len())?;
            digit.is_ascii_digit().then(|| usize::from(digit - b'0'))
        })
        .collect()
}

impl Slots {
    /// Placeholders of `kind` in use.
    pub fn count(&self, kind: SlotKind) -> usize {
        match kind {
            SlotKind::Place => self.places.len(),
            SlotKind::Object => self.objects.len(),
            SlotKind::Number => self.numbers.len(),
            SlotKind::Word => self.words.len(),
        }
    }

    /// The numbers of the `N` slots, as the output format writes them.
    pub fn numbers(&self) -> &[String] {
        &self.numbers
    }

    fn bind_place(&mut self, place: PlaceId) -> Option<String> {
        bind(&mut self.places, place, SlotKind::Place)
    }

    fn bind_object(&mut self, object: ObjectId) -> Option<String> {
        bind(&mut self.objects, object, SlotKind::Object)
    }

    fn bind_number(&mut self, number: String) -> Option<String> {
        bind(&mut self.numbers, number, SlotKind::Number)
    }

    fn bind_word(&mut self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        if let Some(i) = self.words.iter().position(|w| w.to_lowercase() == lower) {
            return Some(placeholder(SlotKind::Word, i));
        }
        bind(&mut self.words, word.to_owned(), SlotKind::Word)
    }

    fn place_slot(&self, place: PlaceId) -> Option<String> {
        let i = self.places.iter().position(|p| *p == place)?;
        Some(placeholder(SlotKind::Place, i))
    }

    fn object_slot(&self, object: ObjectId) -> Option<String> {
        let i = self.objects.iter().position(|o| *o == object)?;
        Some(placeholder(SlotKind::Object, i))
    }

    /// The training answer for these slots: every name, number and word they hold is written
    /// as its placeholder (so [`Slots::restore`] gives `answer` back).
    pub fn abstract_answer(&self, answer: &str) -> String {
        let mut text = answer.to_owned();
        let mut names: Vec<(String, String)> = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name().to_owned(), placeholder(SlotKind::Place, i)))
            .chain(
                self.objects
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (o.name().to_owned(), placeholder(SlotKind::Object, i))),
            )
            .collect();
        // Longer names first: "living room" before a word inside it.
        names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        for (name, slot) in &names {
            text = replace_whole(&text, name, slot, false);
        }
        for (i, word) in self.words.iter().enumerate() {
            text = replace_whole(&text, word, &placeholder(SlotKind::Word, i), true);
        }
        for (i, number) in self.numbers.iter().enumerate() {
            text = replace_whole(&text, number, &placeholder(SlotKind::Number, i), false);
        }
        text
    }

    /// `text` with its placeholders replaced by what they stand for. In the steps (after the
    /// first `|`) words are lowercased, as facts are.
    ///
    /// # Errors
    /// [`Error::ParseOutput`] when a placeholder is not bound.
    pub fn restore(&self, text: &str) -> Result<String, Error> {
        let bytes = text.as_bytes();
        // Names the answer stores, and those of the prompt's facts, are proper nouns in the
        // say text, whatever case they were heard in.
        let mut names = name_words(text);
        names.extend(&self.names);
        let mut out = String::with_capacity(text.len() + 16);
        let mut in_steps = false;
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            let slot = SlotKind::from_letter(byte)
                .filter(|_| starts_word)
                .zip(bytes.get(i + 1).filter(|b| b.is_ascii_digit()))
                .filter(|_| !bytes.get(i + 2).is_some_and(u8::is_ascii_alphanumeric));
            if let Some((kind, digit)) = slot {
                let index = usize::from(digit - b'0');
                let value = self.value(kind, index).ok_or_else(|| Error::ParseOutput {
                    text: text.to_owned(),
                    reason: format!("placeholder {}{index} is not bound", char::from(byte)),
                })?;
                i += 2;
                if in_steps {
                    out.push_str(&value.to_lowercase());
                } else if kind == SlotKind::Word && names.contains(&index) {
                    out.push_str(&crate::corpus::generate::capitalize_words(&value));
                } else {
                    out.push_str(&value);
                    // The model cannot tell a plural behind `O1`: "the keys are".
                    if kind == SlotKind::Object
                        && let Some(object) = ObjectId::from_name(&value)
                        && crate::corpus::generate::be(object) == "are"
                        && text[i..].starts_with(" is")
                        && !text[i + 3..].starts_with(|c: char| c.is_ascii_alphanumeric())
                    {
                        out.push_str(" are");
                        i += 3;
                    }
                    // "N1 meters" of one: "1 meter".
                    if value == "1"
                        && let Some(unit) = [" meters", " degrees"]
                            .into_iter()
                            .find(|unit| text[i..].starts_with(unit))
                    {
                        out.push_str(&unit[..unit.len() - 1]);
                        i += unit.len();
                    }
                }
                continue;
            }
            in_steps |= byte == b'|';
            // Copy one whole UTF-8 character.
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + len]);
            i += len;
        }
        Ok(out)
    }

    /// What placeholder `index` (1-based) of `kind` stands for.
    fn value(&self, kind: SlotKind, index: usize) -> Option<String> {
        let i = index.checked_sub(1)?;
        match kind {
            SlotKind::Place => self.places.get(i).map(|p| p.name().to_owned()),
            SlotKind::Object => self.objects.get(i).map(|o| o.name().to_owned()),
            SlotKind::Number => self.numbers.get(i).cloned(),
            SlotKind::Word => self.words.get(i).cloned(),
        }
    }
}

fn placeholder(kind: SlotKind, i: usize) -> String {
    format!("{}{}", char::from(kind.letter()), i + 1)
}

fn bind<T: PartialEq>(list: &mut Vec<T>, value: T, kind: SlotKind) -> Option<String> {
    if let Some(i) = list.iter().position(|v| *v == value) {
        return Some(placeholder(kind, i));
    }
    if list.len() >= MAX_PER_KIND {
        return None;
    }
    list.push(value);
    Some(placeholder(kind, list.len() - 1))
}

/// `text` with each whole-word occurrence of `needle` replaced (a word boundary is anything
/// but a letter, digit, or a `.` or `-` inside a number).
fn replace_whole(text: &str, needle: &str, with: &str, ignore_case: bool) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let haystack = if ignore_case {
        text.to_lowercase()
    } else {
        text.to_owned()
    };
    let needle_cmp = if ignore_case {
        needle.to_lowercase()
    } else {
        needle.to_owned()
    };
    // Lowercasing ASCII keeps byte offsets; anything else is left alone.
    if haystack.len() != text.len() {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let is_inner = |b: u8| b.is_ascii_alphanumeric();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(found) = haystack[from..].find(&needle_cmp) {
        let start = from + found;
        let end = start + needle_cmp.len();
        let before_ok = start == 0
            || !(is_inner(bytes[start - 1])
                || (bytes[start - 1] == b'.' && start >= 2 && bytes[start - 2].is_ascii_digit()));
        let after_ok = end >= bytes.len()
            || !(is_inner(bytes[end])
                || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)));
        if before_ok && after_ok {
            out.push_str(&text[last..start]);
            out.push_str(with);
            last = end;
        }
        from = end.max(start + 1);
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a word is, or starts, a number: digits or a number word.
fn is_number_word(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit()) || numbers::is_number_word(word)
}

/// Words as the lexicon keeps them: lowercase, possessive `'s` dropped ("sister's" is
/// "sister").
pub fn lexicon_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix("'s") {
                Some(stem) if !stem.is_empty() => stem.to_owned(),
                _ => w,
            }
        })
}

/// Numbers the names of one prompt as [`Prompt::render`] meets them.
struct Namer<'a, F: Fn(&str) -> bool> {
    lexicon: &'a SlotLexicon,
    unfamiliar: &'a F,
    slots: Slots,
}

impl<F: Fn(&str) -> bool> Namer<'_, F> {
    fn is_known(&self, word: &str) -> bool {
        self.lexicon.knows(word) && !(self.unfamiliar)(word)
    }

    /// A word of a fact or an utterance: as it is when known, else its `W` slot (a known
    /// word's possessive keeps its `'s`).
    fn word(&mut self, word: &Word<'_>) -> String {
        let (stem, suffix) = match word.surface.strip_suffix("'s") {
            Some(stem) if !stem.is_empty() => (stem, "'s"),
            _ => (word.surface, ""),
        };
        let core = stem.to_lowercase();
        if core.is_empty()
            || self.is_known(&core)
            || core.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        {
            return format!("{}{}{}", word.lead, word.surface, word.trail);
        }
        match self.slots.bind_word(stem) {
            Some(slot) => format!("{}{slot}{suffix}{}", word.lead, word.trail),
            None => format!("{}{}{}", word.lead, word.surface, word.trail),
        }
    }

    /// The number at the start of `words` (and its unit), as a slot and the words it used.
    fn number_at(&mut self, words: &[Word<'_>]) -> Option<(String, usize)> {
        let first = &words.first()?.core;
        // "a meter", "half a meter", "a quarter of a meter" are numbers of a length unit, as
        // "one meter" is (left to the model, "a meter" came out as half of one, a phrase only
        // a word away); before anything else ("half a turn", "a bit") they stay words.
        let needs_unit = !is_number_word(first);
        if needs_unit && !matches!(first.as_str(), "a" | "an" | "half") {
            return None;
        }
        let (value, len) = (1..=words.len().min(6)).rev().find_map(|len| {
            let cores: Vec<&str> = words[..len].iter().map(|w| w.core.as_str()).collect();
            // A number does not end in "and" ("two and turn").
            if cores.last() == Some(&"and") {
                return None;
            }
            numbers::parse_number(&cores).map(|value| (value, len))
        })?;
        // A number said twice is said once ("turn right 180 180 degrees", "for 1 1 metre",
        // "twenty twenty degrees": a stammer, or whisper's echo of one); left as it was, the
        // run of numbers below went to the model as words it could not read.
        let repeated = len * 2 <= words.len()
            && words[..len]
                .iter()
                .zip(&words[len..len * 2])
                .all(|(said, again)| said.core == again.core);
        let len_said = if repeated { len * 2 } else { len };
        // "one eighty" is not one and then eighty: a number word that does not join the
        // number leaves the phrase to the model.
        if words.get(len_said).is_some_and(|w| is_number_word(&w.core)) {
            return None;
        }
        let len = len_said;
        let unit = words.get(len).and_then(|w| LengthUnit::from_word(&w.core));
        if needs_unit && unit.is_none() {
            return None;
        }
        // "a meter and a half"
        let after_unit: Vec<&str> = words
            .iter()
            .skip(len + 1)
            .take(3)
            .map(|w| w.core.as_str())
            .collect();
        let and_a_half = unit.is_some() && numbers::and_a_half(&after_unit);
        let value = value + if and_a_half { 0.5 } else { 0.0 };
        let (value, unit_text) = match unit {
            Some(unit) => (numbers::round2(value * unit.metres()), Some("meters")),
            None => (value, None),
        };
        if !(value.is_finite() && value.abs() < 1e6) {
            return None;
        }
        let slot = self.slots.bind_number(format_decimal(value))?;
        let used = len + usize::from(unit.is_some()) + if and_a_half { 3 } else { 0 };
        let last = &words[used - 1];
        let text = match unit_text {
            Some(unit) => format!("{}{slot} {unit}{}", words[0].lead, last.trail),
            None => format!("{}{slot}{}", words[0].lead, last.trail),
        };
        Some((text, used))
    }
}

impl<F: Fn(&str) -> bool> PromptNames for Namer<'_, F> {
    fn utterance(&mut self, utterance: &str) -> String {
        let words: Vec<Word<'_>> = utterance.split(' ').map(split_word).collect();
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some((named, len)) = self.lexicon.name_at(&words[i..]) {
                let slot = match named {
                    Named::Place(place) => self.slots.bind_place(place),
                    Named::Object(object) => self.slots.bind_object(object),
                };
                if let Some(slot) = slot {
                    out.push(format!(
                        "{}{slot}{}",
                        words[i].lead,
                        words[i + len - 1].trail
                    ));
                    i += len;
                    continue;
                }
            }
            if let Some((text, len)) = self.number_at(&words[i..]) {
                out.push(text);
                i += len;
                continue;
            }
            if is_number_word(&words[i].core) {
                // A run of number words that is not one number stays as it was said.
                while i < words.len() && is_number_word(&words[i].core) {
                    out.push(format!(
                        "{}{}{}",
                        words[i].lead, words[i].surface, words[i].trail
                    ));
                    i += 1;
                }
                continue;
            }
            out.push(self.word(&words[i]));
            i += 1;
        }
        out.join(" ")
    }

    fn room(&mut self, room: PlaceId) -> String {
        self.slots
            .place_slot(room)
            .unwrap_or_else(|| room.name().to_owned())
    }

    fn located(&mut self, label: &str, place: PlaceId) -> (String, String) {
        let object = ObjectId::from_name(label).and_then(|o| self.slots.object_slot(o));
        match object {
            // Where a mentioned object is: its room gets a slot too.
            Some(slot) => {
                let room = self
                    .slots
                    .bind_place(place)
                    .unwrap_or_else(|| place.name().to_owned());
                (slot, room)
            }
            None => (label.to_owned(), self.room(place)),
        }
    }

    /// A fact's subject or value: every word but `user` is copied through a `W` slot, known or
    /// not, so that "likes chocolate" is recalled as exactly as "likes jazz".
    fn words(&mut self, words: &str) -> String {
        words
            .split(' ')
            .map(|w| {
                let word = split_word(w);
                if word.core == USER || word.core.is_empty() {
                    return w.to_owned();
                }
                match self.slots.bind_word(word.surface) {
                    Some(slot) => format!("{}{slot}{}", word.lead, word.trail),
                    None => w.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{Fact, Grounding, Perceived};

    fn abstracted(grounding: Grounding, utterance: &str) -> (String, Slots) {
        let prompt = Prompt::new(grounding, utterance).unwrap();
        SlotLexicon::for_tests().abstract_prompt(&prompt, |_| false)
    }

    #[test]
    fn names_numbers_and_unfamiliar_words_become_slots_and_come_back() {
        let (text, slots) = abstracted(
            Grounding::default(),
            "please bring me the water bottle and then move forward ten feet and turn left 90 degrees",
        );
        assert_eq!(
            text,
            "room living room|bat 80|u please bring me the O1 and then move forward N1 meters \
             and turn left N2 degrees"
        );
        let answer =
            "Bringing it. Then moving 3.05 meters.|bring water bottle to user|move 3.05|turn 90";
        let abstract_answer = slots.abstract_answer(answer);
        assert_eq!(
            abstract_answer,
            "Bringing it. Then moving N1 meters.|bring O1 to user|move N1|turn N2"
        );
        assert_eq!(slots.restore(&abstract_answer).unwrap(), answer);
        assert_eq!(slots.restore("Ok.|move -N1").unwrap(), "Ok.|move -3.05");
        assert!(slots.restore("Ok.|nav P1").is_err());
    }

    #[test]
    fn a_fetch_source_is_taken_out_of_the_request() {
        let lexicon = SlotLexicon::for_tests();
        let cases = [
            (
                "get me the cup from the kitchen",
                Some((ObjectId::Cup, PlaceId::Kitchen, "get me the cup")),
            ),
            (
                "bring the water bottle from my bedroom to the office",
                Some((
                    ObjectId::WaterBottle,
                    PlaceId::Bedroom,
                    "bring the water bottle to the office",
                )),
            ),
            (
                "fetch the book from the living room please",
                Some((ObjectId::Book, PlaceId::LivingRoom, "fetch the book please")),
            ),
            // Not a place that ends the phrase, not right after the object, or no "from".
            ("bring me the cup from the kitchen table", None),
            ("bring me something from the kitchen", None),
            ("go from the kitchen to the office", None),
            ("bring me the cup in the kitchen", None),
            ("bring me the cup from", None),
        ];
        for (utterance, expected) in cases {
            let found = lexicon
                .fetch_source(utterance)
                .map(|s| (s.object, s.place, s.utterance));
            let expected = expected.map(|(o, p, u)| (o, p, u.to_owned()));
            assert_eq!(found, expected, "{utterance}");
        }
    }

    #[test]
    fn a_unit_is_one_of_it_and_a_half_more_joins() {
        let cases = [
            ("go forward a meter", "go forward N1 meters", "1"),
            (
                "move a foot forward please",
                "move N1 meters forward please",
                "0.3",
            ),
            ("go back a meter and a half", "go back N1 meters", "1.5"),
            ("two feet and a half", "N1 meters", "0.76"),
            ("go back half a meter", "go back N1 meters", "0.5"),
            ("go back a quarter of a meter", "go back N1 meters", "0.25"),
        ];
        for (utterance, expected, value) in cases {
            let (text, slots) = abstracted(Grounding::default(), utterance);
            assert_eq!(text, format!("room living room|bat 80|u {expected}"));
            assert_eq!(slots.restore("|move N1").unwrap(), format!("|move {value}"));
        }
        let (_, slots) = abstracted(Grounding::default(), "where are my keys");
        assert_eq!(
            slots
                .restore("I don't know where the O1 is, I'll go and look.|find O1")
                .unwrap(),
            "I don't know where the keys are, I'll go and look.|find keys"
        );
        let (_, slots) = abstracted(Grounding::default(), "go forward a meter");
        assert_eq!(
            slots.restore("Moving forward N1 meters.|move N1").unwrap(),
            "Moving forward 1 meter.|move 1"
        );
        // A number said twice is one number.
        for (said, read) in [
            ("turn right 180 180 degrees", "turn right N1 degrees"),
            ("go forward 1 1 metre", "go forward N1 meters"),
            ("turn left twenty twenty degrees", "turn left N1 degrees"),
        ] {
            let (text, slots) = abstracted(Grounding::default(), said);
            assert_eq!(text, format!("room living room|bat 80|u {read}"));
            assert_eq!(slots.count(SlotKind::Number), 1);
        }
        let (text, _) = abstracted(Grounding::default(), "turn 90 90 90 degrees");
        assert_eq!(text, "room living room|bat 80|u turn 90 90 90 degrees");
        // Before anything but a unit they are left as they are.
        let (text, _) = abstracted(Grounding::default(), "go to a kitchen");
        assert_eq!(text, "room living room|bat 80|u go to a P1");
        let (text, slots) = abstracted(Grounding::default(), "turn left half a turn");
        assert_eq!(slots.count(SlotKind::Number), 0, "{text}");
    }

    #[test]
    fn grounding_of_mentioned_objects_and_fact_words_share_the_slots() {
        let grounding = Grounding {
            room: PlaceId::Kitchen,
            battery_pct: 50,
            perceived: vec![Perceived {
                label: "cup".into(),
                room: PlaceId::Kitchen,
            }],
            facts: vec![
                Fact::location(ObjectId::Keys, PlaceId::Bedroom),
                Fact::new("user", "name", "anna").unwrap(),
            ],
        };
        let (text, slots) = abstracted(grounding, "where are my keys");
        assert_eq!(
            text,
            "room kitchen|bat 50|see cup@kitchen|mem O1@P1,user:name:W1|u where are my O1"
        );
        assert_eq!(
            slots.restore("The O1 are in the P1, W1.").unwrap(),
            "The keys are in the bedroom, Anna."
        );
        // A name the answer stores is written as a name, whatever case it was heard in.
        let (_, slots) = abstracted(Grounding::default(), "my name is mary");
        assert_eq!(
            slots
                .restore("Nice to meet you, W1.|remember user:name:W1")
                .unwrap(),
            "Nice to meet you, Mary.|remember user:name:mary"
        );
        assert_eq!(
            slots.restore("Noted, you like W1.").unwrap(),
            "Noted, you like mary."
        );
    }

    #[test]
    fn possessives_punctuation_and_repeats() {
        let (text, _) = abstracted(
            Grounding::default(),
            "turn left one eighty and move forward",
        );
        assert_eq!(
            text,
            "room living room|bat 80|u turn left one eighty and move forward"
        );
        let (text, slots) = abstracted(Grounding::default(), "My sister's name is Omar. Omar!");
        assert_eq!(text, "room living room|bat 80|u My W1's name is W2. W2!");
        assert_eq!(
            slots.restore("Hi W2.|remember W1:name:W2").unwrap(),
            "Hi Omar.|remember sister:name:omar"
        );
        let answer = "Got it, your sister's name is Omar.|remember sister:name:omar";
        assert_eq!(
            slots.abstract_answer(answer),
            "Got it, your W1's name is W2.|remember W1:name:W2"
        );
    }

    #[test]
    fn unfamiliar_marks_known_words_and_near_misses_name_places() {
        let prompt = Prompt::new(Grounding::default(), "go to the kitten").unwrap();
        let (text, _) = SlotLexicon::for_tests().abstract_prompt(&prompt, |w| w == "go");
        assert_eq!(text, "room living room|bat 80|u W1 to the W2");
        let mut confusions = BTreeMap::new();
        confusions.insert("kitchen".to_owned(), vec!["kitten".to_owned()]);
        assert!(near_misses("kitchen", &confusions).contains(&"kitten".to_owned()));
        confusions.insert("dock".to_owned(), vec!["duck".to_owned(), "doc".to_owned()]);
        confusions.insert("charging".to_owned(), vec!["charge in".to_owned()]);
        let variants = near_misses("charging dock", &confusions);
        assert_eq!(variants.len(), 6);
        assert!(variants.contains(&"charge in duck".to_owned()));
    }

    #[test]
    fn replace_whole_respects_word_and_number_boundaries() {
        assert_eq!(
            replace_whole("move 1.5|turn 15", "15", "N1", false),
            "move 1.5|turn N1"
        );
        assert_eq!(replace_whole("go 1|1.5", "1", "N1", false), "go N1|1.5");
        assert_eq!(replace_whole("Anna, anna", "anna", "W1", true), "W1, W1");
        assert_eq!(replace_whole("annabel", "anna", "W1", true), "annabel");
    }
}
