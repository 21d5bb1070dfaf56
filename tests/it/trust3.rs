//! Issue 33, "Trust, third round": each fault found by an attacker and a
//! careless office, with the message it must now get. The CSV-only ones
//! are files of tests/broken (expected.txt); the others are here.

use super::books::{self, O, X};
use super::common::{jiko, root, stderr, tmp};

const HEAD: &str = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment\n";
const ROW: &str = "a1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,\n";

fn csv(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{HEAD}{ROW}")).unwrap();
    p
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

// --- 1. No command writes over its input, nor over a file without --force.

#[test]
fn classify_never_writes_over_its_input_and_asks_for_force_over_another_file() {
    let dir = tmp("t3-classify-out");
    let input = csv(&dir, "in.csv");
    let before = std::fs::read(&input).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["classify", "--input", s(&input), "--out", s(&input)];
        args.extend_from_slice(extra);
        let o = jiko(&args);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(&format!("{}: is one of this run's inputs; jiko never writes over its input, even with --force", input.display())), "{}", stderr(&o));
        assert_eq!(std::fs::read(&input).unwrap(), before, "the records are untouched");
    }
    // The same file by another spelling of its path.
    let other = format!("{}/./in.csv", dir.display());
    let o = jiko(&["classify", "--input", s(&input), "--out", &other, "--force"]);
    assert!(stderr(&o).contains("is one of this run's inputs"), "{}", stderr(&o));
    // Another existing file: refused without --force, replaced with it.
    let mine = dir.join("mine.csv");
    std::fs::write(&mine, "mine").unwrap();
    let o = jiko(&["classify", "--input", s(&input), "--out", s(&mine)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: already exists; choose another --out or pass --force", mine.display())), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    let o = jiko(&["classify", "--input", s(&input), "--out", s(&mine), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&mine).unwrap().starts_with("incident_id,") || std::fs::read_to_string(&mine).unwrap().contains("a1"));
}

#[test]
fn draft_never_writes_over_the_notice_and_asks_for_force_over_another_file() {
    let dir = tmp("t3-draft-out");
    let notice = dir.join("n.txt");
    std::fs::write(&notice, "2020年5月1日10時00分～12時10分 障害が発生しました。\n").unwrap();
    for flag in ["--out", "--details"] {
        for extra in [&[][..], &["--force"][..]] {
            let mut args = vec!["draft", s(&notice), flag, s(&notice)];
            args.extend_from_slice(extra);
            let o = jiko(&args);
            assert!(!o.status.success(), "{flag}");
            assert!(stderr(&o).contains(&format!("{}: is one of this run's inputs", notice.display())), "{flag}: {}", stderr(&o));
        }
    }
    assert!(std::fs::read_to_string(&notice).unwrap().starts_with("2020年5月1日"));
    let kept = dir.join("d.toml");
    std::fs::write(&kept, "mine").unwrap();
    let o = jiko(&["draft", s(&notice), "--details", s(&kept)]);
    assert!(stderr(&o).contains(&format!("{}: already exists; choose another --out or pass --force", kept.display())), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine");
    let o = jiko(&["draft", s(&notice), "--details", s(&kept), "--out", s(&dir.join("d.csv")), "--force"]);
    assert!(std::fs::read_to_string(&kept).unwrap().contains("[[accident]]"), "{}", stderr(&o));
    let o = jiko(&["draft", s(&notice), "--details", s(&dir.join("same")), "--out", s(&dir.join("same"))]);
    assert!(stderr(&o).contains("--out and --details both name"), "{}", stderr(&o));
}

#[test]
fn a_folder_output_never_replaces_an_input_even_with_force() {
    let dir = tmp("t3-folder-input");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // An input that has the name of a file aggregate writes.
    let input = out.join("figures.csv");
    std::fs::write(&input, format!("{HEAD}{ROW}")).unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", s(&out), "--force"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: is one of this run's inputs", input.display())), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&input).unwrap().starts_with("incident_id"));
}

// --- 14. --out checked before anything is staged.

#[test]
fn out_below_a_file_a_dot_folder_or_a_mount_point_is_refused_before_any_work() {
    let dir = tmp("t3-out-where");
    let input = csv(&dir, "in.csv");
    let afile = dir.join("afile");
    std::fs::write(&afile, "x").unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", s(&afile.join("sub"))]);
    assert!(stderr(&o).contains(&format!("{}: {} is a file, not a folder; give --out a folder path", afile.join("sub").display(), afile.display())), "{}", stderr(&o));
    let dotted = format!("{}/.", dir.join("o").display());
    std::fs::create_dir_all(dir.join("o")).unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", &dotted]);
    assert!(stderr(&o).contains(&format!("{dotted}: the output folder needs a name")), "{}", stderr(&o));
    // /proc is a mount point on every Linux.
    if std::path::Path::new("/proc/self").exists() {
        let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&input), "--out", "/proc"]);
        assert!(stderr(&o).contains("/proc: is a mount point"), "{}", stderr(&o));
    }
    // Nothing staged anywhere.
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.contains("jiko-stage")).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn chart_says_it_drew_only_what_it_put_in_place() {
    let dir = tmp("t3-chart");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "mine").unwrap();
    let o = jiko(&["chart", "--year", "2020", "--out", s(&out)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("the folder holds files jiko did not write"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("drew"), "{}", stderr(&o));
}

// --- 15. A file named twice.

#[test]
fn a_file_named_twice_is_refused_not_read_as_duplicates() {
    let dir = tmp("t3-twice");
    let input = csv(&dir, "in.csv");
    let again = format!("{}/./in.csv", dir.display());
    let o = jiko(&["validate", s(&input), &again]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{} and {again} are the same file, named twice; each file is read once: name it once", input.display())), "{}", stderr(&o));
    assert!(!stderr(&o).contains("duplicate"), "{}", stderr(&o));
}

// --- Workbooks: 1904, error and boolean cells, formulas, hidden sheets.

fn header_x() -> Vec<X> {
    HEAD.trim().split(',').map(|h| X::Text(h.into())).collect()
}

fn row_x(id: &str) -> Vec<X> {
    vec![
        X::Text(id.into()),
        X::Text("X社".into()),
        X::Text("detailed".into()),
        X::Date(books::serial(2020, 5, 1, 10, 0, 0, false)),
        X::Num(130.0),
        X::Num(100.0),
        X::Text("ftth".into()),
        X::Text("natural_failure".into()),
    ]
}

#[test]
fn a_1904_workbook_is_read_in_its_own_date_system() {
    let dir = tmp("t3-1904");
    let path = dir.join("mac.xlsx");
    // 2020-05-01 10:00 is serial 42,490.41666… in 1904 (43,952.41666… in 1900).
    let mut row = row_x("m1");
    row[3] = X::Date(42_490.0 + 10.0 / 24.0);
    books::xlsx(&path, true, &[("事故一覧", false, vec![header_x(), row])]);
    let mut got = Vec::new();
    jiko::records::read_files(&[path.clone()], &Default::default(), |r| got.push((r.started_at.to_string(), r.started_at.fiscal_year()))).unwrap();
    assert_eq!(got, vec![("2020-05-01T10:00".to_string(), 2020)]);
}

#[test]
fn error_boolean_and_unsaved_formula_cells_are_row_errors_naming_the_cell() {
    let dir = tmp("t3-cells");
    let path = dir.join("cells.xlsx");
    let mut na = row_x("e1");
    na[1] = X::Raw(r#"t="e""#, "<v>#N/A</v>".into());
    let mut yes = row_x("e2");
    yes[1] = X::Raw(r#"t="b""#, "<v>1</v>".into());
    let mut formula = row_x("e3");
    formula[7] = X::Raw("", "<f>\"natural\"&amp;\"_failure\"</f>".into());
    books::xlsx(&path, false, &[("事故一覧", false, vec![header_x(), row_x("ok"), na, yes, formula])]);
    let o = jiko(&["validate", s(&path)]);
    let err = stderr(&o);
    assert!(!o.status.success());
    let p = path.display();
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 3: column carrier: \"#N/A\": cell B3: an error value (the formula failed), no value of an incident's column")), "{err}");
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 4: column carrier: \"TRUE\": cell B4: a TRUE/FALSE cell, no value of an incident's column")), "{err}");
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 5: column cause: \"=\\\"natural\\\"&\\\"_failure\\\"\": cell H5: a formula with no saved value")), "{err}");
    assert!(err.contains("1 valid, 3 invalid"), "{err}");
    // The same in .ods: LibreOffice's error cell, a boolean, a formula
    // never calculated.
    let ods = dir.join("cells.ods");
    let head: Vec<O> = HEAD.trim().split(',').map(|h| O::Text(h.into())).collect();
    let row = |id: &str, carrier: O| vec![O::Text(id.into()), carrier, O::Text("detailed".into()), O::Date("2020-05-01T10:00:00".into()), O::Float(130.0), O::Float(100.0), O::Text("ftth".into()), O::Text("natural_failure".into())];
    books::ods(
        &ods,
        &[(
            "事故一覧",
            false,
            vec![
                head,
                row("e1", O::Raw(r#"table:formula="of:=NA()" office:value-type="string" office:string-value="" calcext:value-type="error""#.into(), "<text:p>#N/A</text:p>".into())),
                row("e2", O::Raw(r#"office:value-type="boolean" office:boolean-value="true""#.into(), "<text:p>TRUE</text:p>".into())),
                row("e3", O::Raw(r#"table:formula="of:=[.A1]""#.into(), String::new())),
            ],
        )],
    );
    let err = stderr(&jiko(&["validate", s(&ods)]));
    let p = ods.display();
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 2: column carrier: \"#N/A\": cell B2: an error value")), "{err}");
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 3: column carrier: \"TRUE\": cell B3: a TRUE/FALSE cell")), "{err}");
    assert!(err.contains(&format!("{p}: sheet 事故一覧, row 4: column carrier: \"of:=[.A1]\": cell B4: a formula with no saved value")), "{err}");
}

#[test]
fn a_hidden_sheet_is_never_read_by_default_and_the_sheet_read_is_named() {
    let dir = tmp("t3-hidden");
    let path = dir.join("h.xlsx");
    let mut old = row_x("old1");
    old[6] = X::Text("nonsense".into());
    books::xlsx(&path, false, &[("旧", true, vec![header_x(), old]), ("事故一覧", false, vec![header_x(), row_x("a1")])]);
    let o = jiko(&["validate", s(&path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{}: read sheet 事故一覧 (hidden sheets not read: 旧)", path.display())), "{}", stderr(&o));
    // Named, the hidden sheet is read.
    let o = jiko(&["validate", s(&path), "--sheet", "旧"]);
    assert!(stderr(&o).contains("column services: \"nonsense\""), "{}", stderr(&o));
    // The report's footer names the sheet.
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--input", s(&path), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(&format!("入力: {} のシート 事故一覧（SHA-256: ", path.display())), "{md}");
    // Every sheet hidden: said, not guessed.
    let all = dir.join("all.xlsx");
    books::xlsx(&all, false, &[("a", true, vec![header_x()]), ("b", true, vec![header_x()])]);
    let o = jiko(&["validate", s(&all)]);
    assert!(stderr(&o).contains(&format!("{}: every sheet is hidden (a, b); name the one to read with --sheet", all.display())), "{}", stderr(&o));
    // .ods alike.
    let ods = dir.join("h.ods");
    let head: Vec<O> = HEAD.trim().split(',').map(|h| O::Text(h.into())).collect();
    books::ods(&ods, &[("旧", true, vec![head.clone(), vec![O::Text("x".into())]]), ("事故一覧", false, vec![head, ROW.trim().split(',').map(|v| O::Text(v.into())).collect()])]);
    let o = jiko(&["validate", s(&ods)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{}: read sheet 事故一覧 (hidden sheets not read: 旧)", ods.display())), "{}", stderr(&o));
}

#[test]
fn durations_typed_as_times_are_durations_in_xlsx_and_ods() {
    let dir = tmp("t3-times");
    // 61 days in an [h]:mm:ss cell: 87,840 minutes, not a date in 1900.
    let path = dir.join("long.xlsx");
    let mut row = row_x("d1");
    row[4] = X::Duration(61.0);
    books::xlsx(&path, false, &[("s", false, vec![header_x(), row])]);
    let mut got = Vec::new();
    jiko::records::read_files(&[path], &Default::default(), |r| got.push(r.duration_min)).unwrap();
    assert_eq!(got, vec![61 * 1440]);
    // LibreOffice's `2:05`: office:time-value="PT02H05M00S".
    let ods = dir.join("t.ods");
    let head: Vec<O> = HEAD.trim().split(',').map(|h| O::Text(h.into())).collect();
    let mut r: Vec<O> = ROW.trim().split(',').map(|v| O::Text(v.into())).collect();
    r[4] = O::Time("PT02H05M00S".into());
    books::ods(&ods, &[("s", false, vec![head, r])]);
    let mut got = Vec::new();
    jiko::records::read_files(&[ods], &Default::default(), |r| got.push(r.duration_min)).unwrap();
    assert_eq!(got, vec![125]);
}

// --- 11. Bombs: bounded in memory and time, with the bound's error.

#[test]
fn a_shared_string_pointed_at_by_every_cell_stops_at_the_text_bound() {
    let dir = tmp("t3-sst-bomb");
    let path = dir.join("bomb.xlsx");
    let long = "長".repeat(30_000);
    let cell = || X::Raw(r#"t="s""#, "<v>0</v>".into());
    let rows: Vec<Vec<X>> = (0..2_000).map(|_| (0..8).map(|_| cell()).collect()).collect();
    books::xlsx_with_strings(&path, false, &[("s", false, rows)], &[&long]);
    let started = std::time::Instant::now();
    let o = jiko(&["validate", s(&path)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: sheet s, cell ", path.display())), "{}", stderr(&o));
    assert!(stderr(&o).contains("the sheet holds more than 256 MB of text or 4194304 cells with values, more than an incident list; jiko stops here"), "{}", stderr(&o));
    assert!(started.elapsed().as_secs() < 60);
}

/// `jiko` under a 1 GB address-space limit: a reading that allocates
/// gigabytes fails instead of passing.
fn jiko_in_1gb(args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", "ulimit -v 1048576 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_jiko")])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn a_legacy_xls_whose_cells_repeat_one_long_shared_string_is_refused_before_it_is_read() {
    let dir = tmp("t3-xls-bomb");
    let path = dir.join("bomb.xls");
    // One 30,000-character string (UTF-16, 90,000 bytes as UTF-8) and
    // 30,000 LABELSST cells pointing at it: a 485 KB file whose cells
    // would hold 2.7 GB; the bound (256 MB) is passed at cell 2,983.
    let long = "長".repeat(30_000);
    let cells: Vec<(u16, u16, u32)> = (0..30_000u32).map(|i| ((i / 10) as u16, (i % 10) as u16, 0)).collect();
    books::xls(&path, "s", &[&long], &cells);
    assert!(std::fs::metadata(&path).unwrap().len() < 500_000);
    let started = std::time::Instant::now();
    let o = jiko_in_1gb(&["validate", s(&path)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!(
            "{}: its cells would expand to more than 256 MB of text or 4194304 cells with values (shared strings repeated in 2983 cells), more than an incident list; jiko stops here (save the sheet as .xlsx or CSV)",
            path.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed().as_secs() < 20);

    // A sheet that declares (DIMENSIONS) all 65,536 rows by 256 columns of
    // BIFF8, for which calamine would reserve room for 16,777,216 cells
    // (hundreds of MB) whatever the sheet holds, is refused
    // too; 4,096 rows by 256 columns (1,048,576 cells) is not.
    let path = dir.join("wide.xls");
    books::xls_declaring(&path, "s", &["a"], &[(0, 0, 0)], Some((65_536, 256)));
    let o = jiko_in_1gb(&["validate", s(&path)]);
    assert!(
        stderr(&o).contains(&format!(
            "{}: a sheet declares 65536 rows by 256 columns, more than 4194304 cells, more than an incident list; jiko stops here (save the sheet as .xlsx or CSV)",
            path.display()
        )),
        "{}",
        stderr(&o)
    );
    books::xls_declaring(&path, "s", &["a"], &[(0, 0, 0)], Some((4_096, 256)));
    let o = jiko_in_1gb(&["validate", s(&path)]);
    assert!(!stderr(&o).contains("a sheet declares"), "{}", stderr(&o));
}

#[test]
fn a_small_legacy_xls_still_reads() {
    let dir = tmp("t3-xls-small");
    let path = dir.join("small.xls");
    let head: Vec<&str> = HEAD.trim_end().split(',').collect();
    let row: Vec<&str> = ROW.trim_end().split(',').collect();
    let mut strings: Vec<&str> = head.clone();
    strings.extend(row.iter().filter(|v| !v.is_empty()));
    let mut cells = Vec::new();
    for c in 0..head.len() {
        cells.push((0u16, c as u16, c as u32));
    }
    let mut i = head.len() as u32;
    for (c, v) in row.iter().enumerate() {
        if !v.is_empty() {
            cells.push((1u16, c as u16, i));
            i += 1;
        }
    }
    books::xls(&path, "事故", &strings, &cells);
    let o = jiko_in_1gb(&["validate", s(&path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 valid, 0 invalid"), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{}: read sheet 事故", path.display())), "{}", stderr(&o));
}

#[test]
fn ods_repeats_are_bounded_before_they_are_made() {
    let dir = tmp("t3-ods-bomb");
    // A row of ten values repeated a billion times: 841 bytes of XML.
    let path = dir.join("rows.ods");
    let rows = r#"<table:table-row table:number-rows-repeated="1000000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="10"><text:p>1</text:p></table:table-cell></table:table-row>"#;
    books::ods_raw(&path, &[("s".into(), false, rows.into())]);
    let started = std::time::Instant::now();
    let o = jiko(&["validate", s(&path)]);
    assert!(stderr(&o).contains(&format!("{}: sheet s, cell A1: the sheet holds more than 256 MB of text or 4194304 cells with values", path.display())), "{}", stderr(&o));
    // A value repeated across a million columns: one error, no loop.
    let path = dir.join("cols.ods");
    let rows = r#"<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="1000000"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    books::ods_raw(&path, &[("s".into(), false, rows.into())]);
    let o = jiko(&["validate", s(&path)]);
    assert!(stderr(&o).contains(&format!("{}: sheet s, cell ALM1: a value beyond the first 1000 columns", path.display())), "{}", stderr(&o));
    assert!(started.elapsed().as_secs() < 30);
}

// --- 12, 16. The details file.

#[test]
fn a_diagram_is_checked_for_kind_and_size_before_it_is_read() {
    let dir = tmp("t3-diagram");
    let fake = dir.join("fake.png");
    std::fs::write(&fake, "not an image").unwrap();
    let zero = dir.join("zero.png");
    let _ = std::fs::remove_file(&zero);
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for (diagram, want) in [
        ("/dev/zero".to_string(), "FY2020-005002: diagram /dev/zero: give a PNG or JPEG file".to_string()),
        (zero.display().to_string(), format!("FY2020-005002: diagram {}: not a regular file", zero.display())),
        (fake.display().to_string(), format!("FY2020-005002: diagram {}: named .png but its bytes are not a PNG image", fake.display())),
    ] {
        let details = dir.join("d.toml");
        std::fs::write(&details, format!("[[accident]]\nid = \"FY2020-005002\"\ndiagram = {diagram:?}\n")).unwrap();
        let out = dir.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--details", s(&details), "--out", s(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains(&want), "{diagram}: {}", stderr(&o));
    }
}

#[test]
fn details_users_past_the_records_bound_are_refused() {
    let dir = tmp("t3-details-users");
    let details = dir.join("d.toml");
    std::fs::write(&details, "[[accident]]\nid = \"FY2020-005002\"\nphases = [{ minutes = 130, users = 18446744073709551615 }]\n").unwrap();
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--details", s(&details), "--out", s(&dir.join("out"))]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("accident \"FY2020-005002\", phase 1: users = 18446744073709551615 is outside the plausible range 0–500,000,000"), "{}", stderr(&o));
}

// --- 6, 16. The rules book.

fn book_with(dir: &std::path::Path, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("data/rules/mic.toml")).unwrap();
    assert!(text.contains(from));
    let p = dir.join("book.toml");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    p
}

#[test]
fn a_rules_book_whose_alias_spells_another_code_or_whose_label_cannot_be_drawn_is_refused_on_load() {
    let dir = tmp("t3-rules");
    let alias = book_with(&dir, "aliases = [\n", "aliases = [\n  { column = \"services\", code = \"isp\", spellings = [\"FTTHアクセスサービス\"] },\n");
    let input = csv(&dir, "in.csv");
    let o = jiko(&["--rules", s(&alias), "validate", s(&input)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: column services: the spelling \"FTTHアクセスサービス\" names two codes", alias.display())), "{}", stderr(&o));
    let emoji = book_with(&dir, "label = \"自然故障\"", "label = \"自然故障😀\"");
    let o = jiko(&["--rules", s(&emoji), "validate", s(&input)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: a label: the chart font has no glyph for 😀 (U+1F600) in \"自然故障😀\"", emoji.display())), "{}", stderr(&o));
    // Under --lang ja, in Japanese (issue 32), the file still named.
    let o = jiko(&["--lang", "ja", "--rules", s(&emoji), "validate", s(&input)]);
    assert!(stderr(&o).contains(&format!("{}: 名称: グラフのフォントに次の文字の字形がありません: \"自然故障😀\" の 😀 (U+1F600)", emoji.display())), "{}", stderr(&o));
    let alias = book_with(&dir, "aliases = [\n", "aliases = [\n  { column = \"services\", code = \"isp\", spellings = [\"FTTHアクセスサービス\"] },\n");
    let o = jiko(&["--lang", "ja", "--rules", s(&alias), "validate", s(&input)]);
    assert!(stderr(&o).contains(&format!("{}: 列 services: 表記 \"FTTHアクセスサービス\" が二つのコードを指しています", alias.display())), "{}", stderr(&o));
    let o = jiko(&["--lang", "ja", "--rules", s(&dir.join("no-such-book.toml")), "validate", s(&input)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("エラー: 規則ファイル {} の読み込み（同梱の規則: mic, proposed-2025）: ファイル又はフォルダがありません", dir.join("no-such-book.toml").display())), "{}", stderr(&o));
    let o = jiko(&["--lang", "ja", "--rules", "as-of:2026-4-31", "validate", s(&input)]);
    assert!(stderr(&o).contains("as-of:2026-4-31: 2026年4月31日という日はありません"), "{}", stderr(&o));
}

// --- 16. rejects.csv says where it cut a value.

#[test]
fn rejects_csv_marks_a_value_it_kept_only_in_part() {
    let dir = tmp("t3-rejects-cut");
    let input = dir.join("in.csv");
    let long = "a".repeat(200_000);
    std::fs::write(&input, format!("{HEAD}{ROW}b1,X社,detailed,2020-05-01 10:00,130,100,ftth,natural_failure,{long}\n")).unwrap();
    let out = dir.join("out");
    let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--skip-invalid", "--input", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert!(rejects.contains(&format!("{}…[cut here: the value went on past the 131072 bytes jiko keeps]", "a".repeat(1000))), "{}", &rejects[..300]);
}

/// Shared strings that inflate past their bound are refused before
/// calamine holds them: the sizes a zip declares are not trusted.
#[test]
fn a_zip_part_that_inflates_past_its_bound_is_refused_before_it_is_parsed() {
    use std::io::Write;
    let dir = tmp("t3-zip-bomb");
    let path = dir.join("bomb.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..129 {
        z.write_all(&spaces).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "a small file");
    let o = jiko(&["validate", s(&path)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&format!("{}: part xl/sharedStrings.xml inflates beyond 128 MB, more than an incident list holds; jiko stops here", path.display())), "{}", stderr(&o));
}
