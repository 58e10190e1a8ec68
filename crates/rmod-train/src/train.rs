//! Training: standardization, train/validation/test split, Adam on mini-batches, dropout,
//! early stopping with the best checkpoint, and the relu-net v1 file with its `training` record.

use rmod_diagnostics::code;

use ndarray::{Array1, Array2, Axis};
use rmod_diagnostics::Diagnostic;
use serde_json::{json, Value};

use crate::mlp::{Hidden, Loss, Mlp, Penalties};
use crate::{Rng, Table};

/// Everything `rmod train` takes besides the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// hidden layer widths, e.g. `[25, 25, 25]` for `3x25`
    pub layers: Vec<usize>,
    pub hidden: Hidden,
    pub penalties: Penalties,
    /// dropout probability on hidden layers (0 = none)
    pub dropout: f64,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    pub seed: u64,
    /// share of rows for validation (early stopping) and, as much again, for the final test
    pub val: f64,
    /// epochs without a better validation loss before stopping
    pub patience: usize,
    /// the network's input box (`rmod train --box`); `None`: the data's box
    pub input_box: Option<Vec<(f64, f64)>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            layers: vec![25, 25],
            hidden: Hidden::Relu,
            penalties: Penalties::default(),
            dropout: 0.0,
            epochs: 200,
            batch: 64,
            lr: 1e-3,
            seed: 7,
            val: 0.15,
            patience: 50,
            input_box: None,
        }
    }
}

/// One progress report.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub epoch: usize,
    pub train_mse: f64,
    pub val_mse: f64,
    /// share of hidden neurons stable under interval arithmetic on the input box
    pub stable_share: f64,
}

/// The trained network and how it went.
#[derive(Clone, Debug)]
pub struct Trained {
    pub net: Mlp,
    pub x_mean: Vec<f64>,
    pub x_std: Vec<f64>,
    pub y_mean: Vec<f64>,
    pub y_std: Vec<f64>,
    /// the network's input box (model units): `Config::input_box`, or the data's box; the
    /// interval-width penalty and the stable share are taken over it
    pub input_bounds: Vec<(f64, f64)>,
    /// the data's range per input (model units)
    pub data_box: Vec<(f64, f64)>,
    /// RMSE in the outputs' own units, per output
    pub test_rmse: Vec<f64>,
    pub train_mse: f64,
    pub val_mse: f64,
    pub best_epoch: usize,
    pub epochs_run: usize,
    pub stable_share: f64,
    pub mean_width: f64,
    pub rows: (usize, usize, usize),
}

fn bad(code: rmod_diagnostics::Code, msg: String, help: &str) -> Diagnostic {
    Diagnostic::error(code, msg).with_help(help.to_string())
}

/// Checks the configuration against the data; errors say how to fix them.
pub fn validate(cfg: &Config, table: &Table) -> Result<(), Diagnostic> {
    if let Some(bx) = &cfg.input_box {
        crate::check_box(&table.inputs, bx)?;
    }
    if cfg.layers.is_empty() || cfg.layers.contains(&0) {
        return Err(bad(
            code::TRAIN_BAD_OPTION,
            "every hidden layer needs at least one neuron".into(),
            "write e.g. `--layers 3x25` or `--layers 32,16`",
        ));
    }
    if let Hidden::Clipped(c) = cfg.hidden {
        if !(c > 0.0 && c.is_finite()) {
            return Err(bad(
                code::TRAIN_BAD_OPTION,
                format!("the clip value must be > 0, got {c}"),
                "write e.g. `--activation clipped_relu:1`",
            ));
        }
    }
    let p = &cfg.penalties;
    for (name, v) in [
        ("--l1", p.l1),
        ("--l2", p.l2),
        ("--bound-width", p.bound_width),
        ("--lr", cfg.lr),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(bad(
                code::TRAIN_BAD_OPTION,
                format!("{name} must be a finite number >= 0, got {v}"),
                "e.g. `--l1 1e-4`",
            ));
        }
    }
    if !(0.0..1.0).contains(&cfg.dropout) {
        return Err(bad(
            code::TRAIN_BAD_OPTION,
            format!("--dropout must be in [0, 1), got {}", cfg.dropout),
            "e.g. `--dropout 0.1`",
        ));
    }
    if !(0.0..0.5).contains(&cfg.val) {
        return Err(bad(
            code::TRAIN_BAD_OPTION,
            format!("--val must be in [0, 0.5), got {}", cfg.val),
            "e.g. `--val 0.15` (as much again is kept for the test)",
        ));
    }
    if cfg.epochs == 0 || cfg.batch == 0 {
        return Err(bad(
            code::TRAIN_BAD_OPTION,
            "--epochs and --batch must be at least 1".into(),
            "e.g. `--epochs 200 --batch 64`",
        ));
    }
    let n = table.x.len();
    let n_eval = (cfg.val * n as f64).round() as usize;
    if n < 10 || n.saturating_sub(2 * n_eval) < 5 {
        return Err(bad(
            code::TRAIN_TOO_FEW_ROWS,
            format!("{n} data rows are too few to train, validate and test"),
            "give at least 10 rows (hundreds for a useful network)",
        ));
    }
    for (k, name) in table.inputs.iter().chain(&table.outputs).enumerate() {
        let col: Vec<f64> = if k < table.inputs.len() {
            table.x.iter().map(|r| r[k]).collect()
        } else {
            table.y.iter().map(|r| r[k - table.inputs.len()]).collect()
        };
        let (lo, hi) = col
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if hi - lo <= 1e-12 * (1.0 + lo.abs()) {
            return Err(bad(
                code::TRAIN_CONSTANT_COLUMN,
                format!("column `{name}` is constant ({lo}): it cannot be standardized"),
                "drop the column from --inputs/--outputs, or give data where it varies",
            ));
        }
    }
    Ok(())
}

fn mean_std(rows: &[Vec<f64>], k: usize) -> (f64, f64) {
    let n = rows.len() as f64;
    let m = rows.iter().map(|r| r[k]).sum::<f64>() / n;
    let v = rows.iter().map(|r| (r[k] - m).powi(2)).sum::<f64>() / n;
    (m, v.sqrt())
}

fn pick<'a>(idx: &[usize], rows: &'a [Vec<f64>]) -> Vec<&'a Vec<f64>> {
    idx.iter().map(|i| &rows[*i]).collect()
}

fn matrix(rows: &[&Vec<f64>], mean: &[f64], std: &[f64]) -> Array2<f64> {
    let d = mean.len();
    Array2::from_shape_fn((rows.len(), d), |(i, k)| (rows[i][k] - mean[k]) / std[k])
}

/// Trains a network on `table`. `progress` is called every `every` epochs and at the end.
pub fn train(
    table: &Table,
    cfg: &Config,
    every: usize,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Trained, Diagnostic> {
    validate(cfg, table)?;
    let n = table.x.len();
    let d = table.inputs.len();
    let o = table.outputs.len();
    let mut rng = Rng::new(cfg.seed);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_eval = (cfg.val * n as f64).round() as usize;
    let (test_idx, rest) = order.split_at(n_eval);
    let (val_idx, train_idx) = rest.split_at(n_eval);
    let stats = |rows: &[Vec<f64>], dims: usize| -> (Vec<f64>, Vec<f64>) {
        let sel: Vec<Vec<f64>> = train_idx.iter().map(|i| rows[*i].clone()).collect();
        (0..dims).map(|k| mean_std(&sel, k)).unzip()
    };
    let (x_mean, x_std) = stats(&table.x, d);
    let (y_mean, y_std) = stats(&table.y, o);
    let xt = matrix(&pick(train_idx, &table.x), &x_mean, &x_std);
    let yt = matrix(&pick(train_idx, &table.y), &y_mean, &y_std);
    let xv = matrix(&pick(val_idx, &table.x), &x_mean, &x_std);
    let yv = matrix(&pick(val_idx, &table.y), &y_mean, &y_std);
    let xs = matrix(&pick(test_idx, &table.x), &x_mean, &x_std);
    let ys = matrix(&pick(test_idx, &table.y), &y_mean, &y_std);
    let data_box = crate::data_box(table);
    let input_bounds = cfg.input_box.clone().unwrap_or_else(|| data_box.clone());
    let lo = Array1::from_iter(
        input_bounds
            .iter()
            .enumerate()
            .map(|(k, b)| (b.0 - x_mean[k]) / x_std[k]),
    );
    let hi = Array1::from_iter(
        input_bounds
            .iter()
            .enumerate()
            .map(|(k, b)| (b.1 - x_mean[k]) / x_std[k]),
    );

    let mut sizes = vec![d];
    sizes.extend(&cfg.layers);
    sizes.push(o);
    let mut net = Mlp::new(&sizes, cfg.hidden, &mut rng);
    let mut mw: Vec<Array2<f64>> = net.w.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
    let mut vw = mw.clone();
    let mut mb: Vec<Array1<f64>> = net.b.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
    let mut vb = mb.clone();
    let (b1, b2, eps) = (0.9, 0.999, 1e-8);
    let mut t = 0i32;
    let mse = |net: &Mlp, x: &Array2<f64>, y: &Array2<f64>| -> f64 {
        if x.nrows() == 0 {
            return f64::NAN;
        }
        let diff = net.predict(x) - y;
        diff.iter().map(|v| v * v).sum::<f64>() / diff.len() as f64
    };
    let mut best = (f64::INFINITY, net.clone(), 0usize);
    let mut idx: Vec<usize> = (0..xt.nrows()).collect();
    let keep = 1.0 - cfg.dropout;
    let mut epochs_run = 0;
    for epoch in 1..=cfg.epochs {
        epochs_run = epoch;
        rng.shuffle(&mut idx);
        for chunk in idx.chunks(cfg.batch) {
            let xb = xt.select(Axis(0), chunk);
            let yb = yt.select(Axis(0), chunk);
            let masks: Option<Vec<Array2<f64>>> = (cfg.dropout > 0.0).then(|| {
                cfg.layers
                    .iter()
                    .map(|w| {
                        Array2::from_shape_fn((chunk.len(), *w), |_| {
                            if rng.unit() < keep {
                                1.0 / keep
                            } else {
                                0.0
                            }
                        })
                    })
                    .collect()
            });
            let (_, gw, gb): (Loss, _, _) =
                net.loss_and_grad(&xb, &yb, masks.as_deref(), &cfg.penalties, (&lo, &hi));
            t += 1;
            let (c1, c2) = (1.0 - f64::powi(b1, t), 1.0 - f64::powi(b2, t));
            for k in 0..net.n_layers() {
                ndarray::Zip::from(&mut net.w[k])
                    .and(&mut mw[k])
                    .and(&mut vw[k])
                    .and(&gw[k])
                    .for_each(|p, m, v, g| {
                        *m = b1 * *m + (1.0 - b1) * g;
                        *v = b2 * *v + (1.0 - b2) * g * g;
                        *p -= cfg.lr * (*m / c1) / ((*v / c2).sqrt() + eps);
                    });
                ndarray::Zip::from(&mut net.b[k])
                    .and(&mut mb[k])
                    .and(&mut vb[k])
                    .and(&gb[k])
                    .for_each(|p, m, v, g| {
                        *m = b1 * *m + (1.0 - b1) * g;
                        *v = b2 * *v + (1.0 - b2) * g * g;
                        *p -= cfg.lr * (*m / c1) / ((*v / c2).sqrt() + eps);
                    });
            }
        }
        let val = if xv.nrows() > 0 {
            mse(&net, &xv, &yv)
        } else {
            mse(&net, &xt, &yt)
        };
        if val < best.0 {
            best = (val, net.clone(), epoch);
        }
        let stop = epoch - best.2 >= cfg.patience;
        if every > 0 && (epoch % every == 0 || epoch == cfg.epochs || stop) {
            let (nh, stable, _) = net.stability(&lo, &hi);
            progress(&Progress {
                epoch,
                train_mse: mse(&net, &xt, &yt),
                val_mse: val,
                stable_share: stable as f64 / nh.max(1) as f64,
            });
        }
        if stop {
            break;
        }
    }
    let (val_mse, net, best_epoch) = best;
    let pred = net.predict(&xs);
    let test_rmse = (0..o)
        .map(|j| {
            let s = pred
                .column(j)
                .iter()
                .zip(ys.column(j))
                .map(|(p, y)| (p - y).powi(2))
                .sum::<f64>();
            (s / xs.nrows().max(1) as f64).sqrt() * y_std[j]
        })
        .collect();
    let (nh, stable, mean_width) = net.stability(&lo, &hi);
    Ok(Trained {
        train_mse: mse(&net, &xt, &yt),
        val_mse,
        best_epoch,
        epochs_run,
        stable_share: stable as f64 / nh.max(1) as f64,
        mean_width,
        test_rmse,
        input_bounds,
        data_box,
        rows: (train_idx.len(), val_idx.len(), test_idx.len()),
        net,
        x_mean,
        x_std,
        y_mean,
        y_std,
    })
}

/// `training` with the data's box as `data_box` (`[[lo, hi], ...]`, one per input): what
/// `relu_net(..., domain = "data")` restricts a use to.
fn with_data_box(mut training: Value, data_box: &[(f64, f64)]) -> Value {
    if let Value::Object(m) = &mut training {
        m.insert(
            "data_box".into(),
            json!(data_box
                .iter()
                .map(|(a, b)| json!([a, b]))
                .collect::<Vec<_>>()),
        );
    }
    training
}

/// The relu-net v1 document; `training` is recorded under `"training"`, with the data's box
/// added as `training.data_box`.
pub fn to_json(tr: &Trained, table: &Table, training: Value) -> String {
    let nl = tr.net.n_layers();
    let layers: Vec<Value> = (0..nl)
        .map(|k| {
            let w: Vec<Vec<f64>> = tr.net.w[k].outer_iter().map(|r| r.to_vec()).collect();
            let mut l = json!({"weights": w, "bias": tr.net.b[k].to_vec()});
            if k + 1 == nl {
                l["activation"] = json!("linear");
            } else {
                match tr.net.hidden {
                    Hidden::Relu => l["activation"] = json!("relu"),
                    Hidden::Clipped(c) => {
                        l["activation"] = json!("clipped_relu");
                        l["clip"] = json!(c);
                    }
                }
            }
            l
        })
        .collect();
    let doc = json!({
        "format": "relu-net",
        "version": 1,
        "inputs": table.inputs,
        "outputs": table.outputs,
        "input_bounds": tr.input_bounds.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
        "input_scaling": {"offset": tr.x_mean, "scale": tr.x_std},
        "output_scaling": {"offset": tr.y_mean, "scale": tr.y_std},
        "layers": layers,
        "training": with_data_box(training, &tr.data_box),
    });
    let mut s = serde_json::to_string(&doc).unwrap_or_default();
    s.push('\n');
    s
}
