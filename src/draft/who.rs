//! Who published the notice: a company line in the letterhead or the
//! signature, `平素より X をご利用`, a company that opens a sentence, a news
//! item's subject (`KDDIは29日`, `NTTドコモで…`), a service named
//! 「X」において, a known operator named anywhere; failing all, only the
//! page's host is known. A sentence's subject counts only when it names an
//! organization (a company form, a known operator, a name such as X町 or
//! X大学): `エラーメール`, `東京都内` or `野田聖子総務相` name none, and a
//! product (`クラウドPBX`) is not its operator.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::NoticeRules;
use super::text::Text;

/// The carrier as found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub name: String,
    /// 1-based line.
    pub line: usize,
    pub how: &'static str,
}

const COMPANY: &str = r"(?:株式会社|有限会社|合同会社)\s?(?:[A-Za-z][A-Za-z0-9&]*(?:\s[A-Za-z][A-Za-z0-9&]*)*|[^\s、。,()「」【】\[\]]{1,24})|[^\s、。,()「」【】\[\]]{1,24}?(?:株式会社|\(株\)|㈱)";

static LETTERHEAD: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"^\s*({COMPANY})\s*$")).expect("valid"));
static LETTERHEAD_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)((?:株式会社|有限会社)\s?[A-Za-z][A-Za-z0-9&]*(?:\s[A-Za-z][A-Za-z0-9&]*)*|(?:株式会社|有限会社)\s?[^\s、。,()「」A-Za-z]{1,20})(?:\s|$)").expect("valid"));
static PATRONAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:平素|いつも|日頃|日ごろ|常日頃|毎々)(?:は|より)?、?\s*([^、。\s][^、。]{0,30}?)\s*(?:のサービス)?\s*を\s*(?:ご利用|ご愛顧)").expect("valid"));
static OPENING: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?:^|。)\s*[【\[]?\s*({COMPANY})")).expect("valid"));
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|。|日、|\))\s*([\x{3041}-\x{309F}]{0,4}[A-Za-z\x{30A0}-\x{30FF}\x{3400}-\x{9FFF}々ー][A-Za-z0-9\x{30A0}-\x{30FF}\x{3400}-\x{9FFF}々ー・&]{1,20}?(?:\s[\x{3400}-\x{9FFF}々]{1,6})?)\s?(?:は|では|によると|によりますと|が(?:手掛ける|提供する|運営する))、?")
        .expect("valid")
});
static SUBJECT_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^A-Za-z0-9\x{30A0}-\x{30FF}\x{3400}-\x{9FFF}々ー])([A-Za-z\x{30A0}-\x{30FF}\x{3400}-\x{9FFF}々ー][A-Za-z0-9\x{30A0}-\x{30FF}\x{3400}-\x{9FFF}々ー]{1,20})(?:で\d|にて通信障害|の通信障害について|の(?:\d{1,2}日の)?発表によ(?:ると|れば)|より(?:発表|公表))").expect("valid")
});
/// A ministry's release names the operator it addresses (`総務省は、X株式
/// 会社に対し、…指導`).
static ADDRESSED: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?:^|[、。\s])({COMPANY})\s*(?:\([^()]{{0,30}}\))?\s*に対(?:し|する)")).expect("valid"));
static BRAND: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"「([^「」]{2,20})」において").expect("valid"));

/// The notice's carrier, when a name is given.
pub(crate) fn carrier(rules: &NoticeRules, text: &Text) -> Option<Carrier> {
    // A list's bullet (`・株式会社例示`, `■KDDIは…`) is not part of the
    // line's words.
    let lines: Vec<&str> = text.lines.iter().map(|l| super::text::unbullet(l)).collect();
    let n = lines.len();
    // The letterhead (the first lines) and the signature (the last).
    let head: Vec<usize> = (0..n.min(14)).chain(n.saturating_sub(8)..n).collect();
    for &i in &head {
        if let Some(c) = LETTERHEAD.captures(lines[i]) {
            return Some(Carrier { name: c[1].trim().to_string(), line: i + 1, how: "letterhead" });
        }
    }
    for &i in head.iter().take(14) {
        if let Some(c) = LETTERHEAD_IN.captures(lines[i]) {
            let name = c[1].trim();
            if !name.contains("平素") {
                return Some(Carrier { name: name.to_string(), line: i + 1, how: "letterhead" });
            }
        }
    }
    // A public body's or a school's signature: `例示町役場 総務課`,
    // `例示大学 情報基盤センター` (a line of the name and its section).
    for &i in &head {
        if let Some((name, how)) = signature_org(&rules.carriers, lines[i]) {
            return Some(Carrier { name, line: i + 1, how });
        }
    }
    let ok = |name: &str| -> Option<String> {
        let mut name = name.trim().to_string();
        for t in &rules.carriers.trailing {
            if let Some(k) = name.find(t.as_str()) {
                if k > 0 {
                    name.truncate(k);
                }
            }
        }
        let all_kana = name.chars().all(|c| ('\u{3041}'..='\u{309F}').contains(&c));
        let bad = name.is_empty() || all_kana || name.contains(['の', 'が', 'を', 'に']) || ["弊社", "当社", "格別", "ご高配", "平素"].iter().any(|w| name.contains(w)) || rules.carriers.not_carriers.iter().any(|w| name == *w || name.ends_with(w.as_str()) && w.chars().count() == 1);
        (!bad).then_some(name)
    };
    let c = &rules.carriers;
    let product = |name: &str| c.products.iter().any(|p| name.contains(p.as_str()));
    // What each way of naming needs: a subject must name an organization
    // (and is cut to the operator it holds: `影響KDDI` → KDDI); a service's
    // name must not be a product's.
    let accept = |how: &str, name: String| -> Option<String> {
        match how {
            "subject" => {
                if let Some((at, op)) = operator_in(c, &name) {
                    return Some(if at > 0 && !company_form(&name) { op.to_string() } else { name });
                }
                (company_form(&name) || org_suffix(c, &name)).then_some(name)
            }
            "patronage" | "service" => (!product(&name)).then_some(name),
            _ => Some(name),
        }
    };
    // Line by line, the earliest name a pattern gives on the line.
    let patterns: [(&Regex, &'static str); 6] = [(&PATRONAGE, "patronage"), (&OPENING, "opening"), (&ADDRESSED, "opening"), (&SUBJECT_OF, "subject"), (&SUBJECT, "subject"), (&BRAND, "service")];
    for (i, l) in lines.iter().enumerate() {
        let mut best: Option<(usize, usize, Carrier)> = None;
        for (rank, (re, how)) in patterns.iter().enumerate() {
            for cap in re.captures_iter(l) {
                let m = cap.get(1).expect("group");
                if let Some(name) = ok(m.as_str()).and_then(|n| accept(how, n)) {
                    if best.as_ref().is_none_or(|(at, r, _)| (m.start(), rank) < (*at, *r)) {
                        best = Some((m.start(), rank, Carrier { name, line: i + 1, how }));
                    }
                    break;
                }
            }
        }
        if let Some((_, _, c)) = best {
            return Some(c);
        }
    }
    operator_named(c, text).or_else(|| failed_name(c, text)).or_else(|| operator_once(c, text))
}

/// A Latin name (`Gmail`, `Zoom Video Communications`, `CNS`) or a known
/// operator.
static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z][A-Za-z0-9&!@+\-]*(?:[ .][A-Z][A-Za-z0-9&!@+\-]*)*").expect("valid"));

/// Failing every pattern, the name the notice most says failed: a Latin
/// name or a known operator followed in its sentence by a word of failure
/// (`Gmailが利用できない`, `「gooメール」に障害`, `Zoom障害`), counted with
/// its other mentions (the title's twice). A news item or a blog about a
/// service names the service more than anything else, and names it with
/// what went wrong.
fn failed_name(c: &super::rules::Carriers, text: &Text) -> Option<Carrier> {
    let failure = |after: &str| {
        let near: String = after.chars().take(14).take_while(|&ch| ch != '。').collect();
        c.failure_words.iter().any(|w| near.contains(w.as_str()))
    };
    // name → (score, failed, first line)
    let mut seen: Vec<(String, usize, bool, usize)> = Vec::new();
    let mut note = |name: &str, weight: usize, failed: bool, line: usize| {
        let score = weight + if failed { 2 } else { 0 };
        match seen.iter_mut().find(|s| s.0 == name) {
            Some(s) => {
                s.1 += score;
                s.2 |= failed;
            }
            None => seen.push((name.to_string(), score, failed, line)),
        }
    };
    let mut title = 0;
    for (i, l) in text.lines.iter().enumerate() {
        let l = super::text::blank_urls(l);
        if l.trim().is_empty() {
            continue;
        }
        title += 1;
        let weight = if title <= 2 { 2 } else { 1 };
        for m in NAME.find_iter(&l) {
            let name = m.as_str().trim_end_matches(['.', '-']);
            let generic = c.generic_latin.iter().any(|g| g.eq_ignore_ascii_case(name)) || name.chars().count() < 2;
            // `奉行クラウドEdge`: the end of a longer name; `east-2`,
            // `COVID-19`: an identifier.
            let glued = l[..m.start()].chars().next_back().is_some_and(|ch| ch.is_alphanumeric() && !('\u{3041}'..='\u{309F}').contains(&ch));
            let numbered = name.rsplit_once('-').is_some_and(|(_, n)| n.chars().all(|ch| ch.is_ascii_digit()));
            if !generic && !glued && !numbered {
                note(name, weight, failure(&l[m.end()..]), i);
            }
        }
        // Latin operators are counted above.
        for (end, op) in operators(c, &l).filter(|(_, op)| !op.starts_with(|ch: char| ch.is_ascii_alphanumeric())) {
            note(op, weight, failure(&l[end..]), i);
        }
    }
    let (name, _, _, line) = seen.into_iter().filter(|s| s.2).max_by_key(|s| (s.1, std::cmp::Reverse(s.3)))?;
    Some(Carrier { name, line: line + 1, how: "failed" })
}

/// Last of all, the first known operator the notice names, unless named
/// as a partner (`…を提供・管理しているヤフー株式会社とともに`): an
/// operator named once is the carrier of a news item on it far more often
/// than a supplier.
fn operator_once(c: &super::rules::Carriers, text: &Text) -> Option<Carrier> {
    text.lines.iter().enumerate().find_map(|(i, l)| {
        let l = super::text::blank_urls(l);
        let partner = |end: usize| {
            let after = l[end..].trim_start_matches(|ch: char| "株式会社(株)㈱ ".contains(ch));
            c.partners.iter().any(|p| after.starts_with(p.as_str()))
        };
        let found = operators(c, &l).find(|&(end, _)| !partner(end));
        found.map(|(_, op)| Carrier { name: op.to_string(), line: i + 1, how: "operator" })
    })
}

/// Failing every pattern, a known operator the notice names: in its first
/// lines (the title) or more than once, the most named (the first of
/// equals); never as another's parent (`ヤフー子会社のファーストサーバー`).
fn operator_named(c: &super::rules::Carriers, text: &Text) -> Option<Carrier> {
    let mut seen: Vec<(&str, usize, usize)> = Vec::new(); // name, times, first line
    let mut title = 0;
    for (i, l) in text.lines.iter().enumerate() {
        let l = super::text::blank_urls(l);
        if !l.trim().is_empty() {
            title += 1;
        }
        for (end, op) in operators(c, &l) {
            if c.parents.iter().any(|p| l[end..].starts_with(p.as_str())) {
                continue;
            }
            match seen.iter_mut().find(|(n, _, _)| *n == op) {
                Some(s) => s.1 += 1,
                None => seen.push((op, if title <= 4 { 2 } else { 1 }, i)),
            }
        }
    }
    let (name, _, line) = seen.into_iter().filter(|s| s.1 >= 2).max_by_key(|s| (s.1, std::cmp::Reverse(s.2)))?;
    Some(Carrier { name: name.to_string(), line: line + 1, how: "operator" })
}

/// A line that is an organization's name (ending in an organization's
/// word, or its office: 役場, 役所) followed by a section of it (総務課,
/// 情報基盤センター), or the office alone.
fn signature_org(c: &super::rules::Carriers, line: &str) -> Option<(String, &'static str)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let first = *words.first()?;
    if words.len() > 4 || first.chars().count() > 16 || first.contains(['の', 'が', 'を', 'に', 'は', '、', '。', ':']) {
        return None;
    }
    let office = c.offices.iter().find_map(|o| first.strip_suffix(o.as_str()).filter(|n| n.chars().count() >= 2));
    let section = |w: &str| c.sections.iter().any(|s| w.ends_with(s.as_str()));
    if let Some(name) = office {
        if org_suffix(c, name) || words.len() == 1 || words[1..].iter().all(|w| section(w)) {
            return Some((name.to_string(), "letterhead"));
        }
    }
    (org_suffix(c, first) && words.len() >= 2 && words[1..].iter().all(|w| section(w))).then(|| (first.to_string(), "letterhead"))
}

fn company_form(name: &str) -> bool {
    ["株式会社", "有限会社", "合同会社", "(株)", "㈱"].iter().any(|f| name.contains(f))
}

/// The name ends in an organization's word (広川町, 横浜市立大学) after
/// two characters or more (政府 is no 府).
fn org_suffix(c: &super::rules::Carriers, name: &str) -> bool {
    c.org_suffixes.iter().any(|s| name.ends_with(s.as_str()) && name.chars().count() >= s.chars().count() + 2)
}

/// The first known operator in `s` (the longest at that place), with its
/// byte place; a Latin name only as a whole word.
fn operator_in<'a>(c: &'a super::rules::Carriers, s: &str) -> Option<(usize, &'a str)> {
    let word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii_alphanumeric());
    let mut best: Option<(usize, &str)> = None;
    for op in &c.operators {
        let latin_edge = op.starts_with(|ch: char| ch.is_ascii_alphanumeric());
        let latin_end = op.ends_with(|ch: char| ch.is_ascii_alphanumeric());
        for (at, _) in s.match_indices(op.as_str()) {
            if best.is_some_and(|(b, bop)| at > b || at == b && bop.len() >= op.len()) {
                break;
            }
            if (latin_edge && word(s[..at].chars().next_back())) || (latin_end && word(s[at + op.len()..].chars().next())) {
                continue;
            }
            best = Some((at, op.as_str()));
            break;
        }
    }
    best
}

/// Every known operator of a line, in order, each with the byte place
/// where it ends.
fn operators<'c, 'l>(c: &'c super::rules::Carriers, line: &'l str) -> impl Iterator<Item = (usize, &'c str)> + use<'c, 'l> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let (at, op) = operator_in(c, &line[from..])?;
        from += at + op.len();
        Some((from, op))
    })
}

/// A carrier's name for comparing: NFKC, without company forms and spaces.
pub fn key(name: &str) -> String {
    let mut k = crate::records::normalize::carrier_key(name);
    for (_, long) in crate::records::normalize::COMPANY_FORMS {
        k = k.replace(long, "");
    }
    k
}
