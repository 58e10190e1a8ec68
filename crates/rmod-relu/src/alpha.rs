//! Optimized lower slopes (alpha-CROWN, Xu et al. 2021): CROWN's bound of a linear function of
//! a network's outputs over a box, with the slopes of the lines below unstable neurons chosen
//! by projected gradient steps instead of by area.
//!
//! Any slope gives a sound line below the activation (its intercept is the least gap over the
//! kinks, `crown::below_line`), so any slopes give a sound bound. The search runs in plain
//! floating point; the bound returned is the rounding-safe back-substitution of `crown.rs` with
//! the best slopes found, never looser than CROWN's own (the two are intersected).
//!
//! The gradient. Back-substitution of `target = w·h + b` gives, per earlier layer `i`, the
//! coefficients `λ_i` on its outputs and `μ_i = λ_i ∘ s_i` on its pre-activations (`s_i` the
//! slopes of the lines chosen by the sign of `λ_i`), and the bound `U = const + Λ·x*` at the box
//! corner `x*` that maximizes `Λ·x`. With the chosen lines fixed, `dU/dμ_i = W_i g_{i-1} + b_i =:
//! p_i` where `g_{-1} = x*` and `g_i = s_i p_i + t_i`: a forward pass of `x*` through the
//! lines. A slope `α` of a line below (used where `λ < 0`) enters as `μ = λ α` and as the
//! intercept term `λ t(α)`, `t(α) = min_k σ(k) - α k` with derivative `-k*` (the kink where the
//! minimum is), so `dU/dα = λ (p - k*)`.

use crate::crown::{below_line, earlier_of, kinks, upper, Earlier, Kinks, Line};
use crate::{Activation, Network, NeuronState};

/// Adam's first step size on the slopes (which live in `[0, 1]`), from CROWN's slopes and from
/// given ones, and its decay per step.
const STEP: f64 = 0.2;
const STEP_WARM: f64 = 0.1;
const DECAY: f64 = 0.85;

/// A neuron whose line below has a free slope: unstable, with a ReLU or clipped ReLU.
fn free(act: Activation, lu: (f64, f64)) -> bool {
    act != Activation::Linear && act.state(lu) == Some(NeuronState::Unstable)
}

/// The plain-float line of slope `a` below `act` over the kinks `points`, and the kink where
/// its intercept is attained.
fn below_plain(act: Activation, points: &[f64], a: f64) -> (Line, f64) {
    points.iter().map(|p| (act.apply(*p) - a * p, *p)).fold(
        (
            Line {
                s: a,
                t: f64::INFINITY,
            },
            0.0,
        ),
        |(best, k), (t, p)| {
            if t < best.t {
                (Line { s: a, t }, p)
            } else {
                (best, k)
            }
        },
    )
}

/// The buffers of [`value_and_gradient`], allocated once per optimization.
struct Work {
    /// per layer: the coefficients on its outputs, the lines chosen, the kink of a free line
    lams: Vec<Vec<f64>>,
    lines: Vec<Vec<Line>>,
    at: Vec<Vec<f64>>,
    /// `dU/dα` per layer and neuron
    grad: Vec<Vec<f64>>,
    /// scratch: coefficients on a layer's inputs, and the forward pass
    next: Vec<f64>,
    g: Vec<f64>,
    p: Vec<f64>,
}

impl Work {
    fn new(net: &Network) -> Work {
        let widths: Vec<usize> = net.layers.iter().map(|l| l.bias.len()).collect();
        let per = |v: f64| widths.iter().map(|w| vec![v; *w]).collect::<Vec<_>>();
        Work {
            lams: per(0.0),
            lines: widths
                .iter()
                .map(|w| vec![Line { s: 0.0, t: 0.0 }; *w])
                .collect(),
            at: per(0.0),
            grad: per(0.0),
            next: Vec::new(),
            g: Vec::new(),
            p: Vec::new(),
        }
    }
}

/// `U = upper bound of w·h + b` with the free slopes `alpha` (plain floating point); leaves
/// `dU/dα` per free neuron in `work.grad` (0 where its line below is not used).
fn value_and_gradient(
    work: &mut Work,
    net: &Network,
    earlier: &[Earlier],
    kinks_of: &[Vec<Kinks>],
    alpha: &[Vec<f64>],
    (w, b): (&[f64], f64),
    (lo, hi): (&[f64], &[f64]),
) -> f64 {
    let depth = earlier.len();
    let mut c = b;
    // the coefficients on the current layer's outputs: `w` for the last, then `next`
    work.next.clear();
    work.next.extend_from_slice(w);
    for i in (0..depth).rev() {
        let act = net.layers[i].activation;
        let e = &earlier[i];
        std::mem::swap(&mut work.lams[i], &mut work.next);
        let (lam, lines, at) = (&mut work.lams[i], &mut work.lines[i], &mut work.at[i]);
        let layer = &net.layers[i];
        let n_in = layer.weights.first().map_or(0, Vec::len);
        work.next.clear();
        work.next.resize(n_in, 0.0);
        for (m, lm) in lam.iter().enumerate() {
            let (below, above) = e.lines[m];
            let line = if *lm > 0.0 {
                above
            } else if kinks_of[i][m].is_empty() {
                below
            } else {
                let (line, k) = below_plain(act, &kinks_of[i][m], alpha[i][m]);
                at[m] = k;
                line
            };
            lines[m] = line;
            let mu = lm * line.s;
            c += lm * line.t;
            if mu == 0.0 {
                continue;
            }
            for (x, wv) in work.next.iter_mut().zip(&layer.weights[m]) {
                *x += mu * wv;
            }
            c += mu * layer.bias[m];
        }
    }
    // the corner of the box that maximizes the inputs' part
    work.g.clear();
    work.g.extend(
        work.next
            .iter()
            .zip(lo.iter().zip(hi))
            .map(|(l, (p, q))| if *l > 0.0 { *q } else { *p }),
    );
    let value = c + work
        .next
        .iter()
        .zip(&work.g)
        .map(|(l, x)| l * x)
        .sum::<f64>();
    // the forward pass of the corner through the chosen lines
    for (i, (layer, kinks)) in net.layers.iter().zip(kinks_of).enumerate().take(depth) {
        work.p.clear();
        work.p.extend(
            layer
                .weights
                .iter()
                .zip(&layer.bias)
                .map(|(row, bm)| bm + row.iter().zip(&work.g).map(|(w, v)| w * v).sum::<f64>()),
        );
        for (m, pm) in work.p.iter().enumerate() {
            work.grad[i][m] = if work.lams[i][m] <= 0.0 && !kinks[m].is_empty() {
                work.lams[i][m] * (pm - work.at[i][m])
            } else {
                0.0
            };
        }
        work.g.clear();
        work.g.extend(
            work.p
                .iter()
                .zip(&work.lines[i])
                .map(|(pm, line)| line.s * pm + line.t),
        );
    }
    value
}

/// A bound of a linear function over a box by [`crown_linear_alpha`].
#[derive(Clone, Debug, PartialEq)]
pub struct AlphaBound {
    /// `(min, max)` of `c·y + d` over the box, sound
    pub range: (f64, f64),
    /// the slopes below every neuron, per layer, that gave the lower bound (a warm start for
    /// the same function over a sub-box; empty when nothing was optimized)
    pub slopes: Vec<Vec<f64>>,
}

/// How [`crown_linear_alpha`] searches.
#[derive(Clone, Copy, Debug)]
pub struct AlphaSearch<'a> {
    /// the number of bound evaluations (0: CROWN's slopes only)
    pub iters: usize,
    /// slopes to start from (e.g. those of a box that contains this one; shorter steps), else
    /// CROWN's
    pub start: Option<&'a [Vec<f64>]>,
    /// a lower bound this high is enough (e.g. it closes a branch-and-bound cell): the search
    /// stops once it passes it by a relative 1e-9 of the range's magnitude, the allowance a
    /// caller adds to each part of a sum (`f64::INFINITY`: never)
    pub enough: f64,
}

/// Bounds `(min, max)` of `c·y + d` over the input box `lo..hi` like
/// [`crate::crown_linear`], with the lower bound tightened by projected Adam steps on the
/// slopes below the unstable neurons (the upper bound is CROWN's), as `search` says.
/// Sound like `crown_linear` for any slopes; with `iters = 0` it is `crown_linear`.
pub fn crown_linear_alpha(
    net: &Network,
    lo: &[f64],
    hi: &[f64],
    pre: &[Vec<(f64, f64)>],
    (c, d): (&[f64], f64),
    search: AlphaSearch,
) -> AlphaBound {
    let AlphaSearch {
        iters,
        start,
        enough,
    } = search;
    let (l, u) = crate::crown::crown_linear(net, lo, hi, pre, c, d);
    let crown = AlphaBound {
        range: (l, u),
        slopes: Vec::new(),
    };
    let reached = |lower: f64| lower >= enough + 1e-9 * (1.0 + lower.abs().max(u.abs()));
    if iters == 0 || pre.len() != net.layers.len() || !l.is_finite() || reached(l) {
        return crown;
    }
    let input: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let mut earlier = earlier_of(net, &input, pre);
    let kinks_of: Vec<Vec<Kinks>> = pre
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let act = net.layers[i].activation;
            layer
                .iter()
                .map(|lu| {
                    if free(act, *lu) {
                        kinks(act, *lu)
                    } else {
                        Kinks::default()
                    }
                })
                .collect()
        })
        .collect();
    if kinks_of.iter().flatten().all(|k| k.is_empty()) {
        return crown;
    }
    // start from the given slopes where they fit, else from CROWN's
    let warm = start.is_some_and(|s| {
        s.len() == earlier.len()
            && s.iter()
                .zip(&earlier)
                .all(|(a, e)| a.len() == e.lines.len())
    });
    let mut alpha: Vec<Vec<f64>> = earlier
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.lines
                .iter()
                .enumerate()
                .map(|(m, (b, _))| {
                    let given = start.filter(|_| warm).map(|s| s[i][m]);
                    given
                        .filter(|v| v.is_finite())
                        .unwrap_or(b.s)
                        .clamp(0.0, 1.0)
                })
                .collect()
        })
        .collect();
    // the lower bound of c·y + d is -U of -c·y - d
    let neg: Vec<f64> = c.iter().map(|v| -v).collect();
    let mut best = (f64::INFINITY, alpha.clone());
    let (mut m1, mut m2): (Vec<Vec<f64>>, Vec<Vec<f64>>) = (
        alpha.iter().map(|a| vec![0.0; a.len()]).collect(),
        alpha.iter().map(|a| vec![0.0; a.len()]).collect(),
    );
    let (b1, b2) = (0.9f64, 0.999f64);
    let first = if warm { STEP_WARM } else { STEP };
    let mut work = Work::new(net);
    for step in 1..=iters {
        let value = value_and_gradient(
            &mut work,
            net,
            &earlier,
            &kinks_of,
            &alpha,
            (&neg, -d),
            (lo, hi),
        );
        let grad = &work.grad;
        if !value.is_finite() {
            break;
        }
        if value < best.0 {
            best = (value, alpha.clone());
        }
        // `iters` evaluations: a step after the last would never be evaluated; `-value` is
        // the lower bound (before the rounding allowances of the final evaluation)
        if step == iters || reached(-value) {
            break;
        }
        let (c1, c2) = (1.0 - b1.powi(step as i32), 1.0 - b2.powi(step as i32));
        let rate = first * DECAY.powi(step as i32 - 1);
        for i in 0..alpha.len() {
            for m in 0..alpha[i].len() {
                let g = grad[i][m];
                if kinks_of[i][m].is_empty() {
                    continue;
                }
                m1[i][m] = b1 * m1[i][m] + (1.0 - b1) * g;
                m2[i][m] = b2 * m2[i][m] + (1.0 - b2) * g * g;
                let stepv = rate * (m1[i][m] / c1) / ((m2[i][m] / c2).sqrt() + 1e-12);
                alpha[i][m] = (alpha[i][m] - stepv).clamp(0.0, 1.0);
            }
        }
    }
    // the best slopes, evaluated with every rounding allowance
    for (i, e) in earlier.iter_mut().enumerate() {
        let act = net.layers[i].activation;
        for (m, line) in e.lines.iter_mut().enumerate() {
            if !kinks_of[i][m].is_empty() {
                line.0 = below_line(act, &kinks_of[i][m], best.1[i][m]);
            }
        }
    }
    let tight = -upper(net, &earlier, &neg, -d, lo, hi);
    AlphaBound {
        range: if tight.is_finite() && tight > l && tight <= u {
            (tight, u)
        } else {
            (l, u)
        },
        slopes: best.1,
    }
}

#[cfg(test)]
#[path = "alpha_tests.rs"]
mod tests;
