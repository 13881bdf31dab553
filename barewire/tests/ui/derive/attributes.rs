use barewire::Bare;

#[derive(Bare)]
#[bare(colour = "blue")]
struct UnknownKey {
    a: u8,
}

#[derive(Bare)]
#[bare(rename = "A", rename = "B")]
struct DuplicateKey {
    a: u8,
}

#[derive(Bare)]
struct MisplacedTag {
    #[bare(tag = 1)]
    a: u8,
}

#[derive(Bare)]
struct BadRename {
    #[bare(rename = "not-a-name")]
    a: u8,
}

#[derive(Bare)]
struct SameName {
    #[bare(rename = "b")]
    a: u8,
    b: u8,
}

fn main() {}
