//! `jiko validate`: check incident files without aggregating.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Result;
use crate::lang::Lang;
use crate::rules::Rules;

use super::{input_files, print_errors, print_notes, Progress, ReadArgs};
use crate::records;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or folders. Default: the shipped data/incidents.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    let files = input_files(lang, &args.paths)?;
    let counter = Arc::new(AtomicU64::new(0));
    let opts = args.read.options(lang, rules, Some(counter.clone()));
    let report = {
        let _progress = Progress::start(lang, &files, counter);
        let mut sinks: Vec<_> = (0..records::worker_count()).map(|_| |_: &records::Row| {}).collect();
        records::read_files_in_parallel(&files, &opts, &mut sinks)?
    };
    print_errors(lang, &report);
    // A rejected row that a valid row of its id supersedes (a fixed row fed
    // back) is neither valid nor a problem: said apart.
    let superseded = |s: u64| if s == 0 { String::new() } else { crate::say!(lang, ", {s} superseded", "、置き換え済み{s}行", s = s) };
    for f in &report.files {
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "{p}: {n} rows, {v} valid, {x} invalid{s}",
                "{p}: {n}行（正しい{v}行、不正{x}行{s}）",
                p = f.path,
                n = f.rows,
                v = f.rows - f.rejected,
                x = f.rejected - f.superseded,
                s = superseded(f.superseded)
            )
        );
    }
    print_notes(lang, &report);
    if report.is_clean() {
        let valid = report.rows() - report.rejected_rows();
        match report.superseded() {
            // A header alone is valid, but likely the wrong file or sheet.
            0 if report.rows() == 0 => eprintln!("{}", crate::say!(lang, "no rows to check: a header only", "確認する行がありません（見出しだけ）")),
            0 => eprintln!("{}", crate::say!(lang, "all {n} rows valid", "{n}行すべて正しい", n = valid)),
            s => eprintln!(
                "{}",
                crate::say!(lang, "all rows valid: {v} valid, {s} superseded by a valid row of their id", "すべて正しい: 正しい{v}行、同じ報告番号の正しい行で置き換え済み{s}行", v = valid, s = s)
            ),
        }
        Ok(true)
    } else {
        let fatal = report.errors.iter().filter(|e| e.fatal).count();
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "error: {r} invalid row(s), {p} problem(s), {fatal} that --skip-invalid cannot set aside (duplicate ids, unclosed quotes)",
                "エラー: 不正な行{r}行、問題{p}件、うち--skip-invalidで除けないもの{fatal}件（重複した報告番号、閉じていない引用符）",
                r = report.rejected_rows(),
                p = report.problems(),
                fatal = fatal
            )
        );
        Ok(false)
    }
}
