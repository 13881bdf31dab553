//! The document-corpus job at the three levels of memory management:
//! keep the documents whose metadata `status` is `active`, count their
//! words, extract their keywords, and group them by their first keyword.
//!
//! - [`level1`]: `#[derive(Bare)]` types as anyone would write them, read in
//!   place with `barewire::view`; the job's code is the obvious one (owned
//!   keywords, owned group keys).
//! - [`level2`]: the same types with hints (`intern` on the metadata, whose
//!   keys and values repeat); the job borrows its group keys from the image
//!   and keeps each document's keywords in a scratch arena region.
//! - `level3`: explicit `#[repr(C)]` layouts written with in-place types,
//!   an image written by `layout::Builder` with its string pool, and the job
//!   run in parallel batches over the span of documents, each batch with its
//!   own scratch region, results in a preallocated output.
//!
//! All three give the same [`Answer`] (tested), and the comparison report
//! and `examples/examples/documents_levels.rs` time them side by side.

use std::collections::BTreeMap;

use barewire::{Bare, Error};

use crate::rng::Rng;

/// Documents in the job's corpus (as in the `corpus` dataset).
pub const DOCUMENTS: usize = 10_000;

/// Keywords taken from a text: the first this many distinct words of
/// [`KEYWORD_LEN`] letters or more.
pub const KEYWORDS: usize = 3;

/// The shortest keyword, in bytes.
pub const KEYWORD_LEN: usize = 8;

/// What the job computes for one first keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Group {
    /// Active documents whose first keyword it is.
    pub documents: u64,
    /// Their words.
    pub words: u64,
    /// Their keywords (up to [`KEYWORDS`] each).
    pub keywords: u64,
}

impl Group {
    fn add(&mut self, words: usize, keywords: usize) {
        self.documents += 1;
        self.words += words as u64;
        self.keywords += keywords as u64;
    }
}

/// The job's answer: a group per first keyword (the empty string for active
/// documents without keywords), sorted by keyword.
pub type Answer = Vec<(String, Group)>;

/// One document, as level 1 and the generator write it.
#[derive(Bare, Debug, Clone, PartialEq)]
pub struct Document {
    /// Its id.
    pub id: u64,
    /// 50 to 500 words.
    pub text: String,
    /// 2 to 6 entries, `status` among them for most documents.
    pub metadata: BTreeMap<String, String>,
}

/// The corpus, as level 1 writes it.
#[derive(Bare, Debug, Clone, PartialEq)]
pub struct Corpus {
    /// The documents.
    pub documents: Vec<Document>,
}

/// Generates [`DOCUMENTS`] documents from `seed`: texts as in the `corpus`
/// dataset, metadata with a `status` of `active`, `archived` or `draft`
/// for nine documents in ten.
pub fn generate(seed: u64) -> Corpus {
    const KEYS: &[&str] = &["author", "title", "lang", "source", "license", "date"];
    const STATUS: &[&str] = &["active", "active", "archived", "draft"];
    let mut rng = Rng::new(seed);
    let vocabulary: Vec<String> = (0..4000).map(|_| rng.word(4)).collect();
    let documents = (0..DOCUMENTS as u64)
        .map(|i| {
            let mut text = String::new();
            for w in 0..rng.len(50, 500) {
                if w > 0 {
                    text.push(if rng.chance(0.08) { '\n' } else { ' ' });
                }
                let rank = (rng.unit_f64().powi(3) * vocabulary.len() as f64) as usize;
                text.push_str(&vocabulary[rank]);
                if rng.chance(0.07) {
                    text.push(rng.pick(&['.', ',', ';', '!', '?']));
                }
            }
            let mut metadata = BTreeMap::new();
            if !rng.chance(0.1) {
                metadata.insert("status".to_string(), rng.pick(STATUS).to_string());
            }
            let entries = rng.len(2, 6);
            while metadata.len() < entries {
                metadata.insert(rng.pick(KEYS).to_string(), rng.word(3));
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

/// The words of `text`, without trailing punctuation.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_ascii_whitespace()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_punctuation()))
}

/// Offers each word of `text` of [`KEYWORD_LEN`] bytes or more to `keep`,
/// which keeps it unless it has it already (and says whether it did), until
/// [`KEYWORDS`] are kept. Returns the number of words.
fn scan<'t>(text: &'t str, mut keep: impl FnMut(&'t str) -> bool) -> usize {
    let mut count = 0;
    let mut kept = 0;
    for w in words(text) {
        count += 1;
        if kept < KEYWORDS && w.len() >= KEYWORD_LEN && keep(w) {
            kept += 1;
        }
    }
    count
}

/// Level 1: the derived layout, and the obvious code.
pub mod level1 {
    use super::*;

    /// Runs the job over an image of [`Corpus`] written by `to_layout`.
    pub fn run(image: &[u8]) -> Result<Answer, Error> {
        let corpus = barewire::view::<Corpus>(image)?;
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        for doc in corpus.documents().iter() {
            let Some(status) = doc.metadata().get("status") else {
                continue;
            };
            if status.as_str()? != "active" {
                continue;
            }
            let text = doc.text().as_str()?;
            let mut keywords: Vec<String> = Vec::new();
            let words = scan(text, |w| {
                let new = !keywords.iter().any(|k| k == w);
                if new {
                    keywords.push(w.to_string());
                }
                new
            });
            let key = keywords.first().cloned().unwrap_or_default();
            groups.entry(key).or_default().add(words, keywords.len());
        }
        Ok(groups.into_iter().collect())
    }
}

/// Level 2: hints on the types, scratch memory and borrowed keys in the job.
pub mod level2 {
    use barewire_pool::{Arena, ArenaVec};

    use super::*;

    /// [`Document`](super::Document) with its metadata interned: `status`,
    /// `active` and the other keys are stored once in the image.
    #[derive(Bare, Debug, Clone, PartialEq)]
    pub struct Document {
        /// Its id.
        pub id: u64,
        /// 50 to 500 words.
        pub text: String,
        /// 2 to 6 entries, keys and values interned.
        #[bare(intern)]
        pub metadata: BTreeMap<String, String>,
    }

    /// [`Corpus`](super::Corpus) of hinted documents.
    #[derive(Bare, Debug, Clone, PartialEq)]
    pub struct Corpus {
        /// The documents.
        pub documents: Vec<Document>,
    }

    impl From<&super::Corpus> for Corpus {
        fn from(c: &super::Corpus) -> Self {
            Corpus {
                documents: c
                    .documents
                    .iter()
                    .map(|d| Document {
                        id: d.id,
                        text: d.text.clone(),
                        metadata: d.metadata.clone(),
                    })
                    .collect(),
            }
        }
    }

    /// Runs the job over an image of [`Corpus`]: group keys are `&str`s
    /// into the image, and each document's keywords live in a region of
    /// `scratch` (a growing arena) that ends with the document, so a
    /// document allocates nothing on the heap once the arena has grown.
    pub fn run(image: &[u8], scratch: &mut Arena) -> Result<Answer, Error> {
        let corpus = barewire::view::<Corpus>(image)?;
        let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
        for doc in corpus.documents().iter() {
            let Some(status) = doc.metadata().get("status") else {
                continue;
            };
            if status.as_str()? != "active" {
                continue;
            }
            let text = doc.text().as_str()?;
            let region = scratch.region();
            let mut keywords: ArenaVec<'_, &str> = ArenaVec::with_capacity_in(KEYWORDS, &region);
            let words = scan(text, |w| {
                let new = !keywords.contains(&w);
                if new {
                    keywords.push(w);
                }
                new
            });
            let key = keywords.first().copied().unwrap_or("");
            groups.entry(key).or_default().add(words, keywords.len());
        }
        Ok(groups
            .into_iter()
            .map(|(k, g)| (k.to_string(), g))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use barewire_pool::Arena;

    use super::*;

    #[test]
    fn the_levels_agree() {
        let corpus = generate(7);
        let image1 = barewire::to_layout(&corpus);
        let image2 = barewire::to_layout(&level2::Corpus::from(&corpus));
        assert!(image2.len() < image1.len(), "interning shrinks the image");
        let one = level1::run(&image1).unwrap();
        let two = level2::run(&image2, &mut Arena::new()).unwrap();
        assert_eq!(one, two);
        let active = corpus
            .documents
            .iter()
            .filter(|d| d.metadata.get("status").map(String::as_str) == Some("active"))
            .count() as u64;
        assert_eq!(one.iter().map(|(_, g)| g.documents).sum::<u64>(), active);
        assert!(one.len() > 100, "{} groups", one.len());
    }
}
