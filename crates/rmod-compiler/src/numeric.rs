//! Numerical hygiene and the range guard: terms of the model's own rows too small to matter in
//! double precision are dropped (each row's sides relaxed by what they could contribute), and
//! a model whose coefficients, bounds or big-M values lie beyond what CBC resolves reliably is
//! refused with an error that names the variable, row or neuron.
//!
//! The thresholds, and why:
//! - [`MAX_MAGNITUDE`] (1e12) for column bounds, row sides and coefficients: CBC treats 1e20 as
//!   infinity and works with absolute tolerances of 1e-9..1e-6 on values scaled to about 1;
//!   beyond 1e12 a bound is a stand-in for "no bound" and a coefficient swamps every tolerance
//!   (seen: `var y in [0, 1e28]` solved as unbounded, `y <= 1e300 * z` as infeasible).
//! - [`MAX_ROW_RANGE`] (1e12) for the ratio of a row's largest to smallest coefficient after
//!   hygiene: the smallest term is then below CBC's relative resolution (a warning starts at
//!   1e9, `rmod::linear::coefficient_range`).
//! - [`MAX_BIG_M`] (1e8) for a network neuron's big-M (in the network's scaled units): the
//!   rows `y <= u z` then let `z` sit 1e-9 off an integer (CBC's integrality tolerance is 1e-6)
//!   with `y` off by 100: outputs drift (seen: 36 "optimal" answers worse than a grid point).
//! - [`NEGLIGIBLE`] (1e-13): a term whose largest contribution `|a| * max|x|` is below this
//!   share of its row's scale changes no activity by more than rounding does.

use rmod_diagnostics::code;

use rmod_diagnostics::Diagnostic;
use rmod_ir::Model;

use crate::NetUse;

pub const MAX_MAGNITUDE: f64 = 1e12;
pub const MAX_ROW_RANGE: f64 = 1e12;
pub const MAX_BIG_M: f64 = 1e8;
pub const NEGLIGIBLE: f64 = 1e-13;

/// Drops the negligible terms of the model's own rows (see [`NEGLIGIBLE`]); each dropped term's
/// largest contribution relaxes its row's sides, so every point feasible before stays feasible.
/// Returns one warning per declaration that lost terms.
pub fn drop_negligible(model: &mut Model) -> Vec<Diagnostic> {
    let mag: Vec<f64> = model
        .columns
        .iter()
        .map(|c| c.lower.abs().max(c.upper.abs()))
        .collect();
    let mut dropped: Vec<(String, usize, f64, rmod_diagnostics::Span)> = Vec::new();
    for r in model.rows.iter_mut().filter(|r| r.origin.is_model()) {
        let term = |(c, a): &(u32, f64)| a.abs() * mag[*c as usize];
        let mut scale: f64 = 0.0;
        for b in [r.lower, r.upper] {
            if b.is_finite() {
                scale = scale.max(b.abs());
            }
        }
        for t in &r.coeffs {
            scale = scale.max(term(t));
        }
        if !scale.is_finite() || scale == 0.0 {
            continue;
        }
        let largest = r.coeffs.iter().fold(0.0f64, |m, (_, a)| m.max(a.abs()));
        if largest > MAX_MAGNITUDE {
            // the range guard refuses this row; nothing is dropped next to a huge coefficient
            continue;
        }
        let mut slack = 0.0;
        let before = r.coeffs.len();
        r.coeffs.retain(|t| {
            let v = term(t);
            // negligible both as a term (over its column's range) and as a coefficient: a term
            // that only looks small next to another column's wide bounds is kept
            let drop =
                v.is_finite() && v <= NEGLIGIBLE * scale && t.1.abs() <= NEGLIGIBLE * largest;
            if drop {
                slack += v;
            }
            !drop
        });
        let n = before - r.coeffs.len();
        if n == 0 {
            continue;
        }
        r.lower -= slack;
        r.upper += slack;
        let decl = r.origin.decl.clone();
        match dropped.iter_mut().find(|d| d.0 == decl) {
            Some(d) => {
                d.1 += n;
                d.2 = d.2.max(slack);
            }
            None => dropped.push((decl, n, slack, r.origin.span)),
        }
    }
    dropped
        .into_iter()
        .map(|(decl, n, slack, span)| {
            Diagnostic::warning(
                code::NUMERIC_NEGLIGIBLE,
                format!("constraint `{decl}`: {n} term(s) too small to matter in double precision were dropped (largest contribution {slack:.1e}, relative to the row below {NEGLIGIBLE:e})"),
            )
            .with_label(span, "terms dropped here")
            .with_help("the rows' sides were relaxed by the dropped terms' largest contribution; rescale the units if these terms matter")
        })
        .collect()
}

/// Errors for everything beyond the thresholds; empty when the model is safe to hand to CBC.
pub fn range_guard(model: &Model, uses: &[NetUse]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    // one error per declaration (and network use) and kind, the worst instance named
    let mut push = |key: String, d: Diagnostic| {
        if !seen.contains(&key) {
            seen.push(key);
            out.push(d);
        }
    };
    let what = |o: &rmod_ir::Origin| {
        if o.is_model() {
            format!("`{}`", o.display())
        } else {
            format!("`{}` (generated for a network use)", o.display())
        }
    };
    for c in &model.columns {
        for b in [c.lower, c.upper] {
            if b.is_finite() && b.abs() > MAX_MAGNITUDE {
                push(
                    format!("bound {}", c.origin.decl),
                    Diagnostic::error(
                        code::NUMERIC_RANGE,
                        format!("variable {} has the bound {b:e}, beyond {MAX_MAGNITUDE:e}", what(&c.origin)),
                    )
                    .with_label(c.origin.span, "declared here")
                    .with_help(if c.origin.is_model() {
                        "CBC cannot solve reliably with such magnitudes: leave the side unbounded (e.g. `var y >= 0`) or rescale the variable's units"
                    } else {
                        "the network's values reach this magnitude over its input box: narrow the box (`input_bounds`, the variables' bounds) or rescale the network's outputs"
                    }),
                );
            }
        }
    }
    for r in &model.rows {
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for (_, a) in &r.coeffs {
            lo = lo.min(a.abs());
            hi = hi.max(a.abs());
        }
        let side = [r.lower, r.upper]
            .into_iter()
            .filter(|b| b.is_finite())
            .fold(0.0f64, |m, b| m.max(b.abs()));
        let problem = if hi > MAX_MAGNITUDE {
            Some(format!("a coefficient of {hi:e}, beyond {MAX_MAGNITUDE:e}"))
        } else if side > MAX_MAGNITUDE {
            Some(format!(
                "a right-hand side of {side:e}, beyond {MAX_MAGNITUDE:e}"
            ))
        } else if hi / lo > MAX_ROW_RANGE {
            Some(format!(
                "coefficients spanning {:.1e}, beyond {MAX_ROW_RANGE:e}",
                hi / lo
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            push(
                format!("row {}", r.origin.decl),
                Diagnostic::error(
                    code::NUMERIC_RANGE,
                    format!("row {} has {p}", what(&r.origin)),
                )
                .with_label(r.origin.span, "this constraint")
                .with_help(if r.origin.is_model() {
                    "CBC cannot solve this row reliably: rescale the units of its variables so that coefficients and sides lie within 1e-6..1e6 of each other"
                } else {
                    "the network's weights or scaling reach this magnitude: rescale the network (`rmod net scale`, `option relu_scaling = \"bigm\"`) or its output scaling"
                }),
            );
        }
    }
    if let Some(o) = &model.objective {
        if let Some((_, a)) = o.coeffs.iter().find(|(_, a)| a.abs() > MAX_MAGNITUDE) {
            push(
                "objective".into(),
                Diagnostic::error(
                    code::NUMERIC_RANGE,
                    format!("objective `{}` has a coefficient of {a:e}, beyond {MAX_MAGNITUDE:e}", o.name),
                )
                .with_help("rescale the objective (e.g. divide it by a constant) or the units of its variables"),
            );
        }
    }
    for u in uses {
        let mut worst: Option<(usize, usize, f64)> = None;
        for (k, (layer, pre)) in u.encoded.layers.iter().zip(&u.pre).enumerate() {
            for (j, (l, h)) in pre.iter().enumerate() {
                if layer.activation.state((*l, *h)) != Some(rmod_relu::NeuronState::Unstable) {
                    continue;
                }
                let m = (-l).max(*h);
                if m > MAX_BIG_M && worst.is_none_or(|w| m > w.2) {
                    worst = Some((k, j, m));
                }
            }
        }
        if let Some((k, j, m)) = worst {
            push(
                format!("bigm {}", u.constraint),
                Diagnostic::error(
                    code::NUMERIC_RANGE,
                    format!("network `{}` in `{}`: neuron {} of layer {} needs a big-M of {m:.1e}, beyond {MAX_BIG_M:e}", u.net, u.constraint, j + 1, k + 1),
                )
                .with_help("the MILP would be solved only within tolerances: narrow the input box, tighten the bounds (`bounds = \"lp\"`), or rescale the network (`option relu_scaling = \"bigm\"`, `rmod net scale`)"),
            );
        }
    }
    out
}
