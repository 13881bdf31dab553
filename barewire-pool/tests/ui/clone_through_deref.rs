// `.clone()` on an `Owned` would clone the value into a plain `T` outside the
// pool; it warns (here denied), pointing at `copy()` and `T::clone(&owned)`.
#![deny(deprecated)]
use barewire_pool::Pool;

fn main() {
    let pool = Pool::new();
    let a = pool.alloc(vec![1u8]);
    let plain: Vec<u8> = a.clone();
    drop(plain);
}
