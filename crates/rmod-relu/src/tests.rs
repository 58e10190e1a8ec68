use rmod_diagnostics::{FileId, Span};
use rmod_ir::{Affine, Elem, Model};

use super::*;

/// A small deterministic generator, so property tests need no extra dependency.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    pub fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n - 1)
    }
}

pub(crate) fn random_net(rng: &mut Lcg, n_in: usize) -> Network {
    let depth = 1 + rng.below(3);
    let mut layers = Vec::new();
    let mut width = n_in;
    for k in 0..=depth {
        let last = k == depth;
        let n_out = if last { 1 } else { 2 + rng.below(5) };
        let weights = (0..n_out)
            .map(|_| (0..width).map(|_| rng.range(-1.5, 1.5)).collect())
            .collect();
        let bias = (0..n_out).map(|_| rng.range(-1.0, 1.0)).collect();
        let activation = if last {
            Activation::Linear
        } else if rng.unit() < 0.3 {
            Activation::ClippedRelu(rng.range(0.3, 2.0))
        } else {
            Activation::Relu
        };
        layers.push(Layer {
            weights,
            bias,
            activation,
        });
        width = n_out;
    }
    let scaled = rng.unit() < 0.5;
    Network {
        inputs: None,
        outputs: None,
        input_bounds: None,
        input_scaling: scaled.then(|| Scaling {
            offset: (0..n_in).map(|_| rng.range(-2.0, 2.0)).collect(),
            scale: (0..n_in).map(|_| rng.range(0.5, 3.0)).collect(),
        }),
        output_scaling: scaled.then(|| Scaling {
            offset: vec![rng.range(-5.0, 5.0)],
            scale: vec![rng.range(0.1, 10.0)],
        }),
        layers,
    }
}

/// A random input box: lower bound in [-3, 1], width in [0.5, 4].
pub(crate) fn random_box(rng: &mut Lcg, n_in: usize) -> Vec<(f64, f64)> {
    (0..n_in)
        .map(|_| {
            let l = rng.range(-3.0, 1.0);
            (l, l + rng.range(0.5, 4.0))
        })
        .collect()
}

/// A model with one column per input in the box, and the network encoded on top.
/// A random network with 1 to 3 inputs and a random input box: (inputs, network, box).
pub(crate) fn random_case(rng: &mut Lcg) -> (usize, Network, Vec<(f64, f64)>) {
    let n_in = 1 + rng.below(3);
    let net = random_net(rng, n_in);
    let boxes = random_box(rng, n_in);
    (n_in, net, boxes)
}

pub(crate) fn encoded_model(net: &Network, boxes: &[(f64, f64)]) -> (Model, Encoded) {
    let (mut m, inputs) = crate::obbt::box_model("x", boxes);
    let bounds = crate::compute_bounds(net, &m, &inputs, boxes, &BoundMethod::Ia, false, None);
    let enc = encode(
        net,
        &mut m,
        &inputs,
        &UseName {
            base: "c.net",
            index: &[],
            span: Span::default(),
        },
        &bounds,
    );
    (m, enc)
}

/// The point of the encoded model that the true activations at `x` define.
pub(crate) fn true_point(net: &Network, m: &Model, x: &[f64]) -> Vec<f64> {
    let pre = net.trace(x);
    let mut point = vec![0.0; m.columns.len()];
    point[..x.len()].copy_from_slice(x);
    for (ci, col) in m.columns.iter().enumerate().skip(x.len()) {
        let (Some(Elem::Int(k)), Some(Elem::Int(j))) =
            (col.origin.index.first(), col.origin.index.get(1))
        else {
            continue;
        };
        let a = pre[*k as usize - 1][*j as usize - 1];
        let c = match net.layers[*k as usize - 1].activation {
            Activation::ClippedRelu(c) => c,
            _ => 0.0,
        };
        let kind = col.origin.decl.rsplit('.').next().unwrap_or("");
        point[ci] = match kind {
            "y" => a.max(0.0),
            "z" => f64::from(a > 0.0),
            "top_y" => (a - c).max(0.0),
            "top_z" => f64::from(a - c > 0.0),
            _ => 0.0,
        };
    }
    point
}

#[test]
fn forward_pass_applies_scaling() {
    let text = r#"{"format": "relu-net", "version": 1, "inputs": ["T"], "outputs": ["y"],
        "input_scaling": {"offset": [10], "scale": [2]}, "output_scaling": {"offset": [1], "scale": [3]},
        "layers": [{"weights": [[1.0]], "bias": [0.0], "activation": "relu"},
                   {"weights": [[2.0]], "bias": [0.5], "activation": "linear"}]}"#;
    let (net, d) = parse(FileId(0), "n.json", text);
    assert!(d.is_empty(), "{d:?}");
    let net = net.unwrap();
    // x = 14 -> (14-10)/2 = 2 -> relu 2 -> 2*2+0.5 = 4.5 -> 4.5*3+1 = 14.5
    assert_eq!(net.forward(&[14.0]), vec![14.5]);
    assert_eq!(net.forward(&[6.0]), vec![2.5]);
}

#[test]
fn interval_bounds_contain_samples() {
    let mut rng = Lcg(11);
    for _ in 0..200 {
        let n_in = 1 + rng.below(3);
        let net = random_net(&mut rng, n_in);
        let lo: Vec<f64> = (0..n_in).map(|_| rng.range(-2.0, 0.0)).collect();
        let hi: Vec<f64> = lo.iter().map(|l| l + rng.range(0.1, 3.0)).collect();
        let b = net.interval_bounds(&lo, &hi);
        for _ in 0..50 {
            let xs: Vec<f64> = lo.iter().zip(&hi).map(|(l, h)| rng.range(*l, *h)).collect();
            let x: Vec<f64> = xs
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    net.input_scaling
                        .as_ref()
                        .map_or(*v, |s| v * s.scale[i] + s.offset[i])
                })
                .collect();
            for (layer, bl) in net.trace(&x).iter().zip(&b) {
                for (a, (l, u)) in layer.iter().zip(bl) {
                    assert!(*l - 1e-9 <= *a && *a <= *u + 1e-9, "{a} not in [{l}, {u}]");
                }
            }
        }
    }
}

#[test]
fn encoding_admits_every_true_activation() {
    let mut rng = Lcg(5);
    for _ in 0..200 {
        let (_, net, boxes) = random_case(&mut rng);
        let (m, enc) = encoded_model(&net, &boxes);
        for _ in 0..30 {
            let x: Vec<f64> = boxes.iter().map(|(p, q)| rng.range(*p, *q)).collect();
            let point = true_point(&net, &m, &x);
            // the library's completion (used for initial incumbents) builds the same point
            let mut completed = vec![0.0; m.columns.len()];
            completed[..x.len()].copy_from_slice(&x);
            crate::complete_point(&net, &enc.columns, &x, &mut completed);
            assert_eq!(completed, point);
            let viol = m.max_violation(&point);
            assert!(viol <= 1e-9, "violation {viol}");
            let y = enc.outputs[0].eval(&point);
            let f = net.forward(&x)[0];
            assert!((y - f).abs() <= 1e-9 * (1.0 + f.abs()), "{y} vs {f}");
            let (lo, hi) = enc.output_bounds[0];
            assert!(
                lo - 1e-9 <= f.min(lo.max(f)) && f <= hi + 1e-6 * (1.0 + hi.abs()),
                "{f} outside [{lo}, {hi}]"
            );
        }
        assert_eq!(enc.stats.neurons, net.n_hidden());
        assert!(enc.stats.stable_active + enc.stats.stable_inactive <= enc.stats.neurons);
    }
}

#[test]
fn stable_neurons_get_no_binary() {
    // a = x on [1, 2]: always active; b = -x on [1, 2]: always inactive
    let net = Network::from_layers(vec![
        Layer {
            weights: vec![vec![1.0], vec![-1.0]],
            bias: vec![0.0, 0.0],
            activation: Activation::Relu,
        },
        Layer {
            weights: vec![vec![1.0, 1.0]],
            bias: vec![0.0],
            activation: Activation::Linear,
        },
    ]);
    let (m, enc) = encoded_model(&net, &[(1.0, 2.0)]);
    assert_eq!(enc.stats.binaries, 0);
    assert_eq!((enc.stats.stable_active, enc.stats.stable_inactive), (1, 1));
    assert_eq!(m.n_binary(), 0);
    assert_eq!(m.rows.len(), 1);
}

#[test]
fn clipped_relu_needs_binaries_only_for_open_breakpoints() {
    let clipped = |lo: f64, hi: f64| {
        let net = Network::from_layers(vec![
            Layer {
                weights: vec![vec![1.0]],
                bias: vec![0.0],
                activation: Activation::ClippedRelu(1.0),
            },
            Layer {
                weights: vec![vec![1.0]],
                bias: vec![0.0],
                activation: Activation::Linear,
            },
        ]);
        encoded_model(&net, &[(lo, hi)]).1.stats.binaries
    };
    assert_eq!(clipped(0.2, 0.8), 0);
    assert_eq!(clipped(1.5, 3.0), 0);
    assert_eq!(clipped(-2.0, -1.0), 0);
    assert_eq!(clipped(-1.0, 0.5), 1);
    assert_eq!(clipped(0.5, 2.0), 1);
    assert_eq!(clipped(-1.0, 2.0), 2);
}

#[test]
fn bad_files_name_the_pointer() {
    let check = |text: &str, want: &str| {
        let (net, d) = parse(FileId(0), "n.json", text);
        assert!(net.is_none(), "{text}");
        assert!(
            d.iter().any(|x| x.message.contains(want)),
            "{want} not in {d:?}"
        );
    };
    let layer = r#"{"weights": [[1.0, 2.0]], "bias": [0.0], "activation": "relu"}"#;
    check(
        &format!(r#"{{"format": "relu-net", "version": 2, "layers": [{layer}]}}"#),
        "/version",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": []}"#,
        "/layers",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [[1.0, 2.0], [1.0]], "bias": [0, 0], "activation": "relu"}]}"#,
        "/layers/0/weights/1",
    );
    check(
        &format!(
            r#"{{"format": "relu-net", "version": 1, "layers": [{layer}, {{"weights": [[1.0, 2.0]], "bias": [0.0], "activation": "linear"}}]}}"#
        ),
        "/layers/1/weights/0",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [[1.0]], "bias": [0.0, 1.0], "activation": "relu"}]}"#,
        "/layers/0/bias",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [[1.0]], "bias": [0.0], "activation": "tanh"}]}"#,
        "/layers/0/activation",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [[1.0]], "bias": [0.0], "activation": "clipped_relu", "clip": -1}]}"#,
        "/layers/0/clip",
    );
    check(
        &format!(r#"{{"format": "relu-net", "version": 1, "inputs": ["a"], "layers": [{layer}]}}"#),
        "/inputs",
    );
    check(
        &format!(
            r#"{{"format": "relu-net", "version": 1, "input_bounds": [[0, 1], [3, 2]], "layers": [{layer}]}}"#
        ),
        "/input_bounds/1",
    );
    check(
        &format!(
            r#"{{"format": "relu-net", "version": 1, "input_scaling": {{"offset": [0, 0], "scale": [1, 0]}}, "layers": [{layer}]}}"#
        ),
        "/input_scaling/scale/1",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [[1e999]], "bias": [0.0], "activation": "relu"}]}"#,
        "not valid JSON",
    );
    check(
        r#"{"format": "relu-net", "version": 1, "layers": [{"weights": [["a"]], "bias": [0.0], "activation": "relu"}]}"#,
        "/layers/0/weights/0/0",
    );
}

#[test]
fn scaling_preserves_the_function_and_bigm_scaling_makes_every_m_one() {
    let mut rng = Lcg(99);
    for _ in 0..40 {
        let (n_in, net, boxes) = random_case(&mut rng);
        for kind in [crate::ReluScaling::BigM, crate::ReluScaling::Balanced] {
            let scaled = crate::scale_network(&net, &boxes, kind);
            for _ in 0..50 {
                let x: Vec<f64> = boxes.iter().map(|(p, q)| rng.range(*p, *q)).collect();
                let (a, b) = (net.forward(&x), scaled.forward(&x));
                for (u, v) in a.iter().zip(&b) {
                    assert!(
                        (u - v).abs() <= 1e-12 * u.abs().max(1.0),
                        "{u} vs {v} ({kind:?})"
                    );
                }
            }
            if kind == crate::ReluScaling::BigM {
                let (_, lo, hi) =
                    crate::scale_inputs(&scaled, &vec![Affine::constant(0.0); n_in], &boxes);
                let ia = scaled.interval_bounds(&lo, &hi);
                for (layer, b) in scaled.layers.iter().zip(&ia) {
                    if layer.activation != Activation::Relu {
                        continue;
                    }
                    for (l, u) in b {
                        let m = (-l).max(*u);
                        assert!((m - 1.0).abs() < 1e-9 || m < 1e-12, "M = {m}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_numerically_dead_neuron_does_not_distort_the_scaling() {
    // L2 training shrinks dead neurons to weights of about 1e-150; the balanced objective would
    // pull every neighbour towards log(1e-150) and blow the big-M values up (seen: M = 3.6e8).
    let net_with = |dead: f64| {
        Network::from_layers(vec![
            Layer {
                weights: vec![vec![1.0, -2.0], vec![dead, dead], vec![0.5, 0.3]],
                bias: vec![0.1, dead, -0.2],
                activation: Activation::Relu,
            },
            Layer {
                weights: vec![vec![0.7, dead, -1.1], vec![-0.4, 2.0, 0.9]],
                bias: vec![0.0, 0.3],
                activation: Activation::Relu,
            },
            Layer {
                weights: vec![vec![1.0, -1.0]],
                bias: vec![0.0],
                activation: Activation::Linear,
            },
        ])
    };
    let boxes = [(-1.0, 1.0), (-2.0, 2.0)];
    for kind in [crate::ReluScaling::BigM, crate::ReluScaling::Balanced] {
        let f = crate::scale_factors(&net_with(1e-150), &[-1.0, -2.0], &[1.0, 2.0], kind);
        let g = crate::scale_factors(&net_with(0.0), &[-1.0, -2.0], &[1.0, 2.0], kind);
        assert_eq!(f[0][1], 1.0, "{kind:?}: the dead neuron keeps s = 1");
        for (a, b) in f.iter().flatten().zip(g.iter().flatten()) {
            assert!((a - b).abs() <= 1e-9 * b.abs(), "{kind:?}: {f:?} vs {g:?}");
        }
        let scaled = crate::scale_network(&net_with(1e-150), &boxes, kind);
        let ia = scaled.interval_bounds(&[-1.0, -2.0], &[1.0, 2.0]);
        let m = ia
            .iter()
            .take(2)
            .flatten()
            .fold(0.0f64, |a, (l, u)| a.max(-l).max(*u));
        assert!(m < 10.0, "{kind:?}: largest M {m}");
    }
}

#[test]
fn cell_tightening_keeps_every_true_activation_of_the_cell() {
    let mut rng = Lcg(17);
    let (mut fixed, mut smaller) = (0, 0);
    for _ in 0..200 {
        let (n_in, net, boxes) = random_case(&mut rng);
        let (m, enc) = encoded_model(&net, &boxes);
        let (_, inputs) = crate::obbt::box_model("x", &boxes);
        let pre =
            crate::compute_bounds(&net, &m, &inputs, &boxes, &BoundMethod::Ia, false, None).pre;
        for _ in 0..5 {
            let cell: Vec<(f64, f64)> = boxes
                .iter()
                .map(|(p, q)| {
                    let (a, b) = (rng.range(*p, *q), rng.range(*p, *q));
                    (a.min(b), a.max(b))
                })
                .collect();
            let mut cm = m.clone();
            for (c, b) in cm.columns.iter_mut().zip(&cell) {
                (c.lower, c.upper) = *b;
            }
            crate::tighten_cell(&net, &inputs, &pre, &enc.columns, &enc.m_rows, &mut cm);
            fixed += cm
                .columns
                .iter()
                .filter(|c| c.kind != rmod_ir::ColKind::Continuous && c.lower == c.upper)
                .count();
            smaller += cm.rows.iter().zip(&m.rows).filter(|(a, b)| a != b).count();
            for _ in 0..20 {
                let x: Vec<f64> = cell.iter().map(|(p, q)| rng.range(*p, *q)).collect();
                let mut point = vec![0.0; m.columns.len()];
                point[..n_in].copy_from_slice(&x);
                crate::complete_point(&net, &enc.columns, &x, &mut point);
                for (i, (v, c)) in point.iter().zip(&cm.columns).enumerate() {
                    let (l, u) = (c.lower, c.upper);
                    assert!(
                        *v >= l - 1e-9 * (1.0 + l.abs()) && *v <= u + 1e-9 * (1.0 + u.abs()),
                        "column {i}: {v} outside the cell's [{l}, {u}]"
                    );
                }
                let viol = cm.max_violation(&point);
                assert!(
                    viol <= 1e-9,
                    "a true activation violates the cell's rows by {viol}"
                );
            }
        }
    }
    assert!(fixed > 0, "no binary was fixed in any cell");
    assert!(smaller > 0, "no big-M row was tightened in any cell");
}

#[test]
fn to_json_reads_back_to_the_same_network() {
    let mut rng = Lcg(11);
    for k in 0..40 {
        let mut net = random_net(&mut rng, 1 + k % 3);
        if k % 2 == 0 {
            let n = net.n_inputs();
            net.inputs = Some((0..n).map(|i| format!("x\"{i}")).collect());
            net.outputs = Some(vec!["y".into()]);
            net.input_bounds = Some((0..n).map(|i| (-1.0 - i as f64, 0.1 + 0.2)).collect());
        }
        net.layers[0].bias[0] = 1e-300 * rng.unit();
        let text = net.to_json(Some(&serde_json::json!({"source": "test"})));
        let (back, diags) = parse(FileId(0), "n.json", &text);
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        assert_eq!(back.expect("parses"), net);
        assert_eq!(
            text,
            net.to_json(Some(&serde_json::json!({"source": "test"})))
        );
    }
}

/// An oracle that solves nothing and counts the problems it was asked.
struct Unsolved(std::cell::Cell<usize>);

impl rmod_ir::BoundOracle for Unsolved {
    fn min_bounds(
        &self,
        _model: &Model,
        objectives: &[Affine],
        _relax: bool,
        _time_limit: Option<f64>,
        _deadline: Option<std::time::Instant>,
    ) -> Vec<Option<f64>> {
        self.0.set(self.0.get() + objectives.len());
        vec![None; objectives.len()]
    }
}

#[test]
fn tightening_starts_from_crown() {
    let mut rng = Lcg(23);
    let options = rmod_ir::Options::default();
    let (mut asked, mut ia_open, mut narrower) = (0, 0, 0);
    for _ in 0..200 {
        let (_, net, boxes) = random_case(&mut rng);
        let (lo, hi): (Vec<f64>, Vec<f64>) = boxes.iter().copied().unzip();
        let oracle = Unsolved(std::cell::Cell::new(0));
        let b = crate::tighten(
            &net,
            crate::Context::Network(&options),
            &lo,
            &hi,
            &oracle,
            None,
            None,
        );
        let ia = net.interval_bounds(&lo, &hi);
        // nothing solved: the starting bounds, never looser than interval arithmetic
        for (bl, il) in b.pre.iter().zip(&ia) {
            for ((l, u), (p, q)) in bl.iter().zip(il) {
                assert!(l >= p && u <= q, "[{l}, {u}] looser than [{p}, {q}]");
                narrower += usize::from(l > p || u < q);
            }
        }
        for _ in 0..50 {
            let x: Vec<f64> = lo.iter().zip(&hi).map(|(p, q)| rng.range(*p, *q)).collect();
            for (a, bl) in net.trace_scaled(&x).iter().zip(&b.pre) {
                for (v, (l, u)) in a.iter().zip(bl) {
                    assert!(*l - 1e-9 <= *v && *v <= *u + 1e-9, "{v} not in [{l}, {u}]");
                }
            }
        }
        // a problem pair for each neuron left unstable after the first layer
        asked += oracle.0.get();
        for (layer, il) in net.layers.iter().zip(&ia).skip(1) {
            let open = il
                .iter()
                .filter(|lu| crate::bounds::is_open(layer.activation, **lu));
            ia_open += 2 * open.count();
        }
    }
    assert!(narrower > 0);
    assert!(
        asked < ia_open,
        "{asked} problems, interval arithmetic alone: {ia_open}"
    );
}
