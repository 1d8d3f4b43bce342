//! `brain`: the assistant's understanding, built around an MCSD language model.
//!
//! This crate holds what the model and the brain node stand on:
//! - [`actions`]: the typed [`Action`]s a reply may carry, serialised to exactly the JSON of
//!   `embodied understand`, and their conversion to [`embodied_msgs::msg::Task`].
//! - [`prompt`]: the model's input (a compact grounding of robot state, perception and memory,
//!   plus the utterance) and its output text (say text, steps, memory operations) with a parser
//!   into typed values.
//! - [`slots`]: names, numbers and unfamiliar words to numbered placeholders and back, so the
//!   model learns structure and copies names exactly.
//! - [`grammar`]: a byte automaton accepting exactly the valid output texts, for constrained
//!   decoding with [`mcsd::constrain::AutomatonConstraint`].
//! - [`numbers`]: spoken quantities ("one and a half meters", "ninety degrees") to numbers.
//! - [`corpus`]: the template-based training corpus generator, split by template.
//! - [`cli`]: the `corpus` subcommand, and `understand` (one utterance per stdin line, one
//!   JSON answer per stdout line).
//! - [`teach`]: lessons users teach in conversation (phrases, aliases, corrections), the
//!   refusal of unsafe ones, and the rewriting that makes them work at once.
//! - [`learn`]: consolidation of what was taught into low-rank adapters, accepted only when
//!   the held-out split and every stop phrasing still hold.
//! - [`dialogue`]: one conversation: model state, long-term memory (retrieval, remember,
//!   correct, forget, episodes) and the robot's live state; the memory-dialogue suite.
//! - [`node`]: `brain_node`'s parameters and (feature `ros`) its shell on the ROS topics.
//!
//! ```
//! use brain::prompt::ModelOutput;
//! # fn main() -> Result<(), brain::Error> {
//! let out = ModelOutput::parse("On my way.|nav kitchen|find keys")?;
//! let (understanding, memory) = out.into_parts();
//! assert_eq!(
//!     serde_json::to_string(&understanding.actions[1]).unwrap_or_default(),
//!     r#"{"action":"find","object":"keys"}"#
//! );
//! assert!(memory.is_empty());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod actions;
pub mod assistant;
pub mod bench_learn;
pub mod clauses;
pub mod cli;
pub mod corpus;
pub mod dialogue;
mod error;
pub mod eval;
pub mod grammar;
pub mod learn;
pub mod node;
pub mod numbers;
pub mod prompt;
pub mod slots;
pub mod teach;
pub mod train;

pub use actions::{Action, Destination, Understanding};
pub use error::Error;
pub use grammar::OutputGrammar;
pub use prompt::{
    Fact, Grounding, MemoryOp, ModelOutput, OutputStep, Perceived, Prompt, PromptNames,
};

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
