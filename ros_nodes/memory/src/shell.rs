//! Serves the memory as ROS 2 services: `/memory/remember` and `/memory/recall`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use embodied_msgs::srv::{RecallRequest, RecallResponse, RememberRequest, RememberResponse};
use embodied_msgs::topics;
use embodied_runtime::{NodeIo, RuntimeError, Shutdown};
use tracing::{info, warn};

use crate::{Aliases, Kind, Memory, NewFact, RecallQuery, RememberMode, Time};

/// Handles one `Remember` request at `now`; failures become `success: false` with the
/// reason in `message`.
pub fn handle_remember(
    memory: &mut Memory,
    request: RememberRequest,
    now: &Time,
) -> RememberResponse {
    let started = Instant::now();
    let mode = if request.is_correction {
        RememberMode::Correct
    } else {
        RememberMode::Add
    };
    let result = NewFact::from_msg(&request.fact).and_then(|mut fact| {
        if !request.utterance_id.is_empty() {
            fact.source_utterance_id = request.utterance_id.clone();
        }
        memory.remember(fact, mode, now)
    });
    let mut response = match result {
        Ok(remembered) => RememberResponse {
            success: true,
            id: remembered.id,
            replaced: remembered.previous.is_some(),
            previous: remembered
                .previous
                .map(|fact| fact.to_msg())
                .unwrap_or_default(),
            ..RememberResponse::default()
        },
        Err(e) => {
            warn!(utterance_id = %request.utterance_id, error = %e, "remember failed");
            RememberResponse {
                message: e.to_string(),
                ..RememberResponse::default()
            }
        }
    };
    response.processing_time = started.elapsed().into();
    response
}

/// Handles one `Recall` request; failures become `success: false` with the reason.
pub fn handle_recall(memory: &Memory, aliases: &Aliases, request: RecallRequest) -> RecallResponse {
    let started = Instant::now();
    let query = RecallQuery {
        kind: Kind::from_u8(request.kind),
        subject: request.subject,
        relation: request.relation,
        text: request.text,
        max_results: request.max_results,
    };
    let mut response = match memory.recall(&query, aliases) {
        Ok(recalled) => RecallResponse {
            success: true,
            scores: recalled.iter().map(|r| r.score).collect(),
            facts: recalled.iter().map(|r| r.fact.to_msg()).collect(),
            ..RecallResponse::default()
        },
        Err(e) => {
            warn!(utterance_id = %request.utterance_id, error = %e, "recall failed");
            RecallResponse {
                message: e.to_string(),
                ..RecallResponse::default()
            }
        }
    };
    response.processing_time = started.elapsed().into();
    response
}

/// Serves `/memory/remember` and `/memory/recall` from `memory` until `shutdown` fires.
/// Database work runs on tokio's blocking pool (a FULL-durability commit waits for fsync),
/// one request at a time.
///
/// # Errors
/// [`RuntimeError`] if a service cannot be created.
pub async fn run(
    io: &mut NodeIo,
    memory: Memory,
    aliases: Aliases,
    mut shutdown: Shutdown,
) -> Result<(), RuntimeError> {
    let mut remember = io.service_server(&topics::MEMORY_REMEMBER)?;
    let mut recall = io.service_server(&topics::MEMORY_RECALL)?;
    let memory = Arc::new(Mutex::new(memory));
    let aliases = Arc::new(aliases);
    info!(node = %io.fully_qualified_name(), remember = %remember.service(), recall = %recall.service(), "memory serving");
    loop {
        tokio::select! {
            () = shutdown.recv() => return Ok(()),
            Some((request, pending)) = remember.next_request() => {
                let memory = Arc::clone(&memory);
                let now = io.now();
                let response = blocking(move || {
                    let mut memory = memory.lock().unwrap_or_else(PoisonError::into_inner);
                    handle_remember(&mut memory, request, &now)
                })
                .await;
                if let Err(e) = remember.respond(pending, response).await {
                    warn!(error = %e, "remember response not sent");
                }
            }
            Some((request, pending)) = recall.next_request() => {
                let memory = Arc::clone(&memory);
                let aliases = Arc::clone(&aliases);
                let response = blocking(move || {
                    let memory = memory.lock().unwrap_or_else(PoisonError::into_inner);
                    handle_recall(&memory, &aliases, request)
                })
                .await;
                if let Err(e) = recall.respond(pending, response).await {
                    warn!(error = %e, "recall response not sent");
                }
            }
        }
    }
}

/// Runs `work` on the blocking pool; a panic in it is logged and answered with the default
/// response (`success: false`).
async fn blocking<T: Default + Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        warn!(error = %e, "memory request failed");
        T::default()
    })
}
