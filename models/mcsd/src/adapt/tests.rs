//! Unit tests of the adapters on tiny models (MCSD and the Transformer baseline).

use std::path::Path;

use candle_core::D;

use super::*;
use crate::checkpoint::SeededInit;
use crate::checkpoint::{self, Architecture, CheckpointProblem};
use crate::config::Config;
use crate::decoder::{Decoder, Trainable};
use crate::model::Model;
use crate::train::{PackedTokens, TrainConfig, masked_cross_entropy};
use crate::transformer::{Transformer, TransformerConfig};

const VOCAB: usize = 64;

/// Random base weights. The embedding (the tied LM head) is scaled from its initial
/// N(0, 0.02) to N(0, 0.5): logits after the final norm are bounded by |h|·|e|, about 0.6 at
/// the initial scale (no adapter of the inner weights could then predict confidently), about
/// 16 here, like a trained model (the shipped assistant's embedding, RMS 0.14 at D 128: ~18).
fn base_of<M: Architecture>(cfg: &M::Config, seed: u64) -> HashMap<String, Tensor> {
    let (_, varmap) = SeededInit::build::<M>(seed, cfg, &Device::Cpu).unwrap();
    let mut base: HashMap<String, Tensor> =
        checkpoint::varmap_tensors(&varmap).into_iter().collect();
    let embed = (&base["embed.weight"] * 25.0).unwrap();
    base.insert("embed.weight".into(), embed);
    base
}

fn tiny() -> (Config, HashMap<String, Tensor>) {
    let cfg = Config::tiny(VOCAB);
    let base = base_of::<Model>(&cfg, 7);
    (cfg, base)
}

fn train_cfg(steps: usize) -> TrainConfig {
    TrainConfig {
        steps,
        batch_size: 1,
        seq_len: 23,
        learning_rate: 1e-2,
        warmup_steps: 0,
        weight_decay: 0.0,
        ..TrainConfig::default()
    }
}

/// A fixed pseudo-random sequence of 24 tokens, one window of 23, every target counted.
fn sequence() -> (Vec<u32>, PackedTokens) {
    let mut rng = StdRng::seed_from_u64(99);
    let ids: Vec<u32> = (0..24).map(|_| rng.random_range(0..VOCAB as u32)).collect();
    let packed = PackedTokens::from_parts(ids.clone(), vec![true; ids.len()], 23).unwrap();
    (ids, packed)
}

fn trainer_for<M: Architecture>(
    cfg: &M::Config,
    base: &HashMap<String, Tensor>,
    lora: LoraConfig,
    steps: usize,
) -> AdapterTrainer<M> {
    AdapterTrainer::<M>::new(
        cfg.clone(),
        base.clone(),
        AdapterStart::Fresh(lora),
        train_cfg(steps),
        &Device::Cpu,
    )
    .unwrap()
}

fn logits<M: Trainable>(model: &M, ids: &[u32]) -> Vec<f32> {
    let ids = Tensor::new(ids, &Device::Cpu)
        .unwrap()
        .unsqueeze(0)
        .unwrap();
    model
        .forward_train(&ids)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

/// Greedy continuation of `prompt` by `n` tokens through the inference (recurrent) path.
fn greedy<M: Decoder>(model: &M, prompt: &[u32], n: usize) -> Vec<u32> {
    let dev = Device::Cpu;
    let mut state = model.new_state(1).unwrap();
    let ids = Tensor::new(prompt, &dev).unwrap().unsqueeze(0).unwrap();
    let mut last = model.prefill(&ids, &mut state, 64).unwrap();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let next = last.argmax(D::Minus1).unwrap().to_vec1::<u32>().unwrap()[0];
        out.push(next);
        last = model
            .forward_step(&Tensor::new(&[next], &dev).unwrap(), &mut state)
            .unwrap();
    }
    out
}

fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

fn problem_of<T>(result: Result<T>) -> CheckpointProblem {
    match result {
        Err(Error::CheckpointMismatch { problem, .. }) => problem,
        Err(other) => panic!("expected a checkpoint problem, got {other}"),
        Ok(_) => panic!("expected a refusal"),
    }
}

#[test]
fn the_adapted_model_starts_equal_to_the_base() {
    let (cfg, base) = tiny();
    let trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 10);
    // Default targets: in_proj, gate_up, down of both layers (no out_proj in this config).
    assert_eq!(trainer.adapter().unwrap().len(), 6);
    let reference =
        checkpoint::build_checked::<Model>(Path::new("base"), &cfg, base.clone(), &Device::Cpu)
            .unwrap();
    let (ids, _) = sequence();
    let expected = logits(&reference, &ids);
    assert_eq!(logits(&trainer.training_model().unwrap(), &ids), expected);
    assert_eq!(logits(&trainer.inference_model().unwrap(), &ids), expected);
    let merged = trainer.adapter().unwrap().merge(&base).unwrap();
    let merged = checkpoint::build_checked::<Model>(Path::new("m"), &cfg, merged, &Device::Cpu);
    assert_eq!(logits(&merged.unwrap(), &ids), expected);
    // The recurrent inference path too, and the adapted model has exactly the base's weights.
    let recurrent = |m: &Model| {
        let mut state = m.new_state(1).unwrap();
        let ids = Tensor::new(ids.as_slice(), &Device::Cpu).unwrap();
        values(
            &m.forward_seq(&ids.unsqueeze(0).unwrap(), &mut state)
                .unwrap(),
        )
    };
    let adapted = trainer.inference_model().unwrap();
    assert_eq!(recurrent(&adapted), recurrent(&reference));
    assert_eq!(adapted.n_params(), reference.n_params());
}

#[test]
fn only_the_adapter_learns_and_the_base_is_untouched() {
    let (cfg, base) = tiny();
    let before: BTreeMap<String, Vec<f32>> =
        base.iter().map(|(k, t)| (k.clone(), values(t))).collect();
    let mut trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 10);
    assert!(trainer.base.values().all(|t| !t.is_variable()));
    let (ids, data) = sequence();
    let gradients = |trainer: &AdapterTrainer<Model>| {
        let batch = data.batch(&[0], &Device::Cpu).unwrap();
        let model = trainer.training_model().unwrap();
        let loss = masked_cross_entropy(
            &model.forward_train(&batch.inputs).unwrap(),
            &batch.targets,
            &batch.mask,
        )
        .unwrap();
        let grads = loss.backward().unwrap();
        let norm = |t: &Tensor| {
            grads.get(t).map(|g| {
                g.sqr()
                    .unwrap()
                    .sum_all()
                    .unwrap()
                    .to_scalar::<f32>()
                    .unwrap()
            })
        };
        trainer
            .factors
            .iter()
            .map(|f| {
                (
                    norm(f.a.as_tensor()).unwrap(),
                    norm(f.b.as_tensor()).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Step 0: B = 0, so A's gradient (Bᵀ·g) is exactly zero and B's is not.
    for (a, b) in gradients(&trainer) {
        assert_eq!(a, 0.0);
        assert!(b > 0.0);
    }
    trainer.train_step(&data, &[0]).unwrap();
    for (a, b) in gradients(&trainer) {
        assert!(a > 0.0 && b > 0.0);
    }
    for _ in 0..3 {
        trainer.train_step(&data, &[0]).unwrap();
    }
    // The only trained tensors are the factors: 2 per adapted weight.
    assert_eq!(trainer.factors.len(), 6);
    assert_eq!(
        trainer.trainable_parameters(),
        trainer.adapter().unwrap().parameter_count()
    );
    for (k, t) in &base {
        assert_eq!(values(t), before[k], "{k} changed");
        assert_eq!(
            values(&trainer.base[k]),
            before[k],
            "{k} changed in the trainer"
        );
    }
    assert_ne!(
        logits(&trainer.inference_model().unwrap(), &ids),
        logits(
            &checkpoint::build_checked::<Model>(Path::new("b"), &cfg, base, &Device::Cpu).unwrap(),
            &ids
        )
    );
}

#[test]
fn a_few_dozen_steps_memorise_a_sequence() {
    let (cfg, base) = tiny();
    let (ids, data) = sequence();
    let mut trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 40);
    let base_model = trainer.inference_model().unwrap();
    let initial = trainer.evaluate_loss(&data).unwrap();
    let greedy_before = greedy(&base_model, &ids[..2], 22);
    let mut last = f32::INFINITY;
    for _ in 0..40 {
        last = trainer.train_step(&data, &[0]).unwrap().loss;
    }
    let adapted = trainer.inference_model().unwrap();
    let final_loss = trainer.evaluate_loss(&data).unwrap();
    let greedy_after = greedy(&adapted, &ids[..2], 22);
    let correct = |out: &[u32]| out.iter().zip(&ids[2..]).filter(|(a, b)| a == b).count();
    assert!(
        final_loss < 0.25 * initial && last < 0.25 * initial,
        "loss {initial} -> {final_loss} (last step {last})"
    );
    assert_ne!(greedy_after, greedy_before);
    assert!(
        correct(&greedy_after) >= 18 && correct(&greedy_before) <= 4,
        "{} / {} of 22 right",
        correct(&greedy_before),
        correct(&greedy_after)
    );
}

#[test]
fn saved_adapters_load_bit_exact_and_continue() {
    let (cfg, base) = tiny();
    let (ids, data) = sequence();
    let mut trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 10);
    for _ in 0..3 {
        trainer.train_step(&data, &[0]).unwrap();
    }
    let adapter = trainer.adapter().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adapter.safetensors");
    adapter.save(&path).unwrap();
    let loaded = Adapter::load(&path, &base, &Device::Cpu).unwrap();
    assert_eq!(loaded.config(), adapter.config());
    assert_eq!(
        loaded.names().collect::<Vec<_>>(),
        adapter.names().collect::<Vec<_>>()
    );
    for name in adapter.names() {
        let (a, b) = adapter.factors(name).unwrap();
        let (la, lb) = loaded.factors(name).unwrap();
        let bits = |t: &Tensor| values(t).iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(la));
        assert_eq!(bits(b), bits(lb));
    }
    // The copy does not follow further training.
    trainer.train_step(&data, &[0]).unwrap();
    let (a0, _) = adapter.factors("layers.0.mlp.down.weight").unwrap();
    let (a1, _) = trainer
        .adapter()
        .unwrap()
        .factors("layers.0.mlp.down.weight")
        .map(|(a, b)| (a.clone(), b.clone()))
        .unwrap();
    assert_ne!(values(a0), values(&a1));
    // Continuing from the loaded adapter starts where the saved one was.
    let continued = AdapterTrainer::<Model>::new(
        cfg.clone(),
        base.clone(),
        AdapterStart::Continue(loaded),
        train_cfg(10),
        &Device::Cpu,
    )
    .unwrap();
    let merged = checkpoint::build_checked::<Model>(
        Path::new("m"),
        &cfg,
        adapter.merge(&base).unwrap(),
        &Device::Cpu,
    )
    .unwrap();
    assert_eq!(
        logits(&continued.inference_model().unwrap(), &ids),
        logits(&merged, &ids)
    );
}

#[test]
fn load_refuses_what_does_not_fit() {
    let (cfg, base) = tiny();
    let trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 10);
    let adapter = trainer.adapter().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adapter.safetensors");
    let dev = Device::Cpu;

    // A base of another MLP width: the first factor of an MLP weight (in name order, the
    // down projection's B) has the wrong shape.
    adapter.save(&path).unwrap();
    let other = base_of::<Model>(
        &Config {
            mlp_hidden: 48,
            ..cfg.clone()
        },
        7,
    );
    assert_eq!(
        problem_of(Adapter::load(&path, &other, &dev)),
        CheckpointProblem::ShapeMismatch {
            key: "layers.0.mlp.down.weight.lora_b".into(),
            expected: vec![48, 8],
            found: vec![64, 8],
        }
    );

    // A missing factor pair.
    let mut partial = adapter.clone();
    partial.factors.remove("layers.1.mlp.down.weight");
    partial.save(&path).unwrap();
    assert_eq!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::MissingKey("layers.1.mlp.down.weight.lora_a".into())
    );

    // A tensor the config does not call for.
    let mut extra = adapter.clone();
    let (a, b) = adapter.factors("layers.0.mlp.down.weight").unwrap();
    extra.factors.insert(
        "embed.weight".into(),
        Factors {
            a: a.clone(),
            b: b.clone(),
        },
    );
    extra.save(&path).unwrap();
    assert_eq!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::UnexpectedKey("embed.weight.lora_a".into())
    );

    // A rank in the metadata that the tensors do not have.
    let mut wrong_rank = adapter.clone();
    wrong_rank.config.rank = 4;
    wrong_rank.save(&path).unwrap();
    assert!(matches!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::ShapeMismatch { key, expected, .. }
            if key == "layers.0.mixer.in_proj.weight.lora_a" && expected == vec![4, 32]
    ));

    // Garbage, a truncated file, a weights file that is no adapter, no file at all.
    std::fs::write(&path, b"definitely not safetensors").unwrap();
    assert!(matches!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::Corrupt(_)
    ));
    adapter.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
    assert!(matches!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::Corrupt(_)
    ));
    let weights: BTreeMap<String, Tensor> = base.clone().into_iter().collect();
    checkpoint::write_safetensors(&path, &weights).unwrap();
    assert!(matches!(
        problem_of(Adapter::load(&path, &base, &dev)),
        CheckpointProblem::Adapter(reason) if reason.contains("metadata")
    ));
    assert!(matches!(
        Adapter::load(&dir.path().join("absent"), &base, &dev),
        Err(Error::Io { .. })
    ));

    // Merging into a base that lacks an adapted weight or has another shape.
    let mut missing = base.clone();
    missing.remove("layers.0.mlp.down.weight");
    assert!(matches!(
        adapter.merge(&missing),
        Err(Error::Input { reason, .. }) if reason.contains("layers.0.mlp.down.weight")
    ));
    assert!(matches!(adapter.merge(&other), Err(Error::Input { .. })));
}

#[test]
fn configs_are_checked() {
    let (cfg, base) = tiny();
    let field_of = |lora: LoraConfig| match lora.matched_weights(&base) {
        Err(Error::Config { field, .. }) => field,
        other => panic!("expected a config error, got {other:?}"),
    };
    // MCSD has no attention: a config naming only attention weights adapts nothing.
    let attention_only = LoraConfig {
        targets: vec!["attn.qkv.weight".into()],
        ..LoraConfig::default()
    };
    assert_eq!(field_of(attention_only.clone()), "targets");
    assert!(matches!(
        AdapterTrainer::<Model>::new(
            cfg.clone(),
            base.clone(),
            AdapterStart::Fresh(attention_only),
            train_cfg(1),
            &Device::Cpu
        ),
        Err(Error::Config {
            field: "targets",
            ..
        })
    ));
    // Norm gains are 1-D: never adapted.
    let norms = LoraConfig {
        targets: vec!["mixer_norm.weight".into()],
        ..LoraConfig::default()
    };
    assert_eq!(field_of(norms), "targets");
    let bad = |f: fn(&mut LoraConfig)| {
        let mut lora = LoraConfig::default();
        f(&mut lora);
        field_of(lora)
    };
    assert_eq!(bad(|l| l.rank = 0), "rank");
    assert_eq!(bad(|l| l.rank = 33), "rank"); // d_model is 32
    assert_eq!(bad(|l| l.alpha = f64::NAN), "alpha");
    assert_eq!(bad(|l| l.targets.clear()), "targets");
    assert_eq!(bad(|l| l.targets.push("mlp.down.weight".into())), "targets");
    // Suffixes match whole key components only.
    let lora = LoraConfig::default();
    assert!(lora.matches("layers.2.mlp.down.weight"));
    assert!(!lora.matches("layers.2.xmlp.down.weight"));
    assert!((lora.scale() - 2.0).abs() < 1e-12);
    let parsed: LoraConfig = serde_json::from_str(r#"{"rank": 4}"#).unwrap();
    assert_eq!((parsed.rank, parsed.targets.len()), (4, 4));
    assert!(serde_json::from_str::<LoraConfig>(r#"{"rnak": 4}"#).is_err());
    // Windows out of range are refused, not a panic.
    let mut trainer = trainer_for::<Model>(&cfg, &base, LoraConfig::default(), 1);
    let (_, data) = sequence();
    assert!(matches!(
        trainer.train_step(&data, &[1]),
        Err(Error::Input { .. })
    ));
    assert!(matches!(
        trainer.train_step(&data, &[]),
        Err(Error::Input { .. })
    ));
}

#[test]
fn the_transformer_adapts_too() {
    let cfg = TransformerConfig {
        max_positions: 64,
        ..TransformerConfig::matching(&Config::tiny(VOCAB), 4)
    };
    let base = base_of::<Transformer>(&cfg, 3);
    let mut targets = LoraConfig::default().targets;
    targets.push("attn.qkv.weight".into());
    let lora = LoraConfig {
        targets,
        ..LoraConfig::default()
    };
    let mut trainer = trainer_for::<Transformer>(&cfg, &base, lora, 20);
    // qkv, gate_up and down of both layers.
    assert_eq!(trainer.adapter().unwrap().len(), 6);
    let (ids, data) = sequence();
    let reference =
        checkpoint::build_checked::<Transformer>(Path::new("b"), &cfg, base.clone(), &Device::Cpu)
            .unwrap();
    assert_eq!(
        logits(&trainer.inference_model().unwrap(), &ids),
        logits(&reference, &ids)
    );
    let initial = trainer.evaluate_loss(&data).unwrap();
    for _ in 0..20 {
        trainer.train_step(&data, &[0]).unwrap();
    }
    let adapted = trainer.inference_model().unwrap();
    let final_loss = trainer.evaluate_loss(&data).unwrap();
    assert!(final_loss < 0.5 * initial, "{initial} -> {final_loss}");
    assert_ne!(
        greedy(&adapted, &ids[..2], 10),
        greedy(&reference, &ids[..2], 10)
    );
}
