//! Frames per REP-105: `map` (fixed, the world), `odom` (continuous, drifts) and `base_link`
//! (the robot). Odometry gives odom → base_link; localisation (on a real robot) gives
//! map → odom. Our simulator publishes the identity for map → odom, but the planner keeps the
//! transform explicit so that a localised robot only changes [`Frames::map_from_odom`].

use nalgebra::{Isometry2, Point2, Vector2};

/// The transforms the planner tracks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frames {
    /// map → odom (from localisation; identity in the simulator).
    pub map_from_odom: Isometry2<f64>,
    /// odom → base_link, from the latest odometry.
    pub odom_from_base: Option<Isometry2<f64>>,
}

impl Default for Frames {
    fn default() -> Self {
        Self {
            map_from_odom: Isometry2::identity(),
            odom_from_base: None,
        }
    }
}

impl Frames {
    /// The robot's pose in the map frame, once odometry has arrived.
    pub fn map_from_base(&self) -> Option<Isometry2<f64>> {
        self.odom_from_base.map(|pose| self.map_from_odom * pose)
    }
}

/// `angle` wrapped into (-π, π].
pub fn wrap_angle(angle: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    let wrapped = angle.rem_euclid(TAU);
    if wrapped > PI { wrapped - TAU } else { wrapped }
}

/// Heading of a pose, rad.
pub fn yaw(pose: &Isometry2<f64>) -> f64 {
    pose.rotation.angle()
}

/// Position of a pose.
pub fn position(pose: &Isometry2<f64>) -> Point2<f64> {
    Point2::from(pose.translation.vector)
}

/// A pose at `p` facing `yaw`.
pub fn pose_at(p: Point2<f64>, yaw: f64) -> Isometry2<f64> {
    Isometry2::new(p.coords, yaw)
}

/// Unit vector of a pose's heading.
pub fn heading(pose: &Isometry2<f64>) -> Vector2<f64> {
    pose.rotation * Vector2::x()
}

/// Planar pose from a `geometry_msgs/Pose` (x, y and the yaw of its quaternion).
pub fn isometry_from_pose_msg(pose: &embodied_msgs::geometry_msgs::msg::Pose) -> Isometry2<f64> {
    let q = &pose.orientation;
    let yaw = (2.0 * (q.w * q.z + q.x * q.y)).atan2(1.0 - 2.0 * (q.y * q.y + q.z * q.z));
    Isometry2::new(Vector2::new(pose.position.x, pose.position.y), yaw)
}

/// `geometry_msgs/Pose` of a planar pose (z = 0, rotation about z).
pub fn pose_msg_from_isometry(pose: &Isometry2<f64>) -> embodied_msgs::geometry_msgs::msg::Pose {
    let half = yaw(pose) / 2.0;
    let mut msg = embodied_msgs::geometry_msgs::msg::Pose::default();
    msg.position.x = pose.translation.x;
    msg.position.y = pose.translation.y;
    msg.orientation.z = half.sin();
    msg.orientation.w = half.cos();
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::FRAC_PI_2;

    #[test]
    fn map_pose_composes_localisation_and_odometry() {
        let frames = Frames {
            map_from_odom: Isometry2::new(Vector2::new(1.0, 0.0), FRAC_PI_2),
            odom_from_base: Some(Isometry2::new(Vector2::new(1.0, 0.0), 0.0)),
        };
        let pose = frames.map_from_base().unwrap();
        assert!((pose.translation.x - 1.0).abs() < 1e-12);
        assert!((pose.translation.y - 1.0).abs() < 1e-12);
        assert!((yaw(&pose) - FRAC_PI_2).abs() < 1e-12);
    }

    #[test]
    fn pose_messages_round_trip() {
        let pose = Isometry2::new(Vector2::new(2.0, -1.0), -2.5);
        let back = isometry_from_pose_msg(&pose_msg_from_isometry(&pose));
        assert!((back.translation.vector - pose.translation.vector).norm() < 1e-12);
        assert!(wrap_angle(yaw(&back) - yaw(&pose)).abs() < 1e-12);
    }
}
