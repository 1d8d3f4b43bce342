//! Whatever the task, every command the planner sends obeys the safety limits: a randomised
//! property test over sequences of tasks (moves and turns of any size, navigation, stops),
//! driven in the headless simulator.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use embodied_msgs::msg::{Task, TaskStep};
use embodied_world::{PlaceId, World};
use planner::Params;
use planner::map::StaticMap;
use planner::sim_drive::{SimDrive, task};
use proptest::prelude::*;

fn any_step() -> impl Strategy<Value = TaskStep> {
    prop_oneof![
        (-150.0f64..150.0).prop_map(|d| TaskStep {
            kind: TaskStep::MOVE,
            distance_m: d,
            ..TaskStep::default()
        }),
        (-720.0f64..720.0).prop_map(|a| TaskStep {
            kind: TaskStep::TURN,
            angle_deg: a,
            ..TaskStep::default()
        }),
        (0usize..7).prop_map(|i| TaskStep {
            kind: TaskStep::NAVIGATE,
            place: PlaceId::ALL[i].name().to_owned(),
            ..TaskStep::default()
        }),
        Just(TaskStep {
            kind: TaskStep::STOP,
            ..TaskStep::default()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn limits_hold_for_every_command(
        tasks in prop::collection::vec((prop::collection::vec(any_step(), 1..3), any::<bool>(), 20u32..120), 1..4),
    ) {
        let params = Params::default();
        let files = planner::world_files(&params).unwrap();
        let world = Arc::new(World::load(&files).unwrap());
        let static_map = Arc::new(StaticMap::new(&world, &params).unwrap());
        let sim_params = sim::Params { real_time_factor: 0.0, ..sim::Params::default() }.validate().unwrap();
        let mut drive = SimDrive::new(sim::load_world(&files).unwrap(), &sim_params, world, static_map, params.clone()).unwrap();
        for (i, (steps, append, periods)) in tasks.into_iter().enumerate() {
            let mut next = task(&format!("t{i}"), steps[0].clone());
            next.steps = steps;
            next.mode = if append { Task::MODE_APPEND } else { Task::MODE_REPLACE };
            drive.submit(next);
            for _ in 0..periods {
                drive.step_control();
            }
        }
        prop_assert_eq!(drive.simulator.contact_events(), 0);
        let dt = 1.0 / params.control_rate_hz;
        let mut previous = planner::Velocity::ZERO;
        for (at, v) in drive.commands() {
            prop_assert!(v.linear <= params.max_linear_speed_mps + 1e-9, "{v:?} at {at:?}");
            prop_assert!(v.linear >= -params.max_reverse_speed_mps - 1e-9, "{v:?} at {at:?}");
            prop_assert!(v.angular.abs() <= params.max_angular_speed_radps + 1e-9, "{v:?} at {at:?}");
            // Speeding up never faster than the acceleration limit (per control period; commands
            // within one period, such as a STOP's, only ever slow down).
            let gained = v.linear.abs() - previous.linear.abs();
            prop_assert!(gained <= params.max_linear_accel_mps2 * dt + 1e-9, "{previous:?} -> {v:?} at {at:?}");
            let gained = v.angular.abs() - previous.angular.abs();
            prop_assert!(gained <= params.max_angular_accel_radps2 * dt + 1e-9, "{previous:?} -> {v:?} at {at:?}");
            previous = *v;
        }
    }
}
