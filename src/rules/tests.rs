use super::*;
use crate::taxonomy;

fn mask(codes: &[&str]) -> u32 {
    codes.iter().map(|c| 1u32 << taxonomy::service(c).unwrap().0).fold(0, |a, b| a | b)
}

fn fy_set(fy: i32) -> &'static Set {
    set_at(&fy_start(fy)).unwrap()
}

fn judge(fy: i32, codes: &[&str], d: u64, u: u64) -> Major {
    fy_set(fy).judge(mask(codes), d, u, None, false)
}

#[test]
fn duration_bin_boundaries() {
    let code = |m| DURATION_BINS[bin_of(&DURATION_BINS, m)].code;
    for (m, c) in [(0, "lt30m"), (29, "lt30m"), (30, "30m-1h"), (59, "30m-1h"), (60, "1h-1h30m"), (89, "1h-1h30m"), (90, "1h30m-2h"), (119, "1h30m-2h"), (120, "2h-5h"), (299, "2h-5h"), (300, "5h-12h"), (719, "5h-12h"), (720, "12h-24h"), (1439, "12h-24h"), (1440, "ge24h")] {
        assert_eq!(code(m), c, "{m} minutes");
    }
}

#[test]
fn user_bin_boundaries() {
    let code = |u| USER_BINS[bin_of(&USER_BINS, u)].code;
    for (u, c) in [(0, "lt500"), (499, "lt500"), (500, "500-5k"), (4_999, "500-5k"), (5_000, "5k-30k"), (29_999, "5k-30k"), (30_000, "30k-100k"), (99_999, "30k-100k"), (100_000, "100k-1m"), (999_999, "100k-1m"), (1_000_000, "ge1m")] {
        assert_eq!(code(u), c, "{u} users");
    }
}

#[test]
fn quarterly_duty_boundaries() {
    let leak = taxonomy::kind("info_leak").unwrap();
    assert!(!within_duty(119, 29_999, 0));
    assert!(within_duty(120, 0, 0));
    assert!(within_duty(0, 30_000, 0));
    assert!(within_duty(0, 0, leak), "an information leak is always within the duty");
    assert!(cell_outside_duty(3, 2));
    assert!(!cell_outside_duty(4, 0));
    assert!(!cell_outside_duty(0, 3));
}

#[test]
fn fiscal_year_turns_on_april_first() {
    assert_eq!(fiscal_year(2021, 3), 2020);
    assert_eq!(fiscal_year(2021, 4), 2021);
    assert_eq!(fiscal_year(2020, 1), 2019);
}

#[test]
fn fy2019_class_thresholds() {
    assert_eq!(judge(2020, &["ip_phone_0abj"], 60, 30_000), Major::Yes(Some(1)));
    assert_eq!(judge(2020, &["ip_phone_0abj"], 59, 30_000), Major::No);
    assert_eq!(judge(2020, &["mobile_voice"], 60, 29_999), Major::No);
    assert_eq!(judge(2020, &["ip_phone_050"], 120, 30_000), Major::Yes(Some(2)));
    assert_eq!(judge(2020, &["ip_phone_050"], 119, 99_999), Major::No);
    assert_eq!(judge(2020, &["ip_phone_050"], 60, 100_000), Major::Yes(Some(2)));
    assert_eq!(judge(2020, &["fmc"], 59, 100_000), Major::No);
    assert_eq!(judge(2020, &["lpwa_cellular"], 720, 30_000), Major::Yes(Some(3)));
    assert_eq!(judge(2020, &["lpwa_cellular"], 719, 999_999), Major::No);
    assert_eq!(judge(2020, &["lpwa_unlicensed"], 120, 1_000_000), Major::Yes(Some(3)));
    assert_eq!(judge(2020, &["lpwa_unlicensed"], 119, 1_000_000), Major::No);
    assert_eq!(judge(2020, &["internet_free"], 1440, 100_000), Major::Yes(Some(4)));
    assert_eq!(judge(2020, &["internet_free"], 1439, 999_999), Major::No);
    assert_eq!(judge(2020, &["internet_free"], 1440, 99_999), Major::No);
    assert_eq!(judge(2020, &["internet_free"], 720, 1_000_000), Major::Yes(Some(4)));
    assert_eq!(judge(2020, &["internet_free"], 719, 1_000_000), Major::No);
    assert_eq!(judge(2020, &["ftth"], 120, 30_000), Major::Yes(Some(5)));
    assert_eq!(judge(2020, &["ftth"], 119, 999_999), Major::No);
    assert_eq!(judge(2020, &["ftth"], 60, 1_000_000), Major::Yes(Some(5)));
    assert_eq!(judge(2020, &["ftth"], 59, 1_000_000), Major::No);
    // The lowest class met wins.
    assert_eq!(judge(2020, &["ftth", "analog_phone"], 120, 30_000), Major::Yes(Some(1)));
    assert_eq!(judge(2020, &["internet_free", "ftth"], 120, 30_000), Major::Yes(Some(5)));
}

#[test]
fn threshold_cells() {
    let r = fy_set(2020);
    assert!(r.cell_meets_a_threshold(2, 3), "1h-1h30m × 30k-100k meets class 1");
    assert!(!r.cell_meets_a_threshold(1, 5), "under 1 h nothing is major");
    assert!(!r.cell_meets_a_threshold(7, 2), "under 30,000 users nothing is major");
    let old = fy_set(2014);
    assert!(!old.cell_meets_a_threshold(2, 5) && old.cell_meets_a_threshold(4, 3));
}

#[test]
fn critical_facility_rule() {
    let rules = fy_set(2020);
    let free = mask(&["internet_free"]);
    assert_eq!(rules.judge(free, 120, 10, None, true), Major::Yes(None));
    assert_eq!(rules.judge(free, 119, 10, None, true), Major::No);
    assert_eq!(rules.judge(free, 120, 10, None, false), Major::No);
}

#[test]
fn earlier_rule_sets() {
    assert_eq!(judge(2014, &["ip_phone_0abj"], 60, 100_000), Major::No);
    assert_eq!(judge(2014, &["internet_free"], 120, 30_000), Major::Yes(None));
    assert_eq!(judge(2008, &["ftth"], 119, 30_000), Major::No);
    assert!(set_at(&fy_start(2007)).is_none());
    assert_eq!(judge(2015, &["ip_phone_0abj"], 60, 30_000), Major::Yes(Some(1)));
    assert_eq!(judge(2018, &["internet_free"], 1440, 100_000), Major::Yes(Some(3)));
    assert_eq!(judge(2018, &["lpwa_cellular"], 120, 30_000), Major::Yes(Some(4)));
    assert_eq!(judge(2019, &["lpwa_cellular"], 120, 30_000), Major::No);
    assert_eq!(judge(2018, &["ftth"], 120, 30_000), Major::Yes(Some(4)));
}

#[test]
fn the_set_in_force_is_chosen_by_the_start_day() {
    let at = |s: &str| set_at(&Minute::parse(s).unwrap()).map(|s| s.id());
    assert_eq!(at("2019-03-31 23:59"), Some("FY2015"));
    assert_eq!(at("2019-04-01 00:00"), Some("FY2019"));
    assert_eq!(at("2008-03-31 23:59"), None);
    assert_eq!(sets_in_year(2019).iter().map(|s| s.id()).collect::<Vec<_>>(), ["FY2019"]);
}

#[test]
fn notes_are_written_from_the_thresholds() {
    let notes = fy_set(2020).notes();
    assert_eq!(notes[0], "一 緊急通報を取り扱う音声伝送役務: 1時間以上かつ3万以上");
    assert_eq!(notes[4], "五 一から四までに掲げる電気通信役務以外の電気通信役務: 2時間以上かつ3万以上、又は1時間以上かつ100万以上");
    assert_eq!(fy_set(2010).notes(), ["全役務: 2時間以上かつ3万以上"]);
}

#[test]
fn deadlines() {
    // Routine: the last day of the second month after the quarter.
    let j = judge::judge(&judge::incident("2020-05-10 09:00", 130, 100, &["ftth"]));
    assert_eq!((j.fiscal_year, j.quarter, j.report_due), (2020, Some(1), Some((2020, 8, 31))));
    let j = judge::judge(&judge::incident("2021-02-01 09:00", 130, 100, &["ftth"]));
    assert_eq!((j.fiscal_year, j.quarter, j.report_due), (2020, Some(4), Some((2021, 5, 31))));
    let j = judge::judge(&judge::incident("2020-12-31 23:00", 130, 100, &["ftth"]));
    assert_eq!((j.quarter, j.report_due), (Some(3), Some((2021, 2, 28))));
    // Major: the written report within 30 days of the day it occurred.
    let j = judge::judge(&judge::incident("2020-04-30 14:07", 4892, 166_803, &["email_paid"]));
    assert_eq!(j.major.as_ref().and_then(|m| m.class), Some(5));
    assert_eq!((j.report_due, j.major_report_due), (None, Some((2020, 5, 30))));
}

#[test]
fn nearest_threshold() {
    // 1 h 30 min and 20,000 users of a class-1 service: major from 30,000.
    let i = judge::incident("2024-02-26 10:19", 90, 20_000, &["ip_phone_0abj"]);
    let j = judge::judge(&i).with_gaps(&i);
    assert!(j.major.is_none());
    let g = &j.gaps[0];
    assert_eq!((g.class, g.users_from, g.minutes_from), (1, Some(30_000), None));
}

#[test]
fn the_builtin_book_is_valid_and_errors_are_located() {
    let bad = BUILTIN.replacen("\"ip_phone_050\", \"international_phone\"", "\"ip_phone_05\", \"international_phone\"", 1);
    let e = check(&bad, "x.toml").unwrap_err().to_string();
    assert!(e.starts_with("x.toml:") && e.contains("unknown service code \"ip_phone_05\""), "{e}");
    let line = bad.lines().position(|l| l.contains("\"ip_phone_05\"")).unwrap() + 1;
    assert!(e.starts_with(&format!("x.toml:{line}:")), "{e}");

    let bad = BUILTIN.replacen("from = 5000,", "from = 400,", 1);
    let e = check(&bad, "x.toml").unwrap_err().to_string();
    assert!(e.contains("bins must increase") && e.contains("5k-30k"), "{e}");

    let bad = BUILTIN.replacen("effective_from = 2019-04-01", "effective_from = 2014-04-01", 1);
    let e = check(&bad, "x.toml").unwrap_err().to_string();
    assert!(e.contains("overlaps or precedes") && e.contains("FY2019"), "{e}");

    let bad = BUILTIN.replacen("thresholds = [{ min_duration = 60, min_users = 30000 }]", "thresholds = []", 1);
    let e = check(&bad, "x.toml").unwrap_err().to_string();
    assert!(e.contains("no threshold"), "{e}");

    let e = check("[meta]\nname = 1\n", "y.toml").unwrap_err().to_string();
    assert!(e.starts_with("y.toml:2:8"), "{e}");
}
