//! Linear bound propagation (CROWN, Zhang et al. 2018; DeepPoly, Singh et al. 2019): every
//! layer's pre-activation bounds without a solver, sound for the exact real function.
//!
//! Layer by layer: a neuron's pre-activation `z = w·h + b` (h: the previous layer's outputs) is
//! bounded above by replacing each `h_m = σ(z_m)` by a line `s z_m + t` above it (where the
//! coefficient is positive) or below it (where it is negative), then each `z_m` by its affine
//! function of the layer before, down to the input `x`, where `Λ·x + c` is maximized over the box
//! (the lower bound is the upper bound of `-z`). The lines come from the earlier layers' bounds
//! (already CROWN, intersected with interval arithmetic): a stable neuron is exact (identity or
//! constant); an unstable one gets, for each side, a slope `s` out of {0, 1, chord} (the one
//! enclosing the least area between line and function over `[l, u]`) and the intercept
//! `max` (upper) / `min` (lower) over the breakpoints and ends `p` in `{l, 0, c, u} ∩ [l, u]` of
//! `σ(p) - s p`, which is sound for any slope because `σ(z) - s z` is piecewise linear with
//! its kinks among those points. For a ReLU this is CROWN-Ada: the chord `u/(u-l) (z - l)`
//! above, slope 1 below if `u > -l`, else 0. Every result is intersected with interval
//! arithmetic over the earlier layers' bounds (both are sound); the first layer is affine in
//! the box, so there the two coincide.
//!
//! Rounding. The bounds hold for the exact real function over the box, not only up to rounding:
//! with `u = 2^-53` the unit roundoff, a floating-point sum of `n` terms that are products
//! differs from the exact sum of the exact products by at most `γ_n Σ|terms|`,
//! `γ_n = n u / (1 - n u)`, and a product that underflows is off by at most `2^-1075` in
//! absolute terms. Every step therefore adds an allowance, with [`U2`] = 2.3e-16 > 2u:
//! - back-substitution keeps the invariant `target <= Λ·v + c + slack` for the exact values `v`
//!   of the current layer (floating-point `Λ`, `c`; `|v_m| <= mag_m` from the earlier bounds):
//!   - a relaxed coefficient `λ s` rounded to `μ` moves the bound by `|λ s - μ| |z_m| <= u |μ| mag_m`
//!     (exact for `s` in {0, 1}): slack `+= U2 |μ| mag_m` (and `1e-321 mag_m` for underflow);
//!   - the product `Λ' = μ W` has entries that are sums of `n` products, each off by at most
//!     `γ_n Σ_m |μ_m W_mp|`, which moves `Λ'·h` by at most `γ_n Σ_m |μ_m| R_m` with
//!     `R_m = Σ_p |W_mp| mag(h_p)`: slack `+= (n + 2) U2 Σ_m |μ_m| R_m`, plus, for underflow,
//!     `n 1e-321 Σ_p mag(h_p)` and [`TINY`];
//!   - a relaxation's intercept is `σ(p) - s p` rounded outward by `2 U2 (|σ(p)| + |s p|) + TINY`;
//! - the constant `c` and the concretization `c + Σ_p λ_p x_p` are one running sum of `N` terms
//!   (biases and intercepts times coefficients, then the box terms) with absolute values adding
//!   up to `T`: margin `(N + 2) U2 T + TINY`;
//! - interval arithmetic, the same per side, with [`TINY`] only where a product of nonzero
//!   factors underflowed (otherwise a side of exact zeros is exact: `relu(x)` on `[0, 1]` stays
//!   stable).
//!
//! Every allowance is at least twice the error it covers, so the rounding of computing the
//! allowances themselves and of adding them to the bound (relative errors of at most `(N + 3) u`,
//! far below 1/2) cannot eat it; the "+ 2" in `N + 2` covers the two additions that put the
//! bound together. [`TINY`] (1e-300) covers underflow in sums of up to 1e20 terms. A bound that
//! overflows becomes infinite (or NaN, which the intersection with interval arithmetic drops):
//! never wrong. This follows `hygiene.rs`: over-estimate the error, by a factor, and say why.
//! The input box itself is taken as exact (the caller's scaled units).

use crate::{Activation, Network, NeuronState};

/// Twice the unit roundoff, with room to spare: the relative allowance per rounding.
const U2: f64 = 2.3e-16;
/// Absolute allowance per bound for underflow (and for sums far below the normal range).
const TINY: f64 = 1e-300;
/// At least the absolute error of a product that underflows (2^-1075 ≈ 2.5e-324).
const ETA: f64 = 1e-321;

/// The allowance for a floating-point sum of `n` products whose absolute values add up to `t`
/// (underflow aside).
fn margin(n: usize, t: f64) -> f64 {
    (n as f64 + 2.0) * U2 * t
}

/// The line `s z + t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Line {
    pub(crate) s: f64,
    pub(crate) t: f64,
}

/// Lines below and above `act` on `[l, u]`, sound for the exact activation there.
fn relax(act: Activation, (l, u): (f64, f64)) -> (Line, Line) {
    const ID: Line = Line { s: 1.0, t: 0.0 };
    match act.state((l, u)) {
        None | Some(NeuronState::Active) => (ID, ID),
        Some(NeuronState::Inactive) => {
            // u <= 0 (value 0) or, clipped, l >= c (value c): the constant act(u)
            let k = Line {
                s: 0.0,
                t: act.apply(u),
            };
            (k, k)
        }
        Some(NeuronState::Unstable) => {
            let points = kinks(act, (l, u));
            // σ(p) - s p, each rounded outward: (down, up)
            let gap = |s: f64, p: f64| {
                let (f, sp) = (act.apply(p), s * p);
                let v = f - sp;
                let e = 2.0 * U2 * (f.abs() + sp.abs()) + TINY;
                (v - e, v + e)
            };
            let lower = |s: f64| below_line(act, &points, s);
            let upper = |s: f64| Line {
                s,
                t: points
                    .iter()
                    .map(|p| gap(s, *p).1)
                    .fold(f64::NEG_INFINITY, f64::max),
            };
            let chord = (act.apply(u) - act.apply(l)) / (u - l);
            // the line's value at the midpoint: the area between line and function is
            // (u - l) |mid value - mean of σ|, so the best line is the highest below, lowest above
            let mid = 0.5 * l + 0.5 * u;
            let at_mid = |line: Line| line.s * mid + line.t;
            let mut lo = lower(0.0);
            let mut hi = upper(chord);
            for s in [0.0, 1.0, chord] {
                let (a, b) = (lower(s), upper(s));
                if at_mid(a) > at_mid(lo) {
                    lo = a;
                }
                if at_mid(b) < at_mid(hi) {
                    hi = b;
                }
            }
            (lo, hi)
        }
    }
}

/// The kinks and ends of `act` on `[l, u]`: `{l, 0, c, u} ∩ [l, u]` (`c` the clip, 0 without),
/// without an allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Kinks {
    points: [f64; 4],
    len: usize,
}

impl std::ops::Deref for Kinks {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.points[..self.len]
    }
}

pub(crate) fn kinks(act: Activation, (l, u): (f64, f64)) -> Kinks {
    let c = match act {
        Activation::ClippedRelu(c) => c,
        _ => 0.0,
    };
    let mut k = Kinks::default();
    for p in [l, 0.0, c, u] {
        if p >= l && p <= u {
            k.points[k.len] = p;
            k.len += 1;
        }
    }
    k
}

/// The line of slope `s` below `act` over the interval whose [`kinks`] are `points`: any
/// slope is sound, its intercept being the least of `σ(p) - s p` over the kinks, each rounded
/// down.
pub(crate) fn below_line(act: Activation, points: &[f64], s: f64) -> Line {
    let t = points
        .iter()
        .map(|p| {
            let (f, sp) = (act.apply(*p), s * p);
            (f - sp) - (2.0 * U2 * (f.abs() + sp.abs()) + TINY)
        })
        .fold(f64::INFINITY, f64::min);
    Line { s, t }
}

/// What back-substitution needs of one earlier layer.
pub(crate) struct Earlier {
    /// (below, above) per neuron
    pub(crate) lines: Vec<(Line, Line)>,
    /// max |z_m| over the layer's bounds
    mag_z: Vec<f64>,
    /// `R_m = Σ_p |W_mp| mag(h_p)` over the layer's inputs
    row_mag: Vec<f64>,
    /// `Σ_p mag(h_p)` of the layer's inputs
    in_mag: f64,
}

/// Upper bound of `w·h + b`, `h` the outputs of layer `earlier.len() - 1` (the input `x` when
/// there is none), for every input in the box `lo..hi`.
pub(crate) fn upper(
    net: &Network,
    earlier: &[Earlier],
    w: &[f64],
    b: f64,
    lo: &[f64],
    hi: &[f64],
) -> f64 {
    let mut lam = w.to_vec();
    // the running constant: its value, the number of terms and their absolute sum
    let (mut c, mut n_c, mut abs_c) = (b, 1usize, b.abs());
    let mut slack = 0.0;
    for (i, e) in earlier.iter().enumerate().rev() {
        // h_i = σ(z_i): through the lines, to coefficients on z_i
        let mut mu = vec![0.0; lam.len()];
        for (m, lm) in lam.iter().enumerate() {
            if *lm == 0.0 {
                continue;
            }
            let (below, above) = e.lines[m];
            let line = if *lm > 0.0 { above } else { below };
            mu[m] = lm * line.s;
            if line.s != 0.0 && line.s != 1.0 {
                slack += U2 * mu[m].abs() * e.mag_z[m] + ETA * e.mag_z[m];
            }
            if line.t != 0.0 {
                let term = lm * line.t;
                c += term;
                n_c += 1;
                abs_c += term.abs();
            }
        }
        // z_i = W_i h_{i-1} + b_i: to coefficients on h_{i-1}
        let layer = &net.layers[i];
        let n_in = layer.weights.first().map_or(0, Vec::len);
        let mut next = vec![0.0; n_in];
        let mut err = 0.0;
        let mut used = 0usize;
        for ((a, row), (bm, rm)) in mu
            .iter()
            .zip(&layer.weights)
            .zip(layer.bias.iter().zip(&e.row_mag))
        {
            if *a == 0.0 {
                continue;
            }
            used += 1;
            for (x, wv) in next.iter_mut().zip(row) {
                *x += a * wv;
            }
            let term = a * bm;
            c += term;
            n_c += 1;
            abs_c += term.abs();
            err += a.abs() * rm;
        }
        slack += (used as f64 + 2.0) * U2 * err + used as f64 * ETA * e.in_mag + TINY;
        lam = next;
    }
    // concretize over the box: one sum with the constant
    let mut v = c;
    let (mut n, mut t) = (n_c, abs_c);
    for (lp, (p, q)) in lam.iter().zip(lo.iter().zip(hi)) {
        if *lp == 0.0 {
            continue;
        }
        let term = lp * if *lp > 0.0 { q } else { p };
        v += term;
        n += 1;
        t += term.abs();
    }
    let bound = v + (margin(n, t) + TINY + slack);
    if bound.is_nan() {
        f64::INFINITY
    } else {
        bound
    }
}

/// Interval arithmetic for layer `k` from bounds on its inputs, widened outward for rounding:
/// each side is a sum of `n + 1` products, margin `(n + 3) U2 T`, plus [`TINY`] only where a
/// product of nonzero factors underflowed (without underflow, a side whose terms are all
/// exactly 0 is exact, so a neuron with a bound of exactly 0 keeps its stability).
fn interval_layer(net: &Network, k: usize, prev: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let l = &net.layers[k];
    let underflow = |w: f64, x: f64, wx: f64| w != 0.0 && x != 0.0 && wx.abs() < f64::MIN_POSITIVE;
    l.weights
        .iter()
        .zip(&l.bias)
        .map(|(row, b)| {
            let (mut s, mut t) = (*b, *b);
            let (mut abs_s, mut abs_t) = (b.abs(), b.abs());
            let (mut tiny_s, mut tiny_t) = (false, false);
            for (w, (p, q)) in row.iter().zip(prev) {
                let (x, y) = if *w >= 0.0 { (*p, *q) } else { (*q, *p) };
                let (a, c) = (w * x, w * y);
                s += a;
                t += c;
                abs_s += a.abs();
                abs_t += c.abs();
                tiny_s |= underflow(*w, x, a);
                tiny_t |= underflow(*w, y, c);
            }
            let n = row.len() + 1;
            let tiny = |yes: bool| if yes { TINY } else { 0.0 };
            let (s, t) = (
                s - (margin(n, abs_s) + tiny(tiny_s)),
                t + (margin(n, abs_t) + tiny(tiny_t)),
            );
            (
                if s.is_nan() { f64::NEG_INFINITY } else { s },
                if t.is_nan() { f64::INFINITY } else { t },
            )
        })
        .collect()
}

fn post(act: Activation, (l, u): (f64, f64)) -> (f64, f64) {
    (act.apply(l), act.apply(u))
}

/// CROWN pre-activation bounds of layer `pre.len()` of `net` over the input box `lo..hi`
/// (scaled units), given valid bounds `pre` of every earlier layer (CROWN's own, or tighter
/// ones from bound tightening): intersected with interval arithmetic over `pre`, and as sound as
/// `pre` is.
pub(crate) fn crown_layer(
    net: &Network,
    lo: &[f64],
    hi: &[f64],
    pre: &[Vec<(f64, f64)>],
) -> Vec<(f64, f64)> {
    let input: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let earlier = earlier_of(net, &input, pre);
    crown_layer_where(net, (lo, hi), pre, &earlier, &|_, _| true)
}

/// [`crown_layer`] for the neurons `wanted` picks (by index and interval bounds); the others
/// get interval arithmetic only. `earlier`: the relaxations of the layers of `pre`
/// ([`earlier_of`]).
fn crown_layer_where(
    net: &Network,
    (lo, hi): (&[f64], &[f64]),
    pre: &[Vec<(f64, f64)>],
    earlier: &[Earlier],
    wanted: &dyn Fn(usize, (f64, f64)) -> bool,
) -> Vec<(f64, f64)> {
    let k = pre.len();
    let prev: Vec<(f64, f64)> = match k {
        0 => lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect(),
        _ => pre[k - 1]
            .iter()
            .map(|b| post(net.layers[k - 1].activation, *b))
            .collect(),
    };
    let ia = interval_layer(net, k, &prev);
    if k == 0 {
        // affine in the box: interval arithmetic is exact (up to its rounding margin)
        return ia;
    }
    let layer = &net.layers[k];
    let mut neg = Vec::new();
    layer
        .weights
        .iter()
        .zip(&layer.bias)
        .zip(ia)
        .enumerate()
        .map(|(j, ((row, b), (il, iu)))| {
            if !wanted(j, (il, iu)) {
                return (il, iu);
            }
            let u = upper(net, earlier, row, *b, lo, hi);
            neg.clear();
            neg.extend(row.iter().map(|w| -w));
            let l = -upper(net, earlier, &neg, -b, lo, hi);
            let (l, u) = (l.max(il), u.min(iu));
            // both are sound, so they meet; should rounding say otherwise, keep interval arithmetic
            if l <= u {
                (l, u)
            } else {
                (il, iu)
            }
        })
        .collect()
}

/// The relaxations of the layers with bounds `pre` (all of them, or the first few).
pub(crate) fn earlier_of(
    net: &Network,
    input: &[(f64, f64)],
    pre: &[Vec<(f64, f64)>],
) -> Vec<Earlier> {
    (0..pre.len())
        .map(|i| earlier_layer(net, input, pre, i))
        .collect()
}

/// The relaxation of layer `i` of `pre` (one entry of [`earlier_of`]).
fn earlier_layer(
    net: &Network,
    input: &[(f64, f64)],
    pre: &[Vec<(f64, f64)>],
    i: usize,
) -> Earlier {
    let mag = |(l, u): (f64, f64)| l.abs().max(u.abs());
    let act = net.layers[i].activation;
    let h_in: Vec<f64> = match i {
        0 => input.iter().map(|b| mag(*b)).collect(),
        _ => pre[i - 1]
            .iter()
            .map(|b| mag(post(net.layers[i - 1].activation, *b)))
            .collect(),
    };
    let b = &pre[i];
    Earlier {
        lines: b.iter().map(|lu| relax(act, *lu)).collect(),
        mag_z: b.iter().map(|lu| mag(*lu)).collect(),
        row_mag: net.layers[i]
            .weights
            .iter()
            .map(|row| row.iter().zip(&h_in).map(|(w, m)| w.abs() * m).sum())
            .collect(),
        in_mag: h_in.iter().sum(),
    }
}

/// Bounds `(min, max)` of `c·y + d` over the input box `lo..hi` (scaled units), `y` the
/// network's outputs before output scaling, given valid bounds `pre` of every layer (e.g. those
/// of [`crown_bounds_within`]): CROWN back-substitution of the whole linear function, which is
/// tighter than adding the outputs' bounds; intersected with that interval sum. Sound like
/// [`crown_bounds`].
pub fn crown_linear(
    net: &Network,
    lo: &[f64],
    hi: &[f64],
    pre: &[Vec<(f64, f64)>],
    c: &[f64],
    d: f64,
) -> (f64, f64) {
    let n = net.layers.len();
    let Some(last) = pre.get(n.wrapping_sub(1)).filter(|_| pre.len() == n) else {
        return (f64::NEG_INFINITY, f64::INFINITY);
    };
    let input: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let earlier = earlier_of(net, &input, pre);
    let u = upper(net, &earlier, c, d, lo, hi);
    let neg: Vec<f64> = c.iter().map(|v| -v).collect();
    let l = -upper(net, &earlier, &neg, -d, lo, hi);
    // the interval sum over the outputs (the last layer's activation applied to its bounds),
    // widened like every sum here
    let act = net.layers[n - 1].activation;
    let (mut il, mut iu, mut t) = (d, d, d.abs());
    for (cj, (p, q)) in c.iter().zip(last.iter().map(|b| post(act, *b))) {
        let (a, b) = (cj * p, cj * q);
        il += a.min(b);
        iu += a.max(b);
        t += a.abs().max(b.abs());
    }
    let m = margin(c.len() + 1, t) + TINY;
    let (il, iu) = (il - m, iu + m);
    let (l, u) = (
        if l.is_nan() { il } else { l.max(il) },
        if u.is_nan() { iu } else { u.min(iu) },
    );
    if l <= u {
        (l, u)
    } else {
        (il, iu)
    }
}

/// CROWN pre-activation bounds `[l, u]` of every neuron, layer by layer (the last included),
/// for an input box in the network's scaled units: the shape and meaning of
/// [`Network::interval_bounds`], never looser than it beyond its rounding margin, and sound
/// for the exact real function.
pub fn crown_bounds(net: &Network, lo: &[f64], hi: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut pre = Vec::with_capacity(net.layers.len());
    for _ in 0..net.layers.len() {
        let b = crown_layer(net, lo, hi, &pre);
        pre.push(b);
    }
    pre
}

/// [`crown_bounds`] over a cell of a box whose bounds `prior` are known: each layer is
/// intersected with `prior` (valid in every cell) before the next layer uses it, so the cell's
/// bounds are never looser than the box's. A hidden neuron that `prior` or interval arithmetic
/// in the cell already proves stable gets interval arithmetic only (intersected with `prior`
/// like the rest): its relaxation is exact whatever its bounds, so CROWN's would mostly narrow
/// its own range. Skipping it is a trade of tightness for time, never of soundness: its looser
/// range can still reach later layers through the interval terms and rounding allowances of
/// their bounds.
pub fn crown_bounds_within(
    net: &Network,
    lo: &[f64],
    hi: &[f64],
    prior: &[Vec<(f64, f64)>],
) -> Vec<Vec<(f64, f64)>> {
    let mut pre: Vec<Vec<(f64, f64)>> = Vec::with_capacity(net.layers.len());
    let mut earlier: Vec<Earlier> = Vec::with_capacity(net.layers.len());
    let input: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let last = net.layers.len().saturating_sub(1);
    for k in 0..net.layers.len() {
        let act = net.layers[k].activation;
        let stable = |lu: (f64, f64)| {
            matches!(
                act.state(lu),
                Some(NeuronState::Active | NeuronState::Inactive)
            )
        };
        let unstable = |j: usize, ia: (f64, f64)| {
            k == last
                || (!stable(ia)
                    && prior
                        .get(k)
                        .and_then(|p| p.get(j))
                        .is_none_or(|lu| !stable(*lu)))
        };
        let mut b = crown_layer_where(net, (lo, hi), &pre, &earlier, &unstable);
        if let Some(whole) = prior.get(k) {
            for ((l, u), (p, q)) in b.iter_mut().zip(whole) {
                // both are valid in the cell; keep the cell's should rounding make them cross
                if l.max(*p) <= u.min(*q) {
                    (*l, *u) = (l.max(*p), u.min(*q));
                }
            }
        }
        pre.push(b);
        if k < last {
            earlier.push(earlier_layer(net, &input, &pre, k));
        }
    }
    pre
}

#[cfg(test)]
#[path = "crown_tests.rs"]
pub(crate) mod tests;
