//! Solves.
extern crate cbc_src;
pub fn f() { let _ = coin_cbc::Model::default(); }
