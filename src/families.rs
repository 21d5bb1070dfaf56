//! Each figure family that is a sum of the year's tally, defined once: the
//! cells of the tally a detailed report adds to (`report_cells`, which the
//! count calls as it counts and the list calls to say where a report went)
//! and the cells a figure sums (`figure_cells`). A figure's value is the
//! sum of its cells; a report is behind it when it added to one of them,
//! as many times as it added to them (a report of three services counts
//! three times in `service,total`). So counting, the figures and `explain`
//! cannot disagree. Only detailed reports add to cells (the filter); the
//! families of their own (summary, major, major_trend, matrix_major, rows)
//! count accidents and files, and are defined where those are.

use crate::rules::taxonomy::{self, Vocabulary};
use crate::rules::Rules;

/// A place in a year's tally (`aggregate::YearTally`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The matrix: a duration bin (or the info-leak row) and a user bin.
    Matrix(usize, usize),
    /// A cause, by index.
    Cause(usize),
    /// A failed equipment, by index; `Vocabulary::equipment_unknown` when unknown.
    Equipment(usize),
    /// A service, by index (a report adds once per service).
    Service(usize),
}

/// The cells a detailed report adds to, each handed to `each`, in the
/// codes and bins of `v`.
#[inline]
pub fn report_cells(v: &Vocabulary, dbin: usize, ubin: usize, cause: usize, equipment: Option<usize>, services: u32, mut each: impl FnMut(Cell)) {
    each(Cell::Matrix(dbin, ubin));
    each(Cell::Cause(cause));
    each(Cell::Equipment(equipment.unwrap_or(v.equipment_unknown())));
    let mut rest = services;
    while rest != 0 {
        each(Cell::Service(rest.trailing_zeros() as usize));
        rest &= rest - 1;
    }
}

/// The cells figure `table,row,column` sums (any of its measures: count,
/// share, their deltas), or `None` when it is no sum of the tally.
pub fn figure_cells(r: Rules, table: &str, row: &str, column: &str) -> Option<Vec<Cell>> {
    let (duty, v) = (&r.book.duty, r.vocab);
    // The bins' rows, and with the info-leak row (a leak is in the totals
    // of the matrix's rows, not under a user bin's column of durations).
    let bins = 0..v.duration_bins.len();
    let with_leak = 0..=v.info_leak_row();
    let matrix = |ds: &mut dyn Iterator<Item = usize>, us: &dyn Fn(usize) -> bool| -> Vec<Cell> {
        ds.flat_map(|d| (0..v.user_bins.len()).filter(|&u| us(u)).map(move |u| Cell::Matrix(d, u))).collect()
    };
    let services = |keep: &dyn Fn(&taxonomy::Service) -> bool| -> Vec<Cell> {
        v.services.iter().enumerate().filter(|(_, s)| keep(s)).map(|(i, _)| Cell::Service(i)).collect()
    };
    let equipment = |keep: &dyn Fn(&taxonomy::Coded) -> bool| -> Vec<Cell> {
        v.equipment.iter().enumerate().filter(|(_, e)| keep(e)).map(|(i, _)| Cell::Equipment(i)).collect()
    };
    let cells = match table {
        "headline" => match row {
            "total" => matrix(&mut with_leak.clone(), &|_| true),
            "users_lt500" => matrix(&mut bins.clone(), &|u| u == 0),
            "users_ge30k" => matrix(&mut bins.clone(), &|u| v.user_bins[u].from >= duty.min_users),
            "duration_ge2h" => matrix(&mut bins.clone().filter(|&d| v.duration_bins[d].from >= duty.min_duration), &|_| true),
            _ => return None,
        },
        "matrix" | "matrix_share" => {
            let user = |u: usize| column == "total" || v.user_bins[u].code == column;
            match row {
                // A column's total is of the bins' rows; the whole total
                // and the leaks' row hold the leaks too.
                "total" if column == "total" => matrix(&mut with_leak.clone(), &|_| true),
                "total" => matrix(&mut bins.clone(), &user),
                "info_leak" => matrix(&mut std::iter::once(v.info_leak_row()), &user),
                code => matrix(&mut bins.clone().filter(|&d| v.duration_bins[d].code == code), &user),
            }
        }
        "service" => match row {
            "total" => services(&|_| true),
            group => services(&|s| s.group == group),
        },
        t if t.starts_with("service_") => {
            let group = &t["service_".len()..];
            services(&|s| s.group == group && s.sub == row)
        }
        "cause" => v.causes
            .iter()
            .enumerate()
            .filter(|(_, c)| row == "total" || c.group == row)
            .map(|(i, _)| Cell::Cause(i))
            .collect(),
        "equipment" => match row {
            "known" => equipment(&|_| true),
            "unknown" => vec![Cell::Equipment(v.equipment_unknown())],
            group => equipment(&|e| e.group == group),
        },
        t if t.starts_with("equipment_") => {
            let group = &t["equipment_".len()..];
            equipment(&|e| e.group == group && e.code == row)
        }
        _ => return None,
    };
    Some(cells)
}

/// A figure asked about (`explain`, `--check`): its key, and its cells
/// when it is a sum of the tally, found once for every report looked at.
#[derive(Debug, Clone)]
pub struct FigureKey<'a> {
    pub table: &'a str,
    pub row: &'a str,
    pub column: &'a str,
    /// `figure_cells` of the key.
    pub cells: Option<Vec<Cell>>,
}

impl<'a> FigureKey<'a> {
    pub fn new(r: Rules, [table, row, column]: [&'a str; 3]) -> FigureKey<'a> {
        FigureKey { table, row, column, cells: figure_cells(r, table, row, column) }
    }
}

/// The row whose sum a share of `table,row` is taken of: the table's
/// total, or (sub-tables) their group's.
pub fn share_base(table: &str) -> (&str, &str, &str) {
    match table {
        "headline" => ("headline", "total", "count"),
        "matrix" | "matrix_share" => ("matrix", "total", "total"),
        "equipment" => ("equipment", "known", "count"),
        t if t.starts_with("service_") => ("service", &t["service_".len()..], "count"),
        t if t.starts_with("equipment_") => ("equipment", &t["equipment_".len()..], "count"),
        t => (t, "total", "count"),
    }
}
