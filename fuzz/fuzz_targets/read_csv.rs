//! The record reader must never panic, whatever bytes a file holds: every
//! record is valid, rejected with a located error, or the read fails with a
//! located fatal error (an unclosed quote); no valid row holds U+FFFD.
#![no_main]

use jiko::records::{read_csv_bytes, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut valid = 0u64;
    let mut replaced = false;
    let opts = ReadOptions { keep_rejected: true, ..Default::default() };
    if let Ok(report) = read_csv_bytes("fuzz.csv", data, &opts, |r| {
        valid += 1;
        replaced |= [r.incident_id, r.carrier, r.region, r.summary, r.accident_id].iter().any(|f| f.contains('\u{FFFD}'));
    }) {
        assert!(!replaced, "a valid row holds U+FFFD");
        assert_eq!(report.rows(), valid + report.rejected_rows(), "every row is valid or rejected");
        assert_eq!(report.rejected_rows() as usize, report.rejected.len());
        assert!(report.errors.iter().all(|e| e.line > 0), "every error is located");
        if report.rows() > valid {
            assert!(!report.errors.is_empty(), "a rejected row has its error");
        }
    }
});
