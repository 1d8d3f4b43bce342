//! The world loaded whole: SDF world, robot model and semantic map, checked against each other.

use std::path::{Path, PathBuf};

use nalgebra::{Isometry2, Point2};

use crate::error::SdfSite;
use crate::sdf::{Collision, RobotSdf, SdfModel, WorldSdf};
use crate::{
    Footprint, GridParams, HeightBand, ObjectId, OccupancyGrid, PlaceId, SemanticMap, WorldError,
};

/// Things lower than this (floor tiles, rugs) are driven over, metres.
const FLOOR_CLEARANCE_M: f64 = 0.01;
/// An object's map start and SDF pose may differ by this much (metres, degrees).
const START_POSE_TOLERANCE_M: f64 = 0.01;
const START_YAW_TOLERANCE_DEG: f64 = 1.0;
/// The ament package whose share directory holds `config/` and `models/` when installed.
const PACKAGE: &str = "embodied_assistant";

/// Paths of the three files that make a world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldFiles {
    /// SDF world (`models/gazebo/worlds/home.sdf`).
    pub world_sdf: PathBuf,
    /// SDF robot model (`models/gazebo/models/robot/model.sdf`).
    pub robot_sdf: PathBuf,
    /// Semantic map (`config/world/home.yaml`).
    pub semantic_map: PathBuf,
}

/// Where the package's shared files (`config/`, `models/`, `launch/`) may be, in order:
/// `<prefix>/share/embodied_assistant` for each prefix in `AMENT_PREFIX_PATH` (an installed
/// package), then each of `starts` and its ancestors (a workspace checkout).
pub fn share_roots(starts: &[PathBuf]) -> impl Iterator<Item = PathBuf> + '_ {
    let installed: Vec<PathBuf> = std::env::var_os("AMENT_PREFIX_PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|prefix| prefix.join("share").join(PACKAGE))
                .collect()
        })
        .unwrap_or_default();
    installed.into_iter().chain(
        starts
            .iter()
            .flat_map(|start| start.ancestors().map(Path::to_path_buf)),
    )
}

impl WorldFiles {
    /// The home world's files under a workspace root or an installed share directory.
    pub fn home_in(root: &Path) -> Self {
        Self {
            world_sdf: root.join("models/gazebo/worlds/home.sdf"),
            robot_sdf: root.join("models/gazebo/models/robot/model.sdf"),
            semantic_map: root.join("config/world/home.yaml"),
        }
    }

    /// Finds the home world among [`share_roots`]`(&[start])`.
    pub fn find_home(start: &Path) -> Option<Self> {
        share_roots(&[start.to_path_buf()])
            .map(|root| Self::home_in(&root))
            .find(Self::all_exist)
    }

    fn all_exist(&self) -> bool {
        self.world_sdf.is_file() && self.robot_sdf.is_file() && self.semantic_map.is_file()
    }
}

/// The world, loaded and cross-checked: every place, object and structure entry of the map
/// names a top-level SDF model and every top-level SDF model is named; object start poses
/// match the SDF; approach poses, the dock and the robot's start keep the robot clear of
/// static obstacles.
#[derive(Debug, Clone)]
pub struct World {
    sdf: WorldSdf,
    robot: RobotSdf,
    map: SemanticMap,
    height_band: HeightBand,
    /// Index into `sdf.models` per place, in [`PlaceId::ALL`] order (filled by `check_names`).
    place_models: Vec<usize>,
    /// Index into `sdf.models` per object, in [`ObjectId::ALL`] order.
    object_models: Vec<usize>,
}

impl World {
    /// Reads the three files and checks them against each other.
    pub fn load(files: &WorldFiles) -> Result<Self, WorldError> {
        let sdf = WorldSdf::load(&files.world_sdf)?;
        let robot = RobotSdf::load(&files.robot_sdf)?;
        let map = SemanticMap::load(&files.semantic_map)?;
        Self::from_parts(sdf, robot, map)
    }

    /// Checks already-parsed parts against each other.
    pub fn from_parts(
        sdf: WorldSdf,
        robot: RobotSdf,
        map: SemanticMap,
    ) -> Result<Self, WorldError> {
        let height_band = HeightBand {
            min_z: FLOOR_CLEARANCE_M,
            max_z: robot.height_m().max(FLOOR_CLEARANCE_M),
        };
        let mut world = Self {
            sdf,
            robot,
            map,
            height_band,
            place_models: Vec::new(),
            object_models: Vec::new(),
        };
        world.check_names()?;
        world.check_objects()?;
        world.check_robot_poses()?;
        tracing::info!(
            world = %world.sdf.name,
            obstacles = world.obstacles().count(),
            robot_radius_m = world.robot_radius_m(),
            "world loaded"
        );
        Ok(world)
    }

    fn unknown_model(&self, line: u64, entry: String, model: &str, sdf_file: &Path) -> WorldError {
        WorldError::UnknownModel {
            map_file: self.map.file().to_path_buf(),
            line,
            entry,
            model: model.to_string(),
            sdf_file: sdf_file.to_path_buf(),
        }
    }

    fn top_level(&self, name: &str) -> Option<&SdfModel> {
        self.top_level_index(name)
            .map(|index| &self.sdf.models[index])
    }

    fn top_level_index(&self, name: &str) -> Option<usize> {
        self.sdf
            .models
            .iter()
            .position(|model| model.top_level && model.name == name)
    }

    fn check_names(&mut self) -> Result<(), WorldError> {
        if self.map.world_name() != self.sdf.name {
            return Err(WorldError::InvalidMap {
                file: self.map.file().to_path_buf(),
                line: 1,
                entry: "world".into(),
                reason: format!(
                    "{:?} differs from <world name={:?}> in {}",
                    self.map.world_name(),
                    self.sdf.name,
                    self.sdf.file.display()
                ),
            });
        }
        let sdf_file = self.sdf.file.clone();
        let mut named: Vec<&str> = Vec::new();
        let mut place_models = Vec::new();
        for place in self.map.places() {
            let index = self.top_level_index(&place.model).ok_or_else(|| {
                self.unknown_model(
                    place.model_line,
                    format!("place \"{}\"", place.id),
                    &place.model,
                    &sdf_file,
                )
            })?;
            place_models.push(index);
            named.push(&place.model);
        }
        let mut object_models = Vec::new();
        for object in self.map.objects() {
            let index = self.top_level_index(&object.model).ok_or_else(|| {
                self.unknown_model(
                    object.model_line,
                    format!("object \"{}\"", object.id),
                    &object.model,
                    &sdf_file,
                )
            })?;
            object_models.push(index);
            named.push(&object.model);
        }
        for (model, line) in self.map.structure_models() {
            if self.top_level(model).is_none() {
                return Err(self.unknown_model(line, "structure".into(), model, &sdf_file));
            }
            named.push(model);
        }
        if self.map.robot_model() != self.robot.name {
            let (line, _, _) = self.map.lines();
            return Err(self.unknown_model(
                line,
                "robot".into(),
                self.map.robot_model(),
                &self.robot.file,
            ));
        }
        if let Some(model) = self
            .sdf
            .top_level_models()
            .find(|m| !named.contains(&m.name.as_str()))
        {
            return Err(WorldError::UnmappedModel {
                sdf_file,
                line: model.line,
                model: model.name.clone(),
                map_file: self.map.file().to_path_buf(),
            });
        }
        self.place_models = place_models;
        self.object_models = object_models;
        Ok(())
    }

    fn check_objects(&self) -> Result<(), WorldError> {
        for object in self.map.objects() {
            let model = self.object_model(object.id);
            let entry = format!("object \"{}\"", object.id);
            if model.is_static {
                return Err(WorldError::InvalidMap {
                    file: self.map.file().to_path_buf(),
                    line: object.model_line,
                    entry,
                    reason: format!(
                        "model {:?} is static in {} (line {}); objects must be movable",
                        model.name,
                        self.sdf.file.display(),
                        model.line
                    ),
                });
            }
            let sdf_xy = model.pose.translation.vector;
            let map_xy = object.start.pose.translation.vector;
            let (_, _, sdf_yaw) = model.pose.rotation.euler_angles();
            let yaw_error = (object.start.pose.rotation.angle() - sdf_yaw)
                .sin()
                .asin()
                .abs();
            let offset = ((sdf_xy.x - map_xy.x).powi(2)
                + (sdf_xy.y - map_xy.y).powi(2)
                + (sdf_xy.z - object.start.z).powi(2))
            .sqrt();
            if offset > START_POSE_TOLERANCE_M || yaw_error.to_degrees() > START_YAW_TOLERANCE_DEG {
                return Err(WorldError::PoseMismatch {
                    map_file: self.map.file().to_path_buf(),
                    line: object.start_line,
                    object: object.id.to_string(),
                    map_x: map_xy.x,
                    map_y: map_xy.y,
                    sdf: Box::new(SdfSite {
                        file: self.sdf.file.clone(),
                        line: model.line,
                        model: model.name.clone(),
                        element: format!("model name={:?}", model.name),
                    }),
                    sdf_x: sdf_xy.x,
                    sdf_y: sdf_xy.y,
                });
            }
        }
        Ok(())
    }

    fn check_robot_poses(&self) -> Result<(), WorldError> {
        let (_, start_line, dock_line) = self.map.lines();
        let mut poses: Vec<(String, Isometry2<f64>, u64)> = self
            .map
            .places()
            .iter()
            .map(|place| {
                (
                    format!("approach pose of \"{}\"", place.id),
                    place.approach,
                    place.approach_line,
                )
            })
            .collect();
        poses.push(("robot start".into(), self.map.robot_start(), start_line));
        poses.push(("dock pose".into(), self.map.dock_pose(), dock_line));
        let radius = self.robot_radius_m();
        for (what, pose, line) in poses {
            let at = Point2::from(pose.translation.vector);
            if let Some((distance, collision)) = self.nearest_obstacle(&at)
                && distance < radius
            {
                return Err(WorldError::PoseInObstacle {
                    map_file: self.map.file().to_path_buf(),
                    line,
                    what,
                    x: at.x,
                    y: at.y,
                    robot_radius_m: radius,
                    obstacle: Box::new(SdfSite {
                        file: self.sdf.file.clone(),
                        line: collision.line,
                        model: collision.model.clone(),
                        element: format!("collision name={:?}", collision.name),
                    }),
                });
            }
        }
        Ok(())
    }

    /// The SDF world.
    pub fn sdf(&self) -> &WorldSdf {
        &self.sdf
    }

    /// The robot model.
    pub fn robot(&self) -> &RobotSdf {
        &self.robot
    }

    /// The semantic map.
    pub fn map(&self) -> &SemanticMap {
        &self.map
    }

    /// Heights that matter to the robot: from just above the floor to the robot's top.
    pub fn height_band(&self) -> HeightBand {
        self.height_band
    }

    /// The robot's footprint radius (metres).
    pub fn robot_radius_m(&self) -> f64 {
        self.robot.radius_m()
    }

    /// Static collisions in the height band: the walls and furniture the robot can hit.
    pub fn obstacles(&self) -> impl Iterator<Item = &Collision> {
        let band = self.height_band;
        self.sdf
            .static_collisions()
            .filter(move |collision| collision.footprint.is_some_and(|f| f.in_band(&band)))
    }

    /// Footprints of [`Self::obstacles`].
    pub fn obstacle_footprints(&self) -> impl Iterator<Item = &Footprint> {
        self.obstacles()
            .filter_map(|collision| collision.footprint.as_ref())
    }

    /// Distance from `point` to the nearest obstacle, and that obstacle.
    pub fn nearest_obstacle(&self, point: &Point2<f64>) -> Option<(f64, &Collision)> {
        self.obstacles()
            .filter_map(|collision| {
                collision
                    .footprint
                    .map(|f| (f.distance_to(point), collision))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The SDF model of a place (room models hold floor and furniture).
    pub fn place_model(&self, id: PlaceId) -> &SdfModel {
        let position = PlaceId::ALL.iter().position(|p| *p == id).unwrap_or(0);
        &self.sdf.models[self.place_models[position]]
    }

    /// The SDF model of an object (its start pose).
    pub fn object_model(&self, id: ObjectId) -> &SdfModel {
        let position = ObjectId::ALL.iter().position(|o| *o == id).unwrap_or(0);
        &self.sdf.models[self.object_models[position]]
    }

    /// Grid parameters for this robot: inflation = robot radius + `safety_margin_m`, the
    /// robot's height band, a border of one inflation radius plus a cell.
    pub fn grid_params(&self, resolution_m: f64, safety_margin_m: f64) -> GridParams {
        let inflation_radius_m = self.robot_radius_m() + safety_margin_m;
        GridParams {
            resolution_m,
            inflation_radius_m,
            height_band: self.height_band,
            margin_m: inflation_radius_m + resolution_m,
        }
    }

    /// The occupancy grid of the static obstacles.
    pub fn occupancy_grid(&self, params: &GridParams) -> Result<OccupancyGrid, WorldError> {
        OccupancyGrid::build(self.obstacle_footprints(), params)
    }
}
