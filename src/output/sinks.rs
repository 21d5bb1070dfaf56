//! Text made safe for where it goes. CSV: a cell that starts with `=`, `+`,
//! `-` or `@` is run as a formula by spreadsheets, so that first character
//! is written as its full-width twin (`＝`, `＋`, `－`, `＠`): the cell
//! reads the same, is text in Excel and LibreOffice, and NFKC (which jiko
//! applies to every value it reads) turns it back into the original. The
//! edition itself prints deltas so (`前年度比＋1ポイント`). A leading tab
//! or CR (also a formula start) is dropped; plain numbers (`-1`, `+311`)
//! stay numbers. OWASP's leading apostrophe was visible in both programs.
//! Markdown: newlines and markup characters are escaped, so a value cannot
//! add a heading, a link or an image.

use std::borrow::Cow;

/// A CSV writer with LF line ends on every platform, so that outputs are
/// byte-identical wherever they are made.
pub fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::Any(b'\n')).from_writer(out)
}

/// Formula starts and the full-width twin each is written as.
const FORMULA_STARTS: &[(char, char)] = &[('=', '＝'), ('+', '＋'), ('-', '－'), ('@', '＠')];

fn plain_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') && t.starts_with(|c: char| c.is_ascii_digit())
}

/// A cell a spreadsheet shows as text, never runs.
pub(crate) fn guard_cell(s: &str) -> Cow<'_, str> {
    // Most cells start with none of them: one look.
    if !matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        return Cow::Borrowed(s);
    }
    let t = s.trim_start_matches(['\t', '\r']);
    if plain_number(t) {
        return if t.len() == s.len() { Cow::Borrowed(s) } else { Cow::Owned(t.to_string()) };
    }
    let mut chars = t.chars();
    match chars.next().and_then(|c| FORMULA_STARTS.iter().find(|(f, _)| *f == c)) {
        Some((_, twin)) => Cow::Owned(format!("{twin}{}", chars.as_str())),
        None if t.len() == s.len() => Cow::Borrowed(s),
        None => Cow::Owned(t.to_string()),
    }
}

/// A guarded cell's value as it was (the first character back from its
/// full-width twin): values are read NFKC-normalized, so no value began
/// with the twin itself.
pub fn unguard(s: &str) -> Cow<'_, str> {
    let mut chars = s.chars();
    match chars.next().and_then(|c| FORMULA_STARTS.iter().find(|(_, t)| *t == c)) {
        Some((f, _)) => Cow::Owned(format!("{f}{}", chars.as_str())),
        None => Cow::Borrowed(s),
    }
}

/// A CSV document: for people (UTF-8 BOM, so Excel in Japan reads it as
/// UTF-8) or for programs (no BOM); every cell guarded either way.
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub(crate) fn for_people() -> CsvOut {
        let mut buf = Vec::new();
        buf.extend_from_slice("\u{feff}".as_bytes());
        CsvOut { w: csv_writer(buf) }
    }

    pub(crate) fn for_programs() -> CsvOut {
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
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "＝HYPERLINK(\"x\")");
        assert_eq!(guard_cell("@SUM(A1)"), "＠SUM(A1)");
        // The edition's own printing of a delta (FY2020, 前年度比＋1ポイント).
        assert_eq!(guard_cell("+1ポイント"), "＋1ポイント");
        assert_eq!(guard_cell("-5ポイント"), "－5ポイント");
        assert_eq!(guard_cell("\t=1+2"), "＝1+2");
        assert_eq!(guard_cell("\r\tx"), "x");
        assert_eq!(guard_cell("-1"), "-1");
        assert_eq!(guard_cell("+311"), "+311");
        assert_eq!(guard_cell("-0.5"), "-0.5");
        assert_eq!(guard_cell("KDDI"), "KDDI");
        assert_eq!(guard_cell("±0ポイント"), "±0ポイント");
    }

    #[test]
    fn a_guarded_cell_reads_back_as_written() {
        use unicode_normalization::UnicodeNormalization;
        for v in ["=HYPERLINK(\"x\")", "+1ポイント", "-5ポイント", "@SUM(A1)", "-1", "KDDI"] {
            assert_eq!(guard_cell(v).nfkc().collect::<String>(), v);
            assert_eq!(unguard(&guard_cell(v)), v);
        }
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
