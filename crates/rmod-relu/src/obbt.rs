//! Optimization-based bound tightening (OBBT), layer by layer: for every neuron that the bounds
//! so far leave unstable, minimize and maximize its pre-activation over the encoding of the
//! earlier layers (their LP relaxation, or the MILP under a time limit), with the earlier
//! layers' bounds already tightened. Each layer starts from interval arithmetic intersected with
//! CROWN (`crown.rs`), both over the earlier layers' tightened bounds: no solver, and neurons
//! that CROWN proves stable need no problem. Each result is a valid bound (a relaxation optimum
//! or a best bound, never an incumbent), widened by a relative 1e-6 before use; a neuron whose
//! problem is not solved keeps its starting bound, so the result is never wider than interval
//! arithmetic.
//!
//! With a model context the problems also contain the model's own rows and columns (everything
//! compiled so far, objective dropped): every feasible point of the model satisfies them, so
//! the bounds hold on the model's feasible set, and the first layer and the input box tighten too.

use std::time::Instant;

use rmod_diagnostics::Span;
use rmod_ir::{Affine, BoundOracle, ColKind, Column, Elem, Model, Origin};

use crate::bounds::{is_open, layer_stats, Bounds};
use crate::crown::crown_layer;
use crate::encode::{encode, UseName};
use crate::{Activation, Network};

fn post(act: Activation, (l, u): (f64, f64)) -> (f64, f64) {
    (act.apply(l), act.apply(u))
}

/// A model with one continuous column per input, bounded by the box, and the inputs as expressions.
pub fn box_model(decl: &str, input_box: &[(f64, f64)]) -> (Model, Vec<Affine>) {
    let mut m = Model::default();
    let mut inputs = Vec::with_capacity(input_box.len());
    for (i, (p, q)) in input_box.iter().enumerate() {
        m.columns.push(Column {
            origin: Origin {
                decl: decl.into(),
                index: vec![Elem::Int(i as i64)],
                span: Span::default(),
            },
            lower: *p,
            upper: *q,
            kind: ColKind::Continuous,
        });
        inputs.push(Affine::var(i as u32));
    }
    (m, inputs)
}

fn widen_by(v: f64, down: bool) -> f64 {
    let eps = 1e-6 * v.abs().max(1.0);
    if down {
        v - eps
    } else {
        v + eps
    }
}

/// Where the OBBT problems live.
pub enum Context<'a> {
    /// the network alone over its input box; the bound problems carry the model's options
    /// (the oracle follows their `solver` and `threads`)
    Network(&'a rmod_ir::Options),
    /// the model compiled so far, with the network's (scaled) inputs as expressions over its columns
    Model(&'a Model, &'a [Affine]),
}

/// Tightened pre-activation bounds (scaled units) for an input box `lo..hi` in scaled units.
/// `milp_time_limit`: `None` for LP-OBBT, `Some(seconds)` per problem for MILP-OBBT. Past
/// `deadline` the remaining neurons keep their starting (interval and CROWN) bounds
/// (`complete` false).
pub fn tighten(
    net: &Network,
    context: Context,
    lo: &[f64],
    hi: &[f64],
    oracle: &dyn BoundOracle,
    milp_time_limit: Option<f64>,
    deadline: Option<Instant>,
) -> Bounds {
    let started = Instant::now();
    let mut input_box: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    let relax = milp_time_limit.is_none();
    let expired = || deadline.is_some_and(|d| Instant::now() >= d);
    let mut complete = true;
    let (base, h, model_aware) = match context {
        Context::Network(options) => {
            let (mut m, h) = box_model("obbt.x", &input_box);
            m.options = options.clone();
            (m, h, false)
        }
        Context::Model(m, h) => {
            let mut m = m.clone();
            m.objective = None;
            (m, h.to_vec(), true)
        }
    };
    if model_aware {
        // the model's rows may cut the input box itself
        let objs: Vec<Affine> = h
            .iter()
            .flat_map(|e| {
                let mut neg = Affine::constant(0.0);
                neg.add_scaled(e, -1.0);
                [e.clone(), neg]
            })
            .collect();
        oracle.layer_started(0, net.layers.len(), objs.len());
        let vals = oracle.min_bounds(&base, &objs, relax, milp_time_limit, deadline);
        for (i, b) in input_box.iter_mut().enumerate() {
            if let Some(Some(v)) = vals.get(2 * i) {
                b.0 = b.0.max(widen_by(*v, true));
            }
            if let Some(Some(v)) = vals.get(2 * i + 1) {
                b.1 = b.1.min(widen_by(-*v, false));
            }
            if b.0 > b.1 {
                *b = (b.1, b.1);
            }
        }
        complete &= vals.iter().all(Option::is_some);
    }
    let (box_lo, box_hi): (Vec<f64>, Vec<f64>) = input_box.iter().copied().unzip();
    let mut pre: Vec<Vec<(f64, f64)>> = Vec::with_capacity(net.layers.len());
    let mut seconds = vec![0.0; net.layers.len()];
    let mut problems = vec![0; net.layers.len()];
    for k in 0..net.layers.len() {
        let layer_started = Instant::now();
        let prev: Vec<(f64, f64)> = if k == 0 {
            input_box.clone()
        } else {
            pre[k - 1]
                .iter()
                .map(|b| post(net.layers[k - 1].activation, *b))
                .collect()
        };
        let mut bk = net.layer_interval(k, &prev);
        // the first stage: CROWN over the same bounds, where it is tighter
        for (b, c) in bk.iter_mut().zip(crown_layer(net, &box_lo, &box_hi, &pre)) {
            let (l, u) = (b.0.max(c.0), b.1.min(c.1));
            if l <= u {
                *b = (l, u);
            }
        }
        let act = net.layers[k].activation;
        let open: Vec<usize> = (0..bk.len()).filter(|j| is_open(act, bk[*j])).collect();
        // without a model, the first layer is affine in the box: interval arithmetic is exact
        if (k == 0 && !model_aware) || act == Activation::Linear || open.is_empty() {
            pre.push(bk);
            continue;
        }
        if expired() {
            complete = false;
            pre.push(bk);
            continue;
        }
        // the earlier layers, encoded with their tightened bounds, in scaled units
        let prefix = Network::from_layers(net.layers[..k].to_vec());
        let mut m = base.clone();
        let given = Bounds {
            pre: pre.clone(),
            ia: pre.clone(),
            ..Bounds::default()
        };
        let enc = encode(
            &prefix,
            &mut m,
            &h,
            &UseName {
                base: "obbt",
                index: &[],
                span: Span::default(),
            },
            &given,
        );
        let layer = &net.layers[k];
        let mut objs = Vec::with_capacity(2 * open.len());
        for j in &open {
            let mut a = Affine::constant(layer.bias[*j]);
            for (w, x) in layer.weights[*j].iter().zip(&enc.outputs) {
                a.add_scaled(x, *w);
            }
            let a = a.normalized();
            let mut neg = Affine::constant(0.0);
            neg.add_scaled(&a, -1.0);
            objs.push(a);
            objs.push(neg);
        }
        oracle.layer_started(k + 1, net.layers.len(), objs.len());
        let vals = oracle.min_bounds(&m, &objs, relax, milp_time_limit, deadline);
        complete &= vals.len() == objs.len() && vals.iter().all(Option::is_some);
        problems[k] = vals.iter().filter(|v| v.is_some()).count();
        for (t, j) in open.iter().enumerate() {
            if let Some(Some(v)) = vals.get(2 * t) {
                bk[*j].0 = bk[*j].0.max(widen_by(*v, true));
            }
            if let Some(Some(v)) = vals.get(2 * t + 1) {
                bk[*j].1 = bk[*j].1.min(widen_by(-*v, false));
            }
            if bk[*j].0 > bk[*j].1 {
                // only with an infeasible context; keep the interval non-empty
                let mid = 0.5 * (bk[*j].0 + bk[*j].1);
                bk[*j] = (mid, mid);
            }
        }
        seconds[k] = layer_started.elapsed().as_secs_f64();
        pre.push(bk);
    }
    let full_ia = net.interval_bounds(lo, hi);
    let layers = layer_stats(net, &full_ia, &pre, &seconds, &problems);
    Bounds {
        pre,
        ia: full_ia,
        method: if relax { "lp" } else { "milp" },
        context: if model_aware { "model" } else { "network" },
        seconds: started.elapsed().as_secs_f64(),
        cached: false,
        complete,
        layers,
    }
}
