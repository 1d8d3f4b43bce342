//! `embodied world ...`: load and check the world files, show the occupancy grid, resolve names.
//! Glue only, over the library; like every CLI layer of the project it reports errors with
//! `anyhow`. Output goes to stdout because printing it is the command's job.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use nalgebra::Point2;

use crate::{Cell, Named, World, WorldFiles};

/// Bad configuration (the project's exit-code table, as in `embodied_runtime::exit_code`).
pub const EXIT_CONFIG: u8 = 2;
/// Writing the output failed.
pub const EXIT_FAILURE: u8 = 1;

/// Where the world files are.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// World SDF [default: the home world of the installed share or the workspace].
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Robot model SDF [default: beside the home world].
    #[arg(long)]
    pub robot: Option<PathBuf>,
    /// Semantic map YAML [default: config/world/home.yaml].
    #[arg(long)]
    pub map: Option<PathBuf>,
}

impl FilesArgs {
    fn resolve(&self) -> anyhow::Result<WorldFiles> {
        let cwd = std::env::current_dir().context("current directory")?;
        let home = WorldFiles::find_home(&cwd);
        let pick = |given: &Option<PathBuf>, default: Option<PathBuf>, what: &str| {
            given.clone().or(default).with_context(|| {
                format!(
                    "no {what} given and the home world was not found from {}",
                    cwd.display()
                )
            })
        };
        Ok(WorldFiles {
            world_sdf: pick(
                &self.world,
                home.as_ref().map(|h| h.world_sdf.clone()),
                "--world",
            )?,
            robot_sdf: pick(
                &self.robot,
                home.as_ref().map(|h| h.robot_sdf.clone()),
                "--robot",
            )?,
            semantic_map: pick(
                &self.map,
                home.as_ref().map(|h| h.semantic_map.clone()),
                "--map",
            )?,
        })
    }
}

/// The subcommands of `embodied world`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the SDF world, robot and semantic map, check them against each other and print a
    /// summary (rooms, objects, obstacles, robot, grid, reachability).
    Check {
        /// The files.
        #[command(flatten)]
        files: FilesArgs,
        /// Grid resolution, metres.
        #[arg(long, default_value_t = 0.05)]
        resolution: f64,
        /// Safety margin added to the robot radius for inflation, metres.
        #[arg(long, default_value_t = 0.05)]
        margin: f64,
    },
    /// Print the inflated occupancy grid as text (`#` obstacle, `+` inflated, `.` free).
    Grid {
        /// The files.
        #[command(flatten)]
        files: FilesArgs,
        /// Grid resolution, metres.
        #[arg(long, default_value_t = 0.1)]
        resolution: f64,
        /// Safety margin added to the robot radius for inflation, metres.
        #[arg(long, default_value_t = 0.05)]
        margin: f64,
    },
    /// Resolve phrases to canonical place or object names ("the lounge" → living room).
    Resolve {
        /// The files.
        #[command(flatten)]
        files: FilesArgs,
        /// Phrases to resolve.
        #[arg(required = true)]
        phrases: Vec<String>,
    },
}

/// Runs a subcommand; the error carries the exit code.
pub fn run(command: Command) -> Result<(), (anyhow::Error, u8)> {
    let config = |e: anyhow::Error| (e, EXIT_CONFIG);
    let mut out = std::io::stdout().lock();
    let text = match command {
        Command::Check {
            files,
            resolution,
            margin,
        } => {
            let world = load(&files).map_err(config)?;
            summary(&world, resolution, margin).map_err(config)?
        }
        Command::Grid {
            files,
            resolution,
            margin,
        } => {
            let world = load(&files).map_err(config)?;
            let grid = world
                .occupancy_grid(&world.grid_params(resolution, margin))
                .map_err(|e| config(e.into()))?;
            grid.to_ascii()
        }
        Command::Resolve { files, phrases } => {
            let world = load(&files).map_err(config)?;
            phrases
                .iter()
                .map(|phrase| match world.map().resolve(phrase) {
                    Some(Named::Place(id)) => format!("{phrase:?}: place \"{id}\"\n"),
                    Some(Named::Object(id)) => format!("{phrase:?}: object \"{id}\"\n"),
                    None => format!("{phrase:?}: unknown\n"),
                })
                .collect()
        }
    };
    out.write_all(text.as_bytes())
        .context("writing to stdout")
        .map_err(|e| (e, EXIT_FAILURE))
}

fn load(files: &FilesArgs) -> anyhow::Result<World> {
    let files = files.resolve()?;
    Ok(World::load(&files)?)
}

fn summary(world: &World, resolution: f64, margin: f64) -> anyhow::Result<String> {
    use std::fmt::Write as _;
    let mut s = String::new();
    let map = world.map();
    let robot = world.robot();
    let grid = world.occupancy_grid(&world.grid_params(resolution, margin))?;
    let free = grid.cells().iter().filter(|c| **c == Cell::Free).count();
    let start = Point2::from(map.robot_start().translation.vector);
    let reachable = grid
        .cell_at(&start)
        .map(|cell| grid.reachable_from(cell))
        .unwrap_or_default();
    let reachable_cells = reachable.iter().filter(|r| **r).count();
    // Infallible: writing to a String.
    let _ = writeln!(
        s,
        "world {:?}: {} models, {} static obstacles in the robot's height band {:.2}..{:.2} m",
        world.sdf().name,
        world.sdf().models.len(),
        world.obstacles().count(),
        world.height_band().min_z,
        world.height_band().max_z
    );
    for place in map.places() {
        let at = place.approach.translation.vector;
        let cell = grid.cell_at(&Point2::new(at.x, at.y));
        let reached = cell.is_some_and(|c| {
            reachable
                .get(c.y * grid.width() + c.x)
                .copied()
                .unwrap_or(false)
        });
        let _ = writeln!(
            s,
            "  place {:<14} model {:<14} approach ({:5.2}, {:5.2}, {:4.0}°) {} aliases, reachable from start: {}",
            format!("{:?}", place.id.name()),
            place.model,
            at.x,
            at.y,
            place.approach.rotation.angle().to_degrees(),
            place.aliases.len(),
            if reached { "yes" } else { "NO" }
        );
    }
    for object in map.objects() {
        let at = object.start.pose.translation.vector;
        let _ = writeln!(
            s,
            "  object {:<16} in {:<12} at ({:5.2}, {:5.2}, z {:.2}) on {}",
            format!("{:?}", object.id.name()),
            object.start.place.name(),
            at.x,
            at.y,
            object.start.z,
            object.start.on.as_deref().unwrap_or("-")
        );
    }
    let drive = &robot.diff_drive;
    let _ = writeln!(
        s,
        "robot {:?}: radius {:.2} m, wheels {:.2} m apart r {:.3} m, v {:.2}..{:.2} m/s, w ±{:.2} rad/s, a {:.2}..{:.2} m/s²",
        robot.name,
        world.robot_radius_m(),
        drive.wheel_separation_m,
        drive.wheel_radius_m,
        drive.linear_velocity_mps.min,
        drive.linear_velocity_mps.max,
        drive.angular_velocity_radps.max,
        drive.linear_acceleration_mps2.min,
        drive.linear_acceleration_mps2.max
    );
    let lidar = &robot.lidar;
    let _ = writeln!(
        s,
        "lidar {:?}: {} samples {:.1}°..{:.1}°, {:.2}..{:.1} m, {:?} Hz, noise σ {:.3} m",
        lidar.name,
        lidar.samples,
        lidar.min_angle_rad.to_degrees(),
        lidar.max_angle_rad.to_degrees(),
        lidar.range_min_m,
        lidar.range_max_m,
        lidar.update_rate_hz,
        lidar.noise.map_or(0.0, |n| n.stddev)
    );
    if let Some(camera) = &robot.logical_camera {
        let _ = writeln!(
            s,
            "camera {:?}: fov {:.0}°, {:.1}..{:.1} m",
            camera.name,
            camera.horizontal_fov_rad.to_degrees(),
            camera.near_m,
            camera.far_m
        );
    }
    let _ = writeln!(
        s,
        "grid {}×{} cells of {:.2} m, inflation {:.2} m, {} free cells, {} reachable from the start ({:.1} m²)",
        grid.width(),
        grid.height(),
        grid.resolution_m(),
        grid.inflation_radius_m(),
        free,
        reachable_cells,
        reachable_cells as f64 * resolution * resolution
    );
    Ok(s)
}
