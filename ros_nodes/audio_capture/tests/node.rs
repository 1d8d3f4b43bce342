//! The node on the in-memory bus: jfk.wav played as fast as taken arrives complete and in
//! order; the file source never skips audio for a slow consumer; a bad file or a missing
//! microphone stops start-up with the config exit code.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use audio_capture::convert::output_len;
use audio_capture::playlist::Playlist;
use audio_capture::{Input, Params, Source, spawn_playlist};
use embodied_msgs::topics;
use embodied_runtime::{InMemoryBus, NodeConfig, NodeIo, RosArgs, ShutdownTrigger, exit_code};
use futures::StreamExt;

const WAIT: Duration = Duration::from_secs(30);

fn start(bus: &InMemoryBus, name: &str, args: &[&str]) -> NodeIo {
    let args = RosArgs::parse(std::iter::once("test").chain(args.iter().copied())).unwrap();
    NodeIo::start_in_memory(&NodeConfig::new(name, args), bus).unwrap()
}

fn jfk() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/jfk.wav");
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

#[tokio::test(flavor = "current_thread")]
async fn config_file_documents_the_code_defaults() {
    let bus = InMemoryBus::new();
    let config = repo_file("config/audio_capture.yaml");
    let node = start(
        &bus,
        "audio_capture",
        &["--ros-args", "--params-file", config.to_str().unwrap()],
    );
    let params: Params = node.load_params().unwrap();
    assert_eq!(params, Params::default());
}

#[tokio::test(flavor = "current_thread")]
async fn plays_jfk_wav_completely_and_in_order() {
    let Some(jfk) = jfk() else { return };
    let bus = InMemoryBus::new();
    let config = repo_file("config/audio_capture.yaml");
    let wav_param = format!("wav_files:=[{}]", jfk.display());
    let mut node = start(
        &bus,
        "audio_capture",
        &[
            "--ros-args",
            "--params-file",
            config.to_str().unwrap(),
            "-p",
            "source:=wav",
            "-p",
            &wav_param,
            "-p",
            "realtime:=false",
        ],
    );
    let params: Params = node.load_params().unwrap();
    assert_eq!(params.source, Source::Wav);
    assert_eq!(params.wav_files, vec![jfk.clone()]);
    let mut listener = start(&bus, "listener", &[]);
    let mut chunks = listener.subscription(&topics::AUDIO_CHUNK).unwrap();

    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node_task = tokio::spawn(async move {
        let result = audio_capture::run(&mut node, params, shutdown).await;
        node.shutdown().await;
        result
    });

    let samples = audio_capture::wav::read_mono_16k(&jfk).unwrap();
    let expected_chunks = samples.len().div_ceil(320) as u64;
    let mut received = Vec::new();
    while (received.len() as u64) < expected_chunks {
        let chunk = tokio::time::timeout(WAIT, chunks.next())
            .await
            .expect("a chunk within the timeout")
            .expect("the subscription is open");
        received.push(chunk);
    }
    trigger.trigger();
    node_task.await.unwrap().unwrap();

    assert_eq!(chunks.dropped(), 0);
    let stream_id = received[0].stream_id;
    for (index, chunk) in received.iter().enumerate() {
        assert_eq!(
            chunk.sequence, index as u64,
            "chunks in order, none missing"
        );
        assert_eq!(chunk.stream_id, stream_id);
        assert_eq!(chunk.data.len(), 640);
    }
    let seconds: f64 = received.iter().map(|c| c.duration.as_secs_f64()).sum();
    assert!((seconds - 11.0).abs() < 0.05, "{seconds} s");
    // Stamps advance by exactly one chunk duration.
    let first = received[0].header.stamp.as_nanos();
    let last = received[received.len() - 1].header.stamp.as_nanos();
    assert_eq!(last - first, (expected_chunks as i64 - 1) * 20_000_000);
    // The audio is the file's, sample for sample (as 16-bit PCM).
    let published: Vec<i16> = received
        .iter()
        .flat_map(|c| {
            c.data
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
        })
        .collect();
    let expected: Vec<i16> = samples.iter().map(|s| audio_capture::to_i16(*s)).collect();
    assert_eq!(&published[..expected.len()], &expected[..]);
}

#[tokio::test(flavor = "current_thread")]
async fn realtime_playback_keeps_the_audio_pace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..3_200 {
        writer.write_sample(((i % 40) * 100) as i16).unwrap();
    }
    writer.finalize().unwrap();
    let bus = InMemoryBus::new();
    let mut node = start(&bus, "audio_capture", &[]);
    let mut listener = start(&bus, "listener", &[]);
    let mut chunks = listener.subscription(&topics::AUDIO_CHUNK).unwrap();
    let params = Params {
        source: Source::Wav,
        wav_files: vec![path],
        realtime: true,
        ..Params::default()
    };
    let trigger = ShutdownTrigger::new();
    let shutdown = trigger.subscribe();
    let node_task =
        tokio::spawn(async move { audio_capture::run(&mut node, params, shutdown).await });
    let started = std::time::Instant::now();
    // 0.4 s of audio: 20 chunks of 20 ms, the last one published 0.4 s after the start.
    for sequence in 0..20u64 {
        let chunk = tokio::time::timeout(WAIT, chunks.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(chunk.sequence, sequence);
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert!((0.38..1.5).contains(&elapsed), "{elapsed} s");
    trigger.trigger();
    node_task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_source_drops_nothing_for_a_slow_consumer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    let frames = 48_000;
    for i in 0..frames * 2 {
        writer.write_sample((i % 2000) as i16).unwrap();
    }
    writer.finalize().unwrap();

    let playlist = Playlist::new(vec![path.clone(), path], 0.1, false).unwrap();
    let mut inputs = spawn_playlist(playlist, 2);
    let mut frames_seen = 0u64;
    let mut silence = 0u64;
    let mut items = 0;
    while let Some(item) = tokio::time::timeout(WAIT, inputs.recv()).await.unwrap() {
        match item.unwrap() {
            Input::Frames {
                samples, channels, ..
            } => frames_seen += (samples.len() / usize::from(channels)) as u64,
            Input::Silence { samples } => silence += samples,
            Input::EndOfSegment | Input::EndOfStream => {}
        }
        items += 1;
        // A consumer far slower than the reader.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(frames_seen, 2 * frames as u64);
    assert_eq!(silence, 1600);
    assert!(items > 100, "{items}");
    assert_eq!(output_len(frames as u64, 48_000), 16_000);
}

#[tokio::test(flavor = "current_thread")]
async fn bad_file_stops_start_up_with_config_code() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("truncated.wav");
    std::fs::write(&truncated, b"RIFF\x24\x00\x00\x00WAVEfmt ").unwrap();
    let bus = InMemoryBus::new();
    let mut node = start(&bus, "audio_capture", &[]);
    let params = Params {
        source: Source::Wav,
        wav_files: vec![truncated.clone()],
        ..Params::default()
    };
    let error = audio_capture::run(&mut node, params, ShutdownTrigger::new().subscribe())
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), exit_code::CONFIG);
    assert!(
        error.to_string().contains(&truncated.display().to_string()),
        "{error}"
    );
}

#[cfg(feature = "device")]
#[tokio::test(flavor = "current_thread")]
async fn missing_microphone_is_a_clear_config_error() {
    let devices = audio_capture::device::list_input_devices().unwrap_or_default();
    let bus = InMemoryBus::new();
    let mut node = start(&bus, "audio_capture", &[]);
    let params = Params {
        device: "no such microphone 3f9a".into(),
        ..Params::default()
    };
    let error = audio_capture::run(&mut node, params, ShutdownTrigger::new().subscribe())
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), exit_code::CONFIG);
    let text = error.to_string();
    assert!(
        text.contains("device = \"no such microphone 3f9a\""),
        "{text}"
    );
    if devices.is_empty() {
        assert!(text.contains("no audio input devices found"), "{text}");
    } else {
        for device in devices {
            assert!(text.contains(&device.name), "{text}");
        }
    }
}
