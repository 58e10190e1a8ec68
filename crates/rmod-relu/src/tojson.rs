//! A network as a relu-net v1 document: one weight row per line, so that files diff well, and
//! numbers in their shortest form that reads back to the same double.

use serde_json::Value;

use crate::{Activation, Network, Scaling};

fn num(v: f64) -> String {
    serde_json::to_string(&v).unwrap_or_else(|_| "0".into())
}
fn list(v: &[f64]) -> String {
    format!(
        "[{}]",
        v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
    )
}
fn names(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
fn scaling(s: &Scaling) -> String {
    format!(
        "{{\"offset\": {}, \"scale\": {}}}",
        list(&s.offset),
        list(&s.scale)
    )
}

impl Network {
    /// The relu-net v1 text of the network; `training` (free-form) is written as is.
    pub fn to_json(&self, training: Option<&Value>) -> String {
        let mut f = vec![
            "  \"format\": \"relu-net\"".to_string(),
            "  \"version\": 1".to_string(),
        ];
        if let Some(i) = &self.inputs {
            f.push(format!("  \"inputs\": {}", names(i)));
        }
        if let Some(o) = &self.outputs {
            f.push(format!("  \"outputs\": {}", names(o)));
        }
        if let Some(b) = &self.input_bounds {
            let pairs: Vec<String> = b
                .iter()
                .map(|(l, h)| format!("[{}, {}]", num(*l), num(*h)))
                .collect();
            f.push(format!("  \"input_bounds\": [{}]", pairs.join(", ")));
        }
        if let Some(s) = &self.input_scaling {
            f.push(format!("  \"input_scaling\": {}", scaling(s)));
        }
        if let Some(s) = &self.output_scaling {
            f.push(format!("  \"output_scaling\": {}", scaling(s)));
        }
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| {
                let (act, clip) = match l.activation {
                    Activation::Relu => ("relu", String::new()),
                    Activation::ClippedRelu(c) => ("clipped_relu", format!(", \"clip\": {}", num(c))),
                    Activation::Linear => ("linear", String::new()),
                };
                let rows: Vec<String> = l.weights.iter().map(|r| format!("        {}", list(r))).collect();
                format!(
                    "    {{\"activation\": \"{act}\"{clip}, \"bias\": {},\n      \"weights\": [\n{}\n      ]}}",
                    list(&l.bias),
                    rows.join(",\n")
                )
            })
            .collect();
        f.push(format!("  \"layers\": [\n{}\n  ]", layers.join(",\n")));
        if let Some(t) = training {
            f.push(format!(
                "  \"training\": {}",
                serde_json::to_string(t).unwrap_or_default()
            ));
        }
        format!("{{\n{}\n}}\n", f.join(",\n"))
    }
}
