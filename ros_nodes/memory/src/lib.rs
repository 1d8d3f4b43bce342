//! `embodied_memory`: the robot's long-term memory in one SQLite file.
//!
//! What it keeps (schema in [`schema`]): facts `(subject, relation, value)` with a kind
//! ([`Kind`], the `MemoryFact.msg` `KIND_*` values), confidence, times and the utterance they
//! came from; people's names; where objects are, as last said by a user and as last seen by
//! perception; taught phrases (examples a user taught, for the brain's on-device learning);
//! and episodes, the dialogue turns with their timings.
//!
//! What it does ([`Memory`]): remember (a correction overwrites and returns the previous
//! value), forget (one relation or everything about a subject), recall (exact filters plus
//! free-text retrieval ranked by SQLite FTS5 `bm25` and alias-aware name matching, see
//! [`Aliases`]), object location lookup (the newer of what a user said and what perception
//! saw, with ages). Several writes that belong to one utterance go in one [`Batch`]: one
//! SQLite transaction.
//!
//! Durability: WAL journal, `synchronous` FULL by default ([`Durability`]); a process killed
//! with SIGKILL loses at most the batch in flight, and the file stays consistent.
//!
//! With the `ros` feature, [`run`] serves `/memory/remember` and `/memory/recall`; [`cli`] is
//! `embodied memory` (recall, remember, forget, where, check).
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
mod error;
mod fact;
mod params;
mod recall;
pub mod schema;
#[cfg(feature = "ros")]
mod shell;
mod store;
mod text;

pub use error::Error;
pub use fact::{Fact, Kind, NewFact, Time};
pub use params::{Durability, Params, default_database_path};
pub use recall::{Aliases, RecallQuery, Recalled};
#[cfg(feature = "ros")]
pub use shell::{handle_recall, handle_remember, run};
pub use store::{
    Batch, Episode, Forget, LocationReport, LocationSource, Memory, ObjectLocation, Person,
    RememberMode, Remembered, Taught, TaughtExample, TaughtKind, Turn,
};
