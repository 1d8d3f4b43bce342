//! Binds the monitor's logic to its DDS topics.

use std::time::Duration;

use embodied_msgs::topics;
use embodied_runtime::{NodeIo, RuntimeError, Shutdown};
use futures::StreamExt;
use tracing::{info, warn};

use crate::{Input, Level, Logic, Output, Params};

/// Runs the monitor until `shutdown` fires.
///
/// # Errors
/// [`RuntimeError`] if a subscription cannot be created.
pub async fn run(
    io: &mut NodeIo,
    params: Params,
    mut shutdown: Shutdown,
) -> Result<(), RuntimeError> {
    let mut logic = Logic::new(params);
    let mut audio = io.subscription(&topics::AUDIO_CHUNK)?;
    let mut activity = io.subscription(&topics::SPEECH_ACTIVITY)?;
    let mut transcripts = io.subscription(&topics::TRANSCRIPT)?;
    let mut replies = io.subscription(&topics::ASSISTANT_REPLY)?;
    let mut tasks = io.subscription(&topics::ASSISTANT_TASK)?;
    let mut statuses = io.subscription(&topics::PLANNER_STATUS)?;
    let mut speaking = io.subscription(&topics::SPEAKING)?;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    info!(node = %io.fully_qualified_name(), "monitoring the assistant's topics");
    loop {
        let input = tokio::select! {
            () = shutdown.recv() => return Ok(()),
            _ = tick.tick() => {
                log(logic.tick(&io.now()));
                continue;
            }
            Some(m) = audio.next() => Input::Audio(m),
            Some(m) = activity.next() => Input::Activity(m),
            Some(m) = transcripts.next() => Input::Transcript(m),
            Some(m) = replies.next() => Input::Reply(m),
            Some(m) = tasks.next() => Input::Task(m),
            Some(m) = statuses.next() => Input::Status(m),
            Some(m) = speaking.next() => Input::Speaking(m),
        };
        log(logic.handle(&io.now(), input));
    }
}

fn log(lines: Vec<Output>) {
    for Output { level, line } in lines {
        match level {
            Level::Info => info!("{line}"),
            Level::Warn => warn!("{line}"),
        }
    }
}
