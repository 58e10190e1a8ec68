//! Certified lower bounds on `min c·x + constant` over the LP relaxation of a [`Model`]:
//! Clp (through its C interface) supplies row multipliers `y`, and the Neumaier–Shcherbina
//! argument turns *any* `y` into a bound that holds for the exact (real-number) LP defined by
//! the model's `f64` data, whatever rounding Clp or this module commits.
//!
//! For every `x` in the column box with `lower_i <= (A x)_i <= upper_i`:
//!
//! ```text
//! c·x = Σ_i y_i (A x)_i + Σ_j r_j x_j,        r = c - Aᵀ y   (exactly)
//!     >= Σ_i y_i · (lower_i if y_i > 0, upper_i if y_i < 0)
//!      + Σ_j r_j · (l_j if r_j > 0, u_j if r_j < 0)
//! ```
//!
//! A multiplier whose row side is infinite is replaced by 0 (still a valid `y`). `r` is kept
//! exactly, as a floating-point expansion per column (error-free products and sums), so its
//! sign is known for certain; a column whose `r_j` is not exactly 0 and needs an infinite bound
//! gives no bound. The final sum of products is made safe by an outward margin (see
//! `Acc::bound`).

use std::cmp::Ordering;
use std::marker::{PhantomData, PhantomPinned};
use std::os::raw::c_int;
use std::ptr::NonNull;

use rmod_ir::{Model, Row};

/// Clp's opaque `Clp_Simplex` (a struct holding a `ClpSimplex*` and a message handler).
#[repr(C)]
struct ClpSimplex {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

// Declarations from Clp/Clp/src/Clp_C_Interface.h (clp-src 0.2.9+1.17.10), compiled into the
// `libClp` that clp-src builds (Clp_C_Interface.cpp is in its clp_lib_sources.txt) and linked
// through `cbc_src` -> `clp_src`. On this platform COINLINKAGE is empty (C calling convention),
// the header wraps the declarations in `extern "C"`, and `CoinBigIndex` is `int`
// (COIN_BIG_INDEX defaults to 0 in CoinTypes.hpp; clp-src defines no other value).
extern "C" {
    fn Clp_newModel() -> *mut ClpSimplex;
    fn Clp_deleteModel(model: *mut ClpSimplex);
    fn Clp_loadProblem(
        model: *mut ClpSimplex,
        numcols: c_int,
        numrows: c_int,
        start: *const c_int,
        index: *const c_int,
        value: *const f64,
        collb: *const f64,
        colub: *const f64,
        obj: *const f64,
        rowlb: *const f64,
        rowub: *const f64,
    );
    fn Clp_setLogLevel(model: *mut ClpSimplex, value: c_int);
    fn Clp_setMaximumSeconds(model: *mut ClpSimplex, value: f64);
    fn Clp_setOptimizationDirection(model: *mut ClpSimplex, value: f64);
    fn Clp_initialSolve(model: *mut ClpSimplex) -> c_int;
    fn Clp_isProvenOptimal(model: *mut ClpSimplex) -> c_int;
    fn Clp_getNumRows(model: *mut ClpSimplex) -> c_int;
    fn Clp_getRowPrice(model: *mut ClpSimplex) -> *const f64;
    fn Clp_getObjValue(model: *mut ClpSimplex) -> f64;
    fn Clp_getColSolution(model: *mut ClpSimplex) -> *const f64;
}

/// Owns one `Clp_Simplex`; deletes it on drop.
struct Clp(NonNull<ClpSimplex>);

impl Clp {
    fn new() -> Option<Clp> {
        // SAFETY: Clp_newModel has no preconditions; it returns a fresh heap object (C++ `new`),
        // which this guard owns from here on.
        NonNull::new(unsafe { Clp_newModel() }).map(Clp)
    }
    fn ptr(&self) -> *mut ClpSimplex {
        self.0.as_ptr()
    }
}

impl Drop for Clp {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Clp_newModel and is deleted exactly once, here; no
        // pointer into the model outlives the guard (row prices are copied out before).
        unsafe { Clp_deleteModel(self.0.as_ptr()) }
    }
}

/// Clp's infinity is COIN_DBL_MAX (`f64::MAX`; it also treats |bounds| > 1e27 as infinite).
fn to_clp(v: f64) -> f64 {
    if v == f64::INFINITY {
        f64::MAX
    } else if v == f64::NEG_INFINITY {
        -f64::MAX
    } else {
        v
    }
}

/// A certified lower bound on `min objective·x + constant` over the LP relaxation of `model`
/// (every column continuous within its bounds, every row `lower <= Σ a x <= upper`; the
/// model's own objective and options are ignored). Clp solves the LP (no more than
/// `time_limit` seconds; Clp counts the process's CPU time) and its row duals enter the
/// Neumaier–Shcherbina bound (module docs), which holds for the exact LP whatever rounding
/// happened. `None` when Clp does not finish optimal (infeasible, unbounded, stopped), when
/// the duals need an infinite column bound (a column with an infinite bound whose exact
/// reduced cost is not 0), or when the data is not finite / refers to missing columns.
pub fn certified_min(
    model: &Model,
    objective: &[(u32, f64)],
    constant: f64,
    time_limit: Option<f64>,
) -> Option<f64> {
    certified_min_with(model, objective, constant, time_limit, |m, obj, t| {
        clp_solve(m, obj, t).map(|r| r.0)
    })
}

/// [`certified_min`] with the row multipliers from `duals` (the LP `min objective·x` over the
/// model's rows and column bounds, solved by some backend within a time limit): whatever it
/// returns, the bound is valid; the LP's optimal duals make it tight.
pub(crate) fn certified_min_with(
    model: &Model,
    objective: &[(u32, f64)],
    constant: f64,
    time_limit: Option<f64>,
    duals: impl FnOnce(&Model, &[(u32, f64)], Option<f64>) -> Option<Vec<f64>>,
) -> Option<f64> {
    if !valid(model, objective, constant) {
        return None;
    }
    if time_limit.is_some_and(|t| t.is_nan() || t <= 0.0) {
        return None;
    }
    let m = model.rows.len();
    let y = if model.columns.is_empty() {
        // every row's activity is 0
        if model.rows.iter().all(|r| r.lower <= 0.0 && 0.0 <= r.upper) {
            vec![0.0; m]
        } else {
            return None;
        }
    } else if m == 0 {
        // a box: the bound below is its exact minimum (no LP to solve)
        if model.columns.iter().any(|c| c.lower > c.upper) {
            return None;
        }
        Vec::new()
    } else {
        duals(model, objective, time_limit)?
    };
    safe_bound(model, objective, constant, &y)
}

/// Finite coefficients and constant, no NaN bounds, every column index in range.
fn valid(model: &Model, objective: &[(u32, f64)], constant: f64) -> bool {
    let n = model.columns.len();
    let entry_ok = |&(c, a): &(u32, f64)| (c as usize) < n && a.is_finite();
    constant.is_finite()
        && objective.iter().all(entry_ok)
        && model
            .columns
            .iter()
            .all(|c| !c.lower.is_nan() && !c.upper.is_nan())
        && model
            .rows
            .iter()
            .all(|r| !r.lower.is_nan() && !r.upper.is_nan() && r.coeffs.iter().all(entry_ok))
}

/// Solves `min objective·x` (no constant) over the LP relaxation with Clp: the row duals (Clp's
/// row price: reduced costs are `c - Aᵀy`, so `y_i > 0` prices a row's lower side in a
/// minimization) and Clp's objective value, when Clp proves optimality. Needs at least one
/// column and one row (Clp's loader builds an empty matrix without rows).
pub(crate) fn clp_solve(
    model: &Model,
    objective: &[(u32, f64)],
    time_limit: Option<f64>,
) -> Option<(Vec<f64>, f64, Vec<f64>)> {
    let n = model.columns.len();
    let m = model.rows.len();
    if n == 0 || m == 0 {
        return None;
    }
    let n_c = c_int::try_from(n).ok()?;
    let m_c = c_int::try_from(m).ok()?;
    // column-major, duplicates within a column merged (as in `load`)
    let mut by_col: Vec<Vec<(c_int, f64)>> = vec![Vec::new(); n];
    for (ri, r) in model.rows.iter().enumerate() {
        let ri = c_int::try_from(ri).ok()?;
        for &(c, a) in &r.coeffs {
            by_col.get_mut(c as usize)?.push((ri, a));
        }
    }
    let mut start: Vec<c_int> = Vec::with_capacity(n + 1);
    let mut index: Vec<c_int> = Vec::new();
    let mut value: Vec<f64> = Vec::new();
    start.push(0);
    for col in &mut by_col {
        col.sort_by_key(|&(r, _)| r);
        let first = index.len();
        for &(r, a) in col.iter() {
            if index.len() > first && index.last() == Some(&r) {
                if let Some(v) = value.last_mut() {
                    *v += a;
                }
            } else {
                index.push(r);
                value.push(a);
            }
        }
        start.push(c_int::try_from(index.len()).ok()?);
    }
    let collb: Vec<f64> = model.columns.iter().map(|c| to_clp(c.lower)).collect();
    let colub: Vec<f64> = model.columns.iter().map(|c| to_clp(c.upper)).collect();
    let rowlb: Vec<f64> = model.rows.iter().map(|r| to_clp(r.lower)).collect();
    let rowub: Vec<f64> = model.rows.iter().map(|r| to_clp(r.upper)).collect();
    let mut obj = vec![0.0; n];
    for &(c, a) in objective {
        *obj.get_mut(c as usize)? += a;
    }
    let clp = Clp::new()?;
    let p = clp.ptr();
    // SAFETY: `p` is a live model owned by `clp`. Clp_loadProblem copies its inputs: `start`
    // holds n + 1 offsets into `index`/`value` (start[n] = their length, possibly 0: Clp then
    // copies nothing, and a Vec's pointer is non-null even when empty), `collb`, `colub`,
    // `obj` hold n values and `rowlb`, `rowub` m values, all finite or ±f64::MAX, row indices
    // in 0..m. The setters take plain values. Clp_initialSolve works on the loaded model.
    unsafe {
        Clp_setLogLevel(p, 0);
        Clp_setOptimizationDirection(p, 1.0);
        Clp_loadProblem(
            p,
            n_c,
            m_c,
            start.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
            collb.as_ptr(),
            colub.as_ptr(),
            obj.as_ptr(),
            rowlb.as_ptr(),
            rowub.as_ptr(),
        );
        if let Some(t) = time_limit.filter(|t| t.is_finite()) {
            // seconds of process CPU time from now
            Clp_setMaximumSeconds(p, t);
        }
        let quiet = crate::quiet::StdoutToStderr::new();
        Clp_initialSolve(p);
        drop(quiet);
        if Clp_isProvenOptimal(p) == 0 || Clp_getNumRows(p) != m_c {
            return None;
        }
    }
    // SAFETY: `p` is live; the row price array belongs to the model.
    let price = unsafe { Clp_getRowPrice(p) };
    if price.is_null() {
        return None;
    }
    // SAFETY: after a solve Clp's row price array holds numberRows (= m, checked above)
    // doubles; it stays valid until the model is changed or deleted, and is copied out here
    // while `clp` is alive and untouched.
    let y = unsafe { std::slice::from_raw_parts(price, m) }.to_vec();
    // SAFETY: `p` is live.
    let obj_value = unsafe { Clp_getObjValue(p) };
    // SAFETY: `p` is live; after a solve the column solution holds n (= numberColumns, loaded
    // above) doubles, copied out while `clp` is alive and untouched.
    let x = unsafe {
        let sol = Clp_getColSolution(p);
        if sol.is_null() {
            return None;
        }
        std::slice::from_raw_parts(sol, n).to_vec()
    };
    Some((y, obj_value, x))
}

/// The optimal point of the LP relaxation of `model` (its objective, every column continuous),
/// solved by Clp within `time_limit` seconds (of CPU time; CBC's C interface ignores limits for
/// pure LPs). `None` if Clp does not prove optimality in time.
pub fn lp_point(model: &Model, time_limit: Option<f64>) -> Option<Vec<f64>> {
    let obj = model.objective.as_ref()?;
    let sign = match obj.sense {
        rmod_ir::Sense::Minimize => 1.0,
        rmod_ir::Sense::Maximize => -1.0,
    };
    let coeffs: Vec<(u32, f64)> = obj.coeffs.iter().map(|(c, a)| (*c, sign * a)).collect();
    if !valid(model, &coeffs, 0.0) || time_limit.is_some_and(|t| t.is_nan() || t <= 0.0) {
        return None;
    }
    clp_solve(model, &coeffs, time_limit).map(|r| r.2)
}

/// The Neumaier–Shcherbina bound (module docs) for the row multipliers `y` (one per row; any
/// values: each is used as given, or as 0 where its row side is infinite or it is tiny).
/// `None` when a column with an infinite bound has a nonzero exact reduced cost pointing at
/// that bound, or on overflow or non-finite input.
fn safe_bound(model: &Model, objective: &[(u32, f64)], constant: f64, y: &[f64]) -> Option<f64> {
    if y.len() != model.rows.len() {
        return None;
    }
    let mut acc = Acc::default();
    acc.add(constant);
    // r_j = c_j - Σ_i y_i a_ij, exactly, as an expansion per column (every objective and row
    // entry on its own, so duplicates count as the model means them)
    let mut r: Vec<Vec<f64>> = vec![Vec::new(); model.columns.len()];
    for &(c, a) in objective {
        if !a.is_finite() {
            return None;
        }
        grow(r.get_mut(c as usize)?, a)?;
    }
    for (row, &yi) in model.rows.iter().zip(y) {
        let yi = multiplier(row, yi)?;
        if yi == 0.0 {
            continue;
        }
        // y_i (A x)_i >= y_i lower_i (y_i > 0) or y_i upper_i (y_i < 0); the side is finite
        let side = if yi > 0.0 { row.lower } else { row.upper };
        acc.add(yi * side);
        for &(c, a) in &row.coeffs {
            if !a.is_finite() {
                return None;
            }
            let (p, e) = two_product(a, yi)?;
            let rc = r.get_mut(c as usize)?;
            grow(rc, -p)?;
            grow(rc, -e)?;
        }
    }
    for (col, h) in model.columns.iter().zip(&r) {
        // r_j x_j >= r_j l_j (r_j > 0) or r_j u_j (r_j < 0); r_j = Σ_k h_k exactly
        let side = match expansion_sign(h)? {
            Ordering::Equal => continue,
            Ordering::Greater => col.lower,
            Ordering::Less => col.upper,
        };
        if !side.is_finite() {
            return None;
        }
        for &hk in h {
            acc.add(hk * side);
        }
    }
    acc.bound()
}

/// The multiplier used for a row: `y`, or 0 when the row side it prices is infinite (lower for
/// `y > 0`, upper for `y < 0`) or `|y| < 1e-200` (keeps the exact products clear of underflow;
/// any multiplier is valid). `None` for a non-finite `y`.
fn multiplier(row: &Row, y: f64) -> Option<f64> {
    if !y.is_finite() {
        return None;
    }
    if y.abs() < 1e-200 {
        return Some(0.0);
    }
    let side = if y > 0.0 { row.lower } else { row.upper };
    Some(if side.is_finite() { y } else { 0.0 })
}

/// `(s, e)` with `s = fl(a + b)` and `s + e = a + b` exactly (Knuth's TwoSum; round to
/// nearest, no overflow — an overflow shows as a non-finite `s`).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// `(p, e)` with `p = fl(a b)` and `p + e = a b` exactly (`e` from a fused multiply-add, one
/// rounding). Exact unless `a b` is so small that `e` would underflow (exponent of `a b`
/// below about -968), or overflows: then `None`.
fn two_product(a: f64, b: f64) -> Option<(f64, f64)> {
    let p = a * b;
    if !p.is_finite() {
        return None;
    }
    if a == 0.0 || b == 0.0 {
        return Some((0.0, 0.0));
    }
    // 1e-290 > 2^-968: the error term ab - p is a multiple of ulp(a)·ulp(b) >= 2^-1074 here
    if p.abs() < 1e-290 {
        return None;
    }
    Some((p, a.mul_add(b, -p)))
}

/// Adds `b` to the expansion `e` exactly (Shewchuk's Grow-Expansion with zero elimination:
/// `Σ e` afterwards is `Σ e + b` exactly; nonzero components, nonoverlapping, increasing
/// magnitude). `None` on overflow.
fn grow(e: &mut Vec<f64>, b: f64) -> Option<()> {
    if b == 0.0 {
        return Some(());
    }
    let mut q = b;
    e.retain_mut(|h| {
        let (s, err) = two_sum(q, *h);
        q = s;
        *h = err;
        err != 0.0
    });
    if !q.is_finite() || e.iter().any(|h| !h.is_finite()) {
        return None;
    }
    if q != 0.0 {
        e.push(q);
    }
    Some(())
}

/// The exact sign of `Σ h` for an expansion without zero components: the sign of its largest
/// component, once that is checked to outweigh all others together (computed sum of their
/// magnitudes, inflated past its rounding error). `None` if the check fails (it cannot for a
/// nonoverlapping expansion).
fn expansion_sign(h: &[f64]) -> Option<Ordering> {
    let Some((top_i, top)) = h
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    else {
        return Some(Ordering::Equal);
    };
    if top == 0.0 {
        // zero components are eliminated; keep an all-zero input exact anyway
        return h.iter().all(|v| *v == 0.0).then_some(Ordering::Equal);
    }
    let rest: f64 = h
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != top_i)
        .map(|(_, v)| v.abs())
        .sum();
    let k = h.len() as f64 + 2.0;
    if rest * (1.0 + 4.0 * k * f64::EPSILON) < top.abs() {
        Some(if top > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        })
    } else {
        None
    }
}

/// A sum of terms, each a single `f64` product of two floats (or an exact float), with the sum
/// of their magnitudes for the rounding margin.
#[derive(Default)]
struct Acc {
    sum: f64,
    abs: f64,
    terms: usize,
    failed: bool,
}

impl Acc {
    fn add(&mut self, t: f64) {
        if t.is_finite() {
            self.sum += t;
            self.abs += t.abs();
            self.terms += 1;
        } else {
            self.failed = true;
        }
    }

    /// A number `<=` the exact sum of the exact terms.
    ///
    /// With `u = ε/2` and `N` terms, each a product `fl(x y) = x y (1 + δ)` summed in order,
    /// the computed sum is within `γ_N Σ|x y|` of the exact one (Higham, *Accuracy and
    /// Stability of Numerical Algorithms*, (3.5): `γ_N = N u / (1 - N u)`), and the computed
    /// `Σ|fl(x y)|` (call it `a`) is at least `(1 - γ_N) Σ|x y|`. For `N u <= 1e-3` the error
    /// is at most `0.51 N ε a`. The margin `2 (N + 2) ε a` covers that, its own rounding (a
    /// few relative `u`) and that of the final subtraction (`u (|sum| + margin)`,
    /// `|sum| <= 1.01 a`) with room to spare. Underflowing products add at most `2^-1075`
    /// each, covered by `(N + 2) · f64::MIN_POSITIVE` (or, when that is lost to rounding in a
    /// large margin, by the margin's spare part).
    fn bound(&self) -> Option<f64> {
        if self.failed {
            return None;
        }
        let k = self.terms as f64 + 2.0;
        if k * f64::EPSILON > 1e-3 {
            return None;
        }
        let margin = 2.0 * k * f64::EPSILON * self.abs + k * f64::MIN_POSITIVE;
        let b = self.sum - margin;
        b.is_finite().then_some(b)
    }
}

#[cfg(test)]
#[path = "certified_tests.rs"]
mod tests;
