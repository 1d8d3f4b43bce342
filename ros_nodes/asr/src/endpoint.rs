//! Endpointing: a pure state machine over scored 16 ms frames that opens an utterance after
//! `start_ms` of consecutive speech (with `pre_roll_ms` of audio before it), closes it after
//! `hangover_ms` of silence or at `max_utterance_s`, and discards it if it holds less than
//! `min_speech_ms` of speech. While the robot speaks, a frame counts as speech only if it is
//! `barge_in_margin_db` above the recent level of the robot's own voice at the microphone.
//! A sound whose level stays within 1 dB (standard deviation) over its first 512 ms is a hum,
//! not speech: it is discarded, and ignored for as long as it lasts at that level.
//! After `early_recognition_ms` of silence the utterance so far is offered for an early
//! recognition ([`EndpointEvent::Paused`]); speech before the endpoint voids it
//! ([`EndpointEvent::Resumed`]).

use std::collections::VecDeque;

use crate::params::Params;
use crate::vad::{FRAME_SAMPLES, FrameVoice, SAMPLE_RATE};

/// Why an utterance ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// `hangover_ms` of silence followed the speech.
    Silence,
    /// The utterance reached `max_utterance_s`.
    MaxLength,
    /// The stream ended (end of a file).
    EndOfStream,
}

/// Why an opened utterance was dropped before recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscardReason {
    /// Less than `min_speech_ms` of speech.
    TooShort,
    /// A steady sound (hum, fan): its level hardly varies, unlike speech's syllables.
    Stationary,
}

impl DiscardReason {
    /// A short name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::Stationary => "stationary",
        }
    }
}

/// Speech found between two silences, ready for recognition.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    /// 16 kHz mono audio: pre-roll, speech and the trailing silence that ended it.
    pub samples: Vec<f32>,
    /// Stream sample index of `samples[0]`.
    pub first_sample: u64,
    /// Stream sample index of the first speech frame.
    pub speech_start_sample: u64,
    /// Stream sample index just after the last speech frame.
    pub speech_end_sample: u64,
    /// Stream sample index just after the frame that decided the endpoint.
    pub endpoint_sample: u64,
    /// Frames judged speech.
    pub speech_frames: u32,
    /// Mean VAD probability over the speech frames.
    pub mean_probability: f32,
    /// Mean level of the speech frames, dBFS.
    pub level_dbfs: f32,
    /// The robot was speaking when the utterance started (a barge-in).
    pub robot_speaking_at_start: bool,
    /// Why it ended.
    pub end: EndReason,
}

impl Utterance {
    /// Seconds of speech (first to last speech frame).
    pub fn speech_seconds(&self) -> f64 {
        samples_to_seconds(self.speech_end_sample - self.speech_start_sample)
    }
}

/// What one frame changed.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointEvent {
    /// Speech began (the frame that completed `start_ms` of speech).
    Started {
        /// Stream sample index of the first speech frame.
        speech_start_sample: u64,
        /// VAD probability of the frame that opened the utterance.
        probability: f32,
        /// Its level, dBFS.
        level_dbfs: f32,
        /// The robot was speaking: this is a barge-in.
        robot_speaking: bool,
    },
    /// Speech paused for `early_recognition_ms`: the utterance so far, to recognise while the
    /// endpoint is awaited. The [`EndpointEvent::Ended`] that follows without an
    /// [`EndpointEvent::Resumed`] has the same speech.
    Paused(Utterance),
    /// Speech went on after a [`EndpointEvent::Paused`]: its recognition is void.
    Resumed,
    /// The endpoint was found; the utterance goes to recognition.
    Ended(Utterance),
    /// The opened utterance was rejected.
    Discarded {
        /// Stream sample index of the first speech frame.
        speech_start_sample: u64,
        /// Frames judged speech.
        speech_frames: u32,
        /// Why.
        reason: DiscardReason,
        /// Stream sample index just after the deciding frame.
        endpoint_sample: u64,
    },
}

/// Seconds covered by `samples` at 16 kHz.
pub fn samples_to_seconds(samples: u64) -> f64 {
    samples as f64 / f64::from(SAMPLE_RATE)
}

fn ms_to_frames(ms: u32) -> u32 {
    let frame_ms = FRAME_SAMPLES as u32 * 1000 / SAMPLE_RATE; // 16
    ms.div_ceil(frame_ms).max(1)
}

/// Endpointing thresholds in frames.
#[derive(Debug, Clone, Copy)]
struct Limits {
    threshold: f32,
    gate_dbfs: f32,
    start_frames: u32,
    min_speech_frames: u32,
    hangover_frames: u32,
    /// Silence frames before a [`EndpointEvent::Paused`]; `None`: no early recognition.
    early_frames: Option<u32>,
    max_frames: u32,
    pre_roll_frames: u32,
    barge_in_margin_db: f32,
    priming_frames: u32,
    /// dB per frame that the robot-voice reference falls by after priming.
    playback_decay_db: f32,
}

impl Limits {
    fn new(params: &Params) -> Self {
        let vad = &params.vad;
        let priming_frames = ms_to_frames((params.playback_level_window_s * 1000.0) as u32);
        Self {
            threshold: vad.threshold,
            gate_dbfs: vad.energy_gate_dbfs,
            start_frames: ms_to_frames(vad.start_ms),
            min_speech_frames: vad.min_speech_ms.div_ceil(16),
            hangover_frames: ms_to_frames(vad.hangover_ms),
            early_frames: (vad.early_recognition_ms > 0)
                .then(|| ms_to_frames(vad.early_recognition_ms)),
            max_frames: ms_to_frames((vad.max_utterance_s * 1000.0) as u32),
            pre_roll_frames: vad.pre_roll_ms.div_ceil(16),
            barge_in_margin_db: params.barge_in_margin_db,
            priming_frames,
            // The reference falls 6 dB per window: it tracks a voice that gets quieter.
            playback_decay_db: 6.0 / priming_frames as f32,
        }
    }
}

/// The level of the robot's own voice at the microphone while it speaks.
#[derive(Debug, Clone, Copy)]
struct PlaybackLevel {
    reference_dbfs: f32,
    priming_left: u32,
}

/// How fast the robot-voice reference may rise after priming, dB per frame.
const PLAYBACK_RISE_DB_PER_FRAME: f32 = 0.5;
/// Frames after the start at which the level variation is judged (512 ms).
const STATIONARY_CHECK_FRAMES: u32 = 32;
/// Speech varies by several dB from frame to frame; a hum by a fraction of one.
const STATIONARY_MAX_STD_DB: f32 = 1.0;
/// While a steady sound goes on, frames within this many dB of its level are not speech.
const STATIONARY_BAND_DB: f32 = 3.0;

#[derive(Debug, Clone)]
struct Open {
    samples: Vec<f32>,
    first_sample: u64,
    speech_start_sample: u64,
    speech_end_sample: u64,
    speech_frames: u32,
    probability_sum: f32,
    level_sum: f32,
    silence_run: u32,
    robot_speaking_at_start: bool,
    frames: u32,
    level_square_sum: f32,
    /// A [`EndpointEvent::Paused`] was sent for the current silence.
    paused: bool,
}

impl Open {
    /// The utterance, as recognition gets it.
    fn into_utterance(self, endpoint_sample: u64, end: EndReason) -> Utterance {
        let frames = self.speech_frames.max(1) as f32;
        Utterance {
            samples: self.samples,
            first_sample: self.first_sample,
            speech_start_sample: self.speech_start_sample,
            speech_end_sample: self.speech_end_sample,
            endpoint_sample,
            speech_frames: self.speech_frames,
            mean_probability: self.probability_sum / frames,
            level_dbfs: self.level_sum / frames,
            robot_speaking_at_start: self.robot_speaking_at_start,
            end,
        }
    }
}

/// The endpointing state machine. Feed it every frame in order with [`Endpointer::push_frame`].
#[derive(Debug)]
pub struct Endpointer {
    limits: Limits,
    /// Samples of the frames before an utterance: pre-roll plus the current speech run.
    recent: VecDeque<f32>,
    speech_run: u32,
    open: Option<Open>,
    /// Stream sample index just after the last frame pushed.
    next_sample: u64,
    playback: Option<PlaybackLevel>,
    /// Level of a steady sound that was discarded and still goes on.
    stationary_dbfs: Option<f32>,
}

impl Endpointer {
    /// An endpointer with validated parameters.
    pub fn new(params: &Params) -> Self {
        let limits = Limits::new(params);
        let recent_frames = (limits.pre_roll_frames + limits.start_frames) as usize;
        Self {
            limits,
            recent: VecDeque::with_capacity(recent_frames * FRAME_SAMPLES),
            speech_run: 0,
            open: None,
            next_sample: 0,
            playback: None,
            stationary_dbfs: None,
        }
    }

    /// The robot started (`true`) or stopped speaking.
    pub fn set_robot_speaking(&mut self, speaking: bool) {
        match (speaking, self.playback.is_some()) {
            (true, false) => {
                self.playback = Some(PlaybackLevel {
                    reference_dbfs: -120.0,
                    priming_left: self.limits.priming_frames,
                });
            }
            (false, true) => self.playback = None,
            _ => {}
        }
    }

    /// Whether the robot is speaking, as last told.
    pub fn robot_speaking(&self) -> bool {
        self.playback.is_some()
    }

    /// Stream sample index just after the last frame pushed.
    pub fn position(&self) -> u64 {
        self.next_sample
    }

    /// Whether an utterance is open.
    pub fn in_utterance(&self) -> bool {
        self.open.is_some()
    }

    /// Skips `samples` of missing audio (a gap in the stream): an open utterance ends there.
    pub fn skip(&mut self, samples: u64) -> Option<EndpointEvent> {
        let event = self.close(EndReason::EndOfStream);
        self.recent.clear();
        self.speech_run = 0;
        self.next_sample += samples;
        event
    }

    /// Judges one frame: speech if the VAD says so, it passes the energy gate and, while the
    /// robot speaks, it is clearly louder than the robot's voice.
    fn is_speech(&mut self, voice: FrameVoice) -> bool {
        let mut voiced =
            voice.probability >= self.limits.threshold && voice.level_dbfs >= self.limits.gate_dbfs;
        if let Some(steady) = self.stationary_dbfs {
            if voice.level_dbfs < steady - STATIONARY_BAND_DB {
                // The steady sound stopped.
                self.stationary_dbfs = None;
            } else if voice.level_dbfs < steady + STATIONARY_BAND_DB {
                voiced = false;
            }
        }
        let Some(playback) = self.playback.as_mut() else {
            return voiced;
        };
        if playback.priming_left > 0 {
            playback.priming_left -= 1;
            playback.reference_dbfs = playback.reference_dbfs.max(voice.level_dbfs);
            return false;
        }
        let loud = voice.level_dbfs >= playback.reference_dbfs + self.limits.barge_in_margin_db;
        if !loud {
            // Slow both ways: a user's rising onset must not lift the reference it is
            // measured against (0.5 dB per 16 ms frame up, 6 dB per window down).
            let reference = playback.reference_dbfs;
            playback.reference_dbfs = if voice.level_dbfs > reference {
                voice.level_dbfs.min(reference + PLAYBACK_RISE_DB_PER_FRAME)
            } else {
                voice
                    .level_dbfs
                    .max(reference - self.limits.playback_decay_db)
            };
        }
        voiced && loud
    }

    /// Pushes one frame of [`FRAME_SAMPLES`] samples with its VAD scores.
    pub fn push_frame(&mut self, frame: &[f32], voice: FrameVoice) -> Option<EndpointEvent> {
        self.next_sample += frame.len() as u64;
        let speech = self.is_speech(voice);
        if let Some(open) = self.open.as_mut() {
            open.samples.extend_from_slice(frame);
            open.frames += 1;
            let mut resumed = false;
            if speech {
                open.speech_frames += 1;
                open.probability_sum += voice.probability;
                open.level_sum += voice.level_dbfs;
                open.level_square_sum += voice.level_dbfs * voice.level_dbfs;
                open.silence_run = 0;
                open.speech_end_sample = self.next_sample;
                resumed = std::mem::take(&mut open.paused);
            } else {
                open.silence_run += 1;
            }
            if open.frames == STATIONARY_CHECK_FRAMES && open.speech_frames == open.frames {
                let n = open.speech_frames as f32;
                let mean = open.level_sum / n;
                let variance = (open.level_square_sum / n - mean * mean).max(0.0);
                if variance.sqrt() < STATIONARY_MAX_STD_DB {
                    self.stationary_dbfs = Some(mean);
                    let open = self.open.take()?;
                    return Some(EndpointEvent::Discarded {
                        speech_start_sample: open.speech_start_sample,
                        speech_frames: open.speech_frames,
                        reason: DiscardReason::Stationary,
                        endpoint_sample: self.next_sample,
                    });
                }
            }
            if open.silence_run >= self.limits.hangover_frames {
                return self.close(EndReason::Silence);
            }
            let frames = open.samples.len() / FRAME_SAMPLES;
            if frames >= self.limits.max_frames as usize {
                return self.close(EndReason::MaxLength);
            }
            if resumed {
                return Some(EndpointEvent::Resumed);
            }
            if Some(open.silence_run) == self.limits.early_frames
                && open.speech_frames >= self.limits.min_speech_frames
            {
                open.paused = true;
                let so_far = open
                    .clone()
                    .into_utterance(self.next_sample, EndReason::Silence);
                return Some(EndpointEvent::Paused(so_far));
            }
            return None;
        }
        self.recent.extend(frame.iter().copied());
        let keep =
            (self.limits.pre_roll_frames + self.limits.start_frames) as usize * FRAME_SAMPLES;
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
        if !speech {
            self.speech_run = 0;
            return None;
        }
        self.speech_run += 1;
        if self.speech_run < self.limits.start_frames {
            return None;
        }
        let run_samples = u64::from(self.speech_run) * FRAME_SAMPLES as u64;
        let speech_start_sample = self.next_sample - run_samples;
        let samples: Vec<f32> = self.recent.drain(..).collect();
        let first_sample = self.next_sample - samples.len() as u64;
        let robot_speaking = self.playback.is_some();
        self.open = Some(Open {
            samples,
            first_sample,
            speech_start_sample,
            speech_end_sample: self.next_sample,
            speech_frames: self.speech_run,
            // Only the opening frame's scores are known here; the run's earlier frames were
            // above the threshold too.
            probability_sum: voice.probability * self.speech_run as f32,
            level_sum: voice.level_dbfs * self.speech_run as f32,
            level_square_sum: voice.level_dbfs * voice.level_dbfs * self.speech_run as f32,
            silence_run: 0,
            robot_speaking_at_start: robot_speaking,
            frames: self.speech_run,
            paused: false,
        });
        self.speech_run = 0;
        Some(EndpointEvent::Started {
            speech_start_sample,
            probability: voice.probability,
            level_dbfs: voice.level_dbfs,
            robot_speaking,
        })
    }

    /// Ends an open utterance now (end of the stream).
    pub fn flush(&mut self) -> Option<EndpointEvent> {
        self.close(EndReason::EndOfStream)
    }

    fn close(&mut self, end: EndReason) -> Option<EndpointEvent> {
        let open = self.open.take()?;
        if open.speech_frames < self.limits.min_speech_frames {
            return Some(EndpointEvent::Discarded {
                speech_start_sample: open.speech_start_sample,
                speech_frames: open.speech_frames,
                reason: DiscardReason::TooShort,
                endpoint_sample: self.next_sample,
            });
        }
        Some(EndpointEvent::Ended(
            open.into_utterance(self.next_sample, end),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEECH: FrameVoice = FrameVoice {
        probability: 0.9,
        level_dbfs: -20.0,
    };
    const QUIET: FrameVoice = FrameVoice {
        probability: 0.05,
        level_dbfs: -70.0,
    };

    /// Frames at `voice`'s level ±3 dB, alternating, as syllables vary.
    fn feed(endpointer: &mut Endpointer, voice: FrameVoice, frames: usize) -> Vec<EndpointEvent> {
        let frame = [0.1_f32; FRAME_SAMPLES];
        (0..frames)
            .filter_map(|i| {
                let swing = if i % 2 == 0 { 3.0 } else { -3.0 };
                let voice = FrameVoice {
                    level_dbfs: voice.level_dbfs + swing,
                    ..voice
                };
                endpointer.push_frame(&frame, voice)
            })
            .collect()
    }

    #[test]
    fn speech_between_silences_gives_start_then_one_utterance_with_pre_roll() {
        let params = Params::default();
        let mut endpointer = Endpointer::new(&params);
        assert!(feed(&mut endpointer, QUIET, 50).is_empty());
        let started = feed(&mut endpointer, SPEECH, 60);
        assert_eq!(started.len(), 1);
        let EndpointEvent::Started {
            speech_start_sample,
            robot_speaking,
            ..
        } = started[0]
        else {
            panic!("expected a start, got {started:?}");
        };
        assert_eq!(speech_start_sample, 50 * FRAME_SAMPLES as u64);
        assert!(!robot_speaking);
        let ended = feed(&mut endpointer, QUIET, 40);
        assert_eq!(ended.len(), 2, "{ended:?}");
        let (EndpointEvent::Paused(early), EndpointEvent::Ended(utterance)) =
            (&ended[0], &ended[1])
        else {
            panic!("expected a pause then an end, got {ended:?}");
        };
        assert_eq!(utterance.end, EndReason::Silence);
        // The early recognition hears the same speech, with less trailing silence.
        assert_eq!(early.speech_start_sample, utterance.speech_start_sample);
        assert_eq!(early.speech_end_sample, utterance.speech_end_sample);
        let early_frames = ms_to_frames(params.vad.early_recognition_ms) as u64;
        assert_eq!(
            early.endpoint_sample,
            early.speech_end_sample + early_frames * FRAME_SAMPLES as u64
        );
        assert_eq!(
            utterance.samples[..early.samples.len()],
            early.samples[..],
            "the early audio is the start of the final audio"
        );
        assert_eq!(utterance.speech_frames, 60);
        let pre_roll = params.vad.pre_roll_ms.div_ceil(16) as u64 * FRAME_SAMPLES as u64;
        assert_eq!(
            utterance.first_sample,
            utterance.speech_start_sample - pre_roll
        );
        assert_eq!(utterance.speech_end_sample, 110 * FRAME_SAMPLES as u64);
        let hangover = ms_to_frames(params.vad.hangover_ms) as u64;
        assert_eq!(
            utterance.endpoint_sample,
            utterance.speech_end_sample + hangover * FRAME_SAMPLES as u64
        );
        assert_eq!(
            utterance.samples.len() as u64,
            utterance.endpoint_sample - utterance.first_sample
        );
    }

    #[test]
    fn speech_after_a_pause_voids_the_early_recognition() {
        let params = Params::default();
        let mut endpointer = Endpointer::new(&params);
        let pause = ms_to_frames(params.vad.early_recognition_ms) as usize;
        feed(&mut endpointer, SPEECH, 30);
        let paused = feed(&mut endpointer, QUIET, pause + 2);
        assert!(
            matches!(paused[..], [EndpointEvent::Paused(_)]),
            "{paused:?}"
        );
        let resumed = feed(&mut endpointer, SPEECH, 20);
        assert!(
            matches!(resumed[..], [EndpointEvent::Resumed]),
            "{resumed:?}"
        );
        // A shorter pause offers nothing; the final silence offers the whole utterance.
        assert!(feed(&mut endpointer, QUIET, pause - 1).is_empty());
        feed(&mut endpointer, SPEECH, 10);
        let ended = feed(&mut endpointer, QUIET, 40);
        let [
            EndpointEvent::Paused(early),
            EndpointEvent::Ended(utterance),
        ] = &ended[..]
        else {
            panic!("expected a pause then an end, got {ended:?}");
        };
        assert_eq!(early.speech_frames, utterance.speech_frames);
        assert_eq!(utterance.speech_frames, 60);

        let mut off = Params::default();
        off.vad.early_recognition_ms = 0;
        let mut endpointer = Endpointer::new(&off);
        feed(&mut endpointer, SPEECH, 30);
        let ended = feed(&mut endpointer, QUIET, 40);
        assert!(matches!(ended[..], [EndpointEvent::Ended(_)]), "{ended:?}");
    }

    #[test]
    fn short_blips_are_discarded_and_single_frames_never_start() {
        let mut endpointer = Endpointer::new(&Params::default());
        for _ in 0..20 {
            feed(&mut endpointer, SPEECH, 2);
            assert!(feed(&mut endpointer, QUIET, 2).is_empty());
        }
        let events = [
            feed(&mut endpointer, SPEECH, 6),
            feed(&mut endpointer, QUIET, 30),
        ]
        .concat();
        assert!(matches!(events[0], EndpointEvent::Started { .. }));
        assert!(matches!(
            events[1],
            EndpointEvent::Discarded {
                reason: DiscardReason::TooShort,
                ..
            }
        ));
    }

    #[test]
    fn long_speech_is_cut_at_the_maximum_length() {
        let mut params = Params::default();
        params.vad.max_utterance_s = 2.0;
        let mut endpointer = Endpointer::new(&params);
        let events = feed(&mut endpointer, SPEECH, 300);
        let cuts: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                EndpointEvent::Ended(u) => Some(u),
                _ => None,
            })
            .collect();
        assert!(cuts.len() >= 2, "{events:?}");
        assert!(cuts.iter().all(|u| u.end == EndReason::MaxLength));
        assert!(cuts.iter().all(|u| u.samples.len() <= 2 * 16_000));
    }

    #[test]
    fn quiet_frames_below_the_energy_gate_are_not_speech() {
        let mut endpointer = Endpointer::new(&Params::default());
        let whisper_quiet = FrameVoice {
            probability: 0.99,
            level_dbfs: -80.0,
        };
        assert!(feed(&mut endpointer, whisper_quiet, 200).is_empty());
    }

    #[test]
    fn robot_voice_is_ignored_but_a_louder_voice_barges_in() {
        let mut endpointer = Endpointer::new(&Params::default());
        endpointer.set_robot_speaking(true);
        let robot = FrameVoice {
            probability: 0.95,
            level_dbfs: -30.0,
        };
        assert!(feed(&mut endpointer, robot, 300).is_empty());
        let slightly_louder = FrameVoice {
            probability: 0.95,
            level_dbfs: -24.0,
        };
        assert!(feed(&mut endpointer, slightly_louder, 100).is_empty());
        let user = FrameVoice {
            probability: 0.95,
            level_dbfs: -8.0,
        };
        let events = feed(&mut endpointer, user, 10);
        assert!(
            matches!(
                events.first(),
                Some(EndpointEvent::Started {
                    robot_speaking: true,
                    ..
                })
            ),
            "{events:?}"
        );
        endpointer.set_robot_speaking(false);
        assert!(!endpointer.robot_speaking());
    }

    #[test]
    fn a_steady_sound_is_discarded_once_and_then_ignored_until_it_stops() {
        let mut endpointer = Endpointer::new(&Params::default());
        let hum = FrameVoice {
            probability: 0.8,
            level_dbfs: -15.0,
        };
        let frame = [0.1_f32; FRAME_SAMPLES];
        let events: Vec<_> = (0..400)
            .filter_map(|_| endpointer.push_frame(&frame, hum))
            .collect();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(matches!(
            events[1],
            EndpointEvent::Discarded {
                reason: DiscardReason::Stationary,
                ..
            }
        ));
        // Speech over the hum is louder, so it still gets through.
        let over = [
            FrameVoice {
                probability: 0.9,
                level_dbfs: -5.0,
            },
            FrameVoice {
                probability: 0.9,
                level_dbfs: -9.0,
            },
        ];
        let events: Vec<_> = (0..60)
            .filter_map(|i| endpointer.push_frame(&frame, over[i % 2]))
            .collect();
        assert!(
            matches!(events[0], EndpointEvent::Started { .. }),
            "{events:?}"
        );
        assert_eq!(
            events.len(),
            1,
            "varying speech is not stationary: {events:?}"
        );
    }

    #[test]
    fn a_gap_in_the_stream_ends_the_open_utterance() {
        let mut endpointer = Endpointer::new(&Params::default());
        feed(&mut endpointer, SPEECH, 30);
        let before = endpointer.position();
        assert!(matches!(
            endpointer.skip(16_000),
            Some(EndpointEvent::Ended(Utterance {
                end: EndReason::EndOfStream,
                ..
            }))
        ));
        assert_eq!(endpointer.position(), before + 16_000);
        assert!(!endpointer.in_utterance());
    }
}
