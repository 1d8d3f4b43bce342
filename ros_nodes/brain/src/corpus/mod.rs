//! The training corpus: template files (`config/corpus/*.tpl`, see [`templates`]) filled with
//! canonical names, aliases and spoken numbers, each with a sampled grounding and the answer
//! consistent with it, some passed through ASR noise; split into train and held-out **by
//! template**, so held-out scores measure generalisation to unseen phrasings.
//!
//! ```no_run
//! use brain::corpus::{CorpusOptions, Corpus, TemplateSet};
//! # fn main() -> Result<(), brain::Error> {
//! let root = std::path::Path::new(".");
//! let map = embodied_world::SemanticMap::load(&root.join("config/world/home.yaml"))?;
//! let set = TemplateSet::load(&root.join("config/corpus"), &map)?;
//! let corpus = Corpus::generate(&set, &map, &CorpusOptions::default())?;
//! let lexicon = corpus.slot_lexicon(&set, &map);
//! let for_training: mcsd::corpus::Corpus = corpus.to_mcsd(&lexicon)?;
//! println!("{} {}", corpus.sha256, for_training.train.len());
//! # Ok(()) }
//! ```

pub(crate) mod generate;
pub mod intent;
pub mod noise;
pub mod templates;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use embodied_world::{ObjectId, PlaceId, SemanticMap};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use intent::{Category, Intent};
pub use templates::{Template, TemplateSet};

use crate::actions::ActionKind;
use crate::clauses::Joiners;
use crate::error::Error;
use crate::prompt::{LOCATION_RELATION, MemoryOp, ModelOutput, OutputStep, Prompt};
use crate::slots::{SlotLexicon, lexicon_words};
use generate::{Filler, Whereabouts, answer, sample_grounding, takes_prefix, where_is_answer};

/// Name of the multi-step class in statistics.
pub const MULTI_STEP: &str = "multi_step";

/// How to generate a corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorpusOptions {
    /// Seed of sampling and of the template split.
    pub seed: u64,
    /// Training examples.
    pub train_examples: usize,
    /// Held-out examples.
    pub heldout_examples: usize,
    /// Share of each intent's templates held out, in (0, 1).
    pub heldout_fraction: f64,
    /// Share of utterances passed through ASR noise, in [0, 1].
    pub noise_fraction: f64,
    /// Share of examples that are multi-step requests, in [0, 1).
    pub multi_step_fraction: f64,
    /// Share of training examples in which one known phrasing word is shown as an unfamiliar
    /// `W` slot ([`Corpus::to_mcsd`]), in [0, 1].
    pub word_dropout: f64,
    /// Clean training utterances that are also spoken by eSpeak NG and transcribed by our ASR;
    /// what the ASR heard joins the training split ([`Corpus::add_heard`]). Hearing needs the
    /// recogniser, so the `embodied` binary does it (`embodied train-assistant`); 0 trains on
    /// simulated noise only.
    pub heard_examples: usize,
    /// Share of memory statements about where an object is that the next example follows up
    /// in the same conversation with a where-question about that object, answered from what
    /// the statement changed (the model must follow the memory, not an older turn), in [0, 1].
    pub follow_up_fraction: f64,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        Self {
            seed: 5,
            train_examples: 40_000,
            heldout_examples: 4_000,
            heldout_fraction: 0.2,
            noise_fraction: 0.4,
            multi_step_fraction: 0.12,
            word_dropout: 0.35,
            heard_examples: 2_400,
            follow_up_fraction: 0.5,
        }
    }
}

impl CorpusOptions {
    /// Checks ranges.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: &'static str, value: String, reason: &str| Error::Invalid {
            what,
            value,
            reason: reason.into(),
        };
        if self.train_examples == 0 || self.heldout_examples == 0 {
            return Err(bad(
                "train_examples/heldout_examples",
                format!("{}/{}", self.train_examples, self.heldout_examples),
                "both must be > 0",
            ));
        }
        if !(self.heldout_fraction > 0.0 && self.heldout_fraction < 1.0) {
            return Err(bad(
                "heldout_fraction",
                self.heldout_fraction.to_string(),
                "must be in (0, 1)",
            ));
        }
        if !(0.0..=1.0).contains(&self.noise_fraction) {
            return Err(bad(
                "noise_fraction",
                self.noise_fraction.to_string(),
                "must be in [0, 1]",
            ));
        }
        if !(0.0..=1.0).contains(&self.word_dropout) {
            return Err(bad(
                "word_dropout",
                self.word_dropout.to_string(),
                "must be in [0, 1]",
            ));
        }
        if !(0.0..=1.0).contains(&self.follow_up_fraction) {
            return Err(bad(
                "follow_up_fraction",
                self.follow_up_fraction.to_string(),
                "must be in [0, 1]",
            ));
        }
        if !(0.0..1.0).contains(&self.multi_step_fraction) {
            return Err(bad(
                "multi_step_fraction",
                self.multi_step_fraction.to_string(),
                "must be in [0, 1)",
            ));
        }
        Ok(())
    }
}

/// One corpus example with its provenance. Its JSON has `prompt` and `answer`, so each JSONL
/// line also reads as an [`mcsd::corpus::Example`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorpusExample {
    /// Model input ([`Prompt::to_text`]).
    pub prompt: String,
    /// Model output ([`ModelOutput::to_text`]).
    pub answer: String,
    /// Intent name, or [`MULTI_STEP`].
    pub intent: String,
    /// Broad class.
    pub category: Category,
    /// Ids of the templates used (connector first for multi-step requests).
    pub templates: Vec<String>,
    /// Kinds of the answer's actions, in order.
    pub kinds: Vec<ActionKind>,
    /// Whether the utterance went through ASR noise.
    pub noisy: bool,
}

impl CorpusExample {
    /// The example for the trainer, as the model reads and writes it (see [`crate::slots`]).
    ///
    /// # Errors
    /// [`Error::ParsePrompt`] for a malformed prompt.
    pub fn to_example(
        &self,
        lexicon: &SlotLexicon,
        unfamiliar: impl Fn(&str) -> bool,
    ) -> Result<mcsd::corpus::Example, Error> {
        let prompt = Prompt::parse(&self.prompt)?;
        let (text, slots) = lexicon.abstract_prompt(&prompt, unfamiliar);
        Ok(mcsd::corpus::Example {
            prompt: text,
            answer: slots.abstract_answer(&self.answer),
        })
    }
}

/// The known words of `example`'s utterance that its answer does not use and that name
/// nothing (phrasing words such as "fetch" or "quickly").
fn droppable_words(example: &CorpusExample, lexicon: &SlotLexicon) -> Vec<String> {
    let utterance = example.prompt.split_once("|u ").map_or("", |(_, u)| u);
    let answer = example.answer.to_lowercase();
    let mut words: Vec<String> = lexicon_words(utterance)
        .filter(|w| {
            w.len() >= 3
                && lexicon.knows(w)
                && !lexicon.names(w)
                && !crate::numbers::is_number_word(w)
                && !answer.contains(w.as_str())
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Which templates are held out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Split {
    /// Template (and connector) ids used for training.
    pub train: BTreeSet<String>,
    /// Template (and connector) ids used only for held-out examples.
    pub heldout: BTreeSet<String>,
}

/// A generated corpus.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Training examples.
    pub train: Vec<CorpusExample>,
    /// Held-out examples (templates never seen in training).
    pub heldout: Vec<CorpusExample>,
    /// The template split.
    pub split: Split,
    /// sha256 (hex) of `train.jsonl` followed by `heldout.jsonl`.
    pub sha256: String,
    /// The options used.
    pub options: CorpusOptions,
}

/// Counts per split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SplitStats {
    /// Examples.
    pub examples: usize,
    /// Noisy examples.
    pub noisy: usize,
    /// Examples per intent.
    pub intents: BTreeMap<String, usize>,
    /// Examples per category.
    pub categories: BTreeMap<String, usize>,
    /// Actions per kind (over all answers).
    pub action_kinds: BTreeMap<String, usize>,
    /// Examples with no action.
    pub no_action: usize,
    /// Examples per template id.
    pub templates: BTreeMap<String, usize>,
}

/// Corpus statistics (`stats.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// sha256 of the corpus.
    pub sha256: String,
    /// Options used.
    pub options: CorpusOptions,
    /// Templates in the training split.
    pub train_templates: usize,
    /// Templates in the held-out split.
    pub heldout_templates: usize,
    /// Training split counts.
    pub train: SplitStats,
    /// Held-out split counts.
    pub heldout: SplitStats,
}

/// Paths written by [`Corpus::write`].
#[derive(Debug, Clone)]
pub struct Written {
    /// `train.jsonl`.
    pub train: PathBuf,
    /// `heldout.jsonl`.
    pub heldout: PathBuf,
    /// `stats.json`.
    pub stats: PathBuf,
}

fn split_key(seed: u64, id: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(id.as_bytes());
    hasher.finalize().into()
}

/// Holds out `fraction` of each group's ids (at least one when the group has two or more),
/// chosen by a seeded hash.
fn split_groups(groups: &BTreeMap<String, Vec<String>>, seed: u64, fraction: f64) -> Split {
    let mut split = Split::default();
    for ids in groups.values() {
        let mut ids = ids.clone();
        ids.sort_by_key(|id| split_key(seed, id));
        let held = if ids.len() >= 2 {
            ((ids.len() as f64 * fraction).round() as usize).clamp(1, ids.len() - 1)
        } else {
            0
        };
        for (i, id) in ids.into_iter().enumerate() {
            if i < held {
                split.heldout.insert(id);
            } else {
                split.train.insert(id);
            }
        }
    }
    split
}

/// Templates of one split, by intent.
struct SplitTemplates<'a> {
    by_intent: BTreeMap<Intent, Vec<&'a Template>>,
    intents: Vec<Intent>,
    chainable: Vec<Intent>,
    connectors: Vec<&'a templates::Connector>,
}

impl<'a> SplitTemplates<'a> {
    fn new(set: &'a TemplateSet, ids: &BTreeSet<String>) -> Self {
        let mut by_intent: BTreeMap<Intent, Vec<&Template>> = BTreeMap::new();
        for template in set.templates.iter().filter(|t| ids.contains(&t.id)) {
            by_intent.entry(template.intent).or_default().push(template);
        }
        let intents: Vec<Intent> = by_intent.keys().copied().collect();
        let chainable = intents.iter().copied().filter(|i| i.chainable()).collect();
        let connectors = set
            .connectors
            .iter()
            .filter(|c| ids.contains(&c.id))
            .collect();
        Self {
            by_intent,
            intents,
            chainable,
            connectors,
        }
    }
}

/// Renders an utterance for a single intent: returns the text, the answer and the template id.
fn single(
    rng: &mut StdRng,
    filler: &Filler<'_>,
    templates: &SplitTemplates<'_>,
    intent: Intent,
    grounding: &mut crate::prompt::Grounding,
    in_chain: bool,
) -> Option<(String, ModelOutput, String)> {
    let template = templates.by_intent.get(&intent)?.choose(rng)?;
    let avoid = in_chain.then_some(grounding.room);
    let filled = filler.fill(rng, &template.text, avoid);
    let output = answer(rng, intent, &filled, grounding, filler);
    Some((filled.text, output, template.id.clone()))
}

fn wrap(rng: &mut StdRng, set: &TemplateSet, text: String, intent_takes: bool) -> String {
    if !intent_takes {
        return text;
    }
    let mut text = text;
    if takes_prefix(&text)
        && rng.random_bool(0.3)
        && let Some(prefix) = set.prefixes.choose(rng)
    {
        text = format!("{prefix} {text}");
    }
    if rng.random_bool(0.2)
        && let Some(suffix) = set.suffixes.choose(rng)
    {
        text = format!("{text} {suffix}");
    }
    text
}

fn example(
    rng: &mut StdRng,
    filler: &Filler<'_>,
    templates: &SplitTemplates<'_>,
    options: &CorpusOptions,
) -> Result<CorpusExample, Error> {
    let set = filler.set;
    let mut grounding = sample_grounding(rng, filler);
    let multi = !templates.connectors.is_empty()
        && templates.chainable.len() >= 2
        && rng.random_bool(options.multi_step_fraction);
    let (utterance, output, ids, intent_name, category) = if multi {
        let mut parts = Vec::new();
        let count = if rng.random_bool(0.2) { 3 } else { 2 };
        while parts.len() < count {
            let intent = *templates
                .chainable
                .choose(rng)
                .ok_or_else(|| no_templates("chainable"))?;
            let part = single(rng, filler, templates, intent, &mut grounding, true)
                .ok_or_else(|| no_templates(&intent.name()))?;
            if part.1.steps.is_empty() {
                continue;
            }
            parts.push(part);
        }
        let mut parts = parts.into_iter();
        let (mut text, mut output, first_id) = parts.next().ok_or_else(|| no_templates("multi"))?;
        let mut ids = vec![first_id];
        for (next_text, next_output, id) in parts {
            let connector = templates
                .connectors
                .choose(rng)
                .ok_or_else(|| no_templates("connector"))?;
            if let Some(joined) = output.clone().then(next_output) {
                text = connector
                    .text
                    .replace("{a}", &text)
                    .replace("{b}", &next_text);
                output = joined;
                ids.insert(0, connector.id.clone());
                ids.push(id);
            }
        }
        let text = wrap(rng, set, text, true);
        (
            text,
            output,
            ids,
            MULTI_STEP.to_owned(),
            Category::MultiStep,
        )
    } else {
        let intent = *templates
            .intents
            .choose(rng)
            .ok_or_else(|| no_templates("any"))?;
        let (text, output, id) = single(rng, filler, templates, intent, &mut grounding, false)
            .ok_or_else(|| no_templates(&intent.name()))?;
        let text = wrap(rng, set, text, intent.takes_wrappers());
        (text, output, vec![id], intent.name(), intent.category())
    };
    finish(
        rng,
        set,
        options,
        grounding,
        &utterance,
        &output,
        (ids, intent_name, category),
    )
}

/// The example of an utterance and its answer: ASR noise or a clean transcript, the prompt,
/// and a check that the answer parses back to itself.
fn finish(
    rng: &mut StdRng,
    set: &TemplateSet,
    options: &CorpusOptions,
    grounding: crate::prompt::Grounding,
    utterance: &str,
    output: &ModelOutput,
    (templates, intent, category): (Vec<String>, String, Category),
) -> Result<CorpusExample, Error> {
    let noisy = rng.random_bool(options.noise_fraction);
    let utterance = if noisy {
        noise::asr_noise(utterance, set, rng)
    } else {
        noise::clean_transcript(utterance)
    };
    let prompt = Prompt::new(grounding, &utterance)?;
    let answer_text = output.to_text();
    // Every answer must parse back to itself: a generator bug must not reach training.
    let reparsed = ModelOutput::parse(&answer_text)?;
    if &reparsed != output {
        return Err(Error::ParseOutput {
            text: answer_text,
            reason: "generated answer does not round-trip".into(),
        });
    }
    let kinds = output
        .steps
        .iter()
        .filter_map(|s| match s {
            OutputStep::Action(a) => Some(a.kind()),
            OutputStep::Memory(_) => None,
        })
        .collect();
    Ok(CorpusExample {
        prompt: prompt.to_text(),
        answer: answer_text,
        intent,
        category,
        templates,
        kinds,
        noisy,
    })
}

/// With [`CorpusOptions::follow_up_fraction`], the where-question that follows a memory
/// statement about where an object is (`first`) in the same conversation: its grounding is
/// `first`'s as the statement left memory, and its answer follows that memory (a place after
/// "the keys are in the bedroom", a search after "forget where the keys are").
fn follow_up(
    rng: &mut StdRng,
    filler: &Filler<'_>,
    templates: &SplitTemplates<'_>,
    options: &CorpusOptions,
    first: &CorpusExample,
) -> Result<Option<CorpusExample>, Error> {
    let output = ModelOutput::parse(&first.answer)?;
    let about = output.steps.iter().find_map(|step| match step {
        OutputStep::Memory(MemoryOp::Remember(fact)) if fact.relation == LOCATION_RELATION => {
            Some((
                ObjectId::from_name(&fact.subject)?,
                Whereabouts::Remembered(PlaceId::from_name(&fact.value)?),
            ))
        }
        OutputStep::Memory(MemoryOp::Forget { subject, relation })
            if relation.as_deref().is_none_or(|r| r == LOCATION_RELATION) =>
        {
            Some((ObjectId::from_name(subject)?, Whereabouts::Unknown))
        }
        _ => None,
    });
    let Some((object, whereabouts)) = about else {
        return Ok(None);
    };
    let Some(questions) = templates.by_intent.get(&Intent::WhereIs) else {
        return Ok(None);
    };
    if !rng.random_bool(options.follow_up_fraction) {
        return Ok(None);
    }
    // A question about that object (aliases included): a few draws find one.
    let asked = (0..64).find_map(|_| {
        let template = questions.choose(rng)?;
        let filled = filler.fill(rng, &template.text, None);
        (filled.object == Some(object)).then_some((filled.text, template.id.clone()))
    });
    let Some((text, id)) = asked else {
        return Ok(None);
    };
    let mut grounding = Prompt::parse(&first.prompt)?.grounding;
    let (say, steps) = where_is_answer(rng, object, whereabouts, &mut grounding);
    let text = wrap(rng, filler.set, text, Intent::WhereIs.takes_wrappers());
    finish(
        rng,
        filler.set,
        options,
        grounding,
        &text,
        &ModelOutput { say, steps },
        (vec![id], Intent::WhereIs.name(), Intent::WhereIs.category()),
    )
    .map(Some)
}

/// `count` examples in conversation order (a follow-up right after its statement).
fn examples(
    rng: &mut StdRng,
    filler: &Filler<'_>,
    templates: &SplitTemplates<'_>,
    options: &CorpusOptions,
    count: usize,
) -> Result<Vec<CorpusExample>, Error> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let first = example(rng, filler, templates, options)?;
        let next = follow_up(rng, filler, templates, options, &first)?;
        out.push(first);
        out.extend(next.filter(|_| out.len() < count));
    }
    Ok(out)
}

fn no_templates(what: &str) -> Error {
    Error::Invalid {
        what: "templates",
        value: what.to_owned(),
        reason: "no template of this kind in the split".into(),
    }
}

fn jsonl(examples: &[CorpusExample]) -> Result<String, Error> {
    let mut out = String::new();
    for example in examples {
        let line = serde_json::to_string(example).map_err(|e| Error::Invalid {
            what: "example",
            value: example.prompt.clone(),
            reason: e.to_string(),
        })?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// sha256 (hex) of both splits as JSONL.
fn sha256_of(train: &[CorpusExample], heldout: &[CorpusExample]) -> Result<String, Error> {
    let mut hasher = Sha256::new();
    hasher.update(jsonl(train)?.as_bytes());
    hasher.update(jsonl(heldout)?.as_bytes());
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

impl Corpus {
    /// Generates a corpus: same templates, map and options give the same bytes.
    ///
    /// # Errors
    /// [`Error::Invalid`] for bad options or a split without templates for some intent;
    /// [`Error::ParseOutput`] if the generator produced an invalid answer (a bug).
    pub fn generate(
        set: &TemplateSet,
        map: &SemanticMap,
        options: &CorpusOptions,
    ) -> Result<Self, Error> {
        options.validate()?;
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for template in &set.templates {
            groups
                .entry(template.intent.name())
                .or_default()
                .push(template.id.clone());
        }
        groups.insert(
            "connector".into(),
            set.connectors.iter().map(|c| c.id.clone()).collect(),
        );
        let split = split_groups(&groups, options.seed, options.heldout_fraction);
        let filler = Filler { map, set };
        let train_templates = SplitTemplates::new(set, &split.train);
        let heldout_templates = SplitTemplates::new(set, &split.heldout);
        // Separate streams: the held-out set does not change when the train size does.
        let mut train_rng = StdRng::seed_from_u64(options.seed);
        let mut heldout_rng = StdRng::seed_from_u64(options.seed ^ 0x05EE_D0F4_E1D0_u64);
        let train = examples(
            &mut train_rng,
            &filler,
            &train_templates,
            options,
            options.train_examples,
        )?;
        let heldout = examples(
            &mut heldout_rng,
            &filler,
            &heldout_templates,
            options,
            options.heldout_examples,
        )?;
        let sha256 = sha256_of(&train, &heldout)?;
        tracing::info!(
            train = train.len(),
            heldout = heldout.len(),
            sha256 = %sha256,
            "corpus generated"
        );
        Ok(Self {
            train,
            heldout,
            split,
            sha256,
            options: options.clone(),
        })
    }

    /// The utterances to speak for [`CorpusOptions::heard_examples`]: the first clean training
    /// examples.
    pub fn to_hear(&self) -> impl Iterator<Item = &CorpusExample> {
        self.train
            .iter()
            .filter(|e| !e.noisy)
            .take(self.options.heard_examples)
    }

    /// Adds training examples whose utterances are what our ASR heard (grounding and answer
    /// kept), and updates the hash so that it names the data the model is trained on.
    ///
    /// # Errors
    /// [`Error::Invalid`] if an example cannot be serialised.
    pub fn add_heard(
        &mut self,
        heard: impl IntoIterator<Item = CorpusExample>,
    ) -> Result<(), Error> {
        self.train.extend(heard);
        self.sha256 = sha256_of(&self.train, &self.heldout)?;
        Ok(())
    }

    /// The joiners of the training split's connectors ([`crate::clauses`]).
    pub fn joiners(&self, set: &TemplateSet) -> Joiners {
        Joiners::from_connectors(
            set.connectors
                .iter()
                .filter(|c| self.split.train.contains(&c.id))
                .map(|c| c.text.as_str()),
        )
    }

    /// The slot lexicon of this corpus: the words of its training split (utterances and
    /// answers), less the words only the `== slot` lists (names, likings, relatives, unknown
    /// places and objects) put there, which the model should copy rather than learn; and the
    /// map's names with their near misses.
    pub fn slot_lexicon(&self, set: &TemplateSet, map: &SemanticMap) -> SlotLexicon {
        let words_of = |text: &str| -> Vec<String> { lexicon_words(text).collect() };
        let mut phrasing: BTreeSet<String> = set
            .templates
            .iter()
            .filter(|t| self.split.train.contains(&t.id))
            .flat_map(|t| words_of(&t.text))
            .collect();
        phrasing.extend(map.vocabulary().flat_map(|(phrase, _)| words_of(phrase)));
        let copied: BTreeSet<String> = templates::LIST_SLOTS
            .iter()
            .filter_map(|slot| set.slots.get(*slot))
            .flatten()
            .flat_map(|value| words_of(value))
            .filter(|word| !phrasing.contains(word))
            .collect();
        let known = self
            .train
            .iter()
            .flat_map(|e| {
                let utterance = e.prompt.split_once("|u ").map_or("", |(_, u)| u);
                words_of(utterance).into_iter().chain(words_of(&e.answer))
            })
            .filter(|word| !copied.contains(word))
            .collect();
        SlotLexicon::new(known, map, &set.confusions)
    }

    /// The corpus for `mcsd`'s trainer, as the model reads and writes it (slots abstracted by
    /// `lexicon`; held-out as the validation split). In a share of the training examples
    /// ([`CorpusOptions::word_dropout`]) one known phrasing word is treated as unfamiliar, so
    /// the model also meets `W` slots where an unseen phrasing puts them.
    ///
    /// # Errors
    /// [`Error::ParsePrompt`] for a malformed example (a generator bug).
    pub fn to_mcsd(&self, lexicon: &SlotLexicon) -> Result<mcsd::corpus::Corpus, Error> {
        let mut rng = StdRng::seed_from_u64(self.options.seed ^ 0x5107);
        let train = self
            .train
            .iter()
            .map(|e| {
                let dropped = rng
                    .random_bool(self.options.word_dropout)
                    .then(|| droppable_words(e, lexicon).choose(&mut rng).cloned())
                    .flatten();
                e.to_example(lexicon, |w| Some(w) == dropped.as_deref())
            })
            .collect::<Result<_, _>>()?;
        let validation = self
            .heldout
            .iter()
            .map(|e| e.to_example(lexicon, |_| false))
            .collect::<Result<_, _>>()?;
        Ok(mcsd::corpus::Corpus { train, validation })
    }

    /// Counts per split.
    pub fn stats(&self) -> Stats {
        fn count(examples: &[CorpusExample]) -> SplitStats {
            let mut stats = SplitStats {
                examples: examples.len(),
                ..SplitStats::default()
            };
            for e in examples {
                stats.noisy += usize::from(e.noisy);
                *stats.intents.entry(e.intent.clone()).or_default() += 1;
                let category = serde_json::to_value(e.category)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                *stats.categories.entry(category).or_default() += 1;
                for kind in &e.kinds {
                    *stats
                        .action_kinds
                        .entry(kind.name().to_owned())
                        .or_default() += 1;
                }
                stats.no_action += usize::from(e.kinds.is_empty());
                for id in &e.templates {
                    *stats.templates.entry(id.clone()).or_default() += 1;
                }
            }
            stats
        }
        Stats {
            sha256: self.sha256.clone(),
            options: self.options.clone(),
            train_templates: self.split.train.len(),
            heldout_templates: self.split.heldout.len(),
            train: count(&self.train),
            heldout: count(&self.heldout),
        }
    }

    /// Writes `train.jsonl`, `heldout.jsonl` and `stats.json` into `dir` (created).
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub fn write(&self, dir: &Path) -> Result<Written, Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let written = Written {
            train: dir.join("train.jsonl"),
            heldout: dir.join("heldout.jsonl"),
            stats: dir.join("stats.json"),
        };
        std::fs::write(&written.train, jsonl(&self.train)?).map_err(io(&written.train))?;
        std::fs::write(&written.heldout, jsonl(&self.heldout)?).map_err(io(&written.heldout))?;
        let stats = serde_json::to_string_pretty(&self.stats()).map_err(|e| Error::Invalid {
            what: "stats",
            value: String::new(),
            reason: e.to_string(),
        })?;
        std::fs::write(&written.stats, stats).map_err(io(&written.stats))?;
        Ok(written)
    }
}

/// Loads the semantic map and templates of a workspace (or installed share) root:
/// `config/world/home.yaml` and `config/corpus/`.
///
/// # Errors
/// What [`SemanticMap::load`] and [`TemplateSet::load`] return.
pub fn load_from_root(root: &Path) -> Result<(SemanticMap, TemplateSet), Error> {
    let map = SemanticMap::load(&root.join("config/world/home.yaml"))?;
    let set = TemplateSet::load(&root.join("config/corpus"), &map)?;
    Ok((map, set))
}

/// A corpus of 20,000 training and 4,000 held-out examples from the workspace's templates, for
/// tests that check a rule against every example of a kind.
#[cfg(test)]
pub(crate) fn sample_for_tests() -> Corpus {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (map, set) = load_from_root(&root).unwrap();
    let options = CorpusOptions {
        train_examples: 20_000,
        heldout_examples: 4_000,
        ..Default::default()
    };
    Corpus::generate(&set, &map, &options).unwrap()
}
