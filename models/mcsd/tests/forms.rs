//! The three forms of the MCSD mixer agree (literal parallel, chunked, recurrent), the state is
//! constant-size and round-trips bit-exactly, every parameter gets a gradient, sparse inference
//! equals the masked dense computation.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
mod common;
use common::{max_abs_diff, seed_weights, stepwise};

use mcsd::config::{Config, Fusion, Projection};
use mcsd::decoder::{Decoder, Trainable};
use mcsd::mixer::MixerForm;
use mcsd::model::Model;
use mcsd::state::State;

fn ids(b: usize, n: usize, seed: u32) -> Tensor {
    common::ids(b, n, seed, VOCAB)
}

const SEED: u32 = 17;
const VOCAB: usize = 50;

fn build(cfg: &Config) -> (VarMap, Model) {
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Model::new(cfg, vb).unwrap();
    seed_weights(&varmap, SEED);
    (varmap, model)
}

fn variants() -> Vec<Config> {
    let base = Config::tiny(VOCAB);
    vec![
        base.clone(),
        Config {
            n_channels: 1,
            chunk_size: 4,
            ..base.clone()
        },
        Config {
            n_channels: 8,
            ..base.clone()
        },
        Config {
            projection: Projection::PerChannel,
            ..base.clone()
        },
        Config {
            fusion: Fusion::ConcatProj,
            tie_embeddings: false,
            ..base.clone()
        },
        Config {
            output_proj: true,
            n_channels: 2,
            ..base.clone()
        },
        Config {
            sparse_top_k: Some(16),
            ..base
        },
    ]
}

#[test]
fn literal_chunked_and_recurrent_forms_agree() {
    for (v, cfg) in variants().iter().enumerate() {
        let (_vm, model) = build(cfg);
        for n in [1usize, 2, 7, 8, 21] {
            let x = ids(2, n, (v * 31 + n) as u32);
            let literal = model.forward_with(&x, MixerForm::Literal).unwrap();
            let chunked = model.forward_with(&x, MixerForm::Chunked).unwrap();
            let mut state = model.new_state(2).unwrap();
            let seq = model.forward_seq(&x, &mut state).unwrap();
            let mut state = model.new_state(2).unwrap();
            let steps = stepwise(&model, &x, &mut state);
            let d1 = max_abs_diff(&literal, &chunked);
            let d2 = max_abs_diff(&literal, &seq);
            let d3 = max_abs_diff(&literal, &steps);
            assert!(
                d1 <= 1e-4 && d2 <= 1e-4 && d3 <= 1e-4,
                "cfg {v} n {n}: {d1} {d2} {d3}"
            );
            assert_eq!(state.pos(), n);
        }
    }
}

#[test]
fn first_token_boundary_uses_the_token_itself() {
    // At t = 0 the mixer sees V_0 and E_0 themselves; the logits of a one-token sequence equal
    // the first logits of any longer sequence starting with that token (causality).
    let (_vm, model) = build(&Config::tiny(VOCAB));
    let long = ids(1, 9, 5);
    let first = long.narrow(1, 0, 1).unwrap();
    let a = model.forward_with(&first, MixerForm::Literal).unwrap();
    let b = model
        .forward_with(&long, MixerForm::Chunked)
        .unwrap()
        .narrow(1, 0, 1)
        .unwrap();
    assert!(max_abs_diff(&a, &b) <= 1e-5);
    // A reset state reproduces the first logits.
    let mut state = model.new_state(1).unwrap();
    let l1 = model.forward_seq(&long, &mut state).unwrap();
    state.reset();
    let l2 = model.forward_seq(&first, &mut state).unwrap();
    assert!(max_abs_diff(&l1.narrow(1, 0, 1).unwrap(), &l2) <= 1e-5);
}

#[test]
fn forward_seq_continues_from_a_mid_sequence_state() {
    for cfg in variants() {
        let (_vm, model) = build(&cfg);
        let x = ids(3, 19, 11);
        let mut s_seq = model.new_state(3).unwrap();
        model
            .forward_seq(&x.narrow(1, 0, 6).unwrap(), &mut s_seq)
            .unwrap();
        let mut s_step = s_seq.clone();
        let rest = x.narrow(1, 6, 13).unwrap().contiguous().unwrap();
        let seq = model.forward_seq(&rest, &mut s_seq).unwrap();
        let steps = stepwise(&model, &rest, &mut s_step);
        assert!(max_abs_diff(&seq, &steps) <= 1e-4);
        // and both equal the full-sequence parallel form
        let full = model.forward_with(&x, MixerForm::Literal).unwrap();
        assert!(max_abs_diff(&full.narrow(1, 6, 13).unwrap(), &seq) <= 1e-4);
        assert_eq!(s_seq.pos(), 19);
    }
}

#[test]
fn long_sequences_agree_across_many_chunks() {
    // N well beyond several chunks with the largest slope window: chunked vs literal.
    let cfg = Config {
        d_model: 16,
        n_channels: 2,
        n_layers: 1,
        mlp_hidden: 32,
        ..Config::tiny(VOCAB)
    };
    let (_vm, model) = build(&cfg);
    let x = ids(1, 300, 3);
    let literal = model.forward_with(&x, MixerForm::Literal).unwrap();
    let chunked = model.forward_with(&x, MixerForm::Chunked).unwrap();
    let mut state = model.new_state(1).unwrap();
    let seq = model.forward_seq(&x, &mut state).unwrap();
    assert!(max_abs_diff(&literal, &chunked) <= 1e-4);
    assert!(max_abs_diff(&literal, &seq) <= 1e-4);
}

#[test]
fn state_size_does_not_depend_on_the_context() {
    let cfg = Config::tiny(VOCAB);
    let (_vm, model) = build(&cfg);
    let mut state = model.new_state(1).unwrap();
    let empty = Model::state_bytes(&state);
    model.forward_seq(&ids(1, 5, 1), &mut state).unwrap();
    let after_5 = Model::state_bytes(&state);
    model.forward_seq(&ids(1, 200, 2), &mut state).unwrap();
    let after_205 = Model::state_bytes(&state);
    assert_eq!(empty, after_5);
    assert_eq!(empty, after_205);
    // 2·D f32 per layer plus the position counter
    assert_eq!(empty, cfg.n_layers * 2 * cfg.d_model * 4 + 8);
}

fn grads_of(model: &Model, varmap: &VarMap, form: MixerForm) -> Vec<(String, Tensor)> {
    let x = ids(2, 13, 9);
    let logits = model.forward_with(&x, form).unwrap();
    let targets = ids(2, 13, 10).flatten_all().unwrap();
    let loss = candle_nn::loss::cross_entropy(&logits.flatten_to(1).unwrap(), &targets).unwrap();
    let grads = loss.backward().unwrap();
    let data = varmap.data().lock().unwrap();
    let mut named: Vec<(String, Var)> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named
        .into_iter()
        .map(|(name, var)| {
            let g = grads
                .get(var.as_tensor())
                .unwrap_or_else(|| panic!("{name}: no gradient"))
                .clone();
            (name, g)
        })
        .collect()
}

#[test]
fn every_parameter_gets_a_finite_nonzero_gradient_and_forms_agree_on_it() {
    for cfg in variants() {
        let (varmap, model) = build(&cfg);
        let chunked = grads_of(&model, &varmap, MixerForm::Chunked);
        let literal = grads_of(&model, &varmap, MixerForm::Literal);
        for ((name, gc), (_, gl)) in chunked.iter().zip(&literal) {
            let v = gc.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(
                v.iter().all(|x| x.is_finite()),
                "{name}: non-finite gradient"
            );
            assert!(
                v.iter().any(|x| *x != 0.0),
                "{name}: zero gradient ({cfg:?})"
            );
            let scale = gl
                .abs()
                .unwrap()
                .max_keepdim(0)
                .unwrap()
                .flatten_all()
                .unwrap();
            let scale = scale.max(0).unwrap().to_scalar::<f32>().unwrap().max(1e-3);
            let diff = max_abs_diff(gc, gl);
            assert!(
                diff <= 1e-3 * scale.max(1.0),
                "{name}: chunked vs literal grad {diff}"
            );
        }
        let expected = model.n_params();
        let counted: usize = chunked.iter().map(|(_, g)| g.elem_count()).sum();
        assert_eq!(counted, expected);
    }
}

#[test]
fn weights_and_state_round_trip_bit_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config {
        projection: Projection::PerChannel,
        ..Config::tiny(VOCAB)
    };
    let (varmap, model) = build(&cfg);
    let weights = dir.path().join("model.safetensors");
    varmap.save(&weights).unwrap();
    cfg.save(dir.path().join("config.json")).unwrap();
    let cfg2 = Config::load(dir.path().join("config.json")).unwrap();
    assert_eq!(cfg, cfg2);
    let loaded = {
        let vb = unsafe_free_load(&weights);
        Model::new(&cfg2, vb).unwrap()
    };
    let x = ids(1, 12, 4);
    let mut s1 = model.new_state(1).unwrap();
    let mut s2 = loaded.new_state(1).unwrap();
    let a = model.forward_seq(&x, &mut s1).unwrap();
    let b = loaded.forward_seq(&x, &mut s2).unwrap();
    assert_eq!(max_abs_diff(&a, &b), 0.0);

    // State: save mid-conversation, load, continue: identical logits and identical state.
    let state_path = dir.path().join("state.safetensors");
    s1.save(&state_path).unwrap();
    let mut restored = State::load(&state_path, &cfg, &Device::Cpu).unwrap();
    assert_eq!(restored.pos(), s1.pos());
    for (l1, l2) in s1.layers().iter().zip(restored.layers()) {
        assert_eq!(l1, l2);
    }
    let next = ids(1, 4, 8);
    let c1 = model.forward_seq(&next, &mut s1).unwrap();
    let c2 = model.forward_seq(&next, &mut restored).unwrap();
    assert_eq!(max_abs_diff(&c1, &c2), 0.0);

    // A state for another config is refused.
    let other = Config { n_layers: 3, ..cfg };
    assert!(State::load(&state_path, &other, &Device::Cpu).is_err());
}

/// Loads safetensors into a fresh VarMap (no mmap, so no `unsafe`).
fn unsafe_free_load(path: &std::path::Path) -> VarBuilder<'static> {
    let tensors = candle_core::safetensors::load(path, &Device::Cpu).unwrap();
    VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu)
}

#[test]
fn sparse_inference_equals_masked_dense_training_forward() {
    for k in [1usize, 5, 64] {
        let cfg = Config {
            sparse_top_k: Some(k),
            ..Config::tiny(VOCAB)
        };
        let (_vm, model) = build(&cfg);
        let x = ids(2, 10, k as u32);
        let dense_masked = model.forward_train(&x).unwrap();
        let mut state = model.new_state(2).unwrap();
        let sparse = model.forward_seq(&x, &mut state).unwrap();
        assert!(max_abs_diff(&dense_masked, &sparse) <= 1e-4, "k {k}");
    }
    // k < H changes the output (the mask is not a no-op).
    let base = Config::tiny(VOCAB);
    let (varmap, dense) = build(&base);
    let sparse_cfg = Config {
        sparse_top_k: Some(8),
        ..base
    };
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let sparse = Model::new(&sparse_cfg, vb).unwrap();
    let x = ids(1, 6, 1);
    let a = dense.forward_train(&x).unwrap();
    let b = sparse.forward_train(&x).unwrap();
    assert!(max_abs_diff(&a, &b) > 1e-3);
}

#[test]
fn detached_model_decodes_the_same_without_a_graph() {
    let (_vm, model) = build(&Config::tiny(VOCAB));
    let frozen = model.detached();
    let x = ids(1, 5, 2);
    let mut s1 = model.new_state(1).unwrap();
    let mut s2 = frozen.new_state(1).unwrap();
    let a = model.forward_seq(&x, &mut s1).unwrap();
    let b = frozen.forward_seq(&x, &mut s2).unwrap();
    assert_eq!(max_abs_diff(&a, &b), 0.0);
}

#[test]
fn inference_follows_weight_updates_of_the_varmap() {
    // The trainer updates variables in place; decoding with the same Model must see the update.
    let cfg = Config::tiny(VOCAB);
    let (varmap, model) = build(&cfg);
    let x = ids(1, 7, 3);
    let mut s = model.new_state(1).unwrap();
    let before = model.forward_seq(&x, &mut s).unwrap();
    seed_weights(&varmap, SEED + 1);
    let mut s = model.new_state(1).unwrap();
    let after = model.forward_seq(&x, &mut s).unwrap();
    let fresh = Model::new(
        &cfg,
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
    )
    .unwrap();
    let mut s = fresh.new_state(1).unwrap();
    let expected = fresh.forward_seq(&x, &mut s).unwrap();
    assert!(max_abs_diff(&before, &after) > 1e-3);
    assert_eq!(max_abs_diff(&after, &expected), 0.0);
}
