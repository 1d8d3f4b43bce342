//! Parameter-efficient fine-tuning with low-rank adapters (LoRA: Hu et al., "LoRA: Low-Rank
//! Adaptation of Large Language Models", arXiv 2106.09685), generic over any
//! [`Architecture`](crate::checkpoint::Architecture).
//!
//! A chosen 2-D weight W `[rows, cols]` of a frozen base model gets two small factors,
//! A `[rank, cols]` and B `[rows, rank]`; the adapted weight is W + ΔW with
//! ΔW = (alpha / rank) · B·A, a delta of W's own shape, so it is right whichever way the model
//! multiplies W. A starts small and random (seeded), B at zero: before the first step the
//! adapted model equals the base bit for bit. Only A and B are trained; the base tensors are
//! never variables and never written.
//!
//! Training composes W + ΔW as differentiable tensors and builds the model from them every step
//! (gradients reach A and B through the composition). Inference merges ΔW into plain, detached
//! weights ([`AdapterTrainer::inference_model`], [`Adapter::merge`]): the adapted model has the
//! base's shapes and costs exactly as much to run.
//!
//! # Adapter file
//! One safetensors file, written atomically by [`Adapter::save`]: per adapted weight `{name}`,
//! `{name}.lora_a` `[rank, cols]` and `{name}.lora_b` `[rows, rank]`, both f32. The safetensors
//! header metadata holds `format` = [`ADAPTER_FORMAT`], `format_version` =
//! [`ADAPTER_FORMAT_VERSION`] and `lora_config`, the [`LoraConfig`] as JSON. [`Adapter::load`]
//! checks it against the base weights it will be merged into.

use std::collections::{BTreeMap, HashMap};

use candle_core::{DType, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod file;
mod trainer;

pub use trainer::{AdapterStart, AdapterTrainer};

#[cfg(test)]
mod tests;

/// Value of the `format` metadata entry of an adapter file.
pub const ADAPTER_FORMAT: &str = "mcsd-lora";
/// Value of the `format_version` metadata entry of an adapter file.
pub const ADAPTER_FORMAT_VERSION: &str = "1";

const SUFFIX_A: &str = ".lora_a";
const SUFFIX_B: &str = ".lora_b";
/// Where in-memory base weights are reported in errors.
const BASE_WEIGHTS: &str = "<base weights>";

/// Which weights get adapters, and their size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoraConfig {
    /// Rank r of every adapter: A is `[r, cols]`, B `[rows, r]`. At least 1 and at most the
    /// smaller side of each adapted weight.
    pub rank: usize,
    /// Scale numerator: ΔW = (alpha / rank) · B·A. Finite and > 0.
    pub alpha: f64,
    /// Weight-key suffixes to adapt. A key matches when it equals a suffix or ends with `.`
    /// followed by it (`mlp.down.weight` matches `layers.0.mlp.down.weight`). Only 2-D weights
    /// are adapted; suffixes matching no key of the base are ignored, but at least one 2-D
    /// weight must match.
    pub targets: Vec<String>,
}

impl Default for LoraConfig {
    fn default() -> Self {
        Self {
            rank: 8,
            alpha: 16.0,
            targets: [
                "mixer.in_proj.weight",
                "mixer.out_proj.weight",
                "mlp.gate_up.weight",
                "mlp.down.weight",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl LoraConfig {
    /// Checks ranges (rank, alpha) and the target list (non-empty, no empty or repeated entry).
    ///
    /// # Errors
    /// [`Error::Config`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, reason: String| Err(Error::Config { field, reason });
        if self.rank == 0 {
            return bad("rank", "must be >= 1".into());
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return bad("alpha", format!("{} is not finite and > 0", self.alpha));
        }
        if self.targets.is_empty() {
            return bad("targets", "names no weight".into());
        }
        for (i, target) in self.targets.iter().enumerate() {
            if target.is_empty() || target.starts_with('.') {
                return bad(
                    "targets",
                    format!("entry {i} ({target:?}) is not a key suffix"),
                );
            }
            if self.targets[..i].contains(target) {
                return bad("targets", format!("{target:?} is listed twice"));
            }
        }
        Ok(())
    }

    /// The factor multiplying B·A: alpha / rank.
    pub fn scale(&self) -> f64 {
        self.alpha / self.rank as f64
    }

    /// Whether weight `key` is named by one of the targets.
    pub fn matches(&self, key: &str) -> bool {
        self.targets.iter().any(|t| {
            key.strip_suffix(t.as_str())
                .is_some_and(|head| head.is_empty() || head.ends_with('.'))
        })
    }

    /// The 2-D weights of `base` this config adapts, sorted by name, with their
    /// `(rows, cols)`.
    ///
    /// # Errors
    /// [`Error::Config`]: the config is invalid, matches no 2-D weight (`targets`), or its rank
    /// exceeds the smaller side of a matched weight (`rank`).
    pub fn matched_weights(
        &self,
        base: &HashMap<String, Tensor>,
    ) -> Result<Vec<(String, (usize, usize))>> {
        self.validate()?;
        let matched = matching_2d(self, base);
        if matched.is_empty() {
            return Err(Error::Config {
                field: "targets",
                reason: format!("{:?} match no 2-D weight of the base", self.targets),
            });
        }
        if let Some((name, (rows, cols))) = matched
            .iter()
            .find(|(_, (rows, cols))| self.rank > *rows.min(cols))
        {
            return Err(Error::Config {
                field: "rank",
                reason: format!(
                    "{} exceeds the smaller side of `{name}` [{rows}, {cols}]",
                    self.rank
                ),
            });
        }
        Ok(matched)
    }
}

/// Matched 2-D weights, sorted, without validation (a weight of another rank is not adapted).
fn matching_2d(cfg: &LoraConfig, base: &HashMap<String, Tensor>) -> Vec<(String, (usize, usize))> {
    let mut matched: Vec<(String, (usize, usize))> = base
        .iter()
        .filter(|(name, _)| cfg.matches(name))
        .filter_map(|(name, w)| w.dims2().ok().map(|shape| (name.clone(), shape)))
        .collect();
    matched.sort();
    matched
}

/// W + scale · B·A: the one formula of training, merging and the step-0 identity (B = 0 adds
/// an exact zero).
fn compose(w: &Tensor, a: &Tensor, b: &Tensor, scale: f64) -> Result<Tensor> {
    Ok((w + (b.matmul(a)? * scale)?)?)
}

/// The low-rank factors of one adapted weight.
#[derive(Debug, Clone)]
struct Factors {
    /// `[rank, cols]`.
    a: Tensor,
    /// `[rows, rank]`.
    b: Tensor,
}

/// A trained (or fresh) set of low-rank adapters: the config plus A and B per adapted weight.
/// Tensors are detached f32 values, independent of any trainer.
#[derive(Debug, Clone)]
pub struct Adapter {
    config: LoraConfig,
    factors: BTreeMap<String, Factors>,
}

impl Adapter {
    /// A fresh adapter for `base`: A Kaiming-uniform-like from `seed` (bound 1/√cols, drawn in
    /// name order), B zero, so merging it changes nothing.
    fn init(
        config: LoraConfig,
        base: &HashMap<String, Tensor>,
        seed: u64,
        device: &Device,
    ) -> Result<Self> {
        let matched = config.matched_weights(base)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let r = config.rank;
        let mut factors = BTreeMap::new();
        for (name, (rows, cols)) in matched {
            let bound = 1.0 / (cols as f32).sqrt();
            let values: Vec<f32> = (0..r * cols)
                .map(|_| rng.random_range(-bound..bound))
                .collect();
            let a = Tensor::from_vec(values, (r, cols), device)?;
            let b = Tensor::zeros((rows, r), DType::F32, device)?;
            factors.insert(name, Factors { a, b });
        }
        Ok(Self { config, factors })
    }

    /// The adapter's config.
    pub fn config(&self) -> &LoraConfig {
        &self.config
    }

    /// Number of adapted weights.
    pub fn len(&self) -> usize {
        self.factors.len()
    }

    /// Whether no weight is adapted (never true for an adapter built by this module).
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    /// Names of the adapted weights, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.factors.keys().map(String::as_str)
    }

    /// The factors (A `[rank, cols]`, B `[rows, rank]`) of adapted weight `name`.
    pub fn factors(&self, name: &str) -> Option<(&Tensor, &Tensor)> {
        self.factors.get(name).map(|f| (&f.a, &f.b))
    }

    /// Number of adapter parameters (all A and B entries).
    pub fn parameter_count(&self) -> usize {
        self.factors
            .values()
            .map(|f| f.a.elem_count() + f.b.elem_count())
            .sum()
    }

    /// `base` with ΔW added to every adapted weight; other tensors are shared unchanged.
    ///
    /// # Errors
    /// [`Error::Input`] when `base` lacks an adapted weight or its shape does not fit the
    /// factors; tensor errors.
    pub fn merge(&self, base: &HashMap<String, Tensor>) -> Result<HashMap<String, Tensor>> {
        self.check_shapes(base, "Adapter::merge")?;
        let scale = self.config.scale();
        let mut merged = base.clone();
        for (name, f) in &self.factors {
            let w = &base[name]; // present: checked above
            merged.insert(
                name.clone(),
                compose(&w.detach(), &f.a, &f.b, scale)?.detach(),
            );
        }
        Ok(merged)
    }

    /// Every adapted weight exists in `base` with shape `[rows(B), cols(A)]` and the factors
    /// have the configured rank.
    fn check_shapes(&self, base: &HashMap<String, Tensor>, what: &'static str) -> Result<()> {
        let r = self.config.rank;
        for (name, f) in &self.factors {
            let Some(w) = base.get(name) else {
                return Err(Error::Input {
                    what,
                    reason: format!("the base has no weight `{name}`"),
                });
            };
            let (rows, r_b) = f.b.dims2()?;
            let (r_a, cols) = f.a.dims2()?;
            if w.dims() != [rows, cols] || r_a != r || r_b != r {
                return Err(Error::Input {
                    what,
                    reason: format!(
                        "`{name}` is {:?} in the base; rank-{r} factors A {:?}, B {:?} do not fit",
                        w.dims(),
                        f.a.dims(),
                        f.b.dims()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Like [`Adapter::check_shapes`], and the adapted weights are exactly those the config
    /// matches in `base` (a trainer continuing from this adapter trains the same set).
    fn check_fits(&self, base: &HashMap<String, Tensor>, what: &'static str) -> Result<()> {
        self.check_shapes(base, what)?;
        let expected = self.config.matched_weights(base)?;
        if !expected
            .iter()
            .map(|(name, _)| name.as_str())
            .eq(self.names())
        {
            return Err(Error::Input {
                what,
                reason: format!(
                    "the adapter adapts {:?}, its config matches {:?} in the base",
                    self.names().collect::<Vec<_>>(),
                    expected.iter().map(|(n, _)| n).collect::<Vec<_>>()
                ),
            });
        }
        Ok(())
    }
}
