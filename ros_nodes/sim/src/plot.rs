//! A run drawn over its world as a PNG: rooms, walls, furniture, the dock, the objects' start
//! positions, the robot's trajectory and the gripper events (plotters' bitmap backend).
//!
//! Text needs a system font (plotters' `ttf` feature finds one through fontconfig). Where none
//! is found the plot is drawn again without text, so a missing font never fails a run.

use std::path::Path;

use plotters::prelude::*;

use crate::Error;
use crate::record::Entry;
use crate::world::{Footprint, ObstacleKind, Pose2D, WorldModel};

/// Whether the plot has text (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Title, room names, object labels and axes.
    WithText,
    /// Shapes only (no font available).
    NoText,
}

/// Pixels per metre of the world.
const PIXELS_PER_METRE: f64 = 60.0;
const MARGIN_M: f64 = 0.5;

/// What a plot shows, gathered from the world and the run.
struct Scene<'a> {
    world: &'a WorldModel,
    trajectory: Vec<(f64, f64)>,
    contacts: Vec<(f64, f64)>,
    grasps: Vec<(f64, f64, bool)>,
    releases: Vec<(f64, f64, bool)>,
    title: String,
}

fn plot_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::Plot {
        path: path.to_path_buf(),
        reason: error.to_string(),
    }
}

/// Corners of an obstacle's footprint (a disc as a 24-gon).
fn outline(pose: &Pose2D, footprint: &Footprint) -> Vec<(f64, f64)> {
    let local: Vec<(f64, f64)> = match *footprint {
        Footprint::Rectangle { size_x, size_y } => {
            let (hx, hy) = (size_x / 2.0, size_y / 2.0);
            vec![(-hx, -hy), (hx, -hy), (hx, hy), (-hx, hy)]
        }
        Footprint::Disc { radius } => (0..24)
            .map(|i| {
                let angle = std::f64::consts::TAU * f64::from(i) / 24.0;
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect(),
    };
    local
        .into_iter()
        .map(|(x, y)| {
            let p = pose.compose(&Pose2D::new(x, y, 0.0));
            (p.x, p.y)
        })
        .collect()
}

/// Draws `entries` (a run file's lines) over `world` into the PNG at `output`; returns
/// whether text could be drawn.
///
/// # Errors
/// [`Error::Plot`] when there is nothing to draw or the file cannot be written.
pub fn plot_run(world: &WorldModel, entries: &[Entry], output: &Path) -> Result<TextMode, Error> {
    let mut scene = Scene {
        world,
        trajectory: Vec::new(),
        contacts: Vec::new(),
        grasps: Vec::new(),
        releases: Vec::new(),
        title: String::new(),
    };
    let mut duration = 0.0_f64;
    for entry in entries {
        match entry {
            Entry::Start { world_sdf, .. } => scene.title = world_sdf.clone(),
            Entry::Pose {
                t, x, y, contact, ..
            } => {
                duration = duration.max(*t);
                scene.trajectory.push((*x, *y));
                if *contact {
                    scene.contacts.push((*x, *y));
                }
            }
            Entry::Grasp { x, y, success, .. } => scene.grasps.push((*x, *y, *success)),
            Entry::Release { x, y, success, .. } => scene.releases.push((*x, *y, *success)),
        }
    }
    let length: f64 = scene
        .trajectory
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
        .sum();
    scene.title = format!(
        "{}: {:.1} s, {:.1} m driven, {} contacts",
        scene.title,
        duration,
        length,
        scene.contacts.len()
    );
    match draw(&scene, output, TextMode::WithText) {
        Ok(()) => Ok(TextMode::WithText),
        Err(with_text) => {
            tracing::warn!(path = %output.display(), error = %with_text, "plot without text");
            draw(&scene, output, TextMode::NoText)?;
            Ok(TextMode::NoText)
        }
    }
}

fn bounds(scene: &Scene<'_>) -> Option<(f64, f64, f64, f64)> {
    let obstacle_points = scene
        .world
        .obstacles
        .iter()
        .flat_map(|o| outline(&o.pose, &o.footprint));
    let room_points = scene
        .world
        .rooms
        .iter()
        .flat_map(|r| r.polygon.iter().map(|p| (p[0], p[1])));
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in obstacle_points
        .chain(room_points)
        .chain(scene.trajectory.iter().copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
    {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    (x0 <= x1).then_some((x0 - MARGIN_M, x1 + MARGIN_M, y0 - MARGIN_M, y1 + MARGIN_M))
}

fn draw(scene: &Scene<'_>, path: &Path, mode: TextMode) -> Result<(), Error> {
    let (x0, x1, y0, y1) = bounds(scene).ok_or_else(|| plot_error(path, "nothing to draw"))?;
    let err = |e: &dyn std::fmt::Display| plot_error(path, e);
    let text_band = if mode == TextMode::WithText { 90 } else { 0 };
    let size = (
        ((x1 - x0) * PIXELS_PER_METRE).clamp(300.0, 3000.0) as u32 + text_band,
        ((y1 - y0) * PIXELS_PER_METRE).clamp(300.0, 3000.0) as u32 + text_band,
    );
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut builder = ChartBuilder::on(&root);
    builder.margin(10);
    if mode == TextMode::WithText {
        builder
            .caption(&scene.title, ("sans-serif", 20))
            .x_label_area_size(30)
            .y_label_area_size(40);
    }
    let mut chart = builder
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    if mode == TextMode::WithText {
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x (m)")
            .y_desc("y (m)")
            .draw()
            .map_err(|e| err(&e))?;
    }
    let room_fill = RGBColor(240, 244, 250);
    for room in &scene.world.rooms {
        let corners: Vec<(f64, f64)> = room.polygon.iter().map(|p| (p[0], p[1])).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(corners, room_fill.filled())))
            .map_err(|e| err(&e))?;
    }
    for obstacle in &scene.world.obstacles {
        let colour = match obstacle.kind {
            ObstacleKind::Wall => RGBColor(60, 60, 60),
            ObstacleKind::Furniture => RGBColor(196, 164, 120),
        };
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline(&obstacle.pose, &obstacle.footprint),
                colour.filled(),
            )))
            .map_err(|e| err(&e))?;
    }
    if let Some(dock) = &scene.world.dock {
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline(
                    &dock.pose,
                    &Footprint::Disc {
                        radius: dock.radius,
                    },
                ),
                RGBColor(120, 200, 120).mix(0.6).filled(),
            )))
            .map_err(|e| err(&e))?;
    }
    let object_colour = RGBColor(150, 60, 170);
    chart
        .draw_series(scene.world.objects.iter().map(|o| {
            Rectangle::new(
                [
                    (o.position[0] - 0.06, o.position[1] - 0.06),
                    (o.position[0] + 0.06, o.position[1] + 0.06),
                ],
                object_colour.filled(),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(LineSeries::new(
            scene.trajectory.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(
            scene
                .contacts
                .iter()
                .map(|&p| Cross::new(p, 5, RED.stroke_width(2))),
        )
        .map_err(|e| err(&e))?;
    let event = |&(x, y, success): &(f64, f64, bool), colour: RGBColor| {
        let style = if success {
            colour.filled()
        } else {
            colour.stroke_width(2)
        };
        Circle::new((x, y), 7, style)
    };
    chart
        .draw_series(scene.grasps.iter().map(|g| event(g, RGBColor(0, 160, 0))))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(
            scene
                .releases
                .iter()
                .map(|r| event(r, RGBColor(240, 140, 0))),
        )
        .map_err(|e| err(&e))?;
    if let (Some(&first), Some(&last)) = (scene.trajectory.first(), scene.trajectory.last()) {
        chart
            .draw_series([
                Circle::new(first, 6, GREEN.filled()),
                Circle::new(last, 6, RED.filled()),
            ])
            .map_err(|e| err(&e))?;
    }
    if mode == TextMode::WithText {
        let label_style = ("sans-serif", 14).into_font().color(&BLACK);
        for room in &scene.world.rooms {
            if let Some(centre) = centroid(&room.polygon) {
                chart
                    .draw_series(std::iter::once(Text::new(
                        room.name.clone(),
                        centre,
                        label_style.clone(),
                    )))
                    .map_err(|e| err(&e))?;
            }
        }
        let object_style = ("sans-serif", 12).into_font().color(&object_colour);
        chart
            .draw_series(scene.world.objects.iter().map(|o| {
                Text::new(
                    o.id.clone(),
                    (o.position[0] + 0.08, o.position[1] + 0.08),
                    object_style.clone(),
                )
            }))
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

fn centroid(polygon: &[[f64; 2]]) -> Option<(f64, f64)> {
    if polygon.is_empty() {
        return None;
    }
    let n = polygon.len() as f64;
    let (sx, sy) = polygon
        .iter()
        .fold((0.0, 0.0), |(sx, sy), p| (sx + p[0], sy + p[1]));
    Some((sx / n, sy / n))
}
