//! `field` and `padding` belong to #[derive(Layout)]; on #[derive(Bare)]
//! they would be ignored, so they are errors at the key.
use barewire::Bare;

#[derive(Bare)]
struct WirePosition {
    #[bare(field = 1)]
    a: u8,
    #[bare(field = 0)]
    b: u8,
}

#[derive(Bare)]
struct Padding {
    a: u8,
    #[bare(padding)]
    pad: [u8; 3],
    b: u32,
}

#[derive(Bare)]
enum InAUnion {
    A(#[bare(field = 0)] u8),
    B {
        #[bare(padding)]
        pad: [u8; 3],
    },
}

fn main() {}
