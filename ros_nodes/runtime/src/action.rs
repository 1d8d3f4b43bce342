//! Typed ROS 2 action servers and clients for `embodied_msgs` action types.
//!
//! Over DDS this wraps ros2-client's action implementation (`ros2_client::action`), so the wire
//! is ROS 2's: services `<action>/_action/{send_goal,cancel_goal,get_result}` and topics
//! `<action>/_action/{feedback,status}` with the DDS types `<pkg>::action::dds_::<Name>_SendGoal_Request_`
//! and so on, and any `rclcpp`/`rclpy` client or server interoperates. On the in-memory bus
//! ([`crate::InMemoryBus`]) goals, feedback and results travel as CDR bytes between one server
//! and any number of clients, with the same accept/reject/cancel semantics.
//!
//! Server: [`NodeIo::action_server`] gives an [`ActionServer`]; loop on
//! [`ActionServer::next_request`], [`ActionServer::accept`] or [`ActionServer::reject`] each
//! goal, send [`ActionServer::feedback`], end with [`ActionServer::finish`]; answer cancel
//! requests with [`ActionServer::answer_cancel`]. Client: [`NodeIo::action_client`] gives an
//! [`ActionClient`]; [`ActionClient::send_goal`] returns a [`ClientGoal`] that yields feedback
//! and the result ([`ClientGoal::next_event`]) and can be cancelled.
//!
//! ```no_run
//! use std::time::Duration;
//! use embodied_msgs::{action::ExecuteTaskResult, topics::EXECUTE_TASK};
//! use embodied_runtime::{ActionRequest, GoalOutcome, NodeIo};
//!
//! # async fn demo(io: &mut NodeIo) -> Result<(), Box<dyn std::error::Error>> {
//! let mut server = io.action_server(&EXECUTE_TASK)?;
//! while let Some(request) = server.next_request().await {
//!     match request {
//!         ActionRequest::Goal(goal) => {
//!             let active = server.accept(goal).await?;
//!             server.finish(active, GoalOutcome::Succeeded, ExecuteTaskResult::default()).await?;
//!         }
//!         ActionRequest::Cancel(cancel) => server.answer_cancel(cancel, Vec::new()).await?,
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use embodied_msgs::action_msgs::msg::GoalStatus;
use embodied_msgs::topics::{ActionSpec, Qos};
use embodied_msgs::unique_identifier_msgs::msg::UUID;
use embodied_msgs::{RosAction, from_cdr, to_cdr};
use futures::StreamExt;
use ros2_client::action::{
    ActionServerQosPolicies, AsyncActionServer, CancelHandle, ExecutingGoalHandle, GoalEndStatus,
    GoalId, GoalStatusEnum, NewGoalHandle,
};
use ros2_client::{ActionTypeName, Name, ServiceMapping};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, error, warn};

use crate::node::{NodeIo, RuntimeError};
use crate::qos::to_profile;
use crate::service::{SERVICE_QOS, Wire};

/// How many goal and cancel requests wait for an in-memory server.
const MEMORY_REQUEST_QUEUE: usize = 10;

/// How long a finished goal's result waits over DDS for the client's `get_result` request
/// (rclcpp keeps results 15 min by default).
const RESULT_WAIT: Duration = Duration::from_secs(15 * 60);

/// The status topic keeps the latest goal states for late joiners, as rcl's
/// `rcl_action_qos_profile_status_default` (reliable, transient local, keep last 1).
const STATUS_QOS: Qos = Qos::LATCHED;

/// Errors of action servers and clients.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// No server appeared within the time allowed.
    #[error("no server for action `{action}` within {waited:?}")]
    NoServer {
        /// Resolved action name.
        action: String,
        /// Time waited.
        waited: Duration,
    },
    /// The server did not answer in time.
    #[error("no answer from action `{action}` within {waited:?}")]
    Timeout {
        /// Resolved action name.
        action: String,
        /// Time waited.
        waited: Duration,
    },
    /// The server rejected the goal.
    #[error("action `{action}` rejected the goal")]
    Rejected {
        /// Resolved action name.
        action: String,
    },
    /// The server went away (or dropped the request) before answering.
    #[error("action `{action}` ended without answering ({what})")]
    Lost {
        /// Resolved action name.
        action: String,
        /// What was left unanswered.
        what: &'static str,
    },
    /// The middleware failed, a message could not be encoded or decoded, or the server
    /// reported a state that makes no sense.
    #[error("action `{action}`: {reason}")]
    Transport {
        /// Resolved action name.
        action: String,
        /// The middleware's message.
        reason: String,
    },
}

/// How a goal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalOutcome {
    /// The goal was reached.
    Succeeded,
    /// The server gave up on its own.
    Aborted,
    /// Stopped after a client's cancel request.
    Canceled,
}

impl GoalOutcome {
    /// The `action_msgs/GoalStatus` code of this end state.
    pub fn status_code(self) -> i8 {
        match self {
            Self::Succeeded => GoalStatus::STATUS_SUCCEEDED,
            Self::Aborted => GoalStatus::STATUS_ABORTED,
            Self::Canceled => GoalStatus::STATUS_CANCELED,
        }
    }

    /// The end state of an `action_msgs/GoalStatus` code; `None` for non-terminal codes.
    pub fn from_status_code(code: i8) -> Option<Self> {
        match code {
            GoalStatus::STATUS_SUCCEEDED => Some(Self::Succeeded),
            GoalStatus::STATUS_ABORTED => Some(Self::Aborted),
            GoalStatus::STATUS_CANCELED => Some(Self::Canceled),
            _ => None,
        }
    }

    fn to_dds(self) -> GoalEndStatus {
        match self {
            Self::Succeeded => GoalEndStatus::Succeeded,
            Self::Aborted => GoalEndStatus::Aborted,
            Self::Canceled => GoalEndStatus::Canceled,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn to_goal_id(id: &UUID) -> GoalId {
    GoalId {
        uuid: uuid::Uuid::from_bytes(id.uuid),
    }
}

fn from_goal_id(id: GoalId) -> UUID {
    UUID {
        uuid: id.uuid.into_bytes(),
    }
}

fn random_goal_id() -> UUID {
    UUID {
        uuid: uuid::Uuid::new_v4().into_bytes(),
    }
}

type DdsServer<A> = AsyncActionServer<
    Wire<<A as RosAction>::Goal>,
    Wire<<A as RosAction>::Result>,
    Wire<<A as RosAction>::Feedback>,
>;
type DdsClient<A> = ros2_client::action::ActionClient<
    Wire<<A as RosAction>::Goal>,
    Wire<<A as RosAction>::Result>,
    Wire<<A as RosAction>::Feedback>,
>;

// ---------------------------------------------------------------------------------------
// In-memory transport

/// One request to an in-memory action server.
#[derive(Debug)]
pub(crate) enum MemoryActionMessage {
    Goal {
        goal_id: UUID,
        goal: Arc<[u8]>,
        accepted: oneshot::Sender<bool>,
        events: mpsc::UnboundedSender<MemoryGoalEvent>,
    },
    Cancel {
        goal_id: UUID,
        reply: oneshot::Sender<Vec<UUID>>,
    },
}

/// What an in-memory server sends to the client of one goal.
#[derive(Debug)]
pub(crate) enum MemoryGoalEvent {
    Feedback(Arc<[u8]>),
    Finished { status: i8, result: Arc<[u8]> },
}

/// One action of the in-memory bus: its type and, while a server lives, the server's queue.
#[derive(Debug)]
pub(crate) struct ActionChannel {
    type_name: String,
    server: watch::Sender<Option<mpsc::Sender<MemoryActionMessage>>>,
}

impl ActionChannel {
    pub(crate) fn new(type_name: &str) -> Self {
        Self {
            type_name: type_name.to_owned(),
            server: watch::channel(None).0,
        }
    }

    /// The action type every endpoint of this channel must use.
    pub(crate) fn type_name(&self) -> &str {
        &self.type_name
    }

    fn attach_server(self: &Arc<Self>) -> Option<MemoryActionServer> {
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
        attached.then(|| MemoryActionServer {
            channel: Arc::clone(self),
            receiver,
            goals: Mutex::new(HashMap::new()),
        })
    }

    async fn wait_for_server(
        &self,
        timeout: Duration,
    ) -> Option<mpsc::Sender<MemoryActionMessage>> {
        let mut server = self.server.subscribe();
        match tokio::time::timeout(timeout, server.wait_for(Option::is_some)).await {
            Ok(Ok(slot)) => slot.clone(),
            _ => None,
        }
    }
}

/// The server end on the in-memory bus; detaches itself when dropped (clients of running
/// goals then see [`ActionError::Lost`]).
#[derive(Debug)]
struct MemoryActionServer {
    channel: Arc<ActionChannel>,
    receiver: mpsc::Receiver<MemoryActionMessage>,
    /// Accepted, unfinished goals and where their events go.
    goals: Mutex<HashMap<[u8; 16], mpsc::UnboundedSender<MemoryGoalEvent>>>,
}

impl Drop for MemoryActionServer {
    fn drop(&mut self) {
        self.channel.server.send_replace(None);
    }
}

// ---------------------------------------------------------------------------------------
// Server

/// The server side of action `A`.
pub struct ActionServer<A: RosAction> {
    action: String,
    inner: ServerInner<A>,
}

enum ServerInner<A: RosAction> {
    Dds(Arc<DdsServer<A>>),
    Memory(MemoryActionServer),
}

impl<A: RosAction> std::fmt::Debug for ActionServer<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionServer")
            .field("action", &self.action)
            .field("type", &A::type_name())
            .finish()
    }
}

/// What a client asked of an [`ActionServer`].
#[derive(Debug)]
pub enum ActionRequest<A: RosAction> {
    /// A new goal: accept or reject it.
    Goal(GoalRequest<A>),
    /// Cancel some of the running goals: answer with [`ActionServer::answer_cancel`].
    Cancel(CancelRequest),
}

/// A new goal waiting for [`ActionServer::accept`] or [`ActionServer::reject`].
pub struct GoalRequest<A: RosAction> {
    /// The goal's id, chosen by the client.
    pub goal_id: UUID,
    /// What the client asks for.
    pub goal: A::Goal,
    token: NewGoalToken<A>,
}

enum NewGoalToken<A: RosAction> {
    Dds(NewGoalHandle<Wire<A::Goal>>),
    Memory {
        accepted: oneshot::Sender<bool>,
        events: mpsc::UnboundedSender<MemoryGoalEvent>,
    },
}

impl<A: RosAction> std::fmt::Debug for GoalRequest<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoalRequest")
            .field("goal_id", &self.goal_id)
            .field("goal", &self.goal)
            .finish_non_exhaustive()
    }
}

/// An accepted goal that is executing; end it with [`ActionServer::finish`].
pub struct ActiveGoal<A: RosAction> {
    goal_id: UUID,
    dds: Option<ExecutingGoalHandle<Wire<A::Goal>>>,
}

impl<A: RosAction> ActiveGoal<A> {
    /// The goal's id.
    pub fn goal_id(&self) -> &UUID {
        &self.goal_id
    }
}

impl<A: RosAction> std::fmt::Debug for ActiveGoal<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveGoal")
            .field("goal_id", &self.goal_id)
            .finish_non_exhaustive()
    }
}

/// A cancel request: the running goals it names. Answer with [`ActionServer::answer_cancel`].
pub struct CancelRequest {
    /// The accepted, unfinished goals the request covers (one id, or all goals).
    pub goals: Vec<UUID>,
    token: CancelToken,
}

enum CancelToken {
    Dds(CancelHandle),
    Memory(oneshot::Sender<Vec<UUID>>),
}

impl std::fmt::Debug for CancelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelRequest")
            .field("goals", &self.goals)
            .finish_non_exhaustive()
    }
}

fn is_malformed(e: &ros2_client::ReadError) -> bool {
    matches!(
        e,
        ros2_client::ReadError::Deserialization { .. } | ros2_client::ReadError::Malformed
    )
}

impl<A: RosAction> ActionServer<A> {
    /// The resolved action name.
    pub fn action(&self) -> &str {
        &self.action
    }

    fn transport_error(&self, reason: impl std::fmt::Display) -> ActionError {
        ActionError::Transport {
            action: self.action.clone(),
            reason: reason.to_string(),
        }
    }

    /// The next goal or cancel request. Malformed requests are logged (`warn`) and skipped.
    /// `None` once the transport has failed for good (DDS) or the bus is gone (in memory).
    pub async fn next_request(&mut self) -> Option<ActionRequest<A>> {
        loop {
            match &mut self.inner {
                ServerInner::Dds(server) => {
                    tokio::select! {
                        goal = server.receive_new_goal() => match goal {
                            Ok(handle) => {
                                let goal_id = from_goal_id(handle.goal_id());
                                let Some(Wire(goal)) = server.get_new_goal(handle.clone()) else {
                                    warn!(action = %self.action, "new goal vanished before it was read");
                                    continue;
                                };
                                return Some(ActionRequest::Goal(GoalRequest {
                                    goal_id,
                                    goal,
                                    token: NewGoalToken::Dds(handle),
                                }));
                            }
                            Err(e) if is_malformed(&e) => {
                                warn!(action = %self.action, error = %e, "dropped malformed goal");
                            }
                            Err(e) => {
                                error!(action = %self.action, error = %e, "goal reader failed; no more requests");
                                return None;
                            }
                        },
                        cancel = server.receive_cancel_request() => match cancel {
                            Ok(handle) => {
                                return Some(ActionRequest::Cancel(CancelRequest {
                                    goals: handle.goals().map(from_goal_id).collect(),
                                    token: CancelToken::Dds(handle),
                                }));
                            }
                            Err(e) if is_malformed(&e) => {
                                warn!(action = %self.action, error = %e, "dropped malformed cancel request");
                            }
                            Err(e) => {
                                error!(action = %self.action, error = %e, "cancel reader failed; no more requests");
                                return None;
                            }
                        },
                    }
                }
                ServerInner::Memory(server) => match server.receiver.recv().await? {
                    MemoryActionMessage::Goal {
                        goal_id,
                        goal,
                        accepted,
                        events,
                    } => match from_cdr::<A::Goal>(&goal) {
                        Ok(goal) => {
                            return Some(ActionRequest::Goal(GoalRequest {
                                goal_id,
                                goal,
                                token: NewGoalToken::Memory { accepted, events },
                            }));
                        }
                        // Dropping `accepted` tells the client, as an unanswered request.
                        Err(e) => {
                            warn!(action = %self.action, error = %e, "dropped malformed goal");
                        }
                    },
                    MemoryActionMessage::Cancel { goal_id, reply } => {
                        let cancel_all = goal_id.uuid == [0; 16];
                        let goals = lock(&server.goals)
                            .keys()
                            .filter(|id| cancel_all || **id == goal_id.uuid)
                            .map(|id| UUID { uuid: *id })
                            .collect();
                        return Some(ActionRequest::Cancel(CancelRequest {
                            goals,
                            token: CancelToken::Memory(reply),
                        }));
                    }
                },
            }
        }
    }

    /// Accepts a goal and starts executing it.
    ///
    /// # Errors
    /// [`ActionError::Transport`] when the answer cannot be sent.
    pub async fn accept(&self, request: GoalRequest<A>) -> Result<ActiveGoal<A>, ActionError> {
        let GoalRequest { goal_id, token, .. } = request;
        match (&self.inner, token) {
            (ServerInner::Dds(server), NewGoalToken::Dds(handle)) => {
                let accepted = server
                    .accept_goal(handle)
                    .await
                    .map_err(|e| self.transport_error(format!("accepting the goal: {e:?}")))?;
                let executing = server
                    .start_executing_goal(accepted)
                    .await
                    .map_err(|e| self.transport_error(format!("executing the goal: {e:?}")))?;
                Ok(ActiveGoal {
                    goal_id,
                    dds: Some(executing),
                })
            }
            (ServerInner::Memory(server), NewGoalToken::Memory { accepted, events }) => {
                lock(&server.goals).insert(goal_id.uuid, events);
                if accepted.send(true).is_err() {
                    debug!(action = %self.action, "client stopped waiting for the acceptance");
                }
                Ok(ActiveGoal { goal_id, dds: None })
            }
            _ => Err(self.transport_error("the goal belongs to a server on another transport")),
        }
    }

    /// Rejects a goal.
    ///
    /// # Errors
    /// [`ActionError::Transport`] when the answer cannot be sent.
    pub async fn reject(&self, request: GoalRequest<A>) -> Result<(), ActionError> {
        match (&self.inner, request.token) {
            (ServerInner::Dds(server), NewGoalToken::Dds(handle)) => server
                .reject_goal(handle)
                .await
                .map_err(|e| self.transport_error(format!("rejecting the goal: {e:?}"))),
            (ServerInner::Memory(_), NewGoalToken::Memory { accepted, .. }) => {
                if accepted.send(false).is_err() {
                    debug!(action = %self.action, "client stopped waiting for the rejection");
                }
                Ok(())
            }
            _ => Err(self.transport_error("the goal belongs to a server on another transport")),
        }
    }

    /// Publishes feedback for a running goal.
    ///
    /// # Errors
    /// [`ActionError::Transport`] when the feedback cannot be encoded or written.
    pub async fn feedback(
        &self,
        goal: &ActiveGoal<A>,
        feedback: A::Feedback,
    ) -> Result<(), ActionError> {
        match (&self.inner, goal.dds.clone()) {
            (ServerInner::Dds(server), Some(handle)) => server
                .publish_feedback(handle, Wire(feedback))
                .await
                .map_err(|e| self.transport_error(format!("publishing feedback: {e:?}"))),
            (ServerInner::Memory(server), None) => {
                let bytes = to_cdr(&feedback).map_err(|e| self.transport_error(e))?;
                if let Some(events) = lock(&server.goals).get(&goal.goal_id.uuid)
                    && events
                        .send(MemoryGoalEvent::Feedback(Arc::from(bytes)))
                        .is_err()
                {
                    debug!(action = %self.action, "client gone; feedback discarded");
                }
                Ok(())
            }
            _ => Err(self.transport_error("the goal belongs to a server on another transport")),
        }
    }

    /// Ends a goal with its result. Over DDS the result is handed to the client when it asks
    /// for it (`get_result`), in the background, for at most 15 minutes.
    ///
    /// # Errors
    /// [`ActionError::Transport`] when the result cannot be encoded.
    pub async fn finish(
        &self,
        goal: ActiveGoal<A>,
        outcome: GoalOutcome,
        result: A::Result,
    ) -> Result<(), ActionError> {
        match (&self.inner, goal.dds) {
            (ServerInner::Dds(server), Some(handle)) => {
                let server = Arc::clone(server);
                let action = self.action.clone();
                // ros2-client answers `get_result` only once the client has asked; waiting
                // here would stall the caller's loop on a client that never asks.
                tokio::spawn(async move {
                    let sent = tokio::time::timeout(
                        RESULT_WAIT,
                        server.send_result_response(handle, outcome.to_dds(), Wire(result)),
                    )
                    .await;
                    match sent {
                        Ok(Ok(())) => debug!(action = %action, "result sent"),
                        Ok(Err(e)) => warn!(action = %action, error = ?e, "result not sent"),
                        Err(_) => warn!(action = %action, "no client asked for the result"),
                    }
                });
                Ok(())
            }
            (ServerInner::Memory(server), None) => {
                let bytes = to_cdr(&result).map_err(|e| self.transport_error(e))?;
                if let Some(events) = lock(&server.goals).remove(&goal.goal_id.uuid)
                    && events
                        .send(MemoryGoalEvent::Finished {
                            status: outcome.status_code(),
                            result: Arc::from(bytes),
                        })
                        .is_err()
                {
                    debug!(action = %self.action, "client gone; result discarded");
                }
                Ok(())
            }
            _ => Err(self.transport_error("the goal belongs to a server on another transport")),
        }
    }

    /// Answers a cancel request: `canceling` are the goals that will stop (a subset of
    /// `request.goals`; empty rejects the request). Finish them with
    /// [`GoalOutcome::Canceled`] afterwards.
    ///
    /// # Errors
    /// [`ActionError::Transport`] when the answer cannot be written.
    pub async fn answer_cancel(
        &self,
        request: CancelRequest,
        canceling: Vec<UUID>,
    ) -> Result<(), ActionError> {
        match (&self.inner, request.token) {
            (ServerInner::Dds(server), CancelToken::Dds(handle)) => server
                .respond_to_cancel_requests(&handle, canceling.iter().map(to_goal_id))
                .await
                .map_err(|e| self.transport_error(format!("answering the cancel request: {e:?}"))),
            (ServerInner::Memory(_), CancelToken::Memory(reply)) => {
                if reply.send(canceling).is_err() {
                    debug!(action = %self.action, "client stopped waiting for the cancel answer");
                }
                Ok(())
            }
            _ => Err(self.transport_error("the request belongs to a server on another transport")),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Client

/// The client side of action `A`.
pub struct ActionClient<A: RosAction> {
    action: String,
    inner: ClientInner<A>,
}

enum ClientInner<A: RosAction> {
    Dds(Arc<DdsClient<A>>),
    Memory(Arc<ActionChannel>),
}

impl<A: RosAction> Clone for ClientInner<A> {
    fn clone(&self) -> Self {
        match self {
            Self::Dds(client) => Self::Dds(Arc::clone(client)),
            Self::Memory(channel) => Self::Memory(Arc::clone(channel)),
        }
    }
}

impl<A: RosAction> std::fmt::Debug for ActionClient<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionClient")
            .field("action", &self.action)
            .field("type", &A::type_name())
            .finish()
    }
}

/// What a running goal reports to its client.
#[derive(Debug)]
pub enum GoalEvent<A: RosAction> {
    /// Progress.
    Feedback(A::Feedback),
    /// The goal ended; no more events follow.
    Finished(GoalOutcome, A::Result),
}

/// A goal the server accepted, seen from the client.
pub struct ClientGoal<A: RosAction> {
    action: String,
    goal_id: UUID,
    events: mpsc::UnboundedReceiver<Result<GoalEvent<A>, ActionError>>,
    client: ClientInner<A>,
}

impl<A: RosAction> std::fmt::Debug for ClientGoal<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientGoal")
            .field("action", &self.action)
            .field("goal_id", &self.goal_id)
            .finish_non_exhaustive()
    }
}

impl<A: RosAction> ActionClient<A> {
    /// The resolved action name.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// Waits until a server is matched, at most `timeout`. Over DDS call this once before
    /// the first goal (a request written before discovery matched is lost). `io` must be the
    /// node that created this client.
    ///
    /// # Errors
    /// [`ActionError::NoServer`].
    pub async fn wait_for_server(&self, io: &NodeIo, timeout: Duration) -> Result<(), ActionError> {
        let matched = match (&self.inner, io.ros_node()) {
            (ClientInner::Dds(client), Some(node)) => tokio::time::timeout(timeout, async {
                futures::join!(
                    client.goal_client().wait_for_service(node),
                    client.result_client().wait_for_service(node),
                    client.cancel_client().wait_for_service(node),
                )
            })
            .await
            .is_ok(),
            (ClientInner::Dds(_), None) => false,
            (ClientInner::Memory(channel), _) => channel.wait_for_server(timeout).await.is_some(),
        };
        matched.then_some(()).ok_or_else(|| ActionError::NoServer {
            action: self.action.clone(),
            waited: timeout,
        })
    }

    /// Sends a goal and waits (at most `timeout`) until the server accepts it. Feedback and
    /// the result then come from the returned [`ClientGoal`].
    ///
    /// # Errors
    /// [`ActionError::Rejected`], [`ActionError::NoServer`] (in memory),
    /// [`ActionError::Timeout`], [`ActionError::Lost`], [`ActionError::Transport`].
    pub async fn send_goal(
        &self,
        goal: A::Goal,
        timeout: Duration,
    ) -> Result<ClientGoal<A>, ActionError> {
        let action = self.action.clone();
        let timed_out = || ActionError::Timeout {
            action: action.clone(),
            waited: timeout,
        };
        let transport_error = |reason: String| ActionError::Transport {
            action: action.clone(),
            reason,
        };
        let (sender, events) = mpsc::unbounded_channel();
        let goal_id = match &self.inner {
            ClientInner::Dds(client) => {
                let (goal_id, response) =
                    tokio::time::timeout(timeout, client.async_send_goal(Wire(goal)))
                        .await
                        .map_err(|_| timed_out())?
                        .map_err(|e| transport_error(e.to_string()))?;
                if !response.accepted {
                    return Err(ActionError::Rejected { action });
                }
                spawn_dds_goal_tasks(Arc::clone(client), action.clone(), goal_id, sender);
                from_goal_id(goal_id)
            }
            ClientInner::Memory(channel) => {
                let server = channel.wait_for_server(timeout).await.ok_or_else(|| {
                    ActionError::NoServer {
                        action: action.clone(),
                        waited: timeout,
                    }
                })?;
                let goal_id = random_goal_id();
                let bytes = to_cdr(&goal).map_err(|e| transport_error(e.to_string()))?;
                let (accepted, acceptance) = oneshot::channel();
                let (event_sender, event_receiver) = mpsc::unbounded_channel();
                let lost = || ActionError::Lost {
                    action: action.clone(),
                    what: "the goal",
                };
                let message = MemoryActionMessage::Goal {
                    goal_id: goal_id.clone(),
                    goal: Arc::from(bytes),
                    accepted,
                    events: event_sender,
                };
                tokio::time::timeout(timeout, server.send(message))
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| lost())?;
                let accepted = tokio::time::timeout(timeout, acceptance)
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| lost())?;
                if !accepted {
                    return Err(ActionError::Rejected { action });
                }
                spawn_memory_goal_task::<A>(action.clone(), event_receiver, sender);
                goal_id
            }
        };
        Ok(ClientGoal {
            action,
            goal_id,
            events,
            client: self.inner.clone(),
        })
    }
}

/// Forwards a DDS goal's feedback and its result to `sender` until the result arrives or the
/// [`ClientGoal`] is dropped.
fn spawn_dds_goal_tasks<A: RosAction>(
    client: Arc<DdsClient<A>>,
    action: String,
    goal_id: GoalId,
    sender: mpsc::UnboundedSender<Result<GoalEvent<A>, ActionError>>,
) {
    tokio::spawn(async move {
        let feedback = client.feedback_stream(goal_id);
        futures::pin_mut!(feedback);
        let result = client.async_request_result(goal_id);
        futures::pin_mut!(result);
        loop {
            tokio::select! {
                () = sender.closed() => return,
                item = feedback.next() => match item {
                    Some(Ok(Wire(feedback))) => {
                        let sent = sender.send(Ok(GoalEvent::Feedback(feedback)));
                        if sent.is_err() {
                            return;
                        }
                    }
                    Some(Err(e)) => warn!(action = %action, error = %e, "dropped malformed feedback"),
                    None => {}
                },
                finished = &mut result => {
                    let event = match finished {
                        Ok((status, Wire(result))) => match status {
                            GoalStatusEnum::Succeeded => Ok(GoalEvent::Finished(GoalOutcome::Succeeded, result)),
                            GoalStatusEnum::Aborted => Ok(GoalEvent::Finished(GoalOutcome::Aborted, result)),
                            GoalStatusEnum::Canceled => Ok(GoalEvent::Finished(GoalOutcome::Canceled, result)),
                            other => Err(ActionError::Transport {
                                action: action.clone(),
                                reason: format!("result with non-terminal status {other:?}"),
                            }),
                        },
                        Err(e) => Err(ActionError::Transport {
                            action: action.clone(),
                            reason: format!("requesting the result: {e}"),
                        }),
                    };
                    // The receiver may be gone; nothing else to do either way.
                    let _ = sender.send(event);
                    return;
                }
            }
        }
    });
}

/// Decodes an in-memory goal's events into `sender`.
fn spawn_memory_goal_task<A: RosAction>(
    action: String,
    mut events: mpsc::UnboundedReceiver<MemoryGoalEvent>,
    sender: mpsc::UnboundedSender<Result<GoalEvent<A>, ActionError>>,
) {
    tokio::spawn(async move {
        let decode_error = |e: embodied_msgs::CdrError| ActionError::Transport {
            action: action.clone(),
            reason: e.to_string(),
        };
        while let Some(event) = events.recv().await {
            let (event, last) = match event {
                MemoryGoalEvent::Feedback(bytes) => match from_cdr::<A::Feedback>(&bytes) {
                    Ok(feedback) => (Ok(GoalEvent::Feedback(feedback)), false),
                    Err(e) => {
                        warn!(action = %action, error = %e, "dropped malformed feedback");
                        continue;
                    }
                },
                MemoryGoalEvent::Finished { status, result } => {
                    let event = match GoalOutcome::from_status_code(status) {
                        Some(outcome) => from_cdr::<A::Result>(&result)
                            .map(|result| GoalEvent::Finished(outcome, result))
                            .map_err(decode_error),
                        None => Err(ActionError::Transport {
                            action: action.clone(),
                            reason: format!("result with non-terminal status {status}"),
                        }),
                    };
                    (event, true)
                }
            };
            if sender.send(event).is_err() || last {
                return;
            }
        }
        // The server dropped the goal without a result.
        let _ = sender.send(Err(ActionError::Lost {
            action: action.clone(),
            what: "the result",
        }));
    });
}

impl<A: RosAction> ClientGoal<A> {
    /// The goal's id.
    pub fn goal_id(&self) -> &UUID {
        &self.goal_id
    }

    /// The next feedback or the result.
    ///
    /// # Errors
    /// [`ActionError::Lost`] when the server went away (or after the result was already
    /// returned), [`ActionError::Transport`] when the result could not be read.
    pub async fn next_event(&mut self) -> Result<GoalEvent<A>, ActionError> {
        self.events.recv().await.unwrap_or_else(|| {
            Err(ActionError::Lost {
                action: self.action.clone(),
                what: "the result",
            })
        })
    }

    /// Waits for the result, skipping feedback.
    ///
    /// # Errors
    /// As [`ClientGoal::next_event`].
    pub async fn result(mut self) -> Result<(GoalOutcome, A::Result), ActionError> {
        loop {
            if let GoalEvent::Finished(outcome, result) = self.next_event().await? {
                return Ok((outcome, result));
            }
        }
    }

    /// Asks the server to cancel this goal; `Ok(true)` when the server agreed (the result
    /// then follows with [`GoalOutcome::Canceled`]).
    ///
    /// # Errors
    /// [`ActionError::Timeout`], [`ActionError::NoServer`], [`ActionError::Lost`],
    /// [`ActionError::Transport`].
    pub async fn cancel(&self, timeout: Duration) -> Result<bool, ActionError> {
        let timed_out = || ActionError::Timeout {
            action: self.action.clone(),
            waited: timeout,
        };
        match &self.client {
            ClientInner::Dds(client) => {
                let response = tokio::time::timeout(
                    timeout,
                    client.async_cancel_goal(
                        to_goal_id(&self.goal_id),
                        ros2_client::builtin_interfaces::Time::ZERO,
                    ),
                )
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| ActionError::Transport {
                    action: self.action.clone(),
                    reason: e.to_string(),
                })?;
                Ok(response
                    .goals_canceling
                    .iter()
                    .any(|info| info.goal_id == to_goal_id(&self.goal_id)))
            }
            ClientInner::Memory(channel) => {
                let server = channel.wait_for_server(timeout).await.ok_or_else(|| {
                    ActionError::NoServer {
                        action: self.action.clone(),
                        waited: timeout,
                    }
                })?;
                let lost = || ActionError::Lost {
                    action: self.action.clone(),
                    what: "the cancel request",
                };
                let (reply, answer) = oneshot::channel();
                let message = MemoryActionMessage::Cancel {
                    goal_id: self.goal_id.clone(),
                    reply,
                };
                tokio::time::timeout(timeout, server.send(message))
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| lost())?;
                let canceling = tokio::time::timeout(timeout, answer)
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|_| lost())?;
                Ok(canceling.contains(&self.goal_id))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// NodeIo

impl NodeIo {
    /// A server for an action of the table (name resolved and remapped like a topic).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] (e.g. a second in-memory server for one name) or an
    /// invalid-name error.
    pub fn action_server<A: RosAction>(
        &mut self,
        spec: &ActionSpec<A>,
    ) -> Result<ActionServer<A>, RuntimeError> {
        self.action_server_on(spec.name)
    }

    /// A server on any action name (relative names resolve against the node).
    ///
    /// # Errors
    /// As [`NodeIo::action_server`].
    pub fn action_server_on<A: RosAction>(
        &mut self,
        name: &str,
    ) -> Result<ActionServer<A>, RuntimeError> {
        let action = self.resolve_topic(name)?;
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "action server",
            topic: action.clone(),
            reason,
        };
        let inner = if let Some(bus) = self.memory_bus() {
            let channel = bus
                .action_channel(&action, &A::type_name())
                .map_err(endpoint_error)?;
            let server = channel.attach_server().ok_or_else(|| {
                endpoint_error("the action already has a server on this bus".to_owned())
            })?;
            ServerInner::Memory(server)
        } else {
            let (node, dds_name) = self.dds_action_parts(&action)?;
            let service = to_profile(&SERVICE_QOS);
            let qos = ActionServerQosPolicies {
                goal_service: service.clone(),
                result_service: service.clone(),
                cancel_service: service.clone(),
                feedback_publisher: service,
                status_publisher: to_profile(&STATUS_QOS),
            };
            let server = node
                .create_action_server::<Wire<A::Goal>, Wire<A::Result>, Wire<A::Feedback>>(
                    ServiceMapping::Enhanced,
                    &dds_name,
                    &ActionTypeName::new(A::PACKAGE, A::NAME),
                    qos,
                )
                .map_err(|e| endpoint_error(e.to_string()))?;
            ServerInner::Dds(Arc::new(AsyncActionServer::new(server)))
        };
        debug!(action = %action, type_name = %A::type_name(), "action server created");
        Ok(ActionServer { action, inner })
    }

    /// A client for an action of the table (name resolved and remapped like a topic).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn action_client<A: RosAction>(
        &mut self,
        spec: &ActionSpec<A>,
    ) -> Result<ActionClient<A>, RuntimeError> {
        self.action_client_on(spec.name)
    }

    /// A client on any action name (relative names resolve against the node).
    ///
    /// # Errors
    /// As [`NodeIo::action_client`].
    pub fn action_client_on<A: RosAction>(
        &mut self,
        name: &str,
    ) -> Result<ActionClient<A>, RuntimeError> {
        let action = self.resolve_topic(name)?;
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "action client",
            topic: action.clone(),
            reason,
        };
        let inner = if let Some(bus) = self.memory_bus() {
            let channel = bus
                .action_channel(&action, &A::type_name())
                .map_err(endpoint_error)?;
            ClientInner::Memory(channel)
        } else {
            let (node, dds_name) = self.dds_action_parts(&action)?;
            let service = to_profile(&SERVICE_QOS);
            let qos = ros2_client::action::ActionClientQosPolicies {
                goal_service: service.clone(),
                result_service: service.clone(),
                cancel_service: service.clone(),
                feedback_subscription: service,
                status_subscription: to_profile(&STATUS_QOS),
            };
            let client = node
                .create_action_client::<Wire<A::Goal>, Wire<A::Result>, Wire<A::Feedback>>(
                    ServiceMapping::Enhanced,
                    &dds_name,
                    &ActionTypeName::new(A::PACKAGE, A::NAME),
                    qos,
                )
                .map_err(|e| endpoint_error(e.to_string()))?;
            ClientInner::Dds(Arc::new(client))
        };
        debug!(action = %action, type_name = %A::type_name(), "action client created");
        Ok(ActionClient { action, inner })
    }

    fn dds_action_parts(
        &mut self,
        action: &str,
    ) -> Result<(&mut ros2_client::Node, Name), RuntimeError> {
        let endpoint_error = |reason: String| RuntimeError::CreateEndpoint {
            what: "action",
            topic: action.to_owned(),
            reason,
        };
        let dds_name = Name::parse(action).map_err(|e| endpoint_error(e.to_string()))?;
        let node = self
            .ros_node_mut()
            .ok_or_else(|| endpoint_error("the node has no DDS backend".to_owned()))?;
        Ok((node, dds_name))
    }
}

#[cfg(test)]
mod tests {
    use embodied_msgs::action::{
        ExecuteTask, ExecuteTaskFeedback, ExecuteTaskGoal, ExecuteTaskResult,
    };
    use embodied_msgs::msg::{TaskStatus, TaskStep};
    use embodied_msgs::topics::EXECUTE_TASK;

    use super::*;
    use crate::{InMemoryBus, NodeConfig, RosArgs};

    const SHORT: Duration = Duration::from_secs(5);

    fn start_node(bus: &InMemoryBus, name: &str) -> NodeIo {
        NodeIo::start_in_memory(&NodeConfig::new(name, RosArgs::default()), bus).unwrap()
    }

    fn goal(task_id: &str, steps: usize) -> ExecuteTaskGoal {
        let mut goal = ExecuteTaskGoal::default();
        goal.task.task_id = task_id.to_owned();
        goal.task.steps = vec![TaskStep::default(); steps];
        goal
    }

    fn status(task_id: &str, state: u8, step_index: u32) -> TaskStatus {
        TaskStatus {
            task_id: task_id.to_owned(),
            state,
            step_index,
            ..Default::default()
        }
    }

    /// A server that rejects task "reject", holds task "hold" until it is cancelled, and runs
    /// every other task by reporting each step as feedback.
    async fn serve(mut server: ActionServer<ExecuteTask>) {
        let mut held: Vec<ActiveGoal<ExecuteTask>> = Vec::new();
        while let Some(request) = server.next_request().await {
            match request {
                ActionRequest::Goal(request) => {
                    let task = request.goal.task.clone();
                    if task.task_id == "reject" {
                        server.reject(request).await.unwrap();
                        continue;
                    }
                    let active = server.accept(request).await.unwrap();
                    if task.task_id == "hold" {
                        held.push(active);
                        continue;
                    }
                    for index in 0..task.steps.len() {
                        let step = u32::try_from(index).unwrap();
                        let feedback = ExecuteTaskFeedback {
                            status: status(&task.task_id, TaskStatus::STATE_EXECUTING, step),
                        };
                        server.feedback(&active, feedback).await.unwrap();
                    }
                    let steps = u32::try_from(task.steps.len()).unwrap();
                    let result = ExecuteTaskResult {
                        status: status(&task.task_id, TaskStatus::STATE_SUCCEEDED, steps),
                        steps_completed: steps,
                    };
                    server
                        .finish(active, GoalOutcome::Succeeded, result)
                        .await
                        .unwrap();
                }
                ActionRequest::Cancel(cancel) => {
                    let (stopping, kept): (Vec<_>, Vec<_>) = held
                        .into_iter()
                        .partition(|goal| cancel.goals.contains(goal.goal_id()));
                    held = kept;
                    let ids = stopping.iter().map(|g| g.goal_id().clone()).collect();
                    server.answer_cancel(cancel, ids).await.unwrap();
                    for goal in stopping {
                        let result = ExecuteTaskResult {
                            status: status("hold", TaskStatus::STATE_CANCELED, 0),
                            steps_completed: 0,
                        };
                        server
                            .finish(goal, GoalOutcome::Canceled, result)
                            .await
                            .unwrap();
                    }
                }
            }
        }
    }

    /// Feedback per step and the result, rejection, cancellation and a late cancel: the
    /// checks shared by the in-memory and the DDS test.
    async fn exercise_action(server_io: &mut NodeIo, client_io: &mut NodeIo) {
        let server = server_io.action_server(&EXECUTE_TASK).unwrap();
        let serving = tokio::spawn(serve(server));
        let client = client_io.action_client(&EXECUTE_TASK).unwrap();
        client
            .wait_for_server(client_io, Duration::from_secs(15))
            .await
            .unwrap();

        let mut running = client.send_goal(goal("walk", 3), SHORT).await.unwrap();
        let mut steps_seen = Vec::new();
        let (outcome, result) = loop {
            match tokio::time::timeout(SHORT, running.next_event())
                .await
                .unwrap()
                .unwrap()
            {
                GoalEvent::Feedback(feedback) => steps_seen.push(feedback.status.step_index),
                GoalEvent::Finished(outcome, result) => break (outcome, result),
            }
        };
        assert_eq!(outcome, GoalOutcome::Succeeded);
        assert_eq!(result.steps_completed, 3);
        assert_eq!(result.status.task_id, "walk");
        // Feedback is best effort in order; over DDS the first may precede the subscription.
        assert!(steps_seen.windows(2).all(|w| w[0] < w[1]), "{steps_seen:?}");
        assert!(steps_seen.iter().all(|&s| s < 3));

        let error = client
            .send_goal(goal("reject", 1), SHORT)
            .await
            .unwrap_err();
        assert!(matches!(error, ActionError::Rejected { .. }), "{error}");

        let held = client.send_goal(goal("hold", 1), SHORT).await.unwrap();
        assert!(held.cancel(SHORT).await.unwrap());
        let (outcome, result) = tokio::time::timeout(SHORT, held.result())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(outcome, GoalOutcome::Canceled);
        assert_eq!(result.status.state, TaskStatus::STATE_CANCELED);

        // A finished goal can no longer be cancelled.
        let done = client.send_goal(goal("quick", 1), SHORT).await.unwrap();
        let done_id = done.goal_id().clone();
        let mut done = done;
        while let Ok(GoalEvent::Feedback(_)) = done.next_event().await {}
        assert!(!done.cancel(SHORT).await.unwrap(), "goal {done_id:?}");
        serving.abort();
    }

    #[tokio::test]
    async fn in_memory_goals_get_feedback_results_rejections_and_cancels() {
        let bus = InMemoryBus::new();
        let mut server_io = start_node(&bus, "planner");
        let mut client_io = start_node(&bus, "brain");
        exercise_action(&mut server_io, &mut client_io).await;
    }

    #[tokio::test]
    async fn a_server_that_stops_loses_its_goals_and_frees_the_name() {
        let bus = InMemoryBus::new();
        let mut server_io = start_node(&bus, "planner");
        let mut client_io = start_node(&bus, "brain");
        let client = client_io.action_client(&EXECUTE_TASK).unwrap();
        let error = client
            .send_goal(goal("walk", 1), Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(matches!(error, ActionError::NoServer { .. }), "{error}");

        let mut server = server_io.action_server(&EXECUTE_TASK).unwrap();
        assert!(
            server_io
                .action_server(&EXECUTE_TASK)
                .unwrap_err()
                .to_string()
                .contains("already has a server")
        );
        let accepting = tokio::spawn(async move {
            let Some(ActionRequest::Goal(request)) = server.next_request().await else {
                panic!("expected a goal");
            };
            let _active = server.accept(request).await.unwrap();
            // The server stops here without a result.
        });
        let running = client.send_goal(goal("walk", 1), SHORT).await.unwrap();
        accepting.await.unwrap();
        let error = running.result().await.unwrap_err();
        assert!(matches!(error, ActionError::Lost { .. }), "{error}");
        let _replacement = server_io.action_server(&EXECUTE_TASK).unwrap();

        let error = client_io
            .action_client_on::<embodied_msgs::nav2_msgs::action::NavigateToPose>(EXECUTE_TASK.name)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("already has type embodied_msgs/action/ExecuteTask"),
            "{error}"
        );
    }

    #[test]
    fn outcomes_map_to_goal_status_codes() {
        for outcome in [
            GoalOutcome::Succeeded,
            GoalOutcome::Aborted,
            GoalOutcome::Canceled,
        ] {
            assert_eq!(
                GoalOutcome::from_status_code(outcome.status_code()),
                Some(outcome)
            );
        }
        assert_eq!(
            GoalOutcome::from_status_code(GoalStatus::STATUS_EXECUTING),
            None
        );
        let id = random_goal_id();
        assert_eq!(from_goal_id(to_goal_id(&id)), id);
        assert_ne!(random_goal_id(), id);
    }

    /// Over real DDS (ros2-client's action protocol): one process, two nodes on a private
    /// domain. Run it inside the private network namespace only: `scripts/netns.sh cargo test
    /// -p embodied_runtime --lib action -- --ignored`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs netns"]
    async fn dds_goals_get_feedback_results_rejections_and_cancels() {
        assert_eq!(
            std::env::var("EMBODIED_IN_NETNS").as_deref(),
            Ok("1"),
            "DDS tests must run in a private network namespace: scripts/netns.sh cargo test ..."
        );
        let domain_id = 92;
        let start = |name: &str| {
            let config = NodeConfig::new(name, RosArgs::default()).with_domain_id(domain_id);
            NodeIo::start(&config).unwrap()
        };
        let mut server_io = start("planner");
        let mut client_io = start("brain");
        exercise_action(&mut server_io, &mut client_io).await;
        client_io.shutdown().await;
        server_io.shutdown().await;
    }
}
