//! The monitor's parameters.

/// Why parameters were refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is out of its range.
    #[error("parameter {name} = {value}: {expected}")]
    OutOfRange {
        /// Parameter name.
        name: &'static str,
        /// Value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
}

/// Monitor tunables; field docs are the ROS parameter descriptions.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Seconds between audio summaries (chunks received, lost, audio seconds); 0 turns them off.
    pub audio_summary_period_s: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            audio_summary_period_s: 10.0,
        }
    }
}

impl Params {
    /// Checks ranges, naming the parameter.
    ///
    /// # Errors
    /// [`Error::OutOfRange`].
    pub fn validate(self) -> Result<Self, Error> {
        let period = self.audio_summary_period_s;
        if !(period.is_finite() && (0.0..=3600.0).contains(&period)) {
            return Err(Error::OutOfRange {
                name: "audio_summary_period_s",
                value: period.to_string(),
                expected: "a number of seconds in [0, 3600]",
            });
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_negative_and_non_finite_periods() {
        for bad in [-1.0, f64::NAN, f64::INFINITY, 7200.0] {
            let error = Params {
                audio_summary_period_s: bad,
            }
            .validate()
            .unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("parameter audio_summary_period_s = ")
            );
        }
        assert!(Params::default().validate().is_ok());
    }
}
