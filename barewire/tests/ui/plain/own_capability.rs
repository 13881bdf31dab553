// Claims exist only for the three capabilities barewire defines.
enum Anything {}

fn main() {
    let _ = barewire::plain::Plain::<u64, Anything>::NO;
}
