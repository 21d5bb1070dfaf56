//! `jiko trend`: years side by side, from the records given, else what MIC
//! published, else unknown; records that disagree with a published value
//! are listed (a multi-year check).

use std::path::PathBuf;

use anyhow::{bail, Result};
use crate::lang::Lang;
use crate::rules::Rules;
use base64::Engine;

use super::{print_failure, Sources};
use crate::carriers::CarrierMap;
use crate::output::{CommitMode, Outputs};
use crate::published::Published;
use crate::trend::{self, Series};
use crate::{charts, report, wareki};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// First fiscal year (2008, H20, 平成20年度, …).
    #[arg(long, default_value = "2008")]
    pub from: String,
    /// Last fiscal year. Default: the latest year the records hold.
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub sources: Sources,
    /// Output folder. Default: output/trend under the current folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write into a folder that holds files jiko did not write.
    #[arg(long)]
    pub force: bool,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    let from = wareki::parse_fiscal_year(lang, &args.from)?;
    // The year only decides the per-file accounting, unused here.
    let (_, agg, _) = args.sources.aggregate(lang, rules, crate::period::Period::whole(from), super::Keep::default(), &CarrierMap::default())?;
    if !agg.read.is_clean() {
        print_failure(lang, &agg.read, super::Skip::Cannot);
        return Ok(false);
    }
    let to = match &args.to {
        Some(t) => wareki::parse_fiscal_year(lang, t)?,
        // The last year the records hold, or MIC published, whichever is later.
        None => agg.years.keys().next_back().copied().into_iter().chain(Published::builtin(lang)?.years()).max().unwrap_or(from),
    };
    if to < from {
        match &args.to {
            Some(_) => bail!(crate::say!(lang, "--to {to} is before --from {from}", "--to {to} が --from {from} より前です", to = to, from = from)),
            // No --to given: the latest year known is before --from.
            None => bail!(crate::say!(
                lang,
                "--from {from} is after the latest year the records or MIC's published figures hold ({to}); give an earlier --from",
                "--from {from} は事故データ又は総務省の公表値にある最後の年度（{to}）より後です。より前の --from を指定してください",
                to = to,
                from = from
            )),
        }
    }
    let published = Published::builtin(lang)?;
    let series = trend::series(&agg, &published, from, to);
    let out = args.out.clone().unwrap_or_else(|| std::path::PathBuf::from("output/trend"));
    let outputs = make_outputs(lang, &out, &series, args.no_charts)?;
    outputs.commit(CommitMode { force: args.force, update: false, lang }, &args.sources.input)?;
    print_check(lang, &series);
    eprintln!("{}", crate::say!(lang, "  wrote {p}", "  {p} に書き出しました", p = out.display()));
    Ok(series.differences.is_empty())
}

fn print_check(lang: crate::lang::Lang, s: &Series) {
    eprintln!(
        "{}",
        crate::say!(
            lang,
            "check: {n} value(s) known from both the records and a published file; {d} differ",
            "照合: 事故データと公表値の両方がある値 {n}件、うち不一致 {d}件",
            n = s.compared,
            d = s.differences.len()
        )
    );
    for d in &s.differences {
        println!(
            "{}",
            crate::say!(
                lang,
                "{fy},{m}: published {p} ({file}), records {r}",
                "{fy},{m}: 公表値 {p}（{file}）、事故データ {r}",
                fy = d.fiscal_year,
                m = d.metric,
                p = d.published,
                file = d.file,
                r = d.records
            )
        );
    }
}

fn make_outputs(lang: crate::lang::Lang, out: &std::path::Path, series: &Series, no_charts: bool) -> Result<Outputs> {
    let mut o = Outputs::new(out);
    o.add("trend.csv", trend::csv(series));
    let table = trend::table(series);
    o.add("tables/trend.csv", table.to_csv(series.rules.trial_note().is_some()));
    let mut md = format!("# {}\n\n", table.title);
    md += &table.to_markdown();
    let charts: Vec<(String, Vec<u8>)> = if no_charts { Vec::new() } else { charts::render(lang, &trend::charts(series), &[])? };
    for (name, _) in &charts {
        md += &format!("\n![{}](charts/{name})\n", name.trim_end_matches(".png"));
    }
    o.add("trend.md", md.into_bytes());
    let mut book = report::workbook(&table.title)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let heading = rust_xlsxwriter::Format::new().set_bold().set_font_size(14);
    report::table_sheet(&mut book, &table, &heading, &bold)?;
    o.add("trend.xlsx", book.save_to_buffer()?);
    let mut body = format!("<h1>{}</h1>\n{}", report::esc(&table.title), report::html_table(&table));
    for (name, png) in &charts {
        body += &format!(
            "<figure><img class=\"chart\" alt=\"{}\" src=\"data:image/png;base64,{}\"></figure>\n",
            report::esc(name.trim_end_matches(".png")),
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        o.add(format!("charts/{name}"), png.clone());
    }
    o.add("trend.html", report::page(&table.title, &body).into_bytes());
    Ok(o)
}
