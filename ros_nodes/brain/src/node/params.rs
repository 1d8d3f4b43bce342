//! `brain_node`'s parameters (documented defaults: `config/brain.yaml`).

use std::path::PathBuf;

use embodied_memory::Durability;

use crate::prompt::MAX_UTTERANCE_CHARS;

/// Why parameters were refused.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    /// A parameter is out of its range.
    #[error("parameter {name} = {value}: {expected}")]
    OutOfRange {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: String,
    },
}

/// Brain node tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Checkpoint directory of the assistant model; empty: the shipped `models/assistant`
    /// (installed share, then the workspace).
    pub model_dir: String,
    /// SQLite file of the memory, shared with memory_node; empty: the memory's default
    /// (`$EMBODIED_DATA_DIR/memory.sqlite`, else `$XDG_DATA_HOME/embodied/memory.sqlite`, else
    /// `~/.local/share/embodied/memory.sqlite`).
    pub memory_database_path: String,
    /// `full` (each memory write survives power loss) or `normal` (survives a killed process).
    pub memory_durability: Durability,
    /// Semantic map (`config/world/home.yaml`) for room lookup from /odom and place/object
    /// aliases; empty: the home world's (installed share, then the workspace).
    pub semantic_map: String,
    /// Longest transcript answered, characters; longer ones get an error reply. In [1, 300].
    pub max_utterance_chars: u32,
    /// Most memory facts put in one prompt; in [0, 8].
    pub max_facts: u32,
    /// Transcripts waiting for the model at most; more are answered with a "busy" error. In [1, 64].
    pub queue_depth: u32,
    /// Record each turn (utterance, reply, actions, timings) as an episode in the memory.
    pub record_episodes: bool,
    /// Say how tasks ended ("I'm in the kitchen now", "I couldn't find the keys in the office"),
    /// and answer a status or describe step after a motion on arrival (off: answered when
    /// asked).
    pub report_outcomes: bool,
    /// Language tag of the replies.
    pub language: String,
    /// Consolidate what users taught into the model's weights when the robot has been idle
    /// (no speech, no transcript) for `consolidation_idle_s`; `embodied learn` does it on demand.
    pub consolidate_when_idle: bool,
    /// Seconds without speech before consolidating; in [10, 86400].
    pub consolidation_idle_s: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            model_dir: String::new(),
            memory_database_path: String::new(),
            memory_durability: Durability::Full,
            semantic_map: String::new(),
            max_utterance_chars: 300,
            max_facts: 3,
            queue_depth: 4,
            record_episodes: true,
            report_outcomes: true,
            language: "en".to_owned(),
            consolidate_when_idle: true,
            consolidation_idle_s: 120,
        }
    }
}

impl Params {
    /// Checks ranges, naming the parameter.
    ///
    /// # Errors
    /// [`ParamsError::OutOfRange`].
    pub fn validate(self) -> Result<Self, ParamsError> {
        let max_chars = u32::try_from(MAX_UTTERANCE_CHARS).unwrap_or(u32::MAX);
        let check = |name: &'static str, value: u32, range: std::ops::RangeInclusive<u32>| {
            if range.contains(&value) {
                Ok(())
            } else {
                Err(ParamsError::OutOfRange {
                    name,
                    value: value.to_string(),
                    expected: format!("an integer in [{}, {}]", range.start(), range.end()),
                })
            }
        };
        check(
            "max_utterance_chars",
            self.max_utterance_chars,
            1..=max_chars,
        )?;
        check("max_facts", self.max_facts, 0..=8)?;
        check("queue_depth", self.queue_depth, 1..=64)?;
        check(
            "consolidation_idle_s",
            self.consolidation_idle_s,
            10..=86_400,
        )?;
        if self.language.trim().is_empty() {
            return Err(ParamsError::OutOfRange {
                name: "language",
                value: String::new(),
                expected: "a BCP 47 language tag such as \"en\"".to_owned(),
            });
        }
        Ok(self)
    }

    /// The memory file to open: `memory_database_path`, else the memory's default; `None`
    /// when neither is known (no home directory).
    pub fn memory_file(&self) -> Option<PathBuf> {
        if self.memory_database_path.is_empty() {
            embodied_memory::default_database_path()
        } else {
            Some(PathBuf::from(&self.memory_database_path))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_ranges_are_named() {
        assert!(Params::default().validate().is_ok());
        for (params, name) in [
            (
                Params {
                    max_utterance_chars: 301,
                    ..Params::default()
                },
                "max_utterance_chars",
            ),
            (
                Params {
                    max_facts: 9,
                    ..Params::default()
                },
                "max_facts",
            ),
            (
                Params {
                    queue_depth: 0,
                    ..Params::default()
                },
                "queue_depth",
            ),
            (
                Params {
                    language: " ".into(),
                    ..Params::default()
                },
                "language",
            ),
        ] {
            let error = params.validate().unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("parameter {name} = ")),
                "{error}"
            );
        }
    }

    #[test]
    fn memory_file_prefers_the_parameter() {
        let params = Params {
            memory_database_path: "/tmp/m.sqlite".into(),
            ..Params::default()
        };
        assert_eq!(params.memory_file(), Some(PathBuf::from("/tmp/m.sqlite")));
    }
}
