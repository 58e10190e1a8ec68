//! The self-check of network bounds at a point: every true pre-activation must lie within the
//! bounds its encoding used, or the encoding may have cut off the optimum.

use rmod_diagnostics::code;

use rmod_compiler::NetUse;
use rmod_diagnostics::Diagnostic;

/// A neuron whose true pre-activation at a point lies outside the bounds of its encoding.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundViolation {
    pub constraint: String,
    pub layer: usize,
    pub neuron: usize,
    pub value: f64,
    pub bounds: (f64, f64),
}

/// Relative slack of the check: the encoding widens every bound by a relative 1e-9, and a
/// forward pass at a point the solver met within its tolerances may differ by about this much.
const SLACK: f64 = 1e-7;

/// Every neuron of every use whose true pre-activation (a forward pass of the encoded network at
/// the point's inputs) lies outside the bounds the encoding used, worst first.
pub fn bound_violations(uses: &[NetUse], x: &[f64]) -> Vec<BoundViolation> {
    let mut out = Vec::new();
    for u in uses {
        let inputs: Vec<f64> = u.inputs.iter().map(|a| a.eval(x)).collect();
        for (k, (pre, bounds)) in u.encoded.trace(&inputs).iter().zip(&u.pre).enumerate() {
            for (j, (a, (l, h))) in pre.iter().zip(bounds).enumerate() {
                let tol = SLACK * a.abs().max(l.abs()).max(h.abs()).max(1.0);
                if *a < l - tol || *a > h + tol || a.is_nan() {
                    out.push(BoundViolation {
                        constraint: u.constraint.clone(),
                        layer: k,
                        neuron: j,
                        value: *a,
                        bounds: (*l, *h),
                    });
                }
            }
        }
    }
    let excess = |v: &BoundViolation| (v.bounds.0 - v.value).max(v.value - v.bounds.1);
    out.sort_by(|a, b| excess(b).total_cmp(&excess(a)));
    out
}

/// The warning for bound violations found at the reported point.
pub fn bound_check_diagnostic(bad: &[BoundViolation]) -> Diagnostic {
    let w = &bad[0];
    Diagnostic::warning(
        code::RELU_BOUND_CHECK,
        format!(
            "the bounds of {} neuron(s) cut off their true activation at the reported point (worst: `{}` layer {} neuron {}: pre-activation {:.6e} outside [{:.6e}, {:.6e}])",
            bad.len(),
            w.constraint,
            w.layer + 1,
            w.neuron + 1,
            w.value,
            w.bounds.0,
            w.bounds.1
        ),
    )
    .with_help("rmod cannot prove optimality with these bounds; use `option bounds = \"ia\"` for this network and report the network file")
}
