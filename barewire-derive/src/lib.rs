//! Derive macros for barewire.
