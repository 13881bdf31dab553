use barewire::Bare;

#[derive(Bare)]
enum Descending {
    #[bare(tag = 5)]
    A(u8),
    #[bare(tag = 3)]
    B(u16),
}

#[derive(Bare)]
enum Repeated {
    A(u8),
    #[bare(tag = 0)]
    B(u16),
}

#[derive(Bare)]
#[repr(u8)]
enum Discriminant {
    A(u8) = 1,
}

#[derive(Bare)]
enum TagOnEnum {
    #[bare(tag = 1)]
    A,
    B,
}

#[derive(Bare)]
enum Negative {
    A = -1,
}

#[derive(Bare)]
enum Empty {}

fn main() {}
