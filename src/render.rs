//! The human tables, in Japanese and laid out as the edition lays them out,
//! built from the computed figures: one CSV per table and one Markdown file.

pub use crate::numbers::{signed, thousands};
use crate::aggregate::Aggregate;
use crate::figures::{Figures, Value};
use crate::rules;
use crate::rules::taxonomy::{self, label, Vocabulary};
use crate::wareki;

/// One printed cell: its text, and for a number its value and an Excel
/// number format that shows the same text (`#,##0"件 (50.3%)"`), so that a
/// workbook keeps numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A matrix cell outside the reporting duty: its label, shown grey.
    Outside(String),
    Num { value: f64, text: String, format: String },
}

impl Cell {
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(t) | Cell::Outside(t) | Cell::Num { text: t, .. } => t,
        }
    }

    fn label(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A count followed by fixed text: `6,612件`, `4社 (5社)`, `5 <3>`.
    fn count(n: i64, suffix: &str) -> Cell {
        Cell::Num { value: n as f64, text: format!("{}{suffix}", thousands(n)), format: format!("#,##0{}", quoted(suffix)) }
    }

    /// A share as printed (`25`, `50.3`) with its % sign.
    fn percent(printed: &str) -> Cell {
        match printed.parse::<f64>() {
            Ok(v) => {
                let decimals = printed.split_once('.').map_or(0, |(_, f)| f.len());
                let pattern = if decimals == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(decimals)) };
                Cell::Num { value: v, text: format!("{printed}%"), format: format!("{pattern}\"%\"") }
            }
            Err(_) => Cell::Text(format!("{printed}%")),
        }
    }

    /// A signed difference: `+311件`, `-1ポイント`, `±0ポイント`.
    fn delta(n: i64, unit: &str) -> Cell {
        Cell::Num {
            value: n as f64,
            text: signed(n, unit),
            format: format!("+#,##0{u};-#,##0{u};{z}", u = quoted(unit), z = quoted(&format!("±0{unit}"))),
        }
    }
}

/// A figure's key in Japanese, each part with its code beside it
/// (`報告の概要（summary）`, `重大な事故（major）`, `事業者数（carriers）`): for
/// the report's tables that list figures by key (the comparison). A part
/// with no Japanese name is its code.
pub(crate) fn figure_labels(r: rules::Rules, [table, row, column]: [&str; 3]) -> [String; 3] {
    let v = r.vocab;
    let duty = &r.book.duty;
    let table_label = match taxonomy::table_title(table) {
        "" => match table {
            "headline" => "主な件数".to_string(),
            "matrix_share" => "影響利用者数及び継続時間（割合）".to_string(),
            "matrix_major" => "影響利用者数及び継続時間（重大な事故）".to_string(),
            "rows" => "入力ファイルの行".to_string(),
            _ => String::new(),
        },
        t => t.to_string(),
    };
    let coded = |list: &[taxonomy::Coded], code: &str| list.iter().find(|c| c.code == code).map(|c| c.label.to_string());
    let part = |code: &str| -> String {
        let fixed = match code {
            "total" => Some(label::TOTAL.to_string()),
            "major" => Some(label::MAJOR.to_string()),
            "known" => Some(label::KNOWN.to_string()),
            "unknown" => Some(label::UNKNOWN.to_string()),
            "count" => Some(label::COUNT.to_string()),
            "share" => Some(label::SHARE.to_string()),
            "count_delta" => Some(format!("{}（件数）", label::YOY)),
            "share_delta" => Some(format!("{}（ポイント）", label::YOY)),
            "carriers" => Some(label::CARRIERS.to_string()),
            "reports" => Some(label::REPORTS.to_string()),
            "accidents" => Some("事故件数".to_string()),
            "major_reports" => Some("重大な事故の報告数".to_string()),
            "users_lt500" => v.user_bins.first().map(|b| format!("{}{}", label::USERS, b.label)),
            "users_ge30k" => Some(format!("{}{}人以上", label::USERS, rules::man(duty.min_users))),
            "duration_ge2h" => Some(format!("{}{}以上", label::DURATION, rules::hours_text(duty.min_duration))),
            "started_at" => Some(label::STARTED.to_string()),
            "duration_min" => Some(format!("{}（分）", label::DURATION)),
            "affected_users" => Some(label::USERS.to_string()),
            "class" => Some(label::CLASS.to_string()),
            _ => None,
        };
        let named = fixed
            .or_else(|| Some(v.bin_label(code)).filter(|l| !l.is_empty()).map(str::to_string))
            .or_else(|| Some(taxonomy::group_label(&v.service_groups, code)).filter(|l| !l.is_empty()).map(str::to_string))
            .or_else(|| v.service_groups.iter().flat_map(|g| v.service_subs(g.code)).find(|s| s.code == code).map(|s| s.label.to_string()))
            .or_else(|| Some(taxonomy::group_label(&v.cause_groups, code)).filter(|l| !l.is_empty()).map(str::to_string))
            .or_else(|| Some(taxonomy::group_label(&v.equipment_groups, code)).filter(|l| !l.is_empty()).map(str::to_string))
            .or_else(|| coded(&v.equipment, code))
            .or_else(|| coded(&v.forms, code))
            .or_else(|| code.parse::<i32>().ok().filter(|y| (1900..3000).contains(y)).map(wareki::fiscal_year_label));
        match named {
            Some(n) if n != code => format!("{n}（{code}）"),
            _ => code.to_string(),
        }
    };
    let t = if table_label.is_empty() { table.to_string() } else { format!("{table_label}（{table}）") };
    [t, part(row), part(column)]
}

/// Text as an Excel number-format literal.
fn quoted(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("\"{}\"", s.replace('"', ""))
    }
}

const MISSING: &str = "－";

/// One table as printed: a title, a header row, body rows, notes.
#[derive(Debug, Clone)]
pub struct Table {
    /// File stem, the figures table it shows (`matrix` → `matrix.csv`).
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    /// Numbers a printed cell holds besides its own (the previous year's
    /// value, a share, a date, a duration in minutes), each in a column of
    /// its own: report.xlsx writes them beside the printed table, so a
    /// formula can use them. The CSV, Markdown and HTML tables print only
    /// the printed form.
    pub values: Vec<ValueColumn>,
}

/// A column of numbers beside a printed table: its header, its Excel
/// number format, and (row, value) for the rows that have one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueColumn {
    pub header: String,
    pub format: &'static str,
    pub cells: Vec<(usize, f64)>,
}

/// Excel formats of the value columns.
const COUNT_FORMAT: &str = "#,##0";
const SHARE_FORMAT: &str = "0.0##";
const DATE_FORMAT: &str = "yyyy-mm-dd hh:mm";

impl Table {
    fn new(name: &str, header: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            title: taxonomy::table_title(name).to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            values: Vec::new(),
        }
    }

    /// A number of the row about to be pushed, in the value column `header`.
    fn value(&mut self, header: String, format: &'static str, value: f64) {
        let row = self.rows.len();
        match self.values.iter_mut().find(|c| c.header == header) {
            Some(c) => c.cells.push((row, value)),
            None => self.values.push(ValueColumn { header, format, cells: vec![(row, value)] }),
        }
    }

    /// The table for people: a CSV with a BOM, so Excel reads it as UTF-8;
    /// a trial's (試算) says so in its first header.
    pub(crate) fn to_csv(&self, trial: bool) -> Vec<u8> {
        let mut w = crate::output::CsvOut::for_people();
        let mut header = self.header.clone();
        if let (Some(first), true) = (header.first_mut(), trial) {
            *first = format!("【試算】{first}");
        }
        w.row(&header);
        for r in &self.rows {
            w.row(r.iter().map(Cell::text));
        }
        w.finish()
    }

    pub(crate) fn to_markdown(&self) -> String {
        use crate::output::{md_cell, md_text};
        let mut out = format!("### {}\n\n", md_text(&self.title));
        out += &format!("| {} |\n", self.header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | "));
        out += &format!("|{}\n", "---|".repeat(self.header.len()));
        for r in &self.rows {
            out += &format!("| {} |\n", r.iter().map(|c| md_cell(c.text())).collect::<Vec<_>>().join(" | "));
        }
        for n in &self.notes {
            out += &format!("\n{}\n", md_text(n));
        }
        out
    }
}




fn value_text(v: Option<&Value>) -> String {
    v.map_or_else(|| MISSING.to_string(), |v| v.to_string())
}

fn int_text(f: &Figures, t: &str, r: &str, c: &str) -> String {
    f.int(t, r, c).map_or_else(|| MISSING.to_string(), thousands)
}

/// A figure's count with a suffix, or a dash when it was not computed.
fn count_cell(f: &Figures, t: &str, r: &str, c: &str, suffix: &str) -> Cell {
    f.int(t, r, c).map_or_else(|| Cell::label(MISSING), |n| Cell::count(n, suffix))
}

/// Every table of the year, in the edition's order.
pub fn tables(agg: &Aggregate, year: i32, this: &Figures, prev: Option<&Figures>) -> Vec<Table> {
    let v = agg.rules.vocab;
    let mut out = vec![summary(v, this, prev), majors(agg, year), matrix(this, agg.rules, year), major_trend(this)];
    out.push(breakdown(this, "service", v.service_groups.iter().map(|g| (g.code, g.label)).chain([("total", label::TOTAL)])));
    for g in v.service_groups.iter() {
        let table = format!("service_{}", g.code);
        out.push(breakdown(this, &table, v.service_subs(g.code).iter().map(|s| (s.code, s.label))));
    }
    out.push(breakdown(this, "cause", v.cause_groups.iter().map(|g| (g.code, g.label)).chain([("total", label::TOTAL)])));
    let mut equipment = breakdown(
        this,
        "equipment",
        v.equipment_groups.iter().map(|g| (g.code, g.label)).chain([("known", label::KNOWN)]),
    );
    equipment.notes.push(format!(
        "※ 割合は故障設備が明確な事故件数に占める割合。{}の事故{}件は除く。",
        label::UNKNOWN,
        int_text(this, "equipment", "unknown", "count")
    ));
    out.push(equipment);
    for g in v.equipment_groups.iter() {
        let table = format!("equipment_{}", g.code);
        out.push(breakdown(this, &table, v.equipment.iter().filter(|e| e.group == g.code).map(|e| (e.code, e.label))));
    }
    out
}

fn summary(v: &Vocabulary, this: &Figures, prev: Option<&Figures>) -> Table {
    let mut t = Table::new("summary", &["区分", label::CARRIERS, label::REPORTS]);
    for (row, name) in [("major", label::MAJOR), ("detailed", v.forms[0].label), ("simple", v.forms[1].label)] {
        let cell = |column: &str, unit: &str| match prev.and_then(|p| p.int("summary", row, column)) {
            Some(p) => count_cell(this, "summary", row, column, &format!("{unit} ({}{unit})", thousands(p))),
            None => count_cell(this, "summary", row, column, unit),
        };
        for (column, header) in [("carriers", label::CARRIERS), ("reports", label::REPORTS)] {
            if let Some(p) = prev.and_then(|p| p.int("summary", row, column)) {
                t.value(format!("{header}（前年度）"), COUNT_FORMAT, p as f64);
            }
        }
        t.rows.push(vec![Cell::label(name), cell("carriers", "社"), cell("reports", "件")]);
    }
    if prev.is_some() {
        t.notes.push("※ 括弧内は前年度の値。".into());
    }
    t.notes.push("※ 重大な事故の報告件数は事故の件数（卸役務の提供元と提供先の報告は1件）、事業者数はその全報告の事業者数。".into());
    t
}

fn majors(agg: &Aggregate, year: i32) -> Table {
    let mut t = Table::new(
        "major",
        &[label::NO, label::CARRIER, label::STARTED, label::DURATION, label::USERS, label::CONTENT, label::SERVICES, label::CLASS],
    );
    for a in agg.accidents(year) {
        let m = a.started_at;
        t.value(format!("{}（日時）", label::STARTED), DATE_FORMAT, m.excel_serial());
        t.value(format!("{}（分）", label::DURATION), COUNT_FORMAT, a.duration_min as f64);
        let services: Vec<&str> = agg.rules.vocab.services_in(a.services).map(|(_, s)| s.label).collect();
        t.rows.push(vec![
            Cell::count(a.number as i64, ""),
            Cell::label(a.carriers.join("・")),
            Cell::label(format!("{}年{}月{}日 {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute)),
            Cell::label(rules::hours_text(a.duration_min)),
            Cell::count(a.affected_users as i64, ""),
            Cell::label(a.summary.clone()),
            Cell::label(services.join("・")),
            Cell::label(a.class.map_or(String::new(), |c| rules::kanji_number(usize::from(c)).to_string())),
        ]);
    }
    for r in agg.rules.sets_in_year(year) {
        t.notes.push(format!("※ 重大な事故の基準（{}）:", r.label()));
        t.notes.extend(r.notes().iter().map(|n| format!("- {n}")));
    }
    t
}

fn matrix(f: &Figures, r: rules::Rules, year: i32) -> Table {
    let (set, v) = (r.year_set(year), r.vocab);
    let (duty_name, outside) = r.duty_labels(year);
    let corner = format!("{}＼{}", label::DURATION, label::USERS);
    let mut header: Vec<&str> = vec![&corner];
    header.extend(v.user_bins.iter().map(|b| v.bin_label(b.code)));
    header.push(label::TOTAL);
    let mut t = Table::new("matrix", &header);
    let total_cell = |row: &str, column: &str| {
        count_cell(f, "matrix", row, column, &format!("件 ({}%)", value_text(f.get("matrix_share", row, column))))
    };
    // The shares printed in the total cells, as numbers (percent).
    let shares = |t: &mut Table, row: &str, columns: &mut dyn Iterator<Item = (&str, &str)>| {
        for (column, header) in columns {
            if let Some(v) = f.get("matrix_share", row, column).and_then(|v| v.to_string().parse::<f64>().ok()) {
                t.value(format!("{header}（割合%）"), SHARE_FORMAT, v);
            }
        }
    };
    let mut body_rows: Vec<&str> = v.duration_bins.iter().map(|b| b.code).collect();
    if f.int("matrix", "info_leak", "total").unwrap_or(0) > 0 {
        body_rows.push("info_leak");
    }
    for (d, code) in body_rows.iter().enumerate() {
        let mut row = vec![Cell::label(v.bin_label(code))];
        for (u, ub) in v.user_bins.iter().enumerate() {
            let cell = if *code == "info_leak" {
                Cell::label("")
            } else if r.cell_outside_duty(d, u) {
                Cell::Outside(outside.to_string())
            } else {
                let threshold = if set.is_some_and(|s| s.cell_meets_a_threshold(v, d, u)) { "※" } else { "" };
                let marks = f.get("matrix_major", code, ub.code).map(|v| format!(" <{}>", v.to_string().replace(';', ">, <")));
                count_cell(f, "matrix", code, ub.code, &format!("{threshold}{}", marks.as_deref().unwrap_or("")))
            };
            row.push(cell);
        }
        row.push(total_cell(code, "total"));
        shares(&mut t, code, &mut [("total", label::TOTAL)].into_iter());
        t.rows.push(row);
    }
    shares(&mut t, "total", &mut v.user_bins.iter().map(|b| (b.code, v.bin_label(b.code))).chain([("total", label::TOTAL)]));
    let mut total = vec![Cell::label(label::TOTAL)];
    total.extend(v.user_bins.iter().map(|b| total_cell("total", b.code)));
    total.push(total_cell("total", "total"));
    t.rows.push(total);
    t.notes.push("<n> は重大な事故（重大な事故の一覧の No）を含むことを示す。".into());
    if let Some(s) = set {
        t.notes.push(format!("※ 重大な事故の基準（{}、注1）のいずれかの区分に該当し得る範囲。", s.label()));
    }
    t.notes.push(format!(
        "※ {}: {}の事故は{}の対象外。",
        outside,
        r.outside_duty_text(),
        duty_name
    ));
    t
}

/// Majors per fiscal year: from the records, or (marked) published.
fn major_trend(f: &Figures) -> Table {
    let mut t = Table::new("major_trend", &[label::FISCAL_YEAR, label::COUNT, label::SOURCE]);
    let mut years: Vec<(i32, i64, &str)> = f
        .list
        .iter()
        .filter(|x| x.table == "major_trend")
        .map(|x| {
            let source = if x.column == "count" { label::FROM_RECORDS } else { label::PUBLISHED };
            (x.row.parse().unwrap_or_default(), x.value.to_string().parse().unwrap_or_default(), source)
        })
        .collect();
    years.sort();
    // A year between two known ones is a row of its own, 不明, as the
    // chart draws it (never left out, never a zero).
    let mut next = None;
    for (fy, n, source) in years {
        for gap in next.unwrap_or(fy)..fy {
            t.rows.push(vec![Cell::label(wareki::fiscal_year_label(gap)), Cell::label(label::NOT_KNOWN), Cell::label(label::NOT_PUBLISHED)]);
        }
        t.rows.push(vec![Cell::label(wareki::fiscal_year_label(fy)), Cell::count(n, "件"), Cell::label(source)]);
        next = Some(fy + 1);
    }
    t
}

/// A breakdown table: count, share and 前年度比 (share points).
fn breakdown<'a>(f: &Figures, table: &str, rows: impl Iterator<Item = (&'a str, &'a str)>) -> Table {
    let mut t = Table::new(table, &["区分", label::COUNT, label::SHARE, label::YOY]);
    for (code, name) in rows {
        let delta = f.int(table, code, "share_delta").map_or_else(|| Cell::label(MISSING), |d| Cell::delta(d, "ポイント"));
        let share = f.get(table, code, "share").map_or_else(|| Cell::label(MISSING), |v| Cell::percent(&v.to_string()));
        t.rows.push(vec![Cell::label(name), count_cell(f, table, code, "count", "件"), share, delta]);
    }
    t
}

/// All tables as one Markdown document.
pub(crate) fn markdown(title: &str, tables: &[Table], footer: &[String]) -> String {
    let mut out = format!("# {}\n\n", crate::output::md_text(title));
    for t in tables {
        out += &t.to_markdown();
        out.push('\n');
    }
    out += "---\n\n";
    for line in footer {
        out += &format!("{}\n\n", crate::output::md_text(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_texts() {
        assert_eq!(thousands(6612), "6,612");
        assert_eq!(thousands(2_200_000), "2,200,000");
        assert_eq!(thousands(-15), "-15");
        assert_eq!(signed(311, "件"), "+311件");
        assert_eq!(signed(0, "ポイント"), "±0ポイント");
        assert_eq!(rules::hours_text(4892), "81時間32分");
        assert_eq!(rules::hours_text(120), "2時間");
    }
}
