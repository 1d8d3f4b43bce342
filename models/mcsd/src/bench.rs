//! The MCSD benchmark (`mcsd bench`, later `embodied bench mcsd`): decode latency and state
//! size against the Transformer baseline at growing context, training throughput of the
//! chunked and literal forms, and a small quality run (validation loss of both models after the
//! same tokens on the same generated corpus, int8 loss change, sparse top-k activation).
//!
//! Batch 1, the process's candle threads (2 on our machines). Latency is the median of a
//! window of steps after warm-up; the state at context N comes from a prefill with
//! `forward_seq` (in chunks for the Transformer, whose cost grows with N).

mod report;

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::checkpoint::{self, Architecture, SeededInit};
use crate::config::Config;
use crate::corpus::{Corpus, CorpusConfig};
use crate::decoder::Decoder;
use crate::error::{Error, Result};
use crate::mixer::MixerForm;
use crate::model::Model;
use crate::plot::{LineChart, Series, XScale};
use crate::quantized::{QuantKind, QuantizedModel};
use crate::tokenizer::Tokenizer;
use crate::train::{AdamW, PackedTokens, TrainConfig, Trainer, masked_cross_entropy};
use crate::transformer::{QuantizedTransformer, Transformer, TransformerConfig};

pub use report::{
    BenchReport, DecodeRatio, DecodeResult, QualityResult, SparseResult, TrainResult,
};

/// Version of the report's JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// Tiny models and short runs (≤ 1 minute; for CI) instead of the full benchmark.
    pub quick: bool,
    /// Where the latency and loss PNGs go.
    pub out_dir: PathBuf,
    /// Seed of weights, corpus and data order.
    pub seed: u64,
}

/// Sizes derived from [`BenchOptions::quick`].
struct Plan {
    decode_model: Config,
    decode_heads: usize,
    contexts: Vec<usize>,
    warmup_steps: usize,
    timed_steps: usize,
    prefill_chunk: usize,
    train_model: Config,
    train_lengths: Vec<usize>,
    train_timed_steps: usize,
    quality_model: Config,
    quality_heads: usize,
    quality_vocab: usize,
    quality_train: TrainConfig,
    corpus: CorpusConfig,
    eval_windows: usize,
}

impl Plan {
    fn new(opts: &BenchOptions) -> Self {
        if opts.quick {
            let tiny = Config {
                chunk_size: 16,
                ..Config::tiny(512)
            };
            Self {
                decode_model: tiny.clone(),
                decode_heads: 4,
                contexts: vec![256, 1024],
                warmup_steps: 2,
                timed_steps: 4,
                prefill_chunk: 256,
                train_model: tiny.clone(),
                train_lengths: vec![128, 512],
                train_timed_steps: 1,
                quality_model: tiny,
                quality_heads: 4,
                quality_vocab: 512,
                quality_train: TrainConfig {
                    seed: opts.seed,
                    steps: 40,
                    batch_size: 4,
                    seq_len: 64,
                    learning_rate: 3e-3,
                    warmup_steps: 4,
                    eval_every: 0,
                    eval_windows: 8,
                    checkpoint_every: 0,
                    ..TrainConfig::default()
                },
                corpus: CorpusConfig {
                    seed: opts.seed,
                    train_examples: 400,
                    validation_examples: 40,
                },
                eval_windows: 8,
            }
        } else {
            let six_m = six_million_config(4096);
            Self {
                decode_model: Config::bench_small(4096),
                decode_heads: 6,
                contexts: vec![256, 1024, 4096, 8192, 16384],
                warmup_steps: 4,
                timed_steps: 8,
                prefill_chunk: 512,
                train_model: six_m,
                train_lengths: vec![512, 4096],
                train_timed_steps: 2,
                quality_model: six_million_config(2048),
                quality_heads: 4,
                quality_vocab: 2048,
                quality_train: TrainConfig {
                    seed: opts.seed,
                    // 40 × 8 × 256 = 82k tokens per model: about a minute each on 2 cores.
                    steps: 40,
                    batch_size: 8,
                    seq_len: 256,
                    learning_rate: 2e-3,
                    warmup_steps: 4,
                    eval_every: 0,
                    eval_windows: 32,
                    checkpoint_every: 0,
                    ..TrainConfig::default()
                },
                corpus: CorpusConfig {
                    seed: opts.seed,
                    train_examples: 6000,
                    validation_examples: 300,
                },
                eval_windows: 32,
            }
        }
    }
}

/// The ~6M-parameter configuration of the throughput target (at vocabulary 4096:
/// D 256, C 4, 5 layers, GeGLU 1024).
pub fn six_million_config(vocab_size: usize) -> Config {
    Config {
        d_model: 256,
        n_channels: 4,
        n_layers: 5,
        mlp_hidden: 1024,
        chunk_size: 64,
        ..Config::tiny(vocab_size)
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    }
}

/// Builds `M` with seeded random weights, detached for inference.
///
/// # Errors
/// Model errors.
pub fn random_model<M: Architecture>(cfg: &M::Config, seed: u64, device: &Device) -> Result<M> {
    let (_, varmap) = SeededInit::build::<M>(seed, cfg, device)?;
    let tensors = checkpoint::varmap_tensors(&varmap).into_iter().collect();
    checkpoint::build_checked::<M>(Path::new("<random>"), cfg, tensors, device)
}

fn random_ids(rng: &mut StdRng, n: usize, vocab: usize, device: &Device) -> Result<Tensor> {
    let ids: Vec<u32> = (0..n).map(|_| rng.random_range(0..vocab as u32)).collect();
    Ok(Tensor::from_vec(ids, (1, n), device)?)
}

/// Advances `state` by `n` random tokens with `forward_seq` in chunks.
fn prefill<M: Decoder>(
    model: &M,
    state: &mut M::State,
    n: usize,
    chunk: usize,
    rng: &mut StdRng,
    device: &Device,
) -> Result<()> {
    let mut left = n;
    while left > 0 {
        let len = left.min(chunk);
        let ids = random_ids(rng, len, model.vocab_size(), device)?;
        // Only the state matters; the logits are dropped.
        model.forward_seq(&ids, state)?;
        left -= len;
    }
    Ok(())
}

/// Windows of timed steps per measurement; the reported latency is the smallest window median,
/// which discounts steps slowed by other processes on a shared machine.
const TIMING_WINDOWS: usize = 3;

/// ms per `forward_step` from a copy of `state`: after `warmup` steps, the smallest median of
/// [`TIMING_WINDOWS`] windows of `timed` steps.
fn time_steps<M: Decoder>(
    model: &M,
    state: &M::State,
    warmup: usize,
    timed: usize,
    rng: &mut StdRng,
    device: &Device,
) -> Result<f64> {
    let mut state = state.clone();
    let mut step = |state: &mut M::State| -> Result<f64> {
        let id = Tensor::new(&[rng.random_range(0..model.vocab_size() as u32)], device)?;
        let started = Instant::now();
        let logits = model.forward_step(&id, state)?;
        // Read the result so the whole step is inside the timing.
        let _ = logits.to_dtype(DType::F32)?.max_all()?.to_scalar::<f32>()?;
        Ok(started.elapsed().as_secs_f64() * 1e3)
    };
    for _ in 0..warmup {
        step(&mut state)?;
    }
    let mut best = f64::INFINITY;
    for _ in 0..TIMING_WINDOWS {
        let times = (0..timed)
            .map(|_| step(&mut state))
            .collect::<Result<Vec<f64>>>()?;
        best = best.min(median(times));
    }
    Ok(best)
}

struct DecodePair<'a, F: Decoder, Q: Decoder<State = F::State>> {
    name: &'static str,
    f32_model: &'a F,
    int8_model: &'a Q,
}

fn decode_rows<F: Decoder, Q: Decoder<State = F::State>>(
    pair: &DecodePair<'_, F, Q>,
    plan: &Plan,
    rng: &mut StdRng,
    device: &Device,
) -> Result<Vec<DecodeResult>> {
    let mut rows = Vec::new();
    let mut state = pair.f32_model.new_state(1)?;
    let mut pos = 0;
    for &context in &plan.contexts {
        let _span = tracing::info_span!("bench.decode", model = pair.name, context).entered();
        prefill(
            pair.f32_model,
            &mut state,
            context - pos,
            plan.prefill_chunk,
            rng,
            device,
        )?;
        pos = context;
        let bytes = F::state_bytes(&state);
        for (dtype, ms) in [
            (
                "f32",
                time_steps(
                    pair.f32_model,
                    &state,
                    plan.warmup_steps,
                    plan.timed_steps,
                    rng,
                    device,
                )?,
            ),
            (
                "int8",
                time_steps(
                    pair.int8_model,
                    &state,
                    plan.warmup_steps,
                    plan.timed_steps,
                    rng,
                    device,
                )?,
            ),
        ] {
            tracing::info!(model = pair.name, dtype, context, ms, bytes, "decode");
            rows.push(DecodeResult {
                model: pair.name.to_string(),
                dtype: dtype.to_string(),
                context,
                ms_per_token: ms,
                state_bytes: bytes,
            });
        }
    }
    Ok(rows)
}

/// Tokens/s of one training step (forward + backward + AdamW) of `form` at length `n`.
fn train_throughput(
    cfg: &Config,
    form: MixerForm,
    n: usize,
    timed: usize,
    seed: u64,
    device: &Device,
) -> Result<f64> {
    let (model, varmap) = SeededInit::build::<Model>(seed, cfg, device)?;
    let mut optimizer = AdamW::new(&varmap)?;
    let train_cfg = TrainConfig::default();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut times = Vec::new();
    for i in 0..=timed {
        let ids = random_ids(&mut rng, n + 1, cfg.vocab_size, device)?;
        let inputs = ids.narrow(1, 0, n)?;
        let targets = ids.narrow(1, 1, n)?;
        let mask = Tensor::ones((1, n), DType::F32, device)?;
        let started = Instant::now();
        let logits = model.forward_with(&inputs, form)?;
        let loss = masked_cross_entropy(&logits, &targets, &mask)?;
        let grads = loss.backward()?;
        optimizer.step(&grads, &train_cfg, 1e-4, 1.0)?;
        // The first step allocates and warms caches.
        if i > 0 {
            times.push(started.elapsed().as_secs_f64());
        }
    }
    Ok(n as f64 / median(times))
}

/// Validation loss of any decoder (from an empty state per window, via `forward_seq`).
///
/// # Errors
/// Model and tensor errors.
pub fn decoder_val_loss<M: Decoder>(
    model: &M,
    data: &PackedTokens,
    max_windows: usize,
    device: &Device,
) -> Result<f32> {
    let n = max_windows.min(data.windows()).max(1);
    let mut total = 0f64;
    let mut counted = 0usize;
    for w in 0..n {
        let batch = data.batch(&[w], device)?;
        if batch.counted == 0 {
            continue;
        }
        let mut state = model.new_state(1)?;
        let logits = model.forward_seq(&batch.inputs, &mut state)?;
        let loss = masked_cross_entropy(&logits, &batch.targets, &batch.mask)?;
        total += f64::from(loss.to_scalar::<f32>()?) * batch.counted as f64;
        counted += batch.counted;
    }
    Ok((total / counted.max(1) as f64) as f32)
}

struct Trained<M: Architecture> {
    model: M,
    val_loss: f32,
    parameters: usize,
    tokens: usize,
    tokens_per_s: f64,
    history: Vec<(f64, f64)>,
}

fn train_for_quality<M: Architecture>(
    cfg: M::Config,
    train_cfg: &TrainConfig,
    train: &PackedTokens,
    validation: &PackedTokens,
    device: &Device,
) -> Result<Trained<M>> {
    let _span = tracing::info_span!("bench.quality", kind = %M::KIND).entered();
    let mut trainer = Trainer::<M>::new(
        cfg,
        train_cfg.clone(),
        train.clone(),
        validation.clone(),
        device,
    )?;
    let started = Instant::now();
    let mut tokens = 0;
    while trainer.step() < train_cfg.steps {
        tokens += trainer.train_step()?.tokens;
    }
    let tokens_per_s = tokens as f64 / started.elapsed().as_secs_f64().max(1e-9);
    let val_loss = trainer.evaluate()?;
    tracing::info!(kind = %M::KIND, val_loss, tokens_per_s, "quality run");
    Ok(Trained {
        model: trainer.inference_model()?,
        val_loss,
        parameters: trainer.parameter_count(),
        tokens,
        tokens_per_s,
        history: trainer
            .history()
            .iter()
            .map(|h| (h.step as f64, f64::from(h.train_loss)))
            .collect(),
    })
}

fn decode_ms_at_256<M: Decoder>(model: &M, plan: &Plan, seed: u64, device: &Device) -> Result<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut state = model.new_state(1)?;
    prefill(model, &mut state, 256, plan.prefill_chunk, &mut rng, device)?;
    time_steps(
        model,
        &state,
        plan.warmup_steps,
        plan.timed_steps,
        &mut rng,
        device,
    )
}

fn quality(plan: &Plan, opts: &BenchOptions, device: &Device) -> Result<(QualityResult, PathBuf)> {
    let corpus = Corpus::generate(&plan.corpus)?;
    let tokenizer = Tokenizer::train(corpus.texts(), plan.quality_vocab)?;
    let seq_len = plan.quality_train.seq_len;
    let train = PackedTokens::pack(&corpus.train, &tokenizer, seq_len)?;
    let validation = PackedTokens::pack(&corpus.validation, &tokenizer, seq_len)?;
    let mut mcsd_cfg = plan.quality_model.clone();
    mcsd_cfg.vocab_size = tokenizer.vocab_size();
    let transformer_cfg = TransformerConfig {
        max_positions: seq_len.max(512),
        ..TransformerConfig::matching(&mcsd_cfg, plan.quality_heads)
    };
    let mcsd = train_for_quality::<Model>(
        mcsd_cfg.clone(),
        &plan.quality_train,
        &train,
        &validation,
        device,
    )?;
    let transformer = train_for_quality::<Transformer>(
        transformer_cfg,
        &plan.quality_train,
        &train,
        &validation,
        device,
    )?;
    // int8: the same trained weights quantised; both losses through the decoder path.
    let f32_loss = decoder_val_loss(&mcsd.model, &validation, plan.eval_windows, device)?;
    let int8 = QuantizedModel::from_model(&mcsd.model, QuantKind::Q8_0)?;
    let int8_loss = decoder_val_loss(&int8, &validation, plan.eval_windows, device)?;
    // Sparse activation: a quarter of the hidden units per token.
    let top_k = (mcsd_cfg.mlp_hidden / 4).max(1);
    let sparse_cfg = Config {
        sparse_top_k: Some(top_k),
        ..mcsd_cfg.clone()
    };
    let sparse =
        train_for_quality::<Model>(sparse_cfg, &plan.quality_train, &train, &validation, device)?;
    let sparse_result = SparseResult {
        top_k,
        mlp_hidden: mcsd_cfg.mlp_hidden,
        val_loss: sparse.val_loss,
        dense_val_loss: mcsd.val_loss,
        ms_per_token: decode_ms_at_256(&sparse.model, plan, opts.seed, device)?,
        dense_ms_per_token: decode_ms_at_256(&mcsd.model, plan, opts.seed, device)?,
    };
    let plot = opts.out_dir.join("mcsd_quality_loss.png");
    LineChart {
        title: "quality run: training loss (answer tokens)".into(),
        x_label: "step".into(),
        y_label: "loss (nats/token)".into(),
        x_scale: XScale::Linear,
        series: vec![
            Series {
                label: "mcsd".into(),
                points: mcsd.history.clone(),
            },
            Series {
                label: "transformer".into(),
                points: transformer.history.clone(),
            },
            Series {
                label: format!("mcsd sparse top-{top_k}"),
                points: sparse.history.clone(),
            },
        ],
    }
    .save_png(&plot)?;
    Ok((
        QualityResult {
            tokens: mcsd.tokens,
            mcsd_val_loss: mcsd.val_loss,
            transformer_val_loss: transformer.val_loss,
            mcsd_parameters: mcsd.parameters,
            transformer_parameters: transformer.parameters,
            mcsd_train_tokens_per_s: mcsd.tokens_per_s,
            transformer_train_tokens_per_s: transformer.tokens_per_s,
            mcsd_int8_val_loss: int8_loss,
            int8_val_loss_change_pct: 100.0 * f64::from(int8_loss - f32_loss) / f64::from(f32_loss),
            sparse: sparse_result,
        },
        plot,
    ))
}

/// Runs the benchmark.
///
/// # Errors
/// [`Error::Io`] when the output directory cannot be created; model, training and plot errors.
pub fn run_bench(opts: &BenchOptions) -> Result<BenchReport> {
    let started = Instant::now();
    let plan = Plan::new(opts);
    let device = Device::Cpu;
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| Error::Io {
        path: opts.out_dir.clone(),
        source,
    })?;
    let mut rng = StdRng::seed_from_u64(opts.seed);

    // Decode: random weights (latency and memory do not depend on their values).
    let max_context = plan.contexts.iter().copied().max().unwrap_or(256);
    let mcsd = random_model::<Model>(&plan.decode_model, opts.seed, &device)?;
    let mcsd_int8 = QuantizedModel::from_model(&mcsd, QuantKind::Q8_0)?;
    let transformer_cfg = TransformerConfig {
        max_positions: max_context + plan.warmup_steps + TIMING_WINDOWS * plan.timed_steps + 8,
        ..TransformerConfig::matching(&plan.decode_model, plan.decode_heads)
    };
    let transformer = random_model::<Transformer>(&transformer_cfg, opts.seed, &device)?;
    let transformer_int8 = QuantizedTransformer::from_model(&transformer, QuantKind::Q8_0)?;
    let mut decode = decode_rows(
        &DecodePair {
            name: "mcsd",
            f32_model: &mcsd,
            int8_model: &mcsd_int8,
        },
        &plan,
        &mut rng,
        &device,
    )?;
    decode.extend(decode_rows(
        &DecodePair {
            name: "transformer",
            f32_model: &transformer,
            int8_model: &transformer_int8,
        },
        &plan,
        &mut rng,
        &device,
    )?);
    drop((transformer, transformer_int8));
    let find = |model: &str, dtype: &str, context: usize| {
        decode
            .iter()
            .find(|r| r.model == model && r.dtype == dtype && r.context == context)
    };
    let mut decode_ratios = Vec::new();
    for dtype in ["f32", "int8"] {
        for &context in &plan.contexts {
            if let (Some(m), Some(t)) = (
                find("mcsd", dtype, context),
                find("transformer", dtype, context),
            ) {
                decode_ratios.push(DecodeRatio {
                    dtype: dtype.to_string(),
                    context,
                    speedup: t.ms_per_token / m.ms_per_token,
                    memory_ratio: t.state_bytes as f64 / m.state_bytes.max(1) as f64,
                });
            }
        }
    }
    let min_context = plan.contexts.iter().copied().min().unwrap_or(256);
    let ms = |dtype, context| find("mcsd", dtype, context).map_or(f64::NAN, |r| r.ms_per_token);
    let mcsd_latency_growth = ms("f32", max_context) / ms("f32", min_context);
    let mcsd_int8_speedup = ms("f32", min_context) / ms("int8", min_context);
    let latency_plot = opts.out_dir.join("mcsd_latency.png");
    let series = ["mcsd", "transformer"]
        .iter()
        .flat_map(|model| ["f32", "int8"].map(|dtype| (*model, dtype)))
        .map(|(model, dtype)| Series {
            label: format!("{model} {dtype}"),
            points: decode
                .iter()
                .filter(|r| r.model == model && r.dtype == dtype)
                .map(|r| (r.context as f64, r.ms_per_token))
                .collect(),
        })
        .collect();
    LineChart {
        title: "decode latency per token (batch 1)".into(),
        x_label: "context (tokens)".into(),
        y_label: "ms / token".into(),
        x_scale: XScale::Log2,
        series,
    }
    .save_png(&latency_plot)?;

    // Training throughput of the two mixer forms.
    let mut train = Vec::new();
    for &n in &plan.train_lengths {
        for (form, name) in [
            (MixerForm::Chunked, "chunked"),
            (MixerForm::Literal, "literal"),
        ] {
            let _span = tracing::info_span!("bench.train", form = name, n).entered();
            let tokens_per_s = train_throughput(
                &plan.train_model,
                form,
                n,
                plan.train_timed_steps,
                opts.seed,
                &device,
            )?;
            tracing::info!(form = name, n, tokens_per_s, "train throughput");
            train.push(TrainResult {
                form: name.to_string(),
                n,
                tokens_per_s,
            });
        }
    }

    let (quality, quality_plot) = quality(&plan, opts, &device)?;
    Ok(BenchReport {
        schema_version: SCHEMA_VERSION,
        quick: opts.quick,
        device: "cpu".into(),
        threads: candle_core::utils::get_num_threads(),
        decode_config: plan.decode_model.clone(),
        decode_transformer_config: transformer_cfg,
        decode,
        decode_ratios,
        mcsd_latency_growth,
        mcsd_int8_speedup,
        train_config: plan.train_model.clone(),
        train,
        quality,
        latency_plot,
        quality_plot,
        wall_s: started.elapsed().as_secs_f64(),
    })
}
