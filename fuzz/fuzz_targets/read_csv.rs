//! The record reader must never panic, whatever bytes a file holds: every
//! row is either valid or a located error, and rows are all accounted for.
#![no_main]

use jiko::records::{read_csv_bytes, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut valid = 0u64;
    if let Ok(report) = read_csv_bytes("fuzz.csv", data, &ReadOptions::default(), |_| valid += 1) {
        let rows: u64 = report.files.iter().map(|f| f.rows).sum();
        let rejected: u64 = report.files.iter().map(|f| f.rejected).sum();
        assert_eq!(rows, valid + rejected, "every row is valid or rejected");
        assert_eq!(rejected as usize, report.rejected.len());
    }
});
