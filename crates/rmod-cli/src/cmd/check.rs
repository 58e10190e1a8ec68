//! `rmod check`: compile only; print the diagnostics, the model statistics and the time (or,
//! with `--format json`, the `rmod-check` document).

use std::io::Write;

use serde_json::{json, Value};

use crate::args::{Cli, ModelArgs};
use crate::docs::{document, DocFormat};
use crate::load::load_model;
use crate::output::{net_lines, Printer};
use crate::EXIT_COMPILE;

pub fn command(cli: &Cli, m: &ModelArgs, format: DocFormat, p: &mut Printer) -> u8 {
    let Some((out, secs)) = load_model(cli, m, p) else {
        return EXIT_COMPILE;
    };
    let model = out.model.as_ref().expect("checked by load_model");
    p.finish(&out.sources);
    let (nets, uses) = net_lines(&out.net_uses, None);
    if format == DocFormat::Json {
        // no time: the same model gives the same document
        let doc = json!({
            "model": m.model.display().to_string(),
            "status": "ok",
            "diagnostics": { "errors": p.n_errors, "warnings": p.n_warnings },
            "stats": {
                "columns": model.columns.len(),
                "integer": model.n_integer(),
                "binary": model.n_binary(),
                "rows": model.rows.len(),
                "nonzeros": model.n_nonzeros(),
            },
            "networks": nets.iter().map(|n| rmod_report::net_json(n, false)).collect::<Vec<Value>>(),
            "network_uses": uses.iter().map(|n| rmod_report::net_json(n, false)).collect::<Vec<Value>>(),
        });
        out!("{}", document("check", doc));
        return 0;
    }
    outln!("ok         {}", m.model.display());
    outln!("model      {}", rmod_report::model_summary(model));
    out!("{}", rmod_report::render_nets(&nets, &uses));
    outln!("time       compile {secs:.3} s");
    0
}
