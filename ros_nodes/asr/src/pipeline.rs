//! The node's VAD, endpointing and recognition run over a whole recording, offline (for
//! `embodied transcribe`, the tests and the benchmark).

use crate::endpoint::{EndpointEvent, Endpointer, Utterance, samples_to_seconds};
use crate::params::Params;
use crate::recognise::{Recogniser, Recognition};
use crate::transcriber::{TranscribeError, Transcriber};
use crate::vad::{FRAME_SAMPLES, FrameClassifier};

/// Endpointer events of a recording, as the node would see them streamed. Trailing silence
/// equal to the hangover is appended, so speech at the very end gets a natural endpoint.
pub fn segment(samples: &[f32], params: &Params) -> Vec<EndpointEvent> {
    let mut classifier = FrameClassifier::default();
    let mut endpointer = Endpointer::new(params);
    let mut events = Vec::new();
    let tail =
        vec![0.0; (params.vad.hangover_ms as usize * 16).div_ceil(FRAME_SAMPLES) * FRAME_SAMPLES];
    for block in [samples, &tail] {
        classifier.push(block, |frame, voice| {
            events.extend(endpointer.push_frame(frame, voice));
        });
    }
    events.extend(endpointer.flush());
    events
}

/// The utterances of a recording.
pub fn utterances(samples: &[f32], params: &Params) -> Vec<Utterance> {
    segment(samples, params)
        .into_iter()
        .filter_map(|event| match event {
            EndpointEvent::Ended(utterance) => Some(utterance),
            _ => None,
        })
        .collect()
}

/// One utterance of a recording and what recognition made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileUtterance {
    /// First speech sample, seconds from the start of the recording.
    pub start_s: f64,
    /// End of the last speech frame, seconds.
    pub end_s: f64,
    /// Seconds of audio sent to the recogniser.
    pub audio_s: f64,
    /// From the end of speech to the endpoint decision, seconds.
    pub endpoint_delay_s: f64,
    /// The recogniser's verdict and compute time.
    pub recognition: Recognition,
}

/// The accepted utterances' texts, joined by spaces (what a listener would have heard).
pub fn accepted_text(utterances: &[FileUtterance]) -> String {
    utterances
        .iter()
        .filter_map(|u| match &u.recognition.verdict {
            crate::recognise::Verdict::Accepted(accepted) => Some(accepted.text.as_str()),
            crate::recognise::Verdict::Rejected { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the whole pipeline over a recording.
///
/// # Errors
/// [`TranscribeError`] if whisper fails.
pub fn transcribe_samples<T: Transcriber>(
    samples: &[f32],
    params: &Params,
    recogniser: &mut Recogniser<T>,
) -> Result<Vec<FileUtterance>, TranscribeError> {
    utterances(samples, params)
        .iter()
        .map(|utterance| {
            Ok(FileUtterance {
                start_s: samples_to_seconds(utterance.speech_start_sample),
                end_s: samples_to_seconds(utterance.speech_end_sample),
                audio_s: samples_to_seconds(utterance.samples.len() as u64),
                endpoint_delay_s: samples_to_seconds(
                    utterance.endpoint_sample - utterance.speech_end_sample,
                ),
                recognition: recogniser.recognise(utterance)?,
            })
        })
        .collect()
}
