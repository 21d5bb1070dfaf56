//! Dates and times as offices write them: `2024-04-18 09:05`, `2024/4/18
//! 9:05`, `2024年4月18日 9時5分`, 和暦 (`令和6年4月1日 9:05`, `R6.4.1 9:05`,
//! 元年), optional seconds and day of the week. Day-first or month-first
//! forms (`4/1/2024`) are ambiguous and refused.

use super::normalize::nfkc;
use jiko_core::calendar::Minute;

/// What the error for an unreadable date lists.
pub fn accepted_forms(lang: jiko_core::lang::Lang) -> String {
    let forms = "YYYY-MM-DD HH:MM, YYYY/M/D H:MM, YYYY年M月D日 H時M分, 令和6年4月1日 9:05, R6.4.1 9:05";
    jiko_core::say!(lang, "{forms} (seconds allowed, JST)", "{forms}（秒は省略可、日本時間）", forms = forms)
}

/// Eras for 和暦 dates: name, letter, Western year of its year 1, and its
/// first and last days (a date outside them, 平成32年 or 令和0年, names no
/// day of the era).
const ERAS: &[(&str, char, i32, (i32, u32, u32), (i32, u32, u32))] =
    &[("令和", 'R', 2019, (2019, 5, 1), (9999, 12, 31)), ("平成", 'H', 1989, (1989, 1, 8), (2019, 4, 30)), ("昭和", 'S', 1926, (1926, 12, 25), (1989, 1, 7))];

/// The canonical form only (`YYYY-MM-DD HH:MM` or with `T`), fast:
/// the sixteen bytes checked and read as two 64-bit words.
#[inline]
pub(crate) fn parse_canonical(b: &[u8]) -> Option<Minute> {
    let b: &[u8; 16] = b.try_into().ok()?;
    let (lo, hi) = (u64::from_le_bytes(b[..8].try_into().ok()?), u64::from_le_bytes(b[8..].try_into().ok()?));
    // `YYYY-MM-` and `DD?HH:MM`: the separators, then every other byte
    // a digit (the separators' places made `0` first).
    const LO_SEP: u64 = 0xFF00_00FF_0000_0000;
    const HI_SEP: u64 = 0x0000_FF00_00FF_0000;
    let t = match b[10] {
        b' ' | b'T' => u64::from(b[10]) << 16,
        _ => return None,
    };
    if lo & LO_SEP != 0x2D00_002D_0000_0000 || hi & HI_SEP != 0x0000_3A00_0000_0000 | t {
        return None;
    }
    let lo = digits(lo & !LO_SEP | 0x3000_0030_0000_0000)?;
    let hi = digits(hi & !HI_SEP | 0x0000_3000_0030_0000)?;
    let at = |w: u64, i: u32| (w >> (8 * i)) as u32 & 0xFF;
    let two = |w: u64, i: u32| at(w, i) * 10 + at(w, i + 1);
    Minute { year: (two(lo, 0) * 100 + two(lo, 2)) as i32, month: two(lo, 5), day: two(hi, 0), hour: two(hi, 3), minute: two(hi, 6) }.checked()
}

/// A date and time in any accepted form (`accepted_forms`); `None` when
/// the text is not one of them or names no such day or time.
pub fn parse_minute(s: &str) -> Option<Minute> {
    let t = s.trim();
    if let Some(m) = parse_canonical(t.as_bytes()) {
        return Some(m);
    }
    parse_written(&nfkc(t)).and_then(Minute::checked)
}

/// Why a text in an accepted form is still no date and time: the day or
/// time it names does not exist (`2025/6/31`: June has 30 days). `None`
/// when the form itself is not accepted, or the date is fine.
pub fn no_such_day(lang: jiko_core::lang::Lang, s: &str) -> Option<String> {
    let m = parse_written(&nfkc(s.trim()))?;
    if m.checked().is_some() {
        return None;
    }
    if !(1..=12).contains(&m.month) {
        return Some(jiko_core::say!(lang, "there is no month {mo}", "{mo}月という月はありません", mo = m.month));
    }
    let days = jiko_core::calendar::days_in_month(m.year, m.month);
    if m.day < 1 || m.day > days {
        return Some(jiko_core::say!(
            lang,
            "the day does not exist: {y}/{mo} has {days} days, not {d}",
            "その日はありません: {y}年{mo}月は{days}日まで（{d}日はない）",
            y = m.year,
            mo = m.month,
            days = days,
            d = m.day
        ));
    }
    Some(jiko_core::say!(lang, "the time {h}:{mi:02} does not exist (00:00 to 23:59)", "{h}時{mi}分という時刻はありません（0:00〜23:59）", h = m.hour, mi = m.minute))
}

/// Eight ASCII digits as their values (`None` when a byte is not a digit).
#[inline]
fn digits(w: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Each byte: high nibble 3, low nibble at most 9 (adding 6 carries
    // into the high nibble from 10 up).
    let low = w & (ONES * 0x0F);
    ((w & (ONES * 0xF0)) == ONES * 0x30 && (low + ONES * 6) & (ONES * 0xF0) == 0).then_some(low)
}

/// A run of digits, or of other characters, in NFKC text.
#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Num(&'a str),
    Sep(&'a str),
}

fn tokens(s: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut digit = None;
    for (i, c) in s.char_indices() {
        let d = c.is_ascii_digit();
        if digit.is_some_and(|prev| prev != d) {
            out.push(if digit == Some(true) { Tok::Num(&s[start..i]) } else { Tok::Sep(&s[start..i]) });
            start = i;
        }
        digit = Some(d);
    }
    if let Some(d) = digit {
        out.push(if d { Tok::Num(&s[start..]) } else { Tok::Sep(&s[start..]) });
    }
    out
}

/// Everything but the canonical form, already NFKC; the day and time as
/// written, not yet checked to exist.
fn parse_written(s: &str) -> Option<Minute> {
    // A day of the week in brackets, as notices write it: `4月1日(月)`.
    let mut text = s.to_string();
    for wd in ["(月)", "(火)", "(水)", "(木)", "(金)", "(土)", "(日)", "(祝)"] {
        text = text.replace(wd, " ");
    }
    // 和暦: the era and its year, 元年 as 1.
    let (era, rest) = match ERAS.iter().find_map(|era @ (name, letter, ..)| {
        text.strip_prefix(name)
            .or_else(|| text.strip_prefix(*letter))
            .or_else(|| text.strip_prefix(letter.to_ascii_lowercase()))
            .map(|r| (era, r.trim_start()))
    }) {
        Some((era, r)) => (Some(era), r.replacen('元', "1", 1)),
        None => (None, text.clone()),
    };
    let m = written_minute(era.map(|e| e.2), &rest)?;
    match era {
        Some((_, _, _, from, to)) if (m.year, m.month, m.day) < *from || (m.year, m.month, m.day) > *to => None,
        _ => Some(m),
    }
}

/// The numbers of a written date (the era, if any, taken off).
fn written_minute(era_first: Option<i32>, rest: &str) -> Option<Minute> {
    let toks = tokens(rest);
    let nums: Vec<&str> = toks.iter().filter_map(|t| if let Tok::Num(n) = t { Some(*n) } else { None }).collect();
    let seps: Vec<&str> = toks.iter().filter_map(|t| if let Tok::Sep(x) = t { Some(x.trim()) } else { None }).collect();
    if !matches!(toks.first(), Some(Tok::Num(_))) || !(4..=6).contains(&nums.len()) {
        return None;
    }
    let year: i32 = match era_first {
        Some(first) if nums[0].len() <= 2 => first + nums[0].parse::<i32>().ok()? - 1,
        None if nums[0].len() == 4 => nums[0].parse().ok()?,
        _ => return None,
    };
    if nums[1..].iter().any(|n| n.len() > 2) {
        return None;
    }
    // Separators between the numbers: date, date, date|time, time, then
    // what ends the minute (and the seconds).
    let date_form = match (seps.first().copied()?, seps.get(1).copied()?) {
        ("-", "-") | ("/", "/") | (".", ".") => "",
        ("年", "月") => "日",
        _ => return None,
    };
    let between = seps.get(2).copied()?;
    let between_ok = match date_form {
        "日" => between == "日" || between.is_empty(),
        _ => between.is_empty() || between == "T",
    };
    // The whitespace between date and time is trimmed away in `seps`.
    if !between_ok && !(date_form == "日" && between == "日") {
        return None;
    }
    // `9時` alone is 9:00.
    if nums.len() == 4 {
        let n = |i: usize| nums[i].parse::<u32>().ok();
        return (seps.get(3) == Some(&"時") && seps.len() == 4)
            .then(|| Some(Minute { year, month: n(1)?, day: n(2)?, hour: n(3)?, minute: 0 }))
            .flatten();
    }
    let (hour_sep, tail) = (seps.get(3).copied()?, &seps[4..]);
    let time_ok = match (hour_sep, nums.len(), tail) {
        (":", 5, []) | ("時", 5, ["分"]) | ("時", 5, []) => true,
        (":", 6, [":"]) | ("時", 6, ["分", "秒"]) | ("時", 6, ["分"]) => true,
        _ => false,
    };
    if !time_ok {
        return None;
    }
    let n = |i: usize| nums[i].parse::<u32>().ok();
    // Seconds are read to be checked, then dropped (docs/incidents.md).
    if nums.len() == 6 && n(5)? > 59 {
        return None;
    }
    Some(Minute { year, month: n(1)?, day: n(2)?, hour: n(3)?, minute: n(4)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiko_core::calendar::days_from_civil;

    fn p(s: &str) -> Option<String> {
        parse_minute(s).map(|m| m.to_string())
    }

    #[test]
    fn canonical_and_calendar() {
        let m = parse_minute("2021-03-31 23:59").unwrap();
        assert_eq!(m.fiscal_year(), 2020);
        assert_eq!(parse_minute("2021-04-01T00:00").unwrap().fiscal_year(), 2021);
        assert!(parse_minute("2021-02-29 10:00").is_none());
        assert!(parse_minute("2020-02-29 10:00").is_some());
        assert!(parse_minute("2020-04-31 10:00").is_none());
        assert!(parse_minute("2020-04-01 24:00").is_none());
    }

    /// The canonical form read a byte at a time, as the word reading must.
    fn canonical_by_bytes(b: &[u8]) -> Option<Minute> {
        if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> { b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))) };
        Minute { year: num(0..4)? as i32, month: num(5..7)?, day: num(8..10)?, hour: num(11..13)?, minute: num(14..16)? }.checked()
    }

    #[test]
    fn canonical_dates_are_read_by_words_as_by_bytes() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut read = 0;
        for _ in 0..200_000 {
            let mut b = *b"2020-02-29 23:59";
            // Change a byte or two: to a digit, a separator, a byte next to
            // a digit's range, or any byte.
            for _ in 0..=next() % 2 {
                let at = (next() % 16) as usize;
                let pool = b"0123456789-: T/:;\x2F\x3A\x30\x39\xB0\xFF";
                b[at] = match next() % 4 {
                    0 => next() as u8,
                    _ => pool[(next() % pool.len() as u64) as usize],
                };
            }
            let m = parse_canonical(&b);
            assert_eq!(m, canonical_by_bytes(&b), "{:?}", String::from_utf8_lossy(&b));
            read += usize::from(m.is_some());
        }
        assert!(read > 10_000, "{read}");
        assert_eq!(parse_canonical(b"2020-02-29 23:5"), None);
        assert_eq!(parse_canonical(b"2020-02-29 23:590"), None);
        assert_eq!(parse_canonical(b"2100-02-29 10:00"), None);
        assert_eq!(parse_canonical(b"2000-02-29T10:00").map(|m| m.to_string()).as_deref(), Some("2000-02-29T10:00"));
    }

    #[test]
    fn office_forms() {
        let want = Some("2024-04-18T09:05".to_string());
        for s in [
            "2024/4/18 9:05",
            "2024/04/18 09:05:00",
            "2024-04-18 9:05",
            "2024-4-18 9:05",
            "2024年4月18日 9時5分",
            "2024年4月18日 9:05",
            "2024年4月18日(木) 9時05分",
            "２０２４／４／１８　９：０５",
            "令和6年4月18日 9:05",
            "R6.4.18 9:05",
            "r6/4/18 9:05",
            "令和６年４月１８日（木）９時０５分",
        ] {
            assert_eq!(p(s), want, "{s}");
        }
        assert_eq!(p("令和元年5月1日 0:00").as_deref(), Some("2019-05-01T00:00"));
        assert_eq!(p("平成31年4月30日 23:59").as_deref(), Some("2019-04-30T23:59"));
        assert_eq!(p("2024年4月18日 9時").as_deref(), Some("2024-04-18T09:00"));
        // Seconds are dropped, never rounded: 23:59:45 stays on its day.
        assert_eq!(p("2021-03-31 23:59:45").as_deref(), Some("2021-03-31T23:59"));
        assert_eq!(p("2021/3/31 23:59:59").as_deref(), Some("2021-03-31T23:59"));
    }

    #[test]
    fn ambiguous_or_incomplete_forms_are_refused() {
        // Seconds past 59; 和暦 years outside their era.
        for s in ["2020-05-01 00:00:99", "2020-05-01 00:00:60", "昭和99年1月1日 0:00", "令和0年12月1日 0:00", "平成32年1月1日 0:00", "令和元年4月30日 0:00", "H31.5.1 0:00", "昭和64年1月8日 0:00"] {
            assert_eq!(p(s), None, "{s}");
        }
        assert_eq!(p("平成31年4月30日 23:59").as_deref(), Some("2019-04-30T23:59"));
        assert_eq!(p("昭和64年1月7日 0:00").as_deref(), Some("1989-01-07T00:00"));
        for s in ["4/1/2024 9:05", "1/4/2024 9:05", "2024/4/18", "24/4/18 9:05", "2024/4-18 9:05", "2024/13/1 9:05", "R6.2.30 9:05", "約2024/4/1 9:00"] {
            assert_eq!(p(s), None, "{s}");
        }
    }

    #[test]
    fn ordinals_count_minutes() {
        let a = parse_minute("2020-02-28 23:00").unwrap();
        let b = parse_minute("2020-03-01 01:30").unwrap();
        assert_eq!(b.ordinal() - a.ordinal(), 24 * 60 + 150);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
