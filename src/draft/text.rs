//! A notice as lines of text: HTML tags dropped, NFKC applied (full-width
//! digits and punctuation become ASCII), wave dashes made one, and the
//! page's own date and address found (a notice that writes `25日` takes
//! its month and year from them).

use std::sync::LazyLock;

use regex::Regex;

use super::when::{Day, Mention, Role};
use crate::records::normalize::nfkc;

/// The notice's text, line by line as read (line numbers are 1 + index).
pub(crate) struct Text {
    pub lines: Vec<String>,
    /// The page's address, from a `URL:` line or the first address in it.
    pub url: Option<String>,
}

/// The page's date, and what it was read from.
#[derive(Debug, Clone)]
pub struct Page {
    pub day: Day,
    /// The line it was read from (1-based), or 0 for the address.
    pub line: usize,
    pub from: String,
}

static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://[^\s<>「」()]+").expect("valid"));

impl Text {
    pub fn new(raw: &str) -> Text {
        let plain = strip_markup(raw);
        let lines: Vec<String> = plain
            .lines()
            .map(|l| nfkc(l).replace(['〜', '∼', '～'], "~").replace(['－', '‐'], "-").replace('\u{3000}', " "))
            .collect();
        let url = lines.iter().find_map(|l| URL.find(l).map(|m| m.as_str().trim_end_matches(['.', ',', '。']).to_string()));
        Text { lines, url }
    }

    /// The text between two places (line, byte), line breaks included.
    pub fn between(&self, l1: usize, at1: usize, l2: usize, at2: usize) -> String {
        let mut s = self.lines[l1][at1..].to_string();
        for l in &self.lines[l1 + 1..l2] {
            s.push('\n');
            s.push_str(l);
        }
        s.push('\n');
        s.push_str(&self.lines[l2][..at2]);
        s
    }

    /// The page's date: a publication stamp (letterhead date, 公開, 掲載,
    /// 更新) with its year, else a date in the page's address.
    pub fn page(&self, ms: &[Mention]) -> Option<Page> {
        for m in ms.iter().filter(|m| m.role == Role::Stamp) {
            let line = &self.lines[m.line];
            let after = &line[m.end..];
            let before = &line[..m.start];
            let published = ["公開", "掲載", "更新", "最終更新", "発表", "作成", "お知らせ"].iter().any(|w| after.trim_start().trim_start_matches([')', ']']).trim_start().starts_with(w))
                || ["最終更新", "掲載日", "公開日", "更新日", "»", "date"].iter().any(|w| before.trim_end().trim_end_matches([':', '(']).trim_end().ends_with(w))
                || (bare(before) && bare(after));
            if published {
                if let Some(day) = full_day(line, m) {
                    return Some(Page { day, line: m.line + 1, from: line[m.start..m.end].trim().to_string() });
                }
            }
        }
        let url = self.url.as_deref()?;
        url_day(url).map(|day| Page { day, line: 0, from: url.to_string() })
    }

    /// The host of the page's address (`www.example.co.jp`).
    pub fn host(&self) -> Option<&str> {
        let u = self.url.as_deref()?;
        let rest = u.split("://").nth(1)?;
        rest.split(['/', '?', '#']).next().filter(|h| h.contains('.'))
    }
}

/// The line with its web addresses blanked out (same length in bytes).
pub(crate) fn blank_urls(line: &str) -> std::borrow::Cow<'_, str> {
    URL.replace_all(line, |c: &regex::Captures| " ".repeat(c[0].len()))
}

fn bare(s: &str) -> bool {
    s.trim().trim_matches(['-', '・', '*', '(', ')', '[', ']']).trim().is_empty()
}

/// A stamp's full day, when it writes its year.
fn full_day(line: &str, m: &Mention) -> Option<Day> {
    let s = &line[m.start..m.end];
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:(?P<era>令和|平成|昭和)\s*(?P<ey>元|\d{1,2})|(?P<y>(?:19|20)\d{2}))\s*[年/.\-]\s*(?P<mo>\d{1,2})\s*[月/.\-]\s*(?P<d>\d{1,2})").expect("valid")
    });
    let c = DAY.captures(s)?;
    let year = match (c.name("era"), c.name("ey"), c.name("y")) {
        (Some(era), Some(ey), _) => {
            let n: i32 = if ey.as_str() == "元" { 1 } else { ey.as_str().parse().ok()? };
            let first = match era.as_str() {
                "令和" => 2019,
                "平成" => 1989,
                _ => 1926,
            };
            first + n - 1
        }
        (_, _, Some(y)) => y.as_str().parse().ok()?,
        _ => return None,
    };
    Some((year, c["mo"].parse().ok()?, c["d"].parse().ok()?))
}

/// A date in an address: `/20230525/`, `/2014/01/09/`, `2016-08-16`,
/// `/201304-` (a month: its last day, as the page is of that month).
fn url_day(url: &str) -> Option<Day> {
    static FULL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})[/\-]?(0[1-9]|1[0-2])[/\-]?(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)").expect("valid")
    });
    static MONTH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[/_\-])((?:19|20)\d{2})[/\-]?(0[1-9]|1[0-2])(?:[/_\-]|$)").expect("valid"));
    let path = url.split("://").nth(1).map_or(url, |r| r.split_once('/').map_or("", |(_, p)| p));
    if let Some(c) = FULL.captures(path) {
        return Some((c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    }
    let c = MONTH.captures(path)?;
    let (y, m): (i32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
    Some((y, m, crate::records::days_in_month(y, m)))
}

/// HTML as text: tags dropped, block ends made line breaks, a few entities
/// decoded; other text is returned as it is.
pub(crate) fn strip_markup(text: &str) -> String {
    if !text.contains("</") && !text.contains("<br") {
        return text.to_string();
    }
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)<(script|style)[^>]*>.*?</(script|style)>|<br\s*/?>|</p>|</div>|</li>|</h\d>|</tr>|</t[dh]>|<[^>]*>").expect("valid")
    });
    let out = TAG.replace_all(text, |c: &regex::Captures| {
        let t = c[0].to_ascii_lowercase();
        if t.starts_with("<br") || ["</p", "</div", "</li", "</h", "</tr"].iter().any(|p| t.starts_with(p)) {
            "\n"
        } else if t.starts_with("</t") {
            " | "
        } else {
            ""
        }
    });
    out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}
