//! The shipped assistant checkpoint: loads, answers grammar-valid text, gets canonical commands
//! right, carries the dialogue in its state, refuses broken checkpoints; the evaluation runs.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use brain::assistant::{AssistantModel, CHECKPOINT_DIR};
use brain::{Action, Destination, Error, Grounding, OutputGrammar, Prompt};
use embodied_world::{ObjectId, PlaceId};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn shipped_dir() -> PathBuf {
    workspace_root().join(CHECKPOINT_DIR)
}

/// Loaded once for the whole test binary.
fn model() -> Arc<AssistantModel> {
    static MODEL: OnceLock<Arc<AssistantModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| Arc::new(AssistantModel::load(&shipped_dir()).unwrap()))
        .clone()
}

fn actions_for(utterance: &str) -> (String, Vec<Action>) {
    let model = model();
    let mut conversation = model.new_conversation();
    let turn = conversation
        .respond(&Prompt::new(Grounding::default(), utterance).unwrap())
        .unwrap();
    let (understanding, _) = turn.output.into_parts();
    (turn.text, understanding.actions)
}

#[test]
fn the_shipped_checkpoint_is_found_and_small() {
    let dir = AssistantModel::find_default().unwrap();
    assert!(dir.ends_with(CHECKPOINT_DIR), "{}", dir.display());
    let bytes = std::fs::metadata(shipped_dir().join("model.safetensors"))
        .unwrap()
        .len();
    assert!(bytes <= 20_000_000, "checkpoint is {bytes} bytes");
}

#[test]
fn quality_gate_canonical_commands_give_the_right_actions() {
    let cases: Vec<(&str, Vec<Action>)> = vec![
        (
            "go to the kitchen",
            vec![Action::Navigate {
                target: PlaceId::Kitchen,
            }],
        ),
        (
            "bring me the keys",
            vec![Action::Bring {
                object: ObjectId::Keys,
                to: Destination::User,
            }],
        ),
        ("stop", vec![Action::Stop]),
        ("turn left", vec![Action::Turn { angle_deg: 90.0 }]),
        (
            "move forward two meters",
            vec![Action::Move { distance_m: 2.0 }],
        ),
        (
            "find my phone",
            vec![Action::Find {
                object: ObjectId::Phone,
            }],
        ),
        ("hello there", vec![]),
        (
            "go to the kitchen and then turn left",
            vec![
                Action::Navigate {
                    target: PlaceId::Kitchen,
                },
                Action::Turn { angle_deg: 90.0 },
            ],
        ),
        (
            "move back half a meter, then turn right and after that find my phone",
            vec![
                Action::Move { distance_m: -0.5 },
                Action::Turn { angle_deg: -90.0 },
                Action::Find {
                    object: ObjectId::Phone,
                },
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (utterance, expected) in &cases {
        let (text, actions) = actions_for(utterance);
        if &actions != expected {
            wrong.push(format!("{utterance:?} -> {text:?}"));
        }
    }
    assert!(wrong.is_empty(), "wrong answers: {wrong:#?}");
}

#[test]
fn answers_follow_the_grammar_and_the_state_carries_the_dialogue() {
    let model = model();
    let grammar = OutputGrammar::new().unwrap();
    let mut conversation = model.new_conversation();
    let grounding = Grounding {
        room: PlaceId::Kitchen,
        battery_pct: 35,
        ..Grounding::default()
    };
    let utterances = [
        "hi robot",
        "what's your battery level",
        "please go to the garage",
        "um could you uh bring the the cup to the office",
        "thanks a lot",
    ];
    let mut position = 0;
    for utterance in utterances {
        let turn = conversation
            .respond(&Prompt::new(grounding.clone(), utterance).unwrap())
            .unwrap();
        assert!(
            grammar.accepts(&turn.text),
            "{utterance:?} -> {:?}",
            turn.text
        );
        assert!(turn.prompt_tokens > 3 && turn.answer_tokens > 1);
        assert_eq!(
            conversation.position(),
            position + turn.prompt_tokens + turn.answer_tokens
        );
        position = conversation.position();
    }
    // A saved state restores exactly: the same next answer from the restored copy.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.safetensors");
    conversation.save_state(&path).unwrap();
    let mut restored = model.new_conversation();
    restored.load_state(&path).unwrap();
    assert_eq!(restored.position(), conversation.position());
    let next = Prompt::new(grounding, "where are you").unwrap();
    assert_eq!(
        restored.respond(&next).unwrap().text,
        conversation.respond(&next).unwrap().text
    );
    restored.reset();
    assert_eq!(restored.position(), 0);
}

fn copy_checkpoint(to: &Path) {
    for name in [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "slots.json",
        "joiners.json",
    ] {
        std::fs::copy(shipped_dir().join(name), to.join(name)).unwrap();
    }
}

#[test]
fn broken_checkpoints_are_refused() {
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        AssistantModel::load(empty.path()),
        Err(Error::NoCheckpoint { .. })
    ));

    let truncated = tempfile::tempdir().unwrap();
    copy_checkpoint(truncated.path());
    let weights = truncated.path().join("model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let err = AssistantModel::load(truncated.path()).unwrap_err();
    assert!(err.to_string().contains("corrupt"), "{err}");

    let mismatched = tempfile::tempdir().unwrap();
    copy_checkpoint(mismatched.path());
    let config_path = mismatched.path().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    let layers = config["n_layers"].as_u64().unwrap();
    config["n_layers"] = serde_json::json!(layers + 1);
    std::fs::write(&config_path, config.to_string()).unwrap();
    let err = AssistantModel::load(mismatched.path()).unwrap_err();
    assert!(err.to_string().contains("missing tensor"), "{err}");

    let bad_state = tempfile::tempdir().unwrap();
    let path = bad_state.path().join("state.safetensors");
    std::fs::write(&path, b"not a state").unwrap();
    assert!(model().new_conversation().load_state(&path).is_err());
}

#[test]
fn quality_gate_evaluation_runs_on_a_small_slice() {
    let plan = brain::train::TrainPlan::default();
    let (_, examples) = brain::eval::heldout_examples(&workspace_root(), &plan).unwrap();
    let slice = &examples[..24];
    let options = brain::eval::EvalOptions {
        limit: slice.len(),
        turns_per_conversation: 4,
        keep_misses: 5,
        memory_dialogues: false,
    };
    let eval = brain::eval::evaluate_mcsd(&shipped_dir(), slice, &options, false).unwrap();
    assert_eq!(eval.actions.total, slice.len());
    assert_eq!(eval.clean.total + eval.noisy.total, slice.len());
    assert_eq!(eval.errors, 0);
    assert!(eval.latency_p95_ms >= eval.latency_p50_ms && eval.latency_p50_ms > 0.0);
    // Far better than chance on unseen phrasings even on a tiny slice.
    assert!(eval.actions.accuracy() >= 0.6, "{:#?}", eval);
}
