//! Speech to text: the [`Transcriber`] trait the logic owns, and its whisper.cpp implementation.
//!
//! Per utterance, [`WhisperTranscriber`] decodes greedily with no temperature fallback, no
//! timestamps, one segment, a token bound and an `audio_ctx` fitted to the clip, at least 768
//! positions (15.4 s): the encoder runs on half of whisper's fixed 30 s window or less, and a
//! tighter window makes tiny.en loop (measured with `--example ctx_sweep`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use crate::guards::RawTranscript;
use crate::params::Decoding;
use crate::vad::SAMPLE_RATE;

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    /// The model file is not there.
    #[error(
        "whisper model not found at {path}; download it with `embodied models fetch` or set the `whisper_model` parameter"
    )]
    ModelMissing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// whisper.cpp refused the file.
    #[error("cannot load whisper model {path}: {source}")]
    LoadModel {
        /// The model file.
        path: PathBuf,
        /// whisper's error.
        #[source]
        source: whisper_rs::WhisperError,
    },
    /// The prompt could not be tokenised.
    #[error("cannot tokenise the whisper prompt: {source}")]
    Prompt {
        /// whisper's error.
        #[source]
        source: whisper_rs::WhisperError,
    },
    /// Recognition failed.
    #[error("whisper failed on {seconds:.2} s of audio: {source}")]
    Recognise {
        /// Length of the audio.
        seconds: f64,
        /// whisper's error.
        #[source]
        source: whisper_rs::WhisperError,
    },
}

/// Turns one utterance of 16 kHz mono audio into text with scores.
pub trait Transcriber: Send {
    /// Recognises `samples` (16 kHz mono in [-1, 1]).
    ///
    /// # Errors
    /// [`TranscribeError::Recognise`] if the recogniser fails.
    fn transcribe(&mut self, samples: &[f32]) -> Result<RawTranscript, TranscribeError>;
    /// Model name for the transcript, e.g. "whisper-tiny.en".
    fn model_name(&self) -> &str;
}

/// The default model location under the cache directory.
pub fn default_model_path(cache_dir: &Path) -> PathBuf {
    cache_dir.join("whisper").join("ggml-tiny.en.bin")
}

/// The cache directory: `$EMBODIED_CACHE_DIR` if set, else `$HOME/.cache/embodied`. The caller
/// reads the environment and passes both values in.
pub fn cache_dir(embodied_cache_dir: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    embodied_cache_dir
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(|| home.map(|home| home.join(".cache").join("embodied")))
}

/// The model file named by the `whisper_model` parameter, or the default one.
pub fn resolve_model_path(parameter: &Path, cache_dir: Option<&Path>) -> PathBuf {
    match (parameter.as_os_str().is_empty(), cache_dir) {
        (false, _) => parameter.to_path_buf(),
        (true, Some(cache)) => default_model_path(cache),
        (true, None) => default_model_path(Path::new(".cache/embodied")),
    }
}

/// Which encoder window whisper uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// `audio_ctx` fitted to the clip plus a margin.
    Fitted,
    /// whisper.cpp's default: the whole 30 s window, timestamps on, temperature fallback on,
    /// no prompt (for comparison in the benchmark).
    CppDefaults,
}

/// How [`WhisperTranscriber`] decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperOptions {
    /// CPU threads.
    pub threads: u32,
    /// Greedy or beam search.
    pub decoding: Decoding,
    /// Upper bound on decoded tokens.
    pub max_tokens: u32,
    /// Initial prompt (the world's vocabulary), if any.
    pub prompt: Option<String>,
    /// Encoder window.
    pub window: Window,
}

/// Encoder positions per second of audio (whisper: 1500 for 30 s).
const ENCODER_POSITIONS_PER_S: f64 = 50.0;
/// Extra encoder positions beyond the clip: a window that ends right at the last word makes
/// whisper loop or invent an ending.
const AUDIO_CTX_MARGIN_S: f64 = 1.0;
/// whisper.cpp refuses input shorter than 1 s; shorter clips are padded with silence to this.
const MIN_INPUT_SAMPLES: usize = SAMPLE_RATE as usize * 11 / 10;

/// The smallest encoder window used: measured on jfk.wav's 1.6-3.3 s utterances, a window
/// fitted tightly to the clip (192 positions) makes tiny.en repeat its sentence until the
/// token bound ("And so my fellow Americans. And so my fellow Americans. ...").
const MIN_AUDIO_CTX: u32 = 768;

/// `audio_ctx` for a clip of `samples`: its length plus a margin, rounded up to 64 positions,
/// at least [`MIN_AUDIO_CTX`].
pub fn fitted_audio_ctx(samples: usize) -> u32 {
    let seconds = samples as f64 / f64::from(SAMPLE_RATE) + AUDIO_CTX_MARGIN_S;
    let positions = (seconds * ENCODER_POSITIONS_PER_S).ceil() as u32;
    positions
        .div_ceil(64)
        .saturating_mul(64)
        .clamp(MIN_AUDIO_CTX, 1500)
}

/// Token bound for a clip: fast speech is about 4 tokens per second; the bound leaves room for
/// twice that and caps a loop early.
fn token_bound(samples: usize, max_tokens: u32) -> u32 {
    let seconds = samples as f64 / f64::from(SAMPLE_RATE);
    (16 + (8.0 * seconds).ceil() as u32).min(max_tokens)
}

/// whisper.cpp through whisper-rs, with one reusable decoding state.
pub struct WhisperTranscriber {
    // Field order: the state must drop before the context it was made from.
    state: WhisperState,
    context: WhisperContext,
    options: WhisperOptions,
    prompt_tokens: Vec<i32>,
    model_name: String,
}

impl std::fmt::Debug for WhisperTranscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperTranscriber")
            .field("model", &self.model_name)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl WhisperTranscriber {
    /// Loads a ggml model file.
    ///
    /// # Errors
    /// [`TranscribeError::ModelMissing`] if there is no file at `path`,
    /// [`TranscribeError::LoadModel`] if whisper.cpp cannot load it.
    pub fn load(path: &Path, options: WhisperOptions) -> Result<Self, TranscribeError> {
        if !path.is_file() {
            return Err(TranscribeError::ModelMissing {
                path: path.to_path_buf(),
            });
        }
        // whisper.cpp's log lines go to `tracing` (target whisper_rs::*), not stderr.
        whisper_rs::install_logging_hooks();
        let load_error = |source| TranscribeError::LoadModel {
            path: path.to_path_buf(),
            source,
        };
        let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(load_error)?;
        let state = context.create_state().map_err(load_error)?;
        let model_name = model_name_of(path);
        let mut transcriber = Self {
            state,
            context,
            options: options.clone(),
            prompt_tokens: Vec::new(),
            model_name,
        };
        transcriber.set_options(options)?;
        Ok(transcriber)
    }

    /// The decoding options.
    pub fn options(&self) -> &WhisperOptions {
        &self.options
    }

    /// Changes the decoding options (the benchmark compares settings on one loaded model).
    ///
    /// # Errors
    /// [`TranscribeError::Prompt`] if the prompt cannot be tokenised.
    pub fn set_options(&mut self, options: WhisperOptions) -> Result<(), TranscribeError> {
        self.prompt_tokens = match &options.prompt {
            Some(prompt) if options.window == Window::Fitted => {
                // Leading space: how a prompt word follows the start of text in training data.
                let text = format!(" {}", prompt.replace('\0', " "));
                let max = (self.context.n_text_ctx() / 2).max(1) as usize;
                self.context
                    .tokenize(&text, max)
                    .map_err(|source| TranscribeError::Prompt { source })?
            }
            _ => Vec::new(),
        };
        self.options = options;
        Ok(())
    }
}

/// whisper's parameters for one clip of `samples`; `prompt_tokens` borrowed for the call.
fn full_params<'t>(
    options: &WhisperOptions,
    prompt_tokens: &'t [i32],
    samples: usize,
) -> FullParams<'static, 't> {
    let strategy = match options.decoding {
        Decoding::Greedy => SamplingStrategy::Greedy { best_of: 1 },
        Decoding::BeamSearch => SamplingStrategy::BeamSearch {
            beam_size: 5,
            patience: -1.0,
        },
    };
    // Language stays at its default, "en" (setting it again leaks a C string per call).
    let mut params = FullParams::new(strategy);
    params.set_n_threads(options.threads as i32);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);
    if options.window == Window::CppDefaults {
        return params;
    }
    params.set_no_context(true);
    params.set_no_timestamps(true);
    params.set_single_segment(true);
    params.set_temperature(0.0);
    // 0 turns the temperature fallback loop off: one decode per utterance.
    params.set_temperature_inc(0.0);
    params.set_suppress_blank(true);
    params.set_suppress_nst(true);
    params.set_max_tokens(token_bound(samples, options.max_tokens) as i32);
    params.set_audio_ctx(fitted_audio_ctx(samples) as i32);
    // The prompt as tokens (tokenised once at load): whisper-rs's `set_initial_prompt` leaks
    // its C string on every call.
    if !prompt_tokens.is_empty() {
        params.set_tokens(prompt_tokens);
    }
    params
}

/// "ggml-tiny.en.bin" → "whisper-tiny.en".
fn model_name_of(path: &Path) -> String {
    let stem = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let core = stem
        .strip_prefix("ggml-")
        .unwrap_or(&stem)
        .trim_end_matches(".bin");
    format!("whisper-{core}")
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(&mut self, samples: &[f32]) -> Result<RawTranscript, TranscribeError> {
        let started = Instant::now();
        let seconds = samples.len() as f64 / f64::from(SAMPLE_RATE);
        let mut padded;
        let input = if samples.len() < MIN_INPUT_SAMPLES {
            padded = samples.to_vec();
            padded.resize(MIN_INPUT_SAMPLES, 0.0);
            &padded[..]
        } else {
            samples
        };
        let params = full_params(&self.options, &self.prompt_tokens, input.len());
        self.state
            .full(params, input)
            .map_err(|source| TranscribeError::Recognise { seconds, source })?;
        let end_of_text = self.context.token_eot();
        let mut raw = RawTranscript::default();
        for segment in self.state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|source| TranscribeError::Recognise { seconds, source })?;
            raw.text.push_str(&text);
            raw.no_speech_probability = raw
                .no_speech_probability
                .max(segment.no_speech_probability());
            for index in 0..segment.n_tokens() {
                if let Some(token) = segment.get_token(index)
                    && token.token_id() < end_of_text
                {
                    raw.token_probabilities.push(token.token_probability());
                }
            }
        }
        raw.text = raw.text.trim().to_string();
        tracing::debug!(
            seconds,
            elapsed_ms = started.elapsed().as_millis() as u64,
            text = %raw.text,
            "whisper"
        );
        Ok(raw)
    }

    fn model_name(&self) -> &str {
        &self.model_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_ctx_covers_the_clip_with_a_margin() {
        assert_eq!(fitted_audio_ctx(16_000), MIN_AUDIO_CTX);
        assert_eq!(fitted_audio_ctx(16_000 * 18), 960);
        assert_eq!(fitted_audio_ctx(16_000 * 40), 1500);
    }

    #[test]
    fn model_paths_and_names() {
        assert_eq!(
            resolve_model_path(Path::new(""), Some(Path::new("/c"))),
            PathBuf::from("/c/whisper/ggml-tiny.en.bin")
        );
        assert_eq!(
            resolve_model_path(Path::new("/m/x.bin"), Some(Path::new("/c"))),
            PathBuf::from("/m/x.bin")
        );
        assert_eq!(
            cache_dir(Some(PathBuf::from("/e")), Some(PathBuf::from("/h"))),
            Some(PathBuf::from("/e"))
        );
        assert_eq!(
            cache_dir(Some(PathBuf::new()), Some(PathBuf::from("/h"))),
            Some(PathBuf::from("/h/.cache/embodied"))
        );
        assert_eq!(
            model_name_of(Path::new("/a/ggml-tiny.en.bin")),
            "whisper-tiny.en"
        );
    }

    #[test]
    fn a_missing_model_names_the_path_and_the_fetch_command() {
        let options = WhisperOptions {
            threads: 1,
            decoding: Decoding::Greedy,
            max_tokens: 64,
            prompt: None,
            window: Window::Fitted,
        };
        let error = WhisperTranscriber::load(Path::new("/nonexistent/ggml-x.bin"), options)
            .unwrap_err()
            .to_string();
        assert!(error.contains("/nonexistent/ggml-x.bin"), "{error}");
        assert!(error.contains("embodied models fetch"), "{error}");
    }
}
