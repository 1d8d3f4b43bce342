//! Fused CPU kernels with hand-written backward passes for the training graph. Autograd over
//! candle's elementwise ops materialises many temporaries (GELU's backward alone recomputes tanh
//! and a cube); these kernels do each step in one pass.
//!
//! - [`geglu`]: `[R, 2H]` (gate | up) -> GELU(gate) ⊙ up `[R, H]`.
//! - [`rms_norm`]: x `[R, D]`, gain `[D]` -> x / sqrt(mean(x²) + eps) ⊙ gain.

use candle_core::{CpuStorage, CustomOp1, CustomOp2, CustomOp3, Layout, Shape, Tensor};

use crate::error::Result;

const SQRT_TWO_OVER_PI: f32 = 0.797_884_6;
const GELU_CUBIC: f32 = 0.044_715;
/// Rows per parallel work unit.
const ROWS_PER_UNIT: usize = 64;

fn f32_slice<'a>(
    op: &'static str,
    storage: &'a CpuStorage,
    layout: &Layout,
) -> candle_core::Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        return Err(candle_core::Error::Msg(format!(
            "{op}: expected f32 storage"
        )));
    };
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => Err(candle_core::Error::RequiresContiguous { op }),
    }
}

/// Splits `out` into units of `ROWS_PER_UNIT` rows of `width` and runs `work(first_row, unit)`
/// over up to two scoped threads per core.
fn par_rows<F: Fn(usize, &mut [f32]) + Sync>(out: &mut [f32], width: usize, work: F) {
    let units: Vec<(usize, &mut [f32])> = out
        .chunks_mut(ROWS_PER_UNIT * width.max(1))
        .enumerate()
        .map(|(i, unit)| (i * ROWS_PER_UNIT, unit))
        .collect();
    crate::mixer::par_each(units, |(row, unit)| work(row, unit));
}

/// tanh via one `exp` (glibc's `tanhf` goes through `expm1f` and was ~10% of a training step);
/// absolute error ~1e-7, saturates correctly at ±∞.
fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * x).exp() + 1.0)
}

/// GELU (tanh approximation, as candle's `gelu`) and its derivative.
fn gelu_and_grad(g: f32) -> (f32, f32) {
    let inner = SQRT_TWO_OVER_PI * (g + GELU_CUBIC * g * g * g);
    let t = tanh(inner);
    let gelu = 0.5 * g * (1.0 + t);
    let d_inner = SQRT_TWO_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * g * g);
    let grad = 0.5 * (1.0 + t) + 0.5 * g * (1.0 - t * t) * d_inner;
    (gelu, grad)
}

/// GELU alone (forward).
pub(crate) fn gelu(g: f32) -> f32 {
    0.5 * g * (1.0 + tanh(SQRT_TWO_OVER_PI * (g + GELU_CUBIC * g * g * g)))
}

struct GeGlu;

impl CustomOp1 for GeGlu {
    fn name(&self) -> &'static str {
        "mcsd-geglu"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (rows, two_h) = layout.shape().dims2()?;
        let h = two_h / 2;
        let x = f32_slice(self.name(), storage, layout)?;
        let mut out = vec![0f32; rows * h];
        par_rows(&mut out, h, |first, unit| {
            for (i, o) in unit.chunks_exact_mut(h).enumerate() {
                let row = &x[(first + i) * two_h..(first + i + 1) * two_h];
                let (gate, up) = row.split_at(h);
                for ((o, &g), &u) in o.iter_mut().zip(gate).zip(up) {
                    *o = gelu(g) * u;
                }
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((rows, h))))
    }

    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(arg.contiguous()?.apply_op2_no_bwd(
            &grad_res.contiguous()?,
            &GeGluBackward,
        )?))
    }
}

struct GeGluBackward;

impl CustomOp2 for GeGluBackward {
    fn name(&self) -> &'static str {
        "mcsd-geglu-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (rows, two_h) = l1.shape().dims2()?;
        let h = two_h / 2;
        let x = f32_slice(self.name(), s1, l1)?;
        let grad = f32_slice(self.name(), s2, l2)?;
        let mut out = vec![0f32; rows * two_h];
        par_rows(&mut out, two_h, |first, unit| {
            for (i, o) in unit.chunks_exact_mut(two_h).enumerate() {
                let r = first + i;
                let row = &x[r * two_h..(r + 1) * two_h];
                let gr = &grad[r * h..(r + 1) * h];
                let (d_gate, d_up) = o.split_at_mut(h);
                for j in 0..h {
                    let (g, u) = (row[j], row[h + j]);
                    let (act, act_grad) = gelu_and_grad(g);
                    d_gate[j] = gr[j] * u * act_grad;
                    d_up[j] = gr[j] * act;
                }
            }
        });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

/// GELU(gate) ⊙ up of `gate_up` `[R, 2H]` (gate columns first), differentiable.
pub(crate) fn geglu(gate_up: &Tensor) -> Result<Tensor> {
    Ok(gate_up.contiguous()?.apply_op1(GeGlu)?)
}

struct RmsNorm {
    eps: f32,
}

impl RmsNorm {
    fn inv_rms(&self, row: &[f32]) -> f32 {
        let mean_sq = row.iter().map(|v| v * v).sum::<f32>() / row.len() as f32;
        1.0 / (mean_sq + self.eps).sqrt()
    }
}

impl CustomOp2 for RmsNorm {
    fn name(&self) -> &'static str {
        "mcsd-rms-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let d = l1.shape().dims().last().copied().unwrap_or(0);
        let x = f32_slice(self.name(), s1, l1)?;
        let w = f32_slice(self.name(), s2, l2)?;
        if w.len() != d {
            return Err(candle_core::Error::Msg(format!(
                "{}: gain {} != width {d}",
                self.name(),
                w.len()
            )));
        }
        let mut out = vec![0f32; x.len()];
        par_rows(&mut out, d, |first, unit| {
            for (i, o) in unit.chunks_exact_mut(d).enumerate() {
                let row = &x[(first + i) * d..(first + i + 1) * d];
                let r = self.inv_rms(row);
                for ((o, &v), &g) in o.iter_mut().zip(row).zip(w) {
                    *o = v * r * g;
                }
            }
        });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let d = w.elem_count();
        let packed = x.contiguous()?.apply_op3_no_bwd(
            &w.contiguous()?,
            &grad.contiguous()?,
            &RmsNormBackward { eps: self.eps },
        )?;
        let rows = x.elem_count() / d.max(1);
        let dx = packed.narrow(0, 0, rows)?.reshape(x.shape())?;
        let dw = packed.narrow(0, rows, 1)?.reshape(w.shape())?;
        Ok((Some(dx), Some(dw)))
    }
}

/// Backward of [`RmsNorm`]: `[rows + 1, D]`, the last row holding the gain's gradient.
/// With r = 1/sqrt(mean(x²) + eps) and a = grad ⊙ gain:
/// dx = r·a − x·r³·mean(a ⊙ x); dgain = Σ_rows grad ⊙ x·r.
struct RmsNormBackward {
    eps: f32,
}

impl CustomOp3 for RmsNormBackward {
    fn name(&self) -> &'static str {
        "mcsd-rms-norm-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = f32_slice(self.name(), s1, l1)?;
        let w = f32_slice(self.name(), s2, l2)?;
        let grad = f32_slice(self.name(), s3, l3)?;
        let d = w.len();
        let rows = x.len() / d.max(1);
        let norm = RmsNorm { eps: self.eps };
        let mut out = vec![0f32; (rows + 1) * d];
        let (dx, dw_out) = out.split_at_mut(rows * d);
        // dx per row in parallel; each unit also returns its partial gain gradient.
        let partials = std::sync::Mutex::new(Vec::new());
        par_rows(dx, d, |first, unit| {
            let mut dw = vec![0f32; d];
            for (i, o) in unit.chunks_exact_mut(d).enumerate() {
                let r0 = first + i;
                let row = &x[r0 * d..(r0 + 1) * d];
                let gr = &grad[r0 * d..(r0 + 1) * d];
                let r = norm.inv_rms(row);
                let mean_ax = row
                    .iter()
                    .zip(gr)
                    .zip(w)
                    .map(|((&v, &g), &wj)| g * wj * v)
                    .sum::<f32>()
                    / d as f32;
                let r3 = r * r * r;
                for j in 0..d {
                    o[j] = r * gr[j] * w[j] - row[j] * r3 * mean_ax;
                    dw[j] += gr[j] * row[j] * r;
                }
            }
            if let Ok(mut p) = partials.lock() {
                p.push(dw);
            }
        });
        let partials = partials
            .into_inner()
            .map_err(|_| candle_core::Error::Msg("rms-norm backward: worker panicked".into()))?;
        for p in partials {
            for (o, v) in dw_out.iter_mut().zip(p) {
                *o += v;
            }
        }
        Ok((CpuStorage::F32(out), Shape::from((rows + 1, d))))
    }
}

/// RMSNorm over the last dimension with gain `weight`, differentiable in both.
pub(crate) fn rms_norm(x: &Tensor, weight: &Tensor, eps: f64) -> Result<Tensor> {
    Ok(x.contiguous()?
        .apply_op2(&weight.contiguous()?, RmsNorm { eps: eps as f32 })?)
}

#[cfg(test)]
mod tests {
    use candle_core::{D, Device, Var};

    use super::*;

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar()
            .unwrap()
    }

    #[test]
    fn geglu_matches_composed_ops_forward_and_backward() {
        let x = Var::from_tensor(&Tensor::randn(0f32, 2.0, (67, 2 * 24), &Device::Cpu).unwrap())
            .unwrap();
        let weights = Tensor::randn(0f32, 1.0, (67, 24), &Device::Cpu).unwrap();
        let fused = geglu(&x).unwrap();
        let composed =
            (x.narrow(1, 0, 24).unwrap().gelu().unwrap() * x.narrow(1, 24, 24).unwrap()).unwrap();
        assert!(max_diff(&fused, &composed) < 1e-5);
        let g1 = (fused * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        let g2 = (composed * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        assert!(max_diff(g1.get(&x).unwrap(), g2.get(&x).unwrap()) < 1e-4);
    }

    #[test]
    fn rms_norm_matches_composed_ops_forward_and_backward() {
        let x = Var::from_tensor(&Tensor::randn(0f32, 1.5, (130, 3, 16), &Device::Cpu).unwrap())
            .unwrap();
        let w = Var::from_tensor(&Tensor::randn(1f32, 0.3, 16, &Device::Cpu).unwrap()).unwrap();
        let weights = Tensor::randn(0f32, 1.0, (130, 3, 16), &Device::Cpu).unwrap();
        let fused = rms_norm(&x, &w, 1e-5).unwrap();
        let mean_sq = x.sqr().unwrap().mean_keepdim(D::Minus1).unwrap();
        let composed = x
            .broadcast_div(&(mean_sq + 1e-5).unwrap().sqrt().unwrap())
            .unwrap()
            .broadcast_mul(&w)
            .unwrap();
        assert!(max_diff(&fused, &composed) < 1e-5);
        let g1 = (fused * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        let g2 = (composed * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        assert!(max_diff(g1.get(&x).unwrap(), g2.get(&x).unwrap()) < 1e-4);
        assert!(max_diff(g1.get(&w).unwrap(), g2.get(&w).unwrap()) < 1e-3);
    }
}
