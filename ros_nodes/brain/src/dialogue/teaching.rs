//! What the dialogue does with a lesson ([`crate::teach`]): checks it, asks the model what the
//! taught meaning does, stores the example in the memory, and rewrites the wording from then on.

use embodied_memory::{Memory, TaughtExample, TaughtKind, Time};
use embodied_world::Named;

use super::{Dialogue, DialogueError, Reply, Timings, UtteranceInfo, memory_error};
use crate::actions::{Action, Understanding};
use crate::prompt::{Grounding, Prompt};
use crate::teach::{Lesson, Rewrites, Teacher, named_name, words};

/// Words that end a name read backwards from the words the model did not know.
const SENTENCE_WORDS: &[&str] = &[
    "the", "a", "an", "my", "your", "our", "to", "in", "into", "at", "from", "of", "on", "for",
    "and", "me", "please", "is", "are", "go", "find", "bring", "take", "get",
];

/// The last request the model answered: what a correction corrects.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LastRequest {
    /// As heard.
    pub(super) utterance: String,
    /// As the model read it, when taught wordings were rewritten.
    pub(super) read: Option<String>,
    /// The answer.
    pub(super) understanding: Understanding,
}

/// The rewrites of every taught example in `memory`.
pub(super) fn rewrites_from(memory: &Memory) -> Result<Rewrites, DialogueError> {
    let mut rewrites = Rewrites::default();
    for taught in memory
        .taught_examples()
        .map_err(memory_error("reading taught examples"))?
    {
        let example = taught.example;
        if example.meaning.is_empty() {
            continue;
        }
        match example.kind {
            TaughtKind::Correction => rewrites.correct(&example.utterance, &example.meaning),
            TaughtKind::Phrase | TaughtKind::Alias => {
                rewrites.replace(&example.utterance, &example.meaning);
            }
        }
    }
    Ok(rewrites)
}

/// What replaces an alias in an utterance: the name, after the phrase's own article
/// ("the study" → "the office", "den" → "living room").
fn alias_meaning(phrase: &str, named: Named) -> String {
    match phrase.split(' ').next() {
        Some(article @ ("the" | "a" | "an" | "my")) if phrase.contains(' ') => {
            format!("{article} {}", named_name(named))
        }
        _ => named_name(named).to_owned(),
    }
}

fn same_kind(a: Named, b: Named) -> bool {
    matches!(
        (a, b),
        (Named::Place(_), Named::Place(_)) | (Named::Object(_), Named::Object(_))
    )
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Dialogue {
    /// Handles a lesson; `None` when it is not one after all (a correction with no request
    /// before it), and the model answers the utterance as usual.
    pub(super) fn learn(
        &mut self,
        teacher: &Teacher,
        lesson: Lesson,
        utterance: &str,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Option<Reply>, DialogueError> {
        match lesson {
            Lesson::Phrase { phrase, meaning } => self
                .learn_phrase(teacher, &phrase, &meaning, utterance, info, now)
                .map(Some),
            Lesson::Alias { phrase, named } => {
                if let Some(why) = teacher.refusal(&phrase) {
                    return self.refuse(utterance, &why, info, now).map(Some);
                }
                let meaning = alias_meaning(&phrase, named);
                let example = TaughtExample {
                    kind: TaughtKind::Alias,
                    utterance: phrase.clone(),
                    output: named_name(named).to_owned(),
                    source_utterance_id: info.utterance_id.clone(),
                    meaning: meaning.clone(),
                };
                let say = format!("Okay, \"{phrase}\" means {meaning}.");
                self.rewrites.replace(&phrase, &meaning);
                self.record_lesson(utterance, say, vec![example], info, now)
                    .map(Some)
            }
            Lesson::Correction { meaning } => {
                self.learn_correction(teacher, &meaning, utterance, info, now)
            }
        }
    }

    fn learn_phrase(
        &mut self,
        teacher: &Teacher,
        phrase: &str,
        meaning: &str,
        utterance: &str,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Reply, DialogueError> {
        if let Some(why) = teacher.refusal(phrase) {
            return self.refuse(utterance, &why, info, now);
        }
        // What the model alone makes of the phrase, here and at the start of a conversation:
        // a stop is never taught away.
        let here = self.probe(phrase, now)?;
        let fresh = self.probe_fresh(phrase)?;
        if here.actions.contains(&Action::Stop) || fresh.actions.contains(&Action::Stop) {
            let why = format!("to me \"{phrase}\" means stop, and stopping always means stopping.");
            return self.refuse(utterance, &why, info, now);
        }
        let read = self
            .rewrites
            .apply(meaning)
            .unwrap_or_else(|| meaning.to_owned());
        let (meant, output) = self.probe_text(&read, now)?;
        if meant.actions.is_empty() {
            let why = format!("I don't know how to \"{meaning}\".");
            return self.refuse(utterance, &why, info, now);
        }
        let example = TaughtExample {
            kind: TaughtKind::Phrase,
            utterance: phrase.to_owned(),
            output,
            source_utterance_id: info.utterance_id.clone(),
            meaning: read.clone(),
        };
        self.rewrites.replace(phrase, &read);
        let say = format!(
            "Okay, when you say \"{phrase}\", I'll do this: {}",
            lower_first(&meant.say)
        );
        self.record_lesson(utterance, say, vec![example], info, now)
    }

    fn learn_correction(
        &mut self,
        teacher: &Teacher,
        meaning: &str,
        utterance: &str,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Option<Reply>, DialogueError> {
        let Some(last) = self.last_request.take() else {
            return Ok(None);
        };
        if last.understanding.actions.contains(&Action::Stop) {
            let why = "I stopped because you said stop, and stopping always means stopping. \
                       Tell me what to do next.";
            return self.refuse(utterance, why, info, now).map(Some);
        }
        let (request, alias) = self.corrected_request(teacher, &last, meaning);
        let mut reply = self.answer(utterance, Some(request.clone()), false, info, now)?;
        if reply.understanding.actions.is_empty() {
            // Not a request after all: nothing to learn.
            return Ok(Some(reply));
        }
        let mut examples = vec![TaughtExample {
            kind: TaughtKind::Correction,
            utterance: last.utterance.clone(),
            output: reply.model_text.clone(),
            source_utterance_id: info.utterance_id.clone(),
            meaning: request.clone(),
        }];
        if let Some((phrase, named)) = alias
            && teacher.refusal(&phrase).is_none()
        {
            let meaning = alias_meaning(&phrase, named);
            examples.push(TaughtExample {
                kind: TaughtKind::Alias,
                utterance: phrase.clone(),
                output: named_name(named).to_owned(),
                source_utterance_id: info.utterance_id.clone(),
                meaning: meaning.clone(),
            });
            self.rewrites.replace(&phrase, &meaning);
        }
        self.rewrites.correct(&last.utterance, &request);
        self.memory
            .batch(now, |batch| {
                for example in &examples {
                    batch.teach(example)?;
                }
                Ok(())
            })
            .map_err(memory_error("storing what was taught"))?;
        reply.understanding.say = format!("Sorry about that. {}", reply.understanding.say);
        reply.taught = examples;
        // A second correction corrects the same request again.
        self.last_request = Some(LastRequest {
            utterance: last.utterance,
            read: Some(request),
            understanding: reply.understanding.clone(),
        });
        Ok(Some(reply))
    }

    /// The request the user meant by the last one: `meaning` when it is a whole request; when
    /// it is a name, the last request with the name swapped in, for the words the model did not
    /// know (which then also become an alias) or else the name of the same kind it understood.
    fn corrected_request(
        &self,
        teacher: &Teacher,
        last: &LastRequest,
        meaning: &str,
    ) -> (String, Option<(String, Named)>) {
        let Some(named) = teacher.map().resolve(meaning) else {
            return (meaning.to_owned(), None);
        };
        let read = last.read.as_deref().unwrap_or(&last.utterance);
        let heard = words(read);
        let name = named_name(named);
        let splice = |from: usize, to: usize| {
            let mut out: Vec<&str> = heard[..from].iter().map(String::as_str).collect();
            out.push(name);
            out.extend(heard[to..].iter().map(String::as_str));
            out.join(" ")
        };
        let lexicon = self.conversation.model().lexicon();
        let names = teacher.names_in(&heard);
        let unknown: Vec<usize> = (0..heard.len())
            .filter(|&i| {
                !lexicon.knows(&heard[i])
                    && !heard[i].bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && !names.iter().any(|(f, t, _)| (*f..*t).contains(&i))
            })
            .collect();
        if let (Some(&first_unknown), Some(&last_unknown)) = (unknown.first(), unknown.last())
            && unknown.len() == last_unknown - first_unknown + 1
        {
            // The missed name may start with words the model knows ("the man cave"): it
            // reaches back to the article or preposition before it.
            let mut from = first_unknown;
            while from > 0
                && !SENTENCE_WORDS.contains(&heard[from - 1].as_str())
                && !names.iter().any(|(_, t, _)| *t == from)
            {
                from -= 1;
            }
            let phrase = heard[from..=last_unknown].join(" ");
            return (splice(from, last_unknown + 1), Some((phrase, named)));
        }
        if let Some((from, to, _)) = names
            .iter()
            .find(|(_, _, n)| same_kind(*n, named) && *n != named)
        {
            return (splice(*from, *to), None);
        }
        (meaning.to_owned(), None)
    }

    /// The model's answer to `text` in the current state, the dialogue left unchanged.
    fn probe(&self, text: &str, now: &Time) -> Result<Understanding, DialogueError> {
        Ok(self.probe_text(text, now)?.0)
    }

    /// The model's answer to `text` in a new conversation in the default grounding, reading
    /// its words as consolidation will (known words, not placeholders).
    fn probe_fresh(&self, text: &str) -> Result<Understanding, DialogueError> {
        let model = self.conversation.model();
        Ok(model.probe_learned(text)?.output.into_parts().0)
    }

    /// [`Dialogue::probe`] and the model's output text.
    fn probe_text(&self, text: &str, now: &Time) -> Result<(Understanding, String), DialogueError> {
        let facts = self
            .retriever
            .retrieve(&self.memory, &self.aliases, text, &self.state, now)
            .map_err(memory_error("retrieving facts"))?;
        let grounding = Grounding {
            room: self.state.room,
            battery_pct: self.state.battery_pct,
            perceived: self.state.perceived_for_prompt(),
            facts,
        };
        let turn = self.conversation.probe(&Prompt::new(grounding, text)?)?;
        let text = turn.text.clone();
        Ok((turn.output.into_parts().0, text))
    }

    /// A refused lesson: says why, learns and does nothing.
    fn refuse(
        &mut self,
        utterance: &str,
        why: &str,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Reply, DialogueError> {
        tracing::info!(utterance, why, "lesson refused");
        self.record_lesson(
            utterance,
            format!("Sorry, I can't learn that: {why}"),
            Vec::new(),
            info,
            now,
        )
    }

    /// Stores what was taught and the turn (one memory transaction) and replies with `say`.
    fn record_lesson(
        &mut self,
        utterance: &str,
        say: String,
        examples: Vec<TaughtExample>,
        info: &UtteranceInfo,
        now: &Time,
    ) -> Result<Reply, DialogueError> {
        let started = std::time::Instant::now();
        let understanding = Understanding {
            say,
            actions: Vec::new(),
        };
        let episode = self.options.record_episodes.then(|| embodied_memory::Turn {
            session: self.options.session.clone(),
            utterance_id: info.utterance_id.clone(),
            user_text: utterance.to_owned(),
            reply_text: understanding.say.clone(),
            actions: "[]".to_owned(),
            speech_end: info.speech_end.clone(),
            transcript: info.transcript.clone(),
            reply: now.clone(),
        });
        self.memory
            .batch(now, |batch| {
                for example in &examples {
                    batch.teach(example)?;
                }
                if let Some(episode) = &episode {
                    batch.record_turn(episode)?;
                }
                Ok(())
            })
            .map_err(memory_error("storing what was taught"))?;
        if !examples.is_empty() {
            tracing::info!(utterance, taught = examples.len(), "lesson learned");
        }
        let elapsed = started.elapsed();
        Ok(Reply {
            understanding,
            memory_ops: Vec::new(),
            facts: Vec::new(),
            prompt: String::new(),
            model_text: String::new(),
            replaced_say: None,
            rewritten: None,
            taught: examples,
            prompt_tokens: 0,
            answer_tokens: 0,
            timings: Timings {
                memory: elapsed,
                total: elapsed,
                ..Timings::default()
            },
        })
    }
}
