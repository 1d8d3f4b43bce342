//! The voice: a dedicated synthesis thread (the one that owns eSpeak NG) feeding an output.
//!
//! [`Speaker::say`] queues a reply's text; the thread splits it into sentences and
//! synthesises them one by one, resampling each block to the sink's rate and queueing it for
//! playback as soon as it exists, so the first sentence plays while the next ones are still
//! being synthesised. [`Speaker::stop`] flushes every buffer at once: the text not yet
//! synthesised, the sentence being synthesised (stopped at its next block), the resampler's
//! state and the playback buffer.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::espeak::{Flow, SynthError, Synthesized, Synthesizer, VoiceSettings};
use crate::playback::{Flushed, PlaybackEvent, PlaybackQueue};
use crate::resample::{RateConverter, ResampleError};
use crate::sentences::split_sentences;
use crate::sink::{Output, OutputConfig, SinkError, SinkGuard, open_output};

/// Text segments waiting for the synthesis thread.
const JOB_QUEUE: usize = 64;

/// Why the speaker could not start or take text.
#[derive(Debug, thiserror::Error)]
pub enum SpeakError {
    /// The output could not be opened.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// The synthesizer could not be opened.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// The synthesiser's rate cannot be converted to the sink's.
    #[error(transparent)]
    Resample(#[from] ResampleError),
    /// Too much text is waiting for synthesis.
    #[error(
        "{JOB_QUEUE} text segments are already waiting for synthesis; reply {reply_id} dropped"
    )]
    Backlog {
        /// The reply refused.
        reply_id: String,
    },
    /// The synthesis thread is gone.
    #[error("the synthesis thread stopped: {reason}")]
    ThreadStopped {
        /// What happened.
        reason: String,
    },
}

/// A text segment for the synthesis thread.
struct Job {
    /// The playback generation it was queued in (stale after a flush).
    generation: u64,
    reply_id: Arc<str>,
    text: String,
    /// The reply's final segment.
    last: bool,
}

/// Synthesis plus output, started together.
pub struct Speaker {
    jobs: Option<SyncSender<Job>>,
    queue: Arc<PlaybackQueue>,
    thread: Option<JoinHandle<()>>,
    description: String,
    _sink: SinkGuard,
}

impl std::fmt::Debug for Speaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speaker")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl Speaker {
    /// Opens the output, then the synthesizer on its own thread with `voice`; returns the
    /// speaker and the receiver of its playback events.
    ///
    /// # Errors
    /// [`SpeakError`] if the output or the voice cannot be opened.
    pub fn start(
        voice: &VoiceSettings,
        output: &OutputConfig,
    ) -> Result<(Self, Receiver<PlaybackEvent>), SpeakError> {
        let Output {
            queue,
            events,
            description,
            sink,
        } = open_output(output)?;
        let (jobs, job_receiver) = mpsc::sync_channel(JOB_QUEUE);
        let (opened_sender, opened) = mpsc::channel::<Result<(), SpeakError>>();
        let worker = Worker {
            queue: Arc::clone(&queue),
            jobs: job_receiver,
        };
        let voice = voice.clone();
        let thread = std::thread::Builder::new()
            .name("speech_out-synth".into())
            .spawn(move || {
                let started = Synthesizer::open(&voice)
                    .map_err(SpeakError::from)
                    .and_then(|synth| {
                        let converter = RateConverter::new(
                            synth.sample_rate_hz(),
                            worker.queue.sample_rate_hz(),
                        )?;
                        Ok((synth, converter))
                    });
                match started {
                    Ok((synth, converter)) => {
                        let _ = opened_sender.send(Ok(()));
                        worker.run(synth, converter);
                    }
                    Err(error) => {
                        let _ = opened_sender.send(Err(error));
                    }
                }
            })
            .map_err(|error| SpeakError::ThreadStopped {
                reason: error.to_string(),
            })?;
        opened.recv().map_err(|_| SpeakError::ThreadStopped {
            reason: "it ended while opening the synthesizer".into(),
        })??;
        tracing::info!(output = %description, "speech output ready");
        Ok((
            Self {
                jobs: Some(jobs),
                queue,
                thread: Some(thread),
                description,
                _sink: sink,
            },
            events,
        ))
    }

    /// Where the audio goes (device name or WAV directory).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The sink's rate in Hz.
    pub fn sample_rate_hz(&self) -> u32 {
        self.queue.sample_rate_hz()
    }

    /// Queues `text` of `reply_id` for synthesis after what is queued; `last` marks the
    /// reply's final segment (its end is reported when its audio has played).
    ///
    /// # Errors
    /// [`SpeakError::Backlog`] if too much text is waiting, [`SpeakError::ThreadStopped`] if
    /// the synthesis thread is gone.
    pub fn say(&self, reply_id: &str, text: &str, last: bool) -> Result<(), SpeakError> {
        let job = Job {
            generation: self.queue.generation(),
            reply_id: Arc::from(reply_id),
            text: text.to_owned(),
            last,
        };
        let Some(jobs) = &self.jobs else {
            return Err(SpeakError::ThreadStopped {
                reason: "the speaker is shutting down".into(),
            });
        };
        jobs.try_send(job).map_err(|error| match error {
            TrySendError::Full(_) => SpeakError::Backlog {
                reply_id: reply_id.to_owned(),
            },
            TrySendError::Disconnected(_) => SpeakError::ThreadStopped {
                reason: "its queue is closed".into(),
            },
        })
    }

    /// Stops at once: everything queued, being synthesised or buffered is discarded, and
    /// the sink plays silence from its next block.
    pub fn stop(&self) -> Flushed {
        self.queue.flush()
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        // Unblocks a synthesis waiting for buffer space, then ends the thread's loop.
        self.queue.flush();
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The synthesis thread's state.
struct Worker {
    queue: Arc<PlaybackQueue>,
    jobs: Receiver<Job>,
}

impl Worker {
    fn run(self, mut synth: Synthesizer, mut converter: RateConverter) {
        let mut converter_generation = self.queue.generation();
        // (reply, sentences synthesised so far) for Synthesized events across segments.
        let mut sentence_count: (Option<Arc<str>>, usize) = (None, 0);
        let mut out: Vec<f32> = Vec::new();
        while let Ok(job) = self.jobs.recv() {
            let Job {
                generation,
                reply_id,
                text,
                last,
            } = job;
            if generation != self.queue.generation() {
                // Flushed while waiting: the synthesis queue's share of the flush.
                continue;
            }
            if generation != converter_generation {
                converter.reset();
                converter_generation = generation;
            }
            if sentence_count.0.as_ref() != Some(&reply_id) {
                sentence_count = (Some(Arc::clone(&reply_id)), 0);
            }
            let mut failed = false;
            for sentence in split_sentences(&text) {
                if self.queue.generation() != generation {
                    break;
                }
                let mut resample_error: Option<ResampleError> = None;
                // Audio that did not fit the playback buffer: kept (in order) until the
                // synthesis call returns, so the engine is never held while waiting.
                let mut overflow: Vec<f32> = Vec::new();
                let outcome = synth.synthesize(&sentence, &mut |block| {
                    out.clear();
                    if let Err(error) = converter.push(block, &mut out) {
                        resample_error = Some(error);
                        return Flow::Stop;
                    }
                    if !overflow.is_empty() {
                        overflow.append(&mut out);
                        // A flush still stops synthesis at the next block.
                        return if self.queue.generation() == generation {
                            Flow::Continue
                        } else {
                            Flow::Stop
                        };
                    }
                    match self
                        .queue
                        .try_push(generation, &reply_id, std::mem::take(&mut out))
                    {
                        Ok(rest) => {
                            overflow = rest;
                            Flow::Continue
                        }
                        Err(_) => Flow::Stop,
                    }
                });
                if let Some(error) = resample_error {
                    self.queue.fail(error.to_string());
                    failed = true;
                    break;
                }
                // Synthesis of the next sentence waits here while the buffer is full.
                if self.queue.push(generation, &reply_id, overflow).is_err() {
                    break;
                }
                match outcome {
                    Ok(Synthesized::Complete) => {
                        self.queue.notify(PlaybackEvent::Synthesized {
                            reply_id: reply_id.to_string(),
                            sentence: sentence_count.1,
                            at: Instant::now(),
                        });
                        sentence_count.1 += 1;
                    }
                    Ok(Synthesized::Stopped) => break,
                    Err(error) => {
                        tracing::warn!(%reply_id, %error, "synthesis failed");
                        self.queue.fail(error.to_string());
                        failed = true;
                        break;
                    }
                }
            }
            if last && !failed && self.queue.generation() == generation {
                out.clear();
                if let Err(error) = converter.finish(&mut out) {
                    self.queue.fail(error.to_string());
                    continue;
                }
                let tail = std::mem::take(&mut out);
                let _ = self
                    .queue
                    .push(generation, &reply_id, tail)
                    .and_then(|()| self.queue.end(generation, &reply_id));
            }
        }
    }
}
