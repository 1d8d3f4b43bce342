//! The simulation core against a hand-built box room: collisions, lidar, perception, gripper,
//! battery, command timeout and determinism.
#![allow(clippy::unwrap_used)]

mod common;

use std::f64::consts::PI;

use common::*;
use sim::world::Pose2D;
use sim::{ChargeState, Error, GraspError, Params, ReleaseError, Simulator, VelocityCommand};

fn params() -> Params {
    Params {
        lidar_noise: false,
        ..Params::default()
    }
    .validate()
    .unwrap()
}

fn drive(simulator: &mut Simulator, linear: f64, angular: f64, seconds: f64) {
    let steps = (seconds / simulator.step_duration().as_secs_f64()).round() as u64;
    for _ in 0..steps {
        simulator.set_command(VelocityCommand { linear, angular });
        simulator.step();
    }
}

#[test]
fn full_speed_into_a_thin_wall_stops_at_the_wall() {
    let mut simulator =
        Simulator::new(box_room(Pose2D::new(0.0, 0.0, 0.0), 0.0), &params()).unwrap();
    let stop_x = ROOM_HALF_X - RADIUS - sim::CONTACT_SKIN;
    let mut peak_speed: f64 = 0.0;
    for _ in 0..1200 {
        // Asks for far more than the drive allows: the DiffDrive limit applies.
        simulator.set_command(VelocityCommand {
            linear: 10.0,
            angular: 0.0,
        });
        simulator.step();
        peak_speed = peak_speed.max(simulator.velocity().linear);
        assert!(simulator.pose().x <= stop_x + 1e-9, "{}", simulator.pose());
    }
    assert!((peak_speed - MAX_SPEED).abs() < 1e-9, "{peak_speed}");
    assert!(
        (simulator.pose().x - stop_x).abs() < 1e-3,
        "{}",
        simulator.pose()
    );
    assert_eq!(simulator.velocity().linear, 0.0);
    assert!(simulator.in_contact());
    assert_eq!(simulator.contact_events(), 1);
    // Backing away is free.
    drive(&mut simulator, -0.3, 0.0, 1.0);
    assert!(simulator.pose().x < stop_x - 0.1);
    assert!(!simulator.in_contact());
}

#[test]
fn a_fast_robot_at_a_coarse_step_never_tunnels_through_a_wall() {
    // 5 m/s at 20 Hz moves 25 cm per step; the wall is 5 mm thick.
    let mut world = box_room(Pose2D::new(-3.0, 0.0, 0.0), 0.0);
    world.obstacles.push(wall("sheet", 0.0, 0.0, 0.005, 4.0));
    world.robot.drive.linear_velocity = (-5.0, 5.0);
    world.robot.drive.linear_acceleration = (-100.0, 100.0);
    let params = Params {
        physics_rate_hz: 20.0,
        ..params()
    };
    let mut simulator = Simulator::new(world, &params).unwrap();
    drive(&mut simulator, 5.0, 0.0, 3.0);
    let pose = simulator.pose();
    assert!(
        (pose.x - (-0.0025 - RADIUS - sim::CONTACT_SKIN)).abs() < 1e-3,
        "stopped at {pose}"
    );
}

#[test]
fn acceleration_and_command_timeout_follow_the_limits() {
    let mut simulator =
        Simulator::new(box_room(Pose2D::new(-3.0, 0.0, 0.0), 0.0), &params()).unwrap();
    simulator.set_command(VelocityCommand {
        linear: 0.5,
        angular: 0.0,
    });
    for _ in 0..10 {
        simulator.step();
    }
    // 1 m/s² for 0.1 s.
    assert!((simulator.velocity().linear - 0.1).abs() < 1e-9);
    // No new command: after the 0.5 s timeout the robot brakes to a stop.
    for _ in 0..200 {
        simulator.step();
    }
    assert_eq!(simulator.velocity().linear, 0.0);
    let rest = simulator.pose();
    for _ in 0..100 {
        simulator.step();
    }
    assert_eq!(simulator.pose(), rest);
}

fn box_room_range(pose: &Pose2D, angle: f64) -> f64 {
    let (dx, dy) = (angle.cos(), angle.sin());
    let along = |d: f64, p: f64, half: f64| {
        if d > 1e-12 {
            (half - p) / d
        } else if d < -1e-12 {
            (-half - p) / d
        } else {
            f64::INFINITY
        }
    };
    along(dx, pose.x, ROOM_HALF_X).min(along(dy, pose.y, ROOM_HALF_Y))
}

#[test]
fn lidar_ranges_in_a_box_room_match_analytic_distances() {
    let spawn = Pose2D::new(0.5, -0.7, 0.3);
    let stddev = 0.01;
    let noisy = Params {
        lidar_noise: true,
        ..params()
    };
    for (params, tolerance) in [(params(), 1e-6), (noisy, 5.0 * stddev)] {
        let mut simulator = Simulator::new(box_room(spawn, stddev), &params).unwrap();
        let lidar = simulator.robot().lidar.clone();
        let ranges = simulator.scan();
        assert_eq!(ranges.len(), 360);
        let mut error_sum = 0.0;
        for (i, &range) in ranges.iter().enumerate() {
            let angle = spawn.yaw + lidar.min_angle + lidar.angle_increment() * i as f64;
            let expected = box_room_range(&spawn, angle);
            let error = f64::from(range) - expected;
            assert!(error.abs() < tolerance, "ray {i}: {range} vs {expected}");
            error_sum += error;
        }
        // Zero-mean noise: the average error is well inside one standard deviation.
        assert!((error_sum / 360.0).abs() < stddev / 3.0);
    }
}

#[test]
fn rays_that_hit_nothing_in_range_read_infinity() {
    let mut world = box_room(Pose2D::new(0.0, 0.0, 0.0), 0.0);
    world.robot.lidar.range_max = 3.5;
    let mut simulator = Simulator::new(world, &params()).unwrap();
    let ranges = simulator.scan();
    // Straight ahead (+x) the wall is 4 m away, beyond range; to the side (+y) it is 3 m.
    let ahead = ranges[180];
    let left = ranges[270];
    assert!(ahead.is_infinite() && ahead > 0.0, "{ahead}");
    assert!((left - 3.0).abs() < 1e-5, "{left}");
}

#[test]
fn objects_behind_a_wall_are_not_perceived() {
    let seen_ids = |simulator: &Simulator| -> Vec<String> {
        simulator
            .perceive()
            .iter()
            .map(|p| simulator.objects()[p.index].spec.id.clone())
            .collect()
    };
    // Facing east from the middle: the keys at (3, 0) are behind the inner wall at x = 2.
    let mut simulator =
        Simulator::new(furnished_room(Pose2D::new(0.5, 0.0, 0.0)), &params()).unwrap();
    assert!(
        seen_ids(&simulator).is_empty(),
        "{:?}",
        seen_ids(&simulator)
    );
    // Past the end of the inner wall, looking at the keys: seen.
    let towards_keys = (0.0_f64 - -1.6).atan2(3.0 - 2.6);
    simulator
        .place_robot(Pose2D::new(2.6, -1.6, towards_keys))
        .unwrap();
    assert_eq!(seen_ids(&simulator), ["keys"]);
    // The cup on the low table is seen over the table, with its room.
    simulator.place_robot(Pose2D::new(-0.5, 0.0, PI)).unwrap();
    let seen = simulator.perceive();
    assert_eq!(seen_ids(&simulator), ["cup"]);
    assert_eq!(seen[0].place.as_deref(), Some("west"));
    // Out of the field of view: the book at (1, 1.5) is behind the robot now.
    assert!(!seen_ids(&simulator).contains(&"book".to_owned()));
}

#[test]
fn grasp_needs_reach_and_the_held_object_follows_the_robot() {
    let mut simulator =
        Simulator::new(furnished_room(Pose2D::new(-0.5, 0.0, PI)), &params()).unwrap();
    let error = simulator.grasp("cup").unwrap_err();
    assert!(matches!(error, GraspError::OutOfReach { .. }), "{error}");
    assert_eq!(error.to_string(), "cup is 1.50 m away, reach is 0.75 m");
    assert!(matches!(
        simulator.grasp("unicorn"),
        Err(GraspError::UnknownObject { .. })
    ));
    // Up to the table's edge (x = -1.6) and it is within reach.
    drive(&mut simulator, 0.4, 0.0, 4.0);
    assert!(simulator.in_contact());
    let position = simulator.grasp("cup").unwrap();
    assert_eq!(position, [-2.0, 0.0, 0.81]);
    assert!(matches!(
        simulator.grasp("book"),
        Err(GraspError::HandsFull { .. })
    ));
    // Drive 1 m back east (reverse): the cup comes along.
    drive(&mut simulator, -0.5, 0.0, 2.5);
    let robot = simulator.pose();
    let cup = simulator.held().unwrap();
    assert!(cup.carried);
    assert!((cup.position[0] - robot.x).abs() < 1e-12 && robot.x > -0.5);
    assert!(matches!(
        simulator.release("book"),
        Err(ReleaseError::HoldingOther { .. })
    ));
    let put = simulator.release("").unwrap();
    assert_eq!(put, [robot.x, robot.y, 0.06]);
    assert!(simulator.held().is_none());
    assert_eq!(simulator.release(""), Err(ReleaseError::NothingHeld));
}

#[test]
fn the_battery_drains_away_from_the_dock_and_charges_on_it() {
    let params = Params {
        battery_initial_charge: 0.5,
        ..params()
    };
    let mut simulator =
        Simulator::new(furnished_room(Pose2D::new(0.0, -2.0, PI)), &params).unwrap();
    drive(&mut simulator, 0.5, 0.0, 5.0);
    let away = simulator.battery();
    assert_eq!(away.state, ChargeState::Discharging);
    assert!(away.fraction < 0.5 && away.current_a < 0.0);
    assert!(!simulator.is_docked());
    // On to the dock at (-3, -2): charging.
    drive(&mut simulator, 0.5, 0.0, 1.0);
    simulator.place_robot(Pose2D::new(-3.0, -2.0, 0.0)).unwrap();
    drive(&mut simulator, 0.0, 0.0, 60.0);
    let docked = simulator.battery();
    assert!(simulator.is_docked());
    assert_eq!(docked.state, ChargeState::Charging);
    assert!(docked.fraction > away.fraction && docked.current_a > 0.0);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let noisy = |seed| Params {
        seed,
        lidar_noise: true,
        odom_linear_noise: 0.05,
        odom_angular_noise: 0.05,
        ..params()
    };
    let run = |params: Params| {
        let mut simulator =
            Simulator::new(box_room(Pose2D::new(-2.0, 0.0, 0.0), 0.01), &params).unwrap();
        let mut trace = Vec::new();
        for i in 0..600 {
            let angular = if (i / 100) % 2 == 0 { 0.4 } else { -0.3 };
            simulator.set_command(VelocityCommand {
                linear: 0.4,
                angular,
            });
            simulator.step();
            if i % 10 == 0 {
                trace.push((
                    simulator.pose(),
                    simulator.odometry().pose,
                    simulator.scan(),
                ));
            }
        }
        trace
    };
    let first = run(noisy(7));
    assert_eq!(first, run(noisy(7)));
    let other = run(noisy(8));
    assert_ne!(first, other);
    // The seed changes the noise, not the physics: ground truth is the same.
    assert!(first.iter().zip(&other).all(|(a, b)| a.0 == b.0));
}

#[test]
fn odometry_drifts_from_ground_truth_with_a_bias() {
    let params = Params {
        odom_linear_bias: 0.05,
        ..params()
    };
    let mut simulator =
        Simulator::new(box_room(Pose2D::new(-3.0, 0.0, 0.0), 0.0), &params).unwrap();
    drive(&mut simulator, 0.5, 0.0, 4.0);
    let truth = simulator.pose().x + 3.0;
    let odom = simulator.odometry().pose.x + 3.0;
    assert!(truth > 1.5);
    assert!((odom / truth - 1.05).abs() < 1e-6, "{odom} vs {truth}");
}

#[test]
fn spawning_inside_a_wall_names_the_wall() {
    let error = Simulator::new(box_room(Pose2D::new(3.9, 0.0, 0.0), 0.0), &params()).unwrap_err();
    assert!(matches!(error, Error::RobotInCollision { .. }));
    assert_eq!(
        error.to_string(),
        "box_room (test): robot at (3.900, 0.000, 0.000 rad) overlaps obstacle east"
    );
}

#[test]
fn a_box_dropped_in_the_way_stops_the_robot() {
    let mut simulator =
        Simulator::new(box_room(Pose2D::new(-3.0, 0.0, 0.0), 0.0), &params()).unwrap();
    simulator.add_obstacle(wall("box", 0.0, 0.0, 0.4, 0.4));
    drive(&mut simulator, 0.5, 0.0, 10.0);
    assert!((simulator.pose().x - (-0.2 - RADIUS - sim::CONTACT_SKIN)).abs() < 1e-3);
    // The lidar sees it too.
    let ranges = simulator.scan();
    assert!((f64::from(ranges[180]) - (RADIUS + sim::CONTACT_SKIN)).abs() < 1e-3);
}
