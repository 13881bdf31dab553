//! The document-corpus job at the three levels of memory management:
//! keep the documents whose metadata `status` is `active`, count their
//! words, extract their keywords, and group them by their first keyword.
//!
//! - [`level1`]: `#[derive(Bare)]` types as anyone would write them, read in
//!   place with `barewire::view`; the job's code is the obvious one (owned
//!   keywords, owned group keys).
//! - [`level2`]: the same types with hints (`intern` on the metadata, whose
//!   keys and values repeat); the job borrows its keywords and group keys
//!   from the image, in a buffer reused for every document.
//! - [`level3`]: explicit `#[repr(C)]` layouts written with in-place types,
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
///
/// Not inlined, so that every level runs the very same machine code for
/// this shared part and the levels differ only in what is theirs.
#[inline(never)]
fn scan<'t>(text: &'t str, keep: &mut dyn FnMut(&'t str) -> bool) -> usize {
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
            let words = scan(text, &mut |w| {
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

/// Level 2: hints on the types, and keys borrowed from the image in the job.
pub mod level2 {
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

    /// Runs the job over an image of [`Corpus`]: group keys and keywords
    /// are `&str`s into the image, the keywords in one buffer reused for
    /// every document, so a document allocates nothing.
    pub fn run(image: &[u8]) -> Result<Answer, Error> {
        let corpus = barewire::view::<Corpus>(image)?;
        let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
        let mut keywords: Vec<&str> = Vec::with_capacity(KEYWORDS);
        for doc in corpus.documents().iter() {
            let Some(status) = doc.metadata().get("status") else {
                continue;
            };
            if status.as_str()? != "active" {
                continue;
            }
            let text = doc.text().as_str()?;
            keywords.clear();
            let words = scan(text, &mut |w| {
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

/// Level 3: explicit layouts with in-place types (the founding example),
/// an image written by `layout::Builder`, and the job in parallel batches.
pub mod level3 {
    use barewire::layout::{Builder, InPlace, LayoutBuf};
    use barewire::{BarePtr, BareSpan, BareStr, Layout};
    use barewire_pool::{ArenaVec, BatchConfig, par_batches_over};

    use super::*;

    /// A document: the founding design's explicit struct. The 8-aligned
    /// pointer leaves 4 bytes at the end, which an explicit layout spells
    /// out.
    #[derive(Layout)]
    #[repr(C)]
    pub struct Document {
        /// Its id, as text.
        #[bare(field = 0, align = 8)]
        pub id: BareStr,
        /// 50 to 500 words.
        #[bare(field = 1, align = 8)]
        pub text: BareStr,
        /// Its metadata record.
        #[bare(field = 2, align = 8)]
        pub metadata: BarePtr<MetadataMap>,
        /// Explicit padding to the 8-byte alignment.
        #[bare(padding)]
        pub _pad: [u8; 4],
    }

    /// A document's metadata.
    #[derive(Layout)]
    #[repr(C)]
    pub struct MetadataMap {
        /// The number of entries.
        #[bare(field = 0)]
        pub count: i32,
        /// The entries, sorted by key.
        #[bare(field = 1)]
        pub entries: BareSpan<MetadataEntry>,
    }

    /// One metadata entry.
    #[derive(Layout)]
    #[repr(C)]
    pub struct MetadataEntry {
        /// The key.
        #[bare(field = 0)]
        pub key: BareStr,
        /// The value.
        #[bare(field = 1)]
        pub value: BareStr,
    }

    /// The root of the image: the documents.
    #[derive(Layout)]
    #[repr(C)]
    pub struct Corpus {
        /// The documents, in order.
        #[bare(field = 0)]
        pub documents: BareSpan<Document>,
    }

    /// Writes the image of `corpus` with a [`Builder`]: the documents as
    /// one span, each document's metadata as a record with a span of
    /// entries, every string through the builder's string pool (the keys
    /// and the `status` values are stored once).
    pub fn build(corpus: &super::Corpus) -> LayoutBuf {
        let mut b = Builder::<Corpus>::new();
        let docs = b.reserve_span::<Document>(corpus.documents.len());
        let mut entries = Vec::new();
        for (i, d) in corpus.documents.iter().enumerate() {
            entries.clear();
            for (k, v) in &d.metadata {
                entries.push(MetadataEntry {
                    key: b.str(k),
                    value: b.str(v),
                });
            }
            let map = MetadataMap {
                count: entries.len() as i32,
                entries: b.span(&entries),
            };
            let map = b.record(&map);
            let doc = Document {
                id: b.str(&d.id.to_string()),
                text: b.str(&d.text),
                metadata: b.ptr(map),
                _pad: [0; 4],
            };
            b.put_item(docs, i, &doc);
        }
        let root = Corpus {
            documents: b.span_of(docs),
        };
        b.put(b.root(), &root);
        b.finish()
    }

    /// The name of each batch's scope in `diag::global` reports.
    pub const BATCH_SCOPE: &str = "documents level 3 batch";

    /// Documents per batch.
    pub const BATCH: usize = 256;

    /// Bytes of each worker's fixed scratch arena (a batch needs
    /// `BATCH * KEYWORDS` `&str`s, 12 KiB).
    pub const SCRATCH: usize = 64 << 10;

    /// One active document's contribution: its first keyword (borrowed
    /// from the image), its words and its keywords.
    type Found<'a> = (&'a str, usize, usize);

    /// The job for one document: `None` if it is not active.
    fn document<'a>(
        image: InPlace<'a>,
        doc: &Document,
        scratch: &barewire_pool::Region<'_>,
    ) -> Result<Option<Found<'a>>, Error> {
        let map = image.resolve(&doc.metadata)?;
        let mut active = false;
        for e in image.span(&map.entries)? {
            if image.str(&e.key)? == "status" {
                active = image.str(&e.value)? == "active";
                break;
            }
        }
        if !active {
            return Ok(None);
        }
        let text = image.str(&doc.text)?;
        let mut keywords: ArenaVec<'_, &str> = ArenaVec::try_with_capacity_in(KEYWORDS, scratch)
            .map_err(|e| Error::ArenaFull {
                offset: 0,
                requested: e.requested,
                remaining: e.remaining,
            })?;
        let words = scan(text, &mut |w| {
            let new = !keywords.contains(&w);
            if new {
                keywords.push(w);
            }
            new
        });
        Ok(Some((
            keywords.first().copied().unwrap_or(""),
            words,
            keywords.len(),
        )))
    }

    /// Runs the job over an image [`build`] wrote, in batches of [`BATCH`]
    /// documents on `threads` threads: each batch reads its documents in
    /// place (group keys are `&str`s into the image), keeps keywords in its
    /// scratch region, and pushes one result per active document into the
    /// preallocated output; the groups are merged in input order.
    pub fn run(image: &[u8], threads: usize) -> Result<Answer, Error> {
        let view = barewire::view::<Corpus>(image)?;
        let image = view.image();
        let docs: &[Document] = image.span(&view.get()?.documents)?;
        // A fixed scratch arena per worker, made once: a batch's keywords take
        // a few KiB, and each batch's region gives them back.
        let config = BatchConfig::new(BATCH)
            .threads(threads)
            .scratch_capacity(SCRATCH);
        let run = par_batches_over(docs, &config, |scratch, batch: &[Document], _, out| {
            // A scope of the diagnostics (`diag::global`): what a batch
            // allocates, when a tracking allocator is installed.
            barewire_pool::diag::global::measure(BATCH_SCOPE, || {
                for doc in batch {
                    let found = document(image, doc, scratch).transpose();
                    if let Some(found) = found {
                        // One place per document: the output cannot be full.
                        let _ = out.push(found);
                    }
                }
            })
        });
        let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
        for found in run.into_input_order() {
            let (key, words, keywords) = found?;
            groups.entry(key).or_default().add(words, keywords);
        }
        Ok(groups
            .into_iter()
            .map(|(k, g)| (k.to_string(), g))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_levels_agree() {
        let corpus = generate(7);
        let image1 = barewire::to_layout(&corpus);
        let image2 = barewire::to_layout(&level2::Corpus::from(&corpus));
        assert!(image2.len() < image1.len(), "interning shrinks the image");
        let image3 = level3::build(&corpus);
        let one = level1::run(&image1).unwrap();
        let two = level2::run(&image2).unwrap();
        assert_eq!(one, two);
        assert_eq!(level3::run(&image3, 1).unwrap(), one);
        assert_eq!(level3::run(&image3, 2).unwrap(), one);
        let active = corpus
            .documents
            .iter()
            .filter(|d| d.metadata.get("status").map(String::as_str) == Some("active"))
            .count() as u64;
        assert_eq!(one.iter().map(|(_, g)| g.documents).sum::<u64>(), active);
        assert!(one.len() > 100, "{} groups", one.len());
    }
}
