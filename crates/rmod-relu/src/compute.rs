//! [`compute_bounds`]: the pre-activation bounds of one use, by the method the model chose
//! (interval arithmetic, linear bound propagation, or LP/MILP bound tightening through a
//! [`BoundOracle`]).

use std::time::Instant;

use rmod_ir::{Affine, BoundOracle, Model};

use crate::bounds::{layer_stats, Bounds};
use crate::crown::crown_bounds;
use crate::obbt::{tighten, Context};
use crate::{scale_inputs, Network};

/// How pre-activation bounds are computed.
pub enum BoundMethod<'a> {
    /// interval arithmetic
    Ia,
    /// linear bound propagation (CROWN, `crown.rs`): no solver, sound for the exact function
    Crown,
    /// optimization-based bound tightening over the LP relaxation of the earlier layers
    Lp(&'a dyn BoundOracle),
    /// the same with the earlier layers' binaries kept integer, each problem under a time limit
    Milp(&'a dyn BoundOracle, f64),
}

/// Bounds for one use of `net` whose inputs (model units) are `inputs` with box `input_box`.
/// `model`: the model compiled so far, used as the OBBT context when `model_context` is set.
pub fn compute_bounds(
    net: &Network,
    model: &Model,
    inputs: &[Affine],
    input_box: &[(f64, f64)],
    method: &BoundMethod,
    model_context: bool,
    deadline: Option<Instant>,
) -> Bounds {
    let started = Instant::now();
    let (h, lo, hi) = scale_inputs(net, inputs, input_box);
    let (oracle, limit) = match method {
        BoundMethod::Ia | BoundMethod::Crown => {
            let ia = net.interval_bounds(&lo, &hi);
            let (pre, method) = match method {
                BoundMethod::Crown => (crown_bounds(net, &lo, &hi), "crown"),
                _ => (ia.clone(), "ia"),
            };
            return Bounds {
                layers: layer_stats(net, &ia, &pre, &[], &[]),
                pre,
                ia,
                method,
                context: "network",
                seconds: started.elapsed().as_secs_f64(),
                cached: false,
                complete: true,
            };
        }
        BoundMethod::Lp(o) => (*o, None),
        BoundMethod::Milp(o, t) => (*o, Some(*t)),
    };
    let context = if model_context {
        Context::Model(model, &h)
    } else {
        Context::Network(&model.options)
    };
    tighten(net, context, &lo, &hi, oracle, limit, deadline)
}
