//! Benchmark cases: one closure per (format, operation) on one dataset,
//! each checked for correctness before it is handed out.
//!
//! The criterion benches and the `compare` report both run these tables, so a
//! new format is added in one place: write a function like [`rkyv_cases`]
//! that pushes its [`Case`]s, and call it from [`cases`].

use std::fmt::Debug;
use std::hint::black_box;
use std::rc::Rc;

use barewire::layout::{self, FromLayout, Layout};

use rkyv::api::high::{HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::de::Pool;
use rkyv::rancor::{self, Strategy};
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::corpus::{ArchivedCorpus, Corpus, CorpusRef};
use crate::log::{ArchivedLogs, Logs};
use crate::mesh::{ArchivedMesh, Mesh};
use crate::minecraft::{ArchivedPlayers, Players};

/// Format names, as the report prints them.
pub mod format {
    /// barewire's BARE wire codec.
    pub const BAREWIRE: &str = "barewire";
    /// serde_bare 0.5: the same wire format through serde.
    pub const SERDE_BARE: &str = "serde_bare";
    /// bincode 2 (serde, standard config: varint integers).
    pub const BINCODE: &str = "bincode";
    /// postcard 1 (serde).
    pub const POSTCARD: &str = "postcard";
    /// rkyv 0.8 (zero-copy archive).
    pub const RKYV: &str = "rkyv";
    /// barewire's zero-copy layout (`to_layout`, `view`, `view_mut`).
    pub const LAYOUT: &str = "barewire layout";
    /// A plain copy of the same number of bytes: the physical limit.
    pub const MEMCPY: &str = "memcpy";
}

/// Operation names, as the report prints them.
pub mod op {
    /// Serialize into a reused buffer (for barewire layout: `to_layout`
    /// into a new buffer).
    pub const ENCODE: &str = "encode";
    /// Deserialize into owned values (for rkyv: checked access plus
    /// deserialize, the strict equivalent).
    pub const DECODE: &str = "decode";
    /// Deserialize with strings borrowed from the input.
    pub const DECODE_BORROWED: &str = "decode borrowed";
    /// Access in place without validation, then read every field.
    pub const ACCESS: &str = "access+read";
    /// Validate, access in place, then read every field.
    pub const ACCESS_CHECKED: &str = "checked access+read";
    /// Access in place without validation, then read one scalar from every
    /// record (`code` of log, `v0[0]` of mesh, `score` of minecraft, `id` of
    /// corpus).
    pub const ACCESS_SCALAR: &str = "access+read one";
    /// Validate, access in place, then read one scalar from every record.
    pub const ACCESS_CHECKED_SCALAR: &str = "checked access+read one";
    /// Validate, then set one scalar of every record in place in the encoded
    /// bytes.
    pub const UPDATE: &str = "update in place";
    /// Copy the bytes (memcpy) of the wire encoding's size.
    pub const COPY: &str = "copy";
    /// Copy the bytes (memcpy) of the layout image's size.
    pub const COPY_LAYOUT: &str = "copy (layout size)";
}

/// One benchmark: `run` performs the operation once and returns a value that
/// depends on the result (callers pass it to `black_box`).
pub struct Case {
    /// Format name, from [`format`](mod@format).
    pub format: &'static str,
    /// Operation name, from [`op`].
    pub op: &'static str,
    /// Size of this format's encoding of the dataset, in bytes (the
    /// throughput figure's numerator).
    pub bytes: usize,
    /// Performs the operation once.
    pub run: Box<dyn FnMut() -> usize>,
}

impl Case {
    /// A case from a closure.
    pub fn new(
        format: &'static str,
        op: &'static str,
        bytes: usize,
        run: impl FnMut() -> usize + 'static,
    ) -> Self {
        Case {
            format,
            op,
            bytes,
            run: Box::new(run),
        }
    }
}

impl Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Case({} {}, {} bytes)", self.format, self.op, self.bytes)
    }
}

/// A dataset: one owned type that every compared format can encode, with a
/// borrowed form and an in-place reader for rkyv's archive.
pub trait Dataset:
    barewire::Encode
    + barewire::DecodeOwned
    + Serialize
    + DeserializeOwned
    + rkyv::Archive
    + PartialEq
    + Debug
    + Sized
    + 'static
{
    /// Name in reports: `log`, `mesh`, `minecraft`, `corpus`.
    const NAME: &'static str;
    /// Seed of the generator.
    const SEED: u64;
    /// Whether [`Dataset::Ref`] borrows strings (false: it is `Self`, and the
    /// borrowed-decode cases are left out).
    const BORROWS: bool;
    /// The same data with `&str` in place of `String`.
    type Ref<'a>: barewire::Decode<'a> + barewire::Encode + serde::Deserialize<'a> + Serialize;
    /// Generates the dataset.
    fn generate() -> Self;
    /// Reads every field into a checksum.
    fn read(&self) -> u64;
    /// Reads every field of the borrowed form, as [`Dataset::read`] does.
    fn read_ref(value: &Self::Ref<'_>) -> u64;
    /// Reads every field of the rkyv archive in place.
    fn read_archived(value: &Self::Archived) -> u64;
    /// Reads one scalar from every record into a sum (see
    /// [`op::ACCESS_SCALAR`]).
    fn scalar(&self) -> u64;
    /// Reads the same scalars as [`Dataset::scalar`] from the rkyv archive.
    fn scalar_archived(value: &Self::Archived) -> u64;
}

macro_rules! dataset {
    ($t:ty, $archived:ty, $name:literal, $seed:literal, borrows: $borrows:literal, $ref:ty, scalar: $scalar:ident) => {
        impl Dataset for $t {
            const NAME: &'static str = $name;
            const SEED: u64 = $seed;
            const BORROWS: bool = $borrows;
            type Ref<'a> = $ref;
            fn generate() -> Self {
                <$t>::generate(Self::SEED)
            }
            fn read(&self) -> u64 {
                <$t>::read(self)
            }
            fn read_ref(value: &Self::Ref<'_>) -> u64 {
                value.read()
            }
            fn read_archived(value: &$archived) -> u64 {
                value.read()
            }
            fn scalar(&self) -> u64 {
                <$t>::$scalar(self)
            }
            fn scalar_archived(value: &$archived) -> u64 {
                value.$scalar()
            }
        }
    };
}

dataset!(
    Logs<String>,
    ArchivedLogs<String>,
    "log",
    0x106,
    borrows: true,
    Logs<&'a str>,
    scalar: sum_codes
);
dataset!(
    Mesh,
    ArchivedMesh,
    "mesh",
    0x3e54,
    borrows: false,
    Mesh,
    scalar: sum_x
);
dataset!(
    Players<String>,
    ArchivedPlayers<String>,
    "minecraft",
    0x3c,
    borrows: true,
    Players<&'a str>,
    scalar: sum_scores
);
dataset!(
    Corpus,
    ArchivedCorpus,
    "corpus",
    0xc0,
    borrows: true,
    CorpusRef<'a>,
    scalar: sum_ids
);

/// A dataset's paths through barewire's zero-copy layout: the same scalar
/// [`Dataset::scalar`] reads, read and set through the layout's views.
pub trait LayoutDataset: Dataset + Layout + for<'a> FromLayout<'a> + Clone {
    /// [`Dataset::scalar`] through the view of the image.
    fn scalar_view(view: &Self::View<'_>) -> u64;
    /// [`Dataset::read`] through the view of the image, strings read as
    /// checked `&str`; `None` where this dataset has no such reader.
    fn read_view(view: &Self::View<'_>) -> Option<Result<u64, barewire::Error>>;
    /// Sets the scalar [`Dataset::scalar`] reads to [`Self::set_value`]'s
    /// value in every record through the mutable view; returns the number of
    /// records.
    fn set_view(view: &mut Self::ViewMut<'_>) -> usize;
    /// What [`LayoutDataset::set_view`] does, on the owned value.
    fn set_value(&mut self);
}

impl LayoutDataset for Logs<String> {
    fn scalar_view(view: &Self::View<'_>) -> u64 {
        view.sum_codes()
    }
    fn read_view(view: &Self::View<'_>) -> Option<Result<u64, barewire::Error>> {
        Some(view.read())
    }
    fn set_view(view: &mut Self::ViewMut<'_>) -> usize {
        view.set_codes(404)
    }
    fn set_value(&mut self) {
        self.set_codes(404);
    }
}

impl LayoutDataset for Mesh {
    fn scalar_view(view: &Self::View<'_>) -> u64 {
        view.sum_x()
    }
    fn read_view(view: &Self::View<'_>) -> Option<Result<u64, barewire::Error>> {
        Some(Ok(view.read()))
    }
    fn set_view(view: &mut Self::ViewMut<'_>) -> usize {
        view.set_x(0.5)
    }
    fn set_value(&mut self) {
        self.set_x(0.5);
    }
}

impl LayoutDataset for Players<String> {
    fn scalar_view(view: &Self::View<'_>) -> u64 {
        view.sum_scores()
    }
    fn read_view(_: &Self::View<'_>) -> Option<Result<u64, barewire::Error>> {
        None
    }
    fn set_view(view: &mut Self::ViewMut<'_>) -> usize {
        view.set_scores(7)
    }
    fn set_value(&mut self) {
        self.set_scores(7);
    }
}

impl LayoutDataset for Corpus {
    fn scalar_view(view: &Self::View<'_>) -> u64 {
        view.sum_ids()
    }
    fn read_view(view: &Self::View<'_>) -> Option<Result<u64, barewire::Error>> {
        Some(view.read())
    }
    fn set_view(view: &mut Self::ViewMut<'_>) -> usize {
        view.set_ids(1)
    }
    fn set_value(&mut self) {
        self.set_ids(1);
    }
}

/// The dataset names, in report order.
pub const DATASETS: [&str; 4] = ["log", "mesh", "minecraft", "corpus"];

/// Every case of the named dataset (see [`DATASETS`]), or `None` for an
/// unknown name.
pub fn dataset_cases(name: &str) -> Option<Vec<Case>> {
    Some(match name {
        "log" => cases::<Logs<String>>(),
        "mesh" => cases::<Mesh>(),
        "minecraft" => cases::<Players<String>>(),
        "corpus" => cases::<Corpus>(),
        _ => return None,
    })
}

/// rkyv's serializer, validator and deserializer bounds for a dataset.
pub trait RkyvDataset:
    Dataset + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, rancor::Error>>
{
}
impl<T> RkyvDataset for T where
    T: Dataset
        + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, rancor::Error>>
{
}

/// Generates dataset `D` and builds every case for it, checking each path
/// once first: a path whose output does not match the input panics here
/// instead of posting a figure.
pub fn cases<D>() -> Vec<Case>
where
    D: RkyvDataset + LayoutDataset,
    D::Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
        + rkyv::Deserialize<D, Strategy<Pool, rancor::Error>>,
{
    let data = Rc::new(D::generate());
    let mut out = Vec::new();
    let wire = barewire_cases(&data, &mut out);
    serde_bare_cases(&data, &wire, &mut out);
    bincode_cases(&data, &mut out);
    postcard_cases(&data, &mut out);
    rkyv_cases(&data, &mut out);
    layout_cases(&data, &mut out);
    memcpy_case(wire.len(), op::COPY, &mut out);
    out
}

/// barewire wire: encode, decode owned, decode borrowed. Returns the bytes.
pub fn barewire_cases<D: Dataset>(data: &Rc<D>, out: &mut Vec<Case>) -> Vec<u8> {
    let bytes = barewire::to_vec(&**data);
    let back: D = barewire::from_slice(&bytes).expect("barewire decodes its own bytes");
    assert!(back == **data, "{}: barewire decode differs", D::NAME);
    let n = bytes.len();

    let d = data.clone();
    let mut buf = Vec::new();
    out.push(Case::new(format::BAREWIRE, op::ENCODE, n, move || {
        buf.clear();
        barewire::encode_into(black_box(&*d), &mut buf);
        buf.len()
    }));
    let input = bytes.clone();
    out.push(Case::new(format::BAREWIRE, op::DECODE, n, move || {
        let v: D = barewire::from_slice(black_box(&input)).unwrap();
        black_box(&v);
        input.len()
    }));
    if D::BORROWS {
        let r: D::Ref<'_> = barewire::from_slice(&bytes).expect("borrowed decode");
        assert_eq!(D::read_ref(&r), data.read(), "{}: borrowed read", D::NAME);
        assert!(
            barewire::to_vec(&r) == bytes,
            "{}: borrowed re-encode",
            D::NAME
        );
        let input = bytes.clone();
        out.push(Case::new(
            format::BAREWIRE,
            op::DECODE_BORROWED,
            n,
            move || {
                let v: D::Ref<'_> = barewire::from_slice(black_box(&input)).unwrap();
                black_box(&v);
                input.len()
            },
        ));
    }
    bytes
}

/// serde_bare: encode, decode (it has no borrowing decoder). Also checks
/// that its bytes equal barewire's (`wire`): the same format.
pub fn serde_bare_cases<D: Dataset>(data: &Rc<D>, wire: &[u8], out: &mut Vec<Case>) {
    let bytes = serde_bare::to_vec(&**data).unwrap();
    assert!(
        bytes == wire,
        "{}: serde_bare and barewire bytes differ",
        D::NAME
    );
    let back: D = serde_bare::from_slice(&bytes).unwrap();
    assert!(back == **data, "{}: serde_bare decode differs", D::NAME);
    let n = bytes.len();

    let d = data.clone();
    let mut buf = Vec::new();
    out.push(Case::new(format::SERDE_BARE, op::ENCODE, n, move || {
        buf.clear();
        serde_bare::to_writer(&mut buf, black_box(&*d)).unwrap();
        buf.len()
    }));
    out.push(Case::new(format::SERDE_BARE, op::DECODE, n, move || {
        let v: D = serde_bare::from_slice(black_box(&bytes)).unwrap();
        black_box(&v);
        bytes.len()
    }));
}

/// bincode 2 through serde, standard configuration: encode, decode, decode
/// borrowed.
pub fn bincode_cases<D: Dataset>(data: &Rc<D>, out: &mut Vec<Case>) {
    let config = bincode::config::standard();
    let bytes = bincode::serde::encode_to_vec(&**data, config).unwrap();
    let (back, used): (D, usize) = bincode::serde::decode_from_slice(&bytes, config).unwrap();
    assert!(
        back == **data && used == bytes.len(),
        "{}: bincode",
        D::NAME
    );
    let n = bytes.len();

    let d = data.clone();
    let mut buf = Vec::new();
    out.push(Case::new(format::BINCODE, op::ENCODE, n, move || {
        buf.clear();
        bincode::serde::encode_into_std_write(black_box(&*d), &mut buf, config).unwrap()
    }));
    let input = bytes.clone();
    out.push(Case::new(format::BINCODE, op::DECODE, n, move || {
        let (v, used): (D, usize) =
            bincode::serde::decode_from_slice(black_box(&input), config).unwrap();
        black_box(&v);
        used
    }));
    if D::BORROWS {
        let (r, _): (D::Ref<'_>, usize) =
            bincode::serde::borrow_decode_from_slice(&bytes, config).unwrap();
        assert_eq!(
            D::read_ref(&r),
            data.read(),
            "{}: bincode borrowed",
            D::NAME
        );
        assert!(
            bincode::serde::encode_to_vec(&r, config).unwrap() == bytes,
            "{}: bincode borrowed re-encode",
            D::NAME
        );
        drop(r);
        out.push(Case::new(
            format::BINCODE,
            op::DECODE_BORROWED,
            n,
            move || {
                let (v, used): (D::Ref<'_>, usize) =
                    bincode::serde::borrow_decode_from_slice(black_box(&bytes), config).unwrap();
                black_box(&v);
                used
            },
        ));
    }
}

/// postcard 1: encode, decode, decode borrowed.
pub fn postcard_cases<D: Dataset>(data: &Rc<D>, out: &mut Vec<Case>) {
    let bytes = postcard::to_allocvec(&**data).unwrap();
    let back: D = postcard::from_bytes(&bytes).unwrap();
    assert!(back == **data, "{}: postcard decode differs", D::NAME);
    let n = bytes.len();

    let d = data.clone();
    let mut buf = Vec::new();
    out.push(Case::new(format::POSTCARD, op::ENCODE, n, move || {
        let mut b = std::mem::take(&mut buf);
        b.clear();
        buf = postcard::to_extend(black_box(&*d), b).unwrap();
        buf.len()
    }));
    let input = bytes.clone();
    out.push(Case::new(format::POSTCARD, op::DECODE, n, move || {
        let v: D = postcard::from_bytes(black_box(&input)).unwrap();
        black_box(&v);
        input.len()
    }));
    if D::BORROWS {
        let r: D::Ref<'_> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(
            D::read_ref(&r),
            data.read(),
            "{}: postcard borrowed",
            D::NAME
        );
        assert!(
            postcard::to_allocvec(&r).unwrap() == bytes,
            "{}: postcard borrowed re-encode",
            D::NAME
        );
        drop(r);
        out.push(Case::new(
            format::POSTCARD,
            op::DECODE_BORROWED,
            n,
            move || {
                let v: D::Ref<'_> = postcard::from_bytes(black_box(&bytes)).unwrap();
                black_box(&v);
                bytes.len()
            },
        ));
    }
}

/// rkyv 0.8: write (`to_bytes_in` a reused buffer), access unchecked plus
/// read (one scalar per record, and every field), checked access plus read
/// (the same two), and decode (checked access plus deserialize, i.e.
/// `from_bytes`).
pub fn rkyv_cases<D>(data: &Rc<D>, out: &mut Vec<Case>)
where
    D: RkyvDataset,
    D::Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
        + rkyv::Deserialize<D, Strategy<Pool, rancor::Error>>,
{
    let bytes = rkyv::to_bytes::<rancor::Error>(&**data).unwrap();
    let archived = rkyv::access::<D::Archived, rancor::Error>(&bytes).unwrap();
    let back: D = rkyv::deserialize::<D, rancor::Error>(archived).unwrap();
    assert!(back == **data, "{}: rkyv round trip differs", D::NAME);
    let expected = data.read();
    assert_eq!(
        D::read_archived(archived),
        expected,
        "{}: rkyv read",
        D::NAME
    );
    assert_eq!(
        D::scalar_archived(archived),
        data.scalar(),
        "{}: rkyv scalar read",
        D::NAME
    );
    let n = bytes.len();

    let d = data.clone();
    let mut buf = AlignedVec::<16>::new();
    out.push(Case::new(format::RKYV, op::ENCODE, n, move || {
        let mut b = std::mem::take(&mut buf);
        b.clear();
        buf = rkyv::api::high::to_bytes_in::<_, rancor::Error>(black_box(&*d), b).unwrap();
        buf.len()
    }));
    let input = Rc::new(bytes);
    let i = input.clone();
    out.push(Case::new(format::RKYV, op::ACCESS_SCALAR, n, move || {
        // SAFETY: as for the access+read case below.
        let a = unsafe { rkyv::access_unchecked::<D::Archived>(black_box(&i)) };
        D::scalar_archived(a) as usize
    }));
    let i = input.clone();
    out.push(Case::new(
        format::RKYV,
        op::ACCESS_CHECKED_SCALAR,
        n,
        move || {
            let a = rkyv::access::<D::Archived, rancor::Error>(black_box(&i)).unwrap();
            D::scalar_archived(a) as usize
        },
    ));
    let i = input.clone();
    out.push(Case::new(format::RKYV, op::ACCESS, n, move || {
        // SAFETY: `i` holds the bytes rkyv wrote for `D` above, which
        // `rkyv::access` validated before this case was built; they are
        // never modified.
        let a = unsafe { rkyv::access_unchecked::<D::Archived>(black_box(&i)) };
        D::read_archived(a) as usize
    }));
    let i = input.clone();
    out.push(Case::new(format::RKYV, op::ACCESS_CHECKED, n, move || {
        let a = rkyv::access::<D::Archived, rancor::Error>(black_box(&i)).unwrap();
        D::read_archived(a) as usize
    }));
    out.push(Case::new(format::RKYV, op::DECODE, n, move || {
        let v: D = rkyv::from_bytes::<D, rancor::Error>(black_box(&input)).unwrap();
        black_box(&v);
        input.len()
    }));
}

/// barewire layout: write (`to_layout`; reports the image size), access
/// unchecked plus read (one scalar per record; every field where the dataset
/// has a view reader), checked access (`view`) plus the same reads, and
/// update in place (`view_mut`, then set one scalar per record). Also a
/// memcpy of the image's size ([`op::COPY_LAYOUT`]), the limit of the write.
pub fn layout_cases<D: LayoutDataset>(data: &Rc<D>, out: &mut Vec<Case>) {
    let image = barewire::to_layout(&**data);
    let back: D = layout::to_owned::<D>(&image).expect("barewire reads its own layout");
    assert!(back == **data, "{}: layout round trip differs", D::NAME);
    let scalar = data.scalar();
    {
        // SAFETY: `image` was written by `to_layout` for a `D` just above
        // and is not changed.
        let unchecked = unsafe { barewire::view_unchecked::<D>(&image) };
        assert_eq!(
            D::scalar_view(&unchecked),
            scalar,
            "{}: layout scalar",
            D::NAME
        );
        let checked = barewire::view::<D>(&image).expect("view of a written image");
        assert_eq!(
            D::scalar_view(&checked),
            scalar,
            "{}: layout scalar",
            D::NAME
        );
    }
    let reads_all = {
        let full = layout::check_full::<D>(&image).expect("full check of a written image");
        match D::read_view(&full) {
            Some(sum) => {
                let sum = sum.expect("layout strings are UTF-8");
                assert_eq!(sum, data.read(), "{}: layout read", D::NAME);
                true
            }
            None => false,
        }
    };
    let mut updated = image.clone();
    {
        let mut view = barewire::view_mut::<D>(&mut updated).expect("mutable view");
        assert!(D::set_view(&mut view) > 0, "{}: layout update", D::NAME);
    }
    let mut expected = (**data).clone();
    expected.set_value();
    let back: D = layout::to_owned::<D>(&updated).expect("updated image");
    assert!(back == expected, "{}: layout update differs", D::NAME);
    let n = image.len();

    let d = data.clone();
    out.push(Case::new(format::LAYOUT, op::ENCODE, n, move || {
        barewire::to_layout(black_box(&*d)).len()
    }));
    memcpy_case(n, op::COPY_LAYOUT, out);
    let image = Rc::new(image);
    let i = image.clone();
    out.push(Case::new(format::LAYOUT, op::ACCESS_SCALAR, n, move || {
        // SAFETY: `i` holds the image `to_layout` wrote for `D` above, which
        // `view` checked before this case was built; it is never modified.
        let v = unsafe { barewire::view_unchecked::<D>(black_box(&i[..])) };
        D::scalar_view(&v) as usize
    }));
    let i = image.clone();
    out.push(Case::new(
        format::LAYOUT,
        op::ACCESS_CHECKED_SCALAR,
        n,
        move || {
            let v = barewire::view::<D>(black_box(&i[..])).unwrap();
            D::scalar_view(&v) as usize
        },
    ));
    if reads_all {
        let i = image.clone();
        out.push(Case::new(format::LAYOUT, op::ACCESS, n, move || {
            // SAFETY: as for the access+read one case above.
            let v = unsafe { barewire::view_unchecked::<D>(black_box(&i[..])) };
            D::read_view(&v).unwrap().unwrap() as usize
        }));
        let i = image.clone();
        out.push(Case::new(
            format::LAYOUT,
            op::ACCESS_CHECKED,
            n,
            move || {
                let v = barewire::view::<D>(black_box(&i[..])).unwrap();
                D::read_view(&v).unwrap().unwrap() as usize
            },
        ));
    }
    let mut buf = updated;
    out.push(Case::new(format::LAYOUT, op::UPDATE, n, move || {
        let mut v = barewire::view_mut::<D>(black_box(&mut buf[..])).unwrap();
        D::set_view(&mut v)
    }));
}

/// A plain copy of `n` bytes into a reused buffer, named `op`: the physical
/// limit of any write of `n` bytes.
pub fn memcpy_case(n: usize, op: &'static str, out: &mut Vec<Case>) {
    let src: Vec<u8> = (0..n).map(|i| i as u8).collect();
    let mut dst = vec![0u8; n];
    out.push(Case::new(format::MEMCPY, op, n, move || {
        dst.copy_from_slice(black_box(&src));
        black_box(&mut dst);
        dst.len()
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_runs() {
        for name in DATASETS {
            for mut case in dataset_cases(name).unwrap() {
                assert!((case.run)() > 0 || case.op == op::ACCESS, "{case:?}");
            }
        }
    }
}
