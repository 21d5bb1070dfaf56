//! The `frames` feature: Parquet beside the CSVs and `jiko query`. Without
//! the feature, `query` says in one line how to build it. Expected values
//! come from the FY2020 edition's text (総件数は6,612件, 重大な事故 4件).

use crate::common::{jiko, stderr};

#[cfg(not(feature = "frames"))]
#[test]
fn without_the_feature_query_says_how_to_build_it() {
    let o = jiko(&["query", "SELECT 1"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("--features frames"), "{e}");
}

#[cfg(feature = "frames")]
mod with_frames {
    use super::*;
    use crate::common::{figures_csv, stdout, tmp};
    use jiko::frames::polars::prelude::*;

    fn query(args: &[&str]) -> String {
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        let o = jiko(&all);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    }

    #[test]
    fn a_query_answers_what_figures_csv_says() {
        // Piped: CSV, a header and the rows.
        let detailed = query(&["SELECT count(*) AS n FROM incidents WHERE fiscal_year = 2020 AND within_duty AND form = 'detailed'"]);
        assert_eq!(detailed, "n\n6612\n");
        let figure = query(&["--year", "2020", r#"SELECT value FROM figures WHERE "table" = 'summary' AND "row" = 'detailed' AND "column" = 'reports'"#]);
        assert_eq!(figure, "value\n6612\n");
        let majors = query(&["SELECT fiscal_year, count(DISTINCT accident_id) AS majors FROM incidents WHERE major GROUP BY fiscal_year ORDER BY fiscal_year"]);
        let published = figures_csv(&crate::common::root().join("output/fy2019"))["summary,major,reports"].clone();
        assert_eq!(majors, format!("fiscal_year,majors\n2019,{published}\n2020,4\n"));
        // Every figure of every year the inputs cover, with its year.
        let years = query(&["SELECT fiscal_year, count(*) AS n FROM figures GROUP BY fiscal_year ORDER BY fiscal_year"]);
        let n2020 = figures_csv(&crate::common::root().join("output/fy2020")).len();
        assert!(years.starts_with("fiscal_year,n\n2019,") && years.ends_with(&format!("\n2020,{n2020}\n")), "{years}");
        // The year's figures are its figures.csv, value for value.
        let all = query(&["--year", "2020", r#"SELECT "table", "row", "column", text FROM figures"#]);
        let mut r = csv::Reader::from_reader(all.as_bytes());
        let got: std::collections::BTreeMap<String, String> = r.records().map(|x| x.unwrap()).map(|x| (format!("{},{},{}", &x[0], &x[1], &x[2]), x[3].to_string())).collect();
        assert_eq!(got, figures_csv(&crate::common::root().join("output/fy2020")));
        // A bad query names what is wrong.
        let bad = jiko(&["query", "SELECT nope FROM incidents"]);
        assert_eq!(bad.status.code(), Some(2));
        assert!(stderr(&bad).contains("nope"), "{}", stderr(&bad));
    }

    /// The README's five questions give what the README prints.
    #[test]
    fn the_readmes_queries_answer_as_printed() {
        let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
        let block = readme.split("<!-- query examples").nth(1).unwrap().split("```text\n").nth(1).unwrap().split("```").next().unwrap();
        let mut n = 0;
        for example in block.split("$ jiko ").skip(1) {
            let (command, printed) = example.split_once('\n').unwrap();
            let args = words(command);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = jiko(&args);
            assert!(o.status.success(), "{command}: {}", stderr(&o));
            assert_eq!(stdout(&o).trim_end(), printed.trim_end(), "{command}");
            n += 1;
        }
        assert_eq!(n, 5);
    }

    /// A command line as a shell splits it: words, "quoted" with \" inside.
    fn words(line: &str) -> Vec<String> {
        let (mut out, mut cur, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match c {
                '\\' if quoted && chars.peek() == Some(&'"') => cur.push(chars.next().unwrap()),
                '"' => quoted = !quoted,
                ' ' if !quoted => {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn query_writes_csv_parquet_and_xlsx() {
        let dir = tmp("query-out");
        let sql = "SELECT incident_id, started_at, report_due, major, affected_users FROM incidents WHERE major AND fiscal_year = 2020 ORDER BY started_at";
        for ext in ["csv", "parquet", "xlsx"] {
            let out = dir.join(format!("majors.{ext}"));
            let o = jiko(&["query", sql, "--out", out.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let bad = jiko(&["query", sql, "--out", dir.join("majors.txt").to_str().unwrap()]);
        assert_eq!(bad.status.code(), Some(2));
        assert!(stderr(&bad).starts_with("error: --out") && !stderr(&bad).contains("note:"), "refused before reading: {}", stderr(&bad));
        let csv = std::fs::read_to_string(dir.join("majors.csv")).unwrap();
        assert_eq!(csv.lines().count(), 5, "{csv}");
        // The edition's No.1: R2.4.30 14:07, 166,803 users.
        assert!(csv.lines().nth(1).unwrap().contains(",2020-04-30T14:07,") && csv.contains(",true,166803"), "{csv}");
        let df = jiko::frames::read_parquet(jiko::lang::Lang::En, &dir.join("majors.parquet")).unwrap();
        assert_eq!(df.height(), 4);
        assert_eq!(df.column("started_at").unwrap().dtype(), &DataType::Datetime(TimeUnit::Milliseconds, None));
        assert_eq!(df.column("report_due").unwrap().dtype(), &DataType::Date);
        assert_eq!(df.column("major").unwrap().dtype(), &DataType::Boolean);
        assert_eq!(df.column("affected_users").unwrap().dtype(), &DataType::Int64);
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut book: Xlsx<_> = open_workbook(dir.join("majors.xlsx")).unwrap();
        let sheet = book.worksheet_range("query").unwrap();
        assert_eq!(sheet.get_value((1, 3)), Some(&Data::Bool(true)));
        assert_eq!(sheet.get_value((1, 4)), Some(&Data::Float(166803.0)));
        assert!(matches!(sheet.get_value((1, 1)), Some(Data::DateTime(_))), "{:?}", sheet.get_value((1, 1)));
    }

    #[test]
    fn aggregate_writes_typed_parquet_with_the_rows_of_its_csvs() {
        let out = tmp("parquet");
        let o = jiko(&["aggregate", "--year", "2020", "--no-charts", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let list = jiko::frames::read_parquet(jiko::lang::Lang::En, &out.join("incidents.parquet")).unwrap();
        let mut r = csv::Reader::from_path(out.join("incidents.csv")).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(list.height(), rows.len());
        assert_eq!(list.get_column_names().iter().map(|n| n.to_string()).collect::<Vec<_>>(), header);
        // Row by row, every cell reads as the CSV writes it.
        let text = jiko::frames::text_rows(&list).unwrap();
        for (i, rec) in rows.iter().enumerate().step_by(997) {
            for (c, v) in rec.iter().enumerate() {
                let want = match v {
                    "yes" => "true",
                    "no" => "false",
                    "unknown" => "",
                    v => v,
                };
                assert_eq!(text[i + 1][c], jiko::output::sinks::unguard(want), "row {i}, column {}", header[c]);
            }
        }
        assert!(matches!(list.column("cause").unwrap().dtype(), DataType::Categorical(..)));
        let figures = jiko::frames::read_parquet(jiko::lang::Lang::En, &out.join("figures.parquet")).unwrap();
        assert_eq!(figures.height(), figures_csv(&out).len());
        let manifest = std::fs::read_to_string(out.join(".jiko-manifest")).unwrap();
        assert!(manifest.contains("incidents.parquet") && manifest.contains("figures.parquet"), "{manifest}");
    }
}
