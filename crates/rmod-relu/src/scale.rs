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

/// The per-neuron factors of `scaling` for the box (scaled input units).
pub fn scale_factors(net: &Network, lo: &[f64], hi: &[f64], scaling: ReluScaling) -> Vec<Vec<f64>> {
    let ia = net.interval_bounds(lo, hi);
    let n = net.layers.len();
    let scalable = |k: usize| k + 1 < n && net.layers[k].activation == Activation::Relu;
    let log_m: Vec<Vec<f64>> = ia
        .iter()
        .map(|b| {
            b.iter()
                .map(|(l, u)| (-l).max(*u).max(1e-12).ln())
                .collect()
        })
        .collect();
    let mut t: Vec<Vec<f64>> = net
        .layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            if !scalable(k) {
                return vec![0.0; l.bias.len()];
            }
            log_m[k].iter().map(|m| -m).collect()
        })
        .collect();
    if scaling == ReluScaling::Balanced {
        for _ in 0..200 {
            let mut change: f64 = 0.0;
            for k in 0..n {
                if !scalable(k) {
                    continue;
                }
                for j in 0..t[k].len() {
                    // minimize (t + logM)^2 + sum_i (t - t_prev_i + log|w_kji|)^2
                    //        + sum_o (t_next_o - t + log|w_(k+1)oj|)^2
                    let mut num = -log_m[k][j];
                    let mut den = 1.0;
                    for (i, w) in net.layers[k].weights[j].iter().enumerate() {
                        if *w != 0.0 {
                            let prev = if k == 0 { 0.0 } else { t[k - 1][i] };
                            num += prev - w.abs().ln();
                            den += 1.0;
                        }
                    }
                    for (o, row) in net.layers[k + 1].weights.iter().enumerate() {
                        let w = row[j];
                        if w != 0.0 {
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
        .map(|r| r.into_iter().map(f64::exp).collect())
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
        &vec![crate::Affine::constant(0.0); input_box.len()],
        input_box,
    );
    apply_scaling(net, &scale_factors(net, &lo, &hi, scaling))
}
