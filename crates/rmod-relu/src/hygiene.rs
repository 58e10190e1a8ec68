//! Numerical hygiene of a network before it is encoded: weights that cannot matter in double
//! precision over the input box are dropped, and every neuron gets the margin by which the
//! cleaned network can differ from the file's, so that bounds widened by it stay valid for the
//! file's exact function.

use crate::Network;

/// A weight whose largest contribution `|w| * max|input|` over the box is positive and at most
/// this share of its neuron's scale (`|bias| + sum |w| * max|input|`) is dropped; so is every
/// subnormal weight. (A weight on an input that is 0 throughout the box contributes nothing
/// and stays.)
pub const NEGLIGIBLE_WEIGHT: f64 = 1e-13;

/// What [`clean`] dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hygiene {
    /// weights dropped
    pub dropped: usize,
    /// the largest contribution `|w| * max|input|` of a dropped weight
    pub largest: f64,
    /// per layer and neuron: a bound on |pre-activation of the cleaned network - the file's|
    /// anywhere in the box (0 where nothing upstream was dropped)
    pub margin: Vec<Vec<f64>>,
}

/// The network without its negligible weights over the box `lo..hi` (scaled units), and the
/// margins. Error propagation: the cleaned pre-activation differs by at most
/// `e_j = d_j + sum_i |w_ji| e_i` (d_j: the dropped weights' largest contribution; the
/// activations are 1-Lipschitz), computed with an outward relative factor for rounding.
pub fn clean(net: &Network, lo: &[f64], hi: &[f64]) -> (Network, Hygiene) {
    let mut out = net.clone();
    let mut hy = Hygiene::default();
    // the file's network's interval bounds on each layer's inputs
    let mut h: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let mut e_prev = vec![0.0; h.len()];
    for (k, layer) in net.layers.iter().enumerate() {
        let mag: Vec<f64> = h.iter().map(|(p, q)| p.abs().max(q.abs())).collect();
        let mut e = Vec::with_capacity(layer.bias.len());
        for (j, (row, b)) in layer.weights.iter().zip(&layer.bias).enumerate() {
            let scale: f64 = b.abs() + row.iter().zip(&mag).map(|(w, m)| w.abs() * m).sum::<f64>();
            let mut d = 0.0;
            let mut carried = 0.0;
            for (i, w) in row.iter().enumerate() {
                let c = w.abs() * mag[i];
                let negligible = (*w != 0.0 && w.abs() < f64::MIN_POSITIVE)
                    || (c > 0.0 && c.is_finite() && c <= NEGLIGIBLE_WEIGHT * scale);
                if negligible {
                    out.layers[k].weights[j][i] = 0.0;
                    hy.dropped += 1;
                    hy.largest = hy.largest.max(c);
                    d += c;
                } else {
                    carried += w.abs() * e_prev[i];
                }
            }
            let m = d + carried;
            // rounding of the sums above: a relative 1e-12 outward, and the smallest normal
            e.push(if m > 0.0 {
                m * (1.0 + 1e-12) + f64::MIN_POSITIVE
            } else {
                0.0
            });
        }
        let a = net.layer_interval(k, &h);
        h = a
            .iter()
            .map(|(s, t)| (layer.activation.apply(*s), layer.activation.apply(*t)))
            .collect();
        hy.margin.push(e.clone());
        e_prev = e;
    }
    (out, hy)
}

/// `pre` widened by the margins of [`clean`] (both sides).
pub fn widen_by_margin(pre: &mut [Vec<(f64, f64)>], margin: &[Vec<f64>]) {
    for (layer, m) in pre.iter_mut().zip(margin) {
        for ((l, u), e) in layer.iter_mut().zip(m) {
            *l -= e;
            *u += e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, Layer};

    fn net(w1: Vec<Vec<f64>>, w2: Vec<Vec<f64>>) -> Network {
        Network::from_layers(vec![
            Layer {
                bias: vec![0.1; w1.len()],
                weights: w1,
                activation: Activation::Relu,
            },
            Layer {
                bias: vec![0.0; w2.len()],
                weights: w2,
                activation: Activation::Linear,
            },
        ])
    }

    #[test]
    fn tiny_and_subnormal_weights_are_dropped_with_a_valid_margin() {
        let n = net(
            vec![vec![1.0, 1e-38], vec![-0.5, 2.0], vec![1e-310, 0.7]],
            vec![vec![1.0, 1e-30, -1.0]],
        );
        let (c, hy) = clean(&n, &[-3.0, -3.0], &[3.0, 3.0]);
        assert_eq!(hy.dropped, 3);
        assert_eq!(c.layers[0].weights[0][1], 0.0);
        assert_eq!(c.layers[0].weights[2][0], 0.0);
        assert_eq!(c.layers[1].weights[0][1], 0.0);
        assert_eq!(c.layers[0].weights[1], vec![-0.5, 2.0]);
        // the margins bound the true difference of the pre-activations everywhere in the box
        for i in 0..=30 {
            for j in 0..=30 {
                let x = [-3.0 + 0.2 * i as f64, -3.0 + 0.2 * j as f64];
                for (k, (a, b)) in n.trace(&x).iter().zip(c.trace(&x)).enumerate() {
                    for (t, (p, q)) in a.iter().zip(&b).enumerate() {
                        assert!((p - q).abs() <= hy.margin[k][t], "{k} {t} {p} {q}");
                    }
                }
            }
        }
        assert!(hy.margin[1][0] > 0.0 && hy.margin[1][0] < 1e-25);
    }

    #[test]
    fn ordinary_weights_are_kept() {
        let n = net(vec![vec![1e-3, 1.0]], vec![vec![1e-6]]);
        let (c, hy) = clean(&n, &[-1.0, -1.0], &[1.0, 1.0]);
        assert_eq!(hy.dropped, 0);
        assert_eq!(c, n);
        assert!(hy.margin.iter().flatten().all(|m| *m == 0.0));
    }
}
