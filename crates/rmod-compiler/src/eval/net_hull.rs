//! The convex hull of a low-dimensional use's graph as rows (`option hull`): weights on the
//! vertices of the network's linear regions that reproduce the use's inputs and outputs.

use rmod_ir::{Affine, ColKind, Column, Elem, Row};
use rmod_relu::Network;

use super::net_encode::use_origin;
use super::Evaluator;

/// At most this many linear regions per use (beyond, no hull rows).
const MAX_REGIONS: usize = 4096;
/// At most this many nonzeros in all hull rows of a model: later uses get none (the rows are
/// valid cuts, so any subset is sound), and a use gets the rows that link its weights to its
/// binaries only while they fit too.
const MAX_NONZEROS: usize = 1_000_000;

/// The regions of one network over one box, computed once for all its uses there.
pub(super) type HullCache =
    rustc_hash::FxHashMap<(usize, Vec<u64>), Option<std::sync::Arc<rmod_relu::GraphHull>>>;

impl Evaluator<'_> {
    /// Rows `sum_k w_k = 1`, `sum_k w_k v_k = x` and `sum_k w_k f(v_k) = y` (within a relative
    /// 1e-9) over the vertices `v_k` of the linear regions of `net` on `boxes`, with weights
    /// `w_k >= 0`: every point `(x, f(x))` of the box satisfies them (it is a convex combination
    /// of its region's vertices, where `f` is affine), so they only cut off what the big-M
    /// relaxation lets through. Nothing when the network has too many regions.
    /// Returns where the weights are, for [`crate::complete_use`].
    #[allow(clippy::too_many_arguments)]
    pub(super) fn hull_rows(
        &mut self,
        net: &std::sync::Arc<Network>,
        encoded: &Network,
        columns: &[Vec<rmod_relu::NeuronColumns>],
        inputs: &[Affine],
        boxes: &[(f64, f64)],
        outputs: &[u32],
        base: &str,
        key: &[Elem],
        span: rmod_diagnostics::Span,
    ) -> Option<crate::UseHull> {
        let cache_key = (
            std::sync::Arc::as_ptr(net) as usize,
            boxes
                .iter()
                .flat_map(|(l, u)| [l.to_bits(), u.to_bits()])
                .collect(),
        );
        let hull = self
            .hull_cache
            .entry(cache_key)
            .or_insert_with(|| {
                rmod_relu::graph_vertices(net, boxes, MAX_REGIONS).map(std::sync::Arc::new)
            })
            .clone()?;
        let verts = &hull.points;
        let binaries: usize = columns
            .iter()
            .flatten()
            .flatten()
            .filter(|(_, z)| z.is_some())
            .count();
        let cost = verts.len() * (1 + inputs.len() + outputs.len());
        let link_cost = verts.len() * binaries;
        if self.hull_nonzeros + cost > MAX_NONZEROS {
            return None;
        }
        let link = self.hull_nonzeros + cost + link_cost <= MAX_NONZEROS;
        self.hull_nonzeros += cost + if link { link_cost } else { 0 };
        let decl = format!("{base}.hull");
        let first = self.model.columns.len() as u32;
        for k in 0..verts.len() {
            self.model.columns.push(Column {
                origin: use_origin(format!("{base}.hull_w"), key, k, span),
                lower: 0.0,
                upper: 1.0,
                kind: ColKind::Continuous,
            });
        }
        let w = |k: usize| first + k as u32;
        let mut push = |coeffs: Vec<(u32, f64)>, lower: f64, upper: f64, k: usize| {
            self.model.rows.push(Row {
                origin: use_origin(decl.clone(), key, k, span),
                coeffs,
                lower: lower + 0.0,
                upper: upper + 0.0,
            });
        };
        push((0..verts.len()).map(|k| (w(k), 1.0)).collect(), 1.0, 1.0, 0);
        for (i, x) in inputs.iter().enumerate() {
            // sum w v_i - x = const(x), within what dropping negligible coordinates changes
            let (coeffs, dropped) = without_negligible((0..verts.len()).map(|k| verts[k].0[i]));
            let mut e = Affine {
                coeffs: coeffs.into_iter().map(|(k, v)| (w(k), v)).collect(),
                constant: 0.0,
            };
            e.add_scaled(x, -1.0);
            let e = e.normalized();
            push(
                e.coeffs,
                -e.constant - dropped,
                -e.constant + dropped,
                i + 1,
            );
        }
        for (j, y) in outputs.iter().enumerate() {
            let scale = verts.iter().map(|(_, f)| f[j].abs()).fold(1.0, f64::max);
            let (coeffs, dropped) = without_negligible((0..verts.len()).map(|k| verts[k].1[j]));
            let mut coeffs: Vec<(u32, f64)> = coeffs.into_iter().map(|(k, v)| (w(k), v)).collect();
            coeffs.push((*y, -1.0));
            let e = Affine {
                coeffs,
                constant: 0.0,
            }
            .normalized();
            let slack = 1e-9 * scale + dropped;
            push(e.coeffs, -slack, slack, inputs.len() + j + 1);
        }
        // the weights follow the neurons' phases: a vertex where a ReLU piece is strictly on
        // (off) has no weight while its binary is 0 (1). Every point of a region is a
        // combination of that region's vertices, where the piece is on (off) or at its
        // breakpoint, so this holds at every point with the binaries of its region; vertices
        // within a tolerance of the breakpoint count as both
        if !link {
            return Some(crate::UseHull { first, hull });
        }
        let traces: Vec<Vec<Vec<f64>>> = verts.iter().map(|(v, _)| encoded.trace(v)).collect();
        let mut k_row = inputs.len() + outputs.len() + 1;
        for (l, (layer, cols)) in encoded.layers.iter().zip(columns).enumerate() {
            let cap = match layer.activation {
                rmod_relu::Activation::ClippedRelu(c) => c,
                _ => 0.0,
            };
            for (n, pieces) in cols.iter().enumerate() {
                for ((_, z), shift) in pieces.iter().zip([0.0, cap]) {
                    let Some(z) = z else { continue };
                    let a: Vec<f64> = traces.iter().map(|t| t[l][n] - shift).collect();
                    let tol = 1e-7 * a.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
                    let on: Vec<(u32, f64)> = (0..a.len())
                        .filter(|k| a[*k] > tol)
                        .map(|k| (w(k), 1.0))
                        .collect();
                    let off: Vec<(u32, f64)> = (0..a.len())
                        .filter(|k| a[*k] < -tol)
                        .map(|k| (w(k), 1.0))
                        .collect();
                    if !on.is_empty() {
                        let mut c = on;
                        c.push((*z, -1.0));
                        push(c, f64::NEG_INFINITY, 0.0, k_row);
                        k_row += 1;
                    }
                    if !off.is_empty() {
                        let mut c = off;
                        c.push((*z, 1.0));
                        push(c, f64::NEG_INFINITY, 1.0, k_row);
                        k_row += 1;
                    }
                }
            }
        }
        Some(crate::UseHull { first, hull })
    }
}

/// The vertices' values `v` (by vertex) without those below 1e-8 of the largest magnitude
/// among them and 1 (the rounding residue of a coordinate or value that is 0, or a box side
/// widened by a relative 1e-9 from 0, which gave rows coefficients spanning 1e9 to 1e16: a
/// warning or an error), and the largest magnitude dropped. The weights are in [0, 1] and sum
/// to 1, so a row's value moves by at most that much, which its bounds then allow.
/// (`numeric::drop_negligible` does the same for the model's own rows, at 1e-13 of a row's
/// scale; the hull's convex weights let it go to 1e-8 at the same cost.)
fn without_negligible(v: impl Iterator<Item = f64>) -> (Vec<(usize, f64)>, f64) {
    let v: Vec<f64> = v.collect();
    let tol = 1e-8 * v.iter().fold(1.0_f64, |m, x| m.max(x.abs()));
    let mut dropped = 0.0_f64;
    let kept = v
        .into_iter()
        .enumerate()
        .filter(|(_, x)| {
            let keep = x.abs() >= tol;
            if !keep {
                dropped = dropped.max(x.abs());
            }
            keep
        })
        .collect();
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_residue_is_dropped_within_the_rows_allowance() {
        let (kept, dropped) = super::without_negligible([0.4, 1e-17, -2.0, 0.0].into_iter());
        assert_eq!(kept, vec![(0, 0.4), (2, -2.0)]);
        assert_eq!(dropped, 1e-17);
        // small but not negligible against the largest (or 1)
        let (kept, dropped) = super::without_negligible([1e-7, 1e-3].into_iter());
        assert_eq!(kept.len(), 2);
        assert_eq!(dropped, 0.0);
    }
}
