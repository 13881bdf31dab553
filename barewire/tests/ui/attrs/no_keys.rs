//! `#[bare]` alone says nothing: the keys go inside the parentheses.
use barewire::Bare;

#[derive(Bare)]
#[bare]
struct NoKeys {
    a: u8,
}

#[derive(Bare)]
struct OnAField {
    #[bare]
    a: u8,
}

fn main() {}
