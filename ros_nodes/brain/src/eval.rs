//! `embodied eval`: the assistant model against the held-out template split, MCSD and the
//! same-size Transformer baseline side by side.
//!
//! Each held-out example is answered through exactly the path the brain uses
//! ([`crate::assistant`]: one prefill of the prompt, constrained greedy decoding; then the
//! dialogue's drop of steps nobody asked for, [`crate::dialogue::unasked`]). Consecutive
//! examples form conversations of a few turns, so the recurrent state (KV cache for the
//! Transformer) carries earlier turns as it does in use. Scores:
//! - exact action match: the decoded action list equals the expected one (kinds, order and every
//!   argument); reported overall, on clean and noisy (ASR-like) utterances, per step kind (the
//!   examples whose expected answer contains that kind) and for utterances with no action;
//! - exact step match: actions and memory operations;
//! - latency per utterance (prefill + decoding) p50/p95 and answer tokens per second.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use candle_core::Device;
use mcsd::checkpoint;
use mcsd::decoder::Decoder;
use mcsd::tokenizer::Tokenizer;
use serde::Serialize;

use crate::actions::ActionKind;
use crate::assistant::{ModelIo, respond_with};
use crate::corpus::{Corpus, CorpusExample, load_from_root};
use crate::error::Error;
use crate::prompt::{ModelOutput, Prompt};
use crate::train::TrainPlan;

fn model_error(what: impl Into<String>) -> impl FnOnce(mcsd::error::Error) -> Error {
    let what = what.into();
    move |source| Error::Model { what, source }
}

/// Correct out of total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Examples answered exactly.
    pub correct: usize,
    /// Examples.
    pub total: usize,
}

impl Score {
    fn add(&mut self, correct: bool) {
        self.total += 1;
        self.correct += usize::from(correct);
    }

    /// Share correct, in [0, 1] (0 when empty).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// One wrong answer (the first few are kept for inspection).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    /// The prompt.
    pub prompt: String,
    /// The expected answer.
    pub expected: String,
    /// What the model said (or the error).
    pub got: String,
}

/// The evaluation of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEval {
    /// `mcsd` or `transformer`.
    pub model: String,
    /// Checkpoint directory.
    pub dir: PathBuf,
    /// Trainable parameters.
    pub parameters: usize,
    /// Size of model.safetensors, bytes.
    pub checkpoint_bytes: u64,
    /// Exact action match over all examples.
    pub actions: Score,
    /// Exact action match on clean utterances.
    pub clean: Score,
    /// Exact action match on noisy (ASR-like) utterances.
    pub noisy: Score,
    /// Exact action match on held-out utterances as our ASR heard them (`--heard`).
    pub heard: Option<Score>,
    /// Exact match of actions and memory operations.
    pub steps: Score,
    /// Exact action match per expected step kind (plus `none` for no action).
    pub per_kind: BTreeMap<String, Score>,
    /// Exact action match per category.
    pub per_category: BTreeMap<String, Score>,
    /// Answers that failed to parse or decode (should be 0: the grammar guarantees it).
    pub errors: usize,
    /// Median latency per utterance, ms.
    pub latency_p50_ms: f64,
    /// 95th-percentile latency per utterance, ms.
    pub latency_p95_ms: f64,
    /// Mean prompt tokens per utterance.
    pub mean_prompt_tokens: f64,
    /// Mean answer tokens per utterance.
    pub mean_answer_tokens: f64,
    /// Answer tokens per second of wall time (prefill included).
    pub tokens_per_s: f64,
    /// Per-sequence state after a conversation's last turn, bytes (mean).
    pub mean_state_bytes: f64,
    /// The first wrong answers.
    pub misses: Vec<Miss>,
    /// The first wrong answers to what our ASR heard (`--heard`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub heard_misses: Vec<Miss>,
}

/// The whole evaluation (`--json` prints it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// sha256 of the corpus the held-out examples come from.
    pub corpus_sha256: String,
    /// Held-out examples evaluated.
    pub examples: usize,
    /// Turns per conversation (state carried between them).
    pub turns_per_conversation: usize,
    /// Threads candle used.
    pub threads: usize,
    /// Memory-dialogue accuracy of the MCSD assistant through the brain's dialogue loop with a
    /// real memory file ([`crate::dialogue::suite`]); `None` when skipped.
    pub memory_dialogues: Option<Score>,
    /// Dialogues of the memory suite that failed (first failing turn each).
    pub memory_failures: Vec<crate::dialogue::suite::SuiteFailure>,
    /// One entry per model.
    pub models: Vec<ModelEval>,
}

/// How to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Evaluate the first this many held-out examples (all when larger).
    pub limit: usize,
    /// Turns per conversation.
    pub turns_per_conversation: usize,
    /// Wrong answers kept per model.
    pub keep_misses: usize,
    /// Run the memory-dialogue suite too.
    pub memory_dialogues: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        Self {
            limit: 1000,
            turns_per_conversation: 8,
            keep_misses: 20,
            memory_dialogues: true,
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn category_name(example: &CorpusExample) -> String {
    serde_json::to_value(example.category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Evaluates one decoder on `examples`.
///
/// # Errors
/// [`Error::Model`] when a forward pass fails (wrong answers are scored, not errors);
/// [`Error::ParsePrompt`]/[`Error::ParseOutput`] for a malformed corpus example.
#[allow(clippy::too_many_arguments)] // private glue for the two architectures
pub(crate) fn evaluate_decoder<M: Decoder>(
    name: &str,
    dir: &Path,
    parameters: usize,
    model: &M,
    tokenizer: &Tokenizer,
    io: &ModelIo,
    examples: &[CorpusExample],
    options: &EvalOptions,
    progress: bool,
) -> Result<ModelEval, Error> {
    let mut eval = ModelEval {
        model: name.to_owned(),
        dir: dir.to_path_buf(),
        parameters,
        checkpoint_bytes: std::fs::metadata(dir.join(checkpoint::WEIGHTS_FILE))
            .map(|m| m.len())
            .unwrap_or(0),
        actions: Score::default(),
        clean: Score::default(),
        noisy: Score::default(),
        heard: None,
        steps: Score::default(),
        per_kind: BTreeMap::new(),
        per_category: BTreeMap::new(),
        errors: 0,
        latency_p50_ms: 0.0,
        latency_p95_ms: 0.0,
        mean_prompt_tokens: 0.0,
        mean_answer_tokens: 0.0,
        tokens_per_s: 0.0,
        mean_state_bytes: 0.0,
        misses: Vec::new(),
        heard_misses: Vec::new(),
    };
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(examples.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len}",
        ) {
            bar.set_style(style);
        }
        bar.set_prefix(format!("eval {name}"));
        bar
    });
    let mut latencies = Vec::with_capacity(examples.len());
    let (mut prompt_tokens, mut answer_tokens) = (0usize, 0usize);
    let mut total_time = Duration::ZERO;
    let mut state_bytes = Vec::new();
    let turns = options.turns_per_conversation.max(1);
    for conversation in examples.chunks(turns) {
        let mut state = model
            .new_state(1)
            .map_err(model_error("allocating the decoder state"))?;
        for example in conversation {
            let prompt = Prompt::parse(&example.prompt)?;
            let expected = ModelOutput::parse(&example.answer)?;
            let (expected_understanding, expected_memory) = expected.into_parts();
            let (got_text, got) = match respond_with(model, tokenizer, io, &mut state, &prompt) {
                Ok(turn) => {
                    latencies.push(turn.elapsed.as_secs_f64() * 1e3);
                    total_time += turn.elapsed;
                    prompt_tokens += turn.prompt_tokens;
                    answer_tokens += turn.answer_tokens;
                    let (mut understanding, mut memory) = turn.output.into_parts();
                    let text = match crate::dialogue::unasked::keep_to_what_was_asked(
                        &mut understanding,
                        &mut memory,
                        &prompt.utterance,
                        &io.lexicon,
                    ) {
                        Some(_) => {
                            ModelOutput::from_parts(understanding.clone(), memory.clone()).to_text()
                        }
                        None => turn.text,
                    };
                    (text, Some((understanding, memory)))
                }
                Err(Error::Model { what, source }) => {
                    return Err(Error::Model { what, source });
                }
                Err(error) => {
                    eval.errors += 1;
                    (error.to_string(), None)
                }
            };
            let (actions_ok, steps_ok) = match &got {
                Some((understanding, memory)) => {
                    let actions_ok = understanding.actions == expected_understanding.actions;
                    (actions_ok, actions_ok && *memory == expected_memory)
                }
                None => (false, false),
            };
            eval.actions.add(actions_ok);
            eval.steps.add(steps_ok);
            if example.noisy {
                eval.noisy.add(actions_ok);
            } else {
                eval.clean.add(actions_ok);
            }
            let mut kinds: Vec<ActionKind> = example.kinds.clone();
            kinds.sort_unstable();
            kinds.dedup();
            if kinds.is_empty() {
                eval.per_kind
                    .entry("none".into())
                    .or_default()
                    .add(actions_ok);
            }
            for kind in kinds {
                eval.per_kind
                    .entry(kind.name().into())
                    .or_default()
                    .add(actions_ok);
            }
            eval.per_category
                .entry(category_name(example))
                .or_default()
                .add(actions_ok);
            if !steps_ok && eval.misses.len() < options.keep_misses {
                eval.misses.push(Miss {
                    prompt: example.prompt.clone(),
                    expected: example.answer.clone(),
                    got: got_text,
                });
            }
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
        state_bytes.push(M::state_bytes(&state) as f64);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    latencies.sort_by(f64::total_cmp);
    let answered = latencies.len().max(1) as f64;
    eval.latency_p50_ms = percentile(&latencies, 0.5);
    eval.latency_p95_ms = percentile(&latencies, 0.95);
    eval.mean_prompt_tokens = prompt_tokens as f64 / answered;
    eval.mean_answer_tokens = answer_tokens as f64 / answered;
    eval.tokens_per_s = answer_tokens as f64 / total_time.as_secs_f64().max(1e-9);
    eval.mean_state_bytes = state_bytes.iter().sum::<f64>() / state_bytes.len().max(1) as f64;
    Ok(eval)
}

/// Evaluates the MCSD checkpoint in `dir`.
///
/// # Errors
/// Loading and model errors.
pub fn evaluate_mcsd(
    dir: &Path,
    examples: &[CorpusExample],
    options: &EvalOptions,
    progress: bool,
) -> Result<ModelEval, Error> {
    let loaded = checkpoint::load_model::<mcsd::model::Model>(dir, &Device::Cpu)
        .map_err(model_error(format!("loading {}", dir.display())))?;
    let io = ModelIo::load(dir)?;
    evaluate_decoder(
        "mcsd",
        dir,
        loaded.model.n_params(),
        &loaded.model,
        &loaded.tokenizer,
        &io,
        examples,
        options,
        progress,
    )
}

/// Evaluates the Transformer baseline checkpoint in `dir`.
///
/// # Errors
/// Loading and model errors.
pub fn evaluate_transformer(
    dir: &Path,
    examples: &[CorpusExample],
    options: &EvalOptions,
    progress: bool,
) -> Result<ModelEval, Error> {
    let loaded = checkpoint::load_model::<mcsd::transformer::Transformer>(dir, &Device::Cpu)
        .map_err(model_error(format!("loading {}", dir.display())))?;
    let io = ModelIo::load(dir)?;
    evaluate_decoder(
        "transformer",
        dir,
        loaded.model.n_params(),
        &loaded.model,
        &loaded.tokenizer,
        &io,
        examples,
        options,
        progress,
    )
}

fn pct(score: &Score) -> String {
    if score.total == 0 {
        "–".into()
    } else {
        format!(
            "{:.1}% ({}/{})",
            100.0 * score.accuracy(),
            score.correct,
            score.total
        )
    }
}

impl EvalReport {
    /// The eval table (markdown), one column per model.
    pub fn to_markdown(&self) -> String {
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        let col = |f: &dyn Fn(&ModelEval) -> String| self.models.iter().map(f).collect::<Vec<_>>();
        rows.push(("parameters".into(), col(&|m| m.parameters.to_string())));
        rows.push((
            "checkpoint (MB)".into(),
            col(&|m| format!("{:.1}", m.checkpoint_bytes as f64 / 1e6)),
        ));
        rows.push((
            "exact action match, held-out".into(),
            col(&|m| pct(&m.actions)),
        ));
        rows.push(("… clean utterances".into(), col(&|m| pct(&m.clean))));
        rows.push((
            "… noisy (ASR-like) utterances".into(),
            col(&|m| pct(&m.noisy)),
        ));
        if self.models.iter().any(|m| m.heard.is_some()) {
            rows.push((
                "… heard by our ASR (eSpeak NG speech → whisper)".into(),
                col(&|m| m.heard.as_ref().map(pct).unwrap_or_else(|| "–".into())),
            ));
        }
        rows.push((
            "exact match incl. memory ops".into(),
            col(&|m| pct(&m.steps)),
        ));
        let mut kinds: Vec<String> = ActionKind::ALL
            .iter()
            .map(|k| k.name().to_owned())
            .collect();
        kinds.push("none".into());
        for kind in kinds {
            rows.push((
                format!("… step kind {kind}"),
                col(&|m| m.per_kind.get(&kind).map(pct).unwrap_or_else(|| "–".into())),
            ));
        }
        let categories: std::collections::BTreeSet<String> = self
            .models
            .iter()
            .flat_map(|m| m.per_category.keys().cloned())
            .collect();
        for category in categories {
            rows.push((
                format!("… category {category}"),
                col(&|m| {
                    m.per_category
                        .get(&category)
                        .map(pct)
                        .unwrap_or_else(|| "–".into())
                }),
            ));
        }
        rows.push((
            "memory dialogues (brain dialogue loop)".into(),
            col(&|m| match (&self.memory_dialogues, m.model.as_str()) {
                (Some(score), "mcsd") => pct(score),
                (Some(_), _) => "not run (MCSD only)".into(),
                (None, _) => "not run".into(),
            }),
        ));
        rows.push(("unparsable answers".into(), col(&|m| m.errors.to_string())));
        rows.push((
            "latency per utterance p50 / p95 (ms)".into(),
            col(&|m| format!("{:.1} / {:.1}", m.latency_p50_ms, m.latency_p95_ms)),
        ));
        rows.push((
            "tokens per utterance, prompt / answer".into(),
            col(&|m| format!("{:.1} / {:.1}", m.mean_prompt_tokens, m.mean_answer_tokens)),
        ));
        rows.push((
            "answer tokens/s (prefill included)".into(),
            col(&|m| format!("{:.0}", m.tokens_per_s)),
        ));
        rows.push((
            format!("state after {} turns (KB)", self.turns_per_conversation),
            col(&|m| format!("{:.1}", m.mean_state_bytes / 1024.0)),
        ));
        let mut out = String::new();
        out.push_str("| metric |");
        for m in &self.models {
            out.push_str(&format!(" {} |", m.model));
        }
        out.push_str("\n|---|");
        for _ in &self.models {
            out.push_str("---|");
        }
        out.push('\n');
        for (name, values) in rows {
            out.push_str(&format!("| {name} |"));
            for v in values {
                out.push_str(&format!(" {v} |"));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "\n{} held-out examples (templates unseen in training), conversations of {} turns, \
             {} threads, corpus sha256 {}.\n",
            self.examples, self.turns_per_conversation, self.threads, self.corpus_sha256
        ));
        out
    }
}

/// Arguments of `embodied eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Workspace (or installed share) root holding config/corpus and config/world.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The MCSD checkpoint (default: the shipped one).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The Transformer baseline checkpoint; skipped when absent.
    #[arg(long, default_value = "target/assistant-baseline")]
    pub baseline: PathBuf,
    /// A JSON training plan whose corpus options give the held-out split (default: the
    /// shipped model's plan, read from its training.json when present).
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// Held-out examples to evaluate (the first N).
    #[arg(long, default_value_t = EvalOptions::default().limit)]
    pub limit: usize,
    /// Turns per conversation (state carried between them).
    #[arg(long, default_value_t = EvalOptions::default().turns_per_conversation)]
    pub turns: usize,
    /// Print the report as JSON instead of the markdown table.
    #[arg(long)]
    pub json: bool,
    /// Also write the training report (REPORT.md with this table) into the checkpoint
    /// directory.
    #[arg(long)]
    pub write_report: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Skip the memory-dialogue suite.
    #[arg(long)]
    pub no_memory_dialogues: bool,
    /// Wrong answers kept per model in the JSON report.
    #[arg(long, default_value_t = EvalOptions::default().keep_misses)]
    pub misses: usize,
    /// Also score held-out utterances as our ASR heard them (the JSONL `embodied hear-heldout`
    /// writes).
    #[arg(long)]
    pub heard: Option<PathBuf>,
}

/// Reads the JSONL of corpus examples `embodied hear-heldout` writes.
///
/// # Errors
/// Unreadable file or a malformed line (named).
pub fn read_examples(path: &Path) -> anyhow::Result<Vec<CorpusExample>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .map_err(|e| anyhow::anyhow!("{} line {}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Runs the memory-dialogue suite on the assistant in `dir` (aliases from the semantic map
/// under `root`).
///
/// # Errors
/// Loading errors and memory-file errors.
pub fn evaluate_memory_dialogues(
    root: &Path,
    dir: &Path,
) -> anyhow::Result<crate::dialogue::suite::SuiteScore> {
    let (map, _) = load_from_root(root)?;
    let aliases = embodied_memory::Aliases::from_semantic_map(&map);
    let model = std::sync::Arc::new(crate::assistant::AssistantModel::load(dir)?);
    let suite = crate::dialogue::suite::memory_dialogue_suite();
    Ok(crate::dialogue::suite::score_memory_dialogues(
        &model, &aliases, &suite,
    )?)
}

/// The plan a checkpoint was trained with (its training.json), else the built-in plan.
pub fn plan_of(dir: &Path) -> TrainPlan {
    checkpoint::read_json::<crate::train::TrainingRecord>(&dir.join(crate::train::TRAINING_FILE))
        .map(|record| record.plan)
        .unwrap_or_default()
}

/// Builds the held-out examples of `plan` under `root`.
///
/// # Errors
/// Corpus errors.
pub fn heldout_examples(
    root: &Path,
    plan: &TrainPlan,
) -> Result<(String, Vec<CorpusExample>), Error> {
    let (map, set) = load_from_root(root)?;
    // Only the held-out split is needed; the split of templates does not depend on the sizes,
    // and the held-out stream is independent of the training one.
    let options = crate::corpus::CorpusOptions {
        train_examples: 1,
        ..plan.corpus.clone()
    };
    let corpus = Corpus::generate(&set, &map, &options)?;
    Ok((corpus.sha256, corpus.heldout))
}

/// Evaluates the MCSD checkpoint in `dir` and (when present) the baseline in `baseline` on the
/// first `options.limit` held-out examples of `plan`, plus the memory-dialogue suite.
///
/// # Errors
/// Any failure of loading, corpus generation or decoding.
pub fn build_report(
    root: &Path,
    dir: &Path,
    baseline: &Path,
    plan: &TrainPlan,
    options: &EvalOptions,
    heard: Option<&[CorpusExample]>,
    progress: bool,
) -> anyhow::Result<EvalReport> {
    let (_, mut examples) = heldout_examples(root, plan)?;
    examples.truncate(options.limit);
    let corpus_sha256 = checkpoint::read_json::<crate::train::TrainingRecord>(
        &dir.join(crate::train::TRAINING_FILE),
    )
    .map(|r| r.corpus_sha256)
    .unwrap_or_else(|_| "unknown (no training.json)".into());
    let mut models = vec![evaluate_mcsd(dir, &examples, options, progress)?];
    if let Some(heard) = heard {
        let on_heard = evaluate_mcsd(dir, heard, options, progress)?;
        models[0].heard = Some(on_heard.actions);
        models[0].heard_misses = on_heard.misses;
    }
    if baseline.join(checkpoint::WEIGHTS_FILE).is_file() {
        let mut eval = evaluate_transformer(baseline, &examples, options, progress)?;
        if let Some(heard) = heard {
            let on_heard = evaluate_transformer(baseline, heard, options, progress)?;
            eval.heard = Some(on_heard.actions);
            eval.heard_misses = on_heard.misses;
        }
        models.push(eval);
    } else {
        tracing::warn!(dir = %baseline.display(), "no Transformer baseline checkpoint; skipped");
    }
    let (memory_dialogues, memory_failures) = if options.memory_dialogues {
        let suite = evaluate_memory_dialogues(root, dir)?;
        (
            Some(Score {
                correct: suite.passed,
                total: suite.dialogues,
            }),
            suite.failures,
        )
    } else {
        (None, Vec::new())
    };
    Ok(EvalReport {
        corpus_sha256,
        examples: examples.len(),
        turns_per_conversation: options.turns_per_conversation,
        threads: candle_core::utils::get_num_threads(),
        memory_dialogues,
        memory_failures,
        models,
    })
}

/// Runs `eval`: prints the table (or JSON) to stdout.
///
/// # Errors
/// Any failure of loading, corpus generation or decoding.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match &args.model {
        Some(dir) => dir.clone(),
        None => crate::assistant::AssistantModel::find_default()?,
    };
    let plan = match &args.plan {
        Some(path) => checkpoint::read_json::<TrainPlan>(path)
            .map_err(|e| anyhow::anyhow!("reading the plan {}: {e}", path.display()))?,
        None => plan_of(&dir),
    };
    let options = EvalOptions {
        limit: args.limit,
        turns_per_conversation: args.turns,
        memory_dialogues: !args.no_memory_dialogues,
        keep_misses: args.misses,
    };
    let heard = args.heard.as_deref().map(read_examples).transpose()?;
    let report = build_report(
        &args.root,
        &dir,
        &args.baseline,
        &plan,
        &options,
        heard.as_deref(),
        !args.quiet,
    )?;
    let table = report.to_markdown();
    if args.write_report {
        let path = crate::train::write_report(&dir, &args.baseline, &table)?;
        tracing::info!(path = %path.display(), "training report written");
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write!(out, "{table}")?;
    }
    Ok(())
}
