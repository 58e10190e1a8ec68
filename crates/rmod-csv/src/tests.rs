//! The reader on BOM, separators, quotes, CRLF, blank lines, ragged rows and numbers.

use rmod_diagnostics::{code, FileId};

use crate::{parse, Table};

fn read(text: &str) -> Table {
    parse(FileId(1), "d.csv", text).unwrap()
}

fn texts(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
        .collect()
}

#[test]
fn byte_order_mark_is_skipped_and_spans_stay_in_the_file() {
    let text = "\u{feff}grade,usd\nlight,1\n";
    let t = read(text);
    assert_eq!(t.names(), vec!["grade", "usd"]);
    let s = t.header[0].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "grade");
    let s = t.rows[0].cells[1].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "1");
}

#[test]
fn separator_is_detected_from_the_header() {
    let t = read("a;b;c\n1;2,5;3\n");
    assert_eq!(t.separator, ';');
    assert_eq!(texts(&t), vec![vec!["1", "2,5", "3"]]);
    assert_eq!(t.number("2,5"), Some(2.5));
    let t = read("a\tb\n 1\t2 \n");
    assert_eq!(t.separator, '\t');
    assert_eq!(texts(&t), vec![vec!["1", "2"]]);
    assert_eq!(t.number("2,5"), None, "a decimal comma only in `;` files");
    let t = read("a,b\n1,2\n");
    assert_eq!(t.separator, ',');
    // a separator inside quotes in the header does not count
    let t = read("\"x;y;z\",b\n1,2\n");
    assert_eq!(t.separator, ',');
    assert_eq!(t.names(), vec!["x;y;z", "b"]);
    // one column: comma
    let t = read("only\n1\n");
    assert_eq!(t.separator, ',');
}

#[test]
fn quoted_fields_follow_rfc_4180() {
    let text = "k,v\n\"a,b\",\"say \"\"hi\"\"\"\n \"c\" , 2\n\"two\nlines\",3\nlast,4";
    let t = read(text);
    assert_eq!(
        texts(&t),
        vec![
            vec!["a,b", "say \"hi\""],
            vec!["c", "2"],
            vec!["two\nlines", "3"],
            vec!["last", "4"]
        ]
    );
    assert!(t.rows[0].cells[0].quoted);
    let s = t.rows[0].cells[0].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "\"a,b\"");
    // a record with a quoted line break starts on its first line; the next one counts both
    assert_eq!(
        t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 4, 6]
    );
}

#[test]
fn crlf_and_blank_lines() {
    let t = read("a,b\r\n\r\n1,2\r\n  \r\n3,4\r\n\r\n\r\n");
    assert_eq!(texts(&t), vec![vec!["1", "2"], vec!["3", "4"]]);
    assert_eq!(t.rows[1].line, 5);
    assert_eq!(t.header[1].text, "b");
    let t = read("");
    assert!(t.header.is_empty() && t.rows.is_empty());
    let t = read("\u{feff}\n\n");
    assert!(t.header.is_empty());
}

#[test]
fn ragged_rows_are_counted_in_fields() {
    let text = "plant,market,usd\na,b,1\nc,d\ne,f,2,3\n";
    let t = read(text);
    assert!(t.check_width(&t.rows[0]).is_ok());
    let e = t.check_width(&t.rows[1]).unwrap_err();
    assert_eq!(e.code, code::DATA_CSV_ROW);
    assert!(
        e.message
            .contains("line 3 has 2 field(s), the header has 3"),
        "{}",
        e.message
    );
    assert!(
        e.labels[0].message.contains("field 3 (`usd`)"),
        "{:?}",
        e.labels
    );
    let e = t.check_width(&t.rows[2]).unwrap_err();
    let s = e.labels[0].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "3");
    assert_eq!(t.at(&t.rows[2], 2), "field 3 (`usd`) of line 4");
}

#[test]
fn unclosed_quotes_and_text_after_a_quote_are_errors() {
    let e = parse(FileId(1), "d.csv", "a,b\n\"x,1\n2,3\n").unwrap_err();
    assert_eq!(e.code, code::DATA_CSV_QUOTE);
    assert!(e.message.contains("line 2"), "{}", e.message);
    assert_eq!(e.labels[0].span.start, 4);
    let text = "a,b\n\"x\"y,1\n";
    let e = parse(FileId(1), "d.csv", text).unwrap_err();
    assert_eq!(e.code, code::DATA_CSV_QUOTE);
    let s = e.labels[0].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "y");
}

#[test]
fn numbers() {
    let t = read("a,b\n");
    assert_eq!(t.number(" 1.5e3 "), Some(1500.0));
    assert_eq!(t.number("NaN"), None);
    assert_eq!(t.number("inf"), None);
    assert_eq!(t.number("1,5"), None);
    let t = read("a;b\n");
    assert_eq!(t.number("-1,25"), Some(-1.25));
    assert_eq!(t.number("1,000.5"), None);
    assert_eq!(t.number("1,2,3"), None);
}

#[test]
fn unicode_fields_keep_their_bytes() {
    let text = "name;wert\n\"Müller; Söhne\";3,5\nÄ;1\n";
    let t = read(text);
    assert_eq!(
        texts(&t),
        vec![vec!["Müller; Söhne", "3,5"], vec!["Ä", "1"]]
    );
    let s = t.rows[1].cells[0].span;
    assert_eq!(&text[s.start as usize..s.end as usize], "Ä");
}
