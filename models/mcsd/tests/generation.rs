//! Generation over real decoders (random tiny weights): seeded determinism, stop sequences
//! across token boundaries, streaming and constrained decoding.
#![allow(clippy::unwrap_used)] // tests may panic on unexpected errors

mod train_fixtures;

use std::ops::ControlFlow;

use mcsd::bench::random_model;
use mcsd::constrain::{AutomatonConstraint, StringSet, Template, TokenConstraint};
use mcsd::decoder::Decoder;
use mcsd::generate::{GenerateOptions, Generation, Generator, SamplingParams, StopReason};
use mcsd::model::Model;
use mcsd::quantized::{QuantKind, QuantizedModel};
use mcsd::tokenizer::Tokenizer;
use mcsd::transformer::Transformer;
use train_fixtures::{cpu, fixture, tiny_mcsd, tiny_transformer};

fn run<M: Decoder>(
    model: &M,
    tokenizer: &Tokenizer,
    opts: &GenerateOptions,
    constraint: Option<&mut dyn TokenConstraint>,
) -> (Generation, Vec<String>) {
    let generator = Generator::new(model, tokenizer, cpu()).unwrap();
    let mut state = model.new_state(1).unwrap();
    let prompt = tokenizer.encode_prompt("Where is the red cup?").unwrap();
    let mut pieces = Vec::new();
    let generation = generator
        .generate(&mut state, &prompt, opts, constraint, |piece| {
            pieces.push(piece.to_string());
            ControlFlow::Continue(())
        })
        .unwrap();
    (generation, pieces)
}

fn sampled(seed: u64, max: usize) -> GenerateOptions {
    GenerateOptions {
        sampling: SamplingParams {
            temperature: 1.0,
            top_k: 50,
            top_p: 0.95,
            seed,
            ..SamplingParams::default()
        },
        max_new_tokens: max,
        stop_at_end_token: false,
        ..GenerateOptions::default()
    }
}

#[test]
fn sampling_is_reproducible_with_a_seed_and_streams_the_whole_text() {
    let fx = fixture(16);
    let model: Model = random_model(&tiny_mcsd(fx.tokenizer.vocab_size()), 3, &cpu()).unwrap();
    let (a, pieces) = run(&model, &fx.tokenizer, &sampled(1, 24), None);
    let (b, _) = run(&model, &fx.tokenizer, &sampled(1, 24), None);
    let (c, _) = run(&model, &fx.tokenizer, &sampled(2, 24), None);
    assert_eq!(a, b);
    assert_ne!(a.tokens, c.tokens);
    assert_eq!(a.tokens.len(), 24);
    assert_eq!(a.stop_reason, StopReason::MaxTokens);
    assert_eq!(pieces.concat(), a.text);
    assert_eq!(a.text, fx.tokenizer.decode(&a.tokens));
    // The state has consumed prompt and generated tokens.
    let transformer: Transformer =
        random_model(&tiny_transformer(fx.tokenizer.vocab_size()), 3, &cpu()).unwrap();
    let (t1, _) = run(&transformer, &fx.tokenizer, &sampled(1, 12), None);
    let (t2, _) = run(&transformer, &fx.tokenizer, &sampled(1, 12), None);
    assert_eq!(t1, t2);
    // Generation runs over the quantised model too (same seed, same output twice).
    let int8 = QuantizedModel::from_model(&model, QuantKind::Q8_0).unwrap();
    let (q1, _) = run(&int8, &fx.tokenizer, &sampled(1, 12), None);
    let (q2, _) = run(&int8, &fx.tokenizer, &sampled(1, 12), None);
    assert_eq!(q1, q2);
    assert_eq!(q1.tokens.len(), 12);
}

#[test]
fn stop_sequence_spanning_two_tokens_cuts_the_text_there() {
    let fx = fixture(16);
    let tok = &fx.tokenizer;
    let model: Model = random_model(&tiny_mcsd(tok.vocab_size()), 9, &cpu()).unwrap();
    // Find, in some sample, two adjacent ASCII tokens whose concatenation first occurs right
    // there: that string is a stop sequence spanning a token boundary.
    let mut chosen = None;
    for seed in 0..20 {
        let opts = sampled(seed, 60);
        let (full, _) = run(&model, tok, &opts, None);
        let mut offset = 0;
        for pair in full.tokens.windows(2) {
            let (left, right) = (tok.token_bytes(pair[0]), tok.token_bytes(pair[1]));
            let start = offset;
            offset += left.len();
            if left.is_empty() || right.is_empty() || !left.is_ascii() || !right.is_ascii() {
                continue;
            }
            let stop = format!(
                "{}{}",
                String::from_utf8_lossy(left),
                String::from_utf8_lossy(right)
            );
            if full.text.find(&stop) == Some(start) && start > 0 {
                chosen = Some((opts, full, stop, start));
                break;
            }
        }
        if chosen.is_some() {
            break;
        }
    }
    let (opts, full, stop, at) = chosen.expect("no ASCII token pair in 20 samples");
    let with_stop = GenerateOptions {
        stop_sequences: vec!["never-appears-xyz".into(), stop.clone()],
        ..opts
    };
    let (cut, pieces) = run(&model, tok, &with_stop, None);
    assert_eq!(cut.text, full.text[..at]);
    assert_eq!(cut.stop_reason, StopReason::StopSequence(stop));
    assert_eq!(pieces.concat(), cut.text);
    assert!(cut.tokens.len() < full.tokens.len());
}

#[test]
fn constrained_decoding_only_produces_allowed_strings() {
    let fx = fixture(16);
    let tok = &fx.tokenizer;
    let model: Model = random_model(&tiny_mcsd(tok.vocab_size()), 5, &cpu()).unwrap();
    let allowed = [
        "go_to(kitchen)",
        "go_to(kitchen table)",
        "say(hello)",
        "stop()",
    ];
    let mut seen = std::collections::HashSet::new();
    for seed in 0..12 {
        let mut constraint = AutomatonConstraint::new(StringSet::new(allowed).unwrap());
        let opts = GenerateOptions {
            stop_at_end_token: true,
            ..sampled(seed, 64)
        };
        let (out, pieces) = run(&model, tok, &opts, Some(&mut constraint));
        assert!(allowed.contains(&out.text.as_str()), "{:?}", out.text);
        assert_eq!(out.stop_reason, StopReason::EndToken);
        assert_eq!(pieces.concat(), out.text);
        seen.insert(out.text);
    }
    assert!(
        seen.len() > 1,
        "sampling should reach several allowed strings"
    );

    let template = Template::new(vec![
        vec!["pick_up("],
        vec!["red", "blue"],
        vec![" "],
        vec!["cup", "book", "toy car"],
        vec![")"],
    ])
    .unwrap();
    for seed in 0..6 {
        let mut constraint = AutomatonConstraint::new(template.clone());
        let opts = GenerateOptions {
            stop_at_end_token: true,
            ..sampled(seed, 64)
        };
        let (out, _) = run(&model, tok, &opts, Some(&mut constraint));
        assert_eq!(out.stop_reason, StopReason::EndToken);
        let inner = out
            .text
            .strip_prefix("pick_up(")
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or_else(|| panic!("{:?}", out.text));
        let (colour, object) = inner.split_once(' ').unwrap();
        assert!(["red", "blue"].contains(&colour));
        assert!(["cup", "book", "toy car"].contains(&object));
    }
}
