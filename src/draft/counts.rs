//! The counts a notice gives (`最大約25万回線`, `3,921 ID`, `35万1266通`,
//! `3万5千`, `約2.4万回線`), each with its unit and marks, and whether it
//! counts users: a unit of people or lines, or a label that says so
//! (`ID数 … 379万4777件`, `影響数は最大約56万`). Companies (社), press
//! releases (件), mails (通), buildings or places are counted but are not
//! users, and totals of a whole service are left out.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::NoticeRules;

/// A count as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub value: u64,
    /// As written after the number (`回線`, `世帯`, `ID`), or from the label
    /// (`ID数 … 件` is IDs); empty when the notice writes none.
    pub unit: String,
    /// 約, およそ, 推計 …
    pub approximate: bool,
    /// 最大.
    pub at_most: bool,
    /// 以上, 少なくとも, 超.
    pub at_least: bool,
    /// The count is of users (affected_users can take it).
    pub users: bool,
    /// Why it is not taken, when it is not.
    pub not_users: Option<String>,
    /// Written as the correction of a figure given before (`実数は約540回線`).
    pub corrects: bool,
    pub text: String,
    /// 1-based line, and byte place in it.
    pub line: usize,
    pub at: usize,
}

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<pre>(?:(?:最大で?|約|およそ|概ね|推計|少なくとも|延べ|計|合計)\s*)*)
        (?P<a>\d[\d,]*(?:\.\d+)?)\s*
        (?:(?P<man>万)\s*(?:(?P<sen>\d+)\s*千|(?P<b>\d[\d,]*))?)?
        \s*(?P<unit>[^\s\d,.、。()「」:/|]{0,6})",
    )
    .expect("valid")
});

/// Every count of a line whose dates and times are blanked out.
pub(crate) fn counts_of_line(lang: crate::lang::Lang, rules: &NoticeRules, no: usize, line: &str) -> Vec<Count> {
    let mut out: Vec<Count> = Vec::new();
    let mut prev_end = usize::MAX;
    for c in COUNT.captures_iter(line) {
        let whole = c.get(0).expect("match");
        let a = &c["a"];
        let start = c.name("pre").map_or(whole.start(), |p| if p.as_str().is_empty() { c.name("a").map_or(0, |m| m.start()) } else { p.start() });
        // Digits glued to letters (`u001`, `4G`, `IPv6`) are names.
        if line[..c.name("a").map_or(0, |m| m.start())].chars().next_back().is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '-') {
            continue;
        }
        let tail = c.name("unit").map_or("", |m| m.as_str());
        // The words before a count, not the whole line (a long line stays
        // linear), and the user label they end with.
        let label = super::text::tail(&line[..start], 120);
        let user_label = rules.user_label(label);
        let (unit, kind) = match rules.unit_of(tail) {
            Some(u) => u,
            None => {
                // No unit: a count only when it is said to affect (`約67万に影響`)
                // or a label names it (`影響数は最大約56万`); a small figure
                // (`約2000の企業ユーザー`) only then, and only before a
                // particle (not `3回`).
                let said = || rules.affects(super::text::head(&line[whole.end() - tail.len()..], 120)) || user_label.is_some();
                let particle = tail.is_empty() || tail.starts_with(['の', 'に', 'と', 'が', 'を', 'で']);
                if c.name("man").is_none() && !a.contains(',') && !(particle && said()) {
                    continue;
                }
                ("".to_string(), None)
            }
        };
        let digits = |s: &str| s.replace(',', "");
        let Ok(first) = digits(a).parse::<f64>() else { continue };
        let value = match c.name("man") {
            Some(_) => {
                let rest = c.name("sen").and_then(|m| m.as_str().parse::<u64>().ok()).map(|n| n * 1000).or_else(|| c.name("b").and_then(|m| digits(m.as_str()).parse().ok())).unwrap_or(0);
                (first * 10_000.0).round() as u64 + rest
            }
            None if a.contains('.') => continue, // 14.0% and the like
            None => first as u64,
        };
        let pre = c.name("pre").map_or("", |m| m.as_str());
        let unit_end = c.name("unit").map_or(whole.end(), |m| m.start() + unit_len(tail, &unit));
        let post = super::text::head(&line[unit_end..], 120);
        let (unit, users, not_users) = match (kind, user_label) {
            // `ID数 … 件`: the label's unit.
            (_, Some(l)) if !l.is_empty() && (unit.is_empty() || unit == "件") => (l, true, None),
            (_, Some(_)) => (unit.clone(), true, None),
            (Some(true), None) => (unit.clone(), true, None),
            (Some(false), None) => (unit.clone(), false, Some(rules.why_not(lang, &unit))),
            (None, None) => {
                if !rules.affects(post) {
                    continue;
                }
                (unit.clone(), true, None)
            }
        };
        let total = rules.total(label);
        let superseded = label.trim_end().ends_with("当初") || label.contains("当初約") && label.rfind("当初").is_some_and(|k| label[k..].chars().count() <= 4);
        let base = rules.base(post);
        let (users, not_users) = match (users, total || base, superseded) {
            (true, true, _) if base => (false, Some(crate::say!(lang, "a base the affected are part of (…のうち), not the affected", "母数（…のうち）で、影響した数ではありません"))),
            (true, true, _) => (false, Some(crate::say!(lang, "a total, not the affected", "全体の数で、影響した数ではありません"))),
            (true, _, true) => (false, Some(crate::say!(lang, "superseded (当初)", "当初の数（後に改められた）"))),
            other => (other.0, not_users),
        };
        // `作業員3名`, `技術者約200人`: the people at work, not the affected.
        let (users, not_users) = if users && rules.staff(label) { (false, Some(crate::say!(lang, "people at work, not the affected", "作業にあたった人数で、影響した数ではありません"))) } else { (users, not_users) };
        let at_least = post.trim_start().starts_with("以上") || post.trim_start().starts_with('超') || pre.contains("少なくとも");
        let end = (unit_end + post.len() - post.trim_start_matches(['以', '上', '超', '程', '度']).len()).min(line.len());
        // `最大67ビル・17万回線`: 最大 is said of both.
        let joined = prev_end != usize::MAX && line.get(prev_end..start).is_some_and(|g| g.trim() == "・");
        let at_most = pre.contains("最大") || joined && out.last().is_some_and(|p| p.at_most);
        prev_end = end;
        out.push(Count {
            value,
            unit,
            approximate: pre.contains('約') || pre.contains("およそ") || pre.contains("概ね") || pre.contains("推計") || post.trim_start().starts_with("程度") || post.contains("(推計)"),
            at_most,
            at_least,
            users,
            not_users,
            corrects: rules.corrects(label),
            text: line[start..end].trim().to_string(),
            line: no + 1,
            at: start,
        });
    }
    out
}

/// Bytes of the unit as matched (the unit may be a prefix of the tail).
fn unit_len(tail: &str, unit: &str) -> usize {
    if unit.is_empty() {
        0
    } else {
        tail.find(unit).map_or(0, |k| k + unit.len())
    }
}

/// The count that stands for the affected users: dropped are counts that
/// are not of users; a count written as a correction (`実数は`) wins over
/// the figures it corrects; among the rest a 最大 count first, then the
/// largest.
pub fn main_count(counts: &[Count]) -> Option<&Count> {
    let users: Vec<&Count> = counts.iter().filter(|c| c.users).collect();
    let corrected: Vec<&Count> = users.iter().copied().filter(|c| c.corrects).collect();
    let users = if corrected.is_empty() { users } else { corrected };
    let at_most: Vec<&Count> = users.iter().copied().filter(|c| c.at_most).collect();
    let pool = if at_most.is_empty() { users } else { at_most };
    pool.into_iter().max_by_key(|c| (c.value, std::cmp::Reverse(c.line)))
}
