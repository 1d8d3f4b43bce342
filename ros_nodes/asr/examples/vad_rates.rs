//! Measures false-positive and false-negative rates of voice activity detectors on our test
//! audio: `cargo run --release -p asr --no-default-features --example vad_rates`.
//!
//! False positives: 16 ms frames judged speech, and utterances opened by the endpointer, on
//! the noise set (5 s each of silence, white noise at -20 and -40 dBFS, brown noise at
//! -20 dBFS, a 50 Hz hum at -12 dBFS). False negatives: reference speech frames (clean audio
//! above -40 dBFS: espeak-ng commands, 3 voices, 2 speeds; jfk.wav above -30 dBFS) judged
//! not speech, and commands the endpointer did not turn into exactly one utterance.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use asr::Params;
use asr::endpoint::{EndpointEvent, Endpointer};
use asr::vad::{FRAME_SAMPLES, FrameClassifier, FrameVoice};

/// A frame decision rule.
#[derive(Clone, Copy)]
enum Detector {
    /// earshot ≥ threshold and level ≥ gate (ours).
    EarshotGated,
    /// earshot ≥ threshold alone.
    Earshot,
    /// level ≥ -40 dBFS alone.
    Energy,
}

impl Detector {
    fn name(self) -> &'static str {
        match self {
            Self::EarshotGated => "earshot>=0.5 + gate -55 dBFS",
            Self::Earshot => "earshot>=0.5 alone",
            Self::Energy => "energy >= -40 dBFS alone",
        }
    }

    /// Rewrites the VAD scores so the endpointer (threshold 0.5, gate -55) decides by this rule.
    fn as_seen(self, voice: FrameVoice) -> FrameVoice {
        match self {
            Self::EarshotGated => voice,
            Self::Earshot => FrameVoice {
                level_dbfs: voice.level_dbfs.max(-55.0),
                ..voice
            },
            Self::Energy => FrameVoice {
                probability: if voice.level_dbfs >= -40.0 { 1.0 } else { 0.0 },
                level_dbfs: voice.level_dbfs.max(-55.0),
            },
        }
    }
}

struct Counts {
    frames: usize,
    flagged: usize,
    utterances: usize,
    starts: usize,
}

/// Frames flagged and utterances opened; `reference_dbfs` restricts the frames counted.
fn run(detector: Detector, audio: &[f32], reference_dbfs: Option<f32>) -> Counts {
    let params = Params::default();
    let mut classifier = FrameClassifier::default();
    let mut endpointer = Endpointer::new(&params);
    let mut counts = Counts {
        frames: 0,
        flagged: 0,
        utterances: 0,
        starts: 0,
    };
    let tail = vec![0.0; FRAME_SAMPLES * 40];
    for block in [audio, &tail] {
        classifier.push(block, |frame, voice| {
            let seen = detector.as_seen(voice);
            let counted = reference_dbfs.is_none_or(|floor| voice.level_dbfs >= floor);
            if counted {
                counts.frames += 1;
                if seen.probability >= params.vad.threshold
                    && seen.level_dbfs >= params.vad.energy_gate_dbfs
                {
                    counts.flagged += 1;
                }
            }
            match endpointer.push_frame(frame, seen) {
                Some(EndpointEvent::Ended(_)) => counts.utterances += 1,
                Some(EndpointEvent::Started { .. }) => counts.starts += 1,
                _ => {}
            }
        });
    }
    counts
}

fn main() -> anyhow::Result<()> {
    let noise = common::noise_set();
    let dir = tempfile::tempdir()?;
    let mut speech = Vec::new();
    for (i, command) in common::COMMANDS.iter().enumerate().step_by(3) {
        let voice = common::VOICES[i % common::VOICES.len()];
        let speed = common::SPEEDS[(i / 3) % common::SPEEDS.len()];
        let audio = asr::cli::synthesise(command, voice, speed, dir.path())?;
        speech.push([common::silence(0.3), audio, common::silence(0.3)].concat());
    }
    let jfk = common::jfk();
    println!(
        "| detector | FP frames (noise set) | FP utterances (noise set) | FN frames (commands) | FN frames (jfk) | commands not 1 utterance |"
    );
    println!("|---|---|---|---|---|---|");
    for detector in [Detector::EarshotGated, Detector::Earshot, Detector::Energy] {
        let (mut noise_frames, mut noise_flagged, mut noise_utterances) = (0, 0, 0);
        for (_, audio) in &noise {
            let counts = run(detector, audio, None);
            noise_frames += counts.frames;
            noise_flagged += counts.flagged;
            noise_utterances += counts.utterances;
        }
        let (mut speech_frames, mut speech_flagged, mut wrong_count) = (0, 0, 0);
        for audio in &speech {
            let counts = run(detector, audio, Some(-40.0));
            speech_frames += counts.frames;
            speech_flagged += counts.flagged;
            wrong_count += usize::from(run(detector, audio, None).utterances != 1);
        }
        let jfk_fn = jfk.as_ref().map_or(f64::NAN, |audio| {
            let counts = run(detector, audio, Some(-30.0));
            100.0 * (counts.frames - counts.flagged) as f64 / counts.frames.max(1) as f64
        });
        println!(
            "| {} | {:.1}% | {} | {:.1}% | {:.1}% | {}/{} |",
            detector.name(),
            100.0 * noise_flagged as f64 / noise_frames.max(1) as f64,
            noise_utterances,
            100.0 * (speech_frames - speech_flagged) as f64 / speech_frames.max(1) as f64,
            jfk_fn,
            wrong_count,
            speech.len()
        );
    }
    println!();
    println!("| noise (5 s) | earshot+gate FP frames | starts | utterances | energy FP frames |");
    println!("|---|---|---|---|---|");
    for (name, audio) in &noise {
        let ours = run(Detector::EarshotGated, audio, None);
        let energy = run(Detector::Energy, audio, None);
        println!(
            "| {name} | {:.1}% | {} | {} | {:.1}% |",
            100.0 * ours.flagged as f64 / ours.frames.max(1) as f64,
            ours.starts,
            ours.utterances,
            100.0 * energy.flagged as f64 / energy.frames.max(1) as f64
        );
    }
    Ok(())
}
