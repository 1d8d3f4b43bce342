//! Every topic of the assistant: absolute name, message type and QoS, in one place.
//!
//! Nodes get endpoints from these constants only (remapping with `--ros-args -r` happens in the
//! runtime), so a name or QoS is never typed twice. The table mirrors `architecture.md`:
//!
//! | constant | topic | type | QoS |
//! |---|---|---|---|
//! | [`AUDIO_CHUNK`] | `/audio/chunk` | `embodied_msgs/msg/AudioChunk` | best effort, keep last 50 |
//! | [`SPEECH_ACTIVITY`] | `/speech/activity` | `embodied_msgs/msg/SpeechActivity` | reliable, 10 |
//! | [`TRANSCRIPT`] | `/speech/transcript` | `embodied_msgs/msg/Transcript` | reliable, 10 |
//! | [`ASSISTANT_REPLY`] | `/assistant/reply` | `embodied_msgs/msg/AssistantReply` | reliable, 10 |
//! | [`ASSISTANT_TASK`] | `/assistant/task` | `embodied_msgs/msg/Task` | reliable, 10 |
//! | [`PLANNER_STATUS`] | `/planner/status` | `embodied_msgs/msg/TaskStatus` | reliable, 10 |
//! | [`SPEAKING`] | `/speech/speaking` | `embodied_msgs/msg/SpeakingState` | reliable, 10 |
//! | [`PERCEPTION_OBJECTS`] | `/perception/objects` | `embodied_msgs/msg/SceneObjects` | reliable, 10 |
//! | [`CMD_VEL`] | `/cmd_vel` | `geometry_msgs/msg/Twist` | reliable, 10 |
//! | [`ODOM`] | `/odom` | `nav_msgs/msg/Odometry` | best effort, 5 (sensor data) |
//! | [`SCAN`] | `/scan` | `sensor_msgs/msg/LaserScan` | best effort, 5 (sensor data) |
//! | [`TF`] | `/tf` | `tf2_msgs/msg/TFMessage` | reliable, 100 (tf2 broadcaster) |
//! | [`TF_STATIC`] | `/tf_static` | `tf2_msgs/msg/TFMessage` | reliable, transient local, 1 |
//! | [`CLOCK`] | `/clock` | `rosgraph_msgs/msg/Clock` | best effort, 1 (rclcpp `ClockQoS`) |
//! | [`BATTERY_STATE`] | `/battery_state` | `sensor_msgs/msg/BatteryState` | reliable, 10 |
//!
//! Services and actions (ROS 2 default QoS): [`EXECUTE_TASK`] (`/planner/execute_task`,
//! `embodied_msgs/action/ExecuteTask`), [`MEMORY_REMEMBER`] (`/memory/remember`,
//! `embodied_msgs/srv/Remember`), [`MEMORY_RECALL`] (`/memory/recall`,
//! `embodied_msgs/srv/Recall`), [`GRIPPER_GRASP`] (`/gripper/grasp`, `embodied_msgs/srv/Grasp`)
//! and [`GRIPPER_RELEASE`] (`/gripper/release`, `embodied_msgs/srv/Release`).

use std::fmt;
use std::marker::PhantomData;

use crate::{
    RosMessage, action, geometry_msgs, msg, nav_msgs, rosgraph_msgs, sensor_msgs, srv, tf2_msgs,
};

/// Whether samples are retransmitted until acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reliability {
    /// Retransmit until every matched reader has the sample (within history depth).
    Reliable,
    /// Send once; late or lost samples are gone (sensor streams).
    BestEffort,
}

/// Whether late-joining readers get samples published before they matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Durability {
    /// Only samples published after matching.
    Volatile,
    /// The writer keeps the last `depth` samples for late joiners ("latched").
    TransientLocal,
}

/// The QoS of a topic: the part of a ROS 2 QoS profile the assistant sets. History is always
/// keep-last `depth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Qos {
    /// Reliability policy.
    pub reliability: Reliability,
    /// Durability policy.
    pub durability: Durability,
    /// Keep-last history depth.
    pub depth: u32,
}

impl Qos {
    /// Reliable, volatile, keep last `depth`.
    pub const fn reliable(depth: u32) -> Self {
        Self {
            reliability: Reliability::Reliable,
            durability: Durability::Volatile,
            depth,
        }
    }

    /// Best effort, volatile, keep last `depth`.
    pub const fn best_effort(depth: u32) -> Self {
        Self {
            reliability: Reliability::BestEffort,
            durability: Durability::Volatile,
            depth,
        }
    }

    /// rclcpp's default: reliable, volatile, keep last 10.
    pub const DEFAULT: Self = Self::reliable(10);

    /// rclcpp's `SensorDataQoS`: best effort, volatile, keep last 5.
    pub const SENSOR_DATA: Self = Self::best_effort(5);

    /// Latched topics such as `/tf_static`: reliable, transient local, keep last 1.
    pub const LATCHED: Self = Self {
        reliability: Reliability::Reliable,
        durability: Durability::TransientLocal,
        depth: 1,
    };
}

/// A topic: its absolute name, QoS and (as a type parameter) its message type.
pub struct TopicSpec<M> {
    /// Absolute topic name, e.g. `/audio/chunk`.
    pub name: &'static str,
    /// QoS used by publishers and subscribers of this topic.
    pub qos: Qos,
    // fn() -> M: the spec neither owns an M nor needs M: Send/Sync/Copy to be so.
    message: PhantomData<fn() -> M>,
}

impl<M> TopicSpec<M> {
    /// A topic named `name` (absolute) with `qos`.
    pub const fn new(name: &'static str, qos: Qos) -> Self {
        Self {
            name,
            qos,
            message: PhantomData,
        }
    }
}

impl<M: RosMessage> TopicSpec<M> {
    /// ROS 2 type name of the topic's messages, e.g. `embodied_msgs/msg/AudioChunk`.
    pub fn type_name(&self) -> String {
        M::type_name()
    }
}

impl<M> Clone for TopicSpec<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for TopicSpec<M> {}

impl<M: RosMessage> fmt::Debug for TopicSpec<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TopicSpec")
            .field("name", &self.name)
            .field("type", &M::type_name())
            .field("qos", &self.qos)
            .finish()
    }
}

/// Audio from the microphone or a WAV source, 16 kHz mono after conversion.
/// Best effort: a late chunk is useless and the sequence number shows drops.
pub const AUDIO_CHUNK: TopicSpec<msg::AudioChunk> =
    TopicSpec::new("/audio/chunk", Qos::best_effort(50));
/// Voice activity events (speech start/end), for barge-in and turn taking.
pub const SPEECH_ACTIVITY: TopicSpec<msg::SpeechActivity> =
    TopicSpec::new("/speech/activity", Qos::DEFAULT);
/// Recognised utterances.
pub const TRANSCRIPT: TopicSpec<msg::Transcript> =
    TopicSpec::new("/speech/transcript", Qos::reliable(10));
/// What the assistant says.
pub const ASSISTANT_REPLY: TopicSpec<msg::AssistantReply> =
    TopicSpec::new("/assistant/reply", Qos::DEFAULT);
/// Tasks for the planner.
pub const ASSISTANT_TASK: TopicSpec<msg::Task> = TopicSpec::new("/assistant/task", Qos::DEFAULT);
/// Planner progress and outcome per task.
pub const PLANNER_STATUS: TopicSpec<msg::TaskStatus> =
    TopicSpec::new("/planner/status", Qos::DEFAULT);
/// Whether the robot is speaking (mutes recognition of its own voice).
pub const SPEAKING: TopicSpec<msg::SpeakingState> =
    TopicSpec::new("/speech/speaking", Qos::DEFAULT);
/// Objects the robot perceives (simulator ground truth or a detector).
pub const PERCEPTION_OBJECTS: TopicSpec<msg::SceneObjects> =
    TopicSpec::new("/perception/objects", Qos::DEFAULT);
/// Velocity commands to the base.
pub const CMD_VEL: TopicSpec<geometry_msgs::msg::Twist> = TopicSpec::new("/cmd_vel", Qos::DEFAULT);
/// Wheel odometry.
pub const ODOM: TopicSpec<nav_msgs::msg::Odometry> = TopicSpec::new("/odom", Qos::SENSOR_DATA);
/// 2-D lidar.
pub const SCAN: TopicSpec<sensor_msgs::msg::LaserScan> = TopicSpec::new("/scan", Qos::SENSOR_DATA);
/// Dynamic transforms; depth 100 as tf2's broadcaster and listener use.
pub const TF: TopicSpec<tf2_msgs::msg::TFMessage> = TopicSpec::new("/tf", Qos::reliable(100));
/// Static transforms, latched for late joiners.
pub const TF_STATIC: TopicSpec<tf2_msgs::msg::TFMessage> =
    TopicSpec::new("/tf_static", Qos::LATCHED);
/// Simulation time; best effort, depth 1, as rclcpp's `ClockQoS`.
pub const CLOCK: TopicSpec<rosgraph_msgs::msg::Clock> =
    TopicSpec::new("/clock", Qos::best_effort(1));
/// Battery level and charging state.
pub const BATTERY_STATE: TopicSpec<sensor_msgs::msg::BatteryState> =
    TopicSpec::new("/battery_state", Qos::DEFAULT);

/// A service: its absolute name and (as a type parameter) its type.
pub struct ServiceSpec<S> {
    /// Absolute service name.
    pub name: &'static str,
    service: PhantomData<fn() -> S>,
}

impl<S> ServiceSpec<S> {
    /// A service named `name` (absolute).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            service: PhantomData,
        }
    }
}

/// An action: its absolute name and (as a type parameter) its type.
pub struct ActionSpec<A> {
    /// Absolute action name.
    pub name: &'static str,
    action: PhantomData<fn() -> A>,
}

impl<A> ActionSpec<A> {
    /// An action named `name` (absolute).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            action: PhantomData,
        }
    }
}

/// The planner's action server: runs a task with feedback, cancellable.
pub const EXECUTE_TASK: ActionSpec<action::ExecuteTask> = ActionSpec::new("/planner/execute_task");
/// Stores or corrects a fact in the robot's memory.
pub const MEMORY_REMEMBER: ServiceSpec<srv::Remember> = ServiceSpec::new("/memory/remember");
/// Queries the robot's memory.
pub const MEMORY_RECALL: ServiceSpec<srv::Recall> = ServiceSpec::new("/memory/recall");
/// Picks an object up with the gripper (served by the simulator, or a real gripper's driver).
pub const GRIPPER_GRASP: ServiceSpec<srv::Grasp> = ServiceSpec::new("/gripper/grasp");
/// Puts down what the gripper holds.
pub const GRIPPER_RELEASE: ServiceSpec<srv::Release> = ServiceSpec::new("/gripper/release");

/// Something that runs once per topic; see [`visit_all_topics`].
pub trait TopicVisitor {
    /// Called with each topic in turn.
    fn visit<M: RosMessage>(&mut self, topic: &TopicSpec<M>);
}

/// Calls `visitor.visit(&topic)` for every topic constant of this module, in table order.
pub fn visit_all_topics(visitor: &mut impl TopicVisitor) {
    visitor.visit(&AUDIO_CHUNK);
    visitor.visit(&SPEECH_ACTIVITY);
    visitor.visit(&TRANSCRIPT);
    visitor.visit(&ASSISTANT_REPLY);
    visitor.visit(&ASSISTANT_TASK);
    visitor.visit(&PLANNER_STATUS);
    visitor.visit(&SPEAKING);
    visitor.visit(&PERCEPTION_OBJECTS);
    visitor.visit(&CMD_VEL);
    visitor.visit(&ODOM);
    visitor.visit(&SCAN);
    visitor.visit(&TF);
    visitor.visit(&TF_STATIC);
    visitor.visit(&CLOCK);
    visitor.visit(&BATTERY_STATE);
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<(String, String, Qos)>);
    impl TopicVisitor for Collect {
        fn visit<M: RosMessage>(&mut self, topic: &TopicSpec<M>) {
            self.0
                .push((topic.name.to_string(), topic.type_name(), topic.qos));
        }
    }

    #[test]
    fn table_matches_the_architecture() {
        let mut all = Collect(Vec::new());
        visit_all_topics(&mut all);
        let expected = [
            (
                "/audio/chunk",
                "embodied_msgs/msg/AudioChunk",
                Qos::best_effort(50),
            ),
            (
                "/speech/activity",
                "embodied_msgs/msg/SpeechActivity",
                Qos::reliable(10),
            ),
            (
                "/speech/transcript",
                "embodied_msgs/msg/Transcript",
                Qos::reliable(10),
            ),
            (
                "/assistant/reply",
                "embodied_msgs/msg/AssistantReply",
                Qos::reliable(10),
            ),
            (
                "/assistant/task",
                "embodied_msgs/msg/Task",
                Qos::reliable(10),
            ),
            (
                "/planner/status",
                "embodied_msgs/msg/TaskStatus",
                Qos::reliable(10),
            ),
            (
                "/speech/speaking",
                "embodied_msgs/msg/SpeakingState",
                Qos::reliable(10),
            ),
            (
                "/perception/objects",
                "embodied_msgs/msg/SceneObjects",
                Qos::reliable(10),
            ),
            ("/cmd_vel", "geometry_msgs/msg/Twist", Qos::reliable(10)),
            ("/odom", "nav_msgs/msg/Odometry", Qos::best_effort(5)),
            ("/scan", "sensor_msgs/msg/LaserScan", Qos::best_effort(5)),
            ("/tf", "tf2_msgs/msg/TFMessage", Qos::reliable(100)),
            (
                "/tf_static",
                "tf2_msgs/msg/TFMessage",
                Qos {
                    reliability: Reliability::Reliable,
                    durability: Durability::TransientLocal,
                    depth: 1,
                },
            ),
            ("/clock", "rosgraph_msgs/msg/Clock", Qos::best_effort(1)),
            (
                "/battery_state",
                "sensor_msgs/msg/BatteryState",
                Qos::reliable(10),
            ),
        ];
        assert_eq!(all.0.len(), expected.len());
        for ((name, ty, qos), (e_name, e_ty, e_qos)) in all.0.iter().zip(expected) {
            assert_eq!((name.as_str(), ty.as_str(), *qos), (e_name, e_ty, e_qos));
        }
    }

    #[test]
    fn names_are_absolute_and_unique() {
        let mut all = Collect(Vec::new());
        visit_all_topics(&mut all);
        let mut names: Vec<_> = all.0.iter().map(|(n, _, _)| n.clone()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.starts_with('/') && !n.ends_with('/'))
        );
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.0.len());
    }

    #[test]
    fn specs_are_copy_and_debug() {
        let spec = CMD_VEL;
        let copy = spec;
        assert_eq!(copy.name, spec.name);
        assert!(format!("{spec:?}").contains("geometry_msgs/msg/Twist"));
    }
}
