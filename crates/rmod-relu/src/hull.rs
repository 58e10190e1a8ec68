//! The graph of a network with one or two inputs over a box, as the vertices of its linear
//! regions: the box is cut into the polygons (intervals) where every neuron keeps its piece, and
//! the network is affine on each, so every point `(x, f(x))` of the box is a convex combination
//! of the points `(v, f(v))` at the vertices `v` of its region. Rows over these points describe
//! the convex hull of the graph (each output's convex envelope): valid cuts for the exact
//! network, which the compiler adds for low-dimensional uses (`option hull`).

use crate::{Activation, Network};

/// A region: its polygon (vertices in order, model units; an interval is a two-vertex
/// polygon) and the current layer's inputs as affine maps `h = a·x + c` on it.
struct Region {
    poly: Vec<[f64; 2]>,
    maps: Vec<([f64; 2], f64)>,
}

/// The linear regions of a network over a box: their distinct vertices with the network's
/// outputs there, and each region as the indices of its vertices in order.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphHull {
    /// `(x, f(x))` at every vertex (model units)
    pub points: Vec<(Vec<f64>, Vec<f64>)>,
    pub regions: Vec<Vec<usize>>,
}

impl GraphHull {
    /// Convex weights on the vertices of a region that contains `x` (within a relative 1e-9),
    /// whose combination is `x`: `(vertex, weight)` pairs; `None` outside every region.
    pub fn weights(&self, x: &[f64]) -> Option<Vec<(usize, f64)>> {
        let at = |k: usize| -> [f64; 2] {
            let p = &self.points[k].0;
            [p[0], p.get(1).copied().unwrap_or(0.0)]
        };
        let q = [x[0], x.get(1).copied().unwrap_or(0.0)];
        let eps = -1e-9;
        for r in &self.regions {
            if r.len() == 2 {
                let (a, b) = (at(r[0]), at(r[1]));
                let len = b[0] - a[0];
                let t = if len.abs() > 0.0 {
                    (q[0] - a[0]) / len
                } else {
                    0.0
                };
                if t >= eps && t <= 1.0 - eps {
                    let t = t.clamp(0.0, 1.0);
                    return Some(vec![(r[0], 1.0 - t), (r[1], t)]);
                }
                continue;
            }
            for i in 1..r.len().saturating_sub(1) {
                let (a, b, c) = (at(r[0]), at(r[i]), at(r[i + 1]));
                let det = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);
                if det.abs() <= f64::MIN_POSITIVE {
                    continue;
                }
                let l1 = ((q[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (q[1] - a[1])) / det;
                let l2 = ((b[0] - a[0]) * (q[1] - a[1]) - (q[0] - a[0]) * (b[1] - a[1])) / det;
                let l0 = 1.0 - l1 - l2;
                if l0 >= eps && l1 >= eps && l2 >= eps {
                    let (l0, l1, l2) = (l0.max(0.0), l1.max(0.0), l2.max(0.0));
                    let s = l0 + l1 + l2;
                    return Some(vec![(r[0], l0 / s), (r[i], l1 / s), (r[i + 1], l2 / s)]);
                }
            }
        }
        None
    }
}

/// The linear regions of `net` (one or two inputs) over `boxes` (model units), see
/// [`GraphHull`]; `None` when the network has more than two inputs or more than `max_regions`
/// regions.
pub fn graph_vertices(
    net: &Network,
    boxes: &[(f64, f64)],
    max_regions: usize,
) -> Option<GraphHull> {
    let d = net.n_inputs();
    if !(1..=2).contains(&d) || boxes.len() != d {
        return None;
    }
    if boxes
        .iter()
        .any(|(l, u)| !l.is_finite() || !u.is_finite() || l > u)
    {
        return None;
    }
    let (x0, x1) = boxes[0];
    let (y0, y1) = if d == 2 { boxes[1] } else { (0.0, 0.0) };
    let poly = if d == 2 {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    } else {
        vec![[x0, 0.0], [x1, 0.0]]
    };
    // the network's scaled inputs as maps of the model's
    let maps = (0..d)
        .map(|i| {
            let (off, sc) = net
                .input_scaling
                .as_ref()
                .map_or((0.0, 1.0), |s| (s.offset[i], s.scale[i]));
            let mut a = [0.0; 2];
            a[i] = 1.0 / sc;
            (a, -off / sc)
        })
        .collect();
    let size = (x1 - x0).abs().max((y1 - y0).abs()).max(1.0);
    let tol = 1e-12 * size;
    let mut regions = vec![Region { poly, maps }];
    for layer in &net.layers {
        let breaks: &[f64] = match layer.activation {
            Activation::Linear => break,
            Activation::Relu => &[0.0],
            Activation::ClippedRelu(c) => &[0.0, c],
        };
        let breaks = breaks.to_vec();
        let mut next: Vec<Region> = Vec::with_capacity(regions.len());
        for r in regions {
            // the layer's pre-activations on this region
            let pre: Vec<([f64; 2], f64)> = layer
                .weights
                .iter()
                .zip(&layer.bias)
                .map(|(row, b)| {
                    let mut a = [0.0; 2];
                    let mut c = *b;
                    for (w, (m, k)) in row.iter().zip(&r.maps) {
                        a[0] += w * m[0];
                        a[1] += w * m[1];
                        c += w * k;
                    }
                    (a, c)
                })
                .collect();
            // split neuron by neuron; each piece records the neuron's output map
            let mut pieces = vec![(r.poly, Vec::with_capacity(pre.len()))];
            for (a, c) in &pre {
                let mut split = Vec::with_capacity(pieces.len());
                for (poly, outs) in pieces {
                    let mut parts = vec![poly];
                    for t in &breaks {
                        parts = parts
                            .into_iter()
                            .flat_map(|p| cut(&p, *a, c - t, tol))
                            .collect();
                    }
                    for p in parts {
                        // the piece's side of every breakpoint, at its centroid
                        let m = centroid(&p);
                        let v = a[0] * m[0] + a[1] * m[1] + c;
                        let out = match layer.activation {
                            Activation::Relu if v <= 0.0 => ([0.0; 2], 0.0),
                            Activation::ClippedRelu(_) if v <= 0.0 => ([0.0; 2], 0.0),
                            Activation::ClippedRelu(cap) if v >= cap => ([0.0; 2], cap),
                            _ => (*a, *c),
                        };
                        let mut o = outs.clone();
                        o.push(out);
                        split.push((p, o));
                    }
                }
                pieces = split;
                if next.len() + pieces.len() > max_regions {
                    return None;
                }
            }
            next.extend(pieces.into_iter().map(|(poly, maps)| Region { poly, maps }));
        }
        regions = next;
    }
    // the distinct vertices, in a deterministic order, and each region's as indices
    let mut all: Vec<([f64; 2], usize, usize)> = Vec::new();
    for (r, reg) in regions.iter().enumerate() {
        for (i, p) in reg.poly.iter().enumerate() {
            all.push((*p, r, i));
        }
    }
    all.sort_by(|p, q| p.0[0].total_cmp(&q.0[0]).then(p.0[1].total_cmp(&q.0[1])));
    let mut index: Vec<Vec<usize>> = regions.iter().map(|r| vec![0; r.poly.len()]).collect();
    let mut verts: Vec<[f64; 2]> = Vec::new();
    for (p, r, i) in all {
        let same = verts
            .last()
            .is_some_and(|q| (p[0] - q[0]).abs() <= tol && (p[1] - q[1]).abs() <= tol);
        if !same {
            verts.push(p);
        }
        index[r][i] = verts.len() - 1;
    }
    for r in &mut index {
        r.dedup();
        while r.len() > 1 && r.first() == r.last() {
            r.pop();
        }
    }
    Some(GraphHull {
        points: verts
            .into_iter()
            .map(|v| {
                let x = v[..d].to_vec();
                let f = net.forward(&x);
                (x, f)
            })
            .collect(),
        regions: index,
    })
}

/// The parts of `poly` where `a·x + c <= 0` and `>= 0` (those that are not empty); a vertex
/// within `tol` of the line belongs to both.
fn cut(poly: &[[f64; 2]], a: [f64; 2], c: f64, tol: f64) -> Vec<Vec<[f64; 2]>> {
    let norm = (a[0] * a[0] + a[1] * a[1]).sqrt();
    if norm == 0.0 {
        return vec![poly.to_vec()];
    }
    let g: Vec<f64> = poly
        .iter()
        .map(|p| (a[0] * p[0] + a[1] * p[1] + c) / norm)
        .collect();
    if g.iter().all(|v| *v >= -tol) || g.iter().all(|v| *v <= tol) {
        return vec![poly.to_vec()];
    }
    let n = poly.len();
    // a two-vertex polygon is a segment, not a closed loop
    let edges = if n == 2 { 1 } else { n };
    let mut neg = Vec::new();
    let mut pos = Vec::new();
    // a vertex goes to its side, or to both when it is on the line
    let keep = |p: [f64; 2], gp: f64, neg: &mut Vec<[f64; 2]>, pos: &mut Vec<[f64; 2]>| {
        if gp <= tol {
            neg.push(p);
        }
        if gp >= -tol {
            pos.push(p);
        }
    };
    for i in 0..edges {
        let j = (i + 1) % n;
        let (p, q, gp, gq) = (poly[i], poly[j], g[i], g[j]);
        keep(p, gp, &mut neg, &mut pos);
        if (gp < -tol && gq > tol) || (gp > tol && gq < -tol) {
            let s = gp / (gp - gq);
            let m = [p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])];
            neg.push(m);
            pos.push(m);
        }
    }
    if n == 2 {
        // the segment's last vertex
        keep(poly[1], g[1], &mut neg, &mut pos);
    }
    let min = if n == 2 { 2 } else { 3 };
    [neg, pos].into_iter().filter(|p| p.len() >= min).collect()
}

fn centroid(poly: &[[f64; 2]]) -> [f64; 2] {
    let n = poly.len() as f64;
    let s = poly
        .iter()
        .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
    [s[0] / n, s[1] / n]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Layer, Rng};

    fn random_net(rng: &mut Rng, d: usize, widths: &[usize], clipped: bool) -> Network {
        let mut layers = Vec::new();
        let mut prev = d;
        for (k, &w) in widths.iter().chain(std::iter::once(&1)).enumerate() {
            let last = k == widths.len();
            layers.push(Layer {
                weights: (0..w)
                    .map(|_| (0..prev).map(|_| rng.unit() * 2.0 - 1.0).collect())
                    .collect(),
                bias: (0..w).map(|_| rng.unit() - 0.5).collect(),
                activation: if last {
                    Activation::Linear
                } else if clipped && k == 0 {
                    Activation::ClippedRelu(0.7)
                } else {
                    Activation::Relu
                },
            });
            prev = w;
        }
        Network::from_layers(layers)
    }

    /// In 1-D the vertices are the breakpoints, and interpolating them is the network itself.
    #[test]
    fn one_input_vertices_interpolate_the_network_exactly() {
        let mut rng = Rng::new(7);
        for case in 0..20 {
            let net = random_net(&mut rng, 1, &[6, 5], case % 2 == 0);
            let v = graph_vertices(&net, &[(-2.0, 3.0)], 10_000)
                .expect("vertices")
                .points;
            for k in 0..=500 {
                let x = -2.0 + 5.0 * k as f64 / 500.0;
                let i = v.partition_point(|(p, _)| p[0] <= x).clamp(1, v.len() - 1);
                let ((a, fa), (b, fb)) = (&v[i - 1], &v[i]);
                let t = if b[0] > a[0] {
                    (x - a[0]) / (b[0] - a[0])
                } else {
                    0.0
                };
                let interp = fa[0] + t * (fb[0] - fa[0]);
                let f = net.forward(&[x])[0];
                assert!(
                    (interp - f).abs() <= 1e-9 * (1.0 + f.abs()),
                    "case {case} x {x}"
                );
            }
        }
    }

    /// In 2-D, every sampled point of the graph lies in the convex hull of the vertices'
    /// points: in random directions `(c, 1)` and `(c, -1)`, the hull's support value is at
    /// least the point's.
    #[test]
    fn two_input_vertices_support_the_graph_in_every_direction() {
        let mut rng = Rng::new(11);
        for case in 0..12 {
            let net = random_net(&mut rng, 2, &[8, 6], case % 3 == 0);
            let b = [(-1.0, 2.0), (0.5, 3.0)];
            let h = graph_vertices(&net, &b, 100_000).expect("vertices");
            let v = &h.points;
            for _ in 0..300 {
                let x = [
                    b[0].0 + (b[0].1 - b[0].0) * rng.unit(),
                    b[1].0 + (b[1].1 - b[1].0) * rng.unit(),
                ];
                let f = net.forward(&x)[0];
                // the point's own weights reproduce it exactly
                let w = h.weights(&x).expect("in a region");
                let (mut px, mut py, mut pf) = (0.0, 0.0, 0.0);
                for (k, t) in &w {
                    px += t * v[*k].0[0];
                    py += t * v[*k].0[1];
                    pf += t * v[*k].1[0];
                }
                assert!((px - x[0]).abs() + (py - x[1]).abs() <= 1e-9, "case {case}");
                assert!(
                    (pf - f).abs() <= 1e-8 * (1.0 + f.abs()),
                    "case {case}: {pf} vs {f}"
                );
                for _ in 0..4 {
                    let c = [rng.unit() * 2.0 - 1.0, rng.unit() * 2.0 - 1.0];
                    for s in [1.0, -1.0] {
                        let at = |p: &[f64], y: f64| c[0] * p[0] + c[1] * p[1] + s * y;
                        let best = v
                            .iter()
                            .map(|(p, y)| at(p, y[0]))
                            .fold(f64::NEG_INFINITY, f64::max);
                        assert!(best >= at(&x, f) - 1e-9, "case {case}");
                    }
                }
            }
            // and the box's corners are among the vertices
            for corner in [[-1.0, 0.5], [2.0, 3.0]] {
                assert!(v
                    .iter()
                    .any(|(p, _)| p[0] == corner[0] && p[1] == corner[1]));
            }
        }
    }

    #[test]
    fn too_many_regions_or_inputs_give_none() {
        let mut rng = Rng::new(3);
        let net = random_net(&mut rng, 2, &[16, 16], false);
        assert!(graph_vertices(&net, &[(-3.0, 3.0), (-3.0, 3.0)], 10).is_none());
        let net = random_net(&mut rng, 3, &[4], false);
        assert!(graph_vertices(&net, &[(0.0, 1.0); 3], 1000).is_none());
    }
}
