//! Graphs built by hand, node by node, against a direct evaluation of the same operators.

use prost::Message;

use super::*;
use crate::proto::*;
use crate::tensor::encode_f64;

fn f32_tensor(name: &str, dims: &[usize], v: &[f64]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|d| *d as i64).collect(),
        data_type: data_type::FLOAT,
        name: name.into(),
        float_data: v.iter().map(|x| *x as f32).collect(),
        ..Default::default()
    }
}
fn n(op: &str, ins: &[&str], out: &str) -> NodeProto {
    NodeProto {
        input: ins.iter().map(|s| s.to_string()).collect(),
        output: vec![out.into()],
        name: format!("{op}_{out}"),
        op_type: op.into(),
        ..Default::default()
    }
}
fn with_attr(mut node: NodeProto, name: &str, f: Option<f32>, i: Option<i64>) -> NodeProto {
    node.attribute.push(AttributeProto {
        name: name.into(),
        r#type: if f.is_some() { 1 } else { 2 },
        f: f.unwrap_or(0.0),
        i: i.unwrap_or(0),
        ..Default::default()
    });
    node
}
fn vi(name: &str, dims: &[i64]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TypeTensor {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| {
                            if *d < 0 {
                                Dimension {
                                    dim_value: None,
                                    dim_param: Some("N".into()),
                                }
                            } else {
                                Dimension {
                                    dim_value: Some(*d),
                                    dim_param: None,
                                }
                            }
                        })
                        .collect(),
                }),
            }),
        }),
        doc_string: String::new(),
    }
}
fn model(
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    input: ValueInfoProto,
    opset: i64,
) -> Vec<u8> {
    ModelProto {
        ir_version: 7,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: opset,
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer: inits,
            input: vec![input],
            output: vec![vi("y", &[-1, 1])],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

const W1: [f64; 6] = [0.5, -1.0, 1.5, 0.25, -0.75, 2.0]; // [3, 2]: 2 inputs -> 3 neurons
const B1: [f64; 3] = [0.1, -0.2, 0.3];
const W2: [f64; 3] = [1.0, -2.0, 0.5];

fn hidden(x: &[f64]) -> Vec<f64> {
    (0..3)
        .map(|j| W1[2 * j] * x[0] + W1[2 * j + 1] * x[1] + B1[j])
        .collect()
}
fn grid() -> Vec<[f64; 2]> {
    let mut g = Vec::new();
    for i in 0..9 {
        for j in 0..9 {
            g.push([-2.0 + 0.5 * i as f64, -2.0 + 0.5 * j as f64]);
        }
    }
    g
}
fn check(bytes: &[u8], f: impl Fn(&[f64]) -> f64) -> Imported {
    let (imp, diags) = read("t.onnx", bytes, None);
    assert!(!rmod_diagnostics::has_errors(&diags), "{diags:?}");
    let imp = imp.expect("imported");
    for x in grid() {
        let got = imp.net.forward(&x)[0];
        let want = f(&x);
        assert!(
            (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
            "at {x:?}: {got} vs {want}"
        );
    }
    imp
}
fn dense_inits() -> Vec<TensorProto> {
    vec![
        f32_tensor("W1", &[3, 2], &W1),
        f32_tensor("B1", &[3], &B1),
        f32_tensor("W2", &[1, 3], &W2),
        f32_tensor("B2", &[1], &[0.5]),
    ]
}
fn gemm(a: &str, w: &str, b: &str, out: &str) -> NodeProto {
    with_attr(n("Gemm", &[a, w, b], out), "transB", None, Some(1))
}
fn head(h: &[f64]) -> f64 {
    h.iter().zip(W2).map(|(h, w)| h * w).sum::<f64>() + 0.5
}

#[test]
fn gemm_relu_gemm_is_the_network() {
    let nodes = vec![
        gemm("x", "W1", "B1", "a"),
        n("Relu", &["a"], "h"),
        gemm("h", "W2", "B2", "y"),
    ];
    let imp = check(&model(nodes, dense_inits(), vi("x", &[-1, 2]), 13), |x| {
        head(&hidden(x).iter().map(|v| v.max(0.0)).collect::<Vec<_>>())
    });
    assert_eq!(imp.net.layers.len(), 2);
    assert_eq!(imp.net.inputs, None);
    assert_eq!(imp.net.outputs, Some(vec!["y".to_string()]));
}

#[test]
fn leaky_relu_is_exact_with_two_relus() {
    let nodes = vec![
        gemm("x", "W1", "B1", "a"),
        with_attr(n("LeakyRelu", &["a"], "h"), "alpha", Some(0.1), None),
        gemm("h", "W2", "B2", "y"),
    ];
    let alpha = f64::from(0.1f32);
    let imp = check(&model(nodes, dense_inits(), vi("x", &[-1, 2]), 13), |x| {
        head(
            &hidden(x)
                .iter()
                .map(|v| if *v < 0.0 { alpha * v } else { *v })
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(imp.net.layers[0].bias.len(), 6);
}

#[test]
fn clip_in_every_form_and_opset() {
    for (lo, hi) in [
        (0.0, 1.0),
        (-0.5, 0.8),
        (0.2, f64::INFINITY),
        (f64::NEG_INFINITY, 0.4),
    ] {
        let f = |x: &[f64]| {
            head(
                &hidden(x)
                    .iter()
                    .map(|v| v.max(lo).min(hi))
                    .collect::<Vec<_>>(),
            )
        };
        // opset 13: min and max are inputs
        let mut inits = dense_inits();
        let mut ins = vec!["a", "", ""];
        if lo.is_finite() {
            inits.push(f32_tensor("lo", &[], &[lo]));
            ins[1] = "lo";
        }
        if hi.is_finite() {
            inits.push(f32_tensor("hi", &[], &[hi]));
            ins[2] = "hi";
        }
        let nodes = vec![
            gemm("x", "W1", "B1", "a"),
            n("Clip", &ins, "h"),
            gemm("h", "W2", "B2", "y"),
        ];
        check(&model(nodes, inits, vi("x", &[-1, 2]), 13), f);
        // opset 9: attributes
        let mut clip = n("Clip", &["a"], "h");
        if lo.is_finite() {
            clip = with_attr(clip, "min", Some(lo as f32), None);
        }
        if hi.is_finite() {
            clip = with_attr(clip, "max", Some(hi as f32), None);
        }
        let nodes = vec![gemm("x", "W1", "B1", "a"), clip, gemm("h", "W2", "B2", "y")];
        let imp = check(&model(nodes, dense_inits(), vi("x", &[-1, 2]), 9), f);
        if lo == 0.0 {
            assert_eq!(
                imp.net.layers[0].activation,
                rmod_relu::Activation::ClippedRelu(1.0)
            );
        }
    }
}

#[test]
fn normalization_matmul_bias_first_and_batchnorm_fold() {
    // ((x - m) / s) @ W1^T, Add(bias, .), BatchNorm, Relu, MatMul, Add
    let mut inits = vec![
        f32_tensor("m", &[2], &[1.0, -1.0]),
        f32_tensor("s", &[2], &[2.0, 0.5]),
        f32_tensor("W1t", &[2, 3], &[W1[0], W1[2], W1[4], W1[1], W1[3], W1[5]]),
        f32_tensor("B1", &[3], &B1),
        f32_tensor("g", &[3], &[1.5, 0.5, 2.0]),
        f32_tensor("b", &[3], &[0.1, 0.0, -0.1]),
        f32_tensor("mu", &[3], &[0.2, -0.3, 0.0]),
        f32_tensor("var", &[3], &[4.0, 0.25, 1.0]),
        f32_tensor("W2t", &[3, 1], &W2),
        f32_tensor("B2", &[1], &[0.5]),
    ];
    inits.push(f32_tensor("shape", &[2], &[1.0, 2.0]));
    inits[10].data_type = data_type::INT64;
    inits[10].float_data.clear();
    inits[10].int64_data = vec![1, 2];
    let nodes = vec![
        n("Sub", &["x", "m"], "c"),
        n("Div", &["c", "s"], "z"),
        n("Reshape", &["z", "shape"], "z2"),
        n("MatMul", &["z2", "W1t"], "mm"),
        n("Add", &["B1", "mm"], "a"),
        with_attr(
            n("BatchNormalization", &["a", "g", "b", "mu", "var"], "bn"),
            "epsilon",
            Some(1e-3),
            None,
        ),
        n("Relu", &["bn"], "h"),
        n("MatMul", &["h", "W2t"], "o"),
        n("Add", &["o", "B2"], "y"),
    ];
    let g = [1.5, 0.5, 2.0];
    let (bb, mu, var) = ([0.1, 0.0, -0.1], [0.2, -0.3, 0.0], [4.0, 0.25, 1.0]);
    let eps = f64::from(1e-3f32);
    let imp = check(&model(nodes, inits, vi("x", &[1, 1, 1, 2]), 13), |x| {
        let z = [(x[0] - 1.0) / 2.0, (x[1] + 1.0) / 0.5];
        let h: Vec<f64> = hidden(&z)
            .iter()
            .enumerate()
            .map(|(j, a)| ((a - mu[j]) * g[j] / (var[j] + eps).sqrt() + bb[j]).max(0.0))
            .collect();
        head(&h)
    });
    let sc = imp
        .net
        .input_scaling
        .expect("normalization read as input scaling");
    assert_eq!((sc.offset, sc.scale), (vec![1.0, -1.0], vec![2.0, 0.5]));
}

#[test]
fn unsupported_nodes_are_all_listed_in_one_diagnostic() {
    let nodes = vec![
        gemm("x", "W1", "B1", "a"),
        n("Sigmoid", &["a"], "h"),
        n("Tanh", &["h"], "h2"),
        gemm("h2", "W2", "B2", "y"),
    ];
    let (imp, diags) = read(
        "t.onnx",
        &model(nodes, dense_inits(), vi("x", &[-1, 2]), 13),
        None,
    );
    assert!(imp.is_none());
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, "rmod::onnx::unsupported");
    assert_eq!(d.notes.len(), 2, "{d:?}");
    assert!(
        d.notes[0].contains("node 2 of 4 `Sigmoid_h` (Sigmoid)"),
        "{}",
        d.notes[0]
    );
    assert!(d.notes[1].contains("(Tanh)"));
    assert!(d
        .help
        .as_deref()
        .unwrap_or("")
        .contains("Relu, LeakyRelu and Clip"));
}

#[test]
fn graph_errors_name_the_node() {
    let nodes = vec![n("MatMul", &["x", "x"], "y")];
    let (_, diags) = read("t.onnx", &model(nodes, vec![], vi("x", &[1, 2]), 13), None);
    assert_eq!(diags[0].code, "rmod::onnx::graph");
    assert!(
        diags[0].message.contains("node 1 of 1 `MatMul_y` (MatMul)"),
        "{}",
        diags[0].message
    );
    // a skip connection across a ReLU
    let nodes = vec![
        gemm("x", "W1", "B1", "a"),
        n("Relu", &["a"], "h"),
        n("Add", &["h", "a"], "r"),
        gemm("r", "W2", "B2", "y"),
    ];
    let (_, diags) = read(
        "t.onnx",
        &model(nodes, dense_inits(), vi("x", &[1, 2]), 13),
        None,
    );
    assert!(
        diags[0].message.contains("skip connections"),
        "{}",
        diags[0].message
    );
}

#[test]
fn malformed_bytes_are_a_coded_error_never_a_panic() {
    for bytes in [
        &b"\x08\x07\x12\xff\xff"[..],
        b"garbage",
        b"",
        &[0xff; 64][..],
    ] {
        let (imp, diags) = read("t.onnx", bytes, None);
        assert!(imp.is_none());
        assert!(diags[0].code.starts_with("rmod::onnx::"), "{diags:?}");
    }
    // a weight tensor whose data does not match its shape
    let mut inits = dense_inits();
    inits[0].dims = vec![4, 2];
    let nodes = vec![gemm("x", "W1", "B1", "y")];
    let (_, diags) = read("t.onnx", &model(nodes, inits, vi("x", &[1, 2]), 13), None);
    assert_eq!(diags[0].code, "rmod::onnx::malformed");
    assert!(diags[0].message.contains("initializer `W1`"));
}

#[test]
fn writing_then_reading_is_exact() {
    let nodes = vec![
        gemm("x", "W1", "B1", "a"),
        n("Relu", &["a"], "h"),
        gemm("h", "W2", "B2", "y"),
    ];
    let (imp, _) = read(
        "t.onnx",
        &model(nodes, dense_inits(), vi("x", &[-1, 2]), 13),
        None,
    );
    let mut net = imp.expect("imported").net;
    net.inputs = Some(vec!["feed".into(), "T".into()]);
    net.input_bounds = Some(vec![(0.0, 1.0), (300.0, 400.0)]);
    net.input_scaling = Some(rmod_relu::Scaling {
        offset: vec![0.5, 350.0],
        scale: vec![0.1, 50.0],
    });
    net.layers[0].activation = rmod_relu::Activation::ClippedRelu(0.7);
    let bytes = write(&net);
    assert_eq!(bytes, write(&net), "deterministic");
    let (back, diags) = read("back.onnx", &bytes, None);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(back.expect("read back").net, net);
    // a double tensor in raw data round-trips bit for bit
    let t = encode_f64("w", &[1], &[0.1 + 0.2]);
    assert_eq!(tensor::decode(&t).expect("decodes").data, vec![0.1 + 0.2]);
}

/// Fuzz finding: a LeakyRelu of n values imports as a ReLU layer of 2n, and the export of that
/// layer must read back (the width limit counts ReLUs, not the values activated).
#[test]
fn a_wide_leaky_relu_layer_round_trips() {
    let n = 1500;
    let net = rmod_relu::Network::from_layers(vec![
        rmod_relu::Layer {
            weights: (0..2 * n)
                .map(|i| vec![if i < n { 1.0 } else { -1.0 }])
                .collect(),
            bias: vec![0.0; 2 * n],
            activation: rmod_relu::Activation::Relu,
        },
        rmod_relu::Layer {
            weights: vec![vec![0.5; 2 * n]],
            bias: vec![0.0],
            activation: rmod_relu::Activation::Linear,
        },
    ]);
    let (back, diags) = read("back.onnx", &write(&net), None);
    assert!(diags.is_empty(), "{diags:?}");
    // (compared without printing: the layers are large)
    assert!(back.expect("read back").net.layers == net.layers);
}
