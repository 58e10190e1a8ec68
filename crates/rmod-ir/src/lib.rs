//! The flat MILP.
