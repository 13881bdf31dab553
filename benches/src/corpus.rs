//! `corpus`: 10,000 text documents with metadata maps.

use std::collections::BTreeMap;

use barewire::Bare;
use serde::{Deserialize, Serialize};

use crate::rng::{Rng, Sum};

/// Documents in the dataset.
pub const DOCUMENTS: usize = 10_000;

/// One document.
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
pub struct Document {
    /// Document id.
    pub id: u64,
    /// 50 to 500 words of text.
    pub text: String,
    /// 2 to 6 entries.
    pub metadata: BTreeMap<String, String>,
}

/// The dataset.
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
pub struct Corpus {
    /// The documents.
    pub documents: Vec<Document>,
}

/// [`Document`] with its strings borrowed from the input.
#[derive(Bare, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DocumentRef<'a> {
    /// Document id.
    pub id: u64,
    /// 50 to 500 words of text.
    pub text: &'a str,
    /// 2 to 6 entries.
    #[serde(borrow)]
    pub metadata: BTreeMap<&'a str, &'a str>,
}

/// [`Corpus`] with its strings borrowed from the input.
#[derive(Bare, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CorpusRef<'a> {
    /// The documents.
    #[serde(borrow)]
    pub documents: Vec<DocumentRef<'a>>,
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

fn read_document<'x>(
    s: &mut Sum,
    id: u64,
    text: &str,
    metadata: impl Iterator<Item = (&'x str, &'x str)>,
) {
    s.add(id);
    s.str(text);
    for (k, v) in metadata {
        s.str(k);
        s.str(v);
    }
}

impl Corpus {
    /// Reads every field (strings by length) into a checksum.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for d in &self.documents {
            let metadata = d.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            read_document(&mut s, d.id, &d.text, metadata);
        }
        s.0
    }
}

impl CorpusRef<'_> {
    /// Reads every field, as [`Corpus::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for d in &self.documents {
            read_document(
                &mut s,
                d.id,
                d.text,
                d.metadata.iter().map(|(k, v)| (*k, *v)),
            );
        }
        s.0
    }
}

impl ArchivedCorpus {
    /// Reads every field in place, as [`Corpus::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for d in self.documents.iter() {
            let metadata = d.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            read_document(&mut s, d.id.to_native(), &d.text, metadata);
        }
        s.0
    }
}

// ---- read one scalar, and the zero-copy layout ---------------------------

impl Corpus {
    /// The sum of every document's `id`: the "read one scalar from every
    /// record" step of the access benchmarks.
    pub fn sum_ids(&self) -> u64 {
        self.documents.iter().map(|d| d.id).sum()
    }

    /// [`CorpusLayout::set_ids`] on the owned value.
    pub fn set_ids(&mut self, id: u64) {
        self.documents.iter_mut().for_each(|d| d.id = id);
    }
}

impl ArchivedCorpus {
    /// [`Corpus::sum_ids`] in place.
    pub fn sum_ids(&self) -> u64 {
        self.documents.iter().map(|d| d.id.to_native()).sum()
    }
}

impl CorpusLayout<&[u8]> {
    /// [`Corpus::sum_ids`] in place.
    pub fn sum_ids(&self) -> u64 {
        self.documents().iter().map(|d| d.id()).sum()
    }

    /// Reads every field in place, as [`Corpus::read`] does, with every
    /// string read as a checked `&str`.
    pub fn read(&self) -> Result<u64, barewire::Error> {
        let mut s = Sum::default();
        for d in self.documents().iter() {
            s.add(d.id());
            s.str(d.text().as_str()?);
            for (k, v) in d.metadata().iter() {
                s.str(k.as_str()?);
                s.str(v.as_str()?);
            }
        }
        Ok(s.0)
    }
}

impl CorpusLayout<&mut [u8]> {
    /// Sets every document's `id` in place; returns the number of documents.
    pub fn set_ids(&mut self, id: u64) -> usize {
        let mut documents = self.documents_mut();
        for i in 0..documents.len() {
            documents
                .get_mut(i)
                .expect("index below len")
                .id_mut()
                .set(id);
        }
        documents.len()
    }
}
