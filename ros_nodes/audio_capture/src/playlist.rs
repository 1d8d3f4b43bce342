//! The WAV file source: files played in order as [`Input`]s, with silence between them and
//! an optional loop. Pacing is the shell's job; this only decides what comes next.

use std::path::PathBuf;

use crate::convert::TARGET_RATE_HZ;
use crate::logic::Input;
use crate::wav::{WavError, WavReader};

/// Source frames per [`Input::Frames`] block: 20 ms at 48 kHz, small enough to keep a paced
/// stream smooth, large enough to be cheap.
const BLOCK_FRAMES: usize = 960;

/// Plays a list of WAV files as a stream of [`Input`]s.
#[derive(Debug)]
pub struct Playlist {
    files: Vec<PathBuf>,
    gap_samples: u64,
    repeat: bool,
    next_file: usize,
    current: Option<WavReader>,
    frames_read: u64,
    /// A gap is due before the next file.
    gap_due: bool,
    finished: bool,
}

impl Playlist {
    /// Opens every file once to check it, so a bad file is reported at start-up.
    ///
    /// # Errors
    /// The first file's [`WavError`] that cannot be read (it names the file).
    pub fn new(files: Vec<PathBuf>, gap_s: f64, repeat: bool) -> Result<Self, WavError> {
        for file in &files {
            WavReader::open(file)?;
        }
        Ok(Self {
            files,
            gap_samples: (gap_s * f64::from(TARGET_RATE_HZ)).round() as u64,
            repeat,
            next_file: 0,
            current: None,
            frames_read: 0,
            gap_due: false,
            finished: false,
        })
    }

    /// The next input, or `None` after [`Input::EndOfStream`]. A looping playlist never ends.
    ///
    /// # Errors
    /// [`WavError`] if a file became unreadable since start-up.
    pub fn next_input(&mut self) -> Result<Option<Input>, WavError> {
        if self.finished {
            return Ok(None);
        }
        if let Some(reader) = self.current.as_mut() {
            let mut samples = Vec::new();
            reader.read_frames(BLOCK_FRAMES, &mut samples)?;
            if samples.is_empty() {
                self.current = None;
                self.gap_due = true;
                return Ok(Some(Input::EndOfSegment));
            }
            let format = reader.format();
            let first_frame = self.frames_read;
            self.frames_read += (samples.len() / usize::from(format.channels)) as u64;
            return Ok(Some(Input::Frames {
                sample_rate: format.sample_rate,
                channels: format.channels,
                first_frame,
                samples,
                captured_at: None,
            }));
        }
        if self.next_file == self.files.len() {
            if self.repeat && !self.files.is_empty() {
                self.next_file = 0;
            } else {
                self.finished = true;
                return Ok(Some(Input::EndOfStream));
            }
        }
        if self.gap_due {
            self.gap_due = false;
            if self.gap_samples > 0 {
                return Ok(Some(Input::Silence {
                    samples: self.gap_samples,
                }));
            }
        }
        let path = &self.files[self.next_file];
        self.next_file += 1;
        self.current = Some(WavReader::open(path)?);
        self.frames_read = 0;
        self.next_input()
    }
}
