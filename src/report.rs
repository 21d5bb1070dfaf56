//! The yearly report as documents: Markdown, one self-contained HTML page,
//! an Excel workbook, and figures.json, all from the same figures, tables,
//! sentences and charts.

use anyhow::{Context, Result};
use base64::Engine;
use rust_xlsxwriter::Format;

use crate::output::{md_cell, md_text};
use crate::figures::{Figures, Value};
use crate::render::{Cell, Table};
use crate::rules;
use crate::sentences::Sentences;
use crate::rules::taxonomy;
use crate::wareki;

/// Everything a document shows.
pub(crate) struct Report<'a> {
    /// The span counted: its title says a year to date (速報).
    pub period: crate::period::Period,
    pub tables: &'a [Table],
    pub sentences: &'a Sentences,
    /// Chart file name (`cause.png`) and PNG bytes; empty with --no-charts.
    pub charts: &'a [(String, Vec<u8>)],
    pub footnotes: Vec<String>,
    pub footer: Vec<String>,
    /// The sheets on each major accident (別紙), in the list's order.
    pub sheets: &'a [crate::details::Sheet],
}

/// The heading of the sheets' section.
const SHEETS: &str = "別紙 重大な事故の詳細";

/// What a section holds, in the edition's order.
enum Part {
    Sentences(&'static str),
    Table(&'static str),
    Chart(&'static str),
}

const SECTIONS: &[(&str, &[Part])] = &[
    ("1 報告の概要", &[Part::Table("summary")]),
    ("重大な事故発生件数の年度ごとの推移", &[Part::Chart("major_trend")]),
    (
        "2 重大な事故",
        &[Part::Sentences("2 重大な事故"), Part::Table("major"), Part::Chart("major_service")],
    ),
    ("3 事故全体の状況", &[]),
    (
        "(1) 影響利用者数及び継続時間",
        &[Part::Sentences("3 (1) 影響利用者数及び継続時間"), Part::Table("matrix"), Part::Chart("matrix")],
    ),
    (
        "(2) サービス別の内訳",
        &[
            Part::Sentences("3 (2) サービス別の内訳"),
            Part::Table("service"),
            Part::Chart("service"),
            Part::Table("service_voice"),
            Part::Chart("service_voice"),
            Part::Table("service_data"),
            Part::Chart("service_data"),
            Part::Table("service_other"),
        ],
    ),
    (
        "(3) 発生要因別の内訳",
        &[Part::Sentences("3 (3) 発生要因別の内訳"), Part::Table("cause"), Part::Chart("cause")],
    ),
    (
        "(4) 故障設備別の内訳",
        &[
            Part::Sentences("3 (4) 故障設備別の内訳"),
            Part::Table("equipment"),
            Part::Chart("equipment"),
            Part::Table("equipment_switching"),
            Part::Table("equipment_server"),
            Part::Table("equipment_line"),
            Part::Table("equipment_other"),
        ],
    ),
    ("4 推移", &[Part::Chart("major_trend"), Part::Chart("trend_reports")]),
    (COMPARE, &[Part::Sentences(COMPARE), Part::Table("compare_figures"), Part::Table("compare_accidents"), Part::Table("compare_reports")]),
];

/// The section of `aggregate --compare` (only when it ran).
pub(crate) const COMPARE: &str = "5 規則の比較（試算）";

/// The notes that depend on the year: the thresholds in force (注1), the
/// reporting duty (注2), the simple form (注3), service counting (注4) and
/// the trend's rule changes (注5–注7).
pub(crate) fn footnotes(r: rules::Rules, year: i32) -> Vec<String> {
    let mut out = Vec::new();
    let sets = r.sets_in_year(year);
    if sets.is_empty() {
        out.push("注1 この年度には重大な事故の基準が適用されていない。".into());
    }
    for s in &sets {
        let which = match (sets.len(), r.trial_note()) {
            (_, Some(_)) => format!("試算に用いた基準（{}）", s.label()),
            (1, None) => format!("{}年度に適用される基準", wareki::fiscal_year_label(year).trim_end_matches("年度")),
            _ => format!("{}の基準（{}から）", s.label(), s.from.map_or(String::new(), |f| format!("{}年{}月{}日", f.year, f.month, f.day))),
        };
        out.push(format!("注1 重大な事故（{which}。継続時間及び影響利用者数）:"));
        out.extend(s.notes().iter().map(|n| format!("  {n}")));
        if let Some(d) = s.raw.facility_min_duration {
            out.push(format!("  {}", r.book.facility.text.replace("{hours}", &(d / 60).to_string())));
        }
    }
    let duty = &r.book.duty;
    let (duty_name, outside) = r.duty_labels(year);
    // A kind reported whatever its size, while its item is in the law: the
    // leak item was removed during FY2023 (`[duty.info_leak_item]`), so a
    // later year's note leaves it out and FY2023's says until when.
    let removed = duty.info_leak_item.as_ref().and_then(|l| Some((l.kind.as_str(), l.removed()?)));
    let day = |y: i32| rules::fy_start(y).key();
    let always: Vec<String> = duty
        .always_kinds
        .iter()
        .filter_map(|k| {
            let label = r.vocab.kind(k).map(|i| r.vocab.kinds[i].label)?;
            match removed.filter(|(kind, _)| kind == k) {
                Some((_, m)) if m.key() <= day(year) => None,
                Some((_, m)) if m.key() < day(year + 1) => Some(format!("{label}（{}年{}月{}日より前に発生したもの）", m.year, m.month, m.day)),
                _ => Some(label.to_string()),
            }
        })
        .collect();
    out.push(format!(
        "注2 {}の対象は、継続時間{}以上又は影響利用者数{}以上の事故{}。それ以外は{}。",
        duty_name,
        rules::hours_text(duty.min_duration),
        rules::man(duty.min_users),
        always.iter().map(|k| format!("、及び{k}")).collect::<String>(),
        outside
    ));
    let simple: Vec<&str> = r.book
        .taxonomy
        .simple_form_equipment
        .iter()
        .filter_map(|c| r.vocab.equipment_code(c).map(|(_, e)| e.label))
        .collect();
    out.push(format!("注3 簡易な様式は、故障設備が{}の事故の報告に用いられる。", simple.join("、")));
    out.push("注4 ※ 1件の事故で複数のサービスに影響があった場合は、それぞれのサービスで計上。故障設備別の内訳は故障設備が明確な事故件数に占める割合。".into());
    out.extend(crate::charts::trend_notes(r).into_iter().filter(|(fy, _, _)| *fy <= year).map(|(_, _, text)| text.to_string()));
    out
}

impl Report<'_> {
    fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    fn chart(&self, name: &str) -> Option<&(String, Vec<u8>)> {
        self.charts.iter().find(|(n, _)| n.trim_end_matches(".png") == name)
    }

    fn sentences(&self, section: &str) -> &[String] {
        self.sentences.sections.iter().find(|(s, _)| *s == section).map_or(&[], |(_, v)| v.as_slice())
    }

    /// Whether a section is shown: the comparison only when a run made one.
    fn shows(&self, heading: &str) -> bool {
        heading != COMPARE || self.table("compare_figures").is_some()
    }

    /// `report.md`; charts are linked as `charts/NAME.png` beside it.
    pub(crate) fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.period.title());
        for (heading, parts) in SECTIONS.iter().filter(|(h, _)| self.shows(h)) {
            out += &format!("## {heading}\n\n");
            for part in *parts {
                match part {
                    Part::Sentences(s) => {
                        for line in self.sentences(s) {
                            out += &format!("{}\n\n", md_text(line));
                        }
                    }
                    Part::Table(t) => {
                        if let Some(t) = self.table(t) {
                            out += &t.to_markdown();
                            out.push('\n');
                        }
                    }
                    Part::Chart(c) => {
                        if let Some((file, _)) = self.chart(c) {
                            out += &format!("![{}](charts/{file})\n\n", chart_alt(c));
                        }
                    }
                }
            }
        }
        if !self.sheets.is_empty() {
            out += &format!("## {SHEETS}\n\n");
            for s in self.sheets {
                out += &format!("### 別紙{}\n\n| 項目 | 内容 |\n|---|---|\n", s.number);
                for (label, text) in &s.fields {
                    let cell = match (&s.diagram, *label) {
                        (Some((name, _)), "機器構成図") => format!("![機器構成図]({name})"),
                        _ => md_cell(text),
                    };
                    out += &format!("| {} | {cell} |\n", md_cell(label));
                }
                out.push('\n');
            }
        }
        out += "## 注\n\n";
        for n in &self.footnotes {
            out += &format!("{}\n\n", md_text(n.trim_start()));
        }
        out += "---\n\n";
        for line in &self.footer {
            out += &format!("{}\n\n", md_text(line));
        }
        out
    }

    /// `report.html`: one file, charts as data URIs, no network access,
    /// readable on a phone and printable to A4.
    pub fn html(&self) -> String {
        let mut body = format!("<h1>{}</h1>\n", esc(&self.period.title()));
        for (heading, parts) in SECTIONS.iter().filter(|(h, _)| self.shows(h)) {
            let level = if heading.starts_with('(') { "h3" } else { "h2" };
            body += &format!("<section>\n<{level}>{}</{level}>\n", esc(heading));
            for part in *parts {
                match part {
                    Part::Sentences(s) => {
                        let lines = self.sentences(s);
                        if !lines.is_empty() {
                            body += "<ul class=\"bullets\">\n";
                            for line in lines {
                                let text = line.trim_start_matches('・').trim_start();
                                body += &format!("<li>{}</li>\n", esc(text));
                            }
                            body += "</ul>\n";
                        }
                    }
                    Part::Table(t) => {
                        if let Some(t) = self.table(t) {
                            body += &html_table(t);
                        }
                    }
                    Part::Chart(c) => {
                        if let Some((_, png)) = self.chart(c) {
                            let data = base64::engine::general_purpose::STANDARD.encode(png);
                            body += &format!(
                                "<figure><img id=\"chart-{c}\" class=\"chart\" alt=\"{}\" src=\"data:image/png;base64,{data}\"></figure>\n",
                                esc(chart_alt(c))
                            );
                        }
                    }
                }
            }
            body += "</section>\n";
        }
        if !self.sheets.is_empty() {
            body += &format!("<section class=\"sheets\">\n<h2>{}</h2>\n", esc(SHEETS));
            for s in self.sheets {
                body += &format!("<h3 id=\"sheet-{n}\">別紙{n}</h3>\n<table class=\"sheet\">\n", n = s.number);
                for (label, text) in &s.fields {
                    let cell = match (&s.diagram, *label) {
                        (Some((name, bytes)), "機器構成図") => {
                            let mime = if name.ends_with(".png") { "png" } else { "jpeg" };
                            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                            format!("<img class=\"diagram\" alt=\"機器構成図\" src=\"data:image/{mime};base64,{data}\">")
                        }
                        _ => text.lines().map(esc).collect::<Vec<_>>().join("<br>"),
                    };
                    body += &format!("<tr><th scope=\"row\">{}</th><td>{cell}</td></tr>\n", esc(label));
                }
                body += "</table>\n";
            }
            body += "</section>\n";
        }
        body += "<section class=\"notes\">\n<h2>注</h2>\n";
        for n in &self.footnotes {
            body += &format!("<p>{}</p>\n", esc(n.trim_start()));
        }
        body += "</section>\n<footer>\n";
        for line in &self.footer {
            body += &format!("<p>{}</p>\n", esc(line));
        }
        body += "</footer>\n";
        page(&self.period.title(), &body)
    }

    /// `report.xlsx`: a sheet per table with numbers as numbers (shown as
    /// printed through number formats), and a sheet of every figure.
    pub fn xlsx(&self, figures: &Figures) -> Result<Vec<u8>> {
        let mut book = workbook(&self.period.title())?;
        let bold = Format::new().set_bold();
        let heading = Format::new().set_bold().set_font_size(14);
        for t in self.tables {
            table_sheet(&mut book, t, &heading, &bold)?;
        }
        let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
        for s in self.sheets {
            let sheet = book.add_worksheet();
            sheet.set_name(format!("別紙{}", s.number)).context("sheet name")?;
            sheet.set_column_width(0, 24)?;
            sheet.set_column_width(1, 100)?;
            for (r, (label, text)) in s.fields.iter().enumerate() {
                sheet.write_string_with_format(r as u32, 0, *label, &bold)?;
                sheet.write_string_with_format(r as u32, 1, text, &wrap)?;
            }
        }
        let sheet = book.add_worksheet();
        sheet.set_name(FIGURES_SHEET).context("sheet name")?;
        for (c, h) in ["table", "row", "column", "value"].iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, f) in figures.list.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &f.table)?;
            sheet.write_string(r, 1, &f.row)?;
            sheet.write_string(r, 2, &f.column)?;
            match json_value(&f.value) {
                serde_json::Value::Number(n) => {
                    sheet.write_number(r, 3, n.as_f64().unwrap_or_default())?;
                }
                other => {
                    sheet.write_string(r, 3, other.as_str().unwrap_or_default())?;
                }
            }
        }
        let sheet = book.add_worksheet();
        sheet.set_name(NOTES_SHEET).context("sheet name")?;
        for (i, line) in self.footnotes.iter().chain(&self.footer).enumerate() {
            sheet.write_string(i as u32, 0, line.trim_start())?;
        }
        Ok(book.save_to_buffer()?)
    }
}

/// A self-contained page: no network access, the Japanese font inside it,
/// so it reads the same on a machine with no Japanese fonts, offline.
pub fn page(title: &str, body: &str) -> String {
    // Only the glyphs of the page's text (the charts are pictures); the
    // whole font where a subset cannot be made.
    let text = format!("{title}{}", text_of(body));
    let font = crate::text::regular_subset(&text).unwrap_or_else(|_| crate::text::REGULAR.to_vec());
    let font = base64::engine::general_purpose::STANDARD.encode(font);
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'\">\n<title>{}</title>\n<style>@font-face{{font-family:'Jiko Sans';src:url(data:font/otf;base64,{font}) format('opentype')}}\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

/// The characters a page shows: its markup without tags and data URIs,
/// entities decoded (the subset must hold `<` when the page says `&lt;`).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out + "<>&\"'"
}

/// A workbook titled `title` with a fixed creation date: a run writes the
/// same bytes every time (report.xlsx, trend.xlsx).
pub fn workbook(title: &str) -> Result<rust_xlsxwriter::Workbook> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).context("date")?;
    book.set_properties(&DocProperties::new().set_title(title).set_creation_datetime(&created));
    Ok(book)
}

/// The sheet of every figure (codes in its columns, for programs) and of
/// the notes, named in Japanese as the tables' sheets are.
pub(crate) const FIGURES_SHEET: &str = "数値一覧";
pub(crate) const NOTES_SHEET: &str = "注記";

/// A table's sheet name: its Japanese title (Excel takes 31 characters,
/// none of `[]:*?/\`), else its code.
fn sheet_name(t: &Table) -> String {
    let title: String = t.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if title.is_empty() {
        t.name.clone()
    } else {
        title
    }
}

/// One table as a worksheet: title, header, typed cells (numbers stay
/// numbers, shown as printed through their number format), notes.
pub(crate) fn table_sheet(book: &mut rust_xlsxwriter::Workbook, t: &Table, heading: &Format, bold: &Format) -> Result<()> {
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(t)).context("sheet name")?;
    sheet.write_string_with_format(0, 0, &t.title, heading)?;
    for (c, h) in t.header.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, h, bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) | Cell::Outside(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Num { value, format, .. } => {
                    sheet.write_number_with_format(r, c, *value, &Format::new().set_num_format(format))?;
                }
            }
        }
    }
    // The numbers the printed cells hold besides their own, each in its
    // own column after a blank one (Table::values).
    let first = t.header.len() as u16 + 1;
    for (i, v) in t.values.iter().enumerate() {
        let c = first + i as u16;
        sheet.write_string_with_format(2, c, &v.header, bold)?;
        let format = Format::new().set_num_format(v.format);
        for (r, x) in &v.cells {
            sheet.write_number_with_format(*r as u32 + 3, c, *x, &format)?;
        }
        sheet.set_column_width(c, 18)?;
    }
    let mut at = t.rows.len() as u32 + 4;
    for n in &t.notes {
        sheet.write_string(at, 0, n)?;
        at += 1;
    }
    sheet.set_column_width(0, 28)?;
    for c in 1..t.header.len() as u16 {
        sheet.set_column_width(c, 18)?;
    }
    Ok(())
}

fn chart_alt(name: &str) -> &'static str {
    match name {
        "major_service" => "重大な事故のサービス別の内訳",
        "trend_reports" => "報告件数の推移（様式別）",
        other => taxonomy::table_title(other),
    }
}

const CSS: &str = "
body{font-family:'Jiko Sans','Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif;max-width:1100px;margin:0 auto;padding:12px;color:#222;line-height:1.6}
h1{font-size:1.5em}h2{border-bottom:2px solid #0072b2;padding-bottom:2px;margin-top:1.6em}h3{margin-top:1.2em}
.scroll{overflow-x:auto;margin:0.8em 0}
table{border-collapse:collapse;font-size:0.9em}
th,td{border:1px solid #999;padding:4px 8px;text-align:right;white-space:nowrap}
th{background:#eef3f8}td:first-child,th:first-child{text-align:left}
td.outside{background:#d0d0d0;color:#555;text-align:center}
#table-matrix th{white-space:normal;min-width:5em}#table-matrix th,#table-matrix td{padding:4px 6px}
td.text{text-align:left}td.long{white-space:normal;min-width:12em}
table.sheet{width:100%}table.sheet th{width:11em;white-space:normal;vertical-align:top}table.sheet td{text-align:left;white-space:normal;overflow-wrap:anywhere}img.diagram{max-width:100%;height:auto}
.major{color:#d55e00;font-weight:bold}td.threshold{background:#fff6e5}
caption{font-weight:bold;text-align:left;padding:4px 0}
.tnote{font-size:0.85em;color:#555;margin:2px 0}
figure{margin:0.8em 0}img.chart{width:100%;height:auto;display:block}
@media (max-width:700px){figure{overflow-x:auto}img.chart{width:auto;max-width:none}table.sheet th{width:5.5em}}
ul.bullets li{margin:0.3em 0}
p,li,h1,h2,h3,caption{overflow-wrap:anywhere}
.notes p,footer p{font-size:0.85em;color:#444;margin:0.3em 0}
footer{border-top:1px solid #999;margin-top:2em;padding-top:0.5em}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.scroll{overflow:visible}section{break-inside:auto}figure,table{break-inside:avoid}th,td{white-space:normal}}
";

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) fn html_table(t: &Table) -> String {
    let mut out = format!("<div class=\"scroll\"><table id=\"table-{}\">\n<caption>{}</caption>\n<thead><tr>", t.name, esc(&t.title));
    for h in &t.header {
        out += &format!("<th>{}</th>", esc(h));
    }
    out += "</tr></thead>\n<tbody>\n";
    for row in &t.rows {
        out += "<tr>";
        for (i, cell) in row.iter().enumerate() {
            let text = cell.text();
            let (class, html) = match cell {
                Cell::Outside(_) => (" class=\"outside\"", esc(text)),
                Cell::Num { .. } if text.contains('<') || text.contains('※') => {
                    // `5※ <3>`: the count, the threshold mark, the majors.
                    let (n, marks) = text.split_once(' ').unwrap_or((text, ""));
                    let (n, threshold) = n.split_once('※').map_or((n, ""), |(n, _)| (n, "※"));
                    let marks = if marks.is_empty() { String::new() } else { format!(" <span class=\"major\">{}</span>", esc(marks)) };
                    (" class=\"threshold\"", format!("{}<sup>{threshold}</sup>{marks}", esc(n)))
                }
                Cell::Text(_) if i > 0 && text.chars().count() > 12 => (" class=\"text long\"", esc(text)),
                Cell::Text(_) if i > 0 => (" class=\"text\"", esc(text)),
                _ => ("", esc(text)),
            };
            let tag = if i == 0 { "th" } else { "td" };
            out += &format!("<{tag}{class}>{html}</{tag}>");
        }
        out += "</tr>\n";
    }
    out += "</tbody></table></div>\n";
    for n in &t.notes {
        out += &format!("<p class=\"tnote\">{}</p>\n", esc(n));
    }
    out
}

/// A figure's value for JSON: numbers as numbers (shares as printed).
fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Int(n) => serde_json::Value::from(*n),
        Value::Share { .. } => v.to_string().parse::<f64>().map_or(serde_json::Value::Null, serde_json::Value::from),
        Value::Text(s) => serde_json::Value::from(s.clone()),
    }
}

/// `figures.json`: the figures of figures.csv for programs.
pub(crate) fn figures_json(period: crate::period::Period, figures: &Figures) -> String {
    let year = period.year;
    let list: Vec<serde_json::Value> = figures
        .list
        .iter()
        .map(|f| serde_json::json!({"table": f.table, "row": f.row, "column": f.column, "value": json_value(&f.value)}))
        .collect();
    let doc = serde_json::json!({
        "fiscal_year": year,
        "label": period.label(),
        "figures": list,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
