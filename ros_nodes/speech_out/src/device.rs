//! Sound cards through cpal: listing output devices, choosing one by a name substring, and
//! playing a [`PlaybackQueue`] on it in the device's native format. The audio callback only
//! pulls a block from the queue and converts it; a barge-in flush is heard after at most the
//! device's own buffer.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};

use crate::playback::{PlaybackEvent, PlaybackQueue};

/// Why a sound card could not be listed or opened.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The host reports no output device at all.
    #[error("no audio output devices found (looked for {looked_for})")]
    NoOutputDevices {
        /// What was looked for.
        looked_for: String,
    },
    /// Output devices exist but none matches the `device` parameter.
    #[error("no audio output device matches {looked_for}; available: {}", available.join(", "))]
    NotFound {
        /// What was looked for.
        looked_for: String,
        /// Names of the output devices that exist.
        available: Vec<String>,
    },
    /// The audio host could not enumerate devices.
    #[error("listing audio output devices: {error}")]
    Enumerate {
        /// cpal's error.
        error: cpal::Error,
    },
    /// The device has no usable output configuration.
    #[error("audio output device {device:?}: no output configuration: {reason}")]
    Config {
        /// Device name.
        device: String,
        /// What cpal said.
        reason: String,
    },
    /// The output stream could not be built or started.
    #[error("audio output device {device:?}: cannot start playback: {reason}")]
    Stream {
        /// Device name.
        device: String,
        /// What cpal said.
        reason: String,
    },
    /// The playback thread ended while opening the device.
    #[error("the audio output thread stopped while opening {looked_for}")]
    ThreadEnded {
        /// What was looked for.
        looked_for: String,
    },
}

/// An output device as `embodied speech devices` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDeviceInfo {
    /// Device name (what the `device` parameter matches against).
    pub name: String,
    /// Whether it is the host's default output.
    pub is_default: bool,
    /// Its default configuration, e.g. `2 ch, 48000 Hz, f32`, if it reports one.
    pub default_config: Option<String>,
}

/// ALSA's `null` PCM discards what it is given: never a speaker, so it is not offered (a
/// machine without sound hardware has no output device and `sink: auto` writes WAV files).
const NOT_SPEAKERS: &[&str] = &["null"];

fn speakers(host: &cpal::Host) -> Result<Vec<cpal::Device>, DeviceError> {
    Ok(host
        .output_devices()
        .map_err(|error| DeviceError::Enumerate { error })?
        .filter(|device| {
            device
                .id()
                .map_or(true, |id| !NOT_SPEAKERS.contains(&id.id()))
        })
        .collect())
}

/// "Description [backend id]": what `device` is matched against, so either part can be given.
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

/// Lists the output devices of the default audio host (empty when there are none).
///
/// # Errors
/// [`DeviceError::Enumerate`] if the host cannot enumerate devices.
pub fn list_output_devices() -> Result<Vec<OutputDeviceInfo>, DeviceError> {
    let host = cpal::default_host();
    let default_name = host.default_output_device().map(|d| device_name(&d));
    Ok(speakers(&host)?
        .iter()
        .map(|device| {
            let name = device_name(device);
            OutputDeviceInfo {
                is_default: default_name.as_deref() == Some(name.as_str()),
                default_config: device.default_output_config().ok().map(|c| {
                    format!(
                        "{} ch, {} Hz, {}",
                        c.channels(),
                        c.sample_rate(),
                        c.sample_format()
                    )
                }),
                name,
            }
        })
        .collect())
}

/// Picks the device named by `query` (case-insensitive substring; empty: the first, the
/// default being used instead when it exists) among `names`; returns its index.
///
/// # Errors
/// [`DeviceError::NoOutputDevices`] or [`DeviceError::NotFound`] (listing what exists).
pub fn choose_output(query: &str, names: &[String]) -> Result<usize, DeviceError> {
    let looked_for = if query.is_empty() {
        "the default output device".to_owned()
    } else {
        format!("device = {query:?}")
    };
    if names.is_empty() {
        return Err(DeviceError::NoOutputDevices { looked_for });
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

/// A sound card playing a queue; playback stops when this is dropped.
pub struct DeviceSink {
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for DeviceSink {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What [`DeviceSink::open`] returns.
pub struct OpenedDevice {
    /// The queue to fill, at the device's rate.
    pub queue: Arc<PlaybackQueue>,
    /// Its events.
    pub events: Receiver<PlaybackEvent>,
    /// The device's name.
    pub device: String,
    /// The running playback.
    pub sink: DeviceSink,
}

type Opened = Result<(Arc<PlaybackQueue>, Receiver<PlaybackEvent>, String), DeviceError>;

impl DeviceSink {
    /// Opens the device chosen by `query` in its default output configuration and starts
    /// playing a new queue of `buffer` capacity (silence until audio is queued).
    ///
    /// # Errors
    /// A [`DeviceError`] naming what was looked for and what exists, or what failed.
    pub fn open(query: &str, buffer: Duration) -> Result<OpenedDevice, DeviceError> {
        let (opened_sender, opened) = std::sync::mpsc::channel::<Opened>();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let query_owned = query.to_owned();
        // cpal's stream is not Send everywhere: it lives and dies on this thread.
        let thread = std::thread::Builder::new()
            .name("speech_out-device".into())
            .spawn(move || match start_stream(&query_owned, buffer) {
                Ok((stream, queue, events, name)) => {
                    let _ = opened_sender.send(Ok((queue, events, name)));
                    let _ = stopped.recv();
                    drop(stream);
                }
                Err(error) => {
                    let _ = opened_sender.send(Err(error));
                }
            })
            .map_err(|_| DeviceError::ThreadEnded {
                looked_for: query.to_owned(),
            })?;
        let (queue, events, device) = opened.recv().map_err(|_| DeviceError::ThreadEnded {
            looked_for: query.to_owned(),
        })??;
        Ok(OpenedDevice {
            queue,
            events,
            device,
            sink: DeviceSink {
                stop,
                thread: Some(thread),
            },
        })
    }
}

type Started = (
    cpal::Stream,
    Arc<PlaybackQueue>,
    Receiver<PlaybackEvent>,
    String,
);

fn start_stream(query: &str, buffer: Duration) -> Result<Started, DeviceError> {
    let host = cpal::default_host();
    let mut devices = speakers(&host)?;
    let names: Vec<String> = devices.iter().map(device_name).collect();
    let index = choose_output(query, &names)?;
    let device = match host.default_output_device() {
        Some(default) if query.is_empty() => default,
        _ => devices.swap_remove(index),
    };
    let name = device_name(&device);
    let config = device
        .default_output_config()
        .map_err(|error| DeviceError::Config {
            device: name.clone(),
            reason: error.to_string(),
        })?;
    let rate = config.sample_rate();
    let capacity = (buffer.as_secs_f64() * f64::from(rate)).ceil() as usize;
    let (queue, events) = PlaybackQueue::new(rate, capacity);
    let format = config.sample_format();
    let stream_config = config.config();
    let stream_error = |error: cpal::Error| DeviceError::Stream {
        device: name.clone(),
        reason: error.to_string(),
    };
    let stream = match format {
        SampleFormat::F32 => build::<f32>(&device, stream_config, &queue, &name),
        SampleFormat::I16 => build::<i16>(&device, stream_config, &queue, &name),
        SampleFormat::I32 => build::<i32>(&device, stream_config, &queue, &name),
        SampleFormat::U16 => build::<u16>(&device, stream_config, &queue, &name),
        SampleFormat::U8 => build::<u8>(&device, stream_config, &queue, &name),
        SampleFormat::I8 => build::<i8>(&device, stream_config, &queue, &name),
        SampleFormat::F64 => build::<f64>(&device, stream_config, &queue, &name),
        other => {
            return Err(DeviceError::Config {
                device: name,
                reason: format!("unsupported sample format {other}"),
            });
        }
    }
    .map_err(stream_error)?;
    stream.play().map_err(|error| DeviceError::Stream {
        device: name.clone(),
        reason: error.to_string(),
    })?;
    tracing::info!(device = %name, sample_rate = rate, format = %format, "playing speech on the sound card");
    Ok((stream, queue, events, name))
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: &Arc<PlaybackQueue>,
    name: &str,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    let queue = Arc::clone(queue);
    let mut mono: Vec<f32> = Vec::new();
    let stream_name = name.to_owned();
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
            let timestamp = info.timestamp();
            // When this block reaches the speaker: what Started/Finished report.
            let at = Instant::now() + timestamp.playback.duration_since(timestamp.callback);
            mono.resize(data.len() / channels, 0.0);
            queue.pull(&mut mono, at);
            for (frame, &sample) in data.chunks_mut(channels).zip(mono.iter()) {
                frame.fill(T::from_sample(sample));
            }
        },
        move |error| tracing::warn!(device = %stream_name, %error, "audio output stream error"),
        Some(Duration::from_secs(5)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_by_substring_and_lists_what_exists_when_nothing_matches() {
        let names = vec![
            "HDA Intel PCH [hw:0]".to_string(),
            "USB Speaker".to_string(),
        ];
        assert_eq!(choose_output("usb", &names).unwrap(), 1);
        assert_eq!(choose_output("", &names).unwrap(), 0);
        assert_eq!(
            choose_output("hdmi", &names).unwrap_err().to_string(),
            "no audio output device matches device = \"hdmi\"; available: HDA Intel PCH [hw:0], USB Speaker"
        );
        assert_eq!(
            choose_output("", &[]).unwrap_err().to_string(),
            "no audio output devices found (looked for the default output device)"
        );
    }
}
