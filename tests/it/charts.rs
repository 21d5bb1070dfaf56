//! Charts: the data each one shows comes from the computed figures, every
//! chart is drawn for FY2020, and drawing is reproducible.


use crate::common::{jiko, root};
use jiko::aggregate::Aggregate;
use jiko::charts::{self, Body, Chart, Source};
use jiko::figures::Figures;
use jiko::text::Fonts;

fn fy2020() -> (Aggregate, Figures, Figures, Vec<Chart>) {
    let (agg, this, prev) = crate::common::fy2020();
    let trend = charts::read_trend(jiko::lang::Lang::En, &root().join("data/published/major_trend.csv")).unwrap();
    let models = jiko::trend::with_reports_chart(jiko::lang::Lang::En, charts::models(&agg, 2020, &this, Some(&prev), &trend), &agg, 2020);
    (agg, this, prev, models)
}

fn chart<'a>(models: &'a [Chart], name: &str) -> &'a Chart {
    models.iter().find(|c| c.name == name).unwrap()
}

/// Width, height and the number of distinct colours of a PNG.
fn inspect(png: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let colours: std::collections::HashSet<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    (info.width, info.height, colours.len())
}

#[test]
fn every_chart_is_drawn_readable_and_reproducible() {
    let (_, _, _, models) = fy2020();
    let names: Vec<&str> = models.iter().map(|c| c.name).collect();
    assert_eq!(names, charts::CHART_NAMES);
    let fonts = Fonts::load().unwrap();
    for c in &models {
        let png = charts::draw(c, &fonts).unwrap();
        let (w, h, colours) = inspect(&png);
        assert!(w >= 1200, "{}: {w} px wide", c.name);
        assert!(h >= 300, "{}: {h} px high", c.name);
        assert!(colours > 20, "{}: {colours} colours, looks blank", c.name);
        assert_eq!(png, charts::draw(c, &fonts).unwrap(), "{}: drawing twice gives other bytes", c.name);
    }
}

#[test]
fn trend_takes_records_then_published_years_and_shows_unknown_years_as_missing() {
    let (_, _, _, models) = fy2020();
    let Body::Trend(bars) = &chart(&models, "major_trend").body else { panic!("not a trend") };
    assert_eq!(bars.first().unwrap().fy, 2008);
    assert_eq!(bars.last().unwrap().fy, 2020);
    let bar = |fy: i32| bars.iter().find(|b| b.fy == fy).unwrap();
    assert_eq!((bar(2020).count, &bar(2020).source), (Some(4), &Source::Records));
    assert_eq!((bar(2019).count, &bar(2019).source), (Some(3), &Source::Records));
    assert_eq!((bar(2015).count, &bar(2015).source), (Some(8), &Source::Published));
    for fy in 2016..=2018 {
        assert_eq!((bar(fy).count, &bar(fy).source), (None, &Source::Unknown), "FY{fy} is unknown, not zero");
    }
    assert_eq!(bar(2008).label, "平成20年度");
    assert_eq!(bar(2019).label, "令和元年度");
    assert_eq!([bar(2008).note.as_deref(), bar(2015).note.as_deref(), bar(2019).note.as_deref()], [Some("注5"), Some("注6"), Some("注7")]);
}

/// FY2023 saw two changes (2023-06-16 and 2023-12-07, the rules file's
/// 注8 and 注9): its bar carries both marks, not the first alone.
#[test]
fn a_year_with_two_rule_changes_carries_both_marks() {
    let (agg, this, _, _) = fy2020();
    let models = charts::models(&agg, 2024, &this, None, &[]);
    let Body::Trend(bars) = &chart(&models, "major_trend").body else { panic!("not a trend") };
    let bar = |fy: i32| bars.iter().find(|b| b.fy == fy).unwrap();
    assert_eq!(bar(2023).note.as_deref(), Some("注8・注9"));
    assert_eq!(bar(2022).note, None);
}

#[test]
fn share_charts_show_the_computed_figures_for_both_years() {
    let (_, this, prev, models) = fy2020();
    let Body::Shares(panels) = &chart(&models, "service").body else { panic!() };
    let bars = &panels[0].bars;
    assert_eq!(bars.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(), ["令和元年度", "令和2年度"]);
    for (bar, figs) in bars.iter().zip([&prev, &this]) {
        for (seg, code) in bar.segments.iter().zip(["voice", "data", "other"]) {
            assert_eq!(seg.count as i64, figs.int("service", code, "count").unwrap());
            assert_eq!(seg.share, figs.get("service", code, "share").unwrap().to_string());
        }
    }
    let shares: Vec<&str> = bars[1].segments.iter().map(|s| s.share.as_str()).collect();
    assert_eq!(shares, ["25", "65", "10"]);
    // The same category keeps its colour in both years.
    assert_eq!(bars[0].segments[1].colour, bars[1].segments[1].colour);

    let Body::Shares(panels) = &chart(&models, "equipment").body else { panic!() };
    assert_eq!(panels.len(), 3, "groups, inside 伝送交換設備, inside 伝送路設備");
    assert_eq!(panels[1].bars[1].segments[0].share, "50");
    assert_eq!(panels[2].bars[1].segments[0].share, "59");

    let Body::Shares(panels) = &chart(&models, "major_service").body else { panic!() };
    let email = panels[0].bars[1].segments.iter().find(|s| s.label.contains("電子メール")).unwrap();
    assert_eq!((email.count, email.share.as_str()), (2, "50"), "2 of the 4 FY2020 majors are mail");
}

#[test]
fn matrix_chart_greys_cells_outside_the_duty_and_marks_majors() {
    let (_, _, _, models) = fy2020();
    let Body::Matrix { rows, cells, .. } = &chart(&models, "matrix").body else { panic!() };
    assert_eq!(rows.len(), 8);
    assert_eq!(cells[0][0].count, None, "30分未満 × 500人未満 is outside the duty");
    assert_eq!(cells[4][0].count, Some(2984));
    assert_eq!(cells[4][4].majors.as_deref(), Some("<3>"));
    assert_eq!(cells[5][5].majors.as_deref(), Some("<2>"));
}

#[test]
fn a_label_without_a_glyph_is_an_error_naming_it() {
    let (_, _, _, models) = fy2020();
    let mut c = chart(&models, "cause").clone();
    c.title = "𠮷野家の内訳".to_string();
    let err = charts::draw(&c, &Fonts::load().unwrap()).unwrap_err().to_string();
    assert!(err.contains("cause.png") && err.contains("𠮷 (U+20BB7)"), "{err}");
}

#[test]
fn charts_can_be_skipped_or_redrawn_one_by_one() {
    let dir = std::env::temp_dir().join(format!("jiko-charts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().unwrap();
    assert!(jiko(&["aggregate", "--year", "2020", "--out", out, "--no-charts"]).status.success());
    assert!(!dir.join("charts").exists());
    let o = jiko(&["chart", "--year", "R2", "--out", out, "--only", "cause"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let drawn: Vec<_> = std::fs::read_dir(dir.join("charts")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(drawn, ["cause.png"]);
    let o = jiko(&["chart", "--year", "2020", "--out", out, "--only", "pie"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown chart \"pie\""));
    // Comma-separated names, and the nearest name for a typo.
    let o = jiko(&["chart", "--year", "2020", "--out", out, "--only", "matrix,service"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut drawn: Vec<_> = std::fs::read_dir(dir.join("charts")).unwrap().map(|e| e.unwrap().file_name()).collect();
    drawn.sort();
    assert_eq!(drawn, ["cause.png", "matrix.png", "service.png"], "earlier charts are kept");
    assert!(String::from_utf8_lossy(&o.stderr).contains("report.html and report.xlsx keep the charts they were made with"));
    let o = jiko(&["chart", "--year", "2020", "--out", out, "--only", "matrx"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `matrix`?"), "{}", String::from_utf8_lossy(&o.stderr));
}
