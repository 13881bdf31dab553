use barewire::Bare;

#[derive(Bare)]
struct Platform {
    len: usize,
    offset: isize,
}

#[derive(Bare)]
struct Wide {
    id: u128,
    letter: char,
}

#[derive(Bare)]
struct Borrowed<'a> {
    floats: &'a [f32],
    count: &'a u32,
}

#[derive(Bare)]
struct Nested {
    lens: Vec<Option<usize>>,
}

fn main() {}
