// An adapter module without `decode`: the error is at the attribute.
mod half {
    pub fn encode(value: &u32, out: &mut Vec<u8>) {
        out.extend_from_slice(&value.to_be_bytes());
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<[u8; 4]>()
    }
}

#[derive(barewire::Bare)]
struct Counter {
    #[bare(with = "half")]
    count: u32,
}

fn main() {}
