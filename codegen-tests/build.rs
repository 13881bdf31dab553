//! Generates Rust for every valid schema of bare-ts's corpus (read in place
//! from `../../shared/bare-vectors`, never copied into the project), twice:
//! with owned and with borrowed strings, through `barewire-build`. The
//! crate includes it all, so building it compiles every schema's types, and
//! its tests compare their schemas with the parsed input.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-env-changed=BAREWIRE_REQUIRE_VECTORS");
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/bare-vectors/bare-ts-schema-corpus/valid");
    let mut index = String::new();
    let mut cases = String::new();
    let mut files = String::new();
    if corpus.is_dir() {
        println!("cargo:rerun-if-changed={}", corpus.display());
        index.push_str("/// Whether the corpus was found.\npub const FOUND: bool = true;\n");
        let mut dirs: Vec<PathBuf> = fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("schema.bare").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let module = format!("case_{}", name.replace('-', "_"));
            let schema_path = dir.join("schema.bare");
            let config = fs::read_to_string(dir.join("config.json")).unwrap_or_default();
            let legacy = config
                .split_whitespace()
                .collect::<String>()
                .contains("\"legacy\":true");
            let text = fs::read_to_string(&schema_path).unwrap();
            let options = barewire_schema::ParseOptions { legacy };
            let schema = barewire_schema::parse_with(&text, options)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for (suffix, borrowed) in [("", false), ("_borrowed", true)] {
                let rust = barewire_build::Config::new()
                    .legacy(legacy)
                    .borrowed(borrowed)
                    .generate(&schema_path)
                    .unwrap_or_else(|e| panic!("{e}"));
                let file = out.join(format!("{module}{suffix}.rs"));
                fs::write(&file, rust).unwrap();
                writeln!(files, "    {:?},", file.display().to_string()).unwrap();
                writeln!(
                    index,
                    "/// `{name}`{suffix}.\npub mod {module}{suffix} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{module}{suffix}.rs\"));\n}}"
                )
                .unwrap();
                let models: String = schema
                    .defs
                    .iter()
                    .map(|d| {
                        let lifetime = if borrowed { "<'static>" } else { "" };
                        // A type with no borrowed part has no lifetime.
                        let ty = format!("{module}{suffix}::{}", d.name);
                        format!(
                            "        crate::model_of::<{ty}{}>(),\n",
                            if borrowed {
                                lifetime_if(&text, legacy, &d.name, lifetime)
                            } else {
                                ""
                            }
                        )
                    })
                    .collect();
                writeln!(
                    cases,
                    "    Case {{\n        name: \"{name}{suffix}\",\n        path: {:?},\n        legacy: {legacy},\n        models: vec![\n{models}        ],\n    }},",
                    schema_path.display().to_string()
                )
                .unwrap();
            }
        }
    } else {
        index.push_str("/// Whether the corpus was found.\npub const FOUND: bool = false;\n");
    }
    writeln!(
        index,
        "/// Every generated schema.\npub fn cases() -> Vec<Case> {{\n    vec![\n{cases}    ]\n}}\n\n/// Every generated file.\npub const FILES: &[&str] = &[\n{files}];"
    )
    .unwrap();
    fs::write(out.join("index.rs"), index).unwrap();
}

/// `lifetime` if the type `name` holds borrowed strings, else "".
fn lifetime_if(text: &str, legacy: bool, name: &str, lifetime: &'static str) -> &'static str {
    let options = barewire_schema::ParseOptions { legacy };
    let schema = barewire_schema::parse_with(text, options).unwrap();
    let mut config = barewire_schema::codegen::Config::new();
    config.borrowed(true);
    let rust = barewire_schema::codegen::generate(&schema, &config).unwrap();
    let rust_name = if name == "Self" { "SelfType" } else { name };
    let needle = |kw: &str| format!("pub {kw} {rust_name}<'a>");
    if rust.contains(&needle("struct")) || rust.contains(&needle("enum")) {
        lifetime
    } else {
        ""
    }
}
