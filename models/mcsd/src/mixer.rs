//! The MCSD token mixer: fixed multi-scale slope and decay mixing of the past, in three forms.
//!
//! For channel i of width Dc (rates from [`Config::slope_rate`] and [`Config::decay_rate`]):
//! - slope: V'_t = Σ_{m<t} γ^(t−m) V_m / Σ_{k=1..t} γ^k for t ≥ 1, V'_0 = V_0;
//! - decay: E'_t = Σ_{m<t} α^(t−m) E_m for t ≥ 1, E'_0 = E_0;
//! - Θ = U ⊙ SiLU(V') + sigmoid(F) ⊙ RMSNorm_c(E') (sum fusion).
//!
//! Forms:
//! - [`MixerForm::Literal`]: the C×N×N mixing matrices applied with a batched matmul (O(N²)).
//! - [`MixerForm::Chunked`]: the exact O(N) form. Both mixings are fixed first-order causal
//!   recurrences, so each sequence is cut into chunks of `chunk_size` positions: every chunk is
//!   scanned from a zero state (all chunks in parallel), the recurrent state is carried across
//!   chunk boundaries (A_{s+T} = r^T·A_s + chunk end), and each position adds the carried-in state
//!   decayed to it. Within a chunk the T×T mixing matrix is applied by its recurrence (O(T·Dc)
//!   instead of O(T²·Dc) on CPU). It is a custom op whose backward is the same scheme run
//!   anti-causally (the transposed mixing), so the fixed mixing gets no gradient and no N×N
//!   matrix is ever materialised.
//! - the recurrent step ([`mix_sequence`] with one token), used by `forward_step`.
//!
//! Training paths use only differentiable candle ops; inference mixes in plain Rust on the
//! state vectors (no per-token tensor allocations for the state).

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, D, DType, Device, Layout, Shape, Tensor};
use candle_nn::VarBuilder;

use crate::config::{Config, Fusion, Projection};
use crate::error::{Error, Result};
use crate::state::LayerState;

/// Which parallel form of the token mixer a training forward uses (the recurrent form is
/// `Decoder::forward_step`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MixerForm {
    /// The literal parallel form with C×N×N mixing matrices: O(N²), the reference.
    Literal,
    /// The exact O(N) chunked-recurrence form used for training and prefill.
    Chunked,
}

/// Relative size below which γ^t no longer changes the slope normaliser in f32.
const SATURATION_EPS: f64 = 1e-10;

/// The fixed rates of every channel and the precomputed slope normalisers 1/Z_t.
///
/// Z_t = Σ_{k=0..t−1} γ^k; the slope update is S ← S + (V_{t−1} − S)/Z_t. Beyond the
/// saturation position γ^t is below f32 resolution and 1/Z_t = 1 − γ exactly, so the table has
/// a fixed length (~5,300 rows × C) and the per-token cost does not depend on the position.
#[derive(Debug)]
pub struct Rates {
    n_channels: usize,
    channel_width: usize,
    gamma: Vec<f32>,
    alpha: Vec<f32>,
    /// Row t (0..=saturation) holds 1/Z_t per channel; row 0 is unused (1.0).
    slope_weights: Vec<f32>,
    saturation: usize,
    chunk_size: usize,
}

impl Rates {
    /// Rates of `cfg` (same for every layer).
    pub fn new(cfg: &Config) -> Self {
        let c = cfg.n_channels;
        let gamma64: Vec<f64> = (0..c).map(|i| cfg.slope_rate(i)).collect();
        let gamma_max = gamma64.iter().copied().fold(0.0, f64::max);
        let saturation = (SATURATION_EPS.ln() / gamma_max.ln()).ceil().max(1.0) as usize;
        let mut slope_weights = vec![1.0f32; (saturation + 1) * c];
        for t in 1..=saturation {
            for (i, &g) in gamma64.iter().enumerate() {
                let z = (1.0 - g.powi(t as i32)) / (1.0 - g);
                slope_weights[t * c + i] = (1.0 / z) as f32;
            }
        }
        Self {
            n_channels: c,
            channel_width: cfg.channel_width(),
            gamma: gamma64.iter().map(|&g| g as f32).collect(),
            alpha: (0..c).map(|i| cfg.decay_rate(i) as f32).collect(),
            slope_weights,
            saturation,
            chunk_size: cfg.chunk_size,
        }
    }

    /// 1/Z_t for every channel.
    fn slope_weight_row(&self, t: usize) -> &[f32] {
        let t = t.min(self.saturation);
        &self.slope_weights[t * self.n_channels..(t + 1) * self.n_channels]
    }

    fn d_model(&self) -> usize {
        self.n_channels * self.channel_width
    }

    /// Literal mixing matrices `[C, N, N]` (f32) of one section.
    pub fn literal_matrices(&self, section: Section, n: usize, device: &Device) -> Result<Tensor> {
        let c = self.n_channels;
        let mut data = vec![0f32; c * n * n];
        for i in 0..c {
            let m = &mut data[i * n * n..(i + 1) * n * n];
            if n > 0 {
                m[0] = 1.0;
            }
            match section {
                Section::Slope => {
                    let g = f64::from(self.gamma[i]);
                    for t in 1..n {
                        // γ^(t−m) / Σ_{k=1..t} γ^k = γ^(t−m−1) / Z_t
                        let z = (1.0 - g.powi(t as i32)) / (1.0 - g);
                        for j in 0..t {
                            m[t * n + j] = (g.powi((t - j - 1) as i32) / z) as f32;
                        }
                    }
                }
                Section::Decay => {
                    let a = f64::from(self.alpha[i]);
                    for t in 1..n {
                        for j in 0..t {
                            m[t * n + j] = a.powi((t - j) as i32) as f32;
                        }
                    }
                }
            }
        }
        Ok(Tensor::from_vec(data, (c, n, n), device)?)
    }
}

/// One of the two mixing sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Normalised exponential average of strictly earlier tokens (rate γ).
    Slope,
    /// Unnormalised decayed sum of strictly earlier tokens (rate α).
    Decay,
}

/// Causal mixing of one batch row `x` `[len, D]` into `y`, starting from `state` at position
/// `pos0` and leaving the state at `pos0 + len`. The same code serves prefill and the step, so
/// the two agree bit for bit.
fn scan_row(
    rates: &Rates,
    section: Section,
    x: &[f32],
    y: &mut [f32],
    state: &mut [f32],
    pos0: usize,
) {
    let d = rates.d_model();
    let dc = rates.channel_width;
    for (t, (xt, yt)) in x.chunks_exact(d).zip(y.chunks_exact_mut(d)).enumerate() {
        let pos = pos0 + t;
        if pos == 0 {
            yt.copy_from_slice(xt);
        } else {
            yt.copy_from_slice(state);
        }
        match section {
            Section::Slope => {
                let w = rates.slope_weight_row(pos + 1);
                for (ch, &wc) in w.iter().enumerate() {
                    let range = ch * dc..(ch + 1) * dc;
                    for (s, &v) in state[range.clone()].iter_mut().zip(&xt[range]) {
                        *s += (v - *s) * wc;
                    }
                }
            }
            Section::Decay => {
                for (ch, &a) in rates.alpha.iter().enumerate() {
                    let range = ch * dc..(ch + 1) * dc;
                    for (s, &e) in state[range.clone()].iter_mut().zip(&xt[range]) {
                        *s = a * (*s + e);
                    }
                }
            }
        }
    }
}

/// Transpose of [`scan_row`] from an empty state at position 0 (the reference for the chunked
/// form's backward): grad_x_m = [m = 0]·g_0 + Σ_{t>m} K(t, m)·g_t, computed as an anti-causal recurrence.
#[cfg(test)]
fn scan_row_transposed(rates: &Rates, section: Section, g: &[f32], gx: &mut [f32]) {
    let d = rates.d_model();
    let dc = rates.channel_width;
    let n = g.len() / d;
    let mut carry = vec![0f32; d];
    for m in (0..n).rev() {
        let gm = &g[m * d..(m + 1) * d];
        let out = &mut gx[m * d..(m + 1) * d];
        out.copy_from_slice(&carry);
        if m == 0 {
            for (o, &v) in out.iter_mut().zip(gm) {
                *o += v;
            }
            break;
        }
        match section {
            Section::Slope => {
                // R_{m−1} = γ R_m + g_m / Z_m
                let w = rates.slope_weight_row(m);
                for (ch, (&gc, &wc)) in rates.gamma.iter().zip(w).enumerate() {
                    let range = ch * dc..(ch + 1) * dc;
                    for (r, &v) in carry[range.clone()].iter_mut().zip(&gm[range]) {
                        *r = gc * *r + v * wc;
                    }
                }
            }
            Section::Decay => {
                // R_{m−1} = α (R_m + g_m)
                for (ch, &a) in rates.alpha.iter().enumerate() {
                    let range = ch * dc..(ch + 1) * dc;
                    for (r, &v) in carry[range.clone()].iter_mut().zip(&gm[range]) {
                        *r = a * (*r + v);
                    }
                }
            }
        }
    }
}

/// Runs `work` on every unit, spread over up to `available_parallelism` scoped threads.
pub(crate) fn par_each<T: Send, F: Fn(T) + Sync>(units: Vec<T>, work: F) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(units.len());
    if threads <= 1 {
        units.into_iter().for_each(work);
        return;
    }
    let per_thread = units.len().div_ceil(threads);
    let mut groups: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = units.into_iter();
    loop {
        let group: Vec<T> = rest.by_ref().take(per_thread).collect();
        if group.is_empty() {
            break;
        }
        groups.push(group);
    }
    std::thread::scope(|scope| {
        for group in groups {
            let work = &work;
            scope.spawn(move || group.into_iter().for_each(work));
        }
    });
}

impl Rates {
    /// Per-channel rate r (γ for the slope, α for the decay).
    fn rate(&self, section: Section, ch: usize) -> f32 {
        match section {
            Section::Slope => self.gamma[ch],
            Section::Decay => self.alpha[ch],
        }
    }

    /// Factor turning the unnormalised accumulator A_t = Σ_{m<t} r^(t−m) x_m into the output at
    /// position t ≥ 1: 1/Σ_{k=1..t} γ^k = (1/Z_t)/γ for the slope, 1 for the decay.
    fn output_scale(&self, section: Section, t: usize, ch: usize) -> f32 {
        match section {
            Section::Slope => self.slope_weight_row(t)[ch] / self.gamma[ch],
            Section::Decay => 1.0,
        }
    }
}

/// One chunk of one sequence: input, output, per-chunk state (outgoing end or incoming carry),
/// first position.
type ScanUnit<'a, S> = (&'a [f32], &'a mut [f32], S, usize);

/// The chunked form of the causal mixing of `x` `[B, N, D]` from an empty state (training and
/// its backward). Each sequence is cut into chunks of `chunk` positions; every chunk is scanned
/// from a zero state independently (in parallel), the recurrent state is then carried across
/// chunk boundaries (A_{s+T} = r^T A_s + local end), and each chunk adds its carried-in state
/// decayed to every position. `transposed` computes the adjoint (the backward): the same scheme
/// run anti-causally.
fn chunked_mix(
    rates: &Rates,
    section: Section,
    x: &[f32],
    n: usize,
    chunk: usize,
    transposed: bool,
) -> Vec<f32> {
    let d = rates.d_model();
    let dc = rates.channel_width;
    let c = rates.n_channels;
    let mut y = vec![0f32; x.len()];
    if n == 0 || x.is_empty() {
        return y;
    }
    let chunk = chunk.max(1);
    let rows = x.len() / (n * d);
    let n_chunks = n.div_ceil(chunk);
    // Pass 1: local scans from a zero state; `ends` receives each chunk's outgoing state.
    let mut ends = vec![0f32; rows * n_chunks * d];
    {
        let units: Vec<ScanUnit<'_, &mut [f32]>> = x
            .chunks(n * d)
            .zip(y.chunks_mut(n * d))
            .zip(ends.chunks_mut(n_chunks * d))
            .flat_map(|((xr, yr), er)| {
                xr.chunks(chunk * d)
                    .zip(yr.chunks_mut(chunk * d))
                    .zip(er.chunks_mut(d))
                    .enumerate()
                    .map(|(k, ((xc, yc), ec))| (xc, yc, ec, k * chunk))
            })
            .collect();
        par_each(units, |(xc, yc, end, start)| {
            let len = xc.len() / d;
            for ch in 0..c {
                let r = rates.rate(section, ch);
                for j in ch * dc..(ch + 1) * dc {
                    let mut acc = 0f32;
                    if transposed {
                        for i in (0..len).rev() {
                            yc[i * d + j] = acc;
                            let t = start + i;
                            let h = if t == 0 {
                                0.0
                            } else {
                                xc[i * d + j] * rates.output_scale(section, t, ch)
                            };
                            acc = r * (acc + h);
                        }
                    } else {
                        for i in 0..len {
                            yc[i * d + j] = acc;
                            acc = r * (acc + xc[i * d + j]);
                        }
                    }
                    end[j] = acc;
                }
            }
        });
    }
    // Pass 2: carry the state across chunk boundaries (left to right, or right to left for the
    // adjoint); `carries` holds the state entering each chunk.
    let mut carries = vec![0f32; rows * n_chunks * d];
    let chunk_len = |k: usize| chunk.min(n - k * chunk);
    for row in 0..rows {
        let base = row * n_chunks * d;
        let mut carry = vec![0f32; d];
        let order: Vec<usize> = if transposed {
            (0..n_chunks).rev().collect()
        } else {
            (0..n_chunks).collect()
        };
        for k in order {
            carries[base + k * d..base + (k + 1) * d].copy_from_slice(&carry);
            let decay_over_chunk: Vec<f32> = (0..c)
                .map(|ch| rates.rate(section, ch).powi(chunk_len(k) as i32))
                .collect();
            for (j, value) in carry.iter_mut().enumerate() {
                *value = decay_over_chunk[j / dc] * *value + ends[base + k * d + j];
            }
        }
    }
    // Pass 3: add the decayed carried-in state and scale to the outputs.
    let units: Vec<ScanUnit<'_, &[f32]>> = x
        .chunks(n * d)
        .zip(y.chunks_mut(n * d))
        .zip(carries.chunks(n_chunks * d))
        .flat_map(|((xr, yr), cr)| {
            xr.chunks(chunk * d)
                .zip(yr.chunks_mut(chunk * d))
                .zip(cr.chunks(d))
                .enumerate()
                .map(|(k, ((xc, yc), cc))| (xc, yc, cc, k * chunk))
        })
        .collect();
    par_each(units, |(xc, yc, carry_in, start)| {
        let len = xc.len() / d;
        for ch in 0..c {
            let r = rates.rate(section, ch);
            for j in ch * dc..(ch + 1) * dc {
                let mut decay = 1f32;
                if transposed {
                    for i in (0..len).rev() {
                        let t = start + i;
                        yc[i * d + j] += decay * carry_in[j];
                        if t == 0 {
                            yc[j] += xc[j];
                        }
                        decay *= r;
                    }
                } else {
                    for i in 0..len {
                        let t = start + i;
                        yc[i * d + j] = if t == 0 {
                            xc[j]
                        } else {
                            (yc[i * d + j] + decay * carry_in[j])
                                * rates.output_scale(section, t, ch)
                        };
                        decay *= r;
                    }
                }
            }
        }
    });
    y
}

fn contiguous_f32<'a>(
    op: &'static str,
    storage: &'a CpuStorage,
    layout: &Layout,
) -> candle_core::Result<&'a [f32]> {
    let data = match storage {
        CpuStorage::F32(v) => v.as_slice(),
        other => {
            return Err(candle_core::Error::Msg(format!(
                "{op}: expected f32, got {:?}",
                candle_core::backend::BackendStorage::dtype(other)
            )));
        }
    };
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => Err(candle_core::Error::RequiresContiguous { op }),
    }
}

/// The chunked (O(N)) causal mixing of `[B, N, D]` from an empty state, as a custom op.
struct ChunkedMix {
    rates: Arc<Rates>,
    section: Section,
    transposed: bool,
}

impl CustomOp1 for ChunkedMix {
    fn name(&self) -> &'static str {
        if self.transposed {
            "mcsd-chunked-mix-transposed"
        } else {
            "mcsd-chunked-mix"
        }
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (_, n, d) = layout.shape().dims3()?;
        if d != self.rates.d_model() {
            return Err(candle_core::Error::Msg(format!(
                "{}: last dim {d} != d_model {}",
                self.name(),
                self.rates.d_model()
            )));
        }
        let x = contiguous_f32(self.name(), storage, layout)?;
        let y = chunked_mix(
            &self.rates,
            self.section,
            x,
            n,
            self.rates.chunk_size,
            self.transposed,
        );
        Ok((CpuStorage::F32(y), layout.shape().clone()))
    }

    fn bwd(
        &self,
        _arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let op = ChunkedMix {
            rates: self.rates.clone(),
            section: self.section,
            transposed: !self.transposed,
        };
        Ok(Some(grad_res.contiguous()?.apply_op1(op)?))
    }
}

/// Chunked-form mixing of `x` `[B, N, D]` (differentiable; no gradient for the fixed mixing).
pub fn mix_chunked(rates: &Arc<Rates>, section: Section, x: &Tensor) -> Result<Tensor> {
    let op = ChunkedMix {
        rates: rates.clone(),
        section,
        transposed: false,
    };
    Ok(x.contiguous()?.apply_op1(op)?)
}

/// Literal-form mixing of `x` `[B, N, D]` with `matrices` `[C, N, N]`: the batch is folded into
/// the columns, (C, N, N) @ (C, N, B·Dc).
pub fn mix_literal(x: &Tensor, matrices: &Tensor) -> Result<Tensor> {
    let (b, n, d) = x.dims3()?;
    let c = matrices.dim(0)?;
    let dc = d / c;
    let cols = x
        .reshape((b, n, c, dc))?
        .permute((2, 1, 0, 3))?
        .contiguous()?
        .reshape((c, n, b * dc))?;
    let mixed = matrices.matmul(&cols)?;
    Ok(mixed
        .reshape((c, n, b, dc))?
        .permute((2, 1, 0, 3))?
        .contiguous()?
        .reshape((b, n, d))?)
}

/// Differentiable RMSNorm over the last dimension with gain `weight` (candle's fused
/// `ops::rms_norm` has no backward; this one is a fused kernel with its own backward).
pub fn rms_norm_diff(x: &Tensor, weight: &Tensor, eps: f64) -> Result<Tensor> {
    crate::model::fused::rms_norm(x, weight, eps)
}

/// The mixer's input projections.
#[derive(Debug, Clone)]
pub enum InProj {
    /// `[4D, D]` (U, V, F, E stacked), applied as x·Wᵀ.
    Full(Tensor),
    /// `[C, Dc, 4·Dc]` per channel, applied as x_c·W_c; output per channel ordered U, V, F, E.
    PerChannel(Tensor),
}

/// Weights of one token mixer. Keys: `in_proj.weight`, `decay_norm.weight`, `out_proj.weight`.
#[derive(Debug, Clone)]
pub struct Mixer {
    pub(crate) in_proj: InProj,
    pub(crate) decay_gain: Tensor,
    pub(crate) out_proj: Option<Tensor>,
    pub(crate) fusion: Fusion,
    pub(crate) rates: Arc<Rates>,
    pub(crate) eps: f64,
}

impl Mixer {
    /// Builds the mixer's weights under `vb`.
    pub fn new(cfg: &Config, rates: Arc<Rates>, vb: VarBuilder) -> Result<Self> {
        let d = cfg.d_model;
        let c = cfg.n_channels;
        let dc = cfg.channel_width();
        let in_proj = match cfg.projection {
            Projection::Full => {
                let bound = 1.0 / (d as f64).sqrt();
                InProj::Full(vb.pp("in_proj").get_with_hints(
                    (4 * d, d),
                    "weight",
                    candle_nn::Init::Uniform {
                        lo: -bound,
                        up: bound,
                    },
                )?)
            }
            Projection::PerChannel => {
                let bound = 1.0 / (dc as f64).sqrt();
                InProj::PerChannel(vb.pp("in_proj").get_with_hints(
                    (c, dc, 4 * dc),
                    "weight",
                    candle_nn::Init::Uniform {
                        lo: -bound,
                        up: bound,
                    },
                )?)
            }
        };
        let decay_gain =
            vb.pp("decay_norm")
                .get_with_hints(d, "weight", candle_nn::Init::Const(1.0))?;
        let out_proj = if cfg.has_mixer_out_proj() {
            let fan_in = if cfg.fusion == Fusion::ConcatProj {
                2 * d
            } else {
                d
            };
            let bound = 1.0 / (fan_in as f64).sqrt();
            Some(vb.pp("out_proj").get_with_hints(
                (d, fan_in),
                "weight",
                candle_nn::Init::Uniform {
                    lo: -bound,
                    up: bound,
                },
            )?)
        } else {
            None
        };
        Ok(Self {
            in_proj,
            decay_gain,
            out_proj,
            fusion: cfg.fusion,
            rates,
            eps: cfg.rms_eps,
        })
    }

    /// x `[R, D]` (rows = batch × positions) -> U, V, F, E, each `[R, D]` contiguous.
    fn project(&self, x: &Tensor) -> Result<[Tensor; 4]> {
        let (rows, d) = x.dims2()?;
        let part = |k: usize| -> Result<Tensor> {
            match &self.in_proj {
                InProj::Full(w) => Ok(x.matmul(&w.narrow(0, k * d, d)?.t()?)?),
                InProj::PerChannel(w) => {
                    let (c, dc, _) = w.dims3()?;
                    let xc = x.reshape((rows, c, dc))?.transpose(0, 1)?.contiguous()?;
                    let y = xc.matmul(&w.narrow(2, k * dc, dc)?)?; // [C, R, Dc]
                    Ok(y.transpose(0, 1)?.contiguous()?.reshape((rows, d))?)
                }
            }
        };
        Ok([part(0)?, part(1)?, part(2)?, part(3)?])
    }

    /// Differentiable mixer of `x` `[B·N, D]` (rows of `batch` sequences) from an empty state.
    /// `literal` holds the `[C, N, N]` slope and decay matrices for the literal form; `None`
    /// selects the chunked form.
    pub(crate) fn forward_train(
        &self,
        x: &Tensor,
        batch: usize,
        literal: Option<&(Tensor, Tensor)>,
    ) -> Result<Tensor> {
        let (rows, d) = x.dims2()?;
        let n = rows / batch;
        let [u, v, f, e] = self.project(x)?;
        let v = v.reshape((batch, n, d))?;
        let e = e.reshape((batch, n, d))?;
        let (v_mixed, e_mixed) = match literal {
            Some((slope, decay)) => (mix_literal(&v, slope)?, mix_literal(&e, decay)?),
            None => (
                mix_chunked(&self.rates, Section::Slope, &v)?,
                mix_chunked(&self.rates, Section::Decay, &e)?,
            ),
        };
        let c = self.rates.n_channels;
        let dc = self.rates.channel_width;
        let theta_s = (u * candle_nn::ops::silu(&v_mixed.reshape((rows, d))?)?)?;
        let ones = Tensor::ones(dc, DType::F32, x.device())?;
        let e_norm = rms_norm_diff(&e_mixed.reshape((rows, c, dc))?, &ones, self.eps)?
            .reshape((rows, d))?
            .broadcast_mul(&self.decay_gain)?;
        let theta_d = (candle_nn::ops::sigmoid(&f)? * e_norm)?;
        self.fuse(theta_s, theta_d)
    }

    fn fuse(&self, theta_s: Tensor, theta_d: Tensor) -> Result<Tensor> {
        let fused = match self.fusion {
            Fusion::Sum => (theta_s + theta_d)?,
            Fusion::ConcatProj => Tensor::cat(&[theta_s, theta_d], D::Minus1)?,
        };
        match &self.out_proj {
            Some(w) => Ok(fused.matmul(&w.t()?)?),
            None => Ok(fused),
        }
    }
}

/// Recurrent mixing for inference: `proj` holds U, V, F, E as `[B, L, 4, D]` row-major (from
/// the input projection), `state` is advanced from position `pos0` by L tokens. Returns Θ as
/// `[B, L, D]` (sum fusion) or `[B, L, 2D]` (concat: Θ_s then Θ_d), before any output projection.
#[allow(clippy::too_many_arguments)] // the step's inputs: all needed, no natural grouping
pub fn mix_sequence(
    rates: &Rates,
    proj: &[f32],
    batch: usize,
    state: &mut LayerState,
    pos0: usize,
    decay_gain: &[f32],
    eps: f32,
    fusion: Fusion,
) -> Result<Vec<f32>> {
    let d = rates.d_model();
    let dc = rates.channel_width;
    if batch == 0 || !proj.len().is_multiple_of(batch * 4 * d) || state.slope.len() != batch * d {
        return Err(Error::Input {
            what: "mix_sequence",
            reason: format!(
                "projection of {} floats / state of {} floats do not fit batch {batch}, d_model {d}",
                proj.len(),
                state.slope.len()
            ),
        });
    }
    let len = proj.len() / (batch * 4 * d);
    let out_width = match fusion {
        Fusion::Sum => d,
        Fusion::ConcatProj => 2 * d,
    };
    let mut out = vec![0f32; batch * len * out_width];
    let mut v = vec![0f32; len * d];
    let mut e = vec![0f32; len * d];
    let mut v_mixed = vec![0f32; len * d];
    let mut e_mixed = vec![0f32; len * d];
    for b in 0..batch {
        let rows = &proj[b * len * 4 * d..(b + 1) * len * 4 * d];
        for t in 0..len {
            v[t * d..(t + 1) * d].copy_from_slice(&rows[(t * 4 + 1) * d..(t * 4 + 2) * d]);
            e[t * d..(t + 1) * d].copy_from_slice(&rows[(t * 4 + 3) * d..(t * 4 + 4) * d]);
        }
        let slope_state = &mut state.slope[b * d..(b + 1) * d];
        scan_row(rates, Section::Slope, &v, &mut v_mixed, slope_state, pos0);
        let decay_state = &mut state.decay[b * d..(b + 1) * d];
        scan_row(rates, Section::Decay, &e, &mut e_mixed, decay_state, pos0);
        for t in 0..len {
            let u = &rows[t * 4 * d..(t * 4 + 1) * d];
            let f = &rows[(t * 4 + 2) * d..(t * 4 + 3) * d];
            let vm = &v_mixed[t * d..(t + 1) * d];
            let em = &e_mixed[t * d..(t + 1) * d];
            let o = &mut out[(b * len + t) * out_width..(b * len + t + 1) * out_width];
            let (os, od) = match fusion {
                Fusion::Sum => (0, 0),
                Fusion::ConcatProj => (0, d),
            };
            for ch in 0..rates.n_channels {
                let r = ch * dc..(ch + 1) * dc;
                let mean_sq = em[r.clone()].iter().map(|x| x * x).sum::<f32>() / dc as f32;
                let inv_rms = 1.0 / (mean_sq + eps).sqrt();
                for j in r {
                    let slope = u[j] * silu(vm[j]);
                    let decay = sigmoid(f[j]) * em[j] * inv_rms * decay_gain[j];
                    if os == od {
                        o[j] = slope + decay;
                    } else {
                        o[os + j] = slope;
                        o[od + j] = decay;
                    }
                }
            }
        }
    }
    Ok(out)
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn silu(x: f32) -> f32 {
    x * sigmoid(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_normaliser_saturates_to_one_minus_gamma() {
        let cfg = Config::tiny(8);
        let rates = Rates::new(&cfg);
        let last = rates.slope_weight_row(rates.saturation);
        for (ch, &w) in last.iter().enumerate() {
            assert_eq!(w, (1.0 - cfg.slope_rate(ch)) as f32, "channel {ch}");
        }
        assert_eq!(
            rates.slope_weight_row(1),
            vec![1.0; cfg.n_channels].as_slice()
        );
    }

    #[test]
    fn transposed_scan_is_the_adjoint() {
        // <scan(x), g> == <x, scanᵀ(g)> for random vectors.
        let cfg = Config::tiny(8);
        let rates = Rates::new(&cfg);
        let d = cfg.d_model;
        let n = 13;
        let x: Vec<f32> = (0..n * d)
            .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
            .collect();
        let g: Vec<f32> = (0..n * d)
            .map(|i| ((i * 53 % 97) as f32 / 48.0) - 1.0)
            .collect();
        for section in [Section::Slope, Section::Decay] {
            let mut y = vec![0f32; n * d];
            scan_row(&rates, section, &x, &mut y, &mut vec![0f32; d], 0);
            let mut gx = vec![0f32; n * d];
            scan_row_transposed(&rates, section, &g, &mut gx);
            let lhs: f64 = y.iter().zip(&g).map(|(a, b)| f64::from(a * b)).sum();
            let rhs: f64 = x.iter().zip(&gx).map(|(a, b)| f64::from(a * b)).sum();
            assert!(
                (lhs - rhs).abs() < 1e-3 * lhs.abs().max(1.0),
                "{section:?}: {lhs} vs {rhs}"
            );
        }
    }

    #[test]
    fn chunked_mix_equals_the_sequential_scan_for_any_chunk_length() {
        let cfg = Config::tiny(8);
        let rates = Rates::new(&cfg);
        let d = cfg.d_model;
        for n in [1usize, 7, 13, 40] {
            let rows = 2;
            let x: Vec<f32> = (0..rows * n * d)
                .map(|i| ((i * 29 % 89) as f32 / 44.0) - 1.0)
                .collect();
            for section in [Section::Slope, Section::Decay] {
                let mut expected = vec![0f32; x.len()];
                let mut expected_t = vec![0f32; x.len()];
                for r in 0..rows {
                    let span = r * n * d..(r + 1) * n * d;
                    let mut state = vec![0f32; d];
                    scan_row(
                        &rates,
                        section,
                        &x[span.clone()],
                        &mut expected[span.clone()],
                        &mut state,
                        0,
                    );
                    scan_row_transposed(&rates, section, &x[span.clone()], &mut expected_t[span]);
                }
                for chunk in [1usize, 3, 8, 64] {
                    for (transposed, want) in [(false, &expected), (true, &expected_t)] {
                        let got = chunked_mix(&rates, section, &x, n, chunk, transposed);
                        let worst = got
                            .iter()
                            .zip(want.iter())
                            .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
                            .fold(0f32, f32::max);
                        assert!(
                            worst < 1e-5,
                            "{section:?} n {n} chunk {chunk} transposed {transposed}: {worst}"
                        );
                    }
                }
            }
        }
    }
}
