//! The diagnostics report and its suggestion rules.

use barewire_pool::Arena;
use barewire_pool::diag::{Bytes, Count};

#[test]
fn numbers_read_like_the_issue_example() {
    assert_eq!(Count(1000).to_string(), "1,000");
    assert_eq!(Count(999).to_string(), "999");
    assert_eq!(Bytes(2458).to_string(), "2.4 KiB");
    assert_eq!(Bytes(61 * 1024 + 300).to_string(), "61 KiB");
    assert_eq!(Bytes(1 << 20).to_string(), "1 MiB");
}

#[test]
fn rule_1_exhausted_fixed_arena_gets_peak_plus_margin() {
    let arena = Arena::with_capacity_fixed(1024);
    let _a = arena.alloc_slice_copy(&[0u8; 1000]);
    assert!(arena.try_alloc_slice_copy(&[0u8; 100]).is_err());
    let report = arena.report();
    let e = report.largest_exhaustion.unwrap();
    assert_eq!((e.requested, e.in_use), (100, 1000));
    let suggestions = report.suggestions();
    assert_eq!(suggestions.len(), 1, "{suggestions:?}");
    // (1000 + 100) * 1.25 = 1375, rounded up to KiB.
    assert!(
        suggestions[0].contains("set it to at least 2 KiB (Arena::with_capacity_fixed(2048))"),
        "{}",
        suggestions[0]
    );
}

#[test]
fn rule_2_oversized_fixed_arena_gets_a_smaller_capacity() {
    let mut arena = Arena::with_capacity_fixed(1 << 20);
    {
        let region = arena.region();
        region.alloc_slice_copy(&vec![0u8; 61 * 1024]);
    }
    let text = arena.report().to_string();
    assert!(
        text.contains("the peak of 61 KiB stayed under a quarter of the fixed capacity of 1 MiB: 77 KiB would do (Arena::with_capacity_fixed(78848))"),
        "{text}"
    );
    assert!(text.contains("peaked at 61 KiB of 1 MiB"), "{text}");
}

#[test]
fn a_well_sized_arena_gets_no_capacity_advice() {
    let arena = Arena::with_capacity_fixed(4096);
    arena.alloc_slice_copy(&[0u8; 3000]);
    assert!(arena.report().suggestions().is_empty());
}

#[cfg(feature = "track")]
#[test]
fn rule_3_and_the_site_line_name_the_busiest_call_site() {
    let mut arena = Arena::with_capacity_fixed(1 << 20);
    let line = line!() + 2; // the `region()` call
    {
        let region = arena.region();
        for i in 0..1000u64 {
            region.alloc([i; 3]); // 24 bytes each
        }
        region.alloc(0u8);
    }
    let text = arena.report().to_string();
    let expected = format!(
        "{}:{}: 1,000 allocations, 2.3 KiB per 100 calls; region peaked at 23 KiB of 1 MiB",
        file!(),
        line + 2
    );
    assert!(text.contains(&expected), "{expected}\n{text}");
    assert!(
        text.contains(&format!(
            "{f}:{} makes 1,000 of the 1,001 allocations in the region opened at {f}:{line}",
            line + 2,
            f = file!()
        )),
        "{text}"
    );
}

#[cfg(not(feature = "track"))]
#[test]
fn without_tracking_the_report_says_how_to_enable_it() {
    let arena = Arena::new();
    arena.alloc(1u8);
    assert!(
        arena
            .report()
            .to_string()
            .contains("enable the `track` feature")
    );
}

#[cfg(feature = "track")]
#[test]
fn rule_3_is_not_given_to_a_site_that_already_allocates_slices() {
    let mut arena = Arena::with_capacity_fixed(1 << 20);
    {
        let region = arena.region();
        for i in 0..1000u32 {
            region.alloc_slice_fill_copy(4, i);
        }
    }
    let suggestions = arena.report().suggestions();
    assert!(
        suggestions.iter().all(|s| !s.contains("slice")),
        "{suggestions:?}"
    );
}

#[cfg(feature = "track")]
#[test]
fn rule_3_is_not_given_to_values_that_own_something() {
    // A linked list in a region: nodes that own the next node cannot go in
    // one plain slice, nor in a plain `Pool<T>` of their own type (only in
    // `Pool::scope`), and the region already frees them together.
    enum List<'r> {
        Empty,
        Node(i32, barewire_pool::Owned<'r, List<'r>>),
    }
    let mut arena = Arena::with_capacity_fixed(1 << 20);
    {
        let region = arena.region();
        let mut head = region.alloc(List::Empty);
        for i in 0..1000 {
            head = region.alloc(List::Node(i, head));
        }
        if let List::Node(v, next) = &*head {
            assert_eq!(*v, 999);
            assert!(matches!(**next, List::Node(998, _)));
        }
    }
    let suggestions = arena.report().suggestions();
    assert!(
        suggestions
            .iter()
            .all(|s| !s.contains("slice") && !s.contains("Pool<T>")),
        "{suggestions:?}"
    );
}
