//! The simulator's [`WorldModel`] from the files Gazebo loads, through `embodied_world`: static
//! collisions of the SDF world become obstacles (walls when the semantic map lists their model
//! as structure, furniture otherwise), the robot model gives body, drive limits, lidar and
//! camera, the semantic map gives the start pose, the dock, the objects and the rooms.

use std::path::{Path, PathBuf};

use embodied_world::sdf::{Collision, RobotSdf, SpeedLimits};
use embodied_world::{PlaceKind, SemanticMap, Shape, World};
use nalgebra::{Isometry2, Isometry3};

pub use embodied_world::WorldFiles;

use crate::Error;
use crate::world::{
    CameraSpec, DockSpec, DriveLimits, Footprint, LidarSpec, ObjectSpec, Obstacle, ObstacleKind,
    PlaceLookup, Pose2D, RobotSpec, RoomOutline, WorldModel,
};

/// The robot counts as docked (charging) within this distance of the map's dock pose, m.
pub const DOCK_CAPTURE_RADIUS_M: f64 = 0.3;
/// Gazebo's default sensor rate when an SDF sensor has no `<update_rate>`, Hz.
const DEFAULT_SENSOR_RATE_HZ: f64 = 10.0;
/// Collisions no higher than this (floors, rugs) are driven over, m.
const FLOOR_CLEARANCE_M: f64 = 0.01;
/// Size given to an object model without collisions, m.
const DEFAULT_OBJECT_SIZE_M: f64 = 0.1;

/// Finds the home world: in the installed share (`AMENT_PREFIX_PATH`), then in the current
/// directory and its ancestors, then in the workspace this crate was built from.
///
/// # Errors
/// [`Error::WorldNotFound`] naming the places searched.
pub fn find_home_world() -> Result<WorldFiles, Error> {
    let current = std::env::current_dir().ok();
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let starts: Vec<PathBuf> = current.into_iter().chain([built_in]).collect();
    starts
        .iter()
        .find_map(|start| WorldFiles::find_home(start))
        .ok_or_else(|| Error::WorldNotFound {
            searched: std::iter::once(PathBuf::from("$AMENT_PREFIX_PATH/share/embodied_assistant"))
                .chain(starts.iter().map(|s| s.join("(and ancestors)")))
                .collect(),
        })
}

/// The world files for a world SDF at `models/gazebo/worlds/NAME.sdf`: the robot at
/// `models/gazebo/models/robot/model.sdf` and the map `config/world/NAME.yaml` of the same
/// tree; `semantic_map` replaces the map when given.
pub fn world_files_for(world_sdf: PathBuf, semantic_map: Option<PathBuf>) -> WorldFiles {
    let gazebo = world_sdf
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root = gazebo
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let stem = world_sdf
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "home".into());
    WorldFiles {
        robot_sdf: gazebo.join("models/robot/model.sdf"),
        semantic_map: semantic_map
            .unwrap_or_else(|| root.join("config/world").join(format!("{stem}.yaml"))),
        world_sdf,
    }
}

/// Loads and cross-checks the world files and converts them for the simulator.
///
/// # Errors
/// [`Error::World`] from `embodied_world` (naming file, element and line), or
/// [`Error::InvalidWorld`] when the robot lacks what the simulator needs.
pub fn load_world(files: &WorldFiles) -> Result<WorldModel, Error> {
    let world = World::load(files)?;
    let map = world.map();
    let structure: Vec<&str> = map.structure_models().map(|(name, _)| name).collect();
    let obstacles = world
        .sdf()
        .static_collisions()
        .filter_map(|collision| obstacle(collision, &structure))
        .collect();
    let robot = robot_spec(world.robot(), pose_2d(&map.robot_start()))?;
    let objects = map
        .objects()
        .iter()
        .map(|object| {
            let model = world.object_model(object.id);
            ObjectSpec {
                id: object.id.name().to_owned(),
                label: object.id.name().to_owned(),
                position: [
                    model.pose.translation.x,
                    model.pose.translation.y,
                    model.pose.translation.z,
                ],
                yaw: pose_2d(&object.start.pose).yaw,
                size: extents(&model.collisions),
                attributes: Vec::new(),
            }
        })
        .collect();
    let rooms = map
        .rooms()
        .filter_map(|place| match &place.kind {
            PlaceKind::Room { polygon } => Some(RoomOutline {
                name: place.id.name().to_owned(),
                polygon: polygon.iter().map(|p| [p.x, p.y]).collect(),
            }),
            PlaceKind::Spot { .. } => None,
        })
        .collect();
    Ok(WorldModel {
        source: files.world_sdf.display().to_string(),
        semantic_map: files.semantic_map.display().to_string(),
        obstacles,
        robot,
        objects,
        dock: Some(DockSpec {
            name: "charging dock".into(),
            pose: pose_2d(&map.dock_pose()),
            radius: DOCK_CAPTURE_RADIUS_M,
        }),
        places: Box::new(MapPlaces(map.clone())),
        rooms,
    })
}

/// Rooms of the semantic map.
struct MapPlaces(SemanticMap);

impl PlaceLookup for MapPlaces {
    fn place_at(&self, x: f64, y: f64) -> Option<String> {
        self.0.room_at(x, y).map(|id| id.name().to_owned())
    }
}

fn obstacle(collision: &Collision, structure: &[&str]) -> Option<Obstacle> {
    let footprint = collision.footprint?;
    if footprint.z_max <= FLOOR_CLEARANCE_M {
        return None;
    }
    let top_model = collision.model.split("::").next().unwrap_or_default();
    let kind = if structure.contains(&top_model) {
        ObstacleKind::Wall
    } else {
        ObstacleKind::Furniture
    };
    Some(Obstacle {
        name: format!("{}/{}/{}", collision.model, collision.link, collision.name),
        kind,
        pose: pose_2d(&footprint.pose),
        footprint: match footprint.shape {
            Shape::Rectangle { half_extents } => Footprint::Rectangle {
                size_x: 2.0 * half_extents.x,
                size_y: 2.0 * half_extents.y,
            },
            Shape::Circle { radius } => Footprint::Disc { radius },
        },
        z_min: footprint.z_min,
        z_max: footprint.z_max,
    })
}

fn pose_2d(pose: &Isometry2<f64>) -> Pose2D {
    Pose2D::new(
        pose.translation.x,
        pose.translation.y,
        pose.rotation.angle(),
    )
}

/// The planar part of a 3-D pose: x, y and the heading of its x axis.
fn mount_of(pose: &Isometry3<f64>) -> Pose2D {
    let axis = pose.rotation * nalgebra::Vector3::x();
    Pose2D::new(pose.translation.x, pose.translation.y, axis.y.atan2(axis.x))
}

/// Bounding-box extents of an object model's collisions.
fn extents(collisions: &[Collision]) -> [f64; 3] {
    let footprints: Vec<_> = collisions.iter().filter_map(|c| c.footprint).collect();
    if footprints.is_empty() {
        return [DEFAULT_OBJECT_SIZE_M; 3];
    }
    let (mut lo, mut hi) = ([f64::MAX; 3], [f64::MIN; 3]);
    for footprint in footprints {
        let (min, max) = footprint.aabb();
        lo = [
            lo[0].min(min.x),
            lo[1].min(min.y),
            lo[2].min(footprint.z_min),
        ];
        hi = [
            hi[0].max(max.x),
            hi[1].max(max.y),
            hi[2].max(footprint.z_max),
        ];
    }
    [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]]
}

fn limits(limits: &SpeedLimits) -> (f64, f64) {
    (limits.min, limits.max)
}

fn robot_spec(robot: &RobotSdf, spawn: Pose2D) -> Result<RobotSpec, Error> {
    let file = robot.file.display().to_string();
    let drive = &robot.diff_drive;
    let lidar = &robot.lidar;
    let camera = robot
        .logical_camera
        .as_ref()
        .ok_or_else(|| Error::InvalidWorld {
            file: file.clone(),
            element: format!("<model name={:?}>", robot.name),
            reason: "no <sensor type=\"logical_camera\">: the simulator's perception needs one"
                .into(),
        })?;
    let samples = usize::try_from(lidar.samples).unwrap_or(usize::MAX);
    if samples == 0 {
        return Err(Error::InvalidWorld {
            file,
            element: format!("<sensor name={:?}> line {}", lidar.name, lidar.line),
            reason: "a lidar needs at least one sample".into(),
        });
    }
    Ok(RobotSpec {
        name: robot.name.clone(),
        radius: robot.radius_m(),
        height: robot.height_m(),
        spawn,
        drive: DriveLimits {
            linear_velocity: limits(&drive.linear_velocity_mps),
            angular_velocity: limits(&drive.angular_velocity_radps),
            linear_acceleration: limits(&drive.linear_acceleration_mps2),
            angular_acceleration: limits(&drive.angular_acceleration_radps2),
        },
        odom_rate_hz: drive.odom_publish_frequency_hz,
        lidar: LidarSpec {
            frame_id: lidar.frame_id.clone(),
            mount: mount_of(&lidar.pose),
            height: lidar.pose.translation.z,
            update_rate_hz: lidar.update_rate_hz.unwrap_or(DEFAULT_SENSOR_RATE_HZ),
            samples,
            min_angle: lidar.min_angle_rad,
            max_angle: lidar.max_angle_rad,
            range_min: lidar.range_min_m,
            range_max: lidar.range_max_m,
            noise_stddev: lidar.noise.map_or(0.0, |noise| noise.stddev),
        },
        camera: CameraSpec {
            mount: mount_of(&camera.pose),
            height: camera.pose.translation.z,
            horizontal_fov: camera.horizontal_fov_rad,
            near: camera.near_m,
            far: camera.far_m,
            update_rate_hz: camera.update_rate_hz.unwrap_or(DEFAULT_SENSOR_RATE_HZ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_files_follow_the_repository_layout() {
        let files = world_files_for(PathBuf::from("/ws/models/gazebo/worlds/home.sdf"), None);
        assert_eq!(
            files.robot_sdf,
            PathBuf::from("/ws/models/gazebo/models/robot/model.sdf")
        );
        assert_eq!(
            files.semantic_map,
            PathBuf::from("/ws/config/world/home.yaml")
        );
    }
}
