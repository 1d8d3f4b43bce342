//! AdamW with the moments and step count exposed for checkpointing.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use candle_nn::VarMap;

use super::TrainConfig;
use crate::checkpoint::CheckpointProblem;
use crate::error::{Error, Result};

struct Slot {
    name: String,
    var: Var,
    first_moment: Tensor,
    second_moment: Tensor,
    decay: bool,
}

/// AdamW with decoupled weight decay (the update of candle-nn's `AdamW`), written here because
/// an exact resume needs the moments and step count, which candle-nn keeps private.
pub struct AdamW {
    slots: Vec<Slot>,
    step: usize,
}

impl AdamW {
    /// Moments at zero for every variable of `varmap` (sorted by name).
    ///
    /// # Errors
    /// Tensor errors.
    pub fn new(varmap: &VarMap) -> Result<Self> {
        let data = varmap.data().lock().unwrap_or_else(|p| p.into_inner());
        let mut names: Vec<&String> = data.keys().collect();
        names.sort();
        let slots = names
            .into_iter()
            .map(|name| {
                let var = data[name].clone();
                Ok(Slot {
                    name: name.clone(),
                    first_moment: var.as_tensor().zeros_like()?,
                    second_moment: var.as_tensor().zeros_like()?,
                    decay: var.rank() >= 2,
                    var,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { slots, step: 0 })
    }

    /// Global L2 norm of the gradients.
    ///
    /// # Errors
    /// Tensor errors.
    pub fn grad_norm(&self, grads: &GradStore) -> Result<f64> {
        let mut sum = 0f64;
        for slot in &self.slots {
            if let Some(g) = grads.get(slot.var.as_tensor()) {
                sum += f64::from(g.sqr()?.sum_all()?.to_scalar::<f32>()?);
            }
        }
        Ok(sum.sqrt())
    }

    /// One update with learning rate `lr`, gradients multiplied by `grad_scale` (clipping).
    ///
    /// # Errors
    /// Tensor errors.
    pub fn step(
        &mut self,
        grads: &GradStore,
        cfg: &TrainConfig,
        lr: f64,
        grad_scale: f64,
    ) -> Result<()> {
        self.step += 1;
        let t = self.step as i32;
        let bias1 = 1.0 - cfg.beta1.powi(t);
        let bias2 = 1.0 - cfg.beta2.powi(t);
        for slot in &mut self.slots {
            let Some(g) = grads.get(slot.var.as_tensor()) else {
                continue;
            };
            // Gradients can carry the step's graph (they are computed from variables); the
            // moments outlive the step, so they must not hold on to it.
            let g = g.detach();
            let g = if grad_scale != 1.0 {
                (g * grad_scale)?
            } else {
                g
            };
            let m = ((&slot.first_moment * cfg.beta1)? + (&g * (1.0 - cfg.beta1))?)?;
            let v = ((&slot.second_moment * cfg.beta2)? + (g.sqr()? * (1.0 - cfg.beta2))?)?;
            let update = ((&m / bias1)? / ((&v / bias2)?.sqrt()? + cfg.eps)?)?;
            let theta = slot.var.as_tensor();
            let decayed = if slot.decay && cfg.weight_decay > 0.0 {
                (theta * (1.0 - lr * cfg.weight_decay))?
            } else {
                theta.clone()
            };
            slot.var.set(&(decayed - (update * lr)?)?)?;
            slot.first_moment = m;
            slot.second_moment = v;
        }
        Ok(())
    }

    /// Updates taken so far.
    pub fn steps_taken(&self) -> usize {
        self.step
    }

    pub(super) fn moments(&self) -> BTreeMap<String, Tensor> {
        let mut out = BTreeMap::new();
        for slot in &self.slots {
            out.insert(format!("m.{}", slot.name), slot.first_moment.clone());
            out.insert(format!("v.{}", slot.name), slot.second_moment.clone());
        }
        out
    }

    pub(super) fn restore(
        &mut self,
        path: &Path,
        step: usize,
        tensors: &HashMap<String, Tensor>,
    ) -> Result<()> {
        let refuse = |problem| Error::CheckpointMismatch {
            path: path.to_path_buf(),
            problem,
        };
        if tensors.len() != 2 * self.slots.len() {
            return Err(refuse(CheckpointProblem::TrainerState(format!(
                "optimizer has {} moment tensors, the model needs {}",
                tensors.len(),
                2 * self.slots.len()
            ))));
        }
        for slot in &mut self.slots {
            for (prefix, target) in [
                ("m.", &mut slot.first_moment),
                ("v.", &mut slot.second_moment),
            ] {
                let key = format!("{prefix}{}", slot.name);
                let tensor = tensors
                    .get(&key)
                    .ok_or_else(|| refuse(CheckpointProblem::MissingKey(key.clone())))?;
                if tensor.dims() != slot.var.dims() {
                    return Err(refuse(CheckpointProblem::ShapeMismatch {
                        key,
                        expected: slot.var.dims().to_vec(),
                        found: tensor.dims().to_vec(),
                    }));
                }
                *target = tensor.to_dtype(slot.var.dtype())?;
            }
        }
        self.step = step;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{DType, Device};

    use super::*;

    #[test]
    fn moments_do_not_keep_the_step_graph_alive() {
        let varmap = VarMap::new();
        let vb = candle_nn::VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
        let a = vb
            .get_with_hints((3, 3), "a", candle_nn::Init::Const(0.5))
            .unwrap();
        let b = vb
            .get_with_hints((3, 3), "b", candle_nn::Init::Const(0.5))
            .unwrap();
        let x = Tensor::ones((2, 3), DType::F32, &Device::Cpu).unwrap();
        let mut opt = AdamW::new(&varmap).unwrap();
        for _ in 0..2 {
            // b's gradient is (x a)ᵀ · g: computed from a variable, so it carries a graph.
            let loss = x
                .matmul(&a)
                .unwrap()
                .matmul(&b)
                .unwrap()
                .sqr()
                .unwrap()
                .sum_all()
                .unwrap();
            let grads = loss.backward().unwrap();
            assert!(grads.get(&b).unwrap().track_op());
            opt.step(&grads, &TrainConfig::default(), 1e-2, 1.0)
                .unwrap();
        }
        assert_eq!(opt.steps_taken(), 2);
        for slot in &opt.slots {
            assert!(!slot.first_moment.track_op());
            assert!(!slot.second_moment.track_op());
        }
        // The update moved the weight away from its initial value.
        let moved = b.sum_all().unwrap().to_scalar::<f32>().unwrap();
        assert!(moved < 4.5, "{moved}");
    }
}
