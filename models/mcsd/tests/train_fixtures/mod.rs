//! Shared fixtures of the training and generation tests: a small generated corpus, its
//! tokenizer and tiny configs.
#![allow(dead_code)] // each test binary uses a subset
#![allow(clippy::unwrap_used)] // test fixtures panic on unexpected errors

use candle_core::Device;
use mcsd::config::Config;
use mcsd::corpus::{Corpus, CorpusConfig};
use mcsd::tokenizer::Tokenizer;
use mcsd::train::{PackedTokens, TrainConfig};
use mcsd::transformer::TransformerConfig;

pub struct Fixture {
    pub corpus: Corpus,
    pub tokenizer: Tokenizer,
    pub train: PackedTokens,
    pub validation: PackedTokens,
}

pub fn fixture(seq_len: usize) -> Fixture {
    let corpus = Corpus::generate(&CorpusConfig {
        seed: 11,
        train_examples: 150,
        validation_examples: 20,
    })
    .unwrap();
    let tokenizer = Tokenizer::train(corpus.texts(), 400).unwrap();
    let train = PackedTokens::pack(&corpus.train, &tokenizer, seq_len).unwrap();
    let validation = PackedTokens::pack(&corpus.validation, &tokenizer, seq_len).unwrap();
    Fixture {
        corpus,
        tokenizer,
        train,
        validation,
    }
}

pub fn tiny_mcsd(vocab: usize) -> Config {
    Config {
        d_model: 32,
        n_channels: 4,
        n_layers: 2,
        mlp_hidden: 64,
        chunk_size: 8,
        ..Config::tiny(vocab)
    }
}

pub fn tiny_transformer(vocab: usize) -> TransformerConfig {
    TransformerConfig {
        max_positions: 256,
        ..TransformerConfig::matching(&tiny_mcsd(vocab), 4)
    }
}

pub fn tiny_train(steps: usize, seq_len: usize) -> TrainConfig {
    TrainConfig {
        seed: 5,
        steps,
        batch_size: 4,
        seq_len,
        learning_rate: 1e-2,
        warmup_steps: 2,
        eval_every: 0,
        eval_windows: 8,
        checkpoint_every: 0,
        ..TrainConfig::default()
    }
}

pub fn cpu() -> Device {
    Device::Cpu
}
