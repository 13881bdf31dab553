// Nor can another thread borrow it: one error that names `Owned`.
use barewire_pool::Arena;

fn main() {
    let arena = Arena::new();
    let a = arena.alloc(String::from("here"));
    let a = &a;
    std::thread::scope(|s| {
        s.spawn(move || a.len());
    });
}
