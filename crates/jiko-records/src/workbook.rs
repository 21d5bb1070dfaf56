//! Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) as incident input: one
//! sheet, each row with values a record positioned at its row number.
//! Cells are read as Excel and LibreOffice mean them: either date system
//! (1900 or 1904), a date's seconds kept as text for the one rule of
//! `dates` (dropped), durations typed as times, and cells that hold no
//! value of the column (an error, TRUE/FALSE, a formula never calculated)
//! as faults of their row.
//!
//! Reading is bounded whatever the file holds: a zip workbook's parts are
//! inflated once, counted, before any is parsed (`MAX_PART_BYTES`,
//! `MAX_SHARED_BYTES`); cells are streamed (.xlsx/.xlsm/.xlsb by calamine,
//! .ods by our own reader below, since calamine loads a whole .ods with its
//! repeats expanded) and the text kept is counted (`MAX_TEXT_BYTES`,
//! `MAX_CELLS`). A .xls, which calamine loads whole, is scanned first
//! and held to the same bounds (`xls`). Blank rows are spacing.

use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, DataRef, Reader, SheetType, SheetVisible, Sheets};

use super::decode::Record;
use super::parse::MAX_FIELDS;

/// The most a zip workbook's part may inflate to (a sheet's XML).
pub const MAX_PART_BYTES: u64 = 512 << 20;
/// The most all its parts together may inflate to: the pre-scan's time is
/// bounded however many parts a zip holds.
pub const MAX_ZIP_BYTES: u64 = 1 << 30;
/// The most the shared strings (`xl/sharedStrings.*`) may inflate to:
/// calamine holds them whole.
pub const MAX_SHARED_BYTES: u64 = 128 << 20;
/// The most text the cells of one sheet may hold, counted as read.
pub const MAX_TEXT_BYTES: u64 = 256 << 20;
/// The most cells with a value one sheet may hold (262,144 rows of 16):
/// each costs its text and some 64 bytes held.
pub const MAX_CELLS: u64 = 1 << 22;

/// A sheet read: its name, its rows, and what the terminal is told.
pub(crate) struct SheetRead {
    pub name: String,
    pub rows: Vec<Record>,
    /// `x.xlsx: read sheet 事故 (hidden sheets skipped: 旧)`.
    pub note: String,
}

/// Read `sheet` (or the first visible worksheet).
pub(crate) fn read_sheet(lang: jiko_core::lang::Lang, path: &Path, sheet: Option<&str>) -> Result<SheetRead> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext != "xls" {
        bounded_parts(lang, path)?;
    } else {
        bounded_xls(lang, path)?;
    }
    if ext == "ods" {
        return ods::read(lang, path, sheet);
    }
    let mut book = open_workbook_auto(path).with_context(|| jiko_core::lang::doing(lang, "opening workbook", "ブックのオープン", &path.display()))?;
    let meta: Vec<(String, bool)> =
        book.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)).collect();
    let name = choose(lang, path, &meta, sheet)?;
    let at = |e: &dyn std::fmt::Display| jiko_core::say!(lang, "{p}: reading sheet {name}: {e}", "{p}: シート {name} の読み込み: {e}", p = path.display(), name = name, e = e);
    let mut rows = SparseRows::new(lang, path, &name);
    match &mut book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(|e| anyhow::anyhow!(at(&e)))? {
                let (r, c) = cell.pos;
                // A formula whose value was never calculated (how generators
                // such as openpyxl write formulas): no value to read.
                let value = match (&cell.formula, &cell.value) {
                    (Some(f), DataRef::Empty) => Cell::Fault(formula_text(f), unsaved_formula(lang)),
                    (_, v) => cell_ref(lang, v),
                };
                rows.add(lang, r, c, value)?;
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            while let Some(cell) = cells.next_cell().map_err(|e| anyhow::anyhow!(at(&e)))? {
                let (r, c) = cell.get_position();
                rows.add(lang, r, c, cell_ref(lang, cell.get_value()))?;
            }
        }
        // .xls has no cell stream in calamine: read the range (what it
        // holds was bounded by `bounded_xls` before calamine was called).
        other => {
            let range = other.worksheet_range(&name).map_err(|e| anyhow::anyhow!(at(&e)))?;
            for (r, c, v) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                rows.add(lang, r0 + r as u32, c0 + c as u32, cell_value(lang, v))?;
            }
        }
    }
    Ok(rows.finish(lang, path, &meta, &name))
}

/// The sheet asked for, or the first visible worksheet: a hidden sheet is
/// read only when named.
fn choose(lang: jiko_core::lang::Lang, path: &Path, sheets: &[(String, bool)], sheet: Option<&str>) -> Result<String> {
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    match sheet {
        Some(s) => names.iter().find(|n| **n == s).map(|n| n.to_string()).with_context(|| {
            jiko_core::say!(lang, "{p}: no sheet {s:?}; the sheets are {list}", "{p}: シート {s:?} がありません。シート: {list}", p = path.display(), s = s, list = names.join(", "))
        }),
        None => match sheets.iter().find(|(_, visible)| *visible) {
            Some((n, _)) => Ok(n.clone()),
            None if sheets.is_empty() => bail!(jiko_core::say!(lang, "{p}: the workbook has no sheet", "{p}: ブックにシートがありません", p = path.display())),
            None => bail!(jiko_core::say!(
                lang,
                "{p}: every sheet is hidden ({list}); name the one to read with --sheet",
                "{p}: すべてのシートが非表示です（{list}）。読むシートを --sheet で指定してください",
                p = path.display(),
                list = names.join(", ")
            )),
        },
    }
}

fn unsaved_formula(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(
        lang,
        "a formula with no saved value (the file was written by a program that does not calculate); open and save it in Excel or LibreOffice, or type the value",
        "値が保存されていない数式です（計算しないプログラムが書いたファイル）。Excel か LibreOffice で開いて保存するか、値を入力してください"
    )
}

fn formula_text(f: &calamine::XlsxFormulaMetadata) -> String {
    match f {
        calamine::XlsxFormulaMetadata::Normal { formula } | calamine::XlsxFormulaMetadata::Shared { formula, .. } => format!("={formula}"),
        _ => "=…".to_string(),
    }
}

/// A cell as read: its text, or a value that is no value of any column
/// (shown as the sheet shows it) with why.
#[derive(Clone)]
pub(crate) enum Cell {
    Text(String),
    Fault(String, String),
}

impl Cell {
    fn len(&self) -> usize {
        match self {
            Cell::Text(t) => t.len(),
            Cell::Fault(t, m) => t.len() + m.len(),
        }
    }
}

/// Every zip part inflated once and counted, stopping at the bound: the
/// sizes a zip declares can lie. Not a zip (.xls, or a damaged file): left
/// to the reader's own error.
fn bounded_parts(lang: jiko_core::lang::Lang, path: &Path) -> Result<()> {
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else { return Ok(()) };
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else { continue };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let shared = name.starts_with("xl/sharedStrings");
        let bound = if shared { MAX_SHARED_BYTES } else { MAX_PART_BYTES };
        let bound = bound.min(MAX_ZIP_BYTES - total);
        let n = std::io::copy(&mut (&mut part).take(bound + 1), &mut std::io::sink()).unwrap_or(0);
        total += n.min(bound);
        if n > bound && total >= MAX_ZIP_BYTES {
            bail!(jiko_core::say!(
                lang,
                "{p}: its parts inflate beyond {mb} MB together (at {name}), more than an incident list holds; jiko stops here (save the sheet alone, or as CSV)",
                "{p}: 部品が展開すると合わせて {mb} MB を超えます（{name} で）。事故一覧としては大きすぎるため読みません（シートだけを保存するか CSV で保存してください）",
                p = path.display(),
                name = name,
                mb = MAX_ZIP_BYTES >> 20
            ));
        }
        if n > bound {
            bail!(jiko_core::say!(
                lang,
                "{p}: part {name} inflates beyond {mb} MB, more than an incident list holds; jiko stops here (save the sheet alone, or as CSV)",
                "{p}: 部品 {name} が展開すると {mb} MB を超えます。事故一覧としては大きすぎるため読みません（シートだけを保存するか CSV で保存してください）",
                p = path.display(),
                name = name,
                mb = bound >> 20
            ));
        }
    }
    Ok(())
}

/// A .xls scanned before calamine loads it (all its sheets at once, a
/// shared string copied into each cell that points at it): refused when its
/// cells would hold more than the sheet bounds. Not a compound file, or
/// records we do not follow: left to calamine's own error.
fn bounded_xls(lang: jiko_core::lang::Lang, path: &Path) -> Result<()> {
    match xls::scan(path) {
        None => Ok(()),
        Some(xls::Over::Text { repeated }) => bail!(jiko_core::say!(
            lang,
            "{p}: its cells would expand to more than {mb} MB of text or {n} cells with values (shared strings repeated in {k} cells), more than an incident list; jiko stops here (save the sheet as .xlsx or CSV)",
            "{p}: セルを展開すると文字が {mb} MB か値のあるセルが {n} 個を超えます（共有文字列を {k} 個のセルで繰り返し）。事故一覧としては大きすぎるため読みません（シートを .xlsx か CSV で保存してください）",
            p = path.display(),
            mb = MAX_TEXT_BYTES >> 20,
            n = MAX_CELLS,
            k = repeated
        )),
        Some(xls::Over::Extent { rows, cols }) => bail!(jiko_core::say!(
            lang,
            "{p}: a sheet declares {rows} rows by {cols} columns, more than {n} cells, more than an incident list; jiko stops here (save the sheet as .xlsx or CSV)",
            "{p}: シートの範囲が {rows} 行 × {cols} 列で、セル {n} 個を超えます。事故一覧としては大きすぎるため読みません（シートを .xlsx か CSV で保存してください）",
            p = path.display(),
            rows = rows,
            cols = cols,
            n = MAX_CELLS
        )),
    }
}

mod xls;

/// Rows built from cells as they come, in any order, the text kept counted.
struct SparseRows {
    where_: String,
    rows: std::collections::BTreeMap<u32, Vec<(u32, Cell)>>,
    bytes: u64,
    cells: u64,
}

impl SparseRows {
    fn new(lang: jiko_core::lang::Lang, path: &Path, sheet: &str) -> SparseRows {
        SparseRows { where_: jiko_core::say!(lang, "{p}: sheet {s}", "{p}: シート {s}", p = path.display(), s = sheet), rows: Default::default(), bytes: 0, cells: 0 }
    }

    /// Room for `n` more cells, or the bound's error at `row`, `col`: a
    /// repeat is refused before it is made.
    fn room(&self, lang: jiko_core::lang::Lang, row: u32, col: u32, n: u64) -> Result<()> {
        if self.cells.saturating_add(n) > MAX_CELLS {
            return Err(self.too_much(lang, row, col));
        }
        Ok(())
    }

    fn too_much(&self, lang: jiko_core::lang::Lang, row: u32, col: u32) -> anyhow::Error {
        anyhow::anyhow!(jiko_core::say!(
            lang,
            "{at}, cell {cell}: the sheet holds more than {mb} MB of text or {n} cells with values, more than an incident list; jiko stops here",
            "{at}、セル {cell}: シートの文字が {mb} MB か値のあるセルが {n} 個を超えます。事故一覧としては大きすぎるため読みません",
            at = self.where_,
            cell = cell_name(row, col),
            mb = MAX_TEXT_BYTES >> 20,
            n = MAX_CELLS
        ))
    }

    fn add(&mut self, lang: jiko_core::lang::Lang, row: u32, col: u32, cell: Cell) -> Result<()> {
        if matches!(&cell, Cell::Text(t) if t.is_empty()) {
            return Ok(());
        }
        if col as usize >= MAX_FIELDS {
            bail!(jiko_core::say!(
                lang,
                "{at}, cell {cell}: a value beyond the first {n} columns; an incident list is narrower (delete stray cells)",
                "{at}、セル {cell}: 先頭{n}列より右に値があります。事故一覧の幅を超えています（不要なセルを削除してください）",
                at = self.where_,
                cell = cell_name(row, col),
                n = MAX_FIELDS
            ));
        }
        self.bytes += cell.len() as u64;
        self.cells += 1;
        if self.bytes > MAX_TEXT_BYTES || self.cells > MAX_CELLS {
            return Err(self.too_much(lang, row, col));
        }
        self.rows.entry(row).or_default().push((col, cell));
        Ok(())
    }

    /// Each row's cells from column A, positioned at its sheet row number.
    fn finish(self, lang: jiko_core::lang::Lang, path: &Path, sheets: &[(String, bool)], name: &str) -> SheetRead {
        let rows = self
            .rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|(_, c)| !matches!(c, Cell::Text(t) if t.trim().is_empty())))
            .map(|(r, mut cells)| {
                cells.sort_by_key(|(c, _)| *c);
                let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
                let mut fields = vec![String::new(); width];
                let mut faults = Vec::new();
                for (c, cell) in cells {
                    match cell {
                        Cell::Text(t) => fields[c as usize] = t,
                        Cell::Fault(shown, why) => faults.push((c as usize, shown, jiko_core::say!(lang, "cell {cell}: {why}", "セル {cell}: {why}", cell = cell_name(r, c), why = why))),
                    }
                }
                let mut rec = Record::from_fields(u64::from(r) + 1, fields.iter().map(String::as_str));
                rec.cell_faults = faults;
                rec
            })
            .collect();
        let hidden: Vec<&str> = sheets.iter().filter(|(n, visible)| !visible && n != name).map(|(n, _)| n.as_str()).collect();
        let mut note = jiko_core::say!(lang, "{p}: read sheet {s}", "{p}: シート {s} を読みました", p = path.display(), s = name);
        if !hidden.is_empty() {
            note += &jiko_core::say!(lang, " (hidden sheets not read: {h})", "（読まなかった非表示のシート: {h}）", h = hidden.join(", "));
        }
        SheetRead { name: name.to_string(), rows, note }
    }
}

/// `C3`.
fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
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

fn cell_ref(lang: jiko_core::lang::Lang, cell: &DataRef) -> Cell {
    match cell {
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::String(s) => Cell::Text(s.clone()),
        other => cell_value(lang, &Data::from(other.clone())),
    }
}

/// A cell as the CSV contract would have it: whole numbers without `.0`,
/// dates as `YYYY-MM-DD HH:MM` (`:SS` when the seconds are not zero: the
/// text rule drops them), durations and times alone as `H:MM` (`:SS`
/// likewise).
fn cell_value(lang: jiko_core::lang::Lang, cell: &Data) -> Cell {
    Cell::Text(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => {
            return Cell::Fault(
                if *b { "TRUE" } else { "FALSE" }.to_string(),
                jiko_core::say!(lang, "a TRUE/FALSE cell, no value of an incident's column", "TRUE/FALSE のセルです。事故の列の値ではありません"),
            )
        }
        Data::DateTime(dt) if dt.is_duration() => duration(dt.as_f64()),
        // A time alone (`2:05` typed in an h:mm cell), or a day count of
        // hours under 60 days in a date format (`36:00`): a duration.
        Data::DateTime(dt) if dt.as_f64() < 60.0 => duration(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            date_time(i32::from(y), m, d, h, mi, s)
        }
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => match iso_duration(s) {
            Some(t) => t,
            None => s.clone(),
        },
        Data::Error(e) => {
            return Cell::Fault(
                error_text(e),
                jiko_core::say!(lang, "an error value (the formula failed), no value of an incident's column", "エラー値です（数式の失敗）。事故の列の値ではありません"),
            )
        }
    })
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// `#N/A` as the sheet shows it.
fn error_text(e: &calamine::CellErrorType) -> String {
    use calamine::CellErrorType::*;
    match e {
        Div0 => "#DIV/0!",
        NA => "#N/A",
        Name => "#NAME?",
        Null => "#NULL!",
        Num => "#NUM!",
        Ref => "#REF!",
        Value => "#VALUE!",
        GettingData => "#GETTING_DATA",
    }
    .to_string()
}

fn date_time(y: i32, m: u8, d: u8, h: u8, mi: u8, s: u8) -> String {
    match s {
        0 => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}"),
        s => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    }
}

/// A serial count of days as `H:MM` (whole hours, so `[h]:mm` durations
/// over a day stay right), `H:MM:SS` when the seconds are not zero, to
/// the nearest second (the float Excel keeps is never exact).
fn duration(serial: f64) -> String {
    let seconds = (serial * 86_400.0).round() as i64;
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.abs();
    match s % 60 {
        0 => format!("{sign}{}:{:02}", s / 3600, s / 60 % 60),
        sec => format!("{sign}{}:{:02}:{sec:02}", s / 3600, s / 60 % 60),
    }
}

/// `2021-03-31T23:59:45.5` as `2021-03-31 23:59:45` (a fraction of a
/// second dropped as the seconds are); a date alone stays a date alone.
fn iso_date(s: &str) -> String {
    let s = s.split('.').next().unwrap_or(s);
    let t = s.replacen('T', " ", 1);
    match t.strip_suffix(":00") {
        Some(head) if head.len() == 16 => head.to_string(),
        _ => t,
    }
}

/// An ISO 8601 duration (`PT02H05M00S`, `P1DT2H`, `-PT5M`, what
/// spreadsheets store for a time) as `H:MM` or `H:MM:SS`.
fn iso_duration(s: &str) -> Option<String> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let rest = rest.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0f64;
    let mut unit = |text: &str, units: &[(char, f64)]| -> Option<()> {
        let mut num = String::new();
        for ch in text.chars() {
            match units.iter().find(|(u, _)| *u == ch) {
                Some((_, scale)) if !num.is_empty() => {
                    total += num.parse::<f64>().ok()? * scale;
                    num.clear();
                }
                _ if ch.is_ascii_digit() || ch == '.' => num.push(ch),
                _ => return None,
            }
        }
        num.is_empty().then_some(())
    };
    unit(days, &[('D', 86_400.0)])?;
    unit(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    let d = duration(total / 86_400.0);
    Some(if neg { format!("-{d}") } else { d })
}

/// .ods read as a stream of XML events (calamine loads every sheet whole
/// with repeated rows and columns expanded: an 841-byte file asks for
/// gigabytes). Repeats of empty cells and rows only move the position;
/// repeats of values are added one by one, counted by `SparseRows`.
mod ods {
    use super::*;
    use quick_xml::events::{BytesStart, Event};

    type Xml<'z> = quick_xml::Reader<BufReader<zip::read::ZipFile<'z, BufReader<std::fs::File>>>>;

    pub(super) fn read(lang: jiko_core::lang::Lang, path: &Path, sheet: Option<&str>) -> Result<SheetRead> {
        let open = || -> Result<zip::ZipArchive<BufReader<std::fs::File>>> {
            let file = std::fs::File::open(path)?;
            Ok(zip::ZipArchive::new(BufReader::new(file))?)
        };
        let mut zip = open().with_context(|| jiko_core::lang::doing(lang, "opening workbook", "ブックのオープン", &path.display()))?;
        let content = zip.by_name("content.xml").with_context(|| jiko_core::say!(lang, "{p}: no content.xml: not an OpenDocument spreadsheet", "{p}: content.xml がありません。OpenDocument の表計算ファイルではありません", p = path.display()))?;
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
        xml.config_mut().expand_empty_elements = true;
        xml.config_mut().check_end_names = false;
        let bad = |e: &dyn std::fmt::Display| anyhow::anyhow!(jiko_core::say!(lang, "{p}: content.xml: {e}", "{p}: content.xml が読めません: {e}", p = path.display(), e = e));
        let mut hidden_styles = std::collections::HashSet::new();
        let mut style: Option<String> = None;
        let mut sheets: Vec<(String, bool)> = Vec::new();
        let mut read: Option<(String, SparseRows)> = None;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| bad(&e))? {
                Event::Start(e) if e.name().as_ref() == "style:style" => style = attr(&e, "style:name"),
                Event::Start(e) if e.name().as_ref() == "style:table-properties" => {
                    if attr(&e, "table:display").as_deref() == Some("false") {
                        hidden_styles.extend(style.clone());
                    }
                }
                Event::Start(e) if e.name().as_ref() == "table:table" => {
                    let name = attr(&e, "table:name").unwrap_or_default();
                    let visible = !attr(&e, "table:style-name").is_some_and(|s| hidden_styles.contains(&s));
                    sheets.push((name.clone(), visible));
                    let wanted = match sheet {
                        Some(s) => s == name,
                        None => visible,
                    };
                    if wanted && read.is_none() {
                        let mut rows = SparseRows::new(lang, path, &name);
                        table(lang, &mut xml, &mut rows).map_err(|e| match e.downcast::<quick_xml::Error>() {
                            Ok(x) => bad(&x),
                            Err(e) => e,
                        })?;
                        read = Some((name, rows));
                    } else {
                        let end = e.name().as_ref().to_string();
                        xml.read_to_end_into(quick_xml::name::QName(&end), &mut Vec::new()).map_err(|e| bad(&e))?;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        match read {
            Some((name, rows)) => Ok(rows.finish(lang, path, &sheets, &name)),
            // Not found: the same errors as for other workbooks.
            None => Err(choose(lang, path, &sheets, sheet).err().unwrap_or_else(|| anyhow::anyhow!(jiko_core::say!(lang, "{p}: sheet not read", "{p}: シートを読めませんでした", p = path.display())))),
        }
    }

    fn attr(e: &BytesStart, name: &str) -> Option<String> {
        e.try_get_attribute(name).ok().flatten().and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
    }

    fn repeats(e: &BytesStart, name: &str) -> u64 {
        attr(e, name).and_then(|v| v.parse().ok()).unwrap_or(1).max(1)
    }

    /// The rows of one table, up to its end.
    fn table(lang: jiko_core::lang::Lang, xml: &mut Xml, rows: &mut SparseRows) -> Result<()> {
        let mut buf = Vec::new();
        let mut row: u64 = 0;
        let mut cells: Vec<(u64, Cell, u64)> = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf)? {
                Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                    let n = repeats(&e, "table:number-rows-repeated");
                    cells.clear();
                    row_cells(lang, xml, &mut cells)?;
                    if !cells.is_empty() {
                        let per_row: u64 = cells.iter().map(|(_, _, times)| *times).sum();
                        let (r32, c32) = (u32::try_from(row).unwrap_or(u32::MAX), u32::try_from(cells[0].0).unwrap_or(u32::MAX));
                        rows.room(lang, r32, c32, per_row.saturating_mul(n))?;
                        for r in row..row.saturating_add(n) {
                            for (c, cell, times) in &cells {
                                for k in 0..*times {
                                    let (r32, c32) = (u32::try_from(r).unwrap_or(u32::MAX), u32::try_from(c + k).unwrap_or(u32::MAX));
                                    rows.add(lang, r32, c32, cell.clone())?;
                                }
                            }
                        }
                    }
                    row = row.saturating_add(n);
                }
                Event::End(e) if e.name().as_ref() == "table:table" => return Ok(()),
                Event::Eof => bail!(jiko_core::say!(lang, "the table does not end", "表が途中で終わっています")),
                _ => {}
            }
        }
    }

    /// One row's cells with a value: column, value, repeats.
    fn row_cells(lang: jiko_core::lang::Lang, xml: &mut Xml, out: &mut Vec<(u64, Cell, u64)>) -> Result<()> {
        let mut buf = Vec::new();
        let mut col: u64 = 0;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf)? {
                Event::Start(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                    let n = repeats(&e, "table:number-columns-repeated");
                    let e = e.into_owned();
                    let cell = cell(lang, xml, &e)?;
                    if !matches!(&cell, Cell::Text(t) if t.is_empty()) {
                        // Repeats past the widest record are one error, in
                        // `SparseRows::add`, not a loop.
                        let n = if col.saturating_add(n) > MAX_FIELDS as u64 { (MAX_FIELDS as u64).saturating_sub(col) + 1 } else { n };
                        out.push((col, cell, n));
                    }
                    col = col.saturating_add(n);
                }
                Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(()),
                Event::Eof => bail!(jiko_core::say!(lang, "the row does not end", "行が途中で終わっています")),
                _ => {}
            }
        }
    }

    /// A cell's value by its type, read to the cell's end.
    fn cell(lang: jiko_core::lang::Lang, xml: &mut Xml, e: &BytesStart) -> Result<Cell> {
        let kind = attr(e, "office:value-type");
        let text = text(lang, xml, e)?;
        let formula = attr(e, "table:formula");
        if attr(e, "calcext:value-type").as_deref() == Some("error") {
            let shown = if text.is_empty() { formula.unwrap_or_default() } else { text };
            return Ok(Cell::Fault(shown, jiko_core::say!(lang, "an error value (the formula failed), no value of an incident's column", "エラー値です（数式の失敗）。事故の列の値ではありません")));
        }
        Ok(match kind.as_deref() {
            Some("float" | "percentage" | "currency") => match attr(e, "office:value").and_then(|v| v.parse::<f64>().ok()) {
                Some(f) => Cell::Text(number(f)),
                None => Cell::Text(text),
            },
            Some("date") => Cell::Text(attr(e, "office:date-value").map_or(text, |d| iso_date(&d))),
            Some("time") => Cell::Text(attr(e, "office:time-value").and_then(|d| iso_duration(&d)).unwrap_or(text)),
            Some("boolean") => {
                let b = attr(e, "office:boolean-value").unwrap_or_default();
                Cell::Fault(
                    if b == "true" { "TRUE" } else { "FALSE" }.to_string(),
                    jiko_core::say!(lang, "a TRUE/FALSE cell, no value of an incident's column", "TRUE/FALSE のセルです。事故の列の値ではありません"),
                )
            }
            Some(_) => Cell::Text(attr(e, "office:string-value").unwrap_or(text)),
            None => match formula {
                Some(f) => Cell::Fault(f, unsaved_formula(lang)),
                None => Cell::Text(text),
            },
        })
    }

    /// The cell's paragraphs, joined by line breaks; notes left out. Its
    /// size is bounded by the part's, checked before.
    fn text(lang: jiko_core::lang::Lang, xml: &mut Xml, start: &BytesStart) -> Result<String> {
        let mut buf = Vec::new();
        let mut s = String::new();
        let (mut paragraphs, mut skip, mut inside) = (0usize, 0usize, 0usize);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf)? {
                Event::End(e) if e.name().as_ref() == start.name().as_ref() && skip == 0 => return Ok(s),
                Event::Start(e) if e.name().as_ref() == "office:annotation" => skip += 1,
                Event::End(e) if e.name().as_ref() == "office:annotation" => skip = skip.saturating_sub(1),
                _ if skip > 0 => {}
                Event::Start(e) if e.name().as_ref() == "text:p" => {
                    if paragraphs > 0 {
                        s.push('\n');
                    }
                    paragraphs += 1;
                    inside += 1;
                }
                Event::End(e) if e.name().as_ref() == "text:p" => inside = inside.saturating_sub(1),
                // Only a paragraph's text: not the layout between elements.
                _ if inside == 0 => {}
                Event::Start(e) if e.name().as_ref() == "text:s" => {
                    // Spaces are counted, not trusted: at most a cell's worth.
                    let n = repeats(&e, "text:c").min(32_767) as usize;
                    s.extend(std::iter::repeat_n(' ', n));
                }
                Event::Start(e) if e.name().as_ref() == "text:tab" => s.push('\t'),
                Event::Start(e) if e.name().as_ref() == "text:line-break" => s.push('\n'),
                Event::Text(t) => s.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => match r.resolve_char_ref()? {
                    Some(c) => s.push(c),
                    None => s.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }),
                },
                Event::Eof => bail!(jiko_core::say!(lang, "the cell does not end", "セルが途中で終わっています")),
                _ => {}
            }
        }
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_iso() {
        assert_eq!(duration(125.0 / 1440.0), "2:05");
        assert_eq!(duration(1.5), "36:00");
        // 1:59:30 keeps its seconds, for the text rule to floor.
        assert_eq!(duration((3600.0 + 59.0 * 60.0 + 30.0) / 86_400.0), "1:59:30");
        assert_eq!(duration(61.0), "1464:00");
        assert_eq!(iso_duration("PT02H05M00S").as_deref(), Some("2:05"));
        assert_eq!(iso_duration("P1DT2H").as_deref(), Some("26:00"));
        assert_eq!(iso_duration("PT1H59M30S").as_deref(), Some("1:59:30"));
        assert_eq!(iso_duration("-PT5M").as_deref(), Some("-0:05"));
        assert_eq!(iso_duration("2:05"), None);
        assert_eq!(iso_date("2021-03-31T23:59:45.25"), "2021-03-31 23:59:45");
        assert_eq!(iso_date("2021-03-31T23:59:00"), "2021-03-31 23:59");
        assert_eq!(iso_date("2021-03-31"), "2021-03-31");
    }

    #[test]
    fn column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(cell_name(2, 27), "AB3");
    }
}
