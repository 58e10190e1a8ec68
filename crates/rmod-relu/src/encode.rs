//! The big-M encoding of one use of a network into IR columns and rows.
//!
//! For a ReLU `y = max(0, a)` with pre-activation bounds `[l, u]` (interval arithmetic, in the
//! network's scaled units, widened by a relative 1e-9 so rounding never cuts off a true
//! activation):
//! - `u <= 0`: the neuron is stably inactive: `y` is the constant 0 (no column, no row);
//! - `l >= 0`: stably active: a column `y in [l, u]` and the row `y = a` (no binary);
//! - otherwise: `y in [0, u]`, a binary `z`, and the rows `y >= a`, `y <= a - l (1 - z)`, `y <= u z`.
//!
//! A clipped ReLU `min(max(0, a), c)` equals `max(0, a) - max(0, a - c)`; each of the two ReLUs
//! is encoded as above with its own bounds (`[l, u]` and `[l - c, u - c]`), so binaries appear
//! only for the breakpoints (0 and c) that lie strictly inside `[l, u]`: none when the interval
//! lies within one piece, one per breakpoint inside it. The encoding is exact.

use rmod_ir::{Affine, ColKind, Column, Elem, LayerStats, Model, Origin, Row, SplitBounds};

use crate::bounds::{unstable_and_width, Bounds};
use crate::{scale_inputs, Activation, Network};

/// Per use of a network: the paper's "stable neurons" indicator and the big-M values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UseStats {
    pub layers: usize,
    /// neurons with a ReLU or clipped ReLU activation
    pub neurons: usize,
    pub stable_active: usize,
    pub stable_inactive: usize,
    pub binaries: usize,
    /// every big-M coefficient used (`-l` and `u` of each unstable ReLU piece)
    pub big_m: Vec<f64>,
    pub bound_method: &'static str,
    /// "network" or "model"
    pub bound_context: &'static str,
    pub bound_seconds: f64,
    /// bounds read from the cache
    pub bounds_cached: bool,
    /// false when the bound budget ran out before every neuron was tightened
    pub bounds_complete: bool,
    pub per_layer: Vec<LayerStats>,
    /// hidden neurons that interval arithmetic leaves unstable, and that remain unstable
    pub ia_unstable: usize,
    pub unstable: usize,
    /// mean pre-activation width over hidden neurons: interval arithmetic, and the bounds used
    pub ia_mean_width: f64,
    pub mean_width: f64,
}

impl UseStats {
    pub fn max_m(&self) -> f64 {
        self.big_m.iter().copied().fold(0.0, f64::max)
    }
    pub fn median_m(&self) -> f64 {
        if self.big_m.is_empty() {
            return 0.0;
        }
        let mut v = self.big_m.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            0.5 * (v[n / 2 - 1] + v[n / 2])
        }
    }
}

/// How the columns and rows of one use are named: `BASE.KIND[index..., layer, neuron]`.
pub struct UseName<'a> {
    pub base: &'a str,
    pub index: &'a [Elem],
    /// the model statement the use comes from
    pub span: rmod_diagnostics::Span,
}

/// A neuron whose big-M exceeds the threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronStats {
    pub layer: usize,
    pub neuron: usize,
    pub m: f64,
}

pub struct Encoded {
    /// the outputs in model units
    pub outputs: Vec<Affine>,
    /// output bounds in model units, from the propagation
    pub output_bounds: Vec<(f64, f64)>,
    pub stats: UseStats,
    /// neurons with M above `LARGE_M`
    pub large_m: Vec<NeuronStats>,
    /// per layer and neuron, the (y, z) columns of its ReLU pieces (one piece, two for a
    /// clipped ReLU: `max(0, a)` and `max(0, a - c)`); `None` where the piece is a constant or
    /// needs no binary
    pub columns: Vec<Vec<NeuronColumns>>,
    /// `(z, le, on)`: the binary column of every unstable ReLU piece and its two big-M rows,
    /// `y - a - l z <= -l` and `y - u z <= 0`, in column order
    pub m_rows: Vec<(u32, u32, u32)>,
}

/// The `(y, z)` columns of one neuron's ReLU pieces.
pub type NeuronColumns = Vec<(Option<u32>, Option<u32>)>;

/// Sets the columns of an encoded use in `point` to the true activations at the network inputs
/// `x` (model units): the point then satisfies every row of the encoding.
pub fn complete_point(net: &Network, columns: &[Vec<NeuronColumns>], x: &[f64], point: &mut [f64]) {
    for ((layer, pre), cols) in net.layers.iter().zip(net.trace(x)).zip(columns) {
        let c = match layer.activation {
            Activation::ClippedRelu(c) => c,
            _ => 0.0,
        };
        for (a, pieces) in pre.iter().zip(cols) {
            for ((y, z), shift) in pieces.iter().zip([0.0, c]) {
                let v = a - shift;
                if let Some(y) = y {
                    point[*y as usize] = v.max(0.0);
                }
                if let Some(z) = z {
                    point[*z as usize] = f64::from(v > 0.0);
                }
            }
        }
    }
}

/// Rewrites `model` for a cell of the input space: with the model's columns bounded to the cell
/// (a sub-box of the whole model's), CROWN or interval arithmetic (`option split_bounds`) over the
/// cell classifies every neuron of this use again, each layer's intervals intersected with `pre`
/// (the use's bounds over the whole box, those of its encoding) and with the phases the cell's
/// binaries fix. A ReLU piece that is off in the whole cell gets z = 0 and y = 0,
/// one that is on gets z = 1, every y gets the cell's interval, and the big-M rows of a piece
/// still unstable get the cell's `l` and `u` (`m_rows`, see [`Encoded::m_rows`]). All of it
/// widened like every bound that becomes an M; bounds and M values only ever shrink, and
/// nothing happens when an input is unbounded in the cell. Valid only inside the cell.
pub fn tighten_cell(
    net: &Network,
    inputs: &[Affine],
    pre: &[Vec<(f64, f64)>],
    columns: &[Vec<NeuronColumns>],
    m_rows: &[(u32, u32, u32)],
    model: &mut Model,
) -> Option<CellBounds> {
    let mut input_box = Vec::with_capacity(inputs.len());
    for x in inputs {
        let (p, q) = x.bounds(model);
        if !p.is_finite() || !q.is_finite() {
            return None;
        }
        input_box.push((p, q));
    }
    let (_, lo, hi) = scale_inputs(net, inputs, &input_box);
    // phases fixed in the cell (a binary at 1: the piece's pre-activation is at least its
    // breakpoint; at 0: at most) narrow the whole box's bounds, so that the layers after a
    // fixed neuron are bounded with its exact piece
    let phased = with_phases(net, pre, columns, model);
    let pre = &phased;
    let ia = match model.options.split_bounds.unwrap_or(SplitBounds::Crown) {
        SplitBounds::Crown => crate::crown::crown_bounds_within(net, &lo, &hi, pre),
        SplitBounds::Ia => {
            let mut h: Vec<(f64, f64)> = lo.iter().copied().zip(hi.iter().copied()).collect();
            let mut ia = Vec::with_capacity(net.layers.len());
            for (k, layer) in net.layers.iter().enumerate() {
                let mut a = net.layer_interval(k, &h);
                if let Some(whole) = pre.get(k) {
                    for ((l, u), (p, q)) in a.iter_mut().zip(whole) {
                        // the whole box's bounds are valid in every cell; keep the cell's if they cross
                        if l.max(*p) <= u.min(*q) {
                            (*l, *u) = (l.max(*p), u.min(*q));
                        }
                    }
                }
                h = a
                    .iter()
                    .map(|(s, t)| (layer.activation.apply(*s), layer.activation.apply(*t)))
                    .collect();
                ia.push(a);
            }
            ia
        }
    };
    let narrow = |model: &mut Model, c: Option<u32>, l: f64, u: f64| {
        if let Some(c) = c {
            let col = &mut model.columns[c as usize];
            let (nl, nu) = (col.lower.max(l), col.upper.min(u));
            if nl <= nu {
                (col.lower, col.upper) = (nl, nu);
            }
        }
    };
    for ((layer, pre), cols) in net.layers.iter().zip(&ia).zip(columns) {
        let c = match layer.activation {
            Activation::ClippedRelu(c) => c,
            _ => 0.0,
        };
        for (lu, pieces) in pre.iter().zip(cols) {
            let (l, u) = widen(*lu);
            for ((y, z), shift) in pieces.iter().zip([0.0, c]) {
                let (l, u) = (l - shift, u - shift);
                if u <= 0.0 {
                    narrow(model, *z, 0.0, 0.0);
                    narrow(model, *y, 0.0, 0.0);
                } else if l >= 0.0 {
                    narrow(model, *z, 1.0, 1.0);
                    narrow(model, *y, l, u);
                } else {
                    narrow(model, *y, 0.0, u);
                    if let Some(z) = z {
                        set_big_m(model, m_rows, *z, l, u);
                    }
                }
            }
        }
    }
    Some(CellBounds { lo, hi, pre: ia })
}

/// What [`tighten_cell`] found in a cell: its input box (scaled units) and every layer's bounds
/// there, for [`crate::crown_linear`] bounds of linear functions of the outputs.
#[derive(Clone, Debug)]
pub struct CellBounds {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub pre: Vec<Vec<(f64, f64)>>,
}

/// The whole box's bounds `pre` narrowed by the phases the model's binaries fix (valid for
/// every point of the model: a piece with binary 1 has `y = a - shift >= 0`, with 0 `a <= shift`);
/// a neuron whose fixed phases contradict its bounds keeps them (the cell's LP finds it empty).
fn with_phases(
    net: &Network,
    pre: &[Vec<(f64, f64)>],
    columns: &[Vec<NeuronColumns>],
    model: &Model,
) -> Vec<Vec<(f64, f64)>> {
    let mut out = pre.to_vec();
    for ((layer, bounds), cols) in net.layers.iter().zip(out.iter_mut()).zip(columns) {
        let c = match layer.activation {
            Activation::ClippedRelu(c) => c,
            _ => 0.0,
        };
        for ((l, u), pieces) in bounds.iter_mut().zip(cols) {
            let (mut p, mut q) = (*l, *u);
            for ((_, z), shift) in pieces.iter().zip([0.0, c]) {
                let Some(z) = z else { continue };
                let col = &model.columns[*z as usize];
                if col.lower >= 1.0 {
                    p = p.max(shift);
                } else if col.upper <= 0.0 {
                    q = q.min(shift);
                }
            }
            if p <= q {
                (*l, *u) = (p, q);
            }
        }
    }
    out
}

/// Gives the big-M rows of the piece with binary `z` the bounds `l < 0 < u` where they are tighter.
fn set_big_m(model: &mut Model, m_rows: &[(u32, u32, u32)], z: u32, l: f64, u: f64) {
    let Ok(i) = m_rows.binary_search_by_key(&z, |r| r.0) else {
        return;
    };
    let (_, le, on) = m_rows[i];
    // y - a - l z <= -l: the coefficient of z is -l
    let row = &mut model.rows[le as usize];
    if let Some(e) = row.coeffs.iter_mut().find(|e| e.0 == z) {
        let old = -e.1;
        if l > old {
            e.1 = -l;
            row.upper += old - l;
        }
    }
    // y - u z <= 0: the coefficient of z is -u
    let row = &mut model.rows[on as usize];
    if let Some(e) = row.coeffs.iter_mut().find(|e| e.0 == z) {
        if u < -e.1 {
            e.1 = -u;
        }
    }
}

/// Big-M values above this (in scaled units) get a warning.
pub const LARGE_M: f64 = 1e4;

fn widen((l, u): (f64, f64)) -> (f64, f64) {
    (l - 1e-9 * l.abs().max(1.0), u + 1e-9 * u.abs().max(1.0))
}

struct Emitter<'m> {
    model: &'m mut Model,
    base: String,
    index: Vec<Elem>,
    span: rmod_diagnostics::Span,
    /// the (y, z) columns of each ReLU piece of the current neuron
    pieces: Vec<(Option<u32>, Option<u32>)>,
    /// (z, row `le`, row `on`) of every binary piece, in column order
    m_rows: Vec<(u32, u32, u32)>,
}

impl Emitter<'_> {
    fn origin(&self, what: &str, layer: usize, neuron: usize) -> Origin {
        let mut index = self.index.clone();
        index.push(Elem::Int(layer as i64 + 1));
        index.push(Elem::Int(neuron as i64 + 1));
        Origin {
            decl: format!("{}.{what}", self.base),
            index,
            span: self.span,
        }
    }
    fn col(
        &mut self,
        what: &str,
        layer: usize,
        neuron: usize,
        lower: f64,
        upper: f64,
        kind: ColKind,
    ) -> u32 {
        let origin = self.origin(what, layer, neuron);
        self.model.columns.push(Column {
            origin,
            lower,
            upper,
            kind,
        });
        (self.model.columns.len() - 1) as u32
    }
    fn row(&mut self, what: &str, layer: usize, neuron: usize, e: Affine, lower: f64, upper: f64) {
        let e = e.normalized();
        let origin = self.origin(what, layer, neuron);
        self.model.rows.push(Row {
            origin,
            coeffs: e.coeffs,
            lower: lower - e.constant,
            upper: upper - e.constant,
        });
    }

    /// `max(0, a)` for `a` in `[l, u]`; returns the output expression and whether a binary was needed.
    fn relu(
        &mut self,
        a: &Affine,
        (l, u): (f64, f64),
        layer: usize,
        neuron: usize,
        tag: &str,
        stats: &mut UseStats,
    ) -> (Affine, Option<bool>) {
        if u <= 0.0 {
            self.pieces.push((None, None));
            return (Affine::constant(0.0), Some(false));
        }
        if l >= 0.0 {
            let y = self.col(&format!("{tag}y"), layer, neuron, l, u, ColKind::Continuous);
            let mut e = Affine::var(y);
            e.add_scaled(a, -1.0);
            self.row(&format!("{tag}act"), layer, neuron, e, 0.0, 0.0);
            self.pieces.push((Some(y), None));
            return (Affine::var(y), Some(true));
        }
        let y = self.col(
            &format!("{tag}y"),
            layer,
            neuron,
            0.0,
            u,
            ColKind::Continuous,
        );
        let z = self.col(&format!("{tag}z"), layer, neuron, 0.0, 1.0, ColKind::Binary);
        stats.binaries += 1;
        stats.big_m.push(-l);
        stats.big_m.push(u);
        // y >= a
        let mut e = Affine::var(y);
        e.add_scaled(a, -1.0);
        self.row(&format!("{tag}ge"), layer, neuron, e, 0.0, f64::INFINITY);
        let le = self.model.rows.len() as u32;
        self.m_rows.push((z, le, le + 1));
        // y <= a - l (1 - z)  <=>  y - a - l z <= -l
        let mut e = Affine::var(y);
        e.add_scaled(a, -1.0);
        e.add_scaled(&Affine::var(z), -l);
        self.row(&format!("{tag}le"), layer, neuron, e, f64::NEG_INFINITY, -l);
        // y <= u z
        let mut e = Affine::var(y);
        e.add_scaled(&Affine::var(z), -u);
        self.row(
            &format!("{tag}on"),
            layer,
            neuron,
            e,
            f64::NEG_INFINITY,
            0.0,
        );
        self.pieces.push((Some(y), Some(z)));
        (Affine::var(y), None)
    }
}

/// Encodes one use of `net` with the given pre-activation bounds. `inputs` are the argument
/// expressions in model units. Columns and rows are appended to `model` with origins
/// `BASE.KIND[index..., layer, neuron]`.
pub fn encode(
    net: &Network,
    model: &mut Model,
    inputs: &[Affine],
    name: &UseName,
    bounds: &Bounds,
) -> Encoded {
    let (base, index, span) = (name.base, name.index, name.span);
    let (mut h, _, _) = scale_inputs(net, inputs, &vec![(0.0, 0.0); inputs.len()]);
    let (ia_unstable, ia_width) = unstable_and_width(net, &bounds.ia);
    let (unstable, width) = unstable_and_width(net, &bounds.pre);
    let bounds_pre = &bounds.pre;
    let mut stats = UseStats {
        layers: net.layers.len(),
        bound_method: bounds.method,
        bound_context: bounds.context,
        bound_seconds: bounds.seconds,
        bounds_cached: bounds.cached,
        bounds_complete: bounds.complete,
        per_layer: bounds.layers.clone(),
        ia_unstable,
        unstable,
        ia_mean_width: ia_width,
        mean_width: width,
        ..UseStats::default()
    };
    let mut em = Emitter {
        model,
        base: base.to_string(),
        index: index.to_vec(),
        span,
        pieces: Vec::new(),
        m_rows: Vec::new(),
    };
    let mut columns = Vec::with_capacity(net.layers.len());
    let mut large_m = Vec::new();
    let mut out_bounds = Vec::new();
    for (k, layer) in net.layers.iter().enumerate() {
        let last = k + 1 == net.layers.len();
        let mut next = Vec::with_capacity(layer.bias.len());
        let mut layer_cols = Vec::with_capacity(layer.bias.len());
        for (j, (row, b)) in layer.weights.iter().zip(&layer.bias).enumerate() {
            let mut a = Affine::constant(*b);
            for (w, x) in row.iter().zip(&h) {
                a.add_scaled(x, *w);
            }
            let a = a.normalized();
            let (l, u) = widen(bounds_pre[k][j]);
            let n_bin = stats.binaries;
            let (out, stable) = match layer.activation {
                Activation::Linear => (a, None),
                Activation::Relu => {
                    stats.neurons += 1;
                    let (y, st) = em.relu(&a, (l, u), k, j, "", &mut stats);
                    (y, Some(st))
                }
                Activation::ClippedRelu(c) => {
                    stats.neurons += 1;
                    let (y1, s1) = em.relu(&a, (l, u), k, j, "", &mut stats);
                    let mut shifted = a.clone();
                    shifted.constant -= c;
                    let (y2, s2) = em.relu(&shifted, (l - c, u - c), k, j, "top_", &mut stats);
                    let mut y = y1;
                    y.add_scaled(&y2, -1.0);
                    let st = match (s1, s2) {
                        (Some(false), _) | (Some(true), Some(true)) => Some(false),
                        (Some(true), Some(false)) => Some(true),
                        _ => None,
                    };
                    (y, Some(st))
                }
            };
            match stable {
                Some(Some(false)) => stats.stable_inactive += 1,
                Some(Some(true)) => stats.stable_active += 1,
                _ => {}
            }
            if stats.binaries > n_bin {
                let m = (-l).max(u);
                if m > LARGE_M {
                    large_m.push(crate::NeuronStats {
                        layer: k,
                        neuron: j,
                        m,
                    });
                }
            }
            if last {
                let (p, q) = (layer.activation.apply(l), layer.activation.apply(u));
                out_bounds.push((net.unscale_output(j, p), net.unscale_output(j, q)));
            }
            next.push(out);
            layer_cols.push(std::mem::take(&mut em.pieces));
        }
        columns.push(layer_cols);
        h = next;
    }
    let outputs = h
        .into_iter()
        .enumerate()
        .map(|(j, e)| {
            let (off, sc) = net
                .output_scaling
                .as_ref()
                .map_or((0.0, 1.0), |s| (s.offset[j], s.scale[j]));
            let mut o = Affine::constant(off);
            o.add_scaled(&e, sc);
            o.normalized()
        })
        .collect();
    Encoded {
        outputs,
        output_bounds: out_bounds,
        stats,
        large_m,
        columns,
        m_rows: em.m_rows,
    }
}
