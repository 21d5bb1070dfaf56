//! Reading a rules file: TOML into the book, the built-in book filling what
//! a file that `extends = "mic"` leaves out, then every check a careful
//! reader would make, each error naming file, line, column and value.

use std::collections::BTreeSet;

use anyhow::{anyhow, bail, Result};

use super::raw::{MajorSet, RawBook};
use super::{RuleBook, Set};
use crate::calendar::Minute;
use crate::lang::Lang;
use crate::say;

/// Parse and check `text`, read from `origin` (a path, for messages),
/// its errors in the language `lang`.
pub fn parse(lang: Lang, text: &str, origin: &str, base: Option<&RuleBook>) -> Result<RuleBook> {
    let raw: RawBook = toml::from_str(text).map_err(|e| located_toml_error(lang, text, origin, &e))?;
    let at = Locator { text, origin, lang };
    let extends = match raw.extends.as_deref() {
        None => None,
        Some("mic") => Some(base.ok_or_else(|| anyhow!(say!(lang, "{origin}: extends = \"mic\" needs the built-in rules", "{origin}: extends = \"mic\" には組み込みの規則が必要です")))?),
        Some(other) => bail!(say!(lang, "{}: extends: {other:?}: only \"mic\" (the built-in rules) can be extended", "{}: extends: {other:?}: 拡張できるのは \"mic\"（組み込みの規則）だけです", at.find(other))),
    };
    macro_rules! section {
        ($name:ident) => {
            match (raw.$name, extends) {
                (Some(v), _) => v,
                (None, Some(b)) => b.$name.clone(),
                (None, None) => bail!(say!(lang, "{origin}: [{}] is missing (or write extends = \"mic\" to take it from the built-in rules)", "{origin}: [{}] がありません（組み込みの規則から引き継ぐには extends = \"mic\" と書いてください）", stringify!($name))),
            }
        };
    }
    let meta = section!(meta);
    let bins = section!(bins);
    let duty = section!(duty);
    let major_report = section!(major_report);
    let facility = section!(facility);
    let taxonomy = section!(taxonomy);
    // Optional sections: a file that extends "mic" takes the built-in ones.
    let near_miss = raw.near_miss.or_else(|| extends.and_then(|b| b.near_miss.as_ref().map(|n| n.raw.clone())));
    let hard_to_count = raw.hard_to_count.or_else(|| extends.and_then(|b| b.hard_to_count.clone()));
    let raw_regimes = raw.regimes.or_else(|| extends.map(|b| b.regimes.iter().map(|(_, r)| r.clone()).collect())).unwrap_or_default();
    // A file's own sets come after the book it extends (a trial adds one).
    let mut raw_sets: Vec<MajorSet> = extends.map(|b| b.sets.iter().map(|s| s.raw.clone()).collect()).unwrap_or_default();
    // A dated set of a file that extends the book goes where its day puts
    // it among the book's (a set of 2020-10-01 before the book's 2026 one).
    for set in raw.major.unwrap_or_default() {
        let at = match (&set.effective_from, extends) {
            (Some(d), Some(_)) => raw_sets.iter().position(|s| s.effective_from.as_ref().and_then(toml_minute) > toml_minute(d)).unwrap_or(raw_sets.len()),
            _ => raw_sets.len(),
        };
        raw_sets.insert(at, set);
    }
    let trial = raw.trial;

    check_bins(&at, "duration", &bins.duration)?;
    check_bins(&at, "users", &bins.users)?;
    let codes = |v: &[super::raw::Coded]| v.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
    unique(&at, "services", taxonomy.services.iter().map(|s| s.code.clone()).collect())?;
    if taxonomy.services.len() > 32 {
        bail!(say!(lang, "{origin}: at most 32 services (a report's services are a 32-bit set); found {}", "{origin}: サービスは32種類までです（報告のサービスを32ビットの集合で持つため）。{}種類あります", taxonomy.services.len()));
    }
    for s in &taxonomy.services {
        if !taxonomy.service_subs.iter().any(|g| g.group == s.group && g.code == s.sub) {
            bail!(say!(lang, "{}: service {:?}: group {:?} has no sub-group {:?} in service_subs", "{}: サービス {:?}: service_subs にグループ {:?} の小分類 {:?} がありません", at.find(&s.code), s.code, s.group, s.sub));
        }
    }
    for (name, list, groups) in [
        ("causes", &taxonomy.causes, &taxonomy.cause_groups),
        ("equipment", &taxonomy.equipment, &taxonomy.equipment_groups),
    ] {
        unique(&at, name, codes(list))?;
        for c in list.iter() {
            if !groups.iter().any(|g| g.code == c.group) {
                bail!(say!(lang, "{}: {name} {:?}: unknown group {:?}", "{}: {name} {:?}: 未定義のグループ {:?}", at.find(&c.code), c.code, c.group));
            }
        }
    }
    for (name, list, first) in [
        ("forms", &taxonomy.forms, Some("detailed")),
        ("facilities", &taxonomy.facilities, Some("none")),
        ("kinds", &taxonomy.kinds, Some("outage")),
        ("wholesale", &taxonomy.wholesale, Some("none")),
    ] {
        unique(&at, name, codes(list))?;
        if let Some(first) = first {
            if list.first().map(|c| c.code.as_str()) != Some(first) {
                bail!(say!(lang, "{origin}: taxonomy.{name}: the first entry must be {first:?}", "{origin}: taxonomy.{name}: 最初の項目は {first:?} にしてください"));
            }
        }
    }
    if !taxonomy.forms.iter().any(|f| f.code == "simple") {
        bail!(say!(lang, "{origin}: taxonomy.forms: needs \"simple\"", "{origin}: taxonomy.forms: \"simple\" が必要です"));
    }
    for e in &taxonomy.simple_form_equipment {
        if !taxonomy.equipment.iter().any(|c| &c.code == e) {
            bail!(say!(lang, "{}: simple_form_equipment: unknown equipment code {e:?}", "{}: simple_form_equipment: 不明な設備コード {e:?}", at.find(e)));
        }
    }
    for k in &duty.always_kinds {
        if !taxonomy.kinds.iter().any(|c| &c.code == k) {
            bail!(say!(lang, "{}: duty.always_kinds: unknown kind {k:?}", "{}: duty.always_kinds: 不明な種別 {k:?}", at.find(k)));
        }
    }
    for a in &taxonomy.aliases {
        let known = match a.column.as_str() {
            "report_form" => taxonomy.forms.iter().any(|c| c.code == a.code),
            "services" => taxonomy.services.iter().any(|c| c.code == a.code),
            "cause" => taxonomy.causes.iter().any(|c| c.code == a.code),
            "equipment" => taxonomy.equipment.iter().any(|c| c.code == a.code),
            "facility" => taxonomy.facilities.iter().any(|c| c.code == a.code),
            "kind" => taxonomy.kinds.iter().any(|c| c.code == a.code),
            "wholesale" => taxonomy.wholesale.iter().any(|c| c.code == a.code),
            // The おそれ事態 columns: codes of the book's [near_miss] lists.
            "situation" => near_miss.as_ref().is_some_and(|n| n.situations.iter().any(|c| c.code == a.code)),
            "function" => near_miss.as_ref().is_some_and(|n| n.functions.iter().any(|c| c.code == a.code)),
            "exclusions" => near_miss.as_ref().is_some_and(|n| n.exclusions.iter().any(|c| c.code == a.code)),
            other => bail!(say!(lang, "{}: aliases: unknown column {other:?}", "{}: aliases: 不明な列 {other:?}", at.find(other))),
        };
        if !known {
            bail!(say!(lang, "{}: aliases: {:?} is not a code of column {}", "{}: aliases: {:?} は列 {} のコードではありません", at.find(&a.code), a.code, a.column));
        }
    }

    for r in &taxonomy.refused {
        if r.column != "kind" && r.column != "services" {
            bail!(say!(lang, "{}: refused: column {:?}: only kind and services refuse spellings", "{}: refused: 列 {:?}: 表記を拒否できるのは kind 列と services 列だけです", at.find(&r.column), r.column));
        }
    }
    if let Some(l) = &duty.info_leak_item {
        if let Some(d) = &l.removed_from {
            day(&at, d)?;
        }
    }
    if let Some(d) = &meta.checked_through {
        day(&at, d)?;
    }

    let mut dues = Vec::new();
    for d in &duty.due {
        let from = day(&at, &d.effective_from)?;
        let first_due = d.applies_to_reports_due_from.as_ref().map(|a| day(&at, a).map(|m| (m.year, m.month, m.day))).transpose()?;
        if dues.last().is_some_and(|prev: &super::DueRule| prev.from >= from) {
            bail!(say!(lang, "{}: duty.due: effective_from {from} is not after the one before", "{}: duty.due: effective_from {from} が一つ前の規則の日付より後になっていません", at.find(&d.effective_from.to_string())));
        }
        if d.every == super::raw::Every::Year && d.name.is_none() {
            bail!(say!(lang, "{}: duty.due: a yearly rule needs the report's name (name = \"…\"); the duty's name is the quarterly one", "{}: duty.due: 年次の規則には報告の名称（name = \"…\"）が必要です（duty の名称は四半期報告のものです）", at.find(&d.effective_from.to_string())));
        }
        if d.months_after == 0 || d.months_after > 12 {
            bail!(say!(lang, "{}: duty.due: months_after {} is not 1–12", "{}: duty.due: months_after {} が1〜12の範囲にありません", at.find(&d.effective_from.to_string()), d.months_after));
        }
        dues.push(super::DueRule { from, first_due, raw: d.clone() });
    }
    if dues.is_empty() {
        bail!(say!(lang, "{origin}: duty: at least one [[duty.due]] is needed", "{origin}: duty: [[duty.due]] が少なくとも一つ必要です"));
    }

    let mut sets: Vec<Set> = Vec::new();
    let mut ids = BTreeSet::new();
    for raw in raw_sets {
        if !ids.insert(raw.id.clone()) {
            bail!(say!(lang, "{}: major: id {:?} is used twice", "{}: major: id {:?} が重複しています", at.find_nth(&raw.id, 2), raw.id));
        }
        let from = match (&raw.effective_from, &trial) {
            (Some(d), _) => Some(day(&at, d)?),
            (None, Some(t)) if t.judge_all_by == raw.id => None,
            (None, _) => bail!(say!(lang, "{}: major set {:?}: effective_from is missing", "{}: 重大な事故の基準 {:?}: effective_from がありません", at.find(&raw.id), raw.id)),
        };
        if let (Some(from), Some(prev)) = (from, sets.iter().rev().find_map(|s| s.from)) {
            if from <= prev {
                bail!(say!(
                    lang,
                    "{}: major set {:?}: effective_from {from} overlaps or precedes the set before it (from {prev}); sets go oldest first",
                    "{}: 重大な事故の基準 {:?}: effective_from {from} が一つ前の基準（{prev} から）と重なるか、それより前です。基準は古い順に書いてください",
                    at.find(&raw.effective_from.map(|d| d.to_string()).unwrap_or_default()),
                    raw.id
                ));
            }
        }
        let (class_of_service, conditional) = classes_of(&at, &raw, &taxonomy.services)?;
        for o in &raw.open {
            if !taxonomy.services.iter().any(|s| s.code == o.service) {
                bail!(say!(lang, "{}: major set {:?}: open: unknown service code {:?}", "{}: 重大な事故の基準 {:?}: open: 不明なサービスコード {:?}", at.find(&o.service), raw.id, o.service));
            }
            if o.classes.len() < 2 || o.classes.iter().any(|&c| c == 0 || usize::from(c) > raw.classes.len()) {
                bail!(say!(lang, "{}: major set {:?}: open {:?}: classes must name two or more of 1–{}", "{}: 重大な事故の基準 {:?}: open {:?}: classes には1〜{}のうち二つ以上を挙げてください", at.find(&o.service), raw.id, o.service, raw.classes.len()));
            }
        }
        let thresholds = || raw.classes.iter().flat_map(|c| c.thresholds.iter());
        let floor = (thresholds().map(|t| t.min_duration).min().unwrap_or(u64::MAX), thresholds().map(|t| t.min_users).min().unwrap_or(u64::MAX));
        sets.push(Set { raw, from, class_of_service, conditional, floor });
    }
    if let Some(t) = &trial {
        if !sets.iter().any(|s| s.raw.id == t.judge_all_by) {
            bail!(say!(lang, "{}: trial.judge_all_by: no major set {:?}", "{}: trial.judge_all_by: 重大な事故の基準 {:?} がありません", at.find(&t.judge_all_by), t.judge_all_by));
        }
    }
    let wholesale_from = major_report.wholesale.as_ref().map(|w| day(&at, &w.effective_from)).transpose()?;
    if let Some(h) = &hard_to_count {
        day(&at, &h.effective_from)?;
    }
    let near_miss = match near_miss {
        Some(raw) => {
            let from = day(&at, &raw.effective_from)?;
            for (name, codes) in [
                ("functions", raw.functions.iter().map(|f| f.code.clone()).collect::<Vec<_>>()),
                ("situations", raw.situations.iter().map(|f| f.code.clone()).collect()),
                ("exclusions", raw.exclusions.iter().map(|f| f.code.clone()).collect()),
            ] {
                if codes.is_empty() {
                    bail!(say!(lang, "{origin}: near_miss.{name}: at least one is needed", "{origin}: near_miss.{name}: 少なくとも一つ必要です"));
                }
                unique(&at, &format!("near_miss.{name}"), codes)?;
            }
            if raw.report_days == 0 {
                bail!(say!(lang, "{}: near_miss.report_days: 0", "{}: near_miss.report_days: 0 にはできません", at.find("report_days")));
            }
            let mut situation_from = Vec::new();
            let mut wording_from = Vec::new();
            for s in &raw.situations {
                let own = s.effective_from.as_ref().map(|d| day(&at, d)).transpose()?;
                if let Some(f) = own.filter(|f| *f <= from) {
                    bail!(say!(lang, "{}: near_miss situation {:?}: effective_from {f} is not after the rule's own ({from}); leave it out", "{}: near_miss の事態 {:?}: effective_from {f} が規則自体の施行日（{from}）より後ではありません。その場合は書かないでください", at.find(&s.code), s.code));
                }
                let mut froms: Vec<crate::calendar::Minute> = Vec::new();
                for w in &s.wording {
                    let f = day(&at, &w.from)?;
                    let floor = froms.last().copied().or(own).unwrap_or(from);
                    if f <= floor {
                        bail!(say!(lang, "{}: near_miss situation {:?}: wording from {f} is not after {floor}; wordings go oldest first, after the item's first day", "{}: near_miss の事態 {:?}: wording の from {f} が {floor} より後ではありません。wording は項目の初日より後の日付で、古い順に書いてください", at.find(&w.from.to_string()), s.code));
                    }
                    froms.push(f);
                }
                situation_from.push(own);
                wording_from.push(froms);
            }
            for n in &raw.no_exclusion {
                if raw.exclusions.iter().any(|e| e.code == *n || e.label == *n) {
                    bail!(say!(lang, "{}: near_miss.no_exclusion: {n:?} is an exclusion's code or label", "{}: near_miss.no_exclusion: {n:?} は除外事由（exclusions）のコード又は名称です", at.find(n)));
                }
            }
            Some(super::NearMissRules { raw, from, situation_from, wording_from })
        }
        None => None,
    };
    let mut regimes = Vec::new();
    for r in raw_regimes {
        let from = day(&at, &r.effective_from)?;
        if regimes.last().is_some_and(|(prev, _)| *prev >= from) {
            bail!(say!(lang, "{}: regime: effective_from {from} is not after the one before", "{}: regime: effective_from {from} が一つ前の日付より後になっていません", at.find(&r.effective_from.to_string())));
        }
        regimes.push((from, r));
    }
    Ok(RuleBook { origin: origin.to_string(), meta, trial, bins, duty, dues, major_report, sets, facility, near_miss, hard_to_count, wholesale_from, regimes, taxonomy, as_of: None })
}

/// Each service's class number (1-based) in `set`: named classes first,
/// the `others` class for the rest. Every service must land in one class.
/// A class held only from some monthly users on (class 四 of 2026) comes
/// apart, as its number, the mask of its services and that floor: its
/// services land in another class too, for when they are below it.
fn classes_of(at: &Locator, set: &MajorSet, services: &[super::raw::Service]) -> Result<(Vec<u8>, Vec<super::Conditional>)> {
    let lang = at.lang;
    if set.classes.is_empty() {
        bail!(say!(lang, "{}: major set {:?} has no class", "{}: 重大な事故の基準 {:?} に区分がありません", at.find(&set.id), set.id));
    }
    let mut of = vec![0u8; services.len()];
    let mut conditional = Vec::new();
    let mut others = None;
    for (i, class) in set.classes.iter().enumerate() {
        let number = u8::try_from(i + 1).map_err(|_| anyhow!(say!(lang, "{}: major set {:?}: more than 255 classes", "{}: 重大な事故の基準 {:?}: 区分が255を超えています", at.find(&set.id), set.id)))?;
        if class.thresholds.is_empty() {
            bail!(say!(lang, "{}: major set {:?}, class {number} {:?}: no threshold", "{}: 重大な事故の基準 {:?}、区分 {number} {:?}: 閾値（thresholds）がありません", at.find(&class.name), set.id, class.name));
        }
        for t in &class.thresholds {
            if t.min_duration == 0 && t.min_users == 0 {
                bail!(say!(lang, "{}: major set {:?}, class {number}: a threshold of 0 minutes and 0 users makes every report major", "{}: 重大な事故の基準 {:?}、区分 {number}: 0分・0人の閾値では全ての報告が重大な事故になります", at.find(&class.name), set.id));
            }
        }
        if class.others {
            if class.min_monthly_active_users.is_some() {
                bail!(say!(lang, "{}: major set {:?}, class {number}: a class held from some monthly users on cannot take the others", "{}: 重大な事故の基準 {:?}、区分 {number}: 月間アクティブ利用者数の下限がある区分は others（他の全てのサービス）を受け持てません", at.find(&class.name), set.id));
            }
            if others.replace(number).is_some() {
                bail!(say!(lang, "{}: major set {:?}: only one class can take the others", "{}: 重大な事故の基準 {:?}: others を受け持てる区分は一つだけです", at.find(&class.name), set.id));
            }
        }
        for code in class.reasons.keys() {
            if !class.services.contains(code) {
                bail!(say!(lang, "{}: major set {:?}, class {number}: a reason for {code:?}, which the class does not name", "{}: 重大な事故の基準 {:?}、区分 {number}: この区分に含まれないサービス {code:?} の reasons があります", at.find(code), set.id));
            }
        }
        if let Some(min) = class.min_monthly_active_users {
            let mut mask = 0u32;
            for code in &class.services {
                let Some(s) = services.iter().position(|s| &s.code == code) else {
                    bail!(say!(lang, "{}: major set {:?}, class {number}: unknown service code {code:?}", "{}: 重大な事故の基準 {:?}、区分 {number}: 不明なサービスコード {code:?}", at.find(code), set.id));
                };
                mask |= 1 << s;
            }
            conditional.push(super::Conditional { class: number, services: mask, min_monthly_active_users: min });
            continue;
        }
        for code in &class.services {
            let Some(s) = services.iter().position(|s| &s.code == code) else {
                bail!(say!(lang, "{}: major set {:?}, class {number}: unknown service code {code:?}", "{}: 重大な事故の基準 {:?}、区分 {number}: 不明なサービスコード {code:?}", at.find(code), set.id));
            };
            if of[s] != 0 {
                bail!(say!(lang, "{}: major set {:?}: service {code:?} is in class {} and class {number}", "{}: 重大な事故の基準 {:?}: サービス {code:?} が区分 {} と区分 {number} の両方にあります", at.find(code), set.id, of[s]));
            }
            of[s] = number;
        }
    }
    for (s, c) in of.iter_mut().enumerate() {
        if *c == 0 {
            *c = others.ok_or_else(|| {
                anyhow!(say!(lang, "{}: major set {:?}: service {:?} is in no class (name it, or give one class others = true)", "{}: 重大な事故の基準 {:?}: サービス {:?} がどの区分にもありません（いずれかの区分に挙げるか、一つの区分に others = true と書いてください）", at.find(&set.id), set.id, services[s].code))
            })?;
        }
    }
    Ok((of, conditional))
}

fn check_bins(at: &Locator, name: &str, bins: &[super::raw::RawBin]) -> Result<()> {
    if bins.first().map(|b| b.from) != Some(0) {
        bail!(say!(at.lang, "{}: bins.{name}: the first bin must start at 0", "{}: bins.{name}: 最初の階級は 0 から始めてください", at.find(&format!("{name} ="))));
    }
    for w in bins.windows(2) {
        if w[1].from <= w[0].from {
            bail!(say!(at.lang, "{}: bins.{name}: bin {:?} starts at {}, not above {:?} at {}; bins must increase", "{}: bins.{name}: 階級 {:?} の始まり {} が、前の階級 {:?} の始まり {} より大きくありません。階級は小さい順に並べてください", at.find(&w[1].code), w[1].code, w[1].from, w[0].code, w[0].from));
        }
    }
    unique(at, &format!("bins.{name}"), bins.iter().map(|b| b.code.clone()).collect())
}

/// Codes are unique and plain: ASCII letters, digits, `_`, `-` and `.`,
/// starting with a letter or digit, so that outputs write them as they
/// are (no CSV quoting, never a spreadsheet formula).
fn unique(at: &Locator, name: &str, codes: Vec<String>) -> Result<()> {
    let mut seen = BTreeSet::new();
    for c in codes {
        let plain = c.starts_with(|x: char| x.is_ascii_alphanumeric()) && c.chars().all(|x| x.is_ascii_alphanumeric() || matches!(x, '_' | '-' | '.'));
        if !plain {
            bail!(say!(at.lang, "{}: {name}: code {c:?}: use ASCII letters, digits, _, - and . only, starting with a letter or digit", "{}: {name}: コード {c:?}: ASCII の英字・数字と _ - . だけを使い、英字か数字で始めてください", at.find(&c)));
        }
        if !seen.insert(c.clone()) {
            bail!(say!(at.lang, "{}: {name}: code {c:?} is listed twice", "{}: {name}: コード {c:?} が重複しています", at.find_nth(&c, 2)));
        }
    }
    Ok(())
}

/// A TOML date (no time) as the minute the day starts.
fn day(at: &Locator, d: &toml::value::Datetime) -> Result<Minute> {
    match (toml_minute(d), d.time) {
        (Some(m), None) => Ok(m),
        _ => bail!(say!(at.lang, "{}: {d}: write a date only (YYYY-MM-DD, JST)", "{}: {d}: 日付だけを書いてください（YYYY-MM-DD、日本時間）", at.find(&d.to_string()))),
    }
}

/// A TOML date or date-time as a minute (a date alone: its 00:00).
pub fn toml_minute(d: &toml::value::Datetime) -> Option<Minute> {
    let date = d.date?;
    let (hour, minute) = d.time.map_or((0, 0), |t| (u32::from(t.hour), u32::from(t.minute)));
    Some(Minute { year: i32::from(date.year), month: u32::from(date.month), day: u32::from(date.day), hour, minute })
}

/// Where a value sits in the file, for messages: `file:line:column`.
struct Locator<'a> {
    text: &'a str,
    origin: &'a str,
    /// The language of the messages that name a place.
    lang: Lang,
}

impl Locator<'_> {
    fn find(&self, needle: &str) -> String {
        self.find_nth(needle, 1)
    }
    fn find_nth(&self, needle: &str, n: usize) -> String {
        let quoted = format!("\"{needle}\"");
        let pos = [quoted.as_str(), needle]
            .iter()
            .find_map(|p| self.text.match_indices(p).nth(n - 1).or_else(|| self.text.match_indices(p).next()).map(|(i, _)| i));
        match pos {
            Some(i) => {
                let (line, col) = line_col(self.text, i);
                format!("{}:{line}:{col}", self.origin)
            }
            None => self.origin.to_string(),
        }
    }
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A TOML error as `file:line:column: "value": message`, the message in
/// the language `lang` (in Japanese, the reader's own words for the
/// common ones, the rest in TOML's words after a Japanese lead).
pub fn located_toml_error(lang: Lang, text: &str, origin: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = if lang.ja() { toml_message_ja(e.message()) } else { e.message().to_string() };
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start.min(text.len()));
            let value: String = text.get(span.clone()).unwrap_or("").chars().take(60).collect();
            anyhow!("{origin}:{line}:{col}: {value:?}: {msg}")
        }
        None => anyhow!("{origin}: {msg}"),
    }
}

/// A TOML reader's message in Japanese: serde's common shapes (a key
/// missing, a key or value unknown, a key twice) in words of their own,
/// the names and the allowed ones as TOML wrote them; anything else after
/// a Japanese lead.
fn toml_message_ja(msg: &str) -> String {
    let msg = msg.trim_end();
    // "`a`, `b`" from "one of `a`, `b`" / "`a`"; serde's "there are no fields"/"variants".
    let allowed = |rest: &str| -> String {
        let rest = rest.trim();
        match rest {
            "there are no fields" => "キーは書けません".to_string(),
            "there are no variants" => "書ける値はありません".to_string(),
            r => r.strip_prefix("one of ").unwrap_or(r).to_string(),
        }
    };
    if let Some(key) = msg.strip_prefix("missing field ") {
        return format!("キー {key} がありません");
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return format!("キー {rest} が重複しています");
    }
    if let Some(rest) = msg.strip_prefix("duplicate key") {
        return match rest.trim_start_matches(':').trim() {
            "" => "キーが重複しています".to_string(),
            key => format!("キー {key} が重複しています"),
        };
    }
    for (prefix, what, ok) in [("unknown field ", "不明なキー", "書けるキー"), ("unknown variant ", "不明な値", "書ける値")] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            return match rest.split_once(", expected ") {
                Some((name, expected)) => match allowed(expected) {
                    a if a.ends_with("ません") => format!("{what} {name}（{a}）"),
                    a => format!("{what} {name}（{ok}: {a}）"),
                },
                None => format!("{what} {}", rest.trim_end_matches(", there are no fields")),
            };
        }
    }
    if msg.starts_with("invalid type: ") {
        return format!("値の型が違います（{msg}）");
    }
    if msg.starts_with("invalid value: ") {
        return format!("値が不正です（{msg}）");
    }
    format!("TOML として読めません（{msg}）")
}

/// `as-of:YYYY-MM-DD`: the book judging every report by the law in force
/// that day (its major set and its routine items), whatever the report's
/// own day: a what-if (試算) like a trial.
pub fn as_of(lang: Lang, base: &RuleBook, day_text: &str) -> Result<RuleBook> {
    let bad = || anyhow!(say!(lang, "as-of:{day_text}: write as-of:YYYY-MM-DD (a day in JST), e.g. as-of:2026-04-01", "as-of:{day_text}: as-of:YYYY-MM-DD（日本時間の日付）の形で書いてください。例: as-of:2026-04-01"));
    let mut parts = day_text.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
    // In the form, but no day of the calendar (2026-13-01, 2026-02-30).
    let no_day = || anyhow!(if lang.ja() { format!("as-of:{day_text}: {y}年{m}月{d}日という日はありません（as-of:YYYY-MM-DD、日本時間の日付）") } else { format!("as-of:{day_text}: there is no such day (as-of:YYYY-MM-DD, a day in JST)") });
    let day = Minute { year: y as i32, month: m, day: d, hour: 0, minute: 0 }.checked().ok_or_else(no_day)?;
    let set = base.sets.iter().rev().find(|s| s.from.is_some_and(|f| f <= day)).ok_or_else(|| {
        let first = base.sets.iter().find_map(|s| s.from).map_or(String::new(), |f| format!("{:04}-{:02}-{:02}", f.year, f.month, f.day));
        anyhow!(say!(lang, "as-of:{day_text}: no major-accident rules were in force that day (the first set is from {first})", "as-of:{day_text}: その日に施行されていた重大な事故の基準がありません（最初の基準は {first} から）"))
    })?;
    let label = set.label().to_string();
    let mut b = base.clone();
    b.origin = format!("as-of:{:04}-{:02}-{:02}", day.year, day.month, day.day);
    b.trial = Some(super::raw::Trial {
        judge_all_by: set.raw.id.clone(),
        note: format!("試算: 全ての報告を{}年{}月{}日に施行されている基準（{label}）で判定した値であり、報告の発生日の法令による総務省の公表値ではない。", day.year, day.month, day.day),
        note_en: format!("Trial calculation: every report judged by the law in force on {:04}-{:02}-{:02} ({}), not by the law of its own day; not MIC's published figures.", day.year, day.month, day.day, set.raw.id),
        source: set.raw.source.clone(),
    });
    b.as_of = Some(day);
    Ok(b)
}
