//! The trained assistant model: an MCSD checkpoint (`models/assistant/`) that reads a
//! [`Prompt`] and writes a [`ModelOutput`], decoded under the [`OutputGrammar`] so every answer
//! parses and names only canonical places and objects.
//!
//! The model is loaded once and shared ([`Arc<AssistantModel>`]); each dialogue is a
//! [`Conversation`] that owns the MCSD recurrent state. A turn feeds
//! `<s><user>PROMPT<robot>` (the prompt in one chunked forward pass), then decodes the answer
//! greedily under the grammar up to `</s>`; the state has then consumed prompt and answer, so the
//! dialogue so far is carried by the state and never re-fed.
//!
//! ```no_run
//! use std::sync::Arc;
//! use brain::assistant::AssistantModel;
//! use brain::{Grounding, Prompt};
//! # fn main() -> Result<(), brain::Error> {
//! let model = Arc::new(AssistantModel::load(&AssistantModel::find_default()?)?);
//! let mut conversation = model.new_conversation();
//! let turn = conversation.respond(&Prompt::new(Grounding::default(), "go to the kitchen")?)?;
//! println!("{} ({} ms)", turn.text, turn.elapsed.as_millis());
//! # Ok(()) }
//! ```

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use mcsd::checkpoint::{self, ModelKind};
use mcsd::constrain::AutomatonConstraint;
use mcsd::decoder::Decoder;
use mcsd::generate::{GenerateOptions, Generator, StopReason};
use mcsd::model::Model;
use mcsd::state::State;
use mcsd::tokenizer::{Special, Tokenizer};

use crate::actions::Action;
use crate::clauses::Joiners;
use crate::error::Error;
use crate::grammar::{OutputGrammar, SlotGrammar};
use crate::prompt::{Fact, MAX_STEPS, MemoryOp, ModelOutput, OutputStep, Prompt};
use crate::slots::{SlotLexicon, Slots};

/// Directory of the shipped checkpoint, relative to a workspace root or installed share.
pub const CHECKPOINT_DIR: &str = "models/assistant";
/// The ament package whose share directory holds `models/` when installed.
const PACKAGE: &str = "embodied_assistant";
/// Upper bound on answer tokens: the grammar bounds an answer to ~350 bytes, and every token
/// carries at least one byte.
const MAX_ANSWER_TOKENS: usize = 400;

fn model_error(what: impl Into<String>) -> impl FnOnce(mcsd::error::Error) -> Error {
    let what = what.into();
    move |source| Error::Model { what, source }
}

/// What a checkpoint reads and writes besides tokens: its slot lexicon (names, numbers and
/// unfamiliar words become placeholders) and the output grammar, both built once and shared.
#[derive(Debug, Clone)]
pub(crate) struct ModelIo {
    pub(crate) lexicon: Arc<SlotLexicon>,
    pub(crate) grammar: Arc<OutputGrammar>,
    pub(crate) joiners: Arc<Joiners>,
}

impl ModelIo {
    /// The slot lexicon saved in checkpoint `dir`, and the grammar.
    pub(crate) fn load(dir: &Path) -> Result<Self, Error> {
        Ok(Self {
            lexicon: Arc::new(SlotLexicon::load(dir)?),
            grammar: Arc::new(OutputGrammar::new()?),
            joiners: Arc::new(Joiners::load(dir)?),
        })
    }
}

/// One answered utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// The parsed answer.
    pub output: ModelOutput,
    /// The answer text with its placeholders restored (what [`ModelOutput::parse`] read, with
    /// the grounding's sentence where [`Turn::replaced_say`] says so).
    pub text: String,
    /// The model's input text, with placeholders.
    pub model_input: String,
    /// The answer as decoded, with placeholders.
    pub model_answer: String,
    /// Tokens of the prompt, special tokens included.
    pub prompt_tokens: usize,
    /// Tokens of the answer, `</s>` included.
    pub answer_tokens: usize,
    /// Wall time of the turn: prompt prefill plus constrained decoding.
    pub elapsed: Duration,
    /// The model's say text where it disagreed with the grounding and the grounding's own
    /// sentence is said instead (of each clause so replaced, for a request of several).
    pub replaced_say: Option<String>,
}

/// Feeds `prompt` into `state` and decodes the answer under the grammar; on error the state is
/// left as it was. A request of several steps is answered clause by clause
/// ([`crate::clauses`]) when at least two clauses ask for something; otherwise (a joiner word in
/// conversation, a joined answer too long) it is answered whole. Generic so the evaluation
/// runs the MCSD model and the Transformer baseline through exactly the same path.
pub(crate) fn respond_with<M: Decoder>(
    model: &M,
    tokenizer: &Tokenizer,
    io: &ModelIo,
    state: &mut M::State,
    prompt: &Prompt,
) -> Result<Turn, Error> {
    let started = Instant::now();
    // The model reads what was said as plain words: whisper's casing and punctuation vary
    // from one take to the next ("What do you see?" / "what do you see") and mean nothing
    // to the robot, but swayed the answer; so does its spelling ("neighbour").
    let plain = plain_utterance(&prompt.utterance);
    // "The cup from the kitchen": the model reads the request without the source, which its
    // answers cannot name, and a fetch of that object learns where to look first.
    let source = io.lexicon.fetch_source(&plain);
    let read = source
        .as_ref()
        .map_or(plain.as_str(), |s| s.utterance.as_str());
    let normalised;
    let prompt = match Prompt::new(prompt.grounding.clone(), read) {
        Ok(p) if !read.is_empty() => {
            normalised = p;
            &normalised
        }
        _ => prompt,
    };
    let mut turn = respond_in_clauses(model, tokenizer, io, state, prompt)?;
    if let Some(source) = source {
        turn.remember_fetch_source(&source);
    }
    // The latency of the turn includes clauses tried and given up.
    turn.elapsed = started.elapsed();
    Ok(turn)
}

/// `utterance` as the model reads it: plain words, American spelling.
pub(crate) fn plain_utterance(utterance: &str) -> String {
    crate::corpus::noise::plain_words(&crate::corpus::noise::american_spelling(utterance)).join(" ")
}

/// [`respond_with`] after the utterance's normalisation.
fn respond_in_clauses<M: Decoder>(
    model: &M,
    tokenizer: &Tokenizer,
    io: &ModelIo,
    state: &mut M::State,
    prompt: &Prompt,
) -> Result<Turn, Error> {
    let clauses = io.joiners.split(&prompt.utterance);
    if clauses.len() > 1 {
        let mut working = state.clone();
        let mut turns = Vec::with_capacity(clauses.len());
        for clause in &clauses {
            let Ok(clause_prompt) = Prompt::new(prompt.grounding.clone(), clause) else {
                break;
            };
            turns.push(respond_clause(
                model,
                tokenizer,
                io,
                &mut working,
                &clause_prompt,
            )?);
        }
        let asking = turns.iter().filter(|t| !t.output.steps.is_empty()).count();
        if turns.len() == clauses.len()
            && asking >= 2
            && let Some(turn) = Turn::joined(turns)
        {
            *state = working;
            return Ok(turn);
        }
    }
    respond_clause(model, tokenizer, io, state, prompt)
}

/// A status or describe answer says what the grounding holds and a claim to be in another room
/// is the drive there ([`crate::dialogue::state::enforce_grounding`]), an answer of other
/// steps says what they do ([`crate::dialogue::state::enforce_said_steps`]), a question where
/// a known object is is answered from what is known
/// ([`crate::dialogue::state::answer_where_from_what_is_known`]), a name or liking said from
/// memory is one the facts hold ([`crate::dialogue::state::answer_recall_from_facts`]), and a
/// claim to see an object
/// is checked ([`crate::dialogue::state::enforce_whereabouts`]); checked per
/// clause, as the model does not always copy the battery figure ("report status then go to
/// the kitchen" was answered with another room and charge), and a joined answer can no longer
/// be taken apart. Returns the say text replaced.
fn ground(output: &mut ModelOutput, prompt: &Prompt) -> Option<String> {
    let grounding = &prompt.grounding;
    let state = crate::dialogue::state::RobotState {
        room: grounding.room,
        battery_pct: grounding.battery_pct,
        perceived: grounding.perceived.clone(),
    };
    let (mut understanding, memory) = output.clone().into_parts();
    if let Some(replaced) = crate::dialogue::state::enforce_grounding(&mut understanding, &state) {
        *output = ModelOutput::from_parts(understanding, memory);
        return Some(replaced);
    }
    if memory.is_empty()
        && let Some(replaced) = crate::dialogue::state::answer_where_from_what_is_known(
            &mut understanding,
            &prompt.utterance,
            &state,
            &grounding.facts,
        )
        .or_else(|| crate::dialogue::state::enforce_said_steps(&mut understanding))
        .or_else(|| {
            crate::dialogue::state::answer_recall_from_facts(&mut understanding, &grounding.facts)
        })
    {
        *output = ModelOutput::from_parts(understanding, memory);
        return Some(replaced);
    }
    let has_steps = !output.steps.is_empty();
    crate::dialogue::state::enforce_whereabouts(
        &mut output.say,
        has_steps,
        &state,
        &grounding.facts,
    )
}

/// [`crate::dialogue::said::hold_said_size_and_side`] on an answer without memory operations;
/// `model_input` is the prompt as the model read it. Returns whether a step changed.
fn hold_said_size_and_side(
    output: &mut ModelOutput,
    plain: &str,
    model_input: &str,
    slots: &Slots,
) -> bool {
    let said = model_input
        .rsplit_once("|u ")
        .map_or(model_input, |(_, said)| said);
    let (mut understanding, memory) = output.clone().into_parts();
    if !memory.is_empty()
        || !crate::dialogue::said::hold_said_size_and_side(
            &mut understanding,
            plain,
            said,
            slots.numbers(),
        )
    {
        return false;
    }
    *output = ModelOutput::from_parts(understanding, memory);
    true
}

/// [`respond_with`] at the start of a conversation in the default grounding.
pub(crate) fn respond_fresh<M: Decoder>(
    model: &M,
    tokenizer: &Tokenizer,
    io: &ModelIo,
    utterance: &str,
) -> Result<Turn, Error> {
    let prompt = Prompt::new(crate::Grounding::default(), utterance)?;
    let mut state = model
        .new_state(1)
        .map_err(model_error("allocating the decoder state"))?;
    respond_with(model, tokenizer, io, &mut state, &prompt)
}

/// [`respond_with`] for one clause.
fn respond_clause<M: Decoder>(
    model: &M,
    tokenizer: &Tokenizer,
    io: &ModelIo,
    state: &mut M::State,
    prompt: &Prompt,
) -> Result<Turn, Error> {
    let started = Instant::now();
    let _span = tracing::debug_span!("brain.generate").entered();
    let (model_input, slots) = io.lexicon.abstract_prompt(prompt, |_| false);
    let prompt_ids = tokenizer
        .encode_prompt(&model_input)
        .map_err(model_error("encoding the prompt"))?;
    let generator =
        Generator::new(model, tokenizer, Device::Cpu).map_err(model_error("starting decoding"))?;
    let options = GenerateOptions {
        max_new_tokens: MAX_ANSWER_TOKENS,
        ..GenerateOptions::default()
    };
    let mut constraint = AutomatonConstraint::new(SlotGrammar::new(io.grammar.clone(), &slots));
    let mut working = state.clone();
    let generation = generator
        .generate(
            &mut working,
            &prompt_ids,
            &options,
            Some(&mut constraint),
            |_| ControlFlow::Continue(()),
        )
        .map_err(model_error("decoding the answer"))?;
    let mut answer_tokens = generation.tokens.len();
    if generation.stop_reason != StopReason::EndToken {
        // Close the turn as training examples are closed, so the next turn starts cleanly.
        let eos = Tensor::new(&[tokenizer.special_id(Special::Eos)], &Device::Cpu)
            .map_err(|e| model_error("closing the turn")(e.into()))?;
        model
            .forward_step(&eos, &mut working)
            .map_err(model_error("closing the turn"))?;
        answer_tokens += 1;
    }
    tracing::debug!(input = %model_input, answer = %generation.text, "model turn");
    let restored = slots.restore(&generation.text)?;
    let mut output = ModelOutput::parse(&restored)?;
    let resized = hold_said_size_and_side(&mut output, &prompt.utterance, &model_input, &slots);
    let replaced_say = ground(&mut output, prompt);
    let text = match replaced_say {
        Some(_) => output.to_text(),
        None if resized => output.to_text(),
        None => restored,
    };
    *state = working;
    Ok(Turn {
        output,
        text,
        model_input,
        model_answer: generation.text,
        prompt_tokens: prompt_ids.len(),
        answer_tokens,
        elapsed: started.elapsed(),
        replaced_say,
    })
}

impl Turn {
    /// One turn of the clause turns of a request, their answers joined in order (clauses that
    /// ask for nothing, such as a trailing "thank you", add nothing); `None` when the joined
    /// answer does not fit the output bounds.
    fn joined(turns: Vec<Turn>) -> Option<Turn> {
        let mut turns = turns.into_iter().filter(|t| !t.output.steps.is_empty());
        let mut joined = turns.next()?;
        for turn in turns {
            joined.output = joined.output.then(turn.output)?;
            joined.model_input = format!("{} ¦ {}", joined.model_input, turn.model_input);
            joined.model_answer = format!("{} ¦ {}", joined.model_answer, turn.model_answer);
            joined.prompt_tokens += turn.prompt_tokens;
            joined.answer_tokens += turn.answer_tokens;
            joined.elapsed += turn.elapsed;
            joined.replaced_say = match (joined.replaced_say, turn.replaced_say) {
                (Some(a), Some(b)) => Some(format!("{a} ¦ {b}")),
                (a, b) => a.or(b),
            };
        }
        joined.text = joined.output.to_text();
        Some(joined)
    }

    /// Where the person said `source`'s object is, remembered before the first fetch (find
    /// or bring) of it, so the planner looks there first. Nothing when the answer fetches no
    /// such object ("I took the cup from the kitchen" is not a request) or has no room left.
    fn remember_fetch_source(&mut self, source: &crate::slots::FetchSource) {
        let fetches = |step: &OutputStep| match step {
            OutputStep::Action(Action::Find { object } | Action::Bring { object, .. }) => {
                *object == source.object
            }
            _ => false,
        };
        let Some(first) = self.output.steps.iter().position(fetches) else {
            return;
        };
        if self.output.steps.len() >= MAX_STEPS {
            return;
        }
        let fact = Fact::location(source.object, source.place);
        self.output
            .steps
            .insert(first, OutputStep::Memory(MemoryOp::Remember(fact)));
        self.text = self.output.to_text();
    }
}

/// The trained assistant: MCSD weights, tokenizer and output grammar, loaded once and shared.
pub struct AssistantModel {
    model: Model,
    tokenizer: Tokenizer,
    io: ModelIo,
    dir: PathBuf,
    adapter: Option<PathBuf>,
}

impl std::fmt::Debug for AssistantModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantModel")
            .field("dir", &self.dir)
            .field("adapter", &self.adapter)
            .field("config", self.model.config())
            .field("vocab_size", &self.tokenizer.vocab_size())
            .finish()
    }
}

impl AssistantModel {
    /// Loads a checkpoint directory (`config.json`, `model.safetensors`, `tokenizer.json`),
    /// refusing a missing file, a vocabulary that disagrees with the config, a corrupt weights
    /// file, missing, unexpected or misshapen tensors, or a checkpoint of another architecture.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] when the directory holds no weights; [`Error::Model`] with the
    /// model crate's reason for any other refusal; [`Error::Grammar`].
    pub fn load(dir: &Path) -> Result<Self, Error> {
        Self::load_adapted(dir, None)
    }

    /// Loads a checkpoint as [`AssistantModel::load`], with the consolidated adapter in
    /// `adapter` (a directory written by [`crate::learn`]: low-rank factors merged into the
    /// weights once, so a turn costs what it costs without, and the lexicon extended by what
    /// was taught).
    ///
    /// # Errors
    /// As [`AssistantModel::load`]; [`Error::Model`] when the adapter does not fit the weights.
    pub fn load_adapted(dir: &Path, adapter: Option<&Path>) -> Result<Self, Error> {
        if !dir.join(checkpoint::WEIGHTS_FILE).is_file() {
            return Err(Error::NoCheckpoint {
                path: dir.to_path_buf(),
                reason: format!(
                    "no {} (train one with `embodied train-assistant`)",
                    checkpoint::WEIGHTS_FILE
                ),
            });
        }
        let what = format!("loading the assistant checkpoint {}", dir.display());
        let kind = checkpoint::detect_kind(dir).map_err(model_error(what.clone()))?;
        if kind != ModelKind::Mcsd {
            return Err(Error::Invalid {
                what: "assistant checkpoint kind",
                value: kind.to_string(),
                reason: format!("{} must hold an MCSD model", dir.display()),
            });
        }
        let (config, tokenizer) = checkpoint::load_config_and_tokenizer::<Model>(dir)
            .map_err(model_error(what.clone()))?;
        let weights_path = dir.join(checkpoint::WEIGHTS_FILE);
        let mut tensors = checkpoint::read_safetensors(&weights_path, &Device::Cpu)
            .map_err(model_error(what.clone()))?;
        let mut io = ModelIo::load(dir)?;
        if let Some(adapter_dir) = adapter {
            let what = format!("loading the adapter {}", adapter_dir.display());
            let adapter = mcsd::adapt::Adapter::load(
                &adapter_dir.join(crate::learn::ADAPTER_FILE),
                &tensors,
                &Device::Cpu,
            )
            .map_err(model_error(what.clone()))?;
            tensors = adapter.merge(&tensors).map_err(model_error(what))?;
            io.lexicon = Arc::new(SlotLexicon::load(adapter_dir)?);
        }
        let model =
            checkpoint::build_checked::<Model>(&weights_path, &config, tensors, &Device::Cpu)
                .map_err(model_error(what))?;
        tracing::info!(
            dir = %dir.display(),
            adapter = adapter.map(|a| a.display().to_string()),
            parameters = model.n_params(),
            vocab = tokenizer.vocab_size(),
            "assistant model loaded"
        );
        Ok(Self {
            model,
            tokenizer,
            io,
            dir: dir.to_path_buf(),
            adapter: adapter.map(Path::to_path_buf),
        })
    }

    /// The shipped checkpoint: `share/embodied_assistant/models/assistant` under each prefix of
    /// `AMENT_PREFIX_PATH`, then `models/assistant` under the current directory and its
    /// ancestors, then under the workspace this crate was built from.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] listing where it looked.
    pub fn find_default() -> Result<PathBuf, Error> {
        let starts: Vec<PathBuf> = std::env::current_dir()
            .ok()
            .into_iter()
            .chain([PathBuf::from(env!("CARGO_MANIFEST_DIR"))])
            .collect();
        let candidates = embodied_world::share_roots(&starts);
        for root in candidates {
            let dir = root.join(CHECKPOINT_DIR);
            if dir.join(checkpoint::WEIGHTS_FILE).is_file() {
                return Ok(dir);
            }
        }
        Err(Error::NoCheckpoint {
            path: PathBuf::from(format!(
                "$AMENT_PREFIX_PATH/share/{PACKAGE}/{CHECKPOINT_DIR}, and {CHECKPOINT_DIR} under {}",
                starts
                    .iter()
                    .map(|s| format!("{} and its ancestors", s.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            reason: format!("no {}", checkpoint::WEIGHTS_FILE),
        })
    }

    /// A new dialogue with an empty recurrent state.
    pub fn new_conversation(self: &Arc<Self>) -> Conversation {
        Conversation {
            state: self.empty_state(),
            model: Arc::clone(self),
        }
    }

    /// The checkpoint directory it was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The answer to `text` at the start of a conversation in the default grounding, with the
    /// words of `text` read as known words: what the model makes of a phrase once
    /// consolidation has taught its words (before, unfamiliar words are placeholders).
    ///
    /// # Errors
    /// As [`Conversation::respond`].
    pub fn probe_learned(&self, text: &str) -> Result<Turn, Error> {
        let io = ModelIo {
            lexicon: Arc::new(
                self.io
                    .lexicon
                    .extended(crate::teach::words(text), Vec::new()),
            ),
            ..self.io.clone()
        };
        respond_fresh(&self.model, &self.tokenizer, &io, text)
    }

    /// The consolidated adapter merged into the weights, if any.
    pub fn adapter(&self) -> Option<&Path> {
        self.adapter.as_deref()
    }

    /// What the model reads and writes besides tokens.
    pub(crate) fn io(&self) -> &ModelIo {
        &self.io
    }

    /// The MCSD model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The slot lexicon: the words the model was trained on, and the names it knows.
    pub fn lexicon(&self) -> &SlotLexicon {
        &self.io.lexicon
    }

    fn empty_state(&self) -> State {
        State::new(1, self.model.config(), &Device::Cpu).expect("State::new fails only for batch 0")
    }
}

/// One dialogue: the MCSD recurrent state holding everything said so far.
#[derive(Debug)]
pub struct Conversation {
    model: Arc<AssistantModel>,
    state: State,
}

impl Conversation {
    /// One turn: feeds the prompt, decodes the answer under the output grammar, and advances the
    /// state by prompt and answer. On error the state is unchanged.
    ///
    /// # Errors
    /// [`Error::Model`] when a forward pass fails; [`Error::ParseOutput`] if the decoded text
    /// does not parse (only possible when the length bound cut the answer).
    pub fn respond(&mut self, prompt: &Prompt) -> Result<Turn, Error> {
        let model = &self.model;
        let turn = respond_with(
            &model.model,
            &model.tokenizer,
            &model.io,
            &mut self.state,
            prompt,
        )?;
        tracing::debug!(
            prompt_tokens = turn.prompt_tokens,
            answer_tokens = turn.answer_tokens,
            elapsed_ms = turn.elapsed.as_secs_f64() * 1e3,
            position = self.state.pos(),
            "assistant turn"
        );
        Ok(turn)
    }

    /// Answers on a copy of the state: what the model would answer now, the dialogue left as
    /// it is (used to understand what a user is teaching).
    ///
    /// # Errors
    /// As [`Conversation::respond`].
    pub fn probe(&self, prompt: &Prompt) -> Result<Turn, Error> {
        let model = &self.model;
        let mut state = self.state.clone();
        respond_with(
            &model.model,
            &model.tokenizer,
            &model.io,
            &mut state,
            prompt,
        )
    }

    /// The model this conversation runs.
    pub fn model(&self) -> &Arc<AssistantModel> {
        &self.model
    }

    /// Writes the recurrent state (safetensors; restoring it is bit-exact).
    ///
    /// # Errors
    /// [`Error::Model`] when writing fails.
    pub fn save_state(&self, path: &Path) -> Result<(), Error> {
        self.state.save(path).map_err(model_error(format!(
            "saving the dialogue state {}",
            path.display()
        )))
    }

    /// Replaces the recurrent state with one written by [`Conversation::save_state`] for this
    /// model's config.
    ///
    /// # Errors
    /// [`Error::Model`] when the file is unreadable or does not match the model.
    pub fn load_state(&mut self, path: &Path) -> Result<(), Error> {
        let state = State::load(path, self.model.model.config(), &Device::Cpu).map_err(
            model_error(format!("loading the dialogue state {}", path.display())),
        )?;
        if state.batch() != 1 {
            return Err(Error::Invalid {
                what: "dialogue state batch",
                value: state.batch().to_string(),
                reason: format!("{} holds more than one sequence", path.display()),
            });
        }
        self.state = state;
        Ok(())
    }

    /// Forgets the dialogue: back to the empty state.
    pub fn reset(&mut self) {
        self.state.reset();
    }

    /// Tokens consumed so far (prompts and answers).
    pub fn position(&self) -> usize {
        self.state.pos()
    }
}
