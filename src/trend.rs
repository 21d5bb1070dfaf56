//! Years side by side: one value per metric and fiscal year, from the
//! records when they hold the year, else from what MIC published, else
//! unknown (never zero, never interpolated).


use crate::aggregate::Aggregate;
use crate::figures::{self, Figures};
use crate::published::Published;

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Records,
    Published,
    Unknown,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Records => "records",
            Source::Published => "published",
            Source::Unknown => "unknown",
        }
    }
}

/// One metric of the series: its key in trend.csv, its Japanese label and
/// unit, and the figure (table, row, column) that holds it in a year's
/// figures and in a published file; `None` when it is computed otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub figure: Option<(&'static str, &'static str, &'static str)>,
}

const fn metric(key: &'static str, label: &'static str, unit: &'static str, figure: Option<(&'static str, &'static str, &'static str)>) -> Metric {
    Metric { key, label, unit, figure }
}

/// The metrics, in the order of trend.csv and the table.
pub(crate) const METRICS: &[Metric] = &[
    metric("majors", "重大な事故", "件", Some(("summary", "major", "reports"))),
    metric("detailed_reports", "詳細な様式の報告", "件", Some(("summary", "detailed", "reports"))),
    metric("simple_reports", "簡易な様式の報告", "件", Some(("summary", "simple", "reports"))),
    metric("carriers_detailed", "詳細な様式の報告事業者", "社", Some(("summary", "detailed", "carriers"))),
    metric("user_hours", "影響利用者数×継続時間", "人時", None),
    metric("cause_share_equipment", "設備要因の割合", "%", Some(("cause", "equipment", "share"))),
    metric("cause_share_human", "人為的要因の割合", "%", Some(("cause", "human", "share"))),
    metric("cause_share_external", "外的要因の割合", "%", Some(("cause", "external", "share"))),
    metric("cause_share_other", "その他の要因の割合", "%", Some(("cause", "other", "share"))),
    metric("service_share_voice", "音声サービスの割合", "%", Some(("service", "voice", "share"))),
    metric("service_share_data", "データ通信サービスの割合", "%", Some(("service", "data", "share"))),
    metric("service_share_other", "その他のサービスの割合", "%", Some(("service", "other", "share"))),
];

/// One value of the series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub fiscal_year: i32,
    pub metric: &'static str,
    /// As printed: whole numbers, shares at the edition's precision.
    pub value: Option<String>,
    pub source: Source,
}

/// A year where the records and a published value disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub fiscal_year: i32,
    pub metric: &'static str,
    pub records: String,
    pub published: String,
    pub file: &'static str,
}

#[derive(Debug, Default)]
pub struct Series {
    /// The rules the records were counted by.
    pub rules: crate::rules::Rules,
    pub points: Vec<Point>,
    /// Records and published both known: compared, as a multi-year check.
    pub compared: usize,
    pub differences: Vec<Difference>,
}

impl Series {
    pub fn get(&self, fy: i32, metric: &str) -> Option<&Point> {
        self.points.iter().find(|p| p.fiscal_year == fy && p.metric == metric)
    }

    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.points.iter().map(|p| p.fiscal_year).collect();
        y.dedup();
        y
    }
}

/// The published value of a metric for a year: its figure in the year's
/// file, or (majors) the published major-accident series.
fn published_value(published: &Published, fy: i32, m: &Metric) -> Option<(String, &'static str)> {
    let (t, r, c) = m.figure?;
    if let Some(f) = published.get(fy, t, r, c) {
        return Some((f.value.clone(), f.file));
    }
    (m.key == "majors").then(|| published.get(fy, "major_trend", &fy.to_string(), "count")).flatten().map(|f| (f.value.clone(), f.file))
}

/// The records' value of a metric for a year they hold.
fn records_value(agg: &Aggregate, figs: &Figures, fy: i32, m: &Metric) -> Option<String> {
    match m.figure {
        Some((t, r, c)) => figs.get(t, r, c).map(|v| v.to_string()),
        None => agg.tally(fy).map(|t| t.user_hours().to_string()),
    }
}

/// The series from `from` to `to`: records first, then published, else unknown.
pub fn series(agg: &Aggregate, published: &Published, from: i32, to: i32) -> Series {
    let mut s = Series { rules: agg.rules, ..Series::default() };
    for fy in from..=to {
        let figs = agg.tally(fy).map(|_| figures::compute(agg, fy));
        for m in METRICS {
            let from_records = figs.as_ref().and_then(|f| records_value(agg, f, fy, m));
            let from_published = published_value(published, fy, m);
            if let (Some(r), Some((p, file))) = (&from_records, &from_published) {
                s.compared += 1;
                if !figures::numbers_equal(r, p) {
                    s.differences.push(Difference { fiscal_year: fy, metric: m.key, records: r.clone(), published: p.clone(), file });
                }
            }
            let (value, source) = match (from_records, from_published) {
                (Some(v), _) => (Some(v), Source::Records),
                (None, Some((v, _))) => (Some(v), Source::Published),
                (None, None) => (None, Source::Unknown),
            };
            s.points.push(Point { fiscal_year: fy, metric: m.key, value, source });
        }
    }
    s
}

/// trend.csv: `fiscal_year,metric,value,source`, for programs (no BOM).
pub fn csv(s: &Series) -> Vec<u8> {
    let mut w = crate::output::CsvOut::for_programs();
    w.row(["fiscal_year", "metric", "value", "source"]);
    for p in &s.points {
        w.row([p.fiscal_year.to_string(), p.metric.to_string(), p.value.clone().unwrap_or_default(), p.source.code().to_string()]);
    }
    w.finish()
}

/// The charts of a series: majors, reports by form, user-hours, cause
/// shares; rule sets separated as the rules data has them.
pub fn charts(s: &Series) -> Vec<crate::charts::Chart> {
    use crate::charts::{trend_notes, Body, Chart, Source as ChartSource, YearBar, YearSeries};
    let years = s.years();
    let last = years.last().copied().unwrap_or(0);
    // One mark per fiscal year with a change; two changes in one year
    // (2023: 注8 and 注9) share it as 注8・注9.
    let mut marks: Vec<(i32, String)> = Vec::new();
    let mut add = |fy: i32, mark: &str| match marks.iter_mut().find(|(y, _)| *y == fy) {
        Some((_, m)) if !m.split('・').any(|p| p == mark) => {
            m.push('・');
            m.push_str(mark);
        }
        Some(_) => {}
        None => marks.push((fy, mark.to_string())),
    };
    for r in s.rules.book.sets.iter().filter(|r| r.raw.trend_note.is_empty()) {
        if let Some(f) = r.from {
            add(f.fiscal_year(), &r.raw.id);
        }
    }
    for (fy, mark, _) in trend_notes(s.rules) {
        add(fy, mark);
    }
    let chart = |name: &'static str, title: &str, parts: &[(&str, &str)], unit: &str, in_man: bool| {
        let bars = years
            .iter()
            .map(|&fy| {
                let points: Vec<Option<&Point>> = parts.iter().map(|(m, _)| s.get(fy, m).filter(|p| p.value.is_some())).collect();
                let known = points.iter().all(Option::is_some);
                let values: Option<Vec<f64>> =
                    known.then(|| points.iter().map(|p| p.and_then(|p| p.value.as_ref()?.parse().ok()).unwrap_or(0.0)).collect());
                let source = if !known {
                    ChartSource::Unknown
                } else if points.iter().all(|p| p.is_some_and(|p| p.source == Source::Records)) {
                    ChartSource::Records
                } else {
                    ChartSource::Published
                };
                YearBar {
                    fy,
                    label: crate::wareki::fiscal_year_label(fy),
                    parts: values,
                    source,
                    rule_mark: marks.iter().find(|(y, _)| *y == fy && fy != years[0]).map(|(_, m)| m.clone()),
                }
            })
            .collect();
        let notes = trend_notes(s.rules)
            .into_iter()
            .filter(|(fy, _, _)| *fy <= last && *fy > years[0])
            .map(|(_, _, t)| t.to_string())
            .chain(["不明: 公表資料から確認できない年度（0件ではない）".to_string()])
            .collect();
        Chart {
            name,
            title: title.to_string(),
            axis: String::new(),
            body: Body::Years(YearSeries {
                bars,
                parts: parts.iter().map(|(_, l)| l.to_string()).collect(),
                unit: unit.to_string(),
                in_man,
            }),
            notes,
        }
    };
    if years.is_empty() {
        return Vec::new();
    }
    let charts = vec![
        chart("trend_majors", "重大な事故発生件数の推移", &[("majors", "重大な事故")], "件", false),
        chart("trend_reports", "報告件数の推移（様式別）", &[("detailed_reports", "詳細な様式"), ("simple_reports", "簡易な様式")], "件", false),
        chart("trend_user_hours", "影響利用者数×継続時間（人時）の推移", &[("user_hours", "人時")], "人時", true),
        chart(
            "trend_causes",
            "発生要因別の割合の推移（詳細な様式）",
            &[
                ("cause_share_equipment", "設備要因"),
                ("cause_share_human", "人為的要因"),
                ("cause_share_external", "外的要因"),
                ("cause_share_other", "その他"),
            ],
            "%",
            false,
        ),
    ];
    crate::charts::trial_marked(charts, s.rules)
}

/// The series as a Japanese table: a row per year, a column per metric;
/// published values marked ＊, unknown ones 不明.
pub fn table(s: &Series) -> crate::render::Table {
    use crate::render::{Cell, Table};
    let mut header = vec!["年度".to_string()];
    header.extend(METRICS.iter().map(|m| format!("{}（{}）", m.label, m.unit)));
    let rows = s
        .years()
        .into_iter()
        .map(|fy| {
            let mut row = vec![Cell::Text(crate::wareki::fiscal_year_label(fy))];
            for m in METRICS {
                let p = s.get(fy, m.key);
                row.push(match p.and_then(|p| Some((p.value.as_ref()?, p.source))) {
                    Some((v, source)) => {
                        let n: f64 = v.parse().unwrap_or(0.0);
                        let mark = if source == Source::Published { "＊" } else { "" };
                        let text = if m.unit == "%" { format!("{v}{mark}") } else { format!("{}{mark}", crate::render::thousands(n as i64)) };
                        let format = if mark.is_empty() { "#,##0".to_string() } else { "#,##0\"＊\"".to_string() };
                        Cell::Num { value: n, text, format }
                    }
                    None => Cell::Text("不明".to_string()),
                });
            }
            row
        })
        .collect();
    Table {
        name: "trend".to_string(),
        title: "事故の推移".to_string(),
        header,
        rows,
        values: Vec::new(),
        notes: vec![
            "＊ 公表値（事故データがない年度）。無印は事故データから集計。不明は公表資料から確認できない値（0ではない）。".to_string(),
            "影響利用者数×継続時間: 報告対象の事故（両様式）の影響利用者数×継続時間（時間）の合計。公表されていない。".to_string(),
        ],
    }
}

/// The year's charts and, last, reports per year by form (the trend's
/// chart, from the records, else published): composed here, above both,
/// so that the year's charts do not depend on the trend.
pub fn with_reports_chart(lang: crate::lang::Lang, mut year_charts: Vec<crate::charts::Chart>, history: &crate::aggregate::Aggregate, year: i32) -> Vec<crate::charts::Chart> {
    if let Ok(published) = crate::published::Published::builtin(lang) {
        let s = series(history, &published, crate::charts::FIRST_TREND_YEAR, year);
        year_charts.extend(charts(&s).into_iter().filter(|c| c.name == "trend_reports"));
    }
    year_charts
}
