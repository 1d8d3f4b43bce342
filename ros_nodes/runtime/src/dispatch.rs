//! Run generic code for a message type known only by name at run time, e.g. for an
//! `embodied topic echo /x std_msgs/msg/String` command, and a typed relay.

use std::time::Duration;

use embodied_msgs::topics::Qos;
use embodied_msgs::{MessageVisitor, RosMessage, visit_all_types};
use futures::StreamExt;
use tracing::warn;

use crate::node::{NodeIo, RuntimeError};
use crate::shutdown::Shutdown;

/// Generic code to run with the message type chosen by [`dispatch_type`].
pub trait MessageTypeHandler {
    /// What the handler returns (often a boxed future).
    type Output;
    /// Called once, with the type named.
    fn handle<M: RosMessage>(self) -> Self::Output;
}

/// A type name that is not one of `embodied_msgs`' types.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown message type `{type_name}`; known types: {known}")]
pub struct UnknownTypeError {
    /// The name asked for.
    pub type_name: String,
    /// Every known name, comma-separated.
    pub known: String,
}

/// Calls `handler` with the type named `type_name` (`std_msgs/msg/String`, or the short
/// `std_msgs/String` form the `ros2` CLI also accepts).
///
/// # Errors
/// [`UnknownTypeError`] listing the known types.
pub fn dispatch_type<H: MessageTypeHandler>(
    type_name: &str,
    handler: H,
) -> Result<H::Output, UnknownTypeError> {
    struct Finder<H: MessageTypeHandler> {
        wanted: String,
        handler: Option<H>,
        output: Option<H::Output>,
        known: Vec<String>,
    }
    impl<H: MessageTypeHandler> MessageVisitor for Finder<H> {
        fn visit<M: RosMessage>(&mut self) {
            let full = M::type_name();
            let short = format!("{}/{}", M::PACKAGE, M::NAME);
            if (self.wanted == full || self.wanted == short)
                && let Some(handler) = self.handler.take()
            {
                self.output = Some(handler.handle::<M>());
            }
            self.known.push(full);
        }
    }
    let mut finder = Finder {
        wanted: type_name.to_owned(),
        handler: Some(handler),
        output: None,
        known: Vec::new(),
    };
    visit_all_types(&mut finder);
    finder.output.ok_or_else(|| UnknownTypeError {
        type_name: type_name.to_owned(),
        known: finder.known.join(", "),
    })
}

/// Forwards every message from topic `from` to topic `to` (both resolved against the node)
/// until shutdown; returns how many were forwarded. Publish failures are logged and the
/// message dropped, so one stalled reader does not stop the relay.
///
/// # Errors
/// [`RuntimeError`] when an endpoint cannot be created.
pub async fn relay<M: RosMessage>(
    io: &mut NodeIo,
    from: &str,
    to: &str,
    qos: &Qos,
    mut shutdown: Shutdown,
) -> Result<u64, RuntimeError> {
    let mut input = io.subscription_on::<M>(from, qos)?;
    let output = io.publisher_on::<M>(to, qos)?;
    let mut forwarded = 0_u64;
    loop {
        tokio::select! {
            () = shutdown.recv() => break,
            message = input.next() => {
                let Some(message) = message else { break };
                match output.publish(message).await {
                    Ok(()) => forwarded += 1,
                    Err(e) => warn!(topic = %output.topic(), error = %e, "relay dropped a message"),
                }
            }
        }
    }
    Ok(forwarded)
}

/// How long tests and tools wait for discovery by default.
pub const DEFAULT_MATCH_TIMEOUT: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;

    struct TypeNameOf;
    impl MessageTypeHandler for TypeNameOf {
        type Output = (String, String);
        fn handle<M: RosMessage>(self) -> Self::Output {
            (M::type_name(), M::dds_type_name())
        }
    }

    #[test]
    fn finds_types_by_full_and_short_name() {
        assert_eq!(
            dispatch_type("std_msgs/msg/String", TypeNameOf).unwrap(),
            (
                "std_msgs/msg/String".into(),
                "std_msgs::msg::dds_::String_".into()
            )
        );
        assert_eq!(
            dispatch_type("embodied_msgs/AudioChunk", TypeNameOf)
                .unwrap()
                .0,
            "embodied_msgs/msg/AudioChunk"
        );
    }

    #[test]
    fn unknown_type_lists_known_ones() {
        let error = dispatch_type("std_msgs/msg/Nope", TypeNameOf).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown message type `std_msgs/msg/Nope`; known types: "),
            "{error}"
        );
        assert!(error.known.contains("geometry_msgs/msg/Twist"));
    }
}
