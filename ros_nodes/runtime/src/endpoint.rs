//! Typed publishers and subscriptions, over DDS or the in-memory bus.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use embodied_msgs::{RosMessage, from_cdr, to_cdr};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tracing::{debug, error, warn};

use crate::memory::{Registration, Role, TopicChannel};
use crate::node::{NodeIo, RuntimeError};

/// A typed publisher on a resolved topic.
pub struct Publisher<M: RosMessage> {
    topic: String,
    inner: PublisherInner<M>,
}

enum PublisherInner<M: RosMessage> {
    // Boxed: the DDS writer is large next to the bus registration.
    Dds(Box<ros2_client::Publisher<M>>),
    Memory(Registration),
}

impl<M: RosMessage> std::fmt::Debug for Publisher<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("topic", &self.topic)
            .field("type", &M::type_name())
            .finish()
    }
}

impl<M: RosMessage> Publisher<M> {
    pub(crate) fn from_dds(inner: ros2_client::Publisher<M>, topic: String) -> Self {
        Self {
            topic,
            inner: PublisherInner::Dds(Box::new(inner)),
        }
    }

    pub(crate) fn from_memory(registration: Registration, topic: String) -> Self {
        Self {
            topic,
            inner: PublisherInner::Memory(registration),
        }
    }

    /// The resolved topic name.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Publishes one message. A reliable DDS publisher waits a bounded time for a full send
    /// window ([`crate::qos::RELIABLE_SEND_WAIT`]) and then fails.
    ///
    /// # Errors
    /// [`RuntimeError::Publish`].
    pub async fn publish(&self, message: M) -> Result<(), RuntimeError> {
        let publish_error = |reason: String| RuntimeError::Publish {
            topic: self.topic.clone(),
            reason,
        };
        match &self.inner {
            PublisherInner::Dds(publisher) => publisher
                .async_publish(message)
                .await
                .map_err(|e| publish_error(e.to_string())),
            PublisherInner::Memory(registration) => {
                let bytes = to_cdr(&message).map_err(|e| publish_error(e.to_string()))?;
                registration.channel().send(Arc::from(bytes));
                Ok(())
            }
        }
    }

    /// Matched subscriptions right now. `io` must be the node that created this publisher.
    pub fn subscription_count(&self, io: &NodeIo) -> usize {
        match (&self.inner, io.ros_node()) {
            (PublisherInner::Dds(publisher), Some(node)) => publisher.get_subscription_count(node),
            (PublisherInner::Dds(_), None) => 0,
            (PublisherInner::Memory(registration), _) => {
                registration.channel().count(Role::Subscriber)
            }
        }
    }

    /// Waits until at least one subscription matched, at most `timeout`. `io` must be the
    /// node that created this publisher.
    ///
    /// # Errors
    /// [`RuntimeError::MatchTimeout`].
    pub async fn wait_for_subscription(
        &self,
        io: &NodeIo,
        timeout: Duration,
    ) -> Result<(), RuntimeError> {
        let matched = match (&self.inner, io.ros_node()) {
            (PublisherInner::Dds(publisher), Some(node)) => {
                tokio::time::timeout(timeout, publisher.wait_for_subscription(node))
                    .await
                    .is_ok()
            }
            (PublisherInner::Dds(_), None) => false,
            (PublisherInner::Memory(registration), _) => {
                registration
                    .channel()
                    .wait_for(Role::Subscriber, timeout)
                    .await
            }
        };
        matched
            .then_some(())
            .ok_or_else(|| RuntimeError::MatchTimeout {
                peer: "subscription",
                topic: self.topic.clone(),
                waited: timeout,
            })
    }
}

type MessageStream<M> = Pin<Box<dyn Stream<Item = M> + Send>>;

/// A typed subscription: a [`Stream`] of messages. Malformed samples never reach it; each is
/// logged with `warn!` (topic, error) and dropped. The stream ends only if the middleware
/// reader fails for good.
pub struct Subscriber<M: RosMessage> {
    topic: String,
    inner: SubscriberInner<M>,
    stream: MessageStream<M>,
    dropped: Arc<AtomicU64>,
}

enum SubscriberInner<M: RosMessage> {
    Dds(Arc<ros2_client::Subscription<M>>),
    Memory(Registration),
}

impl<M: RosMessage> std::fmt::Debug for Subscriber<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscriber")
            .field("topic", &self.topic)
            .field("type", &M::type_name())
            .finish()
    }
}

impl<M: RosMessage> Subscriber<M> {
    pub(crate) fn from_dds(subscription: ros2_client::Subscription<M>, topic: String) -> Self {
        let subscription = Arc::new(subscription);
        let dropped = Arc::new(AtomicU64::new(0));
        let state = (
            Arc::clone(&subscription),
            topic.clone(),
            Arc::clone(&dropped),
        );
        let stream = futures::stream::unfold(state, |(subscription, topic, dropped)| async move {
            loop {
                match subscription.async_take().await {
                    Ok((message, _info)) => {
                        return Some((message, (subscription, topic, dropped)));
                    }
                    Err(
                        e @ (ros2_client::ReadError::Deserialization { .. }
                        | ros2_client::ReadError::Malformed),
                    ) => {
                        dropped.fetch_add(1, Ordering::Relaxed);
                        warn!(topic = %topic, error = %e, "dropped malformed sample");
                    }
                    Err(e) => {
                        error!(topic = %topic, error = %e, "subscription reader failed; no more messages");
                        return None;
                    }
                }
            }
        });
        Self {
            topic,
            inner: SubscriberInner::Dds(subscription),
            stream: Box::pin(stream),
            dropped,
        }
    }

    pub(crate) fn from_memory(channel: &Arc<TopicChannel>, topic: String) -> Self {
        // Receiving first, counted second: a publisher that waits for this subscription may
        // publish the moment the count rises, and that sample must not be missed.
        let (receiver, latched) = channel.subscribe();
        let registration = channel.register_subscriber();
        // Keep-last-1 topics (/clock) only ever want the newest sample: skipping older ones
        // is what they ask for, not news.
        let only_newest = channel.depth() == 1;
        let live = futures::stream::unfold(
            (receiver, topic.clone()),
            move |(mut receiver, topic)| async move {
                loop {
                    match receiver.recv().await {
                        Ok(bytes) => return Some((bytes, (receiver, topic))),
                        Err(RecvError::Lagged(lost)) if only_newest => {
                            debug!(topic = %topic, lost, "older samples skipped (keep last 1)");
                        }
                        Err(RecvError::Lagged(lost)) => {
                            warn!(topic = %topic, lost, "subscriber fell behind; oldest samples lost");
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            },
        );
        let decode_topic = topic.clone();
        let dropped = Arc::new(AtomicU64::new(0));
        let decode_dropped = Arc::clone(&dropped);
        let stream = futures::stream::iter(latched)
            .chain(live)
            .filter_map(move |bytes| {
                let decoded = from_cdr::<M>(&bytes).map_err(|e| {
                    decode_dropped.fetch_add(1, Ordering::Relaxed);
                    warn!(topic = %decode_topic, error = %e, "dropped malformed sample");
                });
                futures::future::ready(decoded.ok())
            });
        Self {
            topic,
            inner: SubscriberInner::Memory(registration),
            stream: Box::pin(stream),
            dropped,
        }
    }

    /// The resolved topic name.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// How many malformed samples this subscription has dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Matched publishers right now. `io` must be the node that created this subscription.
    pub fn publisher_count(&self, io: &NodeIo) -> usize {
        match (&self.inner, io.ros_node()) {
            (SubscriberInner::Dds(subscription), Some(node)) => {
                subscription.get_publisher_count(node)
            }
            (SubscriberInner::Dds(_), None) => 0,
            (SubscriberInner::Memory(registration), _) => {
                registration.channel().count(Role::Publisher)
            }
        }
    }

    /// Waits until at least one publisher matched, at most `timeout`. `io` must be the node
    /// that created this subscription.
    ///
    /// # Errors
    /// [`RuntimeError::MatchTimeout`].
    pub async fn wait_for_publisher(
        &self,
        io: &NodeIo,
        timeout: Duration,
    ) -> Result<(), RuntimeError> {
        let matched = match (&self.inner, io.ros_node()) {
            (SubscriberInner::Dds(subscription), Some(node)) => {
                tokio::time::timeout(timeout, subscription.wait_for_publisher(node))
                    .await
                    .is_ok()
            }
            (SubscriberInner::Dds(_), None) => false,
            (SubscriberInner::Memory(registration), _) => {
                registration
                    .channel()
                    .wait_for(Role::Publisher, timeout)
                    .await
            }
        };
        matched
            .then_some(())
            .ok_or_else(|| RuntimeError::MatchTimeout {
                peer: "publisher",
                topic: self.topic.clone(),
                waited: timeout,
            })
    }
}

impl<M: RosMessage> Stream for Subscriber<M> {
    type Item = M;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<M>> {
        self.stream.as_mut().poll_next(cx)
    }
}
