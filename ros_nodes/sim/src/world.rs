//! What the simulator needs to know about a world, as plain data: obstacles with their heights,
//! the robot's body, drive limits and sensors, the objects, the charging dock and a place
//! lookup. [`crate::load`] fills it from `embodied_world` (the SDF and the semantic map); tests
//! build it by hand.

use std::fmt;

/// A planar pose in metres and radians (x forward, y left, yaw counter-clockwise).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Pose2D {
    /// X, m.
    pub x: f64,
    /// Y, m.
    pub y: f64,
    /// Heading, rad.
    pub yaw: f64,
}

impl Pose2D {
    /// A pose at (`x`, `y`) facing `yaw`.
    pub const fn new(x: f64, y: f64, yaw: f64) -> Self {
        Self { x, y, yaw }
    }

    /// `local` (expressed in this pose's frame) in the parent frame.
    #[must_use]
    pub fn compose(&self, local: &Self) -> Self {
        let (sin, cos) = self.yaw.sin_cos();
        Self {
            x: self.x + cos * local.x - sin * local.y,
            y: self.y + sin * local.x + cos * local.y,
            yaw: normalize_angle(self.yaw + local.yaw),
        }
    }

    /// Distance between the two positions, m.
    pub fn distance_to(&self, x: f64, y: f64) -> f64 {
        (x - self.x).hypot(y - self.y)
    }
}

impl fmt::Display for Pose2D {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:.3}, {:.3}, {:.3} rad)", self.x, self.y, self.yaw)
    }
}

/// `angle` wrapped into (-π, π].
pub fn normalize_angle(angle: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    let wrapped = angle.rem_euclid(TAU);
    if wrapped > PI { wrapped - TAU } else { wrapped }
}

/// The outline of an obstacle seen from above, centred on its pose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Footprint {
    /// A rectangle with these full side lengths along the pose's x and y axes, m.
    Rectangle {
        /// Length along x, m.
        size_x: f64,
        /// Length along y, m.
        size_y: f64,
    },
    /// A disc (an SDF cylinder standing upright), m.
    Disc {
        /// Radius, m.
        radius: f64,
    },
}

/// Whether an obstacle is part of the building or furniture; both block the robot, only
/// the building's walls are drawn as the floor plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObstacleKind {
    /// A wall (or any other part of the building).
    Wall,
    /// Furniture, the dock, or a box dropped in at run time.
    Furniture,
}

/// A static collision shape of the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Obstacle {
    /// Model (and link or collision) it comes from, for messages.
    pub name: String,
    /// Wall or furniture.
    pub kind: ObstacleKind,
    /// Centre and heading of the footprint in the map frame.
    pub pose: Pose2D,
    /// Outline seen from above.
    pub footprint: Footprint,
    /// Height of its bottom above the floor, m.
    pub z_min: f64,
    /// Height of its top above the floor, m.
    pub z_max: f64,
}

impl Obstacle {
    /// Whether the obstacle spans height `z` (a horizontal plane cuts it).
    pub fn spans_height(&self, z: f64) -> bool {
        self.z_min <= z && z <= self.z_max
    }

    /// Whether it overlaps the vertical interval `[low, high]`.
    pub fn overlaps_heights(&self, low: f64, high: f64) -> bool {
        self.z_min < high && low < self.z_max
    }
}

/// Velocity and acceleration bounds of the DiffDrive plugin (`gz::sim::systems::DiffDrive`):
/// `<min_/max_linear_velocity>`, `<min_/max_linear_acceleration>` and the angular ones.
/// Minimum accelerations are negative (the strongest braking).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriveLimits {
    /// Linear velocity range, m/s.
    pub linear_velocity: (f64, f64),
    /// Angular velocity range, rad/s.
    pub angular_velocity: (f64, f64),
    /// Linear acceleration range (braking, accelerating), m/s².
    pub linear_acceleration: (f64, f64),
    /// Angular acceleration range, rad/s².
    pub angular_acceleration: (f64, f64),
}

/// A planar lidar as the SDF `<sensor type="gpu_lidar">` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LidarSpec {
    /// `frame_id` of the scans (the SDF `<gz_frame_id>` or link name).
    pub frame_id: String,
    /// Pose of the sensor on the robot's base.
    pub mount: Pose2D,
    /// Height of the scan plane above the floor, m.
    pub height: f64,
    /// `<update_rate>`, Hz.
    pub update_rate_hz: f64,
    /// `<horizontal><samples>`.
    pub samples: usize,
    /// `<min_angle>`, rad.
    pub min_angle: f64,
    /// `<max_angle>`, rad.
    pub max_angle: f64,
    /// `<range><min>`, m.
    pub range_min: f64,
    /// `<range><max>`, m.
    pub range_max: f64,
    /// Standard deviation of the `<noise type="gaussian">`, m; 0 without noise.
    pub noise_stddev: f64,
}

impl LidarSpec {
    /// Angle between neighbouring rays, rad: Gazebo spreads `samples` rays from `min_angle`
    /// to `max_angle` inclusive.
    pub fn angle_increment(&self) -> f64 {
        if self.samples > 1 {
            (self.max_angle - self.min_angle) / (self.samples - 1) as f64
        } else {
            0.0
        }
    }
}

/// The object camera (a gz logical camera: reports models inside its frustum).
#[derive(Debug, Clone, PartialEq)]
pub struct CameraSpec {
    /// Pose of the camera on the robot's base.
    pub mount: Pose2D,
    /// Height of the lens above the floor, m.
    pub height: f64,
    /// Horizontal field of view, rad.
    pub horizontal_fov: f64,
    /// Nearest distance seen, m.
    pub near: f64,
    /// Farthest distance seen, m.
    pub far: f64,
    /// Reports per second, Hz.
    pub update_rate_hz: f64,
}

/// The simulated robot.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotSpec {
    /// Model name in the world.
    pub name: String,
    /// Radius of the circle enclosing its footprint, m (the body used for collisions).
    pub radius: f64,
    /// Height of its top, m (obstacles entirely above it do not block it).
    pub height: f64,
    /// Where it starts, map frame.
    pub spawn: Pose2D,
    /// Velocity and acceleration limits of the drive.
    pub drive: DriveLimits,
    /// Rate of the DiffDrive plugin's odometry, Hz.
    pub odom_rate_hz: f64,
    /// The lidar.
    pub lidar: LidarSpec,
    /// The object camera.
    pub camera: CameraSpec,
}

/// A movable object (cup, keys, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSpec {
    /// Instance id, the SDF model name, e.g. `cup`.
    pub id: String,
    /// Object class, e.g. `cup`.
    pub label: String,
    /// Position of its centre, map frame, m.
    pub position: [f64; 3],
    /// Heading, rad.
    pub yaw: f64,
    /// Bounding box extents, m.
    pub size: [f64; 3],
    /// Descriptive words, e.g. `red`.
    pub attributes: Vec<String>,
}

/// Where the robot charges.
#[derive(Debug, Clone, PartialEq)]
pub struct DockSpec {
    /// Name of the dock (model or place).
    pub name: String,
    /// The robot charges while its centre is within `radius` of this point.
    pub pose: Pose2D,
    /// Capture radius, m.
    pub radius: f64,
}

/// Names the semantic place (room) containing a point.
pub trait PlaceLookup: Send + Sync {
    /// The place containing (`x`, `y`) in the map frame, if any.
    fn place_at(&self, x: f64, y: f64) -> Option<String>;
}

/// No places: every point is in an unknown place.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPlaces;

impl PlaceLookup for NoPlaces {
    fn place_at(&self, _x: f64, _y: f64) -> Option<String> {
        None
    }
}

/// A room's outline, for plots.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomOutline {
    /// Place name, e.g. `kitchen`.
    pub name: String,
    /// Polygon corners, map frame, m.
    pub polygon: Vec<[f64; 2]>,
}

/// Everything the simulator reads from a world.
pub struct WorldModel {
    /// SDF file the world came from, for messages and run files.
    pub source: String,
    /// Semantic map file, for run files.
    pub semantic_map: String,
    /// Walls and furniture.
    pub obstacles: Vec<Obstacle>,
    /// The robot.
    pub robot: RobotSpec,
    /// Movable objects at their start positions.
    pub objects: Vec<ObjectSpec>,
    /// The charging dock, if the world has one.
    pub dock: Option<DockSpec>,
    /// Room lookup.
    pub places: Box<dyn PlaceLookup>,
    /// Room outlines (for plots).
    pub rooms: Vec<RoomOutline>,
}

impl fmt::Debug for WorldModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorldModel")
            .field("source", &self.source)
            .field("obstacles", &self.obstacles.len())
            .field("robot", &self.robot)
            .field("objects", &self.objects.len())
            .field("dock", &self.dock)
            .field("rooms", &self.rooms.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{FRAC_PI_2, PI};

    #[test]
    fn compose_rotates_then_translates() {
        let base = Pose2D::new(1.0, 2.0, FRAC_PI_2);
        let out = base.compose(&Pose2D::new(1.0, 0.0, FRAC_PI_2));
        assert!((out.x - 1.0).abs() < 1e-12);
        assert!((out.y - 3.0).abs() < 1e-12);
        assert!((out.yaw - PI).abs() < 1e-12);
    }

    #[test]
    fn angles_wrap_into_half_open_range() {
        assert!((normalize_angle(3.0 * PI) - PI).abs() < 1e-12);
        assert!((normalize_angle(-PI) - PI).abs() < 1e-12);
        assert!((normalize_angle(0.5)).abs() - 0.5 < 1e-12);
    }
}
