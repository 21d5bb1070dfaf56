//! Excel workbooks (.xlsx) as incident input: one sheet, its first row the
//! header, each later row a record positioned at its sheet row number.

use std::path::Path;

use anyhow::{Context, Result};
use calamine::{open_workbook, Data, Reader, Xlsx};

/// Read `sheet` (or the first sheet): its name, header and records.
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<(String, Vec<String>, Vec<csv::StringRecord>)> {
    let mut book: Xlsx<_> = open_workbook(path).with_context(|| format!("opening workbook {}", path.display()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| *n == s)
            .cloned()
            .with_context(|| format!("{}: no sheet {s:?}; the sheets are {}", path.display(), names.join(", ")))?,
        None => names.first().cloned().with_context(|| format!("{}: the workbook has no sheet", path.display()))?,
    };
    let range = book.worksheet_range(&name).with_context(|| format!("{}: reading sheet {name}", path.display()))?;
    let first_row = range.start().map_or(0, |(r, _)| r) as u64;
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .with_context(|| format!("{}: sheet {name} is empty", path.display()))?
        .iter()
        .map(|c| cell_text(c).trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut records = Vec::new();
    for (i, row) in rows.enumerate() {
        // A wholly empty row is spacing in a sheet, not a record.
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut rec: csv::StringRecord = row.iter().map(cell_text).collect();
        // Trailing empty cells are not fields: Excel ranges are rectangular.
        while rec.len() > headers.len() && rec.get(rec.len() - 1) == Some("") {
            rec.truncate(rec.len() - 1);
        }
        let mut pos = csv::Position::new();
        pos.set_line(first_row + i as u64 + 2);
        rec.set_position(Some(pos));
        records.push(rec);
    }
    Ok((name, headers, records))
}

/// A cell as the CSV contract would have it: whole numbers without `.0`,
/// Excel dates as `YYYY-MM-DD HH:MM`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_minute(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace('T', " ").chars().take(16).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (days since 1899-12-30) to the minute.
pub fn excel_minute(serial: f64) -> String {
    let mut days = serial.floor() as i64;
    let mut minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    if minutes == 1440 {
        days += 1;
        minutes = 0;
    }
    let (y, m, d) = civil_from_days(days - 25_569);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
    }
}
