//! Keys that belong on the type or a variant, written on a field.
use barewire::Bare;

#[derive(Bare)]
struct TypeKeys {
    #[bare(crate = "barewire", bound = "", layout = "X", order = "declared")]
    a: u8,
}

#[derive(Bare)]
enum VariantKeyOnAUnionField {
    A {
        #[bare(tag = 1)]
        a: u8,
    },
}

fn main() {}
