//! One file checked by one worker per core: a thread reads the CSV in
//! blocks of whole records (`split`), each worker parses and checks
//! whatever block is next, and the workers' findings are put back in line
//! order.

use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::check::{Checker, Problem};
use super::decode::{Encoding, Record};
use super::fast::{Fast, Memo};
use super::ids::{id_key_hash, IdSet};
use super::open::{Opened, Source};
use super::parse::{ByteRecord, ParseError, Parser};
use super::split::{Block, Next, Splitter, BLOCK_BYTES};
use super::{FileReport, ReadOptions, ReadReport, Rejected, Row, RowError, ERRORS_PER_FILE};

/// Blocks the reading thread may be ahead of the workers (about 16 MiB):
/// enough that a worker seldom waits while the reader is off its core.
const BLOCKS_AHEAD: usize = 64;

/// What one worker found in one file.
#[derive(Default)]
struct Partial {
    rows: u64,
    rejected_rows: u64,
    problems: u64,
    errors: Vec<RowError>,
    rejected: Vec<Rejected>,
    hashes: Vec<u64>,
    sorted: bool,
    fatal: bool,
}

/// What every record of one file is checked with.
struct FileCheck<'a> {
    checker: Checker<'a>,
    name: &'a str,
    sheet: &'a Option<String>,
    keep_rejected: bool,
}

impl FileCheck<'_> {
    fn record(&self, rec: &Record, part: &mut Partial, problems: &mut Vec<Problem>, sink: &mut impl FnMut(&Row)) {
        part.rows += 1;
        // Messages are needed while errors are still listed, or for rejects.
        let detail = self.keep_rejected || part.errors.len() < ERRORS_PER_FILE;
        match self.checker.check(rec, problems, detail) {
            Some(row) => {
                part.hashes.push(id_key_hash(row.incident_id));
                sink(&row);
            }
            None => {
                part.rejected_rows += 1;
                part.problems += problems.len() as u64;
                if self.keep_rejected {
                    let reason = problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ");
                    // Bytes that did not decode are in the text as `\xNN`.
                    let fields: Vec<String> = rec.iter().map(str::to_string).collect();
                    part.rejected.push(Rejected { file: self.checker.file, line: rec.line, end_line: rec.end_line, fields, reason });
                }
                let room = ERRORS_PER_FILE.saturating_sub(part.errors.len());
                part.errors.extend(problems.drain(..).take(room).map(|p| self.error(rec.line, p.column, p.value, p.message, false)));
            }
        }
    }

    fn error(&self, line: u64, column: String, value: String, message: String, fatal: bool) -> RowError {
        RowError { file: self.name.to_string(), sheet: self.sheet.clone(), line, column, value, message, fatal }
    }
}

/// Check every record of one opened file; valid rows go to the sinks.
pub fn check_file<S: FnMut(&Row) + Send>(
    index: usize,
    opened: Opened,
    opts: &ReadOptions,
    report: &mut ReadReport,
    ids: &mut IdSet,
    sinks: &mut [S],
) -> Result<()> {
    let Opened { name, sheet, encoding, layout, digest, source, notes } = opened;
    let fc = FileCheck { checker: Checker { file: index, layout: &layout }, name: &name, sheet: &sheet, keep_rejected: opts.keep_rejected };
    let parts: Vec<Partial> = match source {
        Source::Sheet(records) => {
            let mut part = Partial::default();
            let mut problems = Vec::new();
            let sink = sinks.first_mut().context("no sink")?;
            for rec in &records {
                fc.record(rec, &mut part, &mut problems, sink);
            }
            vec![part]
        }
        Source::Csv { parser, pending, unclosed } => {
            let delimiter = layout.delimiter.unwrap_or(b',');
            let fast = (encoding == Encoding::Utf8 && !opts.full_check).then(|| Fast::new(index, &layout)).flatten();
            let block_bytes = opts.block_bytes.unwrap_or(BLOCK_BYTES);
            let (full_tx, full_rx) = sync_channel::<Result<Work, ParseError>>(BLOCKS_AHEAD);
            let (empty_tx, empty_rx) = channel::<Vec<u8>>();
            // Workers share the receiver; when the last one ends (even by a
            // panic) it is dropped, so the reader stops instead of blocking.
            let full = std::sync::Arc::new(Mutex::new(full_rx));
            std::thread::scope(|scope| -> Result<Vec<Partial>> {
                scope.spawn(move || read_blocks(parser, pending, unclosed, (delimiter, block_bytes), full_tx, empty_rx));
                let workers: Vec<_> = sinks
                    .iter_mut()
                    .map(|sink| {
                        let (fc, fast, full, back) = (&fc, &fast, full.clone(), empty_tx.clone());
                        scope.spawn(move || -> Result<Partial> {
                            let mut w = Worker { fc, fast: fast.as_ref(), encoding, delimiter, part: Partial::default(), problems: Vec::new(), raw: ByteRecord::default(), text: Record::default(), memo: Memo::default() };
                            while let Some(work) = next_work(&full) {
                                match work {
                                    Ok(Work::Records(records)) => records.into_iter().for_each(|mut raw| w.record(&mut raw, sink)),
                                    Ok(Work::Block(block)) => {
                                        w.block(&block, sink);
                                        let _ = back.send(block.bytes);
                                    }
                                    Err(ParseError::UnclosedQuote(u)) => w.unclosed(&u),
                                    Err(ParseError::Io(e)) => return Err(e).with_context(|| crate::lang::doing("reading", "読み込み", &fc.name)),
                                }
                            }
                            // Sorted here, in parallel: the id check only merges.
                            w.part.hashes.sort_unstable();
                            w.part.sorted = true;
                            Ok(w.part)
                        })
                    })
                    .collect();
                drop(full);
                drop(empty_tx);
                workers.into_iter().map(|w| w.join().map_err(|_| anyhow::anyhow!("a validating worker panicked"))?).collect()
            })?
        }
    };
    let mut file = FileReport {
        path: name.clone(),
        extra_columns: layout.extra.clone(),
        header: layout.header.clone(),
        ..Default::default()
    };
    let (mut errors, mut rejected) = (Vec::new(), Vec::new());
    for part in parts {
        file.rows += part.rows;
        file.rejected += part.rejected_rows;
        file.problems += part.problems;
        report.fatal |= part.fatal;
        errors.extend(part.errors);
        rejected.extend(part.rejected);
        ids.add(part.hashes, part.sorted);
    }
    // Workers took batches in no set order: report in line order.
    errors.sort_by_key(|e| (e.line, !e.fatal));
    errors.truncate(ERRORS_PER_FILE);
    rejected.sort_by_key(|r| r.line);
    report.errors.extend(errors);
    report.rejected.extend(rejected);
    report.notes.extend(notes);
    file.sha256 = digest.lock().unwrap_or_else(|e| e.into_inner()).clone();
    report.files.push(file);
    Ok(())
}

/// What the reading thread hands a worker.
enum Work {
    /// Records parsed already: those read while the header was looked
    /// for, or one too long for a block.
    Records(Vec<ByteRecord>),
    /// Whole records to parse.
    Block(Block),
}

fn next_work(full: &Mutex<Receiver<Result<Work, ParseError>>>) -> Option<Result<Work, ParseError>> {
    full.lock().ok()?.recv().ok()
}

/// One worker's state over one file.
struct Worker<'a, 'f> {
    fc: &'a FileCheck<'f>,
    fast: Option<&'a Fast>,
    encoding: Encoding,
    delimiter: u8,
    part: Partial,
    problems: Vec<Problem>,
    raw: ByteRecord,
    text: Record,
    memo: Memo,
}

impl Worker<'_, '_> {
    /// A record parsed already: decoded and checked in full.
    fn record(&mut self, raw: &mut ByteRecord, sink: &mut impl FnMut(&Row)) {
        if raw.is_blank() {
            return;
        }
        self.text.take_from(raw, self.encoding);
        self.fc.record(&self.text, &mut self.part, &mut self.problems, sink);
    }

    /// Every record of a block: plain lines of a clean UTF-8 block through
    /// the fast path, the rest through the parser and the full check.
    fn block(&mut self, block: &Block, sink: &mut impl FnMut(&Row)) {
        let bytes = block.records();
        let clean = || simdutf8::basic::from_utf8(bytes).ok().filter(|_| memchr::memmem::find(bytes, "\u{FFFD}".as_bytes()).is_none());
        // `plain`: no quote and no CR in the whole block, so lines need no
        // look for them (asked only when the fast path reads the block).
        let text = self.fast.and_then(|fast| Some((fast, clean()?, memchr::memchr2(b'"', b'\r', bytes).is_none())));
        let mut parser = Parser::over(bytes, block.line, self.delimiter);
        loop {
            if let Some((fast, text, plain)) = text {
                if let Some((row, taken)) = fast.row(&mut self.memo, text, plain, parser.pos(), parser.line()) {
                    self.part.rows += 1;
                    self.part.hashes.push(id_key_hash(row.incident_id));
                    sink(&row);
                    parser.skip_line(taken);
                    continue;
                }
            }
            let mut raw = std::mem::take(&mut self.raw);
            let more = match parser.next_record(&mut raw) {
                Ok(true) => {
                    self.record(&mut raw, sink);
                    true
                }
                Ok(false) => false,
                // Only the file's last block can end inside a quote.
                Err(ParseError::UnclosedQuote(u)) => {
                    self.unclosed(&u);
                    false
                }
                // A block in memory has nothing more to read.
                Err(ParseError::Io(_)) => false,
            };
            self.raw = raw;
            if !more {
                break;
            }
        }
    }

    /// The file ends inside a quoted value: nothing after its opening
    /// quote can be read as records.
    fn unclosed(&mut self, u: &super::parse::UnclosedQuote) {
        self.part.fatal = true;
        self.part.errors.push(self.fc.error(
            u.line,
            super::row_column(),
            "\"".into(),
            crate::say!("a quote opened here is never closed: every later row would be lost in it", "ここで開いた引用符が閉じられていません。以降の行がすべてこの値に取り込まれてしまいます"),
            true,
        ));
    }
}

/// The reading thread: the records read past the header, then blocks of
/// whole records, buffers reused.
fn read_blocks(
    parser: super::open::CsvParser,
    pending: Vec<ByteRecord>,
    unclosed: Option<super::parse::UnclosedQuote>,
    (delimiter, block_bytes): (u8, usize),
    full: SyncSender<Result<Work, ParseError>>,
    empty: Receiver<Vec<u8>>,
) {
    if !pending.is_empty() && full.send(Ok(Work::Records(pending))).is_err() {
        return;
    }
    // The file ended inside a quote while the header was looked for.
    if let Some(u) = unclosed {
        let _ = full.send(Err(ParseError::UnclosedQuote(u)));
        return;
    }
    let (src, rest, line) = parser.into_parts();
    let mut split = Splitter::new(src, rest, line, delimiter, block_bytes);
    loop {
        let work = match split.next_block(empty.try_recv().unwrap_or_default()) {
            Ok(Next::Block(block)) => Ok(Work::Block(block)),
            Ok(Next::End) => return,
            Ok(Next::Long) => {
                // One record longer than a block: parsed here, with the
                // parser's bounds, then blocks again after it.
                let (src, read, line) = split.into_parts();
                let mut parser = Parser::starting(src, read, line, delimiter);
                let mut rec = ByteRecord::default();
                let parsed = parser.next_record(&mut rec);
                let (src, rest, line) = parser.into_parts();
                split = Splitter::new(src, rest, line, delimiter, block_bytes);
                match parsed {
                    Ok(_) => Ok(Work::Records(vec![rec])),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(ParseError::Io(e)),
        };
        let stop = work.is_err();
        if full.send(work).is_err() || stop {
            return;
        }
    }
}
