//! The scenario's JSON report (printed by `embodied scenario`, asserted on by tests) and the
//! trajectory plot beside it.

use std::path::Path;
use std::time::Instant;

use embodied_msgs::msg::{AssistantReply, Task, TaskStep};
use embodied_world::SemanticMap;
use serde::{Deserialize, Serialize};

use super::Cue;
use super::observer::{Observations, PoseSample, SpeechEndSource, state_name};

/// Version of the report's layout; raised when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 2;

/// What a scenario run did. Times called `to_*` are milliseconds from the end of the
/// command's speech; poses are ground truth in the map frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Every command settled before `--timeout-s` (else see `pending`).
    pub settled: bool,
    /// What was still open when the timeout hit; empty when settled.
    pub pending: Vec<String>,
    /// Simulated seconds per wall-clock second.
    pub speed: f64,
    /// The recogniser's endpoint: silence after speech that ends an utterance, ms (part of
    /// every `to_*` time).
    pub endpoint_hangover_ms: u32,
    /// The place asked for with `--start`, if any.
    pub start_place: Option<String>,
    /// Wall-clock seconds from the first command's audio to the end.
    pub wall_time_s: f64,
    /// Simulated time at the end, s.
    pub sim_time_s: f64,
    /// Every final transcript, in order.
    pub transcripts: Vec<TranscriptEntry>,
    /// Every reply (segments joined), in order.
    pub replies: Vec<ReplyEntry>,
    /// Every task and its outcome, in order.
    pub tasks: Vec<TaskEntry>,
    /// Ground truth when the simulation started (the robot stands still until the first
    /// command).
    pub start_pose: Option<PoseEntry>,
    /// Ground truth at the end.
    pub final_pose: Option<PoseEntry>,
    /// Room of the start pose.
    pub start_room: Option<String>,
    /// Room of the final pose.
    pub final_room: Option<String>,
    /// Objects the robot holds at the end.
    pub objects_carried: Vec<String>,
    /// Objects the robot picked up, in order, with where from and where it put them.
    pub objects_handled: Vec<HandledEntry>,
    /// One entry per spoken command, in order.
    pub commands: Vec<CommandEntry>,
    /// The trajectory plot, if it could be drawn.
    pub trajectory_png: Option<String>,
}

/// A transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// Index of the command it was heard in.
    pub command: Option<usize>,
    /// Its utterance.
    pub utterance_id: String,
    /// What was recognised.
    pub text: String,
    /// Mean token probability.
    pub confidence: f32,
}

/// A reply of the assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyEntry {
    /// The utterance answered (empty for unprompted reports).
    pub utterance_id: String,
    /// Its id.
    pub reply_id: String,
    /// `answer`, `acknowledge`, `clarify`, `refuse`, `report`, `error` or `unknown`.
    pub kind: String,
    /// The words, all segments.
    pub text: String,
    /// The task it announces or reports on.
    pub task_id: String,
    /// The labels /perception/objects listed (in view or held) when its first segment
    /// arrived: what the robot saw as it answered.
    pub in_view: Vec<String>,
}

/// A task and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskEntry {
    /// Index of the command that asked for it.
    pub command: Option<usize>,
    /// Its id.
    pub task_id: String,
    /// Its utterance.
    pub utterance_id: String,
    /// `replace` or `append`.
    pub mode: String,
    /// Its steps.
    pub steps: Vec<StepEntry>,
    /// `succeeded`, `failed`, `canceled`, `rejected`, or `pending` (not ended by the timeout).
    pub outcome: String,
    /// The last state the planner reported (`executing`, ..., or `none`).
    pub state: String,
    /// The planner's error code name when it failed (`no_path`, `timeout`, ...).
    pub error: Option<String>,
    /// The planner's detail message.
    pub message: String,
    /// Simulated seconds from acceptance to the last status.
    pub elapsed_s: f64,
}

/// One step of a task; only the arguments of its kind are present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepEntry {
    /// `NAVIGATE`, `MOVE`, `TURN`, `STOP`, `FIND`, `BRING`, `DESCRIBE`, `STATUS` or `UNKNOWN`.
    pub kind: String,
    /// NAVIGATE.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<String>,
    /// MOVE, m.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distance_m: Option<f64>,
    /// TURN, degrees.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub angle_deg: Option<f64>,
    /// FIND, BRING.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub object: Option<String>,
    /// BRING.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub destination: Option<String>,
}

/// A planar pose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PoseEntry {
    /// m.
    pub x: f64,
    /// m.
    pub y: f64,
    /// Heading, degrees, counter-clockwise from the map's x axis.
    pub yaw_deg: f64,
}

/// One spoken command and how fast the robot reacted to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandEntry {
    /// Position in the command line.
    pub index: usize,
    /// `say: TEXT` or `wav: PATH`.
    pub source: String,
    /// When it was played: `settled` (after the previous command settled), `after_task` or
    /// `after_reply_audio` (`cue_delay_s` after the previous command's first task, or
    /// speech_out's first audio of a reply to it).
    pub cue: String,
    /// The delay of a timed cue, s.
    pub cue_delay_s: Option<f64>,
    /// When its audio started, seconds after the first command's.
    pub started_s: f64,
    /// Utterances the recogniser found in it.
    pub utterances: Vec<String>,
    /// Its transcripts, joined.
    pub transcript: Option<String>,
    /// `audio` (the command's last sound, on the capture clock) or `vad` (the recogniser's end
    /// of speech), the reference of the `to_*` times.
    pub end_of_speech_from: Option<String>,
    /// Its end of speech, seconds after the first command's audio started.
    pub end_of_speech_s: Option<f64>,
    /// To the (last) final transcript, ms.
    pub to_transcript: Option<f64>,
    /// To the first task it gave the planner, ms.
    pub to_task: Option<f64>,
    /// To the first velocity command that moved the robot for that task, ms.
    pub to_first_cmd_vel: Option<f64>,
    /// To speech_out starting to speak a reply to it, ms.
    pub to_reply_audio: Option<f64>,
    /// Compute time the recogniser spent on its (last) transcript, ms.
    pub recognition_ms: Option<f64>,
    /// Ground truth at its end of speech (the first sample at or after it).
    pub pose_at_end_of_speech: Option<PoseEntry>,
    /// Ground-truth path length from its end of speech to the end of the run, m: how far
    /// the robot went after the user finished speaking (for "stop": its stopping distance).
    pub travel_after_end_of_speech_m: Option<f64>,
    /// Present when its speech started while speech_out was speaking.
    pub barge_in: Option<BargeInEntry>,
    /// It settled before the timeout.
    pub settled: bool,
}

/// An object the robot picked up (from /perception/objects' `carried`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandledEntry {
    /// Its label.
    pub object: String,
    /// Where it was when first seen carried, `[x, y]` m.
    pub picked_up_at: [f64; 2],
    /// Room of `picked_up_at`.
    pub picked_up_in: Option<String>,
    /// Where it was last seen carried, once put down, `[x, y]` m; `None` while held.
    pub put_down_at: Option<[f64; 2]>,
    /// Room of `put_down_at`.
    pub put_down_in: Option<String>,
}

/// A command spoken over the robot's own speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BargeInEntry {
    /// The utterance that started over the robot's speech.
    pub utterance_id: String,
    /// From the recogniser's speech start (its SpeechActivity stamp) to speech_out stopping
    /// (its SpeakingState stamp), ms; `None` if speech_out did not stop after it.
    pub to_silence_ms: Option<f64>,
    /// Why speech_out stopped: `interrupted` (barge-in), `completed`, `canceled`, `failed`.
    pub end_reason: Option<String>,
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// Milliseconds from `from` to `to`, negative when `to` came first.
fn millis(from: Instant, to: Instant) -> f64 {
    let ms = if to >= from {
        (to - from).as_secs_f64() * 1e3
    } else {
        -(from - to).as_secs_f64() * 1e3
    };
    round_to(ms, 1)
}

fn pose_entry(sample: &PoseSample) -> PoseEntry {
    PoseEntry {
        x: round_to(sample.x, 3),
        y: round_to(sample.y, 3),
        yaw_deg: round_to(sample.yaw.to_degrees(), 1),
    }
}

fn room_of(map: &SemanticMap, sample: &PoseSample) -> Option<String> {
    map.room_at(sample.x, sample.y)
        .map(|id| id.name().to_owned())
}

fn reply_kind(kind: u8) -> &'static str {
    match kind {
        AssistantReply::KIND_ANSWER => "answer",
        AssistantReply::KIND_ACKNOWLEDGE => "acknowledge",
        AssistantReply::KIND_CLARIFY => "clarify",
        AssistantReply::KIND_REFUSE => "refuse",
        AssistantReply::KIND_REPORT => "report",
        AssistantReply::KIND_ERROR => "error",
        _ => "unknown",
    }
}

fn error_name(code: u8) -> Option<&'static str> {
    use embodied_msgs::msg::TaskStatus as S;
    Some(match code {
        S::ERROR_NONE => return None,
        S::ERROR_INVALID_STEP => "invalid_step",
        S::ERROR_UNKNOWN_PLACE => "unknown_place",
        S::ERROR_UNKNOWN_OBJECT => "unknown_object",
        S::ERROR_OBJECT_NOT_FOUND => "object_not_found",
        S::ERROR_NO_PATH => "no_path",
        S::ERROR_BLOCKED => "blocked",
        S::ERROR_FORBIDDEN_ZONE => "forbidden_zone",
        S::ERROR_TIMEOUT => "timeout",
        S::ERROR_LOW_BATTERY => "low_battery",
        S::ERROR_INTERNAL => "internal",
        _ => "unknown",
    })
}

fn step_entry(step: &TaskStep) -> StepEntry {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut entry = StepEntry {
        kind: String::new(),
        place: None,
        distance_m: None,
        angle_deg: None,
        object: None,
        destination: None,
    };
    entry.kind = match step.kind {
        TaskStep::NAVIGATE => {
            entry.place = text(&step.place);
            "NAVIGATE"
        }
        TaskStep::MOVE => {
            entry.distance_m = Some(step.distance_m);
            "MOVE"
        }
        TaskStep::TURN => {
            entry.angle_deg = Some(step.angle_deg);
            "TURN"
        }
        TaskStep::STOP => "STOP",
        TaskStep::FIND => {
            entry.object = text(&step.object);
            "FIND"
        }
        TaskStep::BRING => {
            entry.object = text(&step.object);
            entry.destination = text(&step.destination);
            "BRING"
        }
        TaskStep::DESCRIBE => "DESCRIBE",
        TaskStep::STATUS => "STATUS",
        _ => "UNKNOWN",
    }
    .to_owned();
    entry
}

/// Replies with their segments joined, in the order their first segment came.
fn replies(seen: &Observations) -> Vec<ReplyEntry> {
    let mut entries: Vec<ReplyEntry> = Vec::new();
    let mut segments: Vec<Vec<(u32, String)>> = Vec::new();
    for (reply, in_view) in seen.replies.iter().map(|r| (&r.message, &r.in_view)) {
        let index = match entries.iter().position(|e| e.reply_id == reply.reply_id) {
            Some(index) => index,
            None => {
                entries.push(ReplyEntry {
                    utterance_id: reply.utterance_id.clone(),
                    reply_id: reply.reply_id.clone(),
                    kind: reply_kind(reply.kind).to_owned(),
                    text: String::new(),
                    task_id: reply.task_id.clone(),
                    in_view: Vec::new(),
                });
                segments.push(Vec::new());
                if let Some(entry) = entries.last_mut() {
                    entry.in_view = in_view.clone();
                }
                entries.len() - 1
            }
        };
        segments[index].push((reply.segment_index, reply.text.clone()));
    }
    for (entry, mut parts) in entries.iter_mut().zip(segments) {
        parts.sort_by_key(|(index, _)| *index);
        let texts: Vec<&str> = parts.iter().map(|(_, text)| text.trim()).collect();
        entry.text = texts.join(" ");
    }
    entries
}

fn task_entry(record: &super::observer::TaskRecord) -> TaskEntry {
    let Task {
        task_id,
        utterance_id,
        mode,
        steps,
        ..
    } = &record.task;
    let status = record.status.as_ref();
    TaskEntry {
        command: record.command,
        task_id: task_id.clone(),
        utterance_id: utterance_id.clone(),
        mode: if *mode == Task::MODE_APPEND {
            "append"
        } else {
            "replace"
        }
        .to_owned(),
        steps: steps.iter().map(step_entry).collect(),
        outcome: if record.is_terminal() {
            status.map_or("pending", |s| state_name(s.state))
        } else {
            "pending"
        }
        .to_owned(),
        state: status.map_or("none", |s| state_name(s.state)).to_owned(),
        error: status
            .and_then(|s| error_name(s.error_code))
            .map(str::to_owned),
        message: status.map(|s| s.message.clone()).unwrap_or_default(),
        elapsed_s: status.map_or(0.0, |s| round_to(s.elapsed.as_secs_f64(), 2)),
    }
}

fn command_entry(seen: &Observations, index: usize, origin: Instant) -> CommandEntry {
    let command = &seen.commands[index];
    let utterances: Vec<&str> = seen
        .utterances
        .iter()
        .filter(|u| u.command == index)
        .map(|u| u.id.as_str())
        .collect();
    let of_command = |utterance_id: &str| utterances.contains(&utterance_id);
    let transcripts: Vec<_> = seen
        .transcripts
        .iter()
        .filter(|t| t.message.is_final && of_command(&t.message.utterance_id))
        .collect();
    let first_task = seen
        .tasks
        .iter()
        .filter(|t| t.command == Some(index))
        .min_by_key(|t| t.received);
    let first_speech = seen
        .speech_starts
        .iter()
        .filter(|(_, utterance)| of_command(utterance))
        .map(|(at, _)| *at)
        .min();
    let end = seen.speech_end(index);
    let since_end = |at: Option<Instant>| Some(millis(end?.0, at?));
    let (cue, cue_delay_s) = match command.cue {
        Cue::Settled => ("settled", None),
        Cue::AfterTask(delay) => ("after_task", Some(delay.as_secs_f64())),
        Cue::AfterReplyAudio(delay) => ("after_reply_audio", Some(delay.as_secs_f64())),
    };
    CommandEntry {
        index,
        source: command.feed.label.clone(),
        cue: cue.to_owned(),
        cue_delay_s,
        started_s: round_to(millis(origin, command.fed_at) / 1e3, 3),
        utterances: utterances.iter().map(|u| (*u).to_owned()).collect(),
        transcript: (!transcripts.is_empty()).then(|| {
            let texts: Vec<&str> = transcripts.iter().map(|t| t.message.text.trim()).collect();
            texts.join(" ")
        }),
        end_of_speech_from: end.map(|(_, source)| {
            match source {
                SpeechEndSource::Audio => "audio",
                SpeechEndSource::Vad => "vad",
            }
            .to_owned()
        }),
        end_of_speech_s: end.map(|(at, _)| round_to(millis(origin, at) / 1e3, 3)),
        to_transcript: since_end(transcripts.last().map(|t| t.at)),
        to_task: since_end(first_task.map(|t| t.received)),
        to_first_cmd_vel: since_end(first_task.and_then(|t| t.first_motion)),
        to_reply_audio: since_end(first_speech),
        recognition_ms: transcripts
            .last()
            .map(|t| round_to(t.message.processing_time.as_secs_f64() * 1e3, 1)),
        pose_at_end_of_speech: command.at_speech_end.map(|(_, pose)| pose_entry(&pose)),
        travel_after_end_of_speech_m: command
            .at_speech_end
            .map(|(odometer, _)| round_to(seen.odometer_m - odometer, 3)),
        barge_in: barge_in(seen, index),
        settled: command.settled,
    }
}

/// The first utterance of command `index` that started while speech_out spoke, and when
/// speech_out stopped after it.
fn barge_in(seen: &Observations, index: usize) -> Option<BargeInEntry> {
    let utterance = seen
        .utterances
        .iter()
        .filter(|u| u.command == index && u.robot_speaking_at_start)
        .min_by_key(|u| u.started)?;
    let stop = seen
        .speaking_events
        .iter()
        .filter(|e| !e.speaking && e.stamp >= utterance.started)
        .min_by_key(|e| e.stamp);
    Some(BargeInEntry {
        utterance_id: utterance.id.clone(),
        to_silence_ms: stop.map(|e| millis(utterance.started, e.stamp)),
        end_reason: stop.map(|e| speech_out::end_reason_name(e.end_reason).to_owned()),
    })
}

/// The report of what `seen` recorded; `pending` is what the timeout left open; `now` ends
/// the run.
pub(crate) fn build(
    seen: &Observations,
    map: &SemanticMap,
    speed: f64,
    start_place: Option<String>,
    pending: Vec<String>,
    now: Instant,
) -> Report {
    let origin = seen.commands.first().map_or(now, |c| c.fed_at);
    let start = seen.first_pose.as_ref();
    let last = seen.last_pose.as_ref();
    Report {
        schema_version: SCHEMA_VERSION,
        settled: pending.is_empty(),
        pending,
        speed,
        endpoint_hangover_ms: 0,
        start_place,
        wall_time_s: round_to(millis(origin, now) / 1e3, 3),
        sim_time_s: last.map_or(0.0, |p| round_to(p.t, 3)),
        transcripts: seen
            .transcripts
            .iter()
            .filter(|t| t.message.is_final)
            .map(|t| TranscriptEntry {
                command: seen
                    .utterances
                    .iter()
                    .find(|u| u.id == t.message.utterance_id)
                    .map(|u| u.command),
                utterance_id: t.message.utterance_id.clone(),
                text: t.message.text.clone(),
                confidence: t.message.confidence,
            })
            .collect(),
        replies: replies(seen),
        tasks: seen.tasks.iter().map(task_entry).collect(),
        start_pose: start.map(pose_entry),
        final_pose: last.map(pose_entry),
        start_room: start.and_then(|p| room_of(map, p)),
        final_room: last.and_then(|p| room_of(map, p)),
        objects_carried: seen.carried.clone(),
        objects_handled: seen
            .handled
            .iter()
            .map(|h| {
                let room = |(x, y): (f64, f64)| map.room_at(x, y).map(|id| id.name().to_owned());
                let xy = |(x, y): (f64, f64)| [round_to(x, 3), round_to(y, 3)];
                HandledEntry {
                    object: h.label.clone(),
                    picked_up_at: xy(h.picked_up_at),
                    picked_up_in: room(h.picked_up_at),
                    put_down_at: h.released.then(|| xy(h.last_carried_at)),
                    put_down_in: h.released.then(|| room(h.last_carried_at)).flatten(),
                }
            })
            .collect(),
        commands: (0..seen.commands.len())
            .map(|index| command_entry(seen, index, origin))
            .collect(),
        trajectory_png: None,
    }
}

/// Draws the ground-truth trajectory over the world (floor plan, furniture, objects; start
/// green, end red) into `path`.
///
/// # Errors
/// The plot's error (nothing to draw, unwritable file).
pub(crate) fn plot(
    seen: &Observations,
    world: &sim::WorldModel,
    seed: u64,
    path: &Path,
) -> Result<(), sim::Error> {
    use sim::record::Entry;
    let start = Entry::Start {
        world_sdf: world.source.clone(),
        semantic_map: world.semantic_map.clone(),
        seed,
    };
    let mut samples = seen.trajectory.clone();
    if let Some(last) = seen.last_pose
        && samples.last() != Some(&last)
    {
        samples.push(last);
    }
    let t0 = samples.first().map_or(0.0, |s| s.t);
    let entries: Vec<Entry> = std::iter::once(start)
        .chain(samples.iter().map(|s| Entry::Pose {
            t: s.t - t0,
            x: s.x,
            y: s.y,
            yaw: s.yaw,
            linear: 0.0,
            angular: 0.0,
            battery: 0.0,
            contact: false,
        }))
        .collect();
    sim::plot::plot_run(world, &entries, path).map(|_| ())
}

impl Report {
    /// The run for a person to read: per command what was said, heard and answered, the task
    /// and how it ended, the latencies; then where the robot went.
    pub fn dialogue(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let ms = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.0} ms"));
        for command in &self.commands {
            let heard: Vec<&str> = self
                .transcripts
                .iter()
                .filter(|t| t.command == Some(command.index))
                .map(|t| t.text.as_str())
                .collect();
            let _ = writeln!(out, "[{}] {}", command.index + 1, command.source);
            let _ = writeln!(
                out,
                "    heard:  {}",
                if heard.is_empty() {
                    "(nothing)".to_owned()
                } else {
                    heard.join(" / ")
                }
            );
            let ids: Vec<&str> = self
                .transcripts
                .iter()
                .filter(|t| t.command == Some(command.index))
                .map(|t| t.utterance_id.as_str())
                .collect();
            for reply in self
                .replies
                .iter()
                .filter(|r| ids.contains(&r.utterance_id.as_str()))
            {
                let _ = writeln!(out, "    robot:  {}", reply.text);
            }
            for task in self
                .tasks
                .iter()
                .filter(|t| t.command == Some(command.index))
            {
                let steps: Vec<String> = task.steps.iter().map(StepEntry::describe).collect();
                let _ = writeln!(
                    out,
                    "    task:   {} -> {} ({:.1} s)",
                    steps.join(", "),
                    task.outcome,
                    task.elapsed_s
                );
            }
            let _ = writeln!(
                out,
                "    from the end of speech: transcript {}, task {}, first /cmd_vel {}, reply audio {}",
                ms(command.to_transcript),
                ms(command.to_task),
                ms(command.to_first_cmd_vel),
                ms(command.to_reply_audio)
            );
        }
        let place = |room: &Option<String>, pose: &Option<PoseEntry>| {
            let room = room.as_deref().unwrap_or("?");
            match pose {
                Some(p) => format!("{room} ({:.2}, {:.2}, {:.0}°)", p.x, p.y, p.yaw_deg),
                None => room.to_owned(),
            }
        };
        let _ = writeln!(
            out,
            "robot went from the {} to the {}",
            place(&self.start_room, &self.start_pose),
            place(&self.final_room, &self.final_pose)
        );
        if !self.objects_carried.is_empty() {
            let _ = writeln!(out, "carrying: {}", self.objects_carried.join(", "));
        }
        if let Some(png) = &self.trajectory_png {
            let _ = writeln!(out, "trajectory: {png}");
        }
        out
    }
}

impl StepEntry {
    /// `NAVIGATE kitchen`, `TURN 90°`, `BRING keys to user`.
    fn describe(&self) -> String {
        let mut text = self.kind.to_uppercase();
        for part in [
            self.place.clone(),
            self.distance_m.map(|m| format!("{m} m")),
            self.angle_deg.map(|a| format!("{a}°")),
            self.object.clone(),
            self.destination.as_ref().map(|d| format!("to {d}")),
        ]
        .into_iter()
        .flatten()
        {
            text.push(' ');
            text.push_str(&part);
        }
        text
    }
}
