//! Keys of #[derive(Bare)] that an explicit layout cannot honour.
use barewire::Layout;

#[derive(Layout)]
#[repr(C)]
#[bare(order = "compact")]
struct Order {
    #[bare(field = 0)]
    a: u32,
}

#[derive(Layout)]
#[repr(C)]
struct Hints {
    #[bare(field = 0, skip)]
    a: u32,
    #[bare(field = 1, out_of_line)]
    b: u32,
    #[bare(field = 2, intern)]
    c: u32,
}

#[derive(Layout)]
#[repr(C)]
struct PaddingOnTheWire {
    #[bare(field = 0)]
    a: u8,
    #[bare(padding, field = 1)]
    pad: [u8; 3],
}

fn main() {}
