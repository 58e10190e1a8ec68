//! Encoding one network use after the last statement: the input box, bounds (cache, method,
//! context, self-check), the big-M rows and the output link.

use rmod_diagnostics::code;

use std::sync::Arc;

use rmod_diagnostics::Diagnostic;
use rmod_ir::{Affine, Elem, Origin, Row};

use super::net_calls::PendingUse;
use super::{Evaluator, R};
use crate::NetUse;

impl Evaluator<'_> {
    /// Bounds, encoding and output link of one network use.
    pub(super) fn encode_use(&mut self, p: PendingUse) -> R<()> {
        let PendingUse {
            net_name,
            path,
            net,
            names,
            inputs: args,
            out_cols,
            base,
            key,
            span,
        } = p;
        let key = key.as_slice();
        let mut inputs = Vec::with_capacity(args.len());
        let mut boxes = Vec::with_capacity(args.len());
        for (i, (aff, e_span)) in args.into_iter().enumerate() {
            let (mut lo, mut hi) = aff.bounds(&self.model);
            if let Some(b) = &net.input_bounds {
                lo = lo.max(b[i].0);
                hi = hi.min(b[i].1);
            }
            if !lo.is_finite() || !hi.is_finite() {
                return Err(self.err(
                    Diagnostic::error(code::RELU_UNBOUNDED_INPUT, format!("input `{}` of network `{net_name}` is unbounded", names[i]))
                        .with_label(e_span, format!("this expression has bounds [{lo}, {hi}]"))
                        .with_help(format!("bound the variables in this expression (e.g. `var x in [lo, hi]`) or give `input_bounds` in {path}")),
                ));
            }
            if lo > hi + 1e-9 * (1.0 + hi.abs()) {
                return Err(self.err(
                    Diagnostic::error(code::RELU_EMPTY_INPUT_BOX, format!("input `{}` of network `{net_name}` has no feasible value", names[i]))
                        .with_label(e_span, format!("bounds intersect to [{lo}, {hi}]"))
                        .with_help(format!("the model's bounds on this expression do not meet the `input_bounds` of {path}")),
                ));
            }
            self.restrict_to_box(&aff, (lo, hi.max(lo)), &base, key, i, span);
            inputs.push(aff);
            boxes.push((lo, hi.max(lo)));
        }
        // the network as encoded: the file's, or rescaled (the same function)
        let encoded = match self.model.options.relu_scaling {
            Some(rmod_ir::ReluScaling::Bigm) => Arc::new(rmod_relu::scale_network(
                &net,
                &boxes,
                rmod_relu::ReluScaling::BigM,
            )),
            Some(rmod_ir::ReluScaling::Balanced) => Arc::new(rmod_relu::scale_network(
                &net,
                &boxes,
                rmod_relu::ReluScaling::Balanced,
            )),
            _ => net.clone(),
        };
        // weights that cannot matter in double precision go; bounds widen by what they could do
        let (_, slo, shi) = rmod_relu::scale_inputs(&encoded, &inputs, &boxes);
        let (cleaned, hygiene) = rmod_relu::clean(&encoded, &slo, &shi);
        let encoded = if hygiene.dropped > 0 {
            self.warn_once(
                Diagnostic::warning(
                    code::RELU_NEGLIGIBLE_WEIGHTS,
                    format!(
                        "network `{net_name}`: {} weight(s) too small to matter in double precision over its input box were dropped (largest contribution {:.1e})",
                        hygiene.dropped, hygiene.largest
                    ),
                )
                .with_label(span, "in this use")
                .with_help(format!("every bound was widened by their worst-case contribution, so the encoding stays valid for the exact network; set them to 0 in {path} to silence this")),
            );
            Arc::new(cleaned)
        } else {
            encoded
        };
        use rmod_ir::BoundMethodName as M;
        let chosen = self
            .net_bounds
            .get(&net_name)
            .copied()
            .or(self.model.options.bounds)
            // the default: LP-OBBT where a solver is at hand (BENCHMARKS.md), else interval
            // arithmetic; the report names the method used
            .unwrap_or(if self.oracle.is_some() { M::Lp } else { M::Ia });
        let method_name = chosen.as_str();
        let model_context = self
            .net_context
            .get(&net_name)
            .or(self.model.options.bound_context.as_ref())
            .is_some_and(|c| *c == rmod_ir::BoundContext::Model);
        let time_limit = self.model.options.bound_time_limit.unwrap_or(1.0);
        let method = match (chosen, self.oracle) {
            (M::Ia, _) => rmod_relu::BoundMethod::Ia,
            (M::Crown, _) => rmod_relu::BoundMethod::Crown,
            (M::Lp, Some(o)) => rmod_relu::BoundMethod::Lp(o),
            (M::Milp, Some(o)) => rmod_relu::BoundMethod::Milp(o, time_limit),
            _ => {
                return Err(self.err(
                    Diagnostic::error(code::RELU_BOUNDS_UNAVAILABLE, format!("bounds \"{method_name}\" need a solver, and none was given to the compiler"))
                        .with_label(span, "network use")
                        .with_help("run through the `rmod` command, which provides CBC, or use `option bounds = \"ia\";`"),
                ))
            }
        };
        // only bound problems can see the model's rows
        let model_context = model_context && matches!(chosen, M::Lp | M::Milp);
        let cache_key = match (self.cache, chosen) {
            (Some(_), M::Lp | M::Milp) => Some(crate::cache::key(
                &encoded,
                &boxes,
                method_name,
                time_limit,
                model_context.then_some((&self.model, inputs.as_slice())),
            )),
            _ => None,
        };
        let cached = match (self.cache, &cache_key) {
            (Some(c), Some(k)) => c
                .get(k)
                .and_then(|text| rmod_relu::Bounds::from_text(&encoded, &text, &boxes)),
            _ => None,
        };
        let bounds = match cached {
            Some(b) => b,
            None => {
                let b = rmod_relu::compute_bounds(
                    &encoded,
                    &self.model,
                    &inputs,
                    &boxes,
                    &method,
                    model_context,
                    self.deadline,
                );
                if let (Some(c), Some(k), true) = (self.cache, &cache_key, b.complete) {
                    c.put(k, &b.to_text());
                }
                b
            }
        };
        let mut bounds = bounds;
        // bounds from a solver must admit every true activation (CROWN's are sound by
        // construction and get the same cheap check): forward passes at samples of the box
        // (for the network context; a model context's bounds hold only on the model's
        // feasible points, which the solve's checks see)
        if bounds.method != "ia" && bounds.context == "network" {
            if let Some(f) = rmod_relu::self_check(&encoded, &mut bounds.pre, &slo, &shi, 512) {
                self.warn_once(
                    Diagnostic::warning(
                        code::RELU_BOUND_CHECK,
                        format!(
                            "network `{net_name}`: {} bound(s) cut off a true activation at a sample point (first: layer {} neuron {}, pre-activation {:.6e} outside [{:.6e}, {:.6e}]); from layer {} on, interval bounds are used",
                            f.neurons, f.layer + 1, f.neuron + 1, f.value, f.bounds.0, f.bounds.1, f.layer + 1
                        ),
                    )
                    .with_label(span, "in this use")
                    .with_help("the bound tightening's solver worked within its tolerances; the encoding stays exact with interval bounds there. Report the network file"),
                );
            }
        }
        if hygiene.dropped > 0 {
            rmod_relu::widen_by_margin(&mut bounds.pre, &hygiene.margin);
        }
        let name = rmod_relu::UseName {
            base: &base,
            index: key,
            span,
        };
        let enc = rmod_relu::encode(&encoded, &mut self.model, &inputs, &name, &bounds);
        // link outputs: lhs = output (model units)
        for (j, (col, out)) in out_cols.iter().zip(&enc.outputs).enumerate() {
            let mut e = Affine::var(*col);
            e.add_scaled(out, -1.0);
            let e = e.normalized();
            let c = -e.constant;
            self.push_use_row(format!("{base}.out"), key, j, e.coeffs, (c, c), span);
            let (p, q) = enc.output_bounds[j];
            let c = &mut self.model.columns[*col as usize];
            let (nl, nu) = (
                c.lower.max(p - 1e-9 * p.abs().max(1.0)),
                c.upper.min(q + 1e-9 * q.abs().max(1.0)),
            );
            if nl <= nu {
                c.lower = nl;
                c.upper = nu;
            }
        }
        if !enc.large_m.is_empty() {
            let worst = enc.large_m.iter().map(|n| n.m).fold(0.0, f64::max);
            self.warn_once(
                Diagnostic::warning(code::RELU_LARGE_BIG_M, format!("{} neuron(s) of network `{net_name}` have big-M values above 1e4 (largest {worst:.3e})", enc.large_m.len()))
                    .with_label(span, "in this use")
                    .with_help("tighten the input bounds, or retrain with regularization; large M values make CBC slow and numerically fragile"),
            );
        }
        let display = Origin {
            decl: base.split('.').next().unwrap_or("").to_string(),
            index: key.to_vec(),
            span,
        }
        .display();
        self.uses.push(NetUse {
            net: net_name,
            file: path,
            constraint: display,
            network: net,
            encoded,
            inputs,
            outputs: out_cols,
            columns: enc.columns,
            m_rows: enc.m_rows,
            pre: bounds.pre.clone(),
            stats: enc.stats,
        });
        Ok(())
    }

    /// The network is defined on its input box (the file's `input_bounds`): where the box is
    /// narrower than the model's bounds on argument `i`, the model is restricted to it, through
    /// the column's bounds for a single variable, else by a row `BASE.box[key.., i]`.
    fn restrict_to_box(
        &mut self,
        aff: &Affine,
        (lo, hi): (f64, f64),
        base: &str,
        key: &[Elem],
        i: usize,
        span: rmod_diagnostics::Span,
    ) {
        let (mlo, mhi) = aff.bounds(&self.model);
        if lo <= mlo && hi >= mhi {
            return;
        }
        if let [(c, a)] = aff.coeffs.as_slice() {
            let (p, q) = ((lo - aff.constant) / a, (hi - aff.constant) / a);
            let col = &mut self.model.columns[*c as usize];
            col.lower = col.lower.max(p.min(q));
            col.upper = col.upper.min(p.max(q));
            return;
        }
        let (p, q) = (lo - aff.constant, hi - aff.constant);
        self.push_use_row(
            format!("{base}.box"),
            key,
            i,
            aff.coeffs.clone(),
            (p, q),
            span,
        );
    }

    /// A row generated for one argument or output `k` (from 0) of a network use.
    fn push_use_row(
        &mut self,
        decl: String,
        key: &[Elem],
        k: usize,
        coeffs: Vec<(u32, f64)>,
        (lower, upper): (f64, f64),
        span: rmod_diagnostics::Span,
    ) {
        let mut index = key.to_vec();
        index.push(Elem::Int(k as i64 + 1));
        self.model.rows.push(Row {
            origin: Origin { decl, index, span },
            coeffs,
            lower,
            upper,
        });
    }
}
