//! A batch of documents (id, text, metadata map) processed in parallel
//! batches of 100: the active ones are kept, their words counted, their
//! keywords extracted in per-batch scratch regions, and the results grouped
//! by first keyword; then each worker's diagnostics report.
//!
//! Run with `cargo run -p barewire-examples --example pool_documents`.

use std::collections::BTreeMap;

use barewire_pool::{BatchConfig, par_batches};

struct Document {
    id: u32,
    text: String,
    metadata: BTreeMap<String, String>,
}

impl Document {
    fn is_active(&self) -> bool {
        self.metadata.get("status").map(String::as_str) == Some("active")
    }
}

/// What one active document yields.
struct Summary {
    id: u32,
    words: usize,
    keywords: Vec<String>,
}

const VOCABULARY: &[&str] = &[
    "the", "and", "of", "to", "in", "arena", "region", "pool", "handle", "message", "schema",
    "varint", "layout", "buffer", "offset", "memory", "thread", "batch", "zero", "copy", "encode",
    "decode", "stream", "frame", "socket",
];
const STOP_WORDS: &[&str] = &["the", "and", "of", "to", "in", "zero", "copy"];

/// A small deterministic generator (xorshift), so the example needs no crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn documents(n: u32) -> Vec<Document> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..n)
        .map(|id| {
            let words = 20 + rng.below(60);
            let text = (0..words)
                .map(|_| VOCABULARY[rng.below(VOCABULARY.len())])
                .collect::<Vec<_>>()
                .join(" ");
            let mut metadata = BTreeMap::new();
            let status = if rng.below(4) == 0 {
                "archived"
            } else {
                "active"
            };
            metadata.insert("status".to_string(), status.to_string());
            metadata.insert("author".to_string(), format!("author-{}", rng.below(12)));
            Document { id, text, metadata }
        })
        .collect()
}

fn main() {
    let docs = documents(1_000);
    let config = BatchConfig::new(100).threads(2).scratch_capacity(256 << 10);
    let run = par_batches(&docs, &config, |scratch, batch, out| {
        for doc in batch.iter().filter(|d| d.is_active()) {
            let words = doc.text.split_whitespace().count();
            // Scratch: a (word, count) table for this document, in the batch's
            // region; it is given back when the batch ends.
            let table = scratch.alloc_slice_fill_with(words, |_| ("", 0u32));
            let mut used = 0;
            for word in doc.text.split_whitespace() {
                if STOP_WORDS.contains(&word) {
                    continue;
                }
                match table[..used].iter_mut().find(|(w, _)| *w == word) {
                    Some((_, count)) => *count += 1,
                    None => {
                        table[used] = (word, 1);
                        used += 1;
                    }
                }
            }
            let found = &mut table[..used];
            found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let keywords = found.iter().take(3).map(|(w, _)| w.to_string()).collect();
            let summary = Summary {
                id: doc.id,
                words,
                keywords,
            };
            if out.push(summary).is_err() {
                unreachable!("one result per document at most");
            }
        }
    });

    let active = docs.iter().filter(|d| d.is_active()).count();
    assert_eq!(run.results.len(), active);
    let total_words: usize = run.results.iter().map(|s| s.words).sum();
    println!(
        "{} documents in {} batches: {} active, {} words",
        docs.len(),
        run.batches,
        active,
        total_words
    );

    let mut groups: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for s in &run.results {
        if let Some(first) = s.keywords.first() {
            groups.entry(first).or_default().push(s.id);
        }
    }
    let mut by_size: Vec<_> = groups.iter_mut().collect();
    by_size.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    println!("grouped by first keyword:");
    for (keyword, ids) in by_size {
        ids.sort_unstable();
        let shown: Vec<String> = ids.iter().take(5).map(u32::to_string).collect();
        println!(
            "  {keyword:<8} {:>4} documents (ids {}{})",
            ids.len(),
            shown.join(", "),
            if ids.len() > 5 { ", ..." } else { "" }
        );
    }
    println!();
    for report in &run.reports {
        print!("{report}");
    }
}
