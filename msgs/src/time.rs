//! Conversions between `builtin_interfaces` Time/Duration and integer nanoseconds or `std::time`.
//!
//! Both messages hold `sec: i32` plus `nanosec: u32` in `[0, 1e9)`, so a negative value has a
//! negative `sec` and a positive `nanosec` (-0.25 s is `{ sec: -1, nanosec: 750_000_000 }`).
//! Conversions into the messages saturate at the `i32` seconds range (years 1901..2038), as
//! rclcpp's conversions do.

use std::time::SystemTime;

use crate::builtin_interfaces::msg::{Duration, Time};

const NANOS_PER_SEC: i64 = 1_000_000_000;

fn split_nanos(nanos: i64) -> (i32, u32) {
    let sec = nanos.div_euclid(NANOS_PER_SEC);
    let nanosec = nanos.rem_euclid(NANOS_PER_SEC);
    match i32::try_from(sec) {
        // rem_euclid is in [0, 1e9), so it fits u32.
        Ok(sec) => (sec, nanosec as u32),
        Err(_) if sec < 0 => (i32::MIN, 0),
        Err(_) => (i32::MAX, (NANOS_PER_SEC - 1) as u32),
    }
}

fn join_nanos(sec: i32, nanosec: u32) -> i64 {
    // Cannot overflow: |sec| * 1e9 < 2.2e18 and nanosec < 4.3e9.
    i64::from(sec) * NANOS_PER_SEC + i64::from(nanosec)
}

impl Time {
    /// The time `nanos` nanoseconds after the epoch (negative: before), saturating.
    pub fn from_nanos(nanos: i64) -> Self {
        let (sec, nanosec) = split_nanos(nanos);
        Self { sec, nanosec }
    }

    /// Nanoseconds since the epoch.
    pub fn as_nanos(&self) -> i64 {
        join_nanos(self.sec, self.nanosec)
    }

    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        f64::from(self.sec) + f64::from(self.nanosec) * 1e-9
    }

    /// A wall-clock time, saturating outside the `i32` seconds range.
    pub fn from_system_time(time: SystemTime) -> Self {
        let nanos = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_nanos())
                .map(|n| -n)
                .unwrap_or(i64::MIN),
        };
        Self::from_nanos(nanos)
    }

    /// The span from `earlier` to `self` (negative if `earlier` is later).
    pub fn duration_since(&self, earlier: &Time) -> Duration {
        Duration::from_nanos(self.as_nanos().saturating_sub(earlier.as_nanos()))
    }
}

impl Duration {
    /// A span of `nanos` nanoseconds (may be negative), saturating.
    pub fn from_nanos(nanos: i64) -> Self {
        let (sec, nanosec) = split_nanos(nanos);
        Self { sec, nanosec }
    }

    /// The span in nanoseconds.
    pub fn as_nanos(&self) -> i64 {
        join_nanos(self.sec, self.nanosec)
    }

    /// The span in seconds as a float.
    pub fn as_secs_f64(&self) -> f64 {
        f64::from(self.sec) + f64::from(self.nanosec) * 1e-9
    }
}

impl From<std::time::Duration> for Duration {
    /// Saturates at `i32::MAX` seconds.
    fn from(span: std::time::Duration) -> Self {
        Self::from_nanos(i64::try_from(span.as_nanos()).unwrap_or(i64::MAX))
    }
}

/// A negative `builtin_interfaces/Duration` has no `std::time::Duration` equivalent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("negative duration of {nanos} ns cannot become a std::time::Duration")]
pub struct NegativeDurationError {
    /// The duration, in nanoseconds.
    pub nanos: i64,
}

impl TryFrom<Duration> for std::time::Duration {
    type Error = NegativeDurationError;

    fn try_from(span: Duration) -> Result<Self, Self::Error> {
        let nanos = span.as_nanos();
        u64::try_from(nanos)
            .map(std::time::Duration::from_nanos)
            .map_err(|_| NegativeDurationError { nanos })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos_round_trip_including_negative_values() {
        for nanos in [
            0,
            1,
            999_999_999,
            1_000_000_000,
            -1,
            -250_000_000,
            -1_500_000_000,
        ] {
            assert_eq!(Time::from_nanos(nanos).as_nanos(), nanos);
            assert_eq!(Duration::from_nanos(nanos).as_nanos(), nanos);
        }
        assert_eq!(
            Duration::from_nanos(-250_000_000),
            Duration {
                sec: -1,
                nanosec: 750_000_000
            }
        );
    }

    #[test]
    fn out_of_range_values_saturate() {
        let max = Time::from_nanos(i64::MAX);
        assert_eq!((max.sec, max.nanosec), (i32::MAX, 999_999_999));
        let min = Duration::from_nanos(i64::MIN);
        assert_eq!((min.sec, min.nanosec), (i32::MIN, 0));
        let huge = Duration::from(std::time::Duration::from_secs(u64::MAX));
        assert_eq!(huge.sec, i32::MAX);
    }

    #[test]
    fn std_duration_conversions() {
        let span = std::time::Duration::from_millis(1_250);
        let msg = Duration::from(span);
        assert_eq!(
            msg,
            Duration {
                sec: 1,
                nanosec: 250_000_000
            }
        );
        assert_eq!(std::time::Duration::try_from(msg.clone()), Ok(span));
        assert_eq!(msg.as_secs_f64(), 1.25);
        let err = std::time::Duration::try_from(Duration::from_nanos(-5)).unwrap_err();
        assert_eq!(err.nanos, -5);
    }

    #[test]
    fn system_time_and_differences() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 5);
        let stamp = Time::from_system_time(t);
        assert_eq!((stamp.sec, stamp.nanosec), (1_700_000_000, 5));
        let before =
            Time::from_system_time(SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(500));
        assert_eq!(before.as_nanos(), -500_000_000);
        let later = Time::from_nanos(stamp.as_nanos() + 1_500_000_000);
        assert_eq!(later.duration_since(&stamp).as_nanos(), 1_500_000_000);
        assert_eq!(stamp.duration_since(&later).as_nanos(), -1_500_000_000);
        assert!((stamp.as_secs_f64() - 1_700_000_000.0).abs() < 1e-6);
    }
}
