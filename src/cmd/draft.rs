//! `jiko draft NOTICE…`: a draft record (input contract, CSV) and a draft
//! details entry from a carrier's notice. Only what the notice says is
//! filled; the rest is listed on stderr for the user to fill.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::draft::{self, Draft};
use crate::output::sinks::CsvOut;
use crate::records;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Notices: plain text, Markdown or HTML; UTF-8 or CP932.
    #[arg(required = true)]
    pub notices: Vec<PathBuf>,
    /// Write the draft records here (CSV) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the draft details entries here (TOML, docs/details.md);
    /// without it they are printed on stderr.
    #[arg(long)]
    pub details: Option<PathBuf>,
    /// Also say what the rules make of each draft (as `jiko classify`).
    #[arg(long)]
    pub classify: bool,
}

/// The record columns a draft fills, in the contract's order.
const COLUMNS: &[&str] = &[
    "incident_id", "carrier", "report_form", "started_at", "duration_min", "affected_users", "services", "cause", "equipment", "region", "summary",
    "ended_at", "source",
];

pub fn run(args: Args) -> Result<bool> {
    let mut csv = CsvOut::for_programs();
    csv.row(COLUMNS.iter().copied());
    let mut details = String::new();
    let mut ok = true;
    for path in &args.notices {
        let text = read_text(path)?;
        let d = draft::read(&text);
        let name = records::display(path);
        if d.phases.is_empty() {
            eprintln!("{}", crate::say!("{f}: no period found (no start and end date and time, e.g. 2024年3月25日8時31分～4月25日10時50分)", "{f}: 障害期間が見つかりません（例: 2024年3月25日8時31分～4月25日10時50分 のような開始と終了の日時がありません）", f = name));
            ok = false;
            continue;
        }
        let values = record(&d, &name);
        csv.row(values.iter().map(String::as_str));
        eprintln!("{}", crate::say!("{f}: draft record", "{f}: 記録の下書き", f = name));
        for line in missing(&d, &values) {
            eprintln!("  {line}");
        }
        details += &details_entry(&d, &name);
        if args.classify {
            eprintln!();
            print!("{}", classify(&d));
            println!();
        }
    }
    if !ok && args.notices.len() == 1 {
        return Ok(false);
    }
    let bytes = csv.finish();
    match &args.out {
        Some(p) => crate::output::write_atomic(p, &bytes)?,
        None if !args.classify => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes).context("writing to stdout")?;
        }
        None => {}
    }
    match &args.details {
        Some(p) => crate::output::write_atomic(p, details.as_bytes())?,
        None => eprint!("\n{}\n{details}", crate::say!("# draft details entries (save them with --details FILE):", "# 詳細（別紙）の下書き（--details FILE で保存）:")),
    }
    Ok(ok)
}

/// A notice's text: UTF-8 (a BOM allowed), else CP932.
fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| crate::lang::doing("reading", "読み込み", &path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
            anyhow::ensure!(!bad, "{}: neither UTF-8 nor CP932", path.display());
            Ok(text.into_owned())
        }
    }
}

fn stamp(m: &records::Minute) -> String {
    format!("{:04}-{:02}-{:02} {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute)
}

/// The record's values in `COLUMNS` order: only what the notice says.
fn record(d: &Draft, source: &str) -> Vec<String> {
    let first = d.phases[0];
    let one = d.phases.len() == 1;
    vec![
        String::new(),
        String::new(),
        String::new(),
        stamp(&first.start),
        d.duration_min().map_or(String::new(), |m| m.to_string()),
        d.main_count().map_or(String::new(), |c| c.value.to_string()),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        d.content.lines().next().unwrap_or("").to_string(),
        if one { stamp(&first.end) } else { String::new() },
        source.to_string(),
    ]
}

/// What the user must fill or check, with the hints the notice gave.
fn missing(d: &Draft, values: &[String]) -> Vec<String> {
    use crate::say;
    let mut out = Vec::new();
    let n = d.phases.len();
    let phases: Vec<String> = d.phases.iter().map(|p| format!("{}–{} ({} min{})", stamp(&p.start), stamp(&p.end), p.minutes(), if p.approximate { ", 頃" } else { "" })).collect();
    out.push(say!("period: {p}", "障害期間: {p}", p = phases.join(", ")));
    if n > 1 {
        let total = d.phases.iter().map(|p| p.minutes()).sum::<u64>();
        out.push(say!(
            "{n} phases: duration_min is the longest phase (docs/incidents.md); the total is {t} min",
            "{n}段階: duration_min は最も長い段階（docs/incidents.md）。合計は{t}分",
            n = n,
            t = total
        ));
    }
    match d.main_count() {
        Some(c) => {
            let others: Vec<&str> = d.counts.iter().filter(|o| *o != c).map(|o| o.text.as_str()).collect();
            let marks = [(c.approximate, say!(", approximate", "、概数")), (c.at_most, say!(", at most", "、最大"))];
            let marks: String = marks.iter().filter(|(on, _)| *on).map(|(_, m)| m.as_str()).collect();
            let rest = if others.is_empty() { String::new() } else { say!("; other counts: {o}", "。ほかの数: {o}", o = others.join(", ")) };
            out.push(say!(
                "affected_users: {v} from {t:?} (unit {u}{m}){r}",
                "affected_users: {v}（{t:?} から。単位 {u}{m}）{r}",
                v = c.value,
                t = c.text,
                u = c.unit,
                m = marks,
                r = rest
            ));
        }
        None => out.push(say!("affected_users: not found; fill it", "affected_users: 見つかりません。記入してください")),
    }
    for (col, v) in COLUMNS.iter().zip(values) {
        if v.is_empty() && !matches!(*col, "ended_at" | "affected_users") {
            let seen = d.hints.iter().find(|(c, codes)| c == col && !codes.is_empty());
            let hint = match (*col, seen) {
                (_, Some((_, codes))) => say!(" (the notice names: {c})", "（お知らせにある語: {c}）", c = codes.join(", ")),
                ("summary", None) => say!(" (no 障害内容 section found)", "（障害内容の節が見つかりません）"),
                _ => String::new(),
            };
            out.push(say!("{col}: empty, fill it{hint}", "{col}: 空欄です。記入してください{hint}", col = col, hint = hint));
        }
    }
    for (name, text) in [("cause (原因)", &d.cause), ("measures (再発防止策)", &d.measures)] {
        if text.is_empty() {
            out.push(say!("{name}: no section found", "{name}: 節が見つかりません", name = name));
        }
    }
    out
}

/// A `[[accident]]` entry for a details file.
fn details_entry(d: &Draft, source: &str) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
    let t = |m: &records::Minute| format!("{:04}-{:02}-{:02}T{:02}:{:02}:00", m.year, m.month, m.day, m.hour, m.minute);
    let mut out = String::from("[[accident]]\nid = \"\"  # the record's accident_id\n");
    let _ = writeln!(out, "source = {}", q(source));
    if let Some(c) = d.main_count().filter(|c| c.approximate || c.at_most) {
        let _ = writeln!(out, "users = {}", q(&c.text));
    }
    let _ = writeln!(out, "content = {}", q(&d.content));
    let _ = writeln!(out, "cause = {}", q(&d.cause));
    let phases: Vec<String> = d.phases.iter().map(|p| format!("  {{ start = {}, end = {} }},", t(&p.start), t(&p.end))).collect();
    let _ = writeln!(out, "phases = [\n{}\n]", phases.join("\n"));
    if !d.measures.is_empty() {
        let _ = writeln!(out, "measures = [{{ text = {} }}]", q(&d.measures));
    }
    out.push('\n');
    out
}

/// The rules' answer for the draft; services are not guessed, so without
/// them only the duty can be judged.
fn classify(d: &Draft) -> String {
    let incident = crate::rules::Incident {
        started_at: d.phases[0].start,
        duration_min: d.duration_min().unwrap_or(0),
        users: d.main_count().map_or(0, |c| c.value),
        services: 0,
        equipment: None,
        facility: 0,
        kind: 0,
        monthly_active_users: None,
    };
    let phases: Vec<super::classify::Phase> = d.phases.iter().map(|p| (p.start, p.end)).collect();
    let j = crate::rules::judge(&incident).with_gaps(&incident);
    // Services are never guessed, and a count not found stays unknown.
    let missing = crate::rules::Missing { users: d.main_count().is_none(), services: true };
    let open = crate::rules::judge_open(&incident, missing);
    let mut out = super::classify::answer(&incident, &phases, &j, &open, missing, None);
    out += &crate::say!(
        "(services are not in the draft: whether it is major needs them; run jiko classify --services … with the same period)\n",
        "（役務は下書きにないため重大な事故かは判定できません。同じ期間で jiko classify --services … を実行してください）\n"
    );
    out
}
