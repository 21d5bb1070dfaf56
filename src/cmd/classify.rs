//! `jiko classify`: what the rules say of one incident (from flags), or of
//! every record of some files (`--input`, CSV out). The judging is
//! `rules::judge`; this module reads the question and words the answer.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::{input_files, print_failure, ReadArgs};
use crate::incidents::{self, IncidentLine};
use crate::records::values::{self, Vocabularies, Vocabulary};
use crate::records::{self, Minute};
use crate::lang::Lang;
use crate::rules::{self, Gap, Incident, Judgement, Open, Rules, Tri};
use crate::wareki;

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
    /// Affected users (the sum over regions). Leave it out while the count
    /// is not known: each answer then says whether it depends on it.
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
    /// Wholesale role: provider (卸元) or receiver (卸先).
    #[arg(long)]
    pub wholesale: Option<String>,
    /// With --wholesale receiver: the provider's accident was a major
    /// accident too (the simplified report, 施行規則第57条第2項).
    #[arg(long, requires = "wholesale")]
    pub provider_major: bool,
    /// おそれ事態 (施行規則第58条の2): the situation, a code or label of
    /// the rules' [near_miss] situations (`jiko template` lists them).
    /// With --start alone (no --end, --duration or --window), --start is
    /// when the situation occurred, with no outage.
    #[arg(long)]
    pub situation: Option<String>,
    /// The equipment's function: a code or label of the rules'
    /// [near_miss] functions.
    #[arg(long)]
    pub function: Option<String>,
    /// The carrier's users at the end of the previous fiscal year.
    #[arg(long)]
    pub carrier_users: Option<String>,
    /// Prefectures the service is offered in.
    #[arg(long)]
    pub prefectures: Option<String>,
    /// The day (and time) the situation became known; the report is due
    /// 30 days after it.
    #[arg(long)]
    pub known: Option<String>,
    /// Exclusions that apply, separated by `,` (codes or labels of the
    /// rules' [near_miss] exclusions), or `none` when none applies. Left
    /// out, they are not known: the answer holds unless one applies.
    #[arg(long)]
    pub exclusion: Vec<String>,
    /// Classify every record of these files or folders (as aggregate reads
    /// them) and write CSV, one line per record.
    #[arg(long, num_args = 1.., conflicts_with_all = ["services", "start", "windows"])]
    pub input: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// With --input: write the CSV here instead of stdout.
    #[arg(long, requires = "input")]
    pub out: Option<PathBuf>,
    /// With --out: replace an existing file (never one of the inputs).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// With --input: judge the valid records and list the invalid ones on
    /// stderr instead of stopping (duplicate ids and unclosed quotes still
    /// stop the run).
    #[arg(long, requires = "input")]
    pub skip_invalid: bool,
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    if !args.input.is_empty() {
        return classify_files(lang, &args, rules);
    }
    // With --situation, --start alone says when the situation occurred
    // (no outage); with an end or a duration it is an outage's start.
    let occurred_only = args.situation.is_some() && args.start.is_some() && args.end.is_none() && args.duration.is_none() && args.windows.is_empty();
    let outage_given = (args.start.is_some() && !occurred_only) || !args.windows.is_empty();
    let outage = if args.situation.is_none() || outage_given { Some(incident_of(rules, lang, &args)?) } else { None };
    let mut text = String::new();
    let mut major = Tri::No;
    if let Some((incident, phases, missing)) = &outage {
        let open = rules.judge_open(incident, *missing);
        let j = rules.judge(incident).with_gaps(incident);
        major = open.major;
        text += &answer(lang, rules, incident, phases, &j, &open, *missing, wholesale_form(rules, &args, incident));
    }
    if args.situation.is_some() {
        let started = match (&outage, occurred_only) {
            (Some((i, _, _)), _) => Some(i.started_at),
            // When a situation occurred: its day alone will do, as --known's.
            (None, true) => args.start.as_deref().map(|s| date(lang, "--start", s).or_else(|e| crate::records::parse_minute(&format!("{} 00:00", s.trim())).ok_or(e))).transpose()?,
            (None, false) => None,
        };
        text += &near_miss_answer(lang, rules, &args, started, outage.is_some(), major)?;
    }
    print!("{text}");
    Ok(true)
}

/// One line per record of the files, every record judged (other years and
/// reports outside the duty included).
fn classify_files(lang: crate::lang::Lang, args: &Args, rules: Rules) -> Result<bool> {
    let files = input_files(lang, &args.input)?;
    if let Some(out) = &args.out {
        crate::output::may_write(lang, out, args.force, &files)?;
        crate::output::spool_beside(out);
    }
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    let opts = records::ReadOptions { unknown_users: true, ..args.read.options(lang, rules, None) };
    // A first read settles what a line needs from all the others: each
    // carrier's printed spelling, and the wholesale providers' majors.
    let map = crate::carriers::CarrierMap::default();
    let (mut spellings, mut providers) = (std::collections::HashMap::<String, u64>::new(), std::collections::HashSet::new());
    // Progress on a terminal, for each of the two reads.
    let progress = |what: String| {
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let shown = super::Progress::start_as(&files, counter.clone(), what);
        (records::ReadOptions { progress: Some(counter), ..opts.clone() }, shown)
    };
    let (read_opts, shown) = progress(crate::say!(lang, "reading", "読み込み中"));
    let first = records::read_files(&files, &read_opts, |row| {
        *spellings.entry(row.carrier.to_string()).or_default() += 1;
        let line = IncidentLine::from_row(rules, row, "");
        if line.provider_major() {
            providers.insert(line.accident_id);
        }
    })?;
    drop(shown);
    super::print_notes(lang, &first);
    if !first.is_clean() {
        if !args.skip_invalid || first.fatal() {
            print_failure(lang, &first, super::Skip::Listed);
            return Ok(false);
        }
        super::print_errors(lang, &first);
        eprintln!(
            "{}",
            crate::say!(
                lang,
                "  note: {r} invalid row(s) set aside (--skip-invalid); the other records are judged",
                "  注: 不正な行{r}行を除きました（--skip-invalid）。ほかの記録を判定しています",
                r = first.rejected_rows()
            )
        );
    }
    let mut carriers = crate::carriers::CarrierNames::default();
    for (spelling, n) in &spellings {
        carriers.add(map.key(spelling).0, spelling, *n, None);
    }
    let printed: std::collections::HashMap<&str, &str> = spellings.keys().map(|s| (s.as_str(), carriers.display(map.key(s).0).unwrap_or(s))).collect();
    // Lines go to disk as they are judged (memory stays flat), and out
    // only when every record was valid.
    let counted = std::sync::atomic::AtomicU64::new(0);
    let (judge_opts, shown) = progress(crate::say!(lang, "judging", "判定中"));
    let (csv, report) = incidents::write_list(&files, &judge_opts, args.out.is_some(), |row| {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut line = IncidentLine::from_row(rules, row, &names[row.file]);
        line.lang = lang;
        line.carrier_printed = printed.get(row.carrier).map_or(row.carrier, |p| *p).to_string();
        line.simplified = line.receiver_major() && (row.provider_major || providers.contains(&line.accident_id));
        Some(line)
    })?;
    drop(shown);
    let n = counted.into_inner();
    incidents::same_inputs(lang, &first, &report)?;
    match &args.out {
        Some(path) => {
            let mut f = std::fs::File::open(&csv.path).context("reading the classified records")?;
            crate::output::write_atomic_from(lang, path, &mut f)?;
            eprintln!("{}", crate::say!(lang, "  wrote {p} ({n} records)", "  {p} に書き出しました（{n}件）", p = path.display(), n = n));
        }
        None => {
            let mut f = std::fs::File::open(&csv.path).context("reading the classified records")?;
            std::io::copy(&mut f, &mut std::io::stdout().lock()).context("writing to stdout")?;
        }
    }
    Ok(true)
}

/// A phase: start and end.
pub type Phase = (Minute, Minute);

fn incident_of(r: Rules, lang: crate::lang::Lang, a: &Args) -> Result<(Incident, Vec<Phase>, rules::Missing)> {
    let v = Vocabularies::of(r.vocab);
    let mut services = 0u32;
    for piece in a.services.as_deref().unwrap_or("").split([',', ';', '、']).map(str::trim).filter(|p| !p.is_empty()) {
        services |= 1 << code(lang, &v.services, "--services", piece)?;
    }
    let users = match a.users.as_deref() {
        Some(t) => values::count(lang, t).map_err(|m| anyhow::anyhow!("--users {t:?}: {m}"))?,
        None => 0,
    };
    let mut missing = rules::Missing { users: a.users.is_none(), services: services == 0, mau: a.monthly_active_users.is_none(), duration: false };
    let (started_at, duration_min, phases) = if a.windows.is_empty() {
        let start = date(lang, "--start", a.start.as_deref().context(need(lang, "--start"))?)?;
        let minutes = match (&a.end, &a.duration) {
            (Some(e), _) => {
                let end = end_of(lang, start, e)?;
                (end.ordinal() - start.ordinal()) as u64
            }
            (None, Some(d)) => values::minutes(lang, d).map_err(|m| anyhow::anyhow!("--duration {d:?}: {m}"))?,
            // Still going on, or its end not known yet: answered from 0
            // minutes to any length, as a notice without an end is.
            (None, None) => {
                missing.duration = true;
                0
            }
        };
        (start, minutes, Vec::new())
    } else {
        let mut phases: Vec<Phase> = a.windows.iter().map(|w| window(lang, w)).collect::<Result<_>>()?;
        phases.sort();
        for w in phases.windows(2) {
            if w[1].0 < w[0].1 {
                bail!(crate::say!(lang, "--window: phases {a}–{b} and {c}–{d} overlap", "--window: 段階 {a}–{b} と {c}–{d} が重なっています", a = w[0].0, b = w[0].1, c = w[1].0, d = w[1].1));
            }
        }
        // The contract's rule: the longest phase is the duration.
        let longest = phases.iter().map(|(s, e)| (e.ordinal() - s.ordinal()) as u64).max().unwrap_or(0);
        (phases[0].0, longest, phases)
    };
    let opt = |voc: &Vocabulary, flag: &str, v: &Option<String>| -> Result<Option<usize>> { v.as_deref().map(|x| code(lang, voc, flag, x)).transpose() };
    let monthly_active_users = a
        .monthly_active_users
        .as_deref()
        .map(|m| values::count(lang, m).map_err(|e| anyhow::anyhow!("--monthly-active-users {m:?}: {e}")))
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
        missing,
    ))
}

fn need(lang: crate::lang::Lang, flag: &str) -> String {
    crate::say!(lang, "give {flag} (or --input FILES)", "{flag} を指定してください（又は --input でファイル）", flag = flag)
}

fn code(lang: crate::lang::Lang, voc: &Vocabulary, flag: &str, v: &str) -> Result<usize> {
    voc.find(v).ok_or_else(|| anyhow::anyhow!("{flag} {v:?}: {}", voc.unknown(lang, v)))
}

fn date(lang: crate::lang::Lang, flag: &str, v: &str) -> Result<Minute> {
    crate::records::parse_minute(v).ok_or_else(|| match records::dates::no_such_day(lang, v) {
        Some(why) => anyhow::anyhow!("{flag} {v:?}: {why}"),
        None => anyhow::anyhow!(crate::say!(lang, "{flag} {v:?}: not a date and time; accepted: {f}", "{flag} {v:?}: 日時として読めません。使える形: {f}", flag = flag, v = v, f = records::dates::accepted_forms(lang))),
    })
}

/// An end: a full date and time, or a time of the start's day.
fn end_of(lang: crate::lang::Lang, start: Minute, v: &str) -> Result<Minute> {
    let end = match crate::records::parse_minute(v) {
        Some(m) => m,
        None => crate::records::parse_minute(&format!("{:04}-{:02}-{:02} {}", start.year, start.month, start.day, v.trim())).ok_or_else(|| date(lang, "--end", v).unwrap_err())?,
    };
    if end < start {
        bail!(crate::say!(lang, "end {e} is before the start {s}", "終了 {e} が開始 {s} より前です", e = end, s = start));
    }
    Ok(end)
}

/// `START/END`: slash dates hold `/` too, so every split is tried.
fn window(lang: crate::lang::Lang, w: &str) -> Result<Phase> {
    for (i, _) in w.match_indices(['/', '～', '~']) {
        let (s, rest) = w.split_at(i);
        let e = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        if let Some(start) = crate::records::parse_minute(s) {
            if let Ok(end) = end_of(lang, start, e) {
                return Ok((start, end));
            }
        }
    }
    bail!(crate::say!(
        lang,
        "--window {w:?}: give START/END, e.g. 2024-02-26 10:19/12:16 or 2024-02-26 10:19/2024-02-26 12:16",
        "--window {w:?}: 開始/終了 の形で指定してください（例: 2024-02-26 10:19/12:16）",
        w = w
    ))
}

/// 「2026年10月31日（2026-10-31）」: the day as the law's text writes it,
/// and as a calendar takes it.
fn day((y, m, d): (i32, u32, u32)) -> String {
    format!("{y}年{m}月{d}日（{y:04}-{m:02}-{d:02}）")
}

/// One line of an answer: Japanese, and the English beside it unless the
/// run is in Japanese.
pub(crate) fn bilingual(lang: Lang, ja: String, en: String) -> String {
    if lang.ja() {
        format!("{ja}\n")
    } else {
        format!("{ja} ({en})\n")
    }
}

fn users_text(n: u64) -> String {
    crate::render::thousands(n as i64)
}

/// The answer, in Japanese, with English in brackets unless the run is in
/// Japanese (the law's words stay Japanese in both). `open` bounds the
/// answers when a fact is missing; `j` is the judgement with the facts
/// given (a missing count as 0), used only where `open` says it holds.
pub(crate) fn answer(lang: Lang, r: Rules, i: &Incident, phases: &[Phase], j: &Judgement, open: &Open, missing: rules::Missing, wholesale: Option<(String, String)>) -> String {
    let b = r.book;
    let mut out = String::new();
    let mut line = |ja: String, en: String| out.push_str(&bilingual(lang, ja, en));
    if let Some(t) = &b.trial {
        line(t.note.clone(), t.note_en.clone());
    }
    let fy = wareki::fiscal_year_label(j.fiscal_year);
    match j.quarter {
        Some(q) => line(format!("年度・四半期: {fy} 第{q}四半期"), format!("fiscal year {}, quarter {q}", j.fiscal_year)),
        None => line(
            format!("年度・報告期間: {fy}（報告年度 {}年4月1日～{}年3月31日、{}）", j.fiscal_year, j.fiscal_year + 1, j.duty_name()),
            format!("fiscal year {}; the routine report is yearly (the whole 報告年度)", j.fiscal_year),
        ),
    }
    let services: Vec<&str> = r.vocab.services_in(i.services).map(|(_, s)| s.label).collect();
    if missing.services {
        line("役務: 不明（--services がない）".into(), "services not given".into());
    } else {
        line(format!("役務: {}", services.join("、")), "services".into());
    }
    let mut duration = if missing.duration {
        "継続時間: 不明（終了も長さも与えられていない）".to_string()
    } else {
        // 1時間10分（70分）; under an hour, 59分 once.
        match i.duration_min {
            m if m < 60 => format!("継続時間: {m}分"),
            m => format!("継続時間: {}（{m}分）", rules::hours_text(m)),
        }
    };
    let total: u64 = phases.iter().map(|(s, e)| (e.ordinal() - s.ordinal()) as u64).sum();
    if phases.len() > 1 {
        let each: Vec<String> = phases
            .iter()
            .enumerate()
            .map(|(k, (s, e))| format!("{}{}", crate::details::mark(k, true), rules::hours_text((e.ordinal() - s.ordinal()) as u64)))
            .collect();
        duration += &format!("。{}段階 {}、合計{}。継続時間は最も長い段階", phases.len(), each.join(" "), rules::hours_text(total));
    }
    let duration_en = if missing.duration { "duration not known".to_string() } else { format!("duration {} min{}", i.duration_min, if phases.len() > 1 { ", the longest phase (docs/incidents.md)" } else { "" }) };
    line(duration, duration_en);
    if missing.users {
        line("影響利用者数: 不明（--users がない）".into(), "affected users not known".into());
    } else {
        line(format!("影響利用者数: {}", users_text(i.users)), format!("affected users {}", i.users));
    }
    match j.set {
        Some(s) => line(
            format!("適用される基準: {}", set_name(s)),
            match s.from {
                Some(_) => format!("rule set {} in force at the start", s.raw.id),
                None => format!("trial: every report judged by {}", s.raw.id),
            },
        ),
        None => line("適用される基準: なし（重大な事故の基準の施行前）".into(), "no major-accident rules before the first set".into()),
    }
    let d = &b.duty;
    let name = j.duty_name();
    let depends = |u: Option<u64>, what: &str| match (missing.users, u) {
        (true, Some(u)) => format!("利用者数による（{}以上で{what}）", users_text(u)),
        // Only the monthly users (四, 2026) missing.
        _ if !missing.users && !missing.services && !missing.duration => match mau_for_major(r, i) {
            Some(m) => format!("前年度の一月当たりの利用者数の平均による（{}以上で{what}。--monthly-active-users）", users_text(m)),
            None => "前年度の一月当たりの利用者数の平均による（--monthly-active-users）".to_string(),
        },
        _ => format!("{}による", missing_ja(missing)),
    };
    // A service whose class the text leaves open, where its classes differ.
    let open_cls = match (j.set, missing.users || missing.services) {
        (Some(s), false) => open_classes(r, s, i),
        _ => Vec::new(),
    };
    let major_tri = if open_cls.is_empty() { open.major } else { Tri::Unknown };
    match (open.within_duty, major_tri) {
        (Tri::Yes, Tri::Yes) => line(format!("報告義務: 重大な事故として報告（{name}ではなく施行規則第57条・第58条による）"), "reported as a major accident, not in the routine report".into()),
        (Tri::Yes, Tri::No) => {
            let form = j.form.and_then(|f| r.vocab.forms.iter().find(|c| c.code == f)).map_or("", |c| c.label);
            line(format!("報告義務: {name}の対象（{form}）"), format!("within the routine reporting duty, {} form", j.form.unwrap_or("")));
            line(format!("報告様式: {}", routine_form(r, j)), "the routine report's form".into());
        }
        (Tri::Yes, Tri::Unknown) => line(
            format!("報告義務: {name}の対象。ただし重大な事故に該当すれば重大な事故として報告"),
            "within the routine duty; reported as a major accident instead if it is one".into(),
        ),
        (Tri::No, _) => {
            line(
                format!("報告義務: {}（継続時間{}未満かつ影響利用者数{}未満）", j.outside_label(), rules::hours_text(d.min_duration), rules::man(d.min_users)),
                "outside the routine reporting duty".into(),
            );
            line(
                format!("報告義務まで: 継続時間{}以上又は影響利用者数{}以上で対象", rules::hours_text(d.min_duration), users_text(d.min_users)),
                format!("it would be reportable from {} min or {} users", d.min_duration, d.min_users),
            );
        }
        (Tri::Unknown, _) => line(
            format!("報告義務: {}", depends(open.users_for_duty, &format!("{name}の対象"))),
            format!("within the routine duty: depends on the missing {}", missing_en(missing)),
        ),
    }
    // The major report's form follows the verdict: certain when major,
    // "if major" when it depends (a receiver's simplified form likewise).
    let if_major = |tri: Tri| if tri == Tri::Yes { ("報告様式", "") } else { ("報告様式（重大な事故なら）", "if major, ") };
    match (major_tri, j.set) {
        (Tri::Yes, Some(s)) => {
            // Major whatever the missing facts, so at the facts given too.
            let m = j.major.as_ref().expect("major at the least facts");
            let class = m.class.map_or(String::new(), |c| format!("{} ", rules::kanji_number(usize::from(c))));
            line(
                format!("重大な事故: 該当する。{class}{}（{}）", m.class_name, incidents::reason(m, Some(s))),
                format!("MAJOR accident{}; threshold met: {}", m.class.map_or(String::new(), |c| format!(", class {c}")), threshold_en(m)),
            );
            if let Some(why) = class_reason(r, s, i, m.class) {
                line(format!("区分の理由: {why}"), "why the service is in that class".into());
            }
            // The class of a service that hangs on monthly users not given
            // is the one below their floor: say so, not as a fact.
            if let Some(c) = s.conditional.iter().find(|c| missing.mau && c.services & i.services != 0 && m.class != Some(c.class)) {
                line(
                    format!("注: 前年度の月平均利用者数が不明のため、{}未満として区分を判定（{}以上なら{}の区分。--monthly-active-users）", users_text(c.min_monthly_active_users), users_text(c.min_monthly_active_users), rules::kanji_number(usize::from(c.class))),
                    format!("the class assumes fewer than {} monthly users (class {} from there; --monthly-active-users)", c.min_monthly_active_users, c.class),
                );
            }
        }
        (Tri::No, Some(s)) => {
            line("重大な事故: 該当しない".into(), "not a major accident".into());
            if !missing.services && !missing.duration {
                // A class's threshold or the critical-facility rule,
                // whichever is nearer (by the factor still missing).
                let facility = s.raw.facility_min_duration.filter(|&d| r.per_row.critical_facility(i.facility) && i.duration_min < d);
                match (facility, j.gaps.first()) {
                    (Some(d), g) if g.is_none_or(|g| d as f64 / i.duration_min.max(1) as f64 <= g.shortfall(i)) => line(
                        format!("最も近い基準: 継続時間{}以上で重大な事故（重要設備の全断）", rules::hours_text(d)),
                        format!("would be major from {d} min (a critical facility wholly down)"),
                    ),
                    (_, Some(g)) => line(gap_ja(g, j), gap_en(g)),
                    _ => {}
                }
            }
        }
        (Tri::Unknown, Some(_)) if !open_cls.is_empty() => {
            for (o, verdicts) in &open_cls {
                line(format!("重大な事故: 役務の区分による（{verdicts}）"), format!("major accident: depends on the class of {}", o.service));
                line(format!("注意: {}", o.note), format!("caution: {}", o.note_en));
            }
        }
        // An open duration: it may be major (never "not", as a zero would say).
        (Tri::Unknown, Some(_)) if missing.duration => {
            line(format!("重大な事故: 該当しうる（{}が不明なため判断できない）", missing_ja(missing)), format!("major accident: may be; depends on the missing {}", missing_en(missing)));
        }
        (Tri::Unknown, Some(_)) => {
            line(format!("重大な事故: {}", depends(open.users_for_major, "該当")), format!("major accident: depends on the missing {}", missing_en(missing)));
        }
        _ => {}
    }

    if major_tri != Tri::No && j.set.is_some() {
        let (label, en) = if_major(major_tri);
        match &wholesale {
            Some((form, items)) => line(format!("{label}: {form}（卸先の簡易な報告: {items}。施行規則第57条第2項）"), format!("{en}a wholesale receiver's simplified report")),
            None => line(format!("{label}: {}（{}）", b.major_report.form, major_form_source(b)), format!("{en}the major accident's written report form")),
        }
    } else if let (Some((form, _)), Some(s)) = (&wholesale, j.set) {
        // The provider's major does not make the receiver's: the receiver
        // is judged by its own duration and users (docs/incidents.md).
        line(
            format!(
                "卸先: 卸元の事故は重大な事故だが、卸先の重大な事故は卸先自身の継続時間と影響利用者数で判定する（{}、上記）。この報告はその基準に達しないため重大な事故に該当せず、簡易な報告（{form}、施行規則第57条第2項）も要しない",
                set_name(s)
            ),
            format!(
                "wholesale receiver: the provider's accident was major, but a receiver's major accident is judged by its own duration and users (rule set {}, above); below them this is not a major accident, so no simplified report ({form}) is made",
                s.raw.id
            ),
        );
    }
    let major_due = (major_tri != Tri::No).then(|| r.major_written_due(&i.started_at));
    let routine_due = j.period_due;
    let routine = |due: (i32, u32, u32)| match j.quarter {
        Some(q) => format!("第{q}四半期の報告として{}まで", day(due)),
        None => format!("{fy}の{name}として{}まで", day(due)),
    };
    let major_text = |due: (i32, u32, u32)| format!("{}報告し、報告書を{}までに提出", b.major_report.first, day(due));
    match major_tri {
        Tri::Yes => {
            if let Some(due) = major_due {
                line(format!("期限: {}", major_text(due)), format!("deadlines: report without delay; written report within {} days, by {}", b.major_report.written_days, iso(due)));
                closed_day(&mut line, due);
                line(format!("根拠: {}", b.major_report.source), "source".into());
            }
        }
        Tri::Unknown => {
            if let Some(due) = major_due {
                line(format!("期限（重大な事故なら）: {}", major_text(due)), format!("if major: report without delay, written report by {}", iso(due)));
                closed_day(&mut line, due);
            }
            if let (Some(due), true) = (routine_due, open.most.within_duty) {
                line(format!("期限（重大な事故でなく報告義務があれば）: {}", routine(due)), format!("if not major but within the duty: by {}", iso(due)));
                closed_day(&mut line, due);
            }
        }
        Tri::No => {
            if let (Some(due), true) = (routine_due, open.within_duty != Tri::No) {
                let when = if open.within_duty == Tri::Unknown { "期限（報告義務があれば）" } else { "期限" };
                line(format!("{when}: {}", routine(due)), format!("deadline: with the routine report of the period, by {}", iso(due)));
                closed_day(&mut line, due);
            }
        }
    }
    if let Some(due) = j.due().filter(|_| open.within_duty != Tri::No && major_tri != Tri::Yes) {
        line(format!("根拠: {}", if due.source.is_empty() { &d.source } else { &due.source }), "source".into());
        if !due.note.is_empty() {
            line(format!("注: {}", due.note), "the yearly report's name in MIC's statistics is not known".into());
        }
    }
    for (ja, en) in caveats(r, i, phases, total, missing) {
        line(ja, en);
    }
    if let Some((ja, en)) = r.unchecked_note(&i.started_at) {
        line(ja, en);
    }
    out
}

/// The legal last day of a due day, when 行政機関の休日に関する法律第2条
/// moves it or the holidays of its year were computed, as a line of its own.
pub(crate) fn closed_day(line: &mut impl FnMut(String, String), due: (i32, u32, u32)) {
    let last = crate::closed_days::legal_last_day(due.0, due.1, due.2);
    if last.moved() || last.computed {
        line(format!("法定の期限: {}", last.ja()), format!("legal last day: {}", last.en()));
    }
}

fn missing_en(m: rules::Missing) -> String {
    let all: Vec<&str> = [(m.duration, "duration"), (m.services, "services"), (m.users, "user count")].iter().filter(|(on, _)| *on).map(|(_, w)| *w).collect();
    match all.is_empty() {
        true => "monthly users of the service (previous fiscal year's average; --monthly-active-users)".to_string(),
        false => all.join(" and "),
    }
}

/// The missing facts in words: 継続時間、役務と利用者数.
fn missing_ja(m: rules::Missing) -> String {
    let all: Vec<&str> = [(m.duration, "継続時間"), (m.services, "役務"), (m.users, "利用者数")].iter().filter(|(on, _)| *on).map(|(_, w)| *w).collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}と{last}", rest.join("、")),
        Some((last, _)) => last.to_string(),
        None => "前年度の一月当たりの利用者数の平均".to_string(),
    }
}

/// A set as an answer names it: its label, else its id and first day.
fn set_name(s: &rules::Set) -> String {
    match (s.raw.label.is_empty(), s.from) {
        (false, Some(f)) => format!("{}の基準（{}、{}年{}月{}日から）", s.raw.label, s.raw.id, f.year, f.month, f.day),
        (true, Some(f)) => format!("{}（{}年{}月{}日から）", s.raw.id, f.year, f.month, f.day),
        (_, None) => format!("{}（試算）", s.raw.id),
    }
}

/// The least monthly users (previous fiscal year's average) that make
/// the incident major, when they decide it.
fn mau_for_major(r: Rules, i: &Incident) -> Option<u64> {
    rules::least_count(|m| r.judge(&Incident { monthly_active_users: Some(m), ..i.clone() }).major.is_some())
}

/// The routine report's form (報告規則第7条の3), by the form the
/// equipment allows.
fn routine_form(r: Rules, j: &Judgement) -> String {
    let d = &r.book.duty;
    match (j.form, d.form.is_empty()) {
        (_, true) => String::new(),
        (Some("simple"), _) if !d.simple_form.is_empty() => format!("{}（又は{}）", d.simple_form, d.form),
        _ => d.form.clone(),
    }
}

/// Where the major accident's form is named.
fn major_form_source(b: &rules::RuleBook) -> &str {
    b.major_report.source.split('（').next().unwrap_or("")
}

/// Why the incident's services that are in `class` are there (the rules
/// file's reasons).
fn class_reason(r: Rules, s: &rules::Set, i: &Incident, class: Option<u8>) -> Option<String> {
    let c = &s.raw.classes[usize::from(class?) - 1];
    let why: Vec<String> = r.vocab.services_in(i.services).filter_map(|(_, svc)| c.reasons.get(svc.code).map(|w| format!("{}: {w}", svc.label))).collect();
    (!why.is_empty()).then(|| why.join("、"))
}

/// The incident's services whose class the text leaves open, each with
/// what the answer would be in every class it could be in, where they
/// differ, in words.
fn open_classes(r: Rules, s: &'static rules::Set, i: &Incident) -> Vec<(&'static rules::OpenService, String)> {
    r.open_classes(s, i).into_iter().map(|(o, v)| (o, format!("この事故は区分{}", rules::class_verdicts_ja(&v)))).collect()
}

fn iso((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The simplified report's form and items, for a wholesale receiver whose
/// provider's accident was major too, on or after the rule's first day.
fn wholesale_form(r: Rules, a: &Args, i: &Incident) -> Option<(String, String)> {
    let b = r.book;
    let (w, from) = (b.major_report.wholesale.as_ref()?, b.wholesale_from?);
    let receiver = a.wholesale.as_deref().and_then(|v| Vocabularies::of(r.vocab).wholesale.find(v)).is_some_and(|k| r.vocab.wholesale[k].code == "receiver");
    (receiver && a.provider_major && i.started_at >= from).then(|| (w.form.clone(), w.items.clone()))
}

/// Where the answer hangs on a choice the facts or the rules leave open:
/// each a line saying what the other choice would change.
fn caveats(r: Rules, i: &Incident, phases: &[Phase], total: u64, missing: rules::Missing) -> Vec<(String, String)> {
    let b = r.book;
    let mut out = Vec::new();
    let base = |x: &Incident| {
        let j = r.judge(x);
        (j.within_duty, j.major.is_some())
    };
    let now = base(i);
    // Phases: the edition counts the longest; the total may change the duty.
    if phases.len() > 1 && !missing.users && !missing.services {
        let summed = base(&Incident { duration_min: total, ..i.clone() });
        if summed != now {
            let what = match (summed.0 != now.0, summed.1 != now.1) {
                (_, true) => format!("重大な事故に{}", if summed.1 { "該当する" } else { "該当しない" }),
                _ => format!("報告義務が{}", if summed.0 { "ある" } else { "ない" }),
            };
            out.push((
                format!("注意: 継続時間を段階の合計（{}）とすると{what}。jiko は事故発生状況の集計どおり最も長い段階で判定（総務省への確認を推奨）", rules::hours_text(total)),
                format!("caveat: with the phases' total ({total} min) the answer would change; jiko counts the longest phase"),
            ));
        }
    }
    if missing.users {
        if let Some(h) = b.hard_to_count.as_ref().filter(|h| rules::toml_minute(&h.effective_from).is_some_and(|f| i.started_at >= f)) {
            out.push((format!("注: {}", h.note), h.note_en.clone()));
        }
    }
    // A leak after its item ended: say why it is no routine report by its kind.
    let ended = |l: &rules::InfoLeakItem| l.removed().is_some_and(|f| i.started_at >= f);
    if let Some(leak) = b.duty.info_leak_item.as_ref().filter(|l| r.vocab.kind(&l.kind) == Some(i.kind) && ended(l)) {
        out.push((format!("注: {}", leak.note), leak.note_en.clone()));
    }
    out
}

/// The おそれ事態 answer. `started`: when it occurred (an outage's start,
/// or --start alone); `outage`: whether an outage was given.
fn near_miss_answer(lang: crate::lang::Lang, rules: Rules, a: &Args, started: Option<Minute>, outage: bool, major: Tri) -> Result<String> {
    use crate::rules::near_miss;
    let Some(r) = rules.near_miss() else {
        bail!(crate::say!(lang, "these rules have no おそれ事態 ([near_miss])", "この規則ファイルにはおそれ事態（[near_miss]）がありません"));
    };
    let n = &r.raw;
    let mut f = near_miss::Facts { occurred: started, major, no_outage: !outage, ..Default::default() };
    let voc = Vocabularies::of(rules.vocab);
    let exclusions = a.exclusion.join(",");
    let flags = [
        ("--situation", near_miss::Field::Situation, a.situation.as_deref()),
        ("--function", near_miss::Field::Function, a.function.as_deref()),
        ("--carrier-users", near_miss::Field::CarrierUsers, a.carrier_users.as_deref()),
        ("--prefectures", near_miss::Field::Prefectures, a.prefectures.as_deref()),
        ("--known", near_miss::Field::Known, a.known.as_deref()),
        ("--exclusion", near_miss::Field::Exclusions, Some(exclusions.as_str()).filter(|e| !e.is_empty())),
    ];
    for (flag, field, v) in flags {
        if let Some(v) = v {
            records::set_fact(lang, &mut f, &voc, field, v).map_err(|m| anyhow::anyhow!("{flag} {v:?}: {m}"))?;
        }
    }
    records::check_known(lang, &f).map_err(|m| anyhow::anyhow!("--known {:?}: {m}", a.known.as_deref().unwrap_or_default()))?;
    if f.occurred.is_none() && f.known.is_none() {
        bail!(crate::say!(lang, "give --known DATE (the day the situation became known) or --start", "--known（事態を知った日）又は --start を指定してください"));
    }
    let ans = near_miss::judge(rules, &f).expect("the rule is there");
    let mut out = String::new();
    let mut line = |ja: String, en: String| out.push_str(&bilingual(lang, ja, en));
    if !outage {
        line("事故の有無: 停止・品質低下の事実が与えられていない（重大な事故ではないものとして判定）".into(), "no outage given: judged as not a major accident".into());
    }
    for c in &ans.checks {
        let mark = match c.met {
            Tri::Yes => "○",
            Tri::No => "×",
            Tri::Unknown => "？",
        };
        line(format!("  {mark} {}", c.ja), c.en.clone());
    }
    let verdict = match ans.verdict {
        Tri::Yes if !ans.unless.is_empty() => (
            format!("{}: 該当する（{}による報告）。ただし、{}のいずれかに該当する場合を除く", n.short, n.form, ans.unless.join("、")),
            format!(
                "a near-miss situation (おそれ事態): reportable unless one of {} applies (not given{})",
                ans.unless.join(", "),
                rules.vocab.no_exclusion.first().map_or(String::new(), |x| format!("; --exclusion {x} when none does"))
            ),
        ),
        Tri::Yes => (format!("{}: 該当する（{}による報告）", n.short, n.form), "a near-miss situation (おそれ事態): reportable".to_string()),
        Tri::No => (format!("{}: 該当しない", n.short), "not a reportable near-miss situation".to_string()),
        Tri::Unknown => (format!("{}: 不明（？の事実による）", n.short), "near-miss situation: depends on the facts marked ？".to_string()),
    };
    line(verdict.0, verdict.1);
    match (ans.verdict, ans.due, f.known) {
        (Tri::No, _, _) => {}
        (_, Some(due), _) => {
            line(
                format!("期限: 知った後速やかに報告し、報告書（{}）を知った日から{}日以内、{}までに提出", n.form, n.report_days, day(due)),
                format!("deadlines: report without delay once known; the written report within {} days of the day it became known, by {}", n.report_days, iso(due)),
            );
            closed_day(&mut line, due);
        }
        (_, None, None) => line(format!("期限: 知った日から{}日以内（--known で日付を指定）", n.report_days), format!("due within {} days of the day it became known: give --known", n.report_days)),
        _ => {}
    }
    line(format!("根拠: {}", n.source), n.url.clone());
    // The outage's answer said it already, when there was one.
    if let (false, Some(t)) = (outage, f.known.max(f.occurred)) {
        if let Some((ja, en)) = rules.unchecked_note(&t) {
            line(ja, en);
        }
    }
    Ok(out)
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
