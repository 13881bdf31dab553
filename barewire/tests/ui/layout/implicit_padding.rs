use barewire::Layout;

#[derive(Layout)]
#[repr(C)]
struct Gap {
    #[bare(field = 0)]
    small: u8,
    #[bare(field = 1)]
    big: u64,
}

fn main() {}
