//! End to end: the real binary on the shipped data, as a user runs it.


use std::path::Path;

use crate::common::{figures_csv as figures, jiko, stderr, stdout, tmp};

#[test]
fn fy2020_reproduces_every_published_figure() {
    let out = tmp("fy2020");
    let o = jiko(&["aggregate", "--year", "2020", "--out", out.to_str().unwrap(), "--check", "data/published/fy2020.csv"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}\n{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(text.lines().last(), Some("144/144 figures match"), "{text}");
    for table in ["summary", "major", "matrix", "service", "cause", "equipment", "major_trend"] {
        assert!(out.join("tables").join(format!("{table}.csv")).is_file(), "{table}");
    }
    let md = std::fs::read_to_string(out.join("tables.md")).unwrap();
    assert!(md.contains("3,325件 (50.3%)"), "{md}");
    assert!(md.contains("再構成"), "the reconstruction notice is in the footer");
}

#[test]
fn fy2019_reproduces_what_the_fy2020_edition_tells() {
    let out = tmp("fy2019");
    let o = jiko(&["aggregate", "--year", "令和元年度", "--out", out.to_str().unwrap(), "--check", "data/published/fy2019.csv"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().last(), Some("30/30 figures match"));
}

#[test]
fn japanese_year_spellings_give_the_same_figures() {
    let a = tmp("r2");
    let b = tmp("2020");
    assert!(jiko(&["aggregate", "--year", "R2", "--out", a.to_str().unwrap()]).status.success());
    assert!(jiko(&["aggregate", "--year", "2020", "--out", b.to_str().unwrap()]).status.success());
    assert_eq!(figures(&a), figures(&b));
}

#[test]
fn every_row_read_is_accounted_for() {
    let out = tmp("rows");
    assert!(jiko(&["aggregate", "--year", "2020", "--out", out.to_str().unwrap()]).status.success());
    let f = figures(&out);
    let get = |c: &str| f[&format!("rows,total,{c}")].parse::<u64>().unwrap();
    assert_eq!(get("read"), get("counted") + get("other_years") + get("outside_duty") + get("rejected"));
    assert_eq!(get("counted"), 6612 + 55001, "counted = detailed + simple reports in the duty");
    assert_eq!(get("outside_duty"), 12);
}

#[test]
fn a_mismatch_is_named_and_fails() {
    let dir = tmp("mismatch");
    let published = dir.join("pub.csv");
    std::fs::write(&published, "table,row,column,value\nheadline,total,count,6613\nmatrix,nowhere,total,1\nsummary,major,reports,4\n").unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--out", dir.join("o").to_str().unwrap(), "--check", published.to_str().unwrap()]);
    assert!(!o.status.success());
    let text = stdout(&o);
    assert!(text.contains("headline,total,count: published 6613, computed 6612"), "{text}");
    assert!(text.contains("matrix,nowhere,total: published 1, computed missing"), "{text}");
    assert_eq!(text.lines().last(), Some("1/3 figures match"));
}

/// Edit one shipped record across a duration bin boundary (299 → 300
/// minutes) and check that exactly one count moves.
#[test]
fn a_record_crossing_a_bin_boundary_moves_exactly_one_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("data/incidents/fy2020.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines
        .iter()
        .position(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.len() > 6 && f[2] == "detailed" && f[4].parse::<u64>().is_ok_and(|d| (120..300).contains(&d)) && f[5].parse::<u64>().is_ok_and(|u| u < 500)
        })
        .expect("a detailed 2h-5h record under 500 users");
    let before = tmp("edit-before");
    let after = tmp("edit-after");
    std::fs::write(before.join("fy2020.csv"), lines.join("\n") + "\n").unwrap();
    let mut f: Vec<String> = lines[at].split(',').map(String::from).collect();
    f[4] = "300".into();
    lines[at] = f.join(",");
    std::fs::write(after.join("fy2020.csv"), lines.join("\n") + "\n").unwrap();
    for dir in [&before, &after] {
        let o = jiko(&["aggregate", "--year", "2020", "--input", dir.join("fy2020.csv").to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
        assert!(o.status.success());
    }
    let (a, b) = (figures(&before.join("out")), figures(&after.join("out")));
    let changed: Vec<(&String, i64)> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .filter(|(k, _)| !k.starts_with("matrix_share") && !k.starts_with("rows,"))
        .map(|(k, v)| (k, b[k].parse::<i64>().unwrap() - v.parse::<i64>().unwrap()))
        .collect();
    let expected = [
        ("matrix,2h-5h,lt500", -1),
        ("matrix,2h-5h,total", -1),
        ("matrix,5h-12h,lt500", 1),
        ("matrix,5h-12h,total", 1),
    ];
    assert_eq!(changed.len(), expected.len(), "{changed:?}");
    for (key, delta) in expected {
        assert!(changed.iter().any(|(k, d)| k.as_str() == key && *d == delta), "{key} {delta}: {changed:?}");
    }
}

#[test]
fn bad_rows_name_file_line_column_and_value() {
    let dir = tmp("bad");
    let file = dir.join("bad.csv");
    std::fs::write(
        &file,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment\n\
         a1,X社,detailed,2020-05-01 10:00,130,100,ftth_acces,natural_failure,\n\
         a2,X社,detailed,2020-05-01 10:00,-5,100,ftth,natural_failure,\n\
         a3,X社,simple,2020-13-01 10:00,130,100,ftth,natural_failure,wdm\n\
         a4,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n",
    )
    .unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--input", file.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let name = file.display().to_string();
    assert!(err.contains(&format!("{name}:2: column services: \"ftth_acces\": unknown code; did you mean `ftth`?")), "{err}");
    assert!(err.contains(&format!("{name}:3: column duration_min: \"-5\": must not be negative")), "{err}");
    assert!(err.contains(&format!("{name}:4: column started_at")), "{err}");
    assert!(err.contains(&format!("{name}:4: column equipment: \"wdm\": the simple form")), "{err}");
    assert!(!dir.join("o").exists(), "a failed run writes nothing");

    let o = jiko(&["aggregate", "--year", "2020", "--input", file.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap(), "--skip-invalid"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = figures(&dir.join("o"));
    assert_eq!(f["rows,total,read"], "4");
    assert_eq!(f["rows,total,rejected"], "3");
    assert_eq!(f["summary,detailed,reports"], "1");
    let rejects = std::fs::read_to_string(dir.join("o/rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 4, "{rejects}");
}

#[test]
fn a_duplicate_id_names_both_places() {
    let dir = tmp("dup");
    let row = "d1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n";
    let header = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment\n";
    std::fs::write(dir.join("a.csv"), format!("{header}{row}")).unwrap();
    std::fs::write(dir.join("b.csv"), format!("{header}x9,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n{row}")).unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--input", dir.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let a = dir.join("a.csv").display().to_string();
    let b = dir.join("b.csv").display().to_string();
    assert!(err.contains(&format!("{b}:3: column incident_id: \"d1\": duplicate incident_id, first at {a}:2")), "{err}");
}

#[test]
fn a_year_the_inputs_do_not_hold_is_an_error_not_an_empty_report() {
    let out = tmp("empty-year");
    let o = jiko(&["aggregate", "--year", "R3", "--out", out.join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no report of 令和3年度 (2021); they hold 令和元年度 (2019), 令和2年度 (2020)"), "{err}");
    assert!(!out.join("o").exists());
}

/// Every count figure of `figures` against explain over the year's
/// reports of `files`: the reports behind it (the family's filter) add up,
/// by the family's measure (reports, service counts, carriers, the file's
/// rows), to the figure. Returns how many figures were checked.
fn explain_accounts_for(files: &[std::path::PathBuf], year: i32, figures: &std::collections::BTreeMap<String, String>) -> usize {
    use jiko::cmd::explain::account;
    use jiko::incidents::IncidentLine;
    let opts = jiko::records::ReadOptions::default();
    let agg = jiko::aggregate::aggregate(files, year, &opts).unwrap();
    let names: Vec<String> = files.iter().map(|p| jiko::records::display(p)).collect();
    let numbers: std::collections::HashMap<String, usize> = agg.accidents(year).iter().map(|a| (a.accident_id.clone(), a.number)).collect();
    let mut lines: Vec<(IncidentLine, Option<usize>)> = Vec::new();
    jiko::records::read_files(files, &opts, |r| {
        if r.started_at.fiscal_year() == year && agg.rules.within_duty(r.duration_min, r.affected_users, r.kind, &r.started_at) {
            let l = IncidentLine::from_row(agg.rules, r, &names[r.file]);
            let no = l.major().then(|| numbers.get(&l.accident_id).copied()).flatten();
            lines.push((l, no));
        }
    })
    .unwrap();
    let mut checked = 0;
    for (key, value) in figures {
        let [table, row, column]: [&str; 3] = key.splitn(3, ',').collect::<Vec<_>>().try_into().unwrap();
        // Counts only: shares, deltas, the previous year, and the sheets'
        // texts and per-accident values (a duration, a class) are no count.
        let Ok(value) = value.parse::<u64>() else { continue };
        if ["share", "delta", "prev"].iter().any(|w| column.contains(w)) || ["major", "major_trend", "matrix_major", "matrix_share"].contains(&table) || table.ends_with("share") {
            continue;
        }
        let f = jiko::families::FigureKey::new(agg.rules, [table, row, column]);
        let behind: Vec<IncidentLine> = lines.iter().filter(|(l, no)| l.behind(&f, *no)).map(|(l, _)| l.clone()).collect();
        let (measure, n) = account(jiko::lang::Lang::En, &agg, &behind, [table, row, column], None).unwrap();
        assert_eq!(n, value, "{key}: explain makes {n} ({measure:?}) of {} reports", behind.len());
        checked += 1;
    }
    checked
}

/// Issue 22: explain accounts for every count figure of FY2020, as the
/// committed figures.csv has them.
#[test]
fn explain_accounts_for_every_count_figure_of_fy2020() {
    let files = jiko::records::builtin::files();
    let published = crate::common::figures_csv(&crate::common::root().join("output/fy2020"));
    let checked = explain_accounts_for(&files, 2020, &published);
    assert!(checked >= 120, "{checked} count figures checked");
}

/// The same where a family's edges matter: information leaks (in the
/// matrix's totals and the leaks' row, under no user bin's column of the
/// bins' rows), a report of several services, and unknown equipment.
#[test]
fn explain_accounts_for_every_count_figure_with_leaks_and_several_services() {
    let dir = crate::common::tmp("families");
    let head = std::fs::read_to_string(crate::common::root().join("data/incidents/fy2020.csv")).unwrap().lines().next().unwrap().to_string();
    let at = |name: &str| head.split(',').position(|h| h == name).unwrap();
    let row = |values: &[(&str, &str)]| {
        let mut r = vec![""; head.split(',').count()];
        for (k, v) in values {
            r[at(k)] = v;
        }
        r.join(",")
    };
    let base = [("carrier", "架空通信"), ("report_form", "detailed"), ("cause", "power_outage"), ("equipment", "application_server")];
    let rows = [
        row(&[base.as_slice(), &[("incident_id", "L-1"), ("started_at", "2020-05-01 10:00"), ("duration_min", "10"), ("affected_users", "40"), ("services", "ftth"), ("kind", "info_leak")]].concat()),
        row(&[base.as_slice(), &[("incident_id", "L-2"), ("started_at", "2020-06-01 10:00"), ("duration_min", "150"), ("affected_users", "40000"), ("services", "ftth;ip_phone_0abj;mobile_data")]].concat()),
        row(&[("incident_id", "L-3"), ("carrier", "別の通信"), ("report_form", "detailed"), ("cause", "power_outage"), ("started_at", "2020-07-01 10:00"), ("duration_min", "30"), ("affected_users", "31000"), ("services", "mobile_voice")]),
    ];
    let path = dir.join("edges.csv");
    std::fs::write(&path, format!("{head}\n{}\n", rows.join("\n"))).unwrap();
    let files = vec![path];
    let agg = jiko::aggregate::aggregate(&files, 2020, &jiko::records::ReadOptions::default()).unwrap();
    assert!(agg.read.is_clean(), "{:?}", agg.read.errors.iter().map(|e| e.text(jiko::lang::Lang::En)).collect::<Vec<_>>());
    let figs = jiko::figures::compute(&agg, 2020);
    let map: std::collections::BTreeMap<String, String> = figs.list.iter().map(|f| (format!("{},{},{}", f.table, f.row, f.column), f.value.to_string())).collect();
    // From the rows above, not from jiko: three detailed reports, five
    // service counts, the leak in the leaks' row only.
    assert_eq!(map["headline,total,count"], "3");
    assert_eq!(map["service,total,count"], "5");
    assert_eq!(map["matrix,info_leak,total"], "1");
    assert_eq!(map["equipment,unknown,count"], "1");
    let checked = explain_accounts_for(&files, 2020, &map);
    assert!(checked >= 60, "{checked} count figures checked");
}

/// Issue 23: several years in one command: each year's folder as a run of
/// that year writes it, and figures_by_year.csv holds exactly their
/// figures with the year in front.
#[test]
fn aggregate_years_writes_each_year_and_their_figures_in_one_file() {
    let out = crate::common::tmp("years");
    let o = jiko(&["aggregate", "--years", "2019-2020", "--no-charts", "--no-incidents", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let long = std::fs::read_to_string(out.join("figures_by_year.csv")).unwrap();
    let mut lines = long.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("fiscal_year,table,row,column,value"));
    let body: Vec<&str> = lines.collect();
    for year in [2019, 2020] {
        let one = std::fs::read_to_string(crate::common::root().join(format!("output/fy{year}/figures.csv"))).unwrap();
        let want: Vec<String> = one.trim_start_matches('\u{feff}').lines().skip(1).map(|l| format!("{year},{l}")).collect();
        let got: Vec<String> = body.iter().filter(|l| l.starts_with(&format!("{year},"))).map(|l| l.to_string()).collect();
        assert_eq!(got, want, "FY{year}");
        assert_eq!(std::fs::read(out.join(format!("fy{year}/figures.csv"))).unwrap(), one.as_bytes(), "fy{year}/figures.csv as one year's run");
    }
    let o = jiko(&["aggregate", "--years", "2020-2019"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("first year"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The README's first command works from any folder, as when installed:
/// `data/published/fy2020.csv` names the built-in copy where the folder
/// has none (as `data/incidents/…` names the shipped records), and
/// `--check` alone takes the year's built-in published figures.
#[test]
fn the_check_of_the_readme_runs_from_any_folder() {
    let dir = crate::common::tmp("check-anywhere");
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "aggregate", "--year", "2020", "--no-charts", "--check", "data/published/fy2020.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("144/144 figures match"));
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "aggregate", "--year", "2019", "--no-charts", "--check", "--out", "o19"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("30/30 figures match"), "{}", stderr(&o));
    // FY2019's shipped records carry no details: said so, not "--details not given".
    assert!(stderr(&o).contains("the shipped records carry no details of 2019; give them with --details FILE"), "{}", stderr(&o));
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "aggregate", "--year", "2021", "--check", "--out", "o21"]);
    assert!(stderr(&o).contains("--check: no published figures of 2021 are built in; give a file"), "{}", stderr(&o));
    let o = crate::common::jiko_in(&dir, &["--lang", "en", "aggregate", "--year", "2020", "--check", "nothere.csv", "--out", "o20"]);
    assert!(stderr(&o).contains("--check nothere.csv: No such file or directory"), "{}", stderr(&o));
}
