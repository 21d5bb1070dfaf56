//! A notice as lines of text: HTML tags dropped, NFKC applied (full-width
//! digits and punctuation become ASCII), wave dashes made one, and the
//! page's address found. The lowest layer of the reader: the pieces the
//! others share (a day, the page's date) are here, and it imports none
//! of them.

use std::sync::LazyLock;

use regex::Regex;

use crate::records::normalize::nfkc;

/// The notice's text, line by line as read (line numbers are 1 + index).
pub(crate) struct Text {
    pub lines: Vec<String>,
    /// The page's address, from a `URL:` line or the first address in it.
    pub url: Option<String>,
}

/// A day: year, month, day.
pub type Day = (i32, u32, u32);

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
        let mut lines: Vec<String> = plain
            .lines()
            .map(|l| nfkc(l).replace(['〜', '∼', '～'], "~").replace(['－', '‐'], "-").replace('\u{3000}', " "))
            .collect();
        // A date or time broken by a wrap (`~7` / `月6日21時`): joined on
        // the first line, the second left empty so that lines keep their
        // numbers.
        for i in 1..lines.len() {
            let glued = lines[i - 1].ends_with(|c: char| c.is_ascii_digit()) && lines[i].starts_with(['年', '月', '日', '時', '分']);
            if glued {
                let next = std::mem::take(&mut lines[i]);
                lines[i - 1].push_str(&next);
            }
        }
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

    /// The host of the page's address (`www.example.co.jp`).
    pub fn host(&self) -> Option<&str> {
        let u = self.url.as_deref()?;
        let rest = u.split("://").nth(1)?;
        rest.split(['/', '?', '#']).next().filter(|h| h.contains('.'))
    }
}

/// At most the last `n` bytes of `s` (cut at a character's start): the
/// words just before a place, without scanning a long line from its start
/// for every place in it.
pub(crate) fn tail(s: &str, n: usize) -> &str {
    let mut k = s.len().saturating_sub(n);
    while !s.is_char_boundary(k) {
        k += 1;
    }
    &s[k..]
}

/// At most the first `n` bytes of `s` (cut at a character's start).
pub(crate) fn head(s: &str, n: usize) -> &str {
    let mut k = n.min(s.len());
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    &s[..k]
}

/// The line with its web addresses blanked out (same length in bytes).
pub(crate) fn blank_urls(line: &str) -> std::borrow::Cow<'_, str> {
    URL.replace_all(line, |c: &regex::Captures| " ".repeat(c[0].len()))
}

/// HTML as text: tags dropped, block ends made line breaks, a few entities
/// decoded; other text is returned as it is.
pub(crate) fn strip_markup(text: &str) -> String {
    if !text.contains("</") && !text.contains("<br") {
        return text.to_string();
    }
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)<(script|style)[^>]*>.*?</(script|style)>|<br\s*/?>|</p>|</div>|</li>|</h\d>|</tr>|</t[dh]>|</d[tdl]>|<[^>]*>").expect("valid")
    });
    let out = TAG.replace_all(text, |c: &regex::Captures| {
        let t = c[0].to_ascii_lowercase();
        // A table's header cell and a definition list's term are labels:
        // `<th>原因</th><td>…</td>` reads as `原因: …`, like a labelled line.
        if t.starts_with("<br") || ["</p", "</div", "</li", "</h", "</tr", "</dd", "</dl"].iter().any(|p| t.starts_with(p)) {
            "\n"
        } else if t.starts_with("</th") || t.starts_with("</dt") {
            ": "
        } else if t.starts_with("</t") {
            " | "
        } else {
            ""
        }
    });
    out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}
