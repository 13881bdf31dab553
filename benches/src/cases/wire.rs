//! The wire formats' cases: encode, decode owned, decode borrowed, one
//! generic function ([`wire_cases`]) over a [`Codec`] per format.

use std::hint::black_box;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::cases::dataset::Dataset;
use crate::cases::{Case, format, op};

/// A wire format's entry points, for any type the datasets use (each
/// dataset and its borrowed form derive both barewire's codec and serde).
pub trait Codec {
    /// Format name, from [`format`](mod@format).
    const FORMAT: &'static str;
    /// The encoding of `value` in a new vector.
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8>;
    /// Appends the encoding of `value` to `buf` (a reused buffer); returns
    /// the bytes written.
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize;
    /// Decodes an owned value; returns it and the bytes read.
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize);
    /// Decodes a value that borrows strings from `bytes`; `None` for a
    /// format without a borrowing decoder.
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        bytes: &'a [u8],
    ) -> Option<(T, usize)>;
}

/// barewire's BARE wire codec.
pub struct Barewire;

impl Codec for Barewire {
    const FORMAT: &'static str = format::BAREWIRE;
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8> {
        barewire::to_vec(value)
    }
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize {
        barewire::encode_into(value, buf);
        buf.len()
    }
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize) {
        let value = barewire::from_slice(bytes).expect("barewire decodes its own bytes");
        (value, bytes.len())
    }
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        bytes: &'a [u8],
    ) -> Option<(T, usize)> {
        let value = barewire::from_slice(bytes).expect("borrowed decode");
        Some((value, bytes.len()))
    }
}

/// serde_bare 0.5: the same wire format through serde; it has no borrowing
/// decoder.
pub struct SerdeBare;

impl Codec for SerdeBare {
    const FORMAT: &'static str = format::SERDE_BARE;
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8> {
        serde_bare::to_vec(value).unwrap()
    }
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize {
        serde_bare::to_writer(&mut *buf, value).unwrap();
        buf.len()
    }
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize) {
        (serde_bare::from_slice(bytes).unwrap(), bytes.len())
    }
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        _: &'a [u8],
    ) -> Option<(T, usize)> {
        None
    }
}

/// barewire's own serde data format (`barewire::serde`): the same BARE
/// bytes through serde, as strict as the derive, borrowing strings.
pub struct SerdeBridge;

impl Codec for SerdeBridge {
    const FORMAT: &'static str = format::SERDE_BRIDGE;
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8> {
        barewire::serde::to_vec(value).unwrap()
    }
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize {
        let mut ser = barewire::serde::Serializer::new(std::mem::take(buf));
        value.serialize(&mut ser).unwrap();
        *buf = ser.into_inner();
        buf.len()
    }
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize) {
        (barewire::serde::from_slice(bytes).unwrap(), bytes.len())
    }
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        bytes: &'a [u8],
    ) -> Option<(T, usize)> {
        Some((barewire::serde::from_slice(bytes).unwrap(), bytes.len()))
    }
}

/// bincode 2 through serde, standard configuration.
pub struct Bincode;

impl Codec for Bincode {
    const FORMAT: &'static str = format::BINCODE;
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8> {
        bincode::serde::encode_to_vec(value, bincode::config::standard()).unwrap()
    }
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize {
        bincode::serde::encode_into_std_write(value, buf, bincode::config::standard()).unwrap()
    }
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize) {
        bincode::serde::decode_from_slice(bytes, bincode::config::standard()).unwrap()
    }
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        bytes: &'a [u8],
    ) -> Option<(T, usize)> {
        let config = bincode::config::standard();
        Some(bincode::serde::borrow_decode_from_slice(bytes, config).unwrap())
    }
}

/// postcard 1 (serde).
pub struct Postcard;

impl Codec for Postcard {
    const FORMAT: &'static str = format::POSTCARD;
    fn to_vec<T: barewire::Encode + Serialize>(value: &T) -> Vec<u8> {
        postcard::to_allocvec(value).unwrap()
    }
    fn encode_into<T: barewire::Encode + Serialize>(value: &T, buf: &mut Vec<u8>) -> usize {
        *buf = postcard::to_extend(value, std::mem::take(buf)).unwrap();
        buf.len()
    }
    fn decode<T: barewire::DecodeOwned + DeserializeOwned>(bytes: &[u8]) -> (T, usize) {
        (postcard::from_bytes(bytes).unwrap(), bytes.len())
    }
    fn decode_borrowed<'a, T: barewire::Decode<'a> + Deserialize<'a>>(
        bytes: &'a [u8],
    ) -> Option<(T, usize)> {
        Some((postcard::from_bytes(bytes).unwrap(), bytes.len()))
    }
}

/// Format `C` on dataset `D`: encode (into a reused buffer), decode owned,
/// and, where the dataset borrows strings and the format can, decode
/// borrowed. Checks each path once first (the decoded value equals the
/// data; the borrowed form reads the same and re-encodes to the same
/// bytes). Returns the encoding.
pub fn wire_cases<C: Codec, D: Dataset>(data: &Rc<D>, out: &mut Vec<Case>) -> Vec<u8> {
    let bytes = C::to_vec(&**data);
    let (back, used): (D, usize) = C::decode(&bytes);
    assert!(
        back == **data && used == bytes.len(),
        "{}: {} decode differs",
        D::NAME,
        C::FORMAT
    );
    let n = bytes.len();

    let d = data.clone();
    let mut buf = Vec::new();
    out.push(Case::new(C::FORMAT, op::ENCODE, n, move || {
        buf.clear();
        C::encode_into(black_box(&*d), &mut buf)
    }));
    let input = bytes.clone();
    out.push(Case::new(C::FORMAT, op::DECODE, n, move || {
        let (v, used): (D, usize) = C::decode(black_box(&input));
        black_box(&v);
        used
    }));
    if !D::BORROWS {
        return bytes;
    }
    let Some((r, _)) = C::decode_borrowed::<D::Ref<'_>>(&bytes) else {
        return bytes;
    };
    let (format, name) = (C::FORMAT, D::NAME);
    assert_eq!(D::read_ref(&r), data.read(), "{name}: {format} borrowed");
    assert!(
        C::to_vec(&r) == bytes,
        "{name}: {format} borrowed re-encode"
    );
    drop(r);
    let input = bytes.clone();
    out.push(Case::new(C::FORMAT, op::DECODE_BORROWED, n, move || {
        let (v, used): (D::Ref<'_>, usize) =
            C::decode_borrowed(black_box(&input)).expect("a borrowing decoder");
        black_box(&v);
        used
    }));
    bytes
}
