//! The おそれ事態 facts of a record or of classify's flags, read from text:
//! the reader's job (codes, labels, counts, dates as offices write them);
//! the rules only judge them.

use jiko_core::rules::near_miss::{Facts, Field};

use super::normalize::match_key;
use super::values::Vocabularies;

/// A situation cannot become known on a day before it occurred: the
/// report's due day counts from the day it became known, so a slip in
/// either date would move a legal deadline in silence.
pub fn check_known(lang: jiko_core::lang::Lang, f: &Facts) -> Result<(), String> {
    match (f.occurred, f.known) {
        (Some(o), Some(k)) if (k.year, k.month, k.day) < (o.year, o.month, o.day) => Err(jiko_core::say!(
            lang,
            "the day it became known ({k}) is before the day it occurred ({o})",
            "知った日（{k}）が発生日（{o}）より前です",
            k = format!("{:04}-{:02}-{:02}", k.year, k.month, k.day),
            o = format!("{:04}-{:02}-{:02}", o.year, o.month, o.day)
        )),
        _ => Ok(()),
    }
}

/// Read one fact from its text (a flag's or a cell's), or say what is
/// wrong with it; the command line and the records read the same way.
/// Situations, functions and exclusions are codes or labels of the book's
/// `[near_miss]` lists (after NFKC, as every coded column), with the
/// nearest one offered for a misspelling.
pub fn set_fact(lang: jiko_core::lang::Lang, f: &mut Facts, v: &Vocabularies, field: Field, text: &str) -> Result<(), String> {
    match field {
        Field::Situation => f.situation = Some(v.situations.find(text.trim()).ok_or_else(|| v.situations.unknown(lang, text.trim()))?),
        Field::Function => f.function = Some(v.functions.find(text.trim()).ok_or_else(|| v.functions.unknown(lang, text.trim()))?),
        Field::CarrierUsers => f.carrier_users = Some(super::values::count(lang, text)?),
        Field::Prefectures => {
            let p = super::values::count(lang, text).ok().and_then(|p| u32::try_from(p).ok()).filter(|p| (1..=47).contains(p));
            f.prefectures = Some(p.ok_or_else(|| jiko_core::say!(lang, "not a number of prefectures (1–47)", "都道府県の数（1〜47）ではありません"))?);
        }
        Field::Known => {
            let m = crate::dates::parse_minute(text).or_else(|| crate::dates::parse_minute(&format!("{} 00:00", text.trim())));
            f.known = Some(m.ok_or_else(|| jiko_core::say!(lang, "not a date; accepted: {f}", "日付として読めません。使える形: {f}", f = super::dates::accepted_forms(lang)))?);
        }
        Field::Exclusions => {
            let no_exclusion = v.no_exclusion;
            let none = |p: &str| no_exclusion.iter().any(|n| match_key(n) == match_key(p));
            let pieces: Vec<&str> = text.split([';', '；', '、', ',', '，']).map(str::trim).filter(|p| !p.is_empty()).collect();
            for piece in &pieces {
                if none(piece) {
                    if pieces.len() > 1 {
                        return Err(jiko_core::say!(lang, "{p:?} (no exclusion applies) cannot stand with other exclusions", "{p:?}（除外事由なし）はほかの除外事由と同時に書けません", p = piece));
                    }
                    f.no_exclusion = true;
                    continue;
                }
                let e = v.exclusions.find(piece).ok_or_else(|| {
                    // The piece is named only where the value has several
                    // (the value itself is named by the caller).
                    let p = if pieces.len() > 1 { format!("{piece:?}: ") } else { String::new() };
                    // A misspelt "none" is told so before any exclusion.
                    if let Some(n) = jiko_core::rules::taxonomy::nearest(piece, no_exclusion.iter().copied()) {
                        return jiko_core::say!(lang, "{p}unknown code; did you mean `{n}` (no exclusion applies)?", "{p}不明なコードです。`{n}`（除外事由なし）ではありませんか？", p = p, n = n);
                    }
                    // Its Japanese word and, where the book has one, the ASCII one.
                    let words: Vec<String> = no_exclusion.first().into_iter().chain(no_exclusion.iter().rev().find(|n| n.is_ascii())).map(|n| format!("{n:?}")).collect();
                    let said = if words.is_empty() { String::new() } else { jiko_core::say!(lang, " (write {w} when none applies)", "（該当しなければ {w}）", w = words.join(if lang.ja() { "又は" } else { " or " })) };
                    format!("{p}{}{said}", v.exclusions.unknown(lang, piece))
                })?;
                if !f.exclusions.contains(&e) {
                    f.exclusions.push(e);
                }
            }
        }
    }
    Ok(())
}
