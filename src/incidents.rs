//! The year's incident list: one line per counted report with what the
//! rules said of it (incidents.csv), and which figures each line is behind
//! (`jiko explain`, `--check`).

use crate::aggregate::{equipment_unknown, info_leak_row};
use crate::output::sinks::CsvOut;
use crate::records::{Minute, Row};
use crate::rules::{self, Judgement, DURATION_BINS, USER_BINS};
use crate::taxonomy::{self, CAUSES, EQUIPMENT, FORMS, SERVICES};

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
        }
    }

    /// A row as read, binned as aggregate bins it.
    pub fn from_row(row: &Row, file: &str) -> IncidentLine {
        let (dbin, ubin) = crate::aggregate::cell_of(row);
        IncidentLine::of(row, file, dbin, ubin)
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
    pub fn values(&self) -> Vec<String> {
        let j = &self.judgement;
        let day = |d: Option<(i32, u32, u32)>| d.map_or(String::new(), |(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let major = j.major.as_ref();
        vec![
            self.incident_id.clone(),
            j.fiscal_year.to_string(),
            j.quarter.to_string(),
            j.set.map_or(String::new(), |s| s.id().to_string()),
            yes(j.within_duty),
            if j.within_duty { self.form().to_string() } else { String::new() },
            yes(major.is_some()),
            major.and_then(|m| m.class).map_or(String::new(), |c| c.to_string()),
            major.map_or(String::new(), |m| reason(m, j.set)),
            self.duration_bin().to_string(),
            self.users_bin().to_string(),
            day(j.report_due),
            day(j.major_report_due),
            self.accident_id.clone(),
            self.carrier.clone(),
            self.started_at.to_string(),
            self.duration_min.to_string(),
            self.affected_users.to_string(),
            self.service_codes().join(";"),
            CAUSES[self.cause].code.to_string(),
            self.equipment.map_or(String::new(), |e| EQUIPMENT[e].code.to_string()),
            self.file.clone(),
            self.line.to_string(),
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
            _ => false,
        }
    }
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
/// however many reports the year holds.
pub struct LineSpool {
    path: std::path::PathBuf,
    w: std::io::BufWriter<std::fs::File>,
    /// One line's CSV, reused.
    buf: Vec<u8>,
}

impl LineSpool {
    pub fn new() -> anyhow::Result<LineSpool> {
        let (path, f) = crate::output::temp_file("incidents-part")?;
        Ok(LineSpool { path, w: std::io::BufWriter::with_capacity(1 << 20, f), buf: Vec::with_capacity(512) })
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
        write!(self.w, "{:08x}{:016x}", line.file_index, line.line)?;
        self.w.write_all(&self.buf)
    }
}

impl Drop for LineSpool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A CSV field as the csv crate writes it: quoted when it holds a comma,
/// a quote or a line break, quotes doubled.
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

/// Key width of a spooled line: file index and line number in hex.
const KEY: usize = 24;

/// incidents.csv from the workers' spools: BOM, header, then every line
/// in (file, line) order, hashed as it is written.
pub fn merge(mut spools: Vec<LineSpool>, for_people: bool) -> anyhow::Result<crate::output::Spooled> {
    use sha2::Digest;
    use std::io::{BufRead, Write};
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
    let mut readers = Vec::new();
    for s in &mut spools {
        s.w.flush()?;
        readers.push(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&s.path)?));
    }
    // Each spool is in input order (a worker takes batches in order).
    let mut heads: Vec<Option<Vec<u8>>> = Vec::with_capacity(readers.len());
    let next = |r: &mut std::io::BufReader<std::fs::File>| -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        Ok((r.read_until(b'\n', &mut buf)? > 0).then_some(buf))
    };
    for r in &mut readers {
        heads.push(next(r)?);
    }
    while let Some(i) = (0..heads.len()).filter(|&i| heads[i].is_some()).min_by(|&a, &b| heads[a].as_ref().unwrap()[..KEY].cmp(&heads[b].as_ref().unwrap()[..KEY])) {
        let line = heads[i].take().unwrap_or_default();
        put(&line[KEY..], &mut out)?;
        heads[i] = next(&mut readers[i])?;
    }
    out.flush()?;
    out.get_ref().sync_all()?;
    spooled.sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(spooled)
}
