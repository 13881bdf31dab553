//! The BARE schema language: a typed model, a parser and a printer.
