//! Waiting for the peer, for both ends: a sender for room in the ring, a
//! receiver for a message.
//!
//! A waiter spins for about 2 µs, then yields the CPU until about 1 ms has
//! passed, then sleeps in steps of up to 1 ms: a busy channel has
//! microsecond latency, an idle one costs little CPU.

use std::time::{Duration, Instant};

use crate::error::Error;

/// How long a waiter spins before it yields, and yields before it sleeps.
const SPIN_FOR: Duration = Duration::from_micros(2);
const YIELD_UNTIL: Duration = Duration::from_millis(1);

/// Waiting with increasing patience: spin for about 2 µs, yield until
/// about 1 ms, then sleep in steps up to 1 ms.
struct Backoff {
    start: Option<Instant>,
    sleeps: u32,
}

impl Backoff {
    fn new() -> Self {
        Backoff {
            start: None,
            sleeps: 0,
        }
    }

    fn snooze(&mut self) {
        let elapsed = self.start.get_or_insert_with(Instant::now).elapsed();
        if elapsed < SPIN_FOR {
            for _ in 0..32 {
                core::hint::spin_loop();
            }
        } else if elapsed < YIELD_UNTIL {
            std::thread::yield_now();
        } else {
            let micros = 50u64 << self.sleeps.min(5);
            std::thread::sleep(Duration::from_micros(micros.min(1000)));
            self.sleeps = self.sleeps.saturating_add(1);
        }
    }
}

/// Calls `poll` until it returns a value or an error, backing off between
/// calls; `None` once `timeout` has passed. A timeout too long for
/// `Instant` (`Duration::MAX`) waits for ever, as does `None`.
///
/// Each `poll` of the channel is O(1) whatever the shared words hold, so
/// the wait ends at the deadline (give or take one backoff sleep, <= 1 ms).
pub(super) fn poll_until<R>(
    timeout: Option<Duration>,
    mut poll: impl FnMut() -> Result<Option<R>, Error>,
) -> Result<Option<R>, Error> {
    let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
    let mut backoff = Backoff::new();
    loop {
        if let Some(found) = poll()? {
            return Ok(Some(found));
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Ok(None);
        }
        backoff.snooze();
    }
}

/// Calls `poll` until it returns a value or an error, backing off between
/// calls.
pub(super) fn poll_forever<R>(
    mut poll: impl FnMut() -> Result<Option<R>, Error>,
) -> Result<R, Error> {
    loop {
        // Without a timeout `poll_until` returns only a value or an error:
        // this loop runs once.
        if let Some(found) = poll_until(None, &mut poll)? {
            return Ok(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::error::Error;
    use crate::ipc::wait::{poll_forever, poll_until};

    #[test]
    fn waits_until_a_value_an_error_or_the_deadline() {
        let mut calls = 0;
        let found = poll_forever(|| {
            calls += 1;
            Ok((calls == 50).then_some(calls))
        });
        assert_eq!(found.unwrap(), 50);

        let start = Instant::now();
        let none = poll_until(Some(Duration::from_millis(3)), || Ok(None::<()>));
        assert!(none.unwrap().is_none());
        assert!(start.elapsed() >= Duration::from_millis(3));

        let closed = poll_until(Some(Duration::MAX), || {
            Err::<Option<()>, _>(Error::ChannelClosed)
        });
        assert!(matches!(closed, Err(Error::ChannelClosed)));
    }
}
