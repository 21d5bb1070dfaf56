//! `jiko aggregate --compare B`: the year counted under a second rule book
//! beside the run's own (A), in one run: every figure that differs, and
//! every report whose verdict (duty, major, class) changes. Both books are
//! passed to the counting and judging (`rules::Rules`); nothing global
//! is swapped.

use std::path::Path;

use anyhow::Result;

use crate::figures::{self, Figures};
use crate::output::CsvOut;
use crate::records::{self, ReadOptions, Row};
use crate::render::{Cell, Table};
use crate::rules::{self, Rules};

/// The two rule sets' answers side by side.
pub struct Comparison {
    pub a: String,
    pub b: String,
    /// `table,row,column` with A's and B's value (`－`: not computed),
    /// the major list's numbered rows aside (`accidents`).
    pub figures: Vec<([String; 3], String, String)>,
    /// Major accidents matched by accident_id, not by their number: each
    /// added, removed or changed under B.
    pub accidents: Vec<AccidentChange>,
    /// Reports whose verdict changes, in input order.
    pub reports: Vec<Changed>,
    /// The fiscal year compared: an earlier year's `major_trend` under B
    /// is that year's records judged again by B.
    pub year: i32,
    /// Rules B's trial note (a proposal, `as-of:`), Japanese and English.
    pub b_trial: Option<(String, String)>,
    /// The rules of the run (A), for the labels of figures.
    pub rules: Rules,
}

/// A major accident that B adds, removes or judges otherwise.
pub struct AccidentChange {
    pub accident_id: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub a: String,
    pub b: String,
}

/// An accident in one phrase: its number in that list, carriers, start
/// and class.
fn accident_text(a: &crate::aggregate::Accident) -> String {
    let class = a.class.map_or(String::new(), |c| format!("、{}", rules::kanji_number(usize::from(c))));
    format!("No.{} {} {}{class}", a.number, a.carriers.join("・"), a.started_at.to_string().replace('T', " "))
}

/// The majors of A and B matched by accident_id.
fn accident_changes(a: &[crate::aggregate::Accident], b: &[crate::aggregate::Accident]) -> Vec<AccidentChange> {
    let mut out = Vec::new();
    let find = |list: &[crate::aggregate::Accident], id: &str| list.iter().position(|x| x.accident_id == id);
    for x in a {
        match find(b, &x.accident_id).map(|i| &b[i]) {
            None => out.push(AccidentChange { accident_id: x.accident_id.clone(), change: "removed", a: accident_text(x), b: "－".into() }),
            // The number alone is no change: it follows the others.
            Some(y) if (x.class, x.duration_min, x.affected_users, &x.carriers, x.services) != (y.class, y.duration_min, y.affected_users, &y.carriers, y.services) => {
                out.push(AccidentChange { accident_id: x.accident_id.clone(), change: "changed", a: accident_text(x), b: accident_text(y) })
            }
            Some(_) => {}
        }
    }
    for y in b.iter().filter(|y| find(a, &y.accident_id).is_none()) {
        out.push(AccidentChange { accident_id: y.accident_id.clone(), change: "added", a: "－".into(), b: accident_text(y) });
    }
    out
}

/// Tables whose rows are the majors' numbers: compared by accident.
const NUMBERED: &[&str] = &["major", "matrix_major"];

/// The trial's note (figures.rs: `trial,SET,note`): a label of rules B's
/// run, not a figure that differs; the comparison's header names B.
const TRIAL: &str = "trial";

pub struct Changed {
    pub incident_id: String,
    pub carrier: String,
    pub started_at: String,
    pub duration_min: u64,
    pub affected_users: u64,
    pub a: String,
    pub b: String,
}

/// The second book, read and checked before any input is.
pub fn load(lang: crate::lang::Lang, a: Rules, path: &Path) -> Result<Rules> {
    let b = super::run_rules(lang, Some(path))?;
    anyhow::ensure!(
        a.same_codes(&b),
        "{}",
        crate::say!(
            lang,
            "--compare {p}: its codes or bins differ from the run's rules, so figures cannot be set side by side",
            "--compare {p}: コード又は区分が実行中の規則と異なるため、数値を比較できません",
            p = path.display()
        )
    );
    Ok(b)
}

/// Count and judge the year again under `b` and set the two side by side.
/// `figs` are the run's own figures (A); `read` reads by B.
pub fn compare(l: &super::Loaded, figs: &Figures, b: Rules, read: &ReadOptions, trend: &[(i32, u64)]) -> Result<Comparison> {
    let a = l.agg.rules;
    let agg_b = crate::aggregate::aggregate_period(&l.files, l.agg.period, read, &l.carriers)?;
    let mut figs_b = figures::compute(&agg_b, l.year);
    figs_b.add_published_trend(trend, l.year);
    let key = |f: &figures::Figure| [f.table.clone(), f.row.clone(), f.column.clone()];
    let mut keys: Vec<[String; 3]> = figs.list.iter().map(key).collect();
    keys.extend(figs_b.list.iter().map(key).filter(|k| figs.get(&k[0], &k[1], &k[2]).is_none()));
    let text = |f: &Figures, k: &[String; 3]| f.get(&k[0], &k[1], &k[2]).map_or("－".to_string(), |v| v.to_string());
    let differ: Vec<([String; 3], String, String)> = keys
        .into_iter()
        .filter(|k| !NUMBERED.contains(&k[0].as_str()) && k[0] != TRIAL)
        .map(|k| (text(figs, &k), text(&figs_b, &k), k))
        .filter(|(x, y, _)| x != y)
        .map(|(x, y, k)| (k, x, y))
        .collect();
    let accidents = accident_changes(l.agg.accidents(l.year), agg_b.accidents(l.year));
    Ok(Comparison { a: a.book.origin.clone(), b: b.book.origin.clone(), figures: differ, accidents, reports: verdicts(l, read, a, b)?, year: l.year, b_trial: b.book.trial.as_ref().map(|t| (t.note.clone(), t.note_en.clone())), rules: a })
}

/// What the rules say of a report, in one phrase.
fn verdict(r: Rules, row: &Row) -> String {
    let j = r.judge(&row.incident());
    match (&j.major, j.within_duty) {
        (Some(m), _) => match m.class {
            Some(c) => format!("重大な事故（{}）", rules::kanji_number(usize::from(c))),
            None => "重大な事故".to_string(),
        },
        (None, true) => "報告対象".to_string(),
        (None, false) => "報告対象外".to_string(),
    }
}

/// The year's reports whose verdict differs, read once more.
fn verdicts(l: &super::Loaded, read: &ReadOptions, a: Rules, b: Rules) -> Result<Vec<Changed>> {
    let period = l.agg.period;
    let mut found: Vec<Vec<(u64, Changed)>> = (0..records::worker_count()).map(|_| Vec::new()).collect();
    {
        let mut sinks: Vec<_> = found
            .iter_mut()
            .map(|out| {
                move |row: &Row| {
                    if row.started_at.fiscal_year() != period.year || !period.includes(&row.started_at) {
                        return;
                    }
                    let (x, y) = (verdict(a, row), verdict(b, row));
                    if x != y {
                        out.push((
                            crate::incidents::list_key(row),
                            Changed {
                                incident_id: row.incident_id.to_string(),
                                carrier: row.carrier.to_string(),
                                started_at: row.started_at.to_string(),
                                duration_min: row.duration_min,
                                affected_users: row.affected_users,
                                a: x,
                                b: y,
                            },
                        ));
                    }
                }
            })
            .collect();
        records::read_files_in_parallel(&l.files, read, &mut sinks)?;
    }
    let mut all: Vec<(u64, Changed)> = found.into_iter().flatten().collect();
    all.sort_by_key(|(k, _)| *k);
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

/// Rows of a report section's tables, at most.
const SHOWN: usize = 50;

impl Comparison {
    /// compare.csv: the two rule books, then every difference, figures
    /// first, then reports.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = CsvOut::for_people();
        w.row(["kind", "table", "row", "column", "incident_id", "under_a", "under_b", "note"]);
        let trial = self.b_trial.as_ref().map_or("", |(ja, _)| ja.as_str());
        w.row(["rules", "", "", "", "", &self.a, &self.b, trial]);
        for ([t, r, c], x, y) in &self.figures {
            w.row(["figure", t, r, c, "", x, y, self.note(t, r)]);
        }
        for c in &self.accidents {
            w.row(["accident", "", "", c.change, &c.accident_id, &c.a, &c.b, ""]);
        }
        for c in &self.reports {
            w.row(["report", "", "", "", &c.incident_id, &c.a, &c.b, ""]);
        }
        w.finish()
    }

    /// What a figure's B value is besides a count of this year under B.
    fn note(&self, table: &str, row: &str) -> &'static str {
        match (table, row.parse::<i32>()) {
            ("major_trend", Ok(fy)) if fy < self.year => "rejudged_by_b",
            _ => "",
        }
    }

    /// The report's section: what is compared, and the first differences.
    pub fn section(&self) -> (Vec<String>, Vec<Table>) {
        let trial = self.b_trial.as_ref().map_or(String::new(), |(ja, _)| format!("規則Bは{ja}"));
        let lines = vec![
            format!("規則A（この報告の集計）: {}。規則B（比較）: {}。{trial}", self.a, self.b),
            format!(
                "規則Bでは{}件の数値が異なり、{}件の報告で判定が変わる（すべて compare.csv、{}件まで以下に示す）。",
                self.figures.len(),
                self.reports.len(),
                SHOWN
            ),
        ];
        let mut f = table("compare_figures", "規則Aと規則Bで異なる数値", &["表", "行", "列", "規則A", "規則B"]);
        for ([t, r, c], x, y) in self.figures.iter().take(SHOWN) {
            // Named in Japanese, the code beside for a program.
            let [tl, rl, cl] = crate::render::figure_labels(self.rules, [t, r, c]);
            let y = match self.note(t, r) {
                "" => y.clone(),
                _ => format!("{y}（前年度以前の記録を規則Bで判定し直した値）"),
            };
            f.rows.push([tl, rl, cl, x.clone(), y].into_iter().map(Cell::Text).collect());
        }
        let mut acc = table("compare_accidents", "規則Bで増減・変化する重大な事故（事故番号で対応）", &["事故番号", "変化", "規則A", "規則B"]);
        for c in self.accidents.iter().take(SHOWN) {
            acc.rows.push([c.accident_id.clone(), format!("{}（{}）", change_ja(c.change), c.change), c.a.clone(), c.b.clone()].into_iter().map(Cell::Text).collect());
        }
        let mut r = table("compare_reports", "規則Bで判定が変わる報告", &["報告番号", "事業者名", "発生日時", "継続時間", "影響利用者数", "規則A", "規則B"]);
        for c in self.reports.iter().take(SHOWN) {
            r.rows.push(vec![
                Cell::Text(c.incident_id.clone()),
                Cell::Text(c.carrier.clone()),
                Cell::Text(c.started_at.replace('T', " ")),
                Cell::Text(rules::hours_text(c.duration_min)),
                Cell::Text(crate::render::thousands(c.affected_users as i64)),
                Cell::Text(c.a.clone()),
                Cell::Text(c.b.clone()),
            ]);
        }
        (lines, vec![f, acc, r])
    }

    /// What the terminal shows.
    pub fn print(&self, lang: crate::lang::Lang) {
        println!("{}", crate::say!(lang, "compare: A = {a}, B = {b}", "比較: 規則A = {a}、規則B = {b}", a = self.a, b = self.b));
        if let Some((ja, en)) = &self.b_trial {
            println!("{}", crate::say!(lang, "  B: {n}", "  規則B: {n}", n = if lang.ja() { ja } else { en }));
        }
        println!("{}", crate::say!(lang, "  {n} figure(s) differ", "  異なる数値: {n}件", n = self.figures.len()));
        for ([t, r, c], x, y) in self.figures.iter().take(20) {
            if lang.ja() {
                let [tl, rl, cl] = crate::render::figure_labels(self.rules, [t, r, c]);
                println!("    {tl}・{rl}・{cl}（{t},{r},{c}）: 規則A {x}、規則B {y}");
            } else {
                println!("    {t},{r},{c}: A {x}, B {y}");
            }
        }
        println!("{}", crate::say!(lang, "  {n} major accident(s) added, removed or changed (matched by accident_id)", "  増減・変化する重大な事故: {n}件（事故番号で対応）", n = self.accidents.len()));
        for c in self.accidents.iter().take(20) {
            if lang.ja() {
                println!("    {} {}: 規則A {}、規則B {}", c.accident_id, change_ja(c.change), c.a, c.b);
            } else {
                println!("    {} {}: A {}, B {}", c.accident_id, c.change, c.a, c.b);
            }
        }
        println!("{}", crate::say!(lang, "  {n} report(s) change verdict", "  判定が変わる報告: {n}件", n = self.reports.len()));
        for c in self.reports.iter().take(20) {
            println!("    {} {} {}: {}", c.incident_id, c.carrier, c.started_at, crate::say!(lang, "A {a}, B {b}", "規則A {a}、規則B {b}", a = c.a, b = c.b));
        }
        if self.figures.len() > 20 || self.reports.len() > 20 {
            println!("{}", crate::say!(lang, "  (all in compare.csv)", "  （すべて compare.csv）"));
        }
    }
}

fn table(name: &str, title: &str, header: &[&str]) -> Table {
    Table { name: name.to_string(), title: title.to_string(), header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new(), notes: Vec::new(), values: Vec::new() }
}

/// A major accident's change under rules B, in Japanese.
fn change_ja(change: &str) -> &'static str {
    match change {
        "added" => "規則Bで重大な事故に",
        "removed" => "規則Bで重大な事故でない",
        _ => "規則Bで判定が変わる",
    }
}
