//! Consolidation: what users taught ([`crate::teach`]) goes into the model's weights.
//!
//! Low-rank adapters ([`mcsd::adapt`]) on the MLPs' projections are fine-tuned on
//! the taught examples (each in several groundings) mixed into a replay sample of the original
//! training corpus; the base weights never change. The candidate is then measured against the
//! model in use (base plus the adapter accepted before, if any):
//! - exact action match on the held-out template split must not drop by more than
//!   [`LearnOptions::max_heldout_drop_points`];
//! - every way of saying stop (the `== stop` templates) must still be answered with STOP;
//! - the taught examples, read without the rewriting that made them work at once, must be
//!   answered at least as well as before.
//!
//! An accepted adapter is written next to the memory (`<memory>.adapters/vN/`: the factors, the
//! extended slot lexicon, the report) and `current` names it; a rejected one is dropped, and
//! the previous stays in use (rollback). The examples are then marked consolidated.
//!
//! Aliases are names, not phrasing: they join the slot lexicon (the model reads "the library"
//! as the office's placeholder), so they need no weights.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use candle_core::Device;
use embodied_memory::{Memory, Taught, TaughtKind, Time};
use embodied_world::Named;
use mcsd::adapt::{AdapterStart, AdapterTrainer, LoraConfig};
use mcsd::checkpoint;
use mcsd::model::Model;
use mcsd::train::{PackedTokens, TrainConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::assistant::{AssistantModel, ModelIo, respond_fresh};
use crate::corpus::{
    Category, Corpus, CorpusExample, CorpusOptions, Intent, Template, load_from_root,
};
use crate::error::Error;
use crate::eval::{EvalOptions, evaluate_decoder, plan_of};
use crate::prompt::{Grounding, ModelOutput, Prompt};
use crate::slots::SlotLexicon;
use crate::teach::words;

/// The replay is drawn from this many times its size, and every stop example of the pool joins
/// it, with every stop phrasing of the training split said alone: stopping is rehearsed more
/// than anything else.
const STOP_ANCHOR_POOL: usize = 4;

/// Every this many steps, a step trains on the windows of taught examples.
const TAUGHT_STEP_EVERY: usize = 3;

/// The weights adapted: the MLPs' projections. Adapting the mixers' projections too (they
/// shape the recurrent state) cost held-out accuracy for nothing in return: one taught phrase,
/// same data and schedule, held-out -1.5 vs -0.8 points at 90 steps; at the early stop of a
/// test run -7.8 vs -1.5.
const ADAPTED: [&str; 2] = ["mlp.gate_up.weight", "mlp.down.weight"];

/// The adapter's factors in an adapter directory.
pub const ADAPTER_FILE: &str = "adapter.safetensors";
/// The consolidation report in an adapter directory.
pub const REPORT_FILE: &str = "consolidation.json";
/// In the adapter store: the name of the accepted adapter directory.
pub const CURRENT_FILE: &str = "current";

/// How consolidation trains and decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearnOptions {
    /// Adapter optimizer steps, at least.
    pub steps: usize,
    /// More steps for many taught examples: this many per example, up to `max_steps`.
    pub steps_per_taught: usize,
    /// Most steps of one consolidation.
    pub max_steps: usize,
    /// Peak learning rate of the adapters.
    pub learning_rate: f64,
    /// Rank of the adapters.
    pub rank: usize,
    /// Training examples of the original corpus replayed alongside.
    pub replay_examples: usize,
    /// Groundings each taught example is shown in.
    pub copies_per_taught: usize,
    /// Held-out examples the candidate is measured on.
    pub heldout_examples: usize,
    /// Largest drop of held-out exact action match accepted, in percentage points.
    pub max_heldout_drop_points: f64,
    /// Seed of data order and adapter initialisation.
    pub seed: u64,
}

impl Default for LearnOptions {
    fn default() -> Self {
        Self {
            // Measured on the 2000-step checkpoint with 1 and 8 taught phrases: 3e-3 over
            // 300-400 steps learned them all and kept held-out within 0.5 points; 1e-3 over 120
            // steps learned few and still drifted, and stopping early (at 30 of 90 steps,
            // mid-schedule) drifted most. On the 4000-step checkpoint, 10 phrases drift 1.5-3.7
            // points at every rate from 3e-4 to 3e-3 (and with 300 steps), so none is better.
            steps: 300,
            steps_per_taught: 50,
            max_steps: 900,
            learning_rate: 3e-3,
            rank: 8,
            replay_examples: 2400,
            copies_per_taught: 12,
            heldout_examples: 400,
            max_heldout_drop_points: 0.5,
            seed: 9,
        }
    }
}

/// What one consolidation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsolidationReport {
    /// Taught examples trained on.
    pub taught: usize,
    /// Whether the candidate replaced the adapter in use.
    pub accepted: bool,
    /// Why (the failed check, or "accepted").
    pub reason: String,
    /// Directory of the accepted adapter.
    pub adapter: Option<PathBuf>,
    /// Optimizer steps run.
    pub steps: usize,
    /// Adapter parameters trained.
    pub trainable_parameters: usize,
    /// Masked loss of the first and last step.
    pub loss_first: f32,
    /// Masked loss of the last step.
    pub loss_last: f32,
    /// Seconds of training.
    pub train_seconds: f64,
    /// Seconds in all (data, training, both evaluations, writing).
    pub total_seconds: f64,
    /// Peak resident memory of the process during the consolidation, MiB (0 where unknown).
    pub peak_rss_mib: f64,
    /// Held-out exact action match of the model in use, percent.
    pub heldout_before: f64,
    /// ... and of the candidate.
    pub heldout_after: f64,
    /// Taught examples answered as taught without rewriting, model in use, percent.
    pub taught_before: f64,
    /// ... and the candidate.
    pub taught_after: f64,
    /// Taught examples the candidate still answers otherwise (`utterance -> answer`).
    pub taught_missed: Vec<String>,
    /// Stop phrasings (the `== stop` templates) answered with STOP by the model in use, of all.
    pub stop_before: (usize, usize),
    /// ... and by the candidate; it is refused if any that stopped before no longer does.
    pub stop_after: (usize, usize),
}

impl ConsolidationReport {
    /// One line for logs and the terminal.
    pub fn line(&self) -> String {
        format!(
            "consolidation {}: {} taught, {} steps in {:.1} s ({:.1} s in all, peak {:.0} MiB); held-out {:.1}% -> {:.1}%, taught {:.0}% -> {:.0}%, stop {}/{} -> {}/{}{}",
            if self.accepted {
                "accepted"
            } else {
                "rolled back"
            },
            self.taught,
            self.steps,
            self.train_seconds,
            self.total_seconds,
            self.peak_rss_mib,
            self.heldout_before,
            self.heldout_after,
            self.taught_before,
            self.taught_after,
            self.stop_before.0,
            self.stop_before.1,
            self.stop_after.0,
            self.stop_after.1,
            if self.accepted {
                String::new()
            } else {
                format!(" ({})", self.reason)
            }
        )
    }
}

/// Why consolidation could not run (a rejected candidate is a report, not an error).
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// The model, corpus or prompts failed.
    #[error(transparent)]
    Brain(#[from] Box<Error>),
    /// The memory failed.
    #[error("memory: {0}")]
    Memory(#[from] embodied_memory::Error),
    /// Reading or writing the adapter store failed.
    #[error("adapter store {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Training failed.
    #[error("training the adapter: {0}")]
    Train(#[from] mcsd::error::Error),
    /// Cancelled (the user spoke); nothing changed.
    #[error("cancelled")]
    Cancelled,
}

impl From<Error> for LearnError {
    fn from(error: Error) -> Self {
        Self::Brain(Box::new(error))
    }
}

/// The accepted adapters, next to a memory file (`memory.sqlite` → `memory.sqlite.adapters/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterStore {
    dir: PathBuf,
}

impl AdapterStore {
    /// The store of the memory file `memory`.
    pub fn next_to(memory: &Path) -> Self {
        let mut name = memory.file_name().unwrap_or_default().to_os_string();
        name.push(".adapters");
        Self {
            dir: memory.with_file_name(name),
        }
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The accepted adapter's directory, if there is one (a missing or dangling `current` is
    /// no adapter).
    pub fn current(&self) -> Option<PathBuf> {
        let name = std::fs::read_to_string(self.dir.join(CURRENT_FILE)).ok()?;
        let dir = self.dir.join(name.trim());
        dir.join(ADAPTER_FILE).is_file().then_some(dir)
    }

    /// The model in use: `base` with the accepted adapter; the base alone (with a warning)
    /// when the adapter does not fit it, e.g. after the base was retrained.
    ///
    /// # Errors
    /// Loading the base fails.
    pub fn load_model(&self, base: &Path) -> Result<AssistantModel, Error> {
        if let Some(adapter) = self.current() {
            match AssistantModel::load_adapted(base, Some(&adapter)) {
                Ok(model) => return Ok(model),
                Err(e) => tracing::warn!(
                    adapter = %adapter.display(),
                    error = %e,
                    "the consolidated adapter does not fit the model: using the model alone"
                ),
            }
        }
        AssistantModel::load(base)
    }

    /// Writes a new adapter directory and makes it current (the `current` file is replaced
    /// atomically, so a crash leaves the previous one in use).
    fn accept(
        &self,
        adapter: &mcsd::adapt::Adapter,
        lexicon: &SlotLexicon,
        report: &mut ConsolidationReport,
    ) -> Result<(), LearnError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LearnError::Io { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let next = (1..)
            .map(|n| format!("v{n}"))
            .find(|name| !self.dir.join(name).exists())
            .unwrap_or_default();
        let dir = self.dir.join(&next);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        adapter.save(&dir.join(ADAPTER_FILE))?;
        lexicon.save(&dir)?;
        report.adapter = Some(dir.clone());
        checkpoint::write_json(&dir.join(REPORT_FILE), report)?;
        checkpoint::write_atomic(&self.dir.join(CURRENT_FILE), |path| {
            std::fs::write(path, &next).map_err(|source| mcsd::error::Error::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        Ok(())
    }
}

/// Peak resident memory since the last [`reset_peak_rss`], MiB (Linux; 0 elsewhere).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Restarts the peak-memory count (Linux `clear_refs`; ignored where unsupported).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The corpus example teaching `taught` in `grounding` (`None` for an alias or an output that
/// does not parse).
fn taught_example(
    taught: &Taught,
    grounding: &Grounding,
    utterance: &str,
) -> Option<CorpusExample> {
    if taught.example.kind == TaughtKind::Alias {
        return None;
    }
    let output = ModelOutput::parse(&taught.example.output).ok()?;
    let prompt = Prompt::new(grounding.clone(), utterance).ok()?;
    let kinds = output
        .clone()
        .into_parts()
        .0
        .actions
        .iter()
        .map(crate::Action::kind)
        .collect();
    Some(CorpusExample {
        prompt: prompt.to_text(),
        answer: output.to_text(),
        intent: "taught".into(),
        category: Category::Command,
        templates: Vec::new(),
        kinds,
        noisy: false,
    })
}

/// Share of `taught` answered with the taught actions in the default grounding, read as said,
/// and the misses (`utterance -> answer`).
fn taught_accuracy(
    model: &Model,
    tokenizer: &mcsd::tokenizer::Tokenizer,
    io: &ModelIo,
    taught: &[&Taught],
) -> Result<(f64, Vec<String>), Error> {
    if taught.is_empty() {
        return Ok((100.0, Vec::new()));
    }
    let mut right = 0usize;
    let mut misses = Vec::new();
    for t in taught {
        let Ok(expected) = ModelOutput::parse(&t.example.output) else {
            continue;
        };
        let turn = respond_fresh(model, tokenizer, io, &t.example.utterance)?;
        if turn.output.clone().into_parts().0.actions == expected.into_parts().0.actions {
            right += 1;
        } else {
            misses.push(format!("{} -> {}", t.example.utterance, turn.text));
        }
    }
    Ok((100.0 * right as f64 / taught.len() as f64, misses))
}

/// For each stop phrasing, whether it is answered with STOP first.
fn stops_kept(
    model: &Model,
    tokenizer: &mcsd::tokenizer::Tokenizer,
    io: &ModelIo,
    stops: &[String],
) -> Result<Vec<bool>, Error> {
    let mut kept = Vec::with_capacity(stops.len());
    for utterance in stops {
        let turn = respond_fresh(model, tokenizer, io, utterance)?;
        kept.push(turn.output.into_parts().0.actions.first() == Some(&crate::Action::Stop));
    }
    Ok(kept)
}

/// Consolidates the taught examples of `memory` into a new adapter over the base checkpoint
/// `base` (templates and map under `root`), accepting or rolling it back (see the module docs).
/// `cancel` is checked between steps. Marks the examples consolidated when accepted.
///
/// # Errors
/// [`LearnError`] when something could not run; a rejected candidate is an `Ok` report.
pub fn consolidate(
    base: &Path,
    root: &Path,
    memory: &mut Memory,
    store: &AdapterStore,
    options: &LearnOptions,
    progress: bool,
    cancel: &AtomicBool,
) -> Result<ConsolidationReport, LearnError> {
    let started = Instant::now();
    reset_peak_rss();
    let taught = memory.taught_examples()?;
    let current = store.load_model(base)?;
    let base_model = AssistantModel::load(base)?;
    let plan = plan_of(base);
    let (map, set) = load_from_root(root)?;
    let corpus = Corpus::generate(
        &set,
        &map,
        &CorpusOptions {
            // More than the replay: the stop examples among the rest anchor STOP.
            train_examples: options.replay_examples.max(1) * STOP_ANCHOR_POOL,
            heldout_examples: options.heldout_examples.max(1),
            heard_examples: 0,
            ..plan.corpus.clone()
        },
    )?;

    // The lexicon of the base, with the words of taught phrasings and the taught aliases.
    let phrasing_words = taught
        .iter()
        .filter(|t| t.example.kind != TaughtKind::Alias)
        .flat_map(|t| words(&t.example.utterance));
    let aliases = taught.iter().filter_map(|t| {
        (t.example.kind == TaughtKind::Alias)
            .then(|| Some((t.example.utterance.clone(), map.resolve(&t.example.output)?)))
            .flatten()
    });
    let lexicon = base_model
        .lexicon()
        .extended(phrasing_words, aliases.collect::<Vec<(String, Named)>>());
    let io = ModelIo {
        lexicon: std::sync::Arc::new(lexicon.clone()),
        ..base_model.io().clone()
    };

    // Replay with the taught examples spread through it, each in several groundings.
    let mut rng = StdRng::seed_from_u64(options.seed);
    let replay = &corpus.train[..options.replay_examples.min(corpus.train.len())];
    let stop_intent = Intent::Stop.name();
    // Every way of saying stop: those of the training split are rehearsed, all are checked.
    let stop_templates: Vec<&Template> = set
        .templates
        .iter()
        .filter(|t| t.intent == Intent::Stop)
        .collect();
    let mut anchors: Vec<mcsd::corpus::Example> = corpus.train[replay.len()..]
        .iter()
        .filter(|e| e.intent == stop_intent)
        .map(|e| e.to_example(&lexicon, |_| false))
        .collect::<Result<_, _>>()?;
    // Every stop phrasing of the training split also as the stop check says it (alone, in a
    // fresh conversation): a sample of the corpus misses some, and phrasings the model only
    // just stopped on drifted first ("stay right there", "brake now").
    if let Some(stop) = corpus.train.iter().find(|e| e.intent == stop_intent) {
        for template in stop_templates
            .iter()
            .filter(|t| corpus.split.train.contains(&t.id))
        {
            let said = CorpusExample {
                prompt: Prompt::new(Grounding::default(), &template.text)?.to_text(),
                templates: vec![template.id.clone()],
                noisy: false,
                ..stop.clone()
            };
            anchors.push(said.to_example(&lexicon, |_| false)?);
        }
    }
    let mut examples: Vec<mcsd::corpus::Example> = replay
        .iter()
        .map(|e| e.to_example(&lexicon, |_| false))
        .collect::<Result<_, _>>()?;
    examples.extend(anchors.iter().cloned());
    let groundings: Vec<Grounding> = replay
        .iter()
        .filter_map(|e| Prompt::parse(&e.prompt).ok().map(|p| p.grounding))
        .collect();
    // Defence in depth: a phrase the model, knowing its words, answers with STOP is not
    // trained (teaching refuses it too, but a memory may hold examples from older builds).
    let mut learned: Vec<&Taught> = Vec::new();
    for t in taught
        .iter()
        .filter(|t| t.example.kind != TaughtKind::Alias)
    {
        let alone = base_model.probe_learned(&t.example.utterance)?;
        if alone
            .output
            .into_parts()
            .0
            .actions
            .contains(&crate::Action::Stop)
        {
            tracing::warn!(utterance = %t.example.utterance, "taught example means stop: not consolidated");
        } else {
            learned.push(t);
        }
    }
    // The taught examples in their own windows, each followed by a replay example (so they
    // are met mid-conversation, and the windows still rehearse the rest); every
    // TAUGHT_STEP_EVERY-th step trains on these.
    let mut taught_windows: Vec<mcsd::corpus::Example> = Vec::new();
    for copy in 0..options.copies_per_taught {
        for t in &learned {
            let grounding = if copy == 0 || groundings.is_empty() {
                Grounding::default()
            } else {
                groundings[rng.random_range(0..groundings.len())].clone()
            };
            let utterance = match copy % 3 {
                1 => format!("{} please", t.example.utterance),
                2 => format!("please {}", t.example.utterance),
                _ => t.example.utterance.clone(),
            };
            if let Some(example) = taught_example(t, &grounding, &utterance) {
                taught_windows.push(example.to_example(&lexicon, |_| false)?);
                // Half the time a stop: whatever is learned, stopping is rehearsed with it.
                let next = if rng.random_bool(0.5) && !anchors.is_empty() {
                    &anchors[rng.random_range(0..anchors.len())]
                } else {
                    &examples[rng.random_range(0..examples.len())]
                };
                taught_windows.push(next.clone());
            }
        }
    }
    let train = PackedTokens::pack(&examples, base_model.tokenizer(), plan.train.seq_len)?;
    let taught_train = (!taught_windows.is_empty())
        .then(|| PackedTokens::pack(&taught_windows, base_model.tokenizer(), plan.train.seq_len))
        .transpose()?;

    let steps = options
        .steps
        .max(options.steps_per_taught * learned.len())
        .min(options.max_steps.max(options.steps))
        .max(1);
    let cfg = TrainConfig {
        seed: options.seed,
        steps,
        learning_rate: options.learning_rate,
        warmup_steps: (steps / 10).max(1),
        eval_every: 0,
        checkpoint_every: 0,
        ..plan.train.clone()
    };
    let base_weights =
        checkpoint::read_safetensors(&base.join(checkpoint::WEIGHTS_FILE), &Device::Cpu)?;
    let mut trainer = AdapterTrainer::<Model>::new(
        base_model.model().config().clone(),
        base_weights,
        AdapterStart::Fresh(LoraConfig {
            rank: options.rank,
            targets: ADAPTED.iter().map(|t| (*t).to_owned()).collect(),
            ..LoraConfig::default()
        }),
        cfg.clone(),
        &Device::Cpu,
    )?;
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(cfg.steps as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "consolidate [{elapsed_precise}] {wide_bar} {pos}/{len} loss {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let train_started = Instant::now();
    let (mut loss_first, mut loss_last) = (0f32, 0f32);
    let mut steps_run = 0;
    for step in 0..cfg.steps {
        if cancel.load(Ordering::Relaxed) {
            return Err(LearnError::Cancelled);
        }
        let data = match &taught_train {
            Some(taught) if step % TAUGHT_STEP_EVERY == 0 => taught,
            _ => &train,
        };
        let windows = data.windows();
        let batch: Vec<usize> = (0..cfg.batch_size.min(windows))
            .map(|_| rng.random_range(0..windows))
            .collect();
        let stats = trainer.train_step(data, &batch)?;
        if step == 0 {
            loss_first = stats.loss;
        }
        loss_last = stats.loss;
        steps_run = step + 1;
        if let Some(bar) = &bar {
            bar.set_message(format!("{:.3}", stats.loss));
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let train_seconds = train_started.elapsed().as_secs_f64();
    let candidate = trainer.inference_model()?;

    // Measure the model in use and the candidate the same way.
    let heldout_options = EvalOptions {
        limit: options.heldout_examples,
        memory_dialogues: false,
        ..EvalOptions::default()
    };
    let heldout = &corpus.heldout[..corpus.heldout.len().min(options.heldout_examples)];
    let measure = |model: &Model, io: &ModelIo| -> Result<f64, Error> {
        let eval = evaluate_decoder(
            "mcsd",
            base,
            0,
            model,
            base_model.tokenizer(),
            io,
            heldout,
            &heldout_options,
            false,
        )?;
        Ok(100.0 * eval.actions.accuracy())
    };
    let stops: Vec<String> = stop_templates.iter().map(|t| t.text.clone()).collect();
    let heldout_before = measure(current.model(), current.io())?;
    let (taught_before, _) =
        taught_accuracy(current.model(), current.tokenizer(), current.io(), &learned)?;
    let heldout_after = measure(&candidate, &io)?;
    let (taught_after, taught_missed) =
        taught_accuracy(&candidate, base_model.tokenizer(), &io, &learned)?;
    let stop_before = stops_kept(current.model(), current.tokenizer(), current.io(), &stops)?;
    let stop_after = stops_kept(&candidate, base_model.tokenizer(), &io, &stops)?;
    let stops_lost: Vec<&str> = stops
        .iter()
        .zip(stop_before.iter().zip(&stop_after))
        .filter(|(_, (before, after))| **before && !**after)
        .map(|(s, _)| s.as_str())
        .collect();
    let count = |kept: &[bool]| (kept.iter().filter(|k| **k).count(), kept.len());

    let mut report = ConsolidationReport {
        taught: taught.len(),
        accepted: false,
        reason: String::new(),
        adapter: None,
        steps: steps_run,
        trainable_parameters: trainer.trainable_parameters(),
        loss_first,
        loss_last,
        train_seconds,
        total_seconds: 0.0,
        peak_rss_mib: 0.0,
        heldout_before,
        heldout_after,
        taught_before,
        taught_after,
        taught_missed,
        stop_before: count(&stop_before),
        stop_after: count(&stop_after),
    };
    report.reason = if !stops_lost.is_empty() {
        let shown = stops_lost.len().min(5);
        format!(
            "{} stop phrasing(s) would no longer stop: {}{}",
            stops_lost.len(),
            stops_lost[..shown].join(", "),
            if stops_lost.len() > shown {
                ", ..."
            } else {
                ""
            }
        )
    } else if heldout_after < heldout_before - options.max_heldout_drop_points {
        format!(
            "held-out dropped {:.1} points (at most {:.1})",
            heldout_before - heldout_after,
            options.max_heldout_drop_points
        )
    } else if taught_after < taught_before {
        "the taught examples are answered worse than before".to_owned()
    } else {
        "accepted".to_owned()
    };
    report.accepted = report.reason == "accepted";
    report.peak_rss_mib = peak_rss_mib();
    report.total_seconds = started.elapsed().as_secs_f64();
    if report.accepted {
        store.accept(&trainer.adapter()?, &lexicon, &mut report)?;
        let ids: Vec<u64> = taught.iter().map(|t| t.id).collect();
        memory.batch(
            &Time::from_system_time(std::time::SystemTime::now()),
            |batch| batch.mark_consolidated(&ids),
        )?;
    }
    Ok(report)
}
