//! `rmod check`: compile only; print the diagnostics, the model statistics and the time.

use std::io::Write;

use crate::args::{Cli, ModelArgs};
use crate::load::load_model;
use crate::output::{net_lines, Printer};
use crate::EXIT_COMPILE;

pub fn command(cli: &Cli, m: &ModelArgs, p: &mut Printer) -> u8 {
    let Some((out, secs)) = load_model(cli, m, p) else {
        return EXIT_COMPILE;
    };
    let model = out.model.as_ref().expect("checked by load_model");
    p.finish(&out.sources);
    outln!("ok         {}", m.model.display());
    outln!("model      {}", rmod_report::model_summary(model));
    let (nets, uses) = net_lines(&out.net_uses, None);
    out!("{}", rmod_report::render_nets(&nets, &uses));
    outln!("time       compile {secs:.3} s");
    0
}
