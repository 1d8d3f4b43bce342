//! Speech synthesis with eSpeak NG (the system's libespeak-ng, through `espeakng-sys`).
//!
//! eSpeak NG keeps its state in C globals and is not thread-safe, so the process has one
//! engine behind a lock: each [`Synthesizer`] call takes it for its duration (selecting that
//! synthesizer's voice if another one was in use), so several synthesizers can exist while
//! their calls never overlap. A node gives its synthesizer a dedicated thread (see
//! [`crate::Speaker`]), since a call blocks while the playback buffer is full. Synthesis runs in eSpeak's synchronous
//! mode: [`Synthesizer::synthesize`] returns when the text is said, and hands the audio over
//! in blocks of [`BLOCK_MS`] as it is produced, so the first block is ready after a few
//! milliseconds. The audio callback can stop synthesis at any block (barge-in).

// FFI to the C library: every unsafe block states why it is sound.
#![allow(unsafe_code)]

use std::ffi::{CString, c_int, c_short, c_void};
use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, MutexGuard, PoisonError};

mod ffi;

/// Milliseconds of audio per callback block: short, so audio flows (and stops) promptly.
pub const BLOCK_MS: c_int = 20;

/// `espeakINITIALIZE_DONT_EXIT`: report a missing data directory instead of calling `exit()`.
const INITIALIZE_DONT_EXIT: c_int = 0x8000;

/// The process's one eSpeak NG engine.
static ENGINE: Mutex<Engine> = Mutex::new(Engine {
    sample_rate_hz: None,
    applied: None,
});

/// What the engine's C state holds.
struct Engine {
    /// Output rate, once initialised.
    sample_rate_hz: Option<u32>,
    /// The voice settings selected last.
    applied: Option<VoiceSettings>,
}

/// Voice, rate and pitch of the synthesised speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceSettings {
    /// eSpeak NG voice name, e.g. `en-us`.
    pub voice: String,
    /// Words per minute (eSpeak accepts 80 to 450).
    pub rate_wpm: u32,
    /// Base pitch in [0, 100]; 50 is normal.
    pub pitch: u32,
}

impl Default for VoiceSettings {
    fn default() -> Self {
        Self {
            voice: "en-us".into(),
            rate_wpm: 175,
            pitch: 50,
        }
    }
}

/// Why synthesis failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The library could not start (typically: no `espeak-ng-data` directory).
    #[error(
        "eSpeak NG did not initialise (error {code}); is the espeak-ng-data package installed?"
    )]
    Initialise {
        /// eSpeak's return value.
        code: i32,
    },
    /// The voice does not exist.
    #[error("eSpeak NG voice {voice:?} not found (error {code}); `espeak-ng --voices` lists them")]
    VoiceNotFound {
        /// The voice asked for.
        voice: String,
        /// eSpeak's return value.
        code: i32,
    },
    /// A parameter was refused.
    #[error("eSpeak NG refused {parameter} = {value} (error {code})")]
    Parameter {
        /// Which parameter.
        parameter: &'static str,
        /// Value given.
        value: u32,
        /// eSpeak's return value.
        code: i32,
    },
    /// Synthesis of a text failed.
    #[error("eSpeak NG could not synthesise {text:?} (error {code})")]
    Synthesise {
        /// The text (first characters).
        text: String,
        /// eSpeak's return value.
        code: i32,
    },
    /// The audio consumer panicked; synthesis was stopped.
    #[error("the audio consumer panicked while synthesising {text:?}")]
    ConsumerPanicked {
        /// The text (first characters).
        text: String,
    },
}

/// What the audio consumer tells the synthesizer after each block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop synthesising this text now.
    Stop,
}

/// How a synthesis call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synthesized {
    /// The whole text was synthesised.
    Complete,
    /// The consumer stopped it.
    Stopped,
}

/// A voice of the process's eSpeak NG engine. Calls on any synthesizer are serialised.
#[derive(Debug)]
pub struct Synthesizer {
    sample_rate_hz: u32,
    settings: VoiceSettings,
}

impl Synthesizer {
    /// Initialises eSpeak NG on first use and checks that `settings` can be selected.
    ///
    /// # Errors
    /// [`SynthError::Initialise`], [`SynthError::VoiceNotFound`] or [`SynthError::Parameter`].
    pub fn open(settings: &VoiceSettings) -> Result<Self, SynthError> {
        let mut engine = lock_engine();
        let sample_rate_hz = engine.initialise()?;
        engine.select(settings)?;
        Ok(Self {
            sample_rate_hz,
            settings: settings.clone(),
        })
    }

    /// Output rate of the synthesised audio in Hz (22050 for eSpeak NG's voices).
    pub fn sample_rate_hz(&self) -> u32 {
        self.sample_rate_hz
    }

    /// The voice settings in use.
    pub fn settings(&self) -> &VoiceSettings {
        &self.settings
    }

    /// Selects other voice settings.
    ///
    /// # Errors
    /// [`SynthError::VoiceNotFound`] or [`SynthError::Parameter`]; the previous settings
    /// stay in force then.
    pub fn set_settings(&mut self, settings: &VoiceSettings) -> Result<(), SynthError> {
        let mut engine = lock_engine();
        if let Err(error) = engine.select(settings) {
            // Leave the engine in a known state for the next caller.
            engine.applied = None;
            return Err(error);
        }
        self.settings = settings.clone();
        Ok(())
    }

    /// Synthesises `text` (UTF-8), handing each block of mono 16-bit audio at
    /// [`sample_rate_hz`](Self::sample_rate_hz) to `on_audio` as soon as it is produced;
    /// `on_audio` returns [`Flow::Stop`] to end synthesis early. NUL characters are dropped.
    /// The engine is held until the call returns.
    ///
    /// # Errors
    /// [`SynthError::Synthesise`] if eSpeak refuses the text,
    /// [`SynthError::ConsumerPanicked`] if `on_audio` panicked, or a voice error if this
    /// synthesizer's voice cannot be selected again.
    pub fn synthesize(
        &mut self,
        text: &str,
        on_audio: &mut dyn FnMut(&[i16]) -> Flow,
    ) -> Result<Synthesized, SynthError> {
        let excerpt = || text.chars().take(60).collect::<String>();
        let c_text = CString::new(text.replace('\0', "")).map_err(|_| SynthError::Synthesise {
            text: excerpt(),
            code: -1,
        })?;
        let mut engine = lock_engine();
        engine.select(&self.settings)?;
        let bytes = c_text.as_bytes_with_nul();
        let mut context = CallbackContext {
            on_audio,
            stopped: false,
            panicked: false,
        };
        let user_data: *mut CallbackContext<'_> = &mut context;
        // SAFETY: the engine lock is held. In synchronous mode espeak_Synth returns only when
        // synthesis is over, so `c_text` and `context` (reached by the callback through
        // `user_data`) outlive every use eSpeak makes of them.
        let code = unsafe {
            ffi::espeak_Synth(
                bytes.as_ptr().cast::<c_void>(),
                bytes.len(),
                0,
                ffi::espeak_POSITION_TYPE_POS_CHARACTER,
                0,
                ffi::espeakCHARS_UTF8,
                std::ptr::null_mut(),
                user_data.cast::<c_void>(),
            )
        };
        drop(engine);
        if context.panicked {
            return Err(SynthError::ConsumerPanicked { text: excerpt() });
        }
        if code != ffi::espeak_ERROR_EE_OK {
            return Err(SynthError::Synthesise {
                text: excerpt(),
                code,
            });
        }
        Ok(if context.stopped {
            Synthesized::Stopped
        } else {
            Synthesized::Complete
        })
    }
}

impl Engine {
    /// Initialises eSpeak NG once per process; returns its output rate.
    fn initialise(&mut self) -> Result<u32, SynthError> {
        if let Some(rate) = self.sample_rate_hz {
            return Ok(rate);
        }
        // SAFETY: the engine lock is held, so this is the only eSpeak call in the process; a
        // null path selects the default data directory.
        let rate = unsafe {
            ffi::espeak_Initialize(
                ffi::espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS,
                BLOCK_MS,
                std::ptr::null(),
                INITIALIZE_DONT_EXIT,
            )
        };
        let rate = u32::try_from(rate)
            .ok()
            .filter(|rate| *rate > 0)
            .ok_or(SynthError::Initialise { code: rate })?;
        // SAFETY: as above; the callback is a plain function valid for the process.
        unsafe { ffi::espeak_SetSynthCallback(Some(synth_callback)) };
        self.sample_rate_hz = Some(rate);
        tracing::debug!(sample_rate_hz = rate, "eSpeak NG initialised");
        Ok(rate)
    }

    /// Selects `settings` unless they are the ones in force.
    fn select(&mut self, settings: &VoiceSettings) -> Result<(), SynthError> {
        if self.applied.as_ref() == Some(settings) {
            return Ok(());
        }
        self.applied = None;
        let not_found = |code| SynthError::VoiceNotFound {
            voice: settings.voice.clone(),
            code,
        };
        let name = CString::new(settings.voice.as_str()).map_err(|_| not_found(-1))?;
        // SAFETY: the engine lock is held; `name` is a valid C string for the call.
        let code = unsafe { ffi::espeak_SetVoiceByName(name.as_ptr()) };
        if code != ffi::espeak_ERROR_EE_OK {
            return Err(not_found(code));
        }
        set_parameter(
            "rate_wpm",
            ffi::espeak_PARAMETER_espeakRATE,
            settings.rate_wpm,
        )?;
        set_parameter("pitch", ffi::espeak_PARAMETER_espeakPITCH, settings.pitch)?;
        self.applied = Some(settings.clone());
        Ok(())
    }
}

/// Sets one eSpeak parameter; the caller holds the engine lock.
fn set_parameter(
    parameter: &'static str,
    which: ffi::espeak_PARAMETER,
    value: u32,
) -> Result<(), SynthError> {
    let refused = |code| SynthError::Parameter {
        parameter,
        value,
        code,
    };
    let value_c = c_int::try_from(value).map_err(|_| refused(-1))?;
    // SAFETY: called with the engine lock held (from `Engine::select`); integer arguments.
    let code = unsafe { ffi::espeak_SetParameter(which, value_c, 0) };
    if code == ffi::espeak_ERROR_EE_OK {
        Ok(())
    } else {
        Err(refused(code))
    }
}

fn lock_engine() -> MutexGuard<'static, Engine> {
    // A panic while holding the lock leaves `Engine` as it was: `applied` is cleared before
    // eSpeak is touched, and each synthesis call starts from eSpeak's own reset state.
    ENGINE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the C callback reaches through eSpeak's `user_data`.
struct CallbackContext<'a> {
    on_audio: &'a mut dyn FnMut(&[i16]) -> Flow,
    stopped: bool,
    panicked: bool,
}

/// eSpeak's synthesis callback: returns 0 to continue, 1 to abort.
unsafe extern "C" fn synth_callback(
    wav: *mut c_short,
    samples: c_int,
    events: *mut ffi::espeak_EVENT,
) -> c_int {
    if events.is_null() {
        return 0;
    }
    // SAFETY: eSpeak passes a non-null event list whose entries carry the `user_data` given
    // to espeak_Synth (checked by the tests on 1.51).
    let user_data = unsafe { (*events).user_data };
    if user_data.is_null() {
        return 0;
    }
    // SAFETY: `user_data` is the `CallbackContext` of the `synthesize` call on this thread's
    // stack, which is blocked in espeak_Synth for as long as callbacks come.
    let context = unsafe { &mut *user_data.cast::<CallbackContext<'_>>() };
    let Ok(len) = usize::try_from(samples) else {
        return 0;
    };
    if wav.is_null() || len == 0 || context.stopped {
        return c_int::from(context.stopped);
    }
    // SAFETY: eSpeak hands `samples` valid 16-bit samples at `wav` for this call.
    let block = unsafe { std::slice::from_raw_parts(wav, len) };
    // A panic must not unwind through eSpeak's C frames.
    match std::panic::catch_unwind(AssertUnwindSafe(|| (context.on_audio)(block))) {
        Ok(Flow::Continue) => 0,
        Ok(Flow::Stop) => {
            context.stopped = true;
            1
        }
        Err(_) => {
            context.panicked = true;
            context.stopped = true;
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(samples: &[i16]) -> f64 {
        let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        (sum / samples.len().max(1) as f64).sqrt()
    }

    #[test]
    fn synthesises_audible_speech_of_plausible_length() {
        let mut synth = Synthesizer::open(&VoiceSettings::default()).unwrap();
        assert_eq!(synth.sample_rate_hz(), 22_050);
        let mut audio = Vec::new();
        let outcome = synth
            .synthesize("Go to the kitchen.", &mut |block| {
                audio.extend_from_slice(block);
                Flow::Continue
            })
            .unwrap();
        assert_eq!(outcome, Synthesized::Complete);
        let seconds = audio.len() as f64 / 22_050.0;
        // Four words at 175 wpm: about 1.4 s; eSpeak adds a short pause at the end.
        assert!((0.6..3.0).contains(&seconds), "{seconds} s");
        assert!(rms(&audio) > 500.0, "rms {}", rms(&audio));
    }

    #[test]
    fn faster_rate_gives_shorter_audio_and_stop_ends_synthesis() {
        let text = "I am going to the kitchen now, and then I will come back to you.";
        let mut synth = Synthesizer::open(&VoiceSettings::default()).unwrap();
        let length = |synth: &mut Synthesizer| {
            let mut samples = 0usize;
            synth
                .synthesize(text, &mut |block| {
                    samples += block.len();
                    Flow::Continue
                })
                .unwrap();
            samples
        };
        let normal = length(&mut synth);
        synth
            .set_settings(&VoiceSettings {
                rate_wpm: 350,
                ..VoiceSettings::default()
            })
            .unwrap();
        let fast = length(&mut synth);
        assert!(
            (fast as f64) < 0.7 * normal as f64,
            "fast {fast} normal {normal}"
        );
        let mut blocks = 0;
        let outcome = synth
            .synthesize(text, &mut |_| {
                blocks += 1;
                if blocks == 2 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            })
            .unwrap();
        assert_eq!(outcome, Synthesized::Stopped);
        assert_eq!(blocks, 2);
    }

    #[test]
    fn unknown_voice_is_an_error() {
        let error = Synthesizer::open(&VoiceSettings {
            voice: "no-such-voice-xx".into(),
            ..VoiceSettings::default()
        })
        .unwrap_err();
        assert!(matches!(error, SynthError::VoiceNotFound { .. }), "{error}");
    }
}
