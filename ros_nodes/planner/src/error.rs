//! The planner's errors.

/// Why the planner could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is out of its range.
    #[error("parameter {name} = {value}: expected {expected}")]
    ParamOutOfRange {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A forbidden place is not a room of the semantic map.
    #[error("parameter forbidden_places: {place:?} is not a room of the semantic map")]
    UnknownForbiddenPlace {
        /// The name given.
        place: String,
    },
    /// The world could not be found.
    #[error(
        "no home world found (models/gazebo/worlds/home.sdf) above {searched_from}; set world_sdf"
    )]
    WorldNotFound {
        /// Directory the search started from.
        searched_from: String,
    },
    /// The world files could not be loaded, or the grid could not be built.
    #[error("loading the world: {0}")]
    World(#[from] embodied_world::WorldError),
    /// The simulator (benchmark, in-process drives) failed.
    #[error("simulator: {0}")]
    Simulator(#[from] sim::Error),
    /// A transport endpoint failed.
    #[cfg(feature = "ros")]
    #[error("transport: {0}")]
    Transport(#[from] embodied_runtime::RuntimeError),
}

impl Error {
    /// The process exit code for this error (the project's table: config 2, transport 4).
    pub fn exit_code(&self) -> u8 {
        match self {
            #[cfg(feature = "ros")]
            Error::Transport(error) => error.exit_code(),
            Error::Simulator(_) => 1,
            Error::ParamOutOfRange { .. }
            | Error::UnknownForbiddenPlace { .. }
            | Error::WorldNotFound { .. }
            | Error::World(_) => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_exit_with_the_config_code() {
        let error = Error::UnknownForbiddenPlace {
            place: "garage".into(),
        };
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("garage"));
    }
}
