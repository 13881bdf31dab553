//! Rust code from a schema.
