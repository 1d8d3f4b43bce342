//! The one error type of the crate: every variant names the file and, where there is one, the
//! element and the line, so a bad world file can be fixed without a debugger.

use std::path::PathBuf;

/// Where in an SDF file an element is, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdfSite {
    /// The SDF file.
    pub file: PathBuf,
    /// Line of the element.
    pub line: u32,
    /// Scoped name of the model, e.g. `kitchen::kitchen_table`.
    pub model: String,
    /// The element as written, e.g. `collision name="top"` or `model name="cup"`.
    pub element: String,
}

/// Why a world file (SDF, semantic map) could not be loaded or does not agree with the others.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not well-formed XML (roxmltree's message carries the line and column).
    #[error("{}: malformed XML: {source}", file.display())]
    Xml {
        /// The SDF file.
        file: PathBuf,
        /// The parser's error, with its position.
        source: roxmltree::Error,
    },
    /// A required element or attribute is absent.
    #[error("{}:{line}: <{element}> lacks {missing}", file.display())]
    Missing {
        /// The SDF file.
        file: PathBuf,
        /// Line of `element`.
        line: u32,
        /// The element that should contain it.
        element: String,
        /// What is missing, e.g. `<size>` or `attribute "name"`.
        missing: String,
    },
    /// An element's text or attribute does not parse or is out of range.
    #[error("{}:{line}: <{element}> has invalid value {value:?}: {reason}", file.display())]
    InvalidValue {
        /// The SDF file.
        file: PathBuf,
        /// Line of `element`.
        line: u32,
        /// The element.
        element: String,
        /// The offending text.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// A feature of SDF this reader does not implement; failing beats silently misplacing an
    /// obstacle.
    #[error("{}:{line}: <{element}>: {what} is not supported by this reader", file.display())]
    Unsupported {
        /// The SDF file.
        file: PathBuf,
        /// Line of `element`.
        line: u32,
        /// The element.
        element: String,
        /// The unsupported feature.
        what: String,
    },
    /// The semantic map is not valid YAML or does not match the schema (the message carries the
    /// line and column).
    #[error("{}: {message}", file.display())]
    Yaml {
        /// The semantic-map file.
        file: PathBuf,
        /// serde-saphyr's message, with its position.
        message: String,
    },
    /// The semantic map is well-formed but inconsistent in itself.
    #[error("{}:{line}: {entry}: {reason}", file.display())]
    InvalidMap {
        /// The semantic-map file.
        file: PathBuf,
        /// Line of the entry.
        line: u64,
        /// The entry, e.g. `place "kitchen"`.
        entry: String,
        /// What is wrong.
        reason: String,
    },
    /// The semantic map names a model that the SDF does not define.
    #[error(
        "{}:{line}: {entry} names model {model:?}, which {} does not define",
        map_file.display(),
        sdf_file.display()
    )]
    UnknownModel {
        /// The semantic-map file.
        map_file: PathBuf,
        /// Line of the `model:` key.
        line: u64,
        /// The entry, e.g. `object "cup"`.
        entry: String,
        /// The model name.
        model: String,
        /// The SDF file searched.
        sdf_file: PathBuf,
    },
    /// A top-level SDF model is neither a place, an object nor listed as structure in the map.
    #[error(
        "{}:{line}: <model name={model:?}> is not named in {} (as a place, an object or under `structure`)",
        sdf_file.display(),
        map_file.display()
    )]
    UnmappedModel {
        /// The SDF file.
        sdf_file: PathBuf,
        /// Line of the `<model>` element.
        line: u32,
        /// The model name.
        model: String,
        /// The semantic-map file.
        map_file: PathBuf,
    },
    /// An object's start pose in the map differs from its model pose in the SDF.
    #[error(
        "{}:{line}: object {object:?} starts at ({map_x:.3}, {map_y:.3}) but {}:{} puts model {:?} at ({sdf_x:.3}, {sdf_y:.3})",
        map_file.display(),
        sdf.file.display(),
        sdf.line,
        sdf.model
    )]
    PoseMismatch {
        /// The semantic-map file.
        map_file: PathBuf,
        /// Line of the object's `start:`.
        line: u64,
        /// Canonical object name.
        object: String,
        /// The map's x.
        map_x: f64,
        /// The map's y.
        map_y: f64,
        /// The object's `<model>` element.
        sdf: Box<SdfSite>,
        /// The SDF's x.
        sdf_x: f64,
        /// The SDF's y.
        sdf_y: f64,
    },
    /// A pose where the robot must stand (approach pose, dock, start) overlaps a static obstacle.
    #[error(
        "{}:{line}: {what} ({x:.2}, {y:.2}) puts the robot (radius {robot_radius_m:.2} m) inside <{}> of model {:?} ({}:{})",
        map_file.display(),
        obstacle.element,
        obstacle.model,
        obstacle.file.display(),
        obstacle.line
    )]
    PoseInObstacle {
        /// The semantic-map file.
        map_file: PathBuf,
        /// Line of the pose in the map.
        line: u64,
        /// Which pose, e.g. `approach pose of "kitchen"` or `robot start`.
        what: String,
        /// Pose x in the map frame.
        x: f64,
        /// Pose y in the map frame.
        y: f64,
        /// The robot's footprint radius.
        robot_radius_m: f64,
        /// The `<collision>` element it overlaps.
        obstacle: Box<SdfSite>,
    },
    /// Occupancy-grid parameters out of range.
    #[error("invalid grid parameter {field} = {value}: {reason}")]
    InvalidGridParams {
        /// Parameter name.
        field: &'static str,
        /// Its value.
        value: f64,
        /// The accepted range.
        reason: &'static str,
    },
}
