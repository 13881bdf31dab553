// A safe impl cannot claim that a type holding a `Box` is plain by copying
// the claim of a type that is: the claim names its type.
struct Evil(Box<u64>);

impl<'de> barewire::Decode<'de> for Evil {
    fn decode(r: &mut barewire::Reader<'de>) -> Result<Self, barewire::Error> {
        Ok(Evil(Box::new(<u64 as barewire::Decode<'de>>::decode(r)?)))
    }
    const PLAIN: barewire::plain::Plain<Self, barewire::plain::FromWire> =
        <u64 as barewire::Decode<'de>>::PLAIN;
}

fn main() {}
