//! Adapter files: one safetensors file, the factors as tensors and the config in the header
//! metadata (layout in the parent module's doc).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use candle_core::{DType, Device, Tensor};

use super::{
    ADAPTER_FORMAT, ADAPTER_FORMAT_VERSION, Adapter, Factors, LoraConfig, SUFFIX_A, SUFFIX_B,
    matching_2d,
};
use crate::checkpoint::{self, CheckpointProblem};
use crate::error::{Error, Result};

impl Adapter {
    /// Writes the adapter as one safetensors file (layout in the module doc), atomically.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::Json`]; tensor errors.
    pub fn save(&self, path: &Path) -> Result<()> {
        let config = serde_json::to_string(&self.config).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })?;
        let metadata = HashMap::from([
            ("format".to_string(), ADAPTER_FORMAT.to_string()),
            (
                "format_version".to_string(),
                ADAPTER_FORMAT_VERSION.to_string(),
            ),
            ("lora_config".to_string(), config),
        ]);
        let mut views = Vec::with_capacity(2 * self.factors.len());
        for (name, f) in &self.factors {
            views.push((format!("{name}{SUFFIX_A}"), F32View::of(&f.a)?));
            views.push((format!("{name}{SUFFIX_B}"), F32View::of(&f.b)?));
        }
        let bytes = safetensors::serialize(views.iter().map(|(k, v)| (k, v)), Some(metadata))
            .map_err(|e| Error::Checkpoint {
                path: path.to_path_buf(),
                reason: format!("serialising the adapter: {e}"),
            })?;
        checkpoint::write_atomic(path, |tmp| {
            std::fs::write(tmp, &bytes).map_err(|source| Error::Io {
                path: tmp.to_path_buf(),
                source,
            })
        })
    }

    /// Reads an adapter written by [`Adapter::save`] for the base weights `base` (only names
    /// and shapes are used), refusing anything that does not fit: unreadable or corrupt file,
    /// wrong format or config, a tensor the config does not call for, a missing one, a wrong
    /// shape or rank, a non-f32 or non-finite value.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise [`Error::CheckpointMismatch`] with
    /// [`CheckpointProblem::Corrupt`], [`CheckpointProblem::Adapter`],
    /// [`CheckpointProblem::UnexpectedKey`], [`CheckpointProblem::MissingKey`] or
    /// [`CheckpointProblem::ShapeMismatch`].
    pub fn load(path: &Path, base: &HashMap<String, Tensor>, device: &Device) -> Result<Self> {
        let refuse = |problem| Error::CheckpointMismatch {
            path: path.to_path_buf(),
            problem,
        };
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let (_, header) = safetensors::SafeTensors::read_metadata(&bytes)
            .map_err(|e| refuse(CheckpointProblem::Corrupt(e.to_string())))?;
        let config = read_config(header.metadata().as_ref())
            .map_err(|reason| refuse(CheckpointProblem::Adapter(reason)))?;
        let file = safetensors::SafeTensors::deserialize(&bytes)
            .map_err(|e| refuse(CheckpointProblem::Corrupt(e.to_string())))?;
        let expected = matching_2d(&config, base);
        if expected.is_empty() {
            return Err(refuse(CheckpointProblem::Adapter(format!(
                "targets {:?} match no 2-D weight of the base",
                config.targets
            ))));
        }
        let mut keys: Vec<&str> = file.names();
        keys.sort_unstable();
        for key in &keys {
            let name = key
                .strip_suffix(SUFFIX_A)
                .or_else(|| key.strip_suffix(SUFFIX_B));
            if !name.is_some_and(|n| expected.iter().any(|(e, _)| e == n)) {
                return Err(refuse(CheckpointProblem::UnexpectedKey((*key).to_string())));
            }
        }
        let r = config.rank;
        let mut factors = BTreeMap::new();
        for (name, (rows, cols)) in expected {
            let a = read_f32(&file, &format!("{name}{SUFFIX_A}"), &[r, cols], device)
                .map_err(refuse)?;
            let b = read_f32(&file, &format!("{name}{SUFFIX_B}"), &[rows, r], device)
                .map_err(refuse)?;
            factors.insert(name, Factors { a, b });
        }
        Ok(Self { config, factors })
    }
}

/// The LoraConfig of an adapter file's metadata, or why it is refused.
fn read_config(
    metadata: Option<&HashMap<String, String>>,
) -> std::result::Result<LoraConfig, String> {
    let metadata = metadata.ok_or("no metadata: not an adapter file")?;
    let entry = |key: &str| {
        metadata
            .get(key)
            .ok_or_else(|| format!("metadata lacks `{key}`"))
    };
    let format = entry("format")?;
    if format != ADAPTER_FORMAT {
        return Err(format!("format {format:?}, expected {ADAPTER_FORMAT:?}"));
    }
    let version = entry("format_version")?;
    if version != ADAPTER_FORMAT_VERSION {
        return Err(format!(
            "format version {version:?}, expected {ADAPTER_FORMAT_VERSION:?}"
        ));
    }
    let config: LoraConfig =
        serde_json::from_str(entry("lora_config")?).map_err(|e| format!("lora_config: {e}"))?;
    config.validate().map_err(|e| format!("lora_config: {e}"))?;
    Ok(config)
}

/// Tensor `key` of `file` as f32 of shape `shape`, finite.
fn read_f32(
    file: &safetensors::SafeTensors<'_>,
    key: &str,
    shape: &[usize],
    device: &Device,
) -> std::result::Result<Tensor, CheckpointProblem> {
    let view = file
        .tensor(key)
        .map_err(|_| CheckpointProblem::MissingKey(key.to_string()))?;
    if view.shape() != shape {
        return Err(CheckpointProblem::ShapeMismatch {
            key: key.to_string(),
            expected: shape.to_vec(),
            found: view.shape().to_vec(),
        });
    }
    if view.dtype() != safetensors::Dtype::F32 {
        return Err(CheckpointProblem::Corrupt(format!(
            "`{key}` is {:?}, expected F32",
            view.dtype()
        )));
    }
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if values.iter().any(|v| !v.is_finite()) {
        return Err(CheckpointProblem::Corrupt(format!(
            "`{key}` holds a non-finite value"
        )));
    }
    Tensor::from_vec(values, shape, device)
        .map_err(|e| CheckpointProblem::Corrupt(format!("`{key}`: {e}")))
}

/// An f32 tensor's little-endian bytes, for the safetensors writer.
struct F32View {
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl F32View {
    fn of(t: &Tensor) -> Result<Self> {
        let values = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        Ok(Self {
            shape: t.dims().to_vec(),
            bytes: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        })
    }
}

impl safetensors::View for &F32View {
    fn dtype(&self) -> safetensors::Dtype {
        safetensors::Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}
