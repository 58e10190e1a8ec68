//! `rmod export`: write the compiled MILP as LP and/or MPS, and the map of legal names.

use std::io::Write;
use std::path::PathBuf;

use crate::args::{Cli, ModelArgs};
use crate::load::load_model;
use crate::output::{write_output, Printer};
use crate::{EXIT_COMPILE, EXIT_INTERNAL, EXIT_USAGE};

pub fn command(
    cli: &Cli,
    m: &ModelArgs,
    lp: &Option<PathBuf>,
    mps: &Option<PathBuf>,
    names: &Option<PathBuf>,
    p: &mut Printer,
) -> u8 {
    let Some((out, _)) = load_model(cli, m, p) else {
        return EXIT_COMPILE;
    };
    p.finish(&out.sources);
    let model = out.model.as_ref().expect("checked by load_model");
    if lp.is_none() && mps.is_none() && names.is_none() {
        errln!("nothing to export: give --lp FILE and/or --mps FILE");
        return EXIT_USAGE;
    }
    let mut ok = true;
    if let Some(path) = lp {
        ok &= write_output(Some(path), &rmod_ir::write_lp(model), p);
    }
    if let Some(path) = mps {
        ok &= write_output(Some(path), &rmod_ir::write_mps(model), p);
    }
    if let Some(path) = names {
        let n = rmod_ir::legal_names(model);
        let mut text = String::from("kind,legal,model\n");
        for (c, l) in model.columns.iter().zip(&n.columns) {
            text.push_str(&format!(
                "column,{l},\"{}\"\n",
                c.origin.display().replace('"', "\"\"")
            ));
        }
        for (r, l) in model.rows.iter().zip(&n.rows) {
            text.push_str(&format!(
                "row,{l},\"{}\"\n",
                r.origin.display().replace('"', "\"\"")
            ));
        }
        ok &= write_output(Some(path), &text, p);
    }
    if ok {
        0
    } else {
        EXIT_INTERNAL
    }
}
