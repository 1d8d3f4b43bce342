//! Shared helpers of the model tests: deterministic weights and ids, comparisons.
#![allow(dead_code, clippy::unwrap_used)]

use candle_core::{Device, Tensor};
use candle_nn::VarMap;

/// xorshift32 stream in [-1, 1).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
}

/// Overwrites every variable with seeded values: norm gains 1 ± 0.2, matrices uniform with
/// bound 1/sqrt(fan_in) (last dimension), so tests do not depend on candle's unseeded RNG.
pub fn seed_weights(varmap: &VarMap, seed: u32) {
    let data = varmap.data().lock().unwrap();
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = Rng(seed.wrapping_mul(747_796_405).wrapping_add(2_891_336_453) | 1);
    for name in names {
        let var = &data[name];
        let n = var.elem_count();
        let fan_in = *var.dims().last().unwrap();
        let values: Vec<f32> = if var.rank() == 1 {
            (0..n).map(|_| 1.0 + 0.2 * rng.next()).collect()
        } else {
            let bound = 1.0 / (fan_in as f32).sqrt();
            (0..n).map(|_| bound * rng.next()).collect()
        };
        let t = Tensor::from_vec(values, var.shape(), &Device::Cpu).unwrap();
        var.set(&t).unwrap();
    }
}

/// Deterministic pseudo-random ids `[b, n]` below `vocab`.
pub fn ids(b: usize, n: usize, seed: u32, vocab: usize) -> Tensor {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1) | 1;
    let data: Vec<u32> = (0..b * n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % vocab as u32
        })
        .collect();
    Tensor::from_vec(data, (b, n), &Device::Cpu).unwrap()
}

pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.dims(), b.dims());
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

/// ||a − b|| / ||b||.
pub fn rel_err(a: &Tensor, b: &Tensor) -> f32 {
    let num = (a - b)
        .unwrap()
        .sqr()
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    let den = b
        .sqr()
        .unwrap()
        .sum_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    (num / den).sqrt()
}

/// Logits of L single steps, stacked as `[B, L, V]`.
pub fn stepwise<M: mcsd::decoder::Decoder>(
    model: &M,
    ids: &Tensor,
    state: &mut M::State,
) -> Tensor {
    let (_, l) = ids.dims2().unwrap();
    let steps: Vec<Tensor> = (0..l)
        .map(|t| {
            let col = ids
                .narrow(1, t, 1)
                .unwrap()
                .squeeze(1)
                .unwrap()
                .contiguous()
                .unwrap();
            model.forward_step(&col, state).unwrap()
        })
        .collect();
    Tensor::stack(&steps, 1).unwrap()
}
