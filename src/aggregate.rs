//! From valid rows to per-fiscal-year tallies. Rows are classified as they
//! stream in (rules) and counted at once into each year's tallies: every
//! table is a count (by matrix cell, cause, equipment, service) or a number
//! of distinct carriers, so a worker adds to arrays and notes, per spelling
//! of a carrier's name, the years and forms it reported in; memory does not
//! grow with the number of records.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::carriers::{CarrierMap, CarrierNames};
use crate::period::Period;
use crate::families::Cell;
use crate::records::{self, Minute, ReadOptions, ReadReport, Row};
pub use crate::incidents::IncidentLine;
use crate::incidents::Spare;
use crate::rules::{self, Major};



/// Counts of one fiscal year's reports within the quarterly duty.
#[derive(Debug, Clone)]
pub struct YearTally {
    pub detailed_reports: u64,
    pub simple_reports: u64,
    /// Carriers by the hash of their name (distinct counts only).
    pub detailed_carriers: BTreeSet<u64>,
    pub simple_carriers: BTreeSet<u64>,
    /// Detailed reports by duration bin (plus the info-leak row) and user bin.
    pub matrix: Vec<Vec<u64>>,
    pub causes: Vec<u64>,
    /// Per equipment code, then "unknown".
    pub equipment: Vec<u64>,
    /// (report, service) pairs of detailed reports, per service code.
    pub services: Vec<u64>,
    pub outside_duty: u64,
    /// Σ affected users × duration in minutes over the counted reports
    /// (both forms), for the trend's user-hours.
    pub user_minutes: u128,
    /// Counted reports per major-accident rule set, by the set's place in
    /// the rule book (the last place: before any set).
    pub rule_sets: Vec<u64>,
}

impl YearTally {
    /// Affected users × duration in hours over the counted reports,
    /// rounded half up to a whole number.
    pub fn user_hours(&self) -> u128 {
        (self.user_minutes + 30) / 60
    }

    /// One more report in a cell.
    #[inline]
    fn add(&mut self, c: Cell) {
        match c {
            Cell::Matrix(d, u) => self.matrix[d][u] += 1,
            Cell::Cause(i) => self.causes[i] += 1,
            Cell::Equipment(i) => self.equipment[i] += 1,
            Cell::Service(i) => self.services[i] += 1,
        }
    }

    /// The reports (service counts for services) in the cells.
    pub fn sum(&self, cells: &[Cell]) -> u64 {
        cells
            .iter()
            .map(|c| match *c {
                Cell::Matrix(d, u) => self.matrix[d][u],
                Cell::Cause(i) => self.causes[i],
                Cell::Equipment(i) => self.equipment[i],
                Cell::Service(i) => self.services[i],
            })
            .sum()
    }

    /// Add another worker's counts of the same year.
    fn merge(&mut self, o: YearTally) {
        self.detailed_reports += o.detailed_reports;
        self.simple_reports += o.simple_reports;
        self.detailed_carriers.extend(o.detailed_carriers);
        self.simple_carriers.extend(o.simple_carriers);
        for (row, orow) in self.matrix.iter_mut().zip(o.matrix) {
            for (c, oc) in row.iter_mut().zip(orow) {
                *c += oc;
            }
        }
        for (c, oc) in self.causes.iter_mut().zip(o.causes) {
            *c += oc;
        }
        for (c, oc) in self.equipment.iter_mut().zip(o.equipment) {
            *c += oc;
        }
        for (c, oc) in self.services.iter_mut().zip(o.services) {
            *c += oc;
        }
        self.outside_duty += o.outside_duty;
        self.user_minutes += o.user_minutes;
        for (c, n) in self.rule_sets.iter_mut().zip(o.rule_sets) {
            *c += n;
        }
    }
}

impl YearTally {
    /// An empty tally in the codes and bins of `rules`, for its sets.
    pub fn new(rules: rules::Rules) -> Self {
        let v = rules.vocab;
        YearTally {
            detailed_reports: 0,
            simple_reports: 0,
            detailed_carriers: BTreeSet::new(),
            simple_carriers: BTreeSet::new(),
            matrix: vec![vec![0; v.user_bins.len()]; v.info_leak_row() + 1],
            causes: vec![0; v.causes.len()],
            equipment: vec![0; v.equipment_unknown() + 1],
            services: vec![0; v.services.len()],
            outside_duty: 0,
            user_minutes: 0,
            rule_sets: vec![0; rules.book.sets.len() + 1],
        }
    }
}

/// One report that met a major-accident threshold.
#[derive(Debug, Clone)]
pub struct MajorReport {
    pub accident_id: String,
    pub incident_id: String,
    pub carrier: String,
    pub started_at: Minute,
    pub duration_min: u64,
    pub affected_users: u64,
    pub services: u32,
    pub class: Option<u8>,
    pub cell: (usize, usize),
    pub summary: String,
}

/// A major accident: every major report sharing an `accident_id`.
#[derive(Debug, Clone)]
pub struct Accident {
    pub number: usize,
    pub accident_id: String,
    pub started_at: Minute,
    pub duration_min: u64,
    pub affected_users: u64,
    pub class: Option<u8>,
    /// Carriers of all the accident's reports, major or not.
    pub carriers: Vec<String>,
    pub services: u32,
    pub summary: String,
    /// Matrix cells (duration bin, user bin) of its major reports.
    pub cells: Vec<(usize, usize)>,
}

/// Where each row of one input file went, for the year asked.
#[derive(Debug, Clone, Default)]
pub struct FileAccount {
    pub path: String,
    pub read: u64,
    pub counted: u64,
    pub other_years: u64,
    pub outside_duty: u64,
    pub rejected: u64,
    /// Reports of the year after the `--through` day (year to date only).
    pub after_through: u64,
}

impl FileAccount {
    /// Add another account's counts to this one (its path aside).
    fn add(&mut self, a: &FileAccount) {
        self.read += a.read;
        self.counted += a.counted;
        self.other_years += a.other_years;
        self.outside_duty += a.outside_duty;
        self.rejected += a.rejected;
        self.after_through += a.after_through;
    }

    /// The accounts of several files added up, named `path`.
    pub fn sum<'a>(path: &str, accounts: impl IntoIterator<Item = &'a FileAccount>) -> FileAccount {
        let mut total = FileAccount { path: path.to_string(), ..Default::default() };
        for a in accounts {
            total.add(a);
        }
        total
    }
}

/// A report of the year asked that is outside the quarterly duty, with
/// what decided it (outside_duty.csv).
#[derive(Debug, Clone)]
pub struct OutsideDuty {
    pub file_index: usize,
    pub file: String,
    pub line: u64,
    pub incident_id: String,
    pub carrier: String,
    pub started_at: Minute,
    pub duration_min: u64,
    pub affected_users: u64,
    /// Its services, as a bit mask of the rules' codes.
    pub services: u32,
    pub kind: usize,
    /// A row with おそれ事態 facts: that answer (法第28条第2項), which is
    /// reported apart from the accident duty.
    pub near_miss: Option<rules::near_miss::Answer>,
}

impl OutsideDuty {
    fn of(row: &Row, file: &str, rules: rules::Rules) -> OutsideDuty {
        OutsideDuty {
            file_index: row.file,
            file: file.to_string(),
            line: row.line,
            incident_id: row.incident_id.to_string(),
            carrier: row.carrier.to_string(),
            started_at: row.started_at,
            duration_min: row.duration_min,
            affected_users: row.affected_users,
            services: row.services,
            kind: row.kind,
            // Outside the duty is never a major accident.
            near_miss: row.near_miss.as_ref().and_then(|f| rules::near_miss::judge(rules, &rules::near_miss::Facts { major: rules::Tri::No, ..(**f).clone() })),
        }
    }
}

#[derive(Debug)]
pub struct Aggregate {
    pub year: i32,
    /// The span counted: the whole year, or the year to date.
    pub period: Period,
    /// Carriers' printed names and merged spellings.
    pub carriers: CarrierNames,
    pub years: BTreeMap<i32, YearTally>,
    /// Major accidents per fiscal year, numbered by start.
    pub majors: BTreeMap<i32, Vec<Accident>>,
    pub accounts: Vec<FileAccount>,
    pub outside_duty: Vec<OutsideDuty>,
    /// Accident ids of the year's wholesale providers' majors: their
    /// receivers' major reports are simplified (the list says so).
    pub providers: HashSet<String>,
    pub read: ReadReport,
    /// The rules it was counted by (its figures and wording ask them).
    pub rules: rules::Rules,
}

impl Aggregate {
    pub fn tally(&self, fy: i32) -> Option<&YearTally> {
        self.years.get(&fy)
    }
    pub fn accidents(&self, fy: i32) -> &[Accident] {
        self.majors.get(&fy).map_or(&[], Vec::as_slice)
    }
    /// Carriers of the year's major accidents, over all their reports.
    pub(crate) fn major_carriers(&self, fy: i32) -> usize {
        self.accidents(fy).iter().flat_map(|a| a.carriers.iter()).collect::<BTreeSet<_>>().len()
    }
}

/// One spelling of a carrier's name as met by a worker.
struct Spelling {
    /// A 64-bit hash of the carrier's key: it names the carrier without a
    /// table shared by workers.
    key: u64,
    times: u64,
    /// (fiscal year, detailed) of the counted reports it made: a few.
    counted_in: Vec<(i32, bool)>,
}

/// A worker's carriers by spelling: a small table by a quick hash of the
/// spelling answers most reports, a map the rest.
#[derive(Default)]
struct Spellings {
    list: Vec<(String, Spelling)>,
    index: HashMap<String, usize, foldhash::fast::RandomState>,
    /// Slot → place in `list` (`u32::MAX`: none).
    recent: Vec<u32>,
}

/// Enough slots that a few thousand carriers seldom share one.
const RECENT_BITS: u32 = 12;

impl Spellings {
    /// The spelling's entry; `key` gives its carrier's key the first time.
    fn get(&mut self, spelling: &str, key: impl FnOnce() -> u64) -> &mut Spelling {
        if self.recent.is_empty() {
            self.recent = vec![u32::MAX; 1 << RECENT_BITS];
        }
        let slot = records::quick_hash(spelling.as_bytes(), RECENT_BITS);
        let at = match self.recent[slot] as usize {
            i if self.list.get(i).is_some_and(|(s, _)| s == spelling) => i,
            _ => {
                let i = match self.index.get(spelling) {
                    Some(&i) => i,
                    None => {
                        self.list.push((spelling.to_string(), Spelling { key: key(), times: 0, counted_in: Vec::new() }));
                        self.index.insert(spelling.to_string(), self.list.len() - 1);
                        self.list.len() - 1
                    }
                };
                if let Ok(i) = u32::try_from(i) {
                    self.recent[slot] = i;
                }
                i
            }
        };
        &mut self.list[at].1
    }
}

/// One worker's counting state while rows stream in; workers' counters
/// are merged at the end (every count is a sum or a set union).
struct Counter {
    year: i32,
    period: Period,
    /// The fiscal years a run reports on (one, or `--years`' range), each
    /// with its own accounting, list of reports outside the duty and
    /// providers' majors: one read serves them all.
    per: Vec<PerYear>,
    /// Every fiscal year met is reported on (`per` grows as they come).
    every_year: bool,
    /// The rules; what each row asks of them is `rules.per_row`.
    rules: rules::Rules,
    /// Each fiscal year met (a few): a short list, looked up per row.
    years: Vec<(i32, YearTally)>,
    major_reports: BTreeMap<(i32, String), Vec<MajorReport>>,
    /// (fiscal year, accident id) → carriers of reports naming an accident
    /// other than themselves, such as a wholesale receiver's report.
    linked: HashMap<(i32, String), BTreeSet<String>>,
    files: Vec<String>,
    error: Option<anyhow::Error>,
    map: std::sync::Arc<CarrierMap>,
    /// The carriers met, by spelling.
    spellings: Spellings,
}

/// What a count keeps for each fiscal year it reports on.
struct PerYear {
    year: i32,
    accounts: Vec<FileAccount>,
    outside_duty: Vec<OutsideDuty>,
    /// Accident ids of the year's wholesale providers' majors.
    providers: HashSet<String>,
    /// The year's list, written as the count goes (when asked).
    list: Option<Lister>,
}

impl Counter {
    /// The place of fiscal year `fy` among the years reported on (added
    /// when every year is).
    #[inline]
    fn asked(&mut self, fy: i32) -> Option<usize> {
        match self.per.iter().position(|p| p.year == fy) {
            None if self.every_year => {
                self.per.push(PerYear::new(fy, &self.files));
                Some(self.per.len() - 1)
            }
            at => at,
        }
    }
}

impl PerYear {
    fn new(year: i32, files: &[String]) -> PerYear {
        PerYear {
            year,
            accounts: files.iter().map(|p| FileAccount { path: p.clone(), ..Default::default() }).collect(),
            outside_duty: Vec::new(),
            providers: HashSet::new(),
            list: None,
        }
    }
}

impl Counter {
    fn add(&mut self, row: &Row) {
        for p in &mut self.per {
            if let Some(l) = &mut p.list {
                l.tx.passed(crate::incidents::list_key(row));
            }
        }
        let fy = row.started_at.fiscal_year();
        // Rows of other years are not counted here: they are what is left
        // of a file's rows (`count`).
        if !self.period.includes(&row.started_at) {
            // After the year-to-date span (or the previous year's same span);
            // a span is asked of one year only.
            if let (Some(p), true) = (self.per.first_mut(), fy == self.year) {
                p.accounts[row.file].after_through += 1;
            }
            return;
        }
        let in_duty = self.rules.per_row.within_duty(row.duration_min, row.affected_users, row.kind, &row.started_at);
        let asked = self.asked(fy);
        if let Some(i) = asked {
            let account = &mut self.per[i].accounts[row.file];
            match in_duty {
                true => account.counted += 1,
                false => account.outside_duty += 1,
            }
        }
        if !in_duty {
            self.tally(fy).outside_duty += 1;
            if let Some(i) = asked {
                let o = OutsideDuty::of(row, &self.files[row.file], self.rules);
                self.per[i].outside_duty.push(o);
            }
            return;
        }
        let set_index = self.rules.per_row.set_index_at(&row.started_at);
        let set = set_index.map(|i| &self.rules.per_row.sets[i]);
        let (dbin, ubin) = self.rules.per_row.cell(row.duration_min, row.affected_users, row.kind);
        self.note_carrier(row.carrier, fy, row.detailed);
        // An accident id left empty is the report's own (the same text).
        if !std::ptr::eq(row.accident_id, row.incident_id) && row.accident_id != row.incident_id {
            self.linked.entry((fy, row.accident_id.to_string())).or_default().insert(row.carrier.to_string());
        }
        let major = set.map_or(Major::No, |s| {
            s.judge(row.services, row.duration_min, row.affected_users, row.monthly_active_users, self.rules.per_row.critical_facility(row.facility))
        });
        if let Major::Yes(class) = major {
            self.major_reports.entry((fy, row.accident_id.to_string())).or_default().push(MajorReport {
                accident_id: row.accident_id.to_string(),
                incident_id: row.incident_id.to_string(),
                carrier: row.carrier.to_string(),
                started_at: row.started_at,
                duration_min: row.duration_min,
                affected_users: row.affected_users,
                services: row.services,
                class,
                cell: (dbin, ubin),
                summary: row.summary.to_string(),
            });
        }
        if let (Major::Yes(_), Some(i)) = (major, asked) {
            if self.rules.vocab.wholesale.get(row.wholesale).is_some_and(|w| w.code == "provider") {
                self.per[i].providers.insert(row.accident_id.to_string());
            }
        }
        if let Some(l) = asked.and_then(|i| self.per[i].list.as_mut()) {
            l.line(self.rules, row, &self.files[row.file], (dbin, ubin), &self.map);
        }
        let set_place = set_index.unwrap_or(self.rules.per_row.sets.len());
        let vocab = self.rules.vocab;
        let tally = self.tally(fy);
        tally.user_minutes += u128::from(row.affected_users) * u128::from(row.duration_min);
        tally.rule_sets[set_place] += 1;
        if !row.detailed {
            tally.simple_reports += 1;
            return;
        }
        tally.detailed_reports += 1;
        crate::families::report_cells(vocab, dbin, ubin, row.cause, row.equipment, row.services, |c| tally.add(c));
    }

    fn tally(&mut self, fy: i32) -> &mut YearTally {
        Self::tally_in(&mut self.years, fy, self.rules)
    }

    fn tally_in(years: &mut Vec<(i32, YearTally)>, fy: i32, rules: rules::Rules) -> &mut YearTally {
        let at = match years.iter().position(|(y, _)| *y == fy) {
            Some(at) => at,
            None => {
                years.push((fy, YearTally::new(rules)));
                years.len() - 1
            }
        };
        &mut years[at].1
    }

    /// Note that the carrier of this spelling reported in this year and form.
    fn note_carrier(&mut self, spelling: &str, fy: i32, detailed: bool) {
        let map = &self.map;
        let s = self.spellings.get(spelling, || map.key(spelling).0);
        s.times += 1;
        if !s.counted_in.contains(&(fy, detailed)) {
            s.counted_in.push((fy, detailed));
        }
    }

    /// Fold the carriers met into the years' distinct carriers.
    fn flush(&mut self) {
        for (_, s) in self.spellings.list.iter_mut() {
            for (fy, detailed) in std::mem::take(&mut s.counted_in) {
                let t = Self::tally_in(&mut self.years, fy, self.rules);
                match detailed {
                    true => t.detailed_carriers.insert(s.key),
                    false => t.simple_carriers.insert(s.key),
                };
            }
        }
    }

    /// Fold another worker's counter into this one.
    fn merge(&mut self, other: Counter) {
        for (fy, t) in other.years {
            self.tally(fy).merge(t);
        }
        for (k, v) in other.major_reports {
            self.major_reports.entry(k).or_default().extend(v);
        }
        for (k, v) in other.linked {
            self.linked.entry(k).or_default().extend(v);
        }
        for theirs in other.per {
            let Some(i) = self.asked(theirs.year) else { continue };
            let mine = &mut self.per[i];
            for (a, o) in mine.accounts.iter_mut().zip(&theirs.accounts) {
                a.add(o);
            }
            mine.outside_duty.extend(theirs.outside_duty);
            mine.providers.extend(theirs.providers);
        }
        self.error = self.error.take().or(other.error);
        for (spelling, o) in other.spellings.list {
            self.spellings.get(&spelling, || o.key).times += o.times;
        }
    }

    /// Group major reports into accidents numbered by start within each year.
    fn accidents(&mut self) -> BTreeMap<i32, Vec<Accident>> {
        let mut by_year: BTreeMap<i32, Vec<Accident>> = BTreeMap::new();
        for ((fy, accident_id), mut reports) in std::mem::take(&mut self.major_reports) {
            // Workers met the reports in no set order.
            reports.sort_by(|a, b| (a.started_at, &a.incident_id).cmp(&(b.started_at, &b.incident_id)));
            let mut carriers: BTreeSet<String> = reports.iter().map(|r| r.carrier.clone()).collect();
            if let Some(linked) = self.linked.get(&(fy, accident_id.clone())) {
                carriers.extend(linked.iter().cloned());
            }
            let first = reports.iter().min_by_key(|r| (r.started_at, r.incident_id.clone())).cloned();
            let Some(first) = first else { continue };
            let summary = reports.iter().map(|r| r.summary.as_str()).find(|s| !s.is_empty()).unwrap_or("").to_string();
            let mut cells: Vec<(usize, usize)> = reports.iter().map(|r| r.cell).collect();
            cells.sort();
            cells.dedup();
            by_year.entry(fy).or_default().push(Accident {
                number: 0,
                accident_id,
                started_at: first.started_at,
                duration_min: reports.iter().map(|r| r.duration_min).max().unwrap_or(0),
                affected_users: reports.iter().map(|r| r.affected_users).max().unwrap_or(0),
                class: reports.iter().filter_map(|r| r.class).min(),
                // The provider's carrier first, as the edition names it.
                carriers: std::iter::once(first.carrier.clone())
                    .chain(carriers.into_iter().filter(|c| *c != first.carrier))
                    .collect(),
                services: reports.iter().fold(0, |m, r| m | r.services),
                summary,
                cells,
            });
        }
        for list in by_year.values_mut() {
            list.sort_by(|a, b| (a.started_at, &a.accident_id).cmp(&(b.started_at, &b.accident_id)));
            for (i, a) in list.iter_mut().enumerate() {
                a.number = i + 1;
            }
        }
        by_year
    }
}

/// A counted report's line of the list, with what the read settled: the
/// carrier as counted (key, printed name) and the providers' majors.
fn list_line(spare: Spare, rules: rules::Rules, row: &Row, file: &str, cell: (usize, usize), carrier: (&str, &str), providers: &HashSet<String>) -> IncidentLine {
    let mut line = IncidentLine::of_in(spare, rules, row, file, cell.0, cell.1);
    line.carrier_key.push_str(carrier.0);
    line.carrier_printed.push_str(carrier.1);
    line.simplified = line.receiver_major() && (row.provider_major || providers.contains(&line.accident_id));
    line
}

/// A worker's part of the list written as the count goes: what it can
/// know then (a spelling's key, and as printed name the mapped name or
/// the spelling itself), and the receivers' majors whose form waits on
/// their providers.
struct Lister {
    tx: crate::output::ordered::Sender,
    /// Spelling → (key as the list prints it, provisional printed name).
    carriers: HashMap<String, (String, String), foldhash::fast::RandomState>,
    receivers: HashSet<String>,
    /// The last line's strings, reused for the next.
    spare: Spare,
}

impl Lister {
    fn line(&mut self, rules: rules::Rules, row: &Row, file: &str, cell: (usize, usize), map: &CarrierMap) {
        // Looked up by the borrowed spelling: a key is made only once.
        if !self.carriers.contains_key(row.carrier) {
            let known = (map.counted_key(row.carrier), map.name(row.carrier).to_string());
            self.carriers.insert(row.carrier.to_string(), known);
        }
        let carrier = &self.carriers[row.carrier];
        let line = list_line(std::mem::take(&mut self.spare), rules, row, file, cell, (&carrier.0, &carrier.1), &HashSet::new());
        // A receiver's row that says its provider's major settles itself.
        if line.receiver_major() && !row.provider_major {
            self.receivers.insert(line.accident_id.clone());
        }
        self.tx.line(crate::incidents::list_key(row), |buf| line.write_csv(buf));
        self.spare = line.into_spare();
    }
}

/// `aggregate_period`, writing the year's list (incidents.csv) as it
/// counts. The lines are right when no carrier turned out to have a
/// printed name other than its spelling and no receiver's major waits on
/// its provider's: then the list is returned, written once in one read.
/// Otherwise (`None`), `write_list` writes it in a second read.
pub fn aggregate_listing(files: &[PathBuf], period: Period, opts: &ReadOptions, map: &CarrierMap) -> Result<(Aggregate, Option<crate::output::Spooled>)> {
    let mut years = aggregate_years_listing(files, &[period], opts, map)?;
    years.pop().context("no year counted")
}

/// `aggregate_listing` for several whole fiscal years (or one span) in one
/// read of the files: each year's count and, when settled, its list.
pub fn aggregate_years_listing(files: &[PathBuf], periods: &[Period], opts: &ReadOptions, map: &CarrierMap) -> Result<Vec<(Aggregate, Option<crate::output::Spooled>)>> {
    let lang = opts.lang;
    let mut lists = Vec::new();
    let mut senders = Vec::new();
    for _ in periods {
        let (path, f) = crate::output::temp_file(lang, "incidents")?;
        // Removed on any error below (Spooled's drop).
        let spooled = crate::output::Spooled { path, sha256: String::new() };
        let (shared, tx) = crate::output::ordered::Ordered::new(f, &crate::incidents::list_head(true), records::worker_count());
        lists.push((spooled, shared));
        senders.push(tx.into_iter());
    }
    let counted = count(files, periods, false, opts, map, &mut |i| {
        senders[i].next().map(|tx| Lister { tx, carriers: Default::default(), receivers: HashSet::new(), spare: Spare::default() })
    })?;
    drop(senders);
    let mut out = Vec::new();
    for ((agg, receivers), (mut spooled, shared)) in counted.into_iter().zip(lists) {
        spooled.sha256 = shared.finish().map_err(|e| anyhow::Error::new(e).context("writing the incident list"))?;
        let printed_as_spelled = agg.carriers.spellings().all(|(key, spelling)| agg.carriers.display(key) == Some(map.name(spelling)));
        let settled = printed_as_spelled && receivers.is_disjoint(&agg.providers);
        out.push((agg, settled.then_some(spooled)));
    }
    Ok(out)
}

/// The year's list in a second read of the files, now that the count has
/// settled printed names and providers' majors (`incidents::write_list`).
pub fn write_list(agg: &Aggregate, files: &[PathBuf], opts: &ReadOptions, map: &CarrierMap) -> Result<crate::output::Spooled> {
    let lang = opts.lang;
    let rules = agg.rules.per_row;
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    let carriers: HashMap<&str, (String, String), foldhash::fast::RandomState> = agg
        .carriers
        .spellings()
        .map(|(key, spelling)| {
            (spelling, (map.counted_key(spelling), agg.carriers.display(key).unwrap_or(spelling).to_string()))
        })
        .collect();
    let (spooled, report) = crate::incidents::write_list(files, opts, true, |row| {
        let cell = listed(rules, &agg.period, row)?;
        let (key, printed) = carriers.get(row.carrier)?;
        Some(list_line(Spare::default(), agg.rules, row, &names[row.file], cell, (key, printed), &agg.providers))
    })?;
    // The list and the counts come from the same bytes.
    crate::incidents::same_inputs(lang, &agg.read, &report)?;
    Ok(spooled)
}

/// Whether a row is one of the year's counted reports (a line of the
/// list), and its cell: what `Counter::add` decides before it counts.
pub fn listed(rules: &rules::PerRow, period: &Period, row: &Row) -> Option<(usize, usize)> {
    let counted = row.started_at.fiscal_year() == period.year
        && period.includes(&row.started_at)
        && rules.within_duty(row.duration_min, row.affected_users, row.kind, &row.started_at);
    counted.then(|| rules.cell(row.duration_min, row.affected_users, row.kind))
}

/// Read `files` and tally every fiscal year they hold; `year` is the year
/// the run reports on (it decides the per-file accounting).
pub fn aggregate(files: &[PathBuf], year: i32, opts: &ReadOptions) -> Result<Aggregate> {
    aggregate_with(files, year, opts, &CarrierMap::default())
}

/// `aggregate`, with carriers' spellings mapped by a user's file.
pub(crate) fn aggregate_with(files: &[PathBuf], year: i32, opts: &ReadOptions, map: &CarrierMap) -> Result<Aggregate> {
    aggregate_period(files, Period::whole(year), opts, map)
}

/// `aggregate_with` for a span of the year: reports of the year after the
/// `--through` day (and of the previous year after the same day) are
/// counted nowhere, and accounted as after the span.
/// Counted by the rules of `opts`.
pub(crate) fn aggregate_period(files: &[PathBuf], period: Period, opts: &ReadOptions, map: &CarrierMap) -> Result<Aggregate> {
    count(files, &[period], false, opts, map, &mut |_| None)?.pop().map(|c| c.0).context("no year counted")
}

/// Whole fiscal years `years` in one read of the files, an `Aggregate`
/// each (their tallies are the same; accounts, outside the duty and
/// providers are each year's).
pub fn aggregate_years(files: &[PathBuf], years: &[i32], opts: &ReadOptions, map: &CarrierMap) -> Result<Vec<Aggregate>> {
    let periods: Vec<Period> = years.iter().map(|y| Period::whole(*y)).collect();
    Ok(count(files, &periods, false, opts, map, &mut |_| None)?.into_iter().map(|c| c.0).collect())
}

/// Every fiscal year the files hold, in one read: an `Aggregate` each, by
/// year (one of year 0 when they hold no valid row, for its read report).
pub fn aggregate_every_year(files: &[PathBuf], opts: &ReadOptions, map: &CarrierMap) -> Result<Vec<Aggregate>> {
    Ok(count(files, &[], true, opts, map, &mut |_| None)?.into_iter().map(|c| c.0).collect())
}

/// The count of each period (the first may be a span; the others are
/// whole years), each worker given a lister per period by `lister` (none:
/// no list); with the receivers' majors the listers met.
/// With `every_year`, `periods` is empty and every year met is counted as
/// a whole year.
fn count(files: &[PathBuf], periods: &[Period], every_year: bool, opts: &ReadOptions, map: &CarrierMap, lister: &mut dyn FnMut(usize) -> Option<Lister>) -> Result<Vec<(Aggregate, HashSet<String>)>> {
    let period = match periods.first() {
        Some(p) => *p,
        None if every_year => Period::whole(0),
        None => anyhow::bail!("no year to count"),
    };
    let year = period.year;
    let r = opts.rules;
    let map = std::sync::Arc::new(map.clone());
    let names: Vec<String> = files.iter().map(|p| records::display(p)).collect();
    let per = |lister: &mut dyn FnMut(usize) -> Option<Lister>| -> Vec<PerYear> {
        periods
            .iter()
            .enumerate()
            .map(|(i, p)| PerYear { list: lister(i), ..PerYear::new(p.year, &names) })
            .collect()
    };
    let new_counter = |per: Vec<PerYear>| Counter {
        year,
        period,
        per,
        every_year,
        rules: r,
        years: Vec::new(),
        major_reports: BTreeMap::new(),
        linked: HashMap::new(),
        files: names.clone(),
        error: None,
        map: map.clone(),
        spellings: Spellings::default(),
    };
    let mut counters: Vec<Counter> = (0..records::worker_count()).map(|_| new_counter(per(lister))).collect();
    let read = {
        let mut sinks: Vec<_> = counters.iter_mut().map(|c| move |row: &Row| c.add(row)).collect();
        records::read_files_in_parallel(files, opts, &mut sinks)?
    };
    let mut counter = new_counter(per(&mut |_| None));
    let mut receivers: HashMap<i32, HashSet<String>> = HashMap::new();
    for mut c in counters {
        c.flush();
        // The worker's last lines go to the writer now.
        for p in &mut c.per {
            receivers.entry(p.year).or_default().extend(p.list.take().map(|l| l.receivers).unwrap_or_default());
        }
        counter.merge(c);
    }
    if counter.per.is_empty() {
        counter.per.push(PerYear::new(period.year, &names));
    }
    if every_year {
        counter.per.sort_by_key(|p| p.year);
    }
    if let Some(e) = counter.error.take() {
        return Err(e);
    }
    for p in &mut counter.per {
        for (account, file) in p.accounts.iter_mut().zip(&read.files) {
            account.read = file.rows;
            account.rejected = file.rejected;
            // Every valid row is in one place: what is not the year's is
            // of other years.
            account.other_years = file.rows.saturating_sub(file.rejected + account.counted + account.outside_duty + account.after_through);
        }
        p.outside_duty.sort_by_key(|o| (o.file_index, o.line));
    }
    let mut carriers = CarrierNames::default();
    for (spelling, Spelling { key: k, times: n, .. }) in &counter.spellings.list {
        carriers.add(*k, spelling, *n, map.key(spelling).1);
    }
    let mut majors = counter.accidents();
    // Accidents name each carrier by its printed spelling.
    for a in majors.values_mut().flatten() {
        let mut names: Vec<String> = Vec::new();
        for c in &a.carriers {
            let shown = carriers.display(map.key(c).0).unwrap_or(c).to_string();
            if !names.contains(&shown) {
                names.push(shown);
            }
        }
        a.carriers = names;
    }
    let years: BTreeMap<i32, YearTally> = counter.years.into_iter().collect();
    let mut read = Some(read);
    let last = counter.per.len() - 1;
    Ok(counter
        .per
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let period = periods.get(i).copied().unwrap_or(Period::whole(p.year));
            let receivers = receivers.remove(&p.year).unwrap_or_default();
            // The read's report goes whole to each year (cloned but for the last).
            let read = if i == last { read.take().unwrap_or_default() } else { read.as_ref().map(|r| r.clone()).unwrap_or_default() };
            (Aggregate {
                year: period.year,
                period: Period { trial: r.trial_note().is_some(), ..period },
                carriers: carriers.clone(),
                years: years.clone(),
                majors: majors.clone(),
                accounts: p.accounts,
                outside_duty: p.outside_duty,
                providers: p.providers,
                read,
                rules: r,
            }, receivers)
        })
        .collect())
}
