//! The files Japanese offices really have: an Excel export of the shipped
//! records (CP932, CRLF, a title row, Japanese labels, slash and 和暦
//! dates, full-width digits, width-variant carrier names, empty trailing
//! rows, a lock file beside it) gives the canonical figures; files meant
//! for people open in Excel; rejected rows can be fixed and fed back.


use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{figures_csv, jiko, root, stderr, stdout, tmp};
use jiko::taxonomy;

/// figures.csv without the per-file `rows` table.
fn figures(dir: &Path) -> BTreeMap<String, String> {
    figures_csv(dir).into_iter().filter(|(k, _)| !k.starts_with("rows,")).collect()
}

fn full_width(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap() } else { c }).collect()
}

fn label(codes: &[taxonomy::Coded], code: &str) -> String {
    codes.iter().find(|c| c.code == code).map_or(code.to_string(), |c| c.label.to_string())
}

/// One canonical record as an office would type it; `i` picks the variant.
fn office_row(header: &[String], rec: &csv::StringRecord, i: usize) -> Vec<String> {
    let get = |name: &str| rec.get(header.iter().position(|h| h == name).unwrap()).unwrap().to_string();
    let real = get("provenance") == "published";
    let started = get("started_at");
    let (y, mo, d, h, mi) = (&started[0..4], &started[5..7], &started[8..10], &started[11..13], &started[14..16]);
    let n = |s: &str| s.trim_start_matches('0').to_string();
    let n = |s: &str| if n(s).is_empty() { "0".to_string() } else { n(s) };
    let date = match i % 3 {
        0 => format!("{y}/{}/{} {}:{mi}", n(mo), n(d), n(h)),
        1 => format!("{y}/{mo}/{d} {h}:{mi}:00"),
        _ => {
            let year: i32 = y.parse().unwrap();
            let era = if year >= 2019 && (year > 2019 || mo >= "05") { format!("令和{}年", if year == 2019 { "元".to_string() } else { (year - 2018).to_string() }) } else { format!("平成{}年", year - 1988) };
            format!("{era}{}月{}日 {}時{}分", n(mo), n(d), n(h), n(mi))
        }
    };
    let duration = get("duration_min");
    let duration = match i % 4 {
        0 => full_width(&duration),
        1 => format!("{duration}分"),
        2 => {
            let m: u64 = duration.parse().unwrap();
            format!("{}:{:02}", m / 60, m % 60)
        }
        _ => duration,
    };
    let users: u64 = get("affected_users").parse().unwrap();
    let users = match i % 3 {
        0 => format!("{}人", jiko::render::thousands(users as i64)),
        1 => full_width(&users.to_string()),
        _ => users.to_string(),
    };
    let services: Vec<String> = get("services").split(';').map(|c| label(&jiko::rules::Rules::builtin().vocab.service_codes, c)).collect();
    let carrier = get("carrier");
    // A few synthetic carriers in full width: counted once all the same.
    let carrier = if !real && i % 7 == 0 { full_width(&carrier) } else { carrier };
    let coded = |name: &str, codes: &[taxonomy::Coded]| {
        let v = get(name);
        if v.is_empty() {
            v
        } else {
            label(codes, &v)
        }
    };
    vec![
        get("incident_id"),
        carrier,
        if get("report_form") == "detailed" { "詳細な様式".into() } else { "簡易".into() },
        date,
        duration,
        users,
        services.join("、"),
        coded("cause", &jiko::rules::Rules::builtin().vocab.causes),
        coded("equipment", &jiko::rules::Rules::builtin().vocab.equipment),
        coded("facility", &jiko::rules::Rules::builtin().vocab.facilities),
        coded("kind", &jiko::rules::Rules::builtin().vocab.kinds),
        coded("wholesale", &jiko::rules::Rules::builtin().vocab.wholesale),
        get("accident_id"),
        get("region"),
        get("summary"),
        get("provenance"),
    ]
}

const OFFICE_HEADER: &[&str] = &[
    "報告番号", "事業者名", "報告様式", "発生日時", "継続時間(分)", "影響利用者数", "役務", "発生要因", "故障設備", "重要設備", "事故種別", "卸役務",
    "事故番号", "影響地域", "障害内容", "provenance",
];

#[test]
fn an_office_export_of_the_reconstruction_gives_the_canonical_figures() {
    let dir = tmp("office");
    let data = dir.join("export");
    std::fs::create_dir_all(&data).unwrap();
    for name in ["fy2019.csv", "fy2020.csv"] {
        let mut r = csv::Reader::from_path(root().join("data/incidents").join(name)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
        w.write_record(["電気通信事故 報告一覧"]).unwrap();
        w.write_record(OFFICE_HEADER).unwrap();
        for (i, rec) in r.records().enumerate() {
            w.write_record(office_row(&header, &rec.unwrap(), i)).unwrap();
        }
        for _ in 0..3 {
            w.write_record(vec![""; OFFICE_HEADER.len()]).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!lossy, "{name}: representable in CP932");
        std::fs::write(data.join(name), &sjis).unwrap();
    }
    std::fs::write(data.join("~$export.xlsx"), "lock").unwrap();

    let (office, canonical) = (dir.join("office-out"), dir.join("canonical-out"));
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", data.to_str().unwrap(), "--out", office.to_str().unwrap(), "--check", "data/published/fy2020.csv"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).lines().last(), Some("144/144 figures match"));
    let err = stderr(&o);
    assert!(err.contains("rows above the header skipped as titles: 1 (電気通信事故 報告一覧)"), "{err}");
    assert!(err.contains("~$export.xlsx: an Excel lock file, skipped"), "{err}");
    assert!(err.contains("carrier spellings counted as one"), "{err}");
    assert!(jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", canonical.to_str().unwrap()]).status.success());
    assert_eq!(figures(&office), figures(&canonical));
}

#[test]
fn messages_name_columns_as_the_file_does_and_headers_are_found() {
    let dir = tmp("headers");
    // Half-width brackets, a title row, tab-separated.
    let text = "事故一覧\t\t\n報告番号\t事業者名\t報告様式\t発生日時\t継続時間(分)\t影響利用者数\t役務\t発生要因\nx1\tA社\t詳細\t2020/5/1 10:00\t130\t100\tＦＴＴＨ\t作業ミス\nx2\tA社\t詳細\t2020/5/1 10:00\t130\t100\tfth\t作業ミス\n";
    let path = dir.join("tab.tsv");
    std::fs::write(&path, text).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("tab.tsv:4: column 役務: \"fth\": unknown code; did you mean `ftth`?"), "{err}");
    assert!(err.contains("read as tab-separated"), "{err}");
    assert!(err.contains("skipped as titles: 1 (事故一覧)"), "{err}");
    // --header-row names the header when it is further down.
    let mut far = String::new();
    for i in 0..12 {
        far += &format!("memo {i},,,,,,,\n");
    }
    far += "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause\nx1,A,detailed,2020-05-01 10:00,130,100,ftth,unknown\n";
    let path = dir.join("far.csv");
    std::fs::write(&path, &far).unwrap();
    assert_eq!(jiko(&["validate", path.to_str().unwrap()]).status.code(), Some(2));
    let o = jiko(&["validate", path.to_str().unwrap(), "--header-row", "13"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A semicolon file is read as one; a misspelled header gets a hint.
    let path = dir.join("semi.csv");
    std::fs::write(&path, "incident_id;carrier;report_form;started_at;duration_min;affected_users;services;caus\n").unwrap();
    let err = stderr(&jiko(&["validate", path.to_str().unwrap()]));
    assert!(err.contains("did you mean \"caus\" for cause (発生要因)?"), "{err}");
}

#[test]
fn files_for_people_open_in_excel_and_figures_csv_stays_plain() {
    let out = tmp("bom");
    assert!(jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", out.to_str().unwrap()]).status.success());
    for f in ["tables/summary.csv", "tables/matrix.csv", "outside_duty.csv"] {
        assert!(std::fs::read(out.join(f)).unwrap().starts_with("\u{feff}".as_bytes()), "{f} starts with a BOM");
    }
    assert!(std::fs::read(out.join("figures.csv")).unwrap().starts_with(b"table,row,column,value\n"));
}

#[test]
fn rejected_rows_can_be_fixed_in_a_spreadsheet_and_fed_back() {
    let dir = tmp("roundtrip");
    let header = "報告番号,事業者名,報告様式,発生日時,継続時間（分）,影響利用者数,役務,発生要因,備考";
    let text = format!(
        "{header}\r\nok1,A社,詳細,2020/5/1 10:00,130,100,FTTH,作業ミス,残す\r\nb1,B社,詳細,2020/5/2 10:00,130,100,ftth_acces,作業ミス,直す\r\nb2,B社,詳細,2020/13/2 10:00,130,100,ftth,作業ミス,直す\r\n"
    );
    let input = dir.join("in.csv");
    std::fs::write(&input, encoding_rs::SHIFT_JIS.encode(&text).0).unwrap();
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let rejects = rejects.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let first = rejects.lines().next().unwrap();
    assert_eq!(first, format!("reason,source_file,source_line,{header}"), "the input's own columns");
    // The person fixes the two values, as in a spreadsheet, and saves.
    let fixed = format!("\u{feff}{}", rejects.replace("ftth_acces", "ftth").replace("2020/13/2", "2020/12/2"));
    let fixed_path = dir.join("fixed.csv");
    std::fs::write(&fixed_path, fixed).unwrap();
    let both = dir.join("both");
    std::fs::create_dir_all(&both).unwrap();
    let ok_only = format!("{header}\r\nok1,A社,詳細,2020/5/1 10:00,130,100,FTTH,作業ミス,残す\r\n");
    std::fs::write(both.join("a.csv"), ok_only).unwrap();
    std::fs::copy(&fixed_path, both.join("b.csv")).unwrap();
    let out2 = dir.join("o2");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", both.to_str().unwrap(), "--out", out2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(figures(&out2)["summary,detailed,reports"], "3");
}

#[test]
fn a_carriers_file_merges_what_no_rule_can_know() {
    let dir = tmp("carriers");
    let input = crate::common::records_csv(
        &dir,
        "c.csv",
        &[
            "a,ＫＤＤＩ株式会社,detailed,2020-05-01 10:00,130,100,ftth,unknown",
            "b,KDDI株式会社,detailed,2020-05-01 10:00,130,100,ftth,unknown",
            "c,KDDI(株),detailed,2020-05-01 10:00,130,100,ftth,unknown",
            "d,au,detailed,2020-05-01 10:00,130,100,ftth,unknown",
        ],
    );
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(figures(&out)["summary,detailed,carriers"], "2", "width and 株式会社 variants are one carrier");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("事業者名の表記を統合"), "the merge is noted in the report");
    let map = dir.join("map.csv");
    std::fs::write(&map, "spelling,carrier\nau,KDDI株式会社\n").unwrap();
    let out = dir.join("o2");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--carriers", map.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(figures(&out)["summary,detailed,carriers"], "1");
}

#[test]
fn an_ended_at_column_gives_the_duration() {
    let dir = tmp("ended");
    let text = "報告番号,事業者名,報告様式,発生日時,復旧日時,影響利用者数,役務,発生要因\n\
        a,A社,詳細,2020/5/1 22:00,2020/5/2 1:30,100,ftth,不明\n\
        b,A社,詳細,2020/5/1 22:00,2020/5/1 21:00,100,ftth,不明\n";
    let input = dir.join("e.csv");
    std::fs::write(&input, text).unwrap();
    let o = jiko(&["validate", input.to_str().unwrap()]);
    assert!(stderr(&o).contains("e.csv:3: column 復旧日時: \"2020/5/1 21:00\": before the start"), "{}", stderr(&o));
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // 22:00 to 1:30 is 210 minutes: the 2h–5h row of the matrix.
    assert_eq!(figures(&out)["matrix,2h-5h,total"], "1");
}

#[test]
fn workbooks_of_every_kind_excel_writes_are_read() {
    use rust_xlsxwriter::Workbook;
    let dir = tmp("kinds");
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    let head = ["報告番号", "事業者名", "報告様式", "発生日時", "継続時間（分）", "影響利用者数", "役務", "発生要因"];
    for (c, h) in head.iter().enumerate() {
        s.write_string(1, c as u16, *h).unwrap();
    }
    s.write_string(0, 0, "令和2年度 事故一覧").unwrap();
    for (c, v) in ["x1", "A社", "詳細な様式", "2020/5/1 10:00", "2時間10分", "3,000人", "FTTHアクセスサービス", "作業ミス"].iter().enumerate() {
        s.write_string(2, c as u16, *v).unwrap();
    }
    let xlsx = dir.join("b.xlsx");
    book.save(&xlsx).unwrap();
    // An .xlsm is the same container with macros allowed.
    std::fs::copy(&xlsx, dir.join("m.xlsm")).unwrap();
    for path in [xlsx.clone(), dir.join("m.xlsm")] {
        let o = jiko(&["validate", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("all 1 rows valid") && err.contains("skipped as titles"), "{err}");
    }
    // Anything else named is refused with the kinds jiko reads.
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    let o = jiko(&["validate", dir.join("notes.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("jiko reads .csv and .tsv text and .xlsx, .xlsm, .xlsb, .xls and .ods workbooks, not .txt"), "{}", stderr(&o));
}

/// The template's sheet XML with rows added, as Excel saves a filled-in
/// copy: cells in the template's column styles (dates as serial numbers).
fn fill_template(template: &[u8], rows: &[[&str; 8]]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(template)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(bytes).unwrap();
            // The style the template gives the 発生日時 column (D).
            let col = xml.split("<col ").find(|c| c.starts_with("min=\"4\"")).unwrap();
            let style = col.split("style=\"").nth(1).unwrap().split('"').next().unwrap();
            let mut added = String::new();
            for (r, row) in rows.iter().enumerate() {
                let r = r + 2;
                added += &format!("<row r=\"{r}\">");
                for (c, v) in row.iter().enumerate() {
                    let cell = format!("{}{r}", (b'A' + c as u8) as char);
                    added += &match c {
                        3 => format!("<c r=\"{cell}\" s=\"{style}\"><v>{v}</v></c>"),
                        4 | 5 => format!("<c r=\"{cell}\"><v>{v}</v></c>"),
                        _ => format!("<c r=\"{cell}\" t=\"inlineStr\"><is><t>{v}</t></is></c>"),
                    };
                }
                added += "</row>";
            }
            bytes = xml.replace("</sheetData>", &format!("{added}</sheetData>")).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap().into_inner()
}

#[test]
fn the_template_explains_itself_and_is_read_back_when_filled() {
    use calamine::{Reader, Xlsx};
    let dir = tmp("template");
    let path = dir.join("incidents.xlsx");
    let o = jiko(&["template", "--out", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(jiko(&["template", "--out", path.to_str().unwrap()]).status.code(), Some(2), "an existing file is kept");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["事故一覧", "説明", "選択肢"]);
    let header: Vec<String> = book.worksheet_range("事故一覧").unwrap().rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let want: Vec<&str> = jiko::records::COLUMNS.iter().map(|c| c.japanese).collect();
    assert_eq!(header, want);
    let lists = book.worksheet_range("選択肢").unwrap();
    let all: Vec<String> = lists.used_cells().map(|(_, _, c)| c.to_string()).collect();
    for label in ["詳細な様式", "作業ミス", "無線基地局", "インターネット関連サービス（有料）（電子メール）", "電気通信設備に関する情報の漏えい"] {
        assert!(all.iter().any(|c| c == label), "{label} is offered");
    }
    let raw = std::fs::read(&path).unwrap();
    let sheet = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&raw)).unwrap();
        let mut s = String::new();
        z.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(sheet.contains("<dataValidation type=\"list\""), "dropdowns");
    // 2020-05-01 10:00 is Excel serial 43952.416666…
    let filled = fill_template(
        &raw,
        &[
            ["t1", "A社", "詳細な様式", "43952.41666666666", "130", "3000", "FTTHアクセスサービス", "作業ミス"],
            ["t2", "B社", "簡易な様式", "43952.5", "200", "120", "携帯電話（音声）、携帯電話・PHS（データ通信）", "停電"],
        ],
    );
    let filled_path = dir.join("filled.xlsx");
    std::fs::write(&filled_path, filled).unwrap();
    let o = jiko(&["validate", filled_path.to_str().unwrap()]);
    assert!(stderr(&o).contains("column 故障設備"), "a simple report needs its equipment: {}", stderr(&o));
    let out = dir.join("o");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", filled_path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = figures(&out);
    assert_eq!(f["summary,detailed,reports"], "1");
    assert_eq!(f["matrix,2h-5h,total"], "1", "130 minutes from the filled template");
}

#[test]
fn messages_are_in_japanese_with_lang_ja_or_a_japanese_locale() {
    let bad = root().join("tests/broken/misspelled_service.csv");
    let o = jiko(&["--lang", "ja", "validate", bad.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains(":3: 列 役務（services）: \"ftth_acces\": 不明なコードです。`ftth` ではありませんか？"), "{err}");
    assert!(err.contains("2行（正しい1行、不正1行）"), "{err}");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiko"))
        .args(["aggregate", "--year", "R9"])
        .env("LANG", "ja_JP.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(err.contains("エラー: 入力に令和9年度（2027）の報告がありません"), "{err}");
    // English stays the default elsewhere.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiko")).args(["aggregate", "--year", "R9"]).env("LANG", "C.UTF-8").env_remove("LC_ALL").env_remove("LC_MESSAGES").output().unwrap();
    assert!(stderr(&o).contains("error: the inputs hold no report"), "{}", stderr(&o));
}

/// A minimal OpenDocument spreadsheet (as LibreOffice saves one) with one
/// sheet of text cells.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    z.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    let mut body = String::new();
    for r in rows {
        body += "<table:table-row>";
        for c in r.iter() {
            body += &format!("<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>");
        }
        body += "</table:table-row>";
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="事故">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    z.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

#[test]
fn an_opendocument_spreadsheet_is_read() {
    let dir = tmp("ods");
    let path = dir.join("list.ods");
    std::fs::write(
        &path,
        ods(&[
            &["報告番号", "事業者名", "報告様式", "発生日時", "継続時間（分）", "影響利用者数", "役務", "発生要因"],
            &["o1", "A社", "詳細", "2020/5/1 10:00", "130", "100", "FTTH", "作業ミス"],
            &["o2", "A社", "詳細", "2020/5/1 10:00", "130", "100", "fth", "作業ミス"],
        ]),
    )
    .unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("list.ods: sheet 事故, row 3: column 役務: \"fth\": unknown code; did you mean `ftth`?"), "{err}");
}

/// The template lists the codes of the run's book: a `--rules` file that
/// words a cause otherwise offers that wording, and the built-in one does
/// not (the vocabulary comes with the book).
#[test]
fn the_template_lists_the_codes_of_the_rules_given() {
    use calamine::{Reader, Xlsx};
    let dir = tmp("template-rules");
    let builtin = std::fs::read_to_string(root().join("data/rules/mic.toml")).unwrap();
    let cause = r#"{ code = "natural_failure", group = "equipment", label = "自然故障" }"#;
    assert!(builtin.contains(cause));
    let rules = dir.join("worded.toml");
    std::fs::write(&rules, builtin.replace(cause, r#"{ code = "natural_failure", group = "equipment", label = "設備の自然故障" }"#)).unwrap();
    let offered = |args: &[&str], name: &str| -> Vec<String> {
        let path = dir.join(name);
        let o = jiko(&[args, &["template", "--out", path.to_str().unwrap()]].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        book.worksheet_range("選択肢").unwrap().used_cells().map(|(_, _, c)| c.to_string()).collect()
    };
    let worded = offered(&["--rules", rules.to_str().unwrap()], "worded.xlsx");
    assert!(worded.iter().any(|c| c == "設備の自然故障") && !worded.iter().any(|c| c == "自然故障"));
    let plain = offered(&[], "plain.xlsx");
    assert!(plain.iter().any(|c| c == "自然故障") && !plain.iter().any(|c| c == "設備の自然故障"));
}

/// The おそれ事態 columns are dropdowns of the --rules book's [near_miss]
/// lists (施行規則第58条の2第1号ホ(1)–(7), ニ(1)–(5), ハ・ヘ(1)–(3) and the
/// book's "none"), and the explanation sheet names the book's codes; a book
/// that words ホ(6) otherwise offers its words.
#[test]
fn the_template_offers_the_near_miss_lists_of_the_rules_given() {
    use calamine::{Reader, Xlsx};
    let dir = tmp("template-near-miss");
    let capacity = "電気通信設備の設備容量を上回る処理が生じ、当該処理に対して電気通信事業者が想定していた措置が講じられなかつた事態";
    let book_of = |args: &[&str], name: &str| {
        let path = dir.join(name);
        let o = jiko(&[args, &["template", "--out", path.to_str().unwrap()]].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        let raw = std::fs::read(&path).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let lists: Vec<String> = book.worksheet_range("選択肢").unwrap().used_cells().map(|(_, _, c)| c.to_string()).collect();
        let help: Vec<Vec<String>> = book.worksheet_range("説明").unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        (raw, lists, help)
    };
    let (raw, lists, help) = book_of(&[], "plain.xlsx");
    for label in [
        capacity,
        "電気通信設備の故障等の発生時に、当該設備の機能を代替することとなつていた予備の電気通信設備（当該予備の電気通信設備の機能を代替することとなつていた予備の電気通信設備を含む。）へ速やかに切り替えることができなかつた事態",
        "交換機能",
        "当該事態の発生があらかじめ計画されていた事態",
        "なし",
    ] {
        assert!(lists.iter().any(|c| c == label), "{label} is offered");
    }
    assert!(!lists.iter().any(|c| c.contains("そのことを速やかに覚知できず")), "ホ(2) is offered in its words of today");
    let row = |name: &str| help.iter().find(|r| r.get(1).is_some_and(|c| c == name)).unwrap().clone();
    assert!(row("situation")[3].contains("capacity_exceeded、bad_config_not_recovered"), "{:?}", row("situation"));
    assert!(row("exclusions")[3].contains("いずれにも該当しなければ「なし」"), "{:?}", row("exclusions"));
    assert!(row("situation")[4].contains("選択肢"), "{:?}", row("situation"));
    let sheet = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&raw)).unwrap();
        let mut s = String::new();
        z.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    // The three columns' dropdowns: おそれ事態 (R), 設備の機能 (S), 除外事由 (W).
    for col in ["R2:R", "S2:S", "W2:W"] {
        assert!(sheet.contains(&format!("sqref=\"{col}")), "{col}: {sheet}");
    }
    let builtin = std::fs::read_to_string(root().join("data/rules/mic.toml")).unwrap();
    assert!(builtin.contains(capacity));
    let rules = dir.join("worded.toml");
    std::fs::write(&rules, builtin.replace(capacity, "設備容量超過")).unwrap();
    let (_, worded, _) = book_of(&["--rules", rules.to_str().unwrap()], "worded.xlsx");
    assert!(worded.iter().any(|c| c == "設備容量超過") && !worded.iter().any(|c| c == capacity));
}
