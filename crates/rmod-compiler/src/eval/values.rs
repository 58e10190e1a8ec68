//! The values evaluation computes (sets, parameters, variables, data) and how keys and sets are
//! shown in diagnostics.

use rmod_diagnostics::code;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use rmod_diagnostics::{Diagnostic, Span};
use rmod_ir::Elem;

pub struct SetVal {
    pub dim: usize,
    pub tuples: Vec<Vec<Elem>>,
    pub members: HashSet<Vec<Elem>>,
}

impl SetVal {
    pub(super) fn new(dim: usize, tuples: Vec<Vec<Elem>>) -> SetVal {
        let members = tuples.iter().cloned().collect();
        SetVal {
            dim,
            tuples,
            members,
        }
    }
}

/// `set J{i in I} = ...`: one set per index tuple.
pub(super) struct IndexedSetVal {
    pub(super) sets: HashMap<Vec<Elem>, Rc<SetVal>>,
    pub(super) index: Rc<SetVal>,
}

pub(super) struct ParamVal {
    pub(super) scalar: Option<f64>,
    pub(super) map: HashMap<Vec<Elem>, f64>,
    pub(super) default: Option<f64>,
    pub(super) index: Option<Rc<SetVal>>,
    pub(super) span: Span,
}

pub(super) struct VarVal {
    pub(super) cols: HashMap<Vec<Elem>, u32>,
    pub(super) index: Rc<SetVal>,
    pub(super) span: Span,
}

pub(super) enum Val {
    Num(f64),
    Elem(Elem),
    Tuple(Vec<Elem>),
}

pub(super) fn show_key(key: &[Elem]) -> String {
    let parts: Vec<String> = key.iter().map(Elem::to_source).collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("({})", parts.join(", "))
    }
}

pub(super) fn preview(set: &SetVal) -> String {
    let mut parts: Vec<String> = set.tuples.iter().take(4).map(|t| show_key(t)).collect();
    if set.tuples.len() > 4 {
        parts.push(format!("... ({} in all)", set.tuples.len()));
    }
    if parts.is_empty() {
        "nothing: the set is empty".into()
    } else {
        parts.join(", ")
    }
}

pub(super) fn key_not_in_set(key: &[Elem], span: Span, name: &str, index: &SetVal) -> Diagnostic {
    Diagnostic::error(
        code::DATA_KEY_NOT_IN_SET,
        format!(
            "key {} is not in the index set of {}",
            show_key(key),
            if name.starts_with("the ") {
                name.to_string()
            } else {
                format!("`{name}`")
            }
        ),
    )
    .with_label(span, "unknown key")
    .with_help(format!("the index set holds {}", preview(index)))
}
