//! `map_key` is for newtypes, which key maps like the type they wrap.
use barewire::Bare;

#[derive(Bare)]
#[bare(map_key)]
struct Two(String, u8);

#[derive(Bare)]
#[bare(map_key)]
enum Shape {
    Circle(f64),
}

#[derive(Bare)]
struct NotAKey(#[bare(map_key)] String);

fn main() {}
