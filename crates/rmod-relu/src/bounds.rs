//! Pre-activation bounds of a network use: the [`Bounds`] record, its exact text form (the bound
//! cache's) and its statistics (neurons left unstable, mean widths, per layer).

use rmod_ir::{Affine, LayerStats};

use crate::{scale_inputs, Activation, Network};

/// Pre-activation bounds of every layer (scaled units, one entry per neuron) and their provenance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bounds {
    pub pre: Vec<Vec<(f64, f64)>>,
    /// interval arithmetic over the input box, for comparison
    pub ia: Vec<Vec<(f64, f64)>>,
    /// "ia", "crown", "lp" or "milp"
    pub method: &'static str,
    /// "network" (the network over its box) or "model" (with the model's rows)
    pub context: &'static str,
    pub seconds: f64,
    /// read from the bound cache instead of computed
    pub cached: bool,
    /// false when the bound budget ran out and some neurons kept interval bounds
    pub complete: bool,
    pub layers: Vec<LayerStats>,
}

impl Bounds {
    /// The cache format: a header line, `method`, `context`, `seconds`, then per layer a line
    /// `layer K SECONDS PROBLEMS` followed by one `LOWER UPPER` line per neuron (exact decimal
    /// round-trip of every f64).
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "rmod-bounds 1\nmethod {}\ncontext {}\nseconds {:?}\n",
            self.method, self.context, self.seconds
        );
        for (k, layer) in self.pre.iter().enumerate() {
            let st = self.layers.iter().find(|l| l.layer == k + 1);
            out.push_str(&format!(
                "layer {} {:?} {}\n",
                k + 1,
                st.map_or(0.0, |s| s.seconds),
                st.map_or(0, |s| s.problems)
            ));
            for (l, u) in layer {
                out.push_str(&format!("{l:?} {u:?}\n"));
            }
        }
        out
    }

    /// Reads [`Bounds::to_text`]; `None` unless the text matches the network's shape.
    /// `input_box` (model units) recomputes the interval-arithmetic comparison.
    pub fn from_text(net: &Network, text: &str, input_box: &[(f64, f64)]) -> Option<Bounds> {
        let mut lines = text.lines();
        if lines.next()? != "rmod-bounds 1" {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            lines
                .next()?
                .strip_prefix(name)
                .map(|s| s.trim().to_string())
        };
        let method = match field("method")?.as_str() {
            "lp" => "lp",
            "milp" => "milp",
            _ => return None,
        };
        let context = match field("context")?.as_str() {
            "network" => "network",
            "model" => "model",
            _ => return None,
        };
        let seconds: f64 = field("seconds")?.parse().ok()?;
        let mut pre = Vec::with_capacity(net.layers.len());
        let mut secs = Vec::new();
        let mut problems = Vec::new();
        for (k, layer) in net.layers.iter().enumerate() {
            let head = lines.next()?;
            let mut parts = head.split(' ');
            if parts.next()? != "layer" || parts.next()?.parse::<usize>().ok()? != k + 1 {
                return None;
            }
            secs.push(parts.next()?.parse::<f64>().ok()?);
            problems.push(parts.next()?.parse::<usize>().ok()?);
            let mut b = Vec::with_capacity(layer.bias.len());
            for _ in 0..layer.bias.len() {
                let (l, u) = lines.next()?.split_once(' ')?;
                let (l, u): (f64, f64) = (l.parse().ok()?, u.parse().ok()?);
                if l.is_nan() || u.is_nan() || l > u {
                    return None;
                }
                b.push((l, u));
            }
            pre.push(b);
        }
        if lines.next().is_some() {
            return None;
        }
        let (_, lo, hi) = scale_inputs(
            net,
            &vec![Affine::constant(0.0); input_box.len()],
            input_box,
        );
        let ia = net.interval_bounds(&lo, &hi);
        Some(Bounds {
            layers: layer_stats(net, &ia, &pre, &secs, &problems),
            pre,
            ia,
            method,
            context,
            seconds,
            cached: true,
            complete: true,
        })
    }
}

pub(crate) fn is_open(act: Activation, lu: (f64, f64)) -> bool {
    act.state(lu) == Some(crate::NeuronState::Unstable)
}

/// Hidden neurons left unstable by `bounds`, and their mean pre-activation width.
pub fn unstable_and_width(net: &Network, bounds: &[Vec<(f64, f64)>]) -> (usize, f64) {
    let (n, open, width) = net
        .layers
        .iter()
        .zip(bounds)
        .map(|(l, b)| layer_counts(l.activation, b))
        .fold((0, 0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    (open, if n == 0 { 0.0 } else { width / n as f64 })
}

/// (hidden neurons, unstable neurons, summed width) of one layer.
fn layer_counts(act: Activation, b: &[(f64, f64)]) -> (usize, usize, f64) {
    if act == Activation::Linear {
        return (0, 0, 0.0);
    }
    let open = b.iter().filter(|lu| is_open(act, **lu)).count();
    (b.len(), open, b.iter().map(|lu| lu.1 - lu.0).sum())
}

/// Per-layer comparison of interval arithmetic with the bounds used.
pub(crate) fn layer_stats(
    net: &Network,
    ia: &[Vec<(f64, f64)>],
    pre: &[Vec<(f64, f64)>],
    seconds: &[f64],
    problems: &[usize],
) -> Vec<LayerStats> {
    net.layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.activation != Activation::Linear)
        .map(|(k, l)| {
            let (n, ia_open, ia_w) = layer_counts(l.activation, &ia[k]);
            let (_, open, w) = layer_counts(l.activation, &pre[k]);
            let mean = |w: f64| if n == 0 { 0.0 } else { w / n as f64 };
            LayerStats {
                layer: k + 1,
                neurons: n,
                ia_unstable: ia_open,
                unstable: open,
                ia_mean_width: mean(ia_w),
                mean_width: mean(w),
                seconds: seconds.get(k).copied().unwrap_or(0.0),
                problems: problems.get(k).copied().unwrap_or(0),
            }
        })
        .collect()
}
