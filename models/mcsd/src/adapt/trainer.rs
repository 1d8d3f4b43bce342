//! Training the adapter factors on a frozen base model.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};

use super::{Adapter, BASE_WEIGHTS, Factors, LoraConfig, SUFFIX_A, SUFFIX_B, compose};
use crate::checkpoint::{self, Architecture};
use crate::error::{Error, Result};
use crate::train::{self, AdamW, PackedTokens, StepStats, TrainConfig, masked_cross_entropy};

/// Where an [`AdapterTrainer`] starts.
#[derive(Debug, Clone)]
pub enum AdapterStart {
    /// A fresh adapter (B = 0: the model starts equal to the base), A drawn from the training
    /// seed.
    Fresh(LoraConfig),
    /// Continue a previously accepted adapter (fresh optimizer moments, schedule from step 0).
    Continue(Adapter),
}

/// The trainable factors of one adapted weight.
pub(super) struct TrainedFactors {
    name: String,
    pub(super) a: Var,
    pub(super) b: Var,
}

/// Fine-tunes low-rank adapters on a frozen base model of architecture `M`.
pub struct AdapterTrainer<M: Architecture> {
    model_config: M::Config,
    /// Detached base weights; never written.
    pub(super) base: HashMap<String, Tensor>,
    lora: LoraConfig,
    pub(super) factors: Vec<TrainedFactors>,
    optimizer: AdamW,
    cfg: TrainConfig,
    device: Device,
    step: usize,
    model: PhantomData<fn() -> M>,
}

impl<M: Architecture> AdapterTrainer<M> {
    /// A trainer over the frozen `base` weights (as [`checkpoint::read_safetensors`] returns
    /// them). Uses of `cfg`: seed (A's initialisation), the learning-rate schedule
    /// (`learning_rate`, `warmup_steps`, `steps`, `min_lr_ratio`), AdamW (`beta1`, `beta2`,
    /// `eps`, `weight_decay`, applied to A and B), `grad_clip`, `seq_len` (of the training
    /// windows), `batch_size` and `eval_windows` (evaluation).
    ///
    /// # Errors
    /// Invalid configs; [`Error::CheckpointMismatch`] when `base` does not fit `model_config`;
    /// [`Error::Input`] when a continued adapter does not fit `base`.
    pub fn new(
        model_config: M::Config,
        base: HashMap<String, Tensor>,
        start: AdapterStart,
        cfg: TrainConfig,
        device: &Device,
    ) -> Result<Self> {
        cfg.validate()?;
        let base = base
            .into_iter()
            .map(|(k, t)| Ok((k, t.to_device(device)?.to_dtype(DType::F32)?.detach())))
            .collect::<Result<HashMap<_, _>>>()?;
        // Refuses missing, misshapen and unexpected tensors before any step.
        checkpoint::build_checked::<M>(
            Path::new(BASE_WEIGHTS),
            &model_config,
            base.clone(),
            device,
        )?;
        let adapter = match start {
            AdapterStart::Fresh(lora) => Adapter::init(lora, &base, cfg.seed, device)?,
            AdapterStart::Continue(adapter) => {
                adapter.check_fits(&base, "AdapterTrainer::new")?;
                adapter
            }
        };
        let varmap = VarMap::new();
        let mut factors = Vec::with_capacity(adapter.len());
        {
            let mut vars = varmap.data().lock().unwrap_or_else(|p| p.into_inner());
            for (name, f) in &adapter.factors {
                // Detached first, so `from_tensor` copies: the caller's adapter stays unchanged.
                let a = Var::from_tensor(&f.a.to_device(device)?.detach())?;
                let b = Var::from_tensor(&f.b.to_device(device)?.detach())?;
                vars.insert(format!("{name}{SUFFIX_A}"), a.clone());
                vars.insert(format!("{name}{SUFFIX_B}"), b.clone());
                factors.push(TrainedFactors {
                    name: name.clone(),
                    a,
                    b,
                });
            }
        }
        let optimizer = AdamW::new(&varmap)?;
        Ok(Self {
            model_config,
            base,
            lora: adapter.config,
            factors,
            optimizer,
            cfg,
            device: device.clone(),
            step: 0,
            model: PhantomData,
        })
    }

    /// The model with differentiable weights W + ΔW (graph into A and B) for one step.
    pub(super) fn training_model(&self) -> Result<M> {
        let scale = self.lora.scale();
        let mut weights = self.base.clone();
        for f in &self.factors {
            let w = &self.base[&f.name]; // checked in `new`
            weights.insert(
                f.name.clone(),
                compose(w, f.a.as_tensor(), f.b.as_tensor(), scale)?,
            );
        }
        M::build(
            &self.model_config,
            VarBuilder::from_tensors(weights, DType::F32, &self.device),
        )
    }

    /// One AdamW step on the windows `windows` of `data` (the caller picks them).
    ///
    /// # Errors
    /// [`Error::Input`] for windows out of range, a window length other than `seq_len`, no
    /// counted target, or a non-finite loss or gradient (nothing is updated then); model and
    /// tensor errors.
    pub fn train_step(&mut self, data: &PackedTokens, windows: &[usize]) -> Result<StepStats> {
        const WHAT: &str = "AdapterTrainer::train_step";
        let started = Instant::now();
        if data.seq_len() != self.cfg.seq_len {
            return Err(Error::Input {
                what: WHAT,
                reason: format!(
                    "windows of {} tokens, config seq_len {}",
                    data.seq_len(),
                    self.cfg.seq_len
                ),
            });
        }
        if windows.is_empty() || windows.iter().any(|&w| w >= data.windows()) {
            return Err(Error::Input {
                what: WHAT,
                reason: format!(
                    "windows {windows:?}: need at least one, each below {}",
                    data.windows()
                ),
            });
        }
        let batch = data.batch(windows, &self.device)?;
        if batch.counted == 0 {
            return Err(Error::Input {
                what: WHAT,
                reason: "the loss mask counts no target in these windows".into(),
            });
        }
        let model = self.training_model()?;
        let logits = model.forward_train(&batch.inputs)?;
        let loss = masked_cross_entropy(&logits, &batch.targets, &batch.mask)?;
        let loss_value = loss.to_scalar::<f32>()?;
        let grads = loss.backward()?;
        let grad_norm = self.optimizer.grad_norm(&grads)?;
        if !loss_value.is_finite() || !grad_norm.is_finite() {
            return Err(Error::Input {
                what: WHAT,
                reason: format!(
                    "loss {loss_value}, gradient norm {grad_norm} at step {}",
                    self.step
                ),
            });
        }
        let clip = if self.cfg.grad_clip > 0.0 && grad_norm > self.cfg.grad_clip {
            self.cfg.grad_clip / (grad_norm + 1e-6)
        } else {
            1.0
        };
        let lr = self.cfg.learning_rate_at(self.step);
        self.optimizer.step(&grads, &self.cfg, lr, clip)?;
        self.step += 1;
        Ok(StepStats {
            step: self.step,
            loss: loss_value,
            grad_norm,
            learning_rate: lr,
            tokens: windows.len() * data.seq_len(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Masked loss of the adapted model over the first `eval_windows` windows of `data` (all
    /// when 0; any window length), in batches of `batch_size`; 0 when no target counts.
    ///
    /// # Errors
    /// Model and tensor errors.
    pub fn evaluate_loss(&self, data: &PackedTokens) -> Result<f32> {
        train::evaluate_loss(
            &self.inference_model()?,
            data,
            self.cfg.eval_windows,
            self.cfg.batch_size,
            &self.device,
        )
    }

    /// The adapted model for inference: ΔW merged into plain, detached weights of the base's
    /// shapes (it costs exactly as much to run as the base).
    ///
    /// # Errors
    /// Model and tensor errors.
    pub fn inference_model(&self) -> Result<M> {
        let scale = self.lora.scale();
        let mut weights = self.base.clone();
        for f in &self.factors {
            let w = &self.base[&f.name];
            let merged = compose(
                w,
                &f.a.as_tensor().detach(),
                &f.b.as_tensor().detach(),
                scale,
            )?;
            weights.insert(f.name.clone(), merged);
        }
        checkpoint::build_checked::<M>(
            Path::new(BASE_WEIGHTS),
            &self.model_config,
            weights,
            &self.device,
        )
    }

    /// A copy of the current adapter, independent of further training.
    ///
    /// # Errors
    /// Tensor errors (allocation).
    pub fn adapter(&self) -> Result<Adapter> {
        // `copy`: a detached view would share the variables' storage, which AdamW overwrites.
        let factors = self
            .factors
            .iter()
            .map(|f| {
                Ok((
                    f.name.clone(),
                    Factors {
                        a: f.a.as_tensor().copy()?.detach(),
                        b: f.b.as_tensor().copy()?.detach(),
                    },
                ))
            })
            .collect::<Result<BTreeMap<_, _>>>()?;
        Ok(Adapter {
            config: self.lora.clone(),
            factors,
        })
    }

    /// Number of trained parameters (all A and B entries).
    pub fn trainable_parameters(&self) -> usize {
        self.factors
            .iter()
            .map(|f| f.a.elem_count() + f.b.elem_count())
            .sum()
    }

    /// Steps completed.
    pub fn step(&self) -> usize {
        self.step
    }

    /// The adapter config.
    pub fn lora_config(&self) -> &LoraConfig {
        &self.lora
    }

    /// The optimisation config.
    pub fn train_config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// The model config.
    pub fn model_config(&self) -> &M::Config {
        &self.model_config
    }
}
