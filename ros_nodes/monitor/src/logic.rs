//! What the monitor says about each message: pure, deterministic, testable without ROS.

use std::collections::HashMap;

use embodied_msgs::RosMessage;
use embodied_msgs::builtin_interfaces::msg::{Duration, Time};
use embodied_msgs::msg::{
    AssistantReply, AudioChunk, SpeakingState, SpeechActivity, Task, TaskStatus, TaskStep,
    Transcript,
};

use crate::Params;

/// A message the monitor watches.
#[derive(Debug, Clone)]
pub enum Input {
    /// `/audio/chunk`.
    Audio(AudioChunk),
    /// `/speech/activity`.
    Activity(SpeechActivity),
    /// `/speech/transcript`.
    Transcript(Transcript),
    /// `/assistant/reply`.
    Reply(AssistantReply),
    /// `/assistant/task`.
    Task(Task),
    /// `/planner/status`.
    Status(TaskStatus),
    /// `/speech/speaking`.
    Speaking(SpeakingState),
}

/// How loud a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Normal operation.
    Info,
    /// Something was lost or failed.
    Warn,
}

/// One line for the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Level to log at.
    pub level: Level,
    /// The line.
    pub line: String,
}

impl Output {
    fn info(line: String) -> Self {
        Self {
            level: Level::Info,
            line,
        }
    }
    fn warn(line: String) -> Self {
        Self {
            level: Level::Warn,
            line,
        }
    }
}

/// Audio chunks of one capture stream since the last summary.
#[derive(Debug, Default, Clone, Copy)]
struct AudioWindow {
    next_sequence: Option<u64>,
    received: u64,
    lost: u64,
    audio_nanos: i64,
}

/// The monitor's state: audio accounting and when each utterance's speech ended.
#[derive(Debug)]
pub struct Logic {
    params: Params,
    audio: HashMap<u32, AudioWindow>,
    last_summary: Option<Time>,
    speech_ended: HashMap<String, Time>,
}

/// Seconds with millisecond precision, for durations carried in messages.
fn secs(duration: &Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

/// `later - earlier` in milliseconds (negative when clocks disagree).
fn millis_between(later: &Time, earlier: &Time) -> f64 {
    (later.as_nanos() - earlier.as_nanos()) as f64 / 1e6
}

/// Stamps before this (2001-09-09) are simulated time, which starts at zero; later ones are
/// wall-clock time.
const WALL_CLOCK_FROM_NANOS: i64 = 1_000_000_000 * 1_000_000_000;

/// Whether two stamps are on the same clock (both simulated or both wall-clock): nodes with
/// `use_sim_time` stamp their messages in simulated time, the monitor keeps the wall clock.
fn same_clock(a: &Time, b: &Time) -> bool {
    (a.as_nanos() >= WALL_CLOCK_FROM_NANOS) == (b.as_nanos() >= WALL_CLOCK_FROM_NANOS)
}

/// "transit X ms" from `stamp` to `now`, or why it cannot be told.
fn transit(now: &Time, stamp: &Time) -> String {
    if same_clock(now, stamp) {
        format!("transit {:.1} ms", millis_between(now, stamp))
    } else {
        "transit n/a (simulated-time stamp)".to_owned()
    }
}

fn constant<M: RosMessage>(prefix: &str, value: u8) -> String {
    M::constant_name(prefix, value.into())
        .map(|name| name.trim_start_matches(prefix).to_lowercase())
        .unwrap_or_else(|| format!("{prefix}{value}?"))
}

fn describe_step(step: &TaskStep) -> String {
    match step.kind {
        TaskStep::NAVIGATE => format!("navigate({})", step.place),
        TaskStep::MOVE => format!("move({} m)", step.distance_m),
        TaskStep::TURN => format!("turn({} deg)", step.angle_deg),
        TaskStep::STOP => "stop".to_owned(),
        TaskStep::FIND => format!("find({})", step.object),
        TaskStep::BRING => format!("bring({} to {})", step.object, step.destination),
        TaskStep::DESCRIBE => "describe".to_owned(),
        TaskStep::STATUS => "status".to_owned(),
        other => format!("invalid-kind-{other}"),
    }
}

impl Logic {
    /// A monitor with validated parameters.
    pub fn new(params: Params) -> Self {
        Self {
            params,
            audio: HashMap::new(),
            last_summary: None,
            speech_ended: HashMap::new(),
        }
    }

    /// The lines one received message produces; `now` is its arrival time.
    pub fn handle(&mut self, now: &Time, input: Input) -> Vec<Output> {
        match input {
            Input::Audio(chunk) => self.audio(&chunk),
            Input::Activity(activity) => self.activity(now, &activity),
            Input::Transcript(transcript) => vec![self.transcript(now, &transcript)],
            Input::Reply(reply) => vec![self.reply(now, &reply)],
            Input::Task(task) => vec![Self::task(now, &task)],
            Input::Status(status) => vec![Self::status(&status)],
            Input::Speaking(speaking) => vec![Self::speaking(&speaking)],
        }
    }

    /// Periodic work: the audio summary when its period has passed.
    pub fn tick(&mut self, now: &Time) -> Vec<Output> {
        let period = self.params.audio_summary_period_s;
        let last = self.last_summary.get_or_insert_with(|| now.clone()).clone();
        if period <= 0.0 || millis_between(now, &last) < period * 1000.0 {
            return Vec::new();
        }
        self.last_summary = Some(now.clone());
        let mut streams: Vec<_> = self.audio.iter_mut().collect();
        streams.sort_by_key(|(id, _)| **id);
        let mut lines = Vec::new();
        for (stream, window) in streams {
            if window.received == 0 && window.lost == 0 {
                continue;
            }
            let line = format!(
                "audio stream {stream}: {} chunks ({:.1} s of audio), {} lost in the last {period} s",
                window.received,
                window.audio_nanos as f64 / 1e9,
                window.lost
            );
            lines.push(if window.lost > 0 {
                Output::warn(line)
            } else {
                Output::info(line)
            });
            *window = AudioWindow {
                next_sequence: window.next_sequence,
                ..AudioWindow::default()
            };
        }
        lines
    }

    fn audio(&mut self, chunk: &AudioChunk) -> Vec<Output> {
        let window = self.audio.entry(chunk.stream_id).or_default();
        window.received += 1;
        window.audio_nanos += chunk.duration.as_nanos();
        let mut lines = Vec::new();
        match window.next_sequence {
            Some(expected) if chunk.sequence > expected => {
                let gap = chunk.sequence - expected;
                window.lost += gap;
                lines.push(Output::warn(format!(
                    "audio stream {}: {gap} chunk(s) lost before sequence {}",
                    chunk.stream_id, chunk.sequence
                )));
            }
            Some(expected) if chunk.sequence < expected => {
                lines.push(Output::warn(format!(
                    "audio stream {}: sequence went back from {} to {} (reordered or restarted)",
                    chunk.stream_id,
                    expected - 1,
                    chunk.sequence
                )));
            }
            _ => {}
        }
        window.next_sequence = Some(chunk.sequence.saturating_add(1));
        lines
    }

    fn activity(&mut self, now: &Time, activity: &SpeechActivity) -> Vec<Output> {
        let event = constant::<SpeechActivity>("EVENT_", activity.event);
        if activity.event == SpeechActivity::EVENT_SPEECH_ENDED {
            self.speech_ended
                .insert(activity.utterance_id.clone(), activity.header.stamp.clone());
        }
        let barge_in =
            if activity.robot_speaking && activity.event == SpeechActivity::EVENT_SPEECH_STARTED {
                " (barge-in)"
            } else {
                ""
            };
        vec![Output::info(format!(
            "[{}] speech {event}{barge_in}: {} of speech, level {:.1} dBFS, {}",
            activity.utterance_id,
            secs(&activity.speech_duration),
            activity.level_dbfs,
            transit(now, &activity.header.stamp)
        ))]
    }

    fn transcript(&self, now: &Time, transcript: &Transcript) -> Output {
        Output::info(format!(
            "[{}] heard {:?} (confidence {:.2}): audio {}, endpoint {}, recognition {}, {}",
            transcript.utterance_id,
            transcript.text,
            transcript.confidence,
            secs(&transcript.audio_duration),
            secs(&transcript.endpoint_delay),
            secs(&transcript.processing_time),
            transit(now, &transcript.header.stamp)
        ))
    }

    fn reply(&mut self, now: &Time, reply: &AssistantReply) -> Output {
        let kind = constant::<AssistantReply>("KIND_", reply.kind);
        let since_speech_end = if reply.segment_index == 0 {
            self.speech_ended
                .get(&reply.utterance_id)
                .filter(|ended| same_clock(&reply.header.stamp, ended))
                .map(|ended| {
                    format!(
                        ", {:.0} ms after speech ended",
                        millis_between(&reply.header.stamp, ended)
                    )
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        if reply.is_final {
            self.speech_ended.remove(&reply.utterance_id);
        }
        Output::info(format!(
            "[{}] says ({kind}, segment {}{}) {:?}: first token {}, {} tokens in {}{since_speech_end}, {}",
            reply.utterance_id,
            reply.segment_index,
            if reply.is_final { ", final" } else { "" },
            reply.text,
            secs(&reply.time_to_first_token),
            reply.generated_tokens,
            secs(&reply.processing_time),
            transit(now, &reply.header.stamp)
        ))
    }

    fn task(now: &Time, task: &Task) -> Output {
        let steps: Vec<String> = task.steps.iter().map(describe_step).collect();
        let mode = constant::<Task>("MODE_", task.mode);
        let line = format!(
            "[{}] task {} ({mode}): {}, {}",
            task.utterance_id,
            task.task_id,
            if steps.is_empty() {
                "no steps".to_owned()
            } else {
                steps.join(" -> ")
            },
            transit(now, &task.header.stamp)
        );
        if task.steps.is_empty() {
            Output::warn(line)
        } else {
            Output::info(line)
        }
    }

    fn status(status: &TaskStatus) -> Output {
        let state = constant::<TaskStatus>("STATE_", status.state);
        let mut line = format!(
            "[{}] task {} {state}: step {}/{} {:.0}%, {:.2} m to go, elapsed {}",
            status.utterance_id,
            status.task_id,
            (status.step_index + 1).min(status.step_count),
            status.step_count,
            status.step_progress * 100.0,
            status.distance_remaining_m,
            secs(&status.elapsed)
        );
        let failed = matches!(
            status.state,
            TaskStatus::STATE_FAILED | TaskStatus::STATE_REJECTED
        );
        if status.error_code != TaskStatus::ERROR_NONE || failed {
            let error = constant::<TaskStatus>("ERROR_", status.error_code);
            line.push_str(&format!(", error {error}: {}", status.message));
            return Output::warn(line);
        }
        Output::info(line)
    }

    fn speaking(speaking: &SpeakingState) -> Output {
        if speaking.speaking {
            return Output::info(format!(
                "[{}] speaking reply {} (audio {} after the reply)",
                speaking.utterance_id,
                speaking.reply_id,
                secs(&speaking.time_to_audio)
            ));
        }
        let reason = constant::<SpeakingState>("END_", speaking.end_reason);
        let line = format!(
            "[{}] stopped speaking reply {} ({reason}) after {}",
            speaking.utterance_id,
            speaking.reply_id,
            secs(&speaking.spoken_duration)
        );
        if speaking.end_reason == SpeakingState::END_FAILED {
            Output::warn(line)
        } else {
            Output::info(line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Time {
        Time::from_nanos(1_700_000_000_000_000_000 + millis * 1_000_000)
    }

    fn chunk(stream_id: u32, sequence: u64) -> AudioChunk {
        AudioChunk {
            stream_id,
            sequence,
            duration: Duration::from_nanos(20_000_000),
            ..AudioChunk::default()
        }
    }

    #[test]
    fn counts_lost_audio_chunks_and_summarises_them() {
        let mut logic = Logic::new(Params {
            audio_summary_period_s: 1.0,
        });
        assert!(logic.tick(&at(0)).is_empty());
        for sequence in [0, 1, 2] {
            assert!(
                logic
                    .handle(&at(1), Input::Audio(chunk(7, sequence)))
                    .is_empty()
            );
        }
        let gap = logic.handle(&at(2), Input::Audio(chunk(7, 6)));
        assert_eq!(gap.len(), 1);
        assert_eq!(gap[0].level, Level::Warn);
        assert_eq!(
            gap[0].line,
            "audio stream 7: 3 chunk(s) lost before sequence 6"
        );
        assert!(logic.tick(&at(500)).is_empty(), "period not over yet");
        let summary = logic.tick(&at(1000));
        assert_eq!(summary.len(), 1);
        assert_eq!(
            summary[0].line,
            "audio stream 7: 4 chunks (0.1 s of audio), 3 lost in the last 1 s"
        );
        // The window restarts; the sequence carries on.
        assert!(
            logic
                .handle(&at(1001), Input::Audio(chunk(7, 7)))
                .is_empty()
        );
        let next = logic.tick(&at(2000));
        assert_eq!(next[0].level, Level::Info);
        assert!(next[0].line.contains("1 chunks") && next[0].line.contains("0 lost"));
    }

    #[test]
    fn reports_reply_latency_from_the_end_of_speech() {
        let mut logic = Logic::new(Params::default());
        let mut ended = SpeechActivity {
            utterance_id: "u1".into(),
            event: SpeechActivity::EVENT_SPEECH_ENDED,
            ..SpeechActivity::default()
        };
        ended.header.stamp = at(100);
        let lines = logic.handle(&at(101), Input::Activity(ended));
        assert!(
            lines[0].line.starts_with("[u1] speech speech_ended:"),
            "{}",
            lines[0].line
        );
        let mut reply = AssistantReply {
            utterance_id: "u1".into(),
            kind: AssistantReply::KIND_ACKNOWLEDGE,
            text: "Going to the kitchen.".into(),
            is_final: true,
            generated_tokens: 6,
            ..AssistantReply::default()
        };
        reply.header.stamp = at(450);
        let line = &logic.handle(&at(452), Input::Reply(reply))[0].line;
        assert!(line.contains("(acknowledge, segment 0, final)"), "{line}");
        assert!(line.contains("350 ms after speech ended"), "{line}");
        assert!(line.contains("transit 2.0 ms"), "{line}");
    }

    #[test]
    fn simulated_time_stamps_get_no_transit_against_the_wall_clock() {
        let mut logic = Logic::new(Params::default());
        let mut task = Task {
            utterance_id: "u1".into(),
            task_id: "t1".into(),
            ..Task::default()
        };
        // A node on simulated time stamps 12 s after the simulation started.
        task.header.stamp = Time::from_nanos(12_000_000_000);
        let line = &logic.handle(&at(0), Input::Task(task))[0].line;
        assert!(
            line.contains("transit n/a (simulated-time stamp)"),
            "{line}"
        );
    }

    #[test]
    fn describes_tasks_and_flags_failures() {
        let task = Task {
            task_id: "t1".into(),
            utterance_id: "u2".into(),
            steps: vec![
                TaskStep {
                    kind: TaskStep::NAVIGATE,
                    place: "kitchen".into(),
                    ..TaskStep::default()
                },
                TaskStep {
                    kind: TaskStep::BRING,
                    object: "cup".into(),
                    destination: TaskStep::DESTINATION_USER.into(),
                    ..TaskStep::default()
                },
            ],
            ..Task::default()
        };
        let line = Logic::task(&at(0), &task).line;
        assert!(
            line.contains("navigate(kitchen) -> bring(cup to user)"),
            "{line}"
        );
        let status = TaskStatus {
            task_id: "t1".into(),
            state: TaskStatus::STATE_FAILED,
            error_code: TaskStatus::ERROR_NO_PATH,
            message: "kitchen door closed".into(),
            step_count: 2,
            ..TaskStatus::default()
        };
        let out = Logic::status(&status);
        assert_eq!(out.level, Level::Warn);
        assert!(
            out.line.contains("failed") && out.line.contains("error no_path: kitchen door closed"),
            "{}",
            out.line
        );
        let empty = Logic::task(&at(0), &Task::default());
        assert_eq!(empty.level, Level::Warn);
    }
}
