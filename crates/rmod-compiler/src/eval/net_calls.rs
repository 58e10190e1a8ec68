//! Network declarations (`net N = relu_net(...)`) and calls (`y = N(args)`): arguments bound to
//! inputs, outputs to variables; the use then waits to be encoded.

use rmod_diagnostics::code;

use std::sync::Arc;

use rmod_diagnostics::{Diagnostic, Span};
use rmod_ir::{Affine, Elem};
use rmod_relu::Network;
use rmod_syntax::*;

use super::switch::Switch;
use super::{Env, Evaluator, Reported, R};
use crate::resolve::Kind;

impl Evaluator<'_> {
    pub(super) fn net_decl(&mut self, d: &NetDecl) -> R<()> {
        let usage = "write `net NAME = relu_net(\"path/to/net.json\");` (or a `.onnx` file; relative to the model file), optionally with `bounds = \"lp\"`, `domain = \"data\"`, `inputs = [\"a\", \"b\"]`";
        let ExprKind::Call(_, args) = &d.value.kind else {
            return Err(Reported);
        };
        let (path, path_span) = self.path_arg(
            args,
            d.value.span,
            code::RELU_INVALID_CALL,
            "`relu_net` needs the path of a network file",
            usage,
        )?;
        let mut renames: Vec<(bool, Vec<String>, Span)> = Vec::new();
        let mut domain_data: Option<Span> = None;
        for extra in args.iter().skip(1) {
            if let (Some(n), ExprKind::Str(m)) = (&extra.name, &extra.value.kind) {
                let method = rmod_ir::BoundMethodName::from_name(m);
                if let (true, Some(method)) = (n.name == "bounds", method) {
                    self.net_bounds.insert(d.name.name.clone(), method);
                    continue;
                }
                let context = rmod_ir::BoundContext::from_name(m);
                if let (true, Some(context)) = (n.name == "context", context) {
                    self.net_context.insert(d.name.name.clone(), context);
                    continue;
                }
                if n.name == "domain" && matches!(m.as_str(), "data" | "box") {
                    domain_data = (m == "data").then_some(extra.value.span);
                    continue;
                }
            }
            let names = match &extra.value.kind {
                ExprKind::Tuple(items) => items
                    .iter()
                    .map(|e| match &e.kind {
                        ExprKind::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<String>>>(),
                ExprKind::Str(s) => Some(vec![s.clone()]),
                _ => None,
            };
            if let (Some(k @ ("inputs" | "outputs")), Some(list)) =
                (extra.name.as_ref().map(|n| n.name.as_str()), names)
            {
                renames.push((k == "inputs", list, extra.value.span));
                continue;
            }
            return Err(self.err(
                Diagnostic::error(
                    code::RELU_INVALID_CALL,
                    "`relu_net` takes the file path and optionally `bounds = \"ia\" | \"crown\" | \"lp\" | \"milp\"`, `context = \"network\" | \"model\"`, `domain = \"box\" | \"data\"` and `inputs = [...]` / `outputs = [...]` (names that replace the file's)",
                )
                .with_label(extra.value.span, "unexpected argument")
                .with_help(usage),
            ));
        }
        let net = match self.by_path.get(&path) {
            Some(n) => n.clone(),
            None => {
                let net = self.read_network(&path, path_span)?;
                let net = Arc::new(net);
                self.by_path.insert(path.clone(), net.clone());
                net
            }
        };
        let net = match domain_data {
            Some(span) => self.restrict_to_data(&d.name.name, &path, net, span)?,
            None => net,
        };
        let net = if renames.is_empty() {
            net
        } else {
            let mut renamed = (*net).clone();
            for (inputs, list, span) in renames {
                let (n, what) = if inputs {
                    (renamed.n_inputs(), "inputs")
                } else {
                    (renamed.n_outputs(), "outputs")
                };
                if list.len() != n {
                    return Err(self.err(
                        Diagnostic::error(
                            code::RELU_INVALID_CALL,
                            format!(
                                "`{what}` gives {} name(s); {path} has {n} {what}",
                                list.len()
                            ),
                        )
                        .with_label(span, format!("{} name(s)", list.len()))
                        .with_help(format!(
                            "give one name per network {}",
                            &what[..what.len() - 1]
                        )),
                    ));
                }
                if inputs {
                    renamed.inputs = Some(list);
                } else {
                    renamed.outputs = Some(list);
                }
            }
            Arc::new(renamed)
        };
        self.networks.push((d.name.name.clone(), path, net));
        Ok(())
    }

    /// Reads a network file, relu-net JSON or ONNX (decided by its content), with the ONNX
    /// file's optional OMLT-style bounds sidecar.
    fn read_network(&mut self, path: &str, path_span: Span) -> R<Network> {
        let bytes = match self.loader.load_bytes(path) {
            Ok(b) => b,
            Err(e) => {
                return Err(self.err(
                    Diagnostic::error(
                        code::DATA_FILE,
                        format!("cannot read network file `{path}`: {e}"),
                    )
                    .with_label(path_span, "this file")
                    .with_help("paths are relative to the model file; check the name and location"),
                ))
            }
        };
        let shown = self.loader.display_name(path);
        let (net, mut diags) = if rmod_onnx::is_json(&bytes) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let file = self.sources.add(shown.clone(), text.clone());
            self.net_files.insert(path.to_string(), file);
            rmod_relu::parse(file, &shown, &text)
        } else {
            let side = rmod_onnx::bounds_file_name(path);
            let sidecar = if self.loader.exists(&side) {
                match self.loader.load(&side) {
                    Ok(t) => Some((self.loader.display_name(&side), t)),
                    Err(e) => {
                        return Err(self.err(
                            Diagnostic::error(
                                code::ONNX_BOUNDS_FILE,
                                format!("cannot read `{side}`: {e}"),
                            )
                            .with_label(path_span, "the network's bounds file")
                            .with_help("the sidecar must be UTF-8 JSON"),
                        ))
                    }
                }
            } else {
                None
            };
            let (imp, diags) = rmod_onnx::read(
                &shown,
                &bytes,
                sidecar.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
            );
            (imp.map(|i| i.net), diags)
        };
        for diag in &mut diags {
            diag.labels.push(rmod_diagnostics::Label {
                span: path_span,
                message: "network loaded here".into(),
            });
        }
        self.diags.extend(diags);
        net.ok_or(Reported)
    }

    /// `domain = "data"`: the network `name` (file `path`) restricted to the training data's box
    /// its file records (`training.data_box`), intersected with its `input_bounds`.
    fn restrict_to_data(
        &mut self,
        name: &str,
        path: &str,
        net: Arc<Network>,
        span: Span,
    ) -> R<Arc<Network>> {
        let found = match self.net_files.get(path) {
            Some(file) => {
                let text = self.sources.text(*file).to_string();
                let shown = self.sources.name(*file).to_string();
                rmod_relu::data_box(*file, &shown, &text, net.n_inputs())
            }
            None => Ok(None),
        };
        let data = match found {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Err(self.err(
                    Diagnostic::error(
                        code::RELU_NO_DATA_BOX,
                        format!("`{path}` records no training data box (`training.data_box`)"),
                    )
                    .with_label(span, "`domain = \"data\"` needs the data's box")
                    .with_help("retrain the network with `rmod train`, which records it, or use the default `domain = \"box\"` (the file's `input_bounds`)"),
                ))
            }
            Err(d) => return Err(self.err(d.with_label(span, "read for `domain = \"data\"`"))),
        };
        let mut restricted = (*net).clone();
        let b: Vec<(f64, f64)> = match &net.input_bounds {
            Some(ib) => data
                .iter()
                .zip(ib)
                .map(|((a, b), (c, d))| (a.max(*c), b.min(*d)))
                .collect(),
            None => data.clone(),
        };
        if let Some(k) = b.iter().position(|(lo, hi)| lo > hi) {
            return Err(self.err(
                Diagnostic::error(
                    code::RELU_EMPTY_INPUT_BOX,
                    format!("`{path}`: the training data's box of input {} does not meet the file's `input_bounds`", k + 1),
                )
                .with_label(span, "restricted to the training data here")
                .with_help("the file's `data_box` and `input_bounds` disagree; retrain the network with `rmod train`"),
            ));
        }
        restricted.input_bounds = Some(b.clone());
        self.net_domain.insert(name.to_string(), b);
        Ok(Arc::new(restricted))
    }

    /// `lhs = NET(args)` with NET a declared network?
    pub(super) fn net_call<'d>(&self, d: &'d ConDecl) -> Option<(&'d Ident, &'d [Arg])> {
        if d.exprs.len() != 2 || d.rels[0].0 != RelOp::Eq {
            return None;
        }
        match &d.exprs[1].kind {
            ExprKind::Call(f, args)
                if self.syms.get(&f.name).map(|s| s.kind) == Some(Kind::Net) =>
            {
                Some((f, args))
            }
            _ => None,
        }
    }

    pub(super) fn net_constraint(
        &mut self,
        d: &ConDecl,
        f: &Ident,
        args: &[Arg],
        key: &[Elem],
        env: &Env,
        switch: Switch,
    ) -> R<()> {
        if self.poisoned.contains(&f.name) {
            return Err(Reported);
        }
        let Some((_, path, net)) = self.networks.iter().find(|(n, _, _)| *n == f.name).cloned()
        else {
            return Err(Reported);
        };
        let n_in = net.n_inputs();
        let n_out = net.n_outputs();
        let names: Vec<String> = (0..n_in).map(|i| net.input_name(i)).collect();
        // match arguments to inputs
        let mut slots: Vec<Option<&Expr>> = vec![None; n_in];
        let mut positional = 0;
        for a in args {
            match &a.name {
                None => {
                    if positional >= n_in {
                        return Err(self.err(
                            Diagnostic::error(
                                code::RELU_ARITY,
                                format!("network `{}` takes {n_in} input(s), found more", f.name),
                            )
                            .with_label(a.value.span, "extra argument")
                            .with_help(format!("{path} declares the inputs {}", names.join(", "))),
                        ));
                    }
                    slots[positional] = Some(&a.value);
                    positional += 1;
                }
                Some(n) => {
                    let Some(i) = net
                        .inputs
                        .as_ref()
                        .and_then(|v| v.iter().position(|x| *x == n.name))
                    else {
                        let mut diag = Diagnostic::error(
                            code::RELU_UNKNOWN_INPUT,
                            format!("network `{}` has no input named `{}`", f.name, n.name),
                        )
                        .with_label(n.span, format!("not an input of {path}"));
                        diag = match (
                            &net.inputs,
                            rmod_diagnostics::did_you_mean(
                                &n.name,
                                names.iter().map(String::as_str),
                            ),
                        ) {
                            (None, _) => diag.with_help(format!(
                                "{path} names no inputs: pass the {n_in} argument(s) by position"
                            )),
                            (Some(_), Some(s)) => diag.with_help(format!(
                                "the file declares inputs {}; did you mean `{s}`?",
                                quoted(&names)
                            )),
                            (Some(_), None) => diag
                                .with_help(format!("the file declares inputs {}", quoted(&names))),
                        };
                        return Err(self.err(diag));
                    };
                    if slots[i].is_some() {
                        return Err(self.err(
                            Diagnostic::error(
                                code::RELU_ARITY,
                                format!("input `{}` is given twice", n.name),
                            )
                            .with_label(n.span, "second value")
                            .with_help("give each input once"),
                        ));
                    }
                    slots[i] = Some(&a.value);
                }
            }
        }
        if let Some(i) = slots.iter().position(Option::is_none) {
            return Err(self.err(
                Diagnostic::error(
                    code::RELU_ARITY,
                    format!(
                        "network `{}` takes {n_in} input(s); `{}` is missing",
                        f.name, names[i]
                    ),
                )
                .with_label(d.exprs[1].span, "incomplete call")
                .with_help(format!("{path} declares the inputs {}", names.join(", "))),
            ));
        }
        // outputs: variables
        let lhs: Vec<&Expr> = match &d.exprs[0].kind {
            ExprKind::Tuple(items) => items.iter().collect(),
            _ => vec![&d.exprs[0]],
        };
        if lhs.len() != n_out {
            return Err(self.err(
                Diagnostic::error(
                    code::RELU_ARITY,
                    format!(
                        "network `{}` has {n_out} output(s), the left side has {}",
                        f.name,
                        lhs.len()
                    ),
                )
                .with_label(d.exprs[0].span, format!("{} value(s)", lhs.len()))
                .with_help(if n_out == 1 {
                    "write `y = net(...)`".to_string()
                } else {
                    format!(
                        "write a tuple of {n_out} variables: `({}) = net(...)`",
                        (1..=n_out)
                            .map(|k| format!("y{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
            ));
        }
        let mut out_cols = Vec::with_capacity(n_out);
        for e in &lhs {
            let l = self.lin(e, env)?;
            match l.coeffs.as_slice() {
                [(c, a)] if *a == 1.0 && l.constant == 0.0 => out_cols.push(*c),
                _ => {
                    return Err(self.err(
                        Diagnostic::error(code::RELU_OUTPUT_NOT_VARIABLE, "a network output must be a single variable")
                            .with_label(e.span, "not a plain variable")
                            .with_help("introduce a variable for the output and use it here, e.g. `y = net(x)` and then constraints on `y`"),
                    ))
                }
            }
        }
        // inputs: affine expressions, bounded when the network is encoded
        let mut inputs = Vec::with_capacity(n_in);
        for e in &slots {
            let e = e.ok_or(Reported)?;
            let aff = self.lin(e, env)?.normalized();
            inputs.push((aff, e.span));
        }
        self.pending.push(PendingUse {
            net_name: f.name.clone(),
            path,
            net,
            names,
            inputs,
            out_cols,
            base: format!("{}.{}", d.name.name, f.name),
            key: key.to_vec(),
            span: d.name.span,
            switch,
        });
        Ok(())
    }
}

/// A network use whose arguments are compiled and whose encoding waits for the whole model.
pub(super) struct PendingUse {
    pub(super) net_name: String,
    pub(super) path: String,
    pub(super) net: Arc<Network>,
    pub(super) names: Vec<String>,
    /// argument expressions (model units) and their spans
    pub(super) inputs: Vec<(Affine, Span)>,
    pub(super) out_cols: Vec<u32>,
    pub(super) base: String,
    pub(super) key: Vec<Elem>,
    pub(super) span: Span,
    /// `... if on[f]`: the use holds when the switch is 1; when 0 its outputs are 0
    pub(super) switch: Switch,
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
