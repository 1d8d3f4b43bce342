//! Transcribes jfk.wav's utterances with and without the prompt at the current encoder window,
//! printing text, `audio_ctx` and time (the check that found tiny.en looping on tight windows):
//! `cargo run -p asr --no-default-features --example ctx_sweep`.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use asr::recognise::whisper_options;
use asr::transcriber::{Transcriber, WhisperTranscriber};
use asr::{Lexicon, Params};

fn main() -> anyhow::Result<()> {
    let Some(model) = common::model_path() else {
        return Ok(());
    };
    let Some(jfk) = common::jfk() else {
        return Ok(());
    };
    let params = Params::default();
    let lexicon = Lexicon::default();
    let utterances = asr::pipeline::utterances(&jfk, &params);
    let mut whisper = WhisperTranscriber::load(&model, whisper_options(&params, &lexicon))?;
    for prompt in [false, true] {
        let p = Params {
            whisper_prompt: prompt,
            ..params.clone()
        };
        whisper.set_options(whisper_options(&p, &lexicon))?;
        for u in &utterances {
            let started = Instant::now();
            let raw = whisper.transcribe(&u.samples)?;
            println!(
                "prompt={prompt} {:.2}s ctx={} {:?} {} ms",
                u.samples.len() as f64 / 16000.0,
                asr::transcriber::fitted_audio_ctx(u.samples.len().max(17600)),
                raw.text,
                started.elapsed().as_millis()
            );
        }
    }
    Ok(())
}
