//! CTranslate2 Whisper (`model.bin` + `vocabulary.txt`) to a whisper.cpp ggml file.
//!
//! Name and layout mapping (CTranslate2 → whisper.cpp, per block `N`):
//! - `encoder/layer_N/self_attention/linear_0` is a fused QKV projection (rows: query, key, value)
//!   → `encoder.blocks.N.attn.{query,key,value}`; `linear_1` → `attn.out`; the decoder's
//!   `self_attention` is the same.
//! - decoder `attention/linear_0` (query), `linear_1` (key and value fused), `linear_2` (output)
//!   → `decoder.blocks.N.cross_attn.{query,key,value,out}`.
//! - `ffn/linear_0|1` → `mlp.0|2`; layer norms `gamma|beta` → `weight|bias` (`self_attention` →
//!   `attn_ln`, `attention` → `cross_attn_ln`, `ffn` → `mlp_ln`).
//! - `{encoder,decoder}/position_encodings/encodings` → `positional_embedding`;
//!   `decoder/embeddings/weight` → `token_embedding.weight`; `encoder/layer_norm` → `ln_post`;
//!   `decoder/layer_norm` → `ln`; `decoder/projection` is tied to the embedding (not written).
//! - whisper.cpp has no key bias: a bias added to every key shifts all attention scores of a query
//!   by the same amount, which softmax cancels, so dropping it changes nothing.
//! - Types: matrices (the token embedding included) in the chosen [`Quantisation`] (f16 as
//!   converted, or ggml blocks); conv kernels f16; 1-D tensors, conv biases (as `n x 1`) and both
//!   positional embeddings f32.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::io::Write;

use half::f16;

use crate::ct2::{Ct2Dtype, Ct2Model, Ct2Variable};
use crate::error::ProvisionError;
use crate::ggml::{GgmlType, GgmlWriter, Hparams};
use crate::mel::MelFilters;
use crate::quantise::Quantisation;
use crate::vocab;

/// Spec name of CTranslate2 Whisper models.
const WHISPER_SPEC: &str = "WhisperSpec";

/// Scalar configuration variables of CTranslate2's Whisper spec with the value whisper.cpp's
/// architecture implies (`None`: any value; read elsewhere or irrelevant to inference).
const CONFIG_SCALARS: &[(&str, Option<i64>)] = &[
    ("encoder/num_heads", None),
    ("decoder/num_heads", None),
    // GELU (CTranslate2's `Activation::GELU`).
    ("decoder/activation", Some(3)),
    ("decoder/alibi", Some(0)),
    ("decoder/pre_norm", Some(1)),
    ("decoder/scale_embeddings", Some(0)),
    ("decoder/start_from_zero_embedding", Some(0)),
    // Cross-attention heads for word timestamps; whisper.cpp uses its own presets.
    ("decoder/alignment_heads", None),
    ("decoder/alignment_layer", None),
];

/// What a conversion produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionSummary {
    /// The hyper-parameters written.
    pub hparams: Hparams,
    /// Tensors written.
    pub tensor_count: usize,
    /// Ordinary vocabulary tokens written.
    pub token_count: usize,
}

/// A tensor ready for the ggml file.
struct OutTensor<'a> {
    name: String,
    ty: GgmlType,
    /// Outermost first.
    shape: Vec<usize>,
    data: Cow<'a, [u8]>,
}

/// Converts a parsed CTranslate2 Whisper model and its vocabulary to a ggml file written to `out`,
/// weight matrices stored as `storage`. `on_tensor(done, total)` is called after each tensor
/// written.
///
/// # Errors
/// [`ProvisionError::InvalidModel`] when the model is not a Whisper model,
/// [`ProvisionError::UnknownTensor`] for a variable without a whisper.cpp counterpart,
/// [`ProvisionError::BadTensor`] for a missing or misshapen tensor,
/// [`ProvisionError::BadVocabulary`] for a vocabulary that does not fit the model, and
/// [`ProvisionError::Io`] (path `output`) when writing fails.
pub fn convert<W: Write>(
    model: &Ct2Model<'_>,
    vocabulary_txt: &str,
    storage: Quantisation,
    output: (&std::path::Path, W),
    mut on_tensor: impl FnMut(usize, usize),
) -> Result<(ConversionSummary, W), ProvisionError> {
    if model.spec != WHISPER_SPEC {
        return Err(ProvisionError::InvalidModel {
            reason: format!("spec is {:?}, expected {WHISPER_SPEC:?}", model.spec),
        });
    }
    let hparams = hparams(model, storage)?;
    let tokens = vocab::ordinary_tokens(vocabulary_txt)?;
    let line_count = vocab::line_count(vocabulary_txt);
    if i32::try_from(line_count).ok() != Some(hparams.n_vocab) {
        return Err(ProvisionError::BadVocabulary {
            line: line_count,
            reason: format!(
                "{line_count} tokens, but the embedding has {} rows",
                hparams.n_vocab
            ),
        });
    }
    let tensors = map_tensors(model, &hparams, storage)?;
    let mel = MelFilters::slaney(dim(hparams.n_mels));

    let (path, writer) = output;
    let write_error = ProvisionError::io("write", path);
    let mut ggml = GgmlWriter::new(writer);
    let result = (|| {
        ggml.header(&hparams, (mel.n_mels, mel.n_freqs, &mel.weights), &tokens)?;
        for (index, tensor) in tensors.iter().enumerate() {
            ggml.tensor(&tensor.name, tensor.ty, &tensor.shape, &tensor.data)?;
            on_tensor(index + 1, tensors.len());
        }
        ggml.finish()
    })();
    let writer = result.map_err(write_error)?;
    Ok((
        ConversionSummary {
            hparams,
            tensor_count: tensors.len(),
            token_count: tokens.len(),
        },
        writer,
    ))
}

/// A positive i32 hyper-parameter as a size (hparams are validated positive when derived).
fn dim(value: i32) -> usize {
    usize::try_from(value).unwrap_or(0)
}

fn required<'m, 'a>(
    model: &'m Ct2Model<'a>,
    name: &str,
) -> Result<&'m Ct2Variable<'a>, ProvisionError> {
    model
        .variable(name)
        .ok_or_else(|| ProvisionError::BadTensor {
            name: name.to_owned(),
            reason: "missing".to_owned(),
        })
}

fn shape_of(model: &Ct2Model<'_>, name: &str, rank: usize) -> Result<Vec<usize>, ProvisionError> {
    let variable = required(model, name)?;
    if variable.shape.len() != rank {
        return Err(ProvisionError::BadTensor {
            name: name.to_owned(),
            reason: format!(
                "rank {} (shape {:?}), expected {rank}",
                variable.shape.len(),
                variable.shape
            ),
        });
    }
    Ok(variable.shape.clone())
}

fn as_i32(name: &str, value: usize) -> Result<i32, ProvisionError> {
    i32::try_from(value)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| ProvisionError::BadTensor {
            name: name.to_owned(),
            reason: format!("size {value} is not a positive i32"),
        })
}

fn int_scalar(model: &Ct2Model<'_>, name: &str) -> Result<i64, ProvisionError> {
    required(model, name)?
        .as_int_scalar()
        .ok_or_else(|| ProvisionError::BadTensor {
            name: name.to_owned(),
            reason: "not an integer scalar".to_owned(),
        })
}

/// Number of `<side>/layer_N` blocks (N consecutive from 0).
fn layer_count(model: &Ct2Model<'_>, side: &str) -> Result<usize, ProvisionError> {
    let prefix = format!("{side}/layer_");
    let indices: BTreeSet<usize> = model
        .variables
        .iter()
        .filter_map(|v| v.name.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next())
        .filter_map(|index| index.parse().ok())
        .collect();
    let count = indices.len();
    if count == 0 || indices.iter().copied().ne(0..count) {
        return Err(ProvisionError::InvalidModel {
            reason: format!("{side} blocks are not numbered 0..N: {indices:?}"),
        });
    }
    Ok(count)
}

/// Derives whisper.cpp's hyper-parameters from the tensors' shapes and the head-count scalars.
fn hparams(model: &Ct2Model<'_>, storage: Quantisation) -> Result<Hparams, ProvisionError> {
    const ENCODER_POSITIONS: &str = "encoder/position_encodings/encodings";
    const DECODER_POSITIONS: &str = "decoder/position_encodings/encodings";
    const EMBEDDING: &str = "decoder/embeddings/weight";
    const CONV1: &str = "encoder/conv1/weight";
    let encoder_positions = shape_of(model, ENCODER_POSITIONS, 2)?;
    let decoder_positions = shape_of(model, DECODER_POSITIONS, 2)?;
    let embedding = shape_of(model, EMBEDDING, 2)?;
    let conv1 = shape_of(model, CONV1, 3)?;
    let head_count = |name: &str| {
        let heads = int_scalar(model, name)?;
        i32::try_from(heads)
            .ok()
            .filter(|&h| h > 0)
            .ok_or_else(|| ProvisionError::BadTensor {
                name: name.to_owned(),
                reason: format!("{heads} heads"),
            })
    };
    let hparams = Hparams {
        n_vocab: as_i32(EMBEDDING, embedding[0])?,
        n_audio_ctx: as_i32(ENCODER_POSITIONS, encoder_positions[0])?,
        n_audio_state: as_i32(ENCODER_POSITIONS, encoder_positions[1])?,
        n_audio_head: head_count("encoder/num_heads")?,
        n_audio_layer: as_i32("encoder/layer_*", layer_count(model, "encoder")?)?,
        n_text_ctx: as_i32(DECODER_POSITIONS, decoder_positions[0])?,
        n_text_state: as_i32(DECODER_POSITIONS, decoder_positions[1])?,
        n_text_head: head_count("decoder/num_heads")?,
        n_text_layer: as_i32("decoder/layer_*", layer_count(model, "decoder")?)?,
        n_mels: as_i32(CONV1, conv1[1])?,
        ftype: storage.ftype(),
    };
    if embedding[1] != decoder_positions[1] {
        return Err(ProvisionError::BadTensor {
            name: EMBEDDING.to_owned(),
            reason: format!(
                "width {} differs from the decoder's {}",
                embedding[1], decoder_positions[1]
            ),
        });
    }
    Ok(hparams)
}

/// The payload of `variable` as f16 little-endian bytes.
fn to_f16<'a>(variable: &Ct2Variable<'a>) -> Result<Cow<'a, [u8]>, ProvisionError> {
    match variable.dtype {
        Ct2Dtype::F16 => Ok(Cow::Borrowed(variable.data)),
        Ct2Dtype::F32 => Ok(Cow::Owned(
            variable
                .data
                .chunks_exact(4)
                .flat_map(|b| {
                    f16::from_f32(f32::from_le_bytes([b[0], b[1], b[2], b[3]])).to_le_bytes()
                })
                .collect(),
        )),
        other => Err(unsupported_dtype(variable, other)),
    }
}

/// The payload of `variable` as f32 little-endian bytes.
fn to_f32<'a>(variable: &Ct2Variable<'a>) -> Result<Cow<'a, [u8]>, ProvisionError> {
    match variable.dtype {
        Ct2Dtype::F32 => Ok(Cow::Borrowed(variable.data)),
        Ct2Dtype::F16 => Ok(Cow::Owned(
            variable
                .data
                .chunks_exact(2)
                .flat_map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32().to_le_bytes())
                .collect(),
        )),
        other => Err(unsupported_dtype(variable, other)),
    }
}

fn unsupported_dtype(variable: &Ct2Variable<'_>, dtype: Ct2Dtype) -> ProvisionError {
    ProvisionError::BadTensor {
        name: variable.name.clone(),
        reason: format!(
            "dtype {dtype:?} is not supported (only float16 and float32 models convert)"
        ),
    }
}

/// Builds the output tensors, checking every CTranslate2 variable is used exactly as expected.
struct Mapper<'m, 'a> {
    model: &'m Ct2Model<'a>,
    /// Storage of the weight matrices.
    storage: Quantisation,
    used: HashSet<&'m str>,
    out: Vec<OutTensor<'m>>,
}

impl<'m, 'a> Mapper<'m, 'a> {
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<&'m Ct2Variable<'a>, ProvisionError> {
        let variable = required(self.model, name)?;
        if variable.shape != shape {
            return Err(ProvisionError::BadTensor {
                name: name.to_owned(),
                reason: format!("shape {:?}, expected {shape:?}", variable.shape),
            });
        }
        self.used.insert(variable.name.as_str());
        Ok(variable)
    }

    /// A matrix `[rows, cols]` of f16 bytes in the chosen storage.
    fn matrix<'d>(
        &self,
        name: &str,
        cols: usize,
        f16_bytes: Cow<'d, [u8]>,
    ) -> Result<(GgmlType, Cow<'d, [u8]>), ProvisionError> {
        if self.storage == Quantisation::F16 {
            return Ok((GgmlType::F16, f16_bytes));
        }
        let values: Vec<f32> = f16_bytes
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect();
        let ty = self.storage.matrix_type();
        match self.storage.encode(&values) {
            Some(bytes) if cols.is_multiple_of(ty.block_elements()) => Ok((ty, Cow::Owned(bytes))),
            _ => Err(ProvisionError::BadTensor {
                name: name.to_owned(),
                reason: format!(
                    "rows of {cols} values cannot be stored as {} (blocks of {})",
                    self.storage,
                    ty.block_elements()
                ),
            }),
        }
    }

    /// A matrix (in the chosen storage), a conv kernel (f16) or a vector (f32).
    fn plain(&mut self, from: &str, to: &str, shape: &[usize]) -> Result<(), ProvisionError> {
        let variable = self.take(from, shape)?;
        let (ty, data) = match shape {
            [_] => (GgmlType::F32, to_f32(variable)?),
            [_, cols] => self.matrix(to, *cols, to_f16(variable)?)?,
            _ => (GgmlType::F16, to_f16(variable)?),
        };
        self.out.push(OutTensor {
            name: to.to_owned(),
            ty,
            shape: shape.to_vec(),
            data,
        });
        Ok(())
    }

    /// A linear layer: `weight [rows, cols]` f16 and `bias [rows]` f32.
    fn linear(
        &mut self,
        from: &str,
        to: &str,
        rows: usize,
        cols: usize,
    ) -> Result<(), ProvisionError> {
        self.plain(
            &format!("{from}/weight"),
            &format!("{to}.weight"),
            &[rows, cols],
        )?;
        self.plain(&format!("{from}/bias"), &format!("{to}.bias"), &[rows])
    }

    fn layer_norm(&mut self, from: &str, to: &str, width: usize) -> Result<(), ProvisionError> {
        self.plain(&format!("{from}/gamma"), &format!("{to}.weight"), &[width])?;
        self.plain(&format!("{from}/beta"), &format!("{to}.bias"), &[width])
    }

    /// A fused projection whose weight rows stack `targets` (each `width` rows); a `None` bias
    /// name drops that part of the bias (whisper.cpp's keys have none).
    fn split(
        &mut self,
        from: &str,
        targets: &[(&str, Option<&str>)],
        width: usize,
    ) -> Result<(), ProvisionError> {
        let parts = targets.len();
        let weight = self.take(&format!("{from}/weight"), &[parts * width, width])?;
        let bias = self.take(&format!("{from}/bias"), &[parts * width])?;
        let weight = to_f16(weight)?;
        let bias = to_f32(bias)?;
        let (weight_part, bias_part) = (width * width * 2, width * 4);
        for (index, &(weight_name, bias_name)) in targets.iter().enumerate() {
            let part = &weight[index * weight_part..(index + 1) * weight_part];
            let (ty, data) = self.matrix(weight_name, width, Cow::Borrowed(part))?;
            self.out.push(OutTensor {
                name: weight_name.to_owned(),
                ty,
                shape: vec![width, width],
                data: Cow::Owned(data.into_owned()),
            });
            if let Some(bias_name) = bias_name {
                self.out.push(OutTensor {
                    name: bias_name.to_owned(),
                    ty: GgmlType::F32,
                    shape: vec![width],
                    data: Cow::Owned(bias[index * bias_part..(index + 1) * bias_part].to_vec()),
                });
            }
        }
        Ok(())
    }

    fn f32_matrix(&mut self, from: &str, to: &str, shape: &[usize]) -> Result<(), ProvisionError> {
        let variable = self.take(from, shape)?;
        self.out.push(OutTensor {
            name: to.to_owned(),
            ty: GgmlType::F32,
            shape: shape.to_vec(),
            data: to_f32(variable)?,
        });
        Ok(())
    }

    fn conv(&mut self, from: &str, to: &str, shape: [usize; 3]) -> Result<(), ProvisionError> {
        self.plain(&format!("{from}/weight"), &format!("{to}.weight"), &shape)?;
        let bias = self.take(&format!("{from}/bias"), &[shape[0]])?;
        // whisper.cpp adds the conv bias as an `n x 1` tensor broadcast over time.
        self.out.push(OutTensor {
            name: format!("{to}.bias"),
            ty: GgmlType::F32,
            shape: vec![shape[0], 1],
            data: to_f32(bias)?,
        });
        Ok(())
    }

    /// Every variable not used must be a known configuration scalar (with an expected value).
    fn check_all_used(&self) -> Result<(), ProvisionError> {
        for variable in &self.model.variables {
            if self.used.contains(variable.name.as_str()) {
                continue;
            }
            let Some(&(_, expected)) = CONFIG_SCALARS
                .iter()
                .find(|(name, _)| *name == variable.name)
            else {
                return Err(ProvisionError::UnknownTensor {
                    name: variable.name.clone(),
                });
            };
            if let Some(expected) = expected {
                let actual = variable.as_int_scalar();
                if actual != Some(expected) {
                    return Err(ProvisionError::BadTensor {
                        name: variable.name.clone(),
                        reason: format!(
                            "value {actual:?}, whisper.cpp's architecture needs {expected}"
                        ),
                    });
                }
            }
        }
        // The output projection must be tied to the embedding (whisper.cpp reuses it).
        if let Some(projection) = self.model.variable("decoder/projection/weight")
            && projection.name != "decoder/embeddings/weight"
        {
            return Err(ProvisionError::UnknownTensor {
                name: projection.name.clone(),
            });
        }
        for (alias, _) in &self.model.aliases {
            if alias != "decoder/projection/weight" {
                return Err(ProvisionError::UnknownTensor {
                    name: alias.clone(),
                });
            }
        }
        Ok(())
    }
}

fn map_tensors<'m>(
    model: &'m Ct2Model<'_>,
    hp: &Hparams,
    storage: Quantisation,
) -> Result<Vec<OutTensor<'m>>, ProvisionError> {
    let audio = dim(hp.n_audio_state);
    let text = dim(hp.n_text_state);
    let mut m = Mapper {
        model,
        storage,
        used: HashSet::new(),
        out: Vec::new(),
    };
    m.f32_matrix(
        "encoder/position_encodings/encodings",
        "encoder.positional_embedding",
        &[dim(hp.n_audio_ctx), audio],
    )?;
    m.conv("encoder/conv1", "encoder.conv1", [audio, dim(hp.n_mels), 3])?;
    m.conv("encoder/conv2", "encoder.conv2", [audio, audio, 3])?;
    for n in 0..dim(hp.n_audio_layer) {
        let (from, to) = (format!("encoder/layer_{n}"), format!("encoder.blocks.{n}"));
        block_attention(&mut m, &from, &to, audio)?;
        block_mlp(&mut m, &from, &to, audio)?;
    }
    m.layer_norm("encoder/layer_norm", "encoder.ln_post", audio)?;

    m.f32_matrix(
        "decoder/position_encodings/encodings",
        "decoder.positional_embedding",
        &[dim(hp.n_text_ctx), text],
    )?;
    m.plain(
        "decoder/embeddings/weight",
        "decoder.token_embedding.weight",
        &[dim(hp.n_vocab), text],
    )?;
    for n in 0..dim(hp.n_text_layer) {
        let (from, to) = (format!("decoder/layer_{n}"), format!("decoder.blocks.{n}"));
        block_attention(&mut m, &from, &to, text)?;
        // Cross-attention: separate query, fused key-value, output.
        m.layer_norm(
            &format!("{from}/attention/layer_norm"),
            &format!("{to}.cross_attn_ln"),
            text,
        )?;
        m.linear(
            &format!("{from}/attention/linear_0"),
            &format!("{to}.cross_attn.query"),
            text,
            text,
        )?;
        m.split(
            &format!("{from}/attention/linear_1"),
            &[
                (&format!("{to}.cross_attn.key.weight"), None),
                (
                    &format!("{to}.cross_attn.value.weight"),
                    Some(&format!("{to}.cross_attn.value.bias")),
                ),
            ],
            text,
        )?;
        m.linear(
            &format!("{from}/attention/linear_2"),
            &format!("{to}.cross_attn.out"),
            text,
            text,
        )?;
        block_mlp(&mut m, &from, &to, text)?;
    }
    m.layer_norm("decoder/layer_norm", "decoder.ln", text)?;
    m.check_all_used()?;
    Ok(m.out)
}

/// Self-attention of a block: layer norm, fused QKV, output.
fn block_attention(
    m: &mut Mapper<'_, '_>,
    from: &str,
    to: &str,
    width: usize,
) -> Result<(), ProvisionError> {
    m.layer_norm(
        &format!("{from}/self_attention/layer_norm"),
        &format!("{to}.attn_ln"),
        width,
    )?;
    m.split(
        &format!("{from}/self_attention/linear_0"),
        &[
            (
                &format!("{to}.attn.query.weight"),
                Some(&format!("{to}.attn.query.bias")),
            ),
            (&format!("{to}.attn.key.weight"), None),
            (
                &format!("{to}.attn.value.weight"),
                Some(&format!("{to}.attn.value.bias")),
            ),
        ],
        width,
    )?;
    m.linear(
        &format!("{from}/self_attention/linear_1"),
        &format!("{to}.attn.out"),
        width,
        width,
    )
}

/// Feed-forward part of a block: layer norm, two linears (4x width in between).
fn block_mlp(
    m: &mut Mapper<'_, '_>,
    from: &str,
    to: &str,
    width: usize,
) -> Result<(), ProvisionError> {
    let hidden = required(m.model, &format!("{from}/ffn/linear_0/bias"))?
        .shape
        .first()
        .copied()
        .unwrap_or(0);
    m.layer_norm(
        &format!("{from}/ffn/layer_norm"),
        &format!("{to}.mlp_ln"),
        width,
    )?;
    m.linear(
        &format!("{from}/ffn/linear_0"),
        &format!("{to}.mlp.0"),
        hidden,
        width,
    )?;
    m.linear(
        &format!("{from}/ffn/linear_1"),
        &format!("{to}.mlp.2"),
        width,
        hidden,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ct2::write_model;
    use crate::ggml::GgmlFile;

    const STATE: usize = 4;
    const HIDDEN: usize = 8;
    const VOCABULARY: &str = "a\nb\nĠc\n<|endoftext|>\n<|startoftranscript|>\n";

    /// `(name, shape, dtype, payload)` of a one-block Whisper in CTranslate2 naming; f16 values
    /// count up from `first` so every element is distinct.
    fn synthetic_variables() -> Vec<(String, Vec<usize>, Ct2Dtype, Vec<u8>)> {
        sized_variables(STATE, HIDDEN)
    }

    /// [`synthetic_variables`] with a chosen width and MLP width.
    fn sized_variables(d: usize, hidden: usize) -> Vec<(String, Vec<usize>, Ct2Dtype, Vec<u8>)> {
        let mut next = 0.0_f32;
        let mut vars = Vec::new();
        let mut f16_var = |name: &str, shape: Vec<usize>| {
            let count: usize = shape.iter().product();
            let data = (0..count)
                .flat_map(|_| {
                    next += 1.0;
                    f16::from_f32(next).to_le_bytes()
                })
                .collect();
            vars.push((name.to_owned(), shape, Ct2Dtype::F16, data));
        };
        f16_var("encoder/conv1/weight", vec![d, 2, 3]);
        f16_var("encoder/conv1/bias", vec![d]);
        f16_var("encoder/conv2/weight", vec![d, d, 3]);
        f16_var("encoder/conv2/bias", vec![d]);
        f16_var("encoder/position_encodings/encodings", vec![6, d]);
        f16_var("decoder/position_encodings/encodings", vec![3, d]);
        f16_var("decoder/embeddings/weight", vec![5, d]);
        for side in ["encoder", "decoder"] {
            f16_var(&format!("{side}/layer_norm/gamma"), vec![d]);
            f16_var(&format!("{side}/layer_norm/beta"), vec![d]);
            let block = format!("{side}/layer_0");
            let mut linear = |name: &str, rows: usize, cols: usize| {
                f16_var(&format!("{block}/{name}/weight"), vec![rows, cols]);
                f16_var(&format!("{block}/{name}/bias"), vec![rows]);
            };
            linear("self_attention/linear_0", 3 * d, d);
            linear("self_attention/linear_1", d, d);
            linear("ffn/linear_0", hidden, d);
            linear("ffn/linear_1", d, hidden);
            if side == "decoder" {
                linear("attention/linear_0", d, d);
                linear("attention/linear_1", 2 * d, d);
                linear("attention/linear_2", d, d);
            }
            let mut norm = |name: &str| {
                f16_var(&format!("{block}/{name}/layer_norm/gamma"), vec![d]);
                f16_var(&format!("{block}/{name}/layer_norm/beta"), vec![d]);
            };
            norm("self_attention");
            norm("ffn");
            if side == "decoder" {
                norm("attention");
            }
        }
        let scalar = |name: &str, value: i16| {
            (
                name.to_owned(),
                vec![],
                Ct2Dtype::I16,
                value.to_le_bytes().to_vec(),
            )
        };
        vars.push(scalar("encoder/num_heads", 2));
        vars.push(scalar("decoder/num_heads", 2));
        vars.push(("decoder/pre_norm".to_owned(), vec![], Ct2Dtype::I8, vec![1]));
        vars.push((
            "decoder/activation".to_owned(),
            vec![],
            Ct2Dtype::I8,
            vec![3],
        ));
        vars
    }

    fn model_bytes(vars: &[(String, Vec<usize>, Ct2Dtype, Vec<u8>)]) -> Vec<u8> {
        let model = Ct2Model {
            binary_version: 6,
            spec: WHISPER_SPEC.to_owned(),
            spec_revision: 3,
            variables: vars
                .iter()
                .map(|(name, shape, dtype, data)| Ct2Variable {
                    name: name.clone(),
                    shape: shape.clone(),
                    dtype: *dtype,
                    data,
                })
                .collect(),
            aliases: vec![(
                "decoder/projection/weight".to_owned(),
                "decoder/embeddings/weight".to_owned(),
            )],
        };
        write_model(&model)
    }

    fn run(bytes: &[u8], vocabulary: &str) -> Result<(ConversionSummary, Vec<u8>), ProvisionError> {
        run_as(bytes, vocabulary, Quantisation::F16)
    }

    fn run_as(
        bytes: &[u8],
        vocabulary: &str,
        storage: Quantisation,
    ) -> Result<(ConversionSummary, Vec<u8>), ProvisionError> {
        let model = Ct2Model::parse(bytes)?;
        let mut calls = 0;
        let result = convert(
            &model,
            vocabulary,
            storage,
            (std::path::Path::new("mem"), Vec::new()),
            |done, total| {
                calls += 1;
                assert_eq!(done, calls);
                assert!(done <= total);
            },
        );
        if let Ok((summary, _)) = &result {
            assert_eq!(calls, summary.tensor_count);
        }
        result
    }

    fn f16_values(data: &[u8]) -> Vec<f32> {
        data.chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect()
    }

    fn f32_values(data: &[u8]) -> Vec<f32> {
        data.chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    }

    #[test]
    fn converts_a_synthetic_model_to_whisper_cpp_layout() {
        let vars = synthetic_variables();
        let (summary, out) = run(&model_bytes(&vars), VOCABULARY).unwrap();
        let file = GgmlFile::parse(&out).unwrap();
        let hp = file.hparams;
        assert_eq!(summary.hparams, hp);
        assert_eq!(
            (
                hp.n_vocab,
                hp.n_audio_ctx,
                hp.n_audio_state,
                hp.n_audio_head,
                hp.n_audio_layer
            ),
            (5, 6, 4, 2, 1)
        );
        assert_eq!(
            (
                hp.n_text_ctx,
                hp.n_text_state,
                hp.n_text_head,
                hp.n_text_layer
            ),
            (3, 4, 2, 1)
        );
        assert_eq!((hp.n_mels, hp.ftype), (2, crate::ggml::FTYPE_F16));
        assert_eq!(file.mel_shape, (2, 201));
        assert_eq!(
            file.tokens,
            vec![b"a".to_vec(), b"b".to_vec(), b" c".to_vec()]
        );
        // 11 top-level (positions, convs, embedding, final norms) + 15 per encoder block
        // + 24 per decoder block (self-attention, cross-attention, MLP).
        assert_eq!(file.tensors.len(), 50);
        assert_eq!(summary.tensor_count, 50);

        let source = |name: &str| vars.iter().find(|v| v.0 == name).unwrap();
        // Fused QKV: the query is the first STATE rows, the value the last; no key bias.
        let qkv = f16_values(&source("encoder/layer_0/self_attention/linear_0/weight").3);
        let query = file.tensor("encoder.blocks.0.attn.query.weight").unwrap();
        let value = file.tensor("encoder.blocks.0.attn.value.weight").unwrap();
        assert_eq!(
            (query.ty, query.ne.as_slice()),
            (GgmlType::F16, &[STATE, STATE][..])
        );
        assert_eq!(f16_values(query.data), qkv[..STATE * STATE]);
        assert_eq!(f16_values(value.data), qkv[2 * STATE * STATE..]);
        assert!(file.tensor("encoder.blocks.0.attn.key.bias").is_none());
        let qkv_bias = f16_values(&source("encoder/layer_0/self_attention/linear_0/bias").3);
        let value_bias = file.tensor("encoder.blocks.0.attn.value.bias").unwrap();
        assert_eq!(value_bias.ty, GgmlType::F32);
        assert_eq!(f32_values(value_bias.data), qkv_bias[2 * STATE..]);
        // Cross-attention key/value come from the fused linear_1.
        let kv = f16_values(&source("decoder/layer_0/attention/linear_1/weight").3);
        let cross_key = file
            .tensor("decoder.blocks.0.cross_attn.key.weight")
            .unwrap();
        assert_eq!(f16_values(cross_key.data), kv[..STATE * STATE]);
        assert!(
            file.tensor("decoder.blocks.0.cross_attn.out.weight")
                .is_some()
        );
        // Conv kernels f16 with reversed dims; conv biases f32 as n x 1.
        let conv1 = file.tensor("encoder.conv1.weight").unwrap();
        assert_eq!(
            (conv1.ty, conv1.ne.as_slice()),
            (GgmlType::F16, &[3, 2, STATE][..])
        );
        let conv_bias = file.tensor("encoder.conv1.bias").unwrap();
        assert_eq!(
            (conv_bias.ty, conv_bias.ne.as_slice()),
            (GgmlType::F32, &[1, STATE][..])
        );
        // Positional embeddings f32, token embedding f16.
        let positions = file.tensor("decoder.positional_embedding").unwrap();
        assert_eq!(
            (positions.ty, positions.ne.as_slice()),
            (GgmlType::F32, &[STATE, 3][..])
        );
        assert_eq!(
            f32_values(positions.data),
            f16_values(&source("decoder/position_encodings/encodings").3)
        );
        let embedding = file.tensor("decoder.token_embedding.weight").unwrap();
        assert_eq!(
            (embedding.ty, embedding.ne.as_slice()),
            (GgmlType::F16, &[STATE, 5][..])
        );
        let gamma = file
            .tensor("decoder.blocks.0.cross_attn_ln.weight")
            .unwrap();
        assert_eq!(
            f32_values(gamma.data),
            f16_values(&source("decoder/layer_0/attention/layer_norm/gamma").3)
        );
        assert!(file.tensor("encoder.ln_post.bias").is_some());
        assert!(file.tensor("decoder.ln.weight").is_some());
        assert!(file.tensor("encoder.blocks.0.mlp.2.weight").unwrap().ne == [HIDDEN, STATE]);
    }

    #[test]
    fn quantised_conversion_stores_matrices_as_blocks_and_keeps_the_rest() {
        // Rows must be whole blocks of 32.
        let (state, hidden) = (32, 64);
        let vars = sized_variables(state, hidden);
        let bytes = model_bytes(&vars);
        let source = |name: &str| f16_values(&vars.iter().find(|v| v.0 == name).unwrap().3);
        for storage in [Quantisation::Q8_0, Quantisation::Q5_1, Quantisation::Q5_0] {
            let (summary, out) = run_as(&bytes, VOCABULARY, storage).unwrap();
            let file = GgmlFile::parse(&out).unwrap();
            assert_eq!(file.hparams.ftype, storage.ftype());
            assert_eq!(summary.tensor_count, 50);
            let ty = storage.matrix_type();
            for name in [
                "encoder.blocks.0.attn.query.weight",
                "encoder.blocks.0.mlp.0.weight",
                "decoder.blocks.0.cross_attn.value.weight",
                "decoder.token_embedding.weight",
            ] {
                assert_eq!(file.tensor(name).unwrap().ty, ty, "{storage} {name}");
            }
            assert_eq!(
                file.tensor("encoder.conv2.weight").unwrap().ty,
                GgmlType::F16
            );
            for name in [
                "encoder.positional_embedding",
                "encoder.conv1.bias",
                "decoder.ln.bias",
            ] {
                assert_eq!(file.tensor(name).unwrap().ty, GgmlType::F32, "{name}");
            }
            // The value part of the fused QKV decodes back close to the source rows.
            let qkv = source("encoder/layer_0/self_attention/linear_0/weight");
            let value = file.tensor("encoder.blocks.0.attn.value.weight").unwrap();
            let decoded = crate::quantise::decode(ty, value.data);
            let expected = &qkv[2 * state * state..];
            assert_eq!(decoded.len(), expected.len());
            let worst = expected
                .iter()
                .zip(&decoded)
                .map(|(a, b)| (a - b).abs() / a.abs().max(1.0))
                .fold(0.0_f32, f32::max);
            assert!(worst < 0.05, "{storage}: relative error {worst}");
        }
        // Rows that are not whole blocks are refused, naming the tensor.
        let err = run_as(
            &model_bytes(&synthetic_variables()),
            VOCABULARY,
            Quantisation::Q8_0,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("encoder.blocks.0.attn.query.weight") && err.contains("q8_0"),
            "{err}"
        );
    }

    #[test]
    fn conversion_is_deterministic() {
        let bytes = model_bytes(&synthetic_variables());
        assert_eq!(
            run(&bytes, VOCABULARY).unwrap().1,
            run(&bytes, VOCABULARY).unwrap().1
        );
    }

    #[test]
    fn an_unknown_tensor_is_named() {
        let mut vars = synthetic_variables();
        vars.push((
            "encoder/extra/weight".to_owned(),
            vec![1],
            Ct2Dtype::F16,
            vec![0, 0],
        ));
        let err = run(&model_bytes(&vars), VOCABULARY).unwrap_err();
        assert!(
            matches!(&err, ProvisionError::UnknownTensor { name } if name == "encoder/extra/weight"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_misshapen_tensor_is_named() {
        let mut vars = synthetic_variables();
        vars.retain(|v| v.0 != "decoder/layer_0/ffn/linear_1/bias");
        let err = run(&model_bytes(&vars), VOCABULARY)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("decoder/layer_0/ffn/linear_1/bias") && err.contains("missing"),
            "{err}"
        );

        let mut vars = synthetic_variables();
        let conv = vars
            .iter_mut()
            .find(|v| v.0 == "encoder/conv2/bias")
            .unwrap();
        conv.1 = vec![2];
        conv.3.truncate(4);
        let err = run(&model_bytes(&vars), VOCABULARY)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("encoder/conv2/bias") && err.contains("shape [2]"),
            "{err}"
        );
    }

    #[test]
    fn unsupported_architecture_flags_are_rejected() {
        let mut vars = synthetic_variables();
        vars.iter_mut()
            .find(|v| v.0 == "decoder/pre_norm")
            .unwrap()
            .3 = vec![0];
        let err = run(&model_bytes(&vars), VOCABULARY)
            .unwrap_err()
            .to_string();
        assert!(err.contains("decoder/pre_norm"), "{err}");
    }

    #[test]
    fn a_vocabulary_of_the_wrong_size_is_rejected() {
        let bytes = model_bytes(&synthetic_variables());
        let err = run(&bytes, "a\nb\n<|endoftext|>\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("3 tokens") && err.contains("5 rows"), "{err}");
    }

    #[test]
    fn truncated_model_bin_names_what_was_cut() {
        let bytes = model_bytes(&synthetic_variables());
        let err = run(&bytes[..bytes.len() / 2], VOCABULARY).unwrap_err();
        assert!(
            matches!(err, ProvisionError::TruncatedModel { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("truncated model.bin"), "{err}");
    }
}
