//! CSV data end to end through the one reader: a `;` file with a byte order mark, quoted keys
//! that hold the separator, decimal commas and CRLF, and `csv(..., subset = true)`, solved by
//! `rmod solve` against brute force over the binaries.

use crate::util::{code, rmod, stderr, stdout, tmp};

/// Items: (key, value, weight), and rows of the weight file for keys the model does not have.
const ITEMS: &[(&str, f64, f64)] = &[
    ("pump; large", 12.5, 4.0),
    ("valve 'A'", 7.25, 3.0),
    ("pipe", 9.75, 5.0),
    ("seal", 4.5, 1.0),
];
const OTHERS: &[(&str, f64)] = &[("gasket", 2.0), ("flange", 7.0)];
const CAPACITY: f64 = 8.0;

/// A value with a decimal comma, as a `;` file from a German spreadsheet writes it.
fn comma(v: f64) -> String {
    format!("{v}").replace('.', ",")
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn write_files(dir: &std::path::Path) -> String {
    std::fs::create_dir_all(dir).expect("dir");
    // values: `;`, BOM, CRLF, quoted keys and header, decimal commas, a blank line at the end
    // and a note column whose quoted fields hold `""` escapes, separators and a line break
    let mut values = String::from("\u{feff}\"item\";\"value (EUR)\";note\r\n");
    for (k, v, _) in ITEMS {
        let note = quoted(&format!("the \"{k}\"; in stock,\r\nsince May"));
        values.push_str(&format!("{};{};{note}\r\n", quoted(k), comma(*v)));
    }
    values.push_str("\r\n");
    std::fs::write(dir.join("values.csv"), values).expect("write");
    // weights: `,`, rows for other items (skipped by subset = true), the model's items reversed
    let mut weights = String::from("item,kg\n");
    for (k, w) in OTHERS {
        weights.push_str(&format!("{k},{w}\n"));
    }
    for (k, _, w) in ITEMS.iter().rev() {
        weights.push_str(&format!("{},{w}\n", quoted(k)));
    }
    std::fs::write(dir.join("weights.csv"), weights).expect("write");
    let items: Vec<String> = ITEMS.iter().map(|(k, _, _)| format!("\"{k}\"")).collect();
    format!(
        "set I = {{{}}};\nparam value{{I}} = csv(\"values.csv\", key = \"item\", value = \"value (EUR)\");\nparam kg{{I}} = csv(\"weights.csv\", key = \"item\", value = \"kg\", subset = true);\nvar take{{I}} binary;\nsubject to cap: sum{{i in I}} kg[i] * take[i] <= {CAPACITY};\nmaximize total: sum{{i in I}} value[i] * take[i];\n",
        items.join(", ")
    )
}

/// The best total value over every subset of the items within the capacity.
fn brute_force() -> f64 {
    let n = ITEMS.len();
    (0..1u32 << n)
        .filter(|m| {
            (0..n)
                .filter(|i| (m >> i) & 1 == 1)
                .map(|i| ITEMS[i].2)
                .sum::<f64>()
                <= CAPACITY
        })
        .map(|m| {
            (0..n)
                .filter(|i| (m >> i) & 1 == 1)
                .map(|i| ITEMS[i].1)
                .sum::<f64>()
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

#[test]
fn semicolon_file_with_bom_quotes_and_subset() {
    let dir = tmp("csv-data");
    let model = write_files(&dir);
    let path = dir.join("knapsack.rmod");
    std::fs::write(&path, &model).expect("write");
    let o = rmod(&["solve", &path.display().to_string(), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let got = doc["objective"]["value"].as_f64().expect("objective");
    let want = brute_force();
    assert!((got - want).abs() <= 1e-6 * want.abs(), "{got} vs {want}");
    // the chosen items' values, read with their decimal commas, add up to the objective
    let chosen: f64 = ITEMS
        .iter()
        .map(|(k, v, _)| doc["variables"]["take"][*k].as_f64().expect("take") * v)
        .sum();
    assert!(
        (chosen - want).abs() <= 1e-6 * want.abs(),
        "{chosen} vs {want}"
    );

    // without `subset = true` the other items' rows are an error that names the key
    std::fs::write(&path, model.replace(", subset = true", "")).expect("write");
    let o = rmod(&["check", &path.display().to_string()]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("gasket"), "{err}");
    assert!(err.contains("subset = true"), "{err}");
}

#[test]
fn quote_escapes_in_a_training_file() {
    // `rmod train` reads through the same reader: a `;` file with BOM, a quoted header with a
    // doubled quote, and decimal commas
    let dir = tmp("csv-train");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut text = String::from("\u{feff}\"x \"\"in\"\"\";y\r\n");
    for i in 0..40 {
        let x = i as f64 / 4.0;
        text.push_str(&format!("{};{}\r\n", comma(x), comma(2.0 * x + 1.0)));
    }
    let data = dir.join("d.csv");
    std::fs::write(&data, text).expect("write");
    let out = dir.join("n.json");
    let o = rmod(&[
        "train",
        &data.display().to_string(),
        "--inputs",
        "x \"in\"",
        "--outputs",
        "y",
        "--layers",
        "1x4",
        "--epochs",
        "5",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let net: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("net")).expect("json");
    // the data's range, read with decimal commas: 0 .. 9.75
    assert_eq!(net["input_bounds"][0][0].as_f64(), Some(0.0));
    assert_eq!(net["input_bounds"][0][1].as_f64(), Some(39.0 / 4.0));
}
