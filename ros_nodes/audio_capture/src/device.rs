//! Microphones through cpal: listing input devices, choosing one by a name substring, and
//! capturing in its native format. The audio callback only converts samples to `f32` and
//! offers the block to a bounded queue; it never blocks. A block that does not fit is dropped
//! and counted, and the frame counter still advances, so the loss shows as a sequence gap.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

use cpal::SampleFormat;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

/// Why a microphone could not be listed or opened.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The host reports no input device at all.
    #[error("no audio input devices found (looked for {looked_for})")]
    NoInputDevices {
        /// What was looked for ("the default input device" or `device = "..."`).
        looked_for: String,
    },
    /// Input devices exist but none matches the `device` parameter.
    #[error("no audio input device matches {looked_for}; available: {}", available.join(", "))]
    NotFound {
        /// What was looked for.
        looked_for: String,
        /// Names of the input devices that exist.
        available: Vec<String>,
    },
    /// The audio host could not enumerate devices.
    #[error("listing audio input devices: {error}")]
    Enumerate {
        /// cpal's error.
        error: cpal::Error,
    },
    /// The device has no usable input configuration.
    #[error("audio input device {device:?}: no input configuration: {error}")]
    Config {
        /// Device name.
        device: String,
        /// cpal's error.
        error: cpal::Error,
    },
    /// The device's native sample format cannot be converted (DSD).
    #[error("audio input device {device:?}: unsupported sample format {format}")]
    UnsupportedFormat {
        /// Device name.
        device: String,
        /// The format.
        format: String,
    },
    /// The input stream could not be built or started.
    #[error("audio input device {device:?}: cannot start capture: {error}")]
    Stream {
        /// Device name.
        device: String,
        /// cpal's error.
        error: cpal::Error,
    },
}

/// One supported input configuration range of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRange {
    /// Channels.
    pub channels: u16,
    /// Lowest supported rate in Hz.
    pub min_rate_hz: u32,
    /// Highest supported rate in Hz.
    pub max_rate_hz: u32,
    /// Sample format (`i16`, `f32`, ...).
    pub format: String,
}

/// An input device as `embodied audio devices` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Device name (what the `device` parameter matches against).
    pub name: String,
    /// Whether it is the host's default input.
    pub is_default: bool,
    /// Supported input configurations.
    pub configs: Vec<ConfigRange>,
}

/// Lists the input devices of the default audio host (empty when there are none).
///
/// # Errors
/// [`DeviceError::Enumerate`] if the host cannot enumerate devices.
pub fn list_input_devices() -> Result<Vec<DeviceInfo>, DeviceError> {
    let host = cpal::default_host();
    let default_name = host.default_input_device().map(|d| device_name(&d));
    let devices = microphones(&host)?;
    Ok(devices
        .iter()
        .map(|device| {
            let name = device_name(device);
            let configs = device
                .supported_input_configs()
                .map(|configs| {
                    configs
                        .map(|c| ConfigRange {
                            channels: c.channels(),
                            min_rate_hz: c.min_sample_rate(),
                            max_rate_hz: c.max_sample_rate(),
                            format: c.sample_format().to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            DeviceInfo {
                is_default: default_name.as_deref() == Some(name.as_str()),
                name,
                configs,
            }
        })
        .collect())
}

/// Picks the device named by `query` (case-insensitive substring; empty: the default input)
/// among `names`; returns its index.
///
/// # Errors
/// [`DeviceError::NoInputDevices`] or [`DeviceError::NotFound`] (listing what exists).
pub fn choose_device(query: &str, names: &[String]) -> Result<usize, DeviceError> {
    let looked_for = describe_query(query);
    if names.is_empty() {
        return Err(DeviceError::NoInputDevices { looked_for });
    }
    let needle = query.to_lowercase();
    names
        .iter()
        .position(|name| name.to_lowercase().contains(&needle))
        .ok_or_else(|| DeviceError::NotFound {
            looked_for,
            available: names.to_vec(),
        })
}

fn describe_query(query: &str) -> String {
    if query.is_empty() {
        "the default input device".into()
    } else {
        format!("device = {query:?}")
    }
}

/// ALSA's `null` PCM discards playback and "captures" zeros: never a microphone, so it is not
/// offered (a machine without sound hardware then has no input device, as it should).
const NOT_MICROPHONES: &[&str] = &["null"];

/// Input devices of `host`, without the ones that are not microphones.
fn microphones(host: &cpal::Host) -> Result<Vec<cpal::Device>, DeviceError> {
    Ok(host
        .input_devices()
        .map_err(|error| DeviceError::Enumerate { error })?
        .filter(|device| {
            device
                .id()
                .map_or(true, |id| !NOT_MICROPHONES.contains(&id.id()))
        })
        .collect())
}

/// "Description [backend id]", e.g. `HDA Intel PCH, ALC3246 Analog [hw:CARD=PCH,DEV=0]`: what
/// `device` is matched against, so either part can be given.
fn device_name(device: &cpal::Device) -> String {
    let description = device
        .description()
        .map(|d| d.name().lines().next().unwrap_or_default().to_string())
        .unwrap_or_else(|_| device.to_string());
    match device.id() {
        Ok(id) if !description.contains(id.id()) => format!("{description} [{}]", id.id()),
        _ => description,
    }
}

/// A block of captured audio as the callback hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedBlock {
    /// Index of the first frame since capture started, counting dropped frames.
    pub first_frame: u64,
    /// Interleaved samples in [-1, 1].
    pub samples: Vec<f32>,
    /// Clock time (nanoseconds, from the clock given to [`Capture::open`]) of the first frame.
    pub captured_at_nanos: i64,
}

/// A running microphone capture. Not `Send` on every platform: keep it on the thread that
/// opened it.
pub struct Capture {
    _stream: cpal::Stream,
    blocks: Receiver<CapturedBlock>,
    dropped_frames: Arc<AtomicU64>,
    device: String,
    sample_rate: u32,
    channels: u16,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("device", &self.device)
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

/// What [`Capture::next_block`] returns.
#[derive(Debug)]
pub enum NextBlock {
    /// A block.
    Block(CapturedBlock),
    /// Nothing within the timeout.
    Timeout,
    /// The stream stopped delivering (the callback was dropped).
    Closed,
}

impl Capture {
    /// Opens the device chosen by `query` in its default (native) input configuration and
    /// starts capturing into a queue of `queue_blocks` blocks. `now_nanos` is the node clock,
    /// read once per callback (it must not block).
    ///
    /// # Errors
    /// A [`DeviceError`] naming what was looked for and what exists, or what failed.
    pub fn open(
        query: &str,
        queue_blocks: usize,
        now_nanos: impl Fn() -> i64 + Send + 'static,
    ) -> Result<Self, DeviceError> {
        let host = cpal::default_host();
        let mut devices = microphones(&host)?;
        let names: Vec<String> = devices.iter().map(device_name).collect();
        // Fails with what exists when nothing matches (or nothing exists).
        let index = choose_device(query, &names)?;
        let device = match host.default_input_device() {
            // The host's default input (e.g. routed through the sound server) when no name is
            // asked for and there is a microphone at all.
            Some(default) if query.is_empty() => default,
            _ => devices.swap_remove(index),
        };
        let name = device_name(&device);
        let config = device
            .default_input_config()
            .map_err(|error| DeviceError::Config {
                device: name.clone(),
                error,
            })?;
        let sample_rate = config.sample_rate();
        let channels = config.channels();
        let format = config.sample_format();
        let convert = converter_for(format).ok_or_else(|| DeviceError::UnsupportedFormat {
            device: name.clone(),
            format: format.to_string(),
        })?;
        let (sender, blocks) = std::sync::mpsc::sync_channel(queue_blocks);
        let dropped_frames = Arc::new(AtomicU64::new(0));
        let mut callback = Callback {
            sender,
            dropped_frames: Arc::clone(&dropped_frames),
            next_frame: 0,
            sample_rate,
            channels,
            convert,
            now_nanos,
        };
        let stream_name = name.clone();
        let stream = device
            .build_input_stream_raw(
                config.config(),
                format,
                move |data, _| callback.on_data(data),
                move |error| {
                    tracing::warn!(device = %stream_name, %error, "audio input stream error");
                },
                Some(Duration::from_secs(5)),
            )
            .map_err(|error| DeviceError::Stream {
                device: name.clone(),
                error,
            })?;
        stream.play().map_err(|error| DeviceError::Stream {
            device: name.clone(),
            error,
        })?;
        tracing::info!(device = %name, sample_rate, channels, format = %format, "capturing audio");
        Ok(Self {
            _stream: stream,
            blocks,
            dropped_frames,
            device: name,
            sample_rate,
            channels,
        })
    }

    /// The device's name.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Native rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Native channel count.
    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// Frames dropped so far because the queue was full.
    pub fn dropped_frames(&self) -> u64 {
        self.dropped_frames.load(Ordering::Relaxed)
    }

    /// Waits up to `timeout` for the next block.
    pub fn next_block(&self, timeout: Duration) -> NextBlock {
        match self.blocks.recv_timeout(timeout) {
            Ok(block) => NextBlock::Block(block),
            Err(RecvTimeoutError::Timeout) => NextBlock::Timeout,
            Err(RecvTimeoutError::Disconnected) => NextBlock::Closed,
        }
    }
}

type ConvertFn = fn(&cpal::Data, &mut Vec<f32>) -> bool;

/// State owned by the audio callback.
struct Callback<N> {
    sender: SyncSender<CapturedBlock>,
    dropped_frames: Arc<AtomicU64>,
    next_frame: u64,
    sample_rate: u32,
    channels: u16,
    convert: ConvertFn,
    now_nanos: N,
}

impl<N: Fn() -> i64> Callback<N> {
    fn on_data(&mut self, data: &cpal::Data) {
        let now = (self.now_nanos)();
        let mut samples = Vec::with_capacity(data.len());
        if !(self.convert)(data, &mut samples) {
            return;
        }
        let frames = (samples.len() / usize::from(self.channels.max(1))) as u64;
        // The callback runs when the block's last frame is in: its first frame is older.
        let span =
            i64::try_from(frames * 1_000_000_000 / u64::from(self.sample_rate.max(1))).unwrap_or(0);
        let block = CapturedBlock {
            first_frame: self.next_frame,
            samples,
            captured_at_nanos: now - span,
        };
        self.next_frame += frames;
        match self.sender.try_send(block) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped_frames.fetch_add(frames, Ordering::Relaxed);
            }
        }
    }
}

fn converter_for(format: SampleFormat) -> Option<ConvertFn> {
    fn convert<T: cpal::SizedSample>(data: &cpal::Data, out: &mut Vec<f32>) -> bool
    where
        f32: cpal::FromSample<T>,
    {
        match data.as_slice::<T>() {
            Some(samples) => {
                out.extend(samples.iter().map(|s| s.to_sample::<f32>()));
                true
            }
            None => false,
        }
    }
    Some(match format {
        SampleFormat::I8 => convert::<i8>,
        SampleFormat::I16 => convert::<i16>,
        SampleFormat::I24 => convert::<cpal::I24>,
        SampleFormat::I32 => convert::<i32>,
        SampleFormat::I64 => convert::<i64>,
        SampleFormat::U8 => convert::<u8>,
        SampleFormat::U16 => convert::<u16>,
        SampleFormat::U24 => convert::<cpal::U24>,
        SampleFormat::U32 => convert::<u32>,
        SampleFormat::U64 => convert::<u64>,
        SampleFormat::F32 => convert::<f32>,
        SampleFormat::F64 => convert::<f64>,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpal::Sample;

    #[test]
    fn chooses_by_case_insensitive_substring() {
        let names = vec!["HDA Intel PCH: ALC3246".to_string(), "USB Mic".to_string()];
        assert_eq!(choose_device("usb", &names).unwrap(), 1);
        assert_eq!(choose_device("alc32", &names).unwrap(), 0);
        assert_eq!(choose_device("", &names).unwrap(), 0);
    }

    #[test]
    fn no_match_lists_what_exists() {
        let names = vec!["HDA Intel PCH".to_string(), "USB Mic".to_string()];
        let error = choose_device("respeaker", &names).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no audio input device matches device = \"respeaker\"; available: HDA Intel PCH, USB Mic"
        );
        let error = choose_device("", &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no audio input devices found (looked for the default input device)"
        );
    }

    #[test]
    fn converts_every_integer_and_float_format_to_unit_range() {
        let check = |format: SampleFormat| assert!(converter_for(format).is_some(), "{format}");
        for format in [
            SampleFormat::I8,
            SampleFormat::I16,
            SampleFormat::I24,
            SampleFormat::I32,
            SampleFormat::U8,
            SampleFormat::U16,
            SampleFormat::U32,
            SampleFormat::F32,
            SampleFormat::F64,
        ] {
            check(format);
        }
        assert!(converter_for(SampleFormat::DsdU8).is_none());
        assert_eq!(i16::MIN.to_sample::<f32>(), -1.0);
        assert_eq!(u16::MIN.to_sample::<f32>(), -1.0);
        assert_eq!(32768u16.to_sample::<f32>(), 0.0);
    }
}
