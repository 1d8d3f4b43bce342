//! The node on the in-memory bus with the real synthesizer and the WAV sink: a reply is
//! spoken (`/speech/speaking` true, then false with END_COMPLETED); a SpeechActivity start
//! interrupts it (END_INTERRUPTED) within 100 ms; a STOP acknowledgement jumps the queue.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use embodied_msgs::msg::{AssistantReply, SpeakingState, SpeechActivity, Task, TaskStep};
use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger, Subscriber};
use futures::StreamExt;
use speech_out::{Params, ReplyPolicy, SinkKind};

const WAIT: Duration = Duration::from_secs(30);

fn start(bus: &InMemoryBus, name: &str, args: &[&str]) -> NodeIo {
    let args = RosArgs::parse(std::iter::once("test").chain(args.iter().copied())).unwrap();
    NodeIo::start_in_memory(&NodeConfig::new(name, args), bus).unwrap()
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn reply(id: &str, text: &str) -> AssistantReply {
    AssistantReply {
        utterance_id: format!("u-{id}"),
        reply_id: id.into(),
        is_final: true,
        kind: AssistantReply::KIND_ANSWER,
        text: text.into(),
        language: "en".into(),
        interruptible: true,
        ..AssistantReply::default()
    }
}

async fn next_state(states: &mut Subscriber<SpeakingState>) -> SpeakingState {
    tokio::time::timeout(WAIT, states.next())
        .await
        .expect("a speaking state in time")
        .expect("the subscription is open")
}

/// eSpeak NG is one engine per process, and a synthesis call holds it while the playback
/// buffer is full; a node process has one speaker, but these tests run several nodes in one
/// process, so each holds this for its whole run and their timings stay their own.
static ONE_NODE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running node and the test's own endpoints.
struct Harness {
    _serial: tokio::sync::MutexGuard<'static, ()>,
    _bus: InMemoryBus,
    peer: NodeIo,
    states: Subscriber<SpeakingState>,
    trigger: ShutdownTrigger,
    node: tokio::task::JoinHandle<Result<(), speech_out::Error>>,
    _dir: tempfile::TempDir,
}

async fn harness(policy: ReplyPolicy) -> Harness {
    // The node's log, shown with a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("speech_out=debug")
        .with_test_writer()
        .try_init();
    let serial = ONE_NODE_AT_A_TIME.lock().await;
    let bus = InMemoryBus::new();
    let dir = tempfile::tempdir().unwrap();
    let mut node = start(&bus, "speech_out", &[]);
    let mut peer = start(&bus, "peer", &[]);
    let states = peer.subscription(&topics::SPEAKING).unwrap();
    let params = Params {
        sink: SinkKind::Wav,
        wav_dir: dir.path().to_path_buf(),
        on_new_reply: policy,
        ..Params::default()
    };
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node = tokio::spawn(async move {
        let result = speech_out::run(&mut node, params, shutdown).await;
        node.shutdown().await;
        result
    });
    Harness {
        _serial: serial,
        _bus: bus,
        peer,
        states,
        trigger,
        node,
        _dir: dir,
    }
}

impl Harness {
    async fn publish_reply(&mut self, message: AssistantReply) {
        let publisher = self.peer.publisher(&topics::ASSISTANT_REPLY).unwrap();
        publisher
            .wait_for_subscription(&self.peer, WAIT)
            .await
            .unwrap();
        publisher.publish(message).await.unwrap();
    }

    async fn stop(self) {
        self.trigger.trigger();
        self.node.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "current_thread")]
async fn config_file_documents_the_code_defaults() {
    let bus = InMemoryBus::new();
    let config = repo_file("config/speech_out.yaml");
    let node = start(
        &bus,
        "speech_out",
        &["--ros-args", "--params-file", config.to_str().unwrap()],
    );
    let params: Params = node.load_params().unwrap();
    assert_eq!(params, Params::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_is_spoken_then_completed() {
    let mut h = harness(ReplyPolicy::Replace).await;
    let publisher = h.peer.publisher(&topics::ASSISTANT_REPLY).unwrap();
    publisher
        .wait_for_subscription(&h.peer, WAIT)
        .await
        .unwrap();
    let sent = Instant::now();
    publisher
        .publish(reply("r1", "Going to the kitchen."))
        .await
        .unwrap();
    let on = next_state(&mut h.states).await;
    let heard = sent.elapsed();
    assert!(on.speaking);
    assert_eq!(on.reply_id, "r1");
    assert_eq!(on.utterance_id, "u-r1");
    assert_eq!(on.end_reason, SpeakingState::END_NONE);
    let time_to_audio = on.time_to_audio.as_secs_f64();
    eprintln!(
        "time_to_audio {:.1} ms (reply published -> speaking true received: {} ms)",
        time_to_audio * 1e3,
        heard.as_millis()
    );
    assert!(
        time_to_audio > 0.0 && time_to_audio < 0.3,
        "{time_to_audio}"
    );
    let off = next_state(&mut h.states).await;
    assert!(!off.speaking);
    assert_eq!(off.reply_id, "r1");
    assert_eq!(off.end_reason, SpeakingState::END_COMPLETED);
    let spoken = off.spoken_duration.as_secs_f64();
    assert!((0.8..3.0).contains(&spoken), "{spoken} s");
    // It took as long as the audio (the end is reported as the last block starts): the
    // sink plays in real time.
    assert!(sent.elapsed().as_secs_f64() >= spoken - 0.05);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speech_started_interrupts_within_100_ms() {
    let mut h = harness(ReplyPolicy::Replace).await;
    h.publish_reply(reply(
        "long",
        "I am going to the kitchen now. The kitchen is at the end of the hall. Then I will come back.",
    ))
    .await;
    let on = next_state(&mut h.states).await;
    assert!(on.speaking);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let activity = h.peer.publisher(&topics::SPEECH_ACTIVITY).unwrap();
    activity.wait_for_subscription(&h.peer, WAIT).await.unwrap();
    let barge_in = Instant::now();
    activity
        .publish(SpeechActivity {
            utterance_id: "u2".into(),
            event: SpeechActivity::EVENT_SPEECH_STARTED,
            robot_speaking: true,
            ..SpeechActivity::default()
        })
        .await
        .unwrap();
    let off = next_state(&mut h.states).await;
    let latency = barge_in.elapsed();
    eprintln!(
        "barge-in: END_INTERRUPTED received {} us after SPEECH_STARTED",
        latency.as_micros()
    );
    assert!(!off.speaking);
    assert_eq!(off.reply_id, "long");
    assert_eq!(off.end_reason, SpeakingState::END_INTERRUPTED);
    assert!(latency < Duration::from_millis(100), "{latency:?}");
    let spoken = off.spoken_duration.as_secs_f64();
    assert!((0.4..1.5).contains(&spoken), "{spoken} s");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_acknowledgement_jumps_the_queue() {
    let mut h = harness(ReplyPolicy::Queue).await;
    h.publish_reply(reply(
        "story",
        "Let me tell you about every room in this house, one by one, slowly.",
    ))
    .await;
    assert!(next_state(&mut h.states).await.speaking);
    h.publish_reply(reply("queued", "This waits its turn."))
        .await;

    let tasks = h.peer.publisher(&topics::ASSISTANT_TASK).unwrap();
    tasks.wait_for_subscription(&h.peer, WAIT).await.unwrap();
    tasks
        .publish(Task {
            task_id: "t-stop".into(),
            steps: vec![TaskStep {
                kind: TaskStep::STOP,
                ..TaskStep::default()
            }],
            ..Task::default()
        })
        .await
        .unwrap();
    h.publish_reply(AssistantReply {
        kind: AssistantReply::KIND_ACKNOWLEDGE,
        task_id: "t-stop".into(),
        ..reply("ack", "Stopping.")
    })
    .await;

    let off = next_state(&mut h.states).await;
    assert_eq!(
        (off.reply_id.as_str(), off.speaking, off.end_reason),
        ("story", false, SpeakingState::END_CANCELED)
    );
    let on = next_state(&mut h.states).await;
    assert_eq!((on.reply_id.as_str(), on.speaking), ("ack", true));
    let off = next_state(&mut h.states).await;
    assert_eq!(
        (off.reply_id.as_str(), off.end_reason),
        ("ack", SpeakingState::END_COMPLETED)
    );
    // Then the queued reply gets its turn.
    let on = next_state(&mut h.states).await;
    assert_eq!((on.reply_id.as_str(), on.speaking), ("queued", true));
    h.stop().await;
}
