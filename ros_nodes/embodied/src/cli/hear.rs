//! `embodied hear-heldout`: the brain's held-out examples as our speech recognition hears
//! them. Each clean held-out utterance is spoken by eSpeak NG (voices and speeds vary) and
//! transcribed by the recogniser with the node's settings (VAD, endpointing, whisper,
//! guards); the example keeps its grounding and expected answer, with the utterance replaced
//! by the transcript. `embodied eval --heard FILE` then scores the model on what the ASR really
//! produced, not on simulated noise.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use brain::corpus::CorpusExample;
use brain::prompt::Prompt;

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
    let (_, heldout) = brain::eval::heldout_examples(&args.root, &plan)?;
    let clean: Vec<&CorpusExample> = heldout
        .iter()
        .filter(|e| !e.noisy)
        .take(args.limit)
        .collect();
    let mut recogniser = asr::cli::recogniser(args.whisper.as_deref())?;
    let params = asr::Params::default();
    let scratch = std::env::temp_dir().join(format!("embodied-hear-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let bar = (!args.quiet).then(|| {
        let bar = indicatif::ProgressBar::new(clean.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "hear [{elapsed_precise}<{eta_precise}] {wide_bar} {pos}/{len}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let result = hear_all(&clean, &mut recogniser, &params, &scratch, bar.as_ref());
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let (heard, not_heard, wer_sum) = result?;
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&args.out)
            .with_context(|| format!("creating {}", args.out.display()))?,
    );
    for example in &heard {
        writeln!(file, "{}", serde_json::to_string(example)?)?;
    }
    file.flush()?;
    let spoken = heard.len() + not_heard;
    println!(
        "{} of {spoken} held-out utterances heard ({not_heard} rejected or empty), word error \
         rate {:.1}% -> {}",
        heard.len(),
        100.0 * wer_sum / spoken.max(1) as f64,
        args.out.display()
    );
    Ok(())
}

/// Speaks and transcribes each example: the examples heard, the count not heard, and the sum
/// of word error rates (a rejected utterance counts 1).
fn hear_all(
    examples: &[&CorpusExample],
    recogniser: &mut asr::recognise::Recogniser<asr::transcriber::WhisperTranscriber>,
    params: &asr::Params,
    scratch: &Path,
    bar: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<(Vec<CorpusExample>, usize, f64)> {
    let mut heard = Vec::with_capacity(examples.len());
    let (mut not_heard, mut wer_sum) = (0usize, 0.0);
    for (i, example) in examples.iter().enumerate() {
        let prompt = Prompt::parse(&example.prompt)?;
        let (voice, wpm) = VOICES[i % VOICES.len()];
        let speech = asr::cli::synthesise(&prompt.utterance, voice, wpm, scratch)?;
        let mut samples = vec![0.0; PAD_SAMPLES];
        samples.extend(speech);
        samples.extend(std::iter::repeat_n(0.0, PAD_SAMPLES));
        let utterances = asr::pipeline::transcribe_samples(&samples, params, recogniser)?;
        let text = asr::pipeline::accepted_text(&utterances);
        let reference = prompt.utterance.to_lowercase();
        match Prompt::new(prompt.grounding.clone(), &text) {
            Ok(as_heard) => {
                wer_sum += asr::text::word_error_rate(&reference, &text.to_lowercase());
                heard.push(CorpusExample {
                    prompt: as_heard.to_text(),
                    noisy: true,
                    ..(*example).clone()
                });
            }
            Err(_) => {
                not_heard += 1;
                wer_sum += 1.0;
            }
        }
        if let Some(bar) = bar {
            bar.inc(1);
        }
    }
    Ok((heard, not_heard, wer_sum))
}
