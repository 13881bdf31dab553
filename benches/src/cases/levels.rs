//! The levels section's cases: the document-corpus job
//! ([`crate::documents`]) at each level of control, each over its own image
//! of the same corpus (written once, outside the timing), each checked once
//! against level 1's answer. Level 3 runs on one thread (the same work as
//! the others) and on two (its parallel batches).

use super::Case;
use crate::documents::{self, Answer, Corpus, DOCUMENTS, level1, level2, level3};

/// Case names (the "case" column of the report).
pub mod name {
    /// Level 1: derived layout, obvious code.
    pub const LEVEL1: &str = "level 1: derive";
    /// Level 2: hints, borrowed keywords and keys.
    pub const LEVEL2: &str = "level 2: hints";
    /// Level 3 on one thread: explicit layout, builder, batches.
    pub const LEVEL3: &str = "level 3: explicit, 1 thread";
    /// Level 3 on two threads.
    pub const LEVEL3_PAR: &str = "level 3: explicit, 2 threads";
}

/// The operation column of every case.
pub const OP: &str = "job";

/// The targets of issue 13: `(case, reference, max ratio)`.
pub const TARGETS: [(&str, &str, f64); 3] = [
    (name::LEVEL2, name::LEVEL1, 1.0),
    (name::LEVEL3, name::LEVEL1, 1.0),
    (name::LEVEL3_PAR, name::LEVEL1, 1.0),
];

/// A number that depends on the whole answer, for the timed runs.
fn digest(answer: &Answer) -> usize {
    answer
        .iter()
        .map(|(k, g)| k.len() as u64 + g.documents * 3 + g.words * 5 + g.keywords * 7)
        .sum::<u64>() as usize
}

/// Every case of the levels section, each checked once against level 1.
pub fn level_cases() -> Vec<Case> {
    let corpus: Corpus = documents::generate(13);
    let image1 = barewire::to_layout(&corpus);
    let image2 = barewire::to_layout(&level2::Corpus::from(&corpus));
    let expected = level1::run(&image1).expect("level 1 reads its image");
    let mut out = Vec::new();
    let bytes = image1.len();
    out.push(Case::new(name::LEVEL1, OP, bytes, move || {
        digest(&level1::run(&image1).expect("a written image"))
    }));
    out.push(Case::new(name::LEVEL2, OP, image2.len(), move || {
        digest(&level2::run(&image2).expect("a written image"))
    }));
    let image3 = std::rc::Rc::new(level3::build(&corpus));
    for (case, threads) in [(name::LEVEL3, 1), (name::LEVEL3_PAR, 2)] {
        let image = image3.clone();
        out.push(Case::new(case, OP, image3.len(), move || {
            digest(&level3::run(&image, threads).expect("a written image"))
        }));
    }
    for case in &mut out {
        assert_eq!((case.run)(), digest(&expected), "{case:?}");
    }
    assert!(expected.iter().map(|(_, g)| g.documents).sum::<u64>() <= DOCUMENTS as u64);
    out
}

#[cfg(test)]
mod tests {
    use crate::cases::levels::{TARGETS, level_cases};

    #[test]
    fn every_level_runs_and_every_target_names_cases() {
        let cases = level_cases();
        for (case, reference, _) in TARGETS {
            assert!(cases.iter().any(|c| c.format == case), "{case}");
            assert!(cases.iter().any(|c| c.format == reference), "{reference}");
        }
    }
}
