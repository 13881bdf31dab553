//! Recursion is bounded in stack bytes, not only in levels: a recursive type
//! with a large inline field used to overflow a 2 MiB thread well below the
//! default depth limit (250 levels in `from_slice`, 120 in
//! `layout::to_owned`).
//!
//! `Heavy` links to the next node *before* its block, so its recursion is
//! not a tail link and nests; `HeavyTail`, whose link is the last field, is
//! walked in a loop and takes no stack per level.

use barewire::{Bare, Error, Limits};

#[derive(Bare, Debug, PartialEq)]
struct Heavy {
    next: Option<Box<Heavy>>,
    block: [u64; 512],
}

#[derive(Bare)]
struct HeavyTail {
    block: [u64; 512],
    next: Option<Box<HeavyTail>>,
}

impl Drop for HeavyTail {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

fn chain(levels: usize) -> Heavy {
    let mut node = Heavy {
        block: [7; 512],
        next: None,
    };
    for i in 1..levels {
        node = Heavy {
            block: [i as u64; 512],
            next: Some(Box::new(node)),
        };
    }
    node
}

/// Runs `f` on a thread with the stack Rust gives spawned threads (2 MiB),
/// so an overflow would abort the test process.
fn on_2mib_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Runs `f` where building and dropping the deep value cannot overflow.
fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn ok_or_stack_limit<T>(result: Result<T, Error>) -> bool {
    match result {
        Ok(_) => true,
        Err(Error::StackLimit { .. }) => false,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn wire_decoding_stops_at_the_stack_budget() {
    let bytes = on_big_stack(|| {
        let value = chain(255);
        let bytes = barewire::to_vec(&value);
        drop_deep(value);
        bytes
    });
    let decoded = on_2mib_stack(move || {
        let r = barewire::from_slice::<Heavy>(&bytes).map(drop_deep);
        ok_or_stack_limit(r)
    });
    // With a 1 MiB budget, 255 levels of 4 KiB blocks do not fit in a debug
    // build; what matters is that the thread survived either way.
    let _ = decoded;
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_small_stack_budget_is_an_error_not_an_overflow() {
    let bytes = on_big_stack(|| {
        let value = chain(20);
        let bytes = barewire::to_vec(&value);
        drop_deep(value);
        bytes
    });
    let tight = Limits::DEFAULT.with_max_stack(16 << 10);
    let r = barewire::from_slice_with::<Heavy>(&bytes, tight);
    assert!(
        matches!(r, Err(Error::StackLimit { limit, .. }) if limit == 16 << 10),
        "{r:?}"
    );
    // The same bytes under the default limits decode.
    let back = on_big_stack(move || {
        let back = barewire::from_slice::<Heavy>(&bytes).unwrap();
        let depth = depth(&back);
        drop_deep(back);
        depth
    });
    assert_eq!(back, 20);
}

#[test]
#[cfg_attr(miri, ignore)]
fn layout_checks_and_rebuilds_stop_at_the_stack_budget() {
    let image = on_big_stack(|| {
        let value = chain(255);
        let image = barewire::to_layout(&value);
        drop_deep(value);
        image
    });
    on_2mib_stack(move || {
        let limits = Limits::DEFAULT;
        let _ = ok_or_stack_limit(barewire::layout::view_with::<Heavy>(&image, limits).map(|_| ()));
        let _ = ok_or_stack_limit(barewire::layout::check_full::<Heavy>(&image).map(|_| ()));
        let _ = ok_or_stack_limit(barewire::layout::to_owned::<Heavy>(&image).map(drop_deep));
    });
}

fn depth(mut node: &Heavy) -> usize {
    let mut n = 1;
    while let Some(next) = &node.next {
        node = next;
        n += 1;
    }
    n
}

/// Drops a chain without recursing.
fn drop_deep(mut node: Heavy) {
    while let Some(next) = node.next.take() {
        node = *next;
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn tail_links_take_no_stack_per_level() {
    on_2mib_stack(|| {
        let mut value = HeavyTail {
            block: [0; 512],
            next: None,
        };
        for i in 1..1_000u64 {
            value = HeavyTail {
                block: [i; 512],
                next: Some(Box::new(value)),
            };
        }
        let tight = Limits::DEFAULT.with_max_stack(16 << 10).with_max_depth(1);
        let bytes = barewire::to_vec(&value);
        let back = barewire::from_slice_with::<HeavyTail>(&bytes, tight).unwrap();
        assert_eq!(back.block[0], 999);
        let image = barewire::to_layout(&value);
        let view = barewire::layout::view_with::<HeavyTail>(&image, tight).unwrap();
        assert_eq!(view.block().get(0), Some(999));
        let owned = barewire::layout::to_owned::<HeavyTail>(&image).unwrap();
        let mut levels = 1;
        let mut node = &owned;
        while let Some(next) = &node.next {
            assert_eq!(next.block[511], 999 - levels);
            node = next;
            levels += 1;
        }
        assert_eq!(levels, 1_000);
    });
}
