//! Real-world input: encodings, shapes, Excel, broken files, accounting.


use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{figures_csv, jiko, root, tmp};
use jiko::aggregate;
use crate::common::Rng;
use jiko::records::ReadOptions;

/// figures.csv without the per-file `rows` table.
fn figures(dir: &Path) -> BTreeMap<String, String> {
    figures_csv(dir).into_iter().filter(|(k, _)| !k.starts_with("rows,")).collect()
}

/// A sample of the shipped FY2019/FY2020 records (with the real majors),
/// one of them given a summary with a comma and a line break.
fn sample() -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = Vec::new();
    let mut header = Vec::new();
    for name in ["fy2019.csv", "fy2020.csv"] {
        let mut r = csv::Reader::from_path(root().join("data/incidents").join(name)).unwrap();
        header = r.headers().unwrap().iter().map(String::from).collect();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.unwrap();
            if i % 211 == 0 || &rec[15] == "published" || !rec[12].is_empty() || rec[11].len() > 0 {
                rows.push(rec.iter().map(String::from).collect::<Vec<_>>());
            }
        }
    }
    rows[5][14] = "基地局の停波,\n\"復旧\"済み".to_string();
    (header, rows)
}

fn csv_text(header: &[String], rows: &[Vec<String>], order: &[usize], terminator: csv::Terminator) -> String {
    let mut w = csv::WriterBuilder::new().terminator(terminator).from_writer(Vec::new());
    w.write_record(order.iter().map(|&i| &header[i])).unwrap();
    for r in rows {
        w.write_record(order.iter().map(|&i| &r[i])).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

const ALIASES: &[(&str, &str)] = &[
    ("incident_id", "報告番号"),
    ("carrier", "事業者名"),
    ("report_form", "報告様式"),
    ("started_at", "発生日時"),
    ("duration_min", "継続時間（分）"),
    ("affected_users", "影響利用者数"),
    ("services", "役務"),
    ("cause", "発生要因"),
    ("equipment", "故障設備"),
    ("facility", "重要設備"),
    ("kind", "事故種別"),
    ("wholesale", "卸役務"),
    ("accident_id", "事故番号"),
    ("region", "影響地域"),
    ("summary", "障害内容"),
];

fn write_xlsx(path: &Path, header: &[String], rows: &[Vec<String>]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("事故一覧").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match header[c as usize].as_str() {
                // As Excel keeps them: numbers as numbers, times as dates.
                "duration_min" | "affected_users" => {
                    sheet.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
                }
                "started_at" => {
                    let n = |a: usize, b: usize| v[a..b].parse::<u16>().unwrap();
                    let dt = ExcelDateTime::from_ymd(n(0, 4), n(5, 7) as u8, n(8, 10) as u8)
                        .unwrap()
                        .and_hms(n(11, 13), n(14, 16) as u8, 0)
                        .unwrap();
                    sheet.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                _ if v.is_empty() => {}
                _ => {
                    sheet.write_string(r, c, v).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// The issue's definition of done: a CP932 file with Japanese headers and
/// CRLF (as Excel saves it), a UTF-8 BOM file with its columns shuffled and
/// an xlsx workbook, given together, give the figures of one plain CSV.
#[test]
fn every_shape_together_gives_the_figures_of_one_plain_csv() {
    let (header, rows) = sample();
    let all: Vec<usize> = (0..header.len()).collect();
    let plain = tmp("plain");
    std::fs::write(plain.join("all.csv"), csv_text(&header, &rows, &all, csv::Terminator::Any(b'\n'))).unwrap();

    let mixed = tmp("mixed");
    let third = rows.len() / 3;
    let japanese: Vec<String> =
        header.iter().map(|h| ALIASES.iter().find(|(e, _)| e == h).map_or(h.clone(), |(_, j)| j.to_string())).collect();
    let text = csv_text(&japanese, &rows[..third], &all, csv::Terminator::CRLF);
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!lossy, "the sample is representable in CP932");
    std::fs::write(mixed.join("excel-cp932.csv"), &sjis).unwrap();
    let shuffled: Vec<usize> = all.iter().rev().copied().collect();
    let bom = format!("\u{feff}{}", csv_text(&header, &rows[third..2 * third], &shuffled, csv::Terminator::Any(b'\n')));
    std::fs::write(mixed.join("bom.csv"), bom).unwrap();
    write_xlsx(&mixed.join("book.xlsx"), &header, &rows[2 * third..]);

    let outs = [tmp("plain-out"), tmp("mixed-out")];
    for (out, input) in outs.iter().zip([plain.join("all.csv"), mixed.clone()]) {
        let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (a, b) = (figures(&outs[0]), figures(&outs[1]));
    assert!(a.len() > 150);
    assert_eq!(a, b);
    assert_eq!(a["summary,major,reports"], "4");
    let o = jiko(&["validate", mixed.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&format!("all {} rows valid", rows.len())), "{err}");
    assert_eq!(err.matches("columns jiko ignores").count(), 1, "extra columns are noted once: {err}");
}

#[test]
fn a_workbook_sheet_can_be_chosen_and_errors_name_sheet_and_row() {
    use rust_xlsxwriter::Workbook;
    let dir = tmp("sheets");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("メモ").unwrap().write_string(0, 0, "notes").unwrap();
    let s = book.add_worksheet().set_name("事故").unwrap();
    let head = ["incident_id", "carrier", "report_form", "started_at", "duration_min", "affected_users", "services", "cause"];
    for (c, h) in head.iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["x1", "X社", "detailed", "2020-05-01 10:00", "130", "100", "ftth", "natural_failure"].iter().enumerate() {
        s.write_string(1, c as u16, *v).unwrap();
    }
    for (c, v) in ["x2", "X社", "detailed", "2020-05-01 10:00", "130", "100", "fth", "natural_failure"].iter().enumerate() {
        s.write_string(2, c as u16, *v).unwrap();
    }
    let path = dir.join("b.xlsx");
    book.save(&path).unwrap();
    let p = path.to_str().unwrap();
    let o = jiko(&["validate", p]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("lacks required column"), "the first sheet is read by default");
    let o = jiko(&["validate", p, "--sheet", "事故"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains(&format!("{p}: sheet 事故, row 3: column services: \"fth\": unknown code; did you mean `ftth`?")), "{err}");
    let o = jiko(&["validate", p, "--sheet", "無い"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no sheet \"無い\""));
}

#[test]
fn every_broken_file_gets_its_message_and_nothing_valid_is_lost() {
    let corpus = root().join("tests/broken");
    let expected = std::fs::read_to_string(corpus.join("expected.txt")).unwrap();
    let mut checked = 0;
    for line in expected.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (file, message) = line.split_once(" | ").unwrap();
        let path = corpus.join(file);
        let o = jiko(&["validate", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{file} passed");
        assert!(err.contains(message), "{file}: wanted {message:?} in:\n{err}");
        if file != "missing_column.csv" {
            // The valid row of the file survives --skip-invalid.
            let out = tmp(&format!("broken-{file}"));
            let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
            if file == "duplicate_id.csv" || file == "unclosed_quote.csv" || file == "duplicate_of_invalid.csv" {
                assert!(!o.status.success(), "{file}: duplicate ids and unclosed quotes stay fatal");
                assert!(!out.join("figures.csv").exists(), "{file}: nothing is written");
            } else {
                assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
                let f = figures(&out);
                assert_eq!(f["summary,detailed,reports"], "1", "{file}");
                let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
                assert!(rejects.contains("b1"), "{file}: {rejects}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 35);
}

/// Property: for random mixes of valid, other-year, outside-duty and
/// invalid rows, every row read is accounted for exactly once.
#[test]
fn random_records_always_reconcile() {
    let mut rng = Rng::new(7);
    for case in 0..40 {
        let dir = tmp(&format!("prop{case}"));
        let mut text = String::from("incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,kind\n");
        let (mut counted, mut other, mut outside, mut bad) = (0u64, 0u64, 0u64, 0u64);
        let n = 1 + rng.below(120);
        for i in 0..n {
            let year = 2019 + rng.below(3) as i32;
            let month = 1 + rng.below(12) as u32;
            let fy = if month >= 4 { year } else { year - 1 };
            let d = rng.below(3000);
            let u = [rng.below(600), rng.below(40_000), rng.below(3_000_000)][rng.below(3) as usize];
            let leak = rng.below(20) == 0;
            let invalid = rng.below(8) == 0;
            let services = if invalid { "ftth_x" } else { ["ftth", "isp;ftth", "mobile_voice", "internet_free", "lpwa_cellular"][rng.below(5) as usize] };
            text += &format!(
                "r{i},C{},detailed,{year}-{month:02}-{:02} {:02}:{:02},{d},{u},{services},natural_failure,,{}\n",
                rng.below(5),
                1 + rng.below(28),
                rng.below(24),
                rng.below(60),
                if leak { "info_leak" } else { "" }
            );
            if invalid {
                bad += 1;
            } else if fy != 2020 {
                other += 1;
            } else if d < 120 && u < 30_000 && !leak {
                outside += 1;
            } else {
                counted += 1;
            }
        }
        let path = dir.join("r.csv");
        std::fs::write(&path, text).unwrap();
        let agg = aggregate::aggregate(&[path], 2020, &ReadOptions::default()).unwrap();
        let a = &agg.accounts[0];
        assert_eq!((a.read, a.counted, a.other_years, a.outside_duty, a.rejected), (n, counted, other, outside, bad), "case {case}");
        let t = agg.tally(2020).cloned().unwrap_or_else(|| jiko::aggregate::YearTally::new(agg.rules));
        assert_eq!(t.detailed_reports, counted, "case {case}");
        assert_eq!(t.matrix.iter().flatten().sum::<u64>(), counted, "the matrix holds every counted report");
    }
}

#[test]
fn cp932_bytes_that_do_not_decode_are_errors_not_replacement_characters() {
    let dir = tmp("garbage");
    let mut bytes = encoding_rs::SHIFT_JIS
        .encode("報告番号,事業者名,報告様式,発生日時,継続時間（分）,影響利用者数,役務,発生要因\r\nx1,")
        .0
        .into_owned();
    bytes.extend_from_slice(&[0x81, 0x20, 0x82, 0xA0]); // 0x81 0x20 is not CP932
    bytes.extend_from_slice(b",detailed,2020-05-01 10:00,130,100,ftth,natural_failure\r\n");
    let path = dir.join("g.csv");
    std::fs::write(&path, bytes).unwrap();
    let o = jiko(&["validate", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains(":2: column 事業者名") && err.contains("not valid in the file's encoding"), "{err}");
}

#[test]
fn a_failed_run_leaves_no_half_report() {
    let dir = tmp("atomic");
    let bad_trend = dir.join("trend.csv");
    std::fs::write(&bad_trend, "table,row,column,value\nmajor_trend,二千年,count,3\n").unwrap();
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--out", out.to_str().unwrap(), "--trend", bad_trend.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("二千年"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.exists(), "nothing was written: the tables were made but the charts failed");
}

/// The language is a value of the read, not of the process: the same bad
/// row read twice in one process, in English and in Japanese.
#[test]
fn messages_in_two_languages_in_one_process() {
    use jiko::lang::Lang;
    let head = std::fs::read_to_string(root().join("data/incidents/fy2020.csv")).unwrap().lines().next().unwrap().to_string();
    let width = head.split(',').count();
    let mut row = vec![""; width];
    let at = |name: &str| head.split(',').position(|h| h == name).unwrap();
    for (name, v) in [("incident_id", "L-1"), ("carrier", "架空通信"), ("report_form", "detailed"), ("started_at", "2020-05-01 10:00"), ("duration_min", "2:75"), ("affected_users", "10"), ("services", "ftth"), ("cause", "power_outage"), ("equipment", "server")] {
        row[at(name)] = v;
    }
    let text = format!("{head}\n{}\n", row.join(","));
    let read = |lang| {
        let report = jiko::records::read_csv_bytes("l.csv", text.as_bytes(), &ReadOptions { lang, ..Default::default() }, |_| {}).unwrap();
        report.errors[0].text(lang)
    };
    let (en, ja) = (read(Lang::En), read(Lang::Ja));
    // The messages as values.rs words them: minutes past 59 in H:MM.
    assert!(en.contains("column duration_min") && en.contains("not a duration as H:MM"), "{en}");
    assert!(ja.contains("列 継続時間（分）（duration_min）") && ja.contains("H:MM の形の時間として読めません"), "{ja}");
    assert_eq!(read(Lang::En), en, "the first language is not changed by the second");
}

/// Two books with other bins and other spellings, in one process: each
/// reads its own spellings and counts into its own bins, and the first
/// is as it was after the second is loaded (the vocabulary is passed with
/// the book, not fixed for the process).
#[test]
fn two_vocabularies_count_side_by_side_in_one_process() {
    let dir = tmp("two-vocabularies");
    let builtin = std::fs::read_to_string(root().join("data/rules/mic.toml")).unwrap();
    let bin = r#"  { code = "5h-12h", from = 300, label = "5時間以上12時間未満" },"#;
    let split = "  { code = \"5h-8h\", from = 300, label = \"5時間以上8時間未満\" },\n  { code = \"8h-12h\", from = 480, label = \"8時間以上12時間未満\" },";
    let alias = r#"  { column = "services", code = "ftth", spellings = ["光回線", "光回線サービス", "光アクセス"] },"#;
    let more = r#"  { column = "services", code = "ftth", spellings = ["光回線", "光回線サービス", "光アクセス", "光ファイバ"] },"#;
    assert!(builtin.contains(bin) && builtin.contains(alias));
    let path = dir.join("split.toml");
    std::fs::write(&path, builtin.replace(bin, split).replace(alias, more)).unwrap();
    let split = jiko::rules::Rules::load(jiko::lang::Lang::En, &path).unwrap();
    let csv = crate::common::records_csv(
        &dir,
        "r.csv",
        &[
            "a,C,detailed,2020-05-01 10:00,360,100,ftth,natural_failure",
            "b,C,detailed,2020-06-01 10:00,600,100,ftth,natural_failure",
            "c,C,detailed,2020-07-01 10:00,600,100,光ファイバ,natural_failure",
        ],
    );
    let count = |agg: &jiko::aggregate::Aggregate, row: &str| jiko::figures::compute(agg, 2020).int("matrix", row, "total");
    let with = |rules| aggregate::aggregate(&[csv.clone()], 2020, &ReadOptions { rules, ..ReadOptions::default() });
    let rejected = |agg: &jiko::aggregate::Aggregate| agg.accounts[0].rejected;
    let b = with(split).unwrap();
    assert_eq!((count(&b, "5h-8h"), count(&b, "8h-12h"), count(&b, "5h-12h"), rejected(&b)), (Some(1), Some(2), None, 0));
    assert_eq!(split.vocab.bin_label("8h-12h"), "8時間以上12時間未満");
    // The built-in book, after the other was loaded and used: its own bins,
    // and 光ファイバ is no spelling of it (that report is rejected).
    let a = with(jiko::rules::Rules::builtin()).unwrap();
    assert_eq!((count(&a, "5h-12h"), count(&a, "5h-8h"), rejected(&a)), (Some(2), None, 1));
    assert_eq!(jiko::rules::Rules::builtin().vocab.bin_label("8h-12h"), "");
    assert!(!split.same_codes(&jiko::rules::Rules::builtin()));
}

/// Issue 30: 通信の秘密の漏えい is another report (施行規則第57条第1項の表二の項,
/// 様式第五十の二), not the routine report's leak item (注2③): the `kind`
/// column refuses it naming its form, and 特定利用者情報 likewise; the
/// edition's own wording of 注2③ and the old short spellings read as
/// `info_leak`.
#[test]
fn a_leak_of_the_secrecy_of_communications_is_refused_naming_its_report() {
    let dir = tmp("secrecy-leak");
    let file = dir.join("leaks.csv");
    std::fs::write(
        &file,
        "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,kind\n\
         L1,テスト通信株式会社,detailed,2020-06-01 10:00,0,0,ftth,natural_failure,通信の秘密の漏洩\n\
         L2,テスト通信株式会社,detailed,2020-06-01 10:00,0,0,ftth,natural_failure,特定利用者情報の漏えい\n\
         L3,テスト通信株式会社,detailed,2020-06-01 10:00,0,0,ftth,natural_failure,漏えい\n\
         L4,テスト通信株式会社,detailed,2020-06-01 10:00,0,0,ftth,natural_failure,電気通信設備に関する情報であって、電気通信役務の提供に支障を及ぼすおそれのある情報が漏えいした事故\n",
    )
    .unwrap();
    let o = jiko(&["--lang", "ja", "validate", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(":2:") && err.contains("様式第五十の二") && err.contains("第28条第1項"), "{err}");
    assert!(err.contains(":3:") && err.contains("様式第五十の二の二"), "{err}");
    assert!(!err.contains(":4:") && !err.contains(":5:"), "L3 and L4 are info_leak: {err}");
    let o = jiko(&["validate", file.to_str().unwrap()]);
    let en = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(en.contains("secrecy of communications") && en.contains("様式第五十の二"), "{en}");
}
