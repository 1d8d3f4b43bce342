//! The node's logic, free of I/O: audio chunks and the speaking state in; speech activity
//! events, recognition requests and transcripts out. Recognition itself runs elsewhere (a
//! worker thread) and comes back as [`Input::Recognised`].

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use embodied_msgs::builtin_interfaces::msg::{Duration as RosDuration, Time};
use embodied_msgs::msg::{AudioChunk, SpeakingState, SpeechActivity, Transcript};
use embodied_msgs::std_msgs::msg::Header;
use tracing::{debug, info, warn};

use crate::endpoint::{EndpointEvent, Endpointer, Utterance};
use crate::params::Params;
use crate::recognise::{Recognition, Verdict};
use crate::vad::{FrameClassifier, SAMPLE_RATE};

/// Something that happened to the node.
#[derive(Debug)]
pub enum Input {
    /// A chunk from `/audio/chunk`.
    Audio(AudioChunk),
    /// The robot's speaking state from `/speech/speaking`.
    Speaking(SpeakingState),
    /// The worker finished recognising an utterance (`Err`: whisper failed, with the reason).
    Recognised {
        /// The utterance.
        utterance_id: String,
        /// What recognition made of it.
        result: Result<Recognition, String>,
    },
}

/// An utterance to recognise.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognitionRequest {
    /// Id shared by the activity events and the transcript.
    pub utterance_id: String,
    /// The audio and its bounds.
    pub utterance: Utterance,
}

/// What the node must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Publish on `/speech/activity`.
    Activity(SpeechActivity),
    /// Hand to the recognition worker.
    Recognise(RecognitionRequest),
    /// Publish on `/speech/transcript`.
    Transcript(Transcript),
}

/// Where a chunk's samples sit in the stream, to turn sample indices into stamps and sequences.
#[derive(Debug, Clone, Copy)]
struct ChunkMark {
    first_sample: u64,
    stamp_nanos: i64,
    sequence: u64,
}

/// What the logic remembers of an utterance under recognition.
#[derive(Debug, Clone)]
struct Pending {
    speech_start: Time,
    audio_duration: Duration,
    endpoint_delay: RosDuration,
    start_sequence: u64,
    end_sequence: u64,
    speech_duration: RosDuration,
    level_dbfs: f32,
    probability: f32,
    robot_speaking: bool,
}

/// Chunk marks kept: a little over the longest utterance with pre-roll at 10 ms chunks.
const MAX_MARKS: usize = 4000;

/// The recogniser's state machine around the endpointer.
#[derive(Debug)]
pub struct Logic {
    classifier: FrameClassifier,
    endpointer: Endpointer,
    /// Stream sample index of the next sample to arrive.
    next_sample: u64,
    stream: Option<(u32, u64)>,
    marks: VecDeque<ChunkMark>,
    frame_id: String,
    open_id: Option<String>,
    open_start: Option<(Time, u64)>,
    pending: HashMap<String, Pending>,
    utterances: u64,
    model_name: String,
    dropped_chunks: u64,
}

fn decode_samples(chunk: &AudioChunk) -> Option<Vec<f32>> {
    match chunk.encoding {
        AudioChunk::ENCODING_PCM_S16LE => Some(
            chunk
                .data
                .chunks_exact(2)
                .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
                .collect(),
        ),
        AudioChunk::ENCODING_PCM_F32LE => Some(
            chunk
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]).clamp(-1.0, 1.0))
                .collect(),
        ),
        _ => None,
    }
}

fn ros_duration(span: Duration) -> RosDuration {
    RosDuration::from(span)
}

impl Logic {
    /// Logic with validated parameters; `model_name` goes into every transcript.
    pub fn new(params: &Params, model_name: &str) -> Self {
        Self {
            classifier: FrameClassifier::default(),
            endpointer: Endpointer::new(params),
            next_sample: 0,
            stream: None,
            marks: VecDeque::new(),
            frame_id: String::new(),
            open_id: None,
            open_start: None,
            pending: HashMap::new(),
            utterances: 0,
            model_name: model_name.to_string(),
            dropped_chunks: 0,
        }
    }

    /// Chunks refused (wrong format) so far.
    pub fn dropped_chunks(&self) -> u64 {
        self.dropped_chunks
    }

    /// Handles one input at time `now`.
    pub fn handle(&mut self, now: &Time, input: Input) -> Vec<Output> {
        match input {
            Input::Audio(chunk) => self.on_audio(now, chunk),
            Input::Speaking(state) => {
                debug!(speaking = state.speaking, "speaking state");
                self.endpointer.set_robot_speaking(state.speaking);
                Vec::new()
            }
            Input::Recognised {
                utterance_id,
                result,
            } => self.on_recognised(now, &utterance_id, result),
        }
    }

    fn time_of(&self, sample: u64) -> (Time, u64) {
        let mark = self
            .marks
            .iter()
            .rev()
            .find(|mark| mark.first_sample <= sample)
            .or(self.marks.front())
            .copied()
            .unwrap_or(ChunkMark {
                first_sample: 0,
                stamp_nanos: 0,
                sequence: 0,
            });
        let offset = sample as i64 - mark.first_sample as i64;
        let nanos = mark.stamp_nanos + offset * 1_000_000_000 / i64::from(SAMPLE_RATE);
        (Time::from_nanos(nanos), mark.sequence)
    }

    fn on_audio(&mut self, now: &Time, chunk: AudioChunk) -> Vec<Output> {
        if chunk.sample_rate != SAMPLE_RATE || chunk.channels != 1 {
            self.dropped_chunks += 1;
            warn!(
                sample_rate = chunk.sample_rate,
                channels = chunk.channels,
                "dropped an audio chunk that is not 16 kHz mono"
            );
            return Vec::new();
        }
        let Some(samples) = decode_samples(&chunk) else {
            self.dropped_chunks += 1;
            warn!(
                encoding = chunk.encoding,
                "dropped an audio chunk of unknown encoding"
            );
            return Vec::new();
        };
        let mut events = Vec::new();
        match self.stream {
            Some((stream, next)) if stream == chunk.stream_id && chunk.sequence > next => {
                // Lost chunks: the audio has a hole; an open utterance ends at it.
                let lost = chunk.sequence - next;
                let gap = lost * samples.len() as u64;
                debug!(lost, "audio chunks lost");
                self.classifier.reset();
                events.extend(self.endpointer.skip(gap));
                self.next_sample = self.endpointer.position();
            }
            Some((stream, _)) if stream != chunk.stream_id => {
                self.classifier.reset();
                events.extend(self.endpointer.skip(0));
                self.next_sample = self.endpointer.position();
            }
            _ => {}
        }
        self.stream = Some((chunk.stream_id, chunk.sequence + 1));
        self.frame_id.clone_from(&chunk.header.frame_id);
        self.marks.push_back(ChunkMark {
            first_sample: self.next_sample,
            stamp_nanos: chunk.header.stamp.as_nanos(),
            sequence: chunk.sequence,
        });
        while self.marks.len() > MAX_MARKS {
            self.marks.pop_front();
        }
        self.next_sample += samples.len() as u64;
        let endpointer = &mut self.endpointer;
        self.classifier.push(&samples, |frame, voice| {
            events.extend(endpointer.push_frame(frame, voice));
        });
        events
            .into_iter()
            .flat_map(|event| self.on_event(now, event))
            .collect()
    }

    fn header(&self, now: &Time) -> Header {
        Header {
            stamp: now.clone(),
            frame_id: self.frame_id.clone(),
        }
    }

    fn on_event(&mut self, now: &Time, event: EndpointEvent) -> Vec<Output> {
        match event {
            EndpointEvent::Started {
                speech_start_sample,
                probability,
                level_dbfs,
                robot_speaking,
            } => {
                self.utterances += 1;
                let (speech_start, start_sequence) = self.time_of(speech_start_sample);
                let id = format!("utt-{}-{}", speech_start.as_nanos(), self.utterances);
                info!(utterance = %id, robot_speaking, level_dbfs, "speech started");
                self.open_id = Some(id.clone());
                self.open_start = Some((speech_start.clone(), start_sequence));
                vec![Output::Activity(SpeechActivity {
                    header: self.header(now),
                    utterance_id: id,
                    event: SpeechActivity::EVENT_SPEECH_STARTED,
                    speech_start,
                    speech_duration: RosDuration::default(),
                    start_sequence,
                    confidence: probability,
                    level_dbfs: level_dbfs.min(0.0),
                    robot_speaking,
                })]
            }
            EndpointEvent::Discarded {
                speech_start_sample,
                speech_frames,
                reason,
                endpoint_sample,
            } => {
                let id = self.open_id.take().unwrap_or_default();
                self.open_start = None;
                let (speech_start, start_sequence) = self.time_of(speech_start_sample);
                let (end, _) = self.time_of(endpoint_sample);
                info!(utterance = %id, reason = reason.as_str(), speech_frames, "speech discarded");
                vec![Output::Activity(SpeechActivity {
                    header: self.header(now),
                    utterance_id: id,
                    event: SpeechActivity::EVENT_DISCARDED,
                    speech_duration: end.duration_since(&speech_start),
                    speech_start,
                    start_sequence,
                    confidence: 0.0,
                    level_dbfs: 0.0,
                    robot_speaking: self.endpointer.robot_speaking(),
                })]
            }
            EndpointEvent::Ended(utterance) => {
                let id = self.open_id.take().unwrap_or_default();
                let (speech_start, start_sequence) = self
                    .open_start
                    .take()
                    .unwrap_or_else(|| self.time_of(utterance.speech_start_sample));
                let (speech_end, _) = self.time_of(utterance.speech_end_sample);
                let (_, end_sequence) = self.time_of(utterance.endpoint_sample.saturating_sub(1));
                let speech_duration = speech_end.duration_since(&speech_start);
                let pending = Pending {
                    speech_start: speech_start.clone(),
                    audio_duration: Duration::from_secs_f64(
                        utterance.samples.len() as f64 / f64::from(SAMPLE_RATE),
                    ),
                    endpoint_delay: now.duration_since(&speech_end),
                    start_sequence,
                    end_sequence,
                    speech_duration: speech_duration.clone(),
                    level_dbfs: utterance.level_dbfs.min(0.0),
                    probability: utterance.mean_probability,
                    robot_speaking: utterance.robot_speaking_at_start,
                };
                let activity = SpeechActivity {
                    header: self.header(now),
                    utterance_id: id.clone(),
                    event: SpeechActivity::EVENT_SPEECH_ENDED,
                    speech_start,
                    speech_duration,
                    start_sequence,
                    confidence: pending.probability,
                    level_dbfs: pending.level_dbfs,
                    robot_speaking: pending.robot_speaking,
                };
                self.pending.insert(id.clone(), pending);
                vec![
                    Output::Activity(activity),
                    Output::Recognise(RecognitionRequest {
                        utterance_id: id,
                        utterance,
                    }),
                ]
            }
        }
    }

    fn on_recognised(
        &mut self,
        now: &Time,
        utterance_id: &str,
        result: Result<Recognition, String>,
    ) -> Vec<Output> {
        let Some(pending) = self.pending.remove(utterance_id) else {
            warn!(utterance = %utterance_id, "recognition of an unknown utterance");
            return Vec::new();
        };
        let discarded = |logic: &Self| {
            Output::Activity(SpeechActivity {
                header: logic.header(now),
                utterance_id: utterance_id.to_string(),
                event: SpeechActivity::EVENT_DISCARDED,
                speech_start: pending.speech_start.clone(),
                speech_duration: pending.speech_duration.clone(),
                start_sequence: pending.start_sequence,
                confidence: pending.probability,
                level_dbfs: pending.level_dbfs,
                robot_speaking: pending.robot_speaking,
            })
        };
        let recognition = match result {
            Ok(recognition) => recognition,
            Err(error) => {
                warn!(utterance = %utterance_id, %error, "recognition failed");
                return vec![discarded(self)];
            }
        };
        match recognition.verdict {
            Verdict::Rejected {
                rejection,
                raw_text,
            } => {
                info!(
                    utterance = %utterance_id,
                    reason = rejection.as_str(),
                    heard = %raw_text,
                    "transcript rejected"
                );
                vec![discarded(self)]
            }
            Verdict::Accepted(accepted) => {
                info!(
                    utterance = %utterance_id,
                    text = %accepted.text,
                    confidence = accepted.confidence,
                    processing_ms = recognition.processing.as_millis() as u64,
                    corrections = accepted.corrections.len(),
                    "transcript"
                );
                vec![Output::Transcript(Transcript {
                    header: self.header(now),
                    utterance_id: utterance_id.to_string(),
                    text: accepted.text,
                    language: "en".to_string(),
                    confidence: accepted.confidence.clamp(0.0, 1.0),
                    no_speech_probability: accepted.no_speech_probability.clamp(0.0, 1.0),
                    is_final: true,
                    speech_start: pending.speech_start,
                    audio_duration: ros_duration(pending.audio_duration),
                    endpoint_delay: pending.endpoint_delay,
                    processing_time: ros_duration(recognition.processing),
                    start_sequence: pending.start_sequence,
                    end_sequence: pending.end_sequence,
                    model: self.model_name.clone(),
                })]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(sequence: u64, rate: u32, channels: u8, encoding: u8) -> AudioChunk {
        AudioChunk {
            stream_id: 1,
            sequence,
            sample_rate: rate,
            channels,
            encoding,
            data: vec![0; 640],
            ..AudioChunk::default()
        }
    }

    #[test]
    fn chunks_not_16k_mono_or_of_unknown_encoding_are_dropped_and_counted() {
        let mut logic = Logic::new(&Params::default(), "whisper-test");
        let now = Time::from_nanos(1);
        assert!(
            logic
                .handle(&now, Input::Audio(chunk(0, 48_000, 1, 1)))
                .is_empty()
        );
        assert!(
            logic
                .handle(&now, Input::Audio(chunk(1, 16_000, 2, 1)))
                .is_empty()
        );
        assert!(
            logic
                .handle(&now, Input::Audio(chunk(2, 16_000, 1, 9)))
                .is_empty()
        );
        assert_eq!(logic.dropped_chunks(), 3);
        assert!(
            logic
                .handle(&now, Input::Audio(chunk(3, 16_000, 1, 1)))
                .is_empty()
        );
        assert_eq!(logic.dropped_chunks(), 3);
    }

    #[test]
    fn a_recognition_for_an_unknown_utterance_is_ignored() {
        let mut logic = Logic::new(&Params::default(), "whisper-test");
        let outputs = logic.handle(
            &Time::from_nanos(1),
            Input::Recognised {
                utterance_id: "nobody".into(),
                result: Err("whatever".into()),
            },
        );
        assert!(outputs.is_empty());
    }

    #[test]
    fn sample_times_follow_the_chunk_stamps() {
        let mut logic = Logic::new(&Params::default(), "whisper-test");
        let now = Time::from_nanos(0);
        for sequence in 0..3 {
            let mut audio = chunk(sequence, 16_000, 1, AudioChunk::ENCODING_PCM_S16LE);
            audio.header.stamp = Time::from_nanos(5_000_000_000 + sequence as i64 * 20_000_000);
            logic.handle(&now, Input::Audio(audio));
        }
        // 320 samples per chunk: sample 400 is 80 samples (5 ms) into the second chunk.
        let (time, sequence) = logic.time_of(400);
        assert_eq!(sequence, 1);
        assert_eq!(time.as_nanos(), 5_000_000_000 + 20_000_000 + 5_000_000);
    }
}
