//! `jiko validate`: check incident files without aggregating.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Result;

use super::{input_files, print_errors, print_notes, Progress, ReadArgs};
use crate::records;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or folders. Default: the shipped data/incidents.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(args: Args) -> Result<bool> {
    let files = input_files(&args.paths)?;
    let counter = Arc::new(AtomicU64::new(0));
    let opts = args.read.options(Some(counter.clone()));
    let report = {
        let _progress = Progress::start(&files, counter);
        let mut sinks: Vec<_> = (0..records::worker_count()).map(|_| |_: &records::Row| {}).collect();
        records::read_files_in_parallel(&files, &opts, &mut sinks)?
    };
    print_errors(&report);
    for f in &report.files {
        eprintln!("{}: {} rows, {} valid, {} invalid", f.path, f.rows, f.rows - f.rejected, f.rejected);
    }
    print_notes(&report);
    if report.is_clean() {
        eprintln!("all {} rows valid", report.rows());
        Ok(true)
    } else {
        let fatal = report.errors.iter().filter(|e| e.fatal).count();
        eprintln!(
            "error: {} invalid row(s), {} problem(s), {fatal} that --skip-invalid cannot set aside (duplicate ids, unclosed quotes)",
            report.rejected_rows(),
            report.problems()
        );
        Ok(false)
    }
}
