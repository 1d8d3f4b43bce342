//! Turns captured or decoded audio into AudioChunk messages: conversion to 16 kHz mono, exact
//! fixed-size chunking, sequence numbers and stamps, and gap accounting. Synchronous and
//! deterministic: time and the stream id come in as arguments.

use embodied_msgs::builtin_interfaces::msg::{Duration, Time};
use embodied_msgs::msg::AudioChunk;
use embodied_msgs::std_msgs::msg::Header;

use crate::convert::{ConvertError, MonoConverter, TARGET_RATE_HZ, output_len};
use crate::params::Params;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Silence is appended in pieces of this many samples, so a long gap allocates nothing big.
const SILENCE_PIECE: usize = 1024;

/// What the logic is fed.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Interleaved frames in the source's own format, as `f32` in [-1, 1].
    Frames {
        /// Source rate in Hz.
        sample_rate: u32,
        /// Source channels.
        channels: u16,
        /// Index of the first frame within the current segment (a microphone stream or one
        /// file), counting frames that were dropped: a jump ahead means lost audio.
        first_frame: u64,
        /// The samples.
        samples: Vec<f32>,
        /// Node time at which the first frame was captured; `None` when it is not known (a
        /// file): the time of the first input then anchors the stream.
        captured_at: Option<Time>,
    },
    /// Samples of silence at 16 kHz (the gap between two files).
    Silence {
        /// Number of 16 kHz samples.
        samples: u64,
    },
    /// The current segment (a file) is complete: flush the resampler's tail. The next frames
    /// start a new segment at frame 0.
    EndOfSegment,
    /// No more audio: flush everything and publish the last chunk, padded with silence.
    EndOfStream,
}

/// What the logic produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A chunk to publish.
    Chunk(AudioChunk),
    /// Source frames were lost before conversion; `chunks_lost` sequence numbers are skipped.
    Dropped {
        /// Source frames lost.
        frames: u64,
        /// Sequence numbers that will never be published.
        chunks_lost: u64,
    },
}

/// Why input could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum LogicError {
    /// The audio could not be converted.
    #[error(transparent)]
    Convert(#[from] ConvertError),
}

/// The capture pipeline of one stream (from start to stop of capture).
#[derive(Debug)]
pub struct Logic {
    chunk_samples: usize,
    frame_id: String,
    stream_id: u32,
    converter: Option<MonoConverter>,
    /// Whether the next frames start a new segment (at start and after `EndOfSegment`).
    segment_open: bool,
    /// 16 kHz index at which frame 0 of the current converter run lands.
    segment_origin: u64,
    /// Source frame index that frame 0 of the current converter run had.
    segment_first_frame: u64,
    /// 16 kHz index of the next sample that arrives from the converter or as silence.
    position: u64,
    /// Samples still to discard to return to a chunk boundary after a gap.
    skip: u64,
    /// Samples of the chunk being filled; it starts at a multiple of `chunk_samples`.
    pending: Vec<f32>,
    /// Node time of 16 kHz sample 0, in nanoseconds.
    anchor_nanos: Option<i64>,
    converted: Vec<f32>,
}

impl Logic {
    /// A pipeline publishing chunks of `params.chunk_ms` under `stream_id` (random per start).
    pub fn new(params: &Params, stream_id: u32) -> Self {
        let chunk_samples = params.chunk_samples();
        Self {
            chunk_samples,
            frame_id: params.frame_id.clone(),
            stream_id,
            converter: None,
            segment_open: true,
            segment_origin: 0,
            segment_first_frame: 0,
            position: 0,
            skip: 0,
            pending: Vec::with_capacity(chunk_samples),
            anchor_nanos: None,
            converted: Vec::new(),
        }
    }

    /// The stream id the chunks carry.
    pub fn stream_id(&self) -> u32 {
        self.stream_id
    }

    /// Sequence number of the next chunk to be completed.
    pub fn next_sequence(&self) -> u64 {
        (self.position + self.skip) / self.chunk_samples as u64
    }

    /// Processes one input; `now` anchors the stream's stamps when the input carries no
    /// capture time and none was set before.
    ///
    /// # Errors
    /// [`LogicError::Convert`] if the audio cannot be converted (a zero rate, say).
    pub fn handle(&mut self, now: &Time, input: Input) -> Result<Vec<Output>, LogicError> {
        let mut outputs = Vec::new();
        match input {
            Input::Frames {
                sample_rate,
                channels,
                first_frame,
                samples,
                captured_at,
            } => self.frames(
                now,
                Frames {
                    sample_rate,
                    channels,
                    first_frame,
                    samples: &samples,
                    captured_at,
                },
                &mut outputs,
            )?,
            Input::Silence { samples } => {
                self.anchor_if_unset(now, self.position);
                let zeros = [0.0; SILENCE_PIECE];
                let mut left = samples;
                while left > 0 {
                    let piece = left.min(SILENCE_PIECE as u64) as usize;
                    self.append(&zeros[..piece], &mut outputs);
                    left -= piece as u64;
                }
            }
            Input::EndOfSegment => {
                self.flush_converter(&mut outputs)?;
                self.segment_open = true;
            }
            Input::EndOfStream => {
                self.flush_converter(&mut outputs)?;
                self.segment_open = true;
                if !self.pending.is_empty() {
                    let padding = vec![0.0; self.chunk_samples - self.pending.len()];
                    self.append(&padding, &mut outputs);
                }
            }
        }
        Ok(outputs)
    }

    fn frames(
        &mut self,
        now: &Time,
        frames: Frames<'_>,
        outputs: &mut Vec<Output>,
    ) -> Result<(), LogicError> {
        let Frames {
            sample_rate,
            channels,
            first_frame,
            samples,
            captured_at,
        } = frames;
        let format_changed = self
            .converter
            .as_ref()
            .is_some_and(|c| c.source_rate_hz() != sample_rate || c.channels() != channels);
        if format_changed {
            // A new format is a new segment even without an explicit end.
            self.flush_converter(outputs)?;
            self.converter = None;
            self.segment_open = true;
        }
        if self.converter.is_none() {
            self.converter = Some(MonoConverter::new(sample_rate, channels)?);
        }
        if self.segment_open {
            self.segment_open = false;
            self.segment_origin = self.position + self.skip;
            self.segment_first_frame = first_frame;
        }
        let expected_frame =
            self.segment_first_frame + self.converter.as_ref().map_or(0, MonoConverter::frames_in);
        let mut samples = samples;
        if first_frame > expected_frame {
            self.flush_converter(outputs)?;
            let lost_frames = first_frame - expected_frame;
            let resume_at = self.segment_origin
                + output_len(first_frame - self.segment_first_frame, sample_rate);
            let chunks_lost = self.seek(resume_at);
            self.segment_origin = resume_at;
            self.segment_first_frame = first_frame;
            outputs.push(Output::Dropped {
                frames: lost_frames,
                chunks_lost,
            });
        } else if first_frame < expected_frame {
            // Frames already seen (a source restarting its count): keep only the new ones.
            let repeated = usize::try_from(expected_frame - first_frame).unwrap_or(usize::MAX);
            let skip = repeated
                .saturating_mul(usize::from(channels))
                .min(samples.len());
            samples = &samples[skip..];
        }
        let frame_position = self.segment_origin
            + output_len(
                expected_frame.max(first_frame) - self.segment_first_frame,
                sample_rate,
            );
        if let Some(captured_at) = captured_at {
            self.anchor_if_unset(&captured_at, frame_position);
        } else {
            self.anchor_if_unset(now, frame_position);
        }
        let mut converted = std::mem::take(&mut self.converted);
        converted.clear();
        if let Some(converter) = self.converter.as_mut() {
            converter.push(samples, &mut converted)?;
        }
        self.append(&converted, outputs);
        self.converted = converted;
        Ok(())
    }

    fn anchor_if_unset(&mut self, time: &Time, at_position: u64) {
        if self.anchor_nanos.is_none() {
            self.anchor_nanos = Some(time.as_nanos() - samples_to_nanos(at_position));
        }
    }

    fn flush_converter(&mut self, outputs: &mut Vec<Output>) -> Result<(), LogicError> {
        if let Some(converter) = self.converter.as_mut() {
            let mut tail = Vec::new();
            converter.finish(&mut tail)?;
            self.append(&tail, outputs);
        }
        Ok(())
    }

    /// Jumps to 16 kHz index `resume_at` after lost audio: the partial chunk is discarded and
    /// samples up to the next chunk boundary are skipped. Returns the sequence numbers lost.
    fn seek(&mut self, resume_at: u64) -> u64 {
        let sequence_before = self.next_sequence();
        let chunk = self.chunk_samples as u64;
        self.pending.clear();
        self.position = resume_at;
        self.skip = (chunk - resume_at % chunk) % chunk;
        self.next_sequence() - sequence_before
    }

    fn append(&mut self, samples: &[f32], outputs: &mut Vec<Output>) {
        let mut samples = samples;
        let skipped = usize::try_from(self.skip)
            .unwrap_or(usize::MAX)
            .min(samples.len());
        self.skip -= skipped as u64;
        self.position += skipped as u64;
        samples = &samples[skipped..];
        while !samples.is_empty() {
            let take = (self.chunk_samples - self.pending.len()).min(samples.len());
            self.pending.extend_from_slice(&samples[..take]);
            self.position += take as u64;
            samples = &samples[take..];
            if self.pending.len() == self.chunk_samples {
                outputs.push(Output::Chunk(self.chunk_message()));
                self.pending.clear();
            }
        }
    }

    fn chunk_message(&self) -> AudioChunk {
        let start = self.position - self.chunk_samples as u64;
        let stamp_nanos = self.anchor_nanos.unwrap_or(0) + samples_to_nanos(start);
        let mut data = Vec::with_capacity(self.pending.len() * 2);
        for sample in &self.pending {
            data.extend_from_slice(&to_i16(*sample).to_le_bytes());
        }
        AudioChunk {
            header: Header {
                stamp: Time::from_nanos(stamp_nanos),
                frame_id: self.frame_id.clone(),
            },
            stream_id: self.stream_id,
            sequence: start / self.chunk_samples as u64,
            sample_rate: TARGET_RATE_HZ,
            channels: 1,
            encoding: AudioChunk::ENCODING_PCM_S16LE,
            duration: Duration::from_nanos(samples_to_nanos(self.chunk_samples as u64)),
            data,
        }
    }
}

/// Borrowed fields of [`Input::Frames`].
struct Frames<'a> {
    sample_rate: u32,
    channels: u16,
    first_frame: u64,
    samples: &'a [f32],
    captured_at: Option<Time>,
}

/// Nanoseconds spanned by `samples` at 16 kHz.
pub fn samples_to_nanos(samples: u64) -> i64 {
    let nanos = u128::from(samples) * NANOS_PER_SEC as u128 / u128::from(TARGET_RATE_HZ);
    i64::try_from(nanos).unwrap_or(i64::MAX)
}

/// `f32` in [-1, 1] to a signed 16-bit sample, clipping outside.
pub fn to_i16(sample: f32) -> i16 {
    (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16
}

/// Decodes the data of a PCM_S16LE chunk back to `f32` (for tests and consumers).
pub fn decode_s16le(data: &[u8]) -> Vec<f32> {
    data.chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / f32::from(i16::MAX))
        .collect()
}
