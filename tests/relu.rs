//! Network surrogates against independent answers: exact breakpoints in 1-D, dense grids in
//! 2-D, random networks against sampling; every optimum is re-checked by a forward pass.

use std::collections::BTreeMap;

use rmod_compiler::{compile, CompileRequest};
use rmod_ir::Status;
use serde_json::json;

struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
}

/// (weights [out][in], bias, clip: None = relu, Some(c) = clipped; the last layer is linear)
type TestLayer = (Vec<Vec<f64>>, Vec<f64>, Option<f64>);

struct Net {
    layers: Vec<TestLayer>,
    scaling: Option<(f64, f64, f64, f64)>,
}

impl Net {
    fn random(rng: &mut Lcg, n_in: usize, clipped: bool, scaled: bool) -> Net {
        let mut layers = Vec::new();
        let mut width = n_in;
        let depth = 2;
        for k in 0..=depth {
            let n_out = if k == depth {
                1
            } else {
                3 + (rng.unit() * 4.0) as usize
            };
            let w = (0..n_out)
                .map(|_| (0..width).map(|_| rng.range(-1.5, 1.5)).collect())
                .collect();
            let b = (0..n_out).map(|_| rng.range(-1.0, 1.0)).collect();
            let clip = (clipped && k < depth && rng.unit() < 0.5).then(|| rng.range(0.3, 1.5));
            layers.push((w, b, clip));
            width = n_out;
        }
        let scaling = scaled.then(|| {
            (
                rng.range(-1.0, 1.0),
                rng.range(0.5, 2.0),
                rng.range(-3.0, 3.0),
                rng.range(0.5, 4.0),
            )
        });
        Net { layers, scaling }
    }

    fn forward(&self, x: &[f64]) -> f64 {
        let mut h: Vec<f64> = x
            .iter()
            .map(|v| self.scaling.map_or(*v, |(o, s, _, _)| (v - o) / s))
            .collect();
        let n = self.layers.len();
        for (k, (w, b, clip)) in self.layers.iter().enumerate() {
            h = w
                .iter()
                .zip(b)
                .map(|(row, bb)| {
                    let a = bb + row.iter().zip(&h).map(|(p, q)| p * q).sum::<f64>();
                    if k + 1 == n {
                        a
                    } else {
                        match clip {
                            Some(c) => a.max(0.0).min(*c),
                            None => a.max(0.0),
                        }
                    }
                })
                .collect();
        }
        self.scaling.map_or(h[0], |(_, _, o, s)| h[0] * s + o)
    }

    fn json(&self, n_in: usize) -> String {
        let n = self.layers.len();
        let layers: Vec<serde_json::Value> = self
            .layers
            .iter()
            .enumerate()
            .map(|(k, (w, b, clip))| {
                let act = if k + 1 == n {
                    "linear"
                } else if clip.is_some() {
                    "clipped_relu"
                } else {
                    "relu"
                };
                let mut l = json!({"weights": w, "bias": b, "activation": act});
                if let (Some(c), true) = (clip, k + 1 < n) {
                    l["clip"] = json!(c);
                }
                l
            })
            .collect();
        let mut doc = json!({"format": "relu-net", "version": 1, "layers": layers});
        if let Some((o, s, oo, os)) = self.scaling {
            doc["input_scaling"] = json!({"offset": vec![o; n_in], "scale": vec![s; n_in]});
            doc["output_scaling"] = json!({"offset": [oo], "scale": [os]});
        }
        doc.to_string()
    }

    /// All breakpoints of a 1-input network on [lo, hi], exactly: on each linear piece every
    /// pre-activation is affine in x, so its kinks are roots of affine functions.
    fn breakpoints(&self, lo: f64, hi: f64) -> Vec<f64> {
        let mut pts = vec![lo, hi];
        for depth in 0..self.layers.len() - 1 {
            let mut sorted = pts.clone();
            sorted.sort_by(f64::total_cmp);
            sorted.dedup();
            for win in sorted.windows(2) {
                let (p, q) = (win[0], win[1]);
                if q - p < 1e-12 {
                    continue;
                }
                // pre-activations of layer `depth` are affine on [p, q]: interpolate
                let pa = self.pre(depth, p);
                let qa = self.pre(depth, q);
                for (j, (a0, a1)) in pa.iter().zip(&qa).enumerate() {
                    let mut levels = vec![0.0];
                    if let Some(c) = self.layers[depth].2 {
                        levels.push(c);
                    }
                    let _ = j;
                    for lv in levels {
                        if (a0 - lv) * (a1 - lv) < 0.0 {
                            pts.push(p + (q - p) * (lv - a0) / (a1 - a0));
                        }
                    }
                }
            }
        }
        pts
    }

    fn pre(&self, depth: usize, x: f64) -> Vec<f64> {
        let mut h = vec![self.scaling.map_or(x, |(o, s, _, _)| (x - o) / s)];
        for (k, (w, b, clip)) in self.layers.iter().enumerate() {
            let a: Vec<f64> = w
                .iter()
                .zip(b)
                .map(|(row, bb)| bb + row.iter().zip(&h).map(|(p, q)| p * q).sum::<f64>())
                .collect();
            if k == depth {
                return a;
            }
            h = a
                .iter()
                .map(|v| clip.map_or(v.max(0.0), |c| v.max(0.0).min(c)))
                .collect();
        }
        h
    }
}

/// Maximizes the network output over a box; returns (objective, x) from rmod + CBC.
fn maximize(net_json: &str, boxes: &[(f64, f64)]) -> (f64, Vec<f64>) {
    maximize_with(net_json, boxes, "ia")
}

fn maximize_with(net_json: &str, boxes: &[(f64, f64)], bounds: &str) -> (f64, Vec<f64>) {
    let mut files = BTreeMap::new();
    files.insert("n.json".to_string(), net_json.to_string());
    let n = boxes.len();
    let mut text = String::from("net n = relu_net(\"n.json\");\n");
    for (i, (p, q)) in boxes.iter().enumerate() {
        text.push_str(&format!("var x{i} in [{p:?}, {q:?}];\n"));
    }
    let args: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    text.push_str(&format!(
        "var y;\nsubject to f: y = n({});\nmaximize o: y;\noption mip_gap = 0;\noption bounds = \"{bounds}\";\n",
        args.join(", ")
    ));
    let mut req = CompileRequest::new("m.rmod", &text, &files);
    req.oracle = Some(&rmod_solver::SolverBounds::SERIAL);
    let out = compile(&req);
    assert!(
        !rmod_diagnostics::has_errors(&out.diagnostics),
        "{:?}",
        out.diagnostics
    );
    let model = out.model.expect("compiles");
    let sol = rmod_solver::solve(&model, None);
    assert_eq!(sol.status, Status::Optimal);
    let v = rmod_compiler::verify(&model, &out.net_uses, &sol.values);
    assert!(v.nets[0].2 <= 1e-6, "forward-pass mismatch {}", v.nets[0].2);
    let obj = sol.objective.expect("objective");
    // the same by splitting the input box into cells (`option input_split`)
    let split = split_solve(&model, &out.net_uses, 10_000);
    assert_eq!(split.status, Status::Optimal);
    let o = split.objective.expect("objective");
    assert!(
        (o - obj).abs() <= 1e-6 * (1.0 + obj.abs()),
        "split {o} vs {obj} ({bounds})"
    );
    // the same from rmod's starting point (a cutoff for CBC), with and without splitting
    let start =
        rmod_compiler::find_incumbent(&model, &out.net_uses, None, 64, 1, None).expect("start");
    for (which, s) in [
        rmod_solver::solve(&model, Some(&start.values)),
        rmod_solver::solve_split(
            &model,
            &rmod_compiler::split_columns(&model, &out.net_uses),
            &rmod_compiler::split_binaries(&out.net_uses),
            &|m, parent, inc| rmod_compiler::tighten_cell(&out.net_uses, m, parent, inc),
            Some(&start.values),
            10_000,
            None,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(s.status, Status::Optimal);
        let o = s.objective.expect("objective");
        assert!(
            (o - obj).abs() <= 1e-6 * (1.0 + obj.abs()),
            "from the start {} ({}): {o} vs {obj} ({bounds})",
            start.objective,
            ["plain", "split"][which]
        );
    }
    let v = rmod_compiler::verify(&model, &out.net_uses, &split.values);
    assert!(
        v.nets[0].2 <= 1e-6,
        "split: forward-pass mismatch {}",
        v.nets[0].2
    );
    (obj, sol.values[..n].to_vec())
}

/// The input split (`split_on` auto: inputs for these small networks), checked against the
/// same search branching on ReLU phases, which must reach the same status and optimum.
fn split_solve(
    model: &rmod_ir::Model,
    uses: &[rmod_compiler::NetUse],
    cells: usize,
) -> rmod_ir::Solution {
    let auto = split_solve_on(model, uses, cells, None);
    if cells >= 10_000 {
        let relus = split_solve_on(model, uses, cells, Some(rmod_ir::SplitOn::Relus));
        assert_eq!(relus.status, auto.status);
        if let (Some(a), Some(b)) = (auto.objective, relus.objective) {
            assert!(
                (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
                "relus {b} vs inputs {a}"
            );
        }
    }
    auto
}

fn split_solve_on(
    model: &rmod_ir::Model,
    uses: &[rmod_compiler::NetUse],
    cells: usize,
    on: Option<rmod_ir::SplitOn>,
) -> rmod_ir::Solution {
    let cols = rmod_compiler::split_columns(model, uses);
    assert!(!cols.is_empty());
    let mut m = model.clone();
    m.options.split_on = on;
    rmod_solver::solve_split(
        &m,
        &cols,
        &rmod_compiler::split_binaries(uses),
        &|b, parent, inc| rmod_compiler::tighten_cell(uses, b, parent, inc),
        None,
        cells,
        None,
    )
}

/// Branch-and-bound on ReLU phases (with CROWN bounds in every node) on random networks of
/// 3 to 5 inputs inside models with other rows and integer variables: the optimum of the plain
/// MILP solve, never below a sampled feasible point (maximization).
#[test]
fn relu_branching_keeps_the_optimum_of_random_models() {
    let mut rng = Lcg(77);
    for case in 0..10 {
        let n = 3 + case % 3;
        let net = Net::random(&mut rng, n, case % 2 == 0, case % 4 == 1);
        let mut files = BTreeMap::new();
        files.insert("n.json".to_string(), net.json(n));
        let mut text = String::from("net n = relu_net(\"n.json\");\n");
        for i in 0..n {
            text.push_str(&format!("var x{i} in [-1.5, 1.5];\n"));
        }
        let args: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
        // a shared limit on the inputs and an integer that pays for moving x0
        text.push_str(&format!(
            "var y;\nvar k integer in [0, 3];\nsubject to f: y = n({});\nsubject to cut: {} <= 1;\nsubject to pay: x0 <= -1 + k;\nmaximize o: y - 0.1 * k;\noption mip_gap = 0;\n",
            args.join(", "),
            args.join(" + ")
        ));
        let out = compile(&CompileRequest::new("m.rmod", &text, &files));
        assert!(
            !rmod_diagnostics::has_errors(&out.diagnostics),
            "{:?}",
            out.diagnostics
        );
        let model = out.model.as_ref().expect("compiles");
        let plain = rmod_solver::solve(model, None);
        assert_eq!(plain.status, Status::Optimal, "case {case}");
        let bab = split_solve_on(model, &out.net_uses, 100_000, Some(rmod_ir::SplitOn::Relus));
        assert_eq!(bab.status, Status::Optimal, "case {case}");
        let (a, b) = (plain.objective.expect("obj"), bab.objective.expect("obj"));
        assert!(
            (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
            "case {case}: B&B {b} vs plain {a}"
        );
        let v = rmod_compiler::verify(model, &out.net_uses, &bab.values);
        assert!(
            v.nets[0].2 <= 1e-6,
            "case {case}: forward-pass mismatch {}",
            v.nets[0].2
        );
        // every sampled feasible point is at most the optimum
        for _ in 0..2000 {
            let x: Vec<f64> = (0..n).map(|_| rng.range(-1.5, 1.5)).collect();
            if x.iter().sum::<f64>() > 1.0 {
                continue;
            }
            let k = (x[0] + 1.0).ceil().max(0.0);
            let val = net.forward(&x) - 0.1 * k;
            assert!(
                val <= b + 1e-6 * (1.0 + b.abs()),
                "case {case}: sample {val} above the optimum {b}"
            );
        }
    }
}

#[test]
fn input_split_keeps_the_optimum_where_the_model_cuts_the_box() {
    // corner.rmod: x + y <= -3 leaves most cells of [-3, 3]^2 empty
    let (out, a) = corner_with("network");
    let model = out.model.as_ref().expect("compiles");
    for cells in [1, 2, 64, 100_000] {
        let s = split_solve(model, &out.net_uses, cells);
        assert_eq!(s.status, Status::Optimal, "{cells} cells");
        let b = s.objective.expect("objective");
        assert!(
            (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
            "{cells} cells: {b} vs {a}"
        );
        let st = s.split.expect("split stats");
        assert!(
            st.cells <= cells.max(1),
            "{} cells made, {cells} allowed",
            st.cells
        );
        assert_eq!(st.open, 0);
        if cells == 100_000 {
            assert!(st.pruned > 0 && st.milps > 0, "{st:?}");
        }
    }
}

#[test]
fn one_input_optimum_is_the_best_breakpoint() {
    let mut rng = Lcg(42);
    for case in 0..24 {
        let net = Net::random(&mut rng, 1, case % 2 == 1, case % 3 == 0);
        let lo = rng.range(-3.0, 0.0);
        let hi = lo + rng.range(0.5, 5.0);
        let best = net
            .breakpoints(lo, hi)
            .iter()
            .map(|x| net.forward(&[*x]))
            .fold(f64::NEG_INFINITY, f64::max);
        let (obj, x) = maximize(&net.json(1), &[(lo, hi)]);
        let tol = 1e-6 * (1.0 + best.abs());
        assert!(
            (obj - best).abs() <= tol,
            "case {case}: MILP {obj} vs exact {best}"
        );
        assert!(
            (net.forward(&x) - obj).abs() <= tol,
            "case {case}: forward pass at argmax"
        );
    }
}

#[test]
fn random_two_input_networks_beat_every_sample() {
    let mut rng = Lcg(9);
    for case in 0..16 {
        let net = Net::random(&mut rng, 2, case % 2 == 0, case % 4 < 2);
        let boxes = [
            (rng.range(-2.0, 0.0), rng.range(0.5, 2.0)),
            (rng.range(-2.0, 0.0), rng.range(0.5, 2.0)),
        ];
        let mut best_sample = f64::NEG_INFINITY;
        for _ in 0..3000 {
            let x = [
                rng.range(boxes[0].0, boxes[0].1),
                rng.range(boxes[1].0, boxes[1].1),
            ];
            best_sample = best_sample.max(net.forward(&x));
        }
        let (obj, x) = maximize(&net.json(2), &boxes);
        let tol = 1e-6 * (1.0 + obj.abs());
        assert!(
            obj >= best_sample - tol,
            "case {case}: MILP {obj} below a sample {best_sample}"
        );
        assert!(
            (net.forward(&x) - obj).abs() <= tol,
            "case {case}: forward pass at argmax"
        );
    }
}

#[test]
fn plant_reactor_beats_a_dense_grid() {
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/plant/nets/reactor.json"))
            .expect("reactor");
    let (net, _) = rmod_relu::parse(rmod_diagnostics::FileId(0), "reactor.json", &text);
    let net = net.expect("valid");
    let boxes = [(0.0, 60.0), (560.0, 640.0)];
    let mut best = f64::NEG_INFINITY;
    for i in 0..=200 {
        for j in 0..=200 {
            let x = [60.0 * i as f64 / 200.0, 560.0 + 80.0 * j as f64 / 200.0];
            best = best.max(net.forward(&x)[0]);
        }
    }
    let (obj, x) = maximize(&text, &boxes);
    assert!(
        obj >= best - 1e-6 * (1.0 + best.abs()),
        "MILP {obj} below grid {best}"
    );
    assert!((net.forward(&x)[0] - obj).abs() <= 1e-6 * (1.0 + obj.abs()));
}

#[test]
fn obbt_bounds_contain_every_sample_and_are_never_wider_than_ia() {
    let mut rng = Lcg(77);
    for case in 0..12 {
        let n_in = 1 + case % 3;
        let net = Net::random(&mut rng, n_in, case % 2 == 0, false);
        let parsed = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &net.json(n_in))
            .0
            .expect("valid");
        let lo: Vec<f64> = (0..n_in).map(|_| rng.range(-2.0, 0.0)).collect();
        let hi: Vec<f64> = lo.iter().map(|l| l + rng.range(0.5, 3.0)).collect();
        let ia = parsed.interval_bounds(&lo, &hi);
        for milp in [None, Some(5.0)] {
            let tight = rmod_relu::tighten(
                &parsed,
                rmod_relu::Context::Network(&rmod_ir::Options::default()),
                &lo,
                &hi,
                &rmod_solver::SolverBounds::SERIAL,
                milp,
                None,
            )
            .pre;
            for (t, i) in tight.iter().flatten().zip(ia.iter().flatten()) {
                assert!(
                    t.0 >= i.0 - 1e-12 && t.1 <= i.1 + 1e-12,
                    "case {case}: {t:?} wider than IA {i:?}"
                );
            }
            for _ in 0..500 {
                let x: Vec<f64> = lo.iter().zip(&hi).map(|(l, h)| rng.range(*l, *h)).collect();
                for (layer, b) in parsed.trace(&x).iter().zip(&tight) {
                    for (a, (l, u)) in layer.iter().zip(b) {
                        // the encoding widens every bound by a relative 1e-9 before it becomes an M
                        let (l, u) = (l - 1e-9 * l.abs().max(1.0), u + 1e-9 * u.abs().max(1.0));
                        assert!(
                            l <= *a && *a <= u,
                            "case {case}: activation {a} cut off by [{l}, {u}] (milp {milp:?})"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn tightened_bounds_keep_the_optimum() {
    let mut rng = Lcg(123);
    for case in 0..8 {
        let net = Net::random(&mut rng, 2, case % 2 == 1, case % 3 == 0);
        let boxes = [
            (rng.range(-2.0, 0.0), rng.range(0.5, 2.0)),
            (rng.range(-2.0, 0.0), rng.range(0.5, 2.0)),
        ];
        let (ia, _) = maximize_with(&net.json(2), &boxes, "ia");
        for method in ["lp", "milp"] {
            let (obj, _) = maximize_with(&net.json(2), &boxes, method);
            assert!(
                (obj - ia).abs() <= 1e-6 * (1.0 + ia.abs()),
                "case {case}: {method} {obj} vs ia {ia}"
            );
        }
    }
}

#[test]
fn per_network_bounds_override_the_model_option() {
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/plant/nets/reactor.json"))
            .expect("net");
    let mut files = BTreeMap::new();
    files.insert("r.json".to_string(), text);
    let model = r#"net a = relu_net("r.json", bounds = "lp");
        net b = relu_net("r.json");
        var f in [0, 60]; var t in [560, 640]; var y; var z;
        subject to ua: y = a(f, t);
        subject to ub: z = b(f, t);
        maximize o: y + z;
        option bounds = "ia";"#;
    let mut req = CompileRequest::new("m.rmod", model, &files);
    req.oracle = Some(&rmod_solver::SolverBounds::SERIAL);
    let out = compile(&req);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let methods: Vec<&str> = out.net_uses.iter().map(|u| u.stats.bound_method).collect();
    assert_eq!(methods, vec!["lp", "ia"]);
    let (lp, ia) = (&out.net_uses[0].stats, &out.net_uses[1].stats);
    assert!(
        lp.mean_width <= ia.mean_width + 1e-12,
        "{} vs {}",
        lp.mean_width,
        ia.mean_width
    );
    assert_eq!(lp.ia_mean_width, ia.ia_mean_width);
}

/// The corner model (tests/models/corner.rmod) compiled with a bound context, and solved.
fn corner_with(context: &str) -> (rmod_compiler::CompileOutput, f64) {
    let out = crate::util::compile_file(
        "tests/models/corner.rmod",
        vec![],
        vec![("bound_context".into(), context.into())],
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let model = out.model.as_ref().expect("compiles");
    let sol = rmod_solver::solve(model, None);
    assert_eq!(sol.status, Status::Optimal);
    let v = rmod_compiler::verify(model, &out.net_uses, &sol.values);
    assert!(v.nets[0].2 <= 1e-6, "forward-pass mismatch {}", v.nets[0].2);
    let obj = sol.objective.expect("objective");
    (out, obj)
}

#[test]
fn model_aware_tightening_proves_more_neurons_stable_and_keeps_the_optimum() {
    let (net_ctx, a) = corner_with("network");
    let (model_ctx, b) = corner_with("model");
    let (s, t) = (&net_ctx.net_uses[0].stats, &model_ctx.net_uses[0].stats);
    assert_eq!((s.bound_context, t.bound_context), ("network", "model"));
    assert!(
        t.unstable < s.unstable,
        "model context: {} unstable, network context: {}",
        t.unstable,
        s.unstable
    );
    assert!(t.binaries < s.binaries);
    assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{a} vs {b}");
    // independent: no point of a fine grid over the corner x + y <= -3 is better than the
    // MILP optimum, and the best grid point is close to it
    let net = &net_ctx.net_uses[0].network;
    let mut best = f64::INFINITY;
    for i in 0..=300 {
        for j in 0..=300 {
            let x = -3.0 + 3.0 * i as f64 / 300.0;
            let y = -3.0 + (-x) * j as f64 / 300.0;
            best = best.min(net.forward(&[x, y])[0]);
        }
    }
    assert!(b <= best + 1e-6, "MILP {b} worse than the grid's {best}");
    assert!(
        best - b <= 0.05,
        "grid {best} far above the MILP optimum {b}"
    );
}

#[test]
fn model_context_bounds_contain_every_feasible_activation() {
    let text =
        std::fs::read_to_string(crate::util::root().join("tests/models/nets/peaks_2x16.json"))
            .expect("net");
    let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &text)
        .0
        .expect("valid");
    // the box [-3, 3]^2 with the corner x + y <= -3
    let (mut m, inputs) = rmod_relu::box_model("x", &[(-3.0, 3.0), (-3.0, 3.0)]);
    m.rows.push(rmod_ir::Row {
        origin: rmod_ir::Origin::default(),
        coeffs: vec![(0, 1.0), (1, 1.0)],
        lower: f64::NEG_INFINITY,
        upper: -3.0,
    });
    let boxes = [(-3.0, 3.0), (-3.0, 3.0)];
    let ia = net.interval_bounds(&[-3.0, -3.0], &[3.0, 3.0]);
    let mut rng = Lcg(5);
    for method in [
        rmod_relu::BoundMethod::Lp(&rmod_solver::SolverBounds::SERIAL),
        rmod_relu::BoundMethod::Milp(&rmod_solver::SolverBounds::SERIAL, 2.0),
    ] {
        let b = rmod_relu::compute_bounds(&net, &m, &inputs, &boxes, &method, true, None);
        assert_eq!(b.context, "model");
        assert!(b.complete);
        for (t, i) in b.pre.iter().flatten().zip(ia.iter().flatten()) {
            assert!(
                t.0 >= i.0 - 1e-9 && t.1 <= i.1 + 1e-9,
                "{t:?} wider than IA {i:?}"
            );
        }
        for _ in 0..3000 {
            let x = rng.range(-3.0, 0.0);
            let y = rng.range(-3.0, -3.0 - x);
            for (layer, bl) in net.trace(&[x, y]).iter().zip(&b.pre) {
                for (a, (l, u)) in layer.iter().zip(bl) {
                    assert!(*l <= *a && *a <= *u, "activation {a} cut off by [{l}, {u}]");
                }
            }
        }
    }
}

#[test]
fn an_exhausted_bound_budget_keeps_interval_bounds_and_the_optimum() {
    let (full, a) = corner_with("network");
    let out = crate::util::compile_file(
        "tests/models/corner.rmod",
        vec![],
        vec![("bound_budget".into(), "0".into())],
    );
    let st = &out.net_uses[0].stats;
    assert!(!st.bounds_complete);
    assert_eq!(st.unstable, st.ia_unstable);
    assert!(full.net_uses[0].stats.bounds_complete);
    let model = out.model.as_ref().expect("compiles");
    let sol = rmod_solver::solve(model, None);
    let b = sol.objective.expect("objective");
    assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{a} vs {b}");
}

#[test]
fn the_completed_start_is_feasible_and_does_not_change_the_optimum() {
    let (out, a) = corner_with("network");
    let model = out.model.as_ref().expect("compiles");
    let relaxed = rmod_solver::relaxation_point(model, 10.0);
    let start =
        rmod_compiler::find_incumbent(model, &out.net_uses, relaxed.as_deref(), 200, 3, None)
            .expect("a feasible start");
    assert!(model.max_violation(&start.values) <= 1e-7);
    let net = &out.net_uses[0].network;
    let f = net.forward(&start.values[..2])[0];
    assert!((start.objective - f).abs() <= 1e-9 * (1.0 + f.abs()));
    assert!(
        start.objective >= a - 1e-6,
        "start {} below the optimum {a}",
        start.objective
    );
    let sol = rmod_solver::solve(model, Some(&start.values));
    assert_eq!(sol.status, Status::Optimal);
    let b = sol.objective.expect("objective");
    assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{a} vs {b}");
}

fn lp_and_milp(options: Vec<(String, String)>) -> (f64, f64) {
    let out = crate::util::compile_file("tests/models/corner.rmod", vec![], options);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let model = out.model.as_ref().expect("compiles");
    let relaxed = rmod_solver::relaxation_point(model, 30.0).expect("LP relaxation");
    let sol = rmod_solver::solve(model, None);
    assert_eq!(sol.status, Status::Optimal);
    let v = rmod_compiler::verify(model, &out.net_uses, &sol.values);
    assert!(v.nets[0].2 <= 1e-6, "forward-pass mismatch {}", v.nets[0].2);
    (
        model.objective_value(&relaxed),
        sol.objective.expect("objective"),
    )
}

#[test]
fn relu_scaling_keeps_the_lp_relaxation_and_the_optimum() {
    for bounds in ["ia", "lp"] {
        let opt = |s: &str| {
            vec![
                ("relu_scaling".to_string(), s.to_string()),
                ("bounds".to_string(), bounds.to_string()),
            ]
        };
        let (lp0, milp0) = lp_and_milp(opt("off"));
        for s in ["bigm", "balanced"] {
            let (lp, milp) = lp_and_milp(opt(s));
            // the same LP up to a scaling of columns: equal up to CBC's simplex tolerances
            assert!(
                (lp - lp0).abs() <= 1e-5 * (1.0 + lp0.abs()),
                "{bounds} {s}: LP {lp} vs {lp0}"
            );
            assert!(
                (milp - milp0).abs() <= 1e-6 * (1.0 + milp0.abs()),
                "{bounds} {s}: MILP {milp} vs {milp0}"
            );
        }
    }
}

#[test]
fn exact_regions_match_a_known_count_and_bound_the_sampled_count() {
    // three lines x = 0, y = 0, x + y = 0.5 cross pairwise inside [-1, 1]^2: 7 regions
    let three = json!({"format": "relu-net", "version": 1, "layers": [
        {"weights": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "bias": [0.0, 0.0, -0.5], "activation": "relu"},
        {"weights": [[1.0, -2.0, 3.0]], "bias": [0.0], "activation": "linear"}]})
    .to_string();
    let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &three)
        .0
        .expect("valid");
    let bx = [(-1.0, 1.0), (-1.0, 1.0)];
    let (n, _) = rmod_relu::regions_exact(&net, &bx, &rmod_solver::SolverBounds::SERIAL, 1000);
    assert_eq!(n, Some(7));
    assert_eq!(
        rmod_relu::regions_sampled(&net, &rmod_train::sample_box(20_000, &bx, true, 1)),
        7
    );
    // random two-layer networks, with and without clipping: sampling never finds more
    let mut rng = Lcg(8);
    for case in 0..6 {
        let spec = Net::random(&mut rng, 2, case % 2 == 1, false);
        let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &spec.json(2))
            .0
            .expect("valid");
        let (exact, _) =
            rmod_relu::regions_exact(&net, &bx, &rmod_solver::SolverBounds::SERIAL, 100_000);
        let exact = exact.expect("count");
        let sampled =
            rmod_relu::regions_sampled(&net, &rmod_train::sample_box(50_000, &bx, true, 2));
        assert!(
            sampled <= exact,
            "case {case}: sampled {sampled} > exact {exact}"
        );
        assert!(
            sampled * 10 >= exact * 7,
            "case {case}: sampled {sampled} far below exact {exact}"
        );
    }
}

#[test]
fn input_split_with_the_models_own_integers() {
    // 40 integer "batches" next to the network: cells stop splitting once only the model's own
    // integers and a few network binaries are free, and the optimum is the plain solve's
    let mut files = BTreeMap::new();
    files.insert(
        "n.json".to_string(),
        std::fs::read_to_string(crate::util::root().join("tests/models/nets/peaks_2x16.json"))
            .expect("net"),
    );
    let text = "net n = relu_net(\"n.json\", bounds = \"ia\");\nset B = 1..40;\nvar b{i in B} integer in [0, 3];\n\
                var x in [-3, 3];\nvar y in [-3, 3];\nvar f;\nsubject to s: f = n(x, y);\n\
                subject to link: sum{i in B} b[i] <= 10 + 2 * x;\n\
                minimize o: f - 0.05 * sum{i in B} b[i];\noption mip_gap = 0;\n";
    let req = CompileRequest::new("m.rmod", text, &files);
    let out = compile(&req);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let model = out.model.as_ref().expect("compiles");
    let plain = rmod_solver::solve(model, None);
    assert_eq!(plain.status, Status::Optimal);
    let split = split_solve(model, &out.net_uses, 100_000);
    assert_eq!(split.status, Status::Optimal);
    let (a, b) = (plain.objective.expect("obj"), split.objective.expect("obj"));
    assert!(
        (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
        "split {b} vs plain {a}"
    );
    let st = split.split.expect("stats");
    assert!(st.cells < 10_000, "{st:?}");
}
