//! The buffer between synthesis and the sink: audio tagged with the reply it belongs to,
//! bounded, and emptied at once by [`PlaybackQueue::flush`].
//!
//! Synthesis pushes (waiting while the buffer is full); the sink pulls fixed blocks at the
//! pace of the audio and gets silence when nothing is queued. Every push carries the
//! *generation* it was made for; a flush starts a new generation, so audio still in flight
//! from before the flush (a block being resampled, a synthesis call not yet stopped) is
//! refused rather than played. The sink reports a reply's first sample and its end as
//! [`PlaybackEvent`]s.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Events queued for the node before new ones are dropped (and counted).
const EVENT_QUEUE: usize = 256;

/// What happened to the audio of a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackEvent {
    /// The sink took the reply's first sample.
    Started {
        /// The reply.
        reply_id: String,
        /// When.
        at: Instant,
    },
    /// A sentence of the reply was synthesised completely.
    Synthesized {
        /// The reply.
        reply_id: String,
        /// 0-based sentence index within the reply.
        sentence: usize,
        /// When synthesis of the sentence ended.
        at: Instant,
    },
    /// The sink took the reply's last sample.
    Finished {
        /// The reply.
        reply_id: String,
        /// Audio of the reply played.
        played: Duration,
        /// When.
        at: Instant,
    },
    /// Synthesis or output failed; the reply is abandoned.
    Failed {
        /// The reply, if one was playing.
        reply_id: Option<String>,
        /// What failed.
        reason: String,
    },
}

/// What a flush cut off.
#[derive(Debug, Clone, PartialEq)]
pub struct Flushed {
    /// The reply that was playing, if one had started.
    pub reply_id: Option<String>,
    /// Audio of it played.
    pub played: Duration,
    /// Samples thrown away (never played).
    pub discarded_samples: usize,
    /// When the last audio the sink took before the flush ends playing: the flush is heard
    /// from then on (`None` if the sink had taken no audio yet).
    pub audio_until: Option<Instant>,
}

/// A reply's audio could not be queued because a flush came first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the playback queue was flushed (generation {current} is current, not {pushed})")]
pub struct StaleGeneration {
    /// The generation the push was made for.
    pub pushed: u64,
    /// The current one.
    pub current: u64,
}

/// A span of a pulled block that belongs to one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplySpan {
    /// The reply.
    pub reply_id: Arc<str>,
    /// Where in the block its samples are.
    pub range: std::ops::Range<usize>,
}

/// What [`PlaybackQueue::pull`] filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Spans of reply audio, in order; the rest of the block is silence.
    pub spans: Vec<ReplySpan>,
    /// Replies that ended since the last pull (finished, flushed or failed).
    pub ended: Vec<Arc<str>>,
}

enum Item {
    Audio {
        reply_id: Arc<str>,
        samples: Vec<f32>,
        offset: usize,
    },
    End {
        reply_id: Arc<str>,
    },
}

/// The reply the sink is taking samples from.
struct Playing {
    reply_id: Arc<str>,
    samples: u64,
}

struct Inner {
    items: VecDeque<Item>,
    buffered: usize,
    playing: Option<Playing>,
    ended: Vec<Arc<str>>,
    last_audio_until: Option<Instant>,
}

/// The bounded, flushable, reply-tagged buffer shared by synthesis and the sink.
pub struct PlaybackQueue {
    inner: Mutex<Inner>,
    space: Condvar,
    generation: AtomicU64,
    capacity: usize,
    sample_rate_hz: u32,
    events: SyncSender<PlaybackEvent>,
    dropped_events: AtomicU64,
}

impl std::fmt::Debug for PlaybackQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlaybackQueue")
            .field("capacity", &self.capacity)
            .field("sample_rate_hz", &self.sample_rate_hz)
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl PlaybackQueue {
    /// A queue holding up to `capacity` samples at `sample_rate_hz`, and the receiver of its
    /// events.
    pub fn new(sample_rate_hz: u32, capacity: usize) -> (Arc<Self>, Receiver<PlaybackEvent>) {
        let (events, receiver) = std::sync::mpsc::sync_channel(EVENT_QUEUE);
        let queue = Self {
            inner: Mutex::new(Inner {
                items: VecDeque::new(),
                buffered: 0,
                playing: None,
                ended: Vec::new(),
                last_audio_until: None,
            }),
            space: Condvar::new(),
            generation: AtomicU64::new(0),
            capacity: capacity.max(1),
            sample_rate_hz: sample_rate_hz.max(1),
            events,
            dropped_events: AtomicU64::new(0),
        };
        (Arc::new(queue), receiver)
    }

    /// The sink's rate in Hz.
    pub fn sample_rate_hz(&self) -> u32 {
        self.sample_rate_hz
    }

    /// The current generation: pushes must carry it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Events dropped because the node did not take them in time.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events.load(Ordering::Relaxed)
    }

    /// Samples buffered and not yet taken by the sink.
    pub fn buffered_samples(&self) -> usize {
        self.lock().buffered
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves `Inner` consistent, so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Emits an event to the node (dropped and counted if the node is far behind).
    pub fn notify(&self, event: PlaybackEvent) {
        if let Err(TrySendError::Full(_)) = self.events.try_send(event) {
            self.dropped_events.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Appends `samples` of `reply_id`, waiting while the buffer is full.
    ///
    /// # Errors
    /// [`StaleGeneration`] if a flush made `generation` stale (before or while waiting):
    /// the samples are dropped, and synthesis for that generation should stop.
    pub fn push(
        &self,
        generation: u64,
        reply_id: &Arc<str>,
        mut samples: Vec<f32>,
    ) -> Result<(), StaleGeneration> {
        let mut inner = self.lock();
        while !samples.is_empty() {
            self.check_generation(generation)?;
            let room = self.capacity.saturating_sub(inner.buffered);
            if room == 0 {
                inner = self
                    .space
                    .wait_timeout(inner, Duration::from_millis(50))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                continue;
            }
            let rest = if samples.len() > room {
                samples.split_off(room)
            } else {
                Vec::new()
            };
            inner.buffered += samples.len();
            inner.items.push_back(Item::Audio {
                reply_id: Arc::clone(reply_id),
                samples,
                offset: 0,
            });
            samples = rest;
        }
        Ok(())
    }

    /// Appends as much of `samples` as fits without waiting; returns the rest (empty when
    /// all fitted).
    ///
    /// # Errors
    /// [`StaleGeneration`] if a flush made `generation` stale: nothing is queued.
    pub fn try_push(
        &self,
        generation: u64,
        reply_id: &Arc<str>,
        mut samples: Vec<f32>,
    ) -> Result<Vec<f32>, StaleGeneration> {
        let mut inner = self.lock();
        self.check_generation(generation)?;
        let room = self.capacity.saturating_sub(inner.buffered);
        if room == 0 || samples.is_empty() {
            return Ok(samples);
        }
        let rest = if samples.len() > room {
            samples.split_off(room)
        } else {
            Vec::new()
        };
        inner.buffered += samples.len();
        inner.items.push_back(Item::Audio {
            reply_id: Arc::clone(reply_id),
            samples,
            offset: 0,
        });
        Ok(rest)
    }

    /// Marks the end of `reply_id`'s audio: the sink reports `Finished` when it gets there.
    ///
    /// # Errors
    /// [`StaleGeneration`] if a flush made `generation` stale.
    pub fn end(&self, generation: u64, reply_id: &Arc<str>) -> Result<(), StaleGeneration> {
        let mut inner = self.lock();
        self.check_generation(generation)?;
        inner.items.push_back(Item::End {
            reply_id: Arc::clone(reply_id),
        });
        Ok(())
    }

    fn check_generation(&self, generation: u64) -> Result<(), StaleGeneration> {
        let current = self.generation();
        if current == generation {
            Ok(())
        } else {
            Err(StaleGeneration {
                pushed: generation,
                current,
            })
        }
    }

    /// Empties the buffer now and starts a new generation: nothing queued before is played.
    pub fn flush(&self) -> Flushed {
        let mut inner = self.lock();
        // Under the lock, so no push of the old generation lands after the clear.
        self.generation.fetch_add(1, Ordering::SeqCst);
        let discarded_samples = inner.buffered;
        inner.items.clear();
        inner.buffered = 0;
        let playing = inner.playing.take();
        let (reply_id, played) = match playing {
            Some(playing) => {
                inner.ended.push(Arc::clone(&playing.reply_id));
                (
                    Some(playing.reply_id.to_string()),
                    self.duration_of(playing.samples),
                )
            }
            None => (None, Duration::ZERO),
        };
        let audio_until = inner.last_audio_until;
        drop(inner);
        self.space.notify_all();
        Flushed {
            reply_id,
            played,
            discarded_samples,
            audio_until,
        }
    }

    /// Abandons the reply being played after an output failure: flushes and reports it.
    pub fn fail(&self, reason: String) {
        let flushed = self.flush();
        self.notify(PlaybackEvent::Failed {
            reply_id: flushed.reply_id,
            reason,
        });
    }

    fn duration_of(&self, samples: u64) -> Duration {
        Duration::from_secs_f64(samples as f64 / f64::from(self.sample_rate_hz))
    }

    /// Fills `block` with the next samples (silence where there are none), as a sink does
    /// when `now` is when the block starts playing. Emits `Started` and `Finished` events.
    pub fn pull(&self, block: &mut [f32], now: Instant) -> Pulled {
        let mut pulled = Pulled::default();
        let mut filled = 0usize;
        let mut events = Vec::new();
        let mut inner = self.lock();
        pulled.ended = std::mem::take(&mut inner.ended);
        while filled < block.len() {
            let Some(item) = inner.items.front_mut() else {
                break;
            };
            match item {
                Item::Audio {
                    reply_id,
                    samples,
                    offset,
                } => {
                    let take = (samples.len() - *offset).min(block.len() - filled);
                    block[filled..filled + take].copy_from_slice(&samples[*offset..*offset + take]);
                    *offset += take;
                    let reply_id = Arc::clone(reply_id);
                    let done = *offset == samples.len();
                    if done {
                        inner.items.pop_front();
                    }
                    inner.buffered -= take;
                    match &mut inner.playing {
                        Some(playing) if playing.reply_id == reply_id => {
                            playing.samples += take as u64;
                        }
                        _ => {
                            // Offset of this span from the block start, as time.
                            let at = now + self.duration_of(filled as u64);
                            events.push(PlaybackEvent::Started {
                                reply_id: reply_id.to_string(),
                                at,
                            });
                            inner.playing = Some(Playing {
                                reply_id: Arc::clone(&reply_id),
                                samples: take as u64,
                            });
                        }
                    }
                    match pulled.spans.last_mut() {
                        Some(span) if span.reply_id == reply_id && span.range.end == filled => {
                            span.range.end += take;
                        }
                        _ => pulled.spans.push(ReplySpan {
                            reply_id,
                            range: filled..filled + take,
                        }),
                    }
                    filled += take;
                }
                Item::End { reply_id } => {
                    let reply_id = Arc::clone(reply_id);
                    inner.items.pop_front();
                    let played = match inner.playing.take() {
                        Some(playing) if playing.reply_id == reply_id => playing.samples,
                        other => {
                            inner.playing = other;
                            0
                        }
                    };
                    events.push(PlaybackEvent::Finished {
                        reply_id: reply_id.to_string(),
                        played: self.duration_of(played),
                        at: now + self.duration_of(filled as u64),
                    });
                    pulled.ended.push(reply_id);
                }
            }
        }
        block[filled..].fill(0.0);
        if filled > 0 {
            inner.last_audio_until = Some(now + self.duration_of(filled as u64));
        }
        drop(inner);
        if filled > 0 {
            self.space.notify_all();
        }
        for event in events {
            self.notify(event);
        }
        pulled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: &str) -> Arc<str> {
        Arc::from(id)
    }

    #[test]
    fn pulls_in_order_with_events_and_silence_after() {
        let (queue, events) = PlaybackQueue::new(1000, 100);
        let g = queue.generation();
        let a = reply("a");
        queue.push(g, &a, vec![0.5; 30]).unwrap();
        queue.end(g, &a).unwrap();
        let t0 = Instant::now();
        let mut block = [1.0f32; 20];
        let pulled = queue.pull(&mut block, t0);
        assert_eq!(
            pulled.spans,
            vec![ReplySpan {
                reply_id: a.clone(),
                range: 0..20
            }]
        );
        assert!(block.iter().all(|&s| s == 0.5));
        let pulled = queue.pull(&mut block, t0 + Duration::from_millis(20));
        assert_eq!(pulled.spans[0].range, 0..10);
        assert_eq!(pulled.ended, vec![a.clone()]);
        assert!(block[10..].iter().all(|&s| s == 0.0));
        assert_eq!(
            events.try_recv().unwrap(),
            PlaybackEvent::Started {
                reply_id: "a".into(),
                at: t0
            }
        );
        assert_eq!(
            events.try_recv().unwrap(),
            PlaybackEvent::Finished {
                reply_id: "a".into(),
                played: Duration::from_millis(30),
                at: t0 + Duration::from_millis(30),
            }
        );
    }

    #[test]
    fn flush_discards_everything_and_refuses_stale_pushes() {
        let (queue, _events) = PlaybackQueue::new(1000, 100);
        let g = queue.generation();
        let a = reply("a");
        queue.push(g, &a, vec![0.5; 50]).unwrap();
        let mut block = [0.0f32; 10];
        let t0 = Instant::now();
        queue.pull(&mut block, t0);
        let flushed = queue.flush();
        assert_eq!(flushed.reply_id.as_deref(), Some("a"));
        assert_eq!(flushed.played, Duration::from_millis(10));
        assert_eq!(flushed.discarded_samples, 40);
        assert_eq!(flushed.audio_until, Some(t0 + Duration::from_millis(10)));
        assert_eq!(
            queue.push(g, &a, vec![0.5; 5]),
            Err(StaleGeneration {
                pushed: g,
                current: g + 1
            })
        );
        let pulled = queue.pull(&mut block, t0);
        assert!(pulled.spans.is_empty());
        assert_eq!(pulled.ended, vec![a]);
        assert!(block.iter().all(|&s| s == 0.0));
    }

    #[test]
    fn try_push_queues_what_fits_and_returns_the_rest() {
        let (queue, _events) = PlaybackQueue::new(1000, 10);
        let g = queue.generation();
        let rest = queue.try_push(g, &reply("a"), vec![0.1; 25]).unwrap();
        assert_eq!(rest.len(), 15);
        assert_eq!(queue.buffered_samples(), 10);
        queue.flush();
        assert!(queue.try_push(g, &reply("a"), rest).is_err());
    }

    #[test]
    fn a_full_buffer_blocks_the_producer_until_flushed() {
        let (queue, _events) = PlaybackQueue::new(1000, 10);
        let g = queue.generation();
        let producer = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || queue.push(g, &reply("a"), vec![0.1; 25]))
        };
        while queue.buffered_samples() < 10 {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!producer.is_finished());
        queue.flush();
        assert!(producer.join().unwrap().is_err());
        assert_eq!(queue.buffered_samples(), 0);
    }
}
