//! Conversion of interleaved audio at any rate and channel count to 16 kHz mono.
//!
//! Channels are averaged, then rubato's synchronous FFT resampler converts the rate. The
//! resampler works on fixed input blocks, so the output does not depend on how the input was
//! cut into pushes: streaming a file block by block gives the same samples, bit for bit, as
//! converting it in one call ([`crate::wav::read_mono_16k`] streams it the same way).

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

/// The rate of everything the node publishes, in samples per second.
pub const TARGET_RATE_HZ: u32 = 16_000;

/// Input frames per resampler call: a few tens of milliseconds at common device rates, short
/// enough for live capture, long enough for the FFT to be cheap. Rubato rounds it to a multiple of
/// the rate pair's minimum block.
const RESAMPLER_BLOCK_FRAMES: usize = 1024;

/// Why audio could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The source format cannot be converted (zero rate or zero channels).
    #[error("cannot convert audio of {sample_rate} Hz with {channels} channels: {reason}")]
    UnsupportedFormat {
        /// Source rate in Hz.
        sample_rate: u32,
        /// Source channel count.
        channels: u16,
        /// What is wrong with it.
        reason: String,
    },
    /// A push held a number of samples that is not a whole number of frames.
    #[error("{samples} interleaved samples are not whole frames of {channels} channels")]
    PartialFrame {
        /// Samples pushed.
        samples: usize,
        /// Channels per frame.
        channels: u16,
    },
    /// A buffer could not be wrapped for rubato (a bug in the buffer sizes, reported rather
    /// than hidden).
    #[error("resampling from {sample_rate} Hz: bad buffer: {reason}")]
    Buffer {
        /// Source rate in Hz.
        sample_rate: u32,
        /// What the adapter said.
        reason: String,
    },
    /// Rubato refused a block (a bug in the buffer sizes, reported rather than hidden).
    #[error("resampling from {sample_rate} Hz failed: {error}")]
    Resample {
        /// Source rate in Hz.
        sample_rate: u32,
        /// What rubato said.
        error: rubato::ResampleError,
    },
}

/// The number of 16 kHz samples that `frames` source frames at `source_rate_hz` become
/// (rounded up, as rubato's whole-clip conversion does).
pub fn output_len(frames: u64, source_rate_hz: u32) -> u64 {
    let rate = u64::from(source_rate_hz.max(1));
    (frames * u64::from(TARGET_RATE_HZ)).div_ceil(rate)
}

/// Streaming converter from interleaved `f32` audio at one rate and channel count to 16 kHz
/// mono, with the resampler's start-up delay trimmed so output sample `i` lines up with input
/// time `i / 16000` s.
pub struct MonoConverter {
    source_rate_hz: u32,
    channels: u16,
    frames_in: u64,
    frames_out: u64,
    resampler: Option<Box<FftState>>,
}

/// State of the FFT resampler; absent when the source already is 16 kHz.
struct FftState {
    resampler: Fft<f32>,
    /// Mono input not yet consumed by a resampler call.
    pending: Vec<f32>,
    /// One call's worth of output.
    block_out: Vec<f32>,
    /// Output frames still to drop at the start (the resampler's delay).
    delay_left: usize,
}

impl std::fmt::Debug for MonoConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonoConverter")
            .field("source_rate_hz", &self.source_rate_hz)
            .field("channels", &self.channels)
            .field("frames_in", &self.frames_in)
            .field("frames_out", &self.frames_out)
            .finish_non_exhaustive()
    }
}

impl MonoConverter {
    /// A converter for audio at `source_rate_hz` with `channels` interleaved channels.
    ///
    /// # Errors
    /// [`ConvertError::UnsupportedFormat`] for a zero rate or channel count, or a rate pair
    /// rubato cannot build a resampler for.
    pub fn new(source_rate_hz: u32, channels: u16) -> Result<Self, ConvertError> {
        let unsupported = |reason: String| ConvertError::UnsupportedFormat {
            sample_rate: source_rate_hz,
            channels,
            reason,
        };
        if source_rate_hz == 0 {
            return Err(unsupported("the sample rate is zero".into()));
        }
        if channels == 0 {
            return Err(unsupported("there are no channels".into()));
        }
        let resampler = if source_rate_hz == TARGET_RATE_HZ {
            None
        } else {
            let resampler = Fft::<f32>::new(
                source_rate_hz as usize,
                TARGET_RATE_HZ as usize,
                RESAMPLER_BLOCK_FRAMES,
                1,
                FixedSync::Both,
            )
            .map_err(|e| unsupported(e.to_string()))?;
            let delay_left = resampler.output_delay();
            let block_out = vec![0.0; resampler.output_frames_max()];
            Some(Box::new(FftState {
                pending: Vec::with_capacity(2 * resampler.input_frames_max()),
                resampler,
                block_out,
                delay_left,
            }))
        };
        Ok(Self {
            source_rate_hz,
            channels,
            frames_in: 0,
            frames_out: 0,
            resampler,
        })
    }

    /// Source rate in Hz.
    pub fn source_rate_hz(&self) -> u32 {
        self.source_rate_hz
    }

    /// Source channel count.
    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// Source frames pushed since creation or the last [`finish`](Self::finish).
    pub fn frames_in(&self) -> u64 {
        self.frames_in
    }

    /// Converts `interleaved` frames, appending every 16 kHz sample that is ready to `out`.
    /// Up to one resampler block of input stays buffered until more arrives or
    /// [`finish`](Self::finish).
    ///
    /// # Errors
    /// [`ConvertError::PartialFrame`] if `interleaved` is not whole frames (nothing is
    /// consumed then); [`ConvertError::Resample`] if rubato refuses a block.
    pub fn push(&mut self, interleaved: &[f32], out: &mut Vec<f32>) -> Result<(), ConvertError> {
        let channels = usize::from(self.channels);
        if !interleaved.len().is_multiple_of(channels) {
            return Err(ConvertError::PartialFrame {
                samples: interleaved.len(),
                channels: self.channels,
            });
        }
        let frames = interleaved.len() / channels;
        self.frames_in += frames as u64;
        let mono = interleaved.chunks_exact(channels).map(|frame| {
            // Averaging keeps a full-scale signal on one channel within [-1, 1].
            frame.iter().sum::<f32>() / f32::from(self.channels)
        });
        match self.resampler.as_deref_mut() {
            None => {
                out.extend(mono);
                self.frames_out += frames as u64;
            }
            Some(state) => {
                state.pending.extend(mono);
                self.frames_out += state.drain_full_blocks(self.source_rate_hz, out)?;
            }
        }
        Ok(())
    }

    /// Converts what is still buffered (the resampler's tail included) so that the output
    /// since creation or the last `finish` totals [`output_len`] of the frames pushed, then
    /// resets for a new, unrelated segment of audio in the same format.
    ///
    /// # Errors
    /// [`ConvertError::Resample`] if rubato refuses a block.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), ConvertError> {
        let expected = output_len(self.frames_in, self.source_rate_hz);
        if let Some(state) = self.resampler.as_deref_mut() {
            let start = out.len();
            let mut produced = 0u64;
            while self.frames_out + produced < expected {
                produced += state.process_tail(self.source_rate_hz, out)?;
            }
            // The last block may run past the end of the input: keep exactly `expected`.
            let keep =
                usize::try_from(expected.saturating_sub(self.frames_out)).unwrap_or(usize::MAX);
            out.truncate(start + keep.min(out.len() - start));
            state.reset();
        }
        self.frames_in = 0;
        self.frames_out = 0;
        Ok(())
    }
}

impl FftState {
    /// Runs the resampler over every full input block buffered; returns frames appended.
    fn drain_full_blocks(
        &mut self,
        sample_rate: u32,
        out: &mut Vec<f32>,
    ) -> Result<u64, ConvertError> {
        let mut appended = 0u64;
        let mut consumed = 0usize;
        // Taken out of `self` for the loop so blocks can borrow it while the resampler runs.
        let mut pending = std::mem::take(&mut self.pending);
        let result = loop {
            let needed = self.resampler.input_frames_next();
            if pending.len() - consumed < needed {
                break Ok(appended);
            }
            let block = &pending[consumed..consumed + needed];
            match self.process_block(sample_rate, block, None, out) {
                Ok(frames) => appended += frames,
                Err(e) => break Err(e),
            }
            consumed += needed;
        };
        pending.drain(..consumed);
        self.pending = pending;
        result
    }

    /// One resampler call on what is pending (less than a block, possibly nothing: then it is
    /// pure silence that flushes the filter), the missing input treated as silence.
    fn process_tail(&mut self, sample_rate: u32, out: &mut Vec<f32>) -> Result<u64, ConvertError> {
        let needed = self.resampler.input_frames_next();
        let mut block = std::mem::take(&mut self.pending);
        let available = block.len().min(needed);
        block.resize(needed, 0.0);
        let appended = self.process_block(
            sample_rate,
            &block,
            Some(Indexing::new().partial_len(available)),
            out,
        )?;
        // `drain_full_blocks` leaves less than a block pending, so all real input is consumed.
        block.clear();
        self.pending = block;
        Ok(appended)
    }

    fn process_block(
        &mut self,
        sample_rate: u32,
        block: &[f32],
        indexing: Option<Indexing>,
        out: &mut Vec<f32>,
    ) -> Result<u64, ConvertError> {
        let resample_error = |error| ConvertError::Resample { sample_rate, error };
        let buffer_error = |reason: String| ConvertError::Buffer {
            sample_rate,
            reason,
        };
        let input = InterleavedSlice::new(block, 1, block.len())
            .map_err(|e| buffer_error(e.to_string()))?;
        let capacity = self.block_out.len();
        let mut output = InterleavedSlice::new_mut(&mut self.block_out, 1, capacity)
            .map_err(|e| buffer_error(e.to_string()))?;
        let (_, written) = self
            .resampler
            .process_into_buffer(&input, &mut output, indexing.as_ref())
            .map_err(resample_error)?;
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        out.extend_from_slice(&self.block_out[skip..written]);
        Ok((written - skip) as u64)
    }

    fn reset(&mut self) {
        self.resampler.reset();
        self.pending.clear();
        self.delay_left = self.resampler.output_delay();
    }
}
