//! The record reader must never panic, whatever bytes a file holds: every
//! record is valid, rejected with a located error, or the read fails with a
//! located fatal error (an unclosed quote); no valid row holds U+FFFD. And
//! a file cut into blocks of any size, read with or without the fast path,
//! gives the same rows and errors as one block read by the full check,
//! with one to three workers.
#![no_main]

use jiko::records::{read_csv_bytes_in_parallel, ReadOptions, ReadReport, Row};
use libfuzzer_sys::fuzz_target;

// The differential test's generator and oracle (issue 24): the input's
// first eight bytes seed a valid file, written by the csv crate, that must
// read back record by record, and a damaged copy of it that must lose no
// record in silence.
#[path = "../../tests/it/diffgen.rs"]
mod diffgen;

/// Valid rows (sorted: workers meet them in no set order) and the report.
fn read(data: &[u8], opts: &ReadOptions, workers: usize) -> Option<(Vec<String>, ReadReport)> {
    let rows = std::sync::Mutex::new(Vec::new());
    let mut sinks: Vec<_> = (0..workers).map(|_| |r: &Row| rows.lock().unwrap().push(format!("{r:?}"))).collect();
    let report = read_csv_bytes_in_parallel("fuzz.csv", data, opts, &mut sinks).ok()?;
    drop(sinks);
    let mut rows = rows.into_inner().unwrap();
    rows.sort();
    Some((rows, report))
}

fn errors(r: &ReadReport) -> Vec<String> {
    r.errors.iter().map(|e| e.text(jiko::lang::Lang::En)).collect()
}

fuzz_target!(|data: &[u8]| {
    if let Some(seed) = data.get(..8) {
        let seed = u64::from_le_bytes(seed.try_into().expect("eight bytes"));
        diffgen::run(seed, 1);
    }
    let Some((&first, _)) = data.split_first() else { return };
    let opts = ReadOptions { keep_rejected: true, ..Default::default() };
    let Some((rows, report)) = read(data, &opts, 1) else { return };
    let valid = rows.len() as u64;
    assert!(rows.iter().all(|r| !r.contains('\u{FFFD}')), "a valid row holds U+FFFD");
    assert_eq!(report.rows(), valid + report.rejected_rows(), "every row is valid or rejected");
    assert_eq!(report.rejected_rows() as usize, report.rejected.len());
    assert!(report.errors.iter().all(|e| e.line > 0), "every error is located");
    if report.rows() > valid {
        assert!(!report.errors.is_empty(), "a rejected row has its error");
    }
    // The same file in small blocks, through the fast path and without it.
    let block = usize::from(first % 64) + 1;
    let workers = usize::from(first / 64 % 3) + 1;
    for full_check in [false, true] {
        let small = ReadOptions { block_bytes: Some(block), full_check, ..opts.clone() };
        let (rows2, report2) = read(data, &small, workers).expect("read once, read again");
        assert_eq!(rows2, rows, "blocks of {block}, full check {full_check}, {workers} workers");
        assert_eq!(errors(&report2), errors(&report));
        assert_eq!((report2.rows(), report2.rejected_rows(), report2.problems()), (report.rows(), report.rejected_rows(), report.problems()));
    }
});
