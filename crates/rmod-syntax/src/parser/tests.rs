//! Regression tests of the parser on the inputs that once broke parsers: deep nesting, long
//! chains, broken relation chains, non-ASCII runs, statements cut short.

use rmod_diagnostics::FileId;

/// Named inputs: deep, long, broken or odd.
fn inputs() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("5000 (", "(".repeat(5000)),
        ("20000 -", "-".repeat(20000)),
        ("param 20000 -", format!("param p = {}1; var y;", "-".repeat(20000))),
        ("chain 1999", format!("subject to c: {}x <= 1; var y;", "x - ".repeat(1999))),
        ("chain 2001", format!("subject to c: {}x <= 1; var y;", "x - ".repeat(2001))),
        ("or chain", format!("param p = {}1; var y;", "a or ".repeat(2100))),
        ("300 {", format!("set A = {}; var y;", "{".repeat(300))),
        ("300 not", format!("param p = {}x; var y;", "not ".repeat(300))),
        ("300 sum", format!("param p = {}1; var y;", "sum{i in I} ".repeat(300))),
        ("300 [", format!("param p = {}x{}; var z;", "y[".repeat(300), "]".repeat(300))),
        ("non-ASCII", format!("param a = {}; var y;", "ü".repeat(1000))),
        ("quotes", "'a' 'b' 'c' 'd' 'e' 'f' 'g' 'h' 'i' 'j' 'k' 'l' 'm' 'n' 'o' 'p' 'q' 'r' 's' 't' 'u' 'v'".into()),
        ("relations", "subject to c: 1 <= x <= 2 <= 3; subject to d: 1 <= x >= 2; subject to e: x < 1; subject to f: x;".into()),
        ("sets", "set A = {(a, b) in P, (c) in Q: a < b}; set B = {(1, 2), (3, 4)}; set C = {}; set D = 1 + 2;".into()),
        ("maps", "param n{A} = {\"a\": 1, \"b\": 2,}; param o = {1: }; param q = {: 1};".into()),
        ("options", "option a.b.c = 1; option a.set.in = \"x\"; option a. = 1; option .a = 2;".into()),
        ("vars", "var x in [1, 2] integer >= 3 <= 4; var y in [1 2]; var z in 1, 2;".into()),
        ("calls", "subject to c: (x, y) = n(a = x, 3, b = ); subject to d: (x,) = 1;".into()),
        ("statements", "minimize o: 2 x; maximize: x; st c: x; set R = {\"a\"} param x = 3; y;".into()),
        ("cut short", "set S = 1..3; param p{S} default".into()),
    ];
    for (name, n) in [("parentheses 199", 199), ("parentheses 200", 200)] {
        v.push((
            name,
            format!("param p = {}1{}; var y;", "(".repeat(n), ")".repeat(n)),
        ));
    }
    for (name, n) in [("unary 199", 199), ("unary 200", 200)] {
        v.push((name, format!("param p = {}1; var y;", "-".repeat(n))));
    }
    v
}

/// What the parser gave for each input (statements parsed, then each diagnostic's code, primary
/// span and message), recorded from the recursive-descent parser that the nom parser replaced.
const EXPECTED: &[(&str, &[&str])] = &[
        ("5000 (", &["0 statements", "unexpected_token@0..1 expected a statement, found `(`"]),
        ("20000 -", &["0 statements", "unexpected_token@0..1 expected a statement, found `-`"]),
        ("param 20000 -", &["1 statements", "too_deep@209..210 expressions are nested more than 200 levels deep here"]),
        ("chain 1999", &["2 statements"]),
        ("chain 2001", &["1 statements", "too_deep@8018..8019 a statement chains more than 2000 operands with binary operators"]),
        ("or chain", &["1 statements", "too_deep@10015..10016 a statement chains more than 2000 operands with binary operators"]),
        ("300 {", &["0 statements", "unexpected_token@9..10 expected an expression, found `{`"]),
        ("300 not", &["1 statements", "too_deep@810..813 expressions are nested more than 200 levels deep here"]),
        ("300 sum", &["1 statements", "too_deep@2395..2396 expressions are nested more than 200 levels deep here"]),
        ("300 [", &["1 statements", "too_deep@410..411 expressions are nested more than 200 levels deep here"]),
        ("non-ASCII", &["1 statements", "invalid_character@10..2010 unexpected characters starting with `ü`", "unexpected_token@2010..2011 expected an expression, found `;`"]),
        ("quotes", &["0 statements", "invalid_character@0..1 unexpected character `'`", "unexpected_token@1..2 expected a statement, found identifier `a`", "invalid_character@2..3 unexpected character `'`", "invalid_character@4..5 unexpected character `'`", "invalid_character@6..7 unexpected character `'`", "invalid_character@8..9 unexpected character `'`", "invalid_character@10..11 unexpected character `'`", "invalid_character@12..13 unexpected character `'`", "invalid_character@14..15 unexpected character `'`", "invalid_character@16..17 unexpected character `'`", "invalid_character@18..19 unexpected character `'`", "invalid_character@20..21 unexpected character `'`", "invalid_character@22..23 unexpected character `'`", "invalid_character@24..25 unexpected character `'`", "invalid_character@26..27 unexpected character `'`", "invalid_character@28..29 unexpected character `'`", "invalid_character@30..31 unexpected character `'`", "invalid_character@32..33 unexpected character `'`", "invalid_character@34..35 unexpected character `'`", "invalid_character@36..37 unexpected character `'`", "invalid_character@38..39 unexpected character `'`"]),
        ("relations", &["0 statements", "relation_chain@26..28 a constraint has at most two relations", "relation_chain@48..50 a ranged constraint needs two `<=` or two `>=`", "strict_inequality@75..76 strict inequality `<` in a constraint", "unexpected_token@95..96 expected `<=`, `>=` or `=`, found `;`"]),
        ("sets", &["3 statements", "expected_set@86..91 expected a set"]),
        ("maps", &["1 statements", "unexpected_token@46..47 expected an expression, found `}`", "unexpected_token@60..61 expected an expression, found `:`"]),
        ("options", &["2 statements", "unexpected_token@51..52 expected an option name after `.`, found `=`", "unexpected_token@63..64 expected an option name, found `.`"]),
        ("vars", &["1 statements", "unexpected_token@47..48 expected `,`, found number `2`", "unexpected_token@60..61 expected `[`, found number `1`"]),
        ("calls", &["0 statements", "unexpected_token@39..40 expected an expression, found `)`", "unexpected_token@59..60 expected an expression, found `)`"]),
        ("statements", &["1 statements", "unexpected_token@14..15 expected `;`, found identifier `x`", "unexpected_token@25..26 expected an objective name, found `:`", "unexpected_token@30..32 expected a statement, found identifier `st`", "unexpected_token@53..58 expected `;`, found keyword `param`", "unexpected_token@66..67 expected a statement, found identifier `y`"]),
        ("cut short", &["1 statements", "unexpected_token@32..32 expected an expression, found end of file"]),
        ("parentheses 199", &["2 statements"]),
        ("parentheses 200", &["1 statements", "too_deep@210..211 expressions are nested more than 200 levels deep here"]),
        ("unary 199", &["2 statements"]),
        ("unary 200", &["1 statements", "too_deep@209..210 expressions are nested more than 200 levels deep here"]),
];

#[test]
fn tricky_inputs_keep_their_diagnostics() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let inputs = inputs();
            assert_eq!(inputs.len(), EXPECTED.len());
            for ((name, text), (want_name, want)) in inputs.iter().zip(EXPECTED) {
                assert_eq!(name, want_name);
                let (ast, diags) = crate::parse(FileId(0), text);
                let mut got = vec![format!("{} statements", ast.stmts.len())];
                for d in &diags {
                    let s = d.primary_span().unwrap_or_default();
                    let code = d.code.trim_start_matches("rmod::syntax::");
                    got.push(format!("{code}@{}..{} {}", s.start, s.end, d.message));
                }
                assert_eq!(&got, want, "{name}");
            }
        })
        .expect("thread")
        .join()
        .expect("no failure");
}

#[test]
fn broken_statements_keep_their_names_and_parsed_ones_their_spans() {
    let text = "var x; param cap = 10 subject to c: x <= 1; var = 3; subject to d: x >= ;";
    let (ast, diags) = crate::parse(rmod_diagnostics::FileId(0), text);
    assert_eq!(diags.len(), 3);
    let names: Vec<Option<&str>> = ast
        .broken
        .iter()
        .map(|b| b.name.as_ref().map(|n| n.name.as_str()))
        .collect();
    assert_eq!(names, vec![Some("cap"), None, Some("d")]);
    assert_eq!(ast.spans.len(), ast.stmts.len());
    let slices: Vec<&str> = ast
        .spans
        .iter()
        .map(|s| &text[s.start as usize..s.end as usize])
        .collect();
    assert_eq!(slices, vec!["var x;", "subject to c: x <= 1;"]);
    let b = ast.broken[0].span;
    assert_eq!(&text[b.start as usize..b.end as usize], "param cap = 10");
}
