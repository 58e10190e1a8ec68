//! Encoding one network use after the last statement: the input box, bounds (cache, method,
//! context, self-check), the big-M rows and the output link.

use rmod_diagnostics::code;

use std::sync::Arc;

use rmod_diagnostics::Diagnostic;
use rmod_ir::{Affine, Elem, Origin, Row};

use super::net_calls::PendingUse;
use super::switch::Switch;
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
            switch,
        } = p;
        let key = key.as_slice();
        let first_column = self.model.columns.len() as u32;
        let switched = match switch {
            Switch::On => None,
            Switch::Var { col, neg } => Some((col, neg)),
            Switch::Off => {
                // the use is off by data: its outputs are 0, nothing is encoded
                for (j, col) in out_cols.iter().enumerate() {
                    self.push_use_row(
                        format!("{base}.off"),
                        key,
                        j,
                        vec![(*col, 1.0)],
                        (0.0, 0.0),
                        span,
                    );
                }
                return Ok(());
            }
        };
        let mut inputs = Vec::with_capacity(args.len());
        let mut boxes = Vec::with_capacity(args.len());
        for (i, (aff, e_span)) in args.into_iter().enumerate() {
            let (mut lo, mut hi) = aff.bounds(&self.model);
            if switched.is_some() && !(lo.is_finite() && hi.is_finite()) {
                return Err(self.err(
                    Diagnostic::error(code::LINEAR_SWITCH_UNBOUNDED, format!("input `{}` of the switched use of network `{net_name}` is unbounded in the model", names[i]))
                        .with_label(e_span, format!("this expression has bounds [{lo}, {hi}]"))
                        .with_help("when the use is off its arguments are free within their own bounds, which give the big-M values: bound the variables in this expression (`var x in [lo, hi]`)"),
                ));
            }
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
            if switched.is_none() {
                self.restrict_to_box(
                    &aff,
                    (lo, hi.max(lo)),
                    &base,
                    key,
                    i,
                    span,
                    &net_name,
                    &path,
                );
            }
            inputs.push(aff);
            boxes.push((lo, hi.max(lo)));
        }
        // a switched use: the network gets its own input columns, equal to the arguments when on
        let args = if let Some(sw) = switched {
            let args = inputs;
            inputs = Vec::with_capacity(args.len());
            for (i, (aff, b)) in args.iter().zip(&boxes).enumerate() {
                let u = self.use_column(format!("{base}.in"), key, i, *b, span);
                let mut d = aff.clone();
                d.coeffs.push((u, -1.0));
                let (k, d) = (
                    d.constant,
                    Affine {
                        coeffs: d.coeffs,
                        constant: 0.0,
                    },
                );
                let origin = use_origin(format!("{base}.on"), key, i, span);
                let what = format!("input `{}` of network `{net_name}`", names[i]);
                self.switched_rows(&origin, &d.normalized().coeffs, (-k, -k), sw, span, &what)?;
                inputs.push(Affine::var(u));
            }
            Some(args)
        } else {
            None
        };
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
        // a switched use: the network's outputs are columns, and the model's outputs equal them
        // when on and are 0 when off
        let (net_outs, switch) = match (switched, args) {
            (Some(sw), Some(args)) => {
                let cols: Vec<u32> = (0..out_cols.len())
                    .map(|j| {
                        self.use_column(
                            format!("{base}.value"),
                            key,
                            j,
                            (f64::NEG_INFINITY, f64::INFINITY),
                            span,
                        )
                    })
                    .collect();
                let (c0, a0) = Switch::affine(sw);
                for (j, (y, o)) in out_cols.iter().zip(&cols).enumerate() {
                    let (p, q) = enc.output_bounds[j];
                    let origin = use_origin(format!("{base}.on"), key, j, span);
                    let z = sw.0;
                    // y in [p s, q s], y - o in [-q (1 - s), -p (1 - s)]
                    for (coeffs, lower, upper) in [
                        (vec![(*y, 1.0), (z, -p * a0)], p * c0, f64::INFINITY),
                        (vec![(*y, 1.0), (z, -q * a0)], f64::NEG_INFINITY, q * c0),
                        (
                            vec![(*y, 1.0), (*o, -1.0), (z, -p * a0)],
                            f64::NEG_INFINITY,
                            -p * (1.0 - c0),
                        ),
                        (
                            vec![(*y, 1.0), (*o, -1.0), (z, -q * a0)],
                            -q * (1.0 - c0),
                            f64::INFINITY,
                        ),
                    ] {
                        let coeffs = Affine {
                            coeffs,
                            constant: 0.0,
                        }
                        .normalized()
                        .coeffs;
                        self.model.rows.push(Row {
                            origin: origin.clone(),
                            coeffs,
                            lower: lower + 0.0,
                            upper: upper + 0.0,
                        });
                    }
                    let c = &mut self.model.columns[*y as usize];
                    let (nl, nu) = (c.lower.max(p.min(0.0)), c.upper.min(q.max(0.0)));
                    if nl <= nu {
                        c.lower = nl;
                        c.upper = nu;
                    }
                }
                let switch = crate::UseSwitch {
                    col: sw.0,
                    neg: sw.1,
                    args,
                    outputs: out_cols,
                };
                (cols, Some(switch))
            }
            _ => (out_cols, None),
        };
        let out_cols = net_outs;
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
        let hull = if self.hull && inputs.len() <= 2 {
            self.hull_rows(
                &net,
                &encoded,
                &enc.columns,
                &inputs,
                &boxes,
                &out_cols,
                &base,
                key,
                span,
            )
        } else {
            None
        };
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
        let data_box = self.net_domain.get(&net_name).cloned();
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
            switch,
            hull,
            data_box,
            index: key.to_vec(),
            generated: first_column..self.model.columns.len() as u32,
        });
        Ok(())
    }

    /// The network is defined on its input box (the file's `input_bounds`): where the box is
    /// narrower than the model's bounds on argument `i`, the model is restricted to it, through
    /// the column's bounds for a single variable, else by a row `BASE.box[key.., i]`.
    #[allow(clippy::too_many_arguments)]
    fn restrict_to_box(
        &mut self,
        aff: &Affine,
        (lo, hi): (f64, f64),
        base: &str,
        key: &[Elem],
        i: usize,
        span: rmod_diagnostics::Span,
        net_name: &str,
        path: &str,
    ) {
        let (mlo, mhi) = aff.bounds(&self.model);
        if lo <= mlo && hi >= mhi {
            return;
        }
        // a warning only where the model declared a finite bound that the box narrows (a free
        // argument simply takes the box), and not for `domain = "data"`, which asks for it
        let narrows = ((mlo.is_finite() && lo > mlo) || (mhi.is_finite() && hi < mhi))
            && !self.net_domain.contains_key(net_name);
        let what = match aff.coeffs.as_slice() {
            [(c, a)] if *a == 1.0 && aff.constant == 0.0 => {
                format!("`{}`", self.model.columns[*c as usize].origin.display())
            }
            _ => format!("argument {}", i + 1),
        };
        if narrows {
            self.warn_once(
            Diagnostic::warning(
                code::RELU_BOX_NARROWS,
                format!(
                    "network `{net_name}` is defined on [{}, {}] for input {}: that narrows {what} from [{}, {}]",
                    short(lo), short(hi), i + 1, short(mlo), short(mhi)
                ),
            )
            .with_label(span, "in this use")
            .with_help(format!("the box is the `input_bounds` of {path}; if the unit can be off (input 0 outside the box), switch the use: `... = {net_name}(...) if on;`. Declare bounds inside the box to silence this")),
        );
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

    /// A continuous column generated for one argument or output `k` (from 0) of a use.
    pub(super) fn use_column(
        &mut self,
        decl: String,
        key: &[Elem],
        k: usize,
        (lower, upper): (f64, f64),
        span: rmod_diagnostics::Span,
    ) -> u32 {
        self.model.columns.push(rmod_ir::Column {
            origin: use_origin(decl, key, k, span),
            lower,
            upper,
            kind: rmod_ir::ColKind::Continuous,
        });
        (self.model.columns.len() - 1) as u32
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
        self.model.rows.push(Row {
            origin: use_origin(decl, key, k, span),
            coeffs,
            lower,
            upper,
        });
    }
}

/// The origin of a generated column or row: the use's key and `k + 1`.
pub(super) fn use_origin(
    decl: String,
    key: &[Elem],
    k: usize,
    span: rmod_diagnostics::Span,
) -> Origin {
    let mut index = key.to_vec();
    index.push(Elem::Int(k as i64 + 1));
    Origin { decl, index, span }
}

/// A bound as shown in a message: at most 5 decimals.
fn short(v: f64) -> String {
    let s = format!("{v:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
