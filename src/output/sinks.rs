//! Text made safe for where it goes. CSV: a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a CR is run as a formula by spreadsheets, so it gets a
//! leading `'` (OWASP's advice), unless it is a plain number (`-1`, `+311`
//! stay numbers). Markdown: newlines and markup characters are escaped, so
//! a value cannot add a heading, a link or an image.

use std::borrow::Cow;

/// A CSV writer with LF line ends on every platform, so that outputs are
/// byte-identical wherever they are made.
pub fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::Any(b'\n')).from_writer(out)
}

const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

fn plain_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') && t.starts_with(|c: char| c.is_ascii_digit())
}

/// A cell a spreadsheet shows as text, never runs.
pub fn guard_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_STARTS) && !plain_number(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A CSV document: for people (UTF-8 BOM, so Excel in Japan reads it as
/// UTF-8) or for programs (no BOM); every cell guarded either way.
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub fn for_people() -> CsvOut {
        let mut buf = Vec::new();
        buf.extend_from_slice("\u{feff}".as_bytes());
        CsvOut { w: csv_writer(buf) }
    }

    pub fn for_programs() -> CsvOut {
        CsvOut { w: csv_writer(Vec::new()) }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| guard_cell(c.as_ref()).into_owned()).collect();
        // Writing to memory fails only on allocation, which aborts anyway.
        let _ = self.w.write_record(&cells);
    }

    pub fn finish(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }
}

/// Markdown characters that could start markup inside a line: links and
/// images need `[`, emphasis `*` `_`, code `` ` ``, tables `|`.
const MD_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '|'];

/// A line of Markdown text with values in it: one line, markup characters
/// escaped (`[x](javascript:…)` and `![](http://…)` stay text, `<img …>`
/// stays text), a `#` or `>` at its start no heading or quote. Our own
/// line starts (`- ` of a list) are left alone.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if MD_SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if out.starts_with('#') {
        out.insert(0, '\\');
    }
    out
}

/// A value in a Markdown table cell: as `md_text`, line breaks as `<br>`.
pub fn md_cell(s: &str) -> String {
    s.split(['\n', '\r']).filter(|l| !l.is_empty()).map(md_text).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_cell("+311件"), "'+311件");
        assert_eq!(guard_cell("\tx"), "'\tx");
        assert_eq!(guard_cell("-1"), "-1");
        assert_eq!(guard_cell("+311"), "+311");
        assert_eq!(guard_cell("-0.5"), "-0.5");
        assert_eq!(guard_cell("KDDI"), "KDDI");
    }

    #[test]
    fn markdown_cannot_be_injected() {
        assert_eq!(md_text("a\n# heading"), "a # heading");
        assert_eq!(md_text("# heading"), "\\# heading");
        assert_eq!(md_text("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(md_text("![](http://e/x.png)"), "!\\[\\](http://e/x.png)");
        assert_eq!(md_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(md_cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(md_cell("x\n# h"), "x<br>\\# h");
    }
}
