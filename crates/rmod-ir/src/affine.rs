//! Affine expressions over IR columns: the compiler's linear expressions and a network
//! encoding's pre-activations.

use crate::Model;

/// `sum(coeffs) + constant` over IR columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Affine {
    pub coeffs: Vec<(u32, f64)>,
    pub constant: f64,
}

impl Affine {
    pub fn constant(c: f64) -> Affine {
        Affine {
            coeffs: Vec::new(),
            constant: c,
        }
    }
    pub fn var(col: u32) -> Affine {
        Affine {
            coeffs: vec![(col, 1.0)],
            constant: 0.0,
        }
    }
    /// `self + k * other`
    pub fn add_scaled(&mut self, other: &Affine, k: f64) {
        if k == 0.0 {
            return;
        }
        self.coeffs
            .extend(other.coeffs.iter().map(|(c, a)| (*c, a * k)));
        self.constant += other.constant * k;
    }
    /// `k * self`
    pub fn scaled(mut self, k: f64) -> Affine {
        for t in &mut self.coeffs {
            t.1 *= k;
        }
        self.constant *= k;
        self
    }
    /// Terms sorted by column, repeats merged, zeros dropped.
    pub fn normalized(mut self) -> Affine {
        self.coeffs.sort_by_key(|t| t.0);
        let mut out: Vec<(u32, f64)> = Vec::with_capacity(self.coeffs.len());
        for (c, a) in self.coeffs {
            match out.last_mut() {
                Some(last) if last.0 == c => last.1 += a,
                _ => out.push((c, a)),
            }
        }
        out.retain(|t| t.1 != 0.0);
        Affine {
            coeffs: out,
            constant: self.constant,
        }
    }
    pub fn eval(&self, x: &[f64]) -> f64 {
        self.constant + crate::dot(&self.coeffs, x)
    }
    /// Interval of the expression over the column bounds of a model.
    pub fn bounds(&self, model: &Model) -> (f64, f64) {
        let (mut lo, mut hi) = (self.constant, self.constant);
        for (c, a) in &self.coeffs {
            let col = &model.columns[*c as usize];
            let (p, q) = if *a >= 0.0 {
                (col.lower, col.upper)
            } else {
                (col.upper, col.lower)
            };
            lo += a * p;
            hi += a * q;
        }
        (
            if lo.is_nan() { f64::NEG_INFINITY } else { lo },
            if hi.is_nan() { f64::INFINITY } else { hi },
        )
    }
}
