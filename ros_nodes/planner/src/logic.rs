//! The planner's logic: tasks in, velocity commands, status and service calls out.
//! Synchronous and deterministic: time comes in as an argument and nothing here sleeps or does
//! I/O (the one exception is the compute time of planning, measured for the status message and
//! the benchmark; no decision depends on it).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use embodied_msgs::msg::{Task, TaskStatus, TaskStep};
use embodied_world::{PlaceId, World};
use nalgebra::{Isometry2, Point2};

use crate::controller::{PursuitTuning, Velocity};
use crate::frames::{Frames, pose_msg_from_isometry, position, wrap_angle, yaw};
use crate::map::{NavMap, StaticMap};
use crate::safety::{Clearance, Governor, Intervention, Limits, SafetyInputs};
use crate::steps::{Ctx, Step, StepEvent};
use crate::{Error, Params};

/// Wheel odometry: odom → base_link and the measured speeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Odom {
    /// Pose of base_link in the odom frame.
    pub pose: Isometry2<f64>,
    /// Forward speed, m/s.
    pub linear: f64,
    /// Turning speed, rad/s.
    pub angular: f64,
}

/// One lidar sweep (as `sensor_msgs/LaserScan`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Pose of the lidar in base_link.
    pub lidar_in_base: Isometry2<f64>,
    /// Angle of the first ray, rad.
    pub angle_min: f64,
    /// Angle between rays, rad.
    pub angle_increment: f64,
    /// Shortest valid range, m.
    pub range_min: f64,
    /// Longest valid range, m.
    pub range_max: f64,
    /// Ranges, m (`inf` nothing within range, NaN invalid).
    pub ranges: Vec<f32>,
}

/// An object perception reports, in the map frame.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenObject {
    /// Object class, e.g. `cup`.
    pub label: String,
    /// Position, map frame, m.
    pub position: Point2<f64>,
    /// Place it is in; empty if unknown.
    pub place: String,
    /// Held by the robot.
    pub carried: bool,
}

/// A service call the shell makes for the logic; its answer comes back as [`Input::Reply`].
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Memory: where is `object`? (Recall, kind OBJECT_LOCATION.)
    Recall {
        /// Canonical object name.
        object: String,
    },
    /// Gripper: pick `object` up.
    Grasp {
        /// Canonical object name.
        object: String,
    },
    /// Gripper: put `object` down.
    Release {
        /// Canonical object name.
        object: String,
    },
    /// Nav2 (`navigation: nav2`): drive to `target` (map frame). A new Navigate supersedes
    /// the one in flight; progress comes as [`Reply::NavigateProgress`], the end as
    /// [`Reply::Navigate`].
    Navigate {
        /// Goal pose, map frame.
        target: Isometry2<f64>,
    },
}

/// The answer to a [`Call`]; `Err` carries why it failed (including transport errors).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Where memory says the object is: a place name, or `None` when it does not know.
    Recall(Result<Option<String>, String>),
    /// Whether the grasp worked.
    Grasp(Result<(), String>),
    /// Whether the release worked.
    Release(Result<(), String>),
    /// How a Navigate ended: `Err` carries a TaskStatus error code and the reason.
    Navigate(Result<(), (u8, String)>),
    /// Navigate is under way (Nav2's feedback); not the end of the call.
    NavigateProgress {
        /// Distance left, m.
        remaining_m: f64,
    },
}

/// What the logic reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A task (`/assistant/task` or an ExecuteTask goal).
    Task(Task),
    /// Cancel a task by id (an ExecuteTask cancel request).
    Cancel {
        /// Task to cancel.
        task_id: String,
    },
    /// Odometry.
    Odometry(Odom),
    /// A lidar sweep.
    Scan(Scan),
    /// What perception sees now (map frame).
    Objects(Vec<SeenObject>),
    /// map → odom from localisation (identity until set).
    MapFromOdom(Isometry2<f64>),
    /// The answer to call `call_id`.
    Reply {
        /// Id from [`Output::Call`].
        call_id: u64,
        /// The answer.
        reply: Reply,
    },
}

/// What the logic asks the shell to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Publish on `/cmd_vel`.
    Command(Velocity),
    /// Publish on `/planner/status` (the shell stamps the header).
    Status(TaskStatus),
    /// Make a service call; answer with [`Input::Reply`] carrying the same id.
    Call {
        /// Id to answer with.
        call_id: u64,
        /// The call.
        call: Call,
    },
    /// Cancel the [`Call::Navigate`] in flight (its task ended or was canceled).
    CancelNavigation,
}

/// One planning run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanRecord {
    /// Compute time.
    pub compute: Duration,
    /// Smoothed path length, m.
    pub length_m: f64,
    /// Grid path length (8-connected A*), m.
    pub grid_length_m: f64,
}

/// Counters for tests and the benchmark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Every plan made.
    pub plans: Vec<PlanRecord>,
    /// Plans made because the path was blocked.
    pub replans: u32,
    /// Times the path was found blocked (the robot stopped).
    pub blocked_stops: u32,
    /// Periods in which the governor stopped motion for an obstacle or a zone.
    pub safety_stops: u32,
    /// Periods in which the watchdog zeroed the command.
    pub watchdog_stops: u32,
}

pub(crate) struct Active {
    pub task: Task,
    pub index: usize,
    pub accepted_at: Duration,
    pub step_started: Duration,
    pub step: Option<Step>,
    /// Where the robot was when the task arrived: the user's position for BRING to "user".
    pub user_pose: Option<Isometry2<f64>>,
    pub plan_time: Duration,
    pub progress: f32,
    pub remaining_m: f64,
    pub message: String,
}

/// The planner's logic.
pub struct Logic {
    params: Params,
    world: Arc<World>,
    pub(crate) map: NavMap,
    tuning: PursuitTuning,
    governor: Governor,
    frames: Frames,
    odom: Option<(Odom, Duration)>,
    scan_at: Option<Duration>,
    clearance: Clearance,
    objects: Vec<SeenObject>,
    queue: VecDeque<(Task, Duration, Option<Isometry2<f64>>)>,
    active: Option<Active>,
    next_call: u64,
    /// When the previous tick sent a command (`None` when it sent none: idle, or Nav2 drove).
    last_command: Option<Duration>,
    last_status: Duration,
    /// The governor is bringing the robot to rest after a task.
    winding_down: bool,
    stats: Stats,
}

impl std::fmt::Debug for Logic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logic")
            .field("active", &self.active.as_ref().map(|a| &a.task.task_id))
            .field("queued", &self.queue.len())
            .finish_non_exhaustive()
    }
}

/// A status state and error code.
pub(crate) type Outcome = (u8, u8, String);

impl Logic {
    /// The logic for `world` with `params` (validated), building the grids.
    ///
    /// # Errors
    /// [`Error::World`] or [`Error::UnknownForbiddenPlace`] from the map.
    pub fn new(params: Params, world: Arc<World>) -> Result<Self, Error> {
        let static_map = Arc::new(StaticMap::new(&world, &params)?);
        Ok(Self::with_map(params, world, static_map))
    }

    /// The logic over grids already built (shared between runs).
    pub fn with_map(params: Params, world: Arc<World>, static_map: Arc<StaticMap>) -> Self {
        let limits = Limits::from_params(&params, static_map.robot_radius_m());
        Self {
            tuning: PursuitTuning::from_params(&params),
            governor: Governor::new(limits),
            map: NavMap::new(static_map),
            params,
            world,
            frames: Frames::default(),
            odom: None,
            scan_at: None,
            clearance: Clearance::default(),
            objects: Vec::new(),
            queue: VecDeque::new(),
            active: None,
            next_call: 1,
            last_command: None,
            last_status: Duration::ZERO,
            winding_down: false,
            stats: Stats::default(),
        }
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The control period.
    pub fn period(&self) -> Duration {
        self.params.control_period()
    }

    /// Counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The navigation map (static grids and remembered lidar obstacles).
    pub fn map(&self) -> &NavMap {
        &self.map
    }

    /// The path the running step follows (map frame), if it is driving one.
    pub fn current_path(&self) -> Option<&[Point2<f64>]> {
        self.active.as_ref()?.step.as_ref()?.path()
    }

    /// Whether a task runs or waits.
    pub fn is_busy(&self) -> bool {
        self.active.is_some() || !self.queue.is_empty()
    }

    /// The robot's pose in the map frame, once odometry arrived.
    pub fn robot_pose(&self) -> Option<Isometry2<f64>> {
        self.frames.map_from_base()
    }

    /// Reacts to one input; STOP and cancels produce their zero command here, within the
    /// current control period.
    pub fn handle(&mut self, now: Duration, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::Odometry(odom) => {
                self.frames.odom_from_base = Some(odom.pose);
                self.odom = Some((odom, now));
            }
            Input::MapFromOdom(transform) => self.frames.map_from_odom = transform,
            Input::Scan(scan) => self.take_scan(now, &scan),
            Input::Objects(objects) => self.objects = objects,
            Input::Task(task) => self.take_task(now, task, &mut out),
            Input::Cancel { task_id } => self.cancel(now, &task_id, &mut out),
            Input::Reply { call_id, reply } => {
                if let Some(mut active) = self.active.take() {
                    if let Some(step) = active.step.as_mut() {
                        step.on_reply(call_id, &reply);
                    }
                    self.active = Some(active);
                }
            }
        }
        out
    }

    fn take_scan(&mut self, now: Duration, scan: &Scan) {
        self.scan_at = Some(now);
        let mut base_points = Vec::with_capacity(scan.ranges.len());
        for (i, range) in scan.ranges.iter().enumerate() {
            let r = f64::from(*range);
            if !(r.is_finite() && r >= scan.range_min && r <= scan.range_max) {
                continue;
            }
            let angle = scan.angle_min + scan.angle_increment * i as f64;
            base_points.push(scan.lidar_in_base * Point2::new(r * angle.cos(), r * angle.sin()));
        }
        self.clearance = Clearance::from_points(
            base_points.iter().copied(),
            self.map.static_map().robot_radius_m(),
        );
        let Some(map_from_base) = self.frames.map_from_base() else {
            return;
        };
        let hits: Vec<Point2<f64>> = base_points.iter().map(|p| map_from_base * p).collect();
        let map_from_lidar = map_from_base * scan.lidar_in_base;
        let resolution = self.map.static_map().grid().resolution_m();
        let sees_past = |p: &Point2<f64>| {
            let local = map_from_lidar.inverse_transform_point(p);
            let distance = local.coords.norm();
            if distance >= scan.range_max || scan.angle_increment <= 0.0 || scan.ranges.is_empty() {
                return false;
            }
            let bearing = local.y.atan2(local.x);
            let steps = wrap_angle(bearing - scan.angle_min).rem_euclid(std::f64::consts::TAU)
                / scan.angle_increment;
            let index = (steps.round() as usize) % scan.ranges.len();
            let range = f64::from(scan.ranges[index]);
            (range.is_infinite() && range > 0.0)
                || (range.is_finite() && range > distance + 2.0 * resolution)
        };
        let memory = Duration::from_secs_f64(self.params.obstacle_memory_s);
        let static_map = self.map.shared_static();
        self.map
            .dynamic
            .update(&static_map, now, memory, &hits, sees_past);
    }

    fn validate(&self, task: &Task) -> Result<(), (u8, String)> {
        if task.steps.is_empty() {
            return Err((
                TaskStatus::ERROR_INVALID_STEP,
                "the task has no steps".into(),
            ));
        }
        let map = self.world.map();
        for (i, step) in task.steps.iter().enumerate() {
            match step.kind {
                TaskStep::NAVIGATE => {
                    if map.resolve_place(&step.place).is_none() {
                        return Err((
                            TaskStatus::ERROR_UNKNOWN_PLACE,
                            format!("step {i}: unknown place {:?}", step.place),
                        ));
                    }
                }
                TaskStep::MOVE => {
                    if !step.distance_m.is_finite() {
                        return Err((
                            TaskStatus::ERROR_INVALID_STEP,
                            format!("step {i}: MOVE distance is not a number"),
                        ));
                    }
                }
                TaskStep::TURN => {
                    if !step.angle_deg.is_finite() {
                        return Err((
                            TaskStatus::ERROR_INVALID_STEP,
                            format!("step {i}: TURN angle is not a number"),
                        ));
                    }
                }
                TaskStep::FIND | TaskStep::BRING => {
                    if map.resolve_object(&step.object).is_none() {
                        return Err((
                            TaskStatus::ERROR_UNKNOWN_OBJECT,
                            format!("step {i}: unknown object {:?}", step.object),
                        ));
                    }
                    if step.kind == TaskStep::BRING
                        && step.destination != TaskStep::DESTINATION_USER
                        && map.resolve_place(&step.destination).is_none()
                    {
                        return Err((
                            TaskStatus::ERROR_UNKNOWN_PLACE,
                            format!("step {i}: unknown destination {:?}", step.destination),
                        ));
                    }
                }
                TaskStep::STOP | TaskStep::DESCRIBE | TaskStep::STATUS => {}
                other => {
                    return Err((
                        TaskStatus::ERROR_INVALID_STEP,
                        format!("step {i}: unknown kind {other}"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn take_task(&mut self, now: Duration, task: Task, out: &mut Vec<Output>) {
        if let Err((code, message)) = self.validate(&task) {
            tracing::warn!(task = %task.task_id, %message, "task rejected");
            out.push(Output::Status(self.bare_status(
                &task,
                TaskStatus::STATE_REJECTED,
                code,
                message,
            )));
            return;
        }
        let user_pose = self.robot_pose();
        let stop_first = task.steps.first().is_some_and(|s| s.kind == TaskStep::STOP);
        if stop_first || task.mode == Task::MODE_REPLACE {
            if stop_first {
                out.push(Output::Command(self.governor.emergency_stop()));
                self.winding_down = true;
            }
            let reason = if stop_first {
                format!("stopped by task {}", task.task_id)
            } else {
                format!("replaced by task {}", task.task_id)
            };
            self.cancel_all(now, &reason, out);
            self.start_task(now, task, now, user_pose, out);
        } else {
            out.push(Output::Status(self.bare_status(
                &task,
                TaskStatus::STATE_ACCEPTED,
                TaskStatus::ERROR_NONE,
                "queued".into(),
            )));
            self.queue.push_back((task, now, user_pose));
            if self.active.is_none() {
                self.start_next(now, out);
            }
        }
    }

    /// Cancels Nav2's goal when `active` ends while Nav2 drives it.
    fn release_navigation(active: &Active, out: &mut Vec<Output>) {
        if active.step.as_ref().is_some_and(Step::navigation_in_flight) {
            out.push(Output::CancelNavigation);
        }
    }

    fn cancel_all(&mut self, now: Duration, reason: &str, out: &mut Vec<Output>) {
        if let Some(active) = self.active.take() {
            Self::release_navigation(&active, out);
            out.push(Output::Status(self.status(
                now,
                &active,
                (
                    TaskStatus::STATE_CANCELED,
                    TaskStatus::ERROR_NONE,
                    reason.to_owned(),
                ),
            )));
            self.winding_down = true;
        }
        for (task, _, _) in std::mem::take(&mut self.queue) {
            out.push(Output::Status(self.bare_status(
                &task,
                TaskStatus::STATE_CANCELED,
                TaskStatus::ERROR_NONE,
                reason.to_owned(),
            )));
        }
    }

    fn cancel(&mut self, now: Duration, task_id: &str, out: &mut Vec<Output>) {
        if self
            .active
            .as_ref()
            .is_some_and(|a| a.task.task_id == task_id)
        {
            out.push(Output::Command(self.governor.emergency_stop()));
            self.winding_down = true;
            if let Some(active) = self.active.take() {
                Self::release_navigation(&active, out);
                out.push(Output::Status(self.status(
                    now,
                    &active,
                    (
                        TaskStatus::STATE_CANCELED,
                        TaskStatus::ERROR_NONE,
                        "canceled".into(),
                    ),
                )));
            }
            self.start_next(now, out);
        } else if let Some(index) = self.queue.iter().position(|(t, _, _)| t.task_id == task_id)
            && let Some((task, _, _)) = self.queue.remove(index)
        {
            out.push(Output::Status(self.bare_status(
                &task,
                TaskStatus::STATE_CANCELED,
                TaskStatus::ERROR_NONE,
                "canceled".into(),
            )));
        }
    }

    fn start_next(&mut self, now: Duration, out: &mut Vec<Output>) {
        if let Some((task, accepted, user_pose)) = self.queue.pop_front() {
            self.start_task(now, task, accepted, user_pose, out);
        }
    }

    fn start_task(
        &mut self,
        now: Duration,
        task: Task,
        accepted_at: Duration,
        user_pose: Option<Isometry2<f64>>,
        out: &mut Vec<Output>,
    ) {
        tracing::info!(task = %task.task_id, steps = task.steps.len(), "task started");
        let active = Active {
            task,
            index: 0,
            accepted_at,
            step_started: now,
            step: None,
            user_pose,
            plan_time: Duration::ZERO,
            progress: 0.0,
            remaining_m: 0.0,
            message: String::new(),
        };
        out.push(Output::Status(self.status(
            now,
            &active,
            (
                TaskStatus::STATE_EXECUTING,
                TaskStatus::ERROR_NONE,
                "started".into(),
            ),
        )));
        self.last_status = now;
        self.active = Some(active);
    }

    fn step_timeout(&self, kind: u8) -> Duration {
        let seconds = match kind {
            TaskStep::NAVIGATE => self.params.navigate_timeout_s,
            TaskStep::FIND | TaskStep::BRING => self.params.search_timeout_s,
            _ => self.params.motion_timeout_s,
        };
        Duration::from_secs_f64(seconds)
    }

    /// One control period: advances the running step and sends the governed command.
    pub fn tick(&mut self, now: Duration) -> Vec<Output> {
        let mut out = Vec::new();
        // The command ramps over the time the previous one was held. From rest it ramps over
        // one period: a task restarts the loop at once, so the time since the last (idle)
        // tick says nothing, and a first command ramped over it could be too small to move.
        let dt = self
            .last_command
            .take()
            .map_or(self.period().as_secs_f64(), |t| {
                now.saturating_sub(t).as_secs_f64()
            })
            .clamp(1e-3, 1.0);
        // `None` while Nav2 drives: the planner then sends no command.
        let mut desired = Some(Velocity::ZERO);
        let mut finished: Option<Outcome> = None;
        if let Some(mut active) = self.active.take() {
            match self.robot_pose() {
                None => {
                    // No odometry yet: nothing can start; the watchdog holds the robot.
                }
                Some(pose) => {
                    let (command, outcome) = self.advance_active(now, pose, &mut active, &mut out);
                    desired = command;
                    finished = outcome;
                }
            }
            if let Some(outcome) = finished.take() {
                Self::release_navigation(&active, &mut out);
                tracing::info!(task = %active.task.task_id, state = outcome.0, message = %outcome.2, "task ended");
                out.push(Output::Status(self.status(now, &active, outcome)));
                self.winding_down = true;
                self.start_next(now, &mut out);
            } else {
                let period = Duration::from_secs_f64(1.0 / self.params.status_rate_hz);
                if now.saturating_sub(self.last_status) >= period {
                    self.last_status = now;
                    out.push(Output::Status(self.status(
                        now,
                        &active,
                        (
                            TaskStatus::STATE_EXECUTING,
                            TaskStatus::ERROR_NONE,
                            active.message.clone(),
                        ),
                    )));
                }
                self.active = Some(active);
            }
        }
        let moving = self.active.is_some();
        if let Some(desired) = desired
            && (moving || self.winding_down)
        {
            let inputs = SafetyInputs {
                odom_age: self.odom.map(|(_, at)| now.saturating_sub(at)),
                scan_age: self.scan_at.map(|at| now.saturating_sub(at)),
                clearance: self.clearance,
                pose: self.robot_pose(),
                zones: self.map.static_map().zones(),
            };
            let (command, intervention) = self.governor.filter(desired, &inputs, dt);
            match intervention {
                Intervention::Obstacle | Intervention::Zone => self.stats.safety_stops += 1,
                Intervention::Watchdog => self.stats.watchdog_stops += 1,
                Intervention::None | Intervention::NonFinite => {}
            }
            out.push(Output::Command(command));
            self.last_command = Some(now);
            if !moving && command == Velocity::ZERO {
                self.winding_down = false;
            }
        }
        out
    }

    /// Runs the active step (starting it, moving to the next); returns the desired command
    /// (`None` while Nav2 drives) and, when the task ended, its outcome.
    fn advance_active(
        &mut self,
        now: Duration,
        pose: Isometry2<f64>,
        active: &mut Active,
        out: &mut Vec<Output>,
    ) -> (Option<Velocity>, Option<Outcome>) {
        loop {
            let Some(step_msg) = active.task.steps.get(active.index).cloned() else {
                return (
                    Some(Velocity::ZERO),
                    Some((
                        TaskStatus::STATE_SUCCEEDED,
                        TaskStatus::ERROR_NONE,
                        active.message.clone(),
                    )),
                );
            };
            if now.saturating_sub(active.step_started) > self.step_timeout(step_msg.kind) {
                self.governor.emergency_stop();
                return (
                    Some(Velocity::ZERO),
                    Some((
                        TaskStatus::STATE_FAILED,
                        TaskStatus::ERROR_TIMEOUT,
                        format!(
                            "step {} timed out after {:.0} s",
                            active.index,
                            self.step_timeout(step_msg.kind).as_secs_f64()
                        ),
                    )),
                );
            }
            let odom = self.odom.map(|(o, _)| o);
            let speed = odom.map_or((0.0, 0.0), |o| (o.linear, o.angular));
            let mut ctx = Ctx {
                params: &self.params,
                world: &self.world,
                map: &mut self.map,
                tuning: &self.tuning,
                now,
                pose,
                speed,
                clearance: self.clearance,
                objects: &self.objects,
                calls: &mut *out,
                next_call: &mut self.next_call,
                stats: &mut self.stats,
                user_pose: active.user_pose.unwrap_or(pose),
            };
            let step = active
                .step
                .get_or_insert_with(|| Step::start(&step_msg, &mut ctx));
            let event = step.tick(&mut ctx);
            active.plan_time = step.plan_time();
            active.progress = step.progress();
            active.remaining_m = step.remaining_m();
            match event {
                StepEvent::Running(command, message) => {
                    if let Some(message) = message {
                        active.message = message;
                    }
                    return (Some(command), None);
                }
                StepEvent::Delegated(message) => {
                    if let Some(message) = message {
                        active.message = message;
                    }
                    return (None, None);
                }
                StepEvent::Done(message) => {
                    tracing::info!(task = %active.task.task_id, step = active.index, %message, "step done");
                    active.message = message;
                    active.index += 1;
                    active.step = None;
                    active.step_started = now;
                    if active.index >= active.task.steps.len() {
                        return (
                            Some(Velocity::ZERO),
                            Some((
                                TaskStatus::STATE_SUCCEEDED,
                                TaskStatus::ERROR_NONE,
                                active.message.clone(),
                            )),
                        );
                    }
                    self.last_status = now;
                    out.push(Output::Status(self.status(
                        now,
                        active,
                        (
                            TaskStatus::STATE_EXECUTING,
                            TaskStatus::ERROR_NONE,
                            active.message.clone(),
                        ),
                    )));
                }
                StepEvent::Failed(code, message) => {
                    tracing::warn!(task = %active.task.task_id, step = active.index, %message, "step failed");
                    return (
                        Some(Velocity::ZERO),
                        Some((TaskStatus::STATE_FAILED, code, message)),
                    );
                }
            }
        }
    }

    fn bare_status(&self, task: &Task, state: u8, error_code: u8, message: String) -> TaskStatus {
        let mut status = TaskStatus {
            task_id: task.task_id.clone(),
            utterance_id: task.utterance_id.clone(),
            state,
            error_code,
            message,
            step_count: u32::try_from(task.steps.len()).unwrap_or(u32::MAX),
            step_kind: task.steps.first().map_or(0, |s| s.kind),
            ..TaskStatus::default()
        };
        if let Some(pose) = self.robot_pose() {
            status.robot_pose = pose_msg_from_isometry(&pose);
        }
        status
    }

    fn status(
        &self,
        now: Duration,
        active: &Active,
        (state, error_code, message): Outcome,
    ) -> TaskStatus {
        let mut status = self.bare_status(&active.task, state, error_code, message);
        let index = active.index.min(active.task.steps.len().saturating_sub(1));
        status.step_index = u32::try_from(index).unwrap_or(u32::MAX);
        status.step_kind = active.task.steps.get(index).map_or(0, |s| s.kind);
        status.step_progress = if state == TaskStatus::STATE_SUCCEEDED {
            1.0
        } else {
            active.progress
        };
        status.distance_remaining_m = active.remaining_m;
        status.elapsed = ros_duration(now.saturating_sub(active.accepted_at));
        status.plan_time = ros_duration(active.plan_time);
        status
    }

    /// Where the robot is, as words (for STATUS steps and messages).
    pub fn describe_pose(world: &World, pose: &Isometry2<f64>) -> String {
        let p = position(pose);
        let room = world
            .map()
            .room_at(p.x, p.y)
            .map_or("an unknown place".to_owned(), |r: PlaceId| {
                r.name().to_owned()
            });
        format!(
            "in {room} at ({:.2}, {:.2}), facing {:.0}°",
            p.x,
            p.y,
            yaw(pose).to_degrees()
        )
    }
}

fn ros_duration(d: Duration) -> embodied_msgs::builtin_interfaces::msg::Duration {
    embodied_msgs::builtin_interfaces::msg::Duration {
        sec: i32::try_from(d.as_secs()).unwrap_or(i32::MAX),
        nanosec: d.subsec_nanos(),
    }
}
