//! Binds the voice-out logic to its topics: `/assistant/reply`, `/speech/activity` and
//! `/assistant/task` in, `/speech/speaking` out; the [`Speaker`] does the audio on its own
//! threads, and its playback events come back into the node's loop.

use std::path::PathBuf;
use std::time::Instant;

use embodied_msgs::msg::SpeakingState;
use embodied_msgs::std_msgs::msg::Header;
use embodied_msgs::topics;
use embodied_runtime::{NodeIo, Publisher, RuntimeError, Shutdown, exit_code};
use futures::StreamExt;
use tracing::{debug, info, warn};

use crate::logic::{Input, Logic, Output};
use crate::params::{ParamError, Params, resolve_wav_dir};
use crate::playback::PlaybackEvent;
use crate::sink::OutputConfig;
use crate::speaker::{SpeakError, Speaker};

/// Playback events in flight from the audio threads to the node's loop.
const EVENT_QUEUE: usize = 64;

/// Why the node stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Parameters were refused.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// The WAV sink has no directory: `wav_dir` is empty and there is no cache directory.
    #[error("wav_dir is empty and neither EMBODIED_CACHE_DIR nor HOME is set")]
    NoWavDir,
    /// The voice or the output could not be opened.
    #[error(transparent)]
    Speak(#[from] SpeakError),
    /// The transport failed.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A blocking task could not be joined.
    #[error("the speech output start-up task failed: {reason}")]
    Task {
        /// What happened.
        reason: String,
    },
}

impl Error {
    /// The process exit code: config for what the user fixes in parameters, voices and
    /// devices; the runtime's own code for transport failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Runtime(error) => error.exit_code(),
            Self::Task { .. } | Self::Speak(SpeakError::ThreadStopped { .. }) => exit_code::FAILURE,
            _ => exit_code::CONFIG,
        }
    }
}

/// The output configuration of `params`, with the WAV directory resolved from the
/// environment (`$EMBODIED_CACHE_DIR`, else `$HOME/.cache/embodied`) when `wav_dir` is empty.
///
/// # Errors
/// [`Error::NoWavDir`] when no directory can be named.
pub fn output_config(params: &Params) -> Result<OutputConfig, Error> {
    let wav_dir = resolve_wav_dir(
        &params.wav_dir,
        std::env::var_os("EMBODIED_CACHE_DIR").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
    .ok_or(Error::NoWavDir)?;
    Ok(params.output_config(wav_dir))
}

/// Runs the node until `shutdown` fires: speaks each reply, publishes `/speech/speaking`,
/// and stops talking when the user starts.
///
/// # Errors
/// [`Error`] at start-up for bad parameters, a missing voice or device (config exit code);
/// later for transport failures.
pub async fn run(io: &mut NodeIo, params: Params, mut shutdown: Shutdown) -> Result<(), Error> {
    let params = params.validate()?;
    let output = output_config(&params)?;
    let voice = params.voice_settings();
    // Opening a device and initialising eSpeak block: off the async workers.
    let (speaker, events) = tokio::task::spawn_blocking(move || Speaker::start(&voice, &output))
        .await
        .map_err(|error| Error::Task {
            reason: error.to_string(),
        })??;
    let mut events = forward_events(events);
    let publisher = io.publisher(&topics::SPEAKING)?;
    let mut replies = io.subscription(&topics::ASSISTANT_REPLY)?;
    let mut activity = io.subscription(&topics::SPEECH_ACTIVITY)?;
    let mut tasks = io.subscription(&topics::ASSISTANT_TASK)?;
    let mut logic = Logic::new(&params);
    info!(node = %io.fully_qualified_name(), output = %speaker.description(), voice = %params.voice, "speaking replies");
    let result = loop {
        // Biased: a barge-in is served before anything else that is ready.
        let input = tokio::select! {
            biased;
            () = shutdown.recv() => break Ok(()),
            Some(message) = activity.next() => Input::Activity(message),
            Some(message) = tasks.next() => Input::Task(message),
            Some(message) = replies.next() => Input::Reply(message),
            Some(event) = events.recv() => Input::Playback(event),
        };
        let now = Instant::now();
        let outputs = logic.handle(now, input);
        if let Err(error) = execute(io, &speaker, &publisher, now, outputs).await {
            break Err(error);
        }
    };
    let outputs = logic.shutdown(Instant::now());
    let ended = execute(io, &speaker, &publisher, Instant::now(), outputs).await;
    // Joining the audio threads blocks.
    let _ = tokio::task::spawn_blocking(move || drop(speaker)).await;
    info!("speech output stopped");
    result.and(ended)
}

async fn execute(
    io: &NodeIo,
    speaker: &Speaker,
    publisher: &Publisher<SpeakingState>,
    now: Instant,
    outputs: Vec<Output>,
) -> Result<(), Error> {
    for output in outputs {
        match output {
            Output::Speak {
                reply_id,
                text,
                last,
            } => {
                if let Err(error) = speaker.say(&reply_id, &text, last) {
                    warn!(%reply_id, %error, "reply not spoken");
                }
            }
            Output::Stop => {
                let flushed = speaker.stop();
                let audible_ms = flushed.audio_until.map_or(0, |until| {
                    until.saturating_duration_since(now).as_millis() as u64
                });
                debug!(
                    reply_id = ?flushed.reply_id,
                    discarded_samples = flushed.discarded_samples,
                    audible_ms,
                    "speech flushed"
                );
            }
            Output::Speaking(mut state) => {
                state.header = Header {
                    stamp: io.now(),
                    frame_id: String::new(),
                };
                publisher.publish(state).await?;
            }
        }
    }
    Ok(())
}

/// Moves playback events from the audio threads' channel onto a tokio channel. The thread
/// ends when the speaker (the last holder of the sending side) is dropped.
fn forward_events(
    events: std::sync::mpsc::Receiver<PlaybackEvent>,
) -> tokio::sync::mpsc::Receiver<PlaybackEvent> {
    let (sender, receiver) = tokio::sync::mpsc::channel(EVENT_QUEUE);
    std::thread::spawn(move || {
        while let Ok(event) = events.recv() {
            if sender.blocking_send(event).is_err() {
                break;
            }
        }
    });
    receiver
}
