//! Tests of `crown.rs`: soundness against exact double-double traces on random and pathological
//! networks, never looser than interval arithmetic, and hand-computed bounds.
use super::*;
use crate::tests::{random_box, random_net, Lcg};
use crate::Layer;

/// A double-double `hi + lo` (|lo| at most half an ulp of hi): pre-activations to about
/// 1e-30 relative, a stand-in for the exact real function at a sample point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dd(pub(crate) f64, pub(crate) f64);

fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    Dd(s, (a - (s - bb)) + (b - bb))
}

impl Dd {
    pub(crate) fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.0, o.0);
        two_sum(s.0, s.1 + self.1 + o.1)
    }
    pub(crate) fn mul(self, x: f64) -> Dd {
        let p = self.0 * x;
        two_sum(p, self.0.mul_add(x, -p) + self.1 * x)
    }
    /// The sign of `self - c`.
    pub(crate) fn cmp(self, c: f64) -> f64 {
        let d = self.add(Dd(-c, 0.0));
        if d.0 != 0.0 {
            d.0
        } else {
            d.1
        }
    }
    fn within(self, (l, u): (f64, f64)) -> bool {
        self.cmp(l) >= 0.0 && self.cmp(u) <= 0.0
    }
}

pub(crate) fn apply_dd(act: Activation, v: Dd) -> Dd {
    match act {
        Activation::Linear => v,
        _ if v.cmp(0.0) <= 0.0 => Dd(0.0, 0.0),
        Activation::ClippedRelu(c) if v.cmp(c) >= 0.0 => Dd(c, 0.0),
        _ => v,
    }
}

/// Pre-activations of every layer in double-double at a point in scaled units.
pub(crate) fn trace_dd(net: &Network, x: &[f64]) -> Vec<Vec<Dd>> {
    let mut h: Vec<Dd> = x.iter().map(|v| Dd(*v, 0.0)).collect();
    let mut out = Vec::new();
    for l in &net.layers {
        let a: Vec<Dd> = l
            .weights
            .iter()
            .zip(&l.bias)
            .map(|(row, b)| {
                row.iter()
                    .zip(&h)
                    .fold(Dd(*b, 0.0), |s, (w, v)| s.add(v.mul(*w)))
            })
            .collect();
        h = a.iter().map(|v| apply_dd(l.activation, *v)).collect();
        out.push(a);
    }
    out
}

/// Depth 1 to 4 hidden layers of width 1 to 8, relu, clipped relu and (rarely) linear;
/// `wild`: some weights 1e-30 or 1e4 times the usual, some biases 1e6.
fn wild_net(rng: &mut Lcg, n_in: usize, wild: bool) -> Network {
    let hidden = 1 + rng.below(4);
    let mut layers = Vec::new();
    let mut width = n_in;
    for k in 0..=hidden {
        let last = k == hidden;
        let n_out = if last {
            1 + rng.below(2)
        } else {
            1 + rng.below(8)
        };
        let weight = |rng: &mut Lcg| {
            let r = rng.range(-1.5, 1.5);
            match rng.unit() {
                t if wild && t < 0.1 => r * 1e-30,
                t if wild && t < 0.2 => r * 1e4,
                _ => r,
            }
        };
        let weights = (0..n_out)
            .map(|_| (0..width).map(|_| weight(rng)).collect())
            .collect();
        let bias = (0..n_out)
            .map(|_| {
                let b = rng.range(-1.0, 1.0);
                if wild && rng.unit() < 0.15 {
                    b * 1e6
                } else {
                    b
                }
            })
            .collect();
        let activation = match rng.unit() {
            t if last && t < 0.9 => Activation::Linear,
            t if t < 0.6 => Activation::Relu,
            t if t < 0.92 => Activation::ClippedRelu(rng.range(0.3, 3.0)),
            _ => Activation::Linear,
        };
        layers.push(Layer {
            weights,
            bias,
            activation,
        });
        width = n_out;
    }
    Network::from_layers(layers)
}

/// A network's kind, the network, its input box.
pub(crate) type Case = (usize, Network, Vec<(f64, f64)>);

/// The 300 cases, each with its kind: 0 from `random_net` (in scaled units), 1 from
/// `wild_net` with ordinary weights, 2 with pathological ones.
pub(crate) fn cases() -> Vec<Case> {
    let mut rng = Lcg(2024);
    (0..300)
        .map(|i| {
            let n_in = 1 + rng.below(4);
            let (net, bx) = match i % 3 {
                0 => (random_net(&mut rng, n_in), random_box(&mut rng, n_in)),
                k => (wild_net(&mut rng, n_in, k == 2), random_box(&mut rng, n_in)),
            };
            let bx = if i % 7 == 0 {
                // a wide box, and a thin one
                bx.iter()
                    .enumerate()
                    .map(|(j, (p, q))| {
                        if j % 2 == 0 {
                            (p * 300.0, q * 300.0)
                        } else {
                            (*p, p + 1e-9)
                        }
                    })
                    .collect()
            } else {
                bx
            };
            (i % 3, net, bx)
        })
        .collect()
}

#[test]
fn crown_bounds_contain_every_sampled_activation() {
    let mut rng = Lcg(7);
    let mut checked = 0usize;
    for (_, net, bx) in cases() {
        let (lo, hi): (Vec<f64>, Vec<f64>) = bx.iter().copied().unzip();
        let b = crown_bounds(&net, &lo, &hi);
        assert_eq!(b.len(), net.layers.len());
        let d = lo.len();
        let corners = (0..1usize << d).map(|mask| {
            (0..d)
                .map(|i| if mask >> i & 1 == 1 { hi[i] } else { lo[i] })
                .collect()
        });
        let random =
            (0..2000).map(|_| (0..d).map(|i| rng.range(lo[i], hi[i]).min(hi[i])).collect());
        for x in corners.chain(random).collect::<Vec<Vec<f64>>>() {
            let exact = trace_dd(&net, &x);
            let plain = net.trace_scaled(&x);
            for (k, layer) in b.iter().enumerate() {
                assert_eq!(layer.len(), net.layers[k].bias.len());
                for (j, lu) in layer.iter().enumerate() {
                    let v = exact[k][j];
                    assert!(
                        v.within(*lu),
                        "layer {k} neuron {j}: {v:?} outside {lu:?} at {x:?}\n{net:?}"
                    );
                    let p = plain[k][j];
                    assert!(
                        lu.0 <= p && p <= lu.1,
                        "layer {k} neuron {j}: forward pass {p} outside {lu:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1_000_000, "{checked}");
}

#[test]
fn crown_is_never_looser_than_interval_arithmetic_and_tighter_from_depth_2() {
    // per hidden depth and kind: (networks, sum of per-network ratios, summed crown width,
    // summed ia width)
    let mut by_depth = [[(0usize, 0.0, 0.0, 0.0); 3]; 5];
    for (kind, net, bx) in cases() {
        let (lo, hi): (Vec<f64>, Vec<f64>) = bx.iter().copied().unzip();
        let cr = crown_bounds(&net, &lo, &hi);
        let ia = net.interval_bounds(&lo, &hi);
        // rounding allowance: relative 1e-12 of each neuron's scale, carried through |W|
        let mut mag: Vec<f64> = bx.iter().map(|(p, q)| p.abs().max(q.abs())).collect();
        let mut tol_prev = vec![0.0; mag.len()];
        let (mut wc, mut wi) = (0.0, 0.0);
        for (k, layer) in net.layers.iter().enumerate() {
            let mut tol = Vec::new();
            for (j, (row, b)) in layer.weights.iter().zip(&layer.bias).enumerate() {
                let scale: f64 =
                    b.abs() + row.iter().zip(&mag).map(|(w, m)| w.abs() * m).sum::<f64>();
                let t = 1e-12 * scale
                    + row
                        .iter()
                        .zip(&tol_prev)
                        .map(|(w, e)| w.abs() * e)
                        .sum::<f64>();
                let ((cl, cu), (il, iu)) = (cr[k][j], ia[k][j]);
                assert!(
                    cl >= il - t && cu <= iu + t,
                    "layer {k} neuron {j}: crown [{cl}, {cu}] looser than ia [{il}, {iu}]"
                );
                if k >= 1 {
                    wc += cu - cl;
                    wi += iu - il;
                }
                tol.push(t);
            }
            mag = ia[k]
                .iter()
                .map(|(l, u)| {
                    let (p, q) = (layer.activation.apply(*l), layer.activation.apply(*u));
                    p.abs().max(q.abs())
                })
                .collect();
            tol_prev = tol;
        }
        let depth = net.layers.len() - 1;
        if wi > 0.0 && wi.is_finite() {
            let e = &mut by_depth[depth][kind];
            e.0 += 1;
            e.1 += wc / wi;
            e.2 += wc;
            e.3 += wi;
        }
    }
    // the ratio of a network: its crown width over its ia width, summed over the neurons of
    // layers 2.. (the first layer is the same for both)
    for (depth, kinds) in by_depth.iter().enumerate().skip(1) {
        let all = kinds.iter().fold((0, 0.0, 0.0, 0.0), |a, b| {
            (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3)
        });
        let mean = |n: usize, r: f64| r / n.max(1) as f64;
        let (ordinary, wild) = (
            mean(kinds[0].0 + kinds[1].0, kinds[0].1 + kinds[1].1),
            mean(kinds[2].0, kinds[2].1),
        );
        let mean_all = mean(all.0, all.1);
        eprintln!(
            "hidden layers {depth}: mean crown/ia width ratio {mean_all:.3} over {} networks (ordinary weights {ordinary:.3}, pathological {wild:.3}); of the summed widths {:.4}",
            all.0,
            all.2 / all.3
        );
        assert!(all.0 > 10, "depth {depth}: {} networks", all.0);
        assert!(mean_all < 1.0 && all.2 < all.3, "depth {depth}: {all:?}");
    }
}

fn two_neurons(act: Activation, out: Vec<f64>) -> Network {
    Network::from_layers(vec![
        Layer {
            weights: vec![vec![1.0], vec![-1.0]],
            bias: vec![0.0, 0.0],
            activation: act,
        },
        Layer {
            weights: vec![out],
            bias: vec![0.0],
            activation: Activation::Linear,
        },
    ])
}

fn close(a: (f64, f64), want: (f64, f64)) -> bool {
    // outward, and by no more than rounding
    a.0 <= want.0 && a.1 >= want.1 && want.0 - a.0 < 1e-12 && a.1 - want.1 < 1e-12
}

#[test]
fn hand_computed_bounds() {
    // |x| = relu(x) + relu(-x) on [-1, 1]: both neurons get the chord (z + 1) / 2 above and 0
    // below (u = -l: slope 0), so |x| <= (x + 1) / 2 + (-x + 1) / 2 = 1, the true maximum;
    // interval arithmetic says 2
    let abs = two_neurons(Activation::Relu, vec![1.0, 1.0]);
    assert_eq!(abs.interval_bounds(&[-1.0], &[1.0])[1][0], (0.0, 2.0));
    let b = crown_bounds(&abs, &[-1.0], &[1.0]);
    assert!(
        close(b[0][0], (-1.0, 1.0)) && close(b[0][1], (-1.0, 1.0)),
        "{b:?}"
    );
    assert!(close(b[1][0], (0.0, 1.0)), "{b:?}");
    // on [-1, 3]: relu(x) <= 3/4 (x + 1), relu(-x) <= 1/4 (-x + 3), so |x| <= x/2 + 3/2 <= 3
    // (true); below, relu(x) >= x (u = 3 > 1 = -l) and relu(-x) >= 0 give |x| >= -1,
    // which interval arithmetic's 0 beats; interval arithmetic's top is 4
    assert_eq!(abs.interval_bounds(&[-1.0], &[3.0])[1][0], (0.0, 4.0));
    let b = crown_bounds(&abs, &[-1.0], &[3.0]);
    assert!(close(b[1][0], (0.0, 3.0)), "{b:?}");
    // on [0, 1] a bound of exactly 0 stays exact: relu(x) active, relu(-x) inactive
    let b = crown_bounds(&abs, &[0.0], &[1.0]);
    assert_eq!((b[0][0].0, b[0][1].1), (0.0, 0.0));
    let states = b[0].iter().map(|lu| Activation::Relu.state(*lu));
    assert_eq!(
        states.collect::<Vec<_>>(),
        [Some(NeuronState::Active), Some(NeuronState::Inactive)]
    );
    assert!(close(b[1][0], (0.0, 1.0)), "{b:?}");
    // the difference relu(x) - relu(-x) = x on [-1, 3]: the upper bound uses relu(x)'s chord
    // and relu(-x)'s lower line 0: x <= 3/4 (x + 1) <= 3; the lower bound relu(x) >= x and
    // relu(-x) <= 1/4 (3 - x): x >= x - 3/4 + x/4 = 5x/4 - 3/4 >= -2 (interval: [-1, 3])
    let diff = two_neurons(Activation::Relu, vec![1.0, -1.0]);
    let b = crown_bounds(&diff, &[-1.0], &[3.0]);
    assert!(close(b[1][0], (-1.0, 3.0)), "{b:?}");
    // clip(x) + clip(-x) (clip at 1) on [-1, 2], true range [0, 1]: points {-1, 0, 1, 2} for
    // the first neuron: chord 1/3, the highest of σ(p) - p/3 is 2/3 (at p = 1); for the
    // second, on [-2, 1]: chord 1/3, intercept 2/3 (at -2 and at 1): the sum is at most
    // x/3 + 2/3 - x/3 + 2/3 = 4/3; interval arithmetic says 2
    let clip = two_neurons(Activation::ClippedRelu(1.0), vec![1.0, 1.0]);
    assert_eq!(clip.interval_bounds(&[-1.0], &[2.0])[1][0], (0.0, 2.0));
    let b = crown_bounds(&clip, &[-1.0], &[2.0]);
    assert!(close(b[1][0], (0.0, 4.0 / 3.0)), "{b:?}");
}

#[test]
fn an_underflowing_product_is_covered() {
    // 1e-200 x on [1e-200, 2e-200] is at least 1e-400 > 0, which rounds to 0
    let net = Network::from_layers(vec![Layer {
        weights: vec![vec![1e-200]],
        bias: vec![0.0],
        activation: Activation::Relu,
    }]);
    assert_eq!(net.interval_bounds(&[1e-200], &[2e-200])[0][0], (0.0, 0.0));
    let (l, u) = crown_bounds(&net, &[1e-200], &[2e-200])[0][0];
    assert!(l <= 0.0 && u > 0.0 && u <= 1e-299, "[{l}, {u}]");
}

#[test]
fn relu_relaxation_is_crown_ada() {
    let (lo, hi) = relax(Activation::Relu, (-1.0, 3.0));
    assert_eq!(lo.s, 1.0);
    assert!(lo.t <= 0.0 && lo.t > -1e-14);
    assert_eq!(hi.s, 0.75);
    assert!(hi.t >= 0.75 && hi.t < 0.75 + 1e-14);
    let (lo, hi) = relax(Activation::Relu, (-3.0, 1.0));
    assert_eq!(lo.s, 0.0);
    assert_eq!(hi.s, 0.25);
    assert!(hi.t >= 0.75 && hi.t < 0.75 + 1e-14);
    // stable neurons: exact
    let id = Line { s: 1.0, t: 0.0 };
    assert_eq!(relax(Activation::Relu, (0.5, 3.0)), (id, id));
    let zero = Line { s: 0.0, t: 0.0 };
    assert_eq!(relax(Activation::Relu, (-2.0, 0.0)), (zero, zero));
    let top = Line { s: 0.0, t: 1.5 };
    assert_eq!(relax(Activation::ClippedRelu(1.5), (2.0, 3.0)), (top, top));
}

#[test]
fn every_relaxation_encloses_its_activation() {
    let mut rng = Lcg(3);
    for _ in 0..2000 {
        let act = match rng.below(3) {
            0 => Activation::Relu,
            1 => Activation::ClippedRelu(rng.range(0.1, 3.0)),
            _ => Activation::Linear,
        };
        let l = rng.range(-4.0, 4.0);
        let u = l + rng.range(0.0, 6.0);
        let (below, above) = relax(act, (l, u));
        for i in 0..=200 {
            let z = (l + (u - l) * i as f64 / 200.0).min(u);
            let f = Dd(act.apply(z), 0.0);
            // the lines at z, in double-double: s z + t
            let at = |line: Line| Dd(line.t, 0.0).add(Dd(z, 0.0).mul(line.s));
            assert!(
                f.add(at(below).mul(-1.0)).cmp(0.0) >= 0.0,
                "{act:?} [{l}, {u}] at {z}"
            );
            assert!(
                f.add(at(above).mul(-1.0)).cmp(0.0) <= 0.0,
                "{act:?} [{l}, {u}] at {z}"
            );
        }
    }
}

#[test]
fn a_linear_function_of_clipped_outputs_is_bounded_by_their_clipped_range() {
    // y = min(max(0, x + 1000), 2) on [0, 1] is 2 everywhere: the interval sum that
    // crown_linear intersects with must use the outputs' range, not the pre-activations'
    let net = Network::from_layers(vec![Layer {
        weights: vec![vec![1.0]],
        bias: vec![1000.0],
        activation: Activation::ClippedRelu(2.0),
    }]);
    let (lo, hi) = (vec![0.0], vec![1.0]);
    let pre = crown_bounds(&net, &lo, &hi);
    let (l, u) = crown_linear(&net, &lo, &hi, &pre, &[3.0], 1.0);
    assert!(close((l, u), (7.0, 7.0)), "{l} {u}");
}
