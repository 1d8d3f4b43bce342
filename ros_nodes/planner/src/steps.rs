//! The step machines: NAVIGATE, MOVE, TURN, STOP, FIND, BRING (and the instant DESCRIBE and
//! STATUS). Each advances once per control period and returns the command it wants; the
//! governor in [`crate::Logic`] has the last word on what is sent.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use embodied_msgs::msg::{TaskStatus, TaskStep};
use embodied_world::{PlaceId, World};
use nalgebra::{Isometry2, Point2, Vector2};

use crate::controller::{
    Progress, PursuitTuning, Velocity, advance, braking_speed, pursue, rotation_speed,
};
use crate::frames::{heading, pose_at, position, wrap_angle, yaw};
use crate::logic::{Call, Logic, Output, PlanRecord, Reply, SeenObject, Stats};
use crate::map::{NavMap, PlanError};
use crate::safety::Clearance;
use crate::{Navigation, Params};

/// Speed below which the robot counts as standing still, m/s.
const STILL_MPS: f64 = 0.02;
/// Turning speed below which the robot counts as not turning, rad/s.
const STILL_RADPS: f64 = 0.05;
/// Turning speed while looking around a room for an object, rad/s.
const LOOK_AROUND_RADPS: f64 = 0.6;
/// Held still by an obstacle this long, NAVIGATE replans from where the robot is.
const HELD_REPLAN_AFTER: Duration = Duration::from_secs(2);
/// Time between plan attempts while the path is blocked.
const REPLAN_INTERVAL: Duration = Duration::from_secs(1);

/// What a step sees of the planner this period.
pub(crate) struct Ctx<'a> {
    pub params: &'a Params,
    pub world: &'a World,
    pub map: &'a mut NavMap,
    pub tuning: &'a PursuitTuning,
    pub now: Duration,
    /// Robot pose, map frame.
    pub pose: Isometry2<f64>,
    /// Measured (linear, angular) speed.
    pub speed: (f64, f64),
    pub clearance: Clearance,
    pub objects: &'a [SeenObject],
    pub calls: &'a mut Vec<Output>,
    pub next_call: &'a mut u64,
    pub stats: &'a mut Stats,
    /// Where the robot was when the task arrived.
    pub user_pose: Isometry2<f64>,
}

impl Ctx<'_> {
    fn call(&mut self, call: Call) -> u64 {
        let call_id = *self.next_call;
        *self.next_call += 1;
        self.calls.push(Output::Call { call_id, call });
        call_id
    }

    fn is_still(&self) -> bool {
        self.speed.0.abs() < STILL_MPS && self.speed.1.abs() < STILL_RADPS
    }

    fn service_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.params.service_timeout_s)
    }
}

/// What a step did this period.
pub(crate) enum StepEvent {
    /// Still working: the command wanted, and a new status message if any.
    Running(Velocity, Option<String>),
    /// Still working, driven by Nav2: the planner sends no command. A new status message if any.
    Delegated(Option<String>),
    /// Finished, with what to report.
    Done(String),
    /// Failed with a TaskStatus error code and a reason.
    Failed(u8, String),
}

/// A running step.
pub(crate) enum Step {
    Navigate(Nav),
    Move(Move),
    Turn(Turn),
    Stop,
    Find(Box<Find>),
    Bring(Box<Bring>),
    Immediate(Result<String, (u8, String)>),
}

impl Step {
    pub fn start(step: &TaskStep, ctx: &mut Ctx<'_>) -> Self {
        let map = ctx.world.map();
        match step.kind {
            TaskStep::NAVIGATE => match map.resolve_place(&step.place) {
                Some(id) => Step::Navigate(Nav::new(map.place(id).approach, None, id.name())),
                None => Step::Immediate(Err((
                    TaskStatus::ERROR_UNKNOWN_PLACE,
                    format!("unknown place {:?}", step.place),
                ))),
            },
            TaskStep::MOVE => Step::Move(Move::new(step.distance_m)),
            TaskStep::TURN => Step::Turn(Turn::new(step.angle_deg.to_radians())),
            TaskStep::STOP => Step::Stop,
            TaskStep::FIND => match map.resolve_object(&step.object) {
                Some(id) => Step::Find(Box::new(Find::new(id.name()))),
                None => Step::Immediate(Err((
                    TaskStatus::ERROR_UNKNOWN_OBJECT,
                    format!("unknown object {:?}", step.object),
                ))),
            },
            TaskStep::BRING => {
                let object = map.resolve_object(&step.object);
                let destination = if step.destination == TaskStep::DESTINATION_USER {
                    Some(Destination::User)
                } else {
                    map.resolve_place(&step.destination).map(Destination::Place)
                };
                match (object, destination) {
                    (Some(object), Some(destination)) => {
                        Step::Bring(Box::new(Bring::new(object.name(), destination)))
                    }
                    (None, _) => Step::Immediate(Err((
                        TaskStatus::ERROR_UNKNOWN_OBJECT,
                        format!("unknown object {:?}", step.object),
                    ))),
                    (_, None) => Step::Immediate(Err((
                        TaskStatus::ERROR_UNKNOWN_PLACE,
                        format!("unknown destination {:?}", step.destination),
                    ))),
                }
            }
            TaskStep::DESCRIBE => {
                let mut labels: Vec<&str> = ctx.objects.iter().map(|o| o.label.as_str()).collect();
                labels.sort_unstable();
                labels.dedup();
                Step::Immediate(Ok(if labels.is_empty() {
                    "I see no known objects".into()
                } else {
                    format!("I see: {}", labels.join(", "))
                }))
            }
            TaskStep::STATUS => Step::Immediate(Ok(Logic::describe_pose(ctx.world, &ctx.pose))),
            other => Step::Immediate(Err((
                TaskStatus::ERROR_INVALID_STEP,
                format!("unknown step kind {other}"),
            ))),
        }
    }

    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        match self {
            Step::Navigate(nav) => nav.tick(ctx),
            Step::Move(step) => step.tick(ctx),
            Step::Turn(step) => step.tick(ctx),
            Step::Stop => {
                if ctx.is_still() {
                    StepEvent::Done("stopped".into())
                } else {
                    StepEvent::Running(Velocity::ZERO, Some("stopping".into()))
                }
            }
            Step::Find(find) => find.tick(ctx),
            Step::Bring(bring) => bring.tick(ctx),
            Step::Immediate(result) => match result {
                Ok(message) => StepEvent::Done(message.clone()),
                Err((code, message)) => StepEvent::Failed(*code, message.clone()),
            },
        }
    }

    pub fn on_reply(&mut self, call_id: u64, reply: &Reply) {
        match self {
            Step::Navigate(nav) => nav.on_reply(call_id, reply),
            Step::Find(find) => find.on_reply(call_id, reply),
            Step::Bring(bring) => bring.on_reply(call_id, reply),
            _ => tracing::debug!(call_id, "reply for a step that made no call"),
        }
    }

    /// The trip under way: NAVIGATE's, or the one inside FIND or BRING.
    fn trip(&self) -> Option<&Nav> {
        match self {
            Step::Navigate(nav) => Some(nav),
            Step::Find(find) => find.nav(),
            Step::Bring(bring) => bring.nav(),
            _ => None,
        }
    }

    pub fn plan_time(&self) -> Duration {
        self.trip().map_or(Duration::ZERO, |nav| nav.plan_time)
    }

    /// Whether Nav2 is driving this step's trip now (a Navigate call without its answer).
    pub fn navigation_in_flight(&self) -> bool {
        self.trip()
            .and_then(|nav| nav.delegated.as_ref())
            .is_some_and(|delegated| delegated.outcome.is_none())
    }

    /// The path being followed, map frame.
    pub fn path(&self) -> Option<&[Point2<f64>]> {
        let nav = self.trip()?;
        (!nav.path.is_empty()).then_some(nav.path.as_slice())
    }

    pub fn progress(&self) -> f32 {
        match self {
            Step::Navigate(nav) => nav.progress(),
            Step::Move(step) => step.progress(),
            Step::Turn(step) => step.progress(),
            _ => 0.0,
        }
    }

    pub fn remaining_m(&self) -> f64 {
        match self {
            Step::Move(step) => (step.allowed - step.travelled).max(0.0),
            other => other.trip().map_or(0.0, |nav| nav.remaining),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NavPhase {
    Plan,
    Follow,
    Blocked,
    Align,
}

/// Going to a pose: plan, follow, replan when blocked, turn to the final heading.
pub(crate) struct Nav {
    goal: Isometry2<f64>,
    /// Face this point at the end instead of the goal's heading.
    face: Option<Point2<f64>>,
    label: String,
    path: Vec<Point2<f64>>,
    progress: Progress,
    phase: NavPhase,
    blocked_since: Duration,
    next_attempt: Duration,
    pub plan_time: Duration,
    pub remaining: f64,
    total: f64,
    /// Since when the governor has held the robot still against the command.
    held_since: Option<Duration>,
    replanned_while_held: bool,
    /// `navigation: nav2`: the Navigate call in flight and, once it ended, how.
    delegated: Option<Delegated>,
}

/// A trip handed to Nav2.
struct Delegated {
    call_id: u64,
    outcome: Option<Result<(), (u8, String)>>,
}

impl Nav {
    pub fn new(goal: Isometry2<f64>, face: Option<Point2<f64>>, label: &str) -> Self {
        Self {
            goal,
            face,
            label: label.to_owned(),
            path: Vec::new(),
            progress: Progress::default(),
            phase: NavPhase::Plan,
            blocked_since: Duration::ZERO,
            next_attempt: Duration::ZERO,
            plan_time: Duration::ZERO,
            remaining: 0.0,
            total: 0.0,
            held_since: None,
            replanned_while_held: false,
            delegated: None,
        }
    }

    /// The goal pose, turned to face `face` when there is one.
    fn target(&self) -> Isometry2<f64> {
        let at = position(&self.goal);
        match self.face {
            Some(face) if (face - at).norm() > 1e-3 => {
                pose_at(at, (face.y - at.y).atan2(face.x - at.x))
            }
            _ => self.goal,
        }
    }

    fn on_reply(&mut self, id: u64, reply: &Reply) {
        let Some(delegated) = self.delegated.as_mut().filter(|d| d.call_id == id) else {
            return;
        };
        match reply {
            Reply::Navigate(outcome) => delegated.outcome = Some(outcome.clone()),
            Reply::NavigateProgress { remaining_m } => {
                // The first feedback's distance is the trip's length (as Nav2 measures it).
                if self.total <= 0.0 {
                    self.total = *remaining_m;
                }
                self.remaining = *remaining_m;
            }
            _ => tracing::debug!(call_id = id, "unexpected reply to a navigation"),
        }
    }

    /// `navigation: nav2`: the trip as a Navigate call, its end as the step's.
    fn tick_delegated(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        let Some(delegated) = &mut self.delegated else {
            let call_id = ctx.call(Call::Navigate {
                target: self.target(),
            });
            self.delegated = Some(Delegated {
                call_id,
                outcome: None,
            });
            return StepEvent::Delegated(Some(format!("going to {} (Nav2)", self.label)));
        };
        match &delegated.outcome {
            None => StepEvent::Delegated(None),
            Some(Ok(())) => {
                self.remaining = 0.0;
                StepEvent::Done(format!("arrived at {}", self.label))
            }
            Some(Err((code, reason))) => {
                StepEvent::Failed(*code, format!("to {}: {reason}", self.label))
            }
        }
    }

    fn progress(&self) -> f32 {
        if self.total > 0.0 {
            (1.0 - self.remaining / self.total).clamp(0.0, 1.0) as f32
        } else {
            0.0
        }
    }

    fn plan(&mut self, ctx: &mut Ctx<'_>) -> Result<(), PlanError> {
        // The one wall-clock measurement of the logic: compute time, reported, never decided on.
        let started = Instant::now();
        let result = ctx.map.plan(position(&ctx.pose), position(&self.goal));
        self.plan_time = started.elapsed();
        let path = result?;
        ctx.stats.plans.push(PlanRecord {
            compute: self.plan_time,
            length_m: path.length_m(),
            grid_length_m: path.grid_length_m,
        });
        self.total = path.length_m();
        self.remaining = self.total;
        self.path = path.waypoints;
        self.progress = Progress::default();
        Ok(())
    }

    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        if ctx.params.navigation == Navigation::Nav2 {
            return self.tick_delegated(ctx);
        }
        let here = position(&ctx.pose);
        if self.phase == NavPhase::Plan {
            match self.plan(ctx) {
                Ok(()) => self.phase = NavPhase::Follow,
                Err(error @ PlanError::GoalForbidden { .. }) => {
                    return StepEvent::Failed(
                        TaskStatus::ERROR_FORBIDDEN_ZONE,
                        format!("{}: {error}", self.label),
                    );
                }
                Err(error) if ctx.map.dynamic.is_empty() => {
                    return StepEvent::Failed(
                        TaskStatus::ERROR_NO_PATH,
                        format!("to {}: {error}", self.label),
                    );
                }
                Err(_) => {
                    self.phase = NavPhase::Blocked;
                    self.blocked_since = ctx.now;
                    self.next_attempt = ctx.now + REPLAN_INTERVAL;
                }
            }
        }
        if self.phase == NavPhase::Follow {
            self.remaining = advance(&self.path, &mut self.progress, &here);
            let to_goal = (position(&self.goal) - here).norm();
            // An approach to an object ends where the gripper must reach it: as precisely as
            // a MOVE ends, not as loosely as a trip to a room.
            let tolerance = if self.face.is_some() {
                ctx.params.move_tolerance_m
            } else {
                ctx.params.goal_xy_tolerance_m
            };
            if to_goal <= tolerance {
                self.phase = NavPhase::Align;
            } else {
                let mut ahead = vec![here];
                ahead.extend_from_slice(&self.path[self.progress_segment() + 1..]);
                let clearance = ctx.map.static_map().robot_radius_m() + 0.02;
                if let Some(hit) = ctx.map.dynamic.first_blocking(
                    &ahead,
                    clearance,
                    ctx.params.blocked_lookahead_m,
                ) {
                    tracing::info!(x = hit.x, y = hit.y, "path blocked; stopping to replan");
                    ctx.stats.blocked_stops += 1;
                    self.phase = NavPhase::Blocked;
                    self.blocked_since = ctx.now;
                    self.next_attempt = ctx.now;
                    return StepEvent::Running(
                        Velocity::ZERO,
                        Some(format!("path to {} blocked; replanning", self.label)),
                    );
                }
                let command = pursue(
                    ctx.tuning,
                    &ctx.pose,
                    &self.path,
                    self.progress,
                    ctx.speed.0,
                    self.remaining,
                );
                // Held still by the governor (an obstacle within the stop distance that the
                // map explains, e.g. a corner cut too close): replan from here after a while,
                // give up after blocked_timeout_s.
                let held = command.linear > 0.0
                    && ctx.clearance.ahead <= ctx.params.stop_distance_m
                    && ctx.speed.0.abs() < STILL_MPS;
                if !held {
                    self.held_since = None;
                } else {
                    let since = *self.held_since.get_or_insert(ctx.now);
                    let held_for = ctx.now.saturating_sub(since);
                    if held_for.as_secs_f64() >= ctx.params.blocked_timeout_s {
                        return StepEvent::Failed(
                            TaskStatus::ERROR_BLOCKED,
                            format!(
                                "to {}: an obstacle ahead stopped the robot for {:.0} s",
                                self.label,
                                held_for.as_secs_f64()
                            ),
                        );
                    }
                    if held_for >= HELD_REPLAN_AFTER && !self.replanned_while_held {
                        self.replanned_while_held = true;
                        ctx.stats.blocked_stops += 1;
                        self.phase = NavPhase::Blocked;
                        self.blocked_since = ctx.now;
                        self.next_attempt = ctx.now;
                        return StepEvent::Running(Velocity::ZERO, None);
                    }
                }
                return StepEvent::Running(command, Some(format!("going to {}", self.label)));
            }
        }
        if self.phase == NavPhase::Blocked {
            if ctx.speed.0.abs() >= STILL_MPS || ctx.now < self.next_attempt {
                return StepEvent::Running(Velocity::ZERO, None);
            }
            self.next_attempt = ctx.now + REPLAN_INTERVAL;
            match self.plan(ctx) {
                Ok(()) => {
                    ctx.stats.replans += 1;
                    self.phase = NavPhase::Follow;
                    return StepEvent::Running(
                        Velocity::ZERO,
                        Some(format!("replanned to {}", self.label)),
                    );
                }
                Err(error @ PlanError::GoalForbidden { .. }) => {
                    return StepEvent::Failed(
                        TaskStatus::ERROR_FORBIDDEN_ZONE,
                        format!("{}: {error}", self.label),
                    );
                }
                Err(error) => {
                    let waited = ctx.now.saturating_sub(self.blocked_since);
                    if waited.as_secs_f64() >= ctx.params.blocked_timeout_s {
                        return StepEvent::Failed(
                            TaskStatus::ERROR_BLOCKED,
                            format!(
                                "to {}: blocked for {:.0} s: {error}",
                                self.label,
                                waited.as_secs_f64()
                            ),
                        );
                    }
                    return StepEvent::Running(Velocity::ZERO, None);
                }
            }
        }
        // Align.
        self.remaining = (position(&self.goal) - here).norm();
        let target = match self.face {
            Some(face) if (face - here).norm() > 1e-3 => (face.y - here.y).atan2(face.x - here.x),
            _ => yaw(&self.goal),
        };
        let error = wrap_angle(target - yaw(&ctx.pose));
        if error.abs() <= ctx.params.goal_yaw_tolerance_deg.to_radians() {
            if ctx.is_still() {
                return StepEvent::Done(format!("arrived at {}", self.label));
            }
            return StepEvent::Running(Velocity::ZERO, None);
        }
        StepEvent::Running(
            Velocity {
                linear: 0.0,
                angular: rotation_speed(ctx.tuning, error),
            },
            None,
        )
    }

    fn progress_segment(&self) -> usize {
        self.progress.segment()
    }
}

/// MOVE: straight ahead (or back) by a distance, closed loop on odometry, clipped up front
/// to what the map and the lidar allow.
pub(crate) struct Move {
    requested: f64,
    allowed: f64,
    travelled: f64,
    start: Option<Isometry2<f64>>,
    clipped: bool,
    settling: bool,
    blocked: bool,
}

impl Move {
    fn new(distance: f64) -> Self {
        Self {
            requested: distance,
            allowed: distance.abs(),
            travelled: 0.0,
            start: None,
            clipped: false,
            settling: false,
            blocked: false,
        }
    }

    fn sign(&self) -> f64 {
        if self.requested < 0.0 { -1.0 } else { 1.0 }
    }

    fn progress(&self) -> f32 {
        if self.allowed > 0.0 {
            (self.travelled / self.allowed).clamp(0.0, 1.0) as f32
        } else {
            1.0
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        let sign = self.sign();
        let start = *self.start.get_or_insert_with(|| {
            let direction = heading(&ctx.pose) * sign;
            let map_room =
                ctx.map
                    .free_distance(position(&ctx.pose), direction, self.requested.abs());
            // Keep a little of the map's clearance; the lidar's stop distance bounds the rest.
            let map_room = (map_room - 0.02).max(0.0);
            let scan_room = if sign > 0.0 {
                ctx.clearance.ahead
            } else {
                ctx.clearance.behind
            };
            let scan_room = (scan_room - ctx.params.stop_distance_m - 0.02).max(0.0);
            self.allowed = self.requested.abs().min(map_room).min(scan_room);
            self.clipped = self.allowed + ctx.params.move_tolerance_m < self.requested.abs();
            ctx.pose
        });
        let direction: Vector2<f64> = heading(&start) * sign;
        self.travelled = (position(&ctx.pose) - position(&start)).dot(&direction);
        let remaining = self.allowed - self.travelled;
        let scan_room = if sign > 0.0 {
            ctx.clearance.ahead
        } else {
            ctx.clearance.behind
        };
        if !self.settling
            && scan_room <= ctx.params.stop_distance_m
            && remaining > ctx.params.move_tolerance_m
        {
            // Something appeared in the way: stop where we are.
            self.blocked = true;
            self.settling = true;
        }
        if !self.settling && remaining <= 0.01 {
            self.settling = true;
        }
        if self.settling {
            if ctx.speed.0.abs() < STILL_MPS / 2.0 {
                return StepEvent::Done(self.report());
            }
            return StepEvent::Running(Velocity::ZERO, None);
        }
        let tuning = ctx.tuning;
        let top = if sign > 0.0 {
            tuning.max_speed
        } else {
            ctx.params.max_reverse_speed_mps
        };
        let speed = top
            .min(braking_speed(remaining, tuning.decel * 0.5))
            .min(1.5 * remaining)
            .max(0.04);
        let heading_error = wrap_angle(yaw(&start) - yaw(&ctx.pose));
        StepEvent::Running(
            Velocity {
                linear: sign * speed,
                angular: 2.0 * heading_error,
            },
            Some(format!("moving {:.2} m", self.allowed * sign)),
        )
    }

    fn report(&self) -> String {
        let moved = self.travelled * self.sign();
        if self.blocked {
            format!(
                "moved {moved:.2} m of {:.2} m requested: an obstacle appeared in the way",
                self.requested
            )
        } else if self.clipped {
            format!(
                "moved {moved:.2} m of {:.2} m requested: stopped short of an obstacle or the map's edge",
                self.requested
            )
        } else {
            format!("moved {moved:.2} m")
        }
    }
}

/// TURN: rotate in place by an angle, closed loop on odometry (unwrapped, so 360° works).
pub(crate) struct Turn {
    target: f64,
    turned: f64,
    last_yaw: Option<f64>,
}

impl Turn {
    fn new(angle: f64) -> Self {
        Self {
            target: angle,
            turned: 0.0,
            last_yaw: None,
        }
    }

    fn progress(&self) -> f32 {
        if self.target.abs() > 0.0 {
            (self.turned / self.target).clamp(0.0, 1.0) as f32
        } else {
            1.0
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        let now_yaw = yaw(&ctx.pose);
        if let Some(last) = self.last_yaw {
            self.turned += wrap_angle(now_yaw - last);
        }
        self.last_yaw = Some(now_yaw);
        let remaining = self.target - self.turned;
        let tolerance = ctx.params.turn_tolerance_deg.to_radians();
        if remaining.abs() <= tolerance * 0.4 {
            if ctx.speed.1.abs() < STILL_RADPS / 2.0 {
                return StepEvent::Done(format!("turned {:.1}°", self.turned.to_degrees()));
            }
            return StepEvent::Running(Velocity::ZERO, None);
        }
        let tuning = ctx.tuning;
        let speed = tuning
            .max_turn
            .min(braking_speed(remaining.abs(), tuning.turn_accel * 0.5))
            .min(2.0 * remaining.abs())
            .max(0.06);
        StepEvent::Running(
            Velocity {
                linear: 0.0,
                angular: remaining.signum() * speed,
            },
            Some(format!("turning {:.0}°", self.target.to_degrees())),
        )
    }
}

enum FindPhase {
    Start,
    Recall {
        call_id: u64,
        since: Duration,
        answer: Option<Result<Option<String>, String>>,
    },
    NextRoom,
    Travel(Nav, PlaceId),
    Look {
        room: PlaceId,
        turned: f64,
        last_yaw: f64,
    },
    Approach(Nav),
}

/// FIND: perception first, then memory, then the rooms in turn; ends facing the object.
pub(crate) struct Find {
    object: String,
    phase: FindPhase,
    searched: Vec<PlaceId>,
    rooms: VecDeque<PlaceId>,
    hint: Option<PlaceId>,
    target: Option<Point2<f64>>,
}

impl Find {
    fn new(object: &str) -> Self {
        Self {
            object: object.to_owned(),
            phase: FindPhase::Start,
            searched: Vec::new(),
            rooms: VecDeque::new(),
            hint: None,
            target: None,
        }
    }

    fn nav(&self) -> Option<&Nav> {
        match &self.phase {
            FindPhase::Travel(nav, _) | FindPhase::Approach(nav) => Some(nav),
            _ => None,
        }
    }

    fn on_reply(&mut self, id: u64, reply: &Reply) {
        if let FindPhase::Travel(nav, _) | FindPhase::Approach(nav) = &mut self.phase {
            nav.on_reply(id, reply);
            return;
        }
        if let (
            FindPhase::Recall {
                call_id, answer, ..
            },
            Reply::Recall(result),
        ) = (&mut self.phase, reply)
            && *call_id == id
        {
            *answer = Some(result.clone());
        }
    }

    fn seen<'o>(&self, objects: &'o [SeenObject]) -> Option<&'o SeenObject> {
        objects
            .iter()
            .find(|o| o.label.eq_ignore_ascii_case(&self.object))
    }

    /// The rooms to visit: the remembered one first, then nearest-next from the robot.
    fn order_rooms(&mut self, ctx: &Ctx<'_>) {
        let map = ctx.world.map();
        let mut left: Vec<PlaceId> = map
            .rooms()
            .map(|p| p.id)
            .filter(|id| !self.searched.contains(id) && Some(*id) != self.hint)
            .collect();
        let mut order: VecDeque<PlaceId> = self.hint.into_iter().collect();
        let mut from = self
            .hint
            .map_or(position(&ctx.pose), |h| position(&map.place(h).approach));
        while !left.is_empty() {
            let (index, _) = left
                .iter()
                .enumerate()
                .map(|(i, id)| (i, (position(&map.place(*id).approach) - from).norm()))
                .fold(
                    (0, f64::INFINITY),
                    |best, c| if c.1 < best.1 { c } else { best },
                );
            let next = left.remove(index);
            from = position(&map.place(next).approach);
            order.push_back(next);
        }
        self.rooms = order;
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        // Seen now: go and face it (unless already on the way there).
        if !matches!(self.phase, FindPhase::Approach(_))
            && let Some(object) = self.seen(ctx.objects).cloned()
        {
            if object.carried {
                return StepEvent::Done(format!("holding the {}", self.object));
            }
            let Some(stand) = ctx.map.standing_point_near(
                object.position,
                ctx.params.object_approach_distance_m,
                position(&ctx.pose),
            ) else {
                return StepEvent::Failed(
                    TaskStatus::ERROR_NO_PATH,
                    format!(
                        "the {} is at ({:.2}, {:.2}) but no free spot is within reach",
                        self.object, object.position.x, object.position.y
                    ),
                );
            };
            self.target = Some(object.position);
            let label = format!("the {}", self.object);
            self.phase =
                FindPhase::Approach(Nav::new(pose_at(stand, 0.0), Some(object.position), &label));
        }
        loop {
            match &mut self.phase {
                FindPhase::Start => {
                    if ctx.params.recall_from_memory {
                        let call_id = ctx.call(Call::Recall {
                            object: self.object.clone(),
                        });
                        self.phase = FindPhase::Recall {
                            call_id,
                            since: ctx.now,
                            answer: None,
                        };
                    } else {
                        self.order_rooms(ctx);
                        self.phase = FindPhase::NextRoom;
                    }
                }
                FindPhase::Recall { since, answer, .. } => {
                    let timed_out = ctx.now.saturating_sub(*since) > ctx.service_timeout();
                    match answer.take() {
                        Some(Ok(Some(place))) => {
                            let map = ctx.world.map();
                            self.hint = map.resolve_place(&place).map(|p| map.room_of(p));
                            tracing::info!(object = %self.object, %place, "memory says");
                        }
                        Some(Ok(None)) => {}
                        Some(Err(error)) => {
                            tracing::warn!(%error, "memory recall failed; searching")
                        }
                        None if timed_out => tracing::warn!("memory did not answer; searching"),
                        None => {
                            return StepEvent::Running(
                                Velocity::ZERO,
                                Some(format!("asking memory where the {} is", self.object)),
                            );
                        }
                    }
                    if self.hint.is_none() && !ctx.params.search_rooms {
                        return StepEvent::Failed(
                            TaskStatus::ERROR_OBJECT_NOT_FOUND,
                            format!(
                                "the {} is not in sight and memory does not know where it is",
                                self.object
                            ),
                        );
                    }
                    self.order_rooms(ctx);
                    if !ctx.params.search_rooms {
                        self.rooms.truncate(1);
                    }
                    self.phase = FindPhase::NextRoom;
                }
                FindPhase::NextRoom => {
                    let Some(room) = self.rooms.pop_front() else {
                        let names: Vec<&str> = self.searched.iter().map(|r| r.name()).collect();
                        return StepEvent::Failed(
                            TaskStatus::ERROR_OBJECT_NOT_FOUND,
                            format!(
                                "the {} was not found; searched: {}",
                                self.object,
                                if names.is_empty() {
                                    "nothing".into()
                                } else {
                                    names.join(", ")
                                }
                            ),
                        );
                    };
                    let approach = ctx.world.map().place(room).approach;
                    self.phase = FindPhase::Travel(Nav::new(approach, None, room.name()), room);
                }
                FindPhase::Travel(nav, room) => {
                    let room = *room;
                    match nav.tick(ctx) {
                        StepEvent::Running(command, _) => {
                            return StepEvent::Running(
                                command,
                                Some(format!(
                                    "looking for the {} in the {}",
                                    self.object,
                                    room.name()
                                )),
                            );
                        }
                        StepEvent::Delegated(_) => {
                            return StepEvent::Delegated(Some(format!(
                                "looking for the {} in the {}",
                                self.object,
                                room.name()
                            )));
                        }
                        StepEvent::Done(_) => {
                            self.phase = FindPhase::Look {
                                room,
                                turned: 0.0,
                                last_yaw: yaw(&ctx.pose),
                            };
                        }
                        StepEvent::Failed(_, reason) => {
                            tracing::warn!(room = room.name(), %reason, "cannot search room");
                            self.phase = FindPhase::NextRoom;
                        }
                    }
                }
                FindPhase::Look {
                    room,
                    turned,
                    last_yaw,
                } => {
                    let now_yaw = yaw(&ctx.pose);
                    *turned += wrap_angle(now_yaw - *last_yaw).abs();
                    *last_yaw = now_yaw;
                    if *turned >= std::f64::consts::TAU {
                        self.searched.push(*room);
                        self.phase = FindPhase::NextRoom;
                        continue;
                    }
                    return StepEvent::Running(
                        Velocity {
                            linear: 0.0,
                            angular: LOOK_AROUND_RADPS.min(ctx.tuning.max_turn),
                        },
                        Some(format!(
                            "looking around the {} for the {}",
                            room.name(),
                            self.object
                        )),
                    );
                }
                FindPhase::Approach(nav) => {
                    return match nav.tick(ctx) {
                        StepEvent::Done(_) => {
                            let place = self
                                .target
                                .and_then(|t| ctx.world.map().room_at(t.x, t.y))
                                .map_or(String::new(), |r| format!(" in the {}", r.name()));
                            StepEvent::Done(format!("found the {}{place}", self.object))
                        }
                        other => other,
                    };
                }
            }
        }
    }
}

/// Where BRING takes the object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Destination {
    Place(PlaceId),
    /// The person who asked: where the robot was when the task arrived.
    User,
}

enum BringPhase {
    Finding,
    Grasp {
        call_id: u64,
        since: Duration,
        answer: Option<Result<(), String>>,
    },
    Deliver(Nav),
    Release {
        call_id: u64,
        since: Duration,
        answer: Option<Result<(), String>>,
    },
}

/// BRING: FIND, grasp, go to the destination, release.
pub(crate) struct Bring {
    object: String,
    destination: Destination,
    find: Find,
    phase: BringPhase,
}

impl Bring {
    fn new(object: &str, destination: Destination) -> Self {
        Self {
            object: object.to_owned(),
            destination,
            find: Find::new(object),
            phase: BringPhase::Finding,
        }
    }

    fn nav(&self) -> Option<&Nav> {
        match &self.phase {
            BringPhase::Finding => self.find.nav(),
            BringPhase::Deliver(nav) => Some(nav),
            _ => None,
        }
    }

    fn on_reply(&mut self, id: u64, reply: &Reply) {
        match (&mut self.phase, reply) {
            (BringPhase::Finding, _) => self.find.on_reply(id, reply),
            (BringPhase::Deliver(nav), _) => nav.on_reply(id, reply),
            (
                BringPhase::Grasp {
                    call_id, answer, ..
                },
                Reply::Grasp(result),
            )
            | (
                BringPhase::Release {
                    call_id, answer, ..
                },
                Reply::Release(result),
            ) if *call_id == id => {
                *answer = Some(result.clone());
            }
            _ => tracing::debug!(call_id = id, "unexpected reply"),
        }
    }

    fn destination_name(&self) -> &'static str {
        match self.destination {
            Destination::Place(place) => place.name(),
            Destination::User => "you",
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> StepEvent {
        match &mut self.phase {
            BringPhase::Finding => match self.find.tick(ctx) {
                StepEvent::Done(_) => {
                    let call_id = ctx.call(Call::Grasp {
                        object: self.object.clone(),
                    });
                    self.phase = BringPhase::Grasp {
                        call_id,
                        since: ctx.now,
                        answer: None,
                    };
                    StepEvent::Running(
                        Velocity::ZERO,
                        Some(format!("picking up the {}", self.object)),
                    )
                }
                other => other,
            },
            BringPhase::Grasp { since, answer, .. } => match answer.take() {
                Some(Ok(())) => {
                    let goal = match self.destination {
                        Destination::Place(place) => ctx.world.map().place(place).approach,
                        Destination::User => ctx.user_pose,
                    };
                    let label = self.destination_name();
                    self.phase = BringPhase::Deliver(Nav::new(goal, None, label));
                    StepEvent::Running(
                        Velocity::ZERO,
                        Some(format!("bringing the {} to {label}", self.object)),
                    )
                }
                Some(Err(reason)) => StepEvent::Failed(
                    TaskStatus::ERROR_INTERNAL,
                    format!("could not pick up the {}: {reason}", self.object),
                ),
                None if ctx.now.saturating_sub(*since) > ctx.service_timeout() => {
                    StepEvent::Failed(
                        TaskStatus::ERROR_TIMEOUT,
                        "the gripper did not answer the grasp request".into(),
                    )
                }
                None => StepEvent::Running(Velocity::ZERO, None),
            },
            BringPhase::Deliver(nav) => match nav.tick(ctx) {
                StepEvent::Done(_) => {
                    let call_id = ctx.call(Call::Release {
                        object: self.object.clone(),
                    });
                    self.phase = BringPhase::Release {
                        call_id,
                        since: ctx.now,
                        answer: None,
                    };
                    StepEvent::Running(
                        Velocity::ZERO,
                        Some(format!("putting the {} down", self.object)),
                    )
                }
                other => other,
            },
            BringPhase::Release { since, answer, .. } => match answer.take() {
                Some(Ok(())) => StepEvent::Done(format!(
                    "brought the {} to {}",
                    self.object,
                    self.destination_name()
                )),
                Some(Err(reason)) => StepEvent::Failed(
                    TaskStatus::ERROR_INTERNAL,
                    format!("could not put the {} down: {reason}", self.object),
                ),
                None if ctx.now.saturating_sub(*since) > ctx.service_timeout() => {
                    StepEvent::Failed(
                        TaskStatus::ERROR_TIMEOUT,
                        "the gripper did not answer the release request".into(),
                    )
                }
                None => StepEvent::Running(Velocity::ZERO, None),
            },
        }
    }
}
