//! The examples of barewire live in `examples/`; run one with
//! `cargo run -p barewire-examples --example <name>`.

fn main() {
    println!("run an example: cargo run -p barewire-examples --example quickstart");
}
