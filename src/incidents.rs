//! The year's incident list: one line per counted report with what the
//! rules said of it (incidents.csv), and which figures each line is behind
//! (`jiko explain`, `--check`).

use std::borrow::Cow;
use crate::rules::{equipment_unknown, info_leak_row};
use crate::output::sinks::CsvOut;
use crate::records::{Minute, Row};
use crate::rules::{self, Judgement, DURATION_BINS, USER_BINS};
use crate::rules::taxonomy::{self, CAUSES, EQUIPMENT, FORMS, SERVICES};

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
];

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
    pub near_miss: Option<rules::near_miss::Answer>,
    /// The carrier's key as counted (`records::normalize::carrier_key` of
    /// the spelling, or of the name `--carriers` gives it).
    pub carrier_key: String,
    pub kind: usize,
    pub facility: usize,
    pub region: String,
}

impl IncidentLine {
    pub fn of(row: &Row, file: &str, dbin: usize, ubin: usize) -> IncidentLine {
        IncidentLine {
            file_index: row.file,
            file: file.to_string(),
            line: row.line,
            incident_id: row.incident_id.to_string(),
            accident_id: row.accident_id.to_string(),
            carrier: row.carrier.to_string(),
            started_at: row.started_at,
            duration_min: row.duration_min,
            affected_users: row.affected_users,
            services: row.services,
            cause: row.cause,
            equipment: row.equipment,
            detailed: row.detailed,
            dbin,
            ubin,
            judgement: rules::judge(&row.incident()),
            wholesale: row.wholesale,
            open: None,
            near_miss: None,
            // Filled by the caller: aggregate knows the spelling's key already.
            carrier_key: String::new(),
            kind: row.kind,
            facility: row.facility,
            region: row.region.to_string(),
        }
        .with_open_facts(row)
    }

    /// The answers that need more than the counting does: a count not
    /// known yet, and the おそれ事態 columns. Rare, so kept off the common path.
    fn with_open_facts(mut self, row: &Row) -> IncidentLine {
        if !row.users_known {
            self.open = Some(rules::judge_open(&row.incident(), rules::Missing { users: true, services: false }));
        }
        if let Some(facts) = &row.near_miss {
            let mut f = (**facts).clone();
            f.major = self.major_tri();
            self.near_miss = rules::near_miss::judge(&f);
        }
        self
    }

    pub fn within_duty_tri(&self) -> rules::Tri {
        self.open.as_ref().map_or(rules::Tri::from_bool(self.judgement.within_duty), |o| o.within_duty)
    }

    pub fn major_tri(&self) -> rules::Tri {
        self.open.as_ref().map_or(rules::Tri::from_bool(self.judgement.major.is_some()), |o| o.major)
    }

    /// A wholesale receiver's major accident on or after the simplified
    /// report's first day: its form turns on whether the provider's
    /// accident was major too (known once every record is read).
    pub fn receiver_major(&self) -> bool {
        taxonomy::WHOLESALE.get(self.wholesale).is_some_and(|w| w.code == "receiver")
            && self.major_tri() != rules::Tri::No
            && rules::book().wholesale_from.is_some_and(|f| self.started_at >= f)
    }

    /// A wholesale provider's major accident: its receivers' reports may
    /// be simplified.
    pub fn provider_major(&self) -> bool {
        taxonomy::WHOLESALE.get(self.wholesale).is_some_and(|w| w.code == "provider") && self.major_tri() == rules::Tri::Yes
    }

    /// A row as read, binned as aggregate bins it.
    pub fn from_row(row: &Row, file: &str) -> IncidentLine {
        let (dbin, ubin) = rules::per_row().cell(row.duration_min, row.affected_users, row.kind);
        let mut l = IncidentLine::of(row, file, dbin, ubin);
        l.carrier_key = crate::records::normalize::carrier_key(row.carrier);
        l
    }

    pub fn duration_bin(&self) -> &'static str {
        DURATION_BINS.get(self.dbin).map_or("info_leak", |b| b.code)
    }
    pub fn users_bin(&self) -> &'static str {
        USER_BINS[self.ubin].code
    }
    pub fn form(&self) -> &'static str {
        FORMS[usize::from(!self.detailed)].code
    }
    pub fn major(&self) -> bool {
        self.judgement.major.is_some()
    }
    pub fn service_codes(&self) -> Vec<&'static str> {
        SERVICES.iter().enumerate().filter(|(i, _)| self.services & (1 << i) != 0).map(|(_, s)| s.code).collect()
    }

    /// The line's values in `COLUMNS` order.
    /// The line's values in `COLUMNS` order, borrowed where they can be:
    /// a list of millions of lines allocates only what it formats.
    pub fn values(&self) -> Vec<Cow<'_, str>> {
        let j = &self.judgement;
        let day = |d: Option<(i32, u32, u32)>| d.map_or(String::new(), |(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        let b = rules::book();
        let (within, major_tri) = (self.within_duty_tri(), self.major_tri());
        // With the count open, the deadlines that would apply either way.
        let (routine_due, major_due) = match &self.open {
            None => (j.report_due, j.major_report_due),
            Some(o) => (if o.least.major.is_none() && o.most.within_duty { j.period_due } else { None }, o.most.major_report_due),
        };
        // With the count open, `j` is the judgement at no users: major only
        // when no count could make it otherwise.
        let major = j.major.as_ref().filter(|_| major_tri == rules::Tri::Yes);
        let mut notes = Vec::new();
        if let Some(o) = &self.open {
            notes.push(open_note(o, j));
        }
        let near = self.near_miss.as_ref();
        if let Some(n) = near.filter(|n| n.verdict == rules::Tri::Unknown) {
            let open: Vec<&str> = n.checks.iter().filter(|c| c.met == rules::Tri::Unknown).map(|c| c.en.as_str()).collect();
            notes.push(format!("near miss: {}", open.join("; ")));
        }
        vec![
            Cow::Borrowed(&self.incident_id),
            Cow::Owned(j.fiscal_year.to_string()),
            j.quarter.map_or(Cow::Borrowed(""), |q| Cow::Owned(q.to_string())),
            j.set.map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.id())),
            Cow::Borrowed(within.code()),
            if within != rules::Tri::No { Cow::Borrowed(self.form()) } else { Cow::Borrowed("") },
            Cow::Borrowed(major_tri.code()),
            major.and_then(|m| m.class).map_or(Cow::Borrowed(""), |c| Cow::Owned(c.to_string())),
            Cow::Owned(major.map_or(String::new(), |m| reason(m, j.set))),
            Cow::Borrowed(self.duration_bin()),
            if self.open.is_some() { Cow::Borrowed("") } else { Cow::Borrowed(self.users_bin()) },
            Cow::Owned(day(routine_due)),
            Cow::Owned(day(major_due)),
            Cow::Borrowed(&self.accident_id),
            Cow::Borrowed(&self.carrier),
            Cow::Owned(self.started_at.to_string()),
            Cow::Owned(self.duration_min.to_string()),
            if self.open.is_some() { Cow::Borrowed("") } else { Cow::Owned(self.affected_users.to_string()) },
            Cow::Owned(self.service_codes().join(";")),
            Cow::Borrowed(CAUSES[self.cause].code),
            self.equipment.map_or(Cow::Borrowed(""), |e| Cow::Borrowed(EQUIPMENT[e].code)),
            Cow::Borrowed(&self.file),
            Cow::Owned(self.line.to_string()),
            Cow::Owned(j.period_label()),
            if major_tri != rules::Tri::No { Cow::Borrowed(b.major_report.form.as_str()) } else { Cow::Borrowed("") },
            near.map_or(Cow::Borrowed(""), |n| Cow::Borrowed(n.verdict.code())),
            Cow::Owned(day(near.and_then(|n| n.due))),
            Cow::Owned(notes.join(" / ")),
            Cow::Borrowed(&self.carrier_key),
            taxonomy::KINDS.get(self.kind).map_or(Cow::Borrowed(""), |k| Cow::Borrowed(k.code)),
            taxonomy::FACILITIES.get(self.facility).map_or(Cow::Borrowed(""), |f| Cow::Borrowed(f.code)),
            taxonomy::WHOLESALE.get(self.wholesale).map_or(Cow::Borrowed(""), |w| Cow::Borrowed(w.code)),
            Cow::Borrowed(&self.region),
        ]
    }

    /// Whether this report is counted in figure `table,row,column`
    /// (`accident_numbers` maps accident ids to their No. in the year).
    pub fn behind(&self, table: &str, row: &str, column: &str, accident_no: Option<usize>) -> bool {
        let detailed = self.detailed;
        let has_service = |pred: &dyn Fn(&taxonomy::Service) -> bool| {
            SERVICES.iter().enumerate().any(|(i, s)| self.services & (1 << i) != 0 && pred(s))
        };
        let eq = self.equipment.unwrap_or(equipment_unknown());
        let eq_code = EQUIPMENT.get(eq).map(|e| (e.code, e.group));
        let d = &rules::book().duty;
        match table {
            "summary" => match row {
                "major" => accident_no.is_some(),
                "detailed" => detailed,
                "simple" => !detailed,
                _ => false,
            },
            "headline" => detailed && match row {
                "total" => true,
                "users_lt500" => self.ubin == 0,
                "users_ge30k" => self.affected_users >= d.min_users && self.dbin != info_leak_row(),
                "duration_ge2h" => self.duration_min >= d.min_duration && self.dbin != info_leak_row(),
                "major" => accident_no.is_some(),
                _ => false,
            },
            "matrix" | "matrix_share" => {
                detailed
                    && (row == "total" || row == self.duration_bin())
                    && (column == "total" || column == self.users_bin())
            }
            "matrix_major" => accident_no.is_some() && row == self.duration_bin() && column == self.users_bin(),
            "major" => accident_no.is_some_and(|n| n.to_string() == row),
            "major_trend" => accident_no.is_some() && row == self.judgement.fiscal_year.to_string(),
            "service" => detailed && (row == "total" || has_service(&|s| s.group == row)),
            t if t.starts_with("service_") => {
                let group = &t["service_".len()..];
                detailed && has_service(&|s| s.group == group && s.sub == row)
            }
            "cause" => detailed && (row == "total" || CAUSES[self.cause].group == row),
            "equipment" => {
                detailed
                    && match row {
                        "known" => eq_code.is_some(),
                        "unknown" => eq_code.is_none(),
                        g => eq_code.is_some_and(|(_, group)| group == g),
                    }
            }
            t if t.starts_with("equipment_") => detailed && eq_code.is_some_and(|(code, _)| code == row),
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

impl IncidentLine {
    /// How many times this report counts in a service figure: its services
    /// in the row's group (or sub-group), or all of them for `total`.
    pub fn service_weight(&self, table: &str, row: &str) -> u64 {
        SERVICES
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                self.services & (1 << i) != 0
                    && match table {
                        "service" => row == "total" || s.group == row,
                        t => t.strip_prefix("service_").is_some_and(|g| s.group == g && s.sub == row),
                    }
            })
            .count() as u64
    }
}

/// What a count left open does to the answers, for the notes column.
fn open_note(o: &rules::Open, j: &Judgement) -> String {
    let mut parts = vec!["affected_users not known".to_string()];
    if let Some(u) = o.users_for_duty {
        parts.push(format!("within the {} duty from {u} users", j.duty_name()));
    }
    if let Some(u) = o.users_for_major {
        parts.push(format!("major from {u} users"));
    }
    parts.join("; ")
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

/// One worker's incident lines on disk, each keyed by (file, line) so
/// that the workers' spools merge into input order; memory stays flat
/// however many reports the year holds. A line is stored with its length
/// (a value may hold a line break), and a mark for a wholesale receiver's
/// major, whose report form is settled at the merge.
pub struct LineSpool {
    path: std::path::PathBuf,
    w: std::io::BufWriter<std::fs::File>,
    /// One line's CSV, reused.
    buf: Vec<u8>,
    /// Accident ids of wholesale providers' major accidents.
    providers: std::collections::HashSet<String>,
}

impl LineSpool {
    pub fn new() -> anyhow::Result<LineSpool> {
        let (path, f) = crate::output::temp_file("incidents-part")?;
        Ok(LineSpool { path, w: std::io::BufWriter::with_capacity(1 << 20, f), buf: Vec::with_capacity(512), providers: Default::default() })
    }

    pub fn push(&mut self, line: &IncidentLine) -> std::io::Result<()> {
        use std::io::Write;
        self.buf.clear();
        for (i, v) in line.values().iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            csv_field(&mut self.buf, &crate::output::sinks::guard_cell(v));
        }
        self.buf.push(b'\n');
        if line.provider_major() {
            self.providers.insert(line.accident_id.clone());
        }
        let mark = if line.receiver_major() { b'R' } else { b'-' };
        write!(self.w, "{:08x}{:016x}", line.file_index, line.line)?;
        self.w.write_all(&[mark])?;
        write!(self.w, "{:08x}", self.buf.len())?;
        self.w.write_all(&self.buf)
    }
}

impl Drop for LineSpool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        crate::output::cleanup::unregister(&self.path);
    }
}

/// A CSV field as the csv crate writes it: quoted when it holds a comma,
/// a quote or a line break, quotes doubled. Written here rather than with
/// the csv crate (or csv_core) per line: that costs 3 s more over 10 M
/// reports (README, Decisions); `spool_tests` holds it to the csv crate.
fn csv_field(out: &mut Vec<u8>, v: &str) {
    if v.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
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

/// Key width of a spooled line: file index and line number in hex; then
/// the mark and the line's length.
const KEY: usize = 24;
const HEAD: usize = KEY + 1 + 8;

/// A spooled line: its key, its mark and its CSV bytes.
struct SpoolLine {
    head: [u8; HEAD],
    line: Vec<u8>,
}

fn next_line(r: &mut impl std::io::Read) -> std::io::Result<Option<SpoolLine>> {
    let mut head = [0u8; HEAD];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = std::str::from_utf8(&head[KEY + 1..]).ok().and_then(|h| usize::from_str_radix(h, 16).ok()).ok_or_else(|| std::io::Error::other("a damaged incident spool"))?;
    let mut line = vec![0u8; len];
    r.read_exact(&mut line)?;
    Ok(Some(SpoolLine { head, line }))
}

/// A receiver's line whose provider's accident was major: the simplified
/// report's form in its `major_report_form`.
fn simplified(line: &[u8]) -> anyhow::Result<Vec<u8>> {
    let Some(w) = rules::book().major_report.wholesale.as_ref() else { return Ok(line.to_vec()) };
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let rec = r.records().next().transpose()?.unwrap_or_default();
    let at = COLUMNS.iter().position(|c| *c == "major_report_form").unwrap_or(usize::MAX);
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    out.write_record(rec.iter().enumerate().map(|(i, v)| if i == at { w.form.as_str() } else { v }))?;
    Ok(out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// incidents.csv from the workers' spools: BOM, header, then every line
/// in (file, line) order, hashed as it is written.
pub fn merge(mut spools: Vec<LineSpool>, for_people: bool) -> anyhow::Result<crate::output::Spooled> {
    use sha2::Digest;
    use std::io::Write;
    let (path, f) = crate::output::temp_file("incidents")?;
    // Removed on any error below (Spooled's drop).
    let mut spooled = crate::output::Spooled { path, sha256: String::new() };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut hash = sha2::Sha256::new();
    let mut put = |bytes: &[u8], out: &mut std::io::BufWriter<std::fs::File>| -> std::io::Result<()> {
        hash.update(bytes);
        out.write_all(bytes)
    };
    let mut head = if for_people { CsvOut::for_people() } else { CsvOut::for_programs() };
    head.row(COLUMNS.iter().copied());
    put(&head.finish(), &mut out)?;
    let providers: std::collections::HashSet<String> = spools.iter_mut().flat_map(|s| std::mem::take(&mut s.providers)).collect();
    let mut readers = Vec::new();
    for s in &mut spools {
        s.w.flush()?;
        readers.push(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&s.path)?));
    }
    // Each spool is in input order (a worker takes batches in order).
    let mut heads: Vec<Option<SpoolLine>> = Vec::with_capacity(readers.len());
    for r in &mut readers {
        heads.push(next_line(r)?);
    }
    while let Some(i) = (0..heads.len()).filter(|&i| heads[i].is_some()).min_by(|&a, &b| heads[a].as_ref().unwrap().head[..KEY].cmp(&heads[b].as_ref().unwrap().head[..KEY])) {
        let s = heads[i].take().expect("a head was found");
        if s.head[KEY] == b'R' && !providers.is_empty() && accident_of(&s.line).is_some_and(|a| providers.contains(&a)) {
            put(&simplified(&s.line)?, &mut out)?;
        } else {
            put(&s.line, &mut out)?;
        }
        heads[i] = next_line(&mut readers[i])?;
    }
    out.flush()?;
    out.get_ref().sync_all()?;
    spooled.sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(spooled)
}

/// The accident_id of a spooled line (as written, before the guard).
fn accident_of(line: &[u8]) -> Option<String> {
    let at = COLUMNS.iter().position(|c| *c == "accident_id")?;
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
    let rec = r.records().next()?.ok()?;
    rec.get(at).map(|v| v.trim_start_matches('\'').to_string())
}

#[cfg(test)]
mod spool_tests {
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
