//! Keys of the bound cache: a SHA-256 over everything tightened bounds depend on.

use rmod_ir::{Affine, ColKind, Model};
use rmod_relu::{Activation, Network};
use sha2::{Digest, Sha256};

fn f(h: &mut Sha256, v: f64) {
    h.update(v.to_bits().to_le_bytes());
}

/// The network's parameters (weights, biases, activations, scaling), the input box, the method
/// and its time limit, and, for a model context, every column, row and the input expressions.
pub fn key(
    net: &Network,
    input_box: &[(f64, f64)],
    method: &str,
    time_limit: f64,
    model: Option<(&Model, &[Affine])>,
) -> String {
    let mut h = Sha256::new();
    // 2: LP bounds certified from the dual (Neumaier-Shcherbina); earlier entries are not
    // 3: tightening starts from CROWN (earlier entries are valid, but may be looser)
    h.update(b"rmod-bounds 3\0");
    h.update(method.as_bytes());
    h.update(b"\0");
    if method == "milp" {
        f(&mut h, time_limit);
    }
    for s in [&net.input_scaling, &net.output_scaling]
        .into_iter()
        .flatten()
    {
        s.offset.iter().chain(&s.scale).for_each(|v| f(&mut h, *v));
    }
    for l in &net.layers {
        h.update(b"L");
        match l.activation {
            Activation::Relu => h.update(b"r"),
            Activation::Linear => h.update(b"l"),
            Activation::ClippedRelu(c) => {
                h.update(b"c");
                f(&mut h, c);
            }
        }
        h.update((l.weights.len() as u64).to_le_bytes());
        for row in &l.weights {
            h.update((row.len() as u64).to_le_bytes());
            row.iter().for_each(|v| f(&mut h, *v));
        }
        l.bias.iter().for_each(|v| f(&mut h, *v));
    }
    h.update(b"B");
    for (p, q) in input_box {
        f(&mut h, *p);
        f(&mut h, *q);
    }
    if let Some((m, inputs)) = model {
        h.update(b"M");
        for c in &m.columns {
            f(&mut h, c.lower);
            f(&mut h, c.upper);
            h.update([u8::from(c.kind != ColKind::Continuous)]);
        }
        for r in &m.rows {
            h.update(b"R");
            f(&mut h, r.lower);
            f(&mut h, r.upper);
            for (c, a) in &r.coeffs {
                h.update(c.to_le_bytes());
                f(&mut h, *a);
            }
        }
        for e in inputs {
            h.update(b"I");
            f(&mut h, e.constant);
            for (c, a) in &e.coeffs {
                h.update(c.to_le_bytes());
                f(&mut h, *a);
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
