//! Inputs the fuzz targets (`fuzz/`) found, kept as regression tests: each
//! once made barewire panic or broke a documented property. The bytes are
//! the fuzzer's own (after the target's control bytes), as literals.

/// `layout_view`: a hostile image whose parts overlap, so that a scalar of
/// one value shares bytes with an offset of another. `view` accepts it
/// (reads stay in bounds); `view_mut` and `ImageMut` refuse it, since
/// setting those scalars would change the other value's offset.
mod fixtures;

mod overlapping_image {
    use barewire::layout::LayoutBuf;

    use crate::fixtures::Canon;

    #[rustfmt::skip]
    const IMAGE: [u8; 253] = [
        0x84, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x19, 0xff, 0xff, 0xff, 0xff, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x80, 0x3e, 0x00, 0x00, 0x80, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x08,
        0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0xfe, 0xff, 0x03, 0x00,
    ];

    #[test]
    fn mutable_views_refuse_an_image_whose_values_share_bytes() {
        let mut image = LayoutBuf::from_bytes(&IMAGE);
        barewire::view::<Canon>(&image).expect("the structural check accepts the image");
        let Err(err) = barewire::view_mut::<Canon>(&mut image) else {
            panic!("view_mut accepted an image whose values share bytes");
        };
        assert!(
            matches!(err, barewire::Error::InvalidLayout { reason, .. } if reason.contains("share bytes")),
            "{err:?}"
        );
        let err = barewire::ImageMut::<Canon, _>::new(image).unwrap_err();
        assert!(
            matches!(err, barewire::Error::InvalidLayout { .. }),
            "{err:?}"
        );
    }
}

/// `ipc_receiver`: a channel file whose receiver position (`tail`, read
/// from the shared header at attach) is not on a 64-byte record boundary.
/// The receiver read the length word at `tail % capacity` = 250 of a
/// 256-byte ring and panicked ("data range outside the ring"); now it is
/// `ChannelCorrupt`. The sender had the same flaw with `head` (a wrap marker
/// written at 250).
#[cfg(feature = "ipc")]
mod unaligned_ring_position {
    use barewire::Error;
    use barewire::ipc::{Receiver, Sender, shm_path};
    use barewire::mmap::fingerprint;

    const MAGIC: u64 = u64::from_le_bytes(*b"BAREIPC\0");
    /// Channel format version 2: a 512-byte header; words (index = byte
    /// offset / 8) for `head`, `tail` and the two ends' state.
    const HEADER: usize = 512;
    const W_HEAD: usize = 16;
    const W_TAIL: usize = 32;
    const W_SENDER: usize = 48;
    const W_RECEIVER: usize = 50;

    /// A channel file of `u64` images: header words (index = offset / 8),
    /// then a ring of `capacity` bytes, zero but for `ring` (offset, word).
    fn channel_file(
        name: &str,
        capacity: usize,
        words: &[(usize, u64)],
        ring: &[(usize, u64)],
    ) -> std::path::PathBuf {
        let mut file = vec![0u8; HEADER + capacity];
        for &(at, value) in ring {
            file[HEADER + at..HEADER + at + 8].copy_from_slice(&value.to_le_bytes());
        }
        let mut put = |word: usize, value: u64| {
            file[word * 8..word * 8 + 8].copy_from_slice(&value.to_le_bytes());
        };
        put(0, MAGIC);
        put(1, 2);
        put(2, capacity as u64);
        put(3, fingerprint::<u64>());
        for &(word, value) in words {
            put(word, value);
        }
        let path = shm_path(&format!(
            "barewire-fuzz-regression-{name}-{}",
            std::process::id()
        ));
        std::fs::write(&path, &file).unwrap();
        path
    }

    #[test]
    #[cfg_attr(miri, ignore = "shared mappings")]
    fn receiver_rejects_a_tail_off_a_record_boundary() {
        // tail 0x6fa (the fuzzer's), head 64 bytes further, sender attached.
        let path = channel_file(
            "tail",
            256,
            &[(W_TAIL, 0x6fa), (W_HEAD, 0x6fa + 64), (W_SENDER, 1)],
            &[],
        );
        // SAFETY: the channel contract: the file is private to this test,
        // never truncated, and nothing else writes it while it is open.
        let mut receiver = unsafe { Receiver::<u64>::open(&path) }.unwrap();
        let err = receiver.try_recv().map(|m| m.is_some()).unwrap_err();
        assert!(matches!(err, Error::ChannelCorrupt { .. }), "{err:?}");
        drop(receiver);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "shared mappings")]
    fn sender_rejects_a_head_off_a_record_boundary() {
        // head = tail = 250 (mod 256): the next record would wrap, with its
        // wrap marker at 250.
        let path = channel_file(
            "head",
            256,
            &[(W_HEAD, 250), (W_TAIL, 250), (W_RECEIVER, 1)],
            &[],
        );
        // SAFETY: the channel contract: the file is private to this test,
        // never truncated, and nothing else writes it while it is open.
        let mut sender = unsafe { Sender::<u64>::open(&path) }.unwrap();
        let image = barewire::to_layout(&7u64);
        let err = sender.try_send_image(&image).unwrap_err();
        assert!(matches!(err, Error::ChannelCorrupt { .. }), "{err:?}");
        drop(sender);
        std::fs::remove_file(&path).unwrap();
    }

    /// `ipc_receiver`: positions are free-running `u64` counters; a `tail`
    /// just below 2^64 made `position + record` overflow (a panic with
    /// overflow checks). The counters now wrap, as `head` always did.
    #[test]
    #[cfg_attr(miri, ignore = "shared mappings")]
    fn receiver_positions_wrap_at_the_end_of_u64() {
        // A 512-byte ring; tail = 2^64 - 128 is ring offset 384, where a
        // record of 64 + 64 bytes ends exactly at the ring's end and at 2^64.
        let tail = 0u64.wrapping_sub(128);
        let path = channel_file(
            "wrap",
            512,
            &[(W_TAIL, tail), (W_HEAD, 0), (W_SENDER, 1)],
            &[(384, 64)],
        );
        // SAFETY: the channel contract: the file is private to this test,
        // never truncated, and nothing else writes it while it is open.
        let mut receiver = unsafe { Receiver::<u64>::open(&path) }.unwrap();
        let message = receiver.try_recv().unwrap().expect("one committed message");
        assert_eq!(message.len(), 64);
        assert_eq!(message.to_buf()[..], [0u8; 64]);
        drop(message);
        assert!(
            receiver.try_recv().unwrap().is_none(),
            "drained: tail wrapped to head"
        );
        drop(receiver);
        std::fs::remove_file(&path).unwrap();
    }
}

/// `wire_stream`: an `IoDecoder` with a 64-byte size limit, whose buffer is
/// full, reading a length prefix of u64::MAX: the `SizeLimit` error's size
/// was `offset + needed`, which overflowed (a panic with overflow checks).
/// It saturates now.
#[test]
fn io_decoder_size_limit_with_a_huge_length_prefix() {
    use barewire::{Error, IoDecoder, Limits};
    // One list of one `data` whose length prefix is u64::MAX, then padding
    // so that 64 bytes are buffered.
    let mut bytes = vec![
        0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    bytes.resize(64, 0);
    let limits = Limits::DEFAULT.with_max_size(64);
    let mut decoder = IoDecoder::with_limits(std::io::Cursor::new(bytes), limits);
    let err = decoder.decode::<Vec<Vec<u8>>>().unwrap_err();
    assert!(
        matches!(
            err,
            Error::SizeLimit {
                size: u64::MAX,
                limit: 64
            }
        ),
        "{err:?}"
    );
}
