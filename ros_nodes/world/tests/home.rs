//! The shipped home world: SDF world, robot model and semantic map agree, and the map is
//! usable by the planner (free approach poses, every room reachable, doors wide enough).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use embodied_world::{ObjectId, PlaceId, PlaceKind, World, WorldFiles};
use nalgebra::Point2;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn home() -> World {
    World::load(&WorldFiles::home_in(&repo_root())).unwrap()
}

#[test]
fn every_place_and_object_in_the_map_is_an_sdf_model_and_vice_versa() {
    let world = home();
    let map = world.map();
    let mut named = HashSet::new();
    for place in map.places() {
        let model = world.sdf().model(&place.model).unwrap();
        assert!(model.top_level && model.is_static, "{}", place.id);
        named.insert(place.model.clone());
    }
    for object in map.objects() {
        let model = world.sdf().model(&object.model).unwrap();
        assert!(model.top_level && !model.is_static, "{}", object.id);
        assert_eq!(model.name, object.id.model_name());
        named.insert(object.model.clone());
    }
    let structure: HashSet<String> = map.structure_models().map(|(m, _)| m.to_string()).collect();
    for model in world.sdf().top_level_models() {
        assert!(
            named.contains(&model.name) || structure.contains(&model.name),
            "SDF model {} (line {}) is not in the semantic map",
            model.name,
            model.line
        );
    }
    // Every canonical name appears, rooms have furniture or a floor in the SDF.
    assert_eq!(map.places().len(), PlaceId::ALL.len());
    assert_eq!(map.objects().len(), ObjectId::ALL.len());
    let furnished = world
        .sdf()
        .models
        .iter()
        .filter(|m| m.name.starts_with("kitchen::"))
        .count();
    assert!(
        furnished >= 2,
        "kitchen counter and table are nested in the kitchen model"
    );
}

#[test]
fn object_start_locations_agree_with_the_sdf() {
    let world = home();
    for object in world.map().objects() {
        let sdf = world.object_model(object.id).pose.translation.vector;
        let start = object.start.pose.translation.vector;
        assert!(
            (sdf.x - start.x).abs() < 1e-6 && (sdf.y - start.y).abs() < 1e-6,
            "{}",
            object.id
        );
        assert_eq!(
            world.map().room_at(sdf.x, sdf.y),
            Some(object.start.place),
            "{}",
            object.id
        );
    }
}

#[test]
fn approach_poses_dock_and_start_are_free_and_all_mutually_reachable() {
    let world = home();
    let grid = world
        .occupancy_grid(&world.grid_params(0.05, 0.05))
        .unwrap();
    let map = world.map();
    let mut stands: Vec<(String, Point2<f64>)> = map
        .places()
        .iter()
        .map(|p| {
            (
                format!("approach of {}", p.id),
                Point2::from(p.approach.translation.vector),
            )
        })
        .collect();
    stands.push((
        "robot start".into(),
        Point2::from(map.robot_start().translation.vector),
    ));
    for (what, at) in &stands {
        assert!(
            grid.is_free(at),
            "{what} at {at} is not free in the inflated grid"
        );
    }
    for (what, from) in &stands {
        let reachable = grid.reachable_from(grid.cell_at(from).unwrap());
        for (other, to) in &stands {
            let cell = grid.cell_at(to).unwrap();
            assert!(
                reachable[cell.y * grid.width() + cell.x],
                "{other} unreachable from {what}"
            );
        }
    }
    // The dock pose is close to the dock on purpose (charging contacts), but clear of it.
    let dock = Point2::from(map.dock_pose().translation.vector);
    let (clearance, _) = world.nearest_obstacle(&dock).unwrap();
    assert!(
        clearance >= world.robot_radius_m(),
        "dock pose clearance {clearance}"
    );
    // The inflated grid keeps the robot out of walls: no free cell closer than its radius.
    for (index, cell) in grid.cells().iter().enumerate() {
        if *cell == embodied_world::Cell::Free {
            let centre = grid.center(embodied_world::CellIndex {
                x: index % grid.width(),
                y: index / grid.width(),
            });
            let (distance, _) = world.nearest_obstacle(&centre).unwrap();
            assert!(
                distance > world.robot_radius_m(),
                "free cell at {centre} is {distance} m from an obstacle"
            );
        }
    }
}

/// Segments where two room outlines share an edge.
fn shared_edges(a: &[Point2<f64>], b: &[Point2<f64>]) -> Vec<(Point2<f64>, Point2<f64>)> {
    let mut shared = Vec::new();
    for i in 0..a.len() {
        let (p, q) = (a[i], a[(i + 1) % a.len()]);
        let direction = (q - p).normalize();
        let length = (q - p).norm();
        for j in 0..b.len() {
            let (r, s) = (b[j], b[(j + 1) % b.len()]);
            let cross = |v: nalgebra::Vector2<f64>| direction.x * v.y - direction.y * v.x;
            if cross(r - p).abs() > 1e-9 || cross(s - p).abs() > 1e-9 {
                continue;
            }
            let (t1, t2) = ((r - p).dot(&direction), (s - p).dot(&direction));
            let (lo, hi) = (t1.min(t2).max(0.0), t1.max(t2).min(length));
            if hi - lo > 0.01 {
                shared.push((p + direction * lo, p + direction * hi));
            }
        }
    }
    shared
}

#[test]
fn doors_are_at_least_0_9_m_wide_and_connect_every_room() {
    let world = home();
    let rooms: Vec<(PlaceId, Vec<Point2<f64>>)> = world
        .map()
        .rooms()
        .map(|place| match &place.kind {
            PlaceKind::Room { polygon } => (place.id, polygon.clone()),
            PlaceKind::Spot { .. } => unreachable!(),
        })
        .collect();
    let blocked = |p: &Point2<f64>| {
        world
            .obstacle_footprints()
            .any(|f| f.distance_to(p) <= 1e-6)
    };
    let step = 0.005;
    let mut doors: Vec<(PlaceId, PlaceId, f64)> = Vec::new();
    for (i, (a, outline_a)) in rooms.iter().enumerate() {
        for (b, outline_b) in &rooms[i + 1..] {
            for (start, end) in shared_edges(outline_a, outline_b) {
                let samples = ((end - start).norm() / step) as usize;
                let mut run = 0usize;
                for k in 0..=samples {
                    let p = start + (end - start) * (k as f64 / samples as f64);
                    if blocked(&p) {
                        if run > 0 {
                            doors.push((*a, *b, run as f64 * step));
                        }
                        run = 0;
                    } else {
                        run += 1;
                    }
                }
                if run > 0 {
                    doors.push((*a, *b, run as f64 * step));
                }
            }
        }
    }
    for (a, b, width) in &doors {
        assert!(
            *width >= 0.9,
            "opening between {a} and {b} is {width:.3} m wide"
        );
    }
    // The door graph connects all rooms.
    let mut reached = BTreeSet::from([PlaceId::Hallway]);
    loop {
        let before = reached.len();
        for (a, b, _) in &doors {
            if reached.contains(a) || reached.contains(b) {
                reached.insert(*a);
                reached.insert(*b);
            }
        }
        if reached.len() == before {
            break;
        }
    }
    assert_eq!(reached.len(), rooms.len(), "doors {doors:?}");
    assert_eq!(doors.len(), 6, "doors {doors:?}");
}

#[test]
fn names_resolve_through_aliases() {
    let world = home();
    let map = world.map();
    assert_eq!(map.resolve_place("the lounge"), Some(PlaceId::LivingRoom));
    assert_eq!(map.resolve_place("Entrance"), Some(PlaceId::Hallway));
    assert_eq!(
        map.resolve_place("the base station"),
        Some(PlaceId::ChargingDock)
    );
    assert_eq!(map.resolve_place("study"), Some(PlaceId::Office));
    assert_eq!(map.resolve_place("living room"), Some(PlaceId::LivingRoom));
    assert_eq!(map.resolve_object("a mug"), Some(ObjectId::Cup));
    assert_eq!(
        map.resolve_object("the TV remote"),
        Some(ObjectId::RemoteControl)
    );
    assert_eq!(
        map.resolve_object("water bottle"),
        Some(ObjectId::WaterBottle)
    );
    assert_eq!(map.resolve_place("garage"), None);
    assert_eq!(map.resolve_place("cup"), None, "an object is not a place");
    assert_eq!(map.resolve_object("kitchen"), None);
    for place in PlaceId::ALL {
        assert_eq!(map.resolve_place(place.name()), Some(*place));
    }
    for object in ObjectId::ALL {
        assert_eq!(map.resolve_object(object.name()), Some(*object));
    }
}

#[test]
fn room_lookup_by_position() {
    let world = home();
    let map = world.map();
    for place in map.places() {
        let at = place.approach.translation.vector;
        assert_eq!(
            map.room_at(at.x, at.y),
            Some(map.room_of(place.id)),
            "{}",
            place.id
        );
    }
    assert_eq!(map.room_at(1.0, 1.0), Some(PlaceId::LivingRoom));
    assert_eq!(map.room_at(11.0, 9.0), Some(PlaceId::Office));
    assert_eq!(map.room_at(-1.0, 5.0), None);
    assert_eq!(map.room_of(PlaceId::ChargingDock), PlaceId::Hallway);
}

#[test]
fn robot_parameters_come_from_the_sdf() {
    let world = home();
    let robot = world.robot();
    let drive = &robot.diff_drive;
    assert_eq!(
        (drive.wheel_separation_m, drive.wheel_radius_m),
        (0.30, 0.05)
    );
    assert_eq!(
        (drive.linear_velocity_mps.min, drive.linear_velocity_mps.max),
        (-0.3, 0.5)
    );
    assert_eq!(drive.angular_velocity_radps.max, 1.5);
    assert_eq!(drive.linear_acceleration_mps2.min, -1.0);
    assert_eq!(
        (drive.frame_id.as_str(), drive.child_frame_id.as_str()),
        ("odom", "base_link")
    );
    assert_eq!((drive.left_joints.len(), drive.right_joints.len()), (1, 1));
    let lidar = &robot.lidar;
    assert_eq!((lidar.samples, lidar.update_rate_hz), (360, Some(10.0)));
    assert!((lidar.angle_increment_rad() - 1f64.to_radians()).abs() < 1e-6);
    assert_eq!((lidar.range_min_m, lidar.range_max_m), (0.12, 12.0));
    assert_eq!(lidar.noise.unwrap().stddev, 0.01);
    assert_eq!(lidar.frame_id, "lidar_link");
    assert!((lidar.pose.translation.z - 0.2).abs() < 1e-12);
    let camera = robot.logical_camera.as_ref().unwrap();
    assert!((camera.horizontal_fov_rad - std::f64::consts::FRAC_PI_2).abs() < 1e-3);
    assert_eq!(camera.far_m, 5.0);
    assert!((world.robot_radius_m() - 0.18).abs() < 1e-9);
    assert!((world.height_band().max_z - 0.25).abs() < 1e-9);
}

#[test]
fn the_home_world_is_found_from_inside_the_workspace() {
    let files = WorldFiles::find_home(&repo_root().join("ros_nodes/world/src")).unwrap();
    assert!(files.world_sdf.ends_with("models/gazebo/worlds/home.sdf"));
    assert!(files.robot_sdf.is_file() && files.semantic_map.is_file());
    World::load(&files).unwrap();
}
