//! The columns of the input contract, and finding them in a file's header:
//! by English name, Japanese name or alias after NFKC normalization, on the
//! first of the file's first rows that looks like a header.

use anyhow::{bail, Result};

use super::normalize::match_key;

/// When a column must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every file has it.
    Required,
    /// A file may leave it out.
    Optional,
    /// Required unless the named column is there instead.
    RequiredUnless(&'static str),
}

/// One column: contract name, the Japanese name messages and templates use,
/// other accepted header spellings, and whether it must be there.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The contract's name (docs/incidents.md).
    pub name: &'static str,
    /// The Japanese header the template writes.
    pub japanese: &'static str,
    /// Other headers offices write for it.
    pub aliases: &'static [&'static str],
    /// Whether a file must have it.
    pub need: Need,
    /// What to write, for the template's explanation sheet.
    pub meaning: &'static str,
}

const fn column(name: &'static str, japanese: &'static str, aliases: &'static [&'static str], need: Need, meaning: &'static str) -> Column {
    Column { name, japanese, aliases, need, meaning }
}

use Need::*;

/// The contract's columns (docs/incidents.md), in its order.
pub const COLUMNS: &[Column] = &[
    column("incident_id", "報告番号", &["報告ID"], Required, "報告ごとに一意の番号。全ファイルを通じて重複不可。"),
    column("carrier", "事業者名", &["事業者", "電気通信事業者", "電気通信事業者名"], Required, "報告した電気通信事業者の名称。全角・半角や（株）／株式会社の違いは同じ事業者として数える。"),
    column("report_form", "報告様式", &["様式"], Required, "詳細な様式 又は 簡易な様式（詳細／簡易でも可）。簡易な様式は故障設備が無線基地局、局設置遠隔収容装置・き線点遠隔収容装置、デジタル加入者回線アクセス多重化装置の場合のみ。"),
    column("started_at", "発生日時", &["発生日", "発生時刻", "障害発生日時"], Required, "発生日時（日本時間）。2024/4/18 9:05、2024年4月18日 9時5分、令和6年4月18日 9:05、R6.4.18 9:05 など。4/18/2024 のような月日先頭の形は不可。"),
    column("duration_min", "継続時間（分）", &["継続時間", "継続時間(分)", "停止時間（分）"], RequiredUnless("ended_at"), "継続時間（分）。120、120分、2:00、2時間 など。複数の段階がある場合は最も長い段階。空欄なら復旧日時から計算。"),
    column("affected_users", "影響利用者数", &["影響利用者数（人）", "利用者数"], Required, "影響利用者数。166,803、3,000人、35万1266 など。約3万 のような概数は不可。地域が複数なら合計。"),
    column("services", "役務", &["電気通信役務", "サービス", "影響役務"], Required, "影響した電気通信役務。複数は「、」「;」又は改行で区切る。ラベル（FTTHアクセスサービス 等）又はコード。"),
    column("cause", "発生要因", &["原因", "発生原因", "要因"], Required, "主たる発生要因（1つ）。"),
    column("equipment", "故障設備", &["設備"], Optional, "故障設備。不明なら空欄。"),
    column("facility", "重要設備", &[], Optional, "全ての通信が停止した重要設備（注1②）。該当しなければ空欄。"),
    column("kind", "事故種別", &["種別"], Optional, "事故の種別（注2 ①②③）。空欄は電気通信設備の故障。"),
    column("wholesale", "卸役務", &["卸"], Optional, "卸役務での立場（卸元／卸先）。該当しなければ空欄。"),
    column("accident_id", "事故番号", &["事故ID"], Optional, "同じ事故を報告した複数の報告（卸元と卸先など）に共通の番号。空欄なら報告番号。"),
    column("region", "影響地域", &["地域"], Optional, "影響地域。"),
    column("summary", "障害内容", &["主な障害内容", "概要", "事故の概要"], Optional, "主な障害内容。重大な事故の一覧に表示。"),
    column("ended_at", "復旧日時", &["復旧日", "回復日時", "終了日時"], Optional, "復旧日時。継続時間が空欄のときに継続時間を計算する。両方あれば継続時間が優先。"),
    column("monthly_active_users", "月間アクティブ利用者数", &["月間アクティブユーザー数", "MAU"], Optional, "サービス全体の月間アクティブ利用者数。規則ファイルがこの数による基準を持つとき（2025年答申の試算など）に使う。通常は空欄。"),
    column("situation", "おそれ事態", &["事態", "おそれ事態の種類"], Optional, "重大な事故が生ずるおそれがあると認められる事態（施行規則第58条の2）の種類。規則の一覧のラベル又はコード。該当しなければ空欄。この列のある行は、停止・品質低下がなければ継続時間と影響利用者数を空欄にできる（停止なしとして判定）。"),
    column("function", "設備の機能", &["機能"], Optional, "おそれ事態の設備の機能（第58条の2第1号ニ）。規則の一覧のラベル又はコード。"),
    column("carrier_users", "事業者の利用者数", &["前年度末利用者数"], Optional, "おそれ事態: 事業者が前年度末に役務を提供した利用者の数（第1号イ）。"),
    column("prefectures", "都道府県数", &["提供都道府県数"], Optional, "おそれ事態: 役務を提供する都道府県の数（第1号ロ）。"),
    column("known_at", "覚知日時", &["知った日", "覚知日"], Optional, "おそれ事態の発生を知った日時。報告期限（30日以内）はこの日から数える。"),
    column("exclusions", "除外事由", &["除外"], Optional, "おそれ事態の除外事由（第1号ハ・ヘ）のうち該当するもの。規則の一覧のラベル又はコード、複数は「;」で区切る。空欄は不明（答えは「除外事由に該当しない限り該当する」）。"),
    column("provider_major", "卸元の重大な事故", &["卸元重大"], Optional, "卸先の報告で、卸元の事故が重大な事故だったとき yes（はい）。卸元の報告が入力にないときに書く。空欄なら入力にある卸元の報告で判断。"),
];

/// A column's explanation with the values the rules accept, for the
/// columns whose codes come from the book's `[near_miss]` lists (the
/// lists are the book's, never written here).
pub fn described(c: &Column, v: &jiko_core::rules::Vocabulary) -> String {
    let codes = |list: &[jiko_core::rules::taxonomy::Coded]| list.iter().map(|x| x.code).collect::<Vec<_>>().join("、");
    match c.name {
        "situation" => format!("{} コード: {}。", c.meaning, codes(&v.situations)),
        "function" => format!("{} コード: {}。", c.meaning, codes(&v.functions)),
        "exclusions" => match v.no_exclusion.first() {
            Some(none) => format!("{} コード: {}。いずれにも該当しなければ「{none}」。", c.meaning, codes(&v.exclusions)),
            None => format!("{} コード: {}。", c.meaning, codes(&v.exclusions)),
        },
        _ => c.meaning.to_string(),
    }
}

/// Index of each column in `COLUMNS`, for code that reads a row.
pub mod col {
    /// `incident_id`.
    pub const ID: usize = 0;
    pub(crate) const CARRIER: usize = 1;
    pub(crate) const FORM: usize = 2;
    pub(crate) const STARTED: usize = 3;
    pub(crate) const DURATION: usize = 4;
    pub(crate) const USERS: usize = 5;
    /// `services`.
    pub const SERVICES: usize = 6;
    pub(crate) const CAUSE: usize = 7;
    /// `equipment`.
    pub const EQUIPMENT: usize = 8;
    pub(crate) const FACILITY: usize = 9;
    pub(crate) const KIND: usize = 10;
    /// `wholesale`.
    pub const WHOLESALE: usize = 11;
    pub(crate) const ACCIDENT: usize = 12;
    pub(crate) const REGION: usize = 13;
    pub(crate) const SUMMARY: usize = 14;
    pub(crate) const ENDED: usize = 15;
    pub(crate) const MAU: usize = 16;
    pub(crate) const SITUATION: usize = 17;
    pub(crate) const FUNCTION: usize = 18;
    pub(crate) const CARRIER_USERS: usize = 19;
    pub(crate) const PREFECTURES: usize = 20;
    pub(crate) const KNOWN_AT: usize = 21;
    pub(crate) const EXCLUSIONS: usize = 22;
    pub(crate) const PROVIDER_MAJOR: usize = 23;
}

pub(crate) const NCOLS: usize = 24;

/// The おそれ事態 columns: a row with any of them takes the full check.
pub(crate) const NEAR_MISS_COLUMNS: [usize; 6] = [col::SITUATION, col::FUNCTION, col::CARRIER_USERS, col::PREFECTURES, col::KNOWN_AT, col::EXCLUSIONS];
const _: () = assert!(COLUMNS.len() == NCOLS);

/// A contract column by its name or by its Japanese header, exactly as
/// written (messages and the template name columns by these).
pub fn named(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name || c.japanese == name)
}

/// The contract column a header cell names, if any.
pub fn canonical_column(header: &str) -> Option<usize> {
    let key = match_key(header);
    if key.is_empty() {
        return None;
    }
    COLUMNS.iter().position(|c| {
        match_key(c.name) == key || match_key(c.japanese) == key || c.aliases.iter().any(|a| match_key(a) == key)
    })
}

/// Where each contract column is in a file (`usize::MAX` when absent); its
/// header as written gives each column's own name for messages (`name`).
#[derive(Debug, Clone)]
pub struct Layout {
    /// Each contract column's place in the file's fields.
    pub at: [usize; NCOLS],
    /// The header's cells as written.
    pub header: Vec<String>,
    /// Columns outside the contract, by their headers.
    pub extra: Vec<String>,
    /// The CSV separator (none for a workbook): a line inside a quoted
    /// field with a whole record's separators is a record swallowed by a
    /// stray quote.
    pub delimiter: Option<u8>,
}

impl Layout {
    /// Whether the file has contract column `c` (`col::…`).
    pub fn has(&self, c: usize) -> bool {
        self.at[c] != usize::MAX
    }

    /// The column's name as the file writes it, or the contract's.
    pub fn name(&self, c: usize) -> &str {
        match self.at[c] {
            usize::MAX => COLUMNS[c].name,
            i => self.header.get(i).map_or(COLUMNS[c].name, String::as_str),
        }
    }
}

/// The fields of a line found inside a quoted value, when it reads as the
/// start of a record (a date in the start's column): a stray quote took
/// that row into the value. The header check, the row check and the
/// reader's warning each add their own bound on the field count.
pub(crate) fn dated_fields(line: &str, delimiter: char, started: usize) -> Option<Vec<&str>> {
    let fields: Vec<&str> = line.split(delimiter).collect();
    fields.get(started).is_some_and(|p| crate::dates::parse_minute(p).is_some()).then_some(fields)
}

/// Map a header row to the contract's columns.
pub(crate) fn map_header(lang: jiko_core::lang::Lang, place: &str, header: &[String]) -> Result<Layout> {
    let mut at = [usize::MAX; NCOLS];
    let mut extra = Vec::new();
    for (i, h) in header.iter().enumerate() {
        match canonical_column(h) {
            Some(c) if at[c] != usize::MAX => {
                bail!(jiko_core::say!(
                    lang,
                    "{place}: columns {a:?} and {b:?} both name {name} ({ja})",
                    "{place}: 列 {a:?} と {b:?} がどちらも {ja}（{name}）です",
                    place = place,
                    a = header[at[c]],
                    b = h,
                    name = COLUMNS[c].name,
                    ja = COLUMNS[c].japanese
                ))
            }
            Some(c) => at[c] = i,
            None if h.trim().is_empty() => {}
            None => extra.push(h.clone()),
        }
    }
    let japanese = header.iter().any(|h| h.chars().any(|c| !c.is_ascii()));
    let missing: Vec<&Column> = COLUMNS
        .iter()
        .zip(at)
        .filter(|(c, i)| {
            *i == usize::MAX
                && match c.need {
                    Required => true,
                    Optional => false,
                    RequiredUnless(other) => COLUMNS.iter().zip(at).all(|(o, j)| o.name != other || j == usize::MAX),
                }
        })
        .map(|(c, _)| c)
        .collect();
    if !missing.is_empty() {
        // A Japanese header or run: the Japanese name, the contract's beside.
        let name = |c: &Column| match (japanese, lang.ja()) {
            (true, false) => c.japanese.to_string(),
            (_, true) => format!("{}（{}）", c.japanese, c.name),
            (false, false) => c.name.to_string(),
        };
        let names: Vec<String> = missing
            .iter()
            .map(|c| match c.need {
                // The column that may stand in for it, said with it.
                RequiredUnless(other) => match COLUMNS.iter().find(|o| o.name == other) {
                    Some(o) => jiko_core::say!(lang, "{a} (or {b})", "{a}（又は {b}）", a = name(c), b = name(o)),
                    None => name(c),
                },
                _ => name(c),
            })
            .collect();
        let hints: Vec<String> = missing
            .iter()
            .filter_map(|c| {
                let near = nearest_header(c, &extra)?;
                Some(jiko_core::say!(lang, "{near:?} for {name} ({ja})", "{ja}（{name}）のつもりで {near:?}", near = near, name = c.name, ja = c.japanese))
            })
            .collect();
        let hint = if hints.is_empty() {
            String::new()
        } else {
            jiko_core::say!(lang, "; did you mean {h}?", "。{h} ではありませんか", h = hints.join(", "))
        };
        bail!(jiko_core::say!(
            lang,
            "{place}: the header lacks required column(s) {names}{hint}; found {found}",
            "{place}: 見出しに必須の列 {names} がありません{hint}。見出し: {found}",
            place = place,
            names = names.join(if lang.ja() { "、" } else { ", " }),
            hint = hint,
            found = header.join(",")
        ));
    }
    Ok(Layout { at, header: header.to_vec(), extra, delimiter: None })
}

/// The header cell most like a missing column's English or Japanese name.
fn nearest_header<'a>(c: &Column, candidates: &'a [String]) -> Option<&'a str> {
    let names: Vec<String> = [c.name, c.japanese].iter().chain(c.aliases).map(|n| match_key(n)).collect();
    candidates
        .iter()
        .filter(|h| h.chars().count() <= 64)
        .filter_map(|h| {
            let k = match_key(h);
            let kn = k.chars().count();
            names
                .iter()
                .filter_map(|n| {
                    let nn = n.chars().count();
                    let d = jiko_core::rules::taxonomy::edit_distance(&k, n);
                    // Every character replaced is no likeness (`id` and 役務).
                    if d < kn.min(nn) && d <= (kn / 3).max(2) {
                        return Some((0, d));
                    }
                    // One inside the other (`started` in `started_at`).
                    if kn.min(nn) >= 3 && (n.contains(k.as_str()) || k.contains(n.as_str())) {
                        return Some((1, d));
                    }
                    // The same first or last two characters (影響ユーザー数 and
                    // 影響利用者数, 所要時間 and 継続時間): a weaker likeness.
                    let ends = |a: &str, b: &str| a.chars().take(2).eq(b.chars().take(2)) || a.chars().rev().take(2).eq(b.chars().rev().take(2));
                    (kn.min(nn) >= 3 && !k.is_ascii() && ends(&k, n)).then_some((2, d))
                })
                .min()
                .map(|score| (score, h.as_str()))
        })
        .min()
        .map(|(_, h)| h)
}

/// How many cells of a row name contract columns: a header names several.
pub(crate) fn known_columns(cells: &[String]) -> usize {
    let mut seen = [false; NCOLS];
    for c in cells.iter().filter_map(|h| canonical_column(h)) {
        seen[c] = true;
    }
    seen.iter().filter(|s| **s).count()
}

/// Rows within which the header is looked for.
pub(crate) const HEADER_SEARCH_ROWS: usize = 10;
/// Cells a row must name to be taken for the header.
pub(crate) const HEADER_MIN_KNOWN: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_after_normalization() {
        assert_eq!(canonical_column("継続時間(分)"), Some(col::DURATION));
        assert_eq!(canonical_column(" 継続時間（分） "), Some(col::DURATION));
        assert_eq!(canonical_column("Incident_ID"), Some(col::ID));
        assert_eq!(canonical_column("\u{feff}報告番号"), Some(col::ID));
        assert_eq!(canonical_column("ｻｰﾋﾞｽ"), Some(col::SERVICES));
        assert_eq!(canonical_column("memo"), None);
    }

    #[test]
    fn a_missing_column_names_the_nearest_header() {
        let h: Vec<String> = ["incident_id", "carrier", "report_form", "started_at", "duration_min", "affected_users", "services", "caus"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let e = map_header(jiko_core::lang::Lang::En, "f.csv:1", &h).unwrap_err().to_string();
        assert!(e.contains("lacks required column(s) cause; did you mean \"caus\" for cause (発生要因)?"), "{e}");
        // Headers people write for these columns, none of them an alias:
        // a cell inside a name, and the same first or last two characters.
        let h: Vec<String> = ["報告番号", "事業者名", "報告様式", "開始日", "所要時間", "影響ユーザー数", "役務", "発生要因"].iter().map(|s| s.to_string()).collect();
        let e = map_header(jiko_core::lang::Lang::En, "f.csv:1", &h).unwrap_err().to_string();
        assert!(e.contains("lacks required column(s) 発生日時, 継続時間（分） (or 復旧日時), 影響利用者数;"), "{e}");
        assert!(e.contains("\"所要時間\" for duration_min") && e.contains("\"影響ユーザー数\" for affected_users") && e.contains("\"開始日\" for started_at"), "{e}");
        let h: Vec<String> = ["incident_id", "carrier", "report_form", "started", "duration_min", "affected_users", "services", "cause"].iter().map(|s| s.to_string()).collect();
        let e = map_header(jiko_core::lang::Lang::En, "f.csv:1", &h).unwrap_err().to_string();
        assert!(e.contains("did you mean \"started\" for started_at (発生日時)?"), "{e}");
        // 復旧日時 stands in for the duration.
        let h: Vec<String> = ["報告番号", "事業者名", "報告様式", "発生日時", "復旧日時", "影響利用者数", "役務", "発生要因"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let l = map_header(jiko_core::lang::Lang::En, "f.csv:1", &h).unwrap();
        assert!(!l.has(col::DURATION) && l.has(col::ENDED));
        assert_eq!(l.name(col::SERVICES), "役務");
    }
}
