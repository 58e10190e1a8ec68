//! Optimization-based bound tightening (OBBT), layer by layer: for every neuron that the bounds
//! so far leave unstable, minimize and maximize its pre-activation over the encoding of the
//! earlier layers (their LP relaxation, or the MILP under a time limit), with the earlier
//! layers' bounds already tightened. Each result is a valid bound (a relaxation optimum or a
//! best bound, never an incumbent), widened by a relative 1e-6 before use; a neuron whose
//! problem is not solved keeps its interval-arithmetic bound, so the result is never wider than
//! interval arithmetic.

use rmod_diagnostics::Span;
use rmod_ir::{ColKind, Column, Elem, Model, Objective, Origin, Sense};

use crate::encode::{encode, Affine, BoundMethod, BoundOracle, UseName};
use crate::{Activation, Network};

fn post(act: Activation, (l, u): (f64, f64)) -> (f64, f64) {
    (act.apply(l), act.apply(u))
}

fn is_open(act: Activation, (l, u): (f64, f64)) -> bool {
    match act {
        Activation::Relu => l < 0.0 && u > 0.0,
        Activation::ClippedRelu(c) => (l < 0.0 && u > 0.0) || (l < c && u > c),
        Activation::Linear => false,
    }
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

/// Hidden neurons left unstable by `bounds`, and their mean pre-activation width.
pub fn unstable_and_width(net: &Network, bounds: &[Vec<(f64, f64)>]) -> (usize, f64) {
    let mut n = 0;
    let mut open = 0;
    let mut width = 0.0;
    for (layer, b) in net.layers.iter().zip(bounds) {
        if layer.activation == Activation::Linear {
            continue;
        }
        for lu in b {
            n += 1;
            width += lu.1 - lu.0;
            if is_open(layer.activation, *lu) {
                open += 1;
            }
        }
    }
    (open, if n == 0 { 0.0 } else { width / n as f64 })
}

fn widen_by(v: f64, down: bool) -> f64 {
    let eps = 1e-6 * v.abs().max(1.0);
    if down {
        v - eps
    } else {
        v + eps
    }
}

/// Tightened pre-activation bounds (scaled units) for an input box in scaled units.
/// `milp_time_limit`: `None` for LP-OBBT, `Some(seconds)` per problem for MILP-OBBT.
pub fn tighten(
    net: &Network,
    lo: &[f64],
    hi: &[f64],
    oracle: &dyn BoundOracle,
    milp_time_limit: Option<f64>,
) -> Vec<Vec<(f64, f64)>> {
    let mut bounds: Vec<Vec<(f64, f64)>> = Vec::with_capacity(net.layers.len());
    let input_box: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    for k in 0..net.layers.len() {
        let prev: Vec<(f64, f64)> = if k == 0 {
            input_box.clone()
        } else {
            bounds[k - 1]
                .iter()
                .map(|b| post(net.layers[k - 1].activation, *b))
                .collect()
        };
        let mut bk = net.layer_interval(k, &prev);
        let act = net.layers[k].activation;
        // the first layer is affine in the inputs: interval arithmetic is exact there
        if k == 0 || act == Activation::Linear || !bk.iter().any(|b| is_open(act, *b)) {
            bounds.push(bk);
            continue;
        }
        // the earlier layers, encoded with their tightened bounds, in scaled units
        let prefix = Network {
            inputs: None,
            outputs: None,
            input_bounds: None,
            input_scaling: None,
            output_scaling: None,
            layers: net.layers[..k].to_vec(),
        };
        let (mut m, inputs) = box_model("obbt.x", &input_box);
        let given = BoundMethod::Given(bounds.clone());
        let enc = encode(
            &prefix,
            &mut m,
            &inputs,
            &input_box,
            &UseName {
                base: "obbt",
                index: &[],
                span: Span::default(),
            },
            &given,
        );
        let layer = &net.layers[k];
        for (j, (row, b)) in layer.weights.iter().zip(&layer.bias).enumerate() {
            if !is_open(act, bk[j]) {
                continue;
            }
            let mut a = Affine::constant(*b);
            for (w, h) in row.iter().zip(&enc.outputs) {
                a.add_scaled(h, *w);
            }
            let a = a.normalized();
            for (sign, down) in [(1.0, true), (-1.0, false)] {
                m.objective = Some(Objective {
                    name: "obbt".into(),
                    sense: Sense::Minimize,
                    coeffs: a.coeffs.iter().map(|(c, v)| (*c, v * sign)).collect(),
                    constant: a.constant * sign,
                });
                let relax = milp_time_limit.is_none();
                if let Some(v) = oracle.min_bound(&m, relax, milp_time_limit) {
                    let v = v * sign;
                    if down {
                        bk[j].0 = bk[j].0.max(widen_by(v, true));
                    } else {
                        bk[j].1 = bk[j].1.min(widen_by(v, false));
                    }
                }
            }
            if bk[j].0 > bk[j].1 {
                // cannot happen with valid bounds; keep the interval non-empty
                let mid = 0.5 * (bk[j].0 + bk[j].1);
                bk[j] = (mid, mid);
            }
        }
        bounds.push(bk);
    }
    bounds
}
