//! Frames (the `frames` feature): the per-report list and the figures as
//! typed polars DataFrames, for Parquet files and SQL (`jiko query`).
//!
//! Types follow the columns' meaning (docs/figures.md, "Frames"): counts
//! as integers, yes/no/unknown as a boolean with null for unknown, days as
//! dates, the start as a datetime (JST as written, no zone), codes as
//! categoricals, the rest as text. The builders take the values as the
//! CSV writes them, so a frame has the same rows as its CSV.

use std::io::Write;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::calendar;

/// The polars jiko is built with, for programs that read its frames.
pub use polars;

/// A Parquet file as a frame.
pub fn read_parquet(lang: crate::lang::Lang, path: &std::path::Path) -> Result<DataFrame> {
    let f = std::fs::File::open(path).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
    Ok(ParquetReader::new(f).finish()?)
}

/// How a column of the list is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Code,
    Int,
    Tri,
    Date,
    Start,
}

/// The list's columns by meaning; any other column is text.
fn kind_of(column: &str) -> Kind {
    match column {
        "fiscal_year" | "quarter" | "major_class" | "duration_min" | "affected_users" | "line" => Kind::Int,
        "within_duty" | "major" | "near_miss" => Kind::Tri,
        "report_due" | "major_report_due" | "near_miss_due" | "report_due_legal" | "major_report_due_legal" | "near_miss_due_legal" | "rules_checked_through" => Kind::Date,
        "started_at" => Kind::Start,
        "rules" | "form" | "duration_bin" | "users_bin" | "cause" | "equipment" | "kind" | "facility" | "wholesale" | "major_report_form" => Kind::Code,
        _ => Kind::Text,
    }
}

enum Values {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Days(Vec<Option<i32>>),
    Millis(Vec<Option<i64>>),
}

/// Columns filled row by row from the CSV's values, then a frame.
pub(crate) struct Builder {
    columns: Vec<(String, Kind, Values)>,
}

impl Builder {
    pub fn new<'a>(header: impl IntoIterator<Item = &'a str>) -> Builder {
        let columns = header
            .into_iter()
            .map(|name| {
                let kind = kind_of(name);
                let values = match kind {
                    Kind::Text | Kind::Code => Values::Text(Vec::new()),
                    Kind::Int => Values::Int(Vec::new()),
                    Kind::Tri => Values::Bool(Vec::new()),
                    Kind::Date => Values::Days(Vec::new()),
                    Kind::Start => Values::Millis(Vec::new()),
                };
                (name.to_string(), kind, values)
            })
            .collect();
        Builder { columns }
    }

    pub fn len(&self) -> usize {
        match self.columns.first().map(|c| &c.2) {
            Some(Values::Text(v)) => v.len(),
            Some(Values::Int(v)) | Some(Values::Millis(v)) => v.len(),
            Some(Values::Bool(v)) => v.len(),
            Some(Values::Days(v)) => v.len(),
            None => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One row, its values in header order as the CSV writes them (an
    /// empty value is null).
    pub fn push<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let mut values = values.into_iter();
        for (name, _, column) in &mut self.columns {
            let v = values.next().unwrap_or("");
            let bad = || anyhow::anyhow!("column {name}: {v:?} is not what the column holds");
            let empty = v.is_empty();
            match column {
                Values::Text(c) => c.push((!empty).then(|| crate::output::sinks::unguard(v).into_owned())),
                Values::Int(c) => c.push(if empty { None } else { Some(v.parse().map_err(|_| bad())?) }),
                Values::Bool(c) => c.push(match v {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "unknown" | "" => None,
                    _ => return Err(bad()),
                }),
                Values::Days(c) => c.push(if empty { None } else { Some(day(v).ok_or_else(bad)?) }),
                Values::Millis(c) => c.push(if empty { None } else { Some(start(v).ok_or_else(bad)?) }),
            }
        }
        Ok(())
    }

    /// The frame of the rows pushed; the builder is empty again.
    pub fn take(&mut self) -> Result<DataFrame> {
        let height = self.len();
        let mut out = Vec::with_capacity(self.columns.len());
        for (name, kind, values) in &mut self.columns {
            let name = PlSmallStr::from(name.as_str());
            let s = match values {
                Values::Text(v) => Series::new(name, std::mem::take(v)),
                Values::Int(v) => Series::new(name, std::mem::take(v)),
                Values::Bool(v) => Series::new(name, std::mem::take(v)),
                Values::Days(v) => Series::new(name, std::mem::take(v)).cast(&DataType::Date)?,
                Values::Millis(v) => Series::new(name, std::mem::take(v)).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
            };
            let s = if *kind == Kind::Code { s.cast(&DataType::from_categories(Categories::global()))? } else { s };
            out.push(s.into_column());
        }
        Ok(DataFrame::new(height, out)?)
    }
}

/// `2020-08-31` as days since 1970-01-01.
fn day(v: &str) -> Option<i32> {
    let mut p = v.splitn(3, '-').map(|x| x.parse::<u32>().ok());
    let (y, m, d) = (p.next()??, p.next()??, p.next()??);
    i32::try_from(calendar::days_from_civil(i32::try_from(y).ok()?, m, d)).ok()
}

/// `2020-04-01T09:05` as milliseconds since 1970-01-01 of the same clock.
fn start(v: &str) -> Option<i64> {
    let (d, t) = v.split_once('T')?;
    let (h, m) = t.split_once(':')?;
    let days = i64::from(day(d)?);
    Some(((days * 24 + h.parse::<i64>().ok()?) * 60 + m.parse::<i64>().ok()?) * 60_000)
}

/// Rows of a CSV file (a header, then records), a frame of `chunk` rows
/// at a time.
struct CsvChunks {
    r: csv::Reader<std::io::BufReader<std::fs::File>>,
    b: Builder,
    rec: csv::StringRecord,
    chunk: usize,
    done: bool,
}

impl CsvChunks {
    fn open(lang: crate::lang::Lang, path: &std::path::Path, chunk: usize) -> Result<CsvChunks> {
        let file = std::fs::File::open(path).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
        let mut r = csv::ReaderBuilder::new().from_reader(std::io::BufReader::with_capacity(1 << 20, file));
        let header: Vec<String> = r.headers()?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        let b = Builder::new(header.iter().map(String::as_str));
        Ok(CsvChunks { r, b, rec: csv::StringRecord::new(), chunk, done: false })
    }

    /// The next frame; the first is returned even when empty (its schema).
    fn next(&mut self, first: bool) -> Result<Option<DataFrame>> {
        if self.done {
            return Ok(None);
        }
        while self.b.len() < self.chunk {
            if !self.r.read_record(&mut self.rec)? {
                self.done = true;
                break;
            }
            self.b.push(self.rec.iter())?;
        }
        if self.b.is_empty() && !first {
            return Ok(None);
        }
        Ok(Some(self.b.take()?))
    }
}

/// Rows a Parquet row group holds when the list is written in parts.
const CHUNK: usize = 1 << 17;

/// A Parquet file of a CSV list, written a row group at a time (memory
/// stays flat however long the list), into a spooled file with its hash.
pub(crate) fn parquet_of_csv(lang: crate::lang::Lang, csv: &std::path::Path) -> Result<crate::output::Spooled> {
    let (path, f) = crate::output::temp_file(lang, "parquet")?;
    let spooled = crate::output::Spooled { path, sha256: String::new() };
    let mut out = Hashing::new(std::io::BufWriter::with_capacity(1 << 20, f));
    let mut chunks = CsvChunks::open(lang, csv, CHUNK)?;
    let first = chunks.next(true)?.context("a list with no header")?;
    {
        let mut writer = parquet_writer(&mut out).batched(first.schema())?;
        writer.write_batch(&first)?;
        while let Some(df) = chunks.next(false)? {
            writer.write_batch(&df)?;
        }
        writer.finish()?;
    }
    finish(out, spooled)
}

/// A frame as a Parquet file, spooled with its hash.
pub(crate) fn parquet_of(lang: crate::lang::Lang, df: &mut DataFrame) -> Result<crate::output::Spooled> {
    let (path, f) = crate::output::temp_file(lang, "parquet")?;
    let spooled = crate::output::Spooled { path, sha256: String::new() };
    let mut out = Hashing::new(std::io::BufWriter::with_capacity(1 << 20, f));
    parquet_writer(&mut out).finish(df)?;
    finish(out, spooled)
}

/// Snappy: read by every Parquet reader (pandas, DuckDB, Spark), and
/// pure Rust here.
fn parquet_writer<W: Write>(w: W) -> ParquetWriter<W> {
    ParquetWriter::new(w).with_compression(ParquetCompression::Snappy)
}

fn finish(out: Hashing<std::io::BufWriter<std::fs::File>>, mut spooled: crate::output::Spooled) -> Result<crate::output::Spooled> {
    let (w, hash) = out.into_parts();
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    spooled.sha256 = hash;
    Ok(spooled)
}

/// A writer that hashes what goes through it (the manifest's SHA-256).
struct Hashing<W> {
    w: W,
    hash: sha2::Sha256,
}

impl<W: Write> Hashing<W> {
    fn new(w: W) -> Hashing<W> {
        use sha2::Digest;
        Hashing { w, hash: sha2::Sha256::new() }
    }
    fn into_parts(mut self) -> (W, String) {
        use sha2::Digest;
        let _ = self.w.flush();
        let hash = std::mem::take(&mut self.hash).finalize().iter().map(|b| format!("{b:02x}")).collect();
        (self.w, hash)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.w.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// The figures of some fiscal years as one frame: `fiscal_year`, `table`,
/// `row`, `column` (categoricals but `row`, text), `value` (a number; a
/// figure that is not one, such as the major accidents' marks of a cell,
/// is null there and kept in `text`).
pub(crate) fn figures_frame(years: &[(i32, &crate::figures::Figures)], with_year: bool) -> Result<DataFrame> {
    let (mut fy, mut table, mut row, mut column, mut value, mut text) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (year, figs) in years {
        for f in &figs.list {
            let printed = f.value.to_string();
            fy.push(*year);
            table.push(f.table.clone());
            row.push(f.row.clone());
            column.push(f.column.clone());
            value.push(printed.parse::<f64>().ok());
            text.push(printed);
        }
    }
    let cat = DataType::from_categories(Categories::global());
    let mut columns = Vec::new();
    if with_year {
        columns.push(Series::new("fiscal_year".into(), fy).into_column());
    }
    columns.push(Series::new("table".into(), table).cast(&cat)?.into_column());
    columns.push(Series::new("row".into(), row).into_column());
    columns.push(Series::new("column".into(), column).cast(&cat)?.into_column());
    columns.push(Series::new("value".into(), value).into_column());
    columns.push(Series::new("text".into(), text).into_column());
    Ok(DataFrame::new_infer_height(columns)?)
}

/// A SQL query over named frames (polars SQL).
pub fn query(sql: &str, tables: Vec<(&str, DataFrame)>) -> Result<DataFrame> {
    let mut ctx = polars::sql::SQLContext::new();
    for (name, df) in tables {
        ctx.register(name, df.lazy());
    }
    Ok(ctx.execute(sql)?.collect()?)
}

/// A cell as people read it: integers without a decimal point, days as
/// `2020-08-31`, the start as `2020-04-01T09:05`, null as empty.
pub(crate) fn cell_text(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::Float64(x) => float_text(*x),
        AnyValue::Float32(x) => float_text(f64::from(*x)),
        AnyValue::Date(d) => {
            let (y, m, d) = calendar::civil_from_days(i64::from(*d));
            format!("{y:04}-{m:02}-{d:02}")
        }
        AnyValue::Datetime(t, unit, _) => {
            let ms = match unit {
                TimeUnit::Milliseconds => *t,
                TimeUnit::Microseconds => t.div_euclid(1_000),
                TimeUnit::Nanoseconds => t.div_euclid(1_000_000),
            };
            let minutes = ms.div_euclid(60_000);
            let (y, m, d) = calendar::civil_from_days(minutes.div_euclid(1440));
            let at = minutes.rem_euclid(1440);
            format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", at / 60, at % 60)
        }
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => if *b { "true" } else { "false" }.to_string(),
        other => match other.get_str() {
            Some(s) => s.to_string(),
            None => other.to_string().trim_matches('"').to_string(),
        },
    }
}

fn float_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The frame's cells as text, row by row (header first).
pub fn text_rows(df: &DataFrame) -> Result<Vec<Vec<String>>> {
    let mut rows = vec![df.get_column_names().iter().map(|n| n.to_string()).collect::<Vec<_>>()];
    let columns: Vec<&Series> = df.columns().iter().map(|c| c.as_materialized_series()).collect();
    for i in 0..df.height() {
        rows.push(columns.iter().map(|s| s.get(i).map(|v| cell_text(&v)).unwrap_or_default()).collect());
    }
    Ok(rows)
}
