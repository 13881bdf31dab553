//! Explicit copies (`copy`, `copy_in`), plain `Blit` values copied in and out,
//! and `Linear` reporting the user's line.

use barewire_pool::{Arena, Blit, Linear, Pool};

#[test]
fn copy_in_puts_the_copy_in_another_allocator() {
    let pool = Pool::new();
    let mut arena = Arena::new();
    {
        let a = pool.alloc(String::from("one"));
        let region = arena.region();
        let b = a.copy_in(&region);
        let other = Pool::new();
        let c = b.copy_in(&other);
        assert_eq!((a.as_str(), b.as_str(), c.as_str()), ("one", "one", "one"));
        assert_eq!((pool.len(), other.len()), (1, 1));
        assert_eq!(region.stats().allocations, counted(1));
        drop(a);
        assert!(pool.is_empty());
        assert_eq!(*c, "one", "the copy is independent");
    }
    assert_eq!(arena.bytes_in_use(), 0);
}

#[test]
fn plain_values_copy_out_of_pools() {
    let pool = Pool::new();
    let h = pool.insert([1u64, 2, 3]);
    let copy = pool.get_copy(h).unwrap();
    assert_eq!(copy, [1, 2, 3]);
    let owned = pool.alloc([4u64; 3]);
    let out: [u64; 3] = owned.get();
    assert_eq!(out, *owned);
    let arena = Arena::new();
    let slice = arena.alloc_slice_copy(&[1.5f32, 2.5]);
    assert_eq!(slice, &[1.5, 2.5]);
}

#[derive(Clone, Copy, Debug, PartialEq, barewire::Bare)]
struct Sample {
    at: u64,
    value: i32,
    channel: u32,
}
impl Blit for Sample {}

#[test]
fn a_derived_plain_struct_is_blit() {
    use barewire::Layout;
    assert!(Sample::PLAIN.is_plain() && Sample::IN_PLACE.is_plain());
    let arena = Arena::new();
    let s = Sample {
        at: 1,
        value: -2,
        channel: 3,
    };
    let all = arena.alloc_slice_fill_copy(4, s);
    assert_eq!(all[3], s);
}

#[test]
#[cfg(debug_assertions)]
fn an_unconsumed_linear_names_the_line_that_made_it() {
    let line = line!() + 2;
    let r = std::panic::catch_unwind(|| {
        let _tx = Linear::new(7u8);
    });
    let message = r.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains(&format!("made at {}:{line}:", file!())),
        "{message}"
    );
}

#[test]
fn linear_remembers_where_it_was_made() {
    let line = line!() + 1;
    let l = Linear::new(());
    assert_eq!((l.made_at().file(), l.made_at().line()), (file!(), line));
    l.into_inner();
}

#[test]
fn fill_with_makes_each_value_and_survives_a_panicking_maker() {
    let mut arena = Arena::with_capacity_fixed(1024);
    {
        let region = arena.region();
        let words = ["a", "bb", "ccc"];
        let table = region.alloc_slice_fill_with(3, |i| (words[i], i as u32));
        assert_eq!(table, &[("a", 0), ("bb", 1), ("ccc", 2)]);
        static DROPS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        struct Counted;
        impl Drop for Counted {
            fn drop(&mut self) {
                DROPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            region
                .alloc_slice_fill_with(4, |i| {
                    assert!(i < 2, "maker fails at 2");
                    Counted
                })
                .len()
        }));
        assert!(r.is_err());
        // The values made before the panic are not dropped (documented).
        assert_eq!(DROPS.load(std::sync::atomic::Ordering::Relaxed), 0);
        assert_eq!(table[2], ("ccc", 2));
    }
    assert_eq!(arena.bytes_in_use(), 0);
}

/// An arena's allocation count as `Stats` reports it: counted with the
/// `count` feature only.
fn counted(n: u64) -> Option<u64> {
    cfg!(feature = "count").then_some(n)
}
