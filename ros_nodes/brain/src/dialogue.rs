//! One conversation with the robot: the model's [`Conversation`] (the dialogue so far, in its
//! recurrent state), the long-term [`Memory`], and the robot's live [`RobotState`].
//!
//! [`Dialogue::handle`] answers one utterance:
//! 0. with a [`Teacher`] ([`Dialogue::with_teacher`]): a lesson ("when I say movie time, go to
//!    the living room", "no, I meant the bedroom") is learned instead (`teaching`), and taught
//!    wordings in the utterance are rewritten into what they stand for;
//! 1. retrieves the memory facts relevant to it ([`Retriever`]: objects named directly or by
//!    alias, free-text recall, the user's own facts);
//! 2. builds the [`Prompt`] (room, battery, perceived objects, facts, utterance) and lets the
//!    model answer under the output grammar (only known places and objects can be named, so an
//!    unknown place gets a clarification, never an invented target);
//! 3. status and describe answers, each clause of a longer request too, say the live state the
//!    prompt carries (checked as the model answers: [`state::enforce_grounding`]); one that
//!    follows a step moving the robot ("go to the kitchen and tell me what you see") promises
//!    the answer instead ([`state::defer_state_answers`]), which the node says on arrival;
//!    steps nobody asked for (a forget, a move, a turn or a drive to an utterance without a
//!    word of its kind) are dropped ([`unasked`]);
//! 4. executes the answer's memory operations (remember, overwrite on correction, forget) and
//!    records the turn as an episode, in one memory transaction.
//!
//! Perception updates go through [`Dialogue::observe`], which also keeps perception-derived
//! object locations in the memory.
//!
//! ```no_run
//! use std::sync::Arc;
//! use brain::assistant::AssistantModel;
//! use brain::dialogue::{Dialogue, DialogueOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Arc::new(AssistantModel::load(&AssistantModel::find_default()?)?);
//! let memory = embodied_memory::Memory::open_in_memory()?;
//! let mut dialogue = Dialogue::new(&model, memory, embodied_memory::Aliases::new(), DialogueOptions::default());
//! let reply = dialogue.handle("my keys are in the bedroom")?;
//! println!("{}", serde_json::to_string(&reply.understanding)?);
//! # Ok(()) }
//! ```

pub mod recall;
pub mod said;
pub mod state;
pub mod suite;
mod teaching;
pub mod unasked;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use embodied_memory::{Aliases, Memory, Time};
use tracing::debug;

use crate::actions::Understanding;
use crate::assistant::{AssistantModel, Conversation};
use crate::prompt::{Fact, Grounding, MAX_UTTERANCE_CHARS, MemoryOp, Prompt, normalize_utterance};
use crate::teach::{Rewrites, Teacher};
pub use recall::{PerceptionRecorder, Retriever};
pub use state::RobotState;

/// Why an utterance got no answer.
#[derive(Debug, thiserror::Error)]
pub enum DialogueError {
    /// The utterance is empty (after trimming) or longer than allowed.
    #[error("utterance {what}")]
    Utterance {
        /// What is wrong: "is empty", "has 412 characters, more than 300".
        what: String,
    },
    /// The model or the prompt failed (boxed: the model's errors are large).
    #[error(transparent)]
    Brain(Box<crate::Error>),
    /// The memory failed.
    #[error("memory: {what}: {source}")]
    Memory {
        /// What was being done.
        what: &'static str,
        /// The memory's error.
        #[source]
        source: embodied_memory::Error,
    },
    /// A robot state given as JSON is malformed.
    #[error("robot state {text:?}: {reason}")]
    State {
        /// The JSON text.
        text: String,
        /// What is wrong.
        reason: String,
    },
}

impl From<crate::Error> for DialogueError {
    fn from(error: crate::Error) -> Self {
        Self::Brain(Box::new(error))
    }
}

fn memory_error(what: &'static str) -> impl FnOnce(embodied_memory::Error) -> DialogueError {
    move |source| DialogueError::Memory { what, source }
}

/// Dialogue tunables.
#[derive(Debug, Clone, PartialEq)]
pub struct DialogueOptions {
    /// Episode session name (one per conversation).
    pub session: String,
    /// Most memory facts in one prompt.
    pub max_facts: usize,
    /// Longest utterance answered, characters (at most [`MAX_UTTERANCE_CHARS`]).
    pub max_utterance_chars: usize,
    /// Whether each turn is recorded as an episode in the memory.
    pub record_episodes: bool,
    /// Whether taught wordings are rewritten into utterances before the model reads them
    /// (off: only what consolidation put into the weights is known).
    pub use_taught: bool,
    /// Whether a status or describe step after a motion is promised rather than answered
    /// ([`state::defer_state_answers`]); on where something answers it on arrival (the node's
    /// outcome reports).
    pub defer_state_answers: bool,
}

impl Default for DialogueOptions {
    fn default() -> Self {
        Self {
            session: "dialogue".to_owned(),
            max_facts: 3,
            max_utterance_chars: MAX_UTTERANCE_CHARS,
            record_episodes: true,
            use_taught: true,
            defer_state_answers: true,
        }
    }
}

/// Where an utterance came from, for the episode record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UtteranceInfo {
    /// The utterance's id (`Transcript.utterance_id`); empty when not from speech.
    pub utterance_id: String,
    /// When the user stopped speaking.
    pub speech_end: Option<Time>,
    /// When the transcript was ready.
    pub transcript: Option<Time>,
}

/// Where the time of one turn went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Memory retrieval.
    pub retrieval: Duration,
    /// Model: prompt prefill and constrained decoding.
    pub inference: Duration,
    /// Memory writes (operations and episode, one transaction).
    pub memory: Duration,
    /// The whole turn.
    pub total: Duration,
}

/// The answer to one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// What to say and do (the `embodied understand` JSON).
    pub understanding: Understanding,
    /// The memory operations executed.
    pub memory_ops: Vec<MemoryOp>,
    /// The facts the prompt carried.
    pub facts: Vec<Fact>,
    /// The model's input text.
    pub prompt: String,
    /// The model's output text, as decoded (with the state's sentence where `replaced_say`).
    pub model_text: String,
    /// The model's say text when the state check replaced it.
    pub replaced_say: Option<String>,
    /// The utterance as the model read it, when taught wordings were rewritten in it.
    pub rewritten: Option<String>,
    /// What this utterance taught (a lesson the dialogue accepted).
    pub taught: Vec<embodied_memory::TaughtExample>,
    /// Prompt tokens.
    pub prompt_tokens: usize,
    /// Answer tokens.
    pub answer_tokens: usize,
    /// Timings.
    pub timings: Timings,
}

/// One conversation: model state, memory and live robot state.
#[derive(Debug)]
pub struct Dialogue {
    conversation: Conversation,
    memory: Memory,
    aliases: Aliases,
    state: RobotState,
    retriever: Retriever,
    perception: PerceptionRecorder,
    options: DialogueOptions,
    /// Recognises lessons; `None`: nothing can be taught.
    teacher: Option<Arc<Teacher>>,
    /// Taught wordings, from the memory.
    rewrites: Rewrites,
    /// The last request answered by the model (what a correction corrects).
    last_request: Option<teaching::LastRequest>,
}

/// Now on the system clock, as a ROS time.
pub fn system_now() -> Time {
    Time::from_system_time(SystemTime::now())
}

impl Dialogue {
    /// A new conversation of `model` over `memory`; `aliases` name places and objects (from
    /// the semantic map). The robot state starts as [`RobotState::default`].
    pub fn new(
        model: &Arc<AssistantModel>,
        memory: Memory,
        aliases: Aliases,
        options: DialogueOptions,
    ) -> Self {
        Self {
            conversation: model.new_conversation(),
            memory,
            aliases,
            state: RobotState::default(),
            retriever: Retriever {
                max_facts: options.max_facts,
            },
            perception: PerceptionRecorder::default(),
            options,
            teacher: None,
            rewrites: Rewrites::default(),
            last_request: None,
        }
    }

    /// Lets users teach this dialogue (phrases, aliases, corrections; see [`crate::teach`]),
    /// and applies what they taught before, read from the memory.
    ///
    /// # Errors
    /// [`DialogueError::Memory`] when the taught examples cannot be read.
    pub fn with_teacher(mut self, teacher: Arc<Teacher>) -> Result<Self, DialogueError> {
        self.rewrites = teaching::rewrites_from(&self.memory)?;
        self.teacher = Some(teacher);
        Ok(self)
    }

    /// Replaces the model (after consolidation) and starts a new conversation with it: a
    /// recurrent state is only meaningful to the weights that wrote it.
    pub fn set_model(&mut self, model: &Arc<AssistantModel>) {
        self.conversation = model.new_conversation();
        self.last_request = None;
    }

    /// The live robot state.
    pub fn state(&self) -> &RobotState {
        &self.state
    }

    /// Replaces the room and battery; perceived objects go through [`Dialogue::observe`].
    pub fn set_pose_and_battery(&mut self, room: embodied_world::PlaceId, battery_pct: u8) {
        self.state.room = room;
        self.state.battery_pct = battery_pct.min(100);
    }

    /// Replaces the whole live state and records the perceived object locations in memory
    /// (only those that changed).
    ///
    /// # Errors
    /// [`DialogueError::Memory`] when the locations cannot be written; the state is updated
    /// anyway.
    pub fn observe(&mut self, state: RobotState, now: &Time) -> Result<(), DialogueError> {
        self.state = state;
        self.perception
            .record(&mut self.memory, &self.state, now)
            .map_err(memory_error("recording perceived objects"))?;
        Ok(())
    }

    /// The memory.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// The aliases used for retrieval.
    pub fn aliases(&self) -> &Aliases {
        &self.aliases
    }

    /// Ends the conversation and hands the memory back (e.g. to reopen it later).
    pub fn into_memory(self) -> Memory {
        self.memory
    }

    /// Starts a new conversation (the model forgets the dialogue; the memory stays).
    pub fn restart_conversation(&mut self) {
        self.conversation.reset();
    }

    /// Answers `utterance` now (system clock) with no speech information.
    ///
    /// # Errors
    /// As [`Dialogue::handle_at`].
    pub fn handle(&mut self, utterance: &str) -> Result<Reply, DialogueError> {
        self.handle_at(utterance, &UtteranceInfo::default(), &system_now())
    }

    /// Answers `utterance` at time `now` (see the module docs).
    ///
    /// # Errors
    /// [`DialogueError::Utterance`] for an empty or overlong utterance (nothing else happens);
    /// [`DialogueError::Brain`] when the model fails (the conversation is unchanged);
    /// [`DialogueError::Memory`] when retrieval or the memory writes fail (the writes of this
    /// utterance are then all rolled back).
    pub fn handle_at(
        &mut self,
        utterance: &str,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Reply, DialogueError> {
        let utterance = check_utterance(utterance, self.options.max_utterance_chars)?;
        if let Some(teacher) = self.teacher.clone()
            && let Some(lesson) = teacher.lesson(&utterance)
            && let Some(reply) = self.learn(&teacher, lesson, &utterance, info, now)?
        {
            return Ok(reply);
        }
        let taught = self.rewrites.apply(&utterance);
        let is_taught = taught.is_some();
        let rewritten = taught.filter(|_| self.options.use_taught);
        let reply = self.answer(&utterance, rewritten, is_taught, info, now)?;
        self.last_request = Some(teaching::LastRequest {
            utterance,
            read: reply.rewritten.clone(),
            understanding: reply.understanding.clone(),
        });
        Ok(reply)
    }

    /// Answers `utterance` through the model, which reads `rewritten` instead when given (see
    /// the module docs); `taught`: the utterance is a taught phrase, which asks for what it was
    /// taught to mean in words of its own, whether the rewriting or the weights alone answer
    /// it, so the checks of what was asked pass it by.
    fn answer(
        &mut self,
        utterance: &str,
        rewritten: Option<String>,
        taught: bool,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Reply, DialogueError> {
        let started = Instant::now();
        // Spelled one way, so that memory finds what was said in another ("forget my
        // neighbour" and "my neighbor is called Tom" are one person).
        let read =
            crate::corpus::noise::american_spelling(rewritten.as_deref().unwrap_or(utterance));
        let read = read.as_str();
        let facts = self
            .retriever
            .retrieve(&self.memory, &self.aliases, read, &self.state, now)
            .map_err(memory_error("retrieving facts"))?;
        let retrieved = Instant::now();
        let grounding = Grounding {
            room: self.state.room,
            battery_pct: self.state.battery_pct,
            perceived: self.state.perceived_for_prompt(),
            facts: facts.clone(),
        };
        let prompt = Prompt::new(grounding, read)?;
        let turn = self.conversation.respond(&prompt)?;
        let inferred = Instant::now();
        let replaced_say = turn.replaced_say;
        let (mut understanding, mut memory_ops) = turn.output.into_parts();
        if !taught
            && let Some(model_say) = unasked::keep_to_what_was_asked(
                &mut understanding,
                &mut memory_ops,
                read,
                self.conversation.model().lexicon(),
            )
        {
            tracing::warn!(%model_say, utterance = %read, said = %understanding.say, "the answer held steps nobody asked for; dropped them");
        }
        if self.options.defer_state_answers {
            state::defer_state_answers(&mut understanding);
        }
        if let Some(model_say) = &replaced_say {
            tracing::warn!(%model_say, said = %understanding.say, "the answer's say text disagreed with the robot's state or its steps; said what they hold instead");
        }
        let episode = self.options.record_episodes.then(|| embodied_memory::Turn {
            session: self.options.session.clone(),
            utterance_id: info.utterance_id.clone(),
            user_text: utterance.to_owned(),
            reply_text: understanding.say.clone(),
            actions: serde_json::to_string(&understanding.actions).unwrap_or_default(),
            speech_end: info.speech_end.clone(),
            transcript: info.transcript.clone(),
            reply: now.clone(),
        });
        if !memory_ops.is_empty() || episode.is_some() {
            self.memory
                .batch(now, |batch| {
                    recall::apply_memory_ops(batch, &memory_ops, &info.utterance_id, utterance)?;
                    if let Some(episode) = &episode {
                        batch.record_turn(episode)?;
                    }
                    Ok(())
                })
                .map_err(memory_error("writing the turn"))?;
        }
        for op in &memory_ops {
            if let MemoryOp::Forget { subject, .. } = op {
                self.perception.forget(subject);
            }
        }
        let finished = Instant::now();
        let timings = Timings {
            retrieval: retrieved - started,
            inference: inferred - retrieved,
            memory: finished - inferred,
            total: finished - started,
        };
        debug!(
            prompt = %prompt.to_text(),
            answer = %turn.text,
            total_ms = timings.total.as_secs_f64() * 1e3,
            "utterance answered"
        );
        Ok(Reply {
            understanding,
            memory_ops,
            facts,
            prompt: prompt.to_text(),
            model_text: turn.text,
            replaced_say,
            rewritten,
            taught: Vec::new(),
            prompt_tokens: turn.prompt_tokens,
            answer_tokens: turn.answer_tokens,
            timings,
        })
    }
}

/// The utterance normalised, or why it is refused.
fn check_utterance(utterance: &str, max_chars: usize) -> Result<String, DialogueError> {
    let normalized = normalize_utterance(utterance);
    if normalized.is_empty() {
        return Err(DialogueError::Utterance {
            what: "is empty".to_owned(),
        });
    }
    let limit = max_chars.min(MAX_UTTERANCE_CHARS);
    let chars = normalized.chars().count();
    if chars > limit {
        return Err(DialogueError::Utterance {
            what: format!("has {chars} characters, more than {limit}"),
        });
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utterances_are_normalised_and_bounded() {
        assert_eq!(
            check_utterance("  go\tto the\nkitchen ", 300).unwrap(),
            "go to the kitchen"
        );
        assert_eq!(
            check_utterance(" \t ", 300).unwrap_err().to_string(),
            "utterance is empty"
        );
        let long = "a ".repeat(200);
        assert_eq!(
            check_utterance(&long, 1000).unwrap_err().to_string(),
            "utterance has 399 characters, more than 300"
        );
        assert!(check_utterance("hello there", 5).is_err());
    }
}
