//! A running ROS 2 node over ros2-client: context on `ROS_DOMAIN_ID`, node named after
//! `__node`/`__ns` remaps, typed publishers and subscriptions on remapped topic names, the
//! spinner on tokio, the clock, and an orderly shutdown; or the same node on an in-process
//! bus for tests.

use std::time::Duration;

use embodied_msgs::RosMessage;
use embodied_msgs::topics::{Qos, TopicSpec};
use futures::StreamExt;
use ros2_client::builtin_topics::ros_discovery;
use ros2_client::dds::rustdds::{CDRDeserializerAdapter, QosPolicies, TopicKind, no_key};
use ros2_client::entities_info::ParticipantEntitiesInfo;
use ros2_client::{Context, ContextOptions, NodeName, NodeOptions};
use tokio::task::JoinHandle;
use tracing::{debug, error, info, warn};

use crate::clock::Clock;
use crate::endpoint::{Publisher, Subscriber};
use crate::exit_code;
use crate::memory::InMemoryBus;
use crate::names::NodeNaming;
use crate::params::{DeclaredParams, ParamDecl, ParameterSet, ParamsError, RUNTIME_PARAMETERS};
use crate::qos::to_profile;
use crate::ros_args::{RosArgs, RosArgsError};

/// The highest `ROS_DOMAIN_ID` ROS 2 accepts (DDS port arithmetic runs out above it).
pub const MAX_DOMAIN_ID: u16 = 232;

/// How long [`NodeIo::shutdown`] waits for the spinner to finish.
const SPINNER_STOP_WAIT: Duration = Duration::from_secs(2);

/// Errors from starting or using a node.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// `ROS_DOMAIN_ID` is not an integer in 0..=232.
    #[error("ROS_DOMAIN_ID=`{value}`: expected an integer in 0..={MAX_DOMAIN_ID}")]
    InvalidDomainId {
        /// The value as set.
        value: String,
    },
    /// The command line or a name is invalid.
    #[error(transparent)]
    Args(#[from] RosArgsError),
    /// Parameters could not be loaded or do not fit the node.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// Node construction needs a tokio runtime for the spinner.
    #[error("node `{node}` must be created inside a tokio runtime")]
    NoRuntime {
        /// Node name.
        node: String,
    },
    /// The DDS participant could not be created.
    #[error("cannot join DDS domain {domain_id}: {reason}")]
    Context {
        /// The domain.
        domain_id: u16,
        /// ros2-client's message.
        reason: String,
    },
    /// The ROS node could not be created.
    #[error("cannot create node `{node}`: {reason}")]
    CreateNode {
        /// Fully qualified node name.
        node: String,
        /// ros2-client's message.
        reason: String,
    },
    /// A topic, publisher or subscription could not be created.
    #[error("cannot create {what} on `{topic}`: {reason}")]
    CreateEndpoint {
        /// "topic", "publisher" or "subscription".
        what: &'static str,
        /// Resolved topic name.
        topic: String,
        /// The middleware's message.
        reason: String,
    },
    /// A sample could not be published.
    #[error("cannot publish on `{topic}`: {reason}")]
    Publish {
        /// Resolved topic name.
        topic: String,
        /// The middleware's message.
        reason: String,
    },
    /// No peer matched within the time allowed.
    #[error("no {peer} matched `{topic}` within {waited:?}")]
    MatchTimeout {
        /// "subscription", "publisher" or "node".
        peer: &'static str,
        /// Resolved topic (or node) name.
        topic: String,
        /// Time waited.
        waited: Duration,
    },
}

impl RuntimeError {
    /// The process exit code for this error: [`exit_code::CONFIG`] for what the user can fix
    /// in the command line, parameters or environment, [`exit_code::TRANSPORT`] otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::InvalidDomainId { .. } | Self::Args(_) | Self::Params(_) => exit_code::CONFIG,
            Self::NoRuntime { .. }
            | Self::Context { .. }
            | Self::CreateNode { .. }
            | Self::CreateEndpoint { .. }
            | Self::Publish { .. }
            | Self::MatchTimeout { .. } => exit_code::TRANSPORT,
        }
    }
}

/// Parses `ROS_DOMAIN_ID` as rcl does: unset or empty means 0.
///
/// # Errors
/// [`RuntimeError::InvalidDomainId`] for anything but an integer in 0..=232.
pub fn parse_domain_id(value: Option<&str>) -> Result<u16, RuntimeError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    text.parse::<u16>()
        .ok()
        .filter(|id| *id <= MAX_DOMAIN_ID)
        .ok_or_else(|| RuntimeError::InvalidDomainId {
            value: text.to_owned(),
        })
}

/// What a node process is started with.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeConfig {
    /// Node name as written in code (remaps may rename it).
    pub code_name: String,
    /// Namespace as written in code (`/` by default; `__ns` may replace it).
    pub code_namespace: String,
    /// The parsed command line.
    pub args: RosArgs,
    /// DDS domain.
    pub domain_id: u16,
}

impl NodeConfig {
    /// A node called `code_name` in `/`, on domain 0.
    pub fn new(code_name: &str, args: RosArgs) -> Self {
        Self {
            code_name: code_name.to_owned(),
            code_namespace: "/".to_owned(),
            args,
            domain_id: 0,
        }
    }

    /// The same, on `domain_id`.
    #[must_use]
    pub fn with_domain_id(mut self, domain_id: u16) -> Self {
        self.domain_id = domain_id;
        self
    }

    /// The same, in `namespace` (before `__ns` remaps).
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        namespace.clone_into(&mut self.code_namespace);
        self
    }

    /// The configuration of this process: `std::env::args()` and `ROS_DOMAIN_ID`.
    ///
    /// # Errors
    /// [`RuntimeError::Args`] or [`RuntimeError::InvalidDomainId`].
    pub fn from_process(code_name: &str) -> Result<Self, RuntimeError> {
        let args = RosArgs::parse(std::env::args())?;
        let domain_id = parse_domain_id(std::env::var("ROS_DOMAIN_ID").ok().as_deref())?;
        Ok(Self::new(code_name, args).with_domain_id(domain_id))
    }
}

/// A running node: the handle node code publishes and subscribes through. Backed by DDS
/// ([`NodeIo::start`]) or by an [`InMemoryBus`] for tests ([`NodeIo::start_in_memory`]).
pub struct NodeIo {
    naming: NodeNaming,
    params: ParameterSet,
    clock: Clock,
    clock_task: Option<JoinHandle<()>>,
    domain_id: u16,
    backend: Backend,
}

enum Backend {
    // Boxed: the DDS node is large next to a bus handle.
    Dds(Box<DdsBackend>),
    Memory(InMemoryBus),
}

struct DdsBackend {
    spinner: Option<JoinHandle<()>>,
    // Dropped before `context` (declaration order), so the participant goes last.
    node: ros2_client::Node,
    context: Context,
}

impl std::fmt::Debug for NodeIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeIo")
            .field("node", &self.naming.fully_qualified_name())
            .field("domain_id", &self.domain_id)
            .field(
                "backend",
                &match self.backend {
                    Backend::Dds(_) => "dds",
                    Backend::Memory(_) => "in-memory",
                },
            )
            .field("sim_time", &self.clock.is_simulated())
            .finish_non_exhaustive()
    }
}

/// What both backends resolve before they start.
struct Prepared {
    naming: NodeNaming,
    params: ParameterSet,
    use_sim_time: bool,
}

fn prepare(config: &NodeConfig) -> Result<Prepared, RuntimeError> {
    let naming = NodeNaming::new(&config.args, &config.code_name, &config.code_namespace)?;
    let fully_qualified_name = naming.fully_qualified_name();
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(RuntimeError::NoRuntime {
            node: fully_qualified_name,
        });
    }
    let params = ParameterSet::load(&config.args, &fully_qualified_name)?;
    let use_sim_time = params.use_sim_time()?;
    Ok(Prepared {
        naming,
        params,
        use_sim_time,
    })
}

impl DdsBackend {
    fn start(config: &NodeConfig, prepared: &Prepared) -> Result<Self, RuntimeError> {
        let fully_qualified_name = prepared.naming.fully_qualified_name();
        let create_error = |reason: String| RuntimeError::CreateNode {
            node: fully_qualified_name.clone(),
            reason,
        };
        let context = Context::with_options(ContextOptions::new().domain_id(config.domain_id))
            .map_err(|e| RuntimeError::Context {
                domain_id: config.domain_id,
                reason: e.to_string(),
            })?;
        let node_name = NodeName::new(&prepared.naming.namespace, &prepared.naming.name)
            .map_err(|e| create_error(e.to_string()))?;
        // Given values are visible to `ros2 param get`; live changes through parameter
        // services are not applied to a running node (restart it with new values).
        let mut options = NodeOptions::new()
            .enable_rosout(true)
            .allow_undeclared_parameters(true);
        for (name, given) in prepared.params.iter() {
            options = options.declare_parameter(name, given.value.to_ros2_client());
        }
        let mut node = context
            .new_node(node_name, options)
            .map_err(|e| create_error(e.to_string()))?;
        let spinner = node.spinner().map_err(|e| create_error(e.to_string()))?;
        let spinner_name = fully_qualified_name.clone();
        let spinner = tokio::spawn(async move {
            if let Err(e) = spinner.spin().await {
                error!(node = %spinner_name, error = %e, "spinner stopped");
            }
        });
        Ok(Self {
            spinner: Some(spinner),
            node,
            context,
        })
    }

    /// A reader of `ros_discovery_info` (what `ros2 node list` reads). A reader of its own,
    /// instead of the spinner's event channel, which drops events when it is full; transient
    /// local, so it also gets the state peers published before it existed.
    fn discovery_reader(
        &self,
    ) -> Result<no_key::SimpleDataReader<ParticipantEntitiesInfo>, String> {
        let participant = self.context.domain_participant();
        let qos = ros_discovery::QOS_PUB.clone();
        let topic = participant
            .create_topic(
                ros_discovery::TOPIC_NAME.to_owned(),
                ros_discovery::TYPE_NAME.to_owned(),
                &qos,
                TopicKind::NoKey,
            )
            .map_err(|e| e.to_string())?;
        participant
            .create_subscriber(&qos)
            .and_then(|subscriber| {
                subscriber.create_simple_datareader_no_key::<
                    ParticipantEntitiesInfo,
                    CDRDeserializerAdapter<ParticipantEntitiesInfo>,
                >(&topic, Some(qos.clone()))
            })
            .map_err(|e| e.to_string())
    }

    /// A topic with the exact DDS type name of M (ros2-client's `MessageTypeName` would always
    /// say `msg`, also for service and action parts).
    fn create_topic<M: RosMessage>(
        &self,
        resolved: &str,
        qos: &Qos,
    ) -> Result<ros2_client::dds::rustdds::Topic, RuntimeError> {
        let dds_qos = QosPolicies::from(&to_profile(qos));
        self.context
            .domain_participant()
            .create_topic(
                format!("rt{resolved}"),
                M::dds_type_name(),
                &dds_qos,
                TopicKind::NoKey,
            )
            .map_err(|e| RuntimeError::CreateEndpoint {
                what: "topic",
                topic: resolved.to_owned(),
                reason: e.to_string(),
            })
    }
}

impl NodeIo {
    /// Joins the DDS domain, creates the node under its remapped name, loads its parameters,
    /// starts the spinner and, with `use_sim_time`, follows `/clock`.
    ///
    /// # Errors
    /// Any [`RuntimeError`] of the steps above; parameter errors name file and key.
    pub fn start(config: &NodeConfig) -> Result<Self, RuntimeError> {
        let prepared = prepare(config)?;
        let backend = Backend::Dds(Box::new(DdsBackend::start(config, &prepared)?));
        Self::finish_start(config, prepared, backend)
    }

    /// The same node on an in-process bus instead of DDS, for tests of node code: names,
    /// remaps, parameters, clock and CDR encoding behave as with [`NodeIo::start`].
    ///
    /// # Errors
    /// As [`NodeIo::start`], without the DDS errors.
    pub fn start_in_memory(config: &NodeConfig, bus: &InMemoryBus) -> Result<Self, RuntimeError> {
        let prepared = prepare(config)?;
        bus.add_node(&prepared.naming.fully_qualified_name());
        Self::finish_start(config, prepared, Backend::Memory(bus.clone()))
    }

    fn finish_start(
        config: &NodeConfig,
        prepared: Prepared,
        backend: Backend,
    ) -> Result<Self, RuntimeError> {
        let Prepared {
            naming,
            params,
            use_sim_time,
        } = prepared;
        let mut io = Self {
            naming,
            params,
            clock: if use_sim_time {
                Clock::simulated()
            } else {
                Clock::system()
            },
            clock_task: None,
            domain_id: config.domain_id,
            backend,
        };
        if use_sim_time {
            io.follow_sim_clock()?;
        }
        info!(node = %io.fully_qualified_name(), domain_id = io.domain_id, use_sim_time, "node started");
        Ok(io)
    }

    fn follow_sim_clock(&mut self) -> Result<(), RuntimeError> {
        let mut clock_messages = self.subscription(&embodied_msgs::topics::CLOCK)?;
        let clock = self.clock.clone();
        self.clock_task = Some(tokio::spawn(async move {
            while let Some(message) = clock_messages.next().await {
                clock.set_sim_time(&message.clock);
            }
        }));
        Ok(())
    }

    /// Node base name after remapping.
    pub fn name(&self) -> &str {
        &self.naming.name
    }

    /// Absolute namespace after remapping.
    pub fn namespace(&self) -> &str {
        &self.naming.namespace
    }

    /// Fully qualified node name, e.g. `/robot1/voice`.
    pub fn fully_qualified_name(&self) -> String {
        self.naming.fully_qualified_name()
    }

    /// The DDS domain (as configured, also for the in-memory backend).
    pub fn domain_id(&self) -> u16 {
        self.domain_id
    }

    /// The clock (`/clock` when `use_sim_time` is true).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time; shorthand for `self.clock().now()`.
    pub fn now(&self) -> embodied_msgs::builtin_interfaces::msg::Time {
        self.clock.now()
    }

    /// The parameters given to this node by files and `-p`.
    pub fn parameters(&self) -> &ParameterSet {
        &self.params
    }

    /// Declares typed parameters (defaults, descriptions) and returns their values; over DDS
    /// the values also become visible to `ros2 param get`.
    ///
    /// # Errors
    /// [`ParamsError`] naming file, key, expected and found type.
    pub fn declare_parameters(
        &self,
        declarations: &[ParamDecl],
    ) -> Result<DeclaredParams, RuntimeError> {
        let declared = self.params.declare(declarations)?;
        if let Some(node) = self.ros_node() {
            for (name, param) in declared.iter() {
                if RUNTIME_PARAMETERS.contains(&name) {
                    continue;
                }
                if let Err(reason) = node.set_parameter(name, param.value.to_ros2_client()) {
                    debug!(
                        parameter = name,
                        reason, "parameter not exposed to parameter services"
                    );
                }
            }
        }
        Ok(declared)
    }

    /// Fills the node's serde `Params` struct from its parameters.
    ///
    /// # Errors
    /// [`ParamsError`] naming file and key.
    pub fn load_params<T: serde::de::DeserializeOwned>(&self) -> Result<T, RuntimeError> {
        Ok(self.params.deserialize()?)
    }

    /// Resolves a topic name for this node: expansion, then remaps.
    ///
    /// # Errors
    /// [`RosArgsError::InvalidName`].
    pub fn resolve_topic(&self, name: &str) -> Result<String, RuntimeError> {
        Ok(self.naming.resolve_topic(name)?)
    }

    /// A publisher for a topic of the table (name remapped, QoS from the spec).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn publisher<M: RosMessage>(
        &mut self,
        spec: &TopicSpec<M>,
    ) -> Result<Publisher<M>, RuntimeError> {
        self.publisher_on(spec.name, &spec.qos)
    }

    /// A publisher on any topic name (relative names resolve against the node).
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn publisher_on<M: RosMessage>(
        &mut self,
        name: &str,
        qos: &Qos,
    ) -> Result<Publisher<M>, RuntimeError> {
        let topic = self.resolve_topic(name)?;
        let endpoint_error = |topic: &str, reason: String| RuntimeError::CreateEndpoint {
            what: "publisher",
            topic: topic.to_owned(),
            reason,
        };
        let publisher = match &mut self.backend {
            Backend::Dds(dds) => {
                let dds_topic = dds.create_topic::<M>(&topic, qos)?;
                let inner = dds
                    .node
                    .create_publisher::<M>(&dds_topic, None)
                    .map_err(|e| endpoint_error(&topic, e.to_string()))?;
                Publisher::from_dds(inner, topic)
            }
            Backend::Memory(bus) => {
                let channel = bus
                    .channel(&topic, &M::type_name(), qos)
                    .map_err(|reason| endpoint_error(&topic, reason))?;
                Publisher::from_memory(channel.register_publisher(), topic)
            }
        };
        debug!(topic = %publisher.topic(), type_name = %M::type_name(), "publisher created");
        Ok(publisher)
    }

    /// A subscription to a topic of the table: a stream of messages in which malformed
    /// samples are logged (`warn`, with topic and error) and dropped.
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn subscription<M: RosMessage>(
        &mut self,
        spec: &TopicSpec<M>,
    ) -> Result<Subscriber<M>, RuntimeError> {
        self.subscription_on(spec.name, &spec.qos)
    }

    /// A subscription on any topic name; see [`NodeIo::subscription`].
    ///
    /// # Errors
    /// [`RuntimeError::CreateEndpoint`] or an invalid-name error.
    pub fn subscription_on<M: RosMessage>(
        &mut self,
        name: &str,
        qos: &Qos,
    ) -> Result<Subscriber<M>, RuntimeError> {
        let topic = self.resolve_topic(name)?;
        let endpoint_error = |topic: &str, reason: String| RuntimeError::CreateEndpoint {
            what: "subscription",
            topic: topic.to_owned(),
            reason,
        };
        let subscriber = match &mut self.backend {
            Backend::Dds(dds) => {
                let dds_topic = dds.create_topic::<M>(&topic, qos)?;
                let inner = dds
                    .node
                    .create_subscription::<M>(&dds_topic, None)
                    .map_err(|e| endpoint_error(&topic, e.to_string()))?;
                Subscriber::from_dds(inner, topic)
            }
            Backend::Memory(bus) => {
                let channel = bus
                    .channel(&topic, &M::type_name(), qos)
                    .map_err(|reason| endpoint_error(&topic, reason))?;
                Subscriber::from_memory(&channel, topic)
            }
        };
        debug!(topic = %subscriber.topic(), type_name = %M::type_name(), "subscription created");
        Ok(subscriber)
    }

    /// Waits until a node with this namespace and name is visible, at most `timeout`: over
    /// DDS in `ros_discovery_info` (what `ros2 node list` reads), in memory on the bus.
    ///
    /// # Errors
    /// [`RuntimeError::MatchTimeout`].
    pub async fn wait_for_node(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<(), RuntimeError> {
        let target = if namespace == "/" {
            format!("/{name}")
        } else {
            format!("{namespace}/{name}")
        };
        let found = match &self.backend {
            Backend::Dds(dds) => {
                let reader =
                    dds.discovery_reader()
                        .map_err(|reason| RuntimeError::CreateEndpoint {
                            what: "subscription",
                            topic: ros_discovery::TOPIC_NAME.to_owned(),
                            reason,
                        })?;
                let seen = async {
                    let updates = reader.as_async_stream();
                    futures::pin_mut!(updates);
                    while let Some(update) = updates.next().await {
                        match update {
                            Ok(change) => {
                                if change
                                    .into_value()
                                    .nodes()
                                    .iter()
                                    .any(|n| n.namespace() == namespace && n.name() == name)
                                {
                                    return true;
                                }
                            }
                            Err(e) => debug!(error = %e, "unreadable ros_discovery_info sample"),
                        }
                    }
                    false
                };
                tokio::time::timeout(timeout, seen).await.unwrap_or(false)
            }
            Backend::Memory(bus) => {
                let seen = async {
                    while !bus.node_names().contains(&target) {
                        tokio::time::sleep(MEMORY_POLL).await;
                    }
                };
                tokio::time::timeout(timeout, seen).await.is_ok()
            }
        };
        found.then_some(()).ok_or(RuntimeError::MatchTimeout {
            peer: "node",
            topic: target,
            waited: timeout,
        })
    }

    /// The underlying ros2-client node (DDS backend only), for what this runtime does not
    /// wrap: services, actions, graph events.
    pub fn ros_node(&self) -> Option<&ros2_client::Node> {
        match &self.backend {
            Backend::Dds(dds) => Some(&dds.node),
            Backend::Memory(_) => None,
        }
    }

    /// The bus of the in-memory backend.
    pub(crate) fn memory_bus(&self) -> Option<&InMemoryBus> {
        match &self.backend {
            Backend::Dds(_) => None,
            Backend::Memory(bus) => Some(bus),
        }
    }

    /// Mutable access to the underlying ros2-client node (DDS backend only).
    pub fn ros_node_mut(&mut self) -> Option<&mut ros2_client::Node> {
        match &mut self.backend {
            Backend::Dds(dds) => Some(&mut dds.node),
            Backend::Memory(_) => None,
        }
    }

    /// Stops the clock task and the spinner, then drops the node and finally the DDS
    /// participant, so peers are told it left instead of timing it out.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.clock_task.take() {
            task.abort();
            // The task's result is only "aborted"; nothing to report.
            let _ = task.await;
        }
        let (spinner, context) = match &mut self.backend {
            Backend::Dds(dds) => (dds.spinner.take(), Some(dds.context.clone())),
            Backend::Memory(_) => (None, None),
        };
        let name = self.naming.fully_qualified_name();
        // Order matters for a quiet, announced exit: dropping the ros2-client node tells the
        // spinner to stop (its own Drop does; stopping it earlier makes that Drop log an
        // error); the spinner then drops its endpoints while the participant still lives (our
        // context clone); last, the participant leaves.
        drop(self);
        if let Some(spinner) = spinner
            && tokio::time::timeout(SPINNER_STOP_WAIT, spinner)
                .await
                .is_err()
        {
            warn!(node = %name, "spinner did not stop in time");
        }
        drop(context);
        info!(node = %name, "node stopped");
    }
}

/// How often the in-memory backend re-checks the node list.
const MEMORY_POLL: Duration = Duration::from_millis(10);

impl Drop for NodeIo {
    fn drop(&mut self) {
        if let Some(task) = self.clock_task.take() {
            task.abort();
        }
        // A DDS node needs nothing here: the ros2-client node's own Drop stops the spinner,
        // which holds a context clone; the participant leaves once that is gone.
        if let Backend::Memory(bus) = &self.backend {
            bus.remove_node(&self.naming.fully_qualified_name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_id_follows_rcl() {
        assert_eq!(parse_domain_id(None).unwrap(), 0);
        assert_eq!(parse_domain_id(Some("")).unwrap(), 0);
        assert_eq!(parse_domain_id(Some(" 42 ")).unwrap(), 42);
        assert_eq!(parse_domain_id(Some("232")).unwrap(), 232);
        for bad in ["233", "-1", "abc", "1.5", "70000"] {
            assert_eq!(
                parse_domain_id(Some(bad)).unwrap_err().to_string(),
                format!("ROS_DOMAIN_ID=`{bad}`: expected an integer in 0..=232")
            );
        }
    }

    #[test]
    fn errors_map_to_exit_codes() {
        let config_error = parse_domain_id(Some("999")).unwrap_err();
        assert_eq!(config_error.exit_code(), exit_code::CONFIG);
        let transport_error = RuntimeError::Context {
            domain_id: 1,
            reason: "no socket".into(),
        };
        assert_eq!(transport_error.exit_code(), exit_code::TRANSPORT);
    }

    #[test]
    fn start_outside_tokio_is_an_error_not_a_panic() {
        let config = NodeConfig::new("n", RosArgs::default());
        let error = NodeIo::start(&config).unwrap_err();
        assert_eq!(
            error.to_string(),
            "node `/n` must be created inside a tokio runtime"
        );
    }

    #[test]
    fn bad_names_and_params_fail_before_touching_the_network() {
        let args = RosArgs::parse(["p", "--ros-args", "-r", "__ns:=/a//b"]);
        assert!(args.is_err());
        let args =
            RosArgs::parse(["p", "--ros-args", "--params-file", "/nonexistent/x.yaml"]).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let error = NodeIo::start(&NodeConfig::new("n", args)).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read parameters file /nonexistent/x.yaml"),
            "{error}"
        );
    }
}
