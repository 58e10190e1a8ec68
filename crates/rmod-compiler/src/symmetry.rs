//! Interchangeable units (identical units under a shared limit) found in the compiled model,
//! and the rows that order them: a solver then searches one of their permutations instead of
//! all of them.
//!
//! A unit is the network uses of one constraint index (`unit["R1"]`, with every use of that
//! index) and the model's variables of exactly that index (`x["R1"]`, `on["R1"]`, ...); a use
//! of an unindexed constraint is a unit alone. A variable that is an argument of several units
//! (a header pressure) is no unit's: swaps leave it in place.
//!
//! Two units are interchangeable when swapping their columns position by position (arguments,
//! switch and outputs of each use, the columns its encoding created, then the variables of the
//! index) maps the model onto itself: the same bounds and kinds, the same objective, and the
//! same multiset of rows. Checked for neighbours in model order, such swaps generate every
//! permutation of a chain of units, so any feasible point can be permuted into one whose
//! units' first columns (their first variable arguments) are in nondecreasing order, with the
//! same objective: the order rows cut off no optimum.

use rmod_ir::{Model, Origin, Row};
use rustc_hash::FxHashMap;

use crate::NetUse;

/// Chains of interchangeable units: each chain a list of blocks, one per unit in model order,
/// each block the unit's columns in corresponding order; a block's first column (its first
/// use's first variable argument) is the one the order rows sort by.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interchangeable {
    pub chains: Vec<Vec<Vec<u32>>>,
}

impl Interchangeable {
    /// The number of units in the chains.
    pub fn units(&self) -> usize {
        self.chains.iter().map(Vec::len).sum()
    }

    /// The number of order rows [`order_interchangeable`] adds.
    pub fn rows(&self) -> usize {
        self.chains.iter().map(|c| c.len().saturating_sub(1)).sum()
    }

    /// `x` with the blocks of every chain permuted so that their first columns are in
    /// nondecreasing order (stable): a point of the same objective that satisfies the order
    /// rows, feasible wherever `x` is.
    pub fn sort_point(&self, x: &[f64]) -> Vec<f64> {
        let mut out = x.to_vec();
        for chain in &self.chains {
            let value = |b: &[u32]| x.get(b[0] as usize).copied().unwrap_or(0.0);
            let mut order: Vec<usize> = (0..chain.len()).collect();
            order.sort_by(|a, b| value(&chain[*a]).total_cmp(&value(&chain[*b])));
            for (to, from) in order.iter().enumerate() {
                for (c, d) in chain[to].iter().zip(&chain[*from]) {
                    if let (Some(o), Some(v)) = (out.get_mut(*c as usize), x.get(*d as usize)) {
                        *o = *v;
                    }
                }
            }
        }
        out
    }
}

/// The arguments of a use (the model's expressions, also for a switched use).
fn arguments(u: &NetUse) -> &[rmod_ir::Affine] {
    u.switch.as_ref().map_or(&u.inputs, |s| &s.args)
}

/// Appends the use's columns in an order that corresponds between uses of the same shape:
/// its arguments (each a single column or a constant; `common` ones, arguments of several
/// units, stay in place), its switch and model outputs, its outputs, then the columns its
/// encoding created. `None` when an argument is an expression.
fn use_block(u: &NetUse, common: &rustc_hash::FxHashSet<u32>, cols: &mut Vec<u32>) -> Option<()> {
    for a in arguments(u) {
        match a.coeffs.as_slice() {
            [(c, _)] if common.contains(c) => {}
            [(c, k)] if *k == 1.0 && a.constant == 0.0 => cols.push(*c),
            // a constant: nothing to swap (one that differs shows in the encoding's rows)
            [] => {}
            _ => return None,
        }
    }
    if let Some(s) = &u.switch {
        cols.push(s.col);
        cols.extend(&s.outputs);
    }
    cols.extend(&u.outputs);
    cols.extend(u.generated.clone());
    Some(())
}

/// The units of the model (see the module's documentation), in order of their first use: the
/// uses of each and its block of columns (`None`: an argument is an expression).
fn units(model: &Model, uses: &[NetUse]) -> Vec<(Vec<usize>, Option<Vec<u32>>)> {
    let mut units: Vec<(Vec<usize>, Option<Vec<u32>>)> = Vec::new();
    let mut of_index: FxHashMap<&[rmod_ir::Elem], usize> = FxHashMap::default();
    for (k, u) in uses.iter().enumerate() {
        if u.index.is_empty() {
            units.push((vec![k], None));
            continue;
        }
        match of_index.get(u.index.as_slice()) {
            Some(i) => units[*i].0.push(k),
            None => {
                of_index.insert(&u.index, units.len());
                units.push((vec![k], None));
            }
        }
    }
    // arguments of more than one unit (a header pressure all units see) are not swapped
    let mut arg_of: FxHashMap<u32, usize> = FxHashMap::default();
    let mut common = rustc_hash::FxHashSet::default();
    for (i, (members, _)) in units.iter().enumerate() {
        for k in members {
            for a in arguments(&uses[*k]) {
                for (c, _) in &a.coeffs {
                    if arg_of.insert(*c, i).is_some_and(|j| j != i) {
                        common.insert(*c);
                    }
                }
            }
        }
    }
    // the model's variables of each unit's index, in column order
    let mut variables: Vec<Vec<u32>> = vec![Vec::new(); units.len()];
    for (c, col) in model.columns.iter().enumerate() {
        if col.origin.is_model() && !col.origin.index.is_empty() {
            if let Some(i) = of_index.get(col.origin.index.as_slice()) {
                variables[*i].push(c as u32);
            }
        }
    }
    for ((members, block), vars) in units.iter_mut().zip(variables) {
        let mut cols = Vec::new();
        if members
            .iter()
            .all(|k| use_block(&uses[*k], &common, &mut cols).is_some())
        {
            cols.extend(vars);
            let mut seen = rustc_hash::FxHashSet::default();
            cols.retain(|c| seen.insert(*c));
            *block = Some(cols);
        }
    }
    units
}

/// A row as a comparable value: its coefficients by column, and its bounds (bit patterns).
type Canon = (Vec<(u32, u64)>, u64, u64);

fn canon(r: &Row, map: &FxHashMap<u32, u32>) -> Canon {
    let mut c: Vec<(u32, u64)> = r
        .coeffs
        .iter()
        .map(|(c, a)| (map.get(c).copied().unwrap_or(*c), (a + 0.0).to_bits()))
        .collect();
    c.sort_unstable();
    (c, (r.lower + 0.0).to_bits(), (r.upper + 0.0).to_bits())
}

/// What [`swappable`] looks up: the rows each block column is in, and each column's objective
/// coefficient (summed).
struct Index {
    rows_of: FxHashMap<u32, Vec<u32>>,
    objective: FxHashMap<u32, f64>,
}

/// Whether swapping blocks `a` and `b` maps the model onto itself.
fn swappable(model: &Model, a: &[u32], b: &[u32], index: &Index) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut map: FxHashMap<u32, u32> = FxHashMap::default();
    for (x, y) in a.iter().zip(b) {
        map.insert(*x, *y);
        map.insert(*y, *x);
    }
    let same_column = a.iter().zip(b).all(|(x, y)| {
        let (p, q) = (&model.columns[*x as usize], &model.columns[*y as usize]);
        p.kind == q.kind
            && p.lower.to_bits() == q.lower.to_bits()
            && p.upper.to_bits() == q.upper.to_bits()
    });
    if !same_column {
        return false;
    }
    let at = |c: &u32| index.objective.get(c).copied().unwrap_or(0.0).to_bits();
    if a.iter().zip(b).any(|(x, y)| at(x) != at(y)) {
        return false;
    }
    let mut touched: Vec<u32> = a
        .iter()
        .chain(b)
        .flat_map(|c| index.rows_of.get(c).into_iter().flatten().copied())
        .collect();
    touched.sort_unstable();
    touched.dedup();
    let none = FxHashMap::default();
    let mut before: Vec<Canon> = touched
        .iter()
        .map(|r| canon(&model.rows[*r as usize], &none))
        .collect();
    let mut after: Vec<Canon> = touched
        .iter()
        .map(|r| canon(&model.rows[*r as usize], &map))
        .collect();
    before.sort_unstable();
    after.sort_unstable();
    before == after
}

/// Units that may be interchangeable: the same networks (file and name) in the same order,
/// blocks of one size.
type GroupKey<'a> = (Vec<(&'a str, &'a str)>, usize);

/// The chains of interchangeable units of `model` (see the module's documentation): units of
/// the same networks whose arguments are single columns or constants and whose columns no
/// other unit shares, grouped greedily in model order. Chains of one unit are left out.
pub fn interchangeable_units(model: &Model, uses: &[NetUse]) -> Interchangeable {
    let units = units(model, uses);
    // columns in more than one block make both units ineligible
    let mut owner: FxHashMap<u32, usize> = FxHashMap::default();
    let mut shared = vec![false; units.len()];
    for (k, (_, b)) in units.iter().enumerate() {
        for c in b.iter().flatten() {
            if let Some(j) = owner.insert(*c, k) {
                if j != k {
                    shared[j] = true;
                    shared[k] = true;
                }
            }
        }
    }
    let mut index = Index {
        rows_of: FxHashMap::default(),
        objective: FxHashMap::default(),
    };
    for (r, row) in model.rows.iter().enumerate() {
        for (c, _) in &row.coeffs {
            if owner.contains_key(c) {
                index.rows_of.entry(*c).or_default().push(r as u32);
            }
        }
    }
    for (c, v) in model.objective.iter().flat_map(|o| &o.coeffs) {
        *index.objective.entry(*c).or_insert(0.0) += v;
    }
    // candidates by networks and block size, in model order
    let mut groups: Vec<(GroupKey, Vec<usize>)> = Vec::new();
    for (k, (members, b)) in units.iter().enumerate() {
        let Some(b) = b.as_ref().filter(|_| !shared[k]) else {
            continue;
        };
        let nets = members
            .iter()
            .map(|u| (uses[*u].file.as_str(), uses[*u].net.as_str()))
            .collect();
        let key = (nets, b.len());
        match groups.iter_mut().find(|(g, _)| *g == key) {
            Some((_, v)) => v.push(k),
            None => groups.push((key, vec![k])),
        }
    }
    let block = |k: usize| units[k].1.as_deref().unwrap_or(&[]);
    let mut chains = Vec::new();
    for (_, members) in groups {
        let mut chain: Vec<usize> = Vec::new();
        for k in members {
            let joins = chain
                .last()
                .is_some_and(|last| swappable(model, block(*last), block(k), &index));
            if !joins {
                // a chain ends here (kept when it has two units or more)
                let done = std::mem::take(&mut chain);
                if done.len() > 1 {
                    chains.push(done);
                }
            }
            chain.push(k);
        }
        if chain.len() > 1 {
            chains.push(chain);
        }
    }
    Interchangeable {
        chains: chains
            .into_iter()
            .map(|c| c.into_iter().map(|k| block(k).to_vec()).collect())
            .collect(),
    }
}

/// Adds the order rows of `sym` to `model`: in every chain, each unit's first column (its
/// first variable argument) at most the next one's (`symmetry.order[i]`, generated rows).
pub fn order_interchangeable(model: &mut Model, sym: &Interchangeable) {
    let mut i = 0;
    for chain in &sym.chains {
        for pair in chain.windows(2) {
            i += 1;
            model.rows.push(Row {
                origin: Origin {
                    decl: "symmetry.order".into(),
                    index: vec![rmod_ir::Elem::Int(i)],
                    span: Default::default(),
                },
                coeffs: vec![(pair[0][0], 1.0), (pair[1][0], -1.0)],
                lower: f64::NEG_INFINITY,
                upper: 0.0,
            });
        }
    }
}

#[cfg(test)]
#[path = "symmetry_tests.rs"]
mod tests;
