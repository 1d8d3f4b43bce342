//! The planner's logic in a closed loop with the headless simulator, in one process and
//! without a transport: the simulator's odometry, lidar and camera go in at their SDF rates,
//! the logic's commands drive it, its gripper answers Grasp and Release. The in-process tests
//! and `embodied bench planner` run on it. Memory is not part of this loop: Recall calls are
//! answered "no memory service", as the node does when none runs.

use std::sync::Arc;
use std::time::Duration;

use embodied_msgs::msg::{Task, TaskStatus};
use embodied_world::World;
use nalgebra::{Isometry2, Point2, Vector2};
use sim::record::Entry;
use sim::{Simulator, VelocityCommand};

use crate::map::StaticMap;
use crate::{Call, Error, Input, Logic, Odom, Output, Params, Reply, Scan, SeenObject};

/// The closed loop.
pub struct SimDrive {
    /// The simulator (ground truth, objects, contacts).
    pub simulator: Simulator,
    /// The planner's logic.
    pub logic: Logic,
    physics_per_control: u64,
    scan_every: u64,
    camera_every: u64,
    statuses: Vec<TaskStatus>,
    commands: Vec<(Duration, crate::Velocity)>,
    record: Option<Vec<Entry>>,
    record_every: u64,
}

impl std::fmt::Debug for SimDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimDrive")
            .field("simulator", &self.simulator)
            .field("logic", &self.logic)
            .finish_non_exhaustive()
    }
}

/// How a task ended in the loop.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The final status (SUCCEEDED, FAILED, CANCELED or REJECTED); `None` when the time
    /// limit came first.
    pub status: Option<TaskStatus>,
    /// Simulated time the task took.
    pub duration: Duration,
    /// New contacts of the robot with obstacles during the task.
    pub collisions: u64,
    /// Ground-truth distance driven, m.
    pub distance_m: f64,
}

impl Outcome {
    /// Whether the task succeeded.
    pub fn succeeded(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.state == TaskStatus::STATE_SUCCEEDED)
    }
}

fn to_isometry(pose: sim::Pose2D) -> Isometry2<f64> {
    Isometry2::new(Vector2::new(pose.x, pose.y), pose.yaw)
}

impl SimDrive {
    /// A loop over a simulator of `sim_world` (with `sim_params`, validated) and a planner of
    /// `world` with `params` (validated) on the grids of `static_map`.
    ///
    /// # Errors
    /// [`Error::Simulator`] when the simulator cannot start.
    pub fn new(
        sim_world: sim::WorldModel,
        sim_params: &sim::Params,
        world: Arc<World>,
        static_map: Arc<StaticMap>,
        params: Params,
    ) -> Result<Self, Error> {
        let simulator = Simulator::new(sim_world, sim_params)?;
        let step = simulator.step_duration().as_secs_f64();
        let per = |period: f64| ((period / step).round() as u64).max(1);
        let physics_per_control = per(1.0 / params.control_rate_hz);
        let scan_every = per(1.0 / simulator.robot().lidar.update_rate_hz);
        let camera_every = per(1.0 / simulator.robot().camera.update_rate_hz);
        let record_every = per(0.1);
        Ok(Self {
            logic: Logic::with_map(params, world, static_map),
            simulator,
            physics_per_control,
            scan_every,
            camera_every,
            statuses: Vec::new(),
            commands: Vec::new(),
            record: None,
            record_every,
        })
    }

    /// Starts keeping ground-truth poses and gripper events (for `sim plot`).
    pub fn start_recording(&mut self) {
        self.record.get_or_insert_with(Vec::new);
    }

    /// The recorded run-file entries so far.
    pub fn recorded(&self) -> &[Entry] {
        self.record.as_deref().unwrap_or_default()
    }

    /// Simulated time now.
    pub fn now(&self) -> Duration {
        self.simulator.time()
    }

    /// Every status published so far.
    pub fn statuses(&self) -> &[TaskStatus] {
        &self.statuses
    }

    /// Every command published so far, with its time.
    pub fn commands(&self) -> &[(Duration, crate::Velocity)] {
        &self.commands
    }

    /// Gives the logic an input now and applies what it answers.
    pub fn input(&mut self, input: Input) {
        let now = self.now();
        let outputs = self.logic.handle(now, input);
        self.apply(outputs);
    }

    /// Submits a task now.
    pub fn submit(&mut self, task: Task) {
        self.input(Input::Task(task));
    }

    fn odometry(&self) -> Odom {
        let odometry = self.simulator.odometry();
        Odom {
            pose: to_isometry(odometry.pose),
            linear: odometry.linear,
            angular: odometry.angular,
        }
    }

    fn scan(&mut self) -> Scan {
        let ranges = self.simulator.scan();
        let lidar = &self.simulator.robot().lidar;
        Scan {
            lidar_in_base: to_isometry(lidar.mount),
            angle_min: lidar.min_angle,
            angle_increment: lidar.angle_increment(),
            range_min: lidar.range_min,
            range_max: lidar.range_max,
            ranges,
        }
    }

    fn perception(&self) -> Vec<SeenObject> {
        self.simulator
            .perceive()
            .into_iter()
            .map(|seen| {
                let object = &self.simulator.objects()[seen.index];
                SeenObject {
                    label: object.spec.label.clone(),
                    position: Point2::new(object.position[0], object.position[1]),
                    place: seen.place.unwrap_or_default(),
                    carried: object.carried,
                }
            })
            .collect()
    }

    fn apply(&mut self, outputs: Vec<Output>) {
        let now = self.now();
        for output in outputs {
            match output {
                Output::Command(v) => {
                    self.commands.push((now, v));
                    self.simulator.set_command(VelocityCommand {
                        linear: v.linear,
                        angular: v.angular,
                    });
                }
                Output::Status(status) => self.statuses.push(status),
                Output::CancelNavigation => {}
                Output::Call { call_id, call } => {
                    let t = now.as_secs_f64();
                    let reply = match call {
                        Call::Recall { .. } => {
                            Reply::Recall(Err("no memory service in the in-process loop".into()))
                        }
                        Call::Grasp { object } => {
                            let result = self.simulator.grasp(&object);
                            if let Some(record) = &mut self.record {
                                let [x, y, _] = result.as_ref().map_or([0.0; 3], |p| *p);
                                record.push(Entry::Grasp {
                                    t,
                                    object: object.clone(),
                                    x,
                                    y,
                                    success: result.is_ok(),
                                    message: result
                                        .as_ref()
                                        .err()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                });
                            }
                            Reply::Grasp(result.map(|_| ()).map_err(|e| e.to_string()))
                        }
                        Call::Release { object } => {
                            let result = self.simulator.release(&object);
                            if let Some(record) = &mut self.record {
                                let [x, y, _] = result.as_ref().map_or([0.0; 3], |p| *p);
                                record.push(Entry::Release {
                                    t,
                                    object: object.clone(),
                                    x,
                                    y,
                                    success: result.is_ok(),
                                    message: result
                                        .as_ref()
                                        .err()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                });
                            }
                            Reply::Release(result.map(|_| ()).map_err(|e| e.to_string()))
                        }
                        Call::Navigate { .. } => Reply::Navigate(Err((
                            TaskStatus::ERROR_INTERNAL,
                            "no Nav2 in the in-process loop (navigation: builtin drives it)".into(),
                        ))),
                    };
                    let answers = self.logic.handle(now, Input::Reply { call_id, reply });
                    self.apply(answers);
                }
            }
        }
    }

    /// One control period: physics steps with sensor messages at their rates, then
    /// odometry and the logic's tick.
    pub fn step_control(&mut self) {
        for _ in 0..self.physics_per_control {
            self.simulator.step();
            let steps = self.simulator.steps();
            let now = self.now();
            if steps.is_multiple_of(self.scan_every) {
                let scan = self.scan();
                let odom = self.odometry();
                self.logic.handle(now, Input::Odometry(odom));
                self.logic.handle(now, Input::Scan(scan));
            }
            if steps.is_multiple_of(self.camera_every) {
                let objects = self.perception();
                self.logic.handle(now, Input::Objects(objects));
            }
            if let Some(record) = &mut self.record
                && steps.is_multiple_of(self.record_every)
            {
                let pose = self.simulator.pose();
                let velocity = self.simulator.velocity();
                record.push(Entry::Pose {
                    t: now.as_secs_f64(),
                    x: pose.x,
                    y: pose.y,
                    yaw: pose.yaw,
                    linear: velocity.linear,
                    angular: velocity.angular,
                    battery: self.simulator.battery().fraction,
                    contact: self.simulator.in_contact(),
                });
            }
        }
        let now = self.now();
        let odom = self.odometry();
        self.logic.handle(now, Input::Odometry(odom));
        let outputs = self.logic.tick(now);
        self.apply(outputs);
    }

    /// Runs control periods until the task `task_id` ends or `limit` of simulated time
    /// passes; `during` runs before each period (to drop obstacles, send STOP, ...).
    pub fn run_task(
        &mut self,
        task: Task,
        limit: Duration,
        mut during: impl FnMut(&mut Self),
    ) -> Outcome {
        let task_id = task.task_id.clone();
        let start = self.now();
        let contacts = self.simulator.contact_events();
        let seen = self.statuses.len();
        self.submit(task);
        let mut distance_m = 0.0;
        let mut last = self.simulator.pose();
        let terminal = |s: &TaskStatus| {
            s.task_id == task_id
                && matches!(
                    s.state,
                    TaskStatus::STATE_SUCCEEDED
                        | TaskStatus::STATE_FAILED
                        | TaskStatus::STATE_CANCELED
                        | TaskStatus::STATE_REJECTED
                )
        };
        let mut status = self.statuses[seen..].iter().find(|s| terminal(s)).cloned();
        while status.is_none() && self.now().saturating_sub(start) < limit {
            during(self);
            self.step_control();
            let pose = self.simulator.pose();
            distance_m += pose.distance_to(last.x, last.y);
            last = pose;
            status = self.statuses[seen..].iter().find(|s| terminal(s)).cloned();
        }
        // Let the robot come to rest (the governor brakes after the task).
        for _ in 0..20 {
            if self.simulator.velocity().linear.abs() < 1e-3
                && self.simulator.velocity().angular.abs() < 1e-3
            {
                break;
            }
            self.step_control();
        }
        Outcome {
            status,
            duration: self.now().saturating_sub(start),
            collisions: self.simulator.contact_events() - contacts,
            distance_m,
        }
    }
}

/// A task of one step.
pub fn task(task_id: &str, step: embodied_msgs::msg::TaskStep) -> Task {
    Task {
        task_id: task_id.to_owned(),
        mode: Task::MODE_REPLACE,
        steps: vec![step],
        ..Task::default()
    }
}

/// A NAVIGATE step.
pub fn navigate(place: &str) -> embodied_msgs::msg::TaskStep {
    embodied_msgs::msg::TaskStep {
        kind: embodied_msgs::msg::TaskStep::NAVIGATE,
        place: place.to_owned(),
        ..Default::default()
    }
}
