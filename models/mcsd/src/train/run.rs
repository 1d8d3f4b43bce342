//! A whole training run from a config file: corpus, tokenizer, trainer loop with evaluation,
//! checkpoints, progress bar and loss curve.

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::Device;
use serde::{Deserialize, Serialize};

use super::{HistoryPoint, PackedTokens, TrainConfig, Trainer};
use crate::checkpoint::{self, Architecture, CheckpointProblem, ModelKind, TRAINER_STATE_FILE};
use crate::config::Config;
use crate::corpus::{Corpus, CorpusConfig};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::plot::{LineChart, Series, XScale};
use crate::tokenizer::Tokenizer;
use crate::transformer::{Transformer, TransformerConfig};

/// Writes the loss curve (training loss per step, validation loss where evaluated).
///
/// # Errors
/// [`Error::Plot`].
pub fn plot_history(history: &[HistoryPoint], title: &str, path: &Path) -> Result<()> {
    let train = history
        .iter()
        .map(|h| (h.step as f64, f64::from(h.train_loss)))
        .collect();
    let val = history
        .iter()
        .filter_map(|h| h.val_loss.map(|v| (h.step as f64, f64::from(v))))
        .collect();
    LineChart {
        title: title.to_string(),
        x_label: "step".into(),
        y_label: "loss (nats/token, answer tokens)".into(),
        x_scale: XScale::Linear,
        series: vec![
            Series {
                label: "train".into(),
                points: train,
            },
            Series {
                label: "validation".into(),
                points: val,
            },
        ],
    }
    .save_png(path)?;
    Ok(())
}

/// Which architecture a run trains, with its config (the vocabulary comes from the tokenizer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelSpec {
    /// An MCSD model.
    Mcsd(Config),
    /// The Transformer baseline.
    Transformer(TransformerConfig),
}

/// Everything a training run needs: the file given to `mcsd train --config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Architecture and its config.
    pub model: ModelSpec,
    /// Optimisation.
    #[serde(default)]
    pub train: TrainConfig,
    /// Generated corpus.
    #[serde(default)]
    pub corpus: CorpusConfig,
    /// Tokenizer vocabulary size (overrides the model config's vocab_size).
    #[serde(default = "default_vocab_size")]
    pub vocab_size: usize,
}

fn default_vocab_size() -> usize {
    2048
}

impl RunConfig {
    /// Reads a run config file (JSON).
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Json`].
    pub fn load(path: &Path) -> Result<Self> {
        checkpoint::read_json(path)
    }
}

/// Options of [`run_training`] that are not part of the run's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Continue from the checkpoint in the output directory.
    pub resume: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// Outcome of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// Architecture trained.
    pub model_kind: ModelKind,
    /// Trainable parameters.
    pub parameters: usize,
    /// Steps completed in total.
    pub steps: usize,
    /// Last training loss.
    pub final_train_loss: f32,
    /// Final validation loss.
    pub final_val_loss: f32,
    /// Training throughput of this invocation (input tokens per second).
    pub tokens_per_s: f64,
    /// Checkpoint directory.
    pub out_dir: PathBuf,
    /// Loss-curve image.
    pub loss_plot: PathBuf,
}

/// Generates the corpus, trains (or loads, on resume) the tokenizer and trains the model,
/// writing checkpoints and `loss.png` into `out`.
///
/// # Errors
/// Config, tokenizer, model, checkpoint and plot errors.
pub fn run_training(cfg: &RunConfig, out: &Path, opts: RunOptions) -> Result<TrainSummary> {
    cfg.train.validate()?;
    let corpus = Corpus::generate(&cfg.corpus)?;
    let tok_path = out.join(checkpoint::TOKENIZER_FILE);
    let tokenizer = if opts.resume {
        Tokenizer::load(&tok_path)?
    } else {
        Tokenizer::train(corpus.texts(), cfg.vocab_size)?
    };
    let train = PackedTokens::pack(&corpus.train, &tokenizer, cfg.train.seq_len)?;
    let validation = PackedTokens::pack(&corpus.validation, &tokenizer, cfg.train.seq_len)?;
    tracing::info!(
        train_tokens = train.ids().len(),
        validation_tokens = validation.ids().len(),
        vocab = tokenizer.vocab_size(),
        threads = candle_core::utils::get_num_threads(),
        "data ready"
    );
    let device = Device::Cpu;
    match &cfg.model {
        ModelSpec::Mcsd(model_cfg) => {
            let mut model_cfg = model_cfg.clone();
            model_cfg.vocab_size = tokenizer.vocab_size();
            run_generic::<Model>(
                model_cfg, cfg, &tokenizer, train, validation, out, opts, &device,
            )
        }
        ModelSpec::Transformer(model_cfg) => {
            let mut model_cfg = model_cfg.clone();
            model_cfg.vocab_size = tokenizer.vocab_size();
            run_generic::<Transformer>(
                model_cfg, cfg, &tokenizer, train, validation, out, opts, &device,
            )
        }
    }
}

#[allow(clippy::too_many_arguments)] // private glue between run_training's two arms
fn run_generic<M: Architecture>(
    model_cfg: M::Config,
    cfg: &RunConfig,
    tokenizer: &Tokenizer,
    train: PackedTokens,
    validation: PackedTokens,
    out: &Path,
    opts: RunOptions,
    device: &Device,
) -> Result<TrainSummary> {
    let mut trainer = if opts.resume {
        let trainer = Trainer::<M>::resume(out, train, validation, device)?;
        if trainer.config() != &cfg.train || trainer.model_config() != &model_cfg {
            return Err(Error::CheckpointMismatch {
                path: out.to_path_buf(),
                problem: CheckpointProblem::TrainerState(
                    "the run config differs from the one the checkpoint was trained with".into(),
                ),
            });
        }
        trainer
    } else {
        Trainer::<M>::new(model_cfg, cfg.train.clone(), train, validation, device)?
    };
    tracing::info!(
        kind = %M::KIND,
        parameters = trainer.parameter_count(),
        start_step = trainer.step(),
        steps = cfg.train.steps,
        "training"
    );
    let bar = opts
        .progress
        .then(|| progress_bar(&cfg.train, trainer.step()));
    let started = Instant::now();
    let mut tokens = 0usize;
    let mut last_val = None;
    let mut last_loss = f32::NAN;
    while trainer.step() < cfg.train.steps {
        let stats = trainer.train_step()?;
        tokens += stats.tokens;
        last_loss = stats.loss;
        let step = stats.step;
        let at_end = step == cfg.train.steps;
        if at_end || (cfg.train.eval_every > 0 && step % cfg.train.eval_every == 0) {
            last_val = Some(trainer.evaluate()?);
        }
        if at_end || (cfg.train.checkpoint_every > 0 && step % cfg.train.checkpoint_every == 0) {
            trainer.save(out, tokenizer)?;
        }
        let tokens_per_s = tokens as f64 / started.elapsed().as_secs_f64().max(1e-9);
        if let Some(bar) = &bar {
            bar.set_position(step as u64);
            bar.set_message(format!(
                "loss {:.3} val {} lr {:.1e} {:.0} tok/s",
                stats.loss,
                last_val.map_or("-".to_string(), |v| format!("{v:.3}")),
                stats.learning_rate,
                tokens_per_s
            ));
        }
        tracing::debug!(step, loss = stats.loss, grad_norm = stats.grad_norm, "step");
    }
    if let Some(bar) = bar {
        bar.finish();
    }
    let final_val = match last_val {
        Some(v) => v,
        None => trainer.evaluate()?,
    };
    if !out.join(TRAINER_STATE_FILE).is_file() || tokens == 0 {
        trainer.save(out, tokenizer)?;
    }
    let loss_plot = out.join("loss.png");
    plot_history(
        trainer.history(),
        &format!("{} training loss", M::KIND),
        &loss_plot,
    )?;
    Ok(TrainSummary {
        model_kind: M::KIND,
        parameters: trainer.parameter_count(),
        steps: trainer.step(),
        final_train_loss: last_loss,
        final_val_loss: final_val,
        tokens_per_s: tokens as f64 / started.elapsed().as_secs_f64().max(1e-9),
        out_dir: out.to_path_buf(),
        loss_plot,
    })
}

fn progress_bar(cfg: &TrainConfig, start: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(cfg.steps as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("[{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
    {
        bar.set_style(style);
    }
    bar.set_position(start as u64);
    bar
}
