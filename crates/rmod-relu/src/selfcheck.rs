//! The self-check of tightened bounds: forward passes at sample points of the input box must
//! fall within every neuron's bounds. A bound that cuts off a true activation came from a solver
//! working within its tolerances; from the first layer where that happens, the bounds go back to
//! interval arithmetic (valid by construction), so the encoding never rejects a true activation.

use crate::{Activation, Network};

/// What [`self_check`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckFailure {
    /// the first offending layer and neuron (0-based), and the sample's pre-activation there
    pub layer: usize,
    pub neuron: usize,
    pub value: f64,
    pub bounds: (f64, f64),
    /// neurons with a cut-off activation at some sample
    pub neurons: usize,
}

/// The sample points: the centre, the corners (up to 256 of them), and `random` uniform points
/// of the box `lo..hi`.
fn samples(lo: &[f64], hi: &[f64], random: usize) -> Vec<Vec<f64>> {
    let d = lo.len();
    let mut out = vec![lo.iter().zip(hi).map(|(a, b)| 0.5 * (a + b)).collect()];
    if d <= 8 {
        for mask in 0..(1usize << d) {
            out.push(
                (0..d)
                    .map(|i| if mask >> i & 1 == 1 { hi[i] } else { lo[i] })
                    .collect(),
            );
        }
    }
    let mut rng = crate::Rng::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..random {
        out.push(
            (0..d)
                .map(|i| lo[i] + (hi[i] - lo[i]) * rng.unit())
                .collect(),
        );
    }
    out
}

/// Checks `pre` (bounds of `net`'s pre-activations over the box `lo..hi`, scaled units) at
/// sample points; from the first layer with a violation on, replaces them by interval
/// arithmetic over the earlier layers' (checked) bounds. `None` when every sample fits.
pub fn self_check(
    net: &Network,
    pre: &mut [Vec<(f64, f64)>],
    lo: &[f64],
    hi: &[f64],
    random: usize,
) -> Option<CheckFailure> {
    let mut first: Option<CheckFailure> = None;
    let mut bad = std::collections::BTreeSet::new();
    for x in samples(lo, hi, random) {
        // `trace` takes model units: the network here is bare (scaled units)
        for (k, a) in net.trace_scaled(&x).iter().enumerate() {
            for (j, v) in a.iter().enumerate() {
                let (l, u) = pre[k][j];
                let tol = 1e-9 * v.abs().max(l.abs()).max(u.abs()).max(1.0);
                if *v < l - tol || *v > u + tol || v.is_nan() {
                    bad.insert((k, j));
                    if first.as_ref().is_none_or(|f| k < f.layer) {
                        first = Some(CheckFailure {
                            layer: k,
                            neuron: j,
                            value: *v,
                            bounds: (l, u),
                            neurons: 0,
                        });
                    }
                }
            }
        }
    }
    let mut f = first?;
    f.neurons = bad.len();
    let mut h: Vec<(f64, f64)> = if f.layer == 0 {
        lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect()
    } else {
        let act = net.layers[f.layer - 1].activation;
        pre[f.layer - 1].iter().map(|b| post(act, *b)).collect()
    };
    for (k, bounds) in pre.iter_mut().enumerate().skip(f.layer) {
        *bounds = net.layer_interval(k, &h);
        let act = net.layers[k].activation;
        h = bounds.iter().map(|b| post(act, *b)).collect();
    }
    Some(f)
}

fn post(act: Activation, (l, u): (f64, f64)) -> (f64, f64) {
    (act.apply(l), act.apply(u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Layer;

    #[test]
    fn a_bound_that_cuts_off_an_activation_goes_back_to_interval_arithmetic() {
        let net = Network::from_layers(vec![
            Layer {
                weights: vec![vec![1.0, 1.0], vec![1.0, -1.0]],
                bias: vec![0.0, 0.0],
                activation: Activation::Relu,
            },
            Layer {
                weights: vec![vec![1.0, 1.0]],
                bias: vec![0.0],
                activation: Activation::Linear,
            },
        ]);
        let (lo, hi) = (vec![-1.0, -1.0], vec![1.0, 1.0]);
        let ia = net.interval_bounds(&lo, &hi);
        let mut ok = ia.clone();
        assert_eq!(self_check(&net, &mut ok, &lo, &hi, 50), None);
        assert_eq!(ok, ia);
        // neuron 2 of layer 1 claimed to be at most 1 (its true maximum is 2, at (1, -1))
        let mut bad = ia.clone();
        bad[0][1] = (-2.0, 1.0);
        bad[1][0] = (0.0, 2.5);
        let f = self_check(&net, &mut bad, &lo, &hi, 50).expect("caught");
        assert_eq!((f.layer, f.neuron), (0, 1));
        assert_eq!(bad, ia);
    }
}
