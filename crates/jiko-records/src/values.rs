//! Values as people write them: counts and durations with digits of either
//! width, thousands separators, units and 万; codes by code, Japanese label
//! or documented alias. Each parser says why a value is refused.

use std::collections::HashMap;

use super::normalize::{match_key, nfkc};
use jiko_core::rules::taxonomy::{self, Coded};

/// Plausible ranges (docs/incidents.md): more users than this is not a
/// count of Japanese users, more minutes than ten years not an outage.
pub use jiko_core::rules::MAX_USERS;
/// Ten years of minutes: the most an outage (or its end) may last.
pub const MAX_MINUTES: u64 = 10 * 366 * 24 * 60;

/// Units a count may carry (`3,000人`).
pub(crate) const COUNT_UNITS: &[&str] = &["人", "回線", "契約", "件", "ユーザ", "ユーザー", "ID", "アカウント", "社", "通", "台", "局"];
/// Words that make a count approximate: refused, since the edition counts
/// what was reported.
pub(crate) const APPROXIMATE: &[&str] = &["約", "およそ", "概ね", "おおよそ", "推定", "程度", "以上", "超", "未満", "前後", "強", "弱", "~"];

/// A whole number of users or of something counted, or why not.
pub fn count(lang: jiko_core::lang::Lang, v: &str) -> Result<u64, String> {
    // The common case, plain digits, without allocating.
    if let Some(n) = plain_digits(v.as_bytes()) {
        return Ok(n);
    }
    let t = nfkc(v);
    // The unit first: 契約 holds 約 but is no 約.
    let t = COUNT_UNITS.iter().find_map(|u| t.strip_suffix(u)).unwrap_or(&t).trim();
    if APPROXIMATE.iter().any(|w| t.contains(w)) {
        return Err(jiko_core::say!(
            lang,
            "an approximate count (約, 以上, …): write the number the carrier reported, e.g. 30000",
            "概数（約、以上 など）です。事業者が報告した数（例: 30000）を書いてください"
        ));
    }
    kanji_scaled(lang, t)
}

/// A duration in minutes: `120`, `120分`, `2:05`, `2時間5分`, `1日3時間`.
pub fn minutes(lang: jiko_core::lang::Lang, v: &str) -> Result<u64, String> {
    if let Some(n) = plain_digits(v.as_bytes()) {
        return Ok(n);
    }
    let t = nfkc(v);
    if APPROXIMATE.iter().any(|w| t.contains(w)) {
        return Err(jiko_core::say!(lang, "an approximate duration (約, 以上, …): write the minutes reported", "概数（約、以上 など）です。報告された分数を書いてください"));
    }
    let t = t.trim();
    if let Some((h, m)) = t.split_once(':') {
        // `H:MM:SS`: the seconds checked, then dropped (floor), as a date's
        // are (docs/incidents.md): 1:59:30 is 119 minutes, under two hours.
        let (m, s) = match m.split_once(':') {
            Some((m, s)) => (m, Some(s.trim())),
            None => (m, None),
        };
        if let Some(s) = s {
            if !(s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s < "60") {
                return Err(jiko_core::say!(lang, "not a duration as H:MM or H:MM:SS", "H:MM 又は H:MM:SS の形の時間として読めません"));
            }
        }
        let (h, m) = (grouped(lang, h.trim())?, grouped(lang, m.trim())?);
        if m >= 60 || m.to_string().len() > 2 {
            return Err(jiko_core::say!(lang, "not a duration as H:MM", "H:MM の形の時間として読めません"));
        }
        return h.checked_mul(60).and_then(|x| x.checked_add(m)).ok_or_else(|| too_large(lang));
    }
    // Days, hours and minutes, each optional, in that order.
    let mut rest = t;
    let mut total: u64 = 0;
    let mut any = false;
    let mut last = "";
    for (unit, scale) in [("日", 1440u64), ("時間", 60), ("分", 1)] {
        if let Some((n, after)) = rest.split_once(unit) {
            let n = grouped(lang, n.trim())?;
            total = n.checked_mul(scale).and_then(|x| x.checked_add(total)).ok_or_else(|| too_large(lang))?;
            rest = after.trim_start_matches('間').trim();
            any = true;
            last = unit;
        }
    }
    // `2時間半`: a half is not read as a number; say how to write it.
    if any && rest == "半" && last == "時間" {
        let m = total + 30;
        return Err(jiko_core::say!(
            lang,
            "半 (half) is not read: write {h}時間30分 or {m} (minutes)",
            "「半」は読めません: {h}時間30分 又は {m}（分）と書いてください",
            h = total / 60,
            m = m
        ));
    }
    if any {
        return if rest.is_empty() { Ok(total) } else { Err(jiko_core::say!(lang, "{rest:?} after the duration", "時間の後に {rest:?} があります", rest = rest)) };
    }
    // Not a number either: say the forms a duration takes.
    grouped(lang, t).map_err(|e| {
        if e == not_whole(lang) {
            jiko_core::say!(lang, "not a duration: write minutes (117), H:MM (1:57) or 1時間57分", "継続時間として読めません。117（分）、1:57、1時間57分 のように書いてください")
        } else {
            e
        }
    })
}

fn too_large(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(lang, "too large a number", "大きすぎる数です")
}

fn not_whole(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(lang, "not a whole number", "整数として読めません")
}

/// Plain ASCII digits (at most 18: no overflow), read without normalizing.
#[inline]
pub(crate) fn plain_digits(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 18 {
        return None;
    }
    v.iter().try_fold(0u64, |n, &b| {
        let d = b.wrapping_sub(b'0');
        (d <= 9).then(|| n * 10 + u64::from(d))
    })
}

/// Digits with optional thousands separators (`166,803`), nothing else.
fn grouped(lang: jiko_core::lang::Lang, t: &str) -> Result<u64, String> {
    if t.starts_with('+') || t.starts_with('-') {
        return Err(if t.starts_with('-') {
            jiko_core::say!(lang, "must not be negative", "負の数は使えません")
        } else {
            jiko_core::say!(lang, "a plain number, without a sign", "符号を付けない数で書いてください")
        });
    }
    let ok_groups = !t.contains(',') || {
        let mut parts = t.split(',');
        let first = parts.next().unwrap_or("");
        (1..=3).contains(&first.len()) && parts.all(|g| g.len() == 3)
    };
    let digits: String = t.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !ok_groups {
        return Err(not_whole(lang));
    }
    if digits.len() > 18 {
        return Err(too_large(lang));
    }
    digits.parse().map_err(|_| not_whole(lang))
}

/// `35万1266`, `1億2000万`, `3万`: 万 and 億 as the multipliers they are.
fn kanji_scaled(lang: jiko_core::lang::Lang, t: &str) -> Result<u64, String> {
    if !t.contains(['万', '億']) {
        return grouped(lang, t);
    }
    let mut total: u64 = 0;
    let mut rest = t;
    for (unit, scale) in [("億", 100_000_000u64), ("万", 10_000)] {
        if let Some((n, after)) = rest.split_once(unit) {
            let n = grouped(lang, n.trim())?;
            total = n.checked_mul(scale).and_then(|x| x.checked_add(total)).ok_or_else(|| too_large(lang))?;
            rest = after.trim();
        }
    }
    if !rest.is_empty() {
        let n = grouped(lang, rest)?;
        if n >= 10_000 {
            return Err(not_whole(lang));
        }
        total += n;
    }
    Ok(total)
}

/// A number checked against its plausible range.
pub fn within(lang: jiko_core::lang::Lang, n: u64, max: u64, what: &str) -> Result<u64, String> {
    if n > max {
        let max = jiko_core::numbers::thousands(max as i64);
        Err(jiko_core::say!(lang, "{n} {what} is outside the plausible range 0–{max}", "{n}は{what}としてあり得る範囲（0～{max}）の外です", n = n, what = what, max = max))
    } else {
        Ok(n)
    }
}

/// Every spelling a coded column accepts, by match key.
pub struct Vocabulary {
    /// The codes, in the taxonomy's order.
    pub codes: &'static [Coded],
    by_key: HashMap<String, usize>,
    /// Spellings refused with why (another report under another article).
    refused: HashMap<String, (&'static str, &'static str)>,
    /// Spellings that two codes claim: the taxonomy's test keeps the
    /// built-in book's empty, and a `--rules` book with one is refused.
    pub collisions: Vec<String>,
}

impl Vocabulary {
    fn new(codes: &'static [Coded], aliases: &[(&str, Vec<&str>)], refusals: &[(Vec<&'static str>, &'static str, &'static str)]) -> Vocabulary {
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut collisions = Vec::new();
        let mut add = |spelling: &str, i: usize| {
            if let Some(j) = by_key.insert(match_key(spelling), i) {
                if j != i {
                    collisions.push(spelling.to_string());
                }
            }
        };
        for (i, c) in codes.iter().enumerate() {
            add(c.code, i);
            add(c.label, i);
        }
        let mut orphans = Vec::new();
        for (code, names) in aliases {
            match codes.iter().position(|c| c.code == *code) {
                Some(i) => names.iter().for_each(|n| add(n, i)),
                None => orphans.push(format!("alias of unknown code {code}")),
            }
        }
        collisions.extend(orphans);
        let refused = refusals.iter().flat_map(|(spellings, ja, en)| spellings.iter().map(move |sp| (match_key(sp), (*ja, *en)))).collect();
        Vocabulary { codes, by_key, refused, collisions }
    }

    /// The code's index: the code itself first (no allocation), then any
    /// spelling after normalization.
    pub fn find(&self, v: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.code == v).or_else(|| self.by_key.get(&match_key(v)).copied())
    }

    /// Every accepted spelling, for checks that no two codes share one.
    #[cfg(test)]
    pub fn keys(&self) -> impl Iterator<Item = (&str, usize)> {
        self.by_key.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// "unknown code" with the nearest code or label, for short values only
    /// (a long value gets no search: it is not a typo).
    pub fn unknown(&self, lang: jiko_core::lang::Lang, value: &str) -> String {
        if let Some((ja, en)) = self.refused.get(&match_key(value)) {
            return if lang.ja() { format!("受け付けません: {ja}") } else { format!("refused: {en}") };
        }
        let codes = self.codes.iter().map(|c| c.code);
        // Labels are Japanese: a value in ASCII is compared with codes only.
        let labels = || (!value.is_ascii()).then(|| taxonomy::nearest(value, self.codes.iter().map(|c| c.label))).flatten();
        let near = (value.chars().count() <= 40).then(|| taxonomy::nearest(value, codes.clone()).or_else(labels)).flatten();
        match near {
            Some(near) => jiko_core::say!(lang, "unknown code; did you mean `{near}`?", "不明なコードです。`{near}` ではありませんか？", near = near),
            // A Japanese value: the labels that share most of its words,
            // each with its code, and every label with its code.
            None if !value.is_ascii() => {
                let named = |i: usize| format!("`{}` ({})", self.codes[i].label, self.codes[i].code);
                let near: Vec<String> = self.sharing(value).into_iter().map(named).collect();
                let list = self.codes.iter().map(|c| format!("{} ({})", c.label, c.code)).collect::<Vec<_>>().join(", ");
                match near.as_slice() {
                    [] => jiko_core::say!(lang, "unknown label or code; valid: {list}", "不明な値です。使える値（ラベル（コード））: {list}", list = list),
                    near => jiko_core::say!(
                        lang,
                        "unknown label or code; did you mean {near}? valid: {list}",
                        "不明な値です。{near} ではありませんか？ 使える値（ラベル（コード））: {list}",
                        near = near.join(if lang.ja() { " 又は " } else { " or " }),
                        list = list
                    ),
                }
            }
            // In Japanese the labels come with their codes, as the template
            // and the reports name them.
            None if lang.ja() => {
                let list = self.codes.iter().map(|c| format!("{} ({})", c.label, c.code)).collect::<Vec<_>>().join(", ");
                format!("不明なコードです。使える値（ラベル（コード））: {list}")
            }
            None => {
                let list = codes.collect::<Vec<_>>().join(", ");
                format!("unknown code; valid codes: {list}")
            }
        }
    }

    /// The (at most two) codes whose labels share most two-character runs
    /// with a Japanese value (`無料のウェブメール`: 無料, メール), best first.
    fn sharing(&self, value: &str) -> Vec<usize> {
        let pairs = |s: &str| -> Vec<(char, char)> {
            let c: Vec<char> = s.chars().collect();
            c.windows(2).map(|w| (w[0], w[1])).collect()
        };
        let mine = pairs(&nfkc(value));
        let mut scored: Vec<(usize, usize)> = self
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let theirs = pairs(&nfkc(c.label));
                (mine.iter().filter(|p| theirs.contains(p)).count(), i)
            })
            .filter(|(n, _)| *n > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(2).map(|(_, i)| i).collect()
    }
}

/// The vocabularies of the coded columns.
pub struct Vocabularies {
    /// `report_form`.
    pub forms: Vocabulary,
    /// `services`.
    pub services: Vocabulary,
    /// `cause`.
    pub causes: Vocabulary,
    /// `equipment`.
    pub equipment: Vocabulary,
    /// `facility`.
    pub facilities: Vocabulary,
    /// `kind`.
    pub kinds: Vocabulary,
    /// `wholesale`.
    pub wholesale: Vocabulary,
    /// `situation` (おそれ事態).
    pub situations: Vocabulary,
    /// `function` (おそれ事態).
    pub functions: Vocabulary,
    /// `exclusions` (おそれ事態).
    pub exclusions: Vocabulary,
    /// Spellings of "no exclusion applies" (`[near_miss] no_exclusion`).
    pub no_exclusion: &'static [&'static str],
}

impl Vocabularies {
    /// The spellings of a book's vocabulary (`Rules::vocab`), read into
    /// the keys a cell is looked up by; built once per file read.
    pub fn of(v: &'static jiko_core::rules::Vocabulary) -> Vocabularies {
        let voc = |codes: &'static [Coded], column| Vocabulary::new(codes, &v.aliases(column), &v.refused(column));
        Vocabularies {
            forms: voc(&v.forms, "report_form"),
            services: voc(&v.service_codes, "services"),
            causes: voc(&v.causes, "cause"),
            equipment: voc(&v.equipment, "equipment"),
            facilities: voc(&v.facilities, "facility"),
            kinds: voc(&v.kinds, "kind"),
            wholesale: voc(&v.wholesale, "wholesale"),
            situations: voc(&v.situations, "situation"),
            functions: voc(&v.functions, "function"),
            exclusions: voc(&v.exclusions, "exclusions"),
            no_exclusion: &v.no_exclusion,
        }
    }
}

/// Separators between several services in one cell, after NFKC (which
/// makes `，` and `；` ASCII).
pub(crate) const SERVICE_SEPARATORS: &[char] = &[';', '、', ',', '\n', '\r'];

/// Those of them in ASCII: what splits a cell that is all ASCII.
pub(crate) fn ascii_service_separator(b: u8) -> bool {
    matches!(b, b';' | b',' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(count(jiko_core::lang::Lang::En, "166,803"), Ok(166_803));
        assert_eq!(count(jiko_core::lang::Lang::En, "１５０００００"), Ok(1_500_000));
        assert_eq!(count(jiko_core::lang::Lang::En, "3,000人"), Ok(3000));
        assert_eq!(count(jiko_core::lang::Lang::En, "135,000回線"), Ok(135_000));
        assert_eq!(count(jiko_core::lang::Lang::En, "35万1266通"), Ok(351_266));
        assert_eq!(count(jiko_core::lang::Lang::En, "3万"), Ok(30_000));
        assert!(count(jiko_core::lang::Lang::En, "約3万").unwrap_err().contains("approximate"));
        // Issue 24: the documented unit 契約 is a unit, not 約.
        assert_eq!(count(jiko_core::lang::Lang::En, "3000契約"), Ok(3000));
        assert_eq!(count(jiko_core::lang::Lang::En, "3,000 契約"), Ok(3000));
        assert!(count(jiko_core::lang::Lang::En, "約3000契約").unwrap_err().contains("approximate"));
        assert!(count(jiko_core::lang::Lang::En, "-5").unwrap_err().contains("negative"));
        assert!(count(jiko_core::lang::Lang::En, "+200").unwrap_err().contains("sign"));
        assert!(count(jiko_core::lang::Lang::En, "12.5").is_err());
        assert!(count(jiko_core::lang::Lang::En, "1,23").is_err());
        assert!(count(jiko_core::lang::Lang::En, "18446744073709551615").is_err());
        assert!(within(jiko_core::lang::Lang::En, 600_000_000, MAX_USERS, "users").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(minutes(jiko_core::lang::Lang::En, "120"), Ok(120));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "１２０分"), Ok(120));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "2:05"), Ok(125));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "2時間5分"), Ok(125));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "81時間32分"), Ok(81 * 60 + 32));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "2時間"), Ok(120));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "1日3時間"), Ok(1620));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "1,440"), Ok(1440));
        assert!(minutes(jiko_core::lang::Lang::En, "2:75").is_err());
        // Seconds dropped, never rounded up into the duty's two hours.
        assert_eq!(minutes(jiko_core::lang::Lang::En, "1:59:30"), Ok(119));
        assert_eq!(minutes(jiko_core::lang::Lang::En, "2:05:00"), Ok(125));
        assert!(minutes(jiko_core::lang::Lang::En, "1:59:99").is_err());
        assert!(minutes(jiko_core::lang::Lang::En, "1:59:5").is_err());
        assert!(minutes(jiko_core::lang::Lang::En, "約2時間").is_err());
        assert!(minutes(jiko_core::lang::Lang::En, "2時間半").is_err());
    }

    #[test]
    fn codes_by_label_and_alias() {
        let v = Vocabularies::of(jiko_core::rules::Rules::builtin().vocab);
        assert_eq!(v.forms.find("詳細な様式"), Some(0));
        assert_eq!(v.forms.find("簡易"), Some(1));
        assert_eq!(v.causes.find("作業ミス").map(|i| v.causes.codes[i].code), Some("work_error"));
        assert_eq!(v.equipment.find("無線基地局").map(|i| v.equipment.codes[i].code), Some("base_station"));
        let s = v.services.find("インターネット関連サービス（有料）（電子メール）").map(|i| v.services.codes[i].code);
        assert_eq!(s, Some("email_paid"));
        assert_eq!(v.services.find("ＦＴＴＨ").map(|i| v.services.codes[i].code), Some("ftth"));
        assert_eq!(v.services.find("IP電話(0AB-J)").map(|i| v.services.codes[i].code), Some("ip_phone_0abj"));
        assert!(v.services.unknown(jiko_core::lang::Lang::En, "ftth_acces").contains("did you mean `ftth`"));
        assert!(!v.services.unknown(jiko_core::lang::Lang::En, &"zz;".repeat(10_000)).contains("did you mean"));
    }

    #[test]
    fn no_spelling_names_two_codes() {
        let v = Vocabularies::of(jiko_core::rules::Rules::builtin().vocab);
        for voc in [&v.forms, &v.services, &v.causes, &v.equipment, &v.facilities, &v.kinds, &v.wholesale, &v.situations, &v.functions, &v.exclusions] {
            assert!(voc.collisions.is_empty(), "{:?}", voc.collisions);
            // Every spelling is found again as itself.
            for (k, i) in voc.keys() {
                assert_eq!(voc.find(k), Some(i), "{k}");
            }
        }
    }
}
