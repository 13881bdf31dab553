use barewire::Bare;

struct Opaque;

#[derive(Bare)]
struct Holder {
    inner: Opaque,
}

fn main() {}
