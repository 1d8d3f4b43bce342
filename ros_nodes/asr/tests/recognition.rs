//! The whole pipeline (VAD, endpointing, whisper tiny.en, guards, correction) on real audio:
//! jfk.wav, espeak-ng commands, the noise set, format variants and broken files.
#![allow(clippy::unwrap_used)]

mod common;

use asr::Params;
use asr::pipeline::{FileUtterance, transcribe_samples};
use asr::recognise::Verdict;
use asr::text::{normalize, word_error_rate};

fn run(samples: &[f32]) -> Option<Vec<FileUtterance>> {
    let recogniser = common::recogniser()?;
    let mut recogniser = recogniser.lock().unwrap_or_else(|e| e.into_inner());
    Some(transcribe_samples(samples, &Params::default(), &mut recogniser).unwrap())
}

fn accepted(utterances: &[FileUtterance]) -> Vec<String> {
    utterances
        .iter()
        .filter_map(|u| match &u.recognition.verdict {
            Verdict::Accepted(a) => Some(a.text.clone()),
            Verdict::Rejected { .. } => None,
        })
        .collect()
}

#[test]
fn jfk_gives_the_reference_text() {
    let Some(jfk) = common::jfk() else { return };
    let Some(utterances) = run(&jfk) else { return };
    let text = accepted(&utterances).join(" ");
    assert_eq!(normalize(&text), asr::cli::JFK_REFERENCE, "{utterances:#?}");
}

#[test]
fn the_noise_set_gives_no_transcript() {
    for (name, audio) in common::noise_set() {
        let Some(utterances) = run(&audio) else {
            return;
        };
        assert!(accepted(&utterances).is_empty(), "{name}: {utterances:#?}");
    }
}

#[test]
fn two_utterances_one_second_apart_give_two_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let first = asr::cli::synthesise("go to the kitchen", "en-us+m3", 160, dir.path()).unwrap();
    let second = asr::cli::synthesise("bring me the cup", "en-us+m3", 160, dir.path()).unwrap();
    let audio = [
        common::silence(0.5),
        first,
        common::silence(1.0),
        second,
        common::silence(0.5),
    ]
    .concat();
    let Some(utterances) = run(&audio) else {
        return;
    };
    let texts: Vec<String> = accepted(&utterances).iter().map(|t| normalize(t)).collect();
    assert_eq!(
        texts,
        ["go to the kitchen", "bring me the cup"],
        "{utterances:#?}"
    );
    assert!(utterances[0].end_s < utterances[1].start_s);
}

#[test]
fn stereo_48k_gives_the_same_text_as_16k_mono() {
    let Some(jfk) = common::jfk() else { return };
    let clip = &jfk[..16_000 * 4];
    let dir = tempfile::tempdir().unwrap();
    let mono = dir.path().join("mono16k.wav");
    common::write_wav(&mono, clip, 16_000, 1);
    // Upsample by 3 with linear interpolation (the reader's resampler brings it back).
    let mut stereo = Vec::with_capacity(clip.len() * 6);
    for pair in clip.windows(2) {
        for k in 0..3 {
            let value = pair[0] + (pair[1] - pair[0]) * k as f32 / 3.0;
            stereo.extend([value, value]);
        }
    }
    let stereo_path = dir.path().join("stereo48k.wav");
    common::write_wav(&stereo_path, &stereo, 48_000, 2);
    let from_mono = audio_capture::wav::read_mono_16k(&mono).unwrap();
    let from_stereo = audio_capture::wav::read_mono_16k(&stereo_path).unwrap();
    let Some(mono_utterances) = run(&from_mono) else {
        return;
    };
    let Some(stereo_utterances) = run(&from_stereo) else {
        return;
    };
    let mono_text = normalize(&accepted(&mono_utterances).join(" "));
    assert!(
        mono_text.starts_with("and so my fellow americans"),
        "{mono_text}"
    );
    assert_eq!(
        normalize(&accepted(&stereo_utterances).join(" ")),
        mono_text
    );
}

#[test]
fn domain_commands_from_three_voices_at_two_speeds_stay_under_12_percent_wer() {
    if common::recogniser().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut total = 0.0;
    let mut worst = Vec::new();
    for (i, command) in common::COMMANDS.iter().enumerate() {
        let voice = common::VOICES[i % common::VOICES.len()];
        let speed = common::SPEEDS[(i / common::VOICES.len()) % common::SPEEDS.len()];
        let speech = asr::cli::synthesise(command, voice, speed, dir.path()).unwrap();
        let audio = [common::silence(0.3), speech, common::silence(0.3)].concat();
        let heard = accepted(&run(&audio).unwrap()).join(" ");
        let wer = word_error_rate(command, &heard);
        total += wer;
        if wer > 0.0 {
            worst.push(format!(
                "{voice} {speed}: {command:?} -> {heard:?} ({wer:.2})"
            ));
        }
    }
    let mean = total / common::COMMANDS.len() as f64;
    eprintln!(
        "mean WER {mean:.3} over {} commands",
        common::COMMANDS.len()
    );
    for line in &worst {
        eprintln!("  {line}");
    }
    assert!(common::COMMANDS.len() >= 40);
    assert!(mean <= 0.12, "mean WER {mean:.3}:\n{}", worst.join("\n"));
}

#[test]
fn truncated_empty_and_non_wav_files_are_clear_errors() {
    let Some(jfk_path) = common::jfk_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&jfk_path).unwrap();
    let truncated = dir.path().join("truncated.wav");
    std::fs::write(&truncated, &bytes[..30]).unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, b"this is not a wav file at all, just text").unwrap();
    let missing = dir.path().join("missing.wav");
    for path in [&truncated, &empty, &text, &missing] {
        let args = asr::cli::TranscribeArgs {
            file: path.clone(),
            json: false,
            model: None,
        };
        let error = asr::cli::transcribe(&args).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(asr::cli::exit_code(&error), 2, "{message}");
    }
}

#[test]
fn a_missing_model_is_a_model_error_naming_the_fetch_command() {
    let Some(jfk_path) = common::jfk_path() else {
        return;
    };
    let args = asr::cli::TranscribeArgs {
        file: jfk_path,
        json: true,
        model: Some("/nonexistent/ggml-tiny.en.bin".into()),
    };
    let error = asr::cli::transcribe(&args).unwrap_err();
    assert_eq!(asr::cli::exit_code(&error), 3);
    assert!(format!("{error:#}").contains("embodied models fetch"));
}
