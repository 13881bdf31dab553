//! Benchmark cases: one closure per (format, operation) on one dataset,
//! each checked for correctness before it is handed out.
//!
//! The criterion benches and the `compare` report both run these tables, so a
//! new format is added in one place: a wire format implements [`Codec`] (see
//! [`wire`]), another writes a function like [`rkyv_cases`] that pushes its
//! [`Case`]s; either is called from [`cases`].
//!
//! By concern: [`dataset`] (what the cases need of a dataset), [`wire`]
//! (barewire, serde_bare, the serde bridge, bincode, postcard), [`arena`]
//! (barewire decoding into an arena), [`rkyv`](mod@rkyv), [`layout`]
//! (barewire's zero-copy layout), and here the table itself.

pub mod arena;
pub mod dataset;
pub mod layout;
pub mod levels;
pub mod pool;
pub mod rkyv;
pub mod wire;

use std::fmt::Debug;
use std::hint::black_box;
use std::rc::Rc;

use ::rkyv::api::high::HighValidator;
use ::rkyv::bytecheck::CheckBytes;
use ::rkyv::de::Pool;
use ::rkyv::rancor::{self, Strategy};

pub use self::dataset::{Dataset, LayoutDataset, RkyvDataset};
pub use self::layout::layout_cases;
pub use self::rkyv::rkyv_cases;
pub use self::wire::{Barewire, Bincode, Codec, Postcard, SerdeBare, SerdeBridge, wire_cases};
use crate::corpus::Corpus;
use crate::log::Logs;
use crate::mesh::Mesh;
use crate::minecraft::Players;

/// Format names, as the report prints them.
pub mod format {
    /// barewire's BARE wire codec.
    pub const BAREWIRE: &str = "barewire";
    /// serde_bare 0.5: the same wire format through serde.
    pub const SERDE_BARE: &str = "serde_bare";
    /// barewire's serde data format (`barewire::serde`): BARE through serde.
    pub const SERDE_BRIDGE: &str = "serde bridge";
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
    /// Deserialize into an arena (`barewire_pool::from_slice_in`): strings
    /// and lists in the arena, which is reset before each run.
    pub const DECODE_ARENA: &str = "decode into arena";
    /// Access in place without validation, then read every field.
    pub const ACCESS: &str = "access+read";
    /// Validate, access in place, then read every field.
    pub const ACCESS_CHECKED: &str = "checked access+read";
    /// Read every field through a view validated once before (for barewire
    /// layout: the view `check_full` returned; the check is not timed).
    pub const READ_CHECKED: &str = "read checked view";
    /// Access in place without validation, then read one scalar from every
    /// record (`code` of log, `v0[0]` of mesh, `score` of minecraft, `id` of
    /// corpus).
    pub const ACCESS_SCALAR: &str = "access+read one";
    /// Validate, access in place, then read one scalar from every record.
    pub const ACCESS_CHECKED_SCALAR: &str = "checked access+read one";
    /// Set one scalar of every record in place in an image checked once
    /// before (`ImageMut`).
    pub const UPDATE: &str = "update in place";
    /// Check for updates (`view_mut`), then set one scalar of every record in
    /// place.
    pub const UPDATE_CHECKED: &str = "check+update in place";
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

/// The dataset names, in report order.
pub const DATASETS: [&str; 4] = ["log", "mesh", "minecraft", "corpus"];

/// Every case of the named dataset (see [`DATASETS`]), or `None` for an
/// unknown name.
pub fn dataset_cases(name: &str) -> Option<Vec<Case>> {
    Some(match name {
        "log" => {
            let mut all = cases::<Logs<String>>();
            // Beside barewire's owned and borrowed decodes.
            let at = all
                .iter()
                .position(|c| c.format == format::BAREWIRE && c.op == op::DECODE_BORROWED)
                .map_or(all.len(), |i| i + 1);
            all.insert(at, arena::arena_log_case());
            all
        }
        "mesh" => cases::<Mesh>(),
        "minecraft" => cases::<Players<String>>(),
        "corpus" => cases::<Corpus>(),
        _ => return None,
    })
}

/// Generates dataset `D` and builds every case for it, checking each path
/// once first: a path whose output does not match the input panics here
/// instead of posting a figure.
pub fn cases<D>() -> Vec<Case>
where
    D: RkyvDataset + LayoutDataset,
    D::Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
        + ::rkyv::Deserialize<D, Strategy<Pool, rancor::Error>>,
{
    let data = Rc::new(D::generate());
    let mut out = Vec::new();
    let wire = wire_cases::<Barewire, D>(&data, &mut out);
    let serde_bare = wire_cases::<SerdeBare, D>(&data, &mut out);
    assert!(
        serde_bare == wire,
        "{}: serde_bare and barewire bytes differ",
        D::NAME
    );
    let bridge = wire_cases::<SerdeBridge, D>(&data, &mut out);
    assert!(
        bridge == wire,
        "{}: the serde bridge and barewire bytes differ",
        D::NAME
    );
    wire_cases::<Bincode, D>(&data, &mut out);
    wire_cases::<Postcard, D>(&data, &mut out);
    rkyv_cases(&data, &mut out);
    layout_cases(&data, &mut out);
    memcpy_case(wire.len(), op::COPY, &mut out);
    out
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
    use crate::cases::{DATASETS, dataset_cases, op};

    #[test]
    fn every_case_runs() {
        for name in DATASETS {
            for mut case in dataset_cases(name).unwrap() {
                assert!((case.run)() > 0 || case.op == op::ACCESS, "{case:?}");
            }
        }
    }
}
