//! Issue 13: drafting a record from a carrier's notice.

mod common;

use common::{jiko, root, stderr, stdout, tmp};
use jiko::draft;

fn notice(name: &str) -> draft::Draft {
    draft::read(&std::fs::read_to_string(root().join("tests/fixtures/notices").join(name)).unwrap())
}

fn stamp(m: &jiko::records::Minute) -> String {
    m.to_string()
}

#[test]
fn the_four_notices_give_their_periods_phases_and_counts() {
    let fax = notice("prtimes-fax-2024-05-02.txt");
    let periods: Vec<(String, String)> = fax.phases.iter().map(|p| (stamp(&p.start), stamp(&p.end))).collect();
    assert_eq!(periods, [("2024-03-25T08:31".to_string(), "2024-04-25T10:50".to_string())], "a year carried to the end date");
    let counts: Vec<(u64, &str)> = fax.counts.iter().map(|c| (c.value, c.unit.as_str())).collect();
    assert_eq!(counts, [(1566, "社"), (5309, "件"), (351_266, "通")], "35万1266通 → 351266");
    assert_eq!(fax.main_count().unwrap().value, 1566);
    assert!(fax.content.contains("FAX 送信用ソフトウェアが停止") && !fax.cause.is_empty() && !fax.measures.is_empty());

    let mail = notice("prtimes-mail-2020-07-10.txt");
    assert_eq!((stamp(&mail.phases[0].start), stamp(&mail.phases[0].end)), ("2020-07-03T13:37".into(), "2020-07-09T16:30".into()));
    assert!(mail.phases[0].approximate, "頃");
    assert_eq!(mail.duration_min(), Some(8813));
    let counts: Vec<(u64, &str)> = mail.counts.iter().map(|c| (c.value, c.unit.as_str())).collect();
    assert_eq!(counts, [(1187, "社"), (1570, "件"), (5760, "通")], "the total sent (総計 1632万2862通) is left out");
    assert!(mail.cause.contains("ファイアウォール"));

    let mail = notice("prtimes-mail-2021-03-12.txt");
    assert_eq!((stamp(&mail.phases[0].start), stamp(&mail.phases[0].end)), ("2021-02-24T21:00".into(), "2021-03-01T17:35".into()));
    let counts: Vec<(u64, &str)> = mail.counts.iter().map(|c| (c.value, c.unit.as_str())).collect();
    assert_eq!(counts, [(117, "社"), (228, "件"), (2310, "通")]);

    let remotel = notice("remotel-2024-03-13.md");
    let periods: Vec<(String, String, u64)> = remotel.phases.iter().map(|p| (stamp(&p.start), stamp(&p.end), p.minutes())).collect();
    assert_eq!(
        periods,
        [
            ("2024-02-26T10:19".to_string(), "2024-02-26T12:16".to_string(), 117),
            ("2024-02-26T13:16".to_string(), "2024-02-26T14:44".to_string(), 88)
        ],
        "令和 and a second phase carrying its date"
    );
    assert_eq!(remotel.duration_min(), Some(117), "the longest phase");
    assert!(remotel.counts.is_empty(), "no user count is public");
    assert!(remotel.content.contains("発着信がしづらい"));
}

#[test]
fn approximate_and_worded_counts() {
    let d = draft::read("令和6年1月5日 9時00分頃～11時30分頃、約3万人のお客様に影響しました。");
    let c = d.main_count().unwrap();
    assert_eq!((c.value, c.unit.as_str(), c.approximate), (30_000, "人", true));
    assert_eq!(d.duration_min(), Some(150));
    let d = draft::read("2023年12月31日23時50分～1月1日0時20分に最大220万人に影響。");
    assert_eq!(stamp(&d.phases[0].end), "2024-01-01T00:20", "the year turns");
    assert!(d.main_count().unwrap().at_most);
}

#[test]
fn the_notices_listed_on_the_fy2020_sheets_parse_to_their_times() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/edition-fy2020-sheets.txt")).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.trim_start_matches(['-', ' ']).starts_with("・令和")).collect();
    let times: Vec<String> = lines.iter().map(|l| stamp(&draft::times(l)[0])).collect();
    // Canon (No.1) lists ten notices, NTT DOCOMO (No.2) four.
    assert_eq!(&times[..3], ["2020-04-30T14:45", "2020-04-30T16:00", "2020-04-30T18:10"]);
    assert!(times.contains(&"2020-05-04T00:40".to_string()));
    assert!(times.contains(&"2020-05-30T19:45".to_string()));
    // Each is also in the shipped details file, as the sheets print them.
    let details = jiko::details::read(&root().join("data/details/fy2020.toml")).unwrap();
    let shipped: Vec<String> = details.accidents.iter().flat_map(|a| a.notices.iter().map(|n| n.time.to_string()[..16].to_string())).collect();
    for t in &times {
        assert!(shipped.contains(t), "{t} not in data/details/fy2020.toml");
    }
    assert!(times.len() >= 14, "{times:?}");
}

#[test]
fn the_draft_command_writes_a_record_and_lists_what_is_missing() {
    let dir = tmp("draft");
    let out = dir.join("draft.csv");
    let details = dir.join("details.toml");
    let o = jiko(&[
        "draft", "tests/fixtures/notices/remotel-2024-03-13.md", "--out", out.to_str().unwrap(), "--details", details.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with(",,,2024-02-26 10:19,117,,"), "{row}");
    let e = stderr(&o);
    assert!(e.contains("affected_users: not found") && e.contains("services: empty") && e.contains("2 phases"), "{e}");
    let entry = std::fs::read_to_string(&details).unwrap();
    assert!(entry.contains("{ start = 2024-02-26T13:16:00, end = 2024-02-26T14:44:00 }"), "{entry}");
    // The entry is a valid details file once its id is filled.
    jiko::details::parse(&entry, "details.toml").unwrap();

    let c = jiko(&["draft", "tests/fixtures/notices/prtimes-mail-2020-07-10.txt", "--classify"]);
    assert!(c.status.success(), "{}", stderr(&c));
    assert!(stdout(&c).contains("令和2年度 第2四半期") && stdout(&c).contains("四半期報告の対象"), "{}", stdout(&c));

    let none = dir.join("none.txt");
    std::fs::write(&none, "お知らせ\n障害は復旧しました。ご迷惑をおかけしました。\n").unwrap();
    let o = jiko(&["draft", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no period found") || stderr(&o).contains("障害期間が見つかりません"), "{}", stderr(&o));
}

#[test]
fn cp932_and_html_notices_read_the_same() {
    let dir = tmp("draft-enc");
    let text = std::fs::read_to_string(root().join("tests/fixtures/notices/prtimes-mail-2020-07-10.txt")).unwrap();
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!bad);
    let cp932 = dir.join("notice-cp932.txt");
    std::fs::write(&cp932, &sjis).unwrap();
    let html = dir.join("notice.html");
    let body: String = text.lines().map(|l| format!("<p>{}</p>\n", l.replace('&', "&amp;").replace('<', "&lt;"))).collect();
    std::fs::write(&html, format!("<html><head><style>p{{}}</style></head><body>{body}</body></html>")).unwrap();
    for f in [&cp932, &html] {
        let o = jiko(&["draft", f.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let row = stdout(&o).lines().nth(1).unwrap().to_string();
        assert!(row.starts_with(",,,2020-07-03 13:37,8813,1187,"), "{}: {row}", f.display());
    }
}
