//! Streaming conversion of the synthesiser's 16-bit mono audio to `f32` at the sink's rate.
//!
//! rubato's synchronous FFT resampler on fixed input blocks (as `audio_capture::convert`
//! does for its fixed 16 kHz target), with its start-up delay trimmed so output sample `i`
//! lines up with input time `i / rate`. [`RateConverter::reset`] drops everything buffered:
//! part of the barge-in flush.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

/// Input frames per resampler call: about 20 ms at 22.05 kHz, so the first audio of a
/// sentence reaches the sink quickly. Rubato rounds it to the rate pair's minimum block.
const BLOCK_FRAMES: usize = 441;

/// Why audio could not be resampled.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    /// rubato cannot convert between these rates.
    #[error("cannot resample from {from_hz} Hz to {to_hz} Hz: {reason}")]
    Unsupported {
        /// Source rate.
        from_hz: u32,
        /// Target rate.
        to_hz: u32,
        /// What rubato said.
        reason: String,
    },
    /// rubato refused a block (a bug in the buffer sizes, reported rather than hidden).
    #[error("resampling from {from_hz} Hz to {to_hz} Hz failed: {reason}")]
    Process {
        /// Source rate.
        from_hz: u32,
        /// Target rate.
        to_hz: u32,
        /// What rubato said.
        reason: String,
    },
}

/// Converts 16-bit mono audio at one rate to `f32` in [-1, 1] at another, block by block.
pub struct RateConverter {
    from_hz: u32,
    to_hz: u32,
    frames_in: u64,
    frames_out: u64,
    fft: Option<Box<FftState>>,
}

struct FftState {
    resampler: Fft<f32>,
    pending: Vec<f32>,
    block_out: Vec<f32>,
    delay_left: usize,
}

impl std::fmt::Debug for RateConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateConverter")
            .field("from_hz", &self.from_hz)
            .field("to_hz", &self.to_hz)
            .field("frames_in", &self.frames_in)
            .finish_non_exhaustive()
    }
}

impl RateConverter {
    /// A converter from `from_hz` to `to_hz` (a plain format conversion when they are equal).
    ///
    /// # Errors
    /// [`ResampleError::Unsupported`] for a zero rate or a pair rubato cannot handle.
    pub fn new(from_hz: u32, to_hz: u32) -> Result<Self, ResampleError> {
        let unsupported = |reason: String| ResampleError::Unsupported {
            from_hz,
            to_hz,
            reason,
        };
        if from_hz == 0 || to_hz == 0 {
            return Err(unsupported("a rate is zero".into()));
        }
        let fft = if from_hz == to_hz {
            None
        } else {
            let resampler = Fft::<f32>::new(
                from_hz as usize,
                to_hz as usize,
                BLOCK_FRAMES,
                1,
                FixedSync::Both,
            )
            .map_err(|e| unsupported(e.to_string()))?;
            Some(Box::new(FftState {
                pending: Vec::with_capacity(2 * resampler.input_frames_max()),
                block_out: vec![0.0; resampler.output_frames_max()],
                delay_left: resampler.output_delay(),
                resampler,
            }))
        };
        Ok(Self {
            from_hz,
            to_hz,
            frames_in: 0,
            frames_out: 0,
            fft,
        })
    }

    /// Target rate in Hz.
    pub fn to_hz(&self) -> u32 {
        self.to_hz
    }

    /// Converts `samples`, appending what is ready to `out`; up to one block stays buffered
    /// until more comes or [`finish`](Self::finish).
    ///
    /// # Errors
    /// [`ResampleError::Process`] if rubato refuses a block.
    pub fn push(&mut self, samples: &[i16], out: &mut Vec<f32>) -> Result<(), ResampleError> {
        self.frames_in += samples.len() as u64;
        let as_f32 = samples.iter().map(|&s| f32::from(s) / 32_768.0);
        match self.fft.as_deref_mut() {
            None => {
                out.extend(as_f32);
                self.frames_out += samples.len() as u64;
            }
            Some(state) => {
                state.pending.extend(as_f32);
                self.frames_out += state.drain_full_blocks(self.from_hz, self.to_hz, out)?;
            }
        }
        Ok(())
    }

    /// Converts what is buffered (the filter's tail included) so the output totals the
    /// input's duration, then resets for unrelated audio.
    ///
    /// # Errors
    /// [`ResampleError::Process`] if rubato refuses a block.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), ResampleError> {
        let expected = (self.frames_in * u64::from(self.to_hz)).div_ceil(u64::from(self.from_hz));
        if let Some(state) = self.fft.as_deref_mut() {
            let start = out.len();
            let mut produced = 0u64;
            while self.frames_out + produced < expected {
                produced += state.process_tail(self.from_hz, self.to_hz, out)?;
            }
            let keep =
                usize::try_from(expected.saturating_sub(self.frames_out)).unwrap_or(usize::MAX);
            out.truncate(start + keep.min(out.len() - start));
        }
        self.reset();
        Ok(())
    }

    /// Drops everything buffered, as if new.
    pub fn reset(&mut self) {
        if let Some(state) = self.fft.as_deref_mut() {
            state.resampler.reset();
            state.pending.clear();
            state.delay_left = state.resampler.output_delay();
        }
        self.frames_in = 0;
        self.frames_out = 0;
    }
}

impl FftState {
    fn drain_full_blocks(
        &mut self,
        from_hz: u32,
        to_hz: u32,
        out: &mut Vec<f32>,
    ) -> Result<u64, ResampleError> {
        let mut appended = 0u64;
        let mut consumed = 0usize;
        let pending = std::mem::take(&mut self.pending);
        let result = loop {
            let needed = self.resampler.input_frames_next();
            if pending.len() - consumed < needed {
                break Ok(appended);
            }
            match self.process_block(
                from_hz,
                to_hz,
                &pending[consumed..consumed + needed],
                None,
                out,
            ) {
                Ok(frames) => appended += frames,
                Err(e) => break Err(e),
            }
            consumed += needed;
        };
        self.pending = pending;
        self.pending.drain(..consumed);
        result
    }

    /// One call on what is pending, padded with silence.
    fn process_tail(
        &mut self,
        from_hz: u32,
        to_hz: u32,
        out: &mut Vec<f32>,
    ) -> Result<u64, ResampleError> {
        let needed = self.resampler.input_frames_next();
        let mut block = std::mem::take(&mut self.pending);
        let available = block.len().min(needed);
        block.resize(needed, 0.0);
        let indexing = Indexing::new().partial_len(available);
        let appended = self.process_block(from_hz, to_hz, &block, Some(indexing), out)?;
        block.clear();
        self.pending = block;
        Ok(appended)
    }

    fn process_block(
        &mut self,
        from_hz: u32,
        to_hz: u32,
        block: &[f32],
        indexing: Option<Indexing>,
        out: &mut Vec<f32>,
    ) -> Result<u64, ResampleError> {
        let failed = |reason: String| ResampleError::Process {
            from_hz,
            to_hz,
            reason,
        };
        let input =
            InterleavedSlice::new(block, 1, block.len()).map_err(|e| failed(e.to_string()))?;
        let capacity = self.block_out.len();
        let mut output = InterleavedSlice::new_mut(&mut self.block_out, 1, capacity)
            .map_err(|e| failed(e.to_string()))?;
        let (_, written) = self
            .resampler
            .process_into_buffer(&input, &mut output, indexing.as_ref())
            .map_err(|e| failed(e.to_string()))?;
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        out.extend_from_slice(&self.block_out[skip..written]);
        Ok((written - skip) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f64, frames: usize) -> Vec<i16> {
        (0..frames)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                (16_000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn streamed_output_has_the_input_duration_and_keeps_a_tone() {
        for to_hz in [16_000, 44_100, 48_000] {
            let input = tone(22_050, 440.0, 22_050);
            let mut converter = RateConverter::new(22_050, to_hz).unwrap();
            let mut out = Vec::new();
            // Odd pieces, as eSpeak's callback hands them over.
            for piece in input.chunks(1081) {
                converter.push(piece, &mut out).unwrap();
            }
            converter.finish(&mut out).unwrap();
            assert_eq!(out.len(), to_hz as usize, "{to_hz}");
            // A 440 Hz sine keeps its level (16000 / 32768 peak, rms = peak / sqrt 2).
            let middle = &out[out.len() / 4..3 * out.len() / 4];
            let rms = (middle.iter().map(|s| s * s).sum::<f32>() / middle.len() as f32).sqrt();
            assert!((rms - 0.345).abs() < 0.02, "{to_hz}: rms {rms}");
        }
    }

    #[test]
    fn reset_drops_buffered_audio_and_equal_rates_pass_through() {
        let mut converter = RateConverter::new(22_050, 48_000).unwrap();
        let mut out = Vec::new();
        converter.push(&tone(22_050, 440.0, 300), &mut out).unwrap();
        converter.reset();
        converter.finish(&mut out).unwrap();
        // Nothing buffered survives a reset: finish has nothing to emit.
        assert!(out.is_empty(), "{}", out.len());
        let mut same = RateConverter::new(22_050, 22_050).unwrap();
        same.push(&[16_384, -32_768], &mut out).unwrap();
        assert_eq!(out, vec![0.5, -1.0]);
    }
}
