//! Workbooks written by hand for the tests, independent of jiko and of
//! calamine: a minimal .xlsx (either date system, hidden sheets, any cell
//! XML: errors, booleans, formulas without a value) and a minimal .ods
//! (content.xml only, as LibreOffice lays it out).
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

/// XML text: `&`, `<`, `>`, `"` escaped.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `A`, … `Z`, `AA` for column `c` (0-based).
pub fn col(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// A cell of the hand-written .xlsx.
#[derive(Clone, Debug)]
pub enum X {
    Text(String),
    Num(f64),
    /// A date and time serial with the `yyyy-mm-dd hh:mm:ss` style.
    Date(f64),
    /// A duration in days with the `[h]:mm:ss` style.
    Duration(f64),
    /// Any cell XML inside `<c r=…>`…`</c>`, with its attributes.
    Raw(&'static str, String),
}

/// The serial of a day and time in a date system (1900: days since
/// 1899-12-30; 1904: since 1904-01-01).
pub fn serial(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, is_1904: bool) -> f64 {
    let days = jiko::records::days_from_civil(y, m, d) + 25_569 - if is_1904 { 1_462 } else { 0 };
    days as f64 + f64::from(h * 3600 + mi * 60 + s) / 86_400.0
}

/// Sheets: (name, hidden, rows of cells).
pub fn xlsx(path: &Path, is_1904: bool, sheets: &[(&str, bool, Vec<Vec<X>>)]) {
    xlsx_with_strings(path, is_1904, sheets, &[]);
}

/// As `xlsx`, with a shared strings part (cells `t="s"` point into it).
pub fn xlsx_with_strings(path: &Path, is_1904: bool, sheets: &[(&str, bool, Vec<Vec<X>>)], shared: &[&str]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: &str| {
        z.start_file(name, o).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    put("[Content_Types].xml", &format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>"#));
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
    let list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, hidden, _))| format!(r#"<sheet name="{}" sheetId="{}"{} r:id="rId{}"/>"#, esc(name), i + 1, if *hidden { r#" state="hidden""# } else { "" }, i + 1))
        .collect();
    put("xl/workbook.xml", &format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{}<sheets>{list}</sheets></workbook>"#, if is_1904 { r#"<workbookPr date1904="1"/>"# } else { "<workbookPr/>" }));
    let rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    let strings_rel = if shared.is_empty() { "" } else { r#"<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"# };
    put("xl/_rels/workbook.xml.rels", &format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>{strings_rel}</Relationships>"#));
    if !shared.is_empty() {
        let items: String = shared.iter().map(|s| format!("<si><t>{}</t></si>", esc(s))).collect();
        put("xl/sharedStrings.xml", &format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{items}</sst>"#, n = shared.len()));
    }
    put("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#);
    for (i, (_, _, rows)) in sheets.iter().enumerate() {
        let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
        for (r, row) in rows.iter().enumerate() {
            xml += &format!(r#"<row r="{}">"#, r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", col(c), r + 1);
                xml += &match cell {
                    X::Text(t) if t.is_empty() => continue,
                    X::Text(t) => format!(r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#, esc(t)),
                    X::Num(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                    X::Date(n) => format!(r#"<c r="{at}" s="1"><v>{n}</v></c>"#),
                    X::Duration(n) => format!(r#"<c r="{at}" s="2"><v>{n}</v></c>"#),
                    X::Raw(attrs, inner) => format!(r#"<c r="{at}" {attrs}>{inner}</c>"#),
                };
            }
            xml += "</row>";
        }
        xml += "</sheetData></worksheet>";
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), &xml);
    }
    z.finish().unwrap();
}

/// A cell of the hand-written .ods: its attributes and content.
#[derive(Clone, Debug)]
pub enum O {
    Text(String),
    Float(f64),
    /// `office:date-value`, e.g. `2020-05-01T10:00:30`.
    Date(String),
    /// `office:time-value`, e.g. `PT02H05M30S`.
    Time(String),
    /// Attributes and content, as written.
    Raw(String, String),
}

fn ods_text(t: &str) -> String {
    t.split('\n').map(|p| format!("<text:p>{}</text:p>", esc(p).replace('\t', "<text:tab/>"))).collect()
}

/// Sheets: (name, hidden, rows of cells) as content.xml; `raw_rows` lets a
/// test write a table's rows itself.
pub fn ods(path: &Path, sheets: &[(&str, bool, Vec<Vec<O>>)]) {
    let tables: Vec<(String, bool, String)> = sheets
        .iter()
        .map(|(name, hidden, rows)| {
            let mut x = String::new();
            for row in rows {
                x += "<table:table-row>";
                for cell in row {
                    x += &match cell {
                        O::Text(t) if t.is_empty() => "<table:table-cell/>".to_string(),
                        O::Text(t) => format!(r#"<table:table-cell office:value-type="string" calcext:value-type="string">{}</table:table-cell>"#, ods_text(t)),
                        O::Float(f) => format!(r#"<table:table-cell office:value-type="float" office:value="{f}" calcext:value-type="float"><text:p>{f}</text:p></table:table-cell>"#),
                        O::Date(d) => format!(r#"<table:table-cell office:value-type="date" office:date-value="{d}" calcext:value-type="date"><text:p>{d}</text:p></table:table-cell>"#),
                        O::Time(d) => format!(r#"<table:table-cell office:value-type="time" office:time-value="{d}" calcext:value-type="time"><text:p>{d}</text:p></table:table-cell>"#),
                        O::Raw(attrs, inner) => format!("<table:table-cell {attrs}>{inner}</table:table-cell>"),
                    };
                }
                x += "</table:table-row>";
            }
            (name.to_string(), *hidden, x)
        })
        .collect();
    ods_raw(path, &tables);
}

/// Tables as (name, hidden, the XML of their rows).
pub fn ods_raw(path: &Path, tables: &[(String, bool, String)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    let o = zip::write::SimpleFileOptions::default();
    z.start_file("META-INF/manifest.xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    let mut content = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet>"#);
    for (name, hidden, rows) in tables {
        content += &format!(r#"<table:table table:name="{}" table:style-name="{}">{rows}</table:table>"#, esc(name), if *hidden { "ta2" } else { "ta1" });
    }
    content += "</office:spreadsheet></office:body></office:document-content>";
    z.start_file("content.xml", o).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
}

/// A minimal legacy .xls: a BIFF8 `Workbook` stream (globals with BOF,
/// CODEPAGE 1200, one BOUNDSHEET and the SST, then the sheet's BOF,
/// LABELSST cells `(row, col, string index)`, EOF) in a version-3 compound
/// file of 512-byte sectors: FAT sectors first, then one directory sector
/// (Root Entry, Workbook), then the stream. The stream is padded with zero
/// bytes to 4096 so that it lives in regular sectors, not the mini stream.
/// Strings are written as UTF-16 and cut into CONTINUE records of at most
/// 8,224 bytes, each continuing its characters after an options byte, as
/// Excel does.
pub fn xls(path: &Path, sheet: &str, strings: &[&str], cells: &[(u16, u16, u32)]) {
    xls_declaring(path, sheet, strings, cells, None)
}

/// As `xls`, the sheet opening with a DIMENSIONS record declaring `rows`
/// by `cols` from A1 when given.
pub fn xls_declaring(path: &Path, sheet: &str, strings: &[&str], cells: &[(u16, u16, u32)], dims: Option<(u32, u16)>) {
    fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof = |dt: u16| -> Vec<u8> {
        let mut b = vec![0u8; 16];
        b[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        b[2..4].copy_from_slice(&dt.to_le_bytes());
        b
    };
    // SST: its records' data, a new CONTINUE when one is full; a string's
    // characters cut across records restart with their options byte (1: UTF-16).
    let mut sst: Vec<Vec<u8>> = vec![Vec::new()];
    let n = (strings.len() as u32).to_le_bytes();
    sst[0].extend_from_slice(&[n, n].concat());
    const FULL: usize = 8224;
    for s in strings {
        let units: Vec<u16> = s.encode_utf16().collect();
        if sst.last().unwrap().len() + 5 > FULL {
            sst.push(Vec::new());
        }
        let cur = sst.last_mut().unwrap();
        cur.extend_from_slice(&(units.len() as u16).to_le_bytes());
        cur.push(1);
        for u in units {
            if sst.last().unwrap().len() + 2 > FULL {
                sst.push(vec![1]);
            }
            sst.last_mut().unwrap().extend_from_slice(&u.to_le_bytes());
        }
    }
    let units: Vec<u16> = sheet.encode_utf16().collect();
    let mut name = vec![units.len() as u8, 1];
    name.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    let globals_len = |offset: u32| -> Vec<u8> {
        let mut g = Vec::new();
        rec(&mut g, 0x0809, &bof(0x0005));
        rec(&mut g, 0x0042, &1200u16.to_le_bytes());
        rec(&mut g, 0x0085, &[&offset.to_le_bytes()[..], &[0, 0], &name].concat());
        for (i, part) in sst.iter().enumerate() {
            rec(&mut g, if i == 0 { 0x00FC } else { 0x003C }, part);
        }
        rec(&mut g, 0x000A, &[]);
        g
    };
    let offset = globals_len(0).len() as u32;
    let mut stream = globals_len(offset);
    rec(&mut stream, 0x0809, &bof(0x0010));
    if let Some((rows, cols)) = dims {
        rec(&mut stream, 0x0200, &[&0u32.to_le_bytes()[..], &rows.to_le_bytes(), &0u16.to_le_bytes(), &cols.to_le_bytes(), &[0, 0]].concat());
    }
    for &(r, c, i) in cells {
        rec(&mut stream, 0x00FD, &[&r.to_le_bytes()[..], &c.to_le_bytes(), &0u16.to_le_bytes(), &i.to_le_bytes()].concat());
    }
    rec(&mut stream, 0x000A, &[]);
    let size = stream.len().max(4096);
    stream.resize(size.div_ceil(512) * 512, 0);

    let le = |v: u32| v.to_le_bytes();
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let data_sectors = stream.len() / 512;
    // f FAT sectors of 128 entries cover the FAT, the directory and the stream.
    let f = (data_sectors + 1).div_ceil(127);
    assert!(f <= 109, "the header's DIFAT holds 109 FAT sectors");
    let mut fat = vec![FREE; f * 128];
    fat[..f].fill(0xFFFF_FFFD);
    fat[f] = END;
    for i in 0..data_sectors {
        fat[f + 1 + i] = if i + 1 == data_sectors { END } else { (f + 2 + i) as u32 };
    }
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h[0x18..0x1A].copy_from_slice(&0x003Eu16.to_le_bytes());
    h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    h[0x2C..0x30].copy_from_slice(&le(f as u32));
    h[0x30..0x34].copy_from_slice(&le(f as u32));
    h[0x38..0x3C].copy_from_slice(&le(4096));
    h[0x3C..0x40].copy_from_slice(&le(END));
    h[0x44..0x48].copy_from_slice(&le(END));
    for i in 0..109 {
        let v = if i < f { i as u32 } else { FREE };
        h[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&le(v));
    }
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| -> Vec<u8> {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        if !name.is_empty() {
            e[0x40..0x42].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        }
        e[0x42] = typ;
        e[0x43] = 1;
        e[0x44..0x48].copy_from_slice(&le(FREE));
        e[0x48..0x4C].copy_from_slice(&le(FREE));
        e[0x4C..0x50].copy_from_slice(&le(child));
        e[0x74..0x78].copy_from_slice(&le(start));
        e[0x78..0x7C].copy_from_slice(&le(size));
        e
    };
    let mut out = h;
    for v in &fat {
        out.extend_from_slice(&le(*v));
    }
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, (f + 1) as u32, size as u32));
    out.extend(entry("", 0, FREE, FREE, 0));
    out.extend(entry("", 0, FREE, FREE, 0));
    out.extend_from_slice(&stream);
    std::fs::write(path, out).unwrap();
}
