//! An in-process message bus standing in for DDS in tests of node shells (style §5.2).
//!
//! Messages travel as CDR bytes (`embodied_msgs::to_cdr`/`from_cdr`), so serialization and
//! the malformed-sample path are the same as over DDS. Per topic: keep-last `depth` (a slow
//! subscriber loses the oldest samples and the loss is logged), transient-local topics replay
//! their last `depth` samples to late subscribers, and every endpoint of a topic must agree
//! on its type. Reliability compatibility rules of DDS are not modelled. Services
//! ([`crate::service`]): one server per name, requests and responses as CDR bytes, with the
//! same malformed-request path as over DDS.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use embodied_msgs::topics::{Durability, Qos};
use tokio::sync::{broadcast, watch};

use crate::action::ActionChannel;
use crate::service::ServiceChannel;

/// A shared in-process bus. Clones share the same topics; give every node of a test the
/// same bus.
#[derive(Debug, Clone, Default)]
pub struct InMemoryBus {
    inner: Arc<Mutex<BusInner>>,
}

#[derive(Debug, Default)]
struct BusInner {
    topics: HashMap<String, Arc<TopicChannel>>,
    services: HashMap<String, Arc<ServiceChannel>>,
    actions: HashMap<String, Arc<ActionChannel>>,
    nodes: Vec<String>,
}

/// One encoded message (CDR with its encapsulation header).
pub(crate) type Sample = Arc<[u8]>;

/// One topic of the bus.
#[derive(Debug)]
pub(crate) struct TopicChannel {
    type_name: String,
    sender: broadcast::Sender<Arc<[u8]>>,
    depth: usize,
    latched: Mutex<VecDeque<Arc<[u8]>>>,
    latched_depth: usize,
    subscribers: watch::Sender<usize>,
    publishers: watch::Sender<usize>,
}

/// Lock, recovering from a poisoned lock: every critical section here leaves the data
/// consistent, so a panic elsewhere must not take the bus down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl InMemoryBus {
    /// An empty bus.
    pub fn new() -> Self {
        Self::default()
    }

    /// The channel of `topic`, created on first use. Fails with the existing type name when
    /// the topic already carries another type.
    pub(crate) fn channel(
        &self,
        topic: &str,
        type_name: &str,
        qos: &Qos,
    ) -> Result<Arc<TopicChannel>, String> {
        let mut inner = lock(&self.inner);
        if let Some(existing) = inner.topics.get(topic) {
            if existing.type_name != type_name {
                return Err(format!(
                    "the topic already carries {}, not {type_name}",
                    existing.type_name
                ));
            }
            return Ok(Arc::clone(existing));
        }
        let depth = usize::try_from(qos.depth.max(1)).unwrap_or(usize::MAX);
        let (sender, _) = broadcast::channel(depth);
        let channel = Arc::new(TopicChannel {
            type_name: type_name.to_owned(),
            sender,
            depth,
            latched: Mutex::new(VecDeque::new()),
            latched_depth: if qos.durability == Durability::TransientLocal {
                depth
            } else {
                0
            },
            subscribers: watch::channel(0).0,
            publishers: watch::channel(0).0,
        });
        inner.topics.insert(topic.to_owned(), Arc::clone(&channel));
        Ok(channel)
    }

    /// The channel of service `service`, created on first use. Fails with the existing type
    /// name when the service already has another type.
    pub(crate) fn service_channel(
        &self,
        service: &str,
        type_name: &str,
    ) -> Result<Arc<ServiceChannel>, String> {
        let mut inner = lock(&self.inner);
        let channel = inner
            .services
            .entry(service.to_owned())
            .or_insert_with(|| Arc::new(ServiceChannel::new(type_name)));
        if channel.type_name() != type_name {
            return Err(format!(
                "the service already has type {}, not {type_name}",
                channel.type_name()
            ));
        }
        Ok(Arc::clone(channel))
    }

    /// The channel of action `action`, created on first use. Fails with the existing type
    /// name when the action already has another type.
    pub(crate) fn action_channel(
        &self,
        action: &str,
        type_name: &str,
    ) -> Result<Arc<ActionChannel>, String> {
        let mut inner = lock(&self.inner);
        let channel = inner
            .actions
            .entry(action.to_owned())
            .or_insert_with(|| Arc::new(ActionChannel::new(type_name)));
        if channel.type_name() != type_name {
            return Err(format!(
                "the action already has type {}, not {type_name}",
                channel.type_name()
            ));
        }
        Ok(Arc::clone(channel))
    }

    /// Sends raw bytes on a topic as if a peer had published them, e.g. a malformed sample
    /// for a bad-input test. Does nothing if the topic does not exist yet.
    pub fn inject_raw(&self, topic: &str, bytes: &[u8]) {
        let channel = lock(&self.inner).topics.get(topic).cloned();
        if let Some(channel) = channel {
            channel.send(Arc::from(bytes));
        }
    }

    pub(crate) fn add_node(&self, fully_qualified_name: &str) {
        lock(&self.inner)
            .nodes
            .push(fully_qualified_name.to_owned());
    }

    pub(crate) fn remove_node(&self, fully_qualified_name: &str) {
        let mut inner = lock(&self.inner);
        if let Some(index) = inner.nodes.iter().position(|n| n == fully_qualified_name) {
            inner.nodes.remove(index);
        }
    }

    /// Fully qualified names of the nodes on the bus.
    pub fn node_names(&self) -> Vec<String> {
        lock(&self.inner).nodes.clone()
    }
}

impl TopicChannel {
    /// Keeps the sample for late joiners (transient local) and sends it.
    pub(crate) fn send(&self, bytes: Arc<[u8]>) {
        let mut latched = lock(&self.latched);
        if self.latched_depth > 0 {
            if latched.len() == self.latched_depth {
                latched.pop_front();
            }
            latched.push_back(Arc::clone(&bytes));
        }
        // No subscriber is not an error: volatile samples are then simply gone, as in DDS.
        let _ = self.sender.send(bytes);
    }

    /// A receiver plus the latched samples it must see first, taken atomically with
    /// respect to `send`.
    /// Samples kept per subscriber (the QoS history depth).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    pub(crate) fn subscribe(&self) -> (broadcast::Receiver<Sample>, Vec<Sample>) {
        let latched = lock(&self.latched);
        (self.sender.subscribe(), latched.iter().cloned().collect())
    }

    pub(crate) fn register_subscriber(self: &Arc<Self>) -> Registration {
        Registration::new(Arc::clone(self), Role::Subscriber)
    }

    pub(crate) fn register_publisher(self: &Arc<Self>) -> Registration {
        Registration::new(Arc::clone(self), Role::Publisher)
    }

    pub(crate) fn count(&self, role: Role) -> usize {
        *self.counter(role).borrow()
    }

    fn counter(&self, role: Role) -> &watch::Sender<usize> {
        match role {
            Role::Subscriber => &self.subscribers,
            Role::Publisher => &self.publishers,
        }
    }

    /// Waits until at least one endpoint of `role` exists; `false` on timeout.
    pub(crate) async fn wait_for(&self, role: Role, timeout: Duration) -> bool {
        let mut counter = self.counter(role).subscribe();
        tokio::time::timeout(timeout, counter.wait_for(|count| *count > 0))
            .await
            .is_ok_and(|result| result.is_ok())
    }
}

/// Which side of a topic an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Subscriber,
    Publisher,
}

/// Counts an endpoint on its topic while alive.
#[derive(Debug)]
pub(crate) struct Registration {
    channel: Arc<TopicChannel>,
    role: Role,
}

impl Registration {
    fn new(channel: Arc<TopicChannel>, role: Role) -> Self {
        channel.counter(role).send_modify(|count| *count += 1);
        Self { channel, role }
    }

    pub(crate) fn channel(&self) -> &Arc<TopicChannel> {
        &self.channel
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.channel
            .counter(self.role)
            .send_modify(|count| *count = count.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn transient_local_replays_last_depth_samples() {
        let bus = InMemoryBus::new();
        let channel = bus.channel("/tf_static", "t/msg/T", &Qos::LATCHED).unwrap();
        channel.send(Arc::from(&b"one"[..]));
        channel.send(Arc::from(&b"two"[..]));
        let (_receiver, latched) = channel.subscribe();
        assert_eq!(latched, vec![Arc::<[u8]>::from(&b"two"[..])]);
    }

    #[tokio::test]
    async fn type_mismatch_is_refused_and_counts_follow_registrations() {
        let bus = InMemoryBus::new();
        let channel = bus.channel("/x", "a/msg/A", &Qos::DEFAULT).unwrap();
        assert_eq!(
            bus.channel("/x", "b/msg/B", &Qos::DEFAULT).unwrap_err(),
            "the topic already carries a/msg/A, not b/msg/B"
        );
        assert!(
            !channel
                .wait_for(Role::Subscriber, Duration::from_millis(10))
                .await
        );
        let registration = channel.register_subscriber();
        assert!(
            channel
                .wait_for(Role::Subscriber, Duration::from_millis(10))
                .await
        );
        drop(registration);
        assert_eq!(channel.count(Role::Subscriber), 0);
    }
}
