//! `jiko aggregate`: one fiscal year from records to every output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use crate::lang::Lang;
use crate::rules::Rules;

use super::{load, must_exist, print_failure, InputArgs, Keep, Loaded};
use crate::aggregate::{Aggregate, FileAccount};
use crate::figures::{self, Figures};
use crate::output::{CommitMode, CsvOut, Outputs};
use crate::{charts, render, report, rules, sentences, taxonomy, wareki};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Compare with a published figures file; exit 1 on any difference.
    /// `--check` alone: the year's published figures built into jiko (as
    /// is `data/published/fyYYYY.csv` where no such file is in the folder).
    #[arg(long, num_args = 0..=1, default_missing_value = BUILTIN_CHECK)]
    pub check: Option<PathBuf>,
    /// Write invalid rows to rejects.csv instead of failing.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Count only reports that started on or before this day (a year to
    /// date, 速報); the previous year over the same span.
    #[arg(long)]
    pub through: Option<String>,
    /// Details of the year's major accidents (別紙; docs/details.md).
    /// Default: the project's data/details/fyYYYY.toml when the shipped
    /// records are read.
    #[arg(long)]
    pub details: Option<PathBuf>,
    /// Do not write incidents.csv (one line per counted report; on very
    /// large inputs it is as large as the input, spooled to disk).
    #[arg(long)]
    pub no_incidents: bool,
    /// Several fiscal years, `FROM-TO` (2019-2020, R1-R2): each year's
    /// folder under --out (default ./output) as fyYYYY, and
    /// figures_by_year.csv (fiscal_year,table,row,column,value) beside them.
    #[arg(long, conflicts_with_all = ["year", "check", "through"])]
    pub years: Option<String>,
    /// A second rules file (or shipped name, `proposed-2025`) to set beside
    /// the run's: every figure that differs and every report whose verdict
    /// changes, printed, in compare.csv and in the report.
    #[arg(long, conflicts_with = "years")]
    pub compare: Option<PathBuf>,
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    match args.years.clone() {
        Some(range) => run_years(lang, args, rules, &range),
        None => run_year(lang, args, rules),
    }
}

/// Every year of a range from one read of the inputs: years without
/// records are listed and skipped; every year's folder is staged before
/// any is put in place, with figures_by_year.csv and years.csv beside
/// them, so a run that fails writes nothing.
fn run_years(lang: crate::lang::Lang, args: Args, rules: Rules, range: &str) -> Result<bool> {
    let (a, b) = range.split_once('-').ok_or_else(|| anyhow::anyhow!(crate::say!(lang, "--years {r}: give FROM-TO, e.g. 2019-2020", "--years {r}: FROM-TO の形で指定してください（例: 2019-2020）", r = range)))?;
    let (from, to) = (wareki::parse_fiscal_year(lang, a.trim())?, wareki::parse_fiscal_year(lang, b.trim())?);
    anyhow::ensure!(from <= to, "{}", crate::say!(lang, "--years {r}: the first year comes first", "--years {r}: 始めの年度を先に書いてください", r = range));
    let parent = args.input.out.clone().unwrap_or_else(|| PathBuf::from("output"));
    // Checked before anything is read; a file with jiko's header is an
    // earlier run's.
    for name in ["figures_by_year.csv", "years.csv"] {
        let path = parent.join(name);
        let ours = std::fs::read(&path).is_ok_and(|b| b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b).starts_with(b"fiscal_year,"));
        crate::output::may_write(lang, &path, args.input.force || ours, &args.input.sources.input)?;
    }
    // Everything named on the command line is read before any output.
    let trend = trend_series(lang, args.input.trend.as_ref())?;
    let one = |year: i32| {
        let mut one = Args { years: None, ..args.clone() };
        one.input.year = Some(year.to_string());
        one.input.out = Some(parent.join(format!("fy{year}")));
        one
    };
    let details: Vec<_> = (from..=to).map(|y| details_of(lang, &one(y))).collect::<Result<_>>()?;
    let map = match &args.input.carriers {
        Some(p) => crate::carriers::CarrierMap::read(lang, p)?,
        None => crate::carriers::CarrierMap::default(),
    };
    crate::output::spool_beside(&parent.join(format!("fy{from}")));
    let periods: Vec<crate::period::Period> = (from..=to).map(crate::period::Period::whole).collect();
    let keep = Keep { rejected: args.skip_invalid, incidents: !args.no_incidents };
    let (files, years) = args.input.sources.aggregate_periods(lang, rules, &periods, keep, &map)?;
    let read = &years[0].0.read;
    if !read.is_clean() && (!args.skip_invalid || read.fatal()) {
        print_failure(lang, read, super::Skip::IntoRejects);
        return Ok(false);
    }
    let label = |y: i32| crate::say!(lang, "{l} ({y})", "{l}（{y}）", l = wareki::fiscal_year_label(y), y = y);
    let empty: Vec<i32> = years.iter().filter(|(a, _)| !a.years.contains_key(&a.year)).map(|(a, _)| a.year).collect();
    if empty.len() == years.len() {
        let held: Vec<String> = years[0].0.years.keys().map(|y| label(*y)).collect();
        let held = if held.is_empty() { crate::say!(lang, "none", "なし") } else { held.join(if lang.ja() { "、" } else { ", " }) };
        anyhow::bail!(crate::say!(
            lang,
            "the inputs hold no report of {from}-{to}; they hold {held}. Nothing was written",
            "入力に{from}〜{to}年度の報告がありません。入力にあるのは {held}。何も書き出していません",
            from = from,
            to = to,
            held = held
        ));
    }
    if !empty.is_empty() {
        let list: Vec<String> = empty.iter().map(|y| label(*y)).collect();
        eprintln!(
            "{}",
            crate::say!(lang, "  note: no records of {l}: skipped (years.csv lists every year of the range)", "  注: {l} の記録がないため飛ばしました（範囲の各年度は years.csv に）", l = list.join(if lang.ja() { "、" } else { ", " }))
        );
    }
    let mode = CommitMode { force: args.input.force, update: false, lang };
    let mut long = CsvOut::for_programs();
    long.row(["fiscal_year", "table", "row", "column", "value"]);
    let mut listing = CsvOut::for_programs();
    listing.row(["fiscal_year", "label", "status"]);
    let mut staged = Vec::new();
    for ((agg, list), details) in years.into_iter().zip(details) {
        let year = agg.year;
        let held = !empty.contains(&year);
        listing.row([year.to_string(), wareki::fiscal_year_label(year), if held { "written" } else { "no_records" }.to_string()]);
        if !held {
            continue;
        }
        let l = Loaded { year, out: parent.join(format!("fy{year}")), agg, files: files.clone(), carriers: map.clone(), list };
        let (outputs, l, figs, _) = build(lang, &one(year), rules, l, &trend, details.as_ref(), None)?;
        for f in &figs.list {
            long.row([year.to_string().as_str(), &f.table, &f.row, &f.column, &f.value.to_string()]);
        }
        // Every file the run read is an input: the records and the files beside them.
        let inputs: Vec<PathBuf> = l.files.iter().cloned().chain([&args.input.trend, &args.details, &args.input.carriers].into_iter().flatten().cloned()).collect();
        staged.push((outputs.stage(mode, &inputs)?, l));
    }
    let by_year = crate::output::StagedFile::new(lang, &parent.join("figures_by_year.csv"), &long.finish())?;
    let listed = crate::output::StagedFile::new(lang, &parent.join("years.csv"), &listing.finish())?;
    let mut done = Vec::new();
    for (s, l) in staged {
        s.finish()?;
        done.push(l);
    }
    by_year.finish()?;
    listed.finish()?;
    for l in &done {
        print_summary(lang, l);
    }
    eprintln!("{}", crate::say!(lang, "  wrote {p}", "  {p} に書き出しました", p = parent.join("figures_by_year.csv").display()));
    Ok(true)
}

fn run_year(lang: crate::lang::Lang, args: Args, rules: Rules) -> Result<bool> {
    // Everything named on the command line is read before any output.
    let published = match &args.check {
        Some(path) => Some(published_to_check(lang, path, args.input.year.as_deref())?),
        None => None,
    };
    let trend = trend_series(lang, args.input.trend.as_ref())?;
    let details = details_of(lang, &args)?;
    let other = args.compare.as_deref().map(|p| super::compare::load(lang, rules, p)).transpose()?;
    let l = load(lang, &args.input, rules, Keep { rejected: args.skip_invalid, incidents: !args.no_incidents }, args.through.as_deref())?;
    if !l.agg.read.is_clean() && (!args.skip_invalid || l.agg.read.fatal()) {
        print_failure(lang, &l.agg.read, super::Skip::IntoRejects);
        return Ok(false);
    }
    let (outputs, l, figs, comparison) = build(lang, &args, rules, l, &trend, details.as_ref(), other)?;
    // Every file the run read is an input: the records and the files beside them.
    let inputs: Vec<PathBuf> = l.files.iter().cloned().chain([&args.check, &args.input.trend, &args.details, &args.input.carriers].into_iter().flatten().filter(|p| p.exists()).cloned()).collect();
    outputs.commit(CommitMode { force: args.input.force, update: false, lang }, &inputs)?;
    print_summary(lang, &l);
    if let Some(c) = &comparison {
        c.print(lang);
    }
    match published {
        Some(published) => {
            let result = figures::compare(&figs, &published);
            // The inputs are read once for all mismatches, however many.
            let keys: Vec<&str> = result.mismatches.iter().map(|m| m.key.as_str()).collect();
            let read = args.input.sources.read.options(lang, rules, None);
            let behind = if keys.is_empty() { Vec::new() } else { crate::cmd::explain::ids_behind(&l.files, &read, &l.agg, l.year, &keys, 10)? };
            for (m, ids) in result.mismatches.iter().zip(behind) {
                println!("{}", m.text(lang));
                if let Some(ids) = ids {
                    println!("{}", crate::say!(lang, "  reports behind the computed value: {ids}", "  計算値の元の報告: {ids}", ids = ids));
                }
            }
            println!("{}", crate::say!(lang, "{m}/{t} figures match", "{m}/{t} 件の数値が一致", m = result.matched(), t = result.total));
            Ok(result.mismatches.is_empty())
        }
        None => Ok(true),
    }
}

/// Every output of one year counted: figures, tables, report, charts,
/// lists, in memory (spooled lists aside), ready to commit or stage.
fn build(
    lang: crate::lang::Lang,
    args: &Args,
    rules: Rules,
    mut l: Loaded,
    trend: &[(i32, u64)],
    details: Option<&(crate::details::Details, Option<PathBuf>)>,
    other: Option<Rules>,
) -> Result<(Outputs, Loaded, Figures, Option<super::compare::Comparison>)> {
    let (mut figs, prev) = figures_of(&l.agg, l.year);
    // A year to date counts earlier years whole for the trends.
    let whole = match l.agg.period.through {
        Some(_) => Some(crate::aggregate::aggregate_with(&l.files, l.year, &args.input.sources.read.options(lang, rules, None), &l.carriers)?),
        None => None,
    };
    let history = whole.as_ref().unwrap_or(&l.agg);
    for (fy, _) in history.years.range(..l.year).filter(|_| whole.is_some()) {
        figs.set_major_trend(*fy, history.accidents(*fy).len() as u64);
    }
    let parts = report_parts(lang, &l, history, trend, &figs, prev.as_ref(), (!args.no_charts).then_some(&[]))?;
    figs.add_published_trend(trend, l.year);
    // Without a details file there are no sheets: said when there are
    // majors that would have one.
    let (sheets, notes) = match details {
        Some((d, base)) => crate::details::sheets(lang, &l.agg, l.year, d, base.as_deref()),
        None => match l.agg.accidents(l.year).len() {
            0 => Default::default(),
            // The shipped records carry details of some years only.
            n if args.input.sources.input.is_empty() => (Vec::new(), vec![crate::say!(
                lang,
                "{n} major accident(s) have no 別紙 (the edition's sheet on each): the shipped records carry no details of {y}; give them with --details FILE (the format: docs/details.md in jiko's source)",
                "重大な事故{n}件の別紙がありません: 同梱の記録には{y}年度の詳細がありません。--details FILE で指定できます（書き方はjikoのソースの docs/details.md）",
                n = n,
                y = l.year
            )]),
            n => (Vec::new(), vec![crate::say!(
                lang,
                "{n} major accident(s) have no 別紙 (the edition's sheet on each): --details was not given (the format: docs/details.md in jiko's source)",
                "重大な事故{n}件の別紙がありません: --details が指定されていません（書き方はjikoのソースの docs/details.md）",
                n = n
            )]),
        },
    };
    for n in &notes {
        eprintln!("{}", crate::say!(lang, "  note: {n}", "  注: {n}", n = n));
    }
    let incidents = l.list.take();
    let comparison = match other {
        Some(b) => Some(super::compare::compare(&l, &figs, b, &args.input.sources.read.options(lang, b, None), trend)?),
        None => None,
    };
    let outputs = make_outputs(lang, &l, &figs, prev.as_ref(), &parts, &sheets, incidents, comparison.as_ref())?;
    Ok((outputs, l, figs, comparison))
}

/// The details file and its folder (for diagrams): `--details`, or the
/// built-in one for the shipped records; none otherwise.
fn details_of(lang: crate::lang::Lang, args: &Args) -> Result<Option<(crate::details::Details, Option<PathBuf>)>> {
    let year = super::year_of(lang, &args.input)?;
    match &args.details {
        Some(p) => {
            must_exist(lang, p, "--details")?;
            Ok(Some((crate::details::read(lang, p)?, p.parent().map(PathBuf::from))))
        }
        None if args.input.sources.input.is_empty() => crate::details::builtin(year).transpose().map(|d| d.map(|d| (d, None))),
        None => Ok(None),
    }
}

/// The published major-accident series: the one built in, or `--trend`.
pub(crate) fn trend_series(lang: crate::lang::Lang, path: Option<&PathBuf>) -> Result<Vec<(i32, u64)>> {
    match path {
        Some(p) => {
            must_exist(lang, p, "--trend")?;
            charts::read_trend(lang, p)
        }
        None => charts::builtin_trend(lang),
    }
}

/// The year's figures and, when its records are there, the previous year's.
pub(crate) fn figures_of(agg: &Aggregate, year: i32) -> (Figures, Option<Figures>) {
    (figures::compute(agg, year), agg.tally(year - 1).map(|_| figures::compute(agg, year - 1)))
}

/// What the documents need beyond the tables: the charts drawn (none with
/// --no-charts) and the major-accident series.
pub(crate) struct ReportParts {
    pub charts: Vec<(String, Vec<u8>)>,
    pub trend: BTreeMap<i32, u64>,
}

pub(crate) fn report_parts(
    lang: crate::lang::Lang,
    l: &Loaded,
    history: &crate::aggregate::Aggregate,
    series: &[(i32, u64)],
    this: &Figures,
    prev: Option<&Figures>,
    only: Option<&[String]>,
) -> Result<ReportParts> {
    let drawn = match only {
        Some(only) => charts::render(lang, &crate::trend::with_reports_chart(lang, charts::models(&l.agg, l.year, this, prev, series), history, l.year), only)?,
        None => Vec::new(),
    };
    Ok(ReportParts { charts: drawn, trend: charts::known_trend(this, series) })
}

/// Provenance for every document: version, rules, inputs with SHA-256,
/// merged carrier spellings, and the reconstruction notice for the
/// shipped data.
pub fn footer(agg: &Aggregate, year: i32) -> Vec<String> {
    let mut lines = vec![format!("jiko {} で作成。重大な事故の基準: {}。", env!("CARGO_PKG_VERSION"), rules_used(agg, year))];
    lines.extend(agg.rules.provenance());
    // A due rule's own note (the yearly report's name is not MIC's).
    lines.extend(agg.rules.year_due(year).map(|d| d.note.clone()).filter(|n| !n.is_empty()));
    lines.extend(agg.period.footer(agg.tally(year - 1).is_some()));
    // Several major reports of one accident (a wholesale provider's and its
    // receivers') are one accident in the count, as the edition counts.
    let shared: Vec<&crate::aggregate::Accident> = agg.accidents(year).iter().filter(|a| a.cells.len() > 1).collect();
    if !shared.is_empty() {
        let reports: usize = shared.iter().map(|a| a.cells.len()).sum();
        lines.push(format!(
            "重大な事故{}件のうち{}件は同じ事故についての複数の報告（計{}報告、卸元と卸先など）を1件として数えた（summary,major,accidents / major_reports）。",
            agg.accidents(year).len(),
            shared.len(),
            reports
        ));
    }
    lines.extend(agg.read.files.iter().map(|f| match &f.sheet {
        Some(sheet) => format!("入力: {} のシート {sheet}（SHA-256: {}）", f.path, f.sha256),
        None => format!("入力: {}（SHA-256: {}）", f.path, f.sha256),
    }));
    for (name, spellings) in agg.carriers.merged() {
        lines.push(format!("事業者名の表記を統合: {name} ← {}", spellings.join("、")));
    }
    // The shipped reconstruction marks every record's provenance.
    if agg.read.files.iter().any(|f| f.extra_columns.iter().any(|c| c == "provenance")) {
        lines.push(taxonomy::label::RECONSTRUCTION.to_string());
    }
    lines
}

/// The rule sets that judged the year's counted reports: one set with the
/// day it took effect, or each set with how many reports it judged.
pub(crate) fn rules_used(agg: &Aggregate, year: i32) -> String {
    let sets = agg.rules.sets_in_year(year);
    let used: BTreeMap<&str, u64> = agg
        .tally(year)
        .map(|t| agg.rules.book.sets.iter().zip(&t.rule_sets).filter(|(_, n)| **n > 0).map(|(s, n)| (s.raw.id.as_str(), *n)).collect())
        .unwrap_or_default();
    let from = |s: &rules::Set| s.from.map_or("試算".to_string(), |f| format!("{}年度から", f.fiscal_year()));
    let day = |s: &rules::Set| s.from.map_or("試算".to_string(), |f| format!("{}年{}月{}日から", f.year, f.month, f.day));
    match sets.as_slice() {
        [] => "なし".to_string(),
        // The set's Japanese name, its code beside it.
        [one] if used.len() <= 1 && !one.raw.label.is_empty() => format!("{}（{}）", one.label(), one.raw.id),
        [one] if used.len() <= 1 => format!("{}（{}）", one.raw.id, from(one)),
        _ => sets
            .iter()
            .map(|s| format!("{}（{}）{}件", s.raw.id, day(s), used.get(s.raw.id.as_str()).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

/// Every file of the year's result, in memory (`lang`: the Parquet
/// writers' messages, with the frames feature).
#[cfg_attr(not(feature = "frames"), allow(unused_variables))]
fn make_outputs(
    lang: crate::lang::Lang,
    l: &Loaded,
    figs: &Figures,
    prev: Option<&Figures>,
    parts: &ReportParts,
    sheets: &[crate::details::Sheet],
    incidents: Option<crate::output::Spooled>,
    comparison: Option<&super::compare::Comparison>,
) -> Result<Outputs> {
    let (agg, year) = (&l.agg, l.year);
    let mut o = Outputs::new(&l.out);
    let mut buf = Vec::new();
    figs.write_csv(&mut buf)?;
    o.add("figures.csv", buf);
    let mut tables = render::tables(agg, year, figs, prev);
    // --compare: its tables and sentences join the report's last section.
    let compared = comparison.map(|c| c.section());
    if let (Some(c), Some((_, extra))) = (comparison, &compared) {
        tables.extend(extra.iter().cloned());
        o.add("compare.csv", c.csv());
    }
    for t in &tables {
        o.add(format!("tables/{}.csv", t.name), t.to_csv(agg.rules.trial_note().is_some()));
    }
    let footer = footer(agg, year);
    o.add("tables.md", render::markdown(&agg.period.title(), &tables, &footer).into_bytes());
    o.add("figures.json", report::figures_json(agg.period, figs).into_bytes());
    for (name, png) in &parts.charts {
        o.add(format!("charts/{name}"), png.clone());
    }
    let mut sentences = sentences::generate(agg, year, figs, prev, &parts.trend);
    if let Some((lines, _)) = compared {
        sentences.sections.push((report::COMPARE, lines));
    }
    let doc = report::Report {
        period: agg.period,
        tables: &tables,
        sentences: &sentences,
        charts: &parts.charts,
        footnotes: report::footnotes(agg.rules, year),
        footer,
        sheets,
    };
    o.add("report.md", doc.markdown().into_bytes());
    o.add("report.html", doc.html().into_bytes());
    o.add("report.xlsx", doc.xlsx(figs)?);

    let mut w = CsvOut::for_people();
    w.row(["file", "line", "incident_id", "carrier", "started_at", "duration_min", "affected_users", "services", "rule"]);
    // What decided it: neither long enough nor with enough users (the
    // duty's own words), and not a kind always reported.
    let rule = agg.rules.outside_duty_text();
    for d in &agg.outside_duty {
        let services: Vec<&str> = agg.rules.vocab.services_in(d.services).map(|(_, s)| s.code).collect();
        let rule = match &d.near_miss {
            Some(n) => format!("{rule}。{}", near_miss_text(agg.rules, n)),
            None => rule.clone(),
        };
        w.row([d.file.as_str(), &d.line.to_string(), &d.incident_id, &d.carrier, &d.started_at.to_string(), &d.duration_min.to_string(), &d.affected_users.to_string(), &services.join(";"), &rule]);
    }
    o.add("outside_duty.csv", w.finish());
    for (name, bytes) in sheets.iter().filter_map(|s| s.diagram.as_ref()) {
        o.add(name, bytes.clone());
    }
    // With the frames feature, the list and the figures as Parquet too
    // (typed columns, the same rows).
    #[cfg(feature = "frames")]
    {
        o.add_spooled("figures.parquet", crate::frames::parquet_of(lang, &mut crate::frames::figures_frame(&[(year, figs)], false)?)?);
        if let Some(spooled) = &incidents {
            o.add_spooled("incidents.parquet", crate::frames::parquet_of_csv(lang, &spooled.path)?);
        }
    }
    if let Some(spooled) = incidents {
        o.add_spooled("incidents.csv", spooled);
    }
    for (name, bytes) in rejects(agg) {
        o.add(name, bytes);
    }
    Ok(o)
}

/// Columns rejects files put before the input's own.
pub(crate) const REJECT_COLUMNS: &[&str] = &["reason", "source_file", "source_line"];

/// A row outside the duty that gave おそれ事態 facts: its own answer, so
/// that no one reads "outside the duty" as "nothing to report".
fn near_miss_text(r: crate::rules::Rules, n: &crate::rules::near_miss::Answer) -> String {
    use crate::rules::Tri;
    let days = r.near_miss().map_or(0, |x| x.raw.report_days);
    let due = n.due.map_or_else(|| format!("知った日から{days}日以内"), |(y, m, d)| {
        let l = crate::closed_days::legal_last_day(y, m, d);
        if l.moved() { format!("{}まで（{}は行政機関の休日）", l.last, l.due) } else { format!("{}まで", l.due) }
    });
    match n.verdict {
        Tri::Yes if n.unless.is_empty() => format!("おそれ事態には該当（法第28条第2項による報告、報告書は{due}）"),
        Tri::Yes => format!("おそれ事態には該当（{}のいずれかに該当しない限り。報告書は{due}）", n.unless.join("、")),
        Tri::Unknown => "おそれ事態に該当するかは不明（jiko classify --input で確認）".to_string(),
        Tri::No => "おそれ事態にも該当しない".to_string(),
    }
}

/// Rejected rows with the input's own header, so a person fixes them in a
/// spreadsheet and feeds the file back (the added columns are ignored on
/// reading). Inputs with different headers get a file each.
fn rejects(agg: &Aggregate) -> Vec<(String, Vec<u8>)> {
    let mut by_header: Vec<(&Vec<String>, CsvOut)> = Vec::new();
    for r in &agg.read.rejected {
        let header = &agg.read.files[r.file].header;
        let at = match by_header.iter().position(|(h, _)| *h == header) {
            Some(i) => i,
            None => {
                let mut w = CsvOut::for_people();
                w.row(REJECT_COLUMNS.iter().map(|c| c.to_string()).chain(header.iter().cloned()));
                by_header.push((header, w));
                by_header.len() - 1
            }
        };
        let lines = if r.end_line > r.line { format!("{}-{}", r.line, r.end_line) } else { r.line.to_string() };
        let head = [r.reason.clone(), agg.accounts[r.file].path.clone(), lines];
        by_header[at].1.row(head.into_iter().chain(r.fields.iter().cloned()));
    }
    by_header
        .into_iter()
        .enumerate()
        .map(|(i, (_, w))| (if i == 0 { "rejects.csv".to_string() } else { format!("rejects-{}.csv", i + 1) }, w.finish()))
        .collect()
}

fn print_summary(lang: crate::lang::Lang, l: &Loaded) {
    let (agg, year) = (&l.agg, l.year);
    let label = wareki::fiscal_year_label(year);
    let n = agg.accounts.len();
    eprintln!("{}", crate::say!(lang, "{label} ({year}) from {n} file(s):", "{label}（{year}）、{n}ファイルから:", label = label, year = year, n = n));
    let total = FileAccount::sum(&crate::say!(lang, "total", "合計"), &agg.accounts);
    for a in agg.accounts.iter().chain([&total]) {
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "  {p}: {r} read = {c} counted + {o} other fiscal years + {d} outside the reporting duty + {x} rejected{t}",
                "  {p}: 読んだ{r}行 = 集計{c} + 他年度{o} + 報告対象外{d} + 不正{x}{t}",
                p = a.path,
                r = a.read,
                c = a.counted,
                o = a.other_years,
                d = a.outside_duty,
                x = a.rejected,
                t = if agg.period.through.is_some() {
                    crate::say!(lang, " + {n} after the --through day", " + 期間後{n}", n = a.after_through)
                } else {
                    String::new()
                }
            )
        );
    }
    if !agg.outside_duty.is_empty() {
        let ids: Vec<&str> = agg.outside_duty.iter().take(5).map(|o| o.incident_id.as_str()).collect();
        let (ids, more, file) = (ids.join(", "), if agg.outside_duty.len() > 5 { ", …" } else { "" }, l.out.join("outside_duty.csv"));
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "  outside the duty ({label}): {ids}{more} (all in {file})",
                "  {label}: {ids}{more}（一覧は {file}）",
                label = agg.rules.duty_labels(agg.period.year).1,
                ids = ids,
                more = more,
                file = file.display()
            )
        );
    }
    let near: Vec<String> = agg
        .outside_duty
        .iter()
        .filter_map(|o| o.near_miss.as_ref().filter(|n| n.verdict != crate::rules::Tri::No).map(|n| format!("{} {}", o.incident_id, near_miss_text(agg.rules, n))))
        .collect();
    if !near.is_empty() {
        eprintln!("{}", crate::say!(lang, "  おそれ事態 outside the accident duty, reported apart (法第28条第2項): {}", "  事故の報告義務の外のおそれ事態（法第28条第2項により別に報告）: {}", near.join("; ")));
    }
    for (name, spellings) in agg.carriers.merged() {
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "  note: carrier spellings counted as one, printed as {name}: {list}",
                "  注: 同じ事業者として数えた表記（{name} と表示）: {list}",
                name = name,
                list = spellings.join(", ")
            )
        );
    }
    if !agg.read.rejected.is_empty() {
        let (n, file) = (agg.read.rejected.len(), l.out.join("rejects.csv"));
        let of_which = match agg.read.superseded() {
            0 => String::new(),
            s => crate::say!(lang, " ({s} of them superseded by a valid row of their id)", "（うち{s}行は同じ報告番号の正しい行で置き換え済み）", s = s),
        };
        eprintln!("{}", crate::say!(lang, "  {n} invalid row(s) set aside in {file}{w}", "  不正な{n}行を {file} に分けました{w}", n = n, file = file.display(), w = of_which));
    }
    // A trial's figures are not MIC's: said on the terminal as in the files.
    if let Some(t) = &agg.rules.book.trial {
        eprintln!("{}", crate::say!(lang, "  note: {n}", "  注: {n}", n = if lang.ja() { &t.note } else { &t.note_en }));
    }
    eprintln!("{}", crate::say!(lang, "  wrote {p}", "  {p} に書き出しました", p = l.out.display()));
}

/// `--check` given alone (a name no file has: clap needs a value).
const BUILTIN_CHECK: &str = "builtin:";

/// The figures `--check` compares with: the file given; the year's
/// built-in published figures for `--check` alone; and the built-in copy
/// of a shipped file named by its path (`data/published/fy2020.csv`) where
/// the folder has no such file, as the shipped records are read.
fn published_to_check(lang: crate::lang::Lang, path: &Path, year: Option<&str>) -> Result<Vec<(u64, [String; 4])>> {
    let text = path.to_string_lossy();
    let alone = text == BUILTIN_CHECK;
    if !alone && path.exists() {
        must_exist(lang, path, "--check")?;
        return figures::read_published(lang, path);
    }
    let year = match year {
        Some(y) => wareki::parse_fiscal_year(lang, y)?,
        None => 0,
    };
    let name = (!alone).then_some(text.as_ref());
    match crate::published::builtin_file(name, year) {
        Some((name, text)) => figures::parse_published(lang, name, text.as_bytes()),
        None if name.is_none() => anyhow::bail!(crate::say!(
            lang,
            "--check: no published figures of {y} are built in; give a file",
            "--check: {y}年度の公表値は組み込まれていません。ファイルを指定してください",
            y = year
        )),
        None => {
            must_exist(lang, path, "--check")?;
            figures::read_published(lang, path)
        }
    }
}