//! The year's incident list: one line per counted report with what the
//! rules said of it (incidents.csv), and which figures each line is behind
//! (`jiko explain`, `--check`).

use crate::families::FigureKey;
use crate::output::sinks::CsvOut;
use crate::records::{Minute, Row};
use crate::rules::{self, Judgement};

/// The columns `classify --input` and incidents.csv write, in order: the
/// judgement first (named as issue 10 fixed them), then the record's facts.
pub const COLUMNS: &[&str] = &[
    "incident_id",
    "fiscal_year",
    "quarter",
    "rules",
    "within_duty",
    "form",
    "major",
    "major_class",
    "major_reason",
    "duration_bin",
    "users_bin",
    "report_due",
    "major_report_due",
    "accident_id",
    "carrier",
    "started_at",
    "duration_min",
    "affected_users",
    "services",
    "cause",
    "equipment",
    "file",
    "line",
    "report_period",
    "major_report_form",
    "near_miss",
    "near_miss_due",
    "notes",
    // Issue 23: what the counting groups by, so the list regroups to every
    // count (docs/figures.md): the carrier as counted (its key: spellings
    // and --carriers made one), kind, critical facility, wholesale role,
    // region as written.
    "carrier_key",
    "kind",
    "facility",
    "wholesale",
    "region",
    // The carrier as the report prints it: the most frequent spelling of
    // its key (after the whole read).
    "carrier_printed",
    // Issue 32: the groups the figures use, so regrouping needs no docs:
    // each service's group and sub-group (in the order of `services`), the
    // cause's group and the equipment's group (data/rules/mic.toml).
    "service_groups",
    "service_subgroups",
    "cause_group",
    "equipment_group",
    // Issue 30: each due day as the law counts it. The columns above give
    // the period's end; these give the legal last day, the next open day
    // when the end is a 行政機関の休日 (行政機関の休日に関する法律第2条).
    "report_due_legal",
    "major_report_due_legal",
    "near_miss_due_legal",
    // The last day in force of the law's texts the rules were checked
    // against, on a line whose report started after it (else empty).
    "rules_checked_through",
];

/// The legal last day of a period ending on `due` (行政機関の休日に関する
/// 法律第2条). A list's lines share a few due days (one per period), so
/// the last few answers are kept.
pub(crate) fn legal_day(due: (i32, u32, u32)) -> (i32, u32, u32) {
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<((i32, u32, u32), (i32, u32, u32))>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some((_, last)) = seen.iter().find(|(d, _)| *d == due) {
            return *last;
        }
        let last = crate::closed_days::legal_last_day(due.0, due.1, due.2).last.ymd();
        if seen.len() >= 8 {
            seen.remove(0);
        }
        seen.push((due, last));
        last
    })
}

/// One report and its judgement.
#[derive(Debug, Clone)]
pub struct IncidentLine {
    pub file_index: usize,
    pub file: String,
    pub line: u64,
    pub incident_id: String,
    pub accident_id: String,
    pub carrier: String,
    pub started_at: Minute,
    pub duration_min: u64,
    pub affected_users: u64,
    pub services: u32,
    pub cause: usize,
    pub equipment: Option<usize>,
    pub detailed: bool,
    pub dbin: usize,
    pub ubin: usize,
    pub judgement: Judgement,
    pub wholesale: usize,
    /// Set when the count is not known (`classify --input`): the answers
    /// with the count left open.
    pub open: Option<rules::Open>,
    /// Services whose class the text leaves open and under which the
    /// verdict differs (mvno, local_5g from 2026): major is then unknown.
    pub open_classes: Vec<(&'static rules::OpenService, Vec<(u8, bool)>)>,
    pub near_miss: Option<rules::near_miss::Answer>,
    /// The carrier's key as counted (`records::normalize::carrier_key` of
    /// the spelling, or of the name `--carriers` gives it).
    pub carrier_key: String,
    pub kind: usize,
    pub facility: usize,
    pub region: String,
    /// The carrier as the report prints it (known once every record is read).
    pub carrier_printed: String,
    /// A wholesale receiver's major whose provider's accident was major
    /// too: the simplified report (known once every record is read).
    pub simplified: bool,
    /// The rules that judged it.
    pub rules: rules::Rules,
    /// The language of its notes (`classify --input --lang ja`).
    pub lang: crate::lang::Lang,
}

/// The strings of a line written, kept for the next (`IncidentLine::of_in`).
#[derive(Default)]
pub(crate) struct Spare {
    file: String,
    incident_id: String,
    accident_id: String,
    carrier: String,
    region: String,
    carrier_key: String,
    carrier_printed: String,
}

/// `s` holding `v`, in its own room.
pub(crate) fn reuse(mut s: String, v: &str) -> String {
    s.clear();
    s.push_str(v);
    s
}

impl IncidentLine {
    pub fn of(rules: rules::Rules, row: &Row, file: &str, dbin: usize, ubin: usize) -> IncidentLine {
        IncidentLine::of_in(Spare::default(), rules, row, file, dbin, ubin)
    }

    /// `of`, with its text in `spare`'s strings: a list of millions of
    /// lines reuses one line's room instead of allocating per line.
    pub(crate) fn of_in(spare: Spare, rules: rules::Rules, row: &Row, file: &str, dbin: usize, ubin: usize) -> IncidentLine {
        let Spare { file: f, incident_id, accident_id, carrier, region, carrier_key, carrier_printed } = spare;
        IncidentLine {
            file_index: row.file,
            file: reuse(f, file),
            line: row.line,
            incident_id: reuse(incident_id, row.incident_id),
            accident_id: reuse(accident_id, row.accident_id),
            carrier: reuse(carrier, row.carrier),
            started_at: row.started_at,
            duration_min: row.duration_min,
            affected_users: row.affected_users,
            services: row.services,
            cause: row.cause,
            equipment: row.equipment,
            detailed: row.detailed,
            dbin,
            ubin,
            judgement: rules.judge(&row.incident()),
            wholesale: row.wholesale,
            open: None,
            open_classes: Vec::new(),
            near_miss: None,
            // Filled by the caller: aggregate knows the spelling's key already.
            carrier_key: reuse(carrier_key, ""),
            kind: row.kind,
            facility: row.facility,
            region: reuse(region, row.region),
            carrier_printed: reuse(carrier_printed, ""),
            simplified: false,
            lang: crate::lang::Lang::En,
            rules,
        }
        .with_open_facts(row)
    }

    /// The line's strings, for the next line (`of_in`).
    pub(crate) fn into_spare(self) -> Spare {
        let IncidentLine { file, incident_id, accident_id, carrier, region, carrier_key, carrier_printed, .. } = self;
        Spare { file, incident_id, accident_id, carrier, region, carrier_key, carrier_printed }
    }

    /// The answers that need more than the counting does: a count not
    /// known yet, and the おそれ事態 columns. Rare, so kept off the common path.
    fn with_open_facts(mut self, row: &Row) -> IncidentLine {
        // A class that hangs on the service's monthly users (四, 2026) when
        // the row does not give them: the answer depends on them.
        let mau = row.monthly_active_users.is_none() && self.judgement.set.is_some_and(|s| s.conditional.iter().any(|c| c.services & row.services != 0));
        if !row.users_known || mau || !row.duration_known {
            let missing = rules::Missing { users: !row.users_known, mau, duration: !row.duration_known, ..Default::default() };
            self.open = Some(self.rules.judge_open(&row.incident(), missing));
        }
        // A service the text leaves in one of several classes, as
        // `classify` answers it (with the count known).
        if let Some(s) = self.judgement.set.filter(|s| !s.raw.open.is_empty() && row.users_known && row.duration_known) {
            self.open_classes = self.rules.open_classes(s, &row.incident());
        }
        if let Some(facts) = &row.near_miss {
            let mut f = (**facts).clone();
            f.major = self.major_tri();
            self.near_miss = rules::near_miss::judge(self.rules, &f);
        }
        self
    }

    pub(crate) fn within_duty_tri(&self) -> rules::Tri {
        self.open.as_ref().map_or(rules::Tri::from_bool(self.judgement.within_duty), |o| o.within_duty)
    }

    pub(crate) fn major_tri(&self) -> rules::Tri {
        if !self.open_classes.is_empty() {
            return rules::Tri::Unknown;
        }
        self.open.as_ref().map_or(rules::Tri::from_bool(self.judgement.major.is_some()), |o| o.major)
    }

    /// A wholesale receiver's major accident on or after the simplified
    /// report's first day: its form turns on whether the provider's
    /// accident was major too (known once every record is read).
    pub(crate) fn receiver_major(&self) -> bool {
        self.rules.vocab.wholesale.get(self.wholesale).is_some_and(|w| w.code == "receiver")
            && self.major_tri() != rules::Tri::No
            && self.rules.book.wholesale_from.is_some_and(|f| self.started_at >= f)
    }

    /// A wholesale provider's major accident: its receivers' reports may
    /// be simplified.
    pub(crate) fn provider_major(&self) -> bool {
        self.rules.vocab.wholesale.get(self.wholesale).is_some_and(|w| w.code == "provider") && self.major_tri() == rules::Tri::Yes
    }

    /// A row as read, binned as aggregate bins it.
    pub fn from_row(rules: rules::Rules, row: &Row, file: &str) -> IncidentLine {
        let (dbin, ubin) = rules.per_row.cell(row.duration_min, row.affected_users, row.kind);
        let mut l = IncidentLine::of(rules, row, file, dbin, ubin);
        l.carrier_key = crate::records::normalize::carrier_key(row.carrier);
        l
    }

    pub fn duration_bin(&self) -> &'static str {
        self.rules.vocab.duration_bins.get(self.dbin).map_or("info_leak", |b| b.code)
    }
    pub fn users_bin(&self) -> &'static str {
        self.rules.vocab.user_bins[self.ubin].code
    }
    pub fn form(&self) -> &'static str {
        self.rules.vocab.forms[usize::from(!self.detailed)].code
    }
    pub fn major(&self) -> bool {
        self.judgement.major.is_some()
    }
    pub(crate) fn service_codes(&self) -> Vec<&'static str> {
        self.rules.vocab.services_in(self.services).map(|(_, s)| s.code).collect()
    }

    /// The line's values in `COLUMNS` order.
    pub fn values(&self) -> Vec<String> {
        let mut out = Strings(Vec::with_capacity(COLUMNS.len()));
        self.each_value(&mut out);
        out.0
    }

    /// Each value in `COLUMNS` order, handed to `out`: numbers and days
    /// are written in place as bytes, so a list of millions of lines
    /// allocates only for the rare columns (reasons, notes).
    pub(crate) fn each_value(&self, out: &mut impl Cells) {
        let j = &self.judgement;
        let (b, v) = (self.rules.book, self.rules.vocab);
        let (within, major_tri) = (self.within_duty_tri(), self.major_tri());
        // With the count open, the deadlines that would apply either way.
        let (routine_due, major_due) = match &self.open {
            None if !self.open_classes.is_empty() => (j.report_due, Some(self.rules.major_written_due(&self.started_at))),
            None => (j.report_due, j.major_report_due),
            Some(o) => (if o.least.major.is_none() && o.most.within_duty { j.period_due } else { None }, o.most.major_report_due),
        };
        // With the count open, `j` is the judgement at no users: major only
        // when no count could make it otherwise.
        let major = j.major.as_ref().filter(|_| major_tri == rules::Tri::Yes);
        let near = self.near_miss.as_ref();
        out.text(&self.incident_id);
        out.with(|o| push_int(o, i64::from(j.fiscal_year)));
        out.with(|o| j.quarter.into_iter().for_each(|q| push_uint(o, u64::from(q))));
        out.text(j.set.map_or("", |s| s.id()));
        out.plain(within.code());
        out.plain(if within != rules::Tri::No { self.form() } else { "" });
        out.plain(major_tri.code());
        out.with(|o| major.and_then(|m| m.class).into_iter().for_each(|c| push_uint(o, u64::from(c))));
        out.text(&major.map_or(String::new(), |m| reason(m, j.set)));
        let length_open = self.open.as_ref().is_some_and(|o| o.missing.duration);
        out.plain(if length_open { "" } else { self.duration_bin() });
        let count_open = self.open.as_ref().is_some_and(|o| o.missing.users);
        out.plain(if count_open { "" } else { self.users_bin() });
        out.with(|o| routine_due.into_iter().for_each(|d| push_day(o, d)));
        out.with(|o| major_due.into_iter().for_each(|d| push_day(o, d)));
        out.text(&self.accident_id);
        out.text(&self.carrier);
        out.with(|o| push_minute(o, &self.started_at));
        out.with(|o| if !length_open { push_uint(o, self.duration_min) });
        out.with(|o| if !count_open { push_uint(o, self.affected_users) });
        out.with(|o| push_codes(o, v.services_in(self.services).map(|(_, s)| s.code)));
        out.plain(v.causes[self.cause].code);
        out.plain(self.equipment.map_or("", |e| v.equipment[e].code));
        out.text(&self.file);
        out.with(|o| push_uint(o, self.line));
        out.with(|o| push_period(o, j.fiscal_year, j.quarter));
        out.text(match (major_tri, &b.major_report.wholesale) {
            (rules::Tri::No, _) => "",
            (_, Some(w)) if self.simplified => w.form.as_str(),
            _ => b.major_report.form.as_str(),
        });
        out.plain(near.map_or("", |n| n.verdict.code()));
        out.with(|o| near.and_then(|x| x.due).into_iter().for_each(|d| push_day(o, d)));
        let mut notes = Vec::new();
        let ja = self.lang.ja();
        if let Some(o) = &self.open {
            notes.push(open_note(o, j, self.services, ja));
        }
        for (o, v) in &self.open_classes {
            let label = self.rules.vocab.service(&o.service).map_or(o.service.as_str(), |(_, s)| s.label);
            notes.push(if ja {
                format!("{label}: 役務の区分による（{}。{}）", rules::class_verdicts_ja(v), o.note)
            } else {
                format!("{}: depends on its class ({}); {}", o.service, rules::class_verdicts_en(v), o.note_en)
            });
        }
        if let Some(x) = near.filter(|x| x.verdict == rules::Tri::Unknown) {
            let open: Vec<&str> = x.checks.iter().filter(|c| c.met == rules::Tri::Unknown).map(|c| if ja { c.ja.as_str() } else { c.en.as_str() }).collect();
            notes.push(if ja { format!("おそれ事態: {}", open.join("、")) } else { format!("near miss: {}", open.join("; ")) });
        }
        // An exclusion not given: reportable only unless it applies.
        if let Some(x) = near.filter(|x| x.verdict == rules::Tri::Yes && !x.unless.is_empty()) {
            notes.push(if ja {
                format!("おそれ事態: {}のいずれかに該当しない限り報告対象（除外事由の記載なし）", x.unless.join("、"))
            } else {
                format!("near miss: reportable unless one of {} applies (exclusions not given)", x.unless.join(", "))
            });
        }
        if let Some(x) = near.filter(|x| x.verdict == rules::Tri::No) {
            let why: Vec<&str> = x.checks.iter().filter(|c| c.met == rules::Tri::No).map(|c| if ja { c.ja.as_str() } else { c.en.as_str() }).collect();
            notes.push(if ja { format!("おそれ事態に該当しない: {}", why.join("、")) } else { format!("near miss: not one: {}", why.join("; ")) });
        }
        if near.is_some_and(|x| x.no_outage) {
            notes.push(if ja {
                "停止・品質低下のないおそれ事態（継続時間と利用者数が空欄）: 停止なしとして判定".to_string()
            } else {
                "near miss without an outage (duration and users empty): judged as no outage".to_string()
            });
        }
        out.text(&notes.join(" / "));
        out.text(&self.carrier_key);
        out.plain(v.kinds.get(self.kind).map_or("", |k| k.code));
        out.plain(v.facilities.get(self.facility).map_or("", |x| x.code));
        out.plain(v.wholesale.get(self.wholesale).map_or("", |w| w.code));
        out.text(&self.region);
        out.text(&self.carrier_printed);
        out.with(|o| push_codes(o, v.services_in(self.services).map(|(_, s)| s.group)));
        out.with(|o| push_codes(o, v.services_in(self.services).map(|(_, s)| s.sub)));
        out.plain(v.causes[self.cause].group);
        out.plain(self.equipment.map_or("", |e| v.equipment[e].group));
        out.with(|o| routine_due.into_iter().for_each(|d| push_day(o, legal_day(d))));
        out.with(|o| major_due.into_iter().for_each(|d| push_day(o, legal_day(d))));
        out.with(|o| near.and_then(|x| x.due).into_iter().for_each(|d| push_day(o, legal_day(d))));
        out.with(|o| {
            if let Some(c) = self.rules.checked_before(&self.started_at) {
                push_day(o, (c.year, c.month, c.day));
            }
        });
    }

    /// How many times this report counts in figure `f`: for a family of
    /// the tally, the cells it added to among the figure's (only a
    /// detailed report adds any, as in the count; a service figure counts
    /// a report once per service in it); otherwise 1 when it is behind the
    /// figure, else 0.
    pub fn weight(&self, f: &FigureKey, accident_no: Option<usize>) -> u64 {
        match &f.cells {
            Some(cells) => {
                let mut n = 0;
                if self.detailed {
                    crate::families::report_cells(self.rules.vocab, self.dbin, self.ubin, self.cause, self.equipment, self.services, |c| n += u64::from(cells.contains(&c)));
                }
                n
            }
            None => u64::from(self.behind_alone(f.table, f.row, f.column, accident_no)),
        }
    }

    /// Whether this report is counted in figure `f` (`accident_no`: its
    /// accident's No. in the year, when major).
    pub fn behind(&self, f: &FigureKey, accident_no: Option<usize>) -> bool {
        self.weight(f, accident_no) > 0
    }

    /// The families of their own: accidents, the forms, the files.
    fn behind_alone(&self, table: &str, row: &str, column: &str, accident_no: Option<usize>) -> bool {
        match table {
            "summary" => match row {
                "major" => accident_no.is_some(),
                "detailed" => self.detailed,
                "simple" => !self.detailed,
                _ => false,
            },
            "headline" => row == "major" && accident_no.is_some(),
            "matrix_major" => accident_no.is_some() && row == self.duration_bin() && column == self.users_bin(),
            "major" => accident_no.is_some_and(|n| n.to_string() == row),
            "major_trend" => accident_no.is_some() && row == self.judgement.fiscal_year.to_string(),
            // A file's counted rows are the year's reports read from it.
            "rows" => column == "counted" && (row == "total" || row == self.file),
            _ => false,
        }
    }
}

/// What a figure of a family counts: reports, a report's services in the
/// group (a report with several counts once per service), or distinct
/// carriers. Beside `behind`: a family's filter and its measure are read
/// in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Reports,
    ServiceCounts,
    Carriers,
    /// Rows of a file that were not counted (other years, outside the
    /// duty, rejected) or all it holds: the reading's own account.
    FileRows,
}

impl Measure {
    pub fn of(table: &str, column: &str) -> Measure {
        match (table, column) {
            (t, "count") if t == "service" || t.starts_with("service_") => Measure::ServiceCounts,
            (_, "carriers") => Measure::Carriers,
            ("rows", c) if c != "counted" => Measure::FileRows,
            _ => Measure::Reports,
        }
    }
}

/// What a count left open does to the answers, for the notes column: the
/// affected users, or the service's monthly users that a class hangs on.
fn open_note(o: &rules::Open, j: &Judgement, services: u32, ja: bool) -> String {
    let mut parts = Vec::new();
    if o.missing.duration {
        parts.push(if ja { "継続時間（duration_min）が不明（継続中又は復旧日時が未記載）" } else { "duration_min not known (still going on, or no 復旧日時)" }.to_string());
    }
    if o.missing.users {
        parts.push(if ja { "影響利用者数（affected_users）が不明" } else { "affected_users not known" }.to_string());
        if let Some(u) = o.users_for_duty {
            parts.push(if ja { format!("{u}人以上で{}の対象", j.duty_name()) } else { format!("within the {} duty from {u} users", j.duty_name()) });
        }
        if let Some(u) = o.users_for_major {
            parts.push(if ja { format!("{u}人以上で重大な事故") } else { format!("major from {u} users") });
        }
    }
    if o.missing.mau {
        let c = j.set.and_then(|s| s.conditional.iter().find(|c| c.services & services != 0));
        let (class, min) = c.map_or((0, 0), |c| (c.class, c.min_monthly_active_users));
        let k = rules::kanji_number(usize::from(class));
        // With the count known, say what the monthly users decide.
        let decides = match (o.missing.users, o.major) {
            (true, _) | (false, rules::Tri::No) => "",
            (false, rules::Tri::Unknown) => if ja { "、それ以上なら重大な事故" } else { "; major if they reach it" },
            (false, rules::Tri::Yes) => if ja { "、区分はそれ未満として判定" } else { "; the class given is the one below it" },
        };
        parts.push(if ja {
            format!("月間アクティブ利用者数（monthly_active_users）が不明: {k}の区分は前年度の月平均{}以上{decides}", rules::man(min))
        } else {
            format!("monthly_active_users not known: class {class} from {min} (the previous fiscal year's monthly average){decides}")
        });
    }
    parts.join(if ja { "、" } else { "; " })
}

/// How the threshold was met, as the edition words thresholds.
pub fn reason(m: &rules::MajorHit, set: Option<&rules::Set>) -> String {
    match &m.threshold {
        Some(t) => rules::thresholds_text(std::slice::from_ref(t)),
        None => {
            let d = set.and_then(|s| s.raw.facility_min_duration).unwrap_or(0);
            format!("重要設備の全断{}以上", rules::hours_text(d))
        }
    }
}

/// The list written once: the files read again after the count (so every
/// line knows what the whole read settled: printed spellings, providers'
/// majors), each line made by `make` (`None`: not listed) and written in
/// input order straight into a temporary file beside the output, hashed
/// as it goes. Memory stays flat however long the list: each worker hands
/// its lines over in chunks, and a line is written once no worker can
/// still send an earlier one (`output::ordered`).
pub fn write_list<F>(files: &[std::path::PathBuf], opts: &crate::records::ReadOptions, for_people: bool, make: F) -> anyhow::Result<(crate::output::Spooled, crate::records::ReadReport)>
where
    F: Fn(&Row) -> Option<IncidentLine> + Sync,
{
    let lang = opts.lang;
    let (path, f) = crate::output::temp_file(lang, "incidents")?;
    // Removed on any error below (Spooled's drop).
    let mut spooled = crate::output::Spooled { path, sha256: String::new() };
    let (shared, senders) = crate::output::ordered::Ordered::new(f, &list_head(for_people), crate::records::worker_count());
    let make = &make;
    let report = {
        let mut sinks: Vec<_> = senders
            .into_iter()
            .map(|mut tx| {
                move |row: &Row| {
                    let key = list_key(row);
                    tx.passed(key);
                    if let Some(line) = make(row) {
                        tx.line(key, |buf| line.write_csv(buf));
                    }
                }
            })
            .collect();
        crate::records::read_files_in_parallel(files, opts, &mut sinks)?
    };
    spooled.sha256 = shared.finish().map_err(|e| anyhow::Error::new(e).context("writing the incident list"))?;
    Ok((spooled, report))
}

/// A second read saw the bytes of the first (SHA-256 per file): the list
/// and what the first read settled come from the same inputs.
pub(crate) fn same_inputs(lang: crate::lang::Lang, first: &crate::records::ReadReport, second: &crate::records::ReadReport) -> anyhow::Result<()> {
    for (a, b) in first.files.iter().zip(&second.files) {
        anyhow::ensure!(a.sha256 == b.sha256, "{}", crate::say!(lang, "{p} changed while it was read; run again", "{p} は読み込み中に変更されました。実行し直してください", p = a.path));
    }
    Ok(())
}

/// The list's order: a row's file, then its line (lines of one file stay
/// below 2^40).
pub(crate) fn list_key(row: &Row) -> u64 {
    (row.file as u64) << 40 | row.line
}

/// The list's header (with a BOM for people: Excel in Japan reads it so).
pub(crate) fn list_head(for_people: bool) -> Vec<u8> {
    let mut head = if for_people { CsvOut::for_people() } else { CsvOut::for_programs() };
    head.row(COLUMNS.iter().copied());
    head.finish()
}

impl IncidentLine {
    /// The line as a CSV record (guarded cells, LF end) onto `out`.
    pub(crate) fn write_csv(&self, out: &mut Vec<u8>) {
        let mut line = CsvLine { out, first: true };
        self.each_value(&mut line);
        line.out.push(b'\n');
    }
}

/// Where a line's values go, in `COLUMNS` order: a CSV record or strings.
pub(crate) trait Cells {
    /// A code: plain by the rules' check, never guarded or quoted.
    fn plain(&mut self, v: &str);
    /// Text from the input or the rules: the CSV guards and quotes it.
    fn text(&mut self, v: &str);
    /// A number or day written in place by `put` (ASCII, plain).
    fn with(&mut self, put: impl FnOnce(&mut Vec<u8>));
}

struct CsvLine<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl CsvLine<'_> {
    #[inline]
    fn next(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
    }
}

impl Cells for CsvLine<'_> {
    #[inline]
    fn plain(&mut self, v: &str) {
        self.next();
        self.out.extend_from_slice(v.as_bytes());
    }
    #[inline]
    fn text(&mut self, v: &str) {
        self.next();
        match crate::output::sinks::guard_cell(v) {
            std::borrow::Cow::Borrowed(v) => csv_field(self.out, v),
            std::borrow::Cow::Owned(v) => csv_field(self.out, &v),
        }
    }
    #[inline]
    fn with(&mut self, put: impl FnOnce(&mut Vec<u8>)) {
        self.next();
        put(self.out);
    }
}

/// The values as strings (`IncidentLine::values`).
struct Strings(Vec<String>);

impl Cells for Strings {
    fn plain(&mut self, v: &str) {
        self.0.push(v.to_string());
    }
    fn text(&mut self, v: &str) {
        self.0.push(v.to_string());
    }
    fn with(&mut self, put: impl FnOnce(&mut Vec<u8>)) {
        let mut b = Vec::new();
        put(&mut b);
        self.0.push(String::from_utf8(b).expect("numbers and days are ASCII"));
    }
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

/// A number in decimal, as `Display` writes it (by hand: this runs for
/// every number of every line of the list).
#[inline]
fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[inline]
fn push_two(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&[b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]);
}

/// `YYYY-MM-DD` (a year of four digits or more, as `{y:04}` writes it).
fn push_day(out: &mut Vec<u8>, (y, m, d): (i32, u32, u32)) {
    if (0..10_000).contains(&y) {
        let y = y as u32;
        push_two(out, y / 100);
        push_two(out, y % 100);
    } else {
        out.extend_from_slice(format!("{y:04}").as_bytes());
    }
    out.push(b'-');
    push_two(out, m);
    out.push(b'-');
    push_two(out, d);
}

/// `YYYY-MM-DDTHH:MM`.
fn push_minute(out: &mut Vec<u8>, t: &Minute) {
    push_day(out, (t.year, t.month, t.day));
    out.push(b'T');
    push_two(out, t.hour);
    out.push(b':');
    push_two(out, t.minute);
}

/// The report period: `FY2024Q4`, or `FY2025` when the report is yearly.
fn push_period(out: &mut Vec<u8>, fy: i32, quarter: Option<u8>) {
    out.extend_from_slice(b"FY");
    push_int(out, i64::from(fy));
    if let Some(q) = quarter {
        out.push(b'Q');
        push_uint(out, u64::from(q));
    }
}

/// Codes joined by `;`.
fn push_codes<'a>(out: &mut Vec<u8>, codes: impl Iterator<Item = &'a str>) {
    for (i, c) in codes.enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(c.as_bytes());
    }
}

/// Bytes that make a field quoted.
const QUOTED: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// A CSV field as the csv crate writes it: quoted when it holds a comma,
/// a quote or a line break, quotes doubled. Written here rather than with
/// the csv crate (or csv_core) per line: that costs 3 s more over 10 M
/// reports (README, Decisions); `spool_tests` holds it to the csv crate.
fn csv_field(out: &mut Vec<u8>, v: &str) {
    if v.bytes().any(|b| QUOTED[usize::from(b)]) {
        out.push(b'"');
        for b in v.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(v.as_bytes());
    }
}

#[cfg(test)]
mod csv_tests {
    /// The spool's quoting is the csv crate's: a record written field by
    /// field here equals the csv crate's writer on the same values.
    #[test]
    fn a_spooled_line_is_what_the_csv_crate_writes() {
        let values = ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rend", "", "\"", "末尾,", &"x".repeat(3000)];
        let mut got = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                got.push(b',');
            }
            super::csv_field(&mut got, v);
        }
        got.push(b'\n');
        let mut want = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        want.write_record(values).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want.into_inner().unwrap()).unwrap());
    }
}
