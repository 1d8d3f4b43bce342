//! `embodied speech ...`: list sound cards, and say a text (into a WAV file, or aloud).

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};

use crate::espeak::VoiceSettings;
use crate::params::SinkKind;
use crate::playback::PlaybackEvent;
use crate::render::{RenderError, render_to_wav};
use crate::sink::OutputConfig;
use crate::speaker::{SpeakError, Speaker};

/// Exit code for a configuration problem (the project's table: `embodied_runtime::exit_code`).
pub const EXIT_CONFIG: u8 = 2;

/// `embodied speech <command>`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the audio output devices: name (what speech_out's `device` parameter matches),
    /// default marker and default configuration.
    #[cfg(feature = "device")]
    Devices,
    /// Say a text with eSpeak NG: into a WAV file with `--out`, else on a sound card.
    Say(SayArgs),
}

/// Arguments of `embodied speech say`.
#[derive(Debug, Args)]
pub struct SayArgs {
    /// The words to say.
    pub text: String,
    /// Write a 16-bit mono WAV file here instead of playing it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// eSpeak NG voice.
    #[arg(long, default_value = "en-us")]
    pub voice: String,
    /// Words per minute.
    #[arg(long, default_value_t = 175)]
    pub rate_wpm: u32,
    /// Pitch in [0, 100].
    #[arg(long, default_value_t = 50)]
    pub pitch: u32,
    /// Sample rate of the WAV file in Hz (16000 suits the recogniser).
    #[arg(long, default_value_t = 16_000)]
    pub sample_rate_hz: u32,
    /// Output device name substring when playing (empty: the default output).
    #[arg(long, default_value = "")]
    pub device: String,
}

/// Why a speech subcommand failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Devices could not be listed.
    #[cfg(feature = "device")]
    #[error(transparent)]
    Device(#[from] crate::device::DeviceError),
    /// The text could not be rendered to a file.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The text could not be played.
    #[error(transparent)]
    Speak(#[from] SpeakError),
    /// Playback did not finish.
    #[error("playback did not finish: {reason}")]
    Playback {
        /// What happened.
        reason: String,
    },
    /// Output could not be written.
    #[error("writing the output: {0}")]
    Write(#[from] std::io::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        EXIT_CONFIG
    }
}

/// Runs a speech subcommand, writing its report to `out`.
///
/// # Errors
/// [`CliError`] if the device, voice or file fails, or `out` cannot be written.
pub fn run(command: &Command, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        #[cfg(feature = "device")]
        Command::Devices => {
            let devices = crate::device::list_output_devices()?;
            if devices.is_empty() {
                writeln!(out, "no audio output devices found")?;
            }
            for device in devices {
                let marker = if device.is_default { " (default)" } else { "" };
                writeln!(out, "{}{marker}", device.name)?;
                if let Some(config) = device.default_config {
                    writeln!(out, "    {config}")?;
                }
            }
        }
        Command::Say(args) => say(args, out)?,
    }
    Ok(())
}

fn say(args: &SayArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let voice = VoiceSettings {
        voice: args.voice.clone(),
        rate_wpm: args.rate_wpm,
        pitch: args.pitch,
    };
    if let Some(path) = &args.out {
        let length = render_to_wav(&args.text, &voice, args.sample_rate_hz, path)?;
        writeln!(
            out,
            "wrote {}: {:.2} s at {} Hz",
            path.display(),
            length.as_secs_f64(),
            args.sample_rate_hz
        )?;
        return Ok(());
    }
    let output = OutputConfig {
        kind: SinkKind::Device,
        device: args.device.clone(),
        wav_dir: PathBuf::new(),
        wav_sample_rate_hz: args.sample_rate_hz,
        wav_block: Duration::from_millis(10),
        buffer: Duration::from_secs(1),
    };
    let (speaker, events) = Speaker::start(&voice, &output)?;
    let asked = Instant::now();
    speaker.say("cli", &args.text, true)?;
    let mut first_audio = None;
    loop {
        match events.recv_timeout(Duration::from_secs(120)) {
            Ok(PlaybackEvent::Started { at, .. }) => first_audio = Some(at),
            Ok(PlaybackEvent::Finished { played, .. }) => {
                let to_audio = first_audio.map_or(0, |at| {
                    at.saturating_duration_since(asked).as_millis() as u64
                });
                writeln!(
                    out,
                    "said {:.2} s on {} (first audio after {to_audio} ms)",
                    played.as_secs_f64(),
                    speaker.description()
                )?;
                return Ok(());
            }
            Ok(PlaybackEvent::Failed { reason, .. }) => {
                return Err(CliError::Playback { reason });
            }
            Ok(PlaybackEvent::Synthesized { .. }) => {}
            Err(error) => {
                return Err(CliError::Playback {
                    reason: error.to_string(),
                });
            }
        }
    }
}
