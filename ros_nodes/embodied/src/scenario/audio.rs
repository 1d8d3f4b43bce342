//! The audio of a scenario's commands: `--say` texts spoken by eSpeak NG, `--wav` files read
//! and converted to 16 kHz mono by audio_capture's own reader. Each command becomes one feed
//! file (lead silence, the speech, tail silence) that a fresh audio_capture node plays in real
//! time, and the offset at which its speech ends, found in the samples themselves.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Error, Spoken};

/// The audio pipeline's rate: audio_capture publishes 16 kHz mono whatever the file's format.
pub(crate) const SAMPLE_RATE_HZ: u32 = 16_000;

/// The silence around each command's speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Silence {
    /// Before: the recogniser's VAD and pre-roll see quiet audio first, as from a microphone
    /// in a quiet room.
    pub lead: Duration,
    /// After: long enough for the recogniser's endpoint.
    pub tail: Duration,
}

/// Analysis frames of the end-of-speech search, samples (10 ms).
const FRAME_SAMPLES: usize = 160;
/// A frame is sound when its RMS is within this many dB of the loudest frame's...
const SOUND_BELOW_PEAK_DB: f32 = 40.0;
/// ...and above this absolute level, dBFS.
const SOUND_FLOOR_DBFS: f32 = -60.0;

/// One command's feed file and its timeline.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    /// What the command is, for the report: `say: TEXT` or `wav: PATH`.
    pub label: String,
    /// The 16 kHz mono WAV audio_capture plays.
    pub path: PathBuf,
    /// Length of the whole feed (lead, speech, tail).
    pub duration: Duration,
    /// Offset in the feed just after the last sample of speech.
    pub speech_end: Duration,
}

/// The eSpeak NG voice and rate of `--say` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// eSpeak NG voice name, e.g. `en-us`.
    pub name: String,
    /// Words per minute.
    pub wpm: u32,
}

/// Writes one feed per command into `dir`, its speech within `silence`.
///
/// # Errors
/// [`Error::Synthesis`] when eSpeak NG fails, [`Error::Wav`] for an unreadable file,
/// [`Error::NoSpeech`] for a silent one, [`Error::Io`] when a feed cannot be written.
pub(crate) fn prepare(
    commands: &[Spoken],
    voice: &Voice,
    silence: Silence,
    dir: &Path,
) -> Result<Vec<Feed>, Error> {
    commands
        .iter()
        .enumerate()
        .map(|(index, command)| {
            let (label, samples) = match command {
                Spoken::Say(text) => {
                    let samples = asr::cli::synthesise(text, &voice.name, voice.wpm, dir).map_err(
                        |source| Error::Synthesis {
                            text: text.clone(),
                            source,
                        },
                    )?;
                    (format!("say: {text}"), samples)
                }
                Spoken::Wav(path) => {
                    let samples =
                        audio_capture::wav::read_mono_16k(path).map_err(|source| Error::Wav {
                            path: path.clone(),
                            source,
                        })?;
                    (format!("wav: {}", path.display()), samples)
                }
            };
            let end = speech_end_sample(&samples).ok_or_else(|| Error::NoSpeech {
                command: label.clone(),
            })?;
            let lead = samples_of(silence.lead);
            let tail = samples_of(silence.tail);
            let path = dir.join(format!("command-{index}.wav"));
            write_feed(&path, lead, &samples, tail)?;
            Ok(Feed {
                label,
                path,
                duration: duration_of(lead + samples.len() + tail),
                speech_end: duration_of(lead + end),
            })
        })
        .collect()
}

fn samples_of(duration: Duration) -> usize {
    (duration.as_secs_f64() * f64::from(SAMPLE_RATE_HZ)).round() as usize
}

fn duration_of(samples: usize) -> Duration {
    Duration::from_secs_f64(samples as f64 / f64::from(SAMPLE_RATE_HZ))
}

/// The sample index just after the last 10 ms frame that holds sound: within
/// [`SOUND_BELOW_PEAK_DB`] of the loudest frame and above [`SOUND_FLOOR_DBFS`]. `None` for
/// silence.
pub(crate) fn speech_end_sample(samples: &[f32]) -> Option<usize> {
    let rms: Vec<f32> = samples
        .chunks(FRAME_SAMPLES)
        .map(|frame| (frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32).sqrt())
        .collect();
    let peak = rms.iter().copied().fold(0.0_f32, f32::max);
    let threshold =
        (peak * 10f32.powf(-SOUND_BELOW_PEAK_DB / 20.0)).max(10f32.powf(SOUND_FLOOR_DBFS / 20.0));
    let last = rms.iter().rposition(|level| *level >= threshold)?;
    Some(((last + 1) * FRAME_SAMPLES).min(samples.len()))
}

fn write_feed(path: &Path, lead: usize, speech: &[f32], tail: usize) -> Result<(), Error> {
    let io_error = |source: hound::Error| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(source),
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE_HZ,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(io_error)?;
    let samples = std::iter::repeat_n(0.0, lead)
        .chain(speech.iter().copied())
        .chain(std::iter::repeat_n(0.0, tail));
    for sample in samples {
        let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
        writer.write_sample(value).map_err(io_error)?;
    }
    writer.finalize().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_end_is_the_end_of_the_last_loud_frame() {
        let mut samples = vec![0.0; 1600];
        samples.extend(std::iter::repeat_n(0.5, 3200));
        samples.extend(std::iter::repeat_n(0.0001, 1600)); // -80 dBFS: silence
        assert_eq!(speech_end_sample(&samples), Some(4800));
    }

    #[test]
    fn silence_has_no_speech_end() {
        assert_eq!(speech_end_sample(&[0.0; 3200]), None);
        assert_eq!(speech_end_sample(&[]), None);
    }
}
