//! What to say when: the reply queue, cancellation, urgent replies and barge-in, as a pure
//! state machine. The shell turns its [`Output`]s into calls on the [`crate::Speaker`] and
//! `/speech/speaking` messages, and feeds back the speaker's [`PlaybackEvent`]s.
//!
//! Rules:
//! - segments of the reply being spoken are spoken after it, in order; duplicates are dropped;
//! - a new reply cancels the one being spoken (`END_CANCELED`) with `on_new_reply: replace`,
//!   or waits behind it with `queue` (at most `max_queued_replies`, the oldest dropped);
//! - an *urgent* reply (one whose `task_id` names a task with a STOP step, seen on
//!   `/assistant/task` before or after the reply) goes first and cuts off anything that is
//!   not itself urgent; nothing but another urgent reply cuts an urgent reply off;
//! - `SPEECH_STARTED` while an interruptible reply is on stops it (`END_INTERRUPTED`) and
//!   drops the queued replies: the user has the floor, and the brain answers anew;
//! - `/speech/speaking` goes `true` at the reply's first audio sample (with `time_to_audio`
//!   from its receipt) and `false` when it ends, with the reason and the audio played.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use embodied_msgs::msg::{AssistantReply, SpeakingState, SpeechActivity, Task, TaskStep};

use crate::params::{Params, ReplyPolicy};
use crate::playback::PlaybackEvent;

/// STOP task ids remembered to recognise the replies that acknowledge them.
const REMEMBERED_STOP_TASKS: usize = 32;

/// What the node hears.
#[derive(Debug, Clone)]
pub enum Input {
    /// A reply segment on `/assistant/reply`.
    Reply(AssistantReply),
    /// Voice activity on `/speech/activity`.
    Activity(SpeechActivity),
    /// A task on `/assistant/task` (to recognise replies acknowledging a STOP).
    Task(Task),
    /// What the speaker reports.
    Playback(PlaybackEvent),
}

/// What the node does.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Synthesise and play `text` of `reply_id` after what is already queued; `last` marks
    /// the final segment.
    Speak {
        /// The reply.
        reply_id: String,
        /// Text to say.
        text: String,
        /// Whether no more text of this reply will follow.
        last: bool,
    },
    /// Stop now and flush every buffer.
    Stop,
    /// Publish on `/speech/speaking` (the shell stamps the header).
    Speaking(SpeakingState),
}

/// A reply waiting or being spoken.
#[derive(Debug, Clone)]
struct Reply {
    reply_id: String,
    utterance_id: String,
    task_id: String,
    received: Instant,
    interruptible: bool,
    urgent: bool,
    /// Next segment index expected (earlier ones are duplicates).
    next_segment: u32,
    /// Text received and not yet handed to the speaker.
    unsent: Vec<String>,
    final_seen: bool,
}

impl Reply {
    fn new(message: &AssistantReply, now: Instant, urgent: bool) -> Self {
        Self {
            reply_id: message.reply_id.clone(),
            utterance_id: message.utterance_id.clone(),
            task_id: message.task_id.clone(),
            received: now,
            interruptible: message.interruptible,
            urgent,
            next_segment: 0,
            unsent: Vec::new(),
            final_seen: false,
        }
    }

    /// Takes in a segment; false for a duplicate.
    fn add_segment(&mut self, message: &AssistantReply) -> bool {
        if message.segment_index < self.next_segment || self.final_seen {
            return false;
        }
        if message.segment_index > self.next_segment {
            tracing::warn!(reply_id = %self.reply_id, expected = self.next_segment, got = message.segment_index, "reply segments missing");
        }
        self.next_segment = message.segment_index + 1;
        if !message.text.trim().is_empty() {
            self.unsent.push(message.text.clone());
        }
        self.final_seen |= message.is_final;
        true
    }
}

/// The reply on the speaker.
#[derive(Debug, Clone)]
struct Current {
    reply: Reply,
    /// When its first sample played.
    started: Option<Instant>,
}

/// The voice-out state machine.
#[derive(Debug)]
pub struct Logic {
    policy: ReplyPolicy,
    max_queued: usize,
    current: Option<Current>,
    queue: VecDeque<Reply>,
    stop_tasks: VecDeque<String>,
}

impl Logic {
    /// A logic with nothing to say.
    pub fn new(params: &Params) -> Self {
        Self {
            policy: params.on_new_reply,
            max_queued: params.max_queued_replies,
            current: None,
            queue: VecDeque::new(),
            stop_tasks: VecDeque::new(),
        }
    }

    /// The reply being spoken (or synthesised), if any.
    pub fn current_reply(&self) -> Option<&str> {
        self.current.as_ref().map(|c| c.reply.reply_id.as_str())
    }

    /// Replies waiting.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Handles one input at `now`.
    pub fn handle(&mut self, now: Instant, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::Reply(message) => self.on_reply(now, &message, &mut out),
            Input::Activity(activity) => {
                if activity.event == SpeechActivity::EVENT_SPEECH_STARTED {
                    self.on_speech_started(now, &mut out);
                }
            }
            Input::Task(task) => self.on_task(now, &task, &mut out),
            Input::Playback(event) => self.on_playback(now, event, &mut out),
        }
        out
    }

    /// Stops whatever is on (at shutdown), reporting it as canceled.
    pub fn shutdown(&mut self, now: Instant) -> Vec<Output> {
        let mut out = Vec::new();
        self.queue.clear();
        self.end_current(now, SpeakingState::END_CANCELED, None, &mut out);
        out
    }

    fn on_reply(&mut self, now: Instant, message: &AssistantReply, out: &mut Vec<Output>) {
        if message.reply_id.is_empty() {
            tracing::warn!("reply without reply_id dropped");
            return;
        }
        if let Some(current) = &mut self.current
            && current.reply.reply_id == message.reply_id
        {
            if current.reply.add_segment(message) {
                Self::send_unsent(&mut current.reply, out);
            }
            return;
        }
        if let Some(queued) = self
            .queue
            .iter_mut()
            .find(|r| r.reply_id == message.reply_id)
        {
            queued.add_segment(message);
            return;
        }
        let urgent = self.is_stop_task(&message.task_id);
        let mut reply = Reply::new(message, now, urgent);
        reply.add_segment(message);
        self.enqueue(now, reply, out);
    }

    fn enqueue(&mut self, now: Instant, reply: Reply, out: &mut Vec<Output>) {
        let Some(current) = &self.current else {
            self.start(reply, out);
            return;
        };
        let current_urgent = current.reply.urgent;
        if reply.urgent && !current_urgent {
            self.end_current(now, SpeakingState::END_CANCELED, None, out);
            self.start(reply, out);
        } else if self.policy == ReplyPolicy::Replace && !current_urgent && !reply.urgent {
            self.end_current(now, SpeakingState::END_CANCELED, None, out);
            self.queue.clear();
            self.start(reply, out);
        } else {
            if reply.urgent {
                // Behind the urgent reply on now, ahead of everything else.
                let at = self.queue.iter().take_while(|r| r.urgent).count();
                self.queue.insert(at, reply);
            } else {
                self.queue.push_back(reply);
            }
            while self.queue.len() > self.max_queued {
                // The oldest non-urgent reply goes.
                let index = self.queue.iter().position(|r| !r.urgent).unwrap_or(0);
                if let Some(dropped) = self.queue.remove(index) {
                    tracing::warn!(reply_id = %dropped.reply_id, "reply queue full: dropped");
                }
            }
        }
    }

    fn start(&mut self, mut reply: Reply, out: &mut Vec<Output>) {
        Self::send_unsent(&mut reply, out);
        self.current = Some(Current {
            reply,
            started: None,
        });
    }

    fn send_unsent(reply: &mut Reply, out: &mut Vec<Output>) {
        let texts = std::mem::take(&mut reply.unsent);
        let count = texts.len();
        for (index, text) in texts.into_iter().enumerate() {
            out.push(Output::Speak {
                reply_id: reply.reply_id.clone(),
                text,
                last: reply.final_seen && index + 1 == count,
            });
        }
        if count == 0 && reply.final_seen {
            // The final segment had no words: close the reply so its end is reported.
            out.push(Output::Speak {
                reply_id: reply.reply_id.clone(),
                text: String::new(),
                last: true,
            });
        }
    }

    /// Ends the current reply: stops the speaker and reports `reason` if it was heard.
    fn end_current(
        &mut self,
        now: Instant,
        reason: u8,
        played: Option<Duration>,
        out: &mut Vec<Output>,
    ) {
        let Some(current) = self.current.take() else {
            return;
        };
        if reason != SpeakingState::END_COMPLETED {
            out.push(Output::Stop);
        }
        if let Some(started) = current.started {
            let spoken = played.unwrap_or_else(|| now.saturating_duration_since(started));
            out.push(Output::Speaking(SpeakingState {
                speaking: false,
                utterance_id: current.reply.utterance_id.clone(),
                reply_id: current.reply.reply_id.clone(),
                end_reason: reason,
                time_to_audio: started
                    .saturating_duration_since(current.reply.received)
                    .into(),
                spoken_duration: spoken.into(),
                ..SpeakingState::default()
            }));
        }
        tracing::info!(reply_id = %current.reply.reply_id, reason = end_reason_name(reason), heard = current.started.is_some(), "reply ended");
    }

    fn start_next(&mut self, out: &mut Vec<Output>) {
        if self.current.is_none()
            && let Some(next) = self.queue.pop_front()
        {
            self.start(next, out);
        }
    }

    fn on_speech_started(&mut self, now: Instant, out: &mut Vec<Output>) {
        let interruptible = self
            .current
            .as_ref()
            .is_some_and(|current| current.reply.interruptible);
        if !interruptible {
            return;
        }
        let dropped = self.queue.len();
        self.queue.clear();
        tracing::info!(dropped_queued = dropped, "barge-in");
        self.end_current(now, SpeakingState::END_INTERRUPTED, None, out);
    }

    fn on_task(&mut self, now: Instant, task: &Task, out: &mut Vec<Output>) {
        if task.task_id.is_empty() || !task.steps.iter().any(|s| s.kind == TaskStep::STOP) {
            return;
        }
        if self.stop_tasks.len() == REMEMBERED_STOP_TASKS {
            self.stop_tasks.pop_front();
        }
        self.stop_tasks.push_back(task.task_id.clone());
        // The reply may have come first.
        if let Some(current) = &mut self.current
            && current.reply.task_id == task.task_id
        {
            current.reply.urgent = true;
            return;
        }
        if let Some(index) = self.queue.iter().position(|r| r.task_id == task.task_id)
            && let Some(mut reply) = self.queue.remove(index)
        {
            reply.urgent = true;
            self.enqueue(now, reply, out);
        }
    }

    fn is_stop_task(&self, task_id: &str) -> bool {
        !task_id.is_empty() && self.stop_tasks.iter().any(|id| id == task_id)
    }

    fn on_playback(&mut self, now: Instant, event: PlaybackEvent, out: &mut Vec<Output>) {
        match event {
            PlaybackEvent::Started { reply_id, at } => {
                let Some(current) = &mut self.current else {
                    return;
                };
                if current.reply.reply_id != reply_id || current.started.is_some() {
                    return;
                }
                current.started = Some(at);
                let time_to_audio = at.saturating_duration_since(current.reply.received);
                tracing::info!(%reply_id, time_to_audio_ms = time_to_audio.as_millis() as u64, "speaking");
                out.push(Output::Speaking(SpeakingState {
                    speaking: true,
                    utterance_id: current.reply.utterance_id.clone(),
                    reply_id,
                    end_reason: SpeakingState::END_NONE,
                    time_to_audio: time_to_audio.into(),
                    ..SpeakingState::default()
                }));
            }
            PlaybackEvent::Finished {
                reply_id, played, ..
            } => {
                if self.current_reply() != Some(reply_id.as_str()) {
                    return;
                }
                self.end_current(now, SpeakingState::END_COMPLETED, Some(played), out);
                self.start_next(out);
            }
            PlaybackEvent::Failed { reply_id, reason } => {
                let is_current = match &reply_id {
                    Some(id) => self.current_reply() == Some(id.as_str()),
                    None => self.current.is_some(),
                };
                if !is_current {
                    return;
                }
                tracing::warn!(?reply_id, %reason, "speech output failed");
                self.end_current(now, SpeakingState::END_FAILED, None, out);
                self.start_next(out);
            }
            PlaybackEvent::Synthesized {
                reply_id, sentence, ..
            } => {
                tracing::debug!(%reply_id, sentence, "sentence synthesised");
            }
        }
    }
}

/// The name of a [`SpeakingState`] end reason (`completed`, `interrupted`, ...), for logs and
/// reports.
pub fn end_reason_name(reason: u8) -> &'static str {
    match reason {
        SpeakingState::END_COMPLETED => "completed",
        SpeakingState::END_INTERRUPTED => "interrupted",
        SpeakingState::END_CANCELED => "canceled",
        SpeakingState::END_FAILED => "failed",
        _ => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: &str, text: &str) -> AssistantReply {
        AssistantReply {
            utterance_id: format!("u-{id}"),
            reply_id: id.into(),
            is_final: true,
            text: text.into(),
            interruptible: true,
            ..AssistantReply::default()
        }
    }

    fn stop_task(id: &str) -> Task {
        Task {
            task_id: id.into(),
            steps: vec![TaskStep {
                kind: TaskStep::STOP,
                ..TaskStep::default()
            }],
            ..Task::default()
        }
    }

    fn speech_started() -> SpeechActivity {
        SpeechActivity {
            event: SpeechActivity::EVENT_SPEECH_STARTED,
            ..SpeechActivity::default()
        }
    }

    fn speak(id: &str, text: &str, last: bool) -> Output {
        Output::Speak {
            reply_id: id.into(),
            text: text.into(),
            last,
        }
    }

    fn states(outputs: &[Output]) -> Vec<(bool, String, u8)> {
        outputs
            .iter()
            .filter_map(|o| match o {
                Output::Speaking(s) => Some((s.speaking, s.reply_id.clone(), s.end_reason)),
                _ => None,
            })
            .collect()
    }

    fn started(logic: &mut Logic, t: Instant, id: &str) -> Vec<Output> {
        logic.handle(
            t,
            Input::Playback(PlaybackEvent::Started {
                reply_id: id.into(),
                at: t,
            }),
        )
    }

    #[test]
    fn a_reply_is_spoken_then_completed_with_timings() {
        let mut logic = Logic::new(&Params::default());
        let t0 = Instant::now();
        let out = logic.handle(t0, Input::Reply(reply("r1", "Going to the kitchen.")));
        assert_eq!(out, vec![speak("r1", "Going to the kitchen.", true)]);
        let out = started(&mut logic, t0 + Duration::from_millis(40), "r1");
        let Output::Speaking(state) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(state.speaking);
        assert_eq!(state.utterance_id, "u-r1");
        assert_eq!(state.time_to_audio.as_nanos(), 40_000_000);
        let out = logic.handle(
            t0 + Duration::from_secs(2),
            Input::Playback(PlaybackEvent::Finished {
                reply_id: "r1".into(),
                played: Duration::from_millis(1500),
                at: t0,
            }),
        );
        let Output::Speaking(state) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(!state.speaking);
        assert_eq!(state.end_reason, SpeakingState::END_COMPLETED);
        assert_eq!(state.spoken_duration.as_nanos(), 1_500_000_000);
        assert_eq!(logic.current_reply(), None);
    }

    #[test]
    fn segments_follow_in_order_and_duplicates_are_dropped() {
        let mut logic = Logic::new(&Params::default());
        let t = Instant::now();
        let first = AssistantReply {
            is_final: false,
            ..reply("r1", "First.")
        };
        assert_eq!(
            logic.handle(t, Input::Reply(first.clone())),
            vec![speak("r1", "First.", false)]
        );
        assert!(logic.handle(t, Input::Reply(first)).is_empty());
        let second = AssistantReply {
            segment_index: 1,
            ..reply("r1", "Second.")
        };
        assert_eq!(
            logic.handle(t, Input::Reply(second)),
            vec![speak("r1", "Second.", true)]
        );
    }

    #[test]
    fn a_newer_reply_cancels_or_queues_by_policy() {
        let t = Instant::now();
        let mut replace = Logic::new(&Params::default());
        replace.handle(t, Input::Reply(reply("r1", "One.")));
        started(&mut replace, t, "r1");
        let out = replace.handle(t, Input::Reply(reply("r2", "Two.")));
        assert_eq!(out[0], Output::Stop);
        assert_eq!(
            states(&out),
            vec![(false, "r1".into(), SpeakingState::END_CANCELED)]
        );
        assert_eq!(out.last(), Some(&speak("r2", "Two.", true)));

        let mut queue = Logic::new(&Params {
            on_new_reply: ReplyPolicy::Queue,
            ..Params::default()
        });
        queue.handle(t, Input::Reply(reply("r1", "One.")));
        started(&mut queue, t, "r1");
        assert!(
            queue
                .handle(t, Input::Reply(reply("r2", "Two.")))
                .is_empty()
        );
        let out = queue.handle(
            t,
            Input::Playback(PlaybackEvent::Finished {
                reply_id: "r1".into(),
                played: Duration::from_secs(1),
                at: t,
            }),
        );
        assert_eq!(
            states(&out),
            vec![(false, "r1".into(), SpeakingState::END_COMPLETED)]
        );
        assert_eq!(out.last(), Some(&speak("r2", "Two.", true)));
    }

    #[test]
    fn a_stop_acknowledgement_jumps_the_queue_whichever_comes_first() {
        let t = Instant::now();
        let params = Params {
            on_new_reply: ReplyPolicy::Queue,
            ..Params::default()
        };
        // Task first, then its reply.
        let mut logic = Logic::new(&params);
        logic.handle(t, Input::Reply(reply("long", "A long story.")));
        started(&mut logic, t, "long");
        logic.handle(t, Input::Reply(reply("other", "Queued.")));
        logic.handle(t, Input::Task(stop_task("t-stop")));
        let out = logic.handle(
            t,
            Input::Reply(AssistantReply {
                task_id: "t-stop".into(),
                ..reply("ack", "Stopping.")
            }),
        );
        assert_eq!(out[0], Output::Stop);
        assert_eq!(
            states(&out),
            vec![(false, "long".into(), SpeakingState::END_CANCELED)]
        );
        assert_eq!(out.last(), Some(&speak("ack", "Stopping.", true)));
        assert_eq!(logic.queued(), 1);
        // A later ordinary reply does not cut the acknowledgement off, even with replace.
        let mut replace = Logic::new(&Params::default());
        replace.handle(t, Input::Task(stop_task("t2")));
        replace.handle(
            t,
            Input::Reply(AssistantReply {
                task_id: "t2".into(),
                ..reply("ack2", "Stopping.")
            }),
        );
        assert!(
            replace
                .handle(t, Input::Reply(reply("r3", "Hi.")))
                .is_empty()
        );
        assert_eq!(replace.current_reply(), Some("ack2"));

        // Reply first (queued), then its task: promoted and started at once.
        let mut logic = Logic::new(&params);
        logic.handle(t, Input::Reply(reply("long", "A long story.")));
        logic.handle(
            t,
            Input::Reply(AssistantReply {
                task_id: "t-late".into(),
                ..reply("ack", "Stopping.")
            }),
        );
        assert_eq!(logic.queued(), 1);
        let out = logic.handle(t, Input::Task(stop_task("t-late")));
        assert_eq!(out.first(), Some(&Output::Stop));
        assert_eq!(out.last(), Some(&speak("ack", "Stopping.", true)));
        assert_eq!(logic.current_reply(), Some("ack"));
    }

    #[test]
    fn speech_start_interrupts_and_drops_the_queue_unless_not_interruptible() {
        let t = Instant::now();
        let mut logic = Logic::new(&Params {
            on_new_reply: ReplyPolicy::Queue,
            ..Params::default()
        });
        logic.handle(t, Input::Reply(reply("r1", "One.")));
        logic.handle(t, Input::Reply(reply("r2", "Two.")));
        started(&mut logic, t, "r1");
        let out = logic.handle(
            t + Duration::from_millis(700),
            Input::Activity(speech_started()),
        );
        assert_eq!(out[0], Output::Stop);
        let Output::Speaking(state) = &out[1] else {
            panic!("{out:?}")
        };
        assert_eq!(state.end_reason, SpeakingState::END_INTERRUPTED);
        assert_eq!(state.spoken_duration.as_nanos(), 700_000_000);
        assert_eq!(logic.queued(), 0);
        assert_eq!(logic.current_reply(), None);
        // A stale Finished of the interrupted reply changes nothing.
        assert!(
            logic
                .handle(
                    t,
                    Input::Playback(PlaybackEvent::Finished {
                        reply_id: "r1".into(),
                        played: Duration::ZERO,
                        at: t
                    })
                )
                .is_empty()
        );

        let mut logic = Logic::new(&Params::default());
        logic.handle(
            t,
            Input::Reply(AssistantReply {
                interruptible: false,
                ..reply("warn", "Battery low.")
            }),
        );
        assert!(
            logic
                .handle(t, Input::Activity(speech_started()))
                .is_empty()
        );
        assert_eq!(logic.current_reply(), Some("warn"));
    }

    #[test]
    fn an_empty_final_reply_closes_and_failures_end_with_failed() {
        let t = Instant::now();
        let mut logic = Logic::new(&Params::default());
        assert_eq!(
            logic.handle(t, Input::Reply(reply("r1", "  "))),
            vec![speak("r1", "", true)]
        );
        logic.handle(t, Input::Reply(reply("r2", "Hello.")));
        started(&mut logic, t, "r2");
        let out = logic.handle(
            t,
            Input::Playback(PlaybackEvent::Failed {
                reply_id: Some("r2".into()),
                reason: "disk full".into(),
            }),
        );
        assert_eq!(
            states(&out),
            vec![(false, "r2".into(), SpeakingState::END_FAILED)]
        );
    }
}
