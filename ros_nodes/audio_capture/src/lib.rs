//! `audio_capture`: captures audio from a microphone (cpal) or plays WAV files, converts it to
//! 16 kHz mono and publishes it as `AudioChunk` messages on `/audio/chunk`, every `chunk_ms`,
//! with a sequence number and the capture time of the first sample so that gaps show.
//!
//! Without default features the crate is the ROS-free part: [`wav::read_mono_16k`] (the WAV
//! reader shared with `embodied transcribe` and the simulator), [`convert::MonoConverter`],
//! [`Params`] and the [`Logic`].
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(feature = "device")]
pub mod cli;
pub mod convert;
#[cfg(feature = "device")]
pub mod device;
mod logic;
mod params;
pub mod playlist;
#[cfg(feature = "ros")]
mod shell;
pub mod wav;

pub use logic::{Input, Logic, LogicError, Output, decode_s16le, samples_to_nanos, to_i16};
pub use params::{ParamError, Params, Source};
#[cfg(feature = "ros")]
pub use shell::{Error, run, spawn_playlist};
