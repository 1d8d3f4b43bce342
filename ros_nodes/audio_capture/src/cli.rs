//! `embodied audio ...`: the audio subcommands (glue over [`crate::device`]).

use std::collections::BTreeMap;
use std::io::Write;

use clap::{Args, Subcommand};

use crate::device::{ConfigRange, DeviceError, DeviceInfo, list_input_devices};

/// Exit code for a configuration problem (the project's table: `embodied_runtime::exit_code`).
pub const EXIT_CONFIG: u8 = 2;

/// `embodied audio <command>`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the audio input devices: name (what the `device` parameter matches), default
    /// marker, and supported channels, rates and sample formats.
    Devices(DevicesArgs),
}

/// Arguments of `embodied audio devices`.
#[derive(Debug, Args)]
pub struct DevicesArgs {}

/// Why an audio subcommand failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Devices could not be listed.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// Output could not be written.
    #[error("writing the device list: {0}")]
    Write(#[from] std::io::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        EXIT_CONFIG
    }
}

/// Runs an audio subcommand, writing its output to `out`.
///
/// # Errors
/// [`CliError`] if the audio host cannot be queried or `out` cannot be written.
pub fn run(command: &Command, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        Command::Devices(DevicesArgs {}) => {
            let devices = list_input_devices()?;
            write_device_list(&devices, out)?;
        }
    }
    Ok(())
}

/// Writes the device list as `embodied audio devices` prints it.
///
/// # Errors
/// Any write error of `out`.
pub fn write_device_list(devices: &[DeviceInfo], out: &mut dyn Write) -> std::io::Result<()> {
    if devices.is_empty() {
        writeln!(out, "no audio input devices found")?;
        return Ok(());
    }
    for device in devices {
        let marker = if device.is_default { " (default)" } else { "" };
        writeln!(out, "{}{marker}", device.name)?;
        if device.configs.is_empty() {
            writeln!(out, "    no input configuration reported")?;
        }
        for line in config_lines(&device.configs) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// One line per distinct (channels, rates), listing its sample formats: devices report one
/// range per channel count and format, which would be hundreds of lines.
fn config_lines(configs: &[ConfigRange]) -> Vec<String> {
    // (min rate, max rate, format) -> channel counts.
    let mut channels: BTreeMap<(u32, u32, &str), Vec<u16>> = BTreeMap::new();
    for config in configs {
        channels
            .entry((
                config.min_rate_hz,
                config.max_rate_hz,
                config.format.as_str(),
            ))
            .or_default()
            .push(config.channels);
    }
    // (channels text, rates text) -> formats, in first-seen order.
    let mut lines: Vec<(String, String, Vec<&str>)> = Vec::new();
    for ((min_rate, max_rate, format), mut counts) in channels {
        counts.sort_unstable();
        counts.dedup();
        let channels_text = channel_ranges(&counts);
        let rates_text = if min_rate == max_rate {
            format!("{min_rate} Hz")
        } else {
            format!("{min_rate}-{max_rate} Hz")
        };
        match lines
            .iter_mut()
            .find(|(c, r, _)| *c == channels_text && *r == rates_text)
        {
            Some((_, _, formats)) => formats.push(format),
            None => lines.push((channels_text, rates_text, vec![format])),
        }
    }
    lines
        .into_iter()
        .map(|(channels, rates, formats)| format!("{channels} ch, {rates}: {}", formats.join(" ")))
        .collect()
}

/// `[1, 2, 3, 6]` as `1-3, 6`.
fn channel_ranges(counts: &[u16]) -> String {
    let mut parts = Vec::new();
    let mut index = 0;
    while index < counts.len() {
        let start = counts[index];
        let mut end = start;
        while index + 1 < counts.len() && counts[index + 1] == end + 1 {
            index += 1;
            end = counts[index];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        index += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_devices_with_default_marker_and_configs() {
        let devices = vec![
            DeviceInfo {
                name: "USB Mic".into(),
                is_default: true,
                configs: [(1, "i16"), (2, "i16"), (1, "f32"), (2, "f32"), (4, "f32")]
                    .into_iter()
                    .map(|(channels, format)| ConfigRange {
                        channels,
                        min_rate_hz: 8000,
                        max_rate_hz: 48000,
                        format: format.into(),
                    })
                    .collect(),
            },
            DeviceInfo {
                name: "HDA Intel".into(),
                is_default: false,
                configs: vec![ConfigRange {
                    channels: 2,
                    min_rate_hz: 44100,
                    max_rate_hz: 44100,
                    format: "f32".into(),
                }],
            },
        ];
        let mut out = Vec::new();
        write_device_list(&devices, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "USB Mic (default)\n    1-2, 4 ch, 8000-48000 Hz: f32\n    1-2 ch, 8000-48000 Hz: i16\nHDA Intel\n    2 ch, 44100 Hz: f32\n"
        );
        let mut out = Vec::new();
        write_device_list(&[], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "no audio input devices found\n"
        );
    }
}
