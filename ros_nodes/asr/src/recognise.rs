//! One utterance from audio to an accepted or rejected transcript: the transcriber, then the
//! hallucination guards, then the lexicon correction. Shared by the node's worker thread and
//! the offline file pipeline.

use std::time::{Duration, Instant};

use crate::endpoint::Utterance;
use crate::guards::{Guards, Rejection};
use crate::lexicon::{Correction, Lexicon};
use crate::params::Params;
use crate::transcriber::{
    AUDIO_CTX_MARGIN_S, Cancel, MIN_AUDIO_CTX, TranscribeError, Transcriber, WhisperOptions, Window,
};

/// A transcript that passed the guards.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// Final text (sound descriptions removed, names corrected).
    pub text: String,
    /// Mean token probability.
    pub confidence: f32,
    /// whisper's no-speech probability.
    pub no_speech_probability: f32,
    /// Near-miss words replaced by names.
    pub corrections: Vec<Correction>,
}

/// What recognition made of an utterance.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A transcript to publish.
    Accepted(Accepted),
    /// Dropped by a guard.
    Rejected {
        /// Why.
        rejection: Rejection,
        /// What whisper wrote.
        raw_text: String,
    },
}

/// A verdict with the compute time it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// Accepted or rejected.
    pub verdict: Verdict,
    /// Time spent in recognition (whisper plus guards).
    pub processing: Duration,
}

/// Transcriber, guards and lexicon together.
#[derive(Debug)]
pub struct Recogniser<T> {
    transcriber: T,
    guards: Guards,
    lexicon: Lexicon,
    correction: bool,
}

/// The whisper options that `params` and `lexicon` ask for.
pub fn whisper_options(params: &Params, lexicon: &Lexicon) -> WhisperOptions {
    WhisperOptions {
        threads: params.whisper_threads,
        decoding: params.whisper_decoding,
        max_tokens: params.whisper_max_tokens,
        prompt: params.whisper_prompt.then(|| lexicon.prompt()),
        window: Window::Fitted,
        audio_ctx_margin_s: AUDIO_CTX_MARGIN_S,
        min_audio_ctx: MIN_AUDIO_CTX,
        trim_loops: true,
        flash_attention: false,
    }
}

impl<T: Transcriber> Recogniser<T> {
    /// A recogniser with the guards and correction that `params` ask for.
    pub fn new(transcriber: T, params: &Params, lexicon: Lexicon) -> Self {
        Self {
            transcriber,
            guards: Guards {
                no_speech_threshold: params.no_speech_threshold,
                min_confidence: params.min_confidence,
            },
            lexicon,
            correction: params.lexicon_correction,
        }
    }

    /// The transcriber (to change its options).
    pub fn transcriber_mut(&mut self) -> &mut T {
        &mut self.transcriber
    }

    /// The transcriber's model name.
    pub fn model_name(&self) -> &str {
        self.transcriber.model_name()
    }

    /// Turns lexicon correction on or off.
    pub fn set_correction(&mut self, on: bool) {
        self.correction = on;
    }

    /// Recognises one utterance.
    ///
    /// # Errors
    /// [`TranscribeError`] if whisper fails.
    pub fn recognise(&mut self, utterance: &Utterance) -> Result<Recognition, TranscribeError> {
        self.recognise_cancellable(utterance, &Cancel::default())
    }

    /// Recognises one utterance unless `cancel` is set first.
    ///
    /// # Errors
    /// [`TranscribeError`] if whisper fails, [`TranscribeError::Cancelled`] if cancelled.
    pub fn recognise_cancellable(
        &mut self,
        utterance: &Utterance,
        cancel: &Cancel,
    ) -> Result<Recognition, TranscribeError> {
        let started = Instant::now();
        let raw = self.transcriber.transcribe(&utterance.samples, cancel)?;
        let verdict = match self.guards.check(&raw, utterance.speech_seconds()) {
            Err(rejection) => Verdict::Rejected {
                rejection,
                raw_text: raw.text.clone(),
            },
            Ok(text) => {
                let (text, corrections) = if self.correction {
                    self.lexicon.correct(&text)
                } else {
                    (text, Vec::new())
                };
                Verdict::Accepted(Accepted {
                    text,
                    confidence: raw.confidence(),
                    no_speech_probability: raw.no_speech_probability,
                    corrections,
                })
            }
        };
        Ok(Recognition {
            verdict,
            processing: started.elapsed(),
        })
    }
}
