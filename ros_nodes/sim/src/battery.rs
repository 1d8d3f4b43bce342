//! A coulomb-counting battery: a constant idle draw plus a draw proportional to speed, and a
//! charging current at the dock.

use crate::Params;

/// What the battery is doing (the `sensor_msgs/BatteryState` `POWER_SUPPLY_STATUS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ChargeState {
    /// At the dock, filling.
    Charging,
    /// Away from the dock.
    Discharging,
    /// At the dock and full.
    Full,
}

/// One reading of the battery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatteryReading {
    /// Charge, Ah.
    pub charge_ah: f64,
    /// Capacity, Ah.
    pub capacity_ah: f64,
    /// Charge as a fraction of capacity, in [0, 1].
    pub fraction: f64,
    /// Current, A: positive while charging, negative while discharging.
    pub current_a: f64,
    /// Terminal voltage, V (nominal, sagging a little when nearly empty).
    pub voltage_v: f64,
    /// Charging, discharging or full.
    pub state: ChargeState,
}

/// The battery's state.
#[derive(Debug, Clone)]
pub struct Battery {
    capacity_ah: f64,
    charge_ah: f64,
    nominal_voltage_v: f64,
    idle_current_a: f64,
    drive_current_a_per_mps: f64,
    turn_current_a_per_radps: f64,
    charge_current_a: f64,
    current_a: f64,
    state: ChargeState,
}

impl Battery {
    /// A battery as `params` describe it, at its initial charge.
    pub fn new(params: &Params) -> Self {
        Self {
            capacity_ah: params.battery_capacity_ah,
            charge_ah: params.battery_capacity_ah * params.battery_initial_charge,
            nominal_voltage_v: params.battery_voltage_v,
            idle_current_a: params.battery_idle_current_a,
            drive_current_a_per_mps: params.battery_drive_current_a_per_mps,
            turn_current_a_per_radps: params.battery_turn_current_a_per_radps,
            charge_current_a: params.battery_charge_current_a,
            current_a: 0.0,
            state: ChargeState::Discharging,
        }
    }

    /// Advances by `dt_s` seconds while the robot moves at `linear_mps` and `angular_radps`;
    /// `docked` robots charge (and draw nothing from the battery while charging).
    pub fn step(&mut self, dt_s: f64, linear_mps: f64, angular_radps: f64, docked: bool) {
        let draw = self.idle_current_a
            + self.drive_current_a_per_mps * linear_mps.abs()
            + self.turn_current_a_per_radps * angular_radps.abs();
        let full = self.charge_ah >= self.capacity_ah;
        (self.current_a, self.state) = match (docked, full) {
            (true, true) => (0.0, ChargeState::Full),
            (true, false) => (self.charge_current_a, ChargeState::Charging),
            (false, _) => (-draw, ChargeState::Discharging),
        };
        self.charge_ah =
            (self.charge_ah + self.current_a * dt_s / 3600.0).clamp(0.0, self.capacity_ah);
    }

    /// Whether the battery is flat (the drive stops).
    pub fn is_empty(&self) -> bool {
        self.charge_ah <= 0.0
    }

    /// The current reading.
    pub fn reading(&self) -> BatteryReading {
        let fraction = (self.charge_ah / self.capacity_ah).clamp(0.0, 1.0);
        // A flat discharge curve with a drop in the last 10 %: enough for a low-voltage alarm.
        let sag = if fraction < 0.1 {
            0.15 * (0.1 - fraction) / 0.1
        } else {
            0.0
        };
        BatteryReading {
            charge_ah: self.charge_ah,
            capacity_ah: self.capacity_ah,
            fraction,
            current_a: self.current_a,
            voltage_v: self.nominal_voltage_v * (1.0 - sag),
            state: self.state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_faster_when_moving_and_fills_at_the_dock() {
        let params = Params {
            battery_initial_charge: 0.5,
            ..Params::default()
        };
        let mut idle = Battery::new(&params);
        let mut moving = Battery::new(&params);
        idle.step(600.0, 0.0, 0.0, false);
        moving.step(600.0, 0.5, 0.5, false);
        assert!(moving.reading().charge_ah < idle.reading().charge_ah);
        assert!(idle.reading().fraction < 0.5);
        assert_eq!(idle.reading().state, ChargeState::Discharging);
        let mut docked = Battery::new(&params);
        docked.step(600.0, 0.0, 0.0, true);
        assert!(docked.reading().fraction > 0.5);
        assert_eq!(docked.reading().state, ChargeState::Charging);
        for _ in 0..100 {
            docked.step(600.0, 0.0, 0.0, true);
        }
        assert_eq!(docked.reading().fraction, 1.0);
        assert_eq!(docked.reading().state, ChargeState::Full);
    }
}
