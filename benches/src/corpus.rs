//! `corpus`: 10,000 text documents with metadata maps.

use std::collections::BTreeMap;

use barewire::Bare;
use serde::{Deserialize, Serialize};

use crate::rng::{Rng, Sum};

/// Documents in the dataset.
pub const DOCUMENTS: usize = 10_000;

/// One document. `S` is `String` (owned) or `&str` (borrowed).
///
/// The metadata is a `BTreeMap`, so its bytes are canonical (sorted keys) in
/// every format.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Document<S: Ord + barewire::MapKey = String> {
    /// Document id.
    pub id: u64,
    /// 50 to 500 words of text.
    pub text: S,
    /// 2 to 6 entries.
    pub metadata: BTreeMap<S, S>,
}

/// The dataset. `Corpus<&str>` is its borrowed form.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Corpus<S: Ord + barewire::MapKey = String> {
    /// The documents.
    pub documents: Vec<Document<S>>,
}

impl Corpus {
    /// Generates [`DOCUMENTS`] documents from `seed`.
    pub fn generate(seed: u64) -> Self {
        const KEYS: &[&str] = &[
            "author", "title", "lang", "source", "license", "date", "category", "tags",
        ];
        let mut rng = Rng::new(seed);
        let vocabulary: Vec<String> = (0..4000).map(|_| rng.word(4)).collect();
        let documents = (0..DOCUMENTS as u64)
            .map(|i| {
                let mut text = String::new();
                for w in 0..rng.len(50, 500) {
                    if w > 0 {
                        text.push(if rng.chance(0.08) { '\n' } else { ' ' });
                    }
                    // Zipf-ish: common words far more often than rare ones.
                    let rank = (rng.unit_f64().powi(3) * vocabulary.len() as f64) as usize;
                    text.push_str(&vocabulary[rank]);
                    if rng.chance(0.07) {
                        text.push(rng.pick(&['.', ',', ';', '!', '?']));
                    }
                }
                let mut metadata = BTreeMap::new();
                let entries = rng.len(2, 6);
                while metadata.len() < entries {
                    let mut value = rng.word(3);
                    for _ in 0..rng.below(3) {
                        value.push(' ');
                        value.push_str(&rng.word(3));
                    }
                    metadata.insert(rng.pick(KEYS).to_string(), value);
                }
                Document {
                    id: i * 7919 + rng.below(7919),
                    text,
                    metadata,
                }
            })
            .collect();
        Corpus { documents }
    }
}

impl<S: Ord + barewire::MapKey + AsRef<str>> Corpus<S> {
    /// Reads every field (strings by length) into a checksum.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for d in &self.documents {
            s.add(d.id);
            s.str(d.text.as_ref());
            for (k, v) in &d.metadata {
                s.str(k.as_ref());
                s.str(v.as_ref());
            }
        }
        s.0
    }
}

impl ArchivedCorpus {
    /// Reads every field in place, as [`Corpus::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for d in self.documents.iter() {
            s.add(d.id.to_native());
            s.str(&d.text);
            for (k, v) in d.metadata.iter() {
                s.str(k);
                s.str(v);
            }
        }
        s.0
    }
}
