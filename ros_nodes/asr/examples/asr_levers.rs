//! Measures the accuracy levers on the espeak-ng domain commands (the test's set: 3 voices,
//! 2 speeds): no prompt vs the vocabulary prompt, lexicon correction, beam search.
//! `cargo run --release -p asr --no-default-features --example asr_levers`.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use asr::pipeline::transcribe_samples;
use asr::recognise::{Recogniser, whisper_options};
use asr::text::{normalize, word_error_rate};
use asr::transcriber::WhisperTranscriber;
use asr::{Decoding, Lexicon, Params};

fn main() -> anyhow::Result<()> {
    let Some(model) = common::model_path() else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let mut clips = Vec::new();
    for (i, command) in common::COMMANDS.iter().enumerate() {
        let voice = common::VOICES[i % common::VOICES.len()];
        let speed = common::SPEEDS[(i / common::VOICES.len()) % common::SPEEDS.len()];
        let audio = asr::cli::synthesise(command, voice, speed, dir.path())?;
        clips.push((
            *command,
            [common::silence(0.3), audio, common::silence(0.3)].concat(),
        ));
    }
    let lexicon = Lexicon::default();
    let base = Params::default();
    let settings: [(&str, bool, bool, Decoding); 5] = [
        (
            "raw (no prompt, no correction)",
            false,
            false,
            Decoding::Greedy,
        ),
        ("prompt", true, false, Decoding::Greedy),
        ("correction", false, true, Decoding::Greedy),
        (
            "prompt + correction (default)",
            true,
            true,
            Decoding::Greedy,
        ),
        (
            "prompt + correction + beam 5",
            true,
            true,
            Decoding::BeamSearch,
        ),
    ];
    let whisper = WhisperTranscriber::load(&model, whisper_options(&base, &lexicon))?;
    let mut recogniser = Recogniser::new(whisper, &base, lexicon.clone());
    println!("| setting | mean WER | exact | mean processing ms |");
    println!("|---|---|---|---|");
    for (name, prompt, correction, decoding) in settings {
        let params = Params {
            whisper_prompt: prompt,
            lexicon_correction: correction,
            whisper_decoding: decoding,
            ..base.clone()
        };
        recogniser
            .transcriber_mut()
            .set_options(whisper_options(&params, &lexicon))?;
        recogniser.set_correction(correction);
        let (mut wer, mut exact, mut millis) = (0.0, 0, 0.0);
        for (command, audio) in &clips {
            let started = Instant::now();
            let utterances = transcribe_samples(audio, &params, &mut recogniser)?;
            millis += started.elapsed().as_secs_f64() * 1000.0;
            let heard = asr::pipeline::accepted_text(&utterances);
            let error = word_error_rate(command, &heard);
            if error > 0.0 && std::env::var_os("VERBOSE").is_some() {
                eprintln!("{name}: {command:?} -> {:?}", normalize(&heard));
            }
            wer += error;
            exact += usize::from(error == 0.0);
        }
        let n = clips.len() as f64;
        println!(
            "| {name} | {:.1}% | {}/{} | {:.0} |",
            100.0 * wer / n,
            exact,
            clips.len(),
            millis / n
        );
    }
    Ok(())
}
