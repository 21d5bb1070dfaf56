//! Issue 21: the draft reader measured on a corpus of real notices
//! (tests/fixtures/notices: each notice's text with its address, and
//! beside it the fields a person read from it, written by reading the
//! notice, never from jiko's output). Issue 31: and on a held-out corpus
//! (tests/fixtures/notices-heldout), set aside before any rule was tuned
//! and never used to write one: its table is printed without the names
//! of the notices it misses, so nobody tunes on them by accident.


use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common::root;
use jiko::draft::{self, Draft, Incident};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    url: String,
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    carrier: Vec<String>,
    domain: Option<String>,
    #[serde(default)]
    year_inferred: bool,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    incident: Vec<ExpectedIncident>,
}

#[derive(Deserialize, Default)]
struct ExpectedIncident {
    #[serde(default)]
    phases: Vec<[String; 2]>,
    start_only: Option<String>,
    days: Option<[String; 2]>,
    duration_min: Option<u64>,
    #[serde(default)]
    approximate: bool,
    count: Option<u64>,
    unit: Option<String>,
    #[serde(default)]
    count_approximate: bool,
    #[serde(default)]
    at_most: bool,
    #[serde(default)]
    not_users: Vec<String>,
}

impl ExpectedIncident {
    fn has_period(&self) -> bool {
        !self.phases.is_empty() || self.start_only.is_some() || self.days.is_some()
    }
    fn duration(&self) -> Option<u64> {
        let longest = self.phases.iter().map(|[a, b]| minutes(b) - minutes(a)).max();
        longest.map(|m| m as u64).or(self.duration_min)
    }
}

fn minutes(s: &str) -> i64 {
    jiko::records::parse_minute(s).unwrap_or_else(|| panic!("bad time {s} in a corpus file")).ordinal()
}

fn stamp(m: &jiko::records::Minute) -> String {
    format!("{:04}-{:02}-{:02} {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute)
}

fn day(d: &draft::Day) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// The drafted incident an expected one is about: the same start, or the
/// same days.
fn matching<'a>(d: &'a Draft, e: &ExpectedIncident) -> Option<&'a Incident> {
    let start = e.phases.iter().map(|p| p[0].clone()).min().or(e.start_only.clone());
    d.incidents.iter().find(|i| match (&start, &e.days, i.started_at(), i.days) {
        (Some(s), _, Some(got), _) => *s == stamp(&got),
        (None, Some([a, b]), _, Some((x, y))) => *a == day(&x) && *b == day(&y),
        (None, None, None, None) => !i.has_period(),
        _ => false,
    })
}

fn period_right(d: &Draft, e: &ExpectedIncident) -> bool {
    let Some(i) = matching(d, e) else { return false };
    let mut want: Vec<(String, String)> = e.phases.iter().map(|[a, b]| (a.clone(), b.clone())).collect();
    let mut got: Vec<(String, String)> = i.phases.iter().map(|p| (stamp(&p.start), stamp(&p.end))).collect();
    want.sort();
    got.sort();
    want == got && e.start_only.as_deref() == i.start_only.map(|s| stamp(&s.0)).as_deref() && e.days.as_ref().map(|[a, b]| (a.clone(), b.clone())) == i.days.map(|(x, y)| (day(&x), day(&y)))
}

fn carrier_right(d: &Draft, e: &Expected) -> bool {
    match (&d.carrier, e.carrier.is_empty(), &e.domain) {
        (Some(c), false, _) => {
            let got = draft::carrier_key(&c.name);
            e.carrier.iter().map(|w| draft::carrier_key(w)).any(|w| got.contains(&w) || w.contains(&got))
        }
        (None, true, Some(host)) => d.host.as_deref() == Some(host.as_str()),
        (None, true, None) => true,
        _ => false,
    }
}

#[derive(Default)]
struct Score {
    right: usize,
    of: usize,
    wrong: Vec<String>,
}

impl Score {
    fn add(&mut self, ok: bool, name: &str) {
        self.of += 1;
        if ok {
            self.right += 1;
        } else {
            self.wrong.push(name.to_string());
        }
    }
    fn share(&self) -> f64 {
        if self.of == 0 {
            1.0
        } else {
            self.right as f64 / self.of as f64
        }
    }
}

fn corpus() -> Vec<(String, String, Expected)> {
    corpus_in("tests/fixtures/notices")
}

fn corpus_in(folder: &str) -> Vec<(String, String, Expected)> {
    let dir = root().join(folder);
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    names.sort();
    for toml_path in names {
        let stem = toml_path.file_stem().unwrap().to_string_lossy().to_string();
        let text_path = ["txt", "md", "html"].iter().map(|x| dir.join(format!("{stem}.{x}"))).find(|p| p.is_file()).unwrap_or_else(|| panic!("no notice beside {stem}.toml"));
        let text = std::fs::read_to_string(&text_path).unwrap();
        let e: Expected = toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap_or_else(|err| panic!("{stem}.toml: {err}"));
        out.push((stem, text, e));
    }
    out
}

#[test]
fn the_corpus_has_every_layout_and_its_sources() {
    let c = corpus();
    assert!(c.len() >= 34, "{} notices: the four sources and at least 30 more", c.len());
    for (name, text, e) in &c {
        // Every notice names where it is from.
        assert!(e.url.starts_with("http") || e.url.starts_with("shared/sources/"), "{name}: {}", e.url);
        if e.url.starts_with("http") {
            assert!(text.starts_with(&format!("URL: {}", e.url)), "{name}: the text's first line is its address");
        }
    }
    let has = |f: &dyn Fn(&Expected) -> bool| c.iter().filter(|(_, _, e)| f(e)).count();
    assert!(has(&|e| e.incident.len() >= 2) >= 3, "several outages in one notice");
    assert!(has(&|e| e.incident.iter().any(|i| i.days.is_some())) >= 3, "days without clock times");
    assert!(has(&|e| e.incident.iter().any(|i| i.start_only.is_some())) >= 1, "a start without an end");
    assert!(has(&|e| !e.incident.iter().any(|i| i.has_period())) >= 3, "no period at all");
    assert!(has(&|e| e.year_inferred) >= 10, "the year only in the page's date");
    assert!(has(&|e| e.domain.is_some()) >= 4, "the carrier only in the domain");
    assert!(has(&|e| e.incident.iter().any(|i| !i.not_users.is_empty())) >= 5, "counts that are not users");
    assert!(has(&|e| e.incident.iter().any(|i| i.phases.len() >= 2)) >= 4, "phases");
    let units: std::collections::BTreeSet<&str> = c.iter().flat_map(|(_, _, e)| e.incident.iter().filter_map(|i| i.unit.as_deref())).collect();
    for u in ["人", "回線", "世帯", "ID", "アカウント", "台", ""] {
        assert!(units.contains(u), "a count in {u:?}");
    }
}

/// Every field scored over a corpus: (field → right of how many, with the
/// notices missed), and each phase apart.
fn score(corpus: &[(String, String, Expected)]) -> (BTreeMap<&'static str, Score>, Score) {
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let mut phases = Score::default();
    for (name, text, e) in corpus {
        let d = draft::read(jiko::lang::Lang::En, text);
        let with_period: Vec<&ExpectedIncident> = e.incident.iter().filter(|i| i.has_period()).collect();
        if !with_period.is_empty() {
            let drafted = d.incidents.iter().filter(|i| i.has_period()).count();
            scores.entry("period").or_default().add(with_period.iter().all(|i| period_right(&d, i)) && drafted == with_period.len(), name);
            scores.entry("incidents").or_default().add(drafted == with_period.len(), name);
            scores.entry("marks (頃)").or_default().add(with_period.iter().all(|i| matching(&d, i).is_some_and(|g| g.approximate() == i.approximate)), name);
        } else {
            scores.entry("no period said so").or_default().add(d.incidents.iter().all(|i| !i.has_period()), name);
        }
        // Duration: scored on the notices that state one (both ends, or a
        // length in words).
        if e.incident.iter().any(|i| i.duration().is_some()) {
            let ok = e.incident.iter().filter(|i| i.duration().is_some()).all(|i| {
                let got = if i.has_period() { matching(&d, i) } else { d.incidents.iter().find(|g| !g.has_period()) };
                got.and_then(|g| g.duration_min()) == i.duration()
            });
            scores.entry("duration").or_default().add(ok, name);
        }
        for i in &with_period {
            let got: Vec<(String, String)> = matching(&d, i).map_or(vec![], |g| g.phases.iter().map(|p| (stamp(&p.start), stamp(&p.end))).collect());
            for [a, b] in &i.phases {
                phases.add(got.contains(&(a.clone(), b.clone())), &format!("{name} {a}–{b}"));
            }
        }
        // Counts: the outage's count, or none (never 0).
        let counted = |i: &ExpectedIncident| -> Option<&Incident> { if i.has_period() { matching(&d, i) } else { d.incidents.iter().find(|g| !g.has_period()) } };
        let count_ok = e.incident.iter().all(|i| counted(i).map_or(i.count.is_none(), |g| g.main_count().map(|c| c.value) == i.count));
        scores.entry("count").or_default().add(count_ok, name);
        if e.incident.iter().any(|i| i.count.is_some()) {
            let unit_ok = e.incident.iter().filter(|i| i.count.is_some()).all(|i| {
                counted(i).and_then(|g| g.main_count()).is_some_and(|c| Some(c.unit.as_str()) == i.unit.as_deref() && c.approximate == i.count_approximate && c.at_most == i.at_most)
            });
            scores.entry("unit and marks (約, 最大)").or_default().add(unit_ok, name);
        }
        for i in e.incident.iter().filter(|i| !i.not_users.is_empty()) {
            let all: Vec<&draft::Count> = d.incidents.iter().flat_map(|g| g.counts.iter()).collect();
            let ok = i.not_users.iter().all(|u| all.iter().any(|c| c.unit == *u && !c.users && c.not_users.is_some()))
                && counted(i).is_none_or(|g| g.main_count().is_none_or(|c| !i.not_users.contains(&c.unit)));
            scores.entry("not users left out").or_default().add(ok, name);
        }
        scores.entry("carrier").or_default().add(carrier_right(&d, e), name);
        let first = d.incidents.iter().find(|i| i.has_period());
        if let Some(g) = first {
            scores.entry("year from the page said so").or_default().add(g.year_inferred == e.year_inferred, name);
        }
        if !e.services.is_empty() {
            let hinted: Vec<&str> = d.hints.iter().filter(|h| h.column == "services").map(|h| h.code.as_str()).collect();
            scores.entry("services hinted").or_default().add(e.services.iter().all(|s| hinted.contains(&s.as_str())), name);
        }
    }
    (scores, phases)
}

/// The table; `names` lists the notices missed (never for the held-out).
fn table(scores: &BTreeMap<&str, Score>, phases: &Score, names: bool) -> String {
    let mut report = String::new();
    let missed = |s: &Score| if names { s.wrong.join(" ") } else { String::new() };
    for (field, s) in scores {
        report += &format!("{field:28} {:>3}/{:<3} {:5.1}%  {}\n", s.right, s.of, 100.0 * s.share(), missed(s));
    }
    report += &format!("{:28} {:>3}/{:<3} {:5.1}%  {}\n", "each phase", phases.right, phases.of, 100.0 * phases.share(), missed(phases));
    report
}

fn check_floors(scores: &BTreeMap<&str, Score>, phases: &Score, floors: &[(&str, f64)], phase_floor: f64, report: &str) {
    for &(field, floor) in floors {
        let s = &scores[field];
        assert!(s.share() >= floor, "{field}: {}/{} below {floor}\n{report}", s.right, s.of);
    }
    assert!(phases.share() >= phase_floor, "phases\n{report}");
}

/// The 50 notices of issue 21, on which the reader kept its floors of 95%.
const ISSUE21: &[&str] = &[
    "asahinet-2017-04-13", "emama-softbank-2018-04-03", "encyclopedia-kddi-2022-07-02", "ex-cloud-2018-05-11", "ggsoku-kddi-2013-05-29", "hikari-denwa-2006-09-19", "hotmail-2010-10-31", "impress-ntteast-2007-01-18", "internetcom-kddi-2013-05-29", "isecj-2021-06-14", "itmedia-docomo-2021-10-14", "itmedia-nuro-2021-05-17", "kagoya-2024-12", "katch-2022-07-02", "kwansei-2016-08-13", "livedoor-nttwest-2025-09-16", "mirai-mrs-2024-05-23", "miraiai-2026-02-03", "mobile-sim-docomo-2021-10-14", "nhk-nttwest-2023-05-25", "nhk-softbank-2023-11-20", "nttcom-ocn-2014-03-06", "ntteast-quake-2005-08-16", "ntteast-quake-2008-07-24", "ntteast-quake-2018-09-06", "ntteast-typhoon-2019-09-23", "obc-bugyo-2024-10-07", "ogaki-tv-2022-11-01", "orchid-hosting-2018-07-06", "piyolog-docomo-2021-10-14", "prtimes-fax-2024-05-02", "prtimes-mail-2020-07-10", "prtimes-mail-2021-03-12", "rbb-softbank-2014-01-09", "remotel-2024-03-13", "rspnet-2022-08-08", "sakura-2008-06-01", "sakura-io-2017-11-01", "sanyo-oni-2020-01-25", "semican-2021-03-08", "smhn-kddi-2013-04-16", "sophiamt-2021-06-27", "soumu-softbank-2018-12-06", "spdic-kddi-2022-07-02", "takatuki-nttwest-2015-04-14", "teeg-rakuten-2022-09-04", "tv-hanno-2022-04-08", "xtech-sakura-2023-03-10", "yahoo-mail-2014-09-30", "yomiuri-kddi-2022-07-02"
];

#[test]
fn the_draft_reader_on_real_notices_measured_field_by_field() {
    let all = corpus();
    let (scores, phases) = score(&all);
    let report = table(&scores, &phases, true);
    println!("tuning corpus (tests/fixtures/notices)\n{report}");
    // The floors this reader reaches on the whole tuning corpus of 137
    // notices, round 3's 25 and round 4's 24 among them (README,
    // "Drafting from notices"); a change that reads fewer notices right
    // fails here.
    let floors = [
        ("period", 0.84),
        ("duration", 0.92),
        ("carrier", 0.90),
        ("count", 0.91),
        ("unit and marks (約, 最大)", 0.75),
        ("incidents", 0.93),
        ("no period said so", 0.93),
        ("not users left out", 0.86),
        ("year from the page said so", 0.92),
        ("marks (頃)", 0.83),
        ("services hinted", 0.81),
    ];
    check_floors(&scores, &phases, &floors, 0.94, &report);
    // And issue 21's floors on its 50 notices, kept.
    let old: Vec<(String, String, Expected)> = all.into_iter().filter(|(n, _, _)| ISSUE21.contains(&n.as_str())).collect();
    assert_eq!(old.len(), 50);
    let (scores, phases) = score(&old);
    let report = table(&scores, &phases, true);
    let floors = [
        ("period", 0.95),
        ("duration", 0.95),
        ("carrier", 0.95),
        ("count", 0.95),
        ("unit and marks (約, 最大)", 0.90),
        ("incidents", 0.95),
        ("no period said so", 1.0),
        ("not users left out", 1.0),
        ("year from the page said so", 0.95),
        ("marks (頃)", 0.95),
        ("services hinted", 0.90),
    ];
    check_floors(&scores, &phases, &floors, 0.95, &format!("issue 21's 50 notices\n{report}"));
}

/// Issue 31: the held-out notices, scored but never tuned on. Only the
/// totals are printed. The issue's goal is 90% on carrier, period,
/// duration and count; the floors are what the reader reached when it
/// was measured (README says where it falls short).
#[test]
fn the_draft_reader_on_held_out_notices() {
    let c = corpus_in("tests/fixtures/notices-heldout");
    assert!(c.len() >= 40, "{} held-out notices", c.len());
    let (scores, phases) = score(&c);
    let report = table(&scores, &phases, false);
    println!("held-out corpus (tests/fixtures/notices-heldout)\n{report}");
    // Measured once, at the end of issue 31's work: 35/45 carriers, 34/45
    // counts, 16/30 durations, 19/41 periods, 16/30 phases; with the
    // tuning set's twin of a held-out notice moved here (46): 35/46, 35/46,
    // 16/30, 20/42, 16/30. Measured again once after the rules were made
    // general (labels as words, lengths in minutes, recovery windows,
    // phases of one sentence, ledes, signatures; tuning period 86% → 92%,
    // duration 88% → 97%): 35/46, 36/46, 15/30, 21/42, 17/30. Below the
    // issue's goal of 90%; the floors hold what was reached. With round 3's
    // 14 held-out notices (60 in all), measured once after the rules for
    // round 3's tuning misses: 47/60 carriers, 49/60 counts, 20/41
    // durations, 26/55 periods, 20/37 phases. With round 4's 12 held-out
    // notices (72 in all), before any rule for round 4 (after the text
    // layer joined wrapped lines): 58/72, 58/72, 25/47, 35/67, 25/42; and
    // once after the rules for round 4's tuning misses: 60/72, 58/72,
    // 26/47, 36/67, 26/42. Then a held-out notice was found to be the
    // twin of a round-4 tuning notice tuned on and moved to tuning (71):
    // 59/71, 57/71, 25/46, 35/66, 25/41.
    let floors = [("period", 0.53), ("duration", 0.54), ("carrier", 0.83), ("count", 0.80)];
    check_floors(&scores, &phases, &floors, 0.60, &report);
}

/// A rewording that keeps a notice's meaning: the reader should read the
/// same fields from it.
struct Rewording {
    name: &'static str,
    apply: fn(&str) -> String,
}

/// Replace every match of `re` in the lines of a notice (its address line
/// and lines holding a web address are left alone) by `f(captures, what
/// follows the match)`.
fn reword(text: &str, re: &str, f: &dyn Fn(&regex::Captures, &str) -> String) -> String {
    let re = regex::Regex::new(re).unwrap();
    let mut out = Vec::new();
    for original in text.lines() {
        if original.contains("http") || original.contains("<") {
            out.push(original.to_string());
            continue;
        }
        // Full-width digits as ASCII first (the reader reads them alike).
        let line: String = original.chars().map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else if c == '：' { ':' } else { c }).collect();
        let line = line.as_str();
        if !re.is_match(line) {
            out.push(original.to_string());
            continue;
        }
        let mut s = String::new();
        let mut last = 0;
        for c in re.captures_iter(line) {
            let m = c.get(0).unwrap();
            s.push_str(&line[last..m.start()]);
            s.push_str(&f(&c, &line[m.end()..]));
            last = m.end();
        }
        s.push_str(&line[last..]);
        out.push(s);
    }
    out.join("\n") + if text.ends_with('\n') { "\n" } else { "" }
}

fn era(y: i32) -> Option<String> {
    match y {
        2020.. => Some(format!("令和{}年", y - 2018)),
        1990..=2018 => Some(format!("平成{}年", y - 1988)),
        _ => None,
    }
}

fn weekday(y: i32, m: u32, d: u32) -> &'static str {
    let days = jiko::records::days_from_civil(y, m, d);
    ["木", "金", "土", "日", "月", "火", "水"][days.rem_euclid(7) as usize]
}

const REWORDINGS: &[Rewording] = &[
    Rewording { name: "10:05 as 10時05分", apply: |t| reword(t, r"(^|[^[0-9]/.:])([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?", &|c, _| format!("{}{}時{}分", &c[1], &c[2], &c[3])) },
    Rewording { name: "10時5分 as 10:05", apply: |t| reword(t, r"([0-9]{1,2})時([0-9]{1,2})分", &|c, _| format!("{}:{:02}", &c[1], c[2].parse::<u32>().unwrap())) },
    Rewording { name: "15時 as 午後3時", apply: |t| reword(t, r"(^|[^[0-9]:午後前])(1[3-9]|2[0-3])時", &|c, rest| if rest.starts_with('間') { c[0].to_string() } else { format!("{}午後{}時", &c[1], c[2].parse::<u32>().unwrap() - 12) }) },
    Rewording { name: "西暦 as 和暦", apply: |t| reword(t, r"((?:19|20)[0-9][0-9])年", &|c, _| era(c[1].parse().unwrap()).unwrap_or_else(|| c[0].to_string())) },
    Rewording {
        name: "weekday after a date",
        apply: |t| {
            reword(t, r"(?:((?:19|20)[0-9][0-9])年)?([0-9]{1,2})月([0-9]{1,2})日", &|c, rest| {
                let dated = rest.starts_with(['(', '（']);
                match (c.get(1), dated) {
                    (Some(y), false) => format!("{}({})", &c[0], weekday(y.as_str().parse().unwrap(), c[2].parse().unwrap(), c[3].parse().unwrap())),
                    _ => c[0].to_string(),
                }
            })
        },
    },
    Rewording { name: "~ as から", apply: |t| reword(t, r"([[0-9]分頃)])\s*[~〜～]\s*", &|c, _| format!("{}から", &c[1])) },
    Rewording { name: "頃 as ごろ", apply: |t| t.replace('頃', "ごろ") },
    Rewording { name: "2024年1月2日 as 2024/1/2", apply: |t| reword(t, r"((?:19|20)[0-9]{2})年([0-9]{1,2})月([0-9]{1,2})日", &|c, _| format!("{}/{}/{}", &c[1], &c[2], &c[3])) },
    Rewording { name: "2024/1/2 as 2024年1月2日", apply: |t| reword(t, r"((?:19|20)[0-9]{2})/([0-9]{1,2})/([0-9]{1,2})", &|c, _| format!("{}年{}月{}日", &c[1], &c[2], &c[3])) },
    Rewording { name: "a space after 日", apply: |t| reword(t, r"日([0-9午])", &|c, _| format!("日 {}", &c[1])) },
    Rewording {
        // `発生日時: …` as a heading line and its value under it.
        name: "a label above its value",
        apply: |t| reword(t, r"^\s*([^\s:：。、]{2,10}(?:日時|時刻|時間|期間))\s*[:：]\s*(.+)$", &|c, _| format!("■{}\n{}", &c[1], &c[2])),
    },
    Rewording { name: "a label in 【】", apply: |t| reword(t, r"^\s*([^\s:：。、【】]{2,10}(?:日時|時刻|時間|期間))\s*[:：]\s*(.+)$", &|c, _| format!("【{}】{}", &c[1], &c[2])) },
    Rewording {
        // The notice as a web page: a paragraph per line, labelled lines
        // as a table's rows.
        name: "as HTML",
        apply: |t| {
            let label = regex::Regex::new(r"^\s*([^\s:：。、0-9]{2,12})\s*[:：]\s*(.+)$").unwrap();
            let mut html = String::from("<html><body>\n");
            for (i, line) in t.lines().enumerate() {
                let esc = line.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                if i == 0 {
                    html += &format!("{line}\n");
                } else if let Some(c) = label.captures(&esc) {
                    html += &format!("<table><tr><th>{}</th><td>{}</td></tr></table>\n", &c[1], &c[2]);
                } else if !esc.trim().is_empty() {
                    html += &format!("<p>{esc}</p>\n");
                }
            }
            html + "</body></html>\n"
        },
    },
    Rewording { name: "a bullet before each line", apply: |t| t.lines().enumerate().map(|(i, l)| if i == 0 || l.trim().is_empty() || l.contains('<') { l.to_string() } else { format!("・{l}") }).collect::<Vec<_>>().join("\n") },
    Rewording {
        // As a PDF's text often comes out: spaces between a date's parts.
        name: "2024 年 1 月 2 日",
        apply: |t| reword(t, r"([0-9]{1,4})(年|月|日|時|分)", &|c, rest| if rest.starts_with('間') { c[0].to_string() } else { format!("{} {} ", &c[1], &c[2]) }),
    },
    Rewording { name: "約 as およそ", apply: |t| reword(t, r"約([0-9])", &|c, _| format!("およそ{}", &c[1])) },
    Rewording {
        name: "130万 as 1,300,000",
        apply: |t| {
            reword(t, r"(^|[^0-9,.])([0-9]+(?:\.[0-9])?)万", &|c, rest| {
                let whole = c[2].contains('.') || rest.starts_with(|ch: char| ch.is_ascii_digit() || "千".contains(ch));
                if whole {
                    return c[0].to_string();
                }
                let n: u64 = c[2].parse::<u64>().unwrap() * 10_000;
                let digits = n.to_string();
                let mut out = String::new();
                for (i, ch) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        out.push(',');
                    }
                    out.push(ch);
                }
                format!("{}{out}", &c[1])
            })
        },
    },
    Rewording { name: "1,000 as 1000", apply: |t| reword(t, r"([0-9]),([0-9]{3})", &|c, _| format!("{}{}", &c[1], &c[2])) },
    Rewording {
        // A page's list of its other notices (a sidebar, 関連記事).
        name: "other notices listed after",
        apply: |t| format!("{t}\n\n関連するお知らせ\n2004年4月1日 定期メンテナンスのお知らせ\n2004年5月10日 料金改定に関するお知らせ\n"),
    },
    Rewording { name: "お客様 as お客さま", apply: |t| t.replace("お客様", "お客さま") },
    Rewording { name: "復旧 as 回復", apply: |t| t.replace("復旧", "回復") },
    Rewording { name: "a title before", apply: |t| match t.split_once('\n') { Some((url, rest)) => format!("{url}\n\n【障害】サービスがご利用いただけない事象について（回復済み）\n{rest}"), None => t.to_string() } },
    Rewording {
        name: "a signature after",
        apply: |t| format!("{t}\n\n本件に関するお問い合わせ先\nカスタマーサポートセンター\n電話: 0120-123-456（受付時間 平日9:00～18:00、土日祝日を除く）\n以上\n"),
    },
    Rewording {
        // As a PDF or a mail wraps: at 76 columns (a full-width character
        // takes two), anywhere, even inside a number.
        name: "lines wrapped at 76",
        apply: |t| {
            let mut out = Vec::new();
            for line in t.lines() {
                if line.contains("http") || line.contains('<') {
                    out.push(line.to_string());
                    continue;
                }
                let mut cur = String::new();
                let mut cols = 0;
                for c in line.chars() {
                    let w = if c.is_ascii() { 1 } else { 2 };
                    if cols + w > 76 {
                        out.push(std::mem::take(&mut cur));
                        cols = 0;
                    }
                    cur.push(c);
                    cols += w;
                }
                out.push(cur);
            }
            out.join("\n")
        },
    },
];

/// Issue 31: generalization measured on the tuning notices reworded. A
/// rule that reads `10:05` but not `10時05分`, or loses a period when a
/// signature follows, was written for a notice, not for notices. For each
/// rewording, the fields read right before it and still right after.
#[test]
fn the_draft_reader_keeps_its_reading_when_a_notice_is_reworded() {
    let all = corpus();
    let (before, _) = score(&all);
    let mut report = String::new();
    let mut below = Vec::new();
    for r in REWORDINGS {
        let reworded: Vec<(String, String, Expected)> = corpus().into_iter().map(|(n, t, e)| (n, (r.apply)(&t), e)).collect();
        let changed = all.iter().zip(&reworded).filter(|(a, b)| a.1 != b.1).count();
        // A rewording that changes no notice tests nothing.
        assert!(changed >= 5, "{}: changes {changed} notices", r.name);
        report += &format!("{} ({changed} notices changed)\n", r.name);
        let (after, _) = score(&reworded);
        for field in ["carrier", "period", "duration", "count"] {
            let lost: Vec<&String> = after[field].wrong.iter().filter(|w| before[field].wrong.iter().all(|b| b != *w)).collect();
            let kept = before[field].right - lost.len();
            let share = kept as f64 / before[field].right.max(1) as f64;
            report += &format!("  {field:9} {kept:>3}/{:<3} {:5.1}%  {}\n", before[field].right, 100.0 * share, lost.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "));
            if share < 0.97 {
                below.push(format!("{} {field}", r.name));
            }
        }
    }
    println!("tuning notices reworded: fields still read right\n{report}");
    // Every rewording keeps at least 97% of each field it read right (all
    // of them when this was written).
    assert!(below.is_empty(), "{below:?}\n{report}");
}
