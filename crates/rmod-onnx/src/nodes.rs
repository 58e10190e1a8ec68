//! One ONNX node at a time: the operator semantics rmod supports (opsets 7 to 21), on constant
//! tensors (folded) and on network values (handed to the interpreter of `graph.rs`).

use crate::graph::{Act, Act2, Elem, Interp, Val, Values};
use crate::proto::{AttributeProto, NodeProto};
use crate::shapes;
use crate::tensor::{self, is_float, Tensor};

/// The operators rmod reads, in the default domain.
pub const SUPPORTED: &[&str] = &[
    "Gemm",
    "MatMul",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Neg",
    "Relu",
    "LeakyRelu",
    "Clip",
    "Identity",
    "Dropout",
    "Flatten",
    "Reshape",
    "Squeeze",
    "Unsqueeze",
    "BatchNormalization",
    "Constant",
    "Shape",
    "Gather",
    "Concat",
    "Cast",
    "Transpose",
];

pub fn attr<'n>(node: &'n NodeProto, name: &str) -> Option<&'n AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}
fn attr_i(node: &NodeProto, name: &str, default: i64) -> i64 {
    attr(node, name).map_or(default, |a| a.i)
}
fn attr_f(node: &NodeProto, name: &str, default: f64) -> f64 {
    attr(node, name).map_or(default, |a| f64::from(a.f))
}
fn attr_ints<'n>(node: &'n NodeProto, name: &str) -> Option<&'n [i64]> {
    attr(node, name).map(|a| a.ints.as_slice())
}

/// The node's `k`-th input, `None` when absent or named "" (an omitted optional input).
fn input<'v>(node: &NodeProto, vals: &'v Values, k: usize) -> Result<Option<&'v Val>, String> {
    match node.input.get(k).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(name) => vals
            .get(name)
            .map(Some)
            .ok_or_else(|| format!("its input `{name}` is not produced by an earlier node, an initializer or the graph input")),
    }
}
fn required<'v>(node: &NodeProto, vals: &'v Values, k: usize) -> Result<&'v Val, String> {
    input(node, vals, k)?.ok_or_else(|| format!("its input {} is missing", k + 1))
}
fn constant<'v>(
    node: &NodeProto,
    vals: &'v Values,
    k: usize,
    what: &str,
) -> Result<Option<&'v Tensor>, String> {
    match input(node, vals, k)? {
        None => Ok(None),
        Some(Val::Const(t)) => Ok(Some(t)),
        Some(Val::Act(_)) => Err(format!(
            "its {what} depends on the network input; rmod needs a constant there"
        )),
    }
}
fn ints(t: &Tensor) -> Vec<i64> {
    t.data.iter().map(|v| *v as i64).collect()
}
fn scalar(t: Option<&Tensor>, what: &str) -> Result<Option<f64>, String> {
    match t {
        None => Ok(None),
        Some(t) if t.len() == 1 => Ok(Some(t.data[0])),
        Some(t) => Err(format!("its {what} has {} elements, expected one", t.len())),
    }
}

/// A shape-only operator's output shape.
fn reshaped(
    node: &NodeProto,
    vals: &Values,
    opset: i64,
    shape: &[usize],
) -> Result<Vec<usize>, String> {
    match node.op_type.as_str() {
        "Flatten" => shapes::flatten(shape, attr_i(node, "axis", 1)),
        "Reshape" => {
            let target =
                constant(node, vals, 1, "target shape")?.ok_or("it has no target shape")?;
            shapes::reshape(shape, &target.data, attr_i(node, "allowzero", 0) != 0)
        }
        "Squeeze" | "Unsqueeze" => {
            let axes: Option<Vec<i64>> = if opset >= 13 {
                constant(node, vals, 1, "axes")?.map(ints)
            } else {
                attr_ints(node, "axes").map(<[i64]>::to_vec)
            };
            if node.op_type == "Squeeze" {
                shapes::squeeze(shape, axes.as_deref())
            } else {
                shapes::unsqueeze(shape, &axes.ok_or("it has no axes")?)
            }
        }
        _ => Ok(shape.to_vec()),
    }
}

/// The element-wise constant of a binary op, broadcast to the value's shape.
fn broadcast_to(act: &Act, t: &Tensor) -> Result<(Vec<usize>, Vec<f64>), String> {
    let out = shapes::broadcast(&act.shape, &t.dims)?;
    if out.iter().product::<usize>() != act.shape.iter().product::<usize>() {
        return Err(format!(
            "the constant of shape {:?} would broadcast the network value of shape {:?} to {out:?}",
            t.dims, act.shape
        ));
    }
    Ok((
        out.clone(),
        shapes::broadcast_values(&t.dims, &t.data, &out),
    ))
}

fn fold_binary(op: &str, x: &Tensor, y: &Tensor) -> Result<Tensor, String> {
    let out = shapes::broadcast(&x.dims, &y.dims)?;
    if tensor::element_count(&out).is_none() {
        return Err("the result is too large".into());
    }
    let a = shapes::broadcast_values(&x.dims, &x.data, &out);
    let b = shapes::broadcast_values(&y.dims, &y.data, &out);
    let data = a
        .iter()
        .zip(&b)
        .map(|(a, b)| match op {
            "Add" => a + b,
            "Sub" => a - b,
            "Mul" => a * b,
            _ => a / b,
        })
        .collect();
    Ok(Tensor { dims: out, data })
}

/// `(rows, cols)` of a matrix operand and its element index function.
fn mat(dims: &[usize], trans: bool) -> Result<(usize, usize), String> {
    let (r, c) = match dims {
        [n] => (1, *n),
        [r, c] => (*r, *c),
        _ => return Err(format!("a matrix operand has the shape {dims:?}")),
    };
    Ok(if trans { (c, r) } else { (r, c) })
}
fn at(dims: &[usize], trans: bool, i: usize, j: usize) -> usize {
    let cols = *dims.last().unwrap_or(&1);
    if trans {
        j * cols + i
    } else {
        i * cols + j
    }
}

/// `alpha * A' B' + beta * C` with exactly one of A, B a network value.
#[allow(clippy::too_many_arguments)]
fn matmul(
    it: &mut Interp,
    a: &Val,
    b: &Val,
    ta: bool,
    tb: bool,
    alpha: f64,
    c: Option<(&Tensor, f64)>,
    out_shape: impl Fn(usize, usize) -> Vec<usize>,
) -> Result<Val, String> {
    let (x, w, act_left) = match (a, b) {
        (Val::Act(x), Val::Const(w)) => (x, w, true),
        (Val::Const(w), Val::Act(x)) => (x, w, false),
        (Val::Act(_), Val::Act(_)) => return Err(
            "it multiplies two values that both depend on the network input: that is not linear"
                .into(),
        ),
        (Val::Const(_), Val::Const(_)) => {
            return Err(
                "it multiplies two constants; rmod folds only shape and element-wise constants"
                    .into(),
            )
        }
    };
    // the network value as a matrix: leading dimensions are rows
    let xdims: Vec<usize> = if act_left {
        let k = *x.shape.last().ok_or("it multiplies a scalar")?;
        vec![x.shape.iter().product::<usize>() / k.max(1), k]
    } else {
        match x.shape.as_slice() {
            [k] => vec![*k, 1],
            [k, q] => vec![*k, *q],
            s => return Err(format!("a constant times a network value of shape {s:?}")),
        }
    };
    let (ta_, tb_) = (ta, tb);
    // numpy: a 1-D right operand is a column, a 1-D left operand a row
    let wdims: Vec<usize> = match (w.dims.as_slice(), act_left) {
        ([k], true) => vec![*k, 1],
        ([k], false) => vec![1, *k],
        _ => w.dims.clone(),
    };
    let (ad, bd) = if act_left {
        (&xdims[..], &wdims[..])
    } else {
        (&wdims[..], &xdims[..])
    };
    let (m, k) = mat(ad, ta_)?;
    let (k2, n) = mat(bd, tb_)?;
    if k != k2 {
        return Err(format!("inner dimensions differ ({k} and {k2})"));
    }
    let cvals = match c {
        Some((t, beta)) => {
            let out = shapes::broadcast(&t.dims, &[m, n])?;
            if out != [m, n] {
                return Err(format!(
                    "its C of shape {:?} does not broadcast to [{m}, {n}]",
                    t.dims
                ));
            }
            shapes::broadcast_values(&t.dims, &t.data, &out)
                .into_iter()
                .map(|v| beta * v)
                .collect()
        }
        None => vec![0.0; m * n],
    };
    if m.saturating_mul(n).saturating_mul(k) > crate::graph::MAX_WORK / 8 {
        return Err(format!("it is a product of [{m}, {k}] and [{k}, {n}]: larger than rmod's MILP encoding handles"));
    }
    let mut rows = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let row: Vec<(usize, f64)> = (0..k)
                .map(|l| {
                    if act_left {
                        (at(&xdims, ta_, i, l), alpha * w.data[at(&wdims, tb_, l, j)])
                    } else {
                        (at(&xdims, tb_, l, j), alpha * w.data[at(&wdims, ta_, i, l)])
                    }
                })
                .collect();
            rows.push(row);
        }
    }
    Ok(Val::Act(it.linear(x, out_shape(m, n), &rows, &cvals)?))
}

/// Runs one node: its outputs, or what is wrong with it.
pub fn run(
    node: &NodeProto,
    vals: &Values,
    opset: i64,
    it: &mut Interp,
) -> Result<Vec<Val>, String> {
    let op = node.op_type.as_str();
    let x0 = || required(node, vals, 0);
    let out = match op {
        "Constant" => {
            let t = if let Some(a) = attr(node, "value") {
                tensor::decode(a.t.as_ref().ok_or("its `value` holds no tensor")?)
                    .map_err(|e| format!("its value tensor: {e}"))?
            } else if let Some(a) = attr(node, "value_float") {
                Tensor::scalar(f64::from(a.f))
            } else if let Some(a) = attr(node, "value_floats") {
                Tensor::vector(a.floats.iter().map(|v| f64::from(*v)).collect())
            } else if let Some(a) = attr(node, "value_int") {
                Tensor::scalar(a.i as f64)
            } else if let Some(a) = attr(node, "value_ints") {
                Tensor::vector(a.ints.iter().map(|v| *v as f64).collect())
            } else {
                return Err("it has no numeric value (value, value_float(s), value_int(s))".into());
            };
            Val::Const(t)
        }
        "Identity" | "Dropout" | "Flatten" | "Reshape" | "Squeeze" | "Unsqueeze" => {
            if op == "Dropout" {
                it.notes.push(format!(
                    "`{}` (Dropout) is the identity at inference",
                    node.name
                ));
            }
            match x0()? {
                Val::Const(t) => {
                    let dims = reshaped(node, vals, opset, &t.dims)?;
                    Val::Const(Tensor {
                        dims,
                        data: t.data.clone(),
                    })
                }
                Val::Act(a) => {
                    let shape = reshaped(node, vals, opset, &a.shape)?;
                    Val::Act(Act { shape, ..a.clone() })
                }
            }
        }
        "Cast" => {
            let to = attr_i(node, "to", 1) as i32;
            match x0()? {
                Val::Const(t) => {
                    let data = if is_float(to) {
                        t.data.clone()
                    } else {
                        t.data.iter().map(|v| v.trunc()).collect()
                    };
                    Val::Const(Tensor {
                        dims: t.dims.clone(),
                        data,
                    })
                }
                Val::Act(a) if is_float(to) => Val::Act(a.clone()),
                Val::Act(_) => {
                    return Err(format!(
                        "it casts a network value to {}",
                        tensor::type_name(to)
                    ))
                }
            }
        }
        "Transpose" => {
            let (dims, data) = match x0()? {
                Val::Const(t) => (&t.dims, Some(&t.data)),
                Val::Act(a) => (&a.shape, None),
            };
            let p = shapes::perm(dims.len(), attr_ints(node, "perm"))?;
            match (x0()?, data) {
                (Val::Const(_), Some(data)) => {
                    let (d, v) = shapes::transpose(dims, data, &p);
                    Val::Const(Tensor { dims: d, data: v })
                }
                (Val::Act(a), _) if shapes::keeps_order(dims, &p) => Val::Act(Act {
                    shape: p.iter().map(|k| a.shape[*k]).collect(),
                    ..a.clone()
                }),
                _ => return Err("it transposes a network value that is not a vector".into()),
            }
        }
        "Shape" => {
            let dims = match x0()? {
                Val::Const(t) => &t.dims,
                Val::Act(a) => &a.shape,
            };
            let r = dims.len() as i64;
            let clamp = |v: i64| (if v < 0 { v + r } else { v }).clamp(0, r) as usize;
            let start = clamp(attr_i(node, "start", 0));
            let end = clamp(attr_i(node, "end", r));
            let sel: Vec<f64> = dims
                .get(start..end.max(start))
                .unwrap_or(&[])
                .iter()
                .map(|d| *d as f64)
                .collect();
            Val::Const(Tensor::vector(sel))
        }
        "Gather" => {
            let data = constant(node, vals, 0, "data")?.ok_or("it has no data")?;
            let idx = constant(node, vals, 1, "indices")?.ok_or("it has no indices")?;
            if data.dims.len() != 1 || attr_i(node, "axis", 0) != 0 {
                return Err("rmod folds Gather only on 1-D constants".into());
            }
            let n = data.len() as i64;
            let picked = idx
                .data
                .iter()
                .map(|v| {
                    let i = *v as i64;
                    let i = if i < 0 { i + n } else { i };
                    data.data.get(i as usize).copied().filter(|_| i >= 0)
                })
                .collect::<Option<Vec<f64>>>()
                .ok_or("an index is out of range")?;
            Val::Const(Tensor {
                dims: idx.dims.clone(),
                data: picked,
            })
        }
        "Concat" => {
            let mut data = Vec::new();
            for k in 0..node.input.len() {
                let t = constant(node, vals, k, "input")?.ok_or("an input is missing")?;
                if t.dims.len() > 1 {
                    return Err("rmod folds Concat only of 1-D constants".into());
                }
                data.extend(&t.data);
            }
            Val::Const(Tensor::vector(data))
        }
        "Neg" => match x0()? {
            Val::Const(t) => Val::Const(Tensor {
                dims: t.dims.clone(),
                data: t.data.iter().map(|v| -v).collect(),
            }),
            Val::Act(a) => {
                let n = a.shape.iter().product();
                Val::Act(it.elementwise(a.clone(), Elem::Affine(vec![-1.0; n], vec![0.0; n])))
            }
        },
        "Add" | "Sub" | "Mul" | "Div" => {
            let (x, y) = (x0()?, required(node, vals, 1)?);
            match (x, y) {
                (Val::Const(a), Val::Const(b)) => Val::Const(fold_binary(op, a, b)?),
                (Val::Act(a), Val::Act(b)) => match op {
                    "Add" => Val::Act(it.add(a, b, 1.0)?),
                    "Sub" => Val::Act(it.add(a, b, -1.0)?),
                    _ => return Err(format!("it is a {op} of two values that both depend on the network input: that is not linear")),
                },
                (Val::Act(a), Val::Const(t)) | (Val::Const(t), Val::Act(a)) => {
                    let act_first = matches!(x, Val::Act(_));
                    let (shape, c) = broadcast_to(a, t)?;
                    let n = c.len();
                    let e = match (op, act_first) {
                        ("Add", _) => Elem::Affine(vec![1.0; n], c),
                        ("Sub", true) => Elem::Affine(vec![1.0; n], c.iter().map(|v| -v).collect()),
                        ("Sub", false) => Elem::Affine(vec![-1.0; n], c),
                        ("Mul", _) => Elem::Affine(c, vec![0.0; n]),
                        ("Div", true) => {
                            if c.contains(&0.0) {
                                return Err("it divides by a constant that holds 0".into());
                            }
                            Elem::Div(c)
                        }
                        _ => return Err("it divides a constant by a network value: that is not linear".into()),
                    };
                    let mut v = it.elementwise(a.clone(), e);
                    v.shape = shape;
                    Val::Act(v)
                }
            }
        }
        "BatchNormalization" => {
            let Val::Act(a) = x0()? else {
                return Err("rmod folds BatchNormalization only of network values".into());
            };
            if attr_i(node, "training_mode", 0) != 0 {
                return Err(
                    "it is in training mode (batch statistics); export the model in eval mode"
                        .into(),
                );
            }
            let eps = attr_f(node, "epsilon", 1e-5);
            let p: Vec<&Tensor> = (1..5)
                .map(|k| {
                    constant(node, vals, k, "parameters")?
                        .ok_or_else(|| format!("its input {} is missing", k + 1))
                })
                .collect::<Result<_, String>>()?;
            if a.shape.len() < 2 {
                return Err(format!(
                    "its input has the shape {:?}; BatchNormalization needs [N, C, ...]",
                    a.shape
                ));
            }
            let ch = a.shape[1];
            let inner: usize = a.shape[2..].iter().product();
            if p.iter().any(|t| t.len() != ch) {
                return Err(format!(
                    "its scale, bias, mean and variance must have {ch} elements (one per channel)"
                ));
            }
            let n: usize = a.shape.iter().product();
            let (mut al, mut be) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for e in 0..n {
                let c = (e / inner.max(1)) % ch;
                let g = p[0].data[c] / (p[3].data[c] + eps).sqrt();
                al.push(g);
                be.push(p[1].data[c] - p[2].data[c] * g);
            }
            it.notes.push(format!(
                "`{}` (BatchNormalization) folded into the neighbouring affine map",
                node.name
            ));
            Val::Act(it.elementwise(a.clone(), Elem::Affine(al, be)))
        }
        "Relu" | "LeakyRelu" | "Clip" => {
            let kind = match op {
                "Relu" => Act2::Relu,
                "LeakyRelu" => {
                    let alpha = attr_f(node, "alpha", 0.01);
                    it.notes.push(format!("`{}` (LeakyRelu, alpha {alpha}) became two ReLU neurons per neuron: relu(a) - {alpha} relu(-a)", node.name));
                    Act2::Leaky(alpha)
                }
                _ => {
                    let (lo, hi) = if opset < 11 {
                        (
                            attr_f(node, "min", f64::NEG_INFINITY),
                            attr_f(node, "max", f64::INFINITY),
                        )
                    } else {
                        (
                            scalar(constant(node, vals, 1, "min")?, "min")?
                                .unwrap_or(f64::NEG_INFINITY),
                            scalar(constant(node, vals, 2, "max")?, "max")?
                                .unwrap_or(f64::INFINITY),
                        )
                    };
                    // float32 exporters write their largest value for "no bound"
                    let big = f64::from(f32::MAX);
                    let lo = if lo <= -big { f64::NEG_INFINITY } else { lo };
                    let hi = if hi >= big { f64::INFINITY } else { hi };
                    Act2::Clip(lo, hi)
                }
            };
            match x0()? {
                Val::Act(a) => Val::Act(it.activate(a, kind)?),
                Val::Const(t) => {
                    let f = |v: f64| match kind {
                        Act2::Relu => v.max(0.0),
                        Act2::Leaky(al) => {
                            if v < 0.0 {
                                al * v
                            } else {
                                v
                            }
                        }
                        Act2::Clip(lo, hi) => v.max(lo).min(hi),
                    };
                    Val::Const(Tensor {
                        dims: t.dims.clone(),
                        data: t.data.iter().map(|v| f(*v)).collect(),
                    })
                }
            }
        }
        "Gemm" => {
            let (a, b) = (x0()?, required(node, vals, 1)?);
            let c = constant(node, vals, 2, "bias C")?;
            let beta = attr_f(node, "beta", 1.0);
            let shape_of = |v: &Val| match v {
                Val::Const(t) => t.dims.len(),
                Val::Act(a) => a.shape.len(),
            };
            if shape_of(a) != 2 || shape_of(b) != 2 {
                return Err("Gemm needs two 2-D operands".into());
            }
            matmul(
                it,
                a,
                b,
                attr_i(node, "transA", 0) != 0,
                attr_i(node, "transB", 0) != 0,
                attr_f(node, "alpha", 1.0),
                c.map(|t| (t, beta)),
                |m, n| vec![m, n],
            )?
        }
        "MatMul" => {
            let (a, b) = (x0()?, required(node, vals, 1)?);
            let dims = |v: &Val| match v {
                Val::Const(t) => t.dims.clone(),
                Val::Act(a) => a.shape.clone(),
            };
            let (ad, bd) = (dims(a), dims(b));
            if ad.is_empty() || bd.is_empty() {
                return Err("MatMul of a scalar".into());
            }
            let const_rank = if matches!(a, Val::Const(_)) {
                ad.len()
            } else {
                bd.len()
            };
            if const_rank > 2 {
                return Err("rmod reads MatMul with a 1-D or 2-D constant".into());
            }
            // numpy: 1-D operands are promoted and the added axis dropped again
            let lead: Vec<usize> = if ad.len() > 1 {
                ad[..ad.len() - 1].to_vec()
            } else {
                Vec::new()
            };
            let b_is_vec = bd.len() == 1;
            matmul(it, a, b, false, false, 1.0, None, |m, n| {
                let mut s = if matches!(a, Val::Act(_)) {
                    lead.clone()
                } else if ad.len() > 1 {
                    vec![m]
                } else {
                    Vec::new()
                };
                if !b_is_vec {
                    s.push(n);
                }
                s
            })?
        }
        other => return Err(format!("rmod has no rule for {other}")),
    };
    Ok(vec![out])
}
