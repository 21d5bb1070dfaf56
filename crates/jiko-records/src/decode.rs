//! Which encoding a file is in, decided over the whole file, and the
//! decoding of each record's fields. A byte the encoding cannot decode is a
//! row error naming its column; no replacement character is ever made.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::parse::ByteRecord;

/// Which bytes a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a BOM allowed).
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    ShiftJis,
}

impl std::str::FromStr for Encoding {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "shiftjis" | "sjis" | "cp932" | "windows31j" => Ok(Encoding::ShiftJis),
            // Read by clap, inside its own English message, before the
            // run's language is known.
            _ => bail!("unknown encoding {s:?}: use utf-8 or cp932"),
        }
    }
}

/// Bytes of text looked at once non-ASCII text is met.
const SAMPLE: usize = 64 * 1024;

/// Decide a file's encoding from its text, not from its first bytes only:
/// a BOM means UTF-8; otherwise the first 64 KiB that hold non-ASCII bytes,
/// wherever in the file they are, must be valid UTF-8 for UTF-8, else the
/// file is CP932 (Excel in Japan). An ASCII-only file is UTF-8.
pub(crate) fn sniff(lang: jiko_core::lang::Lang, path: &Path) -> Result<Encoding> {
    let file = std::fs::File::open(path).with_context(|| jiko_core::lang::doing(lang, "opening", "オープン", &path.display()))?;
    sniff_reader(file).with_context(|| jiko_core::lang::doing(lang, "reading", "読み込み", &path.display()))
}

pub(crate) fn sniff_reader(mut r: impl Read) -> std::io::Result<Encoding> {
    let mut buf = vec![0u8; SAMPLE];
    let mut first = true;
    loop {
        let n = read_up_to(&mut r, &mut buf)?;
        let chunk = &buf[..n];
        if first && chunk.starts_with(b"\xEF\xBB\xBF") {
            return Ok(Encoding::Utf8);
        }
        first = false;
        if let Some(at) = chunk.iter().position(|b| !b.is_ascii()) {
            // Take a full sample from the line of the first non-ASCII byte
            // on (the letters before it tell a Latin word from kana).
            let at = chunk[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1).max(at.saturating_sub(256));
            let mut sample = chunk[at..].to_vec();
            let mut more = vec![0u8; at];
            let k = read_up_to(&mut r, &mut more)?;
            sample.extend_from_slice(&more[..k]);
            return Ok(match std::str::from_utf8(&sample) {
                Ok(text) => plausible(text, &sample),
                // A character cut by the sample's end is still UTF-8.
                Err(e) if e.error_len().is_none() => plausible(std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or(""), &sample[..e.valid_up_to()]),
                Err(_) => Encoding::ShiftJis,
            });
        }
        if n < buf.len() {
            return Ok(Encoding::Utf8);
        }
    }
}

/// Bytes that are valid UTF-8 may still be CP932: half-width kana pairs
/// (`ﾃｽﾄｱ`, C3 BD C4 B1) read as Latin letters (`ýı`). jiko's columns are
/// Japanese, so a sample whose UTF-8 reading holds no Japanese letter but
/// Latin-1 or Latin Extended ones, and whose CP932 reading is clean and
/// Japanese, is CP932.
fn plausible(text: &str, bytes: &[u8]) -> Encoding {
    let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{FF61}'..='\u{FF9F}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}');
    if text.chars().any(japanese) {
        return Encoding::Utf8;
    }
    let latin = text.chars().filter(|c| matches!(c, '\u{80}'..='\u{24F}')).count();
    if latin == 0 {
        return Encoding::Utf8;
    }
    // Latin words (`Café`, `Télécom`): each such letter beside an ASCII one.
    let chars: Vec<char> = text.chars().collect();
    let in_words = chars.iter().enumerate().filter(|(_, c)| matches!(c, '\u{80}'..='\u{24F}')).all(|(i, _)| {
        let near = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '\u{80}'..='\u{24F}'));
        near(i.checked_sub(1)) && near(Some(i + 1)) || near(i.checked_sub(1)) && chars.get(i + 1).is_none_or(|c| !c.is_alphanumeric())
    });
    if in_words {
        return Encoding::Utf8;
    }
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    let kana = sjis.chars().filter(|c| japanese(*c)).count();
    if !bad && kana >= latin {
        Encoding::ShiftJis
    } else {
        Encoding::Utf8
    }
}

pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A record's fields as text.
#[derive(Debug, Default, Clone)]
pub(crate) struct Record {
    pub line: u64,
    pub end_line: u64,
    text: String,
    ends: Vec<usize>,
    /// Fields that could not be decoded: (index, the bytes shown with
    /// `\xNN` for the bad ones).
    pub undecodable: Vec<(usize, String)>,
    /// A workbook's cells that hold no value of a column (an error,
    /// TRUE/FALSE, a formula never calculated): (index, shown, why).
    pub cell_faults: Vec<(usize, String, String)>,
    pub extra_fields: usize,
    pub oversized: Option<usize>,
    pub quoting: Option<(usize, super::parse::StrayQuote)>,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len() + self.extra_fields
    }

    /// Every field's text back to back.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).filter_map(|i| self.get(i))
    }

    /// A record made from text (a workbook's cells).
    pub(crate) fn from_fields<'a>(line: u64, fields: impl IntoIterator<Item = &'a str>) -> Record {
        let mut r = Record { line, end_line: line, ..Default::default() };
        for f in fields {
            r.text.push_str(f);
            r.ends.push(r.text.len());
        }
        r
    }

    /// Empty fields up to `n`: a worksheet row ends at its last value, but
    /// its empty cells up to the header's width are fields all the same.
    pub(crate) fn pad_to(&mut self, n: usize) {
        while self.ends.len() < n {
            self.ends.push(self.text.len());
        }
    }

    /// Decode `raw` into this record, taking its bytes when they are valid
    /// UTF-8 already (no copy) and handing back this record's buffer.
    pub(crate) fn take_from(&mut self, raw: &mut ByteRecord, encoding: Encoding) {
        if encoding == Encoding::Utf8 {
            let old = std::mem::take(&mut self.text).into_bytes();
            let bytes = std::mem::replace(&mut raw.bytes, old);
            match String::from_utf8(bytes) {
                Ok(text) => self.text = text,
                Err(e) => {
                    // Not UTF-8 throughout: give the bytes back, decode by field.
                    let old = std::mem::replace(&mut raw.bytes, e.into_bytes());
                    self.text = String::from_utf8(old).unwrap_or_default();
                    self.text.clear();
                    return self.decode_from(raw, encoding);
                }
            }
            self.line = raw.line;
            self.end_line = raw.end_line;
            self.extra_fields = raw.extra_fields;
            self.oversized = raw.oversized;
            self.quoting = raw.quoting.take();
            self.ends.clear();
            self.ends.extend_from_slice(&raw.ends);
            self.undecodable.clear();
        } else {
            self.decode_from(raw, encoding);
        }
    }

    /// Decode `raw` into this record, reusing its buffers.
    pub(crate) fn decode_from(&mut self, raw: &ByteRecord, encoding: Encoding) {
        self.line = raw.line;
        self.end_line = raw.end_line;
        self.extra_fields = raw.extra_fields;
        self.oversized = raw.oversized;
        self.quoting = raw.quoting;
        self.text.clear();
        self.ends.clear();
        self.undecodable.clear();
        // The common case: the whole record is valid UTF-8 at once.
        if encoding == Encoding::Utf8 {
            if let Ok(s) = std::str::from_utf8(&raw.bytes) {
                self.text.push_str(s);
                self.ends.extend_from_slice(&raw.ends);
                return;
            }
        }
        for (i, field) in raw.fields().enumerate() {
            match decode_field(field, encoding) {
                Some(s) => self.text.push_str(&s),
                None => {
                    // The value is kept visible, its bad bytes as `\xNN`.
                    let shown = escaped(field, encoding);
                    self.text.push_str(&shown);
                    self.undecodable.push((i, shown));
                }
            }
            self.ends.push(self.text.len());
        }
    }
}

fn decode_field(bytes: &[u8], encoding: Encoding) -> Option<std::borrow::Cow<'_, str>> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed),
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes),
    }
}

/// The field's text with every byte that does not decode shown as `\xNN`
/// (linear in the field's length: fields may be long).
pub(crate) fn escaped(bytes: &[u8], encoding: Encoding) -> String {
    let mut out = String::new();
    let bad = |out: &mut String, b: &[u8]| b.iter().for_each(|b| out.push_str(&format!("\\x{b:02X}")));
    match encoding {
        Encoding::Utf8 => {
            let mut rest = bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let valid = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                        let n = e.error_len().unwrap_or(rest.len() - valid);
                        bad(&mut out, &rest[valid..valid + n]);
                        rest = &rest[valid + n..];
                    }
                }
            }
        }
        Encoding::ShiftJis => {
            let mut i = 0;
            while i < bytes.len() {
                let lead = matches!(bytes[i], 0x81..=0x9F | 0xE0..=0xFC);
                let piece = &bytes[i..(i + if lead { 2 } else { 1 }).min(bytes.len())];
                match decode_field(piece, encoding) {
                    Some(s) => {
                        out.push_str(&s);
                        i += piece.len();
                    }
                    None => {
                        bad(&mut out, &bytes[i..i + 1]);
                        i += 1;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_kana_that_look_like_utf8_are_cp932() {
        // ﾃｽﾄｱ in CP932 is C3 BD C4 B1, valid UTF-8 for "ýı".
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("incident_id,carrier\nA1,ﾃｽﾄｱ\n");
        assert_eq!(sniff_reader(&sjis[..]).unwrap(), Encoding::ShiftJis);
        // Real Latin text in UTF-8 stays UTF-8.
        assert_eq!(sniff_reader("incident_id,carrier\nA1,Café Télécom\n".as_bytes()).unwrap(), Encoding::Utf8);
        assert_eq!(sniff_reader("incident_id,carrier\nA1,テスト\n".as_bytes()).unwrap(), Encoding::Utf8);
    }

    #[test]
    fn sniffs_the_whole_file() {
        assert_eq!(sniff_reader(&b"\xEF\xBB\xBFincident_id"[..]).unwrap(), Encoding::Utf8);
        assert_eq!(sniff_reader("報告番号".as_bytes()).unwrap(), Encoding::Utf8);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("報告番号,事業者名");
        assert_eq!(sniff_reader(&sjis[..]).unwrap(), Encoding::ShiftJis);
        // ASCII for the first 200 KiB, then CP932: still CP932.
        let mut late = vec![b'a'; 200 * 1024];
        late.extend_from_slice(&sjis);
        assert_eq!(sniff_reader(&late[..]).unwrap(), Encoding::ShiftJis);
        // A sample that ends inside a character is still UTF-8.
        assert_eq!(sniff_reader(&"報告".as_bytes()[..4]).unwrap(), Encoding::Utf8);
        assert_eq!(sniff_reader(&b"plain,ascii\n"[..]).unwrap(), Encoding::Utf8);
    }

    #[test]
    fn bad_bytes_are_shown_not_replaced() {
        assert_eq!(escaped(b"ab\xFFc", Encoding::Utf8), "ab\\xFFc");
        let mut raw = ByteRecord::default();
        let mut p = super::super::parse::Parser::new(&b"ok,b\xFFd\n"[..], b',');
        p.next_record(&mut raw).unwrap();
        let mut r = Record::default();
        r.decode_from(&raw, Encoding::Utf8);
        assert_eq!(r.get(0), Some("ok"));
        assert_eq!(r.get(1), Some("b\\xFFd"));
        assert_eq!(r.undecodable, vec![(1, "b\\xFFd".to_string())]);
        assert!(!r.iter().any(|f| f.contains('\u{FFFD}')));
    }
}
