//! Issue 32: an analyst's and a researcher's week (series with gaps, fixed
//! rejects fed back, explain on what was published, Japanese throughout).
//! Every value is worked out by hand from the small files written here.

use std::path::{Path, PathBuf};

use crate::common::{jiko, stderr, stdout, tmp};

const HEADER: &str = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,summary";

fn write(dir: &Path, name: &str, rows: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Everything below a folder, relative, sorted (hidden files too).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            if p.is_dir() {
                walk(base, &p, out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// FY2019 (one counted, one 20-minute report of 100 users outside the
/// duty) and FY2022 (two counted: one detailed, one simple), none in
/// FY2020 or FY2021.
fn gappy(dir: &Path) -> PathBuf {
    write(
        dir,
        "in.csv",
        &[
            "a1,X社,detailed,2019-06-01 10:00,130,100,ftth,natural_failure,,",
            "a2,Y社,detailed,2019-07-01 10:00,20,100,ftth,natural_failure,,",
            "b1,X社,detailed,2022-06-01 10:00,150,100,ftth,natural_failure,,",
            "b2,Z社,simple,2023-01-05 10:00,150,100,ftth,natural_failure,base_station,",
        ],
    )
}

/// Item 1: a series with gaps is written for the years that have records;
/// the empty years are listed (years.csv) and skipped.
#[test]
fn years_with_gaps_are_listed_and_skipped() {
    let dir = tmp("week-gaps");
    let input = gappy(&dir);
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--years", "2019-2022", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("令和2年度 (2020), 令和3年度 (2021): skipped"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("years.csv")).unwrap(),
        "fiscal_year,label,status\n2019,令和元年度,written\n2020,令和2年度,no_records\n2021,令和3年度,no_records\n2022,令和4年度,written\n"
    );
    assert!(out.join("fy2019/figures.csv").exists() && out.join("fy2022/figures.csv").exists());
    assert!(!out.join("fy2020").exists() && !out.join("fy2021").exists());
    let long = std::fs::read(out.join("figures_by_year.csv")).unwrap();
    // For programs, as figures.csv: no BOM.
    assert!(long.starts_with(b"fiscal_year,table,row,column,value\n"), "{:?}", &long[..8]);
    let long = String::from_utf8(long).unwrap();
    assert!(long.lines().skip(1).all(|l| l.starts_with("2019,") || l.starts_with("2022,")));
    assert!(long.contains("\n2019,summary,detailed,reports,1\n") && long.contains("\n2022,summary,detailed,reports,1\n") && long.contains("\n2022,summary,simple,reports,1\n"), "{long}");
    // Each year's accounting is its own from the one read.
    let e = stderr(&o);
    assert!(e.contains("in.csv: 4 read = 1 counted + 2 other fiscal years + 1 outside the reporting duty + 0 rejected"), "{e}");
    assert!(e.contains("in.csv: 4 read = 2 counted + 2 other fiscal years + 0 outside the reporting duty + 0 rejected"), "{e}");
    // Each year's folder is what a run of that year alone writes.
    let single = dir.join("single");
    let o = jiko(&["aggregate", "--year", "2022", "--no-charts", "--input", s(&input), "--out", s(&single)]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["figures.csv", "incidents.csv", "outside_duty.csv", "tables.md"] {
        assert_eq!(std::fs::read(single.join(f)).unwrap(), std::fs::read(out.join("fy2022").join(f)).unwrap(), "{f}");
    }
    // No year at all: an error, nothing written.
    let none = dir.join("none");
    let o = jiko(&["aggregate", "--years", "2020-2021", "--no-charts", "--input", s(&input), "--out", s(&none)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no report of 2020-2021") && stderr(&o).contains("Nothing was written"), "{}", stderr(&o));
    assert!(!none.exists());
}

/// Item 1: a range that fails at any year writes nothing at all: the
/// years before it are staged, never put in place.
#[test]
fn a_range_that_fails_writes_nothing() {
    let dir = tmp("week-range-fails");
    let input = gappy(&dir);
    let out = dir.join("o");
    // FY2022's folder holds a file of the user's: that year is refused.
    std::fs::create_dir_all(out.join("fy2022")).unwrap();
    std::fs::write(out.join("fy2022/notes.txt"), "mine").unwrap();
    let o = jiko(&["aggregate", "--years", "2019-2022", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
    assert_eq!(tree(&out), vec!["fy2022".to_string(), "fy2022/notes.txt".to_string()], "FY2019 was not written, nor figures_by_year.csv, nor any lock or stage");
}

/// The count of several years in one read equals each year's own count.
#[test]
fn one_read_counts_every_year_as_its_own_run() {
    let dir = tmp("week-one-read");
    let input = gappy(&dir);
    let opts = jiko::records::ReadOptions::default();
    let map = jiko::carriers::CarrierMap::default();
    let all = jiko::aggregate::aggregate_years(&[input.clone()], &[2019, 2022], &opts, &map).unwrap();
    for (agg, year) in all.iter().zip([2019, 2022]) {
        let alone = jiko::aggregate::aggregate(&[input.clone()], year, &opts).unwrap();
        assert_eq!(agg.year, year);
        assert_eq!(format!("{:?}", agg.accounts), format!("{:?}", alone.accounts));
        assert_eq!(agg.outside_duty.iter().map(|o| o.incident_id.clone()).collect::<Vec<_>>(), alone.outside_duty.iter().map(|o| o.incident_id.clone()).collect::<Vec<_>>());
        assert_eq!(jiko::figures::compute(agg, year).list.len(), jiko::figures::compute(&alone, year).list.len());
    }
    assert_eq!(all[0].outside_duty.iter().map(|o| o.incident_id.as_str()).collect::<Vec<_>>(), ["a2"]);
    assert!(all[1].outside_duty.is_empty());
}

/// Item 7: outside_duty.csv says what decided it.
#[test]
fn outside_duty_lists_what_decided_it() {
    let dir = tmp("week-outside");
    let input = gappy(&dir);
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2019", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("outside_duty.csv")).unwrap();
    // data/rules/mic.toml's duty: 2 hours or 30,000 users.
    assert_eq!(
        text.trim_start_matches('\u{feff}'),
        "file,line,incident_id,carrier,started_at,duration_min,affected_users,services,rule\n\
         in.csv,3,a2,Y社,2019-07-01T10:00,20,100,ftth,継続時間2時間未満かつ影響利用者数3万人未満\n"
            .replace("in.csv", s(&input))
    );
}

/// Item 8: no lock is left beside the output, by a run that wrote or one
/// that was refused.
#[test]
fn no_lock_is_left_beside_the_output() {
    let dir = tmp("week-lock");
    let input = gappy(&dir);
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2019", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let refused = dir.join("r");
    std::fs::create_dir_all(&refused).unwrap();
    std::fs::write(refused.join("mine.txt"), "x").unwrap();
    let o = jiko(&["aggregate", "--year", "2019", "--no-charts", "--input", s(&input), "--out", s(&refused)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let left: Vec<String> = tree(&dir).into_iter().filter(|n| n.contains("jiko-lock")).collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = stdout(&o);
}

/// Item 2: README's "fix rejects.csv and feed it back": the fixed rows
/// count, their rejected originals are listed as superseded; two valid
/// rows with one id stay an error.
#[test]
fn fixed_rejects_fed_back_supersede_their_originals() {
    let dir = tmp("week-feedback");
    let input = write(
        &dir,
        "c.csv",
        &[
            "k1,X社,detailed,2020-06-01 10:00,130,100,ftth,natural_failure,,",
            "k2,X社,detailed,2020-06-02 10:00,13O,100,ftth,natural_failure,,",
            "k3,Y社,detailed,2020-06-03 10:00,140,100,fttx,natural_failure,,",
        ],
    );
    let first = dir.join("o1");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", s(&input), "--out", s(&first)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The analyst fixes both rows in rejects.csv and feeds it back.
    let fixed = std::fs::read_to_string(first.join("rejects.csv")).unwrap().replace("13O", "130").replace("fttx", "ftth");
    let fixed_path = dir.join("fixed.csv");
    std::fs::write(&fixed_path, fixed).unwrap();
    let out = dir.join("o2");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), s(&fixed_path), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let figs = crate::common::figures_csv(&out);
    assert_eq!(figs["summary,detailed,reports"], "3", "k1, and k2 and k3 as fixed");
    assert_eq!(figs["summary,detailed,carriers"], "2");
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:3: superseded: k2 is valid at {}:2", s(&input), s(&fixed_path))), "{e}");
    assert!(e.contains(&format!("{}:4: superseded: k3 is valid at {}:3", s(&input), s(&fixed_path))), "{e}");
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{rejects}");
    assert!(lines[0].starts_with("\"superseded: k2") && lines[0].contains(",3,k2,X社,") && lines[0].contains(",13O,"), "{rejects}");
    assert!(lines[1].starts_with("\"superseded: k3") && lines[1].contains(",4,k3,Y社,"), "{rejects}");
    // validate says the superseded rows apart: not valid, not a problem.
    let o = jiko(&["--lang", "en", "validate", s(&input), s(&fixed_path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid, 2 superseded") && stderr(&o).contains("all rows valid: ") && stderr(&o).contains(", 2 superseded by a valid row of their id"), "{}", stderr(&o));
    // Two valid rows with one id: still a duplicate, nothing written.
    let twice = write(&dir, "twice.csv", &["k1,X社,detailed,2020-06-05 10:00,150,100,ftth,natural_failure,,"]);
    let out3 = dir.join("o3");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", s(&input), s(&fixed_path), s(&twice), "--out", s(&out3)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("duplicate incident_id"), "{}", stderr(&o));
    assert!(!out3.exists());
}

/// 60 counted reports of FY2020 and one invalid row.
fn sixty(dir: &Path) -> PathBuf {
    let rows: Vec<String> = (0..60).map(|i| format!("r{i},X社,detailed,2020-06-01 10:00,{},100,ftth,natural_failure,,", 130 + i)).chain(["bad,X社,detailed,2020-06-01 10:00,13O,100,ftth,natural_failure,,".to_string()]).collect();
    write(dir, "many.csv", &rows.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Item 3: explain takes --skip-invalid and counts as aggregate did; a
/// terminal shows the first 50, numbered; --out takes them all.
#[test]
fn explain_skips_invalid_rows_and_writes_all_reports_to_a_file() {
    let dir = tmp("week-explain");
    let input = sixty(&dir);
    let key = "summary,detailed,reports";
    let o = jiko(&["explain", "--year", "2020", "--input", s(&input), key]);
    assert_eq!(o.status.code(), Some(1), "without --skip-invalid the invalid row stops it: {}", stderr(&o));
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(crate::common::figures_csv(&out)[key], "60");
    let o = jiko(&["explain", "--year", "2020", "--skip-invalid", "--input", s(&input), key]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("summary,detailed,reports = 60\n"), "{text}");
    // Not a terminal: every report.
    assert!(text.contains("\nr59\tX社\t") && !text.contains("shown"), "{text}");
    // --out: all of them; an existing file or an input is refused.
    let all = dir.join("all.csv");
    let o = jiko(&["explain", "--year", "2020", "--skip-invalid", "--input", s(&input), key, "--out", s(&all)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(&all).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows.len(), 61, "a header and 60 reports");
    assert_eq!(rows[0], "\u{feff}no,incident_id,carrier,started_at,duration_min,affected_users,services,major,file,line");
    assert_eq!(rows[1], format!("1,r0,X社,2020-06-01T10:00,130,100,ftth,,{},2", s(&input)));
    let o = jiko(&["explain", "--year", "2020", "--skip-invalid", "--input", s(&input), key, "--out", s(&all)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the file exists"), "{}", stderr(&o));
    let o = jiko(&["explain", "--year", "2020", "--skip-invalid", "--input", s(&input), key, "--out", s(&all), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = std::fs::read(&input).unwrap();
    let o = jiko(&["explain", "--year", "2020", "--skip-invalid", "--input", s(&input), key, "--out", s(&input), "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("that is an input file"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // A terminal (script(1) gives one): the first 50, and how to get all.
    let bin = env!("CARGO_BIN_EXE_jiko");
    let cmd = format!("{bin} explain --year 2020 --skip-invalid --input {} {key}", s(&input));
    if let Ok(o) = std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).output() {
        let text = stdout(&o);
        assert!(text.contains("\nr49\t") && !text.contains("\nr50\t"), "{text}");
        assert!(text.contains("the first 50 of 60 reports shown; --out FILE writes them all"), "{text}");
    }
}

/// Item 4: a major accident's carriers include a wholesale receiver's
/// report naming it (not major itself): the figure, explain's list and its
/// count agree.
#[test]
fn major_carriers_figure_and_explain_agree_on_the_receiver() {
    let dir = tmp("week-receiver");
    let p = dir.join("w.csv");
    // P1 (X社) is major (5 h, 50,000 users: ≥ 2 h and ≥ 30,000, class 5 of
    // the FY2019 set); R1 (Y社) receives it, 150 min and 100 users: in the
    // duty, not major; Q1 (Z社) a major of its own.
    std::fs::write(
        &p,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,wholesale,accident_id\n\
         P1,X社,detailed,2020-06-01 10:00,300,50000,ftth,natural_failure,,provider,\n\
         R1,Y社,detailed,2020-06-01 10:00,150,100,ftth,natural_failure,,receiver,P1\n\
         Q1,Z社,detailed,2020-07-01 10:00,300,50000,ftth,natural_failure,,,\n",
    )
    .unwrap();
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&p), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(crate::common::figures_csv(&out)["summary,major,carriers"], "3");
    let o = jiko(&["--lang", "en", "explain", "--year", "2020", "--input", s(&p), "summary,major,carriers"]);
    let text = stdout(&o);
    assert!(text.starts_with("summary,major,carriers = 3\nmade of: 3 carrier(s) (spellings counted as one) of the 3 reports below"), "{text}");
    assert!(text.contains("\nR1\tY社\t"), "{text}");
}

/// Item 4: a receiver below its own thresholds, its provider's accident
/// major: classify says which rule decided and why.
#[test]
fn classify_says_why_a_receiver_of_a_major_is_not_major() {
    let o = jiko(&["--lang", "en", "classify", "--services", "ftth", "--start", "2024-02-26 10:19", "--duration", "150", "--users", "100", "--wholesale", "receiver", "--provider-major"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("重大な事故: 該当しない"), "{text}");
    assert!(text.contains("卸先: 卸元の事故は重大な事故だが、卸先の重大な事故は卸先自身の継続時間と影響利用者数で判定する（令和元年度からの基準（FY2019、2019年4月1日から）、上記）"), "{text}");
    assert!(text.contains("a receiver's major accident is judged by its own duration and users (rule set FY2019, above)"), "{text}");
    // Without --provider-major there is nothing to explain.
    let o = jiko(&["--lang", "en", "classify", "--services", "ftth", "--start", "2024-02-26 10:19", "--duration", "150", "--users", "100", "--wholesale", "receiver"]);
    assert!(!stdout(&o).contains("卸先: "), "{}", stdout(&o));
}

/// Item 11: a PNG named .csv, a text file named .xlsx, a day that does
/// not exist, 2時間半: each one clear error saying what to do.
#[test]
fn wrong_kinds_of_file_and_value_get_one_clear_error() {
    let dir = tmp("week-kinds");
    let png = dir.join("pic.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let o = jiko(&["--lang", "en", "validate", s(&png)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), format!("error: {}: not a text file: it is a PNG image; give the incident list as CSV (or a workbook named .xlsx)", s(&png)));
    let text = dir.join("t.xlsx");
    std::fs::write(&text, format!("{HEADER}\n")).unwrap();
    let o = jiko(&["--lang", "en", "validate", s(&text)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), format!("error: {}: not an Excel workbook: it holds text (a CSV file named as a workbook?); rename it to .csv", s(&text)));
    // June has 30 days; 2025 is no leap year.
    let o = jiko(&["--lang", "en", "classify", "--services", "ftth", "--start", "2025/6/31 10:00", "--duration", "10", "--users", "1"]);
    assert_eq!(stderr(&o).trim(), "error: --start \"2025/6/31 10:00\": the day does not exist: 2025/6 has 30 days, not 31");
    let o = jiko(&["--lang", "ja", "classify", "--services", "ftth", "--start", "2025年2月29日 10時", "--duration", "10", "--users", "1"]);
    assert!(stderr(&o).contains("その日はありません: 2025年2月は28日まで（29日はない）"), "{}", stderr(&o));
    let o = jiko(&["--lang", "en", "classify", "--services", "ftth", "--start", "2025/6/1 10:00", "--duration", "2時間半", "--users", "1"]);
    assert_eq!(stderr(&o).trim(), "error: --duration \"2時間半\": 半 (half) is not read: write 2時間30分 or 150 (minutes)");
    // In a file, at its line and column.
    let f = write(&dir, "d.csv", &["x1,X社,detailed,2025/6/31 10:00,2時間半,100,ftth,natural_failure,,"]);
    let o = jiko(&["--lang", "en", "validate", s(&f)]);
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:2: column started_at: \"2025/6/31 10:00\": the day does not exist: 2025/6 has 30 days, not 31", s(&f))), "{e}");
    assert!(e.contains(&format!("{}:2: column duration_min: \"2時間半\": 半 (half) is not read: write 2時間30分 or 150 (minutes)", s(&f))), "{e}");
}

/// Item 11: classify --input shows its progress on a terminal (script(1)
/// gives one), and nothing of it in a pipe.
#[test]
fn classify_input_shows_progress_on_a_terminal() {
    let dir = tmp("week-progress");
    let input = gappy(&dir);
    let out = dir.join("c.csv");
    let o = jiko(&["--lang", "en", "classify", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success() && !stderr(&o).contains("reading"), "{}", stderr(&o));
    let bin = env!("CARGO_BIN_EXE_jiko");
    let out2 = dir.join("c2.csv");
    let cmd = format!("{bin} --lang en classify --input {} --out {}", s(&input), s(&out2));
    if let Ok(o) = std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).output() {
        let text = stdout(&o);
        assert!(text.contains("\rreading ") && text.contains("\rjudging "), "{text:?}");
    }
}

/// Item 12: help and messages say what is true: trend's output folder, a
/// --from after every known year, the provenance note once per run.
#[test]
fn help_and_messages_match_what_runs_do() {
    let o = jiko(&["trend", "--help"]);
    assert!(stdout(&o).contains("Output folder. Default: output/trend under the current folder"), "{}", stdout(&o));
    let dir = tmp("week-help");
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "trend", "--from", "2030", "--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("--from 2030 is after the latest year the records or MIC's published figures hold") && !e.contains("--to"), "{e}");
    // Two years of the shipped records: the provenance column noted once.
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "aggregate", "--years", "2019-2020", "--no-charts", "--no-incidents", "--out", "o"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("columns jiko ignores (kept out of the figures): provenance").count(), 1, "{}", stderr(&o));
}

/// Item 10: incidents.csv carries the groups the figures use, appended
/// after the columns it had (data/rules/mic.toml: ftth is data/fixed,
/// mobile_voice voice/mobile, natural_failure of the equipment group,
/// base_station of the other equipment group).
#[test]
fn incidents_list_carries_the_groups_the_figures_use() {
    let dir = tmp("week-groups");
    let input = write(
        &dir,
        "g.csv",
        &["g1,X社,detailed,2020-06-01 10:00,150,100,ftth;mobile_voice,natural_failure,base_station,", "g2,X社,detailed,2020-06-02 10:00,150,100,ftth,natural_failure,,"],
    );
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let n = head.len();
    // Issue 30's legal due days follow the groups.
    assert_eq!(&head[n - 9..n - 4], ["carrier_printed", "service_groups", "service_subgroups", "cause_group", "equipment_group"]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][at("services")], "mobile_voice;ftth");
    assert_eq!(&rows[0][at("service_groups")], "voice;data");
    assert_eq!(&rows[0][at("service_subgroups")], "mobile;fixed");
    assert_eq!(&rows[0][at("cause_group")], "equipment");
    assert_eq!(&rows[0][at("equipment_group")], "other");
    assert_eq!(&rows[1][at("service_groups")], "data");
    assert_eq!(&rows[1][at("equipment_group")], "");
}

/// Item 9: explain of a share shows its denominator and last year's
/// share; of a delta, both years; majors without 別紙 are noted.
#[test]
fn explain_of_a_share_or_delta_shows_its_arithmetic() {
    let dir = tmp("week-share");
    // FY2019: 3 of 4 reports under 500 users (75%); FY2020: 2 of 5 (40%),
    // and three of 40,000 users for 150 min: majors (≥ 2 h, ≥ 30,000).
    let input = write(
        &dir,
        "s.csv",
        &[
            "p1,X社,detailed,2019-06-01 10:00,150,100,ftth,natural_failure,,",
            "p2,X社,detailed,2019-06-02 10:00,150,100,ftth,natural_failure,,",
            "p3,X社,detailed,2019-06-03 10:00,150,100,ftth,natural_failure,,",
            "p4,X社,detailed,2019-06-04 10:00,150,1000,ftth,natural_failure,,",
            "t1,X社,detailed,2020-06-01 10:00,150,100,ftth,natural_failure,,",
            "t2,X社,detailed,2020-06-02 10:00,150,100,ftth,natural_failure,,",
            "t3,X社,detailed,2020-06-03 10:00,150,40000,ftth,natural_failure,,",
            "t4,X社,detailed,2020-06-04 10:00,150,40000,ftth,natural_failure,,",
            "t5,X社,detailed,2020-06-05 10:00,150,40000,ftth,natural_failure,,",
        ],
    );
    let o = jiko(&["--lang", "en", "explain", "--year", "2020", "--input", s(&input), "headline,users_lt500,share"]);
    let text = stdout(&o);
    assert!(text.contains("= 2 / 5; the denominator is headline,total,count = 5\n"), "{text}");
    assert!(text.contains("last year's share: 75% (3 / 4)") || text.contains("last year's share: 75 (3 / 4)"), "{text}");
    let o = jiko(&["--lang", "en", "explain", "--year", "2020", "--input", s(&input), "headline,users_lt500,share_delta"]);
    let text = stdout(&o);
    assert!(text.starts_with("headline,users_lt500,share_delta = -35\n"), "{text}");
    assert!(text.contains("(2 / 5) − last year's share") && text.contains("(3 / 4), each as printed"), "{text}");
    let o = jiko(&["--lang", "en", "explain", "--year", "2020", "--input", s(&input), "headline,total,count_delta"]);
    assert!(stdout(&o).contains("= this year's count 5 − last year's count 4"), "{}", stdout(&o));
    let out = dir.join("o");
    let o = jiko(&["--lang", "en", "aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("note: 3 major accident(s) have no 別紙 (the edition's sheet on each): --details was not given"), "{}", stderr(&o));
}

/// Item 6: the Japanese report names rule sets by their `label`
/// (data/rules/mic.toml: FY2019 is 令和元年度から), writes every delta's
/// sign one way, and an unknown Japanese service gets labels and a
/// did-you-mean; classify --input's notes follow --lang.
#[test]
fn japanese_all_the_way_through() {
    let dir = tmp("week-ja");
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--no-incidents", "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("※ 重大な事故の基準（令和元年度から）:"), "{md}");
    assert!(md.contains("重大な事故の基準: 令和元年度から（FY2019）。"), "{md}");
    assert!(!md.contains("の規則"), "{md}");
    // One way of writing a delta's sign: +/- as in `+311件`.
    assert!(md.contains("（前年度比+311件）") && md.contains("（前年度比-1ポイント）"), "{md}");
    assert!(!md.contains("前年度比＋") && !md.contains("前年度比－"), "{md}");
    // 無料のウェブメール is a spelling of email_free (issue 30); another
    // unknown free service gets labels and a did-you-mean.
    let o = jiko(&["--lang", "ja", "classify", "--services", "無料のウェブメール", "--start", "2025/6/1 10:00", "--duration", "20", "--users", "1"]);
    assert!(o.status.success() && stdout(&o).contains("役務: インターネット関連サービス（無料）（電子メール）"), "{}", stderr(&o));
    let o = jiko(&["--lang", "ja", "classify", "--services", "無料のウェブ掲示板", "--start", "2025/6/1 10:00", "--duration", "20", "--users", "1"]);
    let e = stderr(&o);
    assert!(e.contains("不明な値です。`インターネット関連サービス（無料）` (internet_free) 又は `インターネット関連サービス（無料）（電子メール）` (email_free) ではありませんか？"), "{e}");
    assert!(e.contains("FTTHアクセスサービス (ftth)"), "{e}");
    // A record whose user count is not known yet: the note in Japanese.
    let input = write(&dir, "u.csv", &["u1,X社,detailed,2025-06-01 10:00,150,,ftth,natural_failure,,"]);
    let o = jiko(&["--lang", "ja", "classify", "--input", s(&input)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("影響利用者数（affected_users）が不明"), "{}", stdout(&o));
    let o = jiko(&["--lang", "en", "classify", "--input", s(&input)]);
    assert!(stdout(&o).contains("affected_users not known"), "{}", stdout(&o));
}

/// Item 4: the input can say the provider's accident was major
/// (provider_major), for a receiver whose provider's report is not among
/// the inputs: its own major is then the simplified report (施行規則第57条
/// 第2項, from 2023-12-07); only a receiver may say so.
#[test]
fn a_receiver_can_say_its_providers_accident_was_major() {
    let dir = tmp("week-provider-major");
    let input_head = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,wholesale,accident_id,provider_major";
    let p = dir.join("r.csv");
    // R1: 5 h and 50,000 users, a major of its own (≥ 2 h, ≥ 30,000).
    std::fs::write(&p, format!("{input_head}\nR1,Y社,detailed,2024-06-01 10:00,300,50000,ftth,natural_failure,,receiver,P9,yes\nR2,Z社,detailed,2024-06-02 10:00,300,50000,ftth,natural_failure,,receiver,P8,\n")).unwrap();
    let o = jiko(&["classify", "--input", s(&p)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let at = head.iter().position(|h| h == "major_report_form").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(&rows[0][at], "様式第五十の三の二", "R1 says its provider's major");
    assert_ne!(&rows[1][at], "様式第五十の三の二", "R2 does not, and its provider's report is not here");
    assert!(!rows[1][at].is_empty());
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{input_head}\nX1,Y社,detailed,2024-06-01 10:00,300,50000,ftth,natural_failure,,provider,,yes\n")).unwrap();
    let o = jiko(&["--lang", "en", "validate", s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("column provider_major: \"yes\": only a wholesale receiver's report (wholesale = receiver) says so"), "{}", stderr(&o));
}

/// Item 6: the skipped years are listed in Japanese under --lang ja.
#[test]
fn skipped_years_are_listed_in_japanese() {
    let dir = tmp("week-gaps-ja");
    let input = gappy(&dir);
    let o = jiko(&["--lang", "ja", "aggregate", "--years", "R1-R4", "--no-charts", "--input", s(&input), "--out", s(&dir.join("o"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("注: 令和2年度（2020）、令和3年度（2021） の記録がないため飛ばしました"), "{}", stderr(&o));
}

/// English left in a Japanese run's text: a line that opens as English
/// messages do, or two English words in a row (codes, paths, flags and
/// `jiko COMMAND` aside, which stay beside the Japanese on purpose).
fn english(text: &str) -> Vec<String> {
    let word = |t: &str| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_lowercase());
    let code = |t: &str| t.starts_with('-') || t.contains(['/', '.', '_', ':', '=', '`', '"']);
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            if ["error:", "note:", "warning:", "tip:", "Usage:"].iter().any(|p| l.starts_with(p)) {
                return true;
            }
            let t: Vec<&str> = l.split([' ', '(', ')', ',', ';']).filter(|t| !t.is_empty()).collect();
            t.windows(2).any(|w| w[0] != "jiko" && !code(w[0]) && !code(w[1]) && word(w[0]) && word(w[1]))
        })
        .map(str::to_string)
        .collect()
}

/// Item 6, whole: under --lang ja every message, note and field name of
/// the runs an office makes is Japanese (codes, paths and flags beside
/// them), from answers and drafts to refused command lines and files.
#[test]
fn every_message_of_a_japanese_run_is_japanese() {
    use crate::common::root;
    let dir = tmp("week-ja-all");
    let notice = |n: &str| root().join("tests/fixtures/notices").join(n).to_str().unwrap().to_string();
    let input = write(
        &dir,
        "in.csv",
        &[
            "j1,X社,detailed,2020-05-01 10:00,300,50000,ftth,natural_failure,,",
            "j2,Y社,detailed,2020-06-01 10:00,20,600,isp,config_error,,",
        ],
    );
    let bad = write(
        &dir,
        "bad.csv",
        &[
            "b1,X社,detailed,2020-13-01 10:00,30,10,ftth,natural_failure,,",
            "b2,X社,detailed,2020-05-01 10:00,abc,10,ftth,natural_failure,,",
            "b3,X社,detailed,2020-05-01 10:00,30,10,fiber,natural_failure,,",
            "b4,X社,detailed,2020-05-01 10:00,30,10,ftth,lightning,,",
            "b4,X社,detailed,2020-05-01 10:00,30,10,ftth,natural_failure,,",
        ],
    );
    let near = dir.join("near.csv");
    std::fs::write(
        &near,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,situation,carrier_users,prefectures,exclusions\n\
         n1,X社,detailed,2026-05-10 10:00,,,ftth,config_error,capacity_exceeded,2000000,47,\n\
         n2,X社,detailed,2026-05-10 10:00,,,ftth,config_error,capacity_exceeded,2000,1,none\n",
    )
    .unwrap();
    let details = dir.join("details.toml");
    std::fs::write(&details, "[[accident]]\nid = \"j1\"\nphases = [{ users = 3 }]\n").unwrap();
    let (i, b, n, d) = (s(&input).to_string(), s(&bad).to_string(), s(&near).to_string(), s(&details).to_string());
    let out = |x: &str| s(&dir.join(x)).to_string();
    let runs: Vec<Vec<String>> = [
        vec!["draft", "--classify", &notice("prtimes-mail-2021-03-12.txt")],
        vec!["draft", "--classify", &notice("akio-rakuten-2026-01-27.txt")],
        vec!["classify", "--services", "ftth", "--start", "2026-05-10 10:00", "--duration", "70", "--users", "150000"],
        vec!["classify", "--start", "2026-07-31 10:00", "--duration", "70"],
        vec!["classify", "--services", "mvno", "--start", "2026-05-10 10:00", "--duration", "70", "--users", "150000"],
        vec!["classify", "--situation", "capacity_exceeded", "--start", "2026-05-10 10:00", "--carrier-users", "2000000", "--prefectures", "47"],
        vec!["classify", "--input", &n],
        vec!["classify", "--services", "fiber", "--start", "2026-05-10 10:00", "--duration", "70", "--users", "1"],
        vec!["validate", &b],
        vec!["explain", "--year", "2020", "--input", &i, "summary,major,reports"],
        vec!["aggregate", "--year", "2020", "--no-charts", "--input", &i, "--out", &out("a"), "--compare", "as-of:2026-04-01"],
        vec!["aggregate", "--year", "2020", "--no-charts", "--input", &i, "--out", &out("b"), "--details", &d],
        vec!["aggregate", "--year", "2020", "--no-charts", "--input", &i, "--out", &out("c"), "--details", &out("none.toml")],
        vec!["draft", &out("none.txt")],
        vec!["classify", "--start", "2026-05-10", "10:00", "--duration", "70"],
        vec!["classify", "--end", "2026-05-10 10:00", "--duration", "70"],
        vec!["aggregate", "--year", "2020", "--nonsense"],
        vec!["classify", "--rules", &out("none.toml"), "--services", "ftth", "--start", "2026-05-10 10:00", "--duration", "70", "--users", "1"],
        vec!["aggregate", "--year", "2020", "--no-charts", "--input", &i, "--out", &out("d"), "--compare", "as-of:2026-13-01"],
    ]
    .iter()
    .map(|r| r.iter().map(|x| x.to_string()).collect())
    .collect();
    for r in &runs {
        let args: Vec<&str> = ["--lang", "ja"].into_iter().chain(r.iter().map(String::as_str)).collect();
        let o = jiko(&args);
        let text = format!("{}{}", stdout(&o), stderr(&o));
        // classify --input's CSV: its header and codes are for programs;
        // its notes column is for people.
        let text = if r[0] == "draft" {
            // Its stdout is the records' CSV, for programs and jiko.
            stderr(&o)
        } else if r[..2] == ["classify".to_string(), "--input".to_string()] {
            let csv_text = stdout(&o);
            let mut rd = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
            let at = rd.headers().unwrap().iter().position(|h| h == "notes").unwrap();
            let notes: Vec<String> = rd.records().map(|x| x.unwrap()[at].to_string()).collect();
            assert!(notes.iter().all(|n| !n.is_empty()), "{notes:?}");
            notes.join("\n") + &stderr(&o)
        } else {
            text
        };
        let left = english(&text);
        assert!(left.is_empty(), "jiko {}: English under --lang ja:\n{}\n---\n{text}", r.join(" "), left.join("\n"));
    }
    // The detector sees English: the same runs in English are caught.
    let o = jiko(&["--lang", "en", "draft", &notice("prtimes-mail-2021-03-12.txt")]);
    assert!(!english(&stderr(&o)).is_empty());
    let o = jiko(&["--lang", "en", "classify", "--services", "ftth", "--start", "2026-05-10 10:00", "--duration", "70", "--users", "150000"]);
    assert!(!english(&stdout(&o)).is_empty());
    // Draft's field names in Japanese, the contract's name beside.
    let o = jiko(&["--lang", "ja", "draft", &notice("akio-rakuten-2026-01-27.txt")]);
    assert!(stderr(&o).contains("発生日時（started_at）: 2026-01-27 14:00"), "{}", stderr(&o));
    assert!(stderr(&o).contains("影響利用者数（affected_users）: 見つかりません"), "{}", stderr(&o));
}

/// `--help` under --lang ja (or a Japanese locale) is Japanese for the
/// program and every command; under --lang en it is clap's English.
#[test]
fn help_is_japanese_under_lang_ja() {
    for c in ["", "aggregate", "chart", "classify", "draft", "explain", "query", "validate", "trend", "template"] {
        let args: Vec<&str> = ["--lang", "ja"].into_iter().chain((!c.is_empty()).then_some(c)).chain(["--help"]).collect();
        let o = jiko(&args);
        assert!(o.status.success(), "{c}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("使い方: jiko") && text.contains("オプション:") && text.contains("ヘルプを表示する"), "{c}:\n{text}");
        assert!(english(&text).is_empty(), "{c}: English in the Japanese help:\n{}\n---\n{text}", english(&text).join("\n"));
    }
    let o = jiko(&["--lang", "ja", "classify", "--help"]);
    assert!(stdout(&o).contains("--start <START>") && stdout(&o).contains("発生日時（日本時間）"), "{}", stdout(&o));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiko")).args(["draft", "--help"]).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "ja_JP.UTF-8").output().unwrap();
    assert!(stdout(&o).contains("お知らせ: テキスト、Markdown 又は HTML"), "{}", stdout(&o));
    let o = jiko(&["--lang", "en", "classify", "--help"]);
    assert!(stdout(&o).contains("Usage: jiko classify") && stdout(&o).contains("Start (JST)"), "{}", stdout(&o));
    // A refused command line: what is wrong, and the command's own help.
    for (args, said) in [
        (&["aggregate", "--year"][..], "エラー: --year <YEAR> に値を指定してください\n使い方: jiko aggregate --help"),
        (&["aggregate", "--yaer", "2020"][..], "エラー: 不明な引数 --yaer があります（--year ではありませんか）\n使い方: jiko aggregate --help"),
        (&["classify", "--servces", "ftth"][..], "エラー: 不明な引数 --servces があります（--services ではありませんか）"),
        (&["classify", "--zzzz"][..], "エラー: 不明な引数 --zzzz があります\n"),
        (&["aggregate", "--year", "2020", "--encoding", "latin1"][..], "の値 \"latin1\" を読めません（utf-8 又は cp932 を指定してください）"),
        (&["classify", "--end", "2026-05-10 10:00", "--duration", "70"][..], "使い方: jiko classify --help"),
    ] {
        let o = jiko(&[&["--lang", "ja"][..], args].concat());
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(said), "{args:?}: {}", stderr(&o));
    }
}

/// A --through day before every report of the year says so (it said the
/// year had no reports), and no year at all is said plainly.
#[test]
fn a_through_day_before_every_report_says_so() {
    let dir = tmp("week-through");
    let input = crate::common::records_csv(&dir, "more.csv", &["a1,X社,detailed,2025-09-10 10:00,130,100,ftth,unknown"]);
    let o = jiko(&["--lang", "ja", "aggregate", "--year", "2025", "--input", s(&input), "--through", "2025/4/1", "--out", s(&dir.join("o"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("入力の令和7年度（2025）の報告1件は、すべて --through 2025年4月1日より後に発生しています。何も書き出していません"), "{}", stderr(&o));
    assert!(!dir.join("o").exists());
    let empty = crate::common::records_csv(&dir, "empty.csv", &[]);
    let o = jiko(&["--lang", "ja", "aggregate", "--year", "2024", "--input", s(&empty), "--out", s(&dir.join("o"))]);
    assert!(stderr(&o).contains("入力に令和6年度（2024）の報告はなく、ほかの年度の報告もありません"), "{}", stderr(&o));
}

/// classify and explain leave bad rows out with --skip-invalid and list
/// them; their hint does not promise a rejects.csv they never write.
#[test]
fn the_skip_hint_says_what_each_command_does() {
    let dir = tmp("week-skip-hint");
    let input = crate::common::records_csv(&dir, "bad.csv", &["b1,X社,detailed,2020-13-01 10:00,130,100,ftth,unknown", "g1,X社,detailed,2020-05-01 10:00,130,100,ftth,unknown"]);
    for args in [vec!["classify", "--input", s(&input)], vec!["explain", "--year", "2020", "--input", s(&input), "summary,total,reports"]] {
        let o = jiko(&[&["--lang", "en"][..], &args].concat());
        assert!(stderr(&o).contains("pass --skip-invalid to leave those rows out (listed here, as above)") && !stderr(&o).contains("rejects.csv"), "{}", stderr(&o));
    }
    let o = jiko(&["--lang", "en", "aggregate", "--year", "2020", "--input", s(&input), "--out", s(&dir.join("o"))]);
    assert!(stderr(&o).contains("pass --skip-invalid to set those rows aside in rejects.csv"), "{}", stderr(&o));
}

/// A receiver whose own user count is not known: its simplified form is
/// "if major", as every other answer that depends on the count.
#[test]
fn a_receivers_form_waits_on_its_verdict() {
    let o = jiko(&["--lang", "ja", "classify", "--services", "ftth", "--start", "2026-05-10 09:00", "--duration", "70", "--wholesale", "receiver", "--provider-major"]);
    let s = stdout(&o);
    assert!(s.contains("重大な事故: 利用者数による（100,000以上で該当）"), "{s}");
    assert!(s.contains("報告様式（重大な事故なら）: 様式第五十の三の二（卸先の簡易な報告"), "{s}");
    assert!(!s.contains("\n報告様式: "), "{s}");
    let o = jiko(&["--lang", "ja", "classify", "--services", "ftth", "--start", "2026-05-10 09:00", "--duration", "70", "--users", "150000", "--wholesale", "receiver", "--provider-major"]);
    assert!(stdout(&o).contains("\n報告様式: 様式第五十の三の二（卸先の簡易な報告"), "{}", stdout(&o));
}
