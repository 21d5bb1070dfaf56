//! `jiko explain`: a figure and the reports behind it, for an analyst who
//! asks which reports make a number.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use crate::lang::Lang;
use crate::rules::Rules;

use super::{print_failure, Keep, Sources};
use crate::records::{self, ReadOptions};
use crate::aggregate::Aggregate;
use crate::carriers::CarrierMap;
use crate::families::FigureKey;
use crate::incidents::{IncidentLine, Measure};
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
    /// Set invalid rows aside, as `aggregate --skip-invalid` did: the
    /// figure is the one that run published.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Write every report behind the figure to this CSV file (a terminal
    /// shows the first 50).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Reports a terminal shows; `--out` takes them all.
const ON_SCREEN: usize = 50;

pub fn run(mut args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    let year = wareki::parse_fiscal_year(lang, &args.year)?;
    // `--input f.xlsx matrix,2h-5h,100k-1m`: the option took the figure as
    // one more file; a value that is no file and reads as a figure is it.
    if args.figure.is_none() {
        let last = args.sources.input.last().filter(|p| !p.exists() && split_key(lang, &p.to_string_lossy()).is_ok()).cloned();
        if let Some(f) = last {
            args.sources.input.pop();
            args.figure = Some(f.to_string_lossy().into_owned());
        }
    }
    let figure = args.figure.clone().context(crate::say!(
        lang,
        "name the figure: TABLE,ROW,COLUMN as in figures.csv (e.g. matrix,2h-5h,100k-1m)",
        "数値を指定してください: figures.csv の TABLE,ROW,COLUMN（例: matrix,2h-5h,100k-1m）"
    ))?;
    let [table, row, column] = split_key(lang, &figure)?;
    let map = match &args.carriers {
        Some(p) => CarrierMap::read(lang, p)?,
        None => CarrierMap::default(),
    };
    if let Some(out) = &args.out {
        check_out(lang, out, args.force, &args.sources.input)?;
    }
    let (files, agg, _) = args.sources.aggregate(lang, rules, Period::whole(year), Keep::default(), &map)?;
    if !agg.read.is_clean() && (!args.skip_invalid || agg.read.fatal()) {
        print_failure(lang, &agg.read, super::Skip::Listed);
        return Ok(false);
    }
    if !agg.read.is_clean() {
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "  note: {n} invalid row(s) set aside (--skip-invalid), as aggregate --skip-invalid did",
                "  注: 不正な{n}行を除きました（--skip-invalid、aggregate --skip-invalid と同じ）",
                n = agg.read.rejected_rows()
            )
        );
    }
    let figs = figures::compute(&agg, year);
    let Some(value) = figs.get(table, row, column) else {
        let keys: Vec<String> = figs.list.iter().map(|f| format!("{},{},{}", f.table, f.row, f.column)).collect();
        let near = crate::rules::taxonomy::nearest(&figure, keys.iter().map(String::as_str));
        let hint = near.map_or(String::new(), |n| crate::say!(lang, " (did you mean {n}?)", "（{n} のことですか）", n = n));
        bail!(crate::say!(lang, "{key}: no such figure for {year}{hint}", "{key}: {year}年度にこの数値はありません{hint}", key = figure, year = year, hint = hint));
    };
    if lang.ja() {
        // Named as the report names it, the key beside for figures.csv.
        let [tl, rl, cl] = crate::render::figure_labels(rules, [table, row, column]);
        println!("{tl}・{rl}・{cl}（{table},{row},{column}） = {value}");
    } else {
        println!("{table},{row},{column} = {value}");
    }
    for l in arithmetic(lang, &agg, year, &figs, [table, row, column]) {
        println!("{l}");
    }
    let lines = behind(&files, &args.sources.read.options(lang, rules, None), &agg, year, [table, row, column], usize::MAX)?;
    if table == "major_trend" && row != year.to_string() {
        println!("{}", crate::say!(lang, "(reports of other years are not listed; run explain for that year)", "（他の年度の報告は一覧しません。その年度で explain してください）"));
        return Ok(true);
    }
    let (measure, n) = account(lang, &agg, &lines, [table, row, column], args.carriers.as_deref())?;
    let how = match measure {
        Measure::Reports => crate::say!(lang, "{n} report(s)", "報告{n}件", n = n),
        Measure::ServiceCounts => crate::say!(
            lang,
            "{n} service count(s) of the {r} reports below (a report counts once per service it names in the row)",
            "下の報告{r}件のサービス別の計上{n}件（報告は行のサービスごとに計上）",
            n = n,
            r = lines.len()
        ),
        Measure::Carriers if row == "major" => crate::say!(
            lang,
            "{n} carrier(s) (spellings counted as one) of the {r} reports below: each major accident's major reports and every report naming it in accident_id (a wholesale receiver's, major or not)",
            "下の報告{r}件の事業者{n}社（表記の違う同じ事業者は1社として数える）: 重大な事故の報告と、その事故を accident_id に書いた報告（卸先の報告など、重大か否かを問わない）",
            n = n,
            r = lines.len()
        ),
        Measure::Carriers => crate::say!(lang, "{n} carrier(s) (spellings counted as one) of the {r} reports below", "下の報告{r}件の事業者{n}社（表記の違う同じ事業者は1社として数える）", n = n, r = lines.len()),
        Measure::FileRows => crate::say!(
            lang,
            "{n} row(s) of the file's reading (rows read = counted + other fiscal years + outside the duty + rejected; only counted rows are listed)",
            "ファイルの読み込みの{n}行（読んだ行 = 集計 + 他の年度 + 報告義務外 + 不正。一覧は集計した行のみ）",
            n = n
        ),
    };
    println!("{}", crate::say!(lang, "made of: {h}", "内訳: {h}", h = how));
    println!("{}", crate::say!(lang, "reports behind it: {n}", "元になった報告: {n}件", n = lines.len()));
    let cells = |l: &IncidentLine| {
        let major = if l.major() { crate::say!(lang, "yes", "該当") } else { String::new() };
        [l.incident_id.clone(), l.carrier.clone(), l.started_at.to_string(), l.duration_min.to_string(), l.affected_users.to_string(), l.service_codes().join(";"), major]
    };
    // Column names as the run's language says them; the values keep their
    // codes (services), which the input contract reads back.
    let header = |names: &[&'static str]| -> Vec<String> { names.iter().map(|n| heading(lang, n)).collect() };
    if let Some(out) = &args.out {
        let mut w = crate::output::CsvOut::for_people();
        w.row(header(&["no", "incident_id", "carrier", "started_at", "duration_min", "affected_users", "services", "major", "file", "line"]));
        for (i, l) in lines.iter().enumerate() {
            w.row([(i + 1).to_string()].into_iter().chain(cells(l)).chain([l.file.clone(), l.line.to_string()]));
        }
        crate::output::write_atomic(lang, out, &w.finish())?;
        println!("{}", crate::say!(lang, "all {n} report(s) written to {p}", "全{n}件の報告を {p} に書き出しました", n = lines.len(), p = out.display()));
        return Ok(true);
    }
    // A terminal shows the first reports, and how many there are; a pipe
    // takes them all.
    let shown = if std::io::IsTerminal::is_terminal(&std::io::stdout()) { ON_SCREEN } else { usize::MAX };
    println!("{}", header(&["incident_id", "carrier", "started_at", "duration_min", "affected_users", "services", "major"]).join("\t"));
    for l in lines.iter().take(shown) {
        println!("{}", cells(l).join("\t"));
    }
    if lines.len() > shown {
        println!(
            "{}",
            crate::say!(
                lang,
                "… the first {s} of {n} reports shown; --out FILE writes them all",
                "… {n}件のうち最初の{s}件を表示しました。全件は --out FILE で書き出せます",
                s = shown,
                n = lines.len()
            )
        );
    }
    Ok(true)
}

/// `--out`: a new file, or one to replace with `--force`; never one of
/// the inputs (a figure's reports written over its records).
fn check_out(lang: crate::lang::Lang, out: &std::path::Path, force: bool, inputs: &[PathBuf]) -> Result<()> {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    if let Some(c) = canon(out) {
        // The files the inputs name (folders expanded), notes unsaid.
        let files = if inputs.is_empty() { Vec::new() } else { records::expand_inputs(lang, inputs).map(|i| i.files).unwrap_or_default() };
        if inputs.iter().chain(&files).any(|i| canon(i).as_ref() == Some(&c)) {
            bail!(crate::say!(lang, "--out {p}: that is an input file; choose another name", "--out {p}: 入力ファイルです。別の名前にしてください", p = out.display()));
        }
        if !force {
            bail!(crate::say!(lang, "--out {p}: the file exists; choose another name or pass --force to replace it", "--out {p}: ファイルが既にあります。別の名前にするか、置き換えるなら --force を付けてください", p = out.display()));
        }
        if c.is_dir() {
            bail!(crate::say!(lang, "--out {p}: a folder; give a file name", "--out {p}: フォルダです。ファイル名を指定してください", p = out.display()));
        }
    }
    Ok(())
}

/// How a share or a delta is worked out: a share's numerator and
/// denominator (the figure it is of), a delta's this year and last year.
fn arithmetic(lang: crate::lang::Lang, agg: &Aggregate, year: i32, figs: &figures::Figures, [table, row, column]: [&str; 3]) -> Vec<String> {
    use figures::Value;
    let (bt, br, bc) = crate::families::share_base(table);
    let base = |n: u64, den: u64| crate::say!(lang, "= {n} / {den}; the denominator is {bt},{br},{bc} = {den}", "= {n} / {den}。分母は {bt},{br},{bc} = {den}", n = n, den = den, bt = bt, br = br, bc = bc);
    let prev = agg.tally(year - 1).map(|_| figures::compute(agg, year - 1));
    let share_of = |f: &figures::Figures| match f.get(table, row, "share") {
        Some(v @ Value::Share { num, den, .. }) => Some((v.to_string(), *num, *den)),
        _ => None,
    };
    let mut out = Vec::new();
    match (column, figs.get(table, row, column)) {
        (_, Some(Value::Share { num, den, .. })) => {
            out.push(base(*num, *den));
            if let Some((b, bn, bd)) = prev.as_ref().and_then(share_of).filter(|_| column == "share") {
                out.push(crate::say!(lang, "last year's share: {b}% ({bn} / {bd})", "前年度の割合: {b}%（{bn} / {bd}）", b = b, bn = bn, bd = bd));
            }
        }
        ("share_delta", Some(_)) => {
            if let (Some((a, an, ad)), Some((b, bn, bd))) = (share_of(figs), prev.as_ref().and_then(share_of)) {
                out.push(crate::say!(
                    lang,
                    "= this year's share {a}% ({an} / {ad}) − last year's share {b}% ({bn} / {bd}), each as printed",
                    "= 今年度の割合 {a}%（{an} / {ad}）− 前年度の割合 {b}%（{bn} / {bd}）、いずれも表示の値",
                    a = a,
                    an = an,
                    ad = ad,
                    b = b,
                    bn = bn,
                    bd = bd
                ));
            }
        }
        ("count_delta", Some(_)) => {
            let count = |f: &figures::Figures| f.int(table, row, "count");
            if let (Some(a), Some(b)) = (count(figs), prev.as_ref().and_then(count)) {
                out.push(crate::say!(lang, "= this year's count {a} − last year's count {b}", "= 今年度 {a}件 − 前年度 {b}件", a = a, b = b));
            }
        }
        _ => {}
    }
    out
}

/// What the reports behind a figure add up to, by its family's measure:
/// the figure itself for every count figure (tests/it/cli.rs checks each of
/// FY2020's).
pub fn account(lang: crate::lang::Lang, agg: &Aggregate, lines: &[IncidentLine], [table, row, column]: [&str; 3], carriers: Option<&std::path::Path>) -> Result<(Measure, u64)> {
    let measure = Measure::of(table, column);
    let n = match measure {
        Measure::FileRows => {
            let total = crate::aggregate::FileAccount::sum("total", &agg.accounts);
            let a = if row == "total" { &total } else { agg.accounts.iter().find(|a| a.path == row).unwrap_or(&total) };
            match column {
                "read" => a.read,
                "other_years" => a.other_years,
                "outside_duty" => a.outside_duty,
                "rejected" => a.rejected,
                "after_through" => a.after_through,
                _ => 0,
            }
        }
        Measure::Reports => lines.len() as u64,
        Measure::ServiceCounts => {
            let f = FigureKey::new(agg.rules, [table, row, column]);
            lines.iter().map(|l| l.weight(&f, None)).sum()
        }
        Measure::Carriers => {
            let map = match carriers {
                Some(p) => crate::carriers::CarrierMap::read(lang, p)?,
                None => crate::carriers::CarrierMap::default(),
            };
            lines.iter().map(|l| map.key(&l.carrier).0).collect::<std::collections::BTreeSet<u64>>().len() as u64
        }
    };
    Ok((measure, n))
}

fn split_key(lang: crate::lang::Lang, key: &str) -> Result<[&str; 3]> {
    let parts: Vec<&str> = key.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [t, r, c] => Ok([t, r, c]),
        _ => bail!(crate::say!(lang, "{key}: give TABLE,ROW,COLUMN as in figures.csv", "{key}: figures.csv と同じ 表,行,列 の形で指定してください", key = key)),
    }
}

/// Each of the year's counted reports in the files, with its accident
/// number when it is major, until `each` says it has enough: the one
/// filter `behind` and `ids_behind` share (the counting pass keeps no
/// report in memory, so drill-down reads the files again).
fn each_counted(files: &[PathBuf], opts: &ReadOptions, agg: &Aggregate, year: i32, mut each: impl FnMut(IncidentLine, Option<usize>) -> bool + Send) -> Result<()> {
    let numbers: HashMap<&str, usize> = agg.accidents(year).iter().map(|a| (a.accident_id.as_str(), a.number)).collect();
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    let mut more = true;
    records::read_files(files, opts, |r| {
        if !more || r.started_at.fiscal_year() != year || !agg.period.includes(&r.started_at) || !agg.rules.within_duty(r.duration_min, r.affected_users, r.kind, &r.started_at) {
            return;
        }
        let l = IncidentLine::from_row(agg.rules, r, &names[r.file]);
        let no = l.major().then(|| numbers.get(l.accident_id.as_str()).copied()).flatten();
        more = each(l, no);
    })?;
    Ok(())
}

/// The year's counted reports behind figure `table,row,column`, at most
/// `limit`, in file order.
pub fn behind(files: &[PathBuf], opts: &ReadOptions, agg: &Aggregate, year: i32, key: [&str; 3], limit: usize) -> Result<Vec<IncidentLine>> {
    let f = FigureKey::new(agg.rules, key);
    // A major accident's carriers are those of its major reports and of
    // every report naming it in its accident_id (a wholesale receiver's,
    // major or not), as the count takes them (docs/figures.md).
    let majors: std::collections::HashSet<&str> = agg.accidents(year).iter().map(|a| a.accident_id.as_str()).collect();
    let linked = |l: &IncidentLine| key[1] == "major" && Measure::of(key[0], key[2]) == Measure::Carriers && l.accident_id != l.incident_id && majors.contains(l.accident_id.as_str());
    let mut out = Vec::new();
    each_counted(files, opts, agg, year, |l, no| {
        if out.len() < limit && (l.behind(&f, no) || linked(&l)) {
            out.push(l);
        }
        out.len() < limit
    })?;
    out.sort_by_key(|l| (l.file_index, l.line));
    Ok(out)
}

/// The first `n` report ids behind each figure key, for `--check`, in one
/// pass over the files however many keys there are; `None` for a key that
/// is not `table,row,column` or has no report behind it.
pub(crate) fn ids_behind(files: &[PathBuf], opts: &ReadOptions, agg: &Aggregate, year: i32, keys: &[&str], n: usize) -> Result<Vec<Option<String>>> {
    let lang = opts.lang;
    let parts: Vec<Option<FigureKey>> = keys.iter().map(|k| split_key(lang, k).ok().map(|key| FigureKey::new(agg.rules, key))).collect();
    let mut found: Vec<Vec<(usize, u64, String)>> = vec![Vec::new(); keys.len()];
    if parts.iter().any(Option::is_some) {
        each_counted(files, opts, agg, year, |l, no| {
            for (k, p) in parts.iter().enumerate() {
                if let Some(f) = p {
                    if l.behind(f, no) {
                        found[k].push((l.file_index, l.line, l.incident_id.clone()));
                    }
                }
            }
            true
        })?;
    }
    Ok(found
        .into_iter()
        .map(|mut f| {
            if f.is_empty() {
                return None;
            }
            f.sort();
            let ids: Vec<&str> = f.iter().take(n).map(|x| x.2.as_str()).collect();
            let more = if f.len() > n { ", …" } else { "" };
            Some(format!("{}{more}", ids.join(", ")))
        })
        .collect())
}

/// A column of the listed reports, named in the run's language: the input
/// contract's Japanese header for its columns.
fn heading(lang: crate::lang::Lang, name: &'static str) -> String {
    if !lang.ja() {
        return name.to_string();
    }
    let own = match name {
        "no" => "番号",
        "major" => "重大な事故",
        "file" => "ファイル",
        "line" => "行",
        _ => crate::records::header::named(name).map_or(name, |c| c.japanese),
    };
    own.to_string()
}
