use barewire::Layout;

#[derive(Layout)]
#[repr(C)]
struct Named {
    #[bare(field = 0)]
    name: String,
}

fn main() {}
