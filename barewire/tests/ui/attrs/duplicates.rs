//! A key written twice on one item, in one attribute or two.
use barewire::Bare;

#[derive(Bare)]
#[bare(align = 8)]
#[bare(align = 16)]
struct TwoAttributes {
    #[bare(skip, skip)]
    a: u8,
}

#[derive(Bare)]
enum Tags {
    #[bare(tag = 1, tag = 2)]
    A(u8),
}

fn main() {}
