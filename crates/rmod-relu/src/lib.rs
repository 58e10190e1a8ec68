//! ReLU networks in the `relu-net` v1 file format (docs/relu-net-json.md): validation that names the JSON pointer of every problem, the forward pass, interval bounds, and the big-M encoding into [`rmod_ir`] rows.
//!
//! ```
//! use rmod_diagnostics::FileId;
//! let text = r#"{"format": "relu-net", "version": 1, "layers": [
//!   {"weights": [[1.0], [-1.0]], "bias": [0.0, 0.0], "activation": "relu"},
//!   {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#;
//! let (net, diags) = rmod_relu::parse(FileId(1), "abs.json", text);
//! assert!(diags.is_empty());
//! assert_eq!(net.unwrap().forward(&[-3.0]), vec![3.0]);
//! ```

use rmod_diagnostics::code;

mod alpha;
mod bounds;
mod compute;
mod crown;
mod databox;
mod encode;
mod hull;
mod hygiene;
mod jsonspan;
mod obbt;
mod regions;
mod rng;
mod scale;
mod selfcheck;
mod tojson;

/// The byte span of the value at a JSON pointer in JSON text (for diagnostics in JSON files).
pub use jsonspan::locate as locate_json;

use rmod_diagnostics::{Diagnostic, FileId, Span};
use rmod_ir::Affine;
use serde_json::Value;

pub use alpha::{crown_linear_alpha, AlphaBound, AlphaSearch};
pub use bounds::Bounds;
pub use compute::{compute_bounds, BoundMethod};
pub use crown::{crown_bounds, crown_bounds_within, crown_linear};
pub use databox::{data_box, DATA_BOX_POINTER};
pub use encode::{
    complete_point, encode, tighten_cell, CellBounds, Encoded, NeuronColumns, NeuronStats, UseName,
    UseStats,
};
pub use hull::{graph_vertices, GraphHull};
pub use hygiene::{clean, widen_by_margin, Hygiene, NEGLIGIBLE_WEIGHT};
pub use obbt::{box_model, tighten, Context};
pub use regions::{regions_exact, regions_sampled};
pub use rng::Rng;
pub use scale::{apply_scaling, scale_factors, scale_network, ReluScaling};
pub use selfcheck::{self_check, CheckFailure};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Relu,
    /// min(max(0, a), c)
    ClippedRelu(f64),
    Linear,
}

/// What pre-activation bounds `[l, u]` prove about a neuron.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeuronState {
    /// constant output: `u <= 0` (or, clipped, `l >= c`)
    Inactive,
    /// the identity: `l >= 0` (and, clipped, `u <= c`)
    Active,
    /// a breakpoint lies strictly inside: needs a binary
    Unstable,
}

impl Activation {
    /// The state of a neuron with this activation and bounds; `None` for a linear layer.
    pub fn state(self, (l, u): (f64, f64)) -> Option<NeuronState> {
        let (inactive, active) = match self {
            Activation::Relu => (u <= 0.0, l >= 0.0),
            Activation::ClippedRelu(c) => (u <= 0.0 || l >= c, l >= 0.0 && u <= c),
            Activation::Linear => return None,
        };
        Some(if inactive {
            NeuronState::Inactive
        } else if active {
            NeuronState::Active
        } else {
            NeuronState::Unstable
        })
    }
    pub fn apply(self, a: f64) -> f64 {
        match self {
            Activation::Relu => a.max(0.0),
            Activation::ClippedRelu(c) => a.max(0.0).min(c),
            Activation::Linear => a,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// `[n_out][n_in]`
    pub weights: Vec<Vec<f64>>,
    pub bias: Vec<f64>,
    pub activation: Activation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scaling {
    pub offset: Vec<f64>,
    pub scale: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub inputs: Option<Vec<String>>,
    pub outputs: Option<Vec<String>>,
    pub input_bounds: Option<Vec<(f64, f64)>>,
    pub input_scaling: Option<Scaling>,
    pub output_scaling: Option<Scaling>,
    pub layers: Vec<Layer>,
}

impl Network {
    /// A bare network: just its layers, in scaled units (no names, bounds or scaling).
    pub fn from_layers(layers: Vec<Layer>) -> Network {
        Network {
            inputs: None,
            outputs: None,
            input_bounds: None,
            input_scaling: None,
            output_scaling: None,
            layers,
        }
    }
    pub fn n_inputs(&self) -> usize {
        self.layers
            .first()
            .and_then(|l| l.weights.first())
            .map_or(0, Vec::len)
    }
    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.bias.len())
    }
    /// Weights and biases: the work of one forward pass.
    pub fn n_params(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.bias.len() + l.weights.iter().map(Vec::len).sum::<usize>())
            .sum()
    }
    /// Hidden neurons (every layer but the last).
    pub fn n_hidden(&self) -> usize {
        self.layers.iter().rev().skip(1).map(|l| l.bias.len()).sum()
    }
    pub fn input_name(&self, i: usize) -> String {
        self.inputs
            .as_ref()
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_else(|| format!("input {i}"))
    }
    /// The file's name of output `j`, or `y1`, `y2`, ...
    pub fn output_name(&self, j: usize) -> String {
        self.outputs
            .as_ref()
            .and_then(|v| v.get(j).cloned())
            .unwrap_or_else(|| format!("y{}", j + 1))
    }
    /// Model units to the network's scaled units.
    pub fn scale_input(&self, i: usize, x: f64) -> f64 {
        match &self.input_scaling {
            Some(s) => (x - s.offset[i]) / s.scale[i],
            None => x,
        }
    }
    /// Network units to model units.
    pub fn unscale_output(&self, j: usize, y: f64) -> f64 {
        match &self.output_scaling {
            Some(s) => y * s.scale[j] + s.offset[j],
            None => y,
        }
    }
    /// Pre-activations of every layer (scaled units) at a point given in model units.
    pub fn trace(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let h: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| self.scale_input(i, *v))
            .collect();
        self.trace_scaled(&h)
    }
    /// Pre-activations of every layer at a point given in the network's scaled units.
    pub fn trace_scaled(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut h = x.to_vec();
        let mut out = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let a: Vec<f64> = l
                .weights
                .iter()
                .zip(&l.bias)
                .map(|(row, b)| b + row.iter().zip(&h).map(|(w, v)| w * v).sum::<f64>())
                .collect();
            h = a.iter().map(|v| l.activation.apply(*v)).collect();
            out.push(a);
        }
        out
    }
    /// The network's outputs in model units: a plain double-precision forward pass.
    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        let pre = self.trace(x);
        let Some((last, l)) = pre.last().zip(self.layers.last()) else {
            return Vec::new();
        };
        last.iter()
            .enumerate()
            .map(|(j, a)| self.unscale_output(j, l.activation.apply(*a)))
            .collect()
    }
    /// Interval arithmetic for one layer: pre-activation bounds from bounds on the layer's inputs (the previous layer's outputs).
    pub fn layer_interval(&self, k: usize, prev: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let l = &self.layers[k];
        l.weights
            .iter()
            .zip(&l.bias)
            .map(|(row, b)| {
                let (mut s, mut t) = (*b, *b);
                for (w, (p, q)) in row.iter().zip(prev) {
                    if *w >= 0.0 {
                        s += w * p;
                        t += w * q;
                    } else {
                        s += w * q;
                        t += w * p;
                    }
                }
                (s, t)
            })
            .collect()
    }

    /// Interval arithmetic: pre-activation bounds `[l, u]` of every neuron, layer by layer, for an input box in the network's scaled units.
    pub fn interval_bounds(&self, lo: &[f64], hi: &[f64]) -> Vec<Vec<(f64, f64)>> {
        let mut h: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
        let mut out = Vec::with_capacity(self.layers.len());
        for (k, l) in self.layers.iter().enumerate() {
            let a = self.layer_interval(k, &h);
            h = a
                .iter()
                .map(|(s, t)| (l.activation.apply(*s), l.activation.apply(*t)))
                .collect();
            out.push(a);
        }
        out
    }
}

/// The network's inputs in scaled units: expressions and box.
pub fn scale_inputs(
    net: &Network,
    inputs: &[Affine],
    input_box: &[(f64, f64)],
) -> (Vec<Affine>, Vec<f64>, Vec<f64>) {
    let mut h: Vec<Affine> = Vec::with_capacity(inputs.len());
    let mut lo = Vec::with_capacity(inputs.len());
    let mut hi = Vec::with_capacity(inputs.len());
    for (i, (x, (p, q))) in inputs.iter().zip(input_box).enumerate() {
        let (off, sc) = net
            .input_scaling
            .as_ref()
            .map_or((0.0, 1.0), |s| (s.offset[i], s.scale[i]));
        let mut e = Affine::constant(-off / sc);
        e.add_scaled(x, 1.0 / sc);
        h.push(e.normalized());
        lo.push((p - off) / sc);
        hi.push((q - off) / sc);
    }
    (h, lo, hi)
}

struct Checker<'a> {
    file: FileId,
    name: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn span(&self, pointer: &str) -> Span {
        let (s, e) = jsonspan::locate(self.text, pointer).unwrap_or((0, 0));
        Span::new(self.file, s, e)
    }
    fn error(&mut self, pointer: &str, msg: impl Into<String>, help: &str) {
        let msg = msg.into();
        let d = Diagnostic::error(
            code::RELU_INVALID_FILE,
            format!(
                "{}: {}: {msg}",
                self.name,
                if pointer.is_empty() { "/" } else { pointer }
            ),
        )
        .with_label(self.span(pointer), msg)
        .with_help(help);
        self.diags.push(d);
    }
    fn warn_unknown(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        pointer: &str,
        known: &[&str],
    ) {
        for k in obj.keys() {
            if !known.contains(&k.as_str()) {
                let p = format!("{pointer}/{k}");
                let mut d = Diagnostic::warning(
                    code::RELU_UNKNOWN_FIELD,
                    format!("{}: {p}: unknown field `{k}` is ignored", self.name),
                )
                .with_label(self.span(&p), "not a field of relu-net v1");
                d = match rmod_diagnostics::did_you_mean(k, known.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("known fields: {}", known.join(", "))),
                };
                self.diags.push(d);
            }
        }
    }
    fn numbers(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        len: Option<usize>,
        what: &str,
    ) -> Option<Vec<f64>> {
        let Some(arr) = v.and_then(Value::as_array) else {
            self.error(
                pointer,
                format!("{what} must be an array of numbers"),
                "write e.g. [0.5, -1.0]",
            );
            return None;
        };
        let mut out = Vec::with_capacity(arr.len());
        for (i, x) in arr.iter().enumerate() {
            match x.as_f64() {
                Some(f) if f.is_finite() => out.push(f),
                _ => {
                    self.error(
                        &format!("{pointer}/{i}"),
                        format!("expected a finite number, found {x}"),
                        "every number in a network file must be finite",
                    );
                    return None;
                }
            }
        }
        if let Some(n) = len {
            if out.len() != n {
                self.error(
                    pointer,
                    format!("{what} has {} entries, expected {n}", out.len()),
                    "the length must match the layer or input dimension",
                );
                return None;
            }
        }
        Some(out)
    }
    fn scaling(&mut self, v: Option<&Value>, pointer: &str, n: usize) -> Option<Scaling> {
        let obj = v?.as_object();
        let Some(obj) = obj else {
            self.error(
                pointer,
                "scaling must be an object with `offset` and `scale`",
                "write {\"offset\": [...], \"scale\": [...]}",
            );
            return None;
        };
        self.warn_unknown(obj, pointer, &["offset", "scale"]);
        let offset = self.numbers(
            obj.get("offset"),
            &format!("{pointer}/offset"),
            Some(n),
            "offset",
        )?;
        let scale = self.numbers(
            obj.get("scale"),
            &format!("{pointer}/scale"),
            Some(n),
            "scale",
        )?;
        if let Some(i) = scale.iter().position(|s| *s <= 0.0) {
            self.error(
                &format!("{pointer}/scale/{i}"),
                format!("scale {} is not positive", scale[i]),
                "every scale must be > 0",
            );
            return None;
        }
        Some(Scaling { offset, scale })
    }
    fn names(&mut self, v: Option<&Value>, pointer: &str, n: usize) -> Option<Vec<String>> {
        let v = v?;
        let names: Option<Vec<String>> = v
            .as_array()
            .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect());
        match names {
            Some(list) if list.len() == n => Some(list),
            Some(list) => {
                self.error(
                    pointer,
                    format!("{} names for {n} values", list.len()),
                    "give one name per input (output) of the network",
                );
                None
            }
            None => {
                self.error(
                    pointer,
                    "expected an array of strings",
                    "write e.g. [\"feed\", \"T\"]",
                );
                None
            }
        }
    }
}

/// Parses and validates a network file. Returns `None` (with errors) when any rule of the spec is broken.
pub fn parse(file: FileId, name: &str, text: &str) -> (Option<Network>, Vec<Diagnostic>) {
    let mut c = Checker {
        file,
        name,
        text,
        diags: Vec::new(),
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let offset = line_col_to_offset(text, e.line(), e.column());
            let d = Diagnostic::error(
                code::RELU_JSON_SYNTAX,
                format!("{name}: not valid JSON: {e}"),
            )
            .with_label(
                Span::new(file, offset, (offset + 1).min(text.len())),
                "here",
            )
            .with_help("fix the JSON syntax; numbers must be finite (no NaN, no 1e999)");
            return (None, vec![d]);
        }
    };
    let Some(obj) = root.as_object() else {
        c.error(
            "",
            "the file must hold a JSON object",
            "see docs/relu-net-json.md",
        );
        return (None, c.diags);
    };
    c.warn_unknown(
        obj,
        "",
        &[
            "format",
            "version",
            "inputs",
            "outputs",
            "input_bounds",
            "input_scaling",
            "output_scaling",
            "layers",
            "training",
        ],
    );
    if obj.get("format").and_then(Value::as_str) != Some("relu-net") {
        c.error(
            "/format",
            "`format` must be \"relu-net\"",
            "add \"format\": \"relu-net\"",
        );
    }
    // 1 and 1.0 are the same JSON number
    if obj.get("version").and_then(Value::as_f64) != Some(1.0) {
        c.error(
            "/version",
            "`version` must be 1",
            "this rmod reads relu-net version 1",
        );
    }
    let layers_v = obj.get("layers").and_then(Value::as_array);
    let Some(layers_v) = layers_v.filter(|l| !l.is_empty()) else {
        c.error(
            if obj.contains_key("layers") {
                "/layers"
            } else {
                ""
            },
            "`layers` must be a non-empty array",
            "list the layers in order, each with weights, bias and activation",
        );
        return (None, c.diags);
    };
    let mut layers = Vec::new();
    let mut n_in: Option<usize> = None;
    for (k, lv) in layers_v.iter().enumerate() {
        let p = format!("/layers/{k}");
        let Some(lo) = lv.as_object() else {
            c.error(
                &p,
                "a layer must be an object",
                "write {\"weights\": ..., \"bias\": ..., \"activation\": ...}",
            );
            return (None, c.diags);
        };
        c.warn_unknown(lo, &p, &["weights", "bias", "activation", "clip"]);
        let Some(rows) = lo
            .get("weights")
            .and_then(Value::as_array)
            .filter(|r| !r.is_empty())
        else {
            c.error(
                &format!("{p}/weights"),
                "`weights` must be a non-empty array of rows",
                "one row per output neuron: shape [n_out][n_in]",
            );
            return (None, c.diags);
        };
        let mut weights = Vec::with_capacity(rows.len());
        for (r, row) in rows.iter().enumerate() {
            let expect = n_in.or_else(|| row.as_array().map(Vec::len));
            let w = c.numbers(
                Some(row),
                &format!("{p}/weights/{r}"),
                expect,
                &format!("row {r} of the weights"),
            );
            let Some(w) = w else { return (None, c.diags) };
            if w.is_empty() {
                c.error(
                    &format!("{p}/weights/{r}"),
                    "a weight row is empty",
                    "each row has one weight per input of the layer",
                );
                return (None, c.diags);
            }
            n_in = Some(w.len());
            weights.push(w);
        }
        let n_out = weights.len();
        let Some(bias) = c.numbers(lo.get("bias"), &format!("{p}/bias"), Some(n_out), "bias")
        else {
            return (None, c.diags);
        };
        let activation = match lo.get("activation").and_then(Value::as_str) {
            Some("relu") => Activation::Relu,
            Some("linear") => Activation::Linear,
            Some("clipped_relu") => match lo.get("clip").and_then(Value::as_f64) {
                Some(cl) if cl > 0.0 && cl.is_finite() => Activation::ClippedRelu(cl),
                _ => {
                    let ptr = if lo.contains_key("clip") {
                        format!("{p}/clip")
                    } else {
                        p.clone()
                    };
                    c.error(
                        &ptr,
                        "`clipped_relu` needs a `clip` value > 0",
                        "add e.g. \"clip\": 1.0",
                    );
                    return (None, c.diags);
                }
            },
            _ => {
                c.error(
                    &format!("{p}/activation"),
                    "`activation` must be \"relu\", \"clipped_relu\" or \"linear\"",
                    "use one of the three activations",
                );
                return (None, c.diags);
            }
        };
        layers.push(Layer {
            weights,
            bias,
            activation,
        });
        n_in = Some(n_out);
    }
    let n_inputs = layers[0].weights[0].len();
    let n_outputs = layers[layers.len() - 1].bias.len();
    let inputs = c.names(obj.get("inputs"), "/inputs", n_inputs);
    let outputs = c.names(obj.get("outputs"), "/outputs", n_outputs);
    let mut input_bounds = None;
    if let Some(v) = obj.get("input_bounds") {
        match v.as_array() {
            Some(a) if a.len() == n_inputs => {
                let mut b = Vec::new();
                for (i, pair) in a.iter().enumerate() {
                    let ptr = format!("/input_bounds/{i}");
                    let Some(nums) = c.numbers(Some(pair), &ptr, Some(2), "a bound pair") else {
                        return (None, c.diags);
                    };
                    if nums[0] > nums[1] {
                        c.error(
                            &ptr,
                            format!("lower bound {} exceeds upper bound {}", nums[0], nums[1]),
                            "write [lo, hi] with lo <= hi",
                        );
                        return (None, c.diags);
                    }
                    b.push((nums[0], nums[1]));
                }
                input_bounds = Some(b);
            }
            _ => c.error(
                "/input_bounds",
                format!("`input_bounds` must hold {n_inputs} pairs [lo, hi]"),
                "one [lo, hi] per input, in model units",
            ),
        }
    }
    let input_scaling = c.scaling(obj.get("input_scaling"), "/input_scaling", n_inputs);
    let output_scaling = c.scaling(obj.get("output_scaling"), "/output_scaling", n_outputs);
    if rmod_diagnostics::has_errors(&c.diags) {
        return (None, c.diags);
    }
    let net = Network {
        inputs,
        outputs,
        input_bounds,
        input_scaling,
        output_scaling,
        layers,
    };
    (Some(net), c.diags)
}

fn line_col_to_offset(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return (off + col.saturating_sub(1)).min(text.len());
        }
        off += l.len() + 1;
    }
    text.len().saturating_sub(1)
}

#[cfg(test)]
mod tests;
