//! Typed ROS 2 services over DDS or the in-memory bus: [`ServiceServer`] and [`ServiceClient`]
//! for the `embodied_msgs` service types, named by the topic table's
//! [`ServiceSpec`] constants.
//!
//! Names resolve like topic names (namespace expansion, then `--ros-args -r` remaps). Over DDS
//! the services use ros2-client with the "Enhanced" RPC-over-DDS mapping (`rq/<name>Request`,
//! `rr/<name>Reply`, request id in the sample's related-sample identity), which is what
//! `rmw_fastrtps` speaks, and the ROS 2 service QoS (reliable, volatile, keep last 10).
//!
//! ```no_run
//! use std::time::Duration;
//! use embodied_msgs::{srv, topics};
//! use embodied_runtime::NodeIo;
//!
//! # async fn demo(server_io: &mut NodeIo, client_io: &mut NodeIo) -> Result<(), Box<dyn std::error::Error>> {
//! let mut server = server_io.service_server(&topics::MEMORY_RECALL)?;
//! tokio::spawn(async move {
//!     server
//!         .serve(|request: srv::RecallRequest| async move {
//!             srv::RecallResponse { success: !request.text.is_empty(), ..Default::default() }
//!         })
//!         .await;
//! });
//! let client = client_io.service_client(&topics::MEMORY_RECALL)?;
//! client.wait_for_service(client_io, Duration::from_secs(10)).await?;
//! let request = srv::RecallRequest { text: "where are my keys".into(), ..Default::default() };
//! let response = client.call(request, Duration::from_secs(2)).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use embodied_msgs::topics::{Qos, ServiceSpec};
use embodied_msgs::{RosMessage, RosService, from_cdr, to_cdr};
use ros2_client::{Name, ServiceMapping, ServiceTypeName};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, error, warn};

use crate::node::{NodeIo, RuntimeError};
use crate::qos::to_profile;

/// How many requests wait for an in-memory server before callers are held back; the ROS 2
/// service QoS keeps the last 10 as well.
const MEMORY_REQUEST_QUEUE: usize = 10;

/// Errors of a service call.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No server appeared within the time allowed.
    #[error("no server for `{service}` within {waited:?}")]
    NoServer {
        /// Resolved service name.
        service: String,
        /// Time waited.
        waited: Duration,
    },
    /// The request went out but no response came back in time.
    #[error("no response from `{service}` within {waited:?}")]
    Timeout {
        /// Resolved service name.
        service: String,
        /// Time waited.
        waited: Duration,
    },
    /// The server dropped the request without answering (in-memory bus: it was malformed,
    /// or the server stopped).
    #[error("`{service}` dropped the request without answering")]
    Dropped {
        /// Resolved service name.
        service: String,
    },
    /// The request could not be sent or the response not read.
    #[error("call to `{service}` failed: {reason}")]
    Transport {
        /// Resolved service name.
        service: String,
        /// The middleware's message.
        reason: String,
    },
}

/// The wire form of a message for ros2-client, whose `Message` trait cannot be implemented
/// for `embodied_msgs` types here (orphan rule). Transparent: the same CDR bytes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct Wire<M>(pub(crate) M);

impl<M: RosMessage> ros2_client::Message for Wire<M> {}

type DdsServer<S> =
    ros2_client::Server<Wire<<S as RosService>::Request>, Wire<<S as RosService>::Response>>;
type DdsClient<S> =
    ros2_client::Client<Wire<<S as RosService>::Request>, Wire<<S as RosService>::Response>>;

/// The QoS of every service (rmw's `services_default`: reliable, volatile, keep last 10).
pub(crate) const SERVICE_QOS: Qos = Qos::DEFAULT;

/// One in-memory request: CDR bytes and where the CDR response goes.
#[derive(Debug)]
pub(crate) struct MemoryRequest {
    bytes: Arc<[u8]>,
    reply: oneshot::Sender<Arc<[u8]>>,
}

/// One service of the in-memory bus: its type and, while a server lives, the server's queue.
#[derive(Debug)]
pub(crate) struct ServiceChannel {
    type_name: String,
    server: watch::Sender<Option<mpsc::Sender<MemoryRequest>>>,
}

impl ServiceChannel {
    pub(crate) fn new(type_name: &str) -> Self {
        Self {
            type_name: type_name.to_owned(),
            server: watch::channel(None).0,
        }
    }

    /// The service type every endpoint of this channel must use.
    pub(crate) fn type_name(&self) -> &str {
        &self.type_name
    }

    /// Attaches the one server; `None` if the service already has one.
    fn attach_server(self: &Arc<Self>) -> Option<MemoryServer> {
        let (sender, receiver) = mpsc::channel(MEMORY_REQUEST_QUEUE);
        let mut attached = false;
        self.server.send_if_modified(|slot| {
            if slot.is_some() {
                return false;
            }
            *slot = Some(sender);
            attached = true;
            true
        });
        attached.then(|| MemoryServer {
            channel: Arc::clone(self),
            receiver,
        })
    }

    /// The server's queue once a server is attached, at most `timeout`.
    async fn wait_for_server(&self, timeout: Duration) -> Option<mpsc::Sender<MemoryRequest>> {
        let mut server = self.server.subscribe();
        let attached = tokio::time::timeout(timeout, server.wait_for(Option::is_some)).await;
        match attached {
            Ok(Ok(slot)) => slot.clone(),
            _ => None,
        }
    }
}

/// The server end on the in-memory bus; detaches itself when dropped.
#[derive(Debug)]
struct MemoryServer {
    channel: Arc<ServiceChannel>,
    receiver: mpsc::Receiver<MemoryRequest>,
}

impl Drop for MemoryServer {
    fn drop(&mut self) {
        self.channel.server.send_replace(None);
    }
}

/// The server side of service `S`. Requests are handled one at a time, in arrival order;
/// malformed requests are logged (`warn`, with the service and the error) and dropped
/// without an answer.
pub struct ServiceServer<S: RosService> {
    service: String,
    inner: ServerInner<S>,
}

enum ServerInner<S: RosService> {
    // Boxed: the DDS server is large next to the bus handle.
    Dds(Box<DdsServer<S>>),
    Memory(MemoryServer),
}

impl<S: RosService> std::fmt::Debug for ServiceServer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceServer")
            .field("service", &self.service)
            .field("type", &S::type_name())
            .finish()
    }
}

/// Where the response to one received request must go; pass it to [`ServiceServer::respond`].
#[derive(Debug)]
pub struct PendingResponse {
    inner: PendingInner,
}

#[derive(Debug)]
enum PendingInner {
    Dds(ros2_client::service::RmwRequestId),
    Memory(oneshot::Sender<Arc<[u8]>>),
}

impl<S: RosService> ServiceServer<S> {
    /// The resolved service name.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The next well-formed request and where its response goes. Malformed requests are
    /// logged and skipped. `None` once the transport has failed for good (over DDS) or the
    /// bus is gone (in memory).
    pub async fn next_request(&mut self) -> Option<(S::Request, PendingResponse)> {
        loop {
            match &mut self.inner {
                ServerInner::Dds(server) => match server.async_receive_request().await {
                    Ok((id, Wire(request))) => {
                        return Some((
                            request,
                            PendingResponse {
                                inner: PendingInner::Dds(id),
                            },
                        ));
                    }
                    Err(
                        e @ (ros2_client::ReadError::Deserialization { .. }
                        | ros2_client::ReadError::Malformed),
                    ) => {
                        warn!(service = %self.service, error = %e, "dropped malformed request");
                    }
                    Err(e) => {
                        error!(service = %self.service, error = %e, "service reader failed; no more requests");
                        return None;
                    }
                },
                ServerInner::Memory(server) => {
                    let incoming = server.receiver.recv().await?;
                    match from_cdr::<S::Request>(&incoming.bytes) {
                        Ok(request) => {
                            return Some((
                                request,
                                PendingResponse {
                                    inner: PendingInner::Memory(incoming.reply),
                                },
                            ));
                        }
                        Err(e) => {
                            warn!(service = %self.service, error = %e, "dropped malformed request");
                        }
                    }
                }
            }
        }
    }

    /// Sends the response to a request from [`ServiceServer::next_request`]. A caller that
    /// stopped waiting is not an error (its response is simply discarded).
    ///
    /// # Errors
    /// [`ServiceError::Transport`] when the response cannot be encoded or written.
    pub async fn respond(
        &self,
        pending: PendingResponse,
        response: S::Response,
    ) -> Result<(), ServiceError> {
        let transport_error = |reason: String| ServiceError::Transport {
            service: self.service.clone(),
            reason,
        };
        match (&self.inner, pending.inner) {
            (ServerInner::Dds(server), PendingInner::Dds(id)) => server
                .async_send_response(id, Wire(response))
                .await
                .map_err(|e| transport_error(e.to_string())),
            (ServerInner::Memory(_), PendingInner::Memory(reply)) => {
                let bytes = to_cdr(&response).map_err(|e| transport_error(e.to_string()))?;
                if reply.send(Arc::from(bytes)).is_err() {
                    debug!(service = %self.service, "caller stopped waiting; response discarded");
                }
                Ok(())
            }
            _ => Err(transport_error(
                "the response token belongs to a server on another transport".to_owned(),
            )),
        }
    }

    /// Answers every request with `handler`, one at a time, until the transport ends (run it
    /// in a `select!` with the node's shutdown, or in its own task). Responses that cannot be
    /// sent are logged and the loop goes on.
    pub async fn serve<F, Fut>(&mut self, mut handler: F)
    where
        F: FnMut(S::Request) -> Fut,
        Fut: Future<Output = S::Response>,
    {
        while let Some((request, pending)) = self.next_request().await {
            let response = handler(request).await;
            if let Err(e) = self.respond(pending, response).await {
                warn!(service = %self.service, error = %e, "response not sent");
            }
        }
    }
}

/// The client side of service `S`. Calls through one client are serialized (one request in
/// flight at a time): over DDS a client's reader hands each response to whichever call reads
/// it, so concurrent calls would steal each other's responses. Use one client per task for
/// parallel calls.
pub struct ServiceClient<S: RosService> {
    service: String,
    inner: ClientInner<S>,
    in_flight: tokio::sync::Mutex<()>,
}

enum ClientInner<S: RosService> {
    // Boxed: the DDS client is large next to the bus handle.
    Dds(Box<DdsClient<S>>),
    Memory(Arc<ServiceChannel>),
}

impl<S: RosService> std::fmt::Debug for ServiceClient<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("service", &self.service)
            .field("type", &S::type_name())
            .finish()
    }
}

impl<S: RosService> ServiceClient<S> {
    /// The resolved service name.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Waits until a server is matched, at most `timeout`. Over DDS call this once before
    /// the first [`ServiceClient::call`]: a request written before discovery matched the
    /// server is lost (volatile QoS) and the call times out. `io` must be the node that
    /// created this client.
    ///
    /// # Errors
    /// [`ServiceError::NoServer`].
    pub async fn wait_for_service(
        &self,
        io: &NodeIo,
        timeout: Duration,
    ) -> Result<(), ServiceError> {
        let matched = match (&self.inner, io.ros_node()) {
            (ClientInner::Dds(client), Some(node)) => {
                tokio::time::timeout(timeout, client.wait_for_service(node))
                    .await
                    .is_ok()
            }
            (ClientInner::Dds(_), None) => false,
            (ClientInner::Memory(channel), _) => channel.wait_for_server(timeout).await.is_some(),
        };
        matched.then_some(()).ok_or_else(|| ServiceError::NoServer {
            service: self.service.clone(),
            waited: timeout,
        })
    }

    /// Sends `request` and waits for its response, at most `timeout` in all (waiting for
    /// an earlier call of this client included).
    ///
    /// # Errors
    /// [`ServiceError::Timeout`] (over DDS also when no server is matched),
    /// [`ServiceError::NoServer`] (in memory, no server within `timeout`),
    /// [`ServiceError::Dropped`], [`ServiceError::Transport`].
    pub async fn call(
        &self,
        request: S::Request,
        timeout: Duration,
    ) -> Result<S::Response, ServiceError> {
        let timed_out = || ServiceError::Timeout {
            service: self.service.clone(),
            waited: timeout,
        };
        let deadline = tokio::time::Instant::now() + timeout;
        let _turn = tokio::time::timeout_at(deadline, self.in_flight.lock())
            .await
            .map_err(|_| timed_out())?;
        let transport_error = |reason: String| ServiceError::Transport {
            service: self.service.clone(),
            reason,
        };
        match &self.inner {
            ClientInner::Dds(client) => {
                tokio::time::timeout_at(deadline, client.async_call_service(Wire(request)))
                    .await
                    .map_err(|_| timed_out())?
                    .map(|Wire(response)| response)
                    .map_err(|e| transport_error(e.to_string()))
            }
            ClientInner::Memory(channel) => {
                let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
                let server = channel.wait_for_server(remaining).await.ok_or_else(|| {
                    ServiceError::NoServer {
                        service: self.service.clone(),
                        waited: timeout,
                    }
                })?;
                let bytes = to_cdr(&request).map_err(|e| transport_error(e.to_string()))?;
                let (reply, response) = oneshot::channel();
                let dropped = || ServiceError::Dropped {
                    service: self.service.clone(),
                };
                let incoming = MemoryRequest {
                    bytes: Arc::from(bytes),
                    reply,
                };
                tokio::time::timeout_at(deadline, server.send(incoming))
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| dropped())?;
                let bytes = tokio::time::timeout_at(deadline, response)
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| dropped())?;
                from_cdr::<S::Response>(&bytes).map_err(|e| transport_error(e.to_string()))
            }
        }
    }
}

impl NodeIo {
    /// A server for a service of the table (name resolved and remapped like a topic).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] (e.g. a second in-memory server for one name) or an
    /// invalid-name error.
    pub fn service_server<S: RosService>(
        &mut self,
        spec: &ServiceSpec<S>,
    ) -> Result<ServiceServer<S>, RuntimeError> {
        self.service_server_on(spec.name)
    }

    /// A server on any service name (relative names resolve against the node).
    ///
    /// # Errors
    /// As [`NodeIo::service_server`].
    pub fn service_server_on<S: RosService>(
        &mut self,
        name: &str,
    ) -> Result<ServiceServer<S>, RuntimeError> {
        let service = self.resolve_topic(name)?;
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "service server",
            topic: service.clone(),
            reason,
        };
        let inner = if let Some(bus) = self.memory_bus() {
            let channel = bus
                .service_channel(&service, &S::type_name())
                .map_err(endpoint_error)?;
            let server = channel.attach_server().ok_or_else(|| {
                endpoint_error("the service already has a server on this bus".to_owned())
            })?;
            ServerInner::Memory(server)
        } else {
            let (node, dds_name, type_name) = self.dds_service_parts::<S>(&service)?;
            let profile = to_profile(&SERVICE_QOS);
            let server = node
                .create_server::<Wire<S::Request>, Wire<S::Response>>(
                    ServiceMapping::Enhanced,
                    &dds_name,
                    &type_name,
                    profile.clone(),
                    profile,
                )
                .map_err(|e| endpoint_error(e.to_string()))?;
            ServerInner::Dds(Box::new(server))
        };
        debug!(service = %service, type_name = %S::type_name(), "service server created");
        Ok(ServiceServer { service, inner })
    }

    /// A client for a service of the table (name resolved and remapped like a topic).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn service_client<S: RosService>(
        &mut self,
        spec: &ServiceSpec<S>,
    ) -> Result<ServiceClient<S>, RuntimeError> {
        self.service_client_on(spec.name)
    }

    /// A client on any service name (relative names resolve against the node).
    ///
    /// # Errors
    /// As [`NodeIo::service_client`].
    pub fn service_client_on<S: RosService>(
        &mut self,
        name: &str,
    ) -> Result<ServiceClient<S>, RuntimeError> {
        let service = self.resolve_topic(name)?;
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "service client",
            topic: service.clone(),
            reason,
        };
        let inner = if let Some(bus) = self.memory_bus() {
            let channel = bus
                .service_channel(&service, &S::type_name())
                .map_err(endpoint_error)?;
            ClientInner::Memory(channel)
        } else {
            let (node, dds_name, type_name) = self.dds_service_parts::<S>(&service)?;
            let profile = to_profile(&SERVICE_QOS);
            let client = node
                .create_client::<Wire<S::Request>, Wire<S::Response>>(
                    ServiceMapping::Enhanced,
                    &dds_name,
                    &type_name,
                    profile.clone(),
                    profile,
                )
                .map_err(|e| endpoint_error(e.to_string()))?;
            ClientInner::Dds(Box::new(client))
        };
        debug!(service = %service, type_name = %S::type_name(), "service client created");
        Ok(ServiceClient {
            service,
            inner,
            in_flight: tokio::sync::Mutex::new(()),
        })
    }

    /// The DDS node, the ros2-client name and the type name for a resolved service name.
    fn dds_service_parts<S: RosService>(
        &mut self,
        service: &str,
    ) -> Result<(&mut ros2_client::Node, Name, ServiceTypeName), RuntimeError> {
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "service",
            topic: service.to_owned(),
            reason,
        };
        let dds_name = Name::parse(service).map_err(|e| endpoint_error(e.to_string()))?;
        let node = self
            .ros_node_mut()
            .ok_or_else(|| endpoint_error("the node has no DDS backend".to_owned()))?;
        Ok((node, dds_name, ServiceTypeName::new(S::PACKAGE, S::NAME)))
    }
}

#[cfg(test)]
mod tests {
    use embodied_msgs::msg::MemoryFact;
    use embodied_msgs::srv::{Recall, RecallRequest, RecallResponse};
    use embodied_msgs::topics::MEMORY_RECALL;

    use super::*;
    use crate::{InMemoryBus, NodeConfig, RosArgs};

    const SHORT: Duration = Duration::from_secs(2);

    fn start_node(bus: &InMemoryBus, name: &str, ros_args: &[&str]) -> NodeIo {
        let args = RosArgs::parse(std::iter::once("test").chain(ros_args.iter().copied())).unwrap();
        NodeIo::start_in_memory(&NodeConfig::new(name, args), bus).unwrap()
    }

    /// A server whose answer depends on the request: one fact per word of the query text.
    async fn answer(request: RecallRequest) -> RecallResponse {
        let facts: Vec<MemoryFact> = request
            .text
            .split_whitespace()
            .map(|word| MemoryFact {
                subject: word.to_owned(),
                ..Default::default()
            })
            .collect();
        RecallResponse {
            success: true,
            message: request.utterance_id,
            scores: vec![1.0; facts.len()],
            facts,
            ..Default::default()
        }
    }

    fn query(text: &str, utterance_id: &str) -> RecallRequest {
        RecallRequest {
            text: text.to_owned(),
            utterance_id: utterance_id.to_owned(),
            ..Default::default()
        }
    }

    /// A "Recall" request whose bytes are not a valid one: `kind`, then a string length far
    /// past the end of the sample.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct ForgedRecallRequest {
        kind: u8,
        subject_length: u32,
    }

    impl RosMessage for ForgedRecallRequest {
        const PACKAGE: &'static str = "embodied_msgs";
        const INTERFACE: &'static str = "srv";
        const NAME: &'static str = "Recall_Request";
    }

    /// The Recall service as a peer with a broken serializer would send it.
    struct ForgedRecall;

    impl RosService for ForgedRecall {
        type Request = ForgedRecallRequest;
        type Response = RecallResponse;
        const PACKAGE: &'static str = "embodied_msgs";
        const NAME: &'static str = "Recall";
    }

    /// Round trip, malformed request dropped while the server keeps serving, no-answer
    /// timeout: the checks shared by the in-memory and the DDS test.
    async fn exercise_service(server_io: &mut NodeIo, client_io: &mut NodeIo) {
        let mut server = server_io.service_server(&MEMORY_RECALL).unwrap();
        let client = client_io.service_client(&MEMORY_RECALL).unwrap();
        let forger = client_io
            .service_client_on::<ForgedRecall>(MEMORY_RECALL.name)
            .unwrap();
        let serving = tokio::spawn(async move {
            server
                .serve(|request| async move {
                    if request.utterance_id == "slow" {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                    }
                    answer(request).await
                })
                .await;
        });
        client
            .wait_for_service(client_io, Duration::from_secs(15))
            .await
            .unwrap();
        forger
            .wait_for_service(client_io, Duration::from_secs(15))
            .await
            .unwrap();

        let response = client
            .call(query("keys kitchen", "u1"), Duration::from_secs(5))
            .await
            .unwrap();
        let subjects: Vec<&str> = response.facts.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(subjects, ["keys", "kitchen"]);
        assert_eq!(response.message, "u1");

        let forged = ForgedRecallRequest {
            kind: 1,
            subject_length: 1_000_000,
        };
        let error = forger
            .call(forged, Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                ServiceError::Dropped { .. } | ServiceError::Timeout { .. }
            ),
            "{error}"
        );
        let response = client
            .call(query("cup", "u2"), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(
            response.facts.len(),
            1,
            "the server must survive a malformed request"
        );

        let error = client
            .call(query("book", "slow"), Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(matches!(error, ServiceError::Timeout { .. }), "{error}");
        // The late answer to the timed-out call must not be taken for the next one.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let response = client
            .call(query("apple phone", "u3"), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(response.message, "u3");
        serving.abort();
    }

    #[tokio::test]
    async fn in_memory_call_round_trips_and_survives_bad_requests() {
        let bus = InMemoryBus::new();
        let mut server_io = start_node(&bus, "memory", &[]);
        let mut client_io = start_node(&bus, "planner", &[]);
        exercise_service(&mut server_io, &mut client_io).await;
    }

    #[tokio::test]
    async fn call_without_server_times_out() {
        let bus = InMemoryBus::new();
        let mut io = start_node(&bus, "planner", &[]);
        let client = io.service_client(&MEMORY_RECALL).unwrap();
        let started = tokio::time::Instant::now();
        let error = client
            .call(query("keys", ""), Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert_eq!(
            error.to_string(),
            "no server for `/memory/recall` within 200ms"
        );
        assert!(matches!(
            client
                .wait_for_service(&io, Duration::from_millis(50))
                .await,
            Err(ServiceError::NoServer { .. })
        ));
    }

    #[tokio::test]
    async fn a_server_that_stops_fails_pending_calls_and_frees_the_name() {
        let bus = InMemoryBus::new();
        let mut server_io = start_node(&bus, "memory", &[]);
        let mut client_io = start_node(&bus, "planner", &[]);
        let mut server = server_io.service_server(&MEMORY_RECALL).unwrap();
        assert!(
            server_io
                .service_server(&MEMORY_RECALL)
                .unwrap_err()
                .to_string()
                .contains("already has a server")
        );
        let client = client_io.service_client(&MEMORY_RECALL).unwrap();
        let receiving = tokio::spawn(async move {
            // Take one request, then stop without answering.
            let _request = server.next_request().await;
        });
        let error = client.call(query("keys", ""), SHORT).await.unwrap_err();
        assert!(matches!(error, ServiceError::Dropped { .. }), "{error}");
        receiving.await.unwrap();
        let _replacement = server_io.service_server(&MEMORY_RECALL).unwrap();
    }

    #[tokio::test]
    async fn names_are_remapped_and_types_checked() {
        let bus = InMemoryBus::new();
        let mut server_io = start_node(&bus, "memory", &["--ros-args", "-r", "__ns:=/robot1"]);
        let mut client_io = start_node(
            &bus,
            "planner",
            &["--ros-args", "-r", "/memory/recall:=/robot1/memory/recall"],
        );
        let mut server = server_io
            .service_server_on::<Recall>("memory/recall")
            .unwrap();
        assert_eq!(server.service(), "/robot1/memory/recall");
        let client = client_io.service_client(&MEMORY_RECALL).unwrap();
        assert_eq!(client.service(), "/robot1/memory/recall");
        tokio::spawn(async move { server.serve(answer).await });
        let response = client.call(query("cup", ""), SHORT).await.unwrap();
        assert_eq!(response.facts.len(), 1);
        let error = client_io
            .service_client_on::<embodied_msgs::srv::Remember>("/robot1/memory/recall")
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("already has type embodied_msgs/srv/Recall"),
            "{error}"
        );
    }

    /// Over real DDS: one process, two nodes on a private domain. Run it inside the private
    /// network namespace only: `scripts/netns.sh cargo test -p embodied_runtime --lib
    /// service -- --ignored`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs netns"]
    async fn dds_call_round_trips_and_survives_bad_requests() {
        assert_eq!(
            std::env::var("EMBODIED_IN_NETNS").as_deref(),
            Ok("1"),
            "DDS tests must run in a private network namespace: scripts/netns.sh cargo test ..."
        );
        let domain_id = 91;
        let start = |name: &str| {
            let config = NodeConfig::new(name, RosArgs::default()).with_domain_id(domain_id);
            NodeIo::start(&config).unwrap()
        };
        let mut server_io = start("memory");
        let mut client_io = start("planner");
        exercise_service(&mut server_io, &mut client_io).await;
        client_io.shutdown().await;
        server_io.shutdown().await;
    }
}
