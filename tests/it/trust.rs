//! Trust under hostile files and faults: no row lost in silence, no
//! half-written output, nothing of the user's touched, resources bounded.


use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{jiko, root, stderr, tmp};
use crate::common::Rng;
use jiko::records::{read_csv_bytes, ReadOptions};

const HEADER: &str = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,summary";

fn row(i: usize, summary: &str) -> String {
    format!("r{i:05},X社,detailed,2020-05-{:02} 10:00,{},100,ftth,natural_failure,,{summary}", 1 + i % 28, 120 + i)
}

/// Every file below `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(p.strip_prefix(base).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Staging folders or other leftovers beside an output folder.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.jiko-stage")) || n.contains(".jiko-tmp"))
        .collect()
}

fn small_input(dir: &Path, rows: usize, duration: u64) -> PathBuf {
    let mut text = format!("{HEADER}\n");
    for i in 0..rows {
        text += &format!("s{i},X社,detailed,2020-06-01 10:00,{},100,ftth,natural_failure,,\n", duration + i as u64);
    }
    let p = dir.join(format!("in{rows}-{duration}.csv"));
    std::fs::write(&p, text).unwrap();
    p
}

fn aggregate(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["aggregate", "--year", "2020", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    jiko(&args)
}

#[test]
fn a_quote_left_open_is_an_error_at_its_line_not_a_lost_tail() {
    let dir = tmp("unclosed");
    let mut text = format!("{HEADER}\n");
    for i in 0..1000 {
        text += &row(i, if i == 4 { "\"opens and never closes" } else { "fine" });
        text.push('\n');
    }
    let path = dir.join("u.csv");
    std::fs::write(&path, text).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("u.csv:6: column (row)") && stderr(&o).contains("never closed"), "{}", stderr(&o));
    let out = dir.join("o");
    let o = aggregate(&path, &out, &["--skip-invalid", "--no-charts"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
}

/// Property: random damage to valid files (cut quotes, stray quotes, CR/LF
/// mixes, truncation) never makes a record disappear: every id still in
/// the bytes is a valid row's id or inside a rejected row, or the read
/// fails with a located, fatal error.
#[test]
fn damaged_files_never_lose_a_record_in_silence() {
    let mut rng = Rng::new(11);
    let summaries = ["plain", "\"with, comma\"", "\"say \"\"hi\"\"\"", "", "長い説明"];
    for case in 0..300 {
        let n = 5 + rng.below(60) as usize;
        let mut bytes = format!("{HEADER}\n").into_bytes();
        for i in 0..n {
            bytes.extend(row(i, summaries[rng.below(summaries.len() as u64) as usize]).bytes());
            bytes.extend(if rng.below(4) == 0 { &b"\r\n"[..] } else { &b"\n"[..] });
        }
        let header_len = HEADER.len() + 1;
        for _ in 0..1 + rng.below(2) {
            let at = header_len + rng.below((bytes.len() - header_len) as u64) as usize;
            match rng.below(5) {
                0 => {
                    if let Some(q) = bytes[at..].iter().position(|b| *b == b'"') {
                        bytes.remove(at + q);
                    }
                }
                1 => bytes.insert(at, b'"'),
                2 => bytes.insert(at, b'\r'),
                3 => {
                    if let Some(q) = bytes[at..].iter().position(|b| *b == b'\n') {
                        bytes[at + q] = b'\r';
                    }
                }
                _ => bytes.truncate(at),
            }
        }
        let mut valid: Vec<String> = Vec::new();
        let opts = ReadOptions { keep_rejected: true, ..Default::default() };
        let report = read_csv_bytes("d.csv", &bytes, &opts, |r| valid.push(r.incident_id.to_string())).unwrap();
        if report.fatal() {
            assert!(report.errors.iter().any(|e| e.fatal && e.line > 0), "case {case}: a fatal error is located");
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let rejected: String = report.rejected.iter().map(|r| r.fields.join(",")).collect::<Vec<_>>().join("\n");
        for i in 0..n {
            let id = format!("r{i:05},");
            if !text.contains(&id) {
                continue; // cut away by the truncation
            }
            let id = &id[..id.len() - 1];
            assert!(
                valid.iter().any(|v| v == id) || rejected.contains(id),
                "case {case}: {id} is neither valid nor rejected\n{text}"
            );
        }
        let rows: u64 = report.rows();
        assert_eq!(rows, valid.len() as u64 + report.rejected_rows(), "case {case}");
    }
}

#[test]
fn the_encoding_is_decided_over_the_whole_file() {
    // ASCII for the first 100 KiB, then CP932: names stay Japanese.
    let mut text = format!("{HEADER}\n");
    let mut i = 0;
    while text.len() < 100 * 1024 {
        text += &row(i, "ascii");
        text.push('\n');
        i += 1;
    }
    text += "late,日本通信株式会社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,障害\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let mut carriers = Vec::new();
    let report = read_csv_bytes("late.csv", &sjis, &ReadOptions::default(), |r| carriers.push(r.carrier.to_string())).unwrap();
    assert!(report.is_clean(), "{:?}", report.errors);
    assert!(carriers.iter().any(|c| c == "日本通信株式会社"), "decoded as CP932");
}

#[test]
fn no_output_holds_a_replacement_character() {
    let dir = tmp("fffd");
    let good = "ok1,日本社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,正常\n";
    // UTF-8 with a BOM and a bad byte; CP932 with a bad byte.
    let mut a = format!("\u{feff}{HEADER}\n{good}").into_bytes();
    a.extend_from_slice(b"b1,X\xff,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,z\n");
    std::fs::write(dir.join("a.csv"), a).unwrap();
    let mut b = encoding_rs::SHIFT_JIS.encode(&format!("{HEADER}\nok2,日本社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,正常\nb2,")).0.into_owned();
    b.extend_from_slice(&[0x81, 0x20]);
    b.extend_from_slice(b",detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,z\n");
    std::fs::write(dir.join("b.csv"), b).unwrap();
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--skip-invalid", "--input", dir.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = snapshot(&out);
    assert!(files.contains_key(Path::new("rejects.csv")));
    for (path, bytes) in &files {
        if path.extension().is_some_and(|e| e == "xlsx") {
            use calamine::{Reader, Xlsx};
            let mut book: Xlsx<_> = calamine::open_workbook(out.join(path)).unwrap();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                assert!(range.used_cells().all(|(_, _, c)| !c.to_string().contains('\u{FFFD}')), "{name}");
            }
        } else {
            assert!(!bytes.windows(3).any(|w| w == "\u{FFFD}".as_bytes()), "{} holds U+FFFD", path.display());
        }
    }
    let rejects = String::from_utf8(files[Path::new("rejects.csv")].clone()).unwrap();
    assert!(rejects.contains("X\\xFF") && rejects.contains("\\x81"), "bad bytes are shown as \\xNN: {rejects}");
}

#[test]
fn a_full_disk_leaves_the_previous_result_and_no_staging_folder() {
    let dir = tmp("disk-full");
    let out = dir.join("out");
    assert!(aggregate(&small_input(&dir, 5, 130), &out, &["--no-charts"]).status.success());
    let before = snapshot(&out);
    let o = Command::new(crate::common::faulty_jiko())
        .args(["aggregate", "--year", "2020", "--no-charts", "--input"])
        .arg(small_input(&dir, 9, 200))
        .arg("--out")
        .arg(&out)
        .env("JIKO_FAULT_WRITE_LIMIT", "20000")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("No space left on device") && stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before, "the previous result is intact");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    // A real small filesystem where the machine allows mounting one.
    let small = dir.join("tmpfs");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"]).arg(&small).stderr(Stdio::null()).status();
    if mounted.is_ok_and(|s| s.success()) {
        let target = small.join("report");
        let o = jiko(&["aggregate", "--year", "2020", "--out", target.to_str().unwrap()]);
        let left: Vec<_> = std::fs::read_dir(&small).unwrap().map(|e| e.unwrap().file_name()).collect();
        let _ = Command::new("umount").arg(&small).status();
        assert_eq!(o.status.code(), Some(2), "a 4 MB report does not fit in 1 MB");
        assert!(left.is_empty(), "nothing is left, not even the lock: {left:?}");
    } else {
        eprintln!("no tmpfs could be mounted here: the injected full disk above stands in for it");
    }
}

#[test]
fn a_kill_at_any_point_of_the_commit_leaves_old_or_new() {
    let dir = tmp("kill");
    let out = dir.join("out");
    let (old_in, new_in) = (small_input(&dir, 3, 130), small_input(&dir, 7, 300));
    // Every run by the fault-injection binary, which has the default
    // features: old and new are the same set of files whatever features
    // the tests' own binary has (with `frames` it also writes Parquet).
    let aggregate = |input: &Path, out: &Path, extra: &[&str]| {
        Command::new(crate::common::faulty_jiko()).args(["aggregate", "--year", "2020", "--input"]).arg(input).arg("--out").arg(out).args(extra).output().unwrap()
    };
    assert!(aggregate(&old_in, &out, &["--no-charts"]).status.success());
    let old = snapshot(&out);
    let fresh = dir.join("fresh");
    assert!(aggregate(&new_in, &fresh, &["--no-charts"]).status.success());
    let new = snapshot(&fresh);
    assert_ne!(old, new);
    let mut points = 0;
    for n in 1.. {
        let o = Command::new(crate::common::faulty_jiko())
            .args(["aggregate", "--year", "2020", "--no-charts", "--input"])
            .arg(&new_in)
            .arg("--out")
            .arg(&out)
            .env("JIKO_FAULT_KILL_AT", n.to_string())
            .output()
            .unwrap();
        let now = snapshot(&out);
        assert!(now == old || now == new, "killed at point {n}: a mix of old and new");
        if o.status.success() {
            break;
        }
        points += 1;
        // The next run cleans what the killed one left and starts over.
        assert!(aggregate(&old_in, &out, &["--no-charts"]).status.success());
        assert!(leftovers(&out).is_empty(), "point {n}: {:?}", leftovers(&out));
        assert_eq!(snapshot(&out), old);
    }
    assert!(points >= 10, "every file and the swap are points: {points}");
}

#[test]
fn two_runs_on_one_folder_do_not_mix() {
    let dir = tmp("concurrent");
    let out = dir.join("out");
    let inputs = [small_input(&dir, 3, 130), small_input(&dir, 7, 300)];
    for _ in 0..3 {
        let children: Vec<_> = inputs
            .iter()
            .map(|i| {
                Command::new(env!("CARGO_BIN_EXE_jiko"))
                    .args(["aggregate", "--year", "2020", "--input"])
                    .arg(i)
                    .arg("--out")
                    .arg(&out)
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let results: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
        assert!(results.iter().any(|r| r.status.success()));
        for r in &results {
            assert!(r.status.success() || stderr(r).contains("another jiko run is writing"), "{}", stderr(r));
        }
        // The folder is one run's complete result: the manifest's files.
        let manifest = std::fs::read_to_string(out.join(".jiko-manifest")).unwrap();
        for line in manifest.lines().skip(1) {
            let (hash, rel) = line.split_once("  ").unwrap();
            assert_eq!(jiko::records::sha256_hex(&std::fs::read(out.join(rel)).unwrap()), hash, "{rel}");
        }
        assert!(leftovers(&out).is_empty());
    }
}

#[test]
fn planted_links_at_temporary_paths_are_not_followed() {
    let dir = tmp("planted");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let victim_dir = dir.join("victim-dir");
    std::fs::create_dir_all(&victim_dir).unwrap();
    std::fs::write(victim_dir.join("precious"), "keep").unwrap();
    let out = dir.join("out");
    // A link where a staging folder of a killed run would be.
    std::os::unix::fs::symlink(&victim_dir, dir.join(".out.jiko-stage-0000")).unwrap();
    let input = small_input(&dir, 3, 130);
    let o = aggregate(&input, &out, &["--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(victim_dir.join("precious")).unwrap(), "keep");
    // A link at the lock's path: refused, the target untouched.
    assert!(!dir.join(".out.jiko-lock").exists(), "a finished run leaves no lock");
    std::os::unix::fs::symlink(&victim, dir.join(".out.jiko-lock")).unwrap();
    let o = aggregate(&input, &out, &["--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lock"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // A manifest naming a file outside the folder is refused.
    std::fs::remove_file(dir.join(".out.jiko-lock")).unwrap();
    let manifest = out.join(".jiko-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap() + "0  ../victim.txt\n";
    std::fs::write(&manifest, text).unwrap();
    let o = aggregate(&input, &out, &["--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a path inside the folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn only_jikos_own_files_are_replaced_or_removed() {
    let dir = tmp("owned");
    let out = dir.join("out");
    let input = small_input(&dir, 3, 130);
    assert!(aggregate(&input, &out, &[]).status.success());
    assert!(out.join("charts/cause.png").exists());
    // The user keeps their own files beside the report.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(out.join("mine")).unwrap();
    std::fs::write(out.join("mine/rejects.csv"), "my own").unwrap();
    let o = aggregate(&input, &out, &["--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(out.join("mine/rejects.csv")).unwrap(), "my own");
    assert!(!out.join("charts").exists(), "--no-charts removes the charts the last run drew");
    // A user's file where jiko would write: refused unless --force.
    std::fs::write(out.join("rejects.csv"), "the user's rejects").unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{HEADER}\nb1,X社,detailed,2020-05-01 10:00,130,100,fth,natural_failure,,\nok,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,\n")).unwrap();
    let o = aggregate(&bad, &out, &["--no-charts", "--skip-invalid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("jiko did not write this file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("rejects.csv")).unwrap(), "the user's rejects");
    let o = aggregate(&bad, &out, &["--no-charts", "--skip-invalid", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(out.join("rejects.csv")).unwrap().contains("b1"));
    // A clean run removes jiko's rejects.csv (it is in the manifest now).
    assert!(aggregate(&input, &out, &["--no-charts"]).status.success());
    assert!(!out.join("rejects.csv").exists());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");

    // A folder where jiko writes a file (a write error): nothing changes.
    let before = snapshot(&out);
    std::fs::create_dir_all(out.join("report.xlsx.d")).unwrap();
    std::fs::remove_file(out.join("report.xlsx")).ok();
    std::fs::rename(out.join("report.xlsx.d"), out.join("report.xlsx")).unwrap();
    std::fs::write(out.join("report.xlsx/keep.txt"), "mine").unwrap();
    let o = aggregate(&input, &out, &["--no-charts", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("report.xlsx/keep.txt")).unwrap(), "mine");
    assert!(leftovers(&out).is_empty());
    let mut after = snapshot(&out);
    after.remove(Path::new("report.xlsx/keep.txt"));
    let mut before = before;
    before.remove(Path::new("report.xlsx"));
    assert_eq!(after, before, "every other file as it was");

    // A folder jiko did not make is refused while it holds anything.
    let theirs = dir.join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("figures.csv"), "not jiko's").unwrap();
    let o = aggregate(&input, &theirs, &["--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds files jiko did not write"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(theirs.join("figures.csv")).unwrap(), "not jiko's");
}

#[test]
fn folder_walks_skip_what_could_hang_or_loop() {
    let dir = tmp("walk");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(small_input(&dir, 3, 130), data.join("real.csv")).unwrap();
    assert!(Command::new("mkfifo").arg(data.join("pipe.csv")).status().unwrap().success());
    std::os::unix::fs::symlink(".", data.join("loop1")).unwrap();
    std::os::unix::fs::symlink("..", data.join("loop2")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", data.join("zero.csv")).unwrap();
    std::fs::write(data.join("~$book.xlsx"), "lock").unwrap();
    std::fs::write(data.join(".hidden.csv"), "x").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["validate"]).arg(&data).stderr(Stdio::piped()).spawn().unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed().as_secs() > 60 {
            child.kill().unwrap();
            panic!("validate hung on a FIFO, a loop or a device");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let err = String::from_utf8_lossy(&child.wait_with_output().unwrap().stderr).into_owned();
    assert!(status.success(), "{err}");
    assert!(err.contains("all 3 rows valid"), "{err}");
    for note in ["pipe.csv: not a regular file", "loop1: a link to a folder, not followed", "zero.csv: a link to something that is not a regular file", "~$book.xlsx: an Excel lock file, skipped", ".hidden.csv: a hidden file, skipped"] {
        assert!(err.contains(note), "{note}: {err}");
    }
    let o = jiko(&["validate", data.join("pipe.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn a_workbook_with_a_cell_at_the_far_corner_is_refused_without_allocating() {
    let dir = tmp("xfd");
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        s.write_string(0, c as u16, h).unwrap();
    }
    s.write_string(1_048_575, 16_383, "x").unwrap();
    let path = dir.join("far.xlsx");
    book.save(&path).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cell XFD1048576"), "{}", stderr(&o));
}

#[test]
fn errors_are_capped_and_long_values_shortened() {
    let dir = tmp("capped");
    let mut text = format!("{HEADER}\n");
    for i in 0..5000 {
        text += &format!("r{i},X社,detailed,2020-05-01 10:00,130,100,{},natural_failure,,\n", "x".repeat(500));
    }
    let path = dir.join("bad.csv");
    std::fs::write(&path, text).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.lines().count() < 120, "{} lines", err.lines().count());
    assert!(err.contains("and 4900 more problem(s) not listed"), "{err}");
    assert!(err.contains("… (500 characters)"), "values are shortened");
    assert!(!err.contains("did you mean"), "no did-you-mean search on long values");
}

#[test]
fn markdown_and_csv_outputs_cannot_be_injected() {
    let dir = tmp("inject");
    let name = dir.join("<img src=x onerror=alert(1)>.csv");
    let text = format!(
        "{HEADER}\nm1,\"Evil\n# heading\",detailed,2020-05-01 10:00,300,2000000,ftth,natural_failure,,\"[x](javascript:alert(1)) ![](http://e.example/t.png)\"\nm2,=HYPERLINK(\"http://e.example\"),detailed,2020-05-01 10:00,300,50,ftth,natural_failure,,@SUM(A1)\n"
    );
    std::fs::write(&name, text).unwrap();
    let out = dir.join("o");
    let o = aggregate(&name, &out, &["--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for md in ["report.md", "tables.md"] {
        let t = std::fs::read_to_string(out.join(md)).unwrap();
        assert!(!t.lines().any(|l| l.starts_with("# heading")), "{md}: a heading was injected");
        let unescaped = |pat: &str| t.match_indices(pat).any(|(i, _)| !t[..i].ends_with('\\'));
        assert!(!unescaped("](javascript:") && !unescaped("[](http"), "{md}: a link or image was injected");
        assert!(!t.contains("<img"), "{md}: raw HTML from a file name");
    }
    for (path, bytes) in snapshot(&out) {
        if path.extension().is_some_and(|e| e == "csv") {
            let t = String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string();
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(t.as_bytes());
            for rec in r.records() {
                for cell in rec.unwrap().iter() {
                    let runs = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
                    assert!(!runs, "{}: {cell:?} would run as a formula", path.display());
                    // The guard is invisible: no apostrophe shows in Excel or LibreOffice.
                    assert!(!cell.starts_with('\''), "{}: {cell:?} shows an apostrophe", path.display());
                }
            }
        }
    }
}

#[test]
fn blank_rows_are_spacing_whatever_their_line_end() {
    let dir = tmp("blank");
    let text = format!("{HEADER}\r\n{}\r\n\r\n,,,,,,,,,\r\n{}\n\n  \n,,,,,,,,,\n", row(1, "a"), row(2, "b"));
    let path = dir.join("b.csv");
    std::fs::write(&path, text).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("all 2 rows valid"), "{}", stderr(&o));
}

#[test]
fn options_fail_loudly() {
    let dir = tmp("options");
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--trend", "/no/such.csv", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--trend /no/such.csv"), "{}", stderr(&o));
    let o = jiko(&["aggregate", "--year", "2020", "--check", "/no/such.csv", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists(), "--check is read before anything is written");
    for year in ["R2147483647", "99999", "FY1", "令和0"] {
        let o = jiko(&["aggregate", "--year", year, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{year}");
        assert!(!stderr(&o).contains("panicked"), "{year}: {}", stderr(&o));
    }
    // --skip-invalid does not turn a year with no valid report into zeros.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{HEADER}\nb1,X社,detailed,2020-05-01 10:00,130,100,fth,natural_failure,,\n")).unwrap();
    let o = aggregate(&bad, &out, &["--skip-invalid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no valid report of 令和2年度"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn a_run_from_any_folder_gives_the_same_result() {
    let elsewhere = tmp("elsewhere");
    let out = elsewhere.join("o");
    let o = Command::new(env!("CARGO_BIN_EXE_jiko"))
        .args(["aggregate", "--year", "2020", "--no-charts", "--out"])
        .arg(&out)
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let here = tmp("here");
    assert!(jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", here.join("o").to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read(out.join("figures.csv")).unwrap(), std::fs::read(here.join("o/figures.csv")).unwrap());
    let f = crate::common::figures_csv(&out);
    assert_eq!(f["major_trend,2008,published"], "18", "the published trend is built in");
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let out = tmp("pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiko"))
        .args(["aggregate", "--year", "2020", "--no-charts", "--check", "data/published/fy2020.csv", "--out"])
        .arg(out.join("o"))
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_ne!(o.status.code(), Some(101));
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    let dir = crate::common::tmp("stale-temp");
    let tmpdir = dir.join("tmp");
    std::fs::create_dir_all(&tmpdir).unwrap();
    let out = dir.join("out");
    let run = |kill: Option<&str>| {
        let mut c = std::process::Command::new(crate::common::faulty_jiko());
        c.args(["aggregate", "--year", "2020", "--no-charts", "--out", out.to_str().unwrap()]).env("TMPDIR", &tmpdir).current_dir(crate::common::root());
        if let Some(k) = kill {
            c.env("JIKO_FAULT_KILL_AT", k);
        }
        c.output().unwrap()
    };
    // Spools live beside the output's staging folder (here `dir`), not in
    // the shared temporary folder.
    let temp = || std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(".jiko-")).count();
    let shared = || std::fs::read_dir(&tmpdir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains("jiko-")).count();
    // Killed before the commit swaps (the spool may be left behind).
    let killed = run(Some("1"));
    assert!(!killed.status.success());
    assert!(temp() > 0, "the killed run left its incident list behind");
    let ok = run(None);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(temp(), 0, "no temporary file of either run is left");
    assert_eq!(shared(), 0, "nothing in the shared temporary folder");
}

/// Ctrl-C (SIGINT) or SIGTERM during a large run removes its spool and
/// staging at once, and the run ends as the signal would (128 + signal).
#[test]
fn an_interrupted_run_removes_its_temporary_files_at_once() {
    let dir = crate::common::tmp("interrupted");
    let input = dir.join("big.csv");
    let shipped = std::fs::read_to_string(crate::common::root().join("data/incidents/fy2020.csv")).unwrap();
    let (header, body) = shipped.split_once('\n').unwrap();
    // Copies of the shipped year; more when a run ended before the signal
    // reached it (a fast machine), so the signal always meets a run.
    let write_copies = |copies: usize| {
        let mut big = String::with_capacity(shipped.len() * copies);
        big.push_str(header);
        big.push('\n');
        for copy in 0..copies {
            for line in body.lines() {
                big.push_str(&format!("C{copy}-{line}\n"));
            }
        }
        std::fs::write(&input, big).unwrap();
    };
    let mut copies = 30;
    write_copies(copies);
    for (sig, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let out = dir.join("out");
        let spools = || std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(".jiko-")).count();
        let o = loop {
            let child = Command::new(env!("CARGO_BIN_EXE_jiko"))
                .args(["aggregate", "--year", "2020", "--no-charts", "--input"])
                .arg(&input)
                .arg("--out")
                .arg(&out)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let start = std::time::Instant::now();
            while spools() == 0 && start.elapsed() < std::time::Duration::from_secs(20) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            assert!(spools() > 0, "the run spools its list beside the output");
            unsafe {
                libc::kill(child.id() as i32, sig);
            }
            let o = child.wait_with_output().unwrap();
            if o.status.success() && copies < 480 {
                // Done before the signal came: nothing was interrupted.
                std::fs::remove_dir_all(&out).unwrap();
                copies *= 2;
                write_copies(copies);
                continue;
            }
            break o;
        };
        assert_eq!(o.status.code(), Some(code), "ended by the signal: {}", stderr(&o));
        assert!(stderr(&o).contains("interrupted") || stderr(&o).contains("中断"), "{}", stderr(&o));
        assert_eq!(spools(), 0, "no spool left after the signal");
        let stages = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains(jiko::output::STAGE_MARK)).count();
        assert_eq!(stages, 0, "no staging folder left");
        assert!(!out.join("figures.csv").exists(), "nothing was written");
    }
}

/// The product binary carries no fault injector: the variables that make
/// the test build fail do nothing to it.
#[test]
fn the_product_binary_has_no_fault_injection() {
    let dir = tmp("no-faults");
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_jiko"))
        .args(["aggregate", "--year", "2020", "--no-charts", "--no-incidents", "--out"])
        .arg(&out)
        .env("JIKO_FAULT_WRITE_LIMIT", "1")
        .env("JIKO_FAULT_KILL_AT", "1")
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("figures.csv").is_file());
}

/// Issue 24, second round: what a differential test and a newcomer found.
mod second_round {
    use super::*;
    use crate::common::stdout;

    const H: &str = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment";

    fn validate(name: &str, bytes: &[u8]) -> (bool, String) {
        let dir = tmp(&format!("round2-{name}"));
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["validate"]).arg(&p).output().unwrap();
        (o.status.success(), stderr(&o))
    }

    #[test]
    fn a_bom_before_a_quoted_first_header_cell_is_the_encodings_mark() {
        let text = "\u{feff}\"equipment\",incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause\nbase_station,A1,X社,simple,2020-05-01 10:00,130,40000,ftth,natural_failure\n";
        let (ok, err) = validate("bom.csv", text.as_bytes());
        assert!(ok, "{err}");
        assert!(!err.contains("ignores"), "equipment is recognised: {err}");
    }

    #[test]
    fn a_row_of_ideographic_spaces_is_spacing() {
        let blank = vec!["\u{3000}"; 9].join(",");
        let text = format!("{H}\nA1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n{blank}\n\u{3000}\n");
        let (ok, err) = validate("ideographic.csv", text.as_bytes());
        assert!(ok && err.contains("1 rows, 1 valid"), "{err}");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (ok, err) = validate("ideographic-cp932.csv", &sjis);
        assert!(ok && err.contains("1 rows, 1 valid"), "{err}");
    }

    #[test]
    fn half_width_kana_in_cp932_are_read_as_kana() {
        let dir = tmp("round2-kana");
        let p = dir.join("kana.csv");
        let text = format!("{H}\nA1,ﾃｽﾄｱ,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        std::fs::write(&p, &sjis).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["classify", "--input"]).arg(&p).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains(",ﾃｽﾄｱ,") && !stdout(&o).contains("ý"), "ﾃｽﾄｱ, not ýı: {}", stdout(&o));
    }

    #[test]
    fn a_stray_pair_of_quotes_across_two_rows_is_warned_at_its_line() {
        let text = format!(
            "{H},region,summary\nS1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,,\"関東,概要1\nS2,Y社,detailed,2020-05-02 10:00,130,100,ftth,natural_failure,,関西\",概要2\n"
        );
        let (ok, err) = validate("pair.csv", text.as_bytes());
        assert!(ok, "legal CSV stays readable: {err}");
        assert!(err.contains("pair.csv:2: the quoted value of column region runs from line 2 to line 3") && err.contains("S2,Y社"), "{err}");
    }

    #[test]
    fn classify_input_takes_skip_invalid_as_its_hint_says() {
        let dir = tmp("round2-classify");
        let p = dir.join("mixed.csv");
        std::fs::write(&p, format!("{H}\nA1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\nA2,X社,detailed,2020-05-01 10:00,130,100,ftth,nope,\n")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["classify", "--input"]).arg(&p).output().unwrap();
        assert!(!o.status.success() && stderr(&o).contains("--skip-invalid"), "{}", stderr(&o));
        let o = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["classify", "--skip-invalid", "--input"]).arg(&p).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), 2, "the header and A1: {}", stdout(&o));
        assert!(stderr(&o).contains("A2") || stderr(&o).contains("mixed.csv:3"), "the invalid row is named: {}", stderr(&o));
    }

    #[test]
    fn explain_after_input_files_takes_the_figure() {
        let dir = tmp("round2-explain");
        let p = dir.join("f.csv");
        std::fs::copy(crate::common::root().join("data/incidents/fy2020.csv"), &p).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_jiko")).args(["explain", "--year", "2020", "--input"]).arg(&p).arg("summary,major,accidents").output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).starts_with("summary,major,accidents = 4"), "{}", stdout(&o));
    }

    #[test]
    fn did_you_mean_is_offered_only_when_near_and_aliases_read_japanese() {
        let text = format!("{H}\nA1,X社,detailed,2020-05-01 10:00,130,100,光回線,natural_failure,\nA2,X社,detailed,2020-05-01 10:00,130,100,光電線,natural_failure,\n");
        let (_, err) = validate("near.csv", text.as_bytes());
        assert!(!err.contains(":2:"), "光回線 is ftth: {err}");
        assert!(err.contains(":3: column services: \"光電線\": unknown label or code") && !err.contains("did you mean"), "{err}");
        assert_eq!(jiko::taxonomy::nearest("光回線", ["国際電話", "ftth"].into_iter()), None);
        assert_eq!(jiko::taxonomy::nearest("ftth_acces", ["ftth", "dsl"].into_iter()), Some("ftth"));
    }
}
