//! Issue 10: rules as data, per-incident answers, the year's incident list.


use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::{figures_csv, jiko, stderr, stdout, tmp};

type Row = BTreeMap<String, String>;

/// Rows of a CSV text (BOM allowed) as header → value maps.
fn rows_of(text: &str) -> Vec<Row> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|x| header.iter().cloned().zip(x.unwrap().iter().map(String::from)).collect()).collect()
}

fn rows(path: &Path) -> Vec<Row> {
    rows_of(&std::fs::read_to_string(path).unwrap())
}

/// The rows `classify --input FILE` prints.
fn classified(file: &str) -> Vec<Row> {
    let o = jiko(&["classify", "--input", file]);
    assert!(o.status.success(), "{}", stderr(&o));
    rows_of(&stdout(&o))
}

/// `classify --input`'s rows for records of the required columns.
fn classified_rows(name: &str, records: &[&str]) -> Vec<Row> {
    let input = crate::common::records_csv(&tmp(name), "in.csv", records);
    classified(input.to_str().unwrap())
}

/// The row of an incident.
fn by_id<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter().find(|x| x["incident_id"] == id).unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn real_incidents_get_mics_verdict() {
    let dir = tmp("examples");
    let out = dir.join("classified.csv");
    let o = jiko(&["classify", "--input", "data/examples/incidents.csv", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let examples = rows(&crate::common::root().join("data/examples/incidents.csv"));
    let classified = rows(&out);
    assert_eq!(examples.len(), classified.len());
    assert!(examples.len() >= 6);
    for (e, c) in examples.iter().zip(&classified) {
        assert_eq!(e["incident_id"], c["incident_id"]);
        let major = if e["mic_verdict"] == "major" { "yes" } else { "no" };
        assert_eq!(c["major"], major, "{}: MIC said {}", e["incident_id"], e["mic_verdict"]);
        assert_eq!(c["major_class"], e["mic_class"], "{}", e["incident_id"]);
        assert!(!e["source"].is_empty());
    }
    // KDDI 2022-07-02: the written report within 30 days of the day it occurred.
    let kddi = classified.iter().find(|c| c["incident_id"] == "EX-2022-KDDI").unwrap();
    assert_eq!((kddi["fiscal_year"].as_str(), kddi["quarter"].as_str(), kddi["major_report_due"].as_str()), ("2022", "2", "2022-08-01"));
}

#[test]
fn classify_input_writes_the_columns_named_in_the_issue() {
    let o = jiko(&["classify", "--input", "data/examples/incidents.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = stdout(&o).lines().next().unwrap().to_string();
    assert!(first.starts_with(
        "incident_id,fiscal_year,quarter,rules,within_duty,form,major,major_class,major_reason,duration_bin,users_bin,report_due,major_report_due"
    ), "{first}");
    let mail = stdout(&o).lines().find(|l| l.starts_with("EX-2020-PRTIMES-MAIL")).unwrap().to_string();
    // 2020-07-03 is in Q2 of FY2020; its quarterly report is due by 2020-11-30.
    assert!(mail.starts_with("EX-2020-PRTIMES-MAIL,2020,2,FY2019,yes,detailed,no,,,ge24h,500-5k,2020-11-30,,"), "{mail}");
}

#[test]
fn an_outage_in_phases_turns_on_the_users_count_not_public() {
    let ask = |users: &str| {
        let o = jiko(&[
            "classify", "--services", "ip_phone_0abj,ip_phone_050", "--window", "令和6年2月26日 10時19分/12時16分",
            "--window", "2024-02-26 13:16/14:44", "--users", users,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let below = ask("29999");
    assert!(below.contains("117分") && below.contains("①1時間57分 ②1時間28分"), "{below}");
    assert!(below.contains("四半期報告対象外"), "{below}");
    assert!(below.contains("重大な事故: 該当しない"), "{below}");
    assert!(below.contains("影響利用者数30,000以上で重大な事故") && below.contains("would be major from 30,000 users"), "{below}");
    assert!(below.contains("令和5年度 第4四半期") && below.contains("FY2019"), "{below}");
    let above = ask("30000");
    assert!(above.contains("重大な事故: 該当する。一 緊急通報を取り扱う音声伝送役務（1時間以上かつ3万以上）"), "{above}");
    assert!(above.contains("2024年3月27日"), "30 days from 2024-02-26: {above}");
}

#[test]
fn a_routine_report_is_due_two_months_after_its_quarter() {
    let o = jiko(&["classify", "--services", "FTTHアクセスサービス", "--start", "2021/2/1 9:00", "--duration", "2時間10分", "--users", "100"]);
    let s = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(s.contains("四半期報告の対象（詳細な様式）") && s.contains("第4四半期の報告として2021年5月31日"), "{s}");
    let bad = jiko(&["classify", "--services", "fth", "--start", "2021-02-01 09:00", "--duration", "130", "--users", "100"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--services \"fth\"") && stderr(&bad).contains("ftth"), "{}", stderr(&bad));
}

/// The counts of figures.csv, recomputed from incidents.csv alone.
#[test]
fn grouping_incidents_csv_reproduces_every_count_of_figures_csv() {
    let out = tmp("incidents");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    regroup(&out);
    // An office-style file: the same records, carriers spelled three ways
    // (株式会社, (株), ㈱) and with full-width digits. The figures stay; the
    // list's carrier_key groups them as counted, the raw spelling does not.
    let dir = tmp("incidents-office");
    let shipped = std::fs::read_to_string(crate::common::root().join("data/incidents/fy2020.csv")).unwrap();
    let wide = |s: &str| s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c }).collect::<String>();
    let mut office = String::new();
    for (i, line) in shipped.lines().enumerate() {
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 && f.len() > 1 {
            f[1] = match i % 4 {
                1 => f[1].replace("株式会社", "(株)"),
                2 => f[1].replace("株式会社", "㈱"),
                3 => wide(&f[1]),
                _ => f[1].clone(),
            };
        }
        office += &f.join(",");
        office.push('\n');
    }
    let input = dir.join("office.csv");
    std::fs::write(&input, office).unwrap();
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(figures_csv(&out)["summary,detailed,carriers"], figures_csv(&crate::common::root().join("output/fy2020"))["summary,detailed,carriers"]);
    let raw: BTreeSet<String> = rows(&out.join("incidents.csv")).iter().filter(|l| l["form"] == "detailed").map(|l| l["carrier"].clone()).collect();
    assert!(raw.len() > figures_csv(&out)["summary,detailed,carriers"].parse::<usize>().unwrap(), "the raw spellings are more than the carriers counted");
    regroup(&out);
    // The printed spelling: one per carrier as counted, one of its own
    // spellings, and the name the report prints (the majors' table).
    let lines = rows(&out.join("incidents.csv"));
    let mut printed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for l in &lines {
        printed.entry(l["carrier_key"].as_str()).or_default().insert(l["carrier_printed"].as_str());
        let own = lines.iter().any(|m| m["carrier_key"] == l["carrier_key"] && m["carrier"] == l["carrier_printed"]);
        assert!(own, "{} is printed as {}, none of its spellings", l["carrier"], l["carrier_printed"]);
    }
    assert!(printed.values().all(|p| p.len() == 1), "one printed spelling per carrier");
    let majors = std::fs::read_to_string(out.join("tables/major.csv")).unwrap();
    for l in lines.iter().filter(|l| l["major"] == "yes") {
        assert!(majors.contains(&l["carrier_printed"]), "{} is not how the report prints it", l["carrier_printed"]);
    }
}

/// The list written as the count goes (each carrier has one spelling) is
/// the list a second read writes.
#[test]
fn the_list_written_in_one_read_is_the_list_of_a_second_read() {
    let files = jiko::records::builtin::files();
    let opts = jiko::records::ReadOptions::default();
    let period = jiko::period::Period::whole(2020);
    let map = jiko::carriers::CarrierMap::default();
    let (agg, once) = jiko::aggregate::aggregate_listing(&files, period, &opts, &map).unwrap();
    let once = once.expect("the shipped carriers have one spelling each");
    let again = jiko::aggregate::write_list(&agg, &files, &opts, &map).unwrap();
    let (a, b) = (std::fs::read(&once.path).unwrap(), std::fs::read(&again.path).unwrap());
    assert!(a.len() > 1_000_000 && a == b, "{} and {} bytes", a.len(), b.len());
    assert_eq!(once.sha256, jiko::records::sha256_hex(&a));
}

/// Every count of an output folder's figures.csv, regrouped from its
/// incidents.csv by the columns docs/figures.md names for each family.
fn regroup(out: &Path) {
    let figs = figures_csv(out);
    let lines = rows(&out.join("incidents.csv"));
    let mut got: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |k: String| *got.entry(k).or_default() += 1;
    let mut majors = BTreeSet::new();
    let mut carriers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for l in &lines {
        let form = l["form"].as_str();
        add(format!("summary,{form},reports"));
        carriers.entry(form).or_default().insert(&l["carrier_key"]);
        if l["major"] == "yes" {
            majors.insert(l["accident_id"].clone());
        }
        if form != "detailed" {
            continue;
        }
        add(format!("matrix,{},{}", l["duration_bin"], l["users_bin"]));
        add(format!("matrix,{},total", l["duration_bin"]));
        add(format!("matrix,total,{}", l["users_bin"]));
        add("matrix,total,total".into());
        for code in l["services"].split(';') {
            let (_, s) = jiko::rules::Rules::builtin().vocab.service(code).unwrap();
            add(format!("service,{},count", s.group));
            add(format!("service_{},{},count", s.group, s.sub));
            add("service,total,count".into());
        }
        let (_, cause) = jiko::rules::Rules::builtin().vocab.cause(&l["cause"]).unwrap();
        add(format!("cause,{},count", cause.group));
        add("cause,total,count".into());
        match jiko::rules::Rules::builtin().vocab.equipment_code(&l["equipment"]) {
            Some((_, e)) => {
                add(format!("equipment,{},count", e.group));
                add(format!("equipment_{},{},count", e.group, e.code));
                add("equipment,known,count".into());
            }
            None => add("equipment,unknown,count".into()),
        }
    }
    got.insert("summary,major,reports".into(), majors.len() as i64);
    got.insert("major_trend,2020".into(), majors.len() as i64);
    let mut checked = 0;
    for (key, value) in &figs {
        let counted = key.ends_with(",count") || key.starts_with("summary,") && key.ends_with(",reports") || key.starts_with("matrix,");
        // Other years' majors are not in this year's list.
        if !counted || key.starts_with("headline") || key.starts_with("major_trend,") && !key.starts_with("major_trend,2020,") {
            continue;
        }
        let mine = got.get(key.replace(",count", "").as_str()).or_else(|| got.get(key.as_str())).copied().unwrap_or(0);
        assert_eq!(mine.to_string(), *value, "{key}");
        checked += 1;
    }
    assert!(checked > 80, "only {checked} counts checked");
    for form in ["detailed", "simple"] {
        assert_eq!(carriers[form].len().to_string(), figs[&format!("summary,{form},carriers")], "{form} carriers");
    }
}

#[test]
fn explain_lists_the_reports_behind_a_figure_and_check_names_them() {
    let o = jiko(&["explain", "--year", "2020", "matrix,2h-5h,100k-1m"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.starts_with("matrix,2h-5h,100k-1m = 5\n"), "{s}");
    let listed: Vec<&str> = s.lines().filter(|l| l.starts_with("FY2020-")).collect();
    assert_eq!(listed.len(), 5, "{s}");
    assert!(listed.iter().any(|l| l.starts_with("FY2020-015061\t西日本電信電話株式会社")), "the NTT West major is behind it: {s}");
    for l in &listed {
        let f: Vec<&str> = l.split('\t').collect();
        let (d, u): (u64, u64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        assert!((120..300).contains(&d) && (100_000..1_000_000).contains(&u), "{l}");
    }
    let typo = jiko(&["explain", "--year", "2020", "matrix,2h-5h,100k-1n"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).contains("matrix,2h-5h,100k-1m"), "{}", stderr(&typo));

    // --check follows a mismatch with the ids behind the computed value.
    let dir = tmp("check-ids");
    let published = std::fs::read_to_string(crate::common::root().join("data/published/fy2020.csv")).unwrap();
    let altered = published.replace("matrix,2h-5h,100k-1m,5", "matrix,2h-5h,100k-1m,6");
    assert_ne!(altered, published);
    let file = dir.join("published.csv");
    std::fs::write(&file, altered).unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", dir.join("out").to_str().unwrap(), "--check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("matrix,2h-5h,100k-1m: published 6, computed 5") || stdout(&o).contains("公表値 6、計算値 5"), "{}", stdout(&o));
    assert!(stdout(&o).contains("FY2020-015061, FY2020-033210"), "{}", stdout(&o));
}

#[test]
fn a_rules_file_with_an_error_names_file_line_and_column() {
    let dir = tmp("bad-rules");
    let text = jiko::rules::BUILTIN.replacen("\"lpwa_cellular\", \"lpwa_unlicensed\"]", "\"lpwa_cellular\", \"lpwa_unlicenced\"]", 1);
    let file = dir.join("rules.toml");
    std::fs::write(&file, &text).unwrap();
    let line = text.lines().position(|l| l.contains("lpwa_unlicenced")).unwrap() + 1;
    let o = jiko(&["--rules", file.to_str().unwrap(), "classify", "--services", "ftth", "--start", "2020-05-01 10:00", "--duration", "10", "--users", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(&format!("rules.toml:{line}:")) && e.contains("unknown service code \"lpwa_unlicenced\""), "{e}");
}

#[test]
fn the_2025_proposal_is_a_trial_marked_everywhere() {
    let dir = tmp("trial");
    // 1 h 10 min of FTTH for 150,000 users: not major under the FY2019
    // rules (1 h needs 1,000,000), major under the proposal (1 h and 100,000).
    let input = crate::common::records_csv(
        &dir,
        "in.csv",
        &[
            "T1,テスト通信株式会社,detailed,2020-06-01 10:00,70,150000,ftth,natural_failure",
            "T2,テスト通信株式会社,detailed,2020-06-02 10:00,150,10,ftth,natural_failure",
            "T3,テスト通信株式会社,detailed,2020-06-03 10:00,150,200000,internet_free,natural_failure",
        ],
    );
    let run = |rules: Option<&str>, out: &str| {
        let out = dir.join(out);
        let mut args = vec![];
        if let Some(r) = rules {
            args.extend(["--rules", r]);
        }
        let i = input.to_str().unwrap().to_string();
        let o_s = out.to_str().unwrap().to_string();
        args.extend(["aggregate", "--year", "2020", "--no-charts", "--input", &i, "--out", &o_s]);
        let o = jiko(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let now = run(None, "now");
    assert_eq!(figures_csv(&now)["summary,major,reports"], "0");
    let trial = run(Some("data/rules/proposed-2025.toml"), "trial");
    let figs = figures_csv(&trial);
    assert_eq!(figs["summary,major,reports"], "1");
    assert!(figs.keys().any(|k| k.starts_with("trial,proposed-2025,note")));
    let report = std::fs::read_to_string(trial.join("report.md")).unwrap();
    assert!(report.starts_with("# 電気通信サービスの事故発生状況（令和2年度 【試算】）"), "{report}");
    assert!(report.contains("試算: 2025年9月1日の情報通信審議会答申"), "the footer says so");
    assert!(std::fs::read_to_string(trial.join("tables/summary.csv")).unwrap().contains("【試算】"));
    assert!(std::fs::read_to_string(trial.join("figures.json")).unwrap().contains("【試算】"));
    let lines = rows(&trial.join("incidents.csv"));
    assert_eq!(lines[0]["rules"], "proposed-2025");
    assert_eq!((lines[0]["major"].as_str(), lines[0]["major_class"].as_str()), ("yes", "5"));
    // Large platforms: the stricter thresholds need the monthly active users.
    let classify = |mau: Option<&str>| {
        let mut args = vec!["--rules", "data/rules/proposed-2025.toml", "classify", "--services", "internet_free", "--start", "2025-10-01 10:00", "--duration", "130", "--users", "1200000"];
        if let Some(m) = mau {
            args.extend(["--monthly-active-users", m]);
        }
        stdout(&jiko(&args))
    };
    // Not given, the monthly users decide: the answer says so (unknown stays unknown).
    assert!(classify(None).contains("重大な事故: 前年度の一月当たりの利用者数の平均による（10,000,000以上で該当"), "{}", classify(None));
    // The shipped rules files by name, from any folder.
    let elsewhere = std::process::Command::new(env!("CARGO_BIN_EXE_jiko"))
        .args(["--rules", "proposed-2025", "classify", "--services", "ftth", "--start", "2020-06-01 10:00", "--duration", "70", "--users", "150000"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(stdout(&elsewhere).contains("重大な事故: 該当する。五"), "{}", stderr(&elsewhere));
    let big = classify(Some("9,500万"));
    assert!(big.contains("重大な事故: 該当する。四") && big.contains("試算"), "{big}");
}

#[test]
fn a_year_that_straddles_a_rule_change_says_which_sets_judged_how_many() {
    let dir = tmp("straddle");
    let rules = dir.join("mid.toml");
    let from = jiko::rules::BUILTIN.find("[[major]]\nid = \"FY2019\"").unwrap();
    let to = from + 1 + jiko::rules::BUILTIN[from + 1..].find("[[major]]\n").unwrap();
    let set = jiko::rules::BUILTIN[from..to]
        .replace("id = \"FY2019\"", "id = \"MID2020\"")
        // The new set has no Japanese name of its own: its id is printed.
        .replace("label = \"令和元年度から\"\n", "")
        .replace("effective_from = 2019-04-01", "effective_from = 2020-10-01")
        .replace("{ min_duration = 60, min_users = 30000 }]", "{ min_duration = 30, min_users = 30000 }]");
    std::fs::write(&rules, format!("extends = \"mic\"\n\n{set}")).unwrap();
    let input = crate::common::records_csv(
        &dir,
        "in.csv",
        &[
            "A,テスト通信株式会社,detailed,2020-09-30 23:59,45,40000,mobile_voice,natural_failure",
            "B,テスト通信株式会社,detailed,2020-10-01 00:00,45,40000,mobile_voice,natural_failure",
            "C,テスト通信株式会社,detailed,2020-12-01 00:00,130,10,ftth,natural_failure",
        ],
    );
    let out = dir.join("out");
    let o = jiko(&["--rules", rules.to_str().unwrap(), "aggregate", "--year", "2020", "--no-charts", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // 45 minutes and 40,000 users: major only from the day the new set starts.
    let lines = rows(&out.join("incidents.csv"));
    let verdict: Vec<(&str, &str)> = lines.iter().map(|l| (l["rules"].as_str(), l["major"].as_str())).collect();
    assert_eq!(verdict, [("FY2019", "no"), ("MID2020", "yes"), ("MID2020", "no")]);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("重大な事故の基準: FY2019（2019年4月1日から）1件、MID2020（2020年10月1日から）2件"), "{report}");
    assert!(report.contains("MID2020の基準（2020年10月1日から）"), "{report}");
    assert!(report.contains("令和元年度からの基準（2019年4月1日から）"), "{report}");
}

#[test]
fn yearly_reporting_can_be_added_as_data_with_its_first_day() {
    let dir = tmp("yearly");
    let rules = dir.join("yearly.toml");
    std::fs::write(
        &rules,
        "extends = \"mic\"\n[duty]\nname = \"四半期報告\"\noutside_label = \"四半期報告対象外\"\nmin_duration = 120\nmin_users = 30000\nalways_kinds = [\"info_leak\"]\n\
         [[duty.due]]\neffective_from = 2008-04-01\nevery = \"quarter\"\nmonths_after = 2\n\
         [[duty.due]]\neffective_from = 2025-04-01\nevery = \"year\"\nmonths_after = 3\nname = \"年次報告\"\n",
    )
    .unwrap();
    let ask = |start: &str| {
        let o = jiko(&["--rules", rules.to_str().unwrap(), "classify", "--services", "ftth", "--start", start, "--duration", "130", "--users", "10"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(ask("2025-03-31 23:00").contains("第4四半期の報告として2025年5月31日"));
    let yearly = ask("2025-06-01 10:00");
    // The yearly rule's own months_after (3): FY2025 ends 2026-03-31, so 2026-06-30.
    assert!(yearly.contains("令和7年度の年次報告として2026年6月30日"), "{yearly}");
}

/// Issue 20: the issue's own example. 2025-06-10 is in FY2025; since
/// 令和7年総務省令第14号 (its 附則: reports due on or after 2025-06-01) the
/// routine report is yearly, due two months after the 報告年度 ends
/// (2026-03-31): 2026-05-31. The quarter is gone from the answer.
#[test]
fn a_report_from_april_2025_is_yearly_and_due_the_next_may() {
    let o = jiko(&["classify", "--services", "ftth", "--start", "2025-06-10 09:00", "--duration", "150", "--users", "5000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("令和7年度の年次報告として2026年5月31日"), "{s}");
    assert!(!s.contains("四半期"), "{s}");
    assert!(s.contains("令和7年総務省令第14号"), "the source is cited: {s}");
    // January–March 2025 is still quarterly (its report is due 2025-05-31).
    let q = stdout(&jiko(&["classify", "--services", "ftth", "--start", "2025-03-10 09:00", "--duration", "150", "--users", "5000"]));
    assert!(q.contains("第4四半期の報告として2025年5月31日"), "{q}");
}

/// Unknown stays unknown: 150 minutes is within the duty whatever the
/// users (7の3 イ); 1 hour of mobile voice is major from 30,000 (58条2項 一).
#[test]
fn a_missing_count_is_answered_as_depending_on_it() {
    let s = stdout(&jiko(&["classify", "--services", "mobile_voice", "--start", "2025-06-10 09:00", "--duration", "60"]));
    assert!(s.contains("影響利用者数: 不明"), "{s}");
    assert!(s.contains("重大な事故: 利用者数による（30,000以上で該当）"), "{s}");
    assert!(s.contains("報告義務: 利用者数による（30,000以上で年次報告の対象）"), "{s}");
    assert!(s.contains("期限（重大な事故なら）") && s.contains("2025年7月10日"), "{s}");
    let long = stdout(&jiko(&["classify", "--services", "ftth", "--start", "2025-06-10 09:00", "--duration", "150"]));
    assert!(long.contains("報告義務: 年次報告の対象"), "{long}");
    let short = stdout(&jiko(&["classify", "--services", "ftth", "--start", "2025-06-10 09:00", "--duration", "20"]));
    assert!(short.contains("重大な事故: 該当しない"), "20 minutes is not major whatever the users: {short}");
    let no_services = stdout(&jiko(&["classify", "--start", "2025-06-10 09:00", "--duration", "150", "--users", "40000"]));
    assert!(no_services.contains("役務: 不明") && no_services.contains("重大な事故: 役務による"), "{no_services}");
}

/// classify --input: an empty count is unknown there; aggregate refuses it
/// and says why. The wholesale receiver's report (施行規則57条2項, from
/// 2023-12-07) is the simplified form only when its provider's accident
/// was major too; the receiver of 2023-12-06 files the full form.
#[test]
fn records_with_unknown_counts_wholesale_receivers_and_near_misses() {
    let dir = tmp("law-input");
    let file = dir.join("r.csv");
    std::fs::write(
        &file,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,wholesale,accident_id,situation,function,carrier_users,prefectures,known_at\n\
         U1,\"Foo\nBar\",detailed,2025-05-01 10:00,130,,ftth,natural_failure,,,,,,,\n\
         P1,Prov,detailed,2023-12-07 10:00,130,40000,ftth,natural_failure,provider,ACC1,,,,,\n\
         R1,Recv,detailed,2023-12-07 10:00,130,35000,ftth,other_carrier,receiver,ACC1,,,,,\n\
         P0,Prov,detailed,2023-12-06 10:00,130,40000,ftth,natural_failure,provider,ACC0,,,,,\n\
         R0,Recv,detailed,2023-12-06 10:00,130,35000,ftth,other_carrier,receiver,ACC0,,,,,\n\
         R2,Recv,detailed,2024-01-10 10:00,130,35000,ftth,other_carrier,receiver,ACC2,,,,,\n\
         P2,Prov,detailed,2024-01-10 10:00,100,35000,ftth,natural_failure,provider,ACC2,,,,,\n\
         N1,Big,detailed,2024-05-01 10:00,0,0,mobile_voice,natural_failure,,,failover_failed,switching,5000000,47,2024-05-02\n\
         N2,Small,detailed,2024-05-01 10:00,0,0,mobile_voice,natural_failure,,,failover_failed,switching,29999,47,2024-05-02\n",
    )
    .unwrap();
    let r = classified(file.to_str().unwrap());
    let by = |id: &str| by_id(&r, id);
    let u1 = by("U1");
    assert_eq!(u1["carrier"], "Foo\nBar", "a quoted line break stays in its value");
    assert_eq!((u1["within_duty"].as_str(), u1["major"].as_str(), u1["affected_users"].as_str()), ("yes", "unknown", ""));
    assert_eq!((u1["quarter"].as_str(), u1["report_period"].as_str(), u1["report_due"].as_str()), ("", "FY2025", "2026-05-31"));
    assert_eq!(by("R1")["major_report_form"], "様式第五十の三の二");
    assert_eq!(by("R0")["major_report_form"], "様式第五十の三", "before 2023-12-07");
    assert_eq!(by("R2")["major_report_form"], "様式第五十の三", "the provider's accident was not major (100 minutes)");
    assert_eq!((by("N1")["near_miss"].as_str(), by("N1")["near_miss_due"].as_str()), ("yes", "2024-06-01"));
    assert_eq!(by("N2")["near_miss"], "no", "第58条の2第1号イ: 三万以上");
    assert_eq!(by("P1")["near_miss"], "", "not asked");
    let agg = jiko(&["aggregate", "--year", "2024", "--input", file.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(!agg.status.success() && !dir.join("o").exists(), "{}", stderr(&agg));
    assert!(stderr(&agg).contains("r.csv:2: column affected_users") && stderr(&agg).contains("no 'unknown' column"), "{}", stderr(&agg));
}

/// おそれ事態 from the command line: the article's conditions one by one,
/// and the due day 30 days after the day it became known (57条3項).
#[test]
fn classify_answers_a_near_miss_situation() {
    let ask = |extra: &[&str]| {
        let mut a = vec!["classify", "--situation", "failover_failed", "--function", "switching", "--known", "2024-05-02"];
        a.extend_from_slice(extra);
        let o = jiko(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let yes = ask(&["--carrier-users", "120000", "--prefectures", "3"]);
    assert!(yes.contains("おそれ事態: 該当する（様式第五十の四による報告）") && yes.contains("2024年6月1日"), "{yes}");
    assert!(yes.contains("第58条の2"), "{yes}");
    let small = ask(&["--carrier-users", "20000", "--prefectures", "3"]);
    assert!(small.contains("おそれ事態: 該当しない") && small.contains("三万以上の利用者に役務を提供する事業者の設備に限る"), "{small}");
    let one = ask(&["--carrier-users", "120000", "--prefectures", "1"]);
    assert!(one.contains("おそれ事態: 該当しない") && one.contains("二以上の都道府県"), "{one}");
    let open = ask(&["--prefectures", "3"]);
    assert!(open.contains("おそれ事態: 不明"), "{open}");
    let planned = ask(&["--carrier-users", "120000", "--prefectures", "3", "--exclusion", "planned"]);
    assert!(planned.contains("おそれ事態: 該当しない"), "{planned}");
    let early = stdout(&jiko(&["classify", "--situation", "fire_smoke", "--function", "transmission", "--carrier-users", "120000", "--prefectures", "3", "--known", "2023-06-15"]));
    assert!(early.contains("おそれ事態: 該当しない") && early.contains("2023年6月16日から"), "{early}");
}

/// 施行規則第58条の2第1号ホ(6) (設備容量を上回る処理…) and ホ(7) (誤つた設定情報
/// やソフトウェアの組込…), added by 令和8年総務省令第21号 in force 2026-04-01
/// (附則: no transitional rule): a situation that occurred and was known on
/// 2026-03-31 is not one, saying why; one known only on 2026-04-01 is 不明
/// (the text does not say which day decides); one that occurred on
/// 2026-04-01 is, due 30 days after the day it became known (57条3項:
/// 2026-04-01 + 30 = 2026-05-01). `--start` alone is when it occurred.
#[test]
fn near_miss_items_of_2026_04_01_from_the_command_line() {
    let ask = |situation: &str, start: &str, extra: &[&str]| {
        let mut a = vec!["classify", "--situation", situation, "--function", "control", "--carrier-users", "120000", "--prefectures", "3", "--start", start, "--known", "2026-04-01"];
        a.extend_from_slice(extra);
        let o = jiko(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    for (code, item) in [("capacity_exceeded", "第1号ホ(6)"), ("bad_config_not_recovered", "第1号ホ(7)")] {
        // Occurred 2026-03-31, known 2026-04-01: not decided by the text.
        let across = ask(code, "2026-03-31 23:59", &["--exclusion", "none"]);
        assert!(across.contains("おそれ事態: 不明") && across.contains("どちらで判定するかは条文から定まらない"), "{across}");
        // Occurred and known before the day: not one, saying why.
        let o = jiko(&["classify", "--situation", code, "--function", "control", "--carrier-users", "120000", "--prefectures", "3", "--start", "2026-03-31 23:59", "--known", "2026-03-31", "--exclusion", "none"]);
        let before = stdout(&o);
        assert!(before.contains("おそれ事態: 該当しない"), "{before}");
        assert!(before.contains(&format!("× {item}は2026年4月1日から（令和8年総務省令第21号")), "{before}");
        let on = ask(code, "2026-04-01 00:00", &["--exclusion", "none"]);
        assert!(on.contains("おそれ事態: 該当する（様式第五十の四による報告） (") && on.contains("2026年5月1日（2026-05-01）までに提出"), "{on}");
        assert!(on.contains("事故の有無: 停止・品質低下の事実が与えられていない"), "--start alone is no outage: {on}");
    }
    // The day it occurred, without a time, will do (as --known's).
    let on = ask("capacity_exceeded", "2026-04-01", &["--exclusion", "none"]);
    assert!(on.contains("おそれ事態: 該当する（様式第五十の四による報告）"), "{on}");
    // Only the day it became known (2026-04-02): when it occurred decides, and is not given.
    let o = jiko(&["classify", "--situation", "capacity_exceeded", "--function", "control", "--carrier-users", "120000", "--prefectures", "3", "--known", "2026-04-02", "--exclusion", "none"]);
    assert!(stdout(&o).contains("おそれ事態: 不明") && stdout(&o).contains("--start で発生日時を指定"), "{}", stdout(&o));
}

/// ホ(2)'s words on each side of 2026-04-01, as the text has them: the
/// words 「そのことを速やかに覚知できず、」 are gone from that day.
#[test]
fn failover_is_worded_as_the_text_of_its_day() {
    let said = |start: &str| stdout(&jiko(&["classify", "--situation", "failover_failed", "--start", start, "--known", "2026-04-01"]));
    let old = said("2026-03-31 23:59");
    assert!(old.contains("○ 第1号ホ(2): 電気通信設備の故障等の発生時に、そのことを速やかに覚知できず、当該設備の機能を代替することとなつていた予備の電気通信設備"), "{old}");
    let new = said("2026-04-01 00:00");
    assert!(new.contains("○ 第1号ホ(2): 電気通信設備の故障等の発生時に、当該設備の機能を代替することとなつていた予備の電気通信設備") && !new.contains("覚知"), "{new}");
    // Its earlier words, and the abridged label jiko wrote before, still read as ホ(2).
    let earlier = "電気通信設備の故障等の発生時に、そのことを速やかに覚知できず、当該設備の機能を代替することとなつていた予備の電気通信設備（当該予備の電気通信設備の機能を代替することとなつていた予備の電気通信設備を含む。）へ速やかに切り替えることができなかつた事態";
    for label in [earlier, "故障等を速やかに覚知できず、予備の電気通信設備へ速やかに切り替えることができなかつた事態"] {
        let o = jiko(&["classify", "--situation", label, "--start", "2026-04-01 00:00", "--known", "2026-04-01"]);
        assert!(o.status.success() && stdout(&o).contains("○ 第1号ホ(2):"), "{}", stderr(&o));
    }
}

/// 第1号ハ and ヘ(1)–(3): an exclusion not given shows as ？ and the answer
/// is 該当する only unless one applies; `--exclusion none` (every one said
/// not to apply) gives a plain 該当する; ヘ(3) never excludes ホ(3).
#[test]
fn an_exclusion_not_given_makes_the_answer_conditional() {
    let ask = |situation: &str, extra: &[&str]| {
        let mut a = vec!["classify", "--situation", situation, "--function", "switching", "--carrier-users", "120000", "--prefectures", "3", "--known", "2024-05-02"];
        a.extend_from_slice(extra);
        stdout(&jiko(&a))
    };
    let open = ask("fire_smoke", &[]);
    assert!(open.contains("おそれ事態: 該当する（様式第五十の四による報告）。ただし、第1号ヘ(1)、第1号ヘ(2)、第1号ヘ(3)、第1号ハのいずれかに該当する場合を除く (a near-miss situation (おそれ事態): reportable unless one of 第1号ヘ(1), 第1号ヘ(2), 第1号ヘ(3), 第1号ハ applies"), "{open}");
    assert_eq!(open.matches("  ？ ").count(), 4, "{open}");
    let none = ask("fire_smoke", &["--exclusion", "none"]);
    assert!(none.contains("おそれ事態: 該当する（様式第五十の四による報告） (a near-miss situation (おそれ事態): reportable)") && !none.contains("？"), "{none}");
    let ja = ask("fire_smoke", &["--exclusion", "なし"]);
    assert!(ja.contains("(a near-miss situation (おそれ事態): reportable)"), "{ja}");
    let fell = ask("fell_or_detached", &[]);
    assert!(fell.contains("ただし、第1号ヘ(1)、第1号ヘ(2)、第1号ハのいずれかに該当する場合を除く"), "{fell}");
    let by_label = ask("fire_smoke", &["--exclusion", "当該事態の発生があらかじめ計画されていた事態"]);
    assert!(by_label.contains("おそれ事態: 該当しない") && !by_label.contains("？"), "{by_label}");
    let both = jiko(&["classify", "--situation", "fire_smoke", "--known", "2024-05-02", "--exclusion", "none,planned"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
}

/// classify --input: a row whose `situation` is filled needs no duration or
/// user count (a situation without an outage); situation, function and
/// exclusions take the rules' Japanese labels as well as codes (after NFKC);
/// an unknown value is named with file, line, column and the nearest code.
#[test]
fn near_miss_rows_in_files() {
    let dir = tmp("near-miss-rows");
    let file = dir.join("n.csv");
    std::fs::write(
        &file,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,situation,function,carrier_users,prefectures,known_at,exclusions\n\
         S1,Big,detailed,2026-04-01 00:10,,,mobile_voice,natural_failure,電気通信設備の設備容量を上回る処理が生じ、当該処理に対して電気通信事業者が想定していた措置が講じられなかつた事態,電気通信設備の制御機能（仮想化した機能を制御するための機能を含む。）,5000000,47,2026-04-01,\n\
         S2,Big,detailed,2026-03-31 23:50,,,mobile_voice,natural_failure,ｃａｐａｃｉｔｙ_ｅｘｃｅｅｄｅｄ,control,5000000,47,2026-04-01,なし\n\
         S3,Big,detailed,2026-04-01 09:00,,,mobile_voice,natural_failure,bad_config_not_recovered,交換機能,5000000,47,2026-04-02,なし\n\
         S4,Big,detailed,2024-05-01 10:00,,,mobile_voice,natural_failure,通信機械室等における発火、発煙又は焼損が生じた事態,伝送機能,5000000,47,2024-05-02,自然災害に起因する事態(ホ(3)に該当する事態を除く。)\n",
    )
    .unwrap();
    let r = classified(file.to_str().unwrap());
    let by = |id: &str| by_id(&r, id);
    let s1 = by("S1");
    // No outage: not within the duty, not major; ホ(6) from its first day.
    assert_eq!((s1["within_duty"].as_str(), s1["major"].as_str(), s1["near_miss"].as_str(), s1["near_miss_due"].as_str()), ("no", "no", "yes", "2026-05-01"));
    assert!(s1["notes"].contains("reportable unless one of 第1号ヘ(1), 第1号ヘ(2), 第1号ヘ(3), 第1号ハ applies") && s1["notes"].contains("without an outage"), "{}", s1["notes"]);
    let s2 = by("S2");
    // Occurred the day before, known on the day: the text does not decide.
    assert_eq!((s2["near_miss"].as_str(), s2["near_miss_due"].as_str()), ("unknown", "2026-05-01"), "ホ(6) across the day");
    assert!(s2["notes"].contains("this situation occurred on 2026-03-31 but became known on 2026-04-01"), "{}", s2["notes"]);
    let s3 = by("S3");
    assert_eq!((s3["near_miss"].as_str(), s3["near_miss_due"].as_str()), ("yes", "2026-05-02"));
    assert!(!s3["notes"].contains("unless"), "なし: no exclusion applies: {}", s3["notes"]);
    assert_eq!(by("S4")["near_miss"], "no", "ヘ(3) 自然災害, by its label with ASCII brackets");

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,situation,function,exclusions,known_at\n\
         B1,Big,detailed,2026-04-01 00:10,,,mobile_voice,natural_failure,capacity_exceded,control,,\n\
         B2,Big,detailed,2026-04-01 00:10,,,mobile_voice,natural_failure,fire_smoke,contrl,nne,\n\
         B3,Big,detailed,2026-08-01 10:00,,,mobile_voice,natural_failure,fire_smoke,switching,none,2026-07-24\n",
    )
    .unwrap();
    let o = jiko(&["classify", "--input", bad.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.csv:2: column situation: \"capacity_exceded\": unknown code; did you mean `capacity_exceeded`?"), "{err}");
    assert!(err.contains("bad.csv:3: column function: \"contrl\": unknown code; did you mean `control`?"), "{err}");
    assert!(err.contains("bad.csv:3: column exclusions: \"nne\"") && err.contains("did you mean `none`"), "{err}");
    // Known a week before it occurred: the due day would count from a
    // day that cannot be.
    assert!(err.contains("bad.csv:4: column known_at: \"2026-07-24\": the day it became known (2026-07-24) is before the day it occurred (2026-08-01)"), "{err}");
    let o = jiko(&["classify", "--situation", "fire_smoke", "--function", "switching", "--carrier-users", "120000", "--prefectures", "2", "--start", "2026-08-01 10:00", "--known", "2026-07-24", "--exclusion", "none"]);
    assert!(!o.status.success() && stderr(&o).contains("is before the day it occurred"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no answer from an impossible date: {}", stdout(&o));
}

/// The RemoTEL notice gives no count: the draft's answer never says 0.
#[test]
fn a_draft_without_a_count_never_prints_zero() {
    let o = jiko(&["draft", "tests/fixtures/notices/remotel-2024-03-13.md", "--classify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("影響利用者数: 不明"), "{all}");
    assert!(!all.contains("影響利用者数: 0"), "{all}");
    assert!(!all.contains("四半期報告対象外"), "117 minutes with the count unknown is not outside the duty: {all}");
    // 7の3 ロ: within the duty from 30,000 users, whatever the services.
    assert!(all.contains("報告義務: 利用者数による（30,000以上で四半期報告の対象）"), "{all}");
}

/// Multi-phase RemoTEL at 29,999: the longest phase (117 min) is outside
/// the duty, the total (205 min) is within: the answer says so.
#[test]
fn phases_whose_total_would_change_the_duty_are_flagged() {
    let s = stdout(&jiko(&[
        "classify", "--services", "ip_phone_0abj", "--window", "2024-02-26 10:19/12:16", "--window", "2024-02-26 13:16/14:44", "--users", "29999",
    ]));
    assert!(s.contains("注意: 継続時間を段階の合計（3時間25分）とすると報告義務がある"), "{s}");
}

/// The trial's rule on monthly active users: without the count, a free
/// service's 2.5-hour outage at 2,000,000 users is not major, and the
/// answer says that 10,000,000 monthly users would make it major.
#[test]
fn the_trial_says_when_monthly_users_would_change_the_answer() {
    let s = stdout(&jiko(&["--rules", "proposed-2025", "classify", "--services", "internet_free", "--start", "2025-10-01 10:00", "--duration", "150", "--users", "2000000"]));
    assert!(s.contains("重大な事故: 前年度の一月当たりの利用者数の平均による（10,000,000以上で該当。--monthly-active-users）"), "{s}");
    assert!(!s.contains("重大な事故: 該当しない"), "{s}");
}

/// A free e-mail service from 2026-04-01: class 四 holds it only from
/// 一千万 monthly users (施行規則第58条第2項第1号 四), else class 五
/// (12時間以上かつ100万以上). Without the monthly users in the row, the
/// list keeps the affected users it was given and says which fact is open.
#[test]
fn a_row_without_monthly_users_keeps_its_affected_users() {
    let r = classified_rows(
        "mau-open",
        &[
            "B1,無料メール株式会社,detailed,2026-06-10 10:00,240,100000,email_free,congestion",
            "C1,無料メール株式会社,detailed,2026-06-10 10:00,720,1000000,email_free,congestion",
        ],
    );
    let b1 = by_id(&r, "B1");
    assert_eq!((b1["affected_users"].as_str(), b1["users_bin"].as_str(), b1["major"].as_str()), ("100000", "100k-1m", "unknown"));
    assert!(b1["notes"].contains("monthly_active_users not known") && b1["notes"].contains("major if they reach it"), "{}", b1["notes"]);
    assert!(!b1["notes"].contains("affected_users not known"), "{}", b1["notes"]);
    let c1 = by_id(&r, "C1");
    assert_eq!((c1["affected_users"].as_str(), c1["major"].as_str(), c1["major_class"].as_str()), ("1000000", "yes", "5"));
    assert!(c1["notes"].contains("the class given is the one below it"), "{}", c1["notes"]);
    // One incident says the same: the class is named as an assumption.
    let s = stdout(&jiko(&["--lang", "ja", "classify", "--services", "email_free", "--start", "2026-06-10 10:00", "--duration", "720", "--users", "1000000"]));
    assert!(s.contains("重大な事故: 該当する。五 "), "{s}");
    assert!(s.contains("注: 前年度の月平均利用者数が不明のため、10,000,000未満として区分を判定（10,000,000以上なら四の区分。--monthly-active-users）"), "{s}");
}

/// From 2026-04-01 the text leaves an MVNO service's class open (一, 六 or
/// 七: 報告規則第1条第2項第19号). A 90-minute outage of 150,000 users is
/// major in 一 (1時間以上かつ3万以上) and 六 (1時間以上かつ10万以上), not
/// in 七 (2時間以上かつ3万以上、又は1時間以上かつ100万以上): the list says
/// unknown, as `classify` does, with the written report's day should it be
/// major; with FTTH (六) beside it, it is major whatever MVNO's class.
#[test]
fn an_mvno_row_is_unknown_where_its_class_decides() {
    let r = classified_rows(
        "mvno-open",
        &[
            "M1,X,detailed,2026-05-01 10:00,90,150000,mvno,congestion",
            "M2,X,detailed,2026-05-01 10:00,90,150000,mvno;ftth,congestion",
            "M3,X,detailed,2026-05-01 10:00,30,150000,mvno,congestion",
        ],
    );
    let m1 = by_id(&r, "M1");
    assert_eq!((m1["major"].as_str(), m1["major_class"].as_str(), m1["major_report_due"].as_str()), ("unknown", "", "2026-05-31"));
    assert!(m1["notes"].contains("mvno: depends on its class (major in class 1 or 6, not in 7)"), "{}", m1["notes"]);
    assert_eq!((by_id(&r, "M2")["major"].as_str(), by_id(&r, "M2")["major_class"].as_str()), ("yes", "6"));
    assert_eq!(by_id(&r, "M3")["major"], "no", "30 minutes meets no class");
    let single = stdout(&jiko(&["classify", "--services", "mvno", "--start", "2026-05-01 10:00", "--duration", "90", "--users", "150000"]));
    assert!(single.contains("重大な事故: 役務の区分による（この事故は区分一なら重大な事故、六なら重大な事故、七なら重大な事故でない）"), "{single}");
}

/// Issue 20: beside the edition's major count (one per accident, as the
/// FY2019 edition printed 3), the accidents and every major report; the
/// footer says how many reports share an accident. The expected report
/// count is the list's own: majors of FY2019 in classify --input.
#[test]
fn majors_are_counted_by_accident_with_the_reports_beside_them() {
    let figs = figures_csv(&crate::common::root().join("output/fy2019"));
    let published = std::fs::read_to_string(crate::common::root().join("data/published/fy2019.csv")).unwrap();
    let printed = published.lines().find(|l| l.starts_with("summary,major,reports,")).unwrap().rsplit(',').next().unwrap().to_string();
    assert_eq!(figs["summary,major,accidents"], printed);
    let reports = classified("data/incidents/fy2019.csv").iter().filter(|x| x["fiscal_year"] == "2019" && x["major"] == "yes").count();
    assert_eq!(figs["summary,major,major_reports"], reports.to_string());
    assert!(reports > printed.parse().unwrap(), "the shipped FY2019 has a wholesale pair");
    let md = std::fs::read_to_string(crate::common::root().join("output/fy2019/report.md")).unwrap();
    assert!(md.contains(&format!("重大な事故{printed}件のうち1件は同じ事故についての複数の報告（計2報告")), "the footer says so");
}

/// Issue 20: a year from FY2025 names its routine report with the neutral
/// 年次報告 (MIC's own wording is not known) and says so; FY2020 keeps
/// 四半期報告 (CI diffs output/ against a fresh run).
#[test]
fn a_yearly_regime_year_is_labelled_neutrally_and_says_so() {
    let dir = tmp("fy2025");
    let text = std::fs::read_to_string(crate::common::root().join("data/incidents/fy2020.csv")).unwrap();
    // The FY2020 records moved five years on (no 29 February in FY2020's span).
    let moved: String = text.lines().map(|l| l.replacen(",2021-", ",2026-", 1).replacen(",2020-", ",2025-", 1) + "\n").collect();
    let file = dir.join("fy2025.csv");
    std::fs::write(&file, moved).unwrap();
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2025", "--input", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("注2 年次報告の対象は") && md.contains("年次報告対象外"), "{md}");
    assert!(md.contains("年次報告の名称は総務省の公表資料で未確認"), "the note says the name is jiko's");
    assert!(!md.contains("四半期報告対象外"));
    let fy2020 = std::fs::read_to_string(crate::common::root().join("output/fy2020/report.md")).unwrap();
    assert!(fy2020.contains("注2 四半期報告の対象は") && !fy2020.contains("年次報告"));
}

/// One vocabulary per run (README, Decisions): a second book that counts
/// in other bins is refused before any input is read, and nothing is
/// written.
#[test]
fn compare_refuses_a_book_with_other_bins_before_reading() {
    let dir = tmp("compare-bins");
    let builtin = std::fs::read_to_string(crate::common::root().join("data/rules/mic.toml")).unwrap();
    let from = r#"{ code = "5h-12h", from = 300,"#;
    assert!(builtin.contains(from));
    let b_path = dir.join("other-bins.toml");
    std::fs::write(&b_path, builtin.replace(from, r#"{ code = "5h-12h", from = 360,"#)).unwrap();
    let out = dir.join("o");
    for lang in ["en", "ja"] {
        let o = jiko(&["--lang", lang, "aggregate", "--year", "2020", "--no-charts", "--compare", b_path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let want = if lang == "en" { "its codes or bins differ from the run's rules" } else { "コード又は区分が実行中の規則と異なる" };
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        assert!(!stderr(&o).contains("reading"), "refused before reading: {}", stderr(&o));
        assert!(!out.exists());
    }
}

/// `--compare B` in one run says what two separate runs say: the figures
/// that differ between `aggregate` and `aggregate --rules B`, and the
/// reports whose `major`/`within_duty` differ between their lists.
#[test]
fn compare_says_what_two_separate_runs_say() {
    let dir = tmp("compare");
    // B: the FY2019 set's class 5 (the services of no other class) major
    // from 2 hours and 200,000 users, instead of 2 hours and 30,000 or 1
    // hour and 1,000,000: the edition's No.1 (166,803 users) and No.4
    // (106,027) are no longer major.
    let builtin = std::fs::read_to_string(crate::common::root().join("data/rules/mic.toml")).unwrap();
    let from = "thresholds = [{ min_duration = 120, min_users = 30000 }, { min_duration = 60, min_users = 1000000 }]";
    // The FY2019 set's (the 2026 set's class 七 has the same thresholds).
    let at = builtin[..builtin.find("id = \"2026\"").unwrap()].rfind(from).unwrap();
    let b = format!("{}thresholds = [{{ min_duration = 120, min_users = 200000 }}]{}", &builtin[..at], &builtin[at + from.len()..]);
    assert_ne!(b, builtin);
    let b_path = dir.join("b.toml");
    std::fs::write(&b_path, b).unwrap();
    let (one, a_out, b_out) = (dir.join("one"), dir.join("a"), dir.join("b"));
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--compare", b_path.to_str().unwrap(), "--out", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", a_out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jiko(&["--rules", b_path.to_str().unwrap(), "aggregate", "--year", "2020", "--no-charts", "--out", b_out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The run's own outputs are A's.
    assert_eq!(figures_csv(&one), figures_csv(&a_out));
    let (fa, fb) = (figures_csv(&a_out), figures_csv(&b_out));
    let mut want: BTreeMap<String, (String, String)> = BTreeMap::new();
    for k in fa.keys().chain(fb.keys()) {
        let (x, y) = (fa.get(k).cloned().unwrap_or("－".into()), fb.get(k).cloned().unwrap_or("－".into()));
        // The majors' numbered rows are compared by accident (below).
        if x != y && !k.starts_with("major,") && !k.starts_with("matrix_major,") {
            want.insert(k.clone(), (x, y));
        }
    }
    let compared = rows(&one.join("compare.csv"));
    let got: BTreeMap<String, (String, String)> = compared
        .iter()
        .filter(|r| r["kind"] == "figure")
        .map(|r| (format!("{},{},{}", r["table"], r["row"], r["column"]), (r["under_a"].clone(), r["under_b"].clone())))
        .collect();
    assert!(want.len() > 3 && want.contains_key("summary,major,reports"), "{want:?}");
    assert_eq!(got, want);
    // Reports: the lists of the two runs, line by line.
    let (la, lb) = (rows(&a_out.join("incidents.csv")), rows(&b_out.join("incidents.csv")));
    let verdict = |l: &BTreeMap<String, String>| (l["within_duty"].clone(), l["major"].clone(), l["major_class"].clone());
    let changed: BTreeSet<String> = la.iter().zip(&lb).filter(|(x, y)| verdict(x) != verdict(y)).map(|(x, _)| x["incident_id"].clone()).collect();
    let got: BTreeSet<String> = compared.iter().filter(|r| r["kind"] == "report").map(|r| r["incident_id"].clone()).collect();
    assert!(changed.len() >= 2, "{changed:?}");
    assert_eq!(got, changed);
    // Majors matched by accident_id: those of A's list that B's lacks are
    // removed, none renumbered (issue 32).
    let majors = |l: &[BTreeMap<String, String>]| l.iter().filter(|r| r["major"] == "yes").map(|r| r["accident_id"].clone()).collect::<BTreeSet<String>>();
    let (ma, mb) = (majors(&la), majors(&lb));
    let removed: BTreeSet<String> = ma.difference(&mb).cloned().collect();
    assert_eq!(removed.len(), 2, "the edition's No.1 and No.4: {removed:?}");
    let accidents: Vec<&BTreeMap<String, String>> = compared.iter().filter(|r| r["kind"] == "accident").collect();
    assert_eq!(accidents.iter().filter(|r| r["column"] == "removed").map(|r| r["incident_id"].clone()).collect::<BTreeSet<_>>(), removed);
    assert!(accidents.iter().all(|r| r["column"] == "removed"), "nothing added or changed: {accidents:?}");
    // FY2019's records judged again by B: marked as such.
    let trend = compared.iter().find(|r| r["kind"] == "figure" && r["table"] == "major_trend" && r["row"] == "2019");
    assert_eq!(trend.map(|r| r["note"].as_str()), Some("rejudged_by_b"), "{compared:?}");
    let report = std::fs::read_to_string(one.join("report.md")).unwrap();
    // The comparison's rows in Japanese, codes beside.
    assert!(report.contains("| 報告の概要（summary） | 重大な事故（major） | 報告件数（reports） | 4 | 2 |"), "{report}");
    assert!(report.contains("（前年度以前の記録を規則Bで判定し直した値）"), "{report}");
    assert!(!report.contains("| summary | major |"), "{report}");
    assert_eq!(fb["summary,major,reports"], "2");
    let report = std::fs::read_to_string(one.join("report.md")).unwrap();
    assert!(report.contains("## 5 規則の比較") && report.contains(&format!("{}件の報告で判定が変わる", changed.len())), "the report's section");
    let plain = std::fs::read_to_string(a_out.join("report.md")).unwrap();
    assert!(!plain.contains("規則の比較"), "no section without --compare");
}

/// Issue 30: a due day that is a 行政機関の休日 moves to the next open day
/// (行政機関の休日に関する法律第2条: Saturdays, Sundays, national holidays
/// and 12/29–1/3, 第1条第1項). Each case worked out with a calendar: the
/// written report of a major is due 30 days after the day it occurred
/// (施行規則第57条), the yearly routine report two months after the 報告年度
/// (報告規則第7条の3).
#[test]
fn deadlines_that_fall_on_closed_days_move_to_the_next_open_day() {
    let major = |start: &str| stdout(&jiko(&["classify", "--services", "mobile_voice", "--start", start, "--duration", "60", "--users", "30000"]));
    let cases = [
        // start, the period's end, the legal last day's words, why
        ("2026-07-31 10:00", "2026-08-30", "2026年8月30日（日）は行政機関の休日のため、期限は2026年8月31日（月）", "a Sunday"),
        ("2026-05-14 10:00", "2026-06-13", "2026年6月13日（土）は行政機関の休日のため、期限は2026年6月15日（月）", "a Saturday"),
        ("2025-04-06 10:00", "2025-05-06", "2025年5月6日（火）は行政機関の休日（振替休日）のため、期限は2025年5月7日（水）", "a 振替休日 (5/4 みどりの日 on a Sunday, 5/5 こどもの日)"),
        ("2026-11-29 10:00", "2026-12-29", "2026年12月29日（火）は行政機関の休日（年末年始（12月29日～1月3日））のため、期限は2027年1月4日（月）", "12/29–1/3"),
        ("2025-12-02 10:00", "2026-01-01", "2026年1月1日（木）は行政機関の休日（国民の祝日（元日））のため、期限は2026年1月5日（月）", "1/1, then 1/2–1/3 and a Sunday"),
    ];
    for (start, due, legal, why) in cases {
        let s = major(start);
        assert!(s.contains(&format!("（{due}）までに提出")), "{why}: {s}");
        assert!(s.contains(&format!("法定の期限: {legal}（行政機関の休日に関する法律第2条）")), "{why}: {s}");
    }
    // An open day: no line.
    let s = major("2026-07-29 10:00");
    assert!(s.contains("（2026-08-28）までに提出") && !s.contains("法定の期限"), "2026-08-28 is a Friday: {s}");
    // FY2025's yearly report: due 2026-05-31, a Sunday.
    let s = stdout(&jiko(&["classify", "--services", "ftth", "--start", "2025-06-10 09:00", "--duration", "150", "--users", "5000"]));
    assert!(s.contains("法定の期限: 2026年5月31日（日）は行政機関の休日のため、期限は2026年6月1日（月）"), "{s}");
    // The list's columns: the period's end as before, the legal day beside it.
    let dir = tmp("closed-days");
    let input = crate::common::records_csv(
        &dir,
        "in.csv",
        &[
            "M,テスト通信株式会社,detailed,2026-07-31 10:00,60,30000,mobile_voice,natural_failure",
            "R,テスト通信株式会社,detailed,2025-06-10 09:00,150,5000,ftth,natural_failure",
            "Q,テスト通信株式会社,detailed,2024-12-10 09:00,150,5000,ftth,natural_failure",
        ],
    );
    let r = classified(input.to_str().unwrap());
    let get = |i: usize, c: &str| r[i].get(c).unwrap_or_else(|| panic!("no column {c}")).clone();
    assert_eq!((get(0, "major_report_due"), get(0, "major_report_due_legal")), ("2026-08-30".into(), "2026-08-31".into()));
    assert_eq!((get(1, "report_due"), get(1, "report_due_legal")), ("2026-05-31".into(), "2026-06-01".into()));
    // Q3 of FY2024 is due 2025-02-28, a Friday: the same day.
    assert_eq!((get(2, "report_due"), get(2, "report_due_legal")), ("2025-02-28".into(), "2025-02-28".into()));
    // Checked through 2026-05-27: a report of 2026-07-31 says so, one of 2025 does not.
    assert_eq!((get(0, "rules_checked_through"), get(1, "rules_checked_through")), ("2026-05-27".into(), String::new()));
}

/// Issue 30: `--compare as-of:2026-04-01` counts a year again under the law
/// of that day, marked 試算. The shipped FY2020 majors include NTTドコモ's
/// spモード outage of 2020-05-30, coded `isp` (FY2019's class 五); under the
/// 2026 table Internet access is class 六 (報告規則第1条第2項第6号).
#[test]
fn as_of_compare_shows_a_year_under_todays_law() {
    let dir = tmp("as-of");
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--compare", "as-of:2026-04-01", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let compared = rows(&out.join("compare.csv"));
    let docomo = compared.iter().find(|r| r["kind"] == "report" && r["under_b"].contains("（六）")).unwrap_or_else(|| panic!("{compared:?}"));
    assert!(docomo["under_a"].contains("（五）"), "{docomo:?}");
    // B is a trial, said once (its note is not a figure that differs).
    let rules = compared.iter().find(|r| r["kind"] == "rules").unwrap();
    assert_eq!(rules["under_b"], "as-of:2026-04-01");
    assert!(rules["note"].starts_with("試算"), "{rules:?}");
    assert!(!compared.iter().any(|r| r["table"] == "trial"), "{compared:?}");
    assert!(stdout(&o).contains("B: Trial calculation"), "{}", stdout(&o));
    // A run by a trial book says so on the terminal too.
    let o = jiko(&["--lang", "ja", "--rules", "proposed-2025", "aggregate", "--year", "2020", "--no-charts", "--out", dir.join("trial").to_str().unwrap()]);
    assert!(stderr(&o).contains("注: 試算: 2025年9月1日の情報通信審議会答申"), "{}", stderr(&o));
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--compare", "as-of:2026-02-30", "--out", dir.join("bad").to_str().unwrap()]);
    assert!(!o.status.success() && stderr(&o).contains("as-of:YYYY-MM-DD"), "{}", stderr(&o));
}

/// A critical facility (海底ケーブル) wholly down is major from two hours
/// (施行規則第58条第2項第2号): one minute short, that is the nearest
/// threshold, not a class's count of 100,000 users.
#[test]
fn the_nearest_threshold_counts_the_critical_facility_rule() {
    let ask = |minutes: &str| stdout(&jiko(&["--lang", "ja", "classify", "--services", "isp", "--facility", "submarine_cable", "--start", "2026-06-01 10:00", "--duration", minutes, "--users", "10"]));
    let s = ask("119");
    assert!(s.contains("重大な事故: 該当しない") && s.contains("最も近い基準: 継続時間2時間以上で重大な事故（重要設備の全断）"), "{s}");
    assert!(ask("120").contains("重大な事故: 該当する"), "two hours meet it");
    // Without the facility, the class's threshold stays the nearest.
    let s = stdout(&jiko(&["--lang", "ja", "classify", "--services", "isp", "--start", "2026-06-01 10:00", "--duration", "119", "--users", "10"]));
    assert!(s.contains("最も近い基準: 影響利用者数100,000以上で重大な事故"), "{s}");
}

/// A おそれ事態 without an outage is outside the accident duty, but is
/// reported under 法第28条第2項: aggregate says so beside "outside the
/// duty", with the written report's last day (known 2026-10-02: thirty
/// days on is Sunday 2026-11-01, so 2026-11-02 under 行政機関の休日に関する
/// 法律第2条).
#[test]
fn a_near_miss_outside_the_duty_is_said_to_be_reported_apart() {
    let dir = tmp("near-miss-outside");
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,situation,function,carrier_users,prefectures,known_at,exclusions\n\
         A1,X,detailed,2026-05-01 10:00,130,100,ftth,congestion,,,,,,\n\
         N1,X,detailed,2026-10-02 10:00,,,mobile_voice,natural_failure,capacity_exceeded,control,5000000,47,2026-10-02,なし\n",
    )
    .unwrap();
    let out = dir.join("o");
    let o = jiko(&["--lang", "ja", "aggregate", "--year", "2026", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = "N1 おそれ事態には該当（法第28条第2項による報告、報告書は2026-11-02まで（2026-11-01は行政機関の休日））";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    let listed = rows(&out.join("outside_duty.csv"));
    assert!(listed[0]["rule"].ends_with(&format!("。{}", &said[3..])), "{}", listed[0]["rule"]);
}

/// An outage still going on: no end, no length. 50,000 users may make it
/// major with time (六: 2時間以上かつ3万以上); 100 users never can (every
/// class needs 3万 or more), and the routine duty then hangs on the two
/// hours (報告規則第7条の3). Never "0 minutes, not major".
#[test]
fn an_outage_still_going_on_is_answered_for_any_length() {
    let ask = |users: &str| {
        let o = jiko(&["--lang", "ja", "classify", "--services", "ftth", "--start", "2026-07-04 10:00", "--users", users]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let s = ask("50000");
    assert!(s.contains("継続時間: 不明") && s.contains("重大な事故: 該当しうる（継続時間が不明なため判断できない）"), "{s}");
    assert!(s.contains("期限（重大な事故なら）: 速やかに報告し、報告書を2026年8月3日（2026-08-03）までに提出"), "{s}");
    assert!(!s.contains("0分"), "{s}");
    let s = ask("100");
    assert!(s.contains("報告義務: 継続時間による") && s.contains("重大な事故: 該当しない"), "{s}");
    // The same rows in a file, with neither 継続時間 nor 復旧日時.
    let dir = tmp("going-on");
    let input = crate::common::records_csv(
        &dir,
        "in.csv",
        &["D1,X,detailed,2026-07-04 10:00,,50000,ftth,congestion", "D2,X,detailed,2026-07-04 10:00,,100,ftth,congestion"],
    );
    let r = classified(input.to_str().unwrap());
    let d1 = by_id(&r, "D1");
    assert_eq!(
        (d1["within_duty"].as_str(), d1["major"].as_str(), d1["duration_min"].as_str(), d1["duration_bin"].as_str(), d1["major_report_due"].as_str()),
        ("yes", "unknown", "", "", "2026-08-03"),
        "3万 users are within the duty at any length"
    );
    assert!(d1["notes"].contains("duration_min not known"), "{}", d1["notes"]);
    let d2 = by_id(&r, "D2");
    assert_eq!((d2["within_duty"].as_str(), d2["major"].as_str()), ("unknown", "no"));
    // Counting needs every length: aggregate refuses, saying where.
    let o = jiko(&["aggregate", "--year", "2026", "--input", input.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap(), "--no-charts"]);
    assert!(!o.status.success() && stderr(&o).contains("in.csv:2: column duration_min: \"\": required value is empty (and no 復旧日時)"), "{}", stderr(&o));
}

/// A misspelt exclusion is named once, with both words for "none"; a
/// duration under an hour is said once (59分, not 59分（59分）); a file with
/// a header and no rows says so rather than "all 0 rows valid".
#[test]
fn small_things_said_once_and_plainly() {
    let o = jiko(&[
        "classify", "--situation", "fire_smoke", "--function", "switching", "--carrier-users", "120000", "--prefectures", "2", "--start", "2026-08-01 10:00", "--known", "2026-08-01", "--exclusion", "natural_disater",
    ]);
    let err = stderr(&o);
    assert!(err.contains("--exclusion \"natural_disater\": unknown code; did you mean `natural_disaster`? (write \"なし\" or \"none\" when none applies)"), "{err}");
    assert_eq!(err.matches("natural_disater").count(), 1, "{err}");
    let s = stdout(&jiko(&["--lang", "ja", "classify", "--services", "ftth", "--start", "2026-07-04 10:00", "--duration", "59", "--users", "100"]));
    assert!(s.lines().any(|l| l == "継続時間: 59分"), "{s}");
    let dir = tmp("header-only");
    let file = crate::common::records_csv(&dir, "empty.csv", &[]);
    let o = jiko(&["validate", file.to_str().unwrap()]);
    assert!(o.status.success() && stderr(&o).contains("no rows to check: a header only"), "{}", stderr(&o));
}
