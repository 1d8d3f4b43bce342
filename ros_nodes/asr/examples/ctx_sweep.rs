//! Sweeps the encoder window fit (margin and minimum `audio_ctx`) and flash attention over
//! jfk.wav's utterances and a few espeak-ng commands, printing per setting the mean and median
//! whisper time per utterance, loop retries, mean WER and texts that differ from the reference:
//! `cargo run --release -p asr --no-default-features --example ctx_sweep [MODEL.bin]`.
//! `SWEEP="margin_s:min_ctx:flash[:trim] ..."` (default "1.0:768:0 1.0:128:0 0.5:64:0
//! 1.0:128:1"; `trim` 1 takes a loop of one phrase from the start as that phrase) chooses the
//! settings; `STEP=n` takes every n-th command (default 4); `THREADS=n` whisper's threads (default 2); `CLIPS=n` uses the first n
//! clips; `VERBOSE=1` prints every transcript. Besides wall time it prints the process's CPU
//! time per clip, which a machine loaded by other work inflates far less.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

/// CPU time (user + system) of this process so far, ms (`/proc/self/stat`, 10 ms ticks).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the name.
    (ticks(11) + ticks(12)) * 10.0
}

use asr::recognise::whisper_options;
use asr::text::{normalize, word_error_rate};
use asr::transcriber::{Cancel, Transcriber, WhisperOptions, WhisperTranscriber};
use asr::{Lexicon, Params};

fn main() -> anyhow::Result<()> {
    let model = match std::env::args().nth(1) {
        Some(path) => path.into(),
        None => match common::model_path() {
            Some(path) => path,
            None => return Ok(()),
        },
    };
    let Some(jfk) = common::jfk() else {
        return Ok(());
    };
    let params = Params::default();
    let lexicon = Lexicon::default();
    // (audio, reference): jfk's utterances are judged against the whole sentence's words.
    let mut clips: Vec<(Vec<f32>, String)> = asr::pipeline::utterances(&jfk, &params)
        .into_iter()
        .map(|u| (u.samples, String::new()))
        .collect();
    let dir = tempfile::tempdir()?;
    let step = std::env::var("STEP")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    for (i, command) in common::COMMANDS.iter().enumerate().step_by(step) {
        let voice = common::VOICES[i % common::VOICES.len()];
        let speed = common::SPEEDS[(i / 4) % common::SPEEDS.len()];
        let speech = asr::cli::synthesise(command, voice, speed, dir.path())?;
        let audio = [common::silence(0.3), speech, common::silence(0.3)].concat();
        for u in asr::pipeline::utterances(&audio, &params) {
            clips.push((u.samples, (*command).to_string()));
        }
    }
    let sweep = std::env::var("SWEEP")
        .unwrap_or_else(|_| "1.0:768:0 1.0:128:0 0.5:64:0 1.0:128:1".to_string());
    if let Some(n) = std::env::var("CLIPS").ok().and_then(|n| n.parse().ok()) {
        clips.truncate(n);
    }
    let mut base = whisper_options(&params, &lexicon);
    if let Some(threads) = std::env::var("THREADS").ok().and_then(|n| n.parse().ok()) {
        base.threads = threads;
    }
    println!(
        "model {}, {} clips, load {}",
        model.display(),
        clips.len(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "| margin s | min ctx | flash | trim loops | mean ms | p50 ms | p95 ms | CPU ms per clip | retries | trimmed | WER commands | jfk text |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for setting in sweep.split_whitespace() {
        let fields: Vec<&str> = setting.split(':').collect();
        let options = WhisperOptions {
            audio_ctx_margin_s: fields[0].parse()?,
            min_audio_ctx: fields[1].parse()?,
            flash_attention: fields[2] == "1",
            trim_loops: fields.get(3) == Some(&"1"),
            ..base.clone()
        };
        // `load` decodes once to warm up (first-call allocations).
        let mut whisper = WhisperTranscriber::load(&model, options.clone())?;
        let (mut millis, mut retries, mut trimmed, mut wer, mut commands) =
            (Vec::new(), 0, 0, 0.0, 0);
        let mut jfk_text = Vec::new();
        let cpu_before = cpu_ms();
        for (audio, reference) in &clips {
            let started = Instant::now();
            let raw = whisper.transcribe(audio, &Cancel::default())?;
            millis.push(started.elapsed().as_secs_f64() * 1000.0);
            retries += usize::from(raw.loop_retried);
            trimmed += usize::from(raw.loop_trimmed);
            if std::env::var_os("VERBOSE").is_some() {
                eprintln!(
                    "{setting} {:.2}s ctx={} retried={} trimmed={} {:?}",
                    audio.len() as f64 / 16000.0,
                    raw.audio_ctx,
                    raw.loop_retried,
                    raw.loop_trimmed,
                    raw.text
                );
            }
            if reference.is_empty() {
                jfk_text.push(normalize(&raw.text));
            } else {
                wer += word_error_rate(reference, &raw.text);
                commands += 1;
            }
        }
        let cpu_per_clip = (cpu_ms() - cpu_before) / clips.len() as f64;
        let mean = millis.iter().sum::<f64>() / millis.len() as f64;
        millis.sort_by(f64::total_cmp);
        let jfk_text = jfk_text.join(" ");
        println!(
            "| {} | {} | {} | {} | {mean:.0} | {:.0} | {:.0} | {cpu_per_clip:.0} | {retries} | {trimmed} | {:.1}% | {} |",
            options.audio_ctx_margin_s,
            options.min_audio_ctx,
            options.flash_attention,
            options.trim_loops,
            millis[millis.len() / 2],
            millis[(millis.len() * 95).div_ceil(100).saturating_sub(1)],
            100.0 * wer / commands.max(1) as f64,
            if jfk_text == asr::cli::JFK_REFERENCE {
                "exact".to_string()
            } else {
                format!("{jfk_text:?}")
            }
        );
    }
    Ok(())
}
