//! Binds the recogniser's logic to its topics; whisper runs on a dedicated thread behind a
//! bounded channel so the executor never blocks on it.

use std::sync::mpsc::{SyncSender, TrySendError};

use embodied_msgs::msg::{SpeechActivity, Transcript};
use embodied_msgs::topics;
use embodied_runtime::{NodeIo, Publisher, Shutdown};
use futures::StreamExt;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use crate::recognise::Recogniser;
use crate::{Error, Input, Lexicon, Logic, Output, Params, RecognitionRequest, Transcriber};

/// Utterances waiting for the worker: one being recognised plus this many queued. More means
/// whisper cannot keep up; further utterances are discarded (and said so) instead of piling up.
const RECOGNITION_QUEUE: usize = 2;

/// A finished recognition, from the worker back to the loop: utterance id, request id, result.
type Finished = (String, u64, Result<crate::recognise::Recognition, String>);

fn spawn_worker<T: Transcriber + 'static>(
    mut recogniser: Recogniser<T>,
    results: mpsc::Sender<Finished>,
) -> std::io::Result<(SyncSender<RecognitionRequest>, std::thread::JoinHandle<()>)> {
    let (requests, queue) = std::sync::mpsc::sync_channel::<RecognitionRequest>(RECOGNITION_QUEUE);
    let handle = std::thread::Builder::new()
        .name("asr-whisper".into())
        .spawn(move || {
            // Ends when the loop drops the request sender.
            for request in queue {
                let result = recogniser
                    .recognise_cancellable(&request.utterance, &request.cancel)
                    .map_err(|error| error.to_string());
                if results
                    .blocking_send((request.utterance_id, request.request_id, result))
                    .is_err()
                {
                    break;
                }
            }
        })?;
    Ok((requests, handle))
}

struct Endpoints {
    activity: Publisher<SpeechActivity>,
    transcripts: Publisher<Transcript>,
}

/// Runs the recogniser until `shutdown` fires. `transcriber` is loaded by the caller (a
/// missing model is a start-up error, reported before any topic is created).
///
/// # Errors
/// [`Error::Runtime`] if an endpoint cannot be created or a publish fails,
/// [`Error::WorkerStopped`] if the recognition thread dies.
pub async fn run<T: Transcriber + 'static>(
    io: &mut NodeIo,
    params: Params,
    lexicon: Lexicon,
    transcriber: T,
    mut shutdown: Shutdown,
) -> Result<(), Error> {
    let params = params.validate()?;
    let mut logic = Logic::new(&params, transcriber.model_name());
    let recogniser = Recogniser::new(transcriber, &params, lexicon);
    let endpoints = Endpoints {
        activity: io.publisher(&topics::SPEECH_ACTIVITY)?,
        transcripts: io.publisher(&topics::TRANSCRIPT)?,
    };
    let mut audio = io.subscription(&topics::AUDIO_CHUNK)?;
    let mut speaking = io.subscription(&topics::SPEAKING)?;
    let (results_tx, mut results) = mpsc::channel::<Finished>(RECOGNITION_QUEUE + 2);
    let (requests, worker) =
        spawn_worker(recogniser, results_tx).map_err(|_| Error::WorkerStopped)?;
    info!(node = %io.fully_qualified_name(), "listening");
    let outcome = loop {
        let input = tokio::select! {
            () = shutdown.recv() => break Ok(()),
            Some(chunk) = audio.next() => Input::Audio(chunk),
            Some(state) = speaking.next() => Input::Speaking(state),
            finished = results.recv() => match finished {
                Some((utterance_id, request_id, result)) => {
                    Input::Recognised { utterance_id, request_id, result }
                }
                None => break Err(Error::WorkerStopped),
            },
        };
        let outputs = logic.handle(&io.now(), input);
        if let Err(error) = dispatch(io, &mut logic, &endpoints, &requests, outputs).await {
            break Err(error);
        }
    };
    // Dropping the sender ends the worker after the utterance in progress.
    drop(requests);
    if tokio::task::spawn_blocking(move || worker.join())
        .await
        .is_err()
    {
        warn!("the recognition worker panicked");
    }
    outcome
}

async fn dispatch(
    io: &NodeIo,
    logic: &mut Logic,
    endpoints: &Endpoints,
    requests: &SyncSender<RecognitionRequest>,
    outputs: Vec<Output>,
) -> Result<(), Error> {
    let mut queue = std::collections::VecDeque::from(outputs);
    while let Some(output) = queue.pop_front() {
        match output {
            Output::Activity(activity) => endpoints.activity.publish(activity).await?,
            Output::Transcript(transcript) => endpoints.transcripts.publish(transcript).await?,
            Output::Recognise(request) => match requests.try_send(request) {
                Ok(()) => {}
                Err(TrySendError::Full(request)) => {
                    if request.early {
                        debug!(utterance = %request.utterance_id, "recogniser busy: no early recognition");
                    } else {
                        warn!(utterance = %request.utterance_id, "recogniser busy: utterance dropped");
                    }
                    let rejected = Input::Recognised {
                        utterance_id: request.utterance_id,
                        request_id: request.request_id,
                        result: Err("recogniser busy".to_string()),
                    };
                    queue.extend(logic.handle(&io.now(), rejected));
                }
                Err(TrySendError::Disconnected(_)) => return Err(Error::WorkerStopped),
            },
        }
    }
    Ok(())
}
