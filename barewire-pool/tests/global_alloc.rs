//! The tracking global allocator and `measure` scopes: exact counts, nesting,
//! the pools' own allocations at the user's line, sampled sites, and advice
//! that fits what the code does (and never what it already does).

use barewire_pool::diag::global::{self, Advice, TrackingAllocator};
use barewire_pool::{Arena, Pool};

#[global_allocator]
static ALLOC: TrackingAllocator = TrackingAllocator::system();

/// Tests run on several threads at once and the registry is shared, so each
/// test uses its own scope names; scopes themselves are per thread.
fn scope(name: &str) -> global::ScopeSummary {
    global::report().scope(name).cloned().expect(name)
}

#[test]
fn box_vec_and_string_are_counted_exactly() {
    let kept = global::measure("exact", || {
        let b = Box::new(5u64);
        let v: Vec<u8> = Vec::with_capacity(100);
        let s = String::from("abc");
        drop(vec![0u32; 4]); // 16 bytes, given back inside
        (b, v, s)
    });
    let s = scope("exact");
    assert_eq!(s.calls, 1);
    assert_eq!(s.allocations, 4);
    assert_eq!(s.bytes, 8 + 100 + 3 + 16);
    assert_eq!((s.frees, s.freed_bytes), (1, 16));
    assert_eq!(s.peak_bytes, 8 + 100 + 3 + 16);
    assert_eq!(s.reallocs, 0);
    assert!(global::installed());
    drop(kept);
    // Outside any scope nothing is counted.
    let _outside = vec![1u8; 1000];
    assert_eq!(scope("exact"), s);
}

#[test]
fn per_call_and_per_100_calls() {
    for i in 0..250u32 {
        global::measure("per_call", || vec![i as u8; 11].len());
    }
    let s = scope("per_call");
    assert_eq!(s.calls, 250);
    assert_eq!(s.allocations_per_100(), 100);
    assert_eq!(s.bytes_per_100(), 1100);
    let text = s.to_string();
    assert!(text.contains(&format!("per_call ({}:", file!())), "{text}");
    assert!(
        text.contains(
            "allocates 11 B in 1.0 allocations per call; 1.0 KiB in 100 allocations per 100 calls"
        ),
        "{text}"
    );
}

#[test]
fn nested_scopes_count_inner_allocations_in_both() {
    global::measure("outer", || {
        let _a = Box::new(1u8);
        global::measure("inner", || {
            let _b = Box::new([0u8; 32]);
        });
    });
    let (outer, inner) = (scope("outer"), scope("inner"));
    assert_eq!((inner.allocations, inner.bytes, inner.frees), (1, 32, 1));
    assert_eq!((outer.allocations, outer.bytes, outer.frees), (2, 33, 2));
    assert_eq!(outer.peak_bytes, 33);
}

#[test]
fn a_panicking_scope_still_ends() {
    let r = std::panic::catch_unwind(|| {
        global::measure("panics", || {
            let _v = Box::new([1u8; 10]);
            panic!("inside a scope");
        })
    });
    assert!(r.is_err());
    assert_eq!(scope("panics").calls, 1);
    // The thread is out of the scope: this is not counted anywhere.
    let _after = Box::new([0u8; 64]);
    assert_eq!(scope("panics").calls, 1);
}

#[test]
fn growing_buffers_get_the_preallocate_advice_and_presized_ones_do_not() {
    for _ in 0..100 {
        global::measure("grows", || {
            let mut v = Vec::new();
            for i in 0..100u32 {
                v.push(i);
            }
            v.len()
        });
        global::measure("presized", || {
            let mut v = Vec::with_capacity(100);
            for i in 0..100u32 {
                v.push(i);
            }
            v.len()
        });
    }
    let grows = scope("grows").advice();
    assert!(
        grows
            .iter()
            .any(|a| matches!(a, Advice::Preallocate { .. })),
        "{grows:?}"
    );
    let presized = scope("presized").advice();
    assert!(
        !presized
            .iter()
            .any(|a| matches!(a, Advice::Preallocate { .. })),
        "{presized:?}"
    );
}

#[test]
fn scratch_allocations_get_the_arena_advice() {
    for i in 0..100u64 {
        global::measure("scratch", || {
            let a = i.to_string();
            let b = format!("{a}-{a}");
            let c: Vec<u64> = vec![i; 8];
            b.len() + c.len()
        });
    }
    let advice = scope("scratch").advice();
    assert!(
        advice
            .iter()
            .any(|a| matches!(a, Advice::ArenaRegion { .. })),
        "{advice:?}"
    );
}

#[test]
fn kept_same_size_boxes_get_the_pool_advice() {
    let mut kept = Vec::new();
    for i in 0..50u64 {
        kept.push(global::measure("boxes", || {
            (0..10).map(|j| Box::new(i + j)).collect::<Vec<_>>()
        }));
    }
    let advice = scope("boxes").advice();
    assert!(
        advice.contains(&Advice::Pool {
            size: 8,
            per_call: 10.0
        }),
        "{advice:?}"
    );
}

#[test]
fn memory_from_pools_is_never_told_to_move_to_a_pool_or_arena() {
    for i in 0..100u64 {
        global::measure("already_arena", || {
            let arena = Arena::new();
            let a = arena.alloc(i);
            let b = arena.alloc_slice_fill_copy(16, i);
            *a + b[0]
        });
        global::measure("already_pool", || {
            let pool = Pool::new();
            let a = pool.alloc(i);
            *a
        });
    }
    for name in ["already_arena", "already_pool"] {
        let s = scope(name);
        // The arena's or pool's chunk (and, for the arena, its chunk list)
        // every call, counted as the pool's own.
        assert!(s.pool_allocations >= s.calls, "{s}");
        assert!(s.allocations - s.pool_allocations <= 1, "{s}");
        let advice = s.advice();
        assert!(
            advice.iter().all(|a| matches!(a, Advice::Capacity { .. })),
            "{advice:?}"
        );
        assert!(!advice.is_empty(), "a pool made per call grows per call");
    }
}

#[cfg(feature = "track")]
#[test]
fn pool_growth_is_counted_at_the_users_line() {
    let line = line!() + 3;
    global::measure("pool_site", || {
        let pool = Pool::new();
        let _a = pool.alloc(1u32);
    });
    let s = scope("pool_site");
    assert_eq!(s.pool_sites.len(), 1, "{s}");
    let site = s.pool_sites[0].site.unwrap();
    assert_eq!((site.file(), site.line()), (file!(), line));
    assert!(
        s.to_string().contains(&format!("at {}:{line}", file!())),
        "{s}"
    );
}

#[test]
#[cfg_attr(miri, ignore)] // Miri cannot walk the stack for a backtrace
fn sampled_backtraces_name_the_site_and_see_decoding() {
    let bytes = barewire::to_vec(&String::from("a decoded string"));
    global::sample_backtraces(1);
    for _ in 0..3 {
        global::measure("sampled", || {
            barewire::from_slice::<String>(&bytes).unwrap().len()
        });
    }
    global::sample_backtraces(0);
    let s = scope("sampled");
    assert_eq!(s.sample_every, 1);
    let site = s
        .sampled
        .iter()
        .find(|x| x.decode)
        .unwrap_or_else(|| panic!("{s:#?}"));
    assert!(site.site.contains("global_alloc"), "{site:?}");
    assert!(
        s.advice()
            .iter()
            .any(|a| matches!(a, Advice::DecodeBorrowedOrIntoArena { .. })),
        "{s}"
    );
}

#[test]
fn decodes_are_counted_at_the_line_that_called_them() {
    let bytes = barewire::to_vec(&vec!["one".to_string(), "two".to_string()]);
    // A first scope turns barewire's site recording on.
    global::measure("decode_warm_up", || ());
    let line = line!() + 2;
    let back: Vec<String> =
        global::measure("decode_sites", || barewire::from_slice(&bytes).unwrap());
    assert_eq!(back, ["one", "two"]);
    let s = scope("decode_sites");
    let site = s.decode_sites.first().expect("the decode's allocations");
    let at = site.site.expect("a call site");
    assert!(at.file().ends_with("global_alloc.rs"), "{at}");
    assert_eq!(at.line(), line);
    // The Vec and its two Strings.
    assert_eq!(site.allocations, 3);
    // No sampling needed for the advice.
    assert!(
        s.advice()
            .iter()
            .any(|a| matches!(a, Advice::DecodeBorrowedOrIntoArena { site } if site.contains("global_alloc.rs"))),
        "{s}"
    );
    // Borrowed decoding allocates nothing but the list.
    let borrowed: Vec<&str> =
        global::measure("decode_borrowed", || barewire::from_slice(&bytes).unwrap());
    assert_eq!(borrowed, ["one", "two"]);
    assert_eq!(scope("decode_borrowed").decode_sites[0].allocations, 1);
}
