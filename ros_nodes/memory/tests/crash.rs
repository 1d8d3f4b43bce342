//! Crash safety: a writer killed with SIGKILL in the middle of its writes loses at most the
//! batch in flight, and the file passes `PRAGMA integrity_check`.
//!
//! The writer is this test binary itself, started again with [`CHILD_ENV`] set so that only
//! [`crash_child_writer`] runs in it.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use embodied_memory::{
    Aliases, Durability, Kind, Memory, NewFact, RecallQuery, RememberMode, Time, Turn,
};

/// Set in the child: the database it writes to.
const CHILD_ENV: &str = "EMBODIED_MEMORY_CRASH_CHILD_DB";
/// SIGKILL's number.
const SIGKILL: i32 = 9;

/// One utterance's writes: a dialogue turn and a fact, in one batch.
fn write_utterance(memory: &mut Memory, i: i64) -> Result<(), embodied_memory::Error> {
    let now = Time::from_nanos(1_800_000_000_000_000_000 + i);
    memory.batch(&now, |batch| {
        batch.record_turn(&Turn {
            session: "crash".into(),
            utterance_id: format!("u{i}"),
            user_text: format!("the item {i} is in place {i}"),
            reply_text: "okay".into(),
            actions: "[]".into(),
            speech_end: Some(now.clone()),
            transcript: Some(now.clone()),
            reply: now.clone(),
        })?;
        batch.remember(
            NewFact::new(
                Kind::ObjectLocation,
                &format!("item {i}"),
                "location",
                &format!("place {i}"),
            ),
            RememberMode::Add,
        )?;
        Ok(())
    })
}

/// The child: writes utterances until killed, printing each index after its commit.
#[test]
#[ignore = "runs only as the child process of sigkill_loses_at_most_the_write_in_flight"]
fn crash_child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut memory = Memory::open(Path::new(&path), Durability::Full).unwrap();
    for i in 0.. {
        write_utterance(&mut memory, i).unwrap();
        // stdout is line-buffered: the parent sees the line as soon as it is written.
        println!("committed {i}");
    }
}

#[test]
fn sigkill_loses_at_most_the_write_in_flight() {
    // Several kill points; the sleep shifts the kill's phase inside the write loop.
    for (round, (kill_after, extra_delay_ms)) in
        [(20_i64, 0_u64), (45, 3), (70, 7)].into_iter().enumerate()
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.sqlite");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut last_acknowledged: Option<i64> = None;
        let mut killed = false;
        for line in stdout.lines() {
            let line = line.unwrap();
            // libtest writes "test crash_child_writer ... " before the test's own output.
            let Some((_, index)) = line.split_once("committed ") else {
                continue;
            };
            let index: i64 = index.parse().unwrap();
            assert_eq!(index, last_acknowledged.map_or(0, |last| last + 1));
            last_acknowledged = Some(index);
            if !killed && index >= kill_after {
                std::thread::sleep(Duration::from_millis(extra_delay_ms));
                child.kill().unwrap(); // SIGKILL on Unix
                killed = true;
            }
        }
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(SIGKILL), "round {round}: {status:?}");
        let last = last_acknowledged.unwrap();

        let memory = Memory::open(&path, Durability::Full).unwrap();
        memory.integrity_check().unwrap();
        let facts = i64::try_from(memory.fact_count().unwrap()).unwrap();
        // Everything acknowledged survives; at most the write in flight (committed but not
        // yet acknowledged) is there in addition.
        assert!(
            (last + 1..=last + 2).contains(&facts),
            "round {round}: {facts} facts after acknowledging 0..={last}"
        );
        let turns = memory.episodes("crash", 1000).unwrap();
        assert_eq!(
            i64::try_from(turns.len()).unwrap(),
            facts,
            "round {round}: batches are atomic"
        );
        for (i, episode) in turns.iter().enumerate() {
            assert_eq!(episode.turn.utterance_id, format!("u{i}"));
            let recalled = memory
                .recall(
                    &RecallQuery {
                        subject: format!("item {i}"),
                        ..RecallQuery::default()
                    },
                    &Aliases::new(),
                )
                .unwrap();
            assert_eq!(recalled.len(), 1);
            assert_eq!(recalled[0].fact.value, format!("place {i}"));
        }
        // And the file is writable again.
        let mut memory = memory;
        write_utterance(&mut memory, facts).unwrap();
    }
}
