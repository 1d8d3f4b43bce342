//! The simulation core: a kinematic differential-drive robot stepped with a fixed time step,
//! stopping at contact; its lidar, odometry, battery, object camera and gripper. Deterministic:
//! the same world, parameters, seed and commands give the same run.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use crate::battery::{Battery, BatteryReading};
use crate::geometry::Geometry;
use crate::world::{
    DockSpec, ObjectSpec, Obstacle, PlaceLookup, Pose2D, RobotSpec, WorldModel, normalize_angle,
};
use crate::{Error, Params};

/// A velocity command (`geometry_msgs/Twist`: linear.x and angular.z).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VelocityCommand {
    /// Forward speed, m/s.
    pub linear: f64,
    /// Turning speed, rad/s (counter-clockwise).
    pub angular: f64,
}

/// Wheel odometry: the pose integrated from the wheels (drifting when configured), in the
/// odom frame, which starts equal to the map frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Odometry {
    /// Pose in the odom frame.
    pub pose: Pose2D,
    /// Measured forward speed, m/s.
    pub linear: f64,
    /// Measured turning speed, rad/s.
    pub angular: f64,
}

/// A movable object now.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectState {
    /// What it is.
    pub spec: ObjectSpec,
    /// Where its centre is, map frame, m.
    pub position: [f64; 3],
    /// Heading, rad.
    pub yaw: f64,
    /// Whether the robot holds it.
    pub carried: bool,
}

/// An object the camera sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Perceived {
    /// The object (index into [`Simulator::objects`]).
    pub index: usize,
    /// The place it is in, if any.
    pub place: Option<String>,
}

/// Why a grasp failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraspError {
    /// No object of that name.
    #[error("there is no object called {object:?}")]
    UnknownObject {
        /// Name asked for.
        object: String,
    },
    /// Too far away.
    #[error("{object} is {distance_m:.2} m away, reach is {reach_m:.2} m")]
    OutOfReach {
        /// Object asked for.
        object: String,
        /// Its horizontal distance from the robot's centre, m.
        distance_m: f64,
        /// The gripper's reach, m.
        reach_m: f64,
    },
    /// The gripper is not empty.
    #[error("already holding {held}")]
    HandsFull {
        /// What the gripper holds.
        held: String,
    },
}

/// Why a release failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReleaseError {
    /// Nothing is held.
    #[error("holding nothing")]
    NothingHeld,
    /// Something else is held.
    #[error("holding {held}, not {expected}")]
    HoldingOther {
        /// What the request named.
        expected: String,
        /// What the gripper holds.
        held: String,
    },
}

/// The simulated world and robot.
pub struct Simulator {
    robot: RobotSpec,
    dock: Option<DockSpec>,
    places: Box<dyn PlaceLookup>,
    geometry: Geometry,
    step: Duration,
    step_s: f64,
    steps: u64,
    command: VelocityCommand,
    command_steps: u64,
    command_timeout_steps: Option<u64>,
    pose: Pose2D,
    linear: f64,
    angular: f64,
    odometry: Odometry,
    odom_bias: (f64, f64),
    odom_noise: (f64, f64),
    lidar_noise: bool,
    battery: Battery,
    objects: Vec<ObjectState>,
    held: Option<usize>,
    grasp_reach_m: f64,
    in_contact: bool,
    contact_events: u64,
    rng: StdRng,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("time", &self.time())
            .field("pose", &self.pose)
            .field("held", &self.held)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// A simulator of `world` tuned by `params` (already validated), at time zero with the
    /// robot at its spawn pose.
    ///
    /// # Errors
    /// [`Error::RobotInCollision`] when the robot's spawn pose overlaps an obstacle.
    pub fn new(world: WorldModel, params: &Params) -> Result<Self, Error> {
        let WorldModel {
            source,
            semantic_map: _,
            obstacles,
            robot,
            objects,
            dock,
            places,
            rooms: _,
        } = world;
        let geometry = Geometry::new(obstacles, robot.radius, robot.height, robot.lidar.height);
        let spawn = robot.spawn;
        if let Some(obstacle) = geometry.overlapping(spawn.x, spawn.y) {
            return Err(Error::RobotInCollision {
                world: source,
                pose: spawn.to_string(),
                obstacle: obstacle.name.clone(),
            });
        }
        let step = params.physics_step();
        let step_s = step.as_secs_f64();
        let command_timeout_steps = (params.command_timeout_s > 0.0)
            .then(|| (params.command_timeout_s / step_s).ceil() as u64);
        let objects = objects
            .into_iter()
            .map(|spec| ObjectState {
                position: spec.position,
                yaw: spec.yaw,
                carried: false,
                spec,
            })
            .collect();
        Ok(Self {
            dock,
            places,
            geometry,
            step,
            step_s,
            steps: 0,
            command: VelocityCommand::default(),
            command_steps: 0,
            command_timeout_steps,
            pose: spawn,
            linear: 0.0,
            angular: 0.0,
            odometry: Odometry {
                pose: spawn,
                linear: 0.0,
                angular: 0.0,
            },
            odom_bias: (params.odom_linear_bias, params.odom_angular_bias),
            odom_noise: (params.odom_linear_noise, params.odom_angular_noise),
            lidar_noise: params.lidar_noise,
            battery: Battery::new(params),
            objects,
            held: None,
            grasp_reach_m: params.grasp_reach_m,
            in_contact: false,
            contact_events: 0,
            rng: StdRng::seed_from_u64(params.seed),
            robot,
        })
    }

    /// Simulated time since the start.
    pub fn time(&self) -> Duration {
        self.step * u32::try_from(self.steps).unwrap_or(u32::MAX)
    }

    /// Simulated time in nanoseconds (exact: whole steps).
    pub fn time_nanos(&self) -> u128 {
        self.step.as_nanos() * u128::from(self.steps)
    }

    /// The physics step.
    pub fn step_duration(&self) -> Duration {
        self.step
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The robot's description.
    pub fn robot(&self) -> &RobotSpec {
        &self.robot
    }

    /// The charging dock.
    pub fn dock(&self) -> Option<&DockSpec> {
        self.dock.as_ref()
    }

    /// Obstacles, static and added.
    pub fn obstacles(&self) -> &[Obstacle] {
        self.geometry.obstacles()
    }

    /// Sets the velocity command; it holds until replaced or until the command timeout.
    pub fn set_command(&mut self, command: VelocityCommand) {
        let finite = command.linear.is_finite() && command.angular.is_finite();
        self.command = if finite {
            command
        } else {
            tracing::warn!(?command, "dropped a non-finite velocity command; stopping");
            VelocityCommand::default()
        };
        self.command_steps = self.steps;
    }

    /// Ground-truth pose, map frame.
    pub fn pose(&self) -> Pose2D {
        self.pose
    }

    /// Ground-truth velocity (forward m/s, turning rad/s).
    pub fn velocity(&self) -> VelocityCommand {
        VelocityCommand {
            linear: self.linear,
            angular: self.angular,
        }
    }

    /// Wheel odometry.
    pub fn odometry(&self) -> Odometry {
        self.odometry
    }

    /// Whether the robot touches an obstacle.
    pub fn in_contact(&self) -> bool {
        self.in_contact
    }

    /// How many times the robot ran into an obstacle (each new contact while driving).
    pub fn contact_events(&self) -> u64 {
        self.contact_events
    }

    /// The battery.
    pub fn battery(&self) -> BatteryReading {
        self.battery.reading()
    }

    /// Whether the robot is within the dock's capture radius.
    pub fn is_docked(&self) -> bool {
        self.dock
            .as_ref()
            .is_some_and(|dock| dock.pose.distance_to(self.pose.x, self.pose.y) <= dock.radius)
    }

    /// All movable objects.
    pub fn objects(&self) -> &[ObjectState] {
        &self.objects
    }

    /// The object the gripper holds.
    pub fn held(&self) -> Option<&ObjectState> {
        self.held.map(|i| &self.objects[i])
    }

    /// The place containing (`x`, `y`).
    pub fn place_at(&self, x: f64, y: f64) -> Option<String> {
        self.places.place_at(x, y)
    }

    /// Puts the robot at `pose` at rest (tests, scenarios).
    ///
    /// # Errors
    /// [`Error::RobotInCollision`] when it would overlap an obstacle.
    pub fn place_robot(&mut self, pose: Pose2D) -> Result<(), Error> {
        if let Some(obstacle) = self.geometry.overlapping(pose.x, pose.y) {
            return Err(Error::RobotInCollision {
                world: "run time".into(),
                pose: pose.to_string(),
                obstacle: obstacle.name.clone(),
            });
        }
        self.pose = pose;
        self.odometry = Odometry {
            pose,
            linear: 0.0,
            angular: 0.0,
        };
        (self.linear, self.angular) = (0.0, 0.0);
        self.command = VelocityCommand::default();
        self.in_contact = false;
        self.carry_held();
        Ok(())
    }

    /// Adds an obstacle at run time (a box dropped in the robot's way).
    pub fn add_obstacle(&mut self, obstacle: Obstacle) {
        self.geometry.add(obstacle);
    }

    /// Advances by one physics step.
    pub fn step(&mut self) {
        self.steps += 1;
        let dt = self.step_s;
        let command = self.effective_command();
        let drive = self.robot.drive;
        let target_linear = clamp(command.linear, drive.linear_velocity);
        let target_angular = clamp(command.angular, drive.angular_velocity);
        self.linear += clamp(
            target_linear - self.linear,
            scale(drive.linear_acceleration, dt),
        );
        self.angular += clamp(
            target_angular - self.angular,
            scale(drive.angular_acceleration, dt),
        );

        // Exact arc of a differential drive at constant (v, ω); the disc is swept along
        // the chord, a sagitta of v·ω·dt²/8 from the arc (micrometres at 100 Hz).
        let turn = self.angular * dt;
        let (dx, dy) = if turn.abs() > 1e-9 {
            let radius = self.linear / self.angular;
            (
                radius * ((self.pose.yaw + turn).sin() - self.pose.yaw.sin()),
                -radius * ((self.pose.yaw + turn).cos() - self.pose.yaw.cos()),
            )
        } else {
            let (sin, cos) = self.pose.yaw.sin_cos();
            (self.linear * dt * cos, self.linear * dt * sin)
        };
        let sweep = self.geometry.sweep(self.pose.x, self.pose.y, dx, dy);
        self.pose.x += dx * sweep.fraction;
        self.pose.y += dy * sweep.fraction;
        // The body is a disc: turning never collides.
        self.pose.yaw = normalize_angle(self.pose.yaw + turn);
        let travelled = dx.hypot(dy) * sweep.fraction * self.linear.signum();
        if sweep.blocked {
            if !self.in_contact && self.linear.abs() > 1e-6 {
                self.contact_events += 1;
                tracing::debug!(pose = %self.pose, "robot stopped at an obstacle");
            }
            self.linear = 0.0;
        }
        self.in_contact = sweep.blocked;
        self.integrate_odometry(travelled, turn, dt);
        let docked = self.is_docked();
        self.battery.step(dt, self.linear, self.angular, docked);
        self.carry_held();
    }

    fn effective_command(&self) -> VelocityCommand {
        let timed_out = self
            .command_timeout_steps
            .is_some_and(|limit| self.steps.saturating_sub(self.command_steps) > limit);
        if timed_out || self.battery.is_empty() {
            VelocityCommand::default()
        } else {
            self.command
        }
    }

    fn integrate_odometry(&mut self, travelled: f64, turn: f64, dt: f64) {
        let mut distance = travelled * (1.0 + self.odom_bias.0);
        let mut angle = turn * (1.0 + self.odom_bias.1);
        if self.odom_noise.0 > 0.0 {
            distance += self.odom_noise.0 * travelled.abs() * self.gaussian();
        }
        if self.odom_noise.1 > 0.0 {
            angle += self.odom_noise.1 * turn.abs() * self.gaussian();
        }
        let heading = self.odometry.pose.yaw + angle / 2.0;
        self.odometry.pose.x += distance * heading.cos();
        self.odometry.pose.y += distance * heading.sin();
        self.odometry.pose.yaw = normalize_angle(self.odometry.pose.yaw + angle);
        self.odometry.linear = distance / dt;
        self.odometry.angular = angle / dt;
    }

    fn gaussian(&mut self) -> f64 {
        self.rng.sample::<f64, _>(StandardNormal)
    }

    /// One lidar sweep from the robot's current pose: `samples` ranges from `min_angle` to
    /// `max_angle` (REP 117: `+inf` when nothing is within `range_max`), with the SDF's
    /// gaussian noise when enabled.
    pub fn scan(&mut self) -> Vec<f32> {
        let lidar = &self.robot.lidar;
        let origin = self.pose.compose(&lidar.mount);
        let increment = lidar.angle_increment();
        let noise = if self.lidar_noise {
            lidar.noise_stddev
        } else {
            0.0
        };
        let (range_min, range_max) = (lidar.range_min, lidar.range_max);
        let mut ranges = Vec::with_capacity(lidar.samples);
        for i in 0..lidar.samples {
            let angle = origin.yaw + lidar.min_angle + increment * i as f64;
            let range = self.geometry.scan_ray(origin.x, origin.y, angle, range_max);
            ranges.push(match range {
                None => f32::INFINITY,
                Some(range) => {
                    let noisy = if noise > 0.0 {
                        range + noise * self.rng.sample::<f64, _>(StandardNormal)
                    } else {
                        range
                    };
                    // Gazebo clamps noisy readings into the valid interval.
                    noisy.clamp(range_min, range_max) as f32
                }
            });
        }
        ranges
    }

    /// The objects the camera sees now: within its range and field of view, not hidden by
    /// walls or tall furniture; the held object is always seen.
    pub fn perceive(&self) -> Vec<Perceived> {
        let camera = &self.robot.camera;
        let eye = self.pose.compose(&camera.mount);
        let eye_3d = [eye.x, eye.y, camera.height];
        self.objects
            .iter()
            .enumerate()
            .filter(|(_, object)| {
                if object.carried {
                    return true;
                }
                let [x, y, _] = object.position;
                let distance = eye.distance_to(x, y);
                let bearing = normalize_angle((y - eye.y).atan2(x - eye.x) - eye.yaw);
                (camera.near..=camera.far).contains(&distance)
                    && bearing.abs() <= camera.horizontal_fov / 2.0
                    && self.geometry.line_of_sight(eye_3d, object.position)
            })
            .map(|(index, object)| Perceived {
                index,
                place: self.place_at(object.position[0], object.position[1]),
            })
            .collect()
    }

    /// Picks `object` up if it is within reach and the gripper is empty; returns where it was.
    ///
    /// # Errors
    /// [`GraspError`] saying why not.
    pub fn grasp(&mut self, object: &str) -> Result<[f64; 3], GraspError> {
        let index = self.find_object(object)?;
        if let Some(held) = self.held {
            if held != index {
                return Err(GraspError::HandsFull {
                    held: self.objects[held].spec.id.clone(),
                });
            }
            return Ok(self.objects[index].position);
        }
        let position = self.objects[index].position;
        let distance_m = self.pose.distance_to(position[0], position[1]);
        if distance_m > self.grasp_reach_m {
            return Err(GraspError::OutOfReach {
                object: object.to_owned(),
                distance_m,
                reach_m: self.grasp_reach_m,
            });
        }
        self.held = Some(index);
        self.objects[index].carried = true;
        self.carry_held();
        tracing::info!(object, "grasped");
        Ok(position)
    }

    /// Puts down what the gripper holds on the floor at the robot's position; `object`, if
    /// not empty, must name it. Returns where it was put.
    ///
    /// # Errors
    /// [`ReleaseError`] saying why not.
    pub fn release(&mut self, object: &str) -> Result<[f64; 3], ReleaseError> {
        let index = self.held.ok_or(ReleaseError::NothingHeld)?;
        let held = &mut self.objects[index];
        if !object.is_empty() && !matches_name(&held.spec, object) {
            return Err(ReleaseError::HoldingOther {
                expected: object.to_owned(),
                held: held.spec.id.clone(),
            });
        }
        held.carried = false;
        held.position = [self.pose.x, self.pose.y, held.spec.size[2] / 2.0];
        held.yaw = self.pose.yaw;
        self.held = None;
        tracing::info!(object = %held.spec.id, "released");
        Ok(held.position)
    }

    fn find_object(&self, name: &str) -> Result<usize, GraspError> {
        // An exact id first, then the first instance of that class.
        self.objects
            .iter()
            .position(|o| o.spec.id.eq_ignore_ascii_case(name))
            .or_else(|| {
                self.objects
                    .iter()
                    .position(|o| o.spec.label.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| GraspError::UnknownObject {
                object: name.to_owned(),
            })
    }

    /// Keeps the held object on top of the robot.
    fn carry_held(&mut self) {
        if let Some(index) = self.held {
            let top = self.robot.height;
            let held = &mut self.objects[index];
            held.position = [self.pose.x, self.pose.y, top + held.spec.size[2] / 2.0];
            held.yaw = self.pose.yaw;
        }
    }
}

fn matches_name(spec: &ObjectSpec, name: &str) -> bool {
    spec.id.eq_ignore_ascii_case(name) || spec.label.eq_ignore_ascii_case(name)
}

fn clamp(value: f64, (low, high): (f64, f64)) -> f64 {
    value.max(low).min(high)
}

fn scale((low, high): (f64, f64), factor: f64) -> (f64, f64) {
    (low * factor, high * factor)
}
