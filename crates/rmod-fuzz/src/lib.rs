//! Fuzzes rmod's inputs (model text, relu-net JSON, ONNX protobuf, CSV data) on the stable toolchain: a deterministic mutation engine, and one function per input that compiles or parses it and renders every diagnostic.
//!
//! The binary `rmod-fuzz TARGET` mutates the repository's examples in-process and reports
//! panics and hangs; the unit tests run a bounded number of executions over built-in seeds.
//! Compilation never gets a bound oracle (interval arithmetic only) and never touches the disk:
//! files come from an in-memory [`Files`] map.
//!
//! ```
//! let s = rmod_fuzz::run_model(b"var x in [0, 4]; maximize z: 2 * x;");
//! assert_eq!(s.diagnostics, 0);
//! ```

/// The stack the fuzz loop runs on: the parser's limits (`rmod_syntax::MAX_DEPTH`,
/// `MAX_CHAIN`) keep the recursive phases within it even in a debug build (about 10 KiB per
/// level unoptimized); `rmod` itself runs commands on a 512 MiB thread. A stack overflow aborts
/// the process, and `TARGET-last.txt` holds the input.
pub const FUZZ_STACK: usize = 64 << 20;

use std::collections::{BTreeMap, BTreeSet};

use rmod_compiler::{compile, CompileOutput, CompileRequest, Loader};
use rmod_diagnostics::{render_human, render_json_all, Diagnostic, Sources};

/// In-memory files by path, as a model writes them (`"data/prices.csv"`).
pub type Files = BTreeMap<String, String>;

/// The kinds of input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `.rmod` model text
    Model,
    /// relu-net v1 JSON (docs/relu-net-json.md)
    Net,
    /// CSV data (`csv(...)` parameters and `rmod train`)
    Csv,
    /// ONNX network files (protobuf)
    Onnx,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Model, Target::Net, Target::Csv, Target::Onnx];

    pub fn parse(name: &str) -> Option<Target> {
        match name {
            "model" => Some(Target::Model),
            "net" => Some(Target::Net),
            "csv" => Some(Target::Csv),
            "onnx" => Some(Target::Onnx),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Target::Model => "model",
            Target::Net => "net",
            Target::Csv => "csv",
            Target::Onnx => "onnx",
        }
    }
    /// The file extension of its seeds.
    pub fn extension(self) -> &'static str {
        match self {
            Target::Model => "rmod",
            Target::Net => "json",
            Target::Csv => "csv",
            Target::Onnx => "onnx",
        }
    }
    /// One execution: [`run_model_with`] (with `files`), [`run_net`] or [`run_csv`].
    pub fn run(self, bytes: &[u8], files: &Files) -> Summary {
        match self {
            Target::Model => run_model_with(bytes, files),
            Target::Net => run_net(bytes),
            Target::Csv => run_csv(bytes),
            Target::Onnx => run_onnx(bytes),
        }
    }
}

/// What one execution produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// diagnostics of every phase
    pub diagnostics: usize,
    pub errors: usize,
    /// bytes of rendered output (human and JSON)
    pub rendered: usize,
    /// the coverage proxy: a hash of the sorted set of diagnostic codes of every phase, the
    /// bucketed number of diagnostics, and whether (and how big) a model came out
    pub signature: u64,
}

// ----- the targets -----

/// A small valid network: |x| with one input and one output.
pub const ABS_NET: &str = r#"{"format": "relu-net", "version": 1, "inputs": ["x"], "outputs": ["y"],
 "layers": [
  {"weights": [[1.0], [-1.0]], "bias": [0.0, 0.0], "activation": "relu"},
  {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}
"#;

/// A network with two named inputs and outputs, bounds, scaling and a clipped ReLU layer.
pub const TWO_NET: &str = r#"{
  "format": "relu-net",
  "version": 1,
  "inputs": ["a", "b"],
  "outputs": ["p", "q"],
  "input_bounds": [[0, 1], [0, 2]],
  "input_scaling": {"offset": [0.5, 1.0], "scale": [0.5, 1.0]},
  "output_scaling": {"offset": [0.0, 1.0], "scale": [2.0, 1.0]},
  "layers": [
    {"weights": [[1.0, -1.0], [0.5, 0.25], [-1.0, 2.0]], "bias": [0.0, -0.1, 0.2], "activation": "relu"},
    {"weights": [[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]], "bias": [0.0, 0.1], "activation": "clipped_relu", "clip": 1.5},
    {"weights": [[1.0, -1.0], [0.3, 0.7]], "bias": [0.0, 0.0], "activation": "linear"}
  ],
  "training": {"tool": "hand", "rows": 0}
}
"#;

const PRICES_CSV: &str = "grade,usd_per_t\nlight,910\nheavy,640\n";
const DEFAULT_CSV: &str = "k,v\na,1\nb,2.5\n3,-4\n";

/// The files the built-in model seeds reference. Any other `.json` path loads [`ABS_NET`],
/// any other `.csv` path a two-column table (see [`run_model_with`]).
pub fn default_files() -> Files {
    let mut f = Files::new();
    for (path, text) in [
        ("abs.json", ABS_NET),
        ("n.json", ABS_NET),
        ("two.json", TWO_NET),
        ("data/prices.csv", PRICES_CSV),
        ("d.csv", DEFAULT_CSV),
    ] {
        f.insert(path.to_string(), text.to_string());
    }
    f
}

/// Serves `files` by exact path, then by file name; otherwise any `.json` is [`ABS_NET`] and
/// any `.csv` a small table, so that mutated paths still reach the readers.
struct FuzzLoader<'a> {
    files: &'a Files,
}

impl Loader for FuzzLoader<'_> {
    fn load(&self, path: &str) -> Result<String, String> {
        if let Some(t) = self.files.get(path) {
            return Ok(t.clone());
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(t) = self.files.get(name) {
            return Ok(t.clone());
        }
        if path.ends_with(".json") {
            Ok(ABS_NET.to_string())
        } else if path.ends_with(".csv") {
            Ok(DEFAULT_CSV.to_string())
        } else {
            Err("no such file".to_string())
        }
    }
}

/// Compiles `bytes` (lossy UTF-8) as a model whose files come from [`default_files`].
pub fn run_model(bytes: &[u8]) -> Summary {
    run_model_with(bytes, &default_files())
}

/// Compiles `bytes` (lossy UTF-8) as a model named `m.rmod`; `files` serve `csv(...)` and
/// `relu_net(...)` (with the fallbacks of [`default_files`]). Renders every diagnostic.
pub fn run_model_with(bytes: &[u8], files: &Files) -> Summary {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = check_fmt(&text) {
        panic!("rmod fmt: {e}");
    }
    let loader = FuzzLoader { files };
    let out = compile(&CompileRequest::new("m.rmod", &text, &loader));
    let mut acc = Acc::new();
    acc.compiled(&out);
    acc.finish()
}

/// `rmod fmt` on a model text: a text that parses formats to the same tokens (hence the same
/// syntax tree, which is compared too) and formatting it again changes nothing; a text that does
/// not parse gets diagnostics. `Ok(true)`: it parsed and was formatted.
pub fn check_fmt(text: &str) -> Result<bool, String> {
    let file = rmod_diagnostics::FileId(0);
    let once = match rmod_syntax::format(file, text) {
        Ok(once) => once,
        Err(diags) if diags.is_empty() => return Err("an error without diagnostics".into()),
        Err(_) => return Ok(false),
    };
    if rmod_syntax::layout(text).is_none() {
        return Err(format!("the layout changes a token of {text:?}"));
    }
    match rmod_syntax::format(file, &once) {
        Ok(twice) if twice == once => {}
        Ok(twice) => return Err(format!("not idempotent: {once:?} then {twice:?}")),
        Err(d) => {
            return Err(format!(
                "the formatted text does not parse: {once:?}: {d:?}"
            ))
        }
    }
    let shape = |t: &str| rmod_syntax::parse(file, t).0.shape();
    if shape(text) != shape(&once) {
        return Err(format!("another syntax tree: {text:?} became {once:?}"));
    }
    Ok(true)
}

/// Reads `bytes` (lossy UTF-8) as a network file `n.json` with [`rmod_relu::parse`] (and, when
/// it is valid, runs a forward pass and interval bounds), then compiles a fixed model that
/// calls it with as many inputs and outputs as it has (one each when it is invalid or wider
/// than 32). Renders every diagnostic of both.
pub fn run_net(bytes: &[u8]) -> Summary {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut acc = Acc::new();
    let mut sources = Sources::default();
    let file = sources.add("n.json", text.clone());
    let (net, diags) = rmod_relu::parse(file, "n.json", &text);
    acc.add("relu", &diags, &sources);
    let (n_in, n_out) = match &net {
        Some(n) => {
            acc.sig.num(exercise(n));
            (n.n_inputs(), n.n_outputs())
        }
        None => (1, 1),
    };
    let model = net_model(n_in, n_out, fnv1a(bytes));
    let mut files = Files::new();
    files.insert("n.json".to_string(), text);
    let out = compile(&CompileRequest::new("m.rmod", &model, &files));
    acc.compiled(&out);
    acc.finish()
}

/// Reads `bytes` as an ONNX network with [`rmod_onnx::read`]; when it is valid, runs a
/// forward pass and interval bounds and checks that writing it and reading it back is exact
/// (a difference panics: a finding). Renders every diagnostic.
pub fn run_onnx(bytes: &[u8]) -> Summary {
    let mut acc = Acc::new();
    let (imp, diags) = rmod_onnx::read("n.onnx", bytes, None);
    acc.add("onnx", &diags, &Sources::default());
    if let Some(imp) = imp {
        acc.sig.num(exercise(&imp.net));
        let back = rmod_onnx::read("back.onnx", &rmod_onnx::write(&imp.net), None).0;
        assert!(
            back.is_some_and(|b| b.net == imp.net),
            "writing the network and reading it back changed it"
        );
    }
    acc.finish()
}

/// Reads `bytes` (lossy UTF-8) as CSV `d.csv` with the one reader (`rmod_csv`): as training data ([`rmod_train::read_table`]
/// with the header's columns, then [`rmod_train::validate`]) and through a fixed model with a
/// `csv(...)` parameter keyed by its first column(s). Renders every diagnostic of both.
pub fn run_csv(bytes: &[u8]) -> Summary {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut acc = Acc::new();
    let mut sources = Sources::default();
    let file = sources.add("d.csv", text.clone());
    let table = rmod_csv::parse(file, "d.csv", &text);
    if let Err(d) = &table {
        acc.add("csv", std::slice::from_ref(d), &sources);
    }
    let header: Vec<String> = table
        .map(|t| t.names().iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    let (inputs, outputs) = match header.split_last() {
        Some((last, rest)) if !rest.is_empty() => (
            rest.iter().take(16).cloned().collect::<Vec<_>>(),
            vec![last.clone()],
        ),
        _ => (vec!["k".to_string()], vec!["v".to_string()]),
    };
    match rmod_train::read_table(file, "d.csv", &text, &inputs, &outputs) {
        Ok(table) => {
            let diags: Vec<Diagnostic> =
                rmod_train::validate(&rmod_train::Config::default(), &table)
                    .err()
                    .into_iter()
                    .collect();
            acc.add("train", &diags, &sources);
        }
        Err(d) => acc.add("data", &[d], &sources),
    }
    let model = csv_model(&text, fnv1a(bytes));
    let mut files = Files::new();
    files.insert("d.csv".to_string(), text);
    let out = compile(&CompileRequest::new("m.rmod", &model, &files));
    acc.compiled(&out);
    acc.finish()
}

/// A forward pass at the centre of the input box and interval bounds over it; returns flags
/// (finite outputs, finite bounds) for the signature.
fn exercise(net: &rmod_relu::Network) -> u64 {
    let n = net.n_inputs();
    let (lo, hi): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            net.input_bounds
                .as_ref()
                .and_then(|b| b.get(i).copied())
                .unwrap_or((-1.0, 1.0))
        })
        .unzip();
    let mid: Vec<f64> = lo.iter().zip(&hi).map(|(a, b)| 0.5 * a + 0.5 * b).collect();
    let y = net.forward(&mid);
    let slo: Vec<f64> = lo
        .iter()
        .enumerate()
        .map(|(i, v)| net.scale_input(i, *v))
        .collect();
    let shi: Vec<f64> = hi
        .iter()
        .enumerate()
        .map(|(i, v)| net.scale_input(i, *v))
        .collect();
    let bounds = net.interval_bounds(&slo, &shi);
    let finite_y = y.iter().all(|v| v.is_finite());
    let finite_b = bounds
        .iter()
        .flatten()
        .all(|(l, u)| l.is_finite() && u.is_finite());
    u64::from(finite_y) | (u64::from(finite_b) << 1)
}

/// The fixed model of the `net` target: `n_in` inputs in [-1, 1], `n_out` outputs.
fn net_model(n_in: usize, n_out: usize, variant: u64) -> String {
    let n_in = if (1..=32).contains(&n_in) { n_in } else { 1 };
    let n_out = if (1..=32).contains(&n_out) { n_out } else { 1 };
    let args: Vec<String> = (1..=n_in).map(|i| format!("x[{i}]")).collect();
    let outs: Vec<String> = (1..=n_out).map(|j| format!("y[{j}]")).collect();
    let lhs = if n_out == 1 {
        outs.join(", ")
    } else {
        format!("({})", outs.join(", "))
    };
    let args = args.join(", ");
    let option = match variant % 4 {
        1 => "option relu_scaling = \"bigm\";\n",
        2 => "option relu_scaling = \"balanced\";\n",
        3 => "option bound_context = \"model\";\n",
        _ => "",
    };
    format!(
        "{option}net f = relu_net(\"n.json\");\nvar x{{1..{n_in}}} in [-1, 1];\nvar y{{1..{n_out}}};\nsubject to c: {lhs} = f({args});\nminimize o: sum{{j in 1..{n_out}}} y[j];\n"
    )
}

/// The records of CSV text as the one reader (`rmod_csv`) reads them, header first (at most
/// `max`; none when the text does not read).
fn csv_lines(text: &str, max: usize) -> Vec<Vec<String>> {
    let Ok(t) = rmod_csv::parse(rmod_diagnostics::FileId(0), "d.csv", text) else {
        return Vec::new();
    };
    std::iter::once(&t.header)
        .chain(t.rows.iter().map(|r| &r.cells))
        .filter(|cells| !cells.is_empty())
        .take(max)
        .map(|cells| cells.iter().map(|c| c.text.clone()).collect())
        .collect()
}

/// `s` as an rmod string literal, if it can be one (no quote, no line break).
fn rmod_str(s: &str) -> Option<String> {
    if s.contains('"') || s.contains('\n') {
        None
    } else {
        Some(format!("\"{s}\""))
    }
}

/// A CSV key cell as a set element: integers as integers (as the compiler reads them).
fn element(cell: &str) -> Option<String> {
    match cell.parse::<i64>() {
        Ok(i) if i.unsigned_abs() < (1u64 << 53) => Some(i.to_string()),
        Ok(_) => None,
        Err(_) => rmod_str(cell),
    }
}

/// A set literal of the distinct values of column `k` (at most 64; `{"a"}` when none).
fn column_set(lines: &[Vec<String>], k: usize) -> String {
    let mut seen = BTreeSet::new();
    let mut out: Vec<String> = Vec::new();
    for row in lines.iter().skip(1) {
        let Some(e) = row.get(k).and_then(|c| element(c.as_str())) else {
            continue;
        };
        if out.len() < 64 && seen.insert(e.clone()) {
            out.push(e);
        }
    }
    if out.is_empty() {
        out.push("\"a\"".to_string());
    }
    format!("{{{}}}", out.join(", "))
}

/// The fixed model of the `csv` target: a parameter read from `d.csv`, keyed by the first
/// column (or the first two), over a set of the keys the file holds.
fn csv_model(text: &str, variant: u64) -> String {
    let lines = csv_lines(text, 200);
    let ncols = lines.first().map_or(0, Vec::len);
    let name = |k: usize, fallback: &str| -> String {
        lines
            .first()
            .and_then(|h| h.get(k))
            .and_then(|s| rmod_str(s.as_str()))
            .unwrap_or_else(|| format!("\"{fallback}\""))
    };
    let s = column_set(&lines, 0);
    let k0 = name(0, "k");
    match variant % 4 {
        1 if ncols >= 3 => {
            let t = column_set(&lines, 1);
            let k1 = name(1, "k2");
            let v = name(2, "v");
            format!(
                "set S = {s};\nset T = {t};\nparam p{{S, T}} default 0 = csv(\"d.csv\", key = ({k0}, {k1}), value = {v});\nvar x{{S, T}} in [0, 1];\nmaximize o: sum{{a in S, b in T}} p[a, b] * x[a, b];\n"
            )
        }
        2 => {
            let v = name(ncols.saturating_sub(1), "v");
            format!(
                "set S = {s};\nparam p{{S}} = csv(\"d.csv\", key = {k0}, value = {v});\nvar x{{S}} >= 0;\nsubject to c{{a in S}}: x[a] <= p[a];\nminimize o: sum{{a in S}} p[a] * x[a];\n"
            )
        }
        3 => {
            let v = name(1, "v");
            format!(
                "set S = {s};\nparam p{{S}} >= 0 default 1 = csv(\"d.csv\", key = {k0}, value = {v});\nparam q{{a in S}} = 2 * p[a] + 1;\nvar x{{S}} integer in [0, 10];\nmaximize o: sum{{a in S}} q[a] * x[a];\n"
            )
        }
        _ if variant % 8 == 4 => {
            let v = name(1, "v");
            format!(
                "set S = {s} diff {{{}}};\nparam p{{S}} default 0 = csv(\"d.csv\", key = {k0}, value = {v}, subset = true);\nvar x{{S}} in [0, 1];\nmaximize o: sum{{a in S}} p[a] * x[a];\n",
                s.trim_start_matches('{').split(", ").next().unwrap_or("\"a\"").trim_end_matches('}')
            )
        }
        _ => {
            let v = name(1, "v");
            format!(
                "set S = {s};\nparam p{{S}} default 0 = csv(\"d.csv\", key = {k0}, value = {v});\nvar x{{S}} in [0, 1];\nmaximize o: sum{{a in S}} p[a] * x[a];\n"
            )
        }
    }
}

// ----- rendering and the signature -----

/// Renders every diagnostic as a terminal shows it (width 100, no colour) and all of them as
/// JSON; returns the bytes rendered.
pub fn render_all(diags: &[Diagnostic], sources: &Sources) -> usize {
    let mut n = 0;
    for d in diags {
        n += render_human(d, sources, false, 100).len();
    }
    n + render_json_all(diags, sources).len()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut s = Sig(FNV_OFFSET);
    s.bytes(bytes);
    s.0
}

/// Small counts exactly, larger ones by their power of two.
fn bucket(n: usize) -> u64 {
    if n < 4 {
        n as u64
    } else {
        2 + u64::from(n.ilog2())
    }
}

struct Sig(u64);

impl Sig {
    fn bytes(&mut self, b: &[u8]) {
        for x in b {
            self.0 ^= u64::from(*x);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
    fn num(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
    /// One phase: its name, its sorted distinct codes, its bucketed count.
    fn phase(&mut self, name: &str, diags: &[Diagnostic]) {
        let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        self.bytes(name.as_bytes());
        self.bytes(&[0]);
        for c in codes {
            self.bytes(c.as_bytes());
            self.bytes(&[0]);
        }
        self.num(bucket(diags.len()));
    }
}

/// The summary of one execution, phase by phase.
struct Acc {
    sig: Sig,
    summary: Summary,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            sig: Sig(FNV_OFFSET),
            summary: Summary::default(),
        }
    }
    fn add(&mut self, phase: &str, diags: &[Diagnostic], sources: &Sources) {
        self.summary.diagnostics += diags.len();
        self.summary.errors += diags.iter().filter(|d| d.is_error()).count();
        self.summary.rendered += render_all(diags, sources);
        self.sig.phase(phase, diags);
    }
    fn compiled(&mut self, out: &CompileOutput) {
        self.add("compile", &out.diagnostics, &out.sources);
        match &out.model {
            Some(m) => {
                self.sig.bytes(b"model");
                self.sig.num(bucket(m.columns.len()));
                self.sig.num(bucket(m.rows.len()));
                self.sig.num(bucket(out.net_uses.len()));
            }
            None => self.sig.bytes(b"failed"),
        }
    }
    fn finish(mut self) -> Summary {
        self.summary.signature = self.sig.0;
        self.summary
    }
}

// ----- seeds -----

const MODEL_SEEDS: &[&str] = &[
    r#"net a = relu_net("abs.json");
var x in [-2, 3];
var y;
subject to f: y = a(x);
minimize o: y;
"#,
    r#"set G = {"light", "heavy"};
param price{G} = csv("data/prices.csv", key = "grade", value = "usd_per_t");
var make{G} in [0, 1];
maximize o: sum{g in G} price[g] * make[g];
"#,
    r#"set R = {"R1", "R2"};
set H = 1..24;
set RH = R * H;
set PAIRS = {r in R, s in R: r != s};
param cap{R} = {"R1": 50, "R2": 45};
param lo{R} >= 0 default 0;
param c{h in H} = 2 * h;
var feed{r in R} in [0, cap[r]];
var on{R} binary;
var x;
subject to run_max{r in R}: feed[r] <= cap[r] * on[r];
subject to band: 10 <= sum{r in R} feed[r] <= 90;
subject to diff{(r, s) in PAIRS}: feed[r] - feed[s] <= 20;
maximize profit: sum{r in R} feed[r] - 3 * x;
option time_limit = 60;
option cbc.cuts = "on";
"#,
    r#"set I = 1..3;
param w{i in I} = i / 2;
var n{I} integer >= 0 <= 5;
var u in [0, 1];
var v;
var z;
net g = relu_net("two.json", bounds = "ia");
subject to link: (v, z) = g(a = u, b = sum{i in I} w[i] * n[i] / 10);
subject to cap: sum{i in I} n[i] <= 7;
minimize cost: v - z + sum{i in I} w[i] * n[i];
option relu_scaling = "balanced";
"#,
    r#"set S = {("a", 1), ("b", 2)};
param d{S} default 1;
var y{(s, t) in S: t >= 2} >= -1e3;
subject to r{(s, t) in S: t >= 2}: -5 <= y[s, t] * d[s, t] <= 1e4;
minimize m: sum{(s, t) in S: t >= 2} y[s, t] / 4 + 0;
/* block */ # comment
"#,
    r#"set K = {1, 2};
param p{K} = csv("d.csv", key = "k", value = "v");
var q{k in K} in [-p[k], 10];
subject to s: sum{k in K} q[k] == 1;
maximize o: q[1] - q[2];
option bounds = "lp";
option input_split = 0;
"#,
];

const NET_SEEDS: &[&str] = &[
    ABS_NET,
    TWO_NET,
    r#"{"format": "relu-net", "version": 1, "input_bounds": [[-1, 1]],
 "layers": [{"weights": [[1e4], [-1e4]], "bias": [0.5, 0.5], "activation": "relu"},
  {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#,
    r#"{"format": "relu-net", "version": 2, "layers": [{"weights": [[1.0]], "bias": [0.0], "activation": "sigmoid", "extra": true}]}"#,
];

const CSV_SEEDS: &[&str] = &[
    PRICES_CSV,
    DEFAULT_CSV,
    "plant,market,thousand_miles\nseattle,new-york,2.5\nseattle,chicago,1.7\n\"san-diego\",\"new-york\",2.5\n",
    "x1,x2,y\n0,0,0.1\n0.1,0.2,0.3\n0.2,0.1,0.25\n0.3,0.4,0.8\n0.4,0.3,0.7\n0.5,0.5,1.1\n0.6,0.2,0.75\n0.7,0.9,1.7\n0.8,0.1,0.85\n0.9,0.6,1.6\n1.0,1.0,2.1\n",
    "a,b\n1,\n2,3\r\n\n\"q\"\"\",4\n",
];

/// Small literal seeds of a target (always part of the binary's corpus).
pub fn builtin_seeds(target: Target) -> Vec<Vec<u8>> {
    let list = match target {
        Target::Model => MODEL_SEEDS,
        Target::Net => NET_SEEDS,
        Target::Csv => CSV_SEEDS,
        // ONNX seeds: the JSON seeds that are valid networks, written as ONNX
        Target::Onnx => {
            return NET_SEEDS
                .iter()
                .filter_map(|s| rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", s).0)
                .map(|n| rmod_onnx::write(&n))
                .collect()
        }
    };
    list.iter().map(|s| s.as_bytes().to_vec()).collect()
}

mod dict;
mod mutate;
#[allow(unused_imports)]
use mutate::*;
pub use mutate::{Mutator, Rng};

#[cfg(test)]
mod tests;
