//! `embodied scenario`: spoken commands played to the whole assistant on the headless
//! simulator, in one process, and a JSON [`Report`] of what the robot heard, said and did,
//! with per-command latencies (issue 8, item 3).
//!
//! The nodes of `launch/sim.launch.xml` (sim, asr, memory, brain, planner, speech_out) run
//! their own mains, each in a tokio task, on one [`InMemoryBus`] (no DDS), with the launch
//! file's parameter files and overrides; the memory database and speech_out's WAV sink are
//! temporary. An observer node on the same bus records when each message arrives.
//!
//! Commands are played one at a time: each by a fresh audio_capture node (`source: wav`, real
//! time) with silence before it (at least the recogniser's `playback_level_window_s`, see
//! [`run`]) and enough after it for the recogniser's endpoint. By default ([`Cue::Settled`])
//! the next starts `gap` after the previous one has settled (its tasks ended, speech_out
//! silent), so every command meets an idle, quiet robot and its timings are its own, not
//! those of a queue behind the previous command, whatever `speed` the simulator runs at. A
//! timed [`Cue`] plays a command while the previous one is still being served (a "stop"
//! during a navigation, a barge-in over a reply); it still waits for the previous command's
//! audio to end, so only one capture publishes at a time.
//!
//! Timings are measured from the end of the command's speech: the last 10 ms frame with sound
//! in the command's own samples, placed on the wall clock by the capture stamps of the audio
//! chunks that carried it (the VAD's end of speech if no chunk was seen). They are wall-clock
//! times in this process: the transcript, the task, the first velocity command that moves the
//! robot for that task, and speech_out's first audio for a reply to the command.
//!
//! ```no_run
//! # async fn demo() -> Result<(), embodied_app::scenario::Error> {
//! use embodied_app::scenario::{Options, Spoken, run};
//! let options = Options {
//!     start: Some("living room".into()),
//!     ..Options::new(vec![Spoken::Say("go to the kitchen".into())])
//! };
//! let report = run(options).await?;
//! assert_eq!(report.final_room.as_deref(), Some("kitchen"));
//! # Ok(()) }
//! ```

mod audio;
mod observer;
mod report;
mod stack;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeIo, Publisher, ShutdownTrigger, Subscriber};
use embodied_world::SemanticMap;
use futures::StreamExt as _;
use tracing::{info, warn};

pub use audio::Voice;
use observer::{Observations, WallClock};
pub use report::{
    BargeInEntry, CommandEntry, HandledEntry, PoseEntry, ReplyEntry, Report, SCHEMA_VERSION,
    StepEntry, TaskEntry, TranscriptEntry,
};
use stack::{Share, Stack, StackConfig};

use crate::{exit_codes, nodes};

/// Longest the nodes may take to start (models load) before the run is given up.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);
/// A start-up that takes longer than this is reported every so often.
const STARTUP_PROGRESS: Duration = Duration::from_secs(10);
/// How often the driver checks for settling, timeouts and failed nodes.
const CHECK_PERIOD: Duration = Duration::from_millis(50);
/// The shortest silence after a command; at least the recogniser's endpoint hangover plus
/// this margin is played.
const MIN_TAIL: Duration = Duration::from_secs(1);
const TAIL_MARGIN: Duration = Duration::from_millis(700);
/// The shortest silence before a command; at least the recogniser's
/// `playback_level_window_s` plus this margin is played (see [`run`]).
const LEAD_SILENCE: Duration = Duration::from_millis(500);
const LEAD_MARGIN: Duration = Duration::from_millis(200);
/// The simulator's seed: the same scenario gives the same world noise.
const SEED: u64 = 1;
/// Fastest simulation asked for; faster makes the planner's control loop lag its world.
const MAX_SPEED: f64 = 50.0;
/// Longest `--timeout-s` (a day) and `--gap-s` (an hour): bounds that keep instants finite.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
const MAX_GAP: Duration = Duration::from_secs(3_600);

/// One spoken command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spoken {
    /// A text spoken by eSpeak NG.
    Say(String),
    /// A recording (any PCM or float WAV; converted to 16 kHz mono as audio_capture does).
    Wav(PathBuf),
}

/// When a command starts playing, relative to the command before it (the first command
/// starts once the assistant is up, whatever its cue).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Cue {
    /// [`Options::gap`] after the previous command settled: every command meets an idle,
    /// quiet robot, so its timings are its own.
    #[default]
    Settled,
    /// This long after the previous command's first task reached the planner, while it runs
    /// (e.g. "stop" during a navigation); as [`Cue::Settled`] if that command gave no task.
    AfterTask(Duration),
    /// This long after speech_out started speaking a reply to the previous command, while it
    /// speaks (barge-in); as [`Cue::Settled`] if it never spoke.
    AfterReplyAudio(Duration),
}

/// A spoken command and when it is played.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// What is said.
    pub spoken: Spoken,
    /// When.
    pub cue: Cue,
}

impl From<Spoken> for Command {
    /// Played after the previous command settled.
    fn from(spoken: Spoken) -> Self {
        Self {
            spoken,
            cue: Cue::Settled,
        }
    }
}

/// An object of the world moved before the simulation starts (e.g. the keys hidden in the
/// bedroom, out of sight of the robot's start).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Object name, alias or SDF model name of the semantic map, e.g. `keys`.
    pub object: String,
    /// Centre of the object in the map frame, m (on a surface of the world: the simulator
    /// does not drop objects).
    pub position: [f64; 3],
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The commands, in order.
    pub commands: Vec<Command>,
    /// Silence between one command settling and the next one starting ([`Cue::Settled`]).
    pub gap: Duration,
    /// Place (room or spot of the semantic map, aliases allowed) the robot starts at; `None`:
    /// the map's robot start.
    pub start: Option<String>,
    /// How long the commands may take, from the first one's audio; start-up is not counted.
    pub timeout: Duration,
    /// Simulated seconds per wall-clock second, in (0, 50].
    pub speed: f64,
    /// Where `scenario.json` and `trajectory.png` go.
    pub out_dir: PathBuf,
    /// Voice of `Say` commands.
    pub voice: Voice,
    /// Objects moved before the simulation starts.
    pub placements: Vec<Placement>,
}

impl Options {
    /// `commands` with the defaults: 1 s gap, map start, 120 s timeout, speed 10,
    /// `target/scenario`, voice `en-us` at 160 words per minute, the world as it is; a
    /// [`Spoken`] is played after the previous command settled.
    pub fn new<C: Into<Command>>(commands: impl IntoIterator<Item = C>) -> Self {
        Self {
            commands: commands.into_iter().map(Into::into).collect(),
            gap: Duration::from_secs(1),
            start: None,
            timeout: Duration::from_secs(120),
            speed: 10.0,
            out_dir: PathBuf::from("target/scenario"),
            voice: Voice {
                name: "en-us".into(),
                wpm: 160,
            },
            placements: Vec::new(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let invalid = |reason: String| Err(Error::InvalidOptions { reason });
        if self.commands.is_empty() {
            return invalid("no command: give --say TEXT or --wav FILE".into());
        }
        if !(self.speed > 0.0 && self.speed <= MAX_SPEED) {
            return invalid(format!(
                "--speed {} is outside (0, {MAX_SPEED}]",
                self.speed
            ));
        }
        if self.timeout.is_zero() || self.timeout > MAX_TIMEOUT {
            return invalid(format!(
                "--timeout-s {} is outside (0, {}]",
                self.timeout.as_secs_f64(),
                MAX_TIMEOUT.as_secs()
            ));
        }
        if self.gap > MAX_GAP {
            return invalid(format!(
                "--gap-s {} is above {}",
                self.gap.as_secs_f64(),
                MAX_GAP.as_secs()
            ));
        }
        if let Some(text) = self.commands.iter().find_map(|c| match &c.spoken {
            Spoken::Say(text) if text.trim().is_empty() => Some(text),
            _ => None,
        }) {
            return invalid(format!("--say {text:?} has no words"));
        }
        for cue in self.commands.iter().map(|c| c.cue) {
            if let Cue::AfterTask(delay) | Cue::AfterReplyAudio(delay) = cue
                && delay > MAX_GAP
            {
                return invalid(format!(
                    "a cue of {} s is above {}",
                    delay.as_secs_f64(),
                    MAX_GAP.as_secs()
                ));
            }
        }
        if let Some(placement) = self
            .placements
            .iter()
            .find(|p| p.position.iter().any(|v| !v.is_finite()))
        {
            return invalid(format!(
                "--place {}: the position is not finite",
                placement.object
            ));
        }
        Ok(())
    }
}

/// Why a scenario could not run. A run in which the robot fails is not an error: its
/// [`Report`] says so.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The options are out of range.
    #[error("invalid options: {reason}")]
    InvalidOptions {
        /// What is wrong.
        reason: String,
    },
    /// `config/` and the home world were not found.
    #[error("config/sim.yaml and models/gazebo/worlds/home.sdf not found; searched {searched}")]
    ShareNotFound {
        /// Where.
        searched: String,
    },
    /// The semantic map cannot be loaded.
    #[error("loading the semantic map")]
    World(#[source] embodied_world::WorldError),
    /// `--start` names no place.
    #[error("unknown place {name:?} for --start; places: {known}")]
    UnknownPlace {
        /// As given.
        name: String,
        /// The map's places.
        known: String,
    },
    /// `--place` names no object.
    #[error("unknown object {name:?} for --place; objects: {known}")]
    UnknownObject {
        /// As given.
        name: String,
        /// The map's objects.
        known: String,
    },
    /// No whisper model.
    #[error("no whisper model at {} (run `embodied models fetch`)", path.display())]
    WhisperModelMissing {
        /// Where it was expected.
        path: PathBuf,
    },
    /// eSpeak NG could not speak a `--say` text.
    #[error("speaking {text:?} with espeak-ng: {source:#}")]
    Synthesis {
        /// The text.
        text: String,
        /// Why.
        source: anyhow::Error,
    },
    /// A `--wav` file cannot be read.
    #[error("reading {}", path.display())]
    Wav {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: audio_capture::wav::WavError,
    },
    /// A command's audio is silent.
    #[error("{command}: no sound in it (nothing above -60 dBFS)")]
    NoSpeech {
        /// The command.
        command: String,
    },
    /// A file could not be written.
    #[error("writing {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A node's command line or parameters were refused.
    #[error("node {node}: bad parameters")]
    NodeArgs {
        /// The node.
        node: String,
        /// Why (boxed: it is large and rare).
        #[source]
        source: Box<embodied_runtime::RuntimeError>,
    },
    /// A node stopped with an error (or on its own).
    #[error("node {node}: {source:#}")]
    Node {
        /// The node.
        node: &'static str,
        /// The exit code its own binary would end with.
        code: u8,
        /// Why.
        source: anyhow::Error,
    },
    /// The nodes did not all start in time.
    #[error("the assistant did not start within {}s; waiting for {waiting}", STARTUP_TIMEOUT.as_secs())]
    StartupTimeout {
        /// What was missing.
        waiting: String,
    },
}

impl Error {
    /// The process exit code (house style §4): config 2 for options and inputs, model 3 for
    /// a missing whisper model or speech synthesis, a failed node's own code, scenario 5 for
    /// a stack that would not start or a report that cannot be written.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::InvalidOptions { .. }
            | Self::ShareNotFound { .. }
            | Self::World(_)
            | Self::UnknownPlace { .. }
            | Self::UnknownObject { .. }
            | Self::Wav { .. }
            | Self::NoSpeech { .. }
            | Self::NodeArgs { .. } => exit_codes::CONFIG,
            Self::WhisperModelMissing { .. } | Self::Synthesis { .. } => exit_codes::MODEL,
            Self::Node { code, .. } => *code,
            Self::Io { .. } | Self::StartupTimeout { .. } => exit_codes::SCENARIO,
        }
    }
}

/// The SDF model of a `--place` object and where it goes.
fn resolve_placement(
    map: &SemanticMap,
    placement: &Placement,
) -> Result<nodes::sim_node::ObjectMove, Error> {
    let id = map
        .resolve_object(&placement.object)
        .ok_or_else(|| Error::UnknownObject {
            name: placement.object.clone(),
            known: map
                .objects()
                .iter()
                .map(|o| o.id.name())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let [x, y, _] = placement.position;
    if map.room_at(x, y).is_none() {
        return Err(Error::InvalidOptions {
            reason: format!(
                "--place {}: ({x}, {y}) is in no room of the map",
                placement.object
            ),
        });
    }
    Ok(nodes::sim_node::ObjectMove {
        model: map.object(id).model.clone(),
        position: placement.position,
    })
}

/// The start pose of `--start`: the place's approach pose.
fn resolve_start(map: &SemanticMap, name: &str) -> Result<sim::Pose2D, Error> {
    let id = map.resolve_place(name).ok_or_else(|| Error::UnknownPlace {
        name: name.to_owned(),
        known: map
            .places()
            .iter()
            .map(|p| p.id.name())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let approach = map.place(id).approach;
    Ok(sim::Pose2D::new(
        approach.translation.x,
        approach.translation.y,
        approach.rotation.angle(),
    ))
}

/// Where a run is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Every node is up (models loaded).
    Ready,
    /// Command `n` (from 0) starts playing.
    Playing(usize),
    /// Every command played has settled, or the timeout hit.
    Done,
}

/// Runs the scenario: brings the stack up, plays the commands, waits for each to settle (or
/// the timeout), stops the stack, writes `scenario.json` and `trajectory.png` into
/// `out_dir`, and returns the report.
///
/// # Errors
/// [`Error`] when the scenario cannot run (bad options or inputs, missing models, a node that
/// fails); not when the robot fails or the timeout hits.
pub async fn run(options: Options) -> Result<Report, Error> {
    run_with_progress(options, |_| {}).await
}

/// [`run`], telling `progress` where it is.
///
/// # Errors
/// As [`run`].
pub async fn run_with_progress(
    options: Options,
    mut progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    options.validate()?;
    let share = Share::find()?;
    let map = SemanticMap::load(&share.semantic_map()).map_err(Error::World)?;
    let spawn = options
        .start
        .as_deref()
        .map(|name| resolve_start(&map, name))
        .transpose()?;
    let moves = options
        .placements
        .iter()
        .map(|placement| resolve_placement(&map, placement))
        .collect::<Result<Vec<_>, _>>()?;
    let scratch = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    std::fs::create_dir_all(&options.out_dir).map_err(|source| Error::Io {
        path: options.out_dir.clone(),
        source,
    })?;

    // The recogniser's parameters (the whisper model, the endpoint's hangover), read as the
    // node will read them, on a bus of their own.
    let asr_params = stack::start_io(&InMemoryBus::new(), "asr", stack::asr_args(&share)?)?
        .load_params::<asr::Params>()
        .map_err(|source| Error::NodeArgs {
            node: "asr".into(),
            source: Box::new(source),
        })?;
    let tail =
        MIN_TAIL.max(Duration::from_millis(u64::from(asr_params.vad.hangover_ms)) + TAIL_MARGIN);
    // While speech_out speaks, the recogniser first learns the level of the robot's voice at
    // the microphone for `playback_level_window_s` of audio. The scenario's microphone does
    // not hear the robot (speech_out writes WAV files), and audio flows only while a command
    // plays, so each command opens with at least that window of silence: a command spoken
    // over the robot meets a recogniser that learned a silent room, as an echo-cancelled
    // microphone would give it.
    let lead = LEAD_SILENCE.max(
        Duration::try_from_secs_f32(asr_params.playback_level_window_s).unwrap_or(LEAD_SILENCE)
            + LEAD_MARGIN,
    );
    let feeds = {
        let (commands, voice, dir) = (
            options
                .commands
                .iter()
                .map(|c| c.spoken.clone())
                .collect::<Vec<_>>(),
            options.voice.clone(),
            scratch.path().to_path_buf(),
        );
        let silence = audio::Silence { lead, tail };
        // eSpeak NG and file reading block: off the executor.
        tokio::task::spawn_blocking(move || audio::prepare(&commands, &voice, silence, &dir))
            .await
            .map_err(|join| Error::Synthesis {
                text: String::new(),
                source: anyhow::anyhow!("preparing the audio panicked: {join}"),
            })??
    };
    let whisper = asr::cli::model_path(Some(&asr_params.whisper_model));
    if !whisper.is_file() {
        return Err(Error::WhisperModelMissing { path: whisper });
    }

    let bus = InMemoryBus::new();
    let mut observer = Observer::start(&bus)?;
    let speech_dir = scratch.path().join("speech_out");
    let mut stack = stack::start(
        &bus,
        &StackConfig {
            share: share.clone(),
            speed: options.speed,
            seed: SEED,
            spawn,
            moves,
            memory_database: scratch.path().join("memory.sqlite"),
            speech_dir,
        },
    )?;
    let mut seen = Observations::new(WallClock::now());
    let outcome = drive(
        &options,
        (&share, &bus),
        &feeds,
        (&mut observer, &mut stack, &mut seen),
        &mut progress,
    )
    .await;
    progress(Progress::Done);
    let end = Instant::now();
    stack.stop().await;
    let pending = outcome?;

    let mut report = report::build(
        &seen,
        &map,
        options.speed,
        options.start.clone(),
        pending,
        end,
    );
    report.endpoint_hangover_ms = asr_params.vad.hangover_ms;
    let png = options.out_dir.join("trajectory.png");
    match load_world(&share)
        .and_then(|world| report::plot(&seen, &world, SEED, &png).map_err(anyhow::Error::from))
    {
        Ok(()) => report.trajectory_png = Some(png.display().to_string()),
        Err(error) => {
            warn!(path = %png.display(), error = %format!("{error:#}"), "no trajectory plot")
        }
    }
    let json = options.out_dir.join("scenario.json");
    let text = serde_json::to_string_pretty(&report).map_err(|e| Error::Io {
        path: json.clone(),
        source: e.into(),
    })?;
    std::fs::write(&json, text).map_err(|source| Error::Io { path: json, source })?;
    Ok(report)
}

fn load_world(share: &Share) -> anyhow::Result<sim::WorldModel> {
    let files = sim::world_files_for(share.world_sdf(), Some(share.semantic_map()));
    Ok(sim::load_world(&files)?)
}

/// Waits for the stack, then plays the commands one by one, each on its cue; returns what
/// was still pending when the timeout hit (empty when everything settled).
async fn drive(
    options: &Options,
    (share, bus): (&Share, &InMemoryBus),
    feeds: &[audio::Feed],
    (observer, stack, seen): (&mut Observer, &mut Stack, &mut Observations),
    progress: &mut impl FnMut(Progress),
) -> Result<Vec<String>, Error> {
    observer.wait_until_ready(bus, stack, seen).await?;
    progress(Progress::Ready);
    let mut deadline = None;
    // The shutdown of the audio_capture node of the command playing (the stack's last node):
    // it idles after its feed until the next command starts (two captures never publish at
    // once) or the last command settles.
    let mut capture: Option<ShutdownTrigger> = None;
    for (index, feed) in feeds.iter().enumerate() {
        let cue = options.commands.get(index).map_or(Cue::Settled, |c| c.cue);
        if let Some(deadline) = deadline {
            let previous = index - 1;
            if !wait_for_cue(options, observer, stack, seen, (previous, cue), deadline).await? {
                stop_capture(stack, capture.take()).await;
                return Ok(timed_out(seen, feeds, previous));
            }
            stop_capture(stack, capture.take()).await;
        }
        let now = Instant::now();
        let deadline = *deadline.get_or_insert(now + options.timeout);
        if now >= deadline {
            return Ok(unplayed(feeds, index));
        }
        let trigger = ShutdownTrigger::new();
        stack.nodes.push(stack::start_audio_capture(
            bus,
            share,
            &feed.path,
            trigger.subscribe(),
        )?);
        capture = Some(trigger);
        seen.start_command(Instant::now(), feed.clone(), cue);
        progress(Progress::Playing(index));
        info!(command = index, source = %feed.label, ?cue, "playing");
    }
    let Some((last, deadline)) = feeds.len().checked_sub(1).zip(deadline) else {
        return Ok(Vec::new());
    };
    let settled = observer
        .watch(stack, seen, deadline, |seen, now| {
            seen.pending_through(now, last).is_empty()
        })
        .await;
    stop_capture(stack, capture.take()).await;
    if !settled? {
        return Ok(timed_out(seen, feeds, last));
    }
    mark_settled(seen, last);
    Ok(Vec::new())
}

/// Waits until the cue of command `previous + 1` is due, at most until `deadline`
/// (`Ok(false)`): [`Cue::Settled`], or a timed cue whose event never came, waits for every
/// command so far to settle and then [`Options::gap`].
async fn wait_for_cue(
    options: &Options,
    observer: &mut Observer,
    stack: &mut Stack,
    seen: &mut Observations,
    (previous, cue): (usize, Cue),
    deadline: Instant,
) -> Result<bool, Error> {
    let mut settled = false;
    let cued = observer
        .watch(stack, seen, deadline, |seen, now| {
            if seen.cue_due(previous, cue).is_some_and(|at| now >= at) {
                return true;
            }
            settled = seen.cue_due(previous, cue).is_none()
                && seen.pending_through(now, previous).is_empty();
            settled
        })
        .await?;
    if !cued {
        return Ok(false);
    }
    if settled {
        mark_settled(seen, previous);
        let gap_end = (Instant::now() + options.gap).min(deadline);
        observer.watch(stack, seen, gap_end, |_, _| false).await?;
    }
    Ok(true)
}

/// Stops the audio_capture node of the command that played last (the last node of the
/// stack; its feed has played) and waits for it.
async fn stop_capture(stack: &mut Stack, capture: Option<ShutdownTrigger>) {
    if let Some(trigger) = capture {
        trigger.trigger();
        if let Some(node) = stack.nodes.pop() {
            node.join().await;
        }
    }
}

/// Commands up to `last` have settled.
fn mark_settled(seen: &mut Observations, last: usize) {
    for command in seen.commands.iter_mut().take(last + 1) {
        command.settled = true;
    }
    info!(through = last, "settled");
}

/// What the timeout left open: the commands played so far and those never played.
fn timed_out(seen: &Observations, feeds: &[audio::Feed], last: usize) -> Vec<String> {
    let mut pending = seen.pending_through(Instant::now(), last);
    pending.retain(|p| p != "recent activity");
    pending.extend(unplayed(feeds, last + 1));
    warn!(command = last, ?pending, "timeout");
    pending
}

fn unplayed(feeds: &[audio::Feed], from: usize) -> Vec<String> {
    feeds
        .iter()
        .enumerate()
        .skip(from)
        .map(|(index, feed)| format!("command {index} ({}) was not played", feed.label))
        .collect()
}

/// The observer node: a subscription per topic it records.
struct Observer {
    /// Kept for the subscriptions' lifetime.
    _io: NodeIo,
    chunks: Subscriber<embodied_msgs::msg::AudioChunk>,
    activity: Subscriber<embodied_msgs::msg::SpeechActivity>,
    transcripts: Subscriber<embodied_msgs::msg::Transcript>,
    replies: Subscriber<embodied_msgs::msg::AssistantReply>,
    tasks: Subscriber<embodied_msgs::msg::Task>,
    statuses: Subscriber<embodied_msgs::msg::TaskStatus>,
    cmd_vel: Subscriber<embodied_msgs::geometry_msgs::msg::Twist>,
    speaking: Subscriber<embodied_msgs::msg::SpeakingState>,
    ground_truth: Subscriber<embodied_msgs::nav_msgs::msg::Odometry>,
    objects: Subscriber<embodied_msgs::msg::SceneObjects>,
}

/// Readiness probes: a publisher per topic that exactly one node of the stack subscribes to
/// once its start-up (model loading) is done.
struct Probes {
    audio: Publisher<embodied_msgs::msg::AudioChunk>,
    transcript: Publisher<embodied_msgs::msg::Transcript>,
    task: Publisher<embodied_msgs::msg::Task>,
    reply: Publisher<embodied_msgs::msg::AssistantReply>,
    cmd_vel: Publisher<embodied_msgs::geometry_msgs::msg::Twist>,
}

impl Observer {
    fn start(bus: &InMemoryBus) -> Result<Self, Error> {
        let mut io = stack::start_io(
            bus,
            "scenario_observer",
            embodied_runtime::RosArgs::default(),
        )?;
        let endpoint = |source| Error::NodeArgs {
            node: "scenario_observer".into(),
            source: Box::new(source),
        };
        Ok(Self {
            chunks: io.subscription(&topics::AUDIO_CHUNK).map_err(endpoint)?,
            activity: io
                .subscription(&topics::SPEECH_ACTIVITY)
                .map_err(endpoint)?,
            transcripts: io.subscription(&topics::TRANSCRIPT).map_err(endpoint)?,
            replies: io
                .subscription(&topics::ASSISTANT_REPLY)
                .map_err(endpoint)?,
            tasks: io.subscription(&topics::ASSISTANT_TASK).map_err(endpoint)?,
            statuses: io.subscription(&topics::PLANNER_STATUS).map_err(endpoint)?,
            cmd_vel: io.subscription(&topics::CMD_VEL).map_err(endpoint)?,
            speaking: io.subscription(&topics::SPEAKING).map_err(endpoint)?,
            ground_truth: io
                .subscription_on(
                    sim::GROUND_TRUTH_TOPIC,
                    &embodied_msgs::topics::Qos::reliable(10),
                )
                .map_err(endpoint)?,
            objects: io
                .subscription(&topics::PERCEPTION_OBJECTS)
                .map_err(endpoint)?,
            _io: io,
        })
    }

    /// Records the next message; `false` when every stream has ended.
    async fn record_next(&mut self, seen: &mut Observations) -> bool {
        tokio::select! {
            Some(m) = self.chunks.next() => seen.on_chunk(&m),
            Some(m) = self.activity.next() => seen.on_activity(Instant::now(), &m),
            Some(m) = self.transcripts.next() => seen.on_transcript(Instant::now(), m),
            Some(m) = self.replies.next() => seen.on_reply(Instant::now(), m),
            Some(m) = self.tasks.next() => seen.on_task(Instant::now(), m),
            Some(m) = self.statuses.next() => seen.on_status(Instant::now(), m),
            Some(m) = self.cmd_vel.next() => seen.on_cmd_vel(Instant::now(), &m),
            Some(m) = self.speaking.next() => seen.on_speaking(Instant::now(), &m),
            Some(m) = self.ground_truth.next() => seen.on_ground_truth(Instant::now(), &m),
            Some(m) = self.objects.next() => seen.on_objects(&m),
            else => return false,
        }
        true
    }

    /// Records messages until `done` holds (`Ok(true)`) or `deadline` passes (`Ok(false)`);
    /// a node that fails meanwhile ends it with its error.
    async fn watch(
        &mut self,
        stack: &mut Stack,
        seen: &mut Observations,
        deadline: Instant,
        mut done: impl FnMut(&Observations, Instant) -> bool,
    ) -> Result<bool, Error> {
        let mut check = tokio::time::interval(CHECK_PERIOD);
        loop {
            tokio::select! {
                open = self.record_next(seen) => {
                    if !open {
                        // Only when the bus is gone; keep checking the clock.
                        tokio::time::sleep(CHECK_PERIOD).await;
                    }
                }
                _ = check.tick() => {
                    if let Some(error) = stack.failure() {
                        return Err(error);
                    }
                    let now = Instant::now();
                    if done(seen, now) {
                        return Ok(true);
                    }
                    if now >= deadline {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Waits until every node has subscribed to its input (models loaded) and the simulator
    /// publishes, at most [`STARTUP_TIMEOUT`]; says what it waits for every
    /// [`STARTUP_PROGRESS`].
    async fn wait_until_ready(
        &mut self,
        bus: &InMemoryBus,
        stack: &mut Stack,
        seen: &mut Observations,
    ) -> Result<(), Error> {
        let mut probe_io =
            stack::start_io(bus, "scenario_probe", embodied_runtime::RosArgs::default())?;
        let endpoint = |source| Error::NodeArgs {
            node: "scenario_probe".into(),
            source: Box::new(source),
        };
        let probes = Probes {
            audio: probe_io.publisher(&topics::AUDIO_CHUNK).map_err(endpoint)?,
            transcript: probe_io.publisher(&topics::TRANSCRIPT).map_err(endpoint)?,
            task: probe_io
                .publisher(&topics::ASSISTANT_TASK)
                .map_err(endpoint)?,
            reply: probe_io
                .publisher(&topics::ASSISTANT_REPLY)
                .map_err(endpoint)?,
            cmd_vel: probe_io.publisher(&topics::CMD_VEL).map_err(endpoint)?,
        };
        // The observer subscribes to each probed topic itself: the node makes it two.
        let missing = |seen: &Observations| {
            let mut missing: Vec<&str> = [
                ("asr", probes.audio.subscription_count(&probe_io)),
                ("brain", probes.transcript.subscription_count(&probe_io)),
                ("planner", probes.task.subscription_count(&probe_io)),
                ("speech_out", probes.reply.subscription_count(&probe_io)),
                ("sim", probes.cmd_vel.subscription_count(&probe_io)),
            ]
            .into_iter()
            .filter(|(_, count)| *count < 2)
            .map(|(name, _)| name)
            .collect();
            if seen.last_pose.is_none() {
                missing.push("the simulator's ground truth");
            }
            missing
        };
        let started = Instant::now();
        info!("starting the assistant (loading models)");
        loop {
            let until = (Instant::now() + STARTUP_PROGRESS).min(started + STARTUP_TIMEOUT);
            if self
                .watch(stack, seen, until, |seen, _| missing(seen).is_empty())
                .await?
            {
                info!(seconds = started.elapsed().as_secs_f64(), "assistant ready");
                break;
            }
            if Instant::now() >= started + STARTUP_TIMEOUT {
                return Err(Error::StartupTimeout {
                    waiting: missing(seen).join(", "),
                });
            }
            info!(waiting = ?missing(seen), "still starting");
        }
        drop(probes);
        probe_io.shutdown().await;
        Ok(())
    }
}
