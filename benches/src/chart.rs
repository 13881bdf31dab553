//! The chart of the comparison report: one panel per dataset, a bar per
//! format and operation, time per operation on a logarithmic axis (shorter
//! is faster), drawn as SVG with plotters. `compare` writes it next to its
//! JSON (`target/compare.svg`); any browser opens it.

use std::path::Path;

use plotters::coord::combinators::IntoLogRange;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// One measured case, as the chart needs it.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The dataset (one panel each).
    pub dataset: String,
    /// The format, which picks the bar's colour.
    pub format: String,
    /// The operation.
    pub op: String,
    /// Median time per operation, in nanoseconds.
    pub ns: f64,
}

/// Pixels per bar, and the panel's fixed part (caption, axis, margins).
const BAR_PX: u32 = 18;
const PANEL_PX: u32 = 90;
const WIDTH_PX: u32 = 1100;

/// Writes the chart of `bars` to `path` as SVG: a panel per dataset, in the
/// order the datasets first appear.
///
/// ```no_run
/// use barewire_benches::chart::{Bar, write_svg};
/// let bars = vec![Bar { dataset: "log".into(), format: "barewire".into(), op: "encode".into(), ns: 2.1e5 }];
/// write_svg("target/compare.svg".as_ref(), &bars).unwrap();
/// ```
pub fn write_svg(path: &Path, bars: &[Bar]) -> Result<(), String> {
    let datasets = first_seen(bars.iter().map(|b| b.dataset.as_str()));
    let formats = first_seen(bars.iter().map(|b| b.format.as_str()));
    let panels: Vec<Vec<&Bar>> = datasets
        .iter()
        .map(|d| {
            bars.iter()
                .filter(|b| b.dataset == *d && b.ns > 0.0)
                .collect()
        })
        .collect();
    let height: u32 = panels
        .iter()
        .map(|p| PANEL_PX + BAR_PX * p.len() as u32)
        .sum::<u32>()
        .max(1);
    let root = SVGBackend::new(path, (WIDTH_PX, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut rest = root;
    for (dataset, panel) in datasets.iter().zip(&panels) {
        let (area, below) = rest.split_vertically(PANEL_PX + BAR_PX * panel.len() as u32);
        rest = below;
        draw_panel(&area, dataset, panel, &formats).map_err(|e| e.to_string())?;
    }
    rest.present().map_err(|e| e.to_string())
}

/// The distinct `names`, in the order they first appear.
fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// One dataset's bars, top to bottom in the order given.
fn draw_panel(
    area: &Area<'_>,
    dataset: &str,
    bars: &[&Bar],
    formats: &[&str],
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    if bars.is_empty() {
        return Ok(());
    }
    let n = bars.len() as u32;
    let lo = bars.iter().map(|b| b.ns).fold(f64::INFINITY, f64::min) / 2.0;
    let hi = bars.iter().map(|b| b.ns).fold(0.0, f64::max) * 2.0;
    let labels: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.format, b.op))
        .collect();
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{dataset}: time per operation (log scale, shorter is faster)"),
            ("sans-serif", 18),
        )
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(290)
        .build_cartesian_2d((lo..hi).log_scale(), (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) if *i < n => labels
                .get((n - 1 - *i) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(&|ns| duration(*ns))
        .x_desc("time per operation")
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(k, b)| {
        // The first bar at the top.
        let row = n - 1 - k as u32;
        let colour = Palette99::pick(formats.iter().position(|f| *f == b.format).unwrap_or(0));
        Rectangle::new(
            [
                (lo, SegmentValue::Exact(row)),
                (b.ns, SegmentValue::Exact(row + 1)),
            ],
            colour.filled(),
        )
    }))?;
    Ok(())
}

/// `ns` nanoseconds as a short duration for the axis: three significant
/// digits at most, no trailing zeros ("100 µs", "2.5 ms").
fn duration(ns: f64) -> String {
    let (value, unit) = if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_panel_per_dataset() {
        let bar = |dataset: &str, format: &str, ns: f64| Bar {
            dataset: dataset.into(),
            format: format.into(),
            op: "decode".into(),
            ns,
        };
        let bars = [
            bar("log", "barewire", 2e5),
            bar("log", "rkyv", 3e5),
            bar("mesh", "barewire", 4e4),
        ];
        let path = std::env::temp_dir().join(format!("barewire-chart-{}.svg", std::process::id()));
        write_svg(&path, &bars).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.contains("log: time per operation"));
        assert!(svg.contains("mesh: time per operation"));
        assert!(svg.contains("rkyv decode"));
        assert!(svg.matches("<rect").count() >= 3);
    }
}
