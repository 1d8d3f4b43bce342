//! `embodied corpus`: generate the brain's training corpus. Glue only, over [`crate::corpus`];
//! like every CLI layer of the project it reports errors with `anyhow`.
//! `embodied understand` ([`UnderstandArgs`], [`run_understand`]): utterances on stdin,
//! one JSON answer per line on stdout, through a [`crate::dialogue::Dialogue`].

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

/// Arguments of `understand`: one utterance per stdin line, one JSON answer per stdout line.
#[derive(Debug, Args)]
pub struct UnderstandArgs {
    /// Memory file (SQLite) kept across runs; without it the memory starts empty and lives
    /// only for this run.
    #[arg(long, value_name = "PATH")]
    pub memory: Option<PathBuf>,
    /// Robot state as JSON, e.g. '{"room": "kitchen", "battery": 55, "perceived": ["cup",
    /// {"label": "keys", "room": "kitchen"}]}'; default: living room, 80 %, nothing perceived.
    #[arg(long, value_name = "JSON")]
    pub state: Option<String>,
    /// Assistant checkpoint directory; default: the shipped models/assistant.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Semantic map giving place and object aliases; default: the home world's, found from the
    /// current directory (or the installed share).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Add a "debug" field to each answer: prompt, model text, facts used, timings.
    #[arg(long)]
    pub verbose: bool,
    /// Do not rewrite taught wordings: only what consolidation put into the weights is known.
    #[arg(long)]
    pub no_taught: bool,
}

/// `embodied learn`: consolidation on demand.
#[derive(Debug, Clone, clap::Args)]
pub struct LearnArgs {
    /// Memory file (SQLite) holding what was taught; adapters go next to it
    /// (`PATH.adapters/`). Default: the memory's default file.
    #[arg(long, value_name = "PATH")]
    pub memory: Option<PathBuf>,
    /// Base assistant checkpoint directory; default: the shipped models/assistant.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Adapter optimizer steps.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().steps)]
    pub steps: usize,
    /// Held-out examples the candidate is measured on.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().heldout_examples)]
    pub heldout: usize,
    /// Peak learning rate of the adapters.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().learning_rate)]
    pub learning_rate: f64,
    /// Rank of the adapters.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().rank)]
    pub rank: usize,
    /// Training examples of the original corpus replayed alongside.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().replay_examples)]
    pub replay: usize,
    /// Groundings each taught example is shown in.
    #[arg(long, default_value_t = crate::learn::LearnOptions::default().copies_per_taught)]
    pub copies: usize,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `embodied learn`; whether the candidate was accepted.
///
/// # Errors
/// No model, templates or memory; training failures.
pub fn run_learn(args: &LearnArgs) -> anyhow::Result<bool> {
    use crate::assistant::AssistantModel;
    use crate::learn::{AdapterStore, LearnOptions, consolidate};

    let base = match &args.model {
        Some(dir) => dir.clone(),
        None => AssistantModel::find_default()?,
    };
    let path = match &args.memory {
        Some(path) => path.clone(),
        None => embodied_memory::default_database_path()
            .context("no --memory given and no HOME for the default memory file")?,
    };
    let mut memory = embodied_memory::Memory::open(&path, embodied_memory::Durability::Full)
        .with_context(|| format!("opening the memory {}", path.display()))?;
    let root = crate::teach::share_root()?;
    let options = LearnOptions {
        steps: args.steps,
        heldout_examples: args.heldout,
        learning_rate: args.learning_rate,
        rank: args.rank,
        replay_examples: args.replay,
        copies_per_taught: args.copies,
        ..LearnOptions::default()
    };
    let store = AdapterStore::next_to(&path);
    let report = consolidate(
        &base,
        &root,
        &mut memory,
        &store,
        &options,
        !args.json,
        &std::sync::atomic::AtomicBool::new(false),
    )?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{}", report.line());
    }
    Ok(report.accepted)
}

/// What [`understand_lines`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnderstandSummary {
    /// Lines answered.
    pub answered: usize,
    /// Lines that got an error object.
    pub errors: usize,
}

/// Runs `understand` on stdin and stdout (see [`UnderstandArgs`]).
///
/// # Errors
/// No model, an unreadable map or memory file, a bad `--state`, or broken stdin/stdout. A bad
/// line is not an error: it gets a JSON error object and the run continues.
pub fn run_understand(args: &UnderstandArgs) -> anyhow::Result<UnderstandSummary> {
    use crate::assistant::AssistantModel;
    use crate::dialogue::{Dialogue, DialogueOptions, RobotState, system_now};

    let model_dir = match &args.model {
        Some(dir) => dir.clone(),
        None => AssistantModel::find_default()?,
    };
    let model = std::sync::Arc::new(
        AssistantModel::load(&model_dir)
            .with_context(|| format!("loading the assistant model {}", model_dir.display()))?,
    );
    let map_file = match &args.map {
        Some(file) => Some(file.clone()),
        None => embodied_world::WorldFiles::find_home(&std::env::current_dir()?)
            .map(|files| files.semantic_map),
    };
    let aliases = match map_file {
        Some(file) => {
            let map = embodied_world::SemanticMap::load(&file)
                .with_context(|| format!("loading the semantic map {}", file.display()))?;
            embodied_memory::Aliases::from_semantic_map(&map)
        }
        None => {
            tracing::warn!("no semantic map found: places and objects have no aliases");
            embodied_memory::Aliases::new()
        }
    };
    let memory = match &args.memory {
        Some(path) => embodied_memory::Memory::open(path, embodied_memory::Durability::Full)
            .with_context(|| format!("opening the memory {}", path.display()))?,
        None => embodied_memory::Memory::open_in_memory().context("creating the run's memory")?,
    };
    // What was consolidated for this memory before.
    let model = match &args.memory {
        Some(path) => {
            std::sync::Arc::new(crate::learn::AdapterStore::next_to(path).load_model(&model_dir)?)
        }
        None => model,
    };
    let state = match &args.state {
        Some(json) => RobotState::from_json(json, &aliases)?,
        None => RobotState::default(),
    };
    let options = DialogueOptions {
        session: format!("understand-{:x}", system_now().as_nanos()),
        use_taught: !args.no_taught,
        ..DialogueOptions::default()
    };
    let mut dialogue = Dialogue::new(&model, memory, aliases, options);
    match crate::teach::Teacher::find_default() {
        Ok(teacher) => dialogue = dialogue.with_teacher(std::sync::Arc::new(teacher))?,
        Err(e) => tracing::warn!(error = %e, "nothing can be taught in this run"),
    }
    dialogue.observe(state, &system_now())?;
    understand_lines(
        &mut dialogue,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        args.verbose,
    )
}

/// Answers each line of `input` with one JSON line on `output`: `{"say": ..., "actions": [...]}`,
/// or `{"error": ..., "line": N}` for an empty, overlong or non-UTF-8 line (or a failed turn),
/// after which it goes on with the next line. Lines form one conversation.
///
/// # Errors
/// Reading `input` or writing `output` failed.
pub fn understand_lines(
    dialogue: &mut crate::dialogue::Dialogue,
    mut input: impl std::io::BufRead,
    mut output: impl Write,
    verbose: bool,
) -> anyhow::Result<UnderstandSummary> {
    let mut summary = UnderstandSummary::default();
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        if input
            .read_until(b'\n', &mut bytes)
            .context("reading stdin")?
            == 0
        {
            break;
        }
        let answer = match std::str::from_utf8(&bytes) {
            Err(_) => Err("line is not UTF-8".to_owned()),
            Ok(line) => dialogue
                .handle(line.trim_end_matches(['\n', '\r']))
                .map_err(|e| e.to_string()),
        };
        let json = match answer {
            Ok(reply) => {
                summary.answered += 1;
                let mut json = serde_json::to_value(&reply.understanding)?;
                if verbose && let Some(object) = json.as_object_mut() {
                    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
                    object.insert(
                        "debug".to_owned(),
                        serde_json::json!({
                            "prompt": reply.prompt,
                            "model_text": reply.model_text,
                            "replaced_say": reply.replaced_say,
                            "rewritten": reply.rewritten,
                            "taught": reply.taught.iter().map(|t| &t.utterance).collect::<Vec<_>>(),
                            "facts": reply.facts.iter().map(ToString::to_string).collect::<Vec<_>>(),
                            "prompt_tokens": reply.prompt_tokens,
                            "answer_tokens": reply.answer_tokens,
                            "retrieval_ms": ms(reply.timings.retrieval),
                            "inference_ms": ms(reply.timings.inference),
                            "memory_ms": ms(reply.timings.memory),
                            "total_ms": ms(reply.timings.total),
                        }),
                    );
                }
                json
            }
            Err(error) => {
                summary.errors += 1;
                serde_json::json!({ "error": error, "line": number })
            }
        };
        writeln!(output, "{json}").context("writing stdout")?;
        output.flush().context("writing stdout")?;
    }
    Ok(summary)
}
