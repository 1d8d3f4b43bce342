//! Between the model's facts (`keys@bedroom`, `user:name:anna`) and the memory's rows
//! (`embodied_memory`): retrieval of the facts relevant to an utterance, execution of the
//! model's memory operations, and perception-derived object locations.

use std::collections::BTreeMap;

use embodied_memory::{
    Aliases, Batch, Forget, Kind, Memory, NewFact, RecallQuery, RememberMode, Time,
};
use embodied_world::{ObjectId, PlaceId};
use tracing::debug;

use super::state::{RobotState, resolve_object, resolve_place};
use crate::prompt::{Fact, LOCATION_RELATION, MemoryOp};

/// Relation under which `embodied_memory` keeps where an object is (its single-valued
/// `location`; the planner's FIND recalls it).
pub const MEMORY_LOCATION_RELATION: &str = "location";
/// Subject of the facts about the person speaking.
pub const USER: &str = "user";
/// Relation of a person's name (a `Person` fact in the memory, and its people table).
pub const NAME_RELATION: &str = "name";

/// Lowercase words of letters, digits and apostrophes, single spaces: the model's form of a
/// fact field.
fn fact_words(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The model's form of a stored fact, or `None` when it has none (a location of something
/// that is not a known object or place, or fields the prompt cannot carry).
pub fn fact_from_memory(fact: &embodied_memory::Fact, aliases: &Aliases) -> Option<Fact> {
    let relation = fact_words(&fact.relation);
    if relation == MEMORY_LOCATION_RELATION || relation == LOCATION_RELATION {
        let object = resolve_object(aliases, &fact.subject)?;
        let place = resolve_place(aliases, &fact.value)?;
        return Some(Fact::location(object, place));
    }
    Fact::new(
        &fact_words(&fact.subject),
        &relation.replace(' ', "_"),
        &fact_words(&fact.value),
    )
    .ok()
}

/// The memory's form of a fact the model asked to remember: an object location, a person's
/// name, or a general fact.
pub fn new_fact(fact: &Fact) -> NewFact {
    match fact.as_location() {
        Some((object, place)) => NewFact::new(
            Kind::ObjectLocation,
            object.name(),
            MEMORY_LOCATION_RELATION,
            place.name(),
        ),
        None if fact.relation == NAME_RELATION => {
            NewFact::new(Kind::Person, &fact.subject, &fact.relation, &fact.value)
        }
        None => NewFact::new(Kind::Fact, &fact.subject, &fact.relation, &fact.value),
    }
}

/// What a `forget` operation removes.
pub fn forget_target(subject: &str, relation: Option<&str>) -> Forget {
    match relation {
        None => Forget::Everything {
            subject: subject.to_owned(),
        },
        Some(relation) => Forget::Relation {
            subject: subject.to_owned(),
            relation: if relation == LOCATION_RELATION {
                MEMORY_LOCATION_RELATION.to_owned()
            } else {
                relation.to_owned()
            },
        },
    }
}

/// Executes the model's memory operations in `batch`. A remembered fact overwrites the
/// same subject and relation (that is how "actually ..." corrections work).
///
/// # Errors
/// The memory's error, naming the field or the SQL step.
pub fn apply_memory_ops(
    batch: &mut Batch<'_>,
    ops: &[MemoryOp],
    utterance_id: &str,
    utterance: &str,
) -> Result<(), embodied_memory::Error> {
    for op in ops {
        match op {
            MemoryOp::Remember(fact) => {
                let stored = batch.remember(
                    new_fact(fact).from_utterance(utterance_id, utterance),
                    RememberMode::Correct,
                )?;
                debug!(fact = %fact, replaced = ?stored.previous.map(|f| f.value), "remembered");
            }
            MemoryOp::Forget { subject, relation } => {
                let forgotten = batch.forget(&forget_target(subject, relation.as_deref()))?;
                debug!(%subject, ?relation, forgotten, "forgot");
            }
        }
    }
    Ok(())
}

/// Finds the facts relevant to utterances in a memory.
#[derive(Debug, Clone)]
pub struct Retriever {
    /// Most facts in one prompt.
    pub max_facts: usize,
}

impl Retriever {
    /// The facts for `utterance`, most relevant first, at most [`Retriever::max_facts`], one
    /// per subject and relation:
    /// 1. where each object the utterance names (directly or by alias) is, as the newer of
    ///    what a user said and what perception saw, unless the robot perceives it now (the
    ///    prompt's `see` says where it is: perception wins);
    /// 2. the memory's free-text recall for the utterance (names, relatives, places);
    /// 3. the user's own facts, their name first (greetings by name, "what do I like").
    ///
    /// # Errors
    /// The memory's SQL errors.
    pub fn retrieve(
        &self,
        memory: &Memory,
        aliases: &Aliases,
        utterance: &str,
        state: &RobotState,
        now: &Time,
    ) -> Result<Vec<Fact>, embodied_memory::Error> {
        let mut facts: Vec<Fact> = Vec::new();
        let budget = self.max_facts;
        let push = |facts: &mut Vec<Fact>, fact: Fact| {
            let duplicate = facts
                .iter()
                .any(|f| f.subject == fact.subject && f.relation == fact.relation);
            if !duplicate && facts.len() < budget {
                facts.push(fact);
            }
        };
        let location_of = |object: ObjectId| -> Result<Option<Fact>, embodied_memory::Error> {
            if state.perceives(object) {
                return Ok(None);
            }
            let found = memory.object_location(object.name(), aliases, now)?;
            Ok(found
                .and_then(|location| resolve_place(aliases, &location.best.place))
                .map(|place| Fact::location(object, place)))
        };
        for object in objects_named(aliases, utterance) {
            if let Some(fact) = location_of(object)? {
                push(&mut facts, fact);
            }
        }
        let recalled = memory.recall(
            &RecallQuery {
                text: utterance.to_owned(),
                max_results: u32::try_from(budget.saturating_mul(2)).unwrap_or(u32::MAX),
                ..RecallQuery::default()
            },
            aliases,
        )?;
        for found in recalled {
            let Some(fact) = fact_from_memory(&found.fact, aliases) else {
                continue;
            };
            match fact.as_location() {
                // The newer of the user's word and perception, not just the stored fact.
                Some((object, _)) => {
                    if let Some(fact) = location_of(object)? {
                        push(&mut facts, fact);
                    }
                }
                None => push(&mut facts, fact),
            }
        }
        let mut about_user = memory.recall(
            &RecallQuery {
                subject: USER.to_owned(),
                max_results: u32::try_from(budget).unwrap_or(u32::MAX),
                ..RecallQuery::default()
            },
            aliases,
        )?;
        about_user.sort_by_key(|r| r.fact.relation != NAME_RELATION);
        for found in about_user {
            if let Some(fact) = fact_from_memory(&found.fact, aliases) {
                push(&mut facts, fact);
            }
        }
        Ok(facts)
    }
}

/// The objects `text` names, canonical or by alias, in order of first mention.
pub fn objects_named(aliases: &Aliases, text: &str) -> Vec<ObjectId> {
    let padded = format!(" {} ", fact_words(text));
    let mut found: Vec<(usize, ObjectId)> = Vec::new();
    let mut consider = |name: &str, object: ObjectId| {
        if let Some(at) = padded.find(&format!(" {name} ")) {
            match found.iter_mut().find(|(_, o)| *o == object) {
                Some(entry) => entry.0 = entry.0.min(at),
                None => found.push((at, object)),
            }
        }
    };
    for object in ObjectId::ALL {
        consider(object.name(), *object);
    }
    for name in aliases.mentioned_in(text) {
        if let Some(object) = ObjectId::from_name(&name) {
            // Position of the alias itself is not known here: after direct mentions.
            if !found.iter().any(|(_, o)| *o == object) {
                found.push((usize::MAX, object));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, object)| object).collect()
}

/// Keeps perception-derived object locations in the memory, writing only what changed
/// since the last call (perception repeats itself many times a second).
#[derive(Debug, Default)]
pub struct PerceptionRecorder {
    last: BTreeMap<ObjectId, PlaceId>,
}

impl PerceptionRecorder {
    /// Records where the canonical objects among `state.perceived` are, if that changed.
    /// Returns how many locations were written.
    ///
    /// # Errors
    /// The memory's error; nothing is remembered as written then.
    pub fn record(
        &mut self,
        memory: &mut Memory,
        state: &RobotState,
        now: &Time,
    ) -> Result<usize, embodied_memory::Error> {
        let changed: Vec<(ObjectId, PlaceId)> = state
            .perceived
            .iter()
            .filter_map(|p| Some((ObjectId::from_name(&p.label)?, p.room)))
            .filter(|(object, place)| self.last.get(object) != Some(place))
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect();
        if changed.is_empty() {
            return Ok(0);
        }
        let pairs: Vec<(&str, &str)> = changed
            .iter()
            .map(|(object, place)| (object.name(), place.name()))
            .collect();
        memory.observe_objects(&pairs, now)?;
        self.last.extend(changed.iter().copied());
        debug!(?pairs, "perceived locations recorded");
        Ok(changed.len())
    }

    /// Forgets what was written for `subject`, so the next sighting is written again (after
    /// the user asked to forget it).
    pub fn forget(&mut self, subject: &str) {
        if let Some(object) = ObjectId::from_name(subject) {
            self.last.remove(&object);
        }
    }
}

#[cfg(test)]
mod tests {
    use embodied_memory::Durability;

    use super::*;
    use crate::prompt::Perceived;

    fn aliases() -> Aliases {
        let mut aliases = Aliases::new();
        aliases.add("office", ["the study", "study"]);
        aliases.add("remote control", ["remote", "clicker"]);
        aliases.add("keys", ["key"]);
        aliases
    }

    fn t(seconds: i64) -> Time {
        Time::from_nanos(seconds * 1_000_000_000)
    }

    fn run_ops(memory: &mut Memory, ops: &[MemoryOp], at: i64) {
        memory
            .batch(&t(at), |batch| apply_memory_ops(batch, ops, "u", "words"))
            .unwrap();
    }

    fn remember(text: &str) -> MemoryOp {
        MemoryOp::Remember(Fact::parse(text).unwrap())
    }

    #[test]
    fn facts_convert_both_ways() {
        let aliases = aliases();
        let location = Fact::parse("remote control@office").unwrap();
        let stored = new_fact(&location);
        assert_eq!(stored.kind, Kind::ObjectLocation);
        assert_eq!(stored.relation, "location");
        let name = new_fact(&Fact::parse("sister:name:maya").unwrap());
        assert_eq!(name.kind, Kind::Person);
        assert_eq!(
            new_fact(&Fact::parse("user:likes:jazz").unwrap()).kind,
            Kind::Fact
        );
        let row = |subject: &str, relation: &str, value: &str| embodied_memory::Fact {
            id: 1,
            kind: Kind::Fact,
            subject: subject.into(),
            relation: relation.into(),
            value: value.into(),
            confidence: 1.0,
            source_utterance: String::new(),
            source_utterance_id: String::new(),
            created: t(0),
            updated: t(0),
        };
        assert_eq!(
            fact_from_memory(&row("Clicker", "location", "the study"), &aliases),
            Some(location)
        );
        assert_eq!(
            fact_from_memory(&row("User", "allergic to", "Peanuts!"), &aliases)
                .unwrap()
                .to_string(),
            "user:allergic_to:peanuts"
        );
        assert_eq!(
            fact_from_memory(&row("laptop", "location", "office"), &aliases),
            None
        );
        assert_eq!(
            fact_from_memory(&row("a b c d e", "likes", "tea"), &aliases),
            None
        );
    }

    #[test]
    fn remember_correct_and_forget_through_the_memory() {
        let aliases = aliases();
        let mut memory = Memory::open_in_memory().unwrap();
        let retriever = Retriever { max_facts: 3 };
        let state = RobotState::default();
        run_ops(&mut memory, &[remember("keys@bedroom")], 1);
        let facts = retriever
            .retrieve(&memory, &aliases, "where are my key", &state, &t(2))
            .unwrap();
        assert_eq!(facts, [Fact::parse("keys@bedroom").unwrap()]);
        run_ops(&mut memory, &[remember("keys@kitchen")], 3);
        let facts = retriever
            .retrieve(&memory, &aliases, "where are my keys", &state, &t(4))
            .unwrap();
        assert_eq!(facts, [Fact::parse("keys@kitchen").unwrap()]);
        run_ops(
            &mut memory,
            &[MemoryOp::Forget {
                subject: "keys".into(),
                relation: None,
            }],
            5,
        );
        assert!(
            retriever
                .retrieve(&memory, &aliases, "where are my keys", &state, &t(6))
                .unwrap()
                .is_empty()
        );
        run_ops(&mut memory, &[remember("user:name:anna")], 7);
        assert_eq!(memory.person_name("user").unwrap().as_deref(), Some("anna"));
        run_ops(&mut memory, &[remember("user:name:emma")], 8);
        run_ops(
            &mut memory,
            &[MemoryOp::Forget {
                subject: "user".into(),
                relation: Some("likes".into()),
            }],
            9,
        );
        let facts = retriever
            .retrieve(&memory, &aliases, "hello there", &state, &t(10))
            .unwrap();
        assert_eq!(facts, [Fact::parse("user:name:emma").unwrap()]);
        run_ops(
            &mut memory,
            &[MemoryOp::Forget {
                subject: "user".into(),
                relation: Some("name".into()),
            }],
            11,
        );
        assert_eq!(memory.person_name("user").unwrap(), None);
    }

    #[test]
    fn retrieval_ranks_named_objects_relatives_and_the_user() {
        let aliases = aliases();
        let mut memory = Memory::open_in_memory().unwrap();
        run_ops(
            &mut memory,
            &[
                remember("cup@kitchen"),
                remember("remote control@office"),
                remember("sister:name:maya"),
                remember("user:likes:jazz"),
                remember("user:name:anna"),
            ],
            1,
        );
        let retriever = Retriever { max_facts: 3 };
        let state = RobotState::default();
        let facts = retriever
            .retrieve(&memory, &aliases, "where's the clicker", &state, &t(2))
            .unwrap();
        assert_eq!(facts[0].to_string(), "remote control@office");
        assert!(facts.len() <= 3);
        let facts = retriever
            .retrieve(&memory, &aliases, "what's my sister's name", &state, &t(2))
            .unwrap();
        assert!(
            facts.iter().any(|f| f.to_string() == "sister:name:maya"),
            "{facts:?}"
        );
        let facts = retriever
            .retrieve(&memory, &aliases, "what do i like", &state, &t(2))
            .unwrap();
        let texts: Vec<String> = facts.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["user:name:anna", "user:likes:jazz"]);
    }

    #[test]
    fn perception_wins_and_is_recorded_once() {
        let aliases = aliases();
        let dir = tempfile::tempdir().unwrap();
        let mut memory = Memory::open(&dir.path().join("m.sqlite"), Durability::Normal).unwrap();
        run_ops(&mut memory, &[remember("cup@kitchen")], 1);
        let mut state = RobotState {
            room: PlaceId::Office,
            ..RobotState::default()
        };
        state.perceived.push(Perceived {
            label: "cup".into(),
            room: PlaceId::Office,
        });
        let retriever = Retriever { max_facts: 3 };
        // Seen now: the prompt's `see` carries it, memory does not repeat it.
        assert!(
            retriever
                .retrieve(&memory, &aliases, "where is the cup", &state, &t(2))
                .unwrap()
                .is_empty()
        );
        let mut recorder = PerceptionRecorder::default();
        assert_eq!(recorder.record(&mut memory, &state, &t(3)).unwrap(), 1);
        assert_eq!(recorder.record(&mut memory, &state, &t(4)).unwrap(), 0);
        // Out of sight, the sighting is the newest evidence.
        let away = RobotState::default();
        let facts = retriever
            .retrieve(&memory, &aliases, "where is the cup", &away, &t(5))
            .unwrap();
        assert_eq!(facts, [Fact::parse("cup@office").unwrap()]);
    }

    #[test]
    fn objects_are_found_by_name_and_alias_in_order() {
        let aliases = aliases();
        assert_eq!(
            objects_named(&aliases, "bring the Cup and my keys"),
            [ObjectId::Cup, ObjectId::Keys]
        );
        assert_eq!(
            objects_named(&aliases, "where's the clicker"),
            [ObjectId::RemoteControl]
        );
        assert!(objects_named(&aliases, "cupboard").is_empty());
    }
}
