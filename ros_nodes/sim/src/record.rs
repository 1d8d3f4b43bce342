//! Run files: what a simulation did, as JSON lines, one [`Entry`] per line. The first line is a
//! [`Entry::Start`] naming the world files; then ground-truth [`Entry::Pose`] samples and
//! gripper events in time order. `sim plot RUN` draws them.
//!
//! ```text
//! {"type":"start","world_sdf":"models/gazebo/worlds/home.sdf","semantic_map":"config/world/home.yaml","seed":1}
//! {"type":"pose","t":0.1,"x":0.02,"y":0.0,"yaw":0.0,"linear":0.2,"angular":0.0,"battery":0.99,"contact":false}
//! {"type":"grasp","t":12.3,"object":"cup","x":3.1,"y":1.2,"success":true,"message":""}
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::Error;

/// One line of a run file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    /// The run's world and seed.
    Start {
        /// World SDF.
        world_sdf: String,
        /// Semantic map YAML.
        semantic_map: String,
        /// Random seed.
        seed: u64,
    },
    /// Ground truth at simulated time `t`.
    Pose {
        /// Simulated time, s.
        t: f64,
        /// X, map frame, m.
        x: f64,
        /// Y, map frame, m.
        y: f64,
        /// Heading, rad.
        yaw: f64,
        /// Forward speed, m/s.
        linear: f64,
        /// Turning speed, rad/s.
        angular: f64,
        /// Battery charge, fraction.
        battery: f64,
        /// Touching an obstacle.
        contact: bool,
    },
    /// A grasp request and its outcome.
    Grasp {
        /// Simulated time, s.
        t: f64,
        /// Object asked for.
        object: String,
        /// Where the object was (or the robot, on failure), m.
        x: f64,
        /// Y, m.
        y: f64,
        /// Whether it was picked up.
        success: bool,
        /// Why not.
        message: String,
    },
    /// A release request and its outcome.
    Release {
        /// Simulated time, s.
        t: f64,
        /// Object named in the request (may be empty).
        object: String,
        /// Where it was put down (or the robot, on failure), m.
        x: f64,
        /// Y, m.
        y: f64,
        /// Whether it was put down.
        success: bool,
        /// Why not.
        message: String,
    },
}

/// Writes a run file line by line.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl Recorder {
    /// Creates (truncates) the run file at `path`.
    ///
    /// # Errors
    /// [`Error::RunFile`].
    pub fn create(path: &Path) -> Result<Self, Error> {
        let file = File::create(path).map_err(|source| Error::RunFile {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            writer: BufWriter::new(file),
        })
    }

    /// Appends one entry.
    ///
    /// # Errors
    /// [`Error::RunFile`].
    pub fn write(&mut self, entry: &Entry) -> Result<(), Error> {
        let line = serde_json::to_string(entry).map_err(|e| self.io_error(e.into()))?;
        writeln!(self.writer, "{line}").map_err(|e| self.io_error(e))
    }

    /// Writes buffered lines to the file.
    ///
    /// # Errors
    /// [`Error::RunFile`].
    pub fn flush(&mut self) -> Result<(), Error> {
        self.writer.flush().map_err(|e| self.io_error(e))
    }

    fn io_error(&self, source: std::io::Error) -> Error {
        Error::RunFile {
            path: self.path.clone(),
            source,
        }
    }
}

/// Reads every entry of the run file at `path`.
///
/// # Errors
/// [`Error::RunFile`] if it cannot be read, [`Error::RunFormat`] naming the bad line.
pub fn read_run(path: &Path) -> Result<Vec<Entry>, Error> {
    let io_error = |source| Error::RunFile {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let mut entries = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_error)?;
        if line.trim().is_empty() {
            continue;
        }
        let entry = serde_json::from_str(&line).map_err(|e| Error::RunFormat {
            path: path.to_path_buf(),
            line: index + 1,
            reason: e.to_string(),
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let entries = vec![
            Entry::Start {
                world_sdf: "home.sdf".into(),
                semantic_map: "home.yaml".into(),
                seed: 7,
            },
            Entry::Pose {
                t: 0.1,
                x: 1.0,
                y: 2.0,
                yaw: 0.5,
                linear: 0.2,
                angular: 0.0,
                battery: 0.9,
                contact: false,
            },
        ];
        let mut recorder = Recorder::create(&path).unwrap();
        for entry in &entries {
            recorder.write(entry).unwrap();
        }
        recorder.flush().unwrap();
        assert_eq!(read_run(&path).unwrap(), entries);
        std::fs::write(&path, "{\"type\":\"start\",\"world_sdf\":\"a\",\"semantic_map\":\"b\",\"seed\":1}\nnot json\n").unwrap();
        let error = read_run(&path).unwrap_err().to_string();
        assert!(error.contains("run.jsonl:2"), "{error}");
    }
}
