//! jiko's reader: incident files (CSV in UTF-8 or CP932, Excel workbooks)
//! checked row by row into typed [`Row`]s, one worker per core, with every
//! problem located (file, line, column, value) in a [`ReadReport`]. Every
//! row read is valid, rejected, or blank spacing: none is dropped in
//! silence.
//!
//! The face: [`read_files`] and [`read_files_in_parallel`] (and their
//! `read_csv_bytes` forms) with [`ReadOptions`] (the rules rows are checked
//! against, the language of the messages, the encoding, the sheet); the
//! contract's columns ([`header`]) and vocabularies ([`values`]); dates and
//! text as offices write them ([`dates`], [`normalize`]); the shipped
//! reconstruction carried inside ([`builtin`]). The blocks, the CSV parser
//! and the fast path behind them are private.
#![deny(missing_docs)]

pub mod builtin;
mod check;
mod facts;
pub use facts::{check_known, set_fact};
pub mod dates;
mod decode;
mod fast;
pub mod header;
mod ids;
pub(crate) mod inputs;
pub mod normalize;
mod open;
mod parallel;
mod parse;
mod split;
pub mod values;
pub mod workbook;


use std::path::{Path, PathBuf};

use anyhow::Result;

pub use check::{shown, Problem, CELL_CHARS};
pub use jiko_core::calendar::{civil_from_days, days_from_civil, days_in_month, Minute};
pub use dates::parse_minute;
pub use decode::Encoding;
pub use fast::quick_hash;
pub use header::{canonical_column, Column, COLUMNS};
pub use inputs::{expand_inputs, Inputs};

/// One valid report. Text fields borrow from the reader's buffer.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// Index of the file in the list read.
    pub file: usize,
    /// Line (or worksheet row) the record starts on.
    pub line: u64,
    /// `incident_id` as written.
    pub incident_id: &'a str,
    /// The carrier as the file spells it.
    pub carrier: &'a str,
    /// The detailed report form (詳細な様式), else the simple one.
    pub detailed: bool,
    /// When it started (JST).
    pub started_at: Minute,
    /// The duration that counts, in minutes (the longest phase).
    pub duration_min: u64,
    /// Users affected (0 when not known; see `users_known`).
    pub affected_users: u64,
    /// Bit mask over the rules' services (`Vocabulary::services`).
    pub services: u32,
    /// Index into the rules' causes.
    pub cause: usize,
    /// Index into the rules' equipment; `None` when unknown.
    pub equipment: Option<usize>,
    /// Indexes into the rules' facilities, kinds, wholesale roles.
    pub facility: usize,
    /// Index into the rules' kinds.
    pub kind: usize,
    /// Index into the rules' wholesale roles.
    pub wholesale: usize,
    /// The accident it belongs to (its own id when empty).
    pub accident_id: &'a str,
    /// The region affected, as written.
    pub region: &'a str,
    /// The summary, as written.
    pub summary: &'a str,
    /// The service's monthly active users, for rules that use them.
    pub monthly_active_users: Option<u64>,
    /// `false` when `affected_users` was left empty (read as 0) where the
    /// reading allows it (`classify --input`): the count is not known yet.
    pub users_known: bool,
    /// `false` when neither a duration nor an end was given (read as 0)
    /// where the reading allows it (`classify --input`): an outage still
    /// going on, answered for any length.
    pub duration_known: bool,
    /// The おそれ事態 columns, when a row has any.
    pub near_miss: Option<Box<jiko_core::rules::near_miss::Facts>>,
    /// A wholesale receiver's report says its provider's accident was
    /// major (`provider_major` = yes), the provider's report aside.
    pub provider_major: bool,
}

impl Row<'_> {
    /// The facts the rules judge.
    pub fn incident(&self) -> jiko_core::rules::Incident {
        jiko_core::rules::Incident {
            started_at: self.started_at,
            duration_min: self.duration_min,
            users: self.affected_users,
            services: self.services,
            equipment: self.equipment,
            facility: self.facility,
            kind: self.kind,
            monthly_active_users: self.monthly_active_users,
        }
    }
}

/// A problem with one value, located for a person to fix.
#[derive(Debug, Clone)]
pub struct RowError {
    /// The file, as it prints.
    pub file: String,
    /// The worksheet of a workbook; `line` is then its row number.
    pub sheet: Option<String>,
    /// The line (or worksheet row).
    pub line: u64,
    /// The column, as the file's header names it.
    pub column: String,
    /// The value, shortened when long.
    pub value: String,
    /// What is wrong and how to fix it, in the read's language.
    pub message: String,
    /// Not a bad value of one row but something no `--skip-invalid` can set
    /// aside: a duplicate id, or a quote left open to the file's end.
    pub fatal: bool,
}

/// Where a row is: `file.csv:12`, or `book.xlsx: sheet 事故, row 12`.
pub(crate) fn place(lang: jiko_core::lang::Lang, file: &str, sheet: Option<&str>, line: u64) -> String {
    match sheet {
        Some(sheet) => jiko_core::say!(lang, "{file}: sheet {sheet}, row {line}", "{file}: シート {sheet}、{line}行目", file = file, sheet = sheet, line = line),
        None => format!("{file}:{line}"),
    }
}

impl RowError {
    /// `file:line: column C: "value": message`, in `lang`.
    pub fn text(&self, lang: jiko_core::lang::Lang) -> String {
        let at = place(lang, &self.file, self.sheet.as_deref(), self.line);
        if lang.ja() {
            // The Japanese header beside the contract's name: the file may
            // use either.
            let name = match header::named(&self.column) {
                Some(c) => format!("{}（{}）", c.japanese, c.name),
                None => self.column.clone(),
            };
            return format!("{at}: 列 {name}: {:?}: {}", self.value, self.message);
        }
        format!("{at}: column {}: {:?}: {}", self.column, self.value, self.message)
    }
}

/// Validating workers to run: one per core, at most four.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// Errors listed in full per file, and per run; more are counted.
pub const ERRORS_PER_FILE: usize = 100;
pub(crate) const ERRORS_PER_RUN: usize = 1_000;

/// What reading one file found, for the run's accounting.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The file, as it prints.
    pub path: String,
    /// SHA-256 of the file's bytes, for the report footer.
    pub sha256: String,
    /// The worksheet read, for a workbook (the footer names it).
    pub sheet: Option<String>,
    /// Records read (blank spacing rows aside).
    pub rows: u64,
    /// Records rejected for a problem.
    pub rejected: u64,
    /// Problems found in the file, listed or not.
    pub problems: u64,
    /// Columns outside the contract, kept out of the figures.
    pub extra_columns: Vec<String>,
    /// Rejected rows superseded by a valid row of their id (among
    /// `rejected`; their problems are not counted in `problems`).
    pub superseded: u64,
    /// The header row as the file writes it (for rejects.csv).
    pub header: Vec<String>,
}

/// A row that failed validation, with its fields for a rejects file.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Index of the file in the list read.
    pub file: usize,
    /// The record's first line.
    pub line: u64,
    /// The record's last line (a quoted value may span lines).
    pub end_line: u64,
    /// Its fields as read.
    pub fields: Vec<String>,
    /// Its problems, joined.
    pub reason: String,
}

/// Everything a read found besides the valid rows.
#[derive(Debug, Clone, Default)]
pub struct ReadReport {
    /// Each file read, in order.
    pub files: Vec<FileReport>,
    /// The first errors of each file (`ERRORS_PER_FILE`) and of the run.
    pub errors: Vec<RowError>,
    /// Rejected rows with their fields, kept only when asked for.
    pub rejected: Vec<Rejected>,
    /// Things a person should know that are not errors: files skipped,
    /// title rows above the header, the separator used.
    pub notes: Vec<String>,
    /// Something no `--skip-invalid` can set aside.
    pub fatal: bool,
}

impl ReadReport {
    /// Errors that no `--skip-invalid` can set aside.
    pub fn fatal(&self) -> bool {
        self.fatal || self.errors.iter().any(|e| e.fatal)
    }

    /// Records read in all the files.
    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// Records rejected in all the files.
    pub fn rejected_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }

    /// Rejected rows superseded by a valid row of their id, in all files.
    pub fn superseded(&self) -> u64 {
        self.files.iter().map(|f| f.superseded).sum()
    }

    /// Problems found in all the files, listed or not.
    pub fn problems(&self) -> u64 {
        self.files.iter().map(|f| f.problems).sum::<u64>() + self.errors.iter().filter(|e| e.fatal).count() as u64
    }

    /// No problem at all.
    pub fn is_clean(&self) -> bool {
        self.problems() == 0 && !self.fatal()
    }

    /// Problems found but not listed in `errors`.
    pub fn unlisted(&self) -> u64 {
        self.problems().saturating_sub(self.errors.len() as u64)
    }

    /// Columns jiko ignores, each once for all files.
    pub fn ignored_columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = self.files.iter().flat_map(|f| f.extra_columns.iter().map(String::as_str)).collect();
        columns.sort();
        columns.dedup();
        columns
    }
}

#[derive(Debug, Clone, Default)]
/// How files are read.
pub struct ReadOptions {
    /// The rules the rows are checked against (a simple form's equipment,
    /// the おそれ事態 columns) and counted by.
    pub rules: jiko_core::rules::Rules,
    /// The language of the problems' messages.
    pub lang: jiko_core::lang::Lang,
    /// The encoding, instead of finding it.
    pub encoding: Option<Encoding>,
    /// The worksheet to read from workbooks (default: the first).
    pub sheet: Option<String>,
    /// The header's row number (1-based), instead of finding it.
    pub header_row: Option<u64>,
    /// Keep rejected rows' fields (for rejects.csv).
    pub keep_rejected: bool,
    /// Take an empty `affected_users` as not known yet (`classify
    /// --input`); aggregate needs every count.
    pub unknown_users: bool,
    /// Byte counter for a progress display, advanced as files are read.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// For tests and the fuzz target, which compare readings: the block
    /// size to cut files at (default `split::BLOCK_BYTES`), and every row
    /// through the full check (no fast path).
    #[doc(hidden)]
    pub block_bytes: Option<usize>,
    #[doc(hidden)]
    pub full_check: bool,
}

/// Read every file, calling `sink` with each valid row.
pub fn read_files(files: &[PathBuf], opts: &ReadOptions, mut sink: impl FnMut(&Row) + Send) -> Result<ReadReport> {
    read_files_in_parallel(files, opts, std::slice::from_mut(&mut sink))
}

/// Read every file with one validating worker per sink: rows reach the
/// sinks in no set order, so sinks must count in a way order does not
/// change. Errors and rejected rows are reported in file and line order.
/// Ids are checked for uniqueness across all files.
pub fn read_files_in_parallel<S: FnMut(&Row) + Send>(files: &[PathBuf], opts: &ReadOptions, sinks: &mut [S]) -> Result<ReadReport> {
    let mut report = ReadReport::default();
    let mut ids = ids::IdSet::default();
    for (index, path) in files.iter().enumerate() {
        let opened = open::open(path, opts)?;
        parallel::check_file(index, opened, opts, &mut report, &mut ids, sinks)?;
    }
    if ids.find_collisions()? {
        // Hashes met twice: find the real duplicates and both their places,
        // and the rejected rows a fixed copy supersedes.
        let (dups, superseded) = ids.resolve(files, opts)?;
        report.errors.extend(dups);
        set_superseded(&mut report, &ids, superseded, opts.lang);
    }
    cap_run_errors(&mut report);
    Ok(report)
}

/// Rejected rows superseded by a valid row of their id (a fixed row fed
/// back beside its original): their problems no longer count, and they
/// are listed with the reason in place of their problems (rejects.csv)
/// and in a note.
fn set_superseded(report: &mut ReadReport, ids: &ids::IdSet, superseded: Vec<ids::Superseded>, lang: jiko_core::lang::Lang) {
    for s in superseded {
        let name = report.files[s.file].path.clone();
        let problems = ids.rejected.get(&(s.file, s.line)).copied().unwrap_or(0);
        let f = &mut report.files[s.file];
        f.problems = f.problems.saturating_sub(problems);
        f.superseded += 1;
        report.errors.retain(|e| !(e.file == name && e.line == s.line && !e.fatal));
        let reason = jiko_core::say!(
            lang,
            "superseded: {id} is valid at {by}, which counts; this rejected row is set aside",
            "置き換え済み: {id} は {by} の正しい行で集計し、この不正な行は除きました",
            id = s.id,
            by = s.by
        );
        report.notes.push(format!("{name}:{}: {reason}", s.line));
        match report.rejected.iter_mut().find(|r| r.file == s.file && r.line == s.line) {
            Some(r) => r.reason = reason,
            None => report.rejected.push(Rejected { file: s.file, line: s.line, end_line: s.end_line, fields: s.fields, reason }),
        }
    }
    report.rejected.sort_by_key(|r| (r.file, r.line));
}

/// Keep the run's list of errors to `ERRORS_PER_RUN` (fatal ones first).
fn cap_run_errors(report: &mut ReadReport) {
    if report.errors.len() > ERRORS_PER_RUN {
        report.errors.sort_by_key(|e| !e.fatal);
        report.errors.truncate(ERRORS_PER_RUN);
    }
}

/// Read an in-memory CSV (the fuzz target's and tests' entry).
pub fn read_csv_bytes(name: &str, bytes: &[u8], opts: &ReadOptions, mut sink: impl FnMut(&Row) + Send) -> Result<ReadReport> {
    read_csv_bytes_in_parallel(name, bytes, opts, std::slice::from_mut(&mut sink))
}

/// The same with one validating worker per sink.
pub fn read_csv_bytes_in_parallel<S: FnMut(&Row) + Send>(name: &str, bytes: &[u8], opts: &ReadOptions, sinks: &mut [S]) -> Result<ReadReport> {
    let opened = open::open_bytes(name, bytes.to_vec(), opts)?;
    let mut report = ReadReport::default();
    let mut ids = ids::IdSet::default();
    parallel::check_file(0, opened, opts, &mut report, &mut ids, sinks)?;
    Ok(report)
}

/// The SHA-256 of `bytes` in lower-case hex: how inputs (and outputs) are
/// named in footers and manifests.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(bytes))
}

/// Bytes in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path as messages and outputs print it: as given, and the built-in
/// shipped data as `data/incidents/…`, so the reference outputs do not
/// depend on where jiko runs.
pub fn display(path: &Path) -> String {
    match builtin::name(path) {
        Some(name) => name.to_string(),
        None => path.display().to_string(),
    }
}

/// The column of a problem that is the whole row's (a field count, quoting).
pub(crate) fn row_column(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(lang, "(row)", "（行）")
}

#[cfg(test)]
mod tests {
    use super::*;

    use header::HEADER_SEARCH_ROWS;

    /// Everything a reading found: valid rows (in line order), errors,
    /// rejected lines, counts.
    fn reading(text: &[u8], opts: &ReadOptions) -> String {
        reading_with(text, opts, 1)
    }

    /// The same with `workers` sinks.
    fn reading_with(text: &[u8], opts: &ReadOptions, workers: usize) -> String {
        let rows = std::sync::Mutex::new(Vec::new());
        let mut sinks: Vec<_> = (0..workers).map(|_| |r: &Row| rows.lock().unwrap().push(format!("{r:?}"))).collect();
        let report = read_csv_bytes_in_parallel("t.csv", text, opts, &mut sinks).unwrap();
        drop(sinks);
        let mut rows = rows.into_inner().unwrap();
        rows.sort();
        let errors: Vec<String> = report.errors.iter().map(|e| e.text(jiko_core::lang::Lang::En)).collect();
        let rejected: Vec<(u64, u64)> = report.rejected.iter().map(|r| (r.line, r.end_line)).collect();
        format!("{rows:#?}\n{errors:#?}\n{rejected:?}\n{} {} {} {}", report.rows(), report.rejected_rows(), report.problems(), report.fatal())
    }

    /// `f`'s answer, or a failure (not a test that never ends) when the
    /// threads reading wait for each other.
    fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(std::time::Duration::from_secs(60)).expect("reading ended within a minute")
    }

    #[test]
    fn blocks_of_any_size_and_the_full_check_read_the_same() {
        let header = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,summary";
        let long = format!("\"{}\"", "line, with a comma\n".repeat(40));
        let body = [
            "a1,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,plain",
            "a2,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,\"two\nlines\"",
            "a3,X社,詳細,2020/5/1 10:00,１２０,100人,FTTH,自然故障,,labels",
            "",
            "a4,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,5\"3 inch",
            "a5,X社,detailed,2020-05-01 10:00,-1,100,ftth,natural_failure,,bad",
            ",,,,,,,,,",
            "a6,X社,simple,2020-05-01 10:00,120,100,ftth,natural_failure,router,bad form",
            &format!("a7,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,{long}"),
            "a8,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,\"ab\"c",
            "a9,X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,last",
        ]
        .join("\n");
        for end in ["\n", "", "\na10,X社,detailed,2020-05-01 10:00,120,\"100,ftth\n"] {
            for newline in ["\n", "\r\n", "\r"] {
                // Rows past those read while the header is looked for.
                let filler: String = (0..HEADER_SEARCH_ROWS + 2).map(|i| format!("f{i},X社,detailed,2020-05-01 10:00,120,100,ftth,natural_failure,,filler\n")).collect();
                let text = format!("title\n{header}\n{filler}{body}{end}").replace('\n', newline);
                let whole = reading(text.as_bytes(), &ReadOptions { full_check: true, ..Default::default() });
                for block in [1, 2, 3, 7, 16, 64, 1 << 20] {
                    for full_check in [false, true] {
                        // One sink: a reading thread and a worker. More: the
                        // reading thread checks blocks too when enough wait.
                        for workers in [1, 2, 3] {
                            let bytes = text.clone().into_bytes();
                            let read = within_a_minute(move || reading_with(&bytes, &ReadOptions { block_bytes: Some(block), full_check, ..Default::default() }, workers));
                            assert_eq!(read, whole, "blocks of {block}, full check {full_check}, {workers} workers, {newline:?} {end:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_worker_that_panics_ends_the_reading_with_an_error() {
        let header = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause\n";
        let rows: String = (0..3000).map(|i| format!("r{i},A,detailed,2020-05-01 10:00,130,1,ftth,unknown\n")).collect();
        let text = format!("{header}{rows}");
        // Which sink panics at its first row: each in turn, or all.
        for workers in [1, 2, 3] {
            for panicking in (0..workers).map(Some).chain([None]) {
                let bytes = text.clone().into_bytes();
                let (failed, panicked) = within_a_minute(move || {
                    let panicked = std::sync::atomic::AtomicBool::new(false);
                    let mut sinks: Vec<_> = (0..workers)
                        .map(|i| {
                            let panicked = &panicked;
                            move |_: &Row| {
                                if panicking.is_none_or(|p| p == i) {
                                    panicked.store(true, std::sync::atomic::Ordering::Relaxed);
                                    panic!("sink {i}");
                                }
                            }
                        })
                        .collect();
                    // Blocks of 64 bytes: far more than the queue holds.
                    let read = read_csv_bytes_in_parallel("t.csv", &bytes, &ReadOptions { block_bytes: Some(64), ..Default::default() }, &mut sinks);
                    drop(sinks);
                    (read.is_err(), panicked.into_inner())
                });
                // A sink may be given no row (others took them all).
                assert_eq!(failed, panicked, "{workers} workers, sink {panicking:?} panicking");
                assert!(panicked || panicking.is_some());
            }
        }
    }

    #[test]
    fn files_are_hashed_while_read() {
        let text = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause\nx,A,detailed,2020-05-01 10:00,130,1,ftth,unknown\n";
        let report = read_csv_bytes("t.csv", text.as_bytes(), &ReadOptions::default(), |_| {}).unwrap();
        assert_eq!(report.files[0].sha256, sha256_hex(text.as_bytes()));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
