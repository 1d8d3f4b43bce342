//! The simulator on the shipped home world (`models/gazebo/worlds/home.sdf`,
//! `config/world/home.yaml`): it loads, the robot starts free, the sensors follow the SDF, the
//! objects are in their rooms, and a short benchmark drives around without errors.
#![allow(clippy::unwrap_used)]

use sim::bench::{BenchOptions, run_bench};
use sim::record::{Entry, read_run};
use sim::{Params, Simulator, VelocityCommand};

fn home() -> sim::WorldModel {
    let files = sim::find_home_world().unwrap();
    sim::load_world(&files).unwrap()
}

#[test]
fn the_home_world_loads_with_the_sdf_sensors() {
    let world = home();
    assert!(
        world.obstacles.len() > 10,
        "{} obstacles",
        world.obstacles.len()
    );
    assert!(world.objects.len() >= 8);
    let samples = world.robot.lidar.samples;
    let params = Params {
        lidar_noise: false,
        ..Params::default()
    };
    let mut simulator = Simulator::new(world, &params).unwrap();
    let ranges = simulator.scan();
    assert_eq!(ranges.len(), samples);
    let lidar = &simulator.robot().lidar;
    let in_range = ranges
        .iter()
        .filter(|r| (lidar.range_min..=lidar.range_max).contains(&f64::from(**r)))
        .count();
    // Indoors nearly every ray hits a wall within range.
    assert!(
        in_range * 10 >= samples * 9,
        "{in_range} of {samples} in range"
    );
    // Every object starts in a room.
    for object in simulator.objects() {
        let [x, y, _] = object.position;
        assert!(
            simulator.place_at(x, y).is_some(),
            "{} at ({x}, {y}) is in no room",
            object.spec.id
        );
    }
    // The robot starts in a room and can drive a little.
    let start = simulator.pose();
    assert!(simulator.place_at(start.x, start.y).is_some());
    for _ in 0..100 {
        simulator.set_command(VelocityCommand {
            linear: 0.0,
            angular: 0.5,
        });
        simulator.step();
    }
    assert!(simulator.pose().yaw != start.yaw);
}

#[test]
fn a_short_benchmark_run_is_recorded_and_plotted() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run.jsonl");
    let options = BenchOptions {
        sim_seconds: 20.0,
        ..BenchOptions::default()
    };
    let report = run_bench(home(), &options, Some(&run)).unwrap();
    assert_eq!(report.steps, 2000);
    assert_eq!(report.scans, 200);
    assert!(report.distance_m > 1.0, "{report:?}");
    let entries = read_run(&run).unwrap();
    assert!(matches!(entries[0], Entry::Start { .. }));
    let poses = entries
        .iter()
        .filter(|e| matches!(e, Entry::Pose { .. }))
        .count();
    assert_eq!(poses, 200);
    let png = dir.path().join("run.png");
    sim::plot::plot_run(&home(), &entries, &png).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
}
