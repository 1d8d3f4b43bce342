//! The recogniser's parameters (`config/asr.yaml`), grouped as the YAML is: `vad.*`,
//! `whisper_*`, `barge_in_*`.

use std::path::PathBuf;

/// Why parameters were refused.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    /// A parameter is out of its range.
    #[error("parameter {name} = {value}: {expected}")]
    OutOfRange {
        /// Parameter name, dotted for nested groups (`vad.threshold`).
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
}

/// Voice activity detection and endpointing, over 16 ms frames of 16 kHz mono audio.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VadParams {
    /// Speech probability from the neural VAD at or above which a frame is speech, in [0, 1].
    pub threshold: f32,
    /// Frames quieter than this level (dBFS) are never speech, whatever the VAD says; in [-120, 0].
    pub energy_gate_dbfs: f32,
    /// Consecutive speech time (ms) that opens an utterance (SPEECH_STARTED); in [16, 1000].
    pub start_ms: u32,
    /// Utterances with less speech than this (ms) are discarded; in [0, 5000].
    pub min_speech_ms: u32,
    /// Silence (ms) after speech that ends an utterance (the endpoint); in [48, 5000].
    pub hangover_ms: u32,
    /// Silence (ms) after speech at which recognition starts while the endpoint is still
    /// awaited; its transcript is used when no speech follows before the endpoint, and
    /// cancelled when speech goes on. 0 turns it off; else in [16, hangover_ms).
    ///
    /// Every millisecond here is a millisecond of latency; a pause inside an utterance that
    /// outlasts it costs a voided decode. Early starts voided on 126 eSpeak NG commands (42
    /// commands, 3 voices, 2 rates; `--example early_pauses`): 123 at 32 ms, 29 at 48, 5 at 64
    /// and 80, 4 at 96.
    pub early_recognition_ms: u32,
    /// An utterance is cut at this length (s) and recognised; in [1, 30].
    pub max_utterance_s: f32,
    /// Audio kept from before the detected start (ms), so soft onsets are not clipped; in [0, 2000].
    pub pre_roll_ms: u32,
}

impl Default for VadParams {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            energy_gate_dbfs: -55.0,
            start_ms: 64,
            min_speech_ms: 200,
            hangover_ms: 320,
            early_recognition_ms: 64,
            max_utterance_s: 15.0,
            pre_roll_ms: 240,
        }
    }
}

/// How whisper decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoding {
    /// One hypothesis, most likely token each step.
    Greedy,
    /// Beam search with 5 beams (slower; measured by `embodied bench asr`).
    BeamSearch,
}

/// Speech recognition tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Path of a whisper.cpp ggml model; empty: `<cache>/whisper/ggml-tiny.en-q8_0.bin` where
    /// `<cache>` is `$EMBODIED_CACHE_DIR` or `~/.cache/embodied` (`embodied models fetch`).
    pub whisper_model: PathBuf,
    /// Threads whisper uses; in [1, 64].
    pub whisper_threads: u32,
    /// `greedy` or `beam_search`.
    pub whisper_decoding: Decoding,
    /// Most tokens decoded per utterance (a loop breaker); in [8, 224].
    pub whisper_max_tokens: u32,
    /// Prime whisper with the world's place and object names.
    pub whisper_prompt: bool,
    /// Transcripts whose segment no-speech probability is above this are dropped; in [0, 1].
    pub no_speech_threshold: f32,
    /// Transcripts whose mean token probability is below this are dropped; in [0, 1].
    pub min_confidence: f32,
    /// Correct near-miss words to the world's place and object names.
    pub lexicon_correction: bool,
    /// While the robot speaks, audio starts an utterance only if it is this many dB above the
    /// recent level of the robot's own voice at the microphone (barge-in); in [0, 40].
    pub barge_in_margin_db: f32,
    /// Time (s) after speaking starts in which the level of the robot's voice at the microphone
    /// is learned (no barge-in then); afterwards it follows the voice's peaks, falling 6 dB per
    /// this time; in [0.05, 10].
    pub playback_level_window_s: f32,
    /// Voice activity detection and endpointing.
    pub vad: VadParams,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            whisper_model: PathBuf::new(),
            whisper_threads: 2,
            whisper_decoding: Decoding::Greedy,
            whisper_max_tokens: 96,
            whisper_prompt: true,
            no_speech_threshold: 0.6,
            min_confidence: 0.35,
            lexicon_correction: true,
            barge_in_margin_db: 10.0,
            playback_level_window_s: 1.0,
            vad: VadParams::default(),
        }
    }
}

fn ensure_in<T>(
    name: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<(), ParamError>
where
    T: PartialOrd + ToString + Copy,
{
    // NaN fails `contains`, so non-finite floats are refused too.
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ParamError::OutOfRange {
            name,
            value: value.to_string(),
            expected,
        })
    }
}

impl Params {
    /// Checks ranges and cross-field rules, naming the parameter.
    ///
    /// # Errors
    /// [`ParamError::OutOfRange`] for the first bad value.
    pub fn validate(self) -> Result<Self, ParamError> {
        ensure_in("whisper_threads", self.whisper_threads, 1..=64, "1 to 64")?;
        ensure_in(
            "whisper_max_tokens",
            self.whisper_max_tokens,
            8..=224,
            "8 to 224 tokens",
        )?;
        ensure_in(
            "no_speech_threshold",
            self.no_speech_threshold,
            0.0..=1.0,
            "a probability in [0, 1]",
        )?;
        ensure_in(
            "min_confidence",
            self.min_confidence,
            0.0..=1.0,
            "a probability in [0, 1]",
        )?;
        ensure_in(
            "barge_in_margin_db",
            self.barge_in_margin_db,
            0.0..=40.0,
            "0 to 40 dB",
        )?;
        ensure_in(
            "playback_level_window_s",
            self.playback_level_window_s,
            0.05..=10.0,
            "0.05 to 10 s",
        )?;
        let vad = &self.vad;
        ensure_in(
            "vad.threshold",
            vad.threshold,
            0.0..=1.0,
            "a probability in [0, 1]",
        )?;
        ensure_in(
            "vad.energy_gate_dbfs",
            vad.energy_gate_dbfs,
            -120.0..=0.0,
            "-120 to 0 dBFS",
        )?;
        ensure_in("vad.start_ms", vad.start_ms, 16..=1000, "16 to 1000 ms")?;
        ensure_in(
            "vad.min_speech_ms",
            vad.min_speech_ms,
            0..=5000,
            "0 to 5000 ms",
        )?;
        ensure_in(
            "vad.hangover_ms",
            vad.hangover_ms,
            48..=5000,
            "48 to 5000 ms",
        )?;
        if vad.early_recognition_ms != 0 {
            ensure_in(
                "vad.early_recognition_ms",
                vad.early_recognition_ms,
                16..=vad.hangover_ms.saturating_sub(1),
                "0 (off) or 16 ms to less than vad.hangover_ms",
            )?;
        }
        ensure_in(
            "vad.max_utterance_s",
            vad.max_utterance_s,
            1.0..=30.0,
            "1 to 30 s (whisper's window)",
        )?;
        ensure_in("vad.pre_roll_ms", vad.pre_roll_ms, 0..=2000, "0 to 2000 ms")?;
        // The longest utterance plus its pre-roll must fit whisper's 30 s window.
        let longest_s = vad.max_utterance_s + vad.pre_roll_ms as f32 / 1000.0;
        ensure_in(
            "vad.max_utterance_s",
            longest_s,
            0.0..=30.0,
            "with vad.pre_roll_ms at most 30 s",
        )?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_name_their_parameter() {
        assert!(Params::default().validate().is_ok());
        let mut params = Params::default();
        params.vad.threshold = f32::NAN;
        let error = params.validate().unwrap_err().to_string();
        assert!(
            error.starts_with("parameter vad.threshold = NaN"),
            "{error}"
        );
        let mut params = Params::default();
        params.vad.max_utterance_s = 30.0;
        params.vad.pre_roll_ms = 500;
        let error = params.validate().unwrap_err().to_string();
        assert!(error.contains("vad.max_utterance_s"), "{error}");
        let mut params = Params::default();
        params.vad.early_recognition_ms = params.vad.hangover_ms;
        let error = params.clone().validate().unwrap_err().to_string();
        assert!(error.contains("vad.early_recognition_ms"), "{error}");
        params.vad.early_recognition_ms = 0;
        assert!(params.validate().is_ok());
    }

    #[test]
    fn yaml_style_json_fills_defaults_and_rejects_unknown_keys() {
        let params: Params =
            serde_json::from_str(r#"{"whisper_decoding":"beam_search","vad":{"hangover_ms":400}}"#)
                .unwrap();
        assert_eq!(params.whisper_decoding, Decoding::BeamSearch);
        assert_eq!(params.vad.hangover_ms, 400);
        assert_eq!(params.vad.threshold, VadParams::default().threshold);
        assert!(serde_json::from_str::<Params>(r#"{"vad":{"treshold":0.4}}"#).is_err());
    }
}
