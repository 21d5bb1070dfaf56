//! PNG charts of the yearly report, drawn from the computed figures. Each
//! chart is first a data model (tested on its own), then pixels: shapes
//! with plotters on an RGB buffer, text with our own glyph placement
//! (text.rs), PNG encoded by the png crate so that bytes are reproducible.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plotters::prelude::*;

use crate::aggregate::Aggregate;
use crate::figures::{Figures, Value};
use crate::render::thousands;
use crate::rules;
use crate::rules::taxonomy::{self, label};
use crate::text::{Anchor, Fonts, Weight};
use crate::wareki;

/// Every chart, in the edition's order; `--only` takes these names.
pub const CHART_NAMES: &[&str] =
    &["major_trend", "major_service", "matrix", "service", "service_voice", "service_data", "cause", "equipment", "trend_reports"];

pub(crate) const WIDTH: u32 = 1600;
const MAX_HEIGHT: u32 = 3000;

/// Okabe–Ito, safe for the common colour-vision deficiencies.
const PALETTE: &[[u8; 3]] = &[
    [0, 114, 178],   // blue
    [230, 159, 0],   // orange
    [0, 158, 115],   // bluish green
    [204, 121, 167], // reddish purple
    [86, 180, 233],  // sky blue
    [213, 94, 0],    // vermillion
    [240, 228, 66],  // yellow
    [120, 120, 120], // grey
];
const INK: [u8; 3] = [33, 33, 33];
const MUTED: [u8; 3] = [110, 110, 110];
const GRID: [u8; 3] = [220, 220, 220];
const OUTSIDE_DUTY: [u8; 3] = [200, 200, 200];

/// A category's colour: its position in its taxonomy list, so the same
/// category has the same colour in every chart and every year.
fn colour(position: usize) -> [u8; 3] {
    PALETTE[position % PALETTE.len()]
}

/// One segment of a 100% bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub label: String,
    pub count: u64,
    /// The share as printed (whole percent), from the figures.
    pub share: String,
    pub colour: [u8; 3],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Records,
    Published,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendBar {
    pub fy: i32,
    pub label: String,
    pub count: Option<u64>,
    pub source: Source,
    /// The marks of the year's rule changes (`注8・注9`: two in FY2023).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatrixCell {
    /// `None` outside the quarterly duty.
    pub count: Option<u64>,
    pub majors: Option<String>,
}

/// One year of a series chart: stacked parts (one part for a single
/// metric), or nothing known.
#[derive(Debug, Clone, PartialEq)]
pub struct YearBar {
    pub fy: i32,
    pub label: String,
    /// Values of the stacked parts, bottom first; `None` when unknown.
    pub parts: Option<Vec<f64>>,
    pub source: Source,
    /// The rule set that starts this year (its note mark), if one does.
    pub rule_mark: Option<String>,
}

/// Years side by side: bars per fiscal year, parts named in a legend,
/// values shown with `unit`, rule sets separated.
#[derive(Debug, Clone, PartialEq)]
pub struct YearSeries {
    pub bars: Vec<YearBar>,
    pub parts: Vec<String>,
    pub unit: String,
    /// Values shown in 万 (ten thousands) when they are large.
    pub in_man: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Trend(Vec<TrendBar>),
    Years(YearSeries),
    Shares(Vec<Panel>),
    /// `outside`: the label of cells outside the year's routine duty.
    Matrix { rows: Vec<String>, columns: Vec<String>, cells: Vec<Vec<MatrixCell>>, outside: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub name: &'static str,
    pub title: String,
    pub axis: String,
    pub body: Body,
    pub notes: Vec<String>,
}

/// The rule changes the trend chart marks (the edition's notes 5–7):
/// (first fiscal year, mark, text), from the rule sets' `trend_note`.
pub fn trend_notes(r: rules::Rules) -> Vec<(i32, &'static str, &'static str)> {
    let b = r.book;
    let sets = b.sets.iter().filter_map(|s| Some((s.from?, s.raw.trend_note.as_str())));
    // Breaks that are no new threshold set (おそれ事態, yearly reports).
    let regimes = b.regimes.iter().map(|(from, r)| (*from, r.trend_note.as_str()));
    let mut notes: Vec<(i32, &'static str, &'static str)> = sets
        .chain(regimes)
        .filter(|(_, text)| !text.is_empty())
        .map(|(from, text)| (from.fiscal_year(), text.split(' ').next().unwrap_or(text), text))
        .collect();
    notes.sort_by_key(|(fy, _, _)| *fy);
    notes
}
pub(crate) const FIRST_TREND_YEAR: i32 = 2008;
/// What the numbers on a share bar are.
const SHARE_AXIS: &str = "割合（%）と件数（件）";

/// Models of every chart for `year`. `trend_file` is the published
/// major-accident series, used for years the records do not cover.
/// `history` holds the earlier years whole (it is `agg` except for a year
/// to date) for the chart of reports per year.
pub fn models(agg: &Aggregate, year: i32, this: &Figures, prev: Option<&Figures>, trend: &[(i32, u64)]) -> Vec<Chart> {
    let years: Vec<(String, &Figures)> = prev
        .map(|p| (wareki::fiscal_year_label(year - 1), p))
        .into_iter()
        .chain([(wareki::fiscal_year_label(year), this)])
        .collect();
    let shares = |table: &str, rows: Vec<(&str, &str, usize)>| -> Panel {
        Panel {
            title: String::new(),
            bars: years
                .iter()
                .map(|(label, f)| Bar {
                    label: label.clone(),
                    segments: rows
                        .iter()
                        .map(|(code, name, pos)| Segment {
                            label: name.to_string(),
                            count: f.int(table, code, "count").unwrap_or(0) as u64,
                            share: f.get(table, code, "share").map_or_else(String::new, Value::to_string),
                            colour: colour(*pos),
                        })
                        .collect(),
                })
                .collect(),
        }
    };
    let groups = |list: &[taxonomy::Group]| -> Vec<(&'static str, &'static str, usize)> {
        list.iter().enumerate().map(|(i, g)| (g.code, g.label, i)).collect()
    };
    let v = agg.rules.vocab;
    let mut charts = Vec::new();
    charts.push(trend_model(agg.rules, year, this, trend));
    charts.push(major_service_model(agg, year));
    charts.push(matrix_model(this, agg.rules, year));
    let service = shares("service", groups(&v.service_groups));
    charts.push(share_chart("service", vec![service], "※ 1件の事故で複数のサービスに影響した場合はそれぞれに計上"));
    for g in ["voice", "data"] {
        let subs: Vec<_> = v.service_subs(g).iter().enumerate().map(|(i, s)| (s.code, s.label, i)).collect();
        let name = if g == "voice" { "service_voice" } else { "service_data" };
        charts.push(share_chart(name, vec![shares(name, subs)], ""));
    }
    charts.push(share_chart("cause", vec![shares("cause", groups(&v.cause_groups))], "※ 主たる発生要因で分類"));
    let mut panels = vec![shares("equipment", groups(&v.equipment_groups))];
    panels[0].title = "故障設備が明確な事故".to_string();
    for g in ["switching", "line"] {
        let table = format!("equipment_{g}");
        let codes: Vec<_> = v.equipment.iter().filter(|e| e.group == g).enumerate().map(|(i, e)| (e.code, e.label, i)).collect();
        let mut p = shares(&table, codes);
        p.title = taxonomy::group_label(&v.equipment_groups, g).to_string();
        panels.push(p);
    }
    charts.push(share_chart("equipment", panels, "※ 故障設備が不明の事故を除く"));
    trial_marked(charts, agg.rules)
}

/// A trial's charts (試算) say so in their titles.
pub(crate) fn trial_marked(mut charts: Vec<Chart>, r: rules::Rules) -> Vec<Chart> {
    if r.trial_note().is_some() {
        for c in &mut charts {
            c.title.push_str("（試算）");
        }
    }
    charts
}

fn share_chart(name: &'static str, panels: Vec<Panel>, note: &str) -> Chart {
    Chart {
        name,
        title: taxonomy::table_title(name).to_string(),
        axis: SHARE_AXIS.to_string(),
        body: Body::Shares(panels),
        notes: (!note.is_empty()).then(|| note.to_string()).into_iter().collect(),
    }
}

/// Major accidents per fiscal year counted from the records.
pub(crate) fn trend_from_records(this: &Figures) -> BTreeMap<i32, u64> {
    this.list
        .iter()
        .filter(|f| f.table == "major_trend" && f.column == "count")
        .filter_map(|f| Some((f.row.parse().ok()?, f.value.to_string().parse().ok()?)))
        .collect()
}

/// Every known year: the records' count, else the published one.
pub fn known_trend(this: &Figures, published: &[(i32, u64)]) -> BTreeMap<i32, u64> {
    let mut known: BTreeMap<i32, u64> = published.iter().copied().collect();
    known.extend(trend_from_records(this));
    known
}

fn trend_model(r: rules::Rules, year: i32, this: &Figures, published: &[(i32, u64)]) -> Chart {
    let from_records = trend_from_records(this);
    let bars = (FIRST_TREND_YEAR..=year)
        .map(|fy| {
            let (count, source) = match (from_records.get(&fy), published.iter().find(|(y, _)| *y == fy)) {
                (Some(&n), _) => (Some(n), Source::Records),
                (None, Some(&(_, n))) => (Some(n), Source::Published),
                (None, None) => (None, Source::Unknown),
            };
            TrendBar {
                fy,
                label: wareki::fiscal_year_label(fy),
                count,
                source,
                note: {
                    let marks: Vec<&str> = trend_notes(r).into_iter().filter(|(y, _, _)| *y == fy).map(|(_, mark, _)| mark).collect();
                    (!marks.is_empty()).then(|| marks.join("・"))
                },
            }
        })
        .collect();
    Chart {
        name: "major_trend",
        title: taxonomy::table_title("major_trend").to_string(),
        axis: format!("{}（件）", label::COUNT),
        body: Body::Trend(bars),
        notes: trend_notes(r)
            .into_iter()
            .filter(|(y, _, _)| *y <= year)
            .map(|(_, _, text)| text.to_string())
            .chain(["不明: 件数が公表資料から確認できない年度".to_string()])
            .collect(),
    }
}

/// Major accidents per service (an accident with several services counts
/// in each), this year beside the previous one.
fn major_service_model(agg: &Aggregate, year: i32) -> Chart {
    let services = &agg.rules.vocab.services;
    let per_year = |fy: i32| -> Vec<u64> {
        let mut counts = vec![0u64; services.len()];
        for a in agg.accidents(fy) {
            for (i, _) in agg.rules.vocab.services_in(a.services) {
                counts[i] += 1;
            }
        }
        counts
    };
    let years: Vec<i32> = [year - 1, year].into_iter().filter(|fy| agg.tally(*fy).is_some()).collect();
    let counts: Vec<Vec<u64>> = years.iter().map(|&fy| per_year(fy)).collect();
    let used: Vec<usize> = (0..services.len()).filter(|&i| counts.iter().any(|c| c[i] > 0)).collect();
    let bars = years
        .iter()
        .zip(&counts)
        .map(|(&fy, c)| {
            let total: u64 = used.iter().map(|&i| c[i]).sum();
            Bar {
                label: wareki::fiscal_year_label(fy),
                segments: used
                    .iter()
                    .enumerate()
                    .map(|(pos, &i)| Segment {
                        label: services[i].label.to_string(),
                        count: c[i],
                        share: if total > 0 { Value::share_scaled(c[i], total, 0).to_string() } else { String::new() },
                        colour: colour(pos),
                    })
                    .collect(),
            }
        })
        .collect();
    Chart {
        name: "major_service",
        title: "重大な事故のサービス別の内訳".to_string(),
        axis: SHARE_AXIS.to_string(),
        body: Body::Shares(vec![Panel { title: String::new(), bars }]),
        notes: vec!["※ 1件の事故で複数のサービスに影響した場合はそれぞれに計上".to_string()],
    }
}

fn matrix_model(f: &Figures, r: rules::Rules, year: i32) -> Chart {
    let (outside, v) = (r.duty_labels(year).1, r.vocab);
    let cells = v.duration_bins
        .iter()
        .enumerate()
        .map(|(d, db)| {
            v.user_bins
                .iter()
                .enumerate()
                .map(|(u, ub)| MatrixCell {
                    count: (!r.cell_outside_duty(d, u)).then(|| f.int("matrix", db.code, ub.code).unwrap_or(0) as u64),
                    majors: f.get("matrix_major", db.code, ub.code).map(|v| {
                        v.to_string().split(';').map(|n| format!("<{n}>")).collect::<Vec<_>>().join(" ")
                    }),
                })
                .collect()
        })
        .collect();
    Chart {
        name: "matrix",
        title: format!("{}（件）", taxonomy::table_title("matrix")),
        axis: String::new(),
        body: Body::Matrix {
            rows: v.duration_bins.iter().map(|b| v.bin_label(b.code).to_string()).collect(),
            columns: v.user_bins.iter().map(|b| v.bin_label(b.code).to_string()).collect(),
            cells,
            outside: outside.to_string(),
        },
        notes: vec![
            "<n>: 重大な事故（一覧の No）を含むセル".to_string(),
            format!("灰色: {outside}（{}）", r.outside_duty_text()),
        ],
    }
}

impl Segment {
    fn value_lines(&self) -> [String; 2] {
        [format!("{}%", self.share), format!("({}件)", thousands(self.count as i64))]
    }

    fn note(&self) -> String {
        self.value_lines().join(" ")
    }
}

impl Chart {
    /// Every text the chart will draw, for the glyph check.
    pub fn labels(&self) -> Vec<String> {
        let mut out = vec![self.title.clone(), self.axis.clone(), "不明".to_string(), "0".to_string()];
        out.extend(self.notes.iter().cloned());
        match &self.body {
            Body::Trend(bars) => {
                for b in bars {
                    out.push(b.label.clone());
                    out.extend(b.count.map(|n| format!("{n}件")));
                    out.extend(b.note.clone());
                }
                out.extend((0..=100).map(|n| n.to_string()));
            }
            Body::Shares(panels) => {
                for p in panels {
                    out.push(p.title.clone());
                    for b in &p.bars {
                        out.push(b.label.clone());
                        for s in &b.segments {
                            out.push(s.label.clone());
                            out.extend(s.value_lines());
                            out.push(s.note());
                        }
                    }
                }
            }
            Body::Years(ys) => {
                for b in &ys.bars {
                    out.push(b.label.clone());
                    out.extend(b.rule_mark.clone());
                    if let Some(parts) = &b.parts {
                        out.push(ys.value_text(parts.iter().sum()));
                        out.extend(parts.iter().map(|v| ys.value_text(*v)));
                    }
                }
                out.extend(ys.parts.iter().cloned());
                out.extend(YEARS_LEGEND.iter().map(|s| s.to_string()));
                out.extend((0..=100).map(|n| n.to_string()));
                out.push(ys.axis_label());
                out.push("万".to_string());
            }
            Body::Matrix { rows, columns, cells, outside } => {
                out.extend(rows.iter().cloned());
                out.extend(columns.iter().cloned());
                out.push(outside.clone());
                out.push(format!("{}＼{}", label::DURATION, label::USERS));
                for c in cells.iter().flatten() {
                    out.extend(c.count.map(|n| thousands(n as i64)));
                    out.extend(c.majors.clone());
                }
            }
        }
        out
    }

}


/// An RGB image: shapes through plotters, text through `Fonts`.
struct Canvas<'f> {
    w: u32,
    h: u32,
    buf: Vec<u8>,
    fonts: &'f Fonts,
}

impl<'f> Canvas<'f> {
    fn new(w: u32, h: u32, fonts: &'f Fonts) -> Canvas<'f> {
        Canvas { w, h, buf: vec![255; (w * h * 3) as usize], fonts }
    }

    fn shapes(&mut self, draw: impl FnOnce(&DrawingArea<BitMapBackend, plotters::coord::Shift>) -> Result<()>) -> Result<()> {
        let area = BitMapBackend::with_buffer(&mut self.buf, (self.w, self.h)).into_drawing_area();
        draw(&area)?;
        area.present().map_err(|e| anyhow::anyhow!("drawing: {e}"))?;
        Ok(())
    }

    fn rect(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), rgb: [u8; 3], filled: bool) -> Result<()> {
        self.shapes(|a| {
            let style = RGBColor(rgb[0], rgb[1], rgb[2]);
            let style = if filled { style.filled() } else { style.stroke_width(2) };
            a.draw(&Rectangle::new([(x0, y0), (x1, y1)], style)).map_err(|e| anyhow::anyhow!("drawing: {e}"))
        })
    }

    fn line(&mut self, from: (i32, i32), to: (i32, i32), rgb: [u8; 3], width: u32) -> Result<()> {
        self.shapes(|a| {
            let style = RGBColor(rgb[0], rgb[1], rgb[2]).stroke_width(width);
            a.draw(&PathElement::new(vec![from, to], style)).map_err(|e| anyhow::anyhow!("drawing: {e}"))
        })
    }

    fn text(&mut self, text: &str, at: (f32, f32), px: f32, weight: Weight, anchor: Anchor, rgb: [u8; 3]) -> Result<()> {
        self.fonts.draw(&mut self.buf, (self.w, self.h), text, at, px, weight, anchor, rgb)
    }

    fn crop(&mut self, h: u32) {
        self.h = h.min(self.h);
        self.buf.truncate((self.w * self.h * 3) as usize);
    }

    /// PNG bytes, lossless: an indexed image when the chart has at most
    /// 256 colours (flat fills and anti-aliased text usually do), else RGB;
    /// zlib's default level without row filters: small pages, fast runs.
    fn png(&self) -> Result<Vec<u8>> {
        let mut palette: Vec<[u8; 3]> = Vec::new();
        let mut index: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
        let mut indexed = Vec::with_capacity((self.w * self.h) as usize);
        for px in self.buf.chunks_exact(3) {
            let rgb = [px[0], px[1], px[2]];
            let i = match index.get(&rgb) {
                Some(i) => *i,
                None if palette.len() < 256 => {
                    let i = palette.len() as u8;
                    palette.push(rgb);
                    index.insert(rgb, i);
                    i
                }
                None => {
                    palette.clear();
                    break;
                }
            };
            indexed.push(i);
        }
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.w, self.h);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Default);
            enc.set_filter(png::FilterType::NoFilter);
            if palette.is_empty() {
                enc.set_color(png::ColorType::Rgb);
                enc.write_header()?.write_image_data(&self.buf)?;
            } else {
                enc.set_color(png::ColorType::Indexed);
                enc.set_palette(palette.concat());
                enc.write_header()?.write_image_data(&indexed)?;
            }
        }
        Ok(out)
    }
}

const TITLE_PX: f32 = 32.0;
/// A bar (70 px), a line for values too wide for their segment, a gap.
const BAR_PITCH: f32 = 110.0;
const LABEL_PX: f32 = 20.0;
const SMALL_PX: f32 = 17.0;

/// Draw a chart to PNG bytes, after checking every label against the font.
pub fn draw(chart: &Chart, fonts: &Fonts) -> Result<Vec<u8>> {
    fonts.check(&format!("{}.png", chart.name), chart.labels().iter().map(String::as_str))?;
    // Drawn on a tall canvas, then cut below the last note.
    let mut c = Canvas::new(WIDTH, MAX_HEIGHT, fonts);
    c.text(&chart.title, (WIDTH as f32 / 2.0, 40.0), TITLE_PX, Weight::Bold, Anchor::Center, INK)?;
    let bottom = match &chart.body {
        Body::Trend(bars) => draw_trend(&mut c, bars, &chart.axis)?,
        Body::Shares(panels) => {
            // The unit of the values on the segments.
            c.text(&chart.axis, (WIDTH as f32 - 60.0, 76.0), SMALL_PX, Weight::Regular, Anchor::Right, MUTED)?;
            draw_shares(&mut c, panels)?
        }
        Body::Matrix { rows, columns, cells, outside } => draw_matrix(&mut c, rows, columns, cells, outside)?,
        Body::Years(ys) => draw_years(&mut c, ys)?,
    };
    let mut y = bottom + 30.0;
    for n in &chart.notes {
        c.text(n, (60.0, y), SMALL_PX, Weight::Regular, Anchor::Left, MUTED)?;
        y += 30.0;
    }
    c.crop(y as u32 + 10);
    c.png()
}

fn draw_trend(c: &mut Canvas, bars: &[TrendBar], axis: &str) -> Result<f32> {
    let (left, right, top, base) = (130, WIDTH as i32 - 40, 110, 700);
    let max = bars.iter().filter_map(|b| b.count).max().unwrap_or(1).max(1);
    let step = nice_step(max);
    let top_value = (max / step + 1) * step;
    let y_of = |v: u64| base - ((base - top) as f64 * v as f64 / top_value as f64).round() as i32;
    let mut v = 0;
    while v <= top_value {
        c.line((left, y_of(v)), (right, y_of(v)), GRID, 1)?;
        c.text(&v.to_string(), (left as f32 - 12.0, y_of(v) as f32), SMALL_PX, Weight::Regular, Anchor::Right, MUTED)?;
        v += step;
    }
    c.text(axis, (left as f32 - 12.0, top as f32 - 40.0), LABEL_PX, Weight::Regular, Anchor::Right, INK)?;
    let slot = (right - left) as f32 / bars.len() as f32;
    for (i, b) in bars.iter().enumerate() {
        let cx = left as f32 + slot * (i as f32 + 0.5);
        let half = (slot * 0.32) as i32;
        match b.count {
            Some(n) => {
                let fill = if b.source == Source::Records { PALETTE[0] } else { PALETTE[4] };
                c.rect((cx as i32 - half, y_of(n)), (cx as i32 + half, base), fill, true)?;
                c.text(&format!("{n}件"), (cx, y_of(n) as f32 - 18.0), LABEL_PX, Weight::Bold, Anchor::Center, INK)?;
            }
            None => unknown_bar(c, cx, half, base, LABEL_PX)?,
        }
        year_label(c, &b.label, cx, base)?;
        if let Some(mark) = &b.note {
            c.text(mark, (cx, base as f32 + 72.0), SMALL_PX, Weight::Bold, Anchor::Center, PALETTE[5])?;
        }
    }
    c.line((left, base), (right, base), INK, 2)?;
    // Legend: where the counts come from.
    let y = base as f32 + 110.0;
    c.rect((left, y as i32 - 9), (left + 18, y as i32 + 9), PALETTE[0], true)?;
    c.text("事故データから集計", (left as f32 + 26.0, y), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
    c.rect((left + 260, y as i32 - 9), (left + 278, y as i32 + 9), PALETTE[4], true)?;
    c.text("公表値", (left as f32 + 286.0, y), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
    Ok(y + 10.0)
}

/// How the sources of a year series are drawn.
const YEARS_LEGEND: &[&str] = &["事故データから集計", "公表値（薄い色）", "不明（枠のみ）"];

impl YearSeries {
    /// `1,234件`, `57%`, `12,345万人時`.
    pub(crate) fn value_text(&self, v: f64) -> String {
        if self.in_man {
            format!("{}万", thousands((v / 10_000.0).round() as i64))
        } else if self.unit == "%" {
            format!("{}%", v.round() as i64)
        } else {
            format!("{}{}", thousands(v.round() as i64), self.unit)
        }
    }

    fn axis_label(&self) -> String {
        if self.in_man {
            format!("（万{}）", self.unit)
        } else {
            format!("（{}）", self.unit)
        }
    }
}

/// A colour mixed halfway with white: the published years' tint.
fn tint(rgb: [u8; 3]) -> [u8; 3] {
    rgb.map(|c| ((u16::from(c) + 255) / 2) as u8)
}

fn draw_years(c: &mut Canvas, ys: &YearSeries) -> Result<f32> {
    let (left, right, top, base) = (150, WIDTH as i32 - 40, 150, 700);
    // Legend of the parts and of the sources, above the plot.
    let mut lx = left as f32;
    for (i, name) in ys.parts.iter().enumerate().filter(|_| ys.parts.len() > 1) {
        c.rect((lx as i32, 86), (lx as i32 + 18, 104), colour(i), true)?;
        c.text(name, (lx + 26.0, 95.0), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
        lx += 26.0 + c.fonts.width(name, SMALL_PX, Weight::Regular) + 30.0;
    }
    let totals: Vec<f64> = ys.bars.iter().filter_map(|b| b.parts.as_ref().map(|p| p.iter().sum())).collect();
    let max = totals.iter().cloned().fold(0.0, f64::max);
    let scale = if ys.in_man { 10_000.0 } else { 1.0 };
    let max_units = ((max / scale).ceil() as u64).max(1);
    let step = if ys.unit == "%" { 20 } else { nice_step(max_units) };
    // Shares end at 100%; other values one grid step above the largest.
    let top_value = if ys.unit == "%" { 100.0 } else { ((max_units / step + 1) * step) as f64 * scale };
    let y_of = |v: f64| base - ((base - top) as f64 * v.min(top_value) / top_value).round() as i32;
    let mut v = 0.0;
    while v <= top_value + 0.5 {
        c.line((left, y_of(v)), (right, y_of(v)), GRID, 1)?;
        c.text(&thousands((v / scale).round() as i64), (left as f32 - 12.0, y_of(v) as f32), SMALL_PX, Weight::Regular, Anchor::Right, MUTED)?;
        v += step as f64 * scale;
    }
    c.text(&ys.axis_label(), (left as f32 - 12.0, top as f32 - 30.0), SMALL_PX, Weight::Regular, Anchor::Right, INK)?;
    let slot = (right - left) as f32 / ys.bars.len().max(1) as f32;
    for (i, b) in ys.bars.iter().enumerate() {
        let cx = left as f32 + slot * (i as f32 + 0.5);
        let half = (slot * 0.32) as i32;
        if let Some(mark) = &b.rule_mark {
            // A new rule set starts here: a line between the years.
            let x = (left as f32 + slot * i as f32) as i32;
            c.line((x, top - 20), (x, base + 60), PALETTE[5], 2)?;
            c.text(mark, (x as f32 + 4.0, top as f32 - 10.0), SMALL_PX, Weight::Bold, Anchor::Left, PALETTE[5])?;
        }
        match &b.parts {
            Some(parts) => {
                let mut bottom = 0.0;
                for (k, v) in parts.iter().enumerate() {
                    let fill = if b.source == Source::Records { colour(k) } else { tint(colour(k)) };
                    if *v > 0.0 {
                        c.rect((cx as i32 - half, y_of(bottom + v)), (cx as i32 + half, y_of(bottom)), fill, true)?;
                    }
                    bottom += v;
                }
                let total = if ys.unit == "%" && parts.len() > 1 { None } else { Some(ys.value_text(bottom)) };
                if let Some(t) = total {
                    c.text(&t, (cx, y_of(bottom) as f32 - 16.0), SMALL_PX, Weight::Bold, Anchor::Center, INK)?;
                }
            }
            None => unknown_bar(c, cx, half, base, SMALL_PX)?,
        }
        year_label(c, &b.label, cx, base)?;
    }
    c.line((left, base), (right, base), INK, 2)?;
    let y = base as f32 + 100.0;
    let mut lx = left as f32;
    for (i, text) in YEARS_LEGEND.iter().enumerate() {
        match i {
            0 => c.rect((lx as i32, y as i32 - 9), (lx as i32 + 18, y as i32 + 9), colour(0), true)?,
            1 => c.rect((lx as i32, y as i32 - 9), (lx as i32 + 18, y as i32 + 9), tint(colour(0)), true)?,
            _ => c.rect((lx as i32, y as i32 - 9), (lx as i32 + 18, y as i32 + 9), MUTED, false)?,
        }
        c.text(text, (lx + 26.0, y), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
        lx += 26.0 + c.fonts.width(text, SMALL_PX, Weight::Regular) + 40.0;
    }
    Ok(y + 10.0)
}

/// A year nothing is known of: an empty box, 不明 (never a zero bar).
fn unknown_bar(c: &mut Canvas, cx: f32, half: i32, base: i32, px: f32) -> Result<()> {
    c.rect((cx as i32 - half, base - 60), (cx as i32 + half, base), MUTED, false)?;
    c.text("不明", (cx, base as f32 - 30.0), px, Weight::Regular, Anchor::Center, MUTED)
}

/// A fiscal year under its bar: 平成20年度 fits one slot split before 年度.
fn year_label(c: &mut Canvas, label: &str, cx: f32, base: i32) -> Result<()> {
    let (era, rest) = label.split_at(label.find("年度").unwrap_or(label.len()));
    c.text(era, (cx, base as f32 + 24.0), SMALL_PX, Weight::Regular, Anchor::Center, INK)?;
    c.text(rest, (cx, base as f32 + 46.0), SMALL_PX, Weight::Regular, Anchor::Center, INK)
}

/// 1, 2, 5 × 10^k: a grid step giving about five lines.
fn nice_step(max: u64) -> u64 {
    let raw = (max as f64 / 5.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    step as u64
}

fn draw_shares(c: &mut Canvas, panels: &[Panel]) -> Result<f32> {
    let (left, right) = (220, WIDTH as i32 - 60);
    let mut y = 90.0f32;
    for p in panels {
        if !p.title.is_empty() {
            c.text(&p.title, (60.0, y + 16.0), LABEL_PX + 2.0, Weight::Bold, Anchor::Left, INK)?;
            y += 40.0;
        }
        // Legend first, so it never covers a bar; entries flow and wrap.
        if let Some(first) = p.bars.first() {
            let (mut lx, mut ly) = (60.0f32, y + 14.0);
            for s in &first.segments {
                let w = 26.0 + c.fonts.width(&s.label, SMALL_PX, Weight::Regular) + 36.0;
                if lx + w > right as f32 && lx > 60.0 {
                    lx = 60.0;
                    ly += 34.0;
                }
                c.rect((lx as i32, ly as i32 - 9), (lx as i32 + 18, ly as i32 + 9), s.colour, true)?;
                c.text(&s.label, (lx + 26.0, ly), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
                lx += w;
            }
            y = ly + 30.0;
        }
        for b in &p.bars {
            let (top, bottom) = (y as i32 + 8, y as i32 + 78);
            c.text(&b.label, (left as f32 - 16.0, (top + bottom) as f32 / 2.0), LABEL_PX, Weight::Bold, Anchor::Right, INK)?;
            let total: u64 = b.segments.iter().map(|s| s.count).sum();
            let mut x = left as f64;
            // Values that do not fit inside their segment go on a line
            // under the bar, pushed right so that none overlaps another.
            let mut free_from = left as f32;
            for s in &b.segments {
                if total == 0 || s.count == 0 {
                    continue;
                }
                let w = (right - left) as f64 * s.count as f64 / total as f64;
                let (x0, x1) = (x.round() as i32, (x + w).round() as i32);
                c.rect((x0, top), (x1, bottom), s.colour, true)?;
                let [share, count] = s.value_lines();
                let ink = text_on(s.colour);
                let fits = c.fonts.width(&count, SMALL_PX, Weight::Regular).max(c.fonts.width(&share, LABEL_PX, Weight::Bold)) + 8.0;
                let cx = (x0 + x1) as f32 / 2.0;
                if (x1 - x0) as f32 >= fits {
                    c.text(&share, (cx, top as f32 + 22.0), LABEL_PX, Weight::Bold, Anchor::Center, ink)?;
                    c.text(&count, (cx, top as f32 + 50.0), SMALL_PX, Weight::Regular, Anchor::Center, ink)?;
                } else {
                    let note = s.note();
                    let width = c.fonts.width(&note, SMALL_PX, Weight::Regular);
                    let start = (cx - width / 2.0).max(free_from).min(right as f32 - width);
                    c.line((cx as i32, bottom), (cx as i32, bottom + 8), INK, 1)?;
                    c.text(&note, (start, bottom as f32 + 20.0), SMALL_PX, Weight::Regular, Anchor::Left, INK)?;
                    free_from = start + width + 12.0;
                }
                x += w;
            }
            y += BAR_PITCH;
        }
        y += 40.0;
    }
    Ok(y - 40.0)
}

/// Black or white, whichever reads better on `bg`.
fn text_on(bg: [u8; 3]) -> [u8; 3] {
    let l = 0.299 * f32::from(bg[0]) + 0.587 * f32::from(bg[1]) + 0.114 * f32::from(bg[2]);
    if l > 150.0 {
        INK
    } else {
        [255, 255, 255]
    }
}

/// A sequential blue scale by log count (light = few).
fn heat(count: u64, max: u64) -> [u8; 3] {
    let t = if max == 0 { 0.0 } else { ((count as f64 + 1.0).ln() / (max as f64 + 1.0).ln()).clamp(0.0, 1.0) };
    let (from, to) = ([239.0, 243.0, 255.0], [8.0, 48.0, 107.0]);
    [0, 1, 2].map(|k| (from[k] + (to[k] - from[k]) * t).round() as u8)
}

fn draw_matrix(c: &mut Canvas, rows: &[String], columns: &[String], cells: &[Vec<MatrixCell>], outside: &str) -> Result<f32> {
    let (left, top) = (300, 160);
    let cw = (WIDTH as i32 - left - 40) / columns.len() as i32;
    let rh = 70;
    let corner = format!("{}＼{}", label::DURATION, label::USERS);
    c.text(&corner, (40.0, top as f32 - 30.0), SMALL_PX, Weight::Bold, Anchor::Left, INK)?;
    for (j, col) in columns.iter().enumerate() {
        let cx = (left + cw * j as i32 + cw / 2) as f32;
        c.text(col, (cx, top as f32 - 30.0), SMALL_PX, Weight::Bold, Anchor::Center, INK)?;
    }
    let max = cells.iter().flatten().filter_map(|x| x.count).max().unwrap_or(0);
    for (i, row) in rows.iter().enumerate() {
        let y0 = top + rh * i as i32;
        c.text(row, (left as f32 - 16.0, (y0 + rh / 2) as f32), SMALL_PX, Weight::Bold, Anchor::Right, INK)?;
        for (j, cell) in cells[i].iter().enumerate() {
            let x0 = left + cw * j as i32;
            let (fill, lines): ([u8; 3], Vec<String>) = match cell.count {
                None => (OUTSIDE_DUTY, vec![outside.to_string()]),
                Some(n) => (heat(n, max), std::iter::once(thousands(n as i64)).chain(cell.majors.clone()).collect()),
            };
            c.rect((x0, y0), (x0 + cw, y0 + rh), fill, true)?;
            c.rect((x0, y0), (x0 + cw, y0 + rh), [255, 255, 255], false)?;
            let ink = if cell.count.is_none() { MUTED } else { text_on(fill) };
            let n = lines.len() as f32;
            for (k, line) in lines.iter().enumerate() {
                let ly = (y0 + rh / 2) as f32 + (k as f32 - (n - 1.0) / 2.0) * 24.0;
                let weight = if k == 0 && cell.count.is_some() { Weight::Bold } else { Weight::Regular };
                let px = if cell.count.is_none() { SMALL_PX } else { LABEL_PX };
                c.text(line, ((x0 + cw / 2) as f32, ly), px, weight, Anchor::Center, ink)?;
            }
        }
    }
    Ok((top + rh * rows.len() as i32) as f32 + 10.0)
}

/// The published major-accident series (`major_trend.csv`), if present.
/// The published major-accident series built into the binary (its source
/// is data/published/major_trend.csv), so a run from any folder draws the
/// same chart.
pub(crate) fn builtin_trend(lang: crate::lang::Lang) -> Result<Vec<(i32, u64)>> {
    // FY2007 counted outages only (the pre-FY2008 definition): not part of the series.
    Ok(crate::published::Published::builtin(lang)?.major_trend().into_iter().filter(|(fy, _)| *fy >= FIRST_TREND_YEAR).collect())
}

pub fn read_trend(lang: crate::lang::Lang, path: &Path) -> Result<Vec<(i32, u64)>> {
    let rows = crate::figures::read_published(lang, path)?;
    trend_rows(path, rows)
}

fn trend_rows(path: &Path, rows: Vec<(u64, [String; 4])>) -> Result<Vec<(i32, u64)>> {
    rows.into_iter()
        .filter(|(_, [t, _, c, _])| t == "major_trend" && c == "count")
        .map(|(line, [_, r, _, v])| {
            Ok((
                r.parse().with_context(|| format!("{}:{line}: year {r:?}", path.display()))?,
                v.parse().with_context(|| format!("{}:{line}: count {v:?}", path.display()))?,
            ))
        })
        .collect()
}

/// Draw the charts named in `only` (all when empty): file name and PNG.
pub fn render(lang: crate::lang::Lang, charts: &[Chart], only: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
    for name in only {
        if !CHART_NAMES.contains(&name.as_str()) {
            let list = CHART_NAMES.join(", ");
            match taxonomy::nearest(name, CHART_NAMES.iter().copied()) {
                Some(near) => bail!(crate::say!(
                    lang,
                    "unknown chart {name:?}: did you mean `{near}`? (charts: {list})",
                    "図 {name:?} はありません。`{near}` ではありませんか？（図: {list}）",
                    name = name,
                    near = near,
                    list = list
                )),
                None => bail!(crate::say!(lang, "unknown chart {name:?}: choose from {list}", "図 {name:?} はありません。次から選んでください: {list}", name = name, list = list)),
            }
        }
    }
    let fonts = Fonts::load()?;
    charts
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.name))
        .map(|c| Ok((format!("{}.png", c.name), draw(c, &fonts)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_steps() {
        assert_eq!(nice_step(18), 5);
        assert_eq!(nice_step(4), 1);
        assert_eq!(nice_step(120), 50);
    }

    #[test]
    fn colours_are_stable_per_category() {
        assert_eq!(colour(0), colour(PALETTE.len()));
        assert_ne!(colour(0), colour(1));
    }
}
