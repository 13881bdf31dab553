//! Schema compatibility (placeholder).
