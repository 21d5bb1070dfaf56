//! Fiscal years in the Western calendar and in 和暦 (Japanese eras).

use anyhow::{bail, Result};

/// Era name, its one-letter romanisation, and the Western year of its year 1.
const ERAS: &[(&str, &str, i32)] = &[("令和", "R", 2019), ("平成", "H", 1989), ("昭和", "S", 1926)];
/// The last year of each era that ended (昭和64年, 平成31年): a year past
/// it (平成32年度) names no year of that era.
const LAST_YEAR: &[(&str, i32)] = &[("平成", 31), ("昭和", 64)];

/// `2020`, `FY2020`, `R2`, `令和2`, `令和2年度`, `令和元年`, `H30`, `平成30年度`.
pub(crate) fn parse_fiscal_year(lang: crate::lang::Lang, text: &str) -> Result<i32> {
    let s = text.trim();
    let s = s.strip_suffix("年度").or_else(|| s.strip_suffix('年')).unwrap_or(s);
    let s = s.strip_prefix("FY").or_else(|| s.strip_prefix("fy")).unwrap_or(s);
    if let Ok(y) = s.parse::<i32>() {
        if (1900..=2200).contains(&y) {
            return Ok(y);
        }
    }
    for (name, letter, first) in ERAS {
        let rest = s
            .strip_prefix(name)
            .or_else(|| s.strip_prefix(letter))
            .or_else(|| s.strip_prefix(&letter.to_ascii_lowercase()));
        if let Some(rest) = rest {
            let n = if rest == "元" { Some(1) } else { to_ascii_digits(rest).parse::<i32>().ok() };
            let last = LAST_YEAR.iter().find(|(e, _)| e == name).map_or(i32::MAX, |(_, l)| *l);
            if let Some(y) = n.filter(|n| *n >= 1 && *n <= last).and_then(|n| first.checked_add(n - 1)).filter(|y| (1900..=2200).contains(y)) {
                return Ok(y);
            }
        }
    }
    bail!(crate::say!(
        lang,
        "cannot read {text:?} as a fiscal year: use 2020, R2, 令和2, 令和2年度, 令和元年 or H30",
        "{text:?} を年度として読めません。2020、R2、令和2、令和2年度、令和元年、H30 のように書いてください",
        text = text
    ))
}

/// Full-width digits (令和２年度) as ASCII.
fn to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// First days of the eras, newest first, for dates (not fiscal years).
const ERA_DAYS: &[(&str, (i32, u32, u32))] = &[("令和", (2019, 5, 1)), ("平成", (1989, 1, 8)), ("昭和", (1926, 12, 25))];

/// `令和2年4月30日`, `令和元年5月1日`, `平成31年4月30日`.
pub(crate) fn date_label(y: i32, m: u32, d: u32) -> String {
    match ERA_DAYS.iter().find(|(_, first)| (y, m, d) >= *first) {
        Some((name, (first, _, _))) if y == *first => format!("{name}元年{m}月{d}日"),
        Some((name, (first, _, _))) => format!("{name}{}年{m}月{d}日", y - first + 1),
        None => format!("{y}年{m}月{d}日"),
    }
}

/// `令和2年度`, `令和元年度`, `平成20年度`.
pub(crate) fn fiscal_year_label(fy: i32) -> String {
    match ERAS.iter().find(|(_, _, first)| fy >= *first) {
        Some((name, _, first)) if fy == *first => format!("{name}元年度"),
        Some((name, _, first)) => format!("{name}{}年度", fy - first + 1),
        None => format!("{fy}年度"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_eras() {
        assert_eq!(date_label(2020, 4, 30), "令和2年4月30日");
        assert_eq!(date_label(2019, 5, 1), "令和元年5月1日");
        assert_eq!(date_label(2019, 4, 30), "平成31年4月30日");
        assert_eq!(date_label(1989, 1, 7), "昭和64年1月7日");
    }

    #[test]
    fn parses_every_spelling() {
        for s in ["2020", "R2", "r2", "令和2", "令和2年度", "令和２年度", "FY2020"] {
            assert_eq!(parse_fiscal_year(crate::lang::Lang::En, s).unwrap(), 2020, "{s}");
        }
        assert_eq!(parse_fiscal_year(crate::lang::Lang::En, "令和元年").unwrap(), 2019);
        assert_eq!(parse_fiscal_year(crate::lang::Lang::En, "令和元年度").unwrap(), 2019);
        // Each era's years only: 令和0, 平成32 and 昭和99 are no year.
        assert_eq!(parse_fiscal_year(crate::lang::Lang::En, "平成31年度").unwrap(), 2019);
        for no in ["令和0年度", "平成32年度", "H32", "昭和99", "S65"] {
            assert!(parse_fiscal_year(crate::lang::Lang::En, no).is_err(), "{no}");
        }
        assert_eq!(parse_fiscal_year(crate::lang::Lang::En, "H30").unwrap(), 2018);
        assert_eq!(parse_fiscal_year(crate::lang::Lang::En, "平成20年度").unwrap(), 2008);
        assert!(parse_fiscal_year(crate::lang::Lang::En, "R0").is_err());
        assert!(parse_fiscal_year(crate::lang::Lang::En, "next year").is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(fiscal_year_label(2020), "令和2年度");
        assert_eq!(fiscal_year_label(2019), "令和元年度");
        assert_eq!(fiscal_year_label(2018), "平成30年度");
        assert_eq!(fiscal_year_label(2008), "平成20年度");
    }
}
