//! The graph interpreter: runs an ONNX graph symbolically, node by node. Every value is either
//! a constant tensor or an affine function of the outputs of the last activation layer (of the
//! network input before the first one); each activation node (Relu, LeakyRelu, Clip) closes the
//! affine map into a relu-net layer. Element-wise normalization of the raw input (Sub, Div, Mul,
//! Add, BatchNormalization) becomes the file's `input_scaling` where it can.

use std::collections::HashMap;

use rmod_relu::{Activation, Layer, Scaling};

use crate::tensor::Tensor;

/// A value of the graph.
#[derive(Clone, Debug)]
pub enum Val {
    Const(Tensor),
    Act(Act),
}

/// A non-constant value: a tensor of `shape` whose elements (row-major) are affine functions
/// of the outputs of layer `seg` (seg 0: the network input).
#[derive(Clone, Debug)]
pub struct Act {
    pub shape: Vec<usize>,
    pub seg: usize,
    pub(crate) map: Map,
}

#[derive(Clone, Debug)]
pub(crate) enum Map {
    /// `(x - o) / s` of the raw input, element by element: what input normalization builds
    Scale { o: Vec<f64>, s: Vec<f64> },
    /// `a h + c` with `h` the outputs of layer `seg` (for seg 0, the scaled input)
    Dense { a: Vec<Vec<f64>>, c: Vec<f64> },
}

/// An element-wise affine change of every element.
pub enum Elem {
    /// `alpha * v + beta`
    Affine(Vec<f64>, Vec<f64>),
    /// `v / d` (kept apart from `* (1/d)` so that a normalization is read back exactly)
    Div(Vec<f64>),
}

/// The kinds of activation a node may apply.
pub enum Act2 {
    Relu,
    Leaky(f64),
    /// `Clip(min, max)`, either side may be infinite
    Clip(f64, f64),
}

/// The widest layer (and input) rmod reads: its maps are dense matrices.
pub const MAX_WIDTH: usize = 4096;
/// The most multiply-adds one node may cost (about a second): a bound on hostile files.
pub const MAX_WORK: usize = 1 << 30;

/// The state of the interpretation: the layers made so far and the input scaling.
pub struct Interp {
    pub n_in: usize,
    pub layers: Vec<Layer>,
    pub input_scaling: Option<Scaling>,
    scaling_decided: bool,
    pub notes: Vec<String>,
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            let mut r = vec![0.0; n];
            r[i] = 1.0;
            r
        })
        .collect()
}

impl Interp {
    pub fn new(n_in: usize) -> Interp {
        Interp {
            n_in,
            layers: Vec::new(),
            input_scaling: None,
            scaling_decided: false,
            notes: Vec::new(),
        }
    }

    /// The network input as a value.
    pub fn input(&self, shape: Vec<usize>) -> Act {
        Act {
            shape,
            seg: 0,
            map: Map::Scale {
                o: vec![0.0; self.n_in],
                s: vec![1.0; self.n_in],
            },
        }
    }

    fn width(&self, seg: usize) -> usize {
        if seg == 0 {
            self.n_in
        } else {
            self.layers[seg - 1].bias.len()
        }
    }

    /// The dense form of a map. The first time the raw input's normalization meets a matrix
    /// or an activation, a positive scaling becomes the file's `input_scaling`.
    fn dense(&mut self, act: &Act) -> (Vec<Vec<f64>>, Vec<f64>) {
        match &act.map {
            Map::Dense { a, c } => (a.clone(), c.clone()),
            Map::Scale { o, s } => {
                if !self.scaling_decided {
                    self.scaling_decided = true;
                    let positive = s.iter().all(|v| *v > 0.0 && v.is_finite())
                        && o.iter().all(|v| v.is_finite());
                    if positive {
                        if o.iter().any(|v| *v != 0.0) || s.iter().any(|v| *v != 1.0) {
                            self.notes.push(
                                "the element-wise normalization of the input became `input_scaling`"
                                    .into(),
                            );
                            self.input_scaling = Some(Scaling {
                                offset: o.clone(),
                                scale: s.clone(),
                            });
                        }
                        return (identity(o.len()), vec![0.0; o.len()]);
                    }
                }
                // relative to the committed scaling x = x' s0 + o0
                let n = o.len();
                let (o0, s0) = match &self.input_scaling {
                    Some(sc) => (sc.offset.clone(), sc.scale.clone()),
                    None => (vec![0.0; n], vec![1.0; n]),
                };
                let mut a = identity(n);
                let mut c = vec![0.0; n];
                for i in 0..n {
                    a[i][i] = s0[i] / s[i];
                    c[i] = (o0[i] - o[i]) / s[i];
                }
                (a, c)
            }
        }
    }

    /// Applies an element-wise affine change.
    pub fn elementwise(&mut self, act: Act, op: Elem) -> Act {
        let map = match (act.map.clone(), op) {
            (Map::Scale { o, s }, Elem::Div(d)) => Map::Scale {
                o,
                s: s.iter().zip(&d).map(|(s, d)| s * d).collect(),
            },
            (Map::Scale { o, s }, Elem::Affine(al, be))
                if al.iter().all(|a| *a != 0.0 && a.is_finite()) =>
            {
                let s2: Vec<f64> = s.iter().zip(&al).map(|(s, a)| s / a).collect();
                let o2 = o
                    .iter()
                    .zip(&be)
                    .zip(&s2)
                    .map(|((o, b), s)| if *b == 0.0 { *o } else { o - b * s })
                    .collect();
                Map::Scale { o: o2, s: s2 }
            }
            (_, op) => {
                let (mut a, mut c) = self.dense(&act);
                match op {
                    Elem::Div(d) => {
                        for ((row, ci), d) in a.iter_mut().zip(c.iter_mut()).zip(&d) {
                            row.iter_mut().for_each(|w| *w /= d);
                            *ci /= d;
                        }
                    }
                    Elem::Affine(al, be) => {
                        for (((row, ci), al), be) in
                            a.iter_mut().zip(c.iter_mut()).zip(&al).zip(&be)
                        {
                            if *al != 1.0 {
                                row.iter_mut().for_each(|w| *w *= al);
                                *ci *= al;
                            }
                            *ci += be;
                        }
                    }
                }
                Map::Dense { a, c }
            }
        };
        Act { map, ..act }
    }

    /// A linear map of the elements: output `e` is `sum (i, w) in rows[e]: w * v_i + d[e]`.
    pub fn linear(
        &mut self,
        act: &Act,
        shape: Vec<usize>,
        rows: &[Vec<(usize, f64)>],
        d: &[f64],
    ) -> Result<Act, String> {
        let m = self.width(act.seg);
        if rows.len() > MAX_WIDTH {
            return Err(format!(
                "it makes {} values: larger than rmod's MILP encoding handles (at most {MAX_WIDTH} values per layer)",
                rows.len()
            ));
        }
        let (a, c) = self.dense(act);
        // the nonzeros of each row of the map (after an activation it is the identity)
        let nz: Vec<Vec<(usize, f64)>> = a
            .iter()
            .map(|r| {
                r.iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, y)| *y != 0.0)
                    .collect()
            })
            .collect();
        let work = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|(i, _)| nz.get(*i).map_or(0, Vec::len))
                    .sum::<usize>()
                    + m
            })
            .fold(0usize, usize::saturating_add);
        if work > MAX_WORK {
            return Err(format!(
                "it makes {} values from a layer of {m}: larger than rmod's MILP encoding handles",
                rows.len()
            ));
        }
        let mut a2 = Vec::with_capacity(rows.len());
        let mut c2 = Vec::with_capacity(rows.len());
        for (row, de) in rows.iter().zip(d) {
            let mut r = vec![0.0; m];
            let mut ce = 0.0;
            let mut any_c = false;
            for (i, w) in row {
                if *w == 0.0 {
                    continue;
                }
                for (j, y) in &nz[*i] {
                    r[*j] += w * y;
                }
                if c[*i] != 0.0 {
                    ce += w * c[*i];
                    any_c = true;
                }
            }
            a2.push(r);
            c2.push(if any_c { ce + de } else { *de });
        }
        Ok(Act {
            shape,
            seg: act.seg,
            map: Map::Dense { a: a2, c: c2 },
        })
    }

    /// The sum (or difference) of two values of the same layer and shape.
    pub fn add(&mut self, x: &Act, y: &Act, sign: f64) -> Result<Act, String> {
        if x.seg != y.seg {
            let at = |s: usize| {
                if s == 0 {
                    "the input".to_string()
                } else {
                    format!("layer {s}")
                }
            };
            return Err(format!(
                "it adds a value computed from {} to one computed from {}: skip connections are not a feed-forward chain",
                at(x.seg.max(y.seg)),
                at(x.seg.min(y.seg))
            ));
        }
        if x.shape != y.shape {
            return Err(format!(
                "it adds two network values of the shapes {:?} and {:?}",
                x.shape, y.shape
            ));
        }
        let (a1, c1) = self.dense(x);
        let (a2, c2) = self.dense(y);
        let a = a1
            .iter()
            .zip(&a2)
            .map(|(r, q)| r.iter().zip(q).map(|(u, v)| u + sign * v).collect())
            .collect();
        let c = c1.iter().zip(&c2).map(|(u, v)| u + sign * v).collect();
        Ok(Act {
            shape: x.shape.clone(),
            seg: x.seg,
            map: Map::Dense { a, c },
        })
    }

    /// Closes the affine map of `act` into a layer with the activation.
    pub fn activate(&mut self, act: &Act, kind: Act2) -> Result<Act, String> {
        if act.seg != self.layers.len() {
            return Err(format!(
                "it applies an activation to a value computed before layer {}: the graph branches instead of being a chain of layers",
                self.layers.len()
            ));
        }
        let n: usize = act.shape.iter().product();
        // the layer's width: LeakyRelu is two ReLUs per value
        let width = match kind {
            Act2::Leaky(_) => n.saturating_mul(2),
            _ => n,
        };
        if width > MAX_WIDTH {
            return Err(format!(
                "it activates {n} values, a layer of {width} ReLUs: more than rmod's MILP encoding handles (at most {MAX_WIDTH} per layer)"
            ));
        }
        let (a, c) = self.dense(act);
        let neg = |a: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            a.iter().map(|r| r.iter().map(|w| -w).collect()).collect()
        };
        let shift = |c: &[f64], t: f64| -> Vec<f64> { c.iter().map(|v| v - t).collect() };
        // (layer, then the map after it: rows over the layer's outputs and a constant)
        let (layer, post, post_c) = match kind {
            Act2::Relu => (
                Layer {
                    weights: a,
                    bias: c,
                    activation: Activation::Relu,
                },
                identity(n),
                vec![0.0; n],
            ),
            Act2::Leaky(alpha) => {
                // leaky(v) = relu(v) - alpha relu(-v), exactly
                let mut w = a.clone();
                w.extend(neg(&a));
                let mut b = c.clone();
                b.extend(c.iter().map(|v| -v));
                let post = (0..n)
                    .map(|i| {
                        let mut r = vec![0.0; 2 * n];
                        r[i] = 1.0;
                        r[n + i] = -alpha;
                        r
                    })
                    .collect();
                (
                    Layer {
                        weights: w,
                        bias: b,
                        activation: Activation::Relu,
                    },
                    post,
                    vec![0.0; n],
                )
            }
            Act2::Clip(lo, hi) => match (lo.is_finite(), hi.is_finite()) {
                (true, true) if lo < hi => (
                    // lo + min(max(0, v - lo), hi - lo)
                    Layer {
                        weights: a,
                        bias: if lo == 0.0 { c } else { shift(&c, lo) },
                        activation: Activation::ClippedRelu(hi - lo),
                    },
                    identity(n),
                    vec![lo; n],
                ),
                (true, true) => {
                    return Err(format!(
                        "Clip has min {lo} >= max {hi}: the output is constant"
                    ))
                }
                // lo + max(0, v - lo)
                (true, false) => (
                    Layer {
                        weights: a,
                        bias: if lo == 0.0 { c } else { shift(&c, lo) },
                        activation: Activation::Relu,
                    },
                    identity(n),
                    vec![lo; n],
                ),
                // hi - max(0, hi - v)
                (false, true) => (
                    Layer {
                        weights: neg(&a),
                        bias: c.iter().map(|v| hi - v).collect(),
                        activation: Activation::Relu,
                    },
                    neg(&identity(n)),
                    vec![hi; n],
                ),
                (false, false) => {
                    return Ok(act.clone());
                }
            },
        };
        self.layers.push(layer);
        Ok(Act {
            shape: act.shape.clone(),
            seg: self.layers.len(),
            map: Map::Dense { a: post, c: post_c },
        })
    }

    /// The last, linear layer from the graph's output value.
    pub fn finish(&mut self, out: &Act) -> Result<(), String> {
        if out.seg != self.layers.len() {
            return Err(format!(
                "the graph output is computed before layer {}: the layers after it are unused",
                self.layers.len()
            ));
        }
        let (a, c) = self.dense(out);
        self.layers.push(Layer {
            weights: a,
            bias: c,
            activation: Activation::Linear,
        });
        Ok(())
    }
}

/// The graph's values by name.
pub type Values = HashMap<String, Val>;
