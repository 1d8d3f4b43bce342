//! Trainer behaviour on a tiny generated corpus: loss goes down, resume is exact, checkpoints
//! load for inference and bad checkpoints are refused with a typed problem.
#![allow(clippy::unwrap_used)] // tests may panic on unexpected errors

mod train_fixtures;

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};
use mcsd::checkpoint::{self, CheckpointProblem, ModelKind};
use mcsd::decoder::Decoder;
use mcsd::error::Error;
use mcsd::model::Model;
use mcsd::train::Trainer;
use mcsd::transformer::Transformer;
use train_fixtures::{cpu, fixture, tiny_mcsd, tiny_train, tiny_transformer};

fn weights_equal(a: &BTreeMap<String, Tensor>, b: &BTreeMap<String, Tensor>) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, t)| {
            let u = &b[k];
            t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
                == u.flatten_all().unwrap().to_vec1::<f32>().unwrap()
        })
}

#[test]
fn training_lowers_validation_loss_for_both_architectures() {
    let fx = fixture(32);
    let vocab = fx.tokenizer.vocab_size();
    let mut mcsd = Trainer::<Model>::new(
        tiny_mcsd(vocab),
        tiny_train(30, 32),
        fx.train.clone(),
        fx.validation.clone(),
        &cpu(),
    )
    .unwrap();
    let before = mcsd.evaluate().unwrap();
    for _ in 0..30 {
        mcsd.train_step().unwrap();
    }
    let after = mcsd.evaluate().unwrap();
    assert!(after < before * 0.8, "mcsd: {before} -> {after}");

    let mut transformer = Trainer::<Transformer>::new(
        tiny_transformer(vocab),
        tiny_train(30, 32),
        fx.train.clone(),
        fx.validation.clone(),
        &cpu(),
    )
    .unwrap();
    let before = transformer.evaluate().unwrap();
    for _ in 0..30 {
        transformer.train_step().unwrap();
    }
    let after = transformer.evaluate().unwrap();
    assert!(after < before * 0.8, "transformer: {before} -> {after}");
}

#[test]
fn resume_reproduces_uninterrupted_training_exactly() {
    let fx = fixture(16);
    let cfg = tiny_mcsd(fx.tokenizer.vocab_size());
    let train_cfg = tiny_train(6, 16);
    let new_trainer = || {
        Trainer::<Model>::new(
            cfg.clone(),
            train_cfg.clone(),
            fx.train.clone(),
            fx.validation.clone(),
            &cpu(),
        )
        .unwrap()
    };
    // Same seed, same initial weights.
    assert!(weights_equal(
        &new_trainer().weights(),
        &new_trainer().weights()
    ));

    let mut straight = new_trainer();
    let straight_losses: Vec<f32> = (0..6)
        .map(|_| straight.train_step().unwrap().loss)
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let mut first = new_trainer();
    let mut resumed_losses: Vec<f32> = (0..3).map(|_| first.train_step().unwrap().loss).collect();
    first.save(dir.path(), &fx.tokenizer).unwrap();
    drop(first);
    let mut second =
        Trainer::<Model>::resume(dir.path(), fx.train.clone(), fx.validation.clone(), &cpu())
            .unwrap();
    assert_eq!(second.step(), 3);
    resumed_losses.extend((0..3).map(|_| second.train_step().unwrap().loss));

    assert_eq!(straight_losses, resumed_losses);
    assert!(weights_equal(&straight.weights(), &second.weights()));
    assert_eq!(straight.history(), second.history());
}

#[test]
fn saved_checkpoint_loads_for_inference_with_the_same_logits() {
    let fx = fixture(16);
    let vocab = fx.tokenizer.vocab_size();
    let mut trainer = Trainer::<Model>::new(
        tiny_mcsd(vocab),
        tiny_train(2, 16),
        fx.train.clone(),
        fx.validation.clone(),
        &cpu(),
    )
    .unwrap();
    trainer.train_step().unwrap();
    let dir = tempfile::tempdir().unwrap();
    trainer.save(dir.path(), &fx.tokenizer).unwrap();
    assert_eq!(
        checkpoint::detect_kind(dir.path()).unwrap(),
        ModelKind::Mcsd
    );
    let loaded = checkpoint::load_model::<Model>(dir.path(), &cpu()).unwrap();
    assert_eq!(loaded.tokenizer.vocab_size(), vocab);
    let reference = trainer.inference_model().unwrap();
    let ids = Tensor::new(&[[1u32, 4, 20, 33, 5]], &Device::Cpu).unwrap();
    let a = loaded
        .model
        .forward_seq(&ids, &mut loaded.model.new_state(1).unwrap())
        .unwrap();
    let b = reference
        .forward_seq(&ids, &mut reference.new_state(1).unwrap())
        .unwrap();
    let diff = (a - b).unwrap().abs().unwrap().max_all().unwrap();
    assert_eq!(diff.to_scalar::<f32>().unwrap(), 0.0);
}

fn problem_of<T>(result: Result<T, Error>) -> CheckpointProblem {
    match result {
        Err(Error::CheckpointMismatch { problem, .. }) => problem,
        Err(other) => panic!("expected a checkpoint refusal, got {other}"),
        Ok(_) => panic!("expected a checkpoint refusal, got Ok"),
    }
}

#[test]
fn corrupt_or_mismatched_checkpoints_are_refused() {
    let fx = fixture(16);
    let vocab = fx.tokenizer.vocab_size();
    let trainer = Trainer::<Model>::new(
        tiny_mcsd(vocab),
        tiny_train(2, 16),
        fx.train.clone(),
        fx.validation.clone(),
        &cpu(),
    )
    .unwrap();
    let good = tempfile::tempdir().unwrap();
    trainer.save(good.path(), &fx.tokenizer).unwrap();
    let copy = || {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(good.path()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        dir
    };
    let load = |dir: &std::path::Path| checkpoint::load_model::<Model>(dir, &cpu()).map(|_| ());

    // Truncated weights.
    let dir = copy();
    let weights = dir.path().join(checkpoint::WEIGHTS_FILE);
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(
        problem_of(load(dir.path())),
        CheckpointProblem::Corrupt(_)
    ));

    // A missing and an unexpected tensor.
    let mut tensors = trainer.weights();
    let removed = tensors.keys().next().unwrap().clone();
    let kept = tensors.remove(&removed).unwrap();
    let dir = copy();
    checkpoint::write_safetensors(&dir.path().join(checkpoint::WEIGHTS_FILE), &tensors).unwrap();
    assert_eq!(
        problem_of(load(dir.path())),
        CheckpointProblem::MissingKey(removed.clone())
    );
    tensors.insert(removed, kept);
    tensors.insert(
        "zz.extra".into(),
        Tensor::zeros(3, candle_core::DType::F32, &cpu()).unwrap(),
    );
    let dir = copy();
    checkpoint::write_safetensors(&dir.path().join(checkpoint::WEIGHTS_FILE), &tensors).unwrap();
    assert_eq!(
        problem_of(load(dir.path())),
        CheckpointProblem::UnexpectedKey("zz.extra".into())
    );

    // Config whose shapes differ from the weights.
    let dir = copy();
    let mut cfg = tiny_mcsd(vocab);
    cfg.mlp_hidden = 48;
    checkpoint::write_json(&dir.path().join(checkpoint::CONFIG_FILE), &cfg).unwrap();
    assert!(matches!(
        problem_of(load(dir.path())),
        CheckpointProblem::ShapeMismatch { .. }
    ));

    // Config and tokenizer vocabularies disagree.
    let dir = copy();
    let cfg = tiny_mcsd(vocab + 1);
    checkpoint::write_json(&dir.path().join(checkpoint::CONFIG_FILE), &cfg).unwrap();
    assert_eq!(
        problem_of(load(dir.path())),
        CheckpointProblem::VocabMismatch {
            config: vocab + 1,
            tokenizer: vocab
        }
    );

    // Missing tokenizer.
    let dir = copy();
    std::fs::remove_file(dir.path().join(checkpoint::TOKENIZER_FILE)).unwrap();
    assert_eq!(
        problem_of(load(dir.path())),
        CheckpointProblem::MissingFile(checkpoint::TOKENIZER_FILE)
    );

    // Truncated optimizer state refuses a resume.
    let dir = copy();
    let opt = dir.path().join(checkpoint::OPTIMIZER_FILE);
    let bytes = std::fs::read(&opt).unwrap();
    std::fs::write(&opt, &bytes[..bytes.len() - 7]).unwrap();
    let resumed =
        Trainer::<Model>::resume(dir.path(), fx.train.clone(), fx.validation.clone(), &cpu());
    assert!(matches!(problem_of(resumed), CheckpointProblem::Corrupt(_)));

    // An MCSD checkpoint is not a Transformer.
    let resumed = Trainer::<Transformer>::resume(
        good.path(),
        fx.train.clone(),
        fx.validation.clone(),
        &cpu(),
    );
    assert_eq!(
        problem_of(resumed),
        CheckpointProblem::KindMismatch {
            expected: ModelKind::Transformer,
            found: ModelKind::Mcsd
        }
    );
}
