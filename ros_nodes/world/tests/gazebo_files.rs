//! The Gazebo Harmonic files, validated as far as possible without Gazebo: the world's system
//! plugins, the bridge YAML against the robot SDF's plugin and sensor topics, and the launch file
//! against our launcher.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use embodied_launch::{LaunchRequest, PackageResolver, TempParamsFiles};
use embodied_world::{World, WorldFiles};
use serde::Deserialize;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

#[test]
fn world_has_the_harmonic_systems_and_sdf_1_9() {
    let files = WorldFiles::home_in(&repo_root());
    let world = World::load(&files).unwrap();
    let plugins: BTreeMap<&str, &str> = world
        .sdf()
        .plugins
        .iter()
        .map(|p| (p.name.as_str(), p.filename.as_str()))
        .collect();
    for (name, filename) in [
        ("gz::sim::systems::Physics", "gz-sim-physics-system"),
        ("gz::sim::systems::Sensors", "gz-sim-sensors-system"),
        (
            "gz::sim::systems::SceneBroadcaster",
            "gz-sim-scene-broadcaster-system",
        ),
        (
            "gz::sim::systems::UserCommands",
            "gz-sim-user-commands-system",
        ),
        (
            "gz::sim::systems::LogicalCamera",
            "gz-sim-logical-camera-system",
        ),
    ] {
        assert_eq!(plugins.get(name), Some(&filename), "{name}");
    }
    let text = std::fs::read_to_string(&files.world_sdf).unwrap();
    assert!(
        text.contains("<sdf version=\"1.9\">")
            && text.contains("<render_engine>ogre2</render_engine>")
    );
    let robot = std::fs::read_to_string(&files.robot_sdf).unwrap();
    assert!(robot.contains("type=\"gpu_lidar\"") && robot.contains("<sdf version=\"1.9\">"));
}

/// One entry of ros_gz_bridge's YAML (README "Example 5").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BridgeEntry {
    ros_topic_name: String,
    gz_topic_name: String,
    ros_type_name: String,
    gz_type_name: String,
    direction: String,
}

#[test]
fn bridge_topics_match_the_sdf_plugins() {
    let root = repo_root();
    let world = World::load(&WorldFiles::home_in(&root)).unwrap();
    let robot = world.robot();
    let text = std::fs::read_to_string(root.join("config/gz_bridge.yaml")).unwrap();
    let entries: Vec<BridgeEntry> = serde_saphyr::from_str(&text).unwrap();
    let joint_states = robot
        .joint_state_publisher
        .as_ref()
        .unwrap()
        .topic
        .clone()
        .unwrap();
    let ground_truth = robot
        .odometry_publisher
        .as_ref()
        .unwrap()
        .odom_topic
        .clone()
        .unwrap();
    let camera = robot
        .logical_camera
        .as_ref()
        .unwrap()
        .topic
        .clone()
        .unwrap();
    // ROS topic → (gz topic the SDF uses, ROS type, gz type, direction).
    let expected: BTreeMap<&str, (String, &str, &str, &str)> = BTreeMap::from([
        (
            "/cmd_vel",
            (
                robot.diff_drive.cmd_vel_topic.clone(),
                "geometry_msgs/msg/Twist",
                "gz.msgs.Twist",
                "ROS_TO_GZ",
            ),
        ),
        (
            "/odom",
            (
                robot.diff_drive.odom_topic.clone(),
                "nav_msgs/msg/Odometry",
                "gz.msgs.Odometry",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/tf",
            (
                robot.diff_drive.tf_topic.clone(),
                "tf2_msgs/msg/TFMessage",
                "gz.msgs.Pose_V",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/scan",
            (
                robot.lidar.topic.clone().unwrap(),
                "sensor_msgs/msg/LaserScan",
                "gz.msgs.LaserScan",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/clock",
            (
                "/clock".to_string(),
                "rosgraph_msgs/msg/Clock",
                "gz.msgs.Clock",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/joint_states",
            (
                joint_states,
                "sensor_msgs/msg/JointState",
                "gz.msgs.Model",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/sim/ground_truth",
            (
                ground_truth,
                "nav_msgs/msg/Odometry",
                "gz.msgs.Odometry",
                "GZ_TO_ROS",
            ),
        ),
        (
            "/sim/logical_camera",
            (
                camera,
                "ros_gz_interfaces/msg/LogicalCameraImage",
                "gz.msgs.LogicalCameraImage",
                "GZ_TO_ROS",
            ),
        ),
    ]);
    let bridged: BTreeSet<&str> = entries.iter().map(|e| e.ros_topic_name.as_str()).collect();
    assert_eq!(
        bridged,
        expected.keys().copied().collect(),
        "bridged ROS topics"
    );
    assert_eq!(entries.len(), expected.len(), "no topic bridged twice");
    for entry in &entries {
        let (gz_topic, ros_type, gz_type, direction) = &expected[entry.ros_topic_name.as_str()];
        assert_eq!(&entry.gz_topic_name, gz_topic, "{}", entry.ros_topic_name);
        assert_eq!(entry.ros_type_name, *ros_type, "{}", entry.ros_topic_name);
        assert_eq!(entry.gz_type_name, *gz_type, "{}", entry.ros_topic_name);
        assert_eq!(entry.direction, *direction, "{}", entry.ros_topic_name);
    }
    // Frames the ROS side expects (REP 105).
    assert_eq!(robot.diff_drive.frame_id, "odom");
    assert_eq!(robot.diff_drive.child_frame_id, "base_link");
    assert_eq!(robot.links.first().map(String::as_str), Some("base_link"));
}

/// Resolves our package to the checkout and every executable to where an install would put it:
/// the plan is inspected, never run.
struct Checkout(PathBuf);

impl PackageResolver for Checkout {
    fn prefix(&self, package: &str) -> Result<PathBuf, String> {
        self.share(package)
    }
    fn share(&self, package: &str) -> Result<PathBuf, String> {
        if package == "embodied_assistant" {
            Ok(self.0.clone())
        } else {
            Err(format!("package '{package}' is not ours"))
        }
    }
    fn executable(&self, package: &str, executable: &str) -> Result<PathBuf, String> {
        Ok(self
            .share(package)?
            .join("lib")
            .join(package)
            .join(executable))
    }
}

fn plan(arguments: &[(&str, &str)]) -> Vec<Vec<String>> {
    let root = repo_root();
    let request = LaunchRequest {
        file: root.join("launch/gazebo.launch.xml"),
        arguments: arguments
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        environment: BTreeMap::new(),
        working_dir: root.clone(),
    };
    let plan =
        embodied_launch::plan(&request, &Checkout(root), &mut TempParamsFiles::default()).unwrap();
    plan.processes.into_iter().map(|p| p.cmd).collect()
}

fn find<'a>(commands: &'a [Vec<String>], program: &[&str]) -> &'a Vec<String> {
    commands
        .iter()
        .find(|cmd| cmd.len() >= program.len() && cmd.iter().zip(program).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no {program:?} in {commands:#?}"))
}

fn value_after<'a>(cmd: &'a [String], flag: &str) -> &'a str {
    let at = cmd
        .iter()
        .position(|word| word == flag)
        .unwrap_or_else(|| panic!("{flag} in {cmd:?}"));
    &cmd[at + 1]
}

#[test]
fn gazebo_launch_parses_and_wires_the_files() {
    let commands = plan(&[]);
    let server = find(&commands, &["gz", "sim"]);
    assert!(
        server.contains(&"-s".to_string()) && server.contains(&"-r".to_string()),
        "{server:?}"
    );
    let world_file = Path::new(server.last().unwrap());
    assert!(world_file.is_file() && world_file.ends_with("models/gazebo/worlds/home.sdf"));

    let spawn = find(&commands, &["ros2", "run", "ros_gz_sim", "create"]);
    assert!(Path::new(value_after(spawn, "-file")).is_file());
    assert_eq!(
        value_after(spawn, "-world"),
        World::load(&WorldFiles::home_in(&repo_root()))
            .unwrap()
            .sdf()
            .name
    );
    assert_eq!(value_after(spawn, "-name"), "robot");
    // The spawn pose is the map's robot start.
    let world = World::load(&WorldFiles::home_in(&repo_root())).unwrap();
    let start = world.map().robot_start();
    let x: f64 = value_after(spawn, "-x").parse().unwrap();
    let y: f64 = value_after(spawn, "-y").parse().unwrap();
    let yaw: f64 = value_after(spawn, "-Y").parse().unwrap();
    assert!((x - start.translation.x).abs() < 1e-9 && (y - start.translation.y).abs() < 1e-9);
    assert!(
        (yaw - start.rotation.angle()).abs() < 1e-6,
        "{yaw} vs {}",
        start.rotation.angle()
    );

    let bridge = find(
        &commands,
        &["ros2", "run", "ros_gz_bridge", "parameter_bridge"],
    );
    let config = bridge
        .iter()
        .find_map(|w| w.strip_prefix("config_file:="))
        .unwrap();
    assert!(Path::new(config).is_file(), "{config}");
    assert!(bridge.contains(&"use_sim_time:=true".to_string()));

    // Our nodes come from the included assistant launch file, on simulation time.
    let rtf = find(&commands, &["gz", "service"]);
    assert!(
        rtf.last().unwrap().ends_with("real_time_factor:1.0"),
        "{rtf:?}"
    );
    assert!(
        commands.iter().any(|cmd| cmd[0].ends_with("/monitor")),
        "{commands:#?}"
    );

    let gui = plan(&[("headless", "false"), ("rtf", "5.0")]);
    let server = find(&gui, &["gz", "sim"]);
    assert!(!server.contains(&"-s".to_string()), "{server:?}");
    assert!(
        find(&gui, &["gz", "service"])
            .last()
            .unwrap()
            .ends_with("real_time_factor:5.0")
    );
}
