//! Datasets and benchmarks.
