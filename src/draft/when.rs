//! When the outage was: every date and time the notice writes, told apart
//! from the stamps that are not the outage (publication, updates, 現在,
//! 時点, deadlines, a law's date), then read into periods: ranges (`A～B`,
//! `AからBまで`), labelled lines (発生日時 … / 復旧日時 …) and, failing
//! both, a start and an end in the prose (`…頃から…` / `…に復旧`).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::rules::{builtin, NoticeRules};
use super::text::{head, tail, Page, Text};
pub use super::text::Day;
use crate::records::{civil_from_days, days_from_civil, Minute};


/// What a mention is to the outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Publication, update, 現在/時点, a deadline, a plan, a law's date.
    Stamp,
    /// Followed by から, 発生 …: a start in prose.
    Start,
    /// Followed by 復旧, 回復, 解消 …: an end in prose.
    End,
    Plain,
}

/// How a mention names its day, when it does not write it in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relative {
    None,
    /// 同日, 当日, 本日.
    Same,
    /// 翌日.
    Next,
    /// 前日.
    Before,
    /// 先月N日, 昨年…: a day of another time, not of this outage.
    Foreign,
}

/// One date or time as written, its parts left out where the text does.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    relative: Relative,
    /// Hour (0–24) and minute, after 午前/午後.
    time: Option<(u32, u32)>,
    /// 午後 (or another afternoon word) was written.
    pm: Option<bool>,
    pub approximate: bool,
    pub role: Role,
    /// A date of a list of other notices (`2024.04.20 障害発生のお知らせ`).
    listed: bool,
}

impl Mention {
    pub(crate) fn is_foreign(&self) -> bool {
        self.relative == Relative::Foreign
    }
    /// A year the notice writes that may stand for its outage's: not one
    /// of another notice in a list of them.
    pub(crate) fn own_year(&self) -> Option<i32> {
        self.year.filter(|_| !self.listed)
    }
}

/// A mention's day and time once the parts it leaves out are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub day: Day,
    pub time: Option<(u32, u32)>,
    /// The year came from the page's date or another mention.
    pub year_inferred: bool,
}

impl Resolved {
    pub fn minute(&self) -> Option<Minute> {
        let (h, m) = self.time?;
        let (y, mo, d) = if h == 24 { civil_from_days(days_from_civil(self.day.0, self.day.1, self.day.2) + 1) } else { self.day };
        Some(Minute { year: y, month: mo, day: d, hour: h % 24, minute: m })
    }
}

static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:
            (?P<era>令和|平成|昭和)\s*(?P<ey>元|\d{1,2})\s*年\s*(?P<emo>\d{1,2})\s*月\s*(?P<ed>\d{1,2})\s*日
          | (?P<y>(?:19|20)\d{2})\s*年\s*(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?P<nichi>日)?
          | (?P<y2>(?:19|20)\d{2})[/.\-](?P<mo2>\d{1,2})[/.\-](?P<d2>\d{1,2})
          | (?P<rel>同日|当日|翌日|前日|本日|同)
          | (?P<relm>今月|先月|翌月|翌|前月)\s*(?P<rd>\d{1,2})\s*日
          | (?P<mo3>\d{1,2})\s*月\s*(?P<d3>\d{1,2})\s*(?P<nichi3>日)?
          | (?P<mo4>\d{1,2})/(?P<d4>\d{1,2})
          | (?P<d5>\d{1,2})\s*日
        )?
        (?P<wd>\s*\((?:[月火水木金土日](?:曜日?)?|祝|休)[^()\n]{0,4}\))?
        (?P<time>
            \s*(?:の)?\s*
            (?P<ap>午前|午後|AM|PM|am|pm|深夜|未明|早朝|朝|夜|夕方|昼)?\s*
            (?:
                (?P<h>\d{1,2})\s*(?:時(?P<jikan>間)?(?:(?P<mi>\d{1,2})分?|\s*(?P<mi3>\d{1,2})\s*分|\s*(?P<half>半))?|:(?P<mi2>\d{2})(?::\d{2})?(?:\s*分)?)
              | (?P<noon>正午)
            )
            (?:\s*\(24時間表記\))?
            \s*(?P<approx>頃|ごろ|ころ|前後|すぎ|過ぎ|過)?
        )?",
    )
    .expect("valid")
});

/// After a mention: it is not the outage's time.
static STAMP_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\)|\])?\s*(?:(?:に|の)\s*(?:発表|公表|掲載|更新|お知らせ)|現在|時点|点|の時点|更新|最終更新|掲載|公開|発表分|発表|追記|作成|受付|付け|付|お知らせ|法律|省令|政令|告示|郵政省令|中旬|上旬|下旬|以内|を目[処途]|目[処途]|めど|をめど|予定|見込|の予想|の予定|の見込|の見通|予想)")
        .expect("valid")
});
/// Before a mention: a label of the page's own dates, office hours, or a
/// latest end announced (最長).
static STAMP_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let office = NoticeRules::alternatives(&builtin().periods.office_hours);
    let latest = NoticeRules::alternatives(&builtin().periods.latest);
    Regex::new(&format!(r"(?:最終更新日?|更新日時?|掲載日|公開日|発表日|作成日|報告日時|執筆時点|{office}|{latest}|\[|»|(?i:date|updated|posted))\s*[:(]?\s*$")).expect("valid")
});
/// After a date and a space: a notice's title.
static LISTED_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+[^\s。][^。]{0,60}(?:について|のお知らせ|のお詫び|に関するお知らせ|に関して|ご報告)\s*(?:\([^()]{0,12}\))?\s*$").expect("valid"));
/// `…までに` not followed by a recovery: a deadline.
static BY_DEADLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*までに([^。]{0,16})").expect("valid"));
// `10:15~ 現在`, `10:15~` at a line's end: a start still going on.
static START_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let began = NoticeRules::alternatives(&builtin().periods.started);
    let at_once = NoticeRules::alternatives(&builtin().periods.started_at_once);
    Regex::new(&format!(r"^\s*(?:(?:から|より|以来)|(?:{at_once})|~\s*(?:$|現在|継続|未定|調査中|、)|[:]?\s*[^。「」\n]{{0,24}}?(?:{began})|[^。「」\n]{{0,70}}?切断)")).expect("valid")
});
static START_AFTER_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^。\n]{0,100}?(?:障害|不具合|故障|トラブル)が(?:発生|起き|起こ)").expect("valid"));
static START_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:起きた|発生した|切断された|始まった|停止した)の?は\s*$").expect("valid"));
static END_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let back = NoticeRules::alternatives(&builtin().periods.recovered);
    Regex::new(&format!(r"^\s*(?:、|,)?\s*(?:に|まで|までに|には)?\s*[:]?[^。「」\n]{{0,28}}?(?:{back})([^。\n]{{0,6}})")).expect("valid")
});
static END_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let back = NoticeRules::alternatives(&builtin().periods.recovered);
    Regex::new(&format!(r"(?:{back})(?:したの|日時|時刻|が|は)[^。、\n]{{0,2}}$")).expect("valid")
});
/// After a range: it is the time the service came back over (`午前2時55分
/// から午前4時23分にかけて復旧`), not the outage's start.
static RECOVERY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let back = NoticeRules::alternatives(&builtin().periods.recovered);
    Regex::new(&format!(r"^\s*(?:頃|ごろ)?\s*(?:にかけて|まで|の間)\s*(?:に|で)?\s*、?\s*(?:順次|段階的に|徐々に)?\s*(?:{back})(?:した|しま|いた|させ|を確認)")).expect("valid")
});
/// Between the ends of a range.
static RANGE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\^\{[^}]{0,8}\}\s*)?(?:\(※\d?\)\s*)?(?:発生|開始)?\s*(?:~|〜|-|–|―|−|から|より)\s*(?:翌)?\s*$").expect("valid")
});
/// After a range's end: まで, にかけて, の間 … (nothing is needed).
static AFTER_DAY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(?:の)?\s*(?:から|~|〜|-|にかけ|まで|\()").expect("valid"));
static FOREIGN_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:昨年|去年|前年|一昨年|今年|先週)\s*$").expect("valid"));

/// Bytes read around a mention for its role (the longest pattern looks
/// 70 characters ahead).
const WINDOW: usize = 320;

fn num(c: &Captures, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| m.as_str().parse().ok())
}

/// MENTION's non-empty matches, as `captures_iter` gives them. Every part
/// of MENTION is optional, so it matches the empty string at every place
/// and `captures_iter` ran the slow capturing engine once per character;
/// here it is run only where a match can start (a digit, a space, `(`,
/// の, or the first character of one of its words).
fn mention_captures(line: &str) -> Vec<Captures<'_>> {
    const FIRST: &str = "令平昭同当翌前本今先午AaPp深未早朝夜夕昼正(の";
    let mut out = Vec::new();
    let mut from = 0;
    for (at, ch) in line.char_indices() {
        if at < from || !(ch.is_numeric() || ch.is_whitespace() || FIRST.contains(ch)) {
            continue;
        }
        let Some(c) = MENTION.captures_at(line, at) else { continue };
        let whole = c.get(0).expect("match");
        if whole.start() == at && whole.end() > at {
            from = whole.end();
            out.push(c);
        }
    }
    out
}

/// The mentions of one line.
fn line_mentions(no: usize, line: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for c in mention_captures(line) {
        let Some(whole) = c.get(0) else { continue };
        if whole.as_str().trim().is_empty() {
            continue;
        }
        let (start, end) = (whole.start() + (whole.as_str().len() - whole.as_str().trim_start().len()), whole.start() + whole.as_str().trim_end().len());
        // A number glued to digits before or after is part of something else.
        let next_digit = line[end..].chars().next().is_some_and(|ch| ch.is_ascii_digit());
        let prev_digit = line[..start].chars().next_back().is_some_and(|ch| ch.is_ascii_digit() || ch == '.');
        if next_digit || prev_digit {
            continue;
        }
        if c.name("jikan").is_some() {
            continue; // N時間 is a length
        }
        let mut year = None;
        if let (Some(era), Some(ey)) = (c.name("era"), c.name("ey")) {
            let n: i32 = if ey.as_str() == "元" { 1 } else { ey.as_str().parse().unwrap_or(0) };
            let first = match era.as_str() {
                "令和" => 2019,
                "平成" => 1989,
                _ => 1926,
            };
            year = Some(first + n - 1);
        }
        year = year.or(num(&c, "y").map(|v| v as i32)).or(num(&c, "y2").map(|v| v as i32));
        let month = num(&c, "emo").or(num(&c, "mo")).or(num(&c, "mo2")).or(num(&c, "mo3")).or(num(&c, "mo4"));
        let mut day = num(&c, "ed").or(num(&c, "d")).or(num(&c, "d2")).or(num(&c, "d3")).or(num(&c, "d4")).or(num(&c, "d5")).or(num(&c, "rd"));
        let relative = match (c.name("rel").map(|m| m.as_str()), c.name("relm").map(|m| m.as_str())) {
            (Some("同日" | "当日" | "本日" | "同"), _) => Relative::Same,
            (Some("翌日"), _) => Relative::Next,
            (Some("前日"), _) => Relative::Before,
            (_, Some("先月" | "前月")) => Relative::Foreign,
            _ => Relative::None,
        };
        let time = if c.name("time").is_some() {
            let pm_word = c.name("ap").map(|m| m.as_str());
            let (mut h, mi) = match (num(&c, "h"), c.name("noon")) {
                (_, Some(_)) => (12, 0),
                (Some(h), None) => (h, num(&c, "mi").or(num(&c, "mi2")).or(num(&c, "mi3")).unwrap_or(if c.name("half").is_some() { 30 } else { 0 })),
                _ => continue,
            };
            match pm_word {
                Some("午後" | "PM" | "pm" | "夕方") if h < 12 => h += 12,
                Some("夜") if (6..12).contains(&h) => h += 12,
                _ => {}
            }
            if h > 24 || mi > 59 || (h == 24 && mi > 0) {
                continue;
            }
            Some((h, mi))
        } else {
            None
        };
        if month.is_some_and(|m| !(1..=12).contains(&m)) || day.is_some_and(|d| !(1..=31).contains(&d)) {
            continue;
        }
        // `同14:27` (a list's end): 同 alone is the same day only before a
        // time (同社, 同様 are not dates).
        if c.name("rel").is_some_and(|r| r.as_str() == "同") && time.is_none() {
            continue;
        }
        // `7月10(水)15:30`: a day without 日 only before its weekday.
        let no_nichi = (c.name("d").is_some() && c.name("nichi").is_none()) || (c.name("d3").is_some() && c.name("nichi3").is_none());
        if no_nichi && c.name("wd").is_none() {
            continue;
        }
        // `3日間`: a length, not a day.
        if line[end..].starts_with('間') && time.is_none() {
            continue;
        }
        // A day alone (`25日`) is a date only before a time or a range.
        if c.name("d5").is_some() && time.is_none() {
            // `21日夕`, `19日朝`: a day with a part of it.
            // `1日午前、`, `1日未明`, `1日に発生した障害`: a day said of the outage.
            let rest = &line[end..];
            let of_outage = ["午前", "午後", "の午前", "の午後", "の朝", "の夜", "の夕方", "未明", "深夜", "早朝", "に発生", "に起き", "に起こ", "の障害", "の通信障害"].iter().any(|w| rest.starts_with(w));
            let before_range = AFTER_DAY.is_match(rest) || c.name("wd").is_some() || rest.starts_with(['、', ',', '夕', '朝', '夜', '昼']) || of_outage;
            let after_range = line[..start].trim_end().ends_with(['~', '〜', '-']) || line[..start].trim_end().ends_with("から");
            if !before_range && !after_range {
                continue;
            }
        }
        if c.name("mo4").is_some() && time.is_none() && c.name("wd").is_none() && !STAMP_AFTER.is_match(&line[end..]) {
            continue; // 3/4 alone is as likely a fraction
        }
        if time.is_none() && day.is_none() && relative == Relative::None {
            continue;
        }
        let pm = c.name("ap").map(|m| matches!(m.as_str(), "午後" | "PM" | "pm" | "夕方" | "夜"));
        let relative = if FOREIGN_BEFORE.is_match(tail(&line[..start], WINDOW)) { Relative::Foreign } else { relative };
        if relative == Relative::Foreign && day.is_none() {
            day = None;
        }
        // What decides a role is written within a few words of the
        // mention: the windows keep a long line linear.
        let after = head(&line[end..], WINDOW);
        let before = tail(&line[..start], WINDOW);
        // `2024.04.20 障害発生のお知らせ`: a list of notices (a page's side
        // column, an index), each a date and a title.
        let listed = time.is_none() && bare(&line[..start]) && LISTED_TITLE.is_match(&line[end..]);
        let role = role(before, after, line, start, end, time.is_some(), listed);
        out.push(Mention { line: no, start, end, year, month, day, relative, time, pm, approximate: c.name("approx").is_some(), role, listed });
    }
    out
}

fn role(before: &str, after: &str, line: &str, start: usize, end: usize, has_time: bool, listed: bool) -> Role {
    let bare = |s: &str| s.trim().trim_matches(['-', '・', '*', '(', ')', '[', ']']).trim().is_empty();
    let only_date = !has_time && bare(&line[..start]) && bare(&line[end..]);
    // `2月9日にも3件の事故が発生`: also on another day, another event.
    let also = !has_time && after.trim_start().starts_with("にも");
    if STAMP_AFTER.is_match(after) || STAMP_BEFORE.is_match(before) || only_date || listed || also {
        return Role::Stamp;
    }
    // `発生日時: …`, `■復旧 …`: what the label names.
    if START_LABEL_BEFORE.is_match(before) {
        return Role::Start;
    }
    if END_LABEL_BEFORE.is_match(before) {
        return Role::End;
    }
    if let Some(c) = BY_DEADLINE.captures(after) {
        let rest = &c[1];
        if !["復旧", "回復", "解消", "解除"].iter().any(|w| rest.contains(w)) {
            return Role::Stamp;
        }
        return Role::End;
    }
    let upto_next = |s: &str| -> bool { !MENTION_HINT.is_match(s) };
    if let Some(m) = END_AFTER.captures(after) {
        let gap = &after[..m.get(0).map_or(0, |g| g.end())];
        let tail = m.get(1).map_or("", |t| t.as_str());
        // A plan (`復旧の見込み`) or the news of a recovery (`復旧を発表`,
        // `復旧した旨の告知`): its time is not the end's.
        let planned = builtin().periods.not_an_end.iter().any(|w| tail.starts_with(w.as_str()));
        // 概ね回復, 一部復旧: not yet the end.
        let partial = ["一部", "順次"].iter().any(|w| gap.contains(w));
        // `10時頃から障害が発生し、約9時間後に復旧`: a start, the end is later.
        // `…頃に発生し、約1時間40分後に復旧`: a start, and a length to it.
        let started = ["から", "より", "発生", "後に", "後、", "後の"].iter().any(|w| gap.contains(w));
        if upto_next(gap) && !planned && !partial && !started {
            return Role::End;
        }
    }
    if after.trim_start().starts_with("まで") && ["復旧", "回復"].iter().any(|w| before.chars().rev().take(10).collect::<String>().contains(&w.chars().rev().collect::<String>())) {
        return Role::End;
    }
    if END_BEFORE.is_match(before) {
        return Role::End;
    }
    // `17時30分ごろまでの間、…停止`: the end of a period whose start was
    // written before.
    if let Some(rest) = after.trim_start().strip_prefix("まで") {
        if rest.starts_with("の間") || rest.starts_with(['、', ',']) {
            return Role::End;
        }
    }
    if let Some(m) = START_AFTER.find(after) {
        if upto_next(m.as_str()) {
            return Role::Start;
        }
    }
    if START_BEFORE.is_match(before) {
        return Role::Start;
    }
    // A day or time whose sentence says an outage happened (`4月3日の午前
    // 中、…において通信障害が発生した`, `1日午前9時ごろ、関東地方の一部で
    // …障害が発生した`): a lede's adverbial, far from its verb.
    {
        if let Some(m) = START_AFTER_DAY.find(after) {
            // `2月22日に実施したメンテナンスにおいて…障害が発生`: the day of
            // a cause, not of the outage.
            let cause = builtin().periods.cause_words.iter().any(|w| m.as_str().contains(w.as_str()));
            if upto_next(m.as_str()) && !cause {
                return Role::Start;
            }
        }
    }
    // A day or time that opens its sentence (`4月22日9時50分、…が利用
    // できない状態となった。`) dates the sentence's event: the outage's
    // start when the sentence says a service stopped, unless it says
    // first that it came back.
    // So does a day or time followed by に (`4月19日に…が利用できなくなった
    // 事故`) wherever it stands; `2月9日にも…` is another day's event.
    let at = after.trim_start();
    let dated = (opens_sentence(before) && at.starts_with(['、', ','])) || (at.starts_with('に') && !at.starts_with("にも"));
    if dated {
        let sentence: String = after.chars().take_while(|&c| c != '。' && c != '\n').take(200).collect();
        let p = &builtin().periods;
        let first = |words: &[String]| words.iter().filter_map(|w| sentence.find(w.as_str())).min();
        let cause = first(&p.cause_words);
        match (first(&p.started), first(&p.recovered)) {
            (Some(s), back) if back.is_none_or(|b| s < b) && cause.is_none_or(|c| c > s) && upto_next(&sentence) => return Role::Start,
            _ => {}
        }
    }
    Role::Plain
}

/// Nothing but a sentence's end, a bracket or a list mark before: the
/// mention opens its sentence.
fn opens_sentence(before: &str) -> bool {
    let b = before.trim_end();
    b.is_empty() || b.ends_with(['。', ')', '」', '】']) || bare(b.rsplit('。').next().unwrap_or(b))
}

/// Between two ranges that are phases of one outage: separators, list
/// marks and joining words (`…まで、及び同日…`, `…までの間と、同日…`,
/// `(1) … (2) …`), nothing that tells of something else.
static PHASE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\s/、,・:]|及び|および|並びに|ならびに|まで|の間|にかけて|と|また|\(\d{1,2}\)|\d{1,2}[.)]|第\d{1,2}回|\d{1,2}回目|[①-⑳])*$").expect("valid")
});

/// A digit followed by 時 or `:`: another time inside a gap.
static MENTION_HINT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d\s*(?:時[^間]|:\d)|\d日").expect("valid"));

/// Every mention of the text, in order.
pub(crate) fn mentions(text: &Text) -> Vec<Mention> {
    // An address's digits are the page's, read as its date apart.
    text.lines.iter().enumerate().flat_map(|(i, l)| line_mentions(i, &super::text::blank_urls(l))).collect()
}

fn add_days(d: Day, n: i64) -> Day {
    civil_from_days(days_from_civil(d.0, d.1, d.2) + n)
}

/// The day a mention names, given the day before it (`ctx`) and the page.
fn resolve_day(m: &Mention, ctx: Option<Day>, page: Option<&Page>, fallback_year: Option<i32>) -> Option<(Day, bool)> {
    match m.relative {
        Relative::Same => return ctx.map(|d| (d, false)).or(page.map(|p| (p.day, true))),
        Relative::Next => return ctx.map(|d| (add_days(d, 1), false)),
        Relative::Before => return ctx.map(|d| (add_days(d, -1), false)),
        _ => {}
    }
    let foreign_month = |mo: u32| if m.relative == Relative::Foreign { if mo == 1 { 12 } else { mo - 1 } } else { mo };
    match (m.year, m.month, m.day) {
        (Some(y), Some(mo), Some(d)) => Some(((y, mo, d), false)),
        (None, Some(mo), Some(d)) => {
            if let Some(c) = ctx {
                // A month before the one just named is of the next year.
                let y = if mo + 6 < c.1 { c.0 + 1 } else { c.0 };
                return Some(((y, mo, d), c.2 == 0));
            }
            if let Some(p) = page {
                let y = if (mo, d) <= (p.day.1, p.day.2) { p.day.0 } else { p.day.0 - 1 };
                return Some(((y, mo, d), true));
            }
            fallback_year.map(|y| ((y, mo, d), true))
        }
        (None, None, Some(d)) => {
            if let Some(c) = ctx.filter(|_| m.relative != Relative::Foreign) {
                let mo = if d + 20 < c.2 { c.1 % 12 + 1 } else { c.1 };
                let y = if mo < c.1 { c.0 + 1 } else { c.0 };
                return Some(((y, mo, d), false));
            }
            let p = page?;
            let mo = foreign_month(if d <= p.day.2 { p.day.1 } else if p.day.1 == 1 { 12 } else { p.day.1 - 1 });
            let y = if mo > p.day.1 { p.day.0 - 1 } else { p.day.0 };
            Some(((y, mo, d), true))
        }
        (None, None, None) => ctx.map(|d| (d, false)).or(page.map(|p| (p.day, true))),
        _ => None,
    }
}

/// Every mention with its day filled from the one before (and the page's
/// date where nothing before names one).
pub(crate) fn resolve_all(ms: &[Mention], page: Option<&Page>, fallback_year: Option<i32>) -> Vec<Option<Resolved>> {
    let mut ctx: Option<Day> = None;
    let mut inferred = false;
    let mut out = Vec::with_capacity(ms.len());
    for m in ms {
        // A page's own stamps do not carry their day to the outage.
        let own_ctx = if m.role == Role::Stamp && m.year.is_some() { None } else { ctx };
        let r = resolve_day(m, own_ctx, page, fallback_year).map(|(day, inf)| {
            let inf = inf || (m.year.is_none() && inferred);
            Resolved { day, time: m.time, year_inferred: inf }
        });
        if let Some(r) = r.filter(|_| m.role != Role::Stamp && m.relative != Relative::Foreign) {
            ctx = Some(r.day);
            inferred = r.year_inferred;
        }
        out.push(r);
    }
    out
}

/// The end of a range: a time alone takes the start's day (the next day
/// when it is earlier) and its 午前/午後.
fn resolve_end(m: &Mention, start: &Resolved, page: Option<&Page>) -> Option<Resolved> {
    let mut r = resolve_day(m, Some(start.day), page, None).map(|(day, inf)| Resolved { day, time: m.time, year_inferred: inf || start.year_inferred })?;
    if let (Some((h, mi)), None, Some((sh, _))) = (r.time, m.pm, start.time) {
        // 午後1時から3時: the end keeps the afternoon.
        if m.day.is_none() && m.relative == Relative::None && h < 12 && sh >= 12 && h + 12 >= sh {
            r.time = Some((h + 12, mi));
        }
    }
    if m.day.is_none() && m.relative == Relative::None {
        if let (Some(e), Some(s)) = (r.minute(), start.minute()) {
            if e < s {
                r.day = add_days(r.day, 1);
            }
        }
    }
    Some(r)
}

/// One period as found.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub start: Resolved,
    pub end: Option<Resolved>,
    pub approximate: bool,
    /// Where it was read (0-based line).
    pub line: usize,
    /// Index of the first mention, for the order of the text.
    pub at: usize,
    /// Ranges written one after the other (phases) share a block.
    pub block: usize,
    /// Read from 発生日時 / 復旧日時 lines: the notice's own statement of
    /// the period, which ranges inside it only detail.
    pub labelled: bool,
}

// Labels open their line (after a bullet or a number): 運用開始日時 of a
// side service is not the outage's start.
static START_LABEL: LazyLock<Regex> = LazyLock::new(|| label(&builtin().periods.start_words, false));
static END_LABEL: LazyLock<Regex> = LazyLock::new(|| label(&builtin().periods.end_words, false));
/// The same labels as all the text before a mention: the mention is the
/// start (or end) they name.
static START_LABEL_BEFORE: LazyLock<Regex> = LazyLock::new(|| label(&builtin().periods.start_words, true));
static END_LABEL_BEFORE: LazyLock<Regex> = LazyLock::new(|| label(&builtin().periods.end_words, true));

/// A label of a start or an end (data/notices.toml, `[periods]`): a
/// prefix, the word, a suffix or (without one) a colon, bracket or space.
fn label(words: &[String], whole: bool) -> Regex {
    let p = &builtin().periods;
    let (pre, w, suf) = (NoticeRules::alternatives(&p.label_prefixes), NoticeRules::alternatives(words), NoticeRules::alternatives(&p.label_suffixes));
    let head = format!(r"^[\s・■●◆【\[\-*\d.()]*(?:{pre})?(?:{w})");
    let re = if whole { format!(r"{head}(?:{suf})?\s*[】\]]?\s*[:|]?\s*$") } else { format!(r"{head}(?:{suf}|\s*[:】\]]|\s|$)") };
    Regex::new(&re).expect("valid")
}

/// The periods the text states, by the three ways notices write them.
pub(crate) fn spans(text: &Text, ms: &[Mention], rs: &[Option<Resolved>], page: Option<&Page>) -> (Vec<Span>, Vec<Span>) {
    let timeline = timeline_lines(text);
    let mut ranges: Vec<Span> = Vec::new();
    let mut in_range = vec![false; ms.len()];
    let mut block = 0;
    let mut last_end: Option<(usize, usize)> = None;
    let mut last_day: Option<Day> = None;
    for i in 0..ms.len().saturating_sub(1) {
        let (a, b) = (&ms[i], &ms[i + 1]);
        if a.role == Role::Stamp || b.role == Role::Stamp || in_range[i] || timeline[a.line] {
            continue;
        }
        if a.relative == Relative::Foreign || b.relative == Relative::Foreign {
            continue;
        }
        let gap = if a.line == b.line {
            &text.lines[a.line][a.end..b.start]
        } else if b.line == a.line + 1 && text.lines[a.line][a.end..].trim().is_empty() {
            // `A ~` at a line's end, B on the next.
            let tail = text.lines[a.line][a.end..].trim();
            let head = text.lines[b.line][..b.start].trim();
            if !(tail.is_empty() || head.is_empty()) {
                continue;
            }
            if tail.is_empty() && head.is_empty() {
                continue;
            }
            if tail.is_empty() { head } else { tail }
        } else {
            continue;
        };
        if !RANGE_GAP.is_match(gap) {
            continue;
        }
        let Some(s) = rs[i] else { continue };
        let Some(e) = resolve_end(b, &s, page) else { continue };
        if let (Some(sm), Some(em)) = (s.minute(), e.minute()) {
            if em < sm {
                continue;
            }
        }
        // Ranges with only spaces, line breaks or separators between them
        // are phases of one block.
        if let Some((l, at)) = last_end {
            let between = if l == a.line { text.lines[l][at..a.start].to_string() } else { text.between(l, at, a.line, a.start) };
            // `…その後、15:00~15:40にも再度発生`: the same outage again that
            // day, in a sentence of its own.
            let line = &text.lines[a.line];
            let (lo, hi) = (line[..a.start].rfind('。').map_or(0, |k| k + '。'.len_utf8()), line[a.end..].find('。').map_or(line.len(), |k| a.end + k));
            let again = last_day == Some(s.day) && builtin().periods.recurrence.iter().any(|w| line[lo..hi].contains(w.as_str()));
            if !PHASE_GAP.is_match(&between) && !again {
                block += 1;
            }
        }
        // `2時00分~5時00分に実施したメンテナンス`: a work's window.
        let rest = head(&text.lines[b.line][b.end..], WINDOW).trim_start();
        if builtin().periods.work_after.iter().any(|w| rest.starts_with(w.as_str())) {
            continue;
        }
        in_range[i] = true;
        in_range[i + 1] = true;
        // `(発生の)午前0時 … 午前2時55分から午前4時23分にかけて復旧`: the
        // range is the recovery; the outage runs from the start written
        // just before it (on its line or the lines above) to its end.
        let mut start = s;
        let mut approximate = a.approximate || b.approximate;
        if RECOVERY_AFTER.is_match(head(&text.lines[b.line][b.end..], WINDOW)) {
            let earlier = ms[..i].iter().enumerate().rev().take_while(|(_, m)| m.line + 3 >= a.line).find(|(k, m)| m.role == Role::Start && !in_range[*k] && rs[*k].is_some_and(|r| r.time.is_some() && r.minute() < s.minute()));
            if let Some((k, m)) = earlier {
                start = rs[k].expect("found");
                approximate = m.approximate || b.approximate;
            }
        }
        ranges.push(Span { start, end: Some(e), approximate, line: a.line, at: i, block, labelled: false });
        last_end = Some((b.line, b.end));
        last_day = Some(s.day);
    }
    // Labelled lines: a start label and an end label, each followed by a
    // mention on its line or the next.
    let labelled = |label: &Regex| -> Vec<usize> {
        let mut out = Vec::new();
        for (no, l) in text.lines.iter().enumerate() {
            let Some(found) = label.find(l) else { continue };
            let rest_empty = l[found.end()..].trim().trim_start_matches([':', ')', '(']).trim().is_empty();
            let from = ms.partition_point(|m| m.line < no);
            let pick = ms[from..].iter().enumerate().take_while(|(_, m)| m.line <= no + 2).map(|(k, m)| (from + k, m)).find(|(i, m)| {
                let i = *i;
                !in_range[i]
                    && m.role != Role::Stamp
                    && ((m.line == no && m.start >= found.end())
                        || (rest_empty && m.line > no && m.line <= no + 2 && (no + 1..m.line).all(|k| text.lines[k].trim().is_empty())))
            });
            if let Some((i, m)) = pick {
                // `発生日時:2008年12月19日 … 12時35分頃`: the date, and its
                // clock time later on the line.
                let later = ms.get(i + 1).filter(|n| m.time.is_none() && n.line == m.line && n.time.is_some() && n.day.is_none() && n.month.is_none() && n.relative == Relative::None && !in_range[i + 1]);
                out.push(if later.is_some() { i + 1 } else { i });
            }
        }
        out
    };
    let starts = labelled(&START_LABEL);
    let ends = labelled(&END_LABEL);
    let mut pairs: Vec<Span> = Vec::new();
    for &s in &starts {
        if let Some(&e) = ends.iter().find(|&&e| e > s) {
            let (Some(sr), Some(er)) = (rs[s], ms.get(e).and_then(|m| rs[s].and_then(|sr| resolve_end(m, &sr, page)))) else { continue };
            if let (Some(a), Some(b)) = (sr.minute(), er.minute()) {
                if b >= a {
                    block += 1;
                    pairs.push(Span { start: sr, end: Some(er), approximate: ms[s].approximate || ms[e].approximate, line: ms[s].line, at: s, block, labelled: true });
                }
            }
        }
    }
    let mut found: Vec<Span> = pairs;
    found.extend(ranges);
    found.sort_by_key(|s| s.at);
    // Starts alone (labelled, or in prose) for when no period is found.
    let mut prose: Vec<Span> = Vec::new();
    let start_of = |i: usize| rs[i].filter(|r| r.time.is_some());
    let first_start = starts.iter().copied().find(|&i| start_of(i).is_some()).or_else(|| {
        ms.iter().enumerate().filter(|(i, m)| m.role == Role::Start && !in_range[*i]).map(|(i, _)| i).find(|&i| start_of(i).is_some())
    });
    if let Some(s) = first_start {
        let sr = rs[s].expect("filtered");
        // Each end once, 頃 if any mention of that time says so.
        let key = |r: &Resolved| (r.day, r.time, r.year_inferred);
        let mut approx: std::collections::HashMap<(Day, Option<(u32, u32)>, bool), bool> = std::collections::HashMap::new();
        for (m, r) in ms.iter().zip(rs) {
            if let Some(r) = r {
                *approx.entry(key(r)).or_default() |= m.approximate;
            }
        }
        let mut ends: Vec<(Resolved, bool)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, m) in ms.iter().enumerate() {
            if m.role != Role::End || in_range[i] {
                continue;
            }
            let Some(e) = rs[i].filter(|r| r.time.is_some()) else { continue };
            if e.minute() > sr.minute() && seen.insert(key(&e)) {
                ends.push((e, approx[&key(&e)]));
            }
        }
        block += 1;
        if ends.is_empty() {
            prose.push(Span { start: sr, end: None, approximate: ms[s].approximate, line: ms[s].line, at: s, block, labelled: false });
        }
        // Several ends for one start in prose (services back at other
        // times): the outage ends with the last.
        if let Some(last) = ends.iter().map(|e| e.0.minute()).max() {
            ends.retain(|e| e.0.minute() == last);
        }
        for (e, approx) in ends {
            prose.push(Span { start: sr, end: Some(e), approximate: ms[s].approximate || approx, line: ms[s].line, at: s, block, labelled: false });
        }
    }
    (found, prose)
}

/// Lines of a 経緯 (timeline) section: times there are events of the
/// handling (an alarm, a call), not the outage's period.
fn timeline_lines(text: &Text) -> Vec<bool> {
    let mut out = vec![false; text.lines.len()];
    let mut on = false;
    for (i, l) in text.lines.iter().enumerate() {
        let t = l.trim();
        let heading = t.chars().count() <= 24 && !t.is_empty() && !MENTION_HINT.is_match(t);
        if heading && builtin().periods.timeline_headings.iter().any(|w| t.contains(w.as_str())) {
            on = true;
            continue;
        }
        if on && heading && (t.starts_with(|c: char| c.is_ascii_digit()) || t.starts_with(['■', '【', '#', '◇'])) {
            on = false;
        }
        out[i] = on;
    }
    out
}


/// Days the text names without clock times (`9月19日から9月21日`, `12月6日
/// に、4時間25分にわたり`), with a length when the sentence gives one.
pub(crate) fn day_spans(text: &Text, ms: &[Mention], rs: &[Option<Resolved>], page: Option<&Page>) -> Vec<(Day, Day, Option<(u64, bool)>, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ms.len() {
        let m = &ms[i];
        let Some(r) = rs[i].filter(|r| r.time.is_none() && m.role != Role::Stamp && m.relative != Relative::Foreign) else {
            i += 1;
            continue;
        };
        let line = &text.lines[m.line];
        let mut to = r.day;
        let mut used = 1;
        if let Some(n) = ms.get(i + 1).filter(|n| n.line == m.line && n.time.is_none()) {
            if RANGE_GAP.is_match(&line[m.end..n.start]) {
                if let Some(e) = resolve_end(n, &r, page) {
                    to = e.day;
                    used = 2;
                }
            }
        }
        let rest = head(&line[m.end..], WINDOW);
        let sentence_end = rest.find('。').map_or(rest.len(), |k| k);
        let length = duration_in(&rest[..sentence_end]);
        // `19日から3日間続き、21日夕に復旧`: a start day and, in its
        // sentence, the day it ended.
        if used == 1 && m.role == Role::Start {
            if let Some((k, n)) = ms.iter().enumerate().skip(i + 1).take_while(|(_, n)| n.line == m.line && n.start < m.end + sentence_end).find(|(_, n)| n.role == Role::End && n.time.is_none()) {
                if let Some(e) = rs[k].filter(|e| e.day >= r.day) {
                    let _ = n;
                    to = e.day;
                }
            }
        }
        // A day said to be when it happened (`2022年8月8日 … 障害が発生`).
        if used == 2 || length.is_some() || (m.role == Role::Start && m.day.is_some()) {
            out.push((r.day, to, length, m.line));
        }
        i += used;
    }
    out
}

/// A length: hours and minutes, or minutes alone.
const AMOUNT: &str = r"(?P<pre>約|およそ|概ね)?\s*(?:(?P<h>\d{1,3})\s*時間\s*(?:(?P<m>\d{1,2})\s*分|(?P<half>半))?|(?P<mo>\d{1,4})\s*分)\s*間?\s*(?:程度|ほど)?";

/// A length said of the outage: what follows it says so (`にわたり`, `後に
/// 復旧`, `の障害`), or a label before it (`障害時間: 約2時間`).
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    let p = &builtin().periods;
    let back = NoticeRules::alternatives(&p.recovered);
    Regex::new(&format!(r"(?:^|[^\d.])(?:{AMOUNT}\s*(?:にわたり|にわたって|にわたる|後に(?:{back})|後[、,の]?[^。]{{0,30}}?(?:{back})|の間|続|の(?:通信)?障害|停止))")).expect("valid")
});
static LABELLED_LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    let labels = NoticeRules::alternatives(&builtin().periods.length_labels);
    Regex::new(&format!(r"(?:{labels})\s*(?:は|:)?\s*{AMOUNT}\s*(?:$|[^\d:時分~])")).expect("valid")
});

/// A length written in words: `4時間25分にわたり`, `約11時間後に復旧`,
/// `約40分間にわたり`, `障害時間: 約2時間15分`.
pub(crate) fn duration_in(s: &str) -> Option<(u64, bool)> {
    let c = LENGTH.captures(s).or_else(|| LABELLED_LENGTH.captures(s))?;
    let m: u64 = match (c.name("h"), c.name("mo")) {
        (Some(h), _) => {
            let h: u64 = h.as_str().parse().ok()?;
            h * 60 + c.name("m").and_then(|m| m.as_str().parse().ok()).unwrap_or(if c.name("half").is_some() { 30 } else { 0 })
        }
        (None, Some(mo)) => mo.as_str().parse().ok()?,
        _ => return None,
    };
    Some((m, c.name("pre").is_some()))
}

/// Every date and time the text names, each filled from the one before
/// (障害情報 lines, 経緯 lists).
pub fn times(text: &str) -> Vec<Minute> {
    let t = Text::new(text);
    let ms = mentions(&t);
    let page = page(&t, &ms);
    let mut rs = resolve_all(&ms, page.as_ref(), None);
    // Stamps count here too: the caller asked for every time.
    let mut out = Vec::new();
    let mut before: Option<Day> = None;
    for (m, r) in ms.iter().zip(rs.iter_mut()) {
        if r.is_none() {
            *r = resolve_day(m, before, page.as_ref(), None).map(|(day, inf)| Resolved { day, time: m.time, year_inferred: inf });
        }
        if let Some(r) = r {
            before = Some(r.day);
            if let Some(t) = r.minute() {
                out.push(t);
            }
        }
    }
    out
}

/// The page's date: a publication stamp (letterhead date, 公開, 掲載,
/// 更新) with its year, else a date in the page's address.
pub(crate) fn page(text: &Text, ms: &[Mention]) -> Option<Page> {
    for m in ms.iter().filter(|m| m.role == Role::Stamp) {
        let line = &text.lines[m.line];
        let after = &line[m.end..];
        let before = &line[..m.start];
        let published = ["公開", "掲載", "更新", "最終更新", "発表", "作成", "お知らせ"].iter().any(|w| after.trim_start().trim_start_matches([')', ']']).trim_start().starts_with(w))
            || ["最終更新", "掲載日", "公開日", "更新日", "»", "date"].iter().any(|w| before.trim_end().trim_end_matches([':', '(']).trim_end().ends_with(w))
            || (bare(before) && bare(after));
        if published {
            if let Some(day) = full_day(line, m) {
                return Some(Page { day, line: m.line + 1, from: line[m.start..m.end].trim().to_string() });
            }
        }
    }
    let url = text.url.as_deref()?;
    url_day(url).map(|day| Page { day, line: 0, from: url.to_string() })
}

fn bare(s: &str) -> bool {
    s.trim().trim_matches(['-', '・', '*', '(', ')', '[', ']']).trim().is_empty()
}

/// A stamp's full day, when it writes its year.
fn full_day(line: &str, m: &Mention) -> Option<Day> {
    let s = &line[m.start..m.end];
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:(?P<era>令和|平成|昭和)\s*(?P<ey>元|\d{1,2})|(?P<y>(?:19|20)\d{2}))\s*[年/.\-]\s*(?P<mo>\d{1,2})\s*[月/.\-]\s*(?P<d>\d{1,2})").expect("valid")
    });
    let c = DAY.captures(s)?;
    let year = match (c.name("era"), c.name("ey"), c.name("y")) {
        (Some(era), Some(ey), _) => {
            let n: i32 = if ey.as_str() == "元" { 1 } else { ey.as_str().parse().ok()? };
            let first = match era.as_str() {
                "令和" => 2019,
                "平成" => 1989,
                _ => 1926,
            };
            first + n - 1
        }
        (_, _, Some(y)) => y.as_str().parse().ok()?,
        _ => return None,
    };
    Some((year, c["mo"].parse().ok()?, c["d"].parse().ok()?))
}

/// A date in an address: `/20230525/`, `/2014/01/09/`, `2016-08-16`,
/// `/201304-` (a month: its last day, as the page is of that month),
/// `/180223/`.
fn url_day(url: &str) -> Option<Day> {
    static FULL: LazyLock<Regex> = LazyLock::new(|| {
        // `id=202502041850_0006`: a stamp with its clock time glued on.
        Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})[/\-]?(0[1-9]|1[0-2])[/\-]?(0[1-9]|[12]\d|3[01])(?:(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?)?(?:[^0-9]|$)").expect("valid")
    });
    static MONTH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[/_\-])((?:19|20)\d{2})[/\-]?(0[1-9]|1[0-2])(?:[/_\-]|$)").expect("valid"));
    let path = url.split("://").nth(1).map_or(url, |r| r.split_once('/').map_or("", |(_, p)| p));
    if let Some(c) = FULL.captures(path) {
        return Some((c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    }
    // `/news/201812060000729.html`: a news site's article number, its day
    // and a serial (twelve digits or more; a shorter run is a serial alone).
    static SERIAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{4,}(?:[^0-9]|$)").expect("valid"));
    if let Some(c) = SERIAL.captures(path) {
        return Some((c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    }
    // `/news/180223/`: a folder of six digits, a news site's day (YYMMDD).
    static SHORT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|/)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/").expect("valid"));
    if let Some(c) = SHORT.captures(path) {
        return Some((2000 + c[1].parse::<i32>().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    }
    let c = MONTH.captures(path)?;
    let (y, m): (i32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
    Some((y, m, crate::records::days_in_month(y, m)))
}
