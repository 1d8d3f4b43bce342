//! WAV reading and conversion to 16 kHz mono: formats, rates, tone preservation, bad files.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use audio_capture::convert::{MonoConverter, TARGET_RATE_HZ, output_len};
use audio_capture::wav::{WavError, read_mono_16k};

const TONE_HZ: f64 = 440.0;

fn tone(rate: u32, frame: usize) -> f64 {
    0.5 * (2.0 * std::f64::consts::PI * TONE_HZ * frame as f64 / f64::from(rate)).sin()
}

/// Writes a tone WAV: every channel carries the tone (channel 1 at a third amplitude, so the
/// downmix is a real average).
fn write_tone(path: &Path, spec: hound::WavSpec, seconds: f64) {
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    let frames = (seconds * f64::from(spec.sample_rate)).round() as usize;
    for frame in 0..frames {
        let value = tone(spec.sample_rate, frame);
        for channel in 0..spec.channels {
            let value = if channel == 1 { value / 3.0 } else { value };
            match (spec.sample_format, spec.bits_per_sample) {
                (hound::SampleFormat::Float, _) => writer.write_sample(value as f32).unwrap(),
                (hound::SampleFormat::Int, 8) => {
                    writer.write_sample((value * 127.0) as i8).unwrap()
                }
                (hound::SampleFormat::Int, 16) => {
                    writer.write_sample((value * 32767.0) as i16).unwrap()
                }
                (hound::SampleFormat::Int, bits) => writer
                    .write_sample((value * ((1i64 << (bits - 1)) - 1) as f64) as i32)
                    .unwrap(),
            }
        }
    }
    writer.finalize().unwrap();
}

fn spec(sample_rate: u32, channels: u16, bits: u16, float: bool) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    }
}

/// Frequency from rising zero crossings between the first and last crossing, ignoring the
/// edges (resampler ramp-in/out).
fn frequency_hz(samples: &[f32], rate: u32) -> f64 {
    let margin = (rate / 20) as usize;
    let body = &samples[margin..samples.len() - margin];
    let rising: Vec<usize> = body
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, _)| i)
        .collect();
    let cycles = (rising.len() - 1) as f64;
    let span = (rising[rising.len() - 1] - rising[0]) as f64;
    cycles * f64::from(rate) / span
}

fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
}

fn temp_path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn tone_survives_every_format_and_rate() {
    let dir = tempfile::tempdir().unwrap();
    let seconds = 1.5;
    let cases = [
        ("48k_stereo_f32", spec(48_000, 2, 32, true)),
        ("44k1_i16", spec(44_100, 1, 16, false)),
        ("44k1_stereo_i16", spec(44_100, 2, 16, false)),
        ("16k_i16", spec(16_000, 1, 16, false)),
        ("8k_u8", spec(8_000, 1, 8, false)),
        ("22k05_i24_3ch", spec(22_050, 3, 24, false)),
        ("96k_i32", spec(96_000, 1, 32, false)),
    ];
    for (name, spec) in cases {
        let path = temp_path(&dir, &format!("{name}.wav"));
        write_tone(&path, spec, seconds);
        let mono = read_mono_16k(&path).unwrap();
        let frames = (seconds * f64::from(spec.sample_rate)).round() as u64;
        assert_eq!(
            mono.len() as u64,
            output_len(frames, spec.sample_rate),
            "{name}"
        );
        // Duration within one 20 ms chunk of the original.
        let duration = mono.len() as f64 / f64::from(TARGET_RATE_HZ);
        assert!((duration - seconds).abs() < 0.02, "{name}: {duration} s");
        let frequency = frequency_hz(&mono, TARGET_RATE_HZ);
        assert!((frequency - TONE_HZ).abs() < 1.0, "{name}: {frequency} Hz");
        // Channel average: (1 + 1/3) / 2 of 0.5 amplitude for stereo, amplitude kept for mono.
        let amplitude = match spec.channels {
            1 => 0.5,
            2 => 0.5 * (1.0 + 1.0 / 3.0) / 2.0,
            _ => 0.5 * (2.0 + 1.0 / 3.0) / 3.0,
        };
        let body = &mono[1600..mono.len() - 1600];
        let expected_rms = amplitude / std::f64::consts::SQRT_2;
        // 8-bit samples lose up to one step of 1/128 to truncation.
        let tolerance = if spec.bits_per_sample == 8 {
            0.03
        } else {
            0.01
        };
        assert!(
            (rms(body) - expected_rms).abs() < tolerance * expected_rms,
            "{name}: rms {} vs {expected_rms}",
            rms(body)
        );
    }
}

#[test]
fn streaming_in_any_block_sizes_equals_one_shot() {
    let rate = 44_100;
    let input: Vec<f32> = (0..30_011)
        .flat_map(|i| {
            let v = tone(rate, i) as f32;
            [v, -v * 0.5]
        })
        .collect();
    let mut one_shot = Vec::new();
    let mut converter = MonoConverter::new(rate, 2).unwrap();
    converter.push(&input, &mut one_shot).unwrap();
    converter.finish(&mut one_shot).unwrap();
    assert_eq!(one_shot.len() as u64, output_len(30_011, rate));

    // The same converter, reused after `finish`, fed in uneven blocks.
    let mut streamed = Vec::new();
    let mut offset = 0;
    for (step, size) in [1usize, 7, 480, 4096, 13, 1024, 999]
        .iter()
        .cycle()
        .enumerate()
    {
        if offset >= input.len() {
            break;
        }
        let end = (offset + size * 2).min(input.len());
        converter.push(&input[offset..end], &mut streamed).unwrap();
        offset = end;
        assert!(step < 10_000);
    }
    converter.finish(&mut streamed).unwrap();
    assert_eq!(streamed, one_shot);
}

#[test]
fn partial_frames_are_refused() {
    let mut converter = MonoConverter::new(48_000, 2).unwrap();
    let error = converter.push(&[0.0; 3], &mut Vec::new()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "3 interleaved samples are not whole frames of 2 channels"
    );
    assert!(MonoConverter::new(0, 1).is_err());
    assert!(MonoConverter::new(16_000, 0).is_err());
}

fn expect_error(path: &Path) -> WavError {
    let error = read_mono_16k(path).unwrap_err();
    assert_eq!(error.path(), path);
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    error
}

#[test]
fn bad_files_give_typed_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();

    let missing = temp_path(&dir, "missing.wav");
    assert!(matches!(expect_error(&missing), WavError::Io { .. }));

    let text = temp_path(&dir, "text.wav");
    std::fs::write(&text, "this is not audio at all, just some text").unwrap();
    assert!(matches!(expect_error(&text), WavError::NotWav { .. }));

    let zero_bytes = temp_path(&dir, "zero.wav");
    std::fs::write(&zero_bytes, "").unwrap();
    assert!(matches!(expect_error(&zero_bytes), WavError::Empty { .. }));

    let empty = temp_path(&dir, "empty.wav");
    hound::WavWriter::create(&empty, spec(16_000, 1, 16, false))
        .unwrap()
        .finalize()
        .unwrap();
    assert!(matches!(expect_error(&empty), WavError::Empty { .. }));

    let full = temp_path(&dir, "full.wav");
    write_tone(&full, spec(16_000, 1, 16, false), 0.5);
    let bytes = std::fs::read(&full).unwrap();
    let truncated = temp_path(&dir, "truncated.wav");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    match expect_error(&truncated) {
        WavError::Truncated { expected, read, .. } => {
            assert_eq!(expected, 8000);
            assert_eq!(read, (bytes.len() as u64 / 2 - 44) / 2);
        }
        other => panic!("{other}"),
    }
    let header_only = temp_path(&dir, "header_only.wav");
    std::fs::write(&header_only, &bytes[..20]).unwrap();
    assert!(matches!(
        expect_error(&header_only),
        WavError::NotWav { .. }
    ));

    // A valid RIFF/WAVE file whose fmt chunk says IMA ADPCM (format tag 0x11).
    let mut adpcm = bytes.clone();
    adpcm[20] = 0x11;
    let compressed = temp_path(&dir, "adpcm.wav");
    std::fs::write(&compressed, &adpcm).unwrap();
    assert!(matches!(
        expect_error(&compressed),
        WavError::Unsupported { .. }
    ));
}

#[test]
fn jfk_wav_is_eleven_seconds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/jfk.wav");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let mono = read_mono_16k(&path).unwrap();
    let seconds = mono.len() as f64 / 16_000.0;
    assert!((seconds - 11.0).abs() < 0.05, "{seconds} s");
    assert!(rms(&mono) > 0.01);
}
