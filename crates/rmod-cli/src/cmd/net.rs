//! `rmod net info | bounds | regions | scale | eval | import | export`: one network file on its own (relu-net JSON or ONNX).

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, Sources};
use rmod_relu::{Activation, BoundMethod, Network};
use serde_json::json;

use super::net_docs;
use crate::docs::DocFormat;
use crate::output::{text_or_diagnostics, Printer};

#[derive(clap::Subcommand)]
pub enum NetCmd {
    /// Layers, parameters, activations, names, bounds and scaling of a network file
    Info {
        file: std::path::PathBuf,
        /// human, or json (an `rmod-net-info` v1 document)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Pre-activation bounds per layer over a box: stable / unstable neurons, widths, largest M
    Bounds {
        file: std::path::PathBuf,
        /// The input box `[lo,hi]x[lo,hi]` or `[lo,hi]^d` (default: the file's input_bounds)
        #[arg(long = "box")]
        bounds: Option<String>,
        /// ia, crown, lp or milp
        #[arg(long, default_value = "lp")]
        method: String,
        /// Seconds per MILP bound problem
        #[arg(long, default_value_t = 1.0)]
        bound_time_limit: f64,
        /// human, or json (an `rmod-net-bounds` v1 document)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Linear regions over a box: exact (LP-checked splitting) or a sampled lower bound
    Regions {
        file: std::path::PathBuf,
        /// The input box (default: the file's input_bounds)
        #[arg(long = "box")]
        bounds: Option<String>,
        /// Count exactly (stops above --limit regions)
        #[arg(long)]
        exact: bool,
        /// Sample size for the lower bound (default when --exact is not given)
        #[arg(long, default_value_t = 100_000)]
        samples: usize,
        #[arg(long, default_value_t = 100_000)]
        limit: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// human, or json (an `rmod-net-regions` v1 document)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Write a function-preserving rescaling of the hidden ReLU neurons
    Scale {
        file: std::path::PathBuf,
        #[arg(short = 'o', long = "output", required = true)]
        output: std::path::PathBuf,
        /// bigm (every big-M 1 under interval arithmetic) or balanced (big-M values and weights)
        #[arg(long, default_value = "balanced")]
        objective: String,
        /// The input box (default: the file's input_bounds)
        #[arg(long = "box")]
        bounds: Option<String>,
    },
    /// The network's outputs at one input point (a plain forward pass, model units)
    Eval {
        file: std::path::PathBuf,
        /// Input values, comma-separated, in the file's input order
        #[arg(
            long,
            value_delimiter = ',',
            allow_hyphen_values = true,
            required = true
        )]
        at: Vec<f64>,
        /// human, or json (an `rmod-net-eval` v1 document)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Read an ONNX network and write it as relu-net v1 JSON (for review and diffs)
    Import {
        file: std::path::PathBuf,
        #[arg(short = 'o', long = "output", required = true)]
        output: std::path::PathBuf,
    },
    /// Write a network (relu-net JSON or ONNX) as an ONNX model (opset 13, float64)
    Export {
        file: std::path::PathBuf,
        #[arg(short = 'o', long = "output", required = true)]
        output: std::path::PathBuf,
    },
}

/// A network file as read: the network, and for ONNX what the reader saw and did.
struct Loaded {
    net: Network,
    onnx: Option<rmod_onnx::Imported>,
}

/// Reads and validates a network file, relu-net JSON or ONNX by content (with the ONNX file's
/// bounds sidecar when present); diagnostics point into `sources`.
fn read_net(path: &std::path::Path, sources: &mut Sources) -> Result<Loaded, Vec<Diagnostic>> {
    let cannot = |e: std::io::Error, p: &std::path::Path| {
        vec![Diagnostic::error(
            code::DATA_FILE,
            format!("cannot read network file `{}`: {e}", p.display()),
        )
        .with_help("check the path")]
    };
    let bytes = std::fs::read(path).map_err(|e| cannot(e, path))?;
    let name = path.display().to_string();
    if rmod_onnx::is_json(&bytes) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = sources.add(&name, &text);
        let (net, diags) = rmod_relu::parse(file, &name, &text);
        return match net {
            Some(net) if !rmod_diagnostics::has_errors(&diags) => Ok(Loaded { net, onnx: None }),
            _ => Err(diags),
        };
    }
    let side = std::path::PathBuf::from(rmod_onnx::bounds_file_name(&name));
    let sidecar = if side.is_file() {
        Some(std::fs::read_to_string(&side).map_err(|e| cannot(e, &side))?)
    } else {
        None
    };
    let side_name = side.display().to_string();
    let (imp, diags) = rmod_onnx::read(
        &name,
        &bytes,
        sidecar.as_deref().map(|t| (side_name.as_str(), t)),
    );
    match imp {
        Some(imp) if !rmod_diagnostics::has_errors(&diags) => Ok(Loaded {
            net: imp.net.clone(),
            onnx: Some(imp),
        }),
        _ => Err(diags),
    }
}

fn load(path: &std::path::Path, sources: &mut Sources) -> Result<Network, Vec<Diagnostic>> {
    read_net(path, sources).map(|l| l.net)
}

fn write_file(output: &std::path::Path, bytes: impl AsRef<[u8]>) -> Result<(), Vec<Diagnostic>> {
    crate::output::write_atomically(output, bytes).map_err(|e| {
        vec![Diagnostic::error(
            code::DATA_FILE,
            format!("cannot write `{}`: {e}", output.display()),
        )
        .with_help("check that the folder exists")]
    })
}

/// The box of `--box`, or the file's input_bounds.
fn input_box(net: &Network, bounds: &Option<String>) -> Result<Vec<(f64, f64)>, Vec<Diagnostic>> {
    let bx = match (bounds, &net.input_bounds) {
        (Some(b), _) => super::train::parse_box(b).map_err(|d| vec![d])?,
        (None, Some(b)) => b.clone(),
        (None, None) => {
            return Err(vec![Diagnostic::error(
                code::SAMPLE_BAD_BOX,
                "the file has no input_bounds: give --box".to_string(),
            )
            .with_help("e.g. `--box \"[0,60]x[560,640]\"`")])
        }
    };
    if bx.len() != net.n_inputs() {
        return Err(vec![Diagnostic::error(
            code::SAMPLE_BAD_BOX,
            format!(
                "the network takes {} input(s); the box has {}",
                net.n_inputs(),
                bx.len()
            ),
        )
        .with_help("give one interval per input")]);
    }
    Ok(bx)
}

fn act_name(a: Activation) -> String {
    match a {
        Activation::Relu => "relu".into(),
        Activation::ClippedRelu(c) => format!("clipped_relu (clip {c})"),
        Activation::Linear => "linear".into(),
    }
}

/// What encoding would drop over the file's input box (see README, numerical safety): the
/// number of weights and the largest contribution; `None` without input_bounds.
fn negligible_weights(net: &Network) -> Option<(usize, f64)> {
    let b = net.input_bounds.as_ref()?;
    let (lo, hi): (Vec<f64>, Vec<f64>) = b
        .iter()
        .enumerate()
        .map(|(i, (p, q))| {
            let (a, c) = (net.scale_input(i, *p), net.scale_input(i, *q));
            (a.min(c), a.max(c))
        })
        .unzip();
    let (_, hy) = rmod_relu::clean(net, &lo, &hi);
    Some((hy.dropped, hy.largest))
}

/// Runs one `rmod net` command; `Ok(text)` for stdout.
pub fn run(cmd: &NetCmd, sources: &mut Sources) -> Result<String, Vec<Diagnostic>> {
    match cmd {
        NetCmd::Info { file, format } => {
            let loaded = read_net(file, sources)?;
            let net = loaded.net;
            let negligible = negligible_weights(&net);
            if *format == DocFormat::Json {
                let name = file.display().to_string();
                return Ok(net_docs::info(
                    &name,
                    &net,
                    loaded.onnx.as_ref(),
                    negligible,
                ));
            }
            let mut out = format!("network    {}\n", file.display());
            if let Some(imp) = &loaded.onnx {
                let s = &imp.summary;
                out.push_str(&format!(
                    "format     ONNX, IR version {}, opset {}{}\n",
                    s.ir_version,
                    s.opset,
                    if s.producer.is_empty() {
                        String::new()
                    } else {
                        format!(", made by {}", s.producer)
                    }
                ));
                out.push_str(&format!(
                    "graph      input `{}` [{}], output `{}` [{}]\n",
                    s.input.0,
                    s.input.1.join(", "),
                    s.output.0,
                    s.output.1.join(", ")
                ));
                out.push_str(&format!("nodes      {}\n", s.ops.join(" ")));
                for n in &imp.notes {
                    out.push_str(&format!("folded     {n}\n"));
                }
            }
            let params: usize = net
                .layers
                .iter()
                .map(|l| l.bias.len() * (l.weights.first().map_or(0, Vec::len) + 1))
                .sum();
            out.push_str(&format!(
                "shape      {} inputs, {} outputs, {} layers, {} hidden neurons, {params} parameters\n",
                net.n_inputs(),
                net.n_outputs(),
                net.layers.len(),
                net.layers[..net.layers.len().saturating_sub(1)].iter().map(|l| l.bias.len()).sum::<usize>()
            ));
            for (k, l) in net.layers.iter().enumerate() {
                out.push_str(&format!(
                    "layer {:<4} {} -> {}, {}\n",
                    k + 1,
                    l.weights.first().map_or(0, Vec::len),
                    l.bias.len(),
                    act_name(l.activation)
                ));
            }
            for i in 0..net.n_inputs() {
                let b = net
                    .input_bounds
                    .as_ref()
                    .map_or("unbounded".to_string(), |b| {
                        format!("[{}, {}]", b[i].0, b[i].1)
                    });
                let s = net.input_scaling.as_ref().map_or(String::new(), |s| {
                    format!(", scaled (x - {}) / {}", s.offset[i], s.scale[i])
                });
                out.push_str(&format!("input      {} in {b}{s}\n", net.input_name(i)));
            }
            for j in 0..net.n_outputs() {
                let name = net.output_name(j);
                let s = net.output_scaling.as_ref().map_or(String::new(), |s| {
                    format!(": y * {} + {}", s.scale[j], s.offset[j])
                });
                out.push_str(&format!("output     {name}{s}\n"));
            }
            if let Some((dropped, largest)) = negligible {
                out.push_str(&format!(
                    "negligible {dropped} weight(s) too small to matter over the input box (dropped when encoded; largest contribution {largest:.1e})\n"
                ));
            }
            Ok(out)
        }
        NetCmd::Regions {
            file,
            bounds,
            exact,
            samples,
            limit,
            seed,
            format,
        } => {
            let net = load(file, sources)?;
            let bx = input_box(&net, bounds)?;
            let name = file.display().to_string();
            let json = *format == DocFormat::Json;
            if *exact {
                let (n, lps) =
                    rmod_relu::regions_exact(&net, &bx, &rmod_solver::SolverBounds::SERIAL, *limit);
                return match n {
                    Some(n) if json => Ok(net_docs::regions(&name, &bx, Some(lps), n, 0, *seed)),
                    Some(n) => Ok(format!("regions    {n} (exact: activation patterns with non-empty interior in the box; {lps} LPs)\n")),
                    None => Err(vec![Diagnostic::error(code::RELU_REGIONS_LIMIT, format!("more than {limit} regions (or an LP failed): no exact count"))
                        .with_help("raise --limit, or drop --exact for a sampled lower bound")]),
                };
            }
            let pts = rmod_train::sample_box(*samples, &bx, true, *seed);
            let n = rmod_relu::regions_sampled(&net, &pts);
            if json {
                return Ok(net_docs::regions(&name, &bx, None, n, *samples, *seed));
            }
            Ok(format!("regions    at least {n} (distinct activation patterns among {samples} Latin hypercube samples, seed {seed})\n"))
        }
        NetCmd::Scale {
            file,
            output,
            objective,
            bounds,
        } => {
            let net = load(file, sources)?;
            let bx = input_box(&net, bounds)?;
            let kind = match objective.as_str() {
                "bigm" => rmod_relu::ReluScaling::BigM,
                "balanced" => rmod_relu::ReluScaling::Balanced,
                _ => {
                    return Err(vec![Diagnostic::error(
                        code::RESOLVE_BAD_OPTION_VALUE,
                        format!("unknown scaling objective `{objective}`"),
                    )
                    .with_help("use bigm or balanced")])
                }
            };
            let scaled = rmod_relu::scale_network(&net, &bx, kind);
            let scaling = json!({"objective": objective, "box": bx.iter().map(|(a, c)| json!([a, c])).collect::<Vec<_>>()});
            let bytes = std::fs::read(file).unwrap_or_default();
            if !rmod_onnx::is_json(&bytes) {
                let mut scaled = scaled;
                scaled.input_scaling = net.input_scaling.clone();
                scaled.output_scaling = net.output_scaling.clone();
                if output.extension().is_some_and(|e| e == "onnx") {
                    write_file(output, rmod_onnx::write(&scaled))?;
                } else {
                    write_file(output, scaled.to_json(Some(&json!({ "scaling": scaling }))))?;
                }
                return Ok(format!(
                    "wrote      {} ({objective} scaling; the same function)\n",
                    output.display()
                ));
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap_or(json!({}));
            for (k, l) in scaled.layers.iter().enumerate() {
                doc["layers"][k]["weights"] = json!(l.weights);
                doc["layers"][k]["bias"] = json!(l.bias);
            }
            // recorded with the file's provenance (a free-form field readers ignore)
            if !doc["training"].is_object() {
                doc["training"] = json!({});
            }
            doc["training"]["scaling"] = json!({"objective": objective, "box": bx.iter().map(|(a, c)| json!([a, c])).collect::<Vec<_>>()});
            let mut out = serde_json::to_string(&doc).unwrap_or_default();
            out.push('\n');
            std::fs::write(output, out).map_err(|e| {
                vec![Diagnostic::error(
                    code::DATA_FILE,
                    format!("cannot write `{}`: {e}", output.display()),
                )
                .with_help("check that the folder exists")]
            })?;
            Ok(format!(
                "wrote      {} ({objective} scaling; the same function)\n",
                output.display()
            ))
        }
        NetCmd::Import { file, output } => {
            let loaded = read_net(file, sources)?;
            let training = loaded.onnx.as_ref().map(|imp| {
                json!({
                    "source": "ONNX",
                    "file": file.file_name().map(|f| f.to_string_lossy().into_owned()),
                    "producer": imp.summary.producer,
                    "opset": imp.summary.opset,
                    "folded": imp.notes,
                })
            });
            write_file(output, loaded.net.to_json(training.as_ref()))?;
            Ok(format!(
                "wrote      {} ({} layers, {} inputs, {} outputs)\n",
                output.display(),
                loaded.net.layers.len(),
                loaded.net.n_inputs(),
                loaded.net.n_outputs()
            ))
        }
        NetCmd::Export { file, output } => {
            let net = load(file, sources)?;
            write_file(output, rmod_onnx::write(&net))?;
            Ok(format!(
                "wrote      {} (ONNX opset 13, float64, {} Gemm layers)\n",
                output.display(),
                net.layers.len()
            ))
        }
        NetCmd::Eval { file, at, format } => {
            let net = load(file, sources)?;
            if at.len() != net.n_inputs() {
                return Err(vec![Diagnostic::error(
                    code::RELU_ARITY,
                    format!(
                        "the network takes {} input(s); --at gives {}",
                        net.n_inputs(),
                        at.len()
                    ),
                )
                .with_help(format!(
                    "give one value per input, in order: {}",
                    (0..net.n_inputs())
                        .map(|i| net.input_name(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))]);
            }
            let y = net.forward(at);
            if *format == DocFormat::Json {
                return Ok(net_docs::eval(&file.display().to_string(), &net, at, &y));
            }
            Ok(y.iter()
                .enumerate()
                .map(|(j, v)| format!("{} = {}\n", net.output_name(j), rmod_report::fmt_num(*v)))
                .collect())
        }
        NetCmd::Bounds {
            file,
            bounds,
            method,
            bound_time_limit,
            format,
        } => {
            let net = load(file, sources)?;
            let bx = input_box(&net, bounds)?;
            let oracle = crate::bounds::ParallelBounds::new();
            let m = match method.as_str() {
                "ia" => BoundMethod::Ia,
                "crown" => BoundMethod::Crown,
                "lp" => BoundMethod::Lp(&oracle),
                "milp" => BoundMethod::Milp(&oracle, *bound_time_limit),
                _ => {
                    return Err(vec![Diagnostic::error(
                        code::RESOLVE_BAD_OPTION_VALUE,
                        format!("unknown method `{method}`"),
                    )
                    .with_help("use ia, crown, lp or milp")])
                }
            };
            let (model, inputs) = rmod_relu::box_model("x", &bx);
            let b = rmod_relu::compute_bounds(&net, &model, &inputs, &bx, &m, false, None);
            oracle.finish();
            let mut rows: Vec<net_docs::BoundsRow> = Vec::new();
            for (k, (layer, pre)) in net.layers.iter().zip(&b.pre).enumerate() {
                if layer.activation == Activation::Linear {
                    continue;
                }
                let (mut active, mut inactive, mut open, mut width, mut max_m) =
                    (0, 0, 0, 0.0, 0.0_f64);
                for (l, u) in pre {
                    width += u - l;
                    match layer.activation.state((*l, *u)) {
                        Some(rmod_relu::NeuronState::Inactive) => inactive += 1,
                        Some(rmod_relu::NeuronState::Active) => active += 1,
                        _ => {
                            open += 1;
                            max_m = max_m.max(-l).max(*u);
                        }
                    }
                }
                rows.push((
                    k + 1,
                    pre.len(),
                    active,
                    inactive,
                    open,
                    width / pre.len().max(1) as f64,
                    max_m,
                ));
            }
            if *format == DocFormat::Json {
                let name = file.display().to_string();
                return Ok(net_docs::bounds(&name, b.method, &bx, &rows));
            }
            let mut out = format!(
                "bounds {} over {}\n",
                b.method,
                bx.iter()
                    .map(|(a, c)| format!("[{a},{c}]"))
                    .collect::<Vec<_>>()
                    .join("x")
            );
            out.push_str("layer  neurons  active  inactive  unstable  stable  mean width  max M\n");
            for r in &rows {
                out.push_str(&format!(
                    "{:<5}  {:>7}  {:>6}  {:>8}  {:>8}  {:>5.1}%  {:>10}  {}\n",
                    r.0,
                    r.1,
                    r.2,
                    r.3,
                    r.4,
                    100.0 * (r.2 + r.3) as f64 / r.1.max(1) as f64,
                    rmod_report::fmt_num((r.5 * 1e4).round() / 1e4),
                    rmod_report::fmt_num((r.6 * 1e4).round() / 1e4)
                ));
            }
            Ok(out)
        }
    }
}

/// `rmod net ...`: the text on stdout, or the diagnostics.
pub fn command(cmd: &NetCmd, p: &mut Printer) -> u8 {
    let mut sources = Sources::default();
    let res = run(cmd, &mut sources);
    text_or_diagnostics(res, &sources, p)
}
