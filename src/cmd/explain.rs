//! `jiko explain`: a figure and the reports behind it, for an analyst who
//! asks which reports make a number.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::{print_failure, Keep, Sources};
use crate::records::{self, ReadOptions};
use crate::aggregate::Aggregate;
use crate::carriers::CarrierMap;
use crate::incidents::IncidentLine;
use crate::{figures, period::Period, wareki};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Fiscal year: 2020, R2, 令和2年度 …
    #[arg(long)]
    pub year: String,
    /// The figure: TABLE,ROW,COLUMN as in figures.csv (e.g. matrix,2h-5h,100k-1m).
    /// After `--input FILES…` it is taken from their end.
    pub figure: Option<String>,
    #[command(flatten)]
    pub sources: Sources,
    /// Carrier spellings to count as one (CSV: spelling,carrier).
    #[arg(long)]
    pub carriers: Option<PathBuf>,
}

pub fn run(mut args: Args) -> Result<bool> {
    let year = wareki::parse_fiscal_year(&args.year)?;
    // `--input f.xlsx matrix,2h-5h,100k-1m`: the option took the figure as
    // one more file; a value that is no file and reads as a figure is it.
    if args.figure.is_none() {
        let last = args.sources.input.last().filter(|p| !p.exists() && split_key(&p.to_string_lossy()).is_ok()).cloned();
        if let Some(f) = last {
            args.sources.input.pop();
            args.figure = Some(f.to_string_lossy().into_owned());
        }
    }
    let figure = args.figure.clone().context(crate::say!(
        "name the figure: TABLE,ROW,COLUMN as in figures.csv (e.g. matrix,2h-5h,100k-1m)",
        "数値を指定してください: figures.csv の TABLE,ROW,COLUMN（例: matrix,2h-5h,100k-1m）"
    ))?;
    let [table, row, column] = split_key(&figure)?;
    let map = match &args.carriers {
        Some(p) => CarrierMap::read(p)?,
        None => CarrierMap::default(),
    };
    let (files, agg) = args.sources.aggregate(Period::whole(year), Keep::default(), &map)?;
    if !agg.read.is_clean() {
        print_failure(&agg.read, false);
        return Ok(false);
    }
    let figs = figures::compute(&agg, year);
    let Some(value) = figs.get(table, row, column) else {
        let keys: Vec<String> = figs.list.iter().map(|f| format!("{},{},{}", f.table, f.row, f.column)).collect();
        let near = crate::rules::taxonomy::nearest(&figure, keys.iter().map(String::as_str));
        let hint = near.map_or(String::new(), |n| crate::say!(" (did you mean {n}?)", "（{n} のことですか）", n = n));
        bail!(crate::say!("{key}: no such figure for {year}{hint}", "{key}: {year}年度にこの数値はありません{hint}", key = figure, year = year, hint = hint));
    };
    println!("{},{},{} = {value}", table, row, column);
    let lines = behind(&files, &args.sources.read.options(None), &agg, year, [table, row, column], usize::MAX)?;
    if table == "major_trend" && row != year.to_string() {
        println!("{}", crate::say!("(reports of other years are not listed; run explain for that year)", "（他の年度の報告は一覧しません。その年度で explain してください）"));
        return Ok(true);
    }
    let services: usize = lines.iter().map(|l| l.services.count_ones() as usize).sum();
    println!(
        "{}",
        crate::say!("reports behind it: {n}", "元になった報告: {n}件", n = lines.len())
    );
    if table.starts_with("service") {
        println!("{}", crate::say!("(a report with several services counts once per service: {s} in all)", "（複数のサービスに影響した報告はサービスごとに計上: 計{s}）", s = services));
    }
    if table == "summary" && column == "carriers" || table.ends_with("share") {
        println!("{}", crate::say!("(the figure is a carrier count or share of these reports)", "（数値はこれらの報告の事業者数又は割合）"));
    }
    println!("incident_id\tcarrier\tstarted_at\tduration_min\taffected_users\tservices\tmajor");
    for l in &lines {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            l.incident_id,
            l.carrier,
            l.started_at,
            l.duration_min,
            l.affected_users,
            l.service_codes().join(";"),
            if l.major() { "yes" } else { "" }
        );
    }
    Ok(true)
}

fn split_key(key: &str) -> Result<[&str; 3]> {
    let parts: Vec<&str> = key.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [t, r, c] => Ok([t, r, c]),
        _ => bail!(crate::say!("{key}: give TABLE,ROW,COLUMN as in figures.csv", "{key}: figures.csv と同じ 表,行,列 の形で指定してください", key = key)),
    }
}

/// The year's counted reports behind figure `table,row,column`, at most
/// `limit`: a second, ordered pass over the files (the counting pass keeps
/// no report in memory).
pub fn behind(files: &[PathBuf], opts: &ReadOptions, agg: &Aggregate, year: i32, [table, row, column]: [&str; 3], limit: usize) -> Result<Vec<IncidentLine>> {
    let numbers: HashMap<&str, usize> = agg.accidents(year).iter().map(|a| (a.accident_id.as_str(), a.number)).collect();
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    let mut out = Vec::new();
    records::read_files(files, opts, |r| {
        if out.len() >= limit || r.started_at.fiscal_year() != year || !agg.period.includes(&r.started_at) {
            return;
        }
        if !crate::rules::within_duty(r.duration_min, r.affected_users, r.kind) {
            return;
        }
        let l = IncidentLine::from_row(r, &names[r.file]);
        let no = l.major().then(|| numbers.get(l.accident_id.as_str()).copied()).flatten();
        if l.behind(table, row, column, no) {
            out.push(l);
        }
    })?;
    out.sort_by_key(|l| (l.file_index, l.line));
    Ok(out)
}

/// The first `n` report ids behind a figure key, for `--check`; `None`
/// when the key is not `table,row,column` or no report is behind it.
pub fn ids_behind(files: &[PathBuf], opts: &ReadOptions, agg: &Aggregate, year: i32, key: &str, n: usize) -> Result<Option<String>> {
    let Ok(parts) = split_key(key) else { return Ok(None) };
    let lines = behind(files, opts, agg, year, parts, n + 1)?;
    if lines.is_empty() {
        return Ok(None);
    }
    let ids: Vec<&str> = lines.iter().take(n).map(|l| l.incident_id.as_str()).collect();
    let more = if lines.len() > n { ", …" } else { "" };
    Ok(Some(format!("{}{more}", ids.join(", "))))
}
