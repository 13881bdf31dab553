// An `Owned` cannot outlive its pool.
use barewire_pool::{Owned, Pool};

fn make() -> Owned<'static, u32> {
    let pool = Pool::new();
    pool.alloc(5)
}

fn main() {
    let _ = make();
}
