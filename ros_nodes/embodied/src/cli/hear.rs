//! The brain's corpus as our speech recognition hears it. Each clean utterance is spoken by
//! eSpeak NG (voices and speeds vary) and transcribed by the recogniser with the node's
//! settings (VAD, endpointing, whisper, guards); the example keeps its grounding and expected
//! answer, with the utterance replaced by the transcript.
//!
//! - `embodied hear-heldout` does it for held-out utterances, so that `embodied eval --heard
//!   FILE` scores the model on what the ASR really produced, not on simulated noise.
//! - `embodied train-assistant` does it for the first training utterances
//!   (`CorpusOptions::heard_examples`) and trains on what the ASR heard.
//!
//! Transcripts are cached under `<cache>/heard/` (`$EMBODIED_CACHE_DIR` or `~/.cache/embodied`),
//! keyed by whisper model and the recogniser's settings, voice, speed and text, so a rerun only
//! hears what is new, and a change of settings hears everything again.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use brain::corpus::CorpusExample;
use brain::prompt::Prompt;
use serde::{Deserialize, Serialize};

/// Arguments of `hear-heldout`.
#[derive(Debug, clap::Args)]
pub struct HearArgs {
    /// Workspace (or installed share) root holding config/corpus and config/world.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The assistant checkpoint whose training plan gives the held-out split (default: the
    /// shipped one).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// A whisper.cpp ggml model (default: the one `embodied models fetch` provides).
    #[arg(long)]
    pub whisper: Option<PathBuf>,
    /// Clean held-out examples to speak and transcribe (the first N).
    #[arg(long, default_value_t = 400)]
    pub limit: usize,
    /// Where the JSONL goes (one corpus example per line).
    #[arg(long, default_value = "target/heard-heldout.jsonl")]
    pub out: PathBuf,
    /// Also write the same examples with the utterances as written, for `embodied eval
    /// --heard` on them: the difference between the two scores is what recognition costs.
    #[arg(long)]
    pub written: Option<PathBuf>,
    /// Hear the training utterances that `train-assistant` hears instead of held-out ones:
    /// a development set, so recognition settings are chosen without looking at the held-out
    /// split that `embodied eval --heard` scores.
    #[arg(long)]
    pub training: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Voices and speeds (words per minute) the utterances are spoken with, in turn.
const VOICES: [(&str, u32); 6] = [
    ("en-us", 160),
    ("en-gb", 150),
    ("en-us", 185),
    ("en-gb-x-rp", 170),
    ("en-029", 155),
    ("en-gb-scotland", 165),
];

/// Silence around each utterance, samples at 16 kHz (as a person pauses before and after).
const PAD_SAMPLES: usize = 8000;

/// Runs `hear-heldout`; prints how many were heard and the word error rate.
///
/// # Errors
/// Missing whisper model or espeak-ng, corpus errors, unwritable output.
pub fn run(args: &HearArgs) -> anyhow::Result<()> {
    let dir = match &args.model {
        Some(dir) => dir.clone(),
        None => brain::assistant::AssistantModel::find_default()?,
    };
    let plan = brain::eval::plan_of(&dir);
    let examples = if args.training {
        let (map, set) = brain::corpus::load_from_root(&args.root)?;
        brain::corpus::Corpus::generate(&set, &map, &plan.corpus)?.train
    } else {
        brain::eval::heldout_examples(&args.root, &plan)?.1
    };
    let clean: Vec<&CorpusExample> = examples
        .iter()
        .filter(|e| !e.noisy)
        .take(args.limit)
        .collect();
    let heard = hear(&clean, args.whisper.as_deref(), args.quiet)?;
    write_jsonl(&args.out, &heard.examples)?;
    if let Some(path) = &args.written {
        write_jsonl(path, &heard.written)?;
    }
    println!(
        "{} {} utterances: {heard} -> {}",
        clean.len(),
        if args.training {
            "training"
        } else {
            "held-out"
        },
        args.out.display()
    );
    Ok(())
}

/// Writes one example per line.
fn write_jsonl(path: &Path, examples: &[CorpusExample]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    for example in examples {
        writeln!(file, "{}", serde_json::to_string(example)?)?;
    }
    file.flush()?;
    Ok(())
}

/// Runs `train-assistant`: hears the plan's `heard_examples` training utterances, then trains
/// on them and the generated corpus (`brain::train::run`).
///
/// # Errors
/// Missing whisper model or espeak-ng (when the plan hears), and any training failure.
pub fn train_assistant(args: &brain::train::TrainAssistantArgs) -> anyhow::Result<()> {
    // Before anything slow: the re-exec starts the process again.
    mcsd::cli::reexec_with_malloc_tunables();
    let plan = args.plan()?;
    let heard = if plan.corpus.heard_examples > 0 {
        let (map, set) = brain::corpus::load_from_root(&args.root)?;
        let corpus = brain::corpus::Corpus::generate(&set, &map, &plan.corpus)?;
        let to_hear: Vec<&CorpusExample> = corpus.to_hear().collect();
        let heard = hear(&to_hear, None, args.quiet)?;
        println!("{} training utterances: {heard}", to_hear.len());
        heard.examples
    } else {
        Vec::new()
    };
    brain::train::run(args, heard)
}

/// What the recogniser made of a set of utterances.
struct Heard {
    /// The examples whose utterance was heard, with the transcript as the utterance.
    examples: Vec<CorpusExample>,
    /// The same examples as written.
    written: Vec<CorpusExample>,
    /// Utterances rejected or heard as nothing.
    not_heard: usize,
    /// Mean word error rate (a rejected utterance counts 1).
    word_error_rate: f64,
}

impl std::fmt::Display for Heard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} heard ({} rejected or empty), word error rate {:.1}%",
            self.examples.len(),
            self.not_heard,
            100.0 * self.word_error_rate
        )
    }
}

/// One cached transcript.
#[derive(Debug, Serialize, Deserialize)]
struct CacheLine {
    /// The model file's name and a fingerprint of the recogniser's settings.
    whisper: String,
    voice: String,
    wpm: u32,
    text: String,
    /// The accepted text; empty when nothing was accepted.
    heard: String,
}

type CacheKey = (String, String, u32, String);

/// Transcripts heard before, appended to as new ones come (a killed run keeps what it heard).
struct TranscriptCache {
    whisper: String,
    known: HashMap<CacheKey, String>,
    file: Option<std::fs::File>,
}

impl TranscriptCache {
    /// Opens `<cache>/heard/transcripts.jsonl`; without a cache directory nothing is kept.
    fn open(whisper: &Path) -> Self {
        use sha2::Digest as _;
        let settings = sha2::Sha256::digest(asr::cli::recogniser_settings().as_bytes());
        let fingerprint = whisper_models::download::hex(&settings[..8]);
        let whisper = format!(
            "{} {fingerprint}",
            whisper
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        );
        let dir = asr::transcriber::cache_dir(
            std::env::var_os("EMBODIED_CACHE_DIR").map(PathBuf::from),
            std::env::var_os("HOME").map(PathBuf::from),
        )
        .map(|cache| cache.join("heard"));
        let path = dir.as_ref().map(|dir| dir.join("transcripts.jsonl"));
        let known = path
            .as_ref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| {
                text.lines()
                    // A line cut short by a killed run is skipped, not fatal.
                    .filter_map(|line| serde_json::from_str::<CacheLine>(line).ok())
                    .map(|l| ((l.whisper, l.voice, l.wpm, l.text), l.heard))
                    .collect()
            })
            .unwrap_or_default();
        let file = dir.zip(path).and_then(|(dir, path)| {
            std::fs::create_dir_all(&dir).ok()?;
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        });
        Self {
            whisper,
            known,
            file,
        }
    }

    fn key(&self, voice: &str, wpm: u32, text: &str) -> CacheKey {
        (self.whisper.clone(), voice.to_owned(), wpm, text.to_owned())
    }

    fn get(&self, voice: &str, wpm: u32, text: &str) -> Option<&str> {
        self.known
            .get(&self.key(voice, wpm, text))
            .map(String::as_str)
    }

    fn put(&mut self, voice: &str, wpm: u32, text: &str, heard: &str) {
        if let Some(file) = &mut self.file {
            let line = CacheLine {
                whisper: self.whisper.clone(),
                voice: voice.to_owned(),
                wpm,
                text: text.to_owned(),
                heard: heard.to_owned(),
            };
            if let Ok(json) = serde_json::to_string(&line) {
                // The cache only saves time: a failed write is not an error.
                let _ = writeln!(file, "{json}");
            }
        }
        self.known
            .insert(self.key(voice, wpm, text), heard.to_owned());
    }
}

/// Speaks and transcribes each example (the `i`-th with the `i`-th voice, cyclically), from
/// the cache where it was heard before; with a progress bar unless `quiet`.
fn hear(examples: &[&CorpusExample], whisper: Option<&Path>, quiet: bool) -> anyhow::Result<Heard> {
    let whisper = asr::cli::model_path(whisper);
    let mut cache = TranscriptCache::open(&whisper);
    let prompts = examples
        .iter()
        .map(|e| Prompt::parse(&e.prompt).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let voices = VOICES.iter().cycle();
    // Loading whisper takes a while: only when something is new.
    let mut recogniser = if prompts
        .iter()
        .zip(voices.clone())
        .any(|(p, (voice, wpm))| cache.get(voice, *wpm, &p.utterance).is_none())
    {
        Some(asr::cli::recogniser(Some(&whisper))?)
    } else {
        None
    };
    let params = asr::Params::default();
    let scratch = std::env::temp_dir().join(format!("embodied-hear-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let bar = (!quiet).then(|| {
        let bar = indicatif::ProgressBar::new(examples.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "hear [{elapsed_precise}<{eta_precise}] {wide_bar} {pos}/{len}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let mut heard = Heard {
        examples: Vec::with_capacity(examples.len()),
        written: Vec::with_capacity(examples.len()),
        not_heard: 0,
        word_error_rate: 0.0,
    };
    let mut wer_sum = 0.0;
    let mut result = Ok(());
    for ((example, prompt), (voice, wpm)) in examples.iter().zip(&prompts).zip(voices) {
        let (voice, wpm) = (*voice, *wpm);
        let text = match (
            cache.get(voice, wpm, &prompt.utterance),
            recogniser.as_mut(),
        ) {
            (Some(text), _) => text.to_owned(),
            (None, Some(recogniser)) => {
                match transcribe(&prompt.utterance, voice, wpm, &params, recogniser, &scratch) {
                    Ok(text) => {
                        cache.put(voice, wpm, &prompt.utterance, &text);
                        text
                    }
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            (None, None) => anyhow::bail!("no recogniser for an utterance not in the cache"),
        };
        let reference = prompt.utterance.to_lowercase();
        match Prompt::new(prompt.grounding.clone(), &text) {
            Ok(as_heard) => {
                wer_sum += asr::text::word_error_rate(&reference, &text.to_lowercase());
                heard.examples.push(CorpusExample {
                    prompt: as_heard.to_text(),
                    noisy: true,
                    ..(*example).clone()
                });
                heard.written.push((*example).clone());
            }
            Err(_) => {
                heard.not_heard += 1;
                wer_sum += 1.0;
            }
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result?;
    heard.word_error_rate = wer_sum / examples.len().max(1) as f64;
    Ok(heard)
}

/// The text the recogniser accepts from `text` spoken by eSpeak NG with `voice` at `wpm`.
fn transcribe(
    text: &str,
    voice: &str,
    wpm: u32,
    params: &asr::Params,
    recogniser: &mut asr::recognise::Recogniser<asr::transcriber::WhisperTranscriber>,
    scratch: &Path,
) -> anyhow::Result<String> {
    let speech = asr::cli::synthesise(text, voice, wpm, scratch)?;
    let mut samples = vec![0.0; PAD_SAMPLES];
    samples.extend(speech);
    samples.extend(std::iter::repeat_n(0.0, PAD_SAMPLES));
    let utterances = asr::pipeline::transcribe_samples(&samples, params, recogniser)?;
    Ok(asr::pipeline::accepted_text(&utterances))
}
