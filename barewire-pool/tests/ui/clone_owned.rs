// `Owned` is not `Clone`: copies are explicit, with `copy()`.
use barewire_pool::Pool;

fn needs_clone<T: Clone>(_: &T) {}

fn main() {
    let pool = Pool::new();
    let a = pool.alloc(1u32);
    needs_clone(&a);
}
