//! Arrays built item by item.

use core::mem::MaybeUninit;

/// Builds `[T; N]` from a fallible function of the index, dropping the items
/// already made if one fails.
pub(crate) fn try_array_from_fn<T, E, const N: usize>(
    mut f: impl FnMut(usize) -> Result<T, E>,
) -> Result<[T; N], E> {
    /// Drops the initialized prefix if the array is abandoned.
    struct Guard<'a, T, const N: usize> {
        array: &'a mut [MaybeUninit<T>; N],
        initialized: usize,
    }
    impl<T, const N: usize> Drop for Guard<'_, T, N> {
        fn drop(&mut self) {
            for slot in &mut self.array[..self.initialized] {
                // SAFETY: 1. the first `initialized` slots were written and
                // not yet moved out; 2. each is dropped once, here, and the
                // guard is only dropped when the array is abandoned.
                unsafe { slot.assume_init_drop() };
            }
        }
    }

    let mut array: [MaybeUninit<T>; N] = [const { MaybeUninit::uninit() }; N];
    let mut guard = Guard {
        array: &mut array,
        initialized: 0,
    };
    while guard.initialized < N {
        let item = f(guard.initialized)?;
        guard.array[guard.initialized].write(item);
        guard.initialized += 1;
    }
    core::mem::forget(guard);
    // SAFETY: 1. all `N` slots were written by the loop above (it only exits
    // normally when `initialized == N`); 2. `[MaybeUninit<T>; N]` and
    // `[T; N]` have the same size and layout; 3. the guard was forgotten, so
    // nothing else drops these items.
    Ok(unsafe { core::mem::transmute_copy::<[MaybeUninit<T>; N], [T; N]>(&array) })
}

#[cfg(test)]
mod tests {
    use crate::array::*;

    #[test]
    fn partial_array_drops_what_was_made() {
        use alloc::string::{String, ToString};
        let r: Result<[String; 4], ()> =
            try_array_from_fn(|i| if i < 2 { Ok(i.to_string()) } else { Err(()) });
        assert!(r.is_err());
        let ok: Result<[String; 3], ()> = try_array_from_fn(|i| Ok(i.to_string()));
        assert_eq!(ok.unwrap(), ["0", "1", "2"]);
    }
}
