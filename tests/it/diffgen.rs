//! The differential test's generator and oracle (tests/it/differential.rs),
//! shared with the fuzz target (fuzz/fuzz_targets/read_csv.rs includes
//! this file): random valid files written by the csv crate, and what the
//! reader must make of them and of their damaged copies.
#![allow(dead_code)]

use std::collections::BTreeMap;

use jiko::records::{read_csv_bytes, Minute, ReadOptions, ReadReport};


const HEADER: [&str; 11] = ["incident_id", "carrier", "report_form", "started_at", "duration_min", "affected_users", "services", "cause", "equipment", "region", "summary"];
/// The text columns that take any text.
const TEXT: [usize; 4] = [1, 9, 10, 0];

/// Characters whose NFKC form is themselves, none of them spacing: what a
/// value keeps as written. `wide` adds characters outside the BMP (not in
/// CP932).
pub fn pick_char(rng: &mut Rng, wide: bool) -> char {
    const PLAIN: &str = "abcXYZ019-_/.()社株式会社電話回線関東近畿障害ア";
    const TRICKY: &str = ",\"\n\r;\t";
    const ASTRAL: [char; 4] = ['😀', '𠮷', '🚃', '𩸽'];
    match rng.below(20) {
        0..=1 => TRICKY.chars().nth(rng.below(TRICKY.chars().count() as u64) as usize).unwrap(),
        2 if wide => ASTRAL[rng.below(4) as usize],
        _ => PLAIN.chars().nth(rng.below(PLAIN.chars().count() as u64) as usize).unwrap(),
    }
}

pub fn text(rng: &mut Rng, wide: bool, long: bool) -> String {
    let n = if long { 2000 + rng.below(6000) as usize } else { 1 + rng.below(12) as usize };
    let mut s: String = (0..n).map(|_| pick_char(rng, wide)).collect();
    // Ends are not spacing (values are trimmed) and never a lone CR/LF.
    while s.ends_with(|c: char| c.is_whitespace()) {
        s.pop();
    }
    while s.starts_with(|c: char| c.is_whitespace()) {
        s.remove(0);
    }
    if s.is_empty() {
        s.push('x');
    }
    s
}

/// One record as written, and what it must read as.
pub struct Case {
    pub fields: Vec<String>,
    pub started: Minute,
    pub duration: u64,
    pub users: u64,
}

pub fn record(rng: &mut Rng, i: usize, wide: bool) -> Case {
    let started = Minute { year: 2020, month: 4 + rng.below(9) as u32, day: 1 + rng.below(28) as u32, hour: rng.below(24) as u32, minute: rng.below(60) as u32 };
    let m = &started;
    let when = match rng.below(4) {
        0 => format!("{:04}-{:02}-{:02} {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute),
        1 => format!("{}/{}/{} {}:{:02}", m.year, m.month, m.day, m.hour, m.minute),
        2 => format!("{}年{}月{}日 {}時{}分", m.year, m.month, m.day, m.hour, m.minute),
        _ => format!("令和2年{}月{}日 {}:{:02}", m.month, m.day, m.hour, m.minute),
    };
    let duration = rng.below(5000);
    let users = rng.below(2_000_000);
    let dur = if rng.below(3) == 0 && duration >= 60 { format!("{}時間{}分", duration / 60, duration % 60) } else { duration.to_string() };
    let us = match rng.below(3) {
        0 => users.to_string(),
        1 => jiko::numbers::thousands(users as i64),
        _ => format!("{users}人"),
    };
    let long = rng.below(40) == 0;
    let id = format!("R{i:05}{}", if rng.below(4) == 0 { text(rng, false, false).replace(['\n', '\r'], "") } else { String::new() });
    let fields = vec![
        id,
        text(rng, wide, false),
        ["detailed", "詳細な様式"][rng.below(2) as usize].to_string(),
        when,
        dur,
        us,
        ["ftth", "isp;ftth", "FTTHアクセスサービス", "mobile_voice、mobile_data"][rng.below(4) as usize].to_string(),
        ["natural_failure", "設定誤り", "congestion"][rng.below(3) as usize].to_string(),
        String::new(),
        text(rng, wide, false),
        text(rng, wide, long),
    ];
    Case { fields, started, duration, users }
}

/// Physical lines before `at`: LF, CRLF and a lone CR each end one.
pub fn line_of(bytes: &[u8], at: usize) -> u64 {
    let mut n = 1;
    let mut i = 0;
    while i < at {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

pub struct File {
    pub bytes: Vec<u8>,
    pub cases: Vec<Case>,
    /// The line each record starts on.
    pub lines: Vec<u64>,
    pub cp932: bool,
}

pub fn file(rng: &mut Rng) -> File {
    let cp932 = rng.below(4) == 0;
    let wide = !cp932;
    let delimiter = [b',', b'\t', b';'][rng.below(3) as usize];
    let ends: [&[u8]; 3] = [b"\n", b"\r\n", b"\r"];
    let mix = rng.below(3) == 0;
    let one_end = rng.below(3) as usize;
    let always = rng.below(4) == 0;
    let mut out: Vec<u8> = Vec::new();
    let write = |out: &mut Vec<u8>, fields: &[String], rng: &mut Rng| {
        let end = if mix { rng.below(3) as usize } else { one_end };
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if end == 1 { csv::Terminator::CRLF } else { csv::Terminator::Any(ends[end][0]) })
            .quote_style(if always { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
            .from_writer(Vec::new());
        w.write_record(fields).unwrap();
        out.extend_from_slice(&w.into_inner().unwrap());
    };
    if rng.below(3) == 0 {
        out.extend_from_slice("令和2年度 事故一覧\n".as_bytes());
    }
    if rng.below(3) == 0 {
        out.extend_from_slice(b"\n");
    }
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    write(&mut out, &header, rng);
    let n = 1 + rng.below(40) as usize;
    let mut cases = Vec::new();
    let mut starts = Vec::new();
    for i in 0..n {
        if rng.below(8) == 0 {
            out.extend_from_slice(ends[rng.below(3) as usize]);
        }
        let c = record(rng, i, wide);
        starts.push(out.len());
        write(&mut out, &c.fields, rng);
        cases.push(c);
    }
    // Lines are counted in the text as written: CP932 and a BOM keep the
    // line breaks where they are.
    let lines: Vec<u64> = starts.iter().map(|&s| line_of(&out, s)).collect();
    let mut bytes = if cp932 {
        let text = String::from_utf8(out).unwrap();
        let (b, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!bad, "the generator gave CP932 a character it has not");
        b.into_owned()
    } else {
        out
    };
    if !cp932 && rng.below(3) == 0 {
        bytes.splice(0..0, *b"\xEF\xBB\xBF");
    }
    File { bytes, cases, lines, cp932 }
}

pub struct Read {
    rows: BTreeMap<u64, (String, String, String, String, Minute, u64, u64)>,
    report: ReadReport,
    list: Vec<(String, u64, String)>,
}

pub fn read(bytes: &[u8], block: Option<usize>) -> Option<Read> {
    let rows = std::sync::Mutex::new(BTreeMap::new());
    let list = std::sync::Mutex::new(Vec::new());
    let opts = ReadOptions { keep_rejected: true, block_bytes: block, ..Default::default() };
    let report = read_csv_bytes("diff.csv", bytes, &opts, |r| {
        rows.lock().unwrap().insert(r.line, (r.incident_id.to_string(), r.carrier.to_string(), r.region.to_string(), r.summary.to_string(), r.started_at, r.duration_min, r.affected_users));
        let l = jiko::incidents::IncidentLine::from_row(opts.rules, r, "diff.csv");
        list.lock().unwrap().push((l.file.clone(), l.line, l.carrier.clone()));
    })
    .ok()?;
    Some(Read { rows: rows.into_inner().unwrap(), report, list: list.into_inner().unwrap() })
}

pub fn check_valid(seed: u64, f: &File) {
    let got = read(&f.bytes, None).unwrap_or_else(|| panic!("seed {seed}: the read failed"));
    let errors: Vec<String> = got.report.errors.iter().map(|e| e.text(jiko::lang::Lang::En)).collect();
    assert!(got.report.is_clean(), "seed {seed}: a valid file was refused: {errors:?}");
    assert_eq!(got.rows.len(), f.cases.len(), "seed {seed}: records lost or made");
    for (c, line) in f.cases.iter().zip(&f.lines) {
        let r = got.rows.get(line).unwrap_or_else(|| panic!("seed {seed}: no record at line {line}; read at {:?}", got.rows.keys().collect::<Vec<_>>()));
        assert_eq!(&r.0, &c.fields[0], "seed {seed} line {line}: incident_id");
        assert_eq!(&r.1, &c.fields[1], "seed {seed} line {line}: carrier");
        assert_eq!(&r.2, &c.fields[9], "seed {seed} line {line}: region");
        assert_eq!(&r.3, &c.fields[10], "seed {seed} line {line}: summary");
        assert_eq!((r.4, r.5, r.6), (c.started, c.duration, c.users), "seed {seed} line {line}: date, duration, users");
    }
    // The per-report list: the same file, line and carrier.
    let mut list = got.list.clone();
    list.sort_by_key(|l| l.1);
    let want: Vec<(String, u64, String)> = f.cases.iter().zip(&f.lines).map(|(c, l)| ("diff.csv".to_string(), *l, c.fields[1].clone())).collect();
    assert_eq!(list, want, "seed {seed}: the per-report list");
    // The same bytes cut into small blocks read the same.
    if !f.cp932 {
        let small = read(&f.bytes, Some(64)).unwrap();
        assert_eq!(small.rows, got.rows, "seed {seed}: blocks of 64 bytes");
    }
}

/// A stray quote (or a pair) anywhere: every record read or rejected, or
/// the read fails or warns at a line.
pub fn check_damaged(seed: u64, f: &File, rng: &mut Rng) {
    let mut bytes = f.bytes.clone();
    let quotes = 1 + rng.below(2) as usize;
    for _ in 0..quotes {
        let at = rng.below(bytes.len() as u64 + 1) as usize;
        bytes.insert(at, b'"');
    }
    let Some(got) = read(&bytes, None) else { return };
    let r = &got.report;
    let accounted = r.rows() == f.cases.len() as u64;
    let failed = !r.is_clean() && r.errors.iter().all(|e| e.line > 0);
    let warned = r.notes.iter().any(|n| n.contains("diff.csv:"));
    assert!(
        accounted || failed || warned,
        "seed {seed}: {} of {} records read, no error, no warning ({quotes} stray quote(s)) in {:?}",
        r.rows(),
        f.cases.len(),
        {
            let _ = std::fs::write(std::env::temp_dir().join(format!("jiko-diff-{seed}.csv")), &bytes);
            format!("{} (whole file: {}/jiko-diff-{seed}.csv)", String::from_utf8_lossy(&bytes).chars().take(300).collect::<String>(), std::env::temp_dir().display())
        }
    );
}

pub fn run(first: u64, cases: u64) {
    for seed in first..first + cases {
        let mut rng = Rng::new(seed);
        let f = file(&mut rng);
        check_valid(seed, &f);
        check_damaged(seed, &f, &mut rng);
    }
}


/// SplitMix64, seeded: the same files on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}
