//! Collision geometry of the world with parry2d: the obstacles cut at the heights that matter
//! (the robot's body, the lidar's scan plane), swept casts of the robot's disc with time of
//! impact, ray casts and lines of sight.

use parry2d_f64::math::{Pose, Vector};
use parry2d_f64::query::{self, Ray, RayCast, ShapeCastOptions};
use parry2d_f64::shape::{Ball, Compound, SharedShape};

use crate::world::{Footprint, Obstacle, Pose2D};

/// Gap the robot keeps from what it hits, m: it stops this far from the surface, so the next
/// cast starts outside the obstacle and only motion away from it is free.
pub const CONTACT_SKIN: f64 = 1e-3;

/// One horizontal cut of the world: the obstacles a plane (or a height band) meets, as one
/// parry compound with its bounding-volume tree.
struct Layer {
    compound: Option<Compound>,
    /// Index into the obstacle list of each compound part.
    members: Vec<usize>,
}

impl Layer {
    fn new(obstacles: &[Obstacle], keep: impl Fn(&Obstacle) -> bool) -> Self {
        let mut parts = Vec::new();
        let mut members = Vec::new();
        for (index, obstacle) in obstacles.iter().enumerate() {
            if keep(obstacle) {
                parts.push((to_pose(&obstacle.pose), shape_of(&obstacle.footprint)));
                members.push(index);
            }
        }
        // parry refuses an empty compound: an empty world has no layer.
        let compound = (!parts.is_empty()).then(|| Compound::new(parts));
        Self { compound, members }
    }
}

/// The world's obstacles as the robot, the lidar and the camera meet them.
pub struct Geometry {
    obstacles: Vec<Obstacle>,
    body: Layer,
    scan: Layer,
    robot: Ball,
    body_height: f64,
    scan_height: f64,
}

impl std::fmt::Debug for Geometry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geometry")
            .field("obstacles", &self.obstacles.len())
            .field("body_parts", &self.body.members.len())
            .field("scan_parts", &self.scan.members.len())
            .finish_non_exhaustive()
    }
}

/// Where a swept move ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sweep {
    /// Fraction of the displacement travelled, in [0, 1].
    pub fraction: f64,
    /// Whether it stopped at an obstacle.
    pub blocked: bool,
}

impl Geometry {
    /// The geometry for a robot of `robot_radius` and `body_height` with a lidar scanning at
    /// `scan_height`.
    pub fn new(
        obstacles: Vec<Obstacle>,
        robot_radius: f64,
        body_height: f64,
        scan_height: f64,
    ) -> Self {
        let body = Layer::new(&obstacles, |o| o.overlaps_heights(0.0, body_height));
        let scan = Layer::new(&obstacles, |o| o.spans_height(scan_height));
        Self {
            obstacles,
            body,
            scan,
            robot: Ball::new(robot_radius),
            body_height,
            scan_height,
        }
    }

    /// All obstacles, static and added.
    pub fn obstacles(&self) -> &[Obstacle] {
        &self.obstacles
    }

    /// Adds an obstacle (a box dropped in at run time) and rebuilds the layers.
    pub fn add(&mut self, obstacle: Obstacle) {
        self.obstacles.push(obstacle);
        let body_height = self.body_height;
        let scan_height = self.scan_height;
        self.body = Layer::new(&self.obstacles, |o| o.overlaps_heights(0.0, body_height));
        self.scan = Layer::new(&self.obstacles, |o| o.spans_height(scan_height));
    }

    /// The obstacle the robot's disc at (`x`, `y`) overlaps, if any.
    pub fn overlapping(&self, x: f64, y: f64) -> Option<&Obstacle> {
        let robot_pose = Pose::translation(x, y);
        self.body
            .members
            .iter()
            .map(|&i| &self.obstacles[i])
            .find(|o| {
                query::intersection_test(
                    &robot_pose,
                    &self.robot,
                    &to_pose(&o.pose),
                    &*shape_of(&o.footprint),
                )
                .is_ok_and(|hit| hit.intersecting)
            })
    }

    /// Moves the robot's disc from (`x`, `y`) by (`dx`, `dy`) and reports how far it gets
    /// before touching an obstacle (continuous: no step is long enough to pass a wall).
    pub fn sweep(&self, x: f64, y: f64, dx: f64, dy: f64) -> Sweep {
        let free = Sweep {
            fraction: 1.0,
            blocked: false,
        };
        let Some(compound) = &self.body.compound else {
            return free;
        };
        let options = ShapeCastOptions {
            max_time_of_impact: 1.0,
            target_distance: CONTACT_SKIN,
            // Touching and moving away is free; touching and pushing in is not.
            stop_at_penetration: false,
            compute_impact_geometry_on_penetration: false,
        };
        let hit = query::cast_shapes(
            &Pose::translation(x, y),
            Vector::new(dx, dy),
            &self.robot,
            &Pose::IDENTITY,
            Vector::ZERO,
            compound,
            options,
        );
        match hit {
            Ok(Some(hit)) => Sweep {
                fraction: hit.time_of_impact.clamp(0.0, 1.0),
                blocked: true,
            },
            Ok(None) => free,
            // Every shape pair used here (disc against boxes and discs) is supported; were
            // one not, refusing the move is the safe answer.
            Err(_) => Sweep {
                fraction: 0.0,
                blocked: true,
            },
        }
    }

    /// Distance along the ray from (`x`, `y`) at `angle` to the first obstacle in the lidar's
    /// scan plane, up to `max_range`.
    pub fn scan_ray(&self, x: f64, y: f64, angle: f64, max_range: f64) -> Option<f64> {
        let compound = self.scan.compound.as_ref()?;
        let (sin, cos) = angle.sin_cos();
        let ray = Ray::new(Vector::new(x, y), Vector::new(cos, sin));
        compound.cast_ray(&Pose::IDENTITY, &ray, max_range, true)
    }

    /// Whether the straight sight line from `from` to `to` (x, y, z) is free of walls and
    /// furniture tall enough to hide it: an obstacle occludes when it rises above both ends
    /// (so a table does not hide the cup standing on it, a wall hides everything behind it).
    pub fn line_of_sight(&self, from: [f64; 3], to: [f64; 3]) -> bool {
        let (dx, dy) = (to[0] - from[0], to[1] - from[1]);
        let length = dx.hypot(dy);
        if length <= f64::EPSILON {
            return true;
        }
        let ray = Ray::new(
            Vector::new(from[0], from[1]),
            Vector::new(dx / length, dy / length),
        );
        let sight_top = from[2].max(to[2]);
        let sight_bottom = from[2].min(to[2]);
        !self.obstacles.iter().any(|o| {
            o.z_max >= sight_top
                && o.z_min <= sight_bottom
                && shape_of(&o.footprint)
                    .cast_ray(&to_pose(&o.pose), &ray, length, true)
                    .is_some()
        })
    }
}

fn to_pose(pose: &Pose2D) -> Pose {
    Pose::new(Vector::new(pose.x, pose.y), pose.yaw)
}

fn shape_of(footprint: &Footprint) -> SharedShape {
    match *footprint {
        Footprint::Rectangle { size_x, size_y } => SharedShape::cuboid(size_x / 2.0, size_y / 2.0),
        Footprint::Disc { radius } => SharedShape::ball(radius),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::ObstacleKind;

    fn wall(x: f64, y: f64, size_x: f64, size_y: f64) -> Obstacle {
        Obstacle {
            name: "wall".into(),
            kind: ObstacleKind::Wall,
            pose: Pose2D::new(x, y, 0.0),
            footprint: Footprint::Rectangle { size_x, size_y },
            z_min: 0.0,
            z_max: 2.5,
        }
    }

    #[test]
    fn a_long_sweep_stops_at_a_thin_wall() {
        let geometry = Geometry::new(vec![wall(2.0, 0.0, 0.01, 4.0)], 0.2, 0.4, 0.2);
        let sweep = geometry.sweep(0.0, 0.0, 10.0, 0.0);
        assert!(sweep.blocked);
        let stop_x = 10.0 * sweep.fraction;
        assert!(
            (stop_x - (2.0 - 0.005 - 0.2 - CONTACT_SKIN)).abs() < 1e-4,
            "{stop_x}"
        );
        // Touching: pushing in goes nowhere, backing off is free.
        let pushed = geometry.sweep(stop_x, 0.0, 0.5, 0.0);
        assert!(pushed.blocked && pushed.fraction < 1e-6);
        assert!(!geometry.sweep(stop_x, 0.0, -0.5, 0.0).blocked);
    }

    #[test]
    fn rays_hit_the_near_face() {
        let geometry = Geometry::new(vec![wall(3.0, 0.0, 0.2, 4.0)], 0.2, 0.4, 0.2);
        let range = geometry.scan_ray(0.0, 0.0, 0.0, 10.0).unwrap();
        assert!((range - 2.9).abs() < 1e-9);
        assert!(
            geometry
                .scan_ray(0.0, 0.0, std::f64::consts::PI, 10.0)
                .is_none()
        );
    }

    #[test]
    fn low_furniture_does_not_hide_what_stands_on_it() {
        let mut table = wall(2.0, 0.0, 1.0, 1.0);
        table.z_max = 0.75;
        let geometry = Geometry::new(vec![table, wall(5.0, 0.0, 0.1, 4.0)], 0.2, 0.4, 0.2);
        assert!(geometry.line_of_sight([0.0, 0.0, 0.3], [2.0, 0.0, 0.8]));
        assert!(!geometry.line_of_sight([0.0, 0.0, 0.3], [6.0, 0.0, 0.1]));
        assert!(geometry.overlapping(1.4, 0.0).is_some());
        assert!(geometry.overlapping(1.0, 0.0).is_none());
    }
}
