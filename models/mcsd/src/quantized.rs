//! Quantised MCSD model (placeholder signatures; implementation in progress).
use candle_core::Tensor;

use crate::config::Config;
use crate::decoder::Decoder;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::state::State;

/// Weight format of the quantised matmuls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QuantKind {
    /// 8-bit blocks of 32 (default).
    #[default]
    Q8_0,
    /// 4-bit blocks of 32.
    Q4_0,
    /// 4-bit k-quant, super-blocks of 256.
    Q4K,
}

/// MCSD model with quantised large matmuls.
#[derive(Debug)]
pub struct QuantizedModel {
    cfg: Config,
    device: candle_core::Device,
}

impl QuantizedModel {
    /// Quantises every large matmul of `model`.
    pub fn from_model(model: &Model, _kind: QuantKind) -> Result<Self> {
        Ok(Self { cfg: model.config().clone(), device: candle_core::Device::Cpu })
    }
    /// The model's configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
}

fn pending() -> Error {
    Error::Input { what: "mcsd::QuantizedModel", reason: "implementation in progress".into() }
}

impl Decoder for QuantizedModel {
    type State = State;
    fn new_state(&self, batch: usize) -> Result<State> {
        State::new(batch, &self.cfg, &self.device)
    }
    fn forward_step(&self, _ids: &Tensor, _state: &mut State) -> Result<Tensor> {
        Err(pending())
    }
    fn forward_seq(&self, _ids: &Tensor, _state: &mut State) -> Result<Tensor> {
        Err(pending())
    }
    fn state_bytes(state: &State) -> usize {
        state.size_bytes()
    }
    fn vocab_size(&self) -> usize {
        self.cfg.vocab_size
    }
}
