use barewire::Layout;

// Its `align = 8` field makes the layout 8-aligned and 8 bytes, but Rust
// aligns the struct to 4 and makes it 4 bytes: the padding at the end must
// be written out (or the struct given `#[repr(C, align(8))]`).
#[derive(Layout)]
#[repr(C)]
struct Tail {
    #[bare(field = 0, align = 8)]
    small: u32,
}

fn main() {}
