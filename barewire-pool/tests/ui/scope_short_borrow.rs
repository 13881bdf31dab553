// A value in a scoped pool cannot borrow a local of the scope: the pool is
// invariant in its values' type, so its `'p` cannot be shortened.
use barewire_pool::{Pool, Scoped};

struct Name<'p>(&'p str);

impl Scoped for Name<'_> {
    type At<'p> = Name<'p>;
}

fn main() {
    Pool::<Name>::scope(|pool| {
        let local = String::from("short");
        pool.insert(Name(&local));
    });
}
