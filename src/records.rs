//! Reading incident records: files and folders, encodings, header aliases,
//! and validation with errors that name file, line, column and value.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::rules;
use crate::taxonomy::{self, CAUSES, EQUIPMENT, SERVICES};

/// The columns of the contract: name, Japanese alias, required.
pub const COLUMNS: &[(&str, &str, bool)] = &[
    ("incident_id", "報告番号", true),
    ("carrier", "事業者名", true),
    ("report_form", "報告様式", true),
    ("started_at", "発生日時", true),
    ("duration_min", "継続時間（分）", true),
    ("affected_users", "影響利用者数", true),
    ("services", "役務", true),
    ("cause", "発生要因", true),
    ("equipment", "故障設備", false),
    ("facility", "重要設備", false),
    ("kind", "事故種別", false),
    ("wholesale", "卸役務", false),
    ("accident_id", "事故番号", false),
    ("region", "影響地域", false),
    ("summary", "障害内容", false),
];

const COL_ID: usize = 0;
const COL_CARRIER: usize = 1;
const COL_FORM: usize = 2;
const COL_STARTED: usize = 3;
const COL_DURATION: usize = 4;
const COL_USERS: usize = 5;
const COL_SERVICES: usize = 6;
const COL_CAUSE: usize = 7;
const COL_EQUIPMENT: usize = 8;
const COL_FACILITY: usize = 9;
const COL_KIND: usize = 10;
const COL_WHOLESALE: usize = 11;
const COL_ACCIDENT: usize = 12;
const COL_REGION: usize = 13;
const COL_SUMMARY: usize = 14;

pub const FORMS: &[&str] = &["detailed", "simple"];
pub const FACILITIES: &[&str] = &["none", "satellite", "submarine_cable", "other_critical"];
pub const KINDS: &[&str] = &["outage", "non_telecom_facility", "info_leak"];
pub const WHOLESALE: &[&str] = &["none", "provider", "receiver"];

/// A minute in JST, as written in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minute {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Minute {
    pub fn fiscal_year(&self) -> i32 {
        rules::fiscal_year(self.year, self.month)
    }

    pub fn parse(s: &str) -> Option<Minute> {
        let b = s.trim().as_bytes();
        if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let m = Minute {
            year: num(0..4)? as i32,
            month: num(5..7)?,
            day: num(8..10)?,
            hour: num(11..13)?,
            minute: num(14..16)?,
        };
        let leap = m.year % 4 == 0 && (m.year % 100 != 0 || m.year % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let ok = (1..=12).contains(&m.month)
            && m.day >= 1
            && m.day <= days[(m.month - 1) as usize]
            && m.hour < 24
            && m.minute < 60;
        ok.then_some(m)
    }
}

impl fmt::Display for Minute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}T{:02}:{:02}", self.year, self.month, self.day, self.hour, self.minute)
    }
}

/// One valid report. Text fields borrow from the reader's buffer.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub file: usize,
    pub line: u64,
    pub incident_id: &'a str,
    pub carrier: &'a str,
    pub detailed: bool,
    pub started_at: Minute,
    pub duration_min: u64,
    pub affected_users: u64,
    /// Bit mask over `taxonomy::SERVICES`.
    pub services: u32,
    pub cause: usize,
    /// Index into `taxonomy::EQUIPMENT`; `None` when unknown.
    pub equipment: Option<usize>,
    pub facility: usize,
    pub kind: usize,
    pub wholesale: usize,
    pub accident_id: &'a str,
    pub region: &'a str,
    pub summary: &'a str,
}

impl Row<'_> {
    pub fn info_leak(&self) -> bool {
        KINDS[self.kind] == "info_leak"
    }
    pub fn critical_facility(&self) -> bool {
        FACILITIES[self.facility] != "none"
    }
}

/// A problem with one value, located for a person to fix.
#[derive(Debug, Clone)]
pub struct RowError {
    pub file: String,
    /// The worksheet of an Excel workbook; `line` is then its row number.
    pub sheet: Option<String>,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub message: String,
    /// Not a bad value of one row but a conflict between rows (a duplicate
    /// id): `--skip-invalid` cannot set it aside.
    pub fatal: bool,
}

/// Where a row is: `file.csv:12`, or `book.xlsx: sheet 事故, row 12`.
pub fn place(file: &str, sheet: Option<&str>, line: u64) -> String {
    match sheet {
        Some(sheet) => format!("{file}: sheet {sheet}, row {line}"),
        None => format!("{file}:{line}"),
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = place(&self.file, self.sheet.as_deref(), self.line);
        write!(f, "{at}: column {}: {:?}: {}", self.column, self.value, self.message)
    }
}

/// Validating workers to run: one per core, at most four.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// Which bytes a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    ShiftJis,
}

impl std::str::FromStr for Encoding {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "shiftjis" | "sjis" | "cp932" | "windows31j" => Ok(Encoding::ShiftJis),
            _ => bail!("unknown encoding {s:?}: use utf-8 or cp932"),
        }
    }
}

/// `*.csv` and `*.xlsx` files of the given files and folders (folders
/// walked, sorted).
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).with_context(|| format!("reading folder {}", p.display()))?;
            found.sort();
            if found.is_empty() {
                bail!("no *.csv or *.xlsx file in {}", p.display());
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            bail!("{}: no such file or folder", p.display());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("xlsx")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Guess a file's encoding from its first bytes: a UTF-8 BOM or valid UTF-8
/// means UTF-8, anything else is taken as Shift_JIS/CP932 (Excel in Japan).
pub fn sniff_encoding(head: &[u8]) -> Encoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Encoding::Utf8;
    }
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        // A multi-byte character cut by the sample's end is still UTF-8.
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::ShiftJis,
    }
}

/// What reading one file found, for the run's accounting.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: String,
    /// SHA-256 of the file's bytes, for the report footer.
    pub sha256: String,
    pub rows: u64,
    pub rejected: u64,
    pub extra_columns: Vec<String>,
}

/// A row that failed validation, with its raw fields for a rejects file.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub file: usize,
    pub line: u64,
    pub fields: Vec<String>,
    pub reason: String,
}

/// Everything a read found besides the valid rows.
#[derive(Debug, Default)]
pub struct ReadReport {
    pub files: Vec<FileReport>,
    pub errors: Vec<RowError>,
    pub rejected: Vec<Rejected>,
    /// The header of each file, for writing its rejects unchanged.
    pub headers: Vec<Vec<String>>,
}

impl ReadReport {
    /// Errors that no `--skip-invalid` can set aside.
    pub fn fatal(&self) -> bool {
        self.errors.iter().any(|e| e.fatal)
    }

    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub encoding: Option<Encoding>,
    /// The worksheet to read from Excel workbooks (default: the first).
    pub sheet: Option<String>,
    /// Byte counter for a progress display, advanced as files are read.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// Read every file, calling `sink` with each valid row. Invalid rows are
/// listed in the report with every error they have; nothing is dropped
/// silently. Ids are checked for uniqueness across all files.
pub fn read_files(files: &[PathBuf], opts: &ReadOptions, mut sink: impl FnMut(&Row) + Send) -> Result<ReadReport> {
    read_files_in_parallel(files, opts, std::slice::from_mut(&mut sink))
}

/// Read every file with one validating worker per sink (one thread parses
/// each CSV, the workers validate its batches): rows reach the sinks in no
/// set order, so sinks must count in a way order does not change. Errors
/// and rejected rows are reported in file and line order.
pub fn read_files_in_parallel<S: FnMut(&Row) + Send>(files: &[PathBuf], opts: &ReadOptions, sinks: &mut [S]) -> Result<ReadReport> {
    let mut report = ReadReport::default();
    let mut ids = IdSet::default();
    for (index, path) in files.iter().enumerate() {
        let opened = open(path, opts)?;
        check_rows(index, path, opened, &mut report, &mut ids, sinks)?;
    }
    if ids.find_collisions() {
        // Hashes met twice: find the real duplicates and both their places.
        let dups = ids.resolve(files, opts)?;
        report.errors.extend(dups);
    }
    Ok(report)
}

/// Ids seen so far, as 64-bit hashes, so that ten million ids stay small
/// (8 bytes each); a repeated hash is confirmed by a second look at the files.
#[derive(Default)]
struct IdSet {
    hashes: Vec<u64>,
    collisions: std::collections::HashSet<u64>,
}

/// FNV-1a, then a 64-bit finaliser: fast on short ids; a collision only
/// costs a second look at the files, never a wrong answer.
pub fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

impl IdSet {
    /// Sort the hashes (cheaper than a hash set at this size) and keep
    /// those seen more than once; true when there are any.
    fn find_collisions(&mut self) -> bool {
        self.hashes.sort_unstable();
        for w in self.hashes.windows(2) {
            if w[0] == w[1] {
                self.collisions.insert(w[0]);
            }
        }
        !self.collisions.is_empty()
    }

    fn resolve(&self, files: &[PathBuf], opts: &ReadOptions) -> Result<Vec<RowError>> {
        let mut first: HashMap<String, String> = HashMap::new();
        let mut errors = Vec::new();
        for path in files {
            let opened = open(path, &ReadOptions { progress: None, ..opts.clone() })?;
            let Some(col) = opened.headers.iter().position(|h| canonical_column(h) == Some(COL_ID)) else {
                continue;
            };
            let sheet = opened.sheet.clone();
            let mut sink = |batch: &[csv::StringRecord]| {
                for rec in batch {
                    let id = rec.get(col).unwrap_or("").trim();
                    if id.is_empty() || !self.collisions.contains(&id_hash(id)) {
                        continue;
                    }
                    let line = rec.position().map_or(0, |p| p.line());
                    let here = place(&path.display().to_string(), sheet.as_deref(), line);
                    match first.get(id) {
                        Some(at) => errors.push(RowError {
                            file: path.display().to_string(),
                            sheet: sheet.clone(),
                            line,
                            column: COLUMNS[COL_ID].0.into(),
                            value: id.into(),
                            message: format!("duplicate incident_id, first at {at}"),
                            fatal: true,
                        }),
                        None => {
                            first.insert(id.to_string(), here);
                        }
                    }
                }
            };
            match opened.source {
                Source::Csv(reader) => parse_in_background(reader, path, 1, |batches| {
                    for batch in batches {
                        sink(&batch?);
                    }
                    Ok(())
                })?,
                Source::Sheet(records) => sink(&records),
            }
        }
        Ok(errors)
    }
}

fn canonical_column(header: &str) -> Option<usize> {
    let h = header.trim().trim_start_matches('\u{feff}');
    COLUMNS.iter().position(|(name, alias, _)| h.eq_ignore_ascii_case(name) || h == *alias)
}

type CsvReader = csv::Reader<Box<dyn Read + Send>>;

/// One input opened: its header and where its records come from.
struct Opened {
    headers: Vec<String>,
    /// Decoded from CP932, where undecodable bytes become U+FFFD.
    transcoded: bool,
    /// The SHA-256 of the file's bytes, filled in once they are all read.
    digest: Digest,
    sheet: Option<String>,
    source: Source,
}

enum Source {
    Csv(CsvReader),
    /// An Excel sheet, read whole (workbooks are small), positions set to
    /// the sheet's row numbers.
    Sheet(Vec<csv::StringRecord>),
}

fn is_workbook(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

fn open(path: &Path, opts: &ReadOptions) -> Result<Opened> {
    if is_workbook(path) {
        let (sheet, headers, records) = crate::workbook::read_sheet(path, opts.sheet.as_deref())?;
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if let Some(counter) = &opts.progress {
            counter.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        let digest = Digest::default();
        *digest.lock().unwrap_or_else(|e| e.into_inner()) = sha256_hex(&bytes);
        return Ok(Opened { headers, transcoded: false, digest, sheet: Some(sheet), source: Source::Sheet(records) });
    }
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let (headers, reader, digest, transcoded) = open_csv(Box::new(file), &path.display().to_string(), opts)?;
    Ok(Opened { headers, transcoded, digest, sheet: None, source: Source::Csv(reader) })
}

/// Read an in-memory CSV (the fuzz target's entry), validating every row.
pub fn read_csv_bytes(name: &str, bytes: &[u8], opts: &ReadOptions, mut sink: impl FnMut(&Row) + Send) -> Result<ReadReport> {
    let (headers, reader, digest, transcoded) = open_csv(Box::new(std::io::Cursor::new(bytes.to_vec())), name, opts)?;
    let mut report = ReadReport::default();
    let mut ids = IdSet::default();
    let opened = Opened { headers, transcoded, digest, sheet: None, source: Source::Csv(reader) };
    check_rows(0, Path::new(name), opened, &mut report, &mut ids, std::slice::from_mut(&mut sink))?;
    Ok(report)
}

/// Wrap raw bytes: sniff (or take) the encoding, decode to UTF-8, parse.
fn open_csv(mut raw: Box<dyn ReadSeek>, name: &str, opts: &ReadOptions) -> Result<(Vec<String>, CsvReader, Digest, bool)> {
    let encoding = match opts.encoding {
        Some(e) => e,
        None => {
            let mut head = vec![0u8; 64 * 1024];
            let n = read_up_to(&mut raw, &mut head)?;
            raw.rewind()?;
            sniff_encoding(&head[..n])
        }
    };
    let digest = Digest::default();
    let counted: Box<dyn Read + Send> = Box::new(Tap {
        inner: raw,
        counter: opts.progress.clone(),
        hasher: Some(sha2::Sha256::default()),
        digest: digest.clone(),
    });
    let decoded: Box<dyn Read + Send> = Box::new(BufReader::with_capacity(
        1 << 16,
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(match encoding {
                Encoding::Utf8 => Some(encoding_rs::UTF_8),
                Encoding::ShiftJis => Some(encoding_rs::SHIFT_JIS),
            })
            .bom_override(true)
            .utf8_passthru(true)
            .build(counted),
    ));
    // Records end at LF: the csv crate's CRLF mode miscounts line numbers,
    // and a CR left at the end of the last field is trimmed like any space.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(decoded);
    let headers = reader
        .headers()
        .with_context(|| format!("{name}: reading the header row"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((headers, reader, digest, encoding == Encoding::ShiftJis))
}

trait ReadSeek: Read + std::io::Seek + Send {}
impl<T: Read + std::io::Seek + Send> ReadSeek for T {}

fn read_up_to(file: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = file.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// Where a file's SHA-256 lands once its last byte is read.
type Digest = std::sync::Arc<std::sync::Mutex<String>>;

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts bytes for the progress display and hashes them for the report
/// footer, as the parser reads them: no second pass over large files.
struct Tap<R> {
    inner: R,
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
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
                *self.digest.lock().unwrap_or_else(|e| e.into_inner()) = hex(&done.finalize());
            }
            (Some(h), _) => h.update(&buf[..n]),
            (None, _) => {}
        }
        Ok(n)
    }
}

fn read_record(reader: &mut CsvReader, rec: &mut csv::StringRecord, path: &Path) -> Result<bool> {
    reader.read_record(rec).map_err(|e| match e.kind() {
        csv::ErrorKind::Utf8 { pos, err } => anyhow::anyhow!(
            "{}:{}: field {} is not valid text in the detected encoding ({err}); pass --encoding cp932 or utf-8",
            path.display(),
            pos.as_ref().map_or(0, |p| p.line()),
            err.field() + 1
        ),
        _ => anyhow::anyhow!("{}: {e}", path.display()),
    })
}

/// Map a header to the contract's columns; unknown names are extra.
fn map_header(place: &str, headers: &[String]) -> Result<([usize; COLUMNS.len()], Vec<String>)> {
    let mut columns = [usize::MAX; COLUMNS.len()];
    let mut extra = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match canonical_column(h) {
            Some(c) if columns[c] != usize::MAX => bail!("{place}: column {h:?} appears twice in the header"),
            Some(c) => columns[c] = i,
            None => extra.push(h.clone()),
        }
    }
    let japanese = headers.iter().any(|h| h.chars().any(|c| !c.is_ascii()));
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(columns)
        .filter(|((_, _, required), at)| *required && *at == usize::MAX)
        .map(|((name, alias, _), _)| if japanese { *alias } else { *name })
        .collect();
    if !missing.is_empty() {
        bail!("{place}: the header lacks required column(s) {}; found {}", missing.join(", "), headers.join(","));
    }
    Ok((columns, extra))
}

/// What one worker found in one file.
#[derive(Default)]
struct Partial {
    rows: u64,
    errors: Vec<RowError>,
    rejected: Vec<Rejected>,
    hashes: Vec<u64>,
}

/// What every row of one input is checked against.
struct Checker<'a> {
    index: usize,
    name: &'a str,
    sheet: &'a Option<String>,
    headers: &'a [String],
    columns: [usize; COLUMNS.len()],
    transcoded: bool,
}

impl Checker<'_> {
    fn check(&self, rec: &csv::StringRecord, part: &mut Partial, problems: &mut Vec<Problem>, sink: &mut impl FnMut(&Row)) {
        let line = rec.position().map_or(0, |p| p.line());
        part.rows += 1;
        problems.clear();
        if rec.len() != self.headers.len() {
            // A stray comma or a cut line: never drop or shift fields silently.
            problems.push((
                "(row)".into(),
                format!("{} fields", rec.len()),
                format!("the header has {} columns; quote values that contain commas", self.headers.len()),
            ));
        }
        let replaced = |v: &&str| self.transcoded && v.contains('\u{FFFD}');
        for (i, value) in rec.iter().enumerate().filter(|(_, v)| replaced(v)) {
            // Bytes the detected (or forced) encoding could not decode.
            let column = self.headers.get(i).cloned().unwrap_or_else(|| format!("#{}", i + 1));
            problems.push((column, value.to_string(), "holds bytes that are not valid in the file's encoding (UTF-8 or CP932); check --encoding".into()));
        }
        match validate(self.index, line, rec, &self.columns, problems) {
            Some(row) if problems.is_empty() => {
                part.hashes.push(id_hash(row.incident_id));
                sink(&row);
            }
            _ => {
                let reason = problems.iter().map(|(c, _, m)| format!("{c}: {m}")).collect::<Vec<_>>().join("; ");
                let fields = rec.iter().map(|f| f.strip_suffix('\r').unwrap_or(f).to_string()).collect();
                part.rejected.push(Rejected { file: self.index, line, fields, reason });
                part.errors.extend(problems.drain(..).map(|(column, value, message)| RowError {
                    file: self.name.to_string(),
                    sheet: self.sheet.clone(),
                    line,
                    column,
                    value,
                    message,
                    fatal: false,
                }));
            }
        }
    }
}

/// Validate every record of one opened input, each sink's worker taking
/// batches as the parser makes them; valid rows go to the sinks, every
/// problem of the others is listed.
fn check_rows<S: FnMut(&Row) + Send>(
    index: usize,
    path: &Path,
    opened: Opened,
    report: &mut ReadReport,
    ids: &mut IdSet,
    sinks: &mut [S],
) -> Result<()> {
    let name = path.display().to_string();
    let Opened { headers, transcoded, digest, sheet, source } = opened;
    let (columns, extra) = map_header(&place(&name, sheet.as_deref(), 1), &headers)?;
    let checker = Checker { index, name: &name, sheet: &sheet, headers: &headers, columns, transcoded };
    let parts: Vec<Partial> = match source {
        Source::Sheet(records) => {
            let mut part = Partial::default();
            let mut problems = Vec::new();
            let sink = sinks.first_mut().context("no sink")?;
            for rec in &records {
                checker.check(rec, &mut part, &mut problems, sink);
            }
            vec![part]
        }
        Source::Csv(reader) => parse_in_background(reader, path, sinks.len(), |batches| {
            std::thread::scope(|scope| {
                let workers: Vec<_> = sinks
                    .iter_mut()
                    .map(|sink| {
                        let checker = &checker;
                        let batches = batches.clone();
                        scope.spawn(move || -> Result<Partial> {
                            let mut part = Partial::default();
                            let mut problems = Vec::new();
                            for batch in batches {
                                for rec in batch?.iter() {
                                    checker.check(rec, &mut part, &mut problems, sink);
                                }
                            }
                            Ok(part)
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().map_err(|_| anyhow::anyhow!("a validating worker panicked"))?).collect()
            })
        })?,
    };
    let mut file_report = FileReport { path: name.clone(), extra_columns: extra, ..Default::default() };
    let (mut errors, mut rejected) = (Vec::new(), Vec::new());
    for part in parts {
        file_report.rows += part.rows;
        file_report.rejected += part.rejected.len() as u64;
        errors.extend(part.errors);
        rejected.extend(part.rejected);
        ids.hashes.extend(part.hashes);
    }
    // Workers took batches in no set order: report in line order.
    errors.sort_by_key(|e| e.line);
    rejected.sort_by_key(|r| r.line);
    report.errors.extend(errors);
    report.rejected.extend(rejected);
    file_report.sha256 = digest.lock().unwrap_or_else(|e| e.into_inner()).clone();
    report.files.push(file_report);
    report.headers.push(headers);
    Ok(())
}

type Problem = (String, String, String);

/// Records per batch handed from the parsing thread to the validating ones.
const BATCH: usize = 4096;

/// Batches of parsed records, shared by the workers that validate them;
/// each worker iterates over its clone and takes whatever batch is next.
#[derive(Clone)]
struct Batches<'a> {
    full: &'a std::sync::Mutex<std::sync::mpsc::Receiver<Result<Recycled>>>,
}

/// A batch that goes back to the parser for reuse when dropped, so no
/// record is allocated per row.
struct Recycled {
    records: Vec<csv::StringRecord>,
    back: std::sync::mpsc::Sender<Vec<csv::StringRecord>>,
}

impl std::ops::Deref for Recycled {
    type Target = [csv::StringRecord];
    fn deref(&self) -> &[csv::StringRecord] {
        &self.records
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        let _ = self.back.send(std::mem::take(&mut self.records));
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Recycled>;
    fn next(&mut self) -> Option<Self::Item> {
        self.full.lock().ok()?.recv().ok()
    }
}

/// Parse CSV on its own thread while `consume` (with its workers) validates
/// and counts, so that every core works on one large file.
fn parse_in_background<T>(
    mut reader: CsvReader,
    path: &Path,
    workers: usize,
    consume: impl FnOnce(Batches) -> Result<T>,
) -> Result<T> {
    use std::sync::mpsc::{channel, sync_channel};
    let (full_tx, full_rx) = sync_channel::<Result<Recycled>>(2 * workers + 2);
    let full = std::sync::Mutex::new(full_rx);
    std::thread::scope(|scope| {
        let (empty_tx, empty_rx) = channel::<Vec<csv::StringRecord>>();
        scope.spawn(move || loop {
            let mut records = empty_rx.try_recv().unwrap_or_default();
            records.resize_with(BATCH, csv::StringRecord::new);
            let mut n = 0;
            while n < BATCH {
                match read_record(&mut reader, &mut records[n], path) {
                    Ok(true) => n += 1,
                    Ok(false) => break,
                    Err(e) => {
                        let _ = full_tx.send(Err(e));
                        return;
                    }
                }
            }
            records.truncate(n);
            let batch = Recycled { records, back: empty_tx.clone() };
            if n == 0 || full_tx.send(Ok(batch)).is_err() || n < BATCH {
                return;
            }
        });
        let result = consume(Batches { full: &full });
        // Stop the parser if the workers stopped early.
        drop(full.lock().map(|mut rx| std::mem::replace(&mut *rx, channel().1)));
        result
    })
}

/// Parse one record; every problem found is pushed, not only the first.
fn validate<'a>(
    file: usize,
    line: u64,
    rec: &'a csv::StringRecord,
    columns: &[usize; COLUMNS.len()],
    problems: &mut Vec<Problem>,
) -> Option<Row<'a>> {
    let get = |c: usize| -> &'a str {
        if columns[c] == usize::MAX {
            ""
        } else {
            rec.get(columns[c]).unwrap_or("").trim()
        }
    };
    let mut fail = |c: usize, value: &str, message: String| {
        problems.push((COLUMNS[c].0.to_string(), value.to_string(), message));
    };
    let required = |c: usize, fail: &mut dyn FnMut(usize, &str, String)| -> Option<&'a str> {
        let v = get(c);
        if v.is_empty() {
            fail(c, v, "required value is empty".into());
            None
        } else {
            Some(v)
        }
    };
    let incident_id = required(COL_ID, &mut fail);
    let carrier = required(COL_CARRIER, &mut fail);
    let form = required(COL_FORM, &mut fail).and_then(|v| code_of(COL_FORM, v, FORMS, &mut fail));
    let started_at = required(COL_STARTED, &mut fail).and_then(|v| {
        let m = Minute::parse(v);
        if m.is_none() {
            fail(COL_STARTED, v, "not a date and time as YYYY-MM-DD HH:MM (JST)".into());
        }
        m
    });
    let duration_min = required(COL_DURATION, &mut fail).and_then(|v| number(COL_DURATION, v, &mut fail));
    let affected_users = required(COL_USERS, &mut fail).and_then(|v| number(COL_USERS, v, &mut fail));
    let services = required(COL_SERVICES, &mut fail).and_then(|v| {
        let mut mask = 0u32;
        let mut ok = true;
        for code in v.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            match taxonomy::service(code) {
                Some((i, _)) => mask |= 1 << i,
                None => {
                    ok = false;
                    fail(COL_SERVICES, code, unknown_code(code, SERVICES.iter().map(|s| s.code)));
                }
            }
        }
        if mask == 0 && ok {
            fail(COL_SERVICES, v, "no service code".into());
        }
        (ok && mask != 0).then_some(mask)
    });
    let cause = required(COL_CAUSE, &mut fail).and_then(|v| match taxonomy::cause(v) {
        Some((i, _)) => Some(i),
        None => {
            fail(COL_CAUSE, v, unknown_code(v, CAUSES.iter().map(|c| c.code)));
            None
        }
    });
    let equipment_text = get(COL_EQUIPMENT);
    let equipment = if equipment_text.is_empty() {
        Some(None)
    } else {
        match taxonomy::equipment(equipment_text) {
            Some((i, _)) => Some(Some(i)),
            None => {
                fail(COL_EQUIPMENT, equipment_text, unknown_code(equipment_text, EQUIPMENT.iter().map(|c| c.code)));
                None
            }
        }
    };
    let optional = |c: usize, codes: &[&str], fail: &mut dyn FnMut(usize, &str, String)| {
        let v = get(c);
        if v.is_empty() {
            Some(0)
        } else {
            code_of(c, v, codes, fail)
        }
    };
    let facility = optional(COL_FACILITY, FACILITIES, &mut fail);
    let kind = optional(COL_KIND, KINDS, &mut fail);
    let wholesale = optional(COL_WHOLESALE, WHOLESALE, &mut fail);
    if let (Some(1), Some(eq)) = (form, equipment) {
        if !rules::simple_form_allows(eq) {
            fail(
                COL_EQUIPMENT,
                equipment_text,
                format!("the simple form (簡易な様式) is allowed only for {}", taxonomy::SIMPLE_FORM_EQUIPMENT.join(", ")),
            );
        }
    }
    let accident_id = match get(COL_ACCIDENT) {
        "" => incident_id?,
        a => a,
    };
    Some(Row {
        file,
        line,
        incident_id: incident_id?,
        carrier: carrier?,
        detailed: form? == 0,
        started_at: started_at?,
        duration_min: duration_min?,
        affected_users: affected_users?,
        services: services?,
        cause: cause?,
        equipment: equipment?,
        facility: facility?,
        kind: kind?,
        wholesale: wholesale?,
        accident_id,
        region: get(COL_REGION),
        summary: get(COL_SUMMARY),
    })
}

fn code_of(c: usize, v: &str, codes: &[&str], fail: &mut dyn FnMut(usize, &str, String)) -> Option<usize> {
    let found = codes.iter().position(|k| *k == v);
    if found.is_none() {
        fail(c, v, unknown_code(v, codes.iter().copied()));
    }
    found
}

fn unknown_code<'a>(value: &str, codes: impl Iterator<Item = &'a str> + Clone) -> String {
    match taxonomy::nearest(value, codes.clone()) {
        Some(near) => format!("unknown code; did you mean `{near}`?"),
        None => format!("unknown code; valid codes: {}", codes.collect::<Vec<_>>().join(", ")),
    }
}

/// A whole number >= 0; thousands separators (`166,803`) are accepted.
fn number(c: usize, v: &str, fail: &mut dyn FnMut(usize, &str, String)) -> Option<u64> {
    // The common case, plain digits, without allocating.
    if !v.is_empty() && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let plain: String = v.chars().filter(|&ch| ch != ',').collect();
    let grouped_ok = !v.contains(',') || v.split(',').skip(1).all(|g| g.len() == 3);
    match plain.parse::<u64>() {
        Ok(n) if grouped_ok => Some(n),
        _ if plain.parse::<i64>().is_ok_and(|n| n < 0) => {
            fail(c, v, "must not be negative".into());
            None
        }
        _ => {
            fail(c, v, "not a whole number".into());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_parse_and_check_the_calendar() {
        let m = Minute::parse("2021-03-31 23:59").unwrap();
        assert_eq!(m.fiscal_year(), 2020);
        assert_eq!(Minute::parse("2021-04-01T00:00").unwrap().fiscal_year(), 2021);
        assert_eq!(m.to_string(), "2021-03-31T23:59");
        assert!(Minute::parse("2021-02-29 10:00").is_none());
        assert!(Minute::parse("2020-02-29 10:00").is_some());
        assert!(Minute::parse("2020-04-31 10:00").is_none());
        assert!(Minute::parse("2020-04-01 24:00").is_none());
        assert!(Minute::parse("2020/04/01 10:00").is_none());
    }

    #[test]
    fn numbers() {
        let mut errs = Vec::new();
        let mut fail = |_: usize, v: &str, m: String| errs.push((v.to_string(), m));
        assert_eq!(number(0, "166,803", &mut fail), Some(166_803));
        assert_eq!(number(0, "0", &mut fail), Some(0));
        assert_eq!(number(0, "-5", &mut fail), None);
        assert_eq!(number(0, "1,23", &mut fail), None);
        assert_eq!(number(0, "12.5", &mut fail), None);
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0].1, "must not be negative");
    }

    #[test]
    fn files_are_hashed_while_read() {
        let text = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause\nx,A,detailed,2020-05-01 10:00,130,1,ftth,unknown\n";
        let report = read_csv_bytes("t.csv", text.as_bytes(), &ReadOptions::default(), |_| {}).unwrap();
        assert_eq!(report.files[0].sha256, sha256_hex(text.as_bytes()));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn sniffs_encodings() {
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFincident_id"), Encoding::Utf8);
        assert_eq!(sniff_encoding("報告番号".as_bytes()), Encoding::Utf8);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("報告番号,事業者名");
        assert_eq!(sniff_encoding(&sjis), Encoding::ShiftJis);
        // A sample that ends inside a character is still UTF-8.
        let cut = &"報告".as_bytes()[..4];
        assert_eq!(sniff_encoding(cut), Encoding::Utf8);
    }
}
