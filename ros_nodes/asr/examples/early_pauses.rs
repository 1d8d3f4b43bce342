//! How often an early recognition would be voided, per `vad.early_recognition_ms`: the
//! endpointer runs over the 42 test commands in eSpeak NG's 3 test voices (two speaking rates)
//! and over jfk.wav, counting early starts (`Paused`) and those that speech going on voided
//! (`Resumed`): `cargo run --release -p asr --no-default-features --example early_pauses`.
//! A voided start costs a decode that is aborted; each millisecond of the setting is a
//! millisecond of latency after every command.

#[path = "../tests/common/mod.rs"]
mod common;

use asr::Params;
use asr::endpoint::EndpointEvent;

/// Early starts and voided ones of `clips` under `early_ms`.
fn count(clips: &[Vec<f32>], early_ms: u32) -> (usize, usize) {
    let mut params = Params::default();
    params.vad.early_recognition_ms = early_ms;
    let events: Vec<EndpointEvent> = clips
        .iter()
        .flat_map(|clip| asr::pipeline::segment(clip, &params))
        .collect();
    let started = events
        .iter()
        .filter(|e| matches!(e, EndpointEvent::Paused(_)))
        .count();
    let voided = events
        .iter()
        .filter(|e| matches!(e, EndpointEvent::Resumed))
        .count();
    (started, voided)
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut commands = Vec::new();
    for (i, command) in common::COMMANDS.iter().enumerate() {
        for (v, voice) in common::VOICES.iter().enumerate() {
            let rate = common::SPEEDS[(i + v) % common::SPEEDS.len()];
            let speech = asr::cli::synthesise(command, voice, rate, dir.path())?;
            commands.push([common::silence(0.3), speech, common::silence(0.3)].concat());
        }
    }
    let jfk: Vec<Vec<f32>> = common::jfk().into_iter().collect();
    println!(
        "| early_recognition_ms | command early starts | voided | jfk.wav early starts | voided |"
    );
    println!("|---|---|---|---|---|");
    for early_ms in [32, 48, 64, 80, 96] {
        let (started, voided) = count(&commands, early_ms);
        let (jfk_started, jfk_voided) = count(&jfk, early_ms);
        println!("| {early_ms} | {started} | {voided} | {jfk_started} | {jfk_voided} |");
    }
    println!("{} commands", commands.len());
    Ok(())
}
