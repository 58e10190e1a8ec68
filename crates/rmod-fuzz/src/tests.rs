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
fn every_model_seed_formats_to_the_same_tree_idempotently() {
    let mut parsed = 0;
    for (i, s) in builtin_seeds(Target::Model).iter().enumerate() {
        let text = String::from_utf8_lossy(s);
        parsed += usize::from(check_fmt(&text).unwrap_or_else(|e| panic!("seed {i}: {e}")));
    }
    assert!(parsed > 0);
    // inputs that do not parse get diagnostics, not a formatting
    for bad in ["var x >= ;", "set S = {'a'};", "/* open", "param p = (((1;"] {
        assert_eq!(check_fmt(bad), Ok(false), "{bad}");
    }
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
fn onnx_files_never_panic() {
    on_big_stack(|| fuzz(Target::Onnx, 3000, 4));
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
