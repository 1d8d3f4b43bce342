//! 2-D footprints of collision geometry: what a ground robot can bump into, seen from above.
//!
//! Plain formulas for two shapes (distance to an oriented rectangle and to a circle); the
//! simulator turns these into parry2d shapes for ray casts and contacts.

use nalgebra::{Isometry2, Point2, Vector2};

/// The outline of a footprint in its own frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// A rectangle centred on the footprint's origin, axes along its frame.
    Rectangle {
        /// Half the side lengths along x and y, in metres.
        half_extents: Vector2<f64>,
    },
    /// A circle centred on the footprint's origin.
    Circle {
        /// Radius in metres.
        radius: f64,
    },
}

/// Vertical extent an obstacle must overlap to matter to the robot (metres above the floor).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeightBand {
    /// Lowest height that counts: things entirely below it (floor tiles, rugs) are driven over.
    pub min_z: f64,
    /// Highest height that counts: things entirely above it (table tops) are driven under.
    pub max_z: f64,
}

impl HeightBand {
    /// Whether a vertical interval `[z_min, z_max]` overlaps this band.
    pub fn overlaps(&self, z_min: f64, z_max: f64) -> bool {
        z_max >= self.min_z && z_min <= self.max_z
    }
}

/// A collision geometry projected onto the floor plane, with its vertical extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Footprint {
    /// Pose of the shape's centre in the map (world) frame.
    pub pose: Isometry2<f64>,
    /// The outline.
    pub shape: Shape,
    /// Lowest point of the geometry (metres).
    pub z_min: f64,
    /// Highest point of the geometry (metres).
    pub z_max: f64,
}

impl Footprint {
    /// Distance from `point` to the outline; zero inside.
    pub fn distance_to(&self, point: &Point2<f64>) -> f64 {
        self.signed_distance_to(point).max(0.0)
    }

    /// Signed distance from `point` to the outline: negative inside (depth of penetration).
    pub fn signed_distance_to(&self, point: &Point2<f64>) -> f64 {
        let local = self.pose.inverse_transform_point(point);
        match self.shape {
            Shape::Circle { radius } => local.coords.norm() - radius,
            Shape::Rectangle { half_extents } => {
                let excess = local.coords.abs() - half_extents;
                let outside = excess.map(|v| v.max(0.0)).norm();
                let inside = excess.x.max(excess.y).min(0.0);
                outside + inside
            }
        }
    }

    /// Whether `point` lies inside or on the outline.
    pub fn contains(&self, point: &Point2<f64>) -> bool {
        self.signed_distance_to(point) <= 0.0
    }

    /// Axis-aligned bounding box `(min, max)` in the map frame.
    pub fn aabb(&self) -> (Point2<f64>, Point2<f64>) {
        let centre = Point2::from(self.pose.translation.vector);
        let half = match self.shape {
            Shape::Circle { radius } => Vector2::new(radius, radius),
            Shape::Rectangle { half_extents } => {
                let rotation = self.pose.rotation.to_rotation_matrix();
                let m = rotation.matrix().abs();
                m * half_extents
            }
        };
        (centre - half, centre + half)
    }

    /// Whether the geometry's vertical extent overlaps `band`.
    pub fn in_band(&self, band: &HeightBand) -> bool {
        band.overlaps(self.z_min, self.z_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::FRAC_PI_2;

    fn rect(x: f64, y: f64, yaw: f64, hx: f64, hy: f64) -> Footprint {
        Footprint {
            pose: Isometry2::new(Vector2::new(x, y), yaw),
            shape: Shape::Rectangle {
                half_extents: Vector2::new(hx, hy),
            },
            z_min: 0.0,
            z_max: 1.0,
        }
    }

    #[test]
    fn rectangle_distances_respect_rotation() {
        // 2 m x 0.2 m wall along y after a quarter turn, centred at (1, 1).
        let wall = rect(1.0, 1.0, FRAC_PI_2, 1.0, 0.1);
        assert!((wall.distance_to(&Point2::new(1.5, 1.0)) - 0.4).abs() < 1e-9);
        assert!((wall.distance_to(&Point2::new(1.0, 2.5)) - 0.5).abs() < 1e-9);
        assert!(wall.contains(&Point2::new(1.05, 1.9)));
        assert!((wall.signed_distance_to(&Point2::new(1.0, 1.0)) + 0.1).abs() < 1e-9);
        // Corner distance is Euclidean.
        let d = wall.distance_to(&Point2::new(1.4, 2.4));
        assert!((d - (0.3f64.powi(2) + 0.4f64.powi(2)).sqrt()).abs() < 1e-9);
        let (lo, hi) = wall.aabb();
        assert!((lo - Point2::new(0.9, 0.0)).norm() < 1e-9);
        assert!((hi - Point2::new(1.1, 2.0)).norm() < 1e-9);
    }

    #[test]
    fn circle_and_band() {
        let leg = Footprint {
            pose: Isometry2::translation(2.0, 0.0),
            shape: Shape::Circle { radius: 0.5 },
            z_min: 0.0,
            z_max: 0.7,
        };
        assert!((leg.distance_to(&Point2::new(3.0, 0.0)) - 0.5).abs() < 1e-9);
        assert!(leg.in_band(&HeightBand {
            min_z: 0.05,
            max_z: 0.3
        }));
        assert!(!leg.in_band(&HeightBand {
            min_z: 0.75,
            max_z: 2.0
        }));
    }
}
