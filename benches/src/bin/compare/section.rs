//! Sections of the comparison report whose cases are compared in pairs,
//! each with a target: the `pool` section (`barewire_pool` beside bumpalo,
//! `Box` and slotmap, `barewire_benches::cases::pool`) and the `levels`
//! section (the document-corpus job at the three levels of control,
//! `barewire_benches::cases::levels`). Both are timed in the same
//! alternating rounds as the datasets, with their targets as medians of
//! per-round ratios.

use std::fmt::Write as _;

use barewire_benches::cases::Case;

use super::{Options, duration, measure, median, pair_ratio};

/// What a section is and how its table reads.
pub struct Section {
    /// The `section` of its JSON rows, and its name on the command line.
    pub name: &'static str,
    /// The table's heading.
    pub title: &'static str,
    /// What one run of a case does, for the time column ("1000 ops").
    pub run: &'static str,
    /// The units in one run, for the per-unit column.
    pub units: usize,
    /// The unit's name ("op", "document").
    pub unit: &'static str,
    /// `(case, reference, max ratio)`.
    pub targets: &'static [(&'static str, &'static str, f64)],
    /// Where the targets come from, for their heading.
    pub source: &'static str,
}

/// The pool section.
pub const POOL: Section = Section {
    name: "pool",
    title: "pool: barewire_pool beside bumpalo, Box and slotmap",
    run: "1000 ops",
    units: barewire_benches::cases::pool::OPS,
    unit: "op",
    targets: &barewire_benches::cases::pool::TARGETS,
    source: "issue 14",
};

/// The levels section.
pub const LEVELS: Section = Section {
    name: "levels",
    title: "levels: the document-corpus job at each level of control",
    run: "job",
    units: barewire_benches::documents::DOCUMENTS,
    unit: "document",
    targets: &barewire_benches::cases::levels::TARGETS,
    source: "issue 13",
};

/// Runs the section's `cases`, prints its tables, and returns its JSON rows.
pub fn run(s: &Section, cases: Vec<Case>, o: &Options) -> Vec<String> {
    let measured = measure(s.name, cases, o);
    let mut t = format!(
        "## {}\n\n| case | time per {} | per {} | vs reference | reference |\n|---|--:|--:|--:|---|\n",
        s.title, s.run, s.unit
    );
    let mut rows = Vec::new();
    for m in &measured {
        let ns = median(&mut m.rounds.clone());
        let target = s.targets.iter().find(|(case, _, _)| *case == m.format);
        let vs = target.and_then(|(case, reference, _)| {
            pair_ratio(&measured, (case, m.op), (reference, m.op))
        });
        let per = ns / s.units as f64;
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} |",
            m.format,
            duration(ns),
            if per < 1000.0 {
                format!("{per:.2} ns")
            } else {
                duration(per)
            },
            vs.map_or("–".to_string(), |r| format!("{r:.2}x")),
            target.map_or("", |(_, reference, _)| reference),
        );
        rows.push(format!(
            "  {{\"section\": \"{}\", \"dataset\": \"{}\", \"format\": \"{}\", \"op\": \"{}\", \"ns\": {:.1}, \
             \"ns_per_{}\": {:.3}, \"vs_reference\": {}, \"reference\": {}, \"rounds\": {}}}",
            s.name,
            s.name,
            m.format,
            m.op,
            ns,
            s.unit,
            per,
            vs.map_or("null".to_string(), |r| format!("{r:.4}")),
            target.map_or("null".to_string(), |(_, r, _)| format!("\"{r}\"")),
            o.rounds
        ));
    }
    let _ = writeln!(
        t,
        "\n{} rounds; time is the median; ratios are medians of per-round ratios.\n\n\
         ### targets ({})\n\n| target | median per-round ratio | |\n|---|--:|---|",
        o.rounds, s.source
    );
    for (case, reference, max) in s.targets {
        let op_of = |name: &str| measured.iter().find(|m| m.format == name).map(|m| m.op);
        let Some(op) = op_of(case) else {
            continue;
        };
        let Some(r) = pair_ratio(&measured, (case, op), (reference, op)) else {
            continue;
        };
        let _ = writeln!(
            t,
            "| {case} ≤ {max:.2}x {reference} | {r:.2}x | {} |",
            if r <= *max { "met" } else { "**missed**" }
        );
    }
    println!("{t}");
    rows
}
