//! One spelling for what a person may type several ways: NFKC (full-width
//! digits and letters, half-width kana, both bracket widths), trimmed;
//! keys for matching also drop spaces and ASCII case.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Trimmed of white space: ASCII first (fast), Unicode only when the
/// value starts or ends with a non-ASCII character (`　` U+3000).
pub fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        // Most such values (Japanese names) have no space at either end.
        (Some(a), Some(b)) if *a >= 0x80 || *b >= 0x80 => {
            let spaced = t.chars().next().is_some_and(char::is_whitespace) || t.chars().next_back().is_some_and(char::is_whitespace);
            if spaced {
                t.trim()
            } else {
                t
            }
        }
        _ => t,
    }
}

/// NFKC, trimmed. ASCII text is already NFKC, so it is only trimmed.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    let t = trim(s);
    if t.is_ascii() {
        Cow::Borrowed(t)
    } else {
        let n: String = t.nfkc().collect();
        Cow::Owned(n.trim().to_string())
    }
}

/// The key codes, labels and header names are matched by: NFKC, no spaces,
/// ASCII lower case, no BOM.
pub fn match_key(s: &str) -> String {
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
