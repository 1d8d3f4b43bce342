//! Shared helpers of the recogniser's tests: the model (loaded once per test binary), test
//! audio and synthetic noise.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use asr::recognise::{Recogniser, whisper_options};
use asr::transcriber::WhisperTranscriber;
use asr::{Lexicon, Params};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The model path, or `None` (with a message) if it is not provisioned on this machine.
pub fn model_path() -> Option<PathBuf> {
    let path = asr::cli::model_path(None);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: no whisper model at {} (run `embodied models fetch`)",
            path.display()
        );
        None
    }
}

/// One recogniser per test binary (loading whisper takes a while), shared under a lock.
pub fn recogniser() -> Option<&'static Mutex<Recogniser<WhisperTranscriber>>> {
    static RECOGNISER: OnceLock<Option<Mutex<Recogniser<WhisperTranscriber>>>> = OnceLock::new();
    RECOGNISER
        .get_or_init(|| {
            let path = model_path()?;
            let params = Params::default();
            let lexicon = Lexicon::default();
            let whisper = WhisperTranscriber::load(&path, whisper_options(&params, &lexicon))
                .expect("the provisioned model loads");
            Some(Mutex::new(Recogniser::new(whisper, &params, lexicon)))
        })
        .as_ref()
}

/// `shared/data/jfk.wav`, or `None` (with a message) if absent.
pub fn jfk_path() -> Option<PathBuf> {
    let path = asr::cli::data_dir().join("jfk.wav");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("SKIPPED: {} is absent", path.display());
        None
    }
}

/// jfk.wav as 16 kHz mono.
pub fn jfk() -> Option<Vec<f32>> {
    Some(audio_capture::wav::read_mono_16k(&jfk_path()?).expect("jfk.wav reads"))
}

/// Seconds of silence.
pub fn silence(seconds: f32) -> Vec<f32> {
    vec![0.0; (seconds * 16_000.0) as usize]
}

fn gaussian(rng: &mut StdRng) -> f32 {
    // Box-Muller.
    let u1: f32 = rng.random_range(1e-7..1.0);
    let u2: f32 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
}

fn scale_to_dbfs(mut samples: Vec<f32>, dbfs: f32) -> Vec<f32> {
    let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt();
    let gain = 10f32.powf(dbfs / 20.0) / rms.max(1e-9);
    for sample in &mut samples {
        *sample = (*sample * gain).clamp(-1.0, 1.0);
    }
    samples
}

/// White noise at `dbfs` RMS, seeded.
pub fn white_noise(seconds: f32, dbfs: f32, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let samples = (0..(seconds * 16_000.0) as usize)
        .map(|_| gaussian(&mut rng))
        .collect();
    scale_to_dbfs(samples, dbfs)
}

/// Brown (random-walk) noise at `dbfs` RMS, seeded.
pub fn brown_noise(seconds: f32, dbfs: f32, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut level = 0.0_f32;
    let samples = (0..(seconds * 16_000.0) as usize)
        .map(|_| {
            // A leaky integrator keeps the walk from drifting off.
            level = 0.998 * level + 0.02 * gaussian(&mut rng);
            level
        })
        .collect();
    scale_to_dbfs(samples, dbfs)
}

/// Mains hum: 50 Hz with its odd harmonics, at `dbfs` RMS.
pub fn hum(seconds: f32, dbfs: f32) -> Vec<f32> {
    let samples = (0..(seconds * 16_000.0) as usize)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            [(1.0, 1.0), (3.0, 0.3), (5.0, 0.1)]
                .iter()
                .map(|(k, a)| a * (std::f32::consts::TAU * 50.0 * k * t).sin())
                .sum()
        })
        .collect();
    scale_to_dbfs(samples, dbfs)
}

/// The noise set on which no transcript may appear: name and 5 s of audio.
pub fn noise_set() -> Vec<(&'static str, Vec<f32>)> {
    vec![
        ("silence", silence(5.0)),
        ("white noise -20 dBFS", white_noise(5.0, -20.0, 1)),
        ("white noise -40 dBFS", white_noise(5.0, -40.0, 2)),
        ("brown noise -20 dBFS", brown_noise(5.0, -20.0, 3)),
        ("50 Hz hum -12 dBFS", hum(5.0, -12.0)),
    ]
}

/// Writes 16-bit PCM WAV.
pub fn write_wav(path: &std::path::Path, samples: &[f32], rate: u32, channels: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).expect("create wav");
    for sample in samples {
        writer
            .write_sample((sample.clamp(-1.0, 1.0) * 32767.0) as i16)
            .expect("write sample");
    }
    writer.finalize().expect("finalize wav");
}

/// Commands of the assistant's domain (numbers as digits in the reference).
pub const COMMANDS: &[&str] = &[
    "go to the kitchen",
    "go to the living room",
    "please go to the bedroom",
    "drive to the bathroom",
    "head to the office",
    "go back to the charging dock",
    "go to the hallway",
    "move forward 2 meters",
    "move back 1 meter",
    "move forward 50 centimeters",
    "turn left 90 degrees",
    "turn right 45 degrees",
    "turn around",
    "stop",
    "stop right now",
    "find my keys",
    "where is the remote control",
    "can you find the water bottle",
    "look for my phone",
    "find the book",
    "where did I leave my backpack",
    "bring me the cup",
    "bring me an apple",
    "bring the book to the office",
    "bring my phone to the bedroom",
    "take the water bottle to the kitchen",
    "what do you see",
    "describe the room",
    "what is your battery level",
    "how are you doing",
    "where are you right now",
    "hello robot",
    "thank you very much",
    "good morning",
    "what is your name",
    "my name is Alice",
    "remember that my keys are in the office",
    "the remote control is in the living room",
    "forget where my phone is",
    "go to the kitchen and then bring me the cup",
    "first go to the office and then turn left",
    "could you please fetch the backpack",
];

/// espeak-ng voices and speeds (words per minute) the commands are spoken with.
pub const VOICES: &[&str] = &["en-us+m3", "en-us+f3", "en-gb+m7"];
/// Two speaking rates.
pub const SPEEDS: &[u32] = &[140, 175];
