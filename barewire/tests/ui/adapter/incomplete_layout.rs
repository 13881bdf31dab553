// `with_layout` on an adapter whose module gives no layout: the error is at
// the attribute and names what is missing.
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
    pub type Layout = [u8; 4];
}

#[derive(barewire::Bare)]
struct Counter {
    #[bare(with = "be", with_layout)]
    count: u32,
}

fn main() {}
