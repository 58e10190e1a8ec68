//! Function-preserving positive scaling of hidden ReLU neurons: neuron j of layer k gets
//! `s > 0`; its incoming weights and bias are multiplied by s and its outgoing weights divided
//! by s. `max(0, s a) = s max(0, a)`, so the network computes the same function; interval
//! bounds of the neuron scale by s and those of every other neuron are unchanged, so the big-M
//! encoding's LP relaxation is the same up to a scaling of its columns. Clipped-ReLU layers keep
//! s = 1 (the clip value is shared by a layer).
//!
//! - `BigM`: s = 1 / max(-l, u) under interval arithmetic on the box: every big-M becomes 1.
//! - `Balanced`: t = log s minimizes
//!   `sum over neurons (t_kj + log M_kj)^2 + sum over nonzero weights (t_kj - t_(k-1)i + log|w_kji|)^2`
//!   (a convex least-squares problem: big-M values and weight magnitudes both pulled towards 1),
//!   solved by exact coordinate descent.

use crate::{Activation, Network};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReluScaling {
    BigM,
    Balanced,
}

/// Relative size below which a weight, or a neuron's largest |pre-activation| within its layer,
/// counts as numerically zero: such neurons (e.g. the dead neurons that L2 shrinks to 1e-150)
/// keep s = 1 and take no part in the balance, which they would otherwise tear apart.
const NEGLIGIBLE: f64 = 1e-9;
/// Largest factor (and smallest, inverted) any neuron gets.
const MAX_FACTOR_LN: f64 = 23.025_850_929_940_457; // ln 1e10

/// The per-neuron factors of `scaling` for the box (scaled input units).
pub fn scale_factors(net: &Network, lo: &[f64], hi: &[f64], scaling: ReluScaling) -> Vec<Vec<f64>> {
    let ia = net.interval_bounds(lo, hi);
    let n = net.layers.len();
    let scalable = |k: usize| k + 1 < n && net.layers[k].activation == Activation::Relu;
    let m: Vec<Vec<f64>> = ia
        .iter()
        .map(|b| b.iter().map(|(l, u)| (-l).max(*u)).collect())
        .collect();
    // which neurons take part, and which weights count (|w| not negligible within its layer)
    let live: Vec<Vec<bool>> = m
        .iter()
        .enumerate()
        .map(|(k, mk)| {
            let top = mk.iter().fold(0.0f64, |a, v| a.max(*v));
            mk.iter()
                .map(|v| scalable(k) && *v > NEGLIGIBLE * top)
                .collect()
        })
        .collect();
    let wmax: Vec<f64> = net
        .layers
        .iter()
        .map(|l| {
            l.weights
                .iter()
                .flatten()
                .fold(0.0f64, |a, w| a.max(w.abs()))
        })
        .collect();
    let counts = |k: usize, w: f64| w.abs() > NEGLIGIBLE * wmax[k];
    let mut t: Vec<Vec<f64>> = (0..n)
        .map(|k| {
            m[k].iter()
                .zip(&live[k])
                .map(|(v, live)| if *live { -v.ln() } else { 0.0 })
                .collect()
        })
        .collect();
    if scaling == ReluScaling::Balanced {
        for _ in 0..200 {
            let mut change: f64 = 0.0;
            for k in 0..n {
                for j in 0..t[k].len() {
                    if !live[k][j] {
                        continue;
                    }
                    // minimize (t + logM)^2 + sum_i (t - t_prev_i + log|w_kji|)^2
                    //        + sum_o (t_next_o - t + log|w_(k+1)oj|)^2
                    let mut num = -m[k][j].ln();
                    let mut den = 1.0;
                    for (i, w) in net.layers[k].weights[j].iter().enumerate() {
                        if counts(k, *w) && (k == 0 || live[k - 1][i]) {
                            let prev = if k == 0 { 0.0 } else { t[k - 1][i] };
                            num += prev - w.abs().ln();
                            den += 1.0;
                        }
                    }
                    for (o, row) in net.layers[k + 1].weights.iter().enumerate() {
                        let w = row[j];
                        if counts(k + 1, w) {
                            num += t[k + 1][o] + w.abs().ln();
                            den += 1.0;
                        }
                    }
                    let v = num / den;
                    change = change.max((v - t[k][j]).abs());
                    t[k][j] = v;
                }
            }
            if change < 1e-10 {
                break;
            }
        }
    }
    t.into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| v.clamp(-MAX_FACTOR_LN, MAX_FACTOR_LN).exp())
                .collect()
        })
        .collect()
}

/// The network with every hidden ReLU neuron scaled by its factor.
pub fn apply_scaling(net: &Network, s: &[Vec<f64>]) -> Network {
    let mut out = net.clone();
    for (k, sk) in s.iter().enumerate().take(out.layers.len()) {
        for (j, f) in sk.iter().enumerate() {
            if *f == 1.0 {
                continue;
            }
            out.layers[k].weights[j].iter_mut().for_each(|w| *w *= f);
            out.layers[k].bias[j] *= f;
            if let Some(next) = out.layers.get_mut(k + 1) {
                next.weights.iter_mut().for_each(|row| row[j] /= f);
            }
        }
    }
    out
}

/// Scales `net` for the box `input_box` (model units).
pub fn scale_network(net: &Network, input_box: &[(f64, f64)], scaling: ReluScaling) -> Network {
    let (_, lo, hi) = crate::scale_inputs(
        net,
        &vec![rmod_ir::Affine::constant(0.0); input_box.len()],
        input_box,
    );
    apply_scaling(net, &scale_factors(net, &lo, &hi, scaling))
}
