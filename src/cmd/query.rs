//! `jiko query`: polars SQL over two tables, `incidents` (every record
//! read, judged: the columns of `classify --input`) and `figures` (every
//! figure of every fiscal year the inputs cover). Needs the `frames`
//! feature; without it the command says how to build it.

use std::path::PathBuf;

use anyhow::Result;

use super::Sources;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The query, in polars SQL: `SELECT … FROM incidents | figures …`.
    pub sql: String,
    /// Only this fiscal year (2020, R2, 令和2年度 …) in both tables.
    #[arg(long)]
    pub year: Option<String>,
    #[command(flatten)]
    pub sources: Sources,
    /// Carrier spellings to count as one (CSV: spelling,carrier).
    #[arg(long)]
    pub carriers: Option<PathBuf>,
    /// Write the result here (.csv, .parquet or .xlsx) instead of printing it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file (never one of the inputs).
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[cfg(not(feature = "frames"))]
pub fn run(_: Args, _: crate::rules::Rules, lang: crate::lang::Lang) -> Result<bool> {
    anyhow::bail!(crate::say!(
        lang,
        "jiko query needs the frames feature: cargo build --release --features frames (or cargo install --path . --features frames)",
        "jiko query には frames 機能が必要です: cargo build --release --features frames（又は cargo install --path . --features frames）"
    ))
}

#[cfg(feature = "frames")]
pub fn run(args: Args, rules: crate::rules::Rules, lang: crate::lang::Lang) -> Result<bool> {
    imp::run(args, rules, lang)
}

#[cfg(feature = "frames")]
mod imp {
    use std::io::IsTerminal;

    use anyhow::{Context, Result};
    use polars::prelude::*;

    use super::Args;
    use crate::carriers::CarrierMap;
    use crate::cmd::{input_files, print_failure};
    use crate::frames::{self, Builder};
    use crate::incidents::{IncidentLine, COLUMNS};
    use crate::records;

    pub fn run(args: Args, rules: crate::rules::Rules, lang: crate::lang::Lang) -> Result<bool> {
        let only = args.year.as_deref().map(|y| crate::wareki::parse_fiscal_year(lang, y)).transpose()?;
        let map = match &args.carriers {
            Some(p) => CarrierMap::read(lang, p)?,
            None => CarrierMap::default(),
        };
        if let Some(out) = &args.out {
            // Said before any reading: the kind of file is known already.
            out_kind(lang, out)?;
            crate::output::spool_beside(out);
        }
        let files = input_files(lang, &args.sources.input)?;
        if let Some(out) = &args.out {
            let mut inputs = files.clone();
            inputs.extend(args.carriers.iter().cloned());
            crate::output::may_write(lang, out, args.force, &inputs)?;
        }
        let read = args.sources.read.options(lang, rules, None);
        // The figures first, every year in one read (each year's `rows`
        // figures its own accounting): a read that fails says so before
        // any query.
        let all = crate::aggregate::aggregate_every_year(&files, &read, &map)?;
        let first = &all[0];
        if !first.read.is_clean() {
            print_failure(lang, &first.read, crate::cmd::Skip::Cannot);
            return Ok(false);
        }
        crate::cmd::print_notes(lang, &first.read);
        let years: Vec<i32> = first.years.keys().copied().filter(|fy| only.is_none_or(|y| y == *fy)).collect();
        let trend = crate::cmd::aggregate::trend_series(lang, None)?;
        let mut figures = Vec::new();
        for fy in &years {
            let Some(agg) = all.iter().find(|a| a.year == *fy) else { continue };
            // As the year's figures.csv: the published series beside the counts.
            let mut f = crate::figures::compute(agg, *fy);
            f.add_published_trend(&trend, *fy);
            figures.push((*fy, f));
        }
        let by_year: Vec<(i32, &crate::figures::Figures)> = figures.iter().map(|(y, f)| (*y, f)).collect();
        let figures = frames::figures_frame(&by_year, true)?;
        let incidents = incidents_frame(lang, &files, &args, only, first, &map)?;
        let mut result = frames::query(&args.sql, vec![("incidents", incidents), ("figures", figures)]).context(crate::say!(lang, "the query", "クエリ"))?;
        match &args.out {
            Some(path) => {
                write_out(lang, path, &mut result)?;
                eprintln!("{}", crate::say!(lang, "  wrote {p} ({n} rows)", "  {p} に書き出しました（{n}行）", p = path.display(), n = result.height()));
            }
            None if std::io::stdout().is_terminal() => print!("{}", table_text(lang, &frames::text_rows(&result)?)),
            None => {
                let mut w = crate::output::sinks::csv_writer(std::io::stdout().lock());
                for row in frames::text_rows(&result)? {
                    w.write_record(row.iter().map(|c| crate::output::sinks::guard_cell(c).into_owned()))?;
                }
                w.flush()?;
            }
        }
        Ok(true)
    }

    /// Every record of the files judged (as `classify --input` judges
    /// it), with the carrier as the report prints it.
    fn incidents_frame(lang: crate::lang::Lang, files: &[std::path::PathBuf], args: &Args, only: Option<i32>, agg: &crate::aggregate::Aggregate, map: &CarrierMap) -> Result<DataFrame> {
        let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
        let opts = records::ReadOptions { unknown_users: true, ..args.sources.read.options(lang, agg.rules, None) };
        let mut b = Builder::new(COLUMNS.iter().copied());
        let mut failed = None;
        records::read_files(files, &opts, |row| {
            if only.is_some_and(|y| y != row.started_at.fiscal_year()) {
                return;
            }
            let mut line = IncidentLine::from_row(agg.rules, row, &names[row.file]);
            line.carrier_key = map.counted_key(row.carrier);
            line.carrier_printed = agg.carriers.display(map.key(row.carrier).0).unwrap_or(row.carrier).to_string();
            let values = line.values();
            if let Err(e) = b.push(values.iter().map(|v| v.as_ref())) {
                failed.get_or_insert(e);
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        b.take()
    }

    /// The kind of file `--out` names: csv, parquet or xlsx.
    fn out_kind(lang: crate::lang::Lang, path: &std::path::Path) -> Result<String> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        anyhow::ensure!(
            ["csv", "parquet", "xlsx"].contains(&ext.as_str()),
            "{}",
            crate::say!(lang, "--out {p}: give a .csv, .parquet or .xlsx file", "--out {p}: .csv、.parquet 又は .xlsx のファイルを指定してください", p = path.display())
        );
        Ok(ext)
    }

    fn write_out(lang: crate::lang::Lang, path: &std::path::Path, df: &mut DataFrame) -> Result<()> {
        let bytes = match out_kind(lang, path)?.as_str() {
            "csv" => {
                let mut w = crate::output::CsvOut::for_programs();
                for row in frames::text_rows(df)? {
                    w.row(row);
                }
                w.finish()
            }
            "parquet" => {
                let spooled = frames::parquet_of(lang, df)?;
                let mut f = std::fs::File::open(&spooled.path)?;
                return crate::output::write_atomic_from(lang, path, &mut f);
            }
            _ => xlsx(lang, df)?,
        };
        crate::output::write_atomic(lang, path, &bytes)
    }

    /// The result as a workbook: numbers as numbers, days and the start as
    /// dates, yes/no as booleans.
    fn xlsx(lang: crate::lang::Lang, df: &DataFrame) -> Result<Vec<u8>> {
        use rust_xlsxwriter::Format;
        // A sheet holds 1,048,576 rows, the header among them.
        anyhow::ensure!(
            df.height() < 1_048_576,
            crate::say!(lang, "{n} rows are more than a sheet holds (1,048,575 below the header): write .csv or .parquet", "{n}行はシートに入りません（見出しの下に1,048,575行まで）。.csv 又は .parquet に書き出してください", n = df.height())
        );
        let mut book = crate::report::workbook("jiko query")?;
        let sheet = book.add_worksheet();
        sheet.set_name("query")?;
        let bold = Format::new().set_bold();
        let (day, minute) = (Format::new().set_num_format("yyyy-mm-dd"), Format::new().set_num_format("yyyy-mm-dd hh:mm"));
        for (c, column) in df.columns().iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| anyhow::anyhow!(crate::say!(lang, "too many columns for a sheet", "列が多すぎてシートに入りません")))?;
            sheet.write_string_with_format(0, c, column.name().as_str(), &bold)?;
            let s = column.as_materialized_series();
            for i in 0..s.len() {
                let r = u32::try_from(i + 1).map_err(|_| anyhow::anyhow!(crate::say!(lang, "too many rows for a sheet (write .csv or .parquet)", "行が多すぎてシートに入りません（.csv 又は .parquet に書き出してください）")))?;
                match s.get(i)? {
                    AnyValue::Null => {}
                    AnyValue::Boolean(b) => {
                        sheet.write_boolean(r, c, b)?;
                    }
                    AnyValue::Date(d) => {
                        sheet.write_number_with_format(r, c, f64::from(d) + 25_569.0, &day)?;
                    }
                    v @ AnyValue::Datetime(..) => {
                        let text = frames::cell_text(&v);
                        let (d, t) = text.split_once('T').unwrap_or((&text, "00:00"));
                        let days = d.split('-').map(|x| x.parse::<u32>().unwrap_or(1)).collect::<Vec<_>>();
                        let (h, m) = t.split_once(':').map_or((0, 0), |(h, m)| (h.parse().unwrap_or(0), m.parse().unwrap_or(0)));
                        let at = crate::calendar::Minute { year: days[0] as i32, month: days[1], day: days[2], hour: h, minute: m };
                        sheet.write_number_with_format(r, c, at.excel_serial(), &minute)?;
                    }
                    v if v.is_primitive_numeric() => {
                        sheet.write_number(r, c, v.extract::<f64>().unwrap_or_default())?;
                    }
                    v => {
                        sheet.write_string(r, c, frames::cell_text(&v))?;
                    }
                }
            }
        }
        Ok(book.save_to_buffer()?)
    }

    /// Rows as an aligned text table (East Asian wide characters count two).
    fn table_text(lang: crate::lang::Lang, rows: &[Vec<String>]) -> String {
        use unicode_width::UnicodeWidthStr;
        let n = rows.first().map_or(0, Vec::len);
        let widths: Vec<usize> = (0..n).map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for (i, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r.iter().zip(&widths).map(|(v, w)| format!("{v}{}", " ".repeat(w - v.width()))).collect();
            out += cells.join("  ").trim_end();
            out.push('\n');
            if i == 0 {
                out += &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  ");
                out.push('\n');
            }
        }
        out += &crate::say!(lang, "({n} rows)\n", "（{n}行）\n", n = rows.len().saturating_sub(1));
        out
    }
}
