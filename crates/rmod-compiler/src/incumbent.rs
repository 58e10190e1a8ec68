//! A starting point for branch and bound: sample the networks' inputs, complete each sample
//! into a point of the whole model (every network evaluated exactly, its big-M columns set to
//! the true activations), keep the best point that satisfies every row and bound, and improve
//! it by a pattern search over the sampled inputs.

use rmod_ir::{ColKind, Model, Sense};

use crate::NetUse;

/// A feasible point of the compiled model.
#[derive(Clone, Debug, PartialEq)]
pub struct Incumbent {
    pub values: Vec<f64>,
    pub objective: f64,
    /// "relaxation" (the LP point), "sample", or "local search" (from one of those)
    pub source: &'static str,
    pub candidates: usize,
    pub feasible: usize,
}

/// Feasibility tolerance for a completed point ([`Model::scaled_violation`]).
pub(crate) const TOL: f64 = 1e-7;

/// How many of the best samples [`find_incumbent`] descends from (see [`crate::descent`]).
pub const DESCENT_STARTS: usize = 8;

/// Adam steps from each of them.
pub const DESCENT_STEPS: usize = 200;

/// The network work the descent may do in all: weights and biases evaluated, about a second.
pub const DESCENT_WORK: usize = 1_000_000_000;

/// The least number of completions the pattern search of [`find_incumbent`] may make (unless
/// that is more than four times the samples).
pub const LOCAL_EVALS: usize = 200;

/// Tries the relaxation's point (when given) and `samples` random points of the networks'
/// input boxes, then descends by projected gradient steps from the best [`DESCENT_STARTS`]
/// samples (feasible or not; [`crate::descent`], at most [`DESCENT_WORK`] in all and stopped
/// at `until`), then a pattern search from the best (at most `samples` or [`LOCAL_EVALS`]
/// more completions, whichever is more, but never more than `4 * samples`: the caller sizes
/// `samples` to the model; see [`local_search`]); `None` when no candidate is feasible.
pub fn find_incumbent(
    model: &Model,
    uses: &[NetUse],
    relaxation: Option<&[f64]>,
    samples: usize,
    seed: u64,
    until: Option<std::time::Instant>,
) -> Option<Incumbent> {
    search(model, uses, relaxation, samples, seed, Check::All(until))
}

/// [`find_incumbent`]'s best point if it is better than `bar` (an objective value), checking
/// against the model's rows only the candidates better than `bar` and than the best feasible
/// one so far (`Incumbent::feasible` then counts only those).
pub fn find_best_point(
    model: &Model,
    uses: &[NetUse],
    samples: usize,
    seed: u64,
    bar: Option<f64>,
) -> Option<Incumbent> {
    search(model, uses, None, samples, seed, Check::Better(bar))
}

/// Which candidates [`search`] checks against the model's rows.
enum Check {
    /// every one (for the count of feasible ones), then descents and a pattern search from
    /// the best, the descents stopped at the given time
    All(Option<std::time::Instant>),
    /// only those better than the best so far and than the given objective value
    Better(Option<f64>),
}

fn search(
    model: &Model,
    uses: &[NetUse],
    relaxation: Option<&[f64]>,
    samples: usize,
    seed: u64,
    check: Check,
) -> Option<Incumbent> {
    let (check_all, bar, until) = match check {
        Check::All(until) => (true, None, until),
        Check::Better(bar) => (false, bar, None),
    };
    let n = model.columns.len();
    let base: Vec<f64> = match relaxation {
        Some(x) if x.len() == n => x.to_vec(),
        _ => model
            .columns
            .iter()
            .map(|c| 0.0_f64.clamp(c.lower.min(c.upper), c.upper.max(c.lower)))
            .collect(),
    };
    let is_output: Vec<bool> = {
        let mut v = vec![false; n];
        for u in uses {
            let switched = u.switch.iter().flat_map(|s| &s.outputs);
            for c in u.outputs.iter().chain(switched) {
                v[*c as usize] = true;
            }
        }
        v
    };
    // network inputs that are one free-standing column: (column, lower, upper) in model units
    let mut sampled: Vec<(usize, f64, f64)> = Vec::new();
    for u in uses {
        // a switched use samples the model's arguments (its own input columns follow them)
        let args = u.switch.as_ref().map_or(&u.inputs, |s| &s.args);
        for (i, e) in args.iter().enumerate() {
            let [(c, a)] = e.coeffs.as_slice() else {
                continue;
            };
            let col = &model.columns[*c as usize];
            if is_output[*c as usize] || sampled.iter().any(|s| s.0 == *c as usize) {
                continue;
            }
            let (mut lo, mut hi) = (col.lower, col.upper);
            if let Some(b) = &u.network.input_bounds {
                // a x + k in [p, q]
                let (p, q) = ((b[i].0 - e.constant) / a, (b[i].1 - e.constant) / a);
                lo = lo.max(p.min(q));
                hi = hi.min(p.max(q));
            }
            if lo.is_finite() && hi.is_finite() && lo <= hi {
                sampled.push((*c as usize, lo, hi));
            }
        }
    }
    let maximize = matches!(
        model.objective.as_ref().map(|o| o.sense),
        Some(Sense::Maximize)
    );
    let mut rng = rmod_relu::Rng::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut best: Option<Incumbent> = None;
    let mut feasible = 0;
    // the best samples by objective, feasible or not: where the descents start
    let mut starts: Vec<(f64, Vec<f64>)> = Vec::new();
    let total = usize::from(relaxation.is_some()) + if sampled.is_empty() { 0 } else { samples };
    for k in 0..total {
        let mut x = base.clone();
        let source = if relaxation.is_some() && k == 0 {
            "relaxation"
        } else {
            for (c, lo, hi) in &sampled {
                x[*c] = lo + (hi - lo) * rng.unit();
            }
            "sample"
        };
        for (v, c) in x.iter_mut().zip(&model.columns) {
            if c.kind != ColKind::Continuous {
                *v = v.round();
            }
            *v = v.clamp(c.lower.min(c.upper), c.upper.max(c.lower));
        }
        for u in uses {
            crate::complete_use(model, u, &mut x);
        }
        let obj = model.objective_value(&x);
        if check_all && source == "sample" && obj.is_finite() {
            let key = if maximize { -obj } else { obj };
            if starts.len() < DESCENT_STARTS || key < starts[starts.len() - 1].0 {
                let at = starts.partition_point(|s| s.0 <= key);
                starts.insert(at, (key, x.clone()));
                starts.truncate(DESCENT_STARTS);
            }
        }
        let beats = |v: f64| if maximize { obj > v } else { obj < v };
        let better = best
            .as_ref()
            .map_or(bar.is_none_or(beats), |b| beats(b.objective));
        if !better && !check_all {
            continue;
        }
        // each row and bound on its own scale: a large unrelated value must not loosen a cut
        if model.scaled_violation(&x) > TOL {
            continue;
        }
        feasible += 1;
        if better {
            best = Some(Incumbent {
                values: x,
                objective: obj,
                source,
                candidates: total,
                feasible: 0,
            });
        }
    }
    if check_all && !starts.is_empty() {
        let budget = crate::descent::Budget {
            steps: DESCENT_STEPS,
            work: DESCENT_WORK,
            until,
        };
        let from = starts.into_iter().map(|(_, x)| x).collect();
        crate::descent::descend(model, uses, &sampled, from, maximize, &budget, &mut best);
    }
    if check_all {
        if let Some(b) = best.as_mut() {
            if local_search(
                model,
                uses,
                &sampled,
                b,
                maximize,
                samples.max(LOCAL_EVALS.min(4 * samples)),
            ) {
                b.source = "local search";
            }
        }
    }
    best.map(|b| Incumbent {
        feasible,
        candidates: total,
        ..b
    })
}

/// Coordinate pattern search from the feasible point `at` over the `sampled` input columns
/// (continuous ones, within their sampling box): each column moved up and down by a share of
/// its range, the first move whose completed point is feasible and better kept; the share
/// halves when no move helps, from 1/8 to 1/1024. At most `evals` completions. Says whether
/// `at` improved.
fn local_search(
    model: &Model,
    uses: &[NetUse],
    sampled: &[(usize, f64, f64)],
    at: &mut Incumbent,
    maximize: bool,
    evals: usize,
) -> bool {
    let (mut step, mut left, mut improved) = (0.125, evals, false);
    let mut x = at.values.clone();
    while step >= 1.0 / 1024.0 && left > 0 {
        let mut moved = false;
        for (c, lo, hi) in sampled {
            if model.columns[*c].kind != ColKind::Continuous {
                continue;
            }
            for dir in [1.0, -1.0] {
                let v = (at.values[*c] + dir * step * (hi - lo)).clamp(*lo, *hi);
                if left == 0 || v == at.values[*c] {
                    continue;
                }
                left -= 1;
                x.clone_from(&at.values);
                x[*c] = v;
                for u in uses {
                    crate::complete_use(model, u, &mut x);
                }
                let obj = model.objective_value(&x);
                let better = if maximize {
                    obj > at.objective
                } else {
                    obj < at.objective
                };
                if better && model.scaled_violation(&x) <= TOL {
                    std::mem::swap(&mut at.values, &mut x);
                    at.objective = obj;
                    (moved, improved) = (true, true);
                    break;
                }
            }
        }
        if !moved {
            step *= 0.5;
        }
    }
    improved
}
