//! The memory against a real SQLite file: round trips, corrections, forgetting, ranking,
//! persistence, object locations, taught examples, episodes and bad files.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use embodied_memory::{
    Aliases, Durability, Error, Forget, Kind, LocationSource, Memory, NewFact, RecallQuery,
    RememberMode, TaughtExample, TaughtKind, Time, Turn,
};

fn at(seconds: i64) -> Time {
    Time::from_nanos(1_800_000_000_000_000_000 + seconds * 1_000_000_000)
}

fn open(path: &Path) -> Memory {
    Memory::open(path, Durability::Full).unwrap()
}

fn home_aliases() -> Aliases {
    let mut aliases = Aliases::new();
    aliases.add("office", ["the study", "study"]);
    aliases.add("remote control", ["remote", "clicker", "telly remote"]);
    aliases.add("living room", ["lounge"]);
    aliases.add("keys", ["key ring"]);
    aliases
}

fn text_query(text: &str) -> RecallQuery {
    RecallQuery {
        text: text.to_owned(),
        ..RecallQuery::default()
    }
}

#[test]
fn remember_then_recall_exactly_round_trips_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut memory = open(&dir.path().join("m.sqlite"));
    let fact = NewFact::new(Kind::Person, "Alice", "likes", "green tea")
        .from_utterance("utt-7", "Alice likes green tea");
    let stored = memory.remember(fact, RememberMode::Add, &at(10)).unwrap();
    assert!(stored.previous.is_none());
    let recalled = memory
        .recall(
            &RecallQuery {
                subject: "alice".into(),
                relation: "LIKES".into(),
                ..RecallQuery::default()
            },
            &Aliases::new(),
        )
        .unwrap();
    assert_eq!(recalled.len(), 1);
    let got = &recalled[0].fact;
    assert_eq!(got.id, stored.id);
    assert_eq!(
        (
            got.kind,
            got.subject.as_str(),
            got.relation.as_str(),
            got.value.as_str()
        ),
        (Kind::Person, "Alice", "likes", "green tea")
    );
    assert_eq!(got.source_utterance, "Alice likes green tea");
    assert_eq!(got.source_utterance_id, "utt-7");
    assert_eq!(
        (got.created.as_nanos(), got.updated.as_nanos()),
        (at(10).as_nanos(), at(10).as_nanos())
    );
    assert_eq!(recalled[0].score, 1.0);
    let message = got.to_msg();
    assert_eq!(message.kind, embodied_msgs::msg::MemoryFact::KIND_PERSON);
    assert_eq!(message.id, stored.id);
}

#[test]
fn correction_overwrites_and_returns_the_previous_value() {
    let mut memory = Memory::open_in_memory().unwrap();
    let first = memory
        .remember(
            NewFact::new(Kind::Fact, "user", "favourite drink", "tea"),
            RememberMode::Add,
            &at(1),
        )
        .unwrap();
    // Not a correction, multi-valued relation: a second value is added.
    memory
        .remember(
            NewFact::new(Kind::Fact, "user", "favourite drink", "juice"),
            RememberMode::Add,
            &at(2),
        )
        .unwrap();
    let corrected = memory
        .remember(
            NewFact::new(Kind::Fact, "User", "Favourite drink", "coffee"),
            RememberMode::Correct,
            &at(3),
        )
        .unwrap();
    let previous = corrected.previous.unwrap();
    assert_eq!(
        previous.value, "juice",
        "the most recent value is the one corrected"
    );
    let values: Vec<String> = memory
        .recall(
            &RecallQuery {
                subject: "user".into(),
                relation: "favourite drink".into(),
                ..RecallQuery::default()
            },
            &Aliases::new(),
        )
        .unwrap()
        .into_iter()
        .map(|r| r.fact.value)
        .collect();
    assert_eq!(
        values,
        ["coffee"],
        "a correction supersedes every older value"
    );
    assert_ne!(corrected.id, first.id);
    let fact = memory.fact(corrected.id).unwrap().unwrap();
    assert_eq!(fact.created.as_nanos(), at(2).as_nanos());
    assert_eq!(fact.updated.as_nanos(), at(3).as_nanos());

    // Single-valued relations are replaced even without the correction flag, and the same
    // value again is a refresh, not a replacement.
    let keys = NewFact::new(Kind::ObjectLocation, "keys", "location", "kitchen");
    memory
        .remember(keys.clone(), RememberMode::Add, &at(4))
        .unwrap();
    let moved = memory
        .remember(
            NewFact {
                value: "office".into(),
                ..keys.clone()
            },
            RememberMode::Add,
            &at(5),
        )
        .unwrap();
    assert_eq!(moved.previous.unwrap().value, "kitchen");
    let again = memory
        .remember(
            NewFact {
                value: "Office".into(),
                ..keys
            },
            RememberMode::Add,
            &at(6),
        )
        .unwrap();
    assert!(again.previous.is_none());
    assert_eq!(memory.fact_count().unwrap(), 2);
}

#[test]
fn invalid_facts_are_refused_with_the_field_named() {
    let mut memory = Memory::open_in_memory().unwrap();
    let error = memory
        .remember(
            NewFact::new(Kind::Fact, "", "likes", "tea"),
            RememberMode::Add,
            &at(0),
        )
        .unwrap_err();
    assert_eq!(error.to_string(), "invalid fact.subject: must not be empty");
    let mut unsure = NewFact::new(Kind::Fact, "a", "b", "c");
    unsure.confidence = 1.5;
    let error = memory
        .remember(unsure, RememberMode::Add, &at(0))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid fact.confidence: 1.5 is not in [0, 1]"
    );
    let message = embodied_msgs::msg::MemoryFact {
        kind: 0,
        ..Default::default()
    };
    assert!(matches!(
        NewFact::from_msg(&message),
        Err(Error::Invalid {
            field: "fact.kind",
            ..
        })
    ));
    assert_eq!(memory.fact_count().unwrap(), 0);
}

#[test]
fn forget_one_relation_or_everything_about_a_subject() {
    let mut memory = Memory::open_in_memory().unwrap();
    let aliases = Aliases::new();
    for (kind, subject, relation, value) in [
        (Kind::Person, "Alice", "likes", "tea"),
        (Kind::Person, "Alice", "birthday", "May 3"),
        (Kind::Person, "Bob", "is married to", "Alice"),
        (Kind::Person, "Bob", "likes", "chess"),
        (Kind::Person, "user", "name", "Carol"),
        (Kind::ObjectLocation, "keys", "location", "kitchen"),
    ] {
        memory
            .remember(
                NewFact::new(kind, subject, relation, value),
                RememberMode::Add,
                &at(1),
            )
            .unwrap();
    }
    memory
        .observe_objects(&[("keys", "hallway")], &at(2))
        .unwrap();
    assert_eq!(
        memory.person_name("User").unwrap().as_deref(),
        Some("Carol")
    );

    let forgotten = memory
        .forget(
            &Forget::Relation {
                subject: "keys".into(),
                relation: "location".into(),
            },
            &at(3),
        )
        .unwrap();
    assert_eq!(forgotten, 3, "the fact and both location reports");
    assert!(
        memory
            .object_location("keys", &aliases, &at(3))
            .unwrap()
            .is_none()
    );

    let forgotten = memory
        .forget(
            &Forget::Everything {
                subject: "alice".into(),
            },
            &at(3),
        )
        .unwrap();
    assert_eq!(forgotten, 3);
    let left: Vec<(String, String)> = memory
        .recall(
            &RecallQuery {
                max_results: 50,
                ..RecallQuery::default()
            },
            &aliases,
        )
        .unwrap()
        .into_iter()
        .map(|r| (r.fact.subject, r.fact.value))
        .collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&("Bob".into(), "chess".into())));
    assert!(left.contains(&("user".into(), "Carol".into())));

    memory
        .forget(
            &Forget::Relation {
                subject: "user".into(),
                relation: "name".into(),
            },
            &at(4),
        )
        .unwrap();
    assert_eq!(memory.person_name("user").unwrap(), None);
    assert!(
        memory
            .forget(
                &Forget::Everything {
                    subject: " ".into()
                },
                &at(4)
            )
            .is_err()
    );
}

/// A realistic household memory: the relevant fact must come first, through aliases too.
#[test]
fn free_text_recall_ranks_the_relevant_fact_first() {
    let mut memory = Memory::open_in_memory().unwrap();
    let aliases = home_aliases();
    let facts = [
        (Kind::ObjectLocation, "keys", "location", "kitchen"),
        (
            Kind::ObjectLocation,
            "remote control",
            "location",
            "living room",
        ),
        (Kind::ObjectLocation, "book", "location", "office"),
        (Kind::ObjectLocation, "phone", "location", "bedroom"),
        (Kind::Person, "Alice", "likes", "green tea"),
        (Kind::Person, "Bob", "works in", "office"),
        (Kind::Person, "user", "name", "Carol"),
        (Kind::Fact, "user", "allergic to", "peanuts"),
        (Kind::Fact, "kitchen", "has", "a dishwasher"),
        (Kind::Fact, "water bottle", "colour", "blue"),
    ];
    for (i, (kind, subject, relation, value)) in facts.into_iter().enumerate() {
        let now = at(i64::try_from(i).unwrap());
        memory
            .remember(
                NewFact::new(kind, subject, relation, value),
                RememberMode::Add,
                &now,
            )
            .unwrap();
    }
    let top = |text: &str| {
        let recalled = memory.recall(&text_query(text), &aliases).unwrap();
        assert!(!recalled.is_empty(), "nothing recalled for {text:?}");
        assert!(recalled.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(recalled.iter().all(|r| (0.0..=1.0).contains(&r.score)));
        let best = &recalled[0].fact;
        (best.subject.clone(), best.value.clone())
    };
    assert_eq!(top("where are my keys"), ("keys".into(), "kitchen".into()));
    assert_eq!(
        top("have you seen the clicker"),
        ("remote control".into(), "living room".into())
    );
    assert_eq!(
        top("what does Alice like to drink"),
        ("Alice".into(), "green tea".into())
    );
    assert_eq!(top("what is my name"), ("user".into(), "Carol".into()));
    assert_eq!(
        top("bring me the key ring"),
        ("keys".into(), "kitchen".into())
    );
    assert_eq!(
        top("what is in the study"),
        ("book".into(), "office".into())
    );
    assert_eq!(
        top("am I allergic to anything"),
        ("user".into(), "peanuts".into())
    );
    assert!(
        memory
            .recall(&text_query("where is it"), &aliases)
            .unwrap()
            .is_empty()
    );
    // Filters combine with free text.
    let people = memory
        .recall(
            &RecallQuery {
                kind: Some(Kind::Person),
                ..text_query("office")
            },
            &aliases,
        )
        .unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].fact.subject, "Bob");
}

#[test]
fn memory_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("memory.sqlite");
    {
        let mut memory = open(&path);
        memory
            .remember(
                NewFact::new(Kind::Fact, "user", "birthday", "June 1"),
                RememberMode::Add,
                &at(1),
            )
            .unwrap();
        memory
            .teach(
                &TaughtExample {
                    kind: TaughtKind::Phrase,
                    utterance: "Movie time!".into(),
                    output: r#"{"actions":[{"action":"navigate","target":"living room"}]}"#.into(),
                    source_utterance_id: "u1".into(),
                    meaning: String::new(),
                },
                &at(2),
            )
            .unwrap();
    }
    let memory = open(&path);
    assert_eq!(
        memory.schema_version().unwrap(),
        embodied_memory::schema::LATEST_VERSION
    );
    let recalled = memory
        .recall(&text_query("when is my birthday"), &Aliases::new())
        .unwrap();
    assert_eq!(recalled[0].fact.value, "June 1");
    let taught = memory.taught_for("movie time").unwrap().unwrap();
    assert_eq!(taught.example.source_utterance_id, "u1");
    memory.integrity_check().unwrap();
}

#[test]
fn object_location_prefers_the_newer_report_with_ages() {
    let mut memory = Memory::open_in_memory().unwrap();
    let aliases = home_aliases();
    memory
        .remember(
            NewFact::new(
                Kind::ObjectLocation,
                "remote control",
                "location",
                "living room",
            )
            .from_utterance("u9", "the remote is in the lounge"),
            RememberMode::Add,
            &at(100),
        )
        .unwrap();
    let found = memory
        .object_location("clicker", &aliases, &at(160))
        .unwrap()
        .unwrap();
    assert_eq!(found.best.place, "living room");
    assert_eq!(found.best.source, LocationSource::User);
    assert_eq!(found.best.age, Duration::from_secs(60));
    assert_eq!(found.best.source_utterance_id, "u9");
    assert!(found.perception.is_none());

    memory
        .observe_objects(&[("remote control", "bedroom")], &at(200))
        .unwrap();
    let found = memory
        .object_location("Remote Control", &aliases, &at(230))
        .unwrap()
        .unwrap();
    assert_eq!(found.best.source, LocationSource::Perception);
    assert_eq!(found.best.place, "bedroom");
    assert_eq!(found.best.age, Duration::from_secs(30));
    assert_eq!(found.user.unwrap().age, Duration::from_secs(130));

    // A newer user statement wins again.
    memory
        .remember(
            NewFact::new(Kind::ObjectLocation, "remote control", "location", "office"),
            RememberMode::Correct,
            &at(300),
        )
        .unwrap();
    let found = memory
        .object_location("remote", &aliases, &at(300))
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.best.place.as_str(), found.best.source),
        ("office", LocationSource::User)
    );
    assert!(
        memory
            .object_location("apple", &aliases, &at(300))
            .unwrap()
            .is_none()
    );
}

#[test]
fn taught_examples_replace_retrieve_and_consolidate() {
    let mut memory = Memory::open_in_memory().unwrap();
    let example = |utterance: &str, output: &str| TaughtExample {
        kind: TaughtKind::Phrase,
        utterance: utterance.into(),
        output: output.into(),
        source_utterance_id: String::new(),
        meaning: String::new(),
    };
    assert_eq!(
        memory
            .teach(&example("movie time", "navigate living room"), &at(1))
            .unwrap(),
        None
    );
    memory
        .teach(&example("bed time", "navigate bedroom"), &at(2))
        .unwrap();
    let previous = memory
        .teach(&example("Movie  time", "navigate office"), &at(3))
        .unwrap();
    assert_eq!(previous.as_deref(), Some("navigate living room"));
    let all = memory.taught_examples().unwrap();
    assert_eq!(all.len(), 2);
    let similar = memory.taught_similar("is it movie time yet", 5).unwrap();
    assert_eq!(similar[0].example.output, "navigate office");
    let ids: Vec<u64> = all.iter().map(|t| t.id).collect();
    memory
        .batch(&at(4), |batch| batch.mark_consolidated(&ids))
        .unwrap();
    assert!(
        memory
            .taught_examples()
            .unwrap()
            .iter()
            .all(|t| t.consolidated.is_some())
    );
    memory
        .teach(&example("bed time", "navigate bedroom"), &at(5))
        .unwrap();
    assert!(
        memory
            .taught_for("bed time")
            .unwrap()
            .unwrap()
            .consolidated
            .is_none()
    );
    assert!(
        memory
            .batch(&at(6), |batch| batch.unteach("BED TIME"))
            .unwrap()
    );
    assert!(memory.taught_for("bed time").unwrap().is_none());
}

#[test]
fn episodes_keep_turns_with_timings_and_batches_are_atomic() {
    let mut memory = Memory::open_in_memory().unwrap();
    for i in 0..3 {
        let turn = Turn {
            session: "s1".into(),
            utterance_id: format!("u{i}"),
            user_text: format!("hello {i}"),
            reply_text: "hi".into(),
            actions: "[]".into(),
            speech_end: Some(at(i)),
            transcript: None,
            reply: at(i + 1),
        };
        memory
            .batch(&at(i), |batch| batch.record_turn(&turn))
            .unwrap();
    }
    let last_two = memory.episodes("s1", 2).unwrap();
    assert_eq!(
        last_two
            .iter()
            .map(|e| e.turn.utterance_id.as_str())
            .collect::<Vec<_>>(),
        ["u1", "u2"]
    );
    assert_eq!(
        last_two[1].turn.speech_end.as_ref().map(Time::as_nanos),
        Some(at(2).as_nanos())
    );
    assert_eq!(last_two[1].turn.transcript, None);

    // A failing write rolls back the whole batch.
    let result = memory.batch(&at(9), |batch| {
        batch.record_turn(&Turn {
            session: "s1".into(),
            ..Turn::default()
        })?;
        batch.remember(NewFact::new(Kind::Fact, "", "x", "y"), RememberMode::Add)
    });
    assert!(result.is_err());
    assert_eq!(memory.episodes("s1", 10).unwrap().len(), 3);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.sqlite");
    let garbage: Vec<u8> = (0..8192_u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    let error = Memory::open(&path, Durability::Full).unwrap_err();
    assert!(matches!(error, Error::NotADatabase { .. }), "{error}");
    assert!(error.to_string().contains("left untouched"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no journal files created"
    );
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.sqlite");
    {
        let mut memory = open(&path);
        memory
            .batch(&at(0), |batch| {
                for i in 0..400 {
                    batch.remember(
                        NewFact::new(Kind::Fact, &format!("thing {i}"), "note", &"x".repeat(200)),
                        RememberMode::Add,
                    )?;
                }
                Ok(())
            })
            .unwrap();
    } // Closing checkpoints the WAL into the file.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096);
    // Scribble over a few pages in the middle (the header stays valid).
    for byte in &mut bytes[8 * 4096..12 * 4096] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = Memory::open(&path, Durability::Full).unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the damaged file is not modified"
    );
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.sqlite");
    drop(open(&path));
    set_user_version_in_header(&path, 99);
    let before = std::fs::read(&path).unwrap();
    let error = Memory::open(&path, Durability::Full).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the memory database {} has schema version 99, newer than the {} this program knows; use a newer build (the file was left untouched)",
            path.display(),
            embodied_memory::schema::LATEST_VERSION
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Sets `user_version` by patching the database header (offset 60, big-endian), as a newer
/// build would have left it.
fn set_user_version_in_header(path: &Path, version: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&version.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

/// `embodied memory` as the lead wires it: a clap parser around `cli::MemoryArgs`.
#[derive(Debug, clap::Parser)]
struct MemoryCommand {
    #[command(flatten)]
    args: embodied_memory::cli::MemoryArgs,
}

fn run_cli(args: &[&str]) -> Result<(), (anyhow::Error, u8)> {
    use clap::Parser as _;
    let parsed =
        MemoryCommand::try_parse_from(std::iter::once("memory").chain(args.iter().copied()))
            .unwrap();
    embodied_memory::cli::run(parsed.args)
}

#[test]
fn cli_remembers_corrects_and_refuses_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let file = path.to_str().unwrap();
    run_cli(&[
        "--memory",
        file,
        "remember",
        "--kind",
        "object-location",
        "keys",
        "location",
        "kitchen",
    ])
    .unwrap();
    run_cli(&[
        "--memory",
        file,
        "remember",
        "--correct",
        "keys",
        "location",
        "office",
    ])
    .unwrap();
    run_cli(&[
        "--memory",
        file,
        "--alias",
        "key ring=keys",
        "where",
        "key ring",
    ])
    .unwrap();
    run_cli(&["--memory", file, "recall", "where are my keys"]).unwrap();
    run_cli(&["--memory", file, "check"]).unwrap();
    let memory = open(&path);
    let found = memory
        .object_location("keys", &Aliases::new(), &at(0))
        .unwrap()
        .unwrap();
    assert_eq!(found.best.place, "office");
    drop(memory);
    run_cli(&["--memory", file, "forget", "keys"]).unwrap();
    assert_eq!(open(&path).fact_count().unwrap(), 0);

    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "shopping list").unwrap();
    let (error, code) = run_cli(&["--memory", garbage.to_str().unwrap(), "check"]).unwrap_err();
    assert_eq!(code, embodied_memory::cli::EXIT_CONFIG);
    assert!(
        error.to_string().contains("is not a memory database"),
        "{error}"
    );
    assert!(run_cli(&["--memory", file, "--alias", "nonsense", "check"]).is_err());
}
