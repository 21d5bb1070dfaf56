//! The rules of the contract as data (data/rules/mic.toml, built in;
//! `--rules FILE` replaces it): bins, the reporting duty and its due
//! dates, the major-accident rule sets by effective date, and the
//! taxonomy. A book is passed to what asks it (`Rules`), never looked up:
//! two books live in one run (`--compare`). Code asks it, and does not know
//! its values.

pub mod taxonomy;
pub use taxonomy::Vocabulary;
mod raw;
mod judge;
mod load;
mod per_row;
pub mod near_miss;
mod open;

use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result};

use crate::lang::Lang;

pub use raw::{Class, Coded as CodedEntry, Every, Group as GroupEntry, InfoLeakItem, OpenService, Taxonomy, Threshold};
pub use judge::{Gap, Incident, Judgement, MajorHit};
pub use load::{line_col, located_toml_error, toml_minute};
pub use per_row::PerRow;
pub use open::{least_count, Missing, Open, Tri};
pub use judge::calendar_quarter;

use crate::calendar::Minute;

/// The shipped rules, compiled in so jiko runs from any folder.
pub const BUILTIN: &str = include_str!("../../../../data/rules/mic.toml");
const BUILTIN_NAME: &str = "data/rules/mic.toml";

/// A checked rule book.
#[derive(Debug, Clone)]
pub struct RuleBook {
    /// Where it was read from, for footers and messages.
    pub origin: String,
    pub meta: raw::Meta,
    pub trial: Option<raw::Trial>,
    pub bins: raw::Bins,
    pub duty: raw::Duty,
    /// Due-date rules with their first day, oldest first.
    pub dues: Vec<DueRule>,
    pub major_report: raw::MajorReport,
    pub sets: Vec<Set>,
    pub facility: raw::Facility,
    /// おそれ事態, when the book has the rule.
    pub near_miss: Option<NearMissRules>,
    pub hard_to_count: Option<raw::HardToCount>,
    /// The first day of a wholesale receiver's simplified report.
    pub wholesale_from: Option<Minute>,
    /// Breaks in a series besides the sets, with their first day.
    pub regimes: Vec<(Minute, raw::Regime)>,
    pub taxonomy: raw::Taxonomy,
    /// `as-of:DATE`: every report judged by the law in force that day.
    pub as_of: Option<Minute>,
}

/// A due rule, checked: its dates read once, not per report.
#[derive(Debug, Clone)]
pub struct DueRule {
    pub from: Minute,
    /// `applies_to_reports_due_from` as a day: a report the rule before
    /// would have due earlier stays with that rule (an ordinance's 附則).
    pub first_due: Option<(i32, u32, u32)>,
    pub raw: raw::Due,
}

/// The おそれ事態 rule, checked.
#[derive(Debug, Clone)]
pub struct NearMissRules {
    pub raw: raw::NearMiss,
    pub from: Minute,
    /// Each situation's first day when it came later than the rule
    /// (`effective_from`), by situation index.
    pub situation_from: Vec<Option<Minute>>,
    /// Each situation's later wordings' first days, by situation index
    /// (beside `raw.situations[i].wording`).
    pub wording_from: Vec<Vec<Minute>>,
}

impl NearMissRules {
    /// Situation `i`'s words on `day` (its newest words when no day is
    /// known).
    pub fn label_on(&self, i: usize, day: Option<Minute>) -> &str {
        let s = &self.raw.situations[i];
        let later = self.wording_from[i].iter().zip(&s.wording).filter(|(from, _)| day.map_or(true, |d| d >= **from)).last();
        later.map_or(s.label.as_str(), |(_, w)| w.label.as_str())
    }

    /// Situation `i`'s newest words (what a template offers).
    pub fn latest_label(&self, i: usize) -> &str {
        self.label_on(i, None)
    }
}

/// One major-accident rule set, checked.
#[derive(Debug, Clone)]
pub struct Set {
    pub raw: raw::MajorSet,
    /// First day in force; `None` only for a trial's own set.
    pub from: Option<Minute>,
    /// Class number (1-based) of each service, by service index (below
    /// any conditional class's floor).
    pub class_of_service: Vec<u8>,
    /// Classes held only from some monthly users on, lowest first.
    pub conditional: Vec<Conditional>,
    /// The least duration and users of any class's threshold: a report
    /// under either meets none (most reports, ruled out at one look).
    pub floor: (u64, u64),
}

/// A class that holds its services only when their monthly users reach
/// a floor (施行規則第58条第2項第1号 四, from 2026-04-01).
#[derive(Debug, Clone)]
pub struct Conditional {
    pub class: u8,
    /// Bit mask of the services it names.
    pub services: u32,
    pub min_monthly_active_users: u64,
}

static BUILTIN_BOOK: LazyLock<RuleBook> =
    LazyLock::new(|| load::parse(Lang::En, BUILTIN, BUILTIN_NAME, None).expect("the built-in rules are valid (tests check them)"));
static BUILTIN_PER_ROW: LazyLock<PerRow> = LazyLock::new(|| PerRow::of(&BUILTIN_BOOK));
static BUILTIN_VOCAB: LazyLock<Vocabulary> = LazyLock::new(|| Vocabulary::of(&BUILTIN_BOOK));

/// A rule book with its per-row view: what a run's reading, counting,
/// judging, figures and wording ask, passed to them. A command gets the
/// run's own from `--rules` (else `Rules::builtin()`); `--compare` loads a
/// second one.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub book: &'static RuleBook,
    pub per_row: &'static PerRow,
    /// The book's codes, labels, aliases and bins.
    pub vocab: &'static Vocabulary,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules::builtin()
    }
}

impl Rules {
    /// The built-in rules (data/rules/mic.toml).
    pub fn builtin() -> Rules {
        Rules { book: &BUILTIN_BOOK, per_row: &BUILTIN_PER_ROW, vocab: &BUILTIN_VOCAB }
    }

    /// The rules of a file (`--rules FILE`, `--compare FILE`) or of a
    /// shipped one by name, checked against the built-in book; the book
    /// lives for the run. Its errors are in the language `lang`.
    pub fn load(lang: Lang, path: &Path) -> Result<Rules> {
        let parsed: &'static RuleBook = match path.to_str().and_then(|p| p.strip_prefix("as-of:")) {
            Some(day) if !path.exists() => Box::leak(Box::new(load::as_of(lang, &BUILTIN_BOOK, day)?)),
            _ => {
                let (text, origin) = read_rules(lang, path)?;
                Box::leak(Box::new(load::parse(lang, &text, &origin, Some(&BUILTIN_BOOK))?))
            }
        };
        Ok(Rules { book: parsed, per_row: Box::leak(Box::new(PerRow::of(parsed))), vocab: Box::leak(Box::new(Vocabulary::of(parsed))) })
    }

    /// The set that judges a report started at `t`: the trial's set in a
    /// what-if, else the last set in force on that day.
    pub fn set_at(&self, t: &Minute) -> Option<&'static Set> {
        self.per_row.set_index_at(t).map(|i| &self.book.sets[i])
    }

    /// Every set in force on some day of fiscal year `fy`, oldest first.
    pub fn sets_in_year(&self, fy: i32) -> Vec<&'static Set> {
        let b = self.book;
        if b.trial.is_some() {
            return self.set_at(&fy_start(fy)).into_iter().collect();
        }
        let (start, end) = (fy_start(fy), fy_start(fy + 1));
        let dated: Vec<&'static Set> = b.sets.iter().filter(|s| s.from.is_some()).collect();
        dated
            .iter()
            .enumerate()
            .filter(|(i, s)| s.from.unwrap() < end && dated.get(i + 1).map_or(true, |next| next.from.unwrap() > start))
            .map(|(_, s)| *s)
            .collect()
    }

    /// The set in force at the end of fiscal year `fy`.
    pub fn year_set(&self, fy: i32) -> Option<&'static Set> {
        self.sets_in_year(fy).into_iter().last()
    }

    /// The what-if notice, when the rules are a trial (試算).
    pub fn trial_note(&self) -> Option<&'static str> {
        self.book.trial.as_ref().map(|t| t.note.as_str())
    }

    /// Matrix cells under both duty thresholds are printed as outside the duty.
    pub fn cell_outside_duty(&self, duration_bin: usize, users_bin: usize) -> bool {
        let d = &self.book.duty;
        self.vocab.duration_bins[duration_bin].from < d.min_duration && self.vocab.user_bins[users_bin].from < d.min_users
    }

    /// Within the routine reporting duty: long enough, or enough users, or
    /// a kind always reported (an information leak, 注2③, until its item
    /// ended).
    #[inline]
    pub fn within_duty(&self, duration_min: u64, users: u64, kind: usize, started: &Minute) -> bool {
        self.per_row.within_duty(duration_min, users, kind, started)
    }

    /// A major accident's written report is due `written_days` after the
    /// day it occurred (施行規則第57条: the first day is not counted).
    pub fn major_written_due(&self, t: &Minute) -> (i32, u32, u32) {
        use crate::calendar::{civil_from_days, days_from_civil};
        civil_from_days(days_from_civil(t.year, t.month, t.day) + i64::from(self.book.major_report.written_days))
    }

    /// The last day in force of the texts this book was checked against.
    pub fn checked_through(&self) -> Option<Minute> {
        self.book.meta.checked_through.as_ref().and_then(toml_minute)
    }

    /// The 注意 line for an answer about a day after the book was checked
    /// (Japanese, English), else nothing.
    pub fn unchecked_note(&self, t: &Minute) -> Option<(String, String)> {
        let c = self.checked_before(t)?;
        let (cy, cm, cd) = (c.year, c.month, c.day);
        Some((
                format!("注意: jiko の規則は{cy}年{cm}月{cd}日に施行されている法令の条文までと照合済み。それより後の改正は反映されていない可能性がある（{}）", self.book.meta.checked),
                format!("caution: the rules were checked against the law only up to {cy:04}-{cm:02}-{cd:02}; a later amendment may not be reflected"),
            ))
    }

    /// The day the book was checked through, when `t` falls on a later day.
    pub fn checked_before(&self, t: &Minute) -> Option<Minute> {
        self.checked_through().filter(|c| (c.year, c.month, c.day) < (t.year, t.month, t.day))
    }


    /// One incident judged by these rules.
    pub fn judge(&self, i: &Incident) -> Judgement {
        judge::judge_in(*self, i)
    }

    /// The incident's services whose class the text leaves open under set
    /// `s`, with the verdict in each class they could be in, where those
    /// differ (the answer then "depends on the class").
    pub fn open_classes(&self, s: &'static Set, i: &Incident) -> Vec<(&'static OpenService, Vec<(u8, bool)>)> {
        judge::open_classes(*self, s, i)
    }

    /// `judge` with the facts `missing` left open.
    pub fn judge_open(&self, i: &Incident, missing: Missing) -> Open {
        open::judge_open(*self, i, missing)
    }

    /// The due rule for a routine report of an incident at `t`, and its
    /// due day (`judge::routine_rule_in`).
    pub(crate) fn routine_rule(&self, t: &Minute) -> Option<(usize, (i32, u32, u32))> {
        judge::routine_rule_in(&self.book.dues, t)
    }

    /// The おそれ事態 rule, when the book has it.
    pub fn near_miss(&self) -> Option<&'static NearMissRules> {
        self.book.near_miss.as_ref()
    }

    /// The due rule in force at the end of fiscal year `fy` (a year's
    /// tables and notes name its report).
    pub fn year_due(&self, fy: i32) -> Option<&'static raw::Due> {
        let end = Minute { year: fy + 1, month: 3, day: 31, hour: 23, minute: 59 };
        self.routine_rule(&end).map(|(i, _)| &self.book.dues[i].raw)
    }

    /// The routine report's name and the label outside it under `due`
    /// (年次報告 from FY2025), else the duty's own (四半期報告).
    pub(crate) fn labels_of(&self, due: Option<&'static raw::Due>) -> (&'static str, &'static str) {
        let b = self.book;
        (
            due.and_then(|d| d.name.as_deref()).unwrap_or(&b.duty.name),
            due.and_then(|d| d.outside_label.as_deref()).unwrap_or(&b.duty.outside_label),
        )
    }

    /// `labels_of` the rule in force at the end of fiscal year `fy`.
    pub fn duty_labels(&self, fy: i32) -> (&'static str, &'static str) {
        self.labels_of(self.year_due(fy))
    }


    /// What falls outside the duty, as the edition's notes word it:
    /// `継続時間2時間未満かつ影響利用者数3万人未満`.
    pub fn outside_duty_text(&self) -> String {
        let d = &self.book.duty;
        format!("継続時間{}未満かつ影響利用者数{}人未満", hours_text(d.min_duration), man(d.min_users))
    }

    /// A simple-form report must name one of these (incidents.md).
    pub fn simple_form_allows(&self, equipment: Option<usize>) -> bool {
        let b = self.book;
        equipment.is_some_and(|i| b.taxonomy.simple_form_equipment.iter().any(|c| c == self.vocab.equipment[i].code))
    }

    /// Footer line(s) naming the rules used, and the what-if notice.
    pub fn provenance(&self) -> Vec<String> {
        let b = self.book;
        let mut out = Vec::new();
        if b.origin != BUILTIN_NAME {
            out.push(format!("規則ファイル: {}（{}）", b.origin, b.meta.title));
        }
        if let Some(t) = &b.trial {
            out.push(t.note.clone());
        }
        out
    }

    /// Whether `other` counts in the same codes and bins, so that their
    /// figures and verdicts can stand side by side.
    pub fn same_codes(&self, other: &Rules) -> bool {
        let (a, b) = (self.vocab, other.vocab);
        a.services == b.services
            && (&a.causes, &a.equipment, &a.kinds, &a.facilities, &a.wholesale, &a.forms)
                == (&b.causes, &b.equipment, &b.kinds, &b.facilities, &b.wholesale, &b.forms)
            && (&a.duration_bins, &a.user_bins) == (&b.duration_bins, &b.user_bins)
    }
}

/// Rules files shipped in data/rules/, by name, usable from any folder
/// (`--rules proposed-2025`).
const SHIPPED: &[(&str, &str)] = &[("mic", BUILTIN), ("proposed-2025", include_str!("../../../../data/rules/proposed-2025.toml"))];

/// A rules file's text and the name it goes by: a file, or a shipped
/// one by name when no such file exists. A file that cannot be read
/// keeps its io error as the cause (in Japanese, in Japanese words).
fn read_rules(lang: Lang, path: &Path) -> Result<(String, String)> {
    let shipped = SHIPPED.iter().find(|(name, _)| !path.exists() && path.to_str() == Some(*name));
    Ok(match shipped {
        Some((name, text)) => (text.to_string(), format!("data/rules/{name}.toml")),
        None => {
            let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
                _ if !lang.ja() => e,
                // read_to_string's only InvalidData: bytes that are not UTF-8.
                std::io::ErrorKind::InvalidData => std::io::Error::new(e.kind(), "UTF-8 のテキストではありません"),
                kind => std::io::Error::new(kind, crate::lang::io_text(lang, &e)),
            });
            let names = SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>();
            let text = text.with_context(|| {
                crate::say!(lang, "reading rules {p} (shipped rules: {s})", "規則ファイル {p} の読み込み（同梱の規則: {s}）", p = path.display(), s = names.join(", "))
            })?;
            (text, path.display().to_string())
        }
    })
}

/// Check a rules text without using it (tests, `jiko rules --check`), its
/// errors in English.
pub fn check(text: &str, origin: &str) -> Result<RuleBook> {
    check_in(Lang::En, text, origin)
}

/// Check a rules text, its errors in the language `lang`.
pub fn check_in(lang: Lang, text: &str, origin: &str) -> Result<RuleBook> {
    load::parse(lang, text, origin, Some(&BUILTIN_BOOK))
}

/// A bin `[from, next bin's from)` with its code and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub code: &'static str,
    pub from: u64,
    pub label: &'static str,
}

/// Index of the bin holding `value`: bins increase (the rules' loader
/// checks), so the bins starting at or below it are the first ones, found
/// by halving.
#[inline]
pub fn bin_of(bins: &[Bin], value: u64) -> usize {
    bins.partition_point(|b| b.from <= value).saturating_sub(1)
}

/// The fiscal year (April to March) of a date.
pub use crate::calendar::fiscal_year;

/// The largest count of users a record may give (above it, a typo).
pub const MAX_USERS: u64 = 500_000_000;

/// The first minute of fiscal year `fy` (1 April, 00:00).
pub fn fy_start(fy: i32) -> Minute {
    Minute { year: fy, month: 4, day: 1, hour: 0, minute: 0 }
}

impl InfoLeakItem {
    /// The first day the item no longer applies, where the book says it.
    pub fn removed(&self) -> Option<Minute> {
        self.removed_from.as_ref().and_then(toml_minute)
    }
}

/// What the major-accident rules say of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Major {
    No,
    /// Major; the class in the set's numbering, `None` when the set has no
    /// classes or only the facility rule was met.
    Yes(Option<u8>),
}

impl Set {
    pub fn id(&'static self) -> &'static str {
        &self.raw.id
    }

    /// The set's name in Japanese text: its `label` (`令和元年度から`),
    /// else its id.
    pub fn label(&self) -> &str {
        if self.raw.label.is_empty() {
            &self.raw.id
        } else {
            &self.raw.label
        }
    }


    /// The class of service `i` at these monthly users: a conditional
    /// class whose floor they reach, else its own.
    pub fn class_of(&self, i: usize, mau: Option<u64>) -> Option<u8> {
        self.conditional
            .iter()
            .find(|c| c.services & (1 << i) != 0 && mau.is_some_and(|m| m >= c.min_monthly_active_users))
            .map(|c| c.class)
            .or_else(|| self.class_of_service.get(i).copied())
    }

    /// The lowest class met by one of `services` (a bit mask over the
    /// taxonomy's services), with the threshold met.
    #[inline]
    pub fn met(&self, services: u32, duration_min: u64, users: u64, mau: Option<u64>) -> Option<(u8, Threshold)> {
        if duration_min < self.floor.0 || users < self.floor.1 {
            return None;
        }
        let mut best: Option<(u8, Threshold)> = None;
        let mut rest = services;
        while rest != 0 {
            // Only the report's own services (a few bits of the mask).
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let class = if self.conditional.is_empty() { self.class_of_service.get(i).copied() } else { self.class_of(i, mau) };
            let Some(class) = class else { continue };
            if best.is_some_and(|(b, _)| b <= class) {
                continue;
            }
            let hit = self.raw.classes[usize::from(class) - 1].thresholds.iter().find(|t| meets(t, duration_min, users, mau));
            if let Some(t) = hit {
                best = Some((class, *t));
            }
        }
        best
    }

    #[inline]
    pub fn judge(&self, services: u32, duration_min: u64, users: u64, mau: Option<u64>, critical_facility: bool) -> Major {
        match self.met(services, duration_min, users, mau) {
            Some((c, _)) => Major::Yes(self.raw.numbered.then_some(c)),
            None if self.facility_met(duration_min, critical_facility) => Major::Yes(None),
            None => Major::No,
        }
    }

    /// The critical-facility rule (注1②): a critical facility wholly down
    /// at least the set's time.
    pub(crate) fn facility_met(&self, duration_min: u64, critical_facility: bool) -> bool {
        critical_facility && self.raw.facility_min_duration.is_some_and(|d| duration_min >= d)
    }

    /// Every report in the matrix cell meets some class's threshold, given
    /// a service of that class (the cells the edition marks ※).
    pub fn cell_meets_a_threshold(&self, v: &Vocabulary, duration_bin: usize, users_bin: usize) -> bool {
        let (d, u) = (v.duration_bins[duration_bin].from, v.user_bins[users_bin].from);
        self.raw
            .classes
            .iter()
            .flat_map(|c| c.thresholds.iter())
            .any(|t| t.min_monthly_active_users.is_none() && d >= t.min_duration && u >= t.min_users)
    }

    /// Each class as the edition's note prints it: `一 name: thresholds`.
    pub fn notes(&self) -> Vec<String> {
        self.raw
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mark = if self.raw.numbered { format!("{} ", kanji_number(i + 1)) } else { String::new() };
                format!("{mark}{}: {}", c.name, thresholds_text(&c.thresholds))
            })
            .collect()
    }
}

pub fn meets(t: &Threshold, duration_min: u64, users: u64, mau: Option<u64>) -> bool {
    duration_min >= t.min_duration
        && users >= t.min_users
        && t.min_monthly_active_users.map_or(true, |m| mau.is_some_and(|v| v >= m))
}

/// `2時間以上かつ3万以上、又は1時間以上かつ100万以上`.
pub fn thresholds_text(ts: &[Threshold]) -> String {
    ts.iter()
        .map(|t| {
            let mau = t.min_monthly_active_users.map_or(String::new(), |m| format!("（月間アクティブ利用者数{}以上）", man(m)));
            format!("{}以上かつ{}以上{mau}", hours_text(t.min_duration), man(t.min_users))
        })
        .collect::<Vec<_>>()
        .join("、又は")
}

/// Minutes as the edition writes them: `2時間`, `1時間30分`, `30分`.
pub fn hours_text(min: u64) -> String {
    match (min / 60, min % 60) {
        (0, m) => format!("{m}分"),
        (h, 0) => format!("{h}時間"),
        (h, m) => format!("{h}時間{m}分"),
    }
}

/// Counts in 万 as the edition writes thresholds: `3万`, `100万`, `500`.
pub fn man(n: u64) -> String {
    if n >= 10_000 && n % 10_000 == 0 {
        format!("{}万", n / 10_000)
    } else {
        n.to_string()
    }
}

/// Kanji numerals for class numbers (一 … 十).
pub fn kanji_number(n: usize) -> &'static str {
    ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"].get(n).copied().unwrap_or("")
}

/// `六なら重大な事故、七なら重大な事故でない`: an incident's verdict in each
/// class its service could be in (`Rules::open_classes`).
pub fn class_verdicts_ja(v: &[(u8, bool)]) -> String {
    let each: Vec<String> = v.iter().map(|(c, m)| format!("{}なら{}", kanji_number(usize::from(*c)), if *m { "重大な事故" } else { "重大な事故でない" })).collect();
    each.join("、")
}

/// `major in class 6, not in 1 or 7`.
pub fn class_verdicts_en(v: &[(u8, bool)]) -> String {
    let list = |yes: bool| v.iter().filter(|x| x.1 == yes).map(|x| x.0.to_string()).collect::<Vec<_>>().join(" or ");
    format!("major in class {}, not in {}", list(true), list(false))
}

#[cfg(test)]
mod tests;
