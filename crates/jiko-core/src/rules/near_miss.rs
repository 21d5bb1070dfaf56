//! おそれ事態: whether a situation must be reported under 電気通信事業法
//! 第28条第2項 (施行規則第58条の2), on which form and by when. The
//! conditions, situations and exclusions are the rules file's
//! `[near_miss]`; this code only combines them as the article does:
//! item 1 needs every one of イ–ヘ, item 2 none, and a situation that is
//! itself a major accident is reported as that instead.

use super::open::Tri;
use super::raw::{Provision, Situation};
use super::NearMissRules;
use crate::calendar::{civil_from_days, days_from_civil, Minute};

/// What is known of a situation. `None`: not given.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// A situation code of `[near_miss] situations`.
    pub situation: Option<usize>,
    /// A function code of `[near_miss] functions`.
    pub function: Option<usize>,
    /// The carrier's users at the end of the previous fiscal year.
    pub carrier_users: Option<u64>,
    /// Prefectures the service is offered in.
    pub prefectures: Option<u32>,
    /// Exclusions that apply (indexes into `[near_miss] exclusions`).
    pub exclusions: Vec<usize>,
    /// Said that no exclusion applies (`none`, `なし`). Without it, an
    /// exclusion not listed is not known: the answer holds "unless" it
    /// applies.
    pub no_exclusion: bool,
    /// A record that gave no outage (no duration, no users): judged as no
    /// outage, so as no major accident.
    pub no_outage: bool,
    /// When it happened (for the rule in force), and when it became known.
    pub occurred: Option<Minute>,
    pub known: Option<Minute>,
    /// Whether the situation is itself a major accident.
    pub major: Tri,
}

/// One condition of the article and how the facts meet it.
#[derive(Debug, Clone)]
pub struct Check {
    pub item: String,
    pub met: Tri,
    pub ja: String,
    pub en: String,
    /// An exclusion not given: not known, but the answer holds unless it
    /// applies (it does not make the verdict unknown).
    pub unless: bool,
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub verdict: Tri,
    /// Every condition looked at, in the article's order.
    pub checks: Vec<Check>,
    /// The written report's due day (the day it became known + 30 days).
    pub due: Option<(i32, u32, u32)>,
    /// The items of the exclusions not given that would exclude the
    /// situation: a verdict of `Yes` holds unless one of them applies.
    pub unless: Vec<String>,
    /// The facts gave no outage (`Facts::no_outage`).
    pub no_outage: bool,
    pub rules: &'static NearMissRules,
}

/// A code or label in one of the rule's lists.
pub trait Coded {
    fn code(&self) -> &str;
    fn label(&self) -> &str;
}

impl Coded for Provision {
    fn code(&self) -> &str {
        &self.code
    }
    fn label(&self) -> &str {
        &self.label
    }
}

impl Coded for Situation {
    fn code(&self) -> &str {
        &self.code
    }
    fn label(&self) -> &str {
        &self.label
    }
}

pub fn position<T: Coded>(list: &[T], code: &str) -> Option<usize> {
    let key = code.trim();
    list.iter().position(|p| p.code() == key || p.label() == key)
}

/// Find a code in one of the rule's lists.
pub fn find(list: &[Provision], code: &str) -> Option<usize> {
    position(list, code)
}

/// One fact of a situation, as a flag or a column gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Situation,
    Function,
    CarrierUsers,
    Prefectures,
    Known,
    Exclusions,
}


/// Judge the facts under the rules' おそれ事態 rule; `None` when the book
/// has none.
pub fn judge(rules: super::Rules, f: &Facts) -> Option<Answer> {
    let r = rules.near_miss()?;
    let n = &r.raw;
    let mut checks = Vec::new();
    let mut check = |item: &str, met: Tri, ja: String, en: String| checks.push(Check { item: item.to_string(), met, ja, en, unless: false });
    let day = f.occurred.or(f.known);
    match day {
        Some(d) if d < r.from => check(
            "施行",
            Tri::No,
            format!("{}の報告は{}年{}月{}日から（それより前の事態）", n.short, r.from.year, r.from.month, r.from.day),
            format!("the duty applies from {}; this situation is earlier", iso(r.from)),
        ),
        Some(_) => {}
        None => check("施行", Tri::Unknown, "発生日又は知った日が不明（施行日との前後）".into(), "date not given".into()),
    }
    let situation = f.situation.map(|i| (i, &n.situations[i]));
    match situation {
        None => check("事態", Tri::Unknown, "事態の種類が不明（--situation）".into(), "situation not given".into()),
        Some((i, s)) => {
            check(&s.item, Tri::Yes, format!("{}: {}", s.item, r.label_on(i, day)), format!("situation {}", s.code));
            // An item added later covers the situations that occurred
            // and became known from its first day on (法第28条第2項: a
            // situation 「生じた」 that the carrier 「認めた」); both before
            // it: not one; across it: not decided by the text.
            if let Some(from) = r.situation_from[i] {
                let since = format!("{}は{}年{}月{}日から（{}）", s.item, from.year, from.month, from.day, s.source);
                match (f.occurred, f.known) {
                    // Occurred before the item existed, known after it: the
                    // 附則 has no transitional provision, and the text does
                    // not say whether the occurrence (「生じた」) or the
                    // carrier's recognition (「認めた」) decides. Unknown,
                    // never a silent no.
                    (Some(o), Some(k)) if o < from && k >= from => check(
                        &s.item,
                        Tri::Unknown,
                        format!(
                            "{since}。この事態の発生（{}）は施行日前、知った日（{}）は施行日以後。附則に経過措置がなく、発生日と知った日のどちらで判定するかは条文から定まらない（総務省への確認を推奨）",
                            day_ja(o),
                            day_ja(k)
                        ),
                        format!("{} exists from {}; this situation occurred on {} but became known on {}: the text does not say which decides (no transitional provision); ask MIC", s.item, iso(from), iso(o), iso(k)),
                    ),
                    (Some(o), _) if o < from => check(
                        &s.item,
                        Tri::No,
                        format!("{since}。この事態の発生（{}）はそれより前であり、{}に該当しない", day_ja(o), s.item),
                        format!("{} exists from {}; this situation occurred on {}, before it", s.item, iso(from), iso(o)),
                    ),
                    (Some(_), _) => {}
                    (None, Some(k)) if k < from => check(
                        &s.item,
                        Tri::No,
                        format!("{since}。この事態を知った日（{}）はそれより前であり、{}に該当しない", day_ja(k), s.item),
                        format!("{} exists from {}; this situation was known on {}, before it", s.item, iso(from), iso(k)),
                    ),
                    _ => check(
                        &s.item,
                        Tri::Unknown,
                        format!("{since}。発生日時が不明（{}年{}月{}日以後に発生した事態に限る。--start で発生日時を指定）", from.year, from.month, from.day),
                        format!("when it occurred is not given; {} covers situations from {}", s.item, iso(from)),
                    ),
                }
            }
        }
    }
    let situation = situation.map(|(_, s)| s);
    let mut unless = Vec::new();
    // Item 1's conditions; item 2 (critical facilities) needs none.
    if situation.map_or(true, |s| s.item1) {
        match f.carrier_users {
            None => check("第1号イ", Tri::Unknown, format!("前年度末の利用者数が不明（{}以上で対象）", thousands(n.min_carrier_users)), "carrier users not given".into()),
            Some(u) if u < n.min_carrier_users => check(
                "第1号イ",
                Tri::No,
                format!("前年度末の利用者数{}は{}未満（第1号イ: 三万以上の利用者に役務を提供する事業者の設備に限る）", thousands(u), thousands(n.min_carrier_users)),
                format!("carrier users {u} < {}", n.min_carrier_users),
            ),
            Some(u) => check("第1号イ", Tri::Yes, format!("前年度末の利用者数{}（{}以上）", thousands(u), thousands(n.min_carrier_users)), format!("carrier users {u}")),
        }
        match f.prefectures {
            None => check("第1号ロ", Tri::Unknown, format!("役務を提供する都道府県の数が不明（{}以上で対象）", n.min_prefectures), "prefectures not given".into()),
            Some(p) if p < n.min_prefectures => check(
                "第1号ロ",
                Tri::No,
                format!("役務の提供区域が{p}都道府県（第1号ロ: 二以上の都道府県の区域にわたる役務に限る）"),
                format!("offered in {p} prefecture(s), fewer than {}", n.min_prefectures),
            ),
            Some(p) => check("第1号ロ", Tri::Yes, format!("役務の提供区域が{p}都道府県"), format!("offered in {p} prefectures")),
        }
        match f.function {
            None => check("第1号ニ", Tri::Unknown, "設備の機能が不明（--function）".into(), "function not given".into()),
            Some(i) => check(&n.functions[i].item, Tri::Yes, format!("{}: {}", n.functions[i].item, n.functions[i].label), format!("function {}", n.functions[i].code)),
        }
        let natural_exception = |x: &super::raw::Provision| x.code == "natural_disaster" && situation.is_some_and(|s| s.natural_disaster_counts);
        for &e in &f.exclusions {
            let x = &n.exclusions[e];
            if natural_exception(x) {
                check(&x.item, Tri::Yes, format!("{}: 自然災害に起因するが、この事態は除外されない（{}）", x.item, x.label), "a natural disaster, but this situation is not excluded".into());
            } else {
                check(&x.item, Tri::No, format!("{}に該当（{}）", x.item, x.label), format!("excluded: {}", x.code));
            }
        }
        // An exclusion not given is not known: shown as such, and the
        // answer holds only unless it applies. Once one applies, or all
        // were said not to, there is nothing left open.
        let excluded = f.exclusions.iter().any(|&e| !natural_exception(&n.exclusions[e]));
        if !f.no_exclusion && !excluded {
            for (_, x) in n.exclusions.iter().enumerate().filter(|(e, x)| !f.exclusions.contains(e) && !natural_exception(x)) {
                checks.push(Check {
                    item: x.item.clone(),
                    met: Tri::Unknown,
                    ja: format!("{}（{}）に該当するかが不明（該当すれば除外）", x.item, x.label),
                    en: format!("exclusion {} not given", x.code),
                    unless: true,
                });
                unless.push(x.item.clone());
            }
        }
    }
    match f.major {
        Tri::Yes => checks.push(Check { item: "柱書".into(), met: Tri::No, ja: "重大な事故に該当する（おそれ事態ではなく重大な事故として報告）".into(), en: "a major accident itself: reported as one".into(), unless: false }),
        Tri::Unknown => checks.push(Check { item: "柱書".into(), met: Tri::Unknown, ja: "重大な事故に該当するかが不明".into(), en: "whether it is a major accident is not known".into(), unless: false }),
        Tri::No => {}
    }
    let verdict = if checks.iter().any(|c| c.met == Tri::No) {
        Tri::No
    } else if checks.iter().any(|c| c.met == Tri::Unknown && !c.unless) {
        Tri::Unknown
    } else {
        Tri::Yes
    };
    // Not a おそれ事態 whatever the exclusions: nothing hangs on them.
    if verdict == Tri::No {
        unless.clear();
        checks.retain(|c| !c.unless);
    }
    let due = match (verdict, f.known) {
        (Tri::No, _) | (_, None) => None,
        (_, Some(k)) => Some(civil_from_days(days_from_civil(k.year, k.month, k.day) + i64::from(n.report_days))),
    };
    Some(Answer { verdict, checks, due, unless, no_outage: f.no_outage, rules: r })
}

fn iso(m: Minute) -> String {
    format!("{:04}-{:02}-{:02}", m.year, m.month, m.day)
}

fn day_ja(m: Minute) -> String {
    format!("{}年{}月{}日", m.year, m.month, m.day)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
