use barewire::Layout;

#[derive(Layout)]
#[repr(C)]
struct Tail {
    #[bare(field = 0)]
    big: u64,
    #[bare(field = 1)]
    small: u8,
}

fn main() {}
