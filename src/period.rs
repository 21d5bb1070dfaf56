//! The span of a fiscal year a run counts: the whole year, or the year to
//! date (速報) up to and including a day, with the same span of the
//! previous year for its comparisons.

use anyhow::{bail, Result};

use crate::calendar::Minute;
use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    /// The last day counted (its year, month, day); `None`: the whole year.
    pub through: Option<(i32, u32, u32)>,
    /// Counted under a trial's rules (試算): every label says so. Set by
    /// the count from its rules.
    pub trial: bool,
}

impl Period {
    pub fn whole(year: i32) -> Period {
        Period { year, through: None, trial: false }
    }

    /// `--through DATE` for `year`: a day past the year's end is the whole
    /// year; a day before its start is an error.
    pub fn parse(lang: crate::lang::Lang, year: i32, through: Option<&str>) -> Result<Period> {
        let Some(text) = through else { return Ok(Period::whole(year)) };
        let Some(m) = crate::records::parse_minute(&format!("{} 23:59", text.trim())) else {
            bail!(crate::say!(
                lang,
                "--through {text:?}: not a date (e.g. 2020-09-30, 2020/9/30, 令和2年9月30日)",
                "--through {text:?}: 日付として読めません（例: 2020-09-30、2020/9/30、令和2年9月30日）",
                text = text
            ));
        };
        let day = (m.year, m.month, m.day);
        if day < (year, 4, 1) {
            bail!(crate::say!(
                lang,
                "--through {text}: before {label} began (1 April {year})",
                "--through {text}: {label}の始まり（{year}年4月1日）より前です",
                text = text,
                label = wareki::fiscal_year_label(year),
                year = year
            ));
        }
        Ok(Period { year, through: (day < (year + 1, 4, 1)).then_some(day), trial: false })
    }

    /// The same day a year earlier (29 February as 28 February).
    fn year_before((y, m, d): (i32, u32, u32)) -> (i32, u32, u32) {
        (y - 1, m, d.min(crate::calendar::days_in_month(y - 1, m)))
    }

    /// Whether a report that started at `t` is counted: within the span for
    /// the year, within the same span for the previous year, any other
    /// year whole.
    pub fn includes(&self, t: &Minute) -> bool {
        let Some(through) = self.through else { return true };
        let day = (t.year, t.month, t.day);
        match t.fiscal_year() {
            fy if fy == self.year => day <= through,
            fy if fy == self.year - 1 => day <= Period::year_before(through),
            _ => true,
        }
    }

    fn day_text((y, m, d): (i32, u32, u32)) -> String {
        format!("{y}年{m}月{d}日")
    }

    /// `令和2年度`, or `令和2年度 速報（2020年9月30日まで）`.
    pub fn label(&self) -> String {
        let label = match self.through {
            None => wareki::fiscal_year_label(self.year),
            Some(day) => format!("{} 速報（{}まで）", wareki::fiscal_year_label(self.year), Period::day_text(day)),
        };
        // A trial under other rules says so wherever the year is named.
        match self.trial {
            true => format!("{label} 【試算】"),
            false => label,
        }
    }

    pub fn title(&self) -> String {
        format!("電気通信サービスの事故発生状況（{}）", self.label())
    }

    /// The footer line of a year-to-date report.
    pub fn footer(&self, previous_given: bool) -> Option<String> {
        let day = self.through?;
        let compared = if previous_given {
            format!("前年度との比較は前年度の同期間（{}まで）の事故データとの比較。", Period::day_text(Period::year_before(day)))
        } else {
            "前年度の同期間の事故データがないため、前年度との比較は省略。".to_string()
        };
        Some(format!("速報: {}までに発生した事故の集計（年度途中の値）。{compared}", Period::day_text(day)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_a_year() {
        let p = Period::parse(crate::lang::Lang::En, 2020, Some("2020-09-30")).unwrap();
        assert_eq!(p.through, Some((2020, 9, 30)));
        assert!(p.includes(&crate::records::parse_minute("2020-09-30 23:59").unwrap()));
        assert!(!p.includes(&crate::records::parse_minute("2020-10-01 00:00").unwrap()));
        assert!(p.includes(&crate::records::parse_minute("2019-09-30 12:00").unwrap()), "the previous year's same span");
        assert!(!p.includes(&crate::records::parse_minute("2019-10-01 12:00").unwrap()));
        assert!(p.includes(&crate::records::parse_minute("2018-12-01 12:00").unwrap()), "other years whole");
        assert_eq!(Period::parse(crate::lang::Lang::En, 2020, Some("2021/4/1")).unwrap().through, None, "past the end: the whole year");
        assert!(Period::parse(crate::lang::Lang::En, 2020, Some("2020-03-31")).is_err());
        assert_eq!(p.label(), "令和2年度 速報（2020年9月30日まで）");
        let leap = Period::parse(crate::lang::Lang::En, 2019, Some("2020-02-29")).unwrap();
        assert!(leap.includes(&crate::records::parse_minute("2019-02-28 10:00").unwrap()));
    }
}
