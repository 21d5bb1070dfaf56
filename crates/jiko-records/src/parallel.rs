//! One file checked by one thread per sink: a thread reads the CSV in
//! blocks of whole records (`split`), each worker parses and checks
//! whatever block is next, and the workers' findings are put back in line
//! order. With two sinks or more, the reading thread is also a worker: it
//! checks a block itself whenever enough wait, so no thread waits for a
//! core while another waits for work.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};

use super::check::{Checker, Problem};
use super::decode::{Encoding, Record};
use super::fast::{Fast, Memo};
use super::ids::{id_key_hash, Hashes, IdSet};
use super::open::{Opened, Source};
use super::parse::{ByteRecord, ParseError, Parser};
use super::split::{Block, Next, Splitter, BLOCK_BYTES};
use super::values::Vocabularies;
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
    hashes: Hashes,
    /// Rejected rows that have an id: (line, its problems), so a row fixed
    /// and fed back can supersede it (`IdSet::resolve`).
    rejected_ids: Vec<(u64, u64)>,
    fatal: bool,
    /// Warnings by line: records read right that may hide another.
    warnings: Vec<(u64, String)>,
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
                if rec.end_line > rec.line && part.warnings.len() < ERRORS_PER_FILE {
                    if let Some(w) = self.hidden_record(rec) {
                        part.warnings.push((rec.line, w));
                    }
                }
                sink(&row);
            }
            None => {
                // Its id counts for duplicates too: a copy of it later is
                // reported in this run, not after the first is fixed.
                let id_at = self.checker.layout.at[super::header::col::ID];
                if let Some(id) = rec.get(id_at).map(str::trim).filter(|id| !id.is_empty()) {
                    part.hashes.push(id_key_hash(id));
                    part.rejected_ids.push((rec.line, problems.len() as u64));
                }
                part.rejected_rows += 1;
                part.problems += problems.len() as u64;
                if self.keep_rejected {
                    let reason = problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ");
                    // Bytes that did not decode are in the text as `\xNN`.
                    let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
                    // A value past the reader's bound was kept only in part:
                    // said in the value itself, never cut in silence.
                    if let Some(f) = rec.oversized.and_then(|i| fields.get_mut(i)) {
                        f.push_str(&cut_mark(self.checker.lang));
                    }
                    part.rejected.push(Rejected { file: self.checker.file, line: rec.line, end_line: rec.end_line, fields, reason });
                }
                let room = ERRORS_PER_FILE.saturating_sub(part.errors.len());
                part.errors.extend(problems.drain(..).take(room).map(|p| self.error(rec.line, p.column, p.value, p.message, false)));
            }
        }
    }

    /// A quoted value that holds a line break, and a line in it that reads
    /// as the start of another record (the columns up to it, with a date in
    /// the start's column): legal CSV, but most likely a stray pair of
    /// quotes that joined two rows. A warning naming the lines.
    fn hidden_record(&self, rec: &Record) -> Option<String> {
        let layout = self.checker.layout;
        let d = char::from(layout.delimiter?);
        let started = layout.at[super::header::col::STARTED];
        // Columns of one line: a break in them is legal CSV but no value.
        use super::header::col;
        let one_line = [col::ID, col::CARRIER, col::FORM, col::STARTED, col::DURATION, col::USERS, col::CAUSE, col::EQUIPMENT, col::ACCIDENT, col::ENDED];
        for c in one_line.iter().filter(|c| layout.has(**c)) {
            let k = layout.at[*c];
            if rec.get(k).is_some_and(|v| v.contains(['\n', '\r'])) {
                return Some(jiko_core::say!(
                    self.checker.lang,
                    "{f}:{a}: column {c} holds a line break (the quoted value runs from line {a} to line {b}): legal CSV, but most likely a stray quote that joined rows; the row was read as one record",
                    "{f}:{a}: 列 {c} に改行があります（引用符内の値が{a}行目から{b}行目まで続きます）。余分な引用符で行がつながった可能性があります（1件として読みました）",
                    f = self.name,
                    a = rec.line,
                    b = rec.end_line,
                    c = layout.header.get(k).cloned().unwrap_or_default()
                ));
            }
        }
        for (k, v) in rec.iter().enumerate().filter(|(_, v)| v.contains(['\n', '\r'])) {
            for l in v.split(['\n', '\r']).skip(1) {
                if k >= started && super::header::dated_fields(l, d, started).is_some_and(|f| f.len() >= k) {
                    return Some(jiko_core::say!(
                        self.checker.lang,
                        "{f}:{a}: the quoted value of column {c} runs from line {a} to line {b} and holds a line that reads as another record ({l:?}): check for a stray pair of quotes; the row was read as one record",
                        "{f}:{a}: 列 {c} の引用符内の値が{a}行目から{b}行目まで続き、別の1件の始まりに見える行（{l:?}）を含みます。余分な引用符の組がないか確かめてください（1件として読みました）",
                        f = self.name,
                        a = rec.line,
                        b = rec.end_line,
                        c = layout.header.get(k).cloned().unwrap_or_default(),
                        l = l.chars().take(60).collect::<String>()
                    ));
                }
            }
        }
        None
    }

    fn error(&self, line: u64, column: String, value: String, message: String, fatal: bool) -> RowError {
        RowError { file: self.name.to_string(), sheet: self.sheet.clone(), line, column, value, message, fatal }
    }
}

/// Check every record of one opened file; valid rows go to the sinks.
pub(crate) fn check_file<S: FnMut(&Row) + Send>(
    index: usize,
    opened: Opened,
    opts: &ReadOptions,
    report: &mut ReadReport,
    ids: &mut IdSet,
    sinks: &mut [S],
) -> Result<()> {
    let Opened { name, sheet, encoding, layout, digest, source, notes } = opened;
    let voc = Vocabularies::of(opts.rules.vocab);
    let fc = FileCheck { checker: Checker { file: index, layout: &layout, unknown_users: opts.unknown_users, rules: opts.rules, voc: &voc, lang: opts.lang }, name: &name, sheet: &sheet, keep_rejected: opts.keep_rejected };
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
            let fast = (encoding == Encoding::Utf8 && !opts.full_check).then(|| Fast::new(index, &layout, opts.rules, &voc)).flatten();
            let block_bytes = opts.block_bytes.unwrap_or(BLOCK_BYTES);
            // The fast path reads text: the reading thread checks it.
            let check_text = fast.is_some();
            let (full_tx, full_rx) = sync_channel::<Result<Work, ParseError>>(BLOCKS_AHEAD);
            let (empty_tx, empty_rx) = channel::<Vec<u8>>();
            // Workers share the receiver; when the last one ends (even by a
            // panic) it is dropped, so a reader that does not help stops
            // instead of blocking.
            let waiting = Arc::new(AtomicUsize::new(0));
            let queue = Arc::new(Queue { rx: Mutex::new(full_rx), waiting: waiting.clone() });
            let new_worker = || Worker { fc: &fc, fast: fast.as_ref(), encoding, delimiter, part: Partial::default(), problems: Vec::new(), raw: ByteRecord::default(), text: Record::default(), memo: Memo::default() };
            // With two sinks or more, the reading thread takes the first
            // and checks blocks itself whenever enough wait: as many threads
            // as sinks, so none waits for a core while another waits for work.
            let (helper, sinks) = match sinks.split_first_mut() {
                Some((first, rest)) if !rest.is_empty() => (Some(first), rest),
                _ => (None, sinks),
            };
            let keep_ahead = KEEP_AHEAD_PER_WORKER * sinks.len();
            std::thread::scope(|scope| -> Result<Vec<Partial>> {
                let new_worker = &new_worker;
                let help = helper.map(|sink| Help { queue: queue.clone(), keep_ahead, back: empty_tx.clone(), sink });
                let reader = scope.spawn(move || -> Result<Option<Partial>> {
                    read_blocks(parser, pending, unclosed, (delimiter, block_bytes, check_text), (full_tx, &waiting), empty_rx, help.map(|h| (new_worker(), h)))
                });
                let workers: Vec<_> = sinks
                    .iter_mut()
                    .map(|sink| {
                        let (queue, back) = (queue.clone(), empty_tx.clone());
                        scope.spawn(move || -> Result<Partial> {
                            let mut w = new_worker();
                            while let Some(work) = queue.next() {
                                w.take(work, sink, &back)?;
                            }
                            Ok(w.part)
                        })
                    })
                    .collect();
                drop(queue);
                drop(empty_tx);
                // Every thread joined before any error is returned: the
                // scope would panic for one that panicked and was not.
                let joined: Vec<_> = workers.into_iter().map(|w| w.join().map_err(|_| anyhow::anyhow!("a validating worker panicked"))).collect();
                let read = reader.join().map_err(|_| anyhow::anyhow!("the reading thread panicked"));
                let mut parts: Vec<Partial> = joined.into_iter().map(|j| j?).collect::<Result<_>>()?;
                parts.extend(read??);
                Ok(parts)
            })?
        }
    };
    let mut file = FileReport {
        path: name.clone(),
        sheet: sheet.clone(),
        extra_columns: layout.extra.clone(),
        header: layout.header.clone(),
        ..Default::default()
    };
    let (mut errors, mut rejected, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    let mut warnings = Vec::new();
    for part in parts {
        warnings.extend(part.warnings);
        file.rows += part.rows;
        file.rejected += part.rejected_rows;
        file.problems += part.problems;
        report.fatal |= part.fatal;
        errors.extend(part.errors);
        rejected.extend(part.rejected);
        hashes.push(part.hashes);
        ids.rejected.extend(part.rejected_ids.into_iter().map(|(line, n)| ((index, line), n)));
    }
    ids.add(hashes);
    // Workers took batches in no set order: report in line order.
    errors.sort_by_key(|e| (e.line, !e.fatal));
    errors.truncate(ERRORS_PER_FILE);
    rejected.sort_by_key(|r| r.line);
    report.errors.extend(errors);
    report.rejected.extend(rejected);
    report.notes.extend(notes);
    warnings.sort();
    report.notes.extend(warnings.into_iter().take(ERRORS_PER_FILE).map(|(_, w)| w));
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

type Item = Result<Work, ParseError>;

/// The blocks read and not yet taken, and how many they are.
struct Queue {
    rx: Mutex<Receiver<Item>>,
    waiting: Arc<AtomicUsize>,
}

impl Queue {
    /// The next item; `None` once the reader is done and all are taken.
    fn next(&self) -> Option<Item> {
        let item = self.rx.lock().ok()?.recv().ok()?;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        Some(item)
    }

    /// The next item if one waits and no worker is waiting for one (that
    /// worker holds the lock until the reading thread sends more: waiting
    /// for the lock here would never end).
    fn try_next(&self) -> Option<Item> {
        let item = self.rx.try_lock().ok()?.try_recv().ok()?;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        Some(item)
    }
}

/// Blocks the reading thread keeps waiting per worker before it checks one
/// itself: enough that no worker runs out while it does.
const KEEP_AHEAD_PER_WORKER: usize = 4;

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
    /// Check what the reading thread handed over; the block's buffer goes
    /// back to it.
    fn take(&mut self, work: Item, sink: &mut impl FnMut(&Row), back: &Sender<Vec<u8>>) -> Result<()> {
        match work {
            Ok(Work::Records(records)) => records.into_iter().for_each(|mut raw| self.record(&mut raw, sink)),
            Ok(Work::Block(block)) => {
                self.block(&block, sink);
                let _ = back.send(block.into_buffer());
            }
            Err(ParseError::UnclosedQuote(u)) => self.unclosed(&u),
            Err(ParseError::Io(e)) => return Err(e).with_context(|| jiko_core::lang::doing(self.fc.checker.lang, "reading", "読み込み", &self.fc.name)),
        }
        Ok(())
    }

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
        // `plain`: no quote and no CR in the whole block, so lines need no
        // look for them.
        let text = self.fast.and_then(|fast| Some((fast, block.text()?, block.plain)));
        let mut parser = Parser::over(bytes, block.line, self.delimiter);
        loop {
            if let Some((fast, text, plain)) = text {
                let hashes = &mut self.part.hashes;
                let checked = fast.row(&mut self.memo, text, plain, parser.pos(), parser.line(), |row| {
                    hashes.push(id_key_hash(row.incident_id));
                    sink(row);
                });
                if let Some(taken) = checked {
                    self.part.rows += 1;
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
            super::row_column(self.fc.checker.lang),
            "\"".into(),
            jiko_core::say!(self.fc.checker.lang, "a quote opened here is never closed: every later row would be lost in it", "ここで開いた引用符が閉じられていません。以降の行がすべてこの値に取り込まれてしまいます"),
            true,
        ));
    }
}

/// What the reading thread needs to check blocks itself: the queue, how
/// many blocks it keeps waiting before it checks one, where buffers go
/// back, and its sink.
struct Help<'s, S> {
    queue: Arc<Queue>,
    keep_ahead: usize,
    back: Sender<Vec<u8>>,
    sink: &'s mut S,
}

/// The reading thread: the records read past the header, then blocks of
/// whole records, buffers reused. With `help`, it checks blocks itself
/// whenever more than enough wait or the queue is full (so it never waits
/// for workers, even ones that ended), and those left once the file is
/// read; it returns what its worker found.
fn read_blocks<S: FnMut(&Row)>(
    parser: super::open::CsvParser,
    pending: Vec<ByteRecord>,
    unclosed: Option<super::parse::UnclosedQuote>,
    (delimiter, block_bytes, check_text): (u8, usize, bool),
    (full, waiting): (SyncSender<Item>, &AtomicUsize),
    empty: Receiver<Vec<u8>>,
    mut help: Option<(Worker<'_, '_>, Help<'_, S>)>,
) -> Result<Option<Partial>> {
    read_all(parser, pending, unclosed, (delimiter, block_bytes, check_text), &empty, |mut work| {
        let stop = work.is_err();
        waiting.fetch_add(1, Ordering::Relaxed);
        let Some((w, h)) = &mut help else { return Ok(full.send(work).is_ok() && !stop) };
        loop {
            match full.try_send(work) {
                Ok(()) => break,
                Err(TrySendError::Full(again)) => {
                    work = again;
                    // A worker takes one now: try again.
                    match h.queue.try_next() {
                        Some(item) => w.take(item, &mut *h.sink, &h.back)?,
                        None => std::thread::yield_now(),
                    }
                }
                Err(TrySendError::Disconnected(_)) => return Ok(false),
            }
        }
        while waiting.load(Ordering::Relaxed) > h.keep_ahead {
            let Some(item) = h.queue.try_next() else { break };
            w.take(item, &mut *h.sink, &h.back)?;
        }
        Ok(!stop)
    })?;
    drop(full);
    let Some((mut w, h)) = help else { return Ok(None) };
    while let Some(item) = h.queue.next() {
        w.take(item, &mut *h.sink, &h.back)?;
    }
    Ok(Some(w.part))
}

/// Every record past the header, handed to `send` in file order: the
/// records read already, then blocks, until `send` says stop or the file
/// ends (an error is the last item).
fn read_all(
    parser: super::open::CsvParser,
    pending: Vec<ByteRecord>,
    unclosed: Option<super::parse::UnclosedQuote>,
    (delimiter, block_bytes, check_text): (u8, usize, bool),
    empty: &Receiver<Vec<u8>>,
    mut send: impl FnMut(Item) -> Result<bool>,
) -> Result<()> {
    if !pending.is_empty() && !send(Ok(Work::Records(pending)))? {
        return Ok(());
    }
    // The file ended inside a quote while the header was looked for.
    if let Some(u) = unclosed {
        send(Err(ParseError::UnclosedQuote(u)))?;
        return Ok(());
    }
    let (src, rest, line) = parser.into_parts();
    let mut split = Splitter::new(src, rest, line, delimiter, block_bytes).checking_text(check_text);
    loop {
        let work = match split.next_block(empty.try_recv().unwrap_or_default()) {
            Ok(Next::Block(block)) => Ok(Work::Block(block)),
            Ok(Next::End) => return Ok(()),
            Ok(Next::Long) => {
                // One record longer than a block: parsed here, with the
                // parser's bounds, then blocks again after it.
                let (src, read, line) = split.into_parts();
                let mut parser = Parser::starting(src, read, line, delimiter);
                let mut rec = ByteRecord::default();
                let parsed = parser.next_record(&mut rec);
                let (src, rest, line) = parser.into_parts();
                split = Splitter::new(src, rest, line, delimiter, block_bytes).checking_text(check_text);
                match parsed {
                    Ok(_) => Ok(Work::Records(vec![rec])),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(ParseError::Io(e)),
        };
        if !send(work)? {
            return Ok(());
        }
    }
}

/// What ends a value of rejects.csv that the reader kept only in part.
pub(crate) fn cut_mark(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(
        lang,
        "…[cut here: the value went on past the {n} bytes jiko keeps]",
        "…[ここで切りました: jiko が保持する {n} バイトを超えて続いていました]",
        n = super::parse::FIELD_BYTES
    )
}
