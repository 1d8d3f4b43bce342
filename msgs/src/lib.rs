//! The ROS 2 interface package `embodied_msgs` as Rust types, plus the standard ROS 2 messages
//! the assistant uses, all generated at build time from the `.msg`/`.srv`/`.action` files.
//!
//! - Own types: [`msg`], [`srv`], [`action`] (e.g. [`msg::AudioChunk`],
//!   [`srv::RememberRequest`], [`action::ExecuteTaskGoal`]).
//! - Standard types, byte-identical to ROS 2 Jazzy: [`std_msgs::msg::Header`],
//!   [`geometry_msgs::msg::Twist`], [`builtin_interfaces::msg::Time`], [`nav_msgs`],
//!   [`sensor_msgs`], [`tf2_msgs`], [`rosgraph_msgs`].
//! - [`RosMessage`]: ROS and DDS type names of every type; [`visit_all_types`] enumerates them.
//! - [`to_cdr`]/[`from_cdr`]: the bytes ROS 2 puts on the wire.
//! - [`topics`]: the one table of topic names, types and QoS.
//! - Time helpers on [`builtin_interfaces::msg::Time`] and [`builtin_interfaces::msg::Duration`]
//!   (`from_nanos`, `as_nanos`, `from_system_time`, `duration_since`, `From<std::time::Duration>`).
//!
//! ```
//! use embodied_msgs::{from_cdr, to_cdr, std_msgs::msg::String as RosString, RosMessage};
//! # fn main() -> Result<(), embodied_msgs::CdrError> {
//! let bytes = to_cdr(&RosString { data: "hi".into() })?;
//! assert_eq!(bytes, [0, 1, 0, 0, 3, 0, 0, 0, b'h', b'i', 0]);
//! assert_eq!(from_cdr::<RosString>(&bytes)?.data, "hi");
//! assert_eq!(RosString::dds_type_name(), "std_msgs::msg::dds_::String_");
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]
// Generated types keep their ROS names, e.g. `unique_identifier_msgs/msg/UUID`.
#![allow(clippy::upper_case_acronyms)]

mod cdr;
#[cfg(test)]
mod codegen_samples;
pub mod golden;
mod time;
pub mod topics;

pub use cdr::{CDR_BE_HEADER, CDR_LE_HEADER, CdrError, from_cdr, from_cdr_counted, to_cdr};
pub use time::NegativeDurationError;

/// A ROS 2 message type (a topic message, or one part of a service or action).
pub trait RosMessage:
    serde::Serialize
    + serde::de::DeserializeOwned
    + Clone
    + std::fmt::Debug
    + Default
    + PartialEq
    + Send
    + Sync
    + 'static
{
    /// Package, e.g. `"std_msgs"`.
    const PACKAGE: &'static str;
    /// `"msg"`, `"srv"` or `"action"`.
    const INTERFACE: &'static str;
    /// Name within the package, e.g. `"String"`, `"Remember_Request"`, `"ExecuteTask_Goal"`.
    const NAME: &'static str;

    /// The ROS 2 type name, e.g. `"std_msgs/msg/String"`.
    fn type_name() -> String {
        format!("{}/{}/{}", Self::PACKAGE, Self::INTERFACE, Self::NAME)
    }

    /// Constants declared in the interface file, in file order.
    const CONSTANTS: &'static [RosConstant] = &[];

    /// The DDS type name ROS 2 middlewares register, e.g. `"std_msgs::msg::dds_::String_"`.
    fn dds_type_name() -> String {
        format!(
            "{}::{}::dds_::{}_",
            Self::PACKAGE,
            Self::INTERFACE,
            Self::NAME
        )
    }

    /// The name of the first integer constant starting with `prefix` whose value is `value`;
    /// for logs, e.g. `TaskStatus::constant_name("ERROR_", status.error_code.into())` gives
    /// `Some("ERROR_NO_PATH")`.
    fn constant_name(prefix: &str, value: u64) -> Option<&'static str> {
        Self::CONSTANTS
            .iter()
            .find(|c| c.name.starts_with(prefix) && c.value.as_u64() == Some(value))
            .map(|c| c.name)
    }
}

/// A constant declared in an interface file (`uint8 NAVIGATE=1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RosConstant {
    /// Name as in the file.
    pub name: &'static str,
    /// Typed value.
    pub value: ConstantValue,
}

/// The value of a [`RosConstant`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstantValue {
    /// `bool`.
    Bool(bool),
    /// Signed integer types.
    Int(i64),
    /// Unsigned integer types, `byte` and `char`.
    UInt(u64),
    /// `float32` (widened exactly) and `float64`.
    Float(f64),
    /// `string`.
    String(&'static str),
}

impl ConstantValue {
    /// The value as `u64` for non-negative integers.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::UInt(v) => Some(v),
            Self::Int(v) => u64::try_from(v).ok(),
            Self::Bool(_) | Self::Float(_) | Self::String(_) => None,
        }
    }
}

/// A ROS 2 service: its request and response messages.
pub trait RosService: 'static {
    /// The request message.
    type Request: RosMessage;
    /// The response message.
    type Response: RosMessage;
    /// Package, e.g. `"embodied_msgs"`.
    const PACKAGE: &'static str;
    /// Service type name, e.g. `"Remember"`.
    const NAME: &'static str;

    /// The ROS 2 type name, e.g. `"embodied_msgs/srv/Remember"`.
    fn type_name() -> String {
        format!("{}/srv/{}", Self::PACKAGE, Self::NAME)
    }
}

/// A ROS 2 action: its goal, result and feedback messages.
pub trait RosAction: 'static {
    /// The goal message.
    type Goal: RosMessage;
    /// The result message.
    type Result: RosMessage;
    /// The feedback message.
    type Feedback: RosMessage;
    /// Package, e.g. `"embodied_msgs"`.
    const PACKAGE: &'static str;
    /// Action type name, e.g. `"ExecuteTask"`.
    const NAME: &'static str;

    /// The ROS 2 type name, e.g. `"embodied_msgs/action/ExecuteTask"`.
    fn type_name() -> String {
        format!("{}/action/{}", Self::PACKAGE, Self::NAME)
    }
}

/// Something that runs once per message type; see [`visit_all_types`].
pub trait MessageVisitor {
    /// Called with each type in turn.
    fn visit<M: RosMessage>(&mut self);
}

// Generated by build.rs from msg/, srv/, action/ and ros2_std/.
include!(concat!(env!("OUT_DIR"), "/interfaces.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    struct Names(Vec<String>);
    impl MessageVisitor for Names {
        fn visit<M: RosMessage>(&mut self) {
            self.0.push(M::type_name());
        }
    }

    #[test]
    fn names_follow_ros_conventions() {
        assert_eq!(std_msgs::msg::Header::type_name(), "std_msgs/msg/Header");
        assert_eq!(
            srv::RememberRequest::dds_type_name(),
            "embodied_msgs::srv::dds_::Remember_Request_"
        );
        assert_eq!(
            action::ExecuteTaskFeedback::type_name(),
            "embodied_msgs/action/ExecuteTask_Feedback"
        );
        assert_eq!(srv::Remember::type_name(), "embodied_msgs/srv/Remember");
        assert_eq!(
            action::ExecuteTask::type_name(),
            "embodied_msgs/action/ExecuteTask"
        );
    }

    #[test]
    fn visitor_sees_every_type_once() {
        let mut names = Names(Vec::new());
        visit_all_types(&mut names);
        assert_eq!(names.0, ALL_TYPE_NAMES);
        let mut unique = names.0.clone();
        unique.dedup();
        assert_eq!(unique.len(), names.0.len());
        assert!(names.0.contains(&"nav_msgs/msg/Odometry".to_string()));
        assert!(
            names
                .0
                .contains(&"embodied_msgs/msg/AudioChunk".to_string())
        );
    }

    #[test]
    fn constants_are_listed_and_named() {
        use msg::{TaskStatus, TaskStep};
        assert_eq!(TaskStep::CONSTANTS[0].name, "NAVIGATE");
        assert_eq!(
            TaskStep::CONSTANTS[0].value,
            ConstantValue::UInt(TaskStep::NAVIGATE.into())
        );
        assert_eq!(
            TaskStatus::constant_name("ERROR_", TaskStatus::ERROR_NO_PATH.into()),
            Some("ERROR_NO_PATH")
        );
        assert_eq!(
            TaskStatus::constant_name("STATE_", TaskStatus::STATE_FAILED.into()),
            Some("STATE_FAILED")
        );
        assert_eq!(TaskStatus::constant_name("ERROR_", 200), None);
        assert!(geometry_msgs::msg::Twist::CONSTANTS.is_empty());
    }

    #[test]
    fn big_arrays_have_a_default() {
        let pose = geometry_msgs::msg::PoseWithCovariance::default();
        assert_eq!(pose.covariance, [0.0; 36]);
    }
}
