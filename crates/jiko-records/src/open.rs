//! One input opened: its encoding, separator and header found, and where
//! its records come from. Bytes are hashed (SHA-256, for the report footer)
//! and counted (progress) as the parser reads them: no second pass.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};

use super::decode::{self, Encoding, Record};
use super::header::{self, Layout, HEADER_MIN_KNOWN, HEADER_SEARCH_ROWS};
use super::parse::{ByteRecord, ParseError, Parser, UnclosedQuote};
use super::{place, ReadOptions};

/// Where a file's SHA-256 lands once its last byte is read.
pub(crate) type Digest = Arc<Mutex<String>>;

pub(crate) type CsvParser = Parser<'static, Box<dyn Read + Send>>;

pub enum Source {
    /// A CSV being parsed, with the records read past the header while
    /// looking for it.
    Csv { parser: CsvParser, pending: Vec<ByteRecord>, unclosed: Option<UnclosedQuote> },
    /// A worksheet, read whole, blank rows left out.
    Sheet(Vec<Record>),
}

pub(crate) struct Opened {
    pub name: String,
    pub sheet: Option<String>,
    pub encoding: Encoding,
    pub layout: Layout,
    pub digest: Digest,
    pub source: Source,
    pub notes: Vec<String>,
}

/// Separators tried, in order, when no header is found with a comma.
const SEPARATORS: &[(u8, &str)] = &[(b',', "comma"), (b'\t', "tab"), (b';', "semicolon")];

pub fn open(path: &Path, opts: &ReadOptions) -> Result<Opened> {
    let lang = opts.lang;
    let name = super::display(path);
    if let Some(bytes) = super::builtin::bytes(path) {
        return open_bytes(&name, bytes.to_vec(), opts);
    }
    kind_matches_name(lang, path, &name)?;
    if super::inputs::is_workbook(path) {
        return open_workbook(path, &name, opts);
    }
    let encoding = match opts.encoding {
        Some(e) => e,
        None => decode::sniff(lang, path)?,
    };
    let path = path.to_path_buf();
    let source = move || -> Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::fs::File::open(&path).with_context(|| jiko_core::lang::doing(lang, "opening", "オープン", &path.display()))?))
    };
    open_csv(&name, encoding, &source, opts)
}

/// Kinds of file known by their first bytes, that are no text.
const MAGIC: &[(&[u8], &str, &str)] = &[
    (b"\x89PNG", "a PNG image", "PNG 画像"),
    (b"\xFF\xD8\xFF", "a JPEG image", "JPEG 画像"),
    (b"GIF8", "a GIF image", "GIF 画像"),
    (b"%PDF", "a PDF document", "PDF 文書"),
    (b"PK\x03\x04", "a zip archive (an Excel workbook?)", "zip 形式（Excel のブック？）"),
    (b"\xD0\xCF\x11\xE0", "an old Office document (.xls?)", "旧形式の Office 文書（.xls？）"),
    (b"\x1F\x8B", "a gzip archive", "gzip 形式"),
];

/// A file whose first bytes say it is not what its name says: an image
/// or archive named .csv, a text file named .xlsx. One clear error, before
/// a reader would make a header of its bytes or fail in its own words.
fn kind_matches_name(lang: jiko_core::lang::Lang, path: &Path, name: &str) -> Result<()> {
    let mut head = [0u8; 8];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        // Opening errors are reported by the reader, in its words.
        Err(_) => return Ok(()),
    };
    let head = &head[..n];
    let kind = MAGIC.iter().find(|(m, _, _)| head.starts_with(m)).map(|(_, en, ja)| if lang.ja() { *ja } else { *en });
    if super::inputs::is_workbook(path) {
        let zip_or_ole = head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0");
        if n > 0 && !zip_or_ole {
            let what = kind.map_or_else(|| jiko_core::say!(lang, "it holds text (a CSV file named as a workbook?); rename it to .csv", "中身はテキストです（CSV ファイルの拡張子が違う？）。.csv に名前を変えてください"), |k| k.to_string());
            anyhow::bail!(jiko_core::say!(lang, "{name}: not an Excel workbook: {what}", "{name}: Excel のブックではありません: {what}", name = name, what = what));
        }
        return Ok(());
    }
    if let Some(k) = kind {
        anyhow::bail!(jiko_core::say!(
            lang,
            "{name}: not a text file: it is {k}; give the incident list as CSV (or a workbook named .xlsx)",
            "{name}: テキストファイルではありません（{k}）。事故の一覧を CSV（又は .xlsx のブック）で指定してください",
            name = name,
            k = k
        ));
    }
    Ok(())
}

pub(crate) fn open_bytes(name: &str, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Opened> {
    let encoding = match opts.encoding {
        Some(e) => e,
        None => decode::sniff_reader(&bytes[..])?,
    };
    let bytes = Arc::new(bytes);
    let source = move || -> Result<Box<dyn Read + Send>> { Ok(Box::new(std::io::Cursor::new(SharedBytes(bytes.clone())))) };
    open_csv(name, encoding, &source, opts)
}

/// A header cell that holds a line break and, after it, a line that reads
/// as a record (a date in the start's column): a stray quote in the header
/// took records into it. Refused, as no record can be trusted after it.
fn swallowed_by_header(lang: jiko_core::lang::Lang, name: &str, line: u64, header: &[String], layout: &header::Layout, delimiter: u8) -> Result<()> {
    if !layout.has(header::col::STARTED) {
        return Ok(());
    }
    let started = layout.at[header::col::STARTED];
    let d = char::from(delimiter);
    for cell in header.iter().filter(|c| c.contains(['\n', '\r'])) {
        // A header cell may break its line (`影響利用者数⏎（人）`), but no
        // line of it holds the separator: that is a row taken in.
        let inner = cell.split(['\n', '\r']).skip(1).find(|l| l.contains(d) || header::dated_fields(l, d, started).is_some());
        if let Some(l) = inner {
            bail!(jiko_core::say!(
                lang,
                "{at}: a header cell holds a line break and then a line that reads as a record ({l:?}): a quote in the header is probably stray; no record after it can be read right",
                "{at}: 見出しのセルに改行と、1件の記録に見える行（{l:?}）があります。見出しに余分な引用符があると思われます（以降の記録を正しく読めません）",
                at = place(lang, name, None, line),
                l = l.chars().take(60).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// A reader without a leading UTF-8 BOM.
struct SkipBom {
    inner: Box<dyn Read + Send>,
    checked: bool,
}

impl Read for SkipBom {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut head = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                match self.inner.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            if n == 3 && head == *b"\xEF\xBB\xBF" {
                return self.read(buf);
            }
            // Not a BOM: give back what was read, then carry on.
            let k = n.min(buf.len());
            buf[..k].copy_from_slice(&head[..k]);
            if k < n {
                // A buffer under 3 bytes: keep the rest for the next read.
                let rest = head[k..n].to_vec();
                let inner = std::mem::replace(&mut self.inner, Box::new(std::io::empty()));
                self.inner = Box::new(std::io::Cursor::new(rest).chain(inner));
            }
            return Ok(k);
        }
        self.inner.read(buf)
    }
}

struct SharedBytes(Arc<Vec<u8>>);
impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The header among the first rows: the forced row, or the first naming
/// enough contract columns. Returns its index in `rows`.
fn find_header(rows: &[Record], forced: Option<u64>) -> Option<usize> {
    match forced {
        Some(line) => rows.iter().position(|r| r.line == line),
        None => rows.iter().position(|r| {
            let cells: Vec<String> = r.iter().map(str::to_string).collect();
            header::known_columns(&cells) >= HEADER_MIN_KNOWN
        }),
    }
}

fn cells(r: &Record) -> Vec<String> {
    r.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect()
}

/// Title rows above the header, named in a note.
fn title_note(lang: jiko_core::lang::Lang, name: &str, sheet: Option<&str>, skipped: &[Record]) -> Option<String> {
    (!skipped.is_empty()).then(|| {
        let rows: Vec<String> = skipped.iter().map(|r| format!("{} ({})", r.line, super::shown(&r.iter().collect::<Vec<_>>().join(" ").trim().to_string()))).collect();
        jiko_core::say!(
            lang,
            "{at}: rows above the header skipped as titles: {rows}",
            "{at}: 見出しより上の行を表題として読み飛ばしました: {rows}",
            at = place(lang, name, sheet, skipped[0].line),
            rows = rows.join(", ")
        )
    })
}

fn open_csv(name: &str, encoding: Encoding, source: &dyn Fn() -> Result<Box<dyn Read + Send>>, opts: &ReadOptions) -> Result<Opened> {
    let lang = opts.lang;
    let mut first_try = None;
    let counted_before = opts.progress.as_ref().map(|c| c.load(std::sync::atomic::Ordering::Relaxed));
    for (i, (separator, separator_name)) in SEPARATORS.iter().enumerate() {
        // Each try reads the file anew: progress counts the last one.
        if let (Some(c), Some(n)) = (&opts.progress, counted_before) {
            c.store(n, std::sync::atomic::Ordering::Relaxed);
        }
        let digest = Digest::default();
        let tap: Box<dyn Read + Send> = Box::new(Tap {
            inner: source()?,
            counter: opts.progress.clone(),
            hasher: Some(sha2::Sha256::default()),
            digest: digest.clone(),
        });
        // A BOM is the encoding's mark, not the first cell's text: dropped
        // before a quote can be judged (`\u{feff}"equipment"`). The digest
        // above still covers it.
        let input: Box<dyn Read + Send> = Box::new(SkipBom { inner: tap, checked: false });
        let mut parser = Parser::new(input, *separator);
        // The first rows, raw and decoded, to find the header in.
        let mut raw = Vec::new();
        let mut rows = Vec::new();
        let mut unclosed = None;
        let limit = opts.header_row.map_or(HEADER_SEARCH_ROWS as u64, |n| n.max(1));
        loop {
            let mut rec = ByteRecord::default();
            match parser.next_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(ParseError::UnclosedQuote(u)) => {
                    // Reported with the rows' errors, once the header is known.
                    unclosed = Some(u);
                    break;
                }
                Err(ParseError::Io(e)) => return Err(e).with_context(|| jiko_core::lang::doing(lang, "reading", "読み込み", &name)),
            }
            if rec.is_blank() {
                continue;
            }
            let mut text = Record::default();
            text.decode_from(&rec, encoding);
            let line = rec.line;
            raw.push(rec);
            rows.push(text);
            if rows.len() >= HEADER_SEARCH_ROWS && line >= limit {
                break;
            }
        }
        let found = find_header(&rows, opts.header_row);
        let Some(at) = found else {
            first_try.get_or_insert((rows, raw, parser, digest));
            continue;
        };
        let header = cells(&rows[at]);
        let mut layout = header::map_header(lang, &place(lang, name, None, rows[at].line), &header)?;
        layout.delimiter = Some(*separator);
        swallowed_by_header(lang, name, rows[at].line, &header, &layout, *separator)?;
        let mut notes: Vec<String> = title_note(lang, name, None, &rows[..at]).into_iter().collect();
        if i > 0 {
            notes.push(jiko_core::say!(
                lang,
                "{name}: read as {sep}-separated (no header was found with commas)",
                "{name}: カンマ区切りでは見出しが見つからないため、{sep}区切りとして読みました",
                name = name,
                sep = separator_name
            ));
        }
        let pending = raw.split_off(at + 1);
        return Ok(Opened {
            name: name.to_string(),
            sheet: None,
            encoding,
            layout,
            digest,
            source: Source::Csv { parser, pending, unclosed },
            notes,
        });
    }
    // No separator gave a header: report the comma reading's first row.
    let (rows, _, _, _) = first_try.context("no separator tried")?;
    match (opts.header_row, rows.first()) {
        (Some(n), _) => bail!(jiko_core::say!(lang, "{at}: --header-row {n}: the file has no such row", "{at}: --header-row {n}: その行がありません", at = place(lang, name, None, n), n = n)),
        (None, None) => bail!(jiko_core::say!(lang, "{name}: the file holds no rows (no header)", "{name}: 行がありません（見出しもありません）", name = name)),
        (None, Some(first)) => {
            header::map_header(lang, &place(lang, name, None, first.line), &cells(first))?;
            bail!(jiko_core::say!(
                lang,
                "{at}: no header row found in the first {n} rows",
                "{at}: 最初の{n}行に見出しが見つかりません",
                at = place(lang, name, None, first.line),
                n = HEADER_SEARCH_ROWS
            ))
        }
    }
}

fn open_workbook(path: &Path, name: &str, opts: &ReadOptions) -> Result<Opened> {
    let lang = opts.lang;
    let super::workbook::SheetRead { name: sheet, mut rows, note } = super::workbook::read_sheet(lang, path, opts.sheet.as_deref())?;
    let bytes = std::fs::read(path).with_context(|| jiko_core::lang::doing(lang, "reading", "読み込み", &path.display()))?;
    if let Some(counter) = &opts.progress {
        counter.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    }
    let digest = Digest::new(Mutex::new(super::sha256_hex(&bytes)));
    let search = &rows[..rows.len().min(opts.header_row.map_or(HEADER_SEARCH_ROWS, |_| rows.len()))];
    let at = match find_header(search, opts.header_row) {
        Some(at) => at,
        None => match (opts.header_row, rows.first()) {
            (Some(n), _) => bail!(jiko_core::say!(
                lang,
                "{at}: --header-row {n}: the sheet has no such row with values",
                "{at}: --header-row {n}: 値のあるその行がありません",
                at = place(lang, name, Some(&sheet), n),
                n = n
            )),
            (None, None) => bail!(jiko_core::say!(lang, "{name}: sheet {sheet} is empty", "{name}: シート {sheet} は空です", name = name, sheet = sheet)),
            (None, Some(_)) => 0,
        },
    };
    let header = cells(&rows[at]);
    let layout = header::map_header(lang, &place(lang, name, Some(&sheet), rows[at].line), &header)?;
    // The sheet read is always said: a workbook holds several.
    let notes = std::iter::once(note).chain(title_note(lang, name, Some(&sheet), &rows[..at])).collect();
    let mut data = rows.split_off(at + 1);
    data.iter_mut().for_each(|r| r.pad_to(header.len()));
    Ok(Opened { name: name.to_string(), sheet: Some(sheet), encoding: Encoding::Utf8, layout, digest, source: Source::Sheet(data), notes })
}

/// Counts bytes for the progress display and hashes them for the footer.
struct Tap<R> {
    inner: R,
    counter: Option<Arc<std::sync::atomic::AtomicU64>>,
    hasher: Option<sha2::Sha256>,
    digest: Digest,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        let n = self.inner.read(buf)?;
        if let Some(c) = &self.counter {
            c.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        match (&mut self.hasher, n) {
            (Some(h), 0) if !buf.is_empty() => {
                let done = std::mem::take(h);
                self.hasher = None;
                *self.digest.lock().unwrap_or_else(|e| e.into_inner()) = super::hex(&done.finalize());
            }
            (Some(h), _) => h.update(&buf[..n]),
            (None, _) => {}
        }
        Ok(n)
    }
}

impl Opened {
    /// Every record after the header, decoded, in file order, on this
    /// thread (the second look for duplicate ids).
    pub(crate) fn each_record(self, mut f: impl FnMut(&Record)) -> Result<()> {
        let mut text = Record::default();
        match self.source {
            Source::Sheet(rows) => rows.iter().for_each(f),
            Source::Csv { mut parser, pending, .. } => {
                for raw in &pending {
                    text.decode_from(raw, self.encoding);
                    f(&text);
                }
                let mut raw = ByteRecord::default();
                loop {
                    match parser.next_record(&mut raw) {
                        Ok(true) if raw.is_blank() => {}
                        Ok(true) => {
                            text.decode_from(&raw, self.encoding);
                            f(&text);
                        }
                        Ok(false) => break,
                        // The first pass reported what stops a file.
                        Err(_) => break,
                    }
                }
            }
        }
        Ok(())
    }
}
