//! `jiko draft NOTICE…`: draft records (input contract, CSV) and draft
//! details entries from carriers' notices, one per outage a notice tells
//! of. Only what the notice says is filled; each field says the line it
//! came from, and the rest is listed on stderr for the user to fill. The
//! records always go to stdout (or `--out`), so `> d.csv` keeps them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use crate::lang::Lang;
use crate::rules::Rules;

use crate::draft::{self, Draft, Incident};
use crate::output::sinks::CsvOut;
use crate::records;
use crate::say;

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
    /// Replace existing --out and --details files (never a notice read).
    #[arg(long)]
    pub force: bool,
    /// Also say what the rules make of each draft (as `jiko classify`), on
    /// stderr: stdout keeps the records.
    #[arg(long)]
    pub classify: bool,
}

/// The record columns a draft fills, in the contract's order.
const COLUMNS: &[&str] = &[
    "incident_id", "carrier", "report_form", "started_at", "duration_min", "affected_users", "users_unit", "services", "cause", "equipment", "region",
    "summary", "ended_at", "source",
];

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    // Checked before any notice is read: neither file may be a notice, nor
    // the other file, nor (without --force) anything that exists.
    if let (Some(o), Some(d)) = (&args.out, &args.details) {
        if o == d {
            anyhow::bail!(say!(lang, "--out and --details both name {p}; give two files", "--out と --details が同じ {p} です。別々のファイルを指定してください", p = o.display()));
        }
    }
    for p in args.out.iter().chain(&args.details) {
        crate::output::may_write(lang, p, args.force, &args.notices)?;
    }
    let mut csv = CsvOut::for_programs();
    csv.row(COLUMNS.iter().copied());
    let mut details = String::new();
    let mut ok = true;
    for path in &args.notices {
        let text = read_text(lang, path)?;
        let d = draft::read(lang, &text);
        let name = records::display(path);
        let n = d.incidents.len();
        for (k, inc) in d.incidents.iter().enumerate() {
            let values = record(&d, inc, &name);
            csv.row(values.iter().map(String::as_str));
            let which = if n > 1 { say!(lang, " (outage {k} of {n})", "（{n}件中{k}件目）", k = k + 1, n = n) } else { String::new() };
            eprintln!("{}", say!(lang, "{f}{w}: draft record", "{f}{w}: 記録の下書き", f = name, w = which));
            if !inc.has_period() {
                eprintln!(
                    "  {}",
                    say!(
                        lang,
                        "no period found (no start and end date and time, e.g. 2024年3月25日8時31分～4月25日10時50分, or 発生日時 … / 復旧日時 …)",
                        "障害期間が見つかりません（開始と終了の日時の記載がありません。例:「2024年3月25日8時31分～4月25日10時50分」「発生日時…／復旧日時…」）"
                    )
                );
                ok = false;
            }
            for line in explain(lang, rules, &d, inc, &values) {
                eprintln!("  {line}");
            }
            details += &details_entry(lang, &d, inc, &name);
            if args.classify {
                eprintln!();
                eprint!("{}", classify(lang, rules, inc));
            }
        }
    }
    let bytes = csv.finish();
    match &args.out {
        Some(p) => crate::output::write_atomic(lang, p, &bytes)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes).context("writing to stdout")?;
        }
    }
    match &args.details {
        Some(p) => crate::output::write_atomic(lang, p, details.as_bytes())?,
        None => eprint!("\n{}\n{details}", say!(lang, "# draft details entries (save them with --details FILE):", "# 詳細（別紙）の下書き（--details FILE で保存）:")),
    }
    Ok(ok)
}

/// A notice's text: UTF-8 (a BOM allowed), else CP932.
fn read_text(lang: crate::lang::Lang, path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
            anyhow::ensure!(!bad, say!(lang, "{p}: neither UTF-8 nor CP932", "{p}: UTF-8 でも CP932 でもありません", p = path.display()));
            Ok(text.into_owned())
        }
    }
}

fn stamp(m: &records::Minute) -> String {
    format!("{:04}-{:02}-{:02} {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute)
}

fn day(d: &draft::Day) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// The record's values in `COLUMNS` order: only what the notice says.
fn record(d: &Draft, inc: &Incident, file: &str) -> Vec<String> {
    let count = inc.main_count();
    let one = (inc.phases.len() == 1).then(|| inc.phases[0].end);
    vec![
        String::new(),
        d.carrier.as_ref().map_or(String::new(), |c| c.name.clone()),
        String::new(),
        inc.started_at().map_or(String::new(), |m| stamp(&m)),
        inc.duration_min().map_or(String::new(), |m| m.to_string()),
        count.map_or(String::new(), |c| c.value.to_string()),
        count.map_or(String::new(), |c| c.unit.clone()),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        d.content.lines().next().unwrap_or("").to_string(),
        one.map_or(String::new(), |m| stamp(&m)),
        d.url.clone().unwrap_or_else(|| file.to_string()),
    ]
}

/// Where in the notice a carrier's name was read, in words.
fn how(lang: crate::lang::Lang, h: &str) -> String {
    match h {
        "letterhead" => say!(lang, "letterhead or signature", "レターヘッド・署名"),
        "patronage" => say!(lang, "平素より … をご利用", "「平素より…をご利用」"),
        "opening" => say!(lang, "a company opening a sentence", "文頭の会社名"),
        "subject" => say!(lang, "the subject of a sentence", "文の主語"),
        "operator" => say!(lang, "a known operator the notice names (data/notices.toml)", "お知らせが挙げる既知の事業者名（data/notices.toml）"),
        "failed" => say!(lang, "the name the notice most says failed: check it", "お知らせが最も多く障害を伝える名前（確認してください）"),
        _ => say!(lang, "a service's name", "サービス名"),
    }
}

fn line_of(lang: crate::lang::Lang, n: usize) -> String {
    if n == 0 {
        say!(lang, "the page's address", "ページのアドレス")
    } else {
        say!(lang, "line {n}", "{n}行目", n = n)
    }
}

/// A field's name as the run's language says it: the contract's name, or
/// in Japanese the template's header with the name beside it (the name is
/// what a program and the CSV's header use).
fn field(lang: Lang, name: &str) -> String {
    if !lang.ja() {
        return name.to_string();
    }
    let ja = match name {
        // The two draft-only columns (docs/incidents.md, "Drafting").
        "users_unit" => "単位",
        "source" => "出典",
        _ => records::header::named(name).map_or(name, |c| c.japanese),
    };
    format!("{ja}（{name}）")
}

/// A hinted code with its label in Japanese: `携帯電話（音声）（mobile_voice）`.
fn hinted(lang: Lang, rules: Rules, column: &str, code: &str) -> String {
    let v = rules.vocab;
    let label = match column {
        "services" => v.services.iter().find(|s| s.code == code).map(|s| s.label),
        "cause" => v.causes.iter().find(|c| c.code == code).map(|c| c.label),
        "equipment" => v.equipment.iter().find(|c| c.code == code).map(|c| c.label),
        _ => None,
    };
    match label {
        Some(l) if lang.ja() => format!("{l}（{code}）"),
        _ => code.to_string(),
    }
}

/// Each field: where it came from, or that it is to be filled.
fn explain(lang: crate::lang::Lang, rules: Rules, d: &Draft, inc: &Incident, values: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let f = |name: &str| field(lang, name);
    let mark = |approx: bool| if approx { say!(lang, ", 頃 (approximate)", "、頃（概略）") } else { String::new() };
    match (&inc.phases[..], inc.start_only, inc.days) {
        ([], Some((s, approx)), _) => out.push(say!(
            lang,
            "{fs}: {s} ({l}{m}); the notice states no end: fill {fd} or {fe}",
            "{fs}: {s}（{l}{m}）。終了が書かれていません: {fd}か{fe}を記入してください",
            fs = f("started_at"),
            fd = f("duration_min"),
            fe = f("ended_at"),
            s = stamp(&s),
            l = line_of(lang, inc.line),
            m = mark(approx)
        )),
        ([], None, Some((from, to))) => {
            let len = match inc.stated_minutes {
                Some((m, approx)) => say!(lang, "; its length is stated: {m} min{a}", "。長さの記載: {m}分{a}", m = m, a = if approx { say!(lang, " (約)", "（約）") } else { String::new() }),
                None => say!(lang, "; no length is stated", "。長さの記載はありません"),
            };
            out.push(say!(
                lang,
                "period: the days {a} – {b} without clock times ({l}){len}: fill {fs}",
                "障害期間: {a}～{b}（時刻なし、{l}）{len}。{fs}を記入してください",
                fs = f("started_at"),
                a = day(&from),
                b = day(&to),
                l = line_of(lang, inc.line),
                len = len
            ));
        }
        ([], None, None) => {
            if let Some((m, approx)) = inc.stated_minutes {
                out.push(say!(
                    lang,
                    "period: no day or time; its length is stated: {m} min{a} ({l}): fill {fs}",
                    "障害期間: 日時の記載なし。長さの記載: {m}分{a}（{l}）。{fs}を記入してください",
                    fs = f("started_at"),
                    m = m,
                    a = if approx { say!(lang, " (約)", "（約）") } else { String::new() },
                    l = line_of(lang, inc.line)
                ));
            }
        }
        (phases, _, _) => {
            let list: Vec<String> = phases
                .iter()
                .map(|p| say!(lang, "{s}–{e} ({m} min{a}; {l})", "{s}～{e}（{m}分{a}、{l}）", s = stamp(&p.start), e = stamp(&p.end), m = p.minutes(), a = if p.approximate { "、頃" } else { "" }, l = line_of(lang, p.line)))
                .collect();
            out.push(say!(lang, "period: {p}", "障害期間: {p}", p = list.join(", ")));
            if phases.len() > 1 {
                let total = phases.iter().map(|p| p.minutes()).sum::<u64>();
                out.push(say!(
                    lang,
                    "{n} phases: {fd} is the longest phase (docs/incidents.md); the total is {t} min",
                    "{n}段階: {fd}は最も長い段階（docs/incidents.md）。合計は{t}分",
                    fd = f("duration_min"),
                    n = phases.len(),
                    t = total
                ));
            }
        }
    }
    if inc.year_inferred {
        let from = match &d.page {
            Some(p) => say!(lang, "the page's date {f} ({l})", "ページの日付 {f}（{l}）", f = p.from, l = line_of(lang, p.line)),
            None => say!(lang, "another date of the notice", "お知らせの別の日付"),
        };
        out.push(say!(lang, "year: not written beside the period; taken from {f}: check it", "年: 期間に書かれていないため、{f}から補いました。確認してください", f = from));
    }
    match inc.main_count() {
        Some(c) => {
            let marks: String = [(c.approximate, say!(lang, ", approximate (約)", "、概数（約）")), (c.at_most, say!(lang, ", at most (最大)", "、最大")), (c.at_least, say!(lang, ", at least (以上)", "、以上"))]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, m)| m.as_str())
                .collect();
            let unit = if c.unit.is_empty() { say!(lang, "not written", "記載なし") } else { c.unit.clone() };
            out.push(say!(
                lang,
                "{fu}: {v} from {t:?} ({l}; unit {u}{m})",
                "{fu}: {v}（「{t}」、{l}。単位 {u}{m}）",
                fu = f("affected_users"),
                v = c.value,
                t = c.text,
                l = line_of(lang, c.line),
                u = unit,
                m = marks
            ));
        }
        None => out.push(say!(
            lang,
            "{fu}: not found; fill it (an unknown count stays empty, never 0)",
            "{fu}: 見つかりません。記入してください（不明な数は空欄のまま、0にしません）",
            fu = f("affected_users")
        )),
    }
    let main = inc.main_count();
    for c in inc.counts.iter().filter(|c| Some(*c) != main) {
        match &c.not_users {
            Some(why) => out.push(say!(lang, "  not users: {t:?} ({l}): {w}", "  利用者数ではない数: 「{t}」（{l}）: {w}", t = c.text, l = line_of(lang, c.line), w = why)),
            None => out.push(say!(lang, "  another count: {t:?} ({l})", "  ほかの数: 「{t}」（{l}）", t = c.text, l = line_of(lang, c.line))),
        }
    }
    match (&d.carrier, &d.host) {
        (Some(c), _) => out.push(say!(lang, "{fc}: {n} ({l}, {h})", "{fc}: {n}（{l}、{h}）", fc = f("carrier"), n = c.name, l = line_of(lang, c.line), h = how(lang, c.how))),
        (None, Some(h)) => out.push(say!(lang, "{fc}: not named; the page is on {h}: fill it", "{fc}: 名称の記載がありません（ページは {h}）。記入してください", fc = f("carrier"), h = h)),
        (None, None) => out.push(say!(lang, "{fc}: not named: fill it", "{fc}: 名称の記載がありません。記入してください", fc = f("carrier"))),
    }
    for (col, v) in COLUMNS.iter().zip(values) {
        if !v.is_empty() || matches!(*col, "ended_at" | "affected_users" | "users_unit" | "carrier" | "started_at" | "duration_min" | "source") {
            continue;
        }
        let seen: Vec<String> = d
            .hints
            .iter()
            .filter(|h| h.column == *col)
            .map(|h| say!(lang, "{c} — {w} ({l})", "{c} — {w}（{l}）", c = hinted(lang, rules, col, &h.code), w = h.why, l = line_of(lang, h.line)))
            .collect();
        let hint = match (*col, seen.is_empty()) {
            (_, false) => say!(lang, "; the notice suggests: {c}", "。お知らせからの候補: {c}", c = seen.join(say!(lang, "; ", "／").as_str())),
            ("summary", true) => say!(lang, " (no 障害内容 section found)", "（障害内容の節が見つかりません）"),
            _ => String::new(),
        };
        out.push(say!(lang, "{col}: empty, fill it{hint}", "{col}: 空欄です。記入してください{hint}", col = f(col), hint = hint));
    }
    // The details entry's two sections (docs/details.md), not columns.
    for (name, ja, text) in [("cause", "原因", &d.cause), ("measures", "再発防止策", &d.measures)] {
        if text.is_empty() {
            out.push(say!(lang, "{name} ({ja}): no section found", "{ja}（details の {name}）: 節が見つかりません", name = name, ja = ja));
        }
    }
    out
}

/// A `[[accident]]` entry for a details file.
fn details_entry(lang: Lang, d: &Draft, inc: &Incident, source: &str) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
    let t = |m: &records::Minute| format!("{:04}-{:02}-{:02}T{:02}:{:02}:00", m.year, m.month, m.day, m.hour, m.minute);
    let mut out = say!(lang, "[[accident]]\nid = \"\"  # the record's accident_id\n", "[[accident]]\nid = \"\"  # 記録の事故番号（accident_id）\n");
    let _ = writeln!(out, "source = {}", q(d.url.as_deref().unwrap_or(source)));
    if inc.approximate() {
        out.push_str("started_approximately = true\n");
    }
    if let Some(c) = inc.main_count().filter(|c| c.approximate || c.at_most || c.at_least) {
        let _ = writeln!(out, "users = {}", q(&c.text));
    }
    let _ = writeln!(out, "content = {}", q(&d.content));
    let _ = writeln!(out, "cause = {}", q(&d.cause));
    let phases: Vec<String> = if inc.phases.is_empty() {
        inc.stated_minutes.map(|(m, _)| format!("  {{ minutes = {m} }},")).into_iter().collect()
    } else {
        inc.phases.iter().map(|p| format!("  {{ start = {}, end = {} }},", t(&p.start), t(&p.end))).collect()
    };
    if !phases.is_empty() {
        let _ = writeln!(out, "phases = [\n{}\n]", phases.join("\n"));
    }
    if !d.measures.is_empty() {
        let _ = writeln!(out, "measures = [{{ text = {} }}]", q(&d.measures));
    }
    out.push('\n');
    out
}

/// Today's date, 00:00 JST (the clock is UTC; Japan keeps no summer time).
fn today() -> records::Minute {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64 + 9 * 3600;
    let (year, month, day) = records::civil_from_days(secs.div_euclid(86_400));
    records::Minute { year, month, day, hour: 0, minute: 0 }
}

/// The rules' answer for the draft. Services are never guessed, a count
/// not found stays unknown, and so does a duration with no end and no
/// length: each answer says whether it depends on them. Without a start
/// the rule set, the fiscal year and the deadlines are not known: the
/// answer says so and judges under the rules in force today, labelled as
/// such.
fn classify(lang: crate::lang::Lang, rules: Rules, inc: &Incident) -> String {
    let (started, start_known) = match (inc.started_at(), inc.days) {
        (Some(s), _) => (s, true),
        (None, Some((from, _))) => (records::Minute { year: from.0, month: from.1, day: from.2, hour: 0, minute: 0 }, true),
        (None, None) => match inc.stated_minutes {
            Some(_) => (today(), false),
            None => {
                return say!(
                    lang,
                    "not judged: the notice gives neither a start nor a length (give them to jiko classify --start … --duration …)\n",
                    "判定できません: 開始日時も継続時間も見つかりません（jiko classify --start … --duration … で判定してください）\n"
                )
            }
        },
    };
    let duration = inc.duration_min();
    let incident = crate::rules::Incident {
        started_at: started,
        duration_min: duration.unwrap_or(0),
        users: inc.main_count().map_or(0, |c| c.value),
        services: 0,
        equipment: None,
        facility: 0,
        kind: 0,
        monthly_active_users: None,
    };
    let phases: Vec<super::classify::Phase> = inc.phases.iter().map(|p| (p.start, p.end)).collect();
    let j = rules.judge(&incident).with_gaps(&incident);
    // Services are never guessed; a count, an end or a length not found
    // stays unknown.
    let missing = crate::rules::Missing { users: inc.main_count().is_none(), services: true, duration: duration.is_none(), ..Default::default() };
    let open = rules.judge_open(&incident, missing);
    let answer = super::classify::answer(lang, rules, &incident, &phases, &j, &open, missing, None);
    let mut out = String::new();
    if inc.started_at().is_none() && inc.days.is_some() {
        out += &super::classify::bilingual(lang, "開始日時: 日付のみ（時刻の記載なし。その日の基準で判定）".into(), "start: the day only, no clock time; judged by that day's rules".into());
    }
    if start_known {
        out += &answer;
    } else {
        let id = j.set.map_or("", |s| s.raw.id.as_str());
        out += &super::classify::bilingual(
            lang,
            format!("開始日時: 不明（お知らせには長さのみ）。適用される基準・年度・期限は開始日時で決まるため定まりません。以下は現在の基準（{id}）を当てはめた場合"),
            format!("start: not known, the notice gives a length only; the rule set, fiscal year and deadlines depend on it; judged below under the rules in force today, set {id}, as if they applied"),
        );
        // The year and the deadlines are of the assumed day: left out.
        // The lines of the assumed day (its year, rules, deadlines and how far
        // the rules were checked) are left out.
        let of_the_day = ["年度・", "期限", "法定の期限", "適用される基準", "注意: jiko の規則は"];
        for l in answer.lines().filter(|l| !of_the_day.iter().any(|p| l.starts_with(p))) {
            out += l;
            out.push('\n');
        }
    }
    out += &say!(
        lang,
        "(services are not in the draft: whether it is major needs them; run jiko classify --services … with the same period)\n",
        "（役務は下書きにないため重大な事故かは判定できません。同じ期間で jiko classify --services … を実行してください）\n"
    );
    out
}
