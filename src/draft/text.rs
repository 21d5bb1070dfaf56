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
            .map(|l| close_up(&nfkc(l).replace(['〜', '∼', '～'], "~").replace(['－', '‐'], "-").replace('\u{3000}', " ")).into_owned())
            .collect();
        unwrap(&mut lines);
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

/// Lines wrapped at a fixed width (a PDF's or a mail's, a page stored
/// with hard breaks) joined into one: the reader reads a sentence whole,
/// and a wrap would cut a date from its time or a label from its value.
/// A text is wrapped when at least three of its lines that end no
/// sentence are of one width (within a few columns); a line of that width
/// then continues into the next unless it ends a sentence or the next
/// opens an item (a label, a bullet, a heading) or a paragraph. Joined
/// lines are left empty, so every line keeps its number.
fn unwrap(lines: &mut [String]) {
    // Columns as a page lays them out: a full-width character takes two.
    let width = |l: &str| l.trim_end().chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
    let open: Vec<usize> = lines.iter().filter(|l| !ends_sentence(l)).map(|l| width(l)).filter(|&w| w >= 40).collect();
    let near = |w: usize| open.iter().filter(|&&o| o <= w && o + 4 >= w).count();
    let Some(wrap) = open.iter().copied().filter(|&w| near(w) >= 3).max_by_key(|&w| (near(w), w)) else { return };
    // Judged on the lines as written, before any is joined.
    let full: Vec<bool> = lines.iter().map(|l| width(l) + 4 >= wrap && !ends_sentence(l)).collect();
    let mut at = 0;
    for k in 1..lines.len() {
        let join = full[k - 1] && !lines[at].is_empty() && !lines[k].trim().is_empty() && !opens_item(&lines[k]);
        if !join {
            at = k;
            continue;
        }
        let next = std::mem::take(&mut lines[k]);
        let next = next.trim_start();
        if lines[at].ends_with(|c: char| c.is_ascii_alphanumeric()) && next.starts_with(|c: char| c.is_ascii_alphabetic()) {
            lines[at].push(' ');
        }
        lines[at].push_str(next);
    }
}

/// Spaces a PDF's text puts between a figure and its unit (`2024 年 1 月
/// 2 日`, `13 時 4 分`) or before a comma (`日 、`) taken out: the date
/// reads as written.
fn close_up(line: &str) -> std::borrow::Cow<'_, str> {
    // A unit and the figure before it; a unit and the next part of the
    // date after it (`日 13 時`, not `分 3G`); a comma; a unit and the
    // particle after it (`19 日 の`).
    static SPACED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\d) +([年月日時分])|([年月日時]) +(\d{1,4}) *([年月日時分半:])| +([、。,])|([年月日時分]) +([\x{3041}-\x{3096}頃])").expect("valid"));
    if !line.contains(' ') {
        return std::borrow::Cow::Borrowed(line);
    }
    // Twice: a match's last character can start the next (`1 月 2 日`).
    let once = SPACED.replace_all(line, "$1$2$3$4$5$6$7$8").into_owned();
    std::borrow::Cow::Owned(SPACED.replace_all(&once, "$1$2$3$4$5$6$7$8").into_owned())
}

/// A line that ends a sentence or a bracket: the next one is new.
fn ends_sentence(line: &str) -> bool {
    line.trim_end().ends_with(['。', '.', '!', '?', ')', ']', '」', '』', '】', ':'])
}

/// The marks that open a list's item.
const BULLETS: [char; 13] = ['・', '●', '○', '■', '□', '◆', '◇', '◎', '※', '-', '*', '•', '>'];

/// The line without the bullet that opens it.
pub(crate) fn unbullet(line: &str) -> &str {
    line.trim_start().trim_start_matches(BULLETS).trim_start()
}

/// A line that opens an item of its own: a label (`発生日時: …`), a
/// bullet, a numbered item, a bracketed heading.
fn opens_item(line: &str) -> bool {
    static ITEM: LazyLock<Regex> = LazyLock::new(|| {
        let bullets: String = BULLETS.iter().map(|b| regex::escape(&b.to_string())).collect();
        Regex::new(&format!(r"^\s*(?:[{bullets}#【\[(<]|\d{{1,2}}\s*[.)、]|[①-⑳]|[^\s:。、]{{1,14}}\s*:|第\d|以上\s*$|(?:URL|http))")).expect("valid")
    });
    ITEM.is_match(line)
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
