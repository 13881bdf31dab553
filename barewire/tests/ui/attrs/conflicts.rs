//! Keys that contradict each other on one field.
use barewire::Bare;

#[derive(Bare)]
struct SkippedWithHints {
    #[bare(skip, align = 8)]
    a: u64,
    #[bare(skip, out_of_line)]
    b: Vec<u8>,
    #[bare(skip, rename = "c")]
    c: u8,
}

#[derive(Bare)]
struct OutOfLineInterned {
    #[bare(out_of_line, intern)]
    name: String,
}

fn main() {}
