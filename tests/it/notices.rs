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
    // The floors this reader reaches on the whole tuning corpus of 112
    // notices, the 25 of round 3 among them (README,
    // "Drafting from notices"); a change that reads fewer notices right
    // fails here.
    let floors = [
        ("period", 0.84),
        ("duration", 0.94),
        ("carrier", 0.90),
        ("count", 0.92),
        ("unit and marks (約, 最大)", 0.78),
        ("incidents", 0.90),
        ("no period said so", 1.0),
        ("not users left out", 0.82),
        ("year from the page said so", 0.94),
        ("marks (頃)", 0.83),
        ("services hinted", 0.85),
    ];
    check_floors(&scores, &phases, &floors, 0.93, &report);
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
    // durations, 26/55 periods, 20/37 phases.
    let floors = [("period", 0.47), ("duration", 0.48), ("carrier", 0.78), ("count", 0.81)];
    check_floors(&scores, &phases, &floors, 0.54, &report);
}
