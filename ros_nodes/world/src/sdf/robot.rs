//! The robot model file: drive, sensors and footprint, as the simulator must reproduce them.
//! Parameter names and defaults follow gz-sim 8 (Harmonic); see shared/design/ros2.md §5.2.

use std::path::{Path, PathBuf};

use nalgebra::{Isometry3, Point2};
use roxmltree::Node;

use super::xml::{XmlFile, child, children};
use super::{Collision, parse_xml, pose_of, read_collision, read_file, sdf_root};
use crate::{Shape, WorldError};

/// Lower and upper bound of a signed quantity (velocity or acceleration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedLimits {
    /// Most negative value allowed (e.g. fastest reverse speed, hardest braking).
    pub min: f64,
    /// Most positive value allowed.
    pub max: f64,
}

impl SpeedLimits {
    /// No limit either way.
    pub const UNLIMITED: Self = Self {
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
    };

    /// `value` clamped into the limits.
    pub fn clamp(&self, value: f64) -> f64 {
        value.clamp(self.min, self.max)
    }
}

/// Parameters of the `gz::sim::systems::DiffDrive` plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffDrive {
    /// `<left_joint>` names.
    pub left_joints: Vec<String>,
    /// `<right_joint>` names.
    pub right_joints: Vec<String>,
    /// `<wheel_separation>` in metres (default 1.0).
    pub wheel_separation_m: f64,
    /// `<wheel_radius>` in metres (default 0.2).
    pub wheel_radius_m: f64,
    /// `<odom_publish_frequency>` in Hz (default 50).
    pub odom_publish_frequency_hz: f64,
    /// `<topic>`: velocity commands in (default `/model/<model>/cmd_vel`).
    pub cmd_vel_topic: String,
    /// `<odom_topic>` (default `/model/<model>/odometry`).
    pub odom_topic: String,
    /// `<tf_topic>` (default `/model/<model>/tf`).
    pub tf_topic: String,
    /// `<frame_id>` of odometry (default `<model>/odom`).
    pub frame_id: String,
    /// `<child_frame_id>` of odometry (default `<model>/<first link>`).
    pub child_frame_id: String,
    /// `<min|max_linear_velocity>` in m/s; an absent minimum mirrors the maximum.
    pub linear_velocity_mps: SpeedLimits,
    /// `<min|max_angular_velocity>` in rad/s.
    pub angular_velocity_radps: SpeedLimits,
    /// `<min|max_linear_acceleration>` in m/s² (min is the braking limit, negative).
    pub linear_acceleration_mps2: SpeedLimits,
    /// `<min|max_angular_acceleration>` in rad/s².
    pub angular_acceleration_radps2: SpeedLimits,
    /// Line of the `<plugin>` element.
    pub line: u32,
}

/// Gaussian noise added to each range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianNoise {
    /// Mean in metres.
    pub mean: f64,
    /// Standard deviation in metres.
    pub stddev: f64,
}

/// A planar lidar (`gpu_lidar`, `lidar`, `gpu_ray` or `ray` sensor).
#[derive(Debug, Clone, PartialEq)]
pub struct Lidar {
    /// Sensor name.
    pub name: String,
    /// `<topic>` if given.
    pub topic: Option<String>,
    /// Frame id of the scans (`<gz_frame_id>`, else the link name).
    pub frame_id: String,
    /// `<update_rate>` in Hz; `None` when absent or 0 (every simulation step).
    pub update_rate_hz: Option<f64>,
    /// Horizontal samples per scan.
    pub samples: u32,
    /// First ray's angle in radians (counter-clockwise from the sensor's x axis).
    pub min_angle_rad: f64,
    /// Last ray's angle in radians.
    pub max_angle_rad: f64,
    /// Shortest range reported, metres.
    pub range_min_m: f64,
    /// Longest range reported, metres.
    pub range_max_m: f64,
    /// Range resolution in metres, if given.
    pub range_resolution_m: Option<f64>,
    /// Gaussian range noise, if any.
    pub noise: Option<GaussianNoise>,
    /// Sensor pose in the robot's model frame (base_link).
    pub pose: Isometry3<f64>,
    /// Line of the `<sensor>` element.
    pub line: u32,
}

impl Lidar {
    /// Angle between consecutive rays (as in `sensor_msgs/LaserScan.angle_increment`).
    pub fn angle_increment_rad(&self) -> f64 {
        if self.samples > 1 {
            (self.max_angle_rad - self.min_angle_rad) / f64::from(self.samples - 1)
        } else {
            0.0
        }
    }
}

/// A `logical_camera` sensor: reports the models inside its frustum (our object perception).
#[derive(Debug, Clone, PartialEq)]
pub struct LogicalCamera {
    /// Sensor name.
    pub name: String,
    /// `<topic>` if given.
    pub topic: Option<String>,
    /// `<update_rate>` in Hz, if given and positive.
    pub update_rate_hz: Option<f64>,
    /// Near clip distance, metres.
    pub near_m: f64,
    /// Far clip distance (perception range), metres.
    pub far_m: f64,
    /// Horizontal field of view, radians.
    pub horizontal_fov_rad: f64,
    /// Width / height of the frustum.
    pub aspect_ratio: f64,
    /// Sensor pose in the robot's model frame.
    pub pose: Isometry3<f64>,
    /// Line of the `<sensor>` element.
    pub line: u32,
}

/// Parameters of the `gz::sim::systems::OdometryPublisher` plugin (absent ones are `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct OdometryPublisher {
    /// `<odom_frame>`.
    pub odom_frame: Option<String>,
    /// `<robot_base_frame>`.
    pub robot_base_frame: Option<String>,
    /// `<odom_topic>`.
    pub odom_topic: Option<String>,
    /// `<tf_topic>`.
    pub tf_topic: Option<String>,
    /// `<odom_publish_frequency>` in Hz.
    pub publish_frequency_hz: Option<f64>,
    /// Line of the `<plugin>` element.
    pub line: u32,
}

/// Parameters of the `gz::sim::systems::JointStatePublisher` plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct JointStatePublisher {
    /// `<topic>` (absent: `/world/<world>/model/<model>/joint_state`).
    pub topic: Option<String>,
    /// `<joint_name>`s (absent: every joint).
    pub joints: Vec<String>,
    /// Line of the `<plugin>` element.
    pub line: u32,
}

/// What the simulator needs from the robot's model file.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotSdf {
    /// The file read.
    pub file: PathBuf,
    /// `<model name>`.
    pub name: String,
    /// Link names, in file order (the first is the canonical link, base_link).
    pub links: Vec<String>,
    /// Joint names.
    pub joints: Vec<String>,
    /// Collisions in the model frame (the model's own `<pose>` is where it is spawned, so it
    /// is not applied).
    pub collisions: Vec<Collision>,
    /// The drive.
    pub diff_drive: DiffDrive,
    /// The lidar (exactly one is required).
    pub lidar: Lidar,
    /// The logical camera, if any.
    pub logical_camera: Option<LogicalCamera>,
    /// The odometry publisher plugin, if any.
    pub odometry_publisher: Option<OdometryPublisher>,
    /// The joint-state publisher plugin, if any.
    pub joint_state_publisher: Option<JointStatePublisher>,
}

impl RobotSdf {
    /// Reads and parses a robot model file (`<sdf><model>`).
    pub fn load(path: &Path) -> Result<Self, WorldError> {
        let text = read_file(path)?;
        Self::parse(&text, path)
    }

    /// Parses robot model SDF text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WorldError> {
        let doc = parse_xml(text, path)?;
        let xml = XmlFile { path, doc: &doc };
        let root = sdf_root(&xml)?;
        let model = child(root, "model").ok_or_else(|| xml.missing(root, "<model>"))?;
        let name = xml.attribute(model, "name")?.to_string();
        if let Some(include) = child(model, "include") {
            return Err(xml.unsupported(include, "<include> (inline the model instead)"));
        }

        let mut links = Vec::new();
        let mut collisions = Vec::new();
        let mut lidars = Vec::new();
        let mut cameras = Vec::new();
        for link in children(model, "link") {
            let link_name = xml.attribute(link, "name")?;
            let link_pose = pose_of(&xml, link)?;
            links.push(link_name.to_string());
            for collision in children(link, "collision") {
                collisions.push(read_collision(
                    &xml, collision, &name, link_name, &link_pose,
                )?);
            }
            for sensor in children(link, "sensor") {
                let sensor_pose = link_pose * pose_of(&xml, sensor)?;
                match xml.attribute(sensor, "type")? {
                    "gpu_lidar" | "lidar" | "gpu_ray" | "ray" => {
                        lidars.push(read_lidar(&xml, sensor, link_name, sensor_pose)?);
                    }
                    "logical_camera" => cameras.push(read_camera(&xml, sensor, sensor_pose)?),
                    _ => {}
                }
            }
        }
        let joints = children(model, "joint")
            .map(|joint| xml.attribute(joint, "name").map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;

        let mut diff_drive = None;
        let mut odometry_publisher = None;
        let mut joint_state_publisher = None;
        for plugin in children(model, "plugin") {
            let plugin_name = xml.attribute(plugin, "name")?;
            if plugin_name.ends_with("systems::DiffDrive") {
                diff_drive = Some(read_diff_drive(&xml, plugin, &name, &links, &joints)?);
            } else if plugin_name.ends_with("systems::OdometryPublisher") {
                odometry_publisher = Some(read_odometry_publisher(&xml, plugin)?);
            } else if plugin_name.ends_with("systems::JointStatePublisher") {
                joint_state_publisher = Some(JointStatePublisher {
                    topic: optional_text(&xml, plugin, "topic"),
                    joints: children(plugin, "joint_name")
                        .map(|joint| xml.text(joint).to_string())
                        .collect(),
                    line: xml.line(plugin),
                });
            }
        }
        let diff_drive = diff_drive
            .ok_or_else(|| xml.missing(model, "a <plugin name=\"gz::sim::systems::DiffDrive\">"))?;
        if lidars.len() > 1 {
            return Err(xml.unsupported(model, "more than one lidar sensor"));
        }
        let lidar = lidars
            .pop()
            .ok_or_else(|| xml.missing(model, "a lidar <sensor> (type gpu_lidar)"))?;
        if cameras.len() > 1 {
            return Err(xml.unsupported(model, "more than one logical_camera sensor"));
        }
        Ok(Self {
            file: path.to_path_buf(),
            name,
            links,
            joints,
            collisions,
            diff_drive,
            lidar,
            logical_camera: cameras.pop(),
            odometry_publisher,
            joint_state_publisher,
        })
    }

    /// Radius of the smallest circle about base_link's origin that holds every collision
    /// footprint: what the planner inflates obstacles by and what must stay clear of walls.
    pub fn radius_m(&self) -> f64 {
        self.collisions
            .iter()
            .filter_map(|collision| collision.footprint)
            .map(|footprint| {
                let centre = Point2::from(footprint.pose.translation.vector);
                match footprint.shape {
                    Shape::Circle { radius } => centre.coords.norm() + radius,
                    Shape::Rectangle { half_extents } => {
                        [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)]
                            .iter()
                            .map(|(sx, sy)| {
                                footprint
                                    .pose
                                    .transform_point(&Point2::new(
                                        sx * half_extents.x,
                                        sy * half_extents.y,
                                    ))
                                    .coords
                                    .norm()
                            })
                            .fold(0.0, f64::max)
                    }
                }
            })
            .fold(0.0, f64::max)
    }

    /// Height of the robot's highest collision or sensor above the floor (spawned at z = 0):
    /// obstacles entirely above it are driven under.
    pub fn height_m(&self) -> f64 {
        let collisions = self
            .collisions
            .iter()
            .filter_map(|collision| collision.footprint.map(|f| f.z_max));
        let sensors = std::iter::once(self.lidar.pose.translation.z).chain(
            self.logical_camera
                .iter()
                .map(|camera| camera.pose.translation.z),
        );
        collisions.chain(sensors).fold(0.0, f64::max)
    }
}

fn optional_text(xml: &XmlFile<'_>, parent: Node<'_, '_>, name: &str) -> Option<String> {
    child(parent, name).map(|node| xml.text(node).to_string())
}

fn optional_number(
    xml: &XmlFile<'_>,
    parent: Node<'_, '_>,
    name: &str,
    accept: impl Fn(f64) -> bool,
    expected: &str,
) -> Result<Option<f64>, WorldError> {
    child(parent, name)
        .map(|node| xml.number(node, accept, expected))
        .transpose()
}

/// `<min_NAME>`/`<max_NAME>`: an absent minimum mirrors the maximum; both absent, unlimited.
fn limits(xml: &XmlFile<'_>, plugin: Node<'_, '_>, name: &str) -> Result<SpeedLimits, WorldError> {
    let max = optional_number(
        xml,
        plugin,
        &format!("max_{name}"),
        |v| v >= 0.0,
        "a value ≥ 0",
    )?;
    let min = optional_number(
        xml,
        plugin,
        &format!("min_{name}"),
        |v| v <= 0.0,
        "a value ≤ 0",
    )?;
    Ok(SpeedLimits {
        min: min.or(max.map(|m| -m)).unwrap_or(f64::NEG_INFINITY),
        max: max.unwrap_or(f64::INFINITY),
    })
}

fn read_diff_drive(
    xml: &XmlFile<'_>,
    plugin: Node<'_, '_>,
    model: &str,
    links: &[String],
    joints: &[String],
) -> Result<DiffDrive, WorldError> {
    let joint_list = |tag: &str| -> Result<Vec<String>, WorldError> {
        let names: Vec<String> = children(plugin, tag)
            .map(|n| xml.text(n).to_string())
            .collect();
        if names.is_empty() {
            return Err(xml.missing(plugin, format!("<{tag}>")));
        }
        for (node, joint) in children(plugin, tag).zip(&names) {
            if !joints.contains(joint) {
                return Err(xml.invalid(node, joint, "no <joint> of the model has this name"));
            }
        }
        Ok(names)
    };
    let positive = |v: f64| v > 0.0;
    let text_or = |tag: &str, default: String| optional_text(xml, plugin, tag).unwrap_or(default);
    let first_link = links.first().map(String::as_str).unwrap_or("base_link");
    Ok(DiffDrive {
        left_joints: joint_list("left_joint")?,
        right_joints: joint_list("right_joint")?,
        wheel_separation_m: optional_number(
            xml,
            plugin,
            "wheel_separation",
            positive,
            "a positive length",
        )?
        .unwrap_or(1.0),
        wheel_radius_m: optional_number(
            xml,
            plugin,
            "wheel_radius",
            positive,
            "a positive radius",
        )?
        .unwrap_or(0.2),
        odom_publish_frequency_hz: optional_number(
            xml,
            plugin,
            "odom_publish_frequency",
            positive,
            "a positive frequency",
        )?
        .unwrap_or(50.0),
        cmd_vel_topic: text_or("topic", format!("/model/{model}/cmd_vel")),
        odom_topic: text_or("odom_topic", format!("/model/{model}/odometry")),
        tf_topic: text_or("tf_topic", format!("/model/{model}/tf")),
        frame_id: text_or("frame_id", format!("{model}/odom")),
        child_frame_id: text_or("child_frame_id", format!("{model}/{first_link}")),
        linear_velocity_mps: limits(xml, plugin, "linear_velocity")?,
        angular_velocity_radps: limits(xml, plugin, "angular_velocity")?,
        linear_acceleration_mps2: limits(xml, plugin, "linear_acceleration")?,
        angular_acceleration_radps2: limits(xml, plugin, "angular_acceleration")?,
        line: xml.line(plugin),
    })
}

fn read_odometry_publisher(
    xml: &XmlFile<'_>,
    plugin: Node<'_, '_>,
) -> Result<OdometryPublisher, WorldError> {
    Ok(OdometryPublisher {
        odom_frame: optional_text(xml, plugin, "odom_frame"),
        robot_base_frame: optional_text(xml, plugin, "robot_base_frame"),
        odom_topic: optional_text(xml, plugin, "odom_topic"),
        tf_topic: optional_text(xml, plugin, "tf_topic"),
        publish_frequency_hz: optional_number(
            xml,
            plugin,
            "odom_publish_frequency",
            |v| v > 0.0,
            "a positive frequency",
        )?,
        line: xml.line(plugin),
    })
}

fn update_rate(xml: &XmlFile<'_>, sensor: Node<'_, '_>) -> Result<Option<f64>, WorldError> {
    Ok(
        optional_number(xml, sensor, "update_rate", |v| v >= 0.0, "a rate ≥ 0")?
            .filter(|r| *r > 0.0),
    )
}

fn read_lidar(
    xml: &XmlFile<'_>,
    sensor: Node<'_, '_>,
    link: &str,
    pose: Isometry3<f64>,
) -> Result<Lidar, WorldError> {
    let body = child(sensor, "lidar")
        .or_else(|| child(sensor, "ray"))
        .ok_or_else(|| xml.missing(sensor, "<lidar>"))?;
    let required = |parent, name| xml.required(parent, name);
    let horizontal = required(required(body, "scan")?, "horizontal")?;
    let samples_node = required(horizontal, "samples")?;
    let samples: u32 = xml.parse(samples_node, "a positive integer")?;
    if samples == 0 {
        return Err(xml.invalid(samples_node, "0", "at least one sample"));
    }
    let any = |_: f64| true;
    let min_angle_rad =
        optional_number(xml, horizontal, "min_angle", any, "an angle")?.unwrap_or(0.0);
    let max_angle_rad =
        optional_number(xml, horizontal, "max_angle", any, "an angle")?.unwrap_or(0.0);
    if max_angle_rad < min_angle_rad {
        return Err(xml.invalid(
            horizontal,
            &format!("{min_angle_rad} > {max_angle_rad}"),
            "min_angle must not exceed max_angle",
        ));
    }
    let range = required(body, "range")?;
    let range_min_m = xml.number(required(range, "min")?, |v| v >= 0.0, "a distance ≥ 0")?;
    let range_max_node = required(range, "max")?;
    let range_max_m = xml.number(
        range_max_node,
        |v| v > range_min_m,
        "a distance above <min>",
    )?;
    let noise = match child(body, "noise") {
        None => None,
        Some(noise) => match child(noise, "type").map(|t| xml.text(t)) {
            Some("gaussian") => Some(GaussianNoise {
                mean: optional_number(xml, noise, "mean", any, "a number")?.unwrap_or(0.0),
                stddev: optional_number(xml, noise, "stddev", |v| v >= 0.0, "a value ≥ 0")?
                    .unwrap_or(0.0),
            }),
            Some("none") => None,
            Some(other) => return Err(xml.unsupported(noise, format!("noise type {other:?}"))),
            None => return Err(xml.missing(noise, "<type>")),
        },
    };
    Ok(Lidar {
        name: xml.attribute(sensor, "name")?.to_string(),
        topic: optional_text(xml, sensor, "topic"),
        frame_id: optional_text(xml, sensor, "gz_frame_id").unwrap_or_else(|| link.to_string()),
        update_rate_hz: update_rate(xml, sensor)?,
        samples,
        min_angle_rad,
        max_angle_rad,
        range_min_m,
        range_max_m,
        range_resolution_m: optional_number(
            xml,
            range,
            "resolution",
            |v| v > 0.0,
            "a positive distance",
        )?,
        noise,
        pose,
        line: xml.line(sensor),
    })
}

fn read_camera(
    xml: &XmlFile<'_>,
    sensor: Node<'_, '_>,
    pose: Isometry3<f64>,
) -> Result<LogicalCamera, WorldError> {
    let body =
        child(sensor, "logical_camera").ok_or_else(|| xml.missing(sensor, "<logical_camera>"))?;
    let field = |name: &str, accept: fn(f64) -> bool, expected: &str| {
        let node = child(body, name).ok_or_else(|| xml.missing(body, format!("<{name}>")))?;
        xml.number(node, accept, expected)
    };
    let near_m = field("near", |v| v >= 0.0, "a distance ≥ 0")?;
    let far_m = field("far", |v| v > 0.0, "a positive distance")?;
    if far_m <= near_m {
        return Err(xml.invalid(
            body,
            &format!("near {near_m}, far {far_m}"),
            "far must exceed near",
        ));
    }
    Ok(LogicalCamera {
        name: xml.attribute(sensor, "name")?.to_string(),
        topic: optional_text(xml, sensor, "topic"),
        update_rate_hz: update_rate(xml, sensor)?,
        near_m,
        far_m,
        horizontal_fov_rad: field(
            "horizontal_fov",
            |v| v > 0.0 && v < std::f64::consts::TAU,
            "an angle in (0, 2π)",
        )?,
        aspect_ratio: field("aspect_ratio", |v| v > 0.0, "a positive ratio")?,
        pose,
        line: xml.line(sensor),
    })
}
