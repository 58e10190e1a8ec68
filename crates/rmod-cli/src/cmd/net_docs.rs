//! The JSON documents of `rmod net info|bounds|regions|eval --format json` (`rmod-net-info`,
//! `rmod-net-bounds`, `rmod-net-regions`, `rmod-net-eval`, version 1).

use rmod_relu::{Activation, Network};
use serde_json::{json, Value};

use crate::docs::{document, num};

fn box_json(bx: &[(f64, f64)]) -> Value {
    Value::Array(bx.iter().map(|(a, c)| json!([num(*a), num(*c)])).collect())
}

/// `rmod-net-info`: shape, layers, inputs (bounds, scaling), outputs, the ONNX reader's
/// summary, and the weights encoding would drop over the file's box (`null` without one).
pub fn info(
    file: &str,
    net: &Network,
    onnx: Option<&rmod_onnx::Imported>,
    negligible: Option<(usize, f64)>,
) -> String {
    let hidden: usize = net.layers[..net.layers.len().saturating_sub(1)]
        .iter()
        .map(|l| l.bias.len())
        .sum();
    let params: usize = net
        .layers
        .iter()
        .map(|l| l.bias.len() * (l.weights.first().map_or(0, Vec::len) + 1))
        .sum();
    let layers: Vec<Value> = net
        .layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let (act, clip) = match l.activation {
                Activation::Relu => ("relu", Value::Null),
                Activation::ClippedRelu(c) => ("clipped_relu", num(c)),
                Activation::Linear => ("linear", Value::Null),
            };
            json!({
                "layer": k + 1,
                "inputs": l.weights.first().map_or(0, Vec::len),
                "neurons": l.bias.len(),
                "activation": act,
                "clip": clip,
            })
        })
        .collect();
    let inputs: Vec<Value> = (0..net.n_inputs())
        .map(|i| {
            json!({
                "name": net.input_name(i),
                "bounds": net.input_bounds.as_ref().map(|b| json!([num(b[i].0), num(b[i].1)])),
                "scaling": net.input_scaling.as_ref().map(|s| json!({"offset": num(s.offset[i]), "scale": num(s.scale[i])})),
            })
        })
        .collect();
    let outputs: Vec<Value> = (0..net.n_outputs())
        .map(|j| {
            json!({
                "name": net.output_name(j),
                "scaling": net.output_scaling.as_ref().map(|s| json!({"offset": num(s.offset[j]), "scale": num(s.scale[j])})),
            })
        })
        .collect();
    let onnx = onnx.map(|imp| {
        let s = &imp.summary;
        json!({
            "ir_version": s.ir_version,
            "opset": s.opset,
            "producer": s.producer,
            "input": {"name": s.input.0, "shape": s.input.1},
            "output": {"name": s.output.0, "shape": s.output.1},
            "nodes": s.ops,
            "folded": imp.notes,
        })
    });
    document(
        "net-info",
        json!({
            "network": file,
            "inputs_count": net.n_inputs(),
            "outputs_count": net.n_outputs(),
            "hidden_neurons": hidden,
            "parameters": params,
            "layers": layers,
            "inputs": inputs,
            "outputs": outputs,
            "onnx": onnx,
            "negligible_weights": negligible.map(|(n, largest)| json!({"dropped": n, "largest": num(largest)})),
        }),
    )
}

/// One hidden layer of `rmod net bounds`: (layer, neurons, stable active, stable inactive,
/// unstable, mean width, largest M).
pub type BoundsRow = (usize, usize, usize, usize, usize, f64, f64);

/// `rmod-net-bounds`: the method, the box and the hidden layers' figures.
pub fn bounds(file: &str, method: &str, bx: &[(f64, f64)], rows: &[BoundsRow]) -> String {
    document(
        "net-bounds",
        json!({
            "network": file,
            "method": method,
            "box": box_json(bx),
            "layers": rows.iter().map(|r| json!({
                "layer": r.0, "neurons": r.1, "stable_active": r.2, "stable_inactive": r.3, "unstable": r.4,
                "stable_share": (r.2 + r.3) as f64 / r.1.max(1) as f64, "mean_width": num(r.5), "max_m": num(r.6),
            })).collect::<Vec<_>>(),
        }),
    )
}

/// `rmod-net-regions`: an exact count (with the LPs it took) or a sampled lower bound.
pub fn regions(
    file: &str,
    bx: &[(f64, f64)],
    exact: Option<usize>,
    count: usize,
    samples: usize,
    seed: u64,
) -> String {
    let detail = match exact {
        Some(lps) => json!({"method": "exact", "regions": count, "lps": lps}),
        None => {
            json!({"method": "sampled", "regions_at_least": count, "samples": samples, "seed": seed})
        }
    };
    let mut fields = json!({"network": file, "box": box_json(bx)});
    if let (Value::Object(f), Value::Object(d)) = (&mut fields, detail) {
        f.extend(d);
    }
    document("net-regions", fields)
}

/// `rmod-net-eval`: the inputs and the outputs of a forward pass, by name, in file order.
pub fn eval(file: &str, net: &Network, at: &[f64], y: &[f64]) -> String {
    let inputs: serde_json::Map<String, Value> = at
        .iter()
        .enumerate()
        .map(|(i, v)| (net.input_name(i).to_string(), num(*v)))
        .collect();
    let outputs: serde_json::Map<String, Value> = y
        .iter()
        .enumerate()
        .map(|(j, v)| (net.output_name(j).to_string(), num(*v)))
        .collect();
    document(
        "net-eval",
        json!({"network": file, "inputs": inputs, "outputs": outputs}),
    )
}
