//! `Clone` for the model's parts with a `clone_from` that reuses the target's allocations: the
//! input split copies the whole model into one scratch model per cell.

use crate::{Column, Model, Origin, Row};

impl Clone for Origin {
    fn clone(&self) -> Self {
        Origin {
            decl: self.decl.clone(),
            index: self.index.clone(),
            span: self.span,
        }
    }
    fn clone_from(&mut self, o: &Self) {
        self.decl.clone_from(&o.decl);
        self.index.clone_from(&o.index);
        self.span = o.span;
    }
}

impl Clone for Column {
    fn clone(&self) -> Self {
        Column {
            origin: self.origin.clone(),
            lower: self.lower,
            upper: self.upper,
            kind: self.kind,
        }
    }
    fn clone_from(&mut self, o: &Self) {
        self.origin.clone_from(&o.origin);
        (self.lower, self.upper, self.kind) = (o.lower, o.upper, o.kind);
    }
}

impl Clone for Row {
    fn clone(&self) -> Self {
        Row {
            origin: self.origin.clone(),
            coeffs: self.coeffs.clone(),
            lower: self.lower,
            upper: self.upper,
        }
    }
    fn clone_from(&mut self, o: &Self) {
        self.origin.clone_from(&o.origin);
        self.coeffs.clone_from(&o.coeffs);
        (self.lower, self.upper) = (o.lower, o.upper);
    }
}

impl Clone for Model {
    fn clone(&self) -> Self {
        Model {
            columns: self.columns.clone(),
            rows: self.rows.clone(),
            objective: self.objective.clone(),
            options: self.options.clone(),
        }
    }
    fn clone_from(&mut self, o: &Self) {
        self.columns.clone_from(&o.columns);
        self.rows.clone_from(&o.rows);
        self.objective.clone_from(&o.objective);
        self.options.clone_from(&o.options);
    }
}

#[cfg(test)]
mod tests {
    use crate::{ColKind, Column, Model, Origin, Row};

    fn model(rows: usize, tag: &str) -> Model {
        let origin = |k: usize| Origin {
            decl: format!("{tag}{k}"),
            index: vec![crate::Elem::Int(k as i64)],
            span: Default::default(),
        };
        Model {
            columns: (0..rows)
                .map(|k| Column {
                    origin: origin(k),
                    lower: -(k as f64),
                    upper: k as f64,
                    kind: ColKind::Continuous,
                })
                .collect(),
            rows: (0..rows)
                .map(|k| Row {
                    origin: origin(k),
                    coeffs: vec![(k as u32, 1.0); k + 1],
                    lower: 0.0,
                    upper: k as f64,
                })
                .collect(),
            objective: None,
            options: Default::default(),
        }
    }

    #[test]
    fn clone_from_gives_an_equal_model_whatever_the_target_held() {
        for (a, b) in [(3, 5), (5, 3), (4, 4), (0, 2)] {
            let source = model(a, "s");
            let mut target = model(b, "target");
            target.clone_from(&source);
            assert_eq!(target, source);
            assert_eq!(source.clone(), source);
        }
    }
}
