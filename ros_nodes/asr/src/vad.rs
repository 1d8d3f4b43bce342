//! Frame-level voice activity: earshot's neural VAD behind an energy gate.
//!
//! Choice measured on our test audio (`cargo run -p asr --no-default-features --example
//! vad_rates`): false positives on the noise set (5 s each of silence, white noise at -20 and
//! -40 dBFS, brown noise at -20 dBFS, a 50 Hz hum with harmonics at -12 dBFS), false negatives
//! on reference speech frames (14 espeak-ng commands, 3 voices, 2 speeds, frames above
//! -40 dBFS; jfk.wav frames above -30 dBFS), all through the same endpointer:
//!
//! | detector                      | FP frames | FP utterances | FN frames (commands) | FN frames (jfk) | commands not 1 utterance |
//! |-------------------------------|-----------|---------------|----------------------|-----------------|--------------------------|
//! | earshot ≥ 0.5 + gate -55 dBFS | 18.1%     | 0             | 1.9%                 | 1.7%            | 0/14                     |
//! | earshot ≥ 0.5 alone           | 18.3%     | 0             | 1.9%                 | 1.7%            | 0/14                     |
//! | energy ≥ -40 dBFS alone       | 61.8%     | 2             | 0.0%                 | 0.0%            | 0/14                     |
//!
//! Per noise, earshot flags 0.0% (silence), 0.9% / 2.0% (white -20 / -40), 0.0% (brown) and
//! 87.8% (hum) of frames; the energy detector 0 / 89 / 42 / 89 / 89%. The hum is the one sound
//! earshot takes for voice: the endpointer discards it as stationary after 512 ms (speech
//! varies by several dB between frames, a hum by a fraction of one) and ignores it while it
//! lasts, so the noise set opens no utterance (one SPEECH_STARTED + DISCARDED for the hum, one
//! too-short blip in white noise). Silero (whisper.cpp's VAD) was not an option: its weights
//! come from Hugging Face, which this project cannot reach.
//!
//! An energy detector alone fires on any loud noise. The gate changes little on this set; it
//! keeps near-silent hiss that earshot might score as voice from opening utterances, at no cost
//! to speech (far above -55 dBFS).

/// Samples per VAD frame: earshot's fixed 16 ms at 16 kHz.
pub const FRAME_SAMPLES: usize = 256;
/// The recogniser's sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// Level of a frame in dB relative to full scale (RMS), floored at -120 dBFS.
pub fn level_dbfs(frame: &[f32]) -> f32 {
    if frame.is_empty() {
        return -120.0;
    }
    let mean_square = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
    (10.0 * mean_square.max(1e-12).log10()).max(-120.0)
}

/// What the VAD says about one 16 ms frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameVoice {
    /// The neural VAD's speech probability, in [0, 1].
    pub probability: f32,
    /// RMS level of the frame, dBFS.
    pub level_dbfs: f32,
}

/// A per-frame speech scorer; the endpointer decides with a threshold and a gate.
pub trait VoiceDetector: Send {
    /// Scores one frame of exactly [`FRAME_SAMPLES`] samples in [-1, 1]; stateful (streaming).
    fn score(&mut self, frame: &[f32]) -> f32;
    /// Forgets the stream (a new audio stream starts).
    fn reset(&mut self);
}

/// earshot's neural detector (pure Rust, ~8 KiB state, 40 KiB network).
pub struct EarshotDetector {
    detector: Box<earshot::Detector>,
}

impl Default for EarshotDetector {
    fn default() -> Self {
        Self {
            detector: earshot::Detector::default_boxed(),
        }
    }
}

impl std::fmt::Debug for EarshotDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EarshotDetector")
    }
}

impl VoiceDetector for EarshotDetector {
    fn score(&mut self, frame: &[f32]) -> f32 {
        self.detector.predict_f32(frame)
    }

    fn reset(&mut self) {
        self.detector.reset();
    }
}

/// Cuts a stream of samples into frames and scores each.
#[derive(Debug)]
pub struct FrameClassifier<D = EarshotDetector> {
    detector: D,
    pending: Vec<f32>,
}

impl Default for FrameClassifier<EarshotDetector> {
    fn default() -> Self {
        Self::new(EarshotDetector::default())
    }
}

impl<D: VoiceDetector> FrameClassifier<D> {
    /// A classifier over `detector`.
    pub fn new(detector: D) -> Self {
        Self {
            detector,
            pending: Vec::with_capacity(FRAME_SAMPLES),
        }
    }

    /// Appends samples; calls `on_frame(frame, voice)` for every completed frame, in order.
    pub fn push(&mut self, samples: &[f32], mut on_frame: impl FnMut(&[f32], FrameVoice)) {
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (FRAME_SAMPLES - self.pending.len()).min(rest.len());
            // The detector requires [-1, 1]; resampled audio can overshoot a little.
            self.pending
                .extend(rest[..take].iter().map(|s| s.clamp(-1.0, 1.0)));
            rest = &rest[take..];
            if self.pending.len() == FRAME_SAMPLES {
                let voice = FrameVoice {
                    probability: self.detector.score(&self.pending),
                    level_dbfs: level_dbfs(&self.pending),
                };
                on_frame(&self.pending, voice);
                self.pending.clear();
            }
        }
    }

    /// Drops a partial frame and the detector's state.
    pub fn reset(&mut self) {
        self.pending.clear();
        self.detector.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_of_full_scale_and_silence() {
        let square = vec![1.0_f32; FRAME_SAMPLES];
        assert!(level_dbfs(&square).abs() < 1e-3);
        assert_eq!(level_dbfs(&[0.0; FRAME_SAMPLES]), -120.0);
        let half: Vec<f32> = (0..FRAME_SAMPLES).map(|_| 0.5).collect();
        assert!((level_dbfs(&half) + 6.02).abs() < 0.01);
    }

    #[test]
    fn frames_are_cut_across_pushes() {
        let mut classifier = FrameClassifier::default();
        let mut frames = 0;
        for _ in 0..10 {
            classifier.push(&[0.0; 100], |frame, voice| {
                assert_eq!(frame.len(), FRAME_SAMPLES);
                assert!(voice.probability < 0.5);
                frames += 1;
            });
        }
        assert_eq!(frames, 1000 / FRAME_SAMPLES);
    }
}
