//! Projected gradient descent over the networks' sampled inputs, from several starts: the
//! attack step of neural-network verifiers (PGD), used here to find good feasible points.

use rmod_ir::{ColKind, Model};

use crate::incumbent::{Incumbent, TOL};
use crate::NetUse;

/// Adam's step in the unit cube of the sampled inputs (each column scaled to its range).
const RATE: f64 = 0.02;
/// The forward-difference step, as a share of a column's range.
const DIFF: f64 = 1e-7;

/// What one descent may spend.
pub(crate) struct Budget {
    /// iterations from each start
    pub steps: usize,
    /// the work in all, in network weights and biases evaluated (and columns copied)
    pub work: usize,
    /// no step starts after this (a safety stop under `time_limit`; without it the descent is
    /// deterministic)
    pub until: Option<std::time::Instant>,
}

/// Descends from each point of `starts` (completed points, feasible or not) by Adam steps on the
/// objective of the completed point over the continuous `sampled` columns (each within its
/// sampling box; the gradient by forward differences, each setting only the outputs of the uses
/// the column reaches), and keeps in `best` every iterate that is better and feasible (fully
/// completed and checked against every row and bound). Says whether `best` improved. No
/// randomness; without `until`, no clock.
pub(crate) fn descend(
    model: &Model,
    uses: &[NetUse],
    sampled: &[(usize, f64, f64)],
    starts: Vec<Vec<f64>>,
    maximize: bool,
    budget: &Budget,
    best: &mut Option<Incumbent>,
) -> bool {
    let free: Vec<(usize, f64, f64)> = sampled
        .iter()
        .copied()
        .filter(|(c, lo, hi)| model.columns[*c].kind == ColKind::Continuous && hi > lo)
        .collect();
    if free.is_empty() {
        return false;
    }
    let readers: Vec<Vec<usize>> = free.iter().map(|(c, _, _)| reached(uses, *c)).collect();
    let params: Vec<usize> = uses.iter().map(|u| u.network.n_params().max(1)).collect();
    // a step: the probes (a copy of the point and the outputs of the uses each column reaches),
    // then the outputs of every use at the new point
    let step_cost = readers
        .iter()
        .map(|r| model.columns.len() + r.iter().map(|i| params[*i]).sum::<usize>())
        .sum::<usize>()
        + params.iter().sum::<usize>();
    // keeping a point: every use completed twice over (encoded and file network), the rows read
    let keep_cost = 2 * params.iter().sum::<usize>() + model.n_nonzeros();
    let sign = if maximize { -1.0 } else { 1.0 };
    let mut left = budget.work;
    let mut improved = false;
    let mut probe = Vec::new();
    for mut x in starts {
        let (mut m1, mut m2) = (vec![0.0; free.len()], vec![0.0; free.len()]);
        let mut grad = vec![0.0; free.len()];
        for step in 1..=budget.steps {
            if left < step_cost || budget.until.is_some_and(|t| std::time::Instant::now() >= t) {
                return improved;
            }
            left -= step_cost;
            let f0 = sign * model.objective_value(&x);
            for (k, ((c, lo, hi), users)) in free.iter().zip(&readers).enumerate() {
                // a forward difference, backwards at the top of the box
                let h = if x[*c] + DIFF * (hi - lo) <= *hi {
                    DIFF * (hi - lo)
                } else {
                    -DIFF * (hi - lo)
                };
                probe.clone_from(&x);
                probe[*c] += h;
                // the step taken, after rounding (0 where x is too large for it)
                let taken = probe[*c] - x[*c];
                for &i in users {
                    crate::use_outputs(model, &uses[i], &mut probe);
                }
                // per unit of the column's range
                grad[k] = if taken == 0.0 {
                    0.0
                } else {
                    (sign * model.objective_value(&probe) - f0) / taken * (hi - lo)
                };
            }
            if grad.iter().all(|g| *g == 0.0) || grad.iter().any(|g| !g.is_finite()) {
                break;
            }
            let (b1, b2) = (0.9_f64, 0.999_f64);
            let t = i32::try_from(step).unwrap_or(i32::MAX);
            for (k, (c, lo, hi)) in free.iter().enumerate() {
                m1[k] = b1 * m1[k] + (1.0 - b1) * grad[k];
                m2[k] = b2 * m2[k] + (1.0 - b2) * grad[k] * grad[k];
                let mhat = m1[k] / (1.0 - b1.powi(t));
                let vhat = m2[k] / (1.0 - b2.powi(t));
                let move_by = RATE * mhat / (vhat.sqrt() + 1e-12);
                x[*c] = (x[*c] - move_by * (hi - lo)).clamp(*lo, *hi);
            }
            // the outputs first; the whole point only when it may be kept
            for u in uses {
                crate::use_outputs(model, u, &mut x);
            }
            let beats = |obj: f64| {
                best.as_ref().is_none_or(|b| {
                    if maximize {
                        obj > b.objective
                    } else {
                        obj < b.objective
                    }
                })
            };
            if !beats(model.objective_value(&x)) {
                continue;
            }
            if left < keep_cost {
                return improved;
            }
            left -= keep_cost;
            for u in uses {
                crate::complete_use(model, u, &mut x);
            }
            let obj = model.objective_value(&x);
            if beats(obj) && model.scaled_violation(&x) <= TOL {
                // the caller sets the counts of candidates
                *best = Some(Incumbent {
                    values: x.clone(),
                    objective: obj,
                    source: "descent",
                    candidates: 0,
                    feasible: 0,
                });
                improved = true;
            }
        }
    }
    improved
}

/// The uses a change of column `c` reaches, in model order: those that read it (directly, or as
/// a switched use's argument), then those that read their outputs, and so on.
fn reached(uses: &[NetUse], c: usize) -> Vec<usize> {
    let reads = |u: &NetUse, cols: &[usize]| {
        let args = u.switch.as_ref().map_or(&u.inputs, |s| &s.args);
        args.iter()
            .chain(&u.inputs)
            .any(|e| e.coeffs.iter().any(|(k, _)| cols.contains(&(*k as usize))))
    };
    let mut cols = vec![c];
    let mut hit = vec![false; uses.len()];
    loop {
        let mut grew = false;
        for (i, u) in uses.iter().enumerate() {
            if !hit[i] && reads(u, &cols) {
                hit[i] = true;
                grew = true;
                let switched = u.switch.iter().flat_map(|s| &s.outputs);
                cols.extend(u.outputs.iter().chain(switched).map(|o| *o as usize));
            }
        }
        if !grew {
            break;
        }
    }
    (0..uses.len()).filter(|i| hit[*i]).collect()
}
