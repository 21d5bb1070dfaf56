//! The commands, one module each: the orchestration of a run, from its
//! arguments to its outputs. `main.rs` only parses and dispatches.

pub mod aggregate;
pub mod chart;
pub mod classify;
pub mod compare;
pub mod draft;
pub mod explain;
pub mod help;
pub mod query;
pub mod template;
pub mod trend;
pub mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::aggregate::Aggregate;
use crate::carriers::CarrierMap;
use crate::records::{self, Encoding, ReadOptions, ReadReport};
use crate::rules::Rules;
use crate::wareki;


/// The run's rules: `--rules FILE` (or a shipped name), else the built-in
/// book (its codes and bins come with it). Its errors are in `lang`.
pub fn run_rules(lang: crate::lang::Lang, path: Option<&Path>) -> Result<Rules> {
    match path {
        Some(p) => {
            let rules = Rules::load(lang, p)?;
            usable(lang, p, rules)?;
            Ok(rules)
        }
        None => Ok(Rules::builtin()),
    }
}

/// What a rules file must also be, found when it is read rather than in
/// the middle of a run: no spelling (code, label or alias) names two codes
/// of a column, and the charts can draw every label.
fn usable(lang: crate::lang::Lang, path: &Path, rules: Rules) -> Result<()> {
    let v = records::values::Vocabularies::of(rules.vocab);
    for (column, voc) in [
        ("report_form", &v.forms),
        ("services", &v.services),
        ("cause", &v.causes),
        ("equipment", &v.equipment),
        ("facility", &v.facilities),
        ("kind", &v.kinds),
        ("wholesale", &v.wholesale),
    ] {
        if let Some(c) = voc.collisions.first() {
            anyhow::bail!(crate::say!(
                lang,
                "{}: column {column}: the spelling {c:?} names two codes (an alias spells another code or its label); one spelling, one code",
                "{}: 列 {column}: 表記 {c:?} が二つのコードを指しています（別名が別のコード又はその名称と同じ表記です）。一つの表記には一つのコードを対応させてください",
                path.display()
            ));
        }
    }
    let t = rules.vocab;
    let labels = t
        .services
        .iter()
        .map(|s| s.label)
        .chain([&t.service_codes, &t.causes, &t.equipment, &t.forms, &t.facilities, &t.kinds, &t.wholesale].into_iter().flat_map(|l| l.iter().map(|c| c.label)))
        .chain([&t.service_groups, &t.cause_groups, &t.equipment_groups].into_iter().flat_map(|l| l.iter().map(|g| g.label)))
        .chain([&t.duration_bins, &t.user_bins].into_iter().flat_map(|l| l.iter().map(|b| b.label)));
    crate::text::Fonts::load()?.check_in(lang, &crate::say!(lang, "{}: a label", "{}: 名称", path.display()), labels)
}

/// How inputs are read, shared by the commands that read them.
#[derive(clap::Args, Debug, Clone)]
pub struct ReadArgs {
    /// Force the input encoding (utf-8 or cp932) instead of detecting it.
    #[arg(long)]
    pub encoding: Option<Encoding>,
    /// Worksheet to read from workbooks (default: the first sheet).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The header's row number, when it is not found in the first 10 rows.
    #[arg(long)]
    pub header_row: Option<u64>,
}

impl ReadArgs {
    pub fn options(&self, lang: crate::lang::Lang, rules: Rules, progress: Option<Arc<AtomicU64>>) -> ReadOptions {
        ReadOptions { rules, lang, encoding: self.encoding, sheet: self.sheet.clone(), header_row: self.header_row, keep_rejected: false, progress, ..Default::default() }
    }
}

/// The incident files a command reads, and how.
#[derive(clap::Args, Debug, Clone)]
pub struct Sources {
    /// Incident files or folders (any number of years). Default: the
    /// shipped data/incidents.
    #[arg(long, num_args = 1..)]
    pub input: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

impl Sources {
    /// Read and count every file (progress on a terminal), and say what
    /// was skipped or noticed.
    pub fn aggregate(&self, lang: crate::lang::Lang, rules: Rules, period: crate::period::Period, keep: Keep, map: &CarrierMap) -> Result<(Vec<PathBuf>, Aggregate, Option<crate::output::Spooled>)> {
        let (files, mut years) = self.aggregate_periods(lang, rules, &[period], keep, map)?;
        let (agg, list) = years.pop().context("no year counted")?;
        Ok((files, agg, list))
    }

    /// `aggregate` of several periods (whole fiscal years, or one span) in
    /// one read of the files.
    pub fn aggregate_periods(&self, lang: crate::lang::Lang, rules: Rules, periods: &[crate::period::Period], keep: Keep, map: &CarrierMap) -> Result<(Vec<PathBuf>, Vec<(Aggregate, Option<crate::output::Spooled>)>)> {
        let files = input_files(lang, &self.input)?;
        let counter = Arc::new(AtomicU64::new(0));
        let opts = ReadOptions { keep_rejected: keep.rejected, ..self.read.options(lang, rules, Some(counter.clone())) };
        let mut years = {
            let _progress = Progress::start(lang, &files, counter);
            match keep.incidents {
                true => crate::aggregate::aggregate_years_listing(&files, periods, &opts, map)?,
                false => match periods {
                    [one] => vec![(crate::aggregate::aggregate_period(&files, *one, &opts, map)?, None)],
                    _ => crate::aggregate::aggregate_years(&files, &periods.iter().map(|p| p.year).collect::<Vec<_>>(), &opts, map)?.into_iter().map(|a| (a, None)).collect(),
                },
            }
        };
        if let Some((agg, _)) = years.first() {
            print_notes(lang, &agg.read);
        }
        // Printed names or a provider's major the count settled: the list
        // is written again, in a second read (for each year that has one).
        for (agg, list) in &mut years {
            let held = agg.years.contains_key(&agg.year);
            if keep.incidents && list.is_none() && held && (agg.read.is_clean() || (keep.rejected && !agg.read.fatal())) {
                let counter = Arc::new(AtomicU64::new(0));
                let opts = ReadOptions { keep_rejected: false, ..self.read.options(lang, rules, Some(counter.clone())) };
                let _progress = Progress::start_as(&files, counter, crate::say!(lang, "writing incidents.csv", "incidents.csv を書き出し中"));
                *list = Some(crate::aggregate::write_list(agg, &files, &opts, map)?);
            }
        }
        Ok((files, years))
    }
}

/// What a run keeps besides the counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Rejected rows' fields (rejects.csv).
    pub rejected: bool,
    /// The year's list (incidents.csv).
    pub incidents: bool,
}

/// Which records, which year, where to write.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Fiscal year: 2020, R2, 令和2, 令和2年度, 令和元年, H30.
    #[arg(long)]
    pub year: Option<String>,
    #[command(flatten)]
    pub sources: Sources,
    /// Output folder. Default: output/fyYYYY under the current folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Published major-accident series for the trend's other years
    /// (default: the one built in, from data/published/major_trend.csv).
    #[arg(long)]
    pub trend: Option<PathBuf>,
    /// Carrier spellings to count as one (CSV: spelling,carrier).
    #[arg(long)]
    pub carriers: Option<PathBuf>,
    /// Write into a folder that holds files jiko did not write, replacing
    /// any of them that jiko writes too.
    #[arg(long)]
    pub force: bool,
}

/// Shows bytes read on a terminal while the inputs are read.
pub(crate) struct Progress {
    done: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(lang: crate::lang::Lang, files: &[PathBuf], counter: Arc<AtomicU64>) -> Progress {
        Progress::start_as(files, counter, crate::say!(lang, "reading", "読み込み中"))
    }

    /// As `start`, the line saying what is done (`writing incidents.csv`).
    pub(crate) fn start_as(files: &[PathBuf], counter: Arc<AtomicU64>, what: String) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let handle = (std::io::stderr().is_terminal()).then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                // Shown once at least, then until the work is done.
                loop {
                    let read = counter.load(Ordering::Relaxed).min(total);
                    let pct = if total > 0 { 100 * read / total } else { 100 };
                    eprint!("\r{what} {:.1} / {:.1} MB ({pct}%)", read as f64 / 1e6, total as f64 / 1e6);
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
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

/// The files to read: those given, or the shipped data. Notes on what was
/// skipped are printed.
pub(crate) fn input_files(lang: crate::lang::Lang, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let inputs = match paths {
        [] => records::Inputs { files: records::builtin::files(), notes: vec![] },
        given => records::expand_inputs(lang, given)?,
    };
    for n in &inputs.notes {
        eprintln!("{}", crate::say!(lang, "  note: {n}", "  注: {n}", n = n));
    }
    Ok(inputs.files)
}

/// The records of a run, read and counted, with the year and output folder.
pub struct Loaded {
    pub year: i32,
    pub out: PathBuf,
    pub agg: Aggregate,
    /// The files read and the carrier map, for a second look.
    pub files: Vec<PathBuf>,
    pub carriers: CarrierMap,
    /// incidents.csv, when the run writes it.
    pub list: Option<crate::output::Spooled>,
}

/// Check what the command line names before any reading: every file must
/// be there, so no option is ignored in silence.
pub(crate) fn must_exist(lang: crate::lang::Lang, path: &Path, what: &str) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => anyhow::bail!(crate::say!(lang, "{what} {p}: not a regular file", "{what} {p}: 通常のファイルではありません", what = what, p = path.display())),
        Err(e) => anyhow::bail!("{what} {}: {}", path.display(), crate::lang::io_text(lang, &e)),
    }
}

/// The fiscal year asked for (`--year`).
pub fn year_of(lang: crate::lang::Lang, args: &InputArgs) -> Result<i32> {
    let y = args.year.as_deref().ok_or_else(|| anyhow::anyhow!(crate::say!(lang, "--year is required (or --years FROM-TO with aggregate)", "--year を指定してください（aggregate では --years FROM-TO も可）")))?;
    wareki::parse_fiscal_year(lang, y)
}

pub fn load(lang: crate::lang::Lang, args: &InputArgs, rules: Rules, keep: Keep, through: Option<&str>) -> Result<Loaded> {
    let year = year_of(lang, args)?;
    let period = crate::period::Period::parse(lang, year, through)?;
    let map = match &args.carriers {
        Some(p) => CarrierMap::read(lang, p)?,
        None => CarrierMap::default(),
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("output/fy{year}")));
    crate::output::spool_beside(&out);
    let (files, agg, list) = args.sources.aggregate(lang, rules, period, keep, &map)?;
    let bad_rows_only = agg.read.rejected_rows() > 0 && !agg.read.fatal();
    if !agg.years.contains_key(&year) && (agg.read.is_clean() || bad_rows_only) {
        if !agg.read.is_clean() {
            print_errors(lang, &agg.read);
        }
        let label = wareki::fiscal_year_label(year);
        let later: u64 = agg.accounts.iter().map(|a| a.after_through).sum();
        let held: Vec<String> = agg.years.keys().map(|fy| crate::say!(lang, "{l} ({fy})", "{l}（{fy}）", l = wareki::fiscal_year_label(*fy), fy = fy)).collect();
        let valid = if agg.read.is_clean() { String::new() } else { crate::say!(lang, "valid ", "正しい") };
        anyhow::bail!(match (period.through, held.is_empty()) {
            // The year is there, but after the --through day.
            (Some((y, m, d)), _) if later > 0 => crate::say!(
                lang,
                "the inputs' {later} {valid}report(s) of {label} ({year}) all started after --through {y}-{m:02}-{d:02}. Nothing was written",
                "入力の{label}（{year}）の{valid}報告{later}件は、すべて --through {y}年{m}月{d}日より後に発生しています。何も書き出していません",
                later = later,
                valid = valid,
                label = label,
                year = year,
                y = y,
                m = m,
                d = d
            ),
            (_, true) => crate::say!(
                lang,
                "the inputs hold no {valid}report of {label} ({year}), nor of any other year. Nothing was written",
                "入力に{label}（{year}）の{valid}報告はなく、ほかの年度の報告もありません。何も書き出していません",
                valid = valid,
                label = label,
                year = year
            ),
            (_, false) => crate::say!(
                lang,
                "the inputs hold no {valid}report of {label} ({year}); they hold {held}. Nothing was written",
                "入力に{label}（{year}）の{valid}報告がありません。入力にあるのは {held} の報告です。何も書き出していません",
                valid = valid,
                label = label,
                year = year,
                held = held.join(if lang.ja() { "、" } else { ", " })
            ),
        });
    }
    Ok(Loaded { year, out, agg, files, carriers: map, list })
}

/// Notes of the read: files skipped, title rows, separators.
pub(crate) fn print_notes(lang: crate::lang::Lang, report: &ReadReport) {
    for n in &report.notes {
        eprintln!("{}", crate::say!(lang, "  note: {n}", "  注: {n}", n = n));
    }
    let columns = report.ignored_columns();
    if !columns.is_empty() {
        eprintln!("{}", crate::say!(lang, "  note: columns jiko ignores (kept out of the figures): {c}", "  注: 集計に使わない列: {c}", c = columns.join(", ")));
    }
}

/// Every listed error, then how many were not listed.
pub(crate) fn print_errors(lang: crate::lang::Lang, report: &ReadReport) {
    for e in &report.errors {
        eprintln!("{}", e.text(lang));
    }
    let unlisted = report.unlisted();
    if unlisted > 0 {
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "… and {unlisted} more problem(s) not listed (the first {n} of each file are)",
                "… ほかに{unlisted}件の問題があります（各ファイル最初の{n}件を表示）",
                unlisted = unlisted,
                n = records::ERRORS_PER_FILE
            )
        );
    }
}

/// What `--skip-invalid` does for a command, for the hint on bad rows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Skip {
    /// The command has no `--skip-invalid`.
    Cannot,
    /// Rows set aside in rejects.csv (aggregate).
    IntoRejects,
    /// Rows left out and listed on stderr (classify, explain).
    Listed,
}

/// The summary line after the errors of a failed read, with the hint
/// `skip` allows.
pub(crate) fn print_failure(lang: crate::lang::Lang, report: &ReadReport, skip: Skip) {
    print_errors(lang, report);
    let hint = if skip == Skip::Cannot {
        crate::say!(lang, "fix them and run again", "直してから実行し直してください")
    } else if report.fatal() {
        crate::say!(
            lang,
            "duplicate ids and unclosed quotes must be resolved by hand (--skip-invalid cannot set them aside)",
            "重複した報告番号と閉じていない引用符は手で直してください（--skip-invalid では除けません）"
        )
    } else if skip == Skip::IntoRejects {
        crate::say!(lang, "fix them, or pass --skip-invalid to set those rows aside in rejects.csv", "直すか、--skip-invalid でそれらの行を rejects.csv に分けてください")
    } else {
        crate::say!(lang, "fix them, or pass --skip-invalid to leave those rows out (listed here, as above)", "直すか、--skip-invalid でそれらの行を除いてください（除いた行は上のようにここに一覧します）")
    };
    eprintln!(
        "{}",
        crate::say!(
            lang,
            "error: {p} problem(s), {r} invalid row(s); nothing was written: {hint}",
            "エラー: 問題{p}件、不正な行{r}行。何も書き出していません: {hint}",
            p = report.problems(),
            r = report.rejected_rows(),
            hint = hint
        )
    );
}

/// A command line clap refused, said in Japanese (None: print clap's own
/// text, as for `--help`, `--version` and in English).
pub fn usage_error(lang: crate::lang::Lang, e: &clap::Error, commands: &[String]) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    if !lang.ja() {
        return None;
    }
    let get = |k: ContextKind| e.get(k).map(|v| v.to_string());
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let what = match e.kind() {
        // clap's own suggestion (`--services` for `--servces`), kept.
        ErrorKind::UnknownArgument => {
            let near = get(ContextKind::SuggestedArg).map_or(String::new(), |s| format!("（{s} ではありませんか）"));
            format!("不明な引数 {} があります{near}", arg?)
        }
        ErrorKind::InvalidSubcommand => format!("不明なコマンド {} です（jiko --help で一覧）", get(ContextKind::InvalidSubcommand)?),
        // A flag given no value reads as an empty value.
        ErrorKind::InvalidValue if value.as_deref() == Some("") => format!("{} に値を指定してください", arg?),
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue).filter(|v| !v.is_empty()).map_or(String::new(), |v| format!("（使える値: {v}）"));
            format!("{} に {:?} は使えません{valid}", arg?, value?)
        }
        // `--encoding` is the one value clap checks by jiko's own parser.
        ErrorKind::ValueValidation => {
            let arg = arg?;
            let valid = if arg.starts_with("--encoding") { "（utf-8 又は cp932 を指定してください）" } else { "" };
            format!("{arg} の値 {:?} を読めません{valid}", value?)
        }
        ErrorKind::MissingRequiredArgument => format!("必須の引数 {} がありません", arg?),
        ErrorKind::ArgumentConflict => match (arg?, get(ContextKind::PriorArg)?) {
            (a, p) if a == p => format!("{a} は一度だけ指定してください"),
            (a, p) => format!("{a} は {p} と同時に指定できません"),
        },
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("{} の値の数が合いません", arg?),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "コマンドを指定してください（jiko --help で一覧）".to_string(),
        _ => return None,
    };
    // A value with spaces given without quotes reads as extra arguments.
    let bare = get(ContextKind::InvalidArg).is_some_and(|a| !a.starts_with('-'));
    let quote = (matches!(e.kind(), ErrorKind::UnknownArgument) && bare).then_some("。空白を含む値（\"2026-05-10 10:00\" など）は引用符で囲んでください").unwrap_or("");
    // The command's own help, where the command line names one.
    let usage = get(ContextKind::Usage).unwrap_or_default();
    let named = usage.split_whitespace().skip_while(|w| *w != "jiko").nth(1).filter(|w| commands.iter().any(|c| c == w)).map(str::to_string);
    let command = named.or_else(|| std::env::args().skip(1).find(|a| commands.contains(a)));
    let help = command.map_or("jiko --help".to_string(), |c| format!("jiko {c} --help"));
    Some(format!("エラー: {what}{quote}\n使い方: {help}"))
}
