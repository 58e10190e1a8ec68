//! ONNX network files: reads a feed-forward ReLU graph (as PyTorch, Keras, scikit-learn and
//! MATLAB export it) into a relu-net [`Network`] by interpreting it node by node, and writes a
//! network back as ONNX (opset 13).
//!
//! ```
//! use rmod_relu::{Activation, Layer, Network};
//! let net = Network::from_layers(vec![
//!     Layer { weights: vec![vec![1.0], vec![-1.0]], bias: vec![0.0, 0.0], activation: Activation::Relu },
//!     Layer { weights: vec![vec![1.0, 1.0]], bias: vec![0.0], activation: Activation::Linear },
//! ]);
//! let bytes = rmod_onnx::write(&net);
//! let (back, diags) = rmod_onnx::read("abs.onnx", &bytes, None);
//! assert!(diags.is_empty());
//! assert_eq!(back.unwrap().net.forward(&[-3.0]), vec![3.0]);
//! ```

mod bounds;
mod graph;
mod nodes;
mod proto;
mod shapes;
mod tensor;
mod write;

use std::collections::HashSet;

use rmod_diagnostics::{code, Diagnostic};
use rmod_relu::Network;

use graph::{Interp, Val, Values};
use proto::NodeProto;

pub use bounds::bounds_file_name;
pub use nodes::SUPPORTED;
pub use write::write;

/// A network read from an ONNX file, with what the reader did to get it.
#[derive(Clone, Debug)]
pub struct Imported {
    pub net: Network,
    /// folds and rewrites, one sentence each (`rmod net info` prints them)
    pub notes: Vec<String>,
    pub summary: Summary,
}

/// What the file says about itself.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub producer: String,
    pub ir_version: i64,
    pub opset: i64,
    /// the graph input's name and shape (symbolic dimensions by name)
    pub input: (String, Vec<String>),
    pub output: (String, Vec<String>),
    /// op types of the nodes that compute the output, in graph order
    pub ops: Vec<String>,
}

/// Whether a network file's bytes are JSON (relu-net) rather than ONNX protobuf: decided by
/// content, not by the file's extension. A protobuf model starts with a field tag, never `{`.
pub fn is_json(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|c| *c == b'{' || *c == b'[')
}

/// The opset of the default domain (the newest rule applies when the file names none).
fn opset(m: &proto::ModelProto) -> i64 {
    m.opset_import
        .iter()
        .filter(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .max()
        .unwrap_or(21)
}

fn dims_text(t: &Option<proto::TypeProto>) -> Vec<String> {
    t.as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .and_then(|t| t.shape.as_ref())
        .map(|s| {
            s.dim
                .iter()
                .map(|d| match (&d.dim_value, &d.dim_param) {
                    (Some(v), _) if *v > 0 => v.to_string(),
                    (_, Some(p)) if !p.is_empty() => p.clone(),
                    _ => "?".into(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn locate(name: &str, k: usize, count: usize, node: &NodeProto) -> String {
    let shown = if node.name.is_empty() {
        "(unnamed)".to_string()
    } else {
        format!("`{}`", node.name)
    };
    format!(
        "{name}: node {} of {count} {shown} ({})",
        k + 1,
        node.op_type
    )
}

/// Reads an ONNX model. `bounds_file` is the OMLT-style sidecar `NAME.onnx.bounds.json`
/// (its display name and text) when it exists. Errors name the file, the node (position,
/// name, op type) or the field; `None` when the network cannot be used.
pub fn read(
    name: &str,
    bytes: &[u8],
    bounds_file: Option<(&str, &str)>,
) -> (Option<Imported>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let fail = |code, msg: String, help: &str| {
        (
            None,
            vec![Diagnostic::error(code, msg).with_help(help.to_string())],
        )
    };
    let model = match proto::decode(bytes) {
        Ok(m) => m,
        Err(e) => {
            return fail(
                code::ONNX_MALFORMED,
                format!("{name}: neither relu-net JSON nor a readable ONNX model ({e})"),
                "re-export the network (e.g. torch.onnx.export) and check it with onnx.checker.check_model",
            )
        }
    };
    let Some(g) = model.graph.as_ref().filter(|g| !g.node.is_empty()) else {
        return fail(
            code::ONNX_MALFORMED,
            format!("{name}: the ONNX model has no graph nodes"),
            "re-export the network; a model file holds its graph",
        );
    };
    let opset = opset(&model);
    let count = g.node.len();

    // constants: initializers (older exporters also list them as graph inputs)
    let mut vals = Values::new();
    let mut unsupported: Vec<String> = Vec::new();
    for t in &g.initializer {
        match tensor::decode(t) {
            Ok(v) => {
                vals.insert(t.name.clone(), Val::Const(v));
            }
            Err(e) if e.contains("external") => {
                unsupported.push(format!("initializer `{}`: {e}", t.name))
            }
            Err(e) => {
                return fail(
                    code::ONNX_MALFORMED,
                    format!("{name}: initializer `{}`: {e}", t.name),
                    "re-export the network; the tensor's data does not match its shape and type",
                )
            }
        }
    }
    if !g.sparse_initializer.is_empty() {
        unsupported.push(format!(
            "{} sparse initializer(s)",
            g.sparse_initializer.len()
        ));
    }
    let inputs: Vec<&proto::ValueInfoProto> = g
        .input
        .iter()
        .filter(|v| !vals.contains_key(&v.name))
        .collect();
    if inputs.len() != 1 {
        unsupported.push(format!(
            "the graph has {} inputs that are not initializers ({}); rmod reads networks with one input vector",
            inputs.len(),
            inputs.iter().map(|v| format!("`{}`", v.name)).collect::<Vec<_>>().join(", ")
        ));
    }
    if g.output.len() != 1 {
        unsupported.push(format!(
            "the graph has {} outputs ({}); rmod reads networks with one output vector",
            g.output.len(),
            g.output
                .iter()
                .map(|v| format!("`{}`", v.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // the nodes that compute the output
    let mut live = vec![false; count];
    let mut needed: HashSet<&str> = g.output.iter().map(|o| o.name.as_str()).collect();
    for k in (0..count).rev() {
        let n = &g.node[k];
        if n.output.iter().any(|o| needed.contains(o.as_str())) {
            live[k] = true;
            needed.extend(n.input.iter().map(String::as_str));
        }
    }
    for (k, n) in g.node.iter().enumerate() {
        let domain_ok = n.domain.is_empty() || n.domain == "ai.onnx";
        if live[k] && (!domain_ok || !SUPPORTED.contains(&n.op_type.as_str())) {
            let dom = if domain_ok {
                String::new()
            } else {
                format!(" in domain `{}`", n.domain)
            };
            unsupported.push(format!(
                "{}{dom}",
                locate(name, k, count, n).trim_start_matches(&format!("{name}: "))
            ));
        }
    }
    if !unsupported.is_empty() {
        let mut d = Diagnostic::error(
            code::ONNX_UNSUPPORTED,
            format!("{name}: the ONNX graph has {} part(s) rmod cannot encode exactly", unsupported.len()),
        )
        .with_help(
            "rmod reads feed-forward networks: Gemm/MatMul/Add layers with the activations Relu, LeakyRelu and Clip (clipped ReLU), element-wise normalization and BatchNormalization; smooth activations (Sigmoid, Tanh, Softmax) have no exact MILP encoding: retrain with ReLU",
        );
        for u in unsupported {
            d = d.with_note(u);
        }
        return (None, vec![d]);
    }

    let input = inputs[0];
    let ty = input.r#type.as_ref().and_then(|t| t.tensor_type.as_ref());
    let elem = ty.map_or(0, |t| t.elem_type);
    if !tensor::is_float(elem) {
        return fail(
            code::ONNX_GRAPH,
            format!(
                "{name}: the graph input `{}` is of type {}, not a float type",
                input.name,
                tensor::type_name(elem)
            ),
            "export the network with a float32 or float64 input",
        );
    }
    let Some(shape) = ty.and_then(|t| t.shape.as_ref()) else {
        return fail(
            code::ONNX_GRAPH,
            format!("{name}: the graph input `{}` has no shape, so its size is unknown", input.name),
            "export with a known input shape, e.g. [batch, n] (torch.onnx.export with a sample input)",
        );
    };
    // symbolic (batch) dimensions are 1
    let dims: Vec<usize> = shape
        .dim
        .iter()
        .map(|d| d.dim_value.filter(|v| *v > 0).map_or(1, |v| v as usize))
        .collect();
    let n_in = match tensor::element_count(&dims) {
        Some(n) if n > 0 && n <= graph::MAX_WIDTH => n,
        _ => {
            return fail(
                code::ONNX_GRAPH,
                format!(
                    "{name}: the graph input `{}` has the shape {dims:?}",
                    input.name
                ),
                "rmod reads networks on one input vector of at most 4096 values",
            )
        }
    };
    let mut it = Interp::new(n_in);
    vals.insert(input.name.clone(), Val::Act(it.input(dims)));
    let mut ops = Vec::new();
    for (k, n) in g.node.iter().enumerate() {
        if !live[k] {
            if !n.op_type.is_empty() {
                it.notes.push(format!(
                    "{} does not reach the output: skipped",
                    locate(name, k, count, n).trim_start_matches(&format!("{name}: "))
                ));
            }
            continue;
        }
        ops.push(n.op_type.clone());
        match nodes::run(n, &vals, opset, &mut it) {
            Ok(outs) => {
                for (o, v) in n.output.iter().zip(outs) {
                    vals.insert(o.clone(), v);
                }
            }
            Err(e) => {
                return fail(
                    code::ONNX_GRAPH,
                    format!("{}: {e}", locate(name, k, count, n)),
                    "rmod reads a chain of layers on one input vector; see `rmod explain rmod::onnx::graph`",
                )
            }
        }
    }
    let out_name = &g.output[0].name;
    match vals.get(out_name) {
        Some(Val::Act(a)) => {
            let a = a.clone();
            if let Err(e) = it.finish(&a) {
                return fail(
                    code::ONNX_GRAPH,
                    format!("{name}: {e}"),
                    "the graph output must be the last layer's value",
                );
            }
        }
        Some(Val::Const(_)) => {
            return fail(
                code::ONNX_GRAPH,
                format!("{name}: the graph output `{out_name}` does not depend on the input"),
                "export the trained network, not a constant",
            )
        }
        None => {
            return fail(
                code::ONNX_GRAPH,
                format!("{name}: no node computes the graph output `{out_name}`"),
                "re-export the network",
            )
        }
    }
    let layers = std::mem::take(&mut it.layers);
    for (k, l) in layers.iter().enumerate() {
        if l.bias.is_empty() {
            return fail(
                code::ONNX_GRAPH,
                format!("{name}: layer {} has no neurons", k + 1),
                "every layer of a network needs at least one neuron",
            );
        }
        let bad = l
            .weights
            .iter()
            .flatten()
            .chain(&l.bias)
            .any(|v| !v.is_finite())
            || matches!(l.activation, rmod_relu::Activation::ClippedRelu(c) if !c.is_finite());
        if bad {
            return fail(
                code::ONNX_MALFORMED,
                format!("{name}: layer {} has a weight or bias that is not finite (NaN or infinite, e.g. float16 overflow)", k + 1),
                "every number of a network must be finite; check the exported weights",
            );
        }
    }
    let mut net = Network::from_layers(layers);
    net.input_scaling = it.input_scaling.take();
    let n_out = net.n_outputs();
    // names: the metadata's `inputs`/`outputs`, else the graph's for a single value
    let meta = |key: &str| {
        model
            .metadata_props
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.as_str())
    };
    let names = |key: &str,
                 n: usize,
                 graph_name: &str,
                 diags: &mut Vec<Diagnostic>|
     -> Option<Vec<String>> {
        match meta(key) {
            Some(v) => {
                let list: Vec<String> = serde_json::from_str::<Vec<String>>(v)
                    .unwrap_or_else(|_| v.split(',').map(|s| s.trim().to_string()).collect());
                if list.len() == n {
                    return Some(list);
                }
                diags.push(
                    Diagnostic::warning(
                        code::ONNX_GRAPH,
                        format!("{name}: the metadata `{key}` names {} value(s), the network has {n}: ignored", list.len()),
                    )
                    .with_help(format!("write {n} comma-separated names in the model's metadata_props `{key}`")),
                );
                (n == 1).then(|| vec![graph_name.to_string()])
            }
            None if n == 1 => Some(vec![graph_name.to_string()]),
            None => None,
        }
    };
    net.inputs = names("inputs", n_in, &input.name, &mut diags);
    net.outputs = names("outputs", n_out, out_name, &mut diags);
    if let Some(v) = meta("input_bounds") {
        match bounds::from_metadata(v, n_in) {
            Ok(b) => net.input_bounds = Some(b),
            Err(e) => diags.push(
                Diagnostic::error(
                    code::ONNX_BOUNDS_FILE,
                    format!("{name}: metadata `input_bounds`: {e}"),
                )
                .with_help("write a JSON list of [lo, hi] pairs, one per input"),
            ),
        }
    }
    if let Some((bname, text)) = bounds_file {
        match bounds::from_sidecar(text, &shape_of(shape), net.inputs.as_deref()) {
            Ok(b) => {
                it.notes.push(format!("input bounds from {bname}"));
                net.input_bounds = Some(b);
            }
            Err(e) => diags.push(
                Diagnostic::error(code::ONNX_BOUNDS_FILE, format!("{bname}: {e}"))
                    .with_help("write [{\"key\": 0, \"lower_bound\": lo, \"upper_bound\": hi}, ...] with one entry per input"),
            ),
        }
    }
    if rmod_diagnostics::has_errors(&diags) {
        return (None, diags);
    }
    let summary = Summary {
        producer: format!("{} {}", model.producer_name, model.producer_version)
            .trim()
            .to_string(),
        ir_version: model.ir_version,
        opset,
        input: (input.name.clone(), dims_text(&input.r#type)),
        output: (out_name.clone(), dims_text(&g.output[0].r#type)),
        ops,
    };
    (
        Some(Imported {
            net,
            notes: it.notes,
            summary,
        }),
        diags,
    )
}

fn shape_of(s: &proto::TensorShapeProto) -> Vec<usize> {
    s.dim
        .iter()
        .map(|d| d.dim_value.filter(|v| *v > 0).map_or(1, |v| v as usize))
        .collect()
}

#[cfg(test)]
mod tests;
