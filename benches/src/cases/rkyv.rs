//! rkyv 0.8's cases: write, access in place (unchecked and checked), and
//! decode.

use std::hint::black_box;
use std::rc::Rc;

use rkyv::api::high::HighValidator;
use rkyv::bytecheck::CheckBytes;
use rkyv::de::Pool;
use rkyv::rancor::{self, Strategy};
use rkyv::util::AlignedVec;

use crate::cases::dataset::RkyvDataset;
use crate::cases::{Case, format, op};

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
    let scalar = (op::ACCESS_SCALAR, op::ACCESS_CHECKED_SCALAR);
    access_cases::<D>(&input, scalar, D::scalar_archived, out);
    access_cases::<D>(
        &input,
        (op::ACCESS, op::ACCESS_CHECKED),
        D::read_archived,
        out,
    );
    out.push(Case::new(format::RKYV, op::DECODE, n, move || {
        let v: D = rkyv::from_bytes::<D, rancor::Error>(black_box(&input)).unwrap();
        black_box(&v);
        input.len()
    }));
}

/// Two cases that access the archive in `input` and `read` it: unchecked
/// (`ops.0`) and checked (`ops.1`). `read` is a function item or a closure,
/// so each case calls it directly.
fn access_cases<D>(
    input: &Rc<AlignedVec>,
    ops: (&'static str, &'static str),
    read: impl Fn(&D::Archived) -> u64 + Copy + 'static,
    out: &mut Vec<Case>,
) where
    D: RkyvDataset,
    D::Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>,
{
    let n = input.len();
    let i = input.clone();
    out.push(Case::new(format::RKYV, ops.0, n, move || {
        // SAFETY: `i` holds the bytes rkyv wrote for `D` in `rkyv_cases`,
        // which `rkyv::access` validated before this case was built; they
        // are never modified.
        let a = unsafe { rkyv::access_unchecked::<D::Archived>(black_box(&i)) };
        read(a) as usize
    }));
    let i = input.clone();
    out.push(Case::new(format::RKYV, ops.1, n, move || {
        let a = rkyv::access::<D::Archived, rancor::Error>(black_box(&i)).unwrap();
        read(a) as usize
    }));
}
