//! `barewire gen`: Rust types from a schema, through the one generator
//! (`barewire_schema::codegen`) that `include_schema!` and `barewire-build`
//! use too.

use barewire::schema::Schema;
use barewire_schema::codegen::{Config, generate as generate_types, generate_with_docs};
use barewire_schema::{ParseOptions, parse_with_docs};

/// Rust source for every type `schema` defines, with the `##` doc comments
/// of `text` (the schema's source) carried over as `///`.
pub fn generate(text: &str, schema: &Schema) -> Result<String, String> {
    let config = Config::new();
    // The docs come from the syntax that gave `schema`: the current one, or
    // the legacy one.
    let with_docs = [ParseOptions::default(), ParseOptions::legacy()]
        .into_iter()
        .filter_map(|options| parse_with_docs(text, options).ok())
        .find(|(parsed, _)| parsed == schema);
    match with_docs {
        Some((parsed, docs)) => generate_with_docs(&parsed, &docs, &config),
        None => generate_types(schema, &config),
    }
    .map_err(|e| e.to_string())
}
