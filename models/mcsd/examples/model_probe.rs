//! Quick performance probe of the model core (the full benchmark is `mcsd bench`):
//! per-token decode latency at two context positions for MCSD and the Transformer baseline,
//! f32 and Q8_0, and chunked vs literal forward+backward tokens/s.
//!
//! `RAYON_NUM_THREADS=2 cargo run --release -p mcsd --example model_probe -- [pos...]`

use std::time::Instant;

use anyhow::Result;
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use mcsd::config::Config;
use mcsd::decoder::Decoder;
use mcsd::mixer::MixerForm;
use mcsd::model::Model;
use mcsd::quantized::{QuantKind, QuantizedModel};
use mcsd::transformer::{QuantizedTransformer, Transformer, TransformerConfig};

const VOCAB: usize = 4096;
const PREFILL_CHUNK: usize = 512;
const TIMED_STEPS: usize = 192;
const ROUNDS: usize = 6;

fn ids(n: usize, seed: u32) -> Result<Tensor> {
    let mut x = seed | 1;
    let data: Vec<u32> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % VOCAB as u32
        })
        .collect();
    Ok(Tensor::from_vec(data, (1, n), &Device::Cpu)?)
}

/// A decoder prefilled to a position, ready to time steps.
struct Prepared<'a, M: Decoder> {
    model: &'a M,
    state: M::State,
    token: Tensor,
    times: Vec<f64>,
}

fn prepare<M: Decoder>(model: &M, pos: usize) -> Result<Prepared<'_, M>> {
    let mut state = model.new_state(1)?;
    model.prefill(&ids(pos, 7)?, &mut state, PREFILL_CHUNK)?;
    Ok(Prepared {
        model,
        state,
        token: Tensor::new(&[1u32], &Device::Cpu)?,
        times: Vec::new(),
    })
}

/// CPU time of all threads of this process in ns (from /proc/self/task/*/schedstat), robust
/// to other processes competing for the cores; falls back to wall time elsewhere.
fn cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

impl<M: Decoder> Prepared<'_, M> {
    /// Runs `steps` decode steps and records their mean ms per token (CPU time of the process
    /// with PROBE_CPU_TIME set, because the scheduler's accounting is tick-grained; else wall).
    fn time_steps(&mut self, steps: usize) -> Result<()> {
        let use_cpu_time = std::env::var("PROBE_CPU_TIME").is_ok();
        let (t0, c0) = (Instant::now(), cpu_ns());
        for _ in 0..steps {
            let logits = self.model.forward_step(&self.token, &mut self.state)?;
            self.token = logits.argmax(1)?;
        }
        let wall_ms = t0.elapsed().as_secs_f64() * 1e3;
        let ms = match (use_cpu_time, c0, cpu_ns()) {
            (true, Some(a), Some(b)) => (b - a) as f64 / 1e6,
            _ => wall_ms,
        };
        self.times.push(ms / steps as f64);
        Ok(())
    }

    fn median_ms(&mut self) -> f64 {
        self.times.sort_by(f64::total_cmp);
        self.times[self.times.len() / 2]
    }
}

/// Median ms per token at each position, rounds interleaved so machine-load drift hits all
/// positions alike.
fn decode_ms<M: Decoder>(model: &M, positions: &[usize]) -> Result<Vec<(f64, usize)>> {
    let mut prepared = positions
        .iter()
        .map(|&p| prepare(model, p))
        .collect::<Result<Vec<_>>>()?;
    for _ in 0..ROUNDS {
        for p in &mut prepared {
            p.time_steps(TIMED_STEPS / ROUNDS)?;
        }
    }
    Ok(prepared
        .iter_mut()
        .map(|p| (p.median_ms(), M::state_bytes(&p.state)))
        .collect())
}

fn train_tokens_per_s(model: &Model, form: MixerForm, n: usize, batch: usize) -> Result<f64> {
    let x = Tensor::cat(
        &(0..batch)
            .map(|b| ids(n, b as u32 + 3))
            .collect::<Result<Vec<_>>>()?,
        0,
    )?;
    let targets = Tensor::cat(
        &(0..batch)
            .map(|b| ids(n, b as u32 + 99))
            .collect::<Result<Vec<_>>>()?,
        0,
    )?;
    let mut best = f64::INFINITY;
    let mut best_fwd = f64::INFINITY;
    for _ in 0..2 {
        let t0 = Instant::now();
        let logits = model.forward_with(&x, form)?;
        best_fwd = best_fwd.min(t0.elapsed().as_secs_f64());
        let loss = candle_nn::loss::cross_entropy(&logits.flatten_to(1)?, &targets.flatten_all()?)?;
        let grads = loss.backward()?;
        drop(grads);
        best = best.min(t0.elapsed().as_secs_f64());
    }
    println!(
        "  {form:?}: forward {:.0} ms of {:.0} ms",
        best_fwd * 1e3,
        best * 1e3
    );
    Ok((batch * n) as f64 / best)
}

/// The token mixing alone (both sections, forward + backward), chunked vs literal.
fn mixer_only(cfg: &Config, n: usize) -> Result<()> {
    use mcsd::mixer::{Rates, Section, mix_chunked, mix_literal};
    let rates = std::sync::Arc::new(Rates::new(cfg));
    let x = candle_core::Var::from_tensor(&Tensor::randn(
        0f32,
        1.0,
        (2, n, cfg.d_model),
        &Device::Cpu,
    )?)?;
    for form in [MixerForm::Chunked, MixerForm::Literal] {
        let t0 = Instant::now();
        let y = match form {
            MixerForm::Chunked => {
                (mix_chunked(&rates, Section::Slope, &x)?
                    + mix_chunked(&rates, Section::Decay, &x)?)?
            }
            MixerForm::Literal => {
                let s = rates.literal_matrices(Section::Slope, n, &Device::Cpu)?;
                let d = rates.literal_matrices(Section::Decay, n, &Device::Cpu)?;
                (mix_literal(&x, &s)? + mix_literal(&x, &d)?)?
            }
        };
        let grads = y.sum_all()?.backward()?;
        let g = grads.get(&x).map(|g| g.elem_count()).unwrap_or(0);
        println!(
            "  mixer only {form:?} N={n} B=2 fwd+bwd per layer: {:.1} ms (grad {g})",
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    let positions: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<std::result::Result<_, _>>()?;
    let positions = if positions.is_empty() {
        vec![256, 8192]
    } else {
        positions
    };
    let train_only = std::env::var("PROBE_TRAIN_ONLY").is_ok();
    let cfg = Config::bench_small(VOCAB);
    let varmap = VarMap::new();
    let model = Model::new(
        &cfg,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
    )?;
    println!("MCSD params: {}", model.n_params());

    let n = 1024;
    if std::env::var("PROBE_DECODE_ONLY").is_err() {
        for form in [MixerForm::Chunked, MixerForm::Literal] {
            let tps = train_tokens_per_s(&model, form, n, 2)?;
            println!("train fwd+bwd {form:?} N={n} B=2: {tps:.0} tokens/s");
        }
        mixer_only(&cfg, n)?;
    }
    if train_only {
        return Ok(());
    }
    let frozen = model.detached();
    let q8 = QuantizedModel::from_model(&frozen, QuantKind::Q8_0)?;
    let tcfg = TransformerConfig::matching(&cfg, 6);
    let tvm = VarMap::new();
    let transformer = Transformer::new(
        &tcfg,
        VarBuilder::from_varmap(&tvm, DType::F32, &Device::Cpu),
    )?;
    let tq8 = QuantizedTransformer::from_model(&transformer, QuantKind::Q8_0)?;
    println!("Transformer params: {}", transformer.n_params());
    let mcsd_f32 = decode_ms(&frozen, &positions)?;
    let mcsd_q8 = decode_ms(&q8, &positions)?;
    let tr_f32 = decode_ms(&transformer, &positions)?;
    let tr_q8 = decode_ms(&tq8, &positions)?;
    // Sparse activation: the same weights with top-256 of 1024 GeGLU units per token.
    let sparse_cfg = Config {
        sparse_top_k: Some(cfg.mlp_hidden / 4),
        ..cfg.clone()
    };
    let sparse = Model::new(
        &sparse_cfg,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
    )?;
    let mcsd_sparse = decode_ms(&sparse, &positions)?;
    for (i, pos) in positions.iter().enumerate() {
        println!(
            "pos {pos}: mcsd f32 {:.3} ms, mcsd q8_0 {:.3} ms, transformer f32 {:.3} ms, transformer q8_0 {:.3} ms; state {} B vs kv {} B",
            mcsd_f32[i].0, mcsd_q8[i].0, tr_f32[i].0, tr_q8[i].0, mcsd_f32[i].1, tr_f32[i].1
        );
        println!(
            "pos {pos}: mcsd f32 sparse top-256/1024 {:.3} ms",
            mcsd_sparse[i].0
        );
    }
    Ok(())
}
