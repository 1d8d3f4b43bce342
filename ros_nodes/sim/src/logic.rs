//! The node's logic: steps the [`Simulator`] and says which messages are due at each step,
//! at the rates the SDF gives its sensors (odometry, lidar, camera) and the parameters give
//! the rest. Synchronous and deterministic; the shell does the I/O and the pacing.

use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::geometry_msgs::msg::{Point, Twist};
use embodied_msgs::msg::SceneObjects;
use embodied_msgs::nav_msgs::msg::Odometry;
use embodied_msgs::rosgraph_msgs::msg::Clock;
use embodied_msgs::sensor_msgs::msg::{BatteryState, LaserScan};
use embodied_msgs::srv::{GraspRequest, GraspResponse, ReleaseRequest, ReleaseResponse};
use embodied_msgs::tf2_msgs::msg::TFMessage;

use crate::Params;
use crate::messages::{self, MAP_FRAME, ODOM_FRAME};
use crate::record::Entry;
use crate::simulator::{Simulator, VelocityCommand};

/// Something the node is told.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A `/cmd_vel` message.
    Command(Twist),
}

/// A message to publish (or a run-file line to write).
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `/clock`.
    Clock(Clock),
    /// `/odom`.
    Odom(Odometry),
    /// `/tf`.
    Tf(TFMessage),
    /// `/sim/ground_truth`.
    GroundTruth(Odometry),
    /// `/scan`.
    Scan(LaserScan),
    /// `/battery_state`.
    Battery(BatteryState),
    /// `/perception/objects`.
    Objects(SceneObjects),
    /// A run-file entry.
    Record(Entry),
}

/// Every how many physics steps each output is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// `/odom`, `/tf` and `/sim/ground_truth`.
    pub odom: u64,
    /// `/scan`.
    pub scan: u64,
    /// `/perception/objects`.
    pub perception: u64,
    /// `/battery_state`.
    pub battery: u64,
    /// Run-file pose samples.
    pub record: u64,
}

fn every(physics_rate_hz: f64, rate_hz: f64) -> u64 {
    if rate_hz > 0.0 {
        ((physics_rate_hz / rate_hz).round() as u64).max(1)
    } else {
        u64::MAX
    }
}

/// The simulator node's logic.
#[derive(Debug)]
pub struct Logic {
    simulator: Simulator,
    schedule: Schedule,
    publish_map_to_odom: bool,
}

impl Logic {
    /// Logic around `simulator`, publishing at the rates of its sensors and of `params`.
    pub fn new(simulator: Simulator, params: &Params) -> Self {
        let rate = params.physics_rate_hz;
        let robot = simulator.robot();
        let schedule = Schedule {
            odom: every(rate, robot.odom_rate_hz),
            scan: every(rate, robot.lidar.update_rate_hz),
            perception: every(rate, robot.camera.update_rate_hz),
            battery: every(rate, params.battery_rate_hz),
            record: every(rate, params.record_rate_hz),
        };
        Self {
            simulator,
            schedule,
            publish_map_to_odom: params.publish_map_to_odom,
        }
    }

    /// The simulator.
    pub fn simulator(&self) -> &Simulator {
        &self.simulator
    }

    /// The simulator, to change it (tests, scenarios: place the robot, drop a box).
    pub fn simulator_mut(&mut self) -> &mut Simulator {
        &mut self.simulator
    }

    /// The publication schedule.
    pub fn schedule(&self) -> Schedule {
        self.schedule
    }

    /// Simulated now.
    pub fn now(&self) -> Time {
        messages::stamp(self.simulator.time_nanos())
    }

    /// `/tf_static`: map → odom (when enabled) and base_link → lidar.
    pub fn static_transforms(&self) -> TFMessage {
        messages::static_transforms(
            &self.now(),
            &self.simulator.robot().lidar,
            self.publish_map_to_odom,
        )
    }

    /// Handles an input; nothing is published in reply.
    pub fn handle(&mut self, input: Input) -> Vec<Output> {
        match input {
            Input::Command(twist) => self.simulator.set_command(VelocityCommand {
                linear: twist.linear.x,
                angular: twist.angular.z,
            }),
        }
        Vec::new()
    }

    /// Everything at time zero, before the first step: clock, odometry, ground truth, scan,
    /// battery and perception, so subscribers hear from the simulator at once.
    pub fn start(&mut self) -> Vec<Output> {
        self.outputs(true)
    }

    /// Advances one physics step and returns what is due.
    pub fn tick(&mut self) -> Vec<Output> {
        self.simulator.step();
        self.outputs(false)
    }

    fn outputs(&mut self, all: bool) -> Vec<Output> {
        let steps = self.simulator.steps();
        let due = |period: u64| all || steps.is_multiple_of(period);
        let now = self.now();
        let mut out = vec![Output::Clock(Clock { clock: now.clone() })];
        if due(self.schedule.odom) {
            let odometry = self.simulator.odometry();
            out.push(Output::Odom(messages::odometry(
                &now,
                ODOM_FRAME,
                &odometry.pose,
                odometry.linear,
                odometry.angular,
                1e-4,
            )));
            out.push(Output::Tf(messages::odom_transform(&now, &odometry.pose)));
            let velocity = self.simulator.velocity();
            out.push(Output::GroundTruth(messages::odometry(
                &now,
                MAP_FRAME,
                &self.simulator.pose(),
                velocity.linear,
                velocity.angular,
                0.0,
            )));
        }
        if due(self.schedule.scan) {
            let ranges = self.simulator.scan();
            out.push(Output::Scan(messages::laser_scan(
                &now,
                &self.simulator.robot().lidar,
                ranges,
            )));
        }
        if due(self.schedule.perception) {
            let seen = self.simulator.perceive();
            let pose = self.simulator.pose();
            out.push(Output::Objects(messages::scene_objects(
                &now,
                self.simulator.place_at(pose.x, pose.y),
                self.simulator.objects(),
                &seen,
            )));
        }
        if due(self.schedule.battery) {
            out.push(Output::Battery(messages::battery_state(
                &now,
                &self.simulator.battery(),
            )));
        }
        if due(self.schedule.record) {
            let pose = self.simulator.pose();
            let velocity = self.simulator.velocity();
            out.push(Output::Record(Entry::Pose {
                t: self.seconds(),
                x: pose.x,
                y: pose.y,
                yaw: pose.yaw,
                linear: velocity.linear,
                angular: velocity.angular,
                battery: self.simulator.battery().fraction,
                contact: self.simulator.in_contact(),
            }));
        }
        out
    }

    fn seconds(&self) -> f64 {
        self.simulator.time().as_secs_f64()
    }

    /// Serves a grasp request; also returns the run-file entry.
    pub fn grasp(&mut self, request: &GraspRequest) -> (GraspResponse, Entry) {
        let result = self.simulator.grasp(&request.object);
        let pose = self.simulator.pose();
        let (success, message, [x, y, z]) = match result {
            Ok(position) => (true, String::new(), position),
            Err(error) => (false, error.to_string(), [pose.x, pose.y, 0.0]),
        };
        let entry = Entry::Grasp {
            t: self.seconds(),
            object: request.object.clone(),
            x,
            y,
            success,
            message: message.clone(),
        };
        let response = GraspResponse {
            success,
            message,
            position: Point { x, y, z },
        };
        (response, entry)
    }

    /// Serves a release request; also returns the run-file entry.
    pub fn release(&mut self, request: &ReleaseRequest) -> (ReleaseResponse, Entry) {
        let result = self.simulator.release(&request.object);
        let pose = self.simulator.pose();
        let (success, message, [x, y, z]) = match result {
            Ok(position) => (true, String::new(), position),
            Err(error) => (false, error.to_string(), [pose.x, pose.y, 0.0]),
        };
        let entry = Entry::Release {
            t: self.seconds(),
            object: request.object.clone(),
            x,
            y,
            success,
            message: message.clone(),
        };
        let response = ReleaseResponse {
            success,
            message,
            position: Point { x, y, z },
        };
        (response, entry)
    }
}
