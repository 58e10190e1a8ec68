//! The trust region at a point: which inputs of the network uses declared with
//! `domain = "data"` sit on the boundary of the training data's box, and the warning
//! `rmod::relu::at_data_boundary` that says so.

use rmod_diagnostics::{code, Diagnostic};
use rmod_ir::{Affine, Model};

use crate::NetUse;

/// How close (relative to the bound's magnitude and the box's width, at least 1) an input must be
/// to a side of the data box to count as on it.
pub const BOUNDARY_TOL: f64 = 1e-6;

/// One input of one use on a side of the training data's box.
#[derive(Clone, Debug, PartialEq)]
pub struct AtBoundary {
    /// the use, e.g. `model["R1"]`
    pub constraint: String,
    pub net: String,
    /// the network's name of the input (`input k` without one)
    pub input: String,
    /// the argument as the model writes it when it is one variable, e.g. `x[2]`
    pub argument: Option<String>,
    /// true: the upper end of the data
    pub upper: bool,
    /// the side's value
    pub bound: f64,
}

impl AtBoundary {
    /// "x[2] (input `T` of `model["R1"]`) at the upper end of the training data (50)".
    pub fn describe(&self) -> String {
        let side = if self.upper { "upper" } else { "lower" };
        let what = match &self.argument {
            Some(a) => format!("{a} (input `{}` of {})", self.input, self.constraint),
            None => format!("input `{}` of {}", self.input, self.constraint),
        };
        format!(
            "{what} at the {side} end of the training data ({})",
            self.bound
        )
    }
}

fn argument(model: &Model, a: &Affine) -> Option<String> {
    match (a.coeffs.as_slice(), a.constant) {
        ([(c, k)], z) if *k == 1.0 && z == 0.0 => {
            model.columns.get(*c as usize).map(|c| c.origin.display())
        }
        _ => None,
    }
}

/// Every input of a `domain = "data"` use (switched uses only while on) that lies on a side of
/// its data box at `x`, in use order, then input order.
pub fn data_boundary(model: &Model, uses: &[NetUse], x: &[f64]) -> Vec<AtBoundary> {
    let mut out = Vec::new();
    for u in uses {
        let Some(data) = &u.data_box else { continue };
        if u.switch.as_ref().is_some_and(|s| !s.is_on(x)) {
            continue;
        }
        let args = u.switch.as_ref().map_or(&u.inputs, |s| &s.args);
        for (k, ((lo, hi), a)) in data.iter().zip(&u.inputs).enumerate() {
            let v = a.eval(x);
            let input = u
                .network
                .inputs
                .as_ref()
                .and_then(|n| n.get(k).cloned())
                .unwrap_or_else(|| format!("input {}", k + 1));
            for (bound, upper) in [(*lo, false), (*hi, true)] {
                let tol = BOUNDARY_TOL * bound.abs().max(hi - lo).max(1.0);
                if (v - bound).abs() <= tol {
                    out.push(AtBoundary {
                        constraint: u.constraint.clone(),
                        net: u.net.clone(),
                        input: input.clone(),
                        argument: args.get(k).and_then(|a| argument(model, a)),
                        upper,
                        bound,
                    });
                    break;
                }
            }
        }
    }
    out
}

/// One warning per use with inputs on its data box's boundary.
pub fn boundary_diagnostics(found: &[AtBoundary]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let j = found[i..]
            .iter()
            .position(|b| b.constraint != found[i].constraint)
            .map_or(found.len(), |p| i + p);
        let list: Vec<String> = found[i..j].iter().map(AtBoundary::describe).collect();
        out.push(
            Diagnostic::warning(
                code::RELU_AT_DATA_BOUNDARY,
                format!(
                    "the optimum sits on the training data's boundary: {}",
                    list.join("; ")
                ),
            )
            .with_help(format!(
                "network `{}` is restricted to its training data (`domain = \"data\"`), and that limits the optimum; collect data beyond that side and retrain to see whether it is better there",
                found[i].net
            )),
        );
        i = j;
    }
    out
}
