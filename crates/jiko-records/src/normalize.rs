//! One spelling for what a person may type several ways: NFKC (full-width
//! digits and letters, half-width kana, both bracket widths), trimmed;
//! keys for matching also drop spaces and ASCII case.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Trimmed of white space: ASCII first (fast), Unicode only when the
/// value starts or ends with a non-ASCII character (`　` U+3000).
#[inline]
pub fn trim(s: &str) -> &str {
    match space_at_start(s.as_bytes()) || space_at_end(s.as_bytes()) {
        true => trim_spaced(s),
        // Most values: a visible character at both ends, nothing to look up.
        false => s,
    }
}

/// Whether `b` may start with white space (`char::is_whitespace`): an
/// ASCII control or space, or the bytes of a Unicode space (U+0085, U+00A0,
/// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
#[inline]
fn space_at_start(b: &[u8]) -> bool {
    match b {
        [a, ..] if *a < 0x80 => *a <= b' ',
        [0xC2, 0x85 | 0xA0, ..] | [0xE1, 0x9A, 0x80, ..] | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] | [0xE2, 0x81, 0x9F, ..] | [0xE3, 0x80, 0x80, ..] => true,
        [_, ..] => false,
        // Nothing to trim (and many values are empty).
        [] => false,
    }
}

/// The same at the end.
#[inline]
fn space_at_end(b: &[u8]) -> bool {
    match b {
        [.., z] if *z < 0x80 => *z <= b' ',
        [.., 0xC2, 0x85 | 0xA0] | [.., 0xE1, 0x9A, 0x80] | [.., 0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF] | [.., 0xE2, 0x81, 0x9F] | [.., 0xE3, 0x80, 0x80] => true,
        [.., _] => false,
        [] => false,
    }
}

#[inline(never)]
fn trim_spaced(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(b)) if *a >= 0x80 || *b >= 0x80 => t.trim(),
        _ => t,
    }
}

/// NFKC, trimmed. ASCII text is already NFKC, so it is only trimmed.
#[inline]
pub fn nfkc(s: &str) -> Cow<'_, str> {
    let t = trim(s);
    if t.is_ascii() {
        Cow::Borrowed(t)
    } else {
        nfkc_unicode(t)
    }
}

#[inline(never)]
fn nfkc_unicode(t: &str) -> Cow<'_, str> {
    let n: String = t.nfkc().collect();
    Cow::Owned(n.trim().to_string())
}

/// The key codes, labels and header names are matched by: NFKC, no spaces,
/// ASCII lower case, no BOM.
pub(crate) fn match_key(s: &str) -> String {
    nfkc(s.trim_start_matches('\u{feff}')).chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Company-form words and their short spellings; after NFKC, `㈱` is `(株)`.
/// A short form counts as its word in the same position only, so
/// `(株)KDDI` = `株式会社KDDI`, but `KDDI株式会社` stays apart.
pub const COMPANY_FORMS: &[(&str, &str)] = &[("(株)", "株式会社"), ("(有)", "有限会社"), ("(同)", "合同会社")];

/// The key carriers are counted by (docs/incidents.md, "Carriers").
pub fn carrier_key(s: &str) -> String {
    let mut k: String = match_key(s);
    for (short, long) in COMPANY_FORMS {
        if k.contains(short) {
            k = k.replace(short, long);
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_of_either_width_is_trimmed() {
        assert_eq!(trim("\u{3000}架空\u{3000} "), "架空");
        assert_eq!(trim(" 架空 通信 "), "架空 通信");
        assert_eq!(trim("架空\u{3000}"), "架空");
        assert_eq!(trim("\u{3000}"), "");
        assert_eq!(trim("架空"), "架空");
    }

    #[test]
    fn the_quick_look_at_the_ends_trims_as_the_slow_one() {
        // Every white space character, its neighbours in UTF-8, and others.
        let mut edges: Vec<char> = (0u32..0x80).chain([0x85, 0xA0, 0x1680, 0x205F, 0x205E, 0x3000, 0x3001, 0x3042, 0x1681, 0xA1, 0x84]).chain(0x1FFF..0x2031).filter_map(char::from_u32).collect();
        edges.push('架');
        for &a in &edges {
            let one = format!("{a}");
            assert_eq!(trim(&one), trim_spaced(&one), "{one:?}");
            for &z in &edges {
                for middle in ["", "x", "架空"] {
                    let s = format!("{a}{middle}{z}");
                    assert_eq!(trim(&s), trim_spaced(&s), "{s:?}");
                }
            }
        }
        assert!(edges.iter().filter(|c| c.is_whitespace()).count() >= 25);
    }

    #[test]
    fn width_variants_are_one_value() {
        assert_eq!(nfkc(" １５０００００ "), "1500000");
        assert_eq!(nfkc("継続時間（分）"), "継続時間(分)");
        assert_eq!(nfkc("ｻｰﾋﾞｽ"), "サービス");
        assert_eq!(match_key("ＦＴＴＨ"), "ftth");
    }

    #[test]
    fn carriers_are_counted_once() {
        let k = carrier_key("KDDI株式会社");
        assert_eq!(carrier_key("ＫＤＤＩ株式会社"), k);
        assert_eq!(carrier_key("KDDI 株式会社"), k);
        assert_eq!(carrier_key("KDDI(株)"), k);
        assert_eq!(carrier_key("KDDI㈱"), k);
        assert_eq!(carrier_key("㈱NTTドコモ"), carrier_key("株式会社NTTドコモ"));
        assert_ne!(carrier_key("株式会社KDDI"), k, "the company word's place is part of the name");
    }
}
