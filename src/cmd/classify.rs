//! `jiko classify`: what the rules say of one incident (from flags), or of
//! every record of some files (`--input`, CSV out). The judging is
//! `rules::judge`; this module reads the question and words the answer.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::{input_files, print_failure, ReadArgs};
use crate::incidents::{self, IncidentLine};
use crate::records::values::{self, vocabularies, Vocabulary};
use crate::records::{self, Minute};
use crate::rules::{self, Gap, Incident, Judgement};
use crate::{taxonomy, wareki};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Services stopped or degraded: codes or labels, separated by `,` or `;`.
    #[arg(long)]
    pub services: Option<String>,
    /// Start (JST): 2024-02-26 10:19, 2024/2/26 10:19, 令和6年2月26日 10時19分 …
    #[arg(long)]
    pub start: Option<String>,
    /// End (JST); or give --duration.
    #[arg(long, conflicts_with = "duration")]
    pub end: Option<String>,
    /// Duration: 117, 1:57, 1時間57分 …
    #[arg(long)]
    pub duration: Option<String>,
    /// One phase of an outage in several phases: START/END (END may be a
    /// time of the same day). Repeat for each phase.
    #[arg(long = "window", conflicts_with_all = ["start", "end", "duration"])]
    pub windows: Vec<String>,
    /// Affected users (the sum over regions).
    #[arg(long)]
    pub users: Option<String>,
    /// Failed equipment (code or label), which decides the report form.
    #[arg(long)]
    pub equipment: Option<String>,
    /// A critical facility whose whole traffic was down (satellite, submarine_cable, …).
    #[arg(long)]
    pub facility: Option<String>,
    /// Kind: outage, non_telecom_facility, info_leak.
    #[arg(long)]
    pub kind: Option<String>,
    /// The service's monthly active users, for rules that use them.
    #[arg(long)]
    pub monthly_active_users: Option<String>,
    /// Classify every record of these files or folders (as aggregate reads
    /// them) and write CSV, one line per record.
    #[arg(long, num_args = 1.., conflicts_with_all = ["services", "start", "windows"])]
    pub input: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// With --input: write the CSV here instead of stdout.
    #[arg(long, requires = "input")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<bool> {
    if !args.input.is_empty() {
        return classify_files(&args);
    }
    let (incident, phases) = incident_of(&args)?;
    let j = rules::judge(&incident).with_gaps(&incident);
    print!("{}", answer(&incident, &phases, &j));
    Ok(true)
}

/// One line per record of the files, every record judged (other years and
/// reports outside the duty included).
fn classify_files(args: &Args) -> Result<bool> {
    let files = input_files(&args.input)?;
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    // Lines go to disk as they are judged (memory stays flat), and out
    // only when every record was valid.
    let mut spool = incidents::LineSpool::new()?;
    let (mut n, mut failed) = (0u64, None);
    let report = records::read_files(&files, &args.read.options(None), |row| {
        n += 1;
        if let Err(e) = spool.push(&IncidentLine::from_row(row, &names[row.file])) {
            failed.get_or_insert(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context("writing the classified records"));
    }
    super::print_notes(&report);
    if !report.is_clean() {
        print_failure(&report);
        return Ok(false);
    }
    let csv = incidents::merge(vec![spool], args.out.is_some())?;
    match &args.out {
        Some(path) => {
            let mut f = std::fs::File::open(&csv.path).context("reading the classified records")?;
            crate::output::write_atomic_from(path, &mut f)?;
            eprintln!("{}", crate::say!("  wrote {p} ({n} records)", "  {p} に書き出しました（{n}件）", p = path.display(), n = n));
        }
        None => {
            let mut f = std::fs::File::open(&csv.path).context("reading the classified records")?;
            std::io::copy(&mut f, &mut std::io::stdout().lock()).context("writing to stdout")?;
        }
    }
    Ok(true)
}

/// A phase: start and end.
pub(crate) type Phase = (Minute, Minute);

fn incident_of(a: &Args) -> Result<(Incident, Vec<Phase>)> {
    let v = vocabularies();
    let services_text = a.services.as_deref().context(need("--services"))?;
    let mut services = 0u32;
    for piece in services_text.split([',', ';', '、']).map(str::trim).filter(|p| !p.is_empty()) {
        services |= 1 << code(&v.services, "--services", piece)?;
    }
    let users_text = a.users.as_deref().context(need("--users"))?;
    let users = values::count(users_text).map_err(|m| anyhow::anyhow!("--users {users_text:?}: {m}"))?;
    let (started_at, duration_min, phases) = if a.windows.is_empty() {
        let start = date("--start", a.start.as_deref().context(need("--start"))?)?;
        let minutes = match (&a.end, &a.duration) {
            (Some(e), _) => {
                let end = end_of(start, e)?;
                (end.ordinal() - start.ordinal()) as u64
            }
            (None, Some(d)) => values::minutes(d).map_err(|m| anyhow::anyhow!("--duration {d:?}: {m}"))?,
            (None, None) => bail!(need("--end or --duration")),
        };
        (start, minutes, Vec::new())
    } else {
        let mut phases: Vec<Phase> = a.windows.iter().map(|w| window(w)).collect::<Result<_>>()?;
        phases.sort();
        for w in phases.windows(2) {
            if w[1].0 < w[0].1 {
                bail!(crate::say!("--window: phases {a}–{b} and {c}–{d} overlap", "--window: 段階 {a}–{b} と {c}–{d} が重なっています", a = w[0].0, b = w[0].1, c = w[1].0, d = w[1].1));
            }
        }
        // The contract's rule: the longest phase is the duration.
        let longest = phases.iter().map(|(s, e)| (e.ordinal() - s.ordinal()) as u64).max().unwrap_or(0);
        (phases[0].0, longest, phases)
    };
    let opt = |voc: &Vocabulary, flag: &str, v: &Option<String>| -> Result<Option<usize>> { v.as_deref().map(|x| code(voc, flag, x)).transpose() };
    let monthly_active_users = a
        .monthly_active_users
        .as_deref()
        .map(|m| values::count(m).map_err(|e| anyhow::anyhow!("--monthly-active-users {m:?}: {e}")))
        .transpose()?;
    Ok((
        Incident {
            started_at,
            duration_min,
            users,
            services,
            equipment: opt(&v.equipment, "--equipment", &a.equipment)?,
            facility: opt(&v.facilities, "--facility", &a.facility)?.unwrap_or(0),
            kind: opt(&v.kinds, "--kind", &a.kind)?.unwrap_or(0),
            monthly_active_users,
        },
        phases,
    ))
}

fn need(flag: &str) -> String {
    crate::say!("give {flag} (or --input FILES)", "{flag} を指定してください（又は --input でファイル）", flag = flag)
}

fn code(voc: &Vocabulary, flag: &str, v: &str) -> Result<usize> {
    voc.find(v).ok_or_else(|| anyhow::anyhow!("{flag} {v:?}: {}", voc.unknown(v)))
}

fn date(flag: &str, v: &str) -> Result<Minute> {
    Minute::parse(v).ok_or_else(|| anyhow::anyhow!(crate::say!("{flag} {v:?}: not a date and time; accepted: {f}", "{flag} {v:?}: 日時として読めません。使える形: {f}", flag = flag, v = v, f = records::dates::accepted_forms())))
}

/// An end: a full date and time, or a time of the start's day.
fn end_of(start: Minute, v: &str) -> Result<Minute> {
    let end = match Minute::parse(v) {
        Some(m) => m,
        None => Minute::parse(&format!("{:04}-{:02}-{:02} {}", start.year, start.month, start.day, v.trim())).ok_or_else(|| date("--end", v).unwrap_err())?,
    };
    if end < start {
        bail!(crate::say!("end {e} is before the start {s}", "終了 {e} が開始 {s} より前です", e = end, s = start));
    }
    Ok(end)
}

/// `START/END`: slash dates hold `/` too, so every split is tried.
fn window(w: &str) -> Result<Phase> {
    for (i, _) in w.match_indices(['/', '～', '~']) {
        let (s, rest) = w.split_at(i);
        let e = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        if let Some(start) = Minute::parse(s) {
            if let Ok(end) = end_of(start, e) {
                return Ok((start, end));
            }
        }
    }
    bail!(crate::say!(
        "--window {w:?}: give START/END, e.g. 2024-02-26 10:19/12:16 or 2024-02-26 10:19/2024-02-26 12:16",
        "--window {w:?}: 開始/終了 の形で指定してください（例: 2024-02-26 10:19/12:16）",
        w = w
    ))
}

fn day((y, m, d): (i32, u32, u32)) -> String {
    format!("{y}年{m}月{d}日 ({y:04}-{m:02}-{d:02})")
}

fn users_text(n: u64) -> String {
    crate::render::thousands(n as i64)
}

/// The answer, in Japanese with English in brackets.
pub(crate) fn answer(i: &Incident, phases: &[Phase], j: &Judgement) -> String {
    let b = rules::book();
    let mut out = String::new();
    let mut line = |ja: String, en: String| out.push_str(&format!("{ja} ({en})\n"));
    if let Some(t) = &b.trial {
        line(t.note.clone(), t.note_en.clone());
    }
    line(
        format!("年度・四半期: {} 第{}四半期", wareki::fiscal_year_label(j.fiscal_year), j.quarter),
        format!("fiscal year {}, quarter {}", j.fiscal_year, j.quarter),
    );
    let services: Vec<&str> = taxonomy::SERVICES.iter().enumerate().filter(|(k, _)| i.services & (1 << k) != 0).map(|(_, s)| s.label).collect();
    line(format!("役務: {}", services.join("、")), "services".into());
    let mut duration = format!("継続時間: {}（{}分）", rules::hours_text(i.duration_min), i.duration_min);
    if phases.len() > 1 {
        let each: Vec<String> = phases
            .iter()
            .enumerate()
            .map(|(k, (s, e))| format!("{}{}", crate::details::mark(k, true), rules::hours_text((e.ordinal() - s.ordinal()) as u64)))
            .collect();
        let total: i64 = phases.iter().map(|(s, e)| e.ordinal() - s.ordinal()).sum();
        duration += &format!("。{}段階 {}、合計{}。継続時間は最も長い段階", phases.len(), each.join(" "), rules::hours_text(total as u64));
    }
    line(duration, format!("duration {} min{}", i.duration_min, if phases.len() > 1 { ", the longest phase (docs/incidents.md)" } else { "" }));
    line(format!("影響利用者数: {}", users_text(i.users)), format!("affected users {}", i.users));
    match j.set {
        Some(s) => line(
            format!("適用される基準: {}（{}）", s.raw.id, s.from.map_or("試算".to_string(), |f| format!("{}年{}月{}日から", f.year, f.month, f.day))),
            match s.from {
                Some(_) => format!("rule set {} in force at the start", s.raw.id),
                None => format!("trial: every report judged by {}", s.raw.id),
            },
        ),
        None => line("適用される基準: なし（重大な事故の基準の施行前）".into(), "no major-accident rules before the first set".into()),
    }
    let d = &b.duty;
    if j.within_duty && j.major.is_some() {
        line(format!("報告義務: 重大な事故として報告（{}ではなく施行規則第57条・第58条による）", d.name), "reported as a major accident, not in the routine report".into());
    } else if j.within_duty {
        let form = j.form.and_then(|f| taxonomy::FORMS.iter().find(|c| c.code == f)).map_or("", |c| c.label);
        line(format!("報告義務: {}の対象（{}）", d.name, form), format!("within the routine reporting duty, {} form", j.form.unwrap_or("")));
    } else {
        line(
            format!("報告義務: {}（継続時間{}未満かつ影響利用者数{}未満）", d.outside_label, rules::hours_text(d.min_duration), rules::man(d.min_users)),
            "outside the routine reporting duty".into(),
        );
        line(
            format!("報告義務まで: 継続時間{}以上又は影響利用者数{}以上で対象", rules::hours_text(d.min_duration), users_text(d.min_users)),
            format!("it would be reportable from {} min or {} users", d.min_duration, d.min_users),
        );
    }
    match (&j.major, j.set) {
        (Some(m), Some(s)) => {
            let class = m.class.map_or(String::new(), |c| format!("{} ", rules::kanji_number(usize::from(c))));
            line(
                format!("重大な事故: 該当する。{class}{}（{}）", m.class_name, incidents::reason(m, Some(s))),
                format!("MAJOR accident{}; threshold met: {}", m.class.map_or(String::new(), |c| format!(", class {c}")), threshold_en(m)),
            );
        }
        (None, Some(_)) => {
            line("重大な事故: 該当しない".into(), "not a major accident".into());
            if let Some(g) = j.gaps.first() {
                line(gap_ja(g, j), gap_en(g));
            }
        }
        _ => {}
    }
    match (j.major_report_due, j.report_due) {
        (Some(due), _) => {
            line(format!("期限: {}報告し、報告書を{}までに提出", b.major_report.first, day(due)), format!("deadlines: report without delay; written report within {} days, by {}-{:02}-{:02}", b.major_report.written_days, due.0, due.1, due.2));
            line(format!("根拠: {}", b.major_report.source), "source".into());
        }
        (None, Some(due)) => {
            let every = b.dues.iter().rev().find(|(f, _)| *f <= i.started_at).map(|(_, d)| d.every);
            let period = match every {
                Some(rules::Every::Year) => "年度".to_string(),
                _ => format!("第{}四半期", j.quarter),
            };
            line(format!("期限: {period}の報告として{}まで", day(due)), format!("deadline: with the routine report of the period, by {}-{:02}-{:02}", due.0, due.1, due.2));
        }
        (None, None) => {}
    }
    out
}

fn threshold_en(m: &rules::MajorHit) -> String {
    match &m.threshold {
        Some(t) => format!(">= {} min and >= {} users", t.min_duration, t.min_users),
        None => "critical facility wholly down".into(),
    }
}

fn gap_ja(g: &Gap, j: &Judgement) -> String {
    let class = j.set.map_or(String::new(), |s| {
        let c = &s.raw.classes[usize::from(g.class) - 1];
        let mark = if s.raw.numbered { format!("{} ", rules::kanji_number(usize::from(g.class))) } else { String::new() };
        format!("{mark}{}: {}", c.name, rules::thresholds_text(std::slice::from_ref(&g.threshold)))
    });
    match (g.users_from, g.minutes_from) {
        (Some(u), _) => format!("最も近い基準: 影響利用者数{}以上で重大な事故（{class}）", users_text(u)),
        (_, Some(m)) => format!("最も近い基準: 継続時間{}以上で重大な事故（{class}）", rules::hours_text(m)),
        _ => String::new(),
    }
}

fn gap_en(g: &Gap) -> String {
    match (g.users_from, g.minutes_from) {
        (Some(u), _) => format!("would be major from {} users", users_text(u)),
        (_, Some(m)) => format!("would be major from {m} min"),
        _ => String::new(),
    }
}
