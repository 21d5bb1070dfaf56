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
    /// Exclusion codes that apply (planned, within_spec, …).
    pub exclusions: Vec<usize>,
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
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub verdict: Tri,
    /// Every condition looked at, in the article's order.
    pub checks: Vec<Check>,
    /// The written report's due day (the day it became known + 30 days).
    pub due: Option<(i32, u32, u32)>,
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
    let mut check = |item: &str, met: Tri, ja: String, en: String| checks.push(Check { item: item.to_string(), met, ja, en });
    let day = f.occurred.or(f.known);
    match day {
        Some(d) if d < r.from => check(
            "施行",
            Tri::No,
            format!("{}の報告は{}年{}月{}日から（それより前の事態）", n.short, r.from.year, r.from.month, r.from.day),
            format!("the duty applies from {}; this situation is earlier", r.from.to_string().get(..10).unwrap_or("")),
        ),
        Some(_) => {}
        None => check("施行", Tri::Unknown, "発生日又は知った日が不明（施行日との前後）".into(), "date not given".into()),
    }
    let situation = f.situation.map(|i| &n.situations[i]);
    match situation {
        None => check("事態", Tri::Unknown, "事態の種類が不明（--situation）".into(), "situation not given".into()),
        Some(s) => check(&s.item, Tri::Yes, format!("{}: {}", s.item, s.label), format!("situation {}", s.code)),
    }
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
        for &e in &f.exclusions {
            let x = &n.exclusions[e];
            let natural_exception = x.code == "natural_disaster" && situation.is_some_and(|s| s.natural_disaster_counts);
            if natural_exception {
                check(&x.item, Tri::Yes, format!("{}: 自然災害に起因するが、この事態は除外されない（{}）", x.item, x.label), "a natural disaster, but this situation is not excluded".into());
            } else {
                check(&x.item, Tri::No, format!("{}に該当（{}）", x.item, x.label), format!("excluded: {}", x.code));
            }
        }
    }
    match f.major {
        Tri::Yes => check("柱書", Tri::No, "重大な事故に該当する（おそれ事態ではなく重大な事故として報告）".into(), "a major accident itself: reported as one".into()),
        Tri::Unknown => check("柱書", Tri::Unknown, "重大な事故に該当するかが不明".into(), "whether it is a major accident is not known".into()),
        Tri::No => {}
    }
    let verdict = if checks.iter().any(|c| c.met == Tri::No) {
        Tri::No
    } else if checks.iter().any(|c| c.met == Tri::Unknown) {
        Tri::Unknown
    } else {
        Tri::Yes
    };
    let due = match (verdict, f.known) {
        (Tri::No, _) | (_, None) => None,
        (_, Some(k)) => Some(civil_from_days(days_from_civil(k.year, k.month, k.day) + i64::from(n.report_days))),
    };
    Some(Answer { verdict, checks, due, rules: r })
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
