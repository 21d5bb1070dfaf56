//! `jiko chart`: redraw some or all charts of a year into its output
//! folder. The report documents keep the charts they were made with; run
//! `jiko aggregate` to refresh those (the command says so).

use std::path::PathBuf;

use anyhow::Result;
use crate::lang::Lang;
use crate::rules::Rules;

use super::aggregate::{figures_of, report_parts, trend_series};
use super::{load, print_failure, InputArgs};
use crate::output::{CommitMode, Outputs};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only these charts, space- or comma-separated (major_trend,
    /// major_service, matrix, service, service_voice, service_data, cause,
    /// equipment, trend_reports).
    #[arg(long, num_args = 1.., value_delimiter = ',')]
    pub only: Vec<String>,
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    let trend = trend_series(lang, args.input.trend.as_ref())?;
    let l = load(lang, &args.input, rules, super::Keep::default(), None)?;
    if !l.agg.read.is_clean() {
        print_failure(lang, &l.agg.read, super::Skip::Cannot);
        return Ok(false);
    }
    let (figs, prev) = figures_of(&l.agg, l.year);
    let parts = report_parts(lang, &l, &l.agg, &trend, &figs, prev.as_ref(), Some(&args.only))?;
    let mut outputs = Outputs::new(&l.out);
    for (name, png) in parts.charts {
        outputs.add(format!("charts/{name}"), png);
    }
    // Said once they are in place: a refused commit drew nothing.
    let drawn: Vec<PathBuf> = outputs.paths().collect();
    let inputs: Vec<PathBuf> = l.files.iter().cloned().chain([&args.input.trend, &args.input.carriers].into_iter().flatten().cloned()).collect();
    outputs.commit(CommitMode { force: args.input.force, update: true, lang }, &inputs)?;
    for p in drawn {
        eprintln!("{}", crate::say!(lang, "  drew {p}", "  {p} を描きました", p = p.display()));
    }
    eprintln!(
        "{}",
        crate::say!(
            lang,
            "  note: report.html and report.xlsx keep the charts they were made with; `jiko aggregate` remakes them",
            "  注: report.html と report.xlsx の図は作成時のままです。`jiko aggregate` で作り直せます"
        )
    );
    Ok(true)
}
