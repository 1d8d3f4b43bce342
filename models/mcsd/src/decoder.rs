//! What generation, training and the benchmarks need from a language model: implemented by the
//! MCSD [`crate::model::Model`], its [`crate::quantized::QuantizedModel`] and the Transformer
//! baseline in [`crate::transformer`].

use candle_core::Tensor;

use crate::error::Result;

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
}

/// Differentiable full-sequence forward used by training (always from an empty state).
pub trait Trainable {
    /// ids `[B, L]` -> logits `[B, L, vocab]`.
    fn forward_train(&self, ids: &Tensor) -> Result<Tensor>;
}
