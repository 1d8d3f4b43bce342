//! Mapping of the topic table's [`Qos`] to ros2-client's [`QosProfile`], and named presets.
//!
//! Reliable publishers wait a bounded time when the send window is full
//! ([`RELIABLE_SEND_WAIT`]), so a stalled subscriber slows a publisher down but never hangs it:
//! `publish` then fails with an error the node can log.

use std::time::Duration;

use embodied_msgs::topics::{Durability, Qos, Reliability};
use ros2_client::QosProfile;
use ros2_client::qos::{self, History, WhenFull};

/// How long a reliable `publish` waits for room in a full send window before failing.
pub const RELIABLE_SEND_WAIT: Duration = Duration::from_millis(200);

/// Named QoS presets, as rclcpp names them.
pub mod presets {
    use embodied_msgs::topics::Qos;

    /// rclcpp's default: reliable, volatile, keep last 10.
    pub const DEFAULT: Qos = Qos::DEFAULT;
    /// `SensorDataQoS`: best effort, volatile, keep last 5.
    pub const SENSOR_DATA: Qos = Qos::SENSOR_DATA;
    /// Latched (`/tf_static`, maps): reliable, transient local, keep last 1.
    pub const LATCHED: Qos = Qos::LATCHED;
    /// `ClockQoS`: best effort, volatile, keep last 1.
    pub const CLOCK: Qos = Qos::best_effort(1);
}

/// The ros2-client profile for a topic's QoS. History is keep-last `depth` (at least 1).
pub fn to_profile(qos: &Qos) -> QosProfile {
    let reliability = match qos.reliability {
        Reliability::Reliable => qos::Reliability::Reliable {
            when_full: WhenFull::Wait(RELIABLE_SEND_WAIT),
        },
        Reliability::BestEffort => qos::Reliability::BestEffort,
    };
    let durability = match qos.durability {
        Durability::Volatile => qos::Durability::Volatile,
        Durability::TransientLocal => qos::Durability::TransientLocal,
    };
    // Depth 0 means nothing in DDS; rclcpp also rejects it.
    let depth = usize::try_from(qos.depth.max(1)).unwrap_or(usize::MAX);
    QosProfile::subscription_default()
        .reliability(reliability)
        .durability(durability)
        .history(History::KeepLast { depth })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reliable_publishers_wait_bounded() {
        let profile = to_profile(&presets::DEFAULT);
        assert_eq!(
            profile.reliability,
            qos::Reliability::Reliable {
                when_full: WhenFull::Wait(RELIABLE_SEND_WAIT)
            }
        );
        assert_eq!(profile.durability, qos::Durability::Volatile);
        assert_eq!(profile.history, History::KeepLast { depth: 10 });
    }

    #[test]
    fn presets_map_one_to_one() {
        let sensor = to_profile(&presets::SENSOR_DATA);
        assert_eq!(sensor.reliability, qos::Reliability::BestEffort);
        assert_eq!(sensor.history, History::KeepLast { depth: 5 });
        let latched = to_profile(&presets::LATCHED);
        assert_eq!(latched.durability, qos::Durability::TransientLocal);
        assert_eq!(latched.history, History::KeepLast { depth: 1 });
        let zero = to_profile(&Qos::reliable(0));
        assert_eq!(zero.history, History::KeepLast { depth: 1 });
    }

    #[test]
    fn every_topic_of_the_table_maps() {
        use embodied_msgs::topics;
        assert_eq!(
            to_profile(&topics::CLOCK.qos).reliability,
            qos::Reliability::BestEffort
        );
        assert_eq!(
            to_profile(&topics::TF_STATIC.qos).durability,
            qos::Durability::TransientLocal
        );
    }
}
