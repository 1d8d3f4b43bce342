//! Storage of the weight matrices: f16 as converted, or one of ggml's block quantisations.
//!
//! Each block of 32 consecutive values of a row is stored with its own scale, following ggml's
//! reference ("deterministic") quantisers, so a file is the same on every machine and its
//! SHA-256 can be pinned. Layouts (little-endian):
//! - `q8_0`: f16 scale `d = max|x| / 127`, then 32 `i8` values `round(x / d)`.
//! - `q5_1`: f16 scale `d = (max - min) / 31` and f16 `min`, 32 high bits (bit `j` of value `j`),
//!   16 bytes of low nibbles (value `j` in the low half of byte `j`, value `j + 16` in the high
//!   half); a value is `trunc((x - min) / d + 0.5)`.
//! - `q5_0`: f16 scale `d = m / -16` where `m` is the value of largest magnitude (with its sign),
//!   then the high bits and nibbles as in `q5_1` of `min(31, trunc(x / d + 16.5))`.
//!
//! Hand-written rather than taken from candle (which implements the same blocks): the converter
//! would otherwise pull a tensor library and its matrix kernels into model provisioning for three
//! short loops.

use half::f16;

use crate::ggml::{FTYPE_F16, GgmlType, QUANTISATION_VERSION};

/// Values per quantisation block.
pub const BLOCK: usize = 32;

/// How the weight matrices of a converted model are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Quantisation {
    /// 16-bit floats, as in the source model.
    #[value(name = "f16")]
    F16,
    /// 8-bit blocks (ggml `q8_0`): half the size of f16, transcripts unchanged on our audio.
    #[default]
    #[value(name = "q8_0")]
    Q8_0,
    /// 5-bit blocks with a minimum (ggml `q5_1`).
    #[value(name = "q5_1")]
    Q5_1,
    /// 5-bit symmetric blocks (ggml `q5_0`).
    #[value(name = "q5_0")]
    Q5_0,
}

impl Quantisation {
    /// Every storage, in the order `--help` lists them.
    pub const ALL: [Self; 4] = [Self::F16, Self::Q8_0, Self::Q5_1, Self::Q5_0];

    /// The name as users type it (`f16`, `q8_0`, ...), also the model file's suffix.
    pub fn name(self) -> &'static str {
        match self {
            Self::F16 => "f16",
            Self::Q8_0 => "q8_0",
            Self::Q5_1 => "q5_1",
            Self::Q5_0 => "q5_0",
        }
    }

    /// The ggml type of the weight matrices.
    pub fn matrix_type(self) -> GgmlType {
        match self {
            Self::F16 => GgmlType::F16,
            Self::Q8_0 => GgmlType::Q8_0,
            Self::Q5_1 => GgmlType::Q5_1,
            Self::Q5_0 => GgmlType::Q5_0,
        }
    }

    /// The header's `ftype` as whisper.cpp's own quantiser writes it (ggml's `GGML_FTYPE_MOSTLY_*`
    /// plus 1000 times the quantisation version for quantised files).
    pub fn ftype(self) -> i32 {
        let versioned = |ftype: i32| ftype + 1000 * QUANTISATION_VERSION;
        match self {
            Self::F16 => FTYPE_F16,
            Self::Q8_0 => versioned(7),
            Self::Q5_0 => versioned(8),
            Self::Q5_1 => versioned(9),
        }
    }

    /// Encodes `values` (whole rows, row-major, a multiple of [`BLOCK`] long) as the matrix type.
    /// Returns `None` when the length is not a whole number of blocks.
    pub fn encode(self, values: &[f32]) -> Option<Vec<u8>> {
        let ty = self.matrix_type();
        if !values.len().is_multiple_of(ty.block_elements()) {
            return None;
        }
        let mut out = Vec::with_capacity(values.len() / ty.block_elements() * ty.block_bytes());
        match self {
            Self::F16 => out.extend(values.iter().flat_map(|&v| f16::from_f32(v).to_le_bytes())),
            Self::Q8_0 => values
                .chunks_exact(BLOCK)
                .for_each(|block| q8_0_block(block, &mut out)),
            Self::Q5_1 => values
                .chunks_exact(BLOCK)
                .for_each(|block| q5_1_block(block, &mut out)),
            Self::Q5_0 => values
                .chunks_exact(BLOCK)
                .for_each(|block| q5_0_block(block, &mut out)),
        }
        Some(out)
    }
}

impl std::fmt::Display for Quantisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn inverse(scale: f32) -> f32 {
    if scale == 0.0 { 0.0 } else { 1.0 / scale }
}

fn q8_0_block(block: &[f32], out: &mut Vec<u8>) {
    let magnitude = block.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
    let scale = magnitude / 127.0;
    let inverse = inverse(scale);
    out.extend(f16::from_f32(scale).to_le_bytes());
    // `as i8` saturates; the values are within ±127 by construction.
    out.extend(block.iter().map(|v| (v * inverse).round() as i8 as u8));
}

/// Appends the 32 high bits and the 16 nibble bytes of 5-bit values.
fn pack_5_bit(values: &[u8; BLOCK], out: &mut Vec<u8>) {
    let high_bits = values
        .iter()
        .enumerate()
        .fold(0_u32, |bits, (j, &v)| bits | (u32::from((v >> 4) & 1) << j));
    out.extend(high_bits.to_le_bytes());
    let half = BLOCK / 2;
    out.extend((0..half).map(|j| (values[j] & 0x0F) | ((values[j + half] & 0x0F) << 4)));
}

fn q5_1_block(block: &[f32], out: &mut Vec<u8>) {
    let min = block.iter().copied().fold(f32::MAX, f32::min);
    let max = block.iter().copied().fold(-f32::MAX, f32::max);
    let scale = (max - min) / 31.0;
    let inverse = inverse(scale);
    out.extend(f16::from_f32(scale).to_le_bytes());
    out.extend(f16::from_f32(min).to_le_bytes());
    let mut values = [0_u8; BLOCK];
    for (value, x) in values.iter_mut().zip(block) {
        // Truncation after +0.5 rounds the non-negative offset to the nearest step.
        *value = ((x - min) * inverse + 0.5) as u8;
    }
    pack_5_bit(&values, out);
}

fn q5_0_block(block: &[f32], out: &mut Vec<u8>) {
    // The value of largest magnitude, sign kept (the first one on ties).
    let extreme = block
        .iter()
        .copied()
        .fold(0.0_f32, |m, v| if v.abs() > m.abs() { v } else { m });
    let scale = extreme / -16.0;
    let inverse = inverse(scale);
    out.extend(f16::from_f32(scale).to_le_bytes());
    let mut values = [0_u8; BLOCK];
    for (value, x) in values.iter_mut().zip(block) {
        *value = ((x * inverse + 16.5) as i8).min(31) as u8;
    }
    pack_5_bit(&values, out);
}

/// Decodes blocks of `ty` back to values (the inverse whisper.cpp applies; used to check files).
pub fn decode(ty: GgmlType, bytes: &[u8]) -> Vec<f32> {
    let f16_at = |b: &[u8], at: usize| f16::from_le_bytes([b[at], b[at + 1]]).to_f32();
    let unpack_5_bit = |b: &[u8], at: usize| -> [u8; BLOCK] {
        let high = u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let nibbles = &b[at + 4..at + 4 + BLOCK / 2];
        std::array::from_fn(|j| {
            let low = if j < BLOCK / 2 {
                nibbles[j] & 0x0F
            } else {
                nibbles[j - BLOCK / 2] >> 4
            };
            low | ((((high >> j) & 1) as u8) << 4)
        })
    };
    match ty {
        GgmlType::F32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        GgmlType::F16 => bytes.chunks_exact(2).map(|b| f16_at(b, 0)).collect(),
        GgmlType::Q8_0 => bytes
            .chunks_exact(ty.block_bytes())
            .flat_map(|b| {
                let scale = f16_at(b, 0);
                b[2..].iter().map(move |&q| f32::from(q as i8) * scale)
            })
            .collect(),
        GgmlType::Q5_1 => bytes
            .chunks_exact(ty.block_bytes())
            .flat_map(|b| {
                let (scale, min) = (f16_at(b, 0), f16_at(b, 2));
                unpack_5_bit(b, 4).map(|q| f32::from(q) * scale + min)
            })
            .collect(),
        GgmlType::Q5_0 => bytes
            .chunks_exact(ty.block_bytes())
            .flat_map(|b| {
                let scale = f16_at(b, 0);
                unpack_5_bit(b, 2).map(|q| (f32::from(q) - 16.0) * scale)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two blocks of varied values: a ramp and a wave with one large outlier.
    fn sample() -> Vec<f32> {
        (0..2 * BLOCK)
            .map(|i| {
                let x = i as f32;
                if i == 40 {
                    -0.9
                } else if i < BLOCK {
                    x / 31.0 - 0.5
                } else {
                    (x * 0.7).sin() * 0.1
                }
            })
            .collect()
    }

    #[test]
    fn block_sizes_match_ggml() {
        for (quant, bytes) in [
            (Quantisation::Q8_0, 34),
            (Quantisation::Q5_1, 24),
            (Quantisation::Q5_0, 22),
            (Quantisation::F16, 64),
        ] {
            let encoded = quant.encode(&sample()[..BLOCK]).unwrap();
            assert_eq!(encoded.len(), bytes, "{quant}");
            assert_eq!(
                quant.matrix_type().payload_bytes(&[1, BLOCK]),
                Some(bytes),
                "{quant}"
            );
        }
        assert!(Quantisation::Q8_0.encode(&[0.0; 33]).is_none());
        assert_eq!(Quantisation::Q8_0.ftype(), 2007);
        assert_eq!(Quantisation::Q5_0.ftype(), 2008);
        assert_eq!(Quantisation::Q5_1.ftype(), 2009);
        assert_eq!(Quantisation::F16.ftype(), 1);
    }

    #[test]
    fn decoding_recovers_values_within_a_step() {
        let values = sample();
        for quant in [Quantisation::Q8_0, Quantisation::Q5_1, Quantisation::Q5_0] {
            let ty = quant.matrix_type();
            let decoded = decode(ty, &quant.encode(&values).unwrap());
            assert_eq!(decoded.len(), values.len());
            for (block, (original, restored)) in
                values.chunks(BLOCK).zip(decoded.chunks(BLOCK)).enumerate()
            {
                let range = original
                    .iter()
                    .copied()
                    .fold(0.0_f32, |m, v| m.max(v.abs()));
                let levels = match quant {
                    Quantisation::Q8_0 => 127.0,
                    Quantisation::Q5_1 => 15.5,
                    _ => 16.0,
                };
                // Half a step, plus the f16 rounding of the scale; q5_0's range is -16..=15
                // steps, so a positive extreme opposite a negative one is clipped by a step.
                let steps = if quant == Quantisation::Q5_0 {
                    1.0
                } else {
                    0.5
                };
                let tolerance = range / levels * steps * 1.01 + 1e-6;
                for (a, b) in original.iter().zip(restored) {
                    assert!(
                        (a - b).abs() <= tolerance,
                        "{quant} block {block}: {a} -> {b} (tolerance {tolerance})"
                    );
                }
            }
        }
    }

    #[test]
    fn q8_0_layout_is_scale_then_signed_bytes() {
        let mut block = [0.0_f32; BLOCK];
        block[0] = 1.27;
        block[1] = -0.635;
        block[2] = 0.004;
        let bytes = Quantisation::Q8_0.encode(&block).unwrap();
        assert_eq!(
            f16::from_le_bytes([bytes[0], bytes[1]]),
            f16::from_f32(0.01)
        );
        assert_eq!(bytes[2] as i8, 127);
        assert_eq!(bytes[3] as i8, -64, "-63.5 rounds away from zero");
        assert_eq!(bytes[4] as i8, 0);
    }

    #[test]
    fn five_bit_high_bits_and_nibbles_are_where_ggml_reads_them() {
        // q5_1 of 0..=31: value j is j itself (min 0, scale 1).
        let ramp: Vec<f32> = (0..BLOCK).map(|j| j as f32).collect();
        let bytes = Quantisation::Q5_1.encode(&ramp).unwrap();
        assert_eq!(f16::from_le_bytes([bytes[0], bytes[1]]).to_f32(), 1.0);
        assert_eq!(f16::from_le_bytes([bytes[2], bytes[3]]).to_f32(), 0.0);
        // Values 16..=31 have bit 4 set.
        assert_eq!(
            u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            0xFFFF_0000
        );
        // Byte j: value j low, value j+16 high (both with low nibble j).
        for j in 0..16 {
            assert_eq!(bytes[8 + j], (j as u8) | ((j as u8) << 4));
        }
        // An all-zero block has scale 0 and decodes to zeros.
        let zeros = Quantisation::Q5_0.encode(&[0.0; BLOCK]).unwrap();
        assert!(decode(GgmlType::Q5_0, &zeros).iter().all(|&v| v == 0.0));
    }
}
