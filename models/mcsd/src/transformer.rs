//! Same-size decoder-only Transformer baseline, used only for comparisons: pre-norm blocks
//! (h += Attn(RMSNorm(h)); h += GeGLU(RMSNorm(h))) with RoPE (rotate-half), causal softmax
//! attention, the same GeGLU MLP, vocabulary and tied head as MCSD, and a KV cache.
//!
//! Checkpoint keys: `embed.weight`, `layers.{i}.attn_norm.weight`, `layers.{i}.attn.qkv.weight`
//! `[3D, D]`, `layers.{i}.attn.out.weight` `[D, D]`, `layers.{i}.mlp_norm.weight`,
//! `layers.{i}.mlp.gate_up.weight` `[2H, D]`, `layers.{i}.mlp.down.weight` `[H, D]`,
//! `final_norm.weight`, `lm_head.weight` when untied.

use candle_core::{D, DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::decoder::{Decoder, Trainable};
use crate::error::{Error, Result};
use crate::mixer::rms_norm_diff;
use crate::model::{embedding_weight, norm_weight};
use crate::quantized::{Lin, QuantKind};

/// Hyper-parameters of the baseline Transformer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformerConfig {
    /// Residual width.
    pub d_model: usize,
    /// Number of blocks.
    pub n_layers: usize,
    /// Attention heads.
    pub n_heads: usize,
    /// GeGLU hidden width.
    pub mlp_hidden: usize,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// LM head shares the embedding.
    pub tie_embeddings: bool,
    /// Longest context (RoPE table length and KV cache limit).
    pub max_positions: usize,
    /// RMSNorm epsilon.
    pub rms_eps: f64,
}

/// RoPE base frequency.
const ROPE_THETA: f64 = 10_000.0;
/// First KV cache allocation (positions); it doubles when full.
const INITIAL_CACHE: usize = 256;

impl TransformerConfig {
    /// Same width, depth, MLP, vocabulary and head tying as an MCSD config; 16,640 positions.
    pub fn matching(cfg: &Config, n_heads: usize) -> Self {
        Self {
            d_model: cfg.d_model,
            n_layers: cfg.n_layers,
            n_heads,
            mlp_hidden: cfg.mlp_hidden,
            vocab_size: cfg.vocab_size,
            tie_embeddings: cfg.tie_embeddings,
            max_positions: 16384 + 256,
            rms_eps: cfg.rms_eps,
        }
    }

    /// Checks sizes (heads divide the width into even head dimensions).
    pub fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("d_model", self.d_model),
            ("n_layers", self.n_layers),
            ("n_heads", self.n_heads),
            ("mlp_hidden", self.mlp_hidden),
            ("vocab_size", self.vocab_size),
            ("max_positions", self.max_positions),
        ] {
            if value == 0 {
                return Err(Error::Config {
                    field,
                    reason: "must be positive".into(),
                });
            }
        }
        if !self.d_model.is_multiple_of(self.n_heads)
            || !(self.d_model / self.n_heads).is_multiple_of(2)
        {
            return Err(Error::Config {
                field: "n_heads",
                reason: format!(
                    "d_model {} / n_heads {} must be an even integer",
                    self.d_model, self.n_heads
                ),
            });
        }
        Ok(())
    }

    fn head_dim(&self) -> usize {
        self.d_model / self.n_heads
    }
}

/// KV cache of a batch of sequences: per layer K and V `[B, H, capacity, hd]`, filled up to
/// `pos`. Capacity doubles when full (amortised O(1) per token). `clone` copies the buffers, so a
/// snapshot is independent of the original (writes go into the buffers in place).
#[derive(Debug)]
pub struct KvCache {
    layers: Vec<(Tensor, Tensor)>,
    pos: usize,
    batch: usize,
    capacity: usize,
}

impl Clone for KvCache {
    fn clone(&self) -> Self {
        // Deep copy: `slice_set` writes into the shared buffers, so a cheap clone would alias.
        let layers = self
            .layers
            .iter()
            .map(|(k, v)| {
                // Copying a host tensor fails only when allocation fails.
                let k = k.copy().expect("KV cache copy: out of memory");
                let v = v.copy().expect("KV cache copy: out of memory");
                (k, v)
            })
            .collect();
        Self {
            layers,
            pos: self.pos,
            batch: self.batch,
            capacity: self.capacity,
        }
    }
}

impl KvCache {
    fn new(cfg: &TransformerConfig, batch: usize, device: &Device) -> Result<Self> {
        let mut cache = Self {
            layers: Vec::new(),
            pos: 0,
            batch,
            capacity: 0,
        };
        cache.grow(cfg, INITIAL_CACHE.min(cfg.max_positions), device)?;
        Ok(cache)
    }

    /// Tokens cached.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn grow(&mut self, cfg: &TransformerConfig, capacity: usize, device: &Device) -> Result<()> {
        let (h, hd) = (cfg.n_heads, cfg.head_dim());
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for i in 0..cfg.n_layers {
            let k = Tensor::zeros((self.batch, h, capacity, hd), DType::F32, device)?;
            let v = Tensor::zeros((self.batch, h, capacity, hd), DType::F32, device)?;
            if let Some((old_k, old_v)) = self.layers.get(i)
                && self.pos > 0
            {
                k.slice_set(&old_k.narrow(2, 0, self.pos)?.contiguous()?, 2, 0)?;
                v.slice_set(&old_v.narrow(2, 0, self.pos)?.contiguous()?, 2, 0)?;
            }
            layers.push((k, v));
        }
        self.layers = layers;
        self.capacity = capacity;
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Block {
    attn_norm: Tensor,
    qkv: Tensor,
    out: Tensor,
    mlp_norm: Tensor,
    gate_up: Tensor,
    down: Tensor,
}

/// Decoder-only Transformer baseline.
#[derive(Debug, Clone)]
pub struct Transformer {
    cfg: TransformerConfig,
    embed: Tensor,
    layers: Vec<Block>,
    final_norm: Tensor,
    lm_head: Option<Tensor>,
    cos: Tensor,
    sin: Tensor,
    device: Device,
}

fn uniform(vb: &VarBuilder, shape: (usize, usize), fan_in: usize) -> Result<Tensor> {
    let bound = 1.0 / (fan_in as f64).sqrt();
    Ok(vb.get_with_hints(
        shape,
        "weight",
        candle_nn::Init::Uniform {
            lo: -bound,
            up: bound,
        },
    )?)
}

/// RoPE tables `[max_positions, hd/2]`.
fn rope_tables(cfg: &TransformerConfig, device: &Device) -> Result<(Tensor, Tensor)> {
    let half = cfg.head_dim() / 2;
    let n = cfg.max_positions;
    let mut cos = Vec::with_capacity(n * half);
    let mut sin = Vec::with_capacity(n * half);
    for p in 0..n {
        for i in 0..half {
            let freq = ROPE_THETA.powf(-(2.0 * i as f64) / cfg.head_dim() as f64);
            let angle = p as f64 * freq;
            cos.push(angle.cos() as f32);
            sin.push(angle.sin() as f32);
        }
    }
    Ok((
        Tensor::from_vec(cos, (n, half), device)?,
        Tensor::from_vec(sin, (n, half), device)?,
    ))
}

/// Differentiable rotate-half RoPE of `x` `[B, H, N, hd]` with tables `[N, hd/2]`.
fn rope_diff(x: &Tensor, cos: &Tensor, sin: &Tensor) -> Result<Tensor> {
    let hd = x.dim(D::Minus1)?;
    let x1 = x.narrow(D::Minus1, 0, hd / 2)?;
    let x2 = x.narrow(D::Minus1, hd / 2, hd / 2)?;
    let a = (x1.broadcast_mul(cos)? - x2.broadcast_mul(sin)?)?;
    let b = (x2.broadcast_mul(cos)? + x1.broadcast_mul(sin)?)?;
    Ok(Tensor::cat(&[a, b], D::Minus1)?)
}

impl Transformer {
    /// Builds the model from `vb`.
    pub fn new(cfg: &TransformerConfig, vb: VarBuilder) -> Result<Self> {
        cfg.validate()?;
        let (d, h) = (cfg.d_model, cfg.mlp_hidden);
        let embed = embedding_weight(vb.pp("embed"), cfg.vocab_size, d)?;
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for i in 0..cfg.n_layers {
            let lv = vb.pp(format!("layers.{i}"));
            layers.push(Block {
                attn_norm: norm_weight(lv.pp("attn_norm"), d)?,
                qkv: uniform(&lv.pp("attn").pp("qkv"), (3 * d, d), d)?,
                out: uniform(&lv.pp("attn").pp("out"), (d, d), d)?,
                mlp_norm: norm_weight(lv.pp("mlp_norm"), d)?,
                gate_up: uniform(&lv.pp("mlp").pp("gate_up"), (2 * h, d), d)?,
                down: uniform(&lv.pp("mlp").pp("down"), (h, d), h)?,
            });
        }
        let final_norm = norm_weight(vb.pp("final_norm"), d)?;
        let lm_head = if cfg.tie_embeddings {
            None
        } else {
            Some(uniform(&vb.pp("lm_head"), (cfg.vocab_size, d), d)?)
        };
        let (cos, sin) = rope_tables(cfg, vb.device())?;
        Ok(Self {
            cfg: cfg.clone(),
            embed,
            layers,
            final_norm,
            lm_head,
            cos,
            sin,
            device: vb.device().clone(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TransformerConfig {
        &self.cfg
    }

    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        let mut n = self.embed.elem_count() + self.final_norm.elem_count();
        n += self.lm_head.as_ref().map_or(0, Tensor::elem_count);
        for l in &self.layers {
            n += l.attn_norm.elem_count() + l.qkv.elem_count() + l.out.elem_count();
            n += l.mlp_norm.elem_count() + l.gate_up.elem_count() + l.down.elem_count();
        }
        n
    }

    fn head_weight(&self) -> &Tensor {
        self.lm_head.as_ref().unwrap_or(&self.embed)
    }

    fn infer_weights(&self) -> Result<InferTransformer> {
        let blocks = self
            .layers
            .iter()
            .map(|l| {
                Ok(InferBlock {
                    attn_norm: l.attn_norm.detach(),
                    qkv: Lin::Dense(l.qkv.detach()),
                    out: Lin::Dense(l.out.detach()),
                    mlp_norm: l.mlp_norm.detach(),
                    gate_up: Lin::Dense(l.gate_up.detach()),
                    down: Lin::Dense(l.down.detach().t()?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(InferTransformer {
            cfg: self.cfg.clone(),
            embed: self.embed.detach(),
            blocks,
            final_norm: self.final_norm.detach(),
            head: Lin::Dense(self.head_weight().detach()),
            cos: self.cos.clone(),
            sin: self.sin.clone(),
            device: self.device.clone(),
        })
    }
}

impl Trainable for Transformer {
    fn forward_train(&self, ids: &Tensor) -> Result<Tensor> {
        let (b, n) = ids.dims2()?;
        if n > self.cfg.max_positions {
            return Err(Error::Input {
                what: "Transformer::forward_train",
                reason: format!("{n} tokens > max_positions {}", self.cfg.max_positions),
            });
        }
        let (d, nh, hd) = (self.cfg.d_model, self.cfg.n_heads, self.cfg.head_dim());
        let eps = self.cfg.rms_eps;
        let cos = self.cos.narrow(0, 0, n)?;
        let sin = self.sin.narrow(0, 0, n)?;
        let mask = causal_mask(n, n, 0, &self.device)?;
        let mut h = self.embed.index_select(&ids.flatten_all()?, 0)?; // [B·N, D]
        for l in &self.layers {
            let x = rms_norm_diff(&h, &l.attn_norm, eps)?;
            let qkv = x.matmul(&l.qkv.t()?)?.reshape((b, n, 3, nh, hd))?;
            let part = |i: usize| -> Result<Tensor> {
                Ok(qkv
                    .narrow(2, i, 1)?
                    .squeeze(2)?
                    .transpose(1, 2)?
                    .contiguous()?)
            };
            let q = rope_diff(&part(0)?, &cos, &sin)?;
            let k = rope_diff(&part(1)?, &cos, &sin)?;
            let v = part(2)?;
            let scores = (q.matmul(&k.t()?)? / (hd as f64).sqrt())?.broadcast_add(&mask)?;
            let att = candle_nn::ops::softmax(&scores, D::Minus1)?;
            let y = att.matmul(&v)?.transpose(1, 2)?.reshape((b * n, d))?;
            h = (h + y.matmul(&l.out.t()?)?)?;
            let x = rms_norm_diff(&h, &l.mlp_norm, eps)?;
            let act = crate::model::fused::geglu(&x.matmul(&l.gate_up.t()?)?)?;
            h = (h + act.matmul(&l.down)?)?;
        }
        let h = rms_norm_diff(&h, &self.final_norm, eps)?;
        Ok(h.matmul(&self.head_weight().t()?)?
            .reshape((b, n, self.cfg.vocab_size))?)
    }
}

/// Additive mask `[L, T]`: query i (absolute position pos0 + i) sees keys 0..=pos0 + i.
fn causal_mask(l: usize, t: usize, pos0: usize, device: &Device) -> Result<Tensor> {
    let data: Vec<f32> = (0..l)
        .flat_map(|i| (0..t).map(move |j| if j > pos0 + i { f32::NEG_INFINITY } else { 0.0 }))
        .collect();
    Ok(Tensor::from_vec(data, (l, t), device)?)
}

#[derive(Debug, Clone)]
struct InferBlock {
    attn_norm: Tensor,
    qkv: Lin,
    out: Lin,
    mlp_norm: Tensor,
    gate_up: Lin,
    /// `[D, H]` out × in.
    down: Lin,
}

/// Inference weights (dense or quantised) and the KV-cached forward.
#[derive(Debug, Clone)]
struct InferTransformer {
    cfg: TransformerConfig,
    embed: Tensor,
    blocks: Vec<InferBlock>,
    final_norm: Tensor,
    head: Lin,
    cos: Tensor,
    sin: Tensor,
    device: Device,
}

impl InferTransformer {
    /// ids `[B, L]` continuing from `cache` -> logits `[B·L, vocab]`.
    fn forward(&self, ids: &Tensor, cache: &mut KvCache) -> Result<Tensor> {
        let (b, l) = ids.dims2()?;
        let pos0 = cache.pos;
        let end = pos0 + l;
        if cache.batch != b || end > self.cfg.max_positions {
            return Err(Error::Input {
                what: "Transformer::forward_seq",
                reason: format!(
                    "batch {b} vs cache {}, or {end} positions > max_positions {}",
                    cache.batch, self.cfg.max_positions
                ),
            });
        }
        if end > cache.capacity {
            let capacity = (cache.capacity * 2).max(end).min(self.cfg.max_positions);
            cache.grow(&self.cfg, capacity, &self.device)?;
        }
        let (d, nh, hd) = (self.cfg.d_model, self.cfg.n_heads, self.cfg.head_dim());
        let eps = self.cfg.rms_eps as f32;
        let cos = self.cos.narrow(0, pos0, l)?;
        let sin = self.sin.narrow(0, pos0, l)?;
        let mask = if l > 1 {
            Some(causal_mask(l, end, pos0, &self.device)?)
        } else {
            None
        };
        let scale = 1.0 / (hd as f64).sqrt();
        let mut h = self.embed.index_select(&ids.flatten_all()?, 0)?; // [B·L, D]
        for (blk, (k_cache, v_cache)) in self.blocks.iter().zip(&cache.layers) {
            let x = candle_nn::ops::rms_norm(&h, &blk.attn_norm, eps)?;
            let qkv = blk.qkv.forward(&x)?.reshape((b, l, 3, nh, hd))?;
            let part = |i: usize| -> Result<Tensor> {
                Ok(qkv
                    .narrow(2, i, 1)?
                    .squeeze(2)?
                    .transpose(1, 2)?
                    .contiguous()?)
            };
            let q = candle_nn::rotary_emb::rope(&part(0)?, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope(&part(1)?, &cos, &sin)?;
            k_cache.slice_set(&k, 2, pos0)?;
            v_cache.slice_set(&part(2)?, 2, pos0)?;
            let keys = k_cache.narrow(2, 0, end)?;
            let values = v_cache.narrow(2, 0, end)?;
            let mut scores = (q.matmul(&keys.t()?)? * scale)?;
            if let Some(mask) = &mask {
                scores = scores.broadcast_add(mask)?;
            }
            let att = candle_nn::ops::softmax_last_dim(&scores)?;
            let y = att.matmul(&values)?.transpose(1, 2)?.reshape((b * l, d))?;
            h = (h + blk.out.forward(&y)?)?;
            let x = candle_nn::ops::rms_norm(&h, &blk.mlp_norm, eps)?;
            let act = crate::model::fused::geglu(&blk.gate_up.forward(&x)?)?;
            h = (h + blk.down.forward(&act)?)?;
        }
        cache.pos = end;
        let h = candle_nn::ops::rms_norm(&h, &self.final_norm, eps)?;
        self.head.forward(&h)
    }

    fn step(&self, ids: &Tensor, cache: &mut KvCache) -> Result<Tensor> {
        let b = ids.dim(0)?;
        self.forward(&ids.reshape((b, 1))?, cache)
    }

    fn seq(&self, ids: &Tensor, cache: &mut KvCache) -> Result<Tensor> {
        let (b, l) = ids.dims2()?;
        Ok(self
            .forward(ids, cache)?
            .reshape((b, l, self.cfg.vocab_size))?)
    }
}

fn kv_bytes(cache: &KvCache) -> usize {
    cache.layers.first().map_or(0, |(k, _)| {
        let (_, h, _, hd) = k.dims4().unwrap_or((0, 0, 0, 0));
        2 * cache.layers.len() * cache.batch * cache.pos * h * hd * 4
    })
}

impl Decoder for Transformer {
    type State = KvCache;

    fn new_state(&self, batch: usize) -> Result<KvCache> {
        KvCache::new(&self.cfg, batch, &self.device)
    }

    fn forward_step(&self, ids: &Tensor, state: &mut KvCache) -> Result<Tensor> {
        self.infer_weights()?.step(ids, state)
    }

    fn forward_seq(&self, ids: &Tensor, state: &mut KvCache) -> Result<Tensor> {
        self.infer_weights()?.seq(ids, state)
    }

    /// Bytes of K and V for the cached tokens (not the preallocated capacity).
    fn state_bytes(state: &KvCache) -> usize {
        kv_bytes(state)
    }

    fn vocab_size(&self) -> usize {
        self.cfg.vocab_size
    }
}

/// Transformer with quantised projections, MLP and head (for the decode benchmark); the KV
/// cache, norms and attention stay f32.
#[derive(Debug, Clone)]
pub struct QuantizedTransformer {
    inner: InferTransformer,
}

impl QuantizedTransformer {
    /// Quantises every large matmul of `model`.
    pub fn from_model(model: &Transformer, kind: QuantKind) -> Result<Self> {
        let mut inner = model.infer_weights()?;
        for blk in &mut inner.blocks {
            blk.qkv = blk.qkv.quantize(kind, "attn qkv")?;
            blk.out = blk.out.quantize(kind, "attn out")?;
            blk.gate_up = blk.gate_up.quantize(kind, "mlp gate_up")?;
            blk.down = blk.down.quantize(kind, "mlp down")?;
        }
        inner.head = inner.head.quantize(kind, "lm head")?;
        Ok(Self { inner })
    }
}

impl Decoder for QuantizedTransformer {
    type State = KvCache;

    fn new_state(&self, batch: usize) -> Result<KvCache> {
        KvCache::new(&self.inner.cfg, batch, &self.inner.device)
    }

    fn forward_step(&self, ids: &Tensor, state: &mut KvCache) -> Result<Tensor> {
        self.inner.step(ids, state)
    }

    fn forward_seq(&self, ids: &Tensor, state: &mut KvCache) -> Result<Tensor> {
        self.inner.seq(ids, state)
    }

    fn state_bytes(state: &KvCache) -> usize {
        kv_bytes(state)
    }

    fn vocab_size(&self) -> usize {
        self.inner.cfg.vocab_size
    }
}
