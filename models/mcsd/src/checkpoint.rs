//! Checkpoint directories: `model.safetensors` + `config.json` + `tokenizer.json`, plus
//! `trainer_state.json` and `optimizer.safetensors` when written by the trainer (for an exact
//! resume).
//!
//! Loading checks everything before any weight is used: files present, config valid, tokenizer
//! and config vocabularies equal, the safetensors file intact, every expected key present with
//! its expected shape and no unexpected key. A refusal is an
//! [`Error::CheckpointMismatch`] carrying a [`CheckpointProblem`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use candle_core::{DType, Device, Shape, Tensor, Var};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder, VarMap};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::decoder::Trainable;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::tokenizer::Tokenizer;
use crate::transformer::{Transformer, TransformerConfig};

/// Weights file name.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// Model config file name.
pub const CONFIG_FILE: &str = "config.json";
/// Tokenizer file name.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// Trainer state file name (step, schedule, history, data order).
pub const TRAINER_STATE_FILE: &str = "trainer_state.json";
/// Optimizer moments file name.
pub const OPTIMIZER_FILE: &str = "optimizer.safetensors";

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointProblem {
    /// A required file is absent.
    #[error("missing file {0}")]
    MissingFile(&'static str),
    /// The safetensors file cannot be parsed (truncated or corrupt).
    #[error("corrupt weights: {0}")]
    Corrupt(String),
    /// The model expects a tensor the file lacks.
    #[error("missing tensor `{0}`")]
    MissingKey(String),
    /// The file has a tensor the model does not use.
    #[error("unexpected tensor `{0}`")]
    UnexpectedKey(String),
    /// A tensor has another shape than the config implies.
    #[error("tensor `{key}` has shape {found:?}, the config implies {expected:?}")]
    ShapeMismatch {
        /// Tensor name.
        key: String,
        /// Shape implied by config.json.
        expected: Vec<usize>,
        /// Shape in the file.
        found: Vec<usize>,
    },
    /// config.json and tokenizer.json disagree on the vocabulary.
    #[error("config.json has vocab_size {config}, tokenizer.json has {tokenizer} tokens")]
    VocabMismatch {
        /// vocab_size in config.json.
        config: usize,
        /// Tokens in tokenizer.json.
        tokenizer: usize,
    },
    /// The checkpoint holds another kind of model.
    #[error("checkpoint holds a {found} model, expected {expected}")]
    KindMismatch {
        /// Kind asked for.
        expected: ModelKind,
        /// Kind in trainer_state.json.
        found: ModelKind,
    },
    /// trainer_state.json disagrees with the other files.
    #[error("trainer state: {0}")]
    TrainerState(String),
    /// An adapter file's metadata is missing or invalid, or its config does not fit the base.
    #[error("adapter: {0}")]
    Adapter(String),
}

fn refuse(path: &Path, problem: CheckpointProblem) -> Error {
    Error::CheckpointMismatch {
        path: path.to_path_buf(),
        problem,
    }
}

/// Which architecture a checkpoint holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// [`Model`].
    Mcsd,
    /// [`Transformer`].
    Transformer,
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ModelKind::Mcsd => "mcsd",
            ModelKind::Transformer => "transformer",
        })
    }
}

/// A model architecture the trainer and checkpoints can build from its config.
pub trait Architecture: Trainable + Sized {
    /// config.json contents.
    type Config: Serialize + DeserializeOwned + Clone + std::fmt::Debug + PartialEq + Send;
    /// Kind recorded in trainer_state.json.
    const KIND: ModelKind;
    /// Builds the model; the VarBuilder keys are the checkpoint keys.
    ///
    /// # Errors
    /// Invalid config or tensor errors.
    fn build(cfg: &Self::Config, vb: VarBuilder) -> Result<Self>;
    /// Vocabulary size in the config.
    fn config_vocab_size(cfg: &Self::Config) -> usize;
    /// Sets the vocabulary size (from the tokenizer) in the config.
    fn set_config_vocab_size(cfg: &mut Self::Config, vocab_size: usize);
}

impl Architecture for Model {
    type Config = Config;
    const KIND: ModelKind = ModelKind::Mcsd;
    fn build(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        Model::new(cfg, vb)
    }
    fn config_vocab_size(cfg: &Config) -> usize {
        cfg.vocab_size
    }
    fn set_config_vocab_size(cfg: &mut Config, vocab_size: usize) {
        cfg.vocab_size = vocab_size;
    }
}

impl Architecture for Transformer {
    type Config = TransformerConfig;
    const KIND: ModelKind = ModelKind::Transformer;
    fn build(cfg: &TransformerConfig, vb: VarBuilder) -> Result<Self> {
        Transformer::new(cfg, vb)
    }
    fn config_vocab_size(cfg: &TransformerConfig) -> usize {
        cfg.vocab_size
    }
    fn set_config_vocab_size(cfg: &mut TransformerConfig, vocab_size: usize) {
        cfg.vocab_size = vocab_size;
    }
}

/// Fresh trainable weights drawn from a seeded RNG (candle's CPU RNG cannot be seeded), kept
/// in a [`VarMap`] for the optimizer and checkpointing.
pub struct SeededInit {
    varmap: VarMap,
    rng: Mutex<StdRng>,
}

impl SeededInit {
    /// An empty store whose initial values derive from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            varmap: VarMap::new(),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Builds `M` with freshly initialised, trainable weights.
    ///
    /// # Errors
    /// As [`Architecture::build`].
    pub fn build<M: Architecture>(
        seed: u64,
        cfg: &M::Config,
        device: &Device,
    ) -> Result<(M, VarMap)> {
        let store = Self::new(seed);
        let varmap = store.varmap.clone();
        let vb = VarBuilder::from_backend(Box::new(store), DType::F32, device.clone());
        let model = M::build(cfg, vb)?;
        Ok((model, varmap))
    }

    fn sample(&self, shape: &Shape, init: Init) -> Vec<f32> {
        let n = shape.elem_count();
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        match init {
            Init::Const(c) => vec![c as f32; n],
            Init::Randn { mean, stdev } => (0..n).map(|_| normal(&mut rng, mean, stdev)).collect(),
            Init::Uniform { lo, up } => (0..n).map(|_| rng.random_range(lo..up) as f32).collect(),
            Init::Kaiming {
                dist,
                fan,
                non_linearity,
            } => {
                let std = non_linearity.gain() / (fan.for_shape(shape) as f64).sqrt();
                match dist {
                    candle_nn::init::NormalOrUniform::Normal => {
                        (0..n).map(|_| normal(&mut rng, 0.0, std)).collect()
                    }
                    candle_nn::init::NormalOrUniform::Uniform => {
                        let bound = 3f64.sqrt() * std;
                        (0..n)
                            .map(|_| rng.random_range(-bound..bound) as f32)
                            .collect()
                    }
                }
            }
        }
    }
}

/// One normal draw by Box-Muller (rand 0.9 has no normal distribution without rand_distr).
fn normal(rng: &mut StdRng, mean: f64, std: f64) -> f32 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (mean + std * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

impl SimpleBackend for SeededInit {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        init: Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        let mut data = self.varmap.data().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(var) = data.get(name) {
            if var.shape() != &shape {
                candle_core::bail!("shape mismatch on {name}: {shape:?} <> {:?}", var.shape());
            }
            return Ok(var.as_tensor().clone());
        }
        let values = self.sample(&shape, init);
        let tensor = Tensor::from_vec(values, shape, dev)?.to_dtype(dtype)?;
        let var = Var::from_tensor(&tensor)?;
        let out = var.as_tensor().clone();
        data.insert(name.to_string(), var);
        Ok(out)
    }

    fn get_unchecked(
        &self,
        name: &str,
        _dtype: DType,
        _dev: &Device,
    ) -> candle_core::Result<Tensor> {
        let data = self.varmap.data().lock().unwrap_or_else(|p| p.into_inner());
        match data.get(name) {
            Some(var) => Ok(var.as_tensor().clone()),
            None => candle_core::bail!("no tensor {name} (seeded init needs a shape)"),
        }
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.varmap
            .data()
            .lock()
            .map(|d| d.contains_key(name))
            .unwrap_or(false)
    }
}

/// Serves loaded tensors to a model builder, recording the first mismatch as a typed problem
/// and which keys were used.
struct CheckedTensors {
    tensors: HashMap<String, Tensor>,
    used: Mutex<Vec<String>>,
    problem: Mutex<Option<CheckpointProblem>>,
}

impl CheckedTensors {
    fn record(&self, problem: CheckpointProblem) -> candle_core::Error {
        let text = problem.to_string();
        let mut slot = self.problem.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(problem);
        candle_core::Error::Msg(text)
    }
}

impl SimpleBackend for CheckedTensors {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        _init: Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        let tensor = self.get_unchecked(name, dtype, dev)?;
        if tensor.shape() != &shape {
            return Err(self.record(CheckpointProblem::ShapeMismatch {
                key: name.to_string(),
                expected: shape.dims().to_vec(),
                found: tensor.dims().to_vec(),
            }));
        }
        Ok(tensor)
    }

    fn get_unchecked(&self, name: &str, dtype: DType, dev: &Device) -> candle_core::Result<Tensor> {
        let Some(tensor) = self.tensors.get(name) else {
            return Err(self.record(CheckpointProblem::MissingKey(name.to_string())));
        };
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(name.to_string());
        // Detached copies: inference must not record a graph (it leaks per token).
        tensor
            .to_device(dev)?
            .to_dtype(dtype)?
            .detach()
            .contiguous()
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }
}

fn require_file(dir: &Path, name: &'static str) -> Result<PathBuf> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(refuse(dir, CheckpointProblem::MissingFile(name)))
    }
}

/// Reads a safetensors file, mapping parse failures to [`CheckpointProblem::Corrupt`].
///
/// # Errors
/// [`Error::CheckpointMismatch`] when the file is missing or corrupt.
pub fn read_safetensors(path: &Path, device: &Device) -> Result<HashMap<String, Tensor>> {
    if !path.is_file() {
        return Err(refuse(
            path,
            CheckpointProblem::Corrupt("file does not exist".into()),
        ));
    }
    candle_core::safetensors::load(path, device)
        .map_err(|e| refuse(path, CheckpointProblem::Corrupt(e.to_string())))
}

/// Reads a JSON file.
///
/// # Errors
/// [`Error::Io`] or [`Error::Json`].
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a JSON file atomically (temporary file, then rename).
///
/// # Errors
/// [`Error::Io`] or [`Error::Json`].
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    write_atomic(path, |tmp| {
        std::fs::write(tmp, &text).map_err(|source| Error::Io {
            path: tmp.to_path_buf(),
            source,
        })
    })
}

/// Runs `write` on a temporary sibling of `path`, then renames it into place, so a crash never
/// leaves a half-written file under the real name.
///
/// # Errors
/// What `write` returns, or [`Error::Io`] for the rename.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    write(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes tensors as safetensors atomically.
///
/// # Errors
/// [`Error::Candle`] or [`Error::Io`].
pub fn write_safetensors(path: &Path, tensors: &BTreeMap<String, Tensor>) -> Result<()> {
    let tensors: HashMap<&str, Tensor> = tensors
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    write_atomic(path, |tmp| {
        candle_core::safetensors::save(&tensors, tmp)?;
        Ok(())
    })
}

/// Current values of a VarMap, by name.
pub fn varmap_tensors(varmap: &VarMap) -> BTreeMap<String, Tensor> {
    let data = varmap.data().lock().unwrap_or_else(|p| p.into_inner());
    data.iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().detach()))
        .collect()
}

/// Writes model.safetensors, config.json and tokenizer.json into `dir` (created if needed).
///
/// # Errors
/// [`Error::Io`], [`Error::Json`], [`Error::Tokenizer`] or [`Error::Candle`].
pub fn save_model<M: Architecture>(
    dir: &Path,
    cfg: &M::Config,
    weights: &BTreeMap<String, Tensor>,
    tokenizer: &Tokenizer,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    write_safetensors(&dir.join(WEIGHTS_FILE), weights)?;
    write_json(&dir.join(CONFIG_FILE), cfg)?;
    let tok_path = dir.join(TOKENIZER_FILE);
    write_atomic(&tok_path, |tmp| tokenizer.save(tmp))
}

/// Reads and cross-checks config.json and tokenizer.json of a checkpoint.
///
/// # Errors
/// [`Error::CheckpointMismatch`] (missing file, vocabulary mismatch), [`Error::Json`],
/// [`Error::Tokenizer`].
pub fn load_config_and_tokenizer<M: Architecture>(dir: &Path) -> Result<(M::Config, Tokenizer)> {
    let cfg_path = require_file(dir, CONFIG_FILE)?;
    let tok_path = require_file(dir, TOKENIZER_FILE)?;
    let cfg: M::Config = read_json(&cfg_path)?;
    let tokenizer = Tokenizer::load(&tok_path)?;
    let config_vocab = M::config_vocab_size(&cfg);
    if config_vocab != tokenizer.vocab_size() {
        return Err(refuse(
            dir,
            CheckpointProblem::VocabMismatch {
                config: config_vocab,
                tokenizer: tokenizer.vocab_size(),
            },
        ));
    }
    Ok((cfg, tokenizer))
}

/// Builds `M` from checked tensors, refusing missing, misshapen or unexpected ones.
///
/// # Errors
/// [`Error::CheckpointMismatch`] or the builder's error.
pub fn build_checked<M: Architecture>(
    path: &Path,
    cfg: &M::Config,
    tensors: HashMap<String, Tensor>,
    device: &Device,
) -> Result<M> {
    let backend = std::sync::Arc::new(CheckedTensors {
        tensors,
        used: Mutex::new(Vec::new()),
        problem: Mutex::new(None),
    });
    let vb = VarBuilder::from_backend(
        Box::new(ArcBackend(backend.clone())),
        DType::F32,
        device.clone(),
    );
    let built = M::build(cfg, vb);
    if let Some(problem) = backend
        .problem
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        return Err(refuse(path, problem));
    }
    let model = built?;
    let used = backend.used.lock().unwrap_or_else(|p| p.into_inner());
    let mut unused: Vec<&String> = backend
        .tensors
        .keys()
        .filter(|k| !used.contains(k))
        .collect();
    unused.sort();
    if let Some(key) = unused.first() {
        return Err(refuse(
            path,
            CheckpointProblem::UnexpectedKey((*key).clone()),
        ));
    }
    Ok(model)
}

struct ArcBackend(std::sync::Arc<CheckedTensors>);

impl SimpleBackend for ArcBackend {
    fn get(
        &self,
        s: Shape,
        name: &str,
        h: Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        self.0.get(s, name, h, dtype, dev)
    }
    fn get_unchecked(&self, name: &str, dtype: DType, dev: &Device) -> candle_core::Result<Tensor> {
        self.0.get_unchecked(name, dtype, dev)
    }
    fn contains_tensor(&self, name: &str) -> bool {
        self.0.contains_tensor(name)
    }
}

/// Which architecture a checkpoint directory holds: from trainer_state.json when present,
/// else from config.json's fields (`n_channels`: MCSD, `n_heads`: Transformer).
///
/// # Errors
/// [`Error::CheckpointMismatch`] when config.json is missing or matches neither;
/// [`Error::Io`] or [`Error::Json`].
pub fn detect_kind(dir: &Path) -> Result<ModelKind> {
    #[derive(Deserialize)]
    struct KindOnly {
        model_kind: ModelKind,
    }
    let state_path = dir.join(TRAINER_STATE_FILE);
    if state_path.is_file() {
        return Ok(read_json::<KindOnly>(&state_path)?.model_kind);
    }
    let cfg_path = require_file(dir, CONFIG_FILE)?;
    let value: serde_json::Value = read_json(&cfg_path)?;
    if value.get("n_channels").is_some() {
        Ok(ModelKind::Mcsd)
    } else if value.get("n_heads").is_some() {
        Ok(ModelKind::Transformer)
    } else {
        Err(refuse(
            &cfg_path,
            CheckpointProblem::Corrupt("config.json has neither n_channels nor n_heads".into()),
        ))
    }
}

/// A model loaded for inference with its config and tokenizer.
pub struct LoadedModel<M: Architecture> {
    /// The model (weights detached from any training graph).
    pub model: M,
    /// config.json.
    pub config: M::Config,
    /// tokenizer.json.
    pub tokenizer: Tokenizer,
}

/// Loads a checkpoint directory for inference, refusing anything that does not match.
///
/// # Errors
/// [`Error::CheckpointMismatch`] with the problem, or I/O, JSON and tokenizer errors.
pub fn load_model<M: Architecture>(dir: &Path, device: &Device) -> Result<LoadedModel<M>> {
    let (config, tokenizer) = load_config_and_tokenizer::<M>(dir)?;
    let weights_path = require_file(dir, WEIGHTS_FILE)?;
    let tensors = read_safetensors(&weights_path, device)?;
    let model = build_checked::<M>(&weights_path, &config, tensors, device)?;
    Ok(LoadedModel {
        model,
        config,
        tokenizer,
    })
}

/// Copies `tensors` into the trainable `varmap`, refusing missing, unexpected or misshapen
/// tensors before changing anything.
///
/// # Errors
/// [`Error::CheckpointMismatch`] or tensor errors.
pub fn restore_varmap(
    path: &Path,
    varmap: &VarMap,
    tensors: &HashMap<String, Tensor>,
) -> Result<()> {
    let data = varmap.data().lock().unwrap_or_else(|p| p.into_inner());
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    for name in &names {
        let var = &data[*name];
        let Some(tensor) = tensors.get(*name) else {
            return Err(refuse(path, CheckpointProblem::MissingKey((*name).clone())));
        };
        if tensor.dims() != var.dims() {
            return Err(refuse(
                path,
                CheckpointProblem::ShapeMismatch {
                    key: (*name).clone(),
                    expected: var.dims().to_vec(),
                    found: tensor.dims().to_vec(),
                },
            ));
        }
    }
    let mut extra: Vec<&String> = tensors.keys().filter(|k| !data.contains_key(*k)).collect();
    extra.sort();
    if let Some(key) = extra.first() {
        return Err(refuse(
            path,
            CheckpointProblem::UnexpectedKey((*key).clone()),
        ));
    }
    for name in names {
        data[name].set(&tensors[name].to_dtype(data[name].dtype())?)?;
    }
    Ok(())
}
