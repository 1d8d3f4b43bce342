//! Binds the dialogue to its ROS topics. The model and the memory live on one worker thread
//! (inference takes tens of milliseconds; the executor must keep serving the topics); the
//! async side keeps the live robot state and publishes what the worker answers.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use embodied_memory::{Aliases, Memory, Time};
use embodied_msgs::msg::{AssistantReply, SceneObjects, Transcript};
use embodied_msgs::std_msgs::msg::Header;
use embodied_msgs::topics;
use embodied_runtime::{NodeIo, Publisher, RuntimeError, Shutdown, exit_code};
use embodied_world::{PlaceId, SemanticMap, WorldFiles};
use futures::StreamExt;
use tokio::sync::mpsc;
use tracing::{debug, error, info, warn};

use super::params::Params;
use super::report::{IssuedTask, Outcomes, reply_kind};
use crate::assistant::AssistantModel;
use crate::dialogue::state::{clean_label, resolve_place};
use crate::dialogue::{
    Dialogue, DialogueError, DialogueOptions, Reply, RobotState, UtteranceInfo, system_now,
};
use crate::learn::{AdapterStore, ConsolidationReport, LearnError, LearnOptions};
use crate::prompt::Perceived;

/// Why the node could not run.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A topic endpoint failed.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The assistant model could not be found or loaded.
    #[error("assistant model: {0}")]
    Model(#[source] Box<crate::Error>),
    /// The memory file could not be opened.
    #[error("memory {}: {source}", path.display())]
    Memory {
        /// The file.
        path: PathBuf,
        /// The memory's error.
        #[source]
        source: embodied_memory::Error,
    },
    /// No memory path given and no home directory for the default.
    #[error("no memory_database_path given and no HOME (or XDG_DATA_HOME) to put the memory in")]
    NoMemoryPath,
    /// The semantic map could not be loaded.
    #[error("semantic map {}: {source}", path.display())]
    World {
        /// The map file.
        path: PathBuf,
        /// Why (boxed: map errors are large).
        #[source]
        source: Box<embodied_world::WorldError>,
    },
    /// What users taught could not be read from the memory.
    #[error("taught examples: {0}")]
    Taught(#[from] DialogueError),
    /// The model's worker thread ended unexpectedly.
    #[error("the brain's model thread stopped")]
    WorkerGone,
}

impl NodeError {
    /// The process exit code for this error (`embodied_runtime::exit_code`).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Runtime(e) => e.exit_code(),
            Self::Model(_) | Self::WorkerGone => exit_code::MODEL,
            Self::Memory { .. } | Self::NoMemoryPath | Self::World { .. } | Self::Taught(_) => {
                exit_code::CONFIG
            }
        }
    }
}

/// What the node loads before it subscribes.
struct Loaded {
    model: Arc<AssistantModel>,
    /// The base checkpoint (consolidation trains adapters over it).
    model_dir: PathBuf,
    memory: Memory,
    memory_path: PathBuf,
    map: Option<SemanticMap>,
    aliases: Aliases,
}

/// Loads model, memory and semantic map (blocking: file reads, SQLite checks).
fn load(params: &Params) -> Result<Loaded, NodeError> {
    let model_dir = if params.model_dir.is_empty() {
        AssistantModel::find_default().map_err(|e| NodeError::Model(Box::new(e)))?
    } else {
        PathBuf::from(&params.model_dir)
    };
    let path = params.memory_file().ok_or(NodeError::NoMemoryPath)?;
    // The base with what was consolidated for this memory before.
    let model = Arc::new(
        AdapterStore::next_to(&path)
            .load_model(&model_dir)
            .map_err(|e| NodeError::Model(Box::new(e)))?,
    );
    let memory =
        Memory::open(&path, params.memory_durability).map_err(|source| NodeError::Memory {
            path: path.clone(),
            source,
        })?;
    let map_file = if params.semantic_map.is_empty() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| WorldFiles::find_home(&cwd))
            .map(|files| files.semantic_map)
    } else {
        Some(PathBuf::from(&params.semantic_map))
    };
    let map = match map_file {
        Some(path) => Some(SemanticMap::load(&path).map_err(|source| NodeError::World {
            path,
            source: Box::new(source),
        })?),
        None => {
            warn!(
                "no semantic map found (installed share or workspace): the room comes from \
                 /perception/objects only, and places and objects have no aliases"
            );
            None
        }
    };
    let aliases = map
        .as_ref()
        .map(Aliases::from_semantic_map)
        .unwrap_or_default();
    Ok(Loaded {
        model,
        model_dir,
        memory,
        memory_path: path,
        map,
        aliases,
    })
}

/// Work for the model thread.
enum Job {
    /// Answer a transcript in the given state.
    Utterance {
        transcript: Box<Transcript>,
        received: Instant,
        received_at: Time,
        state: RobotState,
    },
    /// The robot's perception changed: record object locations.
    Observe { state: RobotState, now: Time },
    /// Consolidation produced new weights: answer with them from now on.
    UseModel(Arc<AssistantModel>),
}

/// What the model thread answered.
struct Answer {
    utterance_id: String,
    received: Instant,
    result: Result<Reply, DialogueError>,
}

/// The model thread: answers jobs in order until the job channel closes.
fn spawn_worker(
    mut dialogue: Dialogue,
    mut jobs: mpsc::Receiver<Job>,
    answers: mpsc::Sender<Answer>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("brain-model".to_owned())
        .spawn(move || {
            while let Some(job) = jobs.blocking_recv() {
                match job {
                    Job::UseModel(model) => {
                        info!(adapter = ?model.adapter(), "answering with the consolidated model");
                        dialogue.set_model(&model);
                    }
                    Job::Observe { state, now } => {
                        if let Err(e) = dialogue.observe(state, &now) {
                            warn!(error = %e, "perceived objects not recorded");
                        }
                    }
                    Job::Utterance {
                        transcript,
                        received,
                        received_at,
                        state,
                    } => {
                        if let Err(e) = dialogue.observe(state, &received_at) {
                            warn!(error = %e, "perceived objects not recorded");
                        }
                        let info = UtteranceInfo {
                            utterance_id: transcript.utterance_id.clone(),
                            speech_end: Some(Time::from_nanos(
                                transcript
                                    .speech_start
                                    .as_nanos()
                                    .saturating_add(transcript.audio_duration.as_nanos()),
                            )),
                            transcript: Some(transcript.header.stamp.clone()),
                        };
                        let result = dialogue.handle_at(&transcript.text, &info, &received_at);
                        let answer = Answer {
                            utterance_id: transcript.utterance_id.clone(),
                            received,
                            result,
                        };
                        if answers.blocking_send(answer).is_err() {
                            return;
                        }
                    }
                }
            }
        })
}

/// Consolidation while idle: after what users taught and `consolidation_idle_s` without speech,
/// a background thread trains a candidate on its own memory connection; speech cancels it (the
/// user comes first on two cores), and an accepted model is handed to the model thread.
struct Consolidator {
    enabled: bool,
    idle: std::time::Duration,
    model_dir: PathBuf,
    memory_path: PathBuf,
    /// Taught examples wait for consolidation.
    pending: bool,
    last_activity: Instant,
    running: Option<Running>,
}

/// A consolidation's report, and the model to use when it was accepted.
type Outcome = Result<(ConsolidationReport, Option<Arc<AssistantModel>>), LearnError>;

struct Running {
    cancel: Arc<std::sync::atomic::AtomicBool>,
    done: tokio::sync::oneshot::Receiver<Outcome>,
}

impl Consolidator {
    fn new(params: &Params, model_dir: PathBuf, memory_path: PathBuf, memory: &Memory) -> Self {
        let pending = memory
            .taught_examples()
            .map(|all| all.iter().any(|t| t.consolidated.is_none()))
            .unwrap_or(false);
        Self {
            enabled: params.consolidate_when_idle,
            idle: std::time::Duration::from_secs(u64::from(params.consolidation_idle_s)),
            model_dir,
            memory_path,
            pending,
            last_activity: Instant::now(),
            running: None,
        }
    }

    fn taught(&mut self) {
        self.pending = true;
        self.last_activity = Instant::now();
    }

    fn user_active(&mut self) {
        self.last_activity = Instant::now();
        if let Some(running) = &self.running {
            running
                .cancel
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn start_if_idle(&mut self) {
        if !self.enabled
            || !self.pending
            || self.running.is_some()
            || self.last_activity.elapsed() < self.idle
        {
            return;
        }
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, done) = tokio::sync::oneshot::channel();
        let (base, memory_path, flag) = (
            self.model_dir.clone(),
            self.memory_path.clone(),
            cancel.clone(),
        );
        info!("idle: consolidating what was taught");
        let spawned = std::thread::Builder::new()
            .name("brain-learn".to_owned())
            .spawn(move || {
                let _ = tx.send(consolidate_now(&base, &memory_path, &flag));
            });
        match spawned {
            Ok(_) => self.running = Some(Running { cancel, done }),
            Err(e) => warn!(error = %e, "consolidation thread not started"),
        }
    }

    /// Resolves when a running consolidation ends (never when none runs).
    async fn finished(&mut self) -> Option<Outcome> {
        match &mut self.running {
            Some(running) => Some(
                (&mut running.done)
                    .await
                    .unwrap_or(Err(LearnError::Cancelled)),
            ),
            None => std::future::pending().await,
        }
    }

    /// The model to answer with, when the candidate was accepted.
    fn on_finished(&mut self, result: Outcome) -> Option<Arc<AssistantModel>> {
        self.running = None;
        match result {
            Ok((report, model)) => {
                info!("{}", report.line());
                // A rolled-back candidate is not retried until something new is taught.
                self.pending = false;
                model
            }
            Err(LearnError::Cancelled) => {
                info!("consolidation cancelled: the user spoke; retried when idle again");
                None
            }
            Err(e) => {
                warn!(error = %e, "consolidation failed");
                self.pending = false;
                None
            }
        }
    }
}

/// One consolidation on its own memory connection; the accepted model loaded for use.
fn consolidate_now(
    base: &std::path::Path,
    memory_path: &std::path::Path,
    cancel: &std::sync::atomic::AtomicBool,
) -> Outcome {
    let mut memory = Memory::open(memory_path, embodied_memory::Durability::Full)?;
    let root = crate::teach::share_root()?;
    let store = AdapterStore::next_to(memory_path);
    let report = crate::learn::consolidate(
        base,
        &root,
        &mut memory,
        &store,
        &LearnOptions::default(),
        false,
        cancel,
    )?;
    let model = if report.accepted {
        Some(Arc::new(store.load_model(base)?))
    } else {
        None
    };
    Ok((report, model))
}

/// Ids unique across restarts: the node's start time (wall clock) and a counter.
struct Ids {
    prefix: String,
    next: u64,
}

impl Ids {
    fn new() -> Self {
        Self {
            prefix: format!("brain-{:x}", system_now().as_nanos()),
            next: 0,
        }
    }

    fn next(&mut self, kind: &str) -> String {
        self.next += 1;
        format!("{}-{kind}{}", self.prefix, self.next)
    }
}

/// One reply to publish.
struct Spoken<'a> {
    utterance_id: &'a str,
    kind: u8,
    text: String,
    task_id: String,
    /// When the transcript arrived (processing time is measured from it).
    received: Option<Instant>,
    generated_tokens: usize,
}

/// The node's publishers and bookkeeping.
struct Outputs {
    replies: Publisher<AssistantReply>,
    tasks: Publisher<embodied_msgs::msg::Task>,
    outcomes: Outcomes,
    ids: Ids,
    language: String,
}

impl Outputs {
    async fn say(&mut self, io: &NodeIo, spoken: Spoken<'_>) {
        let Spoken {
            utterance_id,
            kind,
            text,
            task_id,
            received,
            generated_tokens,
        } = spoken;
        let elapsed: embodied_msgs::builtin_interfaces::msg::Duration =
            received.map(|r| r.elapsed()).unwrap_or_default().into();
        let reply = AssistantReply {
            header: Header {
                stamp: io.now(),
                frame_id: String::new(),
            },
            utterance_id: utterance_id.to_owned(),
            reply_id: self.ids.next("r"),
            segment_index: 0,
            is_final: true,
            kind,
            text,
            language: self.language.clone(),
            interruptible: true,
            task_id,
            // One segment: the first token is heard when the whole reply is ready.
            time_to_first_token: elapsed.clone(),
            processing_time: elapsed,
            generated_tokens: u32::try_from(generated_tokens).unwrap_or(u32::MAX),
        };
        debug!(utterance_id, text = %reply.text, kind, "reply");
        if let Err(e) = self.replies.publish(reply).await {
            warn!(error = %e, "reply not published");
        }
    }

    /// Publishes the task (if any) and the reply for a model answer; whether it taught
    /// something.
    async fn answer(&mut self, io: &NodeIo, answer: Answer) -> bool {
        let Answer {
            utterance_id,
            received,
            result,
        } = answer;
        let reply = match result {
            Ok(reply) => reply,
            Err(e) => {
                let text = match &e {
                    DialogueError::Utterance { .. } => {
                        warn!(%utterance_id, error = %e, "utterance refused");
                        "Sorry, I couldn't follow that. Could you say it more briefly?"
                    }
                    _ => {
                        error!(%utterance_id, error = %e, "no answer");
                        "Sorry, something went wrong while I was thinking about that."
                    }
                };
                self.say(
                    io,
                    Spoken {
                        utterance_id: &utterance_id,
                        kind: AssistantReply::KIND_ERROR,
                        text: text.to_owned(),
                        task_id: String::new(),
                        received: Some(received),
                        generated_tokens: 0,
                    },
                )
                .await;
                return false;
            }
        };
        let taught = !reply.taught.is_empty();
        let understanding = reply.understanding;
        let task_id = self.ids.next("t");
        let mut published_task = String::new();
        if let Some(mut task) = understanding.to_task(&task_id, &utterance_id) {
            task.header.stamp = io.now();
            match self.tasks.publish(task).await {
                Ok(()) => {
                    self.outcomes.issued(IssuedTask {
                        task_id: task_id.clone(),
                        utterance_id: utterance_id.clone(),
                        actions: understanding.actions.clone(),
                    });
                    published_task = task_id;
                }
                Err(e) => warn!(error = %e, "task not published"),
            }
        }
        info!(
            %utterance_id,
            say = %understanding.say,
            actions = %serde_json::to_string(&understanding.actions).unwrap_or_default(),
            total_ms = reply.timings.total.as_secs_f64() * 1e3,
            inference_ms = reply.timings.inference.as_secs_f64() * 1e3,
            "answered"
        );
        let kind = reply_kind(&understanding);
        self.say(
            io,
            Spoken {
                utterance_id: &utterance_id,
                kind,
                text: understanding.say,
                task_id: published_task,
                received: Some(received),
                generated_tokens: reply.answer_tokens,
            },
        )
        .await;
        taught
    }
}

/// The live state from one `/perception/objects` message: perceived objects (labels cleaned,
/// room from the object's place or else the robot's) and the robot's room when given.
fn apply_scene(state: &mut RobotState, scene: &SceneObjects, aliases: &Aliases) {
    if let Some(room) = resolve_place(aliases, &scene.robot_place) {
        state.room = room;
    }
    state.perceived = scene
        .objects
        .iter()
        .filter(|object| !object.carried)
        .filter_map(|object| {
            Some(Perceived {
                label: clean_label(&object.label, aliases)?,
                room: resolve_place(aliases, &object.place).unwrap_or(state.room),
            })
        })
        .collect();
}

fn room_at(map: Option<&SemanticMap>, x: f64, y: f64) -> Option<PlaceId> {
    map.and_then(|map| map.room_at(x, y))
}

/// Runs the brain until `shutdown` fires: loads the model (from `model_dir` or the shipped
/// checkpoint), the memory and the semantic map, then answers final transcripts and reports
/// how its tasks end.
///
/// # Errors
/// [`NodeError`] when loading fails, an endpoint cannot be created, or the model thread dies.
pub async fn run(io: &mut NodeIo, params: Params, mut shutdown: Shutdown) -> Result<(), NodeError> {
    let loading = params.clone();
    let loaded = tokio::task::spawn_blocking(move || load(&loading))
        .await
        .map_err(|_| NodeError::WorkerGone)??;
    let Loaded {
        model,
        model_dir,
        memory,
        memory_path,
        map,
        aliases,
    } = loaded;
    let mut learning = Consolidator::new(&params, model_dir, memory_path, &memory);
    let options = DialogueOptions {
        session: format!(
            "{}-{:x}",
            io.fully_qualified_name(),
            system_now().as_nanos()
        ),
        max_facts: usize::try_from(params.max_facts).unwrap_or(usize::MAX),
        max_utterance_chars: usize::try_from(params.max_utterance_chars).unwrap_or(usize::MAX),
        record_episodes: params.record_episodes,
        // Promised answers are said by the outcome reports.
        defer_state_answers: params.report_outcomes,
        ..DialogueOptions::default()
    };
    let mut dialogue = Dialogue::new(&model, memory, aliases.clone(), options);
    match crate::teach::Teacher::find_default() {
        Ok(teacher) => dialogue = dialogue.with_teacher(Arc::new(teacher))?,
        Err(e) => warn!(error = %e, "nothing can be taught: teaching frames not found"),
    }

    let mut transcripts = io.subscription(&topics::TRANSCRIPT)?;
    let mut perception = io.subscription(&topics::PERCEPTION_OBJECTS)?;
    let mut odometry = io.subscription(&topics::ODOM)?;
    let mut battery = io.subscription(&topics::BATTERY_STATE)?;
    let mut activity = io.subscription(&topics::SPEECH_ACTIVITY)?;
    let mut idle_check = tokio::time::interval(std::time::Duration::from_secs(5));
    idle_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut statuses = io.subscription(&topics::PLANNER_STATUS)?;
    let mut outputs = Outputs {
        replies: io.publisher(&topics::ASSISTANT_REPLY)?,
        tasks: io.publisher(&topics::ASSISTANT_TASK)?,
        outcomes: Outcomes::default(),
        ids: Ids::new(),
        language: params.language.clone(),
    };

    let depth = usize::try_from(params.queue_depth).unwrap_or(1);
    let (jobs, job_queue) = mpsc::channel(depth);
    let (answer_tx, mut answers) = mpsc::channel(depth);
    let worker = spawn_worker(dialogue, job_queue, answer_tx).map_err(|_| NodeError::WorkerGone)?;
    info!(
        node = %io.fully_qualified_name(),
        model = %model.dir().display(),
        semantic_map = map.is_some(),
        "brain listening"
    );

    let mut state = RobotState::default();
    let mut observed = state.perceived.clone();
    let result = loop {
        tokio::select! {
            () = shutdown.recv() => break Ok(()),
            Some(transcript) = transcripts.next() => {
                learning.user_active();
                if !transcript.is_final || transcript.text.trim().is_empty() {
                    continue;
                }
                let utterance_id = transcript.utterance_id.clone();
                let job = Job::Utterance {
                    transcript: Box::new(transcript),
                    received: Instant::now(),
                    received_at: io.now(),
                    state: state.clone(),
                };
                observed.clone_from(&state.perceived);
                match jobs.try_send(job) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        warn!(%utterance_id, "still answering earlier utterances; this one is dropped");
                        outputs.say(io, Spoken {
                            utterance_id: &utterance_id,
                            kind: AssistantReply::KIND_ERROR,
                            text: "Sorry, I'm still thinking about what you said before.".to_owned(),
                            task_id: String::new(),
                            received: None,
                            generated_tokens: 0,
                        }).await;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => break Err(NodeError::WorkerGone),
                }
            }
            Some(answer) = answers.recv() => {
                if outputs.answer(io, answer).await {
                    learning.taught();
                }
            }
            Some(_) = activity.next() => learning.user_active(),
            _ = idle_check.tick() => learning.start_if_idle(),
            Some(result) = learning.finished() => {
                if let Some(model) = learning.on_finished(result) {
                    // Best effort: a full queue means the user is talking; the next idle
                    // consolidation offers the model again.
                    if jobs.try_send(Job::UseModel(model)).is_err() {
                        warn!("model thread busy: the consolidated model is used after the next consolidation");
                    }
                }
            }
            Some(scene) = perception.next() => {
                apply_scene(&mut state, &scene, &aliases);
                if state.perceived != observed {
                    let job = Job::Observe { state: state.clone(), now: io.now() };
                    // Best effort: the next utterance carries the state anyway.
                    if jobs.try_send(job).is_ok() {
                        observed.clone_from(&state.perceived);
                    }
                }
            }
            Some(odom) = odometry.next() => {
                let position = &odom.pose.pose.position;
                if let Some(room) = room_at(map.as_ref(), position.x, position.y) {
                    state.room = room;
                }
            }
            Some(reading) = battery.next() => state.set_battery_fraction(reading.percentage),
            Some(status) = statuses.next() => {
                if !params.report_outcomes {
                    continue;
                }
                let position = &status.robot_pose.position;
                let mut here = state.clone();
                if let Some(room) = room_at(map.as_ref(), position.x, position.y) {
                    here.room = room;
                }
                if let Some(report) = outputs.outcomes.on_status(&status, &here) {
                    outputs.say(io, Spoken {
                        utterance_id: &report.utterance_id,
                        kind: report.kind,
                        text: report.text,
                        task_id: report.task_id,
                        received: None,
                        generated_tokens: 0,
                    }).await;
                }
            }
        }
    };
    drop(jobs);
    // The worker ends after the job in hand (at most one model turn).
    let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    result
}
