//! The benchmark report: JSON shape (`decode`, `train`, `quality` as in the issue, plus more)
//! and the human tables.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::transformer::TransformerConfig;

/// Per-token decode latency and state size of one model at one context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecodeResult {
    /// `mcsd` or `transformer`.
    pub model: String,
    /// `f32` or `int8`.
    pub dtype: String,
    /// Tokens already in the state.
    pub context: usize,
    /// Median milliseconds per decoded token.
    pub ms_per_token: f64,
    /// Bytes of recurrent state or KV cache at this context.
    pub state_bytes: usize,
}

/// Transformer against MCSD at one context and dtype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecodeRatio {
    /// `f32` or `int8`.
    pub dtype: String,
    /// Context.
    pub context: usize,
    /// Transformer ms/token over MCSD ms/token (> 1: MCSD is faster).
    pub speedup: f64,
    /// KV-cache bytes over MCSD state bytes.
    pub memory_ratio: f64,
}

/// Training throughput of one mixer form at one sequence length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainResult {
    /// `chunked` or `literal`.
    pub form: String,
    /// Sequence length.
    pub n: usize,
    /// Tokens per second of forward + backward + AdamW (batch 1).
    pub tokens_per_s: f64,
}

/// Quality against speed of the sparse (top-k GeGLU) MCSD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SparseResult {
    /// Hidden units kept per token.
    pub top_k: usize,
    /// GeGLU hidden width.
    pub mlp_hidden: usize,
    /// Validation loss of the sparse model.
    pub val_loss: f32,
    /// Validation loss of the dense model (same tokens).
    pub dense_val_loss: f32,
    /// Decode ms/token of the sparse model (context 256, f32).
    pub ms_per_token: f64,
    /// Decode ms/token of the dense model.
    pub dense_ms_per_token: f64,
}

/// The small quality run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityResult {
    /// Training tokens each model saw.
    pub tokens: usize,
    /// MCSD validation loss (answer tokens, nats).
    pub mcsd_val_loss: f32,
    /// Transformer validation loss.
    pub transformer_val_loss: f32,
    /// MCSD parameters.
    pub mcsd_parameters: usize,
    /// Transformer parameters.
    pub transformer_parameters: usize,
    /// MCSD training throughput in this run (tokens/s).
    pub mcsd_train_tokens_per_s: f64,
    /// Transformer training throughput in this run (tokens/s).
    pub transformer_train_tokens_per_s: f64,
    /// MCSD validation loss with Q8_0 weights.
    pub mcsd_int8_val_loss: f32,
    /// Relative change of the validation loss from f32 to int8, in percent.
    pub int8_val_loss_change_pct: f64,
    /// Sparse activation result.
    pub sparse: SparseResult,
}

/// The benchmark report (`--json` prints it as the last line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Version of this shape.
    pub schema_version: u32,
    /// Whether this was the quick run.
    pub quick: bool,
    /// Device.
    pub device: String,
    /// Threads candle uses.
    pub threads: usize,
    /// MCSD config of the decode benchmark.
    pub decode_config: Config,
    /// Transformer config of the decode benchmark.
    pub decode_transformer_config: TransformerConfig,
    /// Decode latency and state size.
    pub decode: Vec<DecodeResult>,
    /// Transformer / MCSD ratios.
    pub decode_ratios: Vec<DecodeRatio>,
    /// MCSD f32 ms/token at the largest context over that at the smallest.
    pub mcsd_latency_growth: f64,
    /// int8 over f32 decode speed-up of MCSD at the smallest context.
    pub mcsd_int8_speedup: f64,
    /// MCSD config of the training throughput benchmark.
    pub train_config: Config,
    /// Training throughput.
    pub train: Vec<TrainResult>,
    /// Small quality run.
    pub quality: QualityResult,
    /// Latency-against-context PNG.
    pub latency_plot: PathBuf,
    /// Loss curves of the quality run.
    pub quality_plot: PathBuf,
    /// Wall time of the whole benchmark.
    pub wall_s: f64,
}

impl BenchReport {
    /// Human-readable tables (ours against the baseline, with ratios).
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "MCSD benchmark{} — {} threads, decode model D {} C {} layers {} vocab {}",
            if self.quick { " (quick)" } else { "" },
            self.threads,
            self.decode_config.d_model,
            self.decode_config.n_channels,
            self.decode_config.n_layers,
            self.decode_config.vocab_size
        );
        let _ = writeln!(out, "\nDecode, batch 1 (median ms/token; state bytes)");
        let _ = writeln!(
            out,
            "{:>6} {:>8} {:>10} {:>10} {:>8} {:>12} {:>14} {:>9}",
            "dtype", "context", "mcsd ms", "trans ms", "speedup", "mcsd state", "kv cache", "mem x"
        );
        for ratio in &self.decode_ratios {
            let row = |model: &str| {
                self.decode.iter().find(|r| {
                    r.model == model && r.dtype == ratio.dtype && r.context == ratio.context
                })
            };
            if let (Some(m), Some(t)) = (row("mcsd"), row("transformer")) {
                let _ = writeln!(
                    out,
                    "{:>6} {:>8} {:>10.3} {:>10.3} {:>7.2}x {:>12} {:>14} {:>8.0}x",
                    ratio.dtype,
                    ratio.context,
                    m.ms_per_token,
                    t.ms_per_token,
                    ratio.speedup,
                    m.state_bytes,
                    t.state_bytes,
                    ratio.memory_ratio
                );
            }
        }
        let _ = writeln!(
            out,
            "MCSD latency growth (largest / smallest context): {:.2}x; int8 speed-up: {:.2}x",
            self.mcsd_latency_growth, self.mcsd_int8_speedup
        );
        let _ = writeln!(
            out,
            "\nTraining throughput, batch 1 (D {} C {} layers {}; tokens/s)",
            self.train_config.d_model, self.train_config.n_channels, self.train_config.n_layers
        );
        let _ = writeln!(
            out,
            "{:>6} {:>10} {:>10} {:>8}",
            "n", "chunked", "literal", "ratio"
        );
        let mut lengths: Vec<usize> = self.train.iter().map(|t| t.n).collect();
        lengths.dedup();
        for n in lengths {
            let tps = |form: &str| {
                self.train
                    .iter()
                    .find(|t| t.n == n && t.form == form)
                    .map_or(f64::NAN, |t| t.tokens_per_s)
            };
            let _ = writeln!(
                out,
                "{:>6} {:>10.0} {:>10.0} {:>7.2}x",
                n,
                tps("chunked"),
                tps("literal"),
                tps("chunked") / tps("literal")
            );
        }
        let q = &self.quality;
        let _ = writeln!(
            out,
            "\nQuality ({} training tokens each, validation loss on answers)",
            q.tokens
        );
        let _ = writeln!(
            out,
            "{:>22} {:>10} {:>12} {:>10}",
            "model", "params", "val loss", "train t/s"
        );
        let _ = writeln!(
            out,
            "{:>22} {:>10} {:>12.4} {:>10.0}",
            "mcsd", q.mcsd_parameters, q.mcsd_val_loss, q.mcsd_train_tokens_per_s
        );
        let _ = writeln!(
            out,
            "{:>22} {:>10} {:>12.4} {:>10.0}",
            "transformer",
            q.transformer_parameters,
            q.transformer_val_loss,
            q.transformer_train_tokens_per_s
        );
        let _ = writeln!(
            out,
            "mcsd int8 val loss {:.4} ({:+.2}% vs f32)",
            q.mcsd_int8_val_loss, q.int8_val_loss_change_pct
        );
        let s = &q.sparse;
        let _ = writeln!(
            out,
            "sparse top-{}/{}: val loss {:.4} (dense {:.4}), decode {:.3} ms (dense {:.3} ms)",
            s.top_k,
            s.mlp_hidden,
            s.val_loss,
            s.dense_val_loss,
            s.ms_per_token,
            s.dense_ms_per_token
        );
        let _ = writeln!(
            out,
            "\nplots: {} {}; wall {:.0} s",
            self.latency_plot.display(),
            self.quality_plot.display(),
            self.wall_s
        );
        out
    }
}
