//! brain_node on the in-memory bus, with the shipped model: a transcript becomes a reply and a
//! task carrying its utterance id; the planner's status becomes an outcome report; odometry,
//! battery and perception ground the answers.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use brain::node::{Params, run};
use embodied_msgs::geometry_msgs::msg::Pose;
use embodied_msgs::msg::{
    AssistantReply, SceneObject, SceneObjects, Task, TaskStatus, TaskStep, Transcript,
};
use embodied_msgs::nav_msgs::msg::Odometry;
use embodied_msgs::sensor_msgs::msg::BatteryState;
use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger, Subscriber};
use embodied_world::{PlaceId, SemanticMap};
use futures::StreamExt;

const TIMEOUT: Duration = Duration::from_secs(20);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn transcript(utterance_id: &str, text: &str) -> Transcript {
    Transcript {
        utterance_id: utterance_id.into(),
        text: text.into(),
        language: "en".into(),
        is_final: true,
        confidence: 0.9,
        ..Transcript::default()
    }
}

async fn next<M: embodied_msgs::RosMessage>(stream: &mut Subscriber<M>) -> M {
    tokio::time::timeout(TIMEOUT, stream.next())
        .await
        .expect("no message in time")
        .expect("stream ended")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_gate_transcripts_become_replies_tasks_and_reports() {
    let bus = InMemoryBus::new();
    let mut brain_io =
        NodeIo::start_in_memory(&NodeConfig::new("brain", RosArgs::default()), &bus).unwrap();
    let mut peer =
        NodeIo::start_in_memory(&NodeConfig::new("peer", RosArgs::default()), &bus).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let map_file = workspace_root().join("config/world/home.yaml");
    let params = Params {
        model_dir: workspace_root()
            .join(brain::assistant::CHECKPOINT_DIR)
            .display()
            .to_string(),
        memory_database_path: dir.path().join("memory.sqlite").display().to_string(),
        semantic_map: map_file.display().to_string(),
        ..Params::default()
    }
    .validate()
    .unwrap();
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node = tokio::spawn(async move { run(&mut brain_io, params, shutdown).await });

    let transcripts = peer.publisher(&topics::TRANSCRIPT).unwrap();
    let statuses = peer.publisher(&topics::PLANNER_STATUS).unwrap();
    let odometry = peer.publisher(&topics::ODOM).unwrap();
    let battery = peer.publisher(&topics::BATTERY_STATE).unwrap();
    let perception = peer.publisher(&topics::PERCEPTION_OBJECTS).unwrap();
    let mut replies = peer.subscription(&topics::ASSISTANT_REPLY).unwrap();
    let mut tasks = peer.subscription(&topics::ASSISTANT_TASK).unwrap();
    // The node subscribes once the model is loaded.
    transcripts
        .wait_for_subscription(&peer, TIMEOUT)
        .await
        .unwrap();
    battery.wait_for_subscription(&peer, TIMEOUT).await.unwrap();

    // A command: task and acknowledgement, both with the utterance id.
    transcripts
        .publish(transcript("u1", "go to the kitchen"))
        .await
        .unwrap();
    let task: Task = next(&mut tasks).await;
    assert_eq!(task.utterance_id, "u1");
    assert_eq!(task.mode, Task::MODE_REPLACE);
    assert_eq!(task.steps.len(), 1);
    assert_eq!(task.steps[0].kind, TaskStep::NAVIGATE);
    assert_eq!(task.steps[0].place, "kitchen");
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u1");
    assert_eq!(reply.task_id, task.task_id);
    assert_eq!(reply.kind, AssistantReply::KIND_ACKNOWLEDGE);
    assert!(reply.is_final && !reply.text.is_empty());
    assert!(reply.processing_time.as_nanos() > 0);

    // The planner finishes it: the brain says so, unprompted.
    statuses
        .publish(TaskStatus {
            task_id: task.task_id.clone(),
            utterance_id: "u1".into(),
            state: TaskStatus::STATE_SUCCEEDED,
            step_count: 1,
            ..TaskStatus::default()
        })
        .await
        .unwrap();
    let report: AssistantReply = next(&mut replies).await;
    assert_eq!(report.kind, AssistantReply::KIND_REPORT);
    assert_eq!(report.text, "I'm in the kitchen now.");
    assert_eq!(report.task_id, task.task_id);

    // Live state: odometry in the bedroom, battery at 42 %, keys seen there.
    let map = SemanticMap::load(&map_file).unwrap();
    let bedroom = map.place(PlaceId::Bedroom).approach.translation.vector;
    let mut odom = Odometry::default();
    odom.pose.pose.position.x = bedroom.x;
    odom.pose.pose.position.y = bedroom.y;
    odometry.publish(odom).await.unwrap();
    battery
        .publish(BatteryState {
            percentage: 0.42,
            ..BatteryState::default()
        })
        .await
        .unwrap();
    perception
        .publish(SceneObjects {
            robot_place: String::new(),
            objects: vec![SceneObject {
                id: "keys_1".into(),
                label: "keys".into(),
                place: "bedroom".into(),
                pose: Pose::default(),
                confidence: 1.0,
                ..SceneObject::default()
            }],
            ..SceneObjects::default()
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    transcripts
        .publish(transcript("u2", "how's your battery"))
        .await
        .unwrap();
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u2");
    assert!(reply.text.contains("42"), "{}", reply.text);
    let task: Task = next(&mut tasks).await;
    assert_eq!(task.steps[0].kind, TaskStep::STATUS);
    transcripts
        .publish(transcript("u3", "where are my keys"))
        .await
        .unwrap();
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u3");
    assert!(reply.text.contains("bedroom"), "{}", reply.text);
    assert!(reply.task_id.is_empty());

    // Partial transcripts are not answered; an overlong one gets an error reply.
    let mut partial = transcript("u4", "go to the");
    partial.is_final = false;
    transcripts.publish(partial).await.unwrap();
    transcripts
        .publish(transcript("u5", &"go ".repeat(120)))
        .await
        .unwrap();
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u5");
    assert_eq!(reply.kind, AssistantReply::KIND_ERROR);

    trigger.trigger();
    tokio::time::timeout(TIMEOUT, node)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // The turns were recorded in the shared memory file.
    let memory = embodied_memory::Memory::open(
        &dir.path().join("memory.sqlite"),
        embodied_memory::Durability::Full,
    )
    .unwrap();
    let located = memory
        .object_location(
            "keys",
            &embodied_memory::Aliases::new(),
            &brain::dialogue::system_now(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(located.best.place, "bedroom");
}

/// The node's plumbing, whatever the model answers: every transcript gets a reply carrying its
/// utterance id (a grammar-valid answer, or an error reply for an overlong one), and the node
/// stops cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcript_gets_a_reply_with_its_utterance_id() {
    let bus = InMemoryBus::new();
    let mut brain_io =
        NodeIo::start_in_memory(&NodeConfig::new("brain", RosArgs::default()), &bus).unwrap();
    let mut peer =
        NodeIo::start_in_memory(&NodeConfig::new("peer", RosArgs::default()), &bus).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let params = Params {
        model_dir: workspace_root()
            .join(brain::assistant::CHECKPOINT_DIR)
            .display()
            .to_string(),
        memory_database_path: dir.path().join("memory.sqlite").display().to_string(),
        semantic_map: workspace_root()
            .join("config/world/home.yaml")
            .display()
            .to_string(),
        ..Params::default()
    }
    .validate()
    .unwrap();
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node = tokio::spawn(async move { run(&mut brain_io, params, shutdown).await });
    let transcripts = peer.publisher(&topics::TRANSCRIPT).unwrap();
    let mut replies = peer.subscription(&topics::ASSISTANT_REPLY).unwrap();
    transcripts
        .wait_for_subscription(&peer, TIMEOUT)
        .await
        .unwrap();

    transcripts
        .publish(transcript("u1", "go to the kitchen"))
        .await
        .unwrap();
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u1");
    assert!(reply.is_final && !reply.text.is_empty());
    assert!(reply.processing_time.as_nanos() > 0);

    transcripts
        .publish(transcript("u2", &"go ".repeat(120)))
        .await
        .unwrap();
    let reply: AssistantReply = next(&mut replies).await;
    assert_eq!(reply.utterance_id, "u2");
    assert_eq!(reply.kind, AssistantReply::KIND_ERROR);

    trigger.trigger();
    tokio::time::timeout(TIMEOUT, node)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
