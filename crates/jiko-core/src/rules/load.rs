//! Reading a rules file: TOML into the book, the built-in book filling what
//! a file that `extends = "mic"` leaves out, then every check a careful
//! reader would make, each error naming file, line, column and value.

use std::collections::BTreeSet;

use anyhow::{anyhow, bail, Result};

use super::raw::{MajorSet, RawBook};
use super::{RuleBook, Set};
use crate::calendar::Minute;

/// Parse and check `text`, read from `origin` (a path, for messages).
pub fn parse(text: &str, origin: &str, base: Option<&RuleBook>) -> Result<RuleBook> {
    let raw: RawBook = toml::from_str(text).map_err(|e| located_toml_error(text, origin, &e))?;
    let at = Locator { text, origin };
    let extends = match raw.extends.as_deref() {
        None => None,
        Some("mic") => Some(base.ok_or_else(|| anyhow!("{origin}: extends = \"mic\" needs the built-in rules"))?),
        Some(other) => bail!("{}: extends: {other:?}: only \"mic\" (the built-in rules) can be extended", at.find(other)),
    };
    macro_rules! section {
        ($name:ident) => {
            match (raw.$name, extends) {
                (Some(v), _) => v,
                (None, Some(b)) => b.$name.clone(),
                (None, None) => bail!("{origin}: [{}] is missing (or write extends = \"mic\" to take it from the built-in rules)", stringify!($name)),
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
        bail!("{origin}: at most 32 services (a report's services are a 32-bit set); found {}", taxonomy.services.len());
    }
    for s in &taxonomy.services {
        if !taxonomy.service_subs.iter().any(|g| g.group == s.group && g.code == s.sub) {
            bail!("{}: service {:?}: group {:?} has no sub-group {:?} in service_subs", at.find(&s.code), s.code, s.group, s.sub);
        }
    }
    for (name, list, groups) in [
        ("causes", &taxonomy.causes, &taxonomy.cause_groups),
        ("equipment", &taxonomy.equipment, &taxonomy.equipment_groups),
    ] {
        unique(&at, name, codes(list))?;
        for c in list.iter() {
            if !groups.iter().any(|g| g.code == c.group) {
                bail!("{}: {name} {:?}: unknown group {:?}", at.find(&c.code), c.code, c.group);
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
                bail!("{origin}: taxonomy.{name}: the first entry must be {first:?}");
            }
        }
    }
    if !taxonomy.forms.iter().any(|f| f.code == "simple") {
        bail!("{origin}: taxonomy.forms: needs \"simple\"");
    }
    for e in &taxonomy.simple_form_equipment {
        if !taxonomy.equipment.iter().any(|c| &c.code == e) {
            bail!("{}: simple_form_equipment: unknown equipment code {e:?}", at.find(e));
        }
    }
    for k in &duty.always_kinds {
        if !taxonomy.kinds.iter().any(|c| &c.code == k) {
            bail!("{}: duty.always_kinds: unknown kind {k:?}", at.find(k));
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
            other => bail!("{}: aliases: unknown column {other:?}", at.find(other)),
        };
        if !known {
            bail!("{}: aliases: {:?} is not a code of column {}", at.find(&a.code), a.code, a.column);
        }
    }

    for r in &taxonomy.refused {
        if r.column != "kind" && r.column != "services" {
            bail!("{}: refused: column {:?}: only kind and services refuse spellings", at.find(&r.column), r.column);
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
            bail!("{}: duty.due: effective_from {from} is not after the one before", at.find(&d.effective_from.to_string()));
        }
        if d.every == super::raw::Every::Year && d.name.is_none() {
            bail!("{}: duty.due: a yearly rule needs the report's name (name = \"…\"); the duty's name is the quarterly one", at.find(&d.effective_from.to_string()));
        }
        if d.months_after == 0 || d.months_after > 12 {
            bail!("{}: duty.due: months_after {} is not 1–12", at.find(&d.effective_from.to_string()), d.months_after);
        }
        dues.push(super::DueRule { from, first_due, raw: d.clone() });
    }
    if dues.is_empty() {
        bail!("{origin}: duty: at least one [[duty.due]] is needed");
    }

    let mut sets: Vec<Set> = Vec::new();
    let mut ids = BTreeSet::new();
    for raw in raw_sets {
        if !ids.insert(raw.id.clone()) {
            bail!("{}: major: id {:?} is used twice", at.find(&raw.id), raw.id);
        }
        let from = match (&raw.effective_from, &trial) {
            (Some(d), _) => Some(day(&at, d)?),
            (None, Some(t)) if t.judge_all_by == raw.id => None,
            (None, _) => bail!("{}: major set {:?}: effective_from is missing", at.find(&raw.id), raw.id),
        };
        if let (Some(from), Some(prev)) = (from, sets.iter().rev().find_map(|s| s.from)) {
            if from <= prev {
                bail!(
                    "{}: major set {:?}: effective_from {from} overlaps or precedes the set before it (from {prev}); sets go oldest first",
                    at.find(&raw.effective_from.map(|d| d.to_string()).unwrap_or_default()),
                    raw.id
                );
            }
        }
        let (class_of_service, conditional) = classes_of(&at, &raw, &taxonomy.services)?;
        for o in &raw.open {
            if !taxonomy.services.iter().any(|s| s.code == o.service) {
                bail!("{}: major set {:?}: open: unknown service code {:?}", at.find(&o.service), raw.id, o.service);
            }
            if o.classes.len() < 2 || o.classes.iter().any(|&c| c == 0 || usize::from(c) > raw.classes.len()) {
                bail!("{}: major set {:?}: open {:?}: classes must name two or more of 1–{}", at.find(&o.service), raw.id, o.service, raw.classes.len());
            }
        }
        let thresholds = || raw.classes.iter().flat_map(|c| c.thresholds.iter());
        let floor = (thresholds().map(|t| t.min_duration).min().unwrap_or(u64::MAX), thresholds().map(|t| t.min_users).min().unwrap_or(u64::MAX));
        sets.push(Set { raw, from, class_of_service, conditional, floor });
    }
    if let Some(t) = &trial {
        if !sets.iter().any(|s| s.raw.id == t.judge_all_by) {
            bail!("{}: trial.judge_all_by: no major set {:?}", at.find(&t.judge_all_by), t.judge_all_by);
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
                    bail!("{origin}: near_miss.{name}: at least one is needed");
                }
                unique(&at, &format!("near_miss.{name}"), codes)?;
            }
            if raw.report_days == 0 {
                bail!("{}: near_miss.report_days: 0", at.find("report_days"));
            }
            let mut situation_from = Vec::new();
            let mut wording_from = Vec::new();
            for s in &raw.situations {
                let own = s.effective_from.as_ref().map(|d| day(&at, d)).transpose()?;
                if let Some(f) = own.filter(|f| *f <= from) {
                    bail!("{}: near_miss situation {:?}: effective_from {f} is not after the rule's own ({from}); leave it out", at.find(&s.code), s.code);
                }
                let mut froms: Vec<crate::calendar::Minute> = Vec::new();
                for w in &s.wording {
                    let f = day(&at, &w.from)?;
                    let floor = froms.last().copied().or(own).unwrap_or(from);
                    if f <= floor {
                        bail!("{}: near_miss situation {:?}: wording from {f} is not after {floor}; wordings go oldest first, after the item's first day", at.find(&w.from.to_string()), s.code);
                    }
                    froms.push(f);
                }
                situation_from.push(own);
                wording_from.push(froms);
            }
            for n in &raw.no_exclusion {
                if raw.exclusions.iter().any(|e| e.code == *n || e.label == *n) {
                    bail!("{}: near_miss.no_exclusion: {n:?} is an exclusion's code or label", at.find(n));
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
            bail!("{}: regime: effective_from {from} is not after the one before", at.find(&r.effective_from.to_string()));
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
    if set.classes.is_empty() {
        bail!("{}: major set {:?} has no class", at.find(&set.id), set.id);
    }
    let mut of = vec![0u8; services.len()];
    let mut conditional = Vec::new();
    let mut others = None;
    for (i, class) in set.classes.iter().enumerate() {
        let number = u8::try_from(i + 1)?;
        if class.thresholds.is_empty() {
            bail!("{}: major set {:?}, class {number} {:?}: no threshold", at.find(&class.name), set.id, class.name);
        }
        for t in &class.thresholds {
            if t.min_duration == 0 && t.min_users == 0 {
                bail!("{}: major set {:?}, class {number}: a threshold of 0 minutes and 0 users makes every report major", at.find(&class.name), set.id);
            }
        }
        if class.others {
            if class.min_monthly_active_users.is_some() {
                bail!("{}: major set {:?}, class {number}: a class held from some monthly users on cannot take the others", at.find(&class.name), set.id);
            }
            if others.replace(number).is_some() {
                bail!("{}: major set {:?}: only one class can take the others", at.find(&class.name), set.id);
            }
        }
        for code in class.reasons.keys() {
            if !class.services.contains(code) {
                bail!("{}: major set {:?}, class {number}: a reason for {code:?}, which the class does not name", at.find(code), set.id);
            }
        }
        if let Some(min) = class.min_monthly_active_users {
            let mut mask = 0u32;
            for code in &class.services {
                let Some(s) = services.iter().position(|s| &s.code == code) else {
                    bail!("{}: major set {:?}, class {number}: unknown service code {code:?}", at.find(code), set.id);
                };
                mask |= 1 << s;
            }
            conditional.push(super::Conditional { class: number, services: mask, min_monthly_active_users: min });
            continue;
        }
        for code in &class.services {
            let Some(s) = services.iter().position(|s| &s.code == code) else {
                bail!("{}: major set {:?}, class {number}: unknown service code {code:?}", at.find(code), set.id);
            };
            if of[s] != 0 {
                bail!("{}: major set {:?}: service {code:?} is in class {} and class {number}", at.find(code), set.id, of[s]);
            }
            of[s] = number;
        }
    }
    for (s, c) in of.iter_mut().enumerate() {
        if *c == 0 {
            *c = others.ok_or_else(|| {
                anyhow!("{}: major set {:?}: service {:?} is in no class (name it, or give one class others = true)", at.find(&set.id), set.id, services[s].code)
            })?;
        }
    }
    Ok((of, conditional))
}

fn check_bins(at: &Locator, name: &str, bins: &[super::raw::RawBin]) -> Result<()> {
    if bins.first().map(|b| b.from) != Some(0) {
        bail!("{}: bins.{name}: the first bin must start at 0", at.find(&format!("{name} =")));
    }
    for w in bins.windows(2) {
        if w[1].from <= w[0].from {
            bail!("{}: bins.{name}: bin {:?} starts at {}, not above {:?} at {}; bins must increase", at.find(&w[1].code), w[1].code, w[1].from, w[0].code, w[0].from);
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
            bail!("{}: {name}: code {c:?}: use ASCII letters, digits, _, - and . only, starting with a letter or digit", at.find(&c));
        }
        if !seen.insert(c.clone()) {
            bail!("{}: {name}: code {c:?} is listed twice", at.find_nth(&c, 2));
        }
    }
    Ok(())
}

/// A TOML date (no time) as the minute the day starts.
fn day(at: &Locator, d: &toml::value::Datetime) -> Result<Minute> {
    match (toml_minute(d), d.time) {
        (Some(m), None) => Ok(m),
        _ => bail!("{}: {d}: write a date only (YYYY-MM-DD, JST)", at.find(&d.to_string())),
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

/// A TOML error as `file:line:column: "value": message`.
pub fn located_toml_error(text: &str, origin: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start.min(text.len()));
            let value: String = text.get(span.clone()).unwrap_or("").chars().take(60).collect();
            anyhow!("{origin}:{line}:{col}: {value:?}: {msg}")
        }
        None => anyhow!("{origin}: {msg}"),
    }
}

/// `as-of:YYYY-MM-DD`: the book judging every report by the law in force
/// that day (its major set and its routine items), whatever the report's
/// own day: a what-if (試算) like a trial.
pub fn as_of(base: &RuleBook, day_text: &str) -> Result<RuleBook> {
    let bad = || anyhow!("as-of:{day_text}: write as-of:YYYY-MM-DD (a day in JST), e.g. as-of:2026-04-01");
    let mut parts = day_text.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
    let day = Minute { year: y as i32, month: m, day: d, hour: 0, minute: 0 }.checked().ok_or_else(bad)?;
    let set = base.sets.iter().rev().find(|s| s.from.is_some_and(|f| f <= day)).ok_or_else(|| anyhow!("as-of:{day_text}: no major-accident rules were in force that day (the first set is from {})", base.sets.iter().find_map(|s| s.from).map_or(String::new(), |f| f.to_string())))?;
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
