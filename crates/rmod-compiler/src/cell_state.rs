//! What a cell of the input split hands its children (`CellInfo::state`): every use's neuron
//! bounds in the cell, valid in every sub-cell, and the slopes that bounded the objective there,
//! a warm start for the children's. Flat numbers, so that the split stays ignorant of networks.

use crate::NetUse;

/// One use's part of a cell's state.
pub(crate) struct UseState {
    /// pre-activation bounds per layer and neuron
    pub pre: Vec<Vec<(f64, f64)>>,
    /// the objective's slopes below each neuron (empty: none)
    pub slopes: Vec<Vec<f64>>,
}

fn neurons(u: &NetUse) -> usize {
    u.pre.iter().map(Vec::len).sum()
}

/// The state of the whole box (an empty or mismatched `flat`): the uses' own bounds, no slopes.
pub(crate) fn decode(uses: &[NetUse], flat: &[f64]) -> Vec<UseState> {
    let want: usize = uses.iter().map(|u| 3 * neurons(u)).sum();
    if flat.len() != want {
        return uses
            .iter()
            .map(|u| UseState {
                pre: u.pre.clone(),
                slopes: Vec::new(),
            })
            .collect();
    }
    let mut at = 0;
    let mut take = || {
        at += 1;
        flat[at - 1]
    };
    uses.iter()
        .map(|u| {
            // a pair is used only as a narrowing of the whole box's (both hold in the cell);
            // anything else (NaN, crossing, disjoint) is the whole box's
            let pre: Vec<Vec<(f64, f64)>> = u
                .pre
                .iter()
                .map(|layer| {
                    layer
                        .iter()
                        .map(|(p, q)| {
                            let (l, h) = (take(), take());
                            let valid = !l.is_nan() && !h.is_nan();
                            let (l, h) = (l.max(*p), h.min(*q));
                            // (a pair at one infinity bounds nothing: the box's)
                            if valid && l <= h && l < f64::INFINITY && h > f64::NEG_INFINITY {
                                (l, h)
                            } else {
                                (*p, *q)
                            }
                        })
                        .collect()
                })
                .collect();
            let slopes: Vec<Vec<f64>> = u
                .pre
                .iter()
                .map(|layer| layer.iter().map(|_| take()).collect())
                .collect();
            let none = slopes.iter().flatten().all(|v| v.is_nan());
            UseState {
                pre,
                slopes: if none { Vec::new() } else { slopes },
            }
        })
        .collect()
}

/// The flat form of `states` ([`decode`] reads it back); slopes of the wrong shape are NaN.
pub(crate) fn encode(uses: &[NetUse], states: &[UseState]) -> Vec<f64> {
    let mut flat = Vec::with_capacity(uses.iter().map(|u| 3 * neurons(u)).sum());
    for (u, s) in uses.iter().zip(states) {
        // by the shape of the use's own bounds: a layer of another shape is the whole box's
        for (k, own) in u.pre.iter().enumerate() {
            let layer = s.pre.get(k).filter(|l| l.len() == own.len()).unwrap_or(own);
            for (l, h) in layer {
                flat.extend([*l, *h]);
            }
        }
        for (k, layer) in u.pre.iter().enumerate() {
            for m in 0..layer.len() {
                flat.push(
                    s.slopes
                        .get(k)
                        .and_then(|v| v.get(m))
                        .copied()
                        .unwrap_or(f64::NAN),
                );
            }
        }
    }
    flat
}
