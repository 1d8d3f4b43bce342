//! The recurrent state of an MCSD model: per layer one slope vector V'_t and one decay vector E'_t
//! of width D for each sequence of the batch, plus the number of tokens consumed. Its size does
//! not depend on the context length.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};

use crate::config::Config;
use crate::error::{Error, Result};

/// Recurrent state of one layer, `[batch, d_model]` row-major.
///
/// Kept as plain `f32` vectors (not tensors) because the per-token step updates them in place:
/// no allocation per token, and f32 even when the weights are quantised (the decay state grows to
/// ~2^(5+i)·|E|).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerState {
    /// Slope state V'_t: normalised exponential average of the earlier V.
    pub slope: Vec<f32>,
    /// Decay state E'_t: unnormalised decayed sum of the earlier E.
    pub decay: Vec<f32>,
}

/// State of a batch of sequences, all at the same position.
#[derive(Clone, Debug)]
pub struct State {
    layers: Vec<LayerState>,
    pos: usize,
    batch: usize,
    d_model: usize,
    device: Device,
}

const POS_KEY: &str = "pos";

impl State {
    /// An empty state (position 0) for `batch` sequences.
    pub fn new(batch: usize, cfg: &Config, device: &Device) -> Result<Self> {
        if batch == 0 {
            return Err(Error::Input {
                what: "State::new",
                reason: "batch must be positive".into(),
            });
        }
        let width = batch * cfg.d_model;
        let layers = (0..cfg.n_layers)
            .map(|_| LayerState {
                slope: vec![0.0; width],
                decay: vec![0.0; width],
            })
            .collect();
        Ok(Self {
            layers,
            pos: 0,
            batch,
            d_model: cfg.d_model,
            device: device.clone(),
        })
    }

    /// Tokens consumed so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Number of sequences.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Device the model runs on (the state itself lives in host memory).
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Bytes of recurrent state: 2·D f32 per layer and sequence, plus the position counter.
    pub fn size_bytes(&self) -> usize {
        let floats: usize = self
            .layers
            .iter()
            .map(|l| l.slope.len() + l.decay.len())
            .sum();
        floats * std::mem::size_of::<f32>() + std::mem::size_of::<u64>()
    }

    /// Back to position 0 (all zeros), keeping the allocation.
    pub fn reset(&mut self) {
        for layer in &mut self.layers {
            layer.slope.fill(0.0);
            layer.decay.fill(0.0);
        }
        self.pos = 0;
    }

    pub(crate) fn layers_mut(&mut self) -> &mut [LayerState] {
        &mut self.layers
    }

    /// Per-layer state, read-only.
    pub fn layers(&self) -> &[LayerState] {
        &self.layers
    }

    pub(crate) fn advance(&mut self, tokens: usize) {
        self.pos += tokens;
    }

    /// Writes the state as safetensors (`layers.{i}.slope`, `layers.{i}.decay` `[B, D]` f32 and
    /// `pos` `[1]` i64); restoring it with [`State::load`] is bit-exact.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let mut tensors = HashMap::new();
        for (i, layer) in self.layers.iter().enumerate() {
            let shape = (self.batch, self.d_model);
            tensors.insert(
                format!("layers.{i}.slope"),
                Tensor::from_slice(&layer.slope, shape, &Device::Cpu)?,
            );
            tensors.insert(
                format!("layers.{i}.decay"),
                Tensor::from_slice(&layer.decay, shape, &Device::Cpu)?,
            );
        }
        let pos = i64::try_from(self.pos).map_err(|_| Error::Checkpoint {
            path: path.to_path_buf(),
            reason: format!("position {} does not fit i64", self.pos),
        })?;
        tensors.insert(POS_KEY.to_string(), Tensor::new(&[pos], &Device::Cpu)?);
        candle_core::safetensors::save(&tensors, path).map_err(|e| Error::Checkpoint {
            path: path.to_path_buf(),
            reason: format!("cannot write state: {e}"),
        })
    }

    /// Reads a state written by [`State::save`], refusing one that does not match `cfg`.
    pub fn load(path: impl AsRef<Path>, cfg: &Config, device: &Device) -> Result<Self> {
        let path = path.as_ref();
        let refuse = |reason: String| Error::Checkpoint {
            path: path.to_path_buf(),
            reason,
        };
        let tensors = candle_core::safetensors::load(path, &Device::Cpu)
            .map_err(|e| refuse(format!("cannot read state: {e}")))?;
        let expected_keys = 2 * cfg.n_layers + 1;
        if tensors.len() != expected_keys {
            return Err(refuse(format!(
                "{} tensors, expected {expected_keys} for {} layers",
                tensors.len(),
                cfg.n_layers
            )));
        }
        let pos_tensor = tensors
            .get(POS_KEY)
            .ok_or_else(|| refuse("missing `pos`".into()))?;
        if pos_tensor.dtype() != DType::I64 || pos_tensor.elem_count() != 1 {
            return Err(refuse("`pos` must be one i64".into()));
        }
        let pos = pos_tensor.flatten_all()?.to_vec1::<i64>()?[0];
        let pos = usize::try_from(pos).map_err(|_| refuse(format!("negative position {pos}")))?;
        let mut batch = None;
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for i in 0..cfg.n_layers {
            let mut read = |name: &str| -> Result<Vec<f32>> {
                let key = format!("layers.{i}.{name}");
                let t = tensors
                    .get(&key)
                    .ok_or_else(|| refuse(format!("missing `{key}`")))?;
                let (b, d) = t
                    .dims2()
                    .map_err(|_| refuse(format!("`{key}` is not 2-D")))?;
                if t.dtype() != DType::F32 || d != cfg.d_model || b == 0 {
                    return Err(refuse(format!(
                        "`{key}` is {:?} {:?}, expected f32 [B, {}]",
                        t.dtype(),
                        t.dims(),
                        cfg.d_model
                    )));
                }
                if *batch.get_or_insert(b) != b {
                    return Err(refuse(format!("`{key}` has a different batch size")));
                }
                Ok(t.flatten_all()?.to_vec1::<f32>()?)
            };
            let slope = read("slope")?;
            let decay = read("decay")?;
            layers.push(LayerState { slope, decay });
        }
        let batch = batch.ok_or_else(|| refuse("no layers".into()))?;
        Ok(Self {
            layers,
            pos,
            batch,
            d_model: cfg.d_model,
            device: device.clone(),
        })
    }
}
