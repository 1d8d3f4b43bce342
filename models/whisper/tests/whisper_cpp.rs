//! The converted files work in the real whisper.cpp runtime (through whisper-rs): greedy decoding
//! of `shared/data/jfk.wav` gives the known sentence. Skips, saying why, when the model has not
//! been provisioned (`embodied models fetch`) or the audio is absent.

use std::path::PathBuf;

use anyhow::Context;
use whisper_models::{CacheDir, Quantisation, WhisperModel};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

const JFK: &str = "and so my fellow americans ask not what your country can do for you ask what you can do for your country";

fn jfk_wav() -> PathBuf {
    // <workspace>/models/whisper -> <workspace>/../shared/data
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/jfk.wav")
}

/// Lower case, punctuation removed, single spaces.
fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == '-' {
                Some(' ')
            } else {
                None
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_mono_16k(path: &PathBuf) -> anyhow::Result<Vec<f32>> {
    let mut reader =
        hound::WavReader::open(path).with_context(|| format!("opening {}", path.display()))?;
    let spec = reader.spec();
    anyhow::ensure!(
        spec.sample_rate == 16_000 && spec.channels == 1 && spec.bits_per_sample == 16,
        "{} is not 16 kHz mono 16-bit: {spec:?}",
        path.display()
    );
    reader
        .samples::<i16>()
        .map(|sample| Ok(f32::from(sample?) / 32768.0))
        .collect()
}

/// Greedy transcript of `audio` with the model at `path`, no timestamps.
fn transcribe(path: &PathBuf, audio: &[f32], language: &str) -> anyhow::Result<String> {
    let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
        .with_context(|| format!("whisper.cpp rejected {}", path.display()))?;
    let mut state = context.create_state()?;
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_language(Some(language));
    params.set_n_threads(2);
    params.set_no_timestamps(true);
    params.set_temperature_inc(0.0);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);
    state.full(params, audio)?;
    let mut text = String::new();
    for segment in state.as_iter() {
        text.push_str(&segment.to_str_lossy()?);
    }
    Ok(text)
}

fn check_jfk(model: WhisperModel, storage: Quantisation) -> anyhow::Result<()> {
    let cache = CacheDir::from_env()?;
    let path = cache.model_path(model, storage);
    if !path.is_file() {
        eprintln!(
            "SKIP: {model} ({storage}) not provisioned at {} (run `embodied models fetch --model {model} --quant {storage}`)",
            path.display()
        );
        return Ok(());
    }
    let wav = jfk_wav();
    if !wav.is_file() {
        eprintln!("SKIP: test audio {} is absent", wav.display());
        return Ok(());
    }
    assert_eq!(
        whisper_models::sha256_file(&path)?,
        model.sha256(storage),
        "{} is not the pinned conversion",
        path.display()
    );
    let audio = read_mono_16k(&wav)?;
    let text = transcribe(&path, &audio, "en")?;
    eprintln!("{model} ({storage}): {text}");
    assert_eq!(normalise(&text), JFK, "raw transcript: {text:?}");
    Ok(())
}

#[test]
fn tiny_en_transcribes_jfk() -> anyhow::Result<()> {
    check_jfk(WhisperModel::TinyEn, Quantisation::F16)
}

#[test]
fn tiny_en_q8_0_transcribes_jfk() -> anyhow::Result<()> {
    check_jfk(WhisperModel::TinyEn, Quantisation::Q8_0)
}

#[test]
fn base_transcribes_jfk() -> anyhow::Result<()> {
    check_jfk(WhisperModel::Base, Quantisation::F16)
}

#[test]
fn base_q8_0_transcribes_jfk() -> anyhow::Result<()> {
    check_jfk(WhisperModel::Base, Quantisation::Q8_0)
}

#[test]
fn normalise_strips_case_and_punctuation() {
    assert_eq!(
        normalise(" And so, my fellow Americans: ask!"),
        "and so my fellow americans ask"
    );
}
