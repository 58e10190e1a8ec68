//! Fuzzes rmod's three text inputs (model text, relu-net JSON, CSV data) on the stable toolchain: a deterministic mutation engine, and one function per input that compiles or parses it and renders every diagnostic.
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
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Model, Target::Net, Target::Csv];

    pub fn parse(name: &str) -> Option<Target> {
        match name {
            "model" => Some(Target::Model),
            "net" => Some(Target::Net),
            "csv" => Some(Target::Csv),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Target::Model => "model",
            Target::Net => "net",
            Target::Csv => "csv",
        }
    }
    /// The file extension of its seeds.
    pub fn extension(self) -> &'static str {
        match self {
            Target::Model => "rmod",
            Target::Net => "json",
            Target::Csv => "csv",
        }
    }
    /// One execution: [`run_model_with`] (with `files`), [`run_net`] or [`run_csv`].
    pub fn run(self, bytes: &[u8], files: &Files) -> Summary {
        match self {
            Target::Model => run_model_with(bytes, files),
            Target::Net => run_net(bytes),
            Target::Csv => run_csv(bytes),
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
    let loader = FuzzLoader { files };
    let out = compile(&CompileRequest::new("m.rmod", &text, &loader));
    let mut acc = Acc::new();
    acc.compiled(&out);
    acc.finish()
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

/// Reads `bytes` (lossy UTF-8) as CSV `d.csv`: as training data ([`rmod_train::read_table`]
/// with the header's columns, then [`rmod_train::validate`]) and through a fixed model with a
/// `csv(...)` parameter keyed by its first column(s). Renders every diagnostic of both.
pub fn run_csv(bytes: &[u8]) -> Summary {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut acc = Acc::new();
    let mut sources = Sources::default();
    let file = sources.add("d.csv", text.clone());
    let header: Vec<String> = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|c| c.trim().to_string()).collect())
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

/// The non-blank lines of CSV text, cut at commas, trimmed and unquoted (at most `max`).
fn csv_lines(text: &str, max: usize) -> Vec<Vec<String>> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .take(max)
        .map(|l| l.split(',').map(unquote).collect())
        .collect()
}

fn unquote(cell: &str) -> String {
    let c = cell.trim();
    c.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(c)
        .to_string()
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
    };
    list.iter().map(|s| s.as_bytes().to_vec()).collect()
}

// ----- the mutation engine -----

/// xorshift64*: deterministic for a seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that nearby seeds start far apart (the state is never 0)
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    /// In `1..=max`, log-uniformly (every power of two about as likely).
    pub fn log_uniform(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let bits = (usize::BITS - max.leading_zeros()) as usize;
        let b = self.below(bits + 1).min(62);
        let hi = (1usize << b).min(max);
        1 + self.below(hi)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const INTERESTING_BYTES: &[u8] = &[
    0, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xf0, 0xff, b'"', b'\n', b'\r', b',', b';', b'{', b'}',
    b'(', b')', b'[', b']', b'\\', b'#', b'*', b'/', b'.', b'-', b'0', b'9', b' ', b':',
];

const UNICODE: &[&str] = &[
    "é",
    "€",
    "\u{200b}",
    "\u{feff}",
    "\u{1F600}",
    "e\u{301}",
    "\u{2028}",
    "\u{0}",
    "\t",
    "\r",
    "\r\n",
    "\u{7f}",
    "\u{fffd}",
    "ﬁ",
    "İ",
    "\u{202e}",
    "ß",
];

const MODEL_TOKENS: &[&str] = &[
    "set",
    "param",
    "var",
    "subject to",
    "subject",
    "to",
    "minimize",
    "maximize",
    "sum",
    "in",
    "integer",
    "binary",
    "continuous",
    "option",
    "net",
    "relu_net",
    "csv",
    "default",
    "and",
    "or",
    "not",
    "+",
    "-",
    "*",
    "/",
    "<=",
    ">=",
    "==",
    "!=",
    "=",
    "<",
    ">",
    "..",
    ".",
    ",",
    ";",
    ":",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "#",
    "/*",
    "*/",
    "x",
    "I",
    "i",
    "f",
    "p",
    "\"R1\"",
    "x[1]",
    "x[i]",
    "sum{i in I} x[i]",
    "{i in I: i != 1}",
    "relu_net(\"n.json\")",
    "relu_net(\"two.json\", bounds = \"milp\", context = \"model\")",
    "csv(\"d.csv\", key = \"k\", value = \"v\")",
    "key = (\"k\", \"v\")",
    "set I = 1..3;",
    "var x{I} in [0, 1];",
    "param p{I} default 0;",
    "subject to c: ",
    "minimize o: ",
    "(x, y) = f(x)",
    "y = f(a = x, 2)",
    "option bounds = \"lp\";",
    "option relu_scaling = \"balanced\";",
    "option input_split = 0;",
    "option cbc.cuts = \"on\";",
    "option time_limit = -1;",
    "option incumbent = \"off\";",
];

const MODEL_NUMBERS: &[&str] = &[
    "1e300",
    "-1e308",
    "1e-320",
    "NaN",
    "inf",
    "0x",
    "1e99999",
    "0",
    "-0",
    "1.",
    "0.5",
    ".5",
    "1e",
    "1e+",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "4294967296",
    "-1",
    "1e16",
    "2.5e-8",
    "1e9",
    "0.1",
    "3",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "\"relu\"",
    "\"linear\"",
    "\"clipped_relu\"",
    "\"relu-net\"",
    "\"weights\": ",
    "\"bias\": ",
    "\"activation\": ",
    "\"clip\": 1.0, ",
    "\"layers\": ",
    "\"format\": ",
    "\"version\": ",
    "\"inputs\": [\"x\"], ",
    "\"outputs\": [\"y\"], ",
    "\"input_bounds\": [[0, 1]], ",
    "\"input_scaling\": {\"offset\": [0], \"scale\": [1]}, ",
    "\"output_scaling\": {\"offset\": [0], \"scale\": [1]}, ",
    "\"training\": {}, ",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\u00e9\"",
    "[[1.0], [-1.0]]",
    "{\"weights\": [[1.0]], \"bias\": [0.0], \"activation\": \"linear\"}",
    "{\"weights\": [[1.0, -1.0]], \"bias\": [0.0], \"activation\": \"clipped_relu\", \"clip\": 2}",
];

const JSON_NUMBERS: &[&str] = &[
    "1e300",
    "-1e308",
    "1e-320",
    "1e308",
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-Infinity",
    "0",
    "-0",
    "0.0",
    "1e-400",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551615",
    "1.0",
    "0.5",
    "-1",
    "2",
    "1e16",
    "5e-324",
    "true",
    "null",
    "\"1\"",
    "[]",
    "{}",
    "01",
    ".5",
    "1.",
    "+1",
    "0x10",
];

const CSV_TOKENS: &[&str] = &[
    ",",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    " ",
    ",,",
    "\"a,b\"",
    "\"a\"\"b\"",
    "k",
    "v",
    "grade",
    "usd_per_t",
    "x1",
    "y",
    "key",
    "value",
    "\u{feff}",
    "#",
];

const CSV_NUMBERS: &[&str] = &[
    "1e300",
    "-1e308",
    "1e-320",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e99999",
    "0",
    "-0",
    "",
    "1,5",
    "0x10",
    "1_000",
    "+1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e16",
    "0.1",
    " 2 ",
];

/// Nesting generators: `open` N times, `middle`, `close` N times.
const MODEL_NESTS: &[(&str, &str, &str)] = &[
    ("(", "x", ")"),
    ("-", "x", ""),
    ("+", "x", ""),
    ("sum{i in I} ", "x", ""),
    ("sum{i in I} ", "x[i]", ""),
    ("not ", "x", ""),
    ("{", "x", "}"),
    ("[", "x", "]"),
    ("f(", "x", ")"),
    ("x[", "1", "]"),
    ("x + ", "x", ""),
    ("2 * ", "x", ""),
    ("x / ", "2", ""),
    ("(x, ", "x", ")"),
    ("{i in I: ", "1", "}"),
    ("1 - (", "x", ")"),
    ("(", "", ""),
    ("/*", "", ""),
    ("\"", "", ""),
];

const JSON_NESTS: &[(&str, &str, &str)] = &[
    ("[", "1", "]"),
    ("{\"a\": ", "1", "}"),
    ("[", "", ""),
    ("{\"layers\": [", "", "]}"),
    ("-", "1", ""),
    ("1.0, ", "1.0", ""),
    ("[1.0], ", "[1.0]", ""),
    ("\"", "", ""),
    ("[[", "0.5", "]]"),
];

const CSV_NESTS: &[(&str, &str, &str)] = &[
    ("a,", "b", ""),
    ("1,", "1", ""),
    ("\"", "x", "\""),
    ("\n", "", ""),
    ("1,2\n", "", ""),
    ("\"\"", "", ""),
    (",", "", ""),
    ("\r", "", ""),
];

/// Repeat counts the nesting generator tries often (the parser's limits are 200 levels and
/// 20,000 operands).
const NEST_SIZES: &[usize] = &[199, 200, 201, 1000, 3500, 10_000, 20_000, 20_001, 100_000];

/// Field values for the structure-aware JSON mutations.
const JSON_FIELDS: &[(&str, &[&str])] = &[
    (
        "version",
        &[
            "1.0",
            "\"1\"",
            "2",
            "0",
            "-1",
            "1e0",
            "null",
            "1.5",
            "18446744073709551616",
            "true",
            "[1]",
            "01",
            "-0",
        ],
    ),
    (
        "format",
        &[
            "\"relu-net\"",
            "\"relu_net\"",
            "\"\"",
            "null",
            "1",
            "\"RELU-NET\"",
        ],
    ),
    (
        "activation",
        &[
            "\"relu\"",
            "\"linear\"",
            "\"clipped_relu\"",
            "\"sigmoid\"",
            "\"\"",
            "null",
            "1",
        ],
    ),
    (
        "clip",
        &[
            "0", "-1", "1e308", "1e-320", "\"1\"", "null", "0.5", "1e999",
        ],
    ),
    (
        "input_bounds",
        &[
            "[[0, 1]]",
            "[[1, 0]]",
            "[[-1e308, 1e308]]",
            "[]",
            "[[0, 0]]",
            "[[0, 1], [0, 1]]",
            "null",
            "[[0]]",
            "[[1e-320, 1e-310]]",
        ],
    ),
    (
        "scale",
        &["[0]", "[-1]", "[1e-320]", "[1e308]", "[]", "[1, 1]", "null"],
    ),
    ("offset", &["[0]", "[1e308]", "[]", "[0, 0]", "[\"0\"]"]),
    (
        "inputs",
        &[
            "[\"x\"]",
            "[]",
            "[1]",
            "[\"a\", \"b\"]",
            "null",
            "\"x\"",
            "[\"\"]",
            "[\"x\", \"x\"]",
        ],
    ),
    ("outputs", &["[\"y\"]", "[]", "[\"p\", \"q\"]", "[null]"]),
    (
        "bias",
        &[
            "[0.0]",
            "[]",
            "[1e308, -1e308]",
            "[0, 0]",
            "null",
            "[[0]]",
            "[0, 0, 0]",
        ],
    ),
    (
        "weights",
        &[
            "[[1.0]]",
            "[]",
            "[[]]",
            "[[1.0, 2.0]]",
            "[[1e308], [-1e308]]",
            "[[1], [1, 2]]",
            "null",
            "[[1.0], [1.0], [1.0]]",
        ],
    ),
    ("layers", &["[]", "null", "{}", "[{}]", "[[]]"]),
];

/// Deterministic mutations of inputs for one target.
#[derive(Clone, Debug)]
pub struct Mutator {
    pub rng: Rng,
    target: Target,
    /// the longest input [`Mutator::mutate`] returns
    pub max_len: usize,
    /// the largest repeat count of the nesting generators
    pub max_nest: usize,
}

impl Mutator {
    pub fn new(target: Target, seed: u64) -> Mutator {
        Mutator {
            rng: Rng::new(seed),
            target,
            max_len: 2 << 20,
            max_nest: 100_000,
        }
    }

    /// A mutant of `input`: one to a few stacked mutations (sometimes 16); `corpus` supplies
    /// material for splicing.
    pub fn mutate(&mut self, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut data = input.to_vec();
        let many = self.rng.one_in(8);
        let rounds = 1 + self.rng.below(if many { 16 } else { 4 });
        for _ in 0..rounds {
            self.mutate_once(&mut data, corpus);
        }
        if data == input {
            self.flip_bit(&mut data);
        }
        data.truncate(self.max_len);
        data
    }

    fn tokens(&self) -> &'static [&'static str] {
        match self.target {
            Target::Model => MODEL_TOKENS,
            Target::Net => JSON_TOKENS,
            Target::Csv => CSV_TOKENS,
        }
    }
    fn numbers(&self) -> &'static [&'static str] {
        match self.target {
            Target::Model => MODEL_NUMBERS,
            Target::Net => JSON_NUMBERS,
            Target::Csv => CSV_NUMBERS,
        }
    }
    fn nests(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self.target {
            Target::Model => MODEL_NESTS,
            Target::Net => JSON_NESTS,
            Target::Csv => CSV_NESTS,
        }
    }

    fn mutate_once(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let kinds = if self.target == Target::Net { 24 } else { 18 };
        match self.rng.below(kinds) {
            0 => self.flip_bit(d),
            1 => self.set_byte(d),
            2 => self.insert_bytes(d),
            3 | 17 => self.delete_slice(d),
            4 => self.duplicate_slice(d),
            5 => self.overwrite_slice(d),
            6 | 7 => self.insert_token(d),
            8 => self.replace_token(d),
            9 | 10 => self.replace_number(d),
            11 => self.splice(d, corpus),
            12 => self.insert_from_corpus(d, corpus),
            13 => self.line_op(d),
            14 => self.repeat_token(d),
            15 => self.insert_unicode(d),
            16 => {
                // large inputs are slow: a quarter of these only
                if self.rng.one_in(4) {
                    self.nest(d)
                } else {
                    self.insert_token(d)
                }
            }
            18 | 19 => self.json_field(d),
            20 => self.json_duplicate_element(d),
            21 => self.json_delete_element(d),
            22 => self.json_replace_string(d),
            _ => self.json_wrap(d),
        }
    }

    /// A random non-empty range of `0..len` (`len` > 0), usually short.
    fn range(&mut self, len: usize) -> (usize, usize) {
        let a = self.rng.below(len);
        let room = len - a;
        let cap = if self.rng.one_in(8) {
            room
        } else {
            room.min(16)
        };
        let n = 1 + self.rng.below(cap);
        (a, a + n)
    }

    /// An insertion point, often just after a space or line break.
    fn insertion_point(&mut self, d: &[u8]) -> usize {
        let p = self.rng.below(d.len() + 1);
        if self.rng.one_in(2) {
            find_byte(d, p, |c| c == b' ' || c == b'\n').map_or(p, |i| i + 1)
        } else {
            p
        }
    }

    fn flip_bit(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_bytes(d);
            return;
        }
        let i = self.rng.below(d.len());
        let bit = self.rng.below(8);
        d[i] ^= 1u8 << bit;
    }

    fn set_byte(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_bytes(d);
            return;
        }
        let i = self.rng.below(d.len());
        d[i] = self.byte();
    }

    fn byte(&mut self) -> u8 {
        if self.rng.one_in(2) {
            self.rng.pick(INTERESTING_BYTES)
        } else {
            (self.rng.next_u64() & 0xff) as u8
        }
    }

    fn insert_bytes(&mut self, d: &mut Vec<u8>) {
        let n = 1 + self.rng.below(4);
        let bytes: Vec<u8> = (0..n).map(|_| self.byte()).collect();
        let at = self.rng.below(d.len() + 1);
        insert_at(d, at, &bytes);
    }

    fn delete_slice(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        replace_range(d, a, b, &[]);
    }

    fn duplicate_slice(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        let chunk = d[a..b].to_vec();
        let at = if self.rng.one_in(2) {
            b
        } else {
            self.rng.below(d.len() + 1)
        };
        insert_at(d, at, &chunk);
    }

    fn overwrite_slice(&mut self, d: &mut Vec<u8>) {
        if d.len() < 2 {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        let p = self.rng.below(d.len());
        let n = (b - a).min(d.len() - p);
        d.copy_within(a..a + n, p);
    }

    fn insert_token(&mut self, d: &mut Vec<u8>) {
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        let spaced = self.rng.one_in(2);
        let at = self.insertion_point(d);
        if spaced {
            insert_at(d, at, format!(" {tok} ").as_bytes());
        } else {
            insert_at(d, at, tok.as_bytes());
        }
    }

    fn replace_token(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let p = self.rng.below(d.len());
        let (a, b) = token_at(d, p);
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        replace_range(d, a, b, tok.as_bytes());
    }

    /// Replaces a number (or what looks like one) by an extreme or a small random integer.
    fn replace_number(&mut self, d: &mut Vec<u8>) {
        let from = self.rng.below(d.len() + 1);
        let Some(p) = find_byte(d, from, |c| c.is_ascii_digit()) else {
            self.insert_token(d);
            return;
        };
        let num = |c: u8| c.is_ascii_digit() || c == b'.';
        let mut a = p;
        while a > 0 && num(d[a - 1]) {
            a -= 1;
        }
        if a > 0 && d[a - 1] == b'-' {
            a -= 1;
        }
        let mut b = p;
        while b < d.len() {
            let c = d[b];
            let exponent_sign =
                (c == b'-' || c == b'+') && b > p && matches!(d[b - 1], b'e' | b'E');
            if num(c) || c == b'e' || c == b'E' || exponent_sign {
                b += 1;
            } else {
                break;
            }
        }
        let rep = if self.rng.one_in(3) {
            let bits = self.rng.below(17);
            self.rng.below(1usize << bits).to_string()
        } else {
            let numbers = self.numbers();
            self.rng.pick(numbers).to_string()
        };
        replace_range(d, a, b, rep.as_bytes());
    }

    /// A prefix of `d` and a suffix of another corpus input.
    fn splice(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let k = self.rng.below(corpus.len());
        let Some(other) = corpus.get(k) else {
            self.duplicate_slice(d);
            return;
        };
        let a = self.rng.below(d.len() + 1);
        let b = self.rng.below(other.len() + 1);
        d.truncate(a);
        d.extend_from_slice(&other[b..]);
    }

    /// A slice of another corpus input inserted into `d`.
    fn insert_from_corpus(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let k = self.rng.below(corpus.len());
        let Some(other) = corpus.get(k).filter(|o| !o.is_empty()) else {
            self.insert_token(d);
            return;
        };
        let (a, b) = self.range(other.len());
        let at = self.insertion_point(d);
        insert_at(d, at, &other[a..b]);
    }

    /// Duplicates, deletes or swaps lines.
    fn line_op(&mut self, d: &mut Vec<u8>) {
        let starts = line_starts(d);
        let k = self.rng.below(starts.len());
        let (a, b) = line_span(&starts, d.len(), k);
        match self.rng.below(3) {
            0 => {
                let mut chunk = d[a..b].to_vec();
                if !chunk.ends_with(b"\n") {
                    chunk.push(b'\n');
                }
                insert_at(d, a, &chunk);
            }
            1 => replace_range(d, a, b, &[]),
            _ => {
                if k + 1 >= starts.len() {
                    return;
                }
                let (_, c) = line_span(&starts, d.len(), k + 1);
                let mut swapped = d[b..c].to_vec();
                if !swapped.ends_with(b"\n") {
                    swapped.push(b'\n');
                }
                swapped.extend_from_slice(&d[a..b]);
                replace_range(d, a, c, &swapped);
            }
        }
    }

    /// A dictionary token repeated a few to a few hundred times.
    fn repeat_token(&mut self, d: &mut Vec<u8>) {
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        let n = 2 + self.rng.log_uniform(256);
        let at = self.insertion_point(d);
        insert_at(d, at, tok.repeat(n).as_bytes());
    }

    fn insert_unicode(&mut self, d: &mut Vec<u8>) {
        let u = self.rng.pick(UNICODE);
        let at = self.rng.below(d.len() + 1);
        insert_at(d, at, u.as_bytes());
    }

    /// Deep nesting: `open` N times, `middle`, `close` N times, with N up to
    /// [`Mutator::max_nest`]; replaces a token, is inserted, or (for models) becomes the
    /// objective of a small model.
    fn nest(&mut self, d: &mut Vec<u8>) {
        let nests = self.nests();
        let (open, middle, close) = self.rng.pick(nests);
        let unit = (open.len() + close.len()).max(1);
        let cap = (self.max_len / unit).min(self.max_nest).max(1);
        let n = if self.rng.one_in(3) {
            self.rng.pick(NEST_SIZES)
        } else {
            self.rng.log_uniform(cap)
        };
        let n = n.min(cap);
        let s = format!("{}{middle}{}", open.repeat(n), close.repeat(n));
        match self.rng.below(3) {
            0 if self.target == Target::Model => {
                *d = format!(
                    "set I = {{1}};\nvar x in [0, 1];\nnet f = relu_net(\"n.json\");\nminimize o: {s};\n"
                )
                .into_bytes();
            }
            1 if !d.is_empty() => {
                let p = self.rng.below(d.len());
                let (a, b) = token_at(d, p);
                replace_range(d, a, b, s.as_bytes());
            }
            _ => {
                let at = self.insertion_point(d);
                insert_at(d, at, s.as_bytes());
            }
        }
    }

    /// Sets a known field of a network file to an odd value, or adds it after the first `{`.
    fn json_field(&mut self, d: &mut Vec<u8>) {
        let (key, values) = self.rng.pick(JSON_FIELDS);
        let value = self.rng.pick(values);
        let quoted = format!("\"{key}\"");
        let from = self.rng.below(d.len() + 1);
        let Some(p) = find_sub(d, from, quoted.as_bytes()) else {
            let at = find_byte(d, 0, |c| c == b'{').map_or(0, |i| i + 1);
            insert_at(d, at, format!("{quoted}: {value}, ").as_bytes());
            return;
        };
        let mut i = skip_ws(d, p + quoted.len());
        if d.get(i) == Some(&b':') {
            i = skip_ws(d, i + 1);
        }
        match json_value_end(d, i) {
            Some(e) => replace_range(d, i, e, value.as_bytes()),
            None => insert_at(d, i, value.as_bytes()),
        }
    }

    /// A random `[` of the text, if any.
    fn random_array(&mut self, d: &[u8]) -> Option<usize> {
        let from = self.rng.below(d.len() + 1);
        find_byte(d, from, |c| c == b'[')
    }

    /// Duplicates an element of an array (once, or many times).
    fn json_duplicate_element(&mut self, d: &mut Vec<u8>) {
        let Some(open) = self.random_array(d) else {
            self.replace_number(d);
            return;
        };
        let els = array_elements(d, open);
        if els.is_empty() {
            return;
        }
        let (s, e) = self.rng.pick(&els);
        let times = if self.rng.one_in(4) {
            self.rng.log_uniform(64)
        } else {
            1
        };
        let mut chunk = Vec::with_capacity((e - s + 2) * times);
        for _ in 0..times {
            chunk.extend_from_slice(&d[s..e]);
            chunk.extend_from_slice(b", ");
        }
        insert_at(d, s, &chunk);
    }

    /// Deletes an element of an array with its comma.
    fn json_delete_element(&mut self, d: &mut Vec<u8>) {
        let Some(open) = self.random_array(d) else {
            self.delete_slice(d);
            return;
        };
        let els = array_elements(d, open);
        if els.is_empty() {
            return;
        }
        let k = self.rng.below(els.len());
        let (s, e) = els[k];
        let (start, end) = if k + 1 < els.len() {
            (s, els[k + 1].0)
        } else if k > 0 {
            (els[k - 1].1, e)
        } else {
            (s, e)
        };
        replace_range(d, start, end, &[]);
    }

    /// Replaces a string (a key or a value) by another known one.
    fn json_replace_string(&mut self, d: &mut Vec<u8>) {
        const STRINGS: &[&str] = &[
            "\"relu\"",
            "\"linear\"",
            "\"clipped_relu\"",
            "\"relu-net\"",
            "\"\"",
            "\"x\"",
            "\"weights\"",
            "\"bias\"",
            "\"activation\"",
            "\"clip\"",
            "\"layers\"",
            "\"inputs\"",
            "\"outputs\"",
            "\"input_bounds\"",
            "\"input_scaling\"",
            "\"output_scaling\"",
            "\"offset\"",
            "\"scale\"",
            "\"format\"",
            "\"version\"",
            "\"training\"",
            "\"wieghts\"",
            "\"\\u00e9\"",
            "\"é€\u{200b}\"",
            "1",
            "null",
        ];
        let from = self.rng.below(d.len() + 1);
        let Some(s) = find_byte(d, from, |c| c == b'"') else {
            self.insert_token(d);
            return;
        };
        let e = json_value_end(d, s).unwrap_or(d.len());
        let rep = self.rng.pick(STRINGS);
        replace_range(d, s, e, rep.as_bytes());
    }

    /// Wraps a value in an array (`x` to `[x]`) or unwraps an array (`[x, y]` to `x, y`).
    fn json_wrap(&mut self, d: &mut Vec<u8>) {
        let from = self.rng.below(d.len() + 1);
        let starts_value = |c: u8| {
            c.is_ascii_digit() || matches!(c, b'-' | b'[' | b'{' | b'"' | b't' | b'f' | b'n')
        };
        let Some(s) = find_byte(d, from, starts_value) else {
            self.insert_token(d);
            return;
        };
        let Some(e) = json_value_end(d, s) else {
            return;
        };
        if d[s] == b'[' && self.rng.one_in(2) && e >= s + 2 {
            let inner = d[s + 1..e - 1].to_vec();
            replace_range(d, s, e, &inner);
        } else {
            insert_at(d, e, b"]");
            insert_at(d, s, b"[");
        }
    }
}

// ----- byte helpers -----

fn insert_at(d: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(d.len());
    let tail = d.split_off(at);
    d.extend_from_slice(bytes);
    d.extend_from_slice(&tail);
}

/// Replaces `d[a..b]` by `bytes`.
fn replace_range(d: &mut Vec<u8>, a: usize, b: usize, bytes: &[u8]) {
    let b = b.min(d.len());
    let a = a.min(b);
    let tail = d.split_off(b);
    d.truncate(a);
    d.extend_from_slice(bytes);
    d.extend_from_slice(&tail);
}

/// The first position at or after `from` whose byte matches, else the first before it.
fn find_byte(d: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    let from = from.min(d.len());
    d[from..]
        .iter()
        .position(|c| pred(*c))
        .map(|i| i + from)
        .or_else(|| d[..from].iter().position(|c| pred(*c)))
}

/// The first occurrence of `needle` at or after `from`, else the first one.
fn find_sub(d: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || d.len() < needle.len() {
        return None;
    }
    let from = from.min(d.len());
    let hit = |lo: usize| {
        d[lo..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + lo)
    };
    hit(from).or_else(|| hit(0))
}

/// The word (identifier or number characters, or any non-ASCII) around `p`, or the byte at `p`.
fn token_at(d: &[u8], p: usize) -> (usize, usize) {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80;
    if p >= d.len() {
        return (d.len(), d.len());
    }
    if !word(d[p]) {
        return (p, p + 1);
    }
    let mut a = p;
    while a > 0 && word(d[a - 1]) {
        a -= 1;
    }
    let mut b = p + 1;
    while b < d.len() && word(d[b]) {
        b += 1;
    }
    (a, b)
}

/// The offsets where lines start (always at least `[0]`).
fn line_starts(d: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    for (i, c) in d.iter().enumerate() {
        if *c == b'\n' && i + 1 < d.len() {
            v.push(i + 1);
        }
    }
    v
}

/// Line `k` with its line break.
fn line_span(starts: &[usize], len: usize, k: usize) -> (usize, usize) {
    let a = starts.get(k).copied().unwrap_or(len);
    let b = starts.get(k + 1).copied().unwrap_or(len);
    (a, b)
}

fn skip_ws(d: &[u8], mut i: usize) -> usize {
    while i < d.len() && d[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end of the JSON value that starts at `i` (after whitespace), if it ends.
fn json_value_end(d: &[u8], i: usize) -> Option<usize> {
    let mut i = skip_ws(d, i);
    match *d.get(i)? {
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut in_str = false;
            let mut esc = false;
            while i < d.len() {
                let c = d[i];
                if in_str {
                    if esc {
                        esc = false;
                    } else if c == b'\\' {
                        esc = true;
                    } else if c == b'"' {
                        in_str = false;
                    }
                } else {
                    match c {
                        b'"' => in_str = true,
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            None
        }
        b'"' => {
            i += 1;
            let mut esc = false;
            while i < d.len() {
                let c = d[i];
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    return Some(i + 1);
                }
                i += 1;
            }
            None
        }
        b']' | b'}' | b',' | b':' => None,
        _ => {
            let s = i;
            while i < d.len()
                && !matches!(d[i], b',' | b']' | b'}' | b':')
                && !d[i].is_ascii_whitespace()
            {
                i += 1;
            }
            (i > s).then_some(i)
        }
    }
}

/// The spans of the elements of the array whose `[` is at `open` (at most 256).
fn array_elements(d: &[u8], open: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = open + 1;
    while out.len() < 256 {
        i = skip_ws(d, i);
        if i >= d.len() || d[i] == b']' {
            break;
        }
        let Some(e) = json_value_end(d, i) else {
            break;
        };
        out.push((i, e));
        i = skip_ws(d, e);
        if d.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// Runs `f` on a thread with the fuzz binary's stack ([`crate::FUZZ_STACK`]): the depth
    /// limits keep even an unoptimized build within it.
    fn on_big_stack(f: impl FnOnce() + Send + 'static) {
        let h = std::thread::Builder::new()
            .stack_size(crate::FUZZ_STACK)
            .spawn(f)
            .expect("spawn a test thread");
        if let Err(e) = h.join() {
            std::panic::resume_unwind(e);
        }
    }

    /// `execs` executions of `target` from the built-in seeds; panics with the first
    /// panicking input.
    fn fuzz(target: Target, execs: usize, seed: u64) {
        let files = default_files();
        let mut corpus = builtin_seeds(target);
        let n_seeds = corpus.len();
        let mut seen = HashSet::new();
        let mut m = Mutator::new(target, seed);
        m.max_nest = 2_000;
        m.max_len = 64 << 10;
        let mut panics: Vec<String> = Vec::new();
        for i in 0..execs {
            let input = if i < n_seeds {
                corpus.get(i).cloned().unwrap_or_default()
            } else {
                let k = m.rng.below(corpus.len());
                m.mutate(&corpus[k], &corpus)
            };
            if std::env::var_os("RMOD_FUZZ_TRACE").is_some() {
                let _ = std::fs::write("/tmp/rmod-fuzz-test-last.txt", &input);
            }
            match catch_unwind(AssertUnwindSafe(|| target.run(&input, &files))) {
                Ok(s) => {
                    if seen.insert(s.signature) && i >= n_seeds && input.len() < 16 << 10 {
                        corpus.push(input);
                    }
                }
                Err(_) => panics.push(String::from_utf8_lossy(&input).into_owned()),
            }
        }
        assert!(
            panics.is_empty(),
            "{} of {execs} {} inputs panicked; the first:\n{}",
            panics.len(),
            target.name(),
            panics[0]
        );
    }

    #[test]
    fn models_never_panic() {
        on_big_stack(|| fuzz(Target::Model, 3000, 1));
    }

    #[test]
    fn networks_never_panic() {
        on_big_stack(|| fuzz(Target::Net, 3000, 2));
    }

    #[test]
    fn csv_files_never_panic() {
        on_big_stack(|| fuzz(Target::Csv, 3000, 3));
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        on_big_stack(|| {
            let parens = format!(
                "var x; minimize o: {}x{};",
                "(".repeat(3500),
                ")".repeat(3500)
            );
            let minus = format!("var x; minimize o: {}x;", "-".repeat(20_000));
            let sums = format!(
                "set I = {{1}}; var x{{I}} in [0, 1]; minimize o: {}x[i];",
                "sum{i in I} ".repeat(10_000)
            );
            for text in [parens, minus, sums] {
                run_model(text.as_bytes());
            }
            run_net("[".repeat(100_000).as_bytes());
            run_net(format!("{}1{}", "[".repeat(3500), "]".repeat(3500)).as_bytes());
            run_csv(format!("k,v\n{}\n", "\"".repeat(100_000)).as_bytes());
        });
    }

    #[test]
    fn the_seeds_and_fixed_models_reach_evaluation() {
        // mutations should start from inputs that compile, so that they reach every phase
        for (i, s) in MODEL_SEEDS.iter().enumerate().take(2) {
            assert_eq!(run_model(s.as_bytes()).errors, 0, "model seed {i}");
        }
        for net in [ABS_NET, TWO_NET] {
            let (n, diags) = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", net);
            assert!(n.is_some() && diags.is_empty(), "{diags:?}");
        }
        let mut files = Files::new();
        files.insert("n.json".to_string(), TWO_NET.to_string());
        let out = compile(&CompileRequest::new("m.rmod", &net_model(2, 2, 0), &files));
        assert!(out.model.is_some(), "{:?}", out.diagnostics);
        let mut files = Files::new();
        files.insert("d.csv".to_string(), PRICES_CSV.to_string());
        let out = compile(&CompileRequest::new(
            "m.rmod",
            &csv_model(PRICES_CSV, 0),
            &files,
        ));
        assert!(out.model.is_some(), "{:?}", out.diagnostics);
    }

    #[test]
    fn mutations_are_deterministic_for_a_seed() {
        let corpus = builtin_seeds(Target::Net);
        let run = |seed| {
            let mut m = Mutator::new(Target::Net, seed);
            (0..200)
                .map(|i| m.mutate(&corpus[i % corpus.len()], &corpus))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn json_values_are_delimited() {
        let t = br#"{"a": [1, [2, "]"], {"b": "x\"y"}], "c": -1e5}"#;
        let open = t.iter().position(|c| *c == b'[').expect("an array");
        let els = array_elements(t, open);
        let texts: Vec<&[u8]> = els.iter().map(|(s, e)| &t[*s..*e]).collect();
        assert_eq!(
            texts,
            vec![&b"1"[..], &b"[2, \"]\"]"[..], &br#"{"b": "x\"y"}"#[..]]
        );
        let mut m = Mutator::new(Target::Net, 1);
        let mut d = br#"{"version": 1, "layers": []}"#.to_vec();
        m.json_field(&mut d);
        assert!(d.starts_with(b"{"), "{}", String::from_utf8_lossy(&d));
    }

    #[test]
    fn signatures_tell_outcomes_apart() {
        let ok = run_model(b"var x in [0, 1]; minimize o: x;");
        let bad = run_model(b"var x in [0, 1]; minimize o: y;");
        let syntax = run_model(b"var x in [0, 1] minimize o: x;");
        assert_ne!(ok.signature, bad.signature);
        assert_ne!(bad.signature, syntax.signature);
        assert!(bad.errors > 0 && bad.rendered > 0);
    }
}
