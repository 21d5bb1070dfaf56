use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use jiko::aggregate::{self, Aggregate, FileAccount};
use jiko::figures::{self, Figures};
use jiko::output::Outputs;
use jiko::records::{self, Encoding, ReadOptions};
use jiko::{charts, generate, render, report, rules, sentences, taxonomy, wareki};

#[derive(Parser)]
#[command(name = "jiko", version, about = "Telecom outage records to MIC's yearly 電気通信サービスの事故発生状況 statistics")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Aggregate one fiscal year: figures.csv, Japanese tables, optional check.
    Aggregate(AggregateArgs),
    /// Redraw charts of one fiscal year into output/fyYYYY/charts.
    Chart {
        #[command(flatten)]
        input: InputArgs,
        /// Only these charts (major_trend, major_service, matrix, service,
        /// service_voice, service_data, cause, equipment).
        #[arg(long, num_args = 1..)]
        only: Vec<String>,
    },
    /// Check incident files without aggregating; exit 1 on any invalid row.
    Validate {
        /// Files or folders (every *.csv and *.xlsx below). Default: data/incidents.
        paths: Vec<PathBuf>,
        #[arg(long)]
        encoding: Option<Encoding>,
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Rebuild the shipped reconstruction (data/incidents) from the published figures.
    Generate {
        /// Folder of published figure files (fy2019.csv, fy2020.csv, fy2020-major-accidents.csv).
        #[arg(long, default_value = "data/published")]
        published: PathBuf,
        /// Folder to write fy2019.csv and fy2020.csv into.
        #[arg(long, default_value = "data/incidents")]
        out: PathBuf,
        #[arg(long, default_value_t = generate::DEFAULT_SEED)]
        seed: u64,
    },
}

/// Which records, which year, where to write.
#[derive(clap::Args)]
struct InputArgs {
    /// Fiscal year: 2020, R2, 令和2, 令和2年度, 令和元年, H30.
    #[arg(long)]
    year: String,
    /// Incident files or folders (every *.csv below). Default: data/incidents.
    #[arg(long, num_args = 1..)]
    input: Vec<PathBuf>,
    /// Output folder. Default: output/fyYYYY.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Force the input encoding (utf-8 or cp932) instead of detecting it.
    #[arg(long)]
    encoding: Option<Encoding>,
    /// Worksheet to read from .xlsx inputs (default: the first sheet).
    #[arg(long)]
    sheet: Option<String>,
    /// Published major-accident series for the trend chart's other years.
    #[arg(long, default_value = "data/published/major_trend.csv")]
    trend: PathBuf,
}

#[derive(clap::Args)]
struct AggregateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Compare with a published figures file; exit 1 on any difference.
    #[arg(long)]
    check: Option<PathBuf>,
    /// Write invalid rows to rejects.csv instead of failing.
    #[arg(long)]
    skip_invalid: bool,
    /// Do not draw the PNG charts.
    #[arg(long)]
    no_charts: bool,
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Aggregate(args) => run_aggregate(args),
        Command::Chart { input, only } => run_chart(input, only),
        Command::Validate { paths, encoding, sheet } => run_validate(paths, encoding, sheet),
        Command::Generate { published, out, seed } => generate::generate(&published, &out, seed).map(|written| {
            for p in written {
                eprintln!("wrote {}", p.display());
            }
            true
        }),
    };
    match result {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}

/// Shows bytes read on a terminal while the inputs are read.
struct Progress {
    done: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(files: &[PathBuf], counter: Arc<AtomicU64>) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let handle = (std::io::stderr().is_terminal()).then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let read = counter.load(Ordering::Relaxed);
                    let pct = if total > 0 { 100 * read / total } else { 100 };
                    eprint!("\rreading {:.1} / {:.1} MB ({pct}%)", read as f64 / 1e6, total as f64 / 1e6);
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r\x1b[K");
            })
        });
        Progress { done, handle }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The files to read: those given, or the shipped data.
fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    match paths {
        [] => records::expand_inputs(&[PathBuf::from("data/incidents")]),
        given => records::expand_inputs(given),
    }
}

/// The records of a run, read and counted, with the year and output folder.
struct Loaded {
    year: i32,
    out: PathBuf,
    agg: Aggregate,
}

fn load(args: &InputArgs) -> Result<Loaded> {
    let year = wareki::parse_fiscal_year(&args.year)?;
    let files = input_files(&args.input)?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("output/fy{year}")));
    let counter = Arc::new(AtomicU64::new(0));
    let opts = ReadOptions { encoding: args.encoding, sheet: args.sheet.clone(), progress: Some(counter.clone()) };
    let agg = {
        let _progress = Progress::start(&files, counter);
        aggregate::aggregate(&files, year, &opts)?
    };
    if !agg.years.contains_key(&year) && agg.read.errors.is_empty() {
        let held: Vec<String> = agg.years.keys().map(|fy| format!("{} ({fy})", wareki::fiscal_year_label(*fy))).collect();
        anyhow::bail!(
            "the inputs hold no report of {} ({year}); they hold {}. Nothing was written",
            wareki::fiscal_year_label(year),
            if held.is_empty() { "none".to_string() } else { held.join(", ") }
        );
    }
    Ok(Loaded { year, out, agg })
}

/// The year's figures and, when its records are there, the previous year's.
fn figures_of(agg: &Aggregate, year: i32) -> (Figures, Option<Figures>) {
    (figures::compute(agg, year), agg.tally(year - 1).map(|_| figures::compute(agg, year - 1)))
}

fn print_errors(agg: &Aggregate) {
    for e in &agg.read.errors {
        eprintln!("{e}");
    }
    let hint = if agg.read.fatal() {
        "duplicate incident_ids must be resolved by hand (--skip-invalid cannot choose between them)"
    } else {
        "fix them, or pass --skip-invalid to set those rows aside in rejects.csv"
    };
    eprintln!(
        "error: {} problem(s), {} invalid row(s); nothing was written: {hint}",
        agg.read.errors.len(),
        agg.read.rejected.len()
    );
}

/// What the documents need beyond the tables: the charts drawn (none with
/// --no-charts) and the major-accident series.
struct ReportParts {
    charts: Vec<(String, Vec<u8>)>,
    trend: std::collections::BTreeMap<i32, u64>,
}

fn report_parts(l: &Loaded, trend: &Path, this: &Figures, prev: Option<&Figures>, only: Option<&[String]>) -> Result<ReportParts> {
    let series = charts::read_trend(trend)?;
    let drawn = match only {
        Some(only) => charts::render(&charts::models(&l.agg, l.year, this, prev, &series), only)?,
        None => Vec::new(),
    };
    Ok(ReportParts { charts: drawn, trend: charts::known_trend(this, &series) })
}

fn run_aggregate(args: AggregateArgs) -> Result<bool> {
    let l = load(&args.input)?;
    if !l.agg.read.errors.is_empty() && (!args.skip_invalid || l.agg.read.fatal()) {
        print_errors(&l.agg);
        return Ok(false);
    }
    let (figs, prev) = figures_of(&l.agg, l.year);
    let all: &[String] = &[];
    let parts = report_parts(&l, &args.input.trend, &figs, prev.as_ref(), (!args.no_charts).then_some(all))?;
    let outputs = make_outputs(&l.out, &l.agg, l.year, &figs, prev.as_ref(), &parts)?;
    outputs.commit()?;
    print_summary(&l.agg, l.year, &l.out);

    match &args.check {
        Some(path) => check(&figs, path),
        None => Ok(true),
    }
}

fn run_validate(paths: Vec<PathBuf>, encoding: Option<Encoding>, sheet: Option<String>) -> Result<bool> {
    let files = input_files(&paths)?;
    let counter = Arc::new(AtomicU64::new(0));
    let opts = ReadOptions { encoding, sheet, progress: Some(counter.clone()) };
    let report = {
        let _progress = Progress::start(&files, counter);
        let mut sinks: Vec<_> = (0..records::worker_count()).map(|_| |_: &records::Row| {}).collect();
        records::read_files_in_parallel(&files, &opts, &mut sinks)?
    };
    for e in &report.errors {
        eprintln!("{e}");
    }
    for f in &report.files {
        eprintln!("{}: {} rows, {} valid, {} invalid", f.path, f.rows, f.rows - f.rejected, f.rejected);
    }
    print_ignored_columns(&report);
    if report.errors.is_empty() {
        eprintln!("all {} rows valid", report.rows());
        Ok(true)
    } else {
        let duplicates = report.errors.iter().filter(|e| e.fatal).count();
        eprintln!("error: {} invalid row(s), {duplicates} duplicate incident_id(s)", report.rejected.len());
        Ok(false)
    }
}

/// Columns jiko ignores, said once for all files.
fn print_ignored_columns(report: &records::ReadReport) {
    let mut columns: Vec<&str> = report.files.iter().flat_map(|f| f.extra_columns.iter().map(String::as_str)).collect();
    columns.sort();
    columns.dedup();
    if !columns.is_empty() {
        eprintln!("  note: columns jiko ignores (kept out of the figures): {}", columns.join(", "));
    }
}

fn run_chart(input: InputArgs, only: Vec<String>) -> Result<bool> {
    let l = load(&input)?;
    if !l.agg.read.errors.is_empty() {
        print_errors(&l.agg);
        return Ok(false);
    }
    let (figs, prev) = figures_of(&l.agg, l.year);
    let parts = report_parts(&l, &input.trend, &figs, prev.as_ref(), Some(&only))?;
    let mut outputs = Outputs::default();
    for (name, png) in parts.charts {
        outputs.add(l.out.join("charts").join(name), png);
    }
    for p in outputs.paths() {
        eprintln!("  drew {}", p.display());
    }
    outputs.commit()?;
    Ok(true)
}

/// Provenance for every document: version, rules, inputs with SHA-256,
/// and the reconstruction notice for the shipped data.
fn footer(agg: &Aggregate, year: i32) -> Vec<String> {
    let rules = rules::major_rules(year).map_or("なし".to_string(), |r| format!("{}（{}年度から）", r.id, r.first_fy));
    let mut lines = vec![format!("jiko {} で作成。重大な事故の基準: {rules}。", env!("CARGO_PKG_VERSION"))];
    lines.extend(agg.read.files.iter().map(|f| format!("入力: {}（SHA-256: {}）", f.path, f.sha256)));
    // The shipped reconstruction marks every record's provenance.
    if agg.read.files.iter().any(|f| f.extra_columns.iter().any(|c| c == "provenance")) {
        lines.push(taxonomy::label::RECONSTRUCTION.to_string());
    }
    lines
}

/// Every file of the year's result, in memory.
fn make_outputs(out: &Path, agg: &Aggregate, year: i32, figs: &Figures, prev: Option<&Figures>, parts: &ReportParts) -> Result<Outputs> {
    let mut o = Outputs::default();
    let mut buf = Vec::new();
    figs.write_csv(&mut buf)?;
    o.add(out.join("figures.csv"), buf);
    let tables = render::tables(agg, year, figs, prev);
    for t in &tables {
        o.add(out.join("tables").join(format!("{}.csv", t.name)), t.to_csv());
    }
    let footer = footer(agg, year);
    let md = render::markdown(year, &tables, &footer);
    o.add(out.join("tables.md"), md.into_bytes());
    o.add(out.join("figures.json"), report::figures_json(year, figs).into_bytes());
    for (name, png) in &parts.charts {
        o.add(out.join("charts").join(name), png.clone());
    }
    let sentences = sentences::generate(agg, year, figs, prev, &parts.trend);
    let doc = report::Report {
        year,
        tables: &tables,
        sentences: &sentences,
        charts: &parts.charts,
        footnotes: report::footnotes(year),
        footer,
    };
    o.add(out.join("report.md"), doc.markdown().into_bytes());
    o.add(out.join("report.html"), doc.html().into_bytes());
    o.add(out.join("report.xlsx"), doc.xlsx(figs)?);

    let mut w = jiko::output::csv_writer(Vec::new());
    w.write_record(["file", "line", "incident_id"])?;
    for d in &agg.outside_duty {
        w.write_record([d.file.as_str(), &d.line.to_string(), &d.incident_id])?;
    }
    o.add(out.join("outside_duty.csv"), w.into_inner().context("buffer")?);

    let rejects = out.join("rejects.csv");
    if agg.read.rejected.is_empty() {
        o.remove(rejects);
    } else {
        // The rejected rows' fields unchanged, after where they were and why.
        let mut w = jiko::output::csv_writer(Vec::new());
        w.write_record(["file", "line", "reason", "fields…"])?;
        for r in &agg.read.rejected {
            let mut rec = vec![agg.accounts[r.file].path.clone(), r.line.to_string(), r.reason.clone()];
            rec.extend(r.fields.iter().cloned());
            w.write_record(&rec)?;
        }
        o.add(rejects, w.into_inner().context("buffer")?);
    }
    Ok(o)
}

fn print_summary(agg: &Aggregate, year: i32, out: &Path) {
    eprintln!("{} ({year}) from {} file(s):", wareki::fiscal_year_label(year), agg.accounts.len());
    let total = FileAccount::sum("total", &agg.accounts);
    for a in agg.accounts.iter().chain([&total]) {
        eprintln!(
            "  {}: {} read = {} counted + {} other fiscal years + {} outside the reporting duty + {} rejected",
            a.path, a.read, a.counted, a.other_years, a.outside_duty, a.rejected
        );
    }
    if !agg.outside_duty.is_empty() {
        let ids: Vec<&str> = agg.outside_duty.iter().take(5).map(|o| o.incident_id.as_str()).collect();
        eprintln!(
            "  outside the duty (四半期報告対象外): {}{} (all in {})",
            ids.join(", "),
            if agg.outside_duty.len() > 5 { ", …" } else { "" },
            out.join("outside_duty.csv").display()
        );
    }
    print_ignored_columns(&agg.read);
    eprintln!("  wrote {}", out.display());
}

fn check(figs: &Figures, path: &Path) -> Result<bool> {
    let published = figures::read_published(path)?;
    let result = figures::compare(figs, &published);
    for m in &result.mismatches {
        println!("{m}");
    }
    println!("{}/{} figures match", result.matched(), result.total);
    Ok(result.mismatches.is_empty())
}
