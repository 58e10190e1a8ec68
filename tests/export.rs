//! LP/MPS writers: CBC's own MPS reader gets the same optimum, and output is byte-identical.

use crate::util::{code, compile_file, rmod, tmp};

#[test]
fn mps_round_trip_through_cbc_reader() {
    for rel in [
        "examples/transport/transport.rmod",
        "examples/production/production.rmod",
        "examples/facility/facility.rmod",
    ] {
        let model = compile_file(rel, vec![], vec![]).model.expect("compiles");
        let direct = rmod_solver::solve(&model, None);
        let path = tmp(&format!("{}.mps", rel.replace('/', "_")));
        std::fs::write(&path, rmod_ir::write_mps(&model)).expect("write");
        let sense = model
            .objective
            .as_ref()
            .map_or(rmod_ir::Sense::Minimize, |o| o.sense);
        let (status, obj) = rmod_solver::solve_mps_file(&path, sense);
        assert_eq!(status, rmod_ir::Status::Optimal, "{rel}");
        let obj = obj.expect("objective");
        let want = direct.objective.expect("objective");
        assert!(
            (obj - want).abs() < 1e-6 * (1.0 + want.abs()),
            "{rel}: MPS {obj} vs direct {want}"
        );
    }
}

#[test]
fn export_is_byte_identical_between_runs() {
    let a = tmp("a.lp");
    let b = tmp("b.lp");
    let am = tmp("a.mps");
    let bm = tmp("b.mps");
    for (lp, mps) in [(&a, &am), (&b, &bm)] {
        let o = rmod(&[
            "export",
            "examples/facility/facility.rmod",
            "--lp",
            lp.to_str().expect("utf8"),
            "--mps",
            mps.to_str().expect("utf8"),
        ]);
        assert_eq!(code(&o), 0);
    }
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    assert_eq!(
        std::fs::read(&am).expect("a"),
        std::fs::read(&bm).expect("b")
    );
    let lp = std::fs::read_to_string(&a).expect("lp");
    assert!(lp.contains("Generals"), "{lp}");
    assert!(lp.contains("open(north)"), "{lp}");
}

#[test]
fn free_variables_stay_free() {
    let dir = tmp("free");
    std::fs::create_dir_all(&dir).expect("dir");
    let m = dir.join("free.rmod");
    std::fs::write(
        &m,
        "var x; var y >= -3; subject to c: x + y >= 1; minimize o: x + 2 * y;",
    )
    .expect("write");
    let lp = dir.join("free.lp");
    let o = rmod(&[
        "export",
        m.to_str().expect("utf8"),
        "--lp",
        lp.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0);
    let text = std::fs::read_to_string(&lp).expect("lp");
    assert!(text.contains(" x free\n"), "{text}");
    assert!(text.contains(" y >= -3\n"), "{text}");
}
