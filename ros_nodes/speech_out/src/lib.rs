//! `speech_out`: the assistant's voice. Speaks each `/assistant/reply` offline with eSpeak NG
//! (voice, rate and pitch as parameters), sentence by sentence so the first sentence plays
//! while the rest is synthesised, resampled to the sink's rate, on a sound card (cpal,
//! chosen by name) or into WAV files paced like a card when there is none. Publishes
//! `/speech/speaking` with the reply id. On a `SPEECH_STARTED` activity (barge-in) it stops
//! within one sink block and flushes every buffer: text waiting for synthesis, the sentence
//! being synthesised, the resampler and the playback buffer. Replies acknowledging a STOP jump
//! the queue.
//!
//! Without default features the crate is the ROS-free part: [`Params`], the pure [`Logic`],
//! the synthesizer ([`espeak`]), the [`Speaker`] and the WAV sink.
//!
//! ```no_run
//! use speech_out::{VoiceSettings, render::render};
//! let audio = render("Going to the kitchen.", &VoiceSettings::default(), 16_000)?;
//! assert!(audio.len() > 16_000 / 2);
//! # Ok::<(), speech_out::render::RenderError>(())
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
#[cfg(feature = "device")]
pub mod device;
pub mod espeak;
mod logic;
mod params;
pub mod playback;
pub mod render;
pub mod resample;
pub mod sentences;
#[cfg(feature = "ros")]
mod shell;
pub mod sink;
mod speaker;

pub use espeak::VoiceSettings;
pub use logic::{Input, Logic, Output, end_reason_name};
pub use params::{ParamError, Params, ReplyPolicy, SinkKind, resolve_wav_dir};
#[cfg(feature = "ros")]
pub use shell::{Error, output_config, run};
pub use sink::OutputConfig;
pub use speaker::{SpeakError, Speaker};
