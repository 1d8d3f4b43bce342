//! Consolidation with the shipped assistant model (issue 9): a taught phrase goes into the
//! weights (it works with the rewriting switched off), held-out accuracy and every stop phrasing
//! hold, and a candidate that fails the checks is rolled back.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use brain::Action;
use brain::assistant::AssistantModel;
use brain::dialogue::{Dialogue, DialogueOptions};
use brain::learn::{AdapterStore, LearnOptions, consolidate};
use brain::teach::Teacher;
use embodied_memory::{Aliases, Durability, Memory};
use embodied_world::PlaceId;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn base() -> PathBuf {
    workspace_root().join(brain::assistant::CHECKPOINT_DIR)
}

fn dialogue(model: &Arc<AssistantModel>, memory: Memory, use_taught: bool) -> Dialogue {
    let options = DialogueOptions {
        use_taught,
        ..DialogueOptions::default()
    };
    Dialogue::new(model, memory, Aliases::new(), options)
        .with_teacher(Arc::new(Teacher::load(&workspace_root()).unwrap()))
        .unwrap()
}

#[test]
fn a_consolidated_phrase_is_in_the_weights_and_a_bad_candidate_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.sqlite");
    let store = AdapterStore::next_to(&path);
    let shipped = Arc::new(AssistantModel::load(&base()).unwrap());
    let movie_time = |model: &Arc<AssistantModel>, use_taught: bool| {
        let memory = Memory::open(&path, Durability::Full).unwrap();
        dialogue(model, memory, use_taught)
            .handle("movie time")
            .unwrap()
            .understanding
            .actions
    };

    let mut teaching = dialogue(
        &shipped,
        Memory::open(&path, Durability::Full).unwrap(),
        true,
    );
    let taught = teaching
        .handle("When I say movie time, go to the living room.")
        .unwrap();
    assert_eq!(taught.taught.len(), 1);
    drop(teaching);
    let living_room = vec![Action::Navigate {
        target: PlaceId::LivingRoom,
    }];
    assert_eq!(movie_time(&shipped, true), living_room, "works at once");
    assert_ne!(
        movie_time(&shipped, false),
        living_room,
        "not in the weights yet"
    );

    let mut memory = Memory::open(&path, Durability::Full).unwrap();
    let cancel = AtomicBool::new(false);
    let report = consolidate(
        &base(),
        &workspace_root(),
        &mut memory,
        &store,
        &LearnOptions::default(),
        false,
        &cancel,
    )
    .unwrap();
    eprintln!("{}", report.line());
    assert!(report.accepted, "{}", report.reason);
    assert!(report.heldout_after >= report.heldout_before - 0.5);
    assert!(report.stop_after.0 >= report.stop_before.0);
    assert!(report.trainable_parameters > 0);
    let accepted = store.current().unwrap();
    assert!(
        memory
            .taught_examples()
            .unwrap()
            .iter()
            .all(|t| t.consolidated.is_some())
    );
    drop(memory);

    // In the weights: works with the rewriting off, in a new process's model.
    let consolidated = Arc::new(store.load_model(&base()).unwrap());
    assert_eq!(consolidated.adapter(), Some(accepted.as_path()));
    assert_eq!(movie_time(&consolidated, false), living_room);
    // Stopping still stops.
    let mut d = dialogue(&consolidated, Memory::open_in_memory().unwrap(), false);
    assert_eq!(
        d.handle("stop").unwrap().understanding.actions,
        [Action::Stop]
    );

    // A candidate that wrecks the model (a learning rate a thousand times too high) is
    // refused, and the accepted adapter stays in use.
    let mut memory = Memory::open(&path, Durability::Full).unwrap();
    let reckless = LearnOptions {
        learning_rate: 1.0,
        steps: 20,
        ..LearnOptions::default()
    };
    let report = consolidate(
        &base(),
        &workspace_root(),
        &mut memory,
        &store,
        &reckless,
        false,
        &cancel,
    )
    .unwrap();
    eprintln!("{}", report.line());
    assert!(!report.accepted);
    assert_eq!(store.current(), Some(accepted));
}
