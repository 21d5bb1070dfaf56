//! One file checked by one worker per core: a thread parses the CSV into
//! batches of byte records, each worker decodes and checks whatever batch
//! is next, and the workers' findings are put back in line order.

use std::sync::mpsc::{channel, sync_channel, Receiver};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::check::{Checker, Problem};
use super::decode::Record;
use super::ids::{id_key_hash, IdSet};
use super::open::{Opened, Source};
use super::parse::{ByteRecord, ParseError};
use super::{FileReport, ReadOptions, ReadReport, Rejected, Row, RowError, ERRORS_PER_FILE};

/// Records per batch handed from the parsing thread to the workers.
const BATCH: usize = 4096;

/// What one worker found in one file.
#[derive(Default)]
struct Partial {
    rows: u64,
    rejected_rows: u64,
    problems: u64,
    errors: Vec<RowError>,
    rejected: Vec<Rejected>,
    hashes: Vec<u64>,
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
            let (full_tx, full_rx) = sync_channel::<Result<Batch, ParseError>>(2 * sinks.len() + 2);
            let (empty_tx, empty_rx) = channel::<Vec<ByteRecord>>();
            // Workers share the receiver; when the last one ends (even by a
            // panic) it is dropped, so the parser stops instead of blocking.
            let full = std::sync::Arc::new(Mutex::new(full_rx));
            std::thread::scope(|scope| -> Result<Vec<Partial>> {
                scope.spawn(move || parse_batches(parser, pending, unclosed, full_tx, empty_rx));
                let workers: Vec<_> = sinks
                    .iter_mut()
                    .map(|sink| {
                        let (fc, full, back) = (&fc, full.clone(), empty_tx.clone());
                        scope.spawn(move || -> Result<Partial> {
                            let mut part = Partial::default();
                            let mut problems = Vec::new();
                            let mut text = Record::default();
                            while let Some(batch) = next_batch(&full) {
                                match batch {
                                    Ok(mut batch) => {
                                        for raw in batch.0.iter_mut() {
                                            text.take_from(raw, encoding);
                                            fc.record(&text, &mut part, &mut problems, sink);
                                        }
                                        let _ = back.send(batch.0);
                                    }
                                    Err(ParseError::UnclosedQuote(u)) => {
                                        part.fatal = true;
                                        part.errors.push(fc.error(
                                            u.line,
                                            super::row_column(),
                                            "\"".into(),
                                            crate::say!("a quote opened here is never closed: every later row would be lost in it", "ここで開いた引用符が閉じられていません。以降の行がすべてこの値に取り込まれてしまいます"),
                                            true,
                                        ));
                                    }
                                    Err(ParseError::Io(e)) => return Err(e).with_context(|| crate::lang::doing("reading", "読み込み", &fc.name)),
                                }
                            }
                            Ok(part)
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
        ids.hashes.extend(part.hashes);
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

struct Batch(Vec<ByteRecord>);

fn next_batch(full: &Mutex<Receiver<Result<Batch, ParseError>>>) -> Option<Result<Batch, ParseError>> {
    full.lock().ok()?.recv().ok()
}

/// The parsing thread: batches of non-blank records, buffers reused.
fn parse_batches(
    mut parser: super::open::CsvParser,
    pending: Vec<ByteRecord>,
    unclosed: Option<super::parse::UnclosedQuote>,
    full: std::sync::mpsc::SyncSender<Result<Batch, ParseError>>,
    empty: Receiver<Vec<ByteRecord>>,
) {
    if !pending.is_empty() && full.send(Ok(Batch(pending))).is_err() {
        return;
    }
    // The file ended inside a quote while the header was looked for.
    if let Some(u) = unclosed {
        let _ = full.send(Err(ParseError::UnclosedQuote(u)));
        return;
    }
    loop {
        let mut records = empty.try_recv().unwrap_or_default();
        records.resize_with(BATCH, ByteRecord::default);
        let mut n = 0;
        let mut failed = None;
        while n < BATCH {
            match parser.next_record(&mut records[n]) {
                Ok(true) if records[n].is_blank() => {}
                Ok(true) => n += 1,
                Ok(false) => break,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        records.truncate(n);
        if n > 0 && full.send(Ok(Batch(records))).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _ = full.send(Err(e));
            return;
        }
        if n < BATCH {
            return;
        }
    }
}
