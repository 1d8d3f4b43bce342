//! The node on the in-memory bus with the real model: audio chunks in, speech activity and a
//! transcript with every field filled out; the robot's own voice ignored, a louder user voice
//! barging in.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use asr::{Lexicon, Params};
use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::msg::{AudioChunk, SpeakingState, SpeechActivity, Transcript};
use embodied_msgs::std_msgs::msg::Header;
use embodied_msgs::topics;
use embodied_runtime::{
    InMemoryBus, NodeConfig, NodeIo, Publisher, RosArgs, ShutdownTrigger, Subscriber,
};
use futures::StreamExt;

const CHUNK_SAMPLES: usize = 320; // 20 ms
const WAIT: Duration = Duration::from_secs(20);
/// Capture time of the first chunk.
const T0_NANOS: i64 = 1_700_000_000_000_000_000;

fn start(bus: &InMemoryBus, name: &str) -> NodeIo {
    let args = RosArgs::parse(["test"]).unwrap();
    NodeIo::start_in_memory(&NodeConfig::new(name, args), bus).unwrap()
}

struct Driver {
    _io: NodeIo,
    audio: Publisher<AudioChunk>,
    speaking: Publisher<SpeakingState>,
    activity: Subscriber<SpeechActivity>,
    transcripts: Subscriber<Transcript>,
    sequence: u64,
}

impl Driver {
    async fn send(&mut self, samples: &[f32]) {
        for chunk in samples.chunks(CHUNK_SAMPLES) {
            let data = chunk
                .iter()
                .flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes())
                .collect();
            let stamp = T0_NANOS + self.sequence as i64 * 20_000_000;
            self.audio
                .publish(AudioChunk {
                    header: Header {
                        stamp: Time::from_nanos(stamp),
                        frame_id: "mic".into(),
                    },
                    stream_id: 7,
                    sequence: self.sequence,
                    sample_rate: 16_000,
                    channels: 1,
                    encoding: AudioChunk::ENCODING_PCM_S16LE,
                    duration: Duration::from_millis(20).into(),
                    data,
                })
                .await
                .unwrap();
            self.sequence += 1;
            // ~3x real time: the best-effort topic keeps the last 50 chunks (1 s), so a
            // starved node loop on a busy machine must not fall that far behind.
            tokio::time::sleep(Duration::from_millis(6)).await;
        }
    }

    async fn set_speaking(&self, speaking: bool) {
        self.speaking
            .publish(SpeakingState {
                speaking,
                ..SpeakingState::default()
            })
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    async fn next_activity(&mut self) -> SpeechActivity {
        tokio::time::timeout(WAIT, self.activity.next())
            .await
            .expect("speech activity in time")
            .unwrap()
    }
}

/// Starts the node with the real model and a driver; `None` if the model is absent.
async fn setup(
    bus: &InMemoryBus,
) -> Option<(Driver, ShutdownTrigger, tokio::task::JoinHandle<()>)> {
    let model = common::model_path()?;
    let params = Params::default();
    let lexicon = Lexicon::default();
    let options = asr::recognise::whisper_options(&params, &lexicon);
    let whisper = asr::transcriber::WhisperTranscriber::load(&model, options).unwrap();
    let mut io = start(bus, "asr");
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node = tokio::spawn(async move {
        asr::run(&mut io, params, lexicon, whisper, shutdown)
            .await
            .unwrap();
        io.shutdown().await;
    });
    let mut io = start(bus, "driver");
    let driver = Driver {
        audio: io.publisher(&topics::AUDIO_CHUNK).unwrap(),
        speaking: io.publisher(&topics::SPEAKING).unwrap(),
        activity: io.subscription(&topics::SPEECH_ACTIVITY).unwrap(),
        transcripts: io.subscription(&topics::TRANSCRIPT).unwrap(),
        _io: io,
        sequence: 0,
    };
    driver
        .audio
        .wait_for_subscription(&driver._io, WAIT)
        .await
        .unwrap();
    Some((driver, trigger, node))
}

fn speech(text: &str) -> Vec<f32> {
    let dir = tempfile::tempdir().unwrap();
    asr::cli::synthesise(text, "en-us+m3", 160, dir.path()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_utterance_gives_activity_events_and_a_complete_transcript() {
    let bus = InMemoryBus::new();
    let Some((mut driver, trigger, node)) = setup(&bus).await else {
        return;
    };
    let command = speech("go to the kitchen");
    driver.send(&common::silence(0.5)).await;
    driver.send(&command).await;
    driver.send(&common::silence(1.0)).await;

    let started = driver.next_activity().await;
    assert_eq!(started.event, SpeechActivity::EVENT_SPEECH_STARTED);
    assert!(!started.robot_speaking);
    assert!(started.level_dbfs < 0.0 && started.level_dbfs > -60.0);
    let ended = driver.next_activity().await;
    assert_eq!(ended.event, SpeechActivity::EVENT_SPEECH_ENDED);
    assert_eq!(ended.utterance_id, started.utterance_id);
    assert!(ended.speech_duration.as_secs_f64() > 0.5);

    let transcript = tokio::time::timeout(WAIT, driver.transcripts.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(asr::text::normalize(&transcript.text), "go to the kitchen");
    assert_eq!(transcript.utterance_id, started.utterance_id);
    assert_eq!(transcript.language, "en");
    assert!(transcript.is_final);
    assert!(transcript.confidence > 0.5 && transcript.confidence <= 1.0);
    assert!((0.0..0.6).contains(&transcript.no_speech_probability));
    assert_eq!(transcript.model, "whisper-tiny.en-q8_0");
    // Speech starts after the 0.5 s of leading silence (capture clock of the chunks).
    let start_offset = (transcript.speech_start.as_nanos() - T0_NANOS) as f64 * 1e-9;
    assert!((0.3..0.8).contains(&start_offset), "{start_offset}");
    assert_eq!(transcript.speech_start, started.speech_start);
    assert!(transcript.audio_duration.as_secs_f64() > ended.speech_duration.as_secs_f64());
    assert!(transcript.processing_time.as_nanos() > 0);
    assert!(transcript.endpoint_delay.as_nanos() != 0);
    assert!(transcript.start_sequence >= 15 && transcript.start_sequence <= 40);
    assert!(transcript.end_sequence > transcript.start_sequence);
    assert!(transcript.header.stamp.as_nanos() > 0);

    trigger.trigger();
    tokio::time::timeout(WAIT, node).await.unwrap().unwrap();
}

/// A pause longer than `vad.early_recognition_ms` but shorter than the hangover starts an
/// early recognition; the speech after it cancels that, and the sentence stays whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_inside_a_sentence_does_not_cut_it() {
    let bus = InMemoryBus::new();
    let Some((mut driver, trigger, node)) = setup(&bus).await else {
        return;
    };
    let pause_s = 0.2;
    assert!(
        f64::from(Params::default().vad.early_recognition_ms) < pause_s * 1000.0
            && pause_s * 1000.0 < f64::from(Params::default().vad.hangover_ms)
    );
    // eSpeak NG ends its audio with about 350 ms of silence: cut it, so the pause is ours.
    let mut first = speech("go to the kitchen");
    let last_sound = first.iter().rposition(|s| s.abs() > 0.01).unwrap();
    first.truncate(last_sound + 1);
    driver.send(&common::silence(0.5)).await;
    driver.send(&first).await;
    driver.send(&common::silence(pause_s as f32)).await;
    driver.send(&speech("and then turn left")).await;
    driver.send(&common::silence(1.0)).await;

    let transcript = tokio::time::timeout(WAIT, driver.transcripts.next())
        .await
        .unwrap()
        .unwrap();
    let text = asr::text::normalize(&transcript.text);
    assert!(text.contains("kitchen") && text.ends_with("left"), "{text}");
    let started = driver.next_activity().await;
    assert_eq!(started.event, SpeechActivity::EVENT_SPEECH_STARTED);
    let ended = driver.next_activity().await;
    assert_eq!(ended.event, SpeechActivity::EVENT_SPEECH_ENDED);
    assert_eq!(transcript.utterance_id, ended.utterance_id);

    trigger.trigger();
    tokio::time::timeout(WAIT, node).await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_robots_voice_is_ignored_but_a_louder_user_barges_in() {
    let bus = InMemoryBus::new();
    let Some((mut driver, trigger, node)) = setup(&bus).await else {
        return;
    };
    let robot_voice: Vec<f32> =
        speech("I am going to the kitchen now, I will be right back with your cup")
            .iter()
            .map(|s| s * 0.08)
            .collect();
    driver.set_speaking(true).await;
    driver.send(&robot_voice).await;
    driver.send(&common::silence(0.5)).await;
    let nothing = tokio::time::timeout(Duration::from_millis(500), driver.activity.next()).await;
    assert!(
        nothing.is_err(),
        "the robot's own voice started an utterance: {nothing:?}"
    );

    // The robot keeps talking while the user speaks over it, much louder.
    let user = speech("stop");
    let overlap = robot_voice.len().min(user.len());
    let mixed: Vec<f32> = (0..user.len())
        .map(|i| user[i] + if i < overlap { robot_voice[i] } else { 0.0 })
        .collect();
    driver.send(&robot_voice[..16_000]).await;
    driver.send(&mixed).await;
    let started = driver.next_activity().await;
    assert_eq!(started.event, SpeechActivity::EVENT_SPEECH_STARTED);
    assert!(started.robot_speaking, "a barge-in is flagged: {started:?}");
    driver.set_speaking(false).await;
    driver.send(&common::silence(1.0)).await;
    let ended = driver.next_activity().await;
    assert_eq!(ended.event, SpeechActivity::EVENT_SPEECH_ENDED);
    // The short "stop" under the robot's voice is recognised or rejected by the guards; either
    // way the utterance is accounted for under its id.
    tokio::select! {
        transcript = driver.transcripts.next() => {
            let transcript = transcript.unwrap();
            assert_eq!(transcript.utterance_id, started.utterance_id);
            eprintln!("barge-in transcript: {:?}", transcript.text);
        }
        discarded = driver.activity.next() => {
            let discarded = discarded.unwrap();
            assert_eq!(discarded.event, SpeechActivity::EVENT_DISCARDED);
            assert_eq!(discarded.utterance_id, started.utterance_id);
        }
        () = tokio::time::sleep(WAIT) => panic!("no transcript or discard for the barge-in"),
    }

    trigger.trigger();
    tokio::time::timeout(WAIT, node).await.unwrap().unwrap();
}
