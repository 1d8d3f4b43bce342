//! Template files (`config/corpus/*.tpl`): a small line format.
//!
//! ```text
//! # comment
//! == navigate                 an intent section: one phrasing per line, with {slots}
//! go to {place}
//! == need water bottle        a need implying an object
//! i'm thirsty
//! == slot name                values of a slot, one per line
//! anna
//! == slot when                phrasing values any template may use ({when})
//! earlier
//! == connector                multi-step joiners, with {a} and {b}
//! {a} and then {b}
//! == prefix                   politeness and fillers before a command
//! could you
//! == suffix                   ... and after it
//! please
//! == disfluency               fillers the ASR noise inserts
//! um
//! == confusion                near-miss words of a small whisper model
//! kitchen => kitten | kitchin
//! == teach                    how people teach a wording ({phrase}, {meaning}); not
//! when i say {phrase} {meaning}   training phrasings (see `crate::teach`)
//! == teach correction         how people correct a misunderstood request
//! no i meant {meaning}
//! ```
//!
//! Every template gets an id from its intent and its text (`navigate#3f2a9c1e`), stable when
//! lines are added or moved; the train/held-out split is drawn over these ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use embodied_world::SemanticMap;
use sha2::{Digest, Sha256};

use super::intent::Intent;
use crate::error::Error;

/// Slots filled from `== slot` lists.
pub const LIST_SLOTS: [&str; 5] = [
    "name",
    "thing",
    "relative",
    "unknown_place",
    "unknown_object",
];

/// Slots filled from `== slot` lists whose words are phrasing: the model learns them (unlike
/// [`LIST_SLOTS`], whose values it copies as placeholders).
pub const PHRASING_SLOTS: [&str; 1] = ["when"];

/// One phrasing of an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Stable id: intent and a hash of the text.
    pub id: String,
    /// What it means.
    pub intent: Intent,
    /// The phrasing with `{slot}`s.
    pub text: String,
    /// Where it was read.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

/// A multi-step joiner with `{a}` and `{b}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connector {
    /// Stable id (`connector#...`).
    pub id: String,
    /// The joiner.
    pub text: String,
}

/// Everything read from the template directory.
#[derive(Debug, Clone, Default)]
pub struct TemplateSet {
    /// Intent templates, in file order.
    pub templates: Vec<Template>,
    /// Slot value lists.
    pub slots: BTreeMap<String, Vec<String>>,
    /// Multi-step joiners.
    pub connectors: Vec<Connector>,
    /// Phrases put before a command.
    pub prefixes: Vec<String>,
    /// Phrases put after a command.
    pub suffixes: Vec<String>,
    /// Fillers inserted by the noise function.
    pub disfluencies: Vec<String>,
    /// Word → near-miss alternatives.
    pub confusions: BTreeMap<String, Vec<String>>,
    /// Teaching frames (`== teach`, `== teach correction`), in file order.
    pub teaching: Vec<TeachingFrame>,
}

/// How people teach the robot: a frame of literal words with `{phrase}` and `{meaning}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeachingFrame {
    /// `true` for `== teach correction` (only `{meaning}`), `false` for `== teach`.
    pub correction: bool,
    /// The frame.
    pub text: String,
}

enum Section {
    Intent(Intent),
    Slot(String),
    Connector,
    Prefix,
    Suffix,
    Disfluency,
    Confusion,
    Teach { correction: bool },
}

fn template_id(kind: &str, text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let short: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{kind}#{short}")
}

/// The `{slot}` names in a template.
pub fn slots_of(text: &str) -> Vec<&str> {
    let mut slots = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                slots.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    slots
}

impl TemplateSet {
    /// Reads every `*.tpl` file in `dir` (in name order) and checks it against the map:
    /// known sections and slots, every intent slot used, no duplicate template, unknown
    /// places/objects not resolvable by the map.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Template`] naming file and line.
    pub fn load(dir: &Path, map: &SemanticMap) -> Result<Self, Error> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "tpl"))
            .collect();
        files.sort();
        let mut set = TemplateSet::default();
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })?;
            set.parse_file(file, &text)?;
        }
        set.check(dir, map)?;
        Ok(set)
    }

    fn parse_file(&mut self, file: &Path, text: &str) -> Result<(), Error> {
        let bad = |line: usize, reason: String| Error::Template {
            file: file.to_path_buf(),
            line,
            reason,
        };
        let mut section: Option<Section> = None;
        let mut seen = BTreeSet::new();
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(header) = line.strip_prefix("==") {
                let header = header.trim();
                section = Some(match header {
                    "connector" => Section::Connector,
                    "prefix" => Section::Prefix,
                    "suffix" => Section::Suffix,
                    "disfluency" => Section::Disfluency,
                    "confusion" => Section::Confusion,
                    "teach" => Section::Teach { correction: false },
                    "teach correction" => Section::Teach { correction: true },
                    _ => {
                        if let Some(slot) = header.strip_prefix("slot ") {
                            if !LIST_SLOTS.contains(&slot) && !PHRASING_SLOTS.contains(&slot) {
                                return Err(bad(line_no, format!("unknown slot list {slot:?}")));
                            }
                            Section::Slot(slot.to_owned())
                        } else {
                            Section::Intent(Intent::from_header(header).ok_or_else(|| {
                                bad(line_no, format!("unknown section {header:?}"))
                            })?)
                        }
                    }
                });
                continue;
            }
            if line.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(bad(line_no, "templates are lowercase".into()));
            }
            let Some(current) = &section else {
                return Err(bad(line_no, "line before any `==` section".into()));
            };
            match current {
                Section::Intent(intent) => {
                    let allowed = intent.slots();
                    let used = slots_of(line);
                    if let Some(slot) = used
                        .iter()
                        .find(|s| !allowed.contains(s) && !PHRASING_SLOTS.contains(s))
                    {
                        return Err(bad(
                            line_no,
                            format!("slot {{{slot}}} not allowed in {}", intent.name()),
                        ));
                    }
                    if let Some(slot) = allowed.iter().find(|s| !used.contains(s)) {
                        return Err(bad(line_no, format!("missing slot {{{slot}}}")));
                    }
                    if let Some(other) = self.templates.iter().find(|t| t.text == line) {
                        return Err(bad(
                            line_no,
                            format!(
                                "{line:?} is already a {} template ({}:{}): one phrasing, one meaning",
                                other.intent.name(),
                                other.file.display(),
                                other.line
                            ),
                        ));
                    }
                    let id = template_id(&intent.name(), line);
                    if !seen.insert(id.clone()) || self.templates.iter().any(|t| t.id == id) {
                        return Err(bad(line_no, format!("duplicate template {line:?}")));
                    }
                    self.templates.push(Template {
                        id,
                        intent: *intent,
                        text: line.to_owned(),
                        file: file.to_path_buf(),
                        line: line_no,
                    });
                }
                Section::Slot(slot) => self
                    .slots
                    .entry(slot.clone())
                    .or_default()
                    .push(line.to_owned()),
                Section::Connector => {
                    if slots_of(line) != ["a", "b"] {
                        return Err(bad(line_no, "a connector has {a} then {b}".into()));
                    }
                    self.connectors.push(Connector {
                        id: template_id("connector", line),
                        text: line.to_owned(),
                    });
                }
                Section::Teach { correction } => {
                    let mut slots = slots_of(line);
                    slots.sort_unstable();
                    let expected: &[&str] = if *correction {
                        &["meaning"]
                    } else {
                        &["meaning", "phrase"]
                    };
                    if slots != expected {
                        return Err(bad(
                            line_no,
                            format!("a teaching frame has exactly {expected:?} as slots"),
                        ));
                    }
                    self.teaching.push(TeachingFrame {
                        correction: *correction,
                        text: line.to_owned(),
                    });
                }
                Section::Prefix => self.prefixes.push(line.to_owned()),
                Section::Suffix => self.suffixes.push(line.to_owned()),
                Section::Disfluency => self.disfluencies.push(line.to_owned()),
                Section::Confusion => {
                    let (word, alternatives) = line
                        .split_once("=>")
                        .ok_or_else(|| bad(line_no, "expected `word => alt | alt`".into()))?;
                    let alternatives: Vec<String> = alternatives
                        .split('|')
                        .map(|a| a.trim().to_owned())
                        .filter(|a| !a.is_empty())
                        .collect();
                    if alternatives.is_empty() {
                        return Err(bad(line_no, "no alternatives".into()));
                    }
                    self.confusions.insert(word.trim().to_owned(), alternatives);
                }
            }
        }
        Ok(())
    }

    fn check(&self, dir: &Path, map: &SemanticMap) -> Result<(), Error> {
        let bad = |reason: String| Error::Template {
            file: dir.to_path_buf(),
            line: 0,
            reason,
        };
        for slot in LIST_SLOTS.iter().chain(&PHRASING_SLOTS) {
            if self.slots.get(*slot).is_none_or(Vec::is_empty) {
                return Err(bad(format!("no values for slot {{{slot}}}")));
            }
        }
        for slot in ["unknown_place", "unknown_object"] {
            for value in self.slots.get(slot).into_iter().flatten() {
                if map.resolve(value).is_some() {
                    return Err(bad(format!(
                        "{{{slot}}} value {value:?} is a known name of the semantic map"
                    )));
                }
            }
        }
        for slot in ["name", "thing", "relative"] {
            for value in self.slots.get(slot).into_iter().flatten() {
                let fact = crate::prompt::Fact::new(
                    if slot == "relative" {
                        value.as_str()
                    } else {
                        "user"
                    },
                    "name",
                    value,
                );
                if let Err(e) = fact {
                    return Err(bad(format!("{{{slot}}} value {value:?}: {e}")));
                }
            }
        }
        if self.connectors.is_empty() || self.prefixes.is_empty() || self.suffixes.is_empty() {
            return Err(bad(
                "connector, prefix and suffix sections must not be empty".into(),
            ));
        }
        Ok(())
    }
}
