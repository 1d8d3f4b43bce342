//! The MCSD language model: embedding, `n_layers` blocks
//! (h += Mixer(RMSNorm(h)); h += GeGLU(RMSNorm(h))), final RMSNorm and an LM head (tied to the
//! embedding by default). No positional encoding: the fixed decays carry order.
//!
//! Checkpoint keys: `embed.weight` `[V, D]`, `layers.{i}.mixer_norm.weight`,
//! `layers.{i}.mixer.{in_proj,decay_norm,out_proj}.weight`, `layers.{i}.mlp_norm.weight`,
//! `layers.{i}.mlp.gate_up.weight` `[2H, D]` (gate rows first), `layers.{i}.mlp.down.weight`
//! `[H, D]` (applied as h·W, so a hidden unit's output row is contiguous), `final_norm.weight`,
//! `lm_head.weight` `[V, D]` when untied.

use std::sync::Arc;

use candle_core::{D, DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::config::Config;
use crate::decoder::{Decoder, Trainable};
use crate::error::{Error, Result};
use crate::mixer::{InProj, Mixer, MixerForm, Rates, Section, mix_sequence, rms_norm_diff};
use crate::quantized::Lin;
use crate::state::State;

pub(crate) mod fused;

/// GeGLU MLP: down(GELU(gate(x)) ⊙ up(x)), optionally with learned top-k sparse activation.
#[derive(Debug, Clone)]
pub(crate) struct Mlp {
    /// `[2H, D]`: gate rows 0..H, up rows H..2H.
    pub(crate) gate_up: Tensor,
    /// `[H, D]`.
    pub(crate) down: Tensor,
    pub(crate) hidden: usize,
    pub(crate) top_k: Option<usize>,
}

impl Mlp {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let (d, h) = (cfg.d_model, cfg.mlp_hidden);
        let b_in = 1.0 / (d as f64).sqrt();
        let b_out = 1.0 / (h as f64).sqrt();
        let gate_up = vb.pp("gate_up").get_with_hints(
            (2 * h, d),
            "weight",
            candle_nn::Init::Uniform {
                lo: -b_in,
                up: b_in,
            },
        )?;
        let down = vb.pp("down").get_with_hints(
            (h, d),
            "weight",
            candle_nn::Init::Uniform {
                lo: -b_out,
                up: b_out,
            },
        )?;
        Ok(Self {
            gate_up,
            down,
            hidden: h,
            top_k: cfg.sparse_top_k,
        })
    }

    /// Differentiable forward of `x` `[.., D]`. With top-k, the mask keeps the k hidden units
    /// with the largest gate pre-activation per token (the selection is learned through the gate
    /// weights; gradients flow through the kept units only).
    fn forward_train(&self, x: &Tensor) -> Result<Tensor> {
        let gu = x.matmul(&self.gate_up.t()?)?;
        let mut hidden = fused::geglu(&gu)?;
        if let Some(k) = self.top_k {
            hidden = (hidden * top_k_mask(&gu.narrow(D::Minus1, 0, self.hidden)?, k)?)?;
        }
        Ok(hidden.matmul(&self.down)?)
    }
}

/// `{0, 1}` mask `[.., H]` of the k largest entries of `gate` per row (constant: no gradient).
pub(crate) fn top_k_mask(gate: &Tensor, k: usize) -> Result<Tensor> {
    let gate = gate.detach();
    let (sorted, _) = gate.contiguous()?.sort_last_dim(false)?;
    let threshold = sorted.narrow(D::Minus1, k - 1, 1)?;
    Ok(gate.broadcast_ge(&threshold)?.to_dtype(DType::F32)?)
}

/// Indices of the hidden units with gate ≥ the k-th largest gate (same rule as [`top_k_mask`]).
pub(crate) fn select_top_k(gate: &[f32], k: usize, scratch: &mut Vec<f32>) -> Vec<usize> {
    scratch.clear();
    scratch.extend_from_slice(gate);
    let (_, kth, _) = scratch.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    let threshold = *kth;
    gate.iter()
        .enumerate()
        .filter(|(_, g)| **g >= threshold)
        .map(|(j, _)| j)
        .collect()
}

/// Sparse GeGLU rows: for each row of `x`, the selected units' up projection (rows H+j of
/// `gate_up`) and down rows (rows j of `down`), read in place from the weight storage.
fn sparse_up_down(
    x: &Tensor,
    gate: &Tensor,
    gate_up: &Tensor,
    down: &Tensor,
    hidden: usize,
    k: usize,
) -> Result<Tensor> {
    let (rows, d) = x.dims2()?;
    let xv = x.flatten_all()?.to_vec1::<f32>()?;
    let gv = gate.flatten_all()?.to_vec1::<f32>()?;
    let gate_up = gate_up.contiguous()?;
    let down = down.contiguous()?;
    let (gu_guard, gu_layout) = gate_up.storage_and_layout();
    let (down_guard, down_layout) = down.storage_and_layout();
    let gu_all = cpu_f32(&gu_guard, gu_layout, "sparse MLP gate_up")?;
    let down_all = cpu_f32(&down_guard, down_layout, "sparse MLP down")?;
    let up_rows = &gu_all[hidden * d..2 * hidden * d];
    let mut out = vec![0f32; rows * d];
    let mut scratch = Vec::with_capacity(hidden);
    for r in 0..rows {
        let xr = &xv[r * d..(r + 1) * d];
        let gr = &gv[r * hidden..(r + 1) * hidden];
        let orow = &mut out[r * d..(r + 1) * d];
        for j in select_top_k(gr, k, &mut scratch) {
            let u = dot(&up_rows[j * d..(j + 1) * d], xr);
            let h = fused::gelu(gr[j]) * u;
            for (o, w) in orow.iter_mut().zip(&down_all[j * d..(j + 1) * d]) {
                *o += h * w;
            }
        }
    }
    Ok(Tensor::from_vec(out, (rows, d), x.device())?)
}

/// Dot product with 16 independent accumulators, so the compiler vectorises it (a plain
/// iterator `sum` is a serial f32 dependency chain).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut acc = [0f32; LANES];
    let (a_body, a_tail) = a.split_at(a.len() - a.len() % LANES);
    let (b_body, b_tail) = b.split_at(a_body.len().min(b.len()));
    for (ca, cb) in a_body.chunks_exact(LANES).zip(b_body.chunks_exact(LANES)) {
        for i in 0..LANES {
            acc[i] += ca[i] * cb[i];
        }
    }
    let tail: f32 = a_tail.iter().zip(b_tail).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

/// The contiguous f32 data of a CPU tensor's storage.
pub(crate) fn cpu_f32<'a>(
    storage: &'a candle_core::Storage,
    layout: &candle_core::Layout,
    what: &'static str,
) -> Result<&'a [f32]> {
    let candle_core::Storage::Cpu(cpu) = storage else {
        return Err(Error::Input {
            what,
            reason: "the in-place fast path needs a CPU tensor".into(),
        });
    };
    let data = cpu.as_slice::<f32>()?;
    let (start, end) = layout.contiguous_offsets().ok_or_else(|| Error::Input {
        what,
        reason: "weight is not contiguous".into(),
    })?;
    Ok(&data[start..end])
}

#[derive(Debug, Clone)]
struct Block {
    mixer_norm: Tensor,
    mixer: Mixer,
    mlp_norm: Tensor,
    mlp: Mlp,
}

/// An MCSD language model; immutable, share as `Arc<Model>`.
#[derive(Debug, Clone)]
pub struct Model {
    cfg: Config,
    embed: Tensor,
    layers: Vec<Block>,
    final_norm: Tensor,
    lm_head: Option<Tensor>,
    rates: Arc<Rates>,
    device: Device,
    /// Detached views of the same weight storage (so they follow optimizer updates), built once.
    infer: InferModel,
}

/// A norm gain of width `d`, initialised to one (shared with the Transformer baseline).
pub(crate) fn norm_weight(vb: VarBuilder, d: usize) -> Result<Tensor> {
    Ok(vb.get_with_hints(d, "weight", candle_nn::Init::Const(1.0))?)
}

/// The token embedding `[vocab, d]`, N(0, 0.02) at initialisation (shared with the baseline,
/// so both models start alike).
pub(crate) fn embedding_weight(vb: VarBuilder, vocab: usize, d: usize) -> Result<Tensor> {
    Ok(vb.get_with_hints(
        (vocab, d),
        "weight",
        candle_nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        },
    )?)
}

impl Model {
    /// Builds the model from `vb` (keys are the checkpoint keys; see the module doc).
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        cfg.validate()?;
        let d = cfg.d_model;
        let rates = Arc::new(Rates::new(cfg));
        let embed = embedding_weight(vb.pp("embed"), cfg.vocab_size, d)?;
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for i in 0..cfg.n_layers {
            let lv = vb.pp(format!("layers.{i}"));
            layers.push(Block {
                mixer_norm: norm_weight(lv.pp("mixer_norm"), d)?,
                mixer: Mixer::new(cfg, rates.clone(), lv.pp("mixer"))?,
                mlp_norm: norm_weight(lv.pp("mlp_norm"), d)?,
                mlp: Mlp::new(cfg, lv.pp("mlp"))?,
            });
        }
        let final_norm = norm_weight(vb.pp("final_norm"), d)?;
        let lm_head = if cfg.tie_embeddings {
            None
        } else {
            let bound = 1.0 / (d as f64).sqrt();
            Some(vb.pp("lm_head").get_with_hints(
                (cfg.vocab_size, d),
                "weight",
                candle_nn::Init::Uniform {
                    lo: -bound,
                    up: bound,
                },
            )?)
        };
        let infer = build_infer(
            cfg,
            &embed,
            &layers,
            &final_norm,
            lm_head.as_ref(),
            &rates,
            vb.device(),
        )?;
        Ok(Self {
            cfg: cfg.clone(),
            embed,
            layers,
            final_norm,
            lm_head,
            rates,
            device: vb.device().clone(),
            infer,
        })
    }

    /// The model's configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Device of the weights.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The fixed mixing rates (shared by all layers).
    pub fn rates(&self) -> &Arc<Rates> {
        &self.rates
    }

    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        let mut n = self.embed.elem_count() + self.final_norm.elem_count();
        n += self.lm_head.as_ref().map_or(0, Tensor::elem_count);
        for l in &self.layers {
            n += l.mixer_norm.elem_count() + l.mlp_norm.elem_count();
            n += match &l.mixer.in_proj {
                InProj::Full(w) | InProj::PerChannel(w) => w.elem_count(),
            };
            n += l.mixer.decay_gain.elem_count();
            n += l.mixer.out_proj.as_ref().map_or(0, Tensor::elem_count);
            n += l.mlp.gate_up.elem_count() + l.mlp.down.elem_count();
        }
        n
    }

    /// A copy whose weights are detached from any training graph (for inference while the
    /// original keeps training; avoids recording a graph per decoded token).
    pub fn detached(&self) -> Self {
        let mut m = self.clone();
        m.embed = m.embed.detach();
        m.final_norm = m.final_norm.detach();
        m.lm_head = m.lm_head.map(|t| t.detach());
        for l in &mut m.layers {
            l.mixer_norm = l.mixer_norm.detach();
            l.mlp_norm = l.mlp_norm.detach();
            l.mixer.in_proj = match &l.mixer.in_proj {
                InProj::Full(w) => InProj::Full(w.detach()),
                InProj::PerChannel(w) => InProj::PerChannel(w.detach()),
            };
            l.mixer.decay_gain = l.mixer.decay_gain.detach();
            l.mixer.out_proj = l.mixer.out_proj.as_ref().map(Tensor::detach);
            l.mlp.gate_up = l.mlp.gate_up.detach();
            l.mlp.down = l.mlp.down.detach();
        }
        m
    }

    fn check_ids(&self, ids: &Tensor, rank: usize, what: &'static str) -> Result<()> {
        if ids.rank() != rank || ids.dtype() != DType::U32 {
            return Err(Error::Input {
                what,
                reason: format!(
                    "expected u32 ids of rank {rank}, got {:?} {:?}",
                    ids.dtype(),
                    ids.dims()
                ),
            });
        }
        Ok(())
    }

    fn head_weight(&self) -> &Tensor {
        self.lm_head.as_ref().unwrap_or(&self.embed)
    }

    /// Differentiable forward from an empty state with the chosen mixer form:
    /// ids `[B, N]` -> logits `[B, N, vocab]`.
    pub fn forward_with(&self, ids: &Tensor, form: MixerForm) -> Result<Tensor> {
        self.check_ids(ids, 2, "Model::forward_with")?;
        let (b, n) = ids.dims2()?;
        let eps = self.cfg.rms_eps;
        let literal = match form {
            MixerForm::Literal => Some((
                self.rates
                    .literal_matrices(Section::Slope, n, &self.device)?,
                self.rates
                    .literal_matrices(Section::Decay, n, &self.device)?,
            )),
            MixerForm::Chunked => None,
        };
        // Rows [B·N, D] throughout: plain 2-D matmuls (no broadcast weights in the backward).
        let mut h = self.embed.index_select(&ids.flatten_all()?, 0)?;
        for layer in &self.layers {
            let x = rms_norm_diff(&h, &layer.mixer_norm, eps)?;
            h = (h + layer.mixer.forward_train(&x, b, literal.as_ref())?)?;
            let x = rms_norm_diff(&h, &layer.mlp_norm, eps)?;
            h = (h + layer.mlp.forward_train(&x)?)?;
        }
        let h = rms_norm_diff(&h, &self.final_norm, eps)?;
        Ok(h.matmul(&self.head_weight().t()?)?
            .reshape((b, n, self.cfg.vocab_size))?)
    }

    /// The inference view of the weights (detached views of the same storage).
    pub(crate) fn infer_weights(&self) -> &InferModel {
        &self.infer
    }

    /// Inference forward of `ids` `[B, L]` continuing from `state`: logits `[B·L, vocab]`.
    fn forward_infer(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        self.infer.forward(ids, state)
    }
}

/// Dense inference view: detached tensors sharing the weights' storage (no graph is recorded
/// while decoding, and optimizer updates are seen).
fn build_infer(
    cfg: &Config,
    embed: &Tensor,
    layers: &[Block],
    final_norm: &Tensor,
    lm_head: Option<&Tensor>,
    rates: &Arc<Rates>,
    device: &Device,
) -> Result<InferModel> {
    let mut blocks = Vec::with_capacity(layers.len());
    for l in layers {
        let in_proj = match &l.mixer.in_proj {
            InProj::Full(w) => InferProj::Full(Lin::Dense(w.detach())),
            InProj::PerChannel(w) => {
                let c = w.dim(0)?;
                let per = (0..c)
                    .map(|i| Ok(Lin::Dense(w.get(i)?.detach().t()?)))
                    .collect::<Result<Vec<_>>>()?;
                InferProj::PerChannel(per)
            }
        };
        let mlp = match l.mlp.top_k {
            None => InferMlp::Dense {
                gate_up: Lin::Dense(l.mlp.gate_up.detach()),
                down: Lin::Dense(l.mlp.down.detach().t()?),
                hidden: l.mlp.hidden,
            },
            Some(k) => InferMlp::SparseRows {
                gate: Lin::Dense(l.mlp.gate_up.detach().narrow(0, 0, l.mlp.hidden)?),
                gate_up: l.mlp.gate_up.detach(),
                down: l.mlp.down.detach(),
                hidden: l.mlp.hidden,
                k,
            },
        };
        blocks.push(InferBlock {
            mixer_norm: l.mixer_norm.detach(),
            in_proj,
            decay_gain: l.mixer.decay_gain.detach(),
            out_proj: l.mixer.out_proj.as_ref().map(|w| Lin::Dense(w.detach())),
            mlp_norm: l.mlp_norm.detach(),
            mlp,
        });
    }
    Ok(InferModel {
        cfg: cfg.clone(),
        embed: embed.detach(),
        blocks,
        final_norm: final_norm.detach(),
        head: Lin::Dense(lm_head.unwrap_or(embed).detach()),
        rates: rates.clone(),
        device: device.clone(),
    })
}

/// Input projection for inference.
#[derive(Debug, Clone)]
pub(crate) enum InferProj {
    /// `[4D, D]` (out × in).
    Full(Lin),
    /// One `[4Dc, Dc]` (out × in) per channel.
    PerChannel(Vec<Lin>),
}

/// GeGLU for inference.
#[derive(Debug, Clone)]
pub(crate) enum InferMlp {
    /// All hidden units.
    Dense {
        /// `[2H, D]` out × in.
        gate_up: Lin,
        /// `[D, H]` out × in.
        down: Lin,
        /// H.
        hidden: usize,
    },
    /// Top-k: dense gate, then only the selected units' rows (f32 weights read in place).
    SparseRows {
        /// `[H, D]` gate rows.
        gate: Lin,
        /// `[2H, D]` f32.
        gate_up: Tensor,
        /// `[H, D]` f32.
        down: Tensor,
        /// H.
        hidden: usize,
        /// Units kept per token.
        k: usize,
    },
    /// Top-k with quantised weights: the mask is applied to the dense product (no rows skipped:
    /// quantised blocks cannot be gathered cheaply).
    SparseMasked {
        /// `[2H, D]` out × in.
        gate_up: Lin,
        /// `[D, H]` out × in.
        down: Lin,
        /// H.
        hidden: usize,
        /// Units kept per token.
        k: usize,
    },
}

impl InferMlp {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            InferMlp::Dense { gate_up, down, .. } => {
                down.forward(&fused::geglu(&gate_up.forward(x)?)?)
            }
            InferMlp::SparseRows {
                gate,
                gate_up,
                down,
                hidden,
                k,
            } => {
                let g = gate.forward(x)?;
                sparse_up_down(x, &g, gate_up, down, *hidden, *k)
            }
            InferMlp::SparseMasked {
                gate_up,
                down,
                hidden,
                k,
            } => {
                let gu = gate_up.forward(x)?;
                let mask = top_k_mask(&gu.narrow(D::Minus1, 0, *hidden)?, *k)?;
                down.forward(&(fused::geglu(&gu)? * mask)?)
            }
        }
    }
}

/// One block's inference weights.
#[derive(Debug, Clone)]
pub(crate) struct InferBlock {
    pub(crate) mixer_norm: Tensor,
    pub(crate) in_proj: InferProj,
    /// `[D]` f32 (read in place).
    pub(crate) decay_gain: Tensor,
    pub(crate) out_proj: Option<Lin>,
    pub(crate) mlp_norm: Tensor,
    pub(crate) mlp: InferMlp,
}

/// Inference weights of a whole model (dense f32 or quantised), with the recurrent forward.
#[derive(Debug, Clone)]
pub(crate) struct InferModel {
    pub(crate) cfg: Config,
    pub(crate) embed: Tensor,
    pub(crate) blocks: Vec<InferBlock>,
    pub(crate) final_norm: Tensor,
    pub(crate) head: Lin,
    pub(crate) rates: Arc<Rates>,
    pub(crate) device: Device,
}

impl InferModel {
    /// ids `[B, L]` continuing from `state` -> logits `[B·L, vocab]`; advances the state.
    pub(crate) fn forward(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        let (b, l) = ids.dims2()?;
        if state.batch() != b || state.layers().len() != self.blocks.len() {
            return Err(Error::Input {
                what: "MCSD forward_seq",
                reason: format!(
                    "ids batch {b} / {} layers do not match the state ({} sequences, {} layers)",
                    self.blocks.len(),
                    state.batch(),
                    state.layers().len()
                ),
            });
        }
        let d = self.cfg.d_model;
        let eps = self.cfg.rms_eps as f32;
        let pos0 = state.pos();
        let mut h = self.embed.index_select(&ids.flatten_all()?, 0)?; // [B·L, D]
        for (block, ls) in self.blocks.iter().zip(state.layers_mut()) {
            let x = candle_nn::ops::rms_norm(&h, &block.mixer_norm, eps)?;
            let proj = match &block.in_proj {
                InferProj::Full(w) => w.forward(&x)?.flatten_all()?.to_vec1::<f32>()?,
                InferProj::PerChannel(per) => per_channel_projection(&x, per, d)?,
            };
            let theta = {
                let (guard, layout) = block.decay_gain.storage_and_layout();
                let gain = cpu_f32(&guard, layout, "decay_norm gain")?;
                mix_sequence(&self.rates, &proj, b, ls, pos0, gain, eps, self.cfg.fusion)?
            };
            let width = theta.len() / (b * l);
            let mut theta = Tensor::from_vec(theta, (b * l, width), &self.device)?;
            if let Some(w) = &block.out_proj {
                theta = w.forward(&theta)?;
            }
            h = (h + theta)?;
            let x = candle_nn::ops::rms_norm(&h, &block.mlp_norm, eps)?;
            h = (h + block.mlp.forward(&x)?)?;
        }
        state.advance(l);
        let h = candle_nn::ops::rms_norm(&h, &self.final_norm, eps)?;
        self.head.forward(&h)
    }
}

/// Per-channel projections of `x` `[R, D]` laid out as `[R, 4, D]` (U, V, F, E) row-major.
fn per_channel_projection(x: &Tensor, per: &[Lin], d: usize) -> Result<Vec<f32>> {
    let rows = x.dim(0)?;
    let c = per.len();
    let dc = d / c;
    let mut out = vec![0f32; rows * 4 * d];
    for (ch, w) in per.iter().enumerate() {
        let y = w
            .forward(&x.narrow(1, ch * dc, dc)?.contiguous()?)?
            .flatten_all()?
            .to_vec1::<f32>()?; // [R, 4·Dc]
        for r in 0..rows {
            for k in 0..4 {
                let src = &y[(r * 4 + k) * dc..(r * 4 + k + 1) * dc];
                let dst = (r * 4 + k) * d + ch * dc;
                out[dst..dst + dc].copy_from_slice(src);
            }
        }
    }
    Ok(out)
}

impl Decoder for Model {
    type State = State;

    fn new_state(&self, batch: usize) -> Result<State> {
        State::new(batch, &self.cfg, &self.device)
    }

    fn forward_step(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        self.check_ids(ids, 1, "Model::forward_step")?;
        let b = ids.dim(0)?;
        self.forward_infer(&ids.reshape((b, 1))?, state)
    }

    fn forward_seq(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        self.check_ids(ids, 2, "Model::forward_seq")?;
        let (b, l) = ids.dims2()?;
        Ok(self
            .forward_infer(ids, state)?
            .reshape((b, l, self.cfg.vocab_size))?)
    }

    fn state_bytes(state: &State) -> usize {
        state.size_bytes()
    }

    fn vocab_size(&self) -> usize {
        self.cfg.vocab_size
    }
}

impl Trainable for Model {
    fn forward_train(&self, ids: &Tensor) -> Result<Tensor> {
        self.forward_with(ids, MixerForm::Chunked)
    }
}
