//! The command line of the recogniser, wired into the `embodied` command by the lead:
//! `embodied transcribe FILE.wav [--json] [--model PATH]` ([`TranscribeArgs`], [`transcribe`])
//! and `embodied bench asr [--json]` ([`BenchArgs`], [`bench`]). Glue over the library; errors
//! via `anyhow` like every CLI layer; [`exit_code`] maps them to the project's codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;

use crate::endpoint::samples_to_seconds;
use crate::pipeline::{self, FileUtterance};
use crate::recognise::{Recogniser, Verdict, whisper_options};
use crate::text::word_error_rate;
use crate::transcriber::{self, TranscribeError, WhisperOptions, WhisperTranscriber, Window};
use crate::{Decoding, Error, Lexicon, Params};

/// Arguments of `transcribe`.
#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// A WAV file (any PCM or float format, rate and channel count).
    pub file: PathBuf,
    /// One JSON object per utterance instead of text lines.
    #[arg(long)]
    pub json: bool,
    /// A whisper.cpp ggml model (default: the one `embodied models fetch` provides).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Arguments of `bench asr`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print one JSON object at the end instead of a table.
    #[arg(long)]
    pub json: bool,
    /// A whisper.cpp ggml model (default: the one `embodied models fetch` provides).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The long clip (default: shared/data/jfk.wav next to the repository).
    #[arg(long)]
    pub wav: Option<PathBuf>,
    /// Timed repetitions per setting (after one warm-up).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

/// The project's exit code for an error from [`transcribe`] or [`bench`]: model 3, bad input
/// or configuration 2, anything else 1.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if let Some(error) = error.downcast_ref::<Error>() {
        return error.exit_code();
    }
    if error.downcast_ref::<TranscribeError>().is_some() {
        return 3;
    }
    if error
        .downcast_ref::<audio_capture::wav::WavError>()
        .is_some()
    {
        return 2;
    }
    1
}

/// The model path: `--model`, else the cache's default (`$EMBODIED_CACHE_DIR` or
/// `~/.cache/embodied`).
pub fn model_path(model: Option<&Path>) -> PathBuf {
    let cache = transcriber::cache_dir(
        std::env::var_os("EMBODIED_CACHE_DIR").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    );
    transcriber::resolve_model_path(model.unwrap_or(Path::new("")), cache.as_deref())
}

fn load(model: Option<&Path>, options: WhisperOptions) -> Result<WhisperTranscriber, Error> {
    Ok(WhisperTranscriber::load(&model_path(model), options)?)
}

/// The node's default parameters, lexicon and the whisper options they give.
fn default_settings() -> (Params, Lexicon, WhisperOptions) {
    let params = Params::default();
    let lexicon = Lexicon::default();
    let options = whisper_options(&params, &lexicon);
    (params, lexicon, options)
}

/// The settings [`recogniser`] uses, written out (what a cache of its transcripts must key on
/// besides the model file).
pub fn recogniser_settings() -> String {
    let (params, _, options) = default_settings();
    format!("{params:?} {options:?}")
}

/// The recogniser with the node's default settings (`Params::default()`), on `model` or the
/// cache's default model.
///
/// # Errors
/// Missing or broken model.
pub fn recogniser(model: Option<&Path>) -> Result<Recogniser<WhisperTranscriber>, Error> {
    let (params, lexicon, options) = default_settings();
    let whisper = load(model, options)?;
    Ok(Recogniser::new(whisper, &params, lexicon))
}

/// One utterance as `transcribe --json` prints it.
#[derive(Debug, serde::Serialize)]
struct UtteranceLine<'a> {
    text: &'a str,
    start_s: f64,
    end_s: f64,
    confidence: f32,
    no_speech_probability: f32,
    processing_ms: f64,
    audio_s: f64,
    corrections: Vec<(String, String)>,
}

/// `transcribe FILE.wav`: one line per accepted utterance (text, start and end seconds,
/// confidence, processing ms); rejected ones are noted on stderr.
///
/// # Errors
/// Unreadable or malformed WAV (exit 2), missing or broken model (exit 3).
pub fn transcribe(args: &TranscribeArgs) -> anyhow::Result<()> {
    let samples = audio_capture::wav::read_mono_16k(&args.file).map_err(Error::from)?;
    let params = Params::default();
    let mut recogniser = recogniser(args.model.as_deref())?;
    let utterances =
        pipeline::transcribe_samples(&samples, &params, &mut recogniser).map_err(Error::from)?;
    let mut out = std::io::stdout().lock();
    for utterance in &utterances {
        let processing_ms = utterance.recognition.processing.as_secs_f64() * 1000.0;
        match &utterance.recognition.verdict {
            Verdict::Accepted(accepted) if args.json => {
                let line = UtteranceLine {
                    text: &accepted.text,
                    start_s: round3(utterance.start_s),
                    end_s: round3(utterance.end_s),
                    confidence: accepted.confidence,
                    no_speech_probability: accepted.no_speech_probability,
                    processing_ms: round3(processing_ms),
                    audio_s: round3(utterance.audio_s),
                    corrections: accepted
                        .corrections
                        .iter()
                        .map(|c| (c.heard.clone(), c.name.clone()))
                        .collect(),
                };
                writeln!(out, "{}", serde_json::to_string(&line)?)?;
            }
            Verdict::Accepted(accepted) => writeln!(
                out,
                "{:7.2} {:7.2}  conf {:.2}  {:5.0} ms  {}",
                utterance.start_s,
                utterance.end_s,
                accepted.confidence,
                processing_ms,
                accepted.text
            )?,
            Verdict::Rejected {
                rejection,
                raw_text,
            } => eprintln!(
                "# {:.2}-{:.2} s rejected ({}): {raw_text:?}",
                utterance.start_s,
                utterance.end_s,
                rejection.as_str()
            ),
        }
    }
    Ok(())
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The reference text of jfk.wav.
pub const JFK_REFERENCE: &str = "and so my fellow americans ask not what your country can do for you ask what you can do for your country";
/// The short benchmark command, synthesised with espeak-ng.
pub const BENCH_COMMAND: &str = "go to the kitchen and bring me the cup";

/// The repository's test data directory (`shared/data` beside the workspace).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Synthesises `text` to a 16 kHz mono WAV with espeak-ng (voice, words per minute).
///
/// # Errors
/// espeak-ng missing or failing, or the WAV unreadable.
pub fn synthesise(text: &str, voice: &str, speed_wpm: u32, dir: &Path) -> anyhow::Result<Vec<f32>> {
    let path = dir.join(format!("{voice}-{speed_wpm}-{}.wav", text.len()));
    let status = std::process::Command::new("espeak-ng")
        .arg("-w")
        .arg(&path)
        .args(["-v", voice, "-s", &speed_wpm.to_string(), text])
        .status()
        .context("running espeak-ng (apt-get install espeak-ng)")?;
    if !status.success() {
        bail!("espeak-ng failed ({status}) on {text:?}");
    }
    Ok(audio_capture::wav::read_mono_16k(&path)?)
}

/// Peak resident memory of this process in MB (Linux `VmHWM`), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// One benchmark row: a clip under one setting.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchRow {
    /// Clip name.
    pub clip: String,
    /// Setting: `ours` (greedy, fitted window of at least 576 positions, prompt),
    /// `ours_tight_window` (the window fitted to the clip plus 1 s, loops retried wider),
    /// `ours_beam`, `whisper_cpp_defaults`.
    pub setting: String,
    /// Seconds of audio recognised (utterances after endpointing; whole clip for defaults).
    pub audio_s: f64,
    /// Median recognition time after the endpoint, ms.
    pub processing_ms_p50: f64,
    /// Slowest run, ms.
    pub processing_ms_max: f64,
    /// Real-time factor: processing / audio.
    pub rtf: f64,
    /// End of speech → transcript with default endpointing, ms (endpoint delay and
    /// processing, overlapped by early recognition).
    pub latency_ms_p50: f64,
    /// Word error rate against the reference.
    pub wer: f64,
    /// What was recognised.
    pub text: String,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn bench_setting(
    recogniser: &mut Recogniser<WhisperTranscriber>,
    (setting, options): (&str, WhisperOptions),
    clip: (&str, &[f32], &str),
    params: &Params,
    runs: usize,
) -> anyhow::Result<BenchRow> {
    let (name, samples, reference) = clip;
    let defaults = options.window == Window::CppDefaults;
    recogniser.transcriber_mut().set_options(options)?;
    let mut processing = Vec::with_capacity(runs);
    let mut latency = Vec::with_capacity(runs);
    let mut text = String::new();
    let mut audio_s = 0.0;
    for run in 0..=runs {
        let (elapsed, delay, heard, seconds) = if defaults {
            // whisper.cpp as shipped: the whole clip, no VAD, no guards.
            let started = Instant::now();
            let raw = crate::Transcriber::transcribe(
                recogniser.transcriber_mut(),
                samples,
                &crate::transcriber::Cancel::default(),
            )?;
            (
                started.elapsed(),
                Duration::ZERO,
                raw.text,
                samples_to_seconds(samples.len() as u64),
            )
        } else {
            let utterances: Vec<FileUtterance> =
                pipeline::transcribe_samples(samples, params, recogniser)?;
            let elapsed = utterances.iter().map(|u| u.recognition.processing).sum();
            // What the user waits for after speaking: the last utterance's endpoint delay and
            // processing (those before it were recognised while the user still spoke). With
            // early recognition the node starts whisper `early_recognition_ms` after speech,
            // on a clip that lacks only the rest of the hangover's silence, so the transcript
            // is out at whichever comes later.
            let early = Duration::from_millis(u64::from(params.vad.early_recognition_ms));
            let delay = utterances.last().map_or(Duration::ZERO, |u| {
                let endpoint = Duration::from_secs_f64(u.endpoint_delay_s);
                if early.is_zero() {
                    endpoint + u.recognition.processing
                } else {
                    endpoint.max(early + u.recognition.processing)
                }
            });
            let seconds = utterances.iter().map(|u| u.audio_s).sum();
            (
                elapsed,
                delay,
                pipeline::accepted_text(&utterances),
                seconds,
            )
        };
        if run == 0 {
            continue; // warm-up
        }
        processing.push(elapsed.as_secs_f64() * 1000.0);
        latency.push(delay.as_secs_f64() * 1000.0);
        text = heard;
        audio_s = seconds;
    }
    let processing_ms_max = processing.iter().copied().fold(0.0, f64::max);
    let processing_ms_p50 = median(&mut processing);
    Ok(BenchRow {
        clip: name.to_string(),
        setting: setting.to_string(),
        audio_s: round3(audio_s),
        processing_ms_p50: round3(processing_ms_p50),
        processing_ms_max: round3(processing_ms_max),
        rtf: round3(processing_ms_p50 / 1000.0 / audio_s.max(1e-9)),
        latency_ms_p50: if defaults {
            f64::NAN
        } else {
            round3(median(&mut latency))
        },
        wer: round3(word_error_rate(reference, &text)),
        text,
    })
}

/// The smallest window of the `ours_tight_window` setting.
const TIGHT_MIN_AUDIO_CTX: u32 = 64;

/// `bench asr`: jfk.wav and a 2 s espeak-ng command under our settings, our settings with a
/// window fitted tightly to the clip, beam search and whisper.cpp's defaults (full 30 s window);
/// processing after the endpoint, RTF, end of speech → transcript latency, and peak RSS after
/// our settings alone (what the node needs) and after all settings.
///
/// # Errors
/// Missing model (exit 3), missing clip or espeak-ng (exit 1).
pub fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    let params = Params::default();
    let lexicon = Lexicon::default();
    let ours = whisper_options(&params, &lexicon);
    let whisper = load(args.model.as_deref(), ours.clone())?;
    let model = crate::Transcriber::model_name(&whisper).to_string();
    let mut recogniser = Recogniser::new(whisper, &params, lexicon);
    let jfk_path = args
        .wav
        .clone()
        .unwrap_or_else(|| data_dir().join("jfk.wav"));
    let jfk = audio_capture::wav::read_mono_16k(&jfk_path).map_err(Error::from)?;
    let scratch = tempfile_dir()?;
    let mut command = synthesise(BENCH_COMMAND, "en-us", 160, &scratch)?;
    // The command as a user says it: some silence before and after.
    let mut padded = vec![0.0; 8000];
    padded.append(&mut command);
    padded.extend(std::iter::repeat_n(0.0, 8000));
    let _ = std::fs::remove_dir_all(&scratch);
    let clips: [(&str, &[f32], &str); 2] = [
        ("jfk.wav", &jfk, JFK_REFERENCE),
        ("command_2s", &padded, BENCH_COMMAND),
    ];
    let settings = [
        ("ours", ours.clone()),
        (
            "ours_tight_window",
            WhisperOptions {
                min_audio_ctx: TIGHT_MIN_AUDIO_CTX,
                ..ours.clone()
            },
        ),
        (
            "ours_beam",
            WhisperOptions {
                decoding: Decoding::BeamSearch,
                ..ours.clone()
            },
        ),
        (
            "whisper_cpp_defaults",
            WhisperOptions {
                window: Window::CppDefaults,
                prompt: None,
                ..ours.clone()
            },
        ),
    ];
    let mut rows = Vec::new();
    let mut peak_rss_ours_mb = None;
    // Our setting on every clip first: the peak RSS then is what the node needs.
    for (index, (setting, options)) in settings.iter().enumerate() {
        if index == 1 {
            peak_rss_ours_mb = peak_rss_mb().map(|mb| (mb * 10.0).round() / 10.0);
        }
        for clip in clips {
            let row = bench_setting(
                &mut recogniser,
                (setting, options.clone()),
                clip,
                &params,
                args.runs.max(1),
            )?;
            if !args.json {
                eprintln!(
                    "{} / {}: {:.0} ms",
                    row.clip, row.setting, row.processing_ms_p50
                );
            }
            rows.push(row);
        }
    }
    let peak_rss_mb = peak_rss_mb().map(|mb| (mb * 10.0).round() / 10.0);
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|line| line.split_whitespace().next()?.parse::<f64>().ok());
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = serde_json::json!({
            "schema": 1,
            "bench": "asr",
            "model": model,
            "threads": params.whisper_threads,
            "runs": args.runs,
            "hangover_ms": params.vad.hangover_ms,
            "load_average_1m": load_average,
            "peak_rss_ours_mb": peak_rss_ours_mb,
            "peak_rss_mb": peak_rss_mb,
            "rows": rows,
        });
        writeln!(out, "{report}")?;
        return Ok(());
    }
    writeln!(
        out,
        "model {model}, {} threads, {} runs, hangover {} ms, load average {}",
        params.whisper_threads,
        args.runs,
        params.vad.hangover_ms,
        load_average.map_or("unknown".to_string(), |load| format!("{load:.2}"))
    )?;
    writeln!(
        out,
        "{:<11} {:<21} {:>7} {:>9} {:>9} {:>6} {:>11} {:>5}  text",
        "clip", "setting", "audio_s", "proc_p50", "proc_max", "rtf", "latency_p50", "wer"
    )?;
    for row in &rows {
        writeln!(
            out,
            "{:<11} {:<21} {:>7.2} {:>9.0} {:>9.0} {:>6.3} {:>11.0} {:>5.2}  {}",
            row.clip,
            row.setting,
            row.audio_s,
            row.processing_ms_p50,
            row.processing_ms_max,
            row.rtf,
            row.latency_ms_p50,
            row.wer,
            row.text
        )?;
    }
    let mb = |value: Option<f64>| value.map_or("unknown".to_string(), |mb| format!("{mb:.1} MB"));
    writeln!(
        out,
        "peak RSS {} after our setting (the node), {} after all settings",
        mb(peak_rss_ours_mb),
        mb(peak_rss_mb)
    )?;
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("asr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
