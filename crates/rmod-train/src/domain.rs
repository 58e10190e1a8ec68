//! The network's input box: the data's own box, or the one `rmod train --box` gives, checked
//! against the inputs (one interval each, finite, lo < hi) and against the data (a box that
//! reaches far beyond the data is extrapolation, a warning).

use rmod_diagnostics::{code, Diagnostic};

use crate::Table;

/// How far beyond the data a box may reach on a side before it is called extrapolation: this
/// share of the data's range on that input.
pub const EXTRAPOLATION_SHARE: f64 = 0.25;

/// The smallest box that holds every row's inputs.
pub fn data_box(table: &Table) -> Vec<(f64, f64)> {
    (0..table.inputs.len())
        .map(|k| {
            table
                .x
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
                    (a.min(r[k]), b.max(r[k]))
                })
        })
        .collect()
}

fn show(b: &[(f64, f64)]) -> String {
    b.iter()
        .map(|(a, b)| format!("[{a},{b}]"))
        .collect::<Vec<_>>()
        .join("x")
}

/// Checks a box for the network's inputs (`rmod::train::bad_box`): one interval per input,
/// finite, lo < hi.
pub fn check_box(inputs: &[String], bx: &[(f64, f64)]) -> Result<(), Diagnostic> {
    if bx.len() != inputs.len() {
        return Err(Diagnostic::error(
            code::TRAIN_BAD_BOX,
            format!(
                "--box has {} interval(s), --inputs names {} input(s) ({})",
                bx.len(),
                inputs.len(),
                inputs.join(", ")
            ),
        )
        .with_help(format!(
            "give one interval per input, in the order of --inputs, e.g. `{}`",
            show(&vec![(0.0, 1.0); inputs.len()])
        )));
    }
    for (name, (lo, hi)) in inputs.iter().zip(bx) {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(Diagnostic::error(
                code::TRAIN_BAD_BOX,
                format!("--box: the interval of `{name}` is [{lo},{hi}]"),
            )
            .with_help("each interval needs finite bounds with lo < hi"));
        }
    }
    Ok(())
}

/// A warning (`rmod::train::extrapolation`) when `bx` reaches beyond the data's box `data` by
/// more than [`EXTRAPOLATION_SHARE`] of the data's range on some side of some input.
pub fn extrapolation(
    inputs: &[String],
    data: &[(f64, f64)],
    bx: &[(f64, f64)],
) -> Option<Diagnostic> {
    let mut far = Vec::new();
    for ((name, (dlo, dhi)), (lo, hi)) in inputs.iter().zip(data).zip(bx) {
        let slack = EXTRAPOLATION_SHARE * (dhi - dlo);
        if *lo < dlo - slack {
            far.push(format!("`{name}` down to {lo} (data from {dlo})"));
        }
        if *hi > dhi + slack {
            far.push(format!("`{name}` up to {hi} (data to {dhi})"));
        }
    }
    if far.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            code::TRAIN_EXTRAPOLATION,
            format!(
                "--box reaches far beyond the data: {}; the network is extrapolation there",
                far.join(", ")
            ),
        )
        .with_note(format!("the data's box is {}", show(data)))
        .with_help(format!(
            "a network is only trustworthy where it saw data: keep --box within {}% of the data's range beyond it, collect data there, or restrict a model's use to the data with `relu_net(..., domain = \"data\")`",
            (100.0 * EXTRAPOLATION_SHARE) as i64
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn data_box_is_the_inputs_range() {
        let t = Table {
            inputs: names(2),
            outputs: vec!["y".into()],
            x: vec![vec![1.0, -2.0], vec![3.0, 5.0], vec![2.0, 0.0]],
            y: vec![vec![0.0]; 3],
        };
        assert_eq!(data_box(&t), vec![(1.0, 3.0), (-2.0, 5.0)]);
    }

    #[test]
    fn bad_boxes() {
        let e = check_box(&names(2), &[(0.0, 1.0)]).unwrap_err();
        assert_eq!(e.code, code::TRAIN_BAD_BOX);
        assert!(e.message.contains("1 interval(s)"), "{}", e.message);
        let e = check_box(&names(1), &[(1.0, 1.0)]).unwrap_err();
        assert_eq!(e.code, code::TRAIN_BAD_BOX);
        assert!(check_box(&names(1), &[(0.0, f64::INFINITY)]).is_err());
        assert!(check_box(&names(1), &[(0.0, 1.0)]).is_ok());
    }

    #[test]
    fn extrapolation_beyond_a_quarter_of_the_range() {
        let data = [(0.0, 100.0), (10.0, 20.0)];
        // 25 beyond on x1 and 2.5 on x2: within
        assert!(extrapolation(&names(2), &data, &[(-25.0, 125.0), (7.5, 22.5)]).is_none());
        // narrower than the data: not extrapolation
        assert!(extrapolation(&names(2), &data, &[(10.0, 90.0), (12.0, 18.0)]).is_none());
        let w = extrapolation(&names(2), &data, &[(0.0, 200.0), (10.0, 20.0)]).unwrap();
        assert_eq!(w.code, code::TRAIN_EXTRAPOLATION);
        assert!(
            w.message.contains("`x1` up to 200 (data to 100)"),
            "{}",
            w.message
        );
        let w = extrapolation(&names(2), &data, &[(0.0, 100.0), (7.0, 20.0)]).unwrap();
        assert!(w.message.contains("`x2` down to 7"), "{}", w.message);
    }
}
