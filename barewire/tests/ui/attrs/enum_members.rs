//! A field-less enum is a BARE enum: its members are named and numbered by
//! the Rust variants, and its layout is its value.
use barewire::Bare;

#[derive(Bare)]
enum Renamed {
    #[bare(rename = "first")]
    A,
    B,
}

#[derive(Bare)]
#[bare(align = 8, order = "declared", layout = "LevelView")]
enum LayoutHints {
    A,
    B,
}

fn main() {}
