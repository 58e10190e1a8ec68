//! Linear regions of a network over a box. A region is an activation pattern (per hidden
//! neuron: off / on, and for a clipped ReLU also clipped) whose set of inputs in the box has a
//! non-empty interior; the network is affine on each.

use rmod_ir::{Affine, BoundOracle, Model, Row};

use crate::obbt::box_model;
use crate::{Activation, Network};

/// The pieces of an activation: breakpoints at 0 (and c).
fn breakpoints(act: Activation) -> Vec<f64> {
    match act {
        Activation::Relu => vec![0.0],
        Activation::ClippedRelu(c) => vec![0.0, c],
        Activation::Linear => vec![],
    }
}

/// Distinct activation patterns among `points` (a lower bound on the number of regions).
pub fn regions_sampled(net: &Network, points: &[Vec<f64>]) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    for x in points {
        let mut key: Vec<u8> = Vec::new();
        for (layer, pre) in net.layers.iter().zip(net.trace(x)) {
            let bps = breakpoints(layer.activation);
            if bps.is_empty() {
                continue;
            }
            for a in pre {
                key.push(bps.iter().filter(|b| a > **b).count() as u8);
            }
        }
        seen.insert(key);
    }
    seen.len()
}

/// Tolerance on a pre-activation when deciding that a region crosses a breakpoint.
const EPS: f64 = 1e-9;

struct Search<'a> {
    net: &'a Network,
    oracle: &'a dyn BoundOracle,
    count: usize,
    limit: usize,
    /// LP problems solved
    problems: usize,
}

impl Search<'_> {
    /// `region`: the box model with the rows of the pattern so far; `h`: the previous layer's
    /// outputs as affine functions of the (scaled) inputs; the neuron to decide next is
    /// `(k, j)`, with the current layer's outputs so far in `cur`.
    fn go(
        &mut self,
        region: &Model,
        h: &[Affine],
        k: usize,
        j: usize,
        cur: &mut Vec<Affine>,
    ) -> bool {
        if self.count >= self.limit {
            return false;
        }
        let net = self.net;
        if k == net.layers.len()
            || net.layers[k..]
                .iter()
                .all(|l| l.activation == Activation::Linear)
        {
            self.count += 1;
            return true;
        }
        let layer = &net.layers[k];
        if j == layer.bias.len() {
            let next = std::mem::take(cur);
            let ok = self.go(region, &next, k + 1, 0, &mut Vec::new());
            *cur = next;
            return ok;
        }
        let mut a = Affine::constant(layer.bias[j]);
        for (w, x) in layer.weights[j].iter().zip(h) {
            a.add_scaled(x, *w);
        }
        let a = a.normalized();
        let bps = breakpoints(layer.activation);
        if bps.is_empty() {
            cur.push(a);
            let ok = self.go(region, h, k, j + 1, cur);
            cur.pop();
            return ok;
        }
        // range of the pre-activation over the region
        let mut neg = Affine::constant(0.0);
        neg.add_scaled(&a, -1.0);
        let v = self
            .oracle
            .min_bounds(region, &[a.clone(), neg], true, None, None);
        self.problems += 2;
        let (Some(lo), Some(hi)) = (v[0], v[1].map(|x| -x)) else {
            return false;
        };
        // pieces: below bps[0], between, above the last
        let mut cuts = vec![f64::NEG_INFINITY];
        cuts.extend(&bps);
        cuts.push(f64::INFINITY);
        let constant = hi - lo <= EPS;
        let mid = 0.5 * (lo + hi);
        for piece in 0..cuts.len() - 1 {
            let (p, q) = (cuts[piece], cuts[piece + 1]);
            // the piece meets the region's interior iff (p, q) overlaps (lo, hi) in an open
            // set; a pre-activation constant on the region lies in one piece
            let skip = if constant {
                !(mid <= q && (piece == 0 || mid > p))
            } else {
                hi <= p + EPS || lo >= q - EPS
            };
            if skip {
                continue;
            }
            let mut sub = region.clone();
            let needs_rows = !constant && (lo < p - EPS || hi > q + EPS);
            if needs_rows {
                sub.rows.push(Row {
                    origin: Default::default(),
                    coeffs: a.coeffs.clone(),
                    lower: p - a.constant,
                    upper: q - a.constant,
                });
            }
            let out = match piece {
                0 => Affine::constant(0.0),
                1 if bps.len() == 2 => a.clone(),
                _ if bps.len() == 2 => Affine::constant(bps[1]),
                _ => a.clone(),
            };
            cur.push(out);
            let ok = self.go(if needs_rows { &sub } else { region }, h, k, j + 1, cur);
            cur.pop();
            if !ok {
                return false;
            }
        }
        true
    }
}

/// The exact number of linear regions over the box (scaled units are handled here; the box is
/// in model units), by splitting the box neuron by neuron with LP checks. `None` when more than
/// `limit` regions exist or an LP fails. Also returns the number of LPs solved.
pub fn regions_exact(
    net: &Network,
    input_box: &[(f64, f64)],
    oracle: &dyn BoundOracle,
    limit: usize,
) -> (Option<usize>, usize) {
    let (_, lo, hi) = crate::scale_inputs(
        net,
        &vec![Affine::constant(0.0); input_box.len()],
        input_box,
    );
    let b: Vec<(f64, f64)> = lo.into_iter().zip(hi).collect();
    let (region, h) = box_model("x", &b);
    let mut s = Search {
        net,
        oracle,
        count: 0,
        limit,
        problems: 0,
    };
    let ok = s.go(&region, &h, 0, 0, &mut Vec::new());
    (ok.then_some(s.count), s.problems)
}
