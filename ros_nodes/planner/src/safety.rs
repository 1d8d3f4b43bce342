//! The safety governor: the last stage before `/cmd_vel`. Every command the planner makes,
//! whatever task asked for it, passes through [`Governor::filter`], which enforces the speed
//! limits, acceleration and jerk limits while speeding up, a stop distance from the lidar in
//! the direction of motion, the forbidden zones, and a watchdog that stops the robot when
//! odometry or the scan goes stale. Slowing down is always allowed; safety stops are immediate.

use std::time::Duration;

use nalgebra::{Isometry2, Point2, Vector2};

use crate::Params;
use crate::controller::{Velocity, braking_speed};
use crate::frames::{heading, position};
use crate::map::Zone;

/// Slowest creep speed towards an obstacle that is still beyond the stop distance, m/s.
const CREEP_SPEED_MPS: f64 = 0.03;
/// Sideways clearance added to the robot's radius for the lidar corridor, m: small, so that a
/// wall alongside (the planner keeps its safety margin from walls) does not stop the robot.
const CORRIDOR_MARGIN_M: f64 = 0.01;

/// The governor's limits, from [`Params`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Top forward speed, m/s.
    pub max_linear: f64,
    /// Top backward speed, m/s.
    pub max_reverse: f64,
    /// Top turning speed, rad/s.
    pub max_angular: f64,
    /// Linear acceleration, m/s².
    pub linear_accel: f64,
    /// Ordinary linear deceleration, m/s².
    pub linear_decel: f64,
    /// Angular acceleration (and deceleration), rad/s².
    pub angular_accel: f64,
    /// Linear jerk while speeding up, m/s³.
    pub linear_jerk: f64,
    /// Angular jerk while speeding up, rad/s³.
    pub angular_jerk: f64,
    /// Stop distance from the lidar, m (to the robot's outline).
    pub stop_distance: f64,
    /// Slow-down distance, m.
    pub slow_distance: f64,
    /// Odometry watchdog.
    pub odom_timeout: Duration,
    /// Scan watchdog.
    pub scan_timeout: Duration,
    /// Robot radius, m.
    pub robot_radius: f64,
}

impl Limits {
    /// The limits in `params` for a robot of `robot_radius` m.
    pub fn from_params(params: &Params, robot_radius: f64) -> Self {
        Self {
            max_linear: params.max_linear_speed_mps,
            max_reverse: params.max_reverse_speed_mps,
            max_angular: params.max_angular_speed_radps,
            linear_accel: params.max_linear_accel_mps2,
            linear_decel: params.max_linear_decel_mps2,
            angular_accel: params.max_angular_accel_radps2,
            linear_jerk: params.max_linear_jerk_mps3,
            angular_jerk: params.max_angular_jerk_radps3,
            stop_distance: params.stop_distance_m,
            slow_distance: params.slow_distance_m,
            odom_timeout: Duration::from_secs_f64(params.odom_timeout_s),
            scan_timeout: Duration::from_secs_f64(params.scan_timeout_s),
            robot_radius,
        }
    }
}

/// Free space the latest scan shows along the robot's straight-line corridor, measured from
/// the robot's outline, m (`+inf` when nothing is in the way).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clearance {
    /// Ahead (forward motion).
    pub ahead: f64,
    /// Behind (backward motion).
    pub behind: f64,
}

impl Default for Clearance {
    fn default() -> Self {
        Self {
            ahead: f64::INFINITY,
            behind: f64::INFINITY,
        }
    }
}

impl Clearance {
    /// The corridor clearances of lidar returns given in the base_link frame.
    pub fn from_points(points: impl IntoIterator<Item = Point2<f64>>, robot_radius: f64) -> Self {
        let half_width = robot_radius + CORRIDOR_MARGIN_M;
        let mut clearance = Self::default();
        for p in points {
            if p.y.abs() > half_width {
                continue;
            }
            // Distance from the disc's front (or back) along x at this lateral offset.
            let body = (robot_radius * robot_radius - p.y.min(robot_radius).powi(2))
                .max(0.0)
                .sqrt();
            if p.x > 0.0 {
                clearance.ahead = clearance.ahead.min((p.x - body).max(0.0));
            } else {
                clearance.behind = clearance.behind.min((-p.x - body).max(0.0));
            }
        }
        clearance
    }
}

/// What the governor knows of the world this period.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetyInputs<'a> {
    /// Age of the latest odometry; `None` before any arrived.
    pub odom_age: Option<Duration>,
    /// Age of the latest scan; `None` before any arrived.
    pub scan_age: Option<Duration>,
    /// Clearance from the latest scan.
    pub clearance: Clearance,
    /// Robot pose in the map frame, if known.
    pub pose: Option<Isometry2<f64>>,
    /// Forbidden zones.
    pub zones: &'a [Zone],
}

/// Why the governor changed a command (beyond the ordinary limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intervention {
    /// Passed through (possibly clamped and ramped).
    None,
    /// Odometry or scan stale (or missing): zero velocity.
    Watchdog,
    /// An obstacle within the stop distance in the direction of motion: linear speed zero.
    Obstacle,
    /// The motion would take the body into a forbidden zone: linear speed zero.
    Zone,
    /// A non-finite command was dropped.
    NonFinite,
}

/// The governor: remembers what it last sent to shape the next command.
#[derive(Debug, Clone)]
pub struct Governor {
    limits: Limits,
    last: Velocity,
    /// Acceleration magnitude of the last speeding-up step (linear, angular); 0 otherwise.
    speeding_up: (f64, f64),
}

impl Governor {
    /// A governor at rest.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            last: Velocity::ZERO,
            speeding_up: (0.0, 0.0),
        }
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The last command sent.
    pub fn last(&self) -> Velocity {
        self.last
    }

    /// Zero velocity at once (STOP, cancel): the base brakes at its own limit.
    pub fn emergency_stop(&mut self) -> Velocity {
        self.last = Velocity::ZERO;
        self.speeding_up = (0.0, 0.0);
        self.last
    }

    /// The command to send for `desired`, `dt` after the previous one.
    pub fn filter(
        &mut self,
        desired: Velocity,
        inputs: &SafetyInputs<'_>,
        dt: f64,
    ) -> (Velocity, Intervention) {
        let limits = self.limits;
        if !(desired.linear.is_finite() && desired.angular.is_finite()) {
            return (self.emergency_stop(), Intervention::NonFinite);
        }
        let stale = |age: Option<Duration>, timeout: Duration| age.is_none_or(|a| a > timeout);
        if stale(inputs.odom_age, limits.odom_timeout)
            || stale(inputs.scan_age, limits.scan_timeout)
        {
            return (self.emergency_stop(), Intervention::Watchdog);
        }
        let mut intervention = Intervention::None;
        let desired_linear = desired.linear.clamp(-limits.max_reverse, limits.max_linear);
        let desired_angular = desired
            .angular
            .clamp(-limits.max_angular, limits.max_angular);
        // Ramp first, then the safety caps: they only ever reduce the speed the robot would
        // have, in the direction it would actually move (braking is always allowed).
        let (mut linear, _) = ramp(
            self.last.linear,
            desired_linear,
            self.speeding_up.0,
            limits.linear_accel,
            limits.linear_decel,
            limits.linear_jerk,
            dt,
        );
        let (angular, angular_accel) = ramp(
            self.last.angular,
            desired_angular,
            self.speeding_up.1,
            limits.angular_accel,
            limits.angular_accel,
            limits.angular_jerk,
            dt,
        );
        // Lidar: stop, or slow so that braking ends before the stop distance.
        if linear != 0.0 {
            let clearance = if linear > 0.0 {
                inputs.clearance.ahead
            } else {
                inputs.clearance.behind
            };
            if clearance <= limits.stop_distance {
                linear = 0.0;
                intervention = Intervention::Obstacle;
            } else {
                let room = clearance - limits.stop_distance;
                let slow = (room / (limits.slow_distance - limits.stop_distance)).min(1.0);
                let cap = (limits.max_linear * slow)
                    .min(braking_speed(room, limits.linear_decel))
                    .max(CREEP_SPEED_MPS);
                linear = linear.clamp(-cap, cap);
            }
        }
        // Forbidden zones: the point the body reaches before it could stop.
        if linear != 0.0
            && let Some(pose) = &inputs.pose
            && let Some(zone) = zone_ahead(pose, linear, dt, &limits, inputs.zones)
        {
            tracing::debug!(zone = %zone.describe(), "governor: forbidden zone ahead");
            linear = 0.0;
            intervention = Intervention::Zone;
        }
        let gained = linear.abs() - self.last.linear.abs();
        let linear_accel = if gained > 0.0 && dt > 0.0 {
            gained / dt
        } else {
            0.0
        };
        self.last = Velocity { linear, angular };
        self.speeding_up = (linear_accel, angular_accel);
        (self.last, intervention)
    }
}

/// The forbidden zone the body would enter before a stop from `linear`, if any. A robot
/// already touching a zone may move only where the zone gets farther.
fn zone_ahead<'z>(
    pose: &Isometry2<f64>,
    linear: f64,
    dt: f64,
    limits: &Limits,
    zones: &'z [Zone],
) -> Option<&'z Zone> {
    let reach = linear.abs() * dt + linear * linear / (2.0 * limits.linear_decel) + 0.05;
    let here = position(pose);
    let direction: Vector2<f64> = heading(pose) * linear.signum();
    let ahead = here + direction * reach;
    zones.iter().find(|zone| {
        let (now, then) = (zone.distance_to(&here), zone.distance_to(&ahead));
        then <= limits.robot_radius && then < now
    })
}

/// One step of a speed towards `target`: slowing down at `decel` (never past zero), speeding
/// up at an acceleration that grows by at most `jerk·dt` per step up to `accel`. Returns the
/// new speed and the acceleration used if it sped up (else 0).
fn ramp(
    previous: f64,
    target: f64,
    previous_accel: f64,
    accel: f64,
    decel: f64,
    jerk: f64,
    dt: f64,
) -> (f64, f64) {
    let reversing = previous != 0.0 && target.signum() != previous.signum() && target != 0.0;
    if reversing || target.abs() <= previous.abs() {
        // Slow down towards the target (or to zero first when reversing).
        let goal = if reversing { 0.0 } else { target };
        let step = (goal - previous).clamp(-decel * dt, decel * dt);
        return (previous + step, 0.0);
    }
    let allowed = accel.min(previous_accel + jerk * dt);
    let increase = (target.abs() - previous.abs()).min(allowed * dt);
    let speed = target.signum() * (previous.abs() + increase);
    (speed, if dt > 0.0 { increase / dt } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn limits() -> Limits {
        Limits::from_params(&Params::default(), 0.18)
    }

    fn fresh<'a>(
        clearance: Clearance,
        pose: Option<Isometry2<f64>>,
        zones: &'a [Zone],
    ) -> SafetyInputs<'a> {
        SafetyInputs {
            odom_age: Some(Duration::from_millis(20)),
            scan_age: Some(Duration::from_millis(50)),
            clearance,
            pose,
            zones,
        }
    }

    #[test]
    fn stale_odometry_or_scan_gives_zero() {
        let mut governor = Governor::new(limits());
        let go = Velocity {
            linear: 0.2,
            angular: 0.3,
        };
        let mut inputs = fresh(Clearance::default(), None, &[]);
        inputs.odom_age = Some(Duration::from_secs(2));
        assert_eq!(
            governor.filter(go, &inputs, 0.05),
            (Velocity::ZERO, Intervention::Watchdog)
        );
        inputs.odom_age = Some(Duration::ZERO);
        inputs.scan_age = None;
        assert_eq!(
            governor.filter(go, &inputs, 0.05),
            (Velocity::ZERO, Intervention::Watchdog)
        );
    }

    #[test]
    fn obstacle_within_stop_distance_stops_forward_but_not_backward() {
        let mut governor = Governor::new(limits());
        let blocked = Clearance {
            ahead: 0.05,
            behind: 5.0,
        };
        let (v, why) = governor.filter(
            Velocity {
                linear: 0.2,
                angular: 0.0,
            },
            &fresh(blocked, None, &[]),
            0.05,
        );
        assert_eq!((v.linear, why), (0.0, Intervention::Obstacle));
        let (v, why) = governor.filter(
            Velocity {
                linear: -0.1,
                angular: 0.0,
            },
            &fresh(blocked, None, &[]),
            0.05,
        );
        assert!(v.linear < 0.0);
        assert_eq!(why, Intervention::None);
    }

    #[test]
    fn forbidden_zone_ahead_stops_the_robot() {
        let zones = [Zone::Rectangle {
            min: Point2::new(1.0, -1.0),
            max: Point2::new(2.0, 1.0),
        }];
        let mut governor = Governor::new(limits());
        let pose = Isometry2::new(Vector2::new(0.79, 0.0), 0.0);
        let (v, why) = governor.filter(
            Velocity {
                linear: 0.2,
                angular: 0.0,
            },
            &fresh(Clearance::default(), Some(pose), &zones),
            0.05,
        );
        assert_eq!((v.linear, why), (0.0, Intervention::Zone));
        // Facing away, it may leave.
        let pose = Isometry2::new(Vector2::new(0.79, 0.0), std::f64::consts::PI);
        let (v, _) = governor.filter(
            Velocity {
                linear: 0.2,
                angular: 0.0,
            },
            &fresh(Clearance::default(), Some(pose), &zones),
            0.05,
        );
        assert!(v.linear > 0.0);
    }

    #[test]
    fn corridor_clearance_counts_only_points_in_the_way() {
        let points = [
            Point2::new(1.0, 0.0),
            Point2::new(0.5, 0.5),
            Point2::new(0.05, 0.2),
            Point2::new(-2.0, 0.1),
        ];
        let c = Clearance::from_points(points, 0.18);
        assert!((c.ahead - 0.82).abs() < 1e-9, "{c:?}");
        assert!(c.behind < 2.0 && c.behind > 1.8);
    }

    proptest! {
        /// Whatever is asked, in whatever order, with whatever sensor state, the commands
        /// obey the limits.
        #[test]
        fn limits_hold_for_every_command(
            commands in prop::collection::vec(
                (-10.0f64..10.0, -10.0f64..10.0, 0.0f64..3.0, 0.0f64..3.0, 0u64..800, 0u64..800),
                1..200,
            ),
        ) {
            let limits = limits();
            let mut governor = Governor::new(limits);
            let dt = 0.05;
            let mut previous = Velocity::ZERO;
            let mut previous_accel = (0.0f64, 0.0f64);
            for (linear, angular, ahead, behind, odom_ms, scan_ms) in commands {
                let clearance = Clearance { ahead, behind };
                let mut inputs = fresh(clearance, None, &[]);
                inputs.odom_age = Some(Duration::from_millis(odom_ms));
                inputs.scan_age = Some(Duration::from_millis(scan_ms));
                let (v, _) = governor.filter(Velocity { linear, angular }, &inputs, dt);
                prop_assert!(v.linear <= limits.max_linear + 1e-12);
                prop_assert!(v.linear >= -limits.max_reverse - 1e-12);
                prop_assert!(v.angular.abs() <= limits.max_angular + 1e-12);
                let stale = inputs.odom_age > Some(limits.odom_timeout) || inputs.scan_age > Some(limits.scan_timeout);
                if stale {
                    prop_assert_eq!(v, Velocity::ZERO);
                }
                if v.linear > 0.0 { prop_assert!(ahead > limits.stop_distance); }
                if v.linear < 0.0 { prop_assert!(behind > limits.stop_distance); }
                // Speeding up: bounded acceleration and jerk; a sign never flips in one step.
                for (now, before, accel, jerk, before_accel, index) in [
                    (v.linear, previous.linear, limits.linear_accel, limits.linear_jerk, previous_accel.0, 0),
                    (v.angular, previous.angular, limits.angular_accel, limits.angular_jerk, previous_accel.1, 1),
                ] {
                    prop_assert!(now * before >= 0.0, "sign flip {before} -> {now}");
                    let gained = (now.abs() - before.abs()) / dt;
                    if gained > 1e-12 {
                        prop_assert!(gained <= accel + 1e-9);
                        prop_assert!(gained <= before_accel + jerk * dt + 1e-9);
                    }
                    let a = gained.max(0.0);
                    if index == 0 { previous_accel.0 = a } else { previous_accel.1 = a }
                }
                previous = v;
            }
        }
    }
}
