//! A cell of the input split rewritten for itself (`tighten_cell`, the split's callback): every
//! use's neurons bounded over the cell, the objective and the model's rows bounded there, what
//! the children inherit, and a candidate point.

use rmod_ir::Model;

use crate::{cell_state, find_best_point, NetUse};

/// Rewrites `model` (the compiled model with a cell's column bounds) for that cell: every use
/// in model order (see [`rmod_relu::tighten_cell`]).
///
/// Then bounds the objective, and every row of the model, over the cell: each use's part (its
/// output columns) by [`rmod_relu::crown_linear`] over the cell, the other columns by their
/// bounds. A row whose range misses its bounds by more than a relative
/// 1e-7 makes the cell infeasible. The ranges hold for the networks' exact functions (widened by
/// a relative 1e-9 for what hygiene dropped), so no point of the cell is ever cut off.
///
/// `parent`: the state of the cell this one was cut from (`CellInfo::state`, empty for the
/// whole box): its neuron bounds, valid here too, replace the whole box's, and its objective
/// slopes are the start of this cell's.
///
/// `incumbent`: the objective value of the search's best point. The optimized slopes stop once
/// the cell's bound cannot beat it (when the objective involves one use), and the cell's point
/// is only one better than it.
pub fn tighten_cell(
    uses: &[NetUse],
    model: &mut Model,
    parent: &[f64],
    incumbent: Option<f64>,
) -> rmod_ir::CellInfo {
    let inherited = cell_state::decode(uses, parent);
    let cells: Vec<Option<rmod_relu::CellBounds>> = uses
        .iter()
        .zip(&inherited)
        .map(|(u, s)| {
            rmod_relu::tighten_cell(&u.encoded, &u.inputs, &s.pre, &u.columns, &u.m_rows, model)
        })
        .collect();
    let slopes = std::cell::RefCell::new(vec![Vec::new(); uses.len()]);
    // the use (and output index) of every output column
    let mut owner: rustc_hash::FxHashMap<u32, (usize, usize)> = Default::default();
    for (k, u) in uses.iter().enumerate() {
        if cells[k].is_some() {
            for (j, c) in u.outputs.iter().enumerate() {
                owner.entry(*c).or_insert((k, j));
            }
        }
    }
    let mut info = rmod_ir::CellInfo::default();
    // `side`: the side of the range to tighten by optimized slopes (`Some(true)`: the lower)
    let range = |coeffs: &[(u32, f64)], constant: f64, side: Option<bool>| -> (f64, f64) {
        let (per_use, mut lo, mut hi) = parts(uses, &owner, model, coeffs, constant);
        // with one use in the function, the bound of its part that is enough to close the cell
        // (in the units of the side searched), with a margin for the final evaluation's
        // rounding (NaN, from an unbounded rest, never stops the search)
        let one_use = per_use.iter().filter(|c| c.is_some()).count() == 1;
        let enough = match (side, incumbent) {
            (Some(low), Some(inc)) if one_use => {
                let t = if low { inc - lo } else { hi - inc };
                t + 1e-6 * (1.0 + t.abs())
            }
            _ => f64::INFINITY,
        };
        for (k, coef) in per_use.iter().enumerate() {
            let (Some(coef), Some(cb)) = (coef, &cells[k]) else {
                continue;
            };
            let net = &uses[k].encoded;
            // model outputs are scale * y + offset
            let (c, d): (Vec<f64>, f64) = match &net.output_scaling {
                Some(s) => (
                    coef.iter().zip(&s.scale).map(|(a, s)| a * s).collect(),
                    coef.iter().zip(&s.offset).map(|(a, o)| a * o).sum(),
                ),
                None => (coef.clone(), 0.0),
            };
            let (l, u) = match side {
                None => rmod_relu::crown_linear(net, &cb.lo, &cb.hi, &cb.pre, &c, d),
                Some(low) => {
                    // the high side is the low side of the negated function
                    let sign = if low { 1.0 } else { -1.0 };
                    let c: Vec<f64> = c.iter().map(|v| sign * v).collect();
                    let start = &inherited[k].slopes;
                    let b = rmod_relu::crown_linear_alpha(
                        net,
                        &cb.lo,
                        &cb.hi,
                        &cb.pre,
                        (&c, sign * d),
                        rmod_relu::AlphaSearch {
                            iters: ALPHA_STEPS,
                            start: (!start.is_empty()).then_some(start.as_slice()),
                            enough,
                        },
                    );
                    slopes.borrow_mut()[k] = b.slopes;
                    let (l, u) = b.range;
                    if low {
                        (l, u)
                    } else {
                        (-u, -l)
                    }
                }
            };
            let slack = 1e-9 * (1.0 + l.abs().max(u.abs()));
            lo += l - slack;
            hi += u + slack;
        }
        (lo, hi)
    };
    if let Some(obj) = &model.objective {
        let (lo, hi) = range(
            &obj.coeffs,
            obj.constant,
            Some(obj.sense == rmod_ir::Sense::Minimize),
        );
        // NaN (inf - inf) means nothing is known
        info.objective = (
            if lo.is_nan() { f64::NEG_INFINITY } else { lo },
            if hi.is_nan() { f64::INFINITY } else { hi },
        );
    }
    // every row of the model: a row over the box alone is exact by intervals, one with network
    // outputs by propagation
    for r in model.rows.iter().filter(|r| r.origin.is_model()) {
        let (lo, hi) = range(&r.coeffs, 0.0, None);
        let tol = |b: f64| 1e-7 * (1.0 + b.abs());
        if lo > r.upper + tol(r.upper) || hi < r.lower - tol(r.lower) {
            info.infeasible = true;
            break;
        }
    }
    // what the children inherit
    let states: Vec<cell_state::UseState> = cells
        .iter()
        .zip(inherited)
        .zip(slopes.take())
        .map(|((cb, s), slopes)| cell_state::UseState {
            pre: cb.as_ref().map_or(s.pre, |cb| cb.pre.clone()),
            slopes,
        })
        .collect();
    info.state = cell_state::encode(uses, &states);
    // forward passes at a few points of the cell: the search's incumbent improves as the
    // cells shrink around the optimum, so that it can close cells before CBC finds a point
    if !info.infeasible {
        info.point = find_best_point(model, uses, CELL_SAMPLES, 1, incumbent).map(|i| i.values);
    }
    info
}

/// Projected gradient steps on the slopes below unstable neurons (alpha-CROWN) for the
/// objective's bound over a cell (its side in the objective's direction).
const ALPHA_STEPS: usize = 10;

/// Random points per cell that [`tighten_cell`] completes into candidate incumbents.
const CELL_SAMPLES: usize = 4;

/// `coeffs·x + constant` split into each use's coefficients on its outputs and the interval of
/// the rest over the model's column bounds.
fn parts(
    uses: &[NetUse],
    owner: &rustc_hash::FxHashMap<u32, (usize, usize)>,
    model: &Model,
    coeffs: &[(u32, f64)],
    constant: f64,
) -> (Vec<Option<Vec<f64>>>, f64, f64) {
    let mut per_use: Vec<Option<Vec<f64>>> = vec![None; uses.len()];
    let (mut lo, mut hi) = (constant, constant);
    for (c, a) in coeffs {
        match owner.get(c) {
            Some((k, j)) => {
                per_use[*k].get_or_insert_with(|| vec![0.0; uses[*k].outputs.len()])[*j] += a;
            }
            None if *a != 0.0 => {
                let col = &model.columns[*c as usize];
                let (p, q) = (a * col.lower, a * col.upper);
                lo += p.min(q);
                hi += p.max(q);
            }
            None => {}
        }
    }
    (per_use, lo, hi)
}
