//! Years side by side: records first, then published, else unknown.


use crate::common::{jiko, root, stderr, tmp};

fn trend_rows(dir: &std::path::Path) -> Vec<(i32, String, String, String)> {
    let mut r = csv::Reader::from_path(dir.join("trend.csv")).unwrap();
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), ["fiscal_year", "metric", "value", "source"]);
    r.records().map(|x| x.unwrap()).map(|x| (x[0].parse().unwrap(), x[1].to_string(), x[2].to_string(), x[3].to_string())).collect()
}

fn value(rows: &[(i32, String, String, String)], fy: i32, metric: &str) -> (String, String) {
    let r = rows.iter().find(|r| r.0 == fy && r.1 == metric).unwrap_or_else(|| panic!("{fy} {metric}"));
    (r.2.clone(), r.3.clone())
}

/// Σ users × minutes / 60 over the counted reports, written here from the
/// shipped CSV with the contract's duty rule, independently of jiko.
fn user_hours_by_hand(fy: i32) -> u128 {
    let mut total: u128 = 0;
    let mut r = csv::Reader::from_path(root().join(format!("data/incidents/fy{fy}.csv"))).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (d, u, k) = (col("duration_min"), col("affected_users"), col("kind"));
    for rec in r.records() {
        let rec = rec.unwrap();
        let (d, u): (u128, u128) = (rec[d].parse().unwrap(), rec[u].parse().unwrap());
        if d >= 120 || u >= 30_000 || &rec[k] == "info_leak" {
            total += d * u;
        }
    }
    (total + 30) / 60
}

#[test]
fn the_trend_takes_records_then_published_and_never_invents() {
    let out = tmp("trend");
    let o = jiko(&["trend", "--from", "2008", "--to", "2020", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("check: 18 value(s) known from both the records and a published file; 0 differ"), "{}", stderr(&o));
    let rows = trend_rows(&out);
    assert_eq!(rows.len(), 13 * 12, "every year and metric");
    for (fy, n) in [(2008, "18"), (2013, "14"), (2015, "8")] {
        assert_eq!(value(&rows, fy, "majors"), (n.to_string(), "published".to_string()), "{fy}");
    }
    for fy in 2016..=2018 {
        assert_eq!(value(&rows, fy, "majors"), (String::new(), "unknown".to_string()), "{fy} is unknown, not zero");
    }
    assert_eq!(value(&rows, 2013, "detailed_reports"), ("7243".to_string(), "published".to_string()));
    assert_eq!(value(&rows, 2020, "majors"), ("4".to_string(), "records".to_string()));
    assert_eq!(value(&rows, 2019, "majors"), ("3".to_string(), "records".to_string()));
    assert_eq!(value(&rows, 2020, "detailed_reports"), ("6612".to_string(), "records".to_string()));
    assert_eq!(value(&rows, 2020, "cause_share_external"), ("62".to_string(), "records".to_string()));
    for fy in [2019, 2020] {
        assert_eq!(value(&rows, fy, "user_hours"), (user_hours_by_hand(fy).to_string(), "records".to_string()), "{fy}");
    }
    assert_eq!(value(&rows, 2015, "user_hours").1, "unknown", "user-hours are never published");
    for f in ["tables/trend.csv", "trend.md", "trend.xlsx", "trend.html", "charts/trend_majors.png", "charts/trend_reports.png", "charts/trend_user_hours.png", "charts/trend_causes.png"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let table = std::fs::read_to_string(out.join("tables/trend.csv")).unwrap();
    assert!(table.starts_with('\u{feff}') && table.contains("平成25年度,14＊,\"7,243＊\""), "{table}");
    assert!(table.contains("平成28年度,不明"), "{table}");
}

#[test]
fn records_that_disagree_with_published_are_listed() {
    // One FY2013 report: the published 7,243 detailed reports disagree.
    let dir = tmp("trend-check");
    let input = crate::common::records_csv(&dir, "fy2013.csv", &["x,A,detailed,2013-05-01 10:00,130,100,ftth,unknown"]);
    let out = dir.join("o");
    let o = jiko(&["trend", "--from", "2013", "--to", "2013", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-charts"]);
    assert_eq!(o.status.code(), Some(1), "a difference fails like --check");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("2013,detailed_reports: published 7243 (data/published/history/fy2013.csv), records 1"), "{text}");
    assert_eq!(value(&trend_rows(&out), 2013, "detailed_reports"), ("1".to_string(), "records".to_string()), "the records win");
}

fn figures_without(dir: &std::path::Path, tables: &[&str]) -> std::collections::BTreeMap<String, String> {
    crate::common::figures_csv(dir).into_iter().filter(|(k, _)| !tables.iter().any(|t| k.starts_with(&format!("{t},")))).collect()
}

#[test]
fn a_year_to_date_equals_the_whole_year_of_the_records_filtered_by_date() {
    let dir = tmp("through");
    let ytd = dir.join("ytd");
    let o = jiko(&["aggregate", "--year", "2020", "--through", "2020-09-30", "--out", ytd.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The same records cut by hand: FY2020 to 30 September 2020, FY2019 over
    // the same span (the comparisons are with the same period).
    let filtered = dir.join("filtered.csv");
    let mut w = csv::Writer::from_path(&filtered).unwrap();
    for (i, name) in ["fy2019.csv", "fy2020.csv"].iter().enumerate() {
        let mut r = csv::Reader::from_path(root().join("data/incidents").join(name)).unwrap();
        if i == 0 {
            w.write_record(r.headers().unwrap()).unwrap();
        }
        for rec in r.records() {
            let rec = rec.unwrap();
            let day = &rec[3][..10];
            if (day >= "2020-04-01" && day <= "2020-09-30") || (day >= "2019-04-01" && day <= "2019-09-30") {
                w.write_record(&rec).unwrap();
            }
        }
    }
    w.flush().unwrap();
    let whole = dir.join("whole");
    let o = jiko(&["aggregate", "--year", "2020", "--input", filtered.to_str().unwrap(), "--out", whole.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (figures_without(&ytd, &["rows", "major_trend"]), figures_without(&whole, &["rows", "major_trend"]));
    assert!(a.len() > 150);
    assert_eq!(a, b);
    let f = crate::common::figures_csv(&ytd);
    assert_eq!(f["major_trend,2019,count"], "3", "earlier years count whole");
    assert!(f["rows,total,after_through"].parse::<u64>().unwrap() > 0);
    let md = std::fs::read_to_string(ytd.join("report.md")).unwrap();
    assert!(md.starts_with("# 電気通信サービスの事故発生状況（令和2年度 速報（2020年9月30日まで））"), "{}", &md[..200]);
    assert!(md.contains("速報: 2020年9月30日までに発生した事故の集計"), "the footer says so");
    assert!(md.contains("前年度の同期間（2019年9月30日まで）"));
    let json = std::fs::read_to_string(ytd.join("figures.json")).unwrap();
    assert!(json.contains("速報"), "figures.json says so");
    // Past the year's end is the whole year; before its start an error.
    let full = dir.join("full");
    assert!(jiko(&["aggregate", "--year", "2020", "--through", "2021-06-30", "--no-charts", "--out", full.to_str().unwrap()]).status.success());
    assert_eq!(crate::common::figures_csv(&full).get("rows,total,after_through"), None);
    let o = jiko(&["aggregate", "--year", "2020", "--through", "2020-03-31", "--out", dir.join("x").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("before 令和2年度 began"), "{}", stderr(&o));
}

#[test]
fn a_year_to_date_without_the_previous_year_claims_no_change() {
    let dir = tmp("through-alone");
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--through", "2020-09-30", "--no-charts", "--input", root().join("data/incidents/fy2020.csv").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = crate::common::figures_csv(&out);
    assert!(!f.keys().any(|k| k.ends_with(",count_delta") || k.ends_with(",share_delta")), "no deltas without the previous year's records");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("前年度の同期間の事故データがないため、前年度との比較は省略"));
}

/// Issue 20: the series runs to the last year MIC published (FY2022: 10
/// majors and 7,500 routine reports, 令和6年版情報通信白書), and the
/// changes of 2023-06-16, 2023-12-07 and 2025-04-01 are marked as the
/// edition marks its 注6 and 注7.
#[test]
fn the_series_reaches_fy2022_and_marks_the_changes_after_it() {
    let dir = tmp("trend-2022");
    let o = jiko(&["trend", "--from", "2019", "--out", dir.to_str().unwrap(), "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = trend_rows(&dir);
    assert_eq!(value(&rows, 2022, "majors"), ("10".to_string(), "published".to_string()));
    assert_eq!(value(&rows, 2022, "detailed_reports"), ("7500".to_string(), "published".to_string()));
    assert_eq!(value(&rows, 2021, "majors").1, "unknown");
    let notes = jiko::charts::trend_notes(jiko::rules::Rules::builtin());
    let year_of = |mark: &str| notes.iter().find(|(_, m, _)| *m == mark).map(|(fy, _, _)| *fy);
    assert_eq!((year_of("注8"), year_of("注9"), year_of("注10")), (Some(2023), Some(2023), Some(2025)));
    assert!(notes.iter().any(|(_, _, t)| t.contains("年次報告")));
    // 令和8年総務省令第21号 (2026-04-01): the seven classes; and the leak
    // item's end (令和5年総務省令第46号) beside 注8 of 2023-06-16.
    assert_eq!(year_of("注11"), Some(2026));
    assert!(notes.iter().any(|(_, m, t)| *m == "注11" && t.contains("令和8年4月1日") && t.contains("令和8年総務省令第21号")));
    assert!(notes.iter().any(|(_, m, t)| *m == "注8" && t.contains("漏えい") && t.contains("令和5年総務省令第46号")));
}
