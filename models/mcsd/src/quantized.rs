//! Quantised inference: every large matmul (mixer projections, MLP, LM head) uses candle's
//! `QMatMul` (Q8_0 by default; Q4_0 or Q4K as options); norms, embedding lookup, the mixing and
//! the recurrent state stay f32 (the decay state grows to ~2^(5+i)·|E|).
//!
//! candle's quantized matvec only takes its fast path when the input width is a multiple of 256
//! (Q4K refuses other widths); Q8_0/Q4_0 need multiples of 32. Prefer D = 256·k for models meant
//! to run quantised.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Module, Tensor};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::decoder::Decoder;
use crate::error::{Error, Result};
use crate::model::{InferMlp, InferModel, InferProj, Model};
use crate::state::State;

/// Weight format of the quantised matmuls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QuantKind {
    /// 8-bit blocks of 32 (default).
    #[default]
    Q8_0,
    /// 4-bit blocks of 32.
    Q4_0,
    /// 4-bit k-quant, super-blocks of 256 (input widths must be multiples of 256).
    Q4K,
}

impl QuantKind {
    fn ggml(self) -> GgmlDType {
        match self {
            QuantKind::Q8_0 => GgmlDType::Q8_0,
            QuantKind::Q4_0 => GgmlDType::Q4_0,
            QuantKind::Q4K => GgmlDType::Q4K,
        }
    }

    /// Name as used in reports ("q8_0", "q4_0", "q4k").
    pub fn name(self) -> &'static str {
        match self {
            QuantKind::Q8_0 => "q8_0",
            QuantKind::Q4_0 => "q4_0",
            QuantKind::Q4K => "q4k",
        }
    }
}

/// A linear map `x·Wᵀ` with W `[out, in]`, f32 or quantised.
#[derive(Debug, Clone)]
pub(crate) enum Lin {
    /// f32 weight `[out, in]` (may be a transposed view).
    Dense(Tensor),
    /// Quantised weight.
    Quant(QMatMul),
}

impl Lin {
    /// x `[R, in]` -> `[R, out]`.
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            Lin::Dense(w) => Ok(x.matmul(&w.t()?)?),
            Lin::Quant(q) => Ok(q.forward(x)?),
        }
    }

    /// Quantises a dense weight (a quantised one is kept).
    pub(crate) fn quantize(&self, kind: QuantKind, what: &'static str) -> Result<Lin> {
        let Lin::Dense(w) = self else {
            return Ok(self.clone());
        };
        let (_, fan_in) = w.dims2()?;
        let block = kind.ggml().block_size();
        if !fan_in.is_multiple_of(block) {
            return Err(Error::Config {
                field: "d_model",
                reason: format!(
                    "{what}: input width {fan_in} is not a multiple of the {} block size {block}",
                    kind.name()
                ),
            });
        }
        let q = QTensor::quantize(&w.contiguous()?, kind.ggml())?;
        Ok(Lin::Quant(QMatMul::from_qtensor(q)?))
    }
}

/// MCSD model with quantised large matmuls; same [`Config`] and [`State`] as [`Model`].
#[derive(Debug, Clone)]
pub struct QuantizedModel {
    inner: InferModel,
    kind: QuantKind,
}

impl QuantizedModel {
    /// Quantises every large matmul of `model` (a snapshot of its current weights).
    pub fn from_model(model: &Model, kind: QuantKind) -> Result<Self> {
        let mut inner = model.infer_weights().clone();
        // A snapshot: f32 tensors are copied so later training of `model` does not leak in.
        inner.embed = inner.embed.copy()?;
        inner.final_norm = inner.final_norm.copy()?;
        for block in &mut inner.blocks {
            block.mixer_norm = block.mixer_norm.copy()?;
            block.mlp_norm = block.mlp_norm.copy()?;
            block.decay_gain = block.decay_gain.copy()?;
            block.in_proj = match &block.in_proj {
                InferProj::Full(w) => InferProj::Full(w.quantize(kind, "mixer in_proj")?),
                InferProj::PerChannel(per) => InferProj::PerChannel(
                    per.iter()
                        .map(|w| w.quantize(kind, "per-channel in_proj"))
                        .collect::<Result<Vec<_>>>()?,
                ),
            };
            block.out_proj = match &block.out_proj {
                Some(w) => Some(w.quantize(kind, "mixer out_proj")?),
                None => None,
            };
            block.mlp = match &block.mlp {
                InferMlp::Dense {
                    gate_up,
                    down,
                    hidden,
                } => InferMlp::Dense {
                    gate_up: gate_up.quantize(kind, "mlp gate_up")?,
                    down: down.quantize(kind, "mlp down")?,
                    hidden: *hidden,
                },
                InferMlp::SparseRows {
                    gate_up,
                    down,
                    hidden,
                    k,
                    ..
                } => InferMlp::SparseMasked {
                    gate_up: Lin::Dense(gate_up.clone()).quantize(kind, "mlp gate_up")?,
                    down: Lin::Dense(down.t()?).quantize(kind, "mlp down")?,
                    hidden: *hidden,
                    k: *k,
                },
                InferMlp::SparseMasked {
                    gate_up,
                    down,
                    hidden,
                    k,
                } => InferMlp::SparseMasked {
                    gate_up: gate_up.quantize(kind, "mlp gate_up")?,
                    down: down.quantize(kind, "mlp down")?,
                    hidden: *hidden,
                    k: *k,
                },
            };
        }
        inner.head = inner.head.quantize(kind, "lm head")?;
        Ok(Self { inner, kind })
    }

    /// The model's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.cfg
    }

    /// The weight format.
    pub fn kind(&self) -> QuantKind {
        self.kind
    }
}

impl Decoder for QuantizedModel {
    type State = State;

    fn new_state(&self, batch: usize) -> Result<State> {
        State::new(batch, &self.inner.cfg, &self.inner.device)
    }

    fn forward_step(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        let b = ids.dim(0)?;
        self.inner.forward(&ids.reshape((b, 1))?, state)
    }

    fn forward_seq(&self, ids: &Tensor, state: &mut State) -> Result<Tensor> {
        let (b, l) = ids.dims2()?;
        Ok(self
            .inner
            .forward(ids, state)?
            .reshape((b, l, self.inner.cfg.vocab_size))?)
    }

    fn state_bytes(state: &State) -> usize {
        state.size_bytes()
    }

    fn vocab_size(&self) -> usize {
        self.inner.cfg.vocab_size
    }
}
