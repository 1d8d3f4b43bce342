//! Bad world files fail with errors that name the file, the element and the line.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use embodied_world::sdf::{RobotSdf, WorldSdf};
use embodied_world::{SemanticMap, World, WorldError, WorldFiles};

fn files() -> WorldFiles {
    WorldFiles::home_in(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|line| line.contains(needle)).unwrap() + 1
}

/// Loads the home world with the SDF and map texts edited.
fn load_edited(
    sdf: impl Fn(String) -> String,
    map: impl Fn(String) -> String,
) -> Result<World, WorldError> {
    let files = files();
    let world = WorldSdf::parse(&sdf(text(&files.world_sdf)), &files.world_sdf)?;
    let robot = RobotSdf::load(&files.robot_sdf)?;
    let map = SemanticMap::parse(&map(text(&files.semantic_map)), &files.semantic_map)?;
    World::from_parts(world, robot, map)
}

#[test]
fn malformed_sdf_names_file_and_position() {
    let files = files();
    let original = text(&files.world_sdf);
    let broken = original.replacen("</model>", "</modle>", 1);
    let err = WorldSdf::parse(&broken, &files.world_sdf).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, WorldError::Xml { .. }));
    assert!(message.contains("home.sdf: malformed XML"), "{message}");
    let line = line_of(&broken, "</modle>");
    assert!(
        message.contains(&format!("{line}:")),
        "{message} should name line {line}"
    );
}

#[test]
fn incomplete_sdf_names_the_element_and_line() {
    let files = files();
    let original = text(&files.world_sdf);
    let needle = "<size>4.1 0.6 0.9</size>";
    let edited = original.replacen(needle, "", 2);
    let err = WorldSdf::parse(&edited, &files.world_sdf).unwrap_err();
    let line = line_of(&original, needle);
    assert_eq!(
        err.to_string(),
        format!("{}:{line}: <box> lacks <size>", files.world_sdf.display())
    );

    let bad_number = original.replacen("<radius>0.2</radius>", "<radius>-0.2</radius>", 1);
    let err = WorldSdf::parse(&bad_number, &files.world_sdf).unwrap_err();
    let line = line_of(&original, "<radius>0.2</radius>");
    assert!(
        err.to_string().starts_with(&format!(
            "{}:{line}: <radius> has invalid value \"-0.2\"",
            files.world_sdf.display()
        )),
        "{err}"
    );

    let robot =
        text(&files.robot_sdf).replace("gz::sim::systems::DiffDrive", "gz::sim::systems::Nothing");
    let err = RobotSdf::parse(&robot, &files.robot_sdf).unwrap_err();
    assert!(
        err.to_string()
            .contains("<model> lacks a <plugin name=\"gz::sim::systems::DiffDrive\">"),
        "{err}"
    );
}

#[test]
fn unknown_model_in_the_map_names_the_map_line() {
    let files = files();
    let map = text(&files.semantic_map);
    let err = load_edited(
        |s| s,
        |m| m.replacen("model: office", "model: study_room", 1),
    )
    .unwrap_err();
    let line = line_of(&map, "model: office");
    assert!(matches!(err, WorldError::UnknownModel { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{}:{line}: place \"office\" names model \"study_room\", which {} does not define",
            files.semantic_map.display(),
            files.world_sdf.display()
        )
    );
}

#[test]
fn sdf_model_missing_from_the_map_is_reported() {
    let err = load_edited(
        |s| {
            s.replacen(
                "  </world>",
                "    <model name=\"garage\"><static>true</static></model>\n  </world>",
                1,
            )
        },
        |m| m,
    )
    .unwrap_err();
    assert!(
        matches!(err, WorldError::UnmappedModel { ref model, .. } if model == "garage"),
        "{err}"
    );
}

#[test]
fn robot_spawned_inside_a_wall_is_refused() {
    let files = files();
    let map = text(&files.semantic_map);
    // x = 7 is the wall between living room and kitchen (door at y 1.5..2.5).
    let err = load_edited(
        |s| s,
        |m| {
            m.replacen(
                "start: {x: 5.5, y: 2.5, yaw_deg: 180}",
                "start: {x: 7.0, y: 1.0, yaw_deg: 180}",
                1,
            )
        },
    )
    .unwrap_err();
    let message = err.to_string();
    let line = line_of(&map, "start: {x: 5.5, y: 2.5");
    assert!(
        message.starts_with(&format!(
            "{}:{line}: robot start (7.00, 1.00)",
            files.semantic_map.display()
        )),
        "{message}"
    );
    let sdf = text(&files.world_sdf);
    let wall_line = line_of(&sdf, "collision name=\"living_kitchen_1\"");
    assert!(
        message.contains(&format!(
            "<collision name=\"living_kitchen_1\"> of model \"walls\" ({}:{wall_line})",
            files.world_sdf.display()
        )),
        "{message}"
    );
}

#[test]
fn approach_pose_inside_furniture_is_refused() {
    // Into the kitchen counter (x 7.8..11.9, y 0.1..0.7).
    let err = load_edited(
        |s| s,
        |m| {
            m.replacen(
                "approach: {x: 8.2, y: 2.2, yaw_deg: 0}",
                "approach: {x: 9.0, y: 0.6, yaw_deg: 0}",
                1,
            )
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, WorldError::PoseInObstacle { ref obstacle, .. } if obstacle.model == "kitchen::kitchen_counter"),
        "{err}"
    );
    assert!(
        err.to_string().contains("approach pose of \"kitchen\""),
        "{err}"
    );
}

#[test]
fn object_pose_disagreeing_with_the_sdf_is_refused() {
    let err = load_edited(
        |s| s,
        |m| m.replacen("{x: 8.5, y: 0.4, z: 0.95", "{x: 8.0, y: 0.4, z: 0.95", 1),
    )
    .unwrap_err();
    assert!(
        matches!(err, WorldError::PoseMismatch { ref object, .. } if object == "cup"),
        "{err}"
    );
}

#[test]
fn map_errors_name_the_line() {
    let files = files();
    let map = text(&files.semantic_map);
    // An alias that names two things.
    let err = SemanticMap::parse(
        &map.replacen("[mug,", "[study, mug,", 1),
        &files.semantic_map,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("alias \"study\" already names place \"office\""),
        "{err}"
    );
    // An unknown canonical name is a schema error with a position.
    let err = SemanticMap::parse(
        &map.replacen("name: kitchen", "name: garage", 1),
        &files.semantic_map,
    )
    .unwrap_err();
    let line = line_of(&map, "name: kitchen");
    assert!(matches!(err, WorldError::Yaml { .. }));
    assert!(
        err.to_string().contains(&format!("line {line}"))
            || err.to_string().contains(&format!("{line}:")),
        "{err}"
    );
    // An approach pose outside its room.
    let err = SemanticMap::parse(
        &map.replacen("approach: {x: 3.0, y: 7.5", "approach: {x: 3.0, y: 2.5", 1),
        &files.semantic_map,
    )
    .unwrap_err();
    let line = line_of(&map, "approach: {x: 3.0, y: 7.5");
    assert!(
        err.to_string().starts_with(&format!(
            "{}:{line}: place \"bedroom\": approach pose",
            files.semantic_map.display()
        )),
        "{err}"
    );
}
