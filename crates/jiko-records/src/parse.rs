//! CSV records as bytes, with the lines they span. Our own parser rather
//! than the csv crate's: it must say where a quote opened when the file ends
//! inside it, notice records swallowed by a stray quote, and bound what one
//! field or record may hold, none of which the csv crate reports.

use std::borrow::Cow;
use std::io::Read;

/// Bytes one field may hold before the rest is dropped and the field
/// reported: a little over 32,767 characters of 4 bytes, a spreadsheet
/// cell's limit, so every over-long value is still seen as over-long.
pub(crate) const FIELD_BYTES: usize = 32_767 * 4 + 4;
/// Fields one record may hold; more are counted, not stored.
pub(crate) const MAX_FIELDS: usize = 1_000;

/// One record as read: the unescaped bytes of its fields back to back.
#[derive(Debug, Default, Clone)]
pub(crate) struct ByteRecord {
    /// The line it starts on and the line it ends on (1-based).
    pub line: u64,
    pub end_line: u64,
    pub bytes: Vec<u8>,
    /// End offset of each field in `bytes`.
    pub ends: Vec<usize>,
    /// Fields beyond `MAX_FIELDS`, counted only.
    pub extra_fields: usize,
    /// A field whose bytes went past `FIELD_BYTES` (its index).
    pub oversized: Option<usize>,
    /// Something wrong with the record's quoting, for a row error: the
    /// field's index and what is wrong.
    pub quoting: Option<(usize, StrayQuote)>,
}

impl ByteRecord {
    /// Fields held and counted past the bound (a test's look).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.ends.len() + self.extra_fields
    }

    pub fn field(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..end])
    }

    pub fn fields(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.ends.len()).filter_map(|i| self.field(i))
    }

    /// Every field empty or blank: spacing (a blank line, `,,,,` as Excel
    /// writes below a table), not a record.
    pub(crate) fn is_blank(&self) -> bool {
        self.extra_fields == 0 && self.quoting.is_none() && blank_bytes(&self.bytes)
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.extra_fields = 0;
        self.oversized = None;
        self.quoting = None;
    }

    fn push_byte(&mut self, b: u8, field_start: usize) {
        if self.bytes.len() - field_start < FIELD_BYTES {
            self.bytes.push(b);
        } else {
            self.oversized.get_or_insert(self.ends.len());
        }
    }

    fn push_slice(&mut self, s: &[u8], field_start: usize) {
        let room = FIELD_BYTES.saturating_sub(self.bytes.len() - field_start);
        if s.len() > room {
            self.oversized.get_or_insert(self.ends.len());
        }
        self.bytes.extend_from_slice(&s[..s.len().min(room)]);
    }

    fn end_field(&mut self, field_start: usize) {
        if self.ends.len() < MAX_FIELDS {
            self.ends.push(self.bytes.len());
        } else {
            self.bytes.truncate(field_start);
            self.extra_fields += 1;
        }
    }
}

/// Text after the closing quote of a value (`"ab"c`): the field keeps the
/// text, and the row is in doubt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrayQuote {
    /// The byte after the quote (non-ASCII: the start of a character).
    pub after: u8,
    /// The line the value opened on.
    pub opened: u64,
}

impl StrayQuote {
    pub fn message(&self, lang: jiko_core::lang::Lang) -> String {
        let what = if self.after.is_ascii() { format!("{:?}", char::from(self.after)) } else { jiko_core::say!(lang, "text", "文字") };
        jiko_core::say!(
            lang,
            "{what} follows the closing quote of a value opened on line {opened}; a quote is missing or stray",
            "{opened}行目で始まる値の閉じ引用符の後に{what}が続きます。引用符が足りないか余分です",
            what = what,
            opened = self.opened
        )
    }
}

/// The file ended inside a quoted field: every later row would be lost in
/// it, so the file cannot be read.
#[derive(Debug, Clone)]
pub(crate) struct UnclosedQuote {
    pub line: u64,
}

#[derive(Debug)]
pub(crate) enum ParseError {
    UnclosedQuote(UnclosedQuote),
    Io(std::io::Error),
}

impl From<std::io::Error> for ParseError {
    fn from(e: std::io::Error) -> Self {
        ParseError::Io(e)
    }
}

/// Reads records from bytes: fields split at `delimiter`, records at LF,
/// CRLF or a lone CR, `"` quoting with `""` for a quote inside.
pub struct Parser<'a, R> {
    src: R,
    /// Bytes read from `src`, or a block of records lent whole (`over`).
    buf: Cow<'a, [u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// The line the next byte is on.
    line: u64,
    delimiter: u8,
}

impl<R: Read> Parser<'static, R> {
    pub fn new(src: R, delimiter: u8) -> Self {
        Parser::starting(src, Vec::new(), 1, delimiter)
    }

    /// A parser whose first bytes are `read` (taken from `src` already)
    /// and whose first byte is on `line`.
    pub(crate) fn starting(src: R, read: Vec<u8>, line: u64, delimiter: u8) -> Self {
        let len = read.len();
        let mut buf = read;
        buf.resize(len.max(1 << 16), 0);
        Parser { src, buf: Cow::Owned(buf), pos: 0, len, eof: false, line, delimiter }
    }
}

impl<'a> Parser<'a, std::io::Empty> {
    /// A parser over a block of whole records in memory (lent, not copied),
    /// its first byte on `line`.
    pub fn over(block: &'a [u8], line: u64, delimiter: u8) -> Self {
        Parser { src: std::io::empty(), buf: Cow::Borrowed(block), pos: 0, len: block.len(), eof: true, line, delimiter }
    }

    /// Where the next record starts in the block.
    pub fn pos(&self) -> usize {
        self.pos
    }
}

impl<R: Read> Parser<'_, R> {
    /// The source, the bytes read from it but not parsed yet, and the line
    /// they start on: for reading on in blocks (`split`).
    pub(crate) fn into_parts(self) -> (R, Vec<u8>, u64) {
        let mut rest = self.buf.into_owned();
        rest.truncate(self.len);
        rest.drain(..self.pos);
        (self.src, rest, self.line)
    }

    /// The next line when it is a whole line in the buffer with no quote
    /// and no lone CR: its bytes (without the line break) and the bytes it
    /// takes with its break. `None` when the general parser is needed.
    fn plain_line(&self) -> Option<(&[u8], usize)> {
        let window = &self.buf[self.pos..self.len];
        let end = memchr::memchr(b'\n', window)?;
        let line = &window[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        (memchr::memchr2(b'"', b'\r', line).is_none()).then_some((line, end + 1))
    }

    /// Take a whole line of `taken` bytes, its break included, read by
    /// other means (`plain_line`, or the fast path over a block).
    pub(crate) fn skip_line(&mut self, taken: usize) {
        self.pos += taken;
        self.line += 1;
    }

    /// The line the next record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }


    /// The next byte without taking it; `None` at the end of the input.
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.pos == self.len {
            if self.eof {
                return Ok(None);
            }
            self.pos = 0;
            self.len = loop {
                match self.src.read(self.buf.to_mut()) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            if self.len == 0 {
                self.eof = true;
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// After a CR: take the LF of a CRLF.
    fn line_break(&mut self, b: u8) -> std::io::Result<()> {
        self.line += 1;
        if b == b'\r' && self.peek()? == Some(b'\n') {
            self.pos += 1;
        }
        Ok(())
    }

    /// Read the next record into `rec`; false at the end of the input.
    pub(crate) fn next_record(&mut self, rec: &mut ByteRecord) -> Result<bool, ParseError> {
        rec.clear();
        if self.peek()?.is_none() {
            return Ok(false);
        }
        rec.line = self.line;
        if self.whole_line(rec) {
            return Ok(true);
        }
        loop {
            let field_start = rec.bytes.len();
            let ended = if self.peek()? == Some(b'"') {
                self.pos += 1;
                self.quoted(rec, field_start)?
            } else {
                self.unquoted(rec, field_start)?
            };
            rec.end_field(field_start);
            if ended {
                rec.end_line = self.line - 1;
                return Ok(true);
            }
        }
    }

    /// The common case in one step: a whole line in the buffer with no
    /// quote and no lone CR, split at its delimiters. False (nothing taken)
    /// when the line needs the general parser.
    fn whole_line(&mut self, rec: &mut ByteRecord) -> bool {
        let Some((line, taken)) = self.plain_line() else { return false };
        if line.len() > FIELD_BYTES {
            return false;
        }
        let mut start = 0;
        for at in memchr::memchr_iter(self.delimiter, line) {
            if rec.ends.len() + 1 >= MAX_FIELDS || at - start > FIELD_BYTES {
                // Over a bound: the general parser counts and cuts.
                rec.clear();
                return false;
            }
            rec.bytes.extend_from_slice(&line[start..at]);
            rec.ends.push(rec.bytes.len());
            start = at + 1;
        }
        rec.bytes.extend_from_slice(&line[start..]);
        rec.ends.push(rec.bytes.len());
        rec.end_line = self.line;
        self.skip_line(taken);
        true
    }

    /// An unquoted field: up to a delimiter (false) or the record's end (true).
    fn unquoted(&mut self, rec: &mut ByteRecord, field_start: usize) -> Result<bool, ParseError> {
        loop {
            let Some(_) = self.peek()? else {
                self.line += 1;
                return Ok(true);
            };
            let window = &self.buf[self.pos..self.len];
            match memchr::memchr3(self.delimiter, b'\n', b'\r', window) {
                None => {
                    rec.push_slice(window, field_start);
                    self.pos = self.len;
                }
                Some(i) => {
                    let b = window[i];
                    rec.push_slice(&window[..i], field_start);
                    self.pos += i + 1;
                    if b == self.delimiter {
                        return Ok(false);
                    }
                    self.line_break(b)?;
                    return Ok(true);
                }
            }
        }
    }

    /// A quoted field, its opening quote taken.
    fn quoted(&mut self, rec: &mut ByteRecord, field_start: usize) -> Result<bool, ParseError> {
        let opened = self.line;
        loop {
            let Some(_) = self.peek()? else {
                return Err(ParseError::UnclosedQuote(UnclosedQuote { line: opened }));
            };
            let window = &self.buf[self.pos..self.len];
            let Some(i) = memchr::memchr3(b'"', b'\n', b'\r', window) else {
                rec.push_slice(window, field_start);
                self.pos = self.len;
                continue;
            };
            let b = window[i];
            rec.push_slice(&window[..i], field_start);
            self.pos += i + 1;
            match b {
                b'"' => match self.peek()? {
                    Some(b'"') => {
                        self.pos += 1;
                        rec.push_byte(b'"', field_start);
                    }
                    Some(d) if d == self.delimiter => {
                        self.pos += 1;
                        return Ok(false);
                    }
                    Some(b'\n' | b'\r') => {
                        self.pos += 1;
                        let b = self.buf[self.pos - 1];
                        self.line_break(b)?;
                        return Ok(true);
                    }
                    None => {
                        self.line += 1;
                        return Ok(true);
                    }
                    Some(other) => {
                        // `"ab"c`: keep the text, but the row is in doubt.
                        let field = rec.ends.len();
                        rec.quoting.get_or_insert((field, StrayQuote { after: other, opened }));
                        let ended = self.unquoted(rec, field_start)?;
                        return Ok(ended);
                    }
                },
                _ => {
                    rec.push_byte(b, field_start);
                    if b == b'\r' && self.peek()? == Some(b'\n') {
                        self.pos += 1;
                        rec.push_byte(b'\n', field_start);
                    }
                    self.line += 1;
                }
            }
        }
    }
}

/// Spacing only: ASCII white space and the ideographic space U+3000 (in
/// UTF-8 `E3 80 80`, in CP932 `81 40`), which office files use to pad.
fn blank_bytes(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => i += 3,
            0x81 if b.get(i + 1) == Some(&0x40) => i += 2,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8]) -> Result<Vec<(u64, u64, Vec<String>)>, ParseError> {
        let mut p = Parser::new(text, b',');
        let mut out = Vec::new();
        let mut rec = ByteRecord::default();
        while p.next_record(&mut rec)? {
            out.push((rec.line, rec.end_line, rec.fields().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        Ok(out)
    }

    #[test]
    fn fields_quotes_and_line_ends() {
        let r = all(b"a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n\r\nlast,,").unwrap();
        assert_eq!(r[0], (1, 1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(r[1], (2, 3, vec!["x,1".into(), "say \"hi\"".into(), "two\nlines".into()]));
        assert_eq!(r[2], (4, 4, vec!["".into()]));
        assert_eq!(r[3], (5, 5, vec!["last".into(), "".into(), "".into()]));
        // A lone CR ends a line too.
        let r = all(b"a\rb\r\nc").unwrap();
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_quote_left_open_names_its_line() {
        match all(b"a,b,c\nx,\"open,c\nmore\nrows\n") {
            Err(ParseError::UnclosedQuote(u)) => assert_eq!(u.line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_after_a_closing_quote_is_flagged() {
        let mut rec = ByteRecord::default();
        let mut p = Parser::new(&b"\"ab\"c,d\n"[..], b',');
        assert!(p.next_record(&mut rec).unwrap());
        assert!(rec.quoting.is_some());
        assert_eq!(rec.field(0), Some(&b"abc"[..]));
    }

    #[test]
    fn fields_and_records_are_bounded() {
        let long = vec![b'x'; FIELD_BYTES + 10];
        let mut p = Parser::new(&long[..], b',');
        let mut rec = ByteRecord::default();
        assert!(p.next_record(&mut rec).unwrap());
        assert_eq!(rec.oversized, Some(0));
        assert_eq!(rec.bytes.len(), FIELD_BYTES);
        let commas = vec![b','; MAX_FIELDS * 3];
        let mut p = Parser::new(&commas[..], b',');
        assert!(p.next_record(&mut rec).unwrap());
        assert_eq!(rec.len(), MAX_FIELDS * 3 + 1);
        assert_eq!(rec.ends.len(), MAX_FIELDS);
    }
}
