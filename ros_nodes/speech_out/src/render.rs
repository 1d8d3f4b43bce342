//! Whole-text synthesis for files and tests: the scenario runner's spoken commands
//! (`embodied speech say --out`), and round trips through the recogniser.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::espeak::{Flow, SynthError, Synthesizer, VoiceSettings};
use crate::resample::{RateConverter, ResampleError};
use crate::sink::to_i16;

/// Why text could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Synthesis failed.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// Resampling failed.
    #[error(transparent)]
    Resample(#[from] ResampleError),
    /// The WAV file could not be written.
    #[error("writing {path}: {source}")]
    Wav {
        /// The file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: hound::Error,
    },
}

/// Synthesises `text` with `voice` as mono audio in [-1, 1] at `sample_rate_hz`.
///
/// # Errors
/// [`RenderError::Synth`] (no voice, engine busy) or [`RenderError::Resample`].
pub fn render(
    text: &str,
    voice: &VoiceSettings,
    sample_rate_hz: u32,
) -> Result<Vec<f32>, RenderError> {
    let mut synth = Synthesizer::open(voice)?;
    let mut converter = RateConverter::new(synth.sample_rate_hz(), sample_rate_hz)?;
    let mut audio = Vec::new();
    let mut failure = None;
    synth.synthesize(text, &mut |block| match converter.push(block, &mut audio) {
        Ok(()) => Flow::Continue,
        Err(error) => {
            failure = Some(error);
            Flow::Stop
        }
    })?;
    if let Some(error) = failure {
        return Err(error.into());
    }
    converter.finish(&mut audio)?;
    Ok(audio)
}

/// Synthesises `text` into a 16-bit mono WAV file at `sample_rate_hz`; returns its length.
///
/// # Errors
/// As [`render`], or [`RenderError::Wav`].
pub fn render_to_wav(
    text: &str,
    voice: &VoiceSettings,
    sample_rate_hz: u32,
    path: &Path,
) -> Result<Duration, RenderError> {
    let audio = render(text, voice, sample_rate_hz)?;
    let wav_error = |source| RenderError::Wav {
        path: path.to_path_buf(),
        source,
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: sample_rate_hz,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(wav_error)?;
    for &sample in &audio {
        writer.write_sample(to_i16(sample)).map_err(wav_error)?;
    }
    writer.finalize().map_err(wav_error)?;
    Ok(Duration::from_secs_f64(
        audio.len() as f64 / f64::from(sample_rate_hz),
    ))
}
