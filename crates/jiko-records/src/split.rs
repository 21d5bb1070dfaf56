//! A CSV file cut into blocks of whole records, so that each worker can
//! parse its own block: the reading thread reads (hashing as it goes),
//! finds a record end near each block's end and counts the lines before it.
//! A cut is never made inside a quoted value: quotes are followed exactly as
//! the parser reads them (a quote opens a value only at its start), and only
//! quotes are looked at, so a file without quotes costs one `memchr` scan.

use std::io::Read;

use super::decode::read_up_to;

/// Bytes read at a time; a block is about this size.
pub(crate) const BLOCK_BYTES: usize = 1 << 18;
/// A record longer than this (a value of many lines, or a quote left open
/// to the end of the file) is not held whole: the reading thread parses it
/// alone, with the parser's bounds on what a record may keep. With the
/// blocks the workers may be behind (`parallel`), this bounds what reading
/// holds in memory: 2 MiB × 64 at worst, whatever the file.
pub(crate) const MAX_BLOCK_BYTES: usize = 8 * BLOCK_BYTES;

/// Whole records, the first starting on `line`: the first `len` bytes of
/// `bytes` (a buffer reused as it is, so it is never zeroed again).
#[derive(Debug)]
pub(crate) struct Block {
    bytes: Vec<u8>,
    len: usize,
    pub line: u64,
    /// No quote and no CR in the records: known from the look for a cut,
    /// so the worker need not look again.
    pub plain: bool,
    /// The records are UTF-8 without U+FFFD (looked at when asked, by the
    /// reading thread, which has them in its cache after hashing them).
    clean: bool,
}

impl Block {
    pub fn records(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The records as text, when they are clean UTF-8.
    pub fn text(&self) -> Option<&str> {
        // SAFETY: `clean` is set only where the block is made, after
        // `bytes[..len]` was checked to be UTF-8; the fields are private
        // and nothing changes them after.
        self.clean.then(|| unsafe { std::str::from_utf8_unchecked(self.records()) })
    }

    /// The buffer, for reuse.
    pub(crate) fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }
}

/// UTF-8 without U+FFFD (which the full check reports as bytes that did
/// not decode).
fn clean_utf8(records: &[u8]) -> bool {
    // A NUL byte (never a value's text) goes to the full check too.
    simdutf8::basic::from_utf8(records).is_ok() && memchr::memmem::find(records, "\u{FFFD}".as_bytes()).is_none() && memchr::memchr(0, records).is_none()
}

/// What the reading thread has next.
pub(crate) enum Next {
    Block(Block),
    /// No record end within `MAX_BLOCK_BYTES`: parse on from here alone.
    Long,
    End,
}

pub(crate) struct Splitter<R> {
    src: R,
    /// Bytes read at a time, and the most a block may hold.
    block: usize,
    max_block: usize,
    /// Read but not handed out yet: the start of a record.
    carry: Vec<u8>,
    line: u64,
    delimiter: u8,
    eof: bool,
    /// Whether to look at each block's text (for the fast path).
    check_text: bool,
}

impl<R: Read> Splitter<R> {
    /// `carry`: bytes already read (from a record's start), `line`: its
    /// line; `block`: bytes to read at a time (the longest block is 8 times
    /// as long).
    pub fn new(src: R, carry: Vec<u8>, line: u64, delimiter: u8, block: usize) -> Self {
        let block = block.max(1);
        Splitter { src, block, max_block: block.saturating_mul(MAX_BLOCK_BYTES / BLOCK_BYTES), carry, line, delimiter, eof: false, check_text: false }
    }

    /// Look at each block's text as it is cut (`Block::text`).
    pub(crate) fn checking_text(mut self, check: bool) -> Self {
        self.check_text = check;
        self
    }

    /// The source and the bytes read from it but not handed out.
    pub(crate) fn into_parts(self) -> (R, Vec<u8>, u64) {
        (self.src, self.carry, self.line)
    }

    /// The next block, built in `buf` (a buffer handed back for reuse).
    pub(crate) fn next_block(&mut self, mut buf: Vec<u8>) -> std::io::Result<Next> {
        // `buf` starts with the carried start of a record. A cut is looked
        // for in its first `limit` bytes, read as needed; with none there,
        // in twice as many.
        let mut filled = self.carry.len();
        if buf.len() < filled {
            buf.resize(filled, 0);
        }
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut limit = self.block;
        loop {
            if filled < limit && !self.eof {
                let want = limit - filled;
                if buf.len() < limit {
                    // Only a new or short buffer is zeroed; a little room
                    // over, for the next carried start.
                    buf.resize(limit + limit / 8, 0);
                }
                let n = read_up_to(&mut self.src, &mut buf[filled..limit])?;
                filled += n;
                self.eof = n < want;
            }
            if filled == 0 {
                return Ok(Next::End);
            }
            let (last, looked) = (self.eof && filled <= limit, &buf[..filled.min(limit)]);
            // Most blocks hold no quote and no CR: one look tells, and a
            // cut is then just after the last LF.
            let plain = memchr::memchr2(b'"', b'\r', looked).is_none();
            let cut = match (last, plain) {
                (true, _) => Some(filled),
                (false, true) => memchr::memrchr(b'\n', looked).map(|i| i + 1),
                (false, false) => last_record_end(looked, self.delimiter),
            };
            match cut {
                Some(cut) => {
                    self.carry.extend_from_slice(&buf[cut..filled]);
                    let line = self.line;
                    self.line += line_breaks(&buf[..cut], plain);
                    let clean = self.check_text && clean_utf8(&buf[..cut]);
                    return Ok(Next::Block(Block { bytes: buf, len: cut, line, plain, clean }));
                }
                None if limit >= self.max_block => {
                    buf.truncate(filled);
                    self.carry = buf;
                    return Ok(Next::Long);
                }
                None => limit = limit.saturating_mul(2),
            }
        }
    }
}

/// Line breaks in a block as the parser counts them: LF, CRLF, a lone CR.
/// A CR as the block's last byte is a lone one: a block is cut after a CR
/// only when the byte after it is known not to be an LF. `no_cr`: the
/// block is known to hold none, so only LFs are counted.
fn line_breaks(block: &[u8], no_cr: bool) -> u64 {
    let lf = memchr::memchr_iter(b'\n', block).count();
    let lone_cr = match no_cr {
        true => 0,
        false => memchr::memchr_iter(b'\r', block).filter(|&i| block.get(i + 1) != Some(&b'\n')).count(),
    };
    (lf + lone_cr) as u64
}

/// The end of the last whole record in `buf` (which starts at a record's
/// start): just after a line break outside quotes whose meaning is known
/// (a CR with its next byte read). `None` when there is none.
pub(crate) fn last_record_end(buf: &[u8], delimiter: u8) -> Option<usize> {
    let mut best = None;
    // Bytes from `plain` on are outside quotes until the next opening quote.
    let mut plain = 0;
    let mut at = 0;
    loop {
        // The next quote outside a quoted value that opens one.
        let open = loop {
            match memchr::memchr(b'"', &buf[at..]) {
                None => break None,
                Some(i) => {
                    let q = at + i;
                    let starts_value = q == 0 || matches!(buf[q - 1], b'\n' | b'\r') || buf[q - 1] == delimiter;
                    if starts_value {
                        break Some(q);
                    }
                    at = q + 1;
                }
            }
        };
        let end = open.unwrap_or(buf.len());
        if let Some(cut) = break_before(&buf[..end], plain) {
            best = Some(cut);
        }
        let Some(open) = open else { return best };
        // Inside the quoted value: `""` is a quote; any other quote closes it.
        let mut q = open + 1;
        loop {
            // An open quote to the buffer's end: no cut after it.
            let Some(i) = memchr::memchr(b'"', &buf[q..]) else { return best };
            let close = q + i;
            match buf.get(close + 1) {
                Some(b'"') => q = close + 2,
                Some(_) => {
                    plain = close + 1;
                    at = close + 1;
                    break;
                }
                // The buffer ends on this quote: whether it closes the value
                // is not known yet.
                None => return best,
            }
        }
    }
}

/// Just after the last line break in `buf[from..]` whose meaning is known.
fn break_before(buf: &[u8], from: usize) -> Option<usize> {
    let mut end = buf.len();
    while end > from {
        let i = from + memchr::memrchr2(b'\n', b'\r', &buf[from..end])?;
        match (buf[i], buf.get(i + 1)) {
            (b'\n', _) => return Some(i + 1),
            // A lone CR with its next byte read (a CRLF would have given its LF).
            (b'\r', Some(_)) => return Some(i + 1),
            _ => end = i,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::parse::{ByteRecord, Parser};
    use super::*;

    /// Every record of `text`, read whole and read in blocks cut at every
    /// possible buffer length: the same records on the same lines.
    fn same_as_whole(text: &[u8]) {
        let whole = records(&mut Parser::new(text, b','));
        for size in 1..=text.len() {
            let mut got = Vec::new();
            let mut line = 1;
            let mut rest = text;
            while !rest.is_empty() {
                let head = &rest[..size.min(rest.len())];
                let at_end = head.len() == rest.len();
                let cut = if at_end { Some(head.len()) } else { last_record_end(head, b',') };
                let Some(cut) = cut.filter(|&c| c > 0) else {
                    // No cut in this prefix: the splitter reads on; here, the
                    // rest is parsed whole from its line.
                    let mut p = Parser::starting(&b""[..], rest.to_vec(), line, b',');
                    got.extend(records(&mut p));
                    break;
                };
                let mut p = Parser::over(&rest[..cut], line, b',');
                got.extend(records(&mut p));
                line += line_breaks(&rest[..cut], false);
                rest = &rest[cut..];
            }
            assert_eq!(got, whole, "buffer of {size} bytes over {:?}", String::from_utf8_lossy(text));
        }
    }

    fn records<R: std::io::Read>(p: &mut Parser<'_, R>) -> Vec<(u64, u64, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        let mut rec = ByteRecord::default();
        while p.next_record(&mut rec).unwrap_or(false) {
            out.push((rec.line, rec.end_line, rec.fields().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn a_block_is_text_only_when_asked_and_clean_utf8() {
        let first_block = |bytes: &[u8], check: bool| match Splitter::new(bytes, Vec::new(), 1, b',', 64).checking_text(check).next_block(Vec::new()).unwrap() {
            Next::Block(b) => b.text().map(str::to_string),
            _ => panic!("a block"),
        };
        assert_eq!(first_block("a,b\n架空,1\n".as_bytes(), true).as_deref(), Some("a,b\n架空,1\n"));
        assert_eq!(first_block("a,b\n架空,1\n".as_bytes(), false), None);
        assert_eq!(first_block(b"a,b\n\x82\xa0,1\n", true), None, "CP932 bytes");
        assert_eq!(first_block("a,b\n\u{FFFD},1\n".as_bytes(), true), None, "a replacement character");
    }

    #[test]
    fn blocks_cut_only_between_records() {
        same_as_whole(b"a,b\n1,2\n3,4\n");
        same_as_whole(b"a,b\r\n1,\"x\ny\"\r\n3,\"\"\"\"\r\n\"q,\n\",5");
        same_as_whole(b"a,b\r1,2\r3,4\r");
        // A quote inside an unquoted value is text, not an opening quote.
        same_as_whole(b"a,b\n5\"3,\"\nx\"\n1,2\n");
        // Text after a closing quote, then a line break.
        same_as_whole(b"a,b\n\"ab\"c,d\ne,\"f\"\"\n\"\n");
        same_as_whole(b"\"\n\",\n\n,\"\"\n\r\n\r");
    }

    #[test]
    fn line_breaks_counted_as_the_parser_does() {
        assert_eq!(line_breaks(b"a\nb\r\nc\rd", false), 3);
        assert_eq!(line_breaks(b"a\r", false), 1);
        assert_eq!(line_breaks(b"a\nb\n", true), 2);
    }

    #[test]
    fn no_cut_inside_a_quoted_value() {
        assert_eq!(last_record_end(b"a,\"x\ny", b','), None);
        assert_eq!(last_record_end(b"1\na,\"x\ny", b','), Some(2));
        assert_eq!(last_record_end(b"1\na,\"x\"\ny", b','), Some(8));
        // A closing quote as the last byte: not known yet.
        assert_eq!(last_record_end(b"1\na,\"x\"", b','), Some(2));
    }
}
