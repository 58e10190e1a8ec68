//! `rmod train` and `rmod sample`: read data, call rmod-train, write the network or the samples.

use rmod_diagnostics::code;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use rmod_diagnostics::{Diagnostic, Sources};
use rmod_train::{Config, Function, Hidden, Penalties};
use serde_json::json;

use crate::output::{text_or_diagnostics, write_output, Printer};
use crate::{EXIT_COMPILE, EXIT_INTERNAL};

#[derive(clap::Args)]
pub struct TrainArgs {
    /// CSV file with a header row
    pub data: PathBuf,
    /// Input columns, comma-separated
    #[arg(long, value_delimiter = ',', required = true)]
    pub inputs: Vec<String>,
    /// Output columns, comma-separated
    #[arg(long, value_delimiter = ',', required = true)]
    pub outputs: Vec<String>,
    /// Hidden layers: `3x25` (three of 25) or `32,16`
    #[arg(long, default_value = "2x25")]
    pub layers: String,
    /// `relu` or `clipped_relu:C` (clip value C > 0, default 1)
    #[arg(long, default_value = "relu")]
    pub activation: String,
    /// L1 penalty on the weights
    #[arg(long, default_value_t = 0.0)]
    pub l1: f64,
    /// L2 penalty on the weights
    #[arg(long, default_value_t = 0.0)]
    pub l2: f64,
    /// Dropout probability on hidden layers
    #[arg(long, default_value_t = 0.0)]
    pub dropout: f64,
    /// Penalty on the mean interval-arithmetic pre-activation width over the input box
    #[arg(long = "bound-width", default_value_t = 0.0)]
    pub bound_width: f64,
    #[arg(long, default_value_t = 200)]
    pub epochs: usize,
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Share of rows for validation (early stopping); as much again is held out for the test
    #[arg(long, default_value_t = 0.15)]
    pub val: f64,
    /// Epochs without a better validation loss before stopping early
    #[arg(long, default_value_t = 50)]
    pub patience: usize,
    /// The network's input box, `[0,200]x[0,50]` or `[0,1]^2`, one interval per input (default:
    /// the data's range); a box far beyond the data gets an extrapolation warning
    #[arg(long = "box")]
    pub input_box: Option<String>,
    /// The network file to write (relu-net v1)
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
}

#[derive(clap::Args)]
pub struct SampleArgs {
    /// peaks, ackley, himmelblau, rosenbrock or styblinski-tang
    pub function: String,
    /// The box: `[-2,2]x[-2,2]` or `[-2,2]^2`
    #[arg(long = "box", required_unless_present = "at")]
    pub bounds: Option<String>,
    /// Print the function's value at one point instead of sampling
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub at: Option<Vec<f64>>,
    /// Number of points
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Latin hypercube sampling (default: independent uniform)
    #[arg(long)]
    pub lhs: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV (columns x1..xd, y); stdout when absent
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

fn option_error(msg: String, help: &str) -> Diagnostic {
    Diagnostic::error(code::TRAIN_BAD_OPTION, msg).with_help(help.to_string())
}

/// `3x25` or `32,16`.
pub fn parse_layers(s: &str) -> Result<Vec<usize>, Diagnostic> {
    let err = || {
        option_error(
            format!("`--layers {s}` is not a layer list"),
            "write e.g. `3x25` (three layers of 25) or `32,16`",
        )
    };
    let v: Vec<usize> = match s.split_once('x') {
        Some((k, w)) => {
            let k: usize = k.trim().parse().map_err(|_| err())?;
            let w: usize = w.trim().parse().map_err(|_| err())?;
            vec![w; k]
        }
        None => s
            .split(',')
            .map(|p| p.trim().parse().map_err(|_| err()))
            .collect::<Result<_, _>>()?,
    };
    if v.is_empty() || v.contains(&0) {
        return Err(err());
    }
    Ok(v)
}

/// `relu` or `clipped_relu[:C]`.
pub fn parse_activation(s: &str) -> Result<Hidden, Diagnostic> {
    match s.split_once(':') {
        None if s == "relu" => Ok(Hidden::Relu),
        None if s == "clipped_relu" => Ok(Hidden::Clipped(1.0)),
        Some(("clipped_relu", c)) => match c.trim().parse::<f64>() {
            Ok(c) if c > 0.0 && c.is_finite() => Ok(Hidden::Clipped(c)),
            _ => Err(option_error(
                format!("the clip value must be a number > 0, got `{c}`"),
                "write e.g. `--activation clipped_relu:1`",
            )),
        },
        _ => Err(option_error(
            format!("unknown activation `{s}`"),
            "use `relu` or `clipped_relu:C`",
        )),
    }
}

/// `[a,b]x[c,d]` or `[a,b]^d` (errors `rmod::sample::bad_box`).
pub fn parse_box(s: &str) -> Result<Vec<(f64, f64)>, Diagnostic> {
    parse_box_as(s, code::SAMPLE_BAD_BOX)
}

/// [`parse_box`] with the errors' code.
pub fn parse_box_as(s: &str, code: rmod_diagnostics::Code) -> Result<Vec<(f64, f64)>, Diagnostic> {
    let err = |why: &str| {
        Diagnostic::error(code, format!("`--box {s}`: {why}"))
            .with_help("write e.g. `[-2,2]x[-2,2]` or `[-2,2]^2`")
    };
    let interval = |t: &str| -> Result<(f64, f64), Diagnostic> {
        let inner = t
            .trim()
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(|| err("an interval is written `[lo,hi]`"))?;
        let (a, b) = inner
            .split_once(',')
            .ok_or_else(|| err("an interval is written `[lo,hi]`"))?;
        let (a, b): (f64, f64) = (
            a.trim()
                .parse()
                .map_err(|_| err("bounds must be numbers"))?,
            b.trim()
                .parse()
                .map_err(|_| err("bounds must be numbers"))?,
        );
        if !(a.is_finite() && b.is_finite() && a < b) {
            return Err(err("each interval needs finite lo < hi"));
        }
        Ok((a, b))
    };
    if let Some((iv, d)) = s.rsplit_once('^') {
        let d: usize = d
            .trim()
            .parse()
            .map_err(|_| err("the power must be a whole number"))?;
        if d == 0 {
            return Err(err("the power must be at least 1"));
        }
        return Ok(vec![interval(iv)?; d]);
    }
    s.split(']')
        .filter(|p| !p.trim().is_empty())
        .map(|p| interval(&format!("{}]", p.trim().trim_start_matches('x'))))
        .collect()
}

/// `f` must take `d` inputs; `what` says where `d` came from ("the box has").
fn check_dim(f: Function, d: usize, what: &str, help: &str) -> Result<(), Diagnostic> {
    if f.fixed_dim().is_some_and(|k| k != d) || d < f.min_dim() {
        let takes = f
            .fixed_dim()
            .map_or(format!("at least {}", f.min_dim()), |k| k.to_string());
        return Err(Diagnostic::error(
            code::SAMPLE_BAD_BOX,
            format!("{} takes {takes} input(s); {what} {d}", f.name()),
        )
        .with_help(help.to_string()));
    }
    Ok(())
}

pub fn sample(args: &SampleArgs) -> Result<String, Diagnostic> {
    let Some(f) = Function::parse(&args.function) else {
        let names = Function::ALL.iter().map(|f| f.name());
        let mut d = Diagnostic::error(
            code::SAMPLE_UNKNOWN_FUNCTION,
            format!("unknown function `{}`", args.function),
        );
        d = match rmod_diagnostics::did_you_mean(&args.function, names.clone()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "known functions: {}",
                names.collect::<Vec<_>>().join(", ")
            )),
        };
        return Err(d);
    };
    if let Some(x) = &args.at {
        check_dim(
            f,
            x.len(),
            "--at gives",
            "give one value per input, e.g. `--at 0.2,-1.6`",
        )?;
        return Ok(format!("{:?}\n", f.eval(x)));
    }
    let bounds = parse_box(args.bounds.as_deref().unwrap_or_default())?;
    let d = bounds.len();
    check_dim(
        f,
        d,
        "the box has",
        "give one interval per input, e.g. `[-2,2]^2`",
    )?;
    if args.n == 0 {
        return Err(
            Diagnostic::error(code::SAMPLE_BAD_BOX, "--n must be at least 1".to_string())
                .with_help("e.g. `--n 10000`"),
        );
    }
    let pts = rmod_train::sample_box(args.n, &bounds, args.lhs, args.seed);
    let mut out = String::new();
    for i in 0..d {
        out.push_str(&format!("x{},", i + 1));
    }
    out.push_str("y\n");
    for p in &pts {
        for v in p {
            out.push_str(&format!("{v:?},"));
        }
        out.push_str(&format!("{:?}\n", f.eval(p)));
    }
    Ok(out)
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `rmod train`: the summary and the warnings; on failure the diagnostic points into
/// `sources` (the data file).
pub fn train(
    args: &TrainArgs,
    sources: &mut Sources,
) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    let input_box = match &args.input_box {
        Some(b) => {
            let bx = parse_box_as(b, code::TRAIN_BAD_BOX)?;
            rmod_train::check_box(&args.inputs, &bx)?;
            Some(bx)
        }
        None => None,
    };
    let text = std::fs::read_to_string(&args.data).map_err(|e| {
        Diagnostic::error(
            code::DATA_FILE,
            format!("cannot read `{}`: {e}", args.data.display()),
        )
        .with_help("check the path")
    })?;
    let name = args.data.display().to_string();
    let file = sources.add(&name, &text);
    let table = rmod_train::read_table(file, &name, &text, &args.inputs, &args.outputs)?;
    let cfg = Config {
        layers: parse_layers(&args.layers)?,
        hidden: parse_activation(&args.activation)?,
        penalties: Penalties {
            l1: args.l1,
            l2: args.l2,
            bound_width: args.bound_width,
        },
        dropout: args.dropout,
        epochs: args.epochs,
        batch: args.batch,
        lr: args.lr,
        seed: args.seed,
        val: args.val,
        patience: args.patience,
        input_box,
    };
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let every = (args.epochs / 20).max(1);
    let mut progress = |p: &rmod_train::Progress| {
        if tty {
            errp!(
                "\r\x1b[Kepoch {}/{}  train mse {:.5}  val mse {:.5}  stable {:.0}%",
                p.epoch,
                args.epochs,
                p.train_mse,
                p.val_mse,
                100.0 * p.stable_share
            );
            let _ = std::io::stderr().flush();
        }
    };
    let tr = rmod_train::train(&table, &cfg, every, &mut progress)?;
    let warnings: Vec<Diagnostic> = cfg
        .input_box
        .as_ref()
        .and_then(|bx| rmod_train::extrapolation(&args.inputs, &tr.data_box, bx))
        .into_iter()
        .collect();
    if tty {
        errp!("\r\x1b[K");
    }
    let secs = started.elapsed().as_secs_f64();
    let training = json!({
        "tool": format!("rmod {}", env!("CARGO_PKG_VERSION")),
        "data": {"file": args.data.file_name().map(|f| f.to_string_lossy().to_string()), "sha256": sha256_hex(&text), "rows": table.x.len()},
        "inputs": args.inputs, "outputs": args.outputs,
        "layers": cfg.layers, "activation": args.activation,
        "l1": args.l1, "l2": args.l2, "dropout": args.dropout, "bound_width": args.bound_width,
        "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed, "val": args.val, "patience": args.patience,
        "split": {"train": tr.rows.0, "val": tr.rows.1, "test": tr.rows.2},
        "best_epoch": tr.best_epoch, "epochs_run": tr.epochs_run,
        "train_mse_standardized": tr.train_mse, "val_mse_standardized": tr.val_mse,
        "test_rmse": tr.test_rmse,
        "stable_share_ia": tr.stable_share, "mean_width_ia": tr.mean_width,
    });
    let doc = rmod_train::to_json(&tr, &table, training);
    std::fs::write(&args.output, doc).map_err(|e| {
        Diagnostic::error(
            code::DATA_FILE,
            format!("cannot write `{}`: {e}", args.output.display()),
        )
        .with_help("check that the folder exists and is writable")
    })?;
    let rmse: Vec<String> = tr
        .test_rmse
        .iter()
        .zip(&args.outputs)
        .map(|(r, o)| format!("{o} {r:.5}"))
        .collect();
    let boxes = match &args.input_box {
        Some(b) => format!(
            "box        {b} (--box); the data's: {}\n",
            show_box(&tr.data_box)
        ),
        None => format!("box        {} (the data's)\n", show_box(&tr.data_box)),
    };
    let text = format!(
        "wrote      {}\n{boxes}split      {} train, {} validation, {} test rows\nepochs     {} run, best {} (early stopping keeps the best)\ntest rmse  {}\nstable     {:.1}% of hidden neurons under interval arithmetic on the network's box\nwidth      mean IA pre-activation width {:.4} (scaled units)\ntime       {secs:.2} s\n",
        args.output.display(),
        tr.rows.0, tr.rows.1, tr.rows.2,
        tr.epochs_run, tr.best_epoch,
        rmse.join(", "),
        100.0 * tr.stable_share,
        tr.mean_width,
    );
    Ok((text, warnings))
}

fn show_box(b: &[(f64, f64)]) -> String {
    b.iter()
        .map(|(a, b)| format!("[{a},{b}]"))
        .collect::<Vec<_>>()
        .join("x")
}

/// `rmod train`: the summary on stdout, or the diagnostic.
pub fn train_command(a: &TrainArgs, p: &mut Printer) -> u8 {
    let mut sources = Sources::default();
    let res = match train(a, &mut sources) {
        Ok((text, warnings)) => {
            if !warnings.is_empty() {
                p.emit(&warnings, &sources);
                p.finish(&sources);
            }
            Ok(text)
        }
        Err(d) => Err(vec![d]),
    };
    text_or_diagnostics(res, &sources, p)
}

/// `rmod sample`: the samples as CSV on stdout or in `-o`, or the diagnostic.
pub fn sample_command(a: &SampleArgs, p: &mut Printer) -> u8 {
    match sample(a) {
        Ok(text) => {
            if write_output(a.output.as_deref(), &text, p) {
                0
            } else {
                EXIT_INTERNAL
            }
        }
        Err(d) => {
            let sources = Sources::default();
            p.emit(&[d], &sources);
            p.finish(&sources);
            EXIT_COMPILE
        }
    }
}
