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
    /// network completions in all (one per use whose inputs a move changes)
    pub completions: usize,
    /// no step starts after this
    pub until: Option<std::time::Instant>,
}

/// Descends from each point of `starts` (completed points, feasible or not) by Adam steps on the
/// objective of the completed point over the continuous `sampled` columns (each within its
/// sampling box; the gradient by forward differences, each setting only the outputs of the uses
/// that read the column), and keeps in `best` every iterate that is better and feasible. Says whether
/// `best` improved. Deterministic: no clock, no randomness.
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
    // the uses that read each free column (directly, or as a switched use's argument)
    let readers: Vec<Vec<usize>> = free
        .iter()
        .map(|(c, _, _)| {
            uses.iter()
                .enumerate()
                .filter(|(_, u)| {
                    let args = u.switch.as_ref().map_or(&u.inputs, |s| &s.args);
                    args.iter()
                        .chain(&u.inputs)
                        .any(|e| e.coeffs.iter().any(|(k, _)| *k as usize == *c))
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let sign = if maximize { -1.0 } else { 1.0 };
    let mut left = budget.completions;
    let mut improved = false;
    let mut probe = Vec::new();
    for mut x in starts {
        let (mut m1, mut m2) = (vec![0.0; free.len()], vec![0.0; free.len()]);
        let mut grad = vec![0.0; free.len()];
        for step in 1..=budget.steps {
            let cost = readers.iter().map(Vec::len).sum::<usize>() + uses.len();
            if left < cost || budget.until.is_some_and(|t| std::time::Instant::now() >= t) {
                return improved;
            }
            left -= cost;
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
                for &i in users {
                    crate::use_outputs(model, &uses[i], &mut probe);
                }
                // per unit of the column's range
                grad[k] = (sign * model.objective_value(&probe) - f0) / h * (hi - lo);
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
            for u in uses {
                crate::complete_use(model, u, &mut x);
            }
            let obj = model.objective_value(&x);
            if beats(obj) && model.scaled_violation(&x) <= TOL {
                let (candidates, feasible) =
                    best.as_ref().map_or((0, 0), |b| (b.candidates, b.feasible));
                *best = Some(Incumbent {
                    values: x.clone(),
                    objective: obj,
                    source: "descent",
                    candidates,
                    feasible,
                });
                improved = true;
            }
        }
    }
    improved
}
