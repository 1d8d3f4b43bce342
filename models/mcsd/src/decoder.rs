//! What generation, training and the benchmarks need from a language model: implemented by the
//! MCSD [`crate::model::Model`], its [`crate::quantized::QuantizedModel`] and the Transformer
//! baseline in [`crate::transformer`].

use candle_core::Tensor;

use crate::error::{Error, Result};

/// An autoregressive decoder with an explicit, caller-owned per-sequence state.
pub trait Decoder: Send + Sync {
    /// Per-sequence state: MCSD's recurrent state or a Transformer's KV cache. Cloning gives an
    /// independent snapshot (a turn can roll back on barge-in).
    type State: Clone + Send;
    /// An empty state for `batch` sequences at position 0.
    fn new_state(&self, batch: usize) -> Result<Self::State>;
    /// ids `[B]` u32 -> logits `[B, vocab]` f32; advances `state` by one token.
    fn forward_step(&self, ids: &Tensor, state: &mut Self::State) -> Result<Tensor>;
    /// ids `[B, L]` -> logits `[B, L, vocab]`; equals L calls of `forward_step` and continues from
    /// (and advances) `state`.
    fn forward_seq(&self, ids: &Tensor, state: &mut Self::State) -> Result<Tensor>;
    /// Bytes of per-sequence state (recurrent state or KV cache) at its current position.
    fn state_bytes(state: &Self::State) -> usize;
    /// Size of the output vocabulary.
    fn vocab_size(&self) -> usize;

    /// Consumes a long prompt `ids` `[B, L]` (L ≥ 1) in pieces of at most `chunk` tokens
    /// (bounding the memory of intermediate activations and logits) and returns the logits of
    /// its last position, `[B, vocab]`.
    fn prefill(&self, ids: &Tensor, state: &mut Self::State, chunk: usize) -> Result<Tensor> {
        let (_, len) = ids.dims2()?;
        if len == 0 || chunk == 0 {
            return Err(Error::Input {
                what: "Decoder::prefill",
                reason: format!(
                    "need at least one token and a positive chunk (got {len}, {chunk})"
                ),
            });
        }
        let mut start = 0;
        let mut last = None;
        while start < len {
            let piece = chunk.min(len - start);
            let logits = self.forward_seq(&ids.narrow(1, start, piece)?, state)?;
            last = Some(logits.narrow(1, piece - 1, 1)?.squeeze(1)?);
            start += piece;
        }
        last.ok_or(Error::Input {
            what: "Decoder::prefill",
            reason: "empty prompt".into(),
        })
    }
}

/// Differentiable full-sequence forward used by training (always from an empty state).
pub trait Trainable {
    /// ids `[B, L]` -> logits `[B, L, vocab]`.
    fn forward_train(&self, ids: &Tensor) -> Result<Tensor>;
}
