//! Speech to text: the [`Transcriber`] trait the logic owns, and its whisper.cpp implementation.
//!
//! Per utterance, [`WhisperTranscriber`] decodes greedily with no temperature fallback, no
//! timestamps, one segment, a token bound and an `audio_ctx` fitted to the clip (the encoder's
//! cost grows with it; whisper's fixed window is 1500 positions, 30 s). A tight window can make
//! tiny.en repeat its sentence until the token bound. Such a decode (a repeated phrase, or the
//! bound reached) is taken once when it is one phrase said over and over from the start, and
//! otherwise retried with a slightly wider window, then if need be a much wider one (measured
//! with `--example ctx_sweep`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use crate::guards::{RawTranscript, doubled_phrase, leading_repeat, looped_phrase};
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
    /// The recognition was cancelled before it finished (speech went on after an early
    /// recognition started).
    #[error("recognition cancelled")]
    Cancelled,
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

/// Stops a recognition in progress: shared by whoever asked for it and the thread running it.
/// Equal when both handles are the same flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the recognition to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Turns one utterance of 16 kHz mono audio into text with scores.
pub trait Transcriber: Send {
    /// Recognises `samples` (16 kHz mono in [-1, 1]), stopping early when `cancel` is set.
    ///
    /// # Errors
    /// [`TranscribeError::Recognise`] if the recogniser fails, [`TranscribeError::Cancelled`]
    /// if `cancel` was set before it finished.
    fn transcribe(
        &mut self,
        samples: &[f32],
        cancel: &Cancel,
    ) -> Result<RawTranscript, TranscribeError>;
    /// Model name for the transcript, e.g. "whisper-tiny.en".
    fn model_name(&self) -> &str;
}

/// The default model's file: tiny.en with 8-bit weight blocks, as `embodied models fetch`
/// provisions it (`--quant f16` gives `ggml-tiny.en.bin`).
pub const DEFAULT_MODEL_FILE: &str = "ggml-tiny.en-q8_0.bin";

/// The default model location under the cache directory.
pub fn default_model_path(cache_dir: &Path) -> PathBuf {
    cache_dir.join("whisper").join(DEFAULT_MODEL_FILE)
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
    /// Fitted window: seconds of encoder positions beyond the clip.
    pub audio_ctx_margin_s: f64,
    /// Fitted window: fewest encoder positions on the first decode (a loop retries with
    /// [`RETRY_EXTRA_AUDIO_CTX`] more, then with at least [`RETRY_AUDIO_CTX`]).
    pub min_audio_ctx: u32,
    /// A loop that is one phrase said over and over from the start is taken as that phrase,
    /// without the retry (which costs about twice the first decode).
    pub trim_loops: bool,
    /// whisper.cpp's fused attention kernels; read when the model is loaded
    /// ([`WhisperTranscriber::set_options`] keeps the loaded setting).
    pub flash_attention: bool,
}

/// Encoder positions per second of audio (whisper: 1500 for 30 s).
const ENCODER_POSITIONS_PER_S: f64 = 50.0;
/// Default of [`WhisperOptions::audio_ctx_margin_s`]: a window that ends right at the last word
/// makes whisper loop or invent an ending more often.
pub const AUDIO_CTX_MARGIN_S: f64 = 1.0;
/// whisper.cpp refuses input shorter than 1 s; shorter clips are padded with silence to this.
const MIN_INPUT_SAMPLES: usize = SAMPLE_RATE as usize * 11 / 10;

/// Default of [`WhisperOptions::min_audio_ctx`]. Measured with `--example ctx_sweep` (q8_0
/// tiny.en, 2 threads). On jfk.wav's utterances and 14 espeak-ng commands, windows fitted
/// tightly (192-256 positions) made tiny.en loop on 9 of 14 clips ("And so my fellow Americans.
/// And so my fellow Americans. ...") and garble others ("ask not" → "S-not!") that no loop
/// check can tell from speech. On jfk and 45 commands (`STEP=1`; one run each, so timings are
/// within about 30 ms):
///
/// | min ctx | trim loops | p50 ms | p95 ms | loops retried / trimmed | WER |
/// |---|---|---|---|---|---|
/// | 384 | no | 229 | 689 | 9 / 0 | 9.3% |
/// | 384 | yes | 229 | 290 | 1 / 8 (2 trimmed wrongly: "Hello, Robot" → "The low robot") | 12.3% |
/// | 448 | yes | 262 | 317 | 1 / 2 | 9.1% |
/// | 512 | yes | 286 | 312 | 1 / 1 | 9.1% |
/// | 576 | no | 381 | 480 | 1 / 0 | 7.6% |
/// | 640 | no | 353 | 384 | 1 / 0 | 8.0% |
/// | 896 | yes | 512 | 621 | 0 / 0 | 8.2% |
///
/// The early recognition starts whisper 64 ms after speech and the endpoint comes at 320 ms,
/// so about 250 ms of decoding is hidden; a loop's retry is not. 576 loops least within the
/// latency budget (the e2e commands "find the cup" and "go to the kitchen" loop at 448; at
/// 640 eSpeak's "What do you see?" comes out "W-do you see?", at 576 right).
pub const MIN_AUDIO_CTX: u32 = 576;
/// Positions added to the window for the first retry after a loop (2.56 s): a loop is chaotic
/// in the window size, and a slightly wider one costs far less than whisper's full window.
pub const RETRY_EXTRA_AUDIO_CTX: u32 = 128;
/// The smallest window of the last retry, when the first looped too (twice the first window
/// or more).
pub const RETRY_AUDIO_CTX: u32 = 768;
/// whisper's full window (30 s).
const FULL_AUDIO_CTX: u32 = 1500;

/// `audio_ctx` for a clip of `samples`: its length plus `margin_s`, rounded up to 64
/// positions, at least `min`, at most whisper's full window.
pub fn fitted_audio_ctx(samples: usize, margin_s: f64, min: u32) -> u32 {
    let seconds = samples as f64 / f64::from(SAMPLE_RATE) + margin_s.max(0.0);
    let positions = (seconds * ENCODER_POSITIONS_PER_S).ceil() as u32;
    positions
        .div_ceil(64)
        .saturating_mul(64)
        .clamp(min.min(FULL_AUDIO_CTX), FULL_AUDIO_CTX)
}

/// Token bound for a clip: fast speech is about 4 tokens per second; the bound leaves room for
/// half as much again plus 12 tokens, and caps a loop early (each token costs decoder time).
fn token_bound(samples: usize, max_tokens: u32) -> u32 {
    let seconds = samples as f64 / f64::from(SAMPLE_RATE);
    (12 + (6.0 * seconds).ceil() as u32).min(max_tokens)
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
        let mut context_params = WhisperContextParameters::default();
        context_params.flash_attn(options.flash_attention);
        let context = WhisperContext::new_with_params(path, context_params).map_err(load_error)?;
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
        // The first decode pays for page faults on the weights and whisper's compute buffers
        // (about 0.5 s more on 2 cores): paid here, at start-up, not by the first command.
        let silence = vec![0.0; MIN_INPUT_SAMPLES];
        transcriber.transcribe(&silence, &Cancel::default())?;
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
    pub fn set_options(&mut self, mut options: WhisperOptions) -> Result<(), TranscribeError> {
        options.flash_attention = self.options.flash_attention;
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

/// whisper.cpp's abort callback: `user_data` is the [`AtomicBool`] of a [`Cancel`].
#[allow(unsafe_code)]
unsafe extern "C" fn cancel_requested(user_data: *mut std::ffi::c_void) -> bool {
    // SAFETY: `full_params` passes a pointer to the flag of a `Cancel` that the caller of
    // `state.full` borrows for the whole call, the only time whisper calls this; the flag is
    // only read, atomically.
    unsafe { (*user_data.cast::<AtomicBool>()).load(Ordering::Relaxed) }
}

/// whisper's parameters for one clip of `samples` with encoder window `audio_ctx`;
/// `prompt_tokens` and `cancel` borrowed for the call.
fn full_params<'t>(
    options: &WhisperOptions,
    prompt_tokens: &'t [i32],
    samples: usize,
    audio_ctx: u32,
    cancel: &'t Cancel,
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
    // whisper-rs's `set_abort_callback_safe` leaks its closure on every call; the raw form
    // reads a flag the caller keeps alive instead.
    #[allow(unsafe_code)]
    // SAFETY: `cancel` outlives the params (lifetime 't) and so the `full` call they are
    // used for; `cancel_requested` only reads the flag.
    unsafe {
        params.set_abort_callback(Some(cancel_requested));
        params.set_abort_callback_user_data(Arc::as_ptr(&cancel.0).cast_mut().cast());
    }
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
    params.set_audio_ctx(audio_ctx as i32);
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

impl WhisperTranscriber {
    /// One decode of `input` (at least 1.1 s) with encoder window `audio_ctx`.
    fn decode(
        &mut self,
        input: &[f32],
        audio_ctx: u32,
        cancel: &Cancel,
    ) -> Result<RawTranscript, TranscribeError> {
        let seconds = input.len() as f64 / f64::from(SAMPLE_RATE);
        let params = full_params(
            &self.options,
            &self.prompt_tokens,
            input.len(),
            audio_ctx,
            cancel,
        );
        let outcome = self.state.full(params, input);
        if cancel.is_cancelled() {
            return Err(TranscribeError::Cancelled);
        }
        outcome.map_err(|source| TranscribeError::Recognise { seconds, source })?;
        let end_of_text = self.context.token_eot();
        let mut raw = RawTranscript {
            audio_ctx,
            ..RawTranscript::default()
        };
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
        Ok(raw)
    }
}

/// Whether a decode looks like a loop rather than speech: it says a phrase of three words or
/// more twice, repeats a shorter one, or ran into the token bound (speech ends with an
/// end-of-text token well before it). A false alarm costs a second decode, not the transcript.
fn looks_looped(raw: &RawTranscript, token_bound: u32) -> bool {
    raw.token_probabilities.len() >= token_bound as usize
        || looped_phrase(&raw.text).is_some()
        || doubled_phrase(&raw.text, 3).is_some()
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(
        &mut self,
        samples: &[f32],
        cancel: &Cancel,
    ) -> Result<RawTranscript, TranscribeError> {
        // Cancelled while it waited in the queue: whisper need not even start.
        if cancel.is_cancelled() {
            return Err(TranscribeError::Cancelled);
        }
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
        let fitted = match self.options.window {
            Window::Fitted => fitted_audio_ctx(
                input.len(),
                self.options.audio_ctx_margin_s,
                self.options.min_audio_ctx,
            ),
            Window::CppDefaults => FULL_AUDIO_CTX,
        };
        let bound = token_bound(input.len(), self.options.max_tokens);
        // A loop is chaotic in the window: one a little wider seldom loops again and costs
        // a little more; whisper's full window never loops but costs several times more.
        let windows = [
            fitted,
            fitted.saturating_add(RETRY_EXTRA_AUDIO_CTX),
            fitted.saturating_mul(2).max(RETRY_AUDIO_CTX),
        ]
        .map(|ctx| ctx.min(FULL_AUDIO_CTX));
        let mut raw = self.decode(input, fitted, cancel)?;
        for pair in windows.windows(2) {
            let (tried, wider) = (pair[0], pair[1]);
            if self.options.window != Window::Fitted || !looks_looped(&raw, bound) {
                break;
            }
            if self.options.trim_loops
                && let Some(phrase) = leading_repeat(&raw.text)
            {
                tracing::debug!(
                    seconds,
                    audio_ctx = tried,
                    text = %raw.text,
                    "whisper repeated the utterance on a tight window; keeping it once"
                );
                raw.text = phrase;
                raw.loop_trimmed = true;
                break;
            }
            if wider <= tried {
                break;
            }
            tracing::debug!(
                seconds,
                audio_ctx = tried,
                retry_ctx = wider,
                text = %raw.text,
                "whisper looped on a tight window; retrying with a wider one"
            );
            raw = RawTranscript {
                loop_retried: true,
                ..self.decode(input, wider, cancel)?
            };
        }
        tracing::debug!(
            seconds,
            audio_ctx = raw.audio_ctx,
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
        assert_eq!(fitted_audio_ctx(16_000, 1.0, MIN_AUDIO_CTX), 576);
        assert_eq!(fitted_audio_ctx(16_000 * 18, 1.0, 768), 960);
        assert_eq!(fitted_audio_ctx(16_000 * 40, 1.0, 768), 1500);
        assert_eq!(fitted_audio_ctx(16_000 * 40, 1.0, 4000), 1500);
        let tight = fitted_audio_ctx(16_000 * 2, AUDIO_CTX_MARGIN_S, 64);
        assert_eq!(tight % 64, 0);
        assert!(f64::from(tight) >= (2.0 + AUDIO_CTX_MARGIN_S) * ENCODER_POSITIONS_PER_S);
        assert!(f64::from(tight) < (2.0 + AUDIO_CTX_MARGIN_S) * ENCODER_POSITIONS_PER_S + 64.0);
    }

    #[test]
    fn loops_are_a_repeated_phrase_or_the_token_bound() {
        let raw = |text: &str, tokens: usize| RawTranscript {
            text: text.to_string(),
            token_probabilities: vec![0.9; tokens],
            ..RawTranscript::default()
        };
        assert!(looks_looped(
            &raw(
                "And so my fellow Americans. And so my fellow Americans. And so my fellow Americans.",
                20
            ),
            40
        ));
        assert!(looks_looped(&raw("go to the kitchen and then", 40), 40));
        assert!(looks_looped(
            &raw(
                "Where is the remote control? Where is the remote control?",
                12
            ),
            40
        ));
        assert!(!looks_looped(&raw("Go to the kitchen.", 5), 40));
        assert!(!looks_looped(&raw("No, no, no.", 6), 40));
    }

    #[test]
    fn model_paths_and_names() {
        assert_eq!(
            resolve_model_path(Path::new(""), Some(Path::new("/c"))),
            PathBuf::from("/c/whisper/ggml-tiny.en-q8_0.bin")
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
            audio_ctx_margin_s: AUDIO_CTX_MARGIN_S,
            min_audio_ctx: MIN_AUDIO_CTX,
            trim_loops: true,
            flash_attention: false,
        };
        let error = WhisperTranscriber::load(Path::new("/nonexistent/ggml-x.bin"), options)
            .unwrap_err()
            .to_string();
        assert!(error.contains("/nonexistent/ggml-x.bin"), "{error}");
        assert!(error.contains("embodied models fetch"), "{error}");
    }
}
