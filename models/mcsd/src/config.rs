//! Model configuration, serialised as `config.json` next to the weights.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Shape of the four mixer projections U, V, F, E.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Projection {
    /// Full D×D matrices (the default: more parameters, better quality).
    #[default]
    Full,
    /// Block-diagonal: one Dc×Dc matrix per channel (the paper's literal shape, 1/C of the
    /// parameters).
    PerChannel,
}

/// How the slope and decay sections are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Fusion {
    /// Θ = Θ_s + Θ_d (what the paper's figure and inference equation say).
    #[default]
    Sum,
    /// Θ = W_o [Θ_s; Θ_d], a learned 2D→D projection (Eq. 13 read literally).
    ConcatProj,
}

/// Hyper-parameters of an MCSD model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Residual width D.
    pub d_model: usize,
    /// Number of channels C; each channel has its own fixed slope and decay rates.
    pub n_channels: usize,
    /// Number of blocks.
    pub n_layers: usize,
    /// Hidden width of the GeGLU MLP.
    pub mlp_hidden: usize,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Shape of the U, V, F, E projections.
    #[serde(default)]
    pub projection: Projection,
    /// Fusion of the slope and decay sections.
    #[serde(default)]
    pub fusion: Fusion,
    /// LM head shares the embedding matrix.
    #[serde(default = "default_tie_embeddings")]
    pub tie_embeddings: bool,
    /// Learned D×D output projection after the fusion (ignored with `concat_proj`, which has its
    /// own).
    #[serde(default)]
    pub output_proj: bool,
    /// Keep only the top-k GeGLU hidden units per token (brain-inspired sparse activation).
    #[serde(default)]
    pub sparse_top_k: Option<usize>,
    /// Chunk length (positions) of the chunked mixer used by training (chunks are scanned in
    /// parallel, the state is carried between them; exact for any value), and a sensible piece
    /// length for `Decoder::prefill`.
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
    /// Epsilon of every RMSNorm.
    #[serde(default = "default_rms_eps")]
    pub rms_eps: f64,
}

fn default_tie_embeddings() -> bool {
    true
}

fn default_chunk_size() -> usize {
    64
}

fn default_rms_eps() -> f64 {
    1e-5
}

impl Config {
    /// Checks ranges and divisibility; every constructor of a model calls it.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("d_model", self.d_model),
            ("n_channels", self.n_channels),
            ("n_layers", self.n_layers),
            ("mlp_hidden", self.mlp_hidden),
            ("vocab_size", self.vocab_size),
            ("chunk_size", self.chunk_size),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(Error::Config {
                    field,
                    reason: "must be positive".into(),
                });
            }
        }
        if !self.d_model.is_multiple_of(self.n_channels) {
            return Err(Error::Config {
                field: "n_channels",
                reason: format!(
                    "d_model {} is not divisible by n_channels {}",
                    self.d_model, self.n_channels
                ),
            });
        }
        // α_i = 1 − 2^(−5−i) rounds to 1.0 in f32 beyond ~19 channels: the decay would not decay.
        if self.n_channels > 18 {
            return Err(Error::Config {
                field: "n_channels",
                reason: format!("{} > 18: decay rates would round to 1", self.n_channels),
            });
        }
        if let Some(k) = self.sparse_top_k
            && (k == 0 || k > self.mlp_hidden)
        {
            return Err(Error::Config {
                field: "sparse_top_k",
                reason: format!("{k} is not in 1..={}", self.mlp_hidden),
            });
        }
        if !(self.rms_eps > 0.0 && self.rms_eps.is_finite()) {
            return Err(Error::Config {
                field: "rms_eps",
                reason: format!("{} is not a positive finite number", self.rms_eps),
            });
        }
        Ok(())
    }

    /// Width Dc = D / C of one channel.
    pub fn channel_width(&self) -> usize {
        self.d_model / self.n_channels
    }

    /// Whether the mixer ends with a learned projection (output projection or concat fusion).
    pub fn has_mixer_out_proj(&self) -> bool {
        self.output_proj || self.fusion == Fusion::ConcatProj
    }

    /// Slope rate γ_i = exp(−2^(−8(i+1)/C)) of channel `i`.
    pub fn slope_rate(&self, channel: usize) -> f64 {
        let beta = (-8.0 * (channel as f64 + 1.0) / self.n_channels as f64).exp2();
        (-beta).exp()
    }

    /// Decay rate α_i = 1 − 2^(−5−i) of channel `i`.
    pub fn decay_rate(&self, channel: usize) -> f64 {
        1.0 - (-5.0 - channel as f64).exp2()
    }

    /// Reads and validates a `config.json`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let cfg: Config = serde_json::from_str(&text).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Writes the config as pretty JSON.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = serde_json::to_string_pretty(self).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// A tiny configuration for tests: D 32, C 4, 2 layers, MLP 64.
    pub fn tiny(vocab_size: usize) -> Self {
        Self {
            d_model: 32,
            n_channels: 4,
            n_layers: 2,
            mlp_hidden: 64,
            vocab_size,
            projection: Projection::Full,
            fusion: Fusion::Sum,
            tie_embeddings: true,
            output_proj: false,
            sparse_top_k: None,
            chunk_size: 8,
            rms_eps: 1e-5,
        }
    }

    /// The 13.8M-parameter benchmark configuration of the issue: D 384, C 6, 6 layers, MLP 1024.
    pub fn bench_small(vocab_size: usize) -> Self {
        Self {
            d_model: 384,
            n_channels: 6,
            n_layers: 6,
            mlp_hidden: 1024,
            vocab_size,
            chunk_size: 64,
            ..Self::tiny(vocab_size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_defaults() {
        let cfg = Config::tiny(100);
        let text = serde_json::to_string(&cfg).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&text).unwrap(), cfg);
        let minimal = r#"{"d_model":64,"n_channels":4,"n_layers":1,"mlp_hidden":128,"vocab_size":10,"projection":"per_channel"}"#;
        let parsed: Config = serde_json::from_str(minimal).unwrap();
        assert_eq!(parsed.projection, Projection::PerChannel);
        assert!(parsed.tie_embeddings);
        assert_eq!(parsed.chunk_size, 64);
    }

    #[test]
    fn validate_refuses_bad_values() {
        let mut cfg = Config::tiny(10);
        cfg.n_channels = 5;
        assert!(matches!(
            cfg.validate(),
            Err(Error::Config {
                field: "n_channels",
                ..
            })
        ));
        let mut cfg = Config::tiny(10);
        cfg.sparse_top_k = Some(1000);
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn rates_follow_the_paper() {
        let cfg = Config::tiny(10);
        assert!((cfg.slope_rate(3) - (-1.0f64 / 256.0).exp()).abs() < 1e-15);
        assert!((cfg.decay_rate(0) - (1.0 - 1.0 / 32.0)).abs() < 1e-15);
    }
}
