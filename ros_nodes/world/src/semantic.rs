//! The semantic map (`config/world/home.yaml`): places and objects with their canonical names,
//! aliases, room outlines, approach poses and start locations; the dock and the robot's start.
//! Checked in itself here; against the SDF in [`crate::World`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nalgebra::{Isometry2, Point2, Vector2};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::WorldError;
use crate::names::{ObjectId, PlaceId, normalize_phrase};

/// A 2-D pose as written in the map: metres and degrees.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPose {
    x: f64,
    y: f64,
    yaw_deg: f64,
}

impl RawPose {
    fn to_isometry(self) -> Isometry2<f64> {
        Isometry2::new(Vector2::new(self.x, self.y), self.yaw_deg.to_radians())
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPose3 {
    x: f64,
    y: f64,
    z: f64,
    yaw_deg: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlace {
    name: Spanned<PlaceId>,
    model: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    polygon: Option<Vec<[f64; 2]>>,
    #[serde(default)]
    room: Option<PlaceId>,
    approach: Spanned<RawPose>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    place: PlaceId,
    #[serde(default)]
    on: Option<String>,
    pose: RawPose3,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObject {
    name: Spanned<ObjectId>,
    model: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    start: Spanned<RawStart>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRobot {
    model: Spanned<String>,
    start: Spanned<RawPose>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    world: String,
    frame: String,
    #[serde(default)]
    structure: Vec<Spanned<String>>,
    places: Vec<RawPlace>,
    dock: Spanned<RawPose>,
    robot: RawRobot,
    objects: Vec<RawObject>,
}

/// Whether a place is a room (with an outline) or a spot inside one.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceKind {
    /// A room: its outline in the map frame (counter-clockwise or clockwise).
    Room {
        /// Vertices in metres.
        polygon: Vec<Point2<f64>>,
    },
    /// A spot (the charging dock) in a room.
    Spot {
        /// The room it is in.
        room: PlaceId,
    },
}

/// A place the robot can be sent to.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Canonical name.
    pub id: PlaceId,
    /// Name of its SDF model (a room's model holds its floor and furniture).
    pub model: String,
    /// Aliases as written in the map.
    pub aliases: Vec<String>,
    /// Room or spot.
    pub kind: PlaceKind,
    /// Where the robot stands to be "at" the place, facing the way it should.
    pub approach: Isometry2<f64>,
    /// Map line of the entry's `name`.
    pub line: u64,
    /// Map line of `model`.
    pub model_line: u64,
    /// Map line of `approach`.
    pub approach_line: u64,
}

/// Where an object starts.
#[derive(Debug, Clone, PartialEq)]
pub struct StartPose {
    /// The room (or place) it is in.
    pub place: PlaceId,
    /// What it lies on, for descriptions ("on the kitchen table").
    pub on: Option<String>,
    /// Its model pose: x, y in the map frame and yaw.
    pub pose: Isometry2<f64>,
    /// Height of the model origin above the floor, metres.
    pub z: f64,
}

/// An object the robot can find and bring.
#[derive(Debug, Clone, PartialEq)]
pub struct MapObject {
    /// Canonical name.
    pub id: ObjectId,
    /// Name of its SDF model.
    pub model: String,
    /// Aliases as written in the map.
    pub aliases: Vec<String>,
    /// Start location.
    pub start: StartPose,
    /// Map line of the entry's `name`.
    pub line: u64,
    /// Map line of `model`.
    pub model_line: u64,
    /// Map line of `start`.
    pub start_line: u64,
}

/// What a phrase resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Named {
    /// A place.
    Place(PlaceId),
    /// An object.
    Object(ObjectId),
}

/// The semantic map, validated: every canonical place and object appears exactly once, aliases
/// are unambiguous, rooms have outlines, approach and start poses lie in their rooms.
#[derive(Debug, Clone)]
pub struct SemanticMap {
    file: PathBuf,
    world: String,
    frame: String,
    structure: Vec<(String, u64)>,
    /// In [`PlaceId::ALL`] order.
    places: Vec<Place>,
    /// In [`ObjectId::ALL`] order.
    objects: Vec<MapObject>,
    dock: Isometry2<f64>,
    dock_line: u64,
    robot_model: String,
    robot_model_line: u64,
    robot_start: Isometry2<f64>,
    robot_start_line: u64,
    lookup: HashMap<String, Named>,
}

impl SemanticMap {
    /// Reads and validates a semantic-map file.
    pub fn load(path: &Path) -> Result<Self, WorldError> {
        let text = crate::sdf::read_file(path)?;
        Self::parse(&text, path)
    }

    /// Parses and validates semantic-map YAML; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WorldError> {
        let raw: RawMap = serde_saphyr::from_str(text).map_err(|err| WorldError::Yaml {
            file: path.to_path_buf(),
            message: err.to_string(),
        })?;
        let invalid = |line: u64, entry: String, reason: String| WorldError::InvalidMap {
            file: path.to_path_buf(),
            line,
            entry,
            reason,
        };

        let mut places: Vec<Option<Place>> = vec![None; PlaceId::ALL.len()];
        for raw_place in raw.places {
            let id = raw_place.name.value;
            let line = raw_place.name.referenced.line();
            let entry = format!("place \"{id}\"");
            let kind = match (raw_place.polygon, raw_place.room) {
                (Some(vertices), None) => {
                    let polygon: Vec<Point2<f64>> =
                        vertices.iter().map(|[x, y]| Point2::new(*x, *y)).collect();
                    if polygon.len() < 3 || polygon_area(&polygon).abs() < 1e-6 {
                        return Err(invalid(
                            line,
                            entry,
                            "polygon needs 3 or more vertices enclosing an area".into(),
                        ));
                    }
                    PlaceKind::Room { polygon }
                }
                (None, Some(room)) => PlaceKind::Spot { room },
                _ => {
                    return Err(invalid(
                        line,
                        entry,
                        "needs exactly one of `polygon` (a room) or `room` (a spot in a room)"
                            .into(),
                    ));
                }
            };
            let slot = &mut places[index_of(PlaceId::ALL, id)];
            if slot.is_some() {
                return Err(invalid(line, entry, "listed twice".into()));
            }
            *slot = Some(Place {
                id,
                model: raw_place.model.value,
                aliases: raw_place.aliases,
                kind,
                approach: raw_place.approach.value.to_isometry(),
                line,
                model_line: raw_place.model.referenced.line(),
                approach_line: raw_place.approach.referenced.line(),
            });
        }
        let places: Vec<Place> = places
            .into_iter()
            .zip(PlaceId::ALL)
            .map(|(place, id)| {
                place.ok_or_else(|| {
                    invalid(1, format!("place \"{id}\""), "missing from `places`".into())
                })
            })
            .collect::<Result<_, _>>()?;

        let mut objects: Vec<Option<MapObject>> = vec![None; ObjectId::ALL.len()];
        for raw_object in raw.objects {
            let id = raw_object.name.value;
            let line = raw_object.name.referenced.line();
            let start = raw_object.start.value;
            let slot = &mut objects[index_of(ObjectId::ALL, id)];
            if slot.is_some() {
                return Err(invalid(
                    line,
                    format!("object \"{id}\""),
                    "listed twice".into(),
                ));
            }
            *slot = Some(MapObject {
                id,
                model: raw_object.model.value,
                aliases: raw_object.aliases,
                start: StartPose {
                    place: start.place,
                    on: start.on,
                    pose: Isometry2::new(
                        Vector2::new(start.pose.x, start.pose.y),
                        start.pose.yaw_deg.to_radians(),
                    ),
                    z: start.pose.z,
                },
                line,
                model_line: raw_object.model.referenced.line(),
                start_line: raw_object.start.referenced.line(),
            });
        }
        let objects: Vec<MapObject> = objects
            .into_iter()
            .zip(ObjectId::ALL)
            .map(|(object, id)| {
                object.ok_or_else(|| {
                    invalid(
                        1,
                        format!("object \"{id}\""),
                        "missing from `objects`".into(),
                    )
                })
            })
            .collect::<Result<_, _>>()?;

        let mut map = Self {
            file: path.to_path_buf(),
            world: raw.world,
            frame: raw.frame,
            structure: raw
                .structure
                .into_iter()
                .map(|model| (model.value, model.referenced.line()))
                .collect(),
            places,
            objects,
            dock: raw.dock.value.to_isometry(),
            dock_line: raw.dock.referenced.line(),
            robot_model: raw.robot.model.value,
            robot_model_line: raw.robot.model.referenced.line(),
            robot_start: raw.robot.start.value.to_isometry(),
            robot_start_line: raw.robot.start.referenced.line(),
            lookup: HashMap::new(),
        };
        map.validate()?;
        map.lookup = map.build_lookup()?;
        tracing::debug!(file = %path.display(), names = map.lookup.len(), "read semantic map");
        Ok(map)
    }

    fn invalid(&self, line: u64, entry: String, reason: String) -> WorldError {
        WorldError::InvalidMap {
            file: self.file.clone(),
            line,
            entry,
            reason,
        }
    }

    /// Positions must lie in the rooms they claim.
    fn validate(&self) -> Result<(), WorldError> {
        for place in &self.places {
            let entry = format!("place \"{}\"", place.id);
            let room = match &place.kind {
                PlaceKind::Room { .. } => place.id,
                PlaceKind::Spot { room } => {
                    if !matches!(self.place(*room).kind, PlaceKind::Room { .. }) {
                        return Err(self.invalid(
                            place.line,
                            entry,
                            format!("`room: {room}` is not a room"),
                        ));
                    }
                    *room
                }
            };
            let at = Point2::from(place.approach.translation.vector);
            if self.room_at(at.x, at.y) != Some(room) {
                return Err(self.invalid(
                    place.approach_line,
                    entry,
                    format!(
                        "approach pose ({:.2}, {:.2}) is not inside room \"{room}\"",
                        at.x, at.y
                    ),
                ));
            }
        }
        for object in &self.objects {
            let at = object.start.pose.translation.vector;
            let room = self.room_of(object.start.place);
            if self.room_at(at.x, at.y) != Some(room) {
                return Err(self.invalid(
                    object.start_line,
                    format!("object \"{}\"", object.id),
                    format!(
                        "start pose ({:.2}, {:.2}) is not inside room \"{room}\"",
                        at.x, at.y
                    ),
                ));
            }
        }
        for (what, pose, line) in [
            ("robot start", self.robot_start, self.robot_start_line),
            ("dock", self.dock, self.dock_line),
        ] {
            let at = pose.translation.vector;
            if self.room_at(at.x, at.y).is_none() {
                return Err(self.invalid(
                    line,
                    what.into(),
                    format!("({:.2}, {:.2}) is in no room", at.x, at.y),
                ));
            }
        }
        Ok(())
    }

    /// Canonical names and aliases, normalised, each naming exactly one thing.
    fn build_lookup(&self) -> Result<HashMap<String, Named>, WorldError> {
        let mut lookup = HashMap::new();
        let entries = self
            .places
            .iter()
            .map(|p| (Named::Place(p.id), p.id.name(), &p.aliases, p.line))
            .chain(
                self.objects
                    .iter()
                    .map(|o| (Named::Object(o.id), o.id.name(), &o.aliases, o.line)),
            );
        for (named, canonical, aliases, line) in entries {
            for phrase in std::iter::once(canonical).chain(aliases.iter().map(String::as_str)) {
                let key = normalize_phrase(phrase);
                if key.is_empty() {
                    return Err(self.invalid(line, describe(named), "an empty alias".into()));
                }
                if let Some(previous) = lookup.insert(key.clone(), named)
                    && previous != named
                {
                    return Err(self.invalid(
                        line,
                        describe(named),
                        format!("alias \"{phrase}\" already names {}", describe(previous)),
                    ));
                }
            }
        }
        Ok(lookup)
    }

    /// The file this map was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The `<world name>` the map describes.
    pub fn world_name(&self) -> &str {
        &self.world
    }

    /// The frame of every pose (`map`).
    pub fn frame(&self) -> &str {
        &self.frame
    }

    /// SDF models that are neither places nor objects (walls, ground plane), with map lines.
    pub fn structure_models(&self) -> impl Iterator<Item = (&str, u64)> {
        self.structure
            .iter()
            .map(|(name, line)| (name.as_str(), *line))
    }

    /// Every place, in [`PlaceId::ALL`] order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The rooms (places with outlines).
    pub fn rooms(&self) -> impl Iterator<Item = &Place> {
        self.places
            .iter()
            .filter(|p| matches!(p.kind, PlaceKind::Room { .. }))
    }

    /// One place (every canonical place is in a valid map).
    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[index_of(PlaceId::ALL, id)]
    }

    /// Every object, in [`ObjectId::ALL`] order.
    pub fn objects(&self) -> &[MapObject] {
        &self.objects
    }

    /// One object.
    pub fn object(&self, id: ObjectId) -> &MapObject {
        &self.objects[index_of(ObjectId::ALL, id)]
    }

    /// The room a place is or is in.
    pub fn room_of(&self, id: PlaceId) -> PlaceId {
        match self.place(id).kind {
            PlaceKind::Room { .. } => id,
            PlaceKind::Spot { room } => room,
        }
    }

    /// base_link pose when docked (charging).
    pub fn dock_pose(&self) -> Isometry2<f64> {
        self.dock
    }

    /// The robot's SDF model name.
    pub fn robot_model(&self) -> &str {
        &self.robot_model
    }

    /// Where the robot is spawned.
    pub fn robot_start(&self) -> Isometry2<f64> {
        self.robot_start
    }

    /// Map lines of the robot `model`, the robot `start` and the `dock`, for error messages.
    pub(crate) fn lines(&self) -> (u64, u64, u64) {
        (self.robot_model_line, self.robot_start_line, self.dock_line)
    }

    /// What a phrase names: "the lounge" → living room, "Mug" → cup. Exact after
    /// [`normalize_phrase`]; no fuzzy matching (the brain handles paraphrase).
    pub fn resolve(&self, phrase: &str) -> Option<Named> {
        self.lookup.get(&normalize_phrase(phrase)).copied()
    }

    /// The place a phrase names, if it names one.
    pub fn resolve_place(&self, phrase: &str) -> Option<PlaceId> {
        match self.resolve(phrase)? {
            Named::Place(id) => Some(id),
            Named::Object(_) => None,
        }
    }

    /// The object a phrase names, if it names one.
    pub fn resolve_object(&self, phrase: &str) -> Option<ObjectId> {
        match self.resolve(phrase)? {
            Named::Object(id) => Some(id),
            Named::Place(_) => None,
        }
    }

    /// Every normalised name and alias with what it names (for the brain's corpus).
    pub fn vocabulary(&self) -> impl Iterator<Item = (&str, Named)> {
        self.lookup
            .iter()
            .map(|(phrase, named)| (phrase.as_str(), *named))
    }

    /// The room containing map point (x, y); on a shared wall line, the first room in
    /// [`PlaceId::ALL`] order.
    pub fn room_at(&self, x: f64, y: f64) -> Option<PlaceId> {
        let point = Point2::new(x, y);
        self.rooms().find_map(|place| match &place.kind {
            PlaceKind::Room { polygon } if polygon_contains(polygon, &point) => Some(place.id),
            _ => None,
        })
    }
}

fn describe(named: Named) -> String {
    match named {
        Named::Place(id) => format!("place \"{id}\""),
        Named::Object(id) => format!("object \"{id}\""),
    }
}

fn index_of<T: PartialEq>(all: &[T], item: T) -> usize {
    // Every enum member is in ALL by construction (the vocabulary macro).
    all.iter().position(|member| *member == item).unwrap_or(0)
}

/// Shoelace formula.
fn polygon_area(polygon: &[Point2<f64>]) -> f64 {
    let n = polygon.len();
    (0..n)
        .map(|i| {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

/// Point in polygon, boundary included: on an edge counts as inside, otherwise even-odd
/// crossings of a ray towards +x.
pub(crate) fn polygon_contains(polygon: &[Point2<f64>], point: &Point2<f64>) -> bool {
    let n = polygon.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        let edge = b - a;
        let to_point = point - a;
        let cross = edge.x * to_point.y - edge.y * to_point.x;
        let along = edge.dot(&to_point);
        if cross.abs() < 1e-9 && along >= 0.0 && along <= edge.norm_squared() {
            return true;
        }
        if (a.y > point.y) != (b.y > point.y) {
            let x_cross = a.x + (point.y - a.y) / (b.y - a.y) * edge.x;
            if point.x < x_cross {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygon_containment() {
        let l_shape = [
            Point2::new(0.0, 0.0),
            Point2::new(4.0, 0.0),
            Point2::new(4.0, 1.0),
            Point2::new(1.0, 1.0),
            Point2::new(1.0, 3.0),
            Point2::new(0.0, 3.0),
        ];
        assert!(polygon_contains(&l_shape, &Point2::new(0.5, 2.5)));
        assert!(polygon_contains(&l_shape, &Point2::new(3.5, 0.5)));
        assert!(!polygon_contains(&l_shape, &Point2::new(2.0, 2.0)));
        assert!(polygon_contains(&l_shape, &Point2::new(4.0, 0.5)));
        assert!(!polygon_contains(&l_shape, &Point2::new(-0.1, 0.5)));
        assert!((polygon_area(&l_shape) - 6.0).abs() < 1e-12);
    }
}
