//! Issue 13: the edition's sheets on each major accident, computed.


use crate::common::{jiko, root, stderr, stdout, tmp};
use unicode_normalization::UnicodeNormalization;

/// The edition's sheets as a list of (No., field, value) read from the
/// converted text: each `label<TAB>value` line of the key fields.
fn edition() -> Vec<(usize, String, String)> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/edition-fy2020-sheets.txt")).unwrap();
    let mut no = 0;
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells[0] == "No." {
            no = cells[1].trim().parse().unwrap();
        }
        for pair in cells.chunks(2) {
            if let [label, value] = pair {
                if !label.is_empty() {
                    out.push((no, label.trim().to_string(), value.trim().to_string()));
                }
            }
        }
    }
    out
}

fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_four_fy2020_sheets_compute_what_the_edition_prints() {
    let out = tmp("sheets");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let printed = edition();
    let mut checked = 0;
    for no in 1..=4 {
        let section = md.split(&format!("### 別紙{no}\n")).nth(1).unwrap().trim_start().split("\n\n").next().unwrap().to_string();
        let ours = |label: &str| -> String {
            let line = section.lines().find(|l| l.starts_with(&format!("| {label} |"))).unwrap_or_else(|| panic!("{label} in {section}"));
            line[label.len() + 5..line.len() - 2].to_string()
        };
        for label in ["事業者名", "発生日時", "継続時間", "影響利用者数", "重大な事故に該当する電気通信役務の区分"] {
            let theirs = printed.iter().find(|(n, l, _)| *n == no && l == label).map(|(_, _, v)| v.clone()).unwrap();
            assert_eq!(norm(&ours(label)), norm(&theirs), "No.{no} {label}");
            checked += 1;
        }
        assert_eq!(ours("No."), no.to_string());
    }
    assert_eq!(checked, 20);
    // The notices as the sheets list them, and the measures with their day.
    assert!(md.contains("・令和2年4月30日14時45分、第1報 障害発生のご報告【続報1】"));
    assert!(md.contains("ストレージのハードウェアを正常な機器に交換【令和2年5月31日実施済】"));
    // The same sheets in HTML and in the workbook.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3 id=\"sheet-4\">別紙4</h3>") && html.contains("令和2年7月31日 2時58分"));
    let book = std::fs::read(out.join("report.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook).unwrap();
    for n in 1..=4 {
        assert!(workbook.contains(&format!("name=\"別紙{n}\"")), "{workbook}");
    }
}

#[test]
fn details_and_majors_that_do_not_match_are_notes_not_errors() {
    let dir = tmp("details-notes");
    let details = dir.join("d.toml");
    std::fs::write(&details, "[[accident]]\nid = \"NOPE\"\nregion = \"全国\"\n").unwrap();
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--details", details.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("NOPE") && e.contains("No.1"), "{e}");
    assert!(!std::fs::read_to_string(out.join("report.md")).unwrap().contains("### 別紙"));
    std::fs::write(&details, "[[accident]]\nid = \"X\"\nphases = [{ users = 3 }]\n").unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--details", details.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("d.toml:") && stderr(&o).contains("give minutes"), "{}", stderr(&o));
    let _ = stdout(&o);
}

#[test]
fn a_diagram_is_shown_in_the_sheet_and_kept_beside_the_report() {
    let dir = tmp("diagram");
    let png = root().join("output/fy2020/charts/cause.png");
    let details = dir.join("d.toml");
    std::fs::write(&details, format!("[[accident]]\nid = \"FY2020-005002\"\ndiagram = {:?}\n", png.to_str().unwrap())).unwrap();
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--details", details.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("sheets/別紙1.png")).unwrap(), std::fs::read(&png).unwrap());
    assert!(std::fs::read_to_string(out.join("report.md")).unwrap().contains("| 機器構成図 | ![機器構成図](sheets/別紙1.png) |"));
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("<img class=\"diagram\" alt=\"機器構成図\" src=\"data:image/png;base64,"));
}
