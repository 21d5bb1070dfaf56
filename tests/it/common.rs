//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jiko::aggregate::{self, Aggregate};
use jiko::figures::{self, Figures};
use jiko::records::{self, ReadOptions};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the real binary from the project folder.
pub fn jiko(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiko")).args(args).current_dir(root()).output().expect("run jiko")
}

/// The binary with fault injection (the `fault-injection` feature), built
/// once per test run into target/fault: the product binary has none.
pub fn faulty_jiko() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let target = root().join("target/fault");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let o = Command::new(cargo)
            .args(["build", "--release", "--quiet", "--features", "fault-injection", "--bin", "jiko", "--target-dir"])
            .arg(&target)
            .current_dir(root())
            .output()
            .expect("run cargo");
        assert!(o.status.success(), "building the fault-injection binary: {}", String::from_utf8_lossy(&o.stderr));
        target.join("release/jiko")
    })
    .clone()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty folder of this test process.
pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jiko-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The input contract's required columns, in its order.
pub const REQUIRED: &str = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause";

/// A records file `dir/name` of the required columns and these rows.
pub fn records_csv(dir: &Path, name: &str, rows: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{REQUIRED}\n{}\n", rows.join("\n"))).unwrap();
    p
}

/// figures.csv of an output folder as `table,row,column` → value.
pub fn figures_csv(dir: &Path) -> BTreeMap<String, String> {
    let mut r = csv::Reader::from_path(dir.join("figures.csv")).unwrap();
    r.records().map(|x| x.unwrap()).map(|x| (format!("{},{},{}", &x[0], &x[1], &x[2]), x[3].to_string())).collect()
}

/// The shipped records counted for FY2020, with FY2020's and FY2019's figures.
pub fn fy2020() -> (Aggregate, Figures, Figures) {
    let files = records::expand_inputs(jiko::lang::Lang::En, &[root().join("data/incidents")]).unwrap().files;
    let agg = aggregate::aggregate(&files, 2020, &ReadOptions::default()).unwrap();
    let (this, prev) = (figures::compute(&agg, 2020), figures::compute(&agg, 2019));
    (agg, this, prev)
}

pub use crate::diffgen::Rng;

/// Run the real binary in `dir` (a user's folder, not the project).
pub fn jiko_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiko")).args(args).current_dir(dir).output().expect("run jiko")
}
