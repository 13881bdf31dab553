// `with` on a skipped field, with layout hints, or not naming a path;
// `with_layout` without `with`.
mod be {
    use barewire::{Error, Reader};
    pub fn encode(value: &u32, out: &mut Vec<u8>) {
        out.extend_from_slice(&value.to_be_bytes());
    }
    pub fn decode(r: &mut Reader<'_>) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(r.take_array()?))
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<[u8; 4]>()
    }
}

#[derive(barewire::Bare)]
struct Skipped {
    #[bare(with = "be", skip)]
    a: u32,
}

#[derive(barewire::Bare)]
struct Hinted {
    #[bare(with = "be", align = 8)]
    a: u32,
}

#[derive(barewire::Bare)]
struct NotAPath {
    #[bare(with = "not a path")]
    a: u32,
}

#[derive(barewire::Bare)]
struct LayoutWithoutAdapter {
    #[bare(with_layout)]
    a: u32,
}

fn main() {}
