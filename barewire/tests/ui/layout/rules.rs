use barewire::Layout;

#[derive(Layout)]
struct NoRepr {
    #[bare(field = 0)]
    a: u32,
}

#[derive(Layout)]
#[repr(C)]
struct Numbering {
    #[bare(field = 0)]
    a: u32,
    #[bare(field = 0)]
    b: u32,
    c: u32,
    #[bare(field = 7)]
    d: u32,
}

#[derive(Layout)]
#[repr(C)]
struct BadPadding {
    #[bare(field = 0)]
    a: u32,
    #[bare(padding)]
    pad: u32,
}

#[derive(Layout)]
#[repr(C)]
struct Generic<T> {
    #[bare(field = 0)]
    a: T,
}

#[derive(Layout)]
enum NotAStruct {
    A,
}

fn main() {}
