//! The node's logic, free of I/O: audio chunks and the speaking state in; speech activity
//! events, recognition requests and transcripts out. Recognition itself runs elsewhere (a
//! worker thread) and comes back as [`Input::Recognised`].
//!
//! Recognition starts early, when speech pauses (`vad.early_recognition_ms`), so that whisper
//! runs while the endpoint's hangover is still awaited; if speech goes on, that recognition is
//! cancelled, and if it is not done by the endpoint, the endpoint waits for it.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use embodied_msgs::builtin_interfaces::msg::{Duration as RosDuration, Time};
use embodied_msgs::msg::{AudioChunk, SpeakingState, SpeechActivity, Transcript};
use embodied_msgs::std_msgs::msg::Header;
use tracing::{debug, info, warn};

use crate::endpoint::{EndpointEvent, Endpointer, Utterance};
use crate::params::Params;
use crate::recognise::{Recognition, Verdict};
use crate::transcriber::Cancel;
use crate::vad::{FrameClassifier, SAMPLE_RATE};

/// Something that happened to the node.
#[derive(Debug)]
pub enum Input {
    /// A chunk from `/audio/chunk`.
    Audio(AudioChunk),
    /// The robot's speaking state from `/speech/speaking`.
    Speaking(SpeakingState),
    /// The worker finished a [`RecognitionRequest`] (`Err`: whisper failed or the request was
    /// cancelled or refused, with the reason).
    Recognised {
        /// The utterance.
        utterance_id: String,
        /// The request's [`RecognitionRequest::request_id`].
        request_id: u64,
        /// What recognition made of it.
        result: Result<Recognition, String>,
    },
}

/// An utterance to recognise.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognitionRequest {
    /// Id shared by the activity events and the transcript.
    pub utterance_id: String,
    /// Unique per request (an utterance may be asked for more than once).
    pub request_id: u64,
    /// The audio and its bounds.
    pub utterance: Utterance,
    /// An early recognition, started before the endpoint.
    pub early: bool,
    /// Set when the result is no longer wanted; the worker stops as soon as it sees it.
    pub cancel: Cancel,
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
    /// The request whose result finishes the utterance.
    request_id: u64,
    /// The utterance to recognise again if that request was an early one and failed.
    retry: Option<Utterance>,
}

/// An early recognition whose endpoint has not come yet.
#[derive(Debug)]
struct Early {
    utterance_id: String,
    request_id: u64,
    speech_end_sample: u64,
    cancel: Cancel,
    /// The worker's answer, once it came.
    result: Option<Result<Recognition, String>>,
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
    early: Option<Early>,
    requests: u64,
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
            early: None,
            requests: 0,
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
                request_id,
                result,
            } => self.on_result(now, &utterance_id, request_id, result),
        }
    }

    fn request(
        &mut self,
        utterance_id: &str,
        utterance: Utterance,
        early: bool,
    ) -> RecognitionRequest {
        self.requests += 1;
        RecognitionRequest {
            utterance_id: utterance_id.to_string(),
            request_id: self.requests,
            utterance,
            early,
            cancel: Cancel::default(),
        }
    }

    /// Cancels the early recognition, if any (speech went on, or the utterance is gone).
    fn cancel_early(&mut self) {
        if let Some(early) = self.early.take() {
            debug!(utterance = %early.utterance_id, "early recognition cancelled");
            early.cancel.cancel();
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
                self.cancel_early();
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
            EndpointEvent::Paused(utterance) => {
                let Some(id) = self.open_id.clone() else {
                    return Vec::new();
                };
                self.cancel_early();
                let speech_end_sample = utterance.speech_end_sample;
                let request = self.request(&id, utterance, true);
                debug!(utterance = %id, "speech paused: early recognition");
                self.early = Some(Early {
                    utterance_id: id,
                    request_id: request.request_id,
                    speech_end_sample,
                    cancel: request.cancel.clone(),
                    result: None,
                });
                vec![Output::Recognise(request)]
            }
            EndpointEvent::Resumed => {
                self.cancel_early();
                Vec::new()
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
                    request_id: 0,
                    retry: None,
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
                let mut outputs = vec![Output::Activity(activity)];
                let early = self.early.take();
                match early {
                    // The pause was the end: the early recognition is this utterance's.
                    Some(early)
                        if early.utterance_id == id
                            && early.speech_end_sample == utterance.speech_end_sample =>
                    {
                        let request_id = early.request_id;
                        self.pending.insert(
                            id.clone(),
                            Pending {
                                request_id,
                                retry: Some(utterance),
                                ..pending
                            },
                        );
                        if let Some(result) = early.result {
                            outputs.extend(self.on_result(now, &id, request_id, result));
                        }
                    }
                    stale => {
                        if let Some(stale) = stale {
                            stale.cancel.cancel();
                        }
                        let request = self.request(&id, utterance, false);
                        self.pending.insert(
                            id,
                            Pending {
                                request_id: request.request_id,
                                ..pending
                            },
                        );
                        outputs.push(Output::Recognise(request));
                    }
                }
                outputs
            }
        }
    }

    /// A result from the worker: kept while its early recognition awaits the endpoint, used
    /// when it is the one an utterance waits for, ignored when stale (cancelled).
    fn on_result(
        &mut self,
        now: &Time,
        utterance_id: &str,
        request_id: u64,
        result: Result<Recognition, String>,
    ) -> Vec<Output> {
        if let Some(early) = self
            .early
            .as_mut()
            .filter(|early| early.request_id == request_id)
        {
            early.result = Some(result);
            return Vec::new();
        }
        let Some(pending) = self.pending.get_mut(utterance_id) else {
            warn!(utterance = %utterance_id, "recognition of an unknown utterance");
            return Vec::new();
        };
        if pending.request_id != request_id {
            debug!(utterance = %utterance_id, request_id, "stale recognition ignored");
            return Vec::new();
        }
        if let (Err(error), Some(utterance)) = (&result, pending.retry.take()) {
            debug!(utterance = %utterance_id, %error, "early recognition failed; recognising again");
            let request = self.request(utterance_id, utterance, false);
            if let Some(pending) = self.pending.get_mut(utterance_id) {
                pending.request_id = request.request_id;
            }
            return vec![Output::Recognise(request)];
        }
        self.on_recognised(now, utterance_id, result)
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
                request_id: 1,
                result: Err("whatever".into()),
            },
        );
        assert!(outputs.is_empty());
    }

    fn accepted(text: String) -> Recognition {
        Recognition {
            verdict: Verdict::Accepted(crate::recognise::Accepted {
                text,
                confidence: 0.9,
                no_speech_probability: 0.0,
                corrections: Vec::new(),
            }),
            processing: Duration::from_millis(1),
        }
    }

    #[derive(Default)]
    struct Run {
        ended: usize,
        transcripts: Vec<String>,
        requests: Vec<RecognitionRequest>,
    }

    /// Streams `samples` through the logic in 20 ms chunks, answering each recognition
    /// request with "request N" (or an error for an early one when `fail_early`); early
    /// answers come at once, or after the next endpoint when `hold_early`.
    fn drive(samples: &[f32], hold_early: bool, fail_early: bool) -> Run {
        let mut logic = Logic::new(&Params::default(), "whisper-test");
        let now = Time::from_nanos(1);
        let mut run = Run::default();
        let mut held = Vec::new();
        for (sequence, block) in samples.chunks(320).enumerate() {
            let chunk = AudioChunk {
                stream_id: 1,
                sequence: sequence as u64,
                sample_rate: SAMPLE_RATE,
                channels: 1,
                encoding: AudioChunk::ENCODING_PCM_S16LE,
                data: block
                    .iter()
                    .flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes())
                    .collect(),
                ..AudioChunk::default()
            };
            let mut queue = VecDeque::from(logic.handle(&now, Input::Audio(chunk)));
            while let Some(output) = queue.pop_front() {
                match output {
                    Output::Activity(activity) => {
                        if activity.event == SpeechActivity::EVENT_SPEECH_ENDED {
                            run.ended += 1;
                            for input in held.drain(..) {
                                queue.extend(logic.handle(&now, input));
                            }
                        }
                    }
                    Output::Transcript(transcript) => run.transcripts.push(transcript.text),
                    Output::Recognise(request) => {
                        let result = if request.early && fail_early {
                            Err("whisper failed".to_string())
                        } else {
                            Ok(accepted(format!("request {}", request.request_id)))
                        };
                        let input = Input::Recognised {
                            utterance_id: request.utterance_id.clone(),
                            request_id: request.request_id,
                            result,
                        };
                        if request.early && hold_early {
                            held.push(input);
                        } else {
                            queue.extend(logic.handle(&now, input));
                        }
                        run.requests.push(request);
                    }
                }
            }
        }
        run
    }

    /// jfk.wav with 200 ms of silence spliced in after 2 s (a pause, shorter than the
    /// hangover) and 1 s after it.
    fn speech_with_a_pause() -> Vec<f32> {
        let path = crate::cli::data_dir().join("jfk.wav");
        let jfk = audio_capture::wav::read_mono_16k(&path).expect("shared/data/jfk.wav reads");
        let split = 2 * SAMPLE_RATE as usize;
        let silence = |seconds: f32| vec![0.0; (seconds * SAMPLE_RATE as f32) as usize];
        [
            silence(0.5),
            jfk[..split].to_vec(),
            silence(0.2),
            jfk[split..].to_vec(),
            silence(1.0),
        ]
        .concat()
    }

    fn texts_of<'r>(requests: impl Iterator<Item = &'r RecognitionRequest>) -> Vec<String> {
        requests
            .map(|request| format!("request {}", request.request_id))
            .collect()
    }

    #[test]
    fn early_recognition_is_used_at_the_endpoint_and_cancelled_when_speech_goes_on() {
        let audio = speech_with_a_pause();
        for hold_early in [false, true] {
            let run = drive(&audio, hold_early, false);
            assert!(run.ended >= 1);
            assert_eq!(
                run.transcripts.len(),
                run.ended,
                "one transcript per utterance"
            );
            let early = texts_of(run.requests.iter().filter(|r| r.early));
            assert!(
                run.transcripts.iter().all(|text| early.contains(text)),
                "every transcript is an early recognition's: {:?} of {early:?}",
                run.transcripts
            );
            assert!(
                run.requests.iter().all(|r| r.early),
                "no utterance was recognised twice"
            );
            let cancelled: Vec<_> = run
                .requests
                .iter()
                .filter(|r| r.cancel.is_cancelled())
                .collect();
            assert!(!cancelled.is_empty(), "the spliced pause was not final");
            assert_eq!(
                cancelled.len() + run.transcripts.len(),
                run.requests.len(),
                "every early recognition is used or cancelled"
            );
        }
    }

    #[test]
    fn a_failed_early_recognition_is_redone_at_the_endpoint() {
        let run = drive(&speech_with_a_pause(), true, true);
        assert_eq!(run.transcripts.len(), run.ended);
        let finals = texts_of(run.requests.iter().filter(|r| !r.early));
        assert_eq!(finals, run.transcripts);
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
