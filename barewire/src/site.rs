//! The call site of the decode running on this thread, for allocation
//! trackers (`barewire_pool::diag::global` names a decode's allocations
//! after the line that called it).
//!
//! Off until a tracker turns it on: then each decode entry point
//! (`from_slice`, `from_slice_with`, `SliceDecoder::decode`,
//! `IoDecoder::decode`, `layout::to_owned`) stores its caller's location
//! (`#[track_caller]`) in a thread-local while it runs. Off, it costs one
//! relaxed load per decode.

use core::cell::Cell;
use core::panic::Location;
use core::sync::atomic::{AtomicBool, Ordering};

/// Whether decode entry points record their call site.
static RECORDING: AtomicBool = AtomicBool::new(false);

std::thread_local! {
    static SITE: Cell<Option<&'static Location<'static>>> = const { Cell::new(None) };
}

/// Turns recording of decode call sites on or off, for every thread.
pub fn record_decode_sites(on: bool) {
    RECORDING.store(on, Ordering::Relaxed);
}

/// The line that called the decode running on this thread, if recording
/// is on and a decode is running.
pub fn decode_site() -> Option<&'static Location<'static>> {
    SITE.try_with(Cell::get).ok().flatten()
}

/// Runs a decode, recording its caller's location while it runs (the
/// outermost one, when decodes nest).
#[inline]
#[track_caller]
pub(crate) fn decoding<R>(decode: impl FnOnce() -> R) -> R {
    if !RECORDING.load(Ordering::Relaxed) {
        return decode();
    }
    let here = Location::caller();
    let outermost = SITE
        .try_with(|s| {
            if s.get().is_none() {
                s.set(Some(here));
                true
            } else {
                false
            }
        })
        .unwrap_or(false);
    /// Clears the site when the outermost decode ends, by return or unwind.
    struct Clear(bool);
    impl Drop for Clear {
        fn drop(&mut self) {
            if self.0 {
                let _ = SITE.try_with(|s| s.set(None));
            }
        }
    }
    let _clear = Clear(outermost);
    decode()
}

#[cfg(test)]
mod tests {
    use crate::site::{decode_site, decoding, record_decode_sites};

    #[test]
    fn the_outermost_caller_is_recorded_while_the_decode_runs() {
        record_decode_sites(true);
        let line = line!() + 1;
        let (outer, inner) = decoding(|| (decode_site(), decoding(decode_site)));
        assert_eq!(outer.map(|l| l.line()), Some(line));
        assert_eq!(inner.map(|l| l.line()), Some(line));
        assert_eq!(decode_site(), None);
    }
}
