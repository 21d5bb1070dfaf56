//! Reading a carrier's notice (お知らせ, 障害報告): the outage period and
//! its phases from 西暦 and 和暦 dates and times, the affected counts with
//! their units, and the sections for content, cause and measures. Nothing
//! is guessed: what is not found stays empty, and the caller lists it.

use std::sync::LazyLock;

use regex::Regex;

use crate::records::normalize::nfkc;
use crate::records::Minute;

/// One date-and-time mention, as written (parts may be left out and are
/// carried from the mention before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mention {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    hour: u32,
    minute: u32,
    approximate: bool,
    start: usize,
    end: usize,
}

/// One phase of the outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    pub start: Minute,
    pub end: Minute,
    /// 頃 or 時点 was written at either end.
    pub approximate: bool,
}

impl Phase {
    pub fn minutes(&self) -> u64 {
        (self.end.ordinal() - self.start.ordinal()).max(0) as u64
    }
}

/// An affected count with its unit, as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub value: u64,
    pub unit: String,
    /// 約 / およそ was written.
    pub approximate: bool,
    /// 最大 was written.
    pub at_most: bool,
    pub text: String,
}

/// What a notice says, as far as it can be read.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub phases: Vec<Phase>,
    pub counts: Vec<Count>,
    pub content: String,
    pub cause: String,
    pub measures: String,
    /// Codes whose label or alias appears in the text (hints only), for
    /// the columns services, cause and equipment.
    pub hints: Vec<(&'static str, Vec<&'static str>)>,
}

impl Draft {
    /// The count that stands for the affected users: people, lines or
    /// companies before anything else.
    pub fn main_count(&self) -> Option<&Count> {
        ["人", "名", "回線", "ユーザー", "社", "件", "通"]
            .iter()
            .find_map(|u| self.counts.iter().find(|c| c.unit == *u))
    }
    /// The duration that counts: the longest phase (docs/incidents.md).
    pub fn duration_min(&self) -> Option<u64> {
        self.phases.iter().map(Phase::minutes).max()
    }
}

static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?P<era>令和|平成|昭和) [\ \t]* (?P<ey>元|\d{1,2}) [\ \t]* 年 [\ \t]*
          | (?P<y>\d{4}) [\ \t]* (?:年|/) [\ \t]* )?
        (?: (?P<mo>\d{1,2}) [\ \t]* (?:月|/) [\ \t]* (?P<d>\d{1,2}) [\ \t]* 日? [\ \t]*
            (?: \( [^()\n]{1,3} \) )? [\ \t]* )?
        (?P<h>\d{1,2}) [\ \t]* (?: 時 [\ \t]* (?: (?P<mi>\d{1,2}) [\ \t]* 分 )? | : (?P<mi2>\d{2}) )
        [\ \t]* (?P<approx>頃|ごろ|時点)?",
    )
    .expect("valid")
});

/// Between the ends of a range: a footnote mark, then 〜, ~, - or から.
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\ \t]*(?:\^\{[^}]{0,8}\}[\ \t]*)?(?:~|〜|-|–|―|から)[\ \t]*$").expect("valid"));

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<pre>約|およそ|最大)?[\ \t]*(?P<a>\d[\d,]*)[\ \t]*(?:(?P<man>万)[\ \t]*(?P<b>\d[\d,]*)?)?[\ \t]*(?P<unit>人|名|回線|ユーザー|社|件|通)")
        .expect("valid")
});

fn mentions(text: &str) -> Vec<Mention> {
    let num = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u32>().ok());
    MENTION
        .captures_iter(text)
        .filter_map(|c| {
            let year = match (c.name("era"), c.name("ey"), c.name("y")) {
                (Some(era), Some(ey), _) => {
                    let n = if ey.as_str() == "元" { 1 } else { ey.as_str().parse().ok()? };
                    let first = match era.as_str() {
                        "令和" => 2019,
                        "平成" => 1989,
                        _ => 1926,
                    };
                    Some(first + n - 1)
                }
                (_, _, Some(y)) => y.as_str().parse().ok(),
                _ => None,
            };
            let (month, day) = (num(c.name("mo")), num(c.name("d")));
            let hour = num(c.name("h"))?;
            let minute = num(c.name("mi")).or(num(c.name("mi2"))).unwrap_or(0);
            if hour > 24 || minute > 59 || month.is_some_and(|m| !(1..=12).contains(&m)) || day.is_some_and(|d| !(1..=31).contains(&d)) {
                return None;
            }
            let m = c.get(0)?;
            Some(Mention { year, month, day, hour, minute, approximate: c.name("approx").is_some(), start: m.start(), end: m.end() })
        })
        .collect()
}

/// Fill what a mention leaves out from the one before it.
fn resolve(m: &Mention, before: Option<&Minute>) -> Option<Minute> {
    let (year, month, day) = match (m.year, m.month, m.day, before) {
        (Some(y), Some(mo), Some(d), _) => (y, mo, d),
        (None, Some(mo), Some(d), Some(b)) => (if mo < b.month { b.year + 1 } else { b.year }, mo, d),
        (None, None, None, Some(b)) => (b.year, b.month, b.day),
        _ => return None,
    };
    let (hour, minute) = if m.hour == 24 { (23, 59) } else { (m.hour, m.minute) };
    let mut t = Minute::parse(&format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}"))?;
    // A time of the day before's date that is earlier runs past midnight.
    if let (None, Some(b)) = (m.month, before) {
        if t < *b {
            let next = crate::records::civil_from_days(crate::records::days_from_civil(t.year, t.month, t.day) + 1);
            t = Minute { year: next.0, month: next.1, day: next.2, ..t };
        }
    }
    Some(t)
}

/// Every date and time the text names, with the date and year carried
/// from the mention before (障害情報 lines, 経緯 lists).
pub fn times(text: &str) -> Vec<Minute> {
    let text = nfkc(text).to_string();
    let mut out: Vec<Minute> = Vec::new();
    for m in mentions(&text) {
        if let Some(t) = resolve(&m, out.last()) {
            out.push(t);
        }
    }
    out
}

/// Read a notice.
pub fn read(text: &str) -> Draft {
    let plain = strip_markup(text);
    let text = nfkc(&plain).to_string();
    let ms = mentions(&text);
    // Ranges: two mentions with only a range mark between them.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for i in 0..ms.len().saturating_sub(1) {
        if RANGE.is_match(&text[ms[i].end..ms[i + 1].start]) {
            ranges.push((i, i + 1));
        }
    }
    let mut phases = Vec::new();
    let mut last_end = 0;
    let mut before: Option<Minute> = None;
    for (k, &(a, b)) in ranges.iter().enumerate() {
        // Later ranges are phases of the first when only spaces, line
        // breaks or a separator stand between them.
        if k > 0 {
            let gap = &text[last_end..ms[a].start];
            if gap.chars().filter(|c| !c.is_whitespace() && !"/、,・及び".contains(*c)).count() > 0 {
                break;
            }
        }
        let Some(s) = resolve(&ms[a], before.as_ref()) else { break };
        let Some(e) = resolve(&ms[b], Some(&s)) else { break };
        if e < s {
            break;
        }
        phases.push(Phase { start: s, end: e, approximate: ms[a].approximate || ms[b].approximate });
        before = Some(e);
        last_end = ms[b].end;
    }
    let mut draft = Draft { phases, ..Default::default() };
    if let Some(&(a, _)) = ranges.first() {
        draft.counts = counts_near(&text, ms[a].start);
    }
    let sections = sections(&text);
    draft.content = sections.0;
    draft.cause = sections.1;
    draft.measures = sections.2;
    draft.hints = ["services", "cause", "equipment"].into_iter().map(|c| (c, hints(&text, c))).collect();
    draft
}

/// The counts of the paragraph that states the period, leaving out
/// sentences about totals (総計, 全体, 相当).
fn counts_near(text: &str, at: usize) -> Vec<Count> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut out = Vec::new();
    for sentence in text[start..end].split('。') {
        if ["総計", "全体", "相当"].iter().any(|w| sentence.contains(w)) {
            continue;
        }
        for c in COUNT.captures_iter(sentence) {
            let digits = |m: Option<regex::Match>| m.map(|m| m.as_str().replace(',', "")).and_then(|s| s.parse::<u64>().ok());
            let a = digits(c.name("a")).unwrap_or(0);
            let value = match c.name("man") {
                Some(_) => a * 10_000 + digits(c.name("b")).unwrap_or(0),
                None => a,
            };
            let pre = c.name("pre").map(|m| m.as_str());
            out.push(Count {
                value,
                unit: c["unit"].to_string(),
                approximate: matches!(pre, Some("約") | Some("およそ")),
                at_most: pre == Some("最大"),
                text: c[0].trim().to_string(),
            });
        }
    }
    out
}

/// Heading keywords of the sections a record needs.
const CONTENT: &[&str] = &["障害内容", "内容", "事象"];
const CAUSE: &[&str] = &["障害原因", "発生原因", "原因"];
const MEASURES: &[&str] = &["再発防止策", "今後の対応策", "今後の対策", "対策"];

/// A heading line: short, maybe numbered or marked, naming a section.
fn heading(line: &str) -> Option<&str> {
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')' || c == '(' || c == '■' || c == '【' || c == ' ').trim();
    let t = t.trim_end_matches('】').trim();
    (!t.is_empty() && t.chars().count() <= 16 && line.trim().chars().count() <= 24).then_some(t)
}

fn sections(text: &str) -> (String, String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let find = |keys: &[&str]| -> String {
        for (i, l) in lines.iter().enumerate() {
            let Some(h) = heading(l) else { continue };
            if keys.iter().any(|k| h == *k || h.ends_with(k) && h.chars().count() <= k.chars().count() + 4) {
                let body: Vec<&str> = lines[i + 1..]
                    .iter()
                    .take_while(|l| !is_numbered_heading(l))
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

fn is_numbered_heading(line: &str) -> bool {
    let t = line.trim().trim_start_matches('#').trim();
    let numbered = t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.chars().nth(1).is_some_and(|c| c == '.' || c == ' ');
    (numbered && t.chars().count() <= 24) || t == "以上"
}

/// HTML as text: tags dropped, a few entities decoded.
fn strip_markup(text: &str) -> String {
    if !text.contains("</") && !text.contains("<br") {
        return text.to_string();
    }
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<(script|style)[^>]*>.*?</(script|style)>|<br\s*/?>|</p>|</div>|</li>|</h\d>|<[^>]*>").expect("valid"));
    let out = TAG.replace_all(text, |c: &regex::Captures| {
        let t = c[0].to_ascii_lowercase();
        if t.starts_with("<br") || t.starts_with("</p") || t.starts_with("</div") || t.starts_with("</li") || t.starts_with("</h") {
            "\n"
        } else {
            ""
        }
    });
    out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Codes of `column` whose label or alias the text names.
fn hints(text: &str, column: &str) -> Vec<&'static str> {
    let tax = &crate::rules::book().taxonomy;
    let labels: Vec<(&'static str, &'static str)> = match column {
        "services" => tax.services.iter().map(|s| (s.code.as_str(), s.label.as_str())).collect(),
        "cause" => tax.causes.iter().map(|c| (c.code.as_str(), c.label.as_str())).collect(),
        _ => tax.equipment.iter().map(|c| (c.code.as_str(), c.label.as_str())).collect(),
    };
    let mut out = Vec::new();
    for (code, label) in labels {
        let aliases = tax.aliases.iter().filter(|a| a.column == column && a.code == code).flat_map(|a| a.spellings.iter().map(String::as_str));
        // Short spellings (`050`, `電源`) would match too much text.
        if std::iter::once(label).chain(aliases).filter(|n| n.chars().count() >= 3).any(|n| text.contains(n)) {
            out.push(code);
        }
    }
    out
}
