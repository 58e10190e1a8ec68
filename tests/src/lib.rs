//! Integration tests of rmod live in `main.rs`; this library is empty.
