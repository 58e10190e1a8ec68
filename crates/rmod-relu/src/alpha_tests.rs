//! Tests of `alpha.rs`: never looser than CROWN, sound against exact double-double traces on
//! random and pathological networks, and the slope CROWN's area rule misses.
use super::*;

use crate::crown::tests::{apply_dd, cases, trace_dd, Dd};

use crate::tests::{random_box, random_net, Lcg};
use crate::{crown_bounds, crown_linear, Layer};

fn search(iters: usize, start: Option<&[Vec<f64>]>) -> AlphaSearch<'_> {
    AlphaSearch {
        iters,
        start,
        enough: f64::INFINITY,
    }
}

#[test]
fn the_slope_below_a_relu_is_optimized_where_the_area_rule_picks_the_wrong_one() {
    // y = relu(x) - 0.5 relu(x + 1) + 0.5 = relu(x) - 0.5 x on [-1, 2] (the second neuron is
    // stable): minimum 0 at x = 0. Interval arithmetic gives -1; the area rule takes slope 1
    // below relu(x) (u > -l), so CROWN gives 0.5 x >= -0.5; slope 0.5 gives 0
    let net = Network::from_layers(vec![
        Layer {
            weights: vec![vec![1.0], vec![1.0]],
            bias: vec![0.0, 1.0],
            activation: Activation::Relu,
        },
        Layer {
            weights: vec![vec![1.0, -0.5]],
            bias: vec![0.5],
            activation: Activation::Linear,
        },
    ]);
    let (lo, hi) = (vec![-1.0], vec![2.0]);
    let pre = crown_bounds(&net, &lo, &hi);
    let (l, u) = crown_linear(&net, &lo, &hi, &pre, &[1.0], 0.0);
    assert!((l + 0.5).abs() < 1e-12, "{l}");
    let (la, ua) = crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), search(20, None)).range;
    assert!(la <= 0.0 && la > -0.01, "{la}");
    assert_eq!(ua, u);
    // no steps: CROWN itself
    assert_eq!(
        crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), search(0, None)).range,
        (l, u)
    );
    // from the optimized slopes, over a sub-box, a few shorter steps keep it
    let best = crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), search(20, None));
    let (lo, hi) = (vec![-0.5], vec![2.0]);
    let pre = crown_bounds(&net, &lo, &hi);
    let warm = crown_linear_alpha(
        &net,
        &lo,
        &hi,
        &pre,
        (&[1.0], 0.0),
        search(3, Some(&best.slopes)),
    );
    assert!(
        warm.range.0 <= 0.0 && warm.range.0 > -0.01,
        "{:?}",
        warm.range
    );
    // a bound that is enough already: CROWN's, nothing optimized
    let (lo, hi) = (vec![-1.0], vec![2.0]);
    let pre = crown_bounds(&net, &lo, &hi);
    let enough = |e: f64| AlphaSearch {
        enough: e,
        ..search(20, None)
    };
    let at_once = crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), enough(-0.6));
    assert_eq!(at_once.range, (l, u));
    assert!(at_once.slopes.is_empty());
    // one that takes a few steps: the search stops once it is reached (fewer steps than
    // without it, so not tighter), still never looser than CROWN
    let part = crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), enough(-0.25));
    assert!(part.range.0 >= l && part.range.0 <= la, "{:?}", part.range);
    assert!(part.range.0 >= -0.25 - 1e-9, "{:?}", part.range);
}

/// `c·y + d` at `x` in double-double (`y` the last layer's outputs).
fn value_dd(net: &Network, x: &[f64], c: &[f64], d: f64) -> Dd {
    let y = trace_dd(net, x).pop().expect("layers");
    let act = net.layers.last().expect("layers").activation;
    y.iter()
        .zip(c)
        .fold(Dd(d, 0.0), |s, (v, cj)| s.add(apply_dd(act, *v).mul(*cj)))
}

#[test]
fn optimized_bounds_hold_at_every_sample_and_are_never_looser_than_crown() {
    let mut rng = Lcg(11);
    let (mut tighter, mut with_unstable, mut checked) = (0usize, 0usize, 0usize);
    for (_, net, bx) in cases() {
        let (lo, hi): (Vec<f64>, Vec<f64>) = bx.iter().copied().unzip();
        let pre = crown_bounds(&net, &lo, &hi);
        let n_out = net.layers.last().map_or(0, |l| l.bias.len());
        let c: Vec<f64> = (0..n_out).map(|_| rng.range(-2.0, 2.0)).collect();
        let d = rng.range(-1.0, 1.0);
        let (l, u) = crown_linear(&net, &lo, &hi, &pre, &c, d);
        let (la, ua) = crown_linear_alpha(&net, &lo, &hi, &pre, (&c, d), search(20, None)).range;
        assert!(la >= l && ua == u, "{la} < {l}");
        let unstable = pre.iter().enumerate().any(|(k, layer)| {
            let act = net.layers[k].activation;
            layer.iter().any(|lu| super::free(act, *lu))
        });
        with_unstable += usize::from(unstable);
        tighter += usize::from(la > l + 1e-9 * (1.0 + l.abs()));
        let dim = lo.len();
        let corners = (0..1usize << dim).map(|mask| {
            (0..dim)
                .map(|i| if mask >> i & 1 == 1 { hi[i] } else { lo[i] })
                .collect()
        });
        let random = (0..500).map(|_| {
            (0..dim)
                .map(|i| rng.range(lo[i], hi[i]).min(hi[i]))
                .collect()
        });
        for x in corners.chain(random).collect::<Vec<Vec<f64>>>() {
            let v = value_dd(&net, &x, &c, d);
            assert!(
                v.cmp(la) >= 0.0,
                "{v:?} below the optimized bound {la} (crown {l}) at {x:?} in {bx:?}\nplain {:?} c {c:?} d {d}\n{net:?}", net.trace_scaled(&x)
            );
            checked += 1;
        }
    }
    assert!(checked > 100_000, "{checked}");
    // the optimization does something on a fair share of the networks it can act on
    assert!(
        tighter * 5 >= with_unstable,
        "tighter on {tighter} of {with_unstable}"
    );
}

#[test]
fn on_wider_networks_the_optimized_bound_closes_part_of_the_gap_to_a_grid() {
    // 2-input networks, minimum by a 201 x 201 grid: the optimized bound lies between CROWN's
    // and the grid's minimum, and on the average closes part of the gap
    let mut rng = Lcg(5);
    let (mut closed, mut nets) = (0.0, 0usize);
    for _ in 0..40 {
        let net = random_net(&mut rng, 2);
        let bx = random_box(&mut rng, 2);
        let (lo, hi): (Vec<f64>, Vec<f64>) = bx.iter().copied().unzip();
        let pre = crown_bounds(&net, &lo, &hi);
        let (l, _) = crown_linear(&net, &lo, &hi, &pre, &[1.0], 0.0);
        let (la, _) =
            crown_linear_alpha(&net, &lo, &hi, &pre, (&[1.0], 0.0), search(20, None)).range;
        let mut min = f64::INFINITY;
        for i in 0..=200 {
            for j in 0..=200 {
                let x = [
                    lo[0] + (hi[0] - lo[0]) * i as f64 / 200.0,
                    lo[1] + (hi[1] - lo[1]) * j as f64 / 200.0,
                ];
                let y = net.trace_scaled(&x).pop().expect("layers")[0];
                min = min.min(y);
            }
        }
        assert!(
            la <= min + 1e-9 * (1.0 + min.abs()),
            "{la} above the grid's {min}"
        );
        if min - l > 1e-6 {
            closed += (la - l) / (min - l);
            nets += 1;
        }
    }
    assert!(nets > 10, "{nets}");
    assert!(
        closed / nets as f64 > 0.05,
        "mean share closed {}",
        closed / nets as f64
    );
}
