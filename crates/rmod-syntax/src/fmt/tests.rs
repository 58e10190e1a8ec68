//! Unit tests of the formatter: spacing, breaking, comments, idempotence, and the same syntax
//! tree before and after.

use super::*;

/// The syntax tree without its spans.
fn shape(text: &str) -> String {
    let (ast, diags) = crate::parse(FileId(0), text);
    assert!(diags.is_empty(), "{diags:#?}");
    ast.shape()
}

/// Formats, and checks that formatting again changes nothing and that the tree is the same.
fn fmt(text: &str) -> String {
    let once = format(FileId(0), text).expect("parses");
    let twice = format(FileId(0), &once).expect("still parses");
    assert_eq!(once, twice, "not idempotent:\n{once}");
    assert!(layout(text).is_some(), "the layout changed a token");
    assert_eq!(shape(text), shape(&once));
    once
}

#[test]
fn spacing_is_normalized() {
    assert_eq!(
        fmt("set  R={\"a\" ,\"b\"} ;var x { R }>=0,<=10 ;"),
        "set R = {\"a\", \"b\"};\nvar x{R} >= 0, <= 10;\n"
    );
    assert_eq!(
        fmt("param p{i in 1 .. 10}=-2^-i+ - 3*(i mod 2)/4;"),
        "param p{i in 1..10} = -2^-i + -3 * (i mod 2) / 4;\n"
    );
    assert_eq!(
        fmt("subject to c{(r,s) in P:r!=s}:sum{i in I}-x[i,r]>=-abs(-1)+ord(r)-card(I);"),
        "subject to c{(r, s) in P: r != s}: sum{i in I} -x[i, r] >= -abs(-1) + ord(r) - card(I);\n"
    );
    assert_eq!(
        fmt("option cbc . cuts = \"off\";"),
        "option cbc.cuts = \"off\";\n"
    );
    // `1...5` would lex differently: the space stays
    assert_eq!(fmt("set S = 1. .. .5;"), "set S = 1. .. .5;\n");
    assert_eq!(fmt("set S = 1 .. .5;"), "set S = 1.. .5;\n");
}

#[test]
fn every_statement_kind() {
    let text = "set A=B union{\"x\"}diff C inter D*E;set J{i in I}={j in I:j<=i};\
        param cap{R}>=0 default 0={\"R1\":50,(\"a\",2):1};\
        param c{h in H}=if h mod 24>=8 and not h in S then 1.5 else 1;\
        param t=max{h in H:h in NEAR[1]}peak[h]+prod{h in 1..3}1.1+min(1,2);\
        var n integer>=0<=5;var f{r in R}in[0,cap[r]];var on{R}binary;\
        net reactor=relu_net(\"nets/r.json\",bounds=\"lp\");\
        subject to m{f in F}:heat[f]=reactor(feed=fuel[f],T=550)if on[f];\
        subject to k:(a,b)=reactor(x,y);subject to band:1<=x+y<=2;\
        maximize z:x-y;fix{i in I:i>3}y[i]=0;fix n=2;option time_limit=60;";
    let want = "\
set A = B union {\"x\"} diff C inter D * E;
set J{i in I} = {j in I: j <= i};
param cap{R} >= 0 default 0 = {\"R1\": 50, (\"a\", 2): 1};
param c{h in H} = if h mod 24 >= 8 and not h in S then 1.5 else 1;
param t = max{h in H: h in NEAR[1]} peak[h] + prod{h in 1..3} 1.1 + min(1, 2);
var n integer >= 0 <= 5;
var f{r in R} in [0, cap[r]];
var on{R} binary;
net reactor = relu_net(\"nets/r.json\", bounds = \"lp\");
subject to m{f in F}: heat[f] = reactor(feed = fuel[f], T = 550) if on[f];
subject to k: (a, b) = reactor(x, y);
subject to band: 1 <= x + y <= 2;
maximize z: x - y;
fix {i in I: i > 3} y[i] = 0;
fix n = 2;
option time_limit = 60;
";
    assert_eq!(fmt(text), want);
}

#[test]
fn comments_stay_in_place() {
    let text =
        "# head\n\n\n\nset A = {1};   # one\nvar x;# two\n  # own line\n/* block */ var y;\n\
                subject to c: x /* inline */ + y # inside\n  <= 3; /* after */ # end\n\n# tail\n";
    let want = "\
# head

set A = {1};  # one
var x;        # two
# own line
/* block */
var y;
subject to c: x /* inline */ + y  # inside
    <= 3;                         /* after */ # end

# tail
";
    assert_eq!(fmt(text), want);
    // every comment survives
    for c in [
        "# head",
        "# one",
        "# two",
        "# own line",
        "/* block */",
        "/* inline */",
        "# inside",
        "/* after */",
        "# end",
        "# tail",
    ] {
        assert!(want.contains(c));
    }
}

#[test]
fn own_line_comments_inside_a_statement() {
    let text = "maximize z:\n  # the first part\n  x\n  /* and\n  more */ + y;";
    let out = fmt(text);
    assert_eq!(
        out,
        "maximize z:\n    # the first part\n    x /* and\n  more */ + y;\n"
    );
}

#[test]
fn blank_lines_collapse_and_statements_split() {
    assert_eq!(
        fmt("var x; var y;\n\n\n\nvar z;\n\n"),
        "var x;\nvar y;\n\nvar z;\n"
    );
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("# only\n\n"), "# only\n");
    assert_eq!(fmt("var x;\r\n# c\r\n"), "var x;\n# c\n");
}

#[test]
fn long_objectives_break_after_the_header_then_before_terms() {
    let text = "maximize profit: sum{g in GRADES} price[g] * make[g] - feed_cost * sum{r in REACTORS} feed[r] \
                - steam_cost * duty - sum{r in REACTORS} fixed[r] * on[r];";
    let want = "\
maximize profit:
    sum{g in GRADES} price[g] * make[g]
    - feed_cost * sum{r in REACTORS} feed[r]
    - steam_cost * duty
    - sum{r in REACTORS} fixed[r] * on[r];
";
    assert_eq!(fmt(text), want);
    let short = "minimize total_cost: sum{s in SITES} fixed[s] * open[s] + sum{s in SITES, c in C} flow[s, c];";
    assert_eq!(fmt(short), format!("{short}\n"));
}

#[test]
fn long_constraints_break_before_relations_and_switches() {
    let lhs = (0..12)
        .map(|i| format!("coef_{i} * x[{i}]"))
        .collect::<Vec<_>>()
        .join(" + ");
    let text = format!("subject to c{{i in I}}: {lhs} <= 5 * cap[i] if on[i];");
    let out = fmt(&text);
    assert!(
        out.starts_with("subject to c{i in I}:\n    coef_0 * x[0]\n    + coef_1 * x[1]\n"),
        "{out}"
    );
    assert!(
        out.ends_with("    + coef_11 * x[11]\n    <= 5 * cap[i]\n    if on[i];\n"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.len() <= WIDTH));
}

#[test]
fn long_lists_fill_lines_at_their_depth() {
    let entries = (0..40)
        .map(|i| format!("\"k{i}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let out = fmt(&format!("param p{{K}} = {{{entries}}};"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "param p{K} =");
    assert!(lines[1].starts_with("    {\"k0\": 0, "));
    assert!(lines[2].starts_with("        \"k"), "{out}");
    assert!(lines.iter().all(|l| l.len() <= WIDTH), "{out}");
    let csv = "param dist{PLANTS, MARKETS} = csv(\"distances.csv\", key = (\"plant\", \"market\"), value = \"thousand_miles\");";
    assert_eq!(
        fmt(csv),
        "param dist{PLANTS, MARKETS} =\n    csv(\"distances.csv\", key = (\"plant\", \"market\"), value = \"thousand_miles\");\n"
    );
}

#[test]
fn a_line_comment_before_the_semicolon_keeps_the_semicolon_after_it() {
    let out = fmt("var x # c\n;");
    assert_eq!(out, "var x  # c\n    ;\n");
}

#[test]
fn files_with_errors_are_not_formatted() {
    let e = format(FileId(0), "var x >= ;\nset S = {'a'};").unwrap_err();
    assert!(e.iter().all(|d| d.code.starts_with("rmod::syntax::")));
    assert!(format(FileId(0), "/* open").is_err());
}

#[test]
fn deep_and_long_inputs_do_not_panic() {
    let deep = format!("param p = {}1{};", "(".repeat(150), ")".repeat(150));
    let out = fmt(&deep);
    assert!(out.contains(&"(".repeat(150)));
    let too_deep = format!("param p = {}1{};", "(".repeat(300), ")".repeat(300));
    assert!(format(FileId(0), &too_deep).is_err());
    let chain = format!("param p = {}1;", "1 + ".repeat(1500));
    let out = fmt(&chain);
    assert!(out.lines().all(|l| l.len() <= WIDTH));
}

/// `text` with every gap between two tokens that holds no comment and no blank line replaced
/// by `with`.
fn respace(text: &str, with: &str) -> String {
    let (toks, _) = lex(FileId(0), text);
    let mut out = String::new();
    let mut at = 0;
    for t in &toks {
        let start = t.span.start as usize;
        let gap = &text[at..start];
        let g = trivia::scan(gap);
        if at > 0 && g.comments.is_empty() && g.breaks_after < 2 && start < text.len() {
            out.push_str(with);
        } else {
            out.push_str(gap);
        }
        out.push_str(&text[start..t.span.end as usize]);
        at = t.span.end as usize;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn the_layout_does_not_depend_on_the_original_spacing() {
    let models = [
        include_str!("../../../../examples/plant/plant.rmod"),
        include_str!("../../../../examples/transport/transport.rmod"),
        include_str!("../../../../examples/facility/facility.rmod"),
        include_str!("../../../../examples/production/production.rmod"),
        include_str!("../../../../examples/safety/safety.rmod"),
        include_str!("../../../../tests/models/furnaces.rmod"),
        include_str!("../../../../tests/models/large_transport.rmod"),
    ];
    for m in models {
        let once = fmt(m);
        assert_eq!(once, m, "a shipped model is not formatted");
        for with in ["", " ", "\n", "  \t", "\n        "] {
            let moved = respace(m, with);
            let (_, d) = crate::parse(FileId(0), &moved);
            if !d.is_empty() {
                // without any space two words would run together
                assert_eq!(with, "");
                continue;
            }
            assert_eq!(fmt(&moved), once, "respaced with {with:?}");
        }
    }
}
