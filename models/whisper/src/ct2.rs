//! Reader of CTranslate2's `model.bin` (binary versions 4 to 6), the format of faster-whisper models.
//!
//! Layout, all integers little-endian: `u32` binary version; a string spec name and a `u32` spec
//! revision; `u32` variable count, then per variable a string name, `u8` rank, `u32` dims, `u8`
//! dtype, `u32` payload byte count and the payload (row-major); `u32` alias count, then per alias two
//! strings (alias, target). A string is a `u16` length that counts a trailing NUL, then the bytes.

use crate::error::ProvisionError;

/// Oldest binary version read: from 4 on, each variable stores its dtype id and byte count.
const MIN_BINARY_VERSION: u32 = 4;
/// Newest binary version known (CTranslate2 4.x writes 6).
const MAX_BINARY_VERSION: u32 = 6;

/// Element type of a CTranslate2 variable (the ids of CTranslate2's `DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct2Dtype {
    /// IEEE binary32.
    F32,
    /// Signed 8-bit integer.
    I8,
    /// Signed 16-bit integer.
    I16,
    /// Signed 32-bit integer.
    I32,
    /// IEEE binary16.
    F16,
    /// bfloat16.
    Bf16,
}

impl Ct2Dtype {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            _ => return None,
        })
    }

    /// The id stored in the file.
    pub fn id(self) -> u8 {
        match self {
            Self::F32 => 0,
            Self::I8 => 1,
            Self::I16 => 2,
            Self::I32 => 3,
            Self::F16 => 4,
            Self::Bf16 => 5,
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One variable of the model, borrowing its payload from the file's bytes.
#[derive(Debug, Clone)]
pub struct Ct2Variable<'a> {
    /// Slash-separated name, e.g. `encoder/layer_0/ffn/linear_0/weight`.
    pub name: String,
    /// Dimensions, outermost first (empty for a scalar).
    pub shape: Vec<usize>,
    /// Element type.
    pub dtype: Ct2Dtype,
    /// Row-major little-endian payload.
    pub data: &'a [u8],
}

impl Ct2Variable<'_> {
    /// Number of elements (1 for a scalar).
    pub fn element_count(&self) -> usize {
        self.shape.iter().product()
    }

    /// The value of an integer scalar (e.g. `encoder/num_heads`), `None` for other variables.
    pub fn as_int_scalar(&self) -> Option<i64> {
        if !self.shape.is_empty() {
            return None;
        }
        let bytes = self.data;
        Some(match self.dtype {
            Ct2Dtype::I8 => i64::from(i8::from_le_bytes([*bytes.first()?])),
            Ct2Dtype::I16 => i64::from(i16::from_le_bytes(bytes.get(..2)?.try_into().ok()?)),
            Ct2Dtype::I32 => i64::from(i32::from_le_bytes(bytes.get(..4)?.try_into().ok()?)),
            Ct2Dtype::F32 | Ct2Dtype::F16 | Ct2Dtype::Bf16 => return None,
        })
    }
}

/// A parsed `model.bin`.
#[derive(Debug, Clone)]
pub struct Ct2Model<'a> {
    /// Binary format version.
    pub binary_version: u32,
    /// Spec name, `WhisperSpec` for Whisper.
    pub spec: String,
    /// Spec revision.
    pub spec_revision: u32,
    /// Variables in file order.
    pub variables: Vec<Ct2Variable<'a>>,
    /// `(alias, target)` pairs: the alias names the same tensor as the target.
    pub aliases: Vec<(String, String)>,
}

impl<'a> Ct2Model<'a> {
    /// Parses a whole `model.bin`.
    ///
    /// # Errors
    /// [`ProvisionError::TruncatedModel`] when the bytes end early (naming the field or variable),
    /// [`ProvisionError::InvalidModel`] for an unsupported version, a bad dtype, a payload size
    /// that does not match the shape, or bytes left after the aliases.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ProvisionError> {
        let mut cursor = Cursor { bytes, offset: 0 };
        let binary_version = cursor.u32("binary version")?;
        if !(MIN_BINARY_VERSION..=MAX_BINARY_VERSION).contains(&binary_version) {
            return Err(ProvisionError::InvalidModel {
                reason: format!(
                    "binary version {binary_version} is not supported (supported: {MIN_BINARY_VERSION} to {MAX_BINARY_VERSION})"
                ),
            });
        }
        let spec = cursor.string("spec name")?;
        let spec_revision = cursor.u32("spec revision")?;
        let variable_count = cursor.u32("variable count")?;
        // Not `with_capacity(variable_count)`: a corrupt count must not allocate gigabytes.
        let mut variables = Vec::new();
        for index in 0..variable_count {
            variables.push(cursor.variable(index)?);
        }
        let alias_count = cursor.u32("alias count")?;
        let mut aliases = Vec::new();
        for index in 0..alias_count {
            let alias = cursor.string(&format!("alias {index}"))?;
            let target = cursor.string(&format!("target of alias {alias}"))?;
            aliases.push((alias, target));
        }
        if cursor.offset != bytes.len() {
            return Err(ProvisionError::InvalidModel {
                reason: format!(
                    "{} unexpected bytes after the aliases at offset {}",
                    bytes.len() - cursor.offset,
                    cursor.offset
                ),
            });
        }
        Ok(Self {
            binary_version,
            spec,
            spec_revision,
            variables,
            aliases,
        })
    }

    /// The variable called `name`, following aliases.
    pub fn variable(&self, name: &str) -> Option<&Ct2Variable<'a>> {
        let target = self
            .aliases
            .iter()
            .find(|(alias, _)| alias == name)
            .map_or(name, |(_, target)| target.as_str());
        self.variables
            .iter()
            .find(|variable| variable.name == target)
    }
}

/// Bounds-checked little-endian reads over the file's bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, needed: usize, what: &str) -> Result<&'a [u8], ProvisionError> {
        let available = self.bytes.len() - self.offset;
        if needed > available {
            return Err(ProvisionError::TruncatedModel {
                what: what.to_owned(),
                offset: self.offset,
                needed,
                available,
            });
        }
        let slice = &self.bytes[self.offset..self.offset + needed];
        self.offset += needed;
        Ok(slice)
    }

    fn u8(&mut self, what: &str) -> Result<u8, ProvisionError> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, ProvisionError> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ProvisionError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &str) -> Result<String, ProvisionError> {
        let start = self.offset;
        let length = usize::from(self.u16(what)?);
        let raw = self.take(length, what)?;
        // The length counts a trailing NUL.
        let Some((&0, text)) = raw.split_last() else {
            return Err(ProvisionError::InvalidModel {
                reason: format!("{what} at offset {start} is not a NUL-terminated string"),
            });
        };
        String::from_utf8(text.to_vec()).map_err(|_| ProvisionError::InvalidModel {
            reason: format!("{what} at offset {start} is not UTF-8"),
        })
    }

    fn variable(&mut self, index: u32) -> Result<Ct2Variable<'a>, ProvisionError> {
        let name = self.string(&format!("name of variable {index}"))?;
        let rank = self.u8(&format!("rank of {name}"))?;
        let mut shape = Vec::with_capacity(usize::from(rank));
        for _ in 0..rank {
            let dim = self.u32(&format!("shape of {name}"))?;
            shape.push(
                usize::try_from(dim).map_err(|_| ProvisionError::InvalidModel {
                    reason: format!("{name}: dimension {dim} does not fit in memory"),
                })?,
            );
        }
        let dtype_id = self.u8(&format!("dtype of {name}"))?;
        let dtype = Ct2Dtype::from_id(dtype_id).ok_or_else(|| ProvisionError::InvalidModel {
            reason: format!("{name}: unknown dtype id {dtype_id}"),
        })?;
        let byte_count = self.u32(&format!("byte count of {name}"))? as usize;
        let expected = shape
            .iter()
            .try_fold(dtype.size(), |acc, &dim| acc.checked_mul(dim));
        if expected != Some(byte_count) {
            return Err(ProvisionError::InvalidModel {
                reason: format!(
                    "{name}: payload of {byte_count} bytes does not match shape {shape:?} of {dtype:?}"
                ),
            });
        }
        let data = self.take(byte_count, &format!("data of {name}"))?;
        Ok(Ct2Variable {
            name,
            shape,
            dtype,
            data,
        })
    }
}

/// Writes a `model.bin` (binary version 6); the inverse of [`Ct2Model::parse`], used by tests to
/// build small synthetic models.
pub fn write_model(model: &Ct2Model<'_>) -> Vec<u8> {
    fn string(out: &mut Vec<u8>, text: &str) {
        let length = u16::try_from(text.len() + 1).unwrap_or(u16::MAX);
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        out.push(0);
    }
    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    let mut out = Vec::new();
    out.extend_from_slice(&model.binary_version.to_le_bytes());
    string(&mut out, &model.spec);
    out.extend_from_slice(&model.spec_revision.to_le_bytes());
    count(&mut out, model.variables.len());
    for variable in &model.variables {
        string(&mut out, &variable.name);
        out.push(u8::try_from(variable.shape.len()).unwrap_or(u8::MAX));
        for &dim in &variable.shape {
            count(&mut out, dim);
        }
        out.push(variable.dtype.id());
        count(&mut out, variable.data.len());
        out.extend_from_slice(variable.data);
    }
    count(&mut out, model.aliases.len());
    for (alias, target) in &model.aliases {
        string(&mut out, alias);
        string(&mut out, target);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_model(data: &[u8]) -> Ct2Model<'_> {
        Ct2Model {
            binary_version: 6,
            spec: "WhisperSpec".to_owned(),
            spec_revision: 3,
            variables: vec![
                Ct2Variable {
                    name: "encoder/num_heads".to_owned(),
                    shape: vec![],
                    dtype: Ct2Dtype::I16,
                    data: &data[..2],
                },
                Ct2Variable {
                    name: "decoder/embeddings/weight".to_owned(),
                    shape: vec![2, 3],
                    dtype: Ct2Dtype::F16,
                    data: &data[2..14],
                },
            ],
            aliases: vec![(
                "decoder/projection/weight".to_owned(),
                "decoder/embeddings/weight".to_owned(),
            )],
        }
    }

    fn sample_bytes() -> (Vec<u8>, Vec<u8>) {
        let data: Vec<u8> = [6_u8, 0].into_iter().chain(1..=12).collect();
        let bytes = write_model(&sample_model(&data));
        (data, bytes)
    }

    #[test]
    fn parse_round_trips_a_written_model() {
        let (data, bytes) = sample_bytes();
        let parsed = Ct2Model::parse(&bytes).unwrap();
        let original = sample_model(&data);
        assert_eq!(parsed.spec, "WhisperSpec");
        assert_eq!(parsed.spec_revision, 3);
        assert_eq!(parsed.variables.len(), 2);
        assert_eq!(parsed.variables[1].shape, vec![2, 3]);
        assert_eq!(parsed.variables[1].data, original.variables[1].data);
        assert_eq!(
            parsed
                .variable("encoder/num_heads")
                .unwrap()
                .as_int_scalar(),
            Some(6)
        );
        // The alias resolves to its target.
        assert_eq!(
            parsed.variable("decoder/projection/weight").unwrap().name,
            "decoder/embeddings/weight"
        );
        assert!(parsed.variable("missing").is_none());
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let (_, bytes) = sample_bytes();
        for end in 0..bytes.len() {
            let err = Ct2Model::parse(&bytes[..end]).unwrap_err();
            assert!(
                matches!(
                    err,
                    ProvisionError::TruncatedModel { .. } | ProvisionError::InvalidModel { .. }
                ),
                "prefix of {end} bytes: {err}"
            );
        }
    }

    #[test]
    fn truncation_inside_a_payload_names_the_variable() {
        let (_, bytes) = sample_bytes();
        // Cut in the middle of the embedding's payload (the last 12 payload bytes precede the aliases).
        let alias_bytes = 4 + (2 + 26) + (2 + 26);
        let err = Ct2Model::parse(&bytes[..bytes.len() - alias_bytes - 3]).unwrap_err();
        assert!(
            err.to_string()
                .contains("data of decoder/embeddings/weight"),
            "{err}"
        );
    }

    #[test]
    fn corrupt_headers_are_rejected() {
        let (_, bytes) = sample_bytes();
        let mut old_version = bytes.clone();
        old_version[0] = 3;
        assert!(
            Ct2Model::parse(&old_version)
                .unwrap_err()
                .to_string()
                .contains("binary version 3")
        );

        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(
            Ct2Model::parse(&trailing)
                .unwrap_err()
                .to_string()
                .contains("unexpected bytes")
        );

        // The first variable's dtype byte: after version, spec string, revision, count, name, rank.
        let dtype_offset = 4 + (2 + 12) + 4 + 4 + (2 + 18) + 1;
        let mut bad_dtype = bytes.clone();
        bad_dtype[dtype_offset] = 9;
        let err = Ct2Model::parse(&bad_dtype).unwrap_err().to_string();
        assert!(
            err.contains("encoder/num_heads") && err.contains("dtype id 9"),
            "{err}"
        );

        let mut bad_size = bytes;
        bad_size[dtype_offset + 1] = 3;
        let err = Ct2Model::parse(&bad_size).unwrap_err().to_string();
        assert!(err.contains("payload of 3 bytes"), "{err}");
    }

    #[test]
    fn scalar_reads_only_integer_scalars() {
        let data = [1_u8, 0, 0, 0];
        let float = Ct2Variable {
            name: "x".to_owned(),
            shape: vec![],
            dtype: Ct2Dtype::F32,
            data: &data,
        };
        assert_eq!(float.as_int_scalar(), None);
        let int = Ct2Variable {
            dtype: Ct2Dtype::I32,
            ..float.clone()
        };
        assert_eq!(int.as_int_scalar(), Some(1));
        let vector = Ct2Variable {
            shape: vec![1],
            ..int
        };
        assert_eq!(vector.as_int_scalar(), None);
    }
}
