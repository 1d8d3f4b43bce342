//! Where the robot may go: the world's occupancy grid inflated by the robot's radius plus a
//! margin, forbidden zones, and obstacles the lidar sees that the map does not have. Paths are
//! A* on the 8-connected grid (octile heuristic, no corner cutting), shortened by a
//! line-of-sight pass over the same cells.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::time::Duration;

use embodied_world::{Cell, CellIndex, OccupancyGrid, PlaceKind, World};
use nalgebra::{Point2, Vector2};

use crate::{Error, Params};

/// An area the robot's body must never enter (map frame).
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    /// An axis-aligned rectangle.
    Rectangle {
        /// Lower-left corner, m.
        min: Point2<f64>,
        /// Upper-right corner, m.
        max: Point2<f64>,
    },
    /// A polygon (a room's outline).
    Polygon {
        /// What it is, for messages ("bathroom").
        name: String,
        /// Corners, m.
        corners: Vec<Point2<f64>>,
    },
}

impl Zone {
    /// Whether `p` is inside.
    pub fn contains(&self, p: &Point2<f64>) -> bool {
        match self {
            Zone::Rectangle { min, max } => {
                (min.x..=max.x).contains(&p.x) && (min.y..=max.y).contains(&p.y)
            }
            Zone::Polygon { corners, .. } => {
                // Even-odd rule.
                let mut inside = false;
                let n = corners.len();
                for i in 0..n {
                    let (a, b) = (corners[i], corners[(i + n - 1) % n]);
                    if (a.y > p.y) != (b.y > p.y)
                        && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x
                    {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }

    /// Distance from `p` to the zone; zero inside.
    pub fn distance_to(&self, p: &Point2<f64>) -> f64 {
        if self.contains(p) {
            return 0.0;
        }
        match self {
            Zone::Rectangle { min, max } => {
                let dx = (min.x - p.x).max(p.x - max.x).max(0.0);
                let dy = (min.y - p.y).max(p.y - max.y).max(0.0);
                dx.hypot(dy)
            }
            Zone::Polygon { corners, .. } => {
                let n = corners.len();
                (0..n)
                    .map(|i| distance_to_segment(p, &corners[i], &corners[(i + 1) % n]))
                    .fold(f64::INFINITY, f64::min)
            }
        }
    }

    /// A short description for status messages.
    pub fn describe(&self) -> String {
        match self {
            Zone::Rectangle { min, max } => format!(
                "forbidden zone ({:.1}, {:.1})-({:.1}, {:.1})",
                min.x, min.y, max.x, max.y
            ),
            Zone::Polygon { name, .. } => format!("forbidden place {name}"),
        }
    }
}

/// Distance from `p` to the segment `a`–`b`.
pub fn distance_to_segment(p: &Point2<f64>, a: &Point2<f64>, b: &Point2<f64>) -> f64 {
    let ab = b - a;
    let length2 = ab.norm_squared();
    let t = if length2 > 0.0 {
        ((p - a).dot(&ab) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p - (a + ab * t)).norm()
}

/// The zones from the parameters: rectangles and forbidden rooms.
///
/// # Errors
/// [`Error::UnknownForbiddenPlace`] when a name is not a room of the semantic map.
pub fn zones_from_params(params: &Params, world: &World) -> Result<Vec<Zone>, Error> {
    let mut zones: Vec<Zone> = params
        .forbidden_zones
        .chunks_exact(4)
        .map(|z| Zone::Rectangle {
            min: Point2::new(z[0], z[1]),
            max: Point2::new(z[2], z[3]),
        })
        .collect();
    for name in &params.forbidden_places {
        let place = world
            .map()
            .resolve_place(name)
            .map(|id| world.map().place(id))
            .ok_or_else(|| Error::UnknownForbiddenPlace {
                place: name.clone(),
            })?;
        match &place.kind {
            PlaceKind::Room { polygon } => zones.push(Zone::Polygon {
                name: place.id.name().to_owned(),
                corners: polygon.clone(),
            }),
            PlaceKind::Spot { .. } => {
                return Err(Error::UnknownForbiddenPlace {
                    place: name.clone(),
                });
            }
        }
    }
    Ok(zones)
}

/// Why no path was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The start is outside the grid or buried in obstacles.
    #[error("the robot at ({x:.2}, {y:.2}) is not on free space")]
    StartBlocked {
        /// Start x, m.
        x: f64,
        /// Start y, m.
        y: f64,
    },
    /// The goal is outside the grid or in an obstacle.
    #[error("the goal ({x:.2}, {y:.2}) is not on free space")]
    GoalBlocked {
        /// Goal x, m.
        x: f64,
        /// Goal y, m.
        y: f64,
    },
    /// The goal is in a forbidden zone.
    #[error("the goal ({x:.2}, {y:.2}) is in a {zone}")]
    GoalForbidden {
        /// Goal x, m.
        x: f64,
        /// Goal y, m.
        y: f64,
        /// The zone.
        zone: String,
    },
    /// Start and goal are not connected.
    #[error("no collision-free path from ({from_x:.2}, {from_y:.2}) to ({to_x:.2}, {to_y:.2})")]
    Unreachable {
        /// Start x, m.
        from_x: f64,
        /// Start y, m.
        from_y: f64,
        /// Goal x, m.
        to_x: f64,
        /// Goal y, m.
        to_y: f64,
    },
}

/// A planned path in the map frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Waypoints from the start to the goal, m (the smoothed path).
    pub waypoints: Vec<Point2<f64>>,
    /// Length of the 8-connected grid path before smoothing, m.
    pub grid_length_m: f64,
}

impl Path {
    /// Length of the waypoint polyline, m.
    pub fn length_m(&self) -> f64 {
        polyline_length(&self.waypoints)
    }
}

/// Length of a polyline, m.
pub fn polyline_length(points: &[Point2<f64>]) -> f64 {
    points.windows(2).map(|w| (w[1] - w[0]).norm()).sum()
}

/// The parts of the navigation map that never change: grids and zones.
#[derive(Debug, Clone)]
pub struct StaticMap {
    /// Inflated by the robot radius plus the safety margin: where the centre may be planned.
    planning: OccupancyGrid,
    /// Inflated by the robot radius only: where the centre may physically be (MOVE clipping).
    clearance: OccupancyGrid,
    /// Cells inside a forbidden zone grown by the robot radius (row-major).
    forbidden: Vec<bool>,
    zones: Vec<Zone>,
    robot_radius_m: f64,
}

impl StaticMap {
    /// Builds the grids of `world` for `params` (validated).
    ///
    /// # Errors
    /// [`Error::World`] when the grid cannot be built; [`Error::UnknownForbiddenPlace`].
    pub fn new(world: &World, params: &Params) -> Result<Self, Error> {
        let planning = world
            .occupancy_grid(&world.grid_params(params.grid_resolution_m, params.safety_margin_m))?;
        // A hair beyond the radius: the simulator's contact skin.
        let mut clearance_params = world.grid_params(params.grid_resolution_m, 0.01);
        clearance_params.margin_m = world
            .grid_params(params.grid_resolution_m, params.safety_margin_m)
            .margin_m;
        let clearance = world.occupancy_grid(&clearance_params)?;
        let zones = zones_from_params(params, world)?;
        let robot_radius_m = world.robot_radius_m();
        let mut forbidden = vec![false; planning.width() * planning.height()];
        if !zones.is_empty() {
            for y in 0..planning.height() {
                for x in 0..planning.width() {
                    let centre = planning.center(CellIndex { x, y });
                    forbidden[y * planning.width() + x] = zones
                        .iter()
                        .any(|z| z.distance_to(&centre) <= robot_radius_m);
                }
            }
        }
        Ok(Self {
            planning,
            clearance,
            forbidden,
            zones,
            robot_radius_m,
        })
    }

    /// The planning grid.
    pub fn grid(&self) -> &OccupancyGrid {
        &self.planning
    }

    /// The forbidden zones.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The robot's radius, m.
    pub fn robot_radius_m(&self) -> f64 {
        self.robot_radius_m
    }

    /// The zone the robot's body would overlap with its centre at `p`.
    pub fn zone_touching(&self, p: &Point2<f64>) -> Option<&Zone> {
        self.zones
            .iter()
            .find(|z| z.distance_to(p) <= self.robot_radius_m)
    }

    /// Whether a map point is near a static obstacle (its cell or a neighbour is occupied):
    /// lidar hits there are the map's own walls and furniture.
    fn explains_hit(&self, p: &Point2<f64>) -> bool {
        let Some(cell) = self.planning.cell_at(p) else {
            return true;
        };
        let grid = &self.planning;
        for dy in -1_isize..=1 {
            for dx in -1_isize..=1 {
                let (x, y) = (cell.x as isize + dx, cell.y as isize + dy);
                if x < 0 || y < 0 {
                    continue;
                }
                let neighbour = CellIndex {
                    x: x as usize,
                    y: y as usize,
                };
                if grid.get(neighbour) == Cell::Occupied {
                    return true;
                }
            }
        }
        false
    }
}

/// Obstacles the lidar sees that the map does not have, remembered for a while.
#[derive(Debug, Clone, Default)]
pub struct DynamicObstacles {
    /// Grid cell (row-major index) of a hit → its position and when it was last seen.
    hits: HashMap<usize, (Point2<f64>, Duration)>,
    /// Planning cells within the inflation radius of a hit (row-major).
    blocked: Vec<bool>,
    dirty: bool,
}

impl DynamicObstacles {
    /// Positions of the remembered hits, map frame.
    pub fn points(&self) -> impl Iterator<Item = &Point2<f64>> {
        self.hits.values().map(|(p, _)| p)
    }

    /// Number of remembered hits.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.hits.clear();
        self.dirty = true;
    }

    /// Takes in one scan: `hits` are the map positions of its returns, `sees_past(p)` says
    /// whether the scan saw beyond `p` (so an old hit there is gone). Old hits expire after
    /// `memory`.
    pub fn update(
        &mut self,
        map: &StaticMap,
        now: Duration,
        memory: Duration,
        hits: &[Point2<f64>],
        sees_past: impl Fn(&Point2<f64>) -> bool,
    ) {
        let before = self.hits.len();
        self.hits
            .retain(|_, (p, seen)| now.saturating_sub(*seen) <= memory && !sees_past(p));
        let mut changed = self.hits.len() != before;
        let grid = &map.planning;
        for p in hits {
            if map.explains_hit(p) {
                continue;
            }
            let Some(cell) = grid.cell_at(p) else {
                continue;
            };
            let key = cell.y * grid.width() + cell.x;
            if self.hits.insert(key, (*p, now)).is_none() {
                changed = true;
            }
        }
        self.dirty |= changed;
    }

    fn blocked_mask(&mut self, map: &StaticMap) -> &[bool] {
        let grid = &map.planning;
        if self.dirty || self.blocked.len() != grid.width() * grid.height() {
            self.blocked = vec![false; grid.width() * grid.height()];
            let radius = grid.inflation_radius_m();
            let reach = (radius / grid.resolution_m()).ceil() as isize + 1;
            for (p, _) in self.hits.values() {
                let Some(c) = grid.cell_at(p) else { continue };
                for dy in -reach..=reach {
                    for dx in -reach..=reach {
                        let (x, y) = (c.x as isize + dx, c.y as isize + dy);
                        if x < 0
                            || y < 0
                            || x as usize >= grid.width()
                            || y as usize >= grid.height()
                        {
                            continue;
                        }
                        let cell = CellIndex {
                            x: x as usize,
                            y: y as usize,
                        };
                        if (grid.center(cell) - p).norm() <= radius {
                            self.blocked[cell.y * grid.width() + cell.x] = true;
                        }
                    }
                }
            }
            self.dirty = false;
        }
        &self.blocked
    }

    /// The first remembered hit within `clearance` of the polyline, walking at most
    /// `horizon` metres along it.
    pub fn first_blocking(
        &self,
        polyline: &[Point2<f64>],
        clearance: f64,
        horizon: f64,
    ) -> Option<Point2<f64>> {
        if self.hits.is_empty() {
            return None;
        }
        let mut walked = 0.0;
        for segment in polyline.windows(2) {
            if walked > horizon {
                break;
            }
            if let Some((p, _)) = self
                .hits
                .values()
                .find(|(p, _)| distance_to_segment(p, &segment[0], &segment[1]) < clearance)
            {
                return Some(*p);
            }
            walked += (segment[1] - segment[0]).norm();
        }
        None
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Open {
    estimate: f64,
    cell: usize,
}

impl Eq for Open {}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on the estimate; ties broken by cell for determinism.
        other
            .estimate
            .total_cmp(&self.estimate)
            .then_with(|| other.cell.cmp(&self.cell))
    }
}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The navigation map: the static grids and zones plus what the lidar added.
#[derive(Debug, Clone)]
pub struct NavMap {
    static_map: std::sync::Arc<StaticMap>,
    /// Obstacles seen by the lidar.
    pub dynamic: DynamicObstacles,
}

impl NavMap {
    /// A map over `static_map` with nothing seen yet.
    pub fn new(static_map: std::sync::Arc<StaticMap>) -> Self {
        Self {
            static_map,
            dynamic: DynamicObstacles::default(),
        }
    }

    /// The static part.
    pub fn static_map(&self) -> &StaticMap {
        &self.static_map
    }

    /// The static part, shared.
    pub fn shared_static(&self) -> std::sync::Arc<StaticMap> {
        self.static_map.clone()
    }

    fn traversable_mask(&mut self) -> Vec<bool> {
        let static_map = self.static_map.clone();
        let grid = &static_map.planning;
        let blocked = self.dynamic.blocked_mask(&static_map);
        grid.cells()
            .iter()
            .zip(&static_map.forbidden)
            .zip(blocked)
            .map(|((cell, forbidden), blocked)| *cell == Cell::Free && !forbidden && !blocked)
            .collect()
    }

    /// Plans a path from `start` to `goal` (map frame). A start a little inside the inflation
    /// band (the robot tracks within tolerance) begins at the nearest free cell; so does a goal.
    ///
    /// # Errors
    /// [`PlanError`] saying why there is no path.
    pub fn plan(&mut self, start: Point2<f64>, goal: Point2<f64>) -> Result<Path, PlanError> {
        if let Some(zone) = self.static_map.zone_touching(&goal) {
            return Err(PlanError::GoalForbidden {
                x: goal.x,
                y: goal.y,
                zone: zone.describe(),
            });
        }
        let free = self.traversable_mask();
        let static_map = self.static_map.clone();
        let grid = &static_map.planning;
        let snap_radius = (grid.inflation_radius_m() / grid.resolution_m()).ceil() as usize + 2;
        let start_cell =
            nearest_free(grid, &free, &start, snap_radius).ok_or(PlanError::StartBlocked {
                x: start.x,
                y: start.y,
            })?;
        let goal_cell = nearest_free(grid, &free, &goal, snap_radius / 2 + 1).ok_or(
            PlanError::GoalBlocked {
                x: goal.x,
                y: goal.y,
            },
        )?;
        let cells = astar(grid, &free, start_cell, goal_cell).ok_or(PlanError::Unreachable {
            from_x: start.x,
            from_y: start.y,
            to_x: goal.x,
            to_y: goal.y,
        })?;
        let grid_points: Vec<Point2<f64>> = cells.iter().map(|c| grid.center(*c)).collect();
        let grid_length_m = polyline_length(&grid_points);
        let mut waypoints = smooth(grid, &free, &cells);
        // Exact ends: from where the robot is, to the requested goal.
        waypoints[0] = start;
        if waypoints.len() >= 2 {
            let last = waypoints.len() - 1;
            waypoints[last] = goal;
        } else {
            waypoints.push(goal);
        }
        Ok(Path {
            waypoints,
            grid_length_m: grid_length_m
                + (start - grid_points[0]).norm()
                + (goal - grid_points[grid_points.len() - 1]).norm(),
        })
    }

    /// How far the robot's centre can go from `from` along the unit `direction` before its
    /// body would touch a mapped obstacle, a remembered lidar obstacle, a forbidden zone or
    /// the edge of the map; at most `max` metres.
    pub fn free_distance(&mut self, from: Point2<f64>, direction: Vector2<f64>, max: f64) -> f64 {
        let static_map = self.static_map.clone();
        let grid = &static_map.clearance;
        let step = grid.resolution_m() / 4.0;
        let radius = static_map.robot_radius_m;
        let started_in_zone = static_map.zone_touching(&from).is_some();
        let mut travelled = 0.0;
        while travelled < max {
            let next = (travelled + step).min(max);
            let p = from + direction * next;
            let blocked_static = !grid.is_free(&p);
            let blocked_zone = !started_in_zone && static_map.zone_touching(&p).is_some();
            let blocked_dynamic = self
                .dynamic
                .points()
                .any(|hit| (hit - p).norm() < radius + 0.01);
            if blocked_static || blocked_zone || blocked_dynamic {
                return travelled;
            }
            travelled = next;
        }
        max
    }

    /// The pose clearest of obstacles at about `distance` from `target` that the robot can
    /// reach, the one with the shortest straight line from `from`: where to stand to face an
    /// object. `None` when no free cell lies within `[0.6, 1.5] × distance` (an object in the
    /// middle of a deep desk, with a chair before it, is 0.65 m from the nearest free spot;
    /// the default distance of 0.5 m then reaches 0.75 m, the gripper's reach).
    pub fn standing_point_near(
        &mut self,
        target: Point2<f64>,
        distance: f64,
        from: Point2<f64>,
    ) -> Option<Point2<f64>> {
        let free = self.traversable_mask();
        let static_map = self.static_map.clone();
        let grid = &static_map.planning;
        let reachable = {
            let start = nearest_free(grid, &free, &from, 8)?;
            flood(grid, &free, start)
        };
        let reach = (distance * STANDING_MAX_FACTOR / grid.resolution_m()).ceil() as isize + 1;
        let centre = grid.cell_at(&target)?;
        let mut best: Option<(f64, Point2<f64>)> = None;
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let (x, y) = (centre.x as isize + dx, centre.y as isize + dy);
                if x < 0 || y < 0 || x as usize >= grid.width() || y as usize >= grid.height() {
                    continue;
                }
                let index = y as usize * grid.width() + x as usize;
                if !reachable[index] {
                    continue;
                }
                let p = grid.center(CellIndex {
                    x: x as usize,
                    y: y as usize,
                });
                let d = (p - target).norm();
                if d < 0.6 * distance || d > STANDING_MAX_FACTOR * distance {
                    continue;
                }
                let cost = (d - distance).abs() * 4.0 + (p - from).norm() * 0.1;
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, p));
                }
            }
        }
        best.map(|(_, p)| p)
    }
}

/// The farthest a standing point may be from its target, in multiples of the distance asked.
const STANDING_MAX_FACTOR: f64 = 1.5;

fn nearest_free(
    grid: &OccupancyGrid,
    free: &[bool],
    p: &Point2<f64>,
    radius_cells: usize,
) -> Option<CellIndex> {
    let cell = grid.cell_at(p)?;
    let mut best: Option<(f64, CellIndex)> = None;
    let r = radius_cells as isize;
    for dy in -r..=r {
        for dx in -r..=r {
            let (x, y) = (cell.x as isize + dx, cell.y as isize + dy);
            if x < 0 || y < 0 || x as usize >= grid.width() || y as usize >= grid.height() {
                continue;
            }
            let candidate = CellIndex {
                x: x as usize,
                y: y as usize,
            };
            if !free[candidate.y * grid.width() + candidate.x] {
                continue;
            }
            let d = (grid.center(candidate) - p).norm();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

const STEPS: [(isize, isize, f64); 8] = [
    (1, 0, 1.0),
    (-1, 0, 1.0),
    (0, 1, 1.0),
    (0, -1, 1.0),
    (1, 1, std::f64::consts::SQRT_2),
    (1, -1, std::f64::consts::SQRT_2),
    (-1, 1, std::f64::consts::SQRT_2),
    (-1, -1, std::f64::consts::SQRT_2),
];

/// Neighbours through free cells; a diagonal only when both cells it cuts past are free.
fn neighbours(
    width: usize,
    height: usize,
    free: &[bool],
    index: usize,
) -> impl Iterator<Item = (usize, f64)> + '_ {
    let (cx, cy) = ((index % width) as isize, (index / width) as isize);
    let is_free = move |x: isize, y: isize| {
        x >= 0
            && y >= 0
            && (x as usize) < width
            && (y as usize) < height
            && free[y as usize * width + x as usize]
    };
    STEPS.iter().filter_map(move |&(dx, dy, cost)| {
        let (nx, ny) = (cx + dx, cy + dy);
        let ok = is_free(nx, ny)
            && (dx == 0 || dy == 0 || (is_free(cx + dx, cy) && is_free(cx, cy + dy)));
        ok.then_some((ny as usize * width + nx as usize, cost))
    })
}

fn octile(width: usize, a: usize, b: usize) -> f64 {
    let dx = ((a % width) as f64 - (b % width) as f64).abs();
    let dy = ((a / width) as f64 - (b / width) as f64).abs();
    let (long, short) = if dx > dy { (dx, dy) } else { (dy, dx) };
    long + (std::f64::consts::SQRT_2 - 1.0) * short
}

/// A* over the free cells; the cells from start to goal.
fn astar(
    grid: &OccupancyGrid,
    free: &[bool],
    start: CellIndex,
    goal: CellIndex,
) -> Option<Vec<CellIndex>> {
    let (width, height) = (grid.width(), grid.height());
    let start_index = start.y * width + start.x;
    let goal_index = goal.y * width + goal.x;
    let mut cost = vec![f64::INFINITY; width * height];
    let mut parent = vec![usize::MAX; width * height];
    let mut closed = vec![false; width * height];
    let mut open = BinaryHeap::new();
    cost[start_index] = 0.0;
    open.push(Open {
        estimate: octile(width, start_index, goal_index),
        cell: start_index,
    });
    while let Some(Open { cell, .. }) = open.pop() {
        if closed[cell] {
            continue;
        }
        if cell == goal_index {
            let mut cells = vec![goal];
            let mut at = cell;
            while at != start_index {
                at = parent[at];
                cells.push(CellIndex {
                    x: at % width,
                    y: at / width,
                });
            }
            cells.reverse();
            return Some(cells);
        }
        closed[cell] = true;
        for (next, step) in neighbours(width, height, free, cell) {
            let candidate = cost[cell] + step;
            if candidate < cost[next] {
                cost[next] = candidate;
                parent[next] = cell;
                open.push(Open {
                    estimate: candidate + octile(width, next, goal_index),
                    cell: next,
                });
            }
        }
    }
    None
}

fn flood(grid: &OccupancyGrid, free: &[bool], start: CellIndex) -> Vec<bool> {
    let (width, height) = (grid.width(), grid.height());
    let mut seen = vec![false; width * height];
    let start_index = start.y * width + start.x;
    seen[start_index] = true;
    let mut stack = vec![start_index];
    while let Some(cell) = stack.pop() {
        for (next, _) in neighbours(width, height, free, cell) {
            if !seen[next] {
                seen[next] = true;
                stack.push(next);
            }
        }
    }
    seen
}

/// Whether the straight segment between two cell centres stays on free cells (sampled at a
/// quarter cell, plus the cells beside each sample's crossing, so it never clips a corner).
fn line_of_sight(grid: &OccupancyGrid, free: &[bool], a: CellIndex, b: CellIndex) -> bool {
    let (pa, pb) = (grid.center(a), grid.center(b));
    let length = (pb - pa).norm();
    let samples = (length / (grid.resolution_m() / 4.0)).ceil().max(1.0) as usize;
    // Half a cell sideways each way: the swept centre line keeps that much of its margin.
    let side = if length > 0.0 {
        Vector2::new(-(pb.y - pa.y), pb.x - pa.x) / length * (grid.resolution_m() * 0.45)
    } else {
        Vector2::zeros()
    };
    (0..=samples).all(|i| {
        let p = pa + (pb - pa) * (i as f64 / samples as f64);
        [p, p + side, p - side].iter().all(|q| {
            grid.cell_at(q)
                .is_some_and(|c| free[c.y * grid.width() + c.x])
        })
    })
}

/// Greedy line-of-sight shortcut: from each kept cell, jump to the farthest later cell in
/// sight.
fn smooth(grid: &OccupancyGrid, free: &[bool], cells: &[CellIndex]) -> Vec<Point2<f64>> {
    let mut points = vec![grid.center(cells[0])];
    let mut anchor = 0;
    while anchor + 1 < cells.len() {
        let mut next = anchor + 1;
        for candidate in (anchor + 2..cells.len()).rev() {
            if line_of_sight(grid, free, cells[anchor], cells[candidate]) {
                next = candidate;
                break;
            }
        }
        points.push(grid.center(cells[next]));
        anchor = next;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_measure_distance_and_containment() {
        let rect = Zone::Rectangle {
            min: Point2::new(0.0, 0.0),
            max: Point2::new(2.0, 1.0),
        };
        assert!(rect.contains(&Point2::new(1.0, 0.5)));
        assert!((rect.distance_to(&Point2::new(3.0, 0.5)) - 1.0).abs() < 1e-12);
        let square = Zone::Polygon {
            name: "room".into(),
            corners: vec![
                Point2::new(0.0, 0.0),
                Point2::new(1.0, 0.0),
                Point2::new(1.0, 1.0),
                Point2::new(0.0, 1.0),
            ],
        };
        assert!(square.contains(&Point2::new(0.5, 0.5)));
        assert!(!square.contains(&Point2::new(1.5, 0.5)));
        assert!((square.distance_to(&Point2::new(1.5, 0.5)) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn segment_distance_clamps_to_the_ends() {
        let (a, b) = (Point2::new(0.0, 0.0), Point2::new(1.0, 0.0));
        assert!((distance_to_segment(&Point2::new(0.5, 2.0), &a, &b) - 2.0).abs() < 1e-12);
        assert!((distance_to_segment(&Point2::new(-3.0, 4.0), &a, &b) - 5.0).abs() < 1e-12);
    }
}
