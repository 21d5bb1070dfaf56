//! Reading a carrier's notice (お知らせ, 障害報告, a press release, a news
//! item): the outages it tells of, each with its period and phases, its
//! counts with their units, who published it, and the sections for
//! content, cause and measures. Nothing is guessed: what is not found stays
//! empty, every field says the line it came from, and a year taken from the
//! page's date says so.

mod counts;
mod rules;
mod text;
mod when;
mod who;

use std::sync::LazyLock;

use regex::Regex;

pub use counts::{main_count, Count};
pub use text::{Day, Page};
pub use when::times;
pub use who::{key as carrier_key, Carrier};

use crate::records::Minute;
use text::Text;
use when::{Resolved, Span};

/// One phase of an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    pub start: Minute,
    pub end: Minute,
    /// 頃, ごろ, すぎ … was written at either end.
    pub approximate: bool,
    /// 1-based line it was read from.
    pub line: usize,
}

impl Phase {
    pub fn minutes(&self) -> u64 {
        (self.end.ordinal() - self.start.ordinal()).max(0) as u64
    }
}

/// One outage a notice tells of.
#[derive(Debug, Clone, Default)]
pub struct Incident {
    pub phases: Vec<Phase>,
    /// A start without a stated end (the notice was written while it went on).
    pub start_only: Option<(Minute, bool)>,
    /// Days without clock times (`9月19日から9月21日`).
    pub days: Option<(Day, Day)>,
    /// A length in words (`4時間25分にわたり`), and whether 約 was written.
    pub stated_minutes: Option<(u64, bool)>,
    /// The counts written about this outage.
    pub counts: Vec<Count>,
    /// The year is not written beside the period (taken from the page's
    /// date or from another date of the text).
    pub year_inferred: bool,
    /// 1-based line where the period was read (0: no period).
    pub line: usize,
}

impl Incident {
    /// The duration that counts: the longest phase (docs/incidents.md), or
    /// the length the notice states.
    pub fn duration_min(&self) -> Option<u64> {
        self.phases.iter().map(Phase::minutes).max().or(self.stated_minutes.map(|m| m.0))
    }
    pub fn started_at(&self) -> Option<Minute> {
        self.phases.iter().map(|p| p.start).min().or(self.start_only.map(|s| s.0))
    }
    pub fn approximate(&self) -> bool {
        self.phases.iter().any(|p| p.approximate) || self.start_only.is_some_and(|s| s.1) || self.stated_minutes.is_some_and(|m| m.1)
    }
    /// The count that stands for the affected users.
    pub fn main_count(&self) -> Option<&Count> {
        main_count(&self.counts)
    }
    pub fn has_period(&self) -> bool {
        !self.phases.is_empty() || self.start_only.is_some() || self.days.is_some()
    }
}

/// A code the notice suggests for a column, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub column: String,
    pub code: String,
    pub why: String,
    /// 1-based line.
    pub line: usize,
}

/// What a notice says, as far as it can be read.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub incidents: Vec<Incident>,
    pub carrier: Option<Carrier>,
    /// The page's address and host, when the notice gives them.
    pub url: Option<String>,
    pub host: Option<String>,
    /// The page's own date (publication), when found.
    pub page: Option<Page>,
    pub content: String,
    pub cause: String,
    pub measures: String,
    pub hints: Vec<Hint>,
}

impl Draft {
    /// The first outage's phases (most notices tell of one).
    pub fn phases(&self) -> &[Phase] {
        self.incidents.first().map_or(&[], |i| &i.phases)
    }
}

/// Read a notice.
pub fn read(lang: crate::lang::Lang, raw: &str) -> Draft {
    let rules = rules::builtin();
    let text = Text::new(raw);
    let ms = when::mentions(&text);
    let page = when::page(&text, &ms);
    // A year written beside a date of the text, before a stamp's; never
    // one of another notice listed on the page.
    let fallback_year = ms.iter().filter(|m| m.role != when::Role::Stamp).find_map(|m| m.own_year()).or_else(|| ms.iter().find_map(|m| m.own_year()));
    let rs = when::resolve_all(&ms, page.as_ref(), fallback_year);
    let mut incidents = assemble(&text, &ms, &rs, page.as_ref());
    // No year anywhere (neither the text nor the page's date): the days
    // stay unknown, but two times still give a length. They are read in
    // a stand-in year and only their length is kept.
    if page.is_none() && fallback_year.is_none() && incidents.iter().all(|i| i.stated_minutes.is_none()) {
        // A stand-in page's date too, so that days without a month
        // (`1日、同日午前9時…`) are read; the last of a month takes any day.
        let page_in = Page { day: (2001, 1, 31), line: 0, from: String::new() };
        let stand_in = when::resolve_all(&ms, Some(&page_in), Some(2001));
        incidents = assemble(&text, &ms, &stand_in, Some(&page_in))
            .into_iter()
            .filter(|i| !i.phases.is_empty())
            .map(|i| Incident { stated_minutes: i.duration_min().map(|m| (m, i.approximate())), line: i.line, ..Default::default() })
            .collect();
    }
    assign_counts(lang, rules, &text, &ms, &mut incidents);
    let (content, cause, measures) = sections(&text.lines);
    Draft {
        incidents,
        carrier: who::carrier(rules, &text),
        url: text.url.clone(),
        host: text.host().map(str::to_string),
        page,
        content,
        cause,
        measures,
        hints: hints(lang, rules, &text.lines),
    }
}

fn span_minutes(s: &Span) -> Option<(Minute, Minute)> {
    Some((s.start.minute()?, s.end?.minute()?))
}

/// The minute `minutes` after `m`.
fn later(m: Minute, minutes: u64) -> Minute {
    let t = m.ordinal() + minutes as i64;
    let (year, month, day) = crate::records::civil_from_days(t.div_euclid(1440));
    let r = t.rem_euclid(1440) as u32;
    Minute { year, month, day, hour: r / 60, minute: r % 60 }
}

fn day_of(m: &Minute) -> Day {
    (m.year, m.month, m.day)
}

/// Periods into outages: ranges written one after the other are phases,
/// a range inside an outage already read is a detail of it (a per-server
/// line, a first report's estimate), a repeated one is the same; a period
/// on another day that does not overlap is another outage.
fn assemble(text: &Text, ms: &[when::Mention], rs: &[Option<Resolved>], page: Option<&Page>) -> Vec<Incident> {
    let (found, prose) = when::spans(text, ms, rs, page);
    let spans: Vec<Span> = if found.iter().any(|s| span_minutes(s).is_some()) { found } else { prose };
    // Each outage with its block, whether labelled, and its envelope (first
    // start, last end), kept as phases join: recomputing envelopes and
    // searching every phase for each period made many periods quadratic.
    let mut out: Vec<(Incident, usize, bool, (Minute, Minute))> = Vec::new();
    let mut phases_read: std::collections::HashSet<(Minute, Minute)> = std::collections::HashSet::new();
    let mut start_only: Option<&Span> = None;
    for s in &spans {
        let Some((a, b)) = span_minutes(s) else {
            if s.end.is_none() && s.start.time.is_some() {
                start_only = start_only.or(Some(s));
            }
            continue;
        };
        let phase = Phase { start: a, end: b, approximate: s.approximate, line: s.line + 1 };
        if phases_read.contains(&(a, b)) {
            continue;
        }
        // Inside an outage read already, from a later start: a detail
        // (a per-server line, a first report's estimate). From the same
        // start it is a phase (services that recovered at other times).
        if out.iter().any(|(_, _, labelled, (es, ee))| (*es < a || *labelled && *es == a) && b <= *ee) {
            continue;
        }
        let joins = out.iter().position(|(_, block, _, (es, ee))| *block == s.block || (a <= *ee && b >= *es));
        phases_read.insert((a, b));
        match joins {
            Some(k) => {
                let o = &mut out[k];
                o.0.phases.push(phase);
                o.0.year_inferred |= s.start.year_inferred;
                o.1 = s.block;
                o.3 = (o.3 .0.min(a), o.3 .1.max(b));
            }
            None => out.push((Incident { phases: vec![phase], year_inferred: s.start.year_inferred, line: s.line + 1, ..Default::default() }, s.block, s.labelled, (a, b))),
        }
    }
    let mut incidents: Vec<Incident> = out.into_iter().map(|(i, ..)| i).collect();
    if incidents.is_empty() {
        if let Some(s) = start_only {
            if let Some(m) = s.start.minute() {
                incidents.push(Incident { start_only: Some((m, s.approximate)), year_inferred: s.start.year_inferred, line: s.line + 1, ..Default::default() });
            }
        }
    }
    // Days without times: an outage of their own when no period above
    // covers them. A day more than a month before the outages with clock
    // times is a past one recalled (`2022年7月2日に発生した…障害を受け`).
    let first_timed = incidents.iter().filter_map(|i| i.started_at()).min().map(|m| crate::records::days_from_civil(m.year, m.month, m.day));
    for (from, to, length, line) in when::day_spans(text, ms, rs, page) {
        // A day alone before them, with no length, is an earlier trouble
        // told as background (`6月19日から高負荷が続き、…7月6日20時から停止`).
        let alone = from == to && length.is_none();
        let before = |t: i64| {
            let to = crate::records::days_from_civil(to.0, to.1, to.2);
            to + 31 < t || (to < t && alone)
        };
        if first_timed.is_some_and(before) {
            continue;
        }
        let covered = incidents.iter().any(|i| {
            let days: Vec<Day> = i.phases.iter().flat_map(|p| [day_of(&p.start), day_of(&p.end)]).chain(i.start_only.map(|s| day_of(&s.0))).collect();
            let (lo, hi) = (days.iter().min().copied(), days.iter().max().copied());
            matches!((lo, hi), (Some(lo), Some(hi)) if from <= hi && to >= lo)
        });
        if covered {
            continue;
        }
        if let Some(same) = incidents.iter_mut().find(|i| i.days == Some((from, to))) {
            same.stated_minutes = same.stated_minutes.or(length);
            continue;
        }
        incidents.push(Incident { days: Some((from, to)), stated_minutes: length, line: line + 1, year_inferred: rs.iter().flatten().any(|r| r.day == from && r.year_inferred), ..Default::default() });
    }
    // A start and a length (`約9時間後に復旧`, `障害時間: 約2時間` on a line
    // of its own nearby): the end is known. Days and a length: the length.
    let near = |line: usize| (line.saturating_sub(4)..(line + 3).min(text.lines.len())).find_map(|k| when::duration_in(&text.lines[k]).map(|d| (d, k)));
    for i in incidents.iter_mut() {
        if i.days.is_some() && i.stated_minutes.is_none() && i.phases.is_empty() {
            i.stated_minutes = near(i.line).map(|d| d.0);
        }
        let Some((start, approx)) = i.start_only else { continue };
        if let Some(((minutes, about), k)) = near(i.line) {
            let end = later(start, minutes);
            i.phases.push(Phase { start, end, approximate: approx || about, line: k + 1 });
            i.start_only = None;
        }
    }
    // A length with no day or time at all: an outage whose start is not
    // known (the answers say so).
    if incidents.is_empty() {
        if let Some((k, d)) = text.lines.iter().enumerate().find_map(|(k, l)| when::duration_in(l).map(|d| (k, d))) {
            incidents.push(Incident { stated_minutes: Some(d), line: k + 1, ..Default::default() });
        }
    }
    incidents.sort_by_key(|i| i.line);
    incidents
}

/// The longest sentence looked at around a count, in bytes.
const SENTENCE: usize = 600;

/// Each count to the outage it is written about: the nearest period
/// before it (the first when none is before). Counts in a sentence about
/// another time (先月, 今年2月 …) are left out.
fn assign_counts(lang: crate::lang::Lang, rules: &rules::NoticeRules, text: &Text, ms: &[when::Mention], incidents: &mut Vec<Incident>) {
    let mut all: Vec<Count> = Vec::new();
    for (no, line) in text.lines.iter().enumerate() {
        let (lo, hi) = (ms.partition_point(|m| m.line < no), ms.partition_point(|m| m.line <= no));
        let here = &ms[lo..hi];
        // Dates and times are not counts: blanked, in one pass.
        let urls = text::blank_urls(line);
        let mut blank = String::with_capacity(urls.len());
        let mut at = 0;
        for m in here {
            blank.push_str(&urls[at..m.start]);
            blank.extend(std::iter::repeat_n(' ', m.end - m.start));
            at = m.end;
        }
        blank.push_str(&urls[at..]);
        for c in counts::counts_of_line(lang, rules, no, &blank) {
            let before = text::tail(&blank[..c.at], SENTENCE);
            let sentence_start = c.at - before.len() + before.rfind('。').map_or(0, |k| k + '。'.len_utf8());
            let after = text::head(&blank[c.at..], SENTENCE);
            let sentence_end = c.at + after.find('。').unwrap_or(after.len());
            let sentence = &line[sentence_start..sentence_end];
            let foreign = rules.foreign.iter().any(|w| sentence.contains(w.as_str()))
                || here.iter().any(|m| m.start >= sentence_start && m.end <= sentence_end && m.is_foreign());
            // `100万以上 … 重大な事故`: a threshold of the rules quoted.
            let mut c = c;
            // A threshold is a round figure with 以上, never 最大 or 約.
            let quoted = c.at_least && !c.at_most && !c.approximate && c.text.ends_with("以上");
            if c.users && quoted && rules.thresholds.iter().any(|w| sentence.contains(w.as_str())) {
                c.users = false;
                c.not_users = Some(crate::say!(lang, "a threshold quoted from the rules, not the affected", "規則の基準の引用で、影響した数ではありません"));
            }
            if !foreign {
                all.push(c);
            }
        }
    }
    if incidents.is_empty() {
        incidents.push(Incident::default());
    }
    // The outages are in line order (`assemble`): the last one at or above
    // a count is found by halving, not by a scan per count.
    for c in all {
        let k = match incidents.partition_point(|i| i.line <= c.line) {
            0 => 0,
            k if incidents[k - 1].line > 0 => k - 1,
            _ => 0,
        };
        incidents[k].counts.push(c);
    }
}

/// Heading keywords of the sections a record needs.
const CONTENT: &[&str] = &["障害内容", "内容", "事象", "状況・症状", "発生事象"];
const CAUSE: &[&str] = &["障害原因", "発生原因", "原因", "経緯・原因", "故障原因"];
const MEASURES: &[&str] = &["再発防止策", "今後の対応策", "今後の対策", "対策"];

/// A heading line: short, maybe numbered or marked, naming a section.
fn heading(line: &str) -> Option<&str> {
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || ".)(■【[- ◇・".contains(c)).trim();
    let t = t.trim_end_matches(['】', ']', ':']).trim();
    (!t.is_empty() && t.chars().count() <= 16 && line.trim().chars().count() <= 24).then_some(t)
}

fn sections(lines: &[String]) -> (String, String, String) {
    let find = |keys: &[&str]| -> String {
        for (i, l) in lines.iter().enumerate() {
            // A labelled line (`原因: …`, a table's `<th>原因</th><td>…`).
            if let Some((label, body)) = labelled(l) {
                if keys.iter().any(|k| label == *k || label.ends_with(k) && label.chars().count() <= k.chars().count() + 4) {
                    return body.to_string();
                }
            }
            let Some(h) = heading(l) else { continue };
            if keys.iter().any(|k| h == *k || h.ends_with(k) && h.chars().count() <= k.chars().count() + 4) {
                let body: Vec<&str> = lines[i + 1..]
                    .iter()
                    .take_while(|l| !is_numbered_heading(l) && !heading(l).is_some_and(|h| h.starts_with('■') || l.trim_start().starts_with('■')))
                    .map(|l| l.trim())
                    .filter(|l| !l.is_empty())
                    .collect();
                return body.join("\n");
            }
        }
        String::new()
    };
    (find(CONTENT), find(CAUSE), find(MEASURES))
}

/// `原因: …` or `原因 | …`: a short label and the text after it.
fn labelled(line: &str) -> Option<(&str, &str)> {
    let t = line.trim().trim_start_matches(|c: char| "■●◆・-*【[ ".contains(c));
    let (label, body) = t.split_once(": ").or_else(|| t.split_once(" | ")).or_else(|| t.split_once(':'))?;
    let label = label.trim().trim_end_matches(['】', ']']).trim();
    let body = body.trim().trim_end_matches('|').trim();
    (!label.is_empty() && label.chars().count() <= 12 && !body.is_empty()).then_some((label, body))
}

fn is_numbered_heading(line: &str) -> bool {
    let t = line.trim().trim_start_matches('#').trim();
    let numbered = t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.chars().nth(1).is_some_and(|c| c == '.' || c == ' ');
    (numbered && t.chars().count() <= 24) || t == "以上" || t.starts_with('■')
}

/// Codes the notice suggests, each with its reason and line (the first
/// line that gives it).
fn hints(lang: crate::lang::Lang, rules: &rules::NoticeRules, lines: &[String]) -> Vec<Hint> {
    static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{m\}").expect("valid"));
    let mut out: Vec<Hint> = Vec::new();
    for h in &rules.hints {
        if out.iter().any(|o| o.column == h.column && o.code == h.code) {
            continue;
        }
        for (no, l) in lines.iter().enumerate() {
            if h.unless.as_ref().is_some_and(|u| u.is_match(l)) {
                continue;
            }
            // The first mention whose sentence does not say the service
            // was unaffected (`音声通話への影響はございません`).
            let Some(c) = h.pattern.captures_iter(l).find(|c| {
                let at = c.get(0).expect("match");
                let rest = &l[at.end()..];
                let sentence = &rest[..rest.find('。').unwrap_or(rest.len())];
                !rules.negations.iter().any(|w| sentence.contains(w.as_str()))
            }) else {
                continue;
            };
            let m = c.get(1).or(c.get(0)).map_or("", |m| m.as_str());
            let why = if lang.ja() { &h.why_ja } else { &h.why };
            out.push(Hint { column: h.column.clone(), code: h.code.clone(), why: PLACEHOLDER.replace_all(why, regex::NoExpand(m)).into_owned(), line: no + 1 });
            break;
        }
    }
    out
}
