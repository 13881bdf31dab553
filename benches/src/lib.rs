//! Datasets, benchmark cases and the comparison report for barewire.
//!
//! Four deterministic, seeded datasets ([`log`], [`mesh`], [`minecraft`],
//! [`corpus`]), each deriving barewire's codec, serde and rkyv, and a table
//! of benchmark [`Case`](cases::Case)s shared by the criterion benches
//! (`cargo bench -p barewire-benches`) and the comparison report
//! (`cargo run --release -p barewire-benches --bin compare`).
#![deny(missing_docs)]

pub mod cases;
pub mod chart;
pub mod corpus;
pub mod documents;
pub mod log;
pub mod mesh;
pub mod minecraft;
pub mod rng;
