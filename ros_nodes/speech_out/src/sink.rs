//! Where the audio goes: a sound card (see [`crate::device`]) or the WAV sink, chosen by
//! [`open_output`]. Both pull from a [`PlaybackQueue`] at the pace of real audio, so timing
//! and barge-in behave the same with either.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::params::SinkKind;
use crate::playback::{PlaybackEvent, PlaybackQueue};

/// Why the output could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The sound card could not be used (and `sink` is `device`).
    #[cfg(feature = "device")]
    #[error(transparent)]
    Device(#[from] crate::device::DeviceError),
    /// `sink: device` in a build without the `device` feature.
    #[error("sink: device needs speech_out built with the `device` feature")]
    DeviceSupportMissing,
    /// The WAV directory cannot be created.
    #[error("WAV sink directory {path}: {source}")]
    WavDir {
        /// The directory.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// A thread could not be started.
    #[error("starting the {what} thread: {source}")]
    Thread {
        /// Which thread.
        what: &'static str,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
}

/// How to open the output.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputConfig {
    /// Sound card, WAV files, or the card with the WAV files as fallback.
    pub kind: SinkKind,
    /// Sound card name substring (empty: the default output).
    pub device: String,
    /// Directory of the WAV sink.
    pub wav_dir: PathBuf,
    /// Rate of the WAV files in Hz.
    pub wav_sample_rate_hz: u32,
    /// Audio per WAV sink step.
    pub wav_block: Duration,
    /// Audio buffered ahead of the sink.
    pub buffer: Duration,
}

/// An open output: the queue to fill, its events, and the sink that plays it (stopped when
/// this is dropped).
pub struct Output {
    /// The buffer the sink pulls from.
    pub queue: Arc<PlaybackQueue>,
    /// Start/finish/failure events of the audio played.
    pub events: Receiver<PlaybackEvent>,
    /// What plays it, for logs: the device name or the WAV directory.
    pub description: String,
    /// The running sink; dropping it stops the sink.
    pub sink: SinkGuard,
}

/// Keeps a sink running; dropping it stops the sink and joins its thread.
pub struct SinkGuard(#[allow(dead_code, reason = "held for its Drop")] Box<dyn Send + Sync>);

impl std::fmt::Debug for SinkGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SinkGuard")
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("description", &self.description)
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

/// Samples of `buffer` at `rate`.
fn capacity(buffer: Duration, sample_rate_hz: u32) -> usize {
    (buffer.as_secs_f64() * f64::from(sample_rate_hz)).ceil() as usize
}

/// Opens the configured output. With [`SinkKind::Auto`] a sound card that is missing or
/// fails to open is logged and replaced by the WAV sink.
///
/// # Errors
/// [`SinkError`] naming what was looked for (and what exists) or what failed.
pub fn open_output(config: &OutputConfig) -> Result<Output, SinkError> {
    match config.kind {
        SinkKind::Wav => open_wav(config),
        SinkKind::Device => open_device(config),
        SinkKind::Auto => match open_device(config) {
            Ok(output) => Ok(output),
            Err(error) => {
                tracing::warn!(%error, wav_dir = %config.wav_dir.display(), "no sound card: writing replies to WAV files");
                open_wav(config)
            }
        },
    }
}

#[cfg(feature = "device")]
fn open_device(config: &OutputConfig) -> Result<Output, SinkError> {
    let opened = crate::device::DeviceSink::open(&config.device, config.buffer)?;
    Ok(Output {
        queue: opened.queue,
        events: opened.events,
        description: opened.device,
        sink: SinkGuard(Box::new(opened.sink)),
    })
}

#[cfg(not(feature = "device"))]
fn open_device(_config: &OutputConfig) -> Result<Output, SinkError> {
    Err(SinkError::DeviceSupportMissing)
}

fn open_wav(config: &OutputConfig) -> Result<Output, SinkError> {
    let rate = config.wav_sample_rate_hz;
    let (queue, events) = PlaybackQueue::new(rate, capacity(config.buffer, rate));
    let sink = WavSink::start(Arc::clone(&queue), &config.wav_dir, config.wav_block)?;
    Ok(Output {
        queue,
        events,
        description: format!("WAV files in {}", config.wav_dir.display()),
        sink: SinkGuard(Box::new(sink)),
    })
}

/// Writes each reply to its own WAV file (`<epoch ms>-<n>-<reply id>.wav`, 16-bit mono, the
/// newest [`MAX_WAV_FILES`] kept), taking audio from the queue in fixed blocks at the pace
/// of a sound card. Stops when dropped.
pub struct WavSink {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WavSink {
    /// Starts the paced writer thread on `queue`, writing into `dir` (created if missing);
    /// each step takes `block` of audio.
    ///
    /// # Errors
    /// [`SinkError::WavDir`] or [`SinkError::Thread`].
    pub fn start(
        queue: Arc<PlaybackQueue>,
        dir: &Path,
        block: Duration,
    ) -> Result<Self, SinkError> {
        std::fs::create_dir_all(dir).map_err(|source| SinkError::WavDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        let writer = PacedWriter {
            queue,
            dir: dir.to_path_buf(),
            block,
            stop: Arc::clone(&stop),
        };
        let thread = std::thread::Builder::new()
            .name("speech_out-wav".into())
            .spawn(move || writer.run())
            .map_err(|source| SinkError::Thread {
                what: "WAV sink",
                source,
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for WavSink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type WavFile = hound::WavWriter<std::io::BufWriter<std::fs::File>>;

struct PacedWriter {
    queue: Arc<PlaybackQueue>,
    dir: PathBuf,
    block: Duration,
    stop: Arc<AtomicBool>,
}

impl PacedWriter {
    fn run(self) {
        let rate = self.queue.sample_rate_hz();
        let block_len = capacity(self.block, rate).max(1);
        let period = Duration::from_secs_f64(block_len as f64 / f64::from(rate));
        let mut block = vec![0.0f32; block_len];
        let mut files: HashMap<Arc<str>, WavFile> = HashMap::new();
        let mut written = 0u64;
        let mut next = Instant::now();
        while !self.stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now < next {
                std::thread::sleep(next - now);
            } else if now > next + 10 * period {
                // The machine stalled: play on from now rather than in a burst.
                next = now;
            }
            // Block k plays from `next` for one period, as on a card.
            let pulled = self.queue.pull(&mut block, next);
            next += period;
            for span in pulled.spans {
                let file = match files.entry(Arc::clone(&span.reply_id)) {
                    std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        written += 1;
                        match self.create(written, &span.reply_id, rate) {
                            Ok(file) => entry.insert(file),
                            Err(reason) => {
                                self.queue.fail(reason);
                                continue;
                            }
                        }
                    }
                };
                if let Err(error) = write_samples(file, &block[span.range]) {
                    files.remove(&span.reply_id);
                    self.queue.fail(format!(
                        "writing the WAV of reply {}: {error}",
                        span.reply_id
                    ));
                }
            }
            for reply_id in pulled.ended {
                if let Some(file) = files.remove(&reply_id) {
                    finalize(&reply_id, file);
                }
            }
        }
        for (reply_id, file) in files {
            finalize(&reply_id, file);
        }
    }

    fn create(&self, index: u64, reply_id: &str, rate: u32) -> Result<WavFile, String> {
        let safe: String = reply_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(80)
            .collect();
        // Milliseconds since the epoch first, so names sort by time across runs.
        let epoch_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        let path = self
            .dir
            .join(format!("{epoch_ms:013}-{index:04}-{safe}.wav"));
        prune(&self.dir, MAX_WAV_FILES - 1);
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        tracing::debug!(path = %path.display(), "writing reply audio");
        hound::WavWriter::create(&path, spec)
            .map_err(|error| format!("creating {}: {error}", path.display()))
    }
}

/// Reply files kept in the WAV directory; older ones are deleted (a robot talks all day).
pub const MAX_WAV_FILES: usize = 200;

/// Deletes the oldest reply files of `dir` so that at most `keep` remain.
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "wav")
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| {
                        name.len() > 14
                            && name.as_bytes()[13] == b'-'
                            && name[..13].bytes().all(|b| b.is_ascii_digit())
                    })
        })
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort();
    for path in &files[..files.len() - keep] {
        if let Err(error) = std::fs::remove_file(path) {
            tracing::warn!(path = %path.display(), %error, "old reply WAV not deleted");
        }
    }
}

fn write_samples(file: &mut WavFile, samples: &[f32]) -> Result<(), hound::Error> {
    for &sample in samples {
        file.write_sample(to_i16(sample))?;
    }
    // Readers (tests, the scenario runner) see the audio as it is "played".
    file.flush()
}

fn finalize(reply_id: &str, file: WavFile) {
    if let Err(error) = file.finalize() {
        tracing::warn!(reply_id, %error, "WAV file not finalised");
    }
}

/// `[-1, 1]` to 16-bit PCM, clipping.
pub fn to_i16(sample: f32) -> i16 {
    (sample.clamp(-1.0, 1.0) * 32_767.0).round() as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_reply_files_only() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "0000000000003-0001-c.wav",
            "0000000000001-0001-a.wav",
            "0000000000002-0001-b.wav",
            "notes.wav",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        prune(dir.path(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                "0000000000002-0001-b.wav",
                "0000000000003-0001-c.wav",
                "notes.wav"
            ]
        );
    }
}
