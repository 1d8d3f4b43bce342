//! Training: packed token windows with a loss mask (only answer tokens count), AdamW with
//! warmup + cosine schedule and global-norm gradient clipping, evaluation on the validation
//! split, checkpoints with an exact resume, and a loss-curve PNG.
//!
//! Determinism: weights are initialised from the seed ([`SeededInit`]); the order of training
//! windows is a function of (seed, epoch), so resuming at step s draws the same batches as an
//! uninterrupted run; optimizer moments and the step are saved with the weights.
//!
//! Threads: candle's matmuls run on the current rayon pool and its element-wise ops on a pool
//! sized by `RAYON_NUM_THREADS` (default: the physical cores), so both cores are used without
//! further set-up. Allocation dominates small-model steps: start the process with the glibc
//! tunables in [`GLIBC_TUNABLES`] (the `mcsd` binary re-executes itself with them).

mod optim;
mod run;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use candle_core::{D, Device, Tensor};
use candle_nn::VarMap;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{
    self, Architecture, CheckpointProblem, ModelKind, OPTIMIZER_FILE, SeededInit,
    TRAINER_STATE_FILE, WEIGHTS_FILE,
};
use crate::corpus::Example;
use crate::error::{Error, Result};
use crate::tokenizer::Tokenizer;

/// glibc malloc settings that made small-model training steps 1.3–1.6× faster on our machines
/// (fewer mmap/munmap and trims of freed tensor buffers). Must be in the environment when the
/// process starts.
pub const GLIBC_TUNABLES: &str = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456";

/// Version of trainer_state.json.
const TRAINER_STATE_VERSION: u32 = 1;

/// Optimisation hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Seed of weight initialisation and data order.
    pub seed: u64,
    /// Optimizer steps in total.
    pub steps: usize,
    /// Windows per batch.
    pub batch_size: usize,
    /// Tokens per window.
    pub seq_len: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Final learning rate as a fraction of the peak (end of the cosine).
    pub min_lr_ratio: f64,
    /// Linear warm-up steps.
    pub warmup_steps: usize,
    /// Decoupled weight decay (not applied to 1-D tensors: norm gains and biases).
    pub weight_decay: f64,
    /// AdamW β1.
    pub beta1: f64,
    /// AdamW β2.
    pub beta2: f64,
    /// AdamW ε.
    pub eps: f64,
    /// Clip the global gradient norm to this value; 0 disables clipping.
    pub grad_clip: f64,
    /// Evaluate every this many steps (and at the end); 0 only at the end.
    pub eval_every: usize,
    /// Validation windows per evaluation (the first ones, fixed); 0 uses all.
    pub eval_windows: usize,
    /// Write a checkpoint every this many steps (and at the end); 0 only at the end.
    pub checkpoint_every: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            steps: 1000,
            batch_size: 8,
            seq_len: 256,
            learning_rate: 1e-3,
            min_lr_ratio: 0.1,
            warmup_steps: 50,
            weight_decay: 0.01,
            beta1: 0.9,
            beta2: 0.95,
            eps: 1e-8,
            grad_clip: 1.0,
            eval_every: 100,
            eval_windows: 64,
            checkpoint_every: 250,
        }
    }
}

impl TrainConfig {
    /// Checks ranges.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, reason: &str| {
            Err(Error::Config {
                field,
                reason: reason.to_string(),
            })
        };
        if self.steps == 0 {
            return bad("steps", "must be > 0");
        }
        if self.batch_size == 0 {
            return bad("batch_size", "must be > 0");
        }
        if self.seq_len < 2 {
            return bad("seq_len", "must be >= 2");
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return bad("learning_rate", "must be finite and > 0");
        }
        if !(0.0..=1.0).contains(&self.min_lr_ratio) {
            return bad("min_lr_ratio", "must be in [0, 1]");
        }
        if !(0.0..1.0).contains(&self.beta1) || !(0.0..1.0).contains(&self.beta2) {
            return bad("beta1", "beta1 and beta2 must be in [0, 1)");
        }
        if self.eps.is_nan()
            || self.eps <= 0.0
            || self.weight_decay.is_nan()
            || self.weight_decay < 0.0
            || self.grad_clip.is_nan()
            || self.grad_clip < 0.0
        {
            return bad("eps", "eps must be > 0, weight_decay and grad_clip >= 0");
        }
        Ok(())
    }

    /// Learning rate at `step` (0-based): linear warm-up, then cosine down to
    /// `min_lr_ratio · learning_rate` at the last step.
    pub fn learning_rate_at(&self, step: usize) -> f64 {
        let peak = self.learning_rate;
        if step < self.warmup_steps {
            return peak * (step + 1) as f64 / self.warmup_steps as f64;
        }
        let decay_steps = self.steps.saturating_sub(self.warmup_steps).max(1);
        let progress = ((step - self.warmup_steps) as f64 / decay_steps as f64).min(1.0);
        let min = peak * self.min_lr_ratio;
        min + 0.5 * (peak - min) * (1.0 + (std::f64::consts::PI * progress).cos())
    }
}

/// Examples packed end to end into one token stream with its loss mask, cut into windows of
/// `seq_len + 1` tokens (input and shifted target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedTokens {
    ids: Vec<u32>,
    loss_mask: Vec<bool>,
    seq_len: usize,
}

/// One batch: inputs and targets `[B, L]` u32, mask `[B, L]` f32 (1 where the target counts).
#[derive(Debug, Clone)]
pub struct Batch {
    /// Input ids.
    pub inputs: Tensor,
    /// Target ids (inputs shifted by one).
    pub targets: Tensor,
    /// Loss mask of the targets.
    pub mask: Tensor,
    /// Number of counted targets.
    pub counted: usize,
}

impl PackedTokens {
    /// Encodes and packs `examples`.
    ///
    /// # Errors
    /// [`Error::Input`] when the examples give fewer than one window; tokenizer errors.
    pub fn pack(examples: &[Example], tokenizer: &Tokenizer, seq_len: usize) -> Result<Self> {
        let mut ids = Vec::new();
        let mut loss_mask = Vec::new();
        for example in examples {
            let encoded = example.encode(tokenizer)?;
            ids.extend(encoded.ids);
            loss_mask.extend(encoded.loss_mask);
        }
        Self::from_parts(ids, loss_mask, seq_len)
    }

    /// Packs an already encoded stream.
    ///
    /// # Errors
    /// [`Error::Input`] for mismatched lengths or fewer than one window.
    pub fn from_parts(ids: Vec<u32>, loss_mask: Vec<bool>, seq_len: usize) -> Result<Self> {
        if ids.len() != loss_mask.len() || seq_len < 1 || ids.len() < seq_len + 1 {
            return Err(Error::Input {
                what: "PackedTokens",
                reason: format!(
                    "{} ids, {} mask entries: need equal lengths and at least seq_len + 1 = {}",
                    ids.len(),
                    loss_mask.len(),
                    seq_len + 1
                ),
            });
        }
        Ok(Self {
            ids,
            loss_mask,
            seq_len,
        })
    }

    /// Number of windows.
    pub fn windows(&self) -> usize {
        (self.ids.len() - 1) / self.seq_len
    }

    /// Tokens per window.
    pub fn seq_len(&self) -> usize {
        self.seq_len
    }

    /// All ids of the stream.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// Builds the batch of the given windows.
    ///
    /// # Errors
    /// Tensor errors.
    pub fn batch(&self, windows: &[usize], device: &Device) -> Result<Batch> {
        let l = self.seq_len;
        let mut inputs = Vec::with_capacity(windows.len() * l);
        let mut targets = Vec::with_capacity(windows.len() * l);
        let mut mask = Vec::with_capacity(windows.len() * l);
        for &w in windows {
            let start = w * l;
            inputs.extend_from_slice(&self.ids[start..start + l]);
            targets.extend_from_slice(&self.ids[start + 1..start + l + 1]);
            mask.extend(
                self.loss_mask[start + 1..start + l + 1]
                    .iter()
                    .map(|&m| if m { 1f32 } else { 0f32 }),
            );
        }
        let counted = mask.iter().filter(|&&m| m > 0.0).count();
        let shape = (windows.len(), l);
        Ok(Batch {
            inputs: Tensor::from_vec(inputs, shape, device)?,
            targets: Tensor::from_vec(targets, shape, device)?,
            mask: Tensor::from_vec(mask, shape, device)?,
            counted,
        })
    }
}

/// Mean cross-entropy over the targets whose mask is 1 (differentiable).
/// logits `[B, L, V]`, targets `[B, L]` u32, mask `[B, L]` f32.
///
/// # Errors
/// Tensor errors (shape mismatches).
pub fn masked_cross_entropy(logits: &Tensor, targets: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let (b, l, v) = logits.dims3()?;
    let logits = logits.reshape((b * l, v))?;
    let log_probs = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
    let targets = targets.reshape((b * l, 1))?;
    let nll = log_probs.gather(&targets, 1)?.squeeze(1)?.neg()?;
    let mask = mask.reshape(b * l)?.to_dtype(nll.dtype())?;
    let counted = mask.sum_all()?.to_scalar::<f32>()?.max(1.0);
    Ok(((nll * mask)?.sum_all()? / f64::from(counted))?)
}

pub use optim::AdamW;
pub use run::{ModelSpec, RunConfig, RunOptions, TrainSummary, plot_history, run_training};

/// One logged point of the loss history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// Steps completed.
    pub step: usize,
    /// Training loss of that step's batch.
    pub train_loss: f32,
    /// Validation loss when evaluated at that step.
    pub val_loss: Option<f32>,
    /// Learning rate used.
    pub learning_rate: f64,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepStats {
    /// Steps completed (after this one).
    pub step: usize,
    /// Masked loss of the batch.
    pub loss: f32,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
    /// Learning rate used.
    pub learning_rate: f64,
    /// Tokens processed (inputs, masked or not).
    pub tokens: usize,
    /// Wall time of the step in seconds.
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TrainerState {
    version: u32,
    model_kind: ModelKind,
    step: usize,
    train: TrainConfig,
    train_windows: usize,
    history: Vec<HistoryPoint>,
}

/// Trains a model of architecture `M` on packed tokens.
pub struct Trainer<M: Architecture> {
    model: M,
    model_config: M::Config,
    varmap: VarMap,
    optimizer: AdamW,
    cfg: TrainConfig,
    train: PackedTokens,
    validation: PackedTokens,
    device: Device,
    step: usize,
    history: Vec<HistoryPoint>,
    epoch_order: Option<(usize, Vec<usize>)>,
}

impl<M: Architecture> Trainer<M> {
    /// A trainer with freshly initialised weights (from `cfg.seed`).
    ///
    /// # Errors
    /// Invalid configs, mismatched window lengths, model errors.
    pub fn new(
        model_config: M::Config,
        cfg: TrainConfig,
        train: PackedTokens,
        validation: PackedTokens,
        device: &Device,
    ) -> Result<Self> {
        cfg.validate()?;
        if train.seq_len() != cfg.seq_len || validation.seq_len() != cfg.seq_len {
            return Err(Error::Input {
                what: "Trainer::new",
                reason: format!(
                    "packed windows of {} / {} tokens, config seq_len {}",
                    train.seq_len(),
                    validation.seq_len(),
                    cfg.seq_len
                ),
            });
        }
        let (model, varmap) = SeededInit::build::<M>(cfg.seed, &model_config, device)?;
        let optimizer = AdamW::new(&varmap)?;
        Ok(Self {
            model,
            model_config,
            varmap,
            optimizer,
            cfg,
            train,
            validation,
            device: device.clone(),
            step: 0,
            history: Vec::new(),
            epoch_order: None,
        })
    }

    /// Resumes from a checkpoint directory written by [`Trainer::save`], refusing any mismatch
    /// (kind, config, shapes, optimizer state, data).
    ///
    /// # Errors
    /// [`Error::CheckpointMismatch`] and the errors of [`Trainer::new`].
    pub fn resume(
        dir: &Path,
        train: PackedTokens,
        validation: PackedTokens,
        device: &Device,
    ) -> Result<Self> {
        let state_path = dir.join(TRAINER_STATE_FILE);
        if !state_path.is_file() {
            return Err(Error::CheckpointMismatch {
                path: dir.to_path_buf(),
                problem: CheckpointProblem::MissingFile(TRAINER_STATE_FILE),
            });
        }
        let state: TrainerState = checkpoint::read_json(&state_path)?;
        let refuse = |problem| Error::CheckpointMismatch {
            path: state_path.clone(),
            problem,
        };
        if state.model_kind != M::KIND {
            return Err(refuse(CheckpointProblem::KindMismatch {
                expected: M::KIND,
                found: state.model_kind,
            }));
        }
        if state.version != TRAINER_STATE_VERSION {
            return Err(refuse(CheckpointProblem::TrainerState(format!(
                "version {} (expected {TRAINER_STATE_VERSION})",
                state.version
            ))));
        }
        if state.train_windows != train.windows() {
            return Err(refuse(CheckpointProblem::TrainerState(format!(
                "trained on {} windows, the data now has {}",
                state.train_windows,
                train.windows()
            ))));
        }
        let (model_config, _tokenizer) = checkpoint::load_config_and_tokenizer::<M>(dir)?;
        let mut trainer = Self::new(model_config, state.train.clone(), train, validation, device)?;
        let weights_path = dir.join(WEIGHTS_FILE);
        let weights = checkpoint::read_safetensors(&weights_path, device)?;
        checkpoint::restore_varmap(&weights_path, &trainer.varmap, &weights)?;
        let optimizer_path = dir.join(OPTIMIZER_FILE);
        let moments = checkpoint::read_safetensors(&optimizer_path, device)?;
        trainer
            .optimizer
            .restore(&optimizer_path, state.step, &moments)?;
        trainer.step = state.step;
        trainer.history = state.history;
        Ok(trainer)
    }

    /// Windows of the batch at `step`: an epoch-wise permutation drawn from (seed, epoch).
    fn batch_windows(&mut self, step: usize) -> Vec<usize> {
        let n = self.train.windows();
        let b = self.cfg.batch_size;
        (step * b..step * b + b)
            .map(|global| {
                let epoch = global / n;
                let order = match &self.epoch_order {
                    Some((e, order)) if *e == epoch => order,
                    _ => {
                        let mut order: Vec<usize> = (0..n).collect();
                        let seed =
                            self.cfg.seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                        order.shuffle(&mut StdRng::seed_from_u64(seed));
                        &self.epoch_order.insert((epoch, order)).1
                    }
                };
                order[global % n]
            })
            .collect()
    }

    /// Runs one optimizer step.
    ///
    /// # Errors
    /// Model and tensor errors; [`Error::Input`] when the loss is not finite.
    pub fn train_step(&mut self) -> Result<StepStats> {
        let started = Instant::now();
        let windows = self.batch_windows(self.step);
        let batch = self.train.batch(&windows, &self.device)?;
        let logits = self.model.forward_train(&batch.inputs)?;
        let loss = masked_cross_entropy(&logits, &batch.targets, &batch.mask)?;
        let loss_value = loss.to_scalar::<f32>()?;
        if !loss_value.is_finite() {
            return Err(Error::Input {
                what: "Trainer::train_step",
                reason: format!("loss is {loss_value} at step {}", self.step),
            });
        }
        let grads = loss.backward()?;
        let grad_norm = self.optimizer.grad_norm(&grads)?;
        let scale = if self.cfg.grad_clip > 0.0 && grad_norm > self.cfg.grad_clip {
            self.cfg.grad_clip / (grad_norm + 1e-6)
        } else {
            1.0
        };
        let lr = self.cfg.learning_rate_at(self.step);
        self.optimizer.step(&grads, &self.cfg, lr, scale)?;
        self.step += 1;
        self.history.push(HistoryPoint {
            step: self.step,
            train_loss: loss_value,
            val_loss: None,
            learning_rate: lr,
        });
        Ok(StepStats {
            step: self.step,
            loss: loss_value,
            grad_norm,
            learning_rate: lr,
            tokens: windows.len() * self.cfg.seq_len,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Masked loss over the first `eval_windows` validation windows; recorded in the history
    /// at the current step.
    ///
    /// # Errors
    /// Model and tensor errors.
    pub fn evaluate(&mut self) -> Result<f32> {
        let loss = evaluate_loss(
            &self.model,
            &self.validation,
            self.cfg.eval_windows,
            self.cfg.batch_size,
            &self.device,
        )?;
        if let Some(last) = self.history.last_mut().filter(|h| h.step == self.step) {
            last.val_loss = Some(loss);
        }
        Ok(loss)
    }

    /// Writes a full checkpoint (weights, config, tokenizer, optimizer, trainer state).
    ///
    /// # Errors
    /// I/O, JSON and tensor errors.
    pub fn save(&self, dir: &Path, tokenizer: &Tokenizer) -> Result<()> {
        checkpoint::save_model::<M>(
            dir,
            &self.model_config,
            &checkpoint::varmap_tensors(&self.varmap),
            tokenizer,
        )?;
        checkpoint::write_safetensors(&dir.join(OPTIMIZER_FILE), &self.optimizer.moments())?;
        checkpoint::write_json(
            &dir.join(TRAINER_STATE_FILE),
            &TrainerState {
                version: TRAINER_STATE_VERSION,
                model_kind: M::KIND,
                step: self.step,
                train: self.cfg.clone(),
                train_windows: self.train.windows(),
                history: self.history.clone(),
            },
        )
    }

    /// A copy of the model for inference, its weights detached from the training graph.
    ///
    /// # Errors
    /// Model errors.
    pub fn inference_model(&self) -> Result<M> {
        let tensors: HashMap<String, Tensor> = checkpoint::varmap_tensors(&self.varmap)
            .into_iter()
            .collect();
        checkpoint::build_checked::<M>(
            Path::new("<memory>"),
            &self.model_config,
            tensors,
            &self.device,
        )
    }

    /// Current weights by name (detached).
    pub fn weights(&self) -> BTreeMap<String, Tensor> {
        checkpoint::varmap_tensors(&self.varmap)
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        self.varmap.all_vars().iter().map(|v| v.elem_count()).sum()
    }

    /// Steps completed.
    pub fn step(&self) -> usize {
        self.step
    }

    /// The optimisation config.
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// The model config.
    pub fn model_config(&self) -> &M::Config {
        &self.model_config
    }

    /// The model being trained (weights are live variables).
    pub fn model(&self) -> &M {
        &self.model
    }

    /// Loss history.
    pub fn history(&self) -> &[HistoryPoint] {
        &self.history
    }
}

/// Masked loss of `model` over the first `max_windows` windows of `data` (all when 0).
///
/// # Errors
/// Model and tensor errors.
pub fn evaluate_loss<M: crate::decoder::Trainable>(
    model: &M,
    data: &PackedTokens,
    max_windows: usize,
    batch_size: usize,
    device: &Device,
) -> Result<f32> {
    let n = if max_windows == 0 {
        data.windows()
    } else {
        max_windows.min(data.windows())
    };
    let windows: Vec<usize> = (0..n).collect();
    let mut total = 0f64;
    let mut counted = 0usize;
    for chunk in windows.chunks(batch_size.max(1)) {
        let batch = data.batch(chunk, device)?;
        if batch.counted == 0 {
            continue;
        }
        let logits = model.forward_train(&batch.inputs)?.detach();
        let loss = masked_cross_entropy(&logits, &batch.targets, &batch.mask)?;
        total += f64::from(loss.to_scalar::<f32>()?) * batch.counted as f64;
        counted += batch.counted;
    }
    Ok((total / counted.max(1) as f64) as f32)
}

#[cfg(test)]
mod tests {
    use candle_core::Var;

    use super::*;

    #[test]
    fn schedule_warms_up_then_decays_to_the_floor() {
        let cfg = TrainConfig {
            steps: 100,
            warmup_steps: 10,
            learning_rate: 1.0,
            min_lr_ratio: 0.1,
            ..TrainConfig::default()
        };
        assert!((cfg.learning_rate_at(0) - 0.1).abs() < 1e-12);
        assert!((cfg.learning_rate_at(9) - 1.0).abs() < 1e-12);
        assert!((cfg.learning_rate_at(10) - 1.0).abs() < 1e-12);
        assert!((cfg.learning_rate_at(100) - 0.1).abs() < 1e-12);
        let mid = cfg.learning_rate_at(55);
        assert!((mid - 0.55).abs() < 1e-9, "{mid}");
        for s in 10..99 {
            assert!(cfg.learning_rate_at(s + 1) <= cfg.learning_rate_at(s));
        }
    }

    #[test]
    fn masked_loss_ignores_targets_outside_the_mask() {
        let dev = Device::Cpu;
        let logits = Tensor::new(
            &[[[2.0f32, 0.0, -1.0], [0.5, 0.5, 3.0], [1.0, 2.0, 0.0]]],
            &dev,
        )
        .unwrap();
        let mask = Tensor::new(&[[0f32, 1.0, 1.0]], &dev).unwrap();
        let loss_of = |targets: [u32; 3]| {
            let t = Tensor::new(&[targets], &dev).unwrap();
            masked_cross_entropy(&logits, &t, &mask)
                .unwrap()
                .to_scalar::<f32>()
                .unwrap()
        };
        // Changing the masked (prompt) target changes nothing; the counted ones do.
        assert_eq!(loss_of([0, 2, 1]), loss_of([1, 2, 1]));
        assert_ne!(loss_of([0, 2, 1]), loss_of([0, 0, 1]));
        // By hand: mean of -log softmax at (1, 2) and (2, 1).
        let lse = |v: [f32; 3]| v.iter().map(|x| x.exp()).sum::<f32>().ln();
        let expected = ((lse([0.5, 0.5, 3.0]) - 3.0) + (lse([1.0, 2.0, 0.0]) - 2.0)) / 2.0;
        assert!((loss_of([0, 2, 1]) - expected).abs() < 1e-6);
        // And the gradient reaching masked positions is exactly zero.
        let var = Var::from_tensor(&logits).unwrap();
        let t = Tensor::new(&[[0u32, 2, 1]], &dev).unwrap();
        let loss = masked_cross_entropy(var.as_tensor(), &t, &mask).unwrap();
        let grads = loss.backward().unwrap();
        let g = grads
            .get(var.as_tensor())
            .unwrap()
            .to_vec3::<f32>()
            .unwrap();
        assert!(g[0][0].iter().all(|&x| x == 0.0));
        assert!(g[0][1].iter().any(|&x| x != 0.0));
    }

    #[test]
    fn packing_windows_shift_targets_by_one() {
        let ids: Vec<u32> = (0..21).collect();
        let mask: Vec<bool> = (0..21).map(|i| i % 3 == 0).collect();
        let packed = PackedTokens::from_parts(ids, mask, 5).unwrap();
        assert_eq!(packed.windows(), 4);
        let batch = packed.batch(&[1, 3], &Device::Cpu).unwrap();
        assert_eq!(
            batch.inputs.to_vec2::<u32>().unwrap(),
            vec![vec![5, 6, 7, 8, 9], vec![15, 16, 17, 18, 19]]
        );
        assert_eq!(
            batch.targets.to_vec2::<u32>().unwrap(),
            vec![vec![6, 7, 8, 9, 10], vec![16, 17, 18, 19, 20]]
        );
        assert_eq!(
            batch.mask.to_vec2::<f32>().unwrap(),
            vec![vec![1., 0., 0., 1., 0.], vec![0., 0., 1., 0., 0.]]
        );
        assert_eq!(batch.counted, 3);
        assert!(PackedTokens::from_parts(vec![1, 2], vec![true, true], 5).is_err());
    }

    #[test]
    fn config_validation_names_the_field() {
        let cfg = TrainConfig {
            batch_size: 0,
            ..TrainConfig::default()
        };
        assert!(matches!(
            cfg.validate(),
            Err(Error::Config {
                field: "batch_size",
                ..
            })
        ));
    }
}
