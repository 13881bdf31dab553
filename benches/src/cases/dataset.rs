//! The datasets as the cases see them: what every format needs of a
//! dataset ([`Dataset`]), barewire's layout paths ([`LayoutDataset`]) and
//! rkyv's bounds ([`RkyvDataset`]), implemented for the four datasets.

use std::fmt::Debug;

use barewire::layout::{FromLayout, Layout};
use rkyv::api::high::HighSerializer;
use rkyv::rancor;
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::corpus::{ArchivedCorpus, Corpus, CorpusRef};
use crate::log::{ArchivedLogs, Logs};
use crate::mesh::{ArchivedMesh, Mesh};
use crate::minecraft::{ArchivedPlayers, Players};

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
    /// [`op::ACCESS_SCALAR`](crate::cases::op::ACCESS_SCALAR)).
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
