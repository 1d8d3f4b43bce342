//! MCSD language model (Yang, Li, Li, "MCSD: An Efficient Language Model with Diverse Fusion",
//! arXiv 2406.12230): multi-channel slope and decay token mixing with a constant-size recurrent
//! state, plus training, generation, quantisation and a same-size Transformer baseline.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

// Model core (helper "mcsd-model").
pub mod config;
pub mod decoder;
pub mod error;
pub mod mixer;
pub mod model;
pub mod quantized;
pub mod state;
pub mod transformer;

// Tokenizer, training, generation, benchmark (helper "mcsd-train").
pub mod bench;
pub mod checkpoint;
pub mod cli;
pub mod constrain;
pub mod corpus;
pub mod generate;
pub mod plot;
pub mod tokenizer;
pub mod train;

// Low-rank adapters (LoRA): fine-tune a frozen base model, merge, save and load adapters.
pub mod adapt;
