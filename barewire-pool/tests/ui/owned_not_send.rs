// An `Owned` stays on its allocator's thread: one error that names `Owned`.
use barewire_pool::Pool;

fn main() {
    let pool = Pool::new();
    let a = pool.alloc(1u32);
    std::thread::scope(|s| {
        s.spawn(move || drop(a));
    });
}
