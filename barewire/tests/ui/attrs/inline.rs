// `inline` takes a multiple of 4 from 12 to 256, on a string field that is
// in the layout, not out of line, without an adapter.
use barewire::Bare;

#[derive(Bare)]
struct NotAString {
    #[bare(inline = 16)]
    count: u32,
}

#[derive(Bare)]
struct BadSize {
    #[bare(inline = 10)]
    a: String,
    #[bare(inline = 8)]
    b: String,
    #[bare(inline = 260)]
    c: String,
}

#[derive(Bare)]
struct Contradiction {
    #[bare(inline = 16, out_of_line)]
    a: String,
}

fn main() {}
