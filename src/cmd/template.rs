//! `jiko template`: an input workbook to fill in: the Japanese header,
//! dropdown lists of the labels of every coded column, date and number
//! formats, and a sheet that explains each column. Everything it holds
//! comes from the contract's tables (`records::COLUMNS`, `taxonomy`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use crate::lang::Lang;
use crate::rules::Rules;
use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Formula, Workbook};

use crate::records::header::{described, Need};
use crate::records::COLUMNS;
use crate::rules::taxonomy::{Coded, Vocabulary};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write the workbook.
    #[arg(long, default_value = "incidents.xlsx")]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Rows that get the dropdowns and formats.
const ROWS: u32 = 10_000;
pub(crate) const DATA_SHEET: &str = "事故一覧";
pub(crate) const HELP_SHEET: &str = "説明";
pub(crate) const LIST_SHEET: &str = "選択肢";

/// The coded columns and the labels they offer; services and exclusions
/// take several values, so their lists only suggest. The おそれ事態 lists
/// are the book's `[near_miss]` (a situation with its newest words), and
/// exclusions offer the book's way to say none applies.
fn coded(v: &'static Vocabulary, column: &str) -> Option<(Vec<&'static str>, bool)> {
    let labels = |list: &'static [Coded]| list.iter().map(|c| c.label).collect::<Vec<_>>();
    match column {
        "report_form" => Some((labels(&v.forms), true)),
        "services" => Some((labels(&v.service_codes), false)),
        "cause" => Some((labels(&v.causes), true)),
        "equipment" => Some((labels(&v.equipment), true)),
        "facility" => Some((labels(&v.facilities), true)),
        "kind" => Some((labels(&v.kinds), true)),
        "wholesale" => Some((labels(&v.wholesale), true)),
        "situation" if !v.situations.is_empty() => Some((labels(&v.situations), true)),
        "function" if !v.functions.is_empty() => Some((labels(&v.functions), true)),
        "exclusions" if !v.exclusions.is_empty() => Some((labels(&v.exclusions).into_iter().chain(v.no_exclusion.first().copied()).collect(), false)),
        _ => None,
    }
}

pub fn run(args: Args, rules: Rules, lang: Lang) -> Result<bool> {
    crate::output::may_write(lang, &args.out, args.force, &[])?;
    let bytes = workbook(rules.vocab)?;
    crate::output::write_atomic(lang, &args.out, &bytes)?;
    eprintln!(
        "{}",
        crate::say!(lang, "wrote {p} (sheets {a}, {b}, {c})", "{p} を書き出しました（シート {a}、{b}、{c}）", p = args.out.display(), a = DATA_SHEET, b = HELP_SHEET, c = LIST_SHEET)
    );
    Ok(true)
}

/// The template workbook, with the lists of the codes of `v`.
pub fn workbook(v: &'static Vocabulary) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let head = Format::new().set_bold().set_background_color("#EEF3F8");
    let date = Format::new().set_num_format("yyyy/mm/dd hh:mm");
    let number = Format::new().set_num_format("#,##0");
    let text = Format::new().set_num_format("@");
    let columns: Vec<_> = COLUMNS.iter().collect();

    let data = book.add_worksheet();
    data.set_name(DATA_SHEET)?;
    data.set_freeze_panes(1, 0)?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        data.write_string_with_format(0, col, c.japanese, &head)?;
        data.set_column_width(col, if matches!(c.name, "summary" | "services") { 40 } else { 18 })?;
        let format = match c.name {
            "started_at" | "ended_at" | "known_at" => &date,
            "duration_min" | "affected_users" | "carrier_users" | "prefectures" | "monthly_active_users" => &number,
            _ => &text,
        };
        data.set_column_format(col, format)?;
        if let Some((codes, strict)) = coded(v, c.name) {
            let letter = crate::records::workbook::column_letters(list_column(v, c.name) as u32);
            let range = format!("='{LIST_SHEET}'!${letter}$2:${letter}${}", codes.len() + 1);
            let mut check = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .set_input_title(c.japanese)?
                .set_input_message(&short(&described(c, v)))?;
            if !strict {
                check = check.set_error_style(DataValidationErrorStyle::Information);
            }
            data.add_data_validation(1, col, ROWS, col, &check)?;
        }
    }

    let help = book.add_worksheet();
    help.set_name(HELP_SHEET)?;
    for (i, h) in ["列名", "英語名", "必須", "書き方", "受け付ける値"].iter().enumerate() {
        help.write_string_with_format(0, i as u16, *h, &head)?;
    }
    help.set_column_width(3, 80)?;
    help.set_column_width(4, 60)?;
    for (r, c) in columns.iter().enumerate() {
        let r = r as u32 + 1;
        let need = match c.need {
            Need::Required => "必須".to_string(),
            Need::Optional => "任意".to_string(),
            Need::RequiredUnless(other) => format!("必須（{}があれば不要）", crate::records::header::named(other).map_or(other, |o| o.japanese)),
        };
        let values = coded(v, c.name).map_or(String::new(), |(codes, _)| format!("「{LIST_SHEET}」シートの一覧（{}件）", codes.len()));
        let meaning = described(c, v);
        for (i, cell) in [c.japanese, c.name, &need, &meaning, &values].iter().enumerate() {
            help.write_string(r, i as u16, *cell)?;
        }
    }

    let lists = book.add_worksheet();
    lists.set_name(LIST_SHEET)?;
    for c in COLUMNS {
        if let Some((codes, _)) = coded(v, c.name) {
            let col = list_column(v, c.name);
            lists.write_string_with_format(0, col, c.japanese, &head)?;
            lists.set_column_width(col, 36)?;
            for (r, label) in codes.iter().enumerate() {
                lists.write_string(r as u32 + 1, col, *label)?;
            }
        }
    }
    book.save_to_buffer().context("making the template workbook")
}

/// The list sheet's column for a coded column.
fn list_column(v: &'static Vocabulary, name: &str) -> u16 {
    COLUMNS.iter().filter(|c| coded(v, c.name).is_some()).position(|c| c.name == name).unwrap_or(0) as u16
}

/// Excel's input messages hold 255 characters at most.
fn short(s: &str) -> String {
    s.chars().take(250).collect()
}
