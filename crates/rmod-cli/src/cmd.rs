//! One module per command; each `command` function runs one and returns its exit code.

pub mod check;
pub mod expand;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod net;
pub mod net_docs;
pub mod solve;
pub mod sweep;
pub mod train;
