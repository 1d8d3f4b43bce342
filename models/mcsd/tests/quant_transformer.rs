//! Quantised MCSD stays close to f32; the Transformer baseline's KV-cached decode equals its
//! full forward and every parameter gets a gradient.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
mod common;
use common::{max_abs_diff, rel_err, seed_weights, stepwise};

use mcsd::config::{Config, Projection};
use mcsd::decoder::{Decoder, Trainable};
use mcsd::model::Model;
use mcsd::quantized::{QuantKind, QuantizedModel};
use mcsd::transformer::{QuantizedTransformer, Transformer, TransformerConfig};

fn ids(b: usize, n: usize, seed: u32) -> Tensor {
    common::ids(b, n, seed, VOCAB)
}

const SEED: u32 = 17;
const VOCAB: usize = 64;

fn mcsd(cfg: &Config) -> Model {
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Model::new(cfg, vb).unwrap();
    seed_weights(&varmap, SEED);
    model.detached()
}

#[test]
fn quantized_mcsd_stays_within_tolerance_of_f32() {
    let cfg = Config {
        d_model: 64,
        n_channels: 2,
        mlp_hidden: 128,
        ..Config::tiny(VOCAB)
    };
    let model = mcsd(&cfg);
    let x = ids(2, 24, 3);
    let mut s = model.new_state(2).unwrap();
    let reference = model.forward_seq(&x, &mut s).unwrap();
    // Stated tolerances (relative L2 error of the logits, random weights).
    for (kind, tol) in [(QuantKind::Q8_0, 0.05), (QuantKind::Q4_0, 0.3)] {
        let q = QuantizedModel::from_model(&model, kind).unwrap();
        let mut s = q.new_state(2).unwrap();
        let logits = q.forward_seq(&x, &mut s).unwrap();
        let err = rel_err(&logits, &reference);
        assert!(err < tol, "{kind:?}: relative error {err}");
        assert!(err > 0.0, "{kind:?}: no quantisation happened");
        let mut s = q.new_state(2).unwrap();
        assert!(max_abs_diff(&stepwise(&q, &x, &mut s), &logits) <= 1e-4);
    }
    // Q4K needs input widths that are multiples of 256: refused with a config error.
    assert!(QuantizedModel::from_model(&model, QuantKind::Q4K).is_err());
}

#[test]
fn quantized_variants_per_channel_and_sparse() {
    let base = Config {
        d_model: 64,
        n_channels: 2,
        mlp_hidden: 128,
        ..Config::tiny(VOCAB)
    };
    for cfg in [
        Config {
            projection: Projection::PerChannel,
            ..base.clone()
        },
        Config {
            sparse_top_k: Some(32),
            output_proj: true,
            ..base
        },
    ] {
        let model = mcsd(&cfg);
        let x = ids(1, 10, 5);
        let mut s = model.new_state(1).unwrap();
        let reference = model.forward_seq(&x, &mut s).unwrap();
        let q = QuantizedModel::from_model(&model, QuantKind::Q8_0).unwrap();
        let mut s = q.new_state(1).unwrap();
        let err = rel_err(&q.forward_seq(&x, &mut s).unwrap(), &reference);
        assert!(err < 0.1, "{cfg:?}: {err}");
    }
}

fn transformer() -> (VarMap, Transformer) {
    let mut cfg = TransformerConfig::matching(&Config::tiny(VOCAB), 4);
    cfg.max_positions = 600;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Transformer::new(&cfg, vb).unwrap();
    seed_weights(&varmap, SEED);
    (varmap, model)
}

#[test]
fn transformer_kv_cache_decode_equals_full_forward() {
    let (_vm, model) = transformer();
    let x = ids(2, 300, 1); // crosses the first cache growth (256)
    let full = model.forward_train(&x).unwrap();
    let mut cache = model.new_state(2).unwrap();
    let prefix = model
        .forward_seq(&x.narrow(1, 0, 250).unwrap(), &mut cache)
        .unwrap();
    let snapshot = cache.clone();
    let rest = x.narrow(1, 250, 50).unwrap().contiguous().unwrap();
    let steps = stepwise(&model, &rest, &mut cache);
    assert!(max_abs_diff(&full.narrow(1, 0, 250).unwrap(), &prefix) <= 1e-4);
    assert!(max_abs_diff(&full.narrow(1, 250, 50).unwrap(), &steps) <= 1e-4);
    assert_eq!(cache.pos(), 300);
    // the snapshot was not disturbed by the later writes
    let mut again = snapshot;
    let seq = model.forward_seq(&rest, &mut again).unwrap();
    assert!(max_abs_diff(&seq, &steps) <= 1e-4);
    assert_eq!(Transformer::state_bytes(&again), 2 * 2 * 2 * 300 * 32 * 4);
}

#[test]
fn transformer_gradients_reach_every_parameter() {
    let (varmap, model) = transformer();
    let x = ids(2, 9, 4);
    let logits = model.forward_train(&x).unwrap();
    let targets = ids(2, 9, 6).flatten_all().unwrap();
    let loss = candle_nn::loss::cross_entropy(&logits.flatten_to(1).unwrap(), &targets).unwrap();
    let grads = loss.backward().unwrap();
    let data = varmap.data().lock().unwrap();
    let mut total = 0;
    for (name, var) in data.iter() {
        let g = grads
            .get(var.as_tensor())
            .unwrap_or_else(|| panic!("{name}: no gradient"));
        let v = g.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(
            v.iter().all(|x| x.is_finite()) && v.iter().any(|x| *x != 0.0),
            "{name}"
        );
        total += v.len();
    }
    assert_eq!(total, model.n_params());
}

#[test]
fn quantized_transformer_is_close_and_consistent() {
    let (_vm, model) = transformer();
    let q = QuantizedTransformer::from_model(&model, QuantKind::Q8_0).unwrap();
    let x = ids(1, 20, 2);
    let mut s = model.new_state(1).unwrap();
    let reference = model.forward_seq(&x, &mut s).unwrap();
    let mut s = q.new_state(1).unwrap();
    let logits = q.forward_seq(&x, &mut s).unwrap();
    assert!(rel_err(&logits, &reference) < 0.05);
    let mut s = q.new_state(1).unwrap();
    assert!(max_abs_diff(&stepwise(&q, &x, &mut s), &logits) <= 1e-4);
}

#[test]
fn q4k_works_at_widths_of_256_and_prefill_matches_forward_seq() {
    let cfg = Config {
        d_model: 256,
        n_channels: 4,
        n_layers: 1,
        mlp_hidden: 256,
        ..Config::tiny(VOCAB)
    };
    let model = mcsd(&cfg);
    let x = ids(1, 12, 8);
    let mut s = model.new_state(1).unwrap();
    let reference = model.forward_seq(&x, &mut s).unwrap();
    let q = QuantizedModel::from_model(&model, QuantKind::Q4K).unwrap();
    let mut s = q.new_state(1).unwrap();
    let err = rel_err(&q.forward_seq(&x, &mut s).unwrap(), &reference);
    assert!(err > 0.0 && err < 0.3, "q4k relative error {err}");
    // prefill in pieces of 5 returns the last position's logits and the same state position
    let mut s = model.new_state(1).unwrap();
    let last = model.prefill(&x, &mut s, 5).unwrap();
    assert_eq!(s.pos(), 12);
    let expected = reference.narrow(1, 11, 1).unwrap().squeeze(1).unwrap();
    assert!(max_abs_diff(&last, &expected) <= 1e-4);
}
