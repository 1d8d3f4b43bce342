//! The node clock: system time, or `/clock` when `use_sim_time` is true (as rclcpp's
//! `TimeSource`: before the first `/clock` message, simulated time reads zero).
//!
//! ros2-client has its own sim-time support, but it subscribes `/clock` with the type
//! `builtin_interfaces/msg/Time` instead of `rosgraph_msgs/msg/Clock`, which DDS peers that
//! check type names (Cyclone, Fast DDS) do not match; so the runtime follows `/clock` itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use embodied_msgs::builtin_interfaces::msg::Time;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// A node's source of `now()`. Cheap to clone; clones share the simulated time.
#[derive(Debug, Clone)]
pub struct Clock {
    /// Nanoseconds of the latest `/clock` message; `None` for system time.
    sim_nanos: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// System (wall-clock) time.
    pub fn system() -> Self {
        Self { sim_nanos: None }
    }

    /// Simulated time, starting at zero until [`Clock::set_sim_time`] is called.
    pub fn simulated() -> Self {
        Self {
            sim_nanos: Some(Arc::new(AtomicI64::new(0))),
        }
    }

    /// Whether this clock follows `/clock`.
    pub fn is_simulated(&self) -> bool {
        self.sim_nanos.is_some()
    }

    /// The current time as a ROS stamp.
    pub fn now(&self) -> Time {
        time_from_nanos(self.now_nanos())
    }

    /// The current time in nanoseconds since the epoch (or since simulation start).
    pub fn now_nanos(&self) -> i64 {
        match &self.sim_nanos {
            Some(nanos) => nanos.load(Ordering::Acquire),
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)),
        }
    }

    /// Records a `/clock` message; ignored by a system clock.
    pub fn set_sim_time(&self, time: &Time) {
        if let Some(nanos) = &self.sim_nanos {
            nanos.store(nanos_from_time(time), Ordering::Release);
        }
    }
}

/// Nanoseconds of a ROS stamp.
pub fn nanos_from_time(time: &Time) -> i64 {
    i64::from(time.sec) * NANOS_PER_SEC + i64::from(time.nanosec)
}

/// The ROS stamp of a nanosecond count, saturating at the `i32` seconds range.
pub fn time_from_nanos(nanos: i64) -> Time {
    let sec = nanos.div_euclid(NANOS_PER_SEC);
    let nanosec = nanos.rem_euclid(NANOS_PER_SEC);
    Time {
        sec: i32::try_from(sec).unwrap_or(if sec < 0 { i32::MIN } else { i32::MAX }),
        nanosec: u32::try_from(nanosec).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_clock_starts_at_zero_and_follows_clock_messages() {
        let clock = Clock::simulated();
        assert_eq!(clock.now_nanos(), 0);
        let other = clock.clone();
        other.set_sim_time(&Time {
            sec: 12,
            nanosec: 5,
        });
        assert_eq!(
            clock.now(),
            Time {
                sec: 12,
                nanosec: 5
            }
        );
        assert!(clock.is_simulated());
    }

    #[test]
    fn system_clock_ignores_clock_messages() {
        let clock = Clock::system();
        clock.set_sim_time(&Time { sec: 1, nanosec: 0 });
        assert!(clock.now().sec > 1_600_000_000);
    }

    #[test]
    fn stamps_convert_both_ways() {
        assert_eq!(
            time_from_nanos(-1),
            Time {
                sec: -1,
                nanosec: 999_999_999
            }
        );
        assert_eq!(
            nanos_from_time(&time_from_nanos(1_500_000_000)),
            1_500_000_000
        );
    }
}
