//! Path tracking: regulated pure pursuit (Macenski et al., "Regulated Pure Pursuit for Robot
//! Path Tracking", 2023): a lookahead point that grows with speed, the curvature to reach it,
//! speed scaled down in tight turns and near the goal, and rotation in place when the path
//! points far away from the heading. Plus the braking-aware speed profiles of MOVE and TURN.

use nalgebra::{Isometry2, Point2};

use crate::Params;
use crate::frames::{position, wrap_angle};

/// A velocity command: forward speed (m/s) and turning speed (rad/s, counter-clockwise), as
/// `geometry_msgs/Twist` `linear.x` and `angular.z`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Velocity {
    /// Forward speed, m/s.
    pub linear: f64,
    /// Turning speed, rad/s.
    pub angular: f64,
}

impl Velocity {
    /// Standing still.
    pub const ZERO: Self = Self {
        linear: 0.0,
        angular: 0.0,
    };
}

/// The pure pursuit tunables, from [`Params`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PursuitTuning {
    /// Top speed, m/s.
    pub max_speed: f64,
    /// Top turning speed, rad/s.
    pub max_turn: f64,
    /// Turning acceleration used to plan braking of rotations, rad/s².
    pub turn_accel: f64,
    /// Linear deceleration used to plan braking before the goal, m/s².
    pub decel: f64,
    /// Shortest lookahead, m.
    pub lookahead_min: f64,
    /// Longest lookahead, m.
    pub lookahead_max: f64,
    /// Lookahead per m/s of speed, s.
    pub lookahead_time: f64,
    /// Turns tighter than this radius slow down, m.
    pub min_radius: f64,
    /// Speed ramps down over this distance before the goal, m.
    pub approach_distance: f64,
    /// Slowest approach speed, m/s.
    pub min_approach_speed: f64,
    /// Rotate in place above this heading error, rad.
    pub rotate_threshold: f64,
}

impl PursuitTuning {
    /// The tuning in `params`.
    pub fn from_params(params: &Params) -> Self {
        Self {
            max_speed: params.max_linear_speed_mps,
            max_turn: params.max_angular_speed_radps,
            turn_accel: params.max_angular_accel_radps2,
            decel: params.max_linear_decel_mps2,
            lookahead_min: params.lookahead_min_m,
            lookahead_max: params.lookahead_max_m,
            lookahead_time: params.lookahead_time_s,
            min_radius: params.regulated_min_radius_m,
            approach_distance: params.approach_distance_m,
            min_approach_speed: params.min_approach_speed_mps,
            rotate_threshold: params.rotate_in_place_deg.to_radians(),
        }
    }
}

/// Progress along a path: the segment the robot is on. Only moves forward, so a path that
/// doubles back is followed in order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    segment: usize,
}

impl Progress {
    /// Index of the path segment the robot is on.
    pub fn segment(&self) -> usize {
        self.segment
    }
}

/// Projects `p` on the path from `progress` on (a window of a few segments), advancing it;
/// returns the remaining length from the projection to the end.
pub fn advance(path: &[Point2<f64>], progress: &mut Progress, p: &Point2<f64>) -> f64 {
    let last = path.len().saturating_sub(2);
    let mut best = (f64::INFINITY, progress.segment, 0.0);
    for i in progress.segment..=(progress.segment + 3).min(last) {
        let (a, b) = (path[i], path[i + 1]);
        let ab = b - a;
        let t = if ab.norm_squared() > 0.0 {
            ((p - a).dot(&ab) / ab.norm_squared()).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let d = (p - (a + ab * t)).norm();
        if d < best.0 - 1e-9 {
            best = (d, i, t);
        }
    }
    progress.segment = best.1;
    let (a, b) = (path[best.1], path[best.1 + 1]);
    let rest: f64 = path[best.1 + 1..]
        .windows(2)
        .map(|w| (w[1] - w[0]).norm())
        .sum();
    (b - a).norm() * (1.0 - best.2) + rest
}

/// The point `distance` ahead of the robot's projection along the path.
fn lookahead_point(
    path: &[Point2<f64>],
    progress: Progress,
    from: &Point2<f64>,
    distance: f64,
) -> Point2<f64> {
    // Walk from the current segment; the first point at `distance` from the robot.
    for i in progress.segment..path.len() - 1 {
        let (a, b) = (path[i], path[i + 1]);
        if (b - from).norm() >= distance {
            // Solve |a + t(b-a) - from| = distance for the larger t in [0, 1].
            let d = b - a;
            let f = a - from;
            let (qa, qb, qc) = (d.dot(&d), 2.0 * f.dot(&d), f.dot(&f) - distance * distance);
            let disc = qb * qb - 4.0 * qa * qc;
            if qa > 0.0 && disc >= 0.0 {
                let t = ((-qb + disc.sqrt()) / (2.0 * qa)).clamp(0.0, 1.0);
                return a + d * t;
            }
            return b;
        }
    }
    path[path.len() - 1]
}

/// Speed with which a stop within `distance` is still possible at deceleration `decel`.
pub fn braking_speed(distance: f64, decel: f64) -> f64 {
    (2.0 * decel * distance.max(0.0)).sqrt()
}

/// One pure pursuit command for the robot at `pose` (map frame) going at `speed` along `path`;
/// `remaining` is the path length left (from [`advance`]).
pub fn pursue(
    tuning: &PursuitTuning,
    pose: &Isometry2<f64>,
    path: &[Point2<f64>],
    progress: Progress,
    speed: f64,
    remaining: f64,
) -> Velocity {
    let here = position(pose);
    let lookahead =
        (speed.abs() * tuning.lookahead_time).clamp(tuning.lookahead_min, tuning.lookahead_max);
    let target = lookahead_point(path, progress, &here, lookahead);
    let local = pose.inverse_transform_point(&target);
    let bearing = local.y.atan2(local.x);
    if bearing.abs() > tuning.rotate_threshold {
        return Velocity {
            linear: 0.0,
            angular: rotation_speed(tuning, bearing),
        };
    }
    let l2 = local.coords.norm_squared().max(1e-6);
    let curvature = 2.0 * local.y / l2;
    let mut linear = tuning.max_speed;
    // Curvature regulation: slow down in turns tighter than the minimum radius.
    let radius = 1.0 / curvature.abs().max(1e-9);
    if radius < tuning.min_radius {
        linear *= radius / tuning.min_radius;
    }
    // Approach regulation and a braking profile to stop at the end.
    if remaining < tuning.approach_distance {
        linear *= remaining / tuning.approach_distance;
    }
    linear = linear
        .min(braking_speed(remaining, tuning.decel * 0.5))
        .max(tuning.min_approach_speed.min(tuning.max_speed));
    let mut angular = linear * curvature;
    if angular.abs() > tuning.max_turn {
        // Keep the curvature: slow down instead of turning wider.
        linear *= tuning.max_turn / angular.abs();
        angular = angular.signum() * tuning.max_turn;
    }
    Velocity { linear, angular }
}

/// Turning speed to cut a heading error of `error` rad: proportional, braking-aware, with a
/// small floor so it finishes.
pub fn rotation_speed(tuning: &PursuitTuning, error: f64) -> f64 {
    let error = wrap_angle(error);
    let magnitude = (1.5 * error.abs())
        .min(braking_speed(error.abs(), tuning.turn_accel * 0.5))
        .min(tuning.max_turn)
        .max(0.12_f64.min(tuning.max_turn));
    error.signum() * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Vector2;

    fn tuning() -> PursuitTuning {
        PursuitTuning::from_params(&Params::default())
    }

    #[test]
    fn straight_path_drives_straight_at_top_speed() {
        let path = [Point2::new(0.0, 0.0), Point2::new(5.0, 0.0)];
        let pose = Isometry2::new(Vector2::zeros(), 0.0);
        let mut progress = Progress::default();
        let remaining = advance(&path, &mut progress, &Point2::origin());
        let v = pursue(&tuning(), &pose, &path, progress, 0.2, remaining);
        assert!((v.linear - tuning().max_speed).abs() < 1e-9, "{v:?}");
        assert!(v.angular.abs() < 1e-9);
    }

    #[test]
    fn path_behind_means_rotate_in_place_towards_it() {
        let path = [Point2::new(0.0, 0.0), Point2::new(0.0, 3.0)];
        let pose = Isometry2::new(Vector2::zeros(), -std::f64::consts::FRAC_PI_2);
        let v = pursue(&tuning(), &pose, &path, Progress::default(), 0.0, 3.0);
        assert_eq!(v.linear, 0.0);
        assert!(v.angular != 0.0);
    }

    #[test]
    fn path_to_the_left_turns_left_and_slows_near_the_goal() {
        let path = [Point2::new(0.0, 0.0), Point2::new(1.0, 0.3)];
        let pose = Isometry2::new(Vector2::zeros(), 0.0);
        let v = pursue(&tuning(), &pose, &path, Progress::default(), 0.2, 0.2);
        assert!(v.angular > 0.0);
        assert!(v.linear < tuning().max_speed);
    }

    #[test]
    fn progress_never_goes_back() {
        let path = [
            Point2::new(0.0, 0.0),
            Point2::new(2.0, 0.0),
            Point2::new(2.0, 2.0),
        ];
        let mut progress = Progress::default();
        let r1 = advance(&path, &mut progress, &Point2::new(2.0, 1.0));
        assert_eq!(progress.segment, 1);
        assert!((r1 - 1.0).abs() < 1e-9);
        advance(&path, &mut progress, &Point2::new(0.5, 0.0));
        assert_eq!(progress.segment, 1);
    }
}
