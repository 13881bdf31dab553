//! The shared-memory channel: two real processes, back-pressure, crashes,
//! and a hostile peer.
//!
//! Tests that need a second process re-run this test binary with
//! `BAREWIRE_IPC_CHILD=<role>` and `BAREWIRE_IPC_PATH=<channel file>`,
//! selecting the `child` test below, which plays the role and exits.
#![cfg(feature = "ipc")]

use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use barewire::ipc::{LIVENESS_CHECK, Receiver, Sender, WaitPolicy, shm_path};
use barewire::{Bare, Error};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Msg {
    seq: u64,
    text: String,
    payload: Vec<u8>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Sample {
    seq: u64,
    value: f64,
    flags: u32,
}

fn msg(seq: u64) -> Msg {
    // Sizes vary from a few bytes to a few KiB so records wrap around the
    // ring at many different offsets.
    let len = (seq * 97 % 3000) as usize;
    Msg {
        seq,
        text: format!("message number {seq}"),
        payload: (0..len).map(|i| (i as u64 ^ seq) as u8).collect(),
    }
}

fn channel_path(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    shm_path(&format!("barewire-test-{}-{tag}-{n}", std::process::id()))
}

fn spawn_child(role: &str, path: &PathBuf) -> Child {
    spawn_child_with(role, path, WaitPolicy::default())
}

/// The wait policies every cross-process test runs with, by name.
const POLICIES: [(&str, WaitPolicy); 4] = [
    ("busy-spin", WaitPolicy::BusySpin),
    (
        "spin-then-block",
        WaitPolicy::SpinThenBlock {
            spin: WaitPolicy::DEFAULT_SPIN,
        },
    ),
    (
        "spin-1us",
        WaitPolicy::SpinThenBlock {
            spin: Duration::from_micros(1),
        },
    ),
    ("block", WaitPolicy::Block),
];

fn policy_named(name: &str) -> WaitPolicy {
    POLICIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("unknown policy {name}"))
}

fn policy_name(policy: WaitPolicy) -> &'static str {
    POLICIES.iter().find(|(_, p)| *p == policy).unwrap().0
}

fn spawn_child_with(role: &str, path: &PathBuf, policy: WaitPolicy) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env("BAREWIRE_IPC_CHILD", role)
        .env("BAREWIRE_IPC_PATH", path)
        .env("BAREWIRE_IPC_POLICY", policy_name(policy))
        // The child's own test summary would read like ours: keep it out.
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

const ECHO_COUNT: u64 = 2000;

/// The child process's side. Not a test of its own: it returns at once
/// unless this binary was started by `spawn_child`.
#[test]
fn child() {
    let Ok(role) = std::env::var("BAREWIRE_IPC_CHILD") else {
        return;
    };
    let path = PathBuf::from(std::env::var("BAREWIRE_IPC_PATH").unwrap());
    let policy = policy_named(&std::env::var("BAREWIRE_IPC_POLICY").unwrap());
    // Tells the parent this child has attached (its pid is in the header).
    let ready = || std::fs::write(path.with_extension("ready"), b"").unwrap();
    match role.as_str() {
        // Receives on `path`, echoes every message back on `path.back`.
        "echo" => {
            // SAFETY: the channel contract: 1. the files are fresh, private
            // to this test's two processes, and never truncated; 2. both
            // ends are barewire's `Sender` and `Receiver`.
            let mut rx = unsafe { Receiver::<Msg>::open(&path) }.unwrap();
            // SAFETY: as above.
            let mut tx = unsafe { Sender::<Msg>::open(path.with_extension("back")) }.unwrap();
            rx.set_wait_policy(policy);
            tx.set_wait_policy(policy);
            loop {
                let message = match rx.recv() {
                    Ok(m) => m,
                    Err(Error::ChannelClosed) => break,
                    Err(e) => panic!("{e}"),
                };
                let view = message.view().unwrap();
                assert!(view.text().as_str().unwrap().starts_with("message number"));
                tx.send_image(message.bytes()).unwrap();
            }
        }
        // Sends as fast as it can into a small ring.
        "flood" => {
            // SAFETY: as for "echo".
            let mut tx = unsafe { Sender::<Msg>::open(&path) }.unwrap();
            for seq in 0..ECHO_COUNT {
                tx.send(&msg(seq)).unwrap();
            }
        }
        // Writes a message, never commits it, and dies.
        "crash" => {
            // SAFETY: as for "echo" (dying is within the protocol: the
            // file stays whole, and the reservation is never published).
            let mut tx = unsafe { Sender::<Msg>::open(&path) }.unwrap();
            tx.send(&msg(1)).unwrap();
            let image = barewire::to_layout(&msg(2));
            let mut reservation = tx.reserve(image.len()).unwrap();
            reservation.bytes_mut().copy_from_slice(&image);
            std::process::abort();
        }
        // Sends one message, then idles until it is killed.
        "idle-sender" => {
            // SAFETY: as for "echo".
            let mut tx = unsafe { Sender::<Msg>::open(&path) }.unwrap();
            tx.send(&msg(1)).unwrap();
            ready();
            std::thread::sleep(Duration::from_secs(60));
        }
        // Attaches as the receiver, then idles until it is killed.
        "idle-receiver" => {
            // SAFETY: as for "echo".
            let _rx = unsafe { Receiver::<Msg>::open(&path) }.unwrap();
            ready();
            std::thread::sleep(Duration::from_secs(60));
        }
        other => panic!("unknown child role {other}"),
    }
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn echo_between_two_processes() {
    let path = channel_path("echo");
    // SAFETY: the channel contract: 1. fresh files, private to this test's
    // two processes, never truncated; 2. both ends are barewire's.
    let mut tx = unsafe { Sender::<Msg>::create(&path, 16 * 1024) }.unwrap();
    // SAFETY: as above.
    let mut rx =
        unsafe { Receiver::<Msg>::create(path.with_extension("back"), 16 * 1024) }.unwrap();
    let mut child = spawn_child("echo", &path);
    // Keep a few messages in flight each way.
    let mut received = 0;
    for seq in 0..ECHO_COUNT {
        tx.send(&msg(seq)).unwrap();
        if seq >= 2 {
            let m = rx.recv().unwrap();
            assert_eq!(m.to_owned().unwrap(), msg(received));
            received += 1;
        }
    }
    drop(tx); // closes: the child drains and exits
    while received < ECHO_COUNT {
        let m = rx.recv().unwrap();
        let view = m.view().unwrap();
        assert_eq!(view.seq(), received);
        assert_eq!(view.payload().as_slice(), &msg(received).payload[..]);
        received += 1;
    }
    assert!(child.wait().unwrap().success());
    assert!(matches!(rx.recv(), Err(Error::ChannelClosed)));
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn back_pressure_with_a_slow_receiver() {
    let path = channel_path("flood");
    // SAFETY: as in `echo_between_two_processes`.
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 8 * 1024) }.unwrap();
    let mut child = spawn_child("flood", &path);
    for seq in 0..ECHO_COUNT {
        if seq % 500 == 0 {
            std::thread::sleep(Duration::from_millis(20)); // let the ring fill
        }
        let m = rx.recv().unwrap();
        assert_eq!(m.to_owned().unwrap(), msg(seq));
    }
    assert!(child.wait().unwrap().success());
    assert!(matches!(rx.recv(), Err(Error::ChannelClosed)));
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn a_crashed_sender_leaves_no_torn_message() {
    let path = channel_path("crash");
    // SAFETY: as in `echo_between_two_processes`.
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 64 * 1024) }.unwrap();
    let status = spawn_child("crash", &path).wait().unwrap();
    assert!(!status.success());
    // The committed message is whole; the reserved one is invisible.
    assert_eq!(rx.recv().unwrap().to_owned().unwrap(), msg(1));
    assert!(rx.try_recv().unwrap().is_none());
    // A wait finds the sender dead: the channel is closed.
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(5)),
        Err(Error::ChannelClosed)
    ));
    assert!(matches!(rx.recv(), Err(Error::ChannelClosed)));
}

/// Every wait policy, on both ends, across two processes: messages echoed
/// with a few in flight (rings large enough for all of them each way: the
/// parent does not receive while it sends), then a strict ping-pong (so every receive
/// waits, and with `Block` sleeps on the futex and is woken by the peer).
#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn every_wait_policy_works_between_two_processes() {
    for (name, policy) in POLICIES {
        let path = channel_path(name);
        // SAFETY: as in `echo_between_two_processes`.
        let mut tx = unsafe { Sender::<Msg>::create(&path, 32 * 1024) }.unwrap();
        // SAFETY: as above.
        let mut rx =
            unsafe { Receiver::<Msg>::create(path.with_extension("back"), 32 * 1024) }.unwrap();
        tx.set_wait_policy(policy);
        rx.set_wait_policy(policy);
        assert_eq!((tx.wait_policy(), rx.wait_policy()), (policy, policy));
        let mut child = spawn_child_with("echo", &path, policy);
        let mut received = 0;
        for seq in 0..600 {
            tx.send(&msg(seq)).unwrap();
            if seq >= 3 {
                assert_eq!(rx.recv().unwrap().view().unwrap().seq(), received, "{name}");
                received += 1;
            }
        }
        while received < 600 {
            assert_eq!(rx.recv().unwrap().view().unwrap().seq(), received, "{name}");
            received += 1;
        }
        for seq in 0..300 {
            tx.send(&msg(seq)).unwrap();
            let m = rx.recv().unwrap();
            assert_eq!(m.to_owned().unwrap(), msg(seq), "{name}");
        }
        drop(tx);
        assert!(matches!(rx.recv(), Err(Error::ChannelClosed)), "{name}");
        assert!(child.wait().unwrap().success(), "{name}");
    }
}

/// Waits until a child spawned on `path` has attached.
fn wait_ready(path: &std::path::Path, child: &mut Child) {
    let ready = path.with_extension("ready");
    let start = std::time::Instant::now();
    while !ready.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the child died");
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the child never attached"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::remove_file(ready).unwrap();
}

/// Kills `child` after `after`, from another thread, without reaping it
/// (so it is a zombie while the test waits), and returns the thread, which
/// reaps it.
fn kill_later(mut child: Child, after: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(after);
        child.kill().unwrap();
        // Leave it unreaped a while: the liveness check must see a zombie
        // as dead.
        std::thread::sleep(Duration::from_millis(500));
        child.wait().unwrap();
    })
}

/// A bound on how long a wait may take to notice a dead peer: two liveness
/// checks, and a generous margin for a loaded machine.
const DEATH_NOTICED_WITHIN: Duration = Duration::from_secs(2);

#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn a_killed_sender_ends_a_waiting_receive_with_an_error() {
    for (name, policy) in POLICIES {
        let path = channel_path(&format!("dead-sender-{name}"));
        // SAFETY: as in `echo_between_two_processes` (the child dies, which
        // leaves the file whole).
        let mut rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
        rx.set_wait_policy(policy);
        let mut child = spawn_child_with("idle-sender", &path, policy);
        wait_ready(&path, &mut child);
        assert_eq!(rx.recv().unwrap().view().unwrap().seq(), 1);
        let reaper = kill_later(child, Duration::from_millis(100));
        let start = std::time::Instant::now();
        let err = rx.recv().unwrap_err();
        let waited = start.elapsed();
        assert!(matches!(err, Error::ChannelClosed), "{name}: {err}");
        assert!(waited < DEATH_NOTICED_WITHIN, "{name}: {waited:?}");
        assert!(waited >= Duration::from_millis(90), "{name}: {waited:?}");
        // The death is remembered: later waits end at once.
        let start = std::time::Instant::now();
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(10)),
            Err(Error::ChannelClosed)
        ));
        assert!(start.elapsed() < LIVENESS_CHECK * 2);
        reaper.join().unwrap();
    }
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings and processes")]
fn a_killed_receiver_fails_a_waiting_reserve() {
    for (name, policy) in POLICIES {
        let path = channel_path(&format!("dead-receiver-{name}"));
        // SAFETY: as in `echo_between_two_processes`.
        let mut tx = unsafe { Sender::<Msg>::create(&path, 4096) }.unwrap();
        tx.set_wait_policy(policy);
        let mut child = spawn_child_with("idle-receiver", &path, policy);
        wait_ready(&path, &mut child);
        let image = barewire::to_layout(&msg(0));
        while tx.try_send_image(&image).unwrap() {}
        let reaper = kill_later(child, Duration::from_millis(100));
        let start = std::time::Instant::now();
        let err = tx.reserve(image.len()).unwrap_err();
        let waited = start.elapsed();
        assert!(matches!(err, Error::ChannelClosed), "{name}: {err}");
        assert!(waited < DEATH_NOTICED_WITHIN, "{name}: {waited:?}");
        assert!(matches!(tx.send_image(&image), Err(Error::ChannelClosed)));
        reaper.join().unwrap();
    }
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings")]
fn in_one_process_try_recv_timeout_and_close() {
    let path = channel_path("local");
    // SAFETY: the channel contract: 1. a fresh file private to this test,
    // never truncated; 2. both ends are barewire's, in this thread.
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
    // SAFETY: as above.
    let mut tx = unsafe { Sender::<Msg>::open(&path) }.unwrap();
    assert!(rx.try_recv().unwrap().is_none());
    assert!(rx.recv_timeout(Duration::from_millis(1)).unwrap().is_none());
    tx.send(&msg(5)).unwrap();
    {
        let m = rx.try_recv().unwrap().unwrap();
        assert_eq!(m.bytes().as_ptr() as usize % 64, 0);
        assert_eq!(m.view().unwrap().seq(), 5);
        assert_eq!(
            barewire::layout::to_owned::<Msg>(&m.to_buf()).unwrap(),
            msg(5)
        );
    }
    // A message larger than the ring can hold is an error, not a hang.
    assert_eq!(tx.max_message(), 4096 / 2 - 64);
    let err = tx.reserve(5000).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MessageTooLarge {
                size: 5000,
                max: 1984
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "message of 5000 bytes does not fit the channel: at most 1984 bytes per message"
    );
    // Fill the ring: try_send reports it, reserve_timeout gives up.
    let image = barewire::to_layout(&msg(0));
    let mut sent = 0;
    while tx.try_send_image(&image).unwrap() {
        sent += 1;
    }
    assert!(sent > 1);
    assert!(
        tx.reserve_timeout(image.len(), Duration::from_millis(1))
            .unwrap()
            .is_none()
    );
    for _ in 0..sent {
        assert_eq!(rx.recv().unwrap().view().unwrap().seq(), 0);
    }
    drop(tx);
    assert!(matches!(rx.try_recv(), Err(Error::ChannelClosed)));
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings")]
fn reserve_and_build_in_place() {
    let path = channel_path("inplace");
    // SAFETY: the channel contract: 1. a fresh file private to this test,
    // never truncated; 2. both ends are barewire's, in this thread.
    let mut tx = unsafe { Sender::<Sample>::create(&path, 4096) }.unwrap();
    // SAFETY: as above.
    let mut rx = unsafe { Receiver::<Sample>::open(&path) }.unwrap();
    const SIZE: usize = <Sample as barewire::Layout>::SIZE;
    for seq in 0..100u64 {
        let mut r = tx.reserve(SIZE).unwrap();
        let bytes = r.bytes_mut();
        bytes.fill(0);
        let mut sample = barewire::view_mut::<Sample>(bytes).unwrap();
        sample.seq_mut().set(seq);
        sample.value_mut().set(seq as f64 / 2.0);
        sample.flags_mut().set(7);
        r.commit();
        let m = rx.recv().unwrap();
        let view = m.view().unwrap();
        assert_eq!(
            (view.seq(), view.value(), view.flags()),
            (seq, seq as f64 / 2.0, 7)
        );
    }
    // An abandoned reservation publishes nothing.
    let abandoned = tx.reserve(SIZE).unwrap();
    assert_eq!(abandoned.len(), SIZE);
    assert!(rx.try_recv().unwrap().is_none());
}

#[test]
#[cfg_attr(miri, ignore = "shared mappings")]
fn opening_checks_type_roles_and_magic() {
    let path = channel_path("open");
    // SAFETY (for each constructor below): the channel contract: 1. fresh
    // files private to this test, never truncated; 2. every end is
    // barewire's; the refused ones write nothing.
    let _rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
    // SAFETY: as above.
    let err = unsafe { Sender::<Sample>::open(&path) }.unwrap_err();
    assert!(matches!(err, Error::WrongType { .. }), "{err}");
    // SAFETY: as above.
    let err = unsafe { Receiver::<Msg>::open(&path) }.unwrap_err();
    assert!(
        matches!(err, Error::ChannelBusy { role: "receiver" }),
        "{err}"
    );
    // SAFETY: as above.
    let _tx = unsafe { Sender::<Msg>::open(&path) }.unwrap();
    // SAFETY: as above.
    let err = unsafe { Sender::<Msg>::open(&path) }.unwrap_err();
    assert_eq!(err.to_string(), "channel already has a sender attached");

    let other = channel_path("notachannel");
    std::fs::write(&other, vec![7u8; 4096]).unwrap();
    // SAFETY: as above (this file is not a channel: nothing is mapped for
    // longer than the check of its header).
    let err = unsafe { Receiver::<Msg>::open(&other) }.unwrap_err();
    assert!(matches!(err, Error::FileHeader { offset: 0, .. }), "{err}");
    std::fs::remove_file(&other).unwrap();
}

/// Writes `value` at byte `at` of the channel file, as a hostile peer
/// could (bypassing the protocol).
fn poke(path: &PathBuf, at: u64, value: &[u8]) {
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.write_all_at(value, at).unwrap();
}

/// Byte offsets in the channel file: the sender's `head`, the receiver's
/// `tail`, the role state words, the ring.
const HEAD: u64 = 128;
const TAIL: u64 = 256;
const SENDER_STATE: u64 = 384;
const RECEIVER_STATE: u64 = 400;
const DATA: u64 = 512;

#[test]
#[cfg_attr(miri, ignore = "shared mappings")]
fn a_hostile_sender_causes_errors_not_undefined_behaviour() {
    let path = channel_path("hostile");
    // SAFETY: the channel contract: 1. a fresh file private to this test,
    // never truncated. 2. This test plays a peer that breaks the protocol,
    // within what the contract's purpose allows: it writes the `head` word
    // as one aligned 8-byte write (values are checked, not trusted), and it
    // rewrites message bytes only while no reference to them exists in this
    // process (the last part reads them only with `to_buf`'s volatile
    // copy, never through `bytes` or `view`).
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();

    // `head` far ahead of the ring.
    poke(&path, HEAD, &u64::MAX.to_le_bytes());
    let err = rx.try_recv().unwrap_err();
    assert!(matches!(err, Error::ChannelCorrupt { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("shared-memory channel is corrupt: "),
        "{err}"
    );

    // A committed record whose length word runs past what was committed.
    poke(&path, DATA, &1000u64.to_le_bytes());
    poke(&path, HEAD, &128u64.to_le_bytes());
    assert!(matches!(rx.try_recv(), Err(Error::ChannelCorrupt { .. })));

    // A huge length word.
    poke(&path, DATA, &(u64::MAX - 1).to_le_bytes());
    assert!(matches!(rx.try_recv(), Err(Error::ChannelCorrupt { .. })));

    // A wrap marker with nothing after it.
    poke(&path, DATA, &u64::MAX.to_le_bytes());
    assert!(matches!(rx.try_recv(), Err(Error::ChannelCorrupt { .. })));

    // A well-framed record holding garbage: the check rejects it.
    poke(&path, DATA, &64u64.to_le_bytes());
    poke(&path, DATA + 64, &[0xee; 64]);
    poke(&path, HEAD, &192u64.to_le_bytes());
    {
        let m = rx.try_recv().unwrap().unwrap();
        assert_eq!(m.len(), 64);
        assert!(m.view().is_err());
        assert!(m.to_owned().is_err());
    }

    // A valid image, then rewritten after the check: the view reads
    // changed values (or errors), the copy stays as it was.
    let image = barewire::to_layout(&msg(3));
    poke(&path, DATA + 128, &(image.len() as u64).to_le_bytes());
    poke(&path, DATA + 192, &image);
    let record = 64 + image.len().next_multiple_of(64) as u64;
    poke(&path, HEAD, &(128 + record).to_le_bytes());
    let m = rx.try_recv().unwrap().unwrap();
    let copy = m.to_buf();
    assert_eq!(m.view().unwrap().seq(), 3);
    // The peer breaks the protocol and rewrites the message. (Reading the
    // shared bytes now would give changed values; this test does not, as
    // a `&[u8]` over bytes that change is outside Rust's rules.)
    poke(&path, DATA + 192, &[0xff; 64]);
    assert_eq!(barewire::view::<Msg>(&copy).unwrap().seq(), 3);
    assert!(m.to_buf()[..8] == [0xff; 8]);
}

/// A peer that stores garbage in the control words (positions, length
/// words, role states): every receive is an error or a message inside the
/// ring, never a panic, and a timed wait ends.
#[test]
#[cfg_attr(miri, ignore = "shared mappings")]
fn garbage_in_the_control_words_is_an_error_not_a_panic() {
    let path = channel_path("garbage");
    // SAFETY: the channel contract: 1. a fresh file private to this test,
    // never truncated; 2. the test plays the peer, writing header words as
    // single aligned 8-byte writes and ring bytes only while no message
    // (no reference into the ring) is alive.
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
    let values = [
        1,
        7,
        63,
        64,
        4032,
        4095,
        4096,
        4160,
        1 << 32,
        1 << 63,
        u64::MAX - 63,
        u64::MAX,
    ];
    let mut corrupt = 0;
    for &head in &values {
        for &len in &values {
            poke(&path, DATA, &len.to_le_bytes());
            poke(&path, HEAD, &head.to_le_bytes());
            match rx.try_recv() {
                Ok(Some(m)) => {
                    assert!(m.len() <= 4096 / 2 - 64);
                    let _ = m.to_owned();
                }
                Ok(None) => {}
                Err(Error::ChannelCorrupt { .. }) => corrupt += 1,
                Err(e) => panic!("unexpected {e}"),
            }
        }
    }
    assert!(corrupt > 0);
    // A `head` that says "nothing yet" for ever, from a sender that claims
    // to be attached: the timed wait ends.
    let path = channel_path("garbage-wait");
    // SAFETY: as above.
    let mut rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
    poke(&path, HEAD, &0u64.to_le_bytes());
    poke(&path, SENDER_STATE, &u64::MAX.to_le_bytes());
    let start = std::time::Instant::now();
    assert!(
        rx.recv_timeout(Duration::from_millis(20))
            .unwrap()
            .is_none()
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    // The receiver's own position word does not steer it: it is only a
    // copy of what the receiver holds.
    poke(&path, TAIL, &u64::MAX.to_le_bytes());
    assert!(rx.try_recv().unwrap().is_none());

    // The sender's side: a garbage `tail` from the receiver is an error.
    let path = channel_path("garbage-tx");
    // SAFETY: as above.
    let mut tx = unsafe { Sender::<Msg>::create(&path, 4096) }.unwrap();
    poke(&path, RECEIVER_STATE, &1u64.to_le_bytes()); // a receiver "attached"
    for &tail in &values {
        poke(&path, TAIL, &tail.to_le_bytes());
        match tx.try_send_image(&barewire::to_layout(&msg(1))) {
            Ok(_) | Err(Error::ChannelCorrupt { .. }) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
}

/// Capacities that do not fit the address space are errors, not panics or
/// wrapped sizes.
#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn impossible_capacities_are_errors() {
    for capacity in [usize::MAX, usize::MAX - 255, isize::MAX as usize] {
        let path = channel_path("huge");
        // SAFETY: the channel contract: a fresh path private to this test,
        // which nothing else opens (and creation fails before it maps).
        let err = unsafe { Receiver::<Msg>::create(&path, capacity) }.unwrap_err();
        assert!(matches!(err, Error::Io(_)), "{err}");
        assert!(!path.exists());
    }
}

/// The creator writes every byte of the file, so its storage is allocated
/// before anything is mapped: a full `/dev/shm` is an error at creation,
/// not a `SIGBUS` at the first message.
#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn the_channel_file_is_allocated_when_created() {
    use std::os::unix::fs::MetadataExt;
    let path = channel_path("allocated");
    // SAFETY: the channel contract: a fresh file private to this test,
    // never truncated; no peer attaches.
    let rx = unsafe { Receiver::<Msg>::create(&path, 64 * 1024) }.unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.len(), DATA + 64 * 1024);
    assert!(meta.blocks() * 512 >= meta.len(), "a sparse file: {meta:?}");
    drop(rx);
    assert!(!path.exists(), "the creator removes the file");
}

/// Creation writes a temporary file beside the channel file and renames
/// it: none is left behind, whether creation succeeds or fails after the
/// temporary file was made (here the rename fails: the path is a directory
/// that is not empty).
#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn creation_leaves_no_temporary_file() {
    let dir = channel_path("tmpdir");
    std::fs::create_dir(&dir).unwrap();
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let path = dir.join("chan");
    // SAFETY: the channel contract: a fresh file in a directory private to
    // this test, never truncated; no peer attaches.
    let rx = unsafe { Receiver::<Msg>::create(&path, 4096) }.unwrap();
    assert_eq!(names(), ["chan"]);
    drop(rx);

    let occupied = dir.join("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("file"), b"").unwrap();
    // SAFETY: as above; creation fails, so nothing is mapped afterwards.
    let err = unsafe { Sender::<Msg>::create(&occupied, 4096) }.unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err}");
    assert_eq!(names(), ["occupied"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
