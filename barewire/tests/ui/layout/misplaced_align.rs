use barewire::Layout;

#[derive(Layout)]
#[repr(C)]
struct Aligned {
    #[bare(field = 0)]
    a: u32,
    #[bare(field = 1, align = 8)]
    b: u32,
}

fn main() {}
