//! `embodied corpus`: generate the brain's training corpus. Glue only, over [`crate::corpus`];
//! like every CLI layer of the project it reports errors with `anyhow`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::corpus::{Corpus, CorpusOptions, load_from_root};

/// Arguments of `corpus`.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Output directory for train.jsonl, heldout.jsonl and stats.json.
    #[arg(long, default_value = "target/corpus")]
    pub out: PathBuf,
    /// Seed of sampling and of the template split.
    #[arg(long, default_value_t = CorpusOptions::default().seed)]
    pub seed: u64,
    /// Training examples (held-out examples: a tenth of this, at least 100).
    #[arg(long, default_value_t = CorpusOptions::default().train_examples)]
    pub examples: usize,
    /// Share of utterances passed through ASR noise.
    #[arg(long, default_value_t = CorpusOptions::default().noise_fraction)]
    pub noise: f64,
    /// Workspace (or installed share) root holding config/corpus and config/world.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print counts per action kind, intent and category.
    #[arg(long)]
    pub stats: bool,
}

/// Runs `corpus`: writes the files and prints a summary (the hash first) to stdout.
///
/// # Errors
/// Bad options, unreadable templates or map, unwritable output.
pub fn run(args: &CorpusArgs) -> anyhow::Result<()> {
    let (map, set) = load_from_root(&args.root)
        .with_context(|| format!("loading templates under {}", args.root.display()))?;
    let options = CorpusOptions {
        seed: args.seed,
        train_examples: args.examples,
        heldout_examples: (args.examples / 10).max(100),
        noise_fraction: args.noise,
        ..CorpusOptions::default()
    };
    let corpus = Corpus::generate(&set, &map, &options).context("generating the corpus")?;
    let written = corpus.write(&args.out)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "sha256 {}", corpus.sha256)?;
    writeln!(
        out,
        "train {} examples ({} templates) -> {}",
        corpus.train.len(),
        corpus.split.train.len(),
        written.train.display()
    )?;
    writeln!(
        out,
        "heldout {} examples ({} templates) -> {}",
        corpus.heldout.len(),
        corpus.split.heldout.len(),
        written.heldout.display()
    )?;
    if args.stats {
        let stats = corpus.stats();
        writeln!(out, "{:<24} {:>8} {:>8}", "action kind", "train", "heldout")?;
        for kind in crate::actions::ActionKind::ALL {
            let name = kind.name();
            writeln!(
                out,
                "{name:<24} {:>8} {:>8}",
                stats.train.action_kinds.get(name).copied().unwrap_or(0),
                stats.heldout.action_kinds.get(name).copied().unwrap_or(0)
            )?;
        }
        writeln!(
            out,
            "{:<24} {:>8} {:>8}",
            "(no action)", stats.train.no_action, stats.heldout.no_action
        )?;
        writeln!(out, "{:<24} {:>8} {:>8}", "category", "train", "heldout")?;
        for (category, n) in &stats.train.categories {
            writeln!(
                out,
                "{category:<24} {n:>8} {:>8}",
                stats.heldout.categories.get(category).copied().unwrap_or(0)
            )?;
        }
        writeln!(out, "{:<24} {:>8} {:>8}", "intent", "train", "heldout")?;
        for (intent, n) in &stats.train.intents {
            writeln!(
                out,
                "{intent:<24} {n:>8} {:>8}",
                stats.heldout.intents.get(intent).copied().unwrap_or(0)
            )?;
        }
        writeln!(
            out,
            "noisy {} / {} (train), {} / {} (heldout); stats -> {}",
            stats.train.noisy,
            stats.train.examples,
            stats.heldout.noisy,
            stats.heldout.examples,
            written.stats.display()
        )?;
    }
    Ok(())
}
