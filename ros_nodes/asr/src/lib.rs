//! `asr`: the assistant's speech recogniser. Voice activity detection (earshot's neural VAD
//! behind an energy gate) and endpointing over 16 ms frames, whisper.cpp transcription per
//! utterance with a clip-fitted encoder window and the world's vocabulary as prompt,
//! hallucination guards, lexicon correction of near-miss names, and self-voice suppression
//! with barge-in while the robot speaks.
//!
//! Topics (all from [`embodied_msgs::topics`]): in `/audio/chunk` (16 kHz mono),
//! `/speech/speaking`; out `/speech/activity` (SPEECH_STARTED at once, also on barge-in;
//! SPEECH_ENDED at the endpoint; DISCARDED when speech was too short or its transcript was
//! rejected) and `/speech/transcript`.
//!
//! ```no_run
//! use asr::{Lexicon, Params, pipeline, recognise::{Recogniser, whisper_options}};
//! use asr::transcriber::WhisperTranscriber;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let params = Params::default().validate()?;
//! let lexicon = Lexicon::default();
//! let model = std::path::Path::new("ggml-tiny.en-q8_0.bin");
//! let whisper = WhisperTranscriber::load(model, whisper_options(&params, &lexicon))?;
//! let mut recogniser = Recogniser::new(whisper, &params, lexicon);
//! let samples = vec![0.0_f32; 16_000];
//! for utterance in pipeline::transcribe_samples(&samples, &params, &mut recogniser)? {
//!     println!("{:?}", utterance.recognition.verdict);
//! }
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
pub mod endpoint;
pub mod guards;
pub mod lexicon;
mod logic;
mod params;
pub mod pipeline;
pub mod recognise;
#[cfg(feature = "ros")]
mod shell;
pub mod text;
pub mod transcriber;
pub mod vad;

pub use lexicon::Lexicon;
pub use logic::{Input, Logic, Output, RecognitionRequest};
pub use params::{Decoding, ParamError, Params, VadParams};
#[cfg(feature = "ros")]
pub use shell::run;
pub use transcriber::{TranscribeError, Transcriber};

/// Everything that stops the recogniser.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad parameters.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// The model is missing or cannot be loaded or run.
    #[error(transparent)]
    Model(#[from] TranscribeError),
    /// A WAV file cannot be read.
    #[error(transparent)]
    Wav(#[from] audio_capture::wav::WavError),
    /// DDS or endpoint failure.
    #[cfg(feature = "ros")]
    #[error(transparent)]
    Runtime(#[from] embodied_runtime::RuntimeError),
    /// The recognition worker thread stopped.
    #[error("the recognition worker stopped unexpectedly")]
    WorkerStopped,
}

impl Error {
    /// The project's exit code for this error (`embodied_runtime::exit_code` values).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Params(_) | Self::Wav(_) => 2,
            Self::Model(_) | Self::WorkerStopped => 3,
            #[cfg(feature = "ros")]
            Self::Runtime(error) => error.exit_code(),
        }
    }
}
