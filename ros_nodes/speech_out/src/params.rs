//! The node's parameters (`config/speech_out.yaml` documents the defaults).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why parameters were refused.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    /// A parameter is out of its range or inconsistent with another.
    #[error("parameter {name} = {value}: {expected}")]
    Invalid {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
}

/// Where the synthesised audio goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// The sound card named by `device`; the WAV sink when no output device exists.
    #[default]
    Auto,
    /// The sound card named by `device`; a missing device stops start-up.
    Device,
    /// One WAV file per reply in `wav_dir`, written at the pace of a sound card.
    Wav,
}

/// What a new reply does to the one being spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyPolicy {
    /// The new reply cuts the current one off (`END_CANCELED`).
    #[default]
    Replace,
    /// The new reply waits until the current one is said.
    Queue,
}

/// Voice-out tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// `auto` (sound card, else WAV files), `device` (sound card only) or `wav` (WAV files).
    pub sink: SinkKind,
    /// Output device: a case-insensitive substring of its name (`embodied speech devices`
    /// lists them); empty for the system's default output.
    pub device: String,
    /// Directory of the WAV sink (one file per reply); empty for `<cache>/speech_out`, where
    /// `<cache>` is `$EMBODIED_CACHE_DIR` or `~/.cache/embodied`.
    pub wav_dir: PathBuf,
    /// Sample rate of the WAV sink's files in Hz, in [8000, 192000].
    pub wav_sample_rate_hz: u32,
    /// Milliseconds of audio the WAV sink takes per step, in [1, 100]: the longest a
    /// barge-in can wait for the sink to fall silent.
    pub wav_block_ms: u32,
    /// eSpeak NG voice name (`espeak-ng --voices` lists them), e.g. `en-us`.
    pub voice: String,
    /// Speaking rate in words per minute, in [80, 450].
    pub rate_wpm: u32,
    /// Base pitch, in [0, 100] (50 is the voice's normal pitch).
    pub pitch: u32,
    /// What a newer reply does to the one being spoken: `replace` (cut it off) or `queue`.
    /// Replies acknowledging a STOP jump the queue and interrupt either way.
    pub on_new_reply: ReplyPolicy,
    /// Replies waiting with `on_new_reply: queue` before the oldest is dropped, in [1, 100].
    pub max_queued_replies: usize,
    /// Milliseconds of synthesised audio buffered ahead of the sink, in [50, 10000];
    /// synthesis waits when the buffer is full, and a barge-in empties it.
    pub buffer_ms: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            sink: SinkKind::Auto,
            device: String::new(),
            wav_dir: PathBuf::new(),
            wav_sample_rate_hz: 16_000,
            wav_block_ms: 10,
            voice: "en-us".into(),
            rate_wpm: 175,
            pitch: 50,
            on_new_reply: ReplyPolicy::Replace,
            max_queued_replies: 8,
            buffer_ms: 1000,
        }
    }
}

impl Params {
    /// Checks ranges and cross-field rules, naming the parameter.
    ///
    /// # Errors
    /// [`ParamError::Invalid`].
    pub fn validate(self) -> Result<Self, ParamError> {
        in_range(
            "wav_sample_rate_hz",
            self.wav_sample_rate_hz,
            8_000..=192_000,
            "a rate in Hz in [8000, 192000]",
        )?;
        in_range(
            "wav_block_ms",
            self.wav_block_ms,
            1..=100,
            "milliseconds in [1, 100]",
        )?;
        in_range(
            "rate_wpm",
            self.rate_wpm,
            80..=450,
            "words per minute in [80, 450]",
        )?;
        in_range("pitch", self.pitch, 0..=100, "a pitch in [0, 100]")?;
        in_range(
            "buffer_ms",
            self.buffer_ms,
            50..=10_000,
            "milliseconds in [50, 10000]",
        )?;
        if !(1..=100).contains(&self.max_queued_replies) {
            return Err(ParamError::Invalid {
                name: "max_queued_replies",
                value: self.max_queued_replies.to_string(),
                expected: "a reply count in [1, 100]",
            });
        }
        if self.voice.trim().is_empty() || self.voice.contains('\0') {
            return Err(ParamError::Invalid {
                name: "voice",
                value: format!("{:?}", self.voice),
                expected: "an eSpeak NG voice name such as en-us",
            });
        }
        Ok(self)
    }

    /// The output these parameters name, with the WAV sink in `wav_dir` (already resolved:
    /// see [`resolve_wav_dir`]).
    pub fn output_config(&self, wav_dir: PathBuf) -> crate::OutputConfig {
        crate::OutputConfig {
            kind: self.sink,
            device: self.device.clone(),
            wav_dir,
            wav_sample_rate_hz: self.wav_sample_rate_hz,
            wav_block: Duration::from_millis(u64::from(self.wav_block_ms)),
            buffer: Duration::from_millis(u64::from(self.buffer_ms)),
        }
    }

    /// The synthesis settings these parameters name.
    pub fn voice_settings(&self) -> crate::VoiceSettings {
        crate::VoiceSettings {
            voice: self.voice.clone(),
            rate_wpm: self.rate_wpm,
            pitch: self.pitch,
        }
    }
}

/// The WAV sink's directory: `wav_dir` if set, else `<cache>/speech_out` where `<cache>` is
/// `embodied_cache_dir` (`$EMBODIED_CACHE_DIR`) if set, else `home/.cache/embodied`. The
/// caller reads the environment.
pub fn resolve_wav_dir(
    wav_dir: &Path,
    embodied_cache_dir: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    if !wav_dir.as_os_str().is_empty() {
        return Some(wav_dir.to_path_buf());
    }
    let cache = embodied_cache_dir
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(|| home.map(|home| home.join(".cache").join("embodied")))?;
    Some(cache.join("speech_out"))
}

fn in_range(
    name: &'static str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
    expected: &'static str,
) -> Result<(), ParamError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ParamError::Invalid {
            name,
            value: value.to_string(),
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let params = Params::default().validate().unwrap();
        assert_eq!(params.sink, SinkKind::Auto);
        assert_eq!(params.voice_settings().rate_wpm, 175);
    }

    #[test]
    fn wav_dir_defaults_to_the_cache() {
        let resolve = |dir: &str, cache: Option<&str>, home: Option<&str>| {
            resolve_wav_dir(
                Path::new(dir),
                cache.map(PathBuf::from),
                home.map(PathBuf::from),
            )
        };
        assert_eq!(resolve("/x", Some("/c"), None), Some(PathBuf::from("/x")));
        assert_eq!(
            resolve("", Some("/c"), Some("/h")),
            Some(PathBuf::from("/c/speech_out"))
        );
        assert_eq!(
            resolve("", Some(""), Some("/h")),
            Some(PathBuf::from("/h/.cache/embodied/speech_out"))
        );
        assert_eq!(resolve("", None, None), None);
    }

    #[test]
    fn refuses_bad_values_naming_the_parameter() {
        let cases: [(Params, &str); 7] = [
            (
                Params {
                    wav_sample_rate_hz: 4000,
                    ..Params::default()
                },
                "parameter wav_sample_rate_hz = 4000: ",
            ),
            (
                Params {
                    wav_block_ms: 0,
                    ..Params::default()
                },
                "parameter wav_block_ms = 0: ",
            ),
            (
                Params {
                    rate_wpm: 1000,
                    ..Params::default()
                },
                "parameter rate_wpm = 1000: ",
            ),
            (
                Params {
                    pitch: 101,
                    ..Params::default()
                },
                "parameter pitch = 101: ",
            ),
            (
                Params {
                    buffer_ms: 10,
                    ..Params::default()
                },
                "parameter buffer_ms = 10: ",
            ),
            (
                Params {
                    max_queued_replies: 0,
                    ..Params::default()
                },
                "parameter max_queued_replies = 0: ",
            ),
            (
                Params {
                    voice: " ".into(),
                    ..Params::default()
                },
                "parameter voice = \" \": ",
            ),
        ];
        for (params, prefix) in cases {
            let error = params.validate().unwrap_err().to_string();
            assert!(error.starts_with(prefix), "{error}");
        }
    }
}
