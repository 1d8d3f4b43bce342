//! The mel filter bank whisper.cpp reads from the model file: triangular filters on the Slaney mel
//! scale with Slaney area normalisation (what openai-whisper ships as `mel_filters.npz`, made by
//! librosa's `filters.mel` with its defaults). Computed in f64 and stored as f32.

/// Whisper's sample rate in Hz.
pub const SAMPLE_RATE_HZ: f64 = 16_000.0;
/// Whisper's FFT size (25 ms at 16 kHz).
pub const N_FFT: usize = 400;

/// Below this frequency the Slaney scale is linear.
const LINEAR_LIMIT_HZ: f64 = 1000.0;
/// Hz per mel in the linear part.
const HZ_PER_MEL: f64 = 200.0 / 3.0;

fn log_step() -> f64 {
    // 27 mels per factor 6.4 above 1 kHz.
    6.4_f64.ln() / 27.0
}

/// Hertz to Slaney mels.
pub fn hz_to_mel(hz: f64) -> f64 {
    let linear_limit_mel = LINEAR_LIMIT_HZ / HZ_PER_MEL;
    if hz >= LINEAR_LIMIT_HZ {
        linear_limit_mel + (hz / LINEAR_LIMIT_HZ).ln() / log_step()
    } else {
        hz / HZ_PER_MEL
    }
}

/// Slaney mels to hertz.
pub fn mel_to_hz(mel: f64) -> f64 {
    let linear_limit_mel = LINEAR_LIMIT_HZ / HZ_PER_MEL;
    if mel >= linear_limit_mel {
        LINEAR_LIMIT_HZ * (log_step() * (mel - linear_limit_mel)).exp()
    } else {
        mel * HZ_PER_MEL
    }
}

/// A filter bank: `n_mels` rows of `n_freqs` weights, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilters {
    /// Number of mel bands (rows).
    pub n_mels: usize,
    /// Number of FFT bins, `n_fft / 2 + 1` (columns).
    pub n_freqs: usize,
    /// Row-major weights.
    pub weights: Vec<f64>,
}

impl MelFilters {
    /// The Slaney-normalised bank for `n_mels` bands over 0 Hz to Nyquist for Whisper's FFT size.
    pub fn slaney(n_mels: usize) -> Self {
        let n_freqs = N_FFT / 2 + 1;
        let nyquist = SAMPLE_RATE_HZ / 2.0;
        let fft_freqs: Vec<f64> = (0..n_freqs)
            .map(|bin| bin as f64 * nyquist / (n_freqs - 1) as f64)
            .collect();
        // n_mels + 2 band edges equally spaced in mels.
        let max_mel = hz_to_mel(nyquist);
        let edges_hz: Vec<f64> = (0..n_mels + 2)
            .map(|i| mel_to_hz(max_mel * i as f64 / (n_mels + 1) as f64))
            .collect();
        let mut weights = vec![0.0; n_mels * n_freqs];
        for band in 0..n_mels {
            let (lower, center, upper) = (edges_hz[band], edges_hz[band + 1], edges_hz[band + 2]);
            // Slaney normalisation: each triangle has unit area in Hz (height 2 / width).
            let norm = 2.0 / (upper - lower);
            for (bin, &freq) in fft_freqs.iter().enumerate() {
                let rising = (freq - lower) / (center - lower);
                let falling = (upper - freq) / (upper - center);
                weights[band * n_freqs + bin] = rising.min(falling).max(0.0) * norm;
            }
        }
        Self {
            n_mels,
            n_freqs,
            weights,
        }
    }

    /// One band's weights.
    pub fn row(&self, band: usize) -> &[f64] {
        &self.weights[band * self.n_freqs..(band + 1) * self.n_freqs]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_is_linear_then_logarithmic_and_invertible() {
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(200.0) - 3.0).abs() < 1e-12);
        // 27 mels per factor 6.4 above 1 kHz.
        assert!((hz_to_mel(6400.0) - 42.0).abs() < 1e-12);
        for hz in [0.0, 10.0, 999.0, 1000.0, 1234.5, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9, "{hz}");
        }
    }

    #[test]
    fn bank_has_whispers_shape_and_triangles() {
        let bank = MelFilters::slaney(80);
        assert_eq!((bank.n_mels, bank.n_freqs), (80, 201));
        assert_eq!(bank.weights.len(), 80 * 201);
        let mut previous_peak = 0;
        for band in 0..80 {
            let row = bank.row(band);
            assert!(
                row.iter().all(|&w| w >= 0.0 && w.is_finite()),
                "band {band}"
            );
            // Non-zero weights form one contiguous run: a single triangle.
            let nonzero: Vec<usize> = (0..201).filter(|&i| row[i] > 0.0).collect();
            assert!(!nonzero.is_empty(), "band {band} is empty");
            assert_eq!(
                nonzero.last().unwrap() - nonzero[0] + 1,
                nonzero.len(),
                "band {band}"
            );
            let peak = (0..201).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert!(
                peak >= previous_peak,
                "band {band} peaks before band {}",
                band - 1
            );
            previous_peak = peak;
        }
        // DC and Nyquist are outside every triangle.
        assert!((0..80).all(|band| bank.row(band)[0] == 0.0 && bank.row(band)[200] == 0.0));
    }

    #[test]
    fn wide_triangles_have_unit_area() {
        // Slaney normalisation: each triangle integrates to 1 over Hz; sampled every 40 Hz the
        // sum times 40 approximates that once a triangle spans many bins.
        let bank = MelFilters::slaney(80);
        let bin_hz = SAMPLE_RATE_HZ / N_FFT as f64;
        for band in 60..80 {
            let area: f64 = bank.row(band).iter().sum::<f64>() * bin_hz;
            assert!((area - 1.0).abs() < 0.02, "band {band}: area {area}");
        }
    }

    #[test]
    fn matches_librosa_reference_values() {
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels=80), the source of openai-whisper's
        // mel_filters.npz.
        let bank = MelFilters::slaney(80);
        for (band, bin, expected) in [
            (0, 1, 0.024_862_594),
            (1, 1, 0.001_990_822),
            (1, 2, 0.022_871_772),
        ] {
            let actual = bank.row(band)[bin];
            assert!(
                (actual - expected).abs() < 1e-9,
                "[{band}][{bin}] = {actual}"
            );
        }
    }
}
