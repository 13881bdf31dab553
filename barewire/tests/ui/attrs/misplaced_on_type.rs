//! Keys that belong on a field or a variant, written on the type.
use barewire::Bare;

#[derive(Bare)]
#[bare(tag = 1)]
struct Tag {
    a: u8,
}

#[derive(Bare)]
#[bare(skip, out_of_line, intern)]
struct FieldHints {
    a: u8,
}

#[derive(Bare)]
#[bare(field = 0, padding)]
struct LayoutFieldKeys {
    a: u8,
}

#[derive(Bare)]
#[bare(tag = 3)]
enum OnAUnion {
    A(u8),
}

fn main() {}
