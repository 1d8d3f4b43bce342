//! The planner's parameters (`config/planner.yaml`): tunables and the safety limits. Physical
//! facts (the robot's radius, the drive's hard limits) come from the SDF through
//! `embodied_world`; these limits may only be tighter.

use crate::Error;

/// What drives NAVIGATE (and the trips of FIND and BRING).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Navigation {
    /// Our grid planner, pure pursuit and safety governor on `/cmd_vel`.
    #[default]
    Builtin,
    /// A `NavigateToPose` goal to the robot's Nav2 stack (`/navigate_to_pose`); the planner
    /// publishes no `/cmd_vel` while Nav2 drives, and cancels the goal on STOP or cancel.
    Nav2,
}

/// Planner tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// World SDF file; empty: the home world from the installed share or the workspace.
    pub world_sdf: String,
    /// Robot SDF file; empty: the one beside the home world.
    pub robot_sdf: String,
    /// Semantic map YAML; empty: the one beside the home world (`config/world/home.yaml`).
    pub semantic_map: String,
    /// What drives NAVIGATE: `builtin` (our planner and controller) or `nav2` (a NavigateToPose goal to a real robot's Nav2).
    pub navigation: Navigation,
    /// Control loop rate (commands, safety checks), Hz, within [5, 100].
    pub control_rate_hz: f64,
    /// Status messages per second while a task runs (every change is also published), Hz, within [0.1, 20].
    pub status_rate_hz: f64,
    /// Occupancy grid cell side, m, within [0.02, 0.2].
    pub grid_resolution_m: f64,
    /// Clearance kept beyond the robot's radius when planning paths, m, within [0, 0.5].
    pub safety_margin_m: f64,
    /// Top forward speed, m/s, within (0, 1]; the drive's own limit applies too.
    pub max_linear_speed_mps: f64,
    /// Top backward speed (MOVE with a negative distance), m/s, within (0, 0.5].
    pub max_reverse_speed_mps: f64,
    /// Top turning speed, rad/s, within (0, 3].
    pub max_angular_speed_radps: f64,
    /// Largest linear acceleration (speeding up), m/s², within (0, 3].
    pub max_linear_accel_mps2: f64,
    /// Largest linear deceleration of ordinary slowing down, m/s², within (0, 5]; safety stops are immediate.
    pub max_linear_decel_mps2: f64,
    /// Largest angular acceleration, rad/s², within (0, 10].
    pub max_angular_accel_radps2: f64,
    /// Largest rate of change of the linear acceleration while speeding up, m/s³, within (0, 50].
    pub max_linear_jerk_mps3: f64,
    /// Largest rate of change of the angular acceleration while speeding up, rad/s³, within (0, 100].
    pub max_angular_jerk_radps3: f64,
    /// Forward (or backward) motion stops when the lidar sees an obstacle this close to the robot's outline in its way, m, within [0.05, 1].
    pub stop_distance_m: f64,
    /// Speed is scaled down linearly below this clearance in the direction of motion, m; > stop_distance_m.
    pub slow_distance_m: f64,
    /// Zero velocity when odometry is older than this, s, within [0.05, 5].
    pub odom_timeout_s: f64,
    /// Zero velocity when the latest scan is older than this, s, within [0.05, 5].
    pub scan_timeout_s: f64,
    /// Forbidden rectangles in the map frame, flat groups of four: x_min, y_min, x_max, y_max (m).
    pub forbidden_zones: Vec<f64>,
    /// Places (rooms of the semantic map) the robot must not enter, e.g. ["bathroom"].
    pub forbidden_places: Vec<String>,
    /// Pure pursuit: shortest lookahead, m, within [0.1, 2].
    pub lookahead_min_m: f64,
    /// Pure pursuit: longest lookahead, m; ≥ lookahead_min_m.
    pub lookahead_max_m: f64,
    /// Pure pursuit: lookahead as seconds of travel at the current speed, s, within [0, 5].
    pub lookahead_time_s: f64,
    /// Regulated pure pursuit: turns tighter than this radius slow down proportionally, m, within [0, 5].
    pub regulated_min_radius_m: f64,
    /// Speed ramps down over this distance before the goal, m, within [0, 3].
    pub approach_distance_m: f64,
    /// Slowest speed while approaching the goal, m/s, within (0, max_linear_speed_mps].
    pub min_approach_speed_mps: f64,
    /// Turn in place first when the path's direction is more than this off the heading, degrees, within [10, 180].
    pub rotate_in_place_deg: f64,
    /// NAVIGATE ends when the robot is this close to the goal position, m, within [0.02, 1].
    pub goal_xy_tolerance_m: f64,
    /// NAVIGATE ends when the heading is this close to the goal's, degrees, within [0.5, 45].
    pub goal_yaw_tolerance_deg: f64,
    /// MOVE ends within this distance of the requested one, m, within [0.005, 0.2].
    pub move_tolerance_m: f64,
    /// TURN ends within this angle of the requested one, degrees, within [0.5, 10].
    pub turn_tolerance_deg: f64,
    /// Longest time a NAVIGATE step may take, s, within [1, 3600].
    pub navigate_timeout_s: f64,
    /// Longest time a MOVE or TURN step may take, s, within [1, 3600].
    pub motion_timeout_s: f64,
    /// Longest time a FIND or BRING step may take, s, within [1, 7200].
    pub search_timeout_s: f64,
    /// How long a blocked path may stay blocked (retrying plans) before the step fails, s, within [0, 600].
    pub blocked_timeout_s: f64,
    /// Obstacles seen by the lidar and not on the map are remembered this long unless seen again or seen through, s, within [0, 600].
    pub obstacle_memory_s: f64,
    /// The path counts as blocked when a remembered obstacle is within this distance ahead along it, m, within [0.3, 20].
    pub blocked_lookahead_m: f64,
    /// FIND/BRING stand this far from the object's centre, m, within [0.2, 1.5].
    pub object_approach_distance_m: f64,
    /// FIND asks the memory (Recall service) where an object is when perception has not seen it.
    pub recall_from_memory: bool,
    /// FIND visits the rooms in turn when the object's place is unknown.
    pub search_rooms: bool,
    /// Timeout of one service call (Recall, Grasp, Release), s, within [0.1, 60].
    pub service_timeout_s: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            world_sdf: String::new(),
            robot_sdf: String::new(),
            semantic_map: String::new(),
            navigation: Navigation::Builtin,
            control_rate_hz: 20.0,
            status_rate_hz: 2.0,
            grid_resolution_m: 0.05,
            safety_margin_m: 0.06,
            // With the drive's 1 m/s² braking the robot halts within 0.25 s of a STOP.
            max_linear_speed_mps: 0.25,
            max_reverse_speed_mps: 0.15,
            max_angular_speed_radps: 1.0,
            max_linear_accel_mps2: 0.5,
            max_linear_decel_mps2: 0.8,
            max_angular_accel_radps2: 2.0,
            max_linear_jerk_mps3: 4.0,
            max_angular_jerk_radps3: 20.0,
            stop_distance_m: 0.12,
            slow_distance_m: 0.45,
            odom_timeout_s: 0.5,
            scan_timeout_s: 0.6,
            forbidden_zones: Vec::new(),
            forbidden_places: Vec::new(),
            lookahead_min_m: 0.3,
            lookahead_max_m: 0.7,
            lookahead_time_s: 1.5,
            regulated_min_radius_m: 0.8,
            approach_distance_m: 0.5,
            min_approach_speed_mps: 0.06,
            rotate_in_place_deg: 50.0,
            goal_xy_tolerance_m: 0.1,
            goal_yaw_tolerance_deg: 5.0,
            move_tolerance_m: 0.05,
            turn_tolerance_deg: 3.0,
            navigate_timeout_s: 240.0,
            motion_timeout_s: 60.0,
            search_timeout_s: 900.0,
            blocked_timeout_s: 15.0,
            obstacle_memory_s: 30.0,
            blocked_lookahead_m: 2.5,
            object_approach_distance_m: 0.5,
            recall_from_memory: true,
            search_rooms: true,
            service_timeout_s: 5.0,
        }
    }
}

fn ensure_in(
    name: &'static str,
    value: f64,
    range: std::ops::RangeInclusive<f64>,
    expected: &'static str,
) -> Result<(), Error> {
    if value.is_finite() && range.contains(&value) {
        Ok(())
    } else {
        Err(Error::ParamOutOfRange {
            name,
            value: value.to_string(),
            expected,
        })
    }
}

fn ensure_positive_at_most(
    name: &'static str,
    value: f64,
    max: f64,
    expected: &'static str,
) -> Result<(), Error> {
    if value.is_finite() && value > 0.0 && value <= max {
        Ok(())
    } else {
        Err(Error::ParamOutOfRange {
            name,
            value: value.to_string(),
            expected,
        })
    }
}

impl Params {
    /// Checks ranges and cross-field rules, naming the parameter.
    ///
    /// # Errors
    /// [`Error::ParamOutOfRange`] for the first bad value.
    pub fn validate(self) -> Result<Self, Error> {
        ensure_in(
            "control_rate_hz",
            self.control_rate_hz,
            5.0..=100.0,
            "a rate in [5, 100] Hz",
        )?;
        ensure_in(
            "status_rate_hz",
            self.status_rate_hz,
            0.1..=20.0,
            "a rate in [0.1, 20] Hz",
        )?;
        ensure_in(
            "grid_resolution_m",
            self.grid_resolution_m,
            0.02..=0.2,
            "metres in [0.02, 0.2]",
        )?;
        ensure_in(
            "safety_margin_m",
            self.safety_margin_m,
            0.0..=0.5,
            "metres in [0, 0.5]",
        )?;
        ensure_positive_at_most(
            "max_linear_speed_mps",
            self.max_linear_speed_mps,
            1.0,
            "m/s in (0, 1]",
        )?;
        ensure_positive_at_most(
            "max_reverse_speed_mps",
            self.max_reverse_speed_mps,
            0.5,
            "m/s in (0, 0.5]",
        )?;
        ensure_positive_at_most(
            "max_angular_speed_radps",
            self.max_angular_speed_radps,
            3.0,
            "rad/s in (0, 3]",
        )?;
        ensure_positive_at_most(
            "max_linear_accel_mps2",
            self.max_linear_accel_mps2,
            3.0,
            "m/s² in (0, 3]",
        )?;
        ensure_positive_at_most(
            "max_linear_decel_mps2",
            self.max_linear_decel_mps2,
            5.0,
            "m/s² in (0, 5]",
        )?;
        ensure_positive_at_most(
            "max_angular_accel_radps2",
            self.max_angular_accel_radps2,
            10.0,
            "rad/s² in (0, 10]",
        )?;
        ensure_positive_at_most(
            "max_linear_jerk_mps3",
            self.max_linear_jerk_mps3,
            50.0,
            "m/s³ in (0, 50]",
        )?;
        ensure_positive_at_most(
            "max_angular_jerk_radps3",
            self.max_angular_jerk_radps3,
            100.0,
            "rad/s³ in (0, 100]",
        )?;
        ensure_in(
            "stop_distance_m",
            self.stop_distance_m,
            0.05..=1.0,
            "metres in [0.05, 1]",
        )?;
        ensure_in(
            "slow_distance_m",
            self.slow_distance_m,
            0.05..=3.0,
            "metres in [0.05, 3]",
        )?;
        if self.slow_distance_m <= self.stop_distance_m {
            return Err(Error::ParamOutOfRange {
                name: "slow_distance_m",
                value: self.slow_distance_m.to_string(),
                expected: "more than stop_distance_m",
            });
        }
        ensure_in(
            "odom_timeout_s",
            self.odom_timeout_s,
            0.05..=5.0,
            "seconds in [0.05, 5]",
        )?;
        ensure_in(
            "scan_timeout_s",
            self.scan_timeout_s,
            0.05..=5.0,
            "seconds in [0.05, 5]",
        )?;
        if !self.forbidden_zones.len().is_multiple_of(4) {
            return Err(Error::ParamOutOfRange {
                name: "forbidden_zones",
                value: format!("{} numbers", self.forbidden_zones.len()),
                expected: "groups of four numbers: x_min, y_min, x_max, y_max",
            });
        }
        for zone in self.forbidden_zones.chunks_exact(4) {
            let ordered =
                zone.iter().all(|v| v.is_finite()) && zone[0] < zone[2] && zone[1] < zone[3];
            if !ordered {
                return Err(Error::ParamOutOfRange {
                    name: "forbidden_zones",
                    value: format!("{zone:?}"),
                    expected: "finite x_min < x_max and y_min < y_max",
                });
            }
        }
        ensure_in(
            "lookahead_min_m",
            self.lookahead_min_m,
            0.1..=2.0,
            "metres in [0.1, 2]",
        )?;
        ensure_in(
            "lookahead_max_m",
            self.lookahead_max_m,
            self.lookahead_min_m..=5.0,
            "metres in [lookahead_min_m, 5]",
        )?;
        ensure_in(
            "lookahead_time_s",
            self.lookahead_time_s,
            0.0..=5.0,
            "seconds in [0, 5]",
        )?;
        ensure_in(
            "regulated_min_radius_m",
            self.regulated_min_radius_m,
            0.0..=5.0,
            "metres in [0, 5]",
        )?;
        ensure_in(
            "approach_distance_m",
            self.approach_distance_m,
            0.0..=3.0,
            "metres in [0, 3]",
        )?;
        ensure_positive_at_most(
            "min_approach_speed_mps",
            self.min_approach_speed_mps,
            self.max_linear_speed_mps,
            "m/s in (0, max_linear_speed_mps]",
        )?;
        ensure_in(
            "rotate_in_place_deg",
            self.rotate_in_place_deg,
            10.0..=180.0,
            "degrees in [10, 180]",
        )?;
        ensure_in(
            "goal_xy_tolerance_m",
            self.goal_xy_tolerance_m,
            0.02..=1.0,
            "metres in [0.02, 1]",
        )?;
        ensure_in(
            "goal_yaw_tolerance_deg",
            self.goal_yaw_tolerance_deg,
            0.5..=45.0,
            "degrees in [0.5, 45]",
        )?;
        ensure_in(
            "move_tolerance_m",
            self.move_tolerance_m,
            0.005..=0.2,
            "metres in [0.005, 0.2]",
        )?;
        ensure_in(
            "turn_tolerance_deg",
            self.turn_tolerance_deg,
            0.5..=10.0,
            "degrees in [0.5, 10]",
        )?;
        ensure_in(
            "navigate_timeout_s",
            self.navigate_timeout_s,
            1.0..=3600.0,
            "seconds in [1, 3600]",
        )?;
        ensure_in(
            "motion_timeout_s",
            self.motion_timeout_s,
            1.0..=3600.0,
            "seconds in [1, 3600]",
        )?;
        ensure_in(
            "search_timeout_s",
            self.search_timeout_s,
            1.0..=7200.0,
            "seconds in [1, 7200]",
        )?;
        ensure_in(
            "blocked_timeout_s",
            self.blocked_timeout_s,
            0.0..=600.0,
            "seconds in [0, 600]",
        )?;
        ensure_in(
            "obstacle_memory_s",
            self.obstacle_memory_s,
            0.0..=600.0,
            "seconds in [0, 600]",
        )?;
        ensure_in(
            "blocked_lookahead_m",
            self.blocked_lookahead_m,
            0.3..=20.0,
            "metres in [0.3, 20]",
        )?;
        ensure_in(
            "object_approach_distance_m",
            self.object_approach_distance_m,
            0.2..=1.5,
            "metres in [0.2, 1.5]",
        )?;
        ensure_in(
            "service_timeout_s",
            self.service_timeout_s,
            0.1..=60.0,
            "seconds in [0.1, 60]",
        )?;
        Ok(self)
    }

    /// The control period.
    pub fn control_period(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(1.0 / self.control_rate_hz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(Params::default().validate().is_ok());
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let cases = [
            Params {
                max_linear_speed_mps: 0.0,
                ..Params::default()
            },
            Params {
                max_linear_speed_mps: f64::NAN,
                ..Params::default()
            },
            Params {
                slow_distance_m: 0.1,
                ..Params::default()
            },
            Params {
                forbidden_zones: vec![1.0, 2.0, 3.0],
                ..Params::default()
            },
            Params {
                forbidden_zones: vec![3.0, 2.0, 1.0, 4.0],
                ..Params::default()
            },
            Params {
                lookahead_max_m: 0.2,
                ..Params::default()
            },
        ];
        let names = [
            "max_linear_speed_mps",
            "max_linear_speed_mps",
            "slow_distance_m",
            "forbidden_zones",
            "forbidden_zones",
            "lookahead_max_m",
        ];
        for (params, name) in cases.into_iter().zip(names) {
            let error = params.validate().unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }
}
