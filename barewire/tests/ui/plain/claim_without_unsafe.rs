// Saying "plain" takes `unsafe`: the constructor's contract is the claim's.
struct Evil(Box<u64>);

impl barewire::Encode for Evil {
    fn encode(&self, out: &mut Vec<u8>) {
        barewire::Encode::encode(&*self.0, out);
    }
    const PLAIN: barewire::plain::Plain<Self, barewire::plain::IntoWire> =
        barewire::plain::Plain::new_unchecked(true);
}

fn main() {}
