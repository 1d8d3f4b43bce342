//! The part of eSpeak NG's C API (`espeak-ng/speak_lib.h`, stable since 1.49; Debian 12 ships
//! 1.51) that synthesis uses, declared by hand. Why not a `-sys` crate: the one on crates.io
//! runs bindgen 0.71 without its `runtime` feature, and in our workspace clang-sys is built with
//! that feature for whisper-rs-sys's bindgen, so the bindgen 0.71 build script panics ("a
//! `libclang` shared library is not loaded"). Five functions and one struct do not need
//! bindgen. Names are the C names, so the header is the documentation.

#![allow(non_camel_case_types, non_upper_case_globals)]

use std::ffi::{c_char, c_int, c_short, c_uint, c_void};

/// `espeak_AUDIO_OUTPUT`.
pub type espeak_AUDIO_OUTPUT = c_uint;
/// As RETRIEVAL (audio to the callback) but `espeak_Synth` returns when synthesis is over.
pub const espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS: espeak_AUDIO_OUTPUT = 2;

/// `espeak_ERROR`.
pub type espeak_ERROR = c_int;
/// Operation achieved.
pub const espeak_ERROR_EE_OK: espeak_ERROR = 0;

/// `espeak_POSITION_TYPE`.
pub type espeak_POSITION_TYPE = c_uint;
/// Positions count characters.
pub const espeak_POSITION_TYPE_POS_CHARACTER: espeak_POSITION_TYPE = 1;

/// `espeak_PARAMETER`.
pub type espeak_PARAMETER = c_uint;
/// Speaking rate, words per minute (80–450).
pub const espeak_PARAMETER_espeakRATE: espeak_PARAMETER = 1;
/// Base pitch, 0–100 (50 normal).
pub const espeak_PARAMETER_espeakPITCH: espeak_PARAMETER = 3;

/// `espeak_Synth` flag: the text is UTF-8.
pub const espeakCHARS_UTF8: c_uint = 1;

/// `espeak_EVENT`'s `id` union.
#[repr(C)]
#[derive(Clone, Copy)]
pub union espeak_EVENT_id {
    /// WORD and SENTENCE events.
    pub number: c_int,
    /// MARK and PLAY events.
    pub name: *const c_char,
    /// Phoneme names.
    pub string: [c_char; 8],
}

/// `espeak_EVENT`: what the callback learns with each block of samples.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct espeak_EVENT {
    /// `espeak_EVENT_TYPE`.
    pub type_: c_uint,
    /// Message identifier.
    pub unique_identifier: c_uint,
    /// Characters from the start of the text.
    pub text_position: c_int,
    /// Word length in characters.
    pub length: c_int,
    /// Milliseconds within the generated speech.
    pub audio_position: c_int,
    /// Internal.
    pub sample: c_int,
    /// The pointer given to `espeak_Synth`.
    pub user_data: *mut c_void,
    /// Event-specific value.
    pub id: espeak_EVENT_id,
}

/// `t_espeak_callback`: returns 0 to continue synthesis, 1 to abort it.
pub type t_espeak_callback =
    unsafe extern "C" fn(wav: *mut c_short, numsamples: c_int, events: *mut espeak_EVENT) -> c_int;

#[link(name = "espeak-ng")]
unsafe extern "C" {
    /// Returns the output sample rate in Hz, or -1.
    pub fn espeak_Initialize(
        output: espeak_AUDIO_OUTPUT,
        buflength: c_int,
        path: *const c_char,
        options: c_int,
    ) -> c_int;
    /// Sets the function that receives the synthesised samples.
    pub fn espeak_SetSynthCallback(callback: Option<t_espeak_callback>);
    /// Selects a voice by name.
    pub fn espeak_SetVoiceByName(name: *const c_char) -> espeak_ERROR;
    /// Sets a parameter (absolute when `relative` is 0).
    pub fn espeak_SetParameter(
        parameter: espeak_PARAMETER,
        value: c_int,
        relative: c_int,
    ) -> espeak_ERROR;
    /// Synthesises `size` bytes of text (NUL included or not).
    pub fn espeak_Synth(
        text: *const c_void,
        size: usize,
        position: c_uint,
        position_type: espeak_POSITION_TYPE,
        end_position: c_uint,
        flags: c_uint,
        unique_identifier: *mut c_uint,
        user_data: *mut c_void,
    ) -> espeak_ERROR;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_layout_matches_the_header() {
        // speak_lib.h on x86-64 and aarch64: six 4-byte fields, a pointer, an 8-byte union.
        assert_eq!(std::mem::size_of::<espeak_EVENT>(), 40);
        assert_eq!(std::mem::offset_of!(espeak_EVENT, user_data), 24);
        assert_eq!(std::mem::offset_of!(espeak_EVENT, id), 32);
    }
}
