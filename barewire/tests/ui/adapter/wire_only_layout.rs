// A type with an adapter field has no layout; asking for one names the field.
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
struct Counter {
    #[bare(with = "be")]
    count: u32,
    name: String,
}

fn main() {
    let c = Counter { count: 1, name: String::new() };
    let _ = barewire::to_vec(&c); // fine: the wire codec
    let _ = barewire::to_layout(&c); // error: no layout
}
