//! The human tables, in Japanese and laid out as the edition lays them out,
//! built from the computed figures: one CSV per table and one Markdown file.

use crate::aggregate::Aggregate;
use crate::figures::{Figures, Value};
use crate::rules::{self, DURATION_BINS, USER_BINS};
use crate::taxonomy::{self, label, CAUSE_GROUPS, EQUIPMENT, EQUIPMENT_GROUPS, SERVICE_GROUPS};
use crate::wareki;

/// One table as printed: a title, a header row, body rows, notes.
#[derive(Debug, Clone)]
pub struct Table {
    /// File stem, the figures table it shows (`matrix` → `matrix.csv`).
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

impl Table {
    fn new(name: &str, header: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            title: taxonomy::table_title(name).to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = crate::output::csv_writer(Vec::new());
        // A CSV row per printed row; csv only fails on I/O, and this is memory.
        let _ = w.write_record(&self.header);
        for r in &self.rows {
            let _ = w.write_record(r);
        }
        w.into_inner().unwrap_or_default()
    }

    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;");
        let mut out = format!("### {}\n\n", self.title);
        out += &format!("| {} |\n", self.header.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | "));
        out += &format!("|{}\n", "---|".repeat(self.header.len()));
        for r in &self.rows {
            out += &format!("| {} |\n", r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | "));
        }
        for n in &self.notes {
            out += &format!("\n{n}\n");
        }
        out
    }
}

/// `6,612`
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `+311件`, `-15件`, `±0件`
pub fn signed(n: i64, unit: &str) -> String {
    match n {
        0 => format!("±0{unit}"),
        n if n > 0 => format!("+{}{unit}", thousands(n)),
        n => format!("{}{unit}", thousands(n)),
    }
}

/// `81時間32分`
pub fn duration_text(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}分"),
        (h, 0) => format!("{h}時間"),
        (h, m) => format!("{h}時間{m}分"),
    }
}

fn value_text(v: Option<&Value>) -> String {
    v.map_or_else(|| "－".to_string(), |v| v.to_string())
}

fn int_text(f: &Figures, t: &str, r: &str, c: &str) -> String {
    f.int(t, r, c).map_or_else(|| "－".to_string(), thousands)
}

/// Every table of the year, in the edition's order.
pub fn tables(agg: &Aggregate, year: i32, this: &Figures, prev: Option<&Figures>) -> Vec<Table> {
    let mut out = vec![summary(this, prev), majors(agg, year), matrix(this), major_trend(this)];
    out.push(breakdown(this, "service", SERVICE_GROUPS.iter().map(|g| (g.code, g.label)).chain([("total", label::TOTAL)])));
    for g in SERVICE_GROUPS {
        let table = format!("service_{}", g.code);
        out.push(breakdown(this, &table, taxonomy::service_subs(g.code).iter().map(|s| (s.code, s.label))));
    }
    out.push(breakdown(this, "cause", CAUSE_GROUPS.iter().map(|g| (g.code, g.label)).chain([("total", label::TOTAL)])));
    let mut equipment = breakdown(
        this,
        "equipment",
        EQUIPMENT_GROUPS.iter().map(|g| (g.code, g.label)).chain([("known", label::KNOWN)]),
    );
    equipment.notes.push(format!(
        "※ 割合は故障設備が明確な事故件数に占める割合。{}の事故{}件は除く。",
        label::UNKNOWN,
        int_text(this, "equipment", "unknown", "count")
    ));
    out.push(equipment);
    for g in EQUIPMENT_GROUPS {
        let table = format!("equipment_{}", g.code);
        out.push(breakdown(this, &table, EQUIPMENT.iter().filter(|e| e.group == g.code).map(|e| (e.code, e.label))));
    }
    out
}

fn summary(this: &Figures, prev: Option<&Figures>) -> Table {
    let mut t = Table::new("summary", &["区分", label::CARRIERS, label::REPORTS]);
    for (row, name) in [("major", label::MAJOR), ("detailed", label::DETAILED), ("simple", label::SIMPLE)] {
        let cell = |column: &str, unit: &str| {
            let now = format!("{}{unit}", int_text(this, "summary", row, column));
            match prev.and_then(|p| p.int("summary", row, column)) {
                Some(p) => format!("{now} ({}{unit})", thousands(p)),
                None => now,
            }
        };
        t.rows.push(vec![name.to_string(), cell("carriers", "社"), cell("reports", "件")]);
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
        let services: Vec<&str> = taxonomy::SERVICES
            .iter()
            .enumerate()
            .filter(|(i, _)| a.services & (1 << i) != 0)
            .map(|(_, s)| s.label)
            .collect();
        t.rows.push(vec![
            a.number.to_string(),
            a.carriers.join("・"),
            format!("{}年{}月{}日 {:02}:{:02}", m.year, m.month, m.day, m.hour, m.minute),
            duration_text(a.duration_min),
            thousands(a.affected_users as i64),
            a.summary.clone(),
            services.join("・"),
            a.class.map_or(String::new(), |c| taxonomy::CLASS_KANJI[usize::from(c)].to_string()),
        ]);
    }
    if let Some(r) = rules::major_rules(year) {
        t.notes.push(format!("※ 重大な事故の基準（{}の規則）:", r.id));
        t.notes.extend(r.notes.iter().map(|n| format!("- {n}")));
    }
    t
}

fn matrix(f: &Figures) -> Table {
    let corner = format!("{}＼{}", label::DURATION, label::USERS);
    let mut header: Vec<&str> = vec![&corner];
    header.extend(USER_BINS.iter().map(|b| taxonomy::bin_label(b.code)));
    header.push(label::TOTAL);
    let mut t = Table::new("matrix", &header);
    let total_cell = |row: &str, column: &str, share_row: &str, share_col: &str| {
        format!(
            "{}件 ({}%)",
            int_text(f, "matrix", row, column),
            value_text(f.get("matrix_share", share_row, share_col))
        )
    };
    let mut body_rows: Vec<&str> = DURATION_BINS.iter().map(|b| b.code).collect();
    if f.int("matrix", "info_leak", "total").unwrap_or(0) > 0 {
        body_rows.push("info_leak");
    }
    for (d, code) in body_rows.iter().enumerate() {
        let mut row = vec![taxonomy::bin_label(code).to_string()];
        for (u, ub) in USER_BINS.iter().enumerate() {
            let cell = if *code == "info_leak" {
                String::new()
            } else if rules::cell_outside_duty(d, u) {
                label::OUTSIDE_DUTY.to_string()
            } else {
                let n = int_text(f, "matrix", code, ub.code);
                match f.get("matrix_major", code, ub.code) {
                    Some(v) => format!("{n} <{}>", v.to_string().replace(';', ">, <")),
                    None => n,
                }
            };
            row.push(cell);
        }
        row.push(total_cell(code, "total", code, "total"));
        t.rows.push(row);
    }
    let mut total = vec![label::TOTAL.to_string()];
    total.extend(USER_BINS.iter().map(|b| total_cell("total", b.code, "total", b.code)));
    total.push(total_cell("total", "total", "total", "total"));
    t.rows.push(total);
    t.notes.push("※ <n> は重大な事故（重大な事故の一覧の No）を含むことを示す。".into());
    t.notes.push(format!(
        "※ {}: 継続時間2時間未満かつ影響利用者数3万人未満の事故は四半期報告の対象外。",
        label::OUTSIDE_DUTY
    ));
    t
}

fn major_trend(f: &Figures) -> Table {
    let mut t = Table::new("major_trend", &[label::FISCAL_YEAR, label::COUNT]);
    for fig in f.list.iter().filter(|x| x.table == "major_trend") {
        let fy: i32 = fig.row.parse().unwrap_or_default();
        t.rows.push(vec![wareki::fiscal_year_label(fy), format!("{}件", fig.value)]);
    }
    t
}

/// A breakdown table: count, share and 前年度比 (share points).
fn breakdown<'a>(f: &Figures, table: &str, rows: impl Iterator<Item = (&'a str, &'a str)>) -> Table {
    let mut t = Table::new(table, &["区分", label::COUNT, label::SHARE, label::YOY]);
    for (code, name) in rows {
        let delta = f.int(table, code, "share_delta").map_or_else(|| "－".to_string(), |d| signed(d, "ポイント"));
        t.rows.push(vec![
            name.to_string(),
            format!("{}件", int_text(f, table, code, "count")),
            format!("{}%", value_text(f.get(table, code, "share"))),
            delta,
        ]);
    }
    t
}

/// All tables as one Markdown document.
pub fn markdown(year: i32, tables: &[Table], footer: &[String]) -> String {
    let mut out = format!(
        "# 電気通信サービスの事故発生状況（{}）\n\n",
        wareki::fiscal_year_label(year)
    );
    for t in tables {
        out += &t.to_markdown();
        out.push('\n');
    }
    out += "---\n\n";
    for line in footer {
        out += &format!("{line}\n\n");
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
        assert_eq!(duration_text(4892), "81時間32分");
        assert_eq!(duration_text(120), "2時間");
    }
}
