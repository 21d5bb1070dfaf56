//! The ground of the pipeline: a minute of JST as the records write it,
//! civil days and the fiscal year (April–March). Everything above (rules,
//! the reader, the tallies) shares these; reading dates from text is the
//! reader's (jiko-records, dates.rs).

use std::fmt;

/// A minute in JST, as written in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minute {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Minute {
    /// The fiscal year (April to March) of the minute.
    #[inline]
    pub fn fiscal_year(&self) -> i32 {
        fiscal_year(self.year, self.month)
    }

    #[inline]
    pub fn checked(self) -> Option<Minute> {
        let ok = (1..=12).contains(&self.month)
            && self.day >= 1
            && (self.day <= 28 || self.day <= days_in_month(self.year, self.month))
            && self.hour < 24
            && self.minute < 60;
        ok.then_some(self)
    }

    /// One number ordered as checked minutes are (fields below 256):
    /// compared per row, where the field-by-field order costs branches.
    #[inline]
    pub fn key(&self) -> u64 {
        let year = (i64::from(self.year) + (1 << 31)) as u64;
        year << 32 | u64::from(self.month) << 24 | u64::from(self.day) << 16 | u64::from(self.hour) << 8 | u64::from(self.minute)
    }

    /// The minute as an Excel date serial (days since 1899-12-30, the
    /// time as a fraction of a day): a date cell in a workbook.
    pub fn excel_serial(&self) -> f64 {
        (days_from_civil(self.year, self.month, self.day) + 25_569) as f64 + f64::from(self.hour * 60 + self.minute) / 1440.0
    }

    /// Minutes since 1970-01-01 00:00 of the same clock (JST throughout).
    pub fn ordinal(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 1440 + i64::from(self.hour * 60 + self.minute)
    }
}

/// `YYYY-MM-DD HH:MM` for the tests here (the reader reads every form
/// offices write: `jiko_records::parse_minute`).
#[cfg(test)]
pub(crate) fn minute(s: &str) -> Minute {
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
    Minute { year: n(0..4) as i32, month: n(5..7), day: n(8..10), hour: n(11..13), minute: n(14..16) }.checked().unwrap()
}

impl fmt::Display for Minute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}T{:02}:{:02}", self.year, self.month, self.day, self.hour, self.minute)
    }
}

/// The fiscal year (April to March) a month belongs to.
#[inline]
pub fn fiscal_year(year: i32, month: u32) -> i32 {
    if month >= 4 {
        year
    } else {
        year - 1
    }
}

#[inline]
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(month.clamp(1, 12) - 1) as usize]
}

/// Days since 1970-01-01 (H. Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (H. Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}
