//! Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) as incident input: one
//! sheet, each row with values a record positioned at its row number.
//! .xlsx/.xlsm/.xlsb cells are streamed and positions checked as they come,
//! so a stray cell at XFD1048576 allocates nothing; blank rows are spacing.

use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, DataRef, Reader, Sheets};

use super::decode::Record;
use super::parse::MAX_FIELDS;

/// Read `sheet` (or the first sheet): its name and its non-blank rows.
pub(crate) fn read_sheet(lang: jiko_core::lang::Lang, path: &Path, sheet: Option<&str>) -> Result<(String, Vec<Record>)> {
    let mut book = open_workbook_auto(path).with_context(|| jiko_core::lang::doing(lang, "opening workbook", "ブックのオープン", &path.display()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| *n == s)
            .cloned()
            .with_context(|| {
                jiko_core::say!(lang, "{p}: no sheet {s:?}; the sheets are {list}", "{p}: シート {s:?} がありません。シート: {list}", p = path.display(), s = s, list = names.join(", "))
            })?,
        None => names.first().cloned().with_context(|| jiko_core::say!(lang, "{p}: the workbook has no sheet", "{p}: ブックにシートがありません", p = path.display()))?,
    };
    let at = |e: &dyn std::fmt::Display| format!("{}: reading sheet {name}: {e}", path.display());
    let mut rows = SparseRows::new(lang, path, &name);
    match &mut book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            while let Some(cell) = cells.next_cell().map_err(|e| anyhow::anyhow!(at(&e)))? {
                let (r, c) = cell.get_position();
                rows.add(lang, r, c, cell_ref_text(cell.get_value()))?;
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            while let Some(cell) = cells.next_cell().map_err(|e| anyhow::anyhow!(at(&e)))? {
                let (r, c) = cell.get_position();
                rows.add(lang, r, c, cell_ref_text(cell.get_value()))?;
            }
        }
        // .xls and .ods have no cell stream in calamine: read the range
        // (.xls is bounded by its format, 65,536 × 256 cells).
        other => {
            let range = other.worksheet_range(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            for (r, c, v) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                rows.add(lang, r0 + r as u32, c0 + c as u32, cell_text(v))?;
            }
        }
    }
    Ok((name, rows.finish()))
}

/// Rows built from cells as they come, in any order.
struct SparseRows {
    where_: String,
    rows: std::collections::BTreeMap<u32, Vec<(u32, String)>>,
}

impl SparseRows {
    fn new(lang: jiko_core::lang::Lang, path: &Path, sheet: &str) -> SparseRows {
        SparseRows { where_: jiko_core::say!(lang, "{p}: sheet {s}", "{p}: シート {s}", p = path.display(), s = sheet), rows: Default::default() }
    }

    fn add(&mut self, lang: jiko_core::lang::Lang, row: u32, col: u32, text: String) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        if col as usize >= MAX_FIELDS {
            bail!(jiko_core::say!(
                lang,
                "{at}, cell {cell}: a value beyond the first {n} columns; an incident list is narrower (delete stray cells)",
                "{at}、セル {cell}: 先頭{n}列より右に値があります。事故一覧の幅を超えています（不要なセルを削除してください）",
                at = self.where_,
                cell = format!("{}{}", column_letters(col), row + 1),
                n = MAX_FIELDS
            ));
        }
        self.rows.entry(row).or_default().push((col, text));
        Ok(())
    }

    /// Each row's cells from column A, positioned at its sheet row number.
    fn finish(self) -> Vec<Record> {
        self.rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|(_, t)| !t.trim().is_empty()))
            .map(|(r, mut cells)| {
                cells.sort_by_key(|(c, _)| *c);
                let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
                let mut fields = vec![String::new(); width];
                for (c, t) in cells {
                    fields[c as usize] = t;
                }
                Record::from_fields(u64::from(r) + 1, fields.iter().map(String::as_str))
            })
            .collect()
    }
}

/// `A`, `Z`, `AA`, … `XFD`.
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn cell_ref_text(cell: &DataRef) -> String {
    match cell {
        DataRef::SharedString(s) => s.to_string(),
        DataRef::String(s) => s.clone(),
        other => cell_text(&Data::from(other.clone())),
    }
}

/// A cell as the CSV contract would have it: whole numbers without `.0`,
/// Excel dates as `YYYY-MM-DD HH:MM`, a time alone (a duration typed as
/// `2:05`) as `H:MM`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.as_f64() < 60.0 => hours_minutes(dt.as_f64()),
        Data::DateTime(dt) => excel_minute(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace('T', " ").chars().take(16).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A serial below 60 days is a time or duration (Excel's epoch is 1900):
/// `H:MM` with whole hours, so `[h]:mm` durations over a day stay right.
fn hours_minutes(serial: f64) -> String {
    let minutes = (serial * 1440.0).round() as i64;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// An Excel serial date (days since 1899-12-30) to the minute.
pub(crate) fn excel_minute(serial: f64) -> String {
    let mut days = serial.floor() as i64;
    let mut minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    if minutes == 1440 {
        days += 1;
        minutes = 0;
    }
    let (y, m, d) = jiko_core::calendar::civil_from_days(days - 25_569);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_minute(43951.588194444), "2020-04-30 14:07");
        assert_eq!(excel_minute(44286.999305556), "2021-03-31 23:59");
        assert_eq!(excel_minute(44287.0), "2021-04-01 00:00");
        assert_eq!(excel_minute(43891.9999999), "2020-03-02 00:00"); // rounds up to midnight
        assert_eq!(hours_minutes(125.0 / 1440.0), "2:05");
        assert_eq!(hours_minutes(1.5), "36:00");
    }

    #[test]
    fn column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
