//! Waiting for the peer, for both ends: a sender for room in the ring, a
//! receiver for a message; how, is the end's [`WaitPolicy`].

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::ipc::channel::Channel;
use crate::ipc::shared::FUTEX;

/// How a [`Sender`](crate::ipc::Sender) waits for room or a
/// [`Receiver`](crate::ipc::Receiver) for a message, set on either end with
/// `set_wait_policy` (each end has its own).
///
/// | policy | latency when the peer answers | CPU while waiting |
/// |---|---|---|
/// | [`BusySpin`](Self::BusySpin) | lowest: the peer's store is seen within ~100 ns | one core at 100 % for as long as it waits |
/// | [`SpinThenBlock`](Self::SpinThenBlock) (default, 50 µs) | as `BusySpin` when the answer comes within the spin | 100 % for up to `spin` (yielding between polls after 2 µs), then none |
/// | [`Block`](Self::Block) | a futex wake-up: a few µs to tens of µs, the scheduler's | none |
///
/// Blocking sleeps on a futex in the shared mapping (Linux): the peer's
/// commit or release wakes the sleeper, paying one system call only when
/// the sleeper has announced that it sleeps. Elsewhere (other Unixes, and
/// under Miri) a blocked end sleep-polls instead, in steps that grow from
/// 50 µs to 1 ms, so a message that arrives while it sleeps waits up to
/// 1 ms.
///
/// Every wait also checks, every [`LIVENESS_CHECK`] or so, that the peer's
/// process is still running: a wait on a peer that died ends with
/// [`Error::ChannelClosed`] within about twice that time (see the
/// [module docs](crate::ipc#a-dead-peer)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitPolicy {
    /// Poll without pause: the lowest latency, and one core kept busy for
    /// as long as the wait lasts.
    BusySpin,
    /// Poll for `spin`, then block. With the default 50 µs a ping-pong of
    /// back-to-back messages never blocks; an end idle for longer uses no
    /// CPU (after the first 50 µs of each wait). After 2 µs of spinning it
    /// yields the CPU between polls, so that on a machine with more
    /// runnable threads than cores a peer that was woken but has no core
    /// gets this one.
    SpinThenBlock {
        /// How long to poll before blocking.
        spin: Duration,
    },
    /// Block at once (after one poll): no CPU while waiting, a futex
    /// wake-up's latency for each message.
    Block,
}

impl WaitPolicy {
    /// The default spin of [`SpinThenBlock`](Self::SpinThenBlock): 50 µs.
    pub const DEFAULT_SPIN: Duration = Duration::from_micros(50);
}

impl Default for WaitPolicy {
    /// [`SpinThenBlock`](Self::SpinThenBlock) for
    /// [`DEFAULT_SPIN`](Self::DEFAULT_SPIN).
    fn default() -> Self {
        WaitPolicy::SpinThenBlock {
            spin: Self::DEFAULT_SPIN,
        }
    }
}

/// How often a waiting end checks that its peer's process is alive (a
/// `kill(pid, 0)` and on Linux a read of `/proc/<pid>/stat`); a blocked end
/// wakes at least this often to do it.
pub const LIVENESS_CHECK: Duration = Duration::from_millis(25);

/// How long [`WaitPolicy::SpinThenBlock`] spins before it yields the CPU
/// between polls (for the rest of its spin).
const YIELD_AFTER: Duration = Duration::from_micros(2);

/// Polls between two looks at the clock while spinning (a clock read costs
/// about as much as a dozen empty polls).
const POLLS_PER_CLOCK: u32 = 16;

/// Calls `poll` until it returns a value or an error, waiting between
/// calls as `policy` says; `None` once `timeout` has passed. A timeout too
/// long for `Instant` (`Duration::MAX`) waits for ever, as does `None`.
/// [`Error::ChannelClosed`] if the peer's process is found dead and a last
/// poll finds nothing.
///
/// Each `poll` of the channel is O(1) whatever the shared words hold, and a
/// sleep never outlasts the deadline or the next liveness check, so the
/// wait ends at the deadline (give or take a scheduler's wake-up, and one
/// step of at most 1 ms without a futex).
pub(super) fn poll_until<R>(
    channel: &Channel,
    policy: WaitPolicy,
    timeout: Option<Duration>,
    mut poll: impl FnMut() -> Result<Option<R>, Error>,
) -> Result<Option<R>, Error> {
    // The common case costs no clock read: a few polls first.
    for _ in 0..POLLS_PER_CLOCK {
        if let Some(found) = poll()? {
            return Ok(Some(found));
        }
        core::hint::spin_loop();
    }
    if channel.peer_known_dead() {
        return dead_peer(poll);
    }
    let start = Instant::now();
    let deadline = timeout.and_then(|timeout| start.checked_add(timeout));
    let spin = match policy {
        WaitPolicy::BusySpin => None,
        WaitPolicy::SpinThenBlock { spin } => Some(spin),
        WaitPolicy::Block => Some(Duration::ZERO),
    };
    let mut next_check = start + LIVENESS_CHECK;
    let mut naps = 0u32;
    loop {
        let now = Instant::now();
        if deadline.is_some_and(|deadline| now >= deadline) {
            return Ok(None);
        }
        if now >= next_check {
            if !channel.peer_alive() {
                return dead_peer(poll);
            }
            next_check = now + LIVENESS_CHECK;
        }
        let spun = now.duration_since(start);
        if spin.is_none_or(|spin| spun < spin) {
            if spin.is_some() && spun >= YIELD_AFTER {
                // Spinning this long: the peer may be runnable but without
                // a core (more runnable threads than cores). Let it run.
                std::thread::yield_now();
            }
            for _ in 0..POLLS_PER_CLOCK {
                if let Some(found) = poll()? {
                    return Ok(Some(found));
                }
                core::hint::spin_loop();
            }
            continue;
        }
        // Block: announce it, look once more, then sleep until woken, the
        // next liveness check or the deadline, whichever is first.
        let seen = channel.bell_value();
        channel.announce_sleep(true);
        let found = poll();
        if !matches!(found, Ok(None)) {
            channel.announce_sleep(false);
            return found;
        }
        let mut nap = next_check.saturating_duration_since(now);
        if let Some(deadline) = deadline {
            nap = nap.min(deadline.saturating_duration_since(now));
        }
        if !FUTEX {
            // Sleep-polling: 50 µs, doubling to 1 ms.
            nap = nap.min(Duration::from_micros(50 << naps.min(4)));
            naps = naps.saturating_add(1);
        }
        channel.sleep(seen, nap.max(Duration::from_micros(1)));
        channel.announce_sleep(false);
        if let Some(found) = poll()? {
            return Ok(Some(found));
        }
    }
}

/// The end of a wait on a dead peer: whatever it committed before it died
/// is whole, so a last poll hands it out; then the channel is closed.
fn dead_peer<R>(mut poll: impl FnMut() -> Result<Option<R>, Error>) -> Result<Option<R>, Error> {
    match poll()? {
        Some(found) => Ok(Some(found)),
        None => Err(Error::ChannelClosed),
    }
}

/// Calls `poll` until it returns a value or an error (see [`poll_until`]).
pub(super) fn poll_forever<R>(
    channel: &Channel,
    policy: WaitPolicy,
    mut poll: impl FnMut() -> Result<Option<R>, Error>,
) -> Result<R, Error> {
    loop {
        // Without a timeout `poll_until` returns only a value or an error:
        // this loop runs once.
        if let Some(found) = poll_until(channel, policy, None, &mut poll)? {
            return Ok(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::error::Error;
    use crate::ipc::channel::{Channel, W_RECEIVER};
    use crate::ipc::wait::{WaitPolicy, poll_forever, poll_until};

    const POLICIES: [WaitPolicy; 4] = [
        WaitPolicy::BusySpin,
        WaitPolicy::SpinThenBlock {
            spin: WaitPolicy::DEFAULT_SPIN,
        },
        WaitPolicy::SpinThenBlock {
            spin: Duration::ZERO,
        },
        WaitPolicy::Block,
    ];

    #[test]
    fn waits_until_a_value_an_error_or_the_deadline() {
        let channel = Channel::anonymous(256, 0, W_RECEIVER);
        for policy in POLICIES {
            let mut calls = 0;
            let found = poll_forever(&channel, policy, || {
                calls += 1;
                Ok((calls == 50).then_some(calls))
            });
            assert_eq!(found.unwrap(), 50);

            let start = Instant::now();
            let none = poll_until(&channel, policy, Some(Duration::from_millis(3)), || {
                Ok(None::<()>)
            });
            assert!(none.unwrap().is_none());
            assert!(start.elapsed() >= Duration::from_millis(3));

            let closed = poll_until(&channel, policy, Some(Duration::MAX), || {
                Err::<Option<()>, _>(Error::ChannelClosed)
            });
            assert!(matches!(closed, Err(Error::ChannelClosed)));
        }
        assert_eq!(
            WaitPolicy::default(),
            WaitPolicy::SpinThenBlock {
                spin: Duration::from_micros(50)
            }
        );
    }
}
