//! A network as an ONNX model (opset 13, float64, so that reading it back is exact): optional
//! `Sub`/`Div` input scaling, one `Gemm` per layer with `Relu` or `Clip(0, c)`, optional
//! `Mul`/`Add` output scaling; names and input bounds in the model's metadata.

use prost::Message;
use rmod_relu::{Activation, Network};

use crate::proto::*;
use crate::tensor::encode_f64;

fn node(op: &str, name: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.to_string()],
        name: name.to_string(),
        op_type: op.to_string(),
        ..Default::default()
    }
}

fn value_info(name: &str, n: usize) -> ValueInfoProto {
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto {
            tensor_type: Some(TypeTensor {
                elem_type: data_type::DOUBLE,
                shape: Some(TensorShapeProto {
                    dim: vec![
                        Dimension {
                            dim_value: None,
                            dim_param: Some("batch".into()),
                        },
                        Dimension {
                            dim_value: Some(n as i64),
                            dim_param: None,
                        },
                    ],
                }),
            }),
        }),
        doc_string: String::new(),
    }
}

/// The model's bytes: deterministic (same network, same bytes).
pub fn write(net: &Network) -> Vec<u8> {
    let mut nodes = Vec::new();
    let mut inits = Vec::new();
    let mut cur = "input".to_string();
    let step =
        |nodes: &mut Vec<NodeProto>, op: &str, name: String, extra: &[&str], cur: &mut String| {
            let mut ins = vec![cur.as_str()];
            ins.extend_from_slice(extra);
            nodes.push(node(op, &name, &ins, &name));
            *cur = name;
        };
    let n_in = net.n_inputs();
    if let Some(s) = &net.input_scaling {
        inits.push(encode_f64("input_offset", &[n_in], &s.offset));
        inits.push(encode_f64("input_scale", &[n_in], &s.scale));
        step(
            &mut nodes,
            "Sub",
            "input_centered".into(),
            &["input_offset"],
            &mut cur,
        );
        step(
            &mut nodes,
            "Div",
            "input_scaled".into(),
            &["input_scale"],
            &mut cur,
        );
    }
    for (k, l) in net.layers.iter().enumerate() {
        let (w, b) = (format!("layer{k}.weight"), format!("layer{k}.bias"));
        let n_out = l.bias.len();
        let flat: Vec<f64> = l.weights.iter().flatten().copied().collect();
        inits.push(encode_f64(&w, &[n_out, flat.len() / n_out.max(1)], &flat));
        inits.push(encode_f64(&b, &[n_out], &l.bias));
        let mut gemm = node(
            "Gemm",
            &format!("layer{k}.gemm"),
            &[cur.as_str(), &w, &b],
            &format!("layer{k}.gemm"),
        );
        gemm.attribute.push(AttributeProto {
            name: "transB".into(),
            r#type: 2,
            i: 1,
            ..Default::default()
        });
        nodes.push(gemm);
        cur = format!("layer{k}.gemm");
        match l.activation {
            Activation::Relu => step(&mut nodes, "Relu", format!("layer{k}.relu"), &[], &mut cur),
            Activation::ClippedRelu(c) => {
                let (lo, hi) = (format!("layer{k}.clip_min"), format!("layer{k}.clip_max"));
                inits.push(encode_f64(&lo, &[], &[0.0]));
                inits.push(encode_f64(&hi, &[], &[c]));
                step(
                    &mut nodes,
                    "Clip",
                    format!("layer{k}.clip"),
                    &[&lo, &hi],
                    &mut cur,
                );
            }
            Activation::Linear => {}
        }
    }
    let n_out = net.n_outputs();
    if let Some(s) = &net.output_scaling {
        inits.push(encode_f64("output_scale", &[n_out], &s.scale));
        inits.push(encode_f64("output_offset", &[n_out], &s.offset));
        step(
            &mut nodes,
            "Mul",
            "output_scaled".into(),
            &["output_scale"],
            &mut cur,
        );
        step(
            &mut nodes,
            "Add",
            "output_shifted".into(),
            &["output_offset"],
            &mut cur,
        );
    }
    step(&mut nodes, "Identity", "output".into(), &[], &mut cur);
    let mut meta = Vec::new();
    let mut put = |k: &str, v: String| {
        meta.push(StringStringEntryProto {
            key: k.into(),
            value: v,
        })
    };
    if let Some(i) = &net.inputs {
        put("inputs", serde_json::to_string(i).unwrap_or_default());
    }
    if let Some(o) = &net.outputs {
        put("outputs", serde_json::to_string(o).unwrap_or_default());
    }
    if let Some(b) = &net.input_bounds {
        let pairs: Vec<[f64; 2]> = b.iter().map(|(l, h)| [*l, *h]).collect();
        put(
            "input_bounds",
            serde_json::to_string(&pairs).unwrap_or_default(),
        );
    }
    let model = ModelProto {
        ir_version: 7,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
        producer_name: "rmod".into(),
        producer_version: String::new(),
        graph: Some(GraphProto {
            node: nodes,
            name: "relu_net".into(),
            initializer: inits,
            input: vec![value_info("input", n_in)],
            output: vec![value_info("output", n_out)],
            ..Default::default()
        }),
        metadata_props: meta,
        ..Default::default()
    };
    model.encode_to_vec()
}
