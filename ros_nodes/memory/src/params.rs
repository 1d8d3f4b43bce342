//! The memory node's parameters.

use std::path::PathBuf;

use crate::error::Error;
use crate::recall::Aliases;

/// How hard each commit is pushed to the disk (SQLite `synchronous` in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `synchronous=FULL`: every commit is fsynced before it returns, so it survives a
    /// power cut as well as a killed process. The default: a robot's battery can run flat,
    /// and memory writes come at the pace of speech (a few per minute), so the fsync
    /// (milliseconds) costs nothing that matters.
    #[default]
    Full,
    /// `synchronous=NORMAL`: commits reach the OS (so they survive SIGKILL and any crash of
    /// this process) but the last ones may roll back on power loss; the file stays
    /// consistent either way. For machines with slow flash where fsync hurts.
    Normal,
}

impl Durability {
    /// The `PRAGMA synchronous` value.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// Memory node tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// SQLite file of the memory; empty: `$EMBODIED_DATA_DIR/memory.sqlite`, else
    /// `$XDG_DATA_HOME/embodied/memory.sqlite`, else `~/.local/share/embodied/memory.sqlite`.
    pub database_path: String,
    /// `full` (commits survive power loss) or `normal` (they survive a killed process).
    pub durability: Durability,
    /// Facts returned by a recall that asks for 0; in [1, 100].
    pub default_max_results: u32,
    /// Most facts one recall may return; in [1, 1000] and at least `default_max_results`.
    pub max_results_limit: u32,
    /// Other names of places and objects, `"alias=canonical"` (e.g. `"the study=office"`),
    /// added to the semantic map's.
    pub aliases: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            database_path: String::new(),
            durability: Durability::Full,
            default_max_results: 5,
            max_results_limit: 50,
            aliases: Vec::new(),
        }
    }
}

impl Params {
    /// Checks ranges and the alias list, naming the parameter.
    ///
    /// # Errors
    /// [`Error::Invalid`].
    pub fn validate(self) -> Result<Self, Error> {
        if !(1..=100).contains(&self.default_max_results) {
            return Err(Error::Invalid {
                field: "default_max_results",
                reason: format!("{} is not in [1, 100]", self.default_max_results),
            });
        }
        if !(self.default_max_results..=1000).contains(&self.max_results_limit) {
            return Err(Error::Invalid {
                field: "max_results_limit",
                reason: format!(
                    "{} is not in [default_max_results = {}, 1000]",
                    self.max_results_limit, self.default_max_results
                ),
            });
        }
        self.alias_table()?;
        Ok(self)
    }

    /// The `aliases` parameter as an alias table.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an entry without `=` or with an empty side.
    pub fn alias_table(&self) -> Result<Aliases, Error> {
        let mut aliases = Aliases::new();
        for entry in &self.aliases {
            let (alias, canonical) = entry
                .split_once('=')
                .filter(|(alias, canonical)| {
                    !alias.trim().is_empty() && !canonical.trim().is_empty()
                })
                .ok_or_else(|| Error::Invalid {
                    field: "aliases",
                    reason: format!("`{entry}` is not `alias=canonical`"),
                })?;
            aliases.add(canonical, [alias]);
        }
        Ok(aliases)
    }

    /// The database file: `database_path`, or [`default_database_path`].
    pub fn database_file(&self) -> Option<PathBuf> {
        if self.database_path.is_empty() {
            default_database_path()
        } else {
            Some(PathBuf::from(&self.database_path))
        }
    }
}

/// `$EMBODIED_DATA_DIR/memory.sqlite`, else `$XDG_DATA_HOME/embodied/memory.sqlite`, else
/// `$HOME/.local/share/embodied/memory.sqlite`; `None` when none of these is set. Not under
/// the cache directory: a cache may be wiped, a memory must not be.
pub fn default_database_path() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty("EMBODIED_DATA_DIR") {
        return Some(PathBuf::from(dir).join("memory.sqlite"));
    }
    let data_home = non_empty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".local/share")))?;
    Some(data_home.join("embodied").join("memory.sqlite"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_ranges_name_the_parameter() {
        assert!(Params::default().validate().is_ok());
        let error = Params {
            default_max_results: 0,
            ..Params::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid default_max_results: 0 is not in [1, 100]"
        );
        let error = Params {
            max_results_limit: 2,
            ..Params::default()
        }
        .validate()
        .unwrap_err();
        assert!(error.to_string().starts_with("invalid max_results_limit"));
    }

    #[test]
    fn aliases_parse_and_bad_entries_are_refused() {
        let params = Params {
            aliases: vec!["the study=office".into(), "clicker = remote control".into()],
            ..Params::default()
        };
        let aliases = params.alias_table().unwrap();
        assert_eq!(aliases.canonical("The Study"), Some("office"));
        assert_eq!(aliases.canonical("clicker"), Some("remote control"));
        let bad = Params {
            aliases: vec!["study".into()],
            ..Params::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "invalid aliases: `study` is not `alias=canonical`"
        );
    }
}
