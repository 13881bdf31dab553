//! `barewire`: the command-line tool for BARE schemas, messages and image
//! files.
//!
//! ```text
//! barewire fmt SCHEMA                          canonical schema text
//! barewire decode --schema S --type T [FILE]   a message as JSON (--stream, --frames)
//! barewire encode --schema S --type T [FILE]   JSON to a message (--stream, --frames)
//! barewire compat OLD NEW                      schema evolution verdict (--json, --require)
//! barewire inspect FILE [--schema S --type T]  a layout image file's header, checksum
//!                                              (and value, as JSON)
//! barewire gen SCHEMA [-o FILE]                Rust code from a schema (--check)
//! ```
//!
//! Exit status: 0 on success, 1 when a check fails (`compat --require`,
//! `gen --check`, `inspect` of an image whose checksum does not match), 2
//! on bad input (unreadable files, schema errors, messages or JSON that do
//! not fit the type, usage errors).

mod commands;
mod generate;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("barewire: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
