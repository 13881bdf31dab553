//! Keys that belong on the type or a field, written on a variant.
use barewire::Bare;

#[derive(Bare)]
enum FieldKeys {
    #[bare(skip, align = 8, out_of_line, intern, field = 0, padding)]
    A(u8),
}

#[derive(Bare)]
enum TypeKeys {
    #[bare(crate = "barewire", bound = "", layout = "X", order = "declared")]
    A(u8),
}

#[derive(Bare)]
enum OnAnEnumMember {
    #[bare(skip)]
    A,
    B,
}

fn main() {}
