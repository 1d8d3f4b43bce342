//! The node's parameters (`config/audio_capture.yaml` documents the defaults).

use std::path::PathBuf;

use crate::convert::TARGET_RATE_HZ;

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

/// Where the audio comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A microphone, through cpal.
    #[default]
    Device,
    /// WAV files played in order (tests, simulator, replays).
    Wav,
}

/// Audio capture tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// `device` (a microphone) or `wav` (the files of `wav_files`).
    pub source: Source,
    /// Input device: a case-insensitive substring of its name (`embodied audio devices` lists
    /// them); empty for the system's default input.
    pub device: String,
    /// WAV files to play with `source: wav`, in order (integer PCM 8 to 32 bits or 32-bit
    /// float, any rate and channel count).
    pub wav_files: Vec<PathBuf>,
    /// Seconds of silence published between two WAV files (and between loops), in [0, 3600].
    pub gap_s: f64,
    /// With `source: wav`: publish at the audio's own pace (true) or as fast as the
    /// subscribers take it (false).
    pub realtime: bool,
    /// With `source: wav`: start again from the first file after the last.
    #[serde(rename = "loop")]
    pub repeat: bool,
    /// Seconds to wait before the first chunk, in [0, 3600] (lets subscribers connect).
    pub start_delay_s: f64,
    /// Milliseconds of audio per AudioChunk, in [5, 1000] (20 ms = 320 samples at 16 kHz).
    pub chunk_ms: u32,
    /// Captured blocks the microphone queue holds before new audio is dropped (a gap in
    /// `sequence`), in [2, 10000].
    pub capture_queue_blocks: usize,
    /// `header.frame_id` of the chunks: the microphone's frame.
    pub frame_id: String,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            source: Source::Device,
            device: String::new(),
            wav_files: Vec::new(),
            gap_s: 1.0,
            realtime: true,
            repeat: false,
            start_delay_s: 0.0,
            chunk_ms: 20,
            capture_queue_blocks: 200,
            frame_id: "microphone".into(),
        }
    }
}

impl Params {
    /// Checks ranges and cross-field rules, naming the parameter.
    ///
    /// # Errors
    /// [`ParamError::Invalid`].
    pub fn validate(self) -> Result<Self, ParamError> {
        seconds_in_range("gap_s", self.gap_s)?;
        seconds_in_range("start_delay_s", self.start_delay_s)?;
        if !(5..=1000).contains(&self.chunk_ms) {
            return Err(ParamError::Invalid {
                name: "chunk_ms",
                value: self.chunk_ms.to_string(),
                expected: "milliseconds in [5, 1000]",
            });
        }
        if !(2..=10_000).contains(&self.capture_queue_blocks) {
            return Err(ParamError::Invalid {
                name: "capture_queue_blocks",
                value: self.capture_queue_blocks.to_string(),
                expected: "a block count in [2, 10000]",
            });
        }
        if self.source == Source::Wav && self.wav_files.is_empty() {
            return Err(ParamError::Invalid {
                name: "wav_files",
                value: "[]".into(),
                expected: "at least one WAV file when source is wav",
            });
        }
        Ok(self)
    }

    /// Samples per chunk at 16 kHz.
    pub fn chunk_samples(&self) -> usize {
        (TARGET_RATE_HZ as usize / 1000) * self.chunk_ms as usize
    }
}

fn seconds_in_range(name: &'static str, value: f64) -> Result<(), ParamError> {
    if value.is_finite() && (0.0..=3600.0).contains(&value) {
        Ok(())
    } else {
        Err(ParamError::Invalid {
            name,
            value: value.to_string(),
            expected: "seconds in [0, 3600]",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_give_320_samples() {
        let params = Params::default().validate().unwrap();
        assert_eq!(params.chunk_samples(), 320);
    }

    #[test]
    fn refuses_bad_values_naming_the_parameter() {
        let cases: [(Params, &str); 5] = [
            (
                Params {
                    chunk_ms: 2,
                    ..Params::default()
                },
                "parameter chunk_ms = 2: ",
            ),
            (
                Params {
                    gap_s: f64::NAN,
                    ..Params::default()
                },
                "parameter gap_s = NaN: ",
            ),
            (
                Params {
                    start_delay_s: -1.0,
                    ..Params::default()
                },
                "parameter start_delay_s = -1: ",
            ),
            (
                Params {
                    capture_queue_blocks: 1,
                    ..Params::default()
                },
                "parameter capture_queue_blocks = 1: ",
            ),
            (
                Params {
                    source: Source::Wav,
                    ..Params::default()
                },
                "parameter wav_files = []: ",
            ),
        ];
        for (params, prefix) in cases {
            let error = params.validate().unwrap_err().to_string();
            assert!(error.starts_with(prefix), "{error}");
        }
    }
}
