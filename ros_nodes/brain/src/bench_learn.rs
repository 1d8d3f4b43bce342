//! `embodied bench learn`: one consolidation after 10 and one after 100 taught phrases, each
//! taught through the dialogue as a user would ("when I say blue falcon, go to the kitchen"):
//! time, peak memory, taught phrases answered from the weights alone before and after,
//! held-out accuracy before and after. The comparison: the adapter's trainable parameters and
//! optimizer state against fine-tuning the whole model, and the cost per taught phrase at 100
//! against 10.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Context as _;
use embodied_memory::{Aliases, Durability, Memory};
use embodied_world::{ObjectId, PlaceId};
use serde::Serialize;

use crate::assistant::AssistantModel;
use crate::dialogue::{Dialogue, DialogueOptions};
use crate::learn::{AdapterStore, ConsolidationReport, LearnOptions, consolidate};
use crate::teach::{Teacher, share_root};

/// Arguments of `embodied bench learn`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchLearnArgs {
    /// Numbers of taught phrases, one consolidation each.
    #[arg(long, value_delimiter = ',', default_value = "10,100")]
    pub taught: Vec<usize>,
    /// Base assistant checkpoint; default: the shipped models/assistant.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// End with one JSON object holding the figures.
    #[arg(long)]
    pub json: bool,
}

/// One consolidation's figures.
#[derive(Debug, Clone, Serialize)]
pub struct BenchRun {
    /// Phrases asked to be taught.
    pub asked: usize,
    /// Phrases the dialogue accepted (some are refused as meaning stop).
    pub taught: usize,
    /// The consolidation.
    pub report: ConsolidationReport,
}

/// Made-up phrases: adjective × noun, none of them words of the templates' commands.
const FIRST: [&str; 10] = [
    "blue", "golden", "silver", "happy", "rainy", "sunny", "cosmic", "velvet", "purple", "lucky",
];
const SECOND: [&str; 10] = [
    "falcon", "harbor", "garden", "rocket", "meadow", "lantern", "river", "comet", "castle",
    "pepper",
];

/// Requests the phrases stand for, in turn.
fn meanings() -> Vec<String> {
    let mut all: Vec<String> = PlaceId::ALL
        .iter()
        .map(|p| format!("go to the {}", p.name()))
        .collect();
    all.extend(
        [
            "turn left",
            "turn right",
            "turn around",
            "move forward two meters",
        ]
        .map(String::from),
    );
    all.extend(
        ObjectId::ALL
            .iter()
            .map(|o| format!("bring me the {}", o.name())),
    );
    all.extend(
        ObjectId::ALL
            .iter()
            .map(|o| format!("find the {}", o.name())),
    );
    all
}

fn one_run(
    model: &Arc<AssistantModel>,
    base: &std::path::Path,
    root: &std::path::Path,
    teacher: &Arc<Teacher>,
    count: usize,
    progress: bool,
) -> anyhow::Result<BenchRun> {
    let dir = tempfile::tempdir().context("a temporary directory")?;
    let path = dir.path().join("memory.sqlite");
    let memory = Memory::open(&path, Durability::Full)?;
    let mut dialogue = Dialogue::new(model, memory, Aliases::new(), DialogueOptions::default())
        .with_teacher(teacher.clone())?;
    let meanings = meanings();
    let mut taught = 0;
    for i in 0..count {
        // Every pair once; the first ten share no word.
        let phrase = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            SECOND[(i + i / FIRST.len()) % SECOND.len()]
        );
        let lesson = format!("when I say {phrase}, {}", meanings[i % meanings.len()]);
        dialogue.restart_conversation();
        if !dialogue.handle(&lesson)?.taught.is_empty() {
            taught += 1;
        }
    }
    let mut memory = dialogue.into_memory();
    let report = consolidate(
        base,
        root,
        &mut memory,
        &AdapterStore::next_to(&path),
        &LearnOptions::default(),
        progress,
        &AtomicBool::new(false),
    )?;
    Ok(BenchRun {
        asked: count,
        taught,
        report,
    })
}

/// Runs the benchmark and prints its table (and the JSON object with `--json`).
///
/// # Errors
/// No model or templates; a failed consolidation.
pub fn run(args: &BenchLearnArgs) -> anyhow::Result<()> {
    let base = match &args.model {
        Some(dir) => dir.clone(),
        None => AssistantModel::find_default()?,
    };
    let root = share_root()?;
    let teacher = Arc::new(Teacher::load(&root)?);
    let model = Arc::new(AssistantModel::load(&base)?);
    let mut runs = Vec::new();
    for &count in &args.taught {
        runs.push(one_run(&model, &base, &root, &teacher, count, !args.json)?);
    }
    let parameters = model.model().n_params();
    println!("Consolidation of taught phrases (LoRA on the MLP projections, 2 threads):");
    println!(
        "| taught | steps | train s | total s | peak MiB | taught from weights before -> after | held-out before -> after | stop phrasings | result |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for run in &runs {
        let r = &run.report;
        println!(
            "| {}/{} | {} | {:.1} | {:.1} | {:.0} | {:.0}% -> {:.0}% | {:.1}% -> {:.1}% | {}/{} -> {}/{} | {} |",
            run.taught,
            run.asked,
            r.steps,
            r.train_seconds,
            r.total_seconds,
            r.peak_rss_mib,
            r.taught_before,
            r.taught_after,
            r.heldout_before,
            r.heldout_after,
            r.stop_before.0,
            r.stop_before.1,
            r.stop_after.0,
            r.stop_after.1,
            if r.accepted {
                "accepted".to_owned()
            } else {
                format!("rolled back: {}", r.reason)
            }
        );
    }
    let adapter = runs.first().map_or(0, |r| r.report.trainable_parameters);
    // AdamW keeps two moments per trained parameter (f32).
    let state_mib = |n: usize| (n * 2 * 4) as f64 / (1024.0 * 1024.0);
    println!(
        "Trained parameters: {adapter} adapter vs {parameters} for full fine-tuning ({:.3}x); optimizer state {:.2} MiB vs {:.2} MiB.",
        adapter as f64 / parameters.max(1) as f64,
        state_mib(adapter),
        state_mib(parameters)
    );
    if let [small, .., large] = runs.as_slice() {
        let per = |r: &BenchRun| r.report.total_seconds / r.taught.max(1) as f64;
        println!(
            "Seconds per taught phrase: {:.2} at {} vs {:.2} at {} ({:.2}x).",
            per(large),
            large.taught,
            per(small),
            small.taught,
            per(large) / per(small).max(1e-9)
        );
    }
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "runs": runs,
                "model_parameters": parameters,
                "adapter_parameters": adapter,
            })
        );
    }
    Ok(())
}
