//! The reading aids of `data/notices.toml` (units, labels, service hints),
//! built into the binary: words the reader looks for, not law.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    units: Units,
    labels: Vec<Label>,
    counts: Counts,
    carriers: Carriers,
    periods: Periods,
    negation: Negation,
    hint: Vec<HintDef>,
}

#[derive(Deserialize)]
struct Negation {
    words: Vec<String>,
}

#[derive(Deserialize)]
struct Units {
    users: Vec<String>,
    terminal_words: Vec<String>,
    not_users: Vec<NotUser>,
}

#[derive(Deserialize)]
struct NotUser {
    unit: String,
    why: String,
    why_ja: String,
}

#[derive(Deserialize)]
struct Label {
    label: String,
    unit: String,
}

#[derive(Deserialize)]
struct Counts {
    totals: Vec<String>,
    bases: Vec<String>,
    thresholds: Vec<String>,
    corrections: Vec<String>,
    affects: Vec<String>,
    people: Vec<String>,
    foreign: Vec<String>,
    staff: Vec<String>,
}

#[derive(Deserialize)]
pub(crate) struct Carriers {
    pub not_carriers: Vec<String>,
    pub trailing: Vec<String>,
    pub org_suffixes: Vec<String>,
    pub operators: Vec<String>,
    pub parents: Vec<String>,
    pub products: Vec<String>,
    pub offices: Vec<String>,
    pub sections: Vec<String>,
    pub failure_words: Vec<String>,
    pub partners: Vec<String>,
    pub generic_latin: Vec<String>,
}

/// The words of periods: labels of a start or an end, recovery words,
/// labels of a length, office hours.
#[derive(Deserialize)]
pub(crate) struct Periods {
    pub label_prefixes: Vec<String>,
    pub start_words: Vec<String>,
    pub end_words: Vec<String>,
    pub label_suffixes: Vec<String>,
    pub recovered: Vec<String>,
    pub started: Vec<String>,
    pub started_at_once: Vec<String>,
    pub latest: Vec<String>,
    pub length_labels: Vec<String>,
    pub office_hours: Vec<String>,
    pub work_after: Vec<String>,
    pub cause_words: Vec<String>,
    pub timeline_headings: Vec<String>,
    pub recurrence: Vec<String>,
    pub not_an_end: Vec<String>,
}

#[derive(Deserialize)]
struct HintDef {
    column: String,
    code: String,
    pattern: String,
    unless: Option<String>,
    why: String,
    why_ja: String,
}

/// One hint: a pattern and the code it suggests, with its reason.
pub(crate) struct HintRule {
    pub column: String,
    pub code: String,
    pub pattern: Regex,
    pub unless: Option<Regex>,
    pub why: String,
    pub why_ja: String,
}

/// The notices' reading aids, read once.
pub(crate) struct NoticeRules {
    users: Vec<String>,
    terminal_words: Vec<String>,
    not_users: Vec<NotUser>,
    labels: Vec<Label>,
    totals: Vec<String>,
    bases: Vec<String>,
    pub thresholds: Vec<String>,
    corrections: Vec<String>,
    affects: Vec<String>,
    people: Vec<String>,
    staff: Vec<String>,
    pub foreign: Vec<String>,
    pub negations: Vec<String>,
    pub carriers: Carriers,
    pub periods: Periods,
    pub hints: Vec<HintRule>,
}

const SOURCE: &str = include_str!("../../data/notices.toml");

/// The built-in reading aids (the file is part of the build: a broken one
/// fails the tests, not a user's run).
pub(crate) fn builtin() -> &'static NoticeRules {
    static RULES: LazyLock<NoticeRules> = LazyLock::new(|| NoticeRules::parse(SOURCE).expect("data/notices.toml is valid"));
    &RULES
}

impl NoticeRules {
    fn parse(src: &str) -> anyhow::Result<NoticeRules> {
        let f: File = toml::from_str(src)?;
        let hints = f
            .hint
            .into_iter()
            .map(|h| {
                Ok(HintRule {
                    pattern: Regex::new(&h.pattern)?,
                    unless: h.unless.as_deref().map(Regex::new).transpose()?,
                    column: h.column,
                    code: h.code,
                    why: h.why,
                    why_ja: h.why_ja,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(NoticeRules {
            users: f.units.users,
            terminal_words: f.units.terminal_words,
            not_users: f.units.not_users,
            labels: f.labels,
            totals: f.counts.totals,
            bases: f.counts.bases,
            thresholds: f.counts.thresholds,
            corrections: f.counts.corrections,
            affects: f.counts.affects,
            people: f.counts.people,
            foreign: f.counts.foreign,
            staff: f.counts.staff,
            negations: f.negation.words,
            carriers: f.carriers,
            periods: f.periods,
            hints,
        })
    }

    /// `a|b|c` of words as a regular expression's alternatives (longest
    /// first, so that one that holds another wins).
    pub(crate) fn alternatives(words: &[String]) -> String {
        let mut w: Vec<&String> = words.iter().collect();
        w.sort_by_key(|s| std::cmp::Reverse(s.len()));
        w.iter().map(|s| regex::escape(s)).collect::<Vec<_>>().join("|")
    }

    /// The unit a count's tail starts with, and whether it counts users
    /// (`None` inside: 台, decided by its sentence).
    pub(crate) fn unit_of(&self, tail: &str) -> Option<(String, Option<bool>)> {
        let longest = |list: &mut dyn Iterator<Item = &String>| list.filter(|u| tail.starts_with(u.as_str())).max_by_key(|u| u.len()).cloned();
        let user = longest(&mut self.users.iter());
        let not = longest(&mut self.not_users.iter().map(|n| &n.unit));
        match (user, not) {
            (Some(u), Some(n)) if n.len() > u.len() => Some((n, Some(false))),
            (Some(u), _) if u == "台" => Some((u, Some(self.terminal_words.iter().any(|w| tail.contains(w.as_str()))))),
            (Some(u), _) => Some((u, Some(true))),
            (None, Some(n)) => Some((n, Some(false))),
            (None, None) => None,
        }
    }

    /// Why a unit is not of users.
    pub(crate) fn why_not(&self, lang: crate::lang::Lang, unit: &str) -> String {
        match self.not_users.iter().find(|n| n.unit == unit) {
            Some(n) => if lang.ja() { n.why_ja.clone() } else { n.why.clone() },
            None => crate::say!(lang, "not a count of users", "利用者の数ではありません"),
        }
    }

    /// A user label at the end of the text before a count, and its unit.
    pub(crate) fn user_label(&self, before: &str) -> Option<String> {
        let tail: String = before.chars().rev().take(16).collect::<Vec<_>>().into_iter().rev().collect();
        self.labels.iter().filter(|l| tail.contains(l.label.as_str())).max_by_key(|l| l.label.len()).map(|l| l.unit.clone())
    }

    /// The text before a count says it is a whole service's total.
    pub fn total(&self, before: &str) -> bool {
        let tail: String = before.chars().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        self.totals.iter().any(|t| tail.contains(t.as_str()))
    }

    /// The text just after a count says it is a base the affected are
    /// part of (`…人のユーザーのうち一部`).
    pub(crate) fn base(&self, after: &str) -> bool {
        let a = after.trim_start();
        self.bases.iter().any(|b| a.starts_with(b.as_str()))
    }

    /// The text just before a count says it corrects an earlier figure.
    pub(crate) fn corrects(&self, before: &str) -> bool {
        let tail: String = before.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        self.corrections.iter().any(|c| tail.trim_end().trim_end_matches(['約', '、', ' ']).ends_with(c.as_str()))
    }

    /// The words just before a count name people at work (`作業員3名`).
    pub(crate) fn staff(&self, before: &str) -> bool {
        let tail: String = before.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        let tail = tail.trim_end().trim_end_matches(['約', '計', ' ']);
        self.staff.iter().any(|w| tail.ends_with(w.as_str()))
    }

    /// The text after a unit-less count says it affected: one of the
    /// words, or の and a people's noun a few characters on
    /// (`約2000の企業ユーザー`).
    pub(crate) fn affects(&self, after: &str) -> bool {
        let a = after.trim_start();
        let of_people = a.strip_prefix('の').is_some_and(|rest| {
            let near: String = rest.chars().take(8).take_while(|c| !"、。 ".contains(*c)).collect();
            self.people.iter().any(|p| near.contains(p.as_str()))
        });
        of_people || self.affects.iter().any(|w| a.starts_with(w.as_str()))
    }
}
