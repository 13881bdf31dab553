//! The comparison report: every format on every dataset, timed in
//! alternating rounds, printed as markdown tables and written as JSON.
//!
//! ```text
//! cargo run --release -p barewire-benches --bin compare [-- --rounds N --round-ms MS --dataset NAME --json PATH]
//! cargo run --release -p barewire-benches --bin compare -- ipc [--round-trips N --stream N]
//! cargo run --release -p barewire-benches --bin compare -- pool [--rounds N --round-ms MS]
//! cargo run --release -p barewire-benches --bin compare -- levels [--rounds N --round-ms MS]
//! ```
//!
//! The `pool` section (`barewire_pool` beside bumpalo, `Box` and slotmap)
//! and the `levels` section (the document-corpus job at the three levels of
//! control; both in `compare/section.rs`) run after the datasets, or alone
//! with `pool` or `levels`; alone, a section replaces only its own rows of
//! the JSON file.
//!
//! The `ipc` section (cross-process round trips per wait policy, a Unix
//! socket and the hardware floor; see `compare/ipc.rs`) runs after the
//! datasets, or alone with `ipc`; alone, it replaces only the ipc rows of
//! the JSON file.
//!
//! The machine's speed drifts from run to run, so the cases of one dataset
//! run interleaved: in round r each case runs a fixed number of iterations,
//! and the ratios reported are medians of the per-round ratios (both sides
//! of a ratio measured moments apart), not ratios of medians.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use barewire_benches::cases::{Case, DATASETS, dataset_cases, format, op};
use barewire_benches::chart::Bar;

#[path = "compare/ipc.rs"]
mod ipc;
#[path = "compare/section.rs"]
mod section;

struct Options {
    rounds: usize,
    round_time: Duration,
    datasets: Vec<String>,
    json: String,
    /// `ipc`, `pool` or `levels` given: only that section.
    only: Option<&'static str>,
    /// `--no-ipc`, `--no-pool`, `--no-levels`: sections to skip.
    skip: Vec<&'static str>,
    ipc: ipc::IpcOptions,
}

fn options() -> Options {
    let mut o = Options {
        rounds: 25,
        round_time: Duration::from_millis(50),
        datasets: Vec::new(),
        json: concat!(env!("CARGO_MANIFEST_DIR"), "/../target/compare.json").to_string(),
        only: None,
        skip: Vec::new(),
        ipc: ipc::IpcOptions::default(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--rounds" => o.rounds = value().parse().unwrap_or_else(|_| usage("bad --rounds")),
            "--round-ms" => {
                let ms = value().parse().unwrap_or_else(|_| usage("bad --round-ms"));
                o.round_time = Duration::from_millis(ms);
            }
            "--dataset" => o.datasets.push(value()),
            "--json" => o.json = value(),
            "ipc" | "pool" | "levels" => {
                o.only = SECTIONS.iter().find(|s| **s == arg.as_str()).copied()
            }
            "--no-ipc" | "--no-pool" | "--no-levels" => {
                o.skip.extend(SECTIONS.iter().find(|s| arg.ends_with(*s)))
            }
            "--round-trips" => {
                o.ipc.round_trips = value()
                    .parse()
                    .unwrap_or_else(|_| usage("bad --round-trips"))
            }
            "--stream" => o.ipc.stream = value().parse().unwrap_or_else(|_| usage("bad --stream")),
            "--help" | "-h" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if o.datasets.is_empty() {
        o.datasets = DATASETS.iter().map(|s| s.to_string()).collect();
    }
    o.rounds = o.rounds.max(1);
    o
}

/// The sections that run after the datasets, in this order.
const SECTIONS: [&str; 3] = ["pool", "levels", "ipc"];

/// Runs one of [`SECTIONS`]; returns its JSON rows.
fn run_section(name: &str, o: &Options) -> Vec<String> {
    match name {
        "pool" => section::run(
            &section::POOL,
            barewire_benches::cases::pool::pool_cases(),
            o,
        ),
        "levels" => section::run(
            &section::LEVELS,
            barewire_benches::cases::levels::level_cases(),
            o,
        ),
        _ => ipc::run(&o.ipc),
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: compare [ipc|pool|levels] [--rounds N (25)] [--round-ms MS per case per round (50)] \
         [--dataset {}]... [--json PATH (target/compare.json)] [--no-ipc] [--no-pool] [--no-levels] \
         [--round-trips N (100000)] [--stream N (2000000)]",
        DATASETS.join("|")
    );
    std::process::exit(2)
}

/// One measured case: its per-round ns per operation.
struct Measured {
    format: &'static str,
    op: &'static str,
    bytes: usize,
    rounds: Vec<f64>,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Times `iters` runs of `case`, in ns per run.
fn time(case: &mut Case, iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        black_box((case.run)());
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// Runs every case of `dataset` for `o.rounds` rounds, reporting progress
/// (dataset, round, the case running, the time left) on standard error.
fn measure(dataset: &str, mut cases: Vec<Case>, o: &Options) -> Vec<Measured> {
    // Calibrate: warm up, then pick each case's iterations per round.
    let iters: Vec<u64> = cases
        .iter_mut()
        .map(|c| {
            let once = (0..3).map(|_| time(c, 1)).fold(f64::INFINITY, f64::min);
            ((o.round_time.as_nanos() as f64 / once.max(1.0)) as u64).max(1)
        })
        .collect();
    let mut rounds = vec![Vec::with_capacity(o.rounds); cases.len()];
    let start = Instant::now();
    for r in 0..o.rounds {
        // Rotate the starting case so no format always runs first.
        for k in 0..cases.len() {
            let i = (k + r) % cases.len();
            let left = if r == 0 {
                "estimating".to_string()
            } else {
                let per_round = start.elapsed().as_secs_f64() / r as f64;
                format!("{:.0} s left", per_round * (o.rounds - r) as f64)
            };
            progress(&format!(
                "{dataset}: round {}/{}, {} {} ({left})",
                r + 1,
                o.rounds,
                cases[i].format,
                cases[i].op
            ));
            rounds[i].push(time(&mut cases[i], iters[i]));
        }
    }
    progress("");
    cases
        .iter()
        .zip(rounds)
        .map(|(c, rounds)| Measured {
            format: c.format,
            op: c.op,
            bytes: c.bytes,
            rounds,
        })
        .collect()
}

/// Shows `line` on standard error in place of the previous one (a
/// terminal's status line; a log file gets one line per update).
fn progress(line: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{line}");
    if line.is_empty() {
        let _ = write!(err, "\r");
    }
    let _ = err.flush();
}

/// The operation of `reference` that `format`'s `op` is compared with, if
/// any.
fn reference_op(reference: &str, format: &str, op: &str) -> Option<&'static str> {
    match reference {
        format::SERDE_BARE => Some(match op {
            op::ENCODE | op::COPY | op::COPY_LAYOUT | op::UPDATE | op::UPDATE_CHECKED => op::ENCODE,
            _ => op::DECODE,
        }),
        format::RKYV => match op {
            op::ENCODE | op::COPY | op::COPY_LAYOUT => Some(op::ENCODE),
            op::DECODE => Some(op::DECODE),
            op::DECODE_BORROWED | op::ACCESS_CHECKED => Some(op::ACCESS_CHECKED),
            op::ACCESS | op::READ_CHECKED => Some(op::ACCESS),
            op::ACCESS_SCALAR => Some(op::ACCESS_SCALAR),
            op::ACCESS_CHECKED_SCALAR => Some(op::ACCESS_CHECKED_SCALAR),
            _ => None,
        },
        // Each write against a copy of its own size.
        format::MEMCPY if format == format::LAYOUT || op == op::COPY_LAYOUT => {
            Some(op::COPY_LAYOUT)
        }
        format::MEMCPY => Some(op::COPY),
        _ => None,
    }
}

/// Median over rounds of `m`'s time divided by the reference's time in the
/// same round.
fn ratio(m: &Measured, all: &[Measured], reference: &str) -> Option<f64> {
    let ref_op = reference_op(reference, m.format, m.op)?;
    pair_ratio(all, (m.format, m.op), (reference, ref_op))
}

/// Median over rounds of case `a`'s time divided by case `b`'s.
fn pair_ratio(all: &[Measured], a: (&str, &str), b: (&str, &str)) -> Option<f64> {
    let find = |(f, o): (&str, &str)| all.iter().find(|x| x.format == f && x.op == o);
    let (a, b) = (find(a)?, find(b)?);
    let mut per_round: Vec<f64> = a.rounds.iter().zip(&b.rounds).map(|(a, b)| a / b).collect();
    Some(median(&mut per_round))
}

/// A target of issues 4 and 7: on `dataset` (or every dataset, `None`),
/// `case` takes at most `max` times the time of `reference`, in the same
/// round (or, with `size`, its size is at most `max` times the reference's).
struct Target {
    dataset: Option<&'static str>,
    case: (&'static str, &'static str),
    reference: (&'static str, &'static str),
    max: f64,
    size: bool,
}

const fn target(
    dataset: Option<&'static str>,
    case: (&'static str, &'static str),
    reference: (&'static str, &'static str),
    max: f64,
) -> Target {
    Target {
        dataset,
        case,
        reference,
        max,
        size: false,
    }
}

const fn size_target(
    dataset: Option<&'static str>,
    case: (&'static str, &'static str),
    reference: (&'static str, &'static str),
    max: f64,
) -> Target {
    Target {
        size: true,
        ..target(dataset, case, reference, max)
    }
}

/// The targets. (The wire size target is checked when the cases are built:
/// barewire's bytes must equal serde_bare's.)
const TARGETS: &[Target] = &[
    target(
        Some("log"),
        (format::BAREWIRE, op::ENCODE),
        (format::SERDE_BARE, op::ENCODE),
        1.0 / 3.0,
    ),
    target(
        Some("log"),
        (format::BAREWIRE, op::DECODE),
        (format::SERDE_BARE, op::DECODE),
        0.5,
    ),
    target(
        Some("log"),
        (format::BAREWIRE, op::DECODE_BORROWED),
        (format::SERDE_BARE, op::DECODE),
        0.1,
    ),
    target(
        Some("mesh"),
        (format::BAREWIRE, op::ENCODE),
        (format::SERDE_BARE, op::ENCODE),
        0.1,
    ),
    target(
        Some("mesh"),
        (format::BAREWIRE, op::DECODE),
        (format::SERDE_BARE, op::DECODE),
        0.2,
    ),
    target(
        None,
        (format::BAREWIRE, op::ENCODE),
        (format::POSTCARD, op::ENCODE),
        1.0,
    ),
    target(
        None,
        (format::BAREWIRE, op::ENCODE),
        (format::BINCODE, op::ENCODE),
        1.0,
    ),
    target(
        None,
        (format::BAREWIRE, op::DECODE),
        (format::POSTCARD, op::DECODE),
        1.0,
    ),
    target(
        None,
        (format::BAREWIRE, op::DECODE),
        (format::BINCODE, op::DECODE),
        1.0,
    ),
    // Issue 4 (the layout), on log and mesh.
    target(
        Some("log"),
        (format::LAYOUT, op::ENCODE),
        (format::RKYV, op::ENCODE),
        1.0,
    ),
    target(
        Some("mesh"),
        (format::LAYOUT, op::ENCODE),
        (format::RKYV, op::ENCODE),
        1.0,
    ),
    target(
        Some("mesh"),
        (format::LAYOUT, op::ENCODE),
        (format::MEMCPY, op::COPY_LAYOUT),
        1.5,
    ),
    target(
        Some("log"),
        (format::LAYOUT, op::ACCESS_SCALAR),
        (format::RKYV, op::ACCESS_SCALAR),
        1.1,
    ),
    target(
        Some("mesh"),
        (format::LAYOUT, op::ACCESS_SCALAR),
        (format::RKYV, op::ACCESS_SCALAR),
        1.1,
    ),
    target(
        Some("log"),
        (format::LAYOUT, op::ACCESS_CHECKED_SCALAR),
        (format::RKYV, op::ACCESS_CHECKED_SCALAR),
        0.2,
    ),
    // Issue 15: every field read through a view checked once, checked and
    // read, and read unchecked.
    target(
        Some("log"),
        (format::LAYOUT, op::READ_CHECKED),
        (format::RKYV, op::ACCESS),
        1.5,
    ),
    target(
        Some("log"),
        (format::LAYOUT, op::ACCESS_CHECKED),
        (format::RKYV, op::ACCESS_CHECKED),
        0.25,
    ),
    target(
        Some("log"),
        (format::LAYOUT, op::ACCESS),
        (format::RKYV, op::ACCESS),
        1.1,
    ),
    target(
        Some("mesh"),
        (format::LAYOUT, op::ACCESS),
        (format::RKYV, op::ACCESS),
        1.1,
    ),
    target(
        Some("mesh"),
        (format::LAYOUT, op::ACCESS_CHECKED_SCALAR),
        (format::RKYV, op::ACCESS_SCALAR),
        1.2,
    ),
    // Issue 18: the serde bridge within 1.2x of the derive on the log dataset.
    target(
        Some("log"),
        (format::SERDE_BRIDGE, op::ENCODE),
        (format::BAREWIRE, op::ENCODE),
        1.2,
    ),
    target(
        Some("log"),
        (format::SERDE_BRIDGE, op::DECODE),
        (format::BAREWIRE, op::DECODE),
        1.2,
    ),
    target(
        Some("log"),
        (format::SERDE_BRIDGE, op::DECODE_BORROWED),
        (format::BAREWIRE, op::DECODE_BORROWED),
        1.2,
    ),
    // Issue 14: decoding into an arena, against barewire's own decodes.
    target(
        Some("log"),
        (format::BAREWIRE, op::DECODE_ARENA),
        (format::BAREWIRE, op::DECODE),
        0.5,
    ),
    target(
        Some("log"),
        (format::BAREWIRE, op::DECODE_ARENA),
        (format::BAREWIRE, op::DECODE_BORROWED),
        1.3,
    ),
    size_target(
        None,
        (format::LAYOUT, op::ENCODE),
        (format::RKYV, op::ENCODE),
        1.0,
    ),
];

/// Markdown lines for the targets that apply to `dataset`.
fn target_rows(dataset: &str, measured: &[Measured]) -> String {
    let mut t = String::new();
    for g in TARGETS {
        if g.dataset.is_some_and(|d| d != dataset) {
            continue;
        }
        let r = if g.size {
            let find = |(f, o): (&str, &str)| {
                measured
                    .iter()
                    .find(|x| x.format == f && x.op == o)
                    .map(|x| x.bytes as f64)
            };
            find(g.case).zip(find(g.reference)).map(|(a, b)| a / b)
        } else {
            pair_ratio(measured, g.case, g.reference)
        };
        let Some(r) = r else {
            continue;
        };
        let prec = if g.size { 3 } else { 2 };
        let _ = writeln!(
            t,
            "| {dataset} | {} {} {}≤ {:.2}x {} {} | {r:.prec$}x | {} |",
            g.case.0,
            g.case.1,
            if g.size { "size " } else { "" },
            g.max,
            g.reference.0,
            g.reference.1,
            if r <= g.max { "met" } else { "**missed**" }
        );
    }
    t
}

struct Row {
    format: &'static str,
    op: &'static str,
    bytes: usize,
    ns: f64,
    vs_serde_bare: Option<f64>,
    vs_rkyv: Option<f64>,
    vs_memcpy: Option<f64>,
}

fn rows(measured: &[Measured]) -> Vec<Row> {
    measured
        .iter()
        .map(|m| Row {
            format: m.format,
            op: m.op,
            bytes: m.bytes,
            ns: median(&mut m.rounds.clone()),
            vs_serde_bare: ratio(m, measured, format::SERDE_BARE),
            vs_rkyv: ratio(m, measured, format::RKYV),
            vs_memcpy: ratio(m, measured, format::MEMCPY),
        })
        .collect()
}

fn duration(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn ratio_cell(r: Option<f64>) -> String {
    match r {
        Some(r) if r >= 10.0 => format!("{r:.0}x"),
        Some(r) => format!("{r:.2}x"),
        None => "–".to_string(),
    }
}

fn table(dataset: &str, rows: &[Row], o: &Options) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "### {dataset}\n\n| format | op | time/op | size (bytes) | MB/s | vs serde_bare | vs rkyv | vs memcpy |\n|---|---|--:|--:|--:|--:|--:|--:|"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {:.0} | {} | {} | {} |",
            r.format,
            r.op,
            duration(r.ns),
            r.bytes,
            r.bytes as f64 / r.ns * 1e3,
            ratio_cell(r.vs_serde_bare),
            ratio_cell(r.vs_rkyv),
            ratio_cell(r.vs_memcpy),
        );
    }
    let _ = writeln!(
        t,
        "\n{} rounds; time is the median; ratios are medians of per-round ratios \
         (below 1 is faster). MB/s counts each format's own size.\n",
        o.rounds
    );
    t
}

/// The reads of a dataset by every format that reads in place (rkyv and
/// barewire's layout): each of its access operations, with the ratio of its
/// median time to that of rkyv's unchecked read of the same kind (every
/// field, or one scalar per record).
fn reads_table(dataset: &str, rows: &[Row]) -> String {
    let reads: Vec<&Row> = rows
        .iter()
        .filter(|r| r.op.contains("access") || r.op == op::READ_CHECKED)
        .collect();
    if reads.is_empty() {
        return String::new();
    }
    let mut t = String::new();
    let _ = writeln!(
        t,
        "#### {dataset}: reads in place\n\n| format | read | time/op | vs rkyv unchecked (same read) |\n|---|---|--:|--:|"
    );
    for r in &reads {
        let unchecked = if r.op.contains("one") {
            op::ACCESS_SCALAR
        } else {
            op::ACCESS
        };
        let base = rows
            .iter()
            .find(|b| b.format == format::RKYV && b.op == unchecked)
            .map(|b| r.ns / b.ns);
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} |",
            r.format,
            r.op,
            duration(r.ns),
            ratio_cell(base)
        );
    }
    t.push('\n');
    t
}

fn json_number(x: Option<f64>) -> String {
    x.map_or("null".to_string(), |x| format!("{x:.4}"))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cpu}, {cores} cores, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The rows of an earlier JSON file other than `section`'s, to keep when
/// that section runs alone.
fn rows_without(path: &str, section: &str) -> Vec<String> {
    let tag = format!("\"section\": \"{section}\"");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("  {") && !l.contains(&tag))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

fn write_json(o: &Options, rows: &[String]) {
    let json = format!("[\n{}\n]\n", rows.join(",\n"));
    if let Some(dir) = std::path::Path::new(&o.json).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::write(&o.json, json) {
        Ok(()) => {
            let path = std::fs::canonicalize(&o.json).unwrap_or_else(|_| o.json.clone().into());
            println!("Wrote {}", path.display());
        }
        Err(e) => eprintln!("could not write {}: {e}", o.json),
    }
}

fn main() {
    if ipc::child_main() {
        return;
    }
    let o = options();
    let start = Instant::now();
    println!("# barewire comparison\n\nMachine: {}\n", machine());
    if let Some(only) = o.only {
        let mut rows = rows_without(&o.json, only);
        rows.extend(run_section(only, &o));
        write_json(&o, &rows);
        println!("Total time: {:.0} s", start.elapsed().as_secs_f64());
        return;
    }
    let mut json = String::from("[\n");
    let mut first = true;
    let mut targets = String::new();
    let mut bars = Vec::new();
    for dataset in &o.datasets {
        let Some(cases) = dataset_cases(dataset) else {
            usage(&format!("unknown dataset {dataset}"));
        };
        let measured = measure(dataset, cases, &o);
        targets.push_str(&target_rows(dataset, &measured));
        let rows = rows(&measured);
        print!("{}", table(dataset, &rows, &o));
        print!("{}", reads_table(dataset, &rows));
        bars.extend(rows.iter().map(|r| Bar {
            dataset: dataset.to_string(),
            format: r.format.to_string(),
            op: r.op.to_string(),
            ns: r.ns,
        }));
        for r in &rows {
            if !first {
                json.push_str(",\n");
            }
            first = false;
            let _ = write!(
                json,
                "  {{\"dataset\": \"{dataset}\", \"format\": \"{}\", \"op\": \"{}\", \"ns\": {:.1}, \"bytes\": {}, \
                 \"vs_serde_bare\": {}, \"vs_rkyv\": {}, \"vs_memcpy\": {}, \"rounds\": {}}}",
                r.format,
                r.op,
                r.ns,
                r.bytes,
                json_number(r.vs_serde_bare),
                json_number(r.vs_rkyv),
                json_number(r.vs_memcpy),
                o.rounds
            );
        }
    }
    println!(
        "### targets\n\n| dataset | target | median per-round ratio (sizes: ratio) | |\n|---|---|--:|---|\n{targets}"
    );
    let mut rows: Vec<String> = json
        .lines()
        .filter(|l| l.starts_with("  {"))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect();
    for name in SECTIONS.iter().filter(|s| !o.skip.contains(s)) {
        rows.extend(run_section(name, &o));
    }
    write_json(&o, &rows);
    let svg = std::path::Path::new(&o.json).with_extension("svg");
    match barewire_benches::chart::write_svg(&svg, &bars) {
        Ok(()) => eprintln!("Wrote {}", svg.display()),
        Err(e) => eprintln!("could not write {}: {e}", svg.display()),
    }
    println!("Total time: {:.0} s", start.elapsed().as_secs_f64());
}
