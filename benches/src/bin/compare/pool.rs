//! The `pool` section of the comparison report: `barewire_pool`'s own
//! speed beside bumpalo, `Box` and slotmap (`barewire_benches::cases::pool`),
//! timed in the same alternating rounds as the datasets, with the issue 14
//! targets as medians of per-round ratios.

use std::fmt::Write as _;

use barewire_benches::cases::pool::{OPS, TARGETS, pool_cases};

use super::{Options, duration, measure, median, pair_ratio};

/// Runs the section, prints its tables, and returns its JSON rows.
pub fn run(o: &Options) -> Vec<String> {
    let measured = measure("pool", pool_cases(), o);
    let mut t = String::from(
        "## pool: barewire_pool beside bumpalo, Box and slotmap\n\n\
         | case | time per 1000 ops | per op | vs reference | reference |\n|---|--:|--:|--:|---|\n",
    );
    let mut rows = Vec::new();
    for m in &measured {
        let ns = median(&mut m.rounds.clone());
        let target = TARGETS.iter().find(|(case, _, _)| *case == m.format);
        let vs = target.and_then(|(case, reference, _)| {
            pair_ratio(&measured, (case, m.op), (reference, m.op))
        });
        let _ = writeln!(
            t,
            "| {} | {} | {:.2} ns | {} | {} |",
            m.format,
            duration(ns),
            ns / OPS as f64,
            vs.map_or("–".to_string(), |r| format!("{r:.2}x")),
            target.map_or("", |(_, reference, _)| reference),
        );
        rows.push(format!(
            "  {{\"section\": \"pool\", \"dataset\": \"pool\", \"format\": \"{}\", \"op\": \"{}\", \"ns\": {:.1}, \
             \"ns_per_op\": {:.3}, \"vs_reference\": {}, \"reference\": {}, \"rounds\": {}}}",
            m.format,
            m.op,
            ns,
            ns / OPS as f64,
            vs.map_or("null".to_string(), |r| format!("{r:.4}")),
            target.map_or("null".to_string(), |(_, r, _)| format!("\"{r}\"")),
            o.rounds
        ));
    }
    let _ = writeln!(
        t,
        "\n{} rounds; time is the median; ratios are medians of per-round ratios.\n\n\
         ### targets (issue 14)\n\n| target | median per-round ratio | |\n|---|--:|---|",
        o.rounds
    );
    for (case, reference, max) in TARGETS {
        let op = barewire_benches::cases::pool::OP;
        let Some(r) = pair_ratio(&measured, (case, op), (reference, op)) else {
            continue;
        };
        let _ = writeln!(
            t,
            "| {case} ≤ {max:.2}x {reference} | {r:.2}x | {} |",
            if r <= max { "met" } else { "**missed**" }
        );
    }
    println!("{t}");
    rows
}
