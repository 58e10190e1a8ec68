//! The flat MILP that the compiler produces and the solver consumes: columns, rows, one objective, options, solutions, and deterministic LP/MPS writers.
//!
//! Every column and row keeps its [`Origin`]: the declaration and index tuple it came from.

mod affine;
mod cbc_params;
mod cbc_table;
mod options;
mod oracle;
mod reuse;
mod sensitivity;
mod wire;
mod write;

use std::fmt;

use rmod_diagnostics::Span;

pub use affine::Affine;
pub use cbc_params::{cbc_param_name, check_cbc_param, CbcParamError};
pub use cbc_table::{CbcValue, CBC_PARAMS};
pub use options::{
    option_spec, options_markdown, BoundContext, BoundMethodName, Hull, Incumbent, OptValue,
    OptionError, OptionSpec, OptionType, Options, ReluScaling, SolverKind, SplitBounds, SplitOn,
    Symmetry, OPTIONS,
};
pub use oracle::BoundOracle;
pub use sensitivity::{DualsFrom, Sensitivity};
pub use wire::{push_f64, read_wire, write_wire};
pub use write::{legal_names, write_lp, write_mps, LegalNames};

/// A set element: a string or an integer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Elem {
    Str(String),
    Int(i64),
}

impl fmt::Display for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Elem::Str(s) => write!(f, "{s}"),
            Elem::Int(i) => write!(f, "{i}"),
        }
    }
}

impl Elem {
    /// As written in a model: `"R1"` or `3`.
    pub fn to_source(&self) -> String {
        match self {
            Elem::Str(s) => format!("\"{s}\""),
            Elem::Int(i) => i.to_string(),
        }
    }
}

/// Which declaration and index tuple a column or row came from.
#[derive(Debug, Default, PartialEq)]
pub struct Origin {
    pub decl: String,
    pub index: Vec<Elem>,
    /// the declaration in the model source
    pub span: Span,
}

impl Origin {
    /// `feed["R1"]`, `dist["a", 3]`, `x`
    pub fn display(&self) -> String {
        if self.index.is_empty() {
            self.decl.clone()
        } else {
            let parts: Vec<String> = self.index.iter().map(Elem::to_source).collect();
            format!("{}[{}]", self.decl, parts.join(", "))
        }
    }
    /// The index as one key: `R1`, `seattle,new-york`, `` (scalar).
    pub fn index_key(&self) -> String {
        let parts: Vec<String> = self.index.iter().map(Elem::to_string).collect();
        parts.join(",")
    }
    /// A row or column the model declared. Generated ones (a network use's encoding, its input
    /// box and output links) have a `.` in their declaration name: `c.st.h` for a use in `c`.
    ///
    /// ```
    /// # use rmod_ir::Origin;
    /// let o = |decl: &str| Origin { decl: decl.into(), index: vec![], span: Default::default() };
    /// assert!(o("c").is_model() && !o("c.st.h").is_model());
    /// ```
    pub fn is_model(&self) -> bool {
        !self.decl.contains('.')
    }
    /// The model's declaration a row or column belongs to: `c` for `c` and for `c.st.h`.
    ///
    /// ```
    /// # use rmod_ir::Origin;
    /// let o = |decl: &str| Origin { decl: decl.into(), index: vec![], span: Default::default() };
    /// assert_eq!((o("c").model_decl(), o("c.st.h").model_decl()), ("c", "c"));
    /// ```
    pub fn model_decl(&self) -> &str {
        self.decl.split('.').next().unwrap_or("")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColKind {
    Continuous,
    Integer,
    Binary,
}

#[derive(Debug, PartialEq)]
pub struct Column {
    pub origin: Origin,
    pub lower: f64,
    pub upper: f64,
    pub kind: ColKind,
}

/// `lower <= sum(coeffs) <= upper`; equality when both are equal; either may be infinite.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub origin: Origin,
    pub coeffs: Vec<(u32, f64)>,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimize,
    Maximize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub name: String,
    pub sense: Sense,
    pub coeffs: Vec<(u32, f64)>,
    pub constant: f64,
}

#[derive(Debug, Default, PartialEq)]
pub struct Model {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub objective: Option<Objective>,
    pub options: Options,
}

impl Model {
    pub fn n_integer(&self) -> usize {
        self.columns
            .iter()
            .filter(|c| c.kind != ColKind::Continuous)
            .count()
    }
    pub fn n_binary(&self) -> usize {
        self.columns
            .iter()
            .filter(|c| c.kind == ColKind::Binary)
            .count()
    }
    pub fn n_nonzeros(&self) -> usize {
        self.rows.iter().map(|r| r.coeffs.len()).sum()
    }
    /// Objective value at a point (including the constant).
    pub fn objective_value(&self, x: &[f64]) -> f64 {
        self.objective
            .as_ref()
            .map_or(0.0, |o| o.constant + dot(&o.coeffs, x))
    }
    /// Largest violation of any row or column bound (and integrality) at a point, each measured
    /// on its own scale (see [`Model::row_scale`]): a row's violation divided by one plus the
    /// largest of its finite bounds and its terms `|a_j x_j|`, a column bound's by one plus
    /// the bound's magnitude, integrality absolute. Unlike [`Model::max_violation`] it does not
    /// grow with values of unrelated columns; feasibility tests compare it with a tolerance.
    pub fn scaled_violation(&self, x: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        for r in &self.rows {
            let a = dot(&r.coeffs, x);
            let v = (r.lower - a).max(a - r.upper);
            if v > 0.0 || v.is_nan() {
                worst = worst.max(v / row_scale(r, x));
            }
            if a.is_nan() {
                return f64::INFINITY;
            }
        }
        for (c, v) in self.columns.iter().zip(x) {
            if v.is_nan() {
                return f64::INFINITY;
            }
            worst = worst
                .max((c.lower - v) / (1.0 + c.lower.abs()))
                .max((v - c.upper) / (1.0 + c.upper.abs()));
            if c.kind != ColKind::Continuous {
                worst = worst.max((v - v.round()).abs());
            }
        }
        if x.len() < self.columns.len() {
            return f64::INFINITY;
        }
        worst
    }
    /// Largest violation of any row or column bound (and integrality) at a point.
    pub fn max_violation(&self, x: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        for r in &self.rows {
            let a = dot(&r.coeffs, x);
            worst = worst.max(r.lower - a).max(a - r.upper);
        }
        for (c, v) in self.columns.iter().zip(x) {
            worst = worst.max(c.lower - v).max(v - c.upper);
            if c.kind != ColKind::Continuous {
                worst = worst.max((v - v.round()).abs());
            }
        }
        worst
    }
}

/// The scale a row's violation at `x` is measured against: one plus the largest of its finite
/// bounds and its terms `|a_j x_j|` (the row's own magnitudes, never another row's).
pub fn row_scale(r: &Row, x: &[f64]) -> f64 {
    let mut s: f64 = 0.0;
    for b in [r.lower, r.upper] {
        if b.is_finite() {
            s = s.max(b.abs());
        }
    }
    for (c, a) in &r.coeffs {
        s = s.max((a * x.get(*c as usize).copied().unwrap_or(0.0)).abs());
    }
    1.0 + s
}

pub fn dot(coeffs: &[(u32, f64)], x: &[f64]) -> f64 {
    coeffs
        .iter()
        .map(|(c, a)| a * x.get(*c as usize).copied().unwrap_or(0.0))
        .sum()
}

/// What the solver concluded.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Optimal,
    /// stopped at a limit with a feasible point
    Feasible,
    Infeasible,
    Unbounded,
    /// stopped at a limit without a feasible point
    NoSolution,
    Error(String),
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::NoSolution => "no_solution",
            Status::Error(_) => "error",
        }
    }
    /// The documented exit code of `rmod solve`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Status::Optimal => 0,
            Status::Infeasible => 2,
            Status::Unbounded => 3,
            Status::NoSolution => 4,
            Status::Feasible => 5,
            Status::Error(_) => 70,
        }
    }
    pub fn has_point(&self) -> bool {
        matches!(self, Status::Optimal | Status::Feasible)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub status: Status,
    /// objective at the solver's point, including the constant
    pub objective: Option<f64>,
    /// best bound proven by the solver
    pub best_bound: Option<f64>,
    /// one value per column (empty without a point; with status `no_solution`, possibly the
    /// solver's last point, which failed the feasibility check: never to be reported as is)
    pub values: Vec<f64>,
    pub seconds: f64,
    pub iterations: i64,
    /// what the input-space split did, when `option input_split` was used
    pub split: Option<SplitStats>,
}

impl Solution {
    /// A solution without a point (e.g. `NoSolution`: nothing found yet).
    pub fn without_point(status: Status) -> Solution {
        Solution {
            status,
            objective: None,
            best_bound: None,
            values: Vec::new(),
            seconds: 0.0,
            iterations: 0,
            split: None,
        }
    }
}

/// The work of a solve split over cells of the networks' input box.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SplitStats {
    /// the columns split on (model columns that are network inputs)
    pub columns: usize,
    /// cells looked at (including the whole box)
    pub cells: usize,
    /// closed by their LP bound or found empty
    pub pruned: usize,
    /// solved as a MILP (few enough binaries left, or out of cells)
    pub milps: usize,
    /// left unproven at the time limit
    pub open: usize,
}

/// What the networks' bounds prove about a cell of the input split (the compiler's
/// `tighten_cell` computes it by linear bound propagation; the split uses it before any LP).
#[derive(Clone, Debug, PartialEq)]
pub struct CellInfo {
    /// the objective's range over the cell's points (`±inf` where nothing is known)
    pub objective: (f64, f64),
    /// a model row cannot hold anywhere in the cell
    pub infeasible: bool,
    /// a candidate point of the cell (the networks evaluated exactly), for the incumbent; the
    /// search checks it against the whole model before it keeps it
    pub point: Option<Vec<f64>>,
    /// what the cell's children get back from the callback: its own data (the compiler keeps
    /// the networks' bounds in the cell and the objective's slopes there)
    pub state: Vec<f64>,
}

impl Default for CellInfo {
    fn default() -> Self {
        CellInfo {
            objective: (f64::NEG_INFINITY, f64::INFINITY),
            infeasible: false,
            point: None,
            state: Vec::new(),
        }
    }
}

/// One hidden layer of a network use's bounds: interval arithmetic against the bounds used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerStats {
    /// 1-based
    pub layer: usize,
    pub neurons: usize,
    pub ia_unstable: usize,
    pub unstable: usize,
    pub ia_mean_width: f64,
    pub mean_width: f64,
    /// time spent tightening this layer, and the problems solved for it
    pub seconds: f64,
    pub problems: usize,
}

fn _assert_send() {
    fn s<T: Send + Sync>() {}
    s::<Model>();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_display() {
        let o = Origin {
            decl: "x".into(),
            index: vec![Elem::Str("a".into()), Elem::Int(3)],
            span: Span::default(),
        };
        assert_eq!(o.display(), "x[\"a\", 3]");
        assert_eq!(o.index_key(), "a,3");
    }

    #[test]
    fn violation_counts_rows_bounds_and_integrality() {
        let o = Origin {
            decl: "x".into(),
            index: vec![],
            span: Span::default(),
        };
        let m = Model {
            columns: vec![Column {
                origin: o.clone(),
                lower: 0.0,
                upper: 10.0,
                kind: ColKind::Integer,
            }],
            rows: vec![Row {
                origin: o,
                coeffs: vec![(0, 2.0)],
                lower: f64::NEG_INFINITY,
                upper: 5.0,
            }],
            objective: None,
            options: Options::default(),
        };
        assert_eq!(m.max_violation(&[2.0]), 0.0);
        assert!((m.max_violation(&[2.5]) - 0.5).abs() < 1e-12);
        assert!((m.max_violation(&[3.0]) - 1.0).abs() < 1e-12);
        // 2 x <= 5 at x = 3: violation 1 on the scale 1 + max(5, 6)
        assert!((m.scaled_violation(&[3.0]) - 1.0 / 7.0).abs() < 1e-12);
        assert_eq!(m.scaled_violation(&[2.0]), 0.0);
        assert_eq!(m.scaled_violation(&[f64::NAN]), f64::INFINITY);
    }

    #[test]
    fn scaled_violation_ignores_unrelated_magnitudes() {
        // x + y <= -3 violated by 1, next to a column at 1e7 that the row does not contain
        let o = Origin::default();
        let col = |lower, upper| Column {
            origin: o.clone(),
            lower,
            upper,
            kind: ColKind::Continuous,
        };
        let m = Model {
            columns: vec![col(-3.0, 3.0), col(-3.0, 3.0), col(1e7, 2e7)],
            rows: vec![Row {
                origin: o.clone(),
                coeffs: vec![(0, 1.0), (1, 1.0)],
                lower: f64::NEG_INFINITY,
                upper: -3.0,
            }],
            objective: None,
            options: Options::default(),
        };
        let v = m.scaled_violation(&[0.0, -2.0, 1e7]);
        assert!((v - 1.0 / 4.0).abs() < 1e-12, "{v}");
    }
}
