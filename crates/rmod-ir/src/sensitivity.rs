//! The sensitivity of a solved model's LP: row duals, reduced costs and the LP they come from.

/// Which LP the duals belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DualsFrom {
    /// the model is an LP: its own final LP
    Lp,
    /// a MILP: the LP with every integer and binary column fixed at the reported point's value
    FixedMilp,
}

impl DualsFrom {
    /// `lp` or `fixed_milp`, as in the JSON result.
    pub fn as_str(self) -> &'static str {
        match self {
            DualsFrom::Lp => "lp",
            DualsFrom::FixedMilp => "fixed_milp",
        }
    }
}

/// Duals and reduced costs in the model's units, for its own sense: the dual of a row is
/// `d objective / d rhs` (the rate at which the optimum changes when the active side of the
/// row moves up), the reduced cost of a column is `c_j - Σ_i dual_i a_ij` (the rate at which
/// the objective changes when the column is pushed off its bound, the rows adjusting).
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    pub from: DualsFrom,
    /// one per row of the model (generated rows included)
    pub row_duals: Vec<f64>,
    /// one per column of the model
    pub reduced_costs: Vec<f64>,
    /// the objective of the LP the duals belong to (constant included)
    pub lp_objective: f64,
}
