//! Figures in the tidy `table,row,column,value` form (figures.md): built
//! from the tallies, rounded 四捨五入 on exact ratios, compared with a
//! published file.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::aggregate::{Aggregate, FileAccount, YearTally};
use crate::families;
use crate::rules;
use crate::rules::taxonomy::Group;

/// One figure's value, kept exact so that a comparison can round it to
/// whatever precision the published figure has.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    /// A percentage `100 * num / den`, written with `decimals` decimals.
    Share { num: u64, den: u64, decimals: u32 },
    Text(String),
}

impl Value {
    /// The share rounded half away from zero to `decimals`, scaled by
    /// 10^decimals: 6118/6612 at 1 decimal is 925.
    pub(crate) fn share_scaled(num: u64, den: u64, decimals: u32) -> i64 {
        let scale = 100 * 10u128.pow(decimals);
        ((2 * u128::from(num) * scale + u128::from(den)) / (2 * u128::from(den))) as i64
    }

    /// The text of this value at `decimals` decimals.
    fn share_text(num: u64, den: u64, decimals: u32) -> String {
        let scaled = Value::share_scaled(num, den, decimals);
        if decimals == 0 {
            scaled.to_string()
        } else {
            let p = 10i64.pow(decimals);
            format!("{}.{:0width$}", scaled / p, scaled % p, width = decimals as usize)
        }
    }

    /// Render at the precision of `published` (for a comparison).
    pub(crate) fn text_like(&self, published: &str) -> String {
        match self {
            Value::Share { num, den, .. } => {
                let decimals = published.split_once('.').map_or(0, |(_, f)| f.len() as u32);
                Value::share_text(*num, *den, decimals)
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Share { num, den, decimals } => f.write_str(&Value::share_text(*num, *den, *decimals)),
            Value::Text(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub table: String,
    pub row: String,
    pub column: String,
    pub value: Value,
}

/// Every figure of one year, in the order they were computed.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub list: Vec<Figure>,
}

impl Figures {
    fn push(&mut self, table: &str, row: impl Into<String>, column: &str, value: Value) {
        self.list.push(Figure { table: table.into(), row: row.into(), column: column.into(), value });
    }

    pub fn get(&self, table: &str, row: &str, column: &str) -> Option<&Value> {
        self.list.iter().find(|f| f.table == table && f.row == row && f.column == column).map(|f| &f.value)
    }

    pub fn int(&self, table: &str, row: &str, column: &str) -> Option<i64> {
        match self.get(table, row, column) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// The published major-accident counts of the years up to `year` that
    /// the records do not hold, as `major_trend,FY,published` (never as
    /// `count`, which is computed).
    pub(crate) fn add_published_trend(&mut self, series: &[(i32, u64)], year: i32) {
        let from_records: Vec<String> = self.list.iter().filter(|f| f.table == "major_trend").map(|f| f.row.clone()).collect();
        for (fy, n) in series.iter().filter(|(fy, _)| *fy <= year) {
            if !from_records.contains(&fy.to_string()) {
                self.push("major_trend", fy.to_string(), "published", Value::Int(*n as i64));
            }
        }
    }

    /// Major accidents of a year counted from its whole records (a year to
    /// date counts earlier years whole, and the previous year only over
    /// the same span).
    pub(crate) fn set_major_trend(&mut self, fy: i32, n: u64) {
        let row = fy.to_string();
        match self.list.iter_mut().find(|f| f.table == "major_trend" && f.row == row && f.column == "count") {
            Some(f) => f.value = Value::Int(n as i64),
            None => self.push("major_trend", row, "count", Value::Int(n as i64)),
        }
    }

    /// figures.csv: for programs and CI, so no BOM; cells guarded.
    pub(crate) fn write_csv(&self, mut out: impl Write) -> Result<()> {
        let mut w = crate::output::CsvOut::for_programs();
        w.row(["table", "row", "column", "value"]);
        for f in &self.list {
            w.row([f.table.as_str(), &f.row, &f.column, &f.value.to_string()]);
        }
        out.write_all(&w.finish())?;
        Ok(())
    }
}

/// Shares in these tables are printed as whole percents, and their
/// `share_delta` is the difference of those whole percents.
const WHOLE_PERCENT: u32 = 0;
/// The matrix prints one decimal.
const MATRIX_DECIMALS: u32 = 1;

fn share(num: u64, den: u64, decimals: u32) -> Option<Value> {
    (den > 0).then_some(Value::Share { num, den, decimals })
}

/// Push count, (optionally) count_delta, share and share_delta of one row.
fn measured_row(
    figs: &mut Figures,
    table: &str,
    row: &str,
    this: (u64, u64),
    prev: Option<(u64, u64)>,
    with_count_delta: bool,
) {
    figs.push(table, row, "count", Value::Int(this.0 as i64));
    if let Some((p, _)) = prev.filter(|_| with_count_delta) {
        figs.push(table, row, "count_delta", Value::Int(this.0 as i64 - p as i64));
    }
    if let Some(s) = share(this.0, this.1, WHOLE_PERCENT) {
        figs.push(table, row, "share", s);
        if let Some((p, pd)) = prev.filter(|(_, pd)| *pd > 0) {
            let delta = Value::share_scaled(this.0, this.1, WHOLE_PERCENT) - Value::share_scaled(p, pd, WHOLE_PERCENT);
            figs.push(table, row, "share_delta", Value::Int(delta));
        }
    }
}

/// A breakdown row (service, cause, equipment): no count_delta, as published.
fn breakdown_row(figs: &mut Figures, table: &str, row: &str, this: (u64, u64), prev: Option<(u64, u64)>) {
    measured_row(figs, table, row, this, prev, false);
}

/// One year's tally, and the rules that counted it: a figure of a family
/// of the tally is the sum of its cells (`families`).
struct Counts<'a> {
    tally: &'a YearTally,
    rules: rules::Rules,
}

impl Counts<'_> {
    /// The sum of a figure's cells.
    fn sum(&self, table: &str, row: &str, column: &str) -> u64 {
        self.tally.sum(&families::figure_cells(self.rules, table, row, column).expect("a family of the tally"))
    }
    /// A row's sum and the sum its share is of.
    fn of(&self, table: &str, row: &str, column: &str) -> (u64, u64) {
        let (t, r, c) = families::share_base(table);
        (self.sum(table, row, column), self.sum(t, r, c))
    }
}

/// Compute every figure of `year`, with deltas when the previous fiscal
/// year's records are present (table `rows` only for the year the run
/// accounted for).
/// The rules are those that counted `agg`.
pub fn compute(agg: &Aggregate, year: i32) -> Figures {
    let r = agg.rules;
    let empty = YearTally::new(r);
    let this = Counts { tally: agg.tally(year).unwrap_or(&empty), rules: r };
    let prev = agg.tally(year - 1).map(|tally| Counts { tally, rules: r });
    let mut figs = Figures::default();

    summary(&mut figs, agg, year, &this);
    headline(&mut figs, agg, year, &this, prev.as_ref());
    matrix(&mut figs, agg, year, &this, r);
    majors(&mut figs, agg, year);
    services(&mut figs, &this, prev.as_ref());
    causes(&mut figs, &this, prev.as_ref());
    equipment(&mut figs, &this, prev.as_ref());
    for (&fy, _) in agg.years.range(..=year) {
        if !r.sets_in_year(fy).is_empty() {
            figs.push("major_trend", fy.to_string(), "count", Value::Int(agg.accidents(fy).len() as i64));
        }
    }
    if year == agg.year {
        rows(&mut figs, agg);
    }
    if let (Some(note), Some(set)) = (r.trial_note(), r.year_set(year)) {
        figs.push("trial", set.id(), "note", Value::Text(note.to_string()));
    }
    figs
}

fn summary(figs: &mut Figures, agg: &Aggregate, year: i32, this: &Counts) {
    let t = this.tally;
    let rows = [
        ("major", agg.major_carriers(year) as u64, agg.accidents(year).len() as u64),
        ("detailed", t.detailed_carriers.len() as u64, t.detailed_reports),
        ("simple", t.simple_carriers.len() as u64, t.simple_reports),
    ];
    for (row, carriers, reports) in rows {
        figs.push("summary", row, "carriers", Value::Int(carriers as i64));
        figs.push("summary", row, "reports", Value::Int(reports as i64));
    }
    // The edition's major count is of accidents (reports sharing an
    // accident_id once); beside it, the accidents and every major report.
    let accidents = agg.accidents(year);
    figs.push("summary", "major", "accidents", Value::Int(accidents.len() as i64));
    figs.push("summary", "major", "major_reports", Value::Int(accidents.iter().map(|a| a.cells.len()).sum::<usize>() as i64));
}

fn headline(figs: &mut Figures, agg: &Aggregate, year: i32, this: &Counts, prev: Option<&Counts>) {
    for row in ["total", "users_lt500", "users_ge30k", "duration_ge2h"] {
        let of = |c: &Counts| c.of("headline", row, "count");
        measured_row(figs, "headline", row, of(this), prev.map(of), true);
    }
    let majors = agg.accidents(year).len() as i64;
    figs.push("headline", "major", "count", Value::Int(majors));
    if prev.is_some() {
        figs.push("headline", "major", "count_delta", Value::Int(majors - agg.accidents(year - 1).len() as i64));
    }
}

fn matrix(figs: &mut Figures, agg: &Aggregate, year: i32, this: &Counts, r: rules::Rules) {
    let v = r.vocab;
    let count = |row: &str, column: &str| Value::Int(this.sum("matrix", row, column) as i64);
    for (d, dbin) in v.duration_bins.iter().enumerate() {
        for (u, ubin) in v.user_bins.iter().enumerate() {
            // A cell under both duty thresholds is outside every table.
            if !r.cell_outside_duty(d, u) {
                figs.push("matrix", dbin.code, ubin.code, count(dbin.code, ubin.code));
            }
        }
        figs.push("matrix", dbin.code, "total", count(dbin.code, "total"));
    }
    figs.push("matrix", "info_leak", "total", count("info_leak", "total"));
    for ubin in v.user_bins.iter() {
        figs.push("matrix", "total", ubin.code, count("total", ubin.code));
    }
    figs.push("matrix", "total", "total", count("total", "total"));

    let shares = v.duration_bins.iter().map(|b| (b.code, "total")).chain([("info_leak", "total")]);
    let shares = shares.chain(v.user_bins.iter().map(|b| ("total", b.code))).chain([("total", "total")]);
    for (row, column) in shares {
        let (n, total) = this.of("matrix_share", row, column);
        if let Some(s) = share(n, total, MATRIX_DECIMALS) {
            figs.push("matrix_share", row, column, s);
        }
    }

    let mut marks: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for a in agg.accidents(year) {
        for &cell in &a.cells {
            marks.entry(cell).or_default().push(a.number);
        }
    }
    for ((d, u), numbers) in marks {
        let row = v.duration_bins.get(d).map_or("info_leak", |b| b.code);
        let text = numbers.iter().map(usize::to_string).collect::<Vec<_>>().join(";");
        figs.push("matrix_major", row, v.user_bins[u].code, Value::Text(text));
    }
}

fn majors(figs: &mut Figures, agg: &Aggregate, year: i32) {
    for a in agg.accidents(year) {
        let row = a.number.to_string();
        figs.push("major", &row, "started_at", Value::Text(a.started_at.to_string()));
        figs.push("major", &row, "duration_min", Value::Int(a.duration_min as i64));
        figs.push("major", &row, "affected_users", Value::Int(a.affected_users as i64));
        figs.push("major", &row, "class", Value::Text(a.class.map_or(String::new(), |c| c.to_string())));
        figs.push("major", &row, "carrier", Value::Text(a.carriers.join("・")));
    }
}

fn services(figs: &mut Figures, this: &Counts, prev: Option<&Counts>) {
    let v = this.rules.vocab;
    let groups = v.service_groups.iter().map(|g| g.code).chain(["total"]);
    breakdown(figs, "service", groups, this, prev);
    for g in v.service_groups.iter() {
        let subs: Vec<Group> = v.service_subs(g.code);
        breakdown(figs, &format!("service_{}", g.code), subs.iter().map(|s| s.code), this, prev);
    }
}

fn causes(figs: &mut Figures, this: &Counts, prev: Option<&Counts>) {
    breakdown(figs, "cause", this.rules.vocab.cause_groups.iter().map(|g| g.code).chain(["total"]), this, prev);
}

fn equipment(figs: &mut Figures, this: &Counts, prev: Option<&Counts>) {
    let v = this.rules.vocab;
    breakdown(figs, "equipment", v.equipment_groups.iter().map(|g| g.code).chain(["known"]), this, prev);
    figs.push("equipment", "unknown", "count", Value::Int(this.sum("equipment", "unknown", "count") as i64));
    for g in v.equipment_groups.iter() {
        let codes = v.equipment.iter().filter(|e| e.group == g.code).map(|e| e.code);
        breakdown(figs, &format!("equipment_{}", g.code), codes, this, prev);
    }
}

/// The rows of a breakdown table, each with its share of the table's base.
fn breakdown<'a>(figs: &mut Figures, table: &str, rows: impl Iterator<Item = &'a str>, this: &Counts, prev: Option<&Counts>) {
    for row in rows {
        let of = |c: &Counts| c.of(table, row, "count");
        breakdown_row(figs, table, row, of(this), prev.map(of));
    }
}

/// Where every row read went (table `rows`): per file and in total.
fn rows(figs: &mut Figures, agg: &Aggregate) {
    for a in &agg.accounts {
        push_account(figs, &a.path, a, agg.period.through.is_some());
    }
    push_account(figs, "total", &FileAccount::sum("total", &agg.accounts), agg.period.through.is_some());
}

/// Where a file's rows went; `after_through` only for a year to date.
fn push_account(figs: &mut Figures, row: &str, a: &FileAccount, to_date: bool) {
    for (column, n) in [
        ("read", a.read),
        ("counted", a.counted),
        ("other_years", a.other_years),
        ("outside_duty", a.outside_duty),
        ("rejected", a.rejected),
    ] {
        figs.push("rows", row, column, Value::Int(n as i64));
    }
    if to_date {
        figs.push("rows", row, "after_through", Value::Int(a.after_through as i64));
    }
}

/// One published figure and what the tool made of it.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub key: String,
    pub published: String,
    /// `None` when the tool did not compute that key.
    pub computed: Option<String>,
}

impl Mismatch {
    /// `key: published p, computed c`, in `lang`.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        match &self.computed {
            Some(c) => crate::say!(lang, "{k}: published {p}, computed {c}", "{k}: 公表値 {p}、計算値 {c}", k = self.key, p = self.published, c = c),
            None => crate::say!(lang, "{k}: published {p}, computed missing", "{k}: 公表値 {p}、計算値なし", k = self.key, p = self.published),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub total: usize,
    pub mismatches: Vec<Mismatch>,
}

impl Comparison {
    pub(crate) fn matched(&self) -> usize {
        self.total - self.mismatches.len()
    }
}

/// A published file's figures, in file order, with their line numbers.
pub fn read_published(lang: crate::lang::Lang, path: &Path) -> Result<Vec<(u64, [String; 4])>> {
    let bytes = std::fs::read(path).with_context(|| crate::lang::doing(lang, "opening", "オープン", &path.display()))?;
    parse_published(lang, &path.display().to_string(), &bytes)
}

/// A published figures file's rows (`table,row,column,value`) with lines.
pub(crate) fn parse_published(lang: crate::lang::Lang, name: &str, bytes: &[u8]) -> Result<Vec<(u64, [String; 4])>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().with_context(|| crate::lang::doing(lang, "reading", "読み込み", &name))?.clone();
    if headers.iter().collect::<Vec<_>>() != ["table", "row", "column", "value"] {
        bail!(crate::say!(lang, "{name}:1: expected the header table,row,column,value", "{name}:1: 見出し table,row,column,value が必要です", name = name));
    }
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.with_context(|| crate::lang::doing(lang, "reading", "読み込み", &name))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != 4 {
            bail!(crate::say!(lang, "{name}:{line}: expected 4 fields, found {n}", "{name}:{line}: 4項目が必要ですが{n}項目です", name = name, line = line, n = rec.len()));
        }
        out.push((line, [0, 1, 2, 3].map(|i| rec[i].trim().to_string())));
    }
    Ok(out)
}

/// Compare per figures.md: by key; shares at the published precision;
/// signs `+`/`＋` and `-`/`－` alike.
pub fn compare(computed: &Figures, published: &[(u64, [String; 4])]) -> Comparison {
    let mut mismatches = Vec::new();
    for (_, [table, row, column, value]) in published {
        let key = format!("{table},{row},{column}");
        let wanted = normalise_sign(value);
        let got = computed.get(table, row, column).map(|v| v.text_like(&wanted));
        let same = match (&got, computed.get(table, row, column)) {
            (Some(g), Some(Value::Text(_))) => *g == wanted,
            (Some(g), Some(_)) => numbers_equal(g, &wanted),
            _ => false,
        };
        if !same {
            mismatches.push(Mismatch { key, published: value.clone(), computed: got });
        }
    }
    Comparison { total: published.len(), mismatches }
}

fn normalise_sign(s: &str) -> String {
    s.replace('＋', "+").replace('－', "-")
}

pub(crate) fn numbers_equal(a: &str, b: &str) -> bool {
    let clean = |s: &str| s.trim_start_matches('+').to_string();
    match (clean(a).parse::<f64>(), clean(b).parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_on_exact_ratios() {
        assert_eq!(Value::share_scaled(6118, 6612, 0), 93);
        assert_eq!(Value::share_scaled(6118, 6612, 1), 925);
        assert_eq!(Value::share_scaled(1, 8, 0), 13); // 12.5 -> 13
        assert_eq!(Value::share_scaled(1, 16, 1), 63); // 6.25 -> 6.3
        assert_eq!(Value::share_scaled(1, 200, 0), 1); // 0.5 -> 1
        assert_eq!(Value::share_scaled(3325, 6612, 1), 503);
        let v = Value::Share { num: 1521, den: 6612, decimals: 1 };
        assert_eq!(v.to_string(), "23.0");
        assert_eq!(v.text_like("23"), "23");
        assert_eq!(Value::Share { num: 6612, den: 6612, decimals: 1 }.to_string(), "100.0");
    }

    #[test]
    fn compares_at_the_published_precision() {
        let mut figs = Figures::default();
        figs.push("headline", "users_lt500", "share", Value::Share { num: 6118, den: 6612, decimals: 0 });
        figs.push("headline", "users_lt500", "share_delta", Value::Int(-1));
        figs.push("major", "1", "started_at", Value::Text("2020-04-30T14:07".into()));
        let published = |rows: &[[&str; 4]]| -> Vec<(u64, [String; 4])> {
            rows.iter().enumerate().map(|(i, r)| (i as u64 + 2, r.map(String::from))).collect()
        };
        let ok = compare(
            &figs,
            &published(&[
                ["headline", "users_lt500", "share", "93"],
                ["headline", "users_lt500", "share", "92.5"],
                ["headline", "users_lt500", "share_delta", "－1"],
                ["major", "1", "started_at", "2020-04-30T14:07"],
            ]),
        );
        assert_eq!(ok.matched(), 4, "{:?}", ok.mismatches);
        let bad = compare(
            &figs,
            &published(&[
                ["headline", "users_lt500", "share", "92"],
                ["headline", "total", "count", "6612"],
                ["major", "1", "started_at", "2020-04-30 14:07"],
            ]),
        );
        assert_eq!(bad.matched(), 0);
        assert_eq!(bad.mismatches[0].text(crate::lang::Lang::En), "headline,users_lt500,share: published 92, computed 93");
        assert_eq!(bad.mismatches[1].text(crate::lang::Lang::En), "headline,total,count: published 6612, computed missing");
    }
}
