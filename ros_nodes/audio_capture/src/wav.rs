//! WAV files: any integer PCM (8 to 32 bits) or 32-bit float, any rate and channel count,
//! read with hound and converted to 16 kHz mono with [`MonoConverter`]. One reader for the
//! node's file source, `embodied transcribe` and the simulator.
//!
//! ```no_run
//! # fn main() -> Result<(), audio_capture::wav::WavError> {
//! let samples = audio_capture::wav::read_mono_16k(std::path::Path::new("speech.wav"))?;
//! println!("{:.2} s", samples.len() as f64 / 16_000.0);
//! # Ok(()) }
//! ```

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::convert::{ConvertError, MonoConverter};

/// Source frames decoded per conversion step while streaming a file.
const READ_BLOCK_FRAMES: usize = 4096;

/// Why a WAV file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// The file could not be opened or read (missing, no permission, I/O failure).
    #[error("cannot read WAV file {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, so not chained again as a source).
        error: std::io::Error,
    },
    /// The file is not a well-formed WAV file (no RIFF/WAVE header, bad or missing chunks).
    #[error("{path} is not a valid WAV file: {reason}")]
    NotWav {
        /// The file.
        path: PathBuf,
        /// What hound found wrong.
        reason: String,
    },
    /// The file is a WAV file in a format this reader does not handle (compressed, 64-bit
    /// float, more than 32 bits, ...).
    #[error("{path}: unsupported WAV format: {format}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The format, as far as it was understood.
        format: String,
    },
    /// The data chunk ends before the number of samples its header announces.
    #[error(
        "{path} is truncated: its header announces {expected} samples, the file ends after {read}"
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Samples (all channels) the header announces.
        expected: u64,
        /// Samples actually present.
        read: u64,
    },
    /// The file holds no audio samples.
    #[error("{path} holds no audio samples")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The audio could not be converted to 16 kHz mono.
    #[error("{path}: {error}")]
    Convert {
        /// The file.
        path: PathBuf,
        /// The conversion failure.
        error: ConvertError,
    },
}

impl WavError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::NotWav { path, .. }
            | Self::Unsupported { path, .. }
            | Self::Truncated { path, .. }
            | Self::Empty { path }
            | Self::Convert { path, .. } => path,
        }
    }
}

/// The format of a WAV file as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavFormat {
    /// Frames per second.
    pub sample_rate: u32,
    /// Interleaved channels.
    pub channels: u16,
    /// Bits per sample.
    pub bits_per_sample: u16,
    /// Whether samples are IEEE floats (else signed integers; 8-bit files are unsigned on
    /// disk and centred by hound).
    pub float: bool,
}

/// A WAV file opened for streaming: its format and a reader of `f32` frames in [-1, 1].
pub struct WavReader {
    path: PathBuf,
    format: WavFormat,
    /// Samples (all channels) the header announces.
    total_samples: u64,
    samples_read: u64,
    inner: hound::WavReader<BufReader<File>>,
}

impl std::fmt::Debug for WavReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavReader")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("total_samples", &self.total_samples)
            .field("samples_read", &self.samples_read)
            .finish_non_exhaustive()
    }
}

impl WavReader {
    /// Opens `path` and checks its header.
    ///
    /// # Errors
    /// [`WavError::Io`], [`WavError::NotWav`], [`WavError::Unsupported`] or
    /// [`WavError::Empty`], each naming the file.
    pub fn open(path: &Path) -> Result<Self, WavError> {
        let io_error = |error| WavError::Io {
            path: path.to_path_buf(),
            error,
        };
        if std::fs::metadata(path).map_err(io_error)?.len() == 0 {
            return Err(WavError::Empty {
                path: path.to_path_buf(),
            });
        }
        let inner = hound::WavReader::open(path).map_err(|e| hound_error(path, e))?;
        let spec = inner.spec();
        let format = WavFormat {
            sample_rate: spec.sample_rate,
            channels: spec.channels,
            bits_per_sample: spec.bits_per_sample,
            float: spec.sample_format == hound::SampleFormat::Float,
        };
        let supported = if format.float {
            format.bits_per_sample == 32
        } else {
            (1..=32).contains(&format.bits_per_sample)
        };
        if !supported || format.sample_rate == 0 || format.channels == 0 {
            return Err(WavError::Unsupported {
                path: path.to_path_buf(),
                format: describe(&format),
            });
        }
        let total_samples = u64::from(inner.len());
        if total_samples < u64::from(format.channels) {
            return Err(WavError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            format,
            total_samples,
            samples_read: 0,
            inner,
        })
    }

    /// The file's format.
    pub fn format(&self) -> WavFormat {
        self.format
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whole frames the header announces.
    pub fn total_frames(&self) -> u64 {
        self.total_samples / u64::from(self.format.channels)
    }

    /// Reads up to `max_frames` interleaved frames as `f32` in [-1, 1] into `out` (cleared
    /// first); an empty `out` means the end of the file. A trailing partial frame is dropped.
    ///
    /// # Errors
    /// [`WavError::Truncated`] when the file ends before its header says, other read failures
    /// as [`WavError::Io`] or [`WavError::NotWav`].
    pub fn read_frames(&mut self, max_frames: usize, out: &mut Vec<f32>) -> Result<(), WavError> {
        out.clear();
        let channels = u64::from(self.format.channels);
        let whole_samples = self.total_samples - self.total_samples % channels;
        let want = (whole_samples - self.samples_read).min(max_frames as u64 * channels);
        let want = usize::try_from(want).unwrap_or(usize::MAX);
        out.reserve(want);
        let path = &self.path;
        let total_samples = self.total_samples;
        let start = self.samples_read;
        if self.format.float {
            let samples = self.inner.samples::<f32>();
            for (index, sample) in (0..want).zip(samples.chain(std::iter::repeat_with(|| {
                Err(hound::Error::IoError(
                    std::io::ErrorKind::UnexpectedEof.into(),
                ))
            }))) {
                out.push(checked(path, total_samples, start + index as u64, sample)?);
            }
        } else {
            // 2^(bits-1): full scale of a signed sample of that width.
            let scale = 1.0 / (1u64 << (self.format.bits_per_sample - 1)) as f32;
            let samples = self.inner.samples::<i32>();
            for (index, sample) in (0..want).zip(samples.chain(std::iter::repeat_with(|| {
                Err(hound::Error::IoError(
                    std::io::ErrorKind::UnexpectedEof.into(),
                ))
            }))) {
                out.push(
                    checked(path, total_samples, start + index as u64, sample)? as f32 * scale,
                );
            }
        }
        self.samples_read += want as u64;
        Ok(())
    }
}

/// A decoded sample, or the error naming the file; an early end of data is
/// [`WavError::Truncated`] with `read` samples present.
fn checked<S>(
    path: &Path,
    expected: u64,
    read: u64,
    sample: hound::Result<S>,
) -> Result<S, WavError> {
    match sample {
        Ok(sample) => Ok(sample),
        Err(hound::Error::IoError(e)) if is_short_read(&e) => Err(WavError::Truncated {
            path: path.to_path_buf(),
            expected,
            read,
        }),
        Err(e) => Err(hound_error(path, e)),
    }
}

/// Reads a whole WAV file (any integer PCM of 1 to 32 bits or 32-bit float, any rate and
/// channel count) as 16 kHz mono `f32` samples in [-1, 1]: channels averaged, rate converted
/// by [`MonoConverter`]. The result has [`crate::convert::output_len`] of the file's frames.
///
/// # Errors
/// A [`WavError`] naming the file: missing or unreadable, not a WAV file, unsupported format,
/// truncated, or empty.
pub fn read_mono_16k(path: &Path) -> Result<Vec<f32>, WavError> {
    let mut reader = WavReader::open(path)?;
    let format = reader.format();
    let convert_error = |error| WavError::Convert {
        path: path.to_path_buf(),
        error,
    };
    let mut converter =
        MonoConverter::new(format.sample_rate, format.channels).map_err(convert_error)?;
    let expected = crate::convert::output_len(reader.total_frames(), format.sample_rate);
    let mut mono = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    let mut block = Vec::new();
    loop {
        reader.read_frames(READ_BLOCK_FRAMES, &mut block)?;
        if block.is_empty() {
            break;
        }
        converter.push(&block, &mut mono).map_err(convert_error)?;
    }
    converter.finish(&mut mono).map_err(convert_error)?;
    Ok(mono)
}

/// Whether an I/O error from hound means the data ran out: hound reports a short read as
/// `Other` ("Failed to read enough bytes."), std readers as `UnexpectedEof`.
fn is_short_read(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::Other
    )
}

fn describe(format: &WavFormat) -> String {
    let kind = if format.float { "float" } else { "integer" };
    format!(
        "{}-bit {kind}, {} Hz, {} channels",
        format.bits_per_sample, format.sample_rate, format.channels
    )
}

fn hound_error(path: &Path, error: hound::Error) -> WavError {
    let path = path.to_path_buf();
    match error {
        hound::Error::IoError(e) if is_short_read(&e) => WavError::NotWav {
            path,
            reason: "the file ends inside its header".into(),
        },
        hound::Error::IoError(error) => WavError::Io { path, error },
        hound::Error::Unsupported => WavError::Unsupported {
            path,
            format: "an encoding other than integer PCM or 32-bit float".into(),
        },
        hound::Error::TooWide => WavError::Unsupported {
            path,
            format: "samples wider than 32 bits".into(),
        },
        other => WavError::NotWav {
            path,
            reason: other.to_string(),
        },
    }
}
