//! The simulator's state as ROS messages, with the frames REP 105 names: `map` (= `odom` in
//! this simulator, the transform kept explicit), `odom`, `base_link` and the lidar's frame.

use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::geometry_msgs::msg::{
    Point, Pose, PoseWithCovariance, Quaternion, Transform, TransformStamped, Twist,
    TwistWithCovariance, Vector3,
};
use embodied_msgs::msg::{SceneObject, SceneObjects};
use embodied_msgs::nav_msgs::msg::Odometry;
use embodied_msgs::sensor_msgs::msg::{BatteryState, LaserScan};
use embodied_msgs::std_msgs::msg::Header;
use embodied_msgs::tf2_msgs::msg::TFMessage;

use crate::battery::{BatteryReading, ChargeState};
use crate::simulator::{ObjectState, Perceived};
use crate::world::{LidarSpec, Pose2D};

/// Fixed frame of the world.
pub const MAP_FRAME: &str = "map";
/// Odometry frame (equal to `map` at start).
pub const ODOM_FRAME: &str = "odom";
/// The robot's base.
pub const BASE_FRAME: &str = "base_link";

/// A ROS stamp `nanos` after time zero.
pub fn stamp(nanos: u128) -> Time {
    let sec = nanos / 1_000_000_000;
    Time {
        sec: i32::try_from(sec).unwrap_or(i32::MAX),
        nanosec: u32::try_from(nanos % 1_000_000_000).unwrap_or(0),
    }
}

fn header(stamp: &Time, frame: &str) -> Header {
    Header {
        stamp: stamp.clone(),
        frame_id: frame.to_owned(),
    }
}

/// The quaternion of a rotation by `yaw` about Z.
pub fn yaw_quaternion(yaw: f64) -> Quaternion {
    let (sin, cos) = (yaw / 2.0).sin_cos();
    Quaternion {
        x: 0.0,
        y: 0.0,
        z: sin,
        w: cos,
    }
}

fn planar_pose(pose: &Pose2D, z: f64) -> Pose {
    Pose {
        position: Point {
            x: pose.x,
            y: pose.y,
            z,
        },
        orientation: yaw_quaternion(pose.yaw),
    }
}

fn planar_twist(linear: f64, angular: f64) -> Twist {
    Twist {
        linear: Vector3 {
            x: linear,
            y: 0.0,
            z: 0.0,
        },
        angular: Vector3 {
            x: 0.0,
            y: 0.0,
            z: angular,
        },
    }
}

/// Diagonal covariance of a planar pose or twist: `planar` for x, y and yaw, a huge value for
/// the three fixed dimensions (as the DiffDrive plugin reports them).
fn planar_covariance(planar: f64) -> [f64; 36] {
    let mut covariance = [0.0; 36];
    for (i, value) in [planar, planar, 1e6, 1e6, 1e6, planar]
        .into_iter()
        .enumerate()
    {
        covariance[i * 7] = value;
    }
    covariance
}

/// `nav_msgs/Odometry` of `pose` in `frame` with twist (`linear`, `angular`) in `base_link`.
pub fn odometry(
    stamp: &Time,
    frame: &str,
    pose: &Pose2D,
    linear: f64,
    angular: f64,
    variance: f64,
) -> Odometry {
    Odometry {
        header: header(stamp, frame),
        child_frame_id: BASE_FRAME.to_owned(),
        pose: PoseWithCovariance {
            pose: planar_pose(pose, 0.0),
            covariance: planar_covariance(variance),
        },
        twist: TwistWithCovariance {
            twist: planar_twist(linear, angular),
            covariance: planar_covariance(variance),
        },
    }
}

fn transform(stamp: &Time, parent: &str, child: &str, pose: &Pose2D, z: f64) -> TransformStamped {
    TransformStamped {
        header: header(stamp, parent),
        child_frame_id: child.to_owned(),
        transform: Transform {
            translation: Vector3 {
                x: pose.x,
                y: pose.y,
                z,
            },
            rotation: yaw_quaternion(pose.yaw),
        },
    }
}

/// `/tf`: odom → base_link.
pub fn odom_transform(stamp: &Time, pose: &Pose2D) -> TFMessage {
    TFMessage {
        transforms: vec![transform(stamp, ODOM_FRAME, BASE_FRAME, pose, 0.0)],
    }
}

/// `/tf_static`: base_link → lidar frame, and map → odom (identity) when `with_map`.
pub fn static_transforms(stamp: &Time, lidar: &LidarSpec, with_map: bool) -> TFMessage {
    let mut transforms = Vec::new();
    if with_map {
        transforms.push(transform(
            stamp,
            MAP_FRAME,
            ODOM_FRAME,
            &Pose2D::default(),
            0.0,
        ));
    }
    if lidar.frame_id != BASE_FRAME {
        transforms.push(transform(
            stamp,
            BASE_FRAME,
            &lidar.frame_id,
            &lidar.mount,
            lidar.height,
        ));
    }
    TFMessage { transforms }
}

/// `sensor_msgs/LaserScan` of `ranges` from `lidar`.
pub fn laser_scan(stamp: &Time, lidar: &LidarSpec, ranges: Vec<f32>) -> LaserScan {
    LaserScan {
        header: header(stamp, &lidar.frame_id),
        angle_min: lidar.min_angle as f32,
        angle_max: lidar.max_angle as f32,
        angle_increment: lidar.angle_increment() as f32,
        // The simulated sweep is instantaneous.
        time_increment: 0.0,
        scan_time: (1.0 / lidar.update_rate_hz) as f32,
        range_min: lidar.range_min as f32,
        range_max: lidar.range_max as f32,
        ranges,
        intensities: Vec::new(),
    }
}

/// `sensor_msgs/BatteryState` of `reading`.
pub fn battery_state(stamp: &Time, reading: &BatteryReading) -> BatteryState {
    let status = match reading.state {
        ChargeState::Charging => BatteryState::POWER_SUPPLY_STATUS_CHARGING,
        ChargeState::Discharging => BatteryState::POWER_SUPPLY_STATUS_DISCHARGING,
        ChargeState::Full => BatteryState::POWER_SUPPLY_STATUS_FULL,
    };
    BatteryState {
        header: header(stamp, BASE_FRAME),
        voltage: reading.voltage_v as f32,
        temperature: f32::NAN,
        current: reading.current_a as f32,
        charge: reading.charge_ah as f32,
        capacity: reading.capacity_ah as f32,
        design_capacity: reading.capacity_ah as f32,
        percentage: reading.fraction as f32,
        power_supply_status: status,
        power_supply_health: BatteryState::POWER_SUPPLY_HEALTH_GOOD,
        power_supply_technology: BatteryState::POWER_SUPPLY_TECHNOLOGY_LION,
        present: true,
        cell_voltage: Vec::new(),
        cell_temperature: Vec::new(),
        location: "base".to_owned(),
        serial_number: String::new(),
    }
}

/// `/perception/objects`: what the camera sees, in the map frame.
pub fn scene_objects(
    stamp: &Time,
    robot_place: Option<String>,
    objects: &[ObjectState],
    seen: &[Perceived],
) -> SceneObjects {
    SceneObjects {
        header: header(stamp, MAP_FRAME),
        source: "sim_ground_truth".to_owned(),
        robot_place: robot_place.unwrap_or_default(),
        objects: seen
            .iter()
            .filter_map(|perceived| {
                let object = objects.get(perceived.index)?;
                let [x, y, z] = object.position;
                Some(SceneObject {
                    id: object.spec.id.clone(),
                    label: object.spec.label.clone(),
                    place: perceived.place.clone().unwrap_or_default(),
                    pose: planar_pose(&Pose2D::new(x, y, object.yaw), z),
                    size: Vector3 {
                        x: object.spec.size[0],
                        y: object.spec.size[1],
                        z: object.spec.size[2],
                    },
                    confidence: 1.0,
                    carried: object.carried,
                    last_seen: stamp.clone(),
                    attributes: object.spec.attributes.clone(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_and_quaternions() {
        let time = stamp(2_500_000_000);
        assert_eq!((time.sec, time.nanosec), (2, 500_000_000));
        let q = yaw_quaternion(std::f64::consts::PI);
        assert!(q.z > 0.999_999 && q.w.abs() < 1e-9);
    }
}
