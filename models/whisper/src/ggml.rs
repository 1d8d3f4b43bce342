//! The whisper.cpp model file ("ggml" legacy format), as whisper.cpp's loader reads it.
//!
//! Little-endian: `u32` magic `ggml`; eleven `i32` hyper-parameters; the mel filters (`i32` rows,
//! `i32` columns, f32 row-major); the vocabulary (`i32` count, then per token a `u32` length and
//! the bytes); then tensors until the end of the file, each `i32` rank, `i32` name length, `i32`
//! type (0 f32, 1 f16), the `i32` dims innermost first (the reverse of PyTorch's order), the name
//! and the row-major payload.

use std::io::{self, Write};

use crate::error::ProvisionError;

/// `ggml` in ASCII, read as a little-endian `u32`.
pub const MAGIC: u32 = 0x6767_6d6c;

/// whisper.cpp's `ftype` for a model whose matrices are f16.
pub const FTYPE_F16: i32 = 1;

/// ggml's quantisation format version, stored as `ftype + 1000 * version` by whisper.cpp's own
/// quantiser (the loader takes the remainder).
pub const QUANTISATION_VERSION: i32 = 2;

/// Element type of a ggml tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GgmlType {
    /// IEEE binary32 (ggml type 0).
    F32,
    /// IEEE binary16 (ggml type 1).
    F16,
    /// Blocks of 32: f16 scale, 16 bytes of low nibbles, 32 high bits (ggml type 6).
    Q5_0,
    /// Blocks of 32: f16 scale and minimum, 32 high bits, 16 bytes of nibbles (ggml type 7).
    Q5_1,
    /// Blocks of 32: f16 scale and 32 signed bytes (ggml type 8).
    Q8_0,
}

impl GgmlType {
    /// The id in the file.
    pub fn id(self) -> i32 {
        match self {
            Self::F32 => 0,
            Self::F16 => 1,
            Self::Q5_0 => 6,
            Self::Q5_1 => 7,
            Self::Q8_0 => 8,
        }
    }

    fn from_id(id: i32) -> Option<Self> {
        [Self::F32, Self::F16, Self::Q5_0, Self::Q5_1, Self::Q8_0]
            .into_iter()
            .find(|ty| ty.id() == id)
    }

    /// Elements per block (1 for the float types).
    pub fn block_elements(self) -> usize {
        match self {
            Self::F32 | Self::F16 => 1,
            Self::Q5_0 | Self::Q5_1 | Self::Q8_0 => 32,
        }
    }

    /// Bytes per block.
    pub fn block_bytes(self) -> usize {
        match self {
            Self::F32 => 4,
            Self::F16 => 2,
            Self::Q5_0 => 22,
            Self::Q5_1 => 24,
            Self::Q8_0 => 34,
        }
    }

    /// Payload bytes of a tensor of `shape` (outermost first), or `None` when its rows are not
    /// whole blocks or the size overflows.
    pub fn payload_bytes(self, shape: &[usize]) -> Option<usize> {
        let row = *shape.last().unwrap_or(&1);
        if !row.is_multiple_of(self.block_elements()) {
            return None;
        }
        let elements = shape
            .iter()
            .try_fold(1_usize, |acc, &d| acc.checked_mul(d))?;
        (elements / self.block_elements()).checked_mul(self.block_bytes())
    }
}

/// Whisper's hyper-parameters in whisper.cpp's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hparams {
    /// Vocabulary size, special tokens included (51864 English-only, 51865 multilingual).
    pub n_vocab: i32,
    /// Encoder positions (1500).
    pub n_audio_ctx: i32,
    /// Encoder width.
    pub n_audio_state: i32,
    /// Encoder attention heads.
    pub n_audio_head: i32,
    /// Encoder blocks.
    pub n_audio_layer: i32,
    /// Decoder positions (448).
    pub n_text_ctx: i32,
    /// Decoder width.
    pub n_text_state: i32,
    /// Decoder attention heads.
    pub n_text_head: i32,
    /// Decoder blocks.
    pub n_text_layer: i32,
    /// Mel bands of the input (80).
    pub n_mels: i32,
    /// Storage type of the matrices ([`FTYPE_F16`], or a quantised ggml ftype plus 1000 times
    /// [`QUANTISATION_VERSION`]; see [`crate::Quantisation::ftype`]).
    pub ftype: i32,
}

impl Hparams {
    fn to_array(self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }

    fn from_array(v: [i32; 11]) -> Self {
        Self {
            n_vocab: v[0],
            n_audio_ctx: v[1],
            n_audio_state: v[2],
            n_audio_head: v[3],
            n_audio_layer: v[4],
            n_text_ctx: v[5],
            n_text_state: v[6],
            n_text_head: v[7],
            n_text_layer: v[8],
            n_mels: v[9],
            ftype: v[10],
        }
    }
}

fn dim_i32(value: usize, what: &str) -> io::Result<i32> {
    i32::try_from(value).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what} {value} exceeds i32"),
        )
    })
}

/// Streams a ggml whisper file: call [`GgmlWriter::header`] once, then [`GgmlWriter::tensor`] per
/// tensor.
pub struct GgmlWriter<W: Write> {
    out: W,
}

impl<W: Write> GgmlWriter<W> {
    /// A writer over `out` (buffer it: many small writes follow).
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// Writes magic, hyper-parameters, the `n_mels x n_freqs` mel filters (row-major, stored as
    /// f32) and the vocabulary's ordinary tokens.
    ///
    /// # Errors
    /// The writer's I/O error, or `InvalidInput` when the filter count does not match the shape
    /// or a size exceeds `i32`.
    pub fn header(
        &mut self,
        hparams: &Hparams,
        mel: (usize, usize, &[f64]),
        tokens: &[Vec<u8>],
    ) -> io::Result<()> {
        let (n_mels, n_freqs, filters) = mel;
        if n_mels * n_freqs != filters.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} mel weights for {n_mels}x{n_freqs}", filters.len()),
            ));
        }
        self.out.write_all(&MAGIC.to_le_bytes())?;
        for value in hparams.to_array() {
            self.out.write_all(&value.to_le_bytes())?;
        }
        self.out
            .write_all(&dim_i32(n_mels, "mel rows")?.to_le_bytes())?;
        self.out
            .write_all(&dim_i32(n_freqs, "mel columns")?.to_le_bytes())?;
        for &weight in filters {
            // f64 -> f32 rounding is the intended storage precision.
            #[allow(clippy::cast_possible_truncation)]
            self.out.write_all(&(weight as f32).to_le_bytes())?;
        }
        self.out
            .write_all(&dim_i32(tokens.len(), "token count")?.to_le_bytes())?;
        for token in tokens {
            let length = u32::try_from(token.len()).map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidInput, "token longer than u32")
            })?;
            self.out.write_all(&length.to_le_bytes())?;
            self.out.write_all(token)?;
        }
        Ok(())
    }

    /// Writes one tensor. `shape` is outermost first (PyTorch's order); the file gets it reversed.
    /// `data` is the row-major payload already in `ty`.
    ///
    /// # Errors
    /// The writer's I/O error, or `InvalidInput` when the payload size does not match the shape.
    pub fn tensor(
        &mut self,
        name: &str,
        ty: GgmlType,
        shape: &[usize],
        data: &[u8],
    ) -> io::Result<()> {
        if ty.payload_bytes(shape) != Some(data.len()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "tensor {name}: {} bytes for shape {shape:?} of {ty:?}",
                    data.len()
                ),
            ));
        }
        self.out
            .write_all(&dim_i32(shape.len(), "rank")?.to_le_bytes())?;
        self.out
            .write_all(&dim_i32(name.len(), "name length")?.to_le_bytes())?;
        self.out.write_all(&ty.id().to_le_bytes())?;
        for &dim in shape.iter().rev() {
            self.out
                .write_all(&dim_i32(dim, "dimension")?.to_le_bytes())?;
        }
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(data)
    }

    /// Flushes and returns the inner writer.
    ///
    /// # Errors
    /// The flush's I/O error.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// One tensor of a parsed ggml file.
#[derive(Debug, Clone, PartialEq)]
pub struct GgmlTensor<'a> {
    /// whisper.cpp's name, e.g. `encoder.blocks.0.attn.query.weight`.
    pub name: String,
    /// Element type.
    pub ty: GgmlType,
    /// Dims as stored: innermost first.
    pub ne: Vec<usize>,
    /// Payload.
    pub data: &'a [u8],
}

/// A parsed ggml whisper file (to check a written file without whisper.cpp).
#[derive(Debug, Clone, PartialEq)]
pub struct GgmlFile<'a> {
    /// Hyper-parameters.
    pub hparams: Hparams,
    /// Mel filter rows and columns.
    pub mel_shape: (usize, usize),
    /// Mel filters, row-major.
    pub mel: Vec<f32>,
    /// Vocabulary tokens as bytes.
    pub tokens: Vec<Vec<u8>>,
    /// Tensors in file order.
    pub tensors: Vec<GgmlTensor<'a>>,
}

impl<'a> GgmlFile<'a> {
    /// Parses a whole file.
    ///
    /// # Errors
    /// [`ProvisionError::InvalidModel`] naming what is wrong or truncated.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ProvisionError> {
        let mut reader = Reader { bytes, offset: 0 };
        if reader.u32("magic")? != MAGIC {
            return Err(invalid("bad magic: not a ggml file".to_owned()));
        }
        let mut values = [0_i32; 11];
        for value in &mut values {
            *value = reader.i32("hparams")?;
        }
        let hparams = Hparams::from_array(values);
        let rows = reader.len("mel rows")?;
        let columns = reader.len("mel columns")?;
        let mel_bytes = reader.take(rows * columns * 4, "mel filters")?;
        let mel = mel_bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let token_count = reader.len("token count")?;
        let mut tokens = Vec::new();
        for index in 0..token_count {
            let length = reader.u32("token length")? as usize;
            tokens.push(reader.take(length, &format!("token {index}"))?.to_vec());
        }
        let mut tensors = Vec::new();
        while reader.offset < bytes.len() {
            let rank = reader.len("tensor rank")?;
            let name_length = reader.len("tensor name length")?;
            let type_id = reader.i32("tensor type")?;
            let ty = GgmlType::from_id(type_id)
                .ok_or_else(|| invalid(format!("unknown tensor type {type_id}")))?;
            let mut ne = Vec::new();
            for _ in 0..rank {
                ne.push(reader.len("tensor dims")?);
            }
            let name = String::from_utf8(reader.take(name_length, "tensor name")?.to_vec())
                .map_err(|_| invalid("tensor name is not UTF-8".to_owned()))?;
            // `ne` is innermost first: the row length is its first entry.
            let outer_first: Vec<usize> = ne.iter().rev().copied().collect();
            let size = ty
                .payload_bytes(&outer_first)
                .ok_or_else(|| invalid(format!("{name}: dims {ne:?} do not fit {ty:?} blocks")))?;
            let data = reader.take(size, &format!("data of {name}"))?;
            tensors.push(GgmlTensor { name, ty, ne, data });
        }
        Ok(Self {
            hparams,
            mel_shape: (rows, columns),
            mel,
            tokens,
            tensors,
        })
    }

    /// The tensor called `name`.
    pub fn tensor(&self, name: &str) -> Option<&GgmlTensor<'a>> {
        self.tensors.iter().find(|tensor| tensor.name == name)
    }
}

fn invalid(reason: String) -> ProvisionError {
    ProvisionError::InvalidModel {
        reason: format!("ggml file: {reason}"),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, needed: usize, what: &str) -> Result<&'a [u8], ProvisionError> {
        let available = self.bytes.len() - self.offset;
        if needed > available {
            return Err(invalid(format!(
                "{what} needs {needed} bytes at offset {}, {available} left",
                self.offset
            )));
        }
        let slice = &self.bytes[self.offset..self.offset + needed];
        self.offset += needed;
        Ok(slice)
    }

    fn u32(&mut self, what: &str) -> Result<u32, ProvisionError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self, what: &str) -> Result<i32, ProvisionError> {
        let b = self.take(4, what)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn len(&mut self, what: &str) -> Result<usize, ProvisionError> {
        let value = self.i32(what)?;
        usize::try_from(value).map_err(|_| invalid(format!("negative {what} {value}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hparams() -> Hparams {
        Hparams {
            n_vocab: 5,
            n_audio_ctx: 6,
            n_audio_state: 4,
            n_audio_head: 2,
            n_audio_layer: 1,
            n_text_ctx: 3,
            n_text_state: 4,
            n_text_head: 2,
            n_text_layer: 1,
            n_mels: 2,
            ftype: FTYPE_F16,
        }
    }

    fn written() -> Vec<u8> {
        let mut writer = GgmlWriter::new(Vec::new());
        let mel = [0.5, 0.25, 0.0, 1.0, 2.0, 3.0];
        writer
            .header(
                &hparams(),
                (2, 3, &mel),
                &[b"a".to_vec(), Vec::new(), b" bc".to_vec()],
            )
            .unwrap();
        let matrix: Vec<u8> = (0..2 * 3 * 2).collect();
        writer.tensor("m", GgmlType::F16, &[2, 3], &matrix).unwrap();
        writer
            .tensor("v", GgmlType::F32, &[1], &1.5_f32.to_le_bytes())
            .unwrap();
        writer.finish().unwrap()
    }

    #[test]
    fn header_and_tensors_round_trip() {
        let bytes = written();
        assert_eq!(
            &bytes[..4],
            b"lmgg",
            "magic is 'ggml' as a little-endian u32"
        );
        let file = GgmlFile::parse(&bytes).unwrap();
        assert_eq!(file.hparams, hparams());
        assert_eq!(file.mel_shape, (2, 3));
        assert_eq!(file.mel, vec![0.5, 0.25, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(
            file.tokens,
            vec![b"a".to_vec(), Vec::new(), b" bc".to_vec()]
        );
        assert_eq!(file.tensors.len(), 2);
        let matrix = file.tensor("m").unwrap();
        // Dims are stored innermost first.
        assert_eq!(matrix.ne, vec![3, 2]);
        assert_eq!(matrix.ty, GgmlType::F16);
        assert_eq!(matrix.data, (0..12).collect::<Vec<u8>>().as_slice());
        let vector = file.tensor("v").unwrap();
        assert_eq!((vector.ty, vector.ne.as_slice()), (GgmlType::F32, &[1][..]));
        assert_eq!(vector.data, 1.5_f32.to_le_bytes());
    }

    #[test]
    fn writer_rejects_mismatched_payloads() {
        let mut writer = GgmlWriter::new(Vec::new());
        assert!(
            writer
                .tensor("t", GgmlType::F32, &[2, 2], &[0; 15])
                .is_err()
        );
        assert!(writer.header(&hparams(), (2, 3, &[0.0; 5]), &[]).is_err());
    }

    #[test]
    fn truncated_files_are_errors_not_panics() {
        let bytes = written();
        for end in 0..bytes.len() {
            // Cuts at a tensor boundary parse as a shorter file; the rest must be errors.
            if let Ok(file) = GgmlFile::parse(&bytes[..end]) {
                assert!(file.tensors.len() < 2, "prefix of {end} bytes parsed whole");
            }
        }
        let mut bad_magic = bytes;
        bad_magic[0] ^= 1;
        assert!(GgmlFile::parse(&bad_magic).is_err());
    }
}
