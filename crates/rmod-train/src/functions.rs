//! The standard test functions of the paper's study and Latin hypercube sampling.

/// A small deterministic generator (SplitMix64): the same seed gives the same data and weights
/// on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// A test function: name, the dimensions it is defined for, and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Function {
    Peaks,
    Ackley,
    Himmelblau,
    Rosenbrock,
    StyblinskiTang,
}

impl Function {
    pub const ALL: [Function; 5] = [
        Function::Peaks,
        Function::Ackley,
        Function::Himmelblau,
        Function::Rosenbrock,
        Function::StyblinskiTang,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Peaks => "peaks",
            Function::Ackley => "ackley",
            Function::Himmelblau => "himmelblau",
            Function::Rosenbrock => "rosenbrock",
            Function::StyblinskiTang => "styblinski-tang",
        }
    }

    pub fn parse(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// `None`: any dimension >= 1 (>= 2 for Rosenbrock); `Some(d)`: only `d`.
    pub fn fixed_dim(self) -> Option<usize> {
        match self {
            Function::Peaks | Function::Himmelblau => Some(2),
            _ => None,
        }
    }

    pub fn min_dim(self) -> usize {
        match self {
            Function::Rosenbrock | Function::Peaks | Function::Himmelblau => 2,
            _ => 1,
        }
    }

    pub fn eval(self, x: &[f64]) -> f64 {
        match self {
            Function::Peaks => {
                let (a, b) = (x[0], x[1]);
                3.0 * (1.0 - a).powi(2) * (-a * a - (b + 1.0).powi(2)).exp()
                    - 10.0 * (a / 5.0 - a.powi(3) - b.powi(5)) * (-a * a - b * b).exp()
                    - (-(a + 1.0).powi(2) - b * b).exp() / 3.0
            }
            Function::Ackley => {
                let n = x.len() as f64;
                let s1 = x.iter().map(|v| v * v).sum::<f64>() / n;
                let s2 = x
                    .iter()
                    .map(|v| (2.0 * std::f64::consts::PI * v).cos())
                    .sum::<f64>()
                    / n;
                -20.0 * (-0.2 * s1.sqrt()).exp() - s2.exp() + 20.0 + std::f64::consts::E
            }
            Function::Himmelblau => {
                let (a, b) = (x[0], x[1]);
                (a * a + b - 11.0).powi(2) + (a + b * b - 7.0).powi(2)
            }
            Function::Rosenbrock => x
                .windows(2)
                .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
                .sum(),
            Function::StyblinskiTang => {
                0.5 * x
                    .iter()
                    .map(|v| v.powi(4) - 16.0 * v * v + 5.0 * v)
                    .sum::<f64>()
            }
        }
    }
}

/// `n` points in the box: Latin hypercube (one point per stratum in every dimension) when `lhs`,
/// else independent uniform.
pub fn sample_box(n: usize, bounds: &[(f64, f64)], lhs: bool, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Rng::new(seed);
    let mut pts = vec![vec![0.0; bounds.len()]; n];
    for (d, (lo, hi)) in bounds.iter().enumerate() {
        let mut strata: Vec<usize> = (0..n).collect();
        if lhs {
            rng.shuffle(&mut strata);
        }
        for (p, s) in pts.iter_mut().zip(&strata) {
            let u = if lhs {
                (*s as f64 + rng.unit()) / n as f64
            } else {
                rng.unit()
            };
            p[d] = lo + (hi - lo) * u;
        }
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_minima() {
        assert!(Function::Ackley.eval(&[0.0, 0.0]).abs() < 1e-12);
        assert!(Function::Himmelblau.eval(&[3.0, 2.0]).abs() < 1e-12);
        assert!(Function::Rosenbrock.eval(&[1.0, 1.0, 1.0]).abs() < 1e-12);
        // peaks: minimum -6.5511 near (0.2283, -1.6256)
        assert!((Function::Peaks.eval(&[0.228_28, -1.625_53]) + 6.551_13).abs() < 1e-4);
        // Styblinski-Tang: -39.16617 per dimension at -2.903534
        let st = Function::StyblinskiTang.eval(&[-2.903_534; 3]);
        assert!((st / 3.0 + 39.166_17).abs() < 1e-4);
    }

    #[test]
    fn latin_hypercube_hits_every_stratum_once() {
        let pts = sample_box(50, &[(0.0, 1.0), (-5.0, 5.0)], true, 3);
        for (d, (lo, hi)) in [(0.0, 1.0), (-5.0, 5.0)].iter().enumerate() {
            let mut seen = [false; 50];
            for p in &pts {
                let s = ((p[d] - lo) / (hi - lo) * 50.0) as usize;
                assert!(!seen[s], "stratum {s} twice");
                seen[s] = true;
            }
        }
        assert_eq!(pts, sample_box(50, &[(0.0, 1.0), (-5.0, 5.0)], true, 3));
    }
}
