//! The occupancy grid the planner plans on and the simulator's tests check free space with:
//! obstacle footprints rasterised at a resolution, plus an inflation band one robot radius
//! wide, so the robot's centre may stand on any free cell.

use std::collections::VecDeque;

use nalgebra::{Point2, Vector2};

use crate::{Footprint, HeightBand, WorldError};

/// How to build an [`OccupancyGrid`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridParams {
    /// Cell side in metres, in (0, 1].
    pub resolution_m: f64,
    /// Cells whose centre is this close to an obstacle are [`Cell::Inflated`] (the robot's
    /// radius plus a safety margin), metres ≥ 0.
    pub inflation_radius_m: f64,
    /// Obstacles outside this height band are ignored (floors, table tops).
    pub height_band: HeightBand,
    /// Free border around the obstacles' bounding box, metres ≥ 0.
    pub margin_m: f64,
}

impl GridParams {
    /// Checks ranges, naming the field.
    pub fn validate(&self) -> Result<(), WorldError> {
        let check = |field, value: f64, ok: bool, reason| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(WorldError::InvalidGridParams {
                    field,
                    value,
                    reason,
                })
            }
        };
        check(
            "resolution_m",
            self.resolution_m,
            self.resolution_m > 0.0 && self.resolution_m <= 1.0,
            "in (0, 1]",
        )?;
        check(
            "inflation_radius_m",
            self.inflation_radius_m,
            self.inflation_radius_m >= 0.0,
            "≥ 0",
        )?;
        check("margin_m", self.margin_m, self.margin_m >= 0.0, "≥ 0")?;
        check(
            "height_band.max_z",
            self.height_band.max_z,
            self.height_band.max_z >= self.height_band.min_z,
            "≥ height_band.min_z",
        )
    }
}

/// State of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cell {
    /// The robot's centre may be here.
    Free,
    /// Within the inflation radius of an obstacle: the robot would touch it.
    Inflated,
    /// The cell overlaps an obstacle.
    Occupied,
}

impl Cell {
    /// The value in a `nav_msgs/OccupancyGrid` (costmap convention: 100 lethal, 99 inscribed,
    /// 0 free).
    pub fn ros_occupancy(self) -> i8 {
        match self {
            Cell::Free => 0,
            Cell::Inflated => 99,
            Cell::Occupied => 100,
        }
    }
}

/// Column `x` and row `y` of a cell; (0, 0) is the cell at the grid's origin (lowest x, y).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellIndex {
    /// Column (along map x).
    pub x: usize,
    /// Row (along map y).
    pub y: usize,
}

/// A 2-D occupancy grid in the map frame, row-major from the lowest y.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupancyGrid {
    origin: Point2<f64>,
    resolution_m: f64,
    inflation_radius_m: f64,
    width: usize,
    height: usize,
    cells: Vec<Cell>,
}

impl OccupancyGrid {
    /// Rasterises the footprints that lie in the height band, over their bounding box plus the
    /// margin (aligned to multiples of the resolution).
    pub fn build<'a>(
        footprints: impl IntoIterator<Item = &'a Footprint>,
        params: &GridParams,
    ) -> Result<Self, WorldError> {
        params.validate()?;
        let relevant: Vec<&Footprint> = footprints
            .into_iter()
            .filter(|footprint| footprint.in_band(&params.height_band))
            .collect();
        let mut lo = Point2::new(f64::INFINITY, f64::INFINITY);
        let mut hi = Point2::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        for footprint in &relevant {
            let (a, b) = footprint.aabb();
            lo = lo.inf(&a);
            hi = hi.sup(&b);
        }
        if relevant.is_empty() {
            lo = Point2::origin();
            hi = Point2::origin();
        }
        let margin = Vector2::repeat(params.margin_m);
        Self::with_bounds(lo - margin, hi + margin, relevant, params)
    }

    /// Rasterises the footprints that lie in the height band over the rectangle `[lo, hi]`
    /// (widened to multiples of the resolution).
    pub fn with_bounds<'a>(
        lo: Point2<f64>,
        hi: Point2<f64>,
        footprints: impl IntoIterator<Item = &'a Footprint>,
        params: &GridParams,
    ) -> Result<Self, WorldError> {
        params.validate()?;
        let res = params.resolution_m;
        let origin = Point2::new((lo.x / res).floor() * res, (lo.y / res).floor() * res);
        let cells_along = |from: f64, to: f64| (((to - from) / res).ceil().max(1.0)) as usize;
        let width = cells_along(origin.x, hi.x);
        let height = cells_along(origin.y, hi.y);
        let mut grid = Self {
            origin,
            resolution_m: res,
            inflation_radius_m: params.inflation_radius_m,
            width,
            height,
            cells: vec![Cell::Free; width * height],
        };
        // A cell is occupied when the obstacle reaches its centre's half-cell neighbourhood.
        let occupied_within = res / 2.0;
        let reach = params.inflation_radius_m.max(occupied_within);
        for footprint in footprints {
            if !footprint.in_band(&params.height_band) {
                continue;
            }
            let (a, b) = footprint.aabb();
            let reach_v = Vector2::repeat(reach);
            let (Some(from), Some(to)) = (
                grid.clamped_cell(&(a - reach_v)),
                grid.clamped_cell(&(b + reach_v)),
            ) else {
                continue;
            };
            for y in from.y..=to.y {
                for x in from.x..=to.x {
                    let index = CellIndex { x, y };
                    let distance = footprint.distance_to(&grid.center(index));
                    let state = if distance <= occupied_within {
                        Cell::Occupied
                    } else if distance <= params.inflation_radius_m {
                        Cell::Inflated
                    } else {
                        continue;
                    };
                    let cell = &mut grid.cells[y * width + x];
                    *cell = (*cell).max(state);
                }
            }
        }
        Ok(grid)
    }

    /// Map coordinates of the lower-left corner of cell (0, 0).
    pub fn origin(&self) -> Point2<f64> {
        self.origin
    }

    /// Cell side in metres.
    pub fn resolution_m(&self) -> f64 {
        self.resolution_m
    }

    /// The inflation radius the grid was built with.
    pub fn inflation_radius_m(&self) -> f64 {
        self.inflation_radius_m
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Every cell, row-major from the lowest y (as `nav_msgs/OccupancyGrid.data`).
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The cell containing map point `p`, if inside the grid.
    pub fn cell_at(&self, p: &Point2<f64>) -> Option<CellIndex> {
        let fx = ((p.x - self.origin.x) / self.resolution_m).floor();
        let fy = ((p.y - self.origin.y) / self.resolution_m).floor();
        if fx < 0.0 || fy < 0.0 || fx >= self.width as f64 || fy >= self.height as f64 {
            return None;
        }
        Some(CellIndex {
            x: fx as usize,
            y: fy as usize,
        })
    }

    /// The cell containing `p`, clamped into the grid; `None` for non-finite points.
    fn clamped_cell(&self, p: &Point2<f64>) -> Option<CellIndex> {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return None;
        }
        let fx = ((p.x - self.origin.x) / self.resolution_m).floor();
        let fy = ((p.y - self.origin.y) / self.resolution_m).floor();
        Some(CellIndex {
            x: fx.clamp(0.0, (self.width - 1) as f64) as usize,
            y: fy.clamp(0.0, (self.height - 1) as f64) as usize,
        })
    }

    /// Map coordinates of a cell's centre.
    pub fn center(&self, cell: CellIndex) -> Point2<f64> {
        Point2::new(
            self.origin.x + (cell.x as f64 + 0.5) * self.resolution_m,
            self.origin.y + (cell.y as f64 + 0.5) * self.resolution_m,
        )
    }

    /// State of a cell; outside the grid counts as occupied.
    pub fn get(&self, cell: CellIndex) -> Cell {
        if cell.x < self.width && cell.y < self.height {
            self.cells[cell.y * self.width + cell.x]
        } else {
            Cell::Occupied
        }
    }

    /// Whether the robot's centre may stand at map point `p`.
    pub fn is_free(&self, p: &Point2<f64>) -> bool {
        self.cell_at(p)
            .is_some_and(|cell| self.get(cell) == Cell::Free)
    }

    /// The up to 8 neighbours of a cell inside the grid, with step length in cells (1 or √2).
    /// A diagonal step is offered only when both cells it cuts past are free, so paths never
    /// squeeze between two obstacles touching at a corner.
    pub fn free_neighbours(&self, cell: CellIndex) -> impl Iterator<Item = (CellIndex, f64)> + '_ {
        const STEPS: [(isize, isize); 8] = [
            (1, 0),
            (-1, 0),
            (0, 1),
            (0, -1),
            (1, 1),
            (1, -1),
            (-1, 1),
            (-1, -1),
        ];
        let free = move |x: isize, y: isize| {
            x >= 0
                && y >= 0
                && (x as usize) < self.width
                && (y as usize) < self.height
                && self.cells[y as usize * self.width + x as usize] == Cell::Free
        };
        let (cx, cy) = (cell.x as isize, cell.y as isize);
        STEPS.iter().filter_map(move |&(dx, dy)| {
            let (nx, ny) = (cx + dx, cy + dy);
            let diagonal = dx != 0 && dy != 0;
            let ok = free(nx, ny) && (!diagonal || (free(cx + dx, cy) && free(cx, cy + dy)));
            let step = if diagonal {
                std::f64::consts::SQRT_2
            } else {
                1.0
            };
            ok.then_some((
                CellIndex {
                    x: nx as usize,
                    y: ny as usize,
                },
                step,
            ))
        })
    }

    /// Which cells the robot's centre can reach from `start` through free cells (row-major
    /// flags like [`Self::cells`]); all false when `start` is not free.
    pub fn reachable_from(&self, start: CellIndex) -> Vec<bool> {
        let mut seen = vec![false; self.cells.len()];
        if self.get(start) != Cell::Free {
            return seen;
        }
        seen[start.y * self.width + start.x] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(cell) = queue.pop_front() {
            for (next, _) in self.free_neighbours(cell) {
                let flag = &mut seen[next.y * self.width + next.x];
                if !*flag {
                    *flag = true;
                    queue.push_back(next);
                }
            }
        }
        seen
    }

    /// A text picture, top row = highest y: `#` occupied, `+` inflated, `.` free.
    pub fn to_ascii(&self) -> String {
        let mut text = String::with_capacity((self.width + 1) * self.height);
        for y in (0..self.height).rev() {
            for x in 0..self.width {
                text.push(match self.cells[y * self.width + x] {
                    Cell::Free => '.',
                    Cell::Inflated => '+',
                    Cell::Occupied => '#',
                });
            }
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Shape;
    use nalgebra::Isometry2;

    fn wall(x: f64, y: f64, hx: f64, hy: f64) -> Footprint {
        Footprint {
            pose: Isometry2::translation(x, y),
            shape: Shape::Rectangle {
                half_extents: Vector2::new(hx, hy),
            },
            z_min: 0.0,
            z_max: 2.0,
        }
    }

    fn params(inflation: f64) -> GridParams {
        GridParams {
            resolution_m: 0.1,
            inflation_radius_m: inflation,
            height_band: HeightBand {
                min_z: 0.02,
                max_z: 0.3,
            },
            margin_m: 1.5,
        }
    }

    #[test]
    fn a_wall_with_a_gap_connects_only_when_the_gap_fits() {
        // A wall along x = 0 across the whole grid (y ∈ [-3, 3]) with a 1 m gap at y ∈ [-0.5, 0.5].
        let obstacles = [wall(0.0, 2.0, 0.05, 1.5), wall(0.0, -2.0, 0.05, 1.5)];
        let (lo, hi) = (Point2::new(-2.0, -3.0), Point2::new(2.0, 3.0));
        let left = Point2::new(-1.0, 0.0);
        let right = Point2::new(1.0, 0.0);
        let narrow = OccupancyGrid::with_bounds(lo, hi, &obstacles, &params(0.2)).unwrap();
        let from = narrow.cell_at(&left).unwrap();
        let to = narrow.cell_at(&right).unwrap();
        assert!(narrow.reachable_from(from)[to.y * narrow.width() + to.x]);
        let wide = OccupancyGrid::with_bounds(lo, hi, &obstacles, &params(0.6)).unwrap();
        let from = wide.cell_at(&left).unwrap();
        let to = wide.cell_at(&right).unwrap();
        assert!(!wide.reachable_from(from)[to.y * wide.width() + to.x]);
        assert_eq!(
            wide.get(wide.cell_at(&Point2::new(0.0, 2.0)).unwrap()),
            Cell::Occupied
        );
        assert_eq!(
            wide.get(wide.cell_at(&Point2::new(0.4, 2.0)).unwrap()),
            Cell::Inflated
        );
        assert!(wide.is_free(&Point2::new(0.8, 2.0)));
        assert_eq!(Cell::Occupied.ros_occupancy(), 100);
    }

    #[test]
    fn obstacles_outside_the_band_are_ignored_and_params_checked() {
        let mut top = wall(0.0, 0.0, 1.0, 1.0);
        top.z_min = 0.7;
        let grid = OccupancyGrid::build(&[top, wall(3.0, 0.0, 0.1, 0.1)], &params(0.2)).unwrap();
        assert!(
            grid.is_free(&Point2::new(0.0, 0.0)) || grid.cell_at(&Point2::new(0.0, 0.0)).is_none()
        );
        assert!(!grid.is_free(&Point2::new(3.0, 0.0)));
        let mut bad = params(0.2);
        bad.resolution_m = 0.0;
        assert!(matches!(
            OccupancyGrid::build(&[], &bad),
            Err(WorldError::InvalidGridParams {
                field: "resolution_m",
                ..
            })
        ));
    }
}
