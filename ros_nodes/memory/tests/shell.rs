//! The memory node's services on the in-memory bus: what the planner and other nodes see.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use embodied_memory::{Aliases, Memory};
use embodied_msgs::msg::MemoryFact;
use embodied_msgs::srv::{RecallRequest, RememberRequest};
use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger};

const CALL_TIMEOUT: Duration = Duration::from_secs(5);

fn start_node(bus: &InMemoryBus, name: &str) -> NodeIo {
    NodeIo::start_in_memory(&NodeConfig::new(name, RosArgs::default()), bus).unwrap()
}

fn location(object: &str, place: &str) -> MemoryFact {
    MemoryFact {
        kind: MemoryFact::KIND_OBJECT_LOCATION,
        subject: object.into(),
        relation: "location".into(),
        value: place.into(),
        confidence: 1.0,
        ..MemoryFact::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remember_and_recall_are_served() {
    let bus = InMemoryBus::new();
    let mut memory_io = start_node(&bus, "memory");
    let mut planner_io = start_node(&bus, "planner");
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::open(
        &dir.path().join("m.sqlite"),
        embodied_memory::Durability::Full,
    )
    .unwrap();
    let mut aliases = Aliases::new();
    aliases.add("remote control", ["clicker"]);
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let server = tokio::spawn(async move {
        embodied_memory::run(&mut memory_io, memory, aliases, shutdown).await
    });

    let remember = planner_io.service_client(&topics::MEMORY_REMEMBER).unwrap();
    let recall = planner_io.service_client(&topics::MEMORY_RECALL).unwrap();
    remember
        .wait_for_service(&planner_io, CALL_TIMEOUT)
        .await
        .unwrap();

    let first = remember
        .call(
            RememberRequest {
                fact: location("remote control", "living room"),
                is_correction: false,
                utterance_id: "u1".into(),
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert!(first.success, "{}", first.message);
    assert!(!first.replaced);
    let corrected = remember
        .call(
            RememberRequest {
                fact: location("remote control", "bedroom"),
                is_correction: true,
                utterance_id: "u2".into(),
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert!(corrected.success && corrected.replaced);
    assert_eq!(corrected.id, first.id);
    assert_eq!(corrected.previous.value, "living room");
    assert_eq!(corrected.previous.source_utterance_id, "u1");

    let found = recall
        .call(
            RecallRequest {
                text: "where is the clicker".into(),
                utterance_id: "u3".into(),
                ..RecallRequest::default()
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert!(found.success);
    assert_eq!(found.facts.len(), 1);
    assert_eq!(found.facts[0].value, "bedroom");
    assert_eq!(found.facts[0].source_utterance_id, "u2");
    assert_eq!(found.scores.len(), 1);
    assert!(found.scores[0] > 0.0 && found.scores[0] <= 1.0);

    let exact = recall
        .call(
            RecallRequest {
                kind: MemoryFact::KIND_OBJECT_LOCATION,
                subject: "Remote Control".into(),
                ..RecallRequest::default()
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(exact.facts.len(), 1);

    let refused = remember
        .call(
            RememberRequest {
                fact: MemoryFact {
                    kind: 0,
                    ..location("cup", "kitchen")
                },
                ..RememberRequest::default()
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert!(!refused.success);
    assert!(refused.message.contains("fact.kind"), "{}", refused.message);

    trigger.trigger();
    server.await.unwrap().unwrap();
}

/// The shipped `config/memory.yaml` loads into `Params` and validates.
#[tokio::test]
async fn shipped_parameters_load_and_validate() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/memory.yaml");
    let file = file.to_str().unwrap();
    let args = RosArgs::parse(["memory_node", "--ros-args", "--params-file", file]).unwrap();
    let io =
        NodeIo::start_in_memory(&NodeConfig::new("memory", args), &InMemoryBus::new()).unwrap();
    let params = io
        .load_params::<embodied_memory::Params>()
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(
        params,
        embodied_memory::Params {
            aliases: params.aliases.clone(),
            ..embodied_memory::Params::default()
        }
    );
    assert!(params.database_file().is_some());
}

/// Place and object aliases come from the world's semantic map.
#[test]
fn semantic_map_aliases_name_places_and_objects() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = embodied_world::WorldFiles::home_in(&root);
    let map = embodied_world::SemanticMap::load(&files.semantic_map).unwrap();
    let aliases = embodied_memory::Aliases::from_semantic_map(&map);
    assert_eq!(aliases.canonical("study"), Some("office"));
    assert_eq!(aliases.canonical("lounge"), Some("living room"));
    assert_eq!(aliases.canonical("clicker"), Some("remote control"));
    assert_eq!(aliases.canonical("garage"), None);
}

/// The same services over real DDS, server and client in one process on a private domain.
/// Only inside the private network namespace:
/// `scripts/netns.sh cargo test -p embodied_memory --test shell -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs netns"]
async fn services_work_over_dds() {
    assert_eq!(
        std::env::var("EMBODIED_IN_NETNS").as_deref(),
        Ok("1"),
        "DDS tests must run in a private network namespace: scripts/netns.sh cargo test ..."
    );
    let start = |name: &str| {
        NodeIo::start(&NodeConfig::new(name, RosArgs::default()).with_domain_id(92)).unwrap()
    };
    let mut memory_io = start("memory");
    let mut planner_io = start("planner");
    let memory = Memory::open_in_memory().unwrap();
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let server = tokio::spawn(async move {
        let result = embodied_memory::run(&mut memory_io, memory, Aliases::new(), shutdown).await;
        memory_io.shutdown().await;
        result
    });
    let remember = planner_io.service_client(&topics::MEMORY_REMEMBER).unwrap();
    let recall = planner_io.service_client(&topics::MEMORY_RECALL).unwrap();
    let discovery = Duration::from_secs(15);
    remember
        .wait_for_service(&planner_io, discovery)
        .await
        .unwrap();
    recall
        .wait_for_service(&planner_io, discovery)
        .await
        .unwrap();
    let stored = remember
        .call(
            RememberRequest {
                fact: location("keys", "hallway"),
                ..RememberRequest::default()
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert!(stored.success, "{}", stored.message);
    let found = recall
        .call(
            RecallRequest {
                text: "where are my keys".into(),
                ..RecallRequest::default()
            },
            CALL_TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(found.facts.len(), 1);
    assert_eq!(found.facts[0].value, "hallway");
    assert_eq!(found.facts[0].id, stored.id);
    trigger.trigger();
    server.await.unwrap().unwrap();
    planner_io.shutdown().await;
}
