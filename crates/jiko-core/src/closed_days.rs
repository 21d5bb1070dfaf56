//! The days the administration is closed, and the last day of a period that
//! ends on one.
//!
//! 行政機関の休日に関する法律 (昭和63年法律第91号) 第1条第1項: the closed days
//! (行政機関の休日) are 一 Sundays and Saturdays, 二 the 休日 of
//! 国民の祝日に関する法律 (national holidays and the 休日 of its 第3条), 三 the
//! days from 29 December to 3 January. 第2条: a deadline for an application,
//! notification or other act to a national authority, set by a law or an
//! ordinance as a period (not one counted in hours), that falls on a closed
//! day moves to the next day that is not one (unless the law says
//! otherwise). `legal_last_day` is that rule; `closed` says whether a day is
//! closed and why.
//!
//! National holidays come from the Cabinet Office's list (内閣府「国民の祝日」に
//! ついて, syukujitsu.csv), shipped as `data/law/holidays.csv` (its source and
//! years in `data/law/holidays.md`) and compiled in. For a year outside the
//! list they are computed by 国民の祝日に関する法律's rules (the table
//! `RULES`, the equinox formula, 第3条第2項 and 第3項) and every answer says
//! so (`Basis::Computed`, `LastDay::computed`): a day the computation finds
//! open is never passed off as a confirmed working day. The rules reproduce
//! every year of the list (1955–2027) but the one-off days made by their
//! own acts (the royal weddings of 1959 and 1993, the funeral of 1989, the
//! enthronements of 1990 and 2019, the Olympic moves of 2020 and 2021),
//! which only the list has.

use std::fmt;
use std::sync::LazyLock;

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};
use crate::lang::Lang;

/// The Cabinet Office's list, as shipped (UTF-8, `date,name`, date order).
const LIST: &str = include_str!("../../../data/law/holidays.csv");
const LIST_NAME: &str = "data/law/holidays.csv";

/// What the list writes for a 休日 of 第3条 (振替休日 and 国民の休日 alike).
const LISTED_KYUJITSU: &str = "休日";

/// A civil day (JST), as the due dates of the rule book are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// The day, if it is one (month 1–12, day within the month).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Day { year, month, day })
    }

    /// The day as the rule book's due dates carry it.
    pub fn ymd(self) -> (i32, u32, u32) {
        (self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (`calendar::days_from_civil`).
    pub fn days(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    pub fn from_days(days: i64) -> Day {
        let (year, month, day) = civil_from_days(days);
        Day { year, month, day }
    }

    pub fn next(self) -> Day {
        Day::from_days(self.days() + 1)
    }

    pub fn weekday(self) -> Weekday {
        weekday_of(self.days())
    }

    /// 「2026年8月30日（日）」
    pub fn ja(self) -> String {
        format!("{}年{}月{}日（{}）", self.year, self.month, self.day, self.weekday().ja())
    }

    /// "2026-08-30 (Sun)"
    pub fn en(self) -> String {
        format!("{self} ({})", self.weekday().en())
    }
}

impl From<(i32, u32, u32)> for Day {
    /// A due date from the rule book (always a real day: `civil_from_days`).
    fn from((year, month, day): (i32, u32, u32)) -> Day {
        Day { year, month, day }
    }
}

/// `2026-08-30`, the form jiko's English text and files use.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Sunday, Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday, Weekday::Saturday];

impl Weekday {
    /// 「日」, as in 2026年8月30日（日）.
    pub fn ja(self) -> &'static str {
        ["日", "月", "火", "水", "木", "金", "土"][self as usize]
    }

    /// 「日曜日」
    pub fn ja_long(self) -> &'static str {
        ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"][self as usize]
    }

    /// "Sun"
    pub fn en(self) -> &'static str {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][self as usize]
    }

    /// "Sunday"
    pub fn en_long(self) -> &'static str {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][self as usize]
    }
}

/// 1970-01-01 (day 0) was a Thursday.
fn weekday_of(days: i64) -> Weekday {
    WEEKDAYS[(days + 4).rem_euclid(7) as usize]
}

/// Why a day is closed. A day closed for several reasons gives the first
/// of: a national holiday, a 休日 of 第3条, the year-end days, Sunday,
/// Saturday (so 2027-01-01 is 元日, 2028-01-01 (a Saturday) 元日 too, and
/// 2027-01-02 (a Saturday) 年末年始).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Why {
    /// 国民の祝日, with its name as the list (or `RULES`) writes it; also the
    /// list's one-off days (「休日（祝日扱い）」 of 2019, 「即位礼正殿の儀」…).
    Holiday(&'static str),
    /// 振替休日: 国民の祝日に関する法律第3条第2項.
    Substitute,
    /// 国民の休日 (a day between two 祝日): 第3条第3項.
    Bridge,
    /// 12月29日から翌年の1月3日まで: 行政機関の休日に関する法律第1条第1項第3号.
    YearEnd,
    Sunday,
    Saturday,
}

/// Where the reason comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The law itself, whatever the year: weekends and 12/29–1/3.
    Law,
    /// The Cabinet Office's list (`data/law/holidays.csv`).
    Listed,
    /// Computed by 国民の祝日に関する法律's rules for a year outside the
    /// list: not confirmed by the Cabinet Office.
    Computed,
}

/// A closed day: why, and on what basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Closed {
    pub why: Why,
    pub basis: Basis,
}

impl Closed {
    /// 「土曜日」「日曜日」「国民の祝日（元日）」「振替休日」「国民の休日」「年末年始（12月29日～1月3日）」
    pub fn ja(&self) -> String {
        match self.why {
            // The list's own words where they are not a 祝日's name.
            Why::Holiday(name) if name.starts_with(LISTED_KYUJITSU) => name.to_string(),
            Why::Holiday(name) => format!("国民の祝日（{name}）"),
            Why::Substitute => "振替休日".into(),
            Why::Bridge => "国民の休日".into(),
            Why::YearEnd => "年末年始（12月29日～1月3日）".into(),
            Why::Sunday => "日曜日".into(),
            Why::Saturday => "土曜日".into(),
        }
    }

    /// "Saturday", "Sunday", "national holiday (元日)", "substitute holiday
    /// (振替休日)", "citizens' holiday (国民の休日)", "year-end holidays (29 Dec–3 Jan)"
    pub fn en(&self) -> String {
        match self.why {
            Why::Holiday(name) => format!("national holiday ({name})"),
            Why::Substitute => "substitute holiday (振替休日)".into(),
            Why::Bridge => "citizens' holiday (国民の休日)".into(),
            Why::YearEnd => "year-end holidays (29 Dec–3 Jan)".into(),
            Why::Sunday => "Sunday".into(),
            Why::Saturday => "Saturday".into(),
        }
    }

    /// The item of 行政機関の休日に関する法律第1条第1項 that closes the day.
    pub fn item(&self) -> &'static str {
        match self.why {
            Why::Saturday | Why::Sunday => "第1条第1項第1号",
            Why::Holiday(_) | Why::Substitute | Why::Bridge => "第1条第1項第2号",
            Why::YearEnd => "第1条第1項第3号",
        }
    }
}

/// The Cabinet Office's list, read once: days (since 1970-01-01) in order.
struct List {
    days: Vec<(i64, &'static str)>,
    first_year: i32,
    last_year: i32,
}

static HOLIDAYS: LazyLock<List> = LazyLock::new(|| parse_list(LIST).unwrap_or_else(|e| panic!("{e}")));

/// The shipped list is compiled in and checked by the tests, so a bad row
/// is a build error in all but name; the message still names file, line
/// and value.
fn parse_list(text: &'static str) -> Result<List, String> {
    let mut days: Vec<(i64, &'static str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = |what: &str| format!("{LIST_NAME}:{}: {what}: {line:?}", i + 1);
        if i == 0 {
            if line != "date,name" {
                return Err(at("the header is not `date,name`"));
            }
            continue;
        }
        let (date, name) = line.split_once(',').ok_or_else(|| at("no comma"))?;
        let n = |r: std::ops::Range<usize>| date.get(r).and_then(|s| s.parse::<u32>().ok());
        let day = match (date.len(), n(0..4), date.as_bytes().get(4), n(5..7), date.as_bytes().get(7), n(8..10)) {
            (10, Some(y), Some(b'-'), Some(m), Some(b'-'), Some(d)) => Day::new(y as i32, m, d),
            _ => None,
        }
        .ok_or_else(|| at("not a date YYYY-MM-DD"))?;
        if name.is_empty() {
            return Err(at("no name"));
        }
        let d = day.days();
        if days.last().is_some_and(|&(last, _)| last >= d) {
            return Err(at("not after the row before"));
        }
        days.push((d, name));
    }
    let year = |d: i64| Day::from_days(d).year;
    let (first_year, last_year) = match (days.first(), days.last()) {
        (Some(f), Some(l)) => (year(f.0), year(l.0)),
        _ => return Err(format!("{LIST_NAME}: no rows")),
    };
    Ok(List { days, first_year, last_year })
}

/// The years the Cabinet Office's list covers (1955 and 2027 as shipped).
pub fn listed_years() -> (i32, i32) {
    (HOLIDAYS.first_year, HOLIDAYS.last_year)
}

fn is_listed_year(year: i32) -> bool {
    let (first, last) = listed_years();
    (first..=last).contains(&year)
}

/// The list's entry on a day.
fn listed(days: i64) -> Option<&'static str> {
    let list = &HOLIDAYS.days;
    list.binary_search_by_key(&days, |e| e.0).ok().map(|i| list[i].1)
}

/// The list's 「休日」 says neither which 休日 it is: one after a run of
/// named days that began on a Sunday is 第3条第2項's (振替休日, also when it
/// lies between two named days: before 2007 第3項 left such a day out),
/// else one between two named days 第3項's (国民の休日).
fn listed_why(days: i64, name: &'static str) -> Why {
    if name != LISTED_KYUJITSU {
        return Why::Holiday(name);
    }
    let named = |d: i64| listed(d).is_some_and(|n| n != LISTED_KYUJITSU);
    let mut before = days - 1;
    while named(before) {
        if weekday_of(before) == Weekday::Sunday {
            return Why::Substitute;
        }
        before -= 1;
    }
    if named(days - 1) && named(days + 1) {
        Why::Bridge
    } else {
        Why::Substitute
    }
}

/// Whether the day is a 行政機関の休日, and why (`Why` gives the order when
/// several reasons meet). `None`: open, as the list says, or, for a year
/// outside it, as the rules compute (then `legal_last_day` says
/// `computed`).
///
/// # Panics
/// On a day that does not exist (2026-02-30): callers hold checked dates
/// (`Minute::checked`, `civil_from_days`).
pub fn closed(year: i32, month: u32, day: u32) -> Option<Closed> {
    let d = Day::new(year, month, day).unwrap_or_else(|| panic!("closed_days::closed: no such day {year}-{month}-{day}"));
    closed_on(d)
}

fn closed_on(d: Day) -> Option<Closed> {
    let n = d.days();
    let holiday = if is_listed_year(d.year) {
        listed(n).map(|name| Closed { why: listed_why(n, name), basis: Basis::Listed })
    } else {
        computed_year(d.year).into_iter().find(|e| e.0 == n).map(|e| Closed { why: e.1, basis: Basis::Computed })
    };
    let law = |why| Some(Closed { why, basis: Basis::Law });
    holiday.or_else(|| match (d.month, d.day, d.weekday()) {
        (12, 29..=31, _) | (1, 1..=3, _) => law(Why::YearEnd),
        (_, _, Weekday::Sunday) => law(Why::Sunday),
        (_, _, Weekday::Saturday) => law(Why::Saturday),
        _ => None,
    })
}

/// A period's end and its legal last day (行政機関の休日に関する法律第2条).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDay {
    /// The day the period ends, as counted.
    pub due: Day,
    /// The first day from `due` on that is not a 行政機関の休日.
    pub last: Day,
    /// The closed days passed over, from `due` on.
    pub skipped: Vec<(Day, Closed)>,
    /// Some day from `due` to `last` lies in a year outside the Cabinet
    /// Office's list: its holidays were computed, not confirmed.
    pub computed: bool,
}

/// The last day of a period that ends on `year-month-day`: that day, or the
/// next one that is not a 行政機関の休日 (第2条).
///
/// # Panics
/// On a day that does not exist, as `closed`.
pub fn legal_last_day(year: i32, month: u32, day: u32) -> LastDay {
    let due = Day::new(year, month, day).unwrap_or_else(|| panic!("closed_days::legal_last_day: no such day {year}-{month}-{day}"));
    let mut last = due;
    let mut skipped = Vec::new();
    while let Some(c) = closed_on(last) {
        skipped.push((last, c));
        last = last.next();
    }
    let computed = (due.year..=last.year).any(|y| !is_listed_year(y));
    LastDay { due, last, skipped, computed }
}

impl LastDay {
    /// Whether 第2条 moved the deadline.
    pub fn moved(&self) -> bool {
        self.due != self.last
    }

    /// The answer line. Moved: 「2026年8月30日（日）は行政機関の休日のため、
    /// 期限は2026年8月31日（月）（行政機関の休日に関する法律第2条）」, with the
    /// reason in brackets after 行政機関の休日 when it is not the weekday
    /// (「（国民の祝日（元日））」); not moved: the day alone,
    /// 「2026年9月1日（火）」. Either way, when `computed`, it ends with
    /// 「（2028年の祝日は内閣府の公表前のため、国民の祝日に関する法律により計算）」.
    pub fn ja(&self) -> String {
        let mut s = if self.moved() {
            let why = self.skipped.first().map(|(_, c)| c);
            let reason = match why {
                Some(c) if !matches!(c.why, Why::Saturday | Why::Sunday) => format!("（{}）", c.ja()),
                _ => String::new(),
            };
            format!("{}は行政機関の休日{reason}のため、期限は{}（行政機関の休日に関する法律第2条）", self.due.ja(), self.last.ja())
        } else {
            self.last.ja()
        };
        if self.computed {
            let years: Vec<String> = self.computed_years().iter().map(|y| format!("{y}年")).collect();
            s += &format!("（{}の祝日は内閣府の公表前のため、国民の祝日に関する法律により計算）", years.join("・"));
        }
        s
    }

    /// The same in English: "2026-08-30 (Sun) is a closed day of government
    /// offices (行政機関の休日), so the deadline is 2026-08-31 (Mon) (Act on
    /// Holidays of Administrative Organs, Article 2)"; the reason after
    /// 行政機関の休日 when it is not the weekday ("行政機関の休日: national
    /// holiday (元日)"); not moved: "2026-09-01 (Tue)"; when `computed`, it
    /// ends with " (holidays of 2028 computed by the National Holidays Act,
    /// not yet published by the Cabinet Office)".
    pub fn en(&self) -> String {
        let mut s = if self.moved() {
            let why = self.skipped.first().map(|(_, c)| c);
            let reason = match why {
                Some(c) if !matches!(c.why, Why::Saturday | Why::Sunday) => format!(": {}", c.en()),
                _ => String::new(),
            };
            format!(
                "{} is a closed day of government offices (行政機関の休日{reason}), so the deadline is {} (Act on Holidays of Administrative Organs, Article 2)",
                self.due.en(),
                self.last.en()
            )
        } else {
            self.last.en()
        };
        if self.computed {
            let years: Vec<String> = self.computed_years().iter().map(|y| y.to_string()).collect();
            s += &format!(" (holidays of {} computed by the National Holidays Act, not yet published by the Cabinet Office)", years.join(" and "));
        }
        s
    }

    /// `ja()` or `en()` by the run's language.
    pub fn say(&self, lang: Lang) -> String {
        if lang.ja() {
            self.ja()
        } else {
            self.en()
        }
    }

    fn computed_years(&self) -> Vec<i32> {
        (self.due.year..=self.last.year).filter(|&y| !is_listed_year(y)).collect()
    }
}

// ---- 国民の祝日に関する法律, computed ----

/// When a 祝日 falls in its year.
#[derive(Debug, Clone, Copy)]
enum When {
    Fixed(u32, u32),
    /// The n-th Monday of the month (the "Happy Monday" days, from 2000).
    NthMonday(u32, u32),
    /// 春分日 / 秋分日: the equinox formula below.
    Vernal,
    Autumnal,
}

/// A 祝日 of 第2条 and the years it holds (both ends included), as the law
/// has been amended since 1955; the test `listed_years_agree_with_the_rules`
/// checks every year of the Cabinet Office's list against it. One-off days
/// and moves made by other acts are not here (they are in the list only).
struct Rule {
    name: &'static str,
    when: When,
    from: i32,
    to: i32,
}

const ALWAYS: (i32, i32) = (i32::MIN, i32::MAX);

const fn rule(name: &'static str, when: When, (from, to): (i32, i32)) -> Rule {
    Rule { name, when, from, to }
}

const RULES: &[Rule] = &[
    rule("元日", When::Fixed(1, 1), ALWAYS),
    rule("成人の日", When::Fixed(1, 15), (i32::MIN, 1999)),
    rule("成人の日", When::NthMonday(1, 2), (2000, i32::MAX)),
    rule("建国記念の日", When::Fixed(2, 11), (1967, i32::MAX)),
    rule("天皇誕生日", When::Fixed(2, 23), (2020, i32::MAX)),
    rule("春分の日", When::Vernal, ALWAYS),
    rule("天皇誕生日", When::Fixed(4, 29), (i32::MIN, 1988)),
    rule("みどりの日", When::Fixed(4, 29), (1989, 2006)),
    rule("昭和の日", When::Fixed(4, 29), (2007, i32::MAX)),
    rule("憲法記念日", When::Fixed(5, 3), ALWAYS),
    rule("みどりの日", When::Fixed(5, 4), (2007, i32::MAX)),
    rule("こどもの日", When::Fixed(5, 5), ALWAYS),
    rule("海の日", When::Fixed(7, 20), (1996, 2002)),
    rule("海の日", When::NthMonday(7, 3), (2003, i32::MAX)),
    rule("山の日", When::Fixed(8, 11), (2016, i32::MAX)),
    rule("敬老の日", When::Fixed(9, 15), (1966, 2002)),
    rule("敬老の日", When::NthMonday(9, 3), (2003, i32::MAX)),
    rule("秋分の日", When::Autumnal, ALWAYS),
    rule("体育の日", When::Fixed(10, 10), (1966, 1999)),
    rule("体育の日", When::NthMonday(10, 2), (2000, 2019)),
    rule("スポーツの日", When::NthMonday(10, 2), (2020, i32::MAX)),
    rule("文化の日", When::Fixed(11, 3), ALWAYS),
    rule("勤労感謝の日", When::Fixed(11, 23), ALWAYS),
    rule("天皇誕生日", When::Fixed(12, 23), (1989, 2018)),
];

/// The day of 春分 or 秋分 in March or September by the usual approximation
/// (valid 1900–2150; the official day is fixed each February for the next
/// year by the 国立天文台's 暦要項, which the Cabinet Office's list follows):
/// int(c + 0.242194 (y − 1980) − int((y − y0) / 4)).
fn equinox(year: i32, vernal: bool) -> u32 {
    let (c, y0) = match (year, vernal) {
        (..=1979, true) => (20.8357, 1983),
        (..=1979, false) => (23.2588, 1983),
        (1980..=2099, true) => (20.8431, 1980),
        (1980..=2099, false) => (23.2488, 1980),
        (_, true) => (21.8510, 1980),
        (_, false) => (24.2488, 1980),
    };
    let y = f64::from(year);
    // The inner division truncates toward zero, as the formula is written
    // (it matters before 1983).
    (c + 0.242194 * (y - 1980.0) - f64::from((year - y0) / 4)).floor() as u32
}

impl When {
    fn day(self, year: i32) -> Day {
        let (month, day) = match self {
            When::Fixed(m, d) => (m, d),
            When::NthMonday(m, n) => {
                let first = Day { year, month: m, day: 1 }.weekday() as u32;
                (m, 1 + (8 - first) % 7 + 7 * (n - 1))
            }
            When::Vernal => (3, equinox(year, true)),
            When::Autumnal => (9, equinox(year, false)),
        };
        Day { year, month, day }
    }
}

/// The 祝日 and 休日 of a year by the rules alone, in date order: 第2条's
/// days; 第3条第2項, from 1973-04-12 (昭和48年法律第10号): a 祝日 on a
/// Sunday gives the nearest later day that is not a 祝日 (before 2007, the
/// next day); 第3条第3項, from 1985-12-27 (昭和60年法律第103号): a day
/// between two 祝日 (before 2007, not a Sunday nor a 振替休日).
fn computed_year(year: i32) -> Vec<(i64, Why)> {
    let mut named: Vec<(i64, &'static str)> =
        RULES.iter().filter(|r| (r.from..=r.to).contains(&year)).map(|r| (r.when.day(year).days(), r.name)).collect();
    named.sort_unstable();
    let is_named = |d: i64| named.binary_search_by_key(&d, |e| e.0).is_ok();
    let mut out: Vec<(i64, Why)> = named.iter().map(|&(d, name)| (d, Why::Holiday(name))).collect();
    let since_2007 = year >= 2007;
    let substitutes_from = Day { year: 1973, month: 4, day: 12 }.days();
    for &(d, _) in &named {
        if weekday_of(d) != Weekday::Sunday || d < substitutes_from {
            continue;
        }
        let mut n = d + 1;
        while since_2007 && is_named(n) {
            n += 1;
        }
        if !is_named(n) {
            out.push((n, Why::Substitute));
        }
    }
    for w in named.windows(2) {
        let between = w[0].0 + 1;
        if w[1].0 - w[0].0 != 2 || year < 1986 {
            continue;
        }
        let substitute = out.iter().any(|&(d, why)| d == between && why == Why::Substitute);
        if !since_2007 && (weekday_of(between) == Weekday::Sunday || substitute) {
            continue;
        }
        out.push((between, Why::Bridge));
    }
    // A day both 振替休日 and 国民の休日 is named once, as 振替休日 (Why's order).
    out.sort_unstable_by_key(|&(d, why)| (d, why));
    out.dedup_by_key(|e| e.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
        Day::new(n(0..4) as i32, n(5..7), n(8..10)).unwrap()
    }

    fn last(s: &str) -> LastDay {
        let d = day(s);
        legal_last_day(d.year, d.month, d.day)
    }

    fn why(s: &str) -> Option<Why> {
        let d = day(s);
        closed(d.year, d.month, d.day).map(|c| c.why)
    }

    #[test]
    fn the_list_is_read_whole() {
        // data/law/holidays.csv: 1,068 lines, a header and 1,067 days.
        assert_eq!(HOLIDAYS.days.len(), 1067);
        assert_eq!(listed_years(), (1955, 2027));
        assert_eq!(listed(day("1955-01-01").days()), Some("元日"));
        assert_eq!(listed(day("2027-11-23").days()), Some("勤労感謝の日"));
    }

    #[test]
    fn a_bad_row_names_its_line_and_value() {
        let e = parse_list("date,name\n2026-01-01,元日\n2026-02-30,x\n").err().unwrap();
        assert!(e.contains("holidays.csv:3:") && e.contains("2026-02-30"), "{e}");
        let e = parse_list("date,name\n2026-01-12,成人の日\n2026-01-01,元日\n").err().unwrap();
        assert!(e.contains(":3: not after"), "{e}");
        assert!(parse_list("day,name\n").is_err());
    }

    #[test]
    fn weekdays() {
        // 1970-01-01 was a Thursday; 2026-08-30 a Sunday; 2000-02-29 a Tuesday.
        assert_eq!(Day::from_days(0).weekday(), Weekday::Thursday);
        assert_eq!(day("2026-08-30").weekday(), Weekday::Sunday);
        assert_eq!(day("2000-02-29").weekday(), Weekday::Tuesday);
        assert_eq!(day("2026-08-30").ja(), "2026年8月30日（日）");
        assert_eq!(day("2026-08-31").en(), "2026-08-31 (Mon)");
        assert_eq!(Weekday::Saturday.ja_long(), "土曜日");
        assert_eq!(Weekday::Wednesday.en_long(), "Wednesday");
        assert_eq!(Day::new(2026, 2, 29), None);
        assert_eq!(Day::new(2028, 2, 29).map(Day::ymd), Some((2028, 2, 29)));
    }

    #[test]
    fn an_open_weekday_stays() {
        // 2026-09-01 is a Tuesday and no holiday.
        let l = last("2026-09-01");
        assert!(!l.moved() && l.skipped.is_empty() && !l.computed);
        assert_eq!(l.last, day("2026-09-01"));
        assert_eq!(l.ja(), "2026年9月1日（火）");
        assert_eq!(l.en(), "2026-09-01 (Tue)");
    }

    #[test]
    fn a_saturday_moves_to_monday() {
        // 2026-06-13 is a Saturday; Sunday 6/14 closed too; Monday 6/15 open (no June holiday).
        let l = last("2026-06-13");
        assert_eq!(l.last, day("2026-06-15"));
        assert_eq!(l.skipped, vec![
            (day("2026-06-13"), Closed { why: Why::Saturday, basis: Basis::Law }),
            (day("2026-06-14"), Closed { why: Why::Sunday, basis: Basis::Law }),
        ]);
    }

    #[test]
    fn fy2025_yearly_report_due_on_a_sunday() {
        // 報告規則第7条の3: two months after FY2025 (to 2026-03-31) ends 2026-05-31, a Sunday.
        let l = last("2026-05-31");
        assert_eq!(l.last, day("2026-06-01"));
        assert_eq!(l.skipped.len(), 1);
        assert_eq!(l.ja(), "2026年5月31日（日）は行政機関の休日のため、期限は2026年6月1日（月）（行政機関の休日に関する法律第2条）");
    }

    #[test]
    fn a_major_of_2026_07_31_written_report() {
        // 30 days after 2026-07-31 (民法第140条: the first day not counted) is 2026-08-30, a Sunday.
        let due = Day::from_days(day("2026-07-31").days() + 30);
        assert_eq!(due, day("2026-08-30"));
        let l = legal_last_day(due.year, due.month, due.day);
        assert_eq!(l.last, day("2026-08-31"));
        assert_eq!(l.ja(), "2026年8月30日（日）は行政機関の休日のため、期限は2026年8月31日（月）（行政機関の休日に関する法律第2条）");
        assert_eq!(
            l.en(),
            "2026-08-30 (Sun) is a closed day of government offices (行政機関の休日), so the deadline is 2026-08-31 (Mon) (Act on Holidays of Administrative Organs, Article 2)"
        );
    }

    #[test]
    fn a_substitute_holiday() {
        // 2025-05-04 みどりの日 was a Sunday; 5/5 こどもの日 is a 祝日, so the 振替休日
        // is the nearest later non-祝日 day, Tuesday 5/6 (第3条第2項). A deadline on
        // Saturday 5/3 (憲法記念日) runs through 5/3–5/6 to Wednesday 5/7.
        assert_eq!(why("2025-05-06"), Some(Why::Substitute));
        let l = last("2025-05-03");
        assert_eq!(l.last, day("2025-05-07"));
        let whys: Vec<Why> = l.skipped.iter().map(|s| s.1.why).collect();
        assert_eq!(whys, vec![Why::Holiday("憲法記念日"), Why::Holiday("みどりの日"), Why::Holiday("こどもの日"), Why::Substitute]);
        assert!(l.skipped.iter().all(|s| s.1.basis == Basis::Listed));
        assert_eq!(
            l.ja(),
            "2025年5月3日（土）は行政機関の休日（国民の祝日（憲法記念日））のため、期限は2025年5月7日（水）（行政機関の休日に関する法律第2条）"
        );
    }

    #[test]
    fn a_citizens_holiday_between_two() {
        // 2026: 敬老の日 is the third Monday of September, 9/21; 秋分の日 9/23
        // (formula: floor(23.2488 + 0.242194 × 46 − 11) = floor(23.3897) = 23);
        // Tuesday 9/22 lies between them (第3条第3項).
        assert_eq!(why("2026-09-21"), Some(Why::Holiday("敬老の日")));
        assert_eq!(why("2026-09-22"), Some(Why::Bridge));
        assert_eq!(why("2026-09-23"), Some(Why::Holiday("秋分の日")));
        // Due Saturday 9/19: 9/19–9/23 closed, Thursday 9/24 the last day.
        let l = last("2026-09-19");
        assert_eq!(l.last, day("2026-09-24"));
        assert_eq!(l.skipped.len(), 5);
        assert_eq!(Closed { why: Why::Bridge, basis: Basis::Listed }.en(), "citizens' holiday (国民の休日)");
    }

    #[test]
    fn the_year_end_days() {
        // 2026-12-28 is a Monday and open; 12/29 (Tue) to 1/3 (Sun) closed by
        // 第1条第1項第3号 (1/1 as 元日); 2027-01-04 a Monday, open.
        assert_eq!(why("2026-12-28"), None);
        assert_eq!(why("2026-12-29"), Some(Why::YearEnd));
        assert_eq!(closed(2026, 12, 29).unwrap().item(), "第1条第1項第3号");
        let l = last("2026-12-29");
        assert_eq!(l.last, day("2027-01-04"));
        assert_eq!(l.skipped.len(), 6);
        assert_eq!(l.skipped[3], (day("2027-01-01"), Closed { why: Why::Holiday("元日"), basis: Basis::Listed }));
        // A Saturday in the year-end days says 年末年始 (Why's order).
        assert_eq!(why("2027-01-02"), Some(Why::YearEnd));
        assert!(l.ja().starts_with("2026年12月29日（火）は行政機関の休日（年末年始（12月29日～1月3日））のため"));
    }

    #[test]
    fn new_year_then_a_weekend() {
        // 2026-01-01 is a Thursday: 1/1 元日, 1/2 (Fri) and 1/3 (Sat) 年末年始,
        // 1/4 Sunday; Monday 2026-01-05 is the last day.
        let l = last("2026-01-01");
        assert_eq!(l.last, day("2026-01-05"));
        let whys: Vec<Why> = l.skipped.iter().map(|s| s.1.why).collect();
        assert_eq!(whys, vec![Why::Holiday("元日"), Why::YearEnd, Why::YearEnd, Why::Sunday]);
        assert_eq!(l.ja(), "2026年1月1日（木）は行政機関の休日（国民の祝日（元日））のため、期限は2026年1月5日（月）（行政機関の休日に関する法律第2条）");
        assert_eq!(
            l.en(),
            "2026-01-01 (Thu) is a closed day of government offices (行政機関の休日: national holiday (元日)), so the deadline is 2026-01-05 (Mon) (Act on Holidays of Administrative Organs, Article 2)"
        );
        // 2032-01-01 is a Thursday too, beyond the list: the same days, computed.
        let l = last("2032-01-01");
        assert_eq!(l.last, day("2032-01-05"));
        assert!(l.computed);
        assert_eq!(l.skipped[0].1, Closed { why: Why::Holiday("元日"), basis: Basis::Computed });
        assert_eq!(l.skipped[3].1, Closed { why: Why::Sunday, basis: Basis::Law });
    }

    #[test]
    fn beyond_the_list_is_computed_and_said() {
        // 2028: 春分 floor(20.8431 + 0.242194 × 48 − 12) = 20, Monday 3/20;
        // 2028-03-18 Saturday → Tuesday 3/21, every answer marked computed.
        let l = last("2028-03-18");
        assert_eq!(l.last, day("2028-03-21"));
        assert_eq!(l.skipped[2], (day("2028-03-20"), Closed { why: Why::Holiday("春分の日"), basis: Basis::Computed }));
        assert!(l.computed);
        assert!(l.ja().ends_with("（2028年の祝日は内閣府の公表前のため、国民の祝日に関する法律により計算）"), "{}", l.ja());
        assert!(l.en().ends_with(" (holidays of 2028 computed by the National Holidays Act, not yet published by the Cabinet Office)"));
        // An open day beyond the list is open only as computed: never silently.
        let l = last("2028-06-14");
        assert!(!l.moved() && l.computed);
        assert_eq!(l.ja(), "2028年6月14日（水）（2028年の祝日は内閣府の公表前のため、国民の祝日に関する法律により計算）");
        // A period over the list's end names both the computed year only.
        let l = last("2027-12-31");
        assert_eq!(l.last, day("2028-01-04"));
        assert!(l.computed && l.ja().contains("（2028年の祝日は"));
        // Within the list, never computed.
        assert!(!last("2027-11-23").computed);
    }

    #[test]
    fn computed_future_days() {
        // 2029-09: 敬老の日 the third Monday, 9/17; 秋分 floor(23.2488 + 0.242194 × 49 − 12) = 23,
        // a Sunday, so Monday 9/24 is a 振替休日.
        assert_eq!(why("2029-09-17"), Some(Why::Holiday("敬老の日")));
        assert_eq!(why("2029-09-23"), Some(Why::Holiday("秋分の日")));
        assert_eq!(why("2029-09-24"), Some(Why::Substitute));
        // 2032: 敬老の日 9/20 (Mon), 秋分 floor(23.2488 + 12.59409 − 13) = 22 (Wed): 9/21 国民の休日.
        assert_eq!(why("2032-09-20"), Some(Why::Holiday("敬老の日")));
        assert_eq!(why("2032-09-21"), Some(Why::Bridge));
        assert_eq!(why("2032-09-22"), Some(Why::Holiday("秋分の日")));
        // 2033-05-03 憲法記念日 is a Tuesday; nothing to move. 2037-05-03 is a Sunday:
        // 5/4 and 5/5 are 祝日, so the 振替休日 is Wednesday 5/6.
        assert_eq!(why("2037-05-03"), Some(Why::Holiday("憲法記念日")));
        assert_eq!(why("2037-05-06"), Some(Why::Substitute));
        assert_eq!(why("2037-05-07"), None);
    }

    /// The days of a listed year as the list gives them (休日 told apart).
    fn listed_year(year: i32) -> Vec<(Day, Why)> {
        let (a, b) = (Day { year, month: 1, day: 1 }.days(), Day { year, month: 12, day: 31 }.days());
        HOLIDAYS.days.iter().filter(|e| (a..=b).contains(&e.0)).map(|&(d, name)| (Day::from_days(d), listed_why(d, name))).collect()
    }

    #[test]
    fn listed_years_agree_with_the_rules() {
        // Every year of the list (1955–2027) is the computed year, but for
        // the one-offs of their own acts: the royal wedding days of 1959 and
        // 1993, the funeral of 1989, the enthronement ceremony of 1990;
        // 2019's enthronement days (5/1 and 10/22, which made 4/30 and 5/2
        // 国民の休日) and the name of 10/14; the Olympic moves of 2020
        // (海の日 7/23, スポーツの日 7/24, 山の日 8/10) and 2021 (7/22, 7/23,
        // 山の日 8/8 on a Sunday and its 振替休日 8/9).
        let h = |n| Why::Holiday(n);
        let only_listed: Vec<(Day, Why)> = vec![
            (day("1959-04-10"), h("結婚の儀")),
            (day("1989-02-24"), h("大喪の礼")),
            (day("1990-11-12"), h("即位礼正殿の儀")),
            (day("1993-06-09"), h("結婚の儀")),
            (day("2019-04-30"), Why::Bridge),
            (day("2019-05-01"), h("休日（祝日扱い）")),
            (day("2019-05-02"), Why::Bridge),
            (day("2019-10-14"), h("体育の日（スポーツの日）")),
            (day("2019-10-22"), h("休日（祝日扱い）")),
            (day("2020-07-23"), h("海の日")),
            (day("2020-07-24"), h("スポーツの日")),
            (day("2020-08-10"), h("山の日")),
            (day("2021-07-22"), h("海の日")),
            (day("2021-07-23"), h("スポーツの日")),
            (day("2021-08-08"), h("山の日")),
            (day("2021-08-09"), Why::Substitute),
        ];
        let only_computed: Vec<(Day, Why)> = vec![
            (day("2019-10-14"), h("体育の日")),
            (day("2020-07-20"), h("海の日")),
            (day("2020-08-11"), h("山の日")),
            (day("2020-10-12"), h("スポーツの日")),
            (day("2021-07-19"), h("海の日")),
            (day("2021-08-11"), h("山の日")),
            (day("2021-10-11"), h("スポーツの日")),
        ];
        let (mut listed_not, mut computed_not) = (Vec::new(), Vec::new());
        for year in listed_years().0..=listed_years().1 {
            let l = listed_year(year);
            let c: Vec<(Day, Why)> = computed_year(year).into_iter().map(|(d, w)| (Day::from_days(d), w)).collect();
            listed_not.extend(l.iter().filter(|e| !c.contains(e)).copied());
            computed_not.extend(c.iter().filter(|e| !l.contains(e)).copied());
        }
        assert_eq!(listed_not, only_listed);
        assert_eq!(computed_not, only_computed);
    }

    #[test]
    fn the_equinox_formula_matches_the_list() {
        // Every 春分の日 and 秋分の日 the list gives, under both sets of the
        // formula's constants (1900–1979, 1980–2099).
        for year in listed_years().0..=listed_years().1 {
            for (vernal, name, month) in [(true, "春分の日", 3), (false, "秋分の日", 9)] {
                let d = Day { year, month, day: equinox(year, vernal) };
                assert_eq!(listed(d.days()), Some(name), "{d}");
            }
        }
    }

    #[test]
    fn the_list_tells_its_two_kyujitsu_apart() {
        // 2009-09-22 lies between 敬老の日 9/21 and 秋分の日 9/23: 国民の休日;
        // 2008-05-06 follows こどもの日 on Monday after 5/4 (みどりの日) on a Sunday: 振替休日.
        assert_eq!(why("2009-09-22"), Some(Why::Bridge));
        assert_eq!(why("2008-05-06"), Some(Why::Substitute));
        // Before 2007, 5/4 between 憲法記念日 and こどもの日 was a 国民の休日 (listed 休日),
        // but when 5/3 was a Sunday (1998) a 振替休日, which 第3項 then left out.
        assert_eq!(why("2005-05-04"), Some(Why::Bridge));
        assert_eq!(why("1998-05-04"), Some(Why::Substitute));
        assert_eq!(Closed { why: Why::Holiday("休日（祝日扱い）"), basis: Basis::Listed }.ja(), "休日（祝日扱い）");
    }
}
