//! The simulator's parameters: tunables only. Physical facts (sizes, drive limits, sensor
//! rates, ranges and noise) come from the SDF.

use crate::Error;

/// Simulator tunables; field docs are the ROS parameter descriptions (`config/sim.yaml`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// World SDF file; empty: the home world from the installed share or the workspace.
    pub world_sdf: String,
    /// Semantic map YAML; empty: the one beside the home world (`config/world/home.yaml`).
    pub semantic_map: String,
    /// Seed of every random draw (lidar noise, odometry drift): same seed, same run.
    pub seed: u64,
    /// Simulated seconds per wall-clock second; 0 steps as fast as possible.
    pub real_time_factor: f64,
    /// Physics steps per simulated second, Hz, within [20, 2000].
    pub physics_rate_hz: f64,
    /// Seconds without a /cmd_vel after which the robot brakes to a stop; 0 never.
    pub command_timeout_s: f64,
    /// Adds the SDF's gaussian lidar noise to the ranges.
    pub lidar_noise: bool,
    /// Odometry scale error of travelled distance (0.01 reports 1 % too much), within [-0.5, 0.5].
    pub odom_linear_bias: f64,
    /// Odometry scale error of turned angle, within [-0.5, 0.5].
    pub odom_angular_bias: f64,
    /// Odometry noise: standard deviation per step relative to the distance of that step, within [0, 1].
    pub odom_linear_noise: f64,
    /// Odometry noise: standard deviation per step relative to the angle of that step, within [0, 1].
    pub odom_angular_noise: f64,
    /// Battery capacity, Ah.
    pub battery_capacity_ah: f64,
    /// Battery nominal voltage, V.
    pub battery_voltage_v: f64,
    /// Charge at start, fraction in [0, 1].
    pub battery_initial_charge: f64,
    /// Current drawn standing still (computers, sensors), A.
    pub battery_idle_current_a: f64,
    /// Extra current per m/s of linear speed, A.
    pub battery_drive_current_a_per_mps: f64,
    /// Extra current per rad/s of turning speed, A.
    pub battery_turn_current_a_per_radps: f64,
    /// Charging current while at the dock, A.
    pub battery_charge_current_a: f64,
    /// Battery reports per simulated second, Hz.
    pub battery_rate_hz: f64,
    /// How far from the robot's centre the gripper reaches (horizontal distance to the object), m.
    pub grasp_reach_m: f64,
    /// Publishes the identity map -> odom transform on /tf_static (no localisation: map = odom).
    pub publish_map_to_odom: bool,
    /// Run file (JSON lines of ground truth and events, `sim plot` draws it); empty: none.
    pub record_path: String,
    /// Ground-truth samples per simulated second in the run file, Hz.
    pub record_rate_hz: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            world_sdf: String::new(),
            semantic_map: String::new(),
            seed: 1,
            real_time_factor: 1.0,
            physics_rate_hz: 100.0,
            command_timeout_s: 0.5,
            lidar_noise: true,
            odom_linear_bias: 0.0,
            odom_angular_bias: 0.0,
            odom_linear_noise: 0.0,
            odom_angular_noise: 0.0,
            battery_capacity_ah: 10.0,
            battery_voltage_v: 24.0,
            battery_initial_charge: 1.0,
            battery_idle_current_a: 0.8,
            battery_drive_current_a_per_mps: 3.0,
            battery_turn_current_a_per_radps: 1.0,
            battery_charge_current_a: 5.0,
            battery_rate_hz: 1.0,
            grasp_reach_m: 0.75,
            publish_map_to_odom: true,
            record_path: String::new(),
            record_rate_hz: 10.0,
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

impl Params {
    /// Checks ranges, naming the parameter.
    ///
    /// # Errors
    /// [`Error::ParamOutOfRange`].
    pub fn validate(self) -> Result<Self, Error> {
        ensure_in(
            "real_time_factor",
            self.real_time_factor,
            0.0..=10_000.0,
            "a factor in [0, 10000] (0: as fast as possible)",
        )?;
        ensure_in(
            "physics_rate_hz",
            self.physics_rate_hz,
            20.0..=2000.0,
            "a rate in [20, 2000] Hz",
        )?;
        ensure_in(
            "command_timeout_s",
            self.command_timeout_s,
            0.0..=60.0,
            "seconds in [0, 60]",
        )?;
        for (name, value) in [
            ("odom_linear_bias", self.odom_linear_bias),
            ("odom_angular_bias", self.odom_angular_bias),
        ] {
            ensure_in(name, value, -0.5..=0.5, "a fraction in [-0.5, 0.5]")?;
        }
        for (name, value) in [
            ("odom_linear_noise", self.odom_linear_noise),
            ("odom_angular_noise", self.odom_angular_noise),
            ("battery_initial_charge", self.battery_initial_charge),
        ] {
            ensure_in(name, value, 0.0..=1.0, "a fraction in [0, 1]")?;
        }
        for (name, value) in [
            ("battery_capacity_ah", self.battery_capacity_ah),
            ("battery_voltage_v", self.battery_voltage_v),
        ] {
            ensure_in(name, value, 1e-3..=1e4, "a positive number up to 10000")?;
        }
        for (name, value) in [
            ("battery_idle_current_a", self.battery_idle_current_a),
            (
                "battery_drive_current_a_per_mps",
                self.battery_drive_current_a_per_mps,
            ),
            (
                "battery_turn_current_a_per_radps",
                self.battery_turn_current_a_per_radps,
            ),
            ("battery_charge_current_a", self.battery_charge_current_a),
        ] {
            ensure_in(name, value, 0.0..=1e3, "amperes in [0, 1000]")?;
        }
        for (name, value) in [
            ("battery_rate_hz", self.battery_rate_hz),
            ("record_rate_hz", self.record_rate_hz),
        ] {
            ensure_in(name, value, 0.01..=1000.0, "a rate in [0.01, 1000] Hz")?;
        }
        ensure_in(
            "grasp_reach_m",
            self.grasp_reach_m,
            0.0..=5.0,
            "metres in [0, 5]",
        )?;
        Ok(self)
    }

    /// The physics step.
    pub fn physics_step(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(1.0 / self.physics_rate_hz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(Params::default().validate().is_ok());
        let error = Params {
            physics_rate_hz: 5.0,
            ..Params::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("parameter physics_rate_hz = 5"),
            "{error}"
        );
        let error = Params {
            odom_linear_noise: f64::NAN,
            ..Params::default()
        }
        .validate()
        .unwrap_err();
        assert!(error.to_string().contains("odom_linear_noise"), "{error}");
    }
}
