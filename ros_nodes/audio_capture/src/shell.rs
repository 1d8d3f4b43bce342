//! Binds the capture logic to `/audio/chunk`: starts the source on its own thread behind a
//! bounded queue, feeds the logic, paces file playback and publishes.

use std::time::Duration;

use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::topics;
use embodied_runtime::{NodeIo, RuntimeError, Shutdown, exit_code};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::{info, warn};

use crate::logic::{Input, Logic, LogicError, Output};
use crate::params::{ParamError, Params, Source};
use crate::playlist::Playlist;
use crate::wav::WavError;

/// Inputs in flight between the source thread and the node's loop. Small: a file source
/// blocks on it (backpressure), a microphone's own queue absorbs bursts.
const SOURCE_QUEUE: usize = 8;

/// Why the node stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Parameters were refused.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A WAV file of `wav_files` cannot be played.
    #[error(transparent)]
    Wav(#[from] WavError),
    /// The microphone cannot be opened.
    #[cfg(feature = "device")]
    #[error(transparent)]
    Device(#[from] crate::device::DeviceError),
    /// `source: device` in a build without the `device` feature.
    #[error("source: device needs audio_capture built with the `device` feature")]
    DeviceSupportMissing,
    /// Captured audio could not be converted.
    #[error(transparent)]
    Logic(#[from] LogicError),
    /// The transport failed.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The capture thread ended unexpectedly.
    #[error("the audio source thread stopped: {reason}")]
    SourceThread {
        /// What happened.
        reason: String,
    },
}

impl Error {
    /// The process exit code: config for anything the user fixes in parameters, files or
    /// hardware; the runtime's own code for transport failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Runtime(error) => error.exit_code(),
            Self::SourceThread { .. } => exit_code::FAILURE,
            _ => exit_code::CONFIG,
        }
    }
}

/// What the source thread sends.
type SourceItem = Result<Input, Error>;

/// Runs the node until `shutdown` fires: publishes chunks from the configured source. A file
/// source that ends (without `loop`) leaves the node idle until shutdown.
///
/// # Errors
/// [`Error`] at start-up for bad parameters, files or devices (config exit code); later for
/// transport failures.
pub async fn run(io: &mut NodeIo, params: Params, mut shutdown: Shutdown) -> Result<(), Error> {
    let params = params.validate()?;
    let publisher = io.publisher(&topics::AUDIO_CHUNK)?;
    let mut sources = start_source(&params, io).await?;
    let stream_id = rand::random::<u32>();
    let mut logic = Logic::new(&params, stream_id);
    info!(node = %io.fully_qualified_name(), stream_id, source = ?params.source, chunk_ms = params.chunk_ms, "publishing audio chunks");

    if params.start_delay_s > 0.0 {
        tokio::select! {
            () = shutdown.recv() => return Ok(()),
            () = tokio::time::sleep(Duration::from_secs_f64(params.start_delay_s)) => {}
        }
    }
    let pace = match (params.source, params.realtime) {
        (Source::Wav, true) => Pace::Realtime {
            start: Instant::now(),
        },
        (Source::Wav, false) => Pace::AsFastAsTaken,
        (Source::Device, _) => Pace::Device,
    };
    let mut published = 0u64;
    loop {
        let item = tokio::select! {
            () = shutdown.recv() => break,
            item = sources.recv() => item,
        };
        let Some(item) = item else {
            info!(
                chunks = published,
                "audio source finished; idle until shutdown"
            );
            shutdown.recv().await;
            break;
        };
        let now = io.now();
        for output in logic.handle(&now, item?)? {
            match output {
                Output::Chunk(chunk) => {
                    if let Some(due) = pace.due(chunk.sequence, params.chunk_ms) {
                        tokio::select! {
                            () = shutdown.recv() => return Ok(()),
                            () = tokio::time::sleep_until(due) => {}
                        }
                    }
                    publisher.publish(chunk).await?;
                    published += 1;
                    if matches!(pace, Pace::AsFastAsTaken) {
                        // Let subscribers in this process take the chunk before the next one.
                        tokio::task::yield_now().await;
                    }
                }
                Output::Dropped {
                    frames,
                    chunks_lost,
                } => warn!(
                    frames,
                    chunks_lost, "capture queue overflow: audio dropped (sequence gap)"
                ),
            }
        }
    }
    info!(chunks = published, "audio capture stopped");
    Ok(())
}

/// When chunks go out.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// Chunk `n` is published when its audio would have ended, counted from `start`.
    Realtime { start: Instant },
    /// As soon as converted, yielding between chunks.
    AsFastAsTaken,
    /// As the microphone delivers.
    Device,
}

impl Pace {
    fn due(self, sequence: u64, chunk_ms: u32) -> Option<Instant> {
        match self {
            Self::Realtime { start } => {
                let millis = (sequence + 1).saturating_mul(u64::from(chunk_ms));
                Some(start + Duration::from_millis(millis))
            }
            Self::AsFastAsTaken | Self::Device => None,
        }
    }
}

/// Starts the configured source on a thread; errors at start-up (bad file, no device) are
/// returned here.
async fn start_source(params: &Params, io: &NodeIo) -> Result<mpsc::Receiver<SourceItem>, Error> {
    match params.source {
        Source::Wav => {
            let playlist = Playlist::new(params.wav_files.clone(), params.gap_s, params.repeat)?;
            Ok(spawn_playlist(playlist, SOURCE_QUEUE))
        }
        Source::Device => start_device(params, io).await,
    }
}

/// Runs `playlist` on a thread that blocks while the returned queue (of `capacity` inputs) is
/// full, so nothing is skipped however slowly it is drained.
pub fn spawn_playlist(
    mut playlist: Playlist,
    capacity: usize,
) -> mpsc::Receiver<Result<Input, Error>> {
    let (sender, receiver) = mpsc::channel(capacity);
    std::thread::spawn(move || {
        loop {
            let item = match playlist.next_input() {
                Ok(Some(input)) => Ok(input),
                Ok(None) => break,
                Err(error) => Err(Error::Wav(error)),
            };
            let failed = item.is_err();
            if sender.blocking_send(item).is_err() || failed {
                break;
            }
        }
    });
    receiver
}

#[cfg(feature = "device")]
async fn start_device(params: &Params, io: &NodeIo) -> Result<mpsc::Receiver<SourceItem>, Error> {
    use crate::device::{Capture, NextBlock};

    let (sender, receiver) = mpsc::channel(SOURCE_QUEUE);
    let (opened_sender, opened) = tokio::sync::oneshot::channel();
    let query = params.device.clone();
    let queue_blocks = params.capture_queue_blocks;
    let clock = io.clock().clone();
    // cpal's stream is not Send everywhere: it lives and dies on this thread.
    std::thread::spawn(move || {
        let capture = match Capture::open(&query, queue_blocks, move || clock.now_nanos()) {
            Ok(capture) => {
                let _ = opened_sender.send(Ok(()));
                capture
            }
            Err(error) => {
                let _ = opened_sender.send(Err(error));
                return;
            }
        };
        let (sample_rate, channels) = (capture.sample_rate(), capture.channels());
        loop {
            match capture.next_block(Duration::from_millis(200)) {
                NextBlock::Block(block) => {
                    let input = Input::Frames {
                        sample_rate,
                        channels,
                        first_frame: block.first_frame,
                        samples: block.samples,
                        captured_at: Some(Time::from_nanos(block.captured_at_nanos)),
                    };
                    if sender.blocking_send(Ok(input)).is_err() {
                        break;
                    }
                }
                NextBlock::Timeout if sender.is_closed() => break,
                NextBlock::Timeout => {}
                NextBlock::Closed => {
                    let _ = sender.blocking_send(Err(Error::SourceThread {
                        reason: format!("device {:?} stopped delivering audio", capture.device()),
                    }));
                    break;
                }
            }
        }
    });
    match opened.await {
        Ok(Ok(())) => Ok(receiver),
        Ok(Err(error)) => Err(error.into()),
        Err(_) => Err(Error::SourceThread {
            reason: "the capture thread ended while opening the device".into(),
        }),
    }
}

#[cfg(not(feature = "device"))]
async fn start_device(_params: &Params, _io: &NodeIo) -> Result<mpsc::Receiver<SourceItem>, Error> {
    Err(Error::DeviceSupportMissing)
}
