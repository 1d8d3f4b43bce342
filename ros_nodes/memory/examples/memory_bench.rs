//! Remember and recall latency with 10 000 facts in the memory, per durability setting.
//!
//! `cargo run --release -p embodied_memory --no-default-features --example memory_bench`
//! (optional argument: a directory for the database, e.g. on the robot's own disk).
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use anyhow::Context as _;
use embodied_memory::{
    Aliases, Durability, Kind, Memory, NewFact, RecallQuery, RememberMode, Time,
};

const FACTS: usize = 10_000;
const SAMPLES: usize = 300;
const OBJECTS: &[&str] = &[
    "cup",
    "keys",
    "remote control",
    "book",
    "water bottle",
    "phone",
    "apple",
    "backpack",
];
const PLACES: &[&str] = &[
    "kitchen",
    "living room",
    "bedroom",
    "bathroom",
    "office",
    "hallway",
    "charging dock",
];
const PEOPLE: &[&str] = &[
    "Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi",
];
const THINGS: &[&str] = &[
    "tea",
    "coffee",
    "chess",
    "jazz",
    "hiking",
    "pizza",
    "cats",
    "gardening",
    "football",
    "poetry",
];

/// A varied household fact for index `i` (people, preferences, object locations).
fn fact(i: usize) -> NewFact {
    let person = PEOPLE[i % PEOPLE.len()];
    match i % 3 {
        0 => NewFact::new(
            Kind::ObjectLocation,
            &format!("{} {}", OBJECTS[i % OBJECTS.len()], i / 3),
            "location",
            PLACES[i % PLACES.len()],
        ),
        1 => NewFact::new(
            Kind::Person,
            &format!("{person} {}", i / 3),
            "likes",
            THINGS[i % THINGS.len()],
        ),
        _ => NewFact::new(
            Kind::Fact,
            &format!("note {i}"),
            "about",
            &format!(
                "{} in the {}",
                THINGS[i % THINGS.len()],
                PLACES[i % PLACES.len()]
            ),
        ),
    }
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[index]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<28} p50 {:>8.3} ms   p95 {:>8.3} ms   ({} samples)",
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples.len()
    );
}

fn main() -> anyhow::Result<()> {
    let dir = match std::env::args().nth(1) {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let mut aliases = Aliases::new();
    aliases.add("remote control", ["clicker", "remote"]);
    aliases.add("office", ["the study"]);
    for durability in [Durability::Full, Durability::Normal] {
        let path = dir.path().join(format!("bench-{durability:?}.sqlite"));
        let mut memory = Memory::open(&path, durability).context("opening the memory")?;
        let started = Instant::now();
        memory.batch(&Time::from_nanos(0), |batch| {
            (0..FACTS).try_for_each(|i| batch.remember(fact(i), RememberMode::Add).map(drop))
        })?;
        println!(
            "{durability:?}: {} facts stored in {:.2} s (one transaction)",
            memory.fact_count()?,
            started.elapsed().as_secs_f64()
        );
        let remember: Vec<Duration> = (0..SAMPLES)
            .map(|i| {
                let fact = fact(FACTS + i);
                let now = Time::from_nanos(i64::try_from(i).unwrap_or_default() + 1);
                let started = Instant::now();
                memory
                    .remember(fact, RememberMode::Add, &now)
                    .map(|_| started.elapsed())
            })
            .collect::<Result<_, _>>()?;
        report(&format!("{durability:?} remember (1 txn)"), remember);
        let utterances = [
            "where are my keys",
            "have you seen the clicker",
            "what does Alice like",
            "is there any coffee in the kitchen",
            "bring me the book from the study",
            "who likes jazz",
        ];
        let recall: Vec<Duration> = (0..SAMPLES)
            .map(|i| {
                let query = RecallQuery {
                    text: utterances[i % utterances.len()].to_owned(),
                    ..RecallQuery::default()
                };
                let started = Instant::now();
                memory.recall(&query, &aliases).map(|found| {
                    assert!(!found.is_empty());
                    started.elapsed()
                })
            })
            .collect::<Result<_, _>>()?;
        report(
            &format!("{durability:?} recall (free text)"),
            recall.clone(),
        );
        if durability == Durability::Full {
            for (k, utterance) in utterances.iter().enumerate() {
                let own: Vec<Duration> = recall
                    .iter()
                    .skip(k)
                    .step_by(utterances.len())
                    .copied()
                    .collect();
                report(&format!("  \"{utterance}\""), own);
            }
        }
    }
    Ok(())
}
