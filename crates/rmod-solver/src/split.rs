//! The input-split search (`option input_split`): the box of the networks' inputs cut into
//! cells, best bound first, each cell tightened through a callback and closed by its LP bound
//! or solved whole.

use std::time::Instant;

use rmod_ir::{ColKind, Model, Sense, Solution, Status};

use crate::feasible_start;

/// Rewrites the model restricted to a cell (its column bounds) into a tighter model valid in the
/// cell (narrower column bounds, smaller big-M coefficients), and says what it proves about the
/// cell: the objective's range there, or that no point of the cell is feasible.
///
/// Its second argument is the `CellInfo::state` of the cell this one was cut from (empty for
/// the whole box): what the callback knows about the parent that holds in the child too. Its
/// third is the objective value of the search's incumbent: a cell whose bound cannot beat it
/// is closed, so the callback may stop tightening the bound there, and need only propose a
/// point better than it.
pub type CellTightening<'a> = dyn Fn(&mut Model, &[f64], Option<f64>) -> rmod_ir::CellInfo + 'a;

/// Receives each better incumbent of [`solve_split`] as it is found.
pub type BetterPoint<'a> = dyn Fn(&[f64]) + 'a;

/// A MILP with at most this many free binaries in a cell is handed to CBC whole.
pub const LEAF_BINARIES: usize = 12;

/// The most memory the open cells' states (`CellInfo::state`) may take, in bytes. Past it a
/// cell's children get no state (they start from the whole box's bounds: sound, only looser),
/// so that a long search on a large network cannot exhaust the machine.
pub const STATE_BYTES: usize = 1 << 30;

/// Whether every integer column of `m` is integral at `x` (within CBC's integrality tolerance).
fn integral(m: &Model, x: &[f64]) -> bool {
    m.columns
        .iter()
        .zip(x)
        .all(|(c, v)| c.kind == ColKind::Continuous || (v - v.round()).abs() <= 1e-9)
}

struct Cell {
    /// lower bound on the cell's objective, in the minimization direction
    bound: f64,
    /// the columns whose bounds differ from the whole model's (split inputs, fixed phases)
    bounds: Vec<(u32, (f64, f64))>,
    /// the parent's `CellInfo::state`, shared by both children
    state: std::rc::Rc<[f64]>,
}

/// `state` if `open` cells each holding one of its size (an upper estimate: siblings share one)
/// take at most `cap` bytes, else none.
fn within(state: Vec<f64>, open: usize, cap: usize) -> Vec<f64> {
    if open.saturating_mul(state.len() * 8) <= cap {
        state
    } else {
        Vec::new()
    }
}

/// A column and the bounds of the two children it splits a cell into.
type Branch = (u32, (f64, f64), (f64, f64));

/// `b` with column `c` set to `half`.
fn with(b: &[(u32, (f64, f64))], c: u32, half: (f64, f64)) -> Vec<(u32, (f64, f64))> {
    let mut out: Vec<(u32, (f64, f64))> = b.iter().filter(|(k, _)| *k != c).copied().collect();
    out.push((c, half));
    out
}

impl PartialEq for Cell {
    fn eq(&self, o: &Self) -> bool {
        self.bound.total_cmp(&o.bound).is_eq()
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cell {
    /// the heap pops the cell with the lowest bound first
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.bound.total_cmp(&self.bound)
    }
}

/// Solves the model by splitting the box of the columns `split` (continuous, finite bounds)
/// into cells, best bound first. In every cell `tighten` narrows the column bounds to what holds
/// there (for networks: neurons stable in the cell lose their binary); a cell whose LP
/// relaxation is infeasible or no better than the incumbent is closed; one with at most
/// [`LEAF_BINARIES`] free binaries (besides those that no cell fixes: the model's own), or once `max_cells` cells exist, is solved by CBC with the
/// incumbent as cutoff; any other is halved along its relatively widest split column. The
/// union of the cells is the box, so the best point found is optimal when every cell was closed.
/// `start` (a feasible point) is the first incumbent; every cell's candidate point
/// (`CellInfo::point`: forward passes at a few points of the cell) that is feasible in the model
/// and better replaces it. The model's time limit holds for the whole.
/// `on_better` gets every better incumbent as it is found (a cell's point, solver-feasible).
///
/// With `option split_on = "relus"` a cell is split on a binary of `binaries` (the networks'
/// neuron binaries, earliest layers first) instead: the one most fractional in the cell's LP,
/// fixed to 0 in one child and 1 in the other (`tighten` then bounds the neurons after it with
/// that phase). A cell whose LP point is integral is solved by it; when no binary is
/// fractional and other integers are, the cell is split on its widest input (or solved whole).
pub fn solve_split(
    model: &Model,
    split: &[u32],
    binaries: &[u32],
    tighten: &CellTightening,
    start: Option<&[f64]>,
    max_cells: usize,
    on_better: Option<&BetterPoint>,
) -> Solution {
    let started = Instant::now();
    let Some(objective) = &model.objective else {
        return crate::solve(model, start);
    };
    let on_relus = match model.options.split_on.unwrap_or(rmod_ir::SplitOn::Auto) {
        rmod_ir::SplitOn::Auto | rmod_ir::SplitOn::Inputs => false,
        rmod_ir::SplitOn::Relus => true,
    } && !binaries.is_empty();
    if split.is_empty() && !on_relus {
        return crate::solve(model, start);
    }
    let dir = match objective.sense {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let deadline = model
        .options
        .time_limit
        .map(|t| started + std::time::Duration::from_secs_f64(t));
    let remaining = || deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64());
    let gap = model.options.mip_gap.unwrap_or(0.0);
    // closes a cell whose bound cannot beat the incumbent by more than the tolerances
    let closes = |bound: f64, inc: f64| bound >= inc - 1e-9 * inc.abs().max(1.0) - gap * inc.abs();
    let mut best: Option<(f64, Vec<f64>)> =
        feasible_start(model, start).map(|x| (dir * model.objective_value(x), x.to_vec()));
    let root: Vec<(f64, f64)> = model.columns.iter().map(|c| (c.lower, c.upper)).collect();
    let mut stats = rmod_ir::SplitStats {
        columns: split.len(),
        ..Default::default()
    };
    let mut lp = model.clone();
    for c in &mut lp.columns {
        c.kind = ColKind::Continuous;
    }
    // an infeasible or unbounded model takes the ordinary path, which tells the two apart
    let r = crate::solve(&lp, None);
    if !matches!(
        r.status,
        Status::Optimal | Status::Feasible | Status::NoSolution
    ) {
        return crate::solve(model, start);
    }
    // the model restricted to a cell and rewritten for it, in a scratch model whose
    // allocations every cell reuses
    let cell_model =
        |m: &mut Model, b: &[(u32, (f64, f64))], parent: &[f64], incumbent: Option<f64>| {
            m.clone_from(model);
            for (c, (l, u)) in b {
                let col = &mut m.columns[*c as usize];
                (col.lower, col.upper) = (*l, *u);
            }
            tighten(m, parent, incumbent)
        };
    let mut m = model.clone();
    let free = |m: &Model| {
        m.columns
            .iter()
            .filter(|c| c.kind != ColKind::Continuous && c.lower < c.upper)
            .count()
    };
    // integer columns that stay free even when every split column is fixed (the model's own
    // integers, not the networks'): a cell is small once the rest is down to LEAF_BINARIES
    let point: Vec<(u32, (f64, f64))> = split
        .iter()
        .map(|c| {
            let (l, u) = root[*c as usize];
            (*c, (0.5 * (l + u), 0.5 * (l + u)))
        })
        .collect();
    cell_model(&mut m, &point, &[], None);
    let own = free(&m);
    let mut heap = std::collections::BinaryHeap::new();
    heap.push(Cell {
        bound: f64::NEG_INFINITY,
        bounds: Vec::new(),
        state: std::rc::Rc::from([]),
    });
    stats.cells = 1;
    let mut open_bound = f64::INFINITY;
    let mut iterations = 0i64;
    while let Some(cell) = heap.pop() {
        if best.as_ref().is_some_and(|(v, _)| closes(cell.bound, *v)) {
            stats.pruned += 1;
            continue;
        }
        if remaining().is_some_and(|r| r <= 0.0) {
            open_bound = open_bound.min(cell.bound);
            stats.open += 1;
            continue;
        }
        let incumbent = best.as_ref().map(|(v, _)| dir * v);
        let mut info = cell_model(&mut m, &cell.bounds, &cell.state, incumbent);
        // the cell's point, checked against the model only when it would be better
        let better = |x: &[f64]| {
            let v = dir * model.objective_value(x);
            best.as_ref().is_none_or(|(b, _)| v < *b)
        };
        if let Some(x) = feasible_start(model, info.point.as_deref().filter(|x| better(x))) {
            let v = dir * model.objective_value(x);
            {
                if let Some(f) = on_better {
                    f(x);
                }
                best = Some((v, x.to_vec()));
            }
        }
        // what bound propagation proves before any LP: an empty cell, or one that cannot win
        let prop = if dir > 0.0 {
            info.objective.0
        } else {
            -info.objective.1
        };
        if info.infeasible || best.as_ref().is_some_and(|(v, _)| closes(prop, *v)) {
            stats.pruned += 1;
            continue;
        }
        let state = within(std::mem::take(&mut info.state), heap.len() + 2, STATE_BYTES);
        let cell = Cell {
            bound: cell.bound.max(prop),
            bounds: cell.bounds,
            state: std::rc::Rc::from(state),
        };
        let n_free = free(&m);
        // the split column: widest relative to its width in the whole box
        let (col, rel) = split
            .iter()
            .map(|c| {
                let b = &m.columns[*c as usize];
                let (p, q) = root[*c as usize];
                (
                    *c,
                    if q > p {
                        (b.upper - b.lower) / (q - p)
                    } else {
                        0.0
                    },
                )
            })
            .fold((u32::MAX, -1.0), |a, b| if b.1 > a.1 { b } else { a });
        let leaf = n_free <= own + LEAF_BINARIES
            || stats.cells + 2 > max_cells
            || (rel < 1e-6 && !on_relus);
        // when propagation bounds the objective (every column of it bounded in the cell), its
        // bound replaces the cell's LP: a cell costs a CROWN pass instead of an LP solve, and
        // the LP is left to the small cells CBC solves whole (faster on every benchmark network,
        // see BENCHMARKS.md)
        let propagated = info.objective.0.is_finite() && info.objective.1.is_finite();
        if !leaf && propagated && col != u32::MAX && rel >= 1e-6 {
            let (l, u) = (m.columns[col as usize].lower, m.columns[col as usize].upper);
            let mid = 0.5 * (l + u);
            for half in [(l, mid), (mid, u)] {
                heap.push(Cell {
                    bound: cell.bound,
                    bounds: with(&cell.bounds, col, half),
                    state: cell.state.clone(),
                });
            }
            stats.cells += 2;
            continue;
        }
        if !leaf {
            let mut lp = m.clone();
            for c in &mut lp.columns {
                c.kind = ColKind::Continuous;
            }
            lp.options.time_limit = remaining();
            let r = crate::solve(&lp, None);
            iterations += r.iterations;
            match r.status {
                Status::Infeasible => {
                    stats.pruned += 1;
                    continue;
                }
                Status::Optimal => {
                    let v = dir * r.objective.unwrap_or(f64::NEG_INFINITY);
                    if best.as_ref().is_some_and(|(b, _)| closes(v, *b)) {
                        stats.pruned += 1;
                        continue;
                    }
                    let fractional = |c: &u32| {
                        let v = r.values.get(*c as usize).copied().unwrap_or(0.0);
                        let b = &m.columns[*c as usize];
                        (b.lower < b.upper).then_some(v.min(1.0 - v))
                    };
                    // the binary most fractional in the LP (earliest on ties)
                    let relu = binaries
                        .iter()
                        .filter_map(|c| fractional(c).map(|f| (*c, f)))
                        .fold(None, |a: Option<(u32, f64)>, b| match a {
                            Some(a) if a.1 >= b.1 => Some(a),
                            _ => Some(b),
                        })
                        .filter(|(_, f)| *f > 1e-6);
                    let children: Vec<Branch> = match relu {
                        Some((z, _)) if on_relus => vec![(z, (0.0, 0.0), (1.0, 1.0))],
                        _ if on_relus && integral(&m, &r.values) => {
                            // the LP point is a point of the cell's MILP: the cell is solved
                            if best.as_ref().is_none_or(|(b, _)| v < *b) {
                                if let Some(f) = on_better {
                                    f(&r.values);
                                }
                                best = Some((v, r.values.clone()));
                            }
                            stats.pruned += 1;
                            continue;
                        }
                        _ if col != u32::MAX && rel >= 1e-6 => {
                            let b = &m.columns[col as usize];
                            let (l, u) = (b.lower, b.upper);
                            let mid = 0.5 * (l + u);
                            vec![(col, (l, mid), (mid, u))]
                        }
                        _ => Vec::new(),
                    };
                    if let Some((c, a, b)) = children.first() {
                        for half in [*a, *b] {
                            heap.push(Cell {
                                bound: v.max(cell.bound),
                                bounds: with(&cell.bounds, *c, half),
                                state: cell.state.clone(),
                            });
                        }
                        stats.cells += 2;
                        continue;
                    }
                }
                // unbounded, or stopped: let CBC decide the cell as a whole
                _ => {}
            }
        }
        stats.milps += 1;
        let cutoff = best.as_ref().map(|(v, _)| dir * v);
        let r = crate::run(&m, cutoff, remaining());
        iterations += r.iterations;
        match r.status {
            Status::Optimal | Status::Feasible => {
                let v = dir * r.objective.unwrap_or(f64::INFINITY);
                if best.as_ref().is_none_or(|(b, _)| v < *b) {
                    if let Some(f) = on_better {
                        f(&r.values);
                    }
                    best = Some((v, r.values.clone()));
                }
                if r.status == Status::Feasible {
                    stats.open += 1;
                    open_bound = open_bound.min(r.best_bound.map_or(cell.bound, |b| dir * b));
                }
            }
            // nothing better than the cutoff in this cell (the whole box's LP relaxation is
            // bounded, so CBC's "infeasible" is not an unbounded cell in disguise)
            Status::Infeasible => {}
            Status::NoSolution => {
                stats.open += 1;
                open_bound = open_bound.min(r.best_bound.map_or(cell.bound, |b| dir * b));
            }
            Status::Unbounded | Status::Error(_) => {
                let mut r = r;
                r.split = Some(stats);
                return r;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let (status, objective, bound, values) = match best {
        Some((v, x)) if stats.open == 0 => (Status::Optimal, Some(v), Some(v), x),
        Some((v, x)) => (Status::Feasible, Some(v), Some(open_bound.min(v)), x),
        None if stats.open == 0 => (Status::Infeasible, None, None, Vec::new()),
        None => (Status::NoSolution, None, Some(open_bound), Vec::new()),
    };
    Solution {
        status,
        objective: objective.map(|v| dir * v),
        best_bound: bound.filter(|b| b.is_finite()).map(|b| dir * b),
        values,
        seconds,
        iterations,
        split: Some(stats),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_states_are_dropped_past_the_memory_cap() {
        // 10 open cells of 4 numbers: 320 bytes
        assert_eq!(super::within(vec![1.0; 4], 10, 320), vec![1.0; 4]);
        assert!(super::within(vec![1.0; 4], 11, 320).is_empty());
        assert!(super::within(vec![1.0; 4], usize::MAX, usize::MAX - 1).is_empty());
        assert!(super::within(Vec::new(), usize::MAX, 0).is_empty());
    }
}
