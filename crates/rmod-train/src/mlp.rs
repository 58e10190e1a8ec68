//! The multilayer perceptron: batched forward and backward passes with ndarray, the loss terms
//! (MSE, L1, L2, interval-arithmetic bound width) and their gradients.

use ndarray::{Array1, Array2, Axis, Zip};

/// Activation of the hidden layers (the output layer is linear).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hidden {
    Relu,
    /// min(max(0, a), c)
    Clipped(f64),
}

impl Hidden {
    pub fn apply(self, a: f64) -> f64 {
        match self {
            Hidden::Relu => a.max(0.0),
            Hidden::Clipped(c) => a.max(0.0).min(c),
        }
    }
    /// The derivative (0 at the kinks).
    pub fn slope(self, a: f64) -> f64 {
        match self {
            Hidden::Relu => f64::from(a > 0.0),
            Hidden::Clipped(c) => f64::from(a > 0.0 && a < c),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// `[out, in]` per layer
    pub w: Vec<Array2<f64>>,
    pub b: Vec<Array1<f64>>,
    pub hidden: Hidden,
}

/// Weights of the regularizers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Penalties {
    pub l1: f64,
    pub l2: f64,
    /// times the mean IA pre-activation width over hidden neurons
    pub bound_width: f64,
}

/// The loss and its value per term.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Loss {
    pub mse: f64,
    pub l1: f64,
    pub l2: f64,
    pub width: f64,
}

impl Loss {
    pub fn total(&self) -> f64 {
        self.mse + self.l1 + self.l2 + self.width
    }
}

impl Mlp {
    /// He initialization; biases zero.
    pub fn new(sizes: &[usize], hidden: Hidden, rng: &mut crate::Rng) -> Mlp {
        let mut w = Vec::new();
        let mut b = Vec::new();
        for p in sizes.windows(2) {
            let sd = (2.0 / p[0] as f64).sqrt();
            w.push(Array2::from_shape_fn((p[1], p[0]), |_| sd * rng.normal()));
            b.push(Array1::zeros(p[1]));
        }
        Mlp { w, b, hidden }
    }

    pub fn n_layers(&self) -> usize {
        self.w.len()
    }

    /// Output for a batch `[n, in]` (no dropout).
    pub fn predict(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut h = x.clone();
        for k in 0..self.n_layers() {
            let mut z = h.dot(&self.w[k].t()) + &self.b[k];
            if k + 1 < self.n_layers() {
                let act = self.hidden;
                z.mapv_inplace(|a| act.apply(a));
            }
            h = z;
        }
        h
    }

    /// Interval-arithmetic pre-activation bounds of the hidden layers over the box `lo..hi`.
    pub fn interval(&self, lo: &Array1<f64>, hi: &Array1<f64>) -> Vec<(Array1<f64>, Array1<f64>)> {
        let mut out = Vec::new();
        let (mut p, mut q) = (lo.clone(), hi.clone());
        for k in 0..self.n_layers() - 1 {
            let wp = self.w[k].mapv(|v| v.max(0.0));
            let wn = self.w[k].mapv(|v| v.min(0.0));
            let l = wp.dot(&p) + wn.dot(&q) + &self.b[k];
            let u = wp.dot(&q) + wn.dot(&p) + &self.b[k];
            p = l.mapv(|a| self.hidden.apply(a));
            q = u.mapv(|a| self.hidden.apply(a));
            out.push((l, u));
        }
        out
    }

    /// (hidden neurons, stable under IA, mean width) over the box.
    pub fn stability(&self, lo: &Array1<f64>, hi: &Array1<f64>) -> (usize, usize, f64) {
        let mut n = 0;
        let mut stable = 0;
        let mut width = 0.0;
        for (l, u) in self.interval(lo, hi) {
            for (a, b) in l.iter().zip(&u) {
                n += 1;
                width += b - a;
                let open = match self.hidden {
                    Hidden::Relu => *a < 0.0 && *b > 0.0,
                    Hidden::Clipped(c) => (*a < 0.0 && *b > 0.0) || (*a < c && *b > c),
                };
                stable += usize::from(!open);
            }
        }
        (n, stable, if n == 0 { 0.0 } else { width / n as f64 })
    }

    /// Loss on a batch and its gradient (same shapes as `w` and `b`). `masks`: dropout masks of
    /// the hidden layers (already divided by the keep probability), or `None`.
    pub fn loss_and_grad(
        &self,
        x: &Array2<f64>,
        y: &Array2<f64>,
        masks: Option<&[Array2<f64>]>,
        pen: &Penalties,
        input_box: (&Array1<f64>, &Array1<f64>),
    ) -> (Loss, Vec<Array2<f64>>, Vec<Array1<f64>>) {
        let nl = self.n_layers();
        let mut hs = vec![x.clone()];
        let mut zs = Vec::with_capacity(nl);
        for k in 0..nl {
            let z = hs[k].dot(&self.w[k].t()) + &self.b[k];
            let mut h = z.clone();
            if k + 1 < nl {
                let act = self.hidden;
                h.mapv_inplace(|a| act.apply(a));
                if let Some(m) = masks {
                    h *= &m[k];
                }
            }
            zs.push(z);
            hs.push(h);
        }
        let diff = &hs[nl] - y;
        let count = diff.len().max(1) as f64;
        let mut loss = Loss {
            mse: diff.iter().map(|d| d * d).sum::<f64>() / count,
            ..Loss::default()
        };
        let mut gw: Vec<Array2<f64>> = self.w.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        let mut gb: Vec<Array1<f64>> = self.b.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
        let mut g = diff * (2.0 / count);
        for k in (0..nl).rev() {
            gw[k] += &g.t().dot(&hs[k]);
            gb[k] += &g.sum_axis(Axis(0));
            if k > 0 {
                let mut back = g.dot(&self.w[k]);
                let act = self.hidden;
                Zip::from(&mut back)
                    .and(&zs[k - 1])
                    .for_each(|v, z| *v *= act.slope(*z));
                if let Some(m) = masks {
                    back *= &m[k - 1];
                }
                g = back;
            }
        }
        for (k, w) in self.w.iter().enumerate() {
            if pen.l1 > 0.0 {
                loss.l1 += pen.l1 * w.iter().map(|v| v.abs()).sum::<f64>();
                gw[k] += &w.mapv(|v| pen.l1 * v.signum() * f64::from(v != 0.0));
            }
            if pen.l2 > 0.0 {
                loss.l2 += pen.l2 * w.iter().map(|v| v * v).sum::<f64>();
                gw[k] += &w.mapv(|v| 2.0 * pen.l2 * v);
            }
        }
        if pen.bound_width > 0.0 && nl > 1 {
            loss.width = self.width_grad(pen.bound_width, input_box, &mut gw, &mut gb);
        }
        (loss, gw, gb)
    }

    /// `weight * mean(u - l)` over hidden neurons under interval arithmetic, and its gradient
    /// added to `gw`, `gb` (backpropagated through the interval recursion).
    fn width_grad(
        &self,
        weight: f64,
        (lo, hi): (&Array1<f64>, &Array1<f64>),
        gw: &mut [Array2<f64>],
        gb: &mut [Array1<f64>],
    ) -> f64 {
        let nh = self.n_layers() - 1;
        let bounds = self.interval(lo, hi);
        let n: usize = bounds.iter().map(|(l, _)| l.len()).sum();
        let c = weight / n as f64;
        let value = c * bounds.iter().map(|(l, u)| (u - l).sum()).sum::<f64>();
        // inputs of each hidden layer: the box, then the activated bounds
        let mut ins: Vec<(Array1<f64>, Array1<f64>)> = vec![(lo.clone(), hi.clone())];
        for (l, u) in &bounds[..nh - 1] {
            ins.push((
                l.mapv(|a| self.hidden.apply(a)),
                u.mapv(|a| self.hidden.apply(a)),
            ));
        }
        let mut gl = Array1::from_elem(bounds[nh - 1].0.len(), -c);
        let mut gu = Array1::from_elem(bounds[nh - 1].0.len(), c);
        for k in (0..nh).rev() {
            let (p, q) = &ins[k];
            let w = &self.w[k];
            // l_j = sum_i (w>0 ? w p_i : w q_i) + b_j,  u_j = sum_i (w>0 ? w q_i : w p_i) + b_j
            Zip::indexed(&mut gw[k]).for_each(|(j, i), g| {
                if w[[j, i]] > 0.0 {
                    *g += gl[j] * p[i] + gu[j] * q[i];
                } else {
                    *g += gl[j] * q[i] + gu[j] * p[i];
                }
            });
            gb[k] += &gl;
            gb[k] += &gu;
            if k == 0 {
                break;
            }
            let wp = w.mapv(|v| v.max(0.0));
            let wn = w.mapv(|v| v.min(0.0));
            let gp = wp.t().dot(&gl) + wn.t().dot(&gu);
            let gq = wn.t().dot(&gl) + wp.t().dot(&gu);
            let (l, u) = &bounds[k - 1];
            let act = self.hidden;
            let mut nl_ = Array1::from_elem(l.len(), -c);
            let mut nu_ = Array1::from_elem(u.len(), c);
            Zip::from(&mut nl_)
                .and(&gp)
                .and(l)
                .for_each(|v, g, a| *v += g * act.slope(*a));
            Zip::from(&mut nu_)
                .and(&gq)
                .and(u)
                .for_each(|v, g, a| *v += g * act.slope(*a));
            gl = nl_;
            gu = nu_;
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;

    /// Central finite differences of the total loss against the analytic gradient.
    fn check(hidden: Hidden, pen: Penalties) {
        let mut rng = Rng::new(42);
        let mut net = Mlp::new(&[3, 5, 4, 2], hidden, &mut rng);
        for b in &mut net.b {
            b.mapv_inplace(|_| 0.3 * rng.normal());
        }
        let x = Array2::from_shape_fn((7, 3), |_| rng.normal());
        let y = Array2::from_shape_fn((7, 2), |_| rng.normal());
        let lo = Array1::from_elem(3, -1.5);
        let hi = Array1::from_elem(3, 2.0);
        let (_, gw, gb) = net.loss_and_grad(&x, &y, None, &pen, (&lo, &hi));
        let f = |n: &Mlp| n.loss_and_grad(&x, &y, None, &pen, (&lo, &hi)).0.total();
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        for k in 0..net.n_layers() {
            for idx in 0..net.w[k].len() {
                let (j, i) = (idx / net.w[k].ncols(), idx % net.w[k].ncols());
                let mut a = net.clone();
                a.w[k][[j, i]] += h;
                let mut b = net.clone();
                b.w[k][[j, i]] -= h;
                let fd = (f(&a) - f(&b)) / (2.0 * h);
                worst = worst.max((fd - gw[k][[j, i]]).abs() / (1.0 + fd.abs()));
            }
            for (j, g) in gb[k].iter().enumerate() {
                let mut a = net.clone();
                a.b[k][j] += h;
                let mut b = net.clone();
                b.b[k][j] -= h;
                let fd = (f(&a) - f(&b)) / (2.0 * h);
                worst = worst.max((fd - g).abs() / (1.0 + fd.abs()));
            }
        }
        assert!(worst < 1e-6, "{hidden:?} {pen:?}: gradient error {worst}");
    }

    #[test]
    fn gradients_match_finite_differences() {
        for hidden in [Hidden::Relu, Hidden::Clipped(0.8)] {
            check(hidden, Penalties::default());
            check(
                hidden,
                Penalties {
                    l1: 0.01,
                    ..Default::default()
                },
            );
            check(
                hidden,
                Penalties {
                    l2: 0.02,
                    ..Default::default()
                },
            );
            check(
                hidden,
                Penalties {
                    bound_width: 0.1,
                    ..Default::default()
                },
            );
            check(
                hidden,
                Penalties {
                    l1: 0.01,
                    l2: 0.01,
                    bound_width: 0.05,
                },
            );
        }
    }

    #[test]
    fn interval_bounds_contain_activations() {
        let mut rng = Rng::new(1);
        let net = Mlp::new(&[2, 6, 6, 1], Hidden::Clipped(1.0), &mut rng);
        let lo = Array1::from_elem(2, -1.0);
        let hi = Array1::from_elem(2, 1.0);
        let b = net.interval(&lo, &hi);
        for _ in 0..200 {
            let x = Array1::from_shape_fn(2, |_| 2.0 * rng.unit() - 1.0);
            let mut h = x;
            for (k, (l, u)) in b.iter().enumerate() {
                let z = net.w[k].dot(&h) + &net.b[k];
                for ((a, p), q) in z.iter().zip(l).zip(u) {
                    assert!(p - 1e-12 <= *a && *a <= q + 1e-12);
                }
                h = z.mapv(|a| net.hidden.apply(a));
            }
        }
    }
}
