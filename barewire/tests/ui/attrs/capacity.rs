// `capacity` needs a list, string or map field, a number from 1 to 2^24, a
// field that is decoded (not skipped) by the derive (not an adapter).
use barewire::Bare;

#[derive(Bare)]
struct NotAList {
    #[bare(capacity = 8)]
    count: u32,
}

#[derive(Bare)]
struct Zero {
    #[bare(capacity = 0)]
    items: Vec<u8>,
}

#[derive(Bare)]
struct TooLarge {
    #[bare(capacity = 100000000)]
    items: Vec<u8>,
}

#[derive(Bare)]
struct Skipped {
    #[bare(skip, capacity = 8)]
    items: Vec<u8>,
}

fn main() {}
