//! A hand-built world for the simulator's tests: a box room with thin walls, a low table, an
//! inner wall, a dock and a few objects. Sizes are chosen so the expected values are easy to
//! work out by hand.
#![allow(dead_code)]

use std::f64::consts::PI;

use sim::Pose2D;
use sim::world::{
    CameraSpec, DockSpec, DriveLimits, Footprint, LidarSpec, NoPlaces, ObjectSpec, Obstacle,
    ObstacleKind, PlaceLookup, RobotSpec, WorldModel,
};

/// Inner half-width of the room along x, m (inner faces at x = ±ROOM_HALF_X).
pub const ROOM_HALF_X: f64 = 4.0;
/// Inner half-width along y, m.
pub const ROOM_HALF_Y: f64 = 3.0;
/// Wall thickness, m: thin on purpose (a 0.5 m/s robot at 100 Hz moves 5 mm per step).
pub const WALL: f64 = 0.02;
/// Robot radius, m.
pub const RADIUS: f64 = 0.2;
/// Top speed, m/s.
pub const MAX_SPEED: f64 = 0.5;

pub fn wall(name: &str, x: f64, y: f64, size_x: f64, size_y: f64) -> Obstacle {
    Obstacle {
        name: name.to_owned(),
        kind: ObstacleKind::Wall,
        pose: Pose2D::new(x, y, 0.0),
        footprint: Footprint::Rectangle { size_x, size_y },
        z_min: 0.0,
        z_max: 2.5,
    }
}

/// The four walls of the room, their inner faces at ±ROOM_HALF_X and ±ROOM_HALF_Y.
pub fn room_walls() -> Vec<Obstacle> {
    let (hx, hy, t) = (ROOM_HALF_X, ROOM_HALF_Y, WALL);
    vec![
        wall("east", hx + t / 2.0, 0.0, t, 2.0 * hy + 2.0 * t),
        wall("west", -hx - t / 2.0, 0.0, t, 2.0 * hy + 2.0 * t),
        wall("north", 0.0, hy + t / 2.0, 2.0 * hx + 2.0 * t, t),
        wall("south", 0.0, -hy - t / 2.0, 2.0 * hx + 2.0 * t, t),
    ]
}

pub fn robot(spawn: Pose2D, lidar_noise_stddev: f64) -> RobotSpec {
    RobotSpec {
        name: "robot".into(),
        radius: RADIUS,
        height: 0.4,
        spawn,
        drive: DriveLimits {
            linear_velocity: (-MAX_SPEED, MAX_SPEED),
            angular_velocity: (-1.0, 1.0),
            linear_acceleration: (-1.0, 1.0),
            angular_acceleration: (-2.0, 2.0),
        },
        odom_rate_hz: 50.0,
        lidar: LidarSpec {
            frame_id: "lidar_link".into(),
            mount: Pose2D::default(),
            height: 0.3,
            update_rate_hz: 10.0,
            samples: 360,
            min_angle: -PI,
            max_angle: PI - 2.0 * PI / 360.0,
            range_min: 0.1,
            range_max: 12.0,
            noise_stddev: lidar_noise_stddev,
        },
        camera: CameraSpec {
            mount: Pose2D::default(),
            height: 0.35,
            horizontal_fov: 1.5,
            near: 0.1,
            far: 5.0,
            update_rate_hz: 5.0,
        },
    }
}

pub fn object(id: &str, x: f64, y: f64, z: f64) -> ObjectSpec {
    ObjectSpec {
        id: id.to_owned(),
        label: id.to_owned(),
        position: [x, y, z],
        yaw: 0.0,
        size: [0.1, 0.1, 0.12],
        attributes: Vec::new(),
    }
}

/// Rooms split at x = 0: "west" and "east".
pub struct HalfRooms;

impl PlaceLookup for HalfRooms {
    fn place_at(&self, x: f64, _y: f64) -> Option<String> {
        Some(if x < 0.0 { "west" } else { "east" }.to_owned())
    }
}

/// The empty box room with the robot at `spawn`.
pub fn box_room(spawn: Pose2D, lidar_noise_stddev: f64) -> WorldModel {
    WorldModel {
        source: "box_room (test)".into(),
        semantic_map: String::new(),
        obstacles: room_walls(),
        robot: robot(spawn, lidar_noise_stddev),
        objects: Vec::new(),
        dock: None,
        places: Box::new(NoPlaces),
        rooms: Vec::new(),
    }
}

/// The box room plus an inner wall at x = 2 (y in [-1, 1]), a low table at (-2, 0) with a cup on
/// it, keys behind the inner wall, a book in the open, and a dock at (-3, -2).
pub fn furnished_room(spawn: Pose2D) -> WorldModel {
    let mut world = box_room(spawn, 0.0);
    world.obstacles.push(wall("inner", 2.0, 0.0, 0.1, 2.0));
    world.obstacles.push(Obstacle {
        name: "table".into(),
        kind: ObstacleKind::Furniture,
        pose: Pose2D::new(-2.0, 0.0, 0.0),
        footprint: Footprint::Rectangle {
            size_x: 0.8,
            size_y: 0.8,
        },
        z_min: 0.0,
        z_max: 0.75,
    });
    world.objects = vec![
        object("cup", -2.0, 0.0, 0.81),
        object("keys", 3.0, 0.0, 0.06),
        object("book", 1.0, 1.5, 0.06),
    ];
    world.dock = Some(DockSpec {
        name: "dock".into(),
        pose: Pose2D::new(-3.0, -2.0, 0.0),
        radius: 0.3,
    });
    world.places = Box::new(HalfRooms);
    world
}
