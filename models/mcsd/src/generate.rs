//! Text generation over any [`Decoder`]: greedy or temperature / top-k / top-p sampling with a
//! seeded RNG, an optional repeat penalty, end tokens and string stop sequences (matched across
//! token boundaries), streaming text pieces through a callback, and an optional
//! [`TokenConstraint`] that masks the vocabulary at each step. Nothing here prints.

use std::ops::ControlFlow;

use candle_core::{DType, Device, IndexOp, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::constrain::TokenConstraint;
use crate::decoder::Decoder;
use crate::error::{Error, Result};
use crate::tokenizer::{Special, StreamDecoder, Tokenizer};

/// How the next token is picked from the logits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplingParams {
    /// Softmax temperature; 0 picks the most likely token (greedy).
    pub temperature: f64,
    /// Keep only the k most likely tokens; 0 keeps all.
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
    pub top_p: f64,
    /// Divides positive (multiplies negative) logits of recently seen tokens; 1 disables.
    pub repeat_penalty: f32,
    /// How many recent tokens (prompt included) the repeat penalty looks at.
    pub repeat_last_n: usize,
    /// Seed of the sampling RNG.
    pub seed: u64,
}

impl Default for SamplingParams {
    fn default() -> Self {
        Self {
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            repeat_penalty: 1.0,
            repeat_last_n: 64,
            seed: 42,
        }
    }
}

impl SamplingParams {
    /// Checks ranges.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field out of range.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, reason: &str| {
            Err(Error::Config {
                field,
                reason: reason.to_string(),
            })
        };
        if !(self.temperature >= 0.0 && self.temperature.is_finite()) {
            return bad("temperature", "must be finite and >= 0");
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            return bad("top_p", "must be in (0, 1]");
        }
        if !(self.repeat_penalty > 0.0 && self.repeat_penalty.is_finite()) {
            return bad("repeat_penalty", "must be finite and > 0");
        }
        Ok(())
    }
}

/// Picks tokens from logits; deterministic for a given seed and input.
#[derive(Debug, Clone)]
pub struct Sampler {
    params: SamplingParams,
    rng: StdRng,
}

impl Sampler {
    /// A sampler seeded with `params.seed`.
    ///
    /// # Errors
    /// As [`SamplingParams::validate`].
    pub fn new(params: SamplingParams) -> Result<Self> {
        params.validate()?;
        let rng = StdRng::seed_from_u64(params.seed);
        Ok(Self { params, rng })
    }

    /// Picks the next token. `recent` are the tokens seen so far (for the repeat penalty);
    /// `allowed`, when given, masks the vocabulary.
    ///
    /// # Errors
    /// [`Error::Input`] when the mask allows no token or its length differs from the logits'.
    pub fn sample(
        &mut self,
        logits: &[f32],
        recent: &[u32],
        allowed: Option<&[bool]>,
    ) -> Result<u32> {
        let mut logits = logits.to_vec();
        if let Some(mask) = allowed {
            if mask.len() != logits.len() {
                return Err(Error::Input {
                    what: "Sampler::sample",
                    reason: format!("mask has {} entries, logits {}", mask.len(), logits.len()),
                });
            }
            for (l, &ok) in logits.iter_mut().zip(mask) {
                if !ok {
                    *l = f32::NEG_INFINITY;
                }
            }
        }
        if self.params.repeat_penalty != 1.0 {
            let start = recent.len().saturating_sub(self.params.repeat_last_n);
            let mut seen = recent[start..].to_vec();
            seen.sort_unstable();
            seen.dedup();
            for id in seen {
                if let Some(l) = logits.get_mut(id as usize) {
                    *l = if *l >= 0.0 {
                        *l / self.params.repeat_penalty
                    } else {
                        *l * self.params.repeat_penalty
                    };
                }
            }
        }
        // Candidates sorted by logit, best first; ties broken by id for determinism.
        let mut order: Vec<usize> = (0..logits.len())
            .filter(|&i| logits[i].is_finite() || logits[i] == f32::INFINITY)
            .collect();
        if order.is_empty() {
            return Err(Error::Input {
                what: "Sampler::sample",
                reason: "no token is allowed (constraint mask empty or logits not finite)".into(),
            });
        }
        order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]).then(a.cmp(&b)));
        if self.params.temperature == 0.0 {
            return Ok(order[0] as u32);
        }
        if self.params.top_k > 0 {
            order.truncate(self.params.top_k);
        }
        let max = f64::from(logits[order[0]]);
        let mut probs: Vec<f64> = order
            .iter()
            .map(|&i| ((f64::from(logits[i]) - max) / self.params.temperature).exp())
            .collect();
        let total: f64 = probs.iter().sum();
        probs.iter_mut().for_each(|p| *p /= total);
        if self.params.top_p < 1.0 {
            let mut cumulative = 0.0;
            let mut keep = probs.len();
            for (i, p) in probs.iter().enumerate() {
                cumulative += p;
                if cumulative >= self.params.top_p {
                    keep = i + 1;
                    break;
                }
            }
            probs.truncate(keep);
            order.truncate(keep);
        }
        let total: f64 = probs.iter().sum();
        let mut draw = self.rng.random::<f64>() * total;
        for (i, p) in probs.iter().enumerate() {
            draw -= p;
            if draw <= 0.0 {
                return Ok(order[i] as u32);
            }
        }
        Ok(order[order.len() - 1] as u32)
    }
}

/// Limits and stop conditions of one generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenerateOptions {
    /// Token selection.
    pub sampling: SamplingParams,
    /// Upper bound on generated tokens.
    pub max_new_tokens: usize,
    /// Generation stops at the first occurrence of any of these strings (not included in the
    /// text), even when it spans several tokens.
    pub stop_sequences: Vec<String>,
    /// Stop at `</s>` or `<eot>`.
    pub stop_at_end_token: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            sampling: SamplingParams::default(),
            max_new_tokens: 128,
            stop_sequences: Vec::new(),
            stop_at_end_token: true,
        }
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model produced `</s>` or `<eot>`.
    EndToken,
    /// A stop sequence appeared in the text.
    StopSequence(String),
    /// `max_new_tokens` were generated.
    MaxTokens,
    /// The text callback asked to stop.
    Cancelled,
}

/// Result of one generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Generated text, cut before a stop sequence; special tokens are not included.
    pub text: String,
    /// Every generated token, the end token included. The decoder state has consumed all of
    /// them, so a conversation can continue from it.
    pub tokens: Vec<u32>,
    /// Why it stopped.
    pub stop_reason: StopReason,
}

/// Releases text to the caller, holding back any tail that could still become a stop
/// sequence.
struct StopMatcher<'a> {
    stop_sequences: &'a [String],
    text: String,
    emitted: usize,
}

impl<'a> StopMatcher<'a> {
    fn new(stop_sequences: &'a [String]) -> Self {
        Self {
            stop_sequences,
            text: String::new(),
            emitted: 0,
        }
    }

    /// Adds text; returns the piece safe to emit and the stop sequence found, if any.
    fn push(&mut self, piece: &str) -> (String, Option<String>) {
        let search_from = self.emitted;
        self.text.push_str(piece);
        let found = self
            .stop_sequences
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| self.text[search_from..].find(s.as_str()).map(|p| (p, s)))
            .min_by_key(|(p, _)| *p);
        if let Some((pos, stop)) = found {
            let end = search_from + pos;
            let out = self.text[self.emitted..end].to_string();
            self.text.truncate(end);
            self.emitted = end;
            return (out, Some(stop.clone()));
        }
        let hold = self
            .stop_sequences
            .iter()
            .flat_map(|s| s.char_indices().skip(1).map(move |(i, _)| &s[..i]))
            .filter(|prefix| self.text[self.emitted..].ends_with(prefix))
            .map(str::len)
            .max()
            .unwrap_or(0);
        let end = self.text.len() - hold;
        let out = self.text[self.emitted..end].to_string();
        self.emitted = end;
        (out, None)
    }

    fn flush(&mut self) -> String {
        let out = self.text[self.emitted..].to_string();
        self.emitted = self.text.len();
        out
    }
}

/// Runs generation for a decoder and tokenizer on a device.
pub struct Generator<'a, M: Decoder> {
    model: &'a M,
    tokenizer: &'a Tokenizer,
    device: Device,
}

impl<'a, M: Decoder> Generator<'a, M> {
    /// A generator whose input tensors are created on `device` (the model's device).
    ///
    /// # Errors
    /// [`Error::Input`] when the tokenizer has more tokens than the model's vocabulary.
    pub fn new(model: &'a M, tokenizer: &'a Tokenizer, device: Device) -> Result<Self> {
        if tokenizer.vocab_size() > model.vocab_size() {
            return Err(Error::Input {
                what: "Generator::new",
                reason: format!(
                    "tokenizer has {} tokens, model vocabulary {}",
                    tokenizer.vocab_size(),
                    model.vocab_size()
                ),
            });
        }
        Ok(Self {
            model,
            tokenizer,
            device,
        })
    }

    fn last_logits(logits: &Tensor) -> Result<Vec<f32>> {
        let logits = match logits.rank() {
            3 => logits.i((0, logits.dim(1)? - 1))?,
            _ => logits.i(0)?,
        };
        Ok(logits.to_dtype(DType::F32)?.to_vec1::<f32>()?)
    }

    /// Feeds `prompt` (continuing from `state`), then generates. Each text piece goes to
    /// `on_text` as soon as it is valid UTF-8 and cannot be part of a stop sequence; returning
    /// `ControlFlow::Break` stops generation.
    ///
    /// # Errors
    /// [`Error::Input`] for an empty prompt or a constraint that allows nothing; model errors.
    pub fn generate(
        &self,
        state: &mut M::State,
        prompt: &[u32],
        opts: &GenerateOptions,
        mut constraint: Option<&mut dyn TokenConstraint>,
        mut on_text: impl FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation> {
        if prompt.is_empty() {
            return Err(Error::Input {
                what: "Generator::generate",
                reason: "empty prompt".into(),
            });
        }
        let _span = tracing::debug_span!("mcsd.generate", prompt_tokens = prompt.len()).entered();
        let mut sampler = Sampler::new(opts.sampling.clone())?;
        let input = Tensor::new(prompt, &self.device)?.unsqueeze(0)?;
        let mut logits = Self::last_logits(&self.model.forward_seq(&input, state)?)?;
        let vocab = logits.len();
        let mut history: Vec<u32> = prompt.to_vec();
        let mut tokens = Vec::new();
        let mut text = String::new();
        let mut stream = StreamDecoder::new();
        let mut matcher = StopMatcher::new(&opts.stop_sequences);
        let mut mask = vec![false; vocab];
        let end_tokens = [
            self.tokenizer.special_id(Special::Eos),
            self.tokenizer.special_id(Special::EndOfTurn),
        ];
        let stop_reason = loop {
            if tokens.len() >= opts.max_new_tokens {
                break StopReason::MaxTokens;
            }
            let allowed = match constraint.as_deref() {
                Some(c) => {
                    mask.iter_mut().for_each(|m| *m = false);
                    c.allowed(self.tokenizer, &mut mask[..self.tokenizer.vocab_size()]);
                    Some(mask.as_slice())
                }
                None => None,
            };
            let token = sampler.sample(&logits, &history, allowed)?;
            if let Some(c) = constraint.as_deref_mut() {
                c.advance(self.tokenizer, token)?;
            }
            tokens.push(token);
            history.push(token);
            // Keep the state in step with `tokens` so a conversation can continue from it.
            let step_input = Tensor::new(&[token], &self.device)?;
            logits = Self::last_logits(&self.model.forward_step(&step_input, state)?)?;
            if opts.stop_at_end_token && end_tokens.contains(&token) {
                break StopReason::EndToken;
            }
            let piece = stream.push(self.tokenizer.token_bytes(token));
            let (out, stop) = matcher.push(&piece);
            text.push_str(&out);
            if !out.is_empty() && on_text(&out).is_break() {
                break StopReason::Cancelled;
            }
            if let Some(stop) = stop {
                break StopReason::StopSequence(stop);
            }
        };
        if matches!(stop_reason, StopReason::EndToken | StopReason::MaxTokens) {
            let (out, stop) = matcher.push(&stream.finish());
            let rest = if stop.is_some() {
                out
            } else {
                out + &matcher.flush()
            };
            text.push_str(&rest);
            if !rest.is_empty() {
                // The caller cannot cancel what has already ended.
                let _ = on_text(&rest);
            }
        }
        Ok(Generation {
            text,
            tokens,
            stop_reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_picks_the_maximum_and_respects_the_mask() {
        let mut s = Sampler::new(SamplingParams::default()).unwrap();
        let logits = [0.1, 3.0, 2.0, -1.0];
        assert_eq!(s.sample(&logits, &[], None).unwrap(), 1);
        let mask = [true, false, true, true];
        assert_eq!(s.sample(&logits, &[], Some(&mask)).unwrap(), 2);
        assert!(s.sample(&logits, &[], Some(&[false; 4])).is_err());
        assert!(s.sample(&logits, &[], Some(&[true; 3])).is_err());
    }

    #[test]
    fn repeat_penalty_demotes_seen_tokens() {
        let params = SamplingParams {
            repeat_penalty: 4.0,
            ..SamplingParams::default()
        };
        let mut s = Sampler::new(params).unwrap();
        assert_eq!(s.sample(&[1.0, 3.0, 2.0], &[1], None).unwrap(), 2);
    }

    #[test]
    fn sampling_is_deterministic_for_a_seed_and_follows_top_k() {
        let params = SamplingParams {
            temperature: 1.0,
            top_k: 3,
            seed: 7,
            ..SamplingParams::default()
        };
        let logits: Vec<f32> = (0..50).map(|i| (i % 7) as f32 * 0.3).collect();
        let draw = |params: &SamplingParams| {
            let mut s = Sampler::new(params.clone()).unwrap();
            (0..200)
                .map(|_| s.sample(&logits, &[], None).unwrap())
                .collect::<Vec<_>>()
        };
        let a = draw(&params);
        assert_eq!(a, draw(&params));
        let other = draw(&SamplingParams {
            seed: 8,
            ..params.clone()
        });
        assert_ne!(a, other);
        // top-k 3 of the logits: the three best are ids 6, 13, 20 (value 1.8, ties by id).
        assert!(a.iter().all(|t| [6, 13, 20].contains(t)));
        let mut distinct = a.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 3);
    }

    #[test]
    fn top_p_keeps_the_smallest_sufficient_set() {
        let params = SamplingParams {
            temperature: 1.0,
            top_p: 0.5,
            ..SamplingParams::default()
        };
        let mut s = Sampler::new(params).unwrap();
        // p(0) ~ 0.84 alone reaches 0.5.
        let logits = [3.0, 1.0, 0.5, 0.0];
        assert!((0..100).all(|_| s.sample(&logits, &[], None).unwrap() == 0));
        assert!(
            Sampler::new(SamplingParams {
                top_p: 0.0,
                ..SamplingParams::default()
            })
            .is_err()
        );
    }

    #[test]
    fn stop_matcher_holds_back_partial_matches_across_pieces() {
        let stops = vec!["END".to_string(), "é!".to_string()];
        let mut m = StopMatcher::new(&stops);
        assert_eq!(m.push("hello E"), ("hello ".to_string(), None));
        assert_eq!(m.push("N"), (String::new(), None));
        assert_eq!(m.push("X"), ("ENX".to_string(), None));
        assert_eq!(m.push(" caf"), (" caf".to_string(), None));
        assert_eq!(m.push("é"), (String::new(), None));
        assert_eq!(m.push("!tail"), (String::new(), Some("é!".to_string())));
        assert_eq!(m.text, "hello ENX caf");
        let mut m = StopMatcher::new(&stops);
        assert_eq!(m.push("abEN"), ("ab".to_string(), None));
        assert_eq!(m.flush(), "EN");
    }
}
