//! Issue 30: the law's own text as checked data, and a parser of it.
//!
//! `data/law/` holds the articles jiko models, verbatim, one file per
//! version in force, each read from e-Gov's XML in `kissge/elaws-history`
//! (data/law/README.md says how). This module reads those files and pulls
//! out the values a person reads in them (classes, hours, users, おそれ事態
//! items, due wording, report days and forms) so that a test can hold the
//! rule book to the text. The tests here assert, text by text, the values
//! read by hand from the XML; they know nothing of jiko's rule book.
//!
//! File format: `key: value` header lines (`law`, `law_id`, `article`,
//! `in_force`, `amended_by`, `source`, optional `same_text_in` (paths
//! separated by ", "), `note`, `excerpt`), a line `---`, then the text:
//! one line per 項/号/イロハ/（１） item with its number at the line start
//! and a full-width space after it; a table row is its cells joined by TAB,
//! and a row whose first cell spans the row above (rowspan) starts with an
//! empty cell.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::root;

/// One article in one version, as `data/law/<file>.txt` holds it.
#[derive(Debug, Clone)]
pub(crate) struct LawText {
    /// The file name, e.g. `shikou-58-20260401.txt`.
    pub(crate) file: String,
    /// The law's name, e.g. 電気通信事業法施行規則.
    pub(crate) law: String,
    /// e-Gov's law id, e.g. `360M50001000025`.
    pub(crate) law_id: String,
    /// The article as the book cites it, e.g. `第58条の2`.
    pub(crate) article: String,
    /// The day the version read came into force, `YYYY-MM-DD`.
    pub(crate) in_force: String,
    /// The amending act the version's path names, with its name.
    pub(crate) amended_by: String,
    /// The elaws-history path of the XML read.
    pub(crate) source: String,
    /// Later versions read that have the identical text.
    pub(crate) same_text_in: Vec<String>,
    /// Every header line, the ones above included (`note`, `excerpt` …).
    pub(crate) headers: BTreeMap<String, String>,
    /// The text, one line per item or table row.
    pub(crate) body: Vec<String>,
}

/// A class of 施行規則第58条第2項第1号's table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LawClass {
    /// The row's number: 一 = 1 ….
    pub(crate) number: u32,
    /// The row's service text, verbatim, without its number.
    pub(crate) name: String,
    /// (minutes, users) pairs, in the table's order: a class is met when
    /// one pair is (時間以上 and 数以上).
    pub(crate) thresholds: Vec<(u32, u64)>,
    /// 「前年度における一月当たりの…利用者の数の平均が…以上のもの」: the floor.
    pub(crate) monthly_users_at_least: Option<u64>,
}

/// 報告規則第7条の3 as read from one version.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RoutineDuty {
    /// The 号: ("一", text) ….
    pub(crate) items: Vec<(String, String)>,
    /// The イロハ under a 号, keyed "一イ", "二ロ" ….
    pub(crate) sub_items: Vec<(String, String)>,
    /// 第1号イ's 「利用者の数が三万以上」.
    pub(crate) users_at_least: Option<u64>,
    /// 第1号ロ's 「二時間以上」, in hours.
    pub(crate) hours_at_least: Option<u32>,
    /// The due wording, e.g. 「毎四半期経過後二月以内」.
    pub(crate) due: Option<String>,
    /// The form of the 柱書, e.g. 様式第二十七.
    pub(crate) form: Option<String>,
    /// Whether the 柱書 leaves out 施行規則第58条第2項's majors.
    pub(crate) excludes_majors: bool,
}

/// One row of a 施行規則第57条 table: a report, its form and its period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReportDeadline {
    /// The 項 the table is in: 1, or the おそれ事態 paragraph (2 or 3).
    pub(crate) paragraph: u32,
    /// The row's 事由, verbatim (with its number when it has one).
    pub(crate) reason: String,
    /// The form, e.g. 様式第五十の三.
    pub(crate) form: String,
    /// 「…から三十日以内」 → 30.
    pub(crate) days: u32,
    /// The deadline cell, verbatim.
    pub(crate) deadline: String,
}

/// Every file of data/law/, in file-name order. Panics naming the file and
/// line on a malformed file: the data is the project's own.
pub(crate) fn law_texts() -> Vec<LawText> {
    let dir = root().join("data/law");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names.iter().map(|n| read_text(&dir.join(n))).collect()
}

fn read_text(path: &Path) -> LawText {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut headers = BTreeMap::new();
    let mut lines = raw.lines().enumerate();
    let mut closed = false;
    for (i, line) in lines.by_ref() {
        if line == "---" {
            closed = true;
            break;
        }
        let (k, v) = line.split_once(": ").unwrap_or_else(|| panic!("{file}:{}: not `key: value`: {line:?}", i + 1));
        assert!(headers.insert(k.to_string(), v.to_string()).is_none(), "{file}:{}: `{k}` twice", i + 1);
    }
    assert!(closed, "{file}: no `---` line after the header");
    let body: Vec<String> = lines.map(|(_, l)| l.to_string()).collect();
    let need = |k: &str| headers.get(k).cloned().unwrap_or_else(|| panic!("{file}: header `{k}` missing"));
    let in_force = need("in_force");
    assert!(is_date(&in_force), "{file}: in_force {in_force:?} is not YYYY-MM-DD");
    LawText {
        law: need("law"),
        law_id: need("law_id"),
        article: need("article"),
        in_force,
        amended_by: need("amended_by"),
        source: need("source"),
        same_text_in: headers.get("same_text_in").map(|s| s.split(", ").map(str::to_string).collect()).unwrap_or_default(),
        file,
        headers,
        body,
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The versions of one article (by law id and article, e.g. "第58条"),
/// oldest first.
pub(crate) fn versions(law_id: &str, article: &str) -> Vec<LawText> {
    let mut v: Vec<LawText> = law_texts().into_iter().filter(|t| t.law_id == law_id && t.article == article).collect();
    v.sort_by(|a, b| a.in_force.cmp(&b.in_force));
    v
}

/// The version of an article in force on `date` (YYYY-MM-DD): the latest
/// one that came into force on or before it. None before the earliest
/// version held (the data says nothing of earlier days).
pub(crate) fn in_force_on(law_id: &str, article: &str, date: &str) -> Option<LawText> {
    versions(law_id, article).into_iter().filter(|t| t.in_force.as_str() <= date).last()
}

/// 施行規則 (電気通信事業法施行規則) and 報告規則 (電気通信事業報告規則).
pub(crate) const SHIKOU: &str = "360M50001000025";
pub(crate) const HOUKOKU: &str = "363M50001000046";
pub(crate) const KYUJITSU: &str = "363AC0000000091";

/// A 漢数字 number: 一 … 九, 十 百 千, 万 億 (〇 as zero). 「一千万」 →
/// 10,000,000, 「二十四」 → 24. None for anything else or an empty string.
pub(crate) fn kanji_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for c in s.chars() {
        if let Some(d) = "〇一二三四五六七八九".chars().position(|k| k == c) {
            digit = Some(d as u64);
        } else if let Some(p) = "十百千".chars().position(|k| k == c) {
            section += digit.take().unwrap_or(1) * 10u64.pow(p as u32 + 1);
        } else if let Some(p) = "万億".chars().position(|k| k == c) {
            total += (section + digit.take().unwrap_or(0)) * 10_000u64.pow(p as u32 + 1);
            section = 0;
        } else {
            return None;
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

/// 「一時間」 → 60, 「二十四時間」 → 1440 (minutes).
pub(crate) fn duration_minutes(s: &str) -> Option<u32> {
    let h = s.strip_suffix("時間")?;
    Some(kanji_number(h)? as u32 * 60)
}

const KANJI_DIGITS: &str = "〇一二三四五六七八九十百千万億";

/// The 漢数字 run that ends just before byte `end` of `s`.
fn kanji_before(s: &str, end: usize) -> Option<u64> {
    let head = &s[..end];
    let start = head.char_indices().rev().take_while(|(_, c)| KANJI_DIGITS.contains(*c)).last().map(|(i, _)| i)?;
    kanji_number(&head[start..])
}

/// The 漢数字 run that starts at byte `start` of `s`.
fn kanji_after(s: &str, start: usize) -> Option<u64> {
    let tail = &s[start..];
    let len: usize = tail.chars().take_while(|c| KANJI_DIGITS.contains(*c)).map(char::len_utf8).sum();
    kanji_number(&tail[..len])
}

/// An item line's number and text: 「二　緊急通報…」 → ("二", "緊急通報…").
/// The number is what stands before the first full-width space.
fn split_item(line: &str) -> Option<(&str, &str)> {
    let (n, t) = line.split_once('　')?;
    let ok = !n.is_empty()
        && (n.chars().all(|c| KANJI_DIGITS.contains(c) || c == 'の')
            || n.chars().count() == 1 && "イロハニホヘトチリヌルヲワカヨタ".contains(n)
            || n.starts_with('（') && n.ends_with('）')
            || n.chars().all(|c| "０１２３４５６７８９".contains(c)));
    ok.then_some((n, t))
}

/// 「（６）」 → "(6)".
fn ascii_paren(n: &str) -> String {
    n.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            c => c,
        })
        .collect()
}

/// The rows of the table whose header row is `header` (cells joined by
/// TAB), as cells, up to the first line that is not a row.
fn table_after(t: &LawText, header: &str) -> Vec<Vec<String>> {
    let Some(at) = t.body.iter().position(|l| l == header) else { return vec![] };
    t.body[at + 1..].iter().take_while(|l| l.contains('\t')).map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

const MAJOR_HEADER: &str = "電気通信役務の区分\t時間\t利用者の数";

/// The classes of 施行規則第58条第2項第1号's table (empty for a text
/// without it). Panics on a row it cannot read: a table that has moved
/// must fail loudly, not shrink.
pub(crate) fn major_table(t: &LawText) -> Vec<LawClass> {
    let mut out: Vec<LawClass> = vec![];
    for cells in table_after(t, MAJOR_HEADER) {
        assert_eq!(cells.len(), 3, "{}: a row of the table has {} cells: {cells:?}", t.file, cells.len());
        let minutes = duration_minutes(&cells[1]).unwrap_or_else(|| panic!("{}: hours {:?}", t.file, cells[1]));
        let users = kanji_number(&cells[2]).unwrap_or_else(|| panic!("{}: users {:?}", t.file, cells[2]));
        if cells[0].is_empty() {
            let last = out.last_mut().unwrap_or_else(|| panic!("{}: a continued row with no class above", t.file));
            last.thresholds.push((minutes, users));
            continue;
        }
        let (n, name) = split_item(&cells[0]).unwrap_or_else(|| panic!("{}: a class without its number: {:?}", t.file, cells[0]));
        out.push(LawClass {
            number: kanji_number(n).unwrap_or_else(|| panic!("{}: class number {n:?}", t.file)) as u32,
            name: name.to_string(),
            thresholds: vec![(minutes, users)],
            monthly_users_at_least: monthly_floor(name),
        });
    }
    out
}

/// 「…一月当たりの…利用者の数の平均が一千万以上のもの」 → 10,000,000.
fn monthly_floor(name: &str) -> Option<u64> {
    if !name.contains("一月当たりの") {
        return None;
    }
    let at = name.find("の平均が")? + "の平均が".len();
    kanji_after(name, at)
}

/// 施行規則第58条第2項第2号 (satellites, submarine cables …): the hours of
/// 「全ての通信の疎通が二時間以上不能」, read from the 号 二 after the table.
pub(crate) fn facility_hours(t: &LawText) -> Option<u32> {
    let table = t.body.iter().position(|l| l == MAJOR_HEADER)?;
    let line = t.body[table..].iter().find(|l| !l.contains('\t') && l.starts_with("二　"))?;
    let end = line.find("時間以上")?;
    kanji_before(line, end).map(|h| h as u32)
}

/// 施行規則第58条の2's items: ("一", …), ("イ", …), ("ニ(1)", …),
/// ("ホ(6)", …), ("二", …) in the text's order; a （n） is keyed under the
/// イロハ above it.
pub(crate) fn near_miss_items(t: &LawText) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut letter = String::new();
    for line in &t.body {
        let Some((n, text)) = split_item(line) else { continue };
        let key = if n.starts_with('（') {
            format!("{letter}{}", ascii_paren(n))
        } else {
            if n.chars().count() == 1 && "イロハニホヘ".contains(n) {
                letter = n.to_string();
            } else {
                letter.clear();
            }
            n.to_string()
        };
        out.push((key, text.to_string()));
    }
    out
}

/// 報告規則第7条の3 as read: the 号 and their イロハ, the 30,000 users and 2
/// hours of 第1号, the due wording and form of the 柱書.
pub(crate) fn routine_items(t: &LawText) -> RoutineDuty {
    let mut items = vec![];
    let mut sub_items = vec![];
    let mut current = String::new();
    let mut opening: Option<&str> = None;
    for line in &t.body {
        if line.starts_with("電気通信事業者は、") && opening.is_none() {
            opening = Some(line);
        }
        let Some((n, text)) = split_item(line) else { continue };
        if n.chars().count() == 1 && "イロハ".contains(n) {
            sub_items.push((format!("{current}{n}"), text.to_string()));
        } else if n.chars().all(|c| KANJI_DIGITS.contains(c)) {
            current = n.to_string();
            items.push((n.to_string(), text.to_string()));
        }
    }
    let sub = |k: &str| sub_items.iter().find(|(n, _)| n == k).map(|(_, t)| t.as_str());
    let users_at_least = sub("一イ").and_then(|s| {
        let end = s.find("以上")?;
        kanji_before(s, end)
    });
    let hours_at_least = sub("一ロ").and_then(|s| {
        let end = s.find("時間以上")?;
        kanji_before(s, end).map(|h| h as u32)
    });
    let due = opening.and_then(|s| {
        let start = s.find('毎')?;
        let end = s[start..].find("以内")? + start + "以内".len();
        Some(s[start..end].to_string())
    });
    RoutineDuty {
        items,
        sub_items,
        users_at_least,
        hours_at_least,
        due,
        form: opening.and_then(|s| forms_in(s).into_iter().next()),
        excludes_majors: opening.is_some_and(|s| s.contains("（電気通信事業法施行規則第五十八条第二項各号に掲げる事故を除く。）")),
    }
}

/// Every 「様式第…」 a string names, in order: 「様式第五十の三の二により」 →
/// 様式第五十の三の二.
pub(crate) fn forms_in(s: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = s;
    while let Some(at) = rest.find("様式第") {
        let tail = &rest[at + "様式第".len()..];
        let len: usize = tail.chars().take_while(|c| KANJI_DIGITS.contains(*c) || *c == 'の').map(char::len_utf8).sum();
        // A trailing の belongs to the sentence (「様式第二十七の…」 does not occur, but be exact).
        let name = tail[..len].trim_end_matches('の');
        if !name.is_empty() {
            out.push(format!("様式第{name}"));
        }
        rest = &tail[len..];
    }
    out
}

/// Every form an article's text names, in order, without repeats.
pub(crate) fn forms_named(t: &LawText) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for f in t.body.iter().flat_map(|l| forms_in(l)) {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// 施行規則第57条's tables: each report's 事由, form and days.
pub(crate) fn report_days(t: &LawText) -> Vec<ReportDeadline> {
    let mut out = vec![];
    let mut paragraph = 1;
    let mut in_table = false;
    for line in &t.body {
        if let Some((n, _)) = split_item(line).filter(|(n, _)| n.chars().all(|c| "０１２３４５６７８９".contains(c))) {
            paragraph = kanji_number(&n.chars().map(|c| "〇一二三四五六七八九".chars().nth(c as usize - '０' as usize).unwrap()).collect::<String>()).unwrap() as u32;
        }
        if line == "報告の事由\t様式\t報告期限" {
            in_table = true;
            continue;
        }
        if !line.contains('\t') {
            in_table = false;
            continue;
        }
        if in_table {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 3, "{}: a row of 第57条's table: {cells:?}", t.file);
            let end = cells[2].rfind("日以内").unwrap_or_else(|| panic!("{}: no 「日以内」 in {:?}", t.file, cells[2]));
            let days = kanji_before(cells[2], end).unwrap_or_else(|| panic!("{}: days in {:?}", t.file, cells[2])) as u32;
            out.push(ReportDeadline { paragraph, reason: cells[0].to_string(), form: cells[1].to_string(), days, deadline: cells[2].to_string() });
        }
    }
    out
}

/// 報告規則第1条第2項's definitions held: (号, term, definition).
pub(crate) fn definitions(t: &LawText) -> Vec<(String, String, String)> {
    t.body
        .iter()
        .filter_map(|l| {
            let (n, rest) = split_item(l)?;
            let (term, def) = rest.split_once('\t')?;
            Some((n.to_string(), term.to_string(), def.to_string()))
        })
        .collect()
}

// ---------------------------------------------------------------- tests

fn only(law_id: &str, article: &str, in_force: &str) -> LawText {
    let v: Vec<LawText> = law_texts().into_iter().filter(|t| t.law_id == law_id && t.article == article && t.in_force == in_force).collect();
    assert_eq!(v.len(), 1, "one file of {law_id} {article} in force {in_force}");
    v.into_iter().next().unwrap()
}

#[test]
fn kanji_numbers_as_the_law_writes_them() {
    for (s, n) in [("一", 1), ("二十四", 24), ("十二", 12), ("三十", 30), ("三万", 30_000), ("十万", 100_000), ("百万", 1_000_000), ("一千万", 10_000_000), ("四百五十万", 4_500_000)] {
        assert_eq!(kanji_number(s), Some(n), "{s}");
    }
    assert_eq!(kanji_number("三万人"), None);
    assert_eq!(kanji_number(""), None);
    assert_eq!(duration_minutes("一時間"), Some(60));
    assert_eq!(duration_minutes("二十四時間"), Some(1440));
    assert_eq!(duration_minutes("十二時間"), Some(720));
    assert_eq!(forms_in("様式第五十の三の二により報告書を提出"), vec!["様式第五十の三の二"]);
}

#[test]
fn every_file_has_its_header_and_names_the_version_it_was_read_from() {
    let all = law_texts();
    assert!(all.len() >= 14, "{} files", all.len());
    for t in &all {
        // shikou-58-2-20260401.txt: the date in the name is the day in force.
        let stem = t.file.strip_suffix(".txt").unwrap();
        let date = stem.rsplit('-').next().unwrap();
        assert_eq!(date, t.in_force.replace('-', ""), "{}: file name and in_force", t.file);
        let prefix = match t.law_id.as_str() {
            SHIKOU => "shikou",
            HOUKOKU => "houkoku",
            KYUJITSU => "kyujitsu",
            other => panic!("{}: law id {other}", t.file),
        };
        assert!(stem.starts_with(&format!("{prefix}-")), "{}", t.file);
        // The source is the elaws-history XML of that very version.
        let dir = format!("{}_{}_", t.law_id, date);
        assert!(t.source.starts_with(&format!("all_xml/{}/{dir}", &t.law_id[..3])) && t.source.ends_with(".xml"), "{}: source {}", t.file, t.source);
        for later in &t.same_text_in {
            assert!(later.starts_with(&format!("all_xml/{}/{}_", &t.law_id[..3], t.law_id)), "{}: same_text_in {later}", t.file);
            let later_date = later.split('_').nth(2).unwrap();
            assert!(later_date >= date, "{}: same_text_in {later} is older than the file", t.file);
        }
        assert!(t.body.len() >= 3, "{}: the text", t.file);
        assert!(t.body.iter().all(|l| !l.trim().is_empty()), "{}: an empty line in the text", t.file);
        assert!(!t.body.iter().any(|l| l.contains('<') || l.contains('>')), "{}: XML left in the text", t.file);
    }
}

/// data/law/README.md's `checked_through: YYYY-MM-DD`.
pub(crate) fn checked_through() -> String {
    let readme = std::fs::read_to_string(root().join("data/law/README.md")).unwrap();
    let line = readme.lines().find(|l| l.starts_with("checked_through: ")).expect("README: a checked_through line");
    let date = line["checked_through: ".len()..].split_whitespace().next().unwrap().to_string();
    assert!(is_date(&date), "README: checked_through {date:?}");
    date
}

#[test]
fn the_readme_lists_every_file_and_the_day_checked_through() {
    let readme = std::fs::read_to_string(root().join("data/law/README.md")).unwrap();
    let all = law_texts();
    for t in &all {
        let row = readme.lines().find(|l| l.starts_with(&format!("| `{}` |", t.file))).unwrap_or_else(|| panic!("README: no row for {}", t.file));
        assert!(row.contains(&format!("| {} |", t.in_force)), "README: {}'s in_force", t.file);
        let folder = t.source.split('/').nth(2).unwrap();
        assert!(row.contains(&format!("`{folder}`")), "README: {}'s source", t.file);
    }
    let rows = readme.lines().filter(|l| l.starts_with("| `") && l.contains(".txt` |")).count();
    assert_eq!(rows, all.len(), "README rows and files");
    // The latest version read, in force or found identical, is the day checked through.
    let latest = all
        .iter()
        .flat_map(|t| std::iter::once(t.source.clone()).chain(t.same_text_in.iter().cloned()))
        .map(|p| p.split('_').nth(2).unwrap().to_string())
        .max()
        .unwrap();
    assert_eq!(checked_through().replace('-', ""), latest);
}

#[test]
fn a_new_file_only_when_the_text_changes() {
    let all = law_texts();
    let keys: std::collections::BTreeSet<(String, String)> = all.iter().map(|t| (t.law_id.clone(), t.article.clone())).collect();
    for (law_id, article) in keys {
        let v = versions(&law_id, &article);
        for w in v.windows(2) {
            assert_ne!(w[0].body, w[1].body, "{} and {}: the same text twice", w[0].file, w[1].file);
        }
    }
}

#[test]
fn the_2026_table_has_seven_classes_as_the_text_reads() {
    let t = only(SHIKOU, "第58条", "2026-04-01");
    let c = major_table(&t);
    let got: Vec<(u32, Vec<(u32, u64)>, Option<u64>)> = c.iter().map(|c| (c.number, c.thresholds.clone(), c.monthly_users_at_least)).collect();
    assert_eq!(
        got,
        vec![
            (1, vec![(60, 30_000)], None),
            (2, vec![(120, 30_000), (60, 100_000)], None),
            (3, vec![(720, 30_000), (120, 1_000_000)], None),
            (4, vec![(240, 100_000), (120, 1_000_000)], Some(10_000_000)),
            (5, vec![(1440, 100_000), (720, 1_000_000)], None),
            (6, vec![(120, 30_000), (60, 100_000)], None),
            (7, vec![(120, 30_000), (60, 1_000_000)], None),
        ]
    );
    assert_eq!(c[0].name, "緊急通報を取り扱う音声伝送役務");
    assert!(c[3].name.contains("第十九号の二に規定する電子メールサービス又は同項第十九号の三に規定するメッセージングサービスに限る。"));
    assert!(c[5].name.starts_with("一の項から五の項までに掲げる電気通信役務以外の電気通信役務のうち、電気通信事業報告規則第一条第二項第六号に規定するインターネット接続サービス及び"));
    assert_eq!(c[6].name, "一の項から六の項までに掲げる電気通信役務以外の電気通信役務");
    assert_eq!(facility_hours(&t), Some(2));
}

#[test]
fn the_fy2019_table_has_five_classes_in_every_version_before_2026_04_01() {
    let five = vec![
        (1, vec![(60, 30_000)]),
        (2, vec![(120, 30_000), (60, 100_000)]),
        (3, vec![(720, 30_000), (120, 1_000_000)]),
        (4, vec![(1440, 100_000), (720, 1_000_000)]),
        (5, vec![(120, 30_000), (60, 1_000_000)]),
    ];
    let v = versions(SHIKOU, "第58条");
    let before: Vec<&LawText> = v.iter().filter(|t| t.in_force.as_str() < "2026-04-01").collect();
    assert_eq!(before.len(), 2, "2022-01-31 and 2023-06-16");
    for t in before {
        let c = major_table(t);
        let got: Vec<(u32, Vec<(u32, u64)>)> = c.iter().map(|c| (c.number, c.thresholds.clone())).collect();
        assert_eq!(got, five, "{}", t.file);
        assert!(c.iter().all(|c| c.monthly_users_at_least.is_none()), "{}", t.file);
        assert!(c[2].name.contains("アンライセンスＬＰＷＡサービス"), "{}: LPWA in 三", t.file);
        assert_eq!(facility_hours(t), Some(2), "{}", t.file);
    }
    // 一 to 三 read the same before and after 2026-04-01.
    let (old, new) = (major_table(&only(SHIKOU, "第58条", "2023-06-16")), major_table(&only(SHIKOU, "第58条", "2026-04-01")));
    for i in 0..3 {
        assert_eq!(old[i].name, new[i].name, "class {}", i + 1);
    }
    assert_eq!(old[3].name, "利用者から電気通信役務の提供の対価としての料金の支払を受けないインターネット関連サービス（一の項から三の項までに掲げる電気通信役務を除く。）");
    assert_eq!(old[4].name, "一の項から四の項までに掲げる電気通信役務以外の電気通信役務");
    // The day before and the day of 令和8年総務省令第21号.
    assert_eq!(major_table(&in_force_on(SHIKOU, "第58条", "2026-03-31").unwrap()).len(), 5);
    assert_eq!(major_table(&in_force_on(SHIKOU, "第58条", "2026-04-01").unwrap()).len(), 7);
    assert!(in_force_on(SHIKOU, "第58条", "2022-01-30").is_none(), "nothing is held before the earliest version");
}

#[test]
fn near_miss_items_6_and_7_exist_only_from_2026_04_01() {
    let old = only(SHIKOU, "第58条の2", "2023-06-16");
    let new = only(SHIKOU, "第58条の2", "2026-04-01");
    let keys = |t: &LawText| near_miss_items(t).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    let mut want: Vec<&str> = "一 イ ロ ハ ニ ニ(1) ニ(2) ニ(3) ニ(4) ニ(5) ホ ホ(1) ホ(2) ホ(3) ホ(4) ホ(5) ヘ ヘ(1) ヘ(2) ヘ(3) 二".split(' ').collect();
    assert_eq!(keys(&old), want);
    want.splice(16..16, ["ホ(6)", "ホ(7)"]);
    assert_eq!(keys(&new), want);
    let text = |t: &LawText, k: &str| near_miss_items(t).into_iter().find(|(n, _)| n == k).map(|(_, s)| s);
    assert_eq!(text(&new, "ホ(6)").unwrap(), "電気通信設備の設備容量を上回る処理が生じ、当該処理に対して電気通信事業者が想定していた措置が講じられなかつた事態");
    assert!(text(&new, "ホ(7)").unwrap().starts_with("電気通信設備に誤つた設定情報やソフトウェア（仮想化した機能を制御するためのものを含む。）の組込が行われ、"));
    // ホ(2): 「そのことを速やかに覚知できず、」 until 2026-03-31 only.
    assert!(text(&old, "ホ(2)").unwrap().contains("そのことを速やかに覚知できず、"));
    assert!(!text(&new, "ホ(2)").unwrap().contains("覚知"));
    // Unchanged: イ's 三万, the functions, the exclusions and 第2号.
    for k in ["イ", "ロ", "ハ", "ニ(3)", "ヘ(3)", "二"] {
        assert_eq!(text(&old, k), text(&new, k), "{k}");
    }
    assert!(text(&new, "イ").unwrap().contains("前年度末において三万以上の利用者"));
    assert_eq!(text(&new, "ヘ(3)").unwrap(), "自然災害に起因する事態（ホ（３）に該当する事態を除く。）");
    assert!(in_force_on(SHIKOU, "第58条の2", "2023-06-15").is_none(), "no おそれ事態 before 2023-06-16");
}

#[test]
fn the_leak_item_of_the_routine_report_ends_on_2023_06_16() {
    let before = routine_items(&only(HOUKOKU, "第7条の3", "2023-01-01"));
    let after = routine_items(&only(HOUKOKU, "第7条の3", "2023-06-16"));
    let yearly = routine_items(&only(HOUKOKU, "第7条の3", "2025-04-01"));
    let numbers = |d: &RoutineDuty| d.items.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(numbers(&before), ["一", "二", "三"]);
    assert_eq!(before.items[2].1, "電気通信設備に関する情報であつて、電気通信役務の提供に支障を及ぼすおそれのある情報が漏えいした事故");
    assert_eq!(numbers(&after), ["一", "二"]);
    assert_eq!(numbers(&yearly), ["一", "二"]);
    for d in [&before, &after, &yearly] {
        assert_eq!((d.users_at_least, d.hours_at_least), (Some(30_000), Some(2)));
        assert_eq!(d.form.as_deref(), Some("様式第二十七"));
        let sub: Vec<&str> = d.sub_items.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(sub, ["一イ", "一ロ", "二イ", "二ロ"]);
        // 第2号 has the same 三万 and 二時間.
        assert!(d.sub_items[2].1.contains("の数が三万以上のもの") && d.sub_items[3].1.contains("二時間以上のもの"));
    }
    assert_eq!(before.due.as_deref(), Some("毎四半期経過後二月以内"));
    assert_eq!(after.due.as_deref(), Some("毎四半期経過後二月以内"));
    assert_eq!(yearly.due.as_deref(), Some("毎報告年度経過後二月以内"));
    assert!(!before.excludes_majors && after.excludes_majors && yearly.excludes_majors);
    // By date: 2023-06-15 still has 三, 2023-06-16 not.
    assert_eq!(routine_items(&in_force_on(HOUKOKU, "第7条の3", "2023-06-15").unwrap()).items.len(), 3);
    assert_eq!(routine_items(&in_force_on(HOUKOKU, "第7条の3", "2023-06-16").unwrap()).items.len(), 2);
}

#[test]
fn report_days_and_forms_of_article_57() {
    let rows = |d: &str| report_days(&only(SHIKOU, "第57条", d));
    let short = |r: &[ReportDeadline]| r.iter().map(|r| (r.paragraph, r.form.clone(), r.days)).collect::<Vec<_>>();
    let f = |s: &str| s.to_string();
    assert_eq!(short(&rows("2022-01-31")), vec![(1, f("様式第五十"), 30), (1, f("様式第五十の二"), 30), (1, f("様式第五十の三"), 30)]);
    let y2023 = vec![(1, f("様式第五十"), 30), (1, f("様式第五十の二"), 30), (1, f("様式第五十の二の二"), 30), (1, f("様式第五十の三"), 30), (2, f("様式第五十の四"), 30)];
    assert_eq!(short(&rows("2023-06-16")), y2023);
    let mut y2023_12 = y2023.clone();
    y2023_12[4].0 = 3; // the wholesale paragraph came in as 第2項
    assert_eq!(short(&rows("2023-12-07")), y2023_12);
    let r = rows("2023-12-07");
    assert_eq!(r[3].reason, "四　次条第二項に規定する重大な事故");
    assert_eq!(r[3].deadline, "その重大な事故が発生した日から三十日以内");
    assert_eq!(r[4].deadline, "その重大な事故が生ずるおそれがあると認められる事態が発生したことを知つた日から三十日以内");
    // The wholesale receiver's form is named in 第2項's text, not in a table.
    let named = forms_named(&only(SHIKOU, "第57条", "2023-12-07"));
    assert!(named.contains(&f("様式第五十の三の二")) && named.contains(&f("様式第五十の四")));
    assert!(!forms_named(&only(SHIKOU, "第57条", "2023-06-16")).contains(&f("様式第五十の三の二")));
}

#[test]
fn the_definitions_the_2026_classes_cite() {
    let t = only(HOUKOKU, "第1条", "2023-06-16");
    let d = definitions(&t);
    let term = |n: &str| d.iter().find(|(k, _, _)| k == n).map(|(_, t, def)| (t.as_str(), def.as_str()));
    assert_eq!(term("一"), Some(("報告年度", "四月一日から翌年三月三十一日までをいう。")));
    assert_eq!(term("六"), Some(("インターネット接続サービス", "インターネットへの接続を可能とする電気通信役務をいう。")));
    assert_eq!(term("十八").unwrap().0, "アンライセンスＬＰＷＡサービス");
    assert_eq!(term("十九の二").unwrap().0, "電子メールサービス");
    assert_eq!(term("十九の三").unwrap().0, "メッセージングサービス");
    assert_eq!(term("十六").unwrap().0, "ＩＰ―ＶＰＮサービス");
    assert_eq!(term("十七").unwrap().0, "広域イーサネットサービス");
    // What class 六 reads and which definitions say it of themselves.
    let six = "インターネットへの接続点までの間の通信を媒介する電気通信役務（主としてインターネットへの接続点までの間の通信を媒介するものを含む。）";
    let with: Vec<&str> = d.iter().filter(|(_, _, def)| def.contains(six)).map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(with, ["七", "八", "九", "九の二", "十", "十一", "十四の二", "十四の三", "十四の四"]);
    // 公衆無線ＬＡＮ says the first half only; IP-VPN and wide-area Ethernet are 仮想閉域網.
    assert!(term("十五").unwrap().1.contains("インターネットへの接続点までの間の通信を媒介する電気通信役務（衛星移動通信サービス"));
    assert!(term("十六").unwrap().1.contains("仮想閉域網") && term("十七").unwrap().1.contains("仮想閉域網"));
    // The 2026 table cites 第六号, 第十八号, 第十九号の二 and 第十九号の三 by these terms.
    let c = major_table(&only(SHIKOU, "第58条", "2026-04-01"));
    assert!(c[2].name.contains("第十八号に規定するアンライセンスＬＰＷＡサービス"));
    assert!(c[3].name.contains("第十九号の二に規定する電子メールサービス") && c[3].name.contains("第十九号の三に規定するメッセージングサービス"));
    assert!(c[5].name.contains("第六号に規定するインターネット接続サービス"));
    assert!(c[5].name.contains(six));
}

#[test]
fn closed_days_and_the_deadline_rule() {
    let one = only(KYUJITSU, "第1条", "1992-05-01");
    let items: Vec<(String, String)> = one.body.iter().filter_map(|l| split_item(l)).filter(|(n, _)| ["一", "二", "三"].contains(n)).map(|(n, t)| (n.to_string(), t.to_string())).collect();
    assert_eq!(items[0], ("一".into(), "日曜日及び土曜日".into()));
    assert!(items[1].1.contains("国民の祝日に関する法律") && items[1].1.ends_with("に規定する休日"));
    assert_eq!(items[2].1, "十二月二十九日から翌年の一月三日までの日（前号に掲げる日を除く。）");
    let two = only(KYUJITSU, "第2条", "1992-05-01");
    assert!(two.body.iter().any(|l| l.contains("行政機関の休日に当たるときは、行政機関の休日の翌日をもつてその期限とみなす。")));
    assert!(two.body.iter().any(|l| l.contains("（時をもつて定める期間を除く。）")));
}

// ---------------------------------------------------------------------
// Issue 30: the rule book says what these texts say, set by set and date
// by date. The next amendment: add its text to data/law/, watch these
// fail, fix data/rules/mic.toml.

fn minute(day: &str) -> jiko::records::Minute {
    jiko::records::parse_minute(&format!("{day} 00:00")).unwrap_or_else(|| panic!("a day: {day}"))
}

/// Each version of 施行規則第58条 from its first day to the next version's:
/// the set the book has in force on that day and on every day a set of
/// the book starts in that span has the text's classes, in its order,
/// with the same hours, users and monthly-users floor, and the critical
/// facility's hours.
#[test]
fn the_major_sets_say_what_each_version_of_article_58_says() {
    let r = jiko::rules::Rules::builtin();
    let texts = versions(SHIKOU, "第58条");
    assert!(texts.len() >= 3, "{}", texts.len());
    let mut checked_sets = std::collections::BTreeSet::new();
    for (k, t) in texts.iter().enumerate() {
        let table = major_table(t);
        let from = minute(&t.in_force);
        let until = texts.get(k + 1).map(|n| minute(&n.in_force));
        // Two versions in force the same day (2026-04-01: _003, then _021):
        // the later one is the law of that day.
        if until == Some(from) {
            continue;
        }
        let mut days = vec![from];
        days.extend(r.book.sets.iter().filter_map(|s| s.from).filter(|f| *f > from && until.is_none_or(|u| *f < u)));
        for day in days {
            let set = r.set_at(&day).unwrap_or_else(|| panic!("{}: no set on {day}", t.file));
            checked_sets.insert(set.id());
            let classes = &set.raw.classes;
            assert_eq!(classes.len(), table.len(), "{}: set {} on {day} has {} classes, the text {}", t.file, set.id(), classes.len(), table.len());
            for (c, l) in classes.iter().zip(&table) {
                let got: Vec<(u32, u64)> = c.thresholds.iter().map(|t| (t.min_duration as u32, t.min_users)).collect();
                assert_eq!(got, l.thresholds, "{}: set {}, class {} ({})", t.file, set.id(), l.number, l.name);
                assert_eq!(c.min_monthly_active_users, l.monthly_users_at_least, "{}: set {}, class {}: the monthly users' floor", t.file, set.id(), l.number);
                assert!(c.thresholds.iter().all(|t| t.min_monthly_active_users.is_none()), "{}: the law puts the floor on the class, not a threshold", t.file);
            }
            assert_eq!(set.raw.facility_min_duration, facility_hours(t).map(|h| u64::from(h) * 60), "{}: 第2号 (critical facilities)", t.file);
        }
    }
    // Every set of the book in force from the first text on was checked.
    let first = minute(&texts[0].in_force);
    for s in r.book.sets.iter().filter(|s| s.from.is_some_and(|f| f >= first) || r.set_at(&first).is_some_and(|x| x.id() == s.id())) {
        assert!(checked_sets.contains(s.id()), "set {} has no text to check", s.id());
    }
    assert!(checked_sets.contains("FY2019") && checked_sets.contains("2026"), "{checked_sets:?}");
}

/// 報告規則第7条の3: the routine duty's users, hours, due wording and form,
/// and the leak item (三) exactly while the text has it.
#[test]
fn the_routine_duty_says_what_each_version_of_article_7_3_says() {
    let r = jiko::rules::Rules::builtin();
    let b = r.book;
    let leak = r.vocab.kind("info_leak").unwrap();
    for t in versions(HOUKOKU, "第7条の3") {
        let d = routine_items(&t);
        let day = minute(&t.in_force);
        assert_eq!(d.users_at_least, Some(b.duty.min_users), "{}", t.file);
        assert_eq!(d.hours_at_least.map(|h| u64::from(h) * 60), Some(b.duty.min_duration), "{}", t.file);
        let has_item_3 = d.items.iter().any(|(n, text)| n == "三" && text.contains("漏えい"));
        assert_eq!(r.within_duty(0, 0, leak, &day), has_item_3, "{}: the leak item (第1項第3号) on {}", t.file, t.in_force);
        // The last day before the next version still has it (or not).
        let due = b.dues.iter().rev().find(|x| x.from <= day).unwrap();
        let every = match d.due.as_deref() {
            Some("毎四半期経過後二月以内") => jiko::rules::Every::Quarter,
            Some("毎報告年度経過後二月以内") => jiko::rules::Every::Year,
            other => panic!("{}: due wording {other:?}", t.file),
        };
        assert_eq!((due.raw.every, due.raw.months_after), (every, 2), "{}", t.file);
        let form = d.form.clone().unwrap_or_else(|| panic!("{}: no form", t.file));
        assert!(b.duty.form.starts_with(&form), "{}: duty.form {:?} names {form}", t.file, b.duty.form);
    }
    // The item's end is the first day of the version without it.
    let gone = versions(HOUKOKU, "第7条の3").into_iter().find(|t| !routine_items(t).items.iter().any(|(n, _)| n == "三")).unwrap();
    let removed = b.duty.info_leak_item.as_ref().and_then(|l| l.removed_from.as_ref()).map(|d| d.to_string());
    assert_eq!(removed.as_deref(), Some(gone.in_force.as_str()));
}

/// 施行規則第57条: the days and forms of the written reports the book
/// names (a major, a wholesale receiver's simplified one, a おそれ事態), and
/// the refusals of the leaks it tables as other reports.
#[test]
fn the_reports_say_what_article_57_says() {
    let r = jiko::rules::Rules::builtin();
    let b = r.book;
    let t = versions(SHIKOU, "第57条").pop().unwrap();
    let rows = report_days(&t);
    let row = |reason: &str| rows.iter().find(|x| x.reason.contains(reason)).unwrap_or_else(|| panic!("{}: no row {reason}: {rows:?}", t.file));
    let major = row("重大な事故");
    assert_eq!((major.days, major.form.as_str()), (b.major_report.written_days, b.major_report.form.as_str()));
    let near = row("おそれがあると認められる事態");
    let n = r.near_miss().unwrap();
    assert_eq!((near.days, near.form.as_str()), (n.raw.report_days, n.raw.form.as_str()));
    assert!(forms_named(&t).contains(&b.major_report.wholesale.as_ref().unwrap().form), "第2項's simplified form");
    // The leaks of 第1項's table are refused as the kind, naming their form.
    for (reason, spelling) in [("通信の秘密の漏えい", "通信の秘密の漏えい"), ("特定利用者情報の漏えい", "特定利用者情報の漏えい")] {
        let form = &row(reason).form;
        let refused = r.vocab.refused("kind");
        let why = refused.iter().find(|(sp, _, _)| sp.contains(&spelling)).map(|(_, ja, _)| *ja).unwrap_or_else(|| panic!("{spelling} is not refused"));
        assert!(why.contains(form.as_str()), "{spelling}: {why} names {form}");
    }
}

/// 報告規則第1条第2項: the services class 六 holds are those whose
/// definition is 「…インターネットへの接続点までの間の通信を媒介する電気通信役務」
/// (or 第6号's インターネット接続サービス), and those it leaves to 七 are
/// 仮想閉域網 services; the codes whose definition says neither are open.
#[test]
fn class_six_holds_the_services_the_definitions_put_there() {
    let r = jiko::rules::Rules::builtin();
    let set = r.set_at(&minute("2026-04-01")).unwrap();
    let defs = definitions(&versions(HOUKOKU, "第1条").pop().unwrap());
    let def = |n: &str| defs.iter().find(|(k, _, _)| k == n).map(|(_, _, d)| d.clone()).unwrap_or_else(|| panic!("no 第{n}号"));
    let access = "インターネットへの接続点までの間の通信を媒介する電気通信役務";
    let class_of = |code: &str| set.class_of_service[r.vocab.service(code).unwrap().0];
    // code, the 号 defining it
    for (code, item) in [("ftth", "七"), ("dsl", "八"), ("catv_internet", "十"), ("mobile_data", "十一"), ("bwa", "十四の二"), ("public_wlan", "十五")] {
        assert!(def(item).contains(access), "第{item}号");
        assert_eq!(class_of(code), 6, "{code} (第{item}号)");
    }
    assert!(def("六").contains("インターネットへの接続を可能とする"));
    assert_eq!(class_of("isp"), 6);
    for (code, item) in [("ip_vpn", "十六"), ("wide_ethernet", "十七")] {
        assert!(def(item).contains("仮想閉域網") && !def(item).contains(access), "第{item}号");
        assert_eq!(class_of(code), 7, "{code}");
    }
    // ローカル５Ｇ (第13号の2) and 仮想移動電気通信サービス (第19号) name no access.
    for (code, item) in [("local_5g", "十三の二"), ("mvno", "十九")] {
        assert!(!def(item).contains(access), "第{item}号");
        assert!(set.raw.open.iter().any(|o| o.service == code && o.classes.contains(&6)), "{code} is open");
    }
    // Class 四's services are the mail (第19号の2) and messaging (第19号の3) services.
    assert!(def("十九の二").contains("電子メール") && def("十九の三").contains("通信文"));
    let four = &set.raw.classes[3];
    assert_eq!(four.services, ["email_free", "messaging_free"]);
}

/// The book says how far it was checked, and it is the texts' own date.
#[test]
fn the_book_is_checked_through_the_last_version_read() {
    let r = jiko::rules::Rules::builtin();
    let c = r.checked_through().expect("meta.checked_through");
    assert_eq!(format!("{:04}-{:02}-{:02}", c.year, c.month, c.day), checked_through());
}

/// 施行規則第58条の2: on each version's first day, the situations the book
/// accepts are the text's ホ items and 第2号, worded as the text words them
/// that day; the functions are ニ(1)–(5) and the exclusions ヘ(1)–(3).
#[test]
fn the_near_miss_items_say_what_each_version_of_article_58_2_says() {
    let r = jiko::rules::Rules::builtin();
    let n = r.near_miss().unwrap();
    let texts = versions(SHIKOU, "第58条の2");
    assert!(texts.len() >= 2);
    for t in &texts {
        let day = minute(&t.in_force);
        let items = near_miss_items(t);
        let text = |k: &str| items.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let mut want: Vec<String> = items.iter().map(|(k, _)| k.clone()).filter(|k| k.starts_with("ホ(")).collect();
        want.push("二".into());
        let mut got = Vec::new();
        for (i, s) in n.raw.situations.iter().enumerate() {
            if n.situation_from[i].is_some_and(|f| f > day) {
                continue;
            }
            let key = s.item.trim_start_matches("第1号").replace("第2号", "二");
            let words = if key == "二" { text("二") } else { text(&key) };
            let words = words.unwrap_or_else(|| panic!("{}: the book's {} is not in the text", t.file, s.item));
            let label = n.label_on(i, Some(day));
            assert!(words.contains(label.trim_end_matches('。')) || label.contains(words.trim_end_matches('。')), "{}: {} worded {label:?}, the text {words:?}", t.file, s.item);
            got.push(key);
        }
        want.sort();
        got.sort();
        assert_eq!(got, want, "{}: the situations in force on {}", t.file, t.in_force);
        for f in &n.raw.functions {
            assert!(text(&f.item).is_some(), "{}: function {}", t.file, f.item);
        }
        for x in n.raw.exclusions.iter().filter(|x| x.item.contains('ヘ')) {
            assert!(text(x.item.trim_start_matches("第1号")).is_some(), "{}: exclusion {}", t.file, x.item);
        }
    }
}
