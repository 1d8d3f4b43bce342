//! What the scenario's observer node saw, each message with the wall-clock instant it arrived,
//! and when a command has settled. Synchronous and deterministic: the instants come in as
//! arguments (house style §2), so the rules are unit-tested without a bus.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::geometry_msgs::msg::Twist;
use embodied_msgs::msg::{
    AssistantReply, AudioChunk, SceneObjects, SpeakingState, SpeechActivity, Task, TaskStatus,
    Transcript,
};
use embodied_msgs::nav_msgs::msg::Odometry;

use super::Cue;
use super::audio::Feed;

/// Nothing may have happened for this long before a command counts as settled: the brain's
/// report of a finished task and its speech follow the planner's last status within it.
const QUIET: Duration = Duration::from_secs(2);
/// An utterance that ended gets no transcript when the recogniser's guards drop it; after
/// this long it no longer holds the command open.
const TRANSCRIPT_GRACE: Duration = Duration::from_secs(20);
/// Likewise for a transcript the brain never answers.
const REPLY_GRACE: Duration = Duration::from_secs(30);
/// Ground-truth samples kept for the trajectory, simulated seconds apart.
const TRAJECTORY_PERIOD_S: f64 = 0.1;
/// A velocity command below this (m/s, rad/s) does not move the robot.
const MOTION_EPSILON: f64 = 1e-3;

/// Maps wall-clock ROS times (the audio nodes' stamps) to instants of this process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WallClock {
    instant: Instant,
    unix_nanos: i64,
}

impl WallClock {
    /// The clocks read together now.
    pub(crate) fn now() -> Self {
        Self {
            instant: Instant::now(),
            unix_nanos: Time::from_system_time(SystemTime::now()).as_nanos(),
        }
    }

    /// The instant at which the system clock read `time`.
    pub(crate) fn instant_of(&self, time: &Time) -> Instant {
        // Saturating: a wild stamp gives a wild instant, never a panic.
        let offset = time.as_nanos().saturating_sub(self.unix_nanos);
        let magnitude = Duration::from_nanos(offset.unsigned_abs());
        let shifted = if offset >= 0 {
            self.instant.checked_add(magnitude)
        } else {
            self.instant.checked_sub(magnitude)
        };
        shifted.unwrap_or(self.instant)
    }
}

/// Where the end of a command's speech was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpeechEndSource {
    /// The last sound in the command's own samples, placed on the wall clock by the stamps of
    /// the audio chunks that carried it.
    Audio,
    /// The recogniser's VAD (`SpeechActivity` end: start + speech duration); used when no
    /// audio chunk of the command was seen.
    Vad,
}

/// One spoken command as fed and heard.
#[derive(Debug, Clone)]
pub(crate) struct CommandRecord {
    pub feed: Feed,
    pub cue: Cue,
    pub fed_at: Instant,
    /// Stream id of the audio_capture run that played it, from its first chunk.
    pub stream_id: Option<u32>,
    /// End of speech from the audio timeline.
    pub audio_speech_end: Option<Instant>,
    /// The odometer and the pose at the first ground truth at or after the end of speech.
    pub at_speech_end: Option<(f64, PoseSample)>,
    pub settled: bool,
}

/// One utterance the recogniser found.
#[derive(Debug, Clone)]
pub(crate) struct UtteranceRecord {
    pub id: String,
    pub command: usize,
    /// When the recogniser decided speech started (its SPEECH_STARTED stamp).
    pub started: Instant,
    /// speech_out was speaking then (a barge-in).
    pub robot_speaking_at_start: bool,
    /// When the endpoint was decided (SPEECH_ENDED arrived), or discarded.
    pub closed_at: Option<Instant>,
    /// End of speech by the VAD.
    pub vad_speech_end: Option<Instant>,
    pub discarded: bool,
    pub transcript_at: Option<Instant>,
    pub answered: bool,
}

/// A message with its arrival instant.
#[derive(Debug, Clone)]
pub(crate) struct Received<M> {
    pub at: Instant,
    pub message: M,
}

/// A reply segment, with the objects perceived when it arrived.
#[derive(Debug, Clone)]
pub(crate) struct ReceivedReply {
    pub message: AssistantReply,
    /// Labels of the latest /perception/objects then.
    pub in_view: Vec<String>,
}

/// speech_out starting or stopping, at its own stamp.
#[derive(Debug, Clone)]
pub(crate) struct SpeakingEvent {
    pub stamp: Instant,
    pub speaking: bool,
    pub end_reason: u8,
}

/// An object the robot picked up, from /perception/objects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HandledObject {
    pub label: String,
    /// Where it was (x, y) when first seen carried.
    pub picked_up_at: (f64, f64),
    /// Where it was last seen while carried.
    pub last_carried_at: (f64, f64),
    /// It is no longer carried.
    pub released: bool,
}

/// A task and what became of it.
#[derive(Debug, Clone)]
pub(crate) struct TaskRecord {
    pub task: Task,
    pub received: Instant,
    pub command: Option<usize>,
    pub status: Option<TaskStatus>,
    /// The first velocity command that moves the robot after the task arrived.
    pub first_motion: Option<Instant>,
}

impl TaskRecord {
    pub(crate) fn is_terminal(&self) -> bool {
        self.status.as_ref().is_some_and(|s| is_terminal(s.state))
    }
}

/// Whether a `TaskStatus` state is final.
pub(crate) fn is_terminal(state: u8) -> bool {
    matches!(
        state,
        TaskStatus::STATE_SUCCEEDED
            | TaskStatus::STATE_FAILED
            | TaskStatus::STATE_CANCELED
            | TaskStatus::STATE_REJECTED
    )
}

/// A ground-truth pose at simulated time `t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PoseSample {
    pub t: f64,
    pub x: f64,
    pub y: f64,
    pub yaw: f64,
}

/// Everything the observer recorded.
#[derive(Debug)]
pub(crate) struct Observations {
    pub clock: WallClock,
    pub commands: Vec<CommandRecord>,
    pub utterances: Vec<UtteranceRecord>,
    pub transcripts: Vec<Received<Transcript>>,
    pub replies: Vec<ReceivedReply>,
    pub tasks: Vec<TaskRecord>,
    /// Speaking starts: (instant, utterance id).
    pub speech_starts: Vec<(Instant, String)>,
    pub speaking: bool,
    /// Every start and stop of speech_out.
    pub speaking_events: Vec<SpeakingEvent>,
    pub trajectory: Vec<PoseSample>,
    pub first_pose: Option<PoseSample>,
    pub last_pose: Option<PoseSample>,
    pub carried: Vec<String>,
    /// Labels of the latest /perception/objects (in view or held).
    pub in_view: Vec<String>,
    /// Objects picked up, in order.
    pub handled: Vec<HandledObject>,
    /// Ground-truth path length so far, m.
    pub odometer_m: f64,
    last_activity: Option<Instant>,
    task_index: HashMap<String, usize>,
}

impl Observations {
    /// Nothing seen yet; `clock` maps the audio stamps to instants.
    pub(crate) fn new(clock: WallClock) -> Self {
        Self {
            clock,
            commands: Vec::new(),
            utterances: Vec::new(),
            transcripts: Vec::new(),
            replies: Vec::new(),
            tasks: Vec::new(),
            speech_starts: Vec::new(),
            speaking: false,
            speaking_events: Vec::new(),
            trajectory: Vec::new(),
            first_pose: None,
            last_pose: None,
            carried: Vec::new(),
            in_view: Vec::new(),
            handled: Vec::new(),
            odometer_m: 0.0,
            last_activity: None,
            task_index: HashMap::new(),
        }
    }

    /// A command's feed starts playing at `now`; returns its index.
    pub(crate) fn start_command(&mut self, now: Instant, feed: Feed, cue: Cue) -> usize {
        self.commands.push(CommandRecord {
            feed,
            cue,
            fed_at: now,
            stream_id: None,
            audio_speech_end: None,
            at_speech_end: None,
            settled: false,
        });
        self.last_activity = Some(now);
        self.commands.len() - 1
    }

    fn current_command(&self) -> Option<usize> {
        self.commands.len().checked_sub(1)
    }

    fn touch(&mut self, now: Instant) {
        self.last_activity = Some(now);
    }

    /// An audio chunk: the first chunk of the current command's stream places its audio on
    /// the wall clock (the stamp of chunk `n` is the capture time of its first sample). A late
    /// chunk of an earlier command's stream is not the current command's.
    pub(crate) fn on_chunk(&mut self, chunk: &AudioChunk) {
        let clock = self.clock;
        let Some((command, earlier)) = self.commands.split_last_mut() else {
            return;
        };
        if command.stream_id.is_some()
            || earlier.iter().any(|c| c.stream_id == Some(chunk.stream_id))
        {
            return;
        }
        command.stream_id = Some(chunk.stream_id);
        let sequence = i64::try_from(chunk.sequence).unwrap_or(i64::MAX);
        let origin = chunk
            .header
            .stamp
            .as_nanos()
            .saturating_sub(sequence.saturating_mul(chunk.duration.as_nanos()));
        let speech_end = i64::try_from(command.feed.speech_end.as_nanos()).unwrap_or(i64::MAX);
        command.audio_speech_end =
            Some(clock.instant_of(&Time::from_nanos(origin.saturating_add(speech_end))));
    }

    fn utterance_mut(&mut self, id: &str) -> Option<&mut UtteranceRecord> {
        self.utterances.iter_mut().find(|u| u.id == id)
    }

    /// A voice activity event.
    pub(crate) fn on_activity(&mut self, now: Instant, activity: &SpeechActivity) {
        self.touch(now);
        let vad_end = {
            let end = activity
                .speech_start
                .as_nanos()
                .saturating_add(activity.speech_duration.as_nanos());
            self.clock.instant_of(&Time::from_nanos(end))
        };
        match activity.event {
            SpeechActivity::EVENT_SPEECH_STARTED => {
                let Some(command) = self.current_command() else {
                    return;
                };
                self.utterances.push(UtteranceRecord {
                    id: activity.utterance_id.clone(),
                    command,
                    started: self.clock.instant_of(&activity.header.stamp),
                    robot_speaking_at_start: activity.robot_speaking,
                    closed_at: None,
                    vad_speech_end: None,
                    discarded: false,
                    transcript_at: None,
                    answered: false,
                });
            }
            SpeechActivity::EVENT_SPEECH_ENDED => {
                if let Some(utterance) = self.utterance_mut(&activity.utterance_id) {
                    utterance.closed_at = Some(now);
                    utterance.vad_speech_end = Some(vad_end);
                }
            }
            SpeechActivity::EVENT_DISCARDED => {
                if let Some(utterance) = self.utterance_mut(&activity.utterance_id) {
                    utterance.closed_at = Some(now);
                    utterance.discarded = true;
                }
            }
            _ => {}
        }
    }

    /// A transcript.
    pub(crate) fn on_transcript(&mut self, now: Instant, transcript: Transcript) {
        self.touch(now);
        if transcript.is_final
            && let Some(utterance) = self.utterance_mut(&transcript.utterance_id)
        {
            utterance.transcript_at.get_or_insert(now);
        }
        self.transcripts.push(Received {
            at: now,
            message: transcript,
        });
    }

    /// A reply segment.
    pub(crate) fn on_reply(&mut self, now: Instant, reply: AssistantReply) {
        self.touch(now);
        if reply.is_final
            && let Some(utterance) = self.utterance_mut(&reply.utterance_id)
        {
            utterance.answered = true;
        }
        self.replies.push(ReceivedReply {
            message: reply,
            in_view: self.in_view.clone(),
        });
    }

    fn command_of_utterance(&self, utterance_id: &str) -> Option<usize> {
        self.utterances
            .iter()
            .find(|u| u.id == utterance_id)
            .map(|u| u.command)
    }

    fn task_mut(&mut self, now: Instant, task_id: &str) -> &mut TaskRecord {
        let index = match self.task_index.get(task_id) {
            Some(index) => *index,
            None => {
                self.tasks.push(TaskRecord {
                    task: Task {
                        task_id: task_id.to_owned(),
                        ..Task::default()
                    },
                    received: now,
                    command: None,
                    status: None,
                    first_motion: None,
                });
                self.task_index
                    .insert(task_id.to_owned(), self.tasks.len() - 1);
                self.tasks.len() - 1
            }
        };
        &mut self.tasks[index]
    }

    /// A task for the planner.
    pub(crate) fn on_task(&mut self, now: Instant, task: Task) {
        self.touch(now);
        let command = self.command_of_utterance(&task.utterance_id);
        let record = self.task_mut(now, &task.task_id.clone());
        record.received = now;
        record.command = command;
        record.task = task;
    }

    /// A planner status.
    pub(crate) fn on_status(&mut self, now: Instant, status: TaskStatus) {
        self.touch(now);
        let record = self.task_mut(now, &status.task_id.clone());
        // A late periodic status never overwrites an outcome.
        if !record.is_terminal() {
            record.status = Some(status);
        }
    }

    /// A velocity command: the first that moves the robot after each running task arrived.
    pub(crate) fn on_cmd_vel(&mut self, now: Instant, twist: &Twist) {
        if twist.linear.x.abs() < MOTION_EPSILON && twist.angular.z.abs() < MOTION_EPSILON {
            return;
        }
        for task in &mut self.tasks {
            if task.first_motion.is_none() && task.received <= now && !task.is_terminal() {
                task.first_motion = Some(now);
            }
        }
    }

    /// speech_out started or stopped speaking.
    pub(crate) fn on_speaking(&mut self, now: Instant, state: &SpeakingState) {
        self.touch(now);
        // Also while speaking: a newer reply replaced the one being spoken.
        if state.speaking {
            self.speech_starts.push((now, state.utterance_id.clone()));
        }
        self.speaking_events.push(SpeakingEvent {
            stamp: self.clock.instant_of(&state.header.stamp),
            speaking: state.speaking,
            end_reason: state.end_reason,
        });
        self.speaking = state.speaking;
    }

    /// A ground-truth pose (simulated time from its stamp) arriving at `now`: it also marks
    /// where the robot was when each command's speech ended.
    pub(crate) fn on_ground_truth(&mut self, now: Instant, odometry: &Odometry) {
        let pose = &odometry.pose.pose;
        let q = &pose.orientation;
        let sample = PoseSample {
            t: odometry.header.stamp.as_secs_f64(),
            x: pose.position.x,
            y: pose.position.y,
            yaw: (2.0 * (q.w * q.z + q.x * q.y)).atan2(1.0 - 2.0 * (q.y * q.y + q.z * q.z)),
        };
        self.first_pose.get_or_insert(sample);
        if let Some(last) = self.last_pose {
            self.odometer_m += (sample.x - last.x).hypot(sample.y - last.y);
        }
        for command in &mut self.commands {
            if command.at_speech_end.is_none()
                && command.audio_speech_end.is_some_and(|end| end <= now)
            {
                command.at_speech_end = Some((self.odometer_m, sample));
            }
        }
        let due = self
            .trajectory
            .last()
            .is_none_or(|last| sample.t - last.t >= TRAJECTORY_PERIOD_S);
        if due {
            self.trajectory.push(sample);
        }
        self.last_pose = Some(sample);
    }

    /// What the robot perceives: which objects it carries.
    pub(crate) fn on_objects(&mut self, objects: &SceneObjects) {
        self.in_view = objects.objects.iter().map(|o| o.label.clone()).collect();
        for handled in self.handled.iter_mut().filter(|h| !h.released) {
            match objects.objects.iter().find(|o| o.label == handled.label) {
                Some(object) if object.carried => {
                    handled.last_carried_at = (object.pose.position.x, object.pose.position.y);
                }
                // Put down (in view or out of it).
                _ => handled.released = true,
            }
        }
        for object in objects.objects.iter().filter(|o| o.carried) {
            if !self
                .handled
                .iter()
                .any(|h| !h.released && h.label == object.label)
            {
                let at = (object.pose.position.x, object.pose.position.y);
                self.handled.push(HandledObject {
                    label: object.label.clone(),
                    picked_up_at: at,
                    last_carried_at: at,
                    released: false,
                });
            }
        }
        self.carried = objects
            .objects
            .iter()
            .filter(|o| o.carried)
            .map(|o| o.label.clone())
            .collect();
    }

    /// Whether the command's whole feed has been played.
    fn audio_done(&self, now: Instant, command: &CommandRecord) -> bool {
        now >= command.fed_at + command.feed.duration
    }

    /// When the cue of the command after `previous` is due: `Some(instant)` once the event it
    /// waits for happened (the previous command's first task, or speech_out's first audio of a
    /// reply to it) and the previous feed has played; `None` while it has not (or for
    /// [`Cue::Settled`]).
    pub(crate) fn cue_due(&self, previous: usize, cue: Cue) -> Option<Instant> {
        let command = self.commands.get(previous)?;
        let (event, delay) = match cue {
            Cue::Settled => return None,
            Cue::AfterTask(delay) => (
                self.tasks
                    .iter()
                    .filter(|t| t.command == Some(previous))
                    .map(|t| t.received)
                    .min(),
                delay,
            ),
            Cue::AfterReplyAudio(delay) => (
                self.speech_starts
                    .iter()
                    .filter(|(_, utterance)| self.command_of_utterance(utterance) == Some(previous))
                    .map(|(at, _)| *at)
                    .min(),
                delay,
            ),
        };
        Some((event? + delay).max(command.fed_at + command.feed.duration))
    }

    /// What keeps the commands up to `last` that have not settled from settling at `now`,
    /// without repeats; empty when they all have.
    pub(crate) fn pending_through(&self, now: Instant, last: usize) -> Vec<String> {
        let mut pending: Vec<String> = Vec::new();
        for index in (0..=last).filter(|i| self.commands.get(*i).is_some_and(|c| !c.settled)) {
            for item in self.pending(now, index) {
                if !pending.contains(&item) {
                    pending.push(item);
                }
            }
        }
        pending
    }

    /// What still keeps command `index` from settling at `now`; empty when it has settled:
    /// its audio played, every utterance closed, transcribed and answered (or given up on),
    /// every task ended, speech_out silent and nothing new for [`QUIET`].
    pub(crate) fn pending(&self, now: Instant, index: usize) -> Vec<String> {
        let mut pending = Vec::new();
        let Some(command) = self.commands.get(index) else {
            return pending;
        };
        if !self.audio_done(now, command) {
            pending.push("the command's audio is still playing".to_owned());
        }
        for utterance in self.utterances.iter().filter(|u| u.command == index) {
            match (utterance.closed_at, utterance.discarded) {
                (None, _) => pending.push(format!("utterance {} has not ended", utterance.id)),
                (Some(_), true) => {}
                (Some(closed), false) => {
                    if utterance.transcript_at.is_none() {
                        if now.saturating_duration_since(closed) < TRANSCRIPT_GRACE {
                            pending.push(format!("no transcript yet for {}", utterance.id));
                        }
                    } else if !utterance.answered
                        && utterance
                            .transcript_at
                            .is_some_and(|t| now.saturating_duration_since(t) < REPLY_GRACE)
                    {
                        pending.push(format!("no reply yet to {}", utterance.id));
                    }
                }
            }
        }
        for task in self.tasks.iter().filter(|t| !t.is_terminal()) {
            let state = task
                .status
                .as_ref()
                .map_or("no status yet", |s| state_name(s.state));
            pending.push(format!("task {} is {state}", task.task.task_id));
        }
        if self.speaking {
            pending.push("speech_out is speaking".to_owned());
        }
        if pending.is_empty()
            && self
                .last_activity
                .is_some_and(|last| now.saturating_duration_since(last) < QUIET)
        {
            pending.push("recent activity".to_owned());
        }
        pending
    }

    /// The end of command `index`'s speech and where it came from: the audio timeline, else
    /// the VAD's end of its last utterance.
    pub(crate) fn speech_end(&self, index: usize) -> Option<(Instant, SpeechEndSource)> {
        let command = self.commands.get(index)?;
        if let Some(end) = command.audio_speech_end {
            return Some((end, SpeechEndSource::Audio));
        }
        self.utterances
            .iter()
            .filter(|u| u.command == index)
            .filter_map(|u| u.vad_speech_end)
            .max()
            .map(|end| (end, SpeechEndSource::Vad))
    }
}

/// The name of a `TaskStatus` state, lowercase.
pub(crate) fn state_name(state: u8) -> &'static str {
    match state {
        TaskStatus::STATE_ACCEPTED => "accepted",
        TaskStatus::STATE_EXECUTING => "executing",
        TaskStatus::STATE_SUCCEEDED => "succeeded",
        TaskStatus::STATE_FAILED => "failed",
        TaskStatus::STATE_CANCELED => "canceled",
        TaskStatus::STATE_REJECTED => "rejected",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn feed() -> Feed {
        Feed {
            label: "say: go to the kitchen".into(),
            path: PathBuf::from("command-0.wav"),
            duration: Duration::from_secs(3),
            speech_end: Duration::from_millis(1500),
        }
    }

    fn activity(id: &str, event: u8) -> SpeechActivity {
        SpeechActivity {
            utterance_id: id.into(),
            event,
            ..SpeechActivity::default()
        }
    }

    fn status(task_id: &str, state: u8) -> TaskStatus {
        TaskStatus {
            task_id: task_id.into(),
            state,
            ..TaskStatus::default()
        }
    }

    #[test]
    fn a_command_settles_after_its_task_ends_speech_stops_and_all_is_quiet() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut seen = Observations::new(WallClock::now());
        let index = seen.start_command(t0, feed(), Cue::Settled);
        assert!(
            !seen.pending(at(100), index).is_empty(),
            "audio still playing"
        );

        seen.on_activity(
            at(600),
            &activity("u1", SpeechActivity::EVENT_SPEECH_STARTED),
        );
        seen.on_activity(
            at(1900),
            &activity("u1", SpeechActivity::EVENT_SPEECH_ENDED),
        );
        seen.on_transcript(
            at(2500),
            Transcript {
                utterance_id: "u1".into(),
                text: "go to the kitchen".into(),
                is_final: true,
                ..Transcript::default()
            },
        );
        seen.on_task(
            at(2700),
            Task {
                task_id: "t1".into(),
                utterance_id: "u1".into(),
                ..Task::default()
            },
        );
        seen.on_reply(
            at(2750),
            AssistantReply {
                utterance_id: "u1".into(),
                is_final: true,
                ..AssistantReply::default()
            },
        );
        let moving = Twist {
            linear: embodied_msgs::geometry_msgs::msg::Vector3 {
                x: 0.2,
                ..Default::default()
            },
            ..Twist::default()
        };
        seen.on_cmd_vel(at(2800), &Twist::default());
        seen.on_cmd_vel(at(2900), &moving);
        seen.on_cmd_vel(at(3000), &moving);
        seen.on_speaking(
            at(2850),
            &SpeakingState {
                speaking: true,
                utterance_id: "u1".into(),
                ..SpeakingState::default()
            },
        );
        seen.on_status(at(3100), status("t1", TaskStatus::STATE_EXECUTING));
        assert!(
            seen.pending(at(6000), index)
                .iter()
                .any(|p| p.contains("executing"))
        );
        seen.on_speaking(at(4000), &SpeakingState::default());
        seen.on_status(at(9000), status("t1", TaskStatus::STATE_SUCCEEDED));
        // A periodic status after the outcome changes nothing.
        seen.on_status(at(9010), status("t1", TaskStatus::STATE_EXECUTING));
        assert_eq!(seen.pending(at(9500), index), ["recent activity"]);
        assert!(seen.pending(at(11_100), index).is_empty());

        let task = &seen.tasks[0];
        assert_eq!(task.command, Some(0));
        assert_eq!(task.first_motion, Some(at(2900)));
        assert!(task.is_terminal());
        assert_eq!(seen.speech_starts, [(at(2850), "u1".to_owned())]);
    }

    #[test]
    fn an_utterance_without_transcript_stops_holding_the_command_after_the_grace() {
        let t0 = Instant::now();
        let mut seen = Observations::new(WallClock::now());
        let index = seen.start_command(t0, feed(), Cue::Settled);
        seen.on_activity(t0, &activity("u1", SpeechActivity::EVENT_SPEECH_STARTED));
        assert!(
            seen.pending(t0 + Duration::from_secs(5), index)
                .iter()
                .any(|p| p.contains("not ended"))
        );
        seen.on_activity(t0, &activity("u1", SpeechActivity::EVENT_SPEECH_ENDED));
        assert!(
            seen.pending(t0 + Duration::from_secs(5), index)
                .iter()
                .any(|p| p.contains("no transcript"))
        );
        assert!(
            seen.pending(t0 + TRANSCRIPT_GRACE + Duration::from_secs(1), index)
                .is_empty()
        );
    }

    #[test]
    fn the_first_chunk_places_the_speech_end_on_the_wall_clock() {
        let clock = WallClock::now();
        let mut seen = Observations::new(clock);
        seen.start_command(clock.instant, feed(), Cue::Settled);
        // Chunk 5 (20 ms each) captured 1 s after the clock was read: the stream began 0.9 s
        // after it, so its speech ends 0.9 + 1.5 s after it.
        let chunk = AudioChunk {
            header: embodied_msgs::std_msgs::msg::Header {
                stamp: Time::from_nanos(clock.unix_nanos + 1_000_000_000),
                frame_id: String::new(),
            },
            stream_id: 9,
            sequence: 5,
            duration: Duration::from_millis(20).into(),
            ..AudioChunk::default()
        };
        seen.on_chunk(&chunk);
        let (end, source) = seen.speech_end(0).expect("the chunk placed the speech end");
        assert_eq!(source, SpeechEndSource::Audio);
        assert_eq!(end - clock.instant, Duration::from_millis(2400));
    }
}
