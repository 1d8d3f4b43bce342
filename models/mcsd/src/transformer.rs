//! Transformer baseline (placeholder signatures; implementation in progress).
use candle_core::Tensor;
use candle_nn::VarBuilder;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::decoder::{Decoder, Trainable};
use crate::error::{Error, Result};
use crate::quantized::QuantKind;

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
    /// Capacity of the KV cache and RoPE tables.
    pub max_positions: usize,
    /// RMSNorm epsilon.
    pub rms_eps: f64,
}

impl TransformerConfig {
    /// Same width, depth, MLP, vocabulary and head tying as an MCSD config.
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
}

/// KV cache of a batch of sequences.
#[derive(Debug)]
pub struct KvCache {
    pos: usize,
}

impl Clone for KvCache {
    fn clone(&self) -> Self {
        Self { pos: self.pos }
    }
}

impl KvCache {
    /// Tokens cached.
    pub fn pos(&self) -> usize {
        self.pos
    }
}

/// Decoder-only Transformer baseline.
#[derive(Debug)]
pub struct Transformer {
    cfg: TransformerConfig,
}

fn pending() -> Error {
    Error::Input { what: "mcsd::Transformer", reason: "implementation in progress".into() }
}

impl Transformer {
    /// Builds the model from `vb`.
    pub fn new(cfg: &TransformerConfig, _vb: VarBuilder) -> Result<Self> {
        Ok(Self { cfg: cfg.clone() })
    }
    /// The configuration.
    pub fn config(&self) -> &TransformerConfig {
        &self.cfg
    }
}

impl Decoder for Transformer {
    type State = KvCache;
    fn new_state(&self, _batch: usize) -> Result<KvCache> {
        Ok(KvCache { pos: 0 })
    }
    fn forward_step(&self, _ids: &Tensor, _state: &mut KvCache) -> Result<Tensor> {
        Err(pending())
    }
    fn forward_seq(&self, _ids: &Tensor, _state: &mut KvCache) -> Result<Tensor> {
        Err(pending())
    }
    fn state_bytes(_state: &KvCache) -> usize {
        0
    }
    fn vocab_size(&self) -> usize {
        self.cfg.vocab_size
    }
}

impl Trainable for Transformer {
    fn forward_train(&self, _ids: &Tensor) -> Result<Tensor> {
        Err(pending())
    }
}

/// Transformer with quantised weights for the decode benchmark.
#[derive(Debug)]
pub struct QuantizedTransformer {
    cfg: TransformerConfig,
}

impl QuantizedTransformer {
    /// Quantises every large matmul of `model`.
    pub fn from_model(model: &Transformer, _kind: QuantKind) -> Result<Self> {
        Ok(Self { cfg: model.cfg.clone() })
    }
}

impl Decoder for QuantizedTransformer {
    type State = KvCache;
    fn new_state(&self, _batch: usize) -> Result<KvCache> {
        Ok(KvCache { pos: 0 })
    }
    fn forward_step(&self, _ids: &Tensor, _state: &mut KvCache) -> Result<Tensor> {
        Err(pending())
    }
    fn forward_seq(&self, _ids: &Tensor, _state: &mut KvCache) -> Result<Tensor> {
        Err(pending())
    }
    fn state_bytes(_state: &KvCache) -> usize {
        0
    }
    fn vocab_size(&self) -> usize {
        self.cfg.vocab_size
    }
}
